/**
 * Client discovery beyond a direct factory: a factory wrapping another module's factory
 * (`export const getDb = () => createDb(env.DATABASE_URL)`), and its negatives (a wrapper of something that is
 * not provably a client factory gives no client).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { multiWriteWithoutTransaction } from '../../../rules/transactions/multi-write-without-transaction';
import { analyzeCode, CodeAnalyzer, codeFrontEnd } from '../../../server/src/languages/code';
import type { SourceReader } from '../../../server/src/languages/types';
import { runRule } from '../../helpers/code-model';
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

const CREATE_DB = `import { drizzle } from 'drizzle-orm/node-postgres';
import { Pool } from 'pg';
import * as schema from './schema';

export function createDb(url: string) {
  return drizzle(new Pool({ connectionString: url }), { schema });
}
`;

const PLACE_ORDER = `import { getDb } from '../lib/db';
import { auditLog, orders } from '../lib/schema';

export async function placeOrder(userId: number) {
  const db = getDb();
  const [order] = await db.insert(orders).values({ userId, status: 'new' }).returning();
  await db.insert(auditLog).values({ action: \`order \${order.id}\` });
  return order;
}
`;

describe('a factory that wraps another module\'s client factory', () => {
  it('`export const getDb = () => createDb(env.DATABASE_URL)` with `createDb` imported: a client with its driver', () => {
    const result = run({
      '/app/src/lib/create-db.ts': CREATE_DB,
      '/app/src/lib/db.ts': `import { createDb } from './create-db';
import { env } from './env';

export const getDb = () => createDb(env.DATABASE_URL);
`,
      // Listed first: the handler is analyzed before the module that defines its factory.
      '/app/src/a-routes/orders.ts': PLACE_ORDER.replace('../lib/db', '../lib/db').replace(/\.\.\/lib/g, '../lib'),
    });
    assert.deepEqual(calls(codeFile(result.codeFiles, 'a-routes/orders.ts')), [
      [6, 'db', 'insert', 'drizzle-orm/node-postgres'],
      [7, 'db', 'insert', 'drizzle-orm/node-postgres'],
    ]);
    const found = runRule(multiWriteWithoutTransaction, { codeFiles: result.codeFiles });
    assert.equal(found.length, 1);
    assert.match(found[0].message, /2 writes in `placeOrder`/);
  });

  it('a function declaration returning the awaited factory, two levels of wrapping, and a local wrapper', () => {
    const result = run({
      '/app/src/lib/create-db.ts': CREATE_DB,
      '/app/src/lib/db.ts': `import { createDb } from './create-db';

export async function getDb() {
  return await createDb(process.env.DATABASE_URL!);
}
`,
      '/app/src/lib/request-db.ts': `import { getDb } from './db';

export const requestDb = () => getDb();
`,
      '/app/src/routes/orders.ts': `import { requestDb } from '../lib/request-db';
import { createDb } from '../lib/create-db';
import { auditLog, orders } from '../lib/schema';

const reportingDb = () => createDb(process.env.REPORTING_URL!);

export async function placeOrder(userId: number) {
  const db = await requestDb();
  await db.insert(orders).values({ userId, status: 'new' });
  await reportingDb().insert(auditLog).values({ action: 'order' });
}
`,
    });
    assert.deepEqual(calls(codeFile(result.codeFiles, 'routes/orders.ts')), [
      [9, 'db', 'insert', 'drizzle-orm/node-postgres'],
      // A factory called where the client is used: `reportingDb()` is the client.
      [10, 'reportingDb()', 'insert', 'drizzle-orm/node-postgres'],
    ]);
  });

  it('a wrapper of a function that is not a client factory gives no client', () => {
    const result = run({
      '/app/src/lib/cache.ts': `export function createCache(url: string) {
  return new Map<string, string>([['url', url]]);
}
`,
      '/app/src/lib/db.ts': `import { createCache } from './cache';

export const getDb = () => createCache(process.env.REDIS_URL!);
`,
      '/app/src/routes/orders.ts': `import { getDb } from '../lib/db';

export async function touch() {
  const db = getDb();
  await db.delete('x');
  await db.update('y');
}
`,
    });
    assert.deepEqual(calls(codeFile(result.codeFiles, 'routes/orders.ts')), []);
  });

  it('incremental: the wrapper follows a change of the wrapped factory\'s module', () => {
    const analyzer = new CodeAnalyzer();
    const files = {
      '/app/src/lib/create-db.ts': CREATE_DB,
      '/app/src/lib/db.ts': `import { createDb } from './create-db';\n\nexport const getDb = () => createDb(process.env.DATABASE_URL!);\n`,
      '/app/src/routes/orders.ts': PLACE_ORDER,
    };
    const first = run(files, analyzer);
    assert.equal(codeFile(first.codeFiles, 'routes/orders.ts').calls.length, 2);
    const second = run({ ...files, '/app/src/lib/create-db.ts': CREATE_DB.replace('return drizzle(', 'return makePool(') }, analyzer);
    assert.equal(codeFile(second.codeFiles, 'routes/orders.ts').calls.length, 0);
  });
});

describe('a client destructured from what a factory returns', () => {
  const CLIENTS = `import { PrismaClient } from '@prisma/client';
import { drizzle } from 'drizzle-orm/node-postgres';
import { Pool } from 'pg';

export function createDb(url = process.env.DATABASE_URL) {
  const pool = new Pool({ connectionString: url });
  const db = drizzle(pool);
  return { db, pool };
}

export async function getClients() {
  return { prisma: new PrismaClient(), cache: new Map<string, string>() };
}
`;

  it('`const { db } = createDb()` (module level and in a function) and `const { prisma } = await getClients()`', () => {
    const result = run({
      '/app/src/lib/clients.ts': CLIENTS,
      '/app/src/services/orders.ts': `import { createDb, getClients } from '../lib/clients';
import { auditLog, orders } from '../lib/schema';

const { db: shared } = createDb();

export async function placeOrder(userId: number) {
  const { db, pool } = createDb();
  await db.insert(orders).values({ userId, status: 'new' });
  await shared.insert(auditLog).values({ action: 'order' });
  await pool.end();
}

export async function register(email: string) {
  const { prisma, cache } = await getClients();
  const user = await prisma.user.create({ data: { email } });
  await prisma.profile.create({ data: { userId: user.id } });
  await cache.delete(email);
}
`,
    });
    assert.deepEqual(calls(codeFile(result.codeFiles, 'services/orders.ts')), [
      [8, 'db', 'insert', 'drizzle-orm/node-postgres'],
      [9, 'shared', 'insert', 'drizzle-orm/node-postgres'],
      [15, 'prisma', 'create', undefined],
      [16, 'prisma', 'create', undefined],
    ]);
  });

  it('a property that is not a client, and a name bound by a later declaration, give no client', () => {
    const result = run({
      '/app/src/lib/clients.ts': CLIENTS,
      '/app/src/services/cache.ts': `import { createDb, getClients } from '../lib/clients';

export async function flush() {
  const { pool: db } = createDb();
  await db.delete('x');
  const { cache: prisma } = await getClients();
  await prisma.user.delete('x');
}
`,
    });
    assert.deepEqual(calls(codeFile(result.codeFiles, 'services/cache.ts')), []);
  });

  it('incremental: the destructured client follows a change of the factory', () => {
    const analyzer = new CodeAnalyzer();
    const handler = `import { createDb } from '../lib/clients';\n\nexport async function go() {\n  const { db } = createDb();\n  await db.insert(a).values({});\n}\n`;
    const first = run({ '/app/src/lib/clients.ts': CLIENTS, '/app/src/services/go.ts': handler }, analyzer);
    assert.equal(codeFile(first.codeFiles, 'services/go.ts').calls.length, 1);
    const second = run({ '/app/src/lib/clients.ts': CLIENTS.replace('const db = drizzle(pool);', 'const db = pool;'), '/app/src/services/go.ts': handler }, analyzer);
    assert.equal(codeFile(second.codeFiles, 'services/go.ts').calls.length, 0);
  });
});

describe('a factory called where its client is used (`getDb().insert(…)`)', () => {
  const files = {
    '/app/src/lib/create-db.ts': CREATE_DB,
    '/app/src/services/orders.ts': `import { createDb } from '../lib/create-db';
import { auditLog, orders } from '../lib/schema';

const getDb = () => createDb(process.env.DATABASE_URL!);

export async function placeOrder(userId: number) {
  await getDb().insert(orders).values({ userId, status: 'new' });
  await getDb().insert(auditLog).values({ action: 'order' });
}

export async function local(getDb: () => Map<string, string>) {
  await getDb().delete('x');
}
`,
  };

  it('is a client; the wrap opens the transaction on it and uses `tx` inside', () => {
    const result = run(files);
    const file = codeFile(result.codeFiles, 'services/orders.ts');
    // The parameter `getDb` of `local` hides the module's factory.
    assert.deepEqual(calls(file), [
      [7, 'getDb()', 'insert', 'drizzle-orm/node-postgres'],
      [8, 'getDb()', 'insert', 'drizzle-orm/node-postgres'],
    ]);
    const found = runRule(multiWriteWithoutTransaction, { codeFiles: result.codeFiles });
    assert.equal(found.length, 1);
    const fix = found[0].fixes?.[0];
    assert.ok(fix);
    const text = files['/app/src/services/orders.ts'];
    const edits = codeFrontEnd.writeFix(fix.intent, { read: (p) => (p === file.file ? text : undefined) });
    assert.ok(edits);
    const after = applyEdits(text, edits[0].edits);
    assert.equal(syntaxErrors(file.file, after), 0);
    assert.match(after, /await getDb\(\)\.transaction\(async \(tx\) => \{\n\s+await tx\.insert\(orders\)[^\n]*\n\s+await tx\.insert\(auditLog\)/);
  });
});
