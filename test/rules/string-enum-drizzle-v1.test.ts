/**
 * drizzle-kit 1.0 writes each migration as a folder of drizzle.config's `out`: `<out>/<YYYYMMDDHHMMSS>_<name>/`
 * holding `migration.sql` (and `snapshot.json`), with no journal; `drizzle-kit generate --custom` makes such a folder
 * for a hand-written migration. A CHECK added there holds the schema's column as one in a 0.x `<out>/<tag>.sql` does
 * (string-enum-migrations-config.test.ts).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { auditRule } from '../helpers/cli';
import { copyFixture, editedWorkspace } from '../helpers/workspace';

const FIXTURE = 'test/fixtures/data-types/drizzle-v1-custom-check';
const CHECK_FOLDER = 'drizzle/20250315140000_orders_status_check';
const INIT = 'drizzle/20250301090000_init/migration.sql';

/** `schema-review audit <paths> --format json` in `root`: the string-enum findings, as `file: Table.column`. */
const audit = (root: string, paths = ['.']): Promise<string[]> => auditRule('string-enum', root, paths);

describe('string-enum: a Drizzle column held by a CHECK of a drizzle-kit 1.0 migration folder', () => {
  it('is not reported; a column without a CHECK still is, in the schema (its migrations only repeat it)', async () => {
    const root = copyFixture(FIXTURE);
    assert.deepEqual(await audit(root), ['src/db/schema.ts: orders.priority']);
  });

  it('also when the schema alone is audited', async () => {
    const root = copyFixture(FIXTURE);
    assert.deepEqual(await audit(root, ['src/db/schema.ts']), ['src/db/schema.ts: orders.priority']);
  });

  it('is reported again when the custom migration folder is gone', async () => {
    const root = copyFixture(FIXTURE);
    fs.rmSync(path.join(root, CHECK_FOLDER), { recursive: true });
    assert.deepEqual(await audit(root), ['src/db/schema.ts: orders.priority', 'src/db/schema.ts: orders.status']);
  });

  it('only for the output folder: a 1.0 folder elsewhere is another database', async () => {
    const root = copyFixture(FIXTURE);
    const config = path.join(root, 'drizzle.config.ts');
    fs.writeFileSync(config, fs.readFileSync(config, 'utf8').replace('./drizzle"', './db/migrations"'));
    const reported = await audit(root);
    assert.ok(reported.includes('src/db/schema.ts: orders.status'), reported.join('\n'));
  });

  it('follows an edit of the migration (the language server reuses the findings of unchanged tables)', async () => {
    const root = copyFixture(FIXTURE);
    const file = path.join(root, CHECK_FOLDER, 'migration.sql').split(path.sep).join('/');
    const { server, edit, text } = editedWorkspace(root, file);
    const schemaFindings = async () =>
      (await server.reviewAsync({ validation: false })).findings.filter((f) => f.rule === 'string-enum' && f.file.endsWith('schema.ts')).map((f) => f.message.split(' ')[0]);
    assert.deepEqual(await schemaFindings(), ['orders.priority']);
    edit(text().replace(/ALTER TABLE "orders" ADD CONSTRAINT[^;]*;/, ''));
    assert.deepEqual(await schemaFindings(), ['orders.status', 'orders.priority']);
  });
});
