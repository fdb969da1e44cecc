/**
 * Parsing only (no model): SQL text → statements with exact ranges and ASTs.
 * Postgres through libpg-query (the real Postgres parser, wasm); MySQL and SQLite through
 * node-sql-parser. One statement that does not parse is reported and skipped; the rest stays.
 * Kept apart from model building so the bench can compare review time with the bare parse.
 */
import { Parser as SqlParser } from 'node-sql-parser';
import { identifierEnd, skipTrivia, splitStatements, tokenize, trimBack, type RawStatement, type SqlFlavor } from './lexer';
import { loadPgWasm, PgParseError, pgParse, pgParsePlPgSql, pgScan, type PgRawStmt } from './pgwasm';
import { SourceText, sourceTextFor } from './text';

/* eslint-disable @typescript-eslint/no-explicit-any */
export type AstNode = any;

export interface ParsedStatement {
  /** UTF-16 offsets of the statement, trimmed, without the trailing `;`. */
  start: number;
  end: number;
  /**
   * Postgres: the statement node (`{ CreateStmt: … }`), locations inside are UTF-8 byte offsets
   * relative to `byteBase`. MySQL/SQLite: node-sql-parser's AST, locations relative to `start`.
   */
  ast?: AstNode;
  /** Postgres: the node type (`CreateStmt`), known without building `ast`. */
  kind?: string;
  byteBase: number;
  /** Set when the statement does not parse. */
  error?: string;
}

/**
 * A parsed Postgres statement whose `ast` is built from its JSON on first access (see pgwasm.ts):
 * the replay reads the node types it models and skips the rest without building them.
 */
class PgStatement implements ParsedStatement {
  readonly kind: string;
  private tree: AstNode;
  private raw: PgRawStmt | undefined;
  constructor(
    readonly start: number,
    readonly end: number,
    readonly byteBase: number,
    raw: PgRawStmt,
  ) {
    this.raw = raw;
    this.kind = raw.kind;
  }

  get ast(): AstNode {
    if (this.tree === undefined && this.raw) {
      this.tree = this.raw.node();
      this.raw = undefined;
    }
    return this.tree;
  }

  set ast(v: AstNode) {
    this.tree = v;
    this.raw?.release?.();
    this.raw = undefined;
  }
}

export interface ParsedFile {
  source: SourceText;
  dialect: SqlFlavor;
  statements: ParsedStatement[];
  /** Set when the parser itself is unusable (wasm not loaded). */
  fatal?: string;
}

let pgReady = false;
let pgLoading: Promise<void> | undefined;

/** Loads the libpg-query wasm once. Await before the first `analyze` of Postgres SQL. */
export function loadSqlParser(): Promise<void> {
  if (pgReady) return Promise.resolve();
  pgLoading ??= loadPgWasm().then(() => {
    pgReady = true;
  });
  return pgLoading;
}

export function sqlParserReady(): boolean {
  return pgReady;
}

/** Whether anything asked for the Postgres parser in this process (its wasm is loaded or loading). */
export function sqlParserRequested(): boolean {
  return pgLoading !== undefined || pgReady;
}


export function parseSql(file: string, text: string, dialect: SqlFlavor): ParsedFile {
  const source = sourceTextFor(file, text);
  if (dialect === 'postgresql') {
    if (!pgReady) return { source, dialect, statements: [], fatal: 'The Postgres parser (libpg-query) is still loading.' };
    return { source, dialect, statements: parsePostgres(source) };
  }
  return { source, dialect, statements: parseWithNodeSqlParser(source, dialect) };
}

function parsePostgres(source: SourceText): ParsedStatement[] {
  const text = source.text;
  if (!hasContent(text)) return [];
  let done: ParsedStatement[] = [];
  let from = 0;
  if (text.length > PG_RUN_CHARS) {
    const runs = parseInRuns(source);
    if (runs.from >= text.length) return runs.out;
    done = runs.out;
    from = runs.from;
  } else {
    try {
      return fromPgStmts(source, pgParse(text), 0, 0, text.length);
    } catch {
      // One bad statement fails the whole file: find it, parse the good runs around it in one go.
    }
  }
  return done.concat(parsePostgresRecovering(source, from));
}

/**
 * A text longer than this (a structure dump) is parsed in runs of whole statements about this long, one parse each.
 * The parser's wasm memory grows to what the largest parse needs (some 60 times its text) and never shrinks: a
 * 1.7 MB dump parsed at once kept 100 MB more in the server for good. In runs, it keeps what one run needs.
 */
