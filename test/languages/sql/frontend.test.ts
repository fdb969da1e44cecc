import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { isCovered } from '../../../rules/types';
import { parseSql, sqlFrontEnd } from '../../../server/src/languages/sql';
import { compareMigrationNames } from '../../../server/src/languages/sql/discover';
import { splitStatements, sniffDialect } from '../../../server/src/languages/sql/lexer';
import type { SourceReader } from '../../../server/src/languages/types';
import { FIXTURES, analyzeFixture, listFiles, memoryReader, ready, table, unitsOf } from './helpers';

function inline(files: Record<string, string>): SourceReader {
  return { read: (p) => files[p] };
}

function analyzeText(text: string, dialect?: 'postgresql' | 'mysql' | 'sqlite', file = '/w/schema.sql') {
  const reader = inline({ [file]: text });
  const [unit] = sqlFrontEnd.discover([file], reader);
  return sqlFrontEnd.analyze(unit, reader, { validation: true, ...(dialect ? { dialect } : {}) });
}

function slice(text: string, range: { start: { line: number; character: number }; end: { line: number; character: number } }): string {
  const lines = text.split('\n');
  if (range.start.line === range.end.line) return lines[range.start.line].slice(range.start.character, range.end.character);
  return [lines[range.start.line].slice(range.start.character), ...lines.slice(range.start.line + 1, range.end.line), lines[range.end.line].slice(0, range.end.character)].join('\n');
}

before(ready);

describe('sql discovery', () => {
  it('groups each kind of migration folder into one unit, in replay order', () => {
    const all = listFiles(FIXTURES);
    const units = sqlFrontEnd.discover(all, memoryReader());
    const byKind = new Map(units.map((u) => [String(u.hints?.kind) + ':' + u.id.slice(u.id.indexOf('/fixtures/sql/') + 14), u]));
    assert.deepEqual([...byKind.keys()].sort(), [
      'drizzle:drizzle-app/drizzle',
      'file:broken/schema.sql',
      'file:mysql-dump/dump.sql',
      'file:sqlite-app/schema.sql',
      'numbered:golang-app/db/migrations',
      'numbered:numbered-app/db/migrations',
      'prisma:partitioned-prisma/prisma/migrations',
      'prisma:prisma-app/prisma/migrations',
      'supabase:partitioned-supabase/supabase/migrations',
      'supabase:supabase-app/supabase/migrations',
      'supabase:supabase-declarative/supabase/migrations',
      'supabase:supabase-drift/supabase/migrations',
    ]);
    const numbered = units.find((u) => u.hints?.kind === 'numbered' && u.id.includes('numbered-app'))!;
    assert.deepEqual(numbered.files.map((f) => f.split('/').pop()), ['001_create_users.sql', '002_create_orders.sql', '010_order_user_index.sql']);
    const prisma = units.find((u) => u.hints?.kind === 'prisma' && u.id.includes('prisma-app'))!;
    assert.equal(prisma.hints?.dialect, 'postgresql');
    assert.equal(prisma.files.length, 3);
    const drizzle = units.find((u) => u.hints?.kind === 'drizzle')!;
    assert.deepEqual(drizzle.files.map((f) => f.split('/').pop()), ['0000_brave_strategies.sql', '0001_quiet_trades.sql']);
  });

  it('orders numeric prefixes numerically and skips down migrations', () => {
    assert.ok(compareMigrationNames('2_b.sql', '10_a.sql') < 0);
    assert.ok(compareMigrationNames('20240101_a.sql', '20240102_a.sql') < 0);
    const files = ['/p/migrations/1_init.up.sql', '/p/migrations/1_init.down.sql', '/p/migrations/10_x.up.sql', '/p/migrations/2_y.up.sql'];
    const units = sqlFrontEnd.discover(files, inline({}));
    assert.equal(units.length, 1);
    assert.deepEqual(units[0].files, ['/p/migrations/1_init.up.sql', '/p/migrations/2_y.up.sql', '/p/migrations/10_x.up.sql']);
  });

  it('takes the Prisma provider from migration_lock.toml', () => {
    const files = ['/p/prisma/migrations/20240101000000_init/migration.sql'];
    const reader = inline({ '/p/prisma/migrations/migration_lock.toml': 'provider = "mysql"\n', [files[0]]: 'CREATE TABLE `a` (`id` INT NOT NULL, PRIMARY KEY (`id`));' });
    const [unit] = sqlFrontEnd.discover(files, reader);
    assert.equal(unit.hints?.kind, 'prisma');
    assert.equal(unit.hints?.dialect, 'mysql');
    const a = sqlFrontEnd.analyze(unit, reader, { validation: true });
    assert.equal(a.databases[0].dialect, 'mysql');
    assert.deepEqual(a.databases[0].tables[0].primaryKey?.columns, ['id']);
  });

  it('sniffs a lone file dialect from its tokens', () => {
    assert.equal(sniffDialect('CREATE TABLE `a` (id int AUTO_INCREMENT) ENGINE=InnoDB;'), 'mysql');
    assert.equal(sniffDialect('CREATE TABLE a (id INTEGER PRIMARY KEY AUTOINCREMENT);'), 'sqlite');
    assert.equal(sniffDialect('create table a (id bigserial, data jsonb);'), 'postgresql');
    assert.equal(sniffDialect("-- `not a backtick` AUTO_INCREMENT\nselect 1;"), undefined);
  });
});

