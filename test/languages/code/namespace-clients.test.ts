/**
 * Clients reached through a namespace import or a CommonJS module object: `import * as db from './db'` then
 * `db.getDb().insert(orders)` / `db.prisma.order.create(…)`, and `const db = require('./db')` then
 * `db.getPrisma().order.create(…)`: the same facts as a named import's `getDb().insert(…)` (client text aside).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { analyzeCode, CodeAnalyzer, codeFrontEnd } from '../../../server/src/languages/code';
import type { SourceReader } from '../../../server/src/languages/types';
import { applyEdits, codeFile, line, syntaxErrors } from './helpers';

type Files = Record<string, string>;

function run(files: Files, analyzer?: CodeAnalyzer) {
  const map = new Map(Object.entries({ '/app/package.json': '{ "name": "shop" }', ...files }));
  const reader: SourceReader = { read: (p) => map.get(p) };
  const list = Object.keys(files).sort();
  const result = analyzer ? analyzer.analyze(list, reader) : analyzeCode(list, reader);
  if (analyzer) assert.deepEqual(result, analyzeCode(list, reader), 'incremental result equals a fresh analysis');
  return { result, reader };
}

const facts = (file: { calls: { loc: { range: { start: { line: number } } }; client: string; operation: string; orm: string; driver?: string; kind: string }[] }) =>
  file.calls.map((c) => [line(c), c.client, c.orm, c.operation, c.kind, c.driver]);

const CREATE_DB = (driver = 'drizzle-orm/node-postgres') => `import { drizzle } from '${driver}';
import { Pool } from 'pg';
import * as schema from './schema';

export function createDb(url: string) {
  return drizzle(new Pool({ connectionString: url }), { schema });
}
`;

const DB_WRAPPER = `import { createDb } from './create-db';
import { env } from './env';

export const getDb = () => createDb(env.DATABASE_URL);
export const getConfig = () => ({ url: env.DATABASE_URL });
`;

const ORDERS = (importLine: string, db: string) => `${importLine}
import { auditLog, orders } from '../lib/schema';

export async function placeOrder(userId: number) {
  const [order] = await ${db}.insert(orders).values({ userId, status: 'new' }).returning();
  await ${db}.insert(auditLog).values({ action: \`order \${order.id}\` });
  return order;
}
`;

const PRISMA_DB = `import { PrismaClient } from '@prisma/client';

const globalForPrisma = globalThis as unknown as { prisma?: PrismaClient };

export const prisma = globalForPrisma.prisma ?? new PrismaClient();

export function getPrisma() {
  return prisma;
}
`;

const CHECKOUT = (importLine: string, client: string) => `${importLine}

export async function checkout(userId: string, total: number) {
  const order = await ${client}.order.create({ data: { userId, total, status: 'new' } });
  await ${client}.payment.create({ data: { orderId: order.id, amount: total, state: 'pending' } });
  return order;
}
`;

describe('namespace-imported client factories and clients', () => {
  it('Drizzle: `import * as db` then `db.getDb().insert(…)`, the factory a wrapper of another module\'s: the named import\'s facts', () => {
    const base = { '/app/src/lib/create-db.ts': CREATE_DB(), '/app/src/lib/db.ts': DB_WRAPPER };
    const ns = run({ ...base, '/app/src/routes/orders.ts': ORDERS(`import * as db from '../lib/db';`, 'db.getDb()') }).result;
    const named = run({ ...base, '/app/src/routes/orders.ts': ORDERS(`import { getDb } from '../lib/db';`, 'getDb()') }).result;
    const expected = [
      [5, 'db.getDb()', 'drizzle', 'insert', 'write', 'drizzle-orm/node-postgres'],
      [6, 'db.getDb()', 'drizzle', 'insert', 'write', 'drizzle-orm/node-postgres'],
    ];
    assert.deepEqual(facts(codeFile(ns.codeFiles, 'routes/orders.ts')), expected);
    assert.deepEqual(
      facts(codeFile(named.codeFiles, 'routes/orders.ts')),
      expected.map(([l, , ...rest]) => [l, 'getDb()', ...rest]),
    );
  });

  it('Prisma: `db.prisma.order.create` and `db.getPrisma().order.create` of a namespace import', () => {
    for (const client of ['db.prisma', 'db.getPrisma()']) {
      const { result } = run({ '/app/src/lib/db.ts': PRISMA_DB, '/app/src/services/checkout.ts': CHECKOUT(`import * as db from '../lib/db';`, client) });
      assert.deepEqual(facts(codeFile(result.codeFiles, 'checkout.ts')), [
        [4, client, 'prisma', 'create', 'write', undefined],
        [5, client, 'prisma', 'create', 'write', undefined],
      ], client);
    }
  });

  it('CommonJS: `const db = require(\'../lib/db\')` then `db.prisma…` and `db.getPrisma()…`', () => {
    const DB_JS = `const { PrismaClient } = require('@prisma/client');

const prisma = new PrismaClient();

function getPrisma() {
  return prisma;
}

module.exports = { prisma, getPrisma };
`;
    for (const client of ['db.prisma', 'db.getPrisma()']) {
      const { result } = run({ '/app/src/lib/db.js': DB_JS, '/app/src/services/checkout.js': CHECKOUT(`const db = require('../lib/db');`, client) });
      assert.deepEqual(facts(codeFile(result.codeFiles, 'checkout.js')).map((f) => f.slice(0, 5)), [
        [4, client, 'prisma', 'create', 'write'],
        [5, client, 'prisma', 'create', 'write'],
      ], client);
    }
  });

  it('a member that is not a factory, a parameter or variable hiding the namespace, a package namespace: no calls', () => {
    const base = { '/app/src/lib/create-db.ts': CREATE_DB(), '/app/src/lib/db.ts': DB_WRAPPER };
    const cases: [string, string][] = [
      [`import * as db from '../lib/db';`, 'db.getConfig()'],
      [`import * as db from 'some-db-package';`, 'db.getDb()'],
    ];
    for (const [importLine, client] of cases) {
      const { result } = run({ ...base, '/app/src/routes/orders.ts': ORDERS(importLine, client) });
      assert.deepEqual(codeFile(result.codeFiles, 'routes/orders.ts').calls, [], importLine + client);
    }
    const hidden = `import * as db from '../lib/db';
import { orders } from '../lib/schema';

export async function seed(db: { getDb(): { insert(t: unknown): { values(v: unknown): Promise<void> } } }) {
  await db.getDb().insert(orders).values({ userId: 1 });
}

export async function seedAll() {
  const db = { getDb: () => ({ insert: (_t: unknown) => ({ values: async (_v: unknown) => {} }) }) };
  await db.getDb().insert(orders).values({ userId: 2 });
}
`;
    const { result } = run({ ...base, '/app/src/routes/seed.ts': hidden });
    assert.deepEqual(codeFile(result.codeFiles, 'routes/seed.ts').calls, []);
  });

  it('incremental: changing the wrapped factory\'s driver re-walks the namespace importer', () => {
    const analyzer = new CodeAnalyzer();
    const files = (driver: string) => ({
      '/app/src/lib/create-db.ts': CREATE_DB(driver),
      '/app/src/lib/db.ts': DB_WRAPPER,
      '/app/src/routes/orders.ts': ORDERS(`import * as db from '../lib/db';`, 'db.getDb()'),
    });
    const before = run(files('drizzle-orm/node-postgres'), analyzer).result;
    assert.deepEqual(codeFile(before.codeFiles, 'routes/orders.ts').calls.map((c) => c.driver), ['drizzle-orm/node-postgres', 'drizzle-orm/node-postgres']);
    const after = run(files('drizzle-orm/neon-http'), analyzer).result;
    assert.deepEqual(codeFile(after.codeFiles, 'routes/orders.ts').calls.map((c) => c.driver), ['drizzle-orm/neon-http', 'drizzle-orm/neon-http']);
  });

  it('the wrap opens the transaction on `db.getDb()` and uses `tx` inside', () => {
    const text = ORDERS(`import * as db from '../lib/db';`, 'db.getDb()');
    const path = '/app/src/routes/orders.ts';
    const { result, reader } = run({ '/app/src/lib/create-db.ts': CREATE_DB(), '/app/src/lib/db.ts': DB_WRAPPER, [path]: text });
    const file = codeFile(result.codeFiles, 'routes/orders.ts');
    const edits = codeFrontEnd.writeFix({ kind: 'wrapInTransaction', file, calls: file.calls, transactionClient: 'tx' }, reader);
    assert.ok(edits);
    const after = applyEdits(text, edits[0].edits);
    assert.equal(syntaxErrors(path, after), 0);
    assert.match(after, /const order = await db\.getDb\(\)\.transaction\(async \(tx\) => \{\n    const \[order\] = await tx\.insert\(orders\)/);
    assert.match(after, /await tx\.insert\(auditLog\)/);
  });

  it('`const db = ns.getDb()` and `const { db } = ns.createDb()` (module level, in a function, `require`), and a module exporting one', () => {
    const DB = `import { drizzle } from 'drizzle-orm/node-postgres';
import { Pool } from 'pg';

export function getDb() {
  return drizzle(new Pool({ connectionString: process.env.DATABASE_URL }));
}

export function createDb() {
  const pool = new Pool({ connectionString: process.env.DATABASE_URL });
  const db = drizzle(pool);
  return { db, pool };
}
`;
    const handler = (importLine: string, moduleLine: string, inFunction: string) => `${importLine}
import { orders } from '../lib/schema';
${moduleLine}
export async function cancelOrder(id: number) {
  ${inFunction}
  await db.update(orders).set({ status: 'cancelled' }).where(eq(orders.id, id));
}
`;
    const cases: [string, string, string][] = [
      [`import * as dbm from '../lib/db';`, 'const db = dbm.getDb();', ''],
      [`import * as dbm from '../lib/db';`, 'const { db } = dbm.createDb();', ''],
      [`import * as dbm from '../lib/db';`, '', 'const { db } = dbm.createDb();'],
      [`const dbm = require('../lib/db');`, 'const db = dbm.getDb();', ''],
      [`const dbm = require('../lib/db');`, '', 'const { db } = await dbm.createDb();'],
    ];
    for (const [importLine, moduleLine, inFunction] of cases) {
      const { result } = run({ '/app/src/lib/db.ts': DB, '/app/src/routes/orders.ts': handler(importLine, moduleLine, inFunction) });
      assert.deepEqual(facts(codeFile(result.codeFiles, 'routes/orders.ts')), [[6, 'db', 'drizzle', 'update', 'write', 'drizzle-orm/node-postgres']], importLine + moduleLine + inFunction);
    }
    // A module exporting the client it makes through a namespace import; its importer is analyzed first.
    const { result } = run({
      '/app/src/lib/db.ts': DB,
      '/app/src/lib/client.ts': `import * as dbm from './db';\n\nexport const { db } = dbm.createDb();\nexport const replica = dbm.getDb();\n`,
      '/app/src/a-jobs/expire.ts': `import { db, replica } from '../lib/client';
import { orders } from '../lib/schema';

export async function expireOrders() {
  const stale = await replica.select().from(orders).where(eq(orders.status, 'new'));
  await db.delete(orders).where(inArray(orders.id, stale.map((o) => o.id)));
}
`,
    });
    assert.deepEqual(facts(codeFile(result.codeFiles, 'a-jobs/expire.ts')), [
      [5, 'replica', 'drizzle', 'select', 'read', 'drizzle-orm/node-postgres'],
      [6, 'db', 'drizzle', 'delete', 'write', 'drizzle-orm/node-postgres'],
    ]);
  });
});
