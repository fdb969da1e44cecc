/**
 * The language server through a real LSP client over stdio, on a copy of the example workspace:
 * diagnostics on open, quick fixes that really fix, fix-all (safe only), hover, suppression, the audit
 * request, and a bad config file.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { WorkDoneProgress, type CodeAction, type Diagnostic, type Hover } from 'vscode-languageserver-protocol';
import { applyActionEdits, startServer, uriOf, type TestServer } from '../helpers/lsp';
import { copyFixture, lineOf } from '../helpers/workspace';
import { isDiagnosticData } from '../../server/src/diagnostics';

const ours = (ds: Diagnostic[]) => ds.filter((d) => d.source === 'schema-review');

function editedText(action: CodeAction, uri: string, text: string): string {
  const result = applyActionEdits(action, uri, text);
  assert.ok(result.touched, `action "${action.title}" edits ${uri}`);
  return result.text;
}

describe('language server over stdio', () => {
  let server: TestServer;
  let folder: string;
  let schemaPath: string;
  let schemaUri: string;
  let text: string;
  let version = 1;

  before(async () => {
    folder = copyFixture('examples/learning-platform');
    schemaPath = path.join(folder, 'prisma', 'schema.prisma');
    schemaUri = uriOf(schemaPath);
    text = fs.readFileSync(schemaPath, 'utf8');
    server = await startServer({ folder });
    await server.connection.sendNotification('textDocument/didOpen', {
      textDocument: { uri: schemaUri, languageId: 'prisma', version, text },
    });
  });
  after(async () => {
    await server?.stop();
    fs.rmSync(folder, { recursive: true, force: true });
  });

  it('publishes findings with rule codes, doc links and fix data on open', async () => {
    const ds = ours(await server.waitForDiagnostics(schemaUri, (d) => ours(d).length > 0));
    const onDelete = ds.filter((d) => d.code === 'missing-on-delete');
    const eventLine = lineOf(text, 'event     Event    @relation');
    assert.ok(onDelete.some((d) => d.range.start.line === eventLine), 'Question.event lacks onDelete');
    const unindexed = ds.filter((d) => d.code === 'unindexed-foreign-key');
    assert.ok(unindexed.some((d) => d.range.start.line === eventLine), 'Question.eventId is not indexed');
    for (const d of ds) {
      assert.ok(d.codeDescription?.href, `${d.code} links its documentation`);
      assert.ok(isDiagnosticData(d.data), `${d.code} carries its fixes in data`);
    }
    assert.ok(ds.some((d) => d.code === 'float-for-money'), 'Course.price / Payment.amount are Float money');
    assert.ok(ds.some((d) => d.code === 'backup-table'), 'CourseBackup looks like a leftover table');
  });

  it('offers the index fix, which removes the finding once applied', async () => {
    const ds = ours(server.diagnostics.get(schemaUri) ?? []);
    const eventLine = lineOf(text, 'event     Event    @relation');
    const target = ds.find((d) => d.code === 'unindexed-foreign-key' && d.range.start.line === eventLine)!;
    const actions = (await server.connection.sendRequest('textDocument/codeAction', {
      textDocument: { uri: schemaUri },
      range: target.range,
      context: { diagnostics: [target] },
    })) as CodeAction[];
    const titles = actions.map((a) => a.title);
    assert.ok(titles.includes('Ignore unindexed-foreign-key for this line'), titles.join(' | '));
    assert.ok(titles.includes('Ignore unindexed-foreign-key for this file'));
    assert.ok(titles.includes('Show documentation for unindexed-foreign-key'));
    const fix = actions.find((a) => a.isPreferred && a.kind === 'quickfix');
    assert.ok(fix, `a preferred fix among: ${titles.join(' | ')}`);
    const fixed = editedText(fix!, schemaUri, text);
    assert.match(fixed, /@@index\(\[eventId\]\)/);
    text = fixed;
    await server.connection.sendNotification('textDocument/didChange', {
      textDocument: { uri: schemaUri, version: ++version },
      contentChanges: [{ text }],
    });
    const after = ours(
      await server.waitForDiagnostics(schemaUri, (d) => !ours(d).some((x) => x.code === 'unindexed-foreign-key' && x.range.start.line === eventLine)),
    );
    assert.ok(after.some((d) => d.code === 'missing-on-delete'), 'other findings remain');
  });

  it('offers one referential action per valid choice for a required relation (no SetNull)', async () => {
    const ds = ours(server.diagnostics.get(schemaUri) ?? []);
    const line = lineOf(text, 'event     Event    @relation');
    const target = ds.find((d) => d.code === 'missing-on-delete' && d.range.start.line === line)!;
    const actions = (await server.connection.sendRequest('textDocument/codeAction', {
      textDocument: { uri: schemaUri },
      range: target.range,
      context: { diagnostics: [target] },
    })) as CodeAction[];
    const fixes = actions.filter((a) => a.edit && !a.title.startsWith('Ignore'));
    const results = fixes.map((a) => editedText(a, schemaUri, text).split('\n')[line]);
    assert.ok(results.some((l) => /onDelete: Cascade/.test(l)), results.join('\n'));
    assert.ok(results.some((l) => /onDelete: Restrict/.test(l)), results.join('\n'));
    assert.ok(!results.some((l) => /onDelete: SetNull/.test(l)), 'SetNull is not offered for a required relation');
    assert.ok(fixes.every((a) => !a.isPreferred), 'unsafe fixes are never preferred');
  });

  it('fix-all applies safe fixes only', async () => {
    const actions = (await server.connection.sendRequest('textDocument/codeAction', {
      textDocument: { uri: schemaUri },
      range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
      context: { diagnostics: [], only: ['source.fixAll.schemaReview'] },
    })) as CodeAction[];
    assert.equal(actions.length, 1);
    const fixed = editedText(actions[0], schemaUri, text);
    assert.match(fixed, /@@index\(\[userId\]\)/, 'indexes are added');
    assert.doesNotMatch(fixed, /onDelete: Cascade\)\n\s+user\s+User\s+@relation\(fields: \[userId\], references: \[id\]\)\n\s+votes/, 'sanity');
    const before = (text.match(/onDelete:/g) ?? []).length;
    const afterCount = (fixed.match(/onDelete:/g) ?? []).length;
    assert.equal(afterCount, before, 'no referential action is written by fix-all (unsafe)');
  });

  it('offers no fix written for an older text, and fix-all waits for the review of the current one', async () => {
    const ds = ours(server.diagnostics.get(schemaUri) ?? []);
    const target = ds.find((d) => d.code === 'missing-on-delete')!;
    const published = server.diagnostics.get(schemaUri);
    // Two lines typed at the top, and at once (before the server publishes again) the lightbulb asks for fixes
    // of the diagnostic the editor moved down with the text: its fix data holds the old positions.
    const added = '// a comment\n// another\n';
    text = added + text;
    await server.connection.sendNotification('textDocument/didChange', {
      textDocument: { uri: schemaUri, version: ++version },
      contentChanges: [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, text: added }],
    });
    const moved = { ...target, range: { start: { ...target.range.start, line: target.range.start.line + 2 }, end: { ...target.range.end, line: target.range.end.line + 2 } } };
    const stale = (await server.connection.sendRequest('textDocument/codeAction', {
      textDocument: { uri: schemaUri },
      range: moved.range,
      context: { diagnostics: [moved] },
    })) as CodeAction[];
    if (server.diagnostics.get(schemaUri) === published) {
      assert.deepEqual(stale.filter((a) => a.edit && !a.title.startsWith('Ignore')).map((a) => a.title), [], 'no fix for the old text');
    }
    // Fix-all right after another keystroke: answered for the current text, valid where it lands.
    text = added + text;
    await server.connection.sendNotification('textDocument/didChange', {
      textDocument: { uri: schemaUri, version: ++version },
      contentChanges: [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, text: added }],
    });
    const [fixAll] = (await server.connection.sendRequest('textDocument/codeAction', {
      textDocument: { uri: schemaUri },
      range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
      context: { diagnostics: [], only: ['source.fixAll.schemaReview'] },
    })) as CodeAction[];
    assert.ok(fixAll, 'fix-all after the review of the current text');
    const change = (fixAll.edit!.documentChanges as { textDocument: { version: number | null } }[])[0];
    assert.equal(change.textDocument.version, version);
    const fixed = editedText(fixAll, schemaUri, text);
    const lines = text.split('\n');
    for (const c of fixAll.edit!.documentChanges as { edits: { range: { start: { line: number; character: number } } }[] }[]) {
      for (const e of c.edits) assert.ok(e.range.start.character <= (lines[e.range.start.line] ?? '').length, 'no range past the end of a line');
    }
    assert.match(fixed, /^\/\/ a comment\n\/\/ another\n\/\/ a comment/);
    // The fixed text is valid Prisma: every @@index sits on a line of its own inside a model.
    assert.doesNotMatch(fixed, /\S[ \t]*@@index/);
  });

  it('explains a finding on hover', async () => {
    const line = lineOf(text, 'event     Event    @relation');
    const hover = (await server.connection.sendRequest('textDocument/hover', {
      textDocument: { uri: schemaUri },
      position: { line, character: 4 },
    })) as Hover;
    const value = (hover.contents as { value: string }).value;
    assert.match(value, /missing-on-delete/);
    assert.match(value, /Documentation/);
  });

  it('honours an ignore comment and reports one that suppresses nothing', async () => {
    const line = lineOf(text, 'event     Event    @relation');
    const lines = text.split('\n');
    lines.splice(line, 0, '  // schema-review-ignore float-for-money', '  // schema-review-ignore missing-on-delete');
    text = lines.join('\n');
    await server.connection.sendNotification('textDocument/didChange', {
      textDocument: { uri: schemaUri, version: ++version },
      contentChanges: [{ text }],
    });
    const ds = await server.waitForDiagnostics(schemaUri, (d) => d.some((x) => x.code === 'unused-ignore'));
    const eventLine = line + 2;
    assert.ok(!ds.some((d) => d.code === 'missing-on-delete' && d.range.start.line === eventLine), 'suppressed');
    assert.ok(ds.some((d) => d.code === 'unused-ignore' && d.range.start.line === line), 'the float-for-money comment above another comment suppresses nothing');
  });

  it('audits the workspace: findings in code files, a Markdown report, progress', async () => {
    const progress: unknown[] = [];
    server.connection.onProgress(WorkDoneProgress.type, 'audit-1', (p) => progress.push(p));
    const result = (await server.connection.sendRequest('schemaReview/audit', { workDoneToken: 'audit-1' })) as {
      markdown: string;
      findings: number;
      files: number;
      cancelled: boolean;
      report: { findings: { rule: string; file: string }[] };
    };
    assert.equal(result.cancelled, false);
    assert.ok(result.findings > 5);
    assert.match(result.markdown, /^# Database audit/m);
    assert.match(result.markdown, /## Status by area/);
    const authUri = uriOf(path.join(folder, 'src', 'lib', 'auth-server.ts'));
    const auth = await server.waitForDiagnostics(authUri, (d) => d.length > 0);
    assert.ok(auth.some((d) => d.code === 'multi-write-without-transaction'), JSON.stringify(auth.map((d) => d.code)));
    assert.ok(progress.some((p: any) => p.kind === 'begin') && progress.some((p: any) => p.kind === 'end'), `progress was reported: ${JSON.stringify(progress)}`);
    assert.ok(server.notifications.some((n) => n.method === 'schemaReview/status' && (n.params as any).lastAudit), 'status carries the last audit');
  });

  it('reports an invalid schema-review.json on that file and keeps working', async () => {
    const configPath = path.join(folder, 'schema-review.json');
    fs.writeFileSync(configPath, '{ "rules": { "missing-on-delete": "loud" } }\n');
    await server.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: uriOf(configPath), type: 1 }] });
    await server.connection.sendNotification('textDocument/didOpen', {
      textDocument: { uri: uriOf(configPath), languageId: 'json', version: 1, text: fs.readFileSync(configPath, 'utf8') },
    });
    const ds = await server.waitForDiagnostics(uriOf(configPath), (d) => d.some((x) => x.code === 'invalid-config'));
    assert.match(ds[0].message, /rules\.missing-on-delete/);
    const schema = await server.waitForDiagnostics(schemaUri, (d) => ours(d).length > 0);
    assert.ok(ours(schema).length > 0, 'the review goes on with the editor settings');
  });

  it('a config edited badly and closed without saving: the settings on disk apply again', async () => {
    const configPath = path.join(folder, 'schema-review.json');
    const configUri = uriOf(configPath);
    fs.writeFileSync(configPath, '{ "rules": { "missing-on-delete": "error" } }\n');
    await server.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: configUri, type: 2 }] });
    await server.connection.sendNotification('textDocument/didChange', {
      textDocument: { uri: configUri, version: 2 },
      contentChanges: [{ text: fs.readFileSync(configPath, 'utf8') }],
    });
    await server.waitForDiagnostics(schemaUri, (d) => ours(d).some((x) => x.code === 'missing-on-delete' && x.severity === 1));
    server.diagnostics.delete(configUri);
    await server.connection.sendNotification('textDocument/didChange', {
      textDocument: { uri: configUri, version: 3 },
      contentChanges: [{ text: '{ "rules": { "missing-on-delete": "eror" } }\n' }],
    });
    await server.waitForDiagnostics(configUri, (d) => d.some((x) => x.code === 'invalid-config'));
    // From here on, only what the server publishes after the close counts.
    server.diagnostics.delete(configUri);
    server.diagnostics.delete(schemaUri);
    await server.connection.sendNotification('textDocument/didClose', { textDocument: { uri: configUri } });
    const schema = await server.waitForDiagnostics(schemaUri, (d) => ours(d).length > 0, 10_000);
    assert.ok(ours(schema).some((x) => x.code === 'missing-on-delete' && x.severity === 1), 'the rule is an error again, as the file on disk says');
    assert.deepEqual(server.diagnostics.get(configUri) ?? [], [], 'and the closed buffer\'s error is gone');
  });
});
