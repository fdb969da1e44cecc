import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { codeFrontEnd } from '../../../server/src/languages/code';
import {
  analyzeFixture,
  analyzeText,
  callAt,
  codeFile,
  FIXTURES,
  line,
  listFiles,
  PRISMA_APP_MODELS,
  prismaDatabase,
  reader,
} from './helpers';

const PRISMA_APP = `${FIXTURES}/prisma-app`;
const DRIZZLE_APP = `${FIXTURES}/drizzle-app`;
const EDGE = `${FIXTURES}/edge-cases`;

describe('code front-end: discovery', () => {
  it('finds files that mention an ORM or import a database module, and nothing else', () => {
    const units = codeFrontEnd.discover(listFiles(EDGE), reader());
    assert.equal(units.length, 1);
    const files = units[0].files.map((f) => f.slice(EDGE.length));
    assert.deepEqual(files, [
      '/lib/client.mjs',
      '/lib/db.ts',
      '/lib/index.ts',
      '/scripts/broken.ts',
      '/scripts/seed.cjs',
      '/services/lookalike.ts',
      '/services/nest.ts',
      '/services/reports.ts',
    ]);
    assert.equal(units[0].language, 'code');
    assert.deepEqual(
      (units[0].hints?.clientModules as string[]).map((f) => f.slice(EDGE.length)),
      ['/lib/client.mjs', '/lib/db.ts'],
    );
  });

  it('follows tsconfig paths (`@/lib/prisma`) to include route files', () => {
    const units = codeFrontEnd.discover(listFiles(PRISMA_APP), reader());
    const files = units[0].files.map((f) => f.slice(PRISMA_APP.length));
    assert.ok(files.includes('/src/app/api/admin/content/route.ts'));
    assert.ok(files.includes('/src/lib/auth-server.ts'));
    assert.ok(!files.includes('/src/lib/email.ts'), 'email.ts never touches the database');
    assert.ok(!files.some((f) => f.endsWith('.d.ts')));
  });

  it('reads paths from an extended tsconfig (JSON with comments) and from jsconfig.json', () => {
    const texts: Record<string, string> = {
      '/r/tsconfig.json': '{ "extends": "./tsconfig.base.json", /* app */ "compilerOptions": { "strict": true } }',
      '/r/tsconfig.base.json': '{\n  // shared\n  "compilerOptions": { "baseUrl": "src", "paths": { "~/*": ["./*"] } },\n}',
      '/r/src/server/db.ts': "import { drizzle } from 'drizzle-orm/node-postgres';\nexport const db = drizzle(process.env.DATABASE_URL!);\n",
      '/r/src/app/page.ts': "import { db } from '~/server/db';\nimport { users } from '~/schema';\nexport const load = () => db.select().from(users);\n",
      '/r/src/schema.ts': 'export const users = {};\n',
      '/j/jsconfig.json': '{ "compilerOptions": { "paths": { "@/*": ["./lib/*"] } } }',
      '/j/lib/prisma.js': "const { PrismaClient } = require('@prisma/client');\nmodule.exports.prisma = new PrismaClient();\n",
      '/j/pages/api.js': "import { prisma } from '@/prisma';\nexport default async function handler() { return prisma.user.count(); }\n",
    };
    const r = { read: (p: string) => texts[p] };
    for (const [root, file, client] of [['/r', '/r/src/app/page.ts', 'db'], ['/j', '/j/pages/api.js', 'prisma']] as const) {
      const files = Object.keys(texts).filter((f) => f.startsWith(root + '/') && !f.endsWith('.json')).sort();
      const units = codeFrontEnd.discover(files, r);
      assert.ok(units[0].files.includes(file), root);
      const result = codeFrontEnd.analyze(units[0], r, { validation: false });
      const page = result.codeFiles.find((f) => f.file === file)!;
      assert.deepEqual(page.calls.map((c) => c.client), [client], root);
    }
  });

  it('skips node_modules, declaration files and unreadable files', () => {
    const units = codeFrontEnd.discover(
      ['/x/node_modules/p/index.ts', '/x/types.d.ts', '/x/missing.ts'],
      { read: (p) => (p === '/x/missing.ts' ? undefined : "import { PrismaClient } from '@prisma/client';") },
    );
    assert.deepEqual(units, []);
  });
});

