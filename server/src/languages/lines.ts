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

/**
 * The offsets where a source file's LSP lines start: lines end at `\n`, `\r\n` and `\r` only. TypeScript's own table
 * (`sf.getLineStarts()`, `getLineAndCharacterOfPosition`) also ends lines at U+2028 and U+2029, which editors do
 * not: a U+2028 in a string would move every later position down a line. Cached per source file. Without `\r`
 * only `\n` breaks lines, found with native `indexOf` (TypeScript's `computeLineStarts` reads every character).
 * When the file has no U+2028/U+2029 the table equals TypeScript's and is shared with it (`lineMap`, an internal
 * but long-stable field of SourceFile).
 */
export function sourceLineStarts(sf: { readonly text: string }): readonly number[] {
  let starts = lspLineStartsBySource.get(sf);
  if (starts) return starts;
  const held = sf as { lineMap?: readonly number[] };
  const text = sf.text;
  const same = !text.includes('\u2028') && !text.includes('\u2029');
  starts = same && held.lineMap ? held.lineMap : lspLineStarts(text);
  if (same && !held.lineMap) held.lineMap = starts;
  lspLineStartsBySource.set(sf, starts);
  return starts;
}

const lspLineStartsBySource = new WeakMap<object, readonly number[]>();

/** The LSP line starts of a text (see sourceLineStarts). */
export function lspLineStarts(text: string): number[] {
  if (!text.includes('\r')) return lineStarts(text);
  const starts = [0];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 13) {
      if (text.charCodeAt(i + 1) === 10) i++;
      starts.push(i + 1);
    } else if (c === 10) starts.push(i + 1);
  }
  return starts;
}

/**
 * Lines that end in a bare `\r` (classic Mac OS line ends, or a file mixing them in). LSP and editors end a line
 * there, as Prisma's and Postgres' own parsers do; the front-ends' tokenizers end lines at `\n` only.
 */
export function hasBareCr(text: string): boolean {
  for (let at = text.indexOf('\r'); at >= 0; at = text.indexOf('\r', at + 1)) if (text.charCodeAt(at + 1) !== 10) return true;
  return false;
}

/**
 * The text the front-ends read: every bare `\r` becomes `\n`. One character for one, so every offset, and every
 * LSP position (which counts a bare `\r` as a line end), is the same in both texts: findings and fix edits made on
 * this text apply to the original.
 */
export function withLfForBareCr(text: string): string {
  return hasBareCr(text) ? text.replace(/\r(?!\n)/g, '\n') : text;
}

/** Whether every line of `text` ends in a bare `\r` (a classic Mac OS file): a fix's new lines must end so too. */
export function endsLinesWithCr(text: string): boolean {
  return !text.includes('\n') && text.includes('\r');
}

/** A fix's new text for a file whose lines end in bare `\r` (see endsLinesWithCr). */
export function crLineEnds(newText: string): string {
  return newText.replace(/\r?\n/g, '\r');
}
