/**
 * Where and how in-place SQL fixes write: a table's name as the file wrote it, and the point after the statement a
 * new statement belongs to. Kept apart from write.ts (the intents) because they read the file's text, not the model.
 */
import type { Database, ForeignKey, Loc, MigrationStatement, Table } from '../../../../rules/model';
import { isCovered } from '../../../../rules/types';
import type { SourceReader, TextEdit } from '../types';
import { tokenize, type SqlFlavor } from './lexer';
import { sourceTextFor, type SourceText } from './text';

/** The value of one written identifier part: `"User"` → `User`, `` `a` `` → `a`, an unquoted Postgres name folds to lower case. */
function identValue(raw: string, flavor: SqlFlavor): string {
  const q = raw[0];
  if ((q === '"' || q === '`') && raw.length >= 2 && raw[raw.length - 1] === q) return raw.slice(1, -1).split(q + q).join(q);
  if (q === '[' && raw[raw.length - 1] === ']') return raw.slice(1, -1);
  return flavor === 'postgresql' ? raw.toLowerCase() : raw;
}

/**
 * The qualified name of a table as the statement that created it wrote it (`public.posts`, `"billing"."Invoice"`),
 * when it names the table by its current name with a schema; undefined otherwise (unqualified, renamed since,
 * not found). pg_dump empties `search_path` (`set_config('search_path', '', false)`), so in a dump only a qualified
 * name resolves: every statement a fix adds must name tables the way the dump does.
 */
export function writtenTableName(db: Database, name: string, reader: SourceReader, flavor: SqlFlavor): string | undefined {
  // Every fix of a review names tables: each is read once per database, while its file still reads the same.
  let known = writtenNames.get(db);
  if (!known) writtenNames.set(db, (known = new Map()));
  const hit = known.get(name);
  if (hit && (hit.file === undefined || reader.read(hit.file) === hit.text)) return hit.written;
  const file = tableNamed(db, name)?.nameLoc.file;
  const written = readWrittenName(db, name, reader, flavor);
  known.set(name, { written, file, text: file === undefined ? undefined : reader.read(file) });
  return written;
}

/** The first table of this name, as `db.tables.find` answers, from a map built once per database (fixes ask per table). */
export function tableNamed(db: Database, name: string): Table | undefined {
  let byName = tablesByName.get(db);
  if (!byName) {
    byName = new Map();
    for (const t of db.tables) if (!byName.has(t.name)) byName.set(t.name, t);
    tablesByName.set(db, byName);
  }
  return byName.get(name);
}

const tablesByName = new WeakMap<Database, Map<string, Table>>();

const writtenNames = new WeakMap<Database, Map<string, { written: string | undefined; file: string | undefined; text: string | undefined }>>();

function readWrittenName(db: Database, name: string, reader: SourceReader, flavor: SqlFlavor): string | undefined {
  const table = tableNamed(db, name);
  if (!table) return undefined;
  const text = reader.read(table.nameLoc.file);
  if (text === undefined) return undefined;
  const src = sourceTextFor(table.nameLoc.file, text);
  const start = src.offset(table.nameLoc.range.start);
  const end = src.offset(table.nameLoc.range.end);
  const parts: string[] = [];
  let wantDot = false;
  for (const t of tokenize(text, flavor, start, end)) {
    if (t.kind === 'comment') continue;
    const raw = text.slice(t.start, t.end);
    if (wantDot) {
      if (raw !== '.') return undefined;
      wantDot = false;
    } else {
      if (t.kind !== 'word' && t.kind !== 'quoted') return undefined;
      parts.push(raw);
      wantDot = true;
    }
  }
  if (parts.length < 2) return undefined;
  const values = parts.map((p) => identValue(p, flavor));
  const dot = name.lastIndexOf('.');
  const bare = dot < 0 ? name : name.slice(dot + 1);
  const schema = dot < 0 ? undefined : name.slice(0, dot);
  if (values[values.length - 1] !== bare) return undefined;
  // The model drops `public.` (Postgres' default schema); any other schema is part of the name.
  const writtenSchema = values.slice(0, -1).join('.');
  if (schema !== undefined ? writtenSchema !== schema : flavor === 'postgresql' && writtenSchema !== 'public') return undefined;
  return parts.join('.');
}

/** The line break a file uses (a fix's lines follow the file's). */
export function lineBreakOf(text: string): string {
  const i = text.indexOf('\n');
  return i > 0 && text[i - 1] === '\r' ? '\r\n' : '\n';
}

/**
 * Where statements appended to a file go: its end, or before the psql meta-commands that close it (pg_dump's
 * `\unrestrict <key>` must stay last: psql refuses statements after it… and the key pairs with `\restrict`).
 */
