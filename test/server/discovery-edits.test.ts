/**
 * The language server keeps a root's units (Prisma schemas, Drizzle schema sets, the code unit) between reviews. An
 * edit that changes what discovery reads makes them again, without any file created or deleted: an import of an index
 * helper added to a Drizzle schema file, a file that starts or stops importing the database client or a response
 * helper, a file that gains its first table. A keystroke inside a function body does not run discovery again.
 * After every edit the review equals a fresh review of the same texts.
 */
import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { Reviewer, type ReviewResult } from '../../server/src/review';
import { initFrontEnds } from '../../server/src/languages';
import { DiskReader } from '../../server/src/project/files';
import { discoveryInputChanged, editedLines, type SeenText } from '../../server/src/project/discoveryInputs';
import { writeFiles } from '../helpers/workspace';

const DRIZZLE = {
  'package.json': '{ "name": "trades", "dependencies": { "drizzle-orm": "0.44.2" }, "devDependencies": { "drizzle-kit": "0.31.1" } }\n',
  'drizzle.config.ts': `import { defineConfig } from 'drizzle-kit';

export default defineConfig({
  schema: './src/db/schema/*.ts',
  out: './drizzle',
  dialect: 'postgresql',
});
`,
  'src/db/helpers/audit.ts': `import { index, type PgColumn } from 'drizzle-orm/pg-core';

/** Audit rows are read by actor, newest first. */
export function auditIndexes(t: { actorId: PgColumn; createdAt: PgColumn }) {
  return [index('audit_logs_actor_created_idx').on(t.actorId, t.createdAt)];
}
`,
  'src/db/schema/users.ts': `import { pgTable, uuid, text } from 'drizzle-orm/pg-core';

export const users = pgTable('users', {
  id: uuid('id').primaryKey().defaultRandom(),
  email: text('email').notNull().unique(),
});
`,
  'src/db/schema/audit.ts': `import { pgTable, uuid, timestamp, text } from 'drizzle-orm/pg-core';
import { users } from './users';

export const auditLogs = pgTable('audit_logs', {
  id: uuid('id').primaryKey().defaultRandom(),
  actorId: uuid('actor_id').notNull().references(() => users.id, { onDelete: 'restrict' }),
  action: text('action').notNull(),
  createdAt: timestamp('created_at').defaultNow().notNull(),
}, (t) => [...auditIndexes(t)]);
`,
};

const PRISMA = {
  'package.json': '{ "name": "shop", "dependencies": { "@prisma/client": "6.5.0" }, "devDependencies": { "prisma": "6.5.0" } }\n',
  'prisma/schema.prisma': `datasource db {
  provider = "postgresql"
  url      = env("DATABASE_URL")
}

generator client {
  provider = "prisma-client-js"
}

model Order {
  id        String      @id @default(cuid())
  total     Decimal     @db.Decimal(10, 2)
  items     OrderItem[]
  createdAt DateTime    @default(now())
}

model OrderItem {
  id      String @id @default(cuid())
  orderId String
  order   Order  @relation(fields: [orderId], references: [id], onDelete: Cascade)
  sku     String

  @@index([orderId])
}
`,
  'src/db.ts': `import { PrismaClient } from '@prisma/client';

export const prisma = new PrismaClient();
`,
  'src/http.ts': `import type { Response } from 'express';

export function sendCreated(res: Response, body: unknown) {
  res.status(201).json(body);
}
`,
  'src/checkout.ts': `export async function placeOrder(total: number, skus: string[]) {
  const order = await prisma.order.create({ data: { total } });
  await prisma.orderItem.createMany({ data: skus.map((sku) => ({ orderId: order.id, sku })) });
  return order;
}
`,
};

