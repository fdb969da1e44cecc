/**
 * Client factories imported from another module of the workspace (`import { getDb } from '~/db'` then
 * `const db = getDb(c.env)` in a handler): the usual shape of Cloudflare Workers, edge routes and serverless
 * handlers. The variable is a client of the factory's ORM, with the factory's Drizzle driver.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { multiWriteWithoutTransaction } from '../../../rules/transactions/multi-write-without-transaction';
import { analyzeCode, CodeAnalyzer } from '../../../server/src/languages/code';
import type { SourceReader } from '../../../server/src/languages/types';
import { runRule } from '../../helpers/code-model';
import { analyzeFixture, codeFile, FIXTURES, line } from './helpers';

const calls = (file: { calls: { loc: { range: { start: { line: number } } }; client: string; operation: string; driver?: string }[] }) =>
  file.calls.map((c) => [line(c), c.client, c.operation, c.driver]);

describe('client factories imported from a workspace module', () => {
  const { analysis } = analyzeFixture(`${FIXTURES}/worker-app`);

  it('a Worker route: `getDb(c.env)` imported through a tsconfig path is a D1 client', () => {
    assert.deepEqual(analysis.diagnostics, []);
    assert.deepEqual(calls(codeFile(analysis.codeFiles, 'routes/orders.ts')), [
      [12, 'db', 'insert', 'drizzle-orm/d1'],
      [14, 'db', 'select', 'drizzle-orm/d1'],
      [16, 'db', 'insert', 'drizzle-orm/d1'],
      [23, 'db', 'select', 'drizzle-orm/d1'],
    ]);
    const select = codeFile(analysis.codeFiles, 'routes/orders.ts').calls[1];
    assert.equal(select.loop?.kind, 'for-of');
  });

  it('through a barrel that renames it, and an async factory caching its client in a module variable', () => {
    assert.deepEqual(calls(codeFile(analysis.codeFiles, 'routes/admin.ts')), [
      [12, 'db', 'delete', 'drizzle-orm/d1'],
      [13, 'db', 'delete', 'drizzle-orm/d1'],
      [19, 'reporting', 'execute', 'drizzle-orm/postgres-js'],
      [20, 'reporting', 'execute', 'drizzle-orm/postgres-js'],
    ]);
  });

  it('multi-write-without-transaction sees the handlers\' writes, with the D1 advice (no transaction wrapper)', () => {
    const found = runRule(multiWriteWithoutTransaction, { codeFiles: analysis.codeFiles });
    const where = found.map((f) => `${f.loc.file.slice(f.loc.file.indexOf('/src/') + 1)}:${f.loc.range.start.line + 1}`).sort();
    assert.deepEqual(where, ['src/routes/admin.ts:12', 'src/routes/admin.ts:19', 'src/routes/orders.ts:12']);
    const d1 = found.find((f) => f.loc.file.endsWith('admin.ts') && f.loc.range.start.line === 11)!;
    assert.match(d1.message, /D1/);
    assert.deepEqual(d1.fixes ?? [], []);
    // postgres-js has interactive transactions: the rebuild gets the wrapper.
    const rebuild = found.find((f) => f.loc.file.endsWith('admin.ts') && f.loc.range.start.line === 18)!;
    assert.ok((rebuild.fixes ?? []).length > 0);
  });
});

/** An in-memory workspace (with a package.json for the `@/` alias). */
function run(files: Record<string, string>, analyzer?: CodeAnalyzer) {
  const map = new Map(Object.entries({ '/app/package.json': '{ "name": "app" }', ...files }));
  const reader: SourceReader = { read: (p) => map.get(p) };
  const list = Object.keys(files).sort();
  const result = analyzer ? analyzer.analyze(list, reader) : analyzeCode(list, reader);
  if (analyzer) assert.deepEqual(result, analyzeCode(list, reader), 'incremental result equals a fresh analysis');
  return result;
}

const PRISMA_SINGLETON = `import { PrismaClient } from '@prisma/client';

let prisma: PrismaClient | undefined;

export function getPrisma() {
  if (!prisma) {
    prisma = new PrismaClient({ log: ['error'] });
  }
  return prisma;
}
`;

