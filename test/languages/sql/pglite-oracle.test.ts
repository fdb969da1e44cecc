/**
 * Truth from a real Postgres: every Postgres fixture's migrations are replayed into PGlite the way
 * its runner would (each file in one simple-query batch), pg_catalog is read, and our model must
 * agree: foreign keys, their ON DELETE actions, which are covered by an index (leading columns of
 * a valid, non-partial index), column nullability, index names. Then the fixes our writer produces
 * are applied, run in PGlite after the migrations they follow, and the model is compared again.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { PGliteInterface } from '@electric-sql/pglite';
import * as pg from 'libpg-query';
import type { Database, ReferentialAction } from '../../../rules/model';
import { isCovered, type FixIntent } from '../../../rules/types';
import { sqlFrontEnd } from '../../../server/src/languages/sql';
import type { SourceReader } from '../../../server/src/languages/types';
import { FIXTURES, applyEdits, listFiles, memoryReader, pgliteClones, table } from './helpers';

const CODES: Record<ReferentialAction, string> = { NoAction: 'a', Restrict: 'r', Cascade: 'c', SetNull: 'n', SetDefault: 'd' };

// Supabase projects reference auth.users, which the platform creates.
const fresh = pgliteClones(async (db) => {
  await db.exec('create schema auth; create table auth.users (id uuid primary key);');
});

function analyzeDir(dir: string, reader: SourceReader, extraFiles: string[] = []): Database {
  const files = [...new Set([...listFiles(`${FIXTURES}/${dir}`), ...extraFiles])].sort();
  const units = sqlFrontEnd.discover(files, reader);
  assert.equal(units.length, 1, `one unit in ${dir}`);
  const a = sqlFrontEnd.analyze(units[0], reader, { validation: true });
  return a.databases[0];
}

/** Runs each migration file as its runner does; a file Postgres refuses is reported. */
async function replay(db: PGliteInterface, model: Database, reader: SourceReader): Promise<{ file: string; error: string }[]> {
  const failures: { file: string; error: string }[] = [];
  for (const file of model.files) {
    const text = reader.read(file)!;
    try {
      await db.exec(text);
    } catch (e) {
      failures.push({ file, error: (e as Error).message });
      // Keep the history going statement by statement (what a developer does by hand).
      for (const s of pg.parseSync(text).stmts ?? []) {
        const bytes = Buffer.from(text);
        const sql = bytes.subarray(s.stmt_location ?? 0, s.stmt_len ? (s.stmt_location ?? 0) + s.stmt_len : undefined).toString();
        await db.exec(sql);
      }
    }
  }
  return failures;
}

interface Truth {
  fks: string[];
  unindexed: string[];
  notNull: string[];
  indexes: string[];
}

const qualified = (nsp: string, rel: string) => (nsp === 'public' ? rel : `${nsp}.${rel}`);

