/**
 * `CREATE TYPE … AS ENUM` re-stated defensively in a DO block (Supabase's `IF NOT EXISTS (SELECT 1 FROM pg_type WHERE
 * typname = …) THEN`, drizzle-kit's `EXCEPTION WHEN duplicate_object THEN null`): Postgres skips the branch or swallows
 * the duplicate when the enum exists, so the values added since stay. PGlite runs the migrations to confirm.
 */
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Database } from '../../../rules/model';
import { ready, analyzeSqlFiles } from './helpers';

const INIT = "CREATE TYPE order_status AS ENUM ('pending', 'paid');\n";
const ADD = "ALTER TYPE order_status ADD VALUE 'refunded';\n";

/** The guarded re-statements of `order_status` ('pending', 'paid') a migration may hold. */
const GUARDS: Record<string, string> = {
  'pg_type guard':
    "DO $$ BEGIN\n  IF NOT EXISTS (SELECT 1 FROM pg_type WHERE typname = 'order_status') THEN\n" +
    "    CREATE TYPE order_status AS ENUM ('pending', 'paid');\n  END IF;\nEND $$;\n",
  'pg_type joined to pg_namespace':
    'DO $$\nBEGIN\n  IF NOT EXISTS (\n    SELECT 1 FROM pg_catalog.pg_type t JOIN pg_catalog.pg_namespace n ON n.oid = t.typnamespace\n' +
    "    WHERE t.typname = 'order_status' AND n.nspname = 'public'\n  ) THEN\n" +
    "    CREATE TYPE public.order_status AS ENUM ('pending', 'paid');\n  END IF;\nEND\n$$;\n",
  'typnamespace check':
    "DO $$ BEGIN\n  IF NOT EXISTS (SELECT 1 FROM pg_type WHERE typname = 'order_status' AND typnamespace = 'public'::regnamespace) THEN\n" +
    "    CREATE TYPE order_status AS ENUM ('pending', 'paid');\n  END IF;\nEND $$;\n",
  'EXCEPTION WHEN duplicate_object':
    'DO $$ BEGIN\n CREATE TYPE "public"."order_status" AS ENUM(\'pending\', \'paid\');\n' +
    'EXCEPTION\n WHEN duplicate_object THEN null;\nEND $$;\n',
};

function migrations(...bodies: string[]): Record<string, string> {
  const files: Record<string, string> = {};
  bodies.forEach((b, i) => (files[`supabase/migrations/2024010${i + 1}000000_m${i + 1}.sql`] = b));
  return files;
}

const analyzeFiles = analyzeSqlFiles;

function modelValues(files: Record<string, string>): string[] | undefined {
  return analyzeFiles(files).enums.find((e) => e.name === 'order_status')?.values;
}

async function postgresValues(files: Record<string, string>): Promise<string[]> {
  const { PGlite } = await import('@electric-sql/pglite');
  const pglite = new PGlite();
  try {
    for (const f of Object.keys(files).sort()) await pglite.exec(files[f]);
    const r = await pglite.query<{ v: string }>('select unnest(enum_range(null::order_status))::text as v');
    return r.rows.map((x) => x.v);
  } finally {
    await pglite.close();
  }
}

before(ready);

describe('a guarded CREATE TYPE … AS ENUM in a DO block', () => {
  for (const [form, guarded] of Object.entries(GUARDS)) {
    it(`${form}: keeps the values added since when the enum exists`, async () => {
      const files = migrations(INIT, ADD, guarded);
      assert.deepEqual(await postgresValues(files), ['pending', 'paid', 'refunded']);
      assert.deepEqual(modelValues(files), ['pending', 'paid', 'refunded']);
    });

    it(`${form}: creates the enum when it does not exist yet`, async () => {
      const files = migrations(guarded, ADD);
      assert.deepEqual(await postgresValues(files), ['pending', 'paid', 'refunded']);
      assert.deepEqual(modelValues(files), ['pending', 'paid', 'refunded']);
    });
  }

  it('a guard on another type is not read as guarding this one: the CREATE is replayed as before', () => {
    // Postgres fails this migration (the type exists); the model keeps today's replay rather than guess.
    const other =
      "DO $$ BEGIN\n  IF NOT EXISTS (SELECT 1 FROM pg_type WHERE typname = 'payment_status') THEN\n" +
      "    CREATE TYPE order_status AS ENUM ('pending', 'paid');\n  END IF;\nEND $$;\n";
    assert.deepEqual(modelValues(migrations(INIT, ADD, other)), ['pending', 'paid']);
  });

  it('a guard this does not read, or one on another schema, keeps the replay as written', () => {
    for (const cond of [
      "(SELECT count(*) FROM pg_type WHERE typname = 'order_status') < 2",
      "NOT EXISTS (SELECT 1 FROM pg_type WHERE typname = 'order_status' AND typowner = 10)",
      "NOT EXISTS (SELECT 1 FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace WHERE t.typname = 'order_status' AND n.nspname = 'billing')",
    ]) {
      const guarded = `DO $$ BEGIN\n  IF ${cond} THEN\n    CREATE TYPE order_status AS ENUM ('pending', 'paid');\n  END IF;\nEND $$;\n`;
      assert.deepEqual(modelValues(migrations(INIT, ADD, guarded)), ['pending', 'paid'], cond);
    }
  });

  it('a handler for another error does not swallow the duplicate: the CREATE is replayed as before', () => {
    const other = "DO $$ BEGIN\n CREATE TYPE order_status AS ENUM ('pending', 'paid');\nEXCEPTION\n WHEN undefined_object THEN null;\nEND $$;\n";
    assert.deepEqual(modelValues(migrations(INIT, ADD, other)), ['pending', 'paid']);
  });
});
