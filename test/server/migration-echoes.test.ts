/**
 * A project whose migrations its tool writes from the schema (`prisma migrate`, `drizzle-kit generate`) has every
 * table and key twice: in the schema and in the replayed migrations. A schema finding is reported once, in the
 * schema, where the user acts; what only the migrations have (how a statement runs, a finding the schema does not
 * share) stays in the migrations.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Diagnostic } from 'vscode-languageserver-protocol';
import { cli } from '../helpers/cli';
import { startServer, uriOf } from '../helpers/lsp';
import { writeFiles } from '../helpers/workspace';
import { Reviewer } from '../../server/src/review';
import { DiskReader } from '../../server/src/project/files';
import { initFrontEnds } from '../../server/src/languages';

interface Report {
  findings: { rule: string; file: string; message: string }[];
  problems: { code: string; file: string; message: string }[];
}

async function audit(dir: string): Promise<{ findings: string[]; problems: string[] }> {
  const report = JSON.parse((await cli(['audit', '.', '--format', 'json', '--no-prisma-validation'], dir)).stdout) as Report;
  return {
    findings: report.findings.map((f) => `${f.file} ${f.rule}`).sort(),
    problems: report.problems.map((p) => `${p.file} ${p.code}`).sort(),
  };
}

const PRISMA_SCHEMA = `datasource db {
  provider = "postgresql"
  url      = env("DATABASE_URL")
}

model User {
  id    Int    @id @default(autoincrement())
  email String @unique
  posts Post[]
}

model Post {
  id       Int    @id @default(autoincrement())
  title    String
  price    Float
  authorId Int
  author   User   @relation(fields: [authorId], references: [id])
}
`;

/** As `prisma migrate dev` writes it for PRISMA_SCHEMA. */
const PRISMA_INIT = `-- CreateTable
CREATE TABLE "User" (
    "id" SERIAL NOT NULL,
    "email" TEXT NOT NULL,

    CONSTRAINT "User_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Post" (
    "id" SERIAL NOT NULL,
    "title" TEXT NOT NULL,
    "price" DOUBLE PRECISION NOT NULL,
    "authorId" INTEGER NOT NULL,

    CONSTRAINT "Post_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "User_email_key" ON "User"("email");

-- AddForeignKey
ALTER TABLE "Post" ADD CONSTRAINT "Post_authorId_fkey" FOREIGN KEY ("authorId") REFERENCES "User"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
`;

const INIT = 'prisma/migrations/20240101000000_init/migration.sql';

function prismaProject(files: Record<string, string> = {}): string {
  return writeFiles({
    'package.json': JSON.stringify({ dependencies: { '@prisma/client': '6.1.0' }, devDependencies: { prisma: '6.1.0' } }),
    'prisma/schema.prisma': PRISMA_SCHEMA,
    'prisma/migrations/migration_lock.toml': 'provider = "postgresql"\n',
    [INIT]: PRISMA_INIT,
    ...files,
  });
}

