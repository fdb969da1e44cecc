/**
 * Index fixes on a table whose extra config is an index helper (`pgTable("orders", {…}, byCreation)`, or
 * `(t) => byCreation(t)`): the helper other tables share is never edited; the table's own config calls it and
 * adds the index, in the form the helper returns (array or object). When that form is not known, no fix.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Database } from '../../../rules/model';
import { isCovered, type FixIntent } from '../../../rules/types';
import { drizzleFrontEnd } from '../../../server/src/languages/drizzle';
import {
  analyzeFiles,
  applyFileEdits,
  applyTextEdits,
  fixture,
  memoryReader,
  onlyDatabase,
  overlayReader,
  syntaxErrors,
  table,
  typeCheck,
} from './helpers';
import { drizzleFacts, importTables, materialize, modelFacts } from './oracle';

const FILE = '/w/src/db/schema.ts';

const addIndex = (tableName: string, columns: string[]) => (db: Database): FixIntent => ({
  kind: 'addIndex',
  database: db,
  table: table(db, tableName),
  columns,
});

/** The fix's edits applied (only the table's file may change; it must parse), or undefined when none is offered. */
function fix(files: Record<string, string>, make: (db: Database) => FixIntent): Record<string, string> | undefined {
  const edits = drizzleFrontEnd.writeFix(make(analyzeFiles(files)), memoryReader(files));
  if (!edits) return undefined;
  const out = { ...files };
  for (const fe of edits) {
    assert.equal(fe.file, FILE, 'only the table\'s file is edited');
    out[fe.file] = applyTextEdits(files[fe.file], fe.edits);
    assert.deepEqual(syntaxErrors(fe.file, out[fe.file]), [], 'the fixed file parses');
  }
  return out;
}

const HEAD = `import { index, integer, pgTable, timestamp } from "drizzle-orm/pg-core";
export const users = pgTable("users", { id: integer("id").primaryKey() });
`;

const ARRAY_HELPER = `const withTimestampsIdx = (t) => [index("created_idx").on(t.createdAt)];\n`;
const OBJECT_HELPER = `function common(t) {\n  return { userIdIdx: index("common_created_idx").on(t.createdAt) };\n}\n`;

function columns(name: string): string {
  return `pgTable("${name}", {
  userId: integer("user_id").references(() => users.id),
  createdAt: timestamp("created_at"),
}`;
}

