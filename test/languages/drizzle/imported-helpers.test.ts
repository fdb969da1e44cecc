/**
 * Indexes declared by a helper imported from another module (`import { auditIndexes } from '../helpers'`,
 * `(t) => [...auditIndexes(t)]`) are the table's: the helper's module is read syntax-only, joins the unit's files
 * (so an edit of it is reviewed again), and its foreign keys are not reported unindexed.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { drizzleFrontEnd } from '../../../server/src/languages/drizzle';
import { initFrontEnds } from '../../../server/src/languages';
import { Reviewer } from '../../../server/src/review';
import { writeFiles } from '../../helpers/workspace';
import { diskReader } from '../prisma/helpers';
import { memoryReader, sliceRange, table } from './helpers';

const CONFIG = `import { defineConfig } from 'drizzle-kit';

export default defineConfig({
  schema: './src/db/schema/*.ts',
  out: './drizzle',
  dialect: 'postgresql',
});
`;

/** A helper module outside the schema folder: named, default and arrow helpers. */
const HELPERS = `import { index, type PgColumn } from 'drizzle-orm/pg-core';

/** Every owned table is looked up by its owner. */
export function ownerIndexes(t: { userId: PgColumn }, table: string) {
  return [index(\`\${table}_user_id_idx\`).on(t.userId)];
}

export const byStrategy = (strategyId: PgColumn) => index().on(strategyId);
`;

const AUDIT = `import { index, type PgColumn } from 'drizzle-orm/pg-core';

export default function auditIndexes(t: { actorId: PgColumn; createdAt: PgColumn }) {
  return [index().on(t.actorId, t.createdAt)];
}
`;

const USERS = `import { pgTable, uuid, text } from 'drizzle-orm/pg-core';

export const users = pgTable('users', {
  id: uuid('id').primaryKey().defaultRandom(),
  email: text('email').notNull().unique(),
});

export const strategies = pgTable('strategies', {
  id: uuid('id').primaryKey().defaultRandom(),
  name: text('name').notNull(),
});
`;

const TRADES = `import { pgTable, uuid, numeric, timestamp } from 'drizzle-orm/pg-core';
import { ownerIndexes, byStrategy as strategyIndex } from '../helpers';
import auditIndexes from '../helpers/audit';
import * as shared from '../helpers';
import { users, strategies } from './users';

export const trades = pgTable('trades', {
  id: uuid('id').primaryKey().defaultRandom(),
  userId: uuid('user_id').notNull().references(() => users.id, { onDelete: 'cascade' }),
  strategyId: uuid('strategy_id').references(() => strategies.id, { onDelete: 'set null' }),
  amount: numeric('amount', { precision: 18, scale: 8 }).notNull(),
}, (t) => [...ownerIndexes(t, 'trades'), strategyIndex(t.strategyId)]);

export const auditLogs = pgTable('audit_logs', {
  id: uuid('id').primaryKey().defaultRandom(),
  actorId: uuid('actor_id').notNull().references(() => users.id, { onDelete: 'cascade' }),
  createdAt: timestamp('created_at').defaultNow().notNull(),
}, (t) => [...auditIndexes(t)]);

export const positions = pgTable('positions', {
  id: uuid('id').primaryKey().defaultRandom(),
  userId: uuid('user_id').notNull().references(() => users.id, { onDelete: 'cascade' }),
}, (t) => shared.ownerIndexes(t, 'positions'));
`;

function workspace(overrides: Record<string, string> = {}): Record<string, string> {
  return {
    '/w/bot/package.json': '{ "name": "bot" }',
    '/w/bot/drizzle.config.ts': CONFIG,
    '/w/bot/src/db/helpers/index.ts': `export * from './owners';\n`,
    '/w/bot/src/db/helpers/owners.ts': HELPERS,
    '/w/bot/src/db/helpers/audit.ts': AUDIT,
    '/w/bot/src/db/schema/users.ts': USERS,
    '/w/bot/src/db/schema/trades.ts': TRADES,
    '/w/bot/src/server/routes.ts': `import { db } from '../db';\nexport const list = () => db.select();\n`,
    ...overrides,
  };
}

