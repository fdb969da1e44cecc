/**
 * What CI reads: SARIF fingerprints that survive edits above a finding, Markdown that shows user names as written,
 * one finding per problem whatever paths are given, and a clear exit when the report cannot be written.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { withoutOverlaps } from '../../server/src/cli';
import { cli } from '../helpers/cli';
import { copyFixture, writeFiles } from '../helpers/workspace';

describe('reports', () => {
  it('SARIF fingerprints stay when lines are added above the findings, those citing a line number included', async () => {
    const dir = copyFixture('examples/learning-platform');
    const fingerprints = async () => {
      const sarif = JSON.parse((await cli(['audit', '.', '--format', 'sarif', '--no-prisma-validation'], dir)).stdout);
      return (sarif.runs[0].results as { ruleId: string; message: { text: string }; partialFingerprints: Record<string, string> }[]).map((r) => ({ rule: r.ruleId, line: /\blines? \d/.test(r.message.text), fp: r.partialFingerprints['schemaReview/v1'] }));
    };
    const before = await fingerprints();
    assert.ok(before.some((r) => r.line), 'some message cites a line number');
    for (const rel of ['app/api/signals/performance/route.ts', 'prisma/schema.prisma']) {
      const file = path.join(dir, rel);
      fs.writeFileSync(file, `// a header line\n// another\n${fs.readFileSync(file, 'utf8')}`);
    }
    const after = await fingerprints();
    assert.deepEqual(after.map((r) => r.fp).sort(), before.map((r) => r.fp).sort());
  });

  it('Markdown shows names with Markdown characters as written', async () => {
    const dir = writeFiles({ 'db/structure.sql': 'CREATE TABLE "a|b*c_backup" (id integer PRIMARY KEY, price double precision);\n' });
    const md = (await cli(['audit', '.', '--format', 'markdown'], dir)).stdout;
    assert.match(md, /a\\\|b\\\*c\\_backup/);
    assert.doesNotMatch(md, /[^\\]\*c_backup/);
  });

  it('reviews each file once when paths overlap', async () => {
    const dir = copyFixture('examples/learning-platform');
    const once = JSON.parse((await cli(['audit', '.', '--format', 'json'], dir)).stdout);
    const twice = JSON.parse((await cli(['audit', '.', 'prisma/schema.prisma', 'prisma', '--format', 'json'], dir)).stdout);
    assert.equal(twice.findings.length, once.findings.length);
    assert.deepEqual(
      withoutOverlaps([{ root: '/w' }, { root: '/w/a' }, { root: '/x', only: ['/x/s.prisma'] }, { root: '/x', only: ['/x/t.prisma'] }, { root: '/w/b', only: ['/w/b/c.sql'] }]),
      [{ root: '/w' }, { root: '/x', only: ['/x/s.prisma', '/x/t.prisma'] }],
    );
  });

  it('paths outside the working folder are reported relative to their common folder', async () => {
    const parent = writeFiles({ 'a/prisma/schema.prisma': 'datasource db {\n  provider = "postgresql"\n}\nmodel A {\n  id Int @id\n}\n', 'b/db/structure.sql': 'CREATE TABLE b (id int);\n', 'cwd/.keep': '' });
    const report = JSON.parse((await cli(['audit', '../a', '../b', '--format', 'json'], path.join(parent, 'cwd'))).stdout);
    assert.equal(report.root, parent);
    assert.ok(report.findings.every((f: { file: string }) => !f.file.startsWith('..')), JSON.stringify(report.findings.map((f: { file: string }) => f.file)));
    assert.ok(report.findings.some((f: { file: string }) => f.file === 'b/db/structure.sql'));
  });

  it('exits 2 with a message when the report cannot be written', async () => {
    const dir = copyFixture('examples/learning-platform');
    const res = await cli(['audit', '.', '--format', 'json', '--output', path.join(dir, 'no-such-folder', 'x.json')], dir);
    assert.equal(res.code, 2);
    assert.match(res.stderr, /cannot write the report to/);
  });
});
