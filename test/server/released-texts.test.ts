/**
 * Most of a big workspace's scripts talk to no database: discovery reads them to learn that, and puts them in no unit.
 * Their texts are not kept after discovery (Reviewer.releaseTexts): what discovery learnt of them is kept under the
 * reader's stamp of each file (its modification time and size; an open document's version), so the next discovery
 * does not read them again while they are unchanged, and an edit of one is compared with its old text read again from
 * the disk. The results are those of a reviewer that never let a text go.
 */
import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { TextDocuments } from 'vscode-languageserver/node';
import { OverlayReader, pathToUri } from '../../server/src/documents';
import { initFrontEnds } from '../../server/src/languages';
import type { SourceReader } from '../../server/src/languages/types';
import { DiskReader } from '../../server/src/project/files';
import { Reviewer, type ReviewResult } from '../../server/src/review';
import { writeFiles } from '../helpers/workspace';

const UI_FILES = 12;

function workspace(): Record<string, string> {
  const files: Record<string, string> = {
    'package.json': '{ "name": "shop", "dependencies": { "@prisma/client": "6.5.0" }, "devDependencies": { "prisma": "6.5.0" } }\n',
    'prisma/schema.prisma': `datasource db {
  provider = "postgresql"
  url      = env("DATABASE_URL")
}

model Order {
  id    String      @id @default(cuid())
  items OrderItem[]
}

model OrderItem {
  id      String @id @default(cuid())
  orderId String
  order   Order  @relation(fields: [orderId], references: [id], onDelete: Cascade)
  sku     String

  @@index([orderId])
}
`,
    'src/db.ts': "import { PrismaClient } from '@prisma/client';\n\nexport const prisma = new PrismaClient();\n",
    'src/orders.ts': `import { prisma } from './db';

export async function placeOrder(skus: string[]) {
  const order = await prisma.order.create({ data: {} });
  await prisma.orderItem.createMany({ data: skus.map((sku) => ({ orderId: order.id, sku })) });
  return order;
}
`,
  };
  for (let i = 0; i < UI_FILES; i++) {
    files[`src/ui/button-${i}.ts`] = `/** Button ${i}. */\nexport function button${i}(label: string): string {\n  return \`<button>\${label}</button>\`;\n}\n`;
  }
  return files;
}

/** The language server's reader (open documents over the disk), counting the reads and the texts let go. */
function editorReader(root: string) {
  const docs = new Map<string, TextDocument>();
  const overlay = new OverlayReader({ get: (uri: string) => docs.get(uri) } as unknown as TextDocuments<TextDocument>, () => {});
  const reads = new Map<string, number>();
  const released = new Set<string>();
  const reader: SourceReader & { disk: DiskReader } = {
    disk: overlay.disk,
    read(file) {
      reads.set(file, (reads.get(file) ?? 0) + 1);
      return overlay.read(file);
    },
    stamp: (file) => overlay.stamp(file),
    textAt: (file, stamp) => overlay.textAt(file, stamp),
    release(file) {
      const let_go = overlay.release(file);
      if (let_go) released.add(file);
      return let_go;
    },
  };
  return {
    reader,
    reads,
    released,
    /** Opens (or edits) a document with this text. */
    type(file: string, text: string) {
      const uri = pathToUri(file);
      const version = (docs.get(uri)?.version ?? 0) + 1;
      docs.set(uri, TextDocument.create(uri, 'typescript', version, text));
    },
    uiReads: () => [...reads].filter(([f]) => f.startsWith(`${root}/src/ui/`)).reduce((n, [, k]) => n + k, 0),
  };
}

/** The workspace reviewed once as the language server reviews it (edits reported), its discoveries counted. */
function reviewedOnce() {
  const root = writeFiles(workspace()).replace(/\\/g, '/');
  const ed = editorReader(root);
  const server = new Reviewer(root, ed.reader);
  server.trackChanges();
  const state = { discoveries: 0 };
  const discover = server.project.discover.bind(server.project);
  server.project.discover = (list, r) => (state.discoveries++, discover(list, r));
  server.review({});
  return { root, ed, server, state };
}

const view = (r: ReviewResult) => JSON.stringify({ findings: r.findings.map((f) => [f.rule, f.file, f.range, f.message]), diagnostics: r.diagnostics });
const codeUnit = (r: ReviewResult) => r.analysis.units.find((u) => u.language === 'code')?.files ?? [];
/** A fresh review of the same texts by a reader that keeps every text (no stamps, nothing let go). */
const fresh = (root: string, reader: SourceReader) => view(new Reviewer(root, { read: (f) => reader.read(f) }).review({}));