describe('code front-end: Prisma facts', () => {
  const { analysis } = analyzeFixture(PRISMA_APP, [prismaDatabase(PRISMA_APP_MODELS)]);
  const files = analysis.codeFiles;

  it('reports no diagnostics on a healthy project', () => {
    assert.deepEqual(analysis.diagnostics, []);
  });

  it('registration: three awaited writes through the client imported via `@/lib/prisma`', () => {
    const f = codeFile(files, 'lib/auth-server.ts');
    const writes = f.calls.filter((c) => c.kind === 'write');
    assert.deepEqual(writes.map((c) => [line(c), c.client, c.model, c.operation]), [
      [13, 'prisma', 'user', 'create'],
      [16, 'prisma', 'account', 'create'],
      [20, 'prisma', 'session', 'create'],
    ]);
    for (const c of writes) {
      assert.equal(c.awaited, true);
      assert.equal(c.enclosingFunction, 'registerUser');
      assert.equal(c.transaction, undefined);
      assert.equal(c.orm, 'prisma');
      assert.deepEqual(c.argKeys, ['data']);
    }
    assert.equal(writes[0].functionLoc.range.start.line, 11);
    assert.deepEqual(writes[0].statementLoc.range, { start: { line: 12, character: 2 }, end: { line: 14, character: 5 } });
    assert.deepEqual(writes[0].loc.range, { start: { line: 12, character: 21 }, end: { line: 14, character: 4 } });
    // The welcome email is a non-database await inside the would-be transaction.
    assert.deepEqual(f.otherAwaits?.map((a) => [a.loc.range.start.line + 1, a.expression]), [[19, 'sendWelcomeEmail(…)']]);
  });

  it('content route: a write plus a call of a workspace function that writes (resolved through `@/lib/audit`)', () => {
    const f = codeFile(files, 'admin/content/route.ts');
    assert.deepEqual(f.calls.map((c) => [line(c), c.operation]), [[5, 'create']]);
    assert.equal(f.writingCalls.length, 1);
    const w = f.writingCalls[0];
    assert.equal(w.callee, 'logAudit');
    assert.equal(line(w), 8);
    assert.equal(w.awaited, true);
    assert.equal(w.enclosingFunction, 'POST');
    assert.deepEqual(w.functionLoc, f.calls[0].functionLoc);
  });

  it('N+1: a lookup per loop iteration, with the loop variable key; Promise.all(map) counts as awaited', () => {
    const f = codeFile(files, 'learning/analytics/route.ts');
    const lookup = callAt(f, 7, 'findUnique');
    assert.equal(lookup.loop?.kind, 'for-of');
    assert.equal(lookup.loop?.variable, 'enrollment');
    assert.equal(lookup.loop?.loc.range.start.line, 5);
    assert.equal(lookup.loopKey, 'id');
    assert.deepEqual(lookup.filterColumns, ['id']);
    const count = callAt(f, 11, 'count');
    assert.equal(count.loop?.kind, 'map');
    assert.equal(count.loop?.variable, 'e');
    assert.equal(count.awaited, true);
    assert.equal(count.enclosingFunction, 'GET<callback>');
    const list = callAt(f, 4, 'findMany');
    assert.equal(list.loop, undefined);
    assert.deepEqual(list.argKeys, ['where', 'take']);
  });

  it('findMany without take, then filtered in JavaScript on two columns', () => {
    const f = codeFile(files, 'signals/performance/route.ts');
    const c = callAt(f, 4, 'findMany');
    assert.deepEqual(c.argKeys, ['orderBy']);
    assert.deepEqual(c.orderColumns, ['entryTime']);
    assert.equal(c.filterColumns, undefined);
    assert.equal(c.resultFilteredInMemory?.length, 1);
    assert.deepEqual(c.resultFilteredInMemory?.[0].fields, ['entryTime', 'status']);
    assert.equal(c.resultFilteredInMemory?.[0].loc.range.start.line + 1, 7);
  });

  it('a catch that only logs, and one that rethrows', () => {
    const f = codeFile(files, 'videos/view.ts');
    const swallowed = callAt(f, 5, 'create');
    assert.equal(swallowed.catch?.onlyLogs, true);
    assert.equal(swallowed.catch?.loc.range.start.line + 1, 6);
    const rethrown = callAt(f, 13, 'updateMany');
    assert.equal(rethrown.catch?.onlyLogs, false);
  });

  it('deleteMany() with no arguments has argKeys [] and is not awaited when returned', () => {
    const f = codeFile(files, 'lib/cleanup.ts');
    const wipe = callAt(f, 5, 'deleteMany');
    assert.deepEqual(wipe.argKeys, []);
    assert.equal(wipe.awaited, false);
    assert.deepEqual(callAt(f, 9, 'deleteMany').argKeys, ['where']);
  });

  it('transactions: callback and array forms, tx client vs. the outer client inside the callback', () => {
    const f = codeFile(files, 'clean/transactions.ts');
    assert.deepEqual(f.transactions.map((t) => [t.callLoc.range.start.line + 1, t.client, t.form, t.callbackParam ?? null]), [
      [5, 'prisma', 'callback', 'tx'],
      [16, 'prisma', 'array', null],
      [23, 'prisma', 'callback', 'tx'],
    ]);
    for (const l of [6, 7, 8]) {
      const c = callAt(f, l);
      assert.equal(c.client, 'tx');
      assert.equal(c.viaTransactionClient, true);
      assert.equal(c.transaction?.form, 'callback');
      assert.equal(c.enclosingFunction, 'transferEnrollment<callback>');
    }
    for (const l of [17, 18]) {
      const c = callAt(f, l);
      assert.equal(c.transaction?.form, 'array');
      assert.equal(c.viaTransactionClient, false);
      assert.equal(c.awaited, true, 'array elements are awaited with the transaction');
    }
    const outside = callAt(f, 25, 'create');
    assert.equal(outside.client, 'prisma');
    assert.equal(outside.transaction?.callbackParam, 'tx');
    assert.equal(outside.viaTransactionClient, false);
    assert.equal(callAt(f, 24, 'update').viaTransactionClient, true);
    // awaited `await prisma.$transaction(...)` covers the await
    assert.equal(f.transactions[2].callLoc.range.start.character, 2);
  });

  it('clients from typed parameters and injected constructor parameters', () => {
    const f = codeFile(files, 'clean/transactions.ts');
    const helper = callAt(f, 30, 'create');
    assert.equal(helper.client, 'client');
    assert.equal(helper.transaction, undefined);
    assert.equal(helper.viaTransactionClient, true, 'a Prisma.TransactionClient parameter is the caller\'s transaction');
    const a = callAt(f, 37, 'deleteMany');
    const b = callAt(f, 38, 'update');
    assert.equal(a.client, 'this.db');
    assert.equal(b.client, 'this.db');
    assert.equal(a.viaTransactionClient, undefined);
    assert.equal(a.enclosingFunction, 'deactivate');
  });

  it('exclusive branches and loops that only build data', () => {
    const f = codeFile(files, 'clean/branches.ts');
    const update = callAt(f, 5, 'update');
    const create = callAt(f, 7, 'create');
    assert.equal(update.branchPath?.length, 1);
    assert.deepEqual(update.branchPath?.[0].statement, create.branchPath?.[0].statement);
    assert.notDeepEqual(update.branchPath?.[0].arm, create.branchPath?.[0].arm);
    assert.deepEqual(update.branch, update.branchPath?.[0].arm);
    const a = callAt(f, 14, 'create');
    const b = callAt(f, 17, 'create');
    assert.deepEqual(a.branchPath?.[0].statement, b.branchPath?.[0].statement);
    assert.notDeepEqual(a.branchPath?.[0].arm, b.branchPath?.[0].arm);
    const bulk = callAt(f, 26, 'createMany');
    assert.equal(bulk.loop, undefined, 'the loop before it only builds data');
  });

  it('quiz submission: a branch that exits, and a write under a nested if', () => {
    const f = codeFile(files, 'actions/enrollment.ts');
    const cert = callAt(f, 17, 'create');
    assert.equal(cert.branchPath?.length, 1);
    assert.equal(cert.branchPath?.[0].exits, true);
    assert.equal(callAt(f, 5, 'create').branchPath, undefined);
    assert.deepEqual(callAt(f, 15, 'count').filterColumns, ['userId', 'completedAt']);
  });

  it('ignores models that are not in the Prisma schema', () => {
    const { analysis: a } = analyzeFixture(PRISMA_APP, [prismaDatabase(['User'])]);
    const f = codeFile(a.codeFiles, 'lib/auth-server.ts');
    assert.deepEqual(f.calls.map((c) => c.model), ['user']);
  });
});

