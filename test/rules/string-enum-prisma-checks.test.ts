/**
 * Prisma cannot declare a CHECK constraint: teams add one by hand to a migration
 * (`ALTER TABLE "Order" ADD CONSTRAINT "Order_status_check" CHECK ("status" IN (…))`). The SQL front-end replays the
 * schema's migrations folder as a database of its own, with Column.checkedValues; string-enum then does not report the
 * Prisma column either (matched by its database names, `@@map` / `@map`), since the database enforces the set.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { runCli } from '../../server/src/cli';
import { copyFixture, editedWorkspace } from '../helpers/workspace';

const FIXTURE = 'test/fixtures/prisma/check-migrations';
const CHECK_MIGRATION = 'prisma/migrations/20240215120000_order_status_check/migration.sql';

interface JsonFinding {
  rule: string;
  file: string;
  message: string;
}

/** `schema-review audit . --format json` in `root`: the string-enum findings, as `file: Table.column`. */
async function audit(root: string): Promise<string[]> {
  let out = '';
  await runCli(['audit', '.', '--format', 'json'], { stdout: (t) => void (out += t), stderr: () => undefined, cwd: root, color: false });
  const findings = (JSON.parse(out) as { findings: JsonFinding[] }).findings;
  return findings
    .filter((f) => f.rule === 'string-enum')
    .map((f) => `${f.file}: ${f.message.split(' ')[0]}`)
    .sort();
}

describe('string-enum: a Prisma column held by a CHECK of its migrations', () => {
  it('is not reported (by model and field names, or @@map / @map ones); a column without a CHECK still is', async () => {
    const root = copyFixture(FIXTURE);
    // (The migrations' copy of the schema's finding is left out: see migration-echoes.test.ts.)
    assert.deepEqual(await audit(root), ['prisma/schema.prisma: Order.priority']);
  });

  it('is reported again when the migration adding the CHECK is gone', async () => {
    const root = copyFixture(FIXTURE);
    fs.rmSync(path.join(root, path.dirname(CHECK_MIGRATION)), { recursive: true });
    assert.deepEqual(await audit(root), [
      'prisma/schema.prisma: Order.priority',
      'prisma/schema.prisma: Order.status',
      'prisma/schema.prisma: Payment.state',
    ]);
  });

  it('only for the migrations folder next to the schema (another folder of migration.sql files is another database)', async () => {
    const root = copyFixture(FIXTURE);
    fs.mkdirSync(path.join(root, 'legacy'));
    fs.renameSync(path.join(root, 'prisma/migrations'), path.join(root, 'legacy/migrations'));
    const reported = await audit(root);
    assert.ok(reported.includes('prisma/schema.prisma: Order.status') && reported.includes('prisma/schema.prisma: Payment.state'), reported.join('\n'));
  });

  it('follows an edit of the migration (the language server reuses the findings of unchanged tables)', async () => {
    const root = copyFixture(FIXTURE);
    const file = path.join(root, CHECK_MIGRATION).split(path.sep).join('/');
    const { server, edit, text } = editedWorkspace(root, file);
    const prismaStatus = async () =>
      (await server.reviewAsync({ validation: false })).findings.filter((f) => f.rule === 'string-enum' && f.file.endsWith('schema.prisma')).map((f) => f.message.split(' ')[0]);
    assert.deepEqual(await prismaStatus(), ['Order.priority']);
    edit(text().replace(/ALTER TABLE "Order" ADD CONSTRAINT[^;]*;/, ''));
    assert.deepEqual(await prismaStatus(), ['Order.status', 'Order.priority']);
  });
});
