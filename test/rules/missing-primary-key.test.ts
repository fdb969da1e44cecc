import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { missingPrimaryKey } from '../../rules/indexes/missing-primary-key';
import { column, drizzleDb, prismaDb, sqlDb, table, unique } from '../helpers/model';
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
    it('a unique key on NOT NULL columns identifies rows (taxonomy verification_tokens, a Prisma migration)', () => {
      // CREATE TABLE verification_tokens (identifier … NOT NULL, token … NOT NULL, UNIQUE INDEX (token), …): no
      // duplicates slip in and every row has its key. MySQL's InnoDB clusters the table on that index itself.
      const tokens = () =>
        table('verification_tokens', {
          primaryKey: null,
          noId: true,
          columns: [column('identifier', 'string'), column('token', 'string'), column('expires', 'datetime')],
          indexes: [unique(['token']), unique(['identifier', 'token'])],
        });
      assert.equal(runRule(missingPrimaryKey, [sqlDb([tokens()], { dialect: 'mysql' })]).length, 0);
      assert.equal(runRule(missingPrimaryKey, [sqlDb([tokens()], { dialect: 'sqlite' })]).length, 0);
      // Postgres replicates updates and deletes by the primary key unless told to use that index.
      const report = single(runRule(missingPrimaryKey, [sqlDb([tokens()], { dialect: 'postgresql' })]));
      assert.doesNotMatch(report.message, /duplicates slip in|nothing identifies/);
      assert.equal(
        report.message,
        'Table verification_tokens has no primary key: its unique key (token) identifies rows, but logical replication cannot replicate its updates and deletes (it uses the primary key unless REPLICA IDENTITY USING INDEX names another).',
      );
      // A unique key on a nullable column, or a partial one, does not identify every row.
      const nullable = table('t', { primaryKey: null, noId: true, columns: [column('code', 'string', { nullable: true })], indexes: [unique(['code'])] });
      assert.match(single(runRule(missingPrimaryKey, [sqlDb([nullable], { dialect: 'mysql' })])).message, /duplicates slip in/);
      const partial = table('t', { primaryKey: null, noId: true, columns: [column('code', 'string')], indexes: [unique(['code'], { partial: true })] });
      assert.match(single(runRule(missingPrimaryKey, [sqlDb([partial], { dialect: 'mysql' })])).message, /duplicates slip in/);
    });
    it('Drizzle too', () => {
      assert.equal(runRule(missingPrimaryKey, [drizzleDb([table('events', { primaryKey: null })])]).length, 1);
    });
  });
});
