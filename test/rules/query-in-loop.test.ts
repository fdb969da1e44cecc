import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { DbCall } from '../../rules/model';
import { queryInLoop as rule } from '../../rules/queries/query-in-loop';
import { codeFile, drizzle, fn, loc, prisma, runRule, span, analyzeProject, findingsIn, applyFix, syntaxErrors, analyzeCuts } from '../helpers/code-model';
import { analyzeText } from '../languages/code/helpers';

const f = fn('getAnalytics', 1, 30);
const forOf = (variable = 'enrollment'): NonNullable<DbCall['loop']> => ({ kind: 'for-of', loc: loc(4, 2, 3, 8), variable });

describe('query-in-loop', () => {
  describe('valid', () => {
    const cases: Record<string, DbCall[]> = {
      'a query outside any loop': [prisma('enrollment.findMany', { line: 3, fn: f, argKeys: ['where'] })],
      'queries built in a map and awaited together (Promise.all)': [
        prisma('lesson.findUnique', { line: 5, fn: f, awaited: false, loop: { kind: 'map', loc: loc(4, 20, 60), variable: 'id' } }),
      ],
      'a loop that only builds data, then one createMany': [prisma('position.createMany', { line: 9, fn: f, argKeys: ['data'] })],
      'awaited inside an async .map callback (Promise.all fan-out)': [
        prisma('user.findUnique', { line: 5, fn: f, loop: { kind: 'map', loc: loc(4, 20, 60), variable: 'id' }, filterColumns: ['id'], argKeys: ['where'] }),
      ],
      'a while loop reading one page per iteration (batching on purpose)': [
        prisma('video.findMany', { line: 5, fn: f, argKeys: ['take', 'cursor', 'orderBy'], loop: { kind: 'while', loc: loc(4, 2, 3, 8) } }),
        drizzle('select', 'trades', { line: 6, fn: f, chain: ['from', 'orderBy', 'limit', 'offset'], loop: { kind: 'for', loc: loc(4, 2, 3, 8) } }),
      ],
      'a transaction array built in a loop': [
        prisma('position.update', { line: 5, fn: f, awaited: false, loop: forOf('p') }),
      ],
    };
    for (const [name, calls] of Object.entries(cases)) {
      it(name, () => assert.deepEqual(runRule(rule, { codeFiles: [codeFile(calls)] }), []));
    }
    it('a query the iteration leaves the loop after: a retry returning on success, a search that updates what it found', () => {
      const { file } = analyzeText(
        [
          "import { PrismaClient } from '@prisma/client';",
          'const prisma = new PrismaClient();',
          'export async function withRetry(id: string) {',
          '  for (let attempt = 0; attempt < 3; attempt++) {',
          '    try {',
          '      return await prisma.order.update({ where: { id }, data: { status: "PAID" } });',
          '    } catch (e) {',
          '      if (attempt === 2) throw e;',
          '    }',
          '  }',
          '}',
          'export async function claim(jobs: { id: string; free: boolean }[]) {',
          '  for (const job of jobs) {',
          '    if (!job.free) continue;',
          '    await prisma.job.update({ where: { id: job.id }, data: { claimed: true } });',
          '    break;',
          '  }',
          '  for (const job of jobs) await prisma.job.findUnique({ where: { id: job.id } });',
          '}',
        ].join('\n'),
      );
      // Only the last loop queries once per job.
      assert.deepEqual(runRule(rule, { codeFiles: [file] }).map((f) => f.loc.range.start.line), [17]);
    });
  });

  describe('invalid', () => {
    it('a count per element (seed 001: learning analytics): the advice is one groupBy, not findMany', () => {
      const call = prisma('lessonProgress.count', { line: 5, fn: f, loop: forOf(), argKeys: ['where'], filterColumns: ['userId', 'completedAt'] });
      const [finding] = runRule(rule, { codeFiles: [codeFile([call])] });
      assert.ok(finding);
      assert.match(
        finding.message,
        /Instead, count them all in one groupBy\(\{ by: \[key\], where: \{ key: \{ in: keys \} \}, _count: true \}\) before the loop and look the counts up in a Map\.$/,
      );
    });
    it('a Drizzle count() select per element: one select grouped by the key', () => {
      const call = drizzle('select', 'trades', { line: 5, fn: f, loop: forOf('strategy'), chain: ['from', 'where'], aggregate: true });
      const [finding] = runRule(rule, { codeFiles: [codeFile([call])] });
      assert.ok(finding);
      assert.match(finding.message, /Instead, count them all in one select grouped by the key \(\.where\(inArray\(column, keys\)\)\.groupBy\(column\)\) before the loop and look the counts up in a Map\.$/);
    });
    it('a Drizzle count() keyed by the loop variable gets no batch fix (inArray would count every key in one row)', () => {
      const call = drizzle('select', 'trades', { line: 5, fn: f, loop: forOf('strategy'), chain: ['from', 'where'], aggregate: true, loopKey: 'strategyId' });
      const [finding] = runRule(rule, { codeFiles: [codeFile([call])] });
      assert.ok(finding);
      assert.deepEqual(finding.fixes ?? [], []);
    });
    it('findUnique keyed by the loop variable: batch fix', () => {
      const call = prisma('course.findUnique', { line: 5, fn: f, loop: forOf(), argKeys: ['where'], filterColumns: ['id'], loopKey: 'id' });
      const file = codeFile([call]);
      const [finding, ...rest] = runRule(rule, { codeFiles: [file] });
      assert.equal(rest.length, 0);
      assert.ok(finding);
      assert.equal(
        finding.message,
        '`prisma.course.findUnique` runs once per `enrollment` in a `for…of` loop: one database round trip per `enrollment`, so the time grows with the number of rows. Instead, load all rows once before the loop with findMany({ where: { key: { in: keys } } }) and look them up in a Map.',
      );
      assert.equal(span(finding.loc), '5:10-5:50');
      assert.equal(span(finding.related![0]!.loc), '4:2-8:3');
      const [fix] = finding.fixes ?? [];
      assert.ok(fix);
      assert.equal(fix.title, 'Batch into one findMany({ where: { id: { in: … } } }) before the loop');
      assert.equal(fix.safety, 'unsafe');
      assert.deepEqual(fix.intent, { kind: 'batchQueryInLoop', file, call });
    });

    it('findMany per iteration: no fix, says how to batch', () => {
      const call = prisma('lessonProgress.findMany', { line: 5, fn: f, loop: forOf(), argKeys: ['where', 'orderBy'], filterColumns: ['enrollmentId', 'userId'] });
      const [finding] = runRule(rule, { codeFiles: [codeFile([call])] });
      assert.ok(finding);
      assert.match(finding.message, /runs once per `enrollment`/);
      assert.match(finding.message, /load all rows once before the loop/);
      assert.deepEqual(finding.fixes, []);
    });

    it('a write per iteration: says createMany', () => {
      const call = prisma('notification.create', { line: 5, fn: f, loop: { kind: 'while', loc: loc(4, 2, 3, 8) } });
      const [finding] = runRule(rule, { codeFiles: [codeFile([call])] });
      assert.ok(finding);
      assert.match(finding.message, /runs once per iteration in a `while` loop/);
      assert.match(finding.message, /createMany/);
      assert.deepEqual(finding.fixes, []);
    });

    it('Drizzle select keyed by the loop variable', () => {
      const call = drizzle('select', 'strategies', { line: 5, fn: f, loop: forOf('trade'), chain: ['from', 'where', 'limit'], filterColumns: ['id'], loopKey: 'id' });
      const [finding] = runRule(rule, { codeFiles: [codeFile([call])] });
      assert.ok(finding);
      assert.match(finding.message, /^`db\.select\(\)\.from\(strategies\)` runs once per `trade`/);
      assert.match(finding.message, /inArray\(column, keys\)/);
      assert.equal(finding.fixes?.[0]?.title, 'Batch into one query with inArray(strategies.id, …) before the loop');
    });

    it('Drizzle select with a join: no fix', () => {
      const call = drizzle('select', 'strategies', { line: 5, fn: f, loop: forOf('trade'), chain: ['from', 'leftJoin', 'where'], filterColumns: ['id'], loopKey: 'id' });
      const [finding] = runRule(rule, { codeFiles: [codeFile([call])] });
      assert.ok(finding);
      assert.deepEqual(finding.fixes, []);
    });

    it('a paged read per element of a for…of is still N+1', () => {
      const call = prisma('post.findMany', { line: 5, fn: f, loop: forOf('user'), argKeys: ['where', 'take'], filterColumns: ['authorId'], loopKey: 'authorId' });
      assert.equal(runRule(rule, { codeFiles: [codeFile([call])] }).length, 1);
    });

    it('a lookup not keyed by the loop variable: no fix', () => {
      const call = prisma('setting.findFirst', { line: 5, fn: f, loop: forOf(), filterColumns: ['key'], argKeys: ['where'] });
      const [finding] = runRule(rule, { codeFiles: [codeFile([call])] });
      assert.ok(finding);
      assert.deepEqual(finding.fixes, []);
    });

    it('a lookup with more than where/select/include: no fix', () => {
      const call = prisma('user.findFirst', { line: 5, fn: f, loop: forOf(), filterColumns: ['id'], loopKey: 'id', argKeys: ['where', 'orderBy'] });
      const [finding] = runRule(rule, { codeFiles: [codeFile([call])] });
      assert.ok(finding);
      assert.deepEqual(finding.fixes, []);
    });

    it('a lookup in a classic for loop: no fix (no loop variable)', () => {
      const call = prisma('user.findUnique', { line: 5, fn: f, loop: { kind: 'for', loc: loc(4, 2, 3, 8) }, filterColumns: ['id'], loopKey: 'id', argKeys: ['where'] });
      const [finding] = runRule(rule, { codeFiles: [codeFile([call])] });
      assert.ok(finding);
      assert.deepEqual(finding.fixes, []);
    });
  });

  describe('on real code (code front-end)', () => {
    it('learning platform: the course lookup per enrollment, not the Promise.all map nor the data-building loop', () => {
      const project = analyzeProject('learning');
      const found = findingsIn(rule, project);
      assert.deepEqual(found.map((f) => f.where), [`app/api/learning/analytics/route.ts:${project.lineOf('app/api/learning/analytics/route.ts', 'prisma.course.findUnique') + 1}`]);
      assert.equal(found[0]!.finding.fixes?.[0]?.title, 'Batch into one findMany({ where: { id: { in: … } } }) before the loop');
    });
    it('trading journal: the strategy select per trade', () => {
      const project = analyzeProject('trading');
      const found = findingsIn(rule, project);
      assert.deepEqual(found.map((f) => f.where), [`server/storage.ts:${project.lineOf('server/storage.ts', 'db.select().from(strategies)') + 1}`]);
      assert.equal(found[0]!.finding.fixes?.[0]?.intent.kind, 'batchQueryInLoop');
    });
  });

  describe('fix check', () => {
    it('applies, the file still parses, the finding is gone', (t) => {
      const project = analyzeProject('learning');
      const found = findingsIn(rule, project).find((f) => f.where === `app/api/learning/analytics/route.ts:${project.lineOf('app/api/learning/analytics/route.ts', 'prisma.course.findUnique') + 1}`);
      assert.ok(found, 'the finding to fix');
      const fix = found.finding.fixes?.[0];
      assert.equal(fix?.intent.kind, 'batchQueryInLoop');
      const applied = applyFix(project, 'learning', fix!.intent);
      if (!applied) return t.skip('the code front-end writes no text for batchQueryInLoop yet');
      for (const [file, text] of Object.entries(applied.texts)) assert.deepEqual(syntaxErrors(file, text), [], file);
      assert.deepEqual(findingsIn(rule, applied.project).map((f) => f.where), []);
    });
  });

  describe('batch fix for the shapes the doc promises (exploratory test, bug 11)', () => {
    const fixed = (name: string, file: string, snippet: string, nth = 0) => {
      const project = analyzeProject(name);
      const found = findingsIn(rule, project).find((f) => f.where === `${file}:${project.lineOf(file, snippet, nth) + 1}`);
      assert.ok(found, 'the finding to fix');
      const fix = found.finding.fixes?.[0];
      assert.equal(fix?.intent.kind, 'batchQueryInLoop');
      const applied = applyFix(project, name, fix!.intent);
      assert.ok(applied, 'the front-end writes the fix');
      const text = applied.texts[`${project.root}/${file}`]!;
      assert.deepEqual(syntaxErrors(file, text), []);
      return { text, after: findingsIn(rule, applied.project).map((f) => f.where), before: findingsIn(rule, project).map((f) => f.where) };
    };

    it('Prisma findUnique({ where: { id } }) keyed by the loop variable itself (shorthand)', () => {
      const { text, before, after } = fixed('shop', 'src/services/orders.ts', 'const user = await prisma.user.findUnique({ where: { id } });');
      assert.ok(
        text.includes(
          [
            '  const userRows = await prisma.user.findMany({ where: { id: { in: Array.from(ids) } } });',
            '  const userById = new Map(userRows.map((row) => [row.id, row] as const));',
            '  for (const id of ids) {',
            '    const user = userById.get(id) ?? null;',
          ].join('\n'),
        ),
        text,
      );
      assert.equal(after.length, before.length - 1);
    });

    it('Prisma findUnique in an async .forEach callback', () => {
      const { text, before, after } = fixed('shop', 'src/services/orders.ts', 'const buyer = await prisma.user.findUnique');
      assert.ok(
        text.includes(
          [
            '  const buyerRows = await prisma.user.findMany({ where: { id: { in: Array.from(orders.values(), (order) => order.userId) } } });',
            '  const buyerById = new Map(buyerRows.map((row) => [row.id, row] as const));',
            '  orders.forEach(async (order) => {',
            '    const buyer = buyerById.get(order.userId) ?? null;',
          ].join('\n'),
        ),
        text,
      );
      assert.equal(after.length, before.length - 1);
    });

    it('Drizzle db.query.posts.findFirst({ where: eq(posts.id, like.postId) })', () => {
      const { text, before, after } = fixed('blog', 'src/services/posts.ts', 'const post = await db.query.posts.findFirst({ where: eq(posts.id, like.postId) });');
      assert.ok(
        text.includes(
          [
            '  const postRows = await db.query.posts.findMany({ where: inArray(posts.id, Array.from(likeRows, (like) => like.postId)) });',
            '  const postById = new Map(postRows.map((row) => [row.id, row] as const));',
            '  for (const like of likeRows) {',
            '    const post = postById.get(like.postId);',
          ].join('\n'),
        ),
        text,
      );
      assert.match(text, /^import \{ eq, sql, inArray \} from 'drizzle-orm';/);
      assert.equal(after.length, before.length - 1);
    });

    it('Drizzle findFirst with the callback form of where, keeping `with`', () => {
      const { text, before, after } = fixed('blog', 'src/services/posts.ts', 'const post = await db.query.posts.findFirst({', 1);
      assert.ok(
        text.includes(
          [
            '  const postRows = await db.query.posts.findMany({ where: (p, { inArray }) => inArray(p.id, Array.from(likeRows, (like) => like.postId)), with: { author: true } });',
            '  const postById = new Map(postRows.map((row) => [row.id, row] as const));',
            '  for (const like of likeRows) {',
            '    const post = postById.get(like.postId);',
          ].join('\n'),
        ),
        text,
      );
      assert.equal(after.length, before.length - 1);
    });

    it('no fix offered for a Drizzle findFirst whose options may drop the key (`columns`) or change the row (`orderBy`)', () => {
      for (const argKeys of [['where', 'columns'], ['where', 'orderBy']]) {
        const call = drizzle('findFirst', 'posts', { line: 5, fn: f, loop: forOf('like'), argKeys, filterColumns: ['id'], loopKey: 'id' });
        const [finding] = runRule(rule, { codeFiles: [codeFile([call])] });
        assert.deepEqual(finding!.fixes, [], argKeys.join());
      }
    });
  });

  it('never throws on half-typed code (app/api/learning/analytics/route.ts cut short)', () => {
    for (const project of analyzeCuts('learning', 'app/api/learning/analytics/route.ts')) assert.doesNotThrow(() => runRule(rule, project));
  });
});

