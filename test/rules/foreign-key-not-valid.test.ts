import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { foreignKeyNotValid } from '../../rules/migrations/foreign-key-not-valid';
import { column, fk, migration, sqlDb, statement, table } from '../helpers/model';
import { fixSummary, runRule, single } from '../helpers/run-rule';

describe('foreign-key-not-valid', () => {
  describe('valid', () => {
    it('NOT VALID written', () => {
      const db = sqlDb([table('trades')], { statements: [statement('addForeignKey', { table: 'trades', notValid: true })] });
      assert.equal(runRule(foreignKeyNotValid, [db]).length, 0);
    });
    it('table created in the same migration', () => {
      const db = sqlDb([table('trades')], { statements: [statement('addForeignKey', { table: 'trades', tableCreatedInSameMigration: true })] });
      assert.equal(runRule(foreignKeyNotValid, [db]).length, 0);
    });
    it('SQLite', () => {
      const db = sqlDb([table('trades')], { dialect: 'sqlite', statements: [statement('addForeignKey', { table: 'trades' })] });
      assert.equal(runRule(foreignKeyNotValid, [db]).length, 0);
    });
  });

  describe('invalid', () => {
    it('in the newest applied migration: offered as unsafe, "only if it has not been deployed yet"', () => {
      const s = statement('addForeignKey', { table: 'trades', columns: ['strategy_id'], migration: migration({ applied: true, latest: true }) });
      const db = sqlDb([table('strategies'), table('trades', { columns: [column('strategy_id', 'int')], foreignKeys: [fk(['strategy_id'], 'strategies')] })], { statements: [s] });
      assert.deepEqual(fixSummary(single(runRule(foreignKeyNotValid, [db]))), [
        { title: 'Add NOT VALID, then VALIDATE CONSTRAINT, to this migration (only if it has not been deployed yet)', safety: 'unsafe', kind: 'addNotValid', preferred: false },
      ]);
    });

    it('names both locked tables, safe preferred addNotValid', () => {
      const s = statement('addForeignKey', { table: 'trades', columns: ['strategy_id'], migration: migration({ applied: false }) });
      const db = sqlDb(
        [table('strategies'), table('trades', { columns: [column('strategy_id', 'int')], foreignKeys: [fk(['strategy_id'], 'strategies')] })],
        { statements: [s] },
      );
      const report = single(runRule(foreignKeyNotValid, [db]));
      assert.equal(
        report.message,
        'Adding a foreign key to existing table trades without NOT VALID takes SHARE ROW EXCLUSIVE locks on trades and strategies and scans all of trades to validate it: writes to both wait meanwhile.',
      );
      assert.deepEqual(report.loc, s.loc);
      assert.deepEqual(fixSummary(report), [
        { title: 'Add NOT VALID, then VALIDATE CONSTRAINT in a separate statement', safety: 'safe', kind: 'addNotValid', preferred: true },
      ]);
      assert.deepEqual(report.fixes![0].intent, { kind: 'addNotValid', database: db, statement: s });
    });

    it('NOT VALID then VALIDATE in the same transaction: reported on the VALIDATE, which moves to a new migration', () => {
      const m = migration({ applied: true, latest: true, transactional: true });
      const validate = statement('other', { table: 'trades', line: 2, migration: m });
      const add = statement('addForeignKey', { table: 'trades', columns: ['strategy_id'], notValid: true, validatedBy: validate, migration: m });
      const db = sqlDb([table('strategies'), table('trades', { columns: [column('strategy_id', 'int')], foreignKeys: [fk(['strategy_id'], 'strategies')] })], { statements: [add, validate] });
      const report = single(runRule(foreignKeyNotValid, [db]));
      assert.deepEqual(report.loc, validate.loc);
      assert.match(report.message, /^VALIDATE CONSTRAINT runs in the same transaction as the ADD CONSTRAINT … NOT VALID before it \(this migration runs as one transaction\): the SHARE ROW EXCLUSIVE locks the ADD took on trades and strategies are held/);
      assert.deepEqual(fixSummary(report), [{ title: 'Move VALIDATE CONSTRAINT to a new migration (only if this one has not been deployed yet)', safety: 'unsafe', kind: 'moveToOwnMigration', preferred: false }]);
      // An older migration already ran: the finding stays, without a fix.
      const old = migration({ applied: true, latest: false, transactional: true });
      const v2 = statement('other', { table: 'trades', line: 2, migration: old });
      const db2 = sqlDb(db.tables, { statements: [statement('addForeignKey', { table: 'trades', columns: ['strategy_id'], notValid: true, validatedBy: v2, migration: old }), v2] });
      assert.deepEqual(fixSummary(single(runRule(foreignKeyNotValid, [db2]))), []);
      // Validated in a later transaction: nothing to say.
      assert.equal(runRule(foreignKeyNotValid, [sqlDb(db.tables, { statements: [statement('addForeignKey', { table: 'trades', notValid: true })] })]).length, 0);
    });

    it('in a migration run as one transaction, VALIDATE goes after it: the title says so', () => {
      const s = statement('addForeignKey', { table: 'trades', columns: ['strategy_id'], migration: migration({ applied: true, latest: true, transactional: true }) });
      const db = sqlDb([table('strategies'), table('trades', { columns: [column('strategy_id', 'int')], foreignKeys: [fk(['strategy_id'], 'strategies')] })], { statements: [s] });
      assert.deepEqual(fixSummary(single(runRule(foreignKeyNotValid, [db]))).map((f) => f.title), ['Add NOT VALID to this migration and VALIDATE CONSTRAINT after its transaction (only if it has not been deployed yet)']);
    });

    it('a self-reference locks one table, and says so', () => {
      const s = statement('addForeignKey', { table: 'User', columns: ['invitedById'] });
      const db = sqlDb([table('User', { columns: [column('invitedById', 'int')], foreignKeys: [fk(['invitedById'], 'User')] })], { statements: [s] });
      assert.equal(single(runRule(foreignKeyNotValid, [db])).message, 'Adding a foreign key to existing table User without NOT VALID takes a SHARE ROW EXCLUSIVE lock on User and scans all of User to validate it: writes to it wait meanwhile.');
    });

    it('referenced table unknown to the model: says so generically', () => {
      const db = sqlDb([table('trades')], { statements: [statement('addForeignKey', { table: 'trades', columns: ['x_id'] })] });
      assert.match(single(runRule(foreignKeyNotValid, [db])).message, /on trades and the referenced table/);
    });
  });
});
