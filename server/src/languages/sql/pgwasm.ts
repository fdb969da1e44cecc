/**
 * A lean binding to libpg-query's wasm (the same Postgres parser, the package's pinned build). The
 * package's `parseSync` copies the text in and the tree's JSON (~5× the text) out through JS loops and
 * turns the whole tree into objects at once. Here the text is written natively into wasm memory, and
 * the JSON stays there, split per statement (each item of `stmts`): a statement's tree is built only
 * when the replay asks for it, one statement at a time (short-lived garbage), and the statements it
 * does not model (sequences, triggers, data) are never decoded at all.
 */
/* eslint-disable @typescript-eslint/no-explicit-any */

interface PgModule {
  HEAPU8: Uint8Array;
  _malloc(n: number): number;
  _free(p: number): void;
  _wasm_parse_query_raw(p: number): number;
  _wasm_free_parse_result(p: number): void;
  _wasm_scan(p: number): number;
  _wasm_parse_plpgsql?(p: number): number;
  _wasm_free_string(p: number): void;
}

let mod: PgModule | undefined;
let loading: Promise<void> | undefined;
/** A Buffer view of the wasm memory (replaced when the memory grows). */
let heap: Buffer = Buffer.alloc(0);

/** Instantiates the wasm once. */
export function loadPgWasm(): Promise<void> {
  if (mod) return Promise.resolve();
  loading ??= (async () => {
    // The emscripten glue file of the libpg-query package (its index.cjs wraps the same factory).
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const factory = require('libpg-query/wasm/libpg-query.js') as (arg?: object) => Promise<PgModule>;
    const m = await factory();
    if (typeof m._wasm_parse_query_raw !== 'function' || !(m.HEAPU8 instanceof Uint8Array)) throw new Error('libpg-query: unexpected wasm module shape');
    mod = m;
  })();
  return loading;
}

function view(m: PgModule): Buffer {
  const u8 = m.HEAPU8;
  if (heap.buffer !== u8.buffer) heap = Buffer.from(u8.buffer, u8.byteOffset, u8.byteLength);
  return heap;
}

/** The error libpg-query's parseSync throws, with the same message and cursor (0-based byte offset). */
export class PgParseError extends Error {
  constructor(
    message: string,
    readonly cursorPosition: number,
  ) {
    super(message);
    this.name = 'SqlError';
  }
}

function toWasm(m: PgModule, text: string): number {
  const len = Buffer.byteLength(text, 'utf8');
  const ptr = m._malloc(len + 1);
  const h = view(m);
  h.write(text, ptr, len, 'utf8');
  h[ptr + len] = 0;
  return ptr;
}

function cString(h: Buffer, ptr: number): string {
  return h.toString('utf8', ptr, h.indexOf(0, ptr));
}

/** One statement of a parse: where it is (bytes) and its node's JSON, decoded and parsed on demand. */
export interface PgRawStmt {
  /** The node type (`CreateStmt`, `AlterTableStmt`, …). */
  kind: string;
  stmt_location: number;
  stmt_len: number;
  /** Parses the statement node (`{ CreateStmt: … }`). Once per statement. */
  node(): any;
  /** Says the node will not be asked for (its bytes can go). */
  release?(): void;
}

const ITEM = Buffer.from('{"stmt":{"');
const HEAD = Buffer.from('{"version":');
const STMTS = Buffer.from(',"stmts":[');

/**
 * The last parse's result stays in wasm memory while its statements are read (the replay reads them right
 * after the parse): no copy of the tree's JSON (~5× the source) per file. The next parse frees it, first
 * copying out the statements nobody has read or released yet.
 */
let live: { resultPtr: number; items: LazyStmt[] } | undefined;

function retire(m: PgModule): void {
  const l = live;
  if (!l) return;
  live = undefined;
  // One copy of the span the unread statements cover, shared by them.
  let from = -1;
  let to = -1;
  for (const it of l.items) {
    if (!it.unread()) continue;
    if (from < 0) from = it.from();
    to = it.to();
  }
  if (from >= 0) {
    const bytes = Buffer.from(view(m).subarray(from, to));
    for (const it of l.items) if (it.unread()) it.detach(bytes, from);
  }
  m._wasm_free_parse_result(l.resultPtr);
}