/** A workspace reviewed as the language server reviews it: one open document, edits reported, discoveries counted. */
function editor(files: Record<string, string>, open: string) {
  const root = writeFiles(files).replace(/\\/g, '/');
  const file = `${root}/${open}`;
  let text = fs.readFileSync(file, 'utf8');
  const disk = new DiskReader();
  const reader = { read: (p: string) => (p === file ? text : disk.read(p)) };
  const server = new Reviewer(root, reader);
  server.trackChanges();
  let discoveries = 0;
  const discover = server.project.discover.bind(server.project);
  server.project.discover = (list, r) => (discoveries++, discover(list, r));
  const view = (r: ReviewResult) => JSON.stringify({ findings: r.findings.map((f) => [f.rule, f.file, f.range, f.message]), diagnostics: r.diagnostics });
  return {
    root,
    file,
    get text() {
      return text;
    },
    get discoveries() {
      return discoveries;
    },
    review: () => server.review({}),
    /** Replaces `from` by `to`, reviews again, and checks the result equals a fresh review of the new texts. */
    edit(from: string, to: string): ReviewResult {
      assert.ok(text.includes(from), from);
      text = text.replace(from, to);
      server.noteChanged([file]);
      const result = server.review({});
      assert.equal(view(result), view(new Reviewer(root, reader).review({})), `after replacing ${JSON.stringify(from)}`);
      return result;
    },
  };
}

const rules = (r: ReviewResult, file: string) => r.findings.filter((f) => f.file === file).map((f) => f.rule).sort();

