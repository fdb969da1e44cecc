/**
 * Code actions as an editor asks for them, through a real LSP client: fixes of a diagnostic the editor still holds
 * from an older review, "fix all in the workspace" right after a keystroke, documents whose text starts with a byte
 * order mark, ignore comments for SQL in a DO block, and settings changed while documents are open.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { CodeAction, Diagnostic, TextEdit } from 'vscode-languageserver-protocol';
import { applyActionEdits, startServer, uriOf, type TestServer } from '../helpers/lsp';
import { copyFixture, lineOf } from '../helpers/workspace';
import { applyTextEdits } from '../../server/src/fixes';

const ours = (ds: Diagnostic[]) => ds.filter((d) => d.source === 'schema-review');

describe('code actions for a diagnostic of an older review', () => {
  let server: TestServer;
  let folder: string;

  before(async () => {
    folder = copyFixture('examples/learning-platform');
    server = await startServer({ folder });
  });
  after(async () => {
    await server?.stop();
    fs.rmSync(folder, { recursive: true, force: true });
  });

  it('never offers the old text\'s edits once the current text is reviewed (the request crossed the new diagnostics)', async () => {
    const file = path.join(folder, 'prisma', 'schema.prisma');
    const uri = uriOf(file);
    const original = fs.readFileSync(file, 'utf8');
    await server.connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'prisma', version: 1, text: original } });
    const first = ours(await server.waitForDiagnostics(uri, (d) => ours(d).length > 0));
    const eventLine = lineOf(original, 'event     Event    @relation');
    const old = first.find((d) => d.code === 'unindexed-foreign-key' && d.range.start.line === eventLine);
    assert.ok(old, first.map((d) => `${d.code}@${d.range.start.line}`).join(', '));
    // Two comment lines typed at the top; the server reviews them and publishes, but the lightbulb's request was
    // made with the diagnostic the editor had moved down with the text, whose data holds the old positions.
    const added = '// Learning platform\n// owned by the events team\n';
    const text = added + original;
    await server.connection.sendNotification('textDocument/didChange', {
      textDocument: { uri, version: 2 },
      contentChanges: [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, text: added }],
    });
    await server.waitForDiagnostics(uri, (d) => ours(d).some((x) => x.code === 'unindexed-foreign-key' && x.range.start.line === eventLine + 2));
    const moved: Diagnostic = { ...old, range: { start: { ...old.range.start, line: eventLine + 2 }, end: { ...old.range.end, line: old.range.end.line + 2 } } };
    const actions = (await server.connection.sendRequest('textDocument/codeAction', {
      textDocument: { uri },
      range: moved.range,
      context: { diagnostics: [moved] },
    })) as CodeAction[];
    for (const action of actions.filter((a) => a.edit)) {
      const fixed = applyActionEdits(action, uri, text).text;
      const lines = fixed.split('\n');
      // Whatever it offers is written for the current text: the @@index lands on a line of its own in the model.
      assert.doesNotMatch(fixed, /\S[ \t]*@@index/, `${action.title}:\n${lines.slice(eventLine, eventLine + 12).join('\n')}`);
      assert.equal(lines.filter((l) => l === '  event     Event    @relation(fields: [eventId], references: [id])').length, 1, action.title);
    }
  });
});

describe('fix all in the workspace right after a keystroke', () => {
  let server: TestServer;
  let folder: string;

  before(async () => {
    folder = copyFixture('examples/learning-platform');
    // A client that floods changes: the server waits a little before reviewing, so the request comes first.
    process.env.SCHEMA_REVIEW_DEBOUNCE_MS = '300';
    try {
      server = await startServer({ folder });
    } finally {
      delete process.env.SCHEMA_REVIEW_DEBOUNCE_MS;
    }
  });
  after(async () => {
    await server?.stop();
    fs.rmSync(folder, { recursive: true, force: true });
  });

  it('labels no edit with a version it was not written for', async () => {
    const file = path.join(folder, 'prisma', 'schema.prisma');
    const uri = uriOf(file);
    const original = fs.readFileSync(file, 'utf8');
    await server.connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'prisma', version: 1, text: original } });
    await server.waitForDiagnostics(uri, (d) => ours(d).some((x) => x.code === 'unindexed-foreign-key'));
    // "Fix all in the workspace" from the report view, the moment after a line is typed at the top of the schema.
    const added = '// Learning platform: events, questions and votes\n';
    const text = added + original;
    void server.connection.sendNotification('textDocument/didChange', {
      textDocument: { uri, version: 2 },
      contentChanges: [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, text: added }],
    });
    const result = (await server.connection.sendRequest('schemaReview/fixAllWorkspace', { unsafe: false })) as {
      edit: { documentChanges: { textDocument: { uri: string; version: number | null }; edits: TextEdit[] }[] };
    };
    const change = result.edit.documentChanges.find((c) => c.textDocument?.uri === uri);
    assert.ok(change, 'the schema has safe fixes (indexes)');
    // An edit labelled with version 2 is applied to the text of version 2 by the editor: it must be written for it.
    if (change.textDocument.version === 2) {
      const fixed = applyTextEdits(text, change.edits);
      assert.match(fixed, /^\/\/ Learning platform/);
      // The safe fixes add indexes: every line of the schema is still there, whole.
      const count = (lines: string[]) => lines.reduce((m, l) => m.set(l, (m.get(l) ?? 0) + 1), new Map<string, number>());
      const after = count(fixed.split('\n'));
      for (const [line, n] of count(text.split('\n'))) assert.ok((after.get(line) ?? 0) >= n, `"${line}" is cut by an edit`);
    } else {
      assert.equal(change.textDocument.version, 1, 'labelled with the version it was written for: the editor refuses it');
    }
  });
});

describe('documents whose text starts with a byte order mark', () => {
  let server: TestServer;
  let folder: string;
  let version = 1;

  before(async () => {
    folder = copyFixture('test/fixtures/server-editor/storefront');
    server = await startServer({ folder });
  });
  after(async () => {
    await server?.stop();
    fs.rmSync(folder, { recursive: true, force: true });
  });

  it('reviews a migration saved with a BOM (as some editors send it), and its ignore comments go after the BOM', async () => {
    // Saved by a Windows tool with a BOM; an editor that keeps the BOM in the document's text sends it as it is.
    const rel = 'db/migrations/0002_orders_total.sql';
    const file = path.join(folder, rel);
    const uri = uriOf(file);
    const text = '\uFEFFCREATE INDEX "orders_total_idx" ON "orders" ("total");\r\n';
    fs.writeFileSync(file, text);
    await server.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri, type: 1 }] });
    await server.connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'sql', version, text } });
    const ds = await server.waitForDiagnostics(uri, (d) => d.length > 0);
    assert.deepEqual(ds.map((d) => d.code), ['index-not-concurrent'], ds.map((d) => d.message).join('\n'));
    // UTF-16 code units of the document's text: the BOM is one, before the statement.
    assert.deepEqual(ds[0].range, { start: { line: 0, character: 1 }, end: { line: 0, character: 54 } });
    const actions = (await server.connection.sendRequest('textDocument/codeAction', {
      textDocument: { uri },
      range: { start: { line: 0, character: 10 }, end: { line: 0, character: 10 } },
      context: { diagnostics: [ds[0]] },
    })) as CodeAction[];
    const ignoreLine = actions.find((a) => a.title === 'Ignore index-not-concurrent for this line');
    assert.ok(ignoreLine, actions.map((a) => a.title).join(' | '));
    assert.equal(applyActionEdits(ignoreLine, uri, text).text, '\uFEFF-- schema-review-ignore index-not-concurrent\r\nCREATE INDEX "orders_total_idx" ON "orders" ("total");\r\n');
    const ignoreFile = actions.find((a) => a.title === 'Ignore index-not-concurrent for this file');
    assert.ok(ignoreFile, actions.map((a) => a.title).join(' | '));
    const ignored = applyActionEdits(ignoreFile, uri, text).text;
    assert.equal(ignored, '\uFEFF-- schema-review-ignore-file index-not-concurrent\r\nCREATE INDEX "orders_total_idx" ON "orders" ("total");\r\n');
    await server.connection.sendNotification('textDocument/didChange', { textDocument: { uri, version: ++version }, contentChanges: [{ text: ignored }] });
    const after = await server.waitForDiagnostics(uri, (d) => !d.some((x) => x.code === 'index-not-concurrent'), 10_000);
    assert.deepEqual(after, []);
  });
});

describe('ignore comments for SQL inside a DO block', () => {
  let server: TestServer;
  let folder: string;

  before(async () => {
    folder = copyFixture('test/fixtures/server-editor/storefront');
    server = await startServer({ folder });
  });
  after(async () => {
    await server?.stop();
    fs.rmSync(folder, { recursive: true, force: true });
  });

  it('writes the line ignore where the review reads it: before the DO statement, not in its body (a string)', async () => {
    // An idempotent migration, as written for Supabase: the index is created only where it is missing.
    const rel = 'db/migrations/0002_orders_total_idx.sql';
    const file = path.join(folder, rel);
    const uri = uriOf(file);
    const text = [
      'DO $$',
      'BEGIN',
      "  IF NOT EXISTS (SELECT 1 FROM pg_indexes WHERE indexname = 'orders_total_idx') THEN",
      '    CREATE INDEX "orders_total_idx" ON "orders" ("total");',
      '  END IF;',
      'END',
      '$$;',
      '',
    ].join('\n');
    fs.writeFileSync(file, text);
    await server.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri, type: 1 }] });
    await server.connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'sql', version: 1, text } });
    const ds = ours(await server.waitForDiagnostics(uri, (d) => ours(d).length > 0));
    const target = ds.find((d) => d.code === 'index-not-concurrent');
    assert.ok(target, ds.map((d) => d.code).join(', '));
    assert.equal(target.range.start.line, 3);
    const actions = (await server.connection.sendRequest('textDocument/codeAction', {
      textDocument: { uri },
      range: target.range,
      context: { diagnostics: [target] },
    })) as CodeAction[];
    const ignoreLine = actions.find((a) => a.title === 'Ignore index-not-concurrent for this line');
    assert.ok(ignoreLine, actions.map((a) => a.title).join(' | '));
    const ignored = applyActionEdits(ignoreLine, uri, text).text;
    await server.connection.sendNotification('textDocument/didChange', { textDocument: { uri, version: 2 }, contentChanges: [{ text: ignored }] });
    const after = await server.waitForDiagnostics(uri, (d) => !d.some((x) => x.code === 'index-not-concurrent'), 5000).catch(() => server.diagnostics.get(uri)!);
    assert.deepEqual(after.map((d) => d.code), [], `the review honours the comment:\n${ignored}`);
    // The body of the DO block is left as it was.
    assert.ok(ignored.endsWith(text), ignored);
  });
});

describe('settings changed while documents are open', () => {
  let server: TestServer;
  let folder: string;
  const settings: Record<string, unknown> = {};

  before(async () => {
    folder = copyFixture('test/fixtures/server-editor/storefront');
    server = await startServer({ folder, settings });
  });
  after(async () => {
    await server?.stop();
    fs.rmSync(folder, { recursive: true, force: true });
  });

  async function changeSettings(patch: Record<string, unknown>): Promise<void> {
    Object.assign(settings, patch);
    await server.connection.sendNotification('workspace/didChangeConfiguration', { settings: { schemaReview: settings } });
  }

  it('applies rule severities, fixes.unsafe and enable at once, on every open file', async () => {
    const schema = path.join(folder, 'src', 'schema.ts');
    const migration = path.join(folder, 'db', 'migrations', '0002_orders_total.sql');
    fs.writeFileSync(migration, 'CREATE INDEX "orders_total_idx" ON "orders" ("total");\n');
    await server.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: uriOf(migration), type: 1 }] });
    for (const [file, languageId] of [[schema, 'typescript'], [migration, 'sql']] as const) {
      await server.connection.sendNotification('textDocument/didOpen', { textDocument: { uri: uriOf(file), languageId, version: 1, text: fs.readFileSync(file, 'utf8') } });
    }
    const codes = (ds: Diagnostic[]) => ours(ds).map((d) => `${d.code}:${d.severity}`).sort().join(' ');
    await server.waitForDiagnostics(uriOf(schema), (d) => codes(d) === 'float-for-money:2 missing-on-delete:2 unindexed-foreign-key:2');
    await server.waitForDiagnostics(uriOf(migration), (d) => codes(d) === 'index-not-concurrent:2');
    const fixAll = async () =>
      ((await server.connection.sendRequest('textDocument/codeAction', {
        textDocument: { uri: uriOf(schema) },
        range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
        context: { diagnostics: [], only: ['source.fixAll.schemaReview'] },
      })) as CodeAction[]).map((a) => a.title);
    assert.deepEqual(await fixAll(), ['Fix all safe Schema Review problems']);

    await changeSettings({ rules: { 'index-not-concurrent': 'info', 'missing-on-delete': 'off' }, fixes: { unsafe: true } });
    await server.waitForDiagnostics(uriOf(schema), (d) => codes(d) === 'float-for-money:2 unindexed-foreign-key:2');
    await server.waitForDiagnostics(uriOf(migration), (d) => codes(d) === 'index-not-concurrent:3');
    assert.deepEqual(await fixAll(), ['Fix all Schema Review problems']);

    await changeSettings({ enable: false });
    await server.waitForDiagnostics(uriOf(schema), (d) => d.length === 0);
    await server.waitForDiagnostics(uriOf(migration), (d) => d.length === 0);
    assert.deepEqual(await fixAll(), []);
    const hover = await server.connection.sendRequest('textDocument/hover', { textDocument: { uri: uriOf(migration) }, position: { line: 0, character: 3 } });
    assert.equal(hover, null);
  });
});

describe('removing an unused ignore comment among JSX children', () => {
  let server: TestServer;
  let folder: string;

  before(async () => {
    folder = copyFixture('test/fixtures/server-editor/storefront');
    server = await startServer({ folder });
  });
  after(async () => {
    await server?.stop();
    fs.rmSync(folder, { recursive: true, force: true });
  });

  it('removes the {/* … */} container with it, leaving no empty {} in the page', async () => {
    const file = path.join(folder, 'src', 'page.tsx');
    const uri = uriOf(file);
    const original = fs.readFileSync(file, 'utf8');
    // A JSX ignore comment left behind after the query below it got its limit, and one for a rule that does not apply.
    const text = original.replace('    <ul>\n', '    <ul>\n      {/* schema-review-ignore float-for-money */}\n');
    assert.notEqual(text, original);
    await server.connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'typescriptreact', version: 1, text } });
    const ds = await server.waitForDiagnostics(uri, (d) => d.some((x) => x.code === 'unused-ignore'));
    const unused = ds.find((x) => x.code === 'unused-ignore')!;
    const actions = (await server.connection.sendRequest('textDocument/codeAction', {
      textDocument: { uri },
      range: unused.range,
      context: { diagnostics: [unused] },
    })) as CodeAction[];
    const remove = actions.find((a) => a.title === 'Remove unused ignore comment');
    assert.ok(remove, actions.map((a) => a.title).join(' | '));
    assert.equal(applyActionEdits(remove, uri, text).text, original);
  });
});

