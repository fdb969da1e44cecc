/**
 * SQL front-end bugs found by exploratory testing (dumps, DO blocks, runners, fixes), each with the
 * repro that failed. Fixed SQL is run in PGlite after the migrations it follows.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { PGliteInterface } from '@electric-sql/pglite';
import * as pg from 'libpg-query';
import { Parser } from 'node-sql-parser';
import type { Database } from '../../../rules/model';
import type { FixIntent } from '../../../rules/types';
import { isCovered } from '../../../rules/types';
import { indexNotConcurrent } from '../../../rules/migrations/index-not-concurrent';
import { cli } from '../../helpers/cli';
import { sqlFrontEnd } from '../../../server/src/languages/sql';
import { splitStatements } from '../../../server/src/languages/sql/lexer';
import { makeObjectName } from '../../../server/src/languages/sql/names';
import type { Analysis, SourceReader } from '../../../server/src/languages/types';
import { writeFiles } from '../../helpers/workspace';
import { applyEdits, pgliteClones, runAsRunner, statementsOf, table } from './helpers';

const fresh = pgliteClones();

function inline(files: Record<string, string>): SourceReader {
  return { read: (p) => files[p] };
}

/** Discovers and analyses in-memory files (one unit expected). */
function analyzeFiles(files: Record<string, string>, dialect?: 'postgresql' | 'mysql' | 'sqlite'): { analysis: Analysis; db: Database; reader: SourceReader } {
  const reader = inline(files);
  const units = sqlFrontEnd.discover(Object.keys(files).filter((f) => f.endsWith('.sql')).sort(), reader);
  assert.equal(units.length, 1, `one unit: ${units.map((u) => u.id).join(', ')}`);
  const analysis = sqlFrontEnd.analyze(units[0], reader, { validation: true, ...(dialect ? { dialect } : {}) });
  return { analysis, db: analysis.databases[0], reader };
}

interface JsonFinding {
  rule: string;
  file: string;
  range: { start: { line: number } };
  message: string;
  fixes: { title: string; safety: string }[];
}

async function audit(dir: string, ...extra: string[]): Promise<{ code: number; findings: JsonFinding[] }> {
  const res = await cli(['audit', '.', '--format', 'json', ...extra], dir);
  return { code: res.code, findings: (JSON.parse(res.stdout) as { findings: JsonFinding[] }).findings };
}

/** The statements of a file as psql runs them: without its `\` meta-command lines. */
function withoutMetaCommands(text: string): string {
  return text
    .split('\n')
    .filter((l) => !l.startsWith('\\'))
    .join('\n');
}

/** Foreign keys Postgres has that no valid, non-partial index leads with. */
async function unindexed(db: PGliteInterface): Promise<string[]> {
  const r = await db.query<{ t: string; conname: string }>(`
    select c.conrelid::regclass::text as t, c.conname from pg_constraint c where c.contype = 'f' and not exists (
      select 1 from pg_index i where i.indrelid = c.conrelid and i.indisvalid and i.indpred is null
        and (i.indkey::int2[])[0:array_length(c.conkey, 1) - 1] @> c.conkey and (i.indkey::int2[])[0:array_length(c.conkey, 1) - 1] <@ c.conkey)
    order by 1, 2`);
  return r.rows.map((x) => `${x.t}.${x.conname}`);
}

describe('bug 1: pg_dump COPY … FROM stdin data is skipped whatever the column count', () => {
  const cols = Array.from({ length: 12 }, (_, i) => `c${i}`);
  const dump = [
    `CREATE TABLE public.a (${cols.map((c) => `${c} text`).join(', ')}, id integer NOT NULL);`,
    'CREATE TABLE public.b (id integer NOT NULL, a_id integer);',
    `COPY public.a (${cols.join(', ')}) FROM stdin;`,
    cols.map(() => "it's").join('\t'),
    '\\.',
    '',
    'COPY public.b (id, a_id) FROM stdin WITH (FORMAT csv, HEADER false);',
    '1,2',
    '\\.not-the-end,x',
    '\\.',
    '',
    'ALTER TABLE ONLY public.a ADD CONSTRAINT a_pkey PRIMARY KEY (id);',
    'ALTER TABLE ONLY public.b ADD CONSTRAINT b_pkey PRIMARY KEY (id);',
    'ALTER TABLE ONLY public.b ADD CONSTRAINT b_a_fk FOREIGN KEY (a_id) REFERENCES public.a(id) ON DELETE CASCADE;',
    '',
  ].join('\n');

  it('splits the statements around the data of a wide table and of COPY … WITH (…)', () => {
    const parts = splitStatements(dump, 'postgresql').map((s) => dump.slice(s.start, s.end).split(' ').slice(0, 4).join(' '));
    assert.deepEqual(parts, [
      'CREATE TABLE public.a (c0',
      'CREATE TABLE public.b (id',
      'COPY public.a (c0, c1,',
      'COPY public.b (id, a_id)',
      'ALTER TABLE ONLY public.a',
      'ALTER TABLE ONLY public.b',
      'ALTER TABLE ONLY public.b',
    ]);
    const query = 'COPY (SELECT id FROM a) TO stdout;\ncreate table z (id int);';
    assert.equal(splitStatements(query, 'postgresql').length, 2, 'COPY … TO stdout has no data block');
  });

  it('reviews the dump: no syntax error, primary keys found, the unindexed FK reported', () => {
    const { analysis, db } = analyzeFiles({ '/w/dump.sql': dump });
    assert.deepEqual(analysis.diagnostics, []);
    assert.deepEqual(table(db, 'a').primaryKey?.columns, ['id']);
    assert.deepEqual(table(db, 'b').primaryKey?.columns, ['id']);
    assert.deepEqual(table(db, 'b').foreignKeys.map((f) => f.name), ['b_a_fk']);
  });
});

describe('bug 10: mysqldump DELIMITER ;; … triggers and routines … DELIMITER ;', () => {
  const dump = [
    'CREATE TABLE `t` (`id` int NOT NULL AUTO_INCREMENT, `status` varchar(20) NOT NULL, `u_id` int, PRIMARY KEY (`id`)) ENGINE=InnoDB;',
    '',
    'DELIMITER ;;',
    'CREATE TRIGGER `trg` BEFORE INSERT ON `t` FOR EACH ROW BEGIN',
    "  SET NEW.status = 'new';",
    'END ;;',
    'CREATE DEFINER=`root`@`localhost` PROCEDURE `p`(IN x INT)',
    'BEGIN',
    '  UPDATE t SET status = x;',
    '  SELECT 1;',
    'END ;;',
    "CREATE DEFINER='root'@'%' FUNCTION `f`() RETURNS int DETERMINISTIC",
    'BEGIN',
    '  RETURN 1;',
    'END ;;',
    '/*!50003 CREATE*/ /*!50017 DEFINER=`root`@`localhost`*/ /*!50003 TRIGGER `trg2` AFTER UPDATE ON `t` FOR EACH ROW BEGIN',
    '  SET @x = 1;',
    'END */;;',
    'DELIMITER ;',
    'CREATE TABLE `u` (`id` int NOT NULL, PRIMARY KEY (`id`)) ENGINE=InnoDB;',
    'ALTER TABLE `t` ADD CONSTRAINT `t_u` FOREIGN KEY (`u_id`) REFERENCES `u` (`id`);',
    '',
  ].join('\n');

  it('honours DELIMITER and skips the bodies without a diagnostic; the statements after them are reviewed', () => {
    const { analysis, db } = analyzeFiles({ '/w/schema.sql': dump }, 'mysql');
    assert.deepEqual(analysis.diagnostics, []);
    assert.deepEqual(db.tables.map((t) => t.name), ['t', 'u']);
    assert.deepEqual(table(db, 't').foreignKeys.map((f) => f.name), ['t_u']);
  });

  it('a schema statement that does not parse is still an error', () => {
    const { analysis } = analyzeFiles({ '/w/schema.sql': 'DELIMITER ;;\nCREATE TABLE `x` (id int NOT NULL PRIMARY KEY;;\nDELIMITER ;\n' }, 'mysql');
    assert.deepEqual(analysis.diagnostics.map((d) => [d.code, d.severity]), [['sql-syntax', 'error']]);
  });
});

describe('lesser: valid SQLite is not called unparsable', () => {
  it('PRAGMA (Prisma SQLite RedefineTables migrations) gets no message; a trigger body is one statement', () => {
    const migration = [
      'PRAGMA defer_foreign_keys=ON;',
      'PRAGMA foreign_keys=OFF;',
      'CREATE TABLE "new_Post" ("id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT, "title" TEXT NOT NULL);',
      'INSERT INTO "new_Post" ("id", "title") SELECT "id", "title" FROM "Post";',
      'DROP TABLE "Post";',
      'ALTER TABLE "new_Post" RENAME TO "Post";',
      'PRAGMA foreign_keys=ON;',
      'PRAGMA defer_foreign_keys=OFF;',
      'CREATE TRIGGER "post_touch" AFTER UPDATE ON "Post" BEGIN',
      '  UPDATE "Post" SET "title" = CASE WHEN NEW."title" = \'\' THEN \'untitled\' ELSE NEW."title" END WHERE "id" = NEW."id";',
      '  UPDATE "Post" SET "title" = "title";',
      'END;',
      'CREATE TABLE "Tag" ("id" INTEGER NOT NULL PRIMARY KEY);',
      '',
    ].join('\n');
    const parts = splitStatements(migration, 'sqlite').map((s) => migration.slice(s.start, s.end).split('\n')[0]);
    assert.equal(parts.length, 10);
    assert.equal(parts[8], 'CREATE TRIGGER "post_touch" AFTER UPDATE ON "Post" BEGIN');
    const { analysis, db } = analyzeFiles({ '/w/prisma/migrations/20240101000000_x/migration.sql': migration, '/w/prisma/migrations/migration_lock.toml': 'provider = "sqlite"\n' });
    assert.deepEqual(analysis.diagnostics, []);
    assert.deepEqual(db.tables.map((t) => t.name).sort(), ['Post', 'Tag']);
  });
});

describe('bug 2: schema statements inside DO $$ … IF NOT EXISTS (…) THEN … END IF; … $$ are replayed', () => {
  const files = {
    '/w/supabase/migrations/20240101000000_init.sql': 'create table public.teams (id bigint primary key);\ncreate table public.members (id bigint primary key, team_id bigint not null, org_id bigint);\ncreate table public.orgs (id bigint primary key);\n',
    '/w/supabase/migrations/20240102000000_fk.sql': [
      'do $$',
      'begin',
      "  if not exists (select 1 from pg_constraint where conname = 'members_team_id_fkey') then",
      '    alter table public.members add constraint members_team_id_fkey foreign key (team_id) references public.teams(id);',
      '  end if;',
      '  if exists (select 1 from pg_roles where rolname = current_user) then',
      '    raise notice $q$x; y$q$;',
      '  else',
      '    alter table public.members add constraint members_never foreign key (org_id) references public.orgs(id);',
      '  end if;',
      '  begin',
      '    alter table public.members add constraint members_org_id_fkey foreign key (org_id) references public.orgs(id) on delete cascade;',
      '  exception when duplicate_object then',
      '    alter table public.members drop constraint members_org_id_fkey;',
      '  end;',
      "  execute format('comment on table public.members is %L', 'dynamic SQL is not replayed');",
      'end',
      '$$;',
      '',
    ].join('\n'),
  };

  it('replays the THEN branch and nested blocks (not ELSE, exception handlers or dynamic SQL), with exact ranges', () => {
    const { analysis, db } = analyzeFiles(files);
    assert.deepEqual(analysis.diagnostics, []);
    const members = table(db, 'members');
    assert.deepEqual(members.foreignKeys.map((f) => f.name), ['members_team_id_fkey', 'members_org_id_fkey']);
    const text = files['/w/supabase/migrations/20240102000000_fk.sql'];
    const fk = db.statements!.find((s) => s.kind === 'addForeignKey' && s.columns?.[0] === 'team_id')!;
    const r = fk.loc.range;
    assert.equal(text.split('\n')[r.start.line].slice(r.start.character, r.end.character), 'alter table public.members add constraint members_team_id_fkey foreign key (team_id) references public.teams(id)');
    assert.equal(fk.inExplicitTransaction, true, 'a DO block is one transaction');
    assert.equal(fk.doBlock?.range.start.line, 0);
  });

  it('the findings Postgres agrees with: no missing-foreign-key, the FK is unindexed, has no ON DELETE and no NOT VALID', async () => {
    const dir = writeFiles(Object.fromEntries(Object.entries(files).map(([k, v]) => [k.slice(3), v])));
    const { findings } = await audit(dir);
    const rules = findings.map((f) => `${f.rule}:${f.range.start.line}`).sort();
    assert.deepEqual(rules, ['foreign-key-not-valid:12', 'foreign-key-not-valid:4', 'missing-on-delete:4', 'unindexed-foreign-key:12', 'unindexed-foreign-key:4']);
    const db = await fresh();
    for (const f of Object.keys(files).sort()) await db.exec(files[f as keyof typeof files]);
    assert.deepEqual(await unindexed(db), ['members.members_org_id_fkey', 'members.members_team_id_fkey']);
  });
});

