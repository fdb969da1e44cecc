/**
 * False findings met auditing real migration folders (Supabase, Prisma, drizzle-kit, numbered), each reduced to a
 * minimal reproduction of our own. Where Postgres' behaviour decides, PGlite runs the migrations.
 */
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Database } from '../../../rules/model';
import { indexNotConcurrent } from '../../../rules/migrations/index-not-concurrent';
import { foreignKeyNotValid } from '../../../rules/migrations/foreign-key-not-valid';
import { sqlFrontEnd } from '../../../server/src/languages/sql';
import type { SourceReader } from '../../../server/src/languages/types';
import { runRule } from '../../helpers/run-rule';
import { ready, analyzeSqlFiles } from './helpers';

before(ready);

const analyzeFiles = analyzeSqlFiles;

function lines(rule: Parameters<typeof runRule>[0], db: Database): string[] {
  return runRule(rule, [db]).map((f) => `${f.loc.file.slice(f.loc.file.lastIndexOf('/') + 1)}:${f.loc.range.start.line + 1}`);
}

describe('a table created and renamed in the same migration is still new', () => {
  // Hand-written Supabase migrations create a table, rename it, then index it and add its foreign keys: the table is
  // empty and nobody else sees it before the migration commits, so neither CONCURRENTLY nor NOT VALID helps.
  const files = {
    'supabase/migrations/20240101000000_init.sql': 'create table accounts (id uuid primary key);\n',
    'supabase/migrations/20240201000000_notes.sql':
      'create table note (id uuid primary key, account_id uuid);\n' +
      'alter table note rename to notes;\n' +
      'create index notes_account_idx on notes (account_id);\n' +
      'alter table notes add constraint notes_account_fkey foreign key (account_id) references accounts (id) on delete cascade;\n' +
      'alter table notes set schema private;\n' +
      'create index notes_id_idx on private.notes (id, account_id);\n',
    'supabase/migrations/20240301000000_later.sql':
      'alter table private.notes rename to memos;\n' +
      'create index memos_account_idx on private.memos (account_id);\n',
  };

  it('reports neither index-not-concurrent nor foreign-key-not-valid on it; a later migration is reported', () => {
    const db = analyzeFiles(files);
    assert.deepEqual(lines(indexNotConcurrent, db), ['20240301000000_later.sql:2']);
    assert.deepEqual(lines(foreignKeyNotValid, db), []);
  });
});

describe('temporary tables are not part of the schema', () => {
  // Backfill migrations stage rows in a TEMP table (CREATE TEMP TABLE …, … AS SELECT, SELECT … INTO TEMP): it lives in
  // the session's pg_temp schema and is gone when the runner's session ends, so it has no primary key, foreign key,
  // string enum or leftover copy to report, and an index on it locks nobody out.
  const files = {
    'supabase/migrations/20240101000000_init.sql': "create table users (id uuid primary key, email text not null);\n",
    'supabase/migrations/20240201000000_backfill.sql':
      "create temp table import_rows (user_id uuid, email text, status text default 'pending');\n" +
      'create index import_rows_email_idx on import_rows (email);\n' +
      'create temporary table users_old as select * from users;\n' +
      'select id, email into temp users_copy from users;\n' +
      'create table users_archive (like users including all);\n',
  };

  it('the model has the permanent tables only, as Postgres keeps them after the session', async () => {
    const db = analyzeFiles(files);
    assert.deepEqual(db.tables.map((t) => t.name).sort(), ['users', 'users_archive']);
    assert.deepEqual(lines(indexNotConcurrent, db), []);
    // Postgres agrees: the temporary tables live in pg_temp, not in the schema the migrations build.
    const { PGlite } = await import('@electric-sql/pglite');
    const later = new PGlite();
    for (const f of Object.values(files)) await later.exec(f);
    const kept = await later.query<{ relname: string }>(
      "select relname from pg_class where relkind = 'r' and relpersistence = 'p' and relnamespace = 'public'::regnamespace order by 1",
    );
    await later.close();
    assert.deepEqual(kept.rows.map((r) => r.relname), ['users', 'users_archive']);
  });
});

