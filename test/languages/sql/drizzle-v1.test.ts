/**
 * drizzle-kit 1.0's migrations folder: no `meta/_journal.json`; each migration is a folder
 * `<out>/<YYYYMMDDHHMMSS>_<name>/` holding `migration.sql` and the `snapshot.json` drizzle-kit generate diffs against
 * (drizzle-kit `writeResult`). The migrator (drizzle-orm `readMigrationFiles`) applies every `<out>/<folder>/migration.sql`
 * in folder-name order, split at `--> statement-breakpoint`, all pending ones in one transaction on Postgres, and
 * refuses a folder that still has a journal. The SQL front-end reads such a folder as one drizzle-kit history.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { PGliteInterface } from '@electric-sql/pglite';
import { sqlFrontEnd } from '../../../server/src/languages/sql';
import type { SourceReader } from '../../../server/src/languages/types';
import { cli } from '../../helpers/cli';
import { writeFiles } from '../../helpers/workspace';
import { applyEdits, pgliteClones, statementsOf, table } from './helpers';

const fresh = pgliteClones();

function inline(files: Record<string, string>): SourceReader {
  return { read: (p) => files[p] };
}

const snapshot = (dialect: string, id: string, prevIds: string[] = []) => JSON.stringify({ version: '8', dialect, id, prevIds, ddl: [], renames: [] }, null, 2);

const INIT =
  'CREATE TABLE "accounts" (\n\t"id" serial PRIMARY KEY NOT NULL\n);\n--> statement-breakpoint\n' +
  'CREATE TABLE "orders" (\n\t"id" serial PRIMARY KEY NOT NULL,\n\t"account_id" integer NOT NULL,\n\t"note" text\n);\n';
const FK = 'ALTER TABLE "orders" ADD CONSTRAINT "orders_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE cascade ON UPDATE no action;';

/** A drizzle-kit 1.0 output folder `out` (relative to /w): two generated migrations. */
function v1(out: string, dialect = 'postgres'): Record<string, string> {
  return {
    [`/w/${out}/20250301090000_init/migration.sql`]: INIT,
    [`/w/${out}/20250301090000_init/snapshot.json`]: snapshot(dialect, 'a'),
    [`/w/${out}/20250415120000_orders_account_fk/migration.sql`]: `${FK}\n`,
    [`/w/${out}/20250415120000_orders_account_fk/snapshot.json`]: snapshot(dialect, 'b', ['a']),
  };
}

function discover(files: Record<string, string>) {
  return sqlFrontEnd.discover(Object.keys(files).filter((f) => f.endsWith('.sql')).sort(), inline(files));
}

describe('drizzle-kit 1.0 folders: discovery', () => {
  it('is one drizzle-kit history, in folder-timestamp order, wherever `out` points (drizzle/, db/migrations/)', () => {
    for (const out of ['drizzle', 'db/migrations']) {
      const units = discover(v1(out));
      assert.deepEqual(
        units.map((u) => [u.id, u.hints?.kind, u.hints?.layout, u.hints?.dialect, u.files.map((f) => path.basename(path.dirname(f)))]),
        [[`sql:/w/${out}`, 'drizzle', 'folders', 'postgresql', ['20250301090000_init', '20250415120000_orders_account_fk']]],
        out,
      );
    }
  });

  it('orders by the folder timestamps, not by the order files are listed in', () => {
    const files = v1('drizzle');
    const units = sqlFrontEnd.discover(Object.keys(files).filter((f) => f.endsWith('.sql')).reverse(), inline(files));
    assert.deepEqual(units[0].files.map((f) => path.basename(path.dirname(f))), ['20250301090000_init', '20250415120000_orders_account_fk']);
  });

  it('takes the dialect from the snapshot; without one there, the project decides (drizzle.config) as before', () => {
    assert.equal(discover(v1('drizzle', 'sqlite'))[0].hints?.dialect, 'sqlite');
    assert.equal(discover(v1('drizzle', 'mysql'))[0].hints?.dialect, 'mysql');
    assert.equal(discover(v1('drizzle', 'cockroach'))[0].hints?.dialect, 'cockroachdb');
    const unknown = v1('drizzle', 'gel');
    assert.equal(discover(unknown)[0].hints?.dialect, undefined);
    const broken = { ...v1('drizzle'), '/w/drizzle/20250301090000_init/snapshot.json': '{ not json' };
    assert.equal(discover(broken)[0].hints?.kind, 'drizzle', 'the next snapshot still says what the folder is');
    assert.equal(discover(broken)[0].hints?.dialect, 'postgresql');
  });

  it('keeps a hand-made folder without snapshot.json: the migrator applies every <folder>/migration.sql', () => {
    const files = { ...v1('drizzle'), '/w/drizzle/20250420000000_backfill/migration.sql': 'UPDATE "orders" SET "note" = \'\';\n' };
    assert.deepEqual(discover(files)[0].files.map((f) => path.basename(path.dirname(f))), ['20250301090000_init', '20250415120000_orders_account_fk', '20250420000000_backfill']);
  });

  it('leaves Prisma alone: a migration_lock.toml, or no snapshot.json at all, is still a Prisma folder', () => {
    const prisma = {
      '/w/prisma/migrations/migration_lock.toml': 'provider = "postgresql"\n',
      '/w/prisma/migrations/20250301090000_init/migration.sql': INIT.split('--> statement-breakpoint\n').join(''),
      '/w/prisma/migrations/20250301090000_init/snapshot.json': '{}',
    };
    assert.deepEqual(discover(prisma).map((u) => u.hints?.kind), ['prisma']);
    const bare = { '/w/db/migrations/20250301090000_init/migration.sql': INIT.split('--> statement-breakpoint\n').join('') };
    assert.deepEqual(discover(bare).map((u) => u.hints?.kind), ['prisma']);
  });

  it('a half-upgraded folder (meta/_journal.json still there, which drizzle-kit 1.0 refuses) is not read as 1.0', () => {
    const files = {
      ...v1('drizzle'),
      '/w/drizzle/meta/_journal.json': JSON.stringify({ version: '7', dialect: 'postgresql', entries: [{ idx: 0, version: '7', when: 1, tag: '0000_init', breakpoints: true }] }),
      '/w/drizzle/0000_init.sql': INIT,
    };
    const units = discover(files);
    assert.ok(!units.some((u) => u.hints?.layout === 'folders'), units.map((u) => `${u.id} ${u.hints?.kind}`).join('\n'));
    assert.deepEqual(units.find((u) => u.id === 'sql:/w/drizzle')?.files, ['/w/drizzle/0000_init.sql']);
  });

  it('replays as drizzle-kit runs it: every migration applied, all pending ones in one transaction', () => {
    const files = v1('drizzle');
    const reader = inline(files);
    const [unit] = discover(files);
    const db = sqlFrontEnd.analyze(unit, reader, { validation: true }).databases[0];
    const fk = table(db, 'orders').foreignKeys[0];
    assert.equal(fk.migration?.applied, true);
    assert.equal(fk.migration?.allPendingInOneTransaction, true);
    assert.equal(fk.migration?.latest, true);
  });
});

