import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { DbCall } from '../../rules/model';
import { unboundedQuery as rule, DEFAULT_LIMIT } from '../../rules/queries/unbounded-query';
import { codeFile, database, drizzle, fn, prisma, runRule, span, table, analyzeProject, findingsIn, applyFix, syntaxErrors, analyzeCuts } from '../helpers/code-model';

const f = fn('listTrades', 1, 30);
const prismaDb = database('prisma', [
  table('SignalTrade', ['id', 'symbol', 'status', 'createdById'], { uniques: [['symbol', 'createdById']] }),
  table('User', ['id', 'email'], { uniques: [['email']] }),
]);
const drizzleDb = database('drizzle', [table('trades', ['id', 'symbol', 'strategyId'])]);

const call6 = () => prisma('signalTrade.findMany', { line: 6, fn: f }).loc;

describe('unbounded-query', () => {
  describe('valid', () => {
    const cases: Record<string, DbCall[]> = {
      'findMany with take': [prisma('signalTrade.findMany', { line: 3, fn: f, argKeys: ['where', 'take'] })],
      'findMany with a non-literal argument (cannot tell)': [prisma('signalTrade.findMany', { line: 3, fn: f })],
      'findMany filtered by a unique key': [
        prisma('signalTrade.findMany', { line: 3, fn: f, argKeys: ['where'], filterColumns: ['symbol', 'createdById'] }),
      ],
      'findMany filtered by the primary key': [prisma('user.findMany', { line: 3, fn: f, argKeys: ['where'], filterColumns: ['id'] })],
      'findFirst / findUnique': [prisma('signalTrade.findFirst', { line: 3, fn: f, argKeys: [] }), prisma('user.findUnique', { line: 4, fn: f, argKeys: ['where'] })],
      'Drizzle select with limit': [drizzle('select', 'trades', { line: 3, fn: f, chain: ['from', 'where', 'limit'] })],
      'Drizzle relational findMany with limit': [drizzle('findMany', 'trades', { line: 3, fn: f, argKeys: ['where', 'limit'] })],
      'Drizzle select by primary key': [drizzle('select', 'trades', { line: 3, fn: f, chain: ['from', 'where'], filterColumns: ['id'] })],
      'a write': [prisma('signalTrade.updateMany', { line: 3, fn: f, argKeys: ['where', 'data'] })],
      'Drizzle select of aggregates only, no groupBy (one row)': [drizzle('select', 'trades', { line: 3, fn: f, chain: ['from'], aggregate: true })],
    };
    for (const [name, calls] of Object.entries(cases)) {
      it(name, () => assert.deepEqual(runRule(rule, { codeFiles: [codeFile(calls)], databases: [prismaDb, drizzleDb] }), []));
    }
  });

  describe('invalid', () => {
    it('prisma findMany() without take', () => {
      const call = prisma('signalTrade.findMany', { line: 6, fn: f, argKeys: [] });
      const file = codeFile([call]);
      const [finding, ...rest] = runRule(rule, { codeFiles: [file], databases: [prismaDb] });
      assert.equal(rest.length, 0);
      assert.ok(finding);
      assert.equal(
        finding.message,
        '`prisma.signalTrade.findMany` has no `take`: it loads every row of SignalTrade into memory, so its time and memory grow with the table. Page it (take + cursor/offset) or cap it.',
      );
      assert.equal(span(finding.loc), '6:10-6:50');
      const [fix] = finding.fixes ?? [];
      assert.ok(fix);
      assert.equal(fix.title, 'Add take: MAX_ROWS (const MAX_ROWS = 100, a default cap: set your page size)');
      assert.equal(fix.safety, 'unsafe');
      assert.deepEqual(fix.intent, { kind: 'addLimit', file, call, limit: DEFAULT_LIMIT });
    });
    it('findMany filtered by a non-unique column', () => {
      const call = prisma('signalTrade.findMany', { line: 6, fn: f, argKeys: ['where', 'orderBy'], filterColumns: ['status'] });
      const [finding] = runRule(rule, { codeFiles: [codeFile([call])], databases: [prismaDb] });
      assert.ok(finding);
      assert.match(finding.message, /loads every matching row of SignalTrade/);
    });
    it('findMany filtered by part of a composite unique key', () => {
      const call = prisma('signalTrade.findMany', { line: 6, fn: f, argKeys: ['where'], filterColumns: ['symbol'] });
      assert.equal(runRule(rule, { codeFiles: [codeFile([call])], databases: [prismaDb] }).length, 1);
    });
    it('Drizzle select without limit', () => {
      const call = drizzle('select', 'trades', { line: 4, fn: f, chain: ['from', 'orderBy'] });
      const [finding] = runRule(rule, { codeFiles: [codeFile([call])], databases: [drizzleDb] });
      assert.ok(finding);
      assert.match(finding.message, /^`db\.select\(\)\.from\(trades\)` has no `limit`: it loads every row of trades/);
      assert.equal(finding.fixes?.[0]?.title, 'Add .limit(MAX_ROWS) (const MAX_ROWS = 100, a default cap: set your page size)');
    });
    it('Drizzle relational findMany without limit', () => {
      const call = drizzle('findMany', 'trades', { line: 4, fn: f, argKeys: ['with'] });
      const [finding] = runRule(rule, { codeFiles: [codeFile([call])], databases: [drizzleDb] });
      assert.ok(finding);
      assert.match(finding.message, /^`db\.query\.trades\.findMany` has no `limit`/);
      assert.equal(finding.fixes?.[0]?.title, 'Add limit: MAX_ROWS (const MAX_ROWS = 100, a default cap: set your page size)');
    });
    it('Drizzle select of aggregates grouped by a column (one row per group)', () => {
      const call = drizzle('select', 'trades', { line: 4, fn: f, chain: ['from', 'groupBy'], aggregate: true });
      assert.equal(runRule(rule, { codeFiles: [codeFile([call])], databases: [drizzleDb] }).length, 1);
    });
    it('without a schema it still reports', () => {
      const call = prisma('signalTrade.findMany', { line: 6, fn: f, argKeys: ['select'] });
      const [finding] = runRule(rule, { codeFiles: [codeFile([call])] });
      assert.ok(finding);
      assert.match(finding.message, /every row of signalTrade/);
    });
  });

  describe('rows filtered in JavaScript afterwards (seed 001: signals/performance)', () => {
    it('no cap is offered: it would filter and count only the first rows, not page the result', () => {
      const call = prisma('signalTrade.findMany', { line: 6, fn: f, argKeys: ['orderBy'], resultFilteredInMemory: [{ loc: { ...call6(), range: { start: { line: 9, character: 17 }, end: { line: 9, character: 60 } } }, fields: ['status'] }] });
      const [finding, ...rest] = runRule(rule, { codeFiles: [codeFile([call])], databases: [prismaDb] });
      assert.equal(rest.length, 0);
      assert.ok(finding);
      assert.deepEqual(finding.fixes ?? [], []);
      assert.equal(
        finding.message,
        '`prisma.signalTrade.findMany` has no `take`: it loads every row of SignalTrade into memory, so its time and memory grow with the table. Its rows are filtered in JavaScript on status (line 10): move that filter into the query first, since a cap before it would keep only the first rows of the table, not a page of the result.',
      );
    });
    it('a JavaScript filter on a computed property keeps the fix', () => {
      const call = prisma('signalTrade.findMany', { line: 6, fn: f, argKeys: [], resultFilteredInMemory: [{ loc: { ...call6(), range: { start: { line: 9, character: 17 }, end: { line: 9, character: 60 } } }, fields: ['isWinner'] }] });
      const [finding] = runRule(rule, { codeFiles: [codeFile([call])], databases: [prismaDb] });
      assert.equal(finding?.fixes?.length, 1);
    });
    it('learning platform (code front-end): the performance route gets no take fix', () => {
      const project = analyzeProject('learning');
      const [found] = findingsIn(rule, project);
      assert.ok(found);
      assert.deepEqual(found.finding.fixes ?? [], []);
      assert.match(found.finding.message, /filtered in JavaScript on status, closedAt/);
    });
  });

  describe('rows aggregated in JavaScript afterwards (reduce, .length as a count, sum helpers, accumulating loops)', () => {
    // findingsIn sorts by `file:line` text: the expected lists are sorted the same way.
    const byText = <T extends [string, number]>(xs: T[]) => [...xs].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    const ratingDb = database('prisma', [table('Rating', ['id', 'productId', 'stars'])]);
    const at = (line: number) => ({ ...call6(), range: { start: { line, character: 14 }, end: { line, character: 60 } } });
    it('no cap is offered, the message points to the database aggregate (Prisma)', () => {
      const call = prisma('rating.findMany', {
        line: 6,
        fn: f,
        argKeys: ['where'],
        filterColumns: ['productId'],
        resultAggregatedInMemory: [
          { loc: at(9), how: 'reduce', fields: ['stars'] },
          { loc: at(9), how: 'length', fields: [] },
        ],
      });
      const [finding, ...rest] = runRule(rule, { codeFiles: [codeFile([call])], databases: [ratingDb] });
      assert.equal(rest.length, 0);
      assert.ok(finding);
      assert.deepEqual(finding.fixes ?? [], []);
      assert.equal(
        finding.message,
        '`prisma.rating.findMany` has no `take`: it loads every matching row of Rating into memory, so its time and memory grow with the table. ' +
          'Its rows are aggregated in JavaScript (reduce, .length on line 10): let the database compute the number, ' +
          '`prisma.rating.aggregate({ where, _avg: { stars: true } })` (or `_sum`, `_count`) or `prisma.rating.count({ where })`, ' +
          'which returns one row; a cap would silently leave rows out of the result.',
      );
    });
    it('a count only (`rows.length`) points to count() (Drizzle)', () => {
      const call = drizzle('select', 'trades', { line: 6, fn: f, chain: ['from', 'where'], filterColumns: ['strategyId'], resultAggregatedInMemory: [{ loc: at(7), how: 'length', fields: [] }] });
      const [finding] = runRule(rule, { codeFiles: [codeFile([call])], databases: [drizzleDb] });
      assert.deepEqual(finding?.fixes ?? [], []);
      assert.match(finding!.message, /Its rows are aggregated in JavaScript \(\.length on line 8\): let the database compute the number, `db\.select\(\{ n: count\(\) \}\)\.from\(trades\)\.where\(…\)`, which returns one row/);
    });
    it('storefront (Next.js, Prisma): average rating, revenue, customer count and rating sums get no take fix; lists keep it', () => {
      const project = analyzeProject('storefront');
      const found = findingsIn(rule, project);
      const stats = 'app/admin/dashboard/stats.ts';
      const route = 'app/api/products/[id]/rating/route.ts';
      const line = (file: string, snippet: string) => `${file}:${project.lineOf(file, snippet) + 1}`;
      assert.deepEqual(found.map((x) => [x.where, (x.finding.fixes ?? []).length]), byText([
        [line(stats, 'prisma.order.findMany({ where: { createdAt'), 0],
        [line(stats, 'prisma.user.findMany'), 0],
        [line(stats, 'prisma.rating.findMany({ where: { stars'), 0],
        [line(stats, "orderBy: { createdAt: 'desc' }"), 1],
        [line(stats, 'prisma.order.findMany({ where: { userId } })'), 1],
        [line(route, 'prisma.rating.findMany'), 0],
      ]));
      const message = (where: string) => found.find((x) => x.where === where)!.finding.message;
      assert.match(message(line(route, 'prisma.rating.findMany')), /\(reduce, \.length on line 10, \.length on line 11\)/);
      assert.match(message(line(route, 'prisma.rating.findMany')), /`prisma\.rating\.aggregate\(\{ where, _avg: \{ stars: true \} \}\)`/);
      assert.match(message(line(stats, 'prisma.order.findMany({ where: { createdAt')), /\(for-of on line 9\).*`prisma\.order\.aggregate\(\{ where, _sum: \{ total: true, refunded: true \} \}\)`/);
      assert.match(message(line(stats, 'prisma.user.findMany')), /\(\.length on line 18\): let the database compute the number, `prisma\.user\.count\(\{ where \}\)`/);
      assert.match(message(line(stats, 'prisma.rating.findMany({ where: { stars')), /\(sumBy on line 24\)/);
      for (const kept of [line(stats, "orderBy: { createdAt: 'desc' }"), line(stats, 'prisma.order.findMany({ where: { userId } })')]) {
        assert.match(message(kept), /Page it \(take \+ cursor\/offset\) or cap it\.$/);
      }
    });
    it('arcade (Drizzle): a leaderboard total and a player total get no limit fix; a list with an emptiness test keeps it', () => {
      const project = analyzeProject('arcade');
      const file = 'src/services/leaderboard.ts';
      const found = findingsIn(rule, project);
      assert.deepEqual(found.map((x) => [x.where, (x.finding.fixes ?? []).length]), byText([
        [`${file}:${project.lineOf(file, 'db.select().from(scores)') + 1}`, 0],
        [`${file}:${project.lineOf(file, 'db.query.scores.findMany') + 1}`, 0],
        [`${file}:${project.lineOf(file, 'db.select().from(scores)', 1) + 1}`, 1],
      ]));
      const message = (snippet: string) => found.find((x) => x.where === `${file}:${project.lineOf(file, snippet) + 1}`)!.finding.message;
      assert.match(message('db.select().from(scores)'), /`db\.select\(\{ total: sum\(scores\.points\) \}\)\.from\(scores\)\.where\(…\)` \(or `avg\(…\)`, `count\(\)`\)/);
      assert.match(message('db.query.scores.findMany'), /\(forEach on line 14\)/);
    });
  });

  describe('on real code (code front-end)', () => {
    it('learning platform: signalTrade.findMany() only', () => {
      const project = analyzeProject('learning');
      assert.deepEqual(findingsIn(rule, project).map((f) => f.where), [
        `app/api/signals/performance/route.ts:${project.lineOf('app/api/signals/performance/route.ts', 'findMany()') + 1}`,
      ]);
    });
    it('trading journal: select().from(trades) and query.strategies.findMany() without limit; not the lookup by primary key nor findMany({ limit })', () => {
      const project = analyzeProject('trading');
      assert.deepEqual(findingsIn(rule, project).map((f) => f.where), [
        `server/storage.ts:${project.lineOf('server/storage.ts', 'db.select().from(trades);') + 1}`,
        `server/storage.ts:${project.lineOf('server/storage.ts', 'db.query.strategies.findMany({ orderBy') + 1}`,
      ]);
    });
  });

  describe('rows looked up in JavaScript afterwards (`.find`, `.some`; exploratory test, event-qa)', () => {
    it('no cap is offered: a capped users.find((u) => u.email === …) would miss every user after the 100th', () => {
      const project = analyzeProject('event-qa');
      const found = findingsIn(rule, project);
      assert.equal(found.length, 3);
      for (const f of found) {
        assert.deepEqual(f.finding.fixes ?? [], [], f.where);
        assert.match(f.finding.message, /move that filter into the query first/);
      }
    });
  });

  describe('aggregates (exploratory test, bug 8)', () => {
    it('blog: count(), sum() and sql`count(*)` selects are one row; a groupBy or a window count are not', () => {
      const project = analyzeProject('blog');
      const file = 'src/services/stats.ts';
      assert.deepEqual(findingsIn(rule, project).filter((f) => f.where.startsWith(file)).map((f) => f.where), [
        `${file}:${project.lineOf(file, 'db.select({ authorId: posts.authorId, n: count() })') + 1}`,
        `${file}:${project.lineOf(file, 'count(*) over ()') + 1}`,
      ]);
      const calls = project.codeFile(file).calls;
      assert.deepEqual(calls.map((c) => [c.enclosingFunction, c.aggregate]), [
        ['postCount', true],
        ['postCountRaw', true],
        ['totalViews', true],
        ['postsPerAuthor', undefined],
        ['viewsPerPost', undefined],
      ]);
    });
  });

  describe('lookups by a list of keys (seed 002: query-in-loop\'s batch fix)', () => {
    it('blog: inArray(…) alone or in and(…) is as bounded as the list; a filter by one non-unique key is not', () => {
      const project = analyzeProject('blog');
      const file = 'src/services/lookups.ts';
      assert.deepEqual(findingsIn(rule, project).filter((f) => f.where.startsWith(file)).map((f) => f.where), [
        `${file}:${project.lineOf(file, 'where(eq(posts.authorId, authorId))') + 1}`,
      ]);
    });
  });

  describe('fix check', () => {
    it('applies, the file still parses, the finding is gone', (t) => {
      const project = analyzeProject('trading');
      const found = findingsIn(rule, project).find((f) => f.where === `server/storage.ts:${project.lineOf('server/storage.ts', 'db.select().from(trades);') + 1}`);
      assert.ok(found, 'the finding to fix');
      const fix = found.finding.fixes?.[0];
      assert.equal(fix?.intent.kind, 'addLimit');
      const applied = applyFix(project, 'trading', fix!.intent);
      if (!applied) return t.skip('the code front-end writes no text for addLimit yet');
      for (const [file, text] of Object.entries(applied.texts)) assert.deepEqual(syntaxErrors(file, text), [], file);
      assert.deepEqual(findingsIn(rule, applied.project).map((f) => f.where), [`server/storage.ts:${applied.project.lineOf('server/storage.ts', 'db.query.strategies.findMany({ orderBy') + 1}`]);
    });
  });

  it('never throws on half-typed code (storefront dashboard stats and arcade leaderboard cut short)', () => {
    for (const project of analyzeCuts('storefront', 'app/admin/dashboard/stats.ts')) assert.doesNotThrow(() => runRule(rule, project));
    for (const project of analyzeCuts('arcade', 'src/services/leaderboard.ts')) assert.doesNotThrow(() => runRule(rule, project));
  });
  it('never throws on half-typed code (server/storage.ts cut short)', () => {
    for (const project of analyzeCuts('trading', 'server/storage.ts')) assert.doesNotThrow(() => runRule(rule, project));
  });
});
