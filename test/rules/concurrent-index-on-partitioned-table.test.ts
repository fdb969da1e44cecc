/**
 * concurrent-index-on-partitioned-table: Postgres refuses CREATE INDEX CONCURRENTLY on a partitioned table (with
 * partitions or without, ON ONLY or not). The fix builds the parent's index ON ONLY and each partition's
 * CONCURRENTLY, then attaches them; PGlite runs every file as its runner would and checks the parent index is valid.
 */
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { Database } from '../../rules/model';
import type { ReportInput, Rule } from '../../rules/types';
import { concurrentIndexOnPartitionedTable } from '../../rules/migrations/concurrent-index-on-partitioned-table';
import { concurrentIndexInTransaction } from '../../rules/migrations/concurrent-index-in-transaction';
import { indexNotConcurrent } from '../../rules/migrations/index-not-concurrent';
import { sqlFrontEnd } from '../../server/src/languages/sql';
import type { SourceReader } from '../../server/src/languages/types';
import { applyEdits, FIXTURES, indexesOn, listFiles, memoryReader, pgliteClones, ready, runAsRunner, statementsOf } from '../languages/sql/helpers';

const fresh = pgliteClones();
before(ready);

function check(rule: Rule, db: Database): ReportInput[] {
  const out: ReportInput[] = [];
  rule.check({ databases: [db], codeFiles: [], databaseFor: () => undefined, report: (f: ReportInput) => out.push(f) } as Parameters<Rule['check']>[0]);
  return out;
}

function analyze(files: string[], reader: SourceReader): Database {
  const units = sqlFrontEnd.discover([...files].sort(), reader);
  assert.equal(units.length, 1);
  return sqlFrontEnd.analyze(units[0], reader, { validation: true }).databases[0];
}

const SUPABASE = join(FIXTURES, 'partitioned-supabase');
const MIGRATIONS = `${SUPABASE}/supabase/migrations`;

