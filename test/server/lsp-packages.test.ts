/**
 * The language server hears that the installed or locked Prisma version changed (an `npm install` that upgrades
 * it, a lockfile pulled from git) and reviews the open schema again with it: no restart needed.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { spawn } from 'node:child_process';
import type { Diagnostic, FileSystemWatcher, RelativePattern } from 'vscode-languageserver-protocol';
import { createProtocolConnection, StreamMessageReader, StreamMessageWriter } from 'vscode-languageserver-protocol/node';
import { startServer, uriOf, type TestServer } from '../helpers/lsp';
import { REPO, writeFiles } from '../helpers/workspace';
import { SQLITE_JSON_SCHEMA } from '../helpers/version-schemas';

const SCHEMA = SQLITE_JSON_SCHEMA;

const packageLock = (version: string, workspaces: Record<string, object> = {}) =>
  JSON.stringify(
    {
      name: 'notes-app',
      version: '0.1.0',
      lockfileVersion: 3,
      requires: true,
      packages: {
        '': { name: 'notes-app', version: '0.1.0', dependencies: { '@prisma/client': '^6.1.0' }, devDependencies: { prisma: '^6.1.0' } },
        'node_modules/@prisma/client': { version, resolved: `https://registry.npmjs.org/@prisma/client/-/client-${version}.tgz`, hasInstallScript: true, license: 'Apache-2.0' },
        'node_modules/prisma': { version, resolved: `https://registry.npmjs.org/prisma/-/prisma-${version}.tgz`, devOptional: true, hasInstallScript: true, license: 'Apache-2.0' },
        ...workspaces,
      },
    },
    null,
    2,
  ) + '\n';

/** The json-in-string finding on Note.metadata: whether it says Prisma is too old for Json on SQLite. */
const jsonFinding = (ds: Diagnostic[]) => ds.find((d) => d.source === 'schema-review' && d.code === 'json-in-string');
const tooOld = (minor: number) => (ds: Diagnostic[]) => !!jsonFinding(ds)?.message.includes(`Prisma 6.${minor} has no Json type on SQLite`);
const newEnough = (ds: Diagnostic[]) => !!jsonFinding(ds) && !jsonFinding(ds)!.message.includes('No Json fix');

describe('language server: package versions from node_modules and lockfiles', () => {
  let server: TestServer;
  let folder: string;
  let schemaUri: string;

  before(async () => {
    folder = writeFiles({
      'package.json': JSON.stringify({ name: 'notes-app', private: true, dependencies: { '@prisma/client': '^6.1.0' }, devDependencies: { prisma: '^6.1.0' } }, null, 2),
      'package-lock.json': packageLock('6.1.0'),
      'prisma/schema.prisma': SCHEMA,
    });
    server = await startServer({ folder });
    schemaUri = uriOf(path.join(folder, 'prisma', 'schema.prisma'));
    await server.connection.sendNotification('textDocument/didOpen', { textDocument: { uri: schemaUri, languageId: 'prisma', version: 1, text: SCHEMA } });
  });

  after(async () => {
    await server?.stop();
    if (folder) fs.rmSync(folder, { recursive: true, force: true });
  });

  const changed = (rel: string, type: 1 | 2 | 3) =>
    server.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: uriOf(path.join(folder, rel)), type }] });

  it('a fresh clone: the lockfile says 6.1', async () => {
    await server.waitForDiagnostics(schemaUri, tooOld(1));
  });

  it('the lockfile changes to 6.2 (git pull): reviewed again, the Json fix is offered', async () => {
    fs.writeFileSync(path.join(folder, 'package-lock.json'), packageLock('6.2.1'));
    await changed('package-lock.json', 2);
    await server.waitForDiagnostics(schemaUri, newEnough);
  });

  it('node_modules/prisma appears at 6.1 (installed from an older lockfile): what runs wins', async () => {
    fs.mkdirSync(path.join(folder, 'node_modules', 'prisma'), { recursive: true });
    fs.writeFileSync(path.join(folder, 'node_modules', 'prisma', 'package.json'), JSON.stringify({ name: 'prisma', version: '6.1.0' }));
    await changed('node_modules/prisma/package.json', 1);
    await server.waitForDiagnostics(schemaUri, tooOld(1));
  });

  it('`npm install prisma@6.3`: node_modules/prisma/package.json changes, the verdict follows', async () => {
    fs.writeFileSync(path.join(folder, 'node_modules', 'prisma', 'package.json'), JSON.stringify({ name: 'prisma', version: '6.3.0' }));
    await changed('node_modules/prisma/package.json', 2);
    await server.waitForDiagnostics(schemaUri, newEnough);
  });

  it('node_modules removed (`rm -rf node_modules`) and the lockfile back at 6.0: the lockfile again', async () => {
    fs.rmSync(path.join(folder, 'node_modules'), { recursive: true, force: true });
    fs.writeFileSync(path.join(folder, 'package-lock.json'), packageLock('6.0.1'));
    await server.connection.sendNotification('workspace/didChangeWatchedFiles', {
      changes: [
        { uri: uriOf(path.join(folder, 'node_modules', 'prisma', 'package.json')), type: 3 },
        { uri: uriOf(path.join(folder, 'package-lock.json')), type: 2 },
      ],
    });
    await server.waitForDiagnostics(schemaUri, tooOld(0));
  });
});