describe('code front-end: Drizzle facts', () => {
  const { analysis } = analyzeFixture(DRIZZLE_APP);
  const f = codeFile(analysis.codeFiles, 'server/storage.ts');

  it('delete-all then insert: the chain is the whole call, model is the table variable', () => {
    const del = callAt(f, 26, 'delete');
    assert.equal(del.orm, 'drizzle');
    assert.equal(del.client, 'db');
    assert.equal(del.model, 'positions');
    assert.equal(del.kind, 'write');
    assert.deepEqual(del.chain, []);
    assert.equal(del.enclosingFunction, 'syncPositionsFromAlpaca');
    const ins = callAt(f, 41, 'insert');
    assert.deepEqual(ins.chain, ['values', 'returning']);
    assert.deepEqual(ins.loc.range, { start: { line: 40, character: 36 }, end: { line: 40, character: 94 } });
  });

  it('a multi-line builder chain spans all its lines', () => {
    const ins = callAt(f, 47, 'insert');
    assert.equal(ins.loc.range.end.line + 1, 50);
    assert.equal(ins.model, 'positions');
  });

  it('select: model from .from(), filter and order columns from eq()/desc()', () => {
    const sel = callAt(f, 65, 'select');
    assert.equal(sel.kind, 'read');
    assert.equal(sel.model, 'aiDecisions');
    assert.deepEqual(sel.chain, ['from', 'where', 'orderBy']);
    assert.deepEqual(sel.filterColumns, ['strategyId']);
    assert.deepEqual(sel.orderColumns, ['createdAt']);
  });

  it('select in a loop keyed by the loop variable', () => {
    const sel = callAt(f, 75, 'select');
    assert.equal(sel.loop?.kind, 'for-of');
    assert.equal(sel.loopKey, 'id');
    assert.ok(sel.chain?.includes('limit'));
  });

  it('delete/update without where', () => {
    assert.deepEqual(callAt(f, 82, 'delete').chain, []);
    assert.deepEqual(callAt(f, 86, 'update').chain, ['set']);
  });

  it('db.transaction callback: tx calls', () => {
    const u = callAt(f, 91, 'update');
    assert.equal(u.client, 'tx');
    assert.equal(u.viaTransactionClient, true);
    assert.equal(u.transaction?.client, 'db');
    assert.equal(u.transaction?.orm, 'drizzle');
  });

  it('relational query API', () => {
    const q = callAt(f, 97, 'findMany');
    assert.equal(q.model, 'strategies');
    assert.deepEqual(q.orderColumns, ['name']);
    assert.deepEqual(q.argKeys, ['orderBy']);
  });

  it('this.method() of the same class that writes is a writing call', () => {
    assert.deepEqual(f.writingCalls.map((w) => [line(w), w.callee, w.enclosingFunction]), [[56, 'createAuditLog', 'createStrategy']]);
  });

  it('methods called on an imported instance (`storage.createStrategy()`) that write are writing calls', () => {
    const routes = codeFile(analysis.codeFiles, 'server/routes.ts');
    assert.deepEqual(routes.calls, []);
    assert.deepEqual(routes.writingCalls.map((w) => [line(w), w.callee, w.enclosingFunction, w.awaited]), [
      [4, 'createStrategy', 'createStrategyRoute', true],
      [5, 'syncPositionsFromAlpaca', 'createStrategyRoute', true],
    ]);
    assert.ok(!routes.writingCalls.some((w) => w.callee === 'listStrategies'), 'a read-only method is not a writing call');
  });
});