describe('a schema finding its migrations repeat', () => {
  it('Prisma: is reported in the schema only', async () => {
    const { findings } = await audit(prismaProject());
    assert.deepEqual(findings, [
      'prisma/schema.prisma float-for-money',
      'prisma/schema.prisma missing-on-delete',
      'prisma/schema.prisma unindexed-foreign-key',
    ]);
  });

  it('Prisma: what only a migration says stays there (an index created without CONCURRENTLY on a table that had rows)', async () => {
    const dir = prismaProject({
      'prisma/schema.prisma': PRISMA_SCHEMA.replace('  author   User   @relation(fields: [authorId], references: [id])\n', '  author   User   @relation(fields: [authorId], references: [id])\n\n  @@index([title])\n'),
      'prisma/migrations/20240201000000_title_index/migration.sql': '-- CreateIndex\nCREATE INDEX "Post_title_idx" ON "Post"("title");\n',
    });
    const { findings } = await audit(dir);
    assert.ok(findings.includes('prisma/migrations/20240201000000_title_index/migration.sql index-not-concurrent'), findings.join('\n'));
    assert.ok(!findings.some((f) => f.startsWith(INIT)), findings.join('\n'));
  });

  it('Prisma: a schema already fixed, its migration not generated yet: the migrations still lack the index, and say so', async () => {
    const dir = prismaProject({
      'prisma/schema.prisma': PRISMA_SCHEMA.replace('  author   User   @relation(fields: [authorId], references: [id])\n', '  author   User   @relation(fields: [authorId], references: [id])\n\n  @@index([authorId])\n'),
    });
    const { findings } = await audit(dir);
    assert.ok(findings.includes(`${INIT} unindexed-foreign-key`), findings.join('\n'));
    assert.ok(!findings.includes('prisma/schema.prisma unindexed-foreign-key'), findings.join('\n'));
    assert.ok(!findings.includes(`${INIT} float-for-money`), 'the float is in both: reported in the schema only');
  });

  it('Prisma: the migration\'s finding the schema no longer has points at the schema, where the migrations lag behind', async () => {
    const dir = prismaProject({
      'prisma/schema.prisma': PRISMA_SCHEMA.replace('  author   User   @relation(fields: [authorId], references: [id])\n', '  author   User   @relation(fields: [authorId], references: [id])\n\n  @@index([authorId])\n'),
    });
    await initFrontEnds();
    const { findings } = await new Reviewer(dir, new DiskReader()).reviewAsync({ validation: false });
    const lagging = findings.find((f) => f.rule === 'unindexed-foreign-key');
    assert.ok(lagging && lagging.file.endsWith(INIT), JSON.stringify(findings.map((f) => [f.rule, f.file])));
    const pointer = lagging.related.find((r) => r.loc.file.endsWith('prisma/schema.prisma'));
    assert.ok(pointer, JSON.stringify(lagging.related));
    assert.match(pointer.message, /the migrations lag behind it until `prisma migrate dev` writes the next one/);
    // At the relation whose key it is, not elsewhere in the schema.
    assert.equal(pointer.loc.range.start.line, PRISMA_SCHEMA.split('\n').findIndex((l) => l.startsWith('  author   User')));
    // Findings of other kinds say nothing of the kind (the schema's own, a rule weighing names).
    for (const f of findings) if (f !== lagging) assert.ok(!f.related.some((r) => /lag behind/.test(r.message)), f.rule);
  });

  it('Prisma: an ignore comment on the migration copy is still in use; one in the schema keeps the copy out too', async () => {
    const ignoredInMigration = prismaProject({
      [INIT]: PRISMA_INIT.replace('-- AddForeignKey\n', '-- AddForeignKey\n-- schema-review-ignore unindexed-foreign-key\n'),
    });
    const first = await audit(ignoredInMigration);
    assert.deepEqual(first.problems, [], 'no unused-ignore');
    assert.ok(first.findings.includes('prisma/schema.prisma unindexed-foreign-key'));

    const ignoredInSchema = prismaProject({
      'prisma/schema.prisma': PRISMA_SCHEMA.replace('  author   User', '  // schema-review-ignore unindexed-foreign-key\n  author   User'),
    });
    const second = await audit(ignoredInSchema);
    assert.ok(!second.findings.some((f) => f.endsWith('unindexed-foreign-key')), second.findings.join('\n'));
  });

  it('Prisma: SQL files that are not the schema\'s migrations keep their findings', async () => {
    const dir = prismaProject({ 'db/legacy/structure.sql': PRISMA_INIT });
    const { findings } = await audit(dir);
    assert.ok(findings.includes('db/legacy/structure.sql unindexed-foreign-key'), findings.join('\n'));
    assert.ok(findings.includes('db/legacy/structure.sql float-for-money'), findings.join('\n'));
    assert.ok(!findings.some((f) => f.startsWith(INIT)), findings.join('\n'));
  });

  it('Drizzle: the folder drizzle-kit generates (the config\'s `out`) repeats schema.ts, matched by SQL names', async () => {
    const dir = writeFiles({
      'package.json': JSON.stringify({ dependencies: { 'drizzle-orm': '0.36.0' }, devDependencies: { 'drizzle-kit': '0.28.0' } }),
      'drizzle.config.ts': `import { defineConfig } from 'drizzle-kit';\n\nexport default defineConfig({ dialect: 'postgresql', schema: './src/db/schema.ts', out: './drizzle' });\n`,
      'src/db/schema.ts': `import { integer, pgTable, real, serial, text } from 'drizzle-orm/pg-core';

export const users = pgTable('users', {
  id: serial('id').primaryKey(),
  email: text('email').notNull(),
});

export const posts = pgTable('posts', {
  id: serial('id').primaryKey(),
  authorId: integer('author_id').notNull().references(() => users.id),
  price: real('price').notNull(),
});
`,
      'drizzle/0000_init.sql': `CREATE TABLE IF NOT EXISTS "users" (
	"id" serial PRIMARY KEY NOT NULL,
	"email" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE IF NOT EXISTS "posts" (
	"id" serial PRIMARY KEY NOT NULL,
	"author_id" integer NOT NULL,
	"price" real NOT NULL
);
--> statement-breakpoint
DO $$ BEGIN
 ALTER TABLE "posts" ADD CONSTRAINT "posts_author_id_users_id_fk" FOREIGN KEY ("author_id") REFERENCES "public"."users"("id") ON DELETE no action ON UPDATE no action;
EXCEPTION
 WHEN duplicate_object THEN null;
END $$;
`,
      'drizzle/meta/_journal.json': JSON.stringify({ version: '7', dialect: 'postgresql', entries: [{ idx: 0, version: '7', when: 1700000000000, tag: '0000_init', breakpoints: true }] }),
    });
    const { findings } = await audit(dir);
    assert.ok(findings.includes('src/db/schema.ts unindexed-foreign-key') && findings.includes('src/db/schema.ts float-for-money'), findings.join('\n'));
    assert.ok(!findings.some((f) => f.startsWith('drizzle/')), findings.join('\n'));
  });

  it('in the editor: the migration shows a finding once the schema no longer says it (fixed in the schema, not migrated yet)', async () => {
    const dir = prismaProject();
    const server = await startServer({ folder: dir });
    try {
      const schemaFile = path.join(dir, 'prisma/schema.prisma');
      const migrationFile = path.join(dir, INIT);
      const codes = (ds: Diagnostic[]) => ds.filter((d) => d.source === 'schema-review').map((d) => String(d.code)).sort();
      for (const [file, languageId] of [[schemaFile, 'prisma'], [migrationFile, 'sql']] as const) {
        await server.connection.sendNotification('textDocument/didOpen', { textDocument: { uri: uriOf(file), languageId, version: 1, text: fs.readFileSync(file, 'utf8') } });
      }
      await server.waitForDiagnostics(uriOf(schemaFile), (d) => codes(d).includes('unindexed-foreign-key'));
      assert.deepEqual(codes(await server.waitForDiagnostics(uriOf(migrationFile))), []);
      // The index typed into the schema, unsaved: the migrations still lack it, and now say so.
      const indexed = PRISMA_SCHEMA.replace('  author   User   @relation(fields: [authorId], references: [id])\n', '  author   User   @relation(fields: [authorId], references: [id])\n\n  @@index([authorId])\n');
      await server.connection.sendNotification('textDocument/didChange', { textDocument: { uri: uriOf(schemaFile), version: 2 }, contentChanges: [{ text: indexed }] });
      await server.waitForDiagnostics(uriOf(migrationFile), (d) => codes(d).includes('unindexed-foreign-key'), 10_000);
      await server.waitForDiagnostics(uriOf(schemaFile), (d) => !codes(d).includes('unindexed-foreign-key'), 10_000);
    } finally {
      await server.stop();
    }
  });
});
