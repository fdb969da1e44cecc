/**
 * Clients the review used to miss (found by auditing real projects):
 * - a class that `extends PrismaClient` (NestJS's `PrismaService`, under any name), or a class extending such a
 *   class, in the same file or imported, and the members and parameters typed with it;
 * - a property of a module-level object literal whose value is a client (`export default { client: prisma }`);
 * - a client exported by a package of the same monorepo (`import { prisma } from '@acme/database'`).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { multiWriteWithoutTransaction } from '../../../rules/transactions/multi-write-without-transaction';
import { queryInLoop } from '../../../rules/queries/query-in-loop';
import { analyzeCode, CodeAnalyzer, codeFrontEnd } from '../../../server/src/languages/code';
import type { SourceReader } from '../../../server/src/languages/types';
import { runRule } from '../../helpers/code-model';
import { applyEdits, line, syntaxErrors } from './helpers';

const ROOT = '/virtual/acme';

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

function callsOf(analysis: ReturnType<typeof workspace>['analysis'], file: string) {
  const f = analysis.codeFiles.find((c) => c.file === `${ROOT}/${file}`);
  assert.ok(f, `${file} analyzed`);
  return f;
}

const brief = (f: ReturnType<typeof callsOf>) => f.calls.map((c) => `${line(c)}:${c.client}.${c.model ?? ''}.${c.operation}`);

const PRISMA_SERVICE = `import { Injectable, OnModuleInit } from '@nestjs/common';
import { PrismaClient } from '../generated/prisma';

@Injectable()
export class PrismaTransactionService extends PrismaClient implements OnModuleInit {
  async onModuleInit() {
    await this.$connect();
  }
}
`;

const USERS_SERVICE = `import { Injectable } from '@nestjs/common';
import { PrismaTransactionService } from '../prisma/prisma-tx.service';

@Injectable()
export class UsersService {
  constructor(private readonly prismaTx: PrismaTransactionService) {}

  async rename(ids: string[], name: string) {
    for (const id of ids) {
      await this.prismaTx.user.update({ where: { id }, data: { name } });
    }
  }

  async signUp(email: string) {
    const user = await this.prismaTx.user.create({ data: { email } });
    await this.prismaTx.account.create({ data: { userId: user.id } });
    return user;
  }

  async inOne(email: string) {
    return this.prismaTx.$transaction(async (tx) => {
      const user = await tx.user.create({ data: { email } });
      await tx.account.create({ data: { userId: user.id } });
      return user;
    });
  }
}
`;

describe('classes extending PrismaClient', () => {
  it('an imported class extending PrismaClient (any name) types a constructor parameter property', () => {
    const { analysis } = workspace({
      'package.json': '{ "name": "api" }',
      'src/prisma/prisma-tx.service.ts': PRISMA_SERVICE,
      'src/users/users.service.ts': USERS_SERVICE,
    });
    const users = callsOf(analysis, 'src/users/users.service.ts');
    assert.deepEqual(brief(users), [
      '10:this.prismaTx.user.update',
      '15:this.prismaTx.user.create',
      '16:this.prismaTx.account.create',
      '22:tx.user.create',
      '23:tx.account.create',
    ]);
    assert.equal(users.transactions.length, 1);
    assert.equal(users.calls[0]!.loop?.kind, 'for-of');
    const inLoop = runRule(queryInLoop, { codeFiles: analysis.codeFiles });
    assert.deepEqual(inLoop.map((f) => `${f.loc.file.slice(ROOT.length)}:${f.loc.range.start.line + 1}`), ['/src/users/users.service.ts:10']);
  });

  it('multi-write-without-transaction reports the two writes, and the wrap it offers parses', () => {
    const { analysis, reader, texts } = workspace({
      'package.json': '{ "name": "api" }',
      'src/prisma/prisma-tx.service.ts': PRISMA_SERVICE,
      'src/users/users.service.ts': USERS_SERVICE,
    });
    const found = runRule(multiWriteWithoutTransaction, { codeFiles: analysis.codeFiles });
    // (The loop of updates in `rename` is a multi-write too.)
    assert.deepEqual(found.map((f) => `${f.loc.file.slice(ROOT.length)}:${f.loc.range.start.line + 1}`), ['/src/users/users.service.ts:9', '/src/users/users.service.ts:15']);
    const fix = found[1]!.fixes?.[0];
    assert.ok(fix, 'a fix is offered');
    const edits = codeFrontEnd.writeFix(fix.intent, reader);
    assert.ok(edits?.length, 'the fix is written');
    const path = `${ROOT}/src/users/users.service.ts`;
    const after = applyEdits(texts.get(path)!, edits[0]!.edits);
    assert.equal(syntaxErrors(path, after), 0, after);
    assert.match(after, /this\.prismaTx\.\$transaction\(async \(tx\) =>/);
  });

  it('a class extending such a class (one level), in the same file; `new` of it is a client; a field typed with it', () => {
    const { analysis } = workspace({
      'package.json': '{ "name": "api" }',
      'src/db.ts': `import { PrismaClient as BaseClient } from '@prisma/client/edge';
class ExtendedClient extends BaseClient {}
export class AppDatabase extends ExtendedClient {
  async purge(ids: string[]) {
    for (const id of ids) await this.session.deleteMany({ where: { userId: id } });
  }
}
export const db = new AppDatabase();
`,
      'src/jobs.ts': `import { db, AppDatabase } from './db';
export async function cleanup(ids: string[]) {
  for (const id of ids) await db.user.delete({ where: { id } });
}
export class Cleaner {
  private store: AppDatabase;
  constructor(store: AppDatabase) {
    this.store = store;
  }
  run(id: string) {
    return this.store.user.findUnique({ where: { id } });
  }
}
export function viaParam(client: AppDatabase) {
  return client.user.findMany({ take: 5 });
}
`,
    });
    assert.deepEqual(brief(callsOf(analysis, 'src/jobs.ts')), ['3:db.user.delete', '11:this.store.user.findUnique', '15:client.user.findMany']);
    assert.deepEqual(brief(callsOf(analysis, 'src/db.ts')), ['5:this.session.deleteMany']);
  });

  it('a subclass in a module that never names PrismaClient, imported by a module analyzed before it', () => {
    const { analysis } = workspace({
      'package.json': '{ "name": "api" }',
      'src/a-orders.ts': `import { PrismaTxService } from './prisma/tx.service';
export class OrdersService {
  constructor(private readonly db: PrismaTxService) {}
  async place(ids: string[]) {
    for (const id of ids) await this.db.order.findUnique({ where: { id } });
  }
}
`,
      'src/prisma/prisma.service.ts': PRISMA_SERVICE.replace('PrismaTransactionService', 'PrismaService'),
      'src/prisma/tx.service.ts': `import { Injectable } from '@nestjs/common';
import { PrismaService } from './prisma.service';
@Injectable()
export class PrismaTxService extends PrismaService {}
`,
    });
    assert.deepEqual(brief(callsOf(analysis, 'src/a-orders.ts')), ['5:this.db.order.findUnique']);
  });

  it('`this` in a method of the client class itself: its calls and the wrap offered for them (`this.$transaction`)', () => {
    const path = 'src/prisma/prisma.service.ts';
    const { analysis, reader, texts } = workspace({
      'package.json': '{ "name": "api" }',
      [path]: `import { Injectable, OnModuleInit } from '@nestjs/common';
import { PrismaClient } from '@prisma/client';

@Injectable()
export class PrismaService extends PrismaClient implements OnModuleInit {
  async onModuleInit() {
    await this.$connect();
  }

  async resetUser(id: string) {
    await this.session.deleteMany({ where: { userId: id } });
    await this.user.update({ where: { id }, data: { resetAt: new Date() } });
  }
}
`,
    });
    const service = callsOf(analysis, path);
    assert.deepEqual(brief(service), ['11:this.session.deleteMany', '12:this.user.update']);
    const found = runRule(multiWriteWithoutTransaction, { codeFiles: analysis.codeFiles });
    assert.equal(found.length, 1);
    const edits = codeFrontEnd.writeFix(found[0]!.fixes![0]!.intent, reader);
    assert.ok(edits?.length, 'the fix is written');
    const after = applyEdits(texts.get(`${ROOT}/${path}`)!, edits[0]!.edits);
    assert.equal(syntaxErrors(path, after), 0, after);
    assert.match(after, /this\.\$transaction\(async \(tx\) => \{\n\s+await tx\.session\.deleteMany/);
  });

  it('a class extending something else is no client, nor is its instance', () => {
    const { analysis } = workspace({
      'package.json': '{ "name": "api" }',
      'src/db.ts': `import { PrismaClient } from '@prisma/client';
export const prisma = new PrismaClient();
export class Repo extends Array<string> {}
`,
      'src/use.ts': `import { prisma, Repo } from './db';
const repo = new Repo();
export function f(r: Repo) {
  repo.user.findMany();
  r.user.findMany();
  return prisma.user.findMany({ take: 1 });
}
`,
    });
    assert.deepEqual(brief(callsOf(analysis, 'src/use.ts')), ['6:prisma.user.findMany']);
  });
});

describe('wrapper objects holding a client', () => {
  it('`export default { client: prisma, pagedQuery }` imported as `prisma`: `prisma.client.user.update(…)`', () => {
    const { analysis } = workspace({
      'package.json': '{ "name": "api" }',
      'src/lib/client.ts': `import { PrismaClient } from '@prisma/client';
const prisma = new PrismaClient();
async function pagedQuery() {}
export default { client: prisma, pagedQuery };
`,
      'src/lib/index.ts': `import clientModule from './client';
import { PrismaClient } from '@prisma/client';
const client = new PrismaClient();
export const wrapped = { ...clientModule, client, other: 1 };
`,
      'src/lib/db.ts': `import clientModule from './client';
export default { ...clientModule, extra: true };
`,
      'src/a-routes.ts': `import db from './lib/db';
export const all = () => db.client.user.findMany({ take: 10 });
`,
      'src/routes.ts': `import prisma from './lib/client';
import { wrapped } from './lib';
export async function rename(ids: string[]) {
  for (const id of ids) {
    await prisma.client.user.update({ where: { id }, data: { name: 'x' } });
  }
  await wrapped.client.user.create({ data: {} });
  await wrapped.other.user.create({ data: {} });
}
`,
    });
    const routes = callsOf(analysis, 'src/routes.ts');
    assert.deepEqual(brief(routes), ['5:prisma.client.user.update', '7:wrapped.client.user.create']);
    assert.deepEqual(brief(callsOf(analysis, 'src/a-routes.ts')), ['2:db.client.user.findMany']);
    const inLoop = runRule(queryInLoop, { codeFiles: analysis.codeFiles });
    assert.deepEqual(inLoop.map((f) => `${f.loc.file.slice(ROOT.length)}:${f.loc.range.start.line + 1}`), ['/src/routes.ts:5']);
  });
});

describe('clients exported by a package of the same monorepo', () => {
  const files = {
    'package.json': '{ "name": "acme", "private": true, "workspaces": ["apps/*", "packages/*"] }',
    'packages/database/package.json': '{ "name": "@acme/database", "main": "./dist/index.js", "types": "./src/index.ts" }',
    'packages/database/src/index.ts': `export * from './client';\n`,
    'packages/database/src/client.ts': `import { PrismaClient } from '@prisma/client';
export const prisma = new PrismaClient();
`,
    'packages/jobs/package.json': '{ "name": "@acme/jobs", "exports": { ".": { "import": "./dist/index.mjs" }, "./tx": "./src/tx.ts" } }',
    'packages/jobs/src/tx.ts': `import { prisma } from '@acme/database';
export const jobsDb = prisma;
`,
    'apps/web/package.json': '{ "name": "web", "dependencies": { "@acme/database": "workspace:*" } }',
    'apps/web/src/users.ts': `import { prisma } from '@acme/database';
import { jobsDb } from '@acme/jobs/tx';
export async function signUp(email: string) {
  const user = await prisma.user.create({ data: { email } });
  await prisma.account.create({ data: { userId: user.id } });
  await jobsDb.job.create({ data: { userId: user.id } });
}
`,
  };

  it('the import resolves to the package entry (types/main/exports, else src/index.ts) and its client is recognised', () => {
    const { analysis, unit } = workspace(files);
    assert.ok(unit.files.includes(`${ROOT}/apps/web/src/users.ts`), 'the caller joins the unit');
    assert.deepEqual(brief(callsOf(analysis, 'apps/web/src/users.ts')), ['4:prisma.user.create', '5:prisma.account.create', '6:jobsDb.job.create']);
    const found = runRule(multiWriteWithoutTransaction, { codeFiles: analysis.codeFiles });
    assert.deepEqual(found.map((f) => `${f.loc.file.slice(ROOT.length)}:${f.loc.range.start.line + 1}`), ['/apps/web/src/users.ts:4']);
  });

  it('kept results follow the workspace packages (a package renamed: its importers resolve again)', () => {
    const { unit, reader } = workspace(files);
    const analyzer = new CodeAnalyzer();
    const packages = unit.hints!.packages as Record<string, string>;
    const users = (a: ReturnType<typeof analyzeCode>) => a.codeFiles.find((c) => c.file.endsWith('apps/web/src/users.ts'))!.calls.length;
    assert.equal(users(analyzer.analyze(unit.files, reader, [], packages)), 3);
    const renamed: Record<string, string> = { ...packages, '@acme/db': packages['@acme/database']! };
    delete renamed['@acme/database'];
    const after = analyzer.analyze(unit.files, reader, [], renamed);
    assert.equal(users(after), 0);
    assert.deepEqual(after, analyzeCode(unit.files, reader, [], renamed), 'incremental result equals a fresh analysis');
    assert.equal(users(analyzer.analyze(unit.files, reader, [], packages)), 3);
  });

  it('an unknown package is still no client, and node_modules is never read', () => {
    const reads: string[] = [];
    const texts = new Map(Object.entries(files).map(([p, t]) => [`${ROOT}/${p}`, t]));
    texts.set(`${ROOT}/apps/web/src/other.ts`, `import { prisma } from '@other/database';\nexport const f = () => prisma.user.findMany();\n`);
    const reader: SourceReader = {
      read: (p) => {
        reads.push(p);
        return texts.get(p);
      },
    };
    const units = codeFrontEnd.discover([...texts.keys()].sort(), reader);
    const analysis = codeFrontEnd.analyze(units[0]!, reader, { validation: false, databases: [] });
    const other = analysis.codeFiles.find((c) => c.file.endsWith('other.ts'));
    assert.deepEqual(other?.calls ?? [], []);
    assert.ok(!reads.some((p) => p.includes('/node_modules/')), reads.join('\n'));
  });
});
