/**
 * Fix writing: a rule's intent → SQL text. A dump, a lone file or a not-yet-applied migration is
 * edited in place; for an applied migration history the fix goes into a NEW migration file named
 * the way that folder names them. Old migrations are never edited (moveToOwnMigration is the one
 * exception: Postgres refuses that statement, so the migration cannot have been applied).
 */
import type { Column, Database, Dialect, ForeignKey, Loc, MigrationStatement, Range, ReferentialAction, Table } from '../../../../rules/model';
import type { FixIntent } from '../../../../rules/types';
import type { FileEdit, SourceReader, TextEdit } from '../types';
import { discoverSql, readJournal, type SqlUnitHints } from './discover';
import { advance, cursor, dbmateSections, matchingParen, skipTrivia, splitStatements, tokenize, trimBack, wordIs, type SqlFlavor, type Token } from './lexer';
import { nodeSqlParser, sqlParserReady } from './parse';
import { pgScan } from './pgwasm';
import { chooseName, columnsAddition, makeObjectName } from './names';
import { allStatements, appendOffset, insertStatements, lineBreakOf, pointAfterAll, pointAfterForeignKey, statementHolding, tableNamed, writtenTableName } from './place';
import { defaultName } from './replay';
import { schemaBesideMigrationsEmulatesRelations } from '../prisma/discover';
import { drizzleSchemaGenerates } from '../drizzle/discover';
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

/**
 * Whether the parser the review reads MySQL and SQLite migrations with (node-sql-parser) takes `name` bare as an
 * index, table and column name. Its SQLite grammar refuses words SQLite itself accepts (`session`: hemmelig's
 * better-auth table), and a migration the review cannot read is dropped by --fix: such a name is quoted.
 */
function readsBare(name: string, dialect: 'mysql' | 'sqlite'): boolean {
  const known = bareWords[dialect].get(name);
  if (known !== undefined) return known;
  let answer: boolean;
  try {
    nodeSqlParser().astify(`CREATE INDEX ${name} ON ${name} (${name});`, { database: dialect });
    answer = true;
  } catch {
    answer = false;
  }
  if (bareWords[dialect].size >= 10_000) bareWords[dialect].clear();
  bareWords[dialect].set(name, answer);
  return answer;
}

const bareWords = { mysql: new Map<string, boolean>(), sqlite: new Map<string, boolean>() };

