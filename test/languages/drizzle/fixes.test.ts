/**
 * Proof that Drizzle fixes keep projects working: every fix of every fixture is applied in turn,
 * then the fixed project re-parses, re-analyzes to the expected facts, type-checks with `tsc`
 * against the installed drizzle-orm exactly as before, and drizzle-orm and Postgres (PGlite) see
 * the foreign-key actions and indexes the fixes wrote.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PGlite } from '@electric-sql/pglite';
import type * as pg from 'drizzle-orm/pg-core';
import type { Database } from '../../../rules/model';
import { columnOf, dialectIndexesForeignKeys, isCovered, type FixIntent } from '../../../rules/types';
import { drizzleFrontEnd } from '../../../server/src/languages/drizzle';
import { applyFileEdits, fixture, onlyDatabase, overlayReader, syntaxErrors, table, typeCheck } from './helpers';
import {
  CATALOG_QUERY,
  catalogFacts,
  drizzleFacts,
  importTables,
  materialize,
  modelFacts,
  postgresDdl,
  type CatalogRow,
} from './oracle';

type Reader = ReturnType<typeof overlayReader>;

function apply(reader: Reader, intent: FixIntent): void {
  const edits = drizzleFrontEnd.writeFix(intent, reader);
  assert.ok(edits, `no edits for ${intent.kind}`);
  applyFileEdits(reader, edits);
}

/** Applies fixes one at a time (each re-analysis gives fresh ranges), until none is left. */
function fixUntilDone(dir: string, reader: Reader, next: (db: Database) => FixIntent | undefined): number {
  let count = 0;
  for (; count < 500; count++) {
    const { db } = onlyDatabase(dir, reader);
    const intent = next(db);
    if (!intent) break;
    apply(reader, intent);
  }
  return count;
}

function setEveryOnDelete(dir: string, reader: Reader): number {
  return fixUntilDone(dir, reader, (db) => {
    for (const t of db.tables) {
      for (const fk of t.foreignKeys) {
        if (!fk.enforced || fk.onDelete) continue;
        const nullable = fk.columns.every((c) => columnOf(t, c)?.nullable);
        return { kind: 'setOnDelete', database: db, table: t, foreignKey: fk, action: nullable ? 'SetNull' : 'Cascade' };
      }
    }
    return undefined;
  });
}

function indexEveryForeignKey(dir: string, reader: Reader): number {
  return fixUntilDone(dir, reader, (db) => {
    if (dialectIndexesForeignKeys(db)) return undefined;
    for (const t of db.tables) {
      for (const fk of t.foreignKeys) {
        if (fk.enforced && !isCovered(t, fk.columns)) return { kind: 'addIndex', database: db, table: t, columns: fk.columns };
      }
    }
    return undefined;
  });
}

function column(db: Database, tableName: string, columnName: string) {
  const t = table(db, tableName);
  const c = columnOf(t, columnName);
  assert.ok(c, `${tableName}.${columnName}`);
  return { t, c };
}

async function checkFixedProject(dir: string, reader: Reader, expectPostgres: boolean) {
  // 1. Every changed file re-parses with no syntax errors.
  assert.ok(reader.overlay.size > 0);
  for (const [file, text] of reader.overlay) assert.deepEqual(syntaxErrors(file, text), [], file);
  // 2. Re-analysis: every foreign key has an action and (outside MySQL) an index.
  const { db } = onlyDatabase(dir, reader);
  for (const t of db.tables) {
    for (const fk of t.foreignKeys.filter((f) => f.enforced)) {
      assert.ok(fk.onDelete, `${t.name}.${fk.columns} has onDelete`);
      if (!dialectIndexesForeignKeys(db)) assert.ok(isCovered(t, fk.columns), `${t.name}.${fk.columns} is indexed`);
    }
  }
  // 3. The project type-checks as before the fixes.
  const before = typeCheck(dir);
  assert.deepEqual(before.errors, []);
  const after = typeCheck(dir, reader.overlay, before.program);
  assert.deepEqual(after.errors, before.errors);
  // 4. drizzle-orm itself reads the fixed schema as our model does.
  const copy = materialize(dir, reader.overlay);
  try {
    const { tables, modules } = await importTables(db.files.map(copy.map));
    const theirs = drizzleFacts(tables);
    const ours = modelFacts(db);
    assert.deepEqual(ours.foreignKeys, theirs.foreignKeys);
    assert.deepEqual(ours.indexes, theirs.indexes);
    assert.deepEqual(ours.notNull, theirs.notNull);
    assert.ok(theirs.foreignKeys.every((f) => !f.endsWith('on delete no action')));
    // 5. Postgres: the actions are in pg_catalog and no foreign key is left unindexed.
    if (expectPostgres) {
      const pglite = new PGlite();
      try {
        for (const statement of postgresDdl(tables as pg.PgTable[], modules)) await pglite.exec(statement);
        const catalog = catalogFacts((await pglite.query<CatalogRow>(CATALOG_QUERY)).rows);
        assert.deepEqual(catalog.foreignKeys, ours.foreignKeys);
        assert.deepEqual(catalog.unindexed, []);
      } finally {
        await pglite.close();
      }
    }
  } finally {
    copy.dispose();
  }
  return db;
}

