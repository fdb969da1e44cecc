import { readFileSync } from 'node:fs';
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { drizzleFrontEnd } from '../../../server/src/languages/drizzle';
import type { Unit } from '../../../server/src/languages/types';
import { analyzeText, fixture, memoryReader, onlyDatabase, rangeOfText, sliceRange, table } from './helpers';

const BOT = fixture('trading-bot');
const BOT_SCHEMA = fixture('trading-bot/shared/schema.ts');
const FOLDER = fixture('schema-folder');

describe('drizzle analyze: trading bot (seed 002 shape)', () => {
  const { db, analysis } = onlyDatabase(BOT);
  const text = readFileSync(BOT_SCHEMA, 'utf8');

  it('is one postgresql database of every table', () => {
    assert.equal(db.language, 'drizzle');
    assert.equal(db.dialect, 'postgresql');
    assert.equal(db.relationMode, 'foreignKeys');
    assert.equal(db.tables.length, 19);
    assert.deepEqual(analysis.diagnostics, []);
  });

  it('finds every foreign key, 26 of them without onDelete', () => {
    const fks = db.tables.flatMap((t) => t.foreignKeys);
    assert.equal(fks.filter((f) => f.enforced).length, 27);
    assert.equal(fks.filter((f) => f.enforced && f.onDelete === undefined).length, 26);
    assert.ok(fks.every((f) => f.defaultOnDelete === 'NoAction'));
    // the relations() one() on apiKeys.userId duplicates a real FK: not recorded again
    assert.equal(fks.filter((f) => !f.enforced).length, 0);
  });

  it('gives the exact range of `.references(...)`', () => {
    const trades = table(db, 'trades');
    const fk = trades.foreignKeys.find((f) => f.columns[0] === 'orderId')!;
    assert.deepEqual(fk.loc.range, rangeOfText(text, '.references(() => orders.id)', 0, 'orderId: varchar("order_id").references'));
    assert.equal(fk.loc.file, BOT_SCHEMA);
    assert.deepEqual(fk.references, { table: 'orders', columns: ['id'] });
    for (const t of db.tables) {
      for (const f of t.foreignKeys) {
        const s = sliceRange(text, f.loc.range);
        assert.ok(s.startsWith('.references(') || s.startsWith('foreignKey('), s);
        assert.ok(s.endsWith(')'), s);
      }
    }
  });

  it('reads options: onUpdate only, onDelete cascade', () => {
    const signal = table(db, 'signals').foreignKeys.find((f) => f.columns[0] === 'strategyId')!;
    assert.equal(signal.onDelete, undefined);
    assert.equal(signal.onUpdate, 'Cascade');
    const n = table(db, 'notifications').foreignKeys[0];
    assert.equal(n.onDelete, 'Cascade');
  });

  it('resolves self references and forward references', () => {
    const parent = table(db, 'strategies').foreignKeys.find((f) => f.columns[0] === 'parentId')!;
    assert.deepEqual(parent.references, { table: 'strategies', columns: ['id'] });
    const executed = table(db, 'aiDecisions').foreignKeys.find((f) => f.columns[0] === 'executedTradeId')!;
    assert.deepEqual(executed.references, { table: 'trades', columns: ['id'] });
  });

  it('reads a composite foreignKey() and a composite primaryKey()', () => {
    const bots = table(db, 'bots');
    const composite = bots.foreignKeys.find((f) => f.columns.length === 2)!;
    assert.equal(composite.name, 'bots_strategy_version_fk');
    assert.deepEqual(composite.columns, ['strategyId', 'strategyVersion']);
    assert.deepEqual(composite.references, { table: 'strategyVersions', columns: ['strategyId', 'version'] });
    assert.ok(sliceRange(text, composite.loc.range).startsWith('foreignKey({'));
    const versions = table(db, 'strategyVersions');
    assert.deepEqual(versions.primaryKey?.columns, ['strategyId', 'version']);
    assert.equal(versions.primaryKey?.kind, 'primary');
  });

  it('reads indexes in the array and the object form, unique constraints and partial indexes', () => {
    assert.deepEqual(
      table(db, 'apiKeys').indexes.map((i) => [i.kind, i.name, i.columns]),
      [['index', 'api_keys_user_id_idx', ['userId']]],
    );
    assert.deepEqual(
      table(db, 'orders').indexes.map((i) => [i.kind, i.name, i.columns]),
      [
        ['index', 'orders_bot_id_idx', ['botId']],
        ['index', 'orders_symbol_idx', ['symbol']],
      ],
    );
    const orderIdx = table(db, 'orders').indexes[0];
    assert.equal(sliceRange(text, orderIdx.loc.range), 'index("orders_bot_id_idx").on(t.botId)');
    const balances = table(db, 'balances').indexes[0];
    assert.deepEqual([balances.kind, balances.unique, balances.columns], ['unique', true, ['userId', 'exchangeId', 'asset']]);
    const partial = table(db, 'backtestTradeEvents').indexes[0];
    assert.equal(partial.partial, true);
    const username = table(db, 'users').indexes[0];
    assert.deepEqual([username.kind, username.columns], ['unique', ['username']]);
    assert.equal(sliceRange(text, username.loc.range), '.unique()');
    assert.equal(sliceRange(text, table(db, 'users').primaryKey!.loc.range), '.primaryKey()');
  });

  it('reads columns: names, types, nullability, defaults, comments', () => {
    const trades = table(db, 'trades');
    const price = trades.columns.find((c) => c.name === 'price')!;
    assert.deepEqual([price.type, price.rawType, price.nullable, price.comment], ['float', 'real("price")', false, 'Fill price in the quote currency.']);
    assert.equal(sliceRange(text, price.loc.range), 'price: real("price").notNull()');
    assert.equal(sliceRange(text, price.typeLoc!.range), 'real("price")');
    const metadata = trades.columns.find((c) => c.name === 'metadata')!;
    assert.deepEqual([metadata.type, metadata.default, metadata.nullable], ['string', '"{}"', true]);
    const strategyId = trades.columns.find((c) => c.name === 'strategyId')!;
    assert.equal(strategyId.dbName, 'strategy_id');
    const status = table(db, 'orders').columns.find((c) => c.name === 'status')!;
    assert.equal(status.comment, 'new | filled | partially_filled | canceled | rejected');
    const botStatus = table(db, 'bots').columns.find((c) => c.name === 'status')!;
    assert.match(botStatus.comment ?? '', /"idle", "running", "paused", "stopped", "error"/);
    const id = table(db, 'users').columns[0];
    assert.deepEqual([id.nullable, id.default], [false, 'sql`gen_random_uuid()`']);
    assert.equal(table(db, 'signals').columns.find((c) => c.name === 'payload')!.type, 'json');
    assert.equal(table(db, 'users').columns.find((c) => c.name === 'createdAt')!.type, 'datetime');
    assert.equal(table(db, 'strategies').columns.find((c) => c.name === 'isActive')!.type, 'boolean');
  });

  it('names tables by variable, with the SQL name as dbName and nameLoc on it', () => {
    const apiKeys = table(db, 'apiKeys');
    assert.equal(apiKeys.dbName, 'api_keys');
    assert.equal(sliceRange(text, apiKeys.nameLoc.range), '"api_keys"');
    assert.ok(sliceRange(text, apiKeys.loc.range).startsWith('export const apiKeys = pgTable('));
    assert.equal(table(db, 'users').dbName, undefined);
  });

  it('reads the ignore comment through parseIgnoreComment', () => {
    assert.equal(analysis.suppressions.length, 1);
    const s = analysis.suppressions[0];
    assert.deepEqual(s.rules, ['missing-on-delete']);
    assert.equal(s.scope, 'next-line');
    const fk = table(db, 'auditLogs').foreignKeys[0];
    assert.equal(s.targetLine, fk.loc.range.start.line);
  });
});

