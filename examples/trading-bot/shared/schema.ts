import { integer, numeric, pgTable, text, timestamp, uuid, varchar } from 'drizzle-orm/pg-core';

export const strategies = pgTable('strategies', {
  id: uuid('id').primaryKey().defaultRandom(),
  name: text('name').notNull(),
  status: varchar('status', { length: 20 }).notNull().default('active'),
  lastTradeAt: timestamp('last_trade_at'),
});

export const trades = pgTable('trades', {
  id: uuid('id').primaryKey().defaultRandom(),
  strategyId: uuid('strategy_id').references(() => strategies.id),
  symbol: text('symbol').notNull(),
  side: text('side').notNull(),
  quantity: numeric('quantity').notNull(),
  price: numeric('price').notNull(),
  executedAt: timestamp('executed_at').notNull().defaultNow(),
});

export const positions = pgTable('positions', {
  id: uuid('id').primaryKey().defaultRandom(),
  symbol: text('symbol').notNull().unique(),
  quantity: numeric('quantity').notNull(),
  entryPrice: numeric('entry_price').notNull(),
  currentPrice: numeric('current_price'),
  unrealizedPnl: numeric('unrealized_pnl'),
  side: text('side').notNull(),
});

export const auditLogs = pgTable('audit_logs', {
  id: uuid('id').primaryKey().defaultRandom(),
  action: text('action').notNull(),
  resource: text('resource').notNull(),
  resourceId: text('resource_id').notNull(),
  createdAt: timestamp('created_at').notNull().defaultNow(),
});

export const aiDecisions = pgTable('ai_decisions', {
  id: uuid('id').primaryKey().defaultRandom(),
  strategyId: uuid('strategy_id').references(() => strategies.id),
  symbol: text('symbol').notNull(),
  confidence: integer('confidence').notNull(),
  createdAt: timestamp('created_at').notNull().defaultNow(),
});

export type Strategy = typeof strategies.$inferSelect;
export type InsertStrategy = typeof strategies.$inferInsert;
export type Position = typeof positions.$inferSelect;
export type InsertAuditLog = typeof auditLogs.$inferInsert;
