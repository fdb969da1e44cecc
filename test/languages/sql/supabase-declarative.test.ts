/**
 * Supabase declarative schemas (`supabase/schemas/*.sql`, ordered by config.toml's `[db.migrations] schema_paths`)
 * and the migrations `supabase db diff` generated from them are one database: each schema finding is reported once,
 * in the schema file (fixed there, in place), migration-safety findings stay on the migrations, and what only the
 * migrations have (drift) is reported on them. PGlite checks the fixture (the migrations build the schema's database
 * but for the drift) and the fixed schema files.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as pg from 'libpg-query';
import type { PGliteInterface } from '@electric-sql/pglite';
import { declaredSchemas, globMatch, schemaPathsFromConfig } from '../../../server/src/languages/sql/discover';
import { sqlFrontEnd } from '../../../server/src/languages/sql';
import type { SourceReader } from '../../../server/src/languages/types';
import { cli } from '../../helpers/cli';
import { REPO, copyFixture, lineOf, writeFiles } from '../../helpers/workspace';
import { FIXTURES, listFiles, memoryReader, pgliteClones, ready, runAsRunner } from './helpers';

const FIXTURE = `${FIXTURES}/supabase-declarative`;
const SCHEMA_ORDER = ['00_schemas', 'profiles', 'orgs', 'memberships', 'functions', 'invoices', 'policies'].map((n) => `supabase/schemas/${n}.sql`);

// What the Supabase platform creates before the project's schema.
const fresh = pgliteClones(async (db) => {
  await db.exec(`create schema auth; create table auth.users (id uuid primary key, raw_user_meta_data jsonb);
    create function auth.uid() returns uuid language sql stable as $$ select null::uuid $$;
    create role authenticated; create role anon;`);
});

interface JsonFinding {
  rule: string;
  file: string;
  range: { start: { line: number } };
  message: string;
}

async function audit(dir: string, ...extra: string[]): Promise<{ code: number; findings: JsonFinding[] }> {
  const res = await cli(['audit', '.', '--format', 'json', ...extra], dir);
  return { code: res.code, findings: (JSON.parse(res.stdout) as { findings: JsonFinding[] }).findings };
}

/** `file:line` of a finding (the CLI's JSON: paths as given, lines 1-based). */
const where = (dir: string, f: JsonFinding) => `${path.isAbsolute(f.file) ? path.relative(dir, f.file) : f.file}:${f.range.start.line}`;
const fixtureText = (rel: string) => fs.readFileSync(`${FIXTURE}/${rel}`, 'utf8');
const at = (rel: string, needle: string) => `${rel}:${lineOf(fixtureText(rel), needle) + 1}`;

async function constraintsAndIndexes(db: PGliteInterface): Promise<string[]> {
  const c = await db.query<{ c: string }>(
    `select conrelid::regclass::text || ' ' || pg_get_constraintdef(oid) as c from pg_constraint where connamespace = 'public'::regnamespace and contype in ('p', 'u', 'f') order by 1`,
  );
  const i = await db.query<{ c: string }>(`select pg_get_indexdef(indexrelid) as c from pg_index join pg_class t on t.oid = indrelid where t.relnamespace = 'public'::regnamespace order by 1`);
  return [...c.rows.map((r) => r.c), ...i.rows.map((r) => r.c)];
}