describe('code front-end: clients and robustness', () => {
  const { analysis } = analyzeFixture(EDGE);
  const reports = codeFile(analysis.codeFiles, 'services/reports.ts');

  it('default exports, namespace imports, re-exports through an index and export-as', () => {
    assert.deepEqual(reports.calls.map((c) => [line(c), c.client, c.model, c.operation]), [
      [7, 'db', 'user', 'findMany'],
      [8, 'clients.client', 'post', 'findMany'],
      [9, 'client', 'user', 'count'],
      [10, 'reexported', 'post', 'deleteMany'],
      [15, 'db', 'post', 'create'],
      [16, 'db', undefined, '$executeRaw'],
    ]);
  });

  it('promise .catch that only logs; tagged-template raw writes; not awaited', () => {
    const c = callAt(reports, 15, 'create');
    assert.equal(c.awaited, false);
    assert.equal(c.catch?.onlyLogs, true);
    const raw = callAt(reports, 16, '$executeRaw');
    assert.equal(raw.kind, 'write');
    assert.equal(raw.awaited, false);
  });

  it('suppression comments on the line before and trailing', () => {
    const mine = analysis.suppressions.filter((s) => s.loc.file.endsWith('reports.ts'));
    assert.deepEqual(mine.map((s) => [s.targetLine, s.rules]), [
      [6, ['unbounded-query']],
      [7, ['unbounded-query', 'filter-in-memory']],
    ]);
  });

  it('no guessing by name: an object called `prisma` is not a client', () => {
    assert.deepEqual(codeFile(analysis.codeFiles, 'services/lookalike.ts').calls, []);
  });

  it('class members injected with a PrismaService type', () => {
    const nest = codeFile(analysis.codeFiles, 'services/nest.ts');
    assert.deepEqual(nest.calls.map((c) => [line(c), c.client, c.operation]), [
      [9, 'this.prisma', 'update'],
      [10, 'this.prisma', 'create'],
    ]);
  });

  it('CommonJS require, for/while loops, AND-flattened filters and array orderBy', () => {
    const seed = codeFile(analysis.codeFiles, 'scripts/seed.cjs');
    const create = callAt(seed, 5, 'create');
    assert.equal(create.loop?.kind, 'for');
    const page = callAt(seed, 9, 'findMany');
    assert.equal(page.loop?.kind, 'while');
    assert.deepEqual(page.filterColumns, ['authorId', 'published']);
    assert.deepEqual(page.orderColumns, ['createdAt', 'id']);
  });

  it('half-typed files are analyzed without throwing', () => {
    const broken = codeFile(analysis.codeFiles, 'scripts/broken.ts');
    assert.equal(broken.calls.length, 1);
    assert.deepEqual(analysis.diagnostics, []);
  });

  it('never throws on binary, empty or deeply nested input', () => {
    const files = ['/w/a.ts', '/w/b.ts', '/w/c.ts'];
    const texts: Record<string, string> = {
      '/w/a.ts': "import { PrismaClient } from '@prisma/client';\u0000\u0001\u0002".repeat(50),
      '/w/b.ts': '',
      '/w/c.ts': "import { PrismaClient } from '@prisma/client';\nconst p = new PrismaClient();\nconst x = " + '('.repeat(5000) + 'p.user.findMany()' + ')'.repeat(5000) + ';',
    };
    const r = { read: (p: string) => texts[p] };
    const result = codeFrontEnd.analyze({ language: 'code', id: 'code:/w', files }, r, { validation: false });
    assert.ok(Array.isArray(result.codeFiles));
    assert.equal(result.databases.length, 0);
  });
});

