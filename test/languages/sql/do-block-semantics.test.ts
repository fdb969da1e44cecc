/**
 * PL/pgSQL semantics of the schema statements in a `DO $$ … $$` block, checked against PGlite:
 * - a block with an EXCEPTION handler (`WHEN duplicate_object | duplicate_table | duplicate_column | others | SQLSTATE
 *   '42710'`) runs in a subtransaction: when one of its statements raises what the handler catches (the object exists),
 *   Postgres rolls back every statement the block ran and skips the rest; otherwise they all take effect;
 * - an IF whose condition tests that an object is absent (`to_regtype('x') IS NULL`, `to_regclass('x') IS NULL`,
 *   `(SELECT count(*) FROM pg_type WHERE typname = 'x') = 0`, `NOT EXISTS (SELECT FROM pg_type … )`) skips its whole
 *   THEN branch when the object exists.
 * Each case runs the same migrations in PGlite and compares pg_catalog (columns, foreign keys, indexes, enum values
 * of the public schema) with the model.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { PGliteInterface } from '@electric-sql/pglite';
import type { Database } from '../../../rules/model';
import { readAbsenceGuard } from '../../../server/src/languages/sql/guards';
import { pgliteClones, runAsRunner, analyzeSqlFiles } from './helpers';

const fresh = pgliteClones();

/** A history with the enum, the tables and a foreign key the guarded re-statements below meet. */
const INIT =
  "CREATE TYPE order_status AS ENUM ('pending', 'paid');\n" +
  'CREATE TABLE customers (id bigint PRIMARY KEY, email text);\n' +
  'CREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint, referrer_id bigint, status order_status);\n' +
  'ALTER TABLE orders ADD CONSTRAINT orders_customer_id_fkey FOREIGN KEY (customer_id) REFERENCES customers (id);\n';
/** Run on its own: the value is added after the first migration, so a replayed re-creation would lose it. */
const ADD_VALUE = "ALTER TYPE order_status ADD VALUE 'refunded';\n";
/** The same tables, without the enum and its column. */
const INIT_NO_ENUM =
  'CREATE TABLE customers (id bigint PRIMARY KEY, email text);\n' + 'CREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint, referrer_id bigint);\n';

function migrations(...bodies: string[]): Record<string, string> {
  const files: Record<string, string> = {};
  bodies.forEach((b, i) => (files[`supabase/migrations/2024010${i + 1}000000_m${i + 1}.sql`] = b));
  return files;
}

const analyzeFiles = analyzeSqlFiles;

interface Schema {
  columns: string[];
  foreignKeys: string[];
  indexes: string[];
  enums: string[];
}

function modelSchema(db: Database): Schema {
  return {
    columns: db.tables.flatMap((t) => t.columns.map((c) => `${t.name}.${c.name}`)).sort(),
    foreignKeys: db.tables.flatMap((t) => t.foreignKeys.map((f) => `${t.name}.${f.name}`)).sort(),
    indexes: db.tables.flatMap((t) => [t.primaryKey, ...t.indexes].filter((i) => i !== undefined).map((i) => `${t.name}.${i!.name}`)).sort(),
    enums: db.enums.map((e) => `${e.name}: ${e.values.join(', ')}`).sort(),
  };
}

async function postgresSchema(db: PGliteInterface): Promise<Schema> {
  const rows = async (sql: string): Promise<string[]> => (await db.query<{ v: string }>(sql)).rows.map((r) => r.v).sort();
  return {
    columns: await rows(`select c.relname || '.' || a.attname as v from pg_attribute a join pg_class c on c.oid = a.attrelid
      where c.relnamespace = 'public'::regnamespace and c.relkind in ('r', 'p') and a.attnum > 0 and not a.attisdropped`),
    foreignKeys: await rows(`select c.relname || '.' || k.conname as v from pg_constraint k join pg_class c on c.oid = k.conrelid
      where k.contype = 'f' and c.relnamespace = 'public'::regnamespace`),
    indexes: await rows(`select tablename || '.' || indexname as v from pg_indexes where schemaname = 'public'`),
    enums: await rows(`select t.typname || ': ' || string_agg(e.enumlabel, ', ' order by e.enumsortorder) as v
      from pg_enum e join pg_type t on t.oid = e.enumtypid where t.typnamespace = 'public'::regnamespace group by t.typname`),
  };
}

