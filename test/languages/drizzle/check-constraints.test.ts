/**
 * Drizzle `check()` constraints (drizzle-orm 0.36+): `check("invoices_status_check", sql`${t.status} in ('draft', …)`)`
 * holds a text column to a closed set of strings that the database enforces. The front-end reads the `sql` template
 * syntax only (each `${t.x}` put back as the column's SQL name) with the Postgres parser, and fills
 * Column.checkedValues; string-enum then leaves the column alone. drizzle-orm itself renders the checks of the fixture,
 * and PGlite proves the database refuses a value outside the set.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { PGlite } from '@electric-sql/pglite';
import { getTableConfig, PgDialect } from 'drizzle-orm/pg-core';
import { stringEnum } from '../../../rules/data-types/string-enum';
import type { Database } from '../../../rules/model';
import { drizzleFrontEnd } from '../../../server/src/languages/drizzle';
import { loadSqlParser } from '../../../server/src/languages/sql';
import type { Unit } from '../../../server/src/languages/types';
import { runRule } from '../../helpers/run-rule';
import { fixture, memoryReader, onlyDatabase, table } from './helpers';
import { readFileSync } from 'node:fs';

const dir = fixture('check-constraints');

function analyzeText(file: string, text: string): Database {
  const reader = memoryReader({ [file]: text });
  const units = drizzleFrontEnd.discover([file], reader);
  const unit: Unit = units[0] ?? { language: 'drizzle', id: `drizzle:${file}`, files: [file] };
  return drizzleFrontEnd.analyze(unit, reader, { validation: true }).databases[0];
}

const values = (db: Database, t: string, c: string) => table(db, t).columns.find((x) => x.name === c)?.checkedValues;
const reported = (db: Database) => runRule(stringEnum, [db]).map((r) => r.message.split(' ')[0]);

describe('Drizzle check() constraints', () => {
  before(() => loadSqlParser());

  it('are read in the array and object forms, from ${t.x} placeholders, = any(array[…]) and a raw column name', () => {
    const { db } = onlyDatabase(dir);
    assert.deepEqual(values(db, 'invoices', 'status'), ['draft', 'sent', 'paid']);
    assert.deepEqual(values(db, 'invoices', 'paymentMethod'), ['card', 'transfer']);
    assert.deepEqual(values(db, 'invoices', 'priority'), ['low', 'normal', 'high']);
    assert.equal(values(db, 'invoices', 'stage'), undefined);
    assert.deepEqual(values(db, 'shipments', 'carrierStatus'), ['pending', 'in_transit', 'delivered']);
    // string-enum: the database enforces the checked columns; stage (default "new", no check) is still free text.
    assert.deepEqual(reported(db), ['invoices.stage']);
  });

  it('as drizzle-orm renders them, and as Postgres enforces them (PGlite refuses a value outside the set)', async () => {
    const schema = await import(fixture('check-constraints/src/db/schema.ts'));
    const dialect = new PgDialect();
    const rendered = [schema.invoices, schema.shipments].flatMap((t) => getTableConfig(t).checks.map((c) => `CONSTRAINT "${c.name}" CHECK (${dialect.sqlToQuery(c.value).sql})`));
    const migration = readFileSync(fixture('check-constraints/drizzle/0000_steady_invoices.sql'), 'utf8');
    for (const r of rendered) assert.ok(migration.includes(r), `the migration holds ${r}`);
    const pg = await PGlite.create();
    try {
      for (const statement of migration.split('--> statement-breakpoint')) await pg.exec(statement);
      await pg.query(`insert into invoices (customer_id, status, payment_method, priority) values (1, 'sent', 'transfer', 'high')`);
      for (const [column, value] of [['status', 'void'], ['payment_method', 'cash'], ['priority', 'urgent']]) {
        await assert.rejects(pg.query(`insert into invoices (customer_id, ${column}) values (1, $1)`, [value]), /violates check constraint/, column);
      }
      await assert.rejects(pg.query(`insert into shipments (invoice_id, carrier_status) values (1, 'lost')`), /violates check constraint/);
      // stage has no check: any string goes in.
      await pg.query(`insert into invoices (customer_id, stage) values (1, 'whatever')`);
    } finally {
      await pg.close();
    }
  });

  it('names the column by its SQL name: a casing-free key, a destructured parameter; a helper no table calls adds nothing', () => {
    const db = analyzeText(
      '/app/src/schema.ts',
      `import { sql } from "drizzle-orm";
import { check, pgTable, serial, text } from "drizzle-orm/pg-core";

const statusIn = (column: any) => check("orders_state_check", sql\`\${column} in ('open', 'closed')\`);

export const orders = pgTable("orders", {
  id: serial("id").primaryKey(),
  fulfillmentStatus: text("fulfillment_status").notNull().default("pending"),
  state: text("state").notNull().default("open"),
  kind: text("kind").notNull().default("retail"),
}, ({ fulfillmentStatus, kind }) => [
  check("orders_fulfillment_status_check", sql\`\${fulfillmentStatus} IN ('pending', 'shipped') AND length(\${fulfillmentStatus}) < 20\`),
  check("orders_kind_check", sql\`"kind" = 'retail' OR "kind" = 'wholesale'\`),
]);
`,
    );
    assert.deepEqual(values(db, 'orders', 'fulfillmentStatus'), ['pending', 'shipped']);
    assert.deepEqual(values(db, 'orders', 'kind'), ['retail', 'wholesale']);
    // The helper is not called by the table: state keeps no check.
    assert.equal(values(db, 'orders', 'state'), undefined);
    assert.deepEqual(reported(db), ['orders.state']);
  });

  it('leaves a check that is not a closed set, or holds a value placeholder; MySQL checks are not taken as enforced', () => {
    const db = analyzeText(
      '/app/src/schema.ts',
      `import { sql } from "drizzle-orm";
import { check, pgTable, serial, text, integer } from "drizzle-orm/pg-core";

const CLOSED = "closed";

export const tickets = pgTable("tickets", {
  id: serial("id").primaryKey(),
  status: text("status").notNull().default("open"),
  priority: text("priority").notNull().default("low"),
  level: text("level").notNull().default("one"),
  retries: integer("retries").notNull().default(0),
}, (t) => [
  check("tickets_status_check", sql\`\${t.status} in ('open', \${CLOSED})\`),
  check("tickets_priority_check", sql\`\${t.priority} <> 'none'\`),
  check("tickets_level_check", sql\`\${t.level} in ('one', 'two'\`),
  check("tickets_retries_check", sql\`\${t.retries} >= 0\`),
]);
`,
    );
    for (const c of ['status', 'priority', 'level', 'retries']) assert.equal(values(db, 'tickets', c), undefined, c);
    assert.deepEqual(reported(db), ['tickets.status', 'tickets.priority', 'tickets.level']);
    const mysql = analyzeText(
      '/app/src/schema.ts',
      `import { sql } from "drizzle-orm";
import { check, mysqlTable, serial, varchar } from "drizzle-orm/mysql-core";

export const tickets = mysqlTable("tickets", {
  id: serial("id").primaryKey(),
  status: varchar("status", { length: 20 }).notNull().default("open"),
}, (t) => [check("tickets_status_check", sql\`\${t.status} in ('open', 'closed')\`)]);
`,
    );
    // MySQL before 8.0.16 parses CHECK and ignores it: the front-end does not take it as enforced.
    assert.equal(values(mysql, 'tickets', 'status'), undefined);
  });

  it('SQLite: the same syntax, names compared ignoring case', () => {
    const db = analyzeText(
      '/app/src/schema.ts',
      `import { sql } from "drizzle-orm";
import { check, integer, sqliteTable, text } from "drizzle-orm/sqlite-core";

export const tasks = sqliteTable("tasks", {
  id: integer("id").primaryKey({ autoIncrement: true }),
  status: text("status").notNull().default("todo"),
}, (t) => [check("tasks_status_check", sql\`STATUS in ('todo', 'doing', 'done')\`)]);
`,
    );
    assert.equal(db.dialect, 'sqlite');
    assert.deepEqual(values(db, 'tasks', 'status'), ['todo', 'doing', 'done']);
    assert.deepEqual(reported(db), []);
  });
});
