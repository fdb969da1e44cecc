/**
 * Applying fixes: choosing one fix per finding for "fix all" (safe only unless unsafe fixes are allowed),
 * keeping edits that do not overlap, and applying text edits.
 */
import type { Position, Range } from '../../rules/model';
import type { Finding, ResolvedFix } from './engine';
import { lspLineStarts } from './languages/lines';
import type { FileEdit, TextEdit } from './languages/types';

/** The fix "fix all" applies for a finding: its preferred safe fix, or with `unsafe` its first fix. */
export function fixForFixAll(finding: Finding, unsafe: boolean): ResolvedFix | undefined {
  const allowed = finding.fixes.filter((f) => f.safety === 'safe' || (unsafe && f.safety === 'unsafe'));
  return allowed.find((f) => f.preferred) ?? allowed[0];
}

/**
 * One fix per finding, skipping any fix whose edits overlap an already chosen one (the next run picks
 * it up, as ESLint does) and, for new files, any second fix creating the same file. `chosen` receives the
 * fixes taken, with their findings.
 */
export function collectFixAll(
  findings: readonly Finding[],
  unsafe: boolean,
  onlyFile?: string,
  chosen?: { finding: Finding; fix: ResolvedFix }[],
): FileEdit[] {
  const byFile = new Map<string, FileEdit>();
  for (const finding of findings) {
    if (onlyFile && finding.file !== onlyFile) continue;
    const fix = fixForFixAll(finding, unsafe);
    if (!fix) continue;
    if (onlyFile && fix.edits.some((e) => e.file !== onlyFile)) continue;
    const conflicts = fix.edits.some((e) => {
      const existing = byFile.get(e.file);
      if (!existing) return false;
      if (e.create || existing.create) return true;
      return e.edits.some((a) => existing.edits.some((b) => overlaps(a.range, b.range) && !sameEdit(a, b)));
    });
    if (conflicts) continue;
    chosen?.push({ finding, fix });
    for (const e of fix.edits) {
      const existing = byFile.get(e.file);
      // An edit another fix already makes (the same import added, an import both rely on) is made once.
      if (!existing) byFile.set(e.file, { file: e.file, create: e.create, edits: [...e.edits] });
      else for (const a of e.edits) if (!existing.edits.some((b) => sameEdit(a, b))) existing.edits.push(a);
    }
  }
  return [...byFile.values()];
}

function samePosition(a: Position, b: Position): boolean {
  return a.line === b.line && a.character === b.character;
}

function sameEdit(a: TextEdit, b: TextEdit): boolean {
  return a.newText === b.newText && samePosition(a.range.start, b.range.start) && samePosition(a.range.end, b.range.end);
}

function before(a: Position, b: Position): boolean {
  return a.line < b.line || (a.line === b.line && a.character < b.character);
}

/**
 * Ranges overlap when they share any character. Two insertions at one point conflict, and so does an insertion at
 * either end of a replaced range: the insertion was written against the text next to it (`, item` after a list's
 * last item), which the other edit changes.
 */
export function overlaps(a: Range, b: Range): boolean {
  const emptyA = a.start.line === a.end.line && a.start.character === a.end.character;
  const emptyB = b.start.line === b.end.line && b.start.character === b.end.character;
  if (emptyA || emptyB) return !before(a.start, b.start) ? !before(b.end, a.start) : !before(a.end, b.start);
  return before(a.start, b.end) && before(b.start, a.end);
}

/**
 * Offset of a 0-based line/character position in `text` (clamped to the line's end, before its line break). Lines end
 * at `\n`, `\r\n` and a bare `\r`, as LSP counts them (`starts`: the text's lspLineStarts, when the caller has them).
 */
export function offsetAt(text: string, pos: Position, starts: readonly number[] = lspLineStarts(text)): number {
  if (pos.line >= starts.length) return text.length;
  const lineStart = starts[Math.max(0, pos.line)];
  let lineEnd = pos.line + 1 < starts.length ? starts[pos.line + 1] : text.length;
  if (lineEnd > lineStart && text.charCodeAt(lineEnd - 1) === 10) lineEnd--;
  if (lineEnd > lineStart && text.charCodeAt(lineEnd - 1) === 13) lineEnd--;
  return Math.min(lineStart + Math.max(0, pos.character), lineEnd);
}

/** Applies non-overlapping edits (any order) to `text`. */
export function applyTextEdits(text: string, edits: readonly TextEdit[]): string {
  const starts = lspLineStarts(text);
  const withOffsets = edits
    .map((e, index) => ({ start: offsetAt(text, e.range.start, starts), end: offsetAt(text, e.range.end, starts), newText: e.newText, index }))
    .sort((a, b) => b.start - a.start || b.end - a.end || b.index - a.index);
  let out = text;
  for (const e of withOffsets) out = out.slice(0, e.start) + e.newText + out.slice(e.end);
  return out;
}