export function appendOffset(text: string): number {
  let pos = text.length;
  let best = pos;
  for (;;) {
    // The last line before pos (a final line break belongs to the line it ends).
    let lineEnd = pos;
    if (lineEnd > 0 && text[lineEnd - 1] === '\n') lineEnd--;
    if (lineEnd > 0 && text[lineEnd - 1] === '\r') lineEnd--;
    if (lineEnd <= 0) return best;
    const lineStart = text.lastIndexOf('\n', lineEnd - 1) + 1;
    const line = text.slice(lineStart, lineEnd).trim();
    if (line.startsWith('\\')) best = lineStart;
    else if (line !== '') return best;
    pos = lineStart;
  }
}

/**
 * Statements of files a database holds that its rules do not judge (a Supabase declarative schema, see
 * declarative.ts): fixes in those files are placed among them all the same.
 */
const placementOnly = new WeakMap<Database, MigrationStatement[]>();

export function setPlacementStatements(db: Database, statements: MigrationStatement[]): void {
  placementOnly.set(db, statements);
}

/** Every statement of the database's files, the judged ones first. */
export function allStatements(db: Database): readonly MigrationStatement[] {
  const extra = placementOnly.get(db);
  return extra?.length ? [...(db.statements ?? []), ...extra] : db.statements ?? [];
}

/** The statements of each file of a database, by start position (statements of a DO block follow the block). */
const statementsByFile = new WeakMap<Database, Map<string, MigrationStatement[]>>();

function statementsOf(db: Database, file: string): MigrationStatement[] {
  let byFile = statementsByFile.get(db);
  if (!byFile) {
    byFile = new Map();
    for (const s of allStatements(db)) {
      let list = byFile.get(s.loc.file);
      if (!list) byFile.set(s.loc.file, (list = []));
      list.push(s);
    }
    for (const list of byFile.values()) list.sort((a, b) => cmp(a.loc.range.start, b.loc.range.start));
    statementsByFile.set(db, byFile);
  }
  return byFile.get(file) ?? [];
}

function cmp(a: { line: number; character: number }, b: { line: number; character: number }): number {
  return a.line - b.line || a.character - b.character;
}

function contains(outer: Loc, inner: Loc): boolean {
  return outer.file === inner.file && cmp(outer.range.start, inner.range.start) <= 0 && cmp(inner.range.end, outer.range.end) <= 0;
}

