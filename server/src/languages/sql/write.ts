/**
 * Fix writing: a rule's intent → SQL text. A dump, a lone file or a not-yet-applied migration is
 * edited in place; for an applied migration history the fix goes into a NEW migration file named
 * the way that folder names them. Old migrations are never edited (moveToOwnMigration is the one
 * exception: Postgres refuses that statement, so the migration cannot have been applied).
 */
import type { Column, Database, Dialect, ForeignKey, MigrationStatement, Range, ReferentialAction, Table } from '../../../../rules/model';
import type { FixIntent } from '../../../../rules/types';
import type { FileEdit, SourceReader, TextEdit } from '../types';
import { discoverSql, readJournal, type SqlUnitHints } from './discover';
import { advance, cursor, matchingParen, skipTrivia, tokenize, wordIs, type SqlFlavor } from './lexer';
import { sqlParserReady } from './parse';
import { pgScan } from './pgwasm';
import { defaultName } from './replay';
import { sourceTextFor, type SourceText } from './text';

const ACTION_SQL: Record<ReferentialAction, string> = {
  Cascade: 'CASCADE',
  Restrict: 'RESTRICT',
  NoAction: 'NO ACTION',
  SetNull: 'SET NULL',
  SetDefault: 'SET DEFAULT',
};

function flavor(d: Dialect): SqlFlavor {
  return d === 'mysql' ? 'mysql' : d === 'sqlite' ? 'sqlite' : 'postgresql';
}

const FALLBACK_RESERVED = new Set(['all', 'and', 'any', 'as', 'asc', 'both', 'case', 'check', 'column', 'constraint', 'create', 'default', 'desc', 'distinct', 'do', 'else', 'end', 'false', 'for', 'foreign', 'from', 'grant', 'group', 'having', 'in', 'into', 'is', 'join', 'key', 'like', 'limit', 'not', 'null', 'offset', 'on', 'or', 'order', 'primary', 'references', 'select', 'table', 'then', 'to', 'true', 'union', 'unique', 'user', 'using', 'when', 'where', 'with', 'index']);

/** Is `name` a keyword Postgres would not accept as a bare column/table name? Asked of the real scanner. */
function isKeyword(name: string): boolean {
  if (sqlParserReady()) {
    const known = keywords.get(name);
    if (known !== undefined) return known;
    let answer: boolean;
    try {
      const toks = pgScan(name).tokens;
      answer = toks.length !== 1 || toks[0].keywordKind > 1;
    } catch {
      answer = true;
    }
    if (keywords.size >= 10_000) keywords.clear();
    keywords.set(name, answer);
    return answer;
  }
  return FALLBACK_RESERVED.has(name.toLowerCase());
}

/** The scanner's answers (a fix quotes the same table and column names again and again). */
const keywords = new Map<string, boolean>();

/** Quotes an identifier only when needed (`"User"`, `"order"`, `` `key` ``). Qualified names quote per part. */
export function quoteIdent(name: string, dialect: Dialect): string {
  // Fixes quote the same table and column names again and again: answers are kept once the scanner is loaded.
  const cache = sqlParserReady() ? (quoted[dialect] ??= new Map()) : undefined;
  const known = cache?.get(name);
  if (known !== undefined) return known;
  const parts = name.includes('.') && !name.startsWith('"') ? name.split('.') : [name];
  const answer = parts.map((p) => quotePart(p, dialect)).join('.');
  if (cache) {
    if (cache.size >= 10_000) cache.clear();
    cache.set(name, answer);
  }
  return answer;
}

const quoted: Partial<Record<Dialect, Map<string, string>>> = {};

function quotePart(p: string, dialect: Dialect): string {
  const plain = dialect === 'mysql' ? /^[A-Za-z_][A-Za-z0-9_$]*$/.test(p) : /^[a-z_][a-z0-9_$]*$/.test(p);
  if (plain && !isKeyword(p)) return p;
  return dialect === 'mysql' ? '`' + p.replace(/`/g, '``') + '`' : '"' + p.replace(/"/g, '""') + '"';
}

function list(cols: readonly string[], d: Dialect): string {
  return cols.map((c) => quoteIdent(c, d)).join(', ');
}

