/**
 * The stdio encoder must write exactly what JSON.stringify writes, reusing a diagnostic's JSON only for the
 * same object, and frame each message in one write; the compact fix data must decode to the fixes the engine
 * resolved.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PassThrough, Writable } from 'node:stream';
import { StreamMessageReader } from 'vscode-languageserver/node';
import { FramedMessageWriter, frameMessage } from '../../server/src/wire';

/** The content of a framed message (after its header). */
const encodeMessage = (m: never) => {
  const framed = frameMessage(m).toString('utf-8');
  return framed.slice(framed.indexOf('\r\n\r\n') + 4);
};
import { decodeFixes, encodeFixes, isDiagnosticData, type DiagnosticData } from '../../server/src/diagnostics';
import type { ResolvedFix } from '../../server/src/engine';

const diag = (line: number, message: string) => ({
  range: { start: { line, character: 2 }, end: { line, character: 9 } },
  severity: 2,
  source: 'schema-review',
  code: 'missing-on-delete',
  message,
  data: { fixes: [] },
});

test('publishDiagnostics is encoded as JSON.stringify encodes it, also with odd strings and reused objects', () => {
  const a = diag(1, 'He said "diagnostics":[] and left \\ \n');
  const b = diag(2, 'é ✓ \u2028');
  const msg = { jsonrpc: '2.0', method: 'textDocument/publishDiagnostics', params: { uri: 'file:///x/"diagnostics":[]/a.prisma', version: 3, diagnostics: [a, b] } };
  assert.equal(encodeMessage(msg as never), JSON.stringify(msg));
  // Again with the same objects (from the cache) plus a new one.
  const c = diag(3, 'new');
  const again = { ...msg, params: { ...msg.params, diagnostics: [b, c, a] } };
  assert.equal(encodeMessage(again as never), JSON.stringify(again));
  const empty = { ...msg, params: { uri: msg.params.uri, diagnostics: [] } };
  assert.equal(encodeMessage(empty as never), JSON.stringify(empty));
  const other = { jsonrpc: '2.0', id: 4, result: { diagnostics: [a] } };
  assert.equal(encodeMessage(other as never), JSON.stringify(other));
});

test('the stdio writer sends each message in one write, header included, and a reader gets them intact and in order', async () => {
  const writes: Buffer[] = [];
  const wire = new PassThrough();
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      writes.push(chunk);
      wire.write(chunk, done);
    },
  });
  const writer = new FramedMessageWriter(sink);
  const reader = new StreamMessageReader(wire);
  const received: unknown[] = [];
  const all = new Promise<void>((resolve) => {
    reader.listen((m) => {
      received.push(m);
      if (received.length === 3) resolve();
    });
  });
  const messages = [
    { jsonrpc: '2.0', method: 'textDocument/publishDiagnostics', params: { uri: 'file:///x/a.prisma', diagnostics: [diag(1, 'é ✓'), diag(2, 'two')] } },
    { jsonrpc: '2.0', id: 7, result: null },
    { jsonrpc: '2.0', method: 'window/logMessage', params: { type: 3, message: 'ü'.repeat(70000) } },
  ];
  await Promise.all(messages.map((m) => writer.write(m as never)));
  await all;
  assert.deepEqual(received, messages);
  assert.equal(writes.length, 3, 'one write per message');
  for (const [i, w] of writes.entries()) {
    const text = w.toString('utf-8');
    const body = JSON.stringify(messages[i]);
    assert.equal(text, `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
  }
  reader.dispose();
});

test('fixes travel compact in data and decode to the resolved fixes', () => {
  const file = '/w/prisma/schema.prisma';
  const fixes: ResolvedFix[] = [
    {
      title: 'Set onDelete: Cascade on user',
      safety: 'unsafe',
      preferred: false,
      edits: [{ file, edits: [{ range: { start: { line: 4, character: 30 }, end: { line: 4, character: 30 } }, newText: ', onDelete: Cascade' }] }],
    },
    {
      title: 'Add a migration',
      safety: 'safe',
      preferred: true,
      edits: [
        { file: '/w/migrations/2/migration.sql', create: true, edits: [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, newText: 'CREATE INDEX …;\n' }] },
        { file, edits: [{ range: { start: { line: 1, character: 0 }, end: { line: 2, character: 5 } }, newText: '' }] },
      ],
    },
  ];
  const data: DiagnosticData = { fixes: encodeFixes(fixes, file) };
  const wire = JSON.parse(JSON.stringify(data));
  assert.ok(isDiagnosticData(wire));
  assert.deepEqual(decodeFixes(wire, file), fixes);
  // The document's own path is not repeated on the wire, nor are property names of the common case.
  assert.equal(JSON.stringify(data).split(file).length - 1, 0);
  assert.equal(
    JSON.stringify(data.fixes[0]),
    JSON.stringify(['Set onDelete: Cascade on user', 1, [4, 30, 4, 30, ', onDelete: Cascade']]),
  );
  assert.ok(JSON.stringify(data).length < JSON.stringify(fixes).length * 0.5);
  // Own-file edits on both sides of another file's keep their order.
  const around: ResolvedFix[] = [{ ...fixes[1], edits: [fixes[1].edits[1], fixes[1].edits[0], { file, edits: [fixes[0].edits[0].edits[0]] }] }];
  assert.deepEqual(decodeFixes(JSON.parse(JSON.stringify({ fixes: encodeFixes(around, file) })), file), around);
  // What a client sends back is checked before it is read.
  assert.equal(isDiagnosticData({ fixes: [['t', 0, [1, 2]]] }), false);
  assert.equal(isDiagnosticData({ fixes: [['t', 0, { file: 1, edits: [] }]] }), false);
  assert.equal(isDiagnosticData({ fixes: [{ title: 't', safety: 'safe', edits: [] }] }), false);
  assert.equal(isDiagnosticData({ fixes: 'no' }), false);
  assert.equal(isDiagnosticData({ fixes: [['t', 3, { file: '/w/b.sql', create: true, edits: [[0, 0, 0, 0, 'x']] }]] }), true);
});
