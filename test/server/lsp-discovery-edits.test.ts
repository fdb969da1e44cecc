/**
 * Over stdio, as an editor drives the server: edits that change which files discovery groups together are reviewed
 * at once, with no file created or deleted (no watched-file event at all): an index helper's import typed into a
 * Drizzle schema file, a database client's import typed into a code file and removed again.
 */
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Diagnostic } from 'vscode-languageserver-protocol';
import { startServer, uriOf, type TestServer } from '../helpers/lsp';
import { writeFiles } from '../helpers/workspace';

const ours = (ds: Diagnostic[]) => ds.filter((d) => d.source === 'schema-review');
const has = (rule: string) => (ds: Diagnostic[]) => ours(ds).some((d) => d.code === rule);
const lacks = (rule: string) => (ds: Diagnostic[]) => !has(rule)(ds);

/** Opens a document and returns a function that replaces its whole text with the next version. */
async function openDocument(server: TestServer, file: string, languageId: string) {
  let version = 1;
  let text = fs.readFileSync(file, 'utf8');
  await server.connection.sendNotification('textDocument/didOpen', { textDocument: { uri: uriOf(file), languageId, version, text } });
  return {
    get text() {
      return text;
    },
    async change(next: string) {
      text = next;
      version++;
      await server.connection.sendNotification('textDocument/didChange', { textDocument: { uri: uriOf(file), version }, contentChanges: [{ text }] });
    },
  };
}

describe('LSP: an import typed into a Drizzle schema file brings the helper module it names into the review', () => {
  let server: TestServer | undefined;
  let root: string;
  after(async () => {
    await server?.stop();
    if (root) fs.rmSync(root, { recursive: true, force: true });
  });

  it('the unindexed-foreign-key finding goes once the spread helper is imported, and comes back when the import goes', async () => {
    root = writeFiles({
      'package.json': '{ "name": "trades", "dependencies": { "drizzle-orm": "0.44.2" }, "devDependencies": { "drizzle-kit": "0.31.1" } }\n',
      'drizzle.config.ts': "import { defineConfig } from 'drizzle-kit';\n\nexport default defineConfig({\n  schema: './src/db/schema/*.ts',\n  out: './drizzle',\n  dialect: 'postgresql',\n});\n",
      'src/db/helpers/audit.ts': "import { index, type PgColumn } from 'drizzle-orm/pg-core';\n\n/** Audit rows are read by actor, newest first. */\nexport function auditIndexes(t: { actorId: PgColumn; createdAt: PgColumn }) {\n  return [index('audit_logs_actor_created_idx').on(t.actorId, t.createdAt)];\n}\n",
      'src/db/schema/users.ts': "import { pgTable, uuid, text } from 'drizzle-orm/pg-core';\n\nexport const users = pgTable('users', {\n  id: uuid('id').primaryKey().defaultRandom(),\n  email: text('email').notNull().unique(),\n});\n",
      'src/db/schema/audit.ts': "import { pgTable, uuid, timestamp, text } from 'drizzle-orm/pg-core';\nimport { users } from './users';\n\nexport const auditLogs = pgTable('audit_logs', {\n  id: uuid('id').primaryKey().defaultRandom(),\n  actorId: uuid('actor_id').notNull().references(() => users.id, { onDelete: 'restrict' }),\n  action: text('action').notNull(),\n  createdAt: timestamp('created_at').defaultNow().notNull(),\n}, (t) => [...auditIndexes(t)]);\n",
    });
    server = await startServer({ folder: root });
    const file = path.join(root, 'src/db/schema/audit.ts');
    const uri = uriOf(file);
    const doc = await openDocument(server, file, 'typescript');
    const first = await server.waitForDiagnostics(uri, has('unindexed-foreign-key'));
    assert.deepEqual(ours(first).map((d) => d.code), ['unindexed-foreign-key']);
    // The import typed line by line, as an editor sends it.
    const line = "import { auditIndexes } from '../helpers/audit';";
    const anchor = "import { users } from './users';\n";
    const base = doc.text;
    for (const typed of ['import { auditIndexes }', "import { auditIndexes } from '../helpers/", line]) {
      await doc.change(base.replace(anchor, `${anchor}${typed}\n`));
    }
    assert.ok(doc.text.includes(`${anchor}${line}\n\nexport const auditLogs`), doc.text);
    const fixed = await server.waitForDiagnostics(uri, lacks('unindexed-foreign-key'));
    assert.deepEqual(ours(fixed), []);
    // The import deleted: the helper's index no longer counts.
    await doc.change(doc.text.replace(`${line}\n`, ''));
    await server.waitForDiagnostics(uri, has('unindexed-foreign-key'));
  });
});

