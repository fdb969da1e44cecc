import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { prismaFrontEnd } from '../../server/src/languages/prisma';
import { unindexedQueryFilter as rule } from '../../rules/indexes/unindexed-query-filter';
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
    it('different column sets are separate findings', () => {
      const calls = [
        prisma('notification.findMany', { line: 3, fn: f, filterColumns: ['type'] }),
        prisma('notification.findMany', { line: 4, fn: f, filterColumns: ['type', 'createdAt'] }),
      ];
      assert.equal(runRule(rule, { codeFiles: [codeFile(calls)], databases: [prismaDb()] }).length, 2);
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

  describe('on real code (code front-end + schema front-ends)', () => {
    it('learning platform: Notification.type, on the model name', () => {
      const project = analyzeProject('learning');
      const found = findingsIn(rule, project);
      assert.deepEqual(found.map((f) => f.where), [`prisma/schema.prisma:${project.lineOf('prisma/schema.prisma', 'model Notification') + 1}`]);
      assert.equal(found[0]!.finding.fixes?.[0]?.title, 'Add @@index([type])');
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

  describe('fix check', () => {
    it('Prisma: adds @@index([type]), the schema validates, the finding is gone', () => {
      const project = analyzeProject('learning');
      const [found] = findingsIn(rule, project);
      const applied = applyFix(project, 'learning', found!.finding.fixes![0]!.intent);
      assert.ok(applied, 'the Prisma front-end writes the index');
      const schema = `${project.root}/prisma/schema.prisma`;
      assert.match(applied.texts[schema]!, /@@index\(\[type\]\)/);
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
  });
});