describe('query-in-loop: a loop that probes until the query answers (real-world audit)', () => {
  const text = [
    "import { PrismaClient } from '@prisma/client';",
    'const prisma = new PrismaClient();',
    'declare function randomCode(): string;',
    'export async function uniqueReferralCode() {',
    '  let code = randomCode();',
    '  let taken = await prisma.user.findUnique({ where: { referralCode: code } });',
    '  while (taken) {',
    '    code = randomCode();',
    '    taken = await prisma.user.findUnique({ where: { referralCode: code } });',
    '  }',
    '  return code;',
    '}',
    'export async function uniqueSlug(base: string) {',
    '  let slug = base;',
    '  while (await prisma.post.findUnique({ where: { slug } })) slug = `${base}-${randomCode()}`;',
    '  return slug;',
    '}',
    'export async function nextFree() {',
    '  let n = 0;',
    '  let found;',
    '  do {',
    '    n++;',
    '    found = await prisma.seat.findFirst({ where: { number: n } });',
    '  } while (found);',
    '  return n;',
    '}',
  ].join('\n');

  it('is not a query per row: the loop runs until the key is free', () => {
    assert.deepEqual(runRule(rule, { codeFiles: [analyzeText(text).file] }), []);
  });

  it('still reports a while loop whose condition does not read the query result', () => {
    const drain = [
      "import { PrismaClient } from '@prisma/client';",
      'const prisma = new PrismaClient();',
      'export async function drain(queue: string[]) {',
      '  while (queue.length) {',
      '    const id = queue.pop()!;',
      '    const found = await prisma.job.findUnique({ where: { id } });',
      '    if (found) console.log(found);',
      '  }',
      '}',
    ].join('\n');
    assert.equal(runRule(rule, { codeFiles: [analyzeText(drain).file] }).length, 1);
  });
});