describe('bug 3: in-place fixes of a pg_dump that empties search_path', () => {
  const dump = [
    '\\restrict abc123',
    'SET statement_timeout = 0;',
    "SELECT pg_catalog.set_config('search_path', '', false);",
    'CREATE TABLE public.users (id bigint NOT NULL, role text);',
    'CREATE TABLE public.posts (id bigint NOT NULL, user_id bigint NOT NULL);',
    'CREATE TABLE public.likes (id bigint NOT NULL, post_id bigint NOT NULL);',
    'CREATE INDEX likes_dup_a ON public.likes USING btree (id);',
    'CREATE INDEX likes_dup_b ON public.likes USING btree (id);',
    'ALTER TABLE ONLY public.users ADD CONSTRAINT users_pkey PRIMARY KEY (id);',
    'ALTER TABLE ONLY public.posts ADD CONSTRAINT posts_pkey PRIMARY KEY (id);',
    'ALTER TABLE ONLY public.likes ADD CONSTRAINT likes_pkey PRIMARY KEY (id);',
    'ALTER TABLE ONLY public.posts',
    '    ADD CONSTRAINT posts_user_id_fkey FOREIGN KEY (user_id) REFERENCES public.users(id) ON DELETE CASCADE;',
    'ALTER TABLE ONLY public.likes',
    '    ADD CONSTRAINT likes_post_id_fkey FOREIGN KEY (post_id) REFERENCES public.posts(id);',
    '',
    '\\unrestrict abc123',
    '',
  ].join('\n');

  it('--fix names tables with their schema, keeps \\unrestrict last, and the fixed dump runs', async () => {
    const dir = writeFiles({ 'dump.sql': dump });
    await audit(dir, '--fix');
    const fixed = fs.readFileSync(path.join(dir, 'dump.sql'), 'utf8');
    assert.match(fixed, /CREATE INDEX IF NOT EXISTS posts_user_id_idx ON public\.posts \(user_id\);/);
    assert.match(fixed, /CREATE INDEX IF NOT EXISTS likes_post_id_idx ON public\.likes \(post_id\);/);
    assert.ok(fixed.trimEnd().endsWith('\n\\unrestrict abc123'), fixed);
    const db = await fresh();
    await db.exec(withoutMetaCommands(fixed));
    assert.deepEqual(await unindexed(db), []);
  });

  it('every in-place fix that names a table, a type or an index names it the way the dump does, and runs', async () => {
    let text = dump;
    const file = '/w/dump.sql';
    const reader = (): SourceReader => ({ read: (p) => (p === file ? text : undefined) });
    const model = (): Database => analyzeFiles({ [file]: text }).db;
    const steps: ((m: Database) => FixIntent)[] = [
      (m) => ({ kind: 'setOnDelete', database: m, table: table(m, 'likes'), foreignKey: table(m, 'likes').foreignKeys[0], action: 'Cascade' }),
      (m) => ({ kind: 'createEnum', database: m, table: table(m, 'users'), column: table(m, 'users').columns.find((c) => c.name === 'role')!, values: ['admin', 'member'] }),
      (m) => ({ kind: 'addForeignKey', database: m, table: table(m, 'likes'), columns: ['id'], references: { table: 'users', columns: ['id'] } }),
      (m) => ({ kind: 'dropIndex', database: m, table: table(m, 'likes'), index: table(m, 'likes').indexes.find((i) => i.name === 'likes_dup_b')! }),
      (m) => ({ kind: 'addNotValid', database: m, statement: m.statements!.find((s) => s.kind === 'addForeignKey' && s.table === 'posts')! }),
    ];
    for (const step of steps) {
      const intent = step(model());
      const edits = sqlFrontEnd.writeFix(intent, reader());
      assert.ok(edits, intent.kind);
      text = applyEdits(edits, reader()).get(file)!;
      assert.doesNotThrow(() => pg.parseSync(withoutMetaCommands(text)), `${intent.kind}:\n${text}`);
    }
    assert.match(text, /CREATE TYPE public\.users_role AS ENUM/);
    assert.match(text, /ALTER TABLE public\.likes ADD CONSTRAINT likes_id_fkey FOREIGN KEY \(id\) REFERENCES public\.users \(id\);/);
    assert.match(text, /ALTER TABLE public\.posts VALIDATE CONSTRAINT posts_user_id_fkey;/);
    assert.ok(text.trimEnd().endsWith('\n\\unrestrict abc123'), text);
    const db = await fresh();
    await db.exec(withoutMetaCommands(text));
    const fks = await db.query<{ conname: string; del: string }>(`select conname, confdeltype as del from pg_constraint where contype = 'f' order by 1`);
    assert.deepEqual(fks.rows.map((r) => `${r.conname}:${r.del}`), ['likes_id_fkey:a', 'likes_post_id_fkey:c', 'posts_user_id_fkey:c']);
  });
});

describe('bug 5: one --fix run adds every in-place index (each at a point of its own)', () => {
  it('a lone schema with 15 unindexed foreign keys, and a table with three', async () => {
    const lines = ['CREATE TABLE p (id bigint PRIMARY KEY);'];
    for (let i = 0; i < 15; i++) lines.push(`CREATE TABLE c${i} (id bigint PRIMARY KEY, p_id bigint REFERENCES p(id) ON DELETE CASCADE);`);
    lines.push('CREATE TABLE three (', '  id bigint PRIMARY KEY,', '  a bigint REFERENCES p ON DELETE CASCADE,', '  b bigint REFERENCES p ON DELETE CASCADE,', '  c bigint REFERENCES p ON DELETE CASCADE', ');');
    lines.push('CREATE TABLE last (id bigint PRIMARY KEY, p_id bigint REFERENCES p(id) ON DELETE CASCADE)');
    const dir = writeFiles({ 'schema.sql': lines.join('\n') + '\n' });
    const res = await cli(['audit', '.', '--fix', '--format', 'json'], dir);
    assert.deepEqual((JSON.parse(res.stdout) as { findings: JsonFinding[] }).findings, []);
    const fixed = fs.readFileSync(path.join(dir, 'schema.sql'), 'utf8');
    assert.equal(fixed.match(/CREATE INDEX IF NOT EXISTS/g)?.length, 19, fixed);
    const db = await fresh();
    await db.exec(fixed);
    assert.deepEqual(await unindexed(db), []);
  });
});

describe('bug 5 (foreign keys): one --fix=unsafe run adds every missing foreign key of a lone schema', () => {
  it('each ALTER TABLE … ADD CONSTRAINT goes after its table and the referenced key; all run', async () => {
    const lines = ['CREATE TABLE accounts (id bigint PRIMARY KEY);'];
    for (let i = 0; i < 12; i++) lines.push(`CREATE TABLE t${i} (id bigint PRIMARY KEY, account_id bigint NOT NULL);`);
    lines.push('CREATE TABLE late_child (id bigint PRIMARY KEY, late_parent_id bigint);', 'CREATE TABLE late_parent (id bigint PRIMARY KEY);');
    const dir = writeFiles({ 'schema.sql': lines.join('\n') + '\n' });
    const { findings } = await audit(dir, '--fix=unsafe');
    assert.deepEqual(findings.map((f) => f.rule), []);
    const fixed = fs.readFileSync(path.join(dir, 'schema.sql'), 'utf8');
    assert.equal(fixed.match(/ADD CONSTRAINT/g)?.length, 13, fixed);
    const db = await fresh();
    await db.exec(fixed);
    const fks = await db.query<{ n: number }>(`select count(*)::int as n from pg_constraint where contype = 'f'`);
    assert.deepEqual(fks.rows, [{ n: 13 }]);
    assert.deepEqual(await unindexed(db), []);
  });
});

describe('bug 4: the index fix takes a free name when the usual one is in use', () => {
  it('a partial index holds <table>_<column>_idx: the new index is <…>_idx1, one migration, and it covers the FK', async () => {
    const dir = writeFiles({
      'db/migrations/001_init.sql': 'CREATE TABLE authors (id bigserial PRIMARY KEY, name text);\nCREATE TABLE books (id bigserial PRIMARY KEY, author_id bigint REFERENCES authors(id) ON DELETE CASCADE, deleted_at timestamptz);\nCREATE INDEX books_author_id_idx ON books (author_id) WHERE deleted_at IS NULL;\n',
      'db/migrations/002_x.sql': 'ALTER TABLE books ADD COLUMN title text;\n',
    });
    const { findings } = await audit(dir, '--fix');
    assert.deepEqual(findings.map((f) => f.rule), []);
    const files = fs.readdirSync(path.join(dir, 'db/migrations')).sort();
    assert.deepEqual(files, ['001_init.sql', '002_x.sql', '003_add_index_books_author_id.sql']);
    const added = fs.readFileSync(path.join(dir, 'db/migrations', files[2]), 'utf8');
    assert.match(added, /CREATE INDEX CONCURRENTLY IF NOT EXISTS books_author_id_idx1 ON books \(author_id\);/);
    const db = await fresh();
    for (const f of files) await db.exec(fs.readFileSync(path.join(dir, 'db/migrations', f), 'utf8'));
    assert.deepEqual(await unindexed(db), []);
  });
});

describe("bug 8: default constraint names are the ones Postgres chooses", () => {
  const init = [
    'CREATE TABLE organization_members (id bigint PRIMARY KEY);',
    'CREATE TABLE organization_membership_invitations (',
    '  id bigint PRIMARY KEY,',
    '  invited_by_organization_member_id bigint REFERENCES organization_members(id)',
    ');',
    'CREATE TABLE "Foo" (id bigint PRIMARY KEY, "barId" bigint REFERENCES "Foo"(id));',
    'CREATE TABLE t1 (id bigint PRIMARY KEY, p bigint REFERENCES t1);',
    'CREATE TABLE t2 (id bigint PRIMARY KEY, p bigint, FOREIGN KEY (p) REFERENCES t1, CONSTRAINT t2_p_fkey CHECK (p > 0));',
    'CREATE TABLE t3 (id bigint PRIMARY KEY, p bigint REFERENCES t1, q bigint REFERENCES t1, CHECK (q > 0));',
    'ALTER TABLE t3 ADD FOREIGN KEY (p) REFERENCES t2;',
    'CREATE TABLE "Ünïcødé_ťäblé_with_a_very_long_name_that_goes_past_the_limit" (id bigint PRIMARY KEY, "ōwner_id" bigint REFERENCES t1);',
    'CREATE INDEX ON organization_membership_invitations (invited_by_organization_member_id);',
    'CREATE INDEX ON t2 (p);',
    'CREATE INDEX ON t2 (p);',
    '',
  ].join('\n');

  it('63-byte truncation and a number on collision, for foreign keys, checks and indexes (pg_constraint and pg_class agree)', async () => {
    const { db } = analyzeFiles({ '/w/migrations/001_init.sql': init, '/w/migrations/002_x.sql': 'ALTER TABLE t1 ADD COLUMN z int;\n' });
    const ours = db.tables.flatMap((t) => t.foreignKeys.map((f) => `${t.name}.${f.name}`)).sort();
    const oursIdx = db.tables.flatMap((t) => [t.primaryKey!, ...t.indexes].map((i) => i.name)).sort();
    const pgdb = await fresh();
    await pgdb.exec(init);
    const fks = await pgdb.query<{ t: string; conname: string }>(`select c.relname as t, k.conname from pg_constraint k join pg_class c on c.oid = k.conrelid where k.contype = 'f'`);
    assert.deepEqual(ours, fks.rows.map((r) => `${r.t}.${r.conname}`).sort());
    const idx = await pgdb.query<{ name: string }>(`select i.relname as name from pg_index x join pg_class i on i.oid = x.indexrelid join pg_namespace n on n.oid = i.relnamespace where n.nspname = 'public'`);
    assert.deepEqual(oursIdx, idx.rows.map((r) => r.name).sort());
    assert.ok(ours.includes('organization_membership_invitations.organization_membership_invit_invited_by_organization_memb_fkey'));
    assert.ok(ours.includes('t2.t2_p_fkey1'), 'a CHECK holds t2_p_fkey');
  });

  it('--fix=unsafe recreates each foreign key by its real name: one migration pair per FK, all run, every FK gets its action', async () => {
    const dir = writeFiles({ 'supabase/migrations/20240101000000_init.sql': init, 'supabase/migrations/20240102000000_x.sql': 'ALTER TABLE t1 ADD COLUMN z int;\n' });
    const { findings } = await audit(dir, '--fix=unsafe');
    assert.deepEqual(findings.filter((f) => f.rule === 'missing-on-delete'), []);
    const mdir = path.join(dir, 'supabase/migrations');
    const files = fs.readdirSync(mdir).sort();
    const db = await fresh();
    for (const f of files) await db.exec(fs.readFileSync(path.join(mdir, f), 'utf8'));
    const fks = await db.query<{ conname: string; del: string }>(`select conname, confdeltype as del from pg_constraint where contype = 'f' order by 1`);
    assert.ok(fks.rows.length >= 7);
    for (const r of fks.rows) assert.notEqual(r.del, 'a', `${r.conname} has an ON DELETE action`);
    const checks = await db.query<{ conname: string }>(`select conname from pg_constraint where contype = 'c' and conrelid <> 0 order by 1`);
    assert.deepEqual(checks.rows.map((r) => r.conname), ['t2_p_fkey', 't3_q_check'], 'no CHECK constraint was dropped');
  });
});

describe('bug 6: NOT VALID + VALIDATE where the runner wraps a migration in one transaction', () => {
  const lock = 'provider = "postgresql"\n';
  const init = 'CREATE TABLE "User" ("id" SERIAL NOT NULL, "email" TEXT NOT NULL, CONSTRAINT "User_pkey" PRIMARY KEY ("id"));\nCREATE TABLE "Org" ("id" SERIAL NOT NULL, CONSTRAINT "Org_pkey" PRIMARY KEY ("id"));\n';

  /** Runs a Prisma history as Prisma migrate does: each migration.sql in one simple-query batch (one transaction). */
  async function deployPrisma(dir: string): Promise<PGliteInterface> {
    const mdir = path.join(dir, 'prisma/migrations');
    const db = await fresh();
    for (const m of fs.readdirSync(mdir).filter((f) => /^\d/.test(f)).sort()) await db.exec(fs.readFileSync(path.join(mdir, m, 'migration.sql'), 'utf8'));
    return db;
  }

  it('the fix adds NOT VALID in place and VALIDATE CONSTRAINT in a new migration (Prisma), which deploys', async () => {
    const dir = writeFiles({
      'prisma/migrations/migration_lock.toml': lock,
      'prisma/migrations/20240101000000_init/migration.sql': init,
      'prisma/migrations/20240201000000_add/migration.sql':
        'ALTER TABLE "User" ADD COLUMN "orgId" INTEGER;\nCREATE INDEX "User_orgId_idx" ON "User"("orgId");\nALTER TABLE "User" ADD CONSTRAINT "User_orgId_fkey" FOREIGN KEY ("orgId") REFERENCES "Org"("id") ON DELETE SET NULL ON UPDATE CASCADE;\n',
    });
    const { findings } = await audit(dir, '--fix=unsafe');
    // The CREATE INDEX of that migration (on a table that existed) moved, CONCURRENTLY, into a migration of its own.
    assert.deepEqual(findings.map((f) => f.rule), []);
    const mdir = path.join(dir, 'prisma/migrations');
    const dirs = fs.readdirSync(mdir).filter((f) => /^\d/.test(f)).sort();
    assert.equal(dirs.length, 4);
    const sqlOf = (d: string) => fs.readFileSync(path.join(mdir, d, 'migration.sql'), 'utf8').split('\n').filter((l) => l && !l.startsWith('--')).join('\n');
    assert.match(fs.readFileSync(path.join(mdir, dirs[1], 'migration.sql'), 'utf8'), /ON UPDATE CASCADE NOT VALID;\n$/);
    assert.doesNotMatch(sqlOf(dirs[1]), /CREATE INDEX/);
    const validate = dirs.find((d) => /_validate_user_orgid$/.test(d))!;
    assert.ok(validate, dirs.join(', '));
    assert.equal(sqlOf(validate), 'ALTER TABLE "User" VALIDATE CONSTRAINT "User_orgId_fkey";');
    const index = dirs.find((d) => d !== validate && d !== dirs[0] && d !== dirs[1])!;
    assert.equal(sqlOf(index), 'CREATE INDEX CONCURRENTLY "User_orgId_idx" ON "User"("orgId");');
    const db = await deployPrisma(dir);
    const v = await db.query<{ convalidated: boolean }>(`select convalidated from pg_constraint where conname = 'User_orgId_fkey'`);
    assert.deepEqual(v.rows, [{ convalidated: true }]);
  });

  it("a user's own NOT VALID + VALIDATE in one Prisma migration is reported, and the fix moves VALIDATE out", async () => {
    const dir = writeFiles({
      'prisma/migrations/migration_lock.toml': lock,
      'prisma/migrations/20240101000000_init/migration.sql': 'CREATE TABLE "Org" ("id" SERIAL PRIMARY KEY);\nCREATE TABLE "User" ("id" SERIAL PRIMARY KEY, "orgId" INTEGER);\nCREATE INDEX "User_orgId_idx" ON "User"("orgId");\n',
      'prisma/migrations/20240201000000_fk/migration.sql':
        'ALTER TABLE "User" ADD CONSTRAINT "User_orgId_fkey" FOREIGN KEY ("orgId") REFERENCES "Org"("id") ON DELETE SET NULL NOT VALID;\nALTER TABLE "User" VALIDATE CONSTRAINT "User_orgId_fkey";\n',
    });
    const before = await audit(dir);
    assert.deepEqual(before.findings.map((f) => [f.rule, f.range.start.line]), [['foreign-key-not-valid', 2]]);
    assert.match(before.findings[0].message, /this migration runs as one transaction/);
    const after = await audit(dir, '--fix=unsafe');
    assert.deepEqual(after.findings, []);
    const mdir = path.join(dir, 'prisma/migrations');
    const dirs = fs.readdirSync(mdir).filter((f) => /^\d/.test(f)).sort();
    assert.equal(dirs.length, 3);
    assert.doesNotMatch(fs.readFileSync(path.join(mdir, dirs[1], 'migration.sql'), 'utf8'), /VALIDATE/);
    const db = await deployPrisma(dir);
    const v = await db.query<{ convalidated: boolean }>(`select convalidated from pg_constraint where conname = 'User_orgId_fkey'`);
    assert.deepEqual(v.rows, [{ convalidated: true }]);
  });

  it("Supabase: a one-statement migration too (two statements would be wrapped); another runner's migration validates after its COMMIT or after its DO block", async () => {
    const files = {
      'supabase/migrations/20240101000000_init.sql': 'create table public.orgs (id bigint primary key);\ncreate table public.users (id bigint primary key, org_id bigint);\ncreate index on public.users (org_id);\n',
      'supabase/migrations/20240102000000_fk.sql': 'alter table public.users add constraint users_org_id_fkey foreign key (org_id) references public.orgs (id) on delete cascade;\n',
    };
    const dir = writeFiles(files);
    await audit(dir, '--fix=unsafe');
    const mdir = path.join(dir, 'supabase/migrations');
    const names = fs.readdirSync(mdir).sort();
    assert.equal(names.length, 3);
    assert.match(fs.readFileSync(path.join(mdir, names[1]), 'utf8'), /on delete cascade NOT VALID;\n$/);
    assert.match(fs.readFileSync(path.join(mdir, names[2]), 'utf8'), /ALTER TABLE public\.users VALIDATE CONSTRAINT users_org_id_fkey;/);

    const script = [
      'begin;',
      'alter table users add constraint users_org_id_fkey foreign key (org_id) references orgs (id) on delete cascade;',
      'commit;',
      'do $$ begin',
      '  alter table users add constraint users_team_id_fkey foreign key (team_id) references orgs (id) on delete cascade;',
      'exception when duplicate_object then null;',
      'end $$;',
      '',
    ].join('\n');
    const numbered = writeFiles({
      'db/migrations/001_init.sql': 'create table orgs (id bigint primary key);\ncreate table users (id bigint primary key, org_id bigint, team_id bigint);\ncreate index on users (org_id);\ncreate index on users (team_id);\n',
      'db/migrations/002_fk.sql': script,
    });
    const res = await audit(numbered, '--fix=unsafe');
    assert.deepEqual(res.findings, []);
    const fixed = fs.readFileSync(path.join(numbered, 'db/migrations/002_fk.sql'), 'utf8');
    assert.match(fixed, /on delete cascade NOT VALID;\ncommit;\nALTER TABLE users VALIDATE CONSTRAINT users_org_id_fkey;\n/);
    assert.match(fixed, /end \$\$;\nALTER TABLE users VALIDATE CONSTRAINT users_team_id_fkey;\n/);
    assert.deepEqual(fs.readdirSync(path.join(numbered, 'db/migrations')), ['001_init.sql', '002_fk.sql']);
    const db = await fresh();
    await db.exec(fs.readFileSync(path.join(numbered, 'db/migrations/001_init.sql'), 'utf8'));
    await db.exec(fixed);
    const v = await db.query<{ n: number }>(`select count(*)::int as n from pg_constraint where contype = 'f' and convalidated`);
    assert.deepEqual(v.rows, [{ n: 2 }]);
  });
});

