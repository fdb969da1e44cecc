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

/* Character codes. */
const C_TAB = 9;
const C_LF = 10;
const C_CR = 13;
const C_SPACE = 32;
const C_BANG = 33;
const C_DQUOTE = 34;
const C_HASH = 35;
const C_DOLLAR = 36;
const C_QUOTE = 39;
const C_STAR = 42;
const C_MINUS = 45;
const C_DOT = 46;
const C_SLASH = 47;
const C_D0 = 48;
const C_D9 = 57;
const C_SEMI = 59;
const C_BACKSLASH = 92;
const C_LBRACKET = 91;
const C_RBRACKET = 93;
const C_BACKTICK = 96;

function isWordStart(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c >= 128;
}
function isWordPart(c: number): boolean {
  return isWordStart(c) || (c >= C_D0 && c <= C_D9) || c === C_DOLLAR;
}
function isSpace(c: number): boolean {
  return c === C_SPACE || c === C_TAB || c === C_LF || c === C_CR || c === 12 || c === 11;
}

/** The kind of the token `scanAt` read last (scanning allocates nothing per token). */
let scanned: TokenKind = 'punct';

/** Reads one token at `i` (which must not be whitespace): returns its end and sets `scanned` to its kind. */
function scanAt(text: string, i: number, end: number, flavor: SqlFlavor): number {
  const c = text.charCodeAt(i);
  const n = i + 1 < end ? text.charCodeAt(i + 1) : -1;
  if (c === C_MINUS && n === C_MINUS) return scan('comment', lineEnd(text, i, end));
  if (c === C_HASH && flavor === 'mysql') return scan('comment', lineEnd(text, i, end));
  if (c === C_SLASH && n === C_STAR) {
    // Postgres block comments nest; MySQL/SQLite ones do not.
    let depth = 1;
    let j = i + 2;
    while (j < end && depth > 0) {
      const a = text.charCodeAt(j);
      const b = j + 1 < end ? text.charCodeAt(j + 1) : -1;
      if (a === C_STAR && b === C_SLASH) {
        depth--;
        j += 2;
      } else if (flavor === 'postgresql' && a === C_SLASH && b === C_STAR) {
        depth++;
        j += 2;
      } else j++;
    }
    return scan('comment', j);
  }
  if (c === C_QUOTE) {
    const prev = i > 0 ? text.charCodeAt(i - 1) : 0;
    const backslashes = flavor === 'mysql' || ((prev === 69 || prev === 101) && !(i > 1 && isWordPart(text.charCodeAt(i - 2))));
    return scan('string', quotedEnd(text, i, end, C_QUOTE, backslashes));
  }
  if (c === C_DQUOTE) return scan(flavor === 'mysql' ? 'string' : 'quoted', quotedEnd(text, i, end, C_DQUOTE, flavor === 'mysql'));
  if (c === C_BACKTICK) return scan('quoted', quotedEnd(text, i, end, C_BACKTICK, false));
  if (c === C_LBRACKET && flavor === 'sqlite') {
    let j = i + 1;
    while (j < end && text.charCodeAt(j) !== C_RBRACKET) j++;
    return scan('quoted', Math.min(end, j + 1));
  }
  if (c === C_DOLLAR && flavor === 'postgresql') {
    // $tag$ … $tag$ or a $1 parameter.
    let j = i + 1;
    if (j < end && text.charCodeAt(j) >= C_D0 && text.charCodeAt(j) <= C_D9) {
      while (j < end && text.charCodeAt(j) >= C_D0 && text.charCodeAt(j) <= C_D9) j++;
      return scan('param', j);
    }
    while (j < end && isWordPart(text.charCodeAt(j)) && text.charCodeAt(j) !== C_DOLLAR) j++;
    if (j < end && text.charCodeAt(j) === C_DOLLAR) {
      const tag = text.slice(i, j + 1);
      const close = text.indexOf(tag, j + 1);
      return scan('string', close < 0 || close + tag.length > end ? end : close + tag.length);
    }
    return scan('punct', i + 1);
  }
  if (isWordStart(c)) {
    let j = i + 1;
    while (j < end && isWordPart(text.charCodeAt(j))) j++;
    return scan('word', j);
  }
  if (c >= C_D0 && c <= C_D9) {
    let j = i + 1;
    while (j < end) {
      const a = text.charCodeAt(j);
      if ((a >= C_D0 && a <= C_D9) || a === C_DOT || isWordStart(a)) j++;
      else break;
    }
    return scan('number', j);
  }
  return scan('punct', i + 1);
}

function scan(kind: TokenKind, end: number): number {
  scanned = kind;
  return end;
}

function lineEnd(text: string, i: number, end: number): number {
  const j = text.indexOf('\n', i);
  return j < 0 || j > end ? end : j;
}

