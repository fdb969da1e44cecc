/**
 * Where the Prisma schema fix chooses an onUpdate (Restrict or NoAction, so that no cascade closes a cycle: SQL
 * Server, relationMode = "prisma"), fix-all on a project with `prisma/migrations` must leave schema and migrations
 * agreeing. Neither case can write a migration that states another ON UPDATE:
 * - SQL Server: Prisma's migrations are T-SQL (`[dbo].[Employee]`, `BEGIN TRY`), which the SQL front-end does not
 *   read (no tables): no SQL fix exists to disagree.
 * - relationMode = "prisma": `prisma migrate` writes no foreign keys. The SQL side sees a column like `parentId`
 *   without one (missing-foreign-key reports it on the migration), but writes no constraint: one would state its own
 *   actions (ON UPDATE CASCADE) against the schema's, and the next `prisma migrate dev` would drop it as drift.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { cli } from '../../helpers/cli';
import { writeFiles } from '../../helpers/workspace';
import { prismaFrontEnd } from '../../../server/src/languages/prisma';
import { loadSqlParser, sqlFrontEnd } from '../../../server/src/languages/sql';
import { diskReader } from './helpers';

interface Finding {
  rule: string;
  file: string;
  fixes?: { title: string }[];
}

async function audit(dir: string, fix = false): Promise<Finding[]> {
  return (JSON.parse((await cli(['audit', '.', '--format', 'json', ...(fix ? ['--fix=unsafe'] : [])], dir)).stdout) as { findings: Finding[] }).findings;
}

/** The migrations fix-all added (every folder but the first). */
function newMigrations(dir: string): string[] {
  const mdir = join(dir, 'prisma/migrations');
  return readdirSync(mdir).filter((d) => /^\d/.test(d)).sort().slice(1);
}

/** The fixed schema, as the Prisma front-end reads it, with Prisma's errors (prisma-schema-wasm 6). */
function analyzeSchema(dir: string) {
  const reader = diskReader();
  const unit = prismaFrontEnd.discover([join(dir, 'prisma/schema.prisma')], reader)[0];
  const analysis = prismaFrontEnd.analyze(unit, reader, { validation: true });
  return { db: analysis.databases[0], errors: analysis.diagnostics.filter((d) => d.severity === 'error').map((d) => d.message) };
}

const PACKAGE = JSON.stringify({ devDependencies: { prisma: '6.19.0' }, dependencies: { '@prisma/client': '6.19.0' } });

