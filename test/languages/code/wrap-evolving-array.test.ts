import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { codeFrontEnd } from '../../../server/src/languages/code';
import { FIXTURES, analyzeFixture, analyzeText, applyEdits, codeFile, typecheck } from './helpers';

const DIR = join(FIXTURES, 'evolving-array');
const FILE = join(DIR, 'src/promote.ts');

function wrapIn(fn: string): string | undefined {
  const { analysis, reader } = analyzeFixture(DIR);
  const file = codeFile(analysis.codeFiles, '/src/promote.ts');
  const writes = file.calls.filter((c) => c.kind === 'write' && c.enclosingFunction === fn);
  // As multi-write-without-transaction asks for it: the loops the writes repeat in are held whole.
  const enclose = writes.flatMap((c) => (c.loop ? [c.loop.loc] : []));
  const edits = codeFrontEnd.writeFix({ kind: 'wrapInTransaction', file, calls: writes, transactionClient: 'tx', enclose }, reader);
  return edits ? applyEdits(reader.read(FILE)!, edits[0].edits) : undefined;
}

describe('wrapInTransaction and an untyped `const list = []` the wrapped writes push into', () => {
  it('the fixture type-checks as written (strict)', () => {
    assert.deepEqual(typecheck(DIR), []);
  });

  it('the declaration moves into the callback and the list is its result: the fixed file still type-checks', () => {
    const after = wrapIn('promote');
    assert.ok(after);
    assert.match(
      after,
      /const results = await prisma\.\$transaction\(async \(tx\) => \{\n {4}const results = \[\];\n {4}for \(let i = 0;[^]*\n {4}return results;\n {2}\}\);\n {2}return results;/,
    );
    assert.deepEqual(typecheck(DIR, new Map([[FILE, after]])), []);
  });

  it('also across a typed declaration in between (`const skipped: string[] = []`), which moves with it', () => {
    const after = wrapIn('enrollAll');
    assert.ok(after);
    assert.match(after, /prisma\.\$transaction\(async \(tx\) => \{\n {4}const created = \[\];\n {4}const skipped: string\[\] = \[\];/);
    assert.deepEqual(typecheck(DIR, new Map([[FILE, after]])), []);
  });

  const slowInBetween = (path: string) => {
    const text = `import { PrismaClient } from '@prisma/client';
const prisma = new PrismaClient();

export async function importUsers(emails: string[]) {
  const created = [];
  const rules = await fetchRules();
  for (const email of emails) {
    if (rules.blocked.includes(email)) continue;
    created.push(await prisma.user.create({ data: { email } }));
  }
  return created;
}
`;
    const { file, reader } = analyzeText(text, path);
    const writes = file.calls.filter((c) => c.kind === 'write');
    const enclose = writes.flatMap((c) => (c.loop ? [c.loop.loc] : []));
    const edits = codeFrontEnd.writeFix({ kind: 'wrapInTransaction', file, calls: writes, transactionClient: 'tx', enclose }, reader);
    return edits ? applyEdits(text, edits[0].edits) : undefined;
  };

  it('no wrap when an await lies between the declaration and the writes (it would enter the transaction)', () => {
    assert.equal(slowInBetween('/virtual/src/import.ts'), undefined);
  });

  it('a JavaScript file has no such type to lose: the loop alone is wrapped, as before', () => {
    const after = slowInBetween('/virtual/src/import.js');
    assert.ok(after);
    assert.match(after, /const rules = await fetchRules\(\);\n {2}await prisma\.\$transaction\(async \(tx\) => \{\n {4}for \(const email of emails\)/);
  });
});
