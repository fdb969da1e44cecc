import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { codeFrontEnd } from '../../../server/src/languages/code';
import { analyzeText, applyEdits, line, syntaxErrors } from './helpers';

// After a failed statement PostgreSQL rejects every other statement of the transaction until it rolls back
// ("current transaction is aborted"): a query in the `catch`/`finally` of a failed query, moved into the
// transaction, fails too, and its error replaces the one the code was handling.
function wrap(text: string, lines: number[]) {
  const { file, reader } = analyzeText(text);
  const writes = file.calls.filter((c) => c.kind === 'write' && lines.includes(line(c)));
  assert.equal(writes.length, lines.length);
  const edits = codeFrontEnd.writeFix({ kind: 'wrapInTransaction', file, calls: writes, transactionClient: 'tx' }, reader);
  return edits ? applyEdits(text, edits[0].edits) : undefined;
}

describe('wrapInTransaction leaves alone the code that handles a failed query with another query', () => {
  it('a unique violation caught to read the existing row (P2002): no wrap', () => {
    const after = wrap(`import { Prisma, PrismaClient } from '@prisma/client';
const prisma = new PrismaClient();

export async function linkAccount(email: string, provider: string) {
  let user;
  try {
    user = await prisma.user.create({ data: { email } });
  } catch (error) {
    if (!(error instanceof Prisma.PrismaClientKnownRequestError) || error.code !== 'P2002') throw error;
    user = await prisma.user.findUniqueOrThrow({ where: { email } });
  }
  await prisma.account.create({ data: { userId: user.id, provider } });
  return user;
}
`, [7, 12]);
    assert.equal(after, undefined);
  });

  it('a compensating delete in the catch: no wrap', () => {
    const after = wrap(`import { PrismaClient } from '@prisma/client';
const prisma = new PrismaClient();

export async function register(email: string) {
  const user = await prisma.user.create({ data: { email } });
  try {
    await prisma.account.create({ data: { userId: user.id, provider: 'email' } });
  } catch (error) {
    await prisma.user.delete({ where: { id: user.id } });
    throw error;
  }
  return user;
}
`, [5, 7]);
    assert.equal(after, undefined);
  });

  it('a catch that only logs and rethrows is wrapped with the rest', () => {
    const text = `import { PrismaClient } from '@prisma/client';
const prisma = new PrismaClient();

export async function register(email: string) {
  try {
    const user = await prisma.user.create({ data: { email } });
    await prisma.account.create({ data: { userId: user.id, provider: 'email' } });
  } catch (error) {
    console.error('register failed', error);
    throw error;
  }
}
`;
    const after = wrap(text, [6, 7]);
    assert.ok(after);
    assert.equal(syntaxErrors('/virtual/app.ts', after), 0);
    assert.ok(after.includes('  try {\n    await prisma.$transaction(async (tx) => {\n      const user = await tx.user.create('), after);
  });
});
