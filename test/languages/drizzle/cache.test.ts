/**
 * The writer reuses the syntax tree and per-file facts (imports, indentation) analysis built for the same
 * text; after an edit of the same path it must see the new text, never the cached one.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Database } from '../../../rules/model';
import { drizzleFrontEnd } from '../../../server/src/languages/drizzle';
import type { Unit } from '../../../server/src/languages/types';
import { applyTextEdits, memoryReader, table } from './helpers';

const FILE = '/w/cache/schema.ts';

function addIndex(text: string): string {
  const reader = memoryReader({ [FILE]: text });
  const units = drizzleFrontEnd.discover([FILE], reader);
  const unit: Unit = units[0] ?? { language: 'drizzle', id: 'drizzle:/w/cache', files: [FILE] };
  const db: Database = drizzleFrontEnd.analyze(unit, reader, { validation: false }).databases[0];
  const edits = drizzleFrontEnd.writeFix({ kind: 'addIndex', database: db, table: table(db, 'trades'), columns: ['userId'] }, reader);
  assert.ok(edits && edits.length === 1 && edits[0].file === FILE);
  return applyTextEdits(text, edits[0].edits);
}

const twoSpaces = `import { pgTable, varchar } from "drizzle-orm/pg-core";
export const users = pgTable("users", { id: varchar("id").primaryKey() });
export const trades = pgTable("trades", {
  userId: varchar("user_id").references(() => users.id),
});
`;

test('writers follow the current text of a path: imports, indentation, positions', () => {
  const first = addIndex(twoSpaces);
  assert.ok(first.includes('import { pgTable, varchar, index } from "drizzle-orm/pg-core";'), first);
  assert.ok(first.includes('}, (table) => [\n  index("trades_user_id_idx").on(table.userId),\n]);'), first);

  // Same path, tabs, `index` already imported and a line more on top: no second import, tab indent, new offsets.
  const tabs = `// trades\n${twoSpaces.replace('pgTable, varchar }', 'pgTable, varchar, index }').replace('\n  userId', '\n\tuserId')}`;
  const second = addIndex(tabs);
  assert.equal((second.match(/index \}/g) ?? []).length, 1, second);
  assert.ok(second.includes('}, (table) => [\n\tindex("trades_user_id_idx").on(table.userId),\n]);'), second);

  // Back to an equal text built anew: the same result as the first time.
  assert.equal(addIndex(twoSpaces.split('').join('')), first);
});