const PG_RUN_CHARS = 128 * 1024;

/**
 * Parses the text in runs (see PG_RUN_CHARS) as long as they parse. A run ends after a `;` that ends a line outside a
 * `--` comment, found by looking at that line only: such a `;` can still be inside a string, a dollar-quoted body
 * or a block comment, which then runs on past the end of the run. Postgres refuses that run ("unterminated …", its
 * error cursor on the opening quote): the run is cut again before the statement the cursor falls in. A run that
 * still does not parse holds a real error: what is left from its start is for parsePostgresRecovering.
 */
function parseInRuns(source: SourceText): { out: ParsedStatement[]; from: number } {
  const text = source.text;
  const out: ParsedStatement[] = [];
  let start = 0;
  while (skipTrivia(text, start, text.length, 'postgresql') < text.length) {
    let end = text.length - start > PG_RUN_CHARS ? runEnd(text, start + (PG_RUN_CHARS >> 2), start + PG_RUN_CHARS) : text.length;
    const byteBase = source.byteAt(start);
    let stmts: PgRawStmt[] | undefined;
    for (let attempt = 0; attempt < 2 && stmts === undefined; attempt++) {
      try {
        stmts = pgParse(text.slice(start, end));
      } catch (e) {
        const cursor = e instanceof PgParseError ? e.cursorPosition : -1;
        const at = cursor >= 0 ? source.charAt(byteBase + cursor) : -1;
        // Cut before the statement the error is in (the last run end before it), if that leaves a run.
        const cut = attempt === 0 && at > start ? runEndBefore(text, start, at) : -1;
        if (cut <= start || cut >= end) return { out, from: start };
        end = cut;
      }
    }
    if (stmts === undefined) return { out, from: start };
    for (const st of fromPgStmts(source, stmts, start, byteBase, end)) out.push(st);
    start = end;
  }
  return { out, from: text.length };
}

/** Whether the `;` at `i` ends its line and no `--` comes before it on that line. */
function endsRun(text: string, i: number): boolean {
  let k = i + 1;
  while (k < text.length && (text.charCodeAt(k) === 32 || text.charCodeAt(k) === 9 || text.charCodeAt(k) === 13)) k++;
  if (k < text.length && text.charCodeAt(k) !== 10) return false;
  for (let j = text.lastIndexOf('\n', i) + 1; j < i; j++) if (text.charCodeAt(j) === 45 && text.charCodeAt(j + 1) === 45) return false;
  return true;
}

/** The end of a run (just after its `;`) at or before `max` and after `min`, else the first one after `max`, else the end. */
function runEnd(text: string, min: number, max: number): number {
  const before = runEndBefore(text, min - 1, max);
  if (before >= 0) return before;
  for (let i = text.indexOf(';', max); i >= 0; i = text.indexOf(';', i + 1)) if (endsRun(text, i)) return i + 1;
  return text.length;
}

/** The last run end whose `;` is after `start` and before `at`, or -1. */
function runEndBefore(text: string, start: number, at: number): number {
  for (let i = text.lastIndexOf(';', at - 1); i > start; i = text.lastIndexOf(';', i - 1)) if (endsRun(text, i)) return i + 1;
  return -1;
}

/** The statements of the text from `from` on, around the ones that do not parse. */
function parsePostgresRecovering(source: SourceText, from: number): ParsedStatement[] {
  const text = source.text;
  // Split from the start even so: what comes before can change how the rest splits (COPY … FROM stdin; data).
  const raws = from > 0 ? splitStatements(text, 'postgresql').filter((r) => r.start >= from) : splitStatements(text, 'postgresql');
  const out: ParsedStatement[] = [];
  let errors = 0;
  let pos = 0;
  while (pos < raws.length) {
    if (errors >= MAX_ERRORS_BEFORE_STATEMENT_BY_STATEMENT) {
      for (; pos < raws.length; pos++) out.push(...parseOne(source, raws[pos]));
      break;
    }
    const start = raws[pos].start;
    const end = raws[raws.length - 1].end;
    const byteBase = source.byteAt(start);
    try {
      out.push(...fromPgStmts(source, pgParse(text.slice(start, end)), start, byteBase, end));
      break;
    } catch (e) {
      errors++;
      const bad = failingStatement(source, raws, pos, byteBase, e);
      // The run before the bad statement parsed up to the error: parse it as one chunk.
      if (bad > pos) {
        const runStart = raws[pos].start;
        const runEnd = raws[bad - 1].end;
        const runBase = source.byteAt(runStart);
        try {
          out.push(...fromPgStmts(source, pgParse(text.slice(runStart, runEnd)), runStart, runBase, runEnd));
        } catch {
          for (let k = pos; k < bad; k++) out.push(...parseOne(source, raws[k]));
        }
      }
      out.push(...parseOne(source, raws[bad]));
      pos = bad + 1;
    }
  }
  return out;
}

