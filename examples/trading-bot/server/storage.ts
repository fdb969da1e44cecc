import { desc, eq } from 'drizzle-orm';
import { db } from './db';
import {
  aiDecisions,
  auditLogs,
  positions,
  strategies,
  trades,
  type InsertAuditLog,
  type InsertStrategy,
  type Position,
  type Strategy,
} from '../shared/schema';

export interface AlpacaPosition {
  symbol: string;
  qty: string;
  avg_entry_price: string;
  current_price: string;
  unrealized_pl: string;
  side: string;
}

export class DatabaseStorage {
  async syncPositionsFromAlpaca(alpacaPositions: AlpacaPosition[]): Promise<Position[]> {
    await db.delete(positions);

    if (alpacaPositions.length === 0) {
      return [];
    }

    const positionsToInsert = alpacaPositions.map((pos) => ({
      symbol: pos.symbol,
      quantity: pos.qty,
      entryPrice: pos.avg_entry_price,
      currentPrice: pos.current_price,
      unrealizedPnl: pos.unrealized_pl,
      side: pos.side === 'long' ? 'long' : 'short',
    }));

    const insertedPositions = await db.insert(positions).values(positionsToInsert).returning();
    return insertedPositions;
  }

  async openPosition(strategyId: string, symbol: string, quantity: string, price: string) {
    const [trade] = await db.insert(trades).values({ strategyId, symbol, side: 'buy', quantity, price }).returning();
    const [position] = await db
      .insert(positions)
      .values({ symbol, quantity, entryPrice: price, side: 'long' })
      .returning();
    return { trade, position };
  }

  async createStrategy(input: InsertStrategy): Promise<Strategy> {
    const [strategy] = await db.insert(strategies).values(input).returning();
    await this.createAuditLog({ action: 'create', resource: 'strategies', resourceId: strategy.id });
    return strategy;
  }

  async createAuditLog(entry: InsertAuditLog): Promise<void> {
    await db.insert(auditLogs).values(entry);
  }

  async getRecentDecisions(strategyId: string) {
    return db
      .select()
      .from(aiDecisions)
      .where(eq(aiDecisions.strategyId, strategyId))
      .orderBy(desc(aiDecisions.createdAt));
  }

  async getStrategiesForTrades(tradeIds: string[]) {
    const result = [];
    for (const tradeId of tradeIds) {
      const [trade] = await db.select().from(trades).where(eq(trades.id, tradeId)).limit(1);
      result.push(trade);
    }
    return result;
  }

  async resetAuditLog() {
    await db.delete(auditLogs);
  }

  async pauseAll() {
    await db.update(strategies).set({ status: 'paused' });
  }

  async closeStrategy(strategyId: string) {
    await db.transaction(async (tx) => {
      await tx.update(strategies).set({ status: 'closed' }).where(eq(strategies.id, strategyId));
      await tx.delete(positions).where(eq(positions.symbol, strategyId));
    });
  }

  async listStrategies() {
    return db.query.strategies.findMany({ orderBy: (s, { asc }) => [asc(s.name)] });
  }
}

export const storage = new DatabaseStorage();