/** Runs the migrations in PGlite as the Supabase CLI does, then compares what Postgres has with the model. */
async function assertAgrees(files: Record<string, string>, expect?: (s: Schema) => void): Promise<void> {
  const pglite = await fresh();
  for (const f of Object.keys(files).sort()) await runAsRunner(pglite, files[f]);
  const truth = await postgresSchema(pglite);
  expect?.(truth);
  assert.deepEqual(modelSchema(analyzeFiles(files)), truth);
}

const block = (body: string, handler = 'duplicate_object'): string => `DO $$\nBEGIN\n${body}\nEXCEPTION\n  WHEN ${handler} THEN null;\nEND $$;\n`;

describe('DO block with an EXCEPTION handler: all of its statements or none', () => {
  it("drizzle-kit's block: the first ADD CONSTRAINT exists, so the second one is rolled back with it", async () => {
    const files = migrations(
      INIT,
      block(
        '  ALTER TABLE orders ADD CONSTRAINT orders_customer_id_fkey FOREIGN KEY (customer_id) REFERENCES customers (id);\n' +
          '  ALTER TABLE orders ADD CONSTRAINT orders_referrer_id_fkey FOREIGN KEY (referrer_id) REFERENCES customers (id);',
      ),
    );
    await assertAgrees(files, (s) => assert.deepEqual(s.foreignKeys, ['orders.orders_customer_id_fkey']));
  });

  it('a statement before the one that fails is rolled back too', async () => {
    const files = migrations(INIT, ADD_VALUE, block("  ALTER TABLE orders ADD COLUMN note text;\n  CREATE TYPE order_status AS ENUM ('pending', 'paid');"));
    await assertAgrees(files, (s) => assert.ok(!s.columns.includes('orders.note')));
  });

  it('WHEN others catches the duplicate too: the new table is rolled back', async () => {
    const files = migrations(INIT, ADD_VALUE, block("  CREATE TYPE order_status AS ENUM ('pending', 'paid');\n  CREATE TABLE refunds (id bigint PRIMARY KEY, order_id bigint REFERENCES orders (id));", 'others'));
    await assertAgrees(files, (s) => assert.ok(!s.columns.includes('refunds.id')));
  });

  it("WHEN SQLSTATE '42710' is duplicate_object", async () => {
    const files = migrations(
      INIT,
      block(
        '  ALTER TABLE orders ADD CONSTRAINT orders_referrer_id_fkey FOREIGN KEY (referrer_id) REFERENCES customers (id);\n' +
          '  ALTER TABLE orders ADD CONSTRAINT orders_customer_id_fkey FOREIGN KEY (customer_id) REFERENCES customers (id);',
        "SQLSTATE '42710'",
      ),
    );
    await assertAgrees(files, (s) => assert.deepEqual(s.foreignKeys, ['orders.orders_customer_id_fkey']));
  });

  it('WHEN duplicate_column: an ADD COLUMN of a column the table has rolls back the one added before it', async () => {
    const files = migrations(INIT, block('  ALTER TABLE orders ADD COLUMN note text;\n  ALTER TABLE orders ADD COLUMN status order_status;', 'duplicate_column'));
    await assertAgrees(files, (s) => assert.ok(!s.columns.includes('orders.note')));
  });

  it('WHEN duplicate_table: a CREATE TABLE of a table that exists rolls back the index built before it', async () => {
    const files = migrations(INIT, block('  CREATE INDEX orders_status_idx ON orders (status);\n  CREATE TABLE customers (id bigint PRIMARY KEY);', 'duplicate_table'));
    await assertAgrees(files, (s) => assert.ok(!s.indexes.includes('orders.orders_status_idx')));
  });

  it('a statement that repeats an earlier one of the same block rolls the block back', async () => {
    const files = migrations(
      INIT,
      block("  CREATE TYPE refund_reason AS ENUM ('damaged');\n  ALTER TABLE orders ADD COLUMN reason refund_reason;\n  CREATE TYPE refund_reason AS ENUM ('late');"),
    );
    await assertAgrees(files, (s) => assert.ok(!s.columns.includes('orders.reason')));
  });

  it('nothing exists yet: every statement takes effect', async () => {
    const files = migrations(
      INIT,
      block(
        "  CREATE TYPE refund_reason AS ENUM ('damaged');\n  ALTER TABLE orders ADD COLUMN reason refund_reason;\n" +
          '  ALTER TABLE orders ADD CONSTRAINT orders_referrer_id_fkey FOREIGN KEY (referrer_id) REFERENCES customers (id);',
      ),
    );
    await assertAgrees(files, (s) => assert.ok(s.columns.includes('orders.reason') && s.foreignKeys.includes('orders.orders_referrer_id_fkey')));
  });

  it('a block that drops what it then re-creates runs statement by statement: nothing raises, all take effect', async () => {
    const files = migrations(INIT, block('  ALTER TABLE orders DROP COLUMN status;\n  ALTER TABLE orders ADD COLUMN status text;\n  ALTER TABLE orders ADD COLUMN note text;', 'duplicate_column'));
    await assertAgrees(files, (s) => assert.ok(s.columns.includes('orders.note') && s.columns.includes('orders.status')));
  });

  it('a nested block is rolled back alone; the statements of the outer block stay', async () => {
    const files = migrations(
      INIT,
      ADD_VALUE,
      'DO $$\nBEGIN\n  ALTER TABLE orders ADD COLUMN note text;\n  BEGIN\n    ALTER TABLE orders ADD COLUMN shipped_at timestamptz;\n' +
        "    CREATE TYPE order_status AS ENUM ('pending', 'paid');\n  EXCEPTION WHEN duplicate_object THEN null;\n  END;\nEND $$;\n",
    );
    await assertAgrees(files, (s) => assert.ok(s.columns.includes('orders.note') && !s.columns.includes('orders.shipped_at')));
  });

  it("a failure the inner handler does not catch rolls back the outer handler's block", async () => {
    const files = migrations(
      INIT,
      'DO $$\nBEGIN\n  ALTER TABLE orders ADD COLUMN note text;\n  BEGIN\n    ALTER TABLE orders ADD COLUMN shipped_at timestamptz;\n' +
        '    ALTER TABLE orders ADD COLUMN status text;\n  EXCEPTION WHEN duplicate_object THEN null;\n  END;\nEXCEPTION WHEN duplicate_column THEN null;\nEND $$;\n',
    );
    await assertAgrees(files, (s) => assert.ok(!s.columns.includes('orders.note') && !s.columns.includes('orders.shipped_at')));
  });
});

