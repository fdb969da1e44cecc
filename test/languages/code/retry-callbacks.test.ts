import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { multiWriteWithoutTransaction } from '../../../rules/transactions/multi-write-without-transaction';
import { codeFrontEnd } from '../../../server/src/languages/code';
import { runRule } from '../../helpers/code-model';
import { analyzeText, applyEdits, callAt, syntaxErrors } from './helpers';

// A write made in the callback of a retry helper the function awaits (`await withRetry(() => prisma.payment.update(…))`)
// is one of the function's writes: the helper runs the callback until it succeeds or gives up, and the function goes on
// after it. A write in the `.catch(…)` handler of a failed write is not: it runs only when that write failed.
const PATH = '/virtual/src/services/payments.ts';

const SAME_FILE = `import { PrismaClient } from '@prisma/client';
const prisma = new PrismaClient();

async function withRetry<T>(fn: () => Promise<T>, attempts = 3): Promise<T> {
  for (let i = 0; ; i++) {
    try {
      return await fn();
    } catch (error) {
      if (i + 1 >= attempts) throw error;
    }
  }
}

export async function capture(orderId: string) {
  await prisma.order.update({ where: { id: orderId }, data: { status: 'paid' } });
  await withRetry(() => prisma.payment.update({ where: { orderId }, data: { state: 'captured' } }));
}
`;