describe('bug 7: partitioned tables: no CONCURRENTLY on the parent (Postgres refuses it), the ON ONLY route instead', () => {
  const init = [
    'CREATE TABLE customers (id bigint PRIMARY KEY);',
    'CREATE TABLE events (',
    '  id bigint NOT NULL,',
    '  customer_id bigint NOT NULL REFERENCES customers(id) ON DELETE CASCADE,',
    '  kind text,',
    '  created_at timestamptz NOT NULL,',
    '  PRIMARY KEY (id, created_at)',
    ') PARTITION BY RANGE (created_at);',
    "CREATE TABLE events_2024 PARTITION OF events FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');",
    '',
  ].join('\n');

  it('the index fix for an FK of a partitioned table: ON ONLY, the partition CONCURRENTLY on its own, ATTACH; it deploys', async () => {
    const dir = writeFiles({ 'migrations/001_init.sql': init, 'migrations/002_x.sql': 'ALTER TABLE customers ADD COLUMN name text;\n' });
    const { findings } = await audit(dir, '--fix');
    assert.deepEqual(findings, []);
    const files = fs.readdirSync(path.join(dir, 'migrations')).sort();
    assert.deepEqual(files.slice(2), ['003_add_index_events_customer_id_on_only.sql', '004_add_index_events_customer_id_on_events_2024.sql', '005_add_index_events_customer_id_attach.sql']);
    const read = (f: string) => fs.readFileSync(path.join(dir, 'migrations', f), 'utf8');
    assert.match(read(files[2]), /^CREATE INDEX IF NOT EXISTS events_customer_id_idx ON ONLY events \(customer_id\);$/m);
    assert.match(read(files[3]), /^CREATE INDEX CONCURRENTLY IF NOT EXISTS events_2024_customer_id_idx ON events_2024 \(customer_id\);$/m);
    assert.match(read(files[4]), /^ALTER INDEX events_customer_id_idx ATTACH PARTITION events_2024_customer_id_idx;$/m);
    const db = await fresh();
    for (const f of files) await db.exec(read(f));
    assert.deepEqual(await unindexed(db), []);
  });

  it('index-not-concurrent: the ON ONLY route for a partitioned table with a partition, nothing for ON ONLY, the usual advice on a partition', () => {
    const later = [
      'CREATE INDEX events_kind_idx ON events (kind);',
      'CREATE INDEX events_created_idx ON ONLY events (created_at);',
      'CREATE INDEX events_2024_kind_idx ON events_2024 (kind);',
      '',
    ].join('\n');
    const { db, reader } = analyzeFiles({ '/w/migrations/001_init.sql': init, '/w/migrations/002_idx.sql': later });
    assert.equal(table(db, 'events').partitioned, true);
    const stmts = db.statements!.filter((s) => s.kind === 'createIndex');
    assert.deepEqual(stmts.map((s) => [s.table, s.only ?? false]), [['events', false], ['events', true], ['events_2024', false]]);
    const findings: { message: string; line: number; fixes: number }[] = [];
    indexNotConcurrent.check({ databases: [db], codeFiles: [], databaseFor: () => undefined, report: (f) => findings.push({ message: f.message, line: f.loc.range.start.line, fixes: f.fixes?.length ?? 0 }) });
    assert.deepEqual(findings.map((f) => [f.line, f.fixes]), [[0, 1], [2, 1]]);
    assert.match(findings[0].message, /takes a SHARE lock on it and on its partition until the index is built on it:/);
    // The writer never adds CONCURRENTLY where Postgres refuses it: ONLY here, the partition's build in a new migration.
    const edits = sqlFrontEnd.writeFix({ kind: 'addConcurrently', database: db, statement: stmts[0] }, reader)!;
    assert.deepEqual(edits[0].edits.map((e) => e.newText), [' ONLY']);
    assert.deepEqual(edits.slice(1).map((e) => e.file), ['/w/migrations/003_build_events_kind_idx_on_events_2024.sql', '/w/migrations/004_build_events_kind_idx_attach.sql']);
    assert.equal(sqlFrontEnd.writeFix({ kind: 'addConcurrently', database: db, statement: stmts[1] }, reader), undefined);
  });
});

describe('bug 9: partitions and LIKE … INCLUDING copies have a primary key', () => {
  it('no missing-primary-key on PARTITION OF / ATTACH PARTITION partitions or LIKE INCLUDING ALL/INDEXES copies; LIKE alone and INHERITS do', async () => {
    const schema = [
      'CREATE TABLE users (id bigint PRIMARY KEY, email text NOT NULL UNIQUE, org_id bigint);',
      'CREATE INDEX users_org_idx ON users (org_id) WHERE org_id IS NOT NULL;',
      'CREATE TABLE users_archive (LIKE users INCLUDING ALL);',
      'CREATE TABLE users_copy (LIKE users INCLUDING INDEXES, note text);',
      'CREATE TABLE users_shape (LIKE users INCLUDING CONSTRAINTS);',
      'CREATE TABLE users_child (extra int) INHERITS (users);',
      'CREATE TABLE events (id bigint NOT NULL, created_at timestamptz NOT NULL, PRIMARY KEY (id, created_at)) PARTITION BY RANGE (created_at);',
      "CREATE TABLE events_2024 PARTITION OF events FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');",
      'CREATE TABLE events_2025 (id bigint NOT NULL, created_at timestamptz NOT NULL);',
      "ALTER TABLE events ATTACH PARTITION events_2025 FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');",
      '',
    ].join('\n');
    const dir = writeFiles({ 'schema.sql': schema });
    const { findings } = await audit(dir);
    const noKey = findings.filter((f) => f.rule === 'missing-primary-key').map((f) => f.message.split(' ')[1]);
    assert.deepEqual(noKey.sort(), ['users_child', 'users_shape']);
    // The copies' keys and indexes carry the names Postgres gives them.
    const { db } = analyzeFiles({ '/w/schema.sql': schema });
    const pgdb = await fresh();
    await pgdb.exec(schema);
    for (const name of ['users_archive', 'users_copy']) {
      const t = table(db, name);
      const idx = await pgdb.query<{ name: string }>(`select i.relname as name from pg_index x join pg_class i on i.oid = x.indexrelid where x.indrelid = '${name}'::regclass order by 1`);
      assert.deepEqual([t.primaryKey!, ...t.indexes].map((i) => i.name).sort(), idx.rows.map((r) => r.name), name);
      assert.deepEqual(t.columns.map((c) => [c.name, c.nullable]).slice(0, 3), [['id', false], ['email', false], ['org_id', true]]);
    }
  });
});

describe('lesser: drizzle-kit histories get no index-not-concurrent (CONCURRENTLY cannot run there)', () => {
  it("the tool's own plain CREATE INDEX fix leaves the drizzle project clean", async () => {
    const dir = writeFiles({
      'drizzle/meta/_journal.json': JSON.stringify({ version: '7', dialect: 'postgresql', entries: [{ idx: 0, version: '7', when: 1, tag: '0000_init', breakpoints: true }, { idx: 1, version: '7', when: 2, tag: '0001_more', breakpoints: true }] }, null, 2) + '\n',
      'drizzle/0000_init.sql': 'CREATE TABLE "a" ("id" serial PRIMARY KEY NOT NULL);\n--> statement-breakpoint\nCREATE TABLE "b" ("id" serial PRIMARY KEY NOT NULL, "a_id" integer, "name" text);\n',
      'drizzle/0001_more.sql': 'DO $$ BEGIN\n ALTER TABLE "b" ADD CONSTRAINT "b_a_id_a_id_fk" FOREIGN KEY ("a_id") REFERENCES "a"("id") ON DELETE cascade ON UPDATE no action;\nEXCEPTION\n WHEN duplicate_object THEN null;\nEND $$;\n--> statement-breakpoint\nCREATE INDEX "b_name_idx" ON "b" ("name");\n',
    });
    const before = await audit(dir);
    assert.deepEqual(before.findings.map((f) => f.rule).sort(), ['foreign-key-not-valid', 'unindexed-foreign-key']);
    const after = await audit(dir, '--fix');
    assert.deepEqual(after.findings.map((f) => f.rule), ['foreign-key-not-valid']);
    const added = fs.readdirSync(path.join(dir, 'drizzle')).filter((f) => f.endsWith('.sql')).sort();
    assert.equal(added.length, 3);
    assert.match(fs.readFileSync(path.join(dir, 'drizzle', added[2]), 'utf8'), /^CREATE INDEX IF NOT EXISTS b_a_id_idx ON b \(a_id\);/);
  });
});

describe('bug 11: golang-migrate folders (NNNNNN_name.up.sql / .down.sql)', () => {
  const files = {
    'db/migrations/000001_create_users.up.sql': 'CREATE TABLE users (id bigint PRIMARY KEY, bio text);\n',
    'db/migrations/000001_create_users.down.sql': 'DROP TABLE users;\n',
    'db/migrations/000002_create_posts.up.sql': 'CREATE TABLE posts (id bigint PRIMARY KEY, user_id bigint NOT NULL REFERENCES users(id) ON DELETE CASCADE);\n',
    'db/migrations/000002_create_posts.down.sql': 'DROP TABLE posts;\n',
  };

  it('replays only the .up.sql files, and knows a multi-statement file runs in one transaction', () => {
    const reader = inline(Object.fromEntries(Object.entries(files).map(([k, v]) => ['/w/' + k, v])));
    const units = sqlFrontEnd.discover(Object.keys(files).map((f) => '/w/' + f).sort(), reader);
    assert.deepEqual(units.map((u) => u.files.map((f) => path.basename(f))), [['000001_create_users.up.sql', '000002_create_posts.up.sql']]);
    assert.equal(units[0].hints?.runner, 'golang-migrate');
    const two = { ...files, 'db/migrations/000003_x.up.sql': 'ALTER TABLE users ADD COLUMN a int;\nCREATE INDEX users_a_idx ON users (a);\n', 'db/migrations/000003_x.down.sql': 'DROP INDEX users_a_idx;\n' };
    const { db } = analyzeFiles(Object.fromEntries(Object.entries(two).map(([k, v]) => ['/w/' + k, v])));
    assert.equal(db.statements!.find((s) => s.kind === 'createIndex')!.migration.transactional, true);
  });

  it('new migrations are <n>_<name>.up.sql with a .down.sql that undoes them; up and down run', async () => {
    const dir = writeFiles(files);
    const { findings } = await audit(dir, '--fix=unsafe');
    assert.deepEqual(findings, []);
    const mdir = path.join(dir, 'db/migrations');
    const names = fs.readdirSync(mdir).sort();
    assert.ok(names.includes('000003_add_index_posts_user_id.up.sql') && names.includes('000003_add_index_posts_user_id.down.sql'), names.join(', '));
    assert.ok(names.every((n) => n.endsWith('.up.sql') || n.endsWith('.down.sql')), names.join(', '));
    assert.match(fs.readFileSync(path.join(mdir, '000003_add_index_posts_user_id.down.sql'), 'utf8'), /DROP INDEX CONCURRENTLY IF EXISTS posts_user_id_idx;/);
    const db = await fresh();
    const ups = names.filter((n) => n.endsWith('.up.sql'));
    for (const f of ups) await db.exec(fs.readFileSync(path.join(mdir, f), 'utf8'));
    assert.deepEqual(await unindexed(db), []);
    for (const f of ups.slice().reverse()) await db.exec(fs.readFileSync(path.join(mdir, f.replace(/\.up\.sql$/, '.down.sql')), 'utf8'));
    const left = await db.query<{ n: number }>(`select count(*)::int as n from pg_class c join pg_namespace n on n.oid = c.relnamespace where n.nspname = 'public'`);
    assert.deepEqual(left.rows, [{ n: 0 }], 'every down undid its up');
  });
});

