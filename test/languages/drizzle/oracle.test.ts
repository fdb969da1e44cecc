import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { PGlite } from '@electric-sql/pglite';
import type * as pg from 'drizzle-orm/pg-core';
import { fixture, onlyDatabase } from './helpers';
import { catalogFacts, drizzleFacts, importTables, modelFacts, modelUnindexed, postgresDdl, type CatalogRow, CATALOG_QUERY } from './oracle';

describe('drizzle oracle: our model equals drizzle-orm\'s own table configs', () => {
  for (const dir of ['trading-bot', 'schema-folder', 'mysql-shop', 'sqlite-notes']) {
    it(dir, async () => {
      const { db } = onlyDatabase(fixture(dir));
      const { tables } = await importTables(db.files);
      assert.equal(tables.length, db.tables.length);
      const ours = modelFacts(db);
      const theirs = drizzleFacts(tables);
      assert.deepEqual(ours.foreignKeys, theirs.foreignKeys);
      assert.deepEqual(ours.indexes, theirs.indexes);
      assert.deepEqual(ours.notNull, theirs.notNull);
    });
  }
});

describe('drizzle oracle: Postgres (PGlite) agrees on foreign keys and unindexed ones', () => {
  for (const dir of ['trading-bot', 'schema-folder']) {
    it(dir, async () => {
      const { db } = onlyDatabase(fixture(dir));
      const { tables, modules } = await importTables(db.files);
      const pglite = new PGlite();
      try {
        for (const statement of postgresDdl(tables as pg.PgTable[], modules)) await pglite.exec(statement);
        const rows = (await pglite.query<CatalogRow>(CATALOG_QUERY)).rows;
        const catalog = catalogFacts(rows);
        assert.deepEqual(modelFacts(db).foreignKeys, catalog.foreignKeys);
        assert.deepEqual(modelUnindexed(db), catalog.unindexed);
        assert.ok(catalog.unindexed.length > 0);
      } finally {
        await pglite.close();
      }
    });
  }
});