async function truth(db: PGliteInterface): Promise<Truth> {
  const fks = await db.query<{ nsp: string; rel: string; conname: string; cols: string[]; fnsp: string; frel: string; fcols: string[]; del: string; covered: boolean }>(`
    select n.nspname as nsp, c.relname as rel, k.conname,
      array(select a.attname::text from unnest(k.conkey) with ordinality u(n, i) join pg_attribute a on a.attrelid = k.conrelid and a.attnum = u.n order by u.i) as cols,
      fn.nspname as fnsp, f.relname as frel,
      array(select a.attname::text from unnest(k.confkey) with ordinality u(n, i) join pg_attribute a on a.attrelid = k.confrelid and a.attnum = u.n order by u.i) as fcols,
      k.confdeltype as del,
      exists (
        select 1 from pg_index x join pg_class xi on xi.oid = x.indexrelid join pg_am am on am.oid = xi.relam
        where x.indrelid = k.conrelid and x.indisvalid and x.indpred is null
          -- a B-tree serves the equality probe on its leading columns, a hash index on its one column
          and (am.amname = 'btree' or (am.amname = 'hash' and x.indnkeyatts = cardinality(k.conkey)))
          and (select array_agg(v order by v) from unnest((x.indkey::int2[])[0:cardinality(k.conkey) - 1]) v)
            = (select array_agg(v order by v) from unnest(k.conkey) v)
      ) as covered
    from pg_constraint k
    join pg_class c on c.oid = k.conrelid join pg_namespace n on n.oid = c.relnamespace
    join pg_class f on f.oid = k.confrelid join pg_namespace fn on fn.oid = f.relnamespace
    where k.contype = 'f' and n.nspname = 'public' and not c.relispartition`);
  const cols = await db.query<{ rel: string; att: string }>(`
    select c.relname as rel, a.attname as att from pg_attribute a join pg_class c on c.oid = a.attrelid join pg_namespace n on n.oid = c.relnamespace
    where n.nspname = 'public' and c.relkind in ('r', 'p') and not c.relispartition and a.attnum > 0 and not a.attisdropped and a.attnotnull`);
  const idx = await db.query<{ rel: string; name: string; cols: string[]; partial: boolean; am: string }>(`
    select c.relname as rel, i.relname as name, x.indpred is not null as partial, am.amname as am,
      array(select coalesce(a.attname::text, '(expr)') from unnest((x.indkey::int2[])[0:x.indnkeyatts - 1]) with ordinality u(n, o) left join pg_attribute a on a.attrelid = x.indrelid and a.attnum = u.n order by u.o) as cols
    from pg_index x join pg_class c on c.oid = x.indrelid join pg_class i on i.oid = x.indexrelid join pg_namespace n on n.oid = c.relnamespace
      join pg_am am on am.oid = i.relam
    where n.nspname = 'public' and x.indisvalid and not c.relispartition`);
  // A foreign key no full index covers may still be served by a partial one whose predicate its check implies
  // (`WHERE project_id IS NOT NULL`): the planner decides, asked the check's own query as a generic plan (as the RI
  // trigger plans it) with sequential scans priced out, so it takes any index that can serve it.
  for (const r of fks.rows) {
    if (r.covered) continue;
    const partials = await db.query<{ n: number }>(
      `select count(*)::int as n from pg_index x where x.indrelid = $1::regclass and x.indpred is not null and x.indisvalid`,
      [`"${r.nsp}"."${r.rel}"`],
    );
    if (partials.rows[0].n === 0) continue;
    const where = r.cols.map((c, i) => `"${c}" = $${i + 1}`).join(' and ');
    const types = await db.query<{ t: string }>(
      `select format_type(a.atttypid, a.atttypmod) as t from unnest($2::text[]) with ordinality u(c, o) join pg_attribute a on a.attrelid = $1::regclass and a.attname = u.c order by u.o`,
      [`"${r.nsp}"."${r.rel}"`, r.cols],
    );
    await db.exec(`set plan_cache_mode = force_generic_plan; set enable_seqscan = off;
      prepare ri_probe(${types.rows.map((t) => t.t).join(', ')}) as select 1 from only "${r.nsp}"."${r.rel}" x where ${where} for key share of x;`);
    const plan = (await db.query<{ 'QUERY PLAN': string }>(`explain execute ri_probe(${r.cols.map(() => 'null').join(', ')})`)).rows.map((x) => x['QUERY PLAN']).join('\n');
    await db.exec('deallocate ri_probe; reset enable_seqscan; reset plan_cache_mode;');
    r.covered = /Index (Only )?Scan|Bitmap Index Scan/.test(plan);
  }
  return {
    fks: fks.rows.map((r) => `${qualified(r.nsp, r.rel)}.${r.conname}(${r.cols.join(',')})->${qualified(r.fnsp, r.frel)}(${r.fcols.join(',')}) del=${r.del}`).sort(),
    unindexed: fks.rows.filter((r) => !r.covered).map((r) => `${qualified(r.nsp, r.rel)}(${r.cols.join(',')})`).sort(),
    notNull: cols.rows.map((r) => `${r.rel}.${r.att}`).sort(),
    indexes: idx.rows.filter((r) => !r.cols.includes('(expr)')).map((r) => `${r.rel}.${r.name}(${r.cols.join(',')})${r.partial ? ' partial' : ''}${r.am === 'btree' ? '' : ` ${r.am}`}`).sort(),
  };
}

