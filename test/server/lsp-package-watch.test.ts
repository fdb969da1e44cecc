/**
 * A pnpm monorepo: each package has a node_modules of its own (`packages/db/node_modules/prisma`, a link pnpm makes),
 * read first for that package's versions. The server asks the client to watch the tracked packages there too, for
 * each project folder its reviews found (a Prisma schema's package, a Drizzle config's), registering its watchers
 * again when that set changes; never all of node_modules. An install that changes only node_modules
 * (`pnpm install --frozen-lockfile` after a branch switch, node_modules restored from a cache) is then heard of, and
 * the version-dependent verdicts follow.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { spawn, type ChildProcess } from 'node:child_process';
import type { Diagnostic, FileSystemWatcher, PublishDiagnosticsParams, RelativePattern } from 'vscode-languageserver-protocol';
import { createProtocolConnection, StreamMessageReader, StreamMessageWriter, type ProtocolConnection } from 'vscode-languageserver-protocol/node';
import { watchersFor, projectFolderOf } from '../../server/src/project/watch';
import { uriOf } from '../helpers/lsp';
import { REPO, writeFiles } from '../helpers/workspace';
import { SQLITE_JSON_SCHEMA } from '../helpers/version-schemas';

const SCHEMA = SQLITE_JSON_SCHEMA;

const DRIZZLE_SCHEMA = `import { pgTable, serial, text, doublePrecision } from 'drizzle-orm/pg-core';

export const products = pgTable('products', {
  id: serial('id').primaryKey(),
  name: text('name').notNull(),
  price: doublePrecision('price').notNull(),
});
`;

/** The json-in-string finding on Note.metadata: whether it says Prisma is too old for Json on SQLite. */
const jsonFinding = (ds: Diagnostic[]) => ds.find((d) => d.source === 'schema-review' && d.code === 'json-in-string');
const tooOld = (ds: Diagnostic[]) => !!jsonFinding(ds)?.message.includes('Prisma 6.1 has no Json type on SQLite');
const newEnough = (ds: Diagnostic[]) => !!jsonFinding(ds) && !jsonFinding(ds)!.message.includes('No Json fix');
/** How many fixes the float-for-money finding offers (`mode: "number"` came in drizzle-orm 0.41). */
const moneyFixes = (ds: Diagnostic[]) => {
  const d = ds.find((x) => x.source === 'schema-review' && x.code === 'float-for-money');
  return d ? ((d.data as { fixes?: unknown[] } | undefined)?.fixes?.length ?? 0) : -1;
};

const installed = (name: string, version: string) => JSON.stringify({ name, version, license: 'Apache-2.0' }, null, 2);

/**
 * A client that registers file watchers dynamically with relative patterns (VS Code's capabilities), and keeps what
 * the server asked it to watch.
 */