/** Index of the last statement of `list` starting at or before `pos`, -1 when none. */
function lastAtOrBefore(list: readonly MigrationStatement[], pos: { line: number; character: number }): number {
  let lo = 0;
  let hi = list.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (cmp(list[mid].loc.range.start, pos) <= 0) {
      found = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found;
}

/** The outermost statement of the history that holds `loc` (the DO block, not the ALTER inside it). */
export function statementHolding(db: Database, loc: Loc): MigrationStatement | undefined {
  const list = statementsOf(db, loc.file);
  const i = lastAtOrBefore(list, loc.range.start);
  // Statements that start at the same point (one per foreign key of an ALTER) hold the same range.
  for (let k = i; k >= 0 && k >= i - 4; k--) {
    const s = list[k];
    if (!contains(s.loc, loc)) continue;
    if (!s.doBlock) return s;
    const d = lastAtOrBefore(list, s.doBlock.range.start);
    return d >= 0 && cmp(list[d].loc.range.start, s.doBlock.range.start) === 0 ? list[d] : s;
  }
  return undefined;
}

/** Per database: the foreign keys without an index, grouped by the outermost statement that adds them, in order. */
const unindexedByStatement = new WeakMap<Database, Map<MigrationStatement, ForeignKey[]>>();

function unindexedIn(db: Database, statement: MigrationStatement): ForeignKey[] {
  let map = unindexedByStatement.get(db);
  if (!map) {
    map = new Map();
    for (const t of db.tables) {
      for (const fk of t.foreignKeys) {
        if (isCovered(t, fk.columns)) continue;
        const s = statementHolding(db, fk.loc);
        if (!s) continue;
        let list = map.get(s);
        if (!list) map.set(s, (list = []));
        list.push(fk);
      }
    }
    for (const list of map.values()) list.sort((a, b) => cmp(a.loc.range.start, b.loc.range.start));
    unindexedByStatement.set(db, map);
  }
  return map.get(statement) ?? [];
}

/**
 * A point of its own, in `file`, for a statement that adds an index for the foreign key `fk` of `table`: right after the
 * statement that adds the foreign key (the table and its columns exist there). Several foreign keys of one statement
 * take the points after it in turn (after its `;`, then the starts of the lines that follow while they are blank), so
 * that fix-all, which never applies two insertions at one point, adds all their indexes in one pass. Undefined when
 * that statement is not a safe place: the table or a column was renamed after it, or it is not in an editable file.
 */
export function pointAfterForeignKey(db: Database, table: Table, fk: ForeignKey, columns: readonly string[], reader: SourceReader, flavor: SqlFlavor, editable: (statement: MigrationStatement) => boolean): { file: string; src: SourceText; offset: number; lead: Lead } | undefined {
  const statement = statementHolding(db, fk.loc);
  if (!statement || !editable(statement)) return undefined;
  const text = reader.read(statement.loc.file);
  if (text === undefined) return undefined;
  const src = sourceTextFor(statement.loc.file, text);
  // Names as they are now must be the names the statement used: nothing renamed them since.
  if (!namedAsWritten(table.nameLoc, table.name, src, flavor)) return undefined;
  for (const c of columns) {
    const col = table.columns.find((x) => x.name === c);
    if (!col || col.loc.file !== statement.loc.file || !namedAsWritten(col.loc, c, src, flavor, true)) return undefined;
  }
  const rank = Math.max(0, unindexedIn(db, statement).indexOf(fk));
  const { points, terminated } = pointsAfter(text, src.offset(statement.loc.range.end));
  const k = Math.min(rank, points.length - 1);
  return { file: statement.loc.file, src, offset: points[k], lead: k === 0 ? (terminated ? 'line' : 'semicolon') : undefined };
}

/**
 * The point right after the last of the statements that hold `locs` (a new foreign key goes after both its table and
 * the referenced key exist), when they are all in one editable file; undefined otherwise.
 */
export function pointAfterAll(db: Database, locs: readonly Loc[], reader: SourceReader, editable: (statement: MigrationStatement) => boolean): { file: string; src: SourceText; offset: number; lead: Lead } | undefined {
  let last: MigrationStatement | undefined;
  for (const loc of locs) {
    const s = statementHolding(db, loc);
    if (!s || !editable(s) || (last && s.loc.file !== last.loc.file)) return undefined;
    if (!last || cmp(s.loc.range.end, last.loc.range.end) > 0) last = s;
  }
  if (!last) return undefined;
  const text = reader.read(last.loc.file);
  if (text === undefined) return undefined;
  const src = sourceTextFor(last.loc.file, text);
  const { points, terminated } = pointsAfter(text, src.offset(last.loc.range.end));
  return { file: last.loc.file, src, offset: points[0], lead: terminated ? 'line' : 'semicolon' };
}

/** namedAsWritten's answers by location: each table's and column's name is checked once per text, not once per fix. */
const namedAnswers = new WeakMap<Loc, { name: string; text: string; ok: boolean }>();

/** Whether the first name at `loc` (a table's name, a column definition) is `name` (its last part, for a qualified name). */
function namedAsWritten(loc: Loc, name: string, src: SourceText, flavor: SqlFlavor, first = false): boolean {
  const known = namedAnswers.get(loc);
  if (known && known.name === name && known.text === src.text) return known.ok;
  const ok = readNamedAsWritten(loc, name, src, flavor, first);
  namedAnswers.set(loc, { name, text: src.text, ok });
  return ok;
}

function readNamedAsWritten(loc: Loc, name: string, src: SourceText, flavor: SqlFlavor, first: boolean): boolean {
  const text = src.text;
  const start = src.offset(loc.range.start);
  const end = src.offset(loc.range.end);
  const toks = tokenize(text, flavor, start, end).filter((t) => t.kind !== 'comment');
  const t = first ? toks[0] : [...toks].reverse().find((x) => x.kind === 'word' || x.kind === 'quoted');
  if (!t || (t.kind !== 'word' && t.kind !== 'quoted')) return false;
  const bare = first ? name : name.slice(name.lastIndexOf('.') + 1);
  return identValue(text.slice(t.start, t.end), flavor) === bare;
}

/**
 * The insertion points after a statement ending at `end`: just after its `;` (the new statement then starts on a line of
 * its own), then the start of the next line and of each blank line after it.
 */
function pointsAfter(text: string, end: number): { points: number[]; terminated: boolean } {
  let i = end;
  while (i < text.length && (text[i] === ' ' || text[i] === '\t')) i++;
  const terminated = text[i] === ';';
  const p0 = terminated ? i + 1 : end;
  const points = [p0];
  let j = p0;
  for (;;) {
    while (j < text.length && (text[j] === ' ' || text[j] === '\t' || text[j] === '\r')) j++;
    if (j >= text.length || text[j] !== '\n') break;
    j++;
    points.push(j);
  }
  return { points, terminated };
}

/**
 * How an insertion sits: `line` right after a statement's `;` (a line break first), `semicolon` right after a statement
 * without one (`;` and a line break first), undefined at the start of a line (a line break after).
 */
export type Lead = 'line' | 'semicolon' | undefined;

/** An insertion at `offset` of statements: on lines of their own, in the file's line breaks. */
export function insertStatements(src: SourceText, offset: number, lead: Lead, sql: string): TextEdit {
  const nl = lineBreakOf(src.text);
  const body = sql.split('\n').join(nl);
  return { range: src.range(offset, offset), newText: lead === 'line' ? `${nl}${body}` : lead === 'semicolon' ? `;${nl}${body}` : `${body}${nl}` };
}
