import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import type { CodeFile, DbCall } from '../../../rules/model';
import { codeFrontEnd, describeWrap } from '../../../server/src/languages/code';
import {
  analyzeFixture,
  analyzeText,
  applyEdits,
  applyFix,
  callAt,
  codeFile,
  FIXTURES,
  PRISMA_APP_MODELS,
  prismaDatabase,
  syntaxErrors,
  typecheck,
} from './helpers';

const PRISMA_APP = `${FIXTURES}/prisma-app`;
const DRIZZLE_APP = `${FIXTURES}/drizzle-app`;

const prisma = analyzeFixture(PRISMA_APP, [prismaDatabase(PRISMA_APP_MODELS)]);
const drizzle = analyzeFixture(DRIZZLE_APP);

function writesOf(file: CodeFile, fn: string): DbCall[] {
  return file.calls.filter((c) => c.kind === 'write' && c.enclosingFunction === fn);
}

/** Applies a fix, checks it parses with no new errors and that the project still type-checks; returns the new text. */
function checkFix(dir: string, file: string, edits: ReturnType<typeof codeFrontEnd.writeFix>): string {
  assert.ok(edits, 'a fix is produced');
  assert.equal(edits.length, 1);
  assert.equal(edits[0].file, file);
  const overrides = applyFix(edits);
  const after = overrides.get(file)!;
  assert.equal(syntaxErrors(file, after), 0);
  assert.deepEqual(typecheck(dir, overrides), []);
  return after;
}

describe('fixture projects type-check before any fix', () => {
  it('prisma-app (hand-written client types)', () => assert.deepEqual(typecheck(PRISMA_APP), []));
  it('drizzle-app (installed drizzle-orm)', () => assert.deepEqual(typecheck(DRIZZLE_APP), []));
  it('the type-check does catch a wrong call (so a broken fix would fail)', () => {
    const file = `${PRISMA_APP}/src/lib/auth-server.ts`;
    const broken = readFileSync(file, 'utf8').replace('await prisma.user.create({', 'await prisma.user.createe({');
    const errors = typecheck(PRISMA_APP, new Map([[file, broken]]));
    assert.equal(errors.length, 1);
    assert.match(errors[0], /auth-server\.ts:13: Property 'createe' does not exist/);
  });
});