async function startWatchingClient(folder: string) {
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', path.join(REPO, 'server', 'src', 'server.ts'), '--stdio'], { cwd: REPO, stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += d.toString()));
  const connection: ProtocolConnection = createProtocolConnection(new StreamMessageReader(child.stdout!), new StreamMessageWriter(child.stdin!));
  const diagnostics = new Map<string, Diagnostic[]>();
  /** The watchers of each registration in force, by its id. */
  const registered = new Map<string, FileSystemWatcher[]>();
  const waiters: (() => void)[] = [];
  const changed = () => waiters.splice(0).forEach((w) => w());
  connection.onNotification('textDocument/publishDiagnostics', (p: PublishDiagnosticsParams) => (diagnostics.set(p.uri, p.diagnostics), changed()));
  connection.onRequest('client/registerCapability', (params: { registrations: { id: string; method: string; registerOptions?: { watchers: FileSystemWatcher[] } }[] }) => {
    for (const r of params.registrations) if (r.method === 'workspace/didChangeWatchedFiles') registered.set(r.id, r.registerOptions!.watchers);
    changed();
    return null;
  });
  connection.onRequest('client/unregisterCapability', (params: { unregisterations: { id: string }[] }) => {
    for (const r of params.unregisterations) registered.delete(r.id);
    changed();
    return null;
  });
  connection.onRequest('workspace/configuration', (params: { items: unknown[] }) => params.items.map(() => ({})));
  connection.onRequest('window/workDoneProgress/create', () => null);
  connection.listen();
  await connection.sendRequest('initialize', {
    processId: process.pid,
    rootUri: uriOf(folder),
    workspaceFolders: [{ uri: uriOf(folder), name: path.basename(folder) }],
    capabilities: {
      workspace: { configuration: true, workspaceFolders: true, didChangeWatchedFiles: { dynamicRegistration: true, relativePatternSupport: true } },
      textDocument: { publishDiagnostics: { relatedInformation: true, dataSupport: true } },
    },
    initializationOptions: { prismaExtensionInstalled: true },
  });
  await connection.sendNotification('initialized', {});
  /** Resolves once `predicate` holds, checked at each diagnostics published and each (un)registration. */
  const until = (what: string, predicate: () => boolean, timeoutMs = 30_000) =>
    new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${what}: not within ${timeoutMs} ms; watchers ${JSON.stringify([...registered.values()])}\n${stderr}`)), timeoutMs);
      const check = () => (predicate() ? (clearTimeout(timer), resolve()) : waiters.push(check));
      check();
    });
  return {
    connection,
    diagnostics,
    /** The relative patterns of the watchers in force. */
    relative: () => [...registered.values()].flat().map((w) => w.globPattern).filter((g): g is RelativePattern => typeof g !== 'string'),
    globs: () => [...registered.values()].flat().map((w) => w.globPattern).filter((g): g is string => typeof g === 'string'),
    registrations: () => registered.size,
    until,
    async stop() {
      try {
        await connection.sendRequest('shutdown');
        await connection.sendNotification('exit');
      } catch {
        // already gone
      }
      connection.dispose();
      if (child.exitCode === null) child.kill();
    },
  };
}

describe('language server: a monorepo package\'s own node_modules (pnpm)', () => {
  let repo: string;
  let client: Awaited<ReturnType<typeof startWatchingClient>>;
  const at = (rel: string) => path.join(repo, rel);
  /** Whether node_modules/<name>/package.json of this folder is watched, with a relative pattern. */
  const watched = (dir: string, name: string) =>
    client.relative().some((r) => r.pattern === 'package.json' && (typeof r.baseUri === 'string' ? r.baseUri : r.baseUri.uri) === uriOf(path.join(dir, 'node_modules', name)));
  const schemaUri = () => uriOf(at('packages/db/prisma/schema.prisma'));
  const drizzleUri = () => uriOf(at('packages/shop/src/schema.ts'));

  before(async () => {
    repo = writeFiles({
      'package.json': JSON.stringify({ name: 'acme', private: true }, null, 2),
      'pnpm-workspace.yaml': "packages:\n  - 'packages/*'\n",
      'packages/db/package.json': JSON.stringify({ name: '@acme/db', dependencies: { '@prisma/client': '^6.1.0' }, devDependencies: { prisma: '^6.1.0' } }, null, 2),
      'packages/db/prisma/schema.prisma': SCHEMA,
      'packages/db/node_modules/prisma/package.json': installed('prisma', '6.1.0'),
      'packages/db/node_modules/@prisma/client/package.json': installed('@prisma/client', '6.1.0'),
      'packages/shop/package.json': JSON.stringify({ name: '@acme/shop', dependencies: { 'drizzle-orm': '^0.40.0' } }, null, 2),
      'packages/shop/drizzle.config.ts': "import { defineConfig } from 'drizzle-kit';\nexport default defineConfig({ dialect: 'postgresql', schema: './src/schema.ts' });\n",
      'packages/shop/src/schema.ts': DRIZZLE_SCHEMA,
      'packages/shop/node_modules/drizzle-orm/package.json': installed('drizzle-orm', '0.40.1'),
    });
    client = await startWatchingClient(repo);
    await client.connection.sendNotification('textDocument/didOpen', { textDocument: { uri: schemaUri(), languageId: 'prisma', version: 1, text: SCHEMA } });
    await client.connection.sendNotification('textDocument/didOpen', { textDocument: { uri: drizzleUri(), languageId: 'typescript', version: 1, text: DRIZZLE_SCHEMA } });
  });

  after(async () => {
    await client?.stop();
    if (repo) fs.rmSync(repo, { recursive: true, force: true });
  });

  it('the packages found are watched: their tracked packages in node_modules, not all of it', async () => {
    await client.until('the db package watched', () => watched(at('packages/db'), 'prisma') && watched(at('packages/shop'), 'drizzle-orm'));
    for (const dir of [repo, at('packages/db'), at('packages/shop')]) {
      for (const name of ['prisma', '@prisma/client', 'drizzle-orm']) assert.ok(watched(dir, name), `${dir} ${name}`);
    }
    // One registration in force (the one made at start was replaced), node_modules watched by its three folders only.
    assert.equal(client.registrations(), 1);
    assert.ok(client.globs().every((g) => !g.includes('node_modules')));
    const modules = client.relative().filter((r) => (typeof r.baseUri === 'string' ? r.baseUri : r.baseUri.uri).includes('node_modules'));
    assert.equal(modules.length, 9);
    assert.ok(modules.every((r) => r.pattern === 'package.json'));
  });

  it('Prisma upgraded in packages/db/node_modules alone (no lockfile change): the verdict follows', async () => {
    await client.until('Prisma 6.1 from packages/db/node_modules', () => tooOld(client.diagnostics.get(schemaUri()) ?? []));
    fs.writeFileSync(at('packages/db/node_modules/prisma/package.json'), installed('prisma', '6.2.1'));
    fs.writeFileSync(at('packages/db/node_modules/@prisma/client/package.json'), installed('@prisma/client', '6.2.1'));
    await client.connection.sendNotification('workspace/didChangeWatchedFiles', {
      changes: [
        { uri: uriOf(at('packages/db/node_modules/prisma/package.json')), type: 2 },
        { uri: uriOf(at('packages/db/node_modules/@prisma/client/package.json')), type: 2 },
      ],
    });
    await client.until('the Json fix offered with Prisma 6.2', () => newEnough(client.diagnostics.get(schemaUri()) ?? []));
  });

  it('drizzle-orm upgraded in packages/shop/node_modules: the numeric fix is offered', async () => {
    await client.until('no numeric fix with drizzle-orm 0.40', () => moneyFixes(client.diagnostics.get(drizzleUri()) ?? []) === 0);
    fs.writeFileSync(at('packages/shop/node_modules/drizzle-orm/package.json'), installed('drizzle-orm', '0.41.0'));
    await client.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: uriOf(at('packages/shop/node_modules/drizzle-orm/package.json')), type: 2 }] });
    await client.until('one numeric fix with drizzle-orm 0.41', () => moneyFixes(client.diagnostics.get(drizzleUri()) ?? []) === 1);
  });

  it('a new package with a schema: the watchers are registered again with its folder', async () => {
    fs.mkdirSync(at('packages/billing/prisma'), { recursive: true });
    fs.writeFileSync(at('packages/billing/package.json'), JSON.stringify({ name: '@acme/billing', devDependencies: { prisma: '^6.1.0' } }, null, 2));
    fs.writeFileSync(at('packages/billing/prisma/schema.prisma'), SCHEMA);
    await client.connection.sendNotification('workspace/didChangeWatchedFiles', {
      changes: [
        { uri: uriOf(at('packages/billing/package.json')), type: 1 },
        { uri: uriOf(at('packages/billing/prisma/schema.prisma')), type: 1 },
      ],
    });
    await client.until('packages/billing watched', () => watched(at('packages/billing'), 'prisma') && client.registrations() === 1);
    assert.ok(watched(at('packages/db'), 'prisma'));
  });
});

describe('watchersFor and projectFolderOf', () => {
  it('a project folder adds its three package folders; one outside the workspace folders adds none', () => {
    const relative = (ws: FileSystemWatcher[]) => ws.map((w) => w.globPattern).filter((g): g is RelativePattern => typeof g !== 'string');
    const base = relative(watchersFor(['/r'], true)).length;
    const more = relative(watchersFor(['/r'], true, ['/r/packages/db', '/elsewhere/pkg', '/r'])).map((r) => (typeof r.baseUri === 'string' ? r.baseUri : r.baseUri.uri));
    assert.equal(more.length, base + 3);
    assert.ok(more.includes(uriOf('/r/packages/db/node_modules/@prisma/client')));
    assert.ok(!more.some((u) => u.includes('elsewhere')));
    // Without relative patterns, the globs alone, whatever the projects.
    assert.deepEqual(watchersFor(['/r'], false, ['/r/packages/db']), watchersFor(['/r'], false));
  });

  it('the nearest package.json from a schema or a config, below the root only', () => {
    const files = new Set(['/r/package.json', '/r/packages/db/package.json', '/r/apps/web/package.json']);
    const reader = { read: (p: string) => (files.has(p) ? '{}' : undefined) };
    assert.equal(projectFolderOf({ language: 'prisma', id: 'p', files: [], hints: { schemaPath: '/r/packages/db/prisma/schema.prisma' } }, '/r', reader), '/r/packages/db');
    assert.equal(projectFolderOf({ language: 'drizzle', id: 'd', files: [], hints: { config: '/r/apps/web/drizzle.config.ts' } }, '/r', reader), '/r/apps/web');
    assert.equal(projectFolderOf({ language: 'drizzle', id: 'd2', files: [], hints: { root: '/r/apps/web' } }, '/r', reader), '/r/apps/web');
    // The root's own schema, and code units: the root's watchers cover them.
    assert.equal(projectFolderOf({ language: 'prisma', id: 'p2', files: [], hints: { schemaPath: '/r/prisma/schema.prisma' } }, '/r', reader), undefined);
    assert.equal(projectFolderOf({ language: 'code', id: 'c', files: ['/r/packages/db/src/index.ts'] }, '/r', reader), undefined);
  });
});
