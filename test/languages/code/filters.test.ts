import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { analyzeText, callAt } from './helpers';

const DRIZZLE_HEAD = `import { drizzle } from "drizzle-orm/node-postgres";
import { and, or, eq, gte, lte, inArray, desc, sql, type SQL } from "drizzle-orm";
import { trades } from "../shared/schema";
const db = drizzle(process.env.DATABASE_URL!);
`;
const PRISMA_HEAD = `import { PrismaClient, Prisma } from "@prisma/client";
const prisma = new PrismaClient();
`;

/** Line (1-based) of the first line containing `snippet`. */
function lineOf(text: string, snippet: string): number {
  const i = text.split('\n').findIndex((l) => l.includes(snippet));
  if (i < 0) throw new Error(`"${snippet}" not found`);
  return i + 1;
}

describe('code front-end: filter terms (DbCall.filterTerms)', () => {
  it('seed 002 getTradesFiltered: conditions pushed under ifs, spread into and(...) through a whereClause', () => {
    const text = `${DRIZZLE_HEAD}
export async function getTradesFiltered(filters: { symbol?: string; strategyId?: string; startDate?: Date; endDate?: Date }) {
  const conditions: any[] = [];
  if (filters.symbol) {
    conditions.push(eq(trades.symbol, filters.symbol));
  }
  if (filters.strategyId) conditions.push(eq(trades.strategyId, filters.strategyId));
  if (filters.startDate) conditions.push(gte(trades.executedAt, filters.startDate));
  if (filters.endDate) conditions.push(lte(trades.executedAt, filters.endDate));
  conditions.push(sql\`CAST(\${trades.pnl} AS numeric) >= 0\`);
  const whereClause = conditions.length > 0 ? and(...conditions) : undefined;
  return db.select().from(trades).where(whereClause).orderBy(desc(trades.executedAt)).limit(50);
}
`;
    const { file } = analyzeText(text);
    const call = callAt(file!, lineOf(text, 'return db.select()'), 'select');
    assert.deepEqual(call.filterTerms, [
      { column: 'symbol', op: 'eq', table: 'trades', conditional: true },
      { column: 'strategyId', op: 'eq', table: 'trades', conditional: true },
      { column: 'executedAt', op: 'range', table: 'trades', conditional: true },
    ]);
    // No condition is applied on every run: the query is no point lookup and filters by nothing for sure.
    assert.deepEqual(call.filterColumns, []);
    assert.equal(call.filterByList, undefined);
    assert.deepEqual(call.orderColumns, ['executedAt']);
  });

  it('initialiser elements and unconditional pushes are applied on every run; .where(and(...xs)) directly', () => {
    const text = `${DRIZZLE_HEAD}
export async function openTrades(userId: string, status?: string, ids?: string[]) {
  const conditions: SQL[] = [eq(trades.userId, userId)];
  conditions.push(inArray(trades.id, ids ?? []));
  if (status) conditions.push(eq(trades.status, status));
  return db.select().from(trades).where(and(...conditions));
}
export async function byLength(userId: string) {
  const conditions: SQL[] = [eq(trades.userId, userId)];
  return db.select().from(trades).where(conditions.length ? and(...conditions) : undefined);
}
`;
    const { file } = analyzeText(text);
    const open = callAt(file!, lineOf(text, 'where(and(...conditions))'), 'select');
    assert.deepEqual(open.filterTerms, [
      { column: 'userId', op: 'eq', table: 'trades' },
      { column: 'id', op: 'list', table: 'trades' },
      { column: 'status', op: 'eq', table: 'trades', conditional: true },
    ]);
    assert.deepEqual(open.filterColumns, ['userId', 'id']);
    assert.equal(open.filterByList, true, 'an inArray every run applies bounds the rows');
    const byLength = callAt(file!, lineOf(text, 'conditions.length ? and'), 'select');
    assert.deepEqual(byLength.filterTerms, [{ column: 'userId', op: 'eq', table: 'trades' }]);
    assert.deepEqual(byLength.filterColumns, ['userId']);
  });

  it('or(...) arms and a conditional inArray are conditional; pushes after the query and other functions do not count', () => {
    const text = `${DRIZZLE_HEAD}
export async function search(symbols: string[], side?: string) {
  const arms = [eq(trades.symbol, "SPY")];
  if (side) arms.push(eq(trades.side, side));
  const rows = await db.select().from(trades).where(or(...arms)).limit(10);
  arms.push(eq(trades.status, "open"));
  const listed: SQL[] = [];
  if (symbols.length) listed.push(inArray(trades.symbol, symbols));
  return [rows, await db.select().from(trades).where(and(...listed))];
}
export async function elsewhere(arms: SQL[]) {
  return db.select().from(trades).where(and(...arms));
}
`;
    const { file } = analyzeText(text);
    const search = callAt(file!, lineOf(text, 'where(or(...arms))'), 'select');
    assert.deepEqual(search.filterTerms, [
      { column: 'symbol', op: 'eq', table: 'trades', conditional: true },
      { column: 'side', op: 'eq', table: 'trades', conditional: true },
    ]);
    const listed = callAt(file!, lineOf(text, 'where(and(...listed))'), 'select');
    assert.deepEqual(listed.filterTerms, [{ column: 'symbol', op: 'list', table: 'trades', conditional: true }]);
    assert.equal(listed.filterByList, undefined, 'the list is not applied on every run');
    const elsewhere = callAt(file!, lineOf(text, 'export async function elsewhere') + 1, 'select');
    assert.equal(elsewhere.filterTerms, undefined, 'a parameter is not followed');
  });

  it('Prisma: a where object built by property assignment; spreads and OR arms are conditional', () => {
    const text = `${PRISMA_HEAD}
export async function listTrades(symbol?: string, from?: Date) {
  const where: Prisma.TradeWhereInput = { userId: "u1" };
  if (symbol) where.symbol = symbol;
  where.executedAt = { gte: from };
  if (from) where.closedAt = {};
  return prisma.trade.findMany({ where, orderBy: { executedAt: "desc" }, take: 50 });
}
export async function literal(strategyId: string, status?: string) {
  return prisma.trade.findMany({
    where: { strategyId, executedAt: { lte: new Date() }, ...(status && { status }), OR: [{ symbol: "SPY" }, { side: { in: ["buy"] } }] },
  });
}
export async function removeAll() {
  const where = {};
  return prisma.trade.deleteMany({ where });
}
`;
    const { file } = analyzeText(text);
    const list = callAt(file!, lineOf(text, 'prisma.trade.findMany({ where,'), 'findMany');
    assert.deepEqual(list.filterTerms, [
      { column: 'userId', op: 'eq' },
      { column: 'symbol', op: 'eq', conditional: true },
      { column: 'executedAt', op: 'range' },
      { column: 'closedAt', op: 'other', conditional: true },
    ]);
    assert.deepEqual(list.filterColumns, ['userId', 'executedAt']);
    assert.deepEqual(list.orderColumns, ['executedAt']);
    const lit = callAt(file!, lineOf(text, 'export async function literal') + 1, 'findMany');
    assert.deepEqual(lit.filterTerms, [
      { column: 'strategyId', op: 'eq' },
      { column: 'executedAt', op: 'range' },
      { column: 'status', op: 'eq', conditional: true },
      { column: 'symbol', op: 'eq', conditional: true },
      { column: 'side', op: 'list', conditional: true },
    ]);
    assert.deepEqual(lit.filterColumns, ['strategyId', 'executedAt'], 'the literal filter columns are unchanged');
    const removeAll = callAt(file!, lineOf(text, 'prisma.trade.deleteMany'), 'deleteMany');
    assert.equal(removeAll.emptyWhere, undefined);
    assert.equal(removeAll.filterTerms, undefined);
  });

  it('a variable of the same name in an inner block is another variable: its pushes and assignments are not the filter', () => {
    const text = `${DRIZZLE_HEAD}
export async function drizzleShadow(userId: string, symbol?: string) {
  const conditions: SQL[] = [eq(trades.userId, userId)];
  if (symbol) {
    const conditions: SQL[] = [];
    conditions.push(eq(trades.status, "open"));
  }
  [symbol].forEach((s) => { if (s) conditions.push(eq(trades.symbol, s)); });
  return db.select().from(trades).where(and(...conditions));
}
`;
    const { file } = analyzeText(text);
    assert.deepEqual(callAt(file!, lineOf(text, 'return db.select()'), 'select').filterTerms, [
      { column: 'userId', op: 'eq', table: 'trades' },
      { column: 'symbol', op: 'eq', table: 'trades', conditional: true },
    ]);
    const prismaText = `${PRISMA_HEAD}
export async function prismaShadow(status?: string) {
  const where: Prisma.TradeWhereInput = { userId: "u1" };
  if (status) {
    const where: Prisma.TradeWhereInput = {};
    where.status = status;
  }
  return prisma.trade.findMany({ where });
}
`;
    const p = analyzeText(prismaText);
    assert.deepEqual(callAt(p.file!, lineOf(prismaText, 'return prisma.trade.findMany'), 'findMany').filterTerms, [{ column: 'userId', op: 'eq' }]);
  });

  it('Prisma: spreading the where object applies it; a value that may be undefined, or a reassignment that keeps the object, as Prisma reads them', () => {
    const text = `${PRISMA_HEAD}
export async function spread(userId: string) {
  const where: Prisma.TradeWhereInput = {};
  where.userId = userId;
  return prisma.trade.findMany({ where: { ...where, deletedAt: null } });
}
export async function maybe(userId: string, status?: string, side?: string) {
  return prisma.trade.findMany({ where: { userId, status: status ?? undefined, side: side ? { in: [side] } : undefined } });
}
export async function kept(userId: string, status?: string) {
  let where: Prisma.TradeWhereInput = { userId };
  if (status) where = { ...where, status };
  return prisma.trade.findMany({ where });
}
export async function insensitive(symbol: string) {
  return prisma.trade.findMany({ where: { symbol: { equals: symbol, mode: "insensitive" }, side: { equals: "buy", mode: "default" } } });
}
export async function pushed(strategyId: string, symbol?: string, from?: Date) {
  const and: Prisma.TradeWhereInput[] = [{ strategyId }];
  if (symbol) and.push({ symbol });
  if (from) and.push({ executedAt: { gte: from } });
  return prisma.trade.findMany({ where: { AND: and } });
}
`;
    const { file } = analyzeText(text);
    assert.deepEqual(callAt(file!, lineOf(text, '{ ...where, deletedAt: null }'), 'findMany').filterTerms, [
      { column: 'userId', op: 'eq' },
      { column: 'deletedAt', op: 'eq' },
    ]);
    assert.deepEqual(callAt(file!, lineOf(text, 'status ?? undefined'), 'findMany').filterTerms, [
      { column: 'userId', op: 'eq' },
      { column: 'status', op: 'eq', conditional: true },
      { column: 'side', op: 'list', conditional: true },
    ]);
    assert.deepEqual(callAt(file!, lineOf(text, 'export async function kept') + 3, 'findMany').filterTerms, [
      { column: 'userId', op: 'eq' },
      { column: 'status', op: 'eq', conditional: true },
    ]);
    // A case-insensitive comparison (ILIKE) is no equality a B-tree index serves.
    assert.deepEqual(callAt(file!, lineOf(text, 'mode: "insensitive"'), 'findMany').filterTerms, [
      { column: 'symbol', op: 'other' },
      { column: 'side', op: 'eq' },
    ]);
    // A Prisma list of conditions for AND, filled with push.
    assert.deepEqual(callAt(file!, lineOf(text, '{ where: { AND: and } }'), 'findMany').filterTerms, [
      { column: 'strategyId', op: 'eq' },
      { column: 'symbol', op: 'eq', conditional: true },
      { column: 'executedAt', op: 'range', conditional: true },
    ]);
  });
});