describe('Supabase declarative schemas: discovery', () => {
  it('the schema files and the migrations are one unit, the schema files in the order config.toml gives', async () => {
    await ready();
    const units = sqlFrontEnd.discover(listFiles(FIXTURE), memoryReader());
    assert.equal(units.length, 1, units.map((u) => u.id).join(', '));
    const rel = (f: string) => f.slice(FIXTURE.length + 1);
    assert.deepEqual((units[0].hints!.schemas as string[]).map(rel), SCHEMA_ORDER);
    assert.deepEqual(units[0].files.map(rel).slice(0, 4), fs.readdirSync(`${FIXTURE}/supabase/migrations`).sort().map((n) => `supabase/migrations/${n}`));
    assert.equal(units[0].hints!.kind, 'supabase');
  });

  it('without schema_paths: every .sql file under supabase/schemas, walked in lexicographic order', () => {
    const files = ['/p/supabase/schemas/b.sql', '/p/supabase/schemas/a/z.sql', '/p/supabase/schemas/a.sql', '/p/supabase/schemas/a/b/c.sql', '/p/supabase/seed.sql', '/p/supabase/schemas/README.md'];
    const reader: SourceReader = { read: (p) => (p === '/p/supabase/config.toml' ? 'project_id = "x"\n[db.migrations]\nenabled = true\n' : undefined) };
    // Go's filepath.Walk: a folder's entries sorted by name ("a" before "a.sql"), each folder walked where it sorts.
    assert.deepEqual(declaredSchemas('/p/supabase', files, reader), ['/p/supabase/schemas/a/b/c.sql', '/p/supabase/schemas/a/z.sql', '/p/supabase/schemas/a.sql', '/p/supabase/schemas/b.sql']);
    const units = sqlFrontEnd.discover(files, { read: () => undefined });
    assert.deepEqual(units.map((u) => [u.id, u.files.length]), [['sql:/p/supabase/migrations', 4], ['sql:/p/supabase/seed.sql', 1]]);
  });

  it('schema_paths: files, folders and globs relative to the supabase folder, each file once, where first named', () => {
    const files = ['/p/supabase/schemas/types.sql', '/p/supabase/schemas/tables/orgs.sql', '/p/supabase/schemas/tables/users.sql', '/p/supabase/schemas/views.sql', '/p/db/extra.sql', '/p/supabase/schemas/policies/rls.sql'];
    const config = `[db.migrations]\nschema_paths = [\n  "./schemas/types.sql", # first\n  './schemas/tables/users.sql',\n  "schemas/tables/*.sql",\n  "./schemas/policies",\n  "../db/*.sql",\n  "./schemas/*.sql",\n]\n`;
    const reader: SourceReader = { read: (p) => (p === '/p/supabase/config.toml' ? config : undefined) };
    assert.deepEqual(declaredSchemas('/p/supabase', files, reader), [
      '/p/supabase/schemas/types.sql',
      '/p/supabase/schemas/tables/users.sql',
      '/p/supabase/schemas/tables/orgs.sql',
      '/p/supabase/schemas/policies/rls.sql',
      '/p/db/extra.sql',
      '/p/supabase/schemas/views.sql',
    ]);
  });

  it('reads schema_paths from config.toml and nothing else; globs are Go path.Match (no **)', () => {
    const config = [
      '[api]',
      'schemas = ["public", "graphql_public"]',
      '[db]',
      'major_version = 15',
      '[db.seed]',
      "sql_paths = ['./seed.sql']",
      '[db.migrations]',
      'enabled = true # comment with ] and "quotes"',
      'schema_paths = [ # the order matters',
      '  "./schemas/a.sql",',
      "  './schemas/*.sql'",
      ']',
      '[auth]',
      'site_url = "http://127.0.0.1:3000"',
    ].join('\n');
    assert.deepEqual(schemaPathsFromConfig(config), ['./schemas/a.sql', './schemas/*.sql']);
    assert.equal(schemaPathsFromConfig('[db]\nport = 54322\n'), undefined);
    assert.deepEqual(schemaPathsFromConfig('[db]\nmigrations.schema_paths = ["x.sql"]\n'), ['x.sql']);
    // Half-typed or odd files: an answer, never a throw or a hang.
    const odd = ['[db.migrations]\nschema_paths = ["./a.sql",', '[db.migrations', 'schema_paths = [', '[[x]]\n= ]]', "\u0000\uffff[db.migrations]\nschema_paths = ['a", 'a = """x\n[db.migrations]\nschema_paths = ["b"]'];
    for (const bad of odd) {
      const r = schemaPathsFromConfig(bad);
      assert.ok(r === undefined || Array.isArray(r), bad);
    }
    assert.ok(globMatch('/p/schemas/*.sql', '/p/schemas/a.sql'));
    assert.ok(!globMatch('/p/schemas/*.sql', '/p/schemas/t/a.sql'));
    assert.ok(!globMatch('/p/schemas/**/*.sql', '/p/schemas/t/u/a.sql'));
    assert.ok(globMatch('/p/schemas/[0-9]?_*.sql', '/p/schemas/01_x.sql'));
  });
});

