/**
 * Suppression comments: `schema-review-ignore <rule>[, <rule>]` on the line before (or at the end of
 * the line), `schema-review-ignore-file <rule>[, …]` anywhere near the top of a file. Front-ends find
 * the comments with their own parser and hand the comment text here.
 */
import type { Loc } from '../../rules/model';
import type { Suppression } from './languages/types';

const DIRECTIVE = /^\s*(?:\/\/|--|#|\/\*)?\s*schema-review-ignore(-file)?\b\s*(.*?)\s*(?:\*\/)?\s*$/;

/**
 * Parses one comment. `trailing` is true when code precedes the comment on its line: the
 * suppression then applies to that line instead of the next one.
 */
export function parseIgnoreComment(text: string, loc: Loc, trailing = false): Suppression | undefined {
  const m = DIRECTIVE.exec(text);
  if (!m) return undefined;
  const rules = m[2]
    .split(/[\s,]+/)
    .map((r) => r.trim())
    .filter((r) => r.length > 0 && r !== '--');
  const line = loc.range.start.line;
  return {
    loc,
    scope: m[1] ? 'file' : 'next-line',
    targetLine: trailing ? line : line + 1,
    rules,
  };
}
