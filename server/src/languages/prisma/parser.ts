/**
 * A small tolerant Prisma schema parser: a tokenizer plus recursive descent over the tokens.
 *
 * It exists for exact ranges and edit points; Prisma's wasm stays the judge of validity. It parses what it
 * can of a half-typed file (unterminated blocks, missing types, stray tokens) and never throws: every loop
 * consumes at least one token, and problems are collected in `errors` instead.
 */

import { lineOfOffset, lineStarts } from '../lines';

export interface Span {
  /** UTF-16 offset of the first character. */
  start: number;
  /** UTF-16 offset after the last character. */
  end: number;
}

export type TokenKind =
  | 'ident'
  | 'string'
  | 'number'
  | 'punct'
  | 'newline'
  | 'comment'
  | 'docComment'
  | 'unknown';

export interface Token extends Span {
  kind: TokenKind;
  text: string;
}

export interface Comment extends Span {
  /** The whole comment including the slashes. */
  text: string;
  doc: boolean;
  /** Code precedes the comment on its line. */
  trailing: boolean;
}

export type Expr =
  | (Span & { kind: 'string'; value: string })
  | (Span & { kind: 'number'; value: string })
  | (Span & { kind: 'ident'; name: string })
  | (Span & { kind: 'call'; name: string; nameSpan: Span; args: ArgList })
  | (Span & { kind: 'array'; items: Expr[] })
  /** `{ userId: { not: null } }` (a partial index's `where:`, Prisma 7): one line, identifier keys. */
  | (Span & { kind: 'object'; entries: Arg[]; closed: boolean })
  | (Span & { kind: 'invalid'; text: string });

export interface Arg extends Span {
  /** Named argument (`fields: [...]`); undefined for positional ones. */
  name?: string;
  nameSpan?: Span;
  value?: Expr;
}

export interface ArgList extends Span {
  /** Span of `(` … `)` inclusive. */
  args: Arg[];
  closed: boolean;
}

export interface Attribute extends Span {
  /** `id`, `db.VarChar`, `relation`, `@@index` without the at-signs: `index`. */
  name: string;
  nameSpan: Span;
  block: boolean;
  args?: ArgList;
}

export interface FieldType extends Span {
  name: string;
  nameSpan: Span;
  optional: boolean;
  list: boolean;
  /** `Unsupported("…")` argument list, if any. */
  args?: ArgList;
}

export interface Field extends Span {
  name: string;
  nameSpan: Span;
  type?: FieldType;
  attributes: Attribute[];
  /** `///` lines just above. */
  doc?: string;
  trailingComment?: Comment;
  /** Span of the whole line the field is on (from line start to line end, excluding the newline). */
  lineSpan: Span;
}

export interface Property extends Span {
  key: string;
  keySpan: Span;
  value?: Expr;
  lineSpan: Span;
}

export interface BlockAttribute extends Attribute {
  lineSpan: Span;
  trailingComment?: Comment;
}

export type BlockKind = 'datasource' | 'generator' | 'model' | 'view' | 'enum' | 'type';

export interface Block extends Span {
  kind: BlockKind;
  keywordSpan: Span;
  name: string;
  nameSpan: Span;
  /** `{` … `}`; `closed` false when the file ends (or the next block starts) first. */
  openBrace?: Span;
  closeBrace?: Span;
  closed: boolean;
  doc?: string;
  fields: Field[];
  attributes: BlockAttribute[];
  properties: Property[];
}

export interface ParseError extends Span {
  message: string;
}

export interface PrismaAst {
  text: string;
  blocks: Block[];
  comments: Comment[];
  errors: ParseError[];
}

const PUNCT = new Set(['{', '}', '(', ')', '[', ']', ',', ':', '=', '?', '.', '!']);
const BLOCK_KEYWORDS = new Set<string>(['datasource', 'generator', 'model', 'view', 'enum', 'type']);

function isIdentStart(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
}
function isIdentPart(c: number): boolean {
  return isIdentStart(c) || (c >= 48 && c <= 57) || c === 45; // `-` appears in generator values only; harmless
}
function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

/**
 * The tokens of `text`, or of its part from `from` to `to` (offsets stay those of the whole text), one at a time:
 * the parser asks for them as it goes, so a big schema's tokens never all exist at once.
 */
export class Lexer {
  private i: number;
  // From here on, the text holds no closing `*/` (within the part lexed).
  private noCloseFrom = Infinity;
  constructor(
    private readonly text: string,
    from = 0,
    private readonly to = text.length,
  ) {
    this.i = from;
  }