describe('documents whose lines end in a bare CR (classic Mac OS)', () => {
  let server: TestServer;
  let folder: string;

  before(async () => {
    folder = copyFixture('examples/learning-platform');
    server = await startServer({ folder });
  });
  after(async () => {
    await server?.stop();
    fs.rmSync(folder, { recursive: true, force: true });
  });

  it('shows findings at the lines the editor counts, and its fixes and ignores write CR line ends', async () => {
    const file = path.join(folder, 'prisma', 'schema.prisma');
    const uri = uriOf(file);
    const lf = fs.readFileSync(file, 'utf8');
    const text = lf.replace(/\r?\n/g, '\r');
    await server.connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'prisma', version: 1, text } });
    const ds = ours(await server.waitForDiagnostics(uri, (d) => ours(d).length > 0));
    const eventLine = lineOf(lf, 'event     Event    @relation');
    const index = ds.find((d) => d.code === 'unindexed-foreign-key' && d.range.start.line === eventLine);
    assert.ok(index, ds.map((d) => `${d.code}@${d.range.start.line}`).join(', '));
    const actions = (await server.connection.sendRequest('textDocument/codeAction', {
      textDocument: { uri },
      range: index.range,
      context: { diagnostics: [index] },
    })) as CodeAction[];
    const add = actions.find((a) => a.title.startsWith('Add @@index'));
    assert.ok(add, actions.map((a) => a.title).join(' | '));
    const fixed = applyActionEdits(add, uri, text).text;
    assert.ok(!fixed.includes('\n'), JSON.stringify(fixed.slice(0, 400)));
    const count = (ls: string[]) => ls.reduce((m, l) => m.set(l, (m.get(l) ?? 0) + 1), new Map<string, number>());
    const afterFix = count(fixed.split('\r'));
    for (const [line, n] of count(text.split('\r'))) assert.ok((afterFix.get(line) ?? 0) >= n, `"${line}" is cut by the edit`);
    assert.match(fixed, /\r {2}@@index\(\[eventId\]\)\r/);
    const ignore = actions.find((a) => a.title === 'Ignore unindexed-foreign-key for this line');
    assert.ok(ignore, actions.map((a) => a.title).join(' | '));
    const ignored = applyActionEdits(ignore, uri, text).text;
    const lines = ignored.split('\r');
    assert.ok(!ignored.includes('\n'));
    assert.equal(lines[eventLine].trim(), '// schema-review-ignore unindexed-foreign-key');
    assert.equal(lines[eventLine + 1], text.split('\r')[eventLine]);
  });
});
