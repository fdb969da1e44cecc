/**
 * Start-up's garbage is collected once, when the server has been quiet for a moment after its first review, not while
 * changes keep coming (server/src/session.ts `whenQuiet`, server/src/memory.ts).
 */
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { startServer, uriOf, type TestServer } from '../helpers/lsp';
import { copyFixture } from '../helpers/workspace';

const COLLECTED = /start-up's garbage collected, \d+ MB freed/;
const logs = (server: TestServer) =>
  server.notifications.filter((n) => n.method === 'window/logMessage').map((n) => (n.params as { message: string }).message);

const folder = copyFixture('examples/learning-platform');
let server: TestServer | undefined;
after(async () => {
  await server?.stop();
  fs.rmSync(folder, { recursive: true, force: true });
});

const waitFor = async (what: () => boolean) => {
  const deadline = Date.now() + 15_000;
  while (!what() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 25));
};

test('collected once, when the server is quiet after its first review', async () => {
  server = await startServer({ folder, initializationOptions: { prismaExtensionInstalled: true } });
  const s = server;
  const file = path.join(folder, 'prisma', 'schema.prisma');
  const uri = uriOf(file);
  let text = fs.readFileSync(file, 'utf8');
  const collections = () => logs(s).filter((m) => COLLECTED.test(m));
  await s.connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'prisma', version: 1, text } });
  await s.waitForDiagnostics(uri, (d) => d.length > 0);
  await waitFor(() => collections().length > 0);
  assert.equal(collections().length, 1, logs(s).join('\n'));

  // More reviews (each edit adds a line on top, so each review moves every finding down one line), then quiet again:
  // no second collection (later ones are V8's business).
  const firstLine = (d: { range: { start: { line: number } } }[]) => Math.min(...d.map((x) => x.range.start.line));
  const base = firstLine(s.diagnostics.get(uri) ?? []);
  for (let version = 2; version < 5; version++) {
    text = `// edit ${version}\n${text}`;
    await s.connection.sendNotification('textDocument/didChange', { textDocument: { uri, version }, contentChanges: [{ text }] });
    await s.waitForDiagnostics(uri, (d) => d.length > 0 && firstLine(d) === base + version - 1);
  }
  await new Promise((resolve) => setTimeout(resolve, 1000)); // five times the quiet time
  assert.equal(collections().length, 1);
});
