/**
 * The language server as an editor drives it, over stdio, on a small Drizzle + SQL + React workspace: files that
 * appear on disk and are opened before any watcher event, ignore comments in JSX, documents over the size limit,
 * and removing an ignore comment that suppresses nothing.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as ts from 'typescript';
import { URI } from 'vscode-uri';
import type { CodeAction, Diagnostic, Hover } from 'vscode-languageserver-protocol';
import { applyActionEdits, startServer, uriOf, type TestServer } from '../helpers/lsp';
import { copyFixture, lineOf } from '../helpers/workspace';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { Connection, TextDocuments } from 'vscode-languageserver';
import { Session } from '../../server/src/session';

const ours = (ds: Diagnostic[]) => ds.filter((d) => d.source === 'schema-review');

describe('language server in an editor: storefront workspace', () => {
  let server: TestServer;
  let folder: string;
  const versions = new Map<string, number>();

  async function open(rel: string, text?: string): Promise<string> {
    const file = path.join(folder, rel);
    text ??= fs.readFileSync(file, 'utf8');
    versions.set(file, 1);
    const languageId = rel.endsWith('.sql') ? 'sql' : rel.endsWith('.tsx') ? 'typescriptreact' : 'typescript';
    await server.connection.sendNotification('textDocument/didOpen', { textDocument: { uri: uriOf(file), languageId, version: 1, text } });
    return text;
  }

  async function replace(rel: string, text: string): Promise<void> {
    const file = path.join(folder, rel);
    const version = (versions.get(file) ?? 1) + 1;
    versions.set(file, version);
    await server.connection.sendNotification('textDocument/didChange', { textDocument: { uri: uriOf(file), version }, contentChanges: [{ text }] });
  }

  async function actionsFor(rel: string, d: Diagnostic): Promise<CodeAction[]> {
    return (await server.connection.sendRequest('textDocument/codeAction', {
      textDocument: { uri: uriOf(path.join(folder, rel)) },
      range: d.range,
      context: { diagnostics: [d] },
    })) as CodeAction[];
  }

  before(async () => {
    folder = copyFixture('test/fixtures/server-editor/storefront');
    server = await startServer({ folder });
  });
  after(async () => {
    await server?.stop();
    fs.rmSync(folder, { recursive: true, force: true });
  });

  it('reviews a file created on disk and opened before the watcher reports it', async () => {
    await open('src/schema.ts');
    await server.waitForDiagnostics(uriOf(path.join(folder, 'src/schema.ts')), (d) => ours(d).length > 0);
    // `drizzle-kit generate` writes a migration; the user opens it at once, before the file watcher's event.
    const rel = 'db/migrations/0002_orders_status.sql';
    fs.writeFileSync(path.join(folder, rel), 'CREATE INDEX "orders_total_idx" ON "orders" ("total");\n');
    await open(rel);
    const ds = ours(await server.waitForDiagnostics(uriOf(path.join(folder, rel)), (d) => ours(d).length > 0, 10_000));
    assert.ok(ds.some((d) => d.code === 'index-not-concurrent'), ds.map((d) => d.code).join(', '));
  });

  it('writes the line ignore among JSX children as {/* … */}, never as text the page would render, and the review reads it', async () => {
    const rel = 'src/page.tsx';
    const file = path.join(folder, rel);
    const text = await open(rel);
    const ds = ours(await server.waitForDiagnostics(uriOf(file), (d) => ours(d).length > 0));
    const target = ds.find((d) => d.code === 'unbounded-query');
    assert.ok(target, ds.map((d) => d.code).join(', '));
    assert.equal(target.range.start.line, lineOf(text, '{(await db.select()'));
    const actions = await actionsFor(rel, target);
    const jsxTexts = (source: string): string[] => {
      const sf = ts.createSourceFile(file, source, ts.ScriptTarget.Latest, true, ts.ScriptKind.TSX);
      const out: string[] = [];
      const visit = (n: ts.Node) => {
        if (ts.isJsxText(n) && n.text.trim()) out.push(n.text.trim());
        ts.forEachChild(n, visit);
      };
      visit(sf);
      return out;
    };
    for (const action of actions.filter((a) => a.title.startsWith('Ignore '))) {
      const result = applyActionEdits(action, uriOf(file), text);
      assert.ok(result.touched, action.title);
      assert.deepEqual(jsxTexts(result.text), [], `${action.title} leaves the rendered text alone:\n${result.text}`);
    }
    assert.ok(actions.find((a) => a.title === 'Ignore unbounded-query for this file'), actions.map((a) => a.title).join(' | '));
    // The line's ignore is JSX's own comment, which the review reads: the finding goes, and the comment is used.
    const lineIgnore = actions.find((a) => a.title === 'Ignore unbounded-query for this line');
    assert.ok(lineIgnore, actions.map((a) => a.title).join(' | '));
    const ignored = applyActionEdits(lineIgnore, uriOf(file), text).text;
    assert.match(ignored, /\n( *)\{\/\* schema-review-ignore unbounded-query \*\/\}\n\1\{\(await db\.select\(\)/);
    await replace(rel, ignored);
    const after = await server.waitForDiagnostics(uriOf(file), (d) => !d.some((x) => x.code === 'unbounded-query'), 10_000);
    assert.deepEqual(after.filter((d) => d.code === 'unused-ignore'), []);
  });

  it('skips a document over the size limit as it skips the file, and reviews it once it is back under', async () => {
    // A data dump saved as a migration (over 4 MB), then opened and edited.
    const rel = 'db/migrations/0003_seed_orders.sql';
    const file = path.join(folder, rel);
    const rows: string[] = [];
    for (let i = 0; rows.length < 70_000; i++) rows.push(`INSERT INTO "orders" ("id", "total", "status", "customer_id") VALUES (${i}, ${i % 97}.50, 'shipped', ${i % 1000});`);
    const dump = rows.join('\n') + '\n';
    fs.writeFileSync(file, dump);
    await server.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: uriOf(file), type: 1 }] });
    await open(rel, dump);
    const codes = (d: Diagnostic[]) => ours(d).map((x) => x.code).sort().join(',');
    await server.waitForDiagnostics(uriOf(file), (d) => codes(d) === 'file-skipped', 20_000);
    const published = () => server.publishes.filter((p) => p.uri === uriOf(file)).length;
    const before = published();
    await replace(rel, `CREATE INDEX "orders_status_idx" ON "orders" ("status");\n${dump}`);
    const big = await server.waitForDiagnostics(uriOf(file), () => published() > before, 20_000);
    assert.equal(codes(big), 'file-skipped', 'the document over the limit is not reviewed either');
    await replace(rel, 'CREATE INDEX "orders_status_idx" ON "orders" ("status");\n');
    const small = await server.waitForDiagnostics(uriOf(file), (d) => !d.some((x) => x.code === 'file-skipped'), 20_000);
    assert.equal(codes(small), 'index-not-concurrent');
  });

  it('removes an ignore comment that suppresses nothing, on its own line or after code', async () => {
    const sqlRel = 'db/migrations/0000_init.sql';
    const sqlFile = path.join(folder, sqlRel);
    const original = fs.readFileSync(sqlFile, 'utf8');
    const withIgnore = original.replace('CREATE TABLE "orders"', '-- schema-review-ignore index-not-concurrent\nCREATE TABLE "orders"');
    await open(sqlRel, withIgnore);
    const unused = (d: Diagnostic[]) => ours(d).find((x) => x.code === 'unused-ignore');
    const sqlDiagnostic = unused(await server.waitForDiagnostics(uriOf(sqlFile), (d) => !!unused(d), 10_000))!;
    const sqlRemove = (await actionsFor(sqlRel, sqlDiagnostic)).find((a) => a.title === 'Remove unused ignore comment');
    assert.ok(sqlRemove, 'a quick fix removes the comment');
    const sqlFixed = applyActionEdits(sqlRemove, uriOf(sqlFile), withIgnore).text;
    assert.equal(sqlFixed, original);
    await replace(sqlRel, sqlFixed);
    await server.waitForDiagnostics(uriOf(sqlFile), (d) => !unused(d), 10_000);

    const tsRel = 'src/db.ts';
    const tsFile = path.join(folder, tsRel);
    const tsOriginal = fs.readFileSync(tsFile, 'utf8');
    const tsWithIgnore = tsOriginal.replace("import postgres from 'postgres';", "import postgres from 'postgres'; // schema-review-ignore float-for-money");
    await open(tsRel, tsWithIgnore);
    const tsDiagnostic = unused(await server.waitForDiagnostics(uriOf(tsFile), (d) => !!unused(d), 10_000))!;
    const tsRemove = (await actionsFor(tsRel, tsDiagnostic)).find((a) => a.title === 'Remove unused ignore comment');
    assert.ok(tsRemove, 'a quick fix removes the trailing comment');
    assert.equal(applyActionEdits(tsRemove, uriOf(tsFile), tsWithIgnore).text, tsOriginal);
  });

  it('links a finding to its rule documentation, a file that exists', async () => {
    const rel = 'src/schema.ts';
    const file = path.join(folder, rel);
    const target = ours(server.diagnostics.get(uriOf(file)) ?? []).find((d) => d.code === 'unindexed-foreign-key');
    assert.ok(target);
    const hover = (await server.connection.sendRequest('textDocument/hover', { textDocument: { uri: uriOf(file) }, position: target.range.start })) as Hover;
    const value = (hover.contents as { value: string }).value;
    const link = /\[Documentation for unindexed-foreign-key\]\(([^)]+)\)/.exec(value)?.[1];
    assert.ok(link, value);
    assert.equal(target.codeDescription?.href, link);
    if (link.startsWith('file:')) assert.ok(fs.existsSync(URI.parse(link).fsPath), `${link} exists`);
  });

  it('offers no ignore comment or rule documentation for a problem that is not a rule (a syntax error)', async () => {
    const rel = 'db/migrations/0004_half_typed.sql';
    const file = path.join(folder, rel);
    const text = 'ALTER TABLE "orders" ADD COLUMN "note" text;\nCREATE INDEX "orders_note_idx" ON "orders" ("note"\n';
    fs.writeFileSync(file, text);
    await server.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: uriOf(file), type: 1 }] });
    await open(rel, text);
    const syntax = ours(await server.waitForDiagnostics(uriOf(file), (d) => d.some((x) => x.code === 'sql-syntax'), 10_000)).find((x) => x.code === 'sql-syntax')!;
    const titles = (await actionsFor(rel, syntax)).map((a) => a.title);
    assert.deepEqual(titles.filter((t) => t.includes('sql-syntax')), [], titles.join(' | '));
  });

  // Last: it removes the workspace folder.
  it('clears the diagnostics of a workspace folder removed from the workspace', async () => {
    const result = (await server.connection.sendRequest('schemaReview/audit', {})) as { cancelled: boolean };
    assert.equal(result.cancelled, false);
    const closed = uriOf(path.join(folder, 'db/migrations/0001_fk.sql'));
    await server.waitForDiagnostics(closed, (d) => ours(d).length > 0, 10_000);
    server.connection.onRequest('workspace/workspaceFolders', () => []);
    await server.connection.sendNotification('workspace/didChangeWorkspaceFolders', { event: { added: [], removed: [{ uri: uriOf(folder), name: path.basename(folder) }] } });
    await server.waitForDiagnostics(closed, (d) => d.length === 0, 10_000);
  });
});

