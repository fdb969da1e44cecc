import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { clientOutsideTransaction as rule } from '../../rules/transactions/client-outside-transaction';
import { codeFile, drizzle, fn, prisma, runRule, span, transaction, writingCall, analyzeProject, findingsIn, applyFix, syntaxErrors, analyzeCuts } from '../helpers/code-model';
import { analyzeText } from '../languages/code/helpers';
import { codeFrontEnd } from '../../server/src/languages/code';

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

  describe('functions declared in the callback (exploratory test, bug 6)', () => {
    it('shop (Prisma): the outer client in a helper arrow declared and called in the callback', () => {
      const project = analyzeProject('shop');
      const file = 'src/services/orders.ts';
      const found = findingsIn(rule, project);
      assert.deepEqual(found.map((f) => f.where), [`${file}:${project.lineOf(file, 'await prisma.order.deleteMany({ where: { userId } })') + 1}`]);
      assert.match(found[0]!.finding.message, /^`prisma\.order\.deleteMany` runs outside the transaction: it uses `prisma`, not the transaction client `tx`/);
      assert.equal(found[0]!.finding.fixes?.[0]?.intent.kind, 'useTransactionClient');
    });
    it('blog (Drizzle): the same, and the tx fix applies', () => {
      const project = analyzeProject('blog');
      const file = 'src/services/posts.ts';
      const found = findingsIn(rule, project);
      assert.deepEqual(found.map((f) => f.where), [`${file}:${project.lineOf(file, 'await db.delete(likes).where(eq(likes.postId, postId))') + 1}`]);
      const applied = applyFix(project, 'blog', found[0]!.finding.fixes![0]!.intent);
      assert.ok(applied);
      const text = applied.texts[`${project.root}/${file}`]!;
      assert.deepEqual(syntaxErrors(file, text), []);
      assert.match(text, /const removeLikes = async \(\) => \{\n\s+await tx\.delete\(likes\)/);
      assert.deepEqual(findingsIn(rule, applied.project), []);
    });
    it('not for a function declared in the callback but never called there, nor one that takes its own client', () => {
      const text = [
        "import { drizzle } from 'drizzle-orm/node-postgres';",
        "import { likes, posts } from './schema';",
        'const db = drizzle(process.env.DATABASE_URL!);',
        'export async function a(id: number) {',
        '  let later: () => Promise<unknown> = async () => undefined;',
        '  await db.transaction(async (tx) => {',
        '    later = async () => db.delete(likes);',
        '    await tx.delete(posts);',
        '  });',
        '  await later();',
        '}',
        'export async function b(id: number) {',
        '  await db.transaction(async (tx) => {',
        '    function inner() {',
        '      return db.delete(likes);',
        '    }',
        '    await tx.delete(posts);',
        '    await inner();',
        '  });',
        '}',
        'export async function c(id: number) {',
        '  await db.transaction(async (tx) => {',
        '    const inner = async (client: typeof db) => {',
        '      await client.delete(likes);',
        '    };',
        '    await inner(tx);',
        '  });',
        '}',
        '',
      ].join('\n');
      const { file } = analyzeText(text);
      const found = runRule(rule, { codeFiles: [file] });
      assert.deepEqual(found.map((f) => f.loc.range.start.line + 1), [15]);
    });
    it('no tx fix when the helper binds the name `tx` itself', () => {
      const text = [
        "import { drizzle } from 'drizzle-orm/node-postgres';",
        "import { likes, posts } from './schema';",
        'const db = drizzle(process.env.DATABASE_URL!);',
        'export async function a(id: number) {',
        '  await db.transaction(async (tx) => {',
        '    const inner = async (tx: number) => {',
        '      await db.delete(likes);',
        '    };',
        '    await tx.delete(posts);',
        '    await inner(id);',
        '  });',
        '}',
        '',
      ].join('\n');
      const { file, reader } = analyzeText(text);
      const [finding] = runRule(rule, { codeFiles: [file] });
      assert.equal(finding?.loc.range.start.line, 6);
      assert.equal(codeFrontEnd.writeFix(finding!.fixes![0]!.intent, reader), undefined);
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
