/**
 * relations() one() written from the referenced side (`one(employees, { fields: [users.id], references:
 * [employees.userId] })`, a one-to-one seen from users): the link is employees.userId → users.id. A foreign key can
 * only reference a key, so no constraint could go from users.id: the front-end records no link from there, and no
 * rule says that one is missing.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { rules } from '../../../rules';
import { runRules } from '../../../server/src/engine';
import { drizzleFrontEnd } from '../../../server/src/languages/drizzle';
import { memoryReader, table } from './helpers';

const SCHEMA = `import { relations } from "drizzle-orm";
import { pgTable, text, index } from "drizzle-orm/pg-core";

export const users = pgTable("users", { id: text("id").primaryKey(), email: text("email").notNull().unique() });

export const employees = pgTable("employees", {
  id: text("id").primaryKey(),
  userId: text("user_id").references(() => users.id, { onDelete: "set null" }),
}, (t) => [index().on(t.userId)]);

export const badges = pgTable("badges", { id: text("id").primaryKey(), ownerEmail: text("owner_email") });

export const usersRelations = relations(users, ({ one, many }) => ({
  employee: one(employees, { fields: [users.id], references: [employees.userId] }),
  badges: many(badges),
}));

export const badgesRelations = relations(badges, ({ one }) => ({
  owner: one(users, { fields: [badges.ownerEmail], references: [users.email] }),
}));
`;

const FILES: Record<string, string> = {
  '/w/package.json': '{ "name": "w", "dependencies": { "drizzle-orm": "^0.44.0" } }',
  '/w/drizzle.config.ts': 'export default { schema: "./src/db/schema.ts", dialect: "postgresql" };\n',
  '/w/src/db/schema.ts': SCHEMA,
};

describe('drizzle: one() relations written from the referenced side', () => {
  it('records no link from a key to a column that is not one; a link to a unique column stays', () => {
    const reader = memoryReader(FILES);
    const units = drizzleFrontEnd.discover(Object.keys(FILES).sort(), reader);
    const analysis = drizzleFrontEnd.analyze(units[0], reader, { validation: true });
    const db = analysis.databases[0];
    assert.deepEqual(table(db, 'users').foreignKeys, []);
    // badges.ownerEmail → users.email (unique): a constraint could say so, and none does.
    assert.deepEqual(
      table(db, 'badges').foreignKeys.map((f) => [f.columns, f.references.table, f.references.columns, f.enforced]),
      [[['ownerEmail'], 'users', ['email'], false]],
    );
    const { findings } = runRules(
      { databases: [db], codeFiles: [], suppressions: analysis.suppressions },
      { rules, writeFix: (intent) => drizzleFrontEnd.writeFix(intent, reader) },
    );
    assert.deepEqual(
      findings.filter((f) => f.rule === 'missing-on-delete').map((f) => f.message.split(' (')[0]),
      ['No foreign key constraint exists for badges.ownerEmail'],
    );
  });
});