describe('drizzle analyze: a schema folder with drizzle.config.ts', () => {
  const { db } = onlyDatabase(FOLDER);

  it('is the files the config names (creator file included, queries excluded)', () => {
    assert.equal(db.id, `drizzle:${fixture('schema-folder/drizzle.config.ts')}`);
    assert.deepEqual(
      db.files.map((f) => f.slice(f.lastIndexOf('/') + 1)),
      ['enums.ts', 'exchanges.ts', 'orders.ts', 'relations.ts', 'table.ts', 'users.ts'],
    );
    assert.equal(db.dialect, 'postgresql');
  });

  it('applies table creators and pgSchema().table', () => {
    assert.equal(table(db, 'orders').dbName, 'app_orders');
    assert.equal(table(db, 'wallets').dbName, 'app_wallets');
    assert.equal(table(db, 'accounts').dbName, undefined);
    assert.deepEqual(table(db, 'accounts').indexes.map((i) => [i.kind, i.columns]), [['unique', ['email']]]);
  });

  it('resolves references across files, through aliases', () => {
    const orders = table(db, 'orders');
    const owner = orders.foreignKeys.find((f) => f.columns[0] === 'ownerId')!;
    assert.deepEqual(owner.references, { table: 'accounts', columns: ['id'] });
    assert.ok(owner.loc.file.endsWith('/orders.ts'));
    const wallet = orders.foreignKeys.find((f) => f.columns[0] === 'walletId')!;
    assert.deepEqual([wallet.references.table, wallet.onUpdate, wallet.onDelete, wallet.name], ['wallets', 'Cascade', undefined, 'orders_wallet_fk']);
    const account = table(db, 'wallets').foreignKeys.find((f) => f.columns[0] === 'accountId')!;
    assert.deepEqual(account.references, { table: 'accounts', columns: ['id'] });
  });

  it('reads the object-form extra config with .desc() columns', () => {
    assert.deepEqual(table(db, 'orders').indexes.map((i) => [i.name, i.columns]), [['orders_placed_at_idx', ['placedAt']]]);
  });

  it('records relations() without references as unenforced foreign keys', () => {
    const notes = table(db, 'notes');
    assert.equal(notes.foreignKeys.length, 1);
    assert.deepEqual(
      [notes.foreignKeys[0].enforced, notes.foreignKeys[0].references.table, notes.foreignKeys[0].relationField],
      [false, 'accounts', 'account'],
    );
  });

  it('reads pgEnum declarations and enum columns from another file', () => {
    assert.deepEqual(db.enums.map((e) => [e.name, e.values]), [
      ['order_side', ['buy', 'sell']],
      ['order_status', ['new', 'filled', 'canceled']],
    ]);
    const side = table(db, 'orders').columns.find((c) => c.name === 'side')!;
    assert.equal(side.type, 'enum');
  });
});

