/**
 * Ignore comments in TSX: among a JSX element's children the comment is `{/* … *\/}` (a `//` line there is text the
 * page renders, not a comment).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { analyzeText } from './helpers';

const page = (child: string) =>
  [
    "import { db } from './db';",
    "import { orders } from './schema';",
    'export default async function Page() {',
    '  return (',
    '    <ul>',
    child,
    '      {(await db.select().from(orders)).map((o) => <li key={o.id}>{o.total}</li>)}',
    '    </ul>',
    '  );',
    '}',
  ].join('\n');

describe('code front-end: ignore comments in JSX', () => {
  it('reads {/* schema-review-ignore rule */} on its own line among the children as an ignore of the next line', () => {
    const { analysis } = analyzeText(page('      {/* schema-review-ignore unbounded-query */}'), '/virtual/app/page.tsx');
    assert.deepEqual(
      analysis.suppressions.map((s) => [s.scope, s.targetLine, s.rules]),
      [['next-line', 6, ['unbounded-query']]],
    );
  });

  it('reads one after a child on the same line as an ignore of that line', () => {
    const { analysis } = analyzeText(page('      <li>first</li> {/* schema-review-ignore unbounded-query */}'), '/virtual/app/page.tsx');
    assert.deepEqual(analysis.suppressions.map((s) => [s.scope, s.targetLine]), [['next-line', 5]]);
  });

  it('does not take a // line in JSX text for a comment: the page renders it', () => {
    const { analysis } = analyzeText(page('      // schema-review-ignore unbounded-query'), '/virtual/app/page.tsx');
    assert.deepEqual(analysis.suppressions, []);
  });
});