describe('SQLite: CREATE VIRTUAL TABLE … USING fts5(…) is valid SQL that holds no keys', () => {
  // Go and Node apps on SQLite keep a full-text index of a table in a virtual table, synced by triggers. node-sql-parser
  // does not read CREATE VIRTUAL TABLE, which was reported as a syntax error. A virtual table has no primary key,
  // foreign key or index to review (SQLite refuses CREATE INDEX on one), so it is skipped like a trigger or a PRAGMA.
  const files = {
    'migrations/001_init.sql':
      'create table notes (\n  id integer primary key autoincrement,\n  title text not null,\n  body text not null\n);\n' +
      "create virtual table if not exists notes_fts using fts5(title, body, content='notes', content_rowid='id', tokenize='porter');\n" +
      'create virtual table docs_fts using fts4(title, body);\n' +
      'create trigger notes_fts_insert after insert on notes begin\n  insert into notes_fts(rowid, title, body) values (new.id, new.title, new.body);\nend;\n',
    'migrations/002_tags.sql': 'create table tags (id integer primary key, note_id integer references notes (id) on delete cascade);\n',
  };

  it('no diagnostic; the tables around it are read', async () => {
    const reader: SourceReader = { read: (p) => files[p as keyof typeof files] };
    const units = sqlFrontEnd.discover(Object.keys(files).sort(), reader);
    assert.equal(units.length, 1);
    const analysis = sqlFrontEnd.analyze(units[0], reader, { validation: true });
    assert.equal(analysis.databases[0].dialect, 'sqlite');
    assert.deepEqual(analysis.diagnostics.map((d) => d.message), []);
    assert.deepEqual(analysis.databases[0].tables.map((t) => t.name).sort(), ['notes', 'tags']);
    // SQLite agrees the statement is valid (sql.js has FTS4 built in, not FTS5: the same statement with fts4, which has no content_rowid).
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const initSqlJs = require('sql.js') as () => Promise<{ Database: new () => { exec(sql: string): unknown; close(): void } }>;
    const SQL = await initSqlJs();
    const db = new SQL.Database();
    db.exec(Object.values(files).join('\n').replace('using fts5(', 'using fts4(').replace(", content_rowid='id'", ''));
    db.close();
  });
});

describe('CREATE INDEX IF NOT EXISTS of an index the history already has builds nothing', () => {
  // "Defensive" migrations (re-aligning a history after `prisma db push`, idempotent hand-written ones) repeat
  // CREATE INDEX IF NOT EXISTS for indexes an earlier migration made. Postgres finds the name taken and only notes it:
  // no index is built, so "writes wait until the whole index is built" is not true of it.
  const files = {
    '/app/prisma/migrations/migration_lock.toml': 'provider = "postgresql"\n',
    '/app/prisma/migrations/20240101000000_init/migration.sql':
      'CREATE TABLE "projects" ("id" TEXT NOT NULL, "cover_id" TEXT, "client_id" TEXT NOT NULL, CONSTRAINT "projects_pkey" PRIMARY KEY ("id"));\n',
    '/app/prisma/migrations/20240201000000_cover/migration.sql': 'CREATE UNIQUE INDEX "projects_cover_id_key" ON "projects"("cover_id");\n',
    '/app/prisma/migrations/20240301000000_align/migration.sql':
      'CREATE UNIQUE INDEX IF NOT EXISTS "projects_cover_id_key" ON "projects"("cover_id");\n' +
      'CREATE INDEX IF NOT EXISTS "projects_client_id_idx" ON "projects"("client_id");\n',
  };

  it('only the indexes Postgres builds are reported', async () => {
    const reader: SourceReader = { read: (p) => files[p as keyof typeof files] };
    const units = sqlFrontEnd.discover(Object.keys(files).sort(), reader);
    const db = sqlFrontEnd.analyze(units[0], reader, { validation: true }).databases[0];
    assert.deepEqual(
      runRule(indexNotConcurrent, [db]).map((f) => `${f.loc.file.split('/').slice(-2).join('/')}:${f.loc.range.start.line + 1}`),
      ['20240201000000_cover/migration.sql:1', '20240301000000_align/migration.sql:2'],
    );
    // Postgres agrees: the repeated statement only notes the name is taken, and the index stays the one 20240201000000_cover built.
    const { PGlite } = await import('@electric-sql/pglite');
    const pglite = new PGlite();
    const notices: string[] = [];
    for (const f of Object.keys(files).filter((f) => f.endsWith('.sql')).sort()) {
      await pglite.exec(files[f as keyof typeof files], { onNotice: (n: { message?: string }) => notices.push(n.message ?? '') } as never);
    }
    assert.deepEqual(notices, ['relation "projects_cover_id_key" already exists, skipping']);
    await pglite.close();
  });
});

