/**
 * Discovery reads each schema file's tables right after parsing it (`prepareTables`), and the analysis
 * completes them with the unit's names; a second analysis of the same trees reads them itself. Both paths
 * must build the same model, and fixes must come out the same whichever path built it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Database } from '../../../rules/model';
import { drizzleFrontEnd } from '../../../server/src/languages/drizzle';
import { parseCached } from '../../../server/src/languages/drizzle/ast';
import { scanFile } from '../../../server/src/languages/drizzle/scan';
import type { SourceReader } from '../../../server/src/languages/types';
import { fixture, listFiles, memoryReader, overlayReader } from './helpers';

/** Everything the model holds, the lazily computed column locations included. */
function facts(db: Database): unknown {
  return JSON.parse(
    JSON.stringify({
      ...db,
      tables: db.tables.map((t) => ({
        ...t,
        columns: t.columns.map((c) => ({ ...c, loc: c.loc, typeLoc: c.typeLoc })),
      })),
    }),
  );
}

function bothPaths(files: string[], reader: SourceReader): { prepared: Database[]; read: Database[] } {
  const units = drizzleFrontEnd.discover(files, reader);
  assert.ok(units.length > 0);
  const prepared = units.flatMap((u) => drizzleFrontEnd.analyze(u, reader, { validation: false }).databases);
  const read = units.flatMap((u) => drizzleFrontEnd.analyze(u, reader, { validation: false }).databases);
  return { prepared, read };
}

for (const dir of ['trading-bot', 'schema-folder', 'mysql-shop', 'sqlite-notes']) {
  test(`the tables discovery reads equal the analysis's own reading: ${dir}`, () => {
    const reader = overlayReader();
    const { prepared, read } = bothPaths(listFiles(fixture(dir)), reader);
    assert.deepEqual(prepared.map(facts), read.map(facts));
  });
}

const ENUMS = '/w/prep/src/db/enums.ts';
const MAIN = '/w/prep/src/db/main.ts';
const OTHER = '/w/prep/src/db/other.ts';
const FILES: Record<string, string> = {
  '/w/prep/package.json': '{ "name": "prep" }',
  [ENUMS]: `import { pgEnum, pgSchema, pgTableCreator, timestamp } from 'drizzle-orm/pg-core';
export const statusEnum = pgEnum('status', ['open', 'closed']);
export const mySchema = pgSchema('app');
export const createTable = pgTableCreator((name) => \`acme_\${name}\`);
export const timestamps = {
  createdAt: timestamp('created_at').defaultNow().notNull(), // when created
  updatedAt: timestamp('updated_at'),
};
`,
  [MAIN]: `import { relations } from 'drizzle-orm';
import { foreignKey, index, integer, pgTable, primaryKey, serial, text, type AnyPgColumn } from 'drizzle-orm/pg-core';
import { statusEnum, mySchema, createTable, timestamps } from './enums';
import * as other from './other';

export const users = pgTable('users', {
  id: serial('id').primaryKey(),
  orgId: integer('org_id'),
  status: statusEnum('status').notNull(),
  statuses: statusEnum('statuses').array(),
  managerId: integer('manager_id').references((): AnyPgColumn => users.id, { onDelete: 'set null' }),
  ...timestamps,
}, (t) => [
  index('users_org_idx').on(t.orgId),
  foreignKey({ columns: [t.orgId], foreignColumns: [other.orgs.id] }).onDelete('cascade'),
  foreignKey({ name: 'self_fk', columns: [t.managerId], foreignColumns: [t.id] }),
]);

export const posts = createTable('posts', {
  id: serial('id').primaryKey(),
  authorId: integer('author_id').notNull().references(() => users.id),
  state: statusEnum(),
}, (t) => ({ authorIdx: index('posts_author_idx').on(t.authorId) }));

export const tags = mySchema.table('tags', {
  postId: integer('post_id').references(() => posts.id, { onUpdate: 'cascade' }),
  name: text('name'),
}, (t) => [primaryKey({ columns: [t.postId, t.name] })]);

export default createTable('defaults', {
  id: integer().primaryKey(),
  postId: integer('post_id').references(() => posts.id),
}, (t) => [foreignKey({ columns: [t.id], foreignColumns: [t.postId] })]);

export const usersRelations = relations(users, ({ one }) => ({
  org: one(other.orgs, { fields: [users.orgId], references: [other.orgs.id] }),
}));
`,
  [OTHER]: `import { integer, pgTable, serial, text } from 'drizzle-orm/pg-core';
import { statusEnum } from './enums';
export const orgs = pgTable('orgs', {
  id: serial('id').primaryKey(),
  name: text('name').unique('orgs_name_uq'),
  state: statusEnum('state'),
  ownerId: integer('owner_id'),
});
`,
};

test('names from other files (enums, creators, schemas, tables, spreads) resolve the same on both paths', () => {
  const reader = memoryReader(FILES);
  const files = Object.keys(FILES).sort();
  const { prepared, read } = bothPaths(files, reader);
  assert.deepEqual(prepared.map(facts), read.map(facts));
  const db = prepared[0];
  const byName = (n: string) => db.tables.find((t) => t.name === n)!;
  assert.equal(byName('users').columns.find((c) => c.name === 'status')?.type, 'enum');
  assert.equal(byName('users').columns.find((c) => c.name === 'statuses')?.type, 'array');
  assert.equal(byName('posts').dbName, 'acme_posts');
  assert.equal(byName('acme_defaults').foreignKeys[1].references.table, 'acme_defaults');
  assert.deepEqual(
    byName('users').foreignKeys.map((fk) => fk.references.table),
    ['users', 'orgs', 'users'],
  );
  // Discovery read the tables of the files without a spread; `users` spreads `timestamps`: the analysis read it.
  const scan = scanFile(OTHER, parseCached(OTHER, FILES[OTHER]));
  assert.equal(scan.prepared, true);
});

test('fixes are the same whichever path built the model', () => {
  const files = Object.keys(FILES).sort();
  const write = (twice: boolean) => {
    // Fresh texts: a new tree, read by discovery again.
    const texts = Object.fromEntries(Object.entries(FILES).map(([f, t]) => [f, twice ? `${t}\n` : `${t}\n\n`]));
    const reader = memoryReader(texts);
    const units = drizzleFrontEnd.discover(files, reader);
    let db = drizzleFrontEnd.analyze(units[0], reader, { validation: false }).databases[0];
    if (twice) db = drizzleFrontEnd.analyze(units[0], reader, { validation: false }).databases[0];
    return db.tables.flatMap((t) => [
      ...t.foreignKeys.map((foreignKey) => drizzleFrontEnd.writeFix({ kind: 'setOnDelete', database: db, table: t, foreignKey, action: 'Cascade' }, reader)),
      drizzleFrontEnd.writeFix({ kind: 'addIndex', database: db, table: t, columns: t.columns.slice(0, 1).map((c) => c.name) }, reader),
      ...t.columns.map((column) => drizzleFrontEnd.writeFix({ kind: 'changeColumnType', database: db, table: t, column, to: 'json' }, reader)),
    ]);
  };
  assert.deepEqual(write(false), write(true));
});