function quotePart(p: string, dialect: Dialect): string {
  const plain = dialect === 'mysql' ? /^[A-Za-z_][A-Za-z0-9_$]*$/.test(p) : /^[a-z_][a-z0-9_$]*$/.test(p);
  if (plain && !isKeyword(p) && (dialect === 'mysql' || dialect === 'sqlite' ? readsBare(p, dialect) : true)) return p;
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

function schemaOf(table: string): string {
  return table.includes('.') ? table.slice(0, table.lastIndexOf('.')) : '';
}

/**
 * A table's name in a fix: as the file that created it wrote it when that was qualified (`public.posts`): a pg_dump
 * empties `search_path`, where only a qualified name resolves. Otherwise the model's name, quoted where needed.
 */
function tableSql(db: Database, name: string, reader: SourceReader): string {
  return writtenTableName(db, name, reader, flavor(db.dialect)) ?? quoteIdent(name, db.dialect);
}

/** The schema prefix a table was written with (`public.`), for objects created next to it (a type, an index to drop). */
function schemaPrefix(db: Database, name: string, reader: SourceReader): string {
  const written = writtenTableName(db, name, reader, flavor(db.dialect));
  if (!written) return '';
  const last = bare(name);
  const q = quoteIdent(last, db.dialect);
  return written.endsWith(q) ? written.slice(0, written.length - q.length) : written.endsWith(last) ? written.slice(0, written.length - last.length) : '';
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
  /**
   * The versions handed out per migration name (and count): the fixes one finding offers (ON DELETE CASCADE, SET
   * NULL, RESTRICT) write the same migration, and share its version, so fix-all, which applies one of them, leaves
   * no gap in the numbering.
   */
  versions?: Map<string, number>;
  /** dbmate: `-- migrate:up` / `-- migrate:down` sections in each file (seen in the folder's last migration). */
  dbmate?: boolean;
  /**
   * A Prisma migrations folder whose schema says `relationMode = "prisma"`: Prisma Client emulates the relations, and
   * the schema's fixes say their actions there; a foreign key added here would contradict the schema.
   */
  emulatedRelations?: boolean;
  /**
   * A drizzle-kit folder a Drizzle schema of the project generates (its config's `out`): a change of the schema is
   * written in the schema, and `drizzle-kit generate` writes its migration. One written here instead would be missing
   * from drizzle-kit's snapshot (`meta/`), and the next `generate` would write the same change again, which then fails
   * (the index already exists).
   */
  generatedFromSchema?: boolean;
}

/**
 * The target of the last fix per database: every fix of a review asks for it, and discovery only
 * depends on the database's files and the few files it reads (lock file, journal), which must still
 * read as the very same text for the cached target to be used.
 */
const targets = new WeakMap<Database, { reads: [string, string | undefined][]; target: Target }>();

/**
 * Cached targets whose reads were checked in this turn of the event loop. A review writes its fixes in one
 * synchronous run, during which no file can change (the editor's changes and the disk's arrive as later events):
 * one check per review, not a read (and, for a lock file or journal that does not exist, a stat) per fix.
 */
let checkedThisTurn = new WeakSet<object>();
let resetScheduled = false;

function targetOf(database: Database, reader: SourceReader): Target {
  const hit = targets.get(database);
  if (hit && checkedThisTurn.has(hit)) return hit.target;
  if (hit && sameReads(hit.reads, reader)) {
    markChecked(hit);
    return hit.target;
  }
  const reads = new Map<string, string | undefined>();
  const recording: SourceReader = {
    read(path) {
      const text = reader.read(path);
      reads.set(path, text);
      return text;
    },
  };
  const target = discoverTarget(database, recording);
  const entry = { reads: [...reads], target };
  targets.set(database, entry);
  markChecked(entry);
  return target;
}

function markChecked(entry: object): void {
  checkedThisTurn.add(entry);
  if (resetScheduled) return;
  resetScheduled = true;
  queueMicrotask(() => {
    checkedThisTurn = new WeakSet();
    resetScheduled = false;
  });
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
  const files = u?.files ?? database.files.slice();
  const target: Target = { hints, files };
  if (hints.kind === 'prisma' && schemaBesideMigrationsEmulatesRelations(hints.dir, reader)) target.emulatedRelations = true;
  if (hints.kind === 'drizzle' && drizzleSchemaGenerates(hints.dir, reader)) target.generatedFromSchema = true;
  if (hints.kind === 'numbered' || hints.kind === 'timestamped') {
    const lastText = files.length ? reader.read(files[files.length - 1]) : undefined;
    if (lastText !== undefined && dbmateSections(lastText, flavor(database.dialect))) target.dbmate = true;
  }
  return target;
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
 * of several new migrations. `stepNames` names each migration apart (its file name and header), where the steps
 * of one fix differ (an index built on each partition); `name` still keys the versions they share.
 */
function newMigrations(t: Target, name: string, bodies: string[], reader: SourceReader, d: Dialect, downs?: string[], stepNames?: string[]): NewMigration[] | undefined {
  const out = newMigrationsLf(t, name, bodies, reader, d, downs, stepNames);
  // A new file's lines end as the history's newest migration's do (CRLF in a Windows checkout).
  const last = t.last?.file;
  if (!out || !last || !(reader.read(last) ?? '').includes('\r\n')) return out;
  const crlf = (text: string) => text.replace(/\r?\n/g, '\r\n');
  return out.map((m) => ({ ...m, edits: m.edits.map((fe) => (fe.create ? { ...fe, edits: fe.edits.map((e) => ({ ...e, newText: crlf(e.newText) })) } : fe)) }));
}

function newMigrationsLf(t: Target, name: string, bodies: string[], reader: SourceReader, d: Dialect, downs?: string[], stepNames?: string[]): NewMigration[] | undefined {
  const { hints, files } = t;
  const dir = hints.dir;
  if (!t.last) {
    const drafts = new Set(Array.isArray(hints.drafts) ? (hints.drafts as string[]) : []);
    // A Supabase declarative schema's files are not migrations.
    const schemas = new Set(Array.isArray(hints.schemas) ? (hints.schemas as string[]) : []);
    const applied = files.filter((f) => !drafts.has(f) && !schemas.has(f));
    t.last = { file: applied[applied.length - 1] ?? (schemas.size ? undefined : files[files.length - 1]) };
  }
  const last = t.last.file;
  const versions = (t.versions ??= new Map());
  const key = `${name}#${bodies.length}`;
  let base = versions.get(key);
  if (base === undefined) {
    base = t.allocated ?? 0;
    t.allocated = base + bodies.length;
    versions.set(key, base);
  }
  const out: NewMigration[] = [];
  switch (hints.kind) {
    case 'prisma': {
      const lastVersion = last ? digits(basename(dirname(last))) : '';
      bodies.forEach((body, i) => {
        const v = nextVersion(lastVersion.length === 14 ? lastVersion : lastVersion || '00000000000000', base + i);
        const step = stepNames?.[i] ?? name;
        const file = `${dir}/${v}_${step}/migration.sql`;
        out.push({ file, edits: [{ file, create: true, edits: [insertAt0(header(step, body))] }] });
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
        const step = stepNames?.[i] ?? name;
        const stem = `${dir}/${flyway ? lastName[0] : ''}${v}${sep}${step}`;
        const down = downs?.[i] ?? NOTHING_TO_UNDO;
        if (hints.runner === 'golang-migrate') {
          // golang-migrate reads only `<version>_<name>.up.sql` / `.down.sql`.
          const file = `${stem}.up.sql`;
          const downFile = `${stem}.down.sql`;
          out.push({ file, edits: [{ file, create: true, edits: [insertAt0(header(step, body))] }, { file: downFile, create: true, edits: [insertAt0(header(`undo_${step}`, down))] }] });
        } else if (t.dbmate) {
          // dbmate wraps each section in a transaction unless told not to: CONCURRENTLY must not be (up or down).
          const file = `${stem}.sql`;
          const up = `-- migrate:up${holdsConcurrently(body) ? ' transaction:false' : ''}\n${header(step, body)}\n-- migrate:down${holdsConcurrently(down) ? ' transaction:false' : ''}\n${down}\n`;
          out.push({ file, edits: [{ file, create: true, edits: [insertAt0(up)] }] });
        } else {
          const file = `${stem}.sql`;
          out.push({ file, edits: [{ file, create: true, edits: [insertAt0(header(step, body))] }] });
        }
      });
      return out;
    }
    case 'folders': {
      const lastVersion = last ? digits(basename(dirname(last))) : '';
      bodies.forEach((body, i) => {
        const v = nextVersion(lastVersion, base + i);
        const step = stepNames?.[i] ?? name;
        const file = `${dir}/${v}_${step}/up.sql`;
        out.push({ file, edits: [{ file, create: true, edits: [insertAt0(header(step, body))] }] });
      });
      return out;
    }
    case 'drizzle': {
      // One migration per body (VALIDATE apart from its ADD … NOT VALID), each statement a chunk of its own
      // (breakpointChunks), in either layout.
      if (hints.layout === 'folders') {
        // drizzle-kit 1.0: a folder `<YYYYMMDDHHMMSS>_<name>/migration.sql`, applied in folder-name order (the migrator
        // reads the first 14 characters as the migration's time). No snapshot.json: a copy of the last one would
        // repeat its id, and the migrator needs none.
        const lastVersion = last ? digits(basename(dirname(last))) : '';
        bodies.forEach((body, i) => {
          const v = nextVersion(lastVersion.length === 14 ? lastVersion : '00000000000000', base + i);
          const file = `${dir}/${v}_${stepNames?.[i] ?? name}/migration.sql`;
          out.push({ file, edits: [{ file, create: true, edits: [insertAt0(breakpointChunks(body, d))] }] });
        });
        return out;
      }
      const journalPath = `${dir}/meta/_journal.json`;
      const journalText = reader.read(journalPath);
      const journal = readJournal(reader, dir);
      if (!journal || journalText === undefined || !Array.isArray(journal.entries)) return undefined;
      const entries = journal.entries.slice();
      const lastEntry = entries[entries.length - 1] as Record<string, unknown> | undefined;
      const created: { file: string; text: string }[] = [];
      const when = Date.now();
      bodies.forEach((body, i) => {
        const idx = entries.length;
        const step = stepNames?.[i] ?? name;
        const tag = `${String(idx).padStart(4, '0')}_${step}`;
        created.push({ file: `${dir}/${tag}.sql`, text: breakpointChunks(body, d) });
        entries.push({ ...(lastEntry ?? {}), idx, when: when + i, tag, breakpoints: true } as never);
      });
      const newJournal = JSON.stringify({ ...journal, entries }, null, 2) + (journalText.endsWith('\n') ? '\n' : '');
      const src = sourceTextFor(journalPath, journalText);
      out.push({
        file: created[0].file,
        edits: [
          ...created.map((c) => ({ file: c.file, create: true, edits: [insertAt0(c.text)] })),
          { file: journalPath, edits: [{ range: src.range(0, journalText.length), newText: newJournal }] },
        ],
      });
      return out;
    }
    default:
      return undefined;
  }
}

/** A drizzle-kit migration's text: its migrator runs a file chunk by chunk, between `--> statement-breakpoint` lines. */
function breakpointChunks(body: string, d: Dialect): string {
  const chunks = splitStatements(body, flavor(d)).map((r) => `${body.slice(r.start, r.end)};`);
  return `${(chunks.length ? chunks : [body]).join('\n--> statement-breakpoint\n')}\n`;
}

/** The down of a step that cannot be undone or needs no undoing (VALIDATE CONSTRAINT): a comment runs as nothing. */
const NOTHING_TO_UNDO = '-- Nothing to undo.';

/** Whether SQL the writer made holds CONCURRENTLY (read from its tokens). */
function holdsConcurrently(sql: string): boolean {
  return tokenize(sql, 'postgresql').some((t) => t.kind === 'word' && wordIs(sql, t.start, t.end, 'concurrently'));
}

function header(name: string, body: string): string {
  return `-- Schema Review: ${name.split('_').join(' ')}\n${body}\n`;
}

function insertAt0(text: string): TextEdit {
  return { range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, newText: text };
}

/** Appends statements at the end of a file (before the psql meta-commands that close a dump, see appendOffset). */
function appendTo(file: string, reader: SourceReader, sql: string): FileEdit | undefined {
  const text = reader.read(file);
  if (text === undefined) return undefined;
  const src = sourceTextFor(file, text);
  const at = appendOffset(text);
  const nl = lineBreakOf(text);
  const before = text.slice(0, at);
  const sep = before.length === 0 ? '' : before.endsWith(nl + nl) || before.endsWith('\n\n') ? '' : before.endsWith('\n') ? nl : nl + nl;
  const pos = src.position(at);
  return { file, edits: [{ range: { start: pos, end: pos }, newText: `${sep}${sql.split('\n').join(nl)}${nl}${at < text.length ? nl : ''}` }] };
}

/** Whether the runner would wrap a new multi-statement migration in a transaction. */
function runnerWraps(t: Target, d: Dialect): boolean {
  if (d === 'mysql') return false;
  return t.hints.kind === 'prisma' || t.hints.kind === 'supabase' || t.hints.kind === 'drizzle' || t.hints.runner === 'golang-migrate' || t.hints.runner === 'flyway' || t.dbmate === true;
}

/**
 * Writes `steps` either as one new migration or, where the runner wraps a file in a transaction
 * and a later step must run outside it (VALIDATE after NOT VALID, CONCURRENTLY), one per step.
 * `undo` holds, per step, the SQL that undoes it, for runners whose migrations have a down part
 * (golang-migrate's `.down.sql`, dbmate's `-- migrate:down`).
 */
function asMigrations(t: Target, name: string, steps: string[], reader: SourceReader, d: Dialect, separate: boolean, undo?: string[]): FileEdit[] | undefined {
  // drizzle-kit's migrator runs all pending migrations in one transaction: apart, a VALIDATE still runs after its
  // NOT VALID only when they are deployed apart, but never in the file that reports it (foreign-key-not-valid).
  const apart = separate && runnerWraps(t, d);
  const bodies = apart ? steps : [steps.join('\n')];
  // Undone in the reverse order.
  const downs = undo ? (apart ? undo : [undo.slice().reverse().filter((u) => u !== NOTHING_TO_UNDO).join('\n') || NOTHING_TO_UNDO]) : undefined;
  const made = newMigrations(t, name, bodies, reader, d, downs);
  return made?.flatMap((m) => m.edits);
}

// ---------------------------------------------------------------------------------------------
// Intents
// ---------------------------------------------------------------------------------------------

/** Fixes that change what the schema declares (tables, keys, indexes, types), not how a migration runs. */
const SCHEMA_CHANGES = new Set<FixIntent['kind']>(['setOnDelete', 'addIndex', 'dropIndex', 'changeColumnType', 'makeNullable', 'addForeignKey', 'createEnum']);

export function writeSqlFix(intent: FixIntent, reader: SourceReader): FileEdit[] | undefined {
  if (!('database' in intent) || intent.database.language !== 'sql') return undefined;
  const db = intent.database;
  const d = db.dialect;
  const t = targetOf(db, reader);
  // What the schema declares is fixed there (generatedFromSchema); how a migration runs (CONCURRENTLY, NOT VALID, a
  // migration of its own) is still fixed here.
  if (t.generatedFromSchema && SCHEMA_CHANGES.has(intent.kind)) return undefined;
  switch (intent.kind) {
    case 'setOnDelete':
      return setOnDelete(db, t, intent.table, intent.foreignKey, intent.action, reader, intent.onUpdate);
    case 'addIndex':
      return addIndex(db, t, intent.table, intent.columns, reader, d);
    case 'dropIndex':
      return dropIndex(db, t, intent.table, intent.index, reader, intent.inPlace ?? false);
    case 'changeColumnType':
      return changeColumnType(db, t, intent.table, intent.column, intent.to, reader, d);
    case 'makeNullable':
      return makeNullable(db, t, intent.table, intent.column, reader, d);
    case 'addForeignKey':
      return addForeignKey(db, t, intent.table, intent.columns, intent.references, reader, d, intent.onDelete, intent.onUpdate);
    case 'createEnum':
      return createEnum(db, t, intent.table, intent.column, intent.values, reader, d);
    case 'addConcurrently':
      return addConcurrently(db, t, intent.statement, reader, d);
    case 'indexPartitionsConcurrently':
      return indexPartitionsConcurrently(db, t, intent.statement, reader, d);
    case 'addNotValid':
      return addNotValid(db, t, intent.statement, reader, d);
    case 'moveToOwnMigration':
      return moveToOwnMigration(db, t, intent.statement, reader, d);
    default:
      return undefined;
  }
}

/**
 * Whether a Supabase declarative schema declares this column of a table it describes (the column's fact is in one of
 * its files): a drift column, which only the migrations have, is fixed by a new migration, never in a schema file
 * that lacks it (see declarative.ts). Elsewhere every column is declared where its table is.
 */
function declares(t: Target, column: Column | undefined): boolean {
  const schemas = t.hints.schemas;
  return !column || !Array.isArray(schemas) || schemas.length === 0 || (schemas as string[]).includes(column.loc.file);
}

/** Whether a Supabase schema file declares every one of these columns of its table (see `declares`). */
function declaresAll(t: Target, table: Table, columns: readonly string[]): boolean {
  return columns.every((c) => declares(t, table.columns.find((x) => x.name === c)));
}

function fkName(table: Table, fk: ForeignKey): string {
  return fk.name ?? defaultName(table.name, fk.columns, 'fkey');
}

function fkClause(db: Database, reader: SourceReader, fk: { columns: string[]; references: { table: string; columns: string[] } }, d: Dialect, onDelete?: ReferentialAction, onUpdate?: ReferentialAction, written?: WrittenFkAttributes): string {
  let s = `FOREIGN KEY (${list(fk.columns, d)}) REFERENCES ${tableSql(db, fk.references.table, reader)} (${list(fk.references.columns, d)})`;
  if (written?.match) s += ` ${written.match}`;
  if (onDelete) s += ` ON DELETE ${ACTION_SQL[onDelete]}`;
  if (onUpdate) s += ` ON UPDATE ${ACTION_SQL[onUpdate]}`;
  if (written?.deferral) s += ` ${written.deferral}`;
  return s;
}

/** What a Postgres foreign key clause says besides its columns and actions: `MATCH FULL`, `DEFERRABLE INITIALLY DEFERRED`. */
interface WrittenFkAttributes {
  match?: string;
  deferral?: string;
}

/**
 * The MATCH and deferral attributes of a foreign key as its clause is written, so that a constraint dropped and added
 * again to change its ON DELETE keeps them (a DEFERRABLE constraint recreated without it is checked at once, and the
 * transactions that relied on the deferred check fail).
 */
function writtenFkAttributes(fk: ForeignKey, reader: SourceReader, d: Dialect): WrittenFkAttributes | undefined {
  if (d !== 'postgresql') return undefined;
  const text = reader.read(fk.loc.file);
  if (text === undefined) return undefined;
  const src = sourceTextFor(fk.loc.file, text);
  const toks = tokenize(text, 'postgresql', src.offset(fk.loc.range.start), src.offset(fk.loc.range.end)).filter((x) => x.kind !== 'comment');
  const word = (i: number): string => (i >= 0 && i < toks.length && toks[i].kind === 'word' ? text.slice(toks[i].start, toks[i].end).toLowerCase() : '');
  const out: WrittenFkAttributes = {};
  const deferral: string[] = [];
  for (let i = 0; i < toks.length; i++) {
    const w = word(i);
    if (w === 'match' && ['full', 'partial', 'simple'].includes(word(i + 1))) out.match = `MATCH ${word(i + 1).toUpperCase()}`;
    else if (w === 'deferrable') deferral.push(word(i - 1) === 'not' ? 'NOT DEFERRABLE' : 'DEFERRABLE');
    else if (w === 'initially' && (word(i + 1) === 'deferred' || word(i + 1) === 'immediate')) deferral.push(`INITIALLY ${word(i + 1).toUpperCase()}`);
  }
  // A column's inline REFERENCES ends where its next constraint starts: `DEFERRABLE` and `INITIALLY …` are
  // constraints of their own in Postgres' tree, written right after it.
  const end = src.offset(fk.loc.range.end);
  const after = tokenize(text, 'postgresql', end, Math.min(text.length, end + 200)).filter((x) => x.kind !== 'comment');
  const next = (i: number): string => (i < after.length && after[i].kind === 'word' ? text.slice(after[i].start, after[i].end).toLowerCase() : '');
  for (let i = 0; i < after.length; ) {
    if (next(i) === 'deferrable') {
      deferral.push('DEFERRABLE');
      i += 1;
    } else if (next(i) === 'not' && next(i + 1) === 'deferrable') {
      deferral.push('NOT DEFERRABLE');
      i += 2;
    } else if (next(i) === 'initially' && (next(i + 1) === 'deferred' || next(i + 1) === 'immediate')) {
      deferral.push(`INITIALLY ${next(i + 1).toUpperCase()}`);
      i += 2;
    } else break;
  }
  if (deferral.length) out.deferral = deferral.join(' ');
  return out.match || out.deferral ? out : undefined;
}

/**
 * The ON UPDATE a foreign key is written again with. `prisma migrate` always states both actions, and compares what
 * the migrations leave with what the schema implies (onUpdate Cascade unless the schema says otherwise): in a Prisma
 * migrations folder the constraint keeps the action it has, written out, including Postgres' and MySQL's default (NO
 * ACTION) where the migration that made it wrote none; dropped from the new clause, it would silently become NO
 * ACTION and the next `prisma migrate dev` would write a migration to change it back.
 */
function keptOnUpdate(t: Target, fk: ForeignKey): ReferentialAction | undefined {
  return t.hints.kind === 'prisma' ? (fk.onUpdate ?? 'NoAction') : fk.onUpdate;
}

function setOnDelete(db: Database, t: Target, table: Table, fk: ForeignKey, action: ReferentialAction, reader: SourceReader, newOnUpdate?: ReferentialAction): FileEdit[] | undefined {
  const d = db.dialect;
  // The ON UPDATE the intent names (its title says it), else the one the constraint has; undone, the one it has.
  const kept = keptOnUpdate(t, fk);
  const onUpdate = newOnUpdate ?? kept;
  const fkFile = fk.loc.file;
  const inPlace = !isHistory(t) || fk.migration?.applied === false;
  // In place only ON DELETE is edited: another ON UPDATE is not written there.
  if (inPlace) return newOnUpdate && newOnUpdate !== (fk.onUpdate ?? 'NoAction') ? undefined : editActionInPlace(fk, action, reader, d);
  const name = fkName(table, fk);
  const tq = tableSql(db, table.name, reader);
  const nq = quoteIdent(name, d);
  const migrationName = `set_on_delete_${slug(bare(table.name))}_${slug(fk.columns.join('_'))}`;
  if (d === 'mysql') {
    return asMigrations(t, migrationName, [`ALTER TABLE ${tq} DROP FOREIGN KEY ${nq}, ADD CONSTRAINT ${nq} ${fkClause(db, reader, fk, d, action, onUpdate)};`], reader, d, false, [
      `ALTER TABLE ${tq} DROP FOREIGN KEY ${nq}, ADD CONSTRAINT ${nq} ${fkClause(db, reader, fk, d, fk.onDelete, kept)};`,
    ]);
  }
  if (d === 'sqlite') return undefined; // SQLite cannot alter a constraint: the table must be rebuilt.
  void fkFile;
  const written = writtenFkAttributes(fk, reader, d);
  return asMigrations(
    t,
    migrationName,
    [
      `ALTER TABLE ${tq} DROP CONSTRAINT ${nq}, ADD CONSTRAINT ${nq} ${fkClause(db, reader, fk, d, action, onUpdate, written)} NOT VALID;`,
      `ALTER TABLE ${tq} VALIDATE CONSTRAINT ${nq};`,
    ],
    reader,
    d,
    true,
    [`ALTER TABLE ${tq} DROP CONSTRAINT ${nq}, ADD CONSTRAINT ${nq} ${fkClause(db, reader, fk, d, fk.onDelete, kept, written)};`, NOTHING_TO_UNDO],
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
  // `MATCH FULL|PARTIAL|SIMPLE` comes before the actions (Postgres and MySQL grammars): the action goes after it.
  const next = tokenize(text, fl, pos, end).filter((x) => x.kind !== 'comment').slice(0, 2);
  if (next.length === 2 && next[0].kind === 'word' && wordIs(text, next[0].start, next[0].end, 'match') && next[1].kind === 'word') pos = next[1].end;
  return { range: src.range(pos, pos), insert: true };
}

/** Names of relations (tables, indexes) per schema of a database, for new index names (kept with the database). */
const relationNames = new WeakMap<Database, Map<string, Set<string>>>();

/**
 * A free name for a new index: Postgres' own (`<table>_<columns>_idx` within 63 bytes, keeping the names' case:
 * Prisma's `Post_authorId_idx`), with `1`, `2`, … after `idx` while a table or index of the schema has it, as
 * ChooseRelationName does. An index of that name (a partial one, one of another access method) would otherwise make
 * `IF NOT EXISTS` create nothing.
 */
function indexName(db: Database, table: string, columns: readonly string[]): string {
  const used = relationNamesOf(db).get(schemaOf(table));
  return chooseName(bare(table), columnsAddition(columns), 'idx', (n) => used?.has(n) === true);
}

function relationNamesOf(db: Database): Map<string, Set<string>> {
  let bySchema = relationNames.get(db);
  if (!bySchema) {
    bySchema = new Map();
    for (const t of db.tables) {
      const schema = schemaOf(t.name);
      let set = bySchema.get(schema);
      if (!set) bySchema.set(schema, (set = new Set()));
      set.add(bare(t.name));
      if (t.primaryKey?.name) set.add(t.primaryKey.name);
      for (const i of t.indexes) if (i.name) set.add(i.name);
    }
    relationNames.set(db, bySchema);
  }
  return bySchema;
}

function addIndex(db: Database, t: Target, table: Table, columns: string[], reader: SourceReader, d: Dialect): FileEdit[] | undefined {
  const name = quoteIdent(indexName(db, table.name, columns), d);
  const on = `${tableSql(db, table.name, reader)} (${list(columns, d)})`;
  if (!isHistory(t) || (table.migration?.applied === false && declaresAll(t, table, columns))) {
    // The file creates the table (a dump, a lone file, a migration not applied yet): it is empty, and so are its
    // partitions when it is partitioned, so the plain statement locks nothing that holds rows (and a dump has no later
    // migration to build partitions in).
    const sql = d === 'mysql' ? `CREATE INDEX ${name} ON ${on};` : `CREATE INDEX IF NOT EXISTS ${name} ON ${on};`;
    // Right after the statement that adds the foreign key: a point of its own for each index, so fix-all adds them all at once.
    const fk = table.foreignKeys.find((f) => sameColumns(f.columns, columns));
    const at = fk && pointAfterForeignKey(db, table, fk, columns, reader, flavor(d), (s) => !isHistory(t) || s.migration.applied === false);
    if (at) return [{ file: at.file, edits: [insertStatements(at.src, at.offset, at.lead, sql)] }];
    const file = table.migration?.applied === false ? table.loc.file : t.files[0];
    const e = appendTo(file, reader, sql);
    return e ? [e] : undefined;
  }
  const migrationName = `add_index_${slug(bare(table.name))}_${slug(columns.join('_'))}`;
  if (d === 'postgresql' && table.partitioned && t.hints.kind !== 'drizzle') {
    // Postgres refuses CONCURRENTLY on a partitioned table: ON ONLY the parent, CONCURRENTLY on each partition, ATTACH.
    const route = partitionRoute(db, table, indexName(db, table.name, columns), 'CREATE INDEX', ` (${list(columns, d)})`, columns, false, allPartitions(db), reader, d);
    // Without a partition known, the plain statement below locks nothing that holds rows.
    if (route) return routeMigrations(t, migrationName, route, true, reader, d);
  }
  let sql: string;
  if (d === 'mysql') sql = `CREATE INDEX ${name} ON ${on};`;
  // drizzle-kit migrates every pending migration in one transaction, where CONCURRENTLY cannot run (and the ON ONLY
  // route would hold every partition's lock until that one commit, no better than the plain statement); a
  // partitioned table without a partition known has no rows to lock.
  else if (d === 'sqlite' || t.hints.kind === 'drizzle' || table.partitioned) sql = `CREATE INDEX IF NOT EXISTS ${name} ON ${on};`;
  // Alone in its file, so Prisma migrate and the Supabase CLI run it outside a transaction.
  else sql = `CREATE INDEX CONCURRENTLY IF NOT EXISTS ${name} ON ${on};`;
  const iq = d === 'postgresql' ? schemaPrefix(db, table.name, reader) + name : name;
  const undo = d === 'mysql' ? `DROP INDEX ${name} ON ${tableSql(db, table.name, reader)};` : holdsConcurrently(sql) ? `DROP INDEX CONCURRENTLY IF EXISTS ${iq};` : `DROP INDEX IF EXISTS ${iq};`;
  return asMigrations(t, migrationName, [sql], reader, d, false, [undo]);
}

// ---------------------------------------------------------------------------------------------
// Partitioned tables (Postgres): an index without a SHARE lock on every partition
// ---------------------------------------------------------------------------------------------

/**
 * Postgres refuses `CREATE INDEX CONCURRENTLY` on a partitioned table, and a plain `CREATE INDEX` on it takes a SHARE
 * lock on the parent and every partition until the index is built on all of them. The documented way round
 * (CREATE INDEX, "Building Indexes Concurrently"):
 *
 *   CREATE INDEX name ON ONLY parent (cols);           -- the parent's index alone: invalid, instant
 *   CREATE INDEX CONCURRENTLY name_p1 ON p1 (cols);    -- each partition, outside a transaction
 *   ALTER INDEX name ATTACH PARTITION name_p1;         -- once every partition's is attached, the parent's is valid
 *
 * A partition that is itself partitioned is handled the same way, recursively: its own index ON ONLY, CONCURRENTLY on
 * each of its partitions, which are attached to it before it is attached to the parent's (bottom up).
 */
interface Route {
  /** The parent's index, schema-qualified as the table is written (for ALTER INDEX / DROP INDEX). */
  parentIndex: string;
  /** `CREATE INDEX … ON ONLY` of the parent, then of each partitioned partition (top down). */
  onOnly: string[];
  /** The same without the parent's (for the user's own statement, rewritten in place). */
  subOnOnly: string[];
  /** Their undo, in the same order (the parent's first: dropping it drops what is attached to it). */
  onOnlyUndo: string[];
  /** One CONCURRENTLY build per leaf partition. */
  builds: { partition: string; sql: string; undo: string }[];
  /** `ALTER INDEX … ATTACH PARTITION …`, bottom up. */
  attach: string[];
}

/** The partitions of each partitioned table of a database, by the parent's name (built once per database). */
const partitionsByParent = new WeakMap<Database, Map<string, Table[]>>();

/** Every partition the history leaves attached to each table (the end of the replay: where new migrations run). */
function allPartitions(db: Database): (parent: Table) => Table[] {
  let map = partitionsByParent.get(db);
  if (!map) {
    map = new Map();
    for (const t of db.tables) {
      if (t.partitionOf === undefined) continue;
      let list = map.get(t.partitionOf);
      if (!list) map.set(t.partitionOf, (list = []));
      list.push(t);
    }
    partitionsByParent.set(db, map);
  }
  const known = map;
  return (parent) => known.get(parent.name) ?? [];
}

/**
 * The partitions that exist when `statement` runs: created by an earlier migration, or earlier in its file. One created
 * after it (`PARTITION OF` a parent whose index exists) gets its own copy of the index from Postgres, attached.
 */
function partitionsBefore(db: Database, statement: MigrationStatement): (parent: Table) => Table[] {
  const all = allPartitions(db);
  return (parent) =>
    all(parent).filter((p) => {
      const m = p.migration;
      if (!m) return true;
      if (m.order !== statement.migration.order) return m.order < statement.migration.order;
      return le(p.loc.range.start, statement.loc.range.start);
    });
}

/**
 * The route for an index named `name` on `parent`, or undefined when no partition is known (a plain CREATE INDEX
 * then has nothing that holds rows to lock). `head` is `CREATE [UNIQUE] INDEX`, `tail` what follows the table name
 * (` (user_id)`, ` USING gin (…) WHERE …`): every partition's index is the parent's definition, which ATTACH requires.
 * Partition index names are the ones Postgres gives the copies it makes itself (`<partition>_<columns>_idx`, `_key` for
 * a unique index, within 63 bytes, numbered while a relation of the schema has the name).
 */
function partitionRoute(
  db: Database,
  parent: Table,
  name: string,
  head: string,
  tail: string,
  columns: readonly string[],
  unique: boolean,
  partitionsOf: (t: Table) => Table[],
  reader: SourceReader,
  d: Dialect,
): Route | undefined {
  if (partitionsOf(parent).length === 0) return undefined;
  const chosen = new Set<string>([qualifiedKey(parent.name, name)]);
  const nameColumns = columns.map((c) => (c.startsWith('(') ? 'expr' : c));
  const indexSql = (table: Table, index: string): string => schemaPrefix(db, table.name, reader) + quoteIdent(index, d);
  const route: Route = { parentIndex: indexSql(parent, name), onOnly: [], subOnOnly: [], onOnlyUndo: [], builds: [], attach: [] };
  route.onOnly.push(`${head} IF NOT EXISTS ${quoteIdent(name, d)} ON ONLY ${tableSql(db, parent.name, reader)}${tail};`);
  route.onOnlyUndo.push(`DROP INDEX IF EXISTS ${route.parentIndex};`);
  const seen = new Set<Table>([parent]);
  const walk = (table: Table, index: string, depth: number): void => {
    for (const p of partitionsOf(table)) {
      if (seen.has(p)) continue; // a cycle in a broken history
      seen.add(p);
      const pName = freeIndexName(db, p.name, nameColumns, unique ? 'key' : 'idx', chosen);
      chosen.add(qualifiedKey(p.name, pName));
      const pq = quoteIdent(pName, d);
      const pt = tableSql(db, p.name, reader);
      if (p.partitioned && depth < 32) {
        const sql = `${head} IF NOT EXISTS ${pq} ON ONLY ${pt}${tail};`;
        route.onOnly.push(sql);
        route.subOnOnly.push(sql);
        route.onOnlyUndo.push(`DROP INDEX IF EXISTS ${indexSql(p, pName)};`);
        walk(p, pName, depth + 1);
      } else {
        route.builds.push({ partition: p.name, sql: `${head} CONCURRENTLY IF NOT EXISTS ${pq} ON ${pt}${tail};`, undo: `DROP INDEX CONCURRENTLY IF EXISTS ${indexSql(p, pName)};` });
      }
      route.attach.push(`ALTER INDEX ${indexSql(table, index)} ATTACH PARTITION ${indexSql(p, pName)};`);
    }
  };
  // Post-order: a partitioned partition's ATTACH follows its own partitions' (its index is valid once theirs are attached).
  walk(parent, name, 0);
  return route;
}

function qualifiedKey(table: string, index: string): string {
  return `${schemaOf(table)}\0${index}`;
}

/** A free index name on `table` with Postgres' label (`idx`, `key`), also free of the names of `chosen` (schema-keyed). */
function freeIndexName(db: Database, table: string, columns: readonly string[], label: 'idx' | 'key', chosen: Set<string>): string {
  const used = relationNamesOf(db).get(schemaOf(table));
  return chooseName(bare(table), columnsAddition(columns), label, (n) => used?.has(n) === true || chosen.has(qualifiedKey(table, n)));
}

/**
 * The new migrations of a route. Each CONCURRENTLY build is a migration of its own, whatever the runner: Prisma migrate
 * and the Supabase CLI wrap a multi-statement file in a transaction, golang-migrate and many other runners send a file
 * as one query (one implicit transaction for Postgres), and CONCURRENTLY fails in either; alone in its file it runs
 * outside. The ON ONLY statements open the route (`withParent`: the parent's too, else it is the user's statement,
 * rewritten in place); the ATTACH statements close it in one migration (each is quick; they may share a transaction).
 */
function routeMigrations(t: Target, name: string, route: Route, withParent: boolean, reader: SourceReader, d: Dialect): FileEdit[] | undefined {
  const bodies: string[] = [];
  const downs: string[] = [];
  const names: string[] = [];
  const first = withParent ? route.onOnly : route.subOnOnly;
  if (first.length) {
    bodies.push(first.join('\n'));
    // Without the parent's (the user's own statement, rewritten in place), only the partitioned partitions' are undone here.
    downs.push((withParent ? route.onOnlyUndo : route.onOnlyUndo.slice(1)).join('\n'));
    names.push(`${name}_on_only`);
  }
  for (const b of route.builds) {
    bodies.push(b.sql);
    downs.push(b.undo);
    names.push(`${name}_on_${slug(bare(b.partition))}`);
  }
  bodies.push(
    [
      `-- The index ${route.parentIndex} is valid once each partition's index is attached. A partition these migrations do`,
      `-- not create (pg_partman, by hand) needs its own CREATE INDEX CONCURRENTLY and ATTACH. Check with:`,
      `-- SELECT indisvalid FROM pg_index WHERE indexrelid = '${route.parentIndex.split("'").join("''")}'::regclass;`,
      ...route.attach,
    ].join('\n'),
  );
  // Postgres has no DETACH for an index: undoing the ATTACH drops the parent's index, with every index attached to it.
  downs.push(`DROP INDEX IF EXISTS ${route.parentIndex};`);
  names.push(`${name}_attach`);
  const made = newMigrations(t, name, bodies, reader, d, downs, names);
  return made?.flatMap((m) => m.edits);
}

function createdByStatement(db: Database, loc: { file: string; range: { start: { line: number; character: number } } }, kind: MigrationStatement['kind']): MigrationStatement | undefined {
  return allStatements(db).find((s) => s.kind === kind && s.loc.file === loc.file && s.loc.range.start.line === loc.range.start.line && s.loc.range.start.character === loc.range.start.character);
}

function dropIndex(db: Database, t: Target, table: Table, index: Table['indexes'][number], reader: SourceReader, inPlace: boolean): FileEdit[] | undefined {
  const d = db.dialect;
  // A Prisma migrations folder is generated from the schema, which declares the index: a migration dropping it alone
  // is drift (`migrate dev` creates it again), and editing the migration that made it changes an applied migration's
  // checksum. The schema's own duplicate-index finding is where it goes.
  if (t.hints.kind === 'prisma') return undefined;
  const stmt = createdByStatement(db, index.loc, 'createIndex');
  // `inPlace`: out of the newest migration of its folder, whose title says "only if it has not been deployed yet".
  if (inPlace && !(isHistory(t) && index.migration?.applied && index.migration.latest)) return undefined;
  if (!isHistory(t) || index.migration?.applied === false || inPlace) {
    if (!stmt) return undefined;
    return removeStatement(stmt.loc.file, stmt.loc.range, reader);
  }
  if (!index.name) return undefined;
  const nq = quoteIdent(index.name, d);
  // DROP INDEX finds the index by search_path: name it in the table's schema as the file does.
  const iq = d === 'postgresql' ? schemaPrefix(db, table.name, reader) + nq : nq;
  let sql: string;
  if (!stmt) {
    // A UNIQUE constraint, not an index of its own.
    if (d === 'sqlite') return undefined;
    sql = d === 'mysql' ? `ALTER TABLE ${tableSql(db, table.name, reader)} DROP INDEX ${nq};` : `ALTER TABLE ${tableSql(db, table.name, reader)} DROP CONSTRAINT ${nq};`;
  } else if (d === 'mysql') sql = `DROP INDEX ${nq} ON ${tableSql(db, table.name, reader)};`;
  else if (d === 'sqlite' || t.hints.kind === 'drizzle') sql = `DROP INDEX IF EXISTS ${iq};`;
  else sql = `DROP INDEX CONCURRENTLY IF EXISTS ${iq};`;
  // Undone by the statement that made it, or the constraint.
  let undo = NOTHING_TO_UNDO;
  if (stmt) {
    const text = reader.read(stmt.loc.file);
    if (text !== undefined) {
      const src = sourceTextFor(stmt.loc.file, text);
      undo = `${text.slice(src.offset(stmt.loc.range.start), src.offset(stmt.loc.range.end))};`;
    }
  } else undo = d === 'mysql' ? `ALTER TABLE ${tableSql(db, table.name, reader)} ADD UNIQUE INDEX ${nq} (${list(index.columns, d)});` : `ALTER TABLE ${tableSql(db, table.name, reader)} ADD CONSTRAINT ${nq} UNIQUE (${list(index.columns, d)});`;
  return asMigrations(t, `drop_index_${slug(index.name)}`, [sql], reader, d, false, [undo]);
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

/** Words that end a column attribute's value in MySQL (the next attribute, a key, a reference). */
const MYSQL_ATTRIBUTE_END = new Set(['not', 'null', 'default', 'comment', 'on', 'auto_increment', 'unique', 'primary', 'key', 'references', 'check', 'collate', 'character', 'charset', 'visible', 'invisible', 'generated', 'as', 'constraint', 'storage', 'column_format', 'engine_attribute', 'secondary_engine_attribute', 'srid', 'first', 'after']);

/**
 * MySQL's MODIFY COLUMN replaces the whole column definition, so what it does not repeat is lost: the column's
 * `DEFAULT …`, `ON UPDATE …` and `COMMENT '…'` as written after its type (` DEFAULT 0 COMMENT 'x'`, or ''). Keys and
 * references are not repeated (they would be added twice). `jsonDefault`: a JSON column takes no literal default,
 * only an expression one (`DEFAULT ('{}')`).
 */
function mysqlKeptAttributes(column: Column, reader: SourceReader, jsonDefault = false): string {
  if (!column.typeLoc || column.typeLoc.file !== column.loc.file) return '';
  const text = reader.read(column.loc.file);
  if (text === undefined) return '';
  const src = sourceTextFor(column.loc.file, text);
  const from = src.offset(column.typeLoc.range.end);
  const to = src.offset(column.loc.range.end);
  if (!(from <= to)) return '';
  const toks = tokenize(text, 'mysql', from, to).filter((x) => x.kind !== 'comment');
  const word = (i: number): string => (i < toks.length && toks[i].kind === 'word' ? text.slice(toks[i].start, toks[i].end).toLowerCase() : '');
  /** The end (token index) of a value starting at i: up to the next attribute word outside parentheses. */
  const valueEnd = (i: number): number => {
    let depth = 0;
    let j = i;
    for (; j < toks.length; j++) {
      const c = toks[j].kind === 'punct' ? text[toks[j].start] : '';
      if (c === '(') depth++;
      else if (c === ')') depth--;
      else if (c === ',' && depth <= 0) break;
      else if (depth <= 0 && j > i && MYSQL_ATTRIBUTE_END.has(word(j))) break;
    }
    return j;
  };
  const out: string[] = [];
  for (let i = 0; i < toks.length; ) {
    const w = word(i);
    if (w === 'default' || w === 'comment' || (w === 'on' && word(i + 1) === 'update')) {
      const at = w === 'on' ? i + 2 : i + 1;
      const end = valueEnd(at);
      if (end <= at) break;
      let value = text.slice(toks[at].start, toks[end - 1].end);
      if (w === 'default' && jsonDefault && toks[at].kind === 'string') value = `(${value})`;
      out.push(`${w === 'on' ? 'ON UPDATE' : w.toUpperCase()} ${value}`);
      i = end;
    } else i++;
  }
  return out.length ? ` ${out.join(' ')}` : '';
}

function changeColumnType(db: Database, t: Target, table: Table, column: Column, to: 'json' | 'decimal', reader: SourceReader, d: Dialect): FileEdit[] | undefined {
  const pgType = to === 'json' ? 'jsonb' : 'numeric';
  const myType = to === 'json' ? 'JSON' : 'DECIMAL(19,4)';
  const sqliteType = to === 'json' ? 'TEXT' : 'NUMERIC';
  const newType = d === 'mysql' ? myType : d === 'sqlite' ? sqliteType : pgType;
  if (!isHistory(t) || (table.migration?.applied === false && declares(t, column))) {
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
  const tq = tableSql(db, table.name, reader);
  const cq = quoteIdent(column.name, d);
  let sql: string;
  if (d === 'mysql') sql = `ALTER TABLE ${tq} MODIFY COLUMN ${cq} ${myType}${column.nullable ? ' NULL' : ' NOT NULL'}${mysqlKeptAttributes(column, reader, to === 'json')};`;
  else if (d === 'sqlite') return undefined;
  else {
    const parts = [];
    if (column.default !== undefined) parts.push(`ALTER COLUMN ${cq} DROP DEFAULT`);
    parts.push(`ALTER COLUMN ${cq} TYPE ${pgType} USING ${cq}::${pgType}`);
    if (column.default !== undefined) parts.push(`ALTER COLUMN ${cq} SET DEFAULT (${column.default})::${pgType}`);
    sql = `ALTER TABLE ${tq} ${parts.join(', ')};`;
  }
  return asMigrations(t, `change_${slug(bare(table.name))}_${slug(column.name)}_to_${to}`, [sql], reader, d, false, [backToType(tq, cq, column, d, '', reader)]);
}

/** Undoes a type change of a column: back to the type it was written with (and its default). */
function backToType(tq: string, cq: string, column: Column, d: Dialect, via: string, reader: SourceReader): string {
  const raw = column.rawType || 'text';
  if (d === 'mysql') return `ALTER TABLE ${tq} MODIFY COLUMN ${cq} ${raw}${column.nullable ? ' NULL' : ' NOT NULL'}${mysqlKeptAttributes(column, reader)};`;
  const parts = [];
  if (column.default !== undefined) parts.push(`ALTER COLUMN ${cq} DROP DEFAULT`);
  parts.push(`ALTER COLUMN ${cq} TYPE ${raw} USING ${cq}${via}::${raw}`);
  if (column.default !== undefined) parts.push(`ALTER COLUMN ${cq} SET DEFAULT ${column.default}`);
  return `ALTER TABLE ${tq} ${parts.join(', ')};`;
}

function makeNullable(db: Database, t: Target, table: Table, column: Column, reader: SourceReader, d: Dialect): FileEdit[] | undefined {
  if (!isHistory(t) || (table.migration?.applied === false && declares(t, column))) {
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
  const tq = tableSql(db, table.name, reader);
  const cq = quoteIdent(column.name, d);
  let sql: string;
  const kept = d === 'mysql' ? mysqlKeptAttributes(column, reader) : '';
  if (d === 'mysql') sql = `ALTER TABLE ${tq} MODIFY COLUMN ${cq} ${column.rawType || 'TEXT'} NULL${kept};`;
  else if (d === 'sqlite') return undefined;
  else sql = `ALTER TABLE ${tq} ALTER COLUMN ${cq} DROP NOT NULL;`;
  const undo = d === 'mysql' ? `ALTER TABLE ${tq} MODIFY COLUMN ${cq} ${column.rawType || 'TEXT'} NOT NULL${kept};` : `ALTER TABLE ${tq} ALTER COLUMN ${cq} SET NOT NULL;`;
  return asMigrations(t, `make_${slug(bare(table.name))}_${slug(column.name)}_nullable`, [sql], reader, d, false, [undo]);
}

/** A constraint name Postgres would choose for a new foreign key, free in the table's schema (`_fkey1` when taken). */
function foreignKeyName(db: Database, table: Table, columns: readonly string[]): string {
  const schema = schemaOf(table.name);
  const used = new Set<string>();
  for (const t of db.tables) {
    if (schemaOf(t.name) !== schema) continue;
    if (t.primaryKey?.name) used.add(t.primaryKey.name);
    for (const i of t.indexes) if (i.name) used.add(i.name);
    for (const f of t.foreignKeys) if (f.name) used.add(f.name);
  }
  return chooseName(bare(table.name), columnsAddition(columns), 'fkey', (n) => used.has(n));
}

/**
 * A new foreign key's actions. In a Prisma migrations folder both are written, as `prisma migrate` writes them for the
 * relation the schema fix adds: the schema's defaults where the intent names none (onDelete SetNull for an optional
 * relation, else Restrict; onUpdate Cascade), so the migration and the fixed schema agree and `prisma migrate dev`
 * finds no drift.
 */
function newForeignKeyActions(t: Target, table: Table, columns: readonly string[], onDelete?: ReferentialAction, onUpdate?: ReferentialAction): { onDelete?: ReferentialAction; onUpdate?: ReferentialAction } {
  if (t.hints.kind !== 'prisma') return { onDelete, onUpdate };
  const optional = columns.every((c) => table.columns.find((x) => x.name === c)?.nullable);
  return { onDelete: onDelete ?? (optional ? 'SetNull' : 'Restrict'), onUpdate: onUpdate ?? 'Cascade' };
}

function addForeignKey(db: Database, t: Target, table: Table, columns: string[], references: { table: string; columns: string[] }, reader: SourceReader, d: Dialect, onDelete?: ReferentialAction, onUpdate?: ReferentialAction): FileEdit[] | undefined {
  // Under relationMode = "prisma" the schema's relation is the reference (its fix says onDelete and onUpdate there),
  // and `prisma migrate` makes no constraint for it: one written here would disagree with the schema's actions, and
  // the next `prisma migrate dev` would drop it as drift.
  if (t.emulatedRelations) return undefined;
  const name = quoteIdent(d === 'postgresql' ? foreignKeyName(db, table, columns) : defaultName(table.name, columns, 'fkey'), d);
  const tq = tableSql(db, table.name, reader);
  const actions = newForeignKeyActions(t, table, columns, onDelete, onUpdate);
  const clause = fkClause(db, reader, { columns, references }, d, actions.onDelete, actions.onUpdate);
  if (!isHistory(t) || (table.migration?.applied === false && declaresAll(t, table, columns))) {
    const file = table.migration?.applied === false ? table.loc.file : t.files[0];
    if (d === 'sqlite') return insertTableElement(table, `CONSTRAINT ${name} ${clause}`, reader, d);
    const sql = `ALTER TABLE ${tq} ADD CONSTRAINT ${name} ${clause};`;
    // Right after the table and the referenced key both exist (a point of its own, not the end every fix shares).
    const target = tableNamed(db, references.table);
    const key = target && [target.primaryKey, ...target.indexes].find((i) => i && i.unique && !i.partial && sameColumns([...i.columns].sort(), [...references.columns].sort()));
    const at = target && pointAfterAll(db, [table.loc, key?.loc ?? target.loc], reader, (s) => !isHistory(t) || s.migration.applied === false);
    if (at) return [{ file: at.file, edits: [insertStatements(at.src, at.offset, at.lead, sql)] }];
    const e = appendTo(file, reader, sql);
    return e ? [e] : undefined;
  }
  const migrationName = `add_foreign_key_${slug(bare(table.name))}_${slug(columns.join('_'))}`;
  if (d === 'sqlite') return undefined;
  if (d === 'mysql') return asMigrations(t, migrationName, [`ALTER TABLE ${tq} ADD CONSTRAINT ${name} ${clause};`], reader, d, false, [`ALTER TABLE ${tq} DROP FOREIGN KEY ${name};`]);
  return asMigrations(t, migrationName, [`ALTER TABLE ${tq} ADD CONSTRAINT ${name} ${clause} NOT VALID;`, `ALTER TABLE ${tq} VALIDATE CONSTRAINT ${name};`], reader, d, true, [`ALTER TABLE ${tq} DROP CONSTRAINT IF EXISTS ${name};`, NOTHING_TO_UNDO]);
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

function createEnum(db: Database, t: Target, table: Table, column: Column, values: string[], reader: SourceReader, d: Dialect): FileEdit[] | undefined {
  if (d === 'sqlite' || values.length === 0) return undefined;
  const tq = tableSql(db, table.name, reader);
  const cq = quoteIdent(column.name, d);
  if (d === 'mysql') {
    const sql = `ALTER TABLE ${tq} MODIFY COLUMN ${cq} ENUM(${values.map(literal).join(', ')})${column.nullable ? ' NULL' : ' NOT NULL'}${mysqlKeptAttributes(column, reader)};`;
    if (!isHistory(t)) {
      if (!column.typeLoc) return undefined;
      return [{ file: column.typeLoc.file, edits: [{ range: column.typeLoc.range, newText: `ENUM(${values.map(literal).join(', ')})` }] }];
    }
    return asMigrations(t, `create_enum_${slug(bare(table.name))}_${slug(column.name)}`, [sql], reader, d, false, [backToType(tq, cq, column, d, '', reader)]);
  }
  const typeName = enumTypeName(db, table, column);
  // Next to the table, in the schema the file names it with (a pg_dump empties search_path).
  const eq = schemaPrefix(db, table.name, reader) + quoteIdent(typeName, d);
  const create = `CREATE TYPE ${eq} AS ENUM (${values.map(literal).join(', ')});`;
  if (!isHistory(t) || (table.migration?.applied === false && declares(t, column))) {
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
  return asMigrations(t, `create_enum_${typeName}`, [`${create}\n${`ALTER TABLE ${tq} ${parts.join(', ')};`}`], reader, d, false, [`${backToType(tq, cq, column, d, '::text', reader)}\nDROP TYPE IF EXISTS ${eq};`]);
}

/**
 * The enum type the string-enum fix gives `table`'s column: `<table>_<column>` within Postgres' 63 bytes (shortened as
 * makeObjectName shortens a name it makes), in the table's schema, clear of the types already there: enums, and tables
 * (each has a row type of its name). A taken name is numbered (`invoice_status1`, `2`, …), shortened to leave room for
 * the number, as the Drizzle writer does.
 */
function enumTypeName(db: Database, table: Table, column: Column): string {
  const schema = schemaOf(table.name);
  const key = (n: string) => (schema ? `${schema}.${n}` : n);
  const taken = new Set<string>([...db.enums.map((e) => e.name), ...db.tables.map((x) => x.name)]);
  const t = slug(bare(table.name));
  const c = slug(column.name);
  const name = makeObjectName(t, c, undefined);
  for (let n = 1; taken.has(key(name)) && n < 10_000; n++) {
    const numbered = makeObjectName(t, c, String(n));
    const candidate = numbered.slice(0, numbered.length - String(n).length - 1) + String(n);
    if (!taken.has(key(candidate))) return candidate;
  }
  return name;
}

/**
 * In place only: a statement of an applied migration already ran, except in the newest migration of a folder
 * (the fix title says to use it only if that migration has not been deployed). Never inside a transaction:
 * Postgres refuses CONCURRENTLY there, so no fix beats a fix that fails at deploy time.
 */
function addConcurrently(db: Database, t: Target, statement: MigrationStatement, reader: SourceReader, d: Dialect): FileEdit[] | undefined {
  if (statement.kind !== 'createIndex' || statement.concurrently || d !== 'postgresql') return undefined;
  if (statement.migration.applied && !statement.migration.latest) return undefined;
  // Postgres refuses CONCURRENTLY on a partitioned table: the ON ONLY route instead.
  const parent = statement.table === undefined ? undefined : tableNamed(db, statement.table);
  if (parent?.partitioned) return onlyRoute(db, t, statement, parent, reader, d);
  const text = reader.read(statement.loc.file);
  if (text === undefined) return undefined;
  const src = sourceTextFor(statement.loc.file, text);
  const start = src.offset(statement.loc.range.start);
  const end = src.offset(statement.loc.range.end);
  const keyword = tokenize(text, 'postgresql', start, end).find((tok) => tok.kind === 'word' && text.slice(tok.start, tok.end).toLowerCase() === 'index');
  if (!keyword) return undefined;
  // In a transaction (the runner's, or BEGIN … COMMIT) Postgres refuses CONCURRENTLY: the statement moves, with it,
  // into a migration of its own.
  if (statement.migration.transactional || statement.inExplicitTransaction) {
    if (!isHistory(t)) return undefined;
    return moveToOwnMigration(db, t, statement, reader, d, `${text.slice(start, keyword.end)} CONCURRENTLY${text.slice(keyword.end, end)}`);
  }
  return [{ file: statement.loc.file, edits: [{ range: src.range(keyword.end, keyword.end), newText: ' CONCURRENTLY' }] }];
}

/**
 * A user's own `CREATE INDEX` on a partitioned table whose partitions existed before it (see partitionRoute): `ONLY` is
 * added to it in place (instant, and fine inside a transaction), then new migrations build each partition's index
 * CONCURRENTLY, one per migration, and a last one attaches them. In place, so only where addConcurrently rewrites (a
 * migration not applied yet, or the newest of its folder: the title says "only if it has not been deployed yet"). No
 * fix in a drizzle-kit history (every pending migration runs in one transaction, where CONCURRENTLY cannot), in a dump
 * or a lone file (no later migration to build in; and a file that creates the partitioned table indexes empty
 * partitions, which the rule does not report), inside a DO block, or when the statement is already `ON ONLY`.
 */
function onlyRoute(db: Database, t: Target, statement: MigrationStatement, parent: Table, reader: SourceReader, d: Dialect, dropConcurrently = false): FileEdit[] | undefined {
  if (statement.only || statement.doBlock || !isHistory(t) || t.hints.kind === 'drizzle' || statement.migration.allPendingInOneTransaction) return undefined;
  const index = parent.indexes.find((i) => i.loc.file === statement.loc.file && sameStart(i.loc.range, statement.loc.range));
  if (!index?.name) return undefined; // IF NOT EXISTS on an existing name: the statement created nothing
  const text = reader.read(statement.loc.file);
  if (text === undefined) return undefined;
  const src = sourceTextFor(statement.loc.file, text);
  const start = src.offset(statement.loc.range.start);
  const end = src.offset(statement.loc.range.end);
  // CREATE [UNIQUE] INDEX [IF NOT EXISTS] [name] ON [ONLY] table <tail>: read from the statement's tokens.
  const toks = tokenize(text, 'postgresql', start, end).filter((x) => x.kind !== 'comment');
  const word = (i: number, w: string): boolean => i < toks.length && toks[i].kind === 'word' && wordIs(text, toks[i].start, toks[i].end, w);
  let k = 0;
  while (k < toks.length && !word(k, 'index')) k++;
  let on = k + 1;
  while (on < toks.length && !word(on, 'on')) on++;
  if (on >= toks.length || word(on + 1, 'only')) return undefined;
  let last = on + 1;
  const isName = (i: number): boolean => i < toks.length && (toks[i].kind === 'word' || toks[i].kind === 'quoted');
  if (!isName(last)) return undefined;
  while (last + 2 < toks.length && toks[last + 1].kind === 'punct' && text[toks[last + 1].start] === '.' && isName(last + 2)) last += 2;
  const head = toks.slice(0, k + 1).map((x) => text.slice(x.start, x.end).toUpperCase()).join(' ');
  const tail = text.slice(toks[last].end, end);
  const route = partitionRoute(db, parent, index.name, head, tail, index.columns, index.unique, partitionsBefore(db, statement), reader, d);
  if (!route) return undefined;
  const made = routeMigrations(t, `build_${slug(index.name)}`, route, false, reader, d);
  if (!made) return undefined;
  const at = toks[on].end;
  // In the case the statement writes its keywords in.
  const only = text.slice(toks[on].start, at) === 'on' ? ' only' : ' ONLY';
  const edits = [{ range: src.range(at, at), newText: only }];
  if (dropConcurrently) {
    const drop = withoutConcurrently(text, src, toks);
    if (!drop) return undefined;
    edits.unshift(drop);
  }
  return [{ file: statement.loc.file, edits }, ...made];
}

/** The edit that takes `CONCURRENTLY` (and the space before it) out of a CREATE INDEX statement's tokens. */
function withoutConcurrently(text: string, src: SourceText, toks: readonly Token[]): TextEdit | undefined {
  const i = toks.findIndex((x) => x.kind === 'word' && wordIs(text, x.start, x.end, 'concurrently'));
  if (i <= 0) return undefined;
  return { range: src.range(toks[i - 1].end, toks[i].end), newText: '' };
}

/**
 * A user's `CREATE INDEX CONCURRENTLY` on a partitioned table, which Postgres refuses whatever the partitions (even
 * `ON ONLY`, even with none). The statement fails, so its migration has never been applied and is edited in place:
 * without CONCURRENTLY and `ON ONLY` where partitions existed before it, followed by the route's migrations (each
 * partition's index CONCURRENTLY in a migration of its own, then ATTACH; see partitionRoute). Where no route can be
 * written (no partition yet, which makes the plain statement instant; a dump or lone file; drizzle-kit, whose one
 * transaction cannot run CONCURRENTLY at all; a DO block; `ON ONLY` already written) CONCURRENTLY is only dropped.
 */
function indexPartitionsConcurrently(db: Database, t: Target, statement: MigrationStatement, reader: SourceReader, d: Dialect): FileEdit[] | undefined {
  if (statement.kind !== 'createIndex' || !statement.concurrently || d !== 'postgresql') return undefined;
  const parent = statement.table === undefined ? undefined : tableNamed(db, statement.table);
  if (!parent?.partitioned) return undefined;
  const route = onlyRoute(db, t, statement, parent, reader, d, true);
  if (route) return route;
  const text = reader.read(statement.loc.file);
  if (text === undefined) return undefined;
  const src = sourceTextFor(statement.loc.file, text);
  const toks = tokenize(text, 'postgresql', src.offset(statement.loc.range.start), src.offset(statement.loc.range.end)).filter((x) => x.kind !== 'comment');
  const drop = withoutConcurrently(text, src, toks);
  return drop ? [{ file: statement.loc.file, edits: [drop] }] : undefined;
}

/**
 * In place only (see addConcurrently): `NOT VALID` on the constraint, then `VALIDATE CONSTRAINT` outside the
 * transaction that adds it: VALIDATE run in that transaction scans the table while the SHARE ROW EXCLUSIVE locks the
 * ADD took are still held, which is what NOT VALID avoids. So VALIDATE goes into a new migration where the runner
 * wraps a file in a transaction (Prisma, Supabase, drizzle-kit, golang-migrate, dbmate; also where a one-statement
 * file would become a wrapped two-statement one), after the COMMIT of an explicit BEGIN … COMMIT, after the DO block
 * that holds the ALTER, or else right after the statement.
 */
function addNotValid(db: Database, t: Target, statement: MigrationStatement, reader: SourceReader, d: Dialect): FileEdit[] | undefined {
  if (statement.kind !== 'addForeignKey' || statement.notValid || d !== 'postgresql') return undefined;
  if (statement.migration.applied && !statement.migration.latest) return undefined;
  const table = statement.table === undefined ? undefined : tableNamed(db, statement.table);
  const fk = table?.foreignKeys.find((f) => f.loc.file === statement.loc.file && sameColumns(f.columns, statement.columns ?? []) && inside(f.loc.range, statement.loc.range));
  if (!table || !fk) return undefined;
  const text = reader.read(statement.loc.file);
  if (text === undefined) return undefined;
  const src = sourceTextFor(statement.loc.file, text);
  const fkStart = src.offset(fk.loc.range.start);
  const fkEnd = src.offset(fk.loc.range.end);
  const constraint = quoteIdent(fkName(table, fk), d);
  const first = tokenize(text, 'postgresql', fkStart, fkEnd).find((x) => x.kind !== 'comment');
  const inline = first !== undefined && first.kind === 'word' && wordIs(text, first.start, first.end, 'references');
  // A column's inline REFERENCES takes no NOT VALID: it becomes a constraint of the same ALTER TABLE.
  const stmtEnd = src.offset(statement.loc.range.end);
  const added = `, ADD CONSTRAINT ${constraint} FOREIGN KEY (${list(fk.columns, d)}) ${text.slice(fkStart, fkEnd)} NOT VALID`;
  const clauseStart = trimBack(text, 0, fkStart);
  const notValid: TextEdit[] = !inline
    ? [{ range: src.range(fkEnd, fkEnd), newText: ' NOT VALID' }]
    : stmtEnd === fkEnd
      ? [{ range: src.range(clauseStart, fkEnd), newText: added }]
      : [
          { range: src.range(clauseStart, fkEnd), newText: '' },
          { range: src.range(stmtEnd, stmtEnd), newText: added },
        ];
  const validate = `ALTER TABLE ${tableSql(db, table.name, reader)} VALIDATE CONSTRAINT ${constraint};`;
  // A runner that wraps files (another runner's file is "transactional" only by its own BEGIN, handled below).
  const wrapped = isHistory(t) && runnerWraps(t, d);
  // The statement at the top level of the file: the DO block when the ALTER is inside one.
  const outer = (statement.doBlock && statementHolding(db, statement.doBlock)) || statement;
  const anchor = outer.inExplicitTransaction ? transactionEnd(db, outer, src) : outer.loc;
  if (wrapped || !anchor) {
    if (!isHistory(t)) return undefined; // a lone script whose transaction never commits: nowhere to validate
    const made = newMigrations(t, `validate_${slug(bare(table.name))}_${slug(fk.columns.join('_'))}`, [validate], reader, d);
    return made ? [{ file: statement.loc.file, edits: notValid }, ...made.flatMap((m) => m.edits)] : undefined;
  }
  const anchorEnd = src.offset(anchor.range.end);
  const semi = skipTrivia(text, anchorEnd, text.length, 'postgresql');
  const after = text[semi] === ';' ? semi + 1 : anchorEnd;
  return [
    {
      file: statement.loc.file,
      edits: [...notValid, { range: src.range(after, after), newText: `${text[semi] === ';' ? '' : ';'}${lineBreakOf(text)}${validate}` }],
    },
  ];
}

/** The COMMIT (or END) that ends the explicit transaction a statement is in, undefined when none does. */
function transactionEnd(db: Database, statement: MigrationStatement, src: SourceText): Loc | undefined {
  const list = db.statements ?? [];
  let i = list.indexOf(statement);
  if (i < 0) return undefined;
  // The statements of the transaction, its COMMIT included, are marked as in it; the first one after is not.
  let last: MigrationStatement | undefined;
  for (i++; i < list.length; i++) {
    const s = list[i];
    if (s.migration.file !== statement.migration.file || !s.inExplicitTransaction) break;
    if (!s.doBlock) last = s;
  }
  if (!last) return undefined;
  const start = src.offset(last.loc.range.start);
  const first = tokenize(src.text, 'postgresql', start, Math.min(src.text.length, start + 16))[0];
  const w = first ? src.text.slice(first.start, first.end).toLowerCase() : '';
  return w === 'commit' || w === 'end' ? last.loc : undefined;
}

function sameStart(a: Range, b: Range): boolean {
  return a.start.line === b.start.line && a.start.character === b.start.character;
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
function moveToOwnMigration(db: Database, t: Target, statement: MigrationStatement, reader: SourceReader, d: Dialect, rewritten?: string): FileEdit[] | undefined {
  // drizzle-kit's migrator runs every pending migration in one transaction: moving does not help.
  if (!isHistory(t) || t.hints.kind === 'drizzle') return undefined;
  // Nor for CONCURRENTLY on a partitioned table: Postgres refuses it in or out of a transaction.
  if (statement.kind === 'createIndex' && statement.concurrently && statement.table !== undefined && tableNamed(db, statement.table)?.partitioned) return undefined;
  const text = reader.read(statement.loc.file);
  if (text === undefined) return undefined;
  const src = sourceTextFor(statement.loc.file, text);
  const body = rewritten ?? text.slice(src.offset(statement.loc.range.start), src.offset(statement.loc.range.end));
  const removal = removeStatement(statement.loc.file, statement.loc.range, reader);
  const name = `${statement.kind === 'createIndex' ? 'create_index' : 'move'}_${slug(statement.table ?? 'statement')}${statement.columns?.length ? '_' + slug(statement.columns.join('_')) : ''}`;
  // The down of a moved CREATE INDEX drops the index; a moved VALIDATE CONSTRAINT has nothing to undo.
  const index = statement.kind === 'createIndex' && statement.table !== undefined ? tableNamed(db, statement.table)?.indexes.find((i) => i.loc.file === statement.loc.file && sameStart(i.loc.range, statement.loc.range)) : undefined;
  const undo = index?.name ? `DROP INDEX${statement.concurrently ? ' CONCURRENTLY' : ''} IF EXISTS ${schemaPrefix(db, statement.table ?? '', reader)}${quoteIdent(index.name, d)};` : NOTHING_TO_UNDO;
  const made = newMigrations(t, name, [`${body};`], reader, d, [undo]);
  if (!removal || !made) return undefined;
  return [...removal, ...made.flatMap((m) => m.edits)];
}
