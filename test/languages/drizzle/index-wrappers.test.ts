/**
 * Index builders the project wraps (`export const index = (name?: string) => indexCreator(name ? \`am_${name}\` :
 * undefined)`, `indexCreator` being pg-core's `index`), as real schemas do to prefix every index name. An index
 * declared through the wrapper is an index: it covers its foreign key, and no fix adds a second one.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { rules } from '../../../rules';
import { runRules } from '../../../server/src/engine';
import { drizzleFrontEnd } from '../../../server/src/languages/drizzle';
import { applyFileEdits, memoryReader, syntaxErrors, table } from './helpers';

const UTILS = `import { index as indexCreator, uniqueIndex as uniqueIndexCreator, pgTableCreator } from "drizzle-orm/pg-core";

export const pgTable = pgTableCreator((name) => \`am_\${name}\`);
export const uniqueIndex = (name?: string) => uniqueIndexCreator(name ? \`am_\${name}\` : undefined);
export const index = (name?: string) => indexCreator(name);
export function namedIndex() {
  return indexCreator("fixed_name");
}
`;

const SCHEMA = `import { integer, serial, text } from "drizzle-orm/pg-core";
import { index, namedIndex, pgTable, uniqueIndex } from "./utils";

export const users = pgTable("user", { id: serial("id").primaryKey(), email: text("email").notNull() }, (t) => [
  uniqueIndex("user_email").on(t.email),
]);

export const posts = pgTable("post", {
  id: serial("id").primaryKey(),
  authorId: integer("author_id").notNull().references(() => users.id, { onDelete: "cascade" }),
  editorId: integer("editor_id").references(() => users.id, { onDelete: "set null" }),
  reviewerId: integer("reviewer_id").references(() => users.id, { onDelete: "set null" }),
}, (t) => [index("post_author").on(t.authorId), namedIndex().on(t.editorId)]);
`;

const FILES: Record<string, string> = {
  '/w/package.json': '{ "name": "w", "dependencies": { "drizzle-orm": "^0.44.0" } }',
  '/w/drizzle.config.ts': 'export default { schema: "./src/db", dialect: "postgresql" };\n',
  '/w/src/db/utils.ts': UTILS,
  '/w/src/db/schema.ts': SCHEMA,
};

function analyze(files: Record<string, string>) {
  const reader = memoryReader(files);
  const units = drizzleFrontEnd.discover(Object.keys(files).sort(), reader);
  const analysis = drizzleFrontEnd.analyze(units[0], reader, { validation: true });
  return { reader, analysis, db: analysis.databases[0] };
}

describe('drizzle: index builders wrapped by the project', () => {
  it('reads an index declared through a wrapper: kind, columns, the name where it is known', () => {
    const { db } = analyze(FILES);
    assert.deepEqual(
      table(db, 'users').indexes.map((i) => [i.kind, i.columns, i.name]),
      // The wrapper prefixes the name it is given: the name Postgres gets is not a literal.
      [['unique', ['email'], undefined]],
    );
    assert.deepEqual(
      table(db, 'posts').indexes.map((i) => [i.kind, i.columns, i.name]),
      [
        ['index', ['authorId'], 'post_author'],
        ['index', ['editorId'], 'fixed_name'],
      ],
    );
  });

  it('only the foreign key no index covers is reported, and its fix adds one index that parses', () => {
    const { db, analysis, reader } = analyze(FILES);
    const { findings } = runRules(
      { databases: [db], codeFiles: [], suppressions: analysis.suppressions },
      { rules, writeFix: (intent) => drizzleFrontEnd.writeFix(intent, reader) },
    );
    const unindexed = findings.filter((f) => f.rule === 'unindexed-foreign-key');
    assert.deepEqual(unindexed.map((f) => f.message.match(/\(([^)]+)\)/)?.[1]), ['reviewerId']);
    const overlay = { read: reader.read, overlay: new Map<string, string>() } as Parameters<typeof applyFileEdits>[0];
    const edits = drizzleFrontEnd.writeFix({ kind: 'addIndex', database: db, table: table(db, 'posts'), columns: ['reviewerId'] }, reader);
    assert.ok(edits);
    applyFileEdits(overlay, edits);
    const fixed = overlay.overlay.get('/w/src/db/schema.ts')!;
    assert.deepEqual(syntaxErrors('/w/src/db/schema.ts', fixed), []);
    const again = analyze({ ...FILES, '/w/src/db/schema.ts': fixed });
    assert.deepEqual(table(again.db, 'posts').indexes.map((i) => i.columns), [['authorId'], ['editorId'], ['reviewerId']]);
  });
});