/** Guards on order_status whose THEN branch re-creates it and adds a column of it. */
const TYPE_GUARDS: Record<string, string> = {
  "to_regtype('public.x') IS NULL": "to_regtype('public.order_status') IS NULL",
  "to_regtype('x') IS NULL": "to_regtype('order_status') IS NULL",
  '(SELECT count(*) FROM pg_type …) = 0': "(SELECT count(*) FROM pg_type WHERE typname = 'order_status') = 0",
  'NOT EXISTS (SELECT FROM pg_type JOIN pg_namespace …)':
    "NOT EXISTS (SELECT FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace WHERE t.typname = 'order_status' AND n.nspname = 'public')",
  'NOT EXISTS (SELECT 1 FROM pg_type …)': "NOT EXISTS (SELECT 1 FROM pg_type WHERE typname = 'order_status')",
};

const guardedType = (cond: string): string =>
  `DO $$\nBEGIN\n  IF ${cond} THEN\n    CREATE TYPE order_status AS ENUM ('pending', 'paid');\n` + '    ALTER TABLE orders ADD COLUMN legacy_status order_status;\n  END IF;\nEND $$;\n';

describe('IF <the object is absent> THEN: the whole branch is skipped when it exists', () => {
  for (const [form, cond] of Object.entries(TYPE_GUARDS)) {
    it(`${form}: the type exists, nothing in the branch runs`, async () => {
      const files = migrations(INIT, ADD_VALUE, guardedType(cond));
      await assertAgrees(files, (s) => assert.ok(!s.columns.includes('orders.legacy_status') && s.enums.includes('order_status: pending, paid, refunded')));
    });

    it(`${form}: the type does not exist, the branch runs`, async () => {
      const files = migrations(INIT_NO_ENUM, guardedType(cond));
      await assertAgrees(files, (s) => assert.ok(s.columns.includes('orders.legacy_status')));
    });
  }

  const guardedTable = (cond: string): string =>
    `DO $$\nBEGIN\n  IF ${cond} THEN\n    CREATE TABLE customers (id bigint PRIMARY KEY);\n    CREATE INDEX customers_created_idx ON customers (id);\n  END IF;\nEND $$;\n`;

  it("to_regclass('public.x') IS NULL: the table exists, its index is not built", async () => {
    const files = migrations(INIT, guardedTable("to_regclass('public.customers') IS NULL"));
    await assertAgrees(files, (s) => assert.ok(!s.indexes.includes('customers.customers_created_idx')));
  });

  it("to_regclass('x') IS NULL: the table does not exist, the branch runs", async () => {
    const files = migrations('CREATE TABLE orders (id bigint PRIMARY KEY);\n', guardedTable("to_regclass('customers') IS NULL"));
    await assertAgrees(files, (s) => assert.ok(s.indexes.includes('customers.customers_created_idx')));
  });

  it('to_regclass of an index the history has skips the branch', async () => {
    const files = migrations(
      INIT + 'CREATE INDEX orders_status_idx ON orders (status);\n',
      "DO $$\nBEGIN\n  IF to_regclass('public.orders_status_idx') IS NULL THEN\n    ALTER TABLE orders ADD COLUMN note text;\n" +
        '    CREATE INDEX orders_status_idx ON orders (status);\n  END IF;\nEND $$;\n',
    );
    await assertAgrees(files, (s) => assert.ok(!s.columns.includes('orders.note')));
  });

  // The lookups idempotent migrations write for constraints, columns and relations: the branch adds the object and
  // then an index on it, which Postgres does not build when the object exists.
  const CATALOG_GUARDS: [string, string, string][] = [
    [
      'pg_constraint',
      "NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conname = 'orders_customer_id_fkey')",
      'ALTER TABLE orders ADD CONSTRAINT orders_customer_id_fkey FOREIGN KEY (customer_id) REFERENCES customers (id);\n    CREATE INDEX orders_customer_id_idx ON orders (customer_id);',
    ],
    [
      'pg_constraint of the table',
      "NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conname = 'orders_customer_id_fkey' AND conrelid = 'public.orders'::regclass)",
      'ALTER TABLE orders ADD CONSTRAINT orders_customer_id_fkey FOREIGN KEY (customer_id) REFERENCES customers (id);\n    CREATE INDEX orders_customer_id_idx ON orders (customer_id);',
    ],
    [
      'information_schema.columns',
      "NOT EXISTS (SELECT 1 FROM information_schema.columns WHERE table_schema = 'public' AND table_name = 'orders' AND column_name = 'status')",
      'ALTER TABLE orders ADD COLUMN status order_status;\n    CREATE INDEX orders_status_idx ON orders (status);',
    ],
    [
      'information_schema.tables',
      "NOT EXISTS (SELECT FROM information_schema.tables WHERE table_schema = 'public' AND table_name = 'customers')",
      'CREATE TABLE customers (id bigint PRIMARY KEY);\n    CREATE INDEX customers_created_idx ON customers (id);',
    ],
    ['pg_indexes', "NOT EXISTS (SELECT 1 FROM pg_indexes WHERE indexname = 'orders_pkey')", 'ALTER TABLE orders ADD COLUMN note text;\n    CREATE INDEX orders_note_idx ON orders (note);'],
    [
      'pg_class joined to pg_namespace',
      "NOT EXISTS (SELECT 1 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relname = 'orders' AND n.nspname = 'public')",
      'CREATE TABLE orders (id bigint PRIMARY KEY);\n    CREATE INDEX orders_created_idx ON orders (id);',
    ],
  ];
  for (const [form, cond, then] of CATALOG_GUARDS) {
    it(`${form}: the object exists, nothing in the branch runs`, async () => {
      const files = migrations(INIT, `DO $$\nBEGIN\n  IF ${cond} THEN\n    ${then}\n  END IF;\nEND $$;\n`);
      await assertAgrees(files, (s) => assert.deepEqual(s.indexes, ['customers.customers_pkey', 'orders.orders_pkey']));
    });
  }

  it('a constraint of that name on another table does not guard this one', async () => {
    const files = migrations(
      INIT + 'CREATE TABLE refunds (id bigint PRIMARY KEY, customer_id bigint CONSTRAINT refunds_customer_fkey REFERENCES customers (id));\n',
      "DO $$\nBEGIN\n  IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conname = 'refunds_customer_fkey' AND conrelid = 'orders'::regclass) THEN\n" +
        '    ALTER TABLE orders ADD CONSTRAINT refunds_customer_fkey FOREIGN KEY (referrer_id) REFERENCES customers (id);\n    CREATE INDEX orders_referrer_id_idx ON orders (referrer_id);\n  END IF;\nEND $$;\n',
    );
    await assertAgrees(files, (s) => assert.ok(s.indexes.includes('orders.orders_referrer_id_idx')));
  });

  it('a guard this does not read replays the branch as before', () => {
    // `> 5` is no absence test: the branch is replayed as written (here Postgres would skip it, as the model does not).
    const db = analyzeFiles(migrations(INIT, guardedType("(SELECT count(*) FROM pg_type WHERE typname = 'order_status') > 5")));
    assert.ok(modelSchema(db).columns.includes('orders.legacy_status'));
  });
});