/**
 * Partitions are compared through their parent: Postgres gives each a copy of the parent's constraints and indexes,
 * which the model keeps on the parent alone (an index written on a partition itself is in the model, not its copies).
 */
function ours(model: Database): Truth {
  const tables = model.tables.filter((t) => !t.name.includes('.') && t.partitionOf === undefined);
  return {
    fks: tables.flatMap((t) => t.foreignKeys.map((f) => `${t.name}.${f.name}(${f.columns.join(',')})->${f.references.table}(${f.references.columns.join(',')}) del=${CODES[f.onDelete ?? f.defaultOnDelete]}`)).sort(),
    unindexed: tables.flatMap((t) => t.foreignKeys.filter((f) => !isCovered(t, f.columns)).map((f) => `${t.name}(${f.columns.join(',')})`)).sort(),
    notNull: tables.flatMap((t) => t.columns.filter((c) => !c.nullable).map((c) => `${t.name}.${c.name}`)).sort(),
    indexes: tables.flatMap((t) => [...(t.primaryKey ? [t.primaryKey] : []), ...t.indexes].filter((i) => !i.columns.some((c) => c.startsWith('('))).map((i) => `${t.name}.${i.name}(${i.columns.join(',')})${i.partial ? ' partial' : ''}${i.method ? ` ${i.method}` : ''}`)).sort(),
  };
}

function assertAgrees(model: Database, pgTruth: Truth): void {
  const mine = ours(model);
  assert.deepEqual(mine.fks, pgTruth.fks, 'foreign keys and ON DELETE actions');
  assert.deepEqual(mine.unindexed, pgTruth.unindexed, 'unindexed foreign keys');
  assert.deepEqual(mine.notNull, pgTruth.notNull, 'NOT NULL columns');
  assert.deepEqual(mine.indexes, pgTruth.indexes, 'indexes');
}

const POSTGRES_FIXTURES = ['supabase-app', 'prisma-app', 'drizzle-app', 'numbered-app', 'golang-app', 'partitioned-supabase', 'partitioned-prisma'];

describe('PGlite oracle: our model equals pg_catalog', () => {
  for (const dir of POSTGRES_FIXTURES) {
    it(`${dir}: foreign keys, actions, unindexed FKs, NOT NULL, indexes`, async () => {
      const reader = memoryReader();
      const model = analyzeDir(dir, reader);
      const db = await fresh();
      const failures = await replay(db, model, reader);
      // The only file Postgres refuses is the one we say runs CONCURRENTLY inside a transaction.
      const expectedFailures = model.statements!.filter((s) => s.kind === 'createIndex' && s.concurrently && (s.migration.transactional || s.inExplicitTransaction)).map((s) => s.migration.file);
      assert.deepEqual(failures.map((f) => f.file), [...new Set(expectedFailures)]);
      for (const f of failures) assert.match(f.error, /CONCURRENTLY cannot run inside a transaction block/);
      assertAgrees(model, await truth(db));
      assert.ok(model.tables.some((t) => t.foreignKeys.length > 0));
    });
  }

  it('access methods: GIN and BRIN indexes do not cover a foreign key, a Hash or a DESC B-tree with INCLUDE does', async () => {
    const file = '/w/access-methods.sql';
    const text = [
      'create table users (id int primary key);',
      'create table posts (id int primary key, author_id int not null references users (id), editor_id int references users (id),',
      '  reviewer_id int references users (id), owner_id int references users (id), meta jsonb, title text);',
      'create index posts_author_brin on posts using brin (author_id);',
      'create index posts_meta_gin on posts using gin (meta jsonb_path_ops);',
      'create index posts_editor_hash on posts using hash (editor_id);',
      'create index posts_reviewer_desc on posts (reviewer_id desc nulls last) include (title);',
      'create index posts_owner_brin on posts using brin (owner_id, editor_id);',
    ].join('\n');
    const reader = memoryReader(new Map([[file, text]]));
    const [unit] = sqlFrontEnd.discover([file], reader);
    const model = sqlFrontEnd.analyze(unit, reader, { validation: true, dialect: 'postgresql' }).databases[0];
    const db = await fresh();
    await db.exec(reader.read(file)!);
    const pgTruth = await truth(db);
    assertAgrees(model, pgTruth);
    assert.deepEqual(pgTruth.unindexed, ['posts(author_id)', 'posts(owner_id)']);
  });

  it('broken: the statements that parse replay to the same model', async () => {
    const reader = memoryReader();
    const model = analyzeDir('broken', reader);
    const db = await fresh();
    const text = reader.read(model.files[0])!;
    for (const s of model.statements!) {
      const lines = text.split('\n');
      const r = s.loc.range;
      const sql = r.start.line === r.end.line ? lines[r.start.line].slice(r.start.character, r.end.character) : [lines[r.start.line].slice(r.start.character), ...lines.slice(r.start.line + 1, r.end.line), lines[r.end.line].slice(0, r.end.character)].join('\n');
      await db.exec(sql);
    }
    assertAgrees(model, await truth(db));
  });
});

