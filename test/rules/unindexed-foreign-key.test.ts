import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { unindexedForeignKey } from '../../rules/indexes/unindexed-foreign-key';
import type { Index } from '../../rules/model';
import { column, drizzleDb, fk, index, prismaDb, sqlDb, table, unique } from '../helpers/model';
import { fixSummary, runRule, single } from '../helpers/run-rule';
import { applyPrismaFix, findings, inlinePrisma } from '../helpers/prisma-inline';
import { analyzeFixture, applyEdits, memoryReader, ready } from '../languages/sql/helpers';
import { sqlFrontEnd } from '../../server/src/languages/sql';

const withIndexes = (indexes: ReturnType<typeof index>[], primaryKey?: string[]) =>
  prismaDb([
    table('Event'),
    table('Question', {
      columns: [column('eventId', 'int'), column('userId', 'int')],
      foreignKeys: [fk(['eventId'], 'Event')],
      indexes,
      primaryKey,
    }),
  ]);

describe('unindexed-foreign-key', () => {
  describe('valid', () => {
    it('covered by a plain index', () => assert.equal(runRule(unindexedForeignKey, [withIndexes([index(['eventId'])])]).length, 0));
    it('covered by the leading column of a composite unique', () =>
      assert.equal(runRule(unindexedForeignKey, [withIndexes([unique(['eventId', 'userId'])])]).length, 0));
    it('covered by a composite primary key', () => assert.equal(runRule(unindexedForeignKey, [withIndexes([], ['eventId', 'userId'])]).length, 0));
    it('MySQL with foreign keys indexes them itself', () => {
      const db = prismaDb(withIndexes([]).tables, { dialect: 'mysql' });
      assert.equal(runRule(unindexedForeignKey, [db]).length, 0);
    });
    it('a Hash index on exactly the key column covers it (the lookup is an equality), B-tree options do not matter', () => {
      assert.equal(runRule(unindexedForeignKey, [withIndexes([index(['eventId'], { method: 'hash' })])]).length, 0);
      assert.equal(runRule(unindexedForeignKey, [withIndexes([index(['eventId'], { method: 'btree', columnOptions: [{ desc: true }] })])]).length, 0);
    });
    it('composite key covered in another column order among the leading columns', () => {
      const db = sqlDb([
        table('a'),
        table('b', { columns: [column('x', 'int'), column('y', 'int')], foreignKeys: [fk(['x', 'y'], 'a', ['p', 'q'])], indexes: [index(['y', 'x'])] }),
      ]);
      assert.equal(runRule(unindexedForeignKey, [db]).length, 0);
    });
  });

  describe('invalid', () => {
    it('MongoDB (Prisma): reported, with what Prisma Client reads by the key', () => {
      const db = prismaDb(withIndexes([]).tables, { dialect: 'mongodb', relationMode: 'prisma' });
      const report = single(runRule(unindexedForeignKey, [db]));
      assert.equal(
        report.message,
        'The relation Question (eventId) → Event has no index (MongoDB indexes only _id by itself): every delete of an Event through Prisma Client reads all of Question to emulate the referential action, and so does every include or filter by eventId.',
      );
      assert.equal(report.fixes![0].intent.kind, 'addIndex');
    });

    it('a relation to a view: only joins and filters are at stake', () => {
      const view = table('EventSummary', { isView: true });
      const db = prismaDb([view, table('Question', { columns: [column('summaryId', 'int')], foreignKeys: [fk(['summaryId'], 'EventSummary', ['id'], { enforced: false })] })]);
      const report = single(runRule(unindexedForeignKey, [db]));
      assert.equal(report.message, 'The relation Question (summaryId) → EventSummary (a view: no foreign key) has no index: every join or filter by summaryId scans all of Question.');
    });

    it('Prisma: reports on the relation with a safe preferred addIndex', () => {
      const relation = fk(['eventId'], 'Event');
      const event = table('Event');
      const question = table('Question', { columns: [column('eventId', 'int')], foreignKeys: [relation] });
      const db = prismaDb([event, question]);
      const report = single(runRule(unindexedForeignKey, [db]));
      assert.equal(
        report.message,
        'Foreign key Question (eventId) has no index: every delete of an Event scans all of Question to check for referencing rows, and so does every join or filter by eventId.',
      );
      assert.deepEqual(report.loc, relation.loc);
      assert.deepEqual(fixSummary(report), [{ title: 'Add @@index([eventId])', safety: 'safe', kind: 'addIndex', preferred: true }]);
      assert.deepEqual(report.fixes![0].intent, { kind: 'addIndex', database: db, table: question, columns: ['eventId'] });
      assert.deepEqual(report.related, [{ loc: event.nameLoc, message: 'Referenced table Event' }]);
    });

    it('the second column of a composite index does not cover', () => {
      const report = single(runRule(unindexedForeignKey, [withIndexes([index(['userId', 'eventId'])])]));
      assert.equal(report.fixes![0].title, 'Add @@index([eventId])');
    });

    it('GIN, GiST, SP-GiST, BRIN and MySQL FULLTEXT indexes do not cover: they do not serve the equality probe', () => {
      for (const method of ['gin', 'gist', 'spgist', 'brin', 'fulltext']) {
        assert.equal(runRule(unindexedForeignKey, [withIndexes([index(['eventId'], { method })])]).length, 1, method);
        assert.equal(runRule(unindexedForeignKey, [withIndexes([index(['eventId', 'userId'], { method })])]).length, 1, method);
      }
      // A Hash index has one key column: one on (eventId, userId) could not serve a lookup by eventId alone.
      assert.equal(runRule(unindexedForeignKey, [withIndexes([index(['eventId', 'userId'], { method: 'hash' })])]).length, 1);
      const report = single(runRule(unindexedForeignKey, [withIndexes([index(['eventId'], { method: 'brin', name: 'question_event_brin' })])]));
      assert.match(report.message, /^Foreign key Question \(eventId\) has no index that serves its lookups \(the BRIN index question_event_brin on it cannot: it does not serve equality lookups by eventId\): every delete/);
    });

    it('a composite key whose leading column alone is indexed: "indexed on (…) only", not "scans all" (ghostfolio AccountBalance)', () => {
      // AccountBalance (accountId, userId) → Account (id, userId), with @@index([accountId]): the delete of an Account
      // probes that index by accountId, then checks userId on the rows found. It does not read the whole table.
      const db = prismaDb([
        table('Account', { columns: [column('id', 'string'), column('userId', 'string')], primaryKey: ['id', 'userId'] }),
        table('AccountBalance', {
          columns: [column('accountId', 'string'), column('userId', 'string'), column('date', 'datetime')],
          foreignKeys: [fk(['accountId', 'userId'], 'Account', ['id', 'userId'])],
          indexes: [unique(['accountId', 'date'])],
        }),
      ]);
      const report = single(runRule(unindexedForeignKey, [db]));
      assert.equal(
        report.message,
        'Foreign key AccountBalance (accountId, userId) is indexed on (accountId) only: every delete of an Account reads every AccountBalance row with its accountId to check userId, and so does every join or filter by accountId, userId.',
      );
      assert.doesNotMatch(report.message, /scans all/);
      assert.equal(report.fixes![0].title, 'Add @@index([accountId, userId])');
    });

    it('an index on part of a composite key that already pins the referencing rows covers it (a Drizzle project, PGlite: 0 scans)', () => {
      // item_note (shopId, itemId, listId) → item (shopId, id, listId), indexed on (shopId, itemId): item.id is unique on
      // its own, so the rows with that shopId and itemId are exactly those referencing the deleted item.
      const item = table('item', { columns: [column('shopId', 'int'), column('listId', 'int')], indexes: [unique(['shopId', 'id', 'listId'])] });
      const note = (indexes: Index[]) =>
        table('item_note', {
          columns: [column('shopId', 'int'), column('itemId', 'int'), column('listId', 'int')],
          foreignKeys: [fk(['shopId', 'itemId', 'listId'], 'item', ['shopId', 'id', 'listId'])],
          indexes,
        });
      assert.deepEqual(runRule(unindexedForeignKey, [sqlDb([item, note([index(['shopId', 'itemId'])])])]), []);
      assert.deepEqual(runRule(unindexedForeignKey, [sqlDb([item, note([index(['itemId'])])])]), []);
      // By the shop alone the lookup still reads every note of the shop: reported.
      assert.match(single(runRule(unindexedForeignKey, [sqlDb([item, note([index(['shopId'])])])])).message, /is indexed on \(shopId\) only/);
      // A unique key of the parent that is partial, or on other columns, pins nothing.
      const partialKey = table('item', { columns: [column('shopId', 'int'), column('listId', 'int')], primaryKey: null, indexes: [unique(['id'], { partial: true }), unique(['shopId', 'id', 'listId'])] });
      assert.equal(runRule(unindexedForeignKey, [sqlDb([partialKey, note([index(['itemId'])])])]).length, 1);
    });

    it('an index on part of a composite key that is unique in the referencing table covers it (at most one row per lookup)', () => {
      // list_cover (shopId, listId) is its own primary key; its key (shopId, listId, coverId) → cover.
      const cover = table('cover', { columns: [column('shopId', 'int'), column('listId', 'int')], indexes: [unique(['shopId', 'listId', 'id'])] });
      const listCover = table('list_cover', {
        columns: [column('shopId', 'int'), column('listId', 'int'), column('coverId', 'int')],
        primaryKey: ['shopId', 'listId'],
        foreignKeys: [fk(['shopId', 'listId', 'coverId'], 'cover', ['shopId', 'listId', 'id'])],
      });
      assert.deepEqual(runRule(unindexedForeignKey, [sqlDb([cover, listCover])]), []);
    });

    it('a partial index on the key (soft deletes) is named: the delete check cannot use it, queries repeating its condition can', () => {
      const report = single(runRule(unindexedForeignKey, [withIndexes([index(['eventId'], { partial: true, name: 'question_event_live_idx' })])]));
      assert.match(report.message, /has no index the delete check can use \(the partial index question_event_live_idx on it holds only the rows its WHERE condition keeps\): every delete/);
      assert.match(report.message, /joins and filters by eventId use that index only when they repeat its condition\.$/);
      assert.doesNotMatch(report.message, /every join or filter/);
    });

    it('a partial index does not cover', () => {
      assert.equal(runRule(unindexedForeignKey, [withIndexes([index(['eventId'], { partial: true })])]).length, 1);
    });

    it('relationMode = "prisma" on MySQL: no constraint, so no automatic index either', () => {
      const db = prismaDb(withIndexes([]).tables, { dialect: 'mysql', relationMode: 'prisma' });
      const report = single(runRule(unindexedForeignKey, [db]));
      assert.match(report.message, /through the ORM scans all of Question to emulate the referential action/);
    });

    it('SQL and Drizzle titles use SQL names', () => {
      const tables = () => [
        table('strategies'),
        table('trades', { columns: [column('strategyId', 'int', { dbName: 'strategy_id' })], foreignKeys: [fk(['strategyId'], 'strategies')] }),
      ];
      assert.equal(single(runRule(unindexedForeignKey, [sqlDb(tables())])).fixes![0].title, 'Create index on trades (strategy_id)');
      assert.equal(
        single(runRule(unindexedForeignKey, [drizzleDb(tables())])).fixes![0].title,
        'Add index("trades_strategy_id_idx").on(table.strategyId)',
      );
      assert.match(single(runRule(unindexedForeignKey, [sqlDb(tables())])).message, /every delete of a strategies row/);
    });

    it('Drizzle relations() only: the direction that scans is loading a parent\'s rows, not the one() join', () => {
      // `one(users, { fields: [posts.authorId], references: [users.id] })` looks the user up by its primary key; a
      // user's posts (a many() back-reference, or a filter by authorId) are what read the whole of posts. The model
      // does not say whether the many() is declared: the message holds either way.
      const link = () => [
        table('users'),
        table('posts', { columns: [column('authorId', 'int')], foreignKeys: [fk(['authorId'], 'users', ['id'], { enforced: false })] }),
      ];
      const report = single(runRule(unindexedForeignKey, [drizzleDb(link())]));
      assert.equal(
        report.message,
        'The relation posts (authorId) → users, declared with relations() (no foreign key), has no index: loading the posts rows of a users row (a many() relation or a filter by authorId) scans all of posts.',
      );
      assert.doesNotMatch(report.message, /joins it|delete|emulate/);
      assert.equal(report.fixes![0].intent.kind, 'addIndex');

      // Indexed on the leading key column only: the rows sharing it are read, not the whole table.
      const composite = drizzleDb([
        table('accounts', { columns: [column('id', 'int'), column('userId', 'int')], primaryKey: ['id', 'userId'] }),
        table('balances', {
          columns: [column('accountId', 'int'), column('userId', 'int')],
          foreignKeys: [fk(['accountId', 'userId'], 'accounts', ['id', 'userId'], { enforced: false })],
          indexes: [index(['accountId'])],
        }),
      ]);
      assert.equal(
        single(runRule(unindexedForeignKey, [composite])).message,
        'The relation balances (accountId, userId) → accounts, declared with relations() (no foreign key), is indexed on (accountId) only: loading the balances rows of an accounts row (a many() relation or a filter by accountId, userId) reads every balances row with its accountId.',
      );
    });

    it('two relations over the same columns: one finding', () => {
      const db = prismaDb([
        table('User'),
        table('Post', { columns: [column('authorId', 'int')], foreignKeys: [fk(['authorId'], 'User'), fk(['authorId'], 'User')] }),
      ]);
      assert.equal(runRule(unindexedForeignKey, [db]).length, 1);
    });
  });

  describe('SQL fix on a partitioned table (Supabase history, events partitioned by month)', () => {
    it('the index is built without locking the partitions: ON ONLY events, CONCURRENTLY per partition, ATTACH', async () => {
      await ready();
      const reader = memoryReader();
      const { db } = analyzeFixture('partitioned-supabase', reader);
      const report = single(runRule(unindexedForeignKey, [db]));
      assert.deepEqual(fixSummary(report), [{ title: 'Create index on events (user_id)', safety: 'safe', kind: 'addIndex', preferred: true }]);
      const edits = sqlFrontEnd.writeFix(report.fixes![0].intent, reader)!;
      const texts = applyEdits(edits, reader);
      const body = (f: string) => texts.get(f)!.split('\n').filter((l) => l !== '' && !l.startsWith('--'));
      const files = [...texts.keys()].sort();
      assert.deepEqual(files.map(body), [
        ['CREATE INDEX IF NOT EXISTS events_user_id_idx ON ONLY public.events (user_id);'],
        ['CREATE INDEX CONCURRENTLY IF NOT EXISTS events_2026_01_user_id_idx ON public.events_2026_01 (user_id);'],
        ['CREATE INDEX CONCURRENTLY IF NOT EXISTS events_2026_02_user_id_idx ON public.events_2026_02 (user_id);'],
        ['CREATE INDEX CONCURRENTLY IF NOT EXISTS events_2026_03_user_id_idx ON public.events_2026_03 (user_id);'],
        [
          'ALTER INDEX public.events_user_id_idx ATTACH PARTITION public.events_2026_01_user_id_idx;',
          'ALTER INDEX public.events_user_id_idx ATTACH PARTITION public.events_2026_02_user_id_idx;',
          'ALTER INDEX public.events_user_id_idx ATTACH PARTITION public.events_2026_03_user_id_idx;',
        ],
      ]);
    });
  });

  describe('Prisma fix check (prisma-schema-wasm 6)', () => {
    it('a key covered only by a BRIN index gets a B-tree index, named apart from the BRIN one, and the schema validates', () => {
      const schema = inlinePrisma(
        'datasource db {\n  provider = "postgresql"\n  url      = env("DATABASE_URL")\n}\nmodel User {\n  id    Int    @id\n  posts Post[]\n}\n' +
          'model Post {\n  id       Int  @id\n  authorId Int\n  author   User @relation(fields: [authorId], references: [id], onDelete: Cascade)\n  @@index([authorId], type: Brin)\n}\n',
      );
      assert.deepEqual(schema.errors, []);
      const report = single(findings(unindexedForeignKey, schema));
      const fixed = applyPrismaFix(schema, report.fixes![0].intent)!;
      assert.ok(fixed, 'the Prisma front-end writes the index');
      assert.deepEqual(fixed.errors, []);
      assert.match(fixed.text, /  @@index\(\[authorId\], type: Brin\)\n  @@index\(\[authorId\], map: "Post_authorId_btree_idx"\)\n\}/);
      assert.deepEqual(findings(unindexedForeignKey, fixed.fixed), []);
    });

    it('an index whose one column is written without brackets (`@@index(authorId(sort: Desc))`) covers the key', () => {
      const schema = inlinePrisma(
        'datasource db {\n  provider = "postgresql"\n  url      = env("DATABASE_URL")\n}\nmodel User {\n  id    Int    @id\n  posts Post[]\n}\n' +
          'model Post {\n  id       Int  @id\n  authorId Int\n  author   User @relation(fields: [authorId], references: [id], onDelete: Cascade)\n  @@index(authorId(sort: Desc))\n}\n',
      );
      assert.deepEqual(schema.errors, [], 'Prisma takes a lone column without its list brackets');
      assert.deepEqual(schema.db.tables.find((t) => t.name === 'Post')!.indexes.map((i) => i.columns), [['authorId']]);
      assert.deepEqual(findings(unindexedForeignKey, schema), []);
    });
  });
});
