/**
 * A drizzle-kit folder that a Drizzle schema of the project generates (the config's `out`): a change of the schema is
 * fixed in the schema only, and `drizzle-kit generate` writes its migration. A migration the fix wrote there would be
 * missing from drizzle-kit's snapshot (meta/), so the next `generate` would write the same index again and fail.
 * Found auditing real Drizzle projects (the fix-all wrote both).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { cli } from '../../helpers/cli';
import { writeFiles } from '../../helpers/workspace';

interface JsonFinding {
  rule: string;
  file: string;
  fixes: { title: string }[];
}

async function audit(dir: string, ...extra: string[]): Promise<JsonFinding[]> {
  const res = await cli(['audit', '.', '--format', 'json', ...extra], dir);
  return (JSON.parse(res.stdout) as { findings: JsonFinding[] }).findings;
}

const journal = JSON.stringify({ version: '7', dialect: 'postgresql', entries: [{ idx: 0, version: '7', when: 1714000000000, tag: '0000_init', breakpoints: true }] }, null, 2) + '\n';
const init =
  'CREATE TABLE "shops" (\n\t"id" serial PRIMARY KEY NOT NULL\n);\n--> statement-breakpoint\n' +
  'CREATE TABLE "items" (\n\t"id" serial PRIMARY KEY NOT NULL,\n\t"shop_id" integer NOT NULL\n);\n--> statement-breakpoint\n' +
  'ALTER TABLE "items" ADD CONSTRAINT "items_shop_id_shops_id_fk" FOREIGN KEY ("shop_id") REFERENCES "public"."shops"("id") ON DELETE cascade ON UPDATE no action;\n';
const schema =
  "import { integer, pgTable, serial } from 'drizzle-orm/pg-core';\n\n" +
  "export const shops = pgTable('shops', {\n  id: serial('id').primaryKey(),\n});\n\n" +
  "export const items = pgTable('items', {\n  id: serial('id').primaryKey(),\n  shopId: integer('shop_id').notNull().references(() => shops.id, { onDelete: 'cascade' }),\n});\n";

/** The schema with the index the history lacks (its migration not generated yet). */
const INDEXED_SCHEMA = schema
  .replace("import { integer, pgTable, serial }", "import { index, integer, pgTable, serial }")
  .replace("{ onDelete: 'cascade' }),\n});\n", "{ onDelete: 'cascade' }),\n}, (table) => [index('items_shop_id_idx').on(table.shopId)]);\n");

function project(config: string | undefined): Record<string, string> {
  return {
    'package.json': '{"dependencies":{"drizzle-orm":"^0.44.0"},"devDependencies":{"drizzle-kit":"^0.31.0"}}',
    ...(config ? { 'drizzle.config.ts': config } : {}),
    'src/db/schema.ts': schema,
    'drizzle/meta/_journal.json': journal,
    'drizzle/0000_init.sql': init,
  };
}

const CONFIG = "import { defineConfig } from 'drizzle-kit';\n\nexport default defineConfig({\n  schema: './src/db/schema.ts',\n  out: './drizzle',\n  dialect: 'postgresql',\n});\n";

describe('a drizzle-kit folder its Drizzle schema generates', () => {
  it('the schema gets the index; the migration history gets no fix and no new migration', async () => {
    const dir = writeFiles(project(CONFIG));
    const before = await audit(dir);
    const unindexed = before.filter((f) => f.rule === 'unindexed-foreign-key');
    // (The history's copy of the schema's finding is left out: migration-echoes.test.ts.)
    assert.deepEqual(unindexed.map((f) => [f.file, f.fixes.length]), [['src/db/schema.ts', 1]]);
    await audit(dir, '--fix');
    assert.match(fs.readFileSync(path.join(dir, 'src/db/schema.ts'), 'utf8'), /index\('items_shop_id_idx'\)\.on\(table\.shopId\)/);
    assert.deepEqual(fs.readdirSync(path.join(dir, 'drizzle')).sort(), ['0000_init.sql', 'meta']);
    assert.equal(fs.readFileSync(path.join(dir, 'drizzle/meta/_journal.json'), 'utf8'), journal);
    // Then, until `drizzle-kit generate` runs, the history lacks the index the schema has: said there, with no fix.
    const after = await audit(dir);
    assert.deepEqual(after.filter((f) => f.rule === 'unindexed-foreign-key').map((f) => [f.file, f.fixes.length]), [['drizzle/0000_init.sql', 0]]);
  });

  it('the default out (./drizzle beside the config) counts too', async () => {
    const dir = writeFiles({ ...project(CONFIG.replace("  out: './drizzle',\n", '')), 'src/db/schema.ts': INDEXED_SCHEMA });
    const sql = (await audit(dir)).filter((f) => f.rule === 'unindexed-foreign-key');
    assert.deepEqual(sql.map((f) => [f.file, f.fixes.length]), [['drizzle/0000_init.sql', 0]]);
  });

  it('without a config naming the folder, the history is fixed by a new migration as before', async () => {
    const dir = writeFiles(project(CONFIG.replace("out: './drizzle'", "out: './migrations'")));
    const sql = (await audit(dir)).filter((f) => f.rule === 'unindexed-foreign-key' && f.file.endsWith('.sql'));
    assert.equal(sql.length, 1);
    assert.ok(sql[0].fixes.length > 0);
  });
});