describe('bug 12: dbmate migrations (-- migrate:up / -- migrate:down in one file)', () => {
  const files = {
    'db/migrations/20240101120000_create_users.sql': '-- migrate:up\ncreate table users (id bigint primary key, email text);\n\n-- migrate:down\ndrop table users;\n',
    'db/migrations/20240103120000_add_org.sql':
      '-- migrate:up\ncreate table orgs (id bigint primary key);\nalter table users add column org_id bigint,\n  add constraint users_org_id_fkey foreign key (org_id) references orgs(id) on delete set null;\n\n-- migrate:down\nalter table users drop column org_id;\ndrop table orgs;\n',
  };

  /** Runs a dbmate history as dbmate does: each up section in a transaction unless `transaction:false`. */
  async function deploy(dir: string, direction: 'up' | 'down'): Promise<PGliteInterface | void> {
    const mdir = path.join(dir, 'db/migrations');
    const names = fs.readdirSync(mdir).sort();
    const db = await fresh();
    for (const n of direction === 'up' ? names : []) {
      const text = fs.readFileSync(path.join(mdir, n), 'utf8');
      const [up] = text.split(/^-- migrate:down.*$/m);
      const header = /^-- migrate:up(.*)$/m.exec(up)!;
      const body = up.slice(header.index + header[0].length);
      await db.exec(header[1].includes('transaction:false') ? body : `BEGIN;\n${body}\nCOMMIT;`);
    }
    return db;
  }

  it('replays only the up sections: the unindexed FK of the second migration is found', () => {
    const { db } = analyzeFiles(Object.fromEntries(Object.entries(files).map(([k, v]) => ['/w/' + k, v])));
    assert.deepEqual(db.tables.map((t) => t.name).sort(), ['orgs', 'users']);
    assert.deepEqual(table(db, 'users').foreignKeys.map((f) => f.references.table), ['orgs']);
    assert.ok(db.statements!.every((s) => s.migration.transactional), 'dbmate wraps each migration in a transaction');
  });

  it('new dbmate migrations have -- migrate:up (transaction:false for CONCURRENTLY) and a -- migrate:down that undoes them', async () => {
    const dir = writeFiles(files);
    const before = await audit(dir);
    assert.deepEqual(before.findings.map((f) => f.rule).sort(), ['foreign-key-not-valid', 'unindexed-foreign-key']);
    assert.match(before.findings.find((f) => f.rule === 'foreign-key-not-valid')!.message, /locks on users and orgs/);
    await audit(dir, '--fix');
    const mdir = path.join(dir, 'db/migrations');
    const names = fs.readdirSync(mdir).sort();
    assert.equal(names.length, 3);
    const added = fs.readFileSync(path.join(mdir, names[2]), 'utf8');
    assert.match(added, /^-- migrate:up transaction:false\n/);
    assert.match(added, /CREATE INDEX CONCURRENTLY IF NOT EXISTS users_org_id_idx ON users \(org_id\);\n\n-- migrate:down transaction:false\nDROP INDEX CONCURRENTLY IF EXISTS users_org_id_idx;\n$/);
    const db = (await deploy(dir, 'up')) as PGliteInterface;
    assert.deepEqual(await unindexed(db), []);
    const after = await audit(dir);
    assert.deepEqual(after.findings.map((f) => f.rule), ['foreign-key-not-valid']);
  });
});

describe('lesser: an ignore comment before a multi-line statement applies to its findings', () => {
  it("pg_dump's two-line ALTER TABLE ONLY … ADD CONSTRAINT: suppressed, and the comment is not reported as unused", async () => {
    const dump = [
      'CREATE TABLE public.a (id integer NOT NULL PRIMARY KEY);',
      'CREATE TABLE public.b (id integer NOT NULL PRIMARY KEY, a_id integer, c_id integer);',
      '-- schema-review-ignore unindexed-foreign-key',
      'ALTER TABLE ONLY public.b',
      '    ADD CONSTRAINT b_a_fk FOREIGN KEY (a_id) REFERENCES public.a(id) ON DELETE CASCADE;',
      'ALTER TABLE ONLY public.b',
      '    ADD CONSTRAINT b_c_fk FOREIGN KEY (c_id) REFERENCES public.a(id) ON DELETE CASCADE;',
      '',
    ].join('\n');
    const dir = writeFiles({ 'dump.sql': dump });
    const res = await cli(['audit', '.', '--format', 'json'], dir);
    const out = JSON.parse(res.stdout) as { findings: JsonFinding[]; diagnostics?: unknown[] };
    assert.deepEqual(out.findings.map((f) => [f.rule, f.range.start.line]), [['unindexed-foreign-key', 7]]);
    const text = await cli(['audit', '.'], dir);
    assert.doesNotMatch(text.stdout, /suppresses nothing/);
  });
});

describe('bug 6 (inline REFERENCES): ADD COLUMN … REFERENCES takes no NOT VALID, so the fix makes it a constraint', () => {
  // With a DEFAULT the added column's values must be checked: Postgres scans the table (without one it does not, bug 13).
  it('the fixed migration and its VALIDATE deploy', async () => {
    const dir = writeFiles({
      'db/migrations/001_init.sql': 'CREATE TABLE plans (id bigint PRIMARY KEY);\nINSERT INTO plans VALUES (1);\nCREATE TABLE users (id bigint PRIMARY KEY);\n',
      'db/migrations/002_plan.sql': 'ALTER TABLE users ADD COLUMN plan_id bigint NOT NULL DEFAULT 1 REFERENCES plans(id) ON DELETE RESTRICT;\n',
    });
    const { findings } = await audit(dir, '--fix=unsafe');
    assert.deepEqual(findings, []);
    const files = fs.readdirSync(path.join(dir, 'db/migrations')).sort();
    const fixed = fs.readFileSync(path.join(dir, 'db/migrations/002_plan.sql'), 'utf8');
    assert.match(fixed, /^ALTER TABLE users ADD COLUMN plan_id bigint NOT NULL DEFAULT 1, ADD CONSTRAINT users_plan_id_fkey FOREIGN KEY \(plan_id\) REFERENCES plans\(id\) ON DELETE RESTRICT NOT VALID;\nALTER TABLE users VALIDATE CONSTRAINT users_plan_id_fkey;\n/);
    const db = await fresh();
    for (const f of files) await db.exec(fs.readFileSync(path.join(dir, 'db/migrations', f), 'utf8'));
    assert.deepEqual(await unindexed(db), []);
    const v = await db.query<{ convalidated: boolean; del: string }>(`select convalidated, confdeltype as del from pg_constraint where conname = 'users_plan_id_fkey'`);
    assert.deepEqual(v.rows, [{ convalidated: true, del: 'r' }]);
  });
});

describe('lesser: new migrations are numbered without gaps', () => {
  it('the fixes one finding offers share a version, so --fix=unsafe numbers what it writes consecutively; the history deploys', async () => {
    const dir = writeFiles({
      'migrations/001_init.sql': 'CREATE TABLE customers (id bigint PRIMARY KEY);\nCREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint NOT NULL);\nCREATE TABLE notes (id bigint PRIMARY KEY, order_id bigint REFERENCES orders(id));\n',
      'migrations/002_x.sql': 'ALTER TABLE customers ADD COLUMN name text;\n',
    });
    await audit(dir, '--fix=unsafe');
    const names = fs.readdirSync(path.join(dir, 'migrations')).sort();
    const numbers = names.map((n) => Number(n.slice(0, 3)));
    assert.ok(names.length >= 5, names.join(', '));
    assert.deepEqual(numbers, numbers.map((_, i) => i + 1), names.join(', '));
    const db = await fresh();
    for (const f of names) await db.exec(fs.readFileSync(path.join(dir, 'migrations', f), 'utf8'));
    assert.deepEqual(await unindexed(db), []);
  });
});

describe('bug 8 (MySQL): an unnamed foreign key is <table>_ibfk_<n>, the name InnoDB gives it', () => {
  it('the ON DELETE fix drops and re-adds that constraint', () => {
    const schema = 'CREATE TABLE `a` (`id` int NOT NULL, PRIMARY KEY (`id`)) ENGINE=InnoDB;\nCREATE TABLE `b` (`id` int NOT NULL, `a_id` int, `a2_id` int, PRIMARY KEY (`id`), KEY `k1` (`a_id`), KEY `k2` (`a2_id`), FOREIGN KEY (`a_id`) REFERENCES `a` (`id`), CONSTRAINT `named` FOREIGN KEY (`a2_id`) REFERENCES `a` (`id`)) ENGINE=InnoDB;\nALTER TABLE `b` ADD FOREIGN KEY (`a2_id`) REFERENCES `a` (`id`);\n';
    const { db } = analyzeFiles({ '/w/migrations/001_init.sql': schema, '/w/migrations/002_x.sql': 'ALTER TABLE `a` ADD COLUMN `n` int;\n' }, 'mysql');
    assert.deepEqual(table(db, 'b').foreignKeys.map((f) => f.name), ['b_ibfk_1', 'named', 'b_ibfk_2']);
    const b = table(db, 'b');
    const edits = sqlFrontEnd.writeFix({ kind: 'setOnDelete', database: db, table: b, foreignKey: b.foreignKeys[0], action: 'Cascade' }, inline({ '/w/migrations/001_init.sql': schema, '/w/migrations/002_x.sql': '' }))!;
    const created = edits.find((e) => e.create)!;
    assert.match(created.edits[0].newText, /ALTER TABLE b DROP FOREIGN KEY b_ibfk_1, ADD CONSTRAINT b_ibfk_1 FOREIGN KEY \(a_id\) REFERENCES a \(id\) ON DELETE CASCADE;/);
  });
});

describe('index-not-concurrent in a migration its runner wraps in a transaction', () => {
  it('the fix moves the CREATE INDEX, CONCURRENTLY, into a Supabase migration of its own, and the history deploys', async () => {
    const dir = writeFiles({
      'supabase/migrations/20240101000000_init.sql': 'create table public.projects (id bigint primary key);\ncreate table public.tasks (id bigint primary key, title text, project_id bigint references public.projects (id) on delete cascade);\ncreate index tasks_project_id_idx on public.tasks (project_id);\n',
      'supabase/migrations/20240401000000_latest.sql': 'create index tasks_title_idx on public.tasks (title);\nalter table public.tasks add column done boolean not null default false;\n',
    });
    const before = await audit(dir);
    const finding = before.findings.find((f) => f.rule === 'index-not-concurrent');
    assert.ok(finding, JSON.stringify(before.findings.map((f) => f.rule)));
    assert.equal(finding.fixes.length, 1, 'the fix the rule promises is there');
    const after = await audit(dir, '--fix=unsafe');
    assert.deepEqual(after.findings.map((f) => f.rule), []);
    const mdir = path.join(dir, 'supabase/migrations');
    const files = fs.readdirSync(mdir).sort();
    assert.equal(files.length, 3);
    assert.doesNotMatch(fs.readFileSync(path.join(mdir, files[1]), 'utf8'), /create index/i);
    assert.match(fs.readFileSync(path.join(mdir, files[2]), 'utf8'), /create index CONCURRENTLY tasks_title_idx on public\.tasks \(title\);/);
    const db = await fresh();
    // The Supabase CLI runs a file of several statements in one transaction, and a one-statement file on its own.
    for (const f of files) await db.exec(fs.readFileSync(path.join(mdir, f), 'utf8'));
    const idx = await db.query<{ indexname: string }>(`select indexname from pg_indexes where tablename = 'tasks' order by 1`);
    assert.ok(idx.rows.some((r) => r.indexname === 'tasks_title_idx'));
  });
});

describe('copies made by CREATE TABLE … AS and SELECT … INTO (seed 004)', () => {
  it('are tables with the selected columns and nothing else, and backup-table finds them', async () => {
    const files = {
      '/w/supabase/migrations/20240101000000_init.sql':
        "create table public.users (id bigint primary key, email text not null, name text);\ncreate table public.payments (id bigint primary key, user_id bigint not null references public.users (id) on delete restrict, amount numeric(12,2) not null, status text not null default 'pending');\ncreate index payments_user_id_idx on public.payments (user_id);\n",
      '/w/supabase/migrations/20240201000000_backup.sql': 'create table public.payments_backup_20240201 as select * from public.payments;\n',
      '/w/supabase/migrations/20240202000000_copy.sql': 'select u.id, u.email as mail into public.users_old from public.users u;\n',
    };
    const { db } = analyzeFiles(files);
    const copy = db.tables.find((t) => t.name === 'payments_backup_20240201')!;
    assert.deepEqual(copy.columns.map((c) => [c.name, c.type]), [['id', 'bigint'], ['user_id', 'bigint'], ['amount', 'decimal'], ['status', 'string']]);
    assert.equal(copy.primaryKey, undefined);
    assert.deepEqual(copy.foreignKeys, []);
    assert.deepEqual(db.tables.find((t) => t.name === 'users_old')!.columns.map((c) => c.name), ['id', 'mail']);
    // Postgres agrees on the columns.
    const pg = await fresh();
    for (const f of Object.keys(files).sort()) await pg.exec(files[f as keyof typeof files]);
    const cols = await pg.query<{ column_name: string }>(`select column_name from information_schema.columns where table_name = 'payments_backup_20240201' order by ordinal_position`);
    assert.deepEqual(cols.rows.map((r) => r.column_name), copy.columns.map((c) => c.name));
    const dir = writeFiles(Object.fromEntries(Object.entries(files).map(([k, v]) => [k.slice(3), v])));
    const { findings } = await audit(dir);
    assert.deepEqual(findings.filter((f) => f.rule === 'backup-table').map((f) => f.file).sort(), ['supabase/migrations/20240201000000_backup.sql', 'supabase/migrations/20240202000000_copy.sql']);
    assert.deepEqual(findings.filter((f) => f.rule === 'missing-primary-key' || f.rule === 'missing-foreign-key'), [], 'a copy is backup-table\'s business alone');
  });
});

