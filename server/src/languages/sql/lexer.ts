/**
 * A small SQL tokenizer (character level, no regexes) for what the real parsers do not give us:
 * splitting a file into statements when one of them does not parse (libpg-query fails the whole
 * file; node-sql-parser has no statement ranges), psql meta-commands and COPY data in dumps,
 * MySQL `DELIMITER`, finding the end of a parenthesised list, and sniffing a file's dialect.
 * It never throws and is linear in the input.
 */

export type SqlFlavor = 'postgresql' | 'mysql' | 'sqlite';

export type TokenKind = 'word' | 'quoted' | 'string' | 'number' | 'punct' | 'comment' | 'param';

export interface Token {
  kind: TokenKind;
  /** UTF-16 offsets into the text. */
  start: number;
  end: number;
}

const enum C {
  TAB = 9,
  LF = 10,
  CR = 13,
  SPACE = 32,
  BANG = 33,
  DQUOTE = 34,
  HASH = 35,
  DOLLAR = 36,
  QUOTE = 39,
  STAR = 42,
  MINUS = 45,
  DOT = 46,
  SLASH = 47,
  D0 = 48,
  D9 = 57,
  SEMI = 59,
  BACKSLASH = 92,
  LBRACKET = 91,
  RBRACKET = 93,
  BACKTICK = 96,
}

function isWordStart(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c >= 128;
}
function isWordPart(c: number): boolean {
  return isWordStart(c) || (c >= C.D0 && c <= C.D9) || c === C.DOLLAR;
}
function isSpace(c: number): boolean {
  return c === C.SPACE || c === C.TAB || c === C.LF || c === C.CR || c === 12 || c === 11;
}

/** Reads one token at `i` (which must not be whitespace). Returns its end. */
function tokenAt(text: string, i: number, end: number, flavor: SqlFlavor): { kind: TokenKind; end: number } {
  const c = text.charCodeAt(i);
  const n = i + 1 < end ? text.charCodeAt(i + 1) : -1;
  if (c === C.MINUS && n === C.MINUS) return { kind: 'comment', end: lineEnd(text, i, end) };
  if (c === C.HASH && flavor === 'mysql') return { kind: 'comment', end: lineEnd(text, i, end) };
  if (c === C.SLASH && n === C.STAR) {
    // Postgres block comments nest; MySQL/SQLite ones do not.
    let depth = 1;
    let j = i + 2;
    while (j < end && depth > 0) {
      const a = text.charCodeAt(j);
      const b = j + 1 < end ? text.charCodeAt(j + 1) : -1;
      if (a === C.STAR && b === C.SLASH) {
        depth--;
        j += 2;
      } else if (flavor === 'postgresql' && a === C.SLASH && b === C.STAR) {
        depth++;
        j += 2;
      } else j++;
    }
    return { kind: 'comment', end: j };
  }
  if (c === C.QUOTE) {
    const prev = i > 0 ? text.charCodeAt(i - 1) : 0;
    const backslashes = flavor === 'mysql' || ((prev === 69 || prev === 101) && !(i > 1 && isWordPart(text.charCodeAt(i - 2))));
    return { kind: 'string', end: quotedEnd(text, i, end, C.QUOTE, backslashes) };
  }
  if (c === C.DQUOTE) return { kind: flavor === 'mysql' ? 'string' : 'quoted', end: quotedEnd(text, i, end, C.DQUOTE, flavor === 'mysql') };
  if (c === C.BACKTICK) return { kind: 'quoted', end: quotedEnd(text, i, end, C.BACKTICK, false) };
  if (c === C.LBRACKET && flavor === 'sqlite') {
    let j = i + 1;
    while (j < end && text.charCodeAt(j) !== C.RBRACKET) j++;
    return { kind: 'quoted', end: Math.min(end, j + 1) };
  }
  if (c === C.DOLLAR && flavor === 'postgresql') {
    // $tag$ … $tag$ or a $1 parameter.
    let j = i + 1;
    if (j < end && text.charCodeAt(j) >= C.D0 && text.charCodeAt(j) <= C.D9) {
      while (j < end && text.charCodeAt(j) >= C.D0 && text.charCodeAt(j) <= C.D9) j++;
      return { kind: 'param', end: j };
    }
    while (j < end && isWordPart(text.charCodeAt(j)) && text.charCodeAt(j) !== C.DOLLAR) j++;
    if (j < end && text.charCodeAt(j) === C.DOLLAR) {
      const tag = text.slice(i, j + 1);
      const close = text.indexOf(tag, j + 1);
      return { kind: 'string', end: close < 0 || close + tag.length > end ? end : close + tag.length };
    }
    return { kind: 'punct', end: i + 1 };
  }
  if (isWordStart(c)) {
    let j = i + 1;
    while (j < end && isWordPart(text.charCodeAt(j))) j++;
    return { kind: 'word', end: j };
  }
  if (c >= C.D0 && c <= C.D9) {
    let j = i + 1;
    while (j < end) {
      const a = text.charCodeAt(j);
      if ((a >= C.D0 && a <= C.D9) || a === C.DOT || isWordStart(a)) j++;
      else break;
    }
    return { kind: 'number', end: j };
  }
  return { kind: 'punct', end: i + 1 };
}