describe('LSP: a code file that starts importing the Prisma client is reviewed as code', () => {
  let server: TestServer | undefined;
  let root: string;
  after(async () => {
    await server?.stop();
    if (root) fs.rmSync(root, { recursive: true, force: true });
  });

  it('the multi-write finding appears once the import and two writes are typed in, and goes with the import', async () => {
    root = writeFiles({
      'package.json': '{ "name": "shop", "dependencies": { "@prisma/client": "6.5.0" }, "devDependencies": { "prisma": "6.5.0" } }\n',
      'prisma/schema.prisma':
        'datasource db {\n  provider = "postgresql"\n  url      = env("DATABASE_URL")\n}\n\ngenerator client {\n  provider = "prisma-client-js"\n}\n\nmodel Order {\n  id        String      @id @default(cuid())\n  total     Decimal     @db.Decimal(10, 2)\n  items     OrderItem[]\n  createdAt DateTime    @default(now())\n}\n\nmodel OrderItem {\n  id      String @id @default(cuid())\n  orderId String\n  order   Order  @relation(fields: [orderId], references: [id], onDelete: Cascade)\n  sku     String\n\n  @@index([orderId])\n}\n',
      'src/db.ts': "import { PrismaClient } from '@prisma/client';\n\nexport const prisma = new PrismaClient();\n",
      'src/checkout.ts': "export async function placeOrder(total: number, skus: string[]) {\n  if (skus.length === 0) throw new Error('empty order');\n  return { total, skus };\n}\n",
    });
    server = await startServer({ folder: root });
    const schemaUri = uriOf(path.join(root, 'prisma/schema.prisma'));
    await openDocument(server, path.join(root, 'prisma/schema.prisma'), 'prisma');
    const file = path.join(root, 'src/checkout.ts');
    const uri = uriOf(file);
    const doc = await openDocument(server, file, 'typescript');
    await server.waitForDiagnostics(schemaUri);
    // The two writes typed first, then the import: the file is not reviewed as code until it imports the client.
    await doc.change(doc.text.replace('  return { total, skus };\n', '  const order = await prisma.order.create({ data: { total } });\n  return { total, skus };\n'));
    await doc.change(
      doc.text.replace('  return { total, skus };\n', '  await prisma.orderItem.createMany({ data: skus.map((sku) => ({ orderId: order.id, sku })) });\n  return order;\n'),
    );
    await doc.change(`import { prisma } from './db';\n\n${doc.text}`);
    const found = await server.waitForDiagnostics(uri, has('multi-write-without-transaction'));
    assert.deepEqual(ours(found).map((d) => d.code), ['multi-write-without-transaction']);
    // A keystroke in the body keeps it.
    await doc.change(doc.text.replace('return order;', 'return order; // placed'));
    await server.waitForDiagnostics(uri, (ds) => has('multi-write-without-transaction')(ds) && ds !== found);
    // The import removed: the file is no longer reviewed as code, its finding is cleared.
    await doc.change(doc.text.replace("import { prisma } from './db';\n\n", ''));
    await server.waitForDiagnostics(uri, (ds) => ours(ds).length === 0);
  });
});