describe('wrapInTransaction', () => {
  it('registration: returns the variables later code reads, and keeps indentation', () => {
    const f = codeFile(prisma.analysis.codeFiles, 'lib/auth-server.ts');
    const calls = writesOf(f, 'registerUser');
    const after = checkFix(PRISMA_APP, f.file, codeFrontEnd.writeFix({ kind: 'wrapInTransaction', file: f, calls, transactionClient: 'tx' }, prisma.reader));
    assert.ok(
      after.includes(
        [
          '  const { user, account, session } = await prisma.$transaction(async (tx) => {',
          '    const user = await tx.user.create({',
          '      data: { email: input.email, name: input.name },',
          '    });',
        ].join('\n'),
      ),
      after,
    );
    assert.ok(after.includes('    return { user, account, session };\n  });\n  console.log('));
    assert.ok(!/await prisma\.(user|account|session)/.test(after));
    const d = describeWrap(f, calls, prisma.reader);
    assert.deepEqual(d.nonDatabaseAwaits, ['sendWelcomeEmail(…)']);
    assert.deepEqual(d.returnedVariables, ['user', 'account', 'session']);
    assert.deepEqual(describeWrap(f, calls).nonDatabaseAwaits, ['sendWelcomeEmail(…)'], 'pure over the model too');
  });

  it('quiz submission: returns inside the range become the function result', () => {
    const f = codeFile(prisma.analysis.codeFiles, 'actions/enrollment.ts');
    const calls = writesOf(f, 'submitQuiz');
    const after = checkFix(PRISMA_APP, f.file, codeFrontEnd.writeFix({ kind: 'wrapInTransaction', file: f, calls, transactionClient: 'tx' }, prisma.reader));
    assert.ok(after.includes('  const passed = score >= 70;\n  return await prisma.$transaction(async (tx) => {\n    const submission = await tx.quizSubmission.create({'), after);
    assert.ok(after.includes('      return { submission, certificate: null };\n    }\n    await tx.lessonProgress.updateMany({'));
    assert.ok(after.includes('const remaining = await tx.lessonProgress.count('), 'reads inside the range use tx too');
  });

  it('a range that stops before a return is extended to the end of the function', () => {
    const f = codeFile(prisma.analysis.codeFiles, 'actions/enrollment.ts');
    const calls = writesOf(f, 'submitQuiz').slice(0, 2); // submission + progress: the `if (!passed) return` sits between
    const edits = codeFrontEnd.writeFix({ kind: 'wrapInTransaction', file: f, calls, transactionClient: 'prisma' }, prisma.reader);
    const after = checkFix(PRISMA_APP, f.file, edits);
    assert.ok(after.includes('return await prisma.$transaction('));
    assert.equal(describeWrap(f, calls, prisma.reader).extendedToEnd, true);
  });

  it('a Next.js route: returns inside a try block that ends the function', () => {
    const f = codeFile(prisma.analysis.codeFiles, 'auth/register/route.ts');
    const calls = writesOf(f, 'POST');
    assert.equal(calls.length, 2);
    const after = checkFix(PRISMA_APP, f.file, codeFrontEnd.writeFix({ kind: 'wrapInTransaction', file: f, calls, transactionClient: 'tx' }, prisma.reader));
    assert.ok(
      after.includes(
        [
          '    return await prisma.$transaction(async (tx) => {',
          '      const user = await tx.user.create({ data: { email: body.email, name: body.name } });',
          '      if (!user.name) {',
          "        return Response.json({ error: 'Name required' }, { status: 400 });",
          '      }',
        ].join('\n'),
      ),
      after,
    );
    assert.ok(after.includes("      return Response.json({ id: user.id }, { status: 201 });\n    });\n  } catch (error) {"), after);
    assert.ok(after.includes('const existing = await prisma.user.findUnique('), 'the read before the range keeps the client');
  });

  it('refuses returns in a block that does not end the function', () => {
    const text =
      "import { PrismaClient } from '@prisma/client';\nconst prisma = new PrismaClient();\n" +
      'export async function f(ok: boolean) {\n  if (ok) {\n    await prisma.a.create({ data: {} });\n    if (ok) return 1;\n    await prisma.b.create({ data: {} });\n  }\n  return 2;\n}\n';
    const { file, reader } = analyzeText(text);
    assert.equal(codeFrontEnd.writeFix({ kind: 'wrapInTransaction', file, calls: file.calls, transactionClient: 'tx' }, reader), undefined);
  });

  it('enrollment: a `let` assigned inside stays a `let` after', () => {
    const f = codeFile(prisma.analysis.codeFiles, 'actions/enrollment.ts');
    const calls = writesOf(f, 'enroll');
    const after = checkFix(PRISMA_APP, f.file, codeFrontEnd.writeFix({ kind: 'wrapInTransaction', file: f, calls, transactionClient: 'tx' }, prisma.reader));
    assert.ok(after.includes('  let { enrollment, created } = await prisma.$transaction(async (tx) => {'), after);
    assert.ok(after.includes('    return { enrollment, created };\n  });\n  console.log(`enrolled with ${created} lessons`);'));
  });

  it('content + audit: a writing call inside is reported as not covered by the transaction', () => {
    const f = codeFile(prisma.analysis.codeFiles, 'admin/content/route.ts');
    const calls = [...writesOf(f, 'POST'), ...(f.writingCalls as unknown as DbCall[])];
    const after = checkFix(PRISMA_APP, f.file, codeFrontEnd.writeFix({ kind: 'wrapInTransaction', file: f, calls, transactionClient: 'prisma' }, prisma.reader));
    assert.ok(after.includes('  const content = await prisma.$transaction(async (tx) => {'), after);
    assert.ok(after.includes("    await logAudit(userId, 'create', 'content', content.id);\n    return content;\n  });"));
    assert.deepEqual(describeWrap(f, calls).writesOutsideTransaction, ['logAudit']);
  });

  it('an injected class member client: this.db.$transaction', () => {
    const f = codeFile(prisma.analysis.codeFiles, 'clean/transactions.ts');
    const calls = writesOf(f, 'deactivate');
    const after = checkFix(PRISMA_APP, f.file, codeFrontEnd.writeFix({ kind: 'wrapInTransaction', file: f, calls, transactionClient: 'this.db' }, prisma.reader));
    assert.ok(after.includes('    await this.db.$transaction(async (tx) => {\n      await tx.session.deleteMany({ where: { userId } });'), after);
  });

  it('Drizzle: delete all positions, then insert → db.transaction returning the result', () => {
    const f = codeFile(drizzle.analysis.codeFiles, 'server/storage.ts');
    const calls = writesOf(f, 'syncPositionsFromAlpaca');
    const after = checkFix(DRIZZLE_APP, f.file, codeFrontEnd.writeFix({ kind: 'wrapInTransaction', file: f, calls, transactionClient: 'tx' }, drizzle.reader));
    assert.ok(after.includes('    return await db.transaction(async (tx) => {\n      await tx.delete(positions);\n'), after);
    assert.ok(after.includes('      const insertedPositions = await tx.insert(positions).values(positionsToInsert).returning();\n      return insertedPositions;\n    });'));
  });

  it('Drizzle: destructured array bindings are returned and destructured', () => {
    const f = codeFile(drizzle.analysis.codeFiles, 'server/storage.ts');
    const calls = writesOf(f, 'openPosition');
    const after = checkFix(DRIZZLE_APP, f.file, codeFrontEnd.writeFix({ kind: 'wrapInTransaction', file: f, calls, transactionClient: 'db' }, drizzle.reader));
    assert.ok(after.includes('    const { trade, position } = await db.transaction(async (tx) => {\n      const [trade] = await tx.insert(trades)'), after);
    assert.ok(after.includes('      const [position] = await tx\n        .insert(positions)\n'), 'continuation lines are re-indented');
  });

  it('picks a parameter name that does not collide', () => {
    const text = [
      "import { PrismaClient } from '@prisma/client';",
      'const prisma = new PrismaClient();',
      'export async function f(tx: string) {',
      '  await prisma.user.create({ data: { name: tx } });',
      '  await prisma.post.create({ data: { title: tx } });',
      '}',
      '',
    ].join('\n');
    const { file, reader } = analyzeText(text);
    const edits = codeFrontEnd.writeFix({ kind: 'wrapInTransaction', file, calls: file.calls, transactionClient: 'tx' }, reader);
    assert.ok(edits);
    const after = applyEdits(text, edits[0].edits);
    assert.ok(after.includes('await prisma.$transaction(async (tx2) => {\n    await tx2.user.create('), after);
  });

  it('uses the parameter name the rule asks for', () => {
    const text = "import { PrismaClient } from '@prisma/client';\nconst prisma = new PrismaClient();\nexport async function f() {\n  await prisma.a.create({ data: {} });\n  await prisma.b.create({ data: {} });\n}\n";
    const { file, reader } = analyzeText(text);
    const edits = codeFrontEnd.writeFix({ kind: 'wrapInTransaction', file, calls: file.calls, transactionClient: 'trx' }, reader);
    assert.ok(edits);
    assert.ok(applyEdits(text, edits[0].edits).includes('  await prisma.$transaction(async (trx) => {\n    await trx.a.create('));
  });

  it('keeps template literal lines as they are', () => {
    const text = [
      "import { PrismaClient } from '@prisma/client';",
      'const prisma = new PrismaClient();',
      'export async function f() {',
      '  await prisma.$executeRaw`UPDATE "User"',
      '  SET name = 1`;',
      '  await prisma.post.create({ data: {} });',
      '}',
      '',
    ].join('\n');
    const { file, reader } = analyzeText(text);
    const edits = codeFrontEnd.writeFix({ kind: 'wrapInTransaction', file, calls: file.calls, transactionClient: 'prisma' }, reader);
    assert.ok(edits);
    const after = applyEdits(text, edits[0].edits);
    assert.ok(after.includes('    await tx.$executeRaw`UPDATE "User"\n  SET name = 1`;\n    await tx.post.create('), after);
  });

  it('refuses shapes it cannot move: break out of the range, calls in two functions, non-async function', () => {
    const head = "import { PrismaClient } from '@prisma/client';\nconst prisma = new PrismaClient();\n";
    const cases = [
      'export async function f(xs: number[]) {\n  for (const x of xs) {\n    await prisma.a.create({ data: { x } });\n    if (x) break;\n    await prisma.b.create({ data: { x } });\n  }\n}\n',
      'export async function f() {\n  await prisma.a.create({ data: {} });\n}\nexport async function g() {\n  await prisma.b.create({ data: {} });\n}\n',
      'export function f() {\n  prisma.a.create({ data: {} });\n  prisma.b.create({ data: {} });\n}\n',
      'export async function f() {\n  await prisma.a.create({ data: {} });\n  await prisma.$transaction([prisma.c.create({ data: {} })]);\n  await prisma.b.create({ data: {} });\n}\n',
    ];
    for (const body of cases) {
      const { file, reader } = analyzeText(head + body);
      const calls = file.calls.filter((c) => !c.transaction);
      assert.equal(calls.length, 2);
      assert.equal(codeFrontEnd.writeFix({ kind: 'wrapInTransaction', file, calls, transactionClient: 'tx' }, reader), undefined, body);
    }
  });

  it('writes repeated per element: `enclose` makes the wrapper hold the whole for…of, not one iteration (seed 002)', () => {
    const text =
      "import { eq } from 'drizzle-orm';\nimport { drizzle } from 'drizzle-orm/node-postgres';\nimport { brokerAssets } from './schema';\n" +
      'const db = drizzle(process.env.DATABASE_URL!);\n' +
      'export async function bulkUpsert(assets: { symbol: string }[]) {\n' +
      '  let count = 0;\n' +
      '  for (const asset of assets) {\n' +
      '    const existing = await db.select().from(brokerAssets).where(eq(brokerAssets.symbol, asset.symbol));\n' +
      '    if (existing.length > 0) {\n' +
      '      await db.update(brokerAssets).set(asset).where(eq(brokerAssets.symbol, asset.symbol));\n' +
      '    } else {\n' +
      '      await db.insert(brokerAssets).values(asset);\n' +
      '    }\n' +
      '    count++;\n' +
      '  }\n' +
      '  return count;\n' +
      '}\n';
    const { file, reader } = analyzeText(text);
    const calls = file.calls.filter((c) => c.kind === 'write');
    assert.equal(calls.length, 2);
    const loop = calls[0]!.loop!;
    assert.equal(loop.kind, 'for-of');
    const without = codeFrontEnd.writeFix({ kind: 'wrapInTransaction', file, calls, transactionClient: 'tx' }, reader);
    assert.ok(without && applyEdits(text, without[0].edits).includes('\n    await db.transaction(async (tx) => {\n      if (existing.length > 0) {'), 'without enclose: inside the iteration');
    const edits = codeFrontEnd.writeFix({ kind: 'wrapInTransaction', file, calls, transactionClient: 'tx', enclose: [loop.loc] }, reader);
    assert.ok(edits);
    const after = applyEdits(text, edits[0].edits);
    assert.equal(syntaxErrors(file.file, after), 0);
    assert.ok(
      after.includes(
        '  let count = 0;\n  await db.transaction(async (tx) => {\n    for (const asset of assets) {\n' +
          '      const existing = await tx.select().from(brokerAssets).where(eq(brokerAssets.symbol, asset.symbol));\n' +
          '      if (existing.length > 0) {\n        await tx.update(brokerAssets)',
      ),
      after,
    );
    assert.ok(after.includes('      count++;\n    }\n  });\n  return count;\n}\n'), after);
  });

  it('writes per element of Promise.all(xs.map(…)): the callbacks go through tx, the wrapper holds the Promise.all (seed 003)', () => {
    const text =
      "import { PrismaClient } from '@prisma/client';\nconst prisma = new PrismaClient();\n" +
      'export async function logProgress(userId: string, goalIds: string[]) {\n' +
      '  await Promise.all(\n' +
      '    goalIds.map(async (goalId) => {\n' +
      '      const goal = await prisma.goal.findUnique({ where: { id: goalId } });\n' +
      '      await prisma.progress.create({ data: { userId, goalId, value: goal ? 1 : 0 } });\n' +
      '    }),\n' +
      '  );\n' +
      '}\n';
    const { file, reader } = analyzeText(text);
    const calls = file.calls.filter((c) => c.kind === 'write');
    assert.equal(calls[0]!.host?.name, 'logProgress');
    const edits = codeFrontEnd.writeFix({ kind: 'wrapInTransaction', file, calls, transactionClient: 'tx', enclose: [calls[0]!.loop!.loc] }, reader);
    assert.ok(edits);
    const after = applyEdits(text, edits[0].edits);
    assert.equal(syntaxErrors(file.file, after), 0);
    assert.equal(
      after,
      "import { PrismaClient } from '@prisma/client';\nconst prisma = new PrismaClient();\n" +
        'export async function logProgress(userId: string, goalIds: string[]) {\n' +
        '  await prisma.$transaction(async (tx) => {\n' +
        '    await Promise.all(\n' +
        '      goalIds.map(async (goalId) => {\n' +
        '        const goal = await tx.goal.findUnique({ where: { id: goalId } });\n' +
        '        await tx.progress.create({ data: { userId, goalId, value: goal ? 1 : 0 } });\n' +
        '      }),\n' +
        '    );\n' +
        '  });\n' +
        '}\n',
    );
  });

  it('refuses a range with a forEach callback (not awaited: its calls would run after the commit) and an enclose range it cannot find', () => {
    const text =
      "import { PrismaClient } from '@prisma/client';\nconst prisma = new PrismaClient();\n" +
      'export async function start(userId: string, goalIds: string[]) {\n' +
      '  await prisma.user.update({ where: { id: userId }, data: { level: 1 } });\n' +
      '  goalIds.forEach((goalId) => {\n' +
      '    void prisma.progress.create({ data: { userId, goalId } });\n' +
      '  });\n' +
      '  await prisma.user.update({ where: { id: userId }, data: { streak: 1 } });\n' +
      '}\n';
    const { file, reader } = analyzeText(text);
    const calls = file.calls.filter((c) => c.enclosingFunction === 'start');
    assert.equal(calls.length, 2);
    assert.equal(codeFrontEnd.writeFix({ kind: 'wrapInTransaction', file, calls, transactionClient: 'tx' }, reader), undefined);
    const plain = text.replace(/  goalIds\.forEach[^]*?\n  \}\);\n/, '');
    const again = analyzeText(plain);
    const two = again.file.calls;
    assert.ok(codeFrontEnd.writeFix({ kind: 'wrapInTransaction', file: again.file, calls: two, transactionClient: 'tx' }, again.reader));
    const nowhere = { ...two[0]!.loc, range: { start: { line: 3, character: 3 }, end: { line: 4, character: 5 } } };
    assert.equal(codeFrontEnd.writeFix({ kind: 'wrapInTransaction', file: again.file, calls: two, transactionClient: 'tx', enclose: [nowhere] }, again.reader), undefined);
  });

  it('refuses a range holding half-typed code (an unterminated call): the parser\'s guess at its statements is not moved', () => {
    const head = "import { PrismaClient } from '@prisma/client';\nconst prisma = new PrismaClient();\n";
    const whole =
      'export async function sync(ids: string[]) {\n' +
      '  for (const id of ids) {\n' +
      '    await prisma.user.update({ where: { id }, data: { a: 1 } });\n' +
      '    await prisma.log.create({ data: { id } });\n' +
      '  }\n' +
      '}\n';
    const wrap = (text: string) => {
      const { file, reader } = analyzeText(head + text);
      const calls = writesOf(file, 'sync');
      assert.equal(calls.length, 2);
      return codeFrontEnd.writeFix({ kind: 'wrapInTransaction', file, calls, transactionClient: 'tx', enclose: [calls[0]!.loop!.loc] }, reader);
    };
    assert.ok(wrap(whole));
    // The last write typed up to `{ data: { id }`: the parser closes the call at the loop's `}`, and the function's `}`
    // would end up inside the callback.
    assert.equal(wrap(whole.replace('data: { id } });', 'data: { id }')), undefined);
  });

  it('calls in sibling blocks are wrapped from the smallest block that holds them', () => {
    const text =
      "import { PrismaClient } from '@prisma/client';\nconst prisma = new PrismaClient();\n" +
      'export async function f(ok: boolean) {\n  const a = await prisma.a.create({ data: {} });\n  if (ok) {\n    await prisma.b.create({ data: { a } });\n  }\n  console.log(a);\n}\n';
    const { file, reader } = analyzeText(text);
    const edits = codeFrontEnd.writeFix({ kind: 'wrapInTransaction', file, calls: file.calls, transactionClient: 'prisma' }, reader);
    assert.ok(edits);
    const after = applyEdits(text, edits[0].edits);
    assert.equal(
      after,
      "import { PrismaClient } from '@prisma/client';\nconst prisma = new PrismaClient();\n" +
        'export async function f(ok: boolean) {\n  const a = await prisma.$transaction(async (tx) => {\n    const a = await tx.a.create({ data: {} });\n' +
        '    if (ok) {\n      await tx.b.create({ data: { a } });\n    }\n    return a;\n  });\n  console.log(a);\n}\n',
    );
  });
});

