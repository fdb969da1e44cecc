import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { codeFrontEnd } from '../../../server/src/languages/code';
import { analyzeFixture, analyzeText, applyEdits, applyFix, codeFile, FIXTURES, PRISMA_APP_MODELS, prismaDatabase, syntaxErrors, typecheck } from './helpers';

const APP = `${FIXTURES}/prisma-app`;
const FILE = `${APP}/src/lib/auth-server.ts`;

/**
 * Wraps the writes of `fn`, appended to auth-server.ts, and returns the fixed text with the type errors of the
 * project. TypeScript does not follow assignments made inside a callback: a variable declared before the
 * wrapped range and assigned in it must be assigned again from the transaction's result.
 */
function wrapAppended(fn: string, source: string) {
  const overrides = new Map([[FILE, "import type { Content, User } from '@prisma/client';\n" + readFileSync(FILE, 'utf8') + source]]);
  assert.deepEqual(typecheck(APP, overrides), [], 'the appended code type-checks before the fix');
  const { analysis, reader } = analyzeFixture(APP, [prismaDatabase(PRISMA_APP_MODELS)], overrides);
  const f = codeFile(analysis.codeFiles, 'lib/auth-server.ts');
  const calls = f.calls.filter((c) => c.enclosingFunction === fn && c.kind === 'write');
  assert.equal(calls.length, 2);
  const fixed = applyFix(codeFrontEnd.writeFix({ kind: 'wrapInTransaction', file: f, calls, transactionClient: 'tx' }, reader), overrides);
  const after = fixed.get(FILE)!;
  assert.equal(syntaxErrors(FILE, after), 0);
  return { after: after.slice(after.indexOf(`export async function ${fn}`)), errors: typecheck(APP, fixed) };
}

describe('wrapInTransaction: a variable declared before the range, assigned in it and read after it', () => {
  it('`let user: User | null = null` keeps its narrowing: `user = await prisma.$transaction(…)`', () => {
    const { after, errors } = wrapAppended('linkGithub', `
export async function linkGithub(email: string) {
  let user: User | null = null;
  user = await prisma.user.create({ data: { email } });
  await prisma.account.create({ data: { userId: user.id, provider: 'github', providerAccountId: email } });
  return user.id;
}
`);
    assert.deepEqual(errors, []);
    assert.ok(after.includes([
      '  let user: User | null = null;',
      '  user = await prisma.$transaction(async (tx) => {',
      '    user = await tx.user.create({ data: { email } });',
      "    await tx.account.create({ data: { userId: user.id, provider: 'github', providerAccountId: email } });",
      '    return user;',
      '  });',
      '  return user.id;',
    ].join('\n')), after);
  });

  it('`let content;` assigned in a try whose catch returns (route handler shape)', () => {
    const { after, errors } = wrapAppended('publish', `
export async function publish(title: string, authorId: string) {
  let content;
  try {
    content = await prisma.content.create({ data: { title, authorId } });
    await prisma.auditLog.create({ data: { userId: authorId, action: 'create', entity: 'content', entityId: content.id } });
  } catch (error) {
    return { ok: false as const };
  }
  return { ok: true as const, id: content.id };
}
`);
    assert.deepEqual(errors, []);
    assert.ok(after.includes('    content = await prisma.$transaction(async (tx) => {\n'), after);
    assert.ok(after.includes('      return content;\n    });\n  } catch (error) {'), after);
  });

  it('two such variables: `({ user, content } = await …)`', () => {
    const { after, errors } = wrapAppended('onboard', `
export async function onboard(email: string) {
  let user: User;
  let content: Content | undefined;
  user = await prisma.user.create({ data: { email } });
  content = await prisma.content.create({ data: { title: 'Welcome', authorId: user.id } });
  return [user.id, content.id];
}
`);
    assert.deepEqual(errors, []);
    assert.ok(after.includes('  ({ user, content } = await prisma.$transaction(async (tx) => {\n'), after);
    assert.ok(after.includes('    return { user, content };\n  }));\n  return [user.id, content.id];'), after);
  });
});

describe('wrapInTransaction: `({ a, b } = await …)` in a file without semicolons', () => {
  it('starts with `;` so the parenthesis does not call the previous line', () => {
    const text = [
      "import { PrismaClient } from '@prisma/client'",
      'const prisma = new PrismaClient()',
      '',
      'export async function onboard(email: string) {',
      '  let user',
      '  let content',
      "  console.log('onboarding', email)",
      '  user = await prisma.user.create({ data: { email } })',
      "  content = await prisma.content.create({ data: { title: 'Welcome', authorId: user.id } })",
      '  return [user.id, content.id]',
      '}',
      '',
    ].join('\n');
    const { file, reader } = analyzeText(text);
    const edits = codeFrontEnd.writeFix({ kind: 'wrapInTransaction', file, calls: file.calls, transactionClient: 'tx' }, reader);
    assert.ok(edits);
    const after = applyEdits(text, edits[0].edits);
    assert.equal(syntaxErrors(file.file, after), 0);
    assert.ok(after.includes("  console.log('onboarding', email)\n  ;({ user, content } = await prisma.$transaction(async (tx) => {\n"), after);
  });
});