/** The fixes a reviewer would ask for on each fixture (the rules' intents, built by hand here). */
function intentsFor(dir: string, model: Database): FixIntent[] {
  const out: FixIntent[] = [];
  for (const t of model.tables) {
    for (const fk of t.foreignKeys) {
      if (fk.onDelete === undefined) out.push({ kind: 'setOnDelete', database: model, table: t, foreignKey: fk, action: 'Restrict' });
      if (!isCovered(t, fk.columns)) out.push({ kind: 'addIndex', database: model, table: t, columns: fk.columns });
    }
  }
  if (dir === 'supabase-app') {
    const tasks = table(model, 'tasks');
    out.push({ kind: 'makeNullable', database: model, table: tasks, column: tasks.columns.find((c) => c.name === 'assignee_id')! });
    out.push({ kind: 'createEnum', database: model, table: tasks, column: tasks.columns.find((c) => c.name === 'status')!, values: ['todo', 'doing', 'done'] });
    const audit = table(model, 'audit_logs');
    out.push({ kind: 'changeColumnType', database: model, table: audit, column: audit.columns.find((c) => c.name === 'payload')!, to: 'json' });
    const payments = table(model, 'payments');
    out.push({ kind: 'changeColumnType', database: model, table: payments, column: payments.columns.find((c) => c.name === 'amount')!, to: 'decimal' });
    const backup = table(model, 'payments_backup');
    if (!backup.foreignKeys.length) out.push({ kind: 'addForeignKey', database: model, table: backup, columns: ['profile_id'], references: { table: 'profiles', columns: ['id'] } });
    const profiles = table(model, 'profiles');
    const duplicate = profiles.indexes.find((i) => i.name === 'idx_profiles_username');
    if (duplicate) out.push({ kind: 'dropIndex', database: model, table: profiles, index: duplicate });
  }
  if (dir === 'partitioned-prisma') {
    // The newest migration's plain CREATE INDEX on the partitioned events: the ON ONLY route.
    const plain = model.statements!.find((s) => s.kind === 'createIndex' && !s.concurrently && !s.only && s.table === 'events');
    if (plain) out.push({ kind: 'addConcurrently', database: model, statement: plain });
  }
  if (dir === 'prisma-app') {
    const cic = model.statements!.find((s) => s.kind === 'createIndex' && s.concurrently && s.migration.transactional);
    if (cic) out.push({ kind: 'moveToOwnMigration', database: model, statement: cic });
  }
  return out;
}