describe('useTransactionClient', () => {
  it('replaces the outer client by the callback parameter', () => {
    const f = codeFile(prisma.analysis.codeFiles, 'clean/transactions.ts');
    const call = callAt(f, 25, 'create');
    const after = checkFix(PRISMA_APP, f.file, codeFrontEnd.writeFix({ kind: 'useTransactionClient', file: f, call, transaction: call.transaction! }, prisma.reader));
    assert.ok(after.includes("    await tx.auditLog.create({ data: { userId, action: 'rename'"));
    assert.ok(!after.includes('await prisma.auditLog.create'));
  });

  it('refuses the array form (no parameter)', () => {
    const f = codeFile(prisma.analysis.codeFiles, 'clean/transactions.ts');
    const call = callAt(f, 17, 'delete');
    assert.equal(codeFrontEnd.writeFix({ kind: 'useTransactionClient', file: f, call, transaction: call.transaction! }, prisma.reader), undefined);
  });
});

describe('addLimit', () => {
  it('Prisma: adds take to a multi-line options object', () => {
    const f = codeFile(prisma.analysis.codeFiles, 'signals/performance/route.ts');
    const call = callAt(f, 4, 'findMany');
    const after = checkFix(PRISMA_APP, f.file, codeFrontEnd.writeFix({ kind: 'addLimit', file: f, call, limit: 500 }, prisma.reader));
    assert.ok(after.includes("  const allTrades = await prisma.signalTrade.findMany({\n    orderBy: { entryTime: 'asc' },\n    take: MAX_ROWS,\n  });"), after);
    assert.ok(after.includes('\n/** The most rows one query loads: set your page size. */\nconst MAX_ROWS = 500;\n'), after);
  });

  it('Drizzle: appends .limit() to a select chain, and limit to a relational query', () => {
    const f = codeFile(drizzle.analysis.codeFiles, 'server/storage.ts');
    const sel = callAt(f, 65, 'select');
    const after = checkFix(DRIZZLE_APP, f.file, codeFrontEnd.writeFix({ kind: 'addLimit', file: f, call: sel, limit: 100 }, drizzle.reader));
    assert.ok(after.includes('      .orderBy(desc(aiDecisions.createdAt))\n      .limit(MAX_ROWS);'), after);
    assert.ok(after.includes('const MAX_ROWS = 100;'), after);
    const rel = callAt(f, 97, 'findMany');
    const after2 = checkFix(DRIZZLE_APP, f.file, codeFrontEnd.writeFix({ kind: 'addLimit', file: f, call: rel, limit: 100 }, drizzle.reader));
    assert.ok(after2.includes('findMany({ orderBy: (s, { asc }) => [asc(s.name)], limit: MAX_ROWS })'), after2);
  });

  it('every argument shape', () => {
    const head = "import { PrismaClient } from '@prisma/client';\nconst prisma = new PrismaClient();\nconst where = { a: 1 };\n";
    const cases: [string, string | undefined][] = [
      ['prisma.user.findMany()', 'prisma.user.findMany({ take: MAX_ROWS })'],
      ['prisma.user.findMany({})', 'prisma.user.findMany({ take: MAX_ROWS })'],
      ['prisma.user.findMany({ where })', 'prisma.user.findMany({ where, take: MAX_ROWS })'],
      ['prisma.user.findMany({ where, })', 'prisma.user.findMany({ where, take: MAX_ROWS, })'],
      ['prisma.user.findMany(args)', 'prisma.user.findMany({ ...args, take: MAX_ROWS })'],
      ['prisma.user.findMany({ take: 10 })', undefined],
      ['prisma.user.create({ data: {} })', undefined],
    ];
    for (const [call, expected] of cases) {
      const text = `${head}export const q = (args: object) => ${call};\n`;
      const { file, reader } = analyzeText(text);
      const edits = codeFrontEnd.writeFix({ kind: 'addLimit', file, call: file.calls[0], limit: 50 }, reader);
      if (expected === undefined) assert.equal(edits, undefined, call);
      else {
        assert.ok(edits, call);
        const declared = head.replace("from '@prisma/client';\n", "from '@prisma/client';\n\n/** The most rows one query loads: set your page size. */\nconst MAX_ROWS = 50;\n");
        assert.equal(applyEdits(text, edits[0].edits), `${declared}export const q = (args: object) => ${expected};\n`);
      }
    }
  });

  it('reuses a MAX_ROWS the file already declares, and declines when the name means something else', () => {
    const head = "import { PrismaClient } from '@prisma/client';\nconst prisma = new PrismaClient();\n";
    const reuse = `${head}const MAX_ROWS = 20;\nexport const q = () => prisma.user.findMany();\n`;
    const a = analyzeText(reuse);
    const edits = codeFrontEnd.writeFix({ kind: 'addLimit', file: a.file, call: a.file.calls[0], limit: 50 }, a.reader)!;
    assert.equal(applyEdits(reuse, edits[0].edits), `${head}const MAX_ROWS = 20;\nexport const q = () => prisma.user.findMany({ take: MAX_ROWS });\n`);
    const taken = `${head}export const q = (MAX_ROWS: number) => prisma.user.findMany();\n`;
    const b = analyzeText(taken);
    assert.equal(codeFrontEnd.writeFix({ kind: 'addLimit', file: b.file, call: b.file.calls[0], limit: 50 }, b.reader), undefined);
  });
});

