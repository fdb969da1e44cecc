/**
 * The CLI, in a fresh process, on a Drizzle schema whose only use of the Postgres parser is a partial index's
 * `.where(sql`${t.x} is not null`)`: discovery asks for the parser, so the predicate is read and the key is covered.
 * (Its own process: another test file loading the parser first would hide a missing request.)
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { cli } from '../../helpers/cli';
import { writeFiles } from '../../helpers/workspace';

describe('drizzle: a partial index written with sql`… is not null`, from the CLI', () => {
  it('covers its foreign key; the other key is still reported', async () => {
    const root = writeFiles({
      'package.json': '{ "name": "w", "dependencies": { "drizzle-orm": "^0.44.0" } }',
      'drizzle.config.ts': 'export default { schema: "./src/db/schema.ts", dialect: "postgresql" };\n',
      'src/db/schema.ts': `import { sql } from "drizzle-orm";
import { index, pgTable, uuid } from "drizzle-orm/pg-core";

export const projects = pgTable("projects", { id: uuid("id").primaryKey() });
export const logs = pgTable(
  "logs",
  {
    id: uuid("id").primaryKey(),
    projectId: uuid("project_id").references(() => projects.id, { onDelete: "cascade" }),
    ownerId: uuid("owner_id").references(() => projects.id, { onDelete: "cascade" }),
  },
  (t) => [index("logs_project_idx").on(t.projectId).where(sql\`\${t.projectId} is not null\`)],
);
`,
    });
    const { stdout } = await cli(['audit', '.', '--format', 'json'], root);
    const messages = (JSON.parse(stdout) as { findings: { rule: string; message: string }[] }).findings.filter((f) => f.rule === 'unindexed-foreign-key').map((f) => f.message);
    assert.equal(messages.length, 1);
    assert.match(messages[0], /\(ownerId\)/);
  });
});
