/**
 * The language server over stdio on Drizzle, SQL-migration and code workspaces (the Prisma path is in
 * lsp.test.ts): diagnostics where the user must act, fixes that write the language of the file, and a new
 * migration file (not an edit of an applied one) for SQL.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { CodeAction, CreateFile, Diagnostic, TextDocumentEdit } from 'vscode-languageserver-protocol';
import { applyActionEdits, startServer, uriOf, type TestServer } from '../helpers/lsp';
import { copyFixture, lineOf } from '../helpers/workspace';

const ours = (ds: Diagnostic[]) => ds.filter((d) => d.source === 'schema-review');

async function open(server: TestServer, file: string, languageId: string): Promise<string> {
  const text = fs.readFileSync(file, 'utf8');
  await server.connection.sendNotification('textDocument/didOpen', { textDocument: { uri: uriOf(file), languageId, version: 1, text } });
  return text;
}

async function actionsFor(server: TestServer, file: string, d: Diagnostic): Promise<CodeAction[]> {
  return (await server.connection.sendRequest('textDocument/codeAction', {
    textDocument: { uri: uriOf(file) },
    range: d.range,
    context: { diagnostics: [d] },
  })) as CodeAction[];
}

function edited(action: CodeAction, file: string, text: string): string {
  return applyActionEdits(action, uriOf(file), text).text;
}

describe('language server over stdio: Drizzle schema and code', () => {
  let server: TestServer;
  let folder: string;
  before(async () => {
    folder = copyFixture('examples/trading-bot');
    server = await startServer({ folder });
  });
  after(async () => {
    await server?.stop();
    fs.rmSync(folder, { recursive: true, force: true });
  });

  it('flags .references(...) without onDelete and unindexed, with Drizzle fixes', async () => {
    const file = path.join(folder, 'shared', 'schema.ts');
    const text = await open(server, file, 'typescript');
    const ds = ours(await server.waitForDiagnostics(uriOf(file), (d) => ours(d).some((x) => x.code === 'missing-on-delete')));
    const line = lineOf(text, "strategyId: uuid('strategy_id').references(() => strategies.id),");
    const onDelete = ds.find((d) => d.code === 'missing-on-delete' && d.range.start.line === line);
    assert.ok(onDelete, JSON.stringify(ds.map((d) => [d.code, d.range.start.line])));
    assert.equal(text.split('\n')[line].slice(onDelete.range.start.character, onDelete.range.end.character), '.references(() => strategies.id)');
    const cascade = (await actionsFor(server, file, onDelete)).find((a) => /cascade/i.test(a.title));
    assert.ok(cascade);
    assert.match(edited(cascade, file, text).split('\n')[line], /\.references\(\(\) => strategies\.id, \{ onDelete: ['"]cascade['"] \}\)/);
    const unindexed = ds.find((d) => d.code === 'unindexed-foreign-key' && d.range.start.line === line)!;
    const addIndex = (await actionsFor(server, file, unindexed)).find((a) => a.isPreferred)!;
    assert.match(edited(addIndex, file, text), /index\(['"]\w+_strategy_id_idx['"]\)\.on\(\w+\.strategyId\)/);
  });

  it('flags "delete all, then insert" without a transaction and wraps it in db.transaction', async () => {
    const file = path.join(folder, 'server', 'storage.ts');
    const text = await open(server, file, 'typescript');
    const ds = ours(await server.waitForDiagnostics(uriOf(file), (d) => ours(d).some((x) => x.code === 'multi-write-without-transaction')));
    const deleteLine = lineOf(text, 'await db.delete(positions);');
    const finding = ds.find((d) => d.code === 'multi-write-without-transaction' && d.range.start.line === deleteLine);
    assert.ok(finding, JSON.stringify(ds.map((d) => [d.code, d.range.start.line])));
    const wrap = (await actionsFor(server, file, finding)).find((a) => /transaction/.test(a.title));
    assert.ok(wrap, 'the wrap fix is offered');
    assert.equal(wrap.isPreferred, false, 'unsafe: never preferred');
    const fixed = edited(wrap, file, text);
    assert.match(fixed, /db\.transaction\(async \((tx\w*)\) =>/);
    assert.match(fixed, /await tx\w*\.delete\(positions\)/);
  });
});

describe('language server over stdio: Supabase SQL migrations', () => {
  let server: TestServer;
  let folder: string;
  before(async () => {
    folder = copyFixture('examples/supabase-app');
    server = await startServer({ folder });
  });
  after(async () => {
    await server?.stop();
    fs.rmSync(folder, { recursive: true, force: true });
  });

  it('flags CREATE INDEX without CONCURRENTLY on an existing table; its fix is a new migration', async () => {
    const file = path.join(folder, 'supabase', 'migrations', '20240201120000_task_indexes.sql');
    const text = await open(server, file, 'sql');
    const ds = ours(await server.waitForDiagnostics(uriOf(file), (d) => ours(d).some((x) => x.code === 'index-not-concurrent')));
    const line = lineOf(text, 'create index idx_tasks_project_id');
    const finding = ds.find((d) => d.code === 'index-not-concurrent' && d.range.start.line === line);
    assert.ok(finding, JSON.stringify(ds.map((d) => [d.code, d.range.start.line])));
    // The migration is applied: the statement already ran, so there is nothing to rewrite in place.
    const actions = await actionsFor(server, file, finding);
    for (const a of actions) {
      const touchesOld = ((a.edit?.documentChanges ?? []) as TextDocumentEdit[]).some(
        (c) => 'textDocument' in c && c.textDocument.uri === uriOf(file) && !a.title.startsWith('Ignore'),
      );
      assert.ok(!touchesOld, `"${a.title}" must not edit an applied migration`);
    }
  });

  it('offers the missing index on a REFERENCES clause as a new timestamped migration with CONCURRENTLY', async () => {
    const file = path.join(folder, 'supabase', 'migrations', '20240210080000_comment_authors.sql');
    await open(server, file, 'sql');
    const ds = ours(await server.waitForDiagnostics(uriOf(file), (d) => ours(d).some((x) => x.code === 'unindexed-foreign-key')));
    const finding = ds.find((d) => d.code === 'unindexed-foreign-key')!;
    const fix = (await actionsFor(server, file, finding)).find((a) => a.isPreferred);
    assert.ok(fix, 'a preferred (safe) fix');
    const changes = fix.edit!.documentChanges!;
    const create = changes.find((c) => 'kind' in c && c.kind === 'create') as CreateFile | undefined;
    assert.ok(create, 'the fix creates a migration file');
    assert.match(create.uri, /supabase\/migrations\/\d{14}_[\w-]+\.sql$/);
    const body = (changes.find((c) => 'textDocument' in c && c.textDocument.uri === create.uri) as TextDocumentEdit).edits.map((e) => e.newText).join('');
    assert.match(body, /create index concurrently/i);
    assert.match(body, /author_id/);
  });
});
