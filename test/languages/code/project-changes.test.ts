/**
 * The project layer's change set (`ProjectOptions.changed`): units without reported changes are reused
 * without reading their files, a re-analyzed unit reads only its changed files, and the facts equal a
 * fresh analysis. Without a change set every file is read and compared.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { analyzeCode, codeFrontEnd } from '../../../server/src/languages/code';
import type { SourceReader } from '../../../server/src/languages/types';
import { Project } from '../../../server/src/project';
import { codeFile } from './helpers';

const ROOT = '/proj';
const DB = `${ROOT}/src/db.ts`;
const ORDERS = `${ROOT}/src/orders.ts`;
const CHECKOUT = `${ROOT}/src/checkout.ts`;

function workspace(): Map<string, string> {
  return new Map([
    [DB, `import { PrismaClient } from '@prisma/client';\nexport const prisma = new PrismaClient();\n`],
    [ORDERS, `import { prisma } from './db';\nexport async function placeOrder(id: string) {\n  await prisma.order.create({ data: { id } });\n}\n`],
    [CHECKOUT, `import { placeOrder } from './orders';\nexport async function checkout(id: string) {\n  await placeOrder(id);\n  await placeOrder(id + '-2');\n}\n`],
  ]);
}

/** An in-memory reader that counts reads per path; unchanged files keep their string instance. */
function counting(files: Map<string, string>): SourceReader & { reads: Map<string, number> } {
  const reads = new Map<string, number>();
  return {
    reads,
    read(p) {
      reads.set(p, (reads.get(p) ?? 0) + 1);
      return files.get(p);
    },
  };
}

function setup() {
  const files = workspace();
  const reader = counting(files);
  const project = new Project([codeFrontEnd]);
  const units = project.discover([...files.keys()].sort(), reader);
  assert.equal(units.length, 1);
  const first = project.analyze(units, reader, { validation: false, changed: [] });
  reader.reads.clear();
  return { files, reader, project, units, first };
}

function unitReads(reader: { reads: Map<string, number> }): string[] {
  return [...reader.reads.keys()].filter((p) => p.endsWith('.ts')).sort();
}

describe('project change sets', () => {
  it('reuses a unit without reading its files when nothing changed', () => {
    const { reader, project, units, first } = setup();
    const again = project.analyze(units, reader, { validation: false, changed: [] });
    assert.deepEqual(unitReads(reader), []);
    assert.equal(again.codeFiles[0], first.codeFiles[0]);
  });

  it('without a change set, reads and compares every file (and sees unreported changes)', () => {
    const { files, reader, project, units } = setup();
    files.set(ORDERS, files.get(ORDERS)!.replace('order.create', 'order.findMany'));
    const again = project.analyze(units, reader, { validation: false });
    assert.deepEqual(unitReads(reader), [CHECKOUT, DB, ORDERS]);
    assert.deepEqual(codeFile(again.codeFiles, 'checkout.ts').writingCalls, []);
  });

  it('reads only the changed file, and the dependent writing calls follow it', () => {
    const { files, reader, project, units, first } = setup();
    assert.deepEqual(codeFile(first.codeFiles, 'checkout.ts').writingCalls.map((w) => w.callee), ['placeOrder', 'placeOrder']);
    files.set(ORDERS, files.get(ORDERS)!.replace('order.create', 'order.findMany'));
    const after = project.analyze(units, reader, { validation: false, changed: [ORDERS] });
    assert.deepEqual(unitReads(reader), [ORDERS]);
    assert.deepEqual(codeFile(after.codeFiles, 'checkout.ts').writingCalls, []);
    assert.deepEqual(after.codeFiles, analyzeCode(units[0].files, { read: (p) => files.get(p) }).codeFiles);
  });

  it('a reported change with the same text keeps the cached analysis', () => {
    const { reader, project, units, first } = setup();
    const again = project.analyze(units, reader, { validation: false, changed: [ORDERS] });
    assert.deepEqual(unitReads(reader), [ORDERS]);
    assert.equal(again.codeFiles[0], first.codeFiles[0]);
  });

  it('changes reported to a cancelled analysis are still honoured by the next one', () => {
    const { files, reader, project, units } = setup();
    files.set(DB, `import { PrismaClient } from '@prisma/client';\nexport const db = new PrismaClient();\n`);
    const cancelled = project.analyze(units, reader, { validation: false, changed: [DB], isCancelled: () => true });
    assert.deepEqual(cancelled.codeFiles, []);
    const after = project.analyze(units, reader, { validation: false, changed: [] });
    assert.deepEqual(unitReads(reader), [DB]);
    // The client export was renamed: orders.ts has no client, so nothing writes.
    assert.deepEqual(codeFile(after.codeFiles, 'orders.ts').calls, []);
    assert.deepEqual(codeFile(after.codeFiles, 'checkout.ts').writingCalls, []);
  });
});