describe('session with Schema Review disabled for the workspace', () => {
  it('does not hold fix-all on save waiting for a review that will not come', async () => {
    const folder = copyFixture('test/fixtures/server-editor/storefront');
    try {
      const file = path.join(folder, 'src', 'schema.ts');
      const uri = uriOf(file);
      let doc = TextDocument.create(uri, 'typescript', 1, fs.readFileSync(file, 'utf8'));
      const documents = { get: (u: string) => (u === uri ? doc : undefined), all: () => [doc] } as unknown as TextDocuments<TextDocument>;
      const connection = {
        console: { log: () => undefined },
        sendDiagnostics: async () => undefined,
        sendNotification: async () => undefined,
        workspace: { getConfiguration: async () => [{ enable: false }, {}] },
      } as unknown as Connection;
      const session = new Session(connection, documents, {
        extensionRoot: folder,
        prismaExtensionInstalled: false,
        configurationSupported: true,
        relatedInformationSupported: true,
        watchesFiles: true,
      });
      session.setFolders([folder]);
      await session.reviewRoot(folder);
      // A keystroke, its review (of a disabled workspace: nothing), then the save asks for fix-all.
      doc = TextDocument.update(doc, [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, text: '// orders\n' }], 2);
      await session.reviewRoot(folder);
      // (whenCurrent's own timer does not keep a process alive: this one does, while the test waits.)
      const alive = setInterval(() => undefined, 1000);
      try {
        assert.equal(await session.whenCurrent(file, 20_000), true, 'the disabled review of the current text counts as current');
      } finally {
        clearInterval(alive);
      }
    } finally {
      fs.rmSync(folder, { recursive: true, force: true });
    }
  });
});