describe('factory shapes', () => {
  it('Prisma: a lazily created client (`if (!prisma) prisma = new PrismaClient()`) behind the `@/` alias and `export *`', () => {
    const result = run({
      '/app/src/lib/prisma.ts': PRISMA_SINGLETON,
      '/app/src/lib/index.ts': `export * from './prisma';\nexport * from './session';\n`,
      '/app/src/lib/session.ts': `export const SESSION_COOKIE = 'sid';\n`,
      '/app/src/app/api/signup/route.ts': `import { getPrisma } from '@/lib';

export async function POST(request: Request) {
  const prisma = getPrisma();
  const { email } = await request.json();
  const user = await prisma.user.create({ data: { email } });
  await prisma.auditLog.create({ data: { action: 'signup', userId: user.id } });
  return Response.json(user);
}
`,
    });
    assert.deepEqual(calls(codeFile(result.codeFiles, 'signup/route.ts')), [
      [6, 'prisma', 'create', undefined],
      [7, 'prisma', 'create', undefined],
    ]);
  });

  it('an arrow body, a default export, `await` of an async factory, and a relative import', () => {
    const result = run({
      '/app/src/db/client.ts': `import { drizzle } from 'drizzle-orm/neon-http';
import { neon } from '@neondatabase/serverless';

export default async function createDb() {
  return drizzle(neon(process.env.DATABASE_URL!));
}

export const db = (url: string) => drizzle(neon(url));
`,
      '/app/src/handlers/payments.ts': `import createDb, { db as connect } from '../db/client';
import { payments, ledger } from '../db/schema';

export async function handler(event: { body: string }) {
  const db = await createDb();
  const other = connect(process.env.REPLICA_URL!);
  const payment = JSON.parse(event.body);
  await db.insert(payments).values(payment);
  await other.insert(ledger).values({ paymentId: payment.id });
}
`,
    });
    assert.deepEqual(calls(codeFile(result.codeFiles, 'handlers/payments.ts')), [
      [8, 'db', 'insert', 'drizzle-orm/neon-http'],
      [9, 'other', 'insert', 'drizzle-orm/neon-http'],
    ]);
  });

  it('CommonJS: `const { getPrisma } = require(\'../lib/db\')`', () => {
    const result = run({
      '/app/lib/db.js': `const { PrismaClient } = require('@prisma/client');
let client;
function getPrisma() {
  client = client || new PrismaClient();
  return client;
}
module.exports = { getPrisma };
`,
      '/app/api/users.js': `const { getPrisma } = require('../lib/db');
module.exports = async function handler(req, res) {
  const prisma = getPrisma();
  await prisma.user.deleteMany({ where: { id: req.query.id } });
  res.end();
};
`,
    });
    assert.deepEqual(calls(codeFile(result.codeFiles, 'api/users.js')), [[4, 'prisma', 'deleteMany', undefined]]);
  });

  it('an imported function that returns something else is not a client, and hides a client of the same name', () => {
    const result = run({
      '/app/src/lib/prisma.ts': `import { PrismaClient } from '@prisma/client';
export const prisma = new PrismaClient();
export function getConfig() {
  return { user: { create: async (_: unknown) => undefined } };
}
`,
      '/app/src/routes/config.ts': `import { getConfig, prisma as client } from '../lib/prisma';
export async function seed() {
  const client = getConfig();
  await client.user.create({ data: {} });
}
`,
    });
    assert.deepEqual(calls(codeFile(result.codeFiles, 'routes/config.ts')), []);
  });

  it('a module-level client made by an imported factory is a client its importers see', () => {
    const result = run({
      '/app/src/db/factory.ts': `import { drizzle } from 'drizzle-orm/d1';
export const makeDb = (binding: D1Database) => drizzle(binding);
`,
      '/app/src/db/index.ts': `import { makeDb } from './factory';
declare const env: { DB: D1Database };
export const db = makeDb(env.DB);
`,
      // (Sorts before the module it imports from: the module's client is known before any file is walked.)
      '/app/src/api/cleanup.ts': `import { db } from '../db';
export async function cleanup() {
  await db.delete(sessions);
}
`,
    });
    assert.deepEqual(calls(codeFile(result.codeFiles, 'api/cleanup.ts')), [[3, 'db', 'delete', 'drizzle-orm/d1']]);
  });
});

