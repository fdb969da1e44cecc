/**
 * string-enum reads the code's lists of values and runs table by table in the language server: an edit of the zod
 * file alone (the schema untouched) must update the schema's findings, and an edit of the schema must keep them.
 * Through a real LSP client over stdio.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Diagnostic } from 'vscode-languageserver-protocol';
import { startServer, uriOf, type TestServer } from '../helpers/lsp';
import { copyFixture } from '../helpers/workspace';

const difficulty = (ds: Diagnostic[]) => ds.find((d) => d.code === 'string-enum' && d.message.startsWith('Goal.difficulty'))?.message ?? '';

describe('string-enum over LSP: values from the code, judged again when only the code changed', () => {
  let server: TestServer;
  let folder: string;
  let schemaUri: string;
  let zodUri: string;
  let schema: string;
  let zod: string;
  before(async () => {
    folder = copyFixture('test/fixtures/data-types/goal-tracker');
    const schemaPath = path.join(folder, 'prisma', 'schema.prisma');
    const zodPath = path.join(folder, 'lib', 'validation', 'schemas.ts');
    schemaUri = uriOf(schemaPath);
    zodUri = uriOf(zodPath);
    schema = fs.readFileSync(schemaPath, 'utf8');
    zod = fs.readFileSync(zodPath, 'utf8');
    server = await startServer({ folder, settings: { prisma: { validation: 'off' } } });
    await server.connection.sendNotification('textDocument/didOpen', { textDocument: { uri: schemaUri, languageId: 'prisma', version: 1, text: schema } });
    await server.connection.sendNotification('textDocument/didOpen', { textDocument: { uri: zodUri, languageId: 'typescript', version: 1, text: zod } });
  });
  after(async () => {
    await server?.stop();
    fs.rmSync(folder, { recursive: true, force: true });
  });

  it('the values follow the zod file, and survive an edit of another model', async () => {
    await server.waitForDiagnostics(schemaUri, (ds) => /holds one of "easy", "medium", "hard", "expert"/.test(difficulty(ds)));
    let version = 1;
    const editZod = (text: string) =>
      server.connection.sendNotification('textDocument/didChange', { textDocument: { uri: zodUri, version: ++version }, contentChanges: [{ text }] });
    await editZod(zod.replace("difficulty: z.enum(['easy', 'medium', 'hard', 'expert'])", 'difficulty: z.string()'));
    await server.waitForDiagnostics(schemaUri, (ds) => /looks like an enum kept as free text \(default "medium"\)/.test(difficulty(ds)));
    await editZod(zod.replace("'hard', 'expert'", "'hard'"));
    await server.waitForDiagnostics(schemaUri, (ds) => /holds one of "easy", "medium", "hard" as free text/.test(difficulty(ds)));
    // An edit of the schema elsewhere (a comment above the Goal model): the values stay those of the code.
    const edited = schema.replace('model Goal {', '// Goals a user sets for a module.\nmodel Goal {');
    await server.connection.sendNotification('textDocument/didChange', { textDocument: { uri: schemaUri, version: 2 }, contentChanges: [{ text: edited }] });
    const ds = await server.waitForDiagnostics(schemaUri, (d) => d.some((x) => x.code === 'string-enum' && x.range.start.line === 46));
    assert.match(difficulty(ds), /holds one of "easy", "medium", "hard" as free text/);
  });
});
