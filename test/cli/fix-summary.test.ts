/**
 * After --fix, the findings that still have a fix are those --fix could not apply (put back with errors, a name
 * clash, a fix that did not remove its finding): the summary says so instead of "fixable with --fix".
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { formatText } from '../../server/src/report/text';
import type { JsonReport } from '../../server/src/report/model';

const finding = (rule: string, safeties: string[]) => ({
  rule,
  severity: 'warning',
  file: 'prisma/schema.prisma',
  range: { start: { line: 1, column: 1 }, end: { line: 1, column: 2 } },
  message: rule,
  fixes: safeties.map((safety) => ({ title: safety, safety })),
});
const report = {
  summary: { files: 1, durationMs: 1 },
  problems: [],
  findings: [finding('a', ['safe']), finding('b', ['unsafe'])],
} as unknown as JsonReport;

describe('the summary after --fix', () => {
  it('before any fix: fixable with --fix, and with --fix=unsafe', () => {
    const text = formatText(report);
    assert.match(text, /^ {2}1 fixable with --fix$/m);
    assert.match(text, /^ {2}1 more fixable with --fix=unsafe/m);
  });
  it('after --fix: the safe fix left was not applied (see why above); --fix=unsafe may still apply the other', () => {
    const text = formatText(report, { color: false, fixed: 'safe' });
    assert.doesNotMatch(text, /fixable with --fix$/m);
    assert.match(text, /^ {2}1 with a fix --fix could not apply \(see "did not fix" above\)$/m);
    assert.match(text, /^ {2}1 more fixable with --fix=unsafe/m);
  });
  it('after --fix=unsafe: neither is counted as fixable', () => {
    const text = formatText(report, { color: false, fixed: 'unsafe' });
    assert.doesNotMatch(text, /fixable/);
    assert.match(text, /^ {2}2 with a fix --fix=unsafe could not apply \(see "did not fix" above\)$/m);
  });
});