describe('drizzle analyze: mysql and sqlite', () => {
  it('mysql: dialect, namespace imports, mysqlEnum, decimal and double', () => {
    const { db } = onlyDatabase(fixture('mysql-shop'));
    assert.equal(db.dialect, 'mysql');
    const items = table(db, 'cartItems');
    assert.equal(items.dbName, 'cart_items');
    assert.deepEqual(items.foreignKeys.map((f) => [f.columns[0], f.references.table, f.onDelete]), [
      ['cartId', 'carts', undefined],
      ['productId', 'products', 'Restrict'],
    ]);
    assert.equal(table(db, 'carts').columns.find((c) => c.name === 'state')!.type, 'enum');
    const products = table(db, 'products');
    assert.deepEqual(products.columns.map((c) => c.type), ['int', 'string', 'float', 'decimal']);
  });

  it("mysql: serial is BIGINT UNSIGNED (an int column cannot reference it), postgres' serial an integer", () => {
    const my = analyzeText(
      '/w/mysql/src/schema.ts',
      `import { mysqlTable, serial, int, bigint } from 'drizzle-orm/mysql-core';
export const products = mysqlTable('products', { id: serial('id').primaryKey() });
export const orderItems = mysqlTable('order_items', {
  productId: int('product_id').notNull(),
  orderId: bigint('order_id', { mode: 'number', unsigned: true }).notNull(),
});
`,
    ).db;
    assert.deepEqual(table(my, 'products').columns.map((c) => [c.type, c.nullable]), [['bigint', false]]);
    assert.deepEqual(table(my, 'orderItems').columns.map((c) => c.type), ['int', 'bigint']);
    const pg = analyzeText('/w/pg/src/schema.ts', `import { pgTable, serial } from 'drizzle-orm/pg-core';\nexport const a = pgTable('a', { id: serial('id').primaryKey() });\n`).db;
    assert.equal(table(pg, 'a').columns[0].type, 'int');
  });

  it('sqlite: dialect from the config and integer/text modes', () => {
    const { db } = onlyDatabase(fixture('sqlite-notes'));
    assert.equal(db.dialect, 'sqlite');
    const authors = table(db, 'authors');
    assert.deepEqual(authors.columns.map((c) => c.type), ['int', 'string', 'json', 'boolean']);
    assert.equal(table(db, 'notes').columns.find((c) => c.name === 'createdAt')!.type, 'datetime');
    assert.equal(table(db, 'tags').primaryKey, undefined);
  });
});