describe('an edit that changes what discovery reads makes the units again', () => {
  before(() => initFrontEnds());

  it('Drizzle: importing the index helper a table spreads brings its module into the unit, and its index counts', () => {
    const ws = editor(DRIZZLE, 'src/db/schema/audit.ts');
    assert.deepEqual(rules(ws.review(), ws.file), ['unindexed-foreign-key']);
    assert.equal(ws.discoveries, 1);
    // Typing in a column, far from any import: no discovery.
    ws.edit("action: text('action')", "action: text('action_name')");
    ws.edit("action: text('action_name')", "action: text('action_name').default('login')");
    assert.equal(ws.discoveries, 1);
    const imported = ws.edit("import { users } from './users';", "import { users } from './users';\nimport { auditIndexes } from '../helpers/audit';");
    assert.deepEqual(rules(imported, ws.file), []);
    assert.ok(imported.analysis.units.some((u) => u.language === 'drizzle' && u.files.includes(`${ws.root}/src/db/helpers/audit.ts`)));
    assert.equal(ws.discoveries, 2);
    // The import removed again: the helper leaves the unit, the finding is back.
    const removed = ws.edit("\nimport { auditIndexes } from '../helpers/audit';", '');
    assert.deepEqual(rules(removed, ws.file), ['unindexed-foreign-key']);
    assert.equal(ws.discoveries, 3);
  });

  it('Drizzle: a file that gains its first table joins the schema set', () => {
    const ws = editor(
      { ...DRIZZLE, 'src/db/schema/sessions.ts': "import { pgTable, uuid, timestamp } from 'drizzle-orm/pg-core';\nimport { users } from './users';\n" },
      'src/db/schema/sessions.ts',
    );
    assert.deepEqual(rules(ws.review(), ws.file), []);
    const typed = ws.edit(
      "import { users } from './users';\n",
      "import { users } from './users';\n\nexport const sessions = pgTable('sessions', {\n  id: uuid('id').primaryKey(),\n  userId: uuid('user_id').notNull().references(() => users.id, { onDelete: 'cascade' }),\n  expiresAt: timestamp('expires_at').notNull(),\n});\n",
    );
    assert.deepEqual(rules(typed, ws.file), ['unindexed-foreign-key']);
  });

  it('code: a file that starts importing the client is reviewed as code, and leaves when it stops', () => {
    const ws = editor(PRISMA, 'src/checkout.ts');
    assert.deepEqual(rules(ws.review(), ws.file), []);
    const imported = ws.edit('export async function placeOrder', "import { prisma } from './db';\n\nexport async function placeOrder");
    assert.deepEqual(rules(imported, ws.file), ['multi-write-without-transaction']);
    const discoveries = ws.discoveries;
    // A keystroke in the function body: no discovery, the finding stays.
    assert.deepEqual(rules(ws.edit('return order;', 'return order; // placed'), ws.file), ['multi-write-without-transaction']);
    assert.equal(ws.discoveries, discoveries);
    const removed = ws.edit("import { prisma } from './db';\n\n", '');
    assert.deepEqual(rules(removed, ws.file), []);
    assert.ok(!removed.analysis.units.some((u) => u.files.includes(ws.file)));
  });

  it('code: a response helper newly imported joins the code unit (its fixes read it)', () => {
    const ws = editor({ ...PRISMA, 'src/checkout.ts': `import { prisma } from './db';\n\n${PRISMA['src/checkout.ts']}` }, 'src/checkout.ts');
    const codeFiles = (r: ReviewResult) => r.analysis.units.find((u) => u.language === 'code')?.files ?? [];
    assert.ok(!codeFiles(ws.review()).includes(`${ws.root}/src/http.ts`));
    const imported = ws.edit("import { prisma } from './db';", "import { prisma } from './db';\nimport { sendCreated } from './http';");
    assert.ok(codeFiles(imported).includes(`${ws.root}/src/http.ts`));
  });

  it('a closed file changed on disk (a watched-file change) is checked the same way', () => {
    const root = writeFiles(PRISMA).replace(/\\/g, '/');
    const file = `${root}/src/checkout.ts`;
    const disk = new DiskReader();
    const server = new Reviewer(root, disk);
    server.trackChanges();
    assert.deepEqual(rules(server.review({}), file), []);
    fs.writeFileSync(file, `import { prisma } from './db';\n\n${PRISMA['src/checkout.ts']}`);
    disk.invalidate(file);
    server.noteChanged([file]);
    assert.deepEqual(rules(server.review({}), file), ['multi-write-without-transaction']);
  });

  it('Prisma: a loose schema file that loses its datasource leaves the review, and comes back with it', () => {
    const ws = editor({ 'package.json': PRISMA['package.json'], 'db/shop.prisma': PRISMA['prisma/schema.prisma'] }, 'db/shop.prisma');
    const files = (r: ReviewResult) => r.analysis.units.flatMap((u) => u.files);
    assert.ok(files(ws.review()).includes(ws.file));
    const block = ws.text.slice(0, ws.text.indexOf('model Order'));
    const without = ws.edit(block, '');
    assert.ok(!files(without).includes(ws.file));
    assert.ok(files(ws.edit('model Order {', `${block}model Order {`)).includes(ws.file));
  });

  it('a drizzle.config edit naming another schema folder makes the units again', () => {
    const ws = editor({ ...DRIZZLE, 'src/db/tables/posts.ts': DRIZZLE['src/db/schema/users.ts'].replace(/users/g, 'posts') }, 'drizzle.config.ts');
    const drizzleFiles = (r: ReviewResult) => r.analysis.units.find((u) => u.language === 'drizzle')?.files ?? [];
    assert.ok(!drizzleFiles(ws.review()).includes(`${ws.root}/src/db/tables/posts.ts`));
    assert.ok(drizzleFiles(ws.edit("'./src/db/schema/*.ts'", "['./src/db/schema/*.ts', './src/db/tables/*.ts']")).includes(`${ws.root}/src/db/tables/posts.ts`));
  });
});