function lineEnd(text: string, i: number, end: number): number {
  const j = text.indexOf('\n', i);
  return j < 0 || j > end ? end : j;
}

function quotedEnd(text: string, i: number, end: number, quote: number, backslashes: boolean): number {
  let j = i + 1;
  while (j < end) {
    const a = text.charCodeAt(j);
    if (backslashes && a === C.BACKSLASH) {
      j += 2;
      continue;
    }
    if (a === quote) {
      if (j + 1 < end && text.charCodeAt(j + 1) === quote) {
        j += 2;
        continue;
      }
      return j + 1;
    }
    j++;
  }
  return end;
}

/** All tokens (comments included) of text[start, end). */
export function tokenize(text: string, flavor: SqlFlavor, start = 0, end = text.length): Token[] {
  const out: Token[] = [];
  let i = start;
  while (i < end) {
    const c = text.charCodeAt(i);
    if (isSpace(c)) {
      i++;
      continue;
    }
    const t = tokenAt(text, i, end, flavor);
    out.push({ kind: t.kind, start: i, end: t.end });
    i = t.end > i ? t.end : i + 1;
  }
  return out;
}

/** Skips whitespace and comments from `i`; returns the first position of real text (or `end`). */
export function skipTrivia(text: string, i: number, end: number, flavor: SqlFlavor): number {
  while (i < end) {
    const c = text.charCodeAt(i);
    if (isSpace(c)) {
      i++;
      continue;
    }
    const n = i + 1 < end ? text.charCodeAt(i + 1) : -1;
    if ((c === C.MINUS && n === C.MINUS) || (c === C.SLASH && n === C.STAR) || (c === C.HASH && flavor === 'mysql')) {
      i = tokenAt(text, i, end, flavor).end;
      continue;
    }
    return i;
  }
  return end;
}

/** Moves back from `i` over whitespace (and the given punctuation characters). */
export function trimBack(text: string, start: number, i: number, punct = ''): number {
  while (i > start) {
    const c = text.charCodeAt(i - 1);
    if (isSpace(c) || punct.includes(text[i - 1])) i--;
    else break;
  }
  return i;
}

export interface RawStatement {
  /** UTF-16 offsets of the statement text, trimmed, without its terminator. */
  start: number;
  end: number;
}

/**
 * Splits a file into statements at `;` outside strings, comments and dollar quotes. Skips psql
 * meta-commands (`\connect`, `\restrict`), COPY … FROM stdin data up to `\.`, and honours MySQL
 * `DELIMITER`. BEGIN ATOMIC bodies (SQL-standard function bodies) are split too: a known limit.
 */