describe('code front-end: function names, awaits and loops in small shapes', () => {
  const text = [
    "import { PrismaClient } from '@prisma/client';",
    'const prisma = new PrismaClient();',
    'export default async function () {',
    '  return await prisma.user.findMany({ take: 1 });',
    '}',
    'export class Jobs {',
    '  run = async (ids: string[]) => {',
    '    await Promise.all([prisma.a.create({ data: {} }), prisma.b.create({ data: {} })]);',
    '    ids.forEach(async (id) => {',
    '      await prisma.c.delete({ where: { id } });',
    '    });',
    '    for (const key in { a: 1 }) await prisma.d.count({ where: { key } });',
    '    do {',
    '      await prisma.e.findFirst({ where: { ok: true } });',
    '    } while (ids.length > 3);',
    '  };',
    '}',
    'const handlers = { async save() { await prisma.f.upsert({ where: { id: 1 }, create: {}, update: {} }); } };',
    'await prisma.$executeRawUnsafe("VACUUM");',
    '',
  ].join('\n');
  const { file } = analyzeText(text);
  const byModel = (m: string | undefined) => file.calls.find((c) => c.model === m)!;

  it('names: anonymous default export, class property arrow, object method, module level', () => {
    assert.equal(byModel('user').enclosingFunction, 'default');
    assert.equal(byModel('a').enclosingFunction, 'run');
    assert.equal(byModel('c').enclosingFunction, 'run<callback>');
    assert.equal(byModel('f').enclosingFunction, 'save');
    const raw = file.calls.find((c) => c.operation === '$executeRawUnsafe')!;
    assert.equal(raw.enclosingFunction, '<module>');
    assert.equal(raw.kind, 'write');
    assert.equal(raw.functionLoc.range.start.line, 0);
  });

  it('awaits: return await, Promise.all elements', () => {
    assert.equal(byModel('user').awaited, true);
    assert.equal(byModel('a').awaited, true);
    assert.equal(byModel('b').awaited, true);
  });

  it('loops: forEach callback, for…in, do…while', () => {
    assert.equal(byModel('c').loop?.kind, 'forEach');
    assert.equal(byModel('c').loop?.variable, 'id');
    assert.equal(byModel('c').loopKey, 'id');
    assert.equal(byModel('d').loop?.kind, 'for-in');
    assert.equal(byModel('d').loop?.variable, 'key');
    assert.equal(byModel('e').loop?.kind, 'do');
    assert.equal(byModel('f').loop, undefined);
    assert.deepEqual(byModel('f').argKeys, ['where', 'create', 'update']);
  });
});