describe('drizzle addIndex: the extra config is an index helper', () => {
  it('(a) a helper reference becomes a callback spreading it, in the array form the helper returns', () => {
    const src = HEAD + ARRAY_HELPER + `export const orders = ${columns('orders')}, withTimestampsIdx /* shared */);\n`;
    const out = fix({ [FILE]: src }, addIndex('orders', ['userId']))![FILE];
    assert.equal(
      out,
      src.replace(
        'withTimestampsIdx /* shared */',
        '(table) => [\n  ...withTimestampsIdx(table),\n  index("orders_user_id_idx").on(table.userId),\n] /* shared */',
      ),
    );
    const orders = table(analyzeFiles({ [FILE]: out }), 'orders');
    assert.deepEqual(orders.indexes.map((i) => i.columns), [['createdAt'], ['userId']]);
  });

  it('(a) an object helper: the object form, its key not taking one of the helper\'s', () => {
    const src = HEAD + OBJECT_HELPER + `export const orders = pgTable("orders", { userId: integer("user_id").references(() => users.id), createdAt: timestamp("created_at") }, (common));\n`;
    const out = fix({ [FILE]: src }, addIndex('orders', ['userId']))![FILE];
    assert.equal(out, src.replace('(common)', '((table) => ({ ...common(table), userIdIdx2: index("orders_user_id_idx").on(table.userId) }))'));
    assert.deepEqual(table(analyzeFiles({ [FILE]: out }), 'orders').indexes.map((i) => i.columns), [['createdAt'], ['userId']]);
  });

  it('(b) a callback returning a helper call: the call is spread into a literal of its form', () => {
    const arrays = HEAD + ARRAY_HELPER + `export const trades = ${columns('trades')}, (t) => withTimestampsIdx(t));\n`;
    assert.equal(
      fix({ [FILE]: arrays }, addIndex('trades', ['userId']))![FILE],
      arrays.replace('(t) => withTimestampsIdx(t)', '(t) => [...withTimestampsIdx(t), index("trades_user_id_idx").on(t.userId)]'),
    );
    // An object after `=>` is parenthesised; after `return` (or in the user's parentheses) it is not.
    const objects = HEAD + OBJECT_HELPER + `export const a = ${columns('a')}, (t) => common(t));
export const b = ${columns('b')}, function (t) {
  return common(t); // shared
});
export const c = ${columns('c')}, (t) => (common(t)));
`;
    const a = fix({ [FILE]: objects }, addIndex('a', ['userId']))![FILE];
    assert.ok(a.includes('(t) => ({ ...common(t), userIdIdx2: index("a_user_id_idx").on(t.userId) }));'), a);
    const b = fix({ [FILE]: objects }, addIndex('b', ['userId']))![FILE];
    assert.ok(b.includes('  return { ...common(t), userIdIdx2: index("b_user_id_idx").on(t.userId) }; // shared\n'), b);
    const c = fix({ [FILE]: objects }, addIndex('c', ['userId']))![FILE];
    assert.ok(c.includes('(t) => ({ ...common(t), userIdIdx2: index("c_user_id_idx").on(t.userId) }));'), c);
    for (const [name, text] of [['a', a], ['b', b], ['c', c]]) {
      assert.deepEqual(table(analyzeFiles({ [FILE]: text }), name).indexes.map((i) => i.columns), [['createdAt'], ['userId']], name);
    }
  });

  it('an object spreading a helper already: the new key does not replace one of the helper\'s entries', () => {
    const src = HEAD + OBJECT_HELPER + `export const items = ${columns('items')}, (t) => ({ ...common(t) }));\n`;
    const out = fix({ [FILE]: src }, addIndex('items', ['userId']))![FILE];
    assert.ok(out.includes('(t) => ({ ...common(t), userIdIdx2: index("items_user_id_idx").on(t.userId) }));'), out);
  });

  it('a helper imported from another module of the unit (named, default, namespace, through an index), left as it is', () => {
    const helpers = {
      '/w/package.json': '{ "name": "w", "dependencies": { "drizzle-orm": "^0.45.0" } }',
      '/w/drizzle.config.ts': `export default { schema: './src/db/schema.ts', dialect: 'postgresql' };\n`,
      '/w/src/lib/index.ts': `export * from './indexes';\n`,
      '/w/src/lib/indexes.ts': `import { index } from "drizzle-orm/pg-core";\nexport const withTimestampsIdx = (t) => [index("created_idx").on(t.createdAt)];\n`,
      '/w/src/lib/audit.ts': `import { index } from "drizzle-orm/pg-core";\nexport default function audit(t) {\n  const keys = { createdIdx: index().on(t.createdAt) };\n  return keys;\n}\n`,
    };
    const src = `import { integer, pgTable, timestamp } from "drizzle-orm/pg-core";
import { withTimestampsIdx } from "../lib";
import audit from "../lib/audit";
import * as lib from "../lib";
export const users = pgTable("users", { id: integer("id").primaryKey() });
export const a = ${columns('a')}, withTimestampsIdx);
export const b = ${columns('b')}, audit);
export const c = ${columns('c')}, (t) => lib.withTimestampsIdx(t));
`;
    const files = { ...helpers, [FILE]: src };
    const a = fix(files, addIndex('a', ['userId']))![FILE];
    assert.ok(a.includes('}, (table) => [\n  ...withTimestampsIdx(table),\n  index("a_user_id_idx").on(table.userId),\n]);'), a);
    assert.ok(a.startsWith('import { integer, pgTable, timestamp, index } from "drizzle-orm/pg-core";'), a);
    const b = fix(files, addIndex('b', ['userId']))![FILE];
    assert.ok(b.includes('}, (table) => ({\n  ...audit(table),\n  userIdIdx: index("b_user_id_idx").on(table.userId),\n}));'), b);
    const c = fix(files, addIndex('c', ['userId']))![FILE];
    assert.ok(c.includes('}, (t) => [...lib.withTimestampsIdx(t), index("c_user_id_idx").on(t.userId)]);'), c);
  });

  it('no fix when the helper\'s form is not known, or the version wants the other form', () => {
    const cases: [string, Record<string, string>][] = [
      // Not resolvable: a package's helper, a module outside the unit, a missing name.
      ['a package', { [FILE]: HEAD.replace('\n', '\nimport { withTimestampsIdx } from "@acme/db-kit";\n') + `export const t = ${columns('t')}, withTimestampsIdx);\n` }],
      ['a missing module', { [FILE]: HEAD.replace('\n', '\nimport { withTimestampsIdx } from "./gone";\n') + `export const t = ${columns('t')}, (t) => withTimestampsIdx(t));\n` }],
      // Resolvable, its form unknown: a conditional, a call of something else, a builder.
      ['a conditional', { [FILE]: HEAD + `const pick = (t) => (t.userId ? [index().on(t.userId)] : {});\nexport const t = ${columns('t')}, pick);\n` }],
      ['a factory', { [FILE]: HEAD + `const make = () => (t) => [index().on(t.createdAt)];\nexport const t = ${columns('t')}, make());\n` }],
      ['not a function', { [FILE]: HEAD + `const cfg = make();\nexport const t = ${columns('t')}, cfg);\n` }],
      // A cast on the reference would be lost.
      ['a cast', { [FILE]: HEAD + ARRAY_HELPER + `export const t = ${columns('t')}, withTimestampsIdx as never);\n` }],
      // drizzle-orm before 0.36 types the config as an object: an array helper cannot be extended there.
      [
        'drizzle-orm 0.33, an array helper',
        {
          '/w/package.json': '{ "name": "w", "dependencies": { "drizzle-orm": "^0.33.0" } }',
          [FILE]: HEAD + ARRAY_HELPER + `export const t = ${columns('t')}, withTimestampsIdx);\n`,
        },
      ],
    ];
    for (const [name, files] of cases) {
      const db = analyzeFiles(files);
      assert.equal(drizzleFrontEnd.writeFix(addIndex('t', ['userId'])(db), memoryReader(files)), undefined, name);
    }
    // A helper passed whole is read by the analysis: one that indexes the column leaves nothing to fix, one that
    // names it second does not cover it, and the fix keeps the helper.
    const covered: [string, string][] = [
      ['a helper naming the column', `const owned = (t) => [index("owned_idx").on(t.userId)];\nexport const t = ${columns('t')}, owned);\n`],
      ['a helper destructuring it', `function owned({ userId: u }) {\n  return [index().on(u)];\n}\nexport const t = ${columns('t')}, owned);\n`],
      ['a helper calling one naming it', `const owned = (t) => [index().on(t.userId)];\nconst all = (t) => [...owned(t)];\nexport const t = ${columns('t')}, all);\n`],
    ];
    for (const [name, text] of covered) {
      const t = analyzeFiles({ [FILE]: HEAD + text }).tables.find((x) => x.name === 't')!;
      assert.ok(isCovered(t, ['userId']), name);
    }
    const second = { [FILE]: HEAD + `const byTime = (t) => [index("by_time").on(t.createdAt, t.userId)];\nexport const t = ${columns('t')}, byTime);\n` };
    assert.equal(isCovered(analyzeFiles(second).tables.find((x) => x.name === 't')!, ['userId']), false);
    assert.ok(fix(second, addIndex('t', ['userId']))![FILE].includes('}, (table) => [\n  ...byTime(table),\n  index("t_user_id_idx").on(table.userId),\n]);'));
    // The object form is still written before 0.36.
    const older = {
      '/w/package.json': '{ "name": "w", "dependencies": { "drizzle-orm": "^0.33.0" } }',
      [FILE]: HEAD + OBJECT_HELPER + `export const t = ${columns('t')}, (t) => common(t));\n`,
    };
    assert.ok(fix(older, addIndex('t', ['userId']))![FILE].includes('(t) => ({ ...common(t), userIdIdx2: index("t_user_id_idx").on(t.userId) })'));
  });

  it('a project: every foreign key indexed, the helpers untouched, and it type-checks and runs as drizzle-orm reads it', async () => {
    const dir = fixture('helper-configs');
    const reader = overlayReader();
    let count = 0;
    for (; count < 20; count++) {
      const { db } = onlyDatabase(dir, reader);
      const t = db.tables.find((x) => x.foreignKeys.some((fk) => fk.enforced && !isCovered(x, fk.columns)));
      if (!t) break;
      const fk = t.foreignKeys.find((f) => f.enforced && !isCovered(t, f.columns))!;
      const edits = drizzleFrontEnd.writeFix({ kind: 'addIndex', database: db, table: t, columns: fk.columns }, reader);
      assert.ok(edits, `a fix for ${t.name}.${fk.columns}`);
      applyFileEdits(reader, edits);
    }
    assert.equal(count, 4);
    assert.deepEqual([...reader.overlay.keys()], [`${dir}/src/db/schema/orders.ts`]);
    const fixed = reader.overlay.get(`${dir}/src/db/schema/orders.ts`)!;
    assert.deepEqual(syntaxErrors('orders.ts', fixed), []);
    // Formatting and comments kept; each table calls its helper.
    assert.ok(fixed.includes(`}, (table) => [
  ...byCreation(table),
  index('orders_user_id_idx').on(table.userId),
] /* shared with payments */);`), fixed);
    assert.ok(fixed.includes(`  (t) => [...byAmount(t), index('trades_user_id_idx').on(t.userId)],\n);`), fixed);
    assert.ok(fixed.includes(`}, (table) => ({
  ...shared.auditKeys(table),
  orderIdIdx: index('payments_order_id_idx').on(table.orderId),
}));`), fixed);
    assert.ok(fixed.includes(`  return { ...auditKeys(t), paymentIdIdx: index('refunds_payment_id_idx').on(t.paymentId) };`), fixed);
    const { db } = onlyDatabase(dir, reader);
    assert.deepEqual(table(db, 'orders').indexes.map((i) => i.columns), [['createdAt'], ['userId']]);
    assert.deepEqual(table(db, 'trades').indexes.map((i) => i.columns), [['amount'], ['createdAt'], ['userId']]);
    // Type-checks as before (strict, noUnusedLocals).
    const before = typeCheck(dir);
    assert.deepEqual(before.errors, []);
    assert.deepEqual(typeCheck(dir, reader.overlay, before.program).errors, []);
    // drizzle-orm reads the indexes our model reads.
    const copy = materialize(dir, reader.overlay);
    try {
      const { tables } = await importTables(db.files.filter((f) => f.includes('/schema/')).map(copy.map));
      assert.deepEqual(modelFacts(db).indexes, drizzleFacts(tables).indexes);
    } finally {
      copy.dispose();
    }
  });
});