describe('writes in the callback of a retry helper', () => {
  it('a helper of the same file that calls its parameter: the write is hosted by the caller and awaited', () => {
    const { file } = analyzeText(SAME_FILE, PATH);
    const inner = callAt(file, 16, 'update');
    assert.equal(inner.host?.name, 'capture');
    assert.equal(inner.awaited, true);
    const found = runRule(multiWriteWithoutTransaction, { codeFiles: [file] });
    assert.equal(found.length, 1);
    assert.match(found[0].message, /2 writes in `capture`.*prisma\.order\.update, prisma\.payment\.update/);
  });

  it('the wrap keeps the helper and puts its callback\'s write on `tx`', () => {
    const { file, reader } = analyzeText(SAME_FILE, PATH);
    const found = runRule(multiWriteWithoutTransaction, { codeFiles: [file] });
    const fix = found[0].fixes?.[0];
    assert.ok(fix);
    const edits = codeFrontEnd.writeFix(fix.intent, reader);
    assert.ok(edits);
    const after = applyEdits(SAME_FILE, edits[0].edits);
    assert.equal(syntaxErrors(PATH, after), 0);
    assert.match(after, /await prisma\.\$transaction\(async \(tx\) => \{\n\s+await tx\.order\.update\([^\n]*\n\s+await withRetry\(\(\) => tx\.payment\.update\(/);
  });

  it('p-retry and an imported workspace `withRetry` (taken on its name); an unknown helper is not', () => {
    const text = `import pRetry from 'p-retry';
import { withRetry } from '@/lib/retry';
import { schedule } from '@/lib/jobs';
import { prisma } from '@/lib/prisma';

export async function settle(orderId: string) {
  await prisma.order.update({ where: { id: orderId }, data: { status: 'settled' } });
  await pRetry(() => prisma.ledger.create({ data: { orderId, kind: 'settle' } }), { retries: 3 });
  await withRetry(async () => {
    await prisma.payout.create({ data: { orderId } });
  });
  await schedule(() => prisma.reminder.create({ data: { orderId } }));
}
`;
    const { file } = analyzeText(text.replace("import { prisma } from '@/lib/prisma';", "import { PrismaClient } from '@prisma/client';\nconst prisma = new PrismaClient();"), PATH);
    assert.equal(callAt(file, 9, 'create').host?.name, 'settle');
    assert.equal(callAt(file, 11, 'create').host?.name, 'settle');
    assert.equal(callAt(file, 13, 'create').host, undefined);
    const found = runRule(multiWriteWithoutTransaction, { codeFiles: [file] });
    assert.equal(found.length, 1);
    assert.match(found[0].message, /3 writes in `settle`/);
  });

  it('a retry helper whose promise is not awaited, or a same-file function that never calls its parameter: not hosted', () => {
    const text = `import { PrismaClient } from '@prisma/client';
const prisma = new PrismaClient();

function later(fn: () => Promise<unknown>) {
  queue.push(fn);
}

async function withRetry<T>(fn: () => Promise<T>): Promise<T> {
  return fn();
}

export async function capture(orderId: string) {
  await prisma.order.update({ where: { id: orderId }, data: { status: 'paid' } });
  later(() => prisma.payment.update({ where: { orderId }, data: { state: 'captured' } }));
  void withRetry(() => prisma.audit.create({ data: { orderId } }));
}
`;
    const { file } = analyzeText(text, PATH);
    assert.equal(callAt(file, 14, 'update').host, undefined);
    assert.equal(callAt(file, 15, 'create').host, undefined);
    assert.equal(runRule(multiWriteWithoutTransaction, { codeFiles: [file] }).length, 0);
  });
});

describe('writes in a `.catch(…)` handler', () => {
  it('the handler of a failed write runs only when it failed: not a second write of the function', () => {
    const text = `import { PrismaClient } from '@prisma/client';
const prisma = new PrismaClient();

export async function place(userId: string) {
  const order = await prisma.order
    .create({ data: { userId, status: 'new' } })
    .catch((error) => prisma.failedOrder.create({ data: { userId, reason: String(error) } }));
  return order;
}
`;
    const { file } = analyzeText(text, PATH);
    assert.equal(callAt(file, 7, 'create').host, undefined);
    assert.equal(runRule(multiWriteWithoutTransaction, { codeFiles: [file] }).length, 0);
  });
});

describe('writes in the `.catch(…)` handler of something that is not a write', () => {
  const text = `import { PrismaClient } from '@prisma/client';
import { chargeCard } from '@/lib/stripe';
const prisma = new PrismaClient();

export async function checkout(orderId: string) {
  await prisma.order.update({ where: { id: orderId }, data: { status: 'charging' } });
  await chargeCard(orderId).catch(() => prisma.order.update({ where: { id: orderId }, data: { status: 'payment_failed' } }));
}

export async function retryLater(orderId: string) {
  await prisma.order.update({ where: { id: orderId }, data: { status: 'charging' } });
  await settleOrder(orderId).catch(() => prisma.order.update({ where: { id: orderId }, data: { status: 'stuck' } }));
}

async function settleOrder(orderId: string) {
  await prisma.ledger.create({ data: { orderId } });
}
`;

  it('an HTTP call handler: the write is one of the function writes (it commits apart from the first)', () => {
    const { file } = analyzeText(text, PATH);
    assert.equal(callAt(file, 7, 'update').host?.name, 'checkout');
    assert.equal(callAt(file, 7, 'update').awaited, true);
    const found = runRule(multiWriteWithoutTransaction, { codeFiles: [file] });
    assert.deepEqual(found.map((f) => f.loc.range.start.line + 1), [6, 11]);
    assert.match(found[0].message, /2 writes in `checkout`/);
    // The wrap holds the transaction open across the HTTP call: the title says so.
    assert.match(found[0].fixes?.[0]?.title ?? '', /holds the transaction open across await chargeCard\(orderId\)\.catch/);
    // `retryLater`: the update and `settleOrder` (which writes); not the handler's update.
    assert.match(found[1].message, /2 writes in `retryLater` .*\(prisma\.order\.update, settleOrder\(\) \(writes\)\)/);
  });

  it('the handler of a workspace function (which may write) is left alone', () => {
    const { file } = analyzeText(text, PATH);
    assert.equal(callAt(file, 12, 'update').host, undefined);
  });
});

describe('`.then(ok, onError)`: the two handlers run on different outcomes', () => {
  it('a write in each is not two writes of the function', () => {
    const text = `import { PrismaClient } from '@prisma/client';
import { chargeCard } from '@/lib/stripe';
const prisma = new PrismaClient();

export async function charge(orderId: string) {
  await chargeCard(orderId).then(
    () => prisma.order.update({ where: { id: orderId }, data: { status: 'paid' } }),
    () => prisma.order.update({ where: { id: orderId }, data: { status: 'payment_failed' } }),
  );
}
`;
    const { file } = analyzeText(text, PATH);
    assert.equal(callAt(file, 8, 'update').host, undefined);
    assert.equal(runRule(multiWriteWithoutTransaction, { codeFiles: [file] }).length, 0);
  });
});
