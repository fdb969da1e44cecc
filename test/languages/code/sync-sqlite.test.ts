import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { codeFrontEnd } from '../../../server/src/languages/code';
import { analyzeText, applyEdits, syntaxErrors } from './helpers';

// better-sqlite3, bun:sqlite, sql.js, expo-sqlite, op-sqlite and Durable Object storage run Drizzle's
// `db.transaction(cb)` synchronously: an async callback makes better-sqlite3 throw ("Transaction function
// cannot return a promise"), and the others commit at the callback's first `await`, so the writes after it
// run outside the transaction (drizzle-orm issues #2275, #1472, #5063).
const register = (driver: string) => `import Database from 'better-sqlite3';
import { drizzle } from 'drizzle-orm/${driver}';
import { accounts, users } from './schema';

const db = drizzle(new Database('app.db'));

export async function register(email: string) {
  const [user] = await db.insert(users).values({ email }).returning();
  await db.insert(accounts).values({ userId: user.id, provider: 'email' });
  return user;
}
`;

describe('Drizzle on a synchronous SQLite driver gets no async transaction wrapper', () => {
  for (const driver of ['better-sqlite3', 'bun-sqlite', 'sql-js', 'expo-sqlite', 'op-sqlite', 'durable-sqlite']) {
    it(`drizzle-orm/${driver}: no \`db.transaction(async (tx) => …)\` edit`, () => {
      const { file, reader } = analyzeText(register(driver));
      assert.equal(file.calls.length, 2);
      assert.equal(file.calls[0].driver, `drizzle-orm/${driver}`);
      const edits = codeFrontEnd.writeFix({ kind: 'wrapInTransaction', file, calls: file.calls, transactionClient: 'tx' }, reader);
      assert.equal(edits, undefined);
    });
  }

  it('an async driver (libsql) still gets the wrapper, and it parses', () => {
    const text = register('libsql');
    const { file, reader } = analyzeText(text);
    const edits = codeFrontEnd.writeFix({ kind: 'wrapInTransaction', file, calls: file.calls, transactionClient: 'tx' }, reader);
    assert.ok(edits);
    const after = applyEdits(text, edits[0].edits);
    assert.equal(syntaxErrors(file.file, after), 0);
    assert.match(after, /const user = await db\.transaction\(async \(tx\) => \{\n {4}const \[user\] = await tx\.insert\(users\)/);
  });
});
