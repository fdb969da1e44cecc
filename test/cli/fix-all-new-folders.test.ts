/**
 * A fix that creates a file in a new folder (a Prisma migration: `<ts>_<name>/migration.sql`) stands or falls whole: a
 * file put back leaves no empty folder behind (repro-5: an empty migration folder, which `prisma migrate` refuses).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fixAll } from '../../server/src/cli';
import { DiskReader } from '../../server/src/project/files';
import { writeFiles } from '../helpers/workspace';

type Result = Parameters<typeof fixAll>[4];
const r = (l1: number, c1: number, l2: number, c2: number) => ({ start: { line: l1, character: c1 }, end: { line: l2, character: c2 } });

describe('the fix loop and new folders', () => {
  it('removes the folders it made for a new file it had to put back', async () => {
    const dir = writeFiles({ 'prisma/migrations/20240101000000_init/migration.sql': 'select 1;\n' });
    const created = path.join(dir, 'prisma/migrations/20240201000000_add_index/nested/migration.sql');
    // Stand-in: a finding whose fix creates a migration; the stand-in parser reports a syntax error per `(` in it.
    const review = async (): Promise<Result> => {
      const text = fs.existsSync(created) ? fs.readFileSync(created, 'utf8') : undefined;
      const findings = [
        { rule: 'unindexed-foreign-key', category: 'indexes', severity: 'warning', file: path.join(dir, 'prisma/migrations/20240101000000_init/migration.sql'), range: r(0, 0, 0, 1), message: 'm', related: [], fixes: [{ title: 'add', safety: 'safe', preferred: true, edits: [{ file: created, create: true, edits: [{ range: r(0, 0, 0, 0), newText: 'CREATE INDEX ( ;\n' }] }] }] },
      ];
      const diagnostics = [...(text ?? '')].filter((c) => c === '(').map(() => ({ file: created, range: r(0, 0, 0, 0), severity: 'error' as const, message: 'syntax', source: 'schema-review', code: 'sql-syntax' }));
      return { root: dir, files: [], findings, diagnostics, analysis: {} as never, durationMs: 0, cancelled: false } as unknown as Result;
    };
    let stderr = '';
    const io = { stdout: () => {}, stderr: (t: string) => (stderr += t), cwd: dir, color: false };
    await fixAll('safe', new DiskReader(), { invalidateFiles() {} }, review, await review(), io);
    assert.match(stderr, /a fix left it with errors, so it was put back as it was/);
    assert.deepEqual(fs.readdirSync(path.join(dir, 'prisma/migrations')), ['20240101000000_init'], 'no folder without its file');
  });
});
