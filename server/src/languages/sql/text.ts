/** Offsets → LSP positions. libpg-query reports UTF-8 byte offsets; LSP wants UTF-16 lines/characters. */
import type { Loc, Position, Range } from '../../../../rules/model';
import { lineOfOffset, lineStarts } from '../lines';

export class SourceText {
  readonly ascii: boolean;
  private lineStarts: number[] | undefined;
  /** The line of the last `lineOf` answer. */
  private lastLine = 0;
  // Byte → UTF-16 cursor (queries come mostly in increasing order).
  private cursorByte = 0;
  private cursorChar = 0;

  constructor(
    readonly file: string,
    readonly text: string,
  ) {
    this.ascii = isAscii(text);
  }

  /** UTF-16 offset of a UTF-8 byte offset into the whole text. */
  charAt(byte: number): number {
    if (this.ascii) return Math.min(byte, this.text.length);
    if (byte < this.cursorByte) {
      this.cursorByte = 0;
      this.cursorChar = 0;
    }
    const text = this.text;
    let b = this.cursorByte;
    let c = this.cursorChar;
    while (b < byte && c < text.length) {
      const code = text.charCodeAt(c);
      if (code < 0x80) {
        b += 1;
        c += 1;
      } else if (code < 0x800) {
        b += 2;
        c += 1;
      } else if (code >= 0xd800 && code <= 0xdbff && c + 1 < text.length) {
        b += 4;
        c += 2;
      } else {
        b += 3;
        c += 1;
      }
    }
    this.cursorByte = b;
    this.cursorChar = c;
    return c;
  }

  /** UTF-8 byte offset of a UTF-16 offset. */
  byteAt(char: number): number {
    if (this.ascii) return char;
    // Reuse the cursor when possible.
    if (char >= this.cursorChar) return this.cursorByte + Buffer.byteLength(this.text.slice(this.cursorChar, char));
    return Buffer.byteLength(this.text.slice(0, char));
  }

  position(offset: number): Position {
    const line = this.lineOf(offset);
    return { line, character: offset - this.starts()[line] };
  }

  offset(p: Position): number {
    const starts = this.starts();
    if (p.line >= starts.length) return this.text.length;
    return Math.min(this.text.length, starts[Math.max(0, p.line)] + p.character);
  }

  range(start: number, end: number): Range {
    const e = Math.max(start, end);
    const a = this.lineOf(start);
    const b = this.lineOf(e);
    const starts = this.starts();
    return { start: { line: a, character: start - starts[a] }, end: { line: b, character: e - starts[b] } };
  }

  /** One nested literal for the loc, its range and positions: V8 allocates (and pretenures) them together; a dump's model holds ~50k. */
  loc(start: number, end: number): Loc {
    const e = Math.max(start, end);
    const a = this.lineOf(start);
    const b = this.lineOf(e);
    const starts = this.starts();
    return { file: this.file, range: { start: { line: a, character: start - starts[a] }, end: { line: b, character: e - starts[b] } } };
  }

  /** The 0-based line of an offset. Replay and fixes ask mostly in text order: the last answer is tried first. */
  private lineOf(offset: number): number {
    return (this.lastLine = lineOfOffset(this.starts(), offset, this.lastLine));
  }

  private starts(): number[] {
    return (this.lineStarts ??= lineStarts(this.text));
  }
}

/**
 * The latest SourceText of each file, keyed by path and checked against the exact text (a reader returns
 * the same string instance while a file is unchanged, so the check is one `===` in the common case).
 * Analysis and the fix writers share it, so a 2 MB dump's line table is built once per text, not per fix.
 * Bounded: one entry per path, the oldest paths dropped past MAX_CACHED.
 */
const cache = new Map<string, SourceText>();
const MAX_CACHED = 512;

export function sourceTextFor(file: string, text: string): SourceText {
  const hit = cache.get(file);
  if (hit && hit.text === text) return hit;
  const src = new SourceText(file, text);
  if (hit) cache.delete(file);
  else if (cache.size >= MAX_CACHED) cache.delete(cache.keys().next().value as string);
  cache.set(file, src);
  return src;
}

/** Only ASCII: every other code unit takes 2 or more UTF-8 bytes (a lone surrogate 3), so the native count tells. */
function isAscii(text: string): boolean {
  return Buffer.byteLength(text, 'utf8') === text.length;
}