function literal(v: string): string {
  return "'" + v.replace(/'/g, "''") + "'";
}

/** A name for a new object/file part: lowercase, [a-z0-9_]. */
function slug(s: string): string {
  let out = '';
  for (const ch of s.toLowerCase()) out += (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') ? ch : '_';
  while (out.includes('__')) out = out.split('__').join('_');
  return out.replace(/^_+|_+$/g, '').slice(0, 50) || 'fix';
}

function bare(table: string): string {
  return table.includes('.') ? table.slice(table.lastIndexOf('.') + 1) : table;
}

// ---------------------------------------------------------------------------------------------
// Where the fix goes
// ---------------------------------------------------------------------------------------------

interface Target {
  hints: SqlUnitHints;
  files: string[];
  /** The last applied migration (newMigrations' anchor), computed once per target. */
  last?: { file: string | undefined };
  /**
   * New migrations already handed out for this database (one review): each fix gets its own version, so
   * applying several fixes at once never creates two migrations with the same version.
   */
  allocated?: number;
}

/**
 * The target of the last fix per database: every fix of a review asks for it, and discovery only
 * depends on the database's files and the few files it reads (lock file, journal), which must still
 * read as the very same text for the cached target to be used.
 */
const targets = new WeakMap<Database, { reads: [string, string | undefined][]; target: Target }>();

function targetOf(database: Database, reader: SourceReader): Target {
  const hit = targets.get(database);
  if (hit && sameReads(hit.reads, reader)) return hit.target;
  const reads = new Map<string, string | undefined>();
  const recording: SourceReader = {
    read(path) {
      const text = reader.read(path);
      reads.set(path, text);
      return text;
    },
  };
  const target = discoverTarget(database, recording);
  targets.set(database, { reads: [...reads], target });
  return target;
}

/** Every fix checks its target's reads again: a plain loop over pairs (no iterator or entry per check). */
function sameReads(reads: readonly [string, string | undefined][], reader: SourceReader): boolean {
  for (let i = 0; i < reads.length; i++) if (reader.read(reads[i][0]) !== reads[i][1]) return false;
  return true;
}

function discoverTarget(database: Database, reader: SourceReader): Target {
  const units = discoverSql(database.files, reader);
  const u = units.find((x) => x.files.includes(database.files[0])) ?? units[0];
  const hints = (u?.hints ?? { kind: 'file', dir: database.files[0] }) as SqlUnitHints;
  return { hints, files: u?.files ?? database.files.slice() };
}

function isHistory(t: Target): boolean {
  return t.hints.kind !== 'file';
}

function basename(p: string): string {
  return p.slice(p.lastIndexOf('/') + 1);
}
function dirname(p: string): string {
  return p.slice(0, p.lastIndexOf('/'));
}

function digits(s: string): string {
  let i = 0;
  while (i < s.length && s.charCodeAt(i) >= 48 && s.charCodeAt(i) <= 57) i++;
  return s.slice(0, i);
}

// Helpers are module functions, not closures made per call: a fix is written thousands of times per
// review, and with keepNames (tsx, esbuild) every such closure is also renamed when made.
function pad(n: number, w = 2): string {
  return String(n).padStart(w, '0');
}

function utcStamp(d: Date): string {
  return `${pad(d.getUTCFullYear(), 4)}${pad(d.getUTCMonth() + 1)}${pad(d.getUTCDate())}${pad(d.getUTCHours())}${pad(d.getUTCMinutes())}${pad(d.getUTCSeconds())}`;
}

function stampPart(stamp: string, a: number, b: number): number {
  return Number(stamp.slice(a, b));
}

/** The UTC date of a yyyymmddhhmmss stamp, or undefined when it is not a real date. */
function stampDate(stamp: string): Date | undefined {
  const p = stampPart;
  const d = new Date(Date.UTC(p(stamp, 0, 4), p(stamp, 4, 6) - 1, p(stamp, 6, 8), p(stamp, 8, 10), p(stamp, 10, 12), p(stamp, 12, 14)));
  return Number.isNaN(d.getTime()) || utcStamp(d) !== stamp ? undefined : d;
}

/** A version that sorts after `last`, in its format (a 14-digit timestamp, or a number of the same width). */
export function nextVersion(last: string, bump: number, now = new Date()): string {
  if (last.length === 14) {
    // Timestamps advance by whole seconds as dates (…59 is followed by the next minute, not …60).
    const lastDate = stampDate(last);
    const base = lastDate && lastDate.getTime() >= now.getTime() ? new Date(lastDate.getTime() + 1000) : now;
    const next = utcStamp(new Date(base.getTime() + bump * 1000));
    // A `last` that is not a real date (e.g. 00000000000000, 99999999999999) still must sort before the result.
    return BigInt(next) > BigInt(last) ? next : String(BigInt(last) + 1n + BigInt(bump));
  }
  const n = (last ? BigInt(last) : 0n) + 1n + BigInt(bump);
  return String(n).padStart(last.length || 4, '0');
}

interface NewMigration {
  file: string;
  edits: FileEdit[];
}

/**
 * The path(s) and extra edits for new migration(s) in a history folder. `bump` makes the n-th
 * of several new migrations.
 */
function newMigrations(t: Target, name: string, bodies: string[], reader: SourceReader, d: Dialect): NewMigration[] | undefined {
  const { hints, files } = t;
  const dir = hints.dir;
  if (!t.last) {
    const drafts = new Set(Array.isArray(hints.drafts) ? (hints.drafts as string[]) : []);
    const applied = files.filter((f) => !drafts.has(f));
    t.last = { file: applied[applied.length - 1] ?? files[files.length - 1] };
  }
  const last = t.last.file;
  const base = t.allocated ?? 0;
  t.allocated = base + bodies.length;
  const out: NewMigration[] = [];
  switch (hints.kind) {
    case 'prisma': {
      const lastVersion = last ? digits(basename(dirname(last))) : '';
      bodies.forEach((body, i) => {
        const v = nextVersion(lastVersion.length === 14 ? lastVersion : lastVersion || '00000000000000', base + i);
        const file = `${dir}/${v}_${name}/migration.sql`;
        out.push({ file, edits: [{ file, create: true, edits: [insertAt0(header(name, body))] }] });
      });
      return out;
    }
    case 'supabase':
    case 'timestamped':
    case 'numbered': {
      const lastName = last ? basename(last) : '';
      const flyway = (lastName[0] === 'V' || lastName[0] === 'v') && digits(lastName.slice(1)).length > 0;
      const lastVersion = flyway ? digits(lastName.slice(1)) : digits(lastName);
      const afterDigits = lastName.slice((flyway ? 1 : 0) + lastVersion.length);
      const sep = flyway ? '__' : afterDigits.startsWith('-') ? '-' : '_';
      bodies.forEach((body, i) => {
        const v = nextVersion(lastVersion || (hints.kind === 'supabase' ? '00000000000000' : '000'), base + i);
        const file = `${dir}/${flyway ? lastName[0] : ''}${v}${sep}${name}.sql`;
        out.push({ file, edits: [{ file, create: true, edits: [insertAt0(header(name, body))] }] });
      });
      return out;
    }
    case 'folders': {
      const lastVersion = last ? digits(basename(dirname(last))) : '';
      bodies.forEach((body, i) => {
        const v = nextVersion(lastVersion, base + i);
        const file = `${dir}/${v}_${name}/up.sql`;
        out.push({ file, edits: [{ file, create: true, edits: [insertAt0(header(name, body))] }] });
      });
      return out;
    }
    case 'drizzle': {
      const journalPath = `${dir}/meta/_journal.json`;
      const journalText = reader.read(journalPath);
      const journal = readJournal(reader, dir);
      if (!journal || journalText === undefined || !Array.isArray(journal.entries)) return undefined;
      const entries = journal.entries.slice();
      const lastEntry = entries[entries.length - 1] as Record<string, unknown> | undefined;
      const body = bodies.join('\n--> statement-breakpoint\n');
      const idx = entries.length;
      const tag = `${String(idx).padStart(4, '0')}_${name}`;
      const file = `${dir}/${tag}.sql`;
      entries.push({ ...(lastEntry ?? {}), idx, when: Date.now(), tag, breakpoints: true } as never);
      const newJournal = JSON.stringify({ ...journal, entries }, null, 2) + (journalText.endsWith('\n') ? '\n' : '');
      const src = sourceTextFor(journalPath, journalText);
      out.push({
        file,
        edits: [
          { file, create: true, edits: [insertAt0(`${body}\n`)] },
          { file: journalPath, edits: [{ range: src.range(0, journalText.length), newText: newJournal }] },
        ],
      });
      void d;
      return out;
    }
    default:
      return undefined;
  }
}

function header(name: string, body: string): string {
  return `-- Schema Review: ${name.split('_').join(' ')}\n${body}\n`;
}

function insertAt0(text: string): TextEdit {
  return { range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, newText: text };
}

/** Appends statements at the end of a file. */
function appendTo(file: string, reader: SourceReader, sql: string): FileEdit | undefined {
  const text = reader.read(file);
  if (text === undefined) return undefined;
  const src = sourceTextFor(file, text);
  const pos = src.position(text.length);
  const sep = text.length === 0 ? '' : text.endsWith('\n\n') ? '' : text.endsWith('\n') ? '\n' : '\n\n';
  return { file, edits: [{ range: { start: pos, end: pos }, newText: `${sep}${sql}\n` }] };
}

/** Whether the runner would wrap a new multi-statement migration in a transaction. */
function runnerWraps(t: Target, d: Dialect): boolean {
  if (d === 'mysql') return false;
  return t.hints.kind === 'prisma' || t.hints.kind === 'supabase' || t.hints.kind === 'drizzle';
}

/**
 * Writes `steps` either as one new migration or, where the runner wraps a file in a transaction
 * and a later step must run outside it (VALIDATE after NOT VALID, CONCURRENTLY), one per step.
 */
function asMigrations(t: Target, name: string, steps: string[], reader: SourceReader, d: Dialect, separate: boolean): FileEdit[] | undefined {
  const bodies = separate && runnerWraps(t, d) && t.hints.kind !== 'drizzle' ? steps : [steps.join('\n')];
  const made = newMigrations(t, name, bodies, reader, d);
  return made?.flatMap((m) => m.edits);
}

// ---------------------------------------------------------------------------------------------
// Intents
// ---------------------------------------------------------------------------------------------

export function writeSqlFix(intent: FixIntent, reader: SourceReader): FileEdit[] | undefined {
  if (!('database' in intent) || intent.database.language !== 'sql') return undefined;
  const db = intent.database;
  const d = db.dialect;
  const t = targetOf(db, reader);
  switch (intent.kind) {
    case 'setOnDelete':
      return setOnDelete(db, t, intent.table, intent.foreignKey, intent.action, reader);
    case 'addIndex':
      return addIndex(t, intent.table, intent.columns, reader, d);
    case 'dropIndex':
      return dropIndex(db, t, intent.table, intent.index, reader);
    case 'changeColumnType':
      return changeColumnType(t, intent.table, intent.column, intent.to, reader, d);
    case 'makeNullable':
      return makeNullable(t, intent.table, intent.column, reader, d);
    case 'addForeignKey':
      return addForeignKey(t, intent.table, intent.columns, intent.references, reader, d);
    case 'createEnum':
      return createEnum(t, intent.table, intent.column, intent.values, reader, d);
    case 'addConcurrently':
      return addConcurrently(intent.statement, reader, d);
    case 'addNotValid':
      return addNotValid(db, intent.statement, reader, d);
    case 'moveToOwnMigration':
      return moveToOwnMigration(t, intent.statement, reader, d);
    default:
      return undefined;
  }
}

function fkName(table: Table, fk: ForeignKey): string {
  return fk.name ?? defaultName(table.name, fk.columns, 'fkey');
}

function fkClause(fk: { columns: string[]; references: { table: string; columns: string[] } }, d: Dialect, onDelete?: ReferentialAction, onUpdate?: ReferentialAction): string {
  let s = `FOREIGN KEY (${list(fk.columns, d)}) REFERENCES ${quoteIdent(fk.references.table, d)} (${list(fk.references.columns, d)})`;
  if (onDelete) s += ` ON DELETE ${ACTION_SQL[onDelete]}`;
  if (onUpdate) s += ` ON UPDATE ${ACTION_SQL[onUpdate]}`;
  return s;
}

function setOnDelete(db: Database, t: Target, table: Table, fk: ForeignKey, action: ReferentialAction, reader: SourceReader): FileEdit[] | undefined {
  const d = db.dialect;
  const fkFile = fk.loc.file;
  const inPlace = !isHistory(t) || fk.migration?.applied === false;
  if (inPlace) return editActionInPlace(fk, action, reader, d);
  const name = fkName(table, fk);
  const tq = quoteIdent(table.name, d);
  const nq = quoteIdent(name, d);
  const migrationName = `set_on_delete_${slug(bare(table.name))}_${slug(fk.columns.join('_'))}`;
  if (d === 'mysql') {
    return asMigrations(t, migrationName, [`ALTER TABLE ${tq} DROP FOREIGN KEY ${nq}, ADD CONSTRAINT ${nq} ${fkClause(fk, d, action, fk.onUpdate)};`], reader, d, false);
  }
  if (d === 'sqlite') return undefined; // SQLite cannot alter a constraint: the table must be rebuilt.
  void fkFile;
  return asMigrations(
    t,
    migrationName,
    [
      `ALTER TABLE ${tq} DROP CONSTRAINT ${nq}, ADD CONSTRAINT ${nq} ${fkClause(fk, d, action, fk.onUpdate)} NOT VALID;`,
      `ALTER TABLE ${tq} VALIDATE CONSTRAINT ${nq};`,
    ],
    reader,
    d,
    true,
  );
}

/** Replaces `ON DELETE <action>` in the clause, or inserts it after the referenced columns. */
function editActionInPlace(fk: ForeignKey, action: ReferentialAction, reader: SourceReader, d: Dialect): FileEdit[] | undefined {
  const text = reader.read(fk.loc.file);
  if (text === undefined) return undefined;
  // A finding offers two or three actions for the same foreign key: where the action goes is found once per
  // text (plans hang off the file's SourceText, so they go with it when the text changes).
  const src = sourceTextFor(fk.loc.file, text);
  let plans = actionPlans.get(src);
  if (!plans) actionPlans.set(src, (plans = new WeakMap()));
  let hit = plans.get(fk);
  if (!hit || hit.d !== d) {
    hit = { d, plan: actionPlan(fk, src, d) };
    plans.set(fk, hit);
  }
  const plan = hit.plan;
  if (!plan) return undefined;
  const range = { start: { ...plan.range.start }, end: { ...plan.range.end } };
  return [{ file: fk.loc.file, edits: [{ range, newText: plan.insert ? ` ON DELETE ${ACTION_SQL[action]}` : ACTION_SQL[action] }] }];
}

interface ActionPlan {
  range: Range;
  /** Insert `ON DELETE …` (no action written), or replace the written action. */
  insert: boolean;
}

const actionPlans = new WeakMap<SourceText, WeakMap<ForeignKey, { d: Dialect; plan: ActionPlan | undefined }>>();

/**
 * Where the action of a foreign key clause goes: its first `ON DELETE <action>` (replaced), else after the last
 * `REFERENCES <table> [(<cols>)]` (inserted). One walk over the clause's tokens, comments skipped, no token array.
 */
function actionPlan(fk: ForeignKey, src: SourceText, d: Dialect): ActionPlan | undefined {
  const text = src.text;
  const fl = flavor(d);
  const start = src.offset(fk.loc.range.start);
  const end = src.offset(fk.loc.range.end);
  const t = cursor;
  let prevOn = false; // the previous token is ON
  let afterOnDelete = false; // the two previous tokens are ON DELETE
  // `ON DELETE SET|NO`: the action's first token, waiting for its second.
  let twoStart = -1;
  let twoEnd = -1;
  // After the last REFERENCES: 0 none, 1 expecting the name, 2 in the name (`a.b`), 3 past it.
  let ref = 0;
  let pos = -1;
  let lastDot = false;
  let i = start;
  while (advance(text, i, end, fl)) {
    i = t.end;
    if (t.kind === 'comment') continue;
    if (twoStart >= 0) return { range: src.range(twoStart, t.end), insert: false };
    const word = t.kind === 'word';
    if (afterOnDelete) {
      if (!(word && (wordIs(text, t.start, t.end, 'set') || wordIs(text, t.start, t.end, 'no')))) return { range: src.range(t.start, t.end), insert: false };
      twoStart = t.start;
      twoEnd = t.end;
      continue;
    }
    const dot = text.charCodeAt(t.start) === 46;
    if (word && wordIs(text, t.start, t.end, 'references')) {
      ref = 1;
      pos = t.end;
    } else if (ref === 1) {
      ref = 2;
      pos = t.end;
    } else if (ref === 2) {
      if (dot || lastDot) pos = t.end;
      else ref = 3;
    }
    lastDot = dot;
    afterOnDelete = prevOn && word && wordIs(text, t.start, t.end, 'delete');
    prevOn = word && wordIs(text, t.start, t.end, 'on');
  }
  if (twoStart >= 0) return { range: src.range(twoStart, twoEnd), insert: false };
  if (ref === 0) return undefined;
  const afterName = skipTrivia(text, pos, end, fl);
  if (text[afterName] === '(') pos = matchingParen(text, afterName, end, fl);
  return { range: src.range(pos, pos), insert: true };
}

/** `<table>_<columns>_idx`, keeping the names' case (Prisma's `Post_authorId_idx`), within 63 bytes. */
function indexName(table: string, columns: readonly string[]): string {
  return `${bare(table)}_${columns.join('_')}_idx`.slice(0, 63);
}

function addIndex(t: Target, table: Table, columns: string[], reader: SourceReader, d: Dialect): FileEdit[] | undefined {
  const name = quoteIdent(indexName(table.name, columns), d);
  const on = `${quoteIdent(table.name, d)} (${list(columns, d)})`;
  if (!isHistory(t) || table.migration?.applied === false) {
    const file = table.migration?.applied === false ? table.loc.file : t.files[0];
    const sql = d === 'mysql' ? `CREATE INDEX ${name} ON ${on};` : `CREATE INDEX IF NOT EXISTS ${name} ON ${on};`;
    const e = appendTo(file, reader, sql);
    return e ? [e] : undefined;
  }
  const migrationName = `add_index_${slug(bare(table.name))}_${slug(columns.join('_'))}`;
  let sql: string;
  if (d === 'mysql') sql = `CREATE INDEX ${name} ON ${on};`;
  else if (d === 'sqlite' || t.hints.kind === 'drizzle') sql = `CREATE INDEX IF NOT EXISTS ${name} ON ${on};`;
  // Alone in its file, so Prisma migrate and the Supabase CLI run it outside a transaction.
  else sql = `CREATE INDEX CONCURRENTLY IF NOT EXISTS ${name} ON ${on};`;
  return asMigrations(t, migrationName, [sql], reader, d, false);
}

function createdByStatement(db: Database, loc: { file: string; range: { start: { line: number; character: number } } }, kind: MigrationStatement['kind']): MigrationStatement | undefined {
  return db.statements?.find((s) => s.kind === kind && s.loc.file === loc.file && s.loc.range.start.line === loc.range.start.line && s.loc.range.start.character === loc.range.start.character);
}

function dropIndex(db: Database, t: Target, table: Table, index: Table['indexes'][number], reader: SourceReader): FileEdit[] | undefined {
  const d = db.dialect;
  const stmt = createdByStatement(db, index.loc, 'createIndex');
  if (!isHistory(t) || index.migration?.applied === false) {
    if (!stmt) return undefined;
    return removeStatement(stmt.loc.file, stmt.loc.range, reader);
  }
  if (!index.name) return undefined;
  const nq = quoteIdent(index.name, d);
  let sql: string;
  if (!stmt) {
    // A UNIQUE constraint, not an index of its own.
    if (d === 'sqlite') return undefined;
    sql = d === 'mysql' ? `ALTER TABLE ${quoteIdent(table.name, d)} DROP INDEX ${nq};` : `ALTER TABLE ${quoteIdent(table.name, d)} DROP CONSTRAINT ${nq};`;
  } else if (d === 'mysql') sql = `DROP INDEX ${nq} ON ${quoteIdent(table.name, d)};`;
  else if (d === 'sqlite' || t.hints.kind === 'drizzle') sql = `DROP INDEX IF EXISTS ${nq};`;
  else sql = `DROP INDEX CONCURRENTLY IF EXISTS ${nq};`;
  return asMigrations(t, `drop_index_${slug(index.name)}`, [sql], reader, d, false);
}

/** Removes a statement, its `;` and the rest of its line when nothing else is on it. */
function removeStatement(file: string, range: { start: { line: number; character: number }; end: { line: number; character: number } }, reader: SourceReader): FileEdit[] | undefined {
  const text = reader.read(file);
  if (text === undefined) return undefined;
  const src = sourceTextFor(file, text);
  const start = src.offset(range.start);
  let end = src.offset(range.end);
  let j = end;
  while (j < text.length && (text[j] === ' ' || text[j] === '\t')) j++;
  if (text[j] === ';') end = j + 1;
  let k = end;
  while (k < text.length && (text[k] === ' ' || text[k] === '\t')) k++;
  if (text[k] === '\n') end = k + 1;
  else if (text[k] === '\r' && text[k + 1] === '\n') end = k + 2;
  return [{ file, edits: [{ range: src.range(start, end), newText: '' }] }];
}

function changeColumnType(t: Target, table: Table, column: Column, to: 'json' | 'decimal', reader: SourceReader, d: Dialect): FileEdit[] | undefined {
  const pgType = to === 'json' ? 'jsonb' : 'numeric';
  const myType = to === 'json' ? 'JSON' : 'DECIMAL(19,4)';
  const sqliteType = to === 'json' ? 'TEXT' : 'NUMERIC';
  const newType = d === 'mysql' ? myType : d === 'sqlite' ? sqliteType : pgType;
  if (!isHistory(t) || table.migration?.applied === false) {
    if (!column.typeLoc) return undefined;
    const edits: TextEdit[] = [{ range: column.typeLoc.range, newText: newType }];
    if (column.default !== undefined && d === 'postgresql' && column.default.includes('::')) {
      // `'{}'::text` would stay text: cast the default to the new type.
      const text = reader.read(column.loc.file);
      if (text === undefined) return undefined;
      const src = sourceTextFor(column.loc.file, text);
      const at = text.indexOf(column.default, src.offset(column.typeLoc.range.end));
      if (at < 0 || at + column.default.length > src.offset(column.loc.range.end)) return undefined;
      edits.push({ range: src.range(at, at + column.default.length), newText: `(${column.default})::${newType}` });
    }
    return [{ file: column.typeLoc.file, edits }];
  }
  const tq = quoteIdent(table.name, d);
  const cq = quoteIdent(column.name, d);
  let sql: string;
  if (d === 'mysql') sql = `ALTER TABLE ${tq} MODIFY COLUMN ${cq} ${myType}${column.nullable ? ' NULL' : ' NOT NULL'};`;
  else if (d === 'sqlite') return undefined;
  else {
    const parts = [];
    if (column.default !== undefined) parts.push(`ALTER COLUMN ${cq} DROP DEFAULT`);
    parts.push(`ALTER COLUMN ${cq} TYPE ${pgType} USING ${cq}::${pgType}`);
    if (column.default !== undefined) parts.push(`ALTER COLUMN ${cq} SET DEFAULT (${column.default})::${pgType}`);
    sql = `ALTER TABLE ${tq} ${parts.join(', ')};`;
  }
  return asMigrations(t, `change_${slug(bare(table.name))}_${slug(column.name)}_to_${to}`, [sql], reader, d, false);
}

function makeNullable(t: Target, table: Table, column: Column, reader: SourceReader, d: Dialect): FileEdit[] | undefined {
  if (!isHistory(t) || table.migration?.applied === false) {
    const text = reader.read(column.loc.file);
    if (text === undefined) return undefined;
    const src = sourceTextFor(column.loc.file, text);
    const start = src.offset(column.loc.range.start);
    const end = src.offset(column.loc.range.end);
    const toks = tokenize(text, flavor(d), start, end).filter((x) => x.kind !== 'comment');
    const edits: TextEdit[] = [];
    for (let i = 0; i + 1 < toks.length; i++) {
      const a = text.slice(toks[i].start, toks[i].end).toLowerCase();
      const b = text.slice(toks[i + 1].start, toks[i + 1].end).toLowerCase();
      if (toks[i].kind === 'word' && a === 'not' && b === 'null') {
        let s = toks[i].start;
        while (s > start && (text[s - 1] === ' ' || text[s - 1] === '\t')) s--;
        edits.push({ range: src.range(s, toks[i + 1].end), newText: '' });
      }
    }
    return edits.length ? [{ file: column.loc.file, edits }] : undefined;
  }
  const tq = quoteIdent(table.name, d);
  const cq = quoteIdent(column.name, d);
  let sql: string;
  if (d === 'mysql') sql = `ALTER TABLE ${tq} MODIFY COLUMN ${cq} ${column.rawType || 'TEXT'} NULL;`;
  else if (d === 'sqlite') return undefined;
  else sql = `ALTER TABLE ${tq} ALTER COLUMN ${cq} DROP NOT NULL;`;
  return asMigrations(t, `make_${slug(bare(table.name))}_${slug(column.name)}_nullable`, [sql], reader, d, false);
}

function addForeignKey(t: Target, table: Table, columns: string[], references: { table: string; columns: string[] }, reader: SourceReader, d: Dialect): FileEdit[] | undefined {
  const name = quoteIdent(defaultName(table.name, columns, 'fkey'), d);
  const tq = quoteIdent(table.name, d);
  const clause = fkClause({ columns, references }, d);
  if (!isHistory(t) || table.migration?.applied === false) {
    const file = table.migration?.applied === false ? table.loc.file : t.files[0];
    if (d === 'sqlite') return insertTableElement(table, `CONSTRAINT ${name} ${clause}`, reader, d);
    const e = appendTo(file, reader, `ALTER TABLE ${tq} ADD CONSTRAINT ${name} ${clause};`);
    return e ? [e] : undefined;
  }
  const migrationName = `add_foreign_key_${slug(bare(table.name))}_${slug(columns.join('_'))}`;
  if (d === 'sqlite') return undefined;
  if (d === 'mysql') return asMigrations(t, migrationName, [`ALTER TABLE ${tq} ADD CONSTRAINT ${name} ${clause};`], reader, d, false);
  return asMigrations(t, migrationName, [`ALTER TABLE ${tq} ADD CONSTRAINT ${name} ${clause} NOT VALID;`, `ALTER TABLE ${tq} VALIDATE CONSTRAINT ${name};`], reader, d, true);
}

/** Adds `, <element>` before the closing parenthesis of a CREATE TABLE. */
function insertTableElement(table: Table, element: string, reader: SourceReader, d: Dialect): FileEdit[] | undefined {
  const text = reader.read(table.loc.file);
  if (text === undefined) return undefined;
  const src = sourceTextFor(table.loc.file, text);
  const start = src.offset(table.loc.range.start);
  const end = src.offset(table.loc.range.end);
  const open = text.indexOf('(', src.offset(table.nameLoc.range.end));
  if (open < 0 || open > end) return undefined;
  const close = matchingParen(text, open, end, flavor(d)) - 1;
  if (text[close] !== ')') return undefined;
  let before = close;
  while (before > start && /\s/.test(text[before - 1])) before--;
  return [{ file: table.loc.file, edits: [{ range: src.range(before, before), newText: `,\n  ${element}` }] }];
}

function createEnum(t: Target, table: Table, column: Column, values: string[], reader: SourceReader, d: Dialect): FileEdit[] | undefined {
  if (d === 'sqlite' || values.length === 0) return undefined;
  const tq = quoteIdent(table.name, d);
  const cq = quoteIdent(column.name, d);
  if (d === 'mysql') {
    const sql = `ALTER TABLE ${tq} MODIFY COLUMN ${cq} ENUM(${values.map(literal).join(', ')})${column.nullable ? ' NULL' : ' NOT NULL'};`;
    if (!isHistory(t)) {
      if (!column.typeLoc) return undefined;
      return [{ file: column.typeLoc.file, edits: [{ range: column.typeLoc.range, newText: `ENUM(${values.map(literal).join(', ')})` }] }];
    }
    return asMigrations(t, `create_enum_${slug(bare(table.name))}_${slug(column.name)}`, [sql], reader, d, false);
  }
  const typeName = `${slug(bare(table.name))}_${slug(column.name)}`;
  const eq = quoteIdent(typeName, d);
  const create = `CREATE TYPE ${eq} AS ENUM (${values.map(literal).join(', ')});`;
  if (!isHistory(t) || table.migration?.applied === false) {
    if (!column.typeLoc) return undefined;
    const text = reader.read(table.loc.file);
    if (text === undefined) return undefined;
    const src = sourceTextFor(table.loc.file, text);
    const tableStart = src.offset(table.loc.range.start);
    const edits: TextEdit[] = [
      { range: src.range(tableStart, tableStart), newText: `${create}\n\n` },
      { range: column.typeLoc.range, newText: eq },
    ];
    if (column.typeLoc.file !== table.loc.file) return undefined;
    if (column.default !== undefined) {
      // A text default (`'member'::text`) does not convert to the enum by itself: cast it.
      const from = src.offset(column.typeLoc.range.end);
      const to = src.offset(column.loc.range.end);
      const at = text.indexOf(column.default, from);
      if (at < 0 || at + column.default.length > to) return undefined;
      edits.push({ range: src.range(at, at + column.default.length), newText: `(${column.default})::text::${eq}` });
    }
    return [{ file: table.loc.file, edits }];
  }
  const parts = [];
  if (column.default !== undefined) parts.push(`ALTER COLUMN ${cq} DROP DEFAULT`);
  parts.push(`ALTER COLUMN ${cq} TYPE ${eq} USING ${cq}::text::${eq}`);
  if (column.default !== undefined) parts.push(`ALTER COLUMN ${cq} SET DEFAULT (${column.default})::text::${eq}`);
  return asMigrations(t, `create_enum_${typeName}`, [`${create}\n${`ALTER TABLE ${tq} ${parts.join(', ')};`}`], reader, d, false);
}

/**
 * In place only: a statement of an applied migration already ran, except in the newest migration of a folder
 * (the fix title says to use it only if that migration has not been deployed). Never inside a transaction:
 * Postgres refuses CONCURRENTLY there, so no fix beats a fix that fails at deploy time.
 */
function addConcurrently(statement: MigrationStatement, reader: SourceReader, d: Dialect): FileEdit[] | undefined {
  if (statement.kind !== 'createIndex' || statement.concurrently || d !== 'postgresql') return undefined;
  if (statement.migration.applied && !statement.migration.latest) return undefined;
  if (statement.migration.transactional || statement.inExplicitTransaction) return undefined;
  const text = reader.read(statement.loc.file);
  if (text === undefined) return undefined;
  const src = sourceTextFor(statement.loc.file, text);
  const start = src.offset(statement.loc.range.start);
  const end = src.offset(statement.loc.range.end);
  for (const tok of tokenize(text, 'postgresql', start, end)) {
    if (tok.kind === 'word' && text.slice(tok.start, tok.end).toLowerCase() === 'index') {
      return [{ file: statement.loc.file, edits: [{ range: src.range(tok.end, tok.end), newText: ' CONCURRENTLY' }] }];
    }
  }
  return undefined;
}

/** In place only (see addConcurrently): `NOT VALID` on the constraint, then `VALIDATE CONSTRAINT`. */
function addNotValid(db: Database, statement: MigrationStatement, reader: SourceReader, d: Dialect): FileEdit[] | undefined {
  if (statement.kind !== 'addForeignKey' || statement.notValid || d !== 'postgresql') return undefined;
  if (statement.migration.applied && !statement.migration.latest) return undefined;
  const table = db.tables.find((x) => x.name === statement.table);
  const fk = table?.foreignKeys.find((f) => f.loc.file === statement.loc.file && sameColumns(f.columns, statement.columns ?? []) && inside(f.loc.range, statement.loc.range));
  if (!table || !fk) return undefined;
  const text = reader.read(statement.loc.file);
  if (text === undefined) return undefined;
  const src = sourceTextFor(statement.loc.file, text);
  const fkEnd = src.offset(fk.loc.range.end);
  const stmtEnd = src.offset(statement.loc.range.end);
  let after = stmtEnd;
  const semi = skipTrivia(text, stmtEnd, text.length, 'postgresql');
  if (text[semi] === ';') after = semi + 1;
  const name = quoteIdent(fkName(table, fk), d);
  return [
    {
      file: statement.loc.file,
      edits: [
        { range: src.range(fkEnd, fkEnd), newText: ' NOT VALID' },
        { range: src.range(after, after), newText: `${text[semi] === ';' ? '' : ';'}\nALTER TABLE ${quoteIdent(table.name, d)} VALIDATE CONSTRAINT ${name};` },
      ],
    },
  ];
}

function sameColumns(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

function inside(inner: { start: { line: number; character: number }; end: { line: number; character: number } }, outer: typeof inner): boolean {
  return le(outer.start, inner.start) && le(inner.end, outer.end);
}

function le(p: { line: number; character: number }, q: { line: number; character: number }): boolean {
  return p.line < q.line || (p.line === q.line && p.character <= q.character);
}

/**
 * Moves a statement Postgres refuses inside a transaction (CONCURRENTLY) out of its migration into
 * a new migration of its own, after the last one.
 */
function moveToOwnMigration(t: Target, statement: MigrationStatement, reader: SourceReader, d: Dialect): FileEdit[] | undefined {
  // drizzle-kit's migrator runs every pending migration in one transaction: moving does not help.
  if (!isHistory(t) || t.hints.kind === 'drizzle') return undefined;
  const text = reader.read(statement.loc.file);
  if (text === undefined) return undefined;
  const src = sourceTextFor(statement.loc.file, text);
  const body = text.slice(src.offset(statement.loc.range.start), src.offset(statement.loc.range.end));
  const removal = removeStatement(statement.loc.file, statement.loc.range, reader);
  const name = `${statement.kind === 'createIndex' ? 'create_index' : 'move'}_${slug(statement.table ?? 'statement')}${statement.columns?.length ? '_' + slug(statement.columns.join('_')) : ''}`;
  const made = newMigrations(t, name, [`${body};`], reader, d);
  if (!removal || !made) return undefined;
  return [...removal, ...made.flatMap((m) => m.edits)];
}
