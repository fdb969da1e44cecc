/**
 * SQL migrations as a user meets them: a Supabase folder (`supabase/migrations/*.sql`, applied history).
 * index-not-concurrent lands on the CREATE INDEX statement, missing-on-delete and unindexed-foreign-key on
 * the REFERENCES clause, and the fixes of an applied history go into NEW migration files (old migrations
 * already ran: they are never edited). Each test starts from the fixture: its two files with their text and
 * no other migration in the folder.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import {
  codeActions,
  codeOf,
  describeDiagnostics,
  lineWhere,
  ours,
  resetDocument,
  waitForDiagnostics,
  withCode,
} from './helpers';
import type { TestBody } from './prisma.e2e';

export interface SqlSuiteState {
  /** supabase/migrations */
  folder: vscode.Uri;
  init: { uri: vscode.Uri; original: string };
  indexes: { uri: vscode.Uri; original: string };
}

const lines = {
  references: 'team_id uuid not null references public.teams (id),',
  createIndex: 'create index members_email_idx on public.members (email);',
};

const initReviewed = (ds: vscode.Diagnostic[]) =>
  withCode(ds, 'missing-on-delete').length === 1 && withCode(ds, 'unindexed-foreign-key').length === 1;

async function exists(uri: vscode.Uri): Promise<boolean> {
  try {
    await vscode.workspace.fs.stat(uri);
    return true;
  } catch {
    return false;
  }
}

async function diskText(uri: vscode.Uri): Promise<string> {
  return new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
}

/** The folder back to the fixture: migrations a fix created are deleted, the two fixture files reset and saved. */
async function restore(s: SqlSuiteState): Promise<void> {
  const fixtureNames = new Set([s.init.uri, s.indexes.uri].map((u) => u.path.slice(u.path.lastIndexOf('/') + 1)));
  const extra = (await vscode.workspace.fs.readDirectory(s.folder)).filter(([name]) => !fixtureNames.has(name));
  if (extra.length) {
    const edit = new vscode.WorkspaceEdit();
    for (const [name] of extra) edit.deleteFile(vscode.Uri.joinPath(s.folder, name), { recursive: true, ignoreIfNotExists: true });
    assert.ok(await vscode.workspace.applyEdit(edit), 'deleting the migrations an earlier test created failed');
  }
  for (const file of [s.init, s.indexes]) {
    const document = await vscode.workspace.openTextDocument(file.uri);
    await resetDocument(document, file.original);
  }
}

async function open(uri: vscode.Uri): Promise<vscode.TextDocument> {
  const document = await vscode.workspace.openTextDocument(uri);
  await vscode.window.showTextDocument(document, { preview: false });
  return document;
}

/** Every file a code action's edit touches (text edits; created files appear with their content). */
function touched(action: vscode.CodeAction): string[] {
  return (action.edit?.entries() ?? []).map(([uri]) => uri.toString());
}

