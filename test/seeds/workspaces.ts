/**
 * Workspaces rebuilt from the hand-written audits in shared/seeds/ (same table names, same mistakes), kept as text
 * so that the repository's type check does not compile them (their imports are the user's project's packages).
 * seeds/000 + 001: a Next.js learning platform on Prisma/SQLite (Prisma 5): schema, route handlers, server actions.
 * seeds/002: a Drizzle/Postgres trading bot (shared/schema.ts + server/storage.ts).
 * seeds/004: SAMIA TAROT, Supabase migrations (backup tables, foreign keys and indexes added by a fix script).
 */

export const SEED_002_TRADING_BOT: Record<string, string> = {
  'drizzle.config.ts': `import { defineConfig } from 'drizzle-kit';

export default defineConfig({
  out: './migrations',
  schema: './shared/schema.ts',
  dialect: 'postgresql',
  dbCredentials: {
    url: process.env.DATABASE_URL!,
  },
});
`,
  'package.json': `{ "name": "ai-trader", "private": true, "type": "module",
  "dependencies": { "drizzle-orm": "^0.39.1", "drizzle-zod": "^0.7.0", "pg": "^8.13.0", "zod": "^3.24.0" },
  "devDependencies": { "drizzle-kit": "^0.30.4", "typescript": "^5.6.3" } }
`,
  'server/db.ts': `import { Pool } from "pg";
import { drizzle } from "drizzle-orm/node-postgres";
import * as schema from "@shared/schema";

export const pool = new Pool({ connectionString: process.env.DATABASE_URL });
export const db = drizzle(pool, { schema });
`,
  'server/storage.ts': `import { db } from "./db";
import { and, desc, eq, gte, lte, sql } from "drizzle-orm";
import {
  users, strategies, trades, positions, aiDecisions, brokerAssets, auditLogs,
  type User, type InsertUser, type Trade, type InsertTrade, type Position, type Strategy, type AiDecision, type InsertBrokerAsset,
} from "@shared/schema";

export interface TradeFilters {
  symbol?: string;
  strategyId?: string;
  startDate?: Date;
  endDate?: Date;
  limit?: number;
  offset?: number;
}

export type EnrichedTrade = Trade & { aiDecision: AiDecision | null; strategyName: string | null };

export class DatabaseStorage {
  async getUser(id: string): Promise<User | undefined> {
    const [user] = await db.select().from(users).where(eq(users.id, id));
    return user;
  }

  async createUser(insertUser: InsertUser): Promise<User> {
    const [user] = await db.insert(users).values(insertUser).returning();
    return user;
  }

  async getStrategies(): Promise<Strategy[]> {
    return db.select().from(strategies).where(eq(strategies.isActive, true));
  }

  async getTradesFiltered(filters: TradeFilters): Promise<{ trades: EnrichedTrade[]; total: number }> {
    const conditions: any[] = [];
    if (filters.symbol) conditions.push(eq(trades.symbol, filters.symbol));
    if (filters.strategyId) conditions.push(eq(trades.strategyId, filters.strategyId));
    if (filters.startDate) conditions.push(gte(trades.executedAt, filters.startDate));
    if (filters.endDate) conditions.push(lte(trades.executedAt, filters.endDate));
    const whereClause = conditions.length > 0 ? and(...conditions) : undefined;

    const countResult = await db.select({ count: sql<number>\`count(*)\` }).from(trades).where(whereClause);
    const total = Number(countResult[0]?.count ?? 0);

    const tradesResult = await db
      .select()
      .from(trades)
      .where(whereClause)
      .orderBy(desc(trades.executedAt))
      .limit(filters.limit ?? 50)
      .offset(filters.offset ?? 0);

    const enrichedTrades: EnrichedTrade[] = [];
    for (const trade of tradesResult) {
      const [aiDecision] = await db
        .select()
        .from(aiDecisions)
        .where(eq(aiDecisions.executedTradeId, trade.id))
        .limit(1);
      let strategyName: string | null = null;
      if (trade.strategyId) {
        const [strategy] = await db.select().from(strategies).where(eq(strategies.id, trade.strategyId));
        strategyName = strategy?.name ?? null;
      }
      enrichedTrades.push({ ...trade, aiDecision: aiDecision ?? null, strategyName });
    }
    return { trades: enrichedTrades, total };
  }

  async getEnrichedTrade(id: string): Promise<EnrichedTrade | undefined> {
    const [trade] = await db.select().from(trades).where(eq(trades.id, id));
    if (!trade) return undefined;
    const [aiDecision] = await db.select().from(aiDecisions).where(eq(aiDecisions.executedTradeId, trade.id)).limit(1);
    const [strategy] = trade.strategyId
      ? await db.select().from(strategies).where(eq(strategies.id, trade.strategyId))
      : [];
    return { ...trade, aiDecision: aiDecision ?? null, strategyName: strategy?.name ?? null };
  }

  async createTrade(insertTrade: InsertTrade): Promise<Trade> {
    const [trade] = await db.insert(trades).values(insertTrade).returning();
    return trade;
  }

  async getPositions(): Promise<Position[]> {
    return db.select().from(positions);
  }

  async getPendingDecisions(): Promise<AiDecision[]> {
    return db.select().from(aiDecisions).where(eq(aiDecisions.status, "pending")).orderBy(desc(aiDecisions.createdAt)).limit(100);
  }

  async syncPositionsFromAlpaca(alpacaPositions: Array<{
    symbol: string;
    qty: string;
    avg_entry_price: string;
    current_price: string;
    unrealized_pl: string;
    side: string;
  }>): Promise<Position[]> {
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
      side: pos.side === "long" ? "long" : "short",
    }));

    return db.insert(positions).values(positionsToInsert).returning();
  }

  async bulkUpsertBrokerAssets(assets: InsertBrokerAsset[]): Promise<number> {
    let count = 0;
    for (const asset of assets) {
      const existing = await db.select().from(brokerAssets).where(eq(brokerAssets.symbol, asset.symbol.toUpperCase()));
      if (existing.length > 0) {
        await db.update(brokerAssets).set({ ...asset, updatedAt: new Date() }).where(eq(brokerAssets.symbol, asset.symbol.toUpperCase()));
      } else {
        await db.insert(brokerAssets).values({ ...asset, symbol: asset.symbol.toUpperCase() });
      }
      count++;
    }
    return count;
  }

  async createAuditLog(entry: { userId?: string; action: string; resource: string; resourceId?: string; method?: string; path?: string }) {
    try {
      await db.insert(auditLogs).values(entry);
    } catch (error) {
      console.error("[Storage] Failed to write audit log", error);
    }
  }
}

export const storage = new DatabaseStorage();
`,
  'shared/schema.ts': `import { sql } from "drizzle-orm";
import { pgTable, text, varchar, integer, boolean, timestamp, numeric, jsonb, type AnyPgColumn } from "drizzle-orm/pg-core";
import { createInsertSchema } from "drizzle-zod";
import { z } from "zod";

export const users = pgTable("users", {
  id: varchar("id").primaryKey().default(sql\`gen_random_uuid()\`),
  username: text("username").notNull().unique(),
  password: text("password").notNull(),
});

export const strategies = pgTable("strategies", {
  id: varchar("id").primaryKey().default(sql\`gen_random_uuid()\`),
  name: text("name").notNull(),
  type: text("type").notNull(),
  isActive: boolean("is_active").default(false).notNull(),
  parameters: text("parameters"),
  createdAt: timestamp("created_at").defaultNow().notNull(),
});

export const trades = pgTable("trades", {
  id: varchar("id").primaryKey().default(sql\`gen_random_uuid()\`),
  strategyId: varchar("strategy_id").references(() => strategies.id),
  orderId: varchar("order_id").references((): AnyPgColumn => orders.id),
  symbol: text("symbol").notNull(),
  side: text("side").notNull(),
  quantity: numeric("quantity").notNull(),
  price: numeric("price").notNull(),
  executedAt: timestamp("executed_at").defaultNow().notNull(),
  pnl: numeric("pnl"),
  status: text("status").default("completed").notNull(),
  notes: text("notes"),
  traceId: text("trace_id"),
});

export const positions = pgTable("positions", {
  id: varchar("id").primaryKey().default(sql\`gen_random_uuid()\`),
  symbol: text("symbol").notNull(),
  quantity: numeric("quantity").notNull(),
  entryPrice: numeric("entry_price").notNull(),
  currentPrice: numeric("current_price"),
  unrealizedPnl: numeric("unrealized_pnl"),
  side: text("side").notNull(),
  openedAt: timestamp("opened_at").defaultNow().notNull(),
  strategyId: varchar("strategy_id").references(() => strategies.id),
});

export const aiDecisions = pgTable("ai_decisions", {
  id: varchar("id").primaryKey().default(sql\`gen_random_uuid()\`),
  strategyId: varchar("strategy_id").references(() => strategies.id),
  symbol: text("symbol").notNull(),
  action: text("action").notNull(),
  confidence: numeric("confidence"),
  reasoning: text("reasoning"),
  marketContext: text("market_context"),
  createdAt: timestamp("created_at").defaultNow().notNull(),
  executedTradeId: varchar("executed_trade_id").references((): AnyPgColumn => trades.id),
  status: text("status").default("pending").notNull(),
});

export const aiDecisionFeatures = pgTable("ai_decision_features", {
  id: varchar("id").primaryKey().default(sql\`gen_random_uuid()\`),
  decisionId: varchar("decision_id").references(() => aiDecisions.id).notNull(),
  features: jsonb("features"),
});

export const aiTradeOutcomes = pgTable("ai_trade_outcomes", {
  id: varchar("id").primaryKey().default(sql\`gen_random_uuid()\`),
  decisionId: varchar("decision_id").references(() => aiDecisions.id),
  tradeId: varchar("trade_id").references(() => trades.id),
  realizedPnl: numeric("realized_pnl"),
  strategyId: varchar("strategy_id").references(() => strategies.id),
});

export const workItems = pgTable("work_items", {
  id: varchar("id").primaryKey().default(sql\`gen_random_uuid()\`),
  type: text("type").notNull(),
  status: text("status").default("PENDING").notNull(),
  decisionId: varchar("decision_id").references(() => aiDecisions.id),
});

export const workItemRuns = pgTable("work_item_runs", {
  id: varchar("id").primaryKey().default(sql\`gen_random_uuid()\`),
  workItemId: varchar("work_item_id").references(() => workItems.id).notNull(),
  attempt: integer("attempt").notNull(),
});

export const tradeIntents = pgTable("trade_intents", {
  id: varchar("id").primaryKey().default(sql\`gen_random_uuid()\`),
  symbol: text("symbol").notNull(),
});

export const orders = pgTable("orders", {
  id: varchar("id").primaryKey().default(sql\`gen_random_uuid()\`),
  brokerOrderId: text("broker_order_id").notNull().unique(),
  symbol: text("symbol").notNull(),
  decisionId: varchar("decision_id").references(() => aiDecisions.id),
  tradeIntentId: varchar("trade_intent_id").references(() => tradeIntents.id),
  workItemId: varchar("work_item_id").references(() => workItems.id),
});

export const fills = pgTable("fills", {
  id: varchar("id").primaryKey().default(sql\`gen_random_uuid()\`),
  orderId: varchar("order_id").references(() => orders.id).notNull(),
  qty: numeric("qty").notNull(),
  price: numeric("price").notNull(),
});

export const adminSettings = pgTable("admin_settings", {
  id: varchar("id").primaryKey().default(sql\`gen_random_uuid()\`),
  key: text("key").notNull().unique(),
  value: jsonb("value"),
  updatedBy: varchar("updated_by").references(() => users.id),
});

export const auditLogs = pgTable("audit_logs", {
  id: varchar("id").primaryKey().default(sql\`gen_random_uuid()\`),
  userId: varchar("user_id").references(() => users.id),
  action: text("action").notNull(),
  resource: text("resource").notNull(),
  resourceId: text("resource_id"),
  method: text("method"),
  path: text("path"),
  createdAt: timestamp("created_at").defaultNow().notNull(),
});

export const brokerAssets = pgTable("broker_assets", {
  id: varchar("id").primaryKey().default(sql\`gen_random_uuid()\`),
  alpacaId: text("alpaca_id").notNull(),
  symbol: text("symbol").notNull().unique(),
  name: text("name"),
  assetClass: text("asset_class"),
  exchange: text("exchange"),
  status: text("status"),
  tradable: boolean("tradable").default(false).notNull(),
  updatedAt: timestamp("updated_at").defaultNow(),
  lastSyncedAt: timestamp("last_synced_at"),
});

export const insertUserSchema = createInsertSchema(users);
export const insertTradeSchema = createInsertSchema(trades);
export type User = typeof users.$inferSelect;
export type InsertUser = z.infer<typeof insertUserSchema>;
export type Trade = typeof trades.$inferSelect;
export type InsertTrade = z.infer<typeof insertTradeSchema>;
export type Position = typeof positions.$inferSelect;
export type Strategy = typeof strategies.$inferSelect;
export type AiDecision = typeof aiDecisions.$inferSelect;
export type InsertBrokerAsset = typeof brokerAssets.$inferInsert;
`,
  'tsconfig.json': `{ "compilerOptions": { "target": "ES2022", "module": "ESNext", "moduleResolution": "bundler", "strict": true, "paths": { "@shared/*": ["./shared/*"] } }, "include": ["shared", "server"] }
`,
};

