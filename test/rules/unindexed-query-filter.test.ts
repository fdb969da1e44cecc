import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { prismaFrontEnd } from '../../server/src/languages/prisma';
import { unindexedQueryFilter as rule } from '../../rules/indexes/unindexed-query-filter';
import { unindexedForeignKey } from '../../rules/indexes/unindexed-foreign-key';
import type { AnalyzedProject } from '../helpers/code-model';
import { codeFile, database, drizzle, fn, prisma, runRule, span, table, analyzeProject, findingsIn, applyFix, syntaxErrors, analyzeCuts } from '../helpers/code-model';

const f = fn('handler', 1, 60);
const notification = table('Notification', ['id', 'userId', 'type', 'read', 'createdAt'], {
  line: 10,
  indexes: [['userId', 'read']],
  fks: [{ columns: ['userId'], table: 'User' }],
});
const quiz = table('QuizSubmission', ['id', 'userId', 'quizId', 'passed'], {
  line: 20,
  uniques: [['userId', 'quizId']],
  fks: [{ columns: ['quizId'], table: 'Quiz' }],
});
const prismaDb = () => database('prisma', [notification, quiz]);

describe('unindexed-query-filter', () => {
  describe('valid', () => {
    const cases = {
      'filter on the leading column of an index': [prisma('notification.findMany', { line: 3, fn: f, filterColumns: ['userId'] })],
      'filter on an indexed column plus another': [prisma('notification.findMany', { line: 3, fn: f, filterColumns: ['read', 'userId', 'type'] })],
      'filter by a unique key': [prisma('quizSubmission.findFirst', { line: 3, fn: f, filterColumns: ['userId', 'quizId'] })],
      'filter by the primary key': [prisma('notification.update', { line: 3, fn: f, filterColumns: ['id'] })],
      'filter by a foreign key (unindexed-foreign-key reports it)': [prisma('quizSubmission.findMany', { line: 3, fn: f, filterColumns: ['quizId'] })],
      'relation filters and unknown names are ignored': [prisma('notification.findMany', { line: 3, fn: f, filterColumns: ['user', 'AND'] })],
      'order without a limit': [prisma('notification.findMany', { line: 3, fn: f, argKeys: ['orderBy'], orderColumns: ['createdAt'] })],
      'a model the schema does not have': [prisma('ghost.findMany', { line: 3, fn: f, filterColumns: ['type'] })],
    };
    for (const [name, calls] of Object.entries(cases)) {
      it(name, () => assert.deepEqual(runRule(rule, { codeFiles: [codeFile(calls)], databases: [prismaDb()] }), []));
    }
  });

  describe('invalid', () => {
    it('Notification.type filtered in two places: one finding on the model, both sites related', () => {
      const calls = [
        prisma('notification.findMany', { line: 3, fn: f, argKeys: ['where'], filterColumns: ['type'] }),
        prisma('notification.count', { line: 9, fn: f, argKeys: ['where'], filterColumns: ['type'] }),
      ];
      const db = prismaDb();
      const findings = runRule(rule, { codeFiles: [codeFile(calls)], databases: [db] });
      assert.equal(findings.length, 1);
      const [finding] = findings;
      assert.equal(
        finding!.message,
        '2 queries filter Notification by type, but no index starts with that column: each one scans the whole table, which gets slower as Notification grows.',
      );
      assert.equal(finding!.loc, db.tables[0]!.nameLoc);
      assert.deepEqual(finding!.related?.map((r) => [span(r.loc), r.message]), [
        ['3:10-3:50', 'Filtered by type here'],
        ['9:10-9:50', 'Filtered by type here'],
      ]);
      const [fix] = finding!.fixes ?? [];
      assert.ok(fix);
      assert.equal(fix.title, 'Add @@index([type])');
      assert.equal(fix.safety, 'safe');
      assert.equal(fix.preferred, true);
      assert.deepEqual(fix.intent, { kind: 'addIndex', database: db, table: db.tables[0], columns: ['type'] });
    });
    it('QuizSubmission.passed: a single query', () => {
      const calls = [prisma('quizSubmission.findMany', { line: 3, fn: f, filterColumns: ['passed'] })];
      const [finding] = runRule(rule, { codeFiles: [codeFile(calls)], databases: [prismaDb()] });
      assert.ok(finding);
      assert.match(finding.message, /^A query \(prisma\.quizSubmission\.findMany\) filters QuizSubmission by passed/);
    });
    it('ordered with take, no filter', () => {
      const calls = [prisma('notification.findMany', { line: 3, fn: f, argKeys: ['orderBy', 'take'], orderColumns: ['createdAt'] })];
      const [finding] = runRule(rule, { codeFiles: [codeFile(calls)], databases: [prismaDb()] });
      assert.ok(finding);
      assert.match(finding.message, /sorts Notification by createdAt/);
      assert.equal(finding.fixes?.[0]?.title, 'Add @@index([createdAt])');
    });
    it('different column sets are separate findings, unless one index serves both (one index per need)', () => {
      const separate = [
        prisma('notification.findMany', { line: 3, fn: f, filterColumns: ['type'] }),
        prisma('notification.findMany', { line: 4, fn: f, filterColumns: ['createdAt'] }),
      ];
      assert.equal(runRule(rule, { codeFiles: [codeFile(separate)], databases: [prismaDb()] }).length, 2);
      // (type, createdAt) serves the filter by type too: one finding, both queries related.
      const nested = [
        prisma('notification.findMany', { line: 3, fn: f, filterColumns: ['type'] }),
        prisma('notification.findMany', { line: 4, fn: f, filterColumns: ['type', 'createdAt'] }),
      ];
      const findings = runRule(rule, { codeFiles: [codeFile(nested)], databases: [prismaDb()] });
      assert.deepEqual(findings.map((x) => [x.fixes?.[0]?.title, x.related?.length]), [['Add @@index([type, createdAt])', 2]]);
    });
    it('Drizzle: table variable ↔ table', () => {
      const trades = table('trades', ['id', 'symbol', 'strategyId'], { dbName: 'trades' });
      const db = database('drizzle', [trades]);
      const calls = [drizzle('select', 'trades', { line: 3, fn: f, chain: ['from', 'where'], filterColumns: ['symbol'] })];
      const [finding] = runRule(rule, { codeFiles: [codeFile(calls)], databases: [db] });
      assert.ok(finding);
      assert.equal(finding.fixes?.[0]?.intent.kind, 'addIndex');
      assert.match(finding.fixes![0]!.title, /^Add index\("trades_symbol_idx"\)/);
    });
  });

  describe('composite indexes: equality columns first, then the sort or range column', () => {
    const aiDecisions = table('aiDecisions', ['id', 'strategyId', 'symbol', 'status', 'createdAt'], {
      dbName: 'ai_decisions',
      indexes: [['symbol'], ['strategyId']],
      fks: [{ columns: ['strategyId'], table: 'strategies' }],
    });
    const trades = table('trades', ['id', 'strategyId', 'symbol', 'status', 'side', 'executedAt'], {
      dbName: 'trades',
      fks: [{ columns: ['strategyId'], table: 'strategies' }],
    });
    const db = () => database('drizzle', [aiDecisions, trades]);
    const select = (model: string, line: number, extra: Record<string, unknown>) =>
      drizzle('select', model, { line, fn: f, chain: ['from', 'where', 'orderBy', 'limit'], ...extra });
    const titles = (calls: ReturnType<typeof drizzle>[]) =>
      runRule(rule, { codeFiles: [codeFile(calls)], databases: [db()] }).map((x) => x.fixes?.[0]?.title);

    it('seed 002 getPendingAiDecisions: where status = … order by created_at → (status, createdAt)', () => {
      const database_ = db();
      const calls = [select('aiDecisions', 3, { filterColumns: ['status'], filterTerms: [{ column: 'status', op: 'eq' }], orderColumns: ['createdAt'] })];
      const [finding, ...rest] = runRule(rule, { codeFiles: [codeFile(calls)], databases: [database_] });
      assert.deepEqual(rest, []);
      assert.equal(finding!.fixes?.[0]?.title, 'Add index("ai_decisions_status_createdAt_idx").on(table.status, table.createdAt)');
      assert.deepEqual(finding!.fixes?.[0]?.intent, { kind: 'addIndex', database: database_, table: database_.tables[0], columns: ['status', 'createdAt'] });
      assert.equal(
        finding!.message,
        'A query (db.select().from(aiDecisions)) filters aiDecisions by status and sorts by createdAt, but no index starts with that column: each one scans the whole table, which gets slower as aiDecisions grows. An index on (status, createdAt) also returns the rows in order.',
      );
      assert.deepEqual(finding!.related?.map((r) => r.message), ['Filtered by status and sorted by createdAt here']);
    });

    it('the range column goes after the equality columns, whatever the written order; an IN list is not followed by the sort', () => {
      const range = select('trades', 3, {
        filterColumns: ['executedAt', 'status'],
        filterTerms: [{ column: 'executedAt', op: 'range' }, { column: 'status', op: 'eq' }],
      });
      assert.deepEqual(titles([range]), ['Add index("trades_status_executedAt_idx").on(table.status, table.executedAt)']);
      const list = select('trades', 3, { filterColumns: ['side'], filterTerms: [{ column: 'side', op: 'list' }], orderColumns: ['executedAt'] });
      assert.deepEqual(titles([list]), ['Add index("trades_side_idx").on(table.side)']);
    });

    it('conditional filters (a conditions list): one need per pushed column, merged with the queries its index serves', () => {
      const terms = [
        { column: 'id', op: 'eq' as const, conditional: true },
        { column: 'symbol', op: 'eq' as const, conditional: true },
        { column: 'strategyId', op: 'eq' as const, conditional: true },
        { column: 'executedAt', op: 'range' as const, conditional: true },
      ];
      const count = drizzle('select', 'trades', { line: 3, fn: f, chain: ['from', 'where'], filterColumns: [], filterTerms: terms, aggregate: true });
      const page = select('trades', 5, { filterColumns: [], filterTerms: terms, orderColumns: ['executedAt'] });
      const findings = runRule(rule, { codeFiles: [codeFile([count, page])], databases: [db()] });
      assert.deepEqual(
        findings.map((x) => [x.fixes?.[0]?.title, x.related?.map((r) => `${r.loc.range.start.line}: ${r.message}`)]),
        [
          // The id is the primary key: a run that pins it reads one row. strategyId is a foreign key without an index:
          // unindexed-foreign-key reports it.
          ['Add index("trades_symbol_executedAt_idx").on(table.symbol, table.executedAt)', ['3: Filtered by symbol here', '5: Filtered by symbol and sorted by executedAt here']],
          ['Add index("trades_executedAt_idx").on(table.executedAt)', ['3: Filtered by executedAt here', '5: Sorted by executedAt here']],
          // The page query sorts by executedAt with a limit: an index on (strategyId, executedAt) serves both, advice only.
          ['Add index("trades_strategyId_executedAt_idx").on(table.strategyId, table.executedAt)', ['5: Filtered by strategyId and sorted by executedAt here']],
        ],
      );
      assert.match(findings[2]!.message, /^A query \(db\.select\(\)\.from\(trades\)\) filters trades by strategyId on some calls and sorts by executedAt with a limit, but the foreign key \(strategyId\) has no index:/);
      assert.deepEqual(findings.map((x) => x.fixes?.[0]?.safety), ['safe', 'safe', 'display-only']);
      // Every run that filters by symbol pushed it under an `if`: the message says so.
      assert.equal(findings[0]!.message.startsWith('2 queries filter trades by symbol on some calls (1 of them also sorting by executedAt), but no index starts with that column'), true, findings[0]!.message);
      assert.match(findings[1]!.message, /^2 queries filter or sort trades by executedAt, but no index starts with that column: each one reads the whole table/);
    });

    it('operators no B-tree index serves (contains / ilike, ne, not) ask for no index, alone or after an equality', () => {
      const contains = select('trades', 3, { filterColumns: ['symbol'], filterTerms: [{ column: 'symbol', op: 'other' }], chain: ['from', 'where'] });
      assert.deepEqual(titles([contains]), []);
      const statusNotSide = select('trades', 3, {
        filterColumns: ['status', 'side'],
        filterTerms: [{ column: 'status', op: 'eq' }, { column: 'side', op: 'other' }],
        chain: ['from', 'where'],
      });
      assert.deepEqual(titles([statusNotSide]), ['Add index("trades_status_idx").on(table.status)']);
      // A column filtered by `other` only is no filtered column of the message either.
      const [finding] = runRule(rule, { codeFiles: [codeFile([statusNotSide])], databases: [db()] });
      assert.match(finding!.message, /filters trades by status, but no index starts with that column/);
    });

    it('equality columns in another written order, or a shorter query by one of them: one index leading with the shared one', () => {
      const a = select('trades', 3, { filterColumns: ['status', 'side'], filterTerms: [{ column: 'status', op: 'eq' }, { column: 'side', op: 'eq' }], chain: ['from', 'where'] });
      const b = select('trades', 4, { filterColumns: ['side', 'status'], filterTerms: [{ column: 'side', op: 'eq' }, { column: 'status', op: 'eq' }], chain: ['from', 'where'] });
      const findings = runRule(rule, { codeFiles: [codeFile([a, b])], databases: [db()] });
      assert.deepEqual(findings.map((x) => [x.fixes?.[0]?.title, x.related?.length]), [['Add index("trades_status_side_idx").on(table.status, table.side)', 2]]);
      // (queue, status, run_at) for a claim query and (status) for a poll: (status, side, executedAt) serves both.
      const claim = select('trades', 3, {
        filterColumns: ['side', 'status', 'executedAt'],
        filterTerms: [{ column: 'side', op: 'eq' }, { column: 'status', op: 'eq' }, { column: 'executedAt', op: 'range' }],
        orderColumns: ['executedAt'],
      });
      const poll = select('trades', 5, { filterColumns: ['status'], filterTerms: [{ column: 'status', op: 'eq' }], chain: ['from', 'where', 'limit'] });
      const merged = runRule(rule, { codeFiles: [codeFile([claim, poll])], databases: [db()] });
      assert.deepEqual(merged.map((x) => [x.fixes?.[0]?.title, x.related?.length]), [
        ['Add index("trades_status_side_executedAt_idx").on(table.status, table.side, table.executedAt)', 2],
      ]);
      // Not when the reordered index would no longer serve a query it holds in order.
      const bySideSorted = select('trades', 7, { filterColumns: ['side'], filterTerms: [{ column: 'side', op: 'eq' }], orderColumns: ['status'] });
      const three = runRule(rule, { codeFiles: [codeFile([claim, bySideSorted, poll])], databases: [db()] });
      assert.equal(three.length, 2);
    });

    it('a filter some runs add to the equality filters every run applies: no second index for it, and the message says which', () => {
      const always = (extra: { column: string; op: 'eq'; conditional: true }[]) =>
        select('trades', 3, { filterColumns: [], filterTerms: [{ column: 'symbol', op: 'eq' }, ...extra], orderColumns: ['executedAt'] });
      // (symbol, executedAt) reads one symbol's trades in order and checks the status on them.
      assert.deepEqual(titles([always([{ column: 'status', op: 'eq', conditional: true }])]), [
        'Add index("trades_symbol_executedAt_idx").on(table.symbol, table.executedAt)',
      ]);
      const range = select('aiDecisions', 3, {
        filterColumns: [],
        filterTerms: [{ column: 'status', op: 'list' }, { column: 'createdAt', op: 'range', conditional: true }],
        chain: ['from', 'where'],
      });
      const [finding] = runRule(rule, { codeFiles: [codeFile([range])], databases: [db()] });
      assert.match(finding!.message, /^A query \(db\.select\(\)\.from\(aiDecisions\)\) filters aiDecisions by status and, on some calls, createdAt, but no index starts with those columns/);
      const sometimes = select('trades', 3, { filterColumns: [], filterTerms: [{ column: 'executedAt', op: 'range', conditional: true }], chain: ['from', 'where'] });
      const [some] = runRule(rule, { codeFiles: [codeFile([sometimes])], databases: [db()] });
      assert.match(some!.message, /filters trades by executedAt on some calls, but no index starts with that column/);
    });

    it('a join: the other table\'s columns (eq(aiDecisions.status, …) in a select from trades) are not this table\'s filter', () => {
      const joined = select('trades', 3, {
        filterColumns: [],
        filterTerms: [{ column: 'status', op: 'eq', table: 'aiDecisions' }, { column: 'side', op: 'eq', table: 'trades' }],
        chain: ['from', 'innerJoin', 'where'],
      });
      assert.deepEqual(titles([joined]), ['Add index("trades_side_idx").on(table.side)']);
      // A callback parameter (`(t, { eq }) => eq(t.status, …)`) names no table: its column is the query's.
      const relational = select('trades', 3, { filterColumns: [], filterTerms: [{ column: 'status', op: 'eq', table: 't' }], chain: ['from', 'where'] });
      assert.deepEqual(titles([relational]), ['Add index("trades_status_idx").on(table.status)']);
    });

    it('extending an index on one of two equality columns: the new index starts with it, so it does make it redundant', () => {
      const claim = select('aiDecisions', 3, {
        filterColumns: [],
        filterTerms: [{ column: 'status', op: 'eq' }, { column: 'symbol', op: 'eq' }],
        orderColumns: ['createdAt'],
      });
      const [finding, ...rest] = runRule(rule, { codeFiles: [codeFile([claim])], databases: [db()] });
      assert.deepEqual(rest, []);
      assert.equal(finding!.fixes?.[0]?.title, 'Add index("ai_decisions_symbol_status_createdAt_idx").on(table.symbol, table.status, table.createdAt)');
      assert.match(finding!.message, /filters aiDecisions by symbol, status and sorts by createdAt with a limit, but the index on \(symbol\) does not continue with status, createdAt: .* It makes the index on \(symbol\) redundant\.$/);
    });

    it('an index on the equality column that does not continue with the sort column, with a limit: info, extend it', () => {
      const bySymbol = (extra: Record<string, unknown>) =>
        select('aiDecisions', 3, { filterColumns: ['symbol'], filterTerms: [{ column: 'symbol', op: 'eq' }], orderColumns: ['createdAt'], ...extra });
      const [finding, ...rest] = runRule(rule, { codeFiles: [codeFile([bySymbol({})])], databases: [db()] });
      assert.deepEqual(rest, []);
      assert.equal(
        finding!.message,
        'A query (db.select().from(aiDecisions)) filters aiDecisions by symbol and sorts by createdAt with a limit, but the index on (symbol) does not continue with createdAt: each one reads and sorts every matching row to return the first few. An index on (symbol, createdAt) returns them in order. It makes the index on (symbol) redundant.',
      );
      // Replacing an index is the user's call: shown, never applied by a fix-all.
      assert.deepEqual(
        finding!.fixes?.map((x) => [x.title, x.safety, x.preferred ?? false]),
        [['Add index("ai_decisions_symbol_createdAt_idx").on(table.symbol, table.createdAt)', 'display-only', false]],
      );
      // Not without a limit, and not when the filter is applied on some runs only (the runs without it sort the
      // whole table: that need is reported).
      assert.deepEqual(titles([bySymbol({ chain: ['from', 'where', 'orderBy'] })]), []);
      assert.deepEqual(titles([bySymbol({ filterColumns: [], filterTerms: [{ column: 'symbol', op: 'eq', conditional: true }] })]), [
        'Add index("ai_decisions_createdAt_idx").on(table.createdAt)',
      ]);
      // A foreign key's own index: its matches are all the children of one parent, advice even for some calls.
      const [byStrategy] = runRule(rule, {
        codeFiles: [codeFile([select('aiDecisions', 3, { filterColumns: [], filterTerms: [{ column: 'strategyId', op: 'eq', conditional: true }], orderColumns: ['createdAt'] })])],
        databases: [db()],
      }).filter((x) => x.fixes?.[0]?.safety === 'display-only');
      assert.match(byStrategy!.message, /by strategyId on some calls and sorts by createdAt with a limit, but the index on \(strategyId\) does not continue with createdAt/);
    });

    it('equality on a foreign key without an index is left to unindexed-foreign-key: one index, never two overlapping ones', () => {
      const calls = [
        select('trades', 3, { filterColumns: ['status', 'strategyId'], filterTerms: [{ column: 'status', op: 'eq' }, { column: 'strategyId', op: 'eq' }], orderColumns: ['executedAt'] }),
        select('trades', 4, { filterColumns: ['strategyId', 'status'], filterTerms: [{ column: 'strategyId', op: 'eq' }, { column: 'status', op: 'eq' }], chain: ['from', 'where'] }),
      ];
      // The filter without a sort needs nothing but the foreign key's index. The sorted one gets advice: an index that
      // starts with the foreign key (so it covers it too), shown but never applied by a fix-all, which adds the
      // foreign key's own index only.
      const findings = runRule(rule, { codeFiles: [codeFile(calls)], databases: [db()] });
      assert.deepEqual(
        findings.map((x) => x.fixes?.map((fix) => [fix.title, fix.safety])),
        [[['Add index("trades_strategyId_status_executedAt_idx").on(table.strategyId, table.status, table.executedAt)', 'display-only']]],
      );
      assert.match(findings[0]!.message, /It also serves the foreign key: add it instead of the single-column index unindexed-foreign-key suggests\.$/);
      // Once its index exists, the query by strategyId and status is served by it (the database narrows by
      // strategyId); the sorted one keeps its advice, now to extend that index. Still nothing a fix-all applies.
      const indexed = table('trades', ['id', 'strategyId', 'symbol', 'status', 'side', 'executedAt'], {
        dbName: 'trades',
        indexes: [['strategyId']],
        fks: [{ columns: ['strategyId'], table: 'strategies' }],
      });
      const after = runRule(rule, { codeFiles: [codeFile(calls)], databases: [database('drizzle', [indexed])] });
      assert.deepEqual(after.map((x) => [x.related?.length, x.fixes?.map((fix) => fix.safety)]), [[1, ['display-only']]]);
      assert.match(after[0]!.message, /but the index on \(strategyId\) does not continue with status, executedAt/);
    });
  });

  describe('on real code (code front-end + schema front-ends)', () => {
    it('learning platform: Notification.type, on the model name', () => {
      const project = analyzeProject('learning');
      const found = findingsIn(rule, project);
      assert.deepEqual(found.map((f) => f.where), [`prisma/schema.prisma:${project.lineOf('prisma/schema.prisma', 'model Notification') + 1}`]);
      // `where: { type }, orderBy: { createdAt: 'desc' }, take: 20`: equality column first, then the sort column.
      assert.equal(found[0]!.finding.fixes?.[0]?.title, 'Add @@index([type, createdAt])');
      assert.equal(
        found[0]!.finding.message,
        'A query (prisma.notification.findMany) filters Notification by type and sorts by createdAt, but no index starts with that column: each one scans the whole table, which gets slower as Notification grows. An index on (type, createdAt) also returns the rows in order.',
      );
      assert.equal(found[0]!.finding.related?.[0]?.loc.file, `${project.root}/app/api/notifications/route.ts`);
    });
    it('trading journal (Drizzle): positions.accountId from two queries, trades.symbol; not the indexed strategyId', () => {
      const project = analyzeProject('trading');
      const found = findingsIn(rule, project);
      assert.deepEqual(found.map((f) => [f.where, f.finding.fixes?.[0]?.title, f.finding.related?.length]), [
        [`src/db/schema.ts:${project.lineOf('src/db/schema.ts', "pgTable('positions'") + 1}`, 'Add index("positions_account_id_idx").on(table.accountId)', 2],
        [`src/db/schema.ts:${project.lineOf('src/db/schema.ts', "'trades',") + 1}`, 'Add index("trades_symbol_idx").on(table.symbol)', 1],
      ]);
    });
  });

  describe('seed 002 shapes on real code', () => {
    const summary = (project: AnalyzedProject) =>
      findingsIn(rule, project).map((x) => [x.where, x.finding.fixes?.[0]?.title, x.finding.fixes?.[0]?.safety]);

    it('trading bot (Drizzle): conditions arrays, composites, advice on indexes that do not continue with the sort', () => {
      const project = analyzeProject('trading-bot');
      const trades = `shared/schema.ts:${project.lineOf('shared/schema.ts', 'export const trades') + 1}`;
      const decisions = `shared/schema.ts:${project.lineOf('shared/schema.ts', '"ai_decisions",') + 1}`;
      assert.deepEqual(summary(project), [
        [trades, 'Add index("trades_symbol_executed_at_idx").on(table.symbol, table.executedAt)', 'safe'],
        [trades, 'Add index("trades_executed_at_idx").on(table.executedAt)', 'safe'],
        [trades, 'Add index("trades_strategy_id_executed_at_idx").on(table.strategyId, table.executedAt)', 'display-only'],
        [trades, 'Add index("trades_status_idx").on(table.status)', 'safe'],
        [decisions, 'Add index("ai_decisions_status_created_at_idx").on(table.status, table.createdAt)', 'safe'],
        [decisions, 'Add index("ai_decisions_symbol_created_at_idx").on(table.symbol, table.createdAt)', 'display-only'],
        [decisions, 'Add index("ai_decisions_strategy_id_created_at_idx").on(table.strategyId, table.createdAt)', 'display-only'],
      ]);
      // `const conditions: SQL[] = [eq(aiDecisions.id, id)]` pins the primary key: no finding for getTradeDecision.
      const storage = `${project.root}/server/storage.ts`;
      const sites = findingsIn(rule, project).flatMap((x) => x.finding.related ?? []).filter((r) => r.loc.file === storage);
      assert.ok(!sites.some((r) => r.loc.range.start.line === project.lineOf('server/storage.ts', 'where(and(...conditions));')));
    });

    it('trading bot: a fix-all (safe fixes of both index rules) adds one index per need, never two overlapping ones', () => {
      let project = analyzeProject('trading-bot');
      const texts: Record<string, string> = {};
      for (let pass = 0; pass < 20; pass++) {
        const safe = [...findingsIn(unindexedForeignKey, project), ...findingsIn(rule, project)]
          .map((x) => x.finding.fixes?.find((fix) => fix.safety === 'safe'))
          .find((fix) => fix);
        if (!safe) break;
        const applied = applyFix(project, 'trading-bot', safe.intent);
        assert.ok(applied, safe.title);
        Object.assign(texts, applied.texts);
        project = applied.project;
      }
      for (const [file, text] of Object.entries(texts)) assert.deepEqual(syntaxErrors(file, text), [], file);
      const db = project.databases.find((d) => d.language === 'drizzle')!;
      const indexesOf = (name: string) => db.tables.find((t) => t.name === name)!.indexes.map((i) => i.columns.join(','));
      assert.deepEqual(indexesOf('trades').sort(), ['executedAt', 'status', 'strategyId', 'symbol,executedAt']);
      assert.deepEqual(indexesOf('aiDecisions').sort(), ['status,createdAt', 'strategyId', 'symbol']);
      for (const t of db.tables) {
        for (const a of t.indexes) for (const b of t.indexes) {
          if (a !== b) assert.ok(!b.columns.join(',').startsWith(`${a.columns.join(',')},`) && a.columns.join(',') !== b.columns.join(','), `${t.name}: ${a.columns} / ${b.columns}`);
        }
      }
      // What is left is advice the user applies by hand.
      assert.deepEqual([...new Set(findingsIn(rule, project).map((x) => x.finding.fixes?.[0]?.safety))], ['display-only']);
    });

    it('trade journal (Prisma): where { strategyId } orderBy executedAt take 50 → @@index([strategyId, executedAt]), which also covers the foreign key', () => {
      const project = analyzeProject('trade-journal');
      const model = `prisma/schema.prisma:${project.lineOf('prisma/schema.prisma', 'model Trade') + 1}`;
      assert.deepEqual(summary(project), [
        [model, 'Add @@index([strategyId, executedAt])', 'display-only'],
        [model, 'Add @@index([executedAt])', 'safe'],
        [model, 'Add @@index([symbol, executedAt])', 'safe'],
        [model, 'Add @@index([side, status])', 'safe'],
      ]);
      assert.deepEqual(findingsIn(unindexedForeignKey, project).map((x) => x.finding.fixes?.[0]?.title), ['Add @@index([strategyId])']);
      const advice = findingsIn(rule, project)[0]!.finding;
      const applied = applyFix(project, 'trade-journal', advice.fixes![0]!.intent);
      assert.ok(applied);
      const schema = `${project.root}/prisma/schema.prisma`;
      assert.match(applied.texts[schema]!, /@@index\(\[strategyId, executedAt\]\)/);
      const [unit] = prismaFrontEnd.discover([schema], applied.project.reader);
      const analysis = prismaFrontEnd.analyze(unit!, applied.project.reader, { validation: true });
      assert.deepEqual(analysis.diagnostics.filter((d) => d.severity === 'error').map((d) => d.message), []);
      // One index: the advice and the foreign key's finding are both gone.
      assert.deepEqual(findingsIn(unindexedForeignKey, applied.project), []);
      assert.deepEqual(summary(applied.project).map((x) => x[1]), ['Add @@index([executedAt])', 'Add @@index([symbol, executedAt])', 'Add @@index([side, status])']);
    });
  });

  describe('fix check', () => {
    it('Prisma: adds @@index([type, createdAt]), the schema validates, the finding is gone', () => {
      const project = analyzeProject('learning');
      const [found] = findingsIn(rule, project);
      const applied = applyFix(project, 'learning', found!.finding.fixes![0]!.intent);
      assert.ok(applied, 'the Prisma front-end writes the index');
      const schema = `${project.root}/prisma/schema.prisma`;
      assert.match(applied.texts[schema]!, /@@index\(\[type, createdAt\]\)/);
      const [unit] = prismaFrontEnd.discover([schema], applied.project.reader);
      const analysis = prismaFrontEnd.analyze(unit!, applied.project.reader, { validation: true });
      assert.deepEqual(analysis.diagnostics.filter((d) => d.severity === 'error').map((d) => d.message), []);
      assert.deepEqual(findingsIn(rule, applied.project), []);
    });
    it('Drizzle: adds the index, the schema module parses, the finding is gone', () => {
      const project = analyzeProject('trading');
      const found = findingsIn(rule, project);
      const applied = applyFix(project, 'trading', found[0]!.finding.fixes![0]!.intent);
      assert.ok(applied, 'the Drizzle front-end writes the index');
      for (const [file, text] of Object.entries(applied.texts)) assert.deepEqual(syntaxErrors(file, text), [], file);
      assert.deepEqual(findingsIn(rule, applied.project).map((f) => f.where), [found[1]!.where]);
    });
  });

  it('never throws on half-typed code (server/storage.ts cut short)', () => {
    for (const project of analyzeCuts('trading', 'server/storage.ts')) assert.doesNotThrow(() => runRule(rule, project));
    // Conditions lists and where objects cut mid-way: the analysis follows what is there.
    const cuts = [...analyzeCuts('trading-bot', 'server/storage.ts', 24), ...analyzeCuts('trade-journal', 'lib/trades.ts', 24)];
    for (const project of cuts) assert.doesNotThrow(() => runRule(rule, project));
    assert.ok(cuts.some((p) => p.codeFiles.some((c) => c.calls.some((call) => call.filterTerms?.some((t) => t.conditional)))));
  });
});
