/**
 * The newest migration of a folder may not be deployed yet: migration-safety fixes are offered for it,
 * in place and unsafe, and never where the runner wraps the file in a transaction.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { PGlite } from '@electric-sql/pglite';
import { applyTextEdits } from '../../../server/src/fixes';
import { initFrontEnds } from '../../../server/src/languages';
import { DiskReader } from '../../../server/src/project/files';
import { Reviewer } from '../../../server/src/review';
import { writeFiles } from '../../helpers/workspace';
import * as fs from 'node:fs';
import * as path from 'node:path';

const INIT = 'create table teams (id bigint primary key);\ncreate table members (id bigint primary key, team_id bigint not null, email text);\n';

async function review(files: Record<string, string>) {
  await initFrontEnds();
  const dir = writeFiles(files);
  const result = await new Reviewer(dir, new DiskReader()).reviewAsync();
  return { dir, result };
}

describe('fixes for the newest migration of a folder', () => {
  it('adds CONCURRENTLY in place to the newest migration (unsafe, titled), and the result deploys', async () => {
    const { dir, result } = await review({
      'supabase/migrations/20240101000000_init.sql': INIT,
      'supabase/migrations/20240201000000_email.sql': 'create index members_email_idx on members (email);\n',
    });
    const finding = result.findings.find((f) => f.rule === 'index-not-concurrent');
    assert.ok(finding, JSON.stringify(result.findings.map((f) => f.rule)));
    const fix = finding.fixes[0];
    assert.equal(fix.safety, 'unsafe');
    assert.match(fix.title, /only if it has not been deployed yet/);
    const file = path.join(dir, 'supabase/migrations/20240201000000_email.sql');
    assert.deepEqual(fix.edits.map((e) => e.file), [file]);
    const fixed = applyTextEdits(fs.readFileSync(file, 'utf8'), fix.edits[0].edits);
    assert.equal(fixed, 'create index CONCURRENTLY members_email_idx on members (email);\n');
    const db = new PGlite();
    await db.exec(INIT);
    await db.exec(fixed); // outside a transaction, as the Supabase CLI runs a one-statement file
    const idx = await db.query<{ indexname: string }>("select indexname from pg_indexes where tablename = 'members' and indexname = 'members_email_idx'");
    assert.equal(idx.rows.length, 1);
    await db.close();
  });

  it('offers nothing for an older migration, nor for a newest one the runner wraps in a transaction', async () => {
    const older = await review({
      'supabase/migrations/20240101000000_init.sql': INIT,
      'supabase/migrations/20240201000000_email.sql': 'create index members_email_idx on members (email);\n',
      'supabase/migrations/20240301000000_more.sql': 'alter table members add column name text;\n',
    });
    const f1 = older.result.findings.find((f) => f.rule === 'index-not-concurrent');
    assert.ok(f1);
    assert.equal(f1.fixes.length, 0, 'an older migration has run: nothing to rewrite');
    const wrapped = await review({
      'supabase/migrations/20240101000000_init.sql': INIT,
      'supabase/migrations/20240201000000_email.sql': 'create index members_email_idx on members (email);\nalter table members add column name text;\n',
    });
    const f2 = wrapped.result.findings.find((f) => f.rule === 'index-not-concurrent');
    assert.ok(f2);
    assert.ok(!f2.fixes.some((x) => x.edits.some((e) => e.edits.some((t) => /CONCURRENTLY/.test(t.newText) && !e.create))), 'no in-place CONCURRENTLY inside a transaction');
  });
  it('a redundant index the newest migration creates: its CREATE INDEX goes (first fix), not a new migration dropping it', async () => {
    const init = `${INIT}create index members_team_email_idx on members (team_id, email);\n`;
    const newest = '-- lookups by team\ncreate index members_team_idx on members (team_id);\nalter table members add column name text;\n';
    const { dir, result } = await review({
      'supabase/migrations/20240101000000_init.sql': init,
      'supabase/migrations/20240201000000_team.sql': newest,
    });
    const finding = result.findings.find((f) => f.rule === 'duplicate-index');
    assert.ok(finding, JSON.stringify(result.findings.map((f) => f.rule)));
    assert.deepEqual(
      finding.fixes.map((f) => f.title),
      ['Remove its CREATE INDEX from this migration (only if it has not been deployed yet)', 'Drop index members_team_idx'],
    );
    const file = path.join(dir, 'supabase/migrations/20240201000000_team.sql');
    const [inPlace, later] = finding.fixes;
    assert.deepEqual(inPlace.edits.map((e) => e.file), [file]);
    const fixed = applyTextEdits(newest, inPlace.edits[0].edits);
    assert.equal(fixed, '-- lookups by team\nalter table members add column name text;\n');
    assert.ok(later.edits.every((e) => e.create), 'the other fix writes a new migration (the newest one was deployed)');
    const db = new PGlite();
    await db.exec(init);
    await db.exec(fixed);
    const idx = await db.query<{ indexname: string }>("select indexname from pg_indexes where tablename = 'members' and indexname like 'members_team%'");
    assert.deepEqual(idx.rows.map((r) => r.indexname), ['members_team_email_idx']);
    await db.close();
    // An older migration has run: only the new migration.
    const older = await review({
      'supabase/migrations/20240101000000_init.sql': init,
      'supabase/migrations/20240201000000_team.sql': newest,
      'supabase/migrations/20240301000000_more.sql': 'alter table members add column bio text;\n',
    });
    const f2 = older.result.findings.find((f) => f.rule === 'duplicate-index');
    assert.deepEqual(f2?.fixes.map((f) => f.title), ['Drop index members_team_idx']);
  });
});
