/**
 * Prisma's wasm is compiled only where Prisma's validation will run: at start when it is on by default (Prisma's
 * extension missing), once the settings turn it on otherwise, and never where it stays off. Our own review needs no
 * wasm: with validation off the referential actions come from the table the wasm answers (wasm.test.ts).
 */
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { startServer, uriOf, type TestServer } from '../helpers/lsp';
import { copyFixture } from '../helpers/workspace';
import { isDiagnosticData } from '../../server/src/diagnostics';

const COMPILED = /schema wasm compiled for validation/;

async function openSchema(options: { prismaExtensionInstalled: boolean; validation?: 'on' | 'off' | 'auto' }) {
  const folder = copyFixture('examples/learning-platform');
  const schemaPath = path.join(folder, 'prisma', 'schema.prisma');
  const server = await startServer({
    folder,
    initializationOptions: { prismaExtensionInstalled: options.prismaExtensionInstalled },
    settings: options.validation ? { prisma: { validation: options.validation } } : {},
  });
  const uri = uriOf(schemaPath);
  await server.connection.sendNotification('textDocument/didOpen', {
    textDocument: { uri, languageId: 'prisma', version: 1, text: fs.readFileSync(schemaPath, 'utf8') },
  });
  const diagnostics = await server.waitForDiagnostics(uri, (d) => d.some((x) => x.source === 'schema-review'));
  const logs = server.notifications.filter((n) => n.method === 'window/logMessage').map((n) => (n.params as { message: string }).message);
  return { folder, server, diagnostics, compiled: logs.filter((m) => COMPILED.test(m)) };
}

describe('Prisma wasm only where validation runs', () => {
  const started: { folder: string; server: TestServer }[] = [];
  after(async () => {
    for (const s of started) {
      await s.server.stop();
      fs.rmSync(s.folder, { recursive: true, force: true });
    }
  });

  it('Prisma extension installed, validation auto (off): no wasm, and the referential-action fixes are all there', async () => {
    const run = await openSchema({ prismaExtensionInstalled: true });
    started.push(run);
    assert.deepEqual(run.compiled, []);
    const onDelete = run.diagnostics.filter((d) => d.code === 'missing-on-delete');
    assert.ok(onDelete.length > 0);
    for (const d of onDelete) {
      assert.ok(isDiagnosticData(d.data));
      const titles = d.data.fixes.map((f) => f[0]);
      assert.ok(titles.some((t) => /Cascade/.test(t)), `Cascade offered: ${titles.join(' | ')}`);
      assert.ok(titles.some((t) => /Restrict/.test(t)), `Restrict offered: ${titles.join(' | ')}`);
    }
  });

  it('Prisma extension installed, validation on in the settings: compiled once, when the settings arrive', async () => {
    const run = await openSchema({ prismaExtensionInstalled: true, validation: 'on' });
    started.push(run);
    assert.equal(run.compiled.length, 1, run.compiled.join('\n'));
  });

  it('no Prisma extension (validation on by default): compiled once at start', async () => {
    const run = await openSchema({ prismaExtensionInstalled: false });
    started.push(run);
    assert.equal(run.compiled.length, 1, run.compiled.join('\n'));
  });
});
