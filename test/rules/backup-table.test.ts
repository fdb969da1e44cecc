import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { backupTable } from '../../rules/migrations/backup-table';
import { column, fk, prismaDb, sqlDb, table } from '../helpers/model';
import { runRule } from '../helpers/run-rule';

const names = (reports: ReturnType<typeof runRule>) => reports.map((r) => r.message.split(' ')[1]);

describe('backup-table', () => {
  describe('valid', () => {
    it('real tables that merely contain the words', () => {
      const db = sqlDb([
        table('backup_logs', { columns: [column('started_at', 'datetime'), column('status', 'string')] }),
        table('logs', { columns: [column('message', 'string')] }),
        table('database_backups'),
        table('holdout'),
        table('products', { columns: [column('old_price', 'decimal')] }),
        table('backups'),
        table('sensor_temp'),
        table('temp_readings'),
      ]);
      assert.deepEqual(runRule(backupTable, [db]), []);
    });
    it('Prisma model Holdout and BackupJob', () => {
      assert.deepEqual(runRule(backupTable, [prismaDb([table('Holdout'), table('BackupJob'), table('Job')])]), []);
    });
    it('daily partitions are not backups', () => {
      const db = sqlDb([table('logs'), table('logs_20240115'), table('logs_20240116'), table('logs_20240117')]);
      assert.deepEqual(runRule(backupTable, [db]), []);
    });
    it('a table other tables reference is in use', () => {
      const db = sqlDb([table('orders'), table('orders_old'), table('refunds', { columns: [column('order_id', 'int')], foreignKeys: [fk(['order_id'], 'orders_old')] })]);
      assert.deepEqual(runRule(backupTable, [db]), []);
    });
    it('_old without the original table', () => assert.deepEqual(runRule(backupTable, [sqlDb([table('users_old')])]), []));
  });

  describe('invalid', () => {
    it('seed 004: *_backup tables, on the name, with the original as related', () => {
      const original = table('chat_messages');
      const copy = table('chat_messages_backup');
      const reports = runRule(backupTable, [sqlDb([original, copy, table('voice_notes_backup')])]);
      assert.deepEqual(names(reports), ['chat_messages_backup', 'voice_notes_backup']);
      assert.deepEqual(reports[0].loc, copy.nameLoc);
      assert.equal(
        reports[0].message,
        "Table chat_messages_backup looks like a leftover copy of chat_messages: it takes disk and backup time, drifts from the real table's constraints, and invites reads of stale data. Drop it once its data is no longer needed.",
      );
      assert.deepEqual(reports[0].related, [{ loc: original.nameLoc, message: 'Original table chat_messages' }]);
      assert.equal(reports[1].related, undefined);
      assert.equal(reports[0].fixes, undefined);
    });
    it('a dated backup (payments_backup_20240201, orders_old_2024_01_15) is a backup of the undated table', () => {
      const db = sqlDb([table('payments'), table('payments_backup_20240201'), table('orders'), table('orders_old_2024_01_15')]);
      const reports = runRule(backupTable, [db]);
      assert.deepEqual(names(reports), ['payments_backup_20240201', 'orders_old_2024_01_15']);
      assert.match(reports[0].message, /leftover copy of payments:/);
    });
    it('a year or a number after the suffix (orders_backup_2024, users_old_2, explore-prisma3/shop) is still a backup', () => {
      const db = sqlDb([table('orders'), table('orders_backup_2024'), table('users'), table('users_old_2')]);
      assert.deepEqual(names(runRule(backupTable, [db])), ['orders_backup_2024', 'users_old_2']);
      // A number alone is not a suffix: `report_2024` next to `report` is not reported (not a date).
      assert.deepEqual(runRule(backupTable, [sqlDb([table('reports'), table('reports_2024')])]), []);
    });
    it('suffixes and dates with the original present', () => {
      const db = sqlDb([
        table('users'),
        table('users_old'),
        table('orders'),
        table('orders_copy'),
        table('orders_bak'),
        table('events'),
        table('events_20240115'),
        table('payments'),
        table('payments_2023_12_31'),
      ]);
      assert.deepEqual(names(runRule(backupTable, [db])), ['users_old', 'orders_copy', 'orders_bak', 'events_20240115', 'payments_2023_12_31']);
    });
    it('Prisma UserBackup, and backup_<table> mirroring the original columns', () => {
      const cols = () => [column('email', 'string'), column('name', 'string')];
      const reports = runRule(backupTable, [
        prismaDb([table('User', { columns: cols() }), table('UserBackup'), table('backup_users', { columns: cols() })]),
      ]);
      assert.deepEqual(names(reports), ['UserBackup', 'backup_users']);
    });
  });
});