describe('bug 13: ADD COLUMN … REFERENCES without a DEFAULT adds a valid foreign key without scanning the table', () => {
  // Postgres (transformAlterTableStmt) skips the validation scan of a foreign key declared on a column the same
  // ALTER TABLE adds, unless an added column has a DEFAULT (or is generated) or the statement also adds a table-level
  // FOREIGN KEY: every new value is NULL, nothing to check. The table's seq_scan counter shows it.
  const files = {
    'supabase/migrations/20240101000000_init.sql':
      'create table public.plans (id bigint primary key);\ncreate table public.profiles (id uuid primary key, email text not null);\n' +
      'create table public.teams (id uuid primary key, name text not null);\n',
    'supabase/migrations/20240201000000_team_links.sql':
      'alter table public.teams add column created_by uuid references public.profiles (id) on delete set null;\n' +
      'alter table public.profiles add column plan_id bigint not null default 1 references public.plans (id) on delete restrict;\n' +
      'alter table public.teams add column owner_id uuid,\n  add constraint teams_owner_id_fkey foreign key (owner_id) references public.profiles (id) on delete set null;\n',
  };

  async function seqScans(db: PGliteInterface): Promise<Record<string, number>> {
    await db.query('select pg_stat_force_next_flush()');
    await db.query('select pg_stat_clear_snapshot()');
    const r = await db.query<{ relname: string; seq_scan: number }>(`select relname, seq_scan::int as seq_scan from pg_stat_user_tables where relname in ('teams', 'profiles')`);
    return Object.fromEntries(r.rows.map((x) => [x.relname, x.seq_scan]));
  }

  it('is not reported by foreign-key-not-valid; a DEFAULT or a table-level FOREIGN KEY in the statement still is', async () => {
    const dir = writeFiles(files);
    const { findings } = await audit(dir);
    const notValid = findings.filter((f) => f.rule === 'foreign-key-not-valid').map((f) => f.range.start.line);
    assert.deepEqual(notValid, [2, 3]);
    // Postgres agrees: the first ALTER reads no row of teams, the other two scan their tables.
    const db = await fresh();
    await db.exec(files['supabase/migrations/20240101000000_init.sql']);
    await db.exec(`insert into public.plans values (1); insert into public.profiles values ('00000000-0000-0000-0000-000000000001', 'a@x');
      insert into public.teams values ('00000000-0000-0000-0000-000000000002', 't');`);
    const [first, second, third] = statementsOf(files['supabase/migrations/20240201000000_team_links.sql']);
    const s0 = await seqScans(db);
    await db.exec(first);
    const s1 = await seqScans(db);
    assert.equal(s1.teams, s0.teams, 'ADD COLUMN … REFERENCES without DEFAULT scans nothing');
    await db.exec(second);
    const s2 = await seqScans(db);
    assert.ok(s2.profiles > s1.profiles, 'ADD COLUMN … DEFAULT … REFERENCES scans the table');
    await db.exec(third);
    const s3 = await seqScans(db);
    assert.ok(s3.teams > s2.teams, 'ADD COLUMN with ADD CONSTRAINT … FOREIGN KEY scans the table');
  });

  it('--fix leaves the scan-free ALTER as written (no VALIDATE that would scan it)', async () => {
    const dir = writeFiles(files);
    await audit(dir, '--fix=unsafe');
    const fixed = fs.readFileSync(path.join(dir, 'supabase/migrations/20240201000000_team_links.sql'), 'utf8');
    assert.equal(fixed.split('\n')[0], 'alter table public.teams add column created_by uuid references public.profiles (id) on delete set null;');
    const mdir = path.join(dir, 'supabase/migrations');
    const added = fs.readdirSync(mdir).sort().slice(2).map((n) => fs.readFileSync(path.join(mdir, n), 'utf8'));
    assert.ok(!added.some((t) => /VALIDATE CONSTRAINT teams_created_by_fkey/.test(t)), added.join('\n'));
  });
});

describe('bug 14: ALTER TABLE … SET SCHEMA moves the table (Supabase: out of the exposed public schema)', () => {
  const files = {
    'supabase/migrations/20240101000000_init.sql':
      'create table public.orgs (id bigint primary key);\ncreate table public.projects (id bigint primary key, org_id bigint not null references public.orgs (id));\n' +
      'create index projects_org_id_idx on public.projects (org_id);\n',
    'supabase/migrations/20240102000000_private.sql': 'create schema private;\nalter table public.orgs set schema private;\nalter table if exists public.projects set schema private;\n',
  };

  it('the model names the moved tables by their new schema', () => {
    const { db } = analyzeFiles(Object.fromEntries(Object.entries(files).map(([k, v]) => ['/w/' + k, v])));
    assert.deepEqual(db.tables.map((t) => t.name).sort(), ['private.orgs', 'private.projects']);
    assert.deepEqual(table(db, 'private.projects').foreignKeys.map((f) => f.references.table), ['private.orgs']);
  });

  it('the ON DELETE fix recreates the constraint on the moved tables, and the history deploys', async () => {
    const dir = writeFiles(files);
    const { findings } = await audit(dir, '--fix=unsafe');
    assert.deepEqual(findings, []);
    const mdir = path.join(dir, 'supabase/migrations');
    const names = fs.readdirSync(mdir).sort();
    assert.ok(names.length > 2, names.join(', '));
    assert.match(fs.readFileSync(path.join(mdir, names[2]), 'utf8'), /ALTER TABLE private\.projects DROP CONSTRAINT projects_org_id_fkey, ADD CONSTRAINT projects_org_id_fkey FOREIGN KEY \(org_id\) REFERENCES private\.orgs \(id\)/);
    const db = await fresh();
    for (const n of names) await runAsRunner(db, fs.readFileSync(path.join(mdir, n), 'utf8'));
    const r = await db.query<{ t: string; del: string }>(`select conrelid::regclass::text as t, confdeltype as del from pg_constraint where conname = 'projects_org_id_fkey'`);
    assert.equal(r.rows.length, 1);
    assert.equal(r.rows[0].t, 'private.projects');
    assert.notEqual(r.rows[0].del, 'a');
  });
});

describe('bug 15 (MySQL): ALTER TABLE … DROP FOREIGN KEY removes the constraint it names', () => {
  const files = {
    'prisma/migrations/migration_lock.toml': 'provider = "mysql"\n',
    'prisma/migrations/20240101000000_init/migration.sql':
      '-- CreateTable\nCREATE TABLE `Customer` (\n    `id` INTEGER NOT NULL AUTO_INCREMENT,\n\n    PRIMARY KEY (`id`)\n) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;\n\n' +
      '-- CreateTable\nCREATE TABLE `Payment` (\n    `id` INTEGER NOT NULL AUTO_INCREMENT,\n    `customerId` INTEGER NOT NULL,\n\n    INDEX `Payment_customerId_idx`(`customerId`),\n    PRIMARY KEY (`id`)\n) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;\n\n' +
      '-- AddForeignKey\nALTER TABLE `Payment` ADD CONSTRAINT `Payment_customerId_fkey` FOREIGN KEY (`customerId`) REFERENCES `Customer`(`id`) ON DELETE CASCADE ON UPDATE CASCADE;\n',
    'prisma/migrations/20240201000000_restrict/migration.sql':
      '-- DropForeignKey\nALTER TABLE `Payment` DROP FOREIGN KEY `Payment_customerId_fkey`;\n\n' +
      '-- AddForeignKey\nALTER TABLE `Payment` ADD CONSTRAINT `Payment_customerId_fkey` FOREIGN KEY (`customerId`) REFERENCES `Customer`(`id`) ON DELETE RESTRICT ON UPDATE CASCADE;\n',
  };

  it("Prisma's DropForeignKey then AddForeignKey leaves one foreign key, the new one", () => {
    const { db } = analyzeFiles(Object.fromEntries(Object.entries(files).map(([k, v]) => ['/w/' + k, v])));
    assert.deepEqual(table(db, 'Payment').foreignKeys.map((f) => `${f.name} ${f.onDelete}`), ['Payment_customerId_fkey Restrict']);
  });

  it('the fix for a cascade into Payment (DROP FOREIGN KEY, ADD CONSTRAINT) removes the finding', async () => {
    const dir = writeFiles({ 'prisma/migrations/migration_lock.toml': files['prisma/migrations/migration_lock.toml'], 'prisma/migrations/20240101000000_init/migration.sql': files['prisma/migrations/20240101000000_init/migration.sql'] });
    const before = await audit(dir);
    assert.deepEqual(before.findings.map((f) => f.rule), ['cascade-deletes-records']);
    const res = await cli(['audit', '.', '--fix=unsafe'], dir);
    assert.doesNotMatch(res.stderr, /did not fix/);
    assert.deepEqual((await audit(dir)).findings, []);
  });
});

describe('bug 16 (MySQL): MODIFY COLUMN repeats the DEFAULT, ON UPDATE and COMMENT it would otherwise drop', () => {
  // MODIFY COLUMN replaces the whole definition: `MODIFY balance DECIMAL(19,4) NOT NULL` leaves balance without its
  // DEFAULT 0, and every INSERT that relied on it fails (strict mode) — the fix changed more than the type.
  const files = {
    'prisma/migrations/migration_lock.toml': 'provider = "mysql"\n',
    'prisma/migrations/20240101000000_init/migration.sql':
      '-- CreateTable\nCREATE TABLE `Wallet` (\n    `id` INTEGER NOT NULL AUTO_INCREMENT,\n    `balance` DOUBLE NOT NULL DEFAULT 0 COMMENT \'in euros\',\n' +
      "    `status` VARCHAR(20) NOT NULL DEFAULT 'active' COMMENT 'one of: active, frozen, closed',\n" +
      '    `updatedAt` DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3) ON UPDATE CURRENT_TIMESTAMP(3),\n\n    PRIMARY KEY (`id`)\n) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;\n',
  };

  it('the float-for-money and string-enum migrations keep the column\'s default and comment, and parse as MySQL', async () => {
    const dir = writeFiles(files);
    await audit(dir, '--fix=unsafe');
    const mdir = path.join(dir, 'prisma/migrations');
    const added = fs
      .readdirSync(mdir)
      .sort()
      .filter((n) => n.startsWith('2026') || n > '20240101000000_init')
      .filter((n) => n !== 'migration_lock.toml')
      .map((n) => fs.readFileSync(path.join(mdir, n, 'migration.sql'), 'utf8'));
    const money = added.find((t) => /MODIFY COLUMN balance/.test(t));
    assert.ok(money, added.join('\n'));
    assert.match(money, /MODIFY COLUMN balance DECIMAL\(19,4\) NOT NULL DEFAULT 0 COMMENT 'in euros';/);
    const enumFix = added.find((t) => /MODIFY COLUMN status/.test(t));
    assert.ok(enumFix, added.join('\n'));
    assert.match(enumFix, /MODIFY COLUMN status ENUM\('active', 'frozen', 'closed'\) NOT NULL DEFAULT 'active' COMMENT 'one of: active, frozen, closed';/);
    for (const t of [money, enumFix]) new Parser().astify(t, { database: 'mysql' });
  });
});

describe('bug 17: a foreign key written with MATCH FULL or DEFERRABLE keeps them when its ON DELETE is set', () => {
  const init =
    'create table public.accounts (id bigint primary key);\n' +
    'create table public.sessions (\n  id bigint primary key,\n' +
    '  account_id bigint references public.accounts (id) match full deferrable initially deferred, -- owner\n' +
    '  device_id bigint not null\n);\n' +
    'alter table only public.sessions\n    add constraint sessions_device_fk foreign key (device_id) references public.accounts (id) not deferrable initially immediate;\n' +
    'create index sessions_account_id_idx on public.sessions (account_id);\ncreate index sessions_device_id_idx on public.sessions (device_id);\n';

  async function constraints(db: PGliteInterface): Promise<string[]> {
    const r = await db.query<{ conname: string; del: string; m: string; deferrable: boolean; deferred: boolean }>(
      `select conname, confdeltype as del, confmatchtype as m, condeferrable as deferrable, condeferred as deferred from pg_constraint where contype = 'f' order by 1`,
    );
    return r.rows.map((x) => `${x.conname} del=${x.del} match=${x.m}${x.deferrable ? ' deferrable' : ''}${x.deferred ? ' deferred' : ''}`);
  }

  it('in place (a lone schema file): ON DELETE goes after MATCH FULL, and the file runs', async () => {
    const dir = writeFiles({ 'db/schema.sql': init });
    const res = await cli(['audit', '.', '--fix=unsafe'], dir);
    assert.doesNotMatch(res.stderr + res.stdout, /put back/);
    const fixed = fs.readFileSync(path.join(dir, 'db/schema.sql'), 'utf8');
    assert.match(fixed, /references public\.accounts \(id\) match full ON DELETE \w+( \w+)? deferrable initially deferred, -- owner/);
    const db = await fresh();
    await db.exec(fixed);
    const after = await constraints(db);
    assert.ok(after.every((c) => !c.includes('del=a')), after.join('\n'));
    assert.match(after.join('\n'), /sessions_account_id_fkey del=\w match=f deferrable deferred/);
  });

  it('in a new migration: the recreated constraint is still MATCH FULL and DEFERRABLE INITIALLY DEFERRED', async () => {
    const dir = writeFiles({ 'supabase/migrations/20240101000000_init.sql': init, 'supabase/migrations/20240102000000_next.sql': 'alter table public.accounts add column name text;\n' });
    await audit(dir, '--fix=unsafe');
    const mdir = path.join(dir, 'supabase/migrations');
    const names = fs.readdirSync(mdir).sort();
    const db = await fresh();
    for (const n of names) await runAsRunner(db, fs.readFileSync(path.join(mdir, n), 'utf8'));
    const after = await constraints(db);
    assert.deepEqual(after.map((c) => c.replace(/del=\w/, 'del=?')), ['sessions_account_id_fkey del=? match=f deferrable deferred', 'sessions_device_fk del=? match=s']);
    assert.ok(after.every((c) => !c.includes('del=a')), after.join('\n'));
  });
});

describe('bug 18: Flyway (V<n>__<name>.sql) runs each migration in a transaction', () => {
  // Flyway wraps every migration in one transaction by default (it runs a lone CREATE INDEX CONCURRENTLY outside one).
  // A VALIDATE CONSTRAINT in the file of its ADD … NOT VALID runs under the ADD's locks.
  const files = {
    'src/main/resources/db/migration/V1__init.sql':
      'CREATE TABLE customer (id BIGSERIAL PRIMARY KEY, name TEXT NOT NULL);\nCREATE TABLE purchase (id BIGSERIAL PRIMARY KEY, customer_id BIGINT NOT NULL);\n',
    'src/main/resources/db/migration/V2__purchase_customer_fk.sql':
      'ALTER TABLE purchase ADD CONSTRAINT purchase_customer_id_fkey FOREIGN KEY (customer_id) REFERENCES customer (id) ON DELETE RESTRICT NOT VALID;\n' +
      'ALTER TABLE purchase VALIDATE CONSTRAINT purchase_customer_id_fkey;\nCREATE INDEX CONCURRENTLY purchase_customer_id_idx ON purchase (customer_id);\n',
  };

  it('a multi-statement Flyway migration is transactional: VALIDATE in the same file and CONCURRENTLY there are reported', async () => {
    const dir = writeFiles(files);
    const { findings } = await audit(dir);
    assert.deepEqual(findings.map((f) => `${f.rule} ${f.range.start.line}`).sort(), ['concurrent-index-in-transaction 3', 'foreign-key-not-valid 2']);
  });

  it('new Flyway migrations put CONCURRENTLY and VALIDATE in files of their own (V3__, V4__), and the history deploys', async () => {
    const dir = writeFiles({
      'src/main/resources/db/migration/V1__init.sql': files['src/main/resources/db/migration/V1__init.sql'] + 'CREATE TABLE note (id BIGSERIAL PRIMARY KEY, purchase_id BIGINT);\n',
      'src/main/resources/db/migration/V2__note_fk.sql': 'ALTER TABLE note ADD CONSTRAINT note_purchase_id_fkey FOREIGN KEY (purchase_id) REFERENCES purchase (id) NOT VALID;\n',
    });
    await audit(dir, '--fix=unsafe');
    const mdir = path.join(dir, 'src/main/resources/db/migration');
    const names = fs.readdirSync(mdir).sort((a, b) => Number(a.slice(1, a.indexOf('__'))) - Number(b.slice(1, b.indexOf('__'))));
    const texts = names.map((n) => fs.readFileSync(path.join(mdir, n), 'utf8'));
    assert.ok(names.every((n) => /^V\d+__\w+\.sql$/.test(n)), names.join(', '));
    for (const [i, t] of texts.entries()) {
      if (i < 2) continue;
      const statements = statementsOf(t);
      // Flyway runs a file of one CONCURRENTLY statement outside a transaction; with others it refuses the mix.
      if (statements.some((s) => /concurrently/i.test(s))) assert.equal(statements.length, 1, t);
      if (statements.some((s) => /NOT VALID/.test(s))) assert.ok(!statements.some((s) => /VALIDATE/.test(s)), t);
    }
    const db = await fresh();
    for (const t of texts) await runAsRunner(db, t);
    assert.deepEqual(await unindexed(db), []);
  });
});