describe('drizzle analyze: the configured dialect is a fallback', () => {
  const file = '/w/src/schema.ts';
  const analyzeWith = (text: string, hints: Record<string, unknown>) => {
    const reader = memoryReader({ [file]: text });
    const unit: Unit = { language: 'drizzle', id: `drizzle:${file}`, files: [file], hints };
    return drizzleFrontEnd.analyze(unit, reader, { validation: false, dialect: 'postgresql' }).databases[0];
  };
  const mysql = `import { mysqlTable, int } from "drizzle-orm/mysql-core";\nexport const users = mysqlTable("users", { id: int("id").primaryKey() });\n`;

  it('the table functions and drizzle.config win over schema-review.json', () => {
    assert.equal(analyzeWith(mysql, {}).dialect, 'mysql');
    assert.equal(analyzeWith(mysql, { dialect: 'sqlite' }).dialect, 'sqlite');
  });

  it('a schema that names no dialect takes the configured one', () => {
    const creatorOnly = `export const users = {};\n`;
    assert.equal(analyzeWith(creatorOnly, {}).dialect, 'postgresql');
  });
});

describe('drizzle analyze: forms', () => {
  const file = '/w/src/schema.ts';

  it('column builders passed as a callback parameter, and aliased imports', () => {
    const { db } = analyzeText(
      file,
      `import { pgTable as table, index as idx } from "drizzle-orm/pg-core";
export const posts = table("posts", (t) => ({
  id: t.integer().primaryKey().generatedAlwaysAsIdentity(),
  authorId: t.integer("author_id").references(() => posts.id),
  tags: t.text().array(),
}), (p) => [idx("posts_author_idx").on(p.authorId)]);
`,
    );
    const posts = table(db, 'posts');
    assert.deepEqual(posts.columns.map((c) => [c.name, c.type, c.nullable]), [
      ['id', 'int', false],
      ['authorId', 'int', true],
      ['tags', 'array', true],
    ]);
    assert.deepEqual(posts.indexes.map((i) => i.columns), [['authorId']]);
    assert.equal(posts.foreignKeys.length, 1);
  });

  it('index access methods, operator classes and orders: .using("gin", t.title.op(...)), .desc().nullsLast()', () => {
    const { db } = analyzeText(
      file,
      `import { pgTable, integer, text, index } from "drizzle-orm/pg-core";
export const posts = pgTable("posts", {
  id: integer().primaryKey(),
  title: text().notNull(),
  authorId: integer("author_id"),
}, (t) => [
  index("posts_title_idx").on(t.title),
  index("posts_title_trgm").using("gin", t.title.op("gin_trgm_ops")),
  index("posts_author_brin").using("BRIN", t.authorId),
  index("posts_title_desc").on(t.title.desc().nullsLast()),
  index("posts_title_btree").using("btree", t.title),
]);
`,
    );
    const posts = table(db, 'posts');
    assert.deepEqual(
      posts.indexes.map((i) => [i.name, i.columns, i.method, i.columnOptions]),
      [
        ['posts_title_idx', ['title'], undefined, undefined],
        ['posts_title_trgm', ['title'], 'gin', [{ ops: 'gin_trgm_ops' }]],
        ['posts_author_brin', ['authorId'], 'brin', undefined],
        ['posts_title_desc', ['title'], undefined, [{ desc: true, nulls: 'last' }]],
        ['posts_title_btree', ['title'], undefined, undefined],
      ],
    );
  });

  it('spread column groups and a block-bodied extra config', () => {
    const { db } = analyzeText(
      file,
      `import { pgTable, timestamp, text, uniqueIndex } from "drizzle-orm/pg-core";
const timestamps = { createdAt: timestamp("created_at").defaultNow().notNull() };
export const tags = pgTable("tags", { name: text("name").notNull(), ...timestamps }, function (t) {
  return { nameIdx: uniqueIndex("tags_name_idx").on(t.name) };
});
`,
    );
    const tags = table(db, 'tags');
    assert.deepEqual(tags.columns.map((c) => c.name), ['name', 'createdAt']);
    assert.deepEqual(tags.indexes.map((i) => [i.kind, i.unique]), [['unique', true]]);
  });

  it('an extra config that destructures its columns: ({ postId, tagId: tag }) => [...]', () => {
    const { db } = analyzeText(
      file,
      `import { pgTable, integer, text, index, primaryKey, foreignKey, uniqueIndex } from 'drizzle-orm/pg-core';
export const posts = pgTable('posts', { id: integer().primaryKey() });
export const tags = pgTable('tags', { id: integer().primaryKey(), label: text().notNull() });
export const postsToTags = pgTable(
  'posts_to_tags',
  {
    postId: integer().notNull().references(() => posts.id),
    tagId: integer().notNull().references(() => tags.id, { onDelete: 'cascade' }),
  },
  ({ postId, tagId: tag }) => [primaryKey({ columns: [postId, tag] }), index().on(tag)],
);
export const folders = pgTable('folders', { id: integer().primaryKey(), parentId: integer(), name: text() }, ({ id, parentId, name }) => ({
  parentFk: foreignKey({ columns: [parentId], foreignColumns: [id] }).onDelete('cascade'),
  byName: uniqueIndex('folders_name_idx').on(parentId, name.desc()),
}));
`,
    );
    const link = table(db, 'postsToTags');
    assert.deepEqual(link.primaryKey?.columns, ['postId', 'tagId']);
    assert.deepEqual(link.indexes.map((i) => i.columns), [['tagId']]);
    const folders = table(db, 'folders');
    assert.deepEqual(folders.foreignKeys.map((f) => [f.columns, f.references, f.onDelete]), [[['parentId'], { table: 'folders', columns: ['id'] }, 'Cascade']]);
    assert.deepEqual(folders.indexes.map((i) => [i.columns, i.columnOptions?.[1]?.desc]), [[['parentId', 'name'], true]]);
  });

  it('an extra config built by a helper of the file: (t) => ownedBy(t.authorId), [...auditIndexes(t), ...]', () => {
    const text = `import { pgTable, integer, timestamp, index, primaryKey, type PgColumn } from 'drizzle-orm/pg-core';

const ownedBy = (owner: PgColumn) => [index().on(owner)];

function auditIndexes(t: { createdAt: PgColumn }) {
  return [index().on(t.createdAt)];
}

export const users = pgTable('users', { id: integer().primaryKey() });
export const boards = pgTable('boards', { id: integer().primaryKey() });
export const cards = pgTable('cards', {
  id: integer().primaryKey(),
  authorId: integer().notNull().references(() => users.id, { onDelete: 'cascade' }),
}, (t) => ownedBy(t.authorId));
export const events = pgTable('events', {
  boardId: integer().notNull().references(() => boards.id, { onDelete: 'cascade' }),
  seq: integer().notNull(),
  createdAt: timestamp().defaultNow().notNull(),
}, (t) => [...auditIndexes(t), primaryKey({ columns: [t.boardId, t.seq] })]);
`;
    const { db } = analyzeText(file, text);
    const cards = table(db, 'cards');
    assert.deepEqual(cards.indexes.map((i) => i.columns), [['authorId']]);
    // Located at the call in the table (a fix must not edit a helper other tables share).
    assert.equal(sliceRange(text, cards.indexes[0].loc.range), 'ownedBy(t.authorId)');
    const events = table(db, 'events');
    assert.deepEqual(events.indexes.map((i) => i.columns), [['createdAt']]);
    assert.equal(sliceRange(text, events.indexes[0].loc.range), 'auditIndexes(t)');
    assert.deepEqual(events.primaryKey?.columns, ['boardId', 'seq']);
  });

  it('a block-bodied extra config that names its entries first: const byDoc = index(...); return [byDoc]', () => {
    const { db } = analyzeText(
      file,
      `import { pgTable, integer, uuid, index, uniqueIndex } from 'drizzle-orm/pg-core';
export const docs = pgTable('docs', { id: integer().primaryKey() });
export const notes = pgTable('notes', {
  id: integer().primaryKey(),
  docId: integer('doc_id').references(() => docs.id, { onDelete: 'cascade' }),
  userId: uuid('user_id'),
}, (table) => {
  const byDoc = index('notes_doc_idx').on(table.docId);
  const byUser = uniqueIndex('notes_user_idx').on(table.userId);
  return [byDoc, byUser];
});
export const pins = pgTable('pins', { id: integer().primaryKey(), docId: integer('doc_id') }, function (t) {
  const byDoc = index('pins_doc_idx').on(t.docId);
  return { byDoc };
});
`,
    );
    assert.deepEqual(table(db, 'notes').indexes.map((i) => [i.name, i.columns]), [['notes_doc_idx', ['docId']], ['notes_user_idx', ['userId']]]);
    assert.deepEqual(table(db, 'pins').indexes.map((i) => [i.name, i.columns]), [['pins_doc_idx', ['docId']]]);
  });

  it('pgTable.withRLS(...) (drizzle v1) is a table like pgTable(...)', () => {
    const { db } = analyzeText(
      file,
      `import { pgTable, uuid, text, pgPolicy } from 'drizzle-orm/pg-core';
import { sql } from 'drizzle-orm';
export const profiles = pgTable('profiles', { id: uuid('id').primaryKey() });
export const notes = pgTable.withRLS('notes', {
  id: uuid('id').primaryKey().defaultRandom(),
  ownerId: uuid('owner_id').notNull().references(() => profiles.id),
  body: text('body'),
}, (t) => [pgPolicy('owner can read', { for: 'select', using: sql\`\${t.ownerId} = auth.uid()\` })]);
`,
    );
    const notes = table(db, 'notes');
    assert.equal(db.dialect, 'postgresql');
    assert.deepEqual(notes.foreignKeys.map((f) => [f.columns, f.references.table]), [[['ownerId'], 'profiles']]);
  });

  it('primaryKey with the positional form and unique() without a name', () => {
    const { db } = analyzeText(
      file,
      `import { pgTable, integer, primaryKey, unique } from "drizzle-orm/pg-core";
export const a = pgTable("a", { x: integer("x"), y: integer("y") }, (t) => ({ pk: primaryKey(t.x, t.y), u: unique().on(t.y, t.x) }));
`,
    );
    const a = table(db, 'a');
    assert.deepEqual(a.primaryKey?.columns, ['x', 'y']);
    assert.deepEqual(a.indexes.map((i) => [i.kind, i.columns, i.name]), [['unique', ['y', 'x'], undefined]]);
  });

  it('$type<>() passes through; trailing and file-wide ignore comments', () => {
    const src = `// schema-review-ignore-file string-enum
import { pgTable, text, integer } from "drizzle-orm/pg-core";
export const a = pgTable("a", {
  id: integer("id").primaryKey(),
  kind: text("kind").$type<"x" | "y">().notNull(), // schema-review-ignore json-in-string, string-enum
  note: text("note"), /* "schema-review-ignore" in a string would not count */
  label: text("schema-review-ignore missing-on-delete"),
});
`;
    const { db, analysis } = analyzeText(file, src);
    const kind = table(db, 'a').columns[1];
    assert.deepEqual([kind.type, kind.nullable, kind.comment], ['string', false, undefined]);
    assert.deepEqual(
      analysis.suppressions.map((s) => [s.scope, s.targetLine, s.rules]),
      [
        ['file', 1, ['string-enum']],
        ['next-line', 4, ['json-in-string', 'string-enum']],
      ],
    );
    assert.equal(table(db, 'a').columns[2].comment, '"schema-review-ignore" in a string would not count');
  });

  it('a file that only queries with drizzle-orm is not a schema', () => {
    const { analysis } = analyzeText(file, `import { eq } from "drizzle-orm";\nexport const q = eq;\n`);
    assert.equal(analysis.databases[0].tables.length, 0);
  });

  it('a half-typed file gives what the parser recovered and one syntax diagnostic', () => {
    const { db, analysis } = analyzeText(
      file,
      `import { pgTable, text, integer } from "drizzle-orm/pg-core";
export const users = pgTable("users", { id: integer("id").primaryKey(), name: text("name").notNull() });
export const posts = pgTable("posts", {
  id: integer("id").primaryKey(),
  userId: integer("user_id").references(() => users.id, { onDelete: 
`,
    );
    assert.deepEqual(db.tables.map((t) => t.name), ['users', 'posts']);
    assert.equal(table(db, 'posts').foreignKeys[0].references.table, 'users');
    assert.equal(analysis.diagnostics.length, 1);
    assert.equal(analysis.diagnostics[0].code, 'drizzle-syntax');
  });
});