describe('the scripts discovery puts in no unit are not kept', () => {
  before(() => initFrontEnds());

  it('their texts are let go after discovery, and a new discovery does not read them while they are unchanged', () => {
    const root = writeFiles(workspace()).replace(/\\/g, '/');
    const ed = editorReader(root);
    const server = new Reviewer(root, ed.reader);
    server.trackChanges();
    const first = server.review({});
    assert.deepEqual(codeUnit(first).sort(), [`${root}/src/db.ts`, `${root}/src/orders.ts`]);
    for (let i = 0; i < UI_FILES; i++) assert.ok(ed.released.has(`${root}/src/ui/button-${i}.ts`), `button-${i}.ts let go`);
    assert.ok(!ed.released.has(`${root}/src/orders.ts`) && !ed.released.has(`${root}/src/db.ts`), 'the unit keeps its texts');
    assert.ok(!ed.released.has(`${root}/prisma/schema.prisma`) && !ed.released.has(`${root}/package.json`));

    // A file created elsewhere: the file list and the units are made again, the unchanged scripts are not read.
    fs.writeFileSync(`${root}/README.md`, '# shop\n');
    server.invalidateFiles();
    ed.reads.clear();
    const again = server.review({});
    assert.equal(ed.uiReads(), 0, 'no unchanged script read by the new discovery');
    assert.equal(view(again), view(first));

    // One of them changed on disk (mtime and size): read, and now a caller of the client.
    const changed = `${root}/src/ui/button-3.ts`;
    fs.writeFileSync(changed, "import { prisma } from '../db';\n\nexport async function button3() {\n  await prisma.order.create({ data: {} });\n  await prisma.order.create({ data: {} });\n}\n");
    ed.reader.disk.invalidate(changed);
    server.invalidateFiles();
    ed.reads.clear();
    const third = server.review({});
    assert.equal(ed.uiReads() - (ed.reads.get(changed) ?? 0), 0, 'only the changed script is read');
    assert.ok((ed.reads.get(changed) ?? 0) > 0);
    assert.ok(codeUnit(third).includes(changed));
    assert.equal(view(third), fresh(root, ed.reader));
  });

  it('an edit in the editor of a script let go is compared with its text on disk: a comment changes nothing, an import does', () => {
    const { root, ed, server, state } = reviewedOnce();
    const file = `${root}/src/ui/button-5.ts`;
    assert.ok(ed.released.has(file));
    const disk = fs.readFileSync(file, 'utf8');

    // Opened as it is on disk, then a comment typed: discovery is not run again.
    ed.type(file, disk);
    server.noteChanged([file]);
    server.review({});
    ed.type(file, disk.replace('/** Button 5. */', '/** Button 5, the primary one. */'));
    server.noteChanged([file]);
    const commented = server.review({});
    assert.equal(state.discoveries, 1);
    assert.equal(view(commented), fresh(root, ed.reader));

    // An import of the client and two writes: discovery runs again, and the file joins the code unit.
    ed.type(file, `import { prisma } from '../db';\n\nexport async function button5() {\n  await prisma.order.create({ data: {} });\n  await prisma.order.create({ data: {} });\n}\n`);
    server.noteChanged([file]);
    const imported = server.review({});
    assert.equal(state.discoveries, 2);
    assert.ok(codeUnit(imported).includes(file));
    assert.deepEqual(imported.findings.filter((f) => f.file === file).map((f) => f.rule), ['multi-write-without-transaction']);
    assert.equal(view(imported), fresh(root, ed.reader));
  });

  it('a script let go that changed on disk while closed (a watched-file change) is discovered again', () => {
    const { root, ed, server, state } = reviewedOnce();
    const file = `${root}/src/ui/button-7.ts`;
    assert.ok(ed.released.has(file));
    // The same length, another time: a harmless change still counts (its old text is gone), and the result is right.
    const harmless = fs.readFileSync(file, 'utf8').replace('Button 7.', 'Button 8.');
    fs.writeFileSync(file, harmless);
    fs.utimesSync(file, new Date(), new Date(Date.now() + 5000));
    ed.reader.disk.invalidate(file);
    server.noteChanged([file]);
    assert.equal(view(server.review({})), fresh(root, ed.reader));
    assert.equal(state.discoveries, 2);
    fs.writeFileSync(file, "import { prisma } from '../db';\n\nexport const count = () => prisma.order.count();\n");
    ed.reader.disk.invalidate(file);
    server.noteChanged([file]);
    const after = server.review({});
    assert.ok(codeUnit(after).includes(file));
    assert.equal(view(after), fresh(root, ed.reader));
  });
});