describe('incremental analysis with imported factories', () => {
  const DB = '/app/src/db/index.ts';
  const ROUTE = '/app/src/routes/orders.ts';
  const OTHER = '/app/src/routes/health.ts';
  const files = (driver: string) => ({
    [DB]: `import { drizzle } from '${driver}';\nexport function getDb(env: { DB: any }) {\n  return drizzle(env.DB);\n}\n`,
    [ROUTE]: `import { getDb } from '@/db';\nexport async function place(env: { DB: any }) {\n  const db = getDb(env);\n  await db.insert(orders).values({});\n  await db.insert(items).values({});\n}\n`,
    [OTHER]: `export function health() {\n  return 'ok';\n}\n`,
  });

  it('changing the factory\'s driver (d1 → node-postgres) changes the dependent file\'s facts', () => {
    const analyzer = new CodeAnalyzer();
    const before = run(files('drizzle-orm/d1'), analyzer);
    assert.deepEqual(codeFile(before.codeFiles, 'orders.ts').calls.map((c) => c.driver), ['drizzle-orm/d1', 'drizzle-orm/d1']);
    const after = run(files('drizzle-orm/node-postgres'), analyzer);
    assert.deepEqual(analyzer.parsedFiles.sort(), [DB, ROUTE]);
    assert.deepEqual(codeFile(after.codeFiles, 'orders.ts').calls.map((c) => c.driver), ['drizzle-orm/node-postgres', 'drizzle-orm/node-postgres']);
    // Unchanged again: nothing is parsed.
    run(files('drizzle-orm/node-postgres'), analyzer);
    assert.deepEqual(analyzer.parsedFiles, []);
  });

  it('a factory that stops returning a client drops the dependent file\'s calls', () => {
    const analyzer = new CodeAnalyzer();
    run(files('drizzle-orm/d1'), analyzer);
    const changed = { ...files('drizzle-orm/d1'), [DB]: `import { drizzle } from 'drizzle-orm/d1';\nexport function getDb(env: { DB: any }) {\n  return env.DB;\n}\n` };
    const after = run(changed, analyzer);
    assert.deepEqual(codeFile(after.codeFiles, 'orders.ts').calls, []);
  });
});

describe('getters of a module client', () => {
  it('`export const getDb = () => db` and `function getPrisma() { return prisma }` return the module\'s client', () => {
    const result = run({
      '/app/src/server/db.ts': `import { drizzle } from 'drizzle-orm/neon-serverless';
import { Pool } from '@neondatabase/serverless';
import { PrismaClient } from '@prisma/client';

const globalForDb = globalThis as unknown as { db?: ReturnType<typeof drizzle>; prisma?: PrismaClient };
const db = globalForDb.db ?? drizzle(new Pool({ connectionString: process.env.DATABASE_URL }));
const prisma = globalForDb.prisma ?? new PrismaClient();

export const getDb = () => db;
export function getPrisma() {
  return prisma;
}
export function getPool() {
  return new Pool({ connectionString: process.env.DATABASE_URL });
}
`,
      '/app/src/app/api/invite/route.ts': `import { getDb, getPool, getPrisma } from '@/server/db';

export async function POST() {
  const db = getDb();
  const prisma = getPrisma();
  const pool = getPool();
  await db.insert(invites).values({ email: 'a@b.c' });
  await prisma.auditLog.create({ data: { action: 'invite' } });
  await pool.query('SELECT 1');
}
`,
    });
    assert.deepEqual(calls(codeFile(result.codeFiles, 'invite/route.ts')), [
      [7, 'db', 'insert', 'drizzle-orm/neon-serverless'],
      [8, 'prisma', 'create', undefined],
    ]);
  });
});

describe('namespace imports', () => {
  it('`import * as database from \'../db\'` then `database.getDb(env)`; changing the factory re-walks the importer', () => {
    const DB = '/app/src/db/index.ts';
    const files = (driver: string) => ({
      [DB]: `import { drizzle } from '${driver}';\nexport function getDb(env: { DB: any }) {\n  return drizzle(env.DB);\n}\n`,
      '/app/src/routes/sessions.ts': `import * as database from '../db';
export async function logout(env: { DB: any }, token: string) {
  const db = database.getDb(env);
  await db.delete(sessions).where(eq(sessions.token, token));
}
`,
    });
    const analyzer = new CodeAnalyzer();
    const before = run(files('drizzle-orm/d1'), analyzer);
    assert.deepEqual(calls(codeFile(before.codeFiles, 'routes/sessions.ts')), [[4, 'db', 'delete', 'drizzle-orm/d1']]);
    const after = run(files('drizzle-orm/node-postgres'), analyzer);
    assert.deepEqual(calls(codeFile(after.codeFiles, 'routes/sessions.ts')), [[4, 'db', 'delete', 'drizzle-orm/node-postgres']]);
  });
});