describe('code front-end: a write the iteration leaves the loop after (loop.once)', () => {
  const text = [
    "import { PrismaClient } from '@prisma/client';",
    'const prisma = new PrismaClient();',
    'export async function shapes(goals: { id: string; due: boolean }[], kind: string) {',
    '  for (const g of goals) {',
    '    if (g.due) {',
    "      await prisma.breakAfter.update({ where: { id: g.id }, data: {} });",
    '      break;',
    '    }',
    '  }',
    '  for (const g of goals) {',
    "    if (g.due) return prisma.returned.update({ where: { id: g.id }, data: {} });",
    '  }',
    '  for (const g of goals) {',
    "    await prisma.thenThrow.create({ data: { id: g.id } });",
    "    throw new Error('only one');",
    '  }',
    '  outer: for (const g of goals) {',
    '    switch (kind) {',
    '      case "a":',
    "        await prisma.labelled.create({ data: { id: g.id } });",
    '        break outer;',
    '    }',
    '  }',
    '  for (const g of goals) {',
    '    switch (kind) {',
    '      case "a":',
    "        await prisma.inSwitch.create({ data: { id: g.id } });",
    '        break;',
    '    }',
    '  }',
    '  for (const g of goals) {',
    "    await prisma.conditional.create({ data: { id: g.id } });",
    '    if (g.due) break;',
    '  }',
    '  for (const g of goals) {',
    "    await prisma.continued.create({ data: { id: g.id } });",
    '    continue;',
    '  }',
    '  for (const g of goals) {',
    '    if (g.due) break;',
    "    await prisma.breakBefore.create({ data: { id: g.id } });",
    '  }',
    '}',
  ].join('\n');
  const { file } = analyzeText(text);
  const loopOf = (model: string) => file.calls.find((c) => c.model === model)?.loop;
  it('once: break after it, return holding it, throw after it, a labelled break of its loop from a switch', () => {
    for (const model of ['breakAfter', 'returned', 'thenThrow', 'labelled']) assert.equal(loopOf(model)?.once, true, model);
  });
  it('not once: a break of a switch, a conditional break, continue, a break before it', () => {
    for (const model of ['inSwitch', 'conditional', 'continued', 'breakBefore']) {
      assert.equal(loopOf(model)?.kind, 'for-of', model);
      assert.equal(loopOf(model)?.once, undefined, model);
    }
  });
  it('once in an inner loop is once per iteration of the loop around it; a for that walks no list runs rounds; Promise.allSettled settles', () => {
    const nested = [
      "import { PrismaClient } from '@prisma/client';",
      'const prisma = new PrismaClient();',
      'export async function flag(orders: { id: string; items: { sku: string }[] }[], sku: string) {',
      '  for (const order of orders) {',
      '    for (const item of order.items) {',
      '      if (item.sku === sku) {',
      "        await prisma.nested.update({ where: { id: order.id }, data: {} });",
      '        break;',
      '      }',
      '    }',
      '  }',
      '  for (const order of orders) {',
      '    for (const item of order.items) {',
      "      if (item.sku === sku) { await prisma.returning.update({ where: { id: order.id }, data: {} }); return; }",
      '    }',
      '  }',
      '  for (;;) {',
      '    const page = await prisma.user.findMany({ take: 100 });',
      '    if (!page.length) break;',
      "    await prisma.paged.updateMany({ where: {}, data: {} });",
      '  }',
      '  for (let attempt = 0; attempt < 3; attempt++) {',
      "    const r = await prisma.retried.updateMany({ where: { id: sku, locked: false }, data: {} });",
      '    if (r.count) break;',
      '  }',
      '  for (let i = 0; i < orders.length; i++) await prisma.byLength.update({ where: { id: orders[i]!.id }, data: {} });',
      '  const n = orders.length;',
      '  for (let i = 0; i < n; i++) await prisma.byIndex.update({ where: { id: orders[i]!.id }, data: {} });',
      "  await Promise.allSettled(orders.map((o) => prisma.settled.update({ where: { id: o.id }, data: {} })));",
      "  await Promise.all(orders.map((o) => prisma.all.update({ where: { id: o.id }, data: {} })));",
      '}',
    ].join('\n');
    const facts = analyzeText(nested).file;
    const loop = (model: string) => facts.calls.find((c) => c.model === model)?.loop;
    assert.deepEqual([loop('nested')?.kind, loop('nested')?.variable, loop('nested')?.once], ['for-of', 'order', undefined]);
    // A return leaves every loop: once in all.
    assert.deepEqual([loop('returning')?.variable, loop('returning')?.once], ['item', true]);
    assert.deepEqual([loop('paged')?.kind, loop('paged')?.rounds], ['for', true]);
    assert.deepEqual([loop('retried')?.kind, loop('retried')?.rounds], ['for', true]);
    assert.deepEqual([loop('byLength')?.kind, loop('byLength')?.rounds], ['for', undefined]);
    assert.deepEqual([loop('byIndex')?.kind, loop('byIndex')?.rounds], ['for', undefined]);
    assert.deepEqual([loop('settled')?.kind, loop('settled')?.settled], ['map', true]);
    assert.deepEqual([loop('all')?.kind, loop('all')?.settled], ['map', undefined]);
  });
});

