/**
 * Tables reached through a barrel that renames them (`export { user as people } from './auth'`): a reference through
 * the alias is a reference to the table as declared, and messages name it so.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { drizzleFrontEnd } from '../../../server/src/languages/drizzle';
import { memoryReader, table } from './helpers';

function database(files: Record<string, string>) {
  const reader = memoryReader(files);
  const [unit] = drizzleFrontEnd.discover(Object.keys(files), reader);
  return drizzleFrontEnd.analyze(unit, reader, { validation: false }).databases[0];
}

const CONFIG = `export default { dialect: 'postgresql', schema: './src/db/schema/*' };\n`;
const AUTH = `import { pgTable, text } from 'drizzle-orm/pg-core';\nexport const user = pgTable('user', { id: text('id').primaryKey() });\n`;
const billing = (from: string) =>
  `import { pgTable, text } from 'drizzle-orm/pg-core';\nimport { people } from '${from}';\nexport const invoice = pgTable('invoice', {\n  id: text('id').primaryKey(),\n  customerId: text('customer_id').notNull().references(() => people.id),\n});\n`;

describe('drizzle re-exports', () => {
  it('follows `export { a as b } from` in a barrel', () => {
    const db = database({
      '/w/drizzle.config.ts': CONFIG,
      '/w/src/db/schema/auth.ts': AUTH,
      '/w/src/db/schema/index.ts': `export { user as people } from './auth';\n`,
      '/w/src/db/schema/billing.ts': billing('.'),
    });
    assert.equal(table(db, 'invoice').foreignKeys[0].references.table, 'user');
  });

  it('follows a local `export { a as b }` of an imported table, and a chain of barrels', () => {
    const db = database({
      '/w/drizzle.config.ts': CONFIG,
      '/w/src/db/schema/auth.ts': AUTH,
      '/w/src/db/schema/people.ts': `import { user } from './auth';\nexport { user as people };\n`,
      '/w/src/db/schema/index.ts': `export { people } from './people';\n`,
      '/w/src/db/schema/billing.ts': billing('./index'),
    });
    assert.equal(table(db, 'invoice').foreignKeys[0].references.table, 'user');
  });

  it('stops on a cycle of re-exports', () => {
    const db = database({
      '/w/drizzle.config.ts': CONFIG,
      '/w/src/db/schema/a.ts': `export { people } from './b';\n`,
      '/w/src/db/schema/b.ts': `export { people } from './a';\n`,
      '/w/src/db/schema/billing.ts': billing('./a'),
    });
    assert.equal(table(db, 'invoice').foreignKeys[0].references.table, 'people', 'unresolved: the name as written');
  });
});