export const SEED_004_SAMIA_TAROT: Record<string, string> = {
  'package.json': `{ "name": "samia-tarot", "private": true, "dependencies": { "@supabase/supabase-js": "^2.45.0" } }
`,
  'supabase/migrations/20240301000000_init.sql': `-- SAMIA TAROT core schema
CREATE EXTENSION IF NOT EXISTS "uuid-ossp";

CREATE TABLE users (
  id UUID PRIMARY KEY DEFAULT uuid_generate_v4(),
  email TEXT NOT NULL UNIQUE,
  created_at TIMESTAMPTZ NOT NULL DEFAULT NOW()
);

CREATE TABLE user_roles (
  id UUID PRIMARY KEY DEFAULT uuid_generate_v4(),
  user_id UUID NOT NULL,
  role VARCHAR(30) NOT NULL
);

CREATE TABLE profiles (
  id UUID PRIMARY KEY DEFAULT uuid_generate_v4(),
  user_id UUID NOT NULL,
  display_name TEXT,
  bio TEXT
);

CREATE TABLE wallets (
  id UUID PRIMARY KEY DEFAULT uuid_generate_v4(),
  user_id UUID NOT NULL,
  balance NUMERIC(12,2) NOT NULL DEFAULT 0
);

CREATE TABLE wallet_transactions (
  id UUID PRIMARY KEY DEFAULT uuid_generate_v4(),
  wallet_id UUID NOT NULL,
  amount NUMERIC(12,2) NOT NULL,
  created_at TIMESTAMPTZ NOT NULL DEFAULT NOW()
);

CREATE TABLE payments (
  id UUID PRIMARY KEY DEFAULT uuid_generate_v4(),
  user_id UUID NOT NULL,
  amount NUMERIC(12,2) NOT NULL,
  status VARCHAR(20) NOT NULL DEFAULT 'pending',
  created_at TIMESTAMPTZ NOT NULL DEFAULT NOW()
);

CREATE TABLE services (
  id UUID PRIMARY KEY DEFAULT uuid_generate_v4(),
  reader_id UUID NOT NULL,
  name TEXT NOT NULL,
  price NUMERIC(10,2) NOT NULL
);

CREATE TABLE bookings (
  id UUID PRIMARY KEY DEFAULT uuid_generate_v4(),
  user_id UUID NOT NULL,
  reader_id UUID,
  service_id UUID,
  status VARCHAR(20) NOT NULL DEFAULT 'pending',
  scheduled_at TIMESTAMPTZ
);

CREATE TABLE reading_sessions (
  id UUID PRIMARY KEY DEFAULT uuid_generate_v4(),
  user_id UUID NOT NULL,
  reader_id UUID NOT NULL,
  status VARCHAR(20) NOT NULL DEFAULT 'scheduled'
);

CREATE TABLE tarot_decks (
  id UUID PRIMARY KEY DEFAULT uuid_generate_v4(),
  reader_id UUID,
  name TEXT NOT NULL
);

CREATE TABLE tarot_spreads (
  id UUID PRIMARY KEY DEFAULT uuid_generate_v4(),
  reader_id UUID,
  name TEXT NOT NULL,
  positions TEXT
);

CREATE TABLE chat_sessions (
  id UUID PRIMARY KEY DEFAULT uuid_generate_v4(),
  user_id UUID NOT NULL,
  reader_id UUID,
  created_at TIMESTAMPTZ NOT NULL DEFAULT NOW()
);

CREATE TABLE chat_messages (
  id UUID PRIMARY KEY DEFAULT uuid_generate_v4(),
  session_id UUID NOT NULL,
  body TEXT NOT NULL,
  created_at TIMESTAMPTZ NOT NULL DEFAULT NOW()
);

CREATE TABLE notifications (
  id UUID PRIMARY KEY DEFAULT uuid_generate_v4(),
  user_id UUID NOT NULL,
  title TEXT NOT NULL,
  read_at TIMESTAMPTZ
);

CREATE TABLE backup_logs (
  id UUID PRIMARY KEY DEFAULT uuid_generate_v4(),
  started_at TIMESTAMPTZ NOT NULL DEFAULT NOW(),
  finished_at TIMESTAMPTZ,
  status VARCHAR(20) NOT NULL
);
`,
  'supabase/migrations/20240415000000_chat_backups.sql': `-- copies taken before the chat rewrite
CREATE TABLE chat_messages_backup AS SELECT * FROM chat_messages;
CREATE TABLE chat_sessions_backup AS SELECT * FROM chat_sessions;
CREATE TABLE voice_notes_backup (
  id UUID PRIMARY KEY,
  session_id UUID,
  url TEXT
);
CREATE TABLE messages_backup (
  id UUID PRIMARY KEY,
  sender_id UUID,
  body TEXT
);
`,
  'supabase/migrations/20250110000000_high_priority_fixes.sql': `BEGIN;

ALTER TABLE user_roles
ADD CONSTRAINT fk_user_roles_user_id
FOREIGN KEY (user_id) REFERENCES users(id) ON DELETE CASCADE;

ALTER TABLE profiles
ADD CONSTRAINT fk_profiles_user_id
FOREIGN KEY (user_id) REFERENCES users(id) ON DELETE CASCADE;

ALTER TABLE wallets
ADD CONSTRAINT fk_wallets_user_id
FOREIGN KEY (user_id) REFERENCES users(id) ON DELETE CASCADE;

ALTER TABLE wallet_transactions
ADD CONSTRAINT fk_wallet_transactions_wallet_id
FOREIGN KEY (wallet_id) REFERENCES wallets(id) ON DELETE CASCADE;

ALTER TABLE payments
ADD CONSTRAINT fk_payments_user_id
FOREIGN KEY (user_id) REFERENCES users(id) ON DELETE CASCADE;

ALTER TABLE bookings
ADD CONSTRAINT fk_bookings_user_id
FOREIGN KEY (user_id) REFERENCES users(id) ON DELETE CASCADE;

ALTER TABLE bookings
ADD CONSTRAINT fk_bookings_reader_id
FOREIGN KEY (reader_id) REFERENCES users(id) ON DELETE SET NULL;

ALTER TABLE services
ADD CONSTRAINT fk_services_reader_id
FOREIGN KEY (reader_id) REFERENCES users(id) ON DELETE CASCADE;

ALTER TABLE reading_sessions
ADD CONSTRAINT fk_reading_sessions_user_id
FOREIGN KEY (user_id) REFERENCES users(id) ON DELETE CASCADE;

ALTER TABLE reading_sessions
ADD CONSTRAINT fk_reading_sessions_reader_id
FOREIGN KEY (reader_id) REFERENCES users(id) ON DELETE SET NULL;

ALTER TABLE tarot_decks
ADD CONSTRAINT fk_tarot_decks_reader_id
FOREIGN KEY (reader_id) REFERENCES users(id) ON DELETE SET NULL;

ALTER TABLE tarot_spreads
ADD CONSTRAINT fk_tarot_spreads_reader_id
FOREIGN KEY (reader_id) REFERENCES users(id) ON DELETE SET NULL;

ALTER TABLE chat_sessions
ADD CONSTRAINT fk_chat_sessions_user_id
FOREIGN KEY (user_id) REFERENCES users(id) ON DELETE CASCADE;

ALTER TABLE chat_sessions
ADD CONSTRAINT fk_chat_sessions_reader_id
FOREIGN KEY (reader_id) REFERENCES users(id) ON DELETE SET NULL;

ALTER TABLE chat_messages
ADD CONSTRAINT fk_chat_messages_session_id
FOREIGN KEY (session_id) REFERENCES chat_sessions(id) ON DELETE CASCADE;

ALTER TABLE notifications
ADD CONSTRAINT fk_notifications_user_id
FOREIGN KEY (user_id) REFERENCES users(id) ON DELETE CASCADE;

CREATE INDEX CONCURRENTLY idx_user_roles_user_id ON user_roles(user_id);
CREATE INDEX CONCURRENTLY idx_user_roles_role ON user_roles(role);
CREATE INDEX CONCURRENTLY idx_profiles_user_id ON profiles(user_id);
CREATE INDEX CONCURRENTLY idx_payments_user_id ON payments(user_id);
CREATE INDEX CONCURRENTLY idx_payments_status ON payments(status);
CREATE INDEX CONCURRENTLY idx_payments_created_at ON payments(created_at);
CREATE INDEX CONCURRENTLY idx_wallets_user_id ON wallets(user_id);
CREATE INDEX CONCURRENTLY idx_wallet_transactions_wallet_id ON wallet_transactions(wallet_id);
CREATE INDEX CONCURRENTLY idx_bookings_user_id ON bookings(user_id);
CREATE INDEX CONCURRENTLY idx_bookings_reader_id ON bookings(reader_id);
CREATE INDEX CONCURRENTLY idx_bookings_status ON bookings(status);
CREATE INDEX CONCURRENTLY idx_bookings_scheduled_at ON bookings(scheduled_at);
CREATE INDEX CONCURRENTLY idx_reading_sessions_user_id ON reading_sessions(user_id);
CREATE INDEX CONCURRENTLY idx_reading_sessions_reader_id ON reading_sessions(reader_id);
CREATE INDEX CONCURRENTLY idx_reading_sessions_status ON reading_sessions(status);
CREATE INDEX CONCURRENTLY idx_chat_sessions_user_id ON chat_sessions(user_id);
CREATE INDEX CONCURRENTLY idx_chat_sessions_reader_id ON chat_sessions(reader_id);
CREATE INDEX CONCURRENTLY idx_chat_messages_session_id ON chat_messages(session_id);
CREATE INDEX CONCURRENTLY idx_chat_messages_created_at ON chat_messages(created_at);

CREATE TABLE IF NOT EXISTS migration_log (
    id UUID PRIMARY KEY DEFAULT uuid_generate_v4(),
    migration_name VARCHAR(100) NOT NULL,
    step_name VARCHAR(100) NOT NULL,
    status VARCHAR(20) NOT NULL CHECK (status IN ('started', 'completed', 'failed', 'skipped')),
    rows_affected INTEGER DEFAULT 0,
    error_message TEXT,
    metadata JSONB DEFAULT '{}',
    executed_at TIMESTAMP DEFAULT NOW()
);

COMMIT;
`,
};