describe('sql ranges', () => {
  it('converts libpg-query UTF-8 byte offsets into UTF-16 positions (multibyte text before the statement)', () => {
    const text = "-- café ☕ 🚀\ncreate table t (id int primary key);\nselect '🚀🚀' as x; create table u (id int, t_id int references t (id));\n";
    const parsed = parseSql('/w/a.sql', text, 'postgresql');
    const ranges = parsed.statements.map((s) => text.slice(s.start, s.end));
    assert.deepEqual(ranges, ['create table t (id int primary key)', "select '🚀🚀' as x", 'create table u (id int, t_id int references t (id))']);
    const a = analyzeText(text);
    const u = table(a.databases[0], 'u');
    assert.equal(slice(text, u.foreignKeys[0].loc.range), 'references t (id)');
    assert.deepEqual(u.foreignKeys[0].loc.range.start, { line: 2, character: 53 }); // UTF-16: the two emoji count 4, not 8 bytes
    assert.equal(slice(text, u.nameLoc.range), 'u');
  });

  it('gives exact ranges in the Supabase fixture', () => {
    const { db } = analyzeFixture('supabase-app');
    const reader = memoryReader();
    const tasks = table(db, 'tasks');
    const fk = tasks.foreignKeys.find((f) => f.columns[0] === 'project_id')!;
    assert.equal(slice(reader.read(fk.loc.file)!, fk.loc.range), 'references public.projects (id)');
    assert.equal(fk.loc.range.start.line, 27);
    const assignee = tasks.foreignKeys.find((f) => f.columns[0] === 'assignee_id')!;
    assert.equal(slice(reader.read(assignee.loc.file)!, assignee.loc.range), 'references public.profiles (id) on delete set null');
    const col = tasks.columns.find((c) => c.name === 'title')!;
    assert.equal(slice(reader.read(col.loc.file)!, col.loc.range), 'title text not null');
    assert.equal(slice(reader.read(col.loc.file)!, col.typeLoc!.range), 'text');
    const later = table(db, 'comments').foreignKeys.find((f) => f.columns[0] === 'author_id')!;
    assert.equal(slice(reader.read(later.loc.file)!, later.loc.range), 'constraint comments_author_id_fkey foreign key (author_id) references public.profiles (id)');
    const createIndex = db.statements!.find((s) => s.kind === 'createIndex' && s.table === 'tasks')!;
    assert.equal(slice(reader.read(createIndex.loc.file)!, createIndex.loc.range), 'create index idx_tasks_project_id on public.tasks (project_id)');
  });

  it('keeps exact ranges when a statement does not parse (split path, multibyte before it)', () => {
    const text = "-- ü\ncreate table a (id int primary key); -- 🚀\ncreate table bad (id int,, x int);\ncreate table b (id int, a_id int references a (id));";
    const a = analyzeText(text);
    assert.equal(a.diagnostics.length, 1);
    const d = a.diagnostics[0];
    assert.equal(d.code, 'sql-syntax');
    assert.equal(d.source, 'schema-review');
    assert.equal(slice(text, d.range), 'create table bad (id int,, x int)');
    const b = table(a.databases[0], 'b');
    assert.equal(slice(text, b.foreignKeys[0].loc.range), 'references a (id)');
    assert.deepEqual(a.databases[0].tables.map((t) => t.name), ['a', 'b']);
  });

  it('finds each bad statement among good runs (first, middle, last at end of input)', () => {
    const good = (n: string) => `create table ${n} (id int primary key)`;
    const parts = ['creat table a0 (id int)', good('a1'), good('a2'), "create table a3 (id int,, é text)", good('a4'), 'select 1 from', good('a5'), 'create table a6 ('];
    const text = parts.join(';\n') + '\n';
    const parsed = parseSql('/w/x.sql', text, 'postgresql');
    assert.deepEqual(parsed.statements.map((s) => [text.slice(s.start, s.end), s.error === undefined]), parts.map((p, i) => [p, [1, 2, 4, 6].includes(i)]));
    const a = analyzeText(text);
    assert.equal(a.diagnostics.length, 4);
    assert.deepEqual(a.databases[0].tables.map((t) => t.name), ['a1', 'a2', 'a4', 'a5']);
  });

  it('reports the broken fixture once and reviews the rest', () => {
    const { analysis, db } = analyzeFixture('broken');
    assert.equal(analysis.diagnostics.length, 1);
    assert.equal(analysis.diagnostics[0].range.start.line, 5);
    assert.deepEqual(db.tables.map((t) => t.name), ['teams', 'invites']);
  });

  it('splits around psql meta-commands, COPY data and dollar quotes', () => {
    const text = "\\restrict abc\nCOPY t (a) FROM stdin;\n1\n2;x\n\\.\ncreate function f() returns int as $$ select 1; $$ language sql;\n\\connect db\ncreate table z (id int);";
    const parts = splitStatements(text, 'postgresql').map((s) => text.slice(s.start, s.end));
    assert.deepEqual(parts, ['COPY t (a) FROM stdin', 'create function f() returns int as $$ select 1; $$ language sql', 'create table z (id int)']);
  });
});

