import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { swallowedDbError as rule } from '../../rules/queries/swallowed-db-error';
import { codeFile, fn, loc, prisma, runRule, span, analyzeProject, findingsIn, analyzeCuts } from '../helpers/code-model';
import { analyzeText } from '../languages/code/helpers';

const f = fn('recordView', 1, 30);
const logsOnly = { loc: loc(6, 4, 5, 8), onlyLogs: true };
const handles = { loc: loc(6, 4, 5, 8), onlyLogs: false };

describe('swallowed-db-error', () => {
  it('valid: a write whose catch handles the error', () => {
    assert.deepEqual(runRule(rule, { codeFiles: [codeFile([prisma('video.update', { line: 4, fn: f, catch: handles })])] }), []);
  });
  it('valid: a read whose catch only logs', () => {
    assert.deepEqual(runRule(rule, { codeFiles: [codeFile([prisma('video.findUnique', { line: 4, fn: f, catch: logsOnly })])] }), []);
  });
  it('valid: a write outside try', () => {
    assert.deepEqual(runRule(rule, { codeFiles: [codeFile([prisma('video.update', { line: 4, fn: f })])] }), []);
  });
  it('invalid: the view-count update of seed 001', () => {
    const call = prisma('video.update', { line: 4, fn: f, catch: logsOnly });
    const findings = runRule(rule, { codeFiles: [codeFile([call])] });
    assert.equal(findings.length, 1);
    const [finding] = findings;
    assert.equal(
      finding!.message,
      'If `prisma.video.update` fails, the catch only logs it and the code carries on as if the write succeeded: the caller and the user are told it worked while the data was never saved. Rethrow, return an error, or handle the failure.',
    );
    assert.equal(span(finding!.loc), '4:10-4:50');
    assert.equal(finding!.related?.[0]?.loc, logsOnly.loc);
    assert.equal(finding!.fixes, undefined);
  });
  it('invalid: each write in the try is reported', () => {
    const calls = [prisma('video.update', { line: 3, fn: f, catch: logsOnly }), prisma('videoView.create', { line: 4, fn: f, catch: logsOnly })];
    assert.deepEqual(runRule(rule, { codeFiles: [codeFile(calls)] }).map((x) => x.loc.range.start.line), [3, 4]);
  });

  it('invalid: an empty catch says the error is ignored, not logged', () => {
    const call = prisma('video.update', { line: 4, fn: f, catch: { ...logsOnly, empty: true } });
    const [finding] = runRule(rule, { codeFiles: [codeFile([call])] });
    assert.equal(
      finding!.message,
      'If `prisma.video.update` fails, the catch ignores the error and the code carries on as if the write succeeded: the caller and the user are told it worked while the data was never saved. Rethrow, return an error, or handle the failure.',
    );
    assert.equal(finding!.related?.[0]?.message, 'This catch ignores the error');
  });

  describe('.catch(console.error), .then(…).catch(…), empty catch (exploratory test, bug 7)', () => {
    for (const [name, file, functions] of [
      ['shop (Prisma)', 'src/services/orders.ts', ['cancel', 'remove', 'touch']],
      ['blog (Drizzle)', 'src/services/posts.ts', ['unlike', 'unpublish', 'countView']],
    ] as const) {
      it(name, () => {
        const project = analyzeProject(name.split(' ')[0]!);
        const found = findingsIn(rule, project);
        const facts = project.codeFile(file).calls;
        const fnOf = (line: number) => facts.find((c) => c.loc.range.start.line + 1 === line)?.enclosingFunction;
        assert.deepEqual(found.map((x) => fnOf(Number(x.where.split(':')[1]))), functions);
        const [byRef, thenCatch, empty] = found.map((x) => x.finding);
        assert.match(byRef!.message, /the catch only logs it/);
        assert.match(thenCatch!.message, /the catch only logs it/);
        assert.match(empty!.message, /the catch ignores the error/);
        assert.doesNotMatch(empty!.message, /only logs/);
      });
    }
    it('a .catch with a handler that is not a logger, or that rethrows, is not reported', () => {
      const text = [
        "import { PrismaClient } from '@prisma/client';",
        'const prisma = new PrismaClient();',
        'declare function handleError(e: unknown): never;',
        'export async function a(id: number) {',
        '  await prisma.order.delete({ where: { id } }).catch(handleError);',
        '  await prisma.order.delete({ where: { id } }).then(() => 1).catch((e) => { console.error(e); throw e; });',
        '  await prisma.order.delete({ where: { id } }).then(() => 1, console.warn);',
        '}',
        '',
      ].join('\n');
      const { file } = analyzeText(text);
      assert.deepEqual(runRule(rule, { codeFiles: [file] }).map((x) => x.loc.range.start.line), [6]);
    });
  });

  describe('on real code (code front-end)', () => {
    it('learning platform: the view count update', () => {
      const project = analyzeProject('learning');
      assert.deepEqual(findingsIn(rule, project).map((f) => f.where), [`app/videos/page.ts:${project.lineOf('app/videos/page.ts', 'prisma.video.update') + 1}`]);
    });
  });

  describe('`.catch(() => null)` whose result nobody reads (exploratory test, event-qa)', () => {
    it('reported when the awaited (or voided) chain is a statement of its own; not when the null is checked', () => {
      const project = analyzeProject('event-qa');
      const file = 'src/lib/questions.ts';
      const found = findingsIn(rule, project);
      // (findingsIn sorts by text: line 16 before line 4.)
      assert.deepEqual(found.map((f) => f.where), [
        `${file}:${project.lineOf(file, 'prisma.question.delete') + 1}`,
        `${file}:${project.lineOf(file, 'views: { increment: 1 }') + 1}`,
      ]);
      for (const f of found) assert.match(f.finding.message, /the catch ignores the error/);
    });
  });

  describe('Promise.allSettled(xs.map((x) => write)) whose results nobody inspects', () => {
    it('storefront logout: reported when the settled results are discarded or only counted; not when a rejection is looked for', () => {
      const project = analyzeProject('storefront');
      const file = 'app/api/auth/logout/route.ts';
      const found = findingsIn(rule, project);
      const facts = project.codeFile(file).calls;
      const fnOf = (where: string) => facts.find((c) => `${file}:${c.loc.range.start.line + 1}` === where)?.enclosingFunction;
      // (findingsIn sorts by text: line 13 before line 6.)
      assert.deepEqual(found.map((x) => fnOf(x.where)), ['DELETE<callback>', 'POST<callback>']);
      const post = found[1];
      assert.equal(post!.where, `${file}:${project.lineOf(file, 'await Promise.allSettled(sessionIds.map((id)') + 1}`);
      assert.equal(
        post!.finding.message,
        'If `prisma.session.delete` fails, `Promise.allSettled` keeps the error in a result nobody inspects and the code carries on as if the write succeeded: ' +
          'the caller and the user are told it worked while the data was never saved. Check the results for `status === \'rejected\'`, or use `Promise.all`.',
      );
      assert.equal(post!.finding.related?.[0]?.message, 'Its results are never inspected');
      const settledLine = project.lineOf(file, 'await Promise.allSettled(sessionIds.map((id)');
      assert.equal(post!.finding.related?.[0]?.loc.range.start.line, settledLine);
    });
    it('a try around a Promise.allSettled never sees the failures; promises kept first in a const; returned or .then(…) results are inspected', () => {
      const text = [
        "import { PrismaClient } from '@prisma/client';",
        'const prisma = new PrismaClient();',
        'export async function purge(ids: string[]) {',
        '  try {',
        '    void Promise.allSettled(ids.map((id) => prisma.session.delete({ where: { id } })));',
        '  } catch (e) {',
        '    throw e;',
        '  }',
        '  const ps = ids.map((id) => prisma.session.update({ where: { id }, data: { expiresAt: new Date() } }));',
        '  await Promise.allSettled(ps);',
        '  const settled = await Promise.allSettled(ids.map((id) => prisma.session.delete({ where: { id } })));',
        '  await Promise.allSettled(ids.map((id) => prisma.session.delete({ where: { id } }))).then(report);',
        '  return settled;',
        '}',
        'declare function report(results: PromiseSettledResult<unknown>[]): void;',
        '',
      ].join('\n');
      const { file } = analyzeText(text);
      assert.deepEqual(runRule(rule, { codeFiles: [file] }).map((x) => x.loc.range.start.line), [4, 8]);
    });
  });

  it('never throws on half-typed code (storefront logout route cut short)', () => {
    for (const project of analyzeCuts('storefront', 'app/api/auth/logout/route.ts')) assert.doesNotThrow(() => runRule(rule, project));
  });
  it('never throws on half-typed code (app/videos/page.ts cut short)', () => {
    for (const project of analyzeCuts('learning', 'app/videos/page.ts')) assert.doesNotThrow(() => runRule(rule, project));
  });
});