describe('drizzle-kit 1.0 folders: fixes', () => {
  it('go into a new <timestamp>_<name>/migration.sql after the last folder, one statement per breakpoint, no journal', () => {
    const files = v1('db/migrations');
    const reader = inline(files);
    const [unit] = discover(files);
    const db = sqlFrontEnd.analyze(unit, reader, { validation: true }).databases[0];
    const orders = table(db, 'orders');
    const edits = sqlFrontEnd.writeFix({ kind: 'addIndex', database: db, table: orders, columns: ['account_id'] }, reader)!;
    assert.ok(edits, 'a fix');
    assert.deepEqual(edits.map((e) => e.create === true), [true], 'only a new file: no old migration, no journal');
    assert.match(edits[0].file, /^\/w\/db\/migrations\/(\d{14})_add_index_orders_account_id\/migration\.sql$/);
    assert.ok(path.basename(path.dirname(edits[0].file)) > '20250415120000_orders_account_fk', 'sorts after the last migration');
    const text = applyEdits(edits, reader).get(edits[0].file)!;
    // drizzle-kit migrates every pending migration in one transaction: no CONCURRENTLY.
    assert.equal(text, 'CREATE INDEX IF NOT EXISTS orders_account_id_idx ON orders (account_id);\n');
    // The new folder is a migration of the same history.
    const after = { ...files, [edits[0].file]: text };
    const again = discover(after);
    assert.equal(again.length, 1);
    assert.equal(again[0].files[again[0].files.length - 1], edits[0].file);
  });

  it('a second audit after --fix=unsafe is clean, and the folders deploy in order, chunk by chunk, in PGlite', async () => {
    const dir = writeFiles(Object.fromEntries(Object.entries(v1('drizzle')).map(([k, v]) => [k.slice('/w/'.length), v])));
    await cli(['audit', '.', '--format', 'json', '--fix=unsafe'], dir);
    const res = await cli(['audit', '.', '--format', 'json'], dir);
    assert.deepEqual((JSON.parse(res.stdout) as { findings: { rule: string; file: string }[] }).findings.map((f) => `${f.rule} ${f.file}`), []);
    const out = path.join(dir, 'drizzle');
    assert.ok(!fs.existsSync(path.join(out, 'meta')), 'no journal written');
    const folders = fs.readdirSync(out).sort();
    assert.ok(folders.length > 2, folders.join(', '));
    for (const f of folders) assert.match(f, /^\d{14}_[a-z0-9_]+$/);
    const db: PGliteInterface = await fresh();
    // drizzle-orm's migrator: every <folder>/migration.sql, by folder name, split at the breakpoints.
    await db.exec('BEGIN;');
    for (const folder of folders) {
      const text = fs.readFileSync(path.join(out, folder, 'migration.sql'), 'utf8');
      for (const chunk of text.split('--> statement-breakpoint')) {
        assert.ok(statementsOf(chunk).length <= 1, `${folder}: ${chunk}`);
        if (statementsOf(chunk).length) await db.exec(chunk);
      }
    }
    await db.exec('COMMIT;');
    const idx = await db.query<{ indexname: string }>(`select indexname from pg_indexes where tablename = 'orders' and indexdef like '%(account_id)%'`);
    assert.equal(idx.rows.length, 1);
  });
});
