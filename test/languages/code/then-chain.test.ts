import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { multiWriteWithoutTransaction } from '../../../rules/transactions/multi-write-without-transaction';
import { codeFrontEnd } from '../../../server/src/languages/code';
import { runRule } from '../../helpers/code-model';
import { analyzeText, applyEdits, callAt, syntaxErrors } from './helpers';

// A write chained on another through `.then(…)` runs as part of the function that awaits or returns the chain:
// the callback's write is one of that function's writes (`host`), like the callbacks of `Promise.all(xs.map(…))`.
const PATH = '/virtual/src/services/signup.ts';

describe('writes chained through `.then(…)` belong to the function that settles the chain', () => {
  const returned = `import { PrismaClient } from '@prisma/client';
const prisma = new PrismaClient();

export async function signup(email: string) {
  return prisma.user
    .create({ data: { email } })
    .then((user) => prisma.account.create({ data: { userId: user.id, provider: 'email' } }));
}
`;

  it('returned chain: the inner write is hosted by `signup` and returned; the rule counts two writes', () => {
    const { file } = analyzeText(returned, PATH);
    const inner = callAt(file, 7, 'create');
    assert.equal(inner.host?.name, 'signup');
    assert.equal(inner.returned, true);
    const findings = runRule(multiWriteWithoutTransaction, { codeFiles: [file] });
    assert.equal(findings.length, 1);
    assert.match(findings[0].message, /2 writes in `signup`.*prisma\.user\.create, prisma\.account\.create/);
  });

  it('returned chain: the wrap puts both writes on the transaction client', () => {
    const { file, reader } = analyzeText(returned, PATH);
    const writes = file.calls.filter((c) => c.kind === 'write');
    const edits = codeFrontEnd.writeFix({ kind: 'wrapInTransaction', file, calls: writes, transactionClient: 'tx' }, reader);
    assert.ok(edits);
    const after = applyEdits(returned, edits[0].edits);
    assert.equal(syntaxErrors(PATH, after), 0);
    assert.ok(
      after.includes(`  return await prisma.$transaction(async (tx) => {
    return tx.user
      .create({ data: { email } })
      .then((user) => tx.account.create({ data: { userId: user.id, provider: 'email' } }));
  });`),
      after,
    );
  });

  it('awaited chain with an async callback that awaits the write: hosted, counted', () => {
    const { file } = analyzeText(`import { PrismaClient } from '@prisma/client';
const prisma = new PrismaClient();

export async function completeLesson(userId: string, lessonId: string) {
  await prisma.lessonProgress.create({ data: { userId, lessonId } }).then(async (progress) => {
    await prisma.notification.create({ data: { userId, kind: 'lesson-complete', refId: progress.id } });
  });
}
`, PATH);
    const inner = callAt(file, 6, 'create');
    assert.equal(inner.host?.name, 'completeLesson');
    assert.equal(inner.awaited, true);
    assert.equal(runRule(multiWriteWithoutTransaction, { codeFiles: [file] }).length, 1);
  });

  it('a write the callback neither awaits nor returns is not part of the chain: not hosted', () => {
    const { file } = analyzeText(`import { PrismaClient } from '@prisma/client';
const prisma = new PrismaClient();

export async function signup(email: string) {
  await prisma.user.create({ data: { email } }).then((user) => {
    prisma.account.create({ data: { userId: user.id, provider: 'email' } });
  });
}
`, PATH);
    const inner = callAt(file, 6, 'create');
    assert.equal(inner.host, undefined);
    assert.equal(inner.awaited, false);
  });

  it('a chain nobody awaits or returns: not hosted', () => {
    const { file } = analyzeText(`import { PrismaClient } from '@prisma/client';
const prisma = new PrismaClient();

export function signup(email: string) {
  void prisma.user.create({ data: { email } }).then((user) => prisma.account.create({ data: { userId: user.id, provider: 'email' } }));
}
`, PATH);
    const inner = callAt(file, 5, 'create');
    assert.equal(inner.host, undefined);
  });
  it('awaited chain with an arrow-body write: awaited, hosted, and wrapped whole', () => {
    const text = `import { PrismaClient } from '@prisma/client';
const prisma = new PrismaClient();

export async function enroll(userId: string, courseId: string) {
  await prisma.enrollment.create({ data: { userId, courseId } }).then(() => prisma.notification.create({ data: { userId, kind: 'enrolled' } }));
  return { ok: true };
}
`;
    const { file, reader } = analyzeText(text, PATH);
    const inner = callAt(file, 5, 'create');
    const second = file.calls.filter((c) => c.kind === 'write')[1];
    assert.equal(second.model, 'notification');
    assert.equal(inner.model, 'enrollment');
    assert.equal(second.awaited, true);
    assert.equal(second.host?.name, 'enroll');
    assert.equal(runRule(multiWriteWithoutTransaction, { codeFiles: [file] }).length, 1);
    const edits = codeFrontEnd.writeFix({ kind: 'wrapInTransaction', file, calls: file.calls.filter((c) => c.kind === 'write'), transactionClient: 'tx' }, reader);
    assert.ok(edits);
    const after = applyEdits(text, edits[0].edits);
    assert.ok(
      after.includes(`  await prisma.$transaction(async (tx) => {
    await tx.enrollment.create({ data: { userId, courseId } }).then(() => tx.notification.create({ data: { userId, kind: 'enrolled' } }));
  });
  return { ok: true };`),
      after,
    );
  });
  it('a chain inside a transaction callback stays covered by the transaction: no finding', () => {
    const { file } = analyzeText(`import { PrismaClient } from '@prisma/client';
const prisma = new PrismaClient();

export async function signup(email: string) {
  return prisma.$transaction((tx) =>
    tx.user.create({ data: { email } }).then((user) => tx.account.create({ data: { userId: user.id, provider: 'email' } })),
  );
}
`, PATH);
    const inner = callAt(file, 6, 'create');
    assert.ok(file.calls.filter((c) => c.kind === 'write').every((c) => c.transaction));
    assert.equal(inner.transaction?.form, 'callback');
    assert.deepEqual(runRule(multiWriteWithoutTransaction, { codeFiles: [file] }), []);
  });
});