describe('code front-end: more writing-call and loop-key shapes', () => {
  it('an exported object of functions (`storage.createUser()`) resolves to writing calls', () => {
    const texts: Record<string, string> = {
      '/o/db.ts': "import { PrismaClient } from '@prisma/client';\nexport const prisma = new PrismaClient();\n",
      '/o/storage.ts':
        "import { prisma } from './db';\nexport const storage = {\n  async createUser(email: string) {\n    return prisma.user.create({ data: { email } });\n  },\n  getUser: async (id: string) => prisma.user.findUnique({ where: { id } }),\n};\n",
      '/o/route.ts': "import { storage } from './storage';\nexport async function POST() {\n  await storage.createUser('a@b.c');\n  await storage.getUser('1');\n}\n",
    };
    const r = { read: (p: string) => texts[p] };
    const units = codeFrontEnd.discover(Object.keys(texts).sort(), r);
    const result = codeFrontEnd.analyze(units[0], r, { validation: false });
    const route = result.codeFiles.find((f) => f.file === '/o/route.ts')!;
    assert.deepEqual(route.writingCalls.map((w) => [w.callee, w.enclosingFunction]), [['createUser', 'POST']]);
  });

  it('a client re-exported under another name by a module that never names the ORM', () => {
    const texts: Record<string, string> = {
      '/a/db.ts': "import { PrismaClient } from '@prisma/client';\nexport const prisma = new PrismaClient();\n",
      '/a/z-alias.ts': "import { prisma } from './db';\nexport const database = prisma;\nexport default database;\n",
      '/a/use.ts': "import { database } from './z-alias';\nimport db from './z-alias';\nexport const f = () => Promise.all([database.user.count(), db.post.count()]);\n",
    };
    const r = { read: (p: string) => texts[p] };
    const units = codeFrontEnd.discover(Object.keys(texts).sort(), r);
    const result = codeFrontEnd.analyze(units[0], r, { validation: false });
    const use = result.codeFiles.find((f) => f.file === '/a/use.ts')!;
    assert.deepEqual(use.calls.map((c) => `${c.client}.${c.model}.${c.operation}`), ['database.user.count', 'db.post.count']);
  });

  it('a Drizzle transaction type on a parameter marks its calls as going through a transaction', () => {
    const text = [
      "import type { PgTransaction } from 'drizzle-orm/pg-core';",
      "import type { NodePgDatabase } from 'drizzle-orm/node-postgres';",
      "import { users } from './schema';",
      'export async function inTx(tx: PgTransaction<any, any, any>) {',
      '  await tx.insert(users).values({});',
      '}',
      'export async function plain(db: NodePgDatabase) {',
      '  await db.delete(users);',
      '}',
      '',
    ].join('\n');
    const { file } = analyzeText(text);
    assert.deepEqual(file.calls.map((c) => [c.client, c.operation, c.viaTransactionClient]), [
      ['tx', 'insert', true],
      ['db', 'delete', undefined],
    ]);
  });

  it('Drizzle relational lookups in a loop get a loop key (operator and callback forms)', () => {
    const text = [
      "import { drizzle } from 'drizzle-orm/node-postgres';",
      "import { eq } from 'drizzle-orm';",
      "import { users } from './schema';",
      'const db = drizzle(process.env.DATABASE_URL!);',
      'export async function f(rows: { userId: string }[]) {',
      '  for (const row of rows) {',
      '    await db.query.users.findFirst({ where: eq(users.id, row.userId) });',
      '    await db.query.users.findFirst({ where: (u, { eq }) => eq(u.email, row.userId) });',
      '  }',
      '}',
      '',
    ].join('\n');
    const { file } = analyzeText(text);
    assert.deepEqual(file.calls.map((c) => [c.operation, c.loopKey, c.filterColumns]), [
      ['findFirst', 'id', ['id']],
      ['findFirst', 'email', ['email']],
    ]);
  });
});

