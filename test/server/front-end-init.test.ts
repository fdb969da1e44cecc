/**
 * A review loads the asynchronous parts of only the front-ends its workspace needs: a Prisma project never loads the
 * Postgres parser's wasm, a workspace with migrations loads it before its SQL is analyzed. (Each test file runs in a
 * process of its own, so nothing else has loaded it here.)
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { Reviewer } from '../../server/src/review';
import { DiskReader } from '../../server/src/project/files';
import { sqlParserReady, sqlParserRequested } from '../../server/src/languages/sql';

const EXAMPLES = path.resolve(__dirname, '..', '..', 'examples');

test('a Prisma project is reviewed without loading the Postgres parser', async () => {
  const result = await new Reviewer(path.join(EXAMPLES, 'learning-platform'), new DiskReader()).reviewAsync({ validation: false });
  assert.ok(result.findings.some((f) => f.rule === 'missing-on-delete'), 'the Prisma review ran');
  assert.equal(sqlParserRequested(), false, 'not even started loading');
  assert.equal(sqlParserReady(), false);
});

test('a workspace with Postgres migrations loads the parser before analyzing them', async () => {
  const result = await new Reviewer(path.join(EXAMPLES, 'supabase-app'), new DiskReader()).reviewAsync({ validation: false });
  assert.equal(sqlParserReady(), true);
  assert.ok(result.findings.some((f) => f.rule === 'index-not-concurrent'), 'the SQL review ran');
  assert.deepEqual(result.diagnostics.filter((d) => /still loading/.test(d.message)), []);
});
