/**
 * A partial index whose predicate only says the foreign key is set (`WHERE project_id IS NOT NULL`) covers the
 * key: Postgres' check on a delete of the referenced row looks for `project_id = $1`, which implies the predicate.
 * Met auditing a real Supabase project (an audit log with a nullable project_id); reduced to our own reproduction.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { PGlite } from '@electric-sql/pglite';
import type { Database } from '../../../rules/model';
import { unindexedForeignKey } from '../../../rules/indexes/unindexed-foreign-key';
import { runRule } from '../../helpers/run-rule';
import { ready, analyzeSqlFiles } from './helpers';

before(ready);

const analyzeFiles = analyzeSqlFiles;

const INIT = `create table projects (id uuid primary key, name text not null);
create table audit_logs (
  id bigint generated always as identity primary key,
  project_id uuid references projects (id) on delete cascade,
  owner_id uuid references projects (id) on delete set null,
  team_id uuid references projects (id) on delete set null,
  action text not null
);
create index audit_logs_project_idx on audit_logs (project_id) where project_id is not null;
create index audit_logs_owner_idx on audit_logs (owner_id) where owner_id is not null and action <> 'noise';
create index audit_logs_team_idx on audit_logs (team_id) where action is not null;
`;

describe('a partial index on a foreign key that only requires it to be set', () => {
  it('covers the key; one whose predicate says more, or about another column, does not', () => {
    const db = analyzeFiles({ 'supabase/migrations/20240101000000_init.sql': INIT });
    const reported = runRule(unindexedForeignKey, [db]).map((f) => f.message.split(' has no index')[0]);
    assert.deepEqual(reported.sort(), ['Foreign key audit_logs (owner_id)', 'Foreign key audit_logs (team_id)']);
  });

  describe('Postgres agrees: the check a delete runs uses the partial index', () => {
    let pg: PGlite;
    before(async () => {
      pg = await PGlite.create();
      await pg.exec(INIT);
      await pg.exec(`insert into projects select gen_random_uuid(), 'p' from generate_series(1, 50);
        insert into audit_logs (project_id, owner_id, team_id, action)
          select null, null, null, 'noise' from generate_series(1, 20000);
        analyze;`);
    });
    after(() => pg.close());

    it('an index scan on audit_logs_project_idx for project_id = $1, as the foreign key check asks', async () => {
      // The query Postgres' RI trigger runs for ON DELETE (ri_triggers.c: SELECT 1 FROM ONLY <fk table> x WHERE
      // <fk column> = $1 FOR KEY SHARE OF x), prepared the way the trigger plans it: a generic plan.
      await pg.exec(`set plan_cache_mode = force_generic_plan;
        prepare ri(uuid) as select 1 from only audit_logs x where project_id = $1 for key share of x;`);
      const plan = (await pg.query<{ 'QUERY PLAN': string }>('explain execute ri(gen_random_uuid())')).rows.map((r) => r['QUERY PLAN']).join('\n');
      assert.match(plan, /Index (Only )?Scan using audit_logs_project_idx/, plan);
    });

    it('no plan for owner_id or team_id can use their partial indexes, even with sequential scans priced out', async () => {
      for (const column of ['owner_id', 'team_id']) {
        await pg.exec(`set enable_seqscan = off;
          prepare probe(uuid) as select 1 from only audit_logs x where ${column} = $1 for key share of x;`);
        const plan = (await pg.query<{ 'QUERY PLAN': string }>('explain execute probe(gen_random_uuid())')).rows.map((r) => r['QUERY PLAN']).join('\n');
        await pg.exec('deallocate probe; reset enable_seqscan;');
        assert.doesNotMatch(plan, /audit_logs_(owner|team)_idx/, plan);
      }
    });
  });
});
