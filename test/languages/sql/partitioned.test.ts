/**
 * Indexes on partitioned Postgres tables. Postgres refuses CREATE INDEX CONCURRENTLY on a partitioned table, and a
 * plain CREATE INDEX on it takes a SHARE lock on every partition until all are built. The fixes write the documented
 * route instead: CREATE INDEX … ON ONLY the parent, CREATE INDEX CONCURRENTLY on each partition (each in a migration
 * of its own, so that it runs outside a transaction), then ALTER INDEX … ATTACH PARTITION. Truth from PGlite: every
 * file is run as its runner runs it (several statements in one transaction, a lone statement by itself), and then the
 * parent's index must be valid with each partition's attached to it.
 */
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { PGliteInterface } from '@electric-sql/pglite';
import type { Database } from '../../../rules/model';
import type { FixIntent, ReportInput, Rule } from '../../../rules/types';
import { indexNotConcurrent } from '../../../rules/migrations/index-not-concurrent';
import { concurrentIndexInTransaction } from '../../../rules/migrations/concurrent-index-in-transaction';
import { concurrentIndexOnPartitionedTable } from '../../../rules/migrations/concurrent-index-on-partitioned-table';
import { unindexedForeignKey } from '../../../rules/indexes/unindexed-foreign-key';
import { sqlFrontEnd } from '../../../server/src/languages/sql';
import type { SourceReader } from '../../../server/src/languages/types';
import { analyzeFixture, applyEdits, indexesOn, memoryReader, pgliteClones, ready, runAsRunner, statementsOf } from './helpers';

const fresh = pgliteClones();

before(ready);

type Reported = ReportInput;

function check(rule: Rule, db: Database): Reported[] {
  const out: Reported[] = [];
  rule.check({ databases: [db], codeFiles: [], databaseFor: () => undefined, report: (f: ReportInput) => out.push(f) } as Parameters<Rule['check']>[0]);
  return out;
}

/** In-memory files over the disk (the fixtures), the way an editor's unsaved buffers are. */
function overlayReader(files: Map<string, string> | Record<string, string>, base: SourceReader = memoryReader()): SourceReader {
  const map = files instanceof Map ? files : new Map(Object.entries(files));
  return { read: (p) => (map.has(p) ? map.get(p) : base.read(p)) };
}

function analyze(files: string[], reader: SourceReader): Database {
  const units = sqlFrontEnd.discover([...files].sort(), reader);
  assert.equal(units.length, 1, `one unit: ${units.map((u) => u.id).join(', ')}`);
  return sqlFrontEnd.analyze(units[0], reader, { validation: true }).databases[0];
}

/** Foreign keys Postgres has that no valid, non-partial index leads with. */
async function unindexed(db: PGliteInterface): Promise<string[]> {
  const r = await db.query<{ t: string; conname: string }>(`
    select c.conrelid::regclass::text as t, c.conname from pg_constraint c where c.contype = 'f' and c.conparentid = 0 and not exists (
      select 1 from pg_index i where i.indrelid = c.conrelid and i.indisvalid and i.indpred is null
        and (i.indkey::int2[])[0:array_length(c.conkey, 1) - 1] @> c.conkey and (i.indkey::int2[])[0:array_length(c.conkey, 1) - 1] <@ c.conkey)
    order by 1, 2`);
  return r.rows.map((x) => `${x.t}.${x.conname}`);
}

function base(file: string): string {
  return file.slice(file.lastIndexOf('/', file.endsWith('/migration.sql') ? file.length - 15 : file.length) + 1);
}

/** A new file's name without its version (`20261122…_add_index_x.sql` → `add_index_x.sql`). */
function stepName(file: string): string {
  const b = base(file);
  return b.slice(b.indexOf('_') + 1);
}

/** The created files of a fix, in version order, with their text. */
function created(edits: ReturnType<typeof sqlFrontEnd.writeFix>, reader: SourceReader): { files: string[]; texts: Map<string, string> } {
  assert.ok(edits, 'the writer wrote a fix');
  const texts = applyEdits(edits, reader);
  return { files: edits.filter((e) => e.create).map((e) => e.file).sort(), texts };
}