  /** The next token, or undefined at the end. */
  next(): Token | undefined {
    const text = this.text;
    const n = this.to;
    while (this.i < n) {
      const i = this.i;
      const c = text.charCodeAt(i);
      const start = i;
      if (c === 10) {
        this.i++;
        return { kind: 'newline', text: '\n', start, end: i + 1 };
      }
      if (c === 32 || c === 9 || c === 13 || c === 0xfeff || c === 12 || c === 11) {
        this.i++;
        continue;
      }
      if (c === 47 && text.charCodeAt(i + 1) === 47) {
        let j = i + 2;
        while (j < n && text.charCodeAt(j) !== 10) j++;
        let end = j;
        if (end > i && text.charCodeAt(end - 1) === 13) end--;
        const doc = text.charCodeAt(i + 2) === 47;
        this.i = j;
        return { kind: doc ? 'docComment' : 'comment', text: text.slice(i, end), start, end };
      }
      if (c === 47 && text.charCodeAt(i + 1) === 42) {
        // `/* … */`, over lines, up to the first `*/` (they do not nest), as Prisma reads it. Without its `*/`, it is
        // no comment (Prisma reports its line as invalid): stray characters, like any other.
        // A search that found no `*/` after some place answers for every later `/*` too (no quadratic scans).
        const close = i + 2 >= this.noCloseFrom ? -1 : text.indexOf('*/', i + 2);
        if (close < 0 || close + 2 > n) this.noCloseFrom = Math.min(this.noCloseFrom, i + 2);
        else {
          this.i = close + 2;
          return { kind: 'comment', text: text.slice(i, close + 2), start, end: close + 2 };
        }
      }
      if (c === 34) {
        let j = i + 1;
        while (j < n) {
          const d = text.charCodeAt(j);
          if (d === 92 && j + 1 < n && text.charCodeAt(j + 1) !== 10) {
            j += 2;
            continue;
          }
          if (d === 34) {
            j++;
            break;
          }
          if (d === 10) break; // unterminated string stops at the line end
          j++;
        }
        this.i = j;
        return { kind: 'string', text: text.slice(i, j), start, end: j };
      }
      if (c === 64) {
        const j = text.charCodeAt(i + 1) === 64 ? i + 2 : i + 1;
        this.i = j;
        return { kind: 'punct', text: text.slice(i, j), start, end: j };
      }
      if (isIdentStart(c)) {
        let j = i + 1;
        while (j < n && isIdentPart(text.charCodeAt(j))) j++;
        this.i = j;
        return { kind: 'ident', text: text.slice(i, j), start, end: j };
      }
      if (isDigit(c) || (c === 45 && isDigit(text.charCodeAt(i + 1)))) {
        let j = i + 1;
        while (j < n && (isDigit(text.charCodeAt(j)) || text.charCodeAt(j) === 46)) j++;
        this.i = j;
        return { kind: 'number', text: text.slice(i, j), start, end: j };
      }
      if (PUNCT.has(text[i])) {
        this.i++;
        return { kind: 'punct', text: text[i], start, end: i + 1 };
      }
      // One code point of anything else (stray byte, emoji, control character).
      const cp = text.codePointAt(i) ?? c;
      const len = cp > 0xffff ? 2 : 1;
      this.i += len;
      return { kind: 'unknown', text: text.slice(i, i + len), start, end: i + len };
    }
    return undefined;
  }
}

/** Tokens of `text`, or of its part from `from` to `to` (offsets stay those of the whole text). */
export function tokenize(text: string, from = 0, to = text.length): Token[] {
  const lexer = new Lexer(text, from, to);
  const tokens: Token[] = [];
  for (let t = lexer.next(); t; t = lexer.next()) tokens.push(t);
  return tokens;
}

/** Parses one Prisma schema file. Never throws. */
export function parsePrisma(text: string): PrismaAst {
  return new Parser(text).parseFile();
}

/** Where two texts differ: offsets in the old text [start, oldEnd) became [start, newEnd) in the new one. */
export interface TextChange {
  start: number;
  oldEnd: number;
  newEnd: number;
}

/**
 * The smallest change that turns `before` into `after`: the common prefix and suffix, compared in native chunks of
 * 64 Ki characters, then 4 Ki, 256 and 16 (at most 15 of each after the first size), then character by character.
 */
export function textChange(before: string, after: string): TextChange {
  const max = Math.min(before.length, after.length);
  let p = 0;
  for (let chunk = 65536; chunk >= 16; chunk >>= 4) {
    while (p + chunk <= max && before.slice(p, p + chunk) === after.slice(p, p + chunk)) p += chunk;
  }
  while (p < max && before.charCodeAt(p) === after.charCodeAt(p)) p++;
  let s = 0;
  const room = max - p;
  const b = before.length;
  const a = after.length;
  for (let chunk = 65536; chunk >= 16; chunk >>= 4) {
    while (s + chunk <= room && before.slice(b - s - chunk, b - s) === after.slice(a - s - chunk, a - s)) s += chunk;
  }
  while (s < room && before.charCodeAt(b - 1 - s) === after.charCodeAt(a - 1 - s)) s++;
  return { start: p, oldEnd: b - s, newEnd: a - s };
}