describe('concurrent-index-on-partitioned-table', () => {
  it('a Supabase migration that builds an index CONCURRENTLY on events (partitioned by month): reported, and the fix runs in Postgres', async () => {
    const added = `${MIGRATIONS}/20260301090000_events_kind_index.sql`;
    const reader = memoryReader(new Map([[added, '-- Events by kind, for the dashboard.\ncreate index concurrently events_kind_idx on public.events (kind);\n']]));
    const files = [...listFiles(SUPABASE), added];
    const db = analyze(files, reader);
    const [finding, ...more] = check(concurrentIndexOnPartitionedTable, db);
    assert.deepEqual(more, []);
    assert.equal(finding.loc.file, added);
    assert.equal(finding.loc.range.start.line, 1);
    assert.match(finding.message, /^events is a partitioned table, and Postgres refuses CREATE INDEX CONCURRENTLY/);
    // Alone in its file, the statement is run outside a transaction: only this rule speaks, and no other rule.
    assert.deepEqual(check(concurrentIndexInTransaction, db), []);
    assert.deepEqual(check(indexNotConcurrent, db), []);

    const pg = await fresh();
    for (const f of files.slice(0, -1)) await runAsRunner(pg, reader.read(f)!);
    await assert.rejects(runAsRunner(pg, reader.read(added)!), /cannot create index on partitioned table "events" concurrently/);

    const edits = sqlFrontEnd.writeFix(finding.fixes![0].intent, reader);
    assert.ok(edits);
    const texts = applyEdits(edits, reader);
    assert.deepEqual(statementsOf(texts.get(added)!), ['create index events_kind_idx on only public.events (kind)']);
    assert.ok(texts.get(added)!.startsWith('-- Events by kind, for the dashboard.\n'), 'the comment is kept');
    const made = edits.filter((e) => e.create).map((e) => e.file).sort();
    assert.equal(made.length, 4, 'one migration per partition, and one that attaches them');
    for (const f of made.slice(0, 3)) assert.match(statementsOf(texts.get(f)!).join(';'), /^CREATE INDEX CONCURRENTLY IF NOT EXISTS events_2026_0\d_kind_idx ON public\.events_2026_0\d \(kind\)$/);
    for (const f of [added, ...made]) await runAsRunner(pg, texts.get(f)!);
    assert.deepEqual(await indexesOn(pg, 'kind'), [
      'events: events_kind_idx',
      'events_2026_01: events_2026_01_kind_idx -> events_kind_idx',
      'events_2026_02: events_2026_02_kind_idx -> events_kind_idx',
      'events_2026_03: events_2026_03_kind_idx -> events_kind_idx',
    ]);

    // Reviewed again: nothing left to say about these statements.
    const overlay: SourceReader = { read: (p) => texts.get(p) ?? reader.read(p) };
    const after = analyze([...files, ...made], overlay);
    assert.deepEqual(check(concurrentIndexOnPartitionedTable, after), []);
    assert.deepEqual(check(concurrentIndexInTransaction, after), []);
    assert.deepEqual(check(indexNotConcurrent, after), []);
  });

  it('in a Prisma migration with other statements: this rule, not concurrent-index-in-transaction (moving it out would not help)', () => {
    const dir = '/w/prisma/migrations';
    const files: Record<string, string> = {
      [`${dir}/migration_lock.toml`]: 'provider = "postgresql"\n',
      [`${dir}/20260110120000_init/migration.sql`]:
        'CREATE TABLE "events" ("id" TEXT NOT NULL, "kind" TEXT NOT NULL, "created_at" TIMESTAMP(3) NOT NULL, CONSTRAINT "events_pkey" PRIMARY KEY ("id", "created_at")) PARTITION BY RANGE ("created_at");\n' +
        'CREATE TABLE "events_2026_01" PARTITION OF "events" FOR VALUES FROM (\'2026-01-01\') TO (\'2026-02-01\');\n',
      [`${dir}/20260301100000_kind/migration.sql`]: 'ALTER TABLE "events" ADD COLUMN "source" TEXT;\nCREATE INDEX CONCURRENTLY "events_kind_idx" ON "events"("kind");\n',
    };
    const reader: SourceReader = { read: (p) => files[p] };
    const db = analyze(Object.keys(files), reader);
    const found = check(concurrentIndexOnPartitionedTable, db);
    assert.equal(found.length, 1);
    assert.equal(found[0].loc.range.start.line, 1);
    assert.deepEqual(check(concurrentIndexInTransaction, db), []);
    const texts = applyEdits(sqlFrontEnd.writeFix(found[0].fixes![0].intent, reader)!, reader);
    assert.deepEqual(statementsOf(texts.get(`${dir}/20260301100000_kind/migration.sql`)!), [
      'ALTER TABLE "events" ADD COLUMN "source" TEXT',
      'CREATE INDEX "events_kind_idx" ON ONLY "events"("kind")',
    ]);
    const made = [...texts.keys()].filter((f) => !(f in files)).sort();
    assert.deepEqual(made.map((f) => statementsOf(texts.get(f)!)), [
      ['CREATE INDEX CONCURRENTLY IF NOT EXISTS events_2026_01_kind_idx ON events_2026_01("kind")'],
      ['ALTER INDEX events_kind_idx ATTACH PARTITION events_2026_01_kind_idx'],
    ]);
  });

  it('a dump: the table has no rows yet, so CONCURRENTLY is only dropped; Postgres then runs the file', async () => {
    const file = '/w/db/structure.sql';
    const text =
      'CREATE TABLE public.audit_events (id bigint NOT NULL, actor text, at timestamptz NOT NULL) PARTITION BY RANGE (at);\n' +
      "CREATE TABLE public.audit_events_2026 PARTITION OF public.audit_events FOR VALUES FROM ('2026-01-01') TO ('2027-01-01');\n" +
      'CREATE INDEX CONCURRENTLY audit_events_actor_idx ON public.audit_events USING btree (actor);\n';
    const reader: SourceReader = { read: (p) => (p === file ? text : undefined) };
    const db = analyze([file], reader);
    const [finding] = check(concurrentIndexOnPartitionedTable, db);
    assert.equal(finding.loc.range.start.line, 2);
    const fixed = applyEdits(sqlFrontEnd.writeFix(finding.fixes![0].intent, reader)!, reader).get(file)!;
    assert.equal(fixed, text.replace('CREATE INDEX CONCURRENTLY', 'CREATE INDEX'));
    // Each statement by itself, as psql runs a dump.
    const pg = await fresh();
    const [create, partition, index] = statementsOf(text);
    await pg.exec(`${create};\n${partition};`);
    await assert.rejects(pg.exec(index), /cannot create index on partitioned table "audit_events" concurrently/);
    const again = await fresh();
    for (const statement of statementsOf(fixed)) await again.exec(statement);
    assert.deepEqual(await indexesOn(again, 'actor'), ['audit_events: audit_events_actor_idx', 'audit_events_2026: audit_events_2026_actor_idx -> audit_events_actor_idx']);
  });

  it('not reported: CONCURRENTLY on a plain table, a plain index on a partitioned one, MySQL', () => {
    const file = '/w/db/structure.sql';
    const text =
      'CREATE TABLE public.users (id bigint PRIMARY KEY, email text);\n' +
      'CREATE TABLE public.events (id bigint, at timestamptz NOT NULL) PARTITION BY RANGE (at);\n' +
      'CREATE INDEX CONCURRENTLY users_email_idx ON public.users (email);\n' +
      'CREATE INDEX events_at_idx ON public.events (at);\n';
    const db = analyze([file], { read: (p) => (p === file ? text : undefined) });
    assert.deepEqual(check(concurrentIndexOnPartitionedTable, db), []);
    assert.deepEqual(check(concurrentIndexOnPartitionedTable, { ...db, dialect: 'mysql' }), []);
  });
});