describe('fix-all: the Prisma schema fix and the migrations agree on ON UPDATE', () => {
  it('SQL Server: the schema says onDelete and onUpdate NoAction; the T-SQL migrations are not read, so no migration is written', async () => {
    const schema = `datasource db {\n  provider = "sqlserver"\n  url      = env("DATABASE_URL")\n}\n\nmodel Employee {\n  id        Int        @id\n  managerId Int?\n  manager   Employee?  @relation("reports", fields: [managerId], references: [id])\n  reports   Employee[] @relation("reports")\n\n  @@index([managerId])\n}\n`;
    // What `prisma migrate dev` writes on SQL Server (for the schema as it was when the folder was made).
    const init = `BEGIN TRY\n\nBEGIN TRAN;\n\n-- CreateTable\nCREATE TABLE [dbo].[Employee] (\n    [id] INT NOT NULL,\n    [managerId] INT,\n    CONSTRAINT [Employee_pkey] PRIMARY KEY CLUSTERED ([id])\n);\n\n-- CreateIndex\nCREATE NONCLUSTERED INDEX [Employee_managerId_idx] ON [dbo].[Employee]([managerId]);\n\n-- AddForeignKey\nALTER TABLE [dbo].[Employee] ADD CONSTRAINT [Employee_managerId_fkey] FOREIGN KEY ([managerId]) REFERENCES [dbo].[Employee]([id]) ON DELETE NO ACTION ON UPDATE NO ACTION;\n\nCOMMIT TRAN;\n\nEND TRY\nBEGIN CATCH\n\nIF @@TRANCOUNT > 0\nBEGIN\n    ROLLBACK TRAN;\nEND;\nTHROW\n\nEND CATCH\n`;
    const dir = writeFiles({
      'package.json': PACKAGE,
      'prisma/schema.prisma': schema,
      'prisma/migrations/migration_lock.toml': 'provider = "sqlserver"\n',
      'prisma/migrations/20240101000000_init/migration.sql': init,
    });
    // Why no SQL fix can disagree: the SQL front-end leaves a T-SQL migrations folder out (it forms no unit).
    await loadSqlParser();
    const reader = diskReader();
    assert.deepEqual(sqlFrontEnd.discover([join(dir, 'prisma/migrations/20240101000000_init/migration.sql')], reader), []);

    const before = await audit(dir);
    assert.deepEqual(before.map((f) => [f.rule, f.file, f.fixes?.map((x) => x.title)]), [
      ['missing-on-delete', 'prisma/schema.prisma', ['Set onDelete: NoAction, onUpdate: NoAction on manager']],
    ]);
    assert.deepEqual(await audit(dir, true), []);
    assert.match(readFileSync(join(dir, 'prisma/schema.prisma'), 'utf8'), /references: \[id\], onDelete: NoAction, onUpdate: NoAction\)/);
    const fixed = analyzeSchema(dir);
    assert.deepEqual(fixed.errors, []);
    const fk = fixed.db.tables[0].foreignKeys[0];
    assert.deepEqual([fk.onDelete, fk.onUpdate], ['NoAction', 'NoAction']);
    // The constraint the migration made already says the same: nothing to write.
    assert.deepEqual(newMigrations(dir), []);
  });

  it('relationMode = "prisma": the schema says onUpdate Restrict, and no migration adds a foreign key that says otherwise', async () => {
    const schema = `datasource db {\n  provider     = "postgresql"\n  url          = env("DATABASE_URL")\n  relationMode = "prisma"\n}\n\nmodel Category {\n  id       Int        @id\n  parentId Int?\n  parent   Category?  @relation("tree", fields: [parentId], references: [id])\n  children Category[] @relation("tree")\n\n  @@index([parentId])\n}\n`;
    // What `prisma migrate dev` writes under relationMode = "prisma": no foreign key.
    const init = `-- CreateTable\nCREATE TABLE "Category" (\n    "id" INTEGER NOT NULL,\n    "parentId" INTEGER,\n\n    CONSTRAINT "Category_pkey" PRIMARY KEY ("id")\n);\n\n-- CreateIndex\nCREATE INDEX "Category_parentId_idx" ON "Category"("parentId");\n`;
    const dir = writeFiles({
      'package.json': PACKAGE,
      'prisma/schema.prisma': schema,
      'prisma/migrations/migration_lock.toml': 'provider = "postgresql"\n',
      'prisma/migrations/20240101000000_init/migration.sql': init,
    });
    const before = await audit(dir);
    assert.deepEqual(before.map((f) => [f.rule, f.file, f.fixes?.map((x) => x.title) ?? []]), [
      // The database has no constraint, which is true; the schema's relation is the reference, so no fix adds one.
      ['missing-foreign-key', 'prisma/migrations/20240101000000_init/migration.sql', []],
      ['missing-on-delete', 'prisma/schema.prisma', ['Set onDelete: Restrict, onUpdate: Restrict on parent']],
    ]);
    const after = await audit(dir, true);
    assert.deepEqual(after.map((f) => f.rule), ['missing-foreign-key']);
    const fixed = analyzeSchema(dir);
    assert.deepEqual(fixed.errors, []);
    const fk = fixed.db.tables[0].foreignKeys[0];
    assert.deepEqual([fk.onDelete, fk.onUpdate, fk.enforced], ['Restrict', 'Restrict', false]);
    assert.deepEqual(newMigrations(dir), [], 'no migration adds a foreign key the schema does not make');
  });

  it('the same migrations beside a schema with foreign keys, its relation not migrated yet: the missing constraint is added, stating Prisma\'s actions', async () => {
    // The schema has the relation, the migrations lack its key (`prisma migrate dev` not run yet): the finding is the
    // migrations' own (a schema without the relation would have it too, and only the schema's would be reported).
    const schema = `datasource db {\n  provider = "postgresql"\n  url      = env("DATABASE_URL")\n}\n\nmodel Category {\n  id       Int        @id\n  parentId Int?\n  parent   Category?  @relation("tree", fields: [parentId], references: [id])\n  children Category[] @relation("tree")\n\n  @@index([parentId])\n}\n`;
    const init = `-- CreateTable\nCREATE TABLE "Category" (\n    "id" INTEGER NOT NULL,\n    "parentId" INTEGER,\n\n    CONSTRAINT "Category_pkey" PRIMARY KEY ("id")\n);\n\n-- CreateIndex\nCREATE INDEX "Category_parentId_idx" ON "Category"("parentId");\n`;
    const dir = writeFiles({
      'package.json': PACKAGE,
      'prisma/schema.prisma': schema,
      'prisma/migrations/migration_lock.toml': 'provider = "postgresql"\n',
      'prisma/migrations/20240101000000_init/migration.sql': init,
    });
    const before = await audit(dir);
    const sql = before.find((f) => f.file.endsWith('migration.sql'))!;
    assert.equal(sql.rule, 'missing-foreign-key');
    assert.equal(sql.fixes?.length, 1);
    await audit(dir, true);
    const made = newMigrations(dir).map((d) => readFileSync(join(dir, 'prisma/migrations', d, 'migration.sql'), 'utf8'));
    assert.match(made[0], /FOREIGN KEY \("parentId"\) REFERENCES "Category" \(id\) ON DELETE SET NULL ON UPDATE CASCADE NOT VALID;/);
  });
});
