/**
 * A CHECK added by hand to a migration holds a schema's column to its values wherever the project keeps its
 * migrations: Prisma's `prisma.config.ts` `migrations.path` (here `db/migrations`), and Drizzle's drizzle-kit output
 * folder (`out` of drizzle.config, `./drizzle` by default), where `drizzle-kit generate --custom` puts a hand-written
 * migration. The front-ends record those folders on the model (Database.migrationsDirs); string-enum relates the
 * schema to the SQL database replayed from them, as it does for `prisma/migrations` next to a schema.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { auditRule } from '../helpers/cli';
import { discoverPrisma, migrationsFromConfig } from '../../server/src/languages/prisma/discover';
import { discoverDrizzle, readDrizzleConfig } from '../../server/src/languages/drizzle/discover';
import { copyFixture, editedWorkspace } from '../helpers/workspace';

const PRISMA_FIXTURE = 'test/fixtures/data-types/prisma-config-migrations';
const PRISMA_CHECK = 'db/migrations/20250315140000_shipment_status_check/migration.sql';
const DRIZZLE_FIXTURE = 'test/fixtures/data-types/drizzle-custom-check';
const DRIZZLE_CHECK = 'db/migrations/0001_orders_status_check.sql';

/** `schema-review audit <paths> --format json` in `root`: the string-enum findings, as `file: Table.column`. */
const audit = (root: string, paths = ['.']): Promise<string[]> => auditRule('string-enum', root, paths);

function rewrite(root: string, file: string, change: (text: string) => string): void {
  const full = path.join(root, file);
  const before = fs.readFileSync(full, 'utf8');
  const after = change(before);
  assert.notEqual(after, before, `${file} unchanged`);
  fs.writeFileSync(full, after);
}

const reader = (files: Record<string, string>) => ({ read: (p: string) => files[p] });

describe('prisma.config.ts: migrations.path', () => {
  it('is read by syntax, relative to the config (a string, path.join, __dirname), not views.path', () => {
    assert.equal(migrationsFromConfig(`export default defineConfig({ schema: "prisma", migrations: { path: "db/migrations" } });`), 'db/migrations');
    assert.equal(
      migrationsFromConfig(`import path from "node:path";\nexport default { views: { path: path.join("db", "views") }, migrations: { seed: "tsx seed.ts", path: path.join(__dirname, "db", "migrations") } } satisfies PrismaConfig;`),
      'db/migrations',
    );
    assert.equal(migrationsFromConfig(`const migrations = { path: "sql/migrations" };\nexport default defineConfig({ migrations });`), 'sql/migrations');
    assert.equal(migrationsFromConfig(`export default defineConfig({ schema: "prisma/schema.prisma", views: { path: "db/views" } });`), undefined);
    assert.equal(migrationsFromConfig(`export default defineConfig({ migrations: { path: process.env.MIGRATIONS! } });`), undefined);
  });

  it("is recorded on the schema's unit as an absolute folder, resolved against the config's folder", () => {
    const files: Record<string, string> = {
      '/w/package.json': JSON.stringify({ devDependencies: { prisma: '^6.8.0' } }),
      '/w/prisma.config.ts': `export default { schema: "prisma/schema.prisma", migrations: { path: "./db/../db/migrations" } };`,
      '/w/prisma/schema.prisma': 'datasource db {\n  provider = "postgresql"\n}\n',
      '/v/package.json': JSON.stringify({ devDependencies: { prisma: '^6.8.0' } }),
      '/v/prisma/schema.prisma': 'datasource db {\n  provider = "postgresql"\n}\n',
    };
    const units = discoverPrisma(Object.keys(files).filter((f) => f.endsWith('.prisma')), reader(files));
    assert.deepEqual(
      units.map((u) => [u.id, u.hints?.migrationsDir]),
      [
        ['prisma:/w/prisma/schema.prisma', '/w/db/migrations'],
        // No config: Prisma's default, the `migrations` folder next to the schema (the rule's default too).
        ['prisma:/v/prisma/schema.prisma', undefined],
      ],
    );
  });
});

describe('string-enum: a Prisma column held by a CHECK of the migrations prisma.config.ts names', () => {
  it('is not reported; a column without a CHECK still is, in the schema (its migrations only repeat it)', async () => {
    const root = copyFixture(PRISMA_FIXTURE);
    assert.deepEqual(await audit(root), ['prisma/schema.prisma: Shipment.priority']);
  });

  it('also when the schema alone is audited (its project, migrations included, is reviewed with it)', async () => {
    const root = copyFixture(PRISMA_FIXTURE);
    assert.deepEqual(await audit(root, ['prisma/schema.prisma']), ['prisma/schema.prisma: Shipment.priority']);
  });

  it('is reported when the config names no migrations folder (then only prisma/migrations is related)', async () => {
    const root = copyFixture(PRISMA_FIXTURE);
    rewrite(root, 'prisma.config.ts', (t) => t.replace(/  migrations: \{[^}]*\},\n/, ''));
    const reported = await audit(root);
    assert.ok(reported.includes('prisma/schema.prisma: Shipment.status'), reported.join('\n'));
    assert.ok(!reported.includes('db/migrations/20250301090000_init/migration.sql: shipments.status'), reported.join('\n'));
  });

  it('follows an edit of the migration (the language server reuses the findings of unchanged tables)', async () => {
    const root = copyFixture(PRISMA_FIXTURE);
    const file = path.join(root, PRISMA_CHECK).split(path.sep).join('/');
    const { server, edit, text } = editedWorkspace(root, file);
    const prismaFindings = async () =>
      (await server.reviewAsync({ validation: false })).findings.filter((f) => f.rule === 'string-enum' && f.file.endsWith('schema.prisma')).map((f) => f.message.split(' ')[0]);
    assert.deepEqual(await prismaFindings(), ['Shipment.priority']);
    edit(text().replace(/ALTER TABLE "shipments" ADD CONSTRAINT[^;]*;/, ''));
    assert.deepEqual(await prismaFindings(), ['Shipment.status', 'Shipment.priority']);
  });
});

