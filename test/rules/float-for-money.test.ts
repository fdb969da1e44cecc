import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { floatForMoney } from '../../rules/data-types/float-for-money';
import type { Column } from '../../rules/model';
import { column, drizzleDb, prismaDb, sqlDb, table, type DatabaseOptions } from '../helpers/model';
import { fixSummary, runRule, single } from '../helpers/run-rule';

const review = (c: Column, options: DatabaseOptions = {}) => runRule(floatForMoney, [prismaDb([table('Order', { columns: [c] })], options)]);

describe('float-for-money', () => {
  describe('valid', () => {
    it('Decimal money', () => assert.deepEqual(review(column('totalPrice', 'decimal')), []));
    it('floats that are not money', () => {
      for (const name of ['totalScore', 'taxRate', 'priceChangePct', 'totalDistance', 'latitude', 'priceless_ratio', 'feedback', 'costume']) {
        assert.deepEqual(review(column(name, 'float')), [], name);
      }
    });
  });

  describe('invalid', () => {
    it('Prisma Float price: unsafe change to Decimal', () => {
      const price = column('totalPrice', 'float');
      const t = table('Order', { columns: [price] });
      const db = prismaDb([t]);
      const report = single(runRule(floatForMoney, [db]));
      assert.equal(
        report.message,
        'Order.totalPrice stores money as a binary float (Float): 0.1 + 0.2 is not 0.3, so sums, comparisons and rounding drift by cents.',
      );
      assert.deepEqual(report.loc, price.loc);
      assert.deepEqual(fixSummary(report), [{ title: 'Change totalPrice to Decimal', safety: 'unsafe', kind: 'changeColumnType', preferred: false }]);
      assert.deepEqual(report.fixes![0].intent, { kind: 'changeColumnType', database: db, table: t, column: price, to: 'decimal' });
    });

    it('money words in camel and snake case', () => {
      for (const name of ['amount', 'unit_price', 'pnl', 'realizedPnl', 'fee', 'account_balance', 'salary', 'payout_usd', 'discountAmount']) {
        assert.equal(review(column(name, 'float')).length, 1, name);
      }
    });

    it('SQL titles; SQLite has no exact decimal: no fix, says to use cents', () => {
      const c = () => column('price', 'float', { rawType: 'double precision' });
      assert.equal(single(runRule(floatForMoney, [sqlDb([table('trades', { columns: [c()] })])])).fixes![0].title, 'Change column price to numeric');
      assert.equal(single(runRule(floatForMoney, [drizzleDb([table('trades', { columns: [c()] })], { dialect: 'mysql' })])).fixes![0].title, 'Change price to decimal(…)');
      const sqlite = single(runRule(floatForMoney, [sqlDb([table('trades', { columns: [column('price', 'float', { rawType: 'REAL' })] })], { dialect: 'sqlite' })]));
      assert.deepEqual(sqlite.fixes, []);
      assert.match(sqlite.message, /store integer minor units \(cents\) instead/);
    });
  });
});
