/**
 * More client shapes found when auditing real projects (see inherited-clients.test.ts for the first ones):
 * - a class expression extending PrismaClient (`const Db = class extends PrismaClient {}; export const db = new Db()`);
 * - `export default new PrismaService()` of a class extending PrismaClient (imported or local): the default import
 *   of that module is a client;
 * - CommonJS modules exporting a client (`module.exports = prisma`) or an object holding one
 *   (`module.exports = { prisma }`, `{ client: prisma }`), imported as a default, a namespace or with `require`;
 * - the wrap fix's response-helper lookup follows the packages of the same monorepo (`import { sendCreated } from
 *   '@acme/http'`) as the analysis and discovery do.
 * Each with a look-alike that is no client.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { multiWriteWithoutTransaction } from '../../../rules/transactions/multi-write-without-transaction';
import { queryInLoop } from '../../../rules/queries/query-in-loop';
import { codeFrontEnd } from '../../../server/src/languages/code';
import type { SourceReader } from '../../../server/src/languages/types';
import { runRule } from '../../helpers/code-model';
import { applyEdits, line, syntaxErrors } from './helpers';

const ROOT = '/virtual/shop';

/** Discovers and analyzes an in-memory workspace (package.json files included in the listing). */
function workspace(files: Record<string, string>) {
  const texts = new Map(Object.entries(files).map(([p, t]) => [`${ROOT}/${p}`, t]));
  const reader: SourceReader = { read: (p) => texts.get(p) };
  const units = codeFrontEnd.discover([...texts.keys()].sort(), reader);
  assert.equal(units.length, 1, 'one code unit');
  const analysis = codeFrontEnd.analyze(units[0]!, reader, { validation: false, databases: [] });
  assert.deepEqual(analysis.diagnostics, []);
  return { unit: units[0]!, analysis, reader, texts };
}

type Analysis = ReturnType<typeof workspace>['analysis'];

function callsOf(analysis: Analysis, file: string): string[] {
  const f = analysis.codeFiles.find((c) => c.file === `${ROOT}/${file}`);
  assert.ok(f, `${file} analyzed`);
  return f.calls.map((c) => `${line(c)}:${c.client}.${c.model ?? ''}.${c.operation}`);
}

const where = (found: { loc: { file: string; range: { start: { line: number } } } }[]) =>
  found.map((f) => `${f.loc.file.slice(ROOT.length)}:${f.loc.range.start.line + 1}`);

/** A route that signs a user up with two writes (multi-write-without-transaction) and renames in a loop (query-in-loop). */
const ROUTES = (importLine: string, client: string) => `${importLine}

export async function signUp(email: string) {
  const user = await ${client}.user.create({ data: { email } });
  await ${client}.account.create({ data: { userId: user.id } });
  return user;
}

export async function rename(ids: string[], name: string) {
  for (const id of ids) {
    await ${client}.user.update({ where: { id }, data: { name } });
  }
}
`;

const CLIENT_CALLS = (client: string) => [`4:${client}.user.create`, `5:${client}.account.create`, `11:${client}.user.update`];