/**
 * Parses `text` (the whole of it, one wasm call) into its statements. Throws PgParseError like
 * libpg-query's parseSync when the text does not parse.
 */
export function pgParse(text: string): PgRawStmt[] {
  const m = mod;
  if (!m) throw new Error('WASM module not initialized. Call loadModule() first.');
  if (text === '') throw new Error('Query cannot be empty');
  retire(m);
  const queryPtr = toWasm(m, text);
  let resultPtr = 0;
  let keep = false;
  try {
    resultPtr = m._wasm_parse_query_raw(queryPtr);
    if (!resultPtr) throw new Error('Failed to parse query: memory allocation failed');
    const h = view(m);
    const treePtr = h.readInt32LE(resultPtr);
    const errorPtr = h.readInt32LE(resultPtr + 8);
    if (errorPtr) {
      const messagePtr = h.readInt32LE(errorPtr);
      const cursorpos = h.readInt32LE(errorPtr + 16);
      const message = messagePtr ? cString(h, messagePtr) : 'Unknown error';
      throw new PgParseError(message, cursorpos > 0 ? cursorpos - 1 : 0);
    }
    if (!treePtr) throw new Error('No parse tree generated');
    const items = splitStmts(h.subarray(treePtr, h.indexOf(0, treePtr)), treePtr);
    if (items.length && items[0] instanceof LazyStmt) {
      live = { resultPtr, items: items as LazyStmt[] };
      keep = true;
    }
    return items;
  } finally {
    m._free(queryPtr);
    if (resultPtr && !keep) m._wasm_free_parse_result(resultPtr);
  }
}

/**
 * `{"version":N,"stmts":[{"stmt":{"<Kind>":{…}}[,"stmt_location":N][,"stmt_len":N]},…]}`: "stmt" is a
 * field of RawStmt only (the top-level items), and inside JSON strings every `"` is escaped, so each
 * `{"stmt":{"` starts an item. Anything unexpected falls back to parsing the whole JSON.
 */
function splitStmts(json: Buffer, base: number): PgRawStmt[] {
  const n = json.length;
  const out: PgRawStmt[] = [];
  if (json.indexOf(HEAD) !== 0 || json[n - 1] !== 125) return fallback(json);
  const s = json.indexOf(STMTS, HEAD.length);
  if (s < 0) return fallback(json);
  let i = s + STMTS.length;
  if (json[i] === 93 && i === n - 2) return out; // no statements
  if (json.indexOf(ITEM, i) !== i) return fallback(json);
  let lastStart = -1;
  for (;;) {
    const next = json.indexOf(ITEM, i + ITEM.length);
    // The item runs to the `,` before the next item, or to the closing `]}`.
    const itemEnd = next >= 0 ? next - 1 : n - 2;
    if (json[itemEnd] !== (next >= 0 ? 44 : 93) || json[itemEnd - 1] !== 125) return fallback(json);
    const kindEnd = json.indexOf(34, i + ITEM.length);
    const item = new LazyStmt(json.toString('latin1', i + ITEM.length, kindEnd), base + i, base + itemEnd);
    // The tail, read backwards: `}}` then the optional `,"stmt_location":N` and `,"stmt_len":N`.
    let p = itemEnd - 1; // the item's closing `}`
    for (;;) {
      let q = p - 1;
      let v = 0;
      let mul = 1;
      while (json[q] >= 48 && json[q] <= 57) {
        v += (json[q] - 48) * mul;
        mul *= 10;
        q--;
      }
      if (q === p - 1) break; // no number: this is the statement node's `}`
      if (endsWith(json, q + 1, LEN)) {
        item.stmt_len = v;
        p = q + 1 - LEN.length;
      } else if (endsWith(json, q + 1, LOC)) {
        item.stmt_location = v;
        p = q + 1 - LOC.length;
      } else return fallback(json);
    }
    if (json[p - 1] !== 125 || item.stmt_location <= lastStart) return fallback(json);
    lastStart = item.stmt_location;
    out.push(item);
    if (next < 0) return out;
    i = next;
  }
}

const LEN = Buffer.from(',"stmt_len":');
const LOC = Buffer.from(',"stmt_location":');

