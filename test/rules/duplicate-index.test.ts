import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { duplicateIndex } from '../../rules/indexes/duplicate-index';
import type { Index } from '../../rules/model';
import { column, drizzleDb, index, pk, prismaDb, sqlDb, table, unique } from '../helpers/model';
import { fixSummary, runRule, single } from '../helpers/run-rule';

const cols = [column('a', 'int'), column('b', 'int'), column('c', 'int')];
const run = (indexes: Index[], primaryKey?: Index) => runRule(duplicateIndex, [prismaDb([table('T', { columns: cols, indexes, primaryKey })])]);

describe('duplicate-index', () => {
  describe('valid', () => {
    it('different leading columns', () => assert.equal(run([index(['a']), index(['b', 'a'])]).length, 0));
    it('a unique index is not redundant to a plain one on the same columns (the plain one is)', () => {
      const plain = index(['a']);
      const reports = run([unique(['a']), plain]);
      assert.deepEqual(reports.map((r) => r.loc), [plain.loc]);
    });
    it('a unique prefix of a longer index still enforces something', () => assert.equal(run([unique(['a']), index(['a', 'b'])]).length, 0));
    it('partial indexes are left alone', () => assert.equal(run([index(['a'], { partial: true }), index(['a', 'b'])]).length, 0));
    it('the primary key is never the redundant one', () => assert.equal(run([unique(['a', 'b'])], pk(['a'])).length, 0));
  });

  describe('invalid', () => {
    it('plain index that is a leading prefix of a composite unique', () => {
      const redundant = index(['a']);
      const covering = unique(['a', 'b']);
      const t = table('T', { columns: cols, indexes: [redundant, covering] });
      const db = prismaDb([t]);
      const report = single(runRule(duplicateIndex, [db]));
      assert.equal(
        report.message,
        'The index on (a) of T is redundant: the unique index on (a, b) already serves lookups by these leading columns. Every write pays to maintain both, and the extra index costs disk and cache.',
      );
      assert.deepEqual(report.loc, redundant.loc);
      assert.deepEqual(fixSummary(report), [{ title: 'Remove @@index([a])', safety: 'unsafe', kind: 'dropIndex', preferred: false }]);
      assert.deepEqual(report.fixes![0].intent, { kind: 'dropIndex', database: db, table: t, index: redundant });
      assert.deepEqual(report.related, [{ loc: covering.loc, message: 'Covered by the unique index on (a, b)' }]);
    });

    it('two identical plain indexes: the later one', () => {
      const first = index(['a', 'b']);
      const second = index(['a', 'b']);
      const report = single(run([first, second]));
      assert.deepEqual(report.loc, second.loc);
      assert.match(report.message, /already enforces and serves the same columns/);
    });

    it('identical unique constraints: the later one', () => {
      const second = unique(['a', 'b']);
      assert.deepEqual(single(run([unique(['a', 'b']), second])).loc, second.loc);
    });

    it('a unique constraint on exactly the primary key', () => {
      const u = unique(['id']);
      assert.deepEqual(single(runRule(duplicateIndex, [prismaDb([table('T', { indexes: [u] })])])).loc, u.loc);
    });

    it('a plain index on the primary key column', () => {
      const i = index(['id']);
      assert.match(single(runRule(duplicateIndex, [sqlDb([table('t', { indexes: [i] })])])).message, /the primary key on \(id\)/);
    });

    it('SQL and Drizzle titles name the index', () => {
      const i = () => index(['a'], { name: 'trades_a_idx' });
      const t = () => table('trades', { columns: cols, indexes: [i(), unique(['a', 'b'], { name: 'trades_a_b_key' })] });
      assert.equal(single(runRule(duplicateIndex, [sqlDb([t()])])).fixes![0].title, 'Drop index trades_a_idx');
      assert.equal(single(runRule(duplicateIndex, [drizzleDb([t()])])).fixes![0].title, 'Remove index("trades_a_idx")');
    });
  });
});
