import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { analyzeText, line } from './helpers';

const text = `import { eq } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/node-postgres';
import { orderItems, orders } from './schema';

const db = drizzle(process.env.DATABASE_URL!);

export async function cancelOrder(id: number) {
  await db.transaction(async (tx) => {
    await tx.update(orders).set({ status: 'cancelled' }).where(eq(orders.id, id));
    // a savepoint: its writes roll back alone if the cleanup fails
    await tx.transaction(async (sp) => {
      await sp.delete(orderItems).where(eq(orderItems.orderId, id));
      await tx.update(orders).set({ total: 0 }).where(eq(orders.id, id));
      await db.delete(orders).where(eq(orders.id, id));
    });
  });
}
`;

describe('Drizzle nested transactions (savepoints) are part of the outer transaction', () => {
  const { file } = analyzeText(text);
  const at = (n: number) => file.calls.find((c) => line(c) === n)!;

  it('is one transaction scope, not two', () => {
    assert.equal(file.transactions.length, 1);
    for (const n of [9, 12, 13, 14]) assert.equal(at(n).transaction?.callLoc.range.start.line, 7, `line ${n}`);
  });

  it('writes through the savepoint client or the outer transaction client run in the transaction', () => {
    assert.equal(at(12).viaTransactionClient, true);
    assert.equal(at(13).client, 'tx');
    assert.equal(at(13).viaTransactionClient, true);
    assert.equal(at(9).viaTransactionClient, true);
  });

  it('the outer client inside the savepoint is still outside the transaction', () => {
    assert.equal(at(14).client, 'db');
    assert.ok(!at(14).viaTransactionClient);
    assert.equal(at(14).transaction?.client, 'db');
  });
});

describe('a transaction given a function by name (`prisma.$transaction(transfer)`)', () => {
  const text = `import { Prisma, PrismaClient } from '@prisma/client';
const prisma = new PrismaClient();

// Moves money between two accounts: both updates or neither.
async function transfer(tx: Prisma.TransactionClient) {
  await tx.account.update({ where: { id: 'a' }, data: { balance: { decrement: 10 } } });
  await tx.account.update({ where: { id: 'b' }, data: { balance: { increment: 10 } } });
  await prisma.auditLog.create({ data: { action: 'transfer' } });
}

export async function run() {
  await prisma.$transaction(transfer);
}

export async function runLater() {
  await prisma.$transaction(settle, { timeout: 10_000 });
}

const settle = async (trx: Prisma.TransactionClient) => {
  await trx.account.updateMany({ where: { pending: true }, data: { pending: false } });
};
`;
  const { file } = analyzeText(text);
  const at = (n: number) => file.calls.find((c) => line(c) === n)!;

  it('is the callback form, and the function body runs in it', () => {
    assert.deepEqual(
      file.transactions.map((t) => [t.form, t.callbackParam, t.range.range.start.line + 1]),
      [['callback', 'tx', 5], ['callback', 'trx', 19]],
    );
    for (const n of [6, 7]) {
      assert.equal(at(n).transaction?.callLoc.range.start.line, 11, `line ${n}`);
      assert.equal(at(n).viaTransactionClient, true);
    }
    assert.equal(at(20).transaction?.callbackParam, 'trx');
  });

  it('the outer client in that function is outside the transaction', () => {
    assert.equal(at(8).transaction?.callbackParam, 'tx');
    assert.ok(!at(8).viaTransactionClient);
  });
});
