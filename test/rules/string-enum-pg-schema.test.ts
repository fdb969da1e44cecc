/**
 * A Drizzle table of `billing = pgSchema("billing")` is `billing.invoices` in SQL, which is how the SQL front-end names
 * the table its migrations create as `"billing"."invoices"`; a table of the default schema is plain `invoices` there
 * (`"public"."invoices"` too). string-enum relates a CHECK of the migrations to the schema's column only in the same
 * schema: a CHECK on `public.invoices` says nothing of `billing.invoices`.
 *
 * The SQL side is the real front-end (a drizzle-kit 1.0 output folder); the Drizzle side is a model fact with its
 * schema, as the Drizzle front-end is to record it (`Table.schema`).
 */
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { stringEnum } from '../../rules/data-types/string-enum';
import type { Database, Table } from '../../rules/model';
import { drizzleFrontEnd } from '../../server/src/languages/drizzle';
import { loadSqlParser, sqlFrontEnd } from '../../server/src/languages/sql';
import { column, drizzleDb, table } from '../helpers/model';
import { runRule } from '../helpers/run-rule';

before(() => loadSqlParser());

const OUT = '/repo/drizzle';
const INIT = `${OUT}/20250301090000_init/migration.sql`;
const CHECKS = `${OUT}/20250315140000_invoice_status_check/migration.sql`;
const SNAPSHOT = JSON.stringify({ version: '8', dialect: 'postgres', id: 'a', prevIds: [], ddl: [], renames: [] });

const CREATE =
  'CREATE SCHEMA "billing";\n--> statement-breakpoint\n' +
  'CREATE TABLE "billing"."invoices" (\n\t"id" serial PRIMARY KEY NOT NULL,\n\t"status" text DEFAULT \'draft\' NOT NULL\n);\n--> statement-breakpoint\n' +
  'CREATE TABLE "invoices" (\n\t"id" serial PRIMARY KEY NOT NULL,\n\t"status" text DEFAULT \'draft\' NOT NULL\n);\n';

/** The SQL database replayed from the output folder, with `check` as a hand-written (`--custom`) migration. */
function migrations(check: string): Database {
  const files: Record<string, string> = {
    [INIT]: CREATE,
    [`${OUT}/20250301090000_init/snapshot.json`]: SNAPSHOT,
    [CHECKS]: `-- Custom SQL migration file, put your code below! --\n${check}\n`,
    [`${OUT}/20250315140000_invoice_status_check/snapshot.json`]: SNAPSHOT,
  };
  const reader = { read: (p: string) => files[p] };
  const units = sqlFrontEnd.discover([INIT, CHECKS], reader);
  assert.deepEqual(units.map((u) => u.hints?.kind), ['drizzle']);
  return sqlFrontEnd.analyze(units[0], reader, { validation: true }).databases[0];
}

/** The Drizzle schema: one `invoices` table, in `schema` when given (`pgSchema(schema).table(…)`), else a `pgTable`. */
function schemaWith(schema?: string): Database {
  const invoices: Table = table('invoices', { columns: [column('status', 'string', { comment: 'one of "draft" | "sent" | "paid"' })] });
  if (schema !== undefined) Object.assign(invoices, { schema });
  return { ...drizzleDb([invoices], { file: '/repo/src/db/schema.ts' }), migrationsDirs: [OUT] };
}

function reported(schema: Database, sql: Database): string[] {
  return runRule(stringEnum, [schema, sql])
    .filter((r) => !r.loc.file.startsWith(`${OUT}/`))
    .map((r) => r.message.split(' ')[0]);
}

const BILLING_CHECK = `ALTER TABLE "billing"."invoices" ADD CONSTRAINT "invoices_status_check" CHECK ("status" IN ('draft', 'sent', 'paid'));`;
const PUBLIC_CHECK = `ALTER TABLE "public"."invoices" ADD CONSTRAINT "invoices_status_check" CHECK ("status" IN ('draft', 'sent', 'paid'));`;

describe('string-enum: a CHECK of the migrations holds a column of the same schema only', () => {
  it('the SQL front-end names the tables billing.invoices and invoices ("public"."invoices" too)', () => {
    const sql = migrations(PUBLIC_CHECK);
    assert.deepEqual(sql.tables.map((t) => [t.name, t.columns.find((c) => c.name === 'status')?.checkedValues]), [
      ['billing.invoices', undefined],
      ['invoices', ['draft', 'sent', 'paid']],
    ]);
  });

  it("billing's CHECK holds pgSchema(\"billing\").table(\"invoices\"), not a pgTable(\"invoices\")", () => {
    const sql = migrations(BILLING_CHECK);
    assert.deepEqual(reported(schemaWith('billing'), sql), []);
    assert.deepEqual(reported(schemaWith(), sql), ['invoices.status']);
  });

  it("public's CHECK holds a pgTable(\"invoices\") (and an explicit public schema), not billing's table", () => {
    const sql = migrations(PUBLIC_CHECK);
    assert.deepEqual(reported(schemaWith(), sql), []);
    assert.deepEqual(reported(schemaWith('public'), sql), []);
    assert.deepEqual(reported(schemaWith('billing'), sql), ['invoices.status']);
  });
});

describe('string-enum: pgSchema tables read by the Drizzle front-end', () => {
  // The Drizzle front-end does not record a table's schema on the model yet (analyze.ts completeTable resolves
  // `pgSchema("billing")` for the dialect only): `billing.table("invoices")` is then taken for public's `invoices`.
  it('billing\'s CHECK holds billing.table("invoices") of a real schema file', () => {
    const files: Record<string, string> = {
      '/repo/package.json': '{}',
      '/repo/drizzle.config.ts': 'export default { schema: "./src/db/schema.ts", out: "./drizzle", dialect: "postgresql" };',
      '/repo/src/db/schema.ts':
        'import { pgSchema, pgTable, serial, text } from "drizzle-orm/pg-core";\n\nexport const billing = pgSchema("billing");\n\n' +
        '// one of "draft" | "sent" | "paid"\nexport const invoices = billing.table("invoices", { id: serial("id").primaryKey(), status: text("status").notNull().default("draft") });\n',
    };
    const reader = { read: (p: string) => files[p] };
    const [unit] = drizzleFrontEnd.discover(Object.keys(files), reader);
    const schema = drizzleFrontEnd.analyze(unit, reader, { validation: true }).databases[0];
    assert.deepEqual(schema.migrationsDirs, [OUT]);
    assert.deepEqual(reported(schema, migrations(BILLING_CHECK)), []);
  });
});
