/**
 * Suppression comments: `schema-review-ignore <rule>[, <rule>] [-- why]` on the line before (or at the end of
 * the line), `schema-review-ignore-file <rule>[, …] [-- why]` anywhere near the top of a file. Front-ends find
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
  // `-- why` after the rules is a description, as in ESLint's directive comments (`… float-for-money -- cents`).
  const cut = m[2].search(/(^|\s)--(\s|$)/);
  const rules = (cut >= 0 ? m[2].slice(0, cut) : m[2])
    .split(/[\s,]+/)
    .map((r) => r.trim())
    .filter((r) => r.length > 0);
  const line = loc.range.start.line;
  return {
    loc,
    scope: m[1] ? 'file' : 'next-line',
    targetLine: trailing ? line : line + 1,
    rules,
  };
}