describe('a guarded ADD CONSTRAINT in a DO block adds nothing when the history already has the constraint', () => {
  // `DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conname = 'x') THEN ALTER TABLE … ADD CONSTRAINT x …`
  // (and drizzle-kit's `… EXCEPTION WHEN duplicate_object THEN null`) re-state a foreign key an earlier migration
  // added: Postgres skips the branch (or swallows the duplicate), so no scan and no lock; only a new one is reported.
  const files = {
    '/app/prisma/migrations/migration_lock.toml': 'provider = "postgresql"\n',
    '/app/prisma/migrations/20240101000000_init/migration.sql':
      'CREATE TABLE "gallery" ("id" TEXT NOT NULL, CONSTRAINT "gallery_pkey" PRIMARY KEY ("id"));\n' +
      'CREATE TABLE "projects" ("id" TEXT NOT NULL, "cover_id" TEXT, "logo_id" TEXT, CONSTRAINT "projects_pkey" PRIMARY KEY ("id"));\n',
    '/app/prisma/migrations/20240201000000_cover/migration.sql':
      'ALTER TABLE "projects" ADD CONSTRAINT "projects_cover_id_fkey" FOREIGN KEY ("cover_id") REFERENCES "gallery"("id") ON DELETE SET NULL;\n',
    '/app/prisma/migrations/20240301000000_align/migration.sql':
      "DO $$\nBEGIN\n  IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conname = 'projects_cover_id_fkey') THEN\n" +
      '    ALTER TABLE "projects" ADD CONSTRAINT "projects_cover_id_fkey" FOREIGN KEY ("cover_id") REFERENCES "gallery"("id") ON DELETE SET NULL;\n' +
      '  END IF;\nEND $$;\n' +
      'DO $$ BEGIN\n ALTER TABLE "projects" ADD CONSTRAINT "projects_cover_id_fkey" FOREIGN KEY ("cover_id") REFERENCES "gallery"("id") ON DELETE CASCADE;\n' +
      'EXCEPTION\n WHEN duplicate_object THEN null;\nEND $$;\n' +
      "DO $$\nBEGIN\n  IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conname = 'projects_logo_id_fkey') THEN\n" +
      '    ALTER TABLE "projects" ADD CONSTRAINT "projects_logo_id_fkey" FOREIGN KEY ("logo_id") REFERENCES "gallery"("id") ON DELETE SET NULL;\n' +
      '  END IF;\nEND $$;\n',
  };

  it('reports the foreign keys Postgres adds, and keeps the first definition', async () => {
    const reader: SourceReader = { read: (p) => files[p as keyof typeof files] };
    const units = sqlFrontEnd.discover(Object.keys(files).sort(), reader);
    const db = sqlFrontEnd.analyze(units[0], reader, { validation: true }).databases[0];
    assert.deepEqual(
      runRule(foreignKeyNotValid, [db]).map((f) => `${f.loc.file.split('/').slice(-2).join('/')}:${f.loc.range.start.line + 1}`),
      ['20240201000000_cover/migration.sql:1', '20240301000000_align/migration.sql:15'],
    );
    const projects = db.tables.find((t) => t.name === 'projects');
    assert.deepEqual(projects?.foreignKeys.map((f) => `${f.name} ${f.onDelete}`), ['projects_cover_id_fkey SetNull', 'projects_logo_id_fkey SetNull']);
    // Postgres agrees: one foreign key each, the cover's still SET NULL.
    const { PGlite } = await import('@electric-sql/pglite');
    const pglite = new PGlite();
    for (const f of Object.keys(files).filter((f) => f.endsWith('.sql')).sort()) await pglite.exec(files[f as keyof typeof files]);
    const fks = await pglite.query<{ conname: string; confdeltype: string }>("select conname, confdeltype from pg_constraint where contype = 'f' order by 1");
    assert.deepEqual(fks.rows.map((r) => `${r.conname} ${r.confdeltype}`), ['projects_cover_id_fkey n', 'projects_logo_id_fkey n']);
    await pglite.close();
  });
});

describe('a guarded ADD COLUMN in a DO block adds nothing when the table has the column', () => {
  // `IF NOT EXISTS (SELECT 1 FROM information_schema.columns WHERE … column_name = 'org_id') THEN ALTER TABLE … ADD
  // COLUMN org_id uuid REFERENCES …`: on a history that has org_id the branch is skipped; its inline REFERENCES added a
  // second foreign key, reported as having no ON DELETE.
  const files = {
    'supabase/migrations/20240101000000_init.sql':
      'create table public.orgs (id uuid primary key);\n' +
      'create table public.members (id uuid primary key, org_id uuid not null references public.orgs (id) on delete cascade);\n' +
      'create index members_org_idx on public.members (org_id);\n',
    'supabase/migrations/20240201000000_guarded.sql':
      "DO $$\nBEGIN\n  IF NOT EXISTS (SELECT 1 FROM information_schema.columns WHERE table_name = 'members' AND column_name = 'org_id') THEN\n" +
      '    ALTER TABLE public.members ADD COLUMN org_id uuid REFERENCES public.orgs (id);\n  END IF;\n' +
      "  IF NOT EXISTS (SELECT 1 FROM information_schema.columns WHERE table_name = 'members' AND column_name = 'invited_by') THEN\n" +
      '    ALTER TABLE public.members ADD COLUMN invited_by uuid REFERENCES public.members (id) ON DELETE SET NULL;\n  END IF;\nEND $$;\n',
  };

  it('one foreign key per column, as in Postgres', async () => {
    const db = analyzeFiles(files);
    const members = db.tables.find((t) => t.name === 'members');
    assert.deepEqual(members?.columns.map((c) => c.name), ['id', 'org_id', 'invited_by']);
    assert.deepEqual(members?.foreignKeys.map((f) => `${f.columns.join()} ${f.onDelete ?? '-'}`), ['org_id Cascade', 'invited_by SetNull']);
    const { PGlite } = await import('@electric-sql/pglite');
    const pglite = new PGlite();
    for (const f of Object.keys(files).sort()) await pglite.exec(files[f as keyof typeof files]);
    const fks = await pglite.query<{ conname: string }>("select conname from pg_constraint where contype = 'f' order by 1");
    assert.deepEqual(fks.rows.map((r) => r.conname), ['members_invited_by_fkey', 'members_org_id_fkey']);
    await pglite.close();
  });
});
