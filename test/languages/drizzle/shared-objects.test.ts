/**
 * Columns declared once in a plain object (`const audit = { createdAt: timestamp(…).notNull(), … }`) and spread into
 * several tables (`...audit`): each table has them, but an edit of the object changes every table at once. As for the
 * columns a helper declares, no fix edits them in place; a fix that adds to the table itself (an index in its extra
 * config) still does.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { drizzleFrontEnd } from '../../../server/src/languages/drizzle';
import { applyFileEdits, memoryReader, syntaxErrors, table } from './helpers';

const SCHEMA = '/w/src/db/schema.ts';
const COLUMNS = '/w/src/db/columns.ts';

const FILES: Record<string, string> = {
  '/w/package.json': '{ "name": "w", "dependencies": { "drizzle-orm": "^0.44.0" } }',
  '/w/drizzle.config.ts': 'export default { schema: "./src/db/schema.ts", dialect: "postgresql" };\n',
  [COLUMNS]: `import { integer, real, timestamp } from "drizzle-orm/pg-core";
import { users } from "./users";

export const audit = {
  createdAt: timestamp("created_at").notNull().defaultNow(),
  createdBy: integer("created_by").notNull().references(() => users.id),
  score: real("score"),
};
`,
  '/w/src/db/users.ts': `import { pgTable, serial } from "drizzle-orm/pg-core";

export const users = pgTable("users", { id: serial("id").primaryKey() });
`,
  [SCHEMA]: `import { pgTable, serial, text, timestamp } from "drizzle-orm/pg-core";
import { audit } from "./columns";
export { users } from "./users";

const local = {
  updatedAt: timestamp("updated_at").notNull(),
};

export const invoices = pgTable("invoices", {
  id: serial("id").primaryKey(),
  ...audit,
  ...local,
  note: text("note"),
});

export const payments = pgTable("payments", {
  id: serial("id").primaryKey(),
  ...audit,
  ...local,
});
`,
};

function analyze(files: Record<string, string>) {
  const reader = memoryReader(files);
  const units = drizzleFrontEnd.discover(Object.keys(files).sort(), reader);
  const db = drizzleFrontEnd.analyze(units[0], reader, { validation: true }).databases[0];
  return { reader, db };
}

describe('drizzle: columns of a shared object spread into tables', () => {
  it('the tables have them, located where the object declares them', () => {
    const { db } = analyze(FILES);
    const invoices = table(db, 'invoices');
    assert.deepEqual(invoices.columns.map((c) => [c.name, c.nullable]), [
      ['id', false],
      ['createdAt', false],
      ['createdBy', false],
      ['score', true],
      ['updatedAt', false],
      ['note', true],
    ]);
    const createdAt = invoices.columns.find((c) => c.name === 'createdAt')!;
    assert.deepEqual([createdAt.loc.file, createdAt.loc.range.start.line], [COLUMNS, 4]);
    assert.deepEqual(invoices.foreignKeys.map((f) => [f.columns, f.references.table, f.loc.file, f.loc.range.start.line]), [
      [['createdBy'], 'users', COLUMNS, 5],
    ]);
  });

  it('no fix edits a column of the object, in its module or in the table\'s file', () => {
    const { db, reader } = analyze(FILES);
    for (const name of ['invoices', 'payments']) {
      const t = table(db, name);
      const column = (key: string) => t.columns.find((c) => c.name === key)!;
      assert.equal(drizzleFrontEnd.writeFix({ kind: 'makeNullable', database: db, table: t, column: column('createdAt') }, reader), undefined);
      assert.equal(drizzleFrontEnd.writeFix({ kind: 'makeNullable', database: db, table: t, column: column('updatedAt') }, reader), undefined);
      assert.equal(drizzleFrontEnd.writeFix({ kind: 'changeColumnType', database: db, table: t, column: column('score'), to: 'decimal' }, reader), undefined);
      const fk = t.foreignKeys[0];
      assert.equal(drizzleFrontEnd.writeFix({ kind: 'setOnDelete', database: db, table: t, foreignKey: fk, action: 'Cascade' }, reader), undefined);
    }
  });

  it('an index on one of its columns goes into the table\'s own extra config, and covers the key there only', () => {
    const { db, reader } = analyze(FILES);
    const edits = drizzleFrontEnd.writeFix({ kind: 'addIndex', database: db, table: table(db, 'invoices'), columns: ['createdBy'] }, reader);
    assert.ok(edits);
    assert.deepEqual([...new Set(edits.map((e) => e.file))], [SCHEMA]);
    const overlay = { read: reader.read, overlay: new Map<string, string>() } as Parameters<typeof applyFileEdits>[0];
    applyFileEdits(overlay, edits);
    const fixed = overlay.overlay.get(SCHEMA)!;
    assert.deepEqual(syntaxErrors(SCHEMA, fixed), []);
    const again = analyze({ ...FILES, [SCHEMA]: fixed }).db;
    assert.deepEqual(table(again, 'invoices').indexes.map((i) => i.columns), [['createdBy']]);
    assert.deepEqual(table(again, 'payments').indexes.map((i) => i.columns), []);
  });

  it('a column written in the table itself is still fixed in place', () => {
    const { db, reader } = analyze(FILES);
    const t = table(db, 'invoices');
    const edits = drizzleFrontEnd.writeFix({ kind: 'changeColumnType', database: db, table: t, column: t.columns.find((c) => c.name === 'note')!, to: 'json' }, reader);
    assert.ok(edits);
    assert.deepEqual([...new Set(edits.map((e) => e.file))], [SCHEMA]);
  });
});