describe('code front-end: Drizzle relational `where` callbacks (real-world audit)', () => {
  const text = `${DRIZZLE_HEAD}
export async function ordersOf(userId: string) {
  return db.query.orders.findMany({
    where({ user_id }, { eq }) {
      return eq(user_id, userId);
    },
  });
}
export async function listsOf(boardId: string) {
  return db.query.lists.findMany({
    where(fields) {
      return eq(fields.boardId, boardId);
    },
  });
}
export async function openOf(workspaceId: number) {
  return db.query.invitations.findMany({
    where: ({ workspaceId: ws, acceptedAt }, ops) => ops.and(ops.eq(ws, workspaceId), ops.isNull(acceptedAt)),
  });
}
`;
  const { file } = analyzeText(text);

  it('reads a method-form where with destructured columns and operators', () => {
    const call = callAt(file!, lineOf(text, 'db.query.orders.findMany'), 'findMany');
    assert.deepEqual(call.filterColumns, ['user_id']);
    assert.deepEqual(call.filterTerms?.map((t) => `${t.column}:${t.op}`), ['user_id:eq']);
  });

  it('reads a method-form where over the fields parameter', () => {
    const call = callAt(file!, lineOf(text, 'db.query.lists.findMany'), 'findMany');
    assert.deepEqual(call.filterColumns, ['boardId']);
  });

  it('reads operators called on the operators parameter, and renamed destructured columns', () => {
    const call = callAt(file!, lineOf(text, 'db.query.invitations.findMany'), 'findMany');
    assert.deepEqual(call.filterColumns, ['workspaceId', 'acceptedAt']);
    assert.deepEqual(call.filterTerms?.map((t) => t.column), ['workspaceId', 'acceptedAt']);
  });
});