describe('PGlite: every fix runs after the migrations it follows', () => {
  for (const dir of POSTGRES_FIXTURES) {
    it(`${dir}: fixes apply, parse, deploy, and the re-analysed model still equals pg_catalog`, async () => {
      const reader = memoryReader();
      const model = analyzeDir(dir, reader);
      const intents = intentsFor(dir, model);
      assert.ok(intents.length > 0);
      const overlay = new Map<string, string>();
      const created: string[] = [];
      let offered = 0;
      // One fix at a time, each written against the history with the previous fixes applied
      // (as a user would), until no fix is left to offer.
      let current = model;
      const done = new Set<string>();
      for (let round = 0; round < 60; round++) {
        const next = intentsFor(dir, current).find((i) => !done.has(intentKey(i)));
        if (!next) break;
        done.add(intentKey(next));
        const edits = sqlFrontEnd.writeFix(next, memoryReader(overlay));
        if (!edits) continue;
        offered++;
        for (const fe of edits) {
          if (fe.create) {
            assert.ok(!created.includes(fe.file) && memoryReader(overlay).read(fe.file) === undefined, `new file ${fe.file} must not exist`);
            created.push(fe.file);
          } else if (!created.includes(fe.file) && !fe.file.endsWith('_journal.json') && next.kind !== 'moveToOwnMigration' && next.kind !== 'addConcurrently') {
            assert.fail(`an applied migration was edited: ${fe.file}`);
          }
        }
        for (const [file, text] of applyEdits(edits, memoryReader(overlay))) {
          if (file.endsWith('.sql')) assert.doesNotThrow(() => pg.parseSync(text), `fixed SQL parses: ${file}\n${text}`);
          overlay.set(file, text);
        }
        current = analyzeDir(dir, memoryReader(overlay), created);
      }
      assert.ok(offered >= 1, `fixes offered for ${dir}: ${offered}`);
      const final = analyzeDir(dir, memoryReader(overlay), created);
      const db = await fresh();
      const failures = await replay(db, final, memoryReader(overlay));
      assert.deepEqual(failures, [], 'every migration, old and new, deploys as its runner runs it');
      assertAgrees(final, await truth(db));
      // Every unindexed FK got its index, every FK its action.
      for (const t of final.tables) for (const fk of t.foreignKeys) assert.ok(isCovered(t, fk.columns), `${t.name}(${fk.columns}) covered after the fix`);
      for (const t of final.tables) for (const fk of t.foreignKeys) assert.notEqual(fk.onDelete, undefined, `${t.name}.${fk.name} has an action after the fix`);
    });
  }
});

function intentKey(i: FixIntent): string {
  switch (i.kind) {
    case 'setOnDelete':
      return `${i.kind}:${i.table.name}:${i.foreignKey.name}`;
    case 'addIndex':
      return `${i.kind}:${i.table.name}:${i.columns.join(',')}`;
    case 'addForeignKey':
      return `${i.kind}:${i.table.name}:${i.columns.join(',')}`;
    case 'dropIndex':
      return `${i.kind}:${i.table.name}:${i.index.name}`;
    case 'changeColumnType':
    case 'makeNullable':
    case 'createEnum':
      return `${i.kind}:${i.table.name}:${i.column.name}`;
    case 'moveToOwnMigration':
    case 'addConcurrently':
    case 'addNotValid':
      return `${i.kind}:${i.statement.loc.file}:${i.statement.loc.range.start.line}`;
    default:
      return i.kind;
  }
}

const DUMP = `-- A structure dump (pg_dump --schema-only style), reviewed and fixed in place.
CREATE TABLE public.teams (
    id integer NOT NULL PRIMARY KEY,
    name text NOT NULL
);

CREATE TABLE public.members (
    id integer NOT NULL PRIMARY KEY,
    team_id integer NOT NULL REFERENCES public.teams(id) ON UPDATE CASCADE,
    role text DEFAULT 'member'::text,
    balance double precision NOT NULL DEFAULT 0,
    settings text DEFAULT '{}'::text
);

CREATE TABLE public.invites (
    id integer PRIMARY KEY,
    team_id integer,
    invited_by integer,
    CONSTRAINT invites_team_fk FOREIGN KEY (team_id) REFERENCES public.teams (id) ON DELETE NO ACTION
);

CREATE INDEX members_role_idx ON public.members USING btree (role);
CREATE INDEX members_role_dup_idx ON public.members USING btree (role);
`;

