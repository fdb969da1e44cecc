import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { setNullOnNotNull } from '../../rules/relations/set-null-on-not-null';
import { column, drizzleDb, fk, prismaDb, sqlDb, table } from '../helpers/model';
import { fixSummary, runRule, single } from '../helpers/run-rule';

function trades(nullable: boolean, onDelete: 'SetNull' | 'Cascade' = 'SetNull') {
  const relation = fk(['strategy_id'], 'strategies', ['id'], { onDelete });
  const strategyId = column('strategy_id', 'int', { nullable });
  return { relation, strategyId, strategies: table('strategies'), trades: table('trades', { columns: [strategyId], foreignKeys: [relation] }) };
}

describe('set-null-on-not-null', () => {
  describe('valid', () => {
    it('SET NULL on a nullable column', () => {
      const t = trades(true);
      assert.equal(runRule(setNullOnNotNull, [sqlDb([t.strategies, t.trades])]).length, 0);
    });
    it('CASCADE on a NOT NULL column', () => {
      const t = trades(false, 'Cascade');
      assert.equal(runRule(setNullOnNotNull, [sqlDb([t.strategies, t.trades])]).length, 0);
    });
    it('leaves Prisma to its own validation', () => {
      const t = trades(false);
      assert.equal(runRule(setNullOnNotNull, [prismaDb([t.strategies, t.trades])]).length, 0);
    });
  });

  describe('invalid', () => {
    it('SQL: reports on the foreign key with three unsafe fixes', () => {
      const t = trades(false);
      const db = sqlDb([t.strategies, t.trades]);
      const report = single(runRule(setNullOnNotNull, [db]));
      assert.equal(
        report.message,
        'ON DELETE SET NULL on NOT NULL column trades.strategy_id: deleting a strategies row that trades rows reference fails with a not-null violation instead of clearing the reference.',
      );
      assert.deepEqual(report.loc, t.relation.loc);
      assert.deepEqual(fixSummary(report), [
        { title: 'Drop NOT NULL on strategy_id', safety: 'unsafe', kind: 'makeNullable', preferred: false },
        { title: 'Recreate the foreign key trades (strategy_id) with ON DELETE CASCADE', safety: 'unsafe', kind: 'setOnDelete', preferred: false },
        { title: 'Recreate the foreign key trades (strategy_id) with ON DELETE RESTRICT', safety: 'unsafe', kind: 'setOnDelete', preferred: false },
      ]);
      const [nullable, cascade, restrict] = report.fixes!.map((f) => f.intent);
      assert.deepEqual(nullable, { kind: 'makeNullable', database: db, table: t.trades, column: t.strategyId });
      assert.deepEqual(cascade, { kind: 'setOnDelete', database: db, table: t.trades, foreignKey: t.relation, action: 'Cascade' });
      assert.deepEqual(restrict, { kind: 'setOnDelete', database: db, table: t.trades, foreignKey: t.relation, action: 'Restrict' });
    });

    it('records to keep are not offered a cascade (cascade-deletes-records would report it); their own log is', () => {
      const audit = fk(['user_id'], 'users', ['id'], { onDelete: 'SetNull' });
      const userId = column('user_id', 'int');
      const db = sqlDb([table('users'), table('account_audit_log', { columns: [userId], foreignKeys: [audit] })]);
      assert.deepEqual(single(runRule(setNullOnNotNull, [db])).fixes!.map((f) => f.title), [
        'Drop NOT NULL on user_id',
        'Recreate the foreign key account_audit_log (user_id) with ON DELETE RESTRICT',
      ]);
      const own = fk(['job_id'], 'jobs', ['id'], { onDelete: 'SetNull' });
      const jobLogs = sqlDb([table('jobs'), table('job_logs', { columns: [column('job_id', 'int')], foreignKeys: [own] })]);
      assert.deepEqual(single(runRule(setNullOnNotNull, [jobLogs])).fixes!.map((f) => f.intent.kind === 'setOnDelete' && f.intent.action), [false, 'Cascade', 'Restrict']);
    });

    it('Drizzle: titles in Drizzle', () => {
      const t = trades(false);
      const report = single(runRule(setNullOnNotNull, [drizzleDb([t.strategies, t.trades])]));
      assert.deepEqual(report.fixes!.map((f) => f.title), ['Remove .notNull() from strategy_id', 'Set { onDelete: "cascade" }', 'Set { onDelete: "restrict" }']);
    });

    it('composite key with two NOT NULL columns: no makeNullable (SET NULL clears them all; one alone fixes nothing), the actions only', () => {
      const relation = fk(['tenant_id', 'user_id', 'team_id'], 'memberships', ['tenant_id', 'user_id', 'team_id'], { onDelete: 'SetNull' });
      const db = sqlDb([
        table('memberships'),
        table('grants', {
          columns: [column('tenant_id', 'int'), column('user_id', 'int'), column('team_id', 'int', { nullable: true })],
          foreignKeys: [relation],
        }),
      ]);
      const report = single(runRule(setNullOnNotNull, [db]));
      assert.match(report.message, /NOT NULL columns grants\.tenant_id, grants\.user_id:/);
      assert.deepEqual(report.fixes!.filter((f) => f.intent.kind === 'makeNullable'), []);
      assert.deepEqual(report.fixes!.map((f) => f.intent.kind === 'setOnDelete' && f.intent.action), ['Cascade', 'Restrict']);
    });

    it('composite key with one NOT NULL column: makeNullable on that one', () => {
      const relation = fk(['tenant_id', 'team_id'], 'teams', ['tenant_id', 'id'], { onDelete: 'SetNull' });
      const db = sqlDb([table('teams'), table('grants', { columns: [column('tenant_id', 'int', { nullable: true }), column('team_id', 'int')], foreignKeys: [relation] })]);
      const report = single(runRule(setNullOnNotNull, [db]));
      assert.deepEqual(
        report.fixes!.filter((f) => f.intent.kind === 'makeNullable').map((f) => f.intent.kind === 'makeNullable' && f.intent.column.name),
        ['team_id'],
      );
    });
  });
});
