import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { codeFrontEnd } from '../../../server/src/languages/code';
import { analyzeFixture, analyzeText, applyEdits as applyEditsTo, applyFix, codeFile, FIXTURES, prismaDatabase, syntaxErrors } from './helpers';

const TRPC_APP = `${FIXTURES}/trpc-app`;

describe('tRPC procedures: ctx.db is the client the context holds', () => {
  const { analysis, reader } = analyzeFixture(TRPC_APP, [prismaDatabase(['Post', 'AuditLog', 'User'])]);
  const router = codeFile(analysis.codeFiles, 'routers/post.ts');

  it('finds the Prisma calls made through ctx.db in .mutation/.query callbacks', () => {
    const calls = router.calls.map((c) => `${c.loc.range.start.line + 1}:${c.client}.${c.model}.${c.operation}`);
    assert.deepEqual(calls, [
      '8:ctx.db.post.update',
      '13:ctx.db.auditLog.create',
      '20:ctx.db.post.findMany',
      '25:ctx.db.post.updateMany',
    ]);
    assert.ok(router.calls.every((c) => c.orm === 'prisma'));
  });

  it('reads the in-memory filter of a ctx.db result', () => {
    const findMany = router.calls.find((c) => c.operation === 'findMany')!;
    assert.ok(findMany.resultFilteredInMemory?.length);
  });

  it('wraps the two writes of one mutation in ctx.db.$transaction, through tx, keeping the comment', () => {
    const calls = router.calls.filter((c) => c.kind === 'write' && c.loc.range.start.line < 20);
    const edits = codeFrontEnd.writeFix({ kind: 'wrapInTransaction', file: router, calls, transactionClient: 'tx' }, reader);
    const after = applyFix(edits).get(router.file)!;
    assert.equal(syntaxErrors(router.file, after), 0);
    assert.match(after, /await ctx\.db\.\$transaction\(async \(tx\) => \{/);
    assert.match(after, /await tx\.post\.update\(\{/);
    assert.match(after, /await tx\.auditLog\.create\(\{/);
    assert.match(after, /\/\/ keep an audit trail of every publication/);
    // ctx itself (the session) is still read from the procedure's context
    assert.match(after, /userId: ctx\.session\.user\.id/);
  });

  it('does not take ctx of a middleware (.use) or of another framework for a client', () => {
    const trpc = codeFile(analysis.codeFiles, 'api/trpc.ts');
    assert.equal(trpc.calls.length, 0);
  });
});

describe('tRPC procedures: names', () => {
  it('a resolver is named by its router key, not `<module><callback>`', () => {
    const { analysis } = analyzeFixture(TRPC_APP, [prismaDatabase(['Post', 'AuditLog', 'User'])]);
    const router = codeFile(analysis.codeFiles, 'routers/post.ts');
    assert.deepEqual([...new Set(router.calls.map((c) => c.enclosingFunction))], ['publish', 'latest', 'archiveAll']);
  });
});

describe('route handlers: names', () => {
  it("an Express handler is named by its route (`router.post('/orders')`), not `<module><callback>`", () => {
    const text = [
      "import { Router } from 'express';",
      "import { drizzle } from 'drizzle-orm/postgres-js';",
      "import { orders, orderItems } from './schema';",
      'const db = drizzle(process.env.DATABASE_URL!);',
      'export const router = Router();',
      "router.post('/orders', async (req, res) => {",
      "  const [order] = await db.insert(orders).values({ userId: req.body.userId, status: 'new' }).returning();",
      '  await db.insert(orderItems).values(req.body.items.map((i: { sku: string }) => ({ orderId: order.id, sku: i.sku })));',
      '  res.json(order);',
      '});',
    ].join('\n');
    const { file } = analyzeText(text);
    assert.deepEqual(file.calls.map((c) => c.enclosingFunction), ["router.post('/orders')", "router.post('/orders')"]);
  });
});

describe('tRPC procedures with Drizzle', () => {
  const text = [
    "import { initTRPC } from '@trpc/server';",
    "import { drizzle } from 'drizzle-orm/postgres-js';",
    "import { eq } from 'drizzle-orm';",
    "import { likes, posts } from './schema';",
    'export const db = drizzle(process.env.DATABASE_URL!);',
    'const t = initTRPC.context<{ db: typeof db }>().create();',
    'export const router = t.router({',
    '  remove: t.procedure.mutation(async ({ ctx: { db: database }, input }: { ctx: { db: typeof db }; input: number }) => {',
    '    await database.delete(likes).where(eq(likes.postId, input));',
    '    await database.delete(posts).where(eq(posts.id, input));',
    '  }),',
    '  touch: t.procedure.use(async ({ ctx, next }) => {',
    '    await ctx.db.update(posts).set({ name: "x" });',
    '    return next();',
    '  }),',
    '});',
    '// Koa: ctx is a request context, not a resolver option',
    'export const koa = async (ctx: { db: { insert(x: unknown): unknown } }) => ctx.db.insert(posts);',
  ].join('\n');
  const { file, reader } = analyzeText(text);

  it('reads a client renamed out of the context (`{ ctx: { db: database } }`), and nothing outside resolvers', () => {
    assert.deepEqual(
      file.calls.map((c) => `${c.loc.range.start.line + 1}:${c.client}.${c.operation}(${c.model})`),
      ['9:database.delete(likes)', '10:database.delete(posts)'],
    );
  });

  it('wraps the resolver writes in database.transaction through tx', () => {
    const edits = codeFrontEnd.writeFix({ kind: 'wrapInTransaction', file, calls: file.calls, transactionClient: 'tx' }, reader);
    assert.ok(edits);
    const after = edits[0].edits.length ? applyEditsTo(text, edits[0].edits) : text;
    assert.equal(syntaxErrors(file.file, after), 0);
    assert.match(after, /await database\.transaction\(async \(tx\) => \{\n {6}await tx\.delete\(likes\)/);
    assert.match(after, /await tx\.delete\(posts\)/);
  });
});

describe('tRPC procedures: the options object (`async (opts) => opts.ctx.db…`)', () => {
  it('reads opts.ctx.db as the client, not opts of other callbacks', () => {
    const text = [
      "import { PrismaClient } from '@prisma/client';",
      "import { initTRPC } from '@trpc/server';",
      'export const db = new PrismaClient();',
      'const t = initTRPC.context<{ db: PrismaClient }>().create();',
      'export const router = t.router({',
      '  rename: t.procedure.mutation(async (opts) => {',
      "    await opts.ctx.db.user.update({ where: { id: 'a' }, data: { name: 'b' } });",
      "    await opts.ctx.db.auditLog.create({ data: { action: 'rename' } });",
      '  }),',
      '});',
      'export const notAResolver = async (opts: { ctx: { db: { user: { create(x: unknown): unknown } } } }) => opts.ctx.db.user.create({});',
    ].join('\n');
    const { file } = analyzeText(text);
    assert.deepEqual(
      file.calls.map((c) => `${c.loc.range.start.line + 1}:${c.client}.${c.model}.${c.operation}:${c.enclosingFunction}`),
      ['7:opts.ctx.db.user.update:rename', '8:opts.ctx.db.auditLog.create:rename'],
    );
  });
});

describe('route handlers: names only for the handler itself', () => {
  it('a callback that is not the resolver/handler argument keeps `<outer><callback>`', () => {
    const text = [
      "import { PrismaClient } from '@prisma/client';",
      'const prisma = new PrismaClient();',
      'declare const app: { get(path: string, ...handlers: unknown[]): void };',
      'declare const legacy: { query(sql: string, cb: () => void): void };',
      "app.get('/health', async () => { await prisma.user.count(); }, () => undefined);",
      "export const q = legacy.query('select 1', async () => { await prisma.user.deleteMany({ where: { email: 'x' } }); });",
    ].join('\n');
    const { file } = analyzeText(text);
    assert.deepEqual(file.calls.map((c) => c.enclosingFunction), ['<module><callback>', '<module><callback>']);
  });
});

describe('a job processor given to a constructor is named by its queue', () => {
  it("`new Worker('enrollments', async (job) => …)` is `new Worker('enrollments')`, not `<function>`", () => {
    const text = [
      "import { PrismaClient } from '@prisma/client';",
      "import { Worker } from 'bullmq';",
      'const prisma = new PrismaClient();',
      "export const worker = new Worker('enrollments', async (job) => {",
      '  const enrollment = await prisma.enrollment.create({ data: job.data });',
      "  await prisma.lessonProgress.create({ data: { enrollmentId: enrollment.id, lessonId: 'intro' } });",
      "}, { connection: { host: 'localhost' } });",
      'export function start(handler: () => Promise<void>) {',
      '  return new Worker(queueName(), async () => { await prisma.auditLog.create({ data: {} }); });',
      '}',
      'declare function queueName(): string;',
    ].join('\n');
    const { file } = analyzeText(text);
    assert.deepEqual(file.calls.map((c) => c.enclosingFunction), ["new Worker('enrollments')", "new Worker('enrollments')", 'start<callback>']);
  });
});

describe('tRPC procedures: the client taken out of the context in the body (real-world audit)', () => {
  const text = [
    "import { initTRPC } from '@trpc/server';",
    "import { drizzle } from 'drizzle-orm/postgres-js';",
    "import { eq } from 'drizzle-orm';",
    "import { cards, lists } from './schema';",
    'const database = drizzle(process.env.DATABASE_URL!);',
    'const t = initTRPC.context<{ db: typeof database; session: { userId: string } }>().create();',
    'export const router = t.router({',
    '  create: t.procedure.mutation(async ({ ctx, input }: { ctx: { db: typeof database; session: { userId: string } }; input: string }) => {',
    '    const { db, session } = ctx;',
    '    await db.insert(lists).values({ title: input, ownerId: session.userId });',
    '  }),',
    '  move: t.procedure.mutation(async (opts: { ctx: { db: typeof database }; input: string }) => {',
    '    const client = opts.ctx.db;',
    "    await client.update(cards).set({ position: 0 }).where(eq(cards.id, opts.input));",
    '  }),',
    '});',
    '// Not a resolver: a `ctx` of its own',
    'export async function other(ctx: { db: { insert(x: unknown): unknown } }) {',
    '  const { db } = ctx;',
    '  return db.insert(lists);',
    '}',
  ].join('\n');

  it('reads `const { db } = ctx` and `const client = opts.ctx.db` as the context client, only in resolvers', () => {
    const { file } = analyzeText(text);
    assert.deepEqual(
      file.calls.map((c) => `${c.loc.range.start.line + 1}:${c.client}.${c.operation}(${c.model})`),
      ['10:db.insert(lists)', '14:client.update(cards)'],
    );
  });

  it('wraps two writes through the destructured client in db.transaction, and the result parses', () => {
    const twoWrites = text.replace(
      "    await db.insert(lists).values({ title: input, ownerId: session.userId });",
      "    await db.insert(lists).values({ title: input, ownerId: session.userId });\n    await db.update(cards).set({ position: 1 });",
    );
    const { file, reader } = analyzeText(twoWrites);
    const calls = file.calls.filter((c) => c.enclosingFunction === 'create');
    assert.equal(calls.length, 2);
    const edits = codeFrontEnd.writeFix({ kind: 'wrapInTransaction', file, calls, transactionClient: 'tx' }, reader);
    assert.ok(edits);
    const after = applyEditsTo(twoWrites, edits[0].edits);
    assert.equal(syntaxErrors(file.file, after), 0);
    assert.match(after, /await db\.transaction\(async \(tx\) => \{/);
    assert.match(after, /await tx\.insert\(lists\)/);
    assert.match(after, /await tx\.update\(cards\)/);
  });
});
