import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Database, ReferentialAction } from '../../../rules/model';
import type { FixIntent } from '../../../rules/types';
import { drizzleFrontEnd } from '../../../server/src/languages/drizzle';
import type { Unit } from '../../../server/src/languages/types';
import { analyzeFiles, applyTextEdits, memoryReader, syntaxErrors, table } from './helpers';

const FILE = '/w/db/schema.ts';

/** Writes the fix, checks it re-parses without new syntax errors, and returns the new texts. */
function fix(files: Record<string, string>, make: (db: Database) => FixIntent): Record<string, string> {
  const db = analyzeFiles(files);
  const edits = drizzleFrontEnd.writeFix(make(db), memoryReader(files));
  assert.ok(edits, 'the writer gave edits');
  const out = { ...files };
  for (const fe of edits) {
    out[fe.file] = applyTextEdits(files[fe.file], fe.edits);
    assert.deepEqual(syntaxErrors(fe.file, out[fe.file]), syntaxErrors(fe.file, files[fe.file]), 'no new syntax errors');
  }
  return out;
}

function fixOne(text: string, make: (db: Database) => FixIntent): { text: string; db: Database } {
  const out = fix({ [FILE]: text }, make)[FILE];
  return { text: out, db: analyzeFiles({ [FILE]: out }) };
}

const setOnDelete = (tableName: string, column: string, action: ReferentialAction = 'Cascade') => (db: Database): FixIntent => {
  const t = table(db, tableName);
  const fk = t.foreignKeys.find((f) => f.columns.includes(column));
  assert.ok(fk, `fk on ${tableName}.${column}`);
  return { kind: 'setOnDelete', database: db, table: t, foreignKey: fk, action };
};

const HEAD = `import { pgTable, text, integer, varchar, real } from "drizzle-orm/pg-core";
export const users = pgTable("users", { id: varchar("id").primaryKey() });
`;

