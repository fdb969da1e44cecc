/**
 * Line lookups shared by the front-ends: the 0-based line of a UTF-16 offset in a table of line starts
 * (`starts[0] === 0`, ascending), without allocation.
 */

/** The offsets where lines start (after each `\n`), found with native `indexOf`. */
export function lineStarts(text: string): number[] {
  const starts = [0];
  for (let at = text.indexOf('\n'); at >= 0; at = text.indexOf('\n', at + 1)) starts.push(at + 1);
  return starts;
}

/**
 * The line holding `offset`. Walks over a file ask mostly in text order, about the line of the previous
 * answer or the next one: `hint` (the previous answer) and the line after it are tried before the binary
 * search.
 */
export function lineOfOffset(starts: readonly number[], offset: number, hint = 0): number {
  const n = starts.length;
  if (hint >= 0 && hint < n && starts[hint] <= offset) {
    if (hint + 1 >= n || offset < starts[hint + 1]) return hint;
    if (hint + 2 >= n || offset < starts[hint + 2]) return hint + 1;
  }
  let lo = 0;
  let hi = n - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid] <= offset) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}
