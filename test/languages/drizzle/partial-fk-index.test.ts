/**
 * A Drizzle partial index whose `.where(…)` only requires the foreign key to be set (`isNotNull(t.projectId)`, an
 * `and(…)` of such tests, or sql`${t.projectId} is not null`) covers the key, as the SQL front-end's `WHERE project_id
 * IS NOT NULL` does (test/languages/sql/partial-fk-index.test.ts shows PGlite's planner using such an index for the
 * foreign key check). Any other predicate leaves the index partial, and the key reported.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { before, describe, it } from 'node:test';
import { getTableConfig } from 'drizzle-orm/pg-core';
import type { Database } from '../../../rules/model';
import { unindexedForeignKey } from '../../../rules/indexes/unindexed-foreign-key';
import { drizzleFrontEnd } from '../../../server/src/languages/drizzle';
import { loadSqlParser } from '../../../server/src/languages/sql';
import type { Unit } from '../../../server/src/languages/types';
import { runRule } from '../../helpers/run-rule';
import { fixture, memoryReader, table } from './helpers';

const SCHEMA = fixture('partial-fk-index/src/db/schema.ts');

function analyze(): Database {
  const reader = memoryReader({ [SCHEMA]: readFileSync(SCHEMA, 'utf8') });
  const units = drizzleFrontEnd.discover([SCHEMA], reader);
  const unit: Unit = units[0] ?? { language: 'drizzle', id: `drizzle:${SCHEMA}`, files: [SCHEMA] };
  return drizzleFrontEnd.analyze(unit, reader, { validation: true }).databases[0];
}

describe('a Drizzle partial index on a foreign key that only requires it to be set', () => {
  before(() => loadSqlParser());

  it('covers the key with isNotNull (any local name), and(isNotNull, …) or sql`${t.x} is not null`; other predicates do not', () => {
    const db = analyze();
    const reported = runRule(unindexedForeignKey, [db]).map((f) => f.message.split(' has no index')[0]);
    assert.deepEqual(reported.sort(), [
      'Foreign key auditLogs (deletedById)',
      'Foreign key auditLogs (scopeId)',
      'Foreign key auditLogs (statusId)',
    ]);
  });

  it('records the columns the predicate requires as model column keys, and only for those forms', () => {
    const byName = new Map(table(analyze(), 'auditLogs').indexes.map((i) => [i.name, i]));
    assert.deepEqual(byName.get('audit_logs_project_idx')?.whereNotNull, ['projectId']);
    assert.deepEqual(byName.get('audit_logs_team_org_idx')?.whereNotNull, ['teamId', 'orgId']);
    assert.deepEqual(byName.get('audit_logs_reviewer_scope_idx')?.whereNotNull, ['reviewerId', 'scopeId']);
    assert.deepEqual(byName.get('audit_logs_reviewer_idx')?.whereNotNull, ['reviewerId']);
    for (const name of ['audit_logs_status_idx', 'audit_logs_scope_idx', 'audit_logs_deleted_by_idx']) {
      assert.equal(byName.get(name)?.partial, true, name);
      assert.equal(byName.get(name)?.whereNotNull, undefined, name);
    }
  });

  it('reads isNotNull only as drizzle-orm\'s: a function of the file by that name says nothing the planner knows', () => {
    const file = '/app/src/db/schema.ts';
    const text = `import { index, integer, pgTable, serial } from "drizzle-orm/pg-core";
import { sql } from "drizzle-orm";
const isNotNull = (c: unknown) => sql\`\${c} > 0\`;
export const projects = pgTable("projects", { id: serial("id").primaryKey() });
export const logs = pgTable("logs", {
  id: serial("id").primaryKey(),
  projectId: integer("project_id").references(() => projects.id),
}, (t) => [index("logs_project_idx").on(t.projectId).where(isNotNull(t.projectId))]);
`;
    const reader = memoryReader({ [file]: text });
    const unit = drizzleFrontEnd.discover([file], reader)[0];
    const db = drizzleFrontEnd.analyze(unit, reader, { validation: true }).databases[0];
    assert.equal(table(db, 'logs').indexes[0].partial, true);
    assert.equal(table(db, 'logs').indexes[0].whereNotNull, undefined);
    assert.equal(runRule(unindexedForeignKey, [db]).length, 1);
  });

  it('every one of them is partial, as drizzle-orm reads the table', async () => {
    const schema = await import(SCHEMA);
    const config = getTableConfig(schema.auditLogs);
    const partial = config.indexes.filter((i) => i.config.where !== undefined).map((i) => i.config.name).sort();
    const model = table(analyze(), 'auditLogs').indexes.filter((i) => i.partial).map((i) => i.name).sort();
    assert.equal(partial.length, 7);
    assert.deepEqual(model, partial);
  });
});
