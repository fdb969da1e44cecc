/**
 * A module that declares only enums (`src/db/enums.ts`), imported by the schema the drizzle config names but not
 * named itself. The schema's enum columns are enum columns: the module joins the config's unit as the modules of
 * wrappers do (`hints.helperModules`), and makes no unit of its own. drizzle-kit creates only the enums a schema file
 * exports (drizzle-orm#3776): those of a module the schema only imports from are not the schema's enums.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { drizzleFrontEnd } from '../../../server/src/languages/drizzle';
import { memoryReader, table } from './helpers';

const FILES: Record<string, string> = {
  '/w/package.json': '{ "name": "w", "dependencies": { "drizzle-orm": "^0.44.0" } }',
  '/w/drizzle.config.ts': 'export default { schema: "./src/db/schema.ts", out: "./drizzle", dialect: "postgresql" };\n',
  '/w/src/db/enums.ts': `import { pgEnum } from "drizzle-orm/pg-core";

export const orderStatus = pgEnum("order_status", ["pending", "paid", "shipped", "cancelled"]);
export const currency = pgEnum("currency", ["eur", "usd"]);
`,
  '/w/src/db/schema.ts': `import { integer, pgTable, serial, text } from "drizzle-orm/pg-core";
import { currency, orderStatus } from "./enums";

export const orders = pgTable("orders", {
  id: serial("id").primaryKey(),
  status: orderStatus("status").notNull().default("pending"),
  currency: currency().notNull(),
  note: text("note"),
  total: integer("total").notNull(),
});
`,
};

function discoverAndAnalyze(files: Record<string, string>) {
  const reader = memoryReader(files);
  const units = drizzleFrontEnd.discover(Object.keys(files).sort(), reader);
  const databases = units.flatMap((u) => drizzleFrontEnd.analyze(u, reader, { validation: true }).databases);
  return { units, databases };
}

describe('drizzle: a module of enums the config does not name', () => {
  it('joins the config\'s unit as a helper module, and makes no unit of its own', () => {
    const { units } = discoverAndAnalyze(FILES);
    assert.deepEqual(
      units.map((u) => [u.id, u.files, u.hints?.helperModules]),
      [['drizzle:/w/drizzle.config.ts', ['/w/src/db/schema.ts', '/w/src/db/enums.ts'], ['/w/src/db/enums.ts']]],
    );
  });

  it('the schema\'s columns built with its enums are enum columns', () => {
    const { databases } = discoverAndAnalyze(FILES);
    assert.equal(databases.length, 1);
    const orders = table(databases[0], 'orders');
    assert.deepEqual(orders.columns.map((c) => [c.name, c.type]), [
      ['id', 'int'],
      ['status', 'enum'],
      ['currency', 'enum'],
      ['note', 'string'],
      ['total', 'int'],
    ]);
    // Only exported from a module the schema imports from: drizzle-kit does not create them with the schema.
    assert.deepEqual(databases[0].enums, []);
  });
});