describe('batchQueryInLoop', () => {
  it('rewrites a lookup per iteration into one findMany and a Map', () => {
    const f = codeFile(prisma.analysis.codeFiles, 'learning/analytics/route.ts');
    const call = callAt(f, 7, 'findUnique');
    const after = checkFix(PRISMA_APP, f.file, codeFrontEnd.writeFix({ kind: 'batchQueryInLoop', file: f, call }, prisma.reader));
    assert.ok(
      after.includes(
        [
          '  const userRows = await prisma.user.findMany({ where: { id: { in: Array.from(enrollments, (enrollment) => enrollment.userId) } } });',
          '  const userById = new Map(userRows.map((row) => [row.id, row] as const));',
          '  for (const enrollment of enrollments) {',
          '    const user = userById.get(enrollment.userId) ?? null;',
        ].join('\n'),
      ),
      after,
    );
  });

  it('Drizzle: one select with inArray (imported) and a Map', () => {
    const f = codeFile(drizzle.analysis.codeFiles, 'server/storage.ts');
    const after = checkFix(DRIZZLE_APP, f.file, codeFrontEnd.writeFix({ kind: 'batchQueryInLoop', file: f, call: callAt(f, 75, 'select') }, drizzle.reader));
    assert.ok(after.startsWith("import { desc, eq, inArray } from 'drizzle-orm';\n"), after);
    assert.ok(
      after.includes(
        [
          '    const tradeRows = await db.select().from(trades).where(inArray(trades.id, Array.from(tradeIds)));',
          '    const tradeById = new Map(tradeRows.map((row) => [row.id, row] as const));',
          '    for (const tradeId of tradeIds) {',
          '      const trade = tradeById.get(tradeId)!;',
        ].join('\n'),
      ),
      after,
    );
  });

  it('Drizzle query.x.findFirst (operator and callback where) and a select in a .forEach callback: the rewrites type-check', () => {
    const file = `${DRIZZLE_APP}/server/storage.ts`;
    const extra = [
      '',
      'export async function strategyNames(tradeRows: { strategyId: string }[]) {',
      '  const names: string[] = [];',
      '  for (const t of tradeRows) {',
      '    const s = await db.query.strategies.findFirst({ where: eq(strategies.id, t.strategyId) });',
      "    names.push(s?.name ?? '');",
      '  }',
      '  for (const t of tradeRows) {',
      '    const s = await db.query.strategies.findFirst({ where: (st, { eq }) => eq(st.id, t.strategyId) });',
      "    names.push(s?.name ?? '');",
      '  }',
      '  tradeRows.forEach(async (t) => {',
      '    const [s] = await db.select().from(strategies).where(eq(strategies.id, t.strategyId));',
      '    names.push(s.name);',
      '  });',
      '  return names;',
      '}',
      '',
    ].join('\n');
    let overrides = new Map([[file, readFileSync(file, 'utf8') + extra]]);
    for (let step = 0; step < 3; step++) {
      const { analysis, reader } = analyzeFixture(DRIZZLE_APP, [], overrides);
      const f = codeFile(analysis.codeFiles, 'server/storage.ts');
      const call = f.calls.find((c) => c.enclosingFunction.startsWith('strategyNames') && c.loop);
      assert.ok(call, `lookup ${step}`);
      const edits = codeFrontEnd.writeFix({ kind: 'batchQueryInLoop', file: f, call }, reader);
      assert.ok(edits, `fix ${step}: ${call.operation} in ${call.loop?.kind}`);
      overrides = applyFix(edits, overrides);
      assert.equal(syntaxErrors(file, overrides.get(file)!), 0);
    }
    const after = overrides.get(file)!;
    assert.ok(after.includes('const sRows = await db.query.strategies.findMany({ where: inArray(strategies.id, Array.from(tradeRows, (t) => t.strategyId)) });'), after);
    assert.ok(after.includes('const sRows2 = await db.query.strategies.findMany({ where: (st, { inArray }) => inArray(st.id, Array.from(tradeRows, (t) => t.strategyId)) });'), after);
    assert.ok(after.includes('const sRows3 = await db.select().from(strategies).where(inArray(strategies.id, Array.from(tradeRows.values(), (t) => t.strategyId)));'), after);
    assert.deepEqual(typecheck(DRIZZLE_APP, overrides), []);
  });

  it('returns undefined for other shapes', () => {
    const f = codeFile(prisma.analysis.codeFiles, 'learning/analytics/route.ts');
    assert.equal(codeFrontEnd.writeFix({ kind: 'batchQueryInLoop', file: f, call: callAt(f, 11, 'count') }, prisma.reader), undefined, 'map callback');
    const head = "import { PrismaClient } from '@prisma/client';\nconst prisma = new PrismaClient();\n";
    const shapes = [
      'export async function f(xs: { id: string }[]) {\n  for (const x of xs) {\n    const u = await prisma.user.findUnique({ where: { id: x.id }, select: { name: true } });\n  }\n}\n',
      'export async function f(xs: { id: string; a: string }[]) {\n  for (const x of xs) {\n    const u = await prisma.user.findFirst({ where: { id: x.id, a: x.a } });\n  }\n}\n',
      'export async function f(xs: { id: string }[]) {\n  for (const x of xs) {\n    const u = await prisma.user.findUnique({ where: { id: other(x) } });\n  }\n}\n',
      'export async function f(xs: { id: string }[]) {\n  for (const x of load()) {\n    const u = await prisma.user.findUnique({ where: { id: x.id } });\n  }\n}\n',
      'export async function f(xs: { id: string }[]) {\n  for (const x of xs) {\n    if (x) {\n      const u = await prisma.user.findUnique({ where: { id: x.id } });\n    }\n  }\n}\n',
      // .forEach in a function that is not async (the batched query could not be awaited), or not as a statement
      'export function f(xs: { id: string }[]) {\n  xs.forEach(async (x) => {\n    const u = await prisma.user.findUnique({ where: { id: x.id } });\n  });\n}\n',
      'export async function f(xs: { id: string }[]) {\n  return xs.forEach(async (x) => {\n    const u = await prisma.user.findUnique({ where: { id: x.id } });\n  });\n}\n',
      // a loop that is the body of an `if` without braces
      'export async function f(xs: { id: string }[]) {\n  if (xs.length) for (const x of xs) {\n    const u = await prisma.user.findUnique({ where: { id: x.id } });\n  }\n}\n',
    ];
    for (const body of shapes) {
      const { file, reader } = analyzeText(head + body);
      assert.equal(file.calls.length, 1, body);
      assert.equal(codeFrontEnd.writeFix({ kind: 'batchQueryInLoop', file, call: file.calls[0] }, reader), undefined, body);
    }
  });
});