describe('Supabase declarative schemas: one finding per problem', () => {
  const S = (n: string) => `supabase/schemas/${n}.sql`;
  const M = (n: string) => `supabase/migrations/${n}.sql`;
  const expected = [
    `index-not-concurrent ${at(M('20250301101500_invoice_status_index'), 'CREATE INDEX')}`,
    // Drift: the migrations add a foreign key the schema does not declare.
    `foreign-key-not-valid ${at(M('20250317160000_invoice_approver'), 'alter table')}`,
    `missing-on-delete ${at(M('20250317160000_invoice_approver'), 'add constraint')}`,
    `unindexed-foreign-key ${at(M('20250317160000_invoice_approver'), 'add constraint')}`,
    // The schema's own problems, in the schema files.
    `missing-on-delete ${at(S('invoices'), 'org_id uuid not null references')}`,
    `set-null-on-not-null ${at(S('invoices'), 'created_by uuid')}`,
    `unindexed-foreign-key ${at(S('invoices'), 'created_by uuid')}`,
    `float-for-money ${at(S('invoices'), 'amount double')}`,
    `string-enum ${at(S('invoices'), "status text not null default 'draft'")}`,
    `duplicate-index ${at(S('invoices'), 'create index invoices_org_idx')}`,
    `missing-primary-key ${at(S('invoices'), 'create table public.invoice_events')}`,
    `unindexed-foreign-key ${at(S('invoices'), 'invoice_id uuid not null references')}`,
    `missing-on-delete ${at(S('memberships'), 'user_id uuid')}`,
    `unindexed-foreign-key ${at(S('memberships'), 'user_id uuid')}`,
    `string-enum ${at(S('memberships'), "role text not null default 'member'")}`,
    `json-in-string ${at(S('profiles'), 'preferences text')}`,
  ].sort();

  it('each finding once, at its place: the schema files for the schema, the migrations for migration safety and drift', async () => {
    const dir = copyFixture('test/fixtures/sql/supabase-declarative');
    const { findings } = await audit(dir);
    assert.deepEqual(findings.map((f) => `${f.rule} ${where(dir, f)}`).sort(), expected);
  });

  it('the fixture is what supabase db diff makes: the migrations build the schema files\' database, but for the drift', async () => {
    const fromSchema = await fresh();
    for (const f of SCHEMA_ORDER) await fromSchema.exec(fixtureText(f));
    const fromMigrations = await fresh();
    for (const n of fs.readdirSync(`${FIXTURE}/supabase/migrations`).sort()) await fromMigrations.exec(fixtureText(`supabase/migrations/${n}`));
    const a = await constraintsAndIndexes(fromSchema);
    const b = await constraintsAndIndexes(fromMigrations);
    assert.deepEqual(b.filter((x) => !a.includes(x)), ['invoices FOREIGN KEY (approved_by) REFERENCES profiles(id)']);
    assert.deepEqual(a.filter((x) => !b.includes(x)), []);
  });

  it('--fix=unsafe edits the schema files in place (new migrations only for the drift); they parse, run in PGlite, and the audit after is clean of them', async () => {
    const dir = copyFixture('test/fixtures/sql/supabase-declarative');
    const before = new Set(listFiles(dir));
    await audit(dir, '--fix=unsafe');
    const created = listFiles(dir).filter((f) => !before.has(f)).map((f) => f.slice(dir.length + 1));
    // Only the drift's fixes are migrations; nothing the schema declares is. The drift: the foreign key, and the index
    // invoices_org_idx once the schema no longer declares it (the migration the next `supabase db diff` would write).
    assert.ok(created.length > 0 && created.every((f) => f.startsWith('supabase/migrations/')), created.join(', '));
    const drops = created.filter((f) => /_drop_index_invoices_org_idx\.sql$/.test(f));
    assert.deepEqual(drops.map((f) => fs.readFileSync(path.join(dir, f), 'utf8').split('\n')[1]), ['DROP INDEX CONCURRENTLY IF EXISTS public.invoices_org_idx;']);
    for (const f of created.filter((x) => !drops.includes(x))) assert.match(fs.readFileSync(path.join(dir, f), 'utf8'), /invoices_approved_by_fkey/, f);
    const changed = SCHEMA_ORDER.filter((f) => fs.readFileSync(path.join(dir, f), 'utf8') !== fixtureText(f));
    assert.deepEqual(changed, [S('profiles'), S('memberships'), S('invoices')]);
    for (const f of [...changed, ...created]) assert.doesNotThrow(() => pg.parseSync(fs.readFileSync(path.join(dir, f), 'utf8')), f);
    // The fixed declarative schema builds a database in config.toml's order, with the indexes and types it now declares.
    const db = await fresh();
    for (const f of SCHEMA_ORDER) await db.exec(fs.readFileSync(path.join(dir, f), 'utf8'));
    const after = await constraintsAndIndexes(db);
    for (const index of ['memberships_user_id_idx', 'invoices_created_by_idx', 'invoice_events_invoice_id_idx']) assert.ok(after.some((x) => x.includes(`INDEX ${index} `)), index);
    assert.ok(!after.some((x) => x.includes('invoices_org_idx')), 'the redundant index is gone');
    const col = await db.query<{ data_type: string; is_nullable: string; column_name: string }>(
      `select column_name, data_type, is_nullable from information_schema.columns where table_schema = 'public' and (table_name, column_name) in (('invoices', 'amount'), ('invoices', 'created_by'), ('profiles', 'preferences')) order by 1`,
    );
    assert.deepEqual(col.rows.map((r) => `${r.column_name} ${r.data_type} ${r.is_nullable}`), ['amount numeric NO', 'created_by uuid YES', 'preferences jsonb NO']);
    const { findings } = await audit(dir);
    // What has no fix (or only display ones) is left, and nothing new.
    assert.deepEqual(findings.map((f) => `${f.rule} ${where(dir, f).split(':')[0]}`).sort(), [
      `index-not-concurrent ${M('20250301101500_invoice_status_index')}`,
      `missing-primary-key ${S('invoices')}`,
      `string-enum ${S('invoices')}`,
    ]);
  });

  it('a project with a declarative schema and no migrations yet: findings and fixes in the schema files', async () => {
    const dir = writeFiles({
      'supabase/config.toml': 'project_id = "x"\n',
      'supabase/schemas/a_teams.sql': 'create table public.teams (id bigint generated always as identity primary key, name text not null);\n',
      'supabase/schemas/b_projects.sql': 'create table public.projects (\n  id bigint generated always as identity primary key,\n  team_id bigint not null references public.teams (id) on delete cascade\n);\n',
    });
    const { findings } = await audit(dir);
    assert.deepEqual(findings.map((f) => `${f.rule} ${where(dir, f)}`), ['unindexed-foreign-key supabase/schemas/b_projects.sql:3']);
    await audit(dir, '--fix');
    assert.deepEqual(fs.readdirSync(path.join(dir, 'supabase')).sort(), ['config.toml', 'schemas']);
    const fixed = fs.readFileSync(path.join(dir, 'supabase/schemas/b_projects.sql'), 'utf8');
    assert.match(fixed, /CREATE INDEX IF NOT EXISTS projects_team_id_idx ON public\.projects \(team_id\);/);
    assert.deepEqual((await audit(dir)).findings, []);
  });
});