describe('code front-end: Drizzle driver modules and batches (exploratory test, bugs 4 and 5)', () => {
  it('records the driver module of a client: module binding, import through a barrel, alias, factory, typed parameter, class member, namespace import', () => {
    const texts: Record<string, string> = {
      '/d/db/index.ts':
        "import { neon } from '@neondatabase/serverless';\nimport { drizzle } from 'drizzle-orm/neon-http';\nconst sql = neon(process.env.DATABASE_URL!);\nexport const db = globalThis.db ?? drizzle(sql);\nexport const database = db;\n",
      '/d/db/xata.ts': "import { drizzle } from 'drizzle-orm/xata-http';\nimport { getXataClient } from './xata-client';\nconst createDb = () => drizzle(getXataClient());\nexport const xdb = createDb();\n",
      '/d/db/pg.ts': "import { drizzle } from 'drizzle-orm/node-postgres';\nexport default drizzle(process.env.DATABASE_URL!);\n",
      '/d/lib.ts': "export * from './db/index';\n",
      '/d/use.ts': [
        "import { database, db } from './lib';",
        "import { xdb } from './db/xata';",
        "import pg from './db/pg';",
        "import * as neonDb from './db/index';",
        "import type { DrizzleD1Database } from 'drizzle-orm/d1';",
        "import { users } from './schema';",
        'export async function a() { await db.delete(users); }',
        'export async function b() { await database.delete(users); }',
        'export async function c() { await xdb.delete(users); }',
        'export async function d() { await pg.delete(users); }',
        'export async function e(d1: DrizzleD1Database) { await d1.delete(users); }',
        'export async function f() { await neonDb.db.delete(users); }',
        'export class Repo {',
        '  constructor(private readonly conn: typeof db) {}',
        '  async g() { await this.conn.delete(users); }',
        '}',
        '',
      ].join('\n'),
    };
    const r = { read: (p: string) => texts[p] };
    const units = codeFrontEnd.discover(Object.keys(texts).sort(), r);
    const result = codeFrontEnd.analyze(units[0], r, { validation: false });
    const use = result.codeFiles.find((f) => f.file === '/d/use.ts')!;
    assert.deepEqual(use.calls.map((c) => [c.enclosingFunction, c.client, c.driver]), [
      ['a', 'db', 'drizzle-orm/neon-http'],
      ['b', 'database', 'drizzle-orm/neon-http'],
      ['c', 'xdb', 'drizzle-orm/xata-http'],
      ['d', 'pg', 'drizzle-orm/node-postgres'],
      ['e', 'd1', 'drizzle-orm/d1'],
      ['f', 'neonDb.db', 'drizzle-orm/neon-http'],
      ['g', 'this.conn', 'drizzle-orm/neon-http'],
    ]);
  });

  it('a changed driver in the client module is seen by the files that import it (incremental analysis)', () => {
    const texts: Record<string, string> = {
      '/i/db.ts': "import { drizzle } from 'drizzle-orm/node-postgres';\nexport const db = drizzle(process.env.DATABASE_URL!);\n",
      '/i/use.ts': "import { db } from './db';\nimport { users } from './schema';\nexport async function a() { await db.delete(users); }\n",
    };
    const r = { read: (p: string) => texts[p] };
    const unit = codeFrontEnd.discover(Object.keys(texts).sort(), r)[0];
    const driverOfUse = () => codeFrontEnd.analyze(unit, r, { validation: false }).codeFiles.find((f) => f.file === '/i/use.ts')!.calls[0]!.driver;
    assert.equal(driverOfUse(), 'drizzle-orm/node-postgres');
    texts['/i/db.ts'] = texts['/i/db.ts']!.replace('node-postgres', 'neon-http');
    assert.equal(driverOfUse(), 'drizzle-orm/neon-http');
  });

  it('promises kept for a batch belong to its transaction; kept for Promise.all they do not', () => {
    const text = [
      "import { PrismaClient } from '@prisma/client';",
      'const prisma = new PrismaClient();',
      'export async function a(ids: number[]) {',
      '  const ops = [prisma.user.create({ data: {} })];',
      '  ids.forEach((id) => ops.push(prisma.user.delete({ where: { id } })));',
      '  let more;',
      '  more = prisma.post.deleteMany({ where: { id: { in: ids } } });',
      '  await prisma.$transaction([...ops, more]);',
      '}',
      'export async function b(ids: number[]) {',
      '  await prisma.$transaction(ids.map((id) => prisma.user.delete({ where: { id } })));',
      '}',
      'export async function c() {',
      '  const one = prisma.user.create({ data: {} });',
      '  const two = prisma.post.create({ data: {} });',
      '  await Promise.all([one, two]);',
      '}',
      'export async function d() {',
      '  const ops = [prisma.user.create({ data: {} })];',
      '  await other(ops);',
      '}',
      'declare function other(x: unknown): Promise<void>;',
      '',
    ].join('\n');
    const { file } = analyzeText(text);
    assert.deepEqual(
      file.calls.map((c) => [c.enclosingFunction, `${c.model}.${c.operation}`, c.transaction?.form, c.transaction?.callLoc.range.start.line]),
      [
        ['a', 'user.create', 'array', 7],
        ['a<callback>', 'user.delete', 'array', 7],
        ['a', 'post.deleteMany', 'array', 7],
        ['b<callback>', 'user.delete', 'array', 10],
        ['c', 'user.create', undefined, undefined],
        ['c', 'post.create', undefined, undefined],
        ['d', 'user.create', undefined, undefined],
      ],
    );
    assert.ok(file.calls.every((c) => c.transaction === undefined || c.viaTransactionClient === false));
  });
});

describe('code front-end: Drizzle aggregate selects (exploratory test, bug 8)', () => {
  it('marks a select whose fields are all aggregates; only drizzle-orm helpers and sql templates that are one aggregate call', () => {
    const fields = [
      '{ n: count() }',
      '{ n: countDistinct(posts.authorId), top: max(posts.views) }',
      '{ n: sql<number>`count(*)` }',
      '{ n: sql<number>`COUNT(DISTINCT ${posts.authorId})::int` }',
      '{ n: sql`cast(count(${posts.id}) as integer)`.mapWith(Number) }',
      "{ total: sql<string>`coalesce(sum(${posts.views}), 0)` }",
      '{ n: count().as("n") }',
      // not one row, or not clearly an aggregate:
      '{ n: count(), title: posts.title }',
      '{ n: sql`count(*) over ()` }',
      "{ n: sql`count(*) filter (where ${posts.views} > 0)` }",
      '{ n: sql`sum(${posts.views}) + 1` }',
      '{ n: sql`${posts.views}` }',
      '{ n: localCount() }',
      '{}',
    ];
    const text = [
      "import { drizzle } from 'drizzle-orm/node-postgres';",
      "import { count, countDistinct, max, sql } from 'drizzle-orm';",
      "import { posts } from './schema';",
      'const db = drizzle(process.env.DATABASE_URL!);',
      'declare function localCount(): number;',
      ...fields.map((f, i) => `export const q${i} = () => db.select(${f}).from(posts);`),
      'export const all = () => db.select().from(posts);',
      '',
    ].join('\n');
    const { file } = analyzeText(text);
    assert.deepEqual(
      file.calls.map((c) => c.aggregate ?? false),
      [true, true, true, true, true, true, true, false, false, false, false, false, false, false, false],
    );
  });
});