describe('bug 19: drizzle-kit migrations the fixes write: one statement per breakpoint, VALIDATE in a migration of its own', () => {
  // drizzle-kit's migrator runs a file chunk by chunk (`--> statement-breakpoint`), and reports a VALIDATE in the file of
  // its ADD … NOT VALID (foreign-key-not-valid): the fix must not write what the next audit reports.
  const files = {
    'drizzle/meta/_journal.json': JSON.stringify({ version: '7', dialect: 'postgresql', entries: [{ idx: 0, version: '7', when: 1714000000000, tag: '0000_init', breakpoints: true }] }, null, 2) + '\n',
    'drizzle/0000_init.sql':
      'CREATE TABLE "orders" (\n\t"id" serial PRIMARY KEY NOT NULL,\n\t"status" text DEFAULT \'pending\' NOT NULL\n);\n--> statement-breakpoint\n' +
      'COMMENT ON COLUMN "orders"."status" IS \'one of: pending, paid, shipped\';--> statement-breakpoint\n' +
      'CREATE TABLE "notes" (\n\t"id" serial PRIMARY KEY NOT NULL,\n\t"order_id" integer\n);\n',
  };

  it('a second audit after --fix=unsafe is clean, every chunk is one statement, and the history deploys', async () => {
    const dir = writeFiles(files);
    await audit(dir, '--fix=unsafe');
    assert.deepEqual((await audit(dir)).findings, []);
    const journal = JSON.parse(fs.readFileSync(path.join(dir, 'drizzle/meta/_journal.json'), 'utf8')) as { entries: { idx: number; tag: string }[] };
    assert.deepEqual(journal.entries.map((e) => e.idx), journal.entries.map((_, i) => i));
    const db = await fresh();
    for (const e of journal.entries) {
      const text = fs.readFileSync(path.join(dir, 'drizzle', `${e.tag}.sql`), 'utf8');
      for (const chunk of text.split('--> statement-breakpoint')) {
        assert.ok(statementsOf(chunk).length <= 1, `${e.tag}: ${chunk}`);
        if (statementsOf(chunk).length) await db.exec(chunk);
      }
    }
    const r = await db.query<{ convalidated: boolean }>(`select convalidated from pg_constraint where contype = 'f'`);
    assert.deepEqual(r.rows, [{ convalidated: true }]);
    assert.deepEqual(await unindexed(db), []);
  });
});

describe('bug 20: CREATE INDEX IF NOT EXISTS on a name the schema already has is a no-op', () => {
  // Postgres checks the name among the schema's relations (tables, indexes, the indexes of primary keys and unique
  // constraints), whatever table or columns the existing one has: the statement only raises a NOTICE.
  const files = {
    'supabase/migrations/20240101000000_init.sql':
      'create table public.orgs (id uuid primary key, slug text not null);\n' +
      'create table public.projects (id uuid primary key, org_id uuid not null references public.orgs (id) on delete cascade, owner_id uuid, team_id uuid, lead_id uuid);\n' +
      'create table public.teams (id uuid primary key, org_id uuid references public.orgs (id) on delete cascade);\n' +
      'create index projects_org_id_idx on public.projects (owner_id);\n' +
      'create index orgs_slug_idx on public.orgs (slug);\n' +
      'alter table public.projects add constraint projects_team_id_fkey foreign key (team_id) references public.teams (id) on delete set null;\n' +
      'alter table public.projects add constraint projects_lead_id_fkey foreign key (lead_id) references public.orgs (id) on delete set null;\n',
    'supabase/migrations/20240201000000_indexes.sql':
      // The same name as an index on other columns, on another table, as a primary key's index, as a table.
      'create index if not exists projects_org_id_idx on public.projects (org_id);\n' +
      'create index if not exists orgs_slug_idx on public.teams (org_id);\n' +
      'create index if not exists teams_pkey on public.projects (team_id);\n' +
      'create index if not exists orgs on public.projects (lead_id);\n',
  };

  it('adds no index, as Postgres does not: the four foreign keys stay unindexed', async () => {
    const db = await fresh();
    for (const f of Object.values(files)) await db.exec(f);
    assert.deepEqual(await unindexed(db), ['projects.projects_lead_id_fkey', 'projects.projects_org_id_fkey', 'projects.projects_team_id_fkey', 'teams.teams_org_id_fkey']);
    const { db: model } = analyzeFiles(files);
    const uncovered = (t: string) => table(model, t).foreignKeys.filter((f) => !isCovered(table(model, t), f.columns)).map((f) => `${t}.${f.name}`);
    assert.deepEqual([...uncovered('projects'), ...uncovered('teams')].sort(), ['projects.projects_lead_id_fkey', 'projects.projects_org_id_fkey', 'projects.projects_team_id_fkey', 'teams.teams_org_id_fkey']);
  });

  it('CREATE TABLE IF NOT EXISTS of an existing table adds none of its columns, keys or foreign keys', async () => {
    const history = {
      'supabase/migrations/20240101000000_init.sql': 'create table public.orgs (id uuid primary key);\ncreate table public.projects (id uuid primary key, name text);\n',
      'supabase/migrations/20240201000000_again.sql':
        'create table if not exists public.projects (\n  id uuid primary key,\n  org_id uuid not null references public.orgs (id),\n  unique (name)\n);\n',
    };
    const db = await fresh();
    for (const f of Object.values(history)) await db.exec(f);
    const cols = await db.query<{ column_name: string }>(`select column_name from information_schema.columns where table_name = 'projects' order by ordinal_position`);
    assert.deepEqual(cols.rows.map((r) => r.column_name), ['id', 'name']);
    assert.deepEqual(await unindexed(db), []);
    const { db: model } = analyzeFiles(history);
    assert.deepEqual(table(model, 'projects').columns.map((c) => c.name), ['id', 'name']);
    assert.deepEqual(table(model, 'projects').foreignKeys, []);
    assert.deepEqual(table(model, 'projects').indexes, []);
  });

  it('in another schema the name is free: the index is added', () => {
    const { db: model } = analyzeFiles({
      'supabase/migrations/20240101000000_init.sql':
        'create schema billing;\ncreate table public.orgs (id uuid primary key);\ncreate table billing.invoices (id uuid primary key, org_id uuid references public.orgs (id));\n' +
        'create index invoices_org_id_idx on public.orgs (id);\ncreate index if not exists invoices_org_id_idx on billing.invoices (org_id);\n',
    });
    assert.ok(isCovered(table(model, 'billing.invoices'), ['org_id']));
  });
});

describe('bug 21: ADD CONSTRAINT … PRIMARY KEY / UNIQUE USING INDEX (supabase db diff, migra) takes the index as the key', () => {
  // `supabase db diff` writes every key as CREATE UNIQUE INDEX, then ALTER TABLE … ADD CONSTRAINT … USING INDEX: the
  // index becomes the constraint's (renamed to the constraint when the names differ) and the key has its columns.
  const files = {
    'supabase/migrations/20250106093000_init.sql': [
      'create table "public"."orgs" ("id" uuid not null default gen_random_uuid(), "slug" text not null);',
      'create table "public"."memberships" ("org_id" uuid not null, "user_id" uuid, "role" text not null);',
      'CREATE UNIQUE INDEX orgs_pkey ON public.orgs USING btree (id);',
      'CREATE UNIQUE INDEX orgs_slug_key ON public.orgs USING btree (slug);',
      'CREATE UNIQUE INDEX memberships_org_user_idx ON public.memberships USING btree (org_id, user_id);',
      'alter table "public"."orgs" add constraint "orgs_pkey" PRIMARY KEY using index "orgs_pkey";',
      'alter table "public"."orgs" add constraint "orgs_slug_key" UNIQUE using index "orgs_slug_key";',
      'alter table "public"."memberships" add constraint "memberships_pkey" PRIMARY KEY using index "memberships_org_user_idx";',
      'alter table "public"."memberships" add constraint "memberships_org_id_fkey" FOREIGN KEY (org_id) REFERENCES orgs(id) ON DELETE CASCADE not valid;',
      'alter table "public"."memberships" validate constraint "memberships_org_id_fkey";',
      '',
    ].join('\n'),
  };

  it('the keys have the index columns, the index is the key (renamed), and nothing is reported redundant', async () => {
    const db = await fresh();
    for (const f of Object.values(files)) await db.exec(f);
    const idx = await db.query<{ indexname: string }>(`select indexname from pg_indexes where schemaname = 'public' order by 1`);
    assert.deepEqual(idx.rows.map((r) => r.indexname), ['memberships_pkey', 'orgs_pkey', 'orgs_slug_key']);
    const nn = await db.query<{ attname: string }>(`select attname from pg_attribute where attrelid = 'public.memberships'::regclass and attnotnull and attnum > 0 order by 1`);
    assert.deepEqual(nn.rows.map((r) => r.attname), ['org_id', 'role', 'user_id']);
    const { db: model } = analyzeFiles(files);
    assert.deepEqual(table(model, 'orgs').primaryKey?.columns, ['id']);
    assert.deepEqual(table(model, 'memberships').primaryKey && [table(model, 'memberships').primaryKey!.name, ...table(model, 'memberships').primaryKey!.columns], ['memberships_pkey', 'org_id', 'user_id']);
    assert.deepEqual(table(model, 'orgs').indexes.map((i) => `${i.name} ${i.kind} ${i.columns}`), ['orgs_slug_key unique slug']);
    assert.deepEqual(table(model, 'memberships').indexes, []);
    assert.equal(table(model, 'memberships').columns.find((c) => c.name === 'user_id')?.nullable, false);
    const dir = writeFiles(files);
    const { findings } = await audit(dir);
    assert.deepEqual(findings.map((f) => f.rule), []);
  });
});

describe('bug 22: DROP INDEX names the index in its schema', () => {
  // `DROP INDEX billing.x` drops billing's x; `DROP INDEX x` (search_path: public) drops public's x, not another
  // schema's index of the same name.
  const files = {
    'supabase/migrations/20240101000000_init.sql':
      'create schema billing;\ncreate table public.orgs (id uuid primary key);\n' +
      'create table billing.invoices (id uuid primary key, org_id uuid references public.orgs (id) on delete cascade);\n' +
      'create table public.projects (id uuid primary key, org_id uuid references public.orgs (id) on delete cascade);\n' +
      'create index org_id_idx on billing.invoices (org_id);\ncreate index org_id_idx on public.projects (org_id);\n',
    'supabase/migrations/20240201000000_drop.sql': 'drop index billing.org_id_idx;\n',
  };

  it('the schema-qualified drop removes that schema\'s index, and only it', async () => {
    const db = await fresh();
    for (const f of Object.values(files)) await db.exec(f);
    assert.deepEqual(await unindexed(db), ['billing.invoices.invoices_org_id_fkey']);
    const { db: model } = analyzeFiles(files);
    assert.ok(!isCovered(table(model, 'billing.invoices'), ['org_id']), 'billing.invoices (org_id) is no longer indexed');
    assert.ok(isCovered(table(model, 'projects'), ['org_id']), 'public.projects keeps its index');
  });

  it('an unqualified drop removes public\'s index, not another schema\'s of the same name', async () => {
    const other = { ...files, 'supabase/migrations/20240201000000_drop.sql': 'drop index org_id_idx;\n' };
    const db = await fresh();
    for (const f of Object.values(other)) await db.exec(f);
    assert.deepEqual(await unindexed(db), ['projects.projects_org_id_fkey']);
    const { db: model } = analyzeFiles(other);
    assert.ok(isCovered(table(model, 'billing.invoices'), ['org_id']));
    assert.ok(!isCovered(table(model, 'projects'), ['org_id']));
  });
});

describe('bug 23 (MySQL): index names belong to their table', () => {
  // MySQL names an index within its table: two tables may each have idx_user_id, and `DROP INDEX i ON t` (what Prisma
  // migrate writes for MySQL) drops t's.
  const files = {
    '/w/db/migrations/001_init.sql':
      'CREATE TABLE users (id INT PRIMARY KEY);\nCREATE TABLE orders (id INT PRIMARY KEY, user_id INT);\nCREATE TABLE payments (id INT PRIMARY KEY, user_id INT);\n' +
      'CREATE INDEX idx_user_id ON orders (user_id);\nCREATE INDEX idx_user_id ON payments (user_id);\n',
    '/w/db/migrations/002_drop.sql': 'DROP INDEX idx_user_id ON orders;\n',
  };

  it('each table has its own idx_user_id, and DROP INDEX … ON orders drops the orders one', () => {
    const { db } = analyzeFiles(files, 'mysql');
    assert.deepEqual(table(db, 'orders').indexes.map((i) => i.name), []);
    assert.deepEqual(table(db, 'payments').indexes.map((i) => `${i.name} ${i.columns}`), ['idx_user_id user_id']);
  });
});

describe('bug 24 (SQLite): DROP INDEX without ON (drizzle-kit and Prisma write it) parses and drops the index', () => {
  // node-sql-parser's SQLite grammar wants MySQL's `DROP INDEX i ON t`; SQLite's own is `DROP INDEX [IF EXISTS] [s.]i`.
  const files = {
    '/w/migrations/0001_init.sql':
      'CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT);\nCREATE TABLE posts (id INTEGER PRIMARY KEY, user_id INTEGER REFERENCES users(id));\n' +
      'CREATE INDEX posts_user_idx ON posts (user_id);\nCREATE UNIQUE INDEX `users_email_unique` ON `users` (`email`);\nCREATE INDEX "users_email_idx" ON "users" ("email");\n',
    '/w/migrations/0002_drop.sql': 'DROP INDEX posts_user_idx;\nDROP INDEX IF EXISTS `users_email_unique`;\nDROP INDEX main."users_email_idx"; -- gone\n',
  };

  it('no syntax error, and the three indexes are gone (as in SQLite)', async () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const initSqlJs = require('sql.js') as () => Promise<{ Database: new () => { exec(sql: string): { values: unknown[][] }[]; close(): void } }>;
    const lite = new (await initSqlJs()).Database();
    for (const f of Object.values(files)) lite.exec(f);
    assert.deepEqual(lite.exec(`select name from sqlite_master where type = 'index'`), []);
    lite.close();
    const { analysis, db: model } = analyzeFiles(files, 'sqlite');
    assert.deepEqual(analysis.diagnostics, []);
    assert.deepEqual(table(model, 'posts').indexes, []);
    assert.deepEqual(table(model, 'users').indexes, []);
  });
});