describe('Supabase declarative schemas: drift of columns and indexes', () => {
  // A hotfix migration adds columns and indexes supabase/schemas never got; earlier migrations rename a column and an
  // index to what the schema files call them, and build an index the schema declares under another name.
  const DRIFT = 'test/fixtures/sql/supabase-drift';
  const driftText = (rel: string) => fs.readFileSync(`${REPO}/${DRIFT}/${rel}`, 'utf8');
  const HOTFIX = 'supabase/migrations/20250301000000_hotfix.sql';
  const hotfixAt = (needle: string) => `${HOTFIX}:${lineOf(driftText(HOTFIX), needle) + 1}`;
  const schemaFiles = ['supabase/schemas/a_customers.sql', 'supabase/schemas/b_orders.sql'];
  const migrations = () => fs.readdirSync(`${REPO}/${DRIFT}/supabase/migrations`).sort().map((n) => `supabase/migrations/${n}`);

  async function columnsAndIndexes(db: PGliteInterface): Promise<{ columns: string[]; indexes: string[] }> {
    const c = await db.query<{ c: string }>(`select table_name || '.' || column_name as c from information_schema.columns where table_schema = 'public' order by 1`);
    // An index by its definition, without its name.
    const i = await db.query<{ c: string }>(
      `select regexp_replace(pg_get_indexdef(indexrelid), '^CREATE (UNIQUE )?INDEX \\S+ ', 'CREATE \\1INDEX ') as c from pg_index join pg_class t on t.oid = indrelid where t.relnamespace = 'public'::regnamespace order by 1`,
    );
    return { columns: c.rows.map((r) => r.c), indexes: i.rows.map((r) => r.c) };
  }

  it('PGlite: the migrations\' database has three columns and three indexes the schema files lack; the renamed ones are the schema\'s', async () => {
    const fromSchema = await fresh();
    for (const f of schemaFiles) await fromSchema.exec(driftText(f));
    const fromMigrations = await fresh();
    for (const f of migrations()) await fromMigrations.exec(driftText(f));
    const a = await columnsAndIndexes(fromSchema);
    const b = await columnsAndIndexes(fromMigrations);
    assert.deepEqual(b.columns.filter((x) => !a.columns.includes(x)), ['orders.referrer_id', 'orders.shipping_address_json', 'orders.total_amount']);
    assert.deepEqual(a.columns.filter((x) => !b.columns.includes(x)), []);
    const extra = [...b.indexes];
    for (const x of a.indexes) extra.splice(extra.indexOf(x), 1);
    assert.deepEqual(extra, [
      'CREATE INDEX ON public.orders USING btree (customer_id)',
      'CREATE INDEX ON public.orders USING btree (customer_id, status)',
      'CREATE INDEX ON public.orders USING btree (status)',
    ]);
  });

  it('a drift column is judged on its migration; a drift index an index of the schema makes redundant is reported there; renames are not drift', async () => {
    const dir = copyFixture(DRIFT);
    const { findings } = await audit(dir);
    assert.deepEqual(findings.filter((f) => f.rule !== 'index-not-concurrent').map((f) => `${f.rule} ${where(dir, f)}`).sort(), [
      `duplicate-index ${hotfixAt('orders_cust_dup_idx')}`,
      `float-for-money ${hotfixAt('total_amount')}`,
      `json-in-string ${hotfixAt('shipping_address_json')}`,
      `unindexed-foreign-key ${hotfixAt('referrer_id')}`,
    ]);
    const redundant = findings.find((f) => f.rule === 'duplicate-index')!;
    assert.match(redundant.message, /orders_cust_dup_idx on \(customer_id\).*orders_customer_id_idx/);
    // An index only the migrations build that nothing in the schema makes redundant is left out: orders_customer_status_idx
    // would make the schema's orders_customer_id_idx look redundant, though the next db diff drops it, not the schema's.
    assert.ok(!findings.some((f) => f.file.includes('schemas/')), findings.map((f) => where(dir, f)).join(', '));
    // The index renamed by a migration (orders_placed_idx → orders_placed_at_idx) and the column (remarks → notes) are the schema's.
    assert.ok(!findings.some((f) => /placed|notes|remarks/.test(f.message)));
  });

  it('--fix=unsafe fixes drift columns by new migrations, never in the schema files (which do not declare them); the history deploys', async () => {
    const dir = copyFixture(DRIFT);
    const before = new Set(listFiles(dir));
    await audit(dir, '--fix=unsafe');
    for (const f of schemaFiles) assert.equal(fs.readFileSync(path.join(dir, f), 'utf8'), driftText(f), f);
    const created = listFiles(dir).filter((f) => !before.has(f)).map((f) => f.slice(dir.length + 1)).sort();
    const bodies = created.map((f) => fs.readFileSync(path.join(dir, f), 'utf8'));
    assert.ok(bodies.some((b) => /CREATE INDEX CONCURRENTLY IF NOT EXISTS orders_referrer_id_idx ON public\.orders \(referrer_id\);/.test(b)), bodies.join('\n'));
    assert.ok(bodies.some((b) => /ALTER COLUMN total_amount TYPE numeric/.test(b)));
    assert.ok(bodies.some((b) => /ALTER COLUMN shipping_address_json TYPE jsonb/.test(b)));
    assert.ok(bodies.some((b) => /DROP INDEX CONCURRENTLY IF EXISTS public\.orders_cust_dup_idx;/.test(b)));
    const db = await fresh();
    for (const f of listFiles(path.join(dir, 'supabase/migrations')).sort()) await runAsRunner(db, fs.readFileSync(f, 'utf8'));
    const after = await columnsAndIndexes(db);
    assert.ok(after.indexes.includes('CREATE INDEX ON public.orders USING btree (referrer_id)'));
    assert.equal(after.indexes.filter((x) => x === 'CREATE INDEX ON public.orders USING btree (customer_id)').length, 1);
    const remaining = (await audit(dir)).findings.filter((f) => f.rule !== 'index-not-concurrent');
    assert.deepEqual(remaining.map((f) => `${f.rule} ${where(dir, f)}`), []);
  });
});