describe('sql replay', () => {
  it('is history-aware: an FK indexed by a later migration is covered; a partial index covers it only when it only requires the key set', () => {
    const { db } = analyzeFixture('supabase-app');
    const tasks = table(db, 'tasks');
    assert.ok(isCovered(tasks, ['project_id']));
    assert.ok(!isCovered(tasks, ['assignee_id']));
    assert.ok(isCovered(table(db, 'comments'), ['task_id']));
    // `… where project_id is not null`: a lookup of project_id = $1 implies it (the PGlite oracle asks the planner).
    const partial = table(db, 'payments').indexes[0];
    assert.equal(partial.partial, true);
    assert.deepEqual(partial.whereNotNull, ['project_id']);
    assert.ok(isCovered(table(db, 'payments'), ['project_id']));
    assert.ok(!isCovered({ ...table(db, 'payments'), indexes: [{ ...partial, whereNotNull: undefined }] }, ['project_id']));
  });

  it('replays renames, dropped and re-added constraints, comments and enums', () => {
    const { db } = analyzeFixture('supabase-app');
    const audit = table(db, 'audit_logs');
    assert.deepEqual(audit.foreignKeys.map((f) => [f.name, f.columns]), [['audit_logs_actor_id_fkey', ['profile_id']]]);
    assert.equal(audit.columns.find((c) => c.name === 'payload')?.comment, 'JSON document describing the change');
    const projects = table(db, 'projects');
    assert.deepEqual(projects.foreignKeys.map((f) => [f.name, f.onDelete, f.notValid]), [['projects_organization_id_fkey2', 'Cascade', true]]);
    assert.deepEqual(db.enums.map((e) => [e.name, e.values]), [['task_priority', ['low', 'medium', 'high']]]);
    assert.equal(table(db, 'tasks').columns.find((c) => c.name === 'priority')?.type, 'enum');
    assert.equal(table(db, 'payments').columns.find((c) => c.name === 'amount')?.type, 'float');
    assert.equal(table(db, 'profiles').foreignKeys[0].references.table, 'auth.users');
  });

  it('records whether ON DELETE was written, and the default', () => {
    const { db } = analyzeFixture('supabase-app');
    const org = table(db, 'organizations').foreignKeys[0];
    assert.equal(org.onDelete, undefined);
    assert.equal(org.defaultOnDelete, 'NoAction');
    const drizzle = analyzeFixture('drizzle-app').db;
    assert.equal(table(drizzle, 'strategies').foreignKeys[0].onDelete, 'NoAction');
    const prisma = analyzeFixture('prisma-app').db;
    assert.equal(table(prisma, 'Post').foreignKeys[0].onDelete, 'Restrict');
    assert.equal(table(prisma, 'Post').foreignKeys[0].onUpdate, 'Cascade');
  });

  it('emits migration statements with history and transaction facts', () => {
    const { db } = analyzeFixture('supabase-app');
    const st = db.statements!;
    const idx = st.find((s) => s.kind === 'createIndex' && s.table === 'tasks')!;
    assert.equal(idx.concurrently, false);
    assert.equal(idx.tableCreatedInSameMigration, false);
    assert.equal(idx.migration.transactional, true);
    const cic = st.find((s) => s.kind === 'createIndex' && s.table === 'comments')!;
    assert.equal(cic.concurrently, true);
    assert.equal(cic.migration.transactional, false, 'a one-statement Supabase migration is not wrapped');
    const fk = st.find((s) => s.kind === 'addForeignKey' && s.table === 'comments')!;
    assert.equal(fk.notValid, false);
    assert.equal(fk.tableCreatedInSameMigration, false);
    assert.equal(fk.inExplicitTransaction, undefined);
    const nv = st.find((s) => s.kind === 'addForeignKey' && s.table === 'projects')!;
    assert.equal(nv.notValid, true);
    assert.equal(nv.inExplicitTransaction, true);
    assert.ok(db.tables.every((t) => t.migration?.applied === true));

    const prisma = analyzeFixture('prisma-app').db;
    const pcic = prisma.statements!.find((s) => s.kind === 'createIndex' && s.concurrently)!;
    assert.equal(pcic.migration.transactional, true, 'Prisma runs a multi-statement migration as one transaction');
    const created = prisma.statements!.find((s) => s.kind === 'addForeignKey' && s.table === 'Post')!;
    assert.equal(created.tableCreatedInSameMigration, true);
    const drizzle = analyzeFixture('drizzle-app').db;
    assert.ok(drizzle.statements!.every((s) => s.migration.transactional));
    const dump = analyzeFixture('mysql-dump').db;
    assert.ok(dump.statements!.every((s) => !s.migration.applied && !s.migration.transactional));
  });

  it('replays schema statements inside DO $$ … $$ blocks (older drizzle-kit output)', () => {
    const { db } = analyzeFixture('drizzle-app');
    const fk = table(db, 'trades').foreignKeys.find((f) => f.columns[0] === 'account_id')!;
    assert.equal(fk.name, 'trades_account_id_accounts_id_fk');
    assert.equal(fk.onDelete, 'SetNull');
    const text = memoryReader().read(fk.loc.file)!;
    assert.equal(slice(text, fk.loc.range), 'CONSTRAINT "trades_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE set null ON UPDATE no action');
    const st = db.statements!.find((s) => s.kind === 'addForeignKey' && s.table === 'trades' && s.columns?.[0] === 'account_id')!;
    assert.ok(slice(text, st.loc.range).startsWith('ALTER TABLE "trades" ADD CONSTRAINT "trades_account_id_accounts_id_fk"'));
  });

  it('builds MySQL and SQLite models through node-sql-parser', () => {
    const my = analyzeFixture('mysql-dump');
    assert.equal(my.db.dialect, 'mysql');
    assert.deepEqual(my.analysis.diagnostics, []);
    const orders = table(my.db, 'orders');
    assert.deepEqual(orders.foreignKeys.map((f) => [f.name, f.columns, f.references, f.onDelete]), [['orders_customer_id_fk', ['customer_id'], { table: 'customers', columns: ['id'] }, undefined]]);
    assert.equal(slice(memoryReader().read(orders.foreignKeys[0].loc.file)!, orders.foreignKeys[0].loc.range), 'CONSTRAINT `orders_customer_id_fk` FOREIGN KEY (`customer_id`) REFERENCES `customers` (`id`)');
    assert.equal(orders.columns.find((c) => c.name === 'total')?.type, 'float');
    assert.ok(isCovered(table(my.db, 'order_items'), ['order_id']));
    const lite = analyzeFixture('sqlite-app');
    assert.equal(lite.db.dialect, 'sqlite');
    assert.equal(lite.analysis.diagnostics.every((d) => d.severity === 'info'), true, 'PRAGMA is not a schema statement');
    const notes = table(lite.db, 'notes');
    assert.deepEqual(notes.foreignKeys.map((f) => [f.columns, f.references.table, f.onDelete ?? null]), [[['user_id'], 'users', null], [['folder_id'], 'folders', 'SetNull']]);
    assert.equal(slice(memoryReader().read(notes.loc.file)!, notes.foreignKeys[0].loc.range), 'REFERENCES users(id)');
    assert.ok(isCovered(notes, ['folder_id']));
  });

  it('records access methods, operator classes, order, INCLUDE and prefix lengths of indexes (Postgres)', () => {
    const db = analyzeText(
      [
        'CREATE TABLE posts (id int PRIMARY KEY, title text, created_at timestamptz, author_id int, UNIQUE (id) INCLUDE (title));',
        'CREATE INDEX posts_title_idx ON posts (title);',
        'CREATE INDEX posts_title_trgm ON posts USING gin (title gin_trgm_ops);',
        'CREATE INDEX posts_created_brin ON posts USING BRIN (created_at);',
        'CREATE INDEX posts_author_hash ON posts USING hash (author_id);',
        'CREATE INDEX posts_created_desc ON posts (created_at DESC NULLS LAST, title COLLATE "C") INCLUDE (author_id);',
        'CREATE INDEX posts_lower ON posts (lower(title));',
        'CREATE INDEX posts_upper ON posts (upper(title));',
      ].join('\n'),
      'postgresql',
    ).databases[0];
    const posts = table(db, 'posts');
    const byName = (n: string) => posts.indexes.find((i) => i.name === n)!;
    assert.equal(byName('posts_title_idx').method, undefined);
    assert.deepEqual([byName('posts_title_trgm').method, byName('posts_title_trgm').columnOptions], ['gin', [{ ops: 'gin_trgm_ops' }]]);
    assert.equal(byName('posts_created_brin').method, 'brin');
    assert.equal(byName('posts_author_hash').method, 'hash');
    assert.deepEqual(byName('posts_created_desc').columnOptions, [{ desc: true, nulls: 'last' }, { collation: 'C' }]);
    assert.deepEqual(byName('posts_created_desc').include, ['author_id']);
    assert.deepEqual(posts.indexes.find((i) => i.kind === 'unique')!.include, ['title']);
    assert.notEqual(byName('posts_lower').columns[0], byName('posts_upper').columns[0]);
    // A Hash index on the key column serves the lookup; the BRIN one would not have.
    assert.ok(isCovered(posts, ['author_id']));
  });

  it('records FULLTEXT/SPATIAL, USING HASH, DESC and prefix lengths of MySQL indexes, and tells expressions apart', () => {
    const db = analyzeText(
      [
        'CREATE TABLE posts (id int PRIMARY KEY, title varchar(200), body text, g geometry NOT NULL, KEY k_title (title), KEY k_prefix (title(10)), FULLTEXT KEY ft_title (title), SPATIAL KEY sp_g (g));',
        'CREATE INDEX i_hash USING HASH ON posts (body(20));',
        'CREATE INDEX i_desc ON posts (title DESC);',
        'CREATE INDEX i_prefix2 ON posts (title(5));',
        'ALTER TABLE posts ADD FULLTEXT INDEX ft_body (body);',
      ].join('\n'),
      'mysql',
    ).databases[0];
    const posts = table(db, 'posts');
    const byName = (n: string) => posts.indexes.find((i) => i.name === n)!;
    assert.deepEqual([byName('k_title').method, byName('k_title').columnOptions], [undefined, undefined]);
    assert.deepEqual([byName('k_prefix').columns, byName('k_prefix').columnOptions], [['title'], [{ length: 10 }]]);
    assert.equal(byName('ft_title').method, 'fulltext');
    assert.equal(byName('sp_g').method, 'spatial');
    assert.deepEqual([byName('i_hash').method, byName('i_hash').columns, byName('i_hash').columnOptions], ['hash', ['body'], [{ length: 20 }]]);
    assert.deepEqual(byName('i_desc').columnOptions, [{ desc: true }]);
    assert.deepEqual([byName('i_prefix2').columns, byName('i_prefix2').columnOptions], [['title'], [{ length: 5 }]]);
    assert.equal(byName('ft_body').method, 'fulltext');
    const lite = table(analyzeText('CREATE TABLE t (id integer PRIMARY KEY, a text);\nCREATE INDEX t_lower ON t (lower(a));\nCREATE INDEX t_upper ON t (upper(a));', 'sqlite').databases[0], 't');
    assert.notEqual(lite.indexes[0].columns[0], lite.indexes[1].columns[0]);
  });

  it('finds schema-review-ignore comments with the scanner', () => {
    const text = '-- schema-review-ignore-file backup-table\ncreate table a (id int primary key);\n-- schema-review-ignore missing-on-delete\ncreate table b (a_id int references a (id)); /* schema-review-ignore unindexed-foreign-key */\n';
    const a = analyzeText(text);
    assert.deepEqual(a.suppressions.map((s) => [s.scope, s.targetLine, s.rules]), [['file', 1, ['backup-table']], ['next-line', 3, ['missing-on-delete']], ['next-line', 3, ['unindexed-foreign-key']]]);
  });

  it('keeps migration statements about tables the history does not create (seed 004 fix scripts)', () => {
    const a = analyzeText('ALTER TABLE user_roles\nADD CONSTRAINT fk_user_roles_user_id\nFOREIGN KEY (user_id) REFERENCES users(id) ON DELETE CASCADE;\nCREATE INDEX CONCURRENTLY idx_user_roles_user_id ON user_roles(user_id);');
    const st = a.databases[0].statements!;
    assert.deepEqual(st.map((s) => [s.kind, s.table, s.columns, s.notValid ?? null, s.concurrently ?? null, s.tableCreatedInSameMigration]), [
      ['addForeignKey', 'user_roles', ['user_id'], false, null, false],
      ['createIndex', 'user_roles', ['user_id'], null, true, false],
    ]);
    assert.equal(a.databases[0].tables.length, 0);
  });

  it('normalises schema-qualified names and quoted identifiers', () => {
    const a = analyzeText('create table "public"."Team" ("Id" int primary key);\ncreate table public.member (team_id int, constraint member_team_fk foreign key (team_id) references "Team" ("Id") on delete cascade);\nalter table member rename to members;');
    const db = a.databases[0];
    assert.deepEqual(db.tables.map((t) => t.name), ['Team', 'members']);
    assert.deepEqual(table(db, 'members').foreignKeys[0].references, { table: 'Team', columns: ['Id'] });
  });

  it('units hold one database each', () => {
    for (const u of unitsOf('supabase-app')) assert.equal(sqlFrontEnd.analyze(u, memoryReader(), { validation: true }).databases.length, 1);
  });
});