describe('session: a file outside every workspace folder', () => {
  it('is reviewed with the files beside it, not with every folder below (a home or temp folder)', async () => {
    const folder = copyFixture('test/fixtures/server-editor/storefront');
    const loose = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'schema-review-loose-')));
    try {
      const schema = 'datasource db {\n  provider = "postgresql"\n}\n\nmodel User {\n  id    Int    @id\n  posts Post[]\n}\n\nmodel Post {\n  id       Int  @id\n  authorId Int\n  author   User @relation(fields: [authorId], references: [id])\n}\n';
      fs.writeFileSync(path.join(loose, 'schema.prisma'), schema);
      fs.mkdirSync(path.join(loose, 'deep', 'project'), { recursive: true });
      fs.writeFileSync(path.join(loose, 'deep', 'project', 'other.prisma'), schema);
      const file = path.join(loose, 'schema.prisma');
      const uri = uriOf(file);
      const doc = TextDocument.create(uri, 'prisma', 1, schema);
      const documents = { get: (u: string) => (u === uri ? doc : undefined), all: () => [doc] } as unknown as TextDocuments<TextDocument>;
      const connection = {
        console: { log: () => undefined },
        sendDiagnostics: async () => undefined,
        sendNotification: async () => undefined,
        workspace: { getConfiguration: async () => [{}, {}] },
      } as unknown as Connection;
      const session = new Session(connection, documents, {
        extensionRoot: folder,
        prismaExtensionInstalled: true,
        configurationSupported: true,
        relatedInformationSupported: true,
        watchesFiles: true,
      });
      session.setFolders([folder]);
      const root = session.rootOf(file);
      assert.equal(root, loose.split(path.sep).join('/'));
      const result = await session.reviewRoot(root);
      assert.deepEqual(result!.files.map((f) => path.basename(f.path)), ['schema.prisma'], 'deep/project/other.prisma is not read');
      assert.ok(result!.findings.some((f) => f.rule === 'missing-on-delete'), 'the loose file itself is reviewed');
    } finally {
      fs.rmSync(folder, { recursive: true, force: true });
      fs.rmSync(loose, { recursive: true, force: true });
    }
  });
});