describe('Supabase declarative schemas: enums the migrations renamed', () => {
  // The migrations created appointment_status and renamed it to the schema's appointment_state: the merged database
  // had both (the history's under its old name, without the value added after the rename).
  const files: Record<string, string> = {
    '/w/supabase/schemas/00_types.sql': "create type public.appointment_state as enum ('requested', 'confirmed', 'done', 'no_show');\n",
    '/w/supabase/schemas/appointments.sql': "create table public.appointments (\n  id uuid primary key default gen_random_uuid(),\n  state appointment_state not null default 'requested'\n);\n",
    '/w/supabase/migrations/20250101000000_init.sql':
      'create type "public"."appointment_status" as enum (\'requested\', \'confirmed\', \'done\');\n\n' +
      'create table "public"."appointments" (\n    "id" uuid not null default gen_random_uuid(),\n    "state" appointment_status not null default \'requested\'::appointment_status\n);\n\n' +
      'CREATE UNIQUE INDEX appointments_pkey ON public.appointments USING btree (id);\n\n' +
      'alter table "public"."appointments" add constraint "appointments_pkey" PRIMARY KEY using index "appointments_pkey";\n',
    '/w/supabase/migrations/20250201000000_states.sql': 'alter type "public"."appointment_status" rename to "appointment_state";\n\nalter type "public"."appointment_state" add value \'no_show\';\n',
  };

  it('the database has the schema\'s enum once, with PGlite\'s values after the migrations', async () => {
    await ready();
    const reader: SourceReader = { read: (p) => files[p] };
    const units = sqlFrontEnd.discover(Object.keys(files).sort(), reader);
    assert.equal(units.length, 1);
    const db = sqlFrontEnd.analyze(units[0], reader, { validation: true }).databases[0];
    const pgdb = await fresh();
    for (const f of Object.keys(files).filter((x) => x.includes('/migrations/')).sort()) await runAsRunner(pgdb, files[f]);
    const r = await pgdb.query<{ x: string }>(`select t.typname || ': ' || string_agg(e.enumlabel, ',' order by e.enumsortorder) as x from pg_type t join pg_enum e on e.enumtypid = t.oid group by t.typname order by 1`);
    assert.deepEqual(db.enums.map((e) => `${e.name}: ${e.values.join(',')}`), r.rows.map((x) => x.x));
    assert.deepEqual(db.enums.map((e) => e.name), ['appointment_state']);
    assert.equal(db.tables.find((t) => t.name === 'appointments')!.columns.find((c) => c.name === 'state')!.type, 'enum');
  });
});