describe('bug 25: ALTER INDEX [IF EXISTS] s.n RENAME TO m renames schema s\'s index n', () => {
  // Two schemas with an index of the same name: the rename picked whichever index the name was last seen on.
  const files = {
    'supabase/migrations/20240101000000_init.sql':
      'create schema billing;\ncreate table public.orgs (id uuid primary key);\n' +
      'create table billing.invoices (id uuid primary key, org_id uuid references public.orgs (id) on delete cascade);\n' +
      'create table public.projects (id uuid primary key, org_id uuid references public.orgs (id) on delete cascade);\n' +
      'create index org_id_idx on billing.invoices (org_id);\ncreate index org_id_idx on public.projects (org_id);\n',
    'supabase/migrations/20240201000000_names.sql':
      'alter index billing.org_id_idx rename to invoices_org_id_idx;\nalter index if exists org_id_idx rename to projects_org_id_idx;\n' +
      '-- The primary key\'s index: renaming it renames the constraint.\nalter index public.orgs_pkey rename to orgs_pk;\n',
    'supabase/migrations/20240301000000_drop.sql': 'drop index billing.invoices_org_id_idx;\n',
  };

  async function pgIndexes(db: PGliteInterface): Promise<string[]> {
    const r = await db.query<{ x: string }>(
      `select t.oid::regclass::text || ' ' || i.relname as x from pg_index x join pg_class i on i.oid = x.indexrelid join pg_class t on t.oid = x.indrelid
       where t.relnamespace in ('public'::regnamespace, 'billing'::regnamespace) order by 1`,
    );
    return r.rows.map((x) => x.x);
  }
  const modelIndexes = (db: Database) =>
    db.tables.flatMap((t) => [t.primaryKey, ...t.indexes].filter((i) => i !== undefined).map((i) => `${t.name} ${i.name}`)).sort();

  it('each schema\'s index is renamed, and a later drop of the new name drops billing\'s alone (as in PGlite)', async () => {
    const db = await fresh();
    for (const f of Object.values(files)) await db.exec(f);
    const { db: model } = analyzeFiles(files);
    assert.deepEqual(modelIndexes(model), await pgIndexes(db));
    assert.deepEqual(modelIndexes(model), ['billing.invoices invoices_pkey', 'orgs orgs_pk', 'projects projects_org_id_idx', 'projects projects_pkey']);
    assert.deepEqual(await unindexed(db), ['billing.invoices.invoices_org_id_fkey']);
    assert.ok(!isCovered(table(model, 'billing.invoices'), ['org_id']));
    assert.ok(isCovered(table(model, 'projects'), ['org_id']));
  });

  it('before the drop: both indexes, each under its new name', async () => {
    const two = { ...files };
    delete (two as Partial<typeof files>)['supabase/migrations/20240301000000_drop.sql'];
    const db = await fresh();
    for (const f of Object.values(two)) await db.exec(f);
    const { db: model } = analyzeFiles(two);
    assert.deepEqual(modelIndexes(model), await pgIndexes(db));
  });
});

describe('bug 26: a partitioned table renamed, moved to another schema or dropped takes its partitions along', () => {
  const init =
    'create schema archive;\n' +
    'create table public.events (id bigint not null, at timestamptz not null, kind text not null, primary key (id, at)) partition by range (at);\n' +
    "create table public.events_2024 partition of public.events for values from ('2024-01-01') to ('2025-01-01');\n" +
    "create table public.events_2025 partition of public.events for values from ('2025-01-01') to ('2026-01-01');\n";
  const cases: Record<string, string> = {
    rename: 'alter table public.events rename to audit_events;\n',
    'set schema': 'alter table public.events set schema archive;\n',
    drop: 'drop table public.events;\n',
  };

  for (const [name, change] of Object.entries(cases)) {
    it(`${name}: each partition's parent is the one PGlite has, and no partition is reported without a primary key`, async () => {
      const files = { 'supabase/migrations/20240101000000_init.sql': init, 'supabase/migrations/20240201000000_change.sql': change };
      const db = await fresh();
      for (const f of Object.values(files)) await db.exec(f);
      const r = await db.query<{ x: string }>(
        `select c.oid::regclass::text || ' -> ' || p.oid::regclass::text as x from pg_inherits h join pg_class c on c.oid = h.inhrelid join pg_class p on p.oid = h.inhparent where c.relkind in ('r', 'p') order by 1`,
      );
      const { db: model } = analyzeFiles(files);
      assert.deepEqual(model.tables.filter((t) => t.partitionOf !== undefined).map((t) => `${t.name} -> ${t.partitionOf}`).sort(), r.rows.map((x) => x.x));
      const dir = writeFiles(files);
      const { findings } = await audit(dir);
      assert.deepEqual(findings.filter((f) => f.rule === 'missing-primary-key').map((f) => f.message), []);
    });
  }
});

describe('bug 27: DROP CONSTRAINT … CASCADE and DROP INDEX … CASCADE drop the foreign keys that reference the key', () => {
  const init =
    'create table users (id bigint primary key, email text not null);\ncreate unique index users_email_key on users (email);\n' +
    'create table posts (id bigint primary key, author_id bigint not null references users (id), author_email text references users (email));\n' +
    'create index posts_author_id_idx on posts (author_id);\ncreate index posts_author_email_idx on posts (author_email);\n';
  const cases: Record<string, string[]> = {
    'drop constraint users_pkey cascade': ['alter table users drop constraint users_pkey cascade;\n', 'posts.posts_author_email_fkey'],
    'drop index users_email_key cascade': ['drop index users_email_key cascade;\n', 'posts.posts_author_id_fkey'],
  };
  for (const [name, [change, left]] of Object.entries(cases)) {
    it(`${name}: the foreign keys left are PGlite's`, async () => {
      const files = { 'migrations/001_init.sql': init, 'migrations/002_change.sql': change };
      const db = await fresh();
      for (const f of Object.values(files)) await db.exec(f);
      const r = await db.query<{ x: string }>(`select conrelid::regclass::text || '.' || conname as x from pg_constraint where contype = 'f' order by 1`);
      assert.deepEqual(r.rows.map((x) => x.x), [left]);
      const { db: model } = analyzeFiles(files);
      assert.deepEqual(model.tables.flatMap((t) => t.foreignKeys.map((f) => `${t.name}.${f.name}`)).sort(), [left]);
    });
  }
});

/** Each table's columns, primary key, index names and foreign key names, as `table: …` lines (PGlite's catalog). */
async function pgShape(db: PGliteInterface): Promise<string[]> {
  const r = await db.query<{ x: string }>(`
    select c.oid::regclass::text || ': cols=' ||
      (select string_agg(attname, ',' order by attnum) from pg_attribute where attrelid = c.oid and attnum > 0 and not attisdropped) ||
      ' pk=' || coalesce((select conname from pg_constraint where conrelid = c.oid and contype = 'p'), '-') ||
      ' idx=' || coalesce((select string_agg(i.relname, ',' order by i.relname) from pg_index x join pg_class i on i.oid = x.indexrelid where x.indrelid = c.oid and not x.indisprimary), '-') ||
      ' fk=' || coalesce((select string_agg(conname, ',' order by conname) from pg_constraint where conrelid = c.oid and contype = 'f'), '-') as x
    from pg_class c where c.relkind in ('r', 'p') and c.relnamespace in (select oid from pg_namespace where nspname in ('public', 'billing')) order by 1`);
  return r.rows.map((x) => x.x.replace(/^public\./, ''));
}

function modelShape(db: Database): string[] {
  return db.tables
    .map((t) => {
      const idx = t.indexes.map((i) => i.name).sort().join(',') || '-';
      const fk = t.foreignKeys.map((f) => f.name).sort().join(',') || '-';
      return `${t.name}: cols=${t.columns.map((c) => c.name).join(',')} pk=${t.primaryKey?.name ?? '-'} idx=${idx} fk=${fk}`;
    })
    .sort();
}

describe('bug 28: DETACH PARTITION leaves a table of its own, with the columns, keys and indexes it had as a partition', () => {
  // Archiving last year's partition: detached, it keeps its primary key; it was reported as having none.
  const files = {
    'supabase/migrations/20240101000000_events.sql':
      'create table public.orgs (id bigint primary key);\n' +
      'create table public.events (\n  id bigint not null,\n  org_id bigint not null references public.orgs (id) on delete cascade,\n  at timestamptz not null,\n  primary key (id, at)\n) partition by range (at);\n' +
      'create index events_org_idx on public.events (org_id);\n' +
      "create table public.events_2024 partition of public.events for values from ('2024-01-01') to ('2025-01-01');\n" +
      "create table public.events_2025 partition of public.events for values from ('2025-01-01') to ('2026-01-01');\n",
    'supabase/migrations/20250105000000_archive_2024.sql': 'alter table public.events detach partition public.events_2024;\n',
  };

  it('the detached table has what PGlite gives it, and is not reported without a primary key', async () => {
    const db = await fresh();
    for (const f of Object.values(files)) await db.exec(f);
    const { db: model } = analyzeFiles(files);
    const shape = await pgShape(db);
    assert.deepEqual(modelShape(model).filter((x) => x.startsWith('events_2024')), shape.filter((x) => x.startsWith('events_2024')));
    assert.equal(table(model, 'events_2024').partitionOf, undefined);
    assert.equal(table(model, 'events_2025').partitionOf, 'events');
    const { findings } = await audit(writeFiles(files));
    assert.deepEqual(findings.filter((f) => f.rule === 'missing-primary-key' || f.rule === 'unindexed-foreign-key').map((f) => f.message), []);
  });
});

describe('bug 29: DROP SCHEMA … CASCADE drops its tables, and the foreign keys into them', () => {
  const files = {
    'supabase/migrations/20240101000000_init.sql':
      'create schema billing;\ncreate table public.orgs (id bigint primary key);\n' +
      'create table billing.invoices (id bigint primary key, org_id bigint not null references public.orgs (id) on delete cascade);\n' +
      'create table public.payments (id bigint primary key, invoice_id bigint references billing.invoices (id));\n',
    'supabase/migrations/20240201000000_drop_billing.sql': 'drop schema billing cascade;\n',
  };

  it('the tables and foreign keys left are PGlite\'s', async () => {
    const db = await fresh();
    for (const f of Object.values(files)) await db.exec(f);
    const { db: model } = analyzeFiles(files);
    assert.deepEqual(modelShape(model), await pgShape(db));
    assert.deepEqual(modelShape(model), ['orgs: cols=id pk=orgs_pkey idx=- fk=-', 'payments: cols=id,invoice_id pk=payments_pkey idx=- fk=-']);
  });
});

describe('bug 30 (MySQL): ALTER TABLE … RENAME INDEX a TO b (Prisma writes it) parses and renames the index', () => {
  // node-sql-parser refuses RENAME INDEX: the statement was a syntax error, and the index kept its old name, so a later
  // `DROP INDEX b ON t` dropped nothing.
  const files = {
    '/w/prisma/migrations/migration_lock.toml': 'provider = "mysql"\n',
    '/w/prisma/migrations/20240101000000_init/migration.sql':
      'CREATE TABLE `User` (\n    `id` INTEGER NOT NULL AUTO_INCREMENT,\n    PRIMARY KEY (`id`)\n) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;\n\n' +
      'CREATE TABLE `Post` (\n    `id` INTEGER NOT NULL AUTO_INCREMENT,\n    `authorId` INTEGER NOT NULL,\n    `slug` VARCHAR(191) NOT NULL,\n\n' +
      '    INDEX `Post_authorId_fkey`(`authorId`),\n    UNIQUE INDEX `Post_slug_key`(`slug`),\n    PRIMARY KEY (`id`)\n) DEFAULT CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;\n',
    '/w/prisma/migrations/20240201000000_names/migration.sql':
      '-- RenameIndex\nALTER TABLE `Post` RENAME INDEX `Post_authorId_fkey` TO `Post_authorId_idx`;\n\n-- RenameIndex\nALTER TABLE `Post` RENAME KEY `Post_slug_key` TO `Post_handle_key`;\n',
  };

  it('no syntax error, and the indexes have their new names', () => {
    const { analysis, db } = analyzeFiles(files, 'mysql');
    assert.deepEqual(analysis.diagnostics.map((d) => d.message), []);
    assert.deepEqual(table(db, 'Post').indexes.map((i) => `${i.name} ${i.columns}`), ['Post_authorId_idx authorId', 'Post_handle_key slug']);
  });

  it('a later DROP INDEX of the new name drops it', () => {
    const { db } = analyzeFiles({ ...files, '/w/prisma/migrations/20240301000000_drop/migration.sql': '-- DropIndex\nDROP INDEX `Post_handle_key` ON `Post`;\n' }, 'mysql');
    assert.deepEqual(table(db, 'Post').indexes.map((i) => i.name), ['Post_authorId_idx']);
  });

  it('what is not one rename stays a syntax error', () => {
    const { analysis } = analyzeFiles({ '/w/db/migrations/001_x.sql': 'CREATE TABLE t (id INT PRIMARY KEY);\nALTER TABLE t RENAME INDEX a TO b, DROP COLUMN zz zz;\n' }, 'mysql');
    assert.equal(analysis.diagnostics.filter((d) => d.code === 'sql-syntax').length, 1);
  });
});

describe('bug 31: DROP TYPE … CASCADE drops the columns of that type; DROP TYPE forgets the type', () => {
  // DROP TYPE named no type at all (libpg-query gives a TypeName, not a list of names), so the columns stayed.
  const files = {
    'supabase/migrations/20240101000000_init.sql':
      "create type public.order_status as enum ('new', 'paid', 'shipped');\ncreate type \"Channel\" as enum ('web', 'store');\n" +
      'create table public.orders (\n  id bigint primary key,\n  status order_status not null,\n  previous public.order_status[],\n  channel "Channel",\n  note text\n);\n' +
      'create index orders_status_idx on public.orders (status);\n',
    'supabase/migrations/20240201000000_drop_types.sql': 'drop type if exists public.order_status cascade;\ndrop type "Channel" cascade;\n',
  };

  it('the columns and indexes left are PGlite\'s, and the types are gone', async () => {
    const db = await fresh();
    for (const f of Object.values(files)) await db.exec(f);
    const { db: model } = analyzeFiles(files);
    assert.deepEqual(modelShape(model), await pgShape(db));
    assert.deepEqual(modelShape(model), ['orders: cols=id,note pk=orders_pkey idx=- fk=-']);
    assert.deepEqual(model.enums.map((e) => e.name), []);
  });
});

/** Every enum type of public and billing as `name: values` (public's unqualified), from pg_enum in sort order. */
async function pgEnums(db: PGliteInterface): Promise<string[]> {
  const r = await db.query<{ x: string }>(`
    select (case when n.nspname = 'public' then t.typname else n.nspname || '.' || t.typname end) || ': ' ||
      string_agg(e.enumlabel, ',' order by e.enumsortorder) as x
    from pg_type t join pg_enum e on e.enumtypid = t.oid join pg_namespace n on n.oid = t.typnamespace
    where n.nspname in ('public', 'billing') group by n.nspname, t.typname order by 1`);
  return r.rows.map((x) => x.x);
}

/** The columns whose type is an enum (not an array of one), as `table.column`. */
async function pgEnumColumns(db: PGliteInterface): Promise<string[]> {
  const r = await db.query<{ x: string }>(`
    select c.oid::regclass::text || '.' || a.attname as x from pg_attribute a join pg_class c on c.oid = a.attrelid
      join pg_type t on t.oid = a.atttypid
    where t.typtype = 'e' and c.relkind in ('r', 'p') and a.attnum > 0 and not a.attisdropped
      and c.relnamespace in (select oid from pg_namespace where nspname in ('public', 'billing')) order by 1`);
  return r.rows.map((x) => x.x.replace(/^public\./, ''));
}

function modelEnums(db: Database): string[] {
  return db.enums.map((e) => `${e.name}: ${e.values.join(',')}`).sort();
}

function modelEnumColumns(db: Database): string[] {
  return db.tables.flatMap((t) => t.columns.filter((c) => c.type === 'enum').map((c) => `${t.name}.${c.name}`)).sort();
}