describe('drizzle fixes keep the project compiling and do what they say', () => {
  it('trading bot: 26 onDelete fixes, indexes, money, JSON and enum fixes', async () => {
    const dir = fixture('trading-bot');
    const reader = overlayReader();
    assert.equal(setEveryOnDelete(dir, reader), 26);
    assert.equal(indexEveryForeignKey(dir, reader), 23);
    let { db } = onlyDatabase(dir, reader);
    let { t, c } = column(db, 'trades', 'price');
    apply(reader, { kind: 'changeColumnType', database: db, table: t, column: c, to: 'decimal' });
    ({ db } = onlyDatabase(dir, reader));
    ({ t, c } = column(db, 'trades', 'metadata'));
    apply(reader, { kind: 'changeColumnType', database: db, table: t, column: c, to: 'json' });
    ({ db } = onlyDatabase(dir, reader));
    ({ t, c } = column(db, 'bots', 'status'));
    apply(reader, { kind: 'createEnum', database: db, table: t, column: c, values: ['idle', 'running', 'paused', 'stopped', 'error'] });
    ({ db } = onlyDatabase(dir, reader));
    ({ t, c } = column(db, 'orders', 'side'));
    apply(reader, { kind: 'makeNullable', database: db, table: t, column: c });
    const fixed = await checkFixedProject(dir, reader, true);
    assert.deepEqual(
      ['price', 'metadata'].map((n) => column(fixed, 'trades', n).c.type),
      ['decimal', 'json'],
    );
    assert.equal(column(fixed, 'bots', 'status').c.type, 'enum');
    assert.equal(column(fixed, 'orders', 'side').c.nullable, true);
    assert.ok(fixed.enums.some((e) => e.values.includes('paused')));
  });

  it('schema folder: cross-file foreign key, creators, object form, foreignKey().onUpdate chain', async () => {
    const dir = fixture('schema-folder');
    const reader = overlayReader();
    const { db } = onlyDatabase(dir, reader);
    apply(reader, { kind: 'addForeignKey', database: db, table: table(db, 'notes'), columns: ['accountId'], references: { table: 'accounts', columns: ['id'] } });
    assert.equal(setEveryOnDelete(dir, reader), 6);
    assert.equal(indexEveryForeignKey(dir, reader), 6);
    const fixed = await checkFixedProject(dir, reader, true);
    assert.equal(table(fixed, 'notes').foreignKeys.filter((f) => f.enforced).length, 1);
  });

  it('saas barrel: a config naming a barrel, shared timestamps from another file, destructured and block-bodied extra configs', async () => {
    const dir = fixture('saas-barrel');
    const reader = overlayReader();
    let { db } = onlyDatabase(dir, reader);
    assert.deepEqual(db.tables.map((t) => t.name).sort(), ['organizations', 'posts', 'postsToTags', 'subscriptions', 'tags', 'users']);
    assert.deepEqual(table(db, 'users').columns.map((c) => c.name).slice(-2), ['createdAt', 'updatedAt']);
    assert.deepEqual(table(db, 'postsToTags').primaryKey?.columns, ['postId', 'tagId']);
    assert.deepEqual(table(db, 'posts').indexes.map((i) => i.name), ['posts_published_idx']);
    assert.equal(setEveryOnDelete(dir, reader), 5);
    // postsToTags.postId leads the primary key: only tagId needs an index there, written into the destructuring.
    assert.equal(indexEveryForeignKey(dir, reader), 5);
    assert.ok(reader.overlay.get(`${dir}/src/db/schema/posts.ts`)?.includes(`({ postId, tagId }) => [primaryKey({ columns: [postId, tagId] }), index('posts_to_tags_tag_id_idx').on(tagId)]`));
    ({ db } = onlyDatabase(dir, reader));
    let { t, c } = column(db, 'posts', 'settings');
    // jsonb is imported already and text is still used: neither import changes (noUnusedLocals is on).
    apply(reader, { kind: 'changeColumnType', database: db, table: t, column: c, to: 'json' });
    ({ db } = onlyDatabase(dir, reader));
    ({ t, c } = column(db, 'subscriptions', 'plan'));
    apply(reader, { kind: 'createEnum', database: db, table: t, column: c, values: ['free', 'team', 'enterprise'] });
    const fixed = await checkFixedProject(dir, reader, true);
    assert.equal(column(fixed, 'posts', 'settings').c.type, 'json');
    assert.equal(column(fixed, 'subscriptions', 'plan').c.type, 'enum');
  });

  it('mysql shop: onDelete and money (no index fixes: InnoDB indexes foreign keys)', async () => {
    const dir = fixture('mysql-shop');
    const reader = overlayReader();
    assert.equal(setEveryOnDelete(dir, reader), 2);
    assert.equal(indexEveryForeignKey(dir, reader), 0);
    const { db } = onlyDatabase(dir, reader);
    const { t, c } = column(db, 'products', 'price');
    apply(reader, { kind: 'changeColumnType', database: db, table: t, column: c, to: 'decimal' });
    const fixed = await checkFixedProject(dir, reader, false);
    assert.equal(column(fixed, 'products', 'price').c.type, 'decimal');
  });

  it('typed unions: each $type<"a" | "b">() column becomes a pgEnum; the code using the values still compiles', async () => {
    const dir = fixture('typed-unions');
    const reader = overlayReader();
    const values: Record<string, string[]> = {};
    for (const name of ['status', 'visibility', 'layout']) {
      const { db } = onlyDatabase(dir, reader);
      const { t, c } = column(db, 'articles', name);
      values[name] = c.typedValues!;
      apply(reader, { kind: 'createEnum', database: db, table: t, column: c, values: c.typedValues! });
    }
    const fixed = await checkFixedProject(dir, reader, true);
    for (const name of ['status', 'visibility', 'layout']) {
      assert.equal(column(fixed, 'articles', name).c.type, 'enum', name);
      assert.equal(column(fixed, 'articles', name).c.typedValues, undefined, name);
    }
    assert.deepEqual(fixed.enums.map((e) => e.values), [values.status, values.visibility, values.layout]);
    // The named type and the template type were not enums: their casts stay.
    assert.match(reader.overlay.get(fixture('typed-unions/src/db/schema.ts'))!, /\$type<ArticleTone>\(\)[\s\S]*\$type<`\$\{string\}-\$\{number\}`>\(\)/);
  });

  it('sqlite notes: onDelete, indexes, JSON mode and a text enum', async () => {
    const dir = fixture('sqlite-notes');
    const reader = overlayReader();
    assert.equal(setEveryOnDelete(dir, reader), 2);
    assert.equal(indexEveryForeignKey(dir, reader), 2);
    let { db } = onlyDatabase(dir, reader);
    let { t, c } = column(db, 'notes', 'body');
    apply(reader, { kind: 'changeColumnType', database: db, table: t, column: c, to: 'json' });
    ({ db } = onlyDatabase(dir, reader));
    ({ t, c } = column(db, 'tags', 'label'));
    apply(reader, { kind: 'createEnum', database: db, table: t, column: c, values: ['work', 'home'] });
    const fixed = await checkFixedProject(dir, reader, false);
    assert.equal(column(fixed, 'notes', 'body').c.type, 'json');
  });
});