const DRIZZLE_SCHEMA = `import { pgTable, serial, text, doublePrecision } from 'drizzle-orm/pg-core';

export const products = pgTable('products', {
  id: serial('id').primaryKey(),
  name: text('name').notNull(),
  price: doublePrecision('price').notNull(),
});
`;

const bunLock = (version: string) => `{
  "lockfileVersion": 1,
  "workspaces": {
    "": {
      "name": "shop",
      "dependencies": {
        "drizzle-orm": "^0.40.0",
        "postgres": "^3.4.5",
      },
    },
  },
  "packages": {
    "drizzle-orm": ["drizzle-orm@${version}", "", { "peerDependencies": { "postgres": ">=3" }, "optionalPeers": ["postgres"] }, "sha512-aPNhtiJiPfm3qxz1czrnIDkfvkSdKGXYeZkpG55NPTVI186LmK2fBLMi4dsHpPHlJrZeQ92D322YFPHADBALew=="],

    "postgres": ["postgres@3.4.5", "", {}, "sha512-cDWgoah1Gez9rN3H4165peY9qfpEo+SA61oQv65O3cRUE1pOEoJWwddwcqKE8XZYjbblOJlYDlLV4h67HrEVDg=="],
  }
}
`;

/** npm's entries of a workspace package: its link and its folder. */
const WORKSPACE_DB = {
  'node_modules/db': { resolved: 'packages/db', link: true },
  'packages/db': { name: 'db', dependencies: { '@prisma/client': '^6.1.0' }, devDependencies: { prisma: '^6.1.0' } },
};

describe('language server: a monorepo package opened alone, its lockfile at the repository root', () => {
  it('the root lockfile changes: the package\'s schema is reviewed with the new version', async () => {
    const repo = writeFiles({
      'package.json': JSON.stringify({ name: 'acme', private: true, workspaces: ['packages/*'] }, null, 2),
      'package-lock.json': packageLock('6.1.0', WORKSPACE_DB),
      'packages/db/package.json': JSON.stringify({ name: 'db', dependencies: { '@prisma/client': '^6.1.0' }, devDependencies: { prisma: '^6.1.0' } }, null, 2),
      'packages/db/prisma/schema.prisma': SCHEMA,
    });
    const folder = path.join(repo, 'packages', 'db');
    const server = await startServer({ folder });
    try {
      const uri = uriOf(path.join(folder, 'prisma', 'schema.prisma'));
      await server.connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'prisma', version: 1, text: SCHEMA } });
      await server.waitForDiagnostics(uri, tooOld(1));
      fs.writeFileSync(path.join(repo, 'package-lock.json'), packageLock('6.2.1', WORKSPACE_DB));
      await server.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: uriOf(path.join(repo, 'package-lock.json')), type: 2 }] });
      await server.waitForDiagnostics(uri, newEnough);
    } finally {
      await server.stop();
      fs.rmSync(repo, { recursive: true, force: true });
    }
  });
});