export function sqlTests(define: (title: string, body: TestBody) => void, state: () => SqlSuiteState): void {
  define('index-not-concurrent is reported on the CREATE INDEX of the newest Supabase migration, with a titled in-place fix', async function () {
    const s = state();
    await restore(s);
    const document = await open(s.indexes.uri);
    assert.equal(document.languageId, 'sql');
    const diagnostics = await waitForDiagnostics(s.indexes.uri, (ds) => withCode(ds, 'index-not-concurrent').length === 1, 'index-not-concurrent');
    const [finding] = withCode(diagnostics, 'index-not-concurrent');
    const line = lineWhere(document, lines.createIndex);
    assert.equal(finding!.range.start.line, line, `the finding is on the statement:\n${describeDiagnostics(diagnostics)}`);
    assert.match(document.getText(finding!.range), /^create index members_email_idx on public\.members \(email\)/, `range text: "${document.getText(finding!.range)}"`);
    assert.equal(ours(s.indexes.uri).length, 1, `nothing else in this file:\n${describeDiagnostics(ours(s.indexes.uri))}`);

    // It is the newest migration of the folder: the only fix that rewrites it says so and is never preferred.
    const actions = await codeActions(s.indexes.uri, finding!.range);
    const inPlace = actions.filter((a) => /CONCURRENTLY/i.test(a.title) && touched(a).includes(s.indexes.uri.toString()));
    assert.ok(inPlace.length > 0, `an in-place fix for the newest migration: ${actions.map((a) => a.title).join(' | ')}`);
    for (const action of inPlace) {
      assert.match(action.title, /only if it has not been deployed yet/, `"${action.title}" says when it is right`);
      assert.notEqual(action.isPreferred, true, `"${action.title}" is not preferred`);
    }
  });

  define('missing-on-delete and unindexed-foreign-key are reported on the REFERENCES clause', async function () {
    const s = state();
    await restore(s);
    const document = await open(s.init.uri);
    const diagnostics = await waitForDiagnostics(s.init.uri, initReviewed, 'missing-on-delete and unindexed-foreign-key in init.sql');
    const line = lineWhere(document, lines.references);
    for (const d of ours(s.init.uri)) {
      assert.equal(d.range.start.line, line, `every finding is on members.team_id:\n${describeDiagnostics(diagnostics)}`);
      assert.match(document.getText(d.range), /^references public\.teams \(id\)$/i, `the range is the REFERENCES clause: "${document.getText(d.range)}"`);
      assert.equal(d.severity, vscode.DiagnosticSeverity.Warning, `${codeOf(d)} is a warning`);
    }
    assert.equal(ours(s.init.uri).length, 2, `only those two:\n${describeDiagnostics(ours(s.init.uri))}`);

    // The referential-action fixes of an applied history write new migrations too, never the old file.
    const [missing] = withCode(diagnostics, 'missing-on-delete');
    const actions = await codeActions(s.init.uri, missing!.range);
    const cascade = actions.find((a) => /ON DELETE CASCADE/i.test(a.title));
    assert.ok(cascade, `no ON DELETE CASCADE fix among: ${actions.map((a) => a.title).join(' | ')}`);
    const files = touched(cascade);
    assert.ok(files.length >= 1, `"${cascade.title}" has no edit`);
    for (const file of files) {
      assert.notEqual(file, s.init.uri.toString(), `"${cascade.title}" edits the applied migration`);
      assert.ok(file.startsWith(s.folder.toString() + '/'), `"${cascade.title}" writes ${file}, outside supabase/migrations`);
      assert.equal(await exists(vscode.Uri.parse(file)), false, `${file} already exists: the fix must create a new migration`);
    }
  });

  define('the index fix creates a NEW migration with CREATE INDEX CONCURRENTLY; the old migration is unchanged', async function () {
    const s = state();
    await restore(s);
    const document = await open(s.init.uri);
    const diagnostics = await waitForDiagnostics(s.init.uri, initReviewed, 'the init.sql findings');
    const [finding] = withCode(diagnostics, 'unindexed-foreign-key');
    const actions = await codeActions(s.init.uri, finding!.range);
    const fix = actions.find((a) => /^Create index on (public\.)?members \(team_id\)/.test(a.title));
    assert.ok(fix, `no "Create index on members (team_id)" among: ${actions.map((a) => a.title).join(' | ')}`);
    assert.ok(fix.kind && vscode.CodeActionKind.QuickFix.contains(fix.kind), 'the fix is a quickfix');
    assert.ok(fix.edit, 'the fix has an edit');

    const files = touched(fix);
    assert.equal(files.length, 1, `the fix touches one file, the new migration: ${files.join(', ')}`);
    const created = vscode.Uri.parse(files[0]!);
    const name = created.path.slice(created.path.lastIndexOf('/') + 1);
    assert.equal(created.path, `${s.folder.path}/${name}`, `the new migration is in supabase/migrations: ${created.path}`);
    assert.match(name, /^\d{14}_[a-z0-9_]+\.sql$/, `named like the folder's migrations: ${name}`);
    assert.ok(name > '20240201000000_indexes.sql', `${name} sorts after the last migration`);
    assert.equal(await exists(created), false, `${name} exists before the fix: it must be a CreateFile`);

    assert.ok(await vscode.workspace.applyEdit(fix.edit), `applying "${fix.title}" failed`);
    assert.ok(await exists(created), `${name} was not created`);
    const newDocument = await vscode.workspace.openTextDocument(created);
    if (newDocument.isDirty) assert.ok(await newDocument.save(), `saving ${name} failed`);
    const text = await diskText(created);
    assert.match(text, /CREATE INDEX CONCURRENTLY (IF NOT EXISTS )?\S+ ON (public\.)?members \(team_id\);/, `the new migration:\n${text}`);
    assert.equal(text.match(/;/g)?.length, 1, `CONCURRENTLY is alone in its file (the Supabase CLI runs a file in one transaction):\n${text}`);

    assert.equal(document.getText(), s.init.original, 'the old migration (open document) is unchanged');
    assert.equal(await diskText(s.init.uri), s.init.original, 'the old migration (on disk) is unchanged');
    assert.equal(await diskText(s.indexes.uri), s.indexes.original, 'the other migration is unchanged');

    // The server reviews the folder as one history: the new index covers members.team_id.
    await waitForDiagnostics(
      s.init.uri,
      (ds) => withCode(ds, 'unindexed-foreign-key').length === 0 && withCode(ds, 'missing-on-delete').length === 1,
      'unindexed-foreign-key to disappear once the new migration exists',
    );
  });

  define('a migration added or deleted on disk changes the findings of the folder (file watcher)', async function () {
    const s = state();
    await restore(s);
    await open(s.init.uri);
    await waitForDiagnostics(s.init.uri, initReviewed, 'the init.sql findings');
    const added = vscode.Uri.joinPath(s.folder, '20240301000000_members_team_index.sql');
    // Written through the file system, not an editor: the server hears of it from the file watcher only.
    await vscode.workspace.fs.writeFile(added, new TextEncoder().encode('create index concurrently members_team_id_idx on public.members (team_id);\n'));
    await waitForDiagnostics(s.init.uri, (ds) => withCode(ds, 'unindexed-foreign-key').length === 0, 'unindexed-foreign-key to disappear once an index migration is on disk');
    await vscode.workspace.fs.delete(added);
    await waitForDiagnostics(s.init.uri, initReviewed, 'unindexed-foreign-key to come back once that migration is deleted');
  });
}
