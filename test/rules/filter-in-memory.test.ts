import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { filterInMemory as rule } from '../../rules/queries/filter-in-memory';
import { codeFile, database, drizzle, fn, loc, prisma, runRule, span, table, analyzeProject, findingsIn, analyzeCuts } from '../helpers/code-model';

const f = fn('performance', 1, 30);
const prismaDb = database('prisma', [table('SignalTrade', ['id', 'status', 'closedAt', 'pnl'])]);
const drizzleDb = database('drizzle', [table('trades', ['id', 'symbol', 'strategyId'])]);

describe('filter-in-memory', () => {
  describe('valid', () => {
    it('no in-memory filter', () => {
      const call = prisma('signalTrade.findMany', { line: 3, fn: f, argKeys: ['where'] });
      assert.deepEqual(runRule(rule, { codeFiles: [codeFile([call])], databases: [prismaDb] }), []);
    });
    it('filter on a computed property, not a column', () => {
      const call = prisma('signalTrade.findMany', { line: 3, fn: f, resultFilteredInMemory: [{ loc: loc(5, 2, 40), fields: ['isWinner'] }] });
      assert.deepEqual(runRule(rule, { codeFiles: [codeFile([call])], databases: [prismaDb] }), []);
    });
    it('filter on a column the query already filters', () => {
      const call = prisma('signalTrade.findMany', { line: 3, fn: f, filterColumns: ['status'], resultFilteredInMemory: [{ loc: loc(5, 2, 40), fields: ['status'] }] });
      assert.deepEqual(runRule(rule, { codeFiles: [codeFile([call])], databases: [prismaDb] }), []);
    });
    it('no schema to check the fields against', () => {
      const call = prisma('signalTrade.findMany', { line: 3, fn: f, resultFilteredInMemory: [{ loc: loc(5, 2, 40), fields: ['status'] }] });
      assert.deepEqual(runRule(rule, { codeFiles: [codeFile([call])] }), []);
    });
  });

  describe('invalid', () => {
    it('all trades loaded, then filtered on status and closedAt (seed 001)', () => {
      const call = prisma('signalTrade.findMany', {
        line: 3,
        fn: f,
        argKeys: [],
        resultFilteredInMemory: [
          { loc: loc(5, 17, 70), fields: ['status', 'isWinner'] },
          { loc: loc(6, 17, 70), fields: ['closedAt'] },
        ],
      });
      const findings = runRule(rule, { codeFiles: [codeFile([call])], databases: [prismaDb] });
      assert.equal(findings.length, 1);
      const [finding] = findings;
      assert.equal(
        finding!.message,
        'The rows of `prisma.signalTrade.findMany` are filtered in JavaScript on status, closedAt (lines 6, 7): every row of SignalTrade is read and sent over the network only to be thrown away. Filter in the query with `where: { status: …, closedAt: … }`.',
      );
      assert.equal(span(finding!.loc), '3:10-3:50');
      assert.deepEqual(finding!.related?.map((r) => [span(r.loc), r.message]), [
        ['5:17-5:70', 'Filtered in memory on status'],
        ['6:17-6:70', 'Filtered in memory on closedAt'],
      ]);
    });
    it('a query bounded by where and take: only the rows the filter drops are wasted, not every row (seed 001 after --fix=unsafe)', () => {
      const call = prisma('signalTrade.findMany', {
        line: 3,
        fn: f,
        argKeys: ['orderBy', 'take'],
        resultFilteredInMemory: [{ loc: loc(5, 17, 70), fields: ['status'] }],
      });
      const [finding] = runRule(rule, { codeFiles: [codeFile([call])], databases: [prismaDb] });
      assert.ok(finding);
      assert.equal(
        finding.message,
        'The rows of `prisma.signalTrade.findMany` are filtered in JavaScript on status (line 6): the rows the filter drops are read and sent over the network only to be thrown away. Filter in the query with `where: { status: … }`.',
      );
    });
    it('a Drizzle select with a where on other columns: not every row is read', () => {
      const call = drizzle('select', 'trades', { line: 3, fn: f, chain: ['from', 'where'], filterColumns: ['symbol'], resultFilteredInMemory: [{ loc: loc(4, 2, 40), fields: ['strategyId'] }] });
      const [finding] = runRule(rule, { codeFiles: [codeFile([call])], databases: [drizzleDb] });
      assert.ok(finding);
      assert.doesNotMatch(finding.message, /every row/);
      assert.match(finding.message, /the rows the filter drops are read/);
    });
    it('Drizzle select filtered in memory', () => {
      const call = drizzle('select', 'trades', { line: 3, fn: f, chain: ['from'], resultFilteredInMemory: [{ loc: loc(4, 2, 40), fields: ['strategyId'] }] });
      const [finding] = runRule(rule, { codeFiles: [codeFile([call])], databases: [drizzleDb] });
      assert.ok(finding);
      assert.match(finding.message, /Filter in the query with `\.where\(\.\.\.\)` on trades\.strategyId\.$/);
    });
  });

  describe('on real code (code front-end)', () => {
    it('learning platform: trades filtered on status and closedAt in JavaScript', () => {
      const project = analyzeProject('learning');
      const found = findingsIn(rule, project);
      const file = 'app/api/signals/performance/route.ts';
      assert.deepEqual(found.map((f) => f.where), [`${file}:${project.lineOf(file, 'findMany()') + 1}`]);
      assert.match(found[0]!.finding.message, /on status, closedAt \(line \d+\)/);
      assert.equal(found[0]!.finding.related?.[0]?.loc.range.start.line, project.lineOf(file, 'trades.filter'));
    });
  });

  describe('a lookup in the loaded rows: `.find(…)` / `.some(…)` (exploratory test, event-qa)', () => {
    it('users.find((u) => u.email === …) and questions.some((q) => q.userId === … && q.status === …) are filters too; not a lookup by the column the query already filters (`id: { in: ids }`, then users.find((u) => u.id === …))', () => {
      const project = analyzeProject('event-qa');
      const found = findingsIn(rule, project);
      const users = 'src/lib/users.ts';
      const team = 'src/routers/team.ts';
      assert.deepEqual(found.map((f) => f.where), [
        `${users}:${project.lineOf(users, 'prisma.user.findMany()') + 1}`,
        `${users}:${project.lineOf(users, 'prisma.question.findMany') + 1}`,
        `${team}:${project.lineOf(team, 'prisma.team.findMany()') + 1}`,
      ]);
      assert.equal(
        found[0]!.finding.message,
        `The rows of \`prisma.user.findMany\` are filtered in JavaScript on email (line ${project.lineOf(users, 'users.find') + 1}): every row of User is read and sent over the network only to be thrown away. Filter in the query with \`where: { email: … }\`.`,
      );
      assert.equal(found[0]!.finding.related?.[0]?.loc.range.start.line, project.lineOf(users, 'users.find'));
      assert.match(found[1]!.finding.message, /filtered in JavaScript on userId, status \(line \d+\): the rows the filter drops are read/);
    });
  });

  it('never throws on half-typed code (app/api/signals/performance/route.ts cut short)', () => {
    for (const project of analyzeCuts('learning', 'app/api/signals/performance/route.ts')) assert.doesNotThrow(() => runRule(rule, project));
  });
});