describe('language server: the drizzle-orm version of fixes follows bun.lock and node_modules', () => {
  let server: TestServer;
  let folder: string;
  let schemaUri: string;

  before(async () => {
    folder = writeFiles({
      'package.json': JSON.stringify({ name: 'shop', private: true, dependencies: { 'drizzle-orm': '^0.40.0', postgres: '^3.4.5' } }, null, 2),
      'bun.lock': bunLock('0.40.1'),
      'drizzle.config.ts': "import { defineConfig } from 'drizzle-kit';\nexport default defineConfig({ dialect: 'postgresql', schema: './src/db/schema.ts', out: './drizzle' });\n",
      'src/db/schema.ts': DRIZZLE_SCHEMA,
    });
    server = await startServer({ folder });
    schemaUri = uriOf(path.join(folder, 'src', 'db', 'schema.ts'));
    await server.connection.sendNotification('textDocument/didOpen', { textDocument: { uri: schemaUri, languageId: 'typescript', version: 1, text: DRIZZLE_SCHEMA } });
  });

  after(async () => {
    await server?.stop();
    if (folder) fs.rmSync(folder, { recursive: true, force: true });
  });

  const moneyFixes = (ds: Diagnostic[]) => {
    const d = ds.find((x) => x.source === 'schema-review' && x.code === 'float-for-money');
    return d ? ((d.data as { fixes?: unknown[] } | undefined)?.fixes?.length ?? 0) : -1;
  };

  it('0.40 locked: no numeric fix (`mode: "number"` came in 0.41); 0.41 locked: one; node_modules at 0.40 wins again', async () => {
    await server.waitForDiagnostics(schemaUri, (ds) => moneyFixes(ds) === 0);
    fs.writeFileSync(path.join(folder, 'bun.lock'), bunLock('0.41.0'));
    await server.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: uriOf(path.join(folder, 'bun.lock')), type: 2 }] });
    await server.waitForDiagnostics(schemaUri, (ds) => moneyFixes(ds) === 1);
    fs.mkdirSync(path.join(folder, 'node_modules', 'drizzle-orm'), { recursive: true });
    fs.writeFileSync(path.join(folder, 'node_modules', 'drizzle-orm', 'package.json'), JSON.stringify({ name: 'drizzle-orm', version: '0.40.1' }));
    await server.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: uriOf(path.join(folder, 'node_modules', 'drizzle-orm', 'package.json')), type: 1 }] });
    await server.waitForDiagnostics(schemaUri, (ds) => moneyFixes(ds) === 0);
  });
});

describe('language server: what it asks a client to watch', () => {
  it('lockfiles, and node_modules/<package>/package.json of prisma, @prisma/client, drizzle-orm per folder (relative patterns), not all of node_modules', async () => {
    const folder = writeFiles({ 'package.json': '{ "name": "w" }\n' });
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(REPO, 'server', 'src', 'server.ts'), '--stdio'], { cwd: REPO, stdio: ['pipe', 'pipe', 'pipe'] });
    const connection = createProtocolConnection(new StreamMessageReader(child.stdout!), new StreamMessageWriter(child.stdin!));
    try {
      const registered = new Promise<{ registrations: { method: string; registerOptions?: { watchers: FileSystemWatcher[] } }[] }>((resolve) =>
        connection.onRequest('client/registerCapability', (params) => {
          if ((params as { registrations: { method: string }[] }).registrations.some((r) => r.method === 'workspace/didChangeWatchedFiles')) resolve(params as never);
          return null;
        }),
      );
      connection.onRequest('workspace/configuration', (params: { items: unknown[] }) => params.items.map(() => ({})));
      connection.onRequest('window/workDoneProgress/create', () => null);
      connection.listen();
      await connection.sendRequest('initialize', {
        processId: process.pid,
        rootUri: uriOf(folder),
        workspaceFolders: [{ uri: uriOf(folder), name: 'w' }],
        capabilities: { workspace: { configuration: true, workspaceFolders: true, didChangeWatchedFiles: { dynamicRegistration: true, relativePatternSupport: true } } },
        initializationOptions: { prismaExtensionInstalled: true },
      });
      await connection.sendNotification('initialized', {});
      const params = await registered;
      const watchers = params.registrations.find((r) => r.method === 'workspace/didChangeWatchedFiles')!.registerOptions!.watchers;
      const globs = watchers.map((w) => w.globPattern).filter((g): g is string => typeof g === 'string');
      const relative = watchers.map((w) => w.globPattern).filter((g): g is RelativePattern => typeof g !== 'string');
      assert.ok(globs.includes('**/{package-lock.json,npm-shrinkwrap.json,pnpm-lock.yaml,yarn.lock,bun.lock}'), JSON.stringify(globs));
      assert.ok(globs.every((g) => !g.includes('node_modules')), 'no glob over node_modules');
      assert.deepEqual(
        relative.filter((r) => r.pattern === 'package.json').map((r) => r.baseUri),
        ['prisma', '@prisma/client', 'drizzle-orm'].map((name) => uriOf(path.join(folder, 'node_modules', name))),
      );
      // The folders above (a monorepo's root), for their lockfiles alone.
      const above = relative.filter((r) => r.pattern !== 'package.json');
      assert.ok(above.length > 0 && above.every((r) => r.pattern === '{package-lock.json,npm-shrinkwrap.json,pnpm-lock.yaml,yarn.lock,bun.lock}'));
      assert.equal(above[0].baseUri, uriOf(path.dirname(folder)));
      await connection.sendRequest('shutdown');
      await connection.sendNotification('exit');
    } finally {
      connection.dispose();
      if (child.exitCode === null) child.kill();
      fs.rmSync(folder, { recursive: true, force: true });
    }
  });
});