/** Each file that holds CONCURRENTLY holds that one statement only (so its runner runs it outside a transaction). */
function assertConcurrentlyAlone(texts: Map<string, string>): number {
  let n = 0;
  for (const [file, text] of texts) {
    const stmts = statementsOf(text);
    if (!stmts.some((s) => /\bconcurrently\b/i.test(s))) continue;
    n++;
    assert.equal(stmts.length, 1, `${file} holds CONCURRENTLY and something else`);
  }
  return n;
}

describe('partitioned tables: the unindexed-foreign-key fix (a Supabase history, events partitioned by month)', () => {
  it('ON ONLY, each partition CONCURRENTLY in a migration of its own, ATTACH: the parent index is valid in Postgres', async () => {
    const reader = memoryReader();
    const { db } = analyzeFixture('partitioned-supabase', reader);
    const [finding] = check(unindexedForeignKey, db);
    assert.equal(finding.fixes![0].title, 'Create index on events (user_id)');
    const { files, texts } = created(sqlFrontEnd.writeFix(finding.fixes![0].intent, reader), reader);
    assert.deepEqual(files.map(stepName), [
      'add_index_events_user_id_on_only.sql',
      'add_index_events_user_id_on_events_2026_01.sql',
      'add_index_events_user_id_on_events_2026_02.sql',
      'add_index_events_user_id_on_events_2026_03.sql',
      'add_index_events_user_id_attach.sql',
    ]);
    assert.ok(files.every((f) => f.includes('/partitioned-supabase/supabase/migrations/2')));
    assert.deepEqual(statementsOf(texts.get(files[0])!), ['CREATE INDEX IF NOT EXISTS events_user_id_idx ON ONLY public.events (user_id)']);
    assert.deepEqual(statementsOf(texts.get(files[1])!), ['CREATE INDEX CONCURRENTLY IF NOT EXISTS events_2026_01_user_id_idx ON public.events_2026_01 (user_id)']);
    assert.deepEqual(statementsOf(texts.get(files[4])!), [
      'ALTER INDEX public.events_user_id_idx ATTACH PARTITION public.events_2026_01_user_id_idx',
      'ALTER INDEX public.events_user_id_idx ATTACH PARTITION public.events_2026_02_user_id_idx',
      'ALTER INDEX public.events_user_id_idx ATTACH PARTITION public.events_2026_03_user_id_idx',
    ]);
    assert.equal(assertConcurrentlyAlone(texts), 3);

    const pgdb = await fresh();
    for (const f of db.files) await runAsRunner(pgdb, reader.read(f)!);
    // The truth the route is built on: Postgres refuses CONCURRENTLY on the parent, and in a transaction.
    await assert.rejects(pgdb.exec('CREATE INDEX CONCURRENTLY events_user_id_idx ON public.events (user_id)'), /cannot create index on partitioned table "events" concurrently/);
    await assert.rejects(runAsRunner(pgdb, texts.get(files[1])! + texts.get(files[2])!), /CREATE INDEX CONCURRENTLY cannot run inside a transaction block/);
    assert.deepEqual(await unindexed(pgdb), ['events.events_user_id_fkey']);
    await runAsRunner(pgdb, texts.get(files[0])!);
    assert.deepEqual(await indexesOn(pgdb, 'user_id'), ['events: events_user_id_idx INVALID']);
    for (const f of files.slice(1)) await runAsRunner(pgdb, texts.get(f)!);
    assert.deepEqual(await indexesOn(pgdb, 'user_id'), [
      'events: events_user_id_idx',
      'events_2026_01: events_2026_01_user_id_idx -> events_user_id_idx',
      'events_2026_02: events_2026_02_user_id_idx -> events_user_id_idx',
      'events_2026_03: events_2026_03_user_id_idx -> events_user_id_idx',
    ]);
    assert.deepEqual(await unindexed(pgdb), []);

    // Reviewed again with the new migrations: the key is covered, and none of them is a finding.
    const after = analyze([...db.files, ...files], overlayReader(texts, reader));
    assert.deepEqual(check(unindexedForeignKey, after), []);
    assert.deepEqual(check(indexNotConcurrent, after), []);
    assert.deepEqual(check(concurrentIndexInTransaction, after), []);
  });

  it('a sub-partitioned month: its own index ON ONLY, CONCURRENTLY on its partitions, attached bottom up; names fit 63 bytes', async () => {
    const dir = '/w/supabase/migrations';
    const longLeaf = 'events_2026_03_bucket_zero_kept_apart_for_the_compliance_team';
    const files: Record<string, string> = {
      [`${dir}/20260105090000_init.sql`]: 'create table public.users (id uuid primary key default gen_random_uuid(), email text not null);\n',
      [`${dir}/20260112100000_events.sql`]: [
        'create table public.events (',
        '  id uuid not null default gen_random_uuid(),',
        '  user_id uuid not null references public.users (id) on delete cascade,',
        '  created_at timestamptz not null default now(),',
        '  primary key (id, created_at)',
        ') partition by range (created_at);',
        "create table public.events_2026_02 partition of public.events for values from ('2026-02-01') to ('2026-03-01');",
        "create table public.events_2026_03 partition of public.events for values from ('2026-03-01') to ('2026-04-01') partition by hash (id);",
        `create table public.${longLeaf} partition of public.events_2026_03 for values with (modulus 2, remainder 0);`,
        'create table public.events_2026_03_h1 partition of public.events_2026_03 for values with (modulus 2, remainder 1);',
        '',
      ].join('\n'),
    };
    const reader = overlayReader(files);
    const db = analyze(Object.keys(files), reader);
    const [finding] = check(unindexedForeignKey, db);
    const { files: made, texts } = created(sqlFrontEnd.writeFix(finding.fixes![0].intent, reader), reader);
    // Postgres' makeObjectName: the longer name is shortened until `<partition>_user_id_idx` fits 63 bytes.
    const leafIndex = `${longLeaf.slice(0, 51)}_user_id_idx`;
    assert.equal(Buffer.byteLength(leafIndex), 63);
    assert.deepEqual(made.map(stepName), [
      'add_index_events_user_id_on_only.sql',
      'add_index_events_user_id_on_events_2026_02.sql',
      `add_index_events_user_id_on_${longLeaf.slice(0, 50)}.sql`,
      'add_index_events_user_id_on_events_2026_03_h1.sql',
      'add_index_events_user_id_attach.sql',
    ]);
    assert.deepEqual(statementsOf(texts.get(made[0])!), [
      'CREATE INDEX IF NOT EXISTS events_user_id_idx ON ONLY public.events (user_id)',
      'CREATE INDEX IF NOT EXISTS events_2026_03_user_id_idx ON ONLY public.events_2026_03 (user_id)',
    ]);
    assert.deepEqual(statementsOf(texts.get(made[4])!), [
      'ALTER INDEX public.events_user_id_idx ATTACH PARTITION public.events_2026_02_user_id_idx',
      `ALTER INDEX public.events_2026_03_user_id_idx ATTACH PARTITION public.${leafIndex}`,
      'ALTER INDEX public.events_2026_03_user_id_idx ATTACH PARTITION public.events_2026_03_h1_user_id_idx',
      'ALTER INDEX public.events_user_id_idx ATTACH PARTITION public.events_2026_03_user_id_idx',
    ]);
    assert.equal(assertConcurrentlyAlone(texts), 3);
    const pgdb = await fresh();
    for (const f of db.files) await runAsRunner(pgdb, reader.read(f)!);
    for (const f of made) await runAsRunner(pgdb, texts.get(f)!);
    assert.deepEqual(await indexesOn(pgdb, 'user_id'), [
      'events: events_user_id_idx',
      'events_2026_02: events_2026_02_user_id_idx -> events_user_id_idx',
      'events_2026_03: events_2026_03_user_id_idx -> events_user_id_idx',
      `${longLeaf}: ${leafIndex} -> events_2026_03_user_id_idx`,
      'events_2026_03_h1: events_2026_03_h1_user_id_idx -> events_2026_03_user_id_idx',
    ]);
    assert.deepEqual(await unindexed(pgdb), []);
  });

  it('no partition known: the plain CREATE INDEX (nothing holds rows); once a migration adds one, the route; drizzle-kit: plain', async () => {
    const dir = '/w/supabase/migrations';
    const files: Record<string, string> = {
      [`${dir}/20260105090000_init.sql`]: 'create table public.users (id uuid primary key);\n',
      [`${dir}/20260112100000_events.sql`]:
        'create table public.events (id uuid not null, user_id uuid not null references public.users (id), created_at timestamptz not null, primary key (id, created_at)) partition by range (created_at);\n',
    };
    let reader = overlayReader(files);
    let db = analyze(Object.keys(files), reader);
    let fix = created(sqlFrontEnd.writeFix(check(unindexedForeignKey, db)[0].fixes![0].intent, reader), reader);
    assert.deepEqual(fix.files.map(stepName), ['add_index_events_user_id.sql']);
    assert.deepEqual(statementsOf(fix.texts.get(fix.files[0])!), ['CREATE INDEX IF NOT EXISTS events_user_id_idx ON public.events (user_id)']);
    let pgdb = await fresh();
    for (const f of db.files) await runAsRunner(pgdb, reader.read(f)!);
    await runAsRunner(pgdb, fix.texts.get(fix.files[0])!);
    assert.deepEqual(await indexesOn(pgdb, 'user_id'), ['events: events_user_id_idx']);

    files[`${dir}/20260201000000_events_2026_02.sql`] = "create table public.events_2026_02 partition of public.events for values from ('2026-02-01') to ('2026-03-01');\n";
    reader = overlayReader(files);
    db = analyze(Object.keys(files), reader);
    fix = created(sqlFrontEnd.writeFix(check(unindexedForeignKey, db)[0].fixes![0].intent, reader), reader);
    assert.deepEqual(fix.files.map(stepName), ['add_index_events_user_id_on_only.sql', 'add_index_events_user_id_on_events_2026_02.sql', 'add_index_events_user_id_attach.sql']);
    pgdb = await fresh();
    for (const f of db.files) await runAsRunner(pgdb, reader.read(f)!);
    for (const f of fix.files) await runAsRunner(pgdb, fix.texts.get(f)!);
    assert.deepEqual(await indexesOn(pgdb, 'user_id'), ['events: events_user_id_idx', 'events_2026_02: events_2026_02_user_id_idx -> events_user_id_idx']);

    // drizzle-kit runs every pending migration in one transaction: no CONCURRENTLY can run, the plain statement stays.
    const drizzle: Record<string, string> = {
      '/d/drizzle/0000_init.sql': files[`${dir}/20260105090000_init.sql`] + '--> statement-breakpoint\n' + files[`${dir}/20260112100000_events.sql`] + '--> statement-breakpoint\n' + files[`${dir}/20260201000000_events_2026_02.sql`],
      '/d/drizzle/meta/_journal.json': JSON.stringify({ version: '7', dialect: 'postgresql', entries: [{ idx: 0, version: '7', when: 1767000000000, tag: '0000_init', breakpoints: true }] }),
    };
    const dreader = overlayReader(drizzle);
    const ddb = analyze(['/d/drizzle/0000_init.sql'], dreader);
    const dfix = created(sqlFrontEnd.writeFix(check(unindexedForeignKey, ddb)[0].fixes![0].intent, dreader), dreader);
    assert.deepEqual(statementsOf(dfix.texts.get(dfix.files[0])!), ['CREATE INDEX IF NOT EXISTS events_user_id_idx ON public.events (user_id)']);
  });

  it('dbmate: each CONCURRENTLY build is transaction:false, up and down; golang-migrate: the downs undo the route from any step', async () => {
    const init = [
      'create table users (id bigint primary key);',
      'create table events (id bigint not null, user_id bigint references users (id), created_at timestamptz not null, primary key (id, created_at)) partition by range (created_at);',
      "create table events_2026_01 partition of events for values from ('2026-01-01') to ('2026-02-01');",
    ].join('\n');
    const dbmate = { '/m/db/migrations/20260101000000_init.sql': `-- migrate:up\n${init}\n\n-- migrate:down\ndrop table events;\ndrop table users;\n` };
    const mreader = overlayReader(dbmate);
    const mdb = analyze(Object.keys(dbmate), mreader);
    const mfix = created(sqlFrontEnd.writeFix(check(unindexedForeignKey, mdb)[0].fixes![0].intent, mreader), mreader);
    assert.deepEqual(
      mfix.files.map((f) => mfix.texts.get(f)!.split('\n').filter((l) => l.startsWith('-- migrate:'))),
      [['-- migrate:up', '-- migrate:down'], ['-- migrate:up transaction:false', '-- migrate:down transaction:false'], ['-- migrate:up', '-- migrate:down']],
    );

    const golang = { '/g/db/migrations/000001_init.up.sql': init + '\n', '/g/db/migrations/000001_init.down.sql': 'drop table events;\ndrop table users;\n' };
    const greader = overlayReader(golang);
    const gdb = analyze(Object.keys(golang), greader);
    const edits = sqlFrontEnd.writeFix(check(unindexedForeignKey, gdb)[0].fixes![0].intent, greader)!;
    const texts = applyEdits(edits, greader);
    const ups = [...texts.keys()].filter((f) => f.endsWith('.up.sql')).sort();
    assert.deepEqual(ups.map(base), ['000002_add_index_events_user_id_on_only.up.sql', '000003_add_index_events_user_id_on_events_2026_01.up.sql', '000004_add_index_events_user_id_attach.up.sql']);
    assert.equal(assertConcurrentlyAlone(texts), 2); // the build and its down
    // golang-migrate sends a file in one Exec: several statements are one transaction, one statement runs alone.
    for (let stop = 1; stop <= ups.length; stop++) {
      const pgdb = await fresh();
      await runAsRunner(pgdb, init);
      for (const f of ups.slice(0, stop)) await runAsRunner(pgdb, texts.get(f)!);
      for (const f of ups.slice(0, stop).reverse()) await runAsRunner(pgdb, texts.get(f.replace(/\.up\.sql$/, '.down.sql'))!);
      assert.deepEqual(await indexesOn(pgdb, 'user_id'), [], `down from step ${stop}`);
    }
  });
});