describe('readAbsenceGuard', () => {
  it('reads absence tests from the parse tree', () => {
    assert.deepEqual(readAbsenceGuard("to_regtype('billing.\"Status\"') IS NULL"), { kind: 'type', name: 'Status', schema: 'billing' });
    assert.deepEqual(readAbsenceGuard("pg_catalog.to_regclass('Orders'::text) IS NULL"), { kind: 'relation', name: 'orders', schema: 'public' });
    assert.deepEqual(readAbsenceGuard("0 = (SELECT count(1) FROM pg_type WHERE typname = 'x' AND typnamespace = 'app'::regnamespace)"), { kind: 'type', name: 'x', schema: 'app' });
    assert.deepEqual(readAbsenceGuard("NOT EXISTS (SELECT 1 FROM pg_constraint WHERE contype = 'f' AND conname = 'k' AND conrelid = 'app.t'::regclass)"), {
      kind: 'constraint',
      name: 'k',
      schema: 'app',
      table: 't',
    });
    assert.deepEqual(readAbsenceGuard("NOT EXISTS (SELECT 1 FROM information_schema.columns WHERE table_name = 't' AND column_name = 'c')"), { kind: 'column', name: 'c', table: 't' });
  });

  it('leaves any other condition unread', () => {
    for (const cond of [
      "to_regtype('x') IS NOT NULL",
      "to_regtype('integer') IS NULL",
      "to_regclass('x' || 'y') IS NULL",
      "to_regclass('x; select 1') IS NULL",
      "EXISTS (SELECT 1 FROM pg_type WHERE typname = 'x')",
      "NOT EXISTS (SELECT 1 FROM pg_type WHERE typname = 'x' OR typname = 'y')",
      "NOT EXISTS (SELECT 1 FROM pg_type WHERE typname LIKE 'x%')",
      "(SELECT count(*) FROM pg_type WHERE typname = 'x') = 1",
      "NOT EXISTS (SELECT 1 FROM information_schema.columns WHERE column_name = 'c')",
      "NOT EXISTS (SELECT 1 FROM columns WHERE table_name = 't' AND column_name = 'c')",
      "NOT EXISTS (SELECT 1 FROM pg_type, pg_class WHERE typname = 'x')",
      "NOT EXISTS (SELECT 1 FROM pg_type WHERE typname = 'x') AND true",
      'v_count = 0',
    ]) {
      assert.equal(readAbsenceGuard(cond), undefined, cond);
    }
  });
});
