import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { missingPrimaryKey } from '../../rules/indexes/missing-primary-key';
import { column, drizzleDb, prismaDb, sqlDb, table } from '../helpers/model';
import { runRule, single } from '../helpers/run-rule';

describe('missing-primary-key', () => {
  describe('valid', () => {
    it('a table with a primary key', () => assert.equal(runRule(missingPrimaryKey, [sqlDb([table('trades')])]).length, 0));
    it('a leftover backup copy (backup-table reports it)', () =>
      assert.equal(runRule(missingPrimaryKey, [sqlDb([table('payments'), table('payments_backup', { primaryKey: null })])]).length, 0));
    it('a view', () => assert.equal(runRule(missingPrimaryKey, [sqlDb([table('v_trades', { primaryKey: null, isView: true })])]).length, 0));
    it('a partition (it has its parent\'s key; a parent without one is reported once, on itself)', () => {
      const parent = { ...table('events', { primaryKey: null, columns: [column('id', 'int')], noId: true }), partitioned: true };
      const partition = { ...table('events_2024', { primaryKey: null, noId: true }), partitionOf: 'events' };
      assert.deepEqual(runRule(missingPrimaryKey, [sqlDb([parent, partition])]).map((r) => r.message.split(' ')[1]), ['events']);
      assert.equal(runRule(missingPrimaryKey, [sqlDb([{ ...table('events'), partitioned: true }, partition])]).length, 0);
    });
    it('Prisma is not reviewed (Prisma requires an id)', () =>
      assert.equal(runRule(missingPrimaryKey, [prismaDb([table('T', { primaryKey: null })])]).length, 0));
  });
  describe('invalid', () => {
    it('SQL table without a primary key: on its name, no fix', () => {
      const t = table('trade_logs', { noId: true, columns: [column('message', 'string')] });
      const report = single(runRule(missingPrimaryKey, [sqlDb([t])]));
      assert.deepEqual(report.loc, t.nameLoc);
      assert.match(report.message, /^Table trade_logs has no primary key: .*duplicates slip in.*logical replication/);
      assert.equal(report.fixes, undefined);
    });
    it('Drizzle too', () => {
      assert.equal(runRule(missingPrimaryKey, [drizzleDb([table('events', { primaryKey: null })])]).length, 1);
    });
  });
});
