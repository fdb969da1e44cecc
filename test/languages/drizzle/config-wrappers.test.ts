/**
 * A project's own wrappers in a module the drizzle config does not name (`schema: "./src/db/schema.ts"`, the schema
 * importing `pgTable` and `index` from `./utils`, where `pgTable = pgTableCreator((name) => \`am_${name}\`)` and
 * `index` wraps pg-core's). drizzle-kit loads that module through the import: the tables' SQL names carry its prefix
 * and the indexes declared through its wrapper are indexes. The module is read with the schema, but its own tables
 * (a module of the workspace the schema imports) are not made the schema's, nor reported twice.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { rules } from '../../../rules';
import { runRules } from '../../../server/src/engine';
import { drizzleFrontEnd } from '../../../server/src/languages/drizzle';
import type { SourceReader } from '../../../server/src/languages/types';
import { analyzeDir, applyFileEdits, fixture, memoryReader, overlayReader, syntaxErrors, table } from './helpers';
import { drizzleFacts, importTables, modelFacts } from './oracle';

const DIR = fixture('config-wrappers');
const SCHEMA = `${DIR}/src/db/schema.ts`;
const UTILS = `${DIR}/src/db/utils.ts`;

function review(reader: SourceReader = overlayReader()) {
  const { units, analyses } = analyzeDir(DIR, reader);
  const databases = analyses.flatMap((a) => a.databases);
  const { findings } = runRules(
    { databases, codeFiles: [], suppressions: analyses.flatMap((a) => a.suppressions) },
    { rules, writeFix: (intent) => drizzleFrontEnd.writeFix(intent, reader) },
  );
  return { units, databases, findings };
}

describe('drizzle: wrappers in a module the config does not name', () => {
  it('the wrappers module joins the config\'s unit, and makes no unit of its own', () => {
    const { units } = review();
    assert.deepEqual(
      units.map((u) => [u.id, u.files]),
      [[`drizzle:${DIR}/drizzle.config.ts`, [SCHEMA, UTILS]]],
    );
  });

  it('table names carry the creator\'s prefix, and the wrapped index() calls are indexes', () => {
    const { databases } = review();
    const [db] = databases;
    assert.deepEqual(db.tables.map((t) => [t.name, t.dbName]), [
      ['users', 'am_user'],
      ['posts', 'am_post'],
      ['comments', 'am_comment'],
    ]);
    assert.deepEqual(table(db, 'posts').indexes.map((i) => [i.kind, i.columns]), [['index', ['authorId']]]);
    assert.deepEqual(table(db, 'comments').indexes.map((i) => [i.kind, i.columns]), [['index', ['postId', 'createdAt']]]);
  });

  it('agrees with drizzle-orm\'s own getTableConfig (the config\'s schema file, imported)', async () => {
    const [db] = review().databases;
    const { tables } = await importTables([SCHEMA]);
    assert.equal(tables.length, db.tables.length);
    const ours = modelFacts(db);
    const theirs = drizzleFacts(tables);
    assert.deepEqual(ours.foreignKeys, theirs.foreignKeys);
    assert.deepEqual(ours.indexes, theirs.indexes);
    assert.deepEqual(ours.notNull, theirs.notNull);
    assert.ok(theirs.indexes.includes('am_post index(author_id)'));
  });

  it('only the key no wrapped index covers is unindexed, and its fix adds one index that parses', () => {
    const { databases, findings } = review();
    const unindexed = findings.filter((f) => f.rule === 'unindexed-foreign-key');
    assert.deepEqual(
      unindexed.map((f) => f.message.match(/^Foreign key (\w+) \(([^)]+)\)/)?.slice(1)),
      [['comments', 'authorId']],
    );
    const [db] = databases;
    const reader = overlayReader();
    const edits = drizzleFrontEnd.writeFix({ kind: 'addIndex', database: db, table: table(db, 'comments'), columns: ['authorId'] }, reader);
    assert.ok(edits);
    applyFileEdits(reader, edits);
    const fixed = reader.overlay.get(SCHEMA)!;
    assert.deepEqual(syntaxErrors(SCHEMA, fixed), []);
    const again = review(overlayReader(new Map([[SCHEMA, fixed]])));
    assert.deepEqual(
      table(again.databases[0], 'comments').indexes.map((i) => i.columns),
      [['postId', 'createdAt'], ['authorId']],
    );
    assert.equal(again.findings.filter((f) => f.rule === 'unindexed-foreign-key').length, 0);
  });
});

describe('drizzle: modules of tables the schema imports are not made its files', () => {
  const files: Record<string, string> = {
    '/w/package.json': '{ "name": "w", "dependencies": { "drizzle-orm": "^0.45.0" } }',
    '/w/drizzle.config.ts': 'export default { schema: "./src/db/schema.ts", dialect: "postgresql" };\n',
    // The wrappers, next to a table of their own the config does not name.
    '/w/src/db/utils.ts': `import { index as indexCreator, integer, pgTableCreator, serial } from "drizzle-orm/pg-core";

export const pgTable = pgTableCreator((name) => \`am_\${name}\`);
export const index = (n: string) => indexCreator(\`am_\${n}\`);

export const settings = pgTable("setting", { id: serial("id").primaryKey(), value: integer("value") });
`,
    // A module of tables only, imported for a reference.
    '/w/src/auth/schema.ts': `import { pgTable, serial, text } from "drizzle-orm/pg-core";

export const accounts = pgTable("accounts", { id: serial("id").primaryKey(), name: text("name") });
`,
    '/w/src/db/schema.ts': `import { integer, serial } from "drizzle-orm/pg-core";
import { accounts } from "../auth/schema";
import { index, pgTable } from "./utils";

export const projects = pgTable("project", {
  id: serial("id").primaryKey(),
  accountId: integer("account_id").notNull().references(() => accounts.id),
}, (t) => [index("project_account_idx").on(t.accountId)]);
`,
  };

  it('the config\'s unit reads the wrappers, and every table is reviewed once', () => {
    const reader = memoryReader(files);
    const units = drizzleFrontEnd.discover(Object.keys(files).sort(), reader);
    const databases = units.flatMap((u) => drizzleFrontEnd.analyze(u, reader, { validation: true }).databases);
    const configured = databases.find((d) => d.id === 'drizzle:/w/drizzle.config.ts')!;
    assert.deepEqual(configured.tables.map((t) => [t.name, t.dbName]), [['projects', 'am_project']]);
    assert.deepEqual(table(configured, 'projects').indexes.map((i) => i.columns), [['accountId']]);
    assert.ok(!configured.files.includes('/w/src/auth/schema.ts'));
    const names = databases.flatMap((d) => d.tables.map((t) => t.name)).sort();
    assert.deepEqual(names, ['accounts', 'projects', 'settings']);
  });
});
