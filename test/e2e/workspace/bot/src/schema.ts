import { index, integer, numeric, pgTable, serial, text, timestamp } from 'drizzle-orm/pg-core';

export const strategies = pgTable('strategies', {
  id: serial('id').primaryKey(),
  name: text('name').notNull(),
  createdAt: timestamp('created_at').defaultNow().notNull(),
});

export const trades = pgTable(
  'trades',
  {
    id: serial('id').primaryKey(),
    strategyId: integer('strategy_id').notNull().references(() => strategies.id),
    symbol: text('symbol').notNull(),
    quantity: numeric('quantity', { precision: 18, scale: 8 }).notNull(),
    openedAt: timestamp('opened_at').defaultNow().notNull(),
  },
  (table) => [index('trades_symbol_idx').on(table.symbol)],
);