/**
 * Parses `text` reusing `previous` (the parse of the text before one edit). When the change lies inside one
 * closed block, only that block is parsed again; otherwise the blocks around the change are (from the block
 * before it to the first block after it, so doc comments and unclosed blocks come out as a full parse gives
 * them). The blocks after are moved in place by the length change. `previous` must not be used afterwards.
 * Undefined when a part cannot be parsed on its own: parse the whole text.
 */
export function reparsePrisma(previous: PrismaAst, text: string, change: TextChange = textChange(previous.text, text)): PrismaAst | undefined {
  // A block comment can run over blocks, and one `*/` typed or deleted moves where it ends: parse the whole text.
  // Without a `/*` before the edit, the new text has one only where the edit made it (or joined one across its ends).
  if (holdsSlashStar(previous) || text.slice(Math.max(0, change.start - 1), change.newEnd + 1).includes('/*')) return undefined;
  const ast = reparseBlocks(previous, text, change);
  if (ast) slashStar.set(ast, false);
  return ast;
}

/** Whether an AST's text holds `/*` anywhere (in a string too), worked out once per text, not at every keystroke. */
function holdsSlashStar(ast: PrismaAst): boolean {
  let holds = slashStar.get(ast);
  if (holds === undefined) slashStar.set(ast, (holds = ast.text.includes('/*')));
  return holds;
}

const slashStar = new WeakMap<PrismaAst, boolean>();