describe('a class expression extending PrismaClient', () => {
  it('`const Db = class extends PrismaClient {}; export const db = new Db()`: db is a client, and `this` in its methods', () => {
    const { analysis } = workspace({
      'package.json': '{ "name": "shop" }',
      // The importer comes first: the client module must be known before it is walked.
      'src/a-routes.ts': ROUTES(`import { db } from './lib/db';`, 'db'),
      'src/lib/db.ts': `import { PrismaClient } from '@prisma/client';

const Db = class extends PrismaClient {
  async purge(userId: string) {
    await this.session.deleteMany({ where: { userId } });
  }
};
export const db = new Db();
`,
    });
    assert.deepEqual(callsOf(analysis, 'src/a-routes.ts'), CLIENT_CALLS('db'));
    assert.deepEqual(callsOf(analysis, 'src/lib/db.ts'), ['5:this.session.deleteMany']);
    const found = runRule(multiWriteWithoutTransaction, { codeFiles: analysis.codeFiles });
    assert.deepEqual(where(found), ['/src/a-routes.ts:4', '/src/a-routes.ts:10']);
    assert.deepEqual(where(runRule(queryInLoop, { codeFiles: analysis.codeFiles })), ['/src/a-routes.ts:11']);
  });

  it('a class expression extending a subclass of PrismaClient of another module (named or not), and its instance', () => {
    const { analysis } = workspace({
      'package.json': '{ "name": "shop" }',
      'src/a-routes.ts': ROUTES(`import { database } from './lib/database';`, 'database'),
      'src/lib/database.ts': `import { PrismaService } from './prisma.service';
export const AppDatabase = class AppDb extends PrismaService {};
export const database = new AppDatabase();
`,
      'src/lib/prisma.service.ts': `import { PrismaClient } from '@prisma/client';
export class PrismaService extends PrismaClient {}
`,
    });
    assert.deepEqual(callsOf(analysis, 'src/a-routes.ts'), CLIENT_CALLS('database'));
  });

  it('a class expression extending something else is no client, nor is its instance', () => {
    const { analysis } = workspace({
      'package.json': '{ "name": "shop" }',
      'src/a-routes.ts': ROUTES(`import { db } from './lib/db';\nimport { prisma } from './lib/prisma';`, 'db').replace(
        'return user;',
        'return prisma.user.findFirst({ where: { email } });',
      ),
      'src/lib/db.ts': `import { EventEmitter } from 'node:events';
const Db = class extends EventEmitter {};
export const db = new Db();
`,
      'src/lib/prisma.ts': `import { PrismaClient } from '@prisma/client';
export const prisma = new PrismaClient();
`,
    });
    assert.deepEqual(callsOf(analysis, 'src/a-routes.ts'), ['7:prisma.user.findFirst']);
  });
});

