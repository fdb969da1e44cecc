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

    it('referenced table unknown to the model: says so generically', () => {
      const db = sqlDb([table('trades')], { statements: [statement('addForeignKey', { table: 'trades', columns: ['x_id'] })] });
      assert.match(single(runRule(foreignKeyNotValid, [db])).message, /on trades and the referenced table/);
    });
  });
});
