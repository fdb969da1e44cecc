import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { clientOutsideTransaction as rule } from '../../rules/transactions/client-outside-transaction';
import { codeFile, drizzle, fn, prisma, runRule, span, transaction, writingCall, analyzeProject, findingsIn, applyFix, syntaxErrors, analyzeCuts } from '../helpers/code-model';

const f = fn('submitQuiz', 1, 20);

describe('client-outside-transaction', () => {
  describe('valid', () => {
    it('every call through tx', () => {
      const t = transaction(2, 8);
      const calls = [prisma('tx.quizSubmission.create', { line: 3, fn: f, transaction: t }), prisma('tx.progress.update', { line: 4, fn: f, transaction: t })];
      assert.deepEqual(runRule(rule, { codeFiles: [codeFile(calls, { transactions: [t] })] }), []);
    });
    it('the array form uses the outer client by design', () => {
      const t = transaction(2, 5, { form: 'array', callbackParam: undefined });
      const calls = [prisma('user.update', { line: 3, fn: f, transaction: t })];
      assert.deepEqual(runRule(rule, { codeFiles: [codeFile(calls, { transactions: [t] })] }), []);
    });
    it('a call outside any transaction', () => {
      assert.deepEqual(runRule(rule, { codeFiles: [codeFile([prisma('user.update', { line: 3, fn: f })])] }), []);
    });
    it('a different client inside the callback (another database)', () => {
      const t = transaction(2, 8);
      const calls = [prisma('analytics.event.create', { line: 3, fn: f, transaction: t })];
      assert.deepEqual(runRule(rule, { codeFiles: [codeFile(calls, { transactions: [t] })] }), []);
    });
  });

  describe('invalid', () => {
    it('prisma.user.update inside prisma.$transaction(async (tx) => …)', () => {
      const t = transaction(2, 8);
      const call = prisma('progress.update', { line: 4, fn: f, transaction: t });
      const file = codeFile([prisma('tx.quizSubmission.create', { line: 3, fn: f, transaction: t }), call], { transactions: [t] });
      const findings = runRule(rule, { codeFiles: [file] });
      assert.equal(findings.length, 1);
      const [finding] = findings;
      assert.ok(finding);
      assert.equal(
        finding.message,
        '`prisma.progress.update` runs outside the transaction: it uses `prisma`, not the transaction client `tx`, so it commits on its own even when the transaction rolls back, and can block on rows the transaction has locked.',
      );
      assert.equal(span(finding.loc), '4:10-4:50');
      assert.equal(finding.related?.[0]?.loc, t.callLoc);
      const [fix] = finding.fixes ?? [];
      assert.ok(fix);
      assert.equal(fix.title, 'Use the transaction client `tx`');
      assert.equal(fix.safety, 'safe');
      assert.equal(fix.preferred, true);
      assert.deepEqual(fix.intent, { kind: 'useTransactionClient', file, call, transaction: t });
    });
    it('a workspace function that writes, called in the callback without tx: no fix', () => {
      const t = transaction(2, 8);
      const file = codeFile([prisma('tx.content.create', { line: 3, fn: f, transaction: t })], {
        transactions: [t],
        writingCalls: [writingCall('logAudit', { line: 4, fn: f, transaction: t }), writingCall('notify', { line: 5, fn: f, transaction: t, viaTransactionClient: true })],
      });
      const findings = runRule(rule, { codeFiles: [file] });
      assert.equal(findings.length, 1);
      assert.equal(
        findings[0]!.message,
        '`logAudit()` writes through its own client, outside the transaction: its writes commit even when the transaction rolls back. Give it the transaction client (`logAudit(tx, …)`) and use that inside.',
      );
      assert.equal(span(findings[0]!.loc), '4:10-4:40');
      assert.equal(findings[0]!.fixes, undefined);
    });
    it('a read through the outer client in a Drizzle transaction', () => {
      const t = transaction(2, 8, { orm: 'drizzle', client: 'db', callbackParam: 'trx' });
      const call = drizzle('select', 'accounts', { line: 3, fn: f, transaction: t, chain: ['from', 'where'] });
      const [finding] = runRule(rule, { codeFiles: [codeFile([call], { transactions: [t] })] });
      assert.ok(finding);
      assert.match(finding.message, /^`db\.select\(\)\.from\(accounts\)` runs outside the transaction: it uses `db`, not the transaction client `trx`/);
      assert.match(finding.message, /does not see the transaction's uncommitted writes/);
      assert.equal(finding.fixes?.[0]?.title, 'Use the transaction client `trx`');
    });
  });

  describe('on real code (code front-end)', () => {
    it('learning platform: prisma.notification.create and logAudit() inside $transaction(async (tx) => …)', () => {
      const project = analyzeProject('learning');
      const found = findingsIn(rule, project);
      const file = 'src/lib/actions/enrollment.ts';
      assert.deepEqual(found.map((f) => f.where), [
        `${file}:${project.lineOf(file, 'prisma.notification.create') + 1}`,
        `${file}:${project.lineOf(file, "await logAudit('course.archive'") + 1}`,
      ]);
      assert.equal(found[0]!.finding.fixes?.[0]?.intent.kind, 'useTransactionClient');
      assert.match(found[1]!.finding.message, /^`logAudit\(\)` writes through its own client/);
    });
    it('trading journal: db.insert inside db.transaction(async (tx) => …)', () => {
      const project = analyzeProject('trading');
      const found = findingsIn(rule, project);
      assert.deepEqual(found.map((f) => f.where), [`server/storage.ts:${project.lineOf('server/storage.ts', 'await db.insert(positions).values({') + 1}`]);
    });
  });

  describe('fix check', () => {
    it('applies, the file still parses, the finding is gone', (t) => {
      const project = analyzeProject('trading');
      const found = findingsIn(rule, project).find((f) => f.where === `server/storage.ts:${project.lineOf('server/storage.ts', 'await db.insert(positions).values({') + 1}`);
      assert.ok(found, 'the finding to fix');
      const fix = found.finding.fixes?.[0];
      assert.equal(fix?.intent.kind, 'useTransactionClient');
      const applied = applyFix(project, 'trading', fix!.intent);
      if (!applied) return t.skip('the code front-end writes no text for useTransactionClient yet');
      for (const [file, text] of Object.entries(applied.texts)) assert.deepEqual(syntaxErrors(file, text), [], file);
      assert.deepEqual(findingsIn(rule, applied.project).map((f) => f.where), []);
    });
  });

  it('never throws on half-typed code (server/storage.ts cut short)', () => {
    for (const project of analyzeCuts('trading', 'server/storage.ts')) assert.doesNotThrow(() => runRule(rule, project));
  });
});
