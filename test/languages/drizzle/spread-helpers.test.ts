/**
 * Columns a table gets from a function of the unit (`...timestamps()`, `...baseColumns("inq")`) or from a column
 * builder declared once and named by a shorthand property (`createdAt,`): real schemas share ids, timestamps and
 * audit columns this way. The columns, and the keys and references they declare, are the table's; being shared
 * with every table that uses them, no fix edits them in place.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Database } from '../../../rules/model';
import { rules } from '../../../rules';
import { runRules } from '../../../server/src/engine';
import { drizzleFrontEnd } from '../../../server/src/languages/drizzle';
import type { SourceReader } from '../../../server/src/languages/types';
import { applyFileEdits, fixture, memoryReader, onlyDatabase, overlayReader, syntaxErrors, table } from './helpers';
import { drizzleFacts, importTables, modelFacts } from './oracle';

// The fixture (test/fixtures/drizzle/spread-helpers): `columns.ts` declares `baseColumns(prefix)` (a bigserial key
// and a unique code), `audited()` (returning a block constant with a reference to users) and a shared `updatedAt`
// builder; `schema.ts` spreads them (and a local helper) into `inquiries` and names `updatedAt`/`deletedAt` by shorthand.
const DIR = fixture('spread-helpers');
const SCHEMA = `${DIR}/src/db/schema.ts`;

function analyze(reader: SourceReader = overlayReader()): Database {
  return onlyDatabase(DIR, reader).db;
}

describe('drizzle: columns from spread helpers and shared builders', () => {
  it('a spread call of a column-object function adds its columns, key and references to the table', () => {
    const db = analyze();
    const t = table(db, 'inquiries');
    assert.deepEqual(
      t.columns.map((c) => c.name),
      ['id', 'code', 'createdAt', 'createdBy', 'note', 'updatedAt', 'deletedAt', 'title'],
    );
    assert.deepEqual(t.primaryKey?.columns, ['id']);
    const col = (name: string) => t.columns.find((c) => c.name === name)!;
    assert.equal(col('id').type, 'bigint');
    assert.equal(col('createdAt').dbName, 'created_at');
    assert.equal(col('createdAt').nullable, false);
    assert.equal(col('updatedAt').type, 'datetime');
    assert.equal(col('deletedAt').nullable, true);
    assert.deepEqual(t.indexes.map((i) => [i.columns, i.kind]), [[['code'], 'unique']]);
    // The reference is resolved in the helper's file, where `users` is imported.
    assert.deepEqual(t.foreignKeys.map((f) => [f.columns, f.references.table, f.onDelete]), [[['createdBy'], 'users', 'SetNull']]);
    // Located in the table's file, at the spread or the shorthand.
    assert.equal(t.primaryKey!.loc.file, SCHEMA);
    assert.equal(t.primaryKey!.loc.range.start.line, 7);
    assert.equal(t.foreignKeys[0].loc.range.start.line, 8);
    assert.equal(col('updatedAt').loc.file, SCHEMA);
    assert.equal(col('updatedAt').loc.range.start.line, 10);
  });

  it('no fix edits what a shared helper or builder declares', () => {
    const db = analyze();
    const t = table(db, 'inquiries');
    const reader = overlayReader();
    assert.equal(drizzleFrontEnd.writeFix({ kind: 'setOnDelete', database: db, table: t, foreignKey: t.foreignKeys[0], action: 'Cascade' }, reader), undefined);
    assert.equal(drizzleFrontEnd.writeFix({ kind: 'dropIndex', database: db, table: t, index: t.indexes[0] }, reader), undefined);
    for (const name of ['createdAt', 'updatedAt', 'deletedAt']) {
      const column = t.columns.find((c) => c.name === name)!;
      assert.equal(drizzleFrontEnd.writeFix({ kind: 'changeColumnType', database: db, table: t, column, to: 'string' } as never, reader), undefined, name);
    }
  });

  it('drizzle-orm reads the table as our model does, before and after the index fix on the shared reference', async () => {
    const db = analyze();
    const before = await importTables(db.files);
    assert.deepEqual(modelFacts(db), drizzleFacts(before.tables));
    // The fix adds the index to the table's own extra config, never to the shared helper.
    const reader = overlayReader();
    const t = table(db, 'inquiries');
    const edits = drizzleFrontEnd.writeFix({ kind: 'addIndex', database: db, table: t, columns: ['createdBy'] }, reader);
    assert.ok(edits);
    assert.deepEqual([...new Set(edits.map((e) => e.file))], [SCHEMA]);
    applyFileEdits(reader, edits);
    for (const [file, text] of reader.overlay) assert.deepEqual(syntaxErrors(file, text), [], file);
    const fixed = analyze(reader);
    assert.deepEqual(table(fixed, 'inquiries').indexes.map((i) => i.columns), [['code'], ['createdBy']]);
    assert.match(reader.overlay.get(SCHEMA)!, /\}, \(table\) => \[\n  index\("inquiries_created_by_idx"\)\.on\(table\.createdBy\),\n\]\);/);
  });

  it('a spread or column the front-end cannot read (a package\'s helper) leaves the key unknown: no missing-primary-key', () => {
    const files: Record<string, string> = {
      '/w/package.json': '{ "name": "w", "dependencies": { "drizzle-orm": "^0.44.0" } }',
      '/w/drizzle.config.ts': 'export default { schema: "./src/db/schema.ts", dialect: "postgresql" };\n',
      '/w/src/db/schema.ts': `import { pgTable, text } from "drizzle-orm/pg-core";
import { idColumn, updatableColumns } from "@acme/db-kit";

export const inquiries = pgTable("inquiries", {
  ...updatableColumns("inq"),
  notes: text("notes"),
});
export const notes = pgTable("notes", { body: text("body") });
export const tags = pgTable("tags", { id: idColumn("id"), name: text("name") });
`,
    };
    const reader = memoryReader(files);
    const units = drizzleFrontEnd.discover(Object.keys(files).sort(), reader);
    const analysis = drizzleFrontEnd.analyze(units[0], reader, { validation: true });
    const db = analysis.databases[0];
    assert.equal(table(db, 'inquiries').unreadColumns, true);
    assert.equal(table(db, 'notes').unreadColumns, undefined);
    assert.equal(table(db, 'tags').unreadColumns, true);
    const { findings } = runRules(
      { databases: [db], codeFiles: [], suppressions: analysis.suppressions },
      { rules, writeFix: (intent) => drizzleFrontEnd.writeFix(intent, reader) },
    );
    // `notes` has no key, and says so; `inquiries` and `tags` may get one from the package.
    assert.deepEqual(findings.filter((f) => f.rule === 'missing-primary-key').map((f) => f.message.split(' ')[1]), ['notes']);
  });
});
