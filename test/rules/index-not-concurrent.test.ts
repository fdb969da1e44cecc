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
    it('on a partitioned table: ON ONLY (instant), no partition yet, or only partitions made in the same migration (empty)', () => {
      const later = migration({ order: 2, file: '/repo/supabase/migrations/20260301000000_events_kind.sql' });
      const sameMigration = { ...table('events_2026_01', { migration: later }), partitionOf: 'events' };
      const statements = [statement('createIndex', { table: 'events', only: true, migration: later }), statement('createIndex', { table: 'events', migration: later })];
      const withOld = { ...table('events_2025_12', { migration: migration({ order: 0 }) }), partitionOf: 'events' };
      assert.equal(runRule(indexNotConcurrent, [sqlDb([{ ...table('events'), partitioned: true }], { statements })]).length, 0);
      assert.equal(runRule(indexNotConcurrent, [sqlDb([{ ...table('events'), partitioned: true }, sameMigration], { statements })]).length, 0);
      // The same statements once a partition of an earlier migration holds rows: only the one without ON ONLY.
      assert.equal(runRule(indexNotConcurrent, [sqlDb([{ ...table('events'), partitioned: true }, sameMigration, withOld], { statements })]).length, 1);
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

    it('on a partitioned table with partitions: it locks every partition; the fix is the ON ONLY route (addConcurrently)', () => {
      const m = (order: number) => migration({ order, file: `/repo/supabase/migrations/2026010${order}000000_m.sql` });
      const tables = [
        { ...table('events', { migration: m(0) }), partitioned: true },
        { ...table('events_2026_01', { migration: m(0) }), partitionOf: 'events' },
        // A partitioned partition: its own partitions are counted.
        { ...table('events_2026_02', { migration: m(1) }), partitionOf: 'events', partitioned: true },
        { ...table('events_2026_02_a', { migration: m(1) }), partitionOf: 'events_2026_02' },
        { ...table('events_2026_02_b', { migration: m(1) }), partitionOf: 'events_2026_02' },
        // Made by the index's own migration: empty, not counted.
        { ...table('events_2026_03', { migration: m(2) }), partitionOf: 'events' },
      ];
      const s = statement('createIndex', { table: 'events', columns: ['user_id'], migration: { ...m(2), transactional: true, latest: true } });
      const db = sqlDb(tables, { statements: [s] });
      const report = single(runRule(indexNotConcurrent, [db]));
      assert.equal(
        report.message,
        'CREATE INDEX on partitioned table events takes a SHARE lock on it and on each of its 3 partitions until the index is built on all of them: ' +
          'every insert, update and delete on events waits meanwhile, minutes on a large table. Postgres refuses CONCURRENTLY on a partitioned table: ' +
          "create the index ON ONLY events, build each partition's CONCURRENTLY, then ATTACH them.",
      );
      assert.deepEqual(fixSummary(report), [
        {
          title: 'Create it ON ONLY events, then CONCURRENTLY on each partition and ATTACH, in new migrations (only if this migration has not been deployed yet)',
          safety: 'unsafe',
          kind: 'addConcurrently',
          preferred: false,
        },
      ]);
      assert.deepEqual(report.fixes![0].intent, { kind: 'addConcurrently', database: db, statement: s });
    });

    it('inside an explicit BEGIN … COMMIT', () => {
      const s = statement('createIndex', { table: 'trades', inExplicitTransaction: true });
      assert.equal(single(runRule(indexNotConcurrent, [dbWith([s])])).fixes![0].safety, 'unsafe');
    });
  });
});