describe('drizzle writeFix: setOnDelete', () => {
  it('adds the options object as the second argument', () => {
    const src = HEAD + `export const posts = pgTable("posts", {
  userId: varchar("user_id").references(() => users.id),
});
`;
    const { text, db } = fixOne(src, setOnDelete('posts', 'userId'));
    assert.equal(text, src.replace('references(() => users.id)', 'references(() => users.id, { onDelete: "cascade" })'));
    assert.equal(table(db, 'posts').foreignKeys[0].onDelete, 'Cascade');
  });

  it('adds the key to an existing options object, keeping its layout', () => {
    const src = HEAD + `export const posts = pgTable("posts", {
  userId: varchar("user_id").notNull().references(() => users.id, {
    onUpdate: "cascade",
  }),
});
`;
    const { text, db } = fixOne(src, setOnDelete('posts', 'userId', 'Restrict'));
    assert.equal(text, src.replace('{\n    onUpdate', '{\n    onDelete: "restrict",\n    onUpdate'));
    assert.deepEqual([table(db, 'posts').foreignKeys[0].onDelete, table(db, 'posts').foreignKeys[0].onUpdate], ['Restrict', 'Cascade']);
  });

  it('replaces an existing onDelete value, with the file\'s quotes', () => {
    const src = HEAD.replace(/"/g, "'") + `export const posts = pgTable('posts', { userId: varchar('user_id').references(() => users.id, { onDelete: 'no action' }) });
`;
    const { text, db } = fixOne(src, setOnDelete('posts', 'userId', 'SetNull'));
    assert.equal(text, src.replace("onDelete: 'no action'", "onDelete: 'set null'"));
    assert.equal(table(db, 'posts').foreignKeys[0].onDelete, 'SetNull');
  });

  it('chains .onDelete() on foreignKey(...), keeping .onUpdate()', () => {
    const src = HEAD.replace('pgTable,', 'pgTable, foreignKey,') + `export const posts = pgTable("posts", {
  userId: varchar("user_id"),
}, (t) => [
  foreignKey({ columns: [t.userId], foreignColumns: [users.id] }).onUpdate("cascade"),
]);
`;
    const { text, db } = fixOne(src, setOnDelete('posts', 'userId'));
    assert.equal(text, src.replace('foreignColumns: [users.id] })', 'foreignColumns: [users.id] }).onDelete("cascade")'));
    assert.equal(table(db, 'posts').foreignKeys[0].onDelete, 'Cascade');
  });

  it('replaces the action of an existing .onDelete()', () => {
    const src = HEAD.replace('pgTable,', 'pgTable, foreignKey,') + `export const posts = pgTable("posts", { userId: varchar("user_id") }, (t) => ({
  fk: foreignKey({ columns: [t.userId], foreignColumns: [users.id] }).onDelete("no action"),
}));
`;
    const { db } = fixOne(src, setOnDelete('posts', 'userId', 'Restrict'));
    assert.equal(table(db, 'posts').foreignKeys[0].onDelete, 'Restrict');
  });

  it('on a relations()-only link, writes the real foreign key with the action', () => {
    const src = `import { relations } from "drizzle-orm";
import { pgTable, integer } from "drizzle-orm/pg-core";
export const a = pgTable("a", { id: integer("id").primaryKey() });
export const b = pgTable("b", { aId: integer("a_id") });
export const bRelations = relations(b, ({ one }) => ({ a: one(a, { fields: [b.aId], references: [a.id] }) }));
`;
    const before = analyzeFiles({ [FILE]: src });
    assert.equal(table(before, 'b').foreignKeys[0].enforced, false);
    const { text, db } = fixOne(src, setOnDelete('b', 'aId', 'SetNull'));
    assert.equal(text, src.replace('aId: integer("a_id")', 'aId: integer("a_id").references(() => a.id, { onDelete: "set null" })'));
    assert.deepEqual(table(db, 'b').foreignKeys.map((f) => [f.enforced, f.onDelete]), [[true, 'SetNull']]);
  });
});

const addIndex = (tableName: string, columns: string[]) => (db: Database): FixIntent => ({
  kind: 'addIndex',
  database: db,
  table: table(db, tableName),
  columns,
});

describe('drizzle writeFix: addIndex', () => {
  it('creates the callback (array form) and the import', () => {
    const src = HEAD + `export const trades = pgTable("trades", {
  strategyId: varchar("strategy_id").references(() => users.id),
  price: real("price"),
});
`;
    const { text, db } = fixOne(src, addIndex('trades', ['strategyId']));
    assert.equal(
      text,
      src
        .replace('varchar, real }', 'varchar, real, index }')
        .replace(
          '  price: real("price"),\n});',
          '  price: real("price"),\n}, (table) => [\n  index("trades_strategy_id_idx").on(table.strategyId),\n]);',
        ),
    );
    assert.deepEqual(table(db, 'trades').indexes.map((i) => [i.name, i.columns]), [['trades_strategy_id_idx', ['strategyId']]]);
  });

  it('keeps a new index name within 63 bytes (Postgres truncates longer ones, so drizzle-kit push recreates them each time)', () => {
    const src = `import { pgTable, integer, uuid } from "drizzle-orm/pg-core";
export const subscriptionPlanFeatures = pgTable("subscription_plan_features", { id: uuid("id").primaryKey() });
export const subscriptionPlanFeatureOverrides = pgTable("subscription_plan_feature_overrides", {
  id: integer("id").primaryKey(),
  subscriptionPlanFeatureId: uuid("subscription_plan_feature_id").references(() => subscriptionPlanFeatures.id),
  organizationBillingAccountId: integer("organization_billing_account_id"),
});
`;
    const one = fixOne(src, addIndex('subscriptionPlanFeatureOverrides', ['subscriptionPlanFeatureId']));
    const two = fixOne(one.text, addIndex('subscriptionPlanFeatureOverrides', ['subscriptionPlanFeatureId', 'organizationBillingAccountId']));
    const names = table(two.db, 'subscriptionPlanFeatureOverrides').indexes.map((i) => i.name ?? '');
    // Postgres' own shortening (makeObjectName): the longer of table and columns loses characters first.
    assert.deepEqual(names, [
      'subscription_plan_feature_over_subscription_plan_feature_id_idx',
      'subscription_plan_feature_ove_subscription_plan_feature_id__idx',
    ]);
    for (const name of names) assert.ok(Buffer.byteLength(name) <= 63, name);
    // The same shortened name again gets a number, as Postgres would choose it.
    const three = fixOne(two.text, addIndex('subscriptionPlanFeatureOverrides', ['subscriptionPlanFeatureId']));
    assert.equal(table(three.db, 'subscriptionPlanFeatureOverrides').indexes[2].name, 'subscription_plan_feature_ove_subscription_plan_feature_id_idx1');
  });

  it('uses the object form when the file does', () => {
    const src = HEAD.replace('pgTable,', 'pgTable, index,') + `export const a = pgTable("a", { x: integer("x") }, (t) => ({ xIdx: index("a_x_idx").on(t.x) }));
export const b = pgTable("b", { userId: varchar("user_id") });
`;
    const { text, db } = fixOne(src, addIndex('b', ['userId']));
    assert.ok(text.includes('export const b = pgTable("b", { userId: varchar("user_id") }, (table) => ({ userIdIdx: index("b_user_id_idx").on(table.userId) }));'), text);
    assert.deepEqual(table(db, 'b').indexes.map((i) => i.columns), [['userId']]);
  });

  it('appends to an array, using the callback parameter name and the trailing comma style', () => {
    const src = HEAD.replace('pgTable,', 'pgTable, index,') + `export const t1 = pgTable("t1", {
  a: integer("a"),
  b: integer("b"),
}, (self) => [
  index("t1_a_idx").on(self.a),
]);
`;
    const { text, db } = fixOne(src, addIndex('t1', ['b', 'a']));
    assert.ok(text.includes('  index("t1_a_idx").on(self.a),\n  index("t1_b_a_idx").on(self.b, self.a),\n]);'), text);
    assert.deepEqual(table(db, 't1').indexes.map((i) => i.columns), [['a'], ['b', 'a']]);
  });

  it('appends to an old-style object, without a trailing comma', () => {
    const src = HEAD.replace('pgTable,', 'pgTable, index,') + `export const t1 = pgTable("t1", {
  a: integer("a"),
  b: integer("b"),
}, (t) => ({
  aIdx: index("t1_a_idx").on(t.a)
}));
`;
    const { text, db } = fixOne(src, addIndex('t1', ['b']));
    assert.ok(text.includes('  aIdx: index("t1_a_idx").on(t.a),\n  bIdx: index("t1_b_idx").on(t.b)\n}));'), text);
    assert.equal(table(db, 't1').indexes.length, 2);
  });

  it('prettier layout: arguments on their own lines with a trailing comma, through a creator', () => {
    const src = `import { integer, pgTableCreator } from "drizzle-orm/pg-core";
const createTable = pgTableCreator((name) => \`app_\${name}\`);
export const wallets = createTable(
  "wallets",
  {
    accountId: integer("account_id").notNull(),
  },
);
`;
    const { text, db } = fixOne(src, addIndex('wallets', ['accountId']));
    assert.equal(
      text,
      src
        .replace('{ integer, pgTableCreator }', '{ integer, pgTableCreator, index }')
        .replace('  },\n);', '  },\n  (table) => [\n    index("app_wallets_account_id_idx").on(table.accountId),\n  ],\n);'),
    );
    assert.deepEqual(table(db, 'wallets').indexes.map((i) => i.columns), [['accountId']]);
  });

  it('adds to a multi-line import list, and reuses an aliased or namespace import', () => {
    const multi = `import {
  pgTable,
  integer,
} from "drizzle-orm/pg-core";
export const a = pgTable("a", { x: integer("x") });
`;
    const m = fixOne(multi, addIndex('a', ['x']));
    assert.ok(m.text.startsWith('import {\n  pgTable,\n  integer,\n  index,\n} from "drizzle-orm/pg-core";'), m.text);
    const aliased = `import { pgTable, integer, index as idx } from "drizzle-orm/pg-core";
export const a = pgTable("a", { x: integer("x") });
`;
    assert.ok(fixOne(aliased, addIndex('a', ['x'])).text.includes('(table) => [idx("a_x_idx").on(table.x)]'));
    const ns = `import * as p from "drizzle-orm/pg-core";
export const a = p.pgTable("a", { x: p.integer("x") });
`;
    const n = fixOne(ns, addIndex('a', ['x']));
    assert.ok(n.text.includes('(table) => [p.index("a_x_idx").on(table.x)]'), n.text);
    assert.deepEqual(table(n.db, 'a').indexes.map((i) => i.columns), [['x']]);
  });

  it('an extra config that destructures its columns: the new column joins the pattern', () => {
    const src = `import { pgTable, integer, uuid, text, date, index } from 'drizzle-orm/pg-core';
export const users = pgTable('users', { id: uuid().primaryKey() });
export const comments = pgTable('comments', {
  postId: integer().notNull(),
  authorId: uuid().notNull().references(() => users.id),
  date: date().notNull(),
  body: text(),
}, ({ postId: post }) => [index('comments_post_id_idx').on(post)]);
`;
    const one = fixOne(src, addIndex('comments', ['authorId', 'postId']));
    assert.equal(
      one.text,
      src.replace(
        "({ postId: post }) => [index('comments_post_id_idx').on(post)]",
        "({ postId: post, authorId }) => [index('comments_post_id_idx').on(post), index('comments_authorId_postId_idx').on(authorId, post)]",
      ),
    );
    assert.deepEqual(table(one.db, 'comments').indexes.map((i) => i.columns), [['postId'], ['authorId', 'postId']]);
    // `date` is also the imported builder: destructured under another name, the callback does not shadow it.
    const two = fixOne(src, addIndex('comments', ['date']));
    assert.ok(two.text.includes("({ postId: post, date: dateColumn }) => [index('comments_post_id_idx').on(post), index('comments_date_idx').on(dateColumn)]"), two.text);
    assert.deepEqual(table(two.db, 'comments').indexes.map((i) => i.columns), [['postId'], ['date']]);
  });

  it('adds a parameter to a callback that has none', () => {
    const src = HEAD.replace('pgTable,', 'pgTable, check,').replace('"drizzle-orm/pg-core";', '"drizzle-orm/pg-core";\nimport { sql } from "drizzle-orm";') + `export const a = pgTable("a", { x: integer("x") }, () => [check("x_pos", sql\`x > 0\`)]);
`;
    const { text, db } = fixOne(src, addIndex('a', ['x']));
    assert.ok(text.includes('(table) => [check("x_pos", sql`x > 0`), index("a_x_idx").on(table.x)]'), text);
    assert.equal(table(db, 'a').indexes.length, 1);
  });
});

describe('drizzle writeFix: other intents', () => {
  it('dropIndex removes an array element and its now-unused import', () => {
    const src = `import { pgTable, integer, index, uniqueIndex } from "drizzle-orm/pg-core";
export const a = pgTable("a", {
  x: integer("x"),
}, (t) => [
  uniqueIndex("a_x_key").on(t.x),
  index("a_x_idx").on(t.x),
]);
`;
    const { text, db } = fixOne(src, (db) => ({ kind: 'dropIndex', database: db, table: table(db, 'a'), index: table(db, 'a').indexes[1] }));
    assert.equal(text, src.replace('  index("a_x_idx").on(t.x),\n', '').replace(' index,', ''));
    assert.deepEqual(table(db, 'a').indexes.map((i) => i.name), ['a_x_key']);
  });

  it('dropIndex removes a column .unique() and an object-form property', () => {
    const src = `import { pgTable, integer, index } from "drizzle-orm/pg-core";
export const a = pgTable("a", { x: integer("x").unique(), y: integer("y") }, (t) => ({ a: index("a_y_idx").on(t.y), b: index("a_y2_idx").on(t.y) }));
`;
    const one = fixOne(src, (db) => ({ kind: 'dropIndex', database: db, table: table(db, 'a'), index: table(db, 'a').indexes[0] }));
    assert.ok(one.text.includes('x: integer("x"), y'));
    const two = fixOne(src, (db) => ({ kind: 'dropIndex', database: db, table: table(db, 'a'), index: table(db, 'a').indexes[2] }));
    assert.ok(two.text.includes('(t) => ({ a: index("a_y_idx").on(t.y) }))'), two.text);
  });

  it('changeColumnType to json: jsonb, the default becomes an object, the import is renamed', () => {
    const src = `import { pgTable, varchar, text } from "drizzle-orm/pg-core";
export const t = pgTable("t", {
  id: varchar("id").primaryKey(),
  metadata: text("metadata").default("{}"),
});
`;
    const { text, db } = fixOne(src, (db) => ({
      kind: 'changeColumnType',
      database: db,
      table: table(db, 't'),
      column: table(db, 't').columns[1],
      to: 'json',
    }));
    assert.equal(text, src.replace('varchar, text }', 'varchar, jsonb }').replace('text("metadata").default("{}")', 'jsonb("metadata").default({})'));
    assert.equal(table(db, 't').columns[1].type, 'json');
  });

  it('changeColumnType to json when json is already imported: reuses it and drops the unused text import (no duplicate)', () => {
    const src = `import { mysqlTable, serial, text, json } from 'drizzle-orm/mysql-core';
export const customers = mysqlTable('customers', {
  id: serial('id').primaryKey(),
  preferences: text('preferences'), // JSON blob of UI preferences
  extra: json('extra'),
});
`;
    const { text, db } = fixOne(src, (db) => ({
      kind: 'changeColumnType',
      database: db,
      table: table(db, 'customers'),
      column: table(db, 'customers').columns[1],
      to: 'json',
    }));
    assert.equal(
      text,
      src.replace('serial, text, json }', 'serial, json }').replace("text('preferences')", "json('preferences')"),
    );
    assert.equal(table(db, 'customers').columns[1].type, 'json');
  });

  it('changeColumnType to decimal keeps a number in TypeScript and the old import when still used', () => {
    const src = `import { pgTable, real } from "drizzle-orm/pg-core";
export const t = pgTable("t", { price: real("price").notNull(), rate: real("rate") });
`;
    const { text, db } = fixOne(src, (db) => ({
      kind: 'changeColumnType',
      database: db,
      table: table(db, 't'),
      column: table(db, 't').columns[0],
      to: 'decimal',
    }));
    assert.ok(text.includes('price: numeric("price", { precision: 20, scale: 8, mode: "number" }).notNull()'), text);
    assert.ok(text.startsWith('import { pgTable, real, numeric }'), text);
    assert.equal(table(db, 't').columns[0].type, 'decimal');
  });

  it('makeNullable removes .notNull()', () => {
    const src = HEAD + `export const p = pgTable("p", { userId: varchar("user_id")\n    .notNull()\n    .references(() => users.id) });\n`;
    const { db } = fixOne(src, (db) => ({ kind: 'makeNullable', database: db, table: table(db, 'p'), column: table(db, 'p').columns[0] }));
    assert.equal(table(db, 'p').columns[0].nullable, true);
    assert.equal(table(db, 'p').foreignKeys.length, 1);
  });

  it('addForeignKey across files adds .references() and the import', () => {
    const files = {
      '/w/db/users.ts': `import { pgTable, serial } from "drizzle-orm/pg-core";\nexport const users = pgTable("users", { id: serial("id").primaryKey() });\n`,
      '/w/db/posts.ts': `import { pgTable, integer } from "drizzle-orm/pg-core";\nexport const posts = pgTable("posts", { authorId: integer("author_id").notNull() });\n`,
    };
    const out = fix(files, (db) => ({
      kind: 'addForeignKey',
      database: db,
      table: table(db, 'posts'),
      columns: ['authorId'],
      references: { table: 'users', columns: ['id'] },
    }));
    assert.equal(
      out['/w/db/posts.ts'],
      `import { pgTable, integer } from "drizzle-orm/pg-core";\nimport { users } from "./users";\nexport const posts = pgTable("posts", { authorId: integer("author_id").notNull().references(() => users.id) });\n`,
    );
    const db = analyzeFiles(out);
    assert.deepEqual(table(db, 'posts').foreignKeys[0].references, { table: 'users', columns: ['id'] });
  });

  it('addForeignKey on a self reference types the callback', () => {
    const src = `import { pgTable, integer, serial } from "drizzle-orm/pg-core";\nexport const nodes = pgTable("nodes", { id: serial("id").primaryKey(), parentId: integer("parent_id") });\n`;
    const { text, db } = fixOne(src, (db) => ({
      kind: 'addForeignKey',
      database: db,
      table: table(db, 'nodes'),
      columns: ['parentId'],
      references: { table: 'nodes', columns: ['id'] },
    }));
    assert.ok(text.includes('{ pgTable, integer, serial, type AnyPgColumn }'), text);
    assert.ok(text.includes('integer("parent_id").references((): AnyPgColumn => nodes.id)'), text);
    assert.equal(table(db, 'nodes').foreignKeys.length, 1);
  });

  it('createEnum declares a pgEnum before the table and uses it (the now-unused text import becomes pgEnum)', () => {
    const src = `import { pgTable, text } from "drizzle-orm/pg-core";\n\nexport const bots = pgTable("bots", {\n  status: text("status").notNull().default("idle"),\n});\n`;
    const { text, db } = fixOne(src, (db) => ({
      kind: 'createEnum',
      database: db,
      table: table(db, 'bots'),
      column: table(db, 'bots').columns[0],
      values: ['idle', 'running'],
    }));
    assert.equal(
      text,
      `import { pgTable, pgEnum } from "drizzle-orm/pg-core";\n\nexport const botsStatusEnum = pgEnum("bots_status", ["idle", "running"]);\n\nexport const bots = pgTable("bots", {\n  status: botsStatusEnum("status").notNull().default("idle"),\n});\n`,
    );
    assert.equal(table(db, 'bots').columns[0].type, 'enum');
    assert.deepEqual(db.enums.map((e) => e.values), [['idle', 'running']]);
  });

  it('createEnum keeps the type name within 63 bytes, the name Postgres keeps, and clear of a table or enum of that name', async () => {
    const src = `import { pgTable, uuid, text } from "drizzle-orm/pg-core";

export const subscriptionPlanFeatureOverrides = pgTable("subscription_plan_feature_overrides", {
  id: uuid("id").primaryKey(),
  organizationBillingAccountStatus: text("organization_billing_account_status").notNull(),
  organizationBillingAccountStatusReason: text("organization_billing_account_status_reason"),
});

export const user = pgTable("user", {
  id: uuid("id").primaryKey(),
  role: text("role").notNull(),
  plan: text("plan"),
});

export const userRole = pgTable("user_role", { userId: uuid("user_id").primaryKey() });
`;
    const createEnum = (tableName: string, columnName: string, values: string[]) => (db: Database): FixIntent => {
      const t = table(db, tableName);
      return { kind: 'createEnum', database: db, table: t, column: t.columns.find((c) => c.name === columnName)!, values };
    };
    let { text, db } = fixOne(src, createEnum('subscriptionPlanFeatureOverrides', 'organizationBillingAccountStatus', ['active', 'paused']));
    // The same 63 bytes for another column of the table: numbered, still within 63 bytes.
    ({ text, db } = fixOne(text, createEnum('subscriptionPlanFeatureOverrides', 'organizationBillingAccountStatusReason', ['dunning', 'manual'])));
    ({ text, db } = fixOne(text, createEnum('user', 'role', ['admin', 'member'])));
    // An enum of that name already: numbered, as the SQL writer numbers it.
    const withPlanEnum = text.replace('export const userRole =', 'export const planEnum = pgEnum("user_plan", ["free"]);\nexport const userRole =');
    ({ text, db } = fixOne(withPlanEnum, createEnum('user', 'plan', ['free', 'pro'])));
    const names = db.enums.map((e) => e.name);
    assert.deepEqual(names, [
      // makeObjectName: the longer of table and column loses characters first.
      'subscription_plan_feature_overr_organization_billing_account_st',
      'subscription_plan_feature_over_organization_billing_account_s1',
      'user_role1',
      'user_plan1',
      'user_plan',
    ]);
    assert.ok(text.includes('organizationBillingAccountStatus: subscriptionPlanFeatureOverridesOrganizationBillingAccountStatusEnum("organization_billing_account_status").notNull()'), text);
    // What Postgres keeps is what the schema says: drizzle-kit sees no difference at the next push.
    const { PGlite } = await import('@electric-sql/pglite');
    const pglite = new PGlite();
    try {
      await pglite.exec('CREATE TABLE "user_role" (user_id uuid PRIMARY KEY)');
      for (const e of db.enums) await pglite.exec(`CREATE TYPE "${e.name}" AS ENUM (${e.values.map((v) => `'${v}'`).join(', ')})`);
      const kept = (await pglite.query<{ typname: string }>("SELECT typname FROM pg_type WHERE typtype = 'e' ORDER BY oid")).rows.map((r) => r.typname);
      assert.deepEqual(kept, names);
    } finally {
      await pglite.close();
    }
  });

  it('createEnum puts the enum above the comments that belong to the table (an ignore comment keeps its target)', () => {
    const src = `import { pgTable, text } from "drizzle-orm/pg-core";

/** Work items of a board. */
// schema-review-ignore missing-primary-key
export const tasks = pgTable("tasks", {
  title: text("title").notNull(),
  state: text("state").notNull(), // "todo" | "doing" | "done"
});
`;
    const { text, db } = fixOne(src, (db) => ({
      kind: 'createEnum',
      database: db,
      table: table(db, 'tasks'),
      column: table(db, 'tasks').columns[1],
      values: ['todo', 'doing', 'done'],
    }));
    assert.ok(
      text.includes(`"drizzle-orm/pg-core";

export const tasksStateEnum = pgEnum("tasks_state", ["todo", "doing", "done"]);

/** Work items of a board. */
// schema-review-ignore missing-primary-key
export const tasks = pgTable("tasks", {`),
      text,
    );
    assert.equal(table(db, 'tasks').columns[1].type, 'enum');
  });

  it('a builder whose name the file already binds (a local customType jsonb) is imported under an alias', () => {
    const src = `import { customType, pgTable, serial, text } from "drizzle-orm/pg-core";

const jsonb = customType<{ data: unknown }>({
  dataType() {
    return "jsonb";
  },
});

export const events = pgTable("events", {
  id: serial("id").primaryKey(),
  payload: jsonb("payload"),
  context: text("context").default("{}"),
});
`;
    const { text } = fixOne(src, (db) => {
      const t = table(db, 'events');
      return { kind: 'changeColumnType', database: db, table: t, column: t.columns[2], to: 'json' };
    });
    assert.ok(text.startsWith('import { customType, pgTable, serial, jsonb as pgJsonb } from "drizzle-orm/pg-core";'), text);
    assert.ok(text.includes('  payload: jsonb("payload"),\n  context: pgJsonb("context").default({}),'), text);
  });

  it('createEnum offers no fix when the column default is not one of the values (it would not compile nor migrate)', () => {
    const src = `import { pgTable, uuid, text } from "drizzle-orm/pg-core";

export const jobs = pgTable("jobs", {
  id: uuid("id").primaryKey(),
  state: text("state").notNull().default("new"), // "pending" | "done"
});
`;
    const db = analyzeFiles({ [FILE]: src });
    const t = table(db, 'jobs');
    const intent: FixIntent = { kind: 'createEnum', database: db, table: t, column: t.columns[1], values: ['pending', 'done'] };
    assert.equal(drizzleFrontEnd.writeFix(intent, memoryReader({ [FILE]: src })), undefined);
    assert.ok(drizzleFrontEnd.writeFix({ ...intent, values: ['new', 'pending', 'done'] }, memoryReader({ [FILE]: src })));
  });

  it('createEnum on a column of the callback form: t.text() becomes the new pgEnum', () => {
    const src = `import { pgTable } from 'drizzle-orm/pg-core';

export const members = pgTable('members', (t) => ({
  id: t.integer().primaryKey(),
  role: t.text().default('viewer'), // 'owner' | 'editor' | 'viewer'
}));
`;
    const { text, db } = fixOne(src, (db) => ({
      kind: 'createEnum',
      database: db,
      table: table(db, 'members'),
      column: table(db, 'members').columns[1],
      values: ['owner', 'editor', 'viewer'],
    }));
    assert.equal(
      text,
      src
        .replace('{ pgTable }', '{ pgTable, pgEnum }')
        .replace('export const members', "export const membersRoleEnum = pgEnum('members_role', ['owner', 'editor', 'viewer']);\n\nexport const members")
        .replace("role: t.text().default('viewer')", "role: membersRoleEnum().default('viewer')"),
    );
    assert.equal(table(db, 'members').columns[1].type, 'enum');
  });

  it('createEnum for a table of a pgSchema declares the enum in that schema (billing.enum)', () => {
    const src = `import { pgSchema, integer, text } from 'drizzle-orm/pg-core';

export const billing = pgSchema('billing');

export const accounts = billing.table('accounts', {
  id: integer().primaryKey(),
  status: text().notNull().default('active'), // 'active' | 'past_due' | 'canceled'
});
`;
    const { text, db } = fixOne(src, (db) => ({
      kind: 'createEnum',
      database: db,
      table: table(db, 'accounts'),
      column: table(db, 'accounts').columns[1],
      values: ['active', 'past_due', 'canceled'],
    }));
    assert.equal(
      text,
      src
        .replace('integer, text }', 'integer }')
        .replace('export const accounts', "export const accountsStatusEnum = billing.enum('accounts_status', ['active', 'past_due', 'canceled']);\n\nexport const accounts")
        .replace('status: text()', 'status: accountsStatusEnum()'),
    );
    assert.equal(table(db, 'accounts').columns[1].type, 'enum');
  });

  it('gives no edit for intents of other languages or stale ranges', () => {
    const src = HEAD + `export const p = pgTable("p", { userId: varchar("user_id").references(() => users.id) });\n`;
    const db = analyzeFiles({ [FILE]: src });
    const intent = setOnDelete('p', 'userId')(db) as Extract<FixIntent, { kind: 'setOnDelete' }>;
    assert.equal(drizzleFrontEnd.writeFix({ ...intent, database: { ...db, language: 'prisma' } }, memoryReader({ [FILE]: src })), undefined);
    assert.equal(drizzleFrontEnd.writeFix(intent, memoryReader({ [FILE]: 'export {};\n' })), undefined);
  });
});

describe('drizzle write: a relations()-only link gets its real foreign key', () => {
  it('missing-on-delete\'s fix adds .references() with the action; the file parses and the finding is gone', async () => {
    const { missingOnDelete } = await import('../../../rules/relations/missing-on-delete');
    const { runRule } = await import('../../helpers/run-rule');
    const file = '/virtual/src/db/schema.ts';
    const text = [
      "import { relations } from 'drizzle-orm';",
      "import { integer, pgTable, serial, text } from 'drizzle-orm/pg-core';",
      '',
      "export const accounts = pgTable('accounts', {",
      "  id: serial('id').primaryKey(),",
      '});',
      '',
      "export const notes = pgTable('notes', {",
      "  id: serial('id').primaryKey(),",
      "  accountId: integer('account_id').notNull(), // owner",
      "  body: text('body'),",
      '});',
      '',
      'export const notesRelations = relations(notes, ({ one }) => ({',
      '  account: one(accounts, { fields: [notes.accountId], references: [accounts.id] }),',
      '}));',
      '',
    ].join('\n');
    const analyze = (t: string) => {
      const reader = memoryReader({ [file]: t });
      const unit: Unit = { language: 'drizzle', id: 'drizzle:/virtual', files: [file], hints: {} };
      return { db: drizzleFrontEnd.analyze(unit, reader, { validation: true }).databases[0]!, reader };
    };
    const { db, reader } = analyze(text);
    const [finding, ...rest] = runRule(missingOnDelete, [db]);
    assert.equal(rest.length, 0);
    assert.equal(finding!.fixes![0]!.title, 'Add .references(() => accounts.id, { onDelete: "cascade" }) to accountId');
    const edits = drizzleFrontEnd.writeFix(finding!.fixes![0]!.intent, reader);
    assert.ok(edits);
    const fixed = applyTextEdits(text, edits[0]!.edits);
    assert.deepEqual(syntaxErrors(file, fixed), []);
    assert.match(fixed, /accountId: integer\('account_id'\)\.notNull\(\)\.references\(\(\) => accounts\.id, \{ onDelete: 'cascade' \}\), \/\/ owner/);
    const after = analyze(fixed).db;
    const fk = after.tables.find((t) => t.name === 'notes')!.foreignKeys.find((f) => f.enforced)!;
    assert.equal(fk.onDelete, 'Cascade');
    assert.deepEqual(runRule(missingOnDelete, [after]), []);
  });
});

describe('drizzle writeFix: what the project\'s drizzle-orm version can compile', () => {
  const schema = '/w/src/db/schema.ts';
  const src = `import { pgTable, integer, varchar, real } from "drizzle-orm/pg-core";
export const users = pgTable("users", { id: varchar("id").primaryKey() });
export const trades = pgTable("trades", {
  id: integer("id").primaryKey(),
  strategyId: varchar("strategy_id").references(() => users.id),
  price: real("price").notNull(),
});
`;
  const pkg = (version: string) => JSON.stringify({ name: 'bot', dependencies: { 'drizzle-orm': version, pg: '^8.11.0' } });
  const toDecimal = (db: Database): FixIntent => ({ kind: 'changeColumnType', database: db, table: table(db, 'trades'), column: table(db, 'trades').columns[2], to: 'decimal' });

  it('before 0.36 (no array of constraints yet): a new callback returns the object form', () => {
    for (const files of [
      { '/w/package.json': pkg('^0.33.0'), [schema]: src } as Record<string, string>,
      // The installed version wins over a range that says nothing (`latest`).
      { '/w/package.json': pkg('latest'), '/w/node_modules/drizzle-orm/package.json': '{ "name": "drizzle-orm", "version": "0.35.3" }', [schema]: src },
    ]) {
      const out = fix(files, addIndex('trades', ['strategyId']))[schema];
      assert.ok(out.includes('}, (table) => ({\n  strategyIdIdx: index("trades_strategy_id_idx").on(table.strategyId),\n}));'), out);
    }
    // 0.36 and later, or no version known: the array form.
    for (const version of ['^0.36.0', '^0.45.1', 'workspace:*']) {
      const out = fix({ '/w/package.json': pkg(version), [schema]: src }, addIndex('trades', ['strategyId']))[schema];
      assert.ok(out.includes('}, (table) => [\n  index("trades_strategy_id_idx").on(table.strategyId),\n]);'), `${version}: ${out}`);
    }
  });

  it('before 0.41 (numeric has no number mode): no decimal fix rather than one that does not compile or turns prices into strings', () => {
    for (const version of ['^0.39.1', '~0.40.0', '0.38.4']) {
      const files = { '/w/package.json': pkg(version), [schema]: src };
      assert.equal(drizzleFrontEnd.writeFix(toDecimal(analyzeFiles(files)), memoryReader(files)), undefined, version);
    }
    const out = fix({ '/w/package.json': pkg('^0.41.0'), [schema]: src }, toDecimal)[schema];
    assert.ok(out.includes('price: numeric("price", { precision: 20, scale: 8, mode: "number" }).notNull(),'), out);
  });
});