describe('drizzle: index helpers imported from another module', () => {
  it('the helper modules (and the index re-exporting one) join the unit; their indexes are the tables\'', () => {
    const files = workspace();
    const reader = memoryReader(files);
    const units = drizzleFrontEnd.discover(Object.keys(files).sort(), reader);
    assert.equal(units.length, 1);
    assert.deepEqual(
      [...units[0].files].sort(),
      [
        '/w/bot/src/db/helpers/audit.ts',
        '/w/bot/src/db/helpers/index.ts',
        '/w/bot/src/db/helpers/owners.ts',
        '/w/bot/src/db/schema/trades.ts',
        '/w/bot/src/db/schema/users.ts',
      ],
    );
    const db = drizzleFrontEnd.analyze(units[0], reader, { validation: true }).databases[0];
    const trades = table(db, 'trades');
    assert.deepEqual(trades.indexes.map((i) => i.columns), [['userId'], ['strategyId']]);
    // Located at the call in the table's file: a fix must not edit the helper other tables share.
    assert.equal(trades.indexes[0].loc.file, '/w/bot/src/db/schema/trades.ts');
    assert.equal(sliceRange(TRADES, trades.indexes[0].loc.range), "ownerIndexes(t, 'trades')");
    assert.equal(sliceRange(TRADES, trades.indexes[1].loc.range), 'strategyIndex(t.strategyId)');
    assert.deepEqual(table(db, 'auditLogs').indexes.map((i) => i.columns), [['actorId', 'createdAt']]);
    assert.deepEqual(table(db, 'positions').indexes.map((i) => i.columns), [['userId']]);
  });

  it('through an index that names what it re-exports (export { a, b as c } from), and an aliased export of an import', () => {
    for (const index of [
      `export { ownerIndexes, byStrategy } from './owners';\nexport type { PgColumn } from 'drizzle-orm/pg-core';\n`,
      `import { ownerIndexes, byStrategy as strategy } from './owners';\nexport { ownerIndexes, strategy as byStrategy };\n`,
    ]) {
      const files = workspace({ '/w/bot/src/db/helpers/index.ts': index });
      const reader = memoryReader(files);
      const units = drizzleFrontEnd.discover(Object.keys(files).sort(), reader);
      assert.ok(units[0].files.includes('/w/bot/src/db/helpers/index.ts'), index);
      const db = drizzleFrontEnd.analyze(units[0], reader, { validation: true }).databases[0];
      assert.deepEqual(table(db, 'trades').indexes.map((i) => i.columns), [['userId'], ['strategyId']], index);
      assert.deepEqual(table(db, 'positions').indexes.map((i) => i.columns), [['userId']], index);
    }
  });

  it('through a tsconfig paths alias (@/db/helpers), as TypeScript resolves it', () => {
    const files = workspace({
      '/w/bot/tsconfig.json': `{\n  // Next.js-style alias\n  "compilerOptions": { "strict": true, "paths": { "@/*": ["./src/*"] } }\n}\n`,
      '/w/bot/src/db/schema/trades.ts': TRADES.replace(`from '../helpers';`, `from '@/db/helpers';`).replace(`from '../helpers/audit'`, `from '@/db/helpers/audit'`),
      '/w/bot/src/db/helpers/index.ts': `export * from '@/db/helpers/owners';\n`,
    });
    const reader = memoryReader(files);
    const units = drizzleFrontEnd.discover(Object.keys(files).sort(), reader);
    assert.deepEqual(
      units[0].files.filter((f) => f.includes('/helpers/')).sort(),
      ['/w/bot/src/db/helpers/audit.ts', '/w/bot/src/db/helpers/index.ts', '/w/bot/src/db/helpers/owners.ts'],
    );
    const db = drizzleFrontEnd.analyze(units[0], reader, { validation: true }).databases[0];
    assert.deepEqual(table(db, 'trades').indexes.map((i) => i.columns), [['userId'], ['strategyId']]);
    assert.deepEqual(table(db, 'auditLogs').indexes.map((i) => i.columns), [['actorId', 'createdAt']]);
    assert.deepEqual(table(db, 'positions').indexes.map((i) => i.columns), [['userId']]);
  });

  it('a helper declared with a block that names its indexes first (function f(t) { const byUser = index()…; return [byUser]; })', () => {
    const files = workspace({
      '/w/bot/src/db/helpers/owners.ts': `import { index, type PgColumn } from 'drizzle-orm/pg-core';

export function ownerIndexes(t: { userId: PgColumn }, table: string) {
  const byUser = index(\`\${table}_user_id_idx\`).on(t.userId);
  return [byUser];
}

export function byStrategy(strategyId: PgColumn) {
  const idx = index().on(strategyId);
  return idx;
}
`,
    });
    const reader = memoryReader(files);
    const units = drizzleFrontEnd.discover(Object.keys(files).sort(), reader);
    const db = drizzleFrontEnd.analyze(units[0], reader, { validation: true }).databases[0];
    assert.deepEqual(table(db, 'trades').indexes.map((i) => i.columns), [['userId'], ['strategyId']]);
    assert.deepEqual(table(db, 'positions').indexes.map((i) => i.columns), [['userId']]);
  });

  it('a helper passed as the whole extra config (pgTable(…, {…}, ownerIndexes)), of the file or imported', () => {
    const files = workspace({
      '/w/bot/src/db/helpers/audit.ts': AUDIT.replace('export default function auditIndexes(t: { actorId: PgColumn; createdAt: PgColumn })', 'export default function auditIndexes({ actorId, createdAt }: { actorId: PgColumn; createdAt: PgColumn })').replace('t.actorId, t.createdAt', 'actorId, createdAt'),
      '/w/bot/src/db/schema/trades.ts': `import { pgTable, uuid, index } from 'drizzle-orm/pg-core';
import auditIndexes from '../helpers/audit';
import * as shared from '../helpers';
import { users, strategies } from './users';

const byStrategy = (table: { strategyId: unknown }) => [index('trades_strategy_id_idx').on(table.strategyId as never)];

export const trades = pgTable('trades', {
  id: uuid('id').primaryKey().defaultRandom(),
  strategyId: uuid('strategy_id').references(() => strategies.id, { onDelete: 'set null' }),
}, byStrategy);

export const auditLogs = pgTable('audit_logs', {
  id: uuid('id').primaryKey().defaultRandom(),
  actorId: uuid('actor_id').notNull().references(() => users.id, { onDelete: 'cascade' }),
}, (auditIndexes));

export const positions = pgTable('positions', {
  id: uuid('id').primaryKey().defaultRandom(),
  userId: uuid('user_id').notNull().references(() => users.id, { onDelete: 'cascade' }),
}, shared.userIndexes);
`,
      '/w/bot/src/db/helpers/owners.ts': `${HELPERS}\nexport const userIndexes = (t: { userId: PgColumn }) => [index().on(t.userId)];\n`,
    });
    const reader = memoryReader(files);
    const units = drizzleFrontEnd.discover(Object.keys(files).sort(), reader);
    const db = drizzleFrontEnd.analyze(units[0], reader, { validation: true }).databases[0];
    const trades = table(db, 'trades');
    assert.deepEqual(trades.indexes.map((i) => [i.name, i.columns]), [['trades_strategy_id_idx', ['strategyId']]]);
    // Located at the reference in the table's call: the helper may serve other tables.
    assert.equal(sliceRange(files['/w/bot/src/db/schema/trades.ts'], trades.indexes[0].loc.range), 'byStrategy');
    assert.deepEqual(table(db, 'auditLogs').indexes.map((i) => i.columns), [['actorId', 'createdAt']]);
    assert.deepEqual(table(db, 'positions').indexes.map((i) => i.columns), [['userId']]);
  });

  it('a call that is not an index helper (a missing module, a non-function) adds nothing and does not throw', () => {
    const files = workspace({
      '/w/bot/src/db/helpers/audit.ts': `import { index } from 'drizzle-orm/pg-core';\nexport default [index().on()];\n`,
      '/w/bot/src/db/helpers/index.ts': `export * from './gone';\n`,
    });
    const reader = memoryReader(files);
    const units = drizzleFrontEnd.discover(Object.keys(files).sort(), reader);
    const db = drizzleFrontEnd.analyze(units[0], reader, { validation: true }).databases[0];
    assert.deepEqual(table(db, 'trades').indexes, []);
    assert.deepEqual(table(db, 'auditLogs').indexes, []);
    assert.deepEqual(table(db, 'positions').indexes, []);
  });

  it('the review reports no unindexed foreign key, and reviews again when the helper module changes', async () => {
    await initFrontEnds(['drizzle']);
    const files = workspace();
    const root = writeFiles(Object.fromEntries(Object.entries(files).map(([f, t]) => [f.slice('/w/bot/'.length), t])));
    const helper = path.join(root, 'src/db/helpers/owners.ts').replace(/\\/g, '/');
    let helperText = HELPERS;
    const disk = diskReader();
    const reader = { read: (p: string) => (p === helper ? helperText : disk.read(p)) };
    const server = new Reviewer(root, reader);
    server.trackChanges();
    const unindexed = () =>
      server
        .review({})
        .findings.filter((f) => f.rule === 'unindexed-foreign-key')
        .map((f) => `${path.basename(f.file)}:${f.range.start.line + 1}`)
        .sort();
    assert.deepEqual(unindexed(), []);
    // The helper no longer indexes the owner: trades.user_id and positions.user_id are unindexed again.
    helperText = HELPERS.replace('index(`${table}_user_id_idx`).on(t.userId)', 'index(`${table}_id_idx`).on(t.id)').replace(
      '{ userId: PgColumn }',
      '{ id: PgColumn }',
    );
    server.noteChanged([helper]);
    assert.deepEqual(unindexed(), ['trades.ts:22', 'trades.ts:9']);
    helperText = HELPERS;
    server.noteChanged([helper]);
    assert.deepEqual(unindexed(), []);
    fs.rmSync(root, { recursive: true, force: true });
  });
});