describe('`export default new PrismaService()`', () => {
  const SERVICE = `import { Injectable, OnModuleDestroy } from '@nestjs/common';
import { PrismaClient } from '@prisma/client';

@Injectable()
export class PrismaService extends PrismaClient implements OnModuleDestroy {
  async onModuleDestroy() {
    await this.$disconnect();
  }
}
`;

  it('of a class imported from another module: the default import of that module is a client', () => {
    const { analysis, reader, texts } = workspace({
      'package.json': '{ "name": "shop" }',
      'src/a-routes.ts': ROUTES(`import prisma from './lib/prisma';`, 'prisma'),
      'src/lib/prisma.service.ts': SERVICE,
      // No `PrismaClient` in this module's text: it is found by the `new` of a class named like a client.
      'src/lib/prisma.ts': `import { PrismaService } from './prisma.service';

export default new PrismaService();
`,
    });
    assert.deepEqual(callsOf(analysis, 'src/a-routes.ts'), CLIENT_CALLS('prisma'));
    const found = runRule(multiWriteWithoutTransaction, { codeFiles: analysis.codeFiles });
    assert.deepEqual(where(found), ['/src/a-routes.ts:4', '/src/a-routes.ts:10']);
    const edits = codeFrontEnd.writeFix(found[0]!.fixes![0]!.intent, reader);
    assert.ok(edits?.length, 'the wrap is written');
    const path = `${ROOT}/src/a-routes.ts`;
    const after = applyEdits(texts.get(path)!, edits[0]!.edits);
    assert.equal(syntaxErrors(path, after), 0, after);
    assert.match(after, /const user = await prisma\.\$transaction\(async \(tx\) => \{\n\s+const user = await tx\.user\.create/);
  });

  it('of a local subclass (one level down), re-exported by an index', () => {
    const { analysis } = workspace({
      'package.json': '{ "name": "shop" }',
      'src/a-routes.ts': ROUTES(`import { store } from './lib';`, 'store'),
      'src/lib/index.ts': `export { default as store } from './store';\n`,
      'src/lib/store.ts': `import { PrismaClient } from '@prisma/client';

class PrismaService extends PrismaClient {}
class StoreDatabase extends PrismaService {}

export default new StoreDatabase();
`,
    });
    assert.deepEqual(callsOf(analysis, 'src/a-routes.ts'), CLIENT_CALLS('store'));
  });

  it('of a class extending something else (or a plain service) is no client', () => {
    const { analysis } = workspace({
      'package.json': '{ "name": "shop" }',
      'src/a-routes.ts': ROUTES(`import db from './lib/db';\nimport cache from './lib/cache';\nimport { prisma } from './lib/prisma';`, 'db')
        .replace('return user;', 'await cache.user.create({ data: {} });\n  return prisma.user.findFirst({ where: { email } });'),
      'src/lib/cache.ts': `class CacheService {}\nexport default new CacheService();\n`,
      'src/lib/db.ts': `import { Pool } from 'pg';
class DatabaseService extends Pool {}
export default new DatabaseService();
`,
      'src/lib/prisma.ts': `import { PrismaClient } from '@prisma/client';
export const prisma = new PrismaClient();
`,
    });
    assert.deepEqual(callsOf(analysis, 'src/a-routes.ts'), ['9:prisma.user.findFirst']);
  });
});

describe('CommonJS modules exporting a client', () => {
  const DB_JS = (exportsLine: string) => `const { PrismaClient } = require('@prisma/client');

const prisma = new PrismaClient();

${exportsLine}
`;

  it('`module.exports = { prisma }` imported as a default: `db.prisma.user.create(…)`', () => {
    const { analysis } = workspace({
      'package.json': '{ "name": "shop" }',
      'src/a-routes.ts': ROUTES(`import db from './db';`, 'db.prisma'),
      'src/db.js': DB_JS('module.exports = { prisma, disconnect: () => prisma.$disconnect() };'),
    });
    assert.deepEqual(callsOf(analysis, 'src/a-routes.ts'), CLIENT_CALLS('db.prisma'));
    const found = runRule(multiWriteWithoutTransaction, { codeFiles: analysis.codeFiles });
    assert.deepEqual(where(found), ['/src/a-routes.ts:4', '/src/a-routes.ts:10']);
  });

  it('`module.exports = { client: prisma }` through `require` and a namespace import', () => {
    const { analysis } = workspace({
      'package.json': '{ "name": "shop" }',
      'src/a-routes.js': ROUTES(`const db = require('./db');`, 'db.client'),
      'src/b-routes.ts': ROUTES(`import * as db from './db';`, 'db.client'),
      'src/c-routes.js': ROUTES(`const { client } = require('./db');`, 'client'),
      'src/db.js': DB_JS('module.exports = { client: prisma };'),
    });
    assert.deepEqual(callsOf(analysis, 'src/a-routes.js'), CLIENT_CALLS('db.client'));
    assert.deepEqual(callsOf(analysis, 'src/b-routes.ts'), CLIENT_CALLS('db.client'));
    assert.deepEqual(callsOf(analysis, 'src/c-routes.js'), CLIENT_CALLS('client'));
  });

  it('`module.exports = prisma` imported as a default or with `require`', () => {
    const { analysis } = workspace({
      'package.json': '{ "name": "shop" }',
      'src/a-routes.ts': ROUTES(`import prisma from './db';`, 'prisma'),
      'src/b-routes.js': ROUTES(`const prisma = require('./db');`, 'prisma'),
      'src/db.js': DB_JS('module.exports = prisma;'),
    });
    assert.deepEqual(callsOf(analysis, 'src/a-routes.ts'), CLIENT_CALLS('prisma'));
    assert.deepEqual(callsOf(analysis, 'src/b-routes.js'), CLIENT_CALLS('prisma'));
  });

  it('`module.exports = { prisma: new PrismaClient() }` and `module.exports = new PrismaService()`', () => {
    const { analysis } = workspace({
      'package.json': '{ "name": "shop" }',
      'src/a-routes.ts': ROUTES(`import db from './db';`, 'db.prisma'),
      'src/b-routes.js': ROUTES(`const service = require('./service');`, 'service'),
      'src/db.js': `const { PrismaClient } = require('@prisma/client');\nmodule.exports = { prisma: new PrismaClient() };\n`,
      'src/prisma.service.js': `const { PrismaClient } = require('@prisma/client');\nclass PrismaService extends PrismaClient {}\nmodule.exports = { PrismaService };\n`,
      'src/service.js': `const { PrismaService } = require('./prisma.service');\nmodule.exports = new PrismaService();\n`,
    });
    assert.deepEqual(callsOf(analysis, 'src/a-routes.ts'), CLIENT_CALLS('db.prisma'));
    assert.deepEqual(callsOf(analysis, 'src/b-routes.js'), CLIENT_CALLS('service'));
  });

  it('look-alikes are no clients: an exported object of other values, a module exporting a non-client', () => {
    const { analysis } = workspace({
      'package.json': '{ "name": "shop" }',
      'src/a-routes.ts': ROUTES(`import db from './db';\nimport cache from './cache';\nimport { client } from './client';`, 'db.prisma').replace(
        'return user;',
        'await cache.user.create({ data: {} });\n  await db.pool.user.create({ data: {} });\n  return client.user.findFirst({ where: { email } });',
      ),
      'src/cache.js': `const { EventEmitter } = require('node:events');\nmodule.exports = new EventEmitter();\n`,
      'src/client.ts': `import { PrismaClient } from '@prisma/client';\nexport const client = new PrismaClient();\n`,
      'src/db.js': `const { Pool } = require('pg');\nconst prisma = { user: { create: async () => ({}) } };\nconst pool = new Pool();\nmodule.exports = { prisma, pool };\n`,
    });
    assert.deepEqual(callsOf(analysis, 'src/a-routes.ts'), ['10:client.user.findFirst']);
  });
});

describe('response helpers of a package of the same monorepo', () => {
  const HANDLER = `import type { Request, Response } from 'express';
import { prisma } from '@acme/database';
import { sendCreated } from '@acme/http';

export async function checkout(req: Request, res: Response) {
  const order = await prisma.order.create({ data: { userId: req.body.userId } });
  sendCreated(res, order);
  await prisma.payment.create({ data: { orderId: order.id } });
}
`;
  const files = (http: string) => ({
    'package.json': '{ "name": "acme", "private": true, "workspaces": ["apps/*", "packages/*"] }',
    'packages/database/package.json': '{ "name": "@acme/database", "main": "./src/index.ts" }',
    'packages/database/src/index.ts': `import { PrismaClient } from '@prisma/client';\nexport const prisma = new PrismaClient();\n`,
    'packages/http/package.json': '{ "name": "@acme/http", "exports": { ".": "./src/index.ts" } }',
    'packages/http/src/index.ts': `export * from './responses';\n`,
    'packages/http/src/responses.ts': http,
    'apps/api/package.json': '{ "name": "api" }',
    'apps/api/src/routes/orders.ts': HANDLER,
  });

  /** The wrap offered for the handler's two writes (the new text), or undefined when none is. */
  function wrap(http: string, sends: boolean): string | undefined {
    const { analysis, reader, texts, unit } = workspace(files(http));
    // Discovery already follows the package: a module that may send a response joins the unit.
    assert.equal(unit.files.includes(`${ROOT}/packages/http/src/responses.ts`), sends);
    const path = `${ROOT}/apps/api/src/routes/orders.ts`;
    const found = runRule(multiWriteWithoutTransaction, { codeFiles: analysis.codeFiles });
    assert.deepEqual(where(found), ['/apps/api/src/routes/orders.ts:6']);
    const file = analysis.codeFiles.find((f) => f.file === path)!;
    const writes = file.calls.filter((c) => c.kind === 'write');
    const edits = codeFrontEnd.writeFix({ kind: 'wrapInTransaction', file, calls: writes, transactionClient: 'tx' }, reader);
    if (!edits) return undefined;
    const after = applyEdits(texts.get(path)!, edits[0]!.edits);
    assert.equal(syntaxErrors(path, after), 0, after);
    return after;
  }

  it('a helper of `@acme/http` that sends the response: no wrap (the client would hear of success before the commit)', () => {
    const after = wrap(`import type { Response } from 'express';
export function sendCreated(res: Response, body: unknown) {
  res.status(201).json(body);
}
`, true);
    assert.equal(after, undefined);
  });

  it('a helper of the package that only logs: the wrap is offered', () => {
    const after = wrap(`import type { Response } from 'express';
export function sendCreated(res: Response, body: unknown) {
  console.log('created', res.statusCode, body);
}
`, false);
    assert.ok(after);
    assert.match(after, /prisma\.\$transaction\(async \(tx\) =>/);
  });
});
