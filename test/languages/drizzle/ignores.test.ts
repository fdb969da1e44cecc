/**
 * Ignore comments in Drizzle schemas as prettier lays them out: a comment above a column whose chain spans several
 * lines applies to the whole column (its `.references(...)` included), not to its first line alone.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { cli } from '../../helpers/cli';
import { fixture } from './helpers';

interface Finding {
  rule: string;
  range: { start: { line: number } };
}

describe('drizzle ignore comments', () => {
  it('above a multi-line column, in the middle of its chain, and trailing: each suppresses its column only', async () => {
    const report = JSON.parse((await cli(['audit', '.', '--format', 'json'], fixture('ignore-comments'))).stdout) as {
      findings: Finding[];
      problems: { code: string; range: { start: { line: number } } }[];
    };
    const findings = [
      ...report.findings.map((f) => `${f.range.start.line} ${f.rule}`),
      ...report.problems.map((p) => `${p.range.start.line} ${p.code}`),
    ].sort();
    assert.deepEqual(findings, [
      // drafts.postId: no comment
      '28 missing-on-delete',
      // the comment above `index()\n.on(t.title)` covers that entry only, not drafts.authorId's foreign key
      '35 unused-ignore',
    ]);
  });
});