export const SEED_001_LEARNING_PLATFORM: Record<string, string> = {
  'app/(app)/dashboard/page.tsx': `import { prisma } from '@/lib/prisma'
import { getCurrentUser } from '@/lib/auth'

export default async function DashboardPage() {
  const user = await getCurrentUser()
  const enrollments = await prisma.enrollment.findMany({ where: { userId: user.id }, include: { track: true } })
  const bookmarks = await prisma.bookmark.findMany({ where: { userId: user.id }, take: 10 })
  const notifications = await prisma.notification.findMany({ where: { userId: user.id, readAt: null }, take: 5 })
  return <pre>{JSON.stringify({ enrollments, bookmarks, notifications })}</pre>
}
`,
  'app/(app)/macro/page.tsx': `import { prisma } from '@/lib/prisma'
import EpisodeCard from '@/components/EpisodeCard'

export default async function MacroPage() {
  const episodes = await prisma.episode.findMany({
    where: { category: 'macro' },
    orderBy: { publishedAt: 'desc' },
  })
  return (
    <main>
      {episodes.map((e) => (
        <EpisodeCard key={e.id} episode={e} />
      ))}
    </main>
  )
}
`,
  'app/api/admin/analytics/route.ts': `import { NextResponse } from 'next/server'
import { prisma } from '@/lib/prisma'

export async function GET() {
  const completedViews = await prisma.videoView.count({ where: { completed: true } })
  const passedSubmissions = await prisma.quizSubmission.count({ where: { passed: true } })
  const recentCompletions = await prisma.lessonProgress.findMany({
    where: { completedAt: { gte: new Date(Date.now() - 7 * 864e5) } },
    orderBy: { completedAt: 'desc' },
    take: 20,
  })
  return NextResponse.json({ completedViews, passedSubmissions, recentCompletions })
}
`,
  'app/api/admin/content/route.ts': `import { NextResponse } from 'next/server'
import { z } from 'zod'
import { prisma } from '@/lib/prisma'
import { logAudit } from '@/lib/audit'
import { requireEditor } from '@/lib/auth'

const contentSchema = z.object({ slug: z.string(), kind: z.string(), title: z.string(), body: z.string(), tags: z.array(z.string()) })

export async function POST(req: Request) {
  const user = await requireEditor()
  try {
    const input = contentSchema.parse(await req.json())
    const content = await prisma.content.create({
      data: { ...input, tags: JSON.stringify(input.tags) },
    })
    await logAudit(user.id, 'create', 'content', content.id, input)
    return NextResponse.json(content, { status: 201 })
  } catch (error) {
    return NextResponse.json({ error: 'Internal server error' }, { status: 500 })
  }
}
`,
  'app/api/admin/episodes/route.ts': `import { NextResponse } from 'next/server'
import { prisma } from '@/lib/prisma'
import { logAudit } from '@/lib/audit'
import { requireEditor } from '@/lib/auth'

export async function POST(req: Request) {
  const user = await requireEditor()
  const body = await req.json()
  const episode = await prisma.episode.create({ data: body })
  await logAudit(user.id, 'create', 'episode', episode.id, body)
  return NextResponse.json(episode, { status: 201 })
}
`,
  'app/api/admin/signals/route.ts': `import { NextResponse } from 'next/server'
import { revalidateTag } from 'next/cache'
import { prisma } from '@/lib/prisma'

export async function PATCH(req: Request) {
  const { id, exitPrice, exitTime } = await req.json()
  const trade = await prisma.signalTrade.update({
    where: { id },
    data: { exitPrice, exitTime: new Date(exitTime), status: 'closed' },
  })
  revalidateTag('signals')
  return NextResponse.json(trade)
}
`,
  'app/api/events/[slug]/route.ts': `import { NextResponse } from 'next/server'
import { prisma } from '@/lib/prisma'

export async function GET(_req: Request, { params }: { params: { slug: string } }) {
  const event = await prisma.event.findUnique({
    where: { slug: params.slug },
    include: { rsvps: { include: { user: true } } },
  })
  if (!event) return NextResponse.json({ error: 'Not found' }, { status: 404 })
  return NextResponse.json(event)
}
`,
  'app/api/learning/analytics/route.ts': `import { NextResponse } from 'next/server'
import { prisma } from '@/lib/prisma'
import { getCurrentUser } from '@/lib/auth'

export async function GET() {
  const user = await getCurrentUser()
  const enrollments = await prisma.enrollment.findMany({
    where: { userId: user.id },
    include: { track: true },
  })
  const analytics = []
  for (const enrollment of enrollments) {
    const completed = await prisma.lessonProgress.count({
      where: { userId: user.id, completedAt: { not: null }, lesson: { trackId: enrollment.trackId } },
    })
    const total = await prisma.lesson.count({ where: { trackId: enrollment.trackId } })
    analytics.push({ track: enrollment.track.title, completed, total })
  }
  return NextResponse.json(analytics)
}
`,
  'app/api/notifications/route.ts': `import { NextResponse } from 'next/server'
import { prisma } from '@/lib/prisma'
import { getCurrentUser } from '@/lib/auth'

export async function GET(req: Request) {
  const user = await getCurrentUser()
  const type = new URL(req.url).searchParams.get('type') ?? undefined
  const notifications = await prisma.notification.findMany({
    where: { userId: user.id, type },
    orderBy: { createdAt: 'desc' },
    take: 50,
  })
  return NextResponse.json(notifications)
}
`,
  'app/api/recommendations/route.ts': `import { NextResponse } from 'next/server'
import { prisma } from '@/lib/prisma'

export async function GET(req: Request) {
  const tag = new URL(req.url).searchParams.get('tag') ?? 'bitcoin'
  const interested = await prisma.userInterest.findMany({ where: { tag }, take: 100 })
  return NextResponse.json(interested)
}
`,
  'app/api/signals/performance/route.ts': `import { NextResponse } from 'next/server'
import { prisma } from '@/lib/prisma'

export async function GET(req: Request) {
  const since = new URL(req.url).searchParams.get('since')
  const allTrades = await prisma.signalTrade.findMany({
    orderBy: { entryTime: 'asc' },
  })
  const closed = allTrades.filter((t) => t.status === 'closed' && (!since || t.entryTime >= new Date(since)))
  const wins = closed.filter((t) => t.exitPrice && t.exitPrice.gt(t.entryPrice)).length
  return NextResponse.json({ total: closed.length, winRate: closed.length ? wins / closed.length : 0 })
}
`,
  'app/api/videos/route.ts': `import { NextResponse } from 'next/server'
import { prisma } from '@/lib/prisma'

export async function GET() {
  const videos = await prisma.video.findMany({ orderBy: { publishedAt: 'desc' } })
  return NextResponse.json(videos)
}
`,
  'app/videos/[id]/page.tsx': `import { notFound } from 'next/navigation'
import { prisma } from '@/lib/prisma'
import { getCurrentUser } from '@/lib/auth'

export default async function VideoPage({ params }: { params: { id: string } }) {
  const user = await getCurrentUser()
  const video = await prisma.video.findUnique({ where: { id: params.id } })
  if (!video) notFound()
  try {
    await prisma.videoView.create({ data: { videoId: video.id, userId: user.id } })
  } catch (error) {
    console.error('View count error:', error)
  }
  return <video src={video.url} controls />
}
`,
  'app/videos/page.tsx': `import Link from 'next/link'
import { prisma } from '@/lib/prisma'

export default async function VideosPage() {
  const videos = await prisma.video.findMany({ orderBy: { publishedAt: 'desc' } })
  return (
    <div>
      {videos.map((v) => (
        <Link key={v.id} href={\`/videos/\${v.id}\`}>{v.title}</Link>
      ))}
    </div>
  )
}
`,
  'package.json': `{ "name": "crypto-academy", "private": true,
  "dependencies": { "@prisma/client": "^5.22.0", "next": "14.2.15", "next-auth": "^4.24.7", "zod": "^3.23.8", "react": "18.3.1" },
  "devDependencies": { "prisma": "^5.22.0", "typescript": "^5.6.3" } }
`,
  'prisma/schema.prisma': `generator client {
  provider = "prisma-client-js"
}

// Note: SQLite doesn't support enums, using String fields with validation in application code
datasource db {
  provider = "sqlite"
  url      = env("DATABASE_URL")
}

model User {
  id             String           @id @default(cuid())
  email          String           @unique
  name           String?
  role           String           @default("guest") // "guest" | "member" | "editor" | "admin"
  preferences    String? // JSON string
  createdAt      DateTime         @default(now())
  accounts       Account[]
  sessions       Session[]
  questions      Question[]
  votes          Vote[]
  hostedEvents   Event[]
  trades         SignalTrade[]
  enrollments    Enrollment[]
  progress       LessonProgress[]
  submissions    QuizSubmission[]
  certificates   Certificate[]
  interests      UserInterest[]
  notifications  Notification[]
  videoViews     VideoView[]
  bookmarks      Bookmark[]
  audits         Audit[]
  rsvps          RSVP[]
}

model Account {
  id                String  @id @default(cuid())
  userId            String
  type              String
  provider          String
  providerAccountId String
  refresh_token     String?
  access_token      String?
  user              User    @relation(fields: [userId], references: [id], onDelete: Cascade)

  @@unique([provider, providerAccountId])
  @@index([userId])
}

model Session {
  id           String   @id @default(cuid())
  sessionToken String   @unique
  userId       String
  expires      DateTime
  user         User     @relation(fields: [userId], references: [id], onDelete: Cascade)

  @@index([userId])
}

model VerificationToken {
  identifier String
  token      String   @unique
  expires    DateTime

  @@unique([identifier, token])
}

model Content {
  id          String     @id @default(cuid())
  slug        String     @unique
  kind        String // "article" | "analysis" | "guide"
  title       String
  body        String
  tags        String     @default("[]") // JSON string array
  metadata    String? // JSON string
  locked      Boolean    @default(false)
  minTier     String     @default("free")
  publishedAt DateTime?
  createdAt   DateTime   @default(now())
  bookmarks   Bookmark[]

  @@index([kind])
  @@index([publishedAt])
  @@index([locked])
  @@index([minTier])
  @@index([kind, publishedAt(sort: Desc)])
}

model Episode {
  id          String     @id @default(cuid())
  slug        String     @unique
  title       String
  category    String
  audioUrl    String
  publishedAt DateTime   @default(now())
  bookmarks   Bookmark[]

  @@index([category])
}

model SignalTrade {
  id          String    @id @default(cuid())
  symbol      String
  direction   String // "long" | "short"
  status      String    @default("open") // "open" | "closed"
  entryPrice  Decimal
  exitPrice   Decimal?
  riskPct     Decimal?
  entryTime   DateTime
  exitTime    DateTime?
  tags        String    @default("[]") // JSON string array
  createdById String?
  createdBy   User?     @relation(fields: [createdById], references: [id])

  @@index([status])
  @@index([entryTime])
  @@index([createdById])
}

model Track {
  id          String       @id @default(cuid())
  slug        String       @unique
  title       String
  lessons     Lesson[]
  enrollments Enrollment[]
  certificates Certificate[]
}

model Lesson {
  id         String           @id @default(cuid())
  trackId    String
  order      Int
  title      String
  contentMDX String
  resources  String? // JSON string array
  track      Track            @relation(fields: [trackId], references: [id], onDelete: Cascade)
  progress   LessonProgress[]
  quiz       Quiz?

  @@index([trackId, order])
}

model Enrollment {
  id          String   @id @default(cuid())
  userId      String
  trackId     String
  progressPct Int      @default(0)
  createdAt   DateTime @default(now())
  user        User     @relation(fields: [userId], references: [id], onDelete: Cascade)
  track       Track    @relation(fields: [trackId], references: [id], onDelete: Cascade)

  @@unique([userId, trackId])
  @@index([trackId])
}

model LessonProgress {
  id          String    @id @default(cuid())
  userId      String
  lessonId    String
  completedAt DateTime?
  user        User      @relation(fields: [userId], references: [id], onDelete: Cascade)
  lesson      Lesson    @relation(fields: [lessonId], references: [id], onDelete: Cascade)

  @@unique([userId, lessonId])
  @@index([lessonId])
}

model Quiz {
  id          String           @id @default(cuid())
  lessonId    String           @unique
  questions   String // JSON string array
  passScore   Int              @default(70)
  lesson      Lesson           @relation(fields: [lessonId], references: [id], onDelete: Cascade)
  submissions QuizSubmission[]
}

model QuizSubmission {
  id        String   @id @default(cuid())
  quizId    String
  userId    String
  answers   String // JSON string
  score     Int
  passed    Boolean
  createdAt DateTime @default(now())
  quiz      Quiz     @relation(fields: [quizId], references: [id], onDelete: Cascade)
  user      User     @relation(fields: [userId], references: [id], onDelete: Cascade)

  @@index([quizId])
  @@index([userId])
}

model Certificate {
  id       String   @id @default(cuid())
  userId   String
  trackId  String
  issuedAt DateTime @default(now())
  user     User     @relation(fields: [userId], references: [id], onDelete: Cascade)
  track    Track    @relation(fields: [trackId], references: [id], onDelete: Cascade)

  @@unique([userId, trackId])
  @@index([trackId])
}

model Event {
  id        String     @id @default(cuid())
  slug      String     @unique
  title     String
  status    String     @default("open") // "open" | "closed"
  startsAt  DateTime
  metadata  String? // JSON string
  hostId    String?
  host      User?      @relation(fields: [hostId], references: [id], onDelete: SetNull)
  questions Question[]
  rsvps     RSVP[]

  @@index([hostId])
  @@index([startsAt])
}

model RSVP {
  id      String @id @default(cuid())
  userId  String
  eventId String
  user    User   @relation(fields: [userId], references: [id], onDelete: Cascade)
  event   Event  @relation(fields: [eventId], references: [id], onDelete: Cascade)

  @@unique([userId, eventId])
  @@index([eventId])
}

model Question {
  id        String   @id @default(cuid())
  eventId   String
  userId    String
  body      String
  createdAt DateTime @default(now())
  event     Event    @relation(fields: [eventId], references: [id])
  user      User     @relation(fields: [userId], references: [id])
  votes     Vote[]

  @@index([eventId])
  @@index([userId])
}

model Vote {
  id         String   @id @default(cuid())
  userId     String
  questionId String
  user       User     @relation(fields: [userId], references: [id])
  question   Question @relation(fields: [questionId], references: [id])

  @@unique([userId, questionId])
  @@index([questionId])
}

model Audit {
  id         String   @id @default(cuid())
  userId     String?
  action     String
  entity     String
  entityId   String
  diff       String? // JSON string
  createdAt  DateTime @default(now())
  user       User?    @relation(fields: [userId], references: [id], onDelete: SetNull)

  @@index([userId])
  @@index([entity, entityId])
}

model Bookmark {
  id        String   @id @default(cuid())
  userId    String
  contentId String?
  episodeId String?
  user      User     @relation(fields: [userId], references: [id], onDelete: Cascade)
  content   Content? @relation(fields: [contentId], references: [id], onDelete: Cascade)
  episode   Episode? @relation(fields: [episodeId], references: [id], onDelete: Cascade)

  @@unique([userId, contentId])
  @@unique([userId, episodeId])
  @@index([contentId])
  @@index([episodeId])
}

model Notification {
  id        String    @id @default(cuid())
  userId    String
  type      String
  title     String
  readAt    DateTime?
  sentAt    DateTime?
  createdAt DateTime  @default(now())
  user      User      @relation(fields: [userId], references: [id], onDelete: Cascade)

  @@index([userId, createdAt(sort: Desc)])
}

model Video {
  id          String      @id @default(cuid())
  title       String
  url         String
  publishedAt DateTime    @default(now())
  views       VideoView[]
}

model VideoView {
  id        String   @id @default(cuid())
  videoId   String
  userId    String
  completed Boolean  @default(false)
  createdAt DateTime @default(now())
  video     Video    @relation(fields: [videoId], references: [id], onDelete: Cascade)
  user      User     @relation(fields: [userId], references: [id], onDelete: Cascade)

  @@index([videoId])
  @@index([userId])
}

model UserInterest {
  id     String @id @default(cuid())
  userId String
  tag    String
  weight Int    @default(1)
  user   User   @relation(fields: [userId], references: [id], onDelete: Cascade)

  @@index([userId])
}
`,
  'src/components/cryptocompass/CryptoCompassContent.tsx': `import { prisma } from '@/lib/prisma'

export default async function CryptoCompassContent() {
  const episodes = await prisma.episode.findMany({
    where: { category: 'crypto-compass' },
    orderBy: { publishedAt: 'desc' },
    select: { id: true, slug: true, title: true, publishedAt: true },
  })
  return (
    <ul>
      {episodes.map((e) => (
        <li key={e.id}>{e.title}</li>
      ))}
    </ul>
  )
}
`,
  'src/lib/actions/enrollment.ts': `'use server'
import { prisma } from '../prisma'

export async function enrollInTrack(userId: string, trackId: string) {
  const enrollment = await prisma.enrollment.create({ data: { userId, trackId } })
  const lessons = await prisma.lesson.findMany({ where: { trackId }, select: { id: true } })
  await prisma.lessonProgress.createMany({
    data: lessons.map((l) => ({ userId, lessonId: l.id })),
  })
  return enrollment
}

export async function submitQuiz(userId: string, quizId: string, answers: Record<string, string>) {
  const quiz = await prisma.quiz.findUniqueOrThrow({ where: { id: quizId }, include: { lesson: true } })
  const questions = JSON.parse(quiz.questions) as { id: number; answer: string }[]
  const score = Math.round((questions.filter((q) => answers[q.id] === q.answer).length / questions.length) * 100)
  const passed = score >= quiz.passScore

  await prisma.quizSubmission.create({
    data: { quizId, userId, answers: JSON.stringify(answers), score, passed },
  })
  if (passed) {
    await prisma.lessonProgress.update({
      where: { userId_lessonId: { userId, lessonId: quiz.lessonId } },
      data: { completedAt: new Date() },
    })
  }
  const total = await prisma.lesson.count({ where: { trackId: quiz.lesson.trackId } })
  const done = await prisma.lessonProgress.count({
    where: { userId, completedAt: { not: null }, lesson: { trackId: quiz.lesson.trackId } },
  })
  await prisma.enrollment.update({
    where: { userId_trackId: { userId, trackId: quiz.lesson.trackId } },
    data: { progressPct: Math.round((done / total) * 100) },
  })
  if (done === total) {
    await prisma.certificate.create({ data: { userId, trackId: quiz.lesson.trackId } })
  }
  return { score, passed }
}
`,
  'src/lib/audit.ts': `import { prisma } from './prisma'

export async function logAudit(userId: string, action: string, entity: string, entityId: string, diff?: unknown) {
  await prisma.audit.create({
    data: { userId, action, entity, entityId, diff: diff ? JSON.stringify(diff) : null },
  })
}
`,
  'src/lib/auth-server.ts': `import { randomBytes } from 'crypto'
import { prisma } from './prisma'

export async function registerUser(input: { email: string; name?: string; provider: string; providerAccountId: string }) {
  const user = await prisma.user.create({
    data: { email: input.email, name: input.name, role: 'member' },
  })
  await prisma.account.create({
    data: { userId: user.id, type: 'oauth', provider: input.provider, providerAccountId: input.providerAccountId },
  })
  const session = await prisma.session.create({
    data: { userId: user.id, sessionToken: randomBytes(32).toString('hex'), expires: new Date(Date.now() + 30 * 864e5) },
  })
  return { user, session }
}
`,
  'src/lib/prisma.ts': `import { PrismaClient } from '@prisma/client'

const globalForPrisma = globalThis as unknown as { prisma: PrismaClient | undefined }

export const prisma = globalForPrisma.prisma ?? new PrismaClient()

if (process.env.NODE_ENV !== 'production') globalForPrisma.prisma = prisma
`,
  'tsconfig.json': `{ "compilerOptions": { "target": "ES2022", "module": "esnext", "moduleResolution": "bundler", "jsx": "preserve", "strict": true, "paths": { "@/*": ["./src/*"] } } }
`,
};