describe('partitioned tables: index-not-concurrent on a user\'s own CREATE INDEX (a Prisma history)', () => {
  it('reported (it locks every partition), fixed by ON ONLY in place and the builds and ATTACH in new migrations', async () => {
    const reader = memoryReader();
    const { db } = analyzeFixture('partitioned-prisma', reader);
    const findings = check(indexNotConcurrent, db);
    assert.equal(findings.length, 1);
    const [f] = findings;
    assert.equal(
      f.message,
      'CREATE INDEX on partitioned table events takes a SHARE lock on it and on each of its 3 partitions until the index is built on all of them: ' +
        'every insert, update and delete on events waits meanwhile, minutes on a large table. Postgres refuses CONCURRENTLY on a partitioned table: ' +
        "create the index ON ONLY events, build each partition's CONCURRENTLY, then ATTACH them.",
    );
    assert.equal(f.loc.file, db.files[2]);
    assert.deepEqual(
      f.fixes!.map((x) => [x.title, x.safety, x.intent.kind]),
      [['Create it ON ONLY events, then CONCURRENTLY on each partition and ATTACH, in new migrations (only if this migration has not been deployed yet)', 'unsafe', 'addConcurrently']],
    );
    const edits = sqlFrontEnd.writeFix(f.fixes![0].intent, reader)!;
    const { files, texts } = created(edits, reader);
    assert.equal(texts.get(db.files[2]), '-- CreateIndex\nCREATE INDEX "events_user_id_created_at_idx" ON ONLY "events"("user_id", "created_at");\n');
    assert.deepEqual(files.map((x) => x.split('/').slice(-2)[0].replace(/^\d+_/, '')), [
      'build_events_user_id_created_at_idx_on_events_2026_01',
      'build_events_user_id_created_at_idx_on_events_2026_02',
      'build_events_user_id_created_at_idx_on_events_2026_03',
      'build_events_user_id_created_at_idx_attach',
    ]);
    assert.ok(files.every((x) => x.endsWith('/migration.sql') && x > db.files[2]));
    assert.deepEqual(statementsOf(texts.get(files[0])!), ['CREATE INDEX CONCURRENTLY IF NOT EXISTS events_2026_01_user_id_created_at_idx ON events_2026_01("user_id", "created_at")']);
    assert.equal(assertConcurrentlyAlone(texts), 3);

    const pgdb = await fresh();
    for (const file of db.files) await runAsRunner(pgdb, texts.get(file) ?? reader.read(file)!);
    for (const file of files) await runAsRunner(pgdb, texts.get(file)!);
    assert.deepEqual(await indexesOn(pgdb, 'user_id'), [
      'events: events_user_id_created_at_idx',
      'events_2026_01: events_2026_01_user_id_created_at_idx -> events_user_id_created_at_idx',
      'events_2026_02: events_2026_02_user_id_created_at_idx -> events_user_id_created_at_idx',
      'events_2026_03: events_2026_03_user_id_created_at_idx -> events_user_id_created_at_idx',
    ]);
    const after = analyze([...db.files, ...files, `${db.files[0].slice(0, db.files[0].lastIndexOf('/migrations/'))}/migrations/migration_lock.toml`], overlayReader(texts, reader));
    assert.deepEqual(check(indexNotConcurrent, after), []);
  });

  it('keeps the statement\'s own definition (UNIQUE, USING, WHERE, no name) on every partition; an older migration gets no fix', async () => {
    const dir = '/w/supabase/migrations';
    const files: Record<string, string> = {
      [`${dir}/20260112100000_events.sql`]: [
        'create table public.events (id bigint not null, kind text not null, created_at timestamptz not null) partition by range (created_at);',
        "create table public.events_2026_01 partition of public.events for values from ('2026-01-01') to ('2026-02-01');",
        "create table public.events_2026_02 partition of public.events for values from ('2026-02-01') to ('2026-03-01');",
        '',
      ].join('\n'),
      [`${dir}/20260120100000_event_indexes.sql`]: [
        '-- Lookups by kind, and one row per id and month.',
        "create index on public.events using btree (kind) where kind <> 'debug';",
        'create unique index events_id_created_at_key on public.events (id, created_at);',
        '',
      ].join('\n'),
      // Created after those indexes: Postgres gives it a copy of each, attached.
      [`${dir}/20260201000000_events_2026_03.sql`]: "create table public.events_2026_03 partition of public.events for values from ('2026-03-01') to ('2026-04-01');\n",
    };
    const reader = overlayReader(files);
    const db = analyze(Object.keys(files), reader);
    const findings = check(indexNotConcurrent, db);
    assert.deepEqual(findings.map((f) => [f.loc.range.start.line, /each of its 2 partitions/.test(f.message)]), [[1, true], [2, true]]);
    // Not the newest migration: it has run, rewriting it would only make environments disagree.
    assert.equal(sqlFrontEnd.writeFix(findings[0].fixes![0].intent, reader), undefined);

    // The same statements in the newest migration (it may not have been deployed yet).
    const latest = { ...files };
    delete latest[`${dir}/20260201000000_events_2026_03.sql`];
    const lreader = overlayReader(latest);
    const ldb = analyze(Object.keys(latest), lreader);
    const edits = check(indexNotConcurrent, ldb).flatMap((f) => sqlFrontEnd.writeFix(f.fixes![0].intent, lreader) ?? []);
    const texts = applyEdits(edits, lreader);
    assert.deepEqual(statementsOf(texts.get(`${dir}/20260120100000_event_indexes.sql`)!), [
      "create index on only public.events using btree (kind) where kind <> 'debug'",
      'create unique index events_id_created_at_key on only public.events (id, created_at)',
    ]);
    const made = [...texts.keys()].filter((f) => !(f in latest)).sort();
    assert.deepEqual(
      made.flatMap((f) => statementsOf(texts.get(f)!)).filter((s) => /CONCURRENTLY/.test(s)),
      [
        "CREATE INDEX CONCURRENTLY IF NOT EXISTS events_2026_01_kind_idx ON public.events_2026_01 using btree (kind) where kind <> 'debug'",
        "CREATE INDEX CONCURRENTLY IF NOT EXISTS events_2026_02_kind_idx ON public.events_2026_02 using btree (kind) where kind <> 'debug'",
        'CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS events_2026_01_id_created_at_key ON public.events_2026_01 (id, created_at)',
        'CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS events_2026_02_id_created_at_key ON public.events_2026_02 (id, created_at)',
      ],
    );
    assert.equal(assertConcurrentlyAlone(texts), 4);
    const pgdb = await fresh();
    for (const f of [...Object.keys(latest).sort(), ...made]) await runAsRunner(pgdb, texts.get(f) ?? lreader.read(f)!);
    const idx = await pgdb.query<{ idx: string; valid: boolean; unique: boolean; partial: boolean; n: number }>(`
      select i.relname as idx, x.indisvalid as valid, x.indisunique as unique, x.indpred is not null as partial,
        (select count(*)::int from pg_inherits h where h.inhparent = i.oid) as n
      from pg_index x join pg_class i on i.oid = x.indexrelid where x.indrelid = 'public.events'::regclass order by 1`);
    assert.deepEqual(idx.rows, [
      { idx: 'events_id_created_at_key', valid: true, unique: true, partial: false, n: 2 },
      { idx: 'events_kind_idx', valid: true, unique: false, partial: true, n: 2 },
    ]);
    // A partition created after the route gets its copies from Postgres, attached: the indexes stay valid.
    await runAsRunner(pgdb, files[`${dir}/20260201000000_events_2026_03.sql`]);
    const valid = await pgdb.query<{ n: number }>(`select count(*)::int as n from pg_index where indrelid = 'public.events'::regclass and indisvalid`);
    assert.deepEqual(valid.rows, [{ n: 2 }]);
  });

  it('CREATE INDEX CONCURRENTLY on the parent: Postgres refuses it in or out of a transaction, so concurrent-index-in-transaction leaves it to concurrent-index-on-partitioned-table', async () => {
    const dir = '/w/supabase/migrations';
    const files: Record<string, string> = {
      [`${dir}/20260112100000_events.sql`]: [
        'create table public.events (id bigint not null, kind text not null, created_at timestamptz not null) partition by range (created_at);',
        "create table public.events_2026_01 partition of public.events for values from ('2026-01-01') to ('2026-02-01');",
        '',
      ].join('\n'),
      [`${dir}/20260120100000_kind_index.sql`]: 'alter table public.events add column source text;\ncreate index concurrently events_kind_idx on public.events (kind);\n',
    };
    const reader = overlayReader(files);
    const db = analyze(Object.keys(files), reader);
    assert.deepEqual(check(indexNotConcurrent, db), []);
    assert.deepEqual(check(concurrentIndexInTransaction, db), []);
    const [refused] = check(concurrentIndexOnPartitionedTable, db);
    assert.equal(refused.fixes![0].intent.kind, 'indexPartitionsConcurrently');
    // "Moved to a migration of its own" would fail there too: the writer refuses to.
    const move: FixIntent = { kind: 'moveToOwnMigration', database: db, statement: db.statements!.find((x) => x.concurrently)! };
    assert.equal(sqlFrontEnd.writeFix(move, reader), undefined);
    const pgdb = await fresh();
    await runAsRunner(pgdb, files[`${dir}/20260112100000_events.sql`]);
    await assert.rejects(pgdb.exec('create index concurrently events_kind_idx on public.events (kind)'), /cannot create index on partitioned table "events" concurrently/);
    await assert.rejects(runAsRunner(pgdb, files[`${dir}/20260120100000_kind_index.sql`]), /cannot create index on partitioned table "events" concurrently|cannot run inside a transaction block/);
  });
});
