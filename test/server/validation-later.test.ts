/**
 * The first review of a workspace publishes its findings without waiting for Prisma's validation (whose first run
 * is the slow one: the wasm starts unoptimized); the validation's errors follow in a second publish. Later
 * reviews wait for their validation, so an edit never makes a validation error blink out and back.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Diagnostic } from 'vscode-languageserver-protocol';
import { startServer, uriOf, type TestServer } from '../helpers/lsp';
import { writeFiles } from '../helpers/workspace';
import { Reviewer } from '../../server/src/review';
import { DiskReader } from '../../server/src/project/files';
import { lint, type SchemaFiles, type WasmMajor } from '../../server/src/languages/prisma/wasm';
import type { LintRunner } from '../../server/src/languages/prisma/lintRunner';

/** An order schema with a relation without onDelete (a finding) and a field of an unknown type (Prisma's error). */
const BROKEN = `datasource db {
  provider = "postgresql"
}

model Order {
  id    Int         @id
  lines OrderLine[]
  total Money
}

model OrderLine {
  id      Int   @id
  order   Order @relation(fields: [orderId], references: [id])
  orderId Int
}
`;

const prismaErrors = <D extends { source?: string }>(ds: readonly D[]) => ds.filter((d) => d.source === 'prisma');
/** What Prisma said, without the file (each review below has a workspace of its own, so none reuses another's validation). */
const said = (ds: readonly { source?: string; message: string; range: unknown }[]) => prismaErrors(ds).map((d) => ({ message: d.message, range: d.range }));
const roots: string[] = [];
function reviewer(): Reviewer {
  const root = writeFiles({ 'prisma/schema.prisma': BROKEN });
  roots.push(root);
  return new Reviewer(root, new DiskReader());
}
const findingsOf = (ds: Diagnostic[]) => ds.filter((d) => d.source === 'schema-review').map((d) => `${d.code}@${d.range.start.line}`).sort();

/** A runner that says it would run on the calling thread, and counts the validations it ran. */
function countingRunner(blocks: boolean): LintRunner & { calls: number } {
  const runner = Object.assign(
    (files: SchemaFiles, major: WasmMajor) => {
      runner.calls++;
      return Promise.resolve(lint(files, major));
    },
    { calls: 0, blocks: () => blocks },
  );
  return runner;
}

describe('Prisma validation after the first findings', () => {
  it('reviewAsync with validationLater: the rules do not wait, a validation for this thread is held back, the result is the same', async () => {
    const complete = reviewer().review({ validation: true });
    assert.ok(prismaErrors(complete.diagnostics).length > 0, 'Prisma reports the unknown type');

    const held = countingRunner(true);
    const early = await reviewer().reviewAsync({ validation: true, lintAsync: held, validationLater: true });
    assert.equal(held.calls, 0, 'a validation that would hold up the thread waits for finishValidation');
    assert.deepEqual(prismaErrors(early.diagnostics), []);
    assert.deepEqual(early.findings.map((f) => `${f.rule}@${f.range.start.line}`), complete.findings.map((f) => `${f.rule}@${f.range.start.line}`));
    assert.ok(early.finishValidation, 'the validation is still to come');
    const found = await early.finishValidation();
    assert.equal(held.calls, 1);
    assert.deepEqual(said(found), said(complete.diagnostics));

    // A worker's validation starts at once, alongside the rules.
    const offThread = countingRunner(false);
    const parallel = await reviewer().reviewAsync({ validation: true, lintAsync: offThread, validationLater: true });
    assert.equal(offThread.calls, 1);
    assert.deepEqual(said(await parallel.finishValidation!()), said(complete.diagnostics));

    // Without validationLater the result is whole, as before.
    const whole = await reviewer().reviewAsync({ validation: true, lintAsync: countingRunner(true) });
    assert.equal(whole.finishValidation, undefined);
    assert.deepEqual(said(whole.diagnostics), said(complete.diagnostics));
    for (const root of roots.splice(0)) fs.rmSync(root, { recursive: true, force: true });
  });

  describe('over LSP', () => {
    let server: TestServer;
    let root: string;
    let uri: string;
    before(async () => {
      root = writeFiles({ 'prisma/schema.prisma': BROKEN });
      uri = uriOf(path.join(root, 'prisma', 'schema.prisma'));
      server = await startServer({ folder: root, settings: { prisma: { validation: 'on' } } });
    });
    after(async () => {
      await server?.stop();
      fs.rmSync(root, { recursive: true, force: true });
    });

    it('publishes the findings first and Prisma’s errors with them next; an edit then publishes both at once', async () => {
      await server.connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'prisma', version: 1, text: BROKEN } });
      const withErrors = await server.waitForDiagnostics(uri, (ds) => prismaErrors(ds).length > 0);
      const mine = server.publishes.filter((p) => p.uri === uri);
      assert.ok(mine.length >= 2, `two publishes on open, not ${mine.length}`);
      assert.deepEqual(prismaErrors(mine[0]!.diagnostics), [], 'the first publish does not wait for Prisma');
      assert.ok(findingsOf(mine[0]!.diagnostics).includes('missing-on-delete@12'), 'the first publish has the findings');
      assert.deepEqual(findingsOf(withErrors), findingsOf(mine[0]!.diagnostics), 'the second keeps them');
      assert.equal(prismaErrors(withErrors)[0]!.range.start.line, 7, 'the error is on the field of unknown type');

      // An edit: one publish, errors included (they do not blink out while Prisma validates again).
      const before = server.publishes.length;
      const edited = BROKEN.replace('  total Money\n', '  total Money\n  notes String\n');
      await server.connection.sendNotification('textDocument/didChange', {
        textDocument: { uri, version: 2 },
        contentChanges: [{ text: edited }],
      });
      await server.waitForDiagnostics(uri, (ds) => ds !== withErrors && findingsOf(ds).includes('missing-on-delete@13'));
      const next = server.publishes.slice(before).filter((p) => p.uri === uri);
      assert.ok(next.length >= 1);
      assert.ok(prismaErrors(next[0]!.diagnostics).length > 0, 'the edit’s first publish carries the validation errors');
    });
  });
});