const MAX_ERRORS_BEFORE_STATEMENT_BY_STATEMENT = 20;

/** The index of the statement the parser's error cursor (a byte offset into the chunk) falls in. */
function failingStatement(source: SourceText, raws: RawStatement[], from: number, byteBase: number, e: unknown): number {
  const cursor = e instanceof PgParseError ? e.cursorPosition : undefined;
  if (cursor === undefined || cursor < 0) return from;
  const at = source.charAt(byteBase + cursor);
  let lo = from;
  let hi = raws.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    // A statement owns the text up to the next statement's start (its `;` and what follows).
    if (mid + 1 < raws.length && raws[mid + 1].start <= at) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function parseOne(source: SourceText, raw: RawStatement): ParsedStatement[] {
  const text = source.text;
  const byteBase = source.byteAt(raw.start);
  try {
    return fromPgStmts(source, pgParse(text.slice(raw.start, raw.end)), raw.start, byteBase, raw.end);
  } catch (e) {
    return [{ start: raw.start, end: raw.end, byteBase, error: errorMessage(e) }];
  }
}

function fromPgStmts(source: SourceText, stmts: PgRawStmt[], charBase: number, byteBase: number, limit: number): ParsedStatement[] {
  const text = source.text;
  const out: ParsedStatement[] = [];
  for (const s of stmts) {
    const loc = s.stmt_location;
    const len = s.stmt_len;
    let start = source.charAt(byteBase + loc);
    let end = len > 0 ? source.charAt(byteBase + loc + len) : limit;
    if (start < charBase) start = charBase;
    if (end > limit) end = limit;
    start = skipTrivia(text, start, end, 'postgresql');
    end = trimBack(text, start, end, ';');
    end = trimCommentsBack(text, start, end);
    out.push(new PgStatement(start, end, byteBase, s));
  }
  return out;
}

/** The statement's last token may be followed by comments inside stmt_len (`… ) -- note`). */
function trimCommentsBack(text: string, start: number, end: number): number {
  // Only a statement whose last line holds `--`, or which ends with `*/`, can end in a comment.
  if (end - start < 2) return end;
  const endsBlock = text.charCodeAt(end - 1) === 47 && text.charCodeAt(end - 2) === 42;
  if (!endsBlock) {
    let i = end - 1;
    let dash = false;
    while (i > start && text.charCodeAt(i) !== 10) {
      if (text.charCodeAt(i) === 45 && text.charCodeAt(i - 1) === 45) {
        dash = true;
        break;
      }
      i--;
    }
    if (!dash) return end;
  }
  const toks = tokenize(text, 'postgresql', start, end);
  let k = toks.length - 1;
  while (k > 0 && toks[k].kind === 'comment') k--;
  return k >= 0 && toks[k].kind !== 'comment' ? trimBack(text, start, toks[k].end, ';') : end;
}

function hasContent(text: string): boolean {
  return skipTrivia(text, 0, text.length, 'postgresql') < text.length;
}

function errorMessage(e: unknown): string {
  const m = e instanceof Error ? e.message : String(e);
  return m.length > 300 ? m.slice(0, 300) + '…' : m;
}

let sqlParser: SqlParser | undefined;

/** The one node-sql-parser (MySQL and SQLite), made on first use: the review's, and the fix writer's checks. */
export function nodeSqlParser(): SqlParser {
  return (sqlParser ??= new SqlParser());
}

function parseWithNodeSqlParser(source: SourceText, dialect: SqlFlavor): ParsedStatement[] {
  const parser = nodeSqlParser();
  const text = source.text;
  const out: ParsedStatement[] = [];
  const database = dialect === 'mysql' ? 'mysql' : 'sqlite';
  for (const raw of splitStatements(text, dialect)) {
    const chunk = text.slice(raw.start, raw.end);
    try {
      const ast = parser.astify(chunk, { database, parseOptions: { includeLocations: true } } as never);
      const node = Array.isArray(ast) ? ast[0] : ast;
      out.push({ start: raw.start, end: raw.end, ast: node, byteBase: 0 });
    } catch (e) {
      const fallback = dialect === 'sqlite' ? sqliteDropIndex(text, raw.start, raw.end) : mysqlRenameIndex(text, raw.start, raw.end);
      if (fallback) out.push({ start: raw.start, end: raw.end, ast: fallback, byteBase: 0 });
      // Valid statements node-sql-parser cannot read and that hold no schema facts are skipped quietly.
      else if (holdsNoSchema(text, raw.start, raw.end, dialect)) out.push({ start: raw.start, end: raw.end, byteBase: 0 });
      else out.push({ start: raw.start, end: raw.end, byteBase: 0, error: errorMessage(e) });
    }
  }
  return out;
}

/**
 * A statement's tokens without comments, read by index: `word(i)` lower-cased, `punct(i, c)`, and `ident(i)` (a word,
 * or a quoted name unquoted: SQLite's `"…"`, `` `…` `` and `[…]`, MySQL's `` `…` `` only). For the statements the
 * dialect parsers refuse and the front-end reads from their tokens.
 */
function statementTokens(text: string, flavor: 'sqlite' | 'mysql', start: number, end: number) {
  const toks = tokenize(text, flavor, start, end).filter((t) => t.kind !== 'comment');
  const word = (i: number): string | undefined => (i < toks.length && toks[i].kind === 'word' ? text.slice(toks[i].start, toks[i].end).toLowerCase() : undefined);
  const punct = (i: number, c: string): boolean => i < toks.length && toks[i].kind === 'punct' && text.slice(toks[i].start, toks[i].end) === c;
  const ident = (i: number): string | undefined => {
    const t = toks[i];
    if (!t || (t.kind !== 'word' && t.kind !== 'quoted')) return undefined;
    const raw = text.slice(t.start, t.end);
    if (t.kind === 'word') return raw;
    if (flavor === 'mysql' && raw[0] !== '`') return undefined;
    const close = raw[0] === '[' ? ']' : raw[0];
    return raw.slice(1, -1).split(close + close).join(close);
  };
  return { toks, word, punct, ident };
}

/**
 * SQLite's `DROP INDEX [IF EXISTS] [schema.]name` (drizzle-kit and Prisma write it), which node-sql-parser's SQLite
 * grammar refuses (it wants MySQL's `… ON table`): the statement the replay reads, from the tokens.
 */
function sqliteDropIndex(text: string, start: number, end: number): AstNode | undefined {
  const { toks, word, punct, ident } = statementTokens(text, 'sqlite', start, end);
  if (word(0) !== 'drop' || word(1) !== 'index') return undefined;
  let k = 2;
  if (word(k) === 'if' && word(k + 1) === 'exists') k += 2;
  let name = ident(k++);
  if (name !== undefined && punct(k, '.')) {
    name = ident(k + 1);
    k += 2;
  }
  if (name === undefined) return undefined;
  if (punct(k, ';')) k++;
  return k === toks.length ? { type: 'drop', keyword: 'index', name } : undefined;
}

/**
 * MySQL's `ALTER TABLE [db.]t RENAME {INDEX|KEY} a TO b` (Prisma writes it when an index's name changes), which
 * node-sql-parser's MySQL grammar refuses: the statement the replay reads, from the tokens (one rename, nothing else).
 */
function mysqlRenameIndex(text: string, start: number, end: number): AstNode | undefined {
  const { toks, word, punct, ident } = statementTokens(text, 'mysql', start, end);
  if (word(0) !== 'alter' || word(1) !== 'table') return undefined;
  let k = 2;
  let db: string | null = null;
  let table = ident(k++);
  if (table !== undefined && punct(k, '.')) {
    db = table;
    table = ident(k + 1);
    k += 2;
  }
  if (table === undefined || word(k) !== 'rename' || (word(k + 1) !== 'index' && word(k + 1) !== 'key')) return undefined;
  const from = ident(k + 2);
  const to = word(k + 3) === 'to' ? ident(k + 4) : undefined;
  if (from === undefined || to === undefined) return undefined;
  k += 5;
  if (punct(k, ';')) k++;
  return k === toks.length ? { type: 'alter', table: [{ db, table }], expr: [{ action: 'rename', resource: 'index', old_index: from, index: to }] } : undefined;
}

/**
 * A MySQL/SQLite statement that is valid but that node-sql-parser does not read, and that holds no schema facts:
 * a trigger, procedure, function or event (`CREATE [OR REPLACE] [DEFINER = u@h] [SQL SECURITY …] [AGGREGATE]
 * TRIGGER|PROCEDURE|FUNCTION|EVENT …`, mysqldump writes their `BEGIN … END` bodies between `DELIMITER ;;` lines),
 * SQLite's `PRAGMA` (every Prisma SQLite migration that redefines a table has some), and SQLite's `CREATE VIRTUAL TABLE
 * … USING fts5(…)` (a full-text index kept by triggers: no primary key, foreign key or index, SQLite refuses CREATE INDEX
 * on it). Decided on the tokens.
 */
function holdsNoSchema(text: string, start: number, end: number, dialect: SqlFlavor): boolean {
  const words: string[] = [];
  for (const t of tokenize(text, dialect, start, Math.min(end, start + 400))) {
    if (t.kind === 'comment') continue;
    words.push(t.kind === 'word' ? text.slice(t.start, t.end).toLowerCase() : text.slice(t.start, t.end));
    if (words.length >= 24) break;
  }
  if (dialect === 'sqlite' && words[0] === 'pragma') return true;
  if (words[0] !== 'create') return false;
  let k = 1;
  if (words[k] === 'or' && words[k + 1] === 'replace') k += 2;
  if (dialect === 'sqlite' && (words[k] === 'temp' || words[k] === 'temporary')) k++;
  if (dialect === 'sqlite' && words[k] === 'virtual' && words[k + 1] === 'table') return true;
  if (words[k] === 'definer' && words[k + 1] === '=') {
    // DEFINER = `user`@`host` | 'user'@'host' | user@host | CURRENT_USER[()]
    k += 3;
    if (words[k] === '@') k += 2;
    else if (words[k] === '(' && words[k + 1] === ')') k += 2;
  }
  if (words[k] === 'sql' && words[k + 1] === 'security') k += 3;
  if (words[k] === 'aggregate') k++;
  const what = words[k];
  return what === 'trigger' || what === 'procedure' || what === 'function' || what === 'event';
}

/**
 * The statements a `DO` block runs (text[doStart, doEnd) is the DO statement, text[bodyStart, bodyEnd) its
 * dollar-quoted body), found by PL/pgSQL's own parser (libpg-query's parsePlPgSQL), each parsed by the Postgres
 * parser with its exact range. Replayed: the static SQL statements of the block's body, of nested blocks, and of
 * the THEN branch of an IF: the idempotent migration pattern `IF NOT EXISTS (SELECT … FROM pg_constraint …) THEN
 * ALTER TABLE … END IF` runs its THEN branch on the database the history builds. Not replayed: EXCEPTION handlers
 * (they run only when the body failed), ELSIF/ELSE branches, loops, and dynamic SQL (EXECUTE). Each statement comes
 * with the scopes it runs in (see DoScope), which decide whether it takes effect.
 */
export function parseDoBlock(source: SourceText, doStart: number, doEnd: number, bodyStart: number, bodyEnd: number): DoBlockStatement[] {
  const text = source.text;
  let tree: AstNode;
  try {
    tree = pgParsePlPgSql(text.slice(doStart, doEnd));
  } catch {
    return []; // not valid PL/pgSQL: Postgres fails it at run time, nothing to replay
  }
  const queries: StaticSql[] = [];
  for (const f of tree?.plpgsql_funcs ?? []) collectStaticSql(f?.PLpgSQL_function?.action, [], queries);
  if (queries.length === 0) return [];
  // PL/pgSQL numbers the body's lines from 1 (the rest of the line of the opening quote).
  const lineStarts = [bodyStart];
  for (let i = text.indexOf('\n', bodyStart); i >= 0 && i < bodyEnd; i = text.indexOf('\n', i + 1)) lineStarts.push(i + 1);
  const out: DoBlockStatement[] = [];
  let from = bodyStart;
  for (const { query, lineno, scopes } of queries) {
    // The query is the body's text of the statement, as written: find it from its line on.
    const lineStart = lineStarts[Math.min(Math.max(lineno - 1, 0), lineStarts.length - 1)];
    let at = text.indexOf(query, Math.max(lineStart, from));
    if (at < 0 || at + query.length > bodyEnd) at = text.indexOf(query, from);
    if (at < 0 || at + query.length > bodyEnd) continue;
    from = at + query.length;
    try {
      for (const st of fromPgStmts(source, pgParse(query), at, source.byteAt(at), at + query.length)) if (DO_REPLAYED.has(st.kind ?? '')) out.push({ statement: st, scopes });
    } catch {
      // PL/pgSQL accepted what the SQL parser does not (a variable where a name goes): not replayable.
    }
  }
  return out;
}

/** Statement kinds of a DO block that change the schema the replay models. */
const DO_REPLAYED = new Set(['CreateStmt', 'AlterTableStmt', 'IndexStmt', 'DropStmt', 'RenameStmt', 'CommentStmt', 'CreateEnumStmt', 'AlterEnumStmt']);

/**
 * What a statement of a DO block runs in, outermost first: a block with an EXCEPTION clause (its handlers' condition
 * names or SQLSTATEs, lower case: `duplicate_object`, `others`, `42710`), which runs as a subtransaction that an error
 * it catches rolls back whole; or the THEN branch of an IF (its condition as written). One object per scope: the
 * statements of one block share it.
 */
export type DoScope = { kind: 'handled'; conditions: readonly string[] } | { kind: 'then'; condition: string };

export interface DoBlockStatement {
  statement: ParsedStatement;
  scopes: readonly DoScope[];
}

interface StaticSql {
  query: string;
  lineno: number;
  scopes: readonly DoScope[];
}

/** The static SQL (`PLpgSQL_stmt_execsql`) of a PL/pgSQL statement tree, in order, with its scopes (see parseDoBlock). */
function collectStaticSql(node: AstNode, scopes: readonly DoScope[], out: StaticSql[]): void {
  if (!node || typeof node !== 'object') return;
  if (Array.isArray(node)) {
    for (const n of node) collectStaticSql(n, scopes, out);
    return;
  }
  if (node.PLpgSQL_stmt_block) {
    const b = node.PLpgSQL_stmt_block;
    const handlers: AstNode[] = b.exceptions?.PLpgSQL_exception_block?.exc_list ?? [];
    const conditions = handlers.flatMap((e: AstNode) => (e?.PLpgSQL_exception?.conditions ?? []).map((c: AstNode) => String(c?.PLpgSQL_condition?.condname ?? '').toLowerCase()));
    collectStaticSql(b.body, handlers.length > 0 ? [...scopes, { kind: 'handled', conditions }] : scopes, out);
  } else if (node.PLpgSQL_stmt_if) {
    const i = node.PLpgSQL_stmt_if;
    const condition = i.cond?.PLpgSQL_expr?.query;
    collectStaticSql(i.then_body, [...scopes, { kind: 'then', condition: typeof condition === 'string' ? condition : '' }], out);
  } else if (node.PLpgSQL_stmt_execsql) {
    const e = node.PLpgSQL_stmt_execsql;
    const query = e.sqlstmt?.PLpgSQL_expr?.query;
    if (typeof query === 'string' && query.trim() !== '') out.push({ query, lineno: typeof e.lineno === 'number' ? e.lineno : 0, scopes });
  }
}

export interface FoundComment {
  start: number;
  end: number;
  text: string;
  /** Code precedes the comment on its line. */
  trailing: boolean;
}

/**
 * The file's `--`/`#`/`/* *\/` comments that mention `schema-review-ignore` (the scanner finds
 * comments; the text test only decides whether scanning is worth it).
 */
export function ignoreComments(source: SourceText, dialect: SqlFlavor): FoundComment[] {
  const text = source.text;
  if (!text.includes('schema-review-ignore')) return [];
  const spans: { start: number; end: number }[] = [];
  let scanned = false;
  if (dialect === 'postgresql' && pgReady) {
    try {
      for (const t of pgScan(text).tokens) {
        if (t.tokenName === 'SQL_COMMENT' || t.tokenName === 'C_COMMENT') spans.push({ start: source.charAt(t.start), end: source.charAt(t.end) });
      }
      scanned = true;
    } catch {
      // The scanner fails on an unterminated string or comment: use our tokenizer.
    }
  }
  if (!scanned) {
    for (const t of tokenize(text, dialect)) if (t.kind === 'comment') spans.push({ start: t.start, end: t.end });
  }
  const out: FoundComment[] = [];
  for (const s of spans) {
    const body = text.slice(s.start, s.end);
    if (!body.includes('schema-review-ignore')) continue;
    const lineStart = text.lastIndexOf('\n', s.start - 1) + 1;
    out.push({ start: s.start, end: s.end, text: body, trailing: text.slice(lineStart, s.start).trim().length > 0 });
  }
  return out;
}

/** End of the (qualified) name at `i`, for name ranges. */
export function nameEnd(text: string, i: number, dialect: SqlFlavor): number {
  return identifierEnd(text, i, text.length, dialect);
}
