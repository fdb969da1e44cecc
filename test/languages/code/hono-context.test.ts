/**
 * Hono context variables: a middleware stores a client (`c.set('db', drizzle(c.env.DB))`) and handlers read it
 * (`c.var.db`, `c.get('db')`, `const { db } = c.var`). The variable is a client when some Hono module of the
 * workspace sets that key to a provable client; a key set to anything else, or read outside a Hono module, is not.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { multiWriteWithoutTransaction } from '../../../rules/transactions/multi-write-without-transaction';
import { analyzeCode, CodeAnalyzer } from '../../../server/src/languages/code';
import type { SourceReader } from '../../../server/src/languages/types';
import { runRule } from '../../helpers/code-model';
import { codeFrontEnd } from '../../../server/src/languages/code';
import { applyEdits, codeFile, line, syntaxErrors } from './helpers';

const calls = (file: { calls: { loc: { range: { start: { line: number } } }; client: string; operation: string; driver?: string }[] }) =>
  file.calls.map((c) => [line(c), c.client, c.operation, c.driver]);

function run(files: Record<string, string>, analyzer?: CodeAnalyzer) {
  const map = new Map(Object.entries({ '/app/package.json': '{ "name": "app" }', ...files }));
  const reader: SourceReader = { read: (p) => map.get(p) };
  const list = Object.keys(files).sort();
  const result = analyzer ? analyzer.analyze(list, reader) : analyzeCode(list, reader);
  if (analyzer) assert.deepEqual(result, analyzeCode(list, reader), 'incremental result equals a fresh analysis');
  return result;
}

const MIDDLEWARE = `import { createMiddleware } from 'hono/factory';
import { drizzle } from 'drizzle-orm/d1';
import * as schema from '../db/schema';

export type Env = { Bindings: { DB: D1Database }; Variables: { db: ReturnType<typeof drizzle<typeof schema>> } };

export const withDb = createMiddleware<Env>(async (c, next) => {
  c.set('db', drizzle(c.env.DB, { schema }));
  c.set('requestId', crypto.randomUUID());
  await next();
});
`;

const ROUTES = `import { Hono } from 'hono';
import { withDb, type Env } from '../middleware/db';
import { orders, orderEvents, stock } from '../db/schema';
import { eq, sql } from 'drizzle-orm';

export const app = new Hono<Env>().use(withDb);

app.post('/orders', async (c) => {
  const body = await c.req.json<{ sku: string; qty: number }>();
  const [order] = await c.var.db.insert(orders).values({ sku: body.sku, qty: body.qty }).returning();
  await c.get('db').update(stock).set({ qty: sql\`qty - \${body.qty}\` }).where(eq(stock.sku, body.sku));
  return c.json(order, 201);
});

app.post('/orders/:id/cancel', async (c) => {
  const { db } = c.var;
  const id = Number(c.req.param('id'));
  await db.update(orders).set({ status: 'cancelled' }).where(eq(orders.id, id));
  await db.insert(orderEvents).values({ orderId: id, kind: 'cancelled' });
  const requestId = c.get('requestId');
  return c.json({ id, requestId });
});
`;

describe('Hono context variables', () => {
  it('`c.var.db`, `c.get(\'db\')` and `const { db } = c.var` are the D1 client the middleware sets', () => {
    const result = run({ '/app/src/middleware/db.ts': MIDDLEWARE, '/app/src/routes/orders.ts': ROUTES });
    assert.deepEqual(result.diagnostics, []);
    assert.deepEqual(calls(codeFile(result.codeFiles, 'routes/orders.ts')), [
      [10, 'c.var.db', 'insert', 'drizzle-orm/d1'],
      [11, "c.get('db')", 'update', 'drizzle-orm/d1'],
      [18, 'db', 'update', 'drizzle-orm/d1'],
      [19, 'db', 'insert', 'drizzle-orm/d1'],
    ]);
    const found = runRule(multiWriteWithoutTransaction, { codeFiles: result.codeFiles });
    assert.equal(found.length, 2);
    assert.ok(found.every((f) => /D1/.test(f.message)));
  });

  it('Prisma through a module client or an imported factory; a local variable set in the middleware', () => {
    const result = run({
      '/app/src/lib/prisma.ts': `import { PrismaClient } from '@prisma/client';\n\nexport function getPrisma(url: string) {\n  return new PrismaClient({ datasourceUrl: url });\n}\n`,
      '/app/src/middleware.ts': `import type { MiddlewareHandler } from 'hono';
import { getPrisma } from './lib/prisma';

export const prismaMiddleware: MiddlewareHandler = async (c, next) => {
  const prisma = getPrisma(c.env.DATABASE_URL);
  c.set('prisma', prisma);
  await next();
};
`,
      '/app/src/routes/users.ts': `import { Hono } from 'hono';

const users = new Hono();

users.post('/', async (c) => {
  const prisma = c.get('prisma');
  const user = await prisma.user.create({ data: { email: 'a@b.c' } });
  await prisma.profile.create({ data: { userId: user.id } });
  return c.json(user);
});

export default users;
`,
    });
    assert.deepEqual(calls(codeFile(result.codeFiles, 'routes/users.ts')), [
      [7, 'prisma', 'create', undefined],
      [8, 'prisma', 'create', undefined],
    ]);
  });

  it('a key set to something that is not a client, a Map\'s `get` outside Hono, and a key nobody sets: no client', () => {
    const result = run({
      '/app/src/middleware/db.ts': MIDDLEWARE,
      '/app/src/middleware/cache.ts': `import { createMiddleware } from 'hono/factory';\n\nexport const withCache = createMiddleware(async (c, next) => {\n  c.set('cache', new Map());\n  await next();\n});\n`,
      '/app/src/routes/misc.ts': `import { Hono } from 'hono';

const app = new Hono();
app.post('/x', async (c) => {
  await c.get('cache').delete('k');
  await c.var.store.delete('k');
  await c.var.requestId.update('k');
  return c.text('ok');
});

async function purge(c: Map<string, any>) {
  await c.get('db').delete('k');
}
`,
      '/app/src/jobs/sync.ts': `export async function sync(c: Map<string, any>) {
  await c.get('db').delete('orders');
  await c.get('db').insert('orders');
}
`,
    });
    assert.deepEqual(calls(codeFile(result.codeFiles, 'routes/misc.ts')), []);
    assert.deepEqual(calls(codeFile(result.codeFiles, 'jobs/sync.ts')), []);
  });

  it('incremental: the handlers follow a change of the middleware', () => {
    const analyzer = new CodeAnalyzer();
    const first = run({ '/app/src/middleware/db.ts': MIDDLEWARE, '/app/src/routes/orders.ts': ROUTES }, analyzer);
    assert.equal(codeFile(first.codeFiles, 'routes/orders.ts').calls.length, 4);
    const second = run({ '/app/src/middleware/db.ts': MIDDLEWARE.replace("c.set('db', drizzle(c.env.DB, { schema }));", "c.set('db', c.env.DB);"), '/app/src/routes/orders.ts': ROUTES }, analyzer);
    assert.equal(codeFile(second.codeFiles, 'routes/orders.ts').calls.length, 0);
  });
});

describe('Hono: a client the middleware destructures from a factory, and the wrap through `c.var.db`', () => {
  const files = {
    '/app/src/db/client.ts': `import { drizzle } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';
import * as schema from './schema';

export function createDb(url: string) {
  const sql = postgres(url, { max: 1 });
  const db = drizzle(sql, { schema });
  return { db, sql };
}
`,
    '/app/src/middleware/db.ts': `import { createMiddleware } from 'hono/factory';
import { createDb } from '../db/client';

export const withDb = createMiddleware(async (c, next) => {
  const { db, sql } = createDb(c.env.DATABASE_URL);
  c.set('db', db);
  c.set('sql', sql);
  try {
    await next();
  } finally {
    await sql.end();
  }
});
`,
    '/app/src/routes/orders.ts': `import { Hono } from 'hono';
import { eq } from 'drizzle-orm';
import { orders, stock } from '../db/schema';

export const app = new Hono();

app.post('/orders', async (c) => {
  const body = await c.req.json<{ sku: string; qty: number }>();
  await c.var.db.insert(orders).values({ sku: body.sku, qty: body.qty });
  await c.var.db.update(stock).set({ reserved: true }).where(eq(stock.sku, body.sku));
  await c.var.sql.end();
  return c.json({ ok: true }, 201);
});
`,
  };

  it('`c.var.db` is the postgres-js client; `c.var.sql` (not a client) is not; the wrap runs on `c.var.db.transaction`', () => {
    const result = run(files);
    const file = codeFile(result.codeFiles, 'routes/orders.ts');
    assert.deepEqual(calls(file), [
      [9, 'c.var.db', 'insert', 'drizzle-orm/postgres-js'],
      [10, 'c.var.db', 'update', 'drizzle-orm/postgres-js'],
    ]);
    const found = runRule(multiWriteWithoutTransaction, { codeFiles: result.codeFiles });
    assert.equal(found.length, 1);
    const fix = found[0].fixes?.[0];
    assert.ok(fix);
    const text = files['/app/src/routes/orders.ts'];
    const edits = codeFrontEnd.writeFix(fix.intent, { read: (p) => (p === file.file ? text : undefined) });
    assert.ok(edits);
    const after = applyEdits(text, edits[0].edits);
    assert.equal(syntaxErrors(file.file, after), 0);
    assert.match(after, /await c\.var\.db\.transaction\(async \(tx\) => \{\n\s+await tx\.insert\(orders\)[^\n]*\n\s+await tx\.update\(stock\)/);
  });
});