describe('bug 32: ALTER TYPE … RENAME TO / SET SCHEMA / RENAME VALUE / ADD VALUE BEFORE|AFTER are replayed', () => {
  // The enum kept its old name and values: a column written with the new name was not an enum, RENAME VALUE added
  // the new value and kept the old one, ADD VALUE … BEFORE went to the end.
  const files = {
    'supabase/migrations/20240101000000_init.sql':
      'create schema billing;\n' +
      "create type public.order_status as enum ('pending', 'paid', 'shipped');\n" +
      "create type billing.plan as enum ('free', 'pro');\n" +
      "create table public.orders (\n  id bigint primary key,\n  status order_status not null default 'pending',\n  previous order_status[]\n);\n" +
      'create table billing.subscriptions (\n  id bigint primary key,\n  plan billing.plan not null\n);\n',
    'supabase/migrations/20240201000000_order_states.sql':
      'alter type public.order_status rename to order_state;\n' +
      "alter type order_state rename value 'shipped' to 'dispatched';\n" +
      "alter type order_state add value if not exists 'refunded' after 'paid';\n" +
      "alter type order_state add value 'draft' before 'pending';\n" +
      "alter type order_state add value if not exists 'paid';\n" +
      'alter type billing.plan set schema public;\n' +
      'alter type public.plan rename to billing_plan;\n',
    'supabase/migrations/20240301000000_refunds.sql':
      'create table public.refunds (\n  id bigint primary key,\n  order_id bigint not null references public.orders (id),\n  state order_state not null,\n  plan billing_plan\n);\n',
  };

  it('the enums\' names and values, and the enum columns, are PGlite\'s', async () => {
    const db = await fresh();
    for (const f of Object.values(files)) await runAsRunner(db, f);
    const { db: model } = analyzeFiles(files);
    assert.deepEqual(modelEnums(model), await pgEnums(db));
    assert.deepEqual(modelEnums(model), ['billing_plan: free,pro', 'order_state: draft,pending,paid,refunded,dispatched']);
    assert.deepEqual(modelEnumColumns(model), await pgEnumColumns(db));
    assert.deepEqual(modelEnumColumns(model), ['billing.subscriptions.plan', 'orders.status', 'refunds.plan', 'refunds.state']);
  });

  it('DROP TYPE <new name> CASCADE drops the columns written with the old name (and their copies), as in PGlite', async () => {
    const dropped = {
      ...files,
      'supabase/migrations/20240301500000_copies.sql':
        'create table public.orders_like (like public.orders including all);\ncreate table public.orders_2024 as select * from public.orders;\n' +
        'create table public.order_states (order_id, s) as select id, status from public.orders;\n',
      'supabase/migrations/20240401000000_drop.sql': 'drop type order_state cascade;\ndrop type public.billing_plan cascade;\n',
    };
    const db = await fresh();
    for (const f of Object.values(dropped)) await runAsRunner(db, f);
    const { db: model } = analyzeFiles(dropped);
    assert.deepEqual(modelShape(model), await pgShape(db));
    assert.deepEqual(modelEnums(model), []);
  });

  it('Prisma\'s enum change (create Role_new, retype, rename both, drop Role_old) leaves Role with the new values', async () => {
    const prisma = {
      'prisma/migrations/migration_lock.toml': 'provider = "postgresql"\n',
      'prisma/migrations/20240101000000_init/migration.sql':
        '-- CreateEnum\nCREATE TYPE "Role" AS ENUM (\'USER\', \'EDITOR\', \'ADMIN\');\n\n' +
        '-- CreateTable\nCREATE TABLE "User" (\n    "id" SERIAL NOT NULL,\n    "role" "Role" NOT NULL DEFAULT \'USER\',\n\n    CONSTRAINT "User_pkey" PRIMARY KEY ("id")\n);\n',
      'prisma/migrations/20240201000000_drop_editor/migration.sql':
        '-- AlterEnum\nBEGIN;\nCREATE TYPE "Role_new" AS ENUM (\'USER\', \'ADMIN\');\nALTER TABLE "User" ALTER COLUMN "role" DROP DEFAULT;\n' +
        'ALTER TABLE "User" ALTER COLUMN "role" TYPE "Role_new" USING ("role"::text::"Role_new");\n' +
        'ALTER TYPE "Role" RENAME TO "Role_old";\nALTER TYPE "Role_new" RENAME TO "Role";\nDROP TYPE "Role_old";\n' +
        'ALTER TABLE "User" ALTER COLUMN "role" SET DEFAULT \'USER\';\nCOMMIT;\n',
    };
    const db = await fresh();
    for (const [file, text] of Object.entries(prisma)) if (file.endsWith('.sql')) await db.exec(text);
    const reader = inline(prisma);
    const units = sqlFrontEnd.discover(Object.keys(prisma).sort(), reader);
    const model = sqlFrontEnd.analyze(units[0], reader, { validation: true }).databases[0];
    assert.deepEqual(modelEnums(model), await pgEnums(db));
    assert.deepEqual(modelEnums(model), ['Role: USER,ADMIN']);
    assert.deepEqual(modelEnumColumns(model), ['User.role']);
  });
});

describe('bug 33: the string-enum fix never creates a type whose name the schema already has', () => {
  // `CREATE TYPE public.invoice_status` where invoice_events already uses a type of that name: the new migration (or the
  // edited schema file) failed with "type invoice_status already exists".
  const init =
    "create type public.invoice_status as enum ('open', 'paid', 'void');\n" +
    "create table public.invoice (\n  id bigint primary key,\n  status text not null default 'open'\n);\n" +
    'create table public.invoice_events (\n  id bigint primary key,\n  invoice_id bigint not null references public.invoice (id),\n  status invoice_status not null\n);\n';

  /** Applies one createEnum fix and runs every resulting .sql file, in order, in PGlite; returns the files and invoice.status's type. */
  async function fixAndRun(files: Record<string, string>, values: string[]): Promise<{ texts: Map<string, string>; type: string; enums: string[]; db: PGliteInterface }> {
    const { db: model, reader } = analyzeFiles(files);
    const invoice = table(model, 'invoice');
    const edits = sqlFrontEnd.writeFix({ kind: 'createEnum', database: model, table: invoice, column: invoice.columns.find((c) => c.name === 'status')!, values }, reader);
    assert.ok(edits);
    const changed = applyEdits(edits, reader);
    const texts = new Map(Object.entries(files));
    for (const [f, t] of changed) texts.set(f, t);
    const db = await fresh();
    for (const f of [...texts.keys()].filter((x) => x.endsWith('.sql') && !x.endsWith('.down.sql')).sort()) await runAsRunner(db, texts.get(f)!);
    const r = await db.query<{ t: string }>(`select atttypid::regtype::text as t from pg_attribute where attrelid = 'public.invoice'::regclass and attname = 'status'`);
    return { texts, type: r.rows[0].t, enums: await pgEnums(db), db };
  }

  it('an applied history: the new migration creates invoice_status1, which runs after the history', async () => {
    const { texts, type, enums } = await fixAndRun({ 'supabase/migrations/20240101000000_init.sql': init }, ['open', 'paid', 'void']);
    const added = [...texts.entries()].filter(([f]) => !f.endsWith('_init.sql')).map(([, t]) => t).join('\n');
    assert.match(added, /CREATE TYPE public\.invoice_status1 AS ENUM \('open', 'paid', 'void'\);/);
    assert.equal(type, 'invoice_status1');
    assert.deepEqual([...enums].sort(), ['invoice_status1: open,paid,void', 'invoice_status: open,paid,void']);
  });

  it('golang-migrate: the .down.sql drops the new type, never the one the history made', async () => {
    const { texts, type, db } = await fixAndRun({ 'db/migrations/000001_init.up.sql': init, 'db/migrations/000001_init.down.sql': 'drop table invoice_events;\ndrop table invoice;\ndrop type invoice_status;\n' }, ['open', 'paid']);
    assert.equal(type, 'invoice_status1');
    const down = [...texts.entries()].find(([f]) => f.startsWith('db/migrations/000002_') && f.endsWith('.down.sql'));
    assert.ok(down, [...texts.keys()].join(', '));
    assert.match(down[1], /DROP TYPE IF EXISTS public\.invoice_status1;/);
    await runAsRunner(db, down[1]);
    assert.deepEqual(await pgEnums(db), ['invoice_status: open,paid,void']);
  });

  it('a lone schema file edited in place: the CREATE TYPE it adds takes a free name, and the file runs', async () => {
    const { texts, type } = await fixAndRun({ 'db/schema.sql': init }, ['open', 'paid', 'void']);
    assert.match(texts.get('db/schema.sql')!, /CREATE TYPE public\.invoice_status1 AS ENUM/);
    assert.equal(type, 'invoice_status1');
  });

  it('a long name stays within 63 bytes (shortened as Postgres shortens the names it makes), numbered within them', async () => {
    const column = `${'x'.repeat(40)}_status`;
    const first = makeObjectName('customer_invoice_line_items', column, undefined);
    assert.equal(first.length, 63);
    const files = {
      'supabase/migrations/20240101000000_init.sql':
        `create table public.customer_invoice_line_items (id bigint primary key, ${column} text not null default 'open');\n` +
        `create type public.${first} as enum ('a');\n`,
    };
    const { db: model, reader } = analyzeFiles(files);
    const t = table(model, 'customer_invoice_line_items');
    const edits = sqlFrontEnd.writeFix({ kind: 'createEnum', database: model, table: t, column: t.columns[1], values: ['open', 'paid'] }, reader)!;
    const text = edits.map((e) => e.edits.map((x) => x.newText).join('')).join('');
    const name = /CREATE TYPE public\.(\w+) AS ENUM/.exec(text)![1];
    // As the Drizzle writer numbers it: makeObjectName keeps room for `_1`, and the number takes the place of `_1`.
    assert.equal(name, `${makeObjectName('customer_invoice_line_items', column, '1').slice(0, -2)}1`);
    assert.ok(Buffer.byteLength(name) <= 63);
    const db = await fresh();
    await runAsRunner(db, files['supabase/migrations/20240101000000_init.sql']);
    await runAsRunner(db, text);
    assert.deepEqual((await pgEnums(db)).map((e) => e.split(':')[0]).sort(), [first, name].sort());
  });

  it('a table of that name takes the type name too (its row type)', async () => {
    const files = { 'supabase/migrations/20240101000000_init.sql': "create table public.invoice (id bigint primary key, status text not null default 'open');\ncreate table public.invoice_status (id bigint primary key);\n" };
    const { type } = await fixAndRun(files, ['open', 'paid']);
    assert.equal(type, 'invoice_status1');
  });
});

describe('bug 34: an index on a materialized view created in the same migration is not index-not-concurrent', () => {
  // The view was new in that migration (nobody can read or refresh it before the migration commits), but only tables
  // counted as created there: "CREATE INDEX on existing table team_stats".
  const files = {
    'supabase/migrations/20240101000000_init.sql': 'create table public.tasks (\n  id bigint primary key,\n  team_id bigint not null\n);\n',
    'supabase/migrations/20240201000000_stats.sql':
      'create materialized view public.team_stats as\n  select team_id, count(*) as n from public.tasks group by team_id;\n' +
      'create unique index team_stats_team_id_idx on public.team_stats (team_id);\n',
    'supabase/migrations/20240301000000_more.sql': 'create index team_stats_n_idx on public.team_stats (n);\ncreate index tasks_team_id_idx on public.tasks (team_id);\n',
  };

  it('reports the indexes of the later migration, not the one built with the view', () => {
    const { db } = analyzeFiles(files);
    const findings: { line: number; file: string }[] = [];
    indexNotConcurrent.check({ databases: [db], codeFiles: [], databaseFor: () => undefined, report: (f) => findings.push({ line: f.loc.range.start.line, file: f.loc.file }) });
    assert.deepEqual(findings.map((f) => `${f.file.slice(f.file.lastIndexOf('/') + 1)}:${f.line}`), ['20240301000000_more.sql:0', '20240301000000_more.sql:1']);
  });

  it('on a materialized view made earlier, the message speaks of what the lock blocks there: its REFRESH, not writes', () => {
    const { db } = analyzeFiles(files);
    const messages: string[] = [];
    indexNotConcurrent.check({ databases: [db], codeFiles: [], databaseFor: () => undefined, report: (f) => messages.push(f.message) });
    assert.match(messages[0], /^CREATE INDEX on existing materialized view team_stats without CONCURRENTLY takes a SHARE lock: reads go on, but REFRESH MATERIALIZED VIEW team_stats waits/);
    assert.match(messages[1], /^CREATE INDEX on existing table tasks without CONCURRENTLY .* every insert, update and delete/);
  });
});

describe('bug 35: dropping a column drops the indexes whose predicate or expressions read it', () => {
  // Soft delete removed: `drop column deleted_at` drops the partial unique index `… where deleted_at is null` (and an
  // index on lower(email) goes with email), but the model kept them.
  const files = {
    'supabase/migrations/20240101000000_init.sql':
      'create table public.members (\n  id bigint primary key,\n  account_id bigint not null,\n  email text not null,\n  removed_at timestamptz\n);\n' +
      'create unique index members_account_live_idx on public.members (account_id) where removed_at is null;\n' +
      'create index members_email_lower_idx on public.members (lower(email));\n' +
      'create index members_account_idx on public.members (account_id);\n' +
      'create index members_id_cover_idx on public.members (id) include (removed_at);\n' +
      'create table public.members_copy (like public.members including all);\n',
    'supabase/migrations/20240201000000_rename.sql': 'alter table public.members rename column removed_at to deleted_at;\n',
    'supabase/migrations/20240301000000_drop.sql':
      'alter table public.members drop column deleted_at;\nalter table public.members drop column email;\nalter table public.members_copy drop column removed_at, drop column email;\n',
  };

  it('the indexes left are PGlite\'s', async () => {
    const db = await fresh();
    for (const f of Object.values(files)) await runAsRunner(db, f);
    const { db: model } = analyzeFiles(files);
    assert.deepEqual(modelShape(model), await pgShape(db));
    assert.deepEqual(modelShape(model), [
      'members: cols=id,account_id pk=members_pkey idx=members_account_idx fk=-',
      'members_copy: cols=id,account_id pk=members_copy_pkey idx=members_copy_account_id_idx1 fk=-',
    ]);
  });
});

describe('bug 36: unnamed expression and INCLUDE indexes, and LIKE copies of unique indexes, have the names Postgres gives them', () => {
  // Every expression was `expr` (Postgres: the function's name, a cast column's name, `case`, `coalesce`…), INCLUDE
  // columns were left out of the name, and a copied unique index took `_key`, which only a unique constraint's copy
  // takes: a later DROP INDEX of the real name missed.
  const files = {
    'supabase/migrations/20240101000000_init.sql':
      'create table public.people (\n  id bigint primary key,\n  email text not null,\n  first_name text,\n  last_name text,\n  born_at timestamptz,\n  constraint people_email_u unique (email)\n);\n' +
      'create index on public.people (lower(email));\n' +
      'create index on public.people ((first_name || last_name));\n' +
      'create index on public.people ((email::varchar));\n' +
      'create index on public.people (coalesce(first_name, last_name));\n' +
      "create index on public.people (date_trunc('day', born_at at time zone 'UTC'));\n" +
      'create index on public.people ((case when last_name is null then 1 end));\n' +
      'create index on public.people (greatest(first_name, last_name), id);\n' +
      'create unique index on public.people (id) where last_name is null;\n' +
      'create index on public.people (born_at) include (first_name, last_name);\n' +
      'alter table public.people add unique (first_name) include (last_name);\n' +
      'create table public.people_copy (like public.people including all);\n',
    'supabase/migrations/20240201000000_drop.sql': 'drop index public.people_lower_idx;\ndrop index public.people_copy_coalesce_idx;\ndrop index public.people_copy_id_idx;\n',
  };

  it('the index names are PGlite\'s', async () => {
    const db = await fresh();
    for (const f of Object.values(files)) await runAsRunner(db, f);
    const { db: model } = analyzeFiles(files);
    assert.deepEqual(modelShape(model), await pgShape(db));
  });
});
