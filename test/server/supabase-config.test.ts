/**
 * Supabase's config.toml names the declarative schema files (`[db.migrations] schema_paths`): a change to it on disk
 * changes which tables the schema files describe, and so where their findings land, without any .sql file changing.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Diagnostic } from 'vscode-languageserver-protocol';
import { startServer, uriOf, type TestServer } from '../helpers/lsp';
import { copyFixture } from '../helpers/workspace';

const onDelete = (ds: Diagnostic[]) => ds.filter((d) => d.source === 'schema-review' && d.code === 'missing-on-delete');

describe('LSP: Supabase config.toml', () => {
  let folder: string;
  let server: TestServer;
  before(async () => {
    folder = copyFixture('test/fixtures/sql/supabase-declarative');
    server = await startServer({ folder });
  });
  after(async () => {
    await server.stop();
    fs.rmSync(folder, { recursive: true, force: true });
  });

  it('a changed schema_paths moves findings between the schema files and the migrations', async () => {
    const init = path.join(folder, 'supabase', 'migrations', '20250106093000_init.sql');
    const initUri = uriOf(init);
    await server.connection.sendNotification('textDocument/didOpen', { textDocument: { uri: initUri, languageId: 'sql', version: 1, text: fs.readFileSync(init, 'utf8') } });
    const before = await server.waitForDiagnostics(initUri, () => true);
    // memberships is described by supabase/schemas/memberships.sql: its finding is there, not on the migration.
    const membershipsLine = fs.readFileSync(init, 'utf8').split('\n').findIndex((l) => /add constraint "memberships_user_id_fkey"/.test(l));
    assert.ok(membershipsLine > 0, 'the migration adds the foreign key of memberships.user_id');
    assert.equal(onDelete(before).filter((d) => d.range.start.line === membershipsLine).length, 0);

    // The config stops naming memberships.sql (and the glob that would take it): the migration describes that table now.
    const config = path.join(folder, 'supabase', 'config.toml');
    const text = fs.readFileSync(config, 'utf8');
    const edited = text.replace('  "./schemas/memberships.sql",\n', '').replace('  "./schemas/*.sql",\n', '  "./schemas/invoices.sql",\n  "./schemas/functions.sql",\n  "./schemas/policies.sql",\n');
    assert.notEqual(edited, text);
    fs.writeFileSync(config, edited);
    await server.connection.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: uriOf(config), type: 2 }] });
    const afterChange = await server.waitForDiagnostics(initUri, (ds) => onDelete(ds).some((d) => d.range.start.line === membershipsLine));
    assert.match(onDelete(afterChange).find((d) => d.range.start.line === membershipsLine)!.message, /memberships rows reference it/);
  });
});
