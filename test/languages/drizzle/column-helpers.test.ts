/**
 * Column helpers: functions of the unit that return a column builder (`uuidPk("id")`, `orgRef().notNull()`), as real
 * schemas use for ids, timestamps and tenant keys. The column is read through what the helper returns: its builder,
 * its key and links, its reference (resolved where the helper is declared). Facts declared inside the helper are
 * shared with every table that calls it: no fix edits them in place.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Database } from '../../../rules/model';
import { drizzleFrontEnd } from '../../../server/src/languages/drizzle';
import { memoryReader, table } from './helpers';

const UTILS = `import { timestamp, uuid, varchar } from "drizzle-orm/pg-core";

export const uuidPk = (name: string) => uuid(name).primaryKey().defaultRandom();
export function createdAt() {
  return timestamp("created_at", { withTimezone: true }).defaultNow().notNull();
}
export const shortCode = (name: string, length = 12) => varchar(name, { length }).unique();
`;

const BASE = `import { uuid } from "drizzle-orm/pg-core";
import { organizations } from "./auth";

export const orgRef = () => uuid("organization_id").references(() => organizations.id);
`;

const AUTH = `import { pgTable, text } from "drizzle-orm/pg-core";
import { uuidPk } from "./utils";

export const organizations = pgTable("organizations", {
  id: uuidPk("id"),
  name: text("name").notNull(),
});
`;

const PROJECTS = `import { pgTable, text } from "drizzle-orm/pg-core";
import * as u from "./utils";
import { orgRef } from "./base";

const localPk = () => u.uuidPk("project_id");

export const projects = pgTable("projects", {
  id: localPk(),
  code: u.shortCode("code"),
  organizationId: orgRef().notNull(),
  createdAt: u.createdAt(),
  title: text("title"),
});
`;

function analyze(files: Record<string, string>): Database {
  const reader = memoryReader(files);
  const units = drizzleFrontEnd.discover(Object.keys(files).sort(), reader);
  assert.equal(units.length, 1);
  return drizzleFrontEnd.analyze(units[0], reader, { validation: true }).databases[0];
}

const FILES = {
  '/w/package.json': '{ "name": "w", "dependencies": { "drizzle-orm": "^0.44.0" } }',
  '/w/drizzle.config.ts': 'export default { schema: "./src/db/schema", dialect: "postgresql" };\n',
  '/w/src/db/schema/utils.ts': UTILS,
  '/w/src/db/schema/base.ts': BASE,
  '/w/src/db/schema/auth.ts': AUTH,
  '/w/src/db/schema/projects.ts': PROJECTS,
};

describe('drizzle: column helpers', () => {
  it('a helper column is read through what the helper returns: builder, SQL name, links', () => {
    const db = analyze(FILES);
    const orgs = table(db, 'organizations');
    assert.deepEqual(orgs.primaryKey?.columns, ['id']);
    const orgId = orgs.columns.find((c) => c.name === 'id')!;
    assert.equal(orgId.type, 'uuid');
    assert.equal(orgId.nullable, false);
    const projects = table(db, 'projects');
    assert.deepEqual(projects.primaryKey?.columns, ['id']);
    const col = (name: string) => projects.columns.find((c) => c.name === name)!;
    // The helper's parameter takes the call's argument: `uuid(name)` with "project_id".
    assert.equal(col('id').dbName, 'project_id');
    assert.equal(col('code').type, 'string');
    assert.deepEqual(projects.indexes.map((i) => [i.columns, i.unique]), [[['code'], true]]);
    assert.equal(col('createdAt').type, 'datetime');
    assert.equal(col('createdAt').nullable, false);
    assert.equal(col('createdAt').default, 'now()');
    assert.equal(col('organizationId').nullable, false);
    assert.equal(col('organizationId').dbName, 'organization_id');
    // The reference is resolved in the helper's file, where `organizations` is imported.
    assert.deepEqual(projects.foreignKeys.map((f) => [f.columns, f.references.table, f.references.columns]), [[['organizationId'], 'organizations', ['id']]]);
    // Located in the table's file, at the column.
    assert.equal(projects.foreignKeys[0].loc.file, '/w/src/db/schema/projects.ts');
  });

  it('no fix edits what a helper declares (other tables share it); the index fix goes to the table', () => {
    const db = analyze(FILES);
    const projects = table(db, 'projects');
    const reader = memoryReader(FILES);
    const fk = projects.foreignKeys[0];
    assert.equal(drizzleFrontEnd.writeFix({ kind: 'setOnDelete', database: db, table: projects, foreignKey: fk, action: 'Cascade' }, reader), undefined);
    assert.equal(drizzleFrontEnd.writeFix({ kind: 'dropIndex', database: db, table: projects, index: projects.indexes[0] }, reader), undefined);
    const createdAt = projects.columns.find((c) => c.name === 'createdAt')!;
    assert.equal(drizzleFrontEnd.writeFix({ kind: 'changeColumnType', database: db, table: projects, column: createdAt, to: 'string' } as never, reader), undefined);
    const add = drizzleFrontEnd.writeFix({ kind: 'addIndex', database: db, table: projects, columns: ['organizationId'] }, reader);
    assert.ok(add);
    assert.deepEqual(add.map((e) => e.file), ['/w/src/db/schema/projects.ts']);
  });

  it('a helper that is not a column builder (a package function, a non-function) leaves the column as before', () => {
    const db = analyze({
      ...FILES,
      '/w/src/db/schema/projects.ts': `import { pgTable, text } from "drizzle-orm/pg-core";
import { idColumn } from "@acme/db-kit";
const notAFunction = text("x");
export const projects = pgTable("projects", {
  id: idColumn("id"),
  other: notAFunction,
});
`,
    });
    const projects = table(db, 'projects');
    assert.equal(projects.primaryKey, undefined);
    assert.equal(projects.columns.find((c) => c.name === 'id')!.type, 'other');
  });
});