export function splitStatements(text: string, flavor: SqlFlavor): RawStatement[] {
  const out: RawStatement[] = [];
  const end = text.length;
  let i = 0;
  let stmtStart = -1;
  let lastEnd = -1;
  let firstWords: string[] = [];
  let delimiter = ';';
  const finish = (at: number): void => {
    if (stmtStart >= 0) out.push({ start: stmtStart, end: lastEnd });
    const words = firstWords;
    stmtStart = -1;
    lastEnd = -1;
    firstWords = [];
    // COPY … FROM stdin: data lines follow up to a line `\.`
    if (flavor === 'postgresql' && words[0] === 'copy' && words.includes('stdin')) {
      const stop = text.indexOf('\n\\.', at);
      i = stop < 0 ? end : lineEnd(text, stop + 1, end);
    }
  };
  while (i < end) {
    const c = text.charCodeAt(i);
    if (isSpace(c)) {
      i++;
      continue;
    }
    if (stmtStart < 0 && c === C.BACKSLASH) {
      i = lineEnd(text, i, end); // psql meta-command
      continue;
    }
    if (delimiter !== ';' ? text.startsWith(delimiter, i) : c === C.SEMI) {
      i += delimiter.length;
      finish(i);
      continue;
    }
    const t = tokenAt(text, i, end, flavor);
    const tEnd = t.end > i ? t.end : i + 1;
    if (t.kind !== 'comment') {
      if (stmtStart < 0) stmtStart = i;
      lastEnd = tEnd;
      if (t.kind === 'word' && firstWords.length < 12) firstWords.push(text.slice(i, tEnd).toLowerCase());
      if (flavor === 'mysql' && firstWords.length === 1 && firstWords[0] === 'delimiter' && stmtStart === i) {
        const le = lineEnd(text, tEnd, end);
        const d = text.slice(tEnd, le).trim();
        if (d) delimiter = d;
        stmtStart = -1;
        lastEnd = -1;
        firstWords = [];
        i = le;
        continue;
      }
    }
    i = tEnd;
  }
  if (stmtStart >= 0) out.push({ start: stmtStart, end: lastEnd });
  return out;
}

/** From an opening `(` at `open`, the offset just after its matching `)` (or `end`). */
export function matchingParen(text: string, open: number, end: number, flavor: SqlFlavor): number {
  let depth = 0;
  let i = open;
  while (i < end) {
    const c = text.charCodeAt(i);
    if (isSpace(c)) {
      i++;
      continue;
    }
    const t = tokenAt(text, i, end, flavor);
    if (t.kind === 'punct') {
      if (c === 40) depth++;
      else if (c === 41) {
        depth--;
        if (depth === 0) return i + 1;
      }
    }
    i = t.end > i ? t.end : i + 1;
  }
  return end;
}

/** Reads a possibly qualified identifier (`"public"."user"`, a.b) at `i`; returns its end. */
export function identifierEnd(text: string, i: number, end: number, flavor: SqlFlavor): number {
  let j = i;
  for (;;) {
    if (j >= end) return j;
    const c = text.charCodeAt(j);
    if (c === C.DQUOTE || c === C.BACKTICK || (c === C.LBRACKET && flavor === 'sqlite')) {
      j = tokenAt(text, j, end, flavor).end;
    } else if (isWordStart(c)) {
      j = tokenAt(text, j, end, flavor).end;
    } else return j;
    if (j < end && text.charCodeAt(j) === C.DOT) j++;
    else return j;
  }
}

/**
 * Guesses a lone file's dialect from its tokens: backticks, `ENGINE=`, `AUTO_INCREMENT` mean MySQL;
 * `AUTOINCREMENT`, `PRAGMA`, `WITHOUT ROWID` mean SQLite; dollar quotes, `::`, `SERIAL`,
 * `JSONB`, `TIMESTAMPTZ`, `CONCURRENTLY` mean Postgres. Undefined when nothing tells.
 */
export function sniffDialect(text: string): SqlFlavor | undefined {
  const limit = Math.min(text.length, 200_000);
  let mysql = 0;
  let sqlite = 0;
  let pg = 0;
  let prevColon = false;
  for (const t of tokenize(text, 'postgresql', 0, limit)) {
    const first = text.charCodeAt(t.start);
    if (first === C.BACKTICK) mysql += 3;
    if (t.kind === 'punct') {
      if (first === 58) {
        if (prevColon) pg += 2;
        prevColon = true;
        continue;
      }
    } else if (t.kind === 'string' && first === C.DOLLAR) pg += 3;
    else if (t.kind === 'word') {
      const w = text.slice(t.start, t.end).toLowerCase();
      if (w === 'engine' || w === 'auto_increment' || w === 'unsigned' || w === 'tinyint' || w === 'innodb') mysql += 2;
      else if (w === 'autoincrement' || w === 'pragma' || w === 'rowid') sqlite += 3;
      else if (w === 'serial' || w === 'bigserial' || w === 'jsonb' || w === 'timestamptz' || w === 'concurrently' || w === 'plpgsql' || w === 'uuid_generate_v4' || w === 'gen_random_uuid') pg += 2;
    }
    prevColon = false;
  }
  if (mysql === 0 && sqlite === 0 && pg === 0) return undefined;
  if (mysql > sqlite && mysql > pg) return 'mysql';
  if (sqlite > pg && sqlite >= mysql) return 'sqlite';
  return 'postgresql';
}
