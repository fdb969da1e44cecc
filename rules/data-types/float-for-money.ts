import type { Column } from '../model';
import type { Rule } from '../types';
import { words } from '../names';
import { changeColumnTypeTitle } from '../titles';
import { dialectHasDecimal } from './literals';

/** Words (camelCase/snake_case parts) that mean an amount of money. */
const MONEY = new Set([
  'price', 'prices', 'amount', 'amounts', 'cost', 'costs', 'balance', 'balances', 'total', 'subtotal', 'fee', 'fees',
  'salary', 'wage', 'wages', 'revenue', 'pnl', 'profit', 'payout', 'tax', 'discount', 'refund', 'income', 'expense',
  'expenses', 'budget', 'commission', 'deposit', 'withdrawal', 'earnings', 'spend', 'fare', 'payment', 'usd', 'eur',
  'gbp', 'cents', 'money', 'rebate', 'proceeds',
]);
// Left out on purpose: charge (battery), credit (game points), tip, premium, equity — too often not money.
/** Words that turn a money word into something else (`totalScore`, `taxRate`, `priceChangePct`). */
const NOT_MONEY = new Set([
  'count', 'score', 'ratio', 'rate', 'percent', 'percentage', 'pct', 'weight', 'distance', 'duration', 'time',
  'seconds', 'ms', 'lat', 'lng', 'latitude', 'longitude', 'quantity', 'qty', 'factor', 'multiplier', 'level', 'size',
  'volume', 'points', 'hours', 'minutes', 'days', 'percentile', 'bps', 'basis',
]);

export function meansMoney(column: Column): boolean {
  const ws = words(column.name);
  return ws.some((w) => MONEY.has(w)) && !ws.some((w) => NOT_MONEY.has(w));
}

export const floatForMoney: Rule = {
  meta: {
    id: 'float-for-money',
    category: 'data-types',
    defaultSeverity: 'warning',
    languages: ['prisma', 'drizzle', 'sql'],
    description: 'A floating-point column whose name says it holds money.',
    partition: 'table',
    fix: 'unsafe',
  },
  check(context) {
    for (const database of context.databases) {
      if (!floatForMoney.meta.languages.includes(database.language)) continue;
      const hasDecimal = dialectHasDecimal(database) && !(database.language === 'prisma' && database.dialect === 'mongodb');
      // Indexed loops over every table and column (see "Hot loops" in ../types.ts).
      const tables = database.tables;
      for (let t = 0; t < tables.length; t++) {
        const table = tables[t];
        if (table.isView) continue;
        const columns = table.columns;
        for (let c = 0; c < columns.length; c++) {
          const column = columns[c];
          if (column.type !== 'float' || !meansMoney(column)) continue;
          context.report({
            message:
              `${table.name}.${column.name} stores money as a binary float (${column.rawType}): 0.1 + 0.2 is not 0.3, so sums, ` +
              `comparisons and rounding drift by cents.` +
              (hasDecimal ? '' : ' This database has no exact decimal type: store integer minor units (cents) instead.'),
            loc: column.loc,
            fixes: hasDecimal
              ? [
                  {
                    title: changeColumnTypeTitle(database, column, 'decimal'),
                    safety: 'unsafe',
                    intent: { kind: 'changeColumnType', database, table, column, to: 'decimal' },
                  },
                ]
              : [],
          });
        }
      }
    }
  },
};