function reparseBlocks(previous: PrismaAst, text: string, change: TextChange): PrismaAst | undefined {
  const { start, oldEnd, newEnd } = change;
  const blocks = previous.blocks;
  const delta = newEnd - oldEnd;
  // The last block that starts before the change.
  let lo = 0;
  let hi = blocks.length - 1;
  let index = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (blocks[mid].start < start) {
      index = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  const old = index >= 0 ? settle(blocks[index]) : undefined;
  if (old?.closed && old.openBrace && old.closeBrace && start >= old.openBrace.end && oldEnd <= old.closeBrace.start) {
    // Inside one block: that block alone.
    return splice(previous, text, delta, index, index + 1, old.start, old.end, true);
  }
  // Around the change: from the last block that starts before it (whose predecessor must be closed, or it
  // could swallow what follows) to the first block that starts at or after its end.
  let from = index;
  if (from > 0 && !blocks[from - 1].closed) return undefined;
  let to = index + 1;
  while (to < blocks.length && blocks[to].start < oldEnd) to++;
  const last = to < blocks.length ? blocks[to] : undefined;
  if (last && !last.closed) return undefined;
  if (from < 0) from = 0;
  const regionStart = index >= 0 ? blocks[index].start : 0;
  const regionEnd = last ? last.end : previous.text.length;
  return splice(previous, text, delta, from, last ? to + 1 : blocks.length, regionStart, regionEnd, false);
}

/**
 * Replaces old blocks [from, to), which cover the old text [regionStart, regionEnd), with a parse of that region
 * of the new text; checks the parse ends where the old region ended (moved by `delta`).
 */
function splice(
  previous: PrismaAst,
  text: string,
  delta: number,
  from: number,
  to: number,
  regionStart: number,
  regionEnd: number,
  single: boolean,
): PrismaAst | undefined {
  const blocks = previous.blocks;
  const newEnd = regionEnd + delta;
  const part = new Parser(text, regionStart, newEnd).parseFile();
  const first = part.blocks[0];
  const final = part.blocks[part.blocks.length - 1];
  if (single) {
    const old = blocks[from];
    if (part.blocks.length !== 1 || !first.closed || first.start !== old.start || first.end !== newEnd || first.name !== old.name || first.kind !== old.kind) return undefined;
    if (part.errors.some((e) => e.start < first.start || e.end > first.end)) return undefined;
  } else if (to <= blocks.length - 1 || (to === blocks.length && regionEnd !== previous.text.length)) {
    // The region ends at a closed block: the parse must end with it, closed, at the same place.
    if (!final || !final.closed || final.end !== newEnd) return undefined;
  }
  // The first block's doc comments lie before the region: unchanged, and the part's parser did not see them.
  if (from < blocks.length && first && first.start === regionStart && blocks[from].start === regionStart && regionStart > 0) first.doc = blocks[from].doc;
  const after = blocks.slice(to);
  if (delta !== 0) {
    // Blocks after the change move: their own start and end now, what is inside when someone looks (settle).
    for (const b of after) {
      b.start += delta;
      b.end += delta;
      pendingShift.set(b, (pendingShift.get(b) ?? 0) + delta);
    }
  }
  const comments: Comment[] = [];
  const later: Comment[] = [];
  for (const c of previous.comments) {
    if (c.end <= regionStart) comments.push(c);
    else if (c.start >= regionEnd) {
      c.start += delta;
      c.end += delta;
      later.push(c);
    }
  }
  for (const c of part.comments) comments.push(c);
  for (const c of later) comments.push(c);
  const errors: ParseError[] = [];
  for (const e of previous.errors) if (e.end <= regionStart) errors.push(e);
  for (const e of part.errors) errors.push(e);
  for (const e of previous.errors) {
    if (e.start >= regionEnd) {
      e.start += delta;
      e.end += delta;
      errors.push(e);
    }
  }
  // The parser keeps at most 200 errors: past that, which ones a full parse keeps depends on the whole file.
  if (errors.length >= 200) return undefined;
  return { text, blocks: [...blocks.slice(0, from), ...part.blocks, ...after], comments, errors };
}

function shiftSpan(s: Span | undefined, d: number): void {
  if (!s) return;
  s.start += d;
  s.end += d;
}

function shiftArgs(list: ArgList | undefined, d: number): void {
  if (!list) return;
  shiftSpan(list, d);
  for (const a of list.args) {
    shiftSpan(a, d);
    shiftSpan(a.nameSpan, d);
    shiftExpr(a.value, d);
  }
}

function shiftExpr(e: Expr | undefined, d: number): void {
  if (!e) return;
  shiftSpan(e, d);
  if (e.kind === 'call') {
    shiftSpan(e.nameSpan, d);
    shiftArgs(e.args, d);
  } else if (e.kind === 'array') for (const item of e.items) shiftExpr(item, d);
  else if (e.kind === 'object') {
    for (const entry of e.entries) {
      shiftSpan(entry, d);
      shiftSpan(entry.nameSpan, d);
      shiftExpr(entry.value, d);
    }
  }
}

function shiftAttribute(a: Attribute, d: number): void {
  shiftSpan(a, d);
  shiftSpan(a.nameSpan, d);
  shiftArgs(a.args, d);
}

/** How far the inside of a block still has to move (its start and end have moved already). */
const pendingShift = new WeakMap<Block, number>();

/**
 * The block with every span inside it at its place in the current text. After an incremental parse, the blocks
 * behind the change have moved only their own start and end; whoever reads the spans inside a block (its
 * fields, attributes, names, braces) gets it through here first.
 */
export function settle(block: Block): Block {
  const d = pendingShift.get(block);
  if (d !== undefined) {
    pendingShift.delete(block);
    shiftInside(block, d);
  }
  return block;
}

/** Moves what is inside a block by `d` characters (its comments move with the file's comment list, which holds them). */
function shiftInside(b: Block, d: number): void {
  if (d === 0) return;
  shiftSpan(b.keywordSpan, d);
  shiftSpan(b.nameSpan, d);
  shiftSpan(b.openBrace, d);
  shiftSpan(b.closeBrace, d);
  for (const f of b.fields) {
    shiftSpan(f, d);
    shiftSpan(f.nameSpan, d);
    shiftSpan(f.lineSpan, d);
    if (f.type) {
      shiftSpan(f.type, d);
      shiftSpan(f.type.nameSpan, d);
      shiftArgs(f.type.args, d);
    }
    for (const a of f.attributes) shiftAttribute(a, d);
  }
  for (const a of b.attributes) {
    shiftAttribute(a, d);
    shiftSpan(a.lineSpan, d);
  }
  for (const p of b.properties) {
    shiftSpan(p, d);
    shiftSpan(p.keySpan, d);
    shiftSpan(p.lineSpan, d);
    shiftExpr(p.value, d);
  }
}

class Parser {
  private readonly lexer: Lexer;
  /**
   * The tokens read so far and not yet dropped, comments left out (they are kept in `comments`): `buf[k]` is the
   * token at index `base + k`. The parser reads them through `tok`, which lexes on demand, and drops those before
   * each block it starts (`drop`), so they die young instead of being copied by every collection during the parse.
   */
  private buf: Token[] = [];
  private base = 0;
  private pos = 0;
  readonly comments: Comment[] = [];
  readonly errors: ParseError[] = [];
  /** Doc comments by the index of the token they precede. */
  private readonly docBefore = new Map<number, string[]>();
  /** Trailing comments by the index of the newline token (or end) that ends their line. */
  private readonly trailingAt = new Map<number, Comment>();
  /** The lexer's place: code seen on the current line, doc comments waiting for their token. */
  private codeOnLine = false;
  private pendingDocs: string[] = [];

  /** Parses `text`, or only its part from `from` to `to` (one block, for `reparsePrisma`). */
  constructor(
    private readonly text: string,
    from = 0,
    to = text.length,
  ) {
    this.lexer = new Lexer(text, from, to);
  }

  /** The token at index `i` (undefined past the end), lexing up to it if needed. */
  private tok(i: number): Token {
    const k = i - this.base;
    while (k >= this.buf.length && this.lexOne());
    return this.buf[k];
  }

  /** Lexes up to the next token that is not a comment and appends it; false at the end. */
  private lexOne(): boolean {
    for (let t = this.lexer.next(); t; t = this.lexer.next()) {
      const index = this.base + this.buf.length;
      if (t.kind === 'comment' || t.kind === 'docComment') {
        const comment: Comment = { start: t.start, end: t.end, text: t.text, doc: t.kind === 'docComment', trailing: this.codeOnLine };
        this.comments.push(comment);
        if (this.codeOnLine) {
          // Attach to the newline token that ends this line (the index of the next token appended).
          this.trailingAt.set(index, comment);
        } else if (comment.doc) {
          this.pendingDocs.push(t.text.slice(3).replace(/^ /, ''));
        }
        continue;
      }
      if (t.kind === 'newline') {
        this.codeOnLine = false;
      } else {
        if (!this.codeOnLine && this.pendingDocs.length) {
          this.docBefore.set(index, this.pendingDocs);
          this.pendingDocs = [];
        }
        this.codeOnLine = true;
      }
      // A blank line between doc comments and code detaches them, as Prisma does not: keep them anyway.
      this.buf.push(t);
      return true;
    }
    return false;
  }

  /** Forgets the tokens before the previous one (the parser looks back one token at most). */
  private drop(): void {
    const k = this.pos - 1 - this.base;
    if (k <= 0) return;
    this.buf = this.buf.slice(k);
    this.base += k;
  }

  private peek(offset = 0): Token | undefined {
    return this.tok(this.pos + offset);
  }

  private at(kind: TokenKind, text?: string, offset = 0): boolean {
    const t = this.tok(this.pos + offset);
    return !!t && t.kind === kind && (text === undefined || t.text === text);
  }

  private skipNewlines(): void {
    while (this.at('newline')) this.pos++;
  }

  private skipToLineEnd(): void {
    while (this.tok(this.pos) !== undefined && !this.at('newline')) this.pos++;
  }

  /**
   * Inside `(…)` or `[…]` that runs past a line end: does the next line look like a new member or block
   * rather than more arguments? Then the list was left unclosed and must end here.
   */
  private nextLineEndsList(): boolean {
    if (!this.at('newline')) return false;
    let i = this.pos;
    while (this.tok(i)?.kind === 'newline') i++;
    const a = this.tok(i);
    const b = this.tok(i + 1);
    if (!a) return true;
    if (a.kind === 'punct' && (a.text === '}' || a.text === '{' || a.text === '@@')) return true;
    return a.kind === 'ident' && !!b && (b.kind === 'ident' || (b.kind === 'punct' && b.text === '{'));
  }

  private error(span: Span, message: string): void {
    if (this.errors.length < 200) this.errors.push({ start: span.start, end: span.end, message });
  }

  private lineSpanAt(offset: number, endOffset: number): Span {
    let s = offset;
    while (s > 0 && this.text.charCodeAt(s - 1) !== 10) s--;
    let e = endOffset;
    while (e < this.text.length && this.text.charCodeAt(e) !== 10) e++;
    if (e > s && this.text.charCodeAt(e - 1) === 13) e--;
    return { start: s, end: e };
  }

  /** The trailing comment on the line of the token before the current position, if any. */
  private trailingComment(): Comment | undefined {
    // trailingAt is keyed by the index of the newline token (or end) following the comment.
    return this.trailingAt.get(this.pos);
  }

  private isBlockStart(): boolean {
    const t = this.peek();
    if (!t || t.kind !== 'ident' || !BLOCK_KEYWORDS.has(t.text)) return false;
    const name = this.peek(1);
    return !!name && name.kind === 'ident' && this.at('punct', '{', 2);
  }

  parseFile(): PrismaAst {
    const blocks: Block[] = [];
    while (this.tok(this.pos) !== undefined) {
      this.drop();
      this.skipNewlines();
      const t = this.peek();
      if (!t) break;
      if (t.kind === 'ident' && BLOCK_KEYWORDS.has(t.text)) {
        const block = this.parseBlock();
        if (block) {
          blocks.push(block);
          continue;
        }
      }
      this.error(t, `Unexpected ${JSON.stringify(t.text)}: expected a model, enum, view, type, datasource or generator block.`);
      this.pos++;
      this.skipToLineEnd();
    }
    return { text: this.text, blocks, comments: this.comments, errors: this.errors };
  }

  private parseBlock(): Block | undefined {
    const startIndex = this.pos;
    const kw = this.tok(this.pos);
    const nameTok = this.peek(1);
    if (!nameTok || nameTok.kind !== 'ident') {
      this.error(kw, `Expected a name after ${kw.text}.`);
      return undefined;
    }
    const docs = this.docBefore.get(startIndex);
    this.pos += 2;
    const block: Block = {
      kind: kw.text as BlockKind,
      keywordSpan: span(kw),
      name: nameTok.text,
      nameSpan: span(nameTok),
      start: kw.start,
      end: nameTok.end,
      closed: false,
      doc: docs?.join('\n'),
      fields: [],
      attributes: [],
      properties: [],
    };
    // Tolerate stray tokens before `{` on the same line.
    while (this.tok(this.pos) !== undefined && !this.at('newline') && !this.at('punct', '{')) this.pos++;
    if (!this.at('punct', '{')) {
      this.error(block.nameSpan, `Expected "{" after ${kw.text} ${nameTok.text}.`);
      return block;
    }
    const open = this.tok(this.pos++);
    block.openBrace = span(open);
    block.end = open.end;
    for (;;) {
      this.skipNewlines();
      const t = this.peek();
      if (!t) {
        this.error(block.nameSpan, `${kw.text} ${block.name} is not closed: "}" is missing.`);
        break;
      }
      if (t.kind === 'punct' && t.text === '}') {
        block.closeBrace = span(t);
        block.closed = true;
        block.end = t.end;
        this.pos++;
        break;
      }
      if (this.isBlockStart() && this.startsLine()) {
        // The user is typing: the previous block was left open. End it here.
        this.error(block.nameSpan, `${kw.text} ${block.name} is not closed: "}" is missing.`);
        break;
      }
      const before = this.pos;
      this.parseMember(block);
      block.end = Math.max(block.end, this.tok(this.pos - 1)?.end ?? block.end);
      if (this.pos === before) this.pos++; // progress guarantee
    }
    return block;
  }

  private startsLine(): boolean {
    const prev = this.tok(this.pos - 1);
    return !prev || prev.kind === 'newline';
  }

  private parseMember(block: Block): void {
    const t = this.tok(this.pos);
    const docs = this.docBefore.get(this.pos);
    if (t.kind === 'punct' && t.text === '@@') {
      const attr = this.parseAttribute();
      const lineSpan = this.lineSpanAt(attr.start, attr.end);
      this.skipStrayUntilLineEnd('block attribute');
      block.attributes.push({ ...attr, lineSpan, trailingComment: this.trailingComment() });
      return;
    }
    if (t.kind !== 'ident') {
      this.error(t, `Unexpected ${JSON.stringify(t.text)} in ${block.kind} ${block.name}.`);
      this.pos++;
      this.skipToLineEnd();
      return;
    }
    if (block.kind === 'datasource' || block.kind === 'generator') {
      this.pos++;
      const prop: Property = { key: t.text, keySpan: span(t), start: t.start, end: t.end, lineSpan: { start: 0, end: 0 } };
      if (this.at('punct', '=')) {
        const eq = this.tok(this.pos++);
        prop.end = eq.end;
        const value = this.parseExpr();
        if (value) {
          prop.value = value;
          prop.end = value.end;
        } else {
          this.error(eq, `Expected a value for ${t.text}.`);
        }
      } else {
        this.error(t, `Expected "=" after ${t.text}.`);
      }
      prop.lineSpan = this.lineSpanAt(prop.start, prop.end);
      this.skipStrayUntilLineEnd('property');
      block.properties.push(prop);
      return;
    }
    // Field (model/view/type) or enum value.
    this.pos++;
    const field: Field = {
      name: t.text,
      nameSpan: span(t),
      start: t.start,
      end: t.end,
      attributes: [],
      doc: docs?.join('\n'),
      lineSpan: { start: 0, end: 0 },
    };
    if (block.kind !== 'enum') {
      const typeTok = this.peek();
      if (typeTok && typeTok.kind === 'ident') {
        this.pos++;
        const type: FieldType = {
          name: typeTok.text,
          nameSpan: span(typeTok),
          start: typeTok.start,
          end: typeTok.end,
          optional: false,
          list: false,
        };
        if (this.at('punct', '(')) {
          type.args = this.parseArgList();
          type.end = type.args.end;
        }
        if (this.at('punct', '[') && this.at('punct', ']', 1)) {
          type.list = true;
          type.end = this.tok(this.pos + 1).end;
          this.pos += 2;
        }
        if (this.at('punct', '?')) {
          type.optional = true;
          type.end = this.tok(this.pos).end;
          this.pos++;
        }
        if (this.at('punct', '!')) this.pos++; // legacy required marker
        field.type = type;
        field.end = type.end;
      } else if (!typeTok || typeTok.kind === 'newline' || (typeTok.kind === 'punct' && typeTok.text === '}')) {
        this.error(field.nameSpan, `Field ${field.name} has no type.`);
      }
    }
    while (this.tok(this.pos) !== undefined && !this.at('newline')) {
      if (this.at('punct', '@')) {
        const attr = this.parseAttribute();
        field.attributes.push(attr);
        field.end = attr.end;
        continue;
      }
      if (this.at('punct', '}')) break; // `model A { id Int @id }` on one line
      const stray = this.tok(this.pos++);
      this.error(stray, `Unexpected ${JSON.stringify(stray.text)} after field ${field.name}.`);
    }
    field.lineSpan = this.lineSpanAt(field.start, field.end);
    field.trailingComment = this.trailingComment();
    block.fields.push(field);
  }

  private skipStrayUntilLineEnd(what: string): void {
    while (this.tok(this.pos) !== undefined && !this.at('newline')) {
      if (this.at('punct', '}')) return;
      const stray = this.tok(this.pos++);
      this.error(stray, `Unexpected ${JSON.stringify(stray.text)} after ${what}.`);
    }
  }

  /** At `@` or `@@`. */
  private parseAttribute(): Attribute {
    const at = this.tok(this.pos++);
    const attr: Attribute = {
      name: '',
      nameSpan: { start: at.end, end: at.end },
      block: at.text === '@@',
      start: at.start,
      end: at.end,
    };
    // Name: ident ( . ident )*
    if (this.at('ident')) {
      const first = this.tok(this.pos++);
      let name = first.text;
      let end = first.end;
      while (this.at('punct', '.') && this.at('ident', undefined, 1) && this.tok(this.pos).start === end) {
        name += '.' + this.tok(this.pos + 1).text;
        end = this.tok(this.pos + 1).end;
        this.pos += 2;
      }
      attr.name = name;
      attr.nameSpan = { start: first.start, end };
      attr.end = end;
    } else {
      this.error(at, `Expected an attribute name after ${at.text}.`);
      return attr;
    }
    if (this.at('punct', '(')) {
      attr.args = this.parseArgList();
      attr.end = attr.args.end;
    }
    return attr;
  }

  /** At `(`. Arguments may span lines. */
  private parseArgList(): ArgList {
    const open = this.tok(this.pos++);
    const list: ArgList = { start: open.start, end: open.end, args: [], closed: false };
    for (;;) {
      if (this.nextLineEndsList()) break;
      this.skipNewlines();
      const t = this.peek();
      if (!t) break;
      if (t.kind === 'punct' && t.text === ')') {
        list.end = t.end;
        list.closed = true;
        this.pos++;
        break;
      }
      if (t.kind === 'punct' && (t.text === '}' || t.text === '{' || t.text === '@' || t.text === '@@')) break;
      if (t.kind === 'punct' && t.text === ',') {
        this.pos++;
        continue;
      }
      const before = this.pos;
      const arg: Arg = { start: t.start, end: t.end };
      if (t.kind === 'ident' && this.at('punct', ':', 1)) {
        arg.name = t.text;
        arg.nameSpan = span(t);
        arg.end = this.tok(this.pos + 1).end;
        this.pos += 2;
        this.skipNewlines();
      }
      const value = this.parseExpr();
      if (value) {
        arg.value = value;
        arg.end = value.end;
      }
      list.args.push(arg);
      list.end = arg.end;
      if (this.pos === before) {
        this.error(t, `Unexpected ${JSON.stringify(t.text)} in arguments.`);
        this.pos++;
      }
    }
    if (!list.closed) this.error(open, 'Unclosed "(".');
    return list;
  }

  private parseExpr(): Expr | undefined {
    const t = this.peek();
    if (!t) return undefined;
    if (t.kind === 'string') {
      this.pos++;
      const closed = t.text.length >= 2 && t.text.endsWith('"') && !t.text.endsWith('\\"');
      return { kind: 'string', value: unquote(t.text, closed), start: t.start, end: t.end };
    }
    if (t.kind === 'number') {
      this.pos++;
      return { kind: 'number', value: t.text, start: t.start, end: t.end };
    }
    if (t.kind === 'ident') {
      this.pos++;
      let name = t.text;
      let end = t.end;
      while (this.at('punct', '.') && this.at('ident', undefined, 1)) {
        name += '.' + this.tok(this.pos + 1).text;
        end = this.tok(this.pos + 1).end;
        this.pos += 2;
      }
      if (this.at('punct', '(')) {
        const args = this.parseArgList();
        return { kind: 'call', name, nameSpan: { start: t.start, end }, args, start: t.start, end: args.end };
      }
      return { kind: 'ident', name, start: t.start, end };
    }
    if (t.kind === 'punct' && t.text === '[') {
      this.pos++;
      const items: Expr[] = [];
      let end = t.end;
      for (;;) {
        if (this.nextLineEndsList()) break;
        this.skipNewlines();
        const u = this.peek();
        if (!u) break;
        if (u.kind === 'punct' && u.text === ']') {
          end = u.end;
          this.pos++;
          break;
        }
        if (u.kind === 'punct' && (u.text === ')' || u.text === '}' || u.text === '{' || u.text === '@' || u.text === '@@')) break;
        if (u.kind === 'punct' && u.text === ',') {
          this.pos++;
          continue;
        }
        const item = this.parseExpr();
        if (item) {
          items.push(item);
          end = item.end;
        } else {
          this.error(u, `Unexpected ${JSON.stringify(u.text)} in a list.`);
          this.pos++;
        }
      }
      return { kind: 'array', items, start: t.start, end };
    }
    if (t.kind === 'punct' && t.text === '{') return this.parseObject();
    return undefined;
  }

  /**
   * `{ key: value, … }` as Prisma 7 writes a partial index's condition (`where: { deletedAt: null }`). Prisma takes
   * it on one line only, with identifier keys: it ends at the line's end, so a half-typed `{` never runs into the
   * lines after it (the block's own `}` among them).
   */
  private parseObject(): Expr {
    const open = this.tok(this.pos++);
    const entries: Arg[] = [];
    let end = open.end;
    let closed = false;
    for (;;) {
      const u = this.peek();
      if (!u || u.kind === 'newline') break;
      if (u.kind === 'punct' && u.text === '}') {
        end = u.end;
        closed = true;
        this.pos++;
        break;
      }
      if (u.kind === 'punct' && (u.text === ')' || u.text === ']' || u.text === '@' || u.text === '@@')) break;
      if (u.kind === 'punct' && u.text === ',') {
        this.pos++;
        continue;
      }
      const before = this.pos;
      const entry: Arg = { start: u.start, end: u.end };
      if (u.kind === 'ident' && this.at('punct', ':', 1)) {
        entry.name = u.text;
        entry.nameSpan = span(u);
        entry.end = this.tok(this.pos + 1).end;
        this.pos += 2;
      }
      const value = this.at('newline') ? undefined : this.parseExpr();
      if (value) {
        entry.value = value;
        entry.end = value.end;
      }
      if (this.pos === before) {
        this.error(u, `Unexpected ${JSON.stringify(u.text)} in an object.`);
        this.pos++;
        continue;
      }
      entries.push(entry);
      end = entry.end;
    }
    if (!closed) this.error(open, 'Unclosed "{".');
    return { kind: 'object', entries, closed, start: open.start, end };
  }
}

function span(s: Span): Span {
  return { start: s.start, end: s.end };
}

function unquote(raw: string, closed: boolean): string {
  const body = raw.slice(1, closed ? -1 : undefined);
  return body.replace(/\\(.)/g, (_m, ch: string) => (ch === 'n' ? '\n' : ch === 't' ? '\t' : ch));
}

// ---------------------------------------------------------------------------------------------
// Helpers over the AST
// ---------------------------------------------------------------------------------------------

export function attributeArg(attr: Attribute, name: string, positional = -1): Arg | undefined {
  const args = attr.args?.args ?? [];
  const named = args.find((a) => a.name === name);
  if (named) return named;
  if (positional >= 0) {
    const unnamed = args.filter((a) => a.name === undefined);
    return unnamed[positional];
  }
  return undefined;
}

/** Field names of a `[a, b(sort: Desc)]` list. */
export function fieldRefs(expr: Expr | undefined): string[] {
  if (!expr) return [];
  if (expr.kind === 'array') {
    return expr.items.flatMap((item) => (item.kind === 'ident' ? [item.name] : item.kind === 'call' ? [item.name] : []));
  }
  // Prisma also takes one column without the list's brackets: `@@index(createdAt)`, `@@index(createdAt(sort: Desc))`.
  if (expr.kind === 'ident' || expr.kind === 'call') return [expr.name];
  return [];
}

export function stringValue(expr: Expr | undefined): string | undefined {
  return expr && expr.kind === 'string' ? expr.value : undefined;
}

/** Offsets → 0-based line/UTF-16 character. */
export class LineIndex {
  private readonly starts: number[];
  constructor(
    readonly text: string,
    starts?: number[],
  ) {
    this.starts = starts ?? lineStarts(text);
  }

  /** The index of `text`, made from this one (the index of the text before `change`). */
  edited(text: string, change: TextChange): LineIndex {
    const { start, oldEnd, newEnd } = change;
    const delta = newEnd - oldEnd;
    const starts: number[] = [];
    const old = this.starts;
    let i = 0;
    for (; i < old.length && old[i] <= start; i++) starts.push(old[i]);
    for (let j = text.indexOf('\n', start); j !== -1 && j < newEnd; j = text.indexOf('\n', j + 1)) starts.push(j + 1);
    for (; i < old.length; i++) if (old[i] > oldEnd) starts.push(old[i] + delta);
    return new LineIndex(text, starts);
  }
  position(offset: number): { line: number; character: number } {
    const o = Math.max(0, Math.min(offset, this.text.length));
    const line = lineOfOffset(this.starts, o);
    return { line, character: o - this.starts[line] };
  }
  range(s: Span): { start: { line: number; character: number }; end: { line: number; character: number } } {
    return { start: this.position(s.start), end: this.position(s.end) };
  }
  offset(pos: { line: number; character: number }): number {
    if (pos.line < 0) return 0;
    if (pos.line >= this.starts.length) return this.text.length;
    const lineEnd = pos.line + 1 < this.starts.length ? this.starts[pos.line + 1] : this.text.length;
    return Math.min(this.starts[pos.line] + Math.max(0, pos.character), lineEnd);
  }
  lineStart(line: number): number {
    return this.starts[Math.max(0, Math.min(line, this.starts.length - 1))];
  }
  get lineCount(): number {
    return this.starts.length;
  }
}