describe('discoveryInputChanged', () => {
  const FILE = '/w/src/orders.ts';
  const BASE = `import { prisma } from './db';

export async function total(id: string) {
  const rows = await prisma.orderItem.findMany({ where: { orderId: id }, take: 100 });
  return rows.length;
}
`;

  it('edits inside a function body do not touch discovery, imports and keywords do', () => {
    const cases: [string, string, boolean][] = [
      ['return rows.length;', 'return rows.length + 1;', false],
      ['take: 100', 'take: 1000', false],
      ["from './db'", "from './database'", true],
      ['return rows.length;', "return rows.length;\n  const extra = await import('./audit');", true],
      ['return rows.length;', "return rows.length; // PrismaClient", true],
      ['return rows.length;', 'res.json(rows);', true],
      // A template opened in a body hides nothing here: the key is compared and found the same.
      ['return rows.length;', 'return `${rows.length}`;', false],
    ];
    for (const [from, to, changed] of cases) {
      const seen: SeenText = { text: BASE };
      assert.equal(discoveryInputChanged(FILE, seen, BASE.replace(from, to)), changed, `${from} → ${to}`);
      if (!changed) assert.equal(seen.text, BASE.replace(from, to));
    }
  });

  it('configs and package.json count whole', () => {
    assert.equal(discoveryInputChanged('/w/package.json', { text: '{}' }, '{ }'), true);
    assert.equal(discoveryInputChanged('/w/drizzle.config.ts', { text: 'a' }, 'b'), true);
    assert.equal(discoveryInputChanged('/w/package.json', { text: '{}' }, '{}'), false);
    assert.equal(discoveryInputChanged(FILE, { text: undefined }, BASE), true);
  });

  it('editedLines gives the lines around the edit, in both texts', () => {
    const before = 'a\nb\nc\nd\ne\n'.repeat(400);
    const at = before.length / 2 + 4;
    const after = before.slice(0, at) + 'XY' + before.slice(at);
    const [oldSpan, newSpan] = editedLines(before, after, 1);
    assert.ok(newSpan.includes('XY') && !oldSpan.includes('XY'));
    assert.ok(newSpan.split('\n').length <= 4, newSpan);
  });
});

describe('random edits of script files: the kept units give what a fresh discovery gives', () => {
  before(() => initFrontEnds());

  /** Keystrokes and the line edits that change imports: typed anywhere, kept only if the file still has some text. */
  const PIECES = [
    'x', ' ', '\n', '{', '}', '(', ')', "'", '`', '/*', '*/', '//', '=>', ';',
    "import { auditIndexes } from '../helpers/audit';\n",
    "import { prisma } from './db';\n",
    "import { sendCreated } from './http';\n",
    "export * from './users';\n",
    "import { relations } from 'drizzle-orm';\n",
    'drizzle-orm', 'PrismaClient', 'res.json(body)', 'z.enum(["a"])',
  ];

  for (const [name, files, open] of [
    ['Drizzle schema file', DRIZZLE, 'src/db/schema/audit.ts'],
    ['Prisma code file', PRISMA, 'src/checkout.ts'],
  ] as const) {
    it(name, () => {
      const ws = editor(files, open);
      ws.review();
      let seed = 20261122;
      const random = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
      for (let k = 0; k < 60; k++) {
        const text = ws.text;
        const r = random();
        const at = Math.floor(random() * (text.length + 1));
        if (r < 0.25 && text.length > 40) {
          // Delete a line (an import, often: the first lines are imports).
          const line = Math.floor(random() * 4);
          const lines = text.split('\n');
          const removed = lines[line];
          if (removed === undefined || removed === '') continue;
          ws.edit(`${removed}\n`, '');
        } else {
          const piece = PIECES[Math.floor(random() * PIECES.length)];
          const lineStart = text.lastIndexOf('\n', at - 1) + 1;
          const where = piece.endsWith('\n') ? lineStart : at;
          // edit() replaces the first occurrence: make the replaced text unique by taking it up to `where`.
          const head = text.slice(0, where);
          if (text.indexOf(head) !== 0 || head.length === 0) {
            ws.edit(text, piece + text);
          } else ws.edit(head, head + piece);
        }
      }
      // Some edits made the units again, most did not.
      assert.ok(ws.discoveries > 2 && ws.discoveries < 45, `${ws.discoveries} discoveries`);
    });
  }
});
