import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { swallowedDbError as rule } from '../../rules/queries/swallowed-db-error';
import { codeFile, fn, loc, prisma, runRule, span, analyzeProject, findingsIn, analyzeCuts } from '../helpers/code-model';

const f = fn('recordView', 1, 30);
const logsOnly = { loc: loc(6, 4, 5, 8), onlyLogs: true };
const handles = { loc: loc(6, 4, 5, 8), onlyLogs: false };

describe('swallowed-db-error', () => {
  it('valid: a write whose catch handles the error', () => {
    assert.deepEqual(runRule(rule, { codeFiles: [codeFile([prisma('video.update', { line: 4, fn: f, catch: handles })])] }), []);
  });
  it('valid: a read whose catch only logs', () => {
    assert.deepEqual(runRule(rule, { codeFiles: [codeFile([prisma('video.findUnique', { line: 4, fn: f, catch: logsOnly })])] }), []);
  });
  it('valid: a write outside try', () => {
    assert.deepEqual(runRule(rule, { codeFiles: [codeFile([prisma('video.update', { line: 4, fn: f })])] }), []);
  });
  it('invalid: the view-count update of seed 001', () => {
    const call = prisma('video.update', { line: 4, fn: f, catch: logsOnly });
    const findings = runRule(rule, { codeFiles: [codeFile([call])] });
    assert.equal(findings.length, 1);
    const [finding] = findings;
    assert.equal(
      finding!.message,
      'If `prisma.video.update` fails, the catch only logs it and the code carries on as if the write succeeded: the caller and the user are told it worked while the data was never saved. Rethrow, return an error, or handle the failure.',
    );
    assert.equal(span(finding!.loc), '4:10-4:50');
    assert.equal(finding!.related?.[0]?.loc, logsOnly.loc);
    assert.equal(finding!.fixes, undefined);
  });
  it('invalid: each write in the try is reported', () => {
    const calls = [prisma('video.update', { line: 3, fn: f, catch: logsOnly }), prisma('videoView.create', { line: 4, fn: f, catch: logsOnly })];
    assert.deepEqual(runRule(rule, { codeFiles: [codeFile(calls)] }).map((x) => x.loc.range.start.line), [3, 4]);
  });

  describe('on real code (code front-end)', () => {
    it('learning platform: the view count update', () => {
      const project = analyzeProject('learning');
      assert.deepEqual(findingsIn(rule, project).map((f) => f.where), [`app/videos/page.ts:${project.lineOf('app/videos/page.ts', 'prisma.video.update') + 1}`]);
    });
  });

  it('never throws on half-typed code (app/videos/page.ts cut short)', () => {
    for (const project of analyzeCuts('learning', 'app/videos/page.ts')) assert.doesNotThrow(() => runRule(rule, project));
  });
});
