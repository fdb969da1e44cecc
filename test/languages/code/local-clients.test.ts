import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { analyzeText, line } from './helpers';

describe('a client created inside a function (Cloudflare Workers, per-request clients)', () => {
  it('Drizzle on D1 in a Worker `fetch`: `const db = drizzle(env.DB)` is the client, with its driver', () => {
    const { file } = analyzeText(`import { drizzle } from 'drizzle-orm/d1';
import { positions, auditLogs } from './schema';

export interface Env { DB: D1Database }

export default {
  async fetch(request: Request, env: Env): Promise<Response> {
    const db = drizzle(env.DB);
    const [position] = await db.insert(positions).values({ symbol: 'AAPL' }).returning();
    await db.insert(auditLogs).values({ action: 'open', resourceId: position.id });
    return Response.json(position);
  },
};
`, '/virtual/src/worker.ts');
    assert.deepEqual(file.calls.map((c) => [line(c), c.client, c.operation, c.kind, c.driver]), [
      [9, 'db', 'insert', 'write', 'drizzle-orm/d1'],
      [10, 'db', 'insert', 'write', 'drizzle-orm/d1'],
    ]);
  });

  it('a factory of the module (`const db = getDb(env)`) and Prisma with a driver adapter', () => {
    const { file } = analyzeText(`import { PrismaClient } from '@prisma/client';
import { PrismaD1 } from '@prisma/adapter-d1';
import { drizzle } from 'drizzle-orm/neon-http';
import { neon } from '@neondatabase/serverless';
import { trades } from './schema';

function getDb(env: { DATABASE_URL: string }) {
  return drizzle(neon(env.DATABASE_URL));
}

export async function closeTrade(env: { DATABASE_URL: string }, id: string) {
  const db = getDb(env);
  await db.update(trades).set({ status: 'closed' }).where(eq(trades.id, id));
}

export async function onRequest(context: { env: { DB: D1Database } }) {
  const prisma = new PrismaClient({ adapter: new PrismaD1(context.env.DB) });
  await prisma.user.create({ data: { email: 'a@b.c' } });
}
`, '/virtual/src/handlers.ts');
    assert.deepEqual(file.calls.map((c) => [line(c), c.client, c.operation, c.driver]), [
      [13, 'db', 'update', 'drizzle-orm/neon-http'],
      [18, 'prisma', 'create', undefined],
    ]);
  });

  it('a local variable that is not a client hides the module client of the same name', () => {
    const { file } = analyzeText(`import { PrismaClient } from '@prisma/client';
const db = new PrismaClient();

export async function importFixture(path: string) {
  const db = JSON.parse(await readFile(path, 'utf8')) as { user: { create(x: unknown): Promise<void> } };
  await db.user.create({ data: {} });
}

export async function real() {
  await db.user.create({ data: { email: 'x' } });
}
`, '/virtual/src/fixtures.ts');
    assert.deepEqual(file.calls.map((c) => [line(c), c.client, c.operation]), [[10, 'db', 'create']]);
  });
});