function endsWith(b: Buffer, end: number, pat: Buffer): boolean {
  const s = end - pat.length;
  if (s < 0) return false;
  for (let k = 0; k < pat.length; k++) if (b[s + k] !== pat[k]) return false;
  return true;
}

class LazyStmt implements PgRawStmt {
  stmt_location = 0;
  stmt_len = 0;
  /** The item's bytes once its result was freed (see `live`). */
  private bytes: Buffer | undefined;
  private used = false;
  constructor(
    readonly kind: string,
    private start: number,
    private end: number,
  ) {}

  /** Parses the item (once: its bytes are let go). */
  node(): any {
    const b = this.bytes ?? (this.used ? undefined : view(mod!));
    if (!b) throw new Error('libpg-query: statement already read');
    this.used = true;
    this.bytes = undefined;
    return JSON.parse(b.toString('utf8', this.start, this.end)).stmt;
  }

  /** Nobody will ask for the node: its bytes need not outlive the result. */
  release(): void {
    this.used = true;
    this.bytes = undefined;
  }

  unread(): boolean {
    return !this.used && !this.bytes;
  }

  from(): number {
    return this.start;
  }

  to(): number {
    return this.end;
  }

  /** Reads from `bytes` (a copy of wasm memory from `offset`) from now on. */
  detach(bytes: Buffer, offset: number): void {
    this.bytes = bytes;
    this.start -= offset;
    this.end -= offset;
  }
}

class ParsedStmt implements PgRawStmt {
  readonly kind: string;
  readonly stmt_location: number;
  readonly stmt_len: number;
  constructor(private readonly raw: any) {
    const stmt = raw.stmt ?? {};
    let k = '';
    for (const key in stmt) {
      k = key;
      break;
    }
    this.kind = k;
    this.stmt_location = raw.stmt_location ?? 0;
    this.stmt_len = raw.stmt_len ?? 0;
  }

  node(): any {
    return this.raw.stmt;
  }
}

function fallback(json: Buffer): PgRawStmt[] {
  const tree = JSON.parse(json.toString('utf8'));
  return ((tree.stmts ?? []) as any[]).map((s) => new ParsedStmt(s));
}

/** libpg-query's scanSync: the scanner's tokens (`{ tokens: [{ start, end, tokenName, keywordKind }] }`). */
export function pgScan(text: string): { tokens: { start: number; end: number; text?: string; tokenName: string; keywordKind: number }[] } {
  const m = mod;
  if (!m) throw new Error('WASM module not initialized. Call loadModule() first.');
  const queryPtr = toWasm(m, text);
  let resultPtr = 0;
  try {
    resultPtr = m._wasm_scan(queryPtr);
    const s = resultPtr ? cString(view(m), resultPtr) : '';
    if (s.startsWith('syntax error') || s.startsWith('deparse error') || s.startsWith('ERROR')) throw new Error(s);
    return JSON.parse(s);
  } finally {
    m._free(queryPtr);
    if (resultPtr) m._wasm_free_string(resultPtr);
  }
}

/**
 * libpg-query's parsePlPgSQLSync: PL/pgSQL's own compiler on the `DO` blocks and `CREATE FUNCTION … LANGUAGE plpgsql`
 * statements of `text` (`{ plpgsql_funcs: [{ PLpgSQL_function: { action: { PLpgSQL_stmt_block: … } } }] }`).
 * Throws when a body is not valid PL/pgSQL.
 */
export function pgParsePlPgSql(text: string): any {
  const m = mod;
  if (!m) throw new Error('WASM module not initialized. Call loadModule() first.');
  if (typeof m._wasm_parse_plpgsql !== 'function') throw new Error('libpg-query: no PL/pgSQL parser in this build');
  const queryPtr = toWasm(m, text);
  let resultPtr = 0;
  try {
    resultPtr = m._wasm_parse_plpgsql(queryPtr);
    const s = resultPtr ? cString(view(m), resultPtr) : '';
    // Success is always a JSON object; anything else is an error message.
    if (!s.startsWith('{')) throw new Error(s || 'PL/pgSQL parse failed');
    return JSON.parse(s);
  } finally {
    m._free(queryPtr);
    if (resultPtr) m._wasm_free_string(resultPtr);
  }
}