describe('drizzle.config: out', () => {
  it('is read with the schema, relative to the same folder; ./drizzle by default', () => {
    assert.equal(readDrizzleConfig('/p/drizzle.config.ts', `export default defineConfig({ schema: "./src/schema.ts", out: "./db/migrations" });`).out, '/p/db/migrations');
    assert.equal(readDrizzleConfig('/p/drizzle.config.json', `{ "schema": "./s.ts", "out": "sql" }`).out, '/p/sql');
    assert.equal(readDrizzleConfig('/p/drizzle.config.ts', `export default defineConfig({ schema: "./src/schema.ts" });`).out, undefined);
    const files: Record<string, string> = {
      '/p/package.json': '{}',
      '/p/drizzle.config.ts': `export default defineConfig({ schema: "./src/schema.ts", dialect: "postgresql" });`,
      '/p/src/schema.ts': `import { pgTable, text } from "drizzle-orm/pg-core";\nexport const a = pgTable("a", { status: text("status") });\n`,
      // A config in a subfolder whose paths drizzle-kit reads from the package root (where it runs): `out` too.
      '/r/package.json': '{}',
      '/r/db/drizzle.config.ts': `export default defineConfig({ schema: "./src/schema.ts", out: "./sql" });`,
      '/r/src/schema.ts': `import { pgTable, text } from "drizzle-orm/pg-core";\nexport const c = pgTable("c", { status: text("status") });\n`,
      '/q/package.json': '{}',
      '/q/src/schema.ts': `import { pgTable, text } from "drizzle-orm/pg-core";\nexport const b = pgTable("b", { status: text("status") });\n`,
    };
    const units = discoverDrizzle(Object.keys(files), reader(files));
    assert.deepEqual(
      units.map((u) => [u.id, u.hints?.migrationsDir]),
      [
        ['drizzle:/p/drizzle.config.ts', '/p/drizzle'],
        ['drizzle:/r/db/drizzle.config.ts', '/r/sql'],
        ['drizzle:/q', '/q/drizzle'],
      ],
    );
  });
});

describe('string-enum: a Drizzle column held by a CHECK of a custom drizzle-kit migration', () => {
  it('is not reported; a column without a CHECK still is, in the schema (its migrations only repeat it)', async () => {
    const root = copyFixture(DRIZZLE_FIXTURE);
    assert.deepEqual(await audit(root), ['src/db/schema.ts: orders.priority']);
  });

  it('also when the schema alone is audited (its project, migrations included, is reviewed with it)', async () => {
    const root = copyFixture(DRIZZLE_FIXTURE);
    assert.deepEqual(await audit(root, ['src/db/schema.ts']), ['src/db/schema.ts: orders.priority']);
  });

  it('is reported again when the custom migration is gone', async () => {
    const root = copyFixture(DRIZZLE_FIXTURE);
    fs.rmSync(path.join(root, DRIZZLE_CHECK));
    assert.deepEqual(await audit(root), [
      'src/db/schema.ts: orders.priority',
      'src/db/schema.ts: orders.status',
    ]);
  });

  it('reads the default output folder, ./drizzle, when the config names none', async () => {
    const root = copyFixture(DRIZZLE_FIXTURE);
    rewrite(root, 'drizzle.config.ts', (t) => t.replace(/  out: .*\n/, ''));
    fs.renameSync(path.join(root, 'db/migrations'), path.join(root, 'drizzle'));
    assert.deepEqual(await audit(root), ['src/db/schema.ts: orders.priority']);
  });

  it('only for the output folder: drizzle-kit folders elsewhere are other databases', async () => {
    const root = copyFixture(DRIZZLE_FIXTURE);
    rewrite(root, 'drizzle.config.ts', (t) => t.replace('./db/migrations', './drizzle'));
    const reported = await audit(root);
    assert.ok(reported.includes('src/db/schema.ts: orders.status'), reported.join('\n'));
  });

  it('follows an edit of the migration (the language server reuses the findings of unchanged tables)', async () => {
    const root = copyFixture(DRIZZLE_FIXTURE);
    const file = path.join(root, DRIZZLE_CHECK).split(path.sep).join('/');
    const { server, edit, text } = editedWorkspace(root, file);
    const schemaFindings = async () =>
      (await server.reviewAsync({ validation: false })).findings.filter((f) => f.rule === 'string-enum' && f.file.endsWith('schema.ts')).map((f) => f.message.split(' ')[0]);
    assert.deepEqual(await schemaFindings(), ['orders.priority']);
    edit(text().replace(/ALTER TABLE "orders" ADD CONSTRAINT[^;]*;/, ''));
    assert.deepEqual(await schemaFindings(), ['orders.status', 'orders.priority']);
    edit(text() + `ALTER TABLE "orders" ADD CONSTRAINT "orders_priority_check" CHECK ("priority" IN ('low', 'normal', 'high'));\n`);
    assert.deepEqual(await schemaFindings(), ['orders.status']);
  });
});
