import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { indexNotConcurrent } from '../../rules/migrations/index-not-concurrent';
import { migration, sqlDb, statement, table } from '../helpers/model';
import { fixSummary, runRule, single } from '../helpers/run-rule';

const dbWith = (statements: ReturnType<typeof statement>[], dialect: 'postgresql' | 'mysql' = 'postgresql') =>
  sqlDb([table('trades')], { statements, dialect });

describe('index-not-concurrent', () => {
  describe('valid', () => {
    it('written with CONCURRENTLY', () =>
      assert.equal(runRule(indexNotConcurrent, [dbWith([statement('createIndex', { table: 'trades', concurrently: true })])]).length, 0));
    it('on a table created earlier in the same migration', () =>
      assert.equal(runRule(indexNotConcurrent, [dbWith([statement('createIndex', { table: 'trades', tableCreatedInSameMigration: true })])]).length, 0));
    it('not Postgres', () => assert.equal(runRule(indexNotConcurrent, [dbWith([statement('createIndex', { table: 'trades' })], 'mysql')]).length, 0));
    it('other statements', () => assert.equal(runRule(indexNotConcurrent, [dbWith([statement('addForeignKey', { table: 'trades' })])]).length, 0));
    it('on a partitioned table: Postgres refuses CONCURRENTLY there', () => {
      const db = sqlDb([{ ...table('events'), partitioned: true }], { statements: [statement('createIndex', { table: 'events' }), statement('createIndex', { table: 'events', only: true })] });
      assert.equal(runRule(indexNotConcurrent, [db]).length, 0);
    });
    it('in a drizzle-kit history: every pending migration runs in one transaction, CONCURRENTLY cannot run', () =>
      assert.equal(runRule(indexNotConcurrent, [dbWith([statement('createIndex', { table: 'trades', migration: migration({ transactional: true, allPendingInOneTransaction: true }) })])]).length, 0));
  });

  describe('invalid', () => {
    it('in the newest applied migration: offered as unsafe, "only if it has not been deployed yet"', () => {
      const s = statement('createIndex', { table: 'trades', migration: migration({ transactional: false, applied: true, latest: true }) });
      const report = single(runRule(indexNotConcurrent, [dbWith([s])]));
      assert.deepEqual(fixSummary(report), [
        { title: 'Add CONCURRENTLY to this migration (only if it has not been deployed yet)', safety: 'unsafe', kind: 'addConcurrently', preferred: false },
      ]);
    });

    it('outside a transaction, not applied yet: safe, preferred "Add CONCURRENTLY"', () => {
      const s = statement('createIndex', { table: 'trades', columns: ['strategy_id'], migration: migration({ transactional: false, applied: false }) });
      const db = dbWith([s]);
      const report = single(runRule(indexNotConcurrent, [db]));
      assert.equal(
        report.message,
        'CREATE INDEX on existing table trades without CONCURRENTLY takes a SHARE lock: every insert, update and delete on trades waits until the whole index is built, minutes on a large table.',
      );
      assert.deepEqual(report.loc, s.loc);
      assert.deepEqual(fixSummary(report), [{ title: 'Add CONCURRENTLY', safety: 'safe', kind: 'addConcurrently', preferred: true }]);
      assert.deepEqual(report.fixes![0].intent, { kind: 'addConcurrently', database: db, statement: s });
    });

    it('in a transactional migration (Prisma migrate): offered, goes into a migration of its own, not preferred', () => {
      const s = statement('createIndex', { table: 'trades', migration: migration({ transactional: true }) });
      const report = single(runRule(indexNotConcurrent, [dbWith([s])]));
      assert.deepEqual(fixSummary(report), [
        {
          title: 'Create the index CONCURRENTLY in a migration of its own (this migration runs in a transaction)',
          safety: 'unsafe',
          kind: 'addConcurrently',
          preferred: false,
        },
      ]);
    });

    it('inside an explicit BEGIN … COMMIT', () => {
      const s = statement('createIndex', { table: 'trades', inExplicitTransaction: true });
      assert.equal(single(runRule(indexNotConcurrent, [dbWith([s])])).fixes![0].safety, 'unsafe');
    });
  });
});