describe('PGlite: in-place fixes of a dump run as psql runs it (statement by statement)', () => {
  it('every fix applies, parses and runs; the model equals pg_catalog', async () => {
    const file = '/w/db/structure.sql';
    let text = DUMP;
    const reader = (): SourceReader => ({ read: (p) => (p === file ? text : undefined) });
    const analyze = (): Database => {
      const r = reader();
      const [unit] = sqlFrontEnd.discover([file], r);
      return sqlFrontEnd.analyze(unit, r, { validation: true }).databases[0];
    };
    const steps: ((m: Database) => FixIntent)[] = [
      (m) => ({ kind: 'setOnDelete', database: m, table: table(m, 'members'), foreignKey: table(m, 'members').foreignKeys[0], action: 'Cascade' }),
      (m) => ({ kind: 'setOnDelete', database: m, table: table(m, 'invites'), foreignKey: table(m, 'invites').foreignKeys[0], action: 'SetNull' }),
      (m) => ({ kind: 'addIndex', database: m, table: table(m, 'members'), columns: ['team_id'] }),
      (m) => ({ kind: 'addIndex', database: m, table: table(m, 'invites'), columns: ['team_id'] }),
      (m) => ({ kind: 'makeNullable', database: m, table: table(m, 'members'), column: table(m, 'members').columns.find((c) => c.name === 'team_id')! }),
      (m) => ({ kind: 'changeColumnType', database: m, table: table(m, 'members'), column: table(m, 'members').columns.find((c) => c.name === 'balance')!, to: 'decimal' }),
      (m) => ({ kind: 'changeColumnType', database: m, table: table(m, 'members'), column: table(m, 'members').columns.find((c) => c.name === 'settings')!, to: 'json' }),
      (m) => ({ kind: 'createEnum', database: m, table: table(m, 'members'), column: table(m, 'members').columns.find((c) => c.name === 'role')!, values: ['owner', 'member'] }),
      (m) => ({ kind: 'addForeignKey', database: m, table: table(m, 'invites'), columns: ['invited_by'], references: { table: 'members', columns: ['id'] } }),
      (m) => ({ kind: 'dropIndex', database: m, table: table(m, 'members'), index: table(m, 'members').indexes.find((i) => i.name === 'members_role_dup_idx')! }),
      (m) => ({ kind: 'addConcurrently', database: m, statement: m.statements!.find((s) => s.kind === 'createIndex' && !s.concurrently)! }),
    ];
    for (const step of steps) {
      const intent = step(analyze());
      const edits = sqlFrontEnd.writeFix(intent, reader());
      assert.ok(edits, intent.kind);
      assert.ok(edits.every((e) => e.file === file && !e.create), 'a dump is edited in place');
      text = applyEdits(edits, reader()).get(file)!;
      assert.doesNotThrow(() => pg.parseSync(text), `${intent.kind}:\n${text}`);
    }
    const db = await fresh();
    const model = analyze();
    for (const s of model.statements!) {
      const lines = text.split('\n');
      const r = s.loc.range;
      const sql = r.start.line === r.end.line ? lines[r.start.line].slice(r.start.character, r.end.character) : [lines[r.start.line].slice(r.start.character), ...lines.slice(r.start.line + 1, r.end.line), lines[r.end.line].slice(0, r.end.character)].join('\n');
      await db.exec(sql);
    }
    assertAgrees(model, await truth(db));
    assert.deepEqual(ours(model).unindexed, ['invites(invited_by)']);
    assert.equal(table(model, 'members').columns.find((c) => c.name === 'role')!.type, 'enum');
    assert.ok(model.statements!.filter((s) => s.kind === 'createIndex').some((s) => s.concurrently));
  });
});
