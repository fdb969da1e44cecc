import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { concurrentIndexInTransaction } from '../../rules/migrations/concurrent-index-in-transaction';
import { migration, sqlDb, statement, table } from '../helpers/model';
import { fixSummary, runRule, single } from '../helpers/run-rule';

describe('concurrent-index-in-transaction', () => {
  describe('valid', () => {
    it('CONCURRENTLY in a migration that runs outside a transaction', () => {
      const db = sqlDb([table('trades')], { statements: [statement('createIndex', { concurrently: true, migration: migration({ transactional: false }) })] });
      assert.equal(runRule(concurrentIndexInTransaction, [db]).length, 0);
    });
    it('a plain CREATE INDEX in a transaction', () => {
      const db = sqlDb([table('trades')], { statements: [statement('createIndex', { migration: migration({ transactional: true }) })] });
      assert.equal(runRule(concurrentIndexInTransaction, [db]).length, 0);
    });
  });

  describe('invalid', () => {
    it('Prisma migrate wraps the migration: error, move it to its own migration (safe)', () => {
      const m = migration({ transactional: true });
      const create = statement('createTable', { migration: m, table: 'trades' });
      const s = statement('createIndex', { concurrently: true, table: 'trades', migration: m });
      const db = sqlDb([table('trades')], { statements: [create, s] });
      const report = single(runRule(concurrentIndexInTransaction, [db]));
      assert.equal(
        report.message,
        'CREATE INDEX CONCURRENTLY cannot run inside a transaction block and the migration runner wraps this migration in a transaction: Postgres rejects the statement and the migration fails at deploy time.',
      );
      assert.deepEqual(report.loc, s.loc);
      assert.deepEqual(fixSummary(report), [{ title: 'Move this statement to a migration of its own', safety: 'safe', kind: 'moveToOwnMigration', preferred: true }]);
      assert.deepEqual(report.fixes![0].intent, { kind: 'moveToOwnMigration', database: db, statement: s });
    });

    it('explicit BEGIN … COMMIT', () => {
      const m = migration({ transactional: false });
      const s = statement('createIndex', { concurrently: true, inExplicitTransaction: true, migration: m });
      const db = sqlDb([table('trades')], { statements: [statement('other', { migration: m }), s] });
      assert.match(single(runRule(concurrentIndexInTransaction, [db])).message, /it sits between BEGIN and COMMIT/);
    });

    it('alone in its migration: reported, but moving it would change nothing, so no fix', () => {
      const s = statement('createIndex', { concurrently: true, migration: migration({ transactional: true, file: '/repo/m/2/migration.sql' }) });
      const other = statement('createIndex', { migration: migration({ file: '/repo/m/1/migration.sql' }) });
      const report = single(runRule(concurrentIndexInTransaction, [sqlDb([table('t')], { statements: [other, s] })]));
      assert.deepEqual(report.fixes, []);
    });
  });
});