function quotedEnd(text: string, i: number, end: number, quote: number, backslashes: boolean): number {
  let j = i + 1;
  while (j < end) {
    const a = text.charCodeAt(j);
    if (backslashes && a === C_BACKSLASH) {
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

/** The next token (comments included) at or after `i`, or undefined at `end`. */
export function nextToken(text: string, i: number, end: number, flavor: SqlFlavor): Token | undefined {
  while (i < end && isSpace(text.charCodeAt(i))) i++;
  if (i >= end) return undefined;
  const e = scanAt(text, i, end, flavor);
  return { kind: scanned, start: i, end: e > i ? e : i + 1 };
}

/**
 * The token `advance` read last: one shared object, overwritten by each call, for walks that look at each
 * token once (no Token per token).
 */
export const cursor: Token = { kind: 'punct', start: 0, end: 0 };

/** Reads the next token (comments included) at or after `i` into `cursor`; false at `end`. Like nextToken. */
export function advance(text: string, i: number, end: number, flavor: SqlFlavor): boolean {
  while (i < end && isSpace(text.charCodeAt(i))) i++;
  if (i >= end) return false;
  const e = scanAt(text, i, end, flavor);
  cursor.kind = scanned;
  cursor.start = i;
  cursor.end = e > i ? e : i + 1;
  return true;
}

/**
 * The end of a clause starting at `start`: the end of the last token before a top-level `,`, `;` or an
 * unmatched `)`, or `limit`. Walks token by token and stops there (no token objects).
 */
export function clauseEnd(text: string, start: number, limit: number, flavor: SqlFlavor): number {
  let depth = 0;
  let last = start;
  let i = start;
  while (advance(text, i, limit, flavor)) {
    i = cursor.end;
    if (cursor.kind === 'punct') {
      const c = text.charCodeAt(cursor.start);
      if (c === 40) depth++;
      else if (c === 41) {
        if (depth === 0) break;
        depth--;
      } else if ((c === 44 || c === C_SEMI) && depth === 0) break;
    }
    if (cursor.kind !== 'comment') last = cursor.end;
  }
  return last;
}

/** Which referential actions text[start, end) writes (`ON DELETE …`, `ON UPDATE …`), streaming over its tokens. */
export function writtenActionsIn(text: string, start: number, end: number, flavor: SqlFlavor): { onDelete: boolean; onUpdate: boolean } {
  let onDelete = false;
  let onUpdate = false;
  let prevOn = false;
  let i = start;
  while (advance(text, i, end, flavor)) {
    i = cursor.end;
    if (cursor.kind === 'comment') continue;
    if (cursor.kind !== 'word') {
      prevOn = false;
      continue;
    }
    const { start: s, end: e } = cursor;
    if (prevOn) {
      if (wordIs(text, s, e, 'delete')) onDelete = true;
      else if (wordIs(text, s, e, 'update')) onUpdate = true;
    }
    prevOn = wordIs(text, s, e, 'on');
  }
  return { onDelete, onUpdate };
}

/** Case-insensitive comparison of text[start, end) with a lowercase keyword, without slicing. */
export function wordIs(text: string, start: number, end: number, lower: string): boolean {
  if (end - start !== lower.length) return false;
  for (let k = 0; k < lower.length; k++) {
    if ((text.charCodeAt(start + k) | 0x20) !== lower.charCodeAt(k)) return false;
  }
  return true;
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
    const e = scanAt(text, i, end, flavor);
    out.push({ kind: scanned, start: i, end: e });
    i = e > i ? e : i + 1;
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
    if ((c === C_MINUS && n === C_MINUS) || (c === C_SLASH && n === C_STAR) || (c === C_HASH && flavor === 'mysql')) {
      i = scanAt(text, i, end, flavor);
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
  // COPY statements: the statement's words at parenthesis depth 0, so `FROM stdin` is seen wherever it is
  // (after a long column list, before `WITH (…)` options); `COPY (SELECT … FROM x) TO stdout` has no data.
  let copyDepth = 0;
  let copyPrevFrom = false;
  let copyFromStdin = false;
  // SQLite `CREATE [TEMP] TRIGGER … BEGIN stmt; stmt; END;`: the body's `;` do not end the statement.
  // Depth of BEGIN/CASE … END blocks once the trigger's BEGIN is seen (-1 before).
  let triggerDepth = -1;
  const finish = (at: number): void => {
    if (stmtStart >= 0) out.push({ start: stmtStart, end: lastEnd });
    const fromStdin = copyFromStdin;
    stmtStart = -1;
    lastEnd = -1;
    firstWords = [];
    copyDepth = 0;
    copyPrevFrom = false;
    copyFromStdin = false;
    triggerDepth = -1;
    // COPY … FROM stdin: data lines follow up to a line `\.`
    if (fromStdin) i = copyDataEnd(text, at, end);
  };
  while (i < end) {
    const c = text.charCodeAt(i);
    if (isSpace(c)) {
      i++;
      continue;
    }
    if (stmtStart < 0 && c === C_BACKSLASH) {
      i = lineEnd(text, i, end); // psql meta-command
      continue;
    }
    if (delimiter !== ';' ? text.startsWith(delimiter, i) : c === C_SEMI) {
      if (triggerDepth > 0) {
        i++; // a statement of the trigger's body
        continue;
      }
      i += delimiter.length;
      finish(i);
      continue;
    }
    const e = scanAt(text, i, end, flavor);
    const kind = scanned;
    const tEnd = e > i ? e : i + 1;
    if (kind !== 'comment') {
      if (stmtStart < 0) stmtStart = i;
      lastEnd = tEnd;
      if (kind === 'word' && firstWords.length < 12) firstWords.push(text.slice(i, tEnd).toLowerCase());
      if (flavor === 'sqlite' && kind === 'word' && firstWords[0] === 'create' && (firstWords[1] === 'trigger' || ((firstWords[1] === 'temp' || firstWords[1] === 'temporary') && firstWords[2] === 'trigger'))) {
        if (wordIs(text, i, tEnd, 'begin') || (triggerDepth > 0 && wordIs(text, i, tEnd, 'case'))) triggerDepth = triggerDepth < 0 ? 1 : triggerDepth + 1;
        else if (triggerDepth > 0 && wordIs(text, i, tEnd, 'end')) triggerDepth--;
      }
      if (flavor === 'postgresql' && firstWords[0] === 'copy') {
        if (kind === 'punct') {
          if (c === 40) copyDepth++;
          else if (c === 41 && copyDepth > 0) copyDepth--;
          copyPrevFrom = false;
        } else if (kind === 'word' && copyDepth === 0) {
          if (copyPrevFrom && wordIs(text, i, tEnd, 'stdin')) copyFromStdin = true;
          copyPrevFrom = wordIs(text, i, tEnd, 'from');
        } else copyPrevFrom = false;
      }
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

/**
 * Where the data of `COPY … FROM stdin` that starts after `at` ends: after the line that holds only `\.`
 * (psql's end-of-data marker; a CSV value on a line of its own that merely starts with `\.` is data), or `end`.
 */
function copyDataEnd(text: string, at: number, end: number): number {
  let from = at;
  for (;;) {
    const stop = text.indexOf('\n\\.', from);
    if (stop < 0 || stop >= end) return end;
    let k = stop + 3;
    while (k < end && (text.charCodeAt(k) === C_SPACE || text.charCodeAt(k) === C_TAB || text.charCodeAt(k) === C_CR)) k++;
    if (k >= end || text.charCodeAt(k) === C_LF) return k;
    from = stop + 1;
  }
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
    const e = scanAt(text, i, end, flavor);
    if (scanned === 'punct') {
      if (c === 40) depth++;
      else if (c === 41) {
        depth--;
        if (depth === 0) return i + 1;
      }
    }
    i = e > i ? e : i + 1;
  }
  return end;
}

/** Reads a possibly qualified identifier (`"public"."user"`, a.b) at `i`; returns its end. */
export function identifierEnd(text: string, i: number, end: number, flavor: SqlFlavor): number {
  let j = i;
  for (;;) {
    if (j >= end) return j;
    const c = text.charCodeAt(j);
    if (c === C_DQUOTE || c === C_BACKTICK || (c === C_LBRACKET && flavor === 'sqlite')) {
      j = scanAt(text, j, end, flavor);
    } else if (isWordStart(c)) {
      j = scanAt(text, j, end, flavor);
    } else return j;
    if (j < end && text.charCodeAt(j) === C_DOT) j++;
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
    if (first === C_BACKTICK) mysql += 3;
    if (t.kind === 'punct') {
      if (first === 58) {
        if (prevColon) pg += 2;
        prevColon = true;
        continue;
      }
    } else if (t.kind === 'string' && first === C_DOLLAR) pg += 3;
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

export interface DbmateSections {
  /** Where the `-- migrate:down` line starts (the up section ends there), or the text's length. */
  upEnd: number;
  /** `-- migrate:up transaction:false`: dbmate runs the up section outside a transaction. */
  transaction: boolean;
}

/**
 * A dbmate migration: `-- migrate:up [options]`, statements, `-- migrate:down [options]`, statements, in one file
 * (dbmate's markers are `--` comments at the start of a line). Undefined when the file has no up marker.
 */
export function dbmateSections(text: string, flavor: SqlFlavor): DbmateSections | undefined {
  if (!text.includes('migrate:up')) return undefined;
  let up: { options: string[] } | undefined;
  let i = 0;
  const end = text.length;
  while (advance(text, i, end, flavor)) {
    i = cursor.end;
    if (cursor.kind !== 'comment' || text.charCodeAt(cursor.start) !== C_MINUS) continue;
    const lineStart = text.lastIndexOf('\n', cursor.start - 1) + 1;
    if (cursor.start !== lineStart) continue;
    const words = text.slice(cursor.start + 2, cursor.end).trim().split(/\s+/);
    if (words[0] === 'migrate:up' && !up) up = { options: words.slice(1) };
    else if (words[0] === 'migrate:down' && up) return { upEnd: cursor.start, transaction: !up.options.includes('transaction:false') };
  }
  return up ? { upEnd: end, transaction: !up.options.includes('transaction:false') } : undefined;
}