describe('fix-all: every code fix of a file applied one after the other', () => {
  it('storage.ts still type-checks after two wraps, a batch rewrite and two limits', () => {
    const file = `${DRIZZLE_APP}/server/storage.ts`;
    let overrides = new Map<string, string>();
    const steps: [string, (f: CodeFile) => Parameters<typeof codeFrontEnd.writeFix>[0]][] = [
      ['wrap sync', (f) => ({ kind: 'wrapInTransaction', file: f, calls: writesOf(f, 'syncPositionsFromAlpaca'), transactionClient: 'tx' })],
      ['wrap open', (f) => ({ kind: 'wrapInTransaction', file: f, calls: writesOf(f, 'openPosition'), transactionClient: 'tx' })],
      ['batch', (f) => ({ kind: 'batchQueryInLoop', file: f, call: f.calls.find((c) => c.enclosingFunction === 'getStrategiesForTrades')! })],
      ['limit select', (f) => ({ kind: 'addLimit', file: f, call: f.calls.find((c) => c.enclosingFunction === 'getRecentDecisions')!, limit: 100 })],
      ['limit query', (f) => ({ kind: 'addLimit', file: f, call: f.calls.find((c) => c.enclosingFunction === 'listStrategies')!, limit: 100 })],
    ];
    for (const [name, intentOf] of steps) {
      const { analysis, reader } = analyzeFixture(DRIZZLE_APP, [], overrides);
      const edits = codeFrontEnd.writeFix(intentOf(codeFile(analysis.codeFiles, 'server/storage.ts')), reader);
      assert.ok(edits, name);
      overrides = applyFix(edits, overrides);
      assert.equal(syntaxErrors(file, overrides.get(file)!), 0, name);
    }
    assert.deepEqual(typecheck(DRIZZLE_APP, overrides), []);
    const { analysis } = analyzeFixture(DRIZZLE_APP, [], overrides);
    const after = codeFile(analysis.codeFiles, 'server/storage.ts');
    assert.ok(after.calls.filter((c) => ['syncPositionsFromAlpaca<callback>', 'openPosition<callback>'].includes(c.enclosingFunction)).every((c) => c.viaTransactionClient));
    assert.ok(!after.calls.some((c) => c.loop), 'no query left in a loop');
  });
});

describe('fixes never touch the disk', () => {
  it('fixture files are unchanged', () => {
    const text = readFileSync(`${PRISMA_APP}/src/lib/auth-server.ts`, 'utf8');
    assert.ok(text.includes('  const user = await prisma.user.create({'));
  });
});
