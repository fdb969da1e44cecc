/**
 * The SQL front-end: migration folders and dumps → one Database per unit, replayed in order.
 *
 * Parsing (parse.ts) is separate from model building (replay.ts) so the bench can compare a
 * review with the bare libpg-query parse. `loadSqlParser()` (the front-end's `init`, awaited by reviews of
 * workspaces that have SQL) loads the wasm; `analyze` reports a diagnostic instead of throwing if it has not loaded.
 */
import type { Dialect, MigrationRef } from '../../../../rules/model';
import { parseIgnoreComment } from '../../suppressions';
import type { Analysis, AnalyzeOptions, LanguageFrontEnd, SourceDiagnostic, SourceReader, Suppression, Unit } from '../types';
import { discoverSql, type FolderKind, type SqlUnitHints } from './discover';
import { dbmateSections, sniffDialect, tokenize, type SqlFlavor } from './lexer';
import { ignoreComments, loadSqlParser, parseSql, type ParsedFile } from './parse';
import { createReplayer } from './replay';
import { mergeDeclarative } from './declarative';
import { SourceText } from './text';
import { writeSqlFix } from './write';

export { loadSqlParser, sqlParserReady, sqlParserRequested, parseSql } from './parse';
export { discoverSql } from './discover';
export { replay, createReplayer } from './replay';

/** Files above this size are skipped with a diagnostic (a data dump, not a schema). */
const MAX_FILE_CHARS = 64 * 1024 * 1024;

export function flavorOf(dialect: Dialect): SqlFlavor {
  return dialect === 'mysql' ? 'mysql' : dialect === 'sqlite' ? 'sqlite' : 'postgresql';
}

/**
 * Whether the runner wraps a migration file in one transaction.
 * - Prisma migrate and the Supabase CLI send a file as one multi-statement script, which Postgres
 *   runs as one implicit transaction; a file with a single statement is not wrapped (the
 *   documented way to run CREATE INDEX CONCURRENTLY with Prisma).
 * - drizzle-kit's migrator runs all pending migrations in one transaction (Postgres, SQLite).
 * - MySQL commits every DDL statement on its own: never transactional.
 * - golang-migrate (`.up.sql` files) runs a file in one Exec: like Prisma, transactional when it has several statements.
 * - Flyway (`V<n>__x.sql`) runs each migration in a transaction, but a file of one CREATE INDEX CONCURRENTLY outside
 *   one: for what the rules judge, a file is transactional when it has several statements.
 * - dbmate (`-- migrate:up` in the file) wraps each migration in a transaction unless `-- migrate:up transaction:false`
 *   (decided per file in analyzeSql).
 * - Other runners are unknown: transactional only when the file itself starts with BEGIN.
 */
export function runnerWrapsInTransaction(kind: FolderKind, dialect: Dialect, statementCount: number, startsWithBegin: boolean, runner?: SqlUnitHints['runner']): boolean {
  if (dialect === 'mysql') return false;
  if (startsWithBegin) return true;
  // golang-migrate sends a file in one Exec: a multi-statement query, which Postgres runs as one transaction.
  if (runner === 'golang-migrate' || runner === 'flyway') return statementCount > 1;
  switch (kind) {
    case 'prisma':
    case 'supabase':
      return statementCount > 1;
    case 'drizzle':
      return true;
    default:
      return false;
  }
}

function startsWithBegin(parsed: ParsedFile): boolean {
  const first = parsed.statements.find((s) => s.ast);
  if (!first) return false;
  const ast = first.ast;
  const k = ast?.TransactionStmt?.kind;
  if (k === 'TRANS_STMT_BEGIN' || k === 'TRANS_STMT_START') return true;
  const t = String(ast?.type ?? '').toLowerCase();
  return t === 'transaction' && /begin|start/i.test(String(ast?.expr?.type ?? ast?.expr?.keyword ?? ''));
}

export function analyzeSql(unit: Unit, reader: SourceReader, options: AnalyzeOptions): Analysis {
  const hints = (unit.hints ?? {}) as Partial<SqlUnitHints>;
  const kind: FolderKind = hints.kind ?? (unit.files.length > 1 ? 'numbered' : 'file');
  const diagnostics: SourceDiagnostic[] = [];
  const suppressions: Suppression[] = [];
  const texts: { file: string; text: string }[] = [];
  for (const file of unit.files) {
    const text = reader.read(file);
    if (text === undefined) continue;
    if (text.length > MAX_FILE_CHARS) {
      diagnostics.push({ file, range: zero(), severity: 'info', source: 'schema-review', code: 'sql-too-large', message: `This file has ${text.length} characters; files over ${MAX_FILE_CHARS} are not reviewed.` });
      continue;
    }
    texts.push({ file, text });
  }
  let dialect: Dialect = hints.dialect ?? options.dialect ?? 'unknown';
  if (dialect === 'unknown') {
    // The first 16,000 characters of the history tell as much as all of it.
    let sample = '';
    for (const t of texts) {
      if (sample.length >= 16_000) break;
      sample += t.text.slice(0, 16_000 - sample.length) + '\n;\n';
    }
    const sniffed = sample ? sniffDialect(sample) : undefined;
    dialect = sniffed ?? 'postgresql';
  }
  const flavor = flavorOf(dialect);
  const drafts = new Set(Array.isArray(hints.drafts) ? (hints.drafts as string[]) : []);
  // Supabase: the declarative schema's files are replayed on their own (the database the user edits), the migrations
  // on theirs; mergeDeclarative makes them one database.
  const schemas = new Set(Array.isArray(hints.schemas) ? (hints.schemas as string[]) : []);
  const replayer = createReplayer(unit.id, dialect);
  const schemaReplayer = schemas.size ? createReplayer(unit.id, dialect) : undefined;
  const migrations = schemas.size ? texts.filter((t) => !schemas.has(t.file)).length : texts.length;
  let schemaOrder = 0;
  texts.forEach(({ file, text }, order) => {
    if (schemaReplayer && schemas.has(file)) {
      const parsed = readFile(file, text, undefined);
      schemaReplayer.file({ parsed, ref: { file, order: schemaOrder++, transactional: false, applied: false }, releaseAst: true });
      return;
    }
    const dbmate = kind !== 'file' ? dbmateSections(text, flavor) : undefined;
    const parsed = readFile(file, text, dbmate);
    const ref: MigrationRef = {
      file,
      order,
      transactional: dbmate && dialect !== 'mysql' ? dbmate.transaction : runnerWrapsInTransaction(kind, dialect, parsed.statements.length, startsWithBegin(parsed), hints.runner),
      applied: kind !== 'file' && !drafts.has(file),
      ...(kind === 'drizzle' && dialect !== 'mysql' ? { allPendingInOneTransaction: true } : {}),
      latest: kind !== 'file' && order === migrations - 1,
    };
    replayer.file({ parsed, ref, releaseAst: true });
  });
  const database = schemaReplayer ? mergeDeclarative(unit.id, schemaReplayer.database(), replayer.database()) : replayer.database();
  if (kind === 'prisma') database.migrationTool = 'prisma';
  return { databases: [database], codeFiles: [], diagnostics, suppressions };

  /** Parses a file, noting its syntax errors and ignore comments. */
  function readFile(file: string, text: string, dbmate: ReturnType<typeof dbmateSections>): ParsedFile {
    // dbmate: one file holds `-- migrate:up` and `-- migrate:down`; only the up section runs forward.
    const parsed = parseSql(file, dbmate && dbmate.upEnd < text.length ? text.slice(0, dbmate.upEnd) : text, flavor);
    if (parsed.fatal) diagnostics.push({ file, range: zero(), severity: 'info', source: 'schema-review', code: 'sql-parser-unavailable', message: parsed.fatal });
    for (const s of parsed.statements) {
      if (s.error === undefined) continue;
      diagnostics.push({
        file,
        range: parsed.source.range(s.start, s.end),
        severity: flavor === 'postgresql' || isDdl(parsed.source.text, s.start, flavor) ? 'error' : 'info',
        source: 'schema-review',
        code: 'sql-syntax',
        message: `This statement does not parse as ${dialectLabel(dialect)} SQL (${s.error}); it is skipped and the rest of the file is still reviewed.`,
      });
    }
    for (const c of ignoreComments(parsed.source, flavor)) {
      const s = parseIgnoreComment(c.text, parsed.source.loc(c.start, c.end), c.trailing);
      if (!s) continue;
      // Before a statement that spans several lines (pg_dump's `ALTER TABLE ONLY t` / `ADD CONSTRAINT …`): all of it.
      if (s.scope === 'next-line' && !c.trailing) {
        const next = statementStartingAfter(parsed, c.end);
        if (next) {
          const range = parsed.source.range(next.start, next.end);
          if (range.start.line === s.targetLine && range.end.line > s.targetLine) s.targetEndLine = range.end.line;
        }
      }
      suppressions.push(s);
    }
    return parsed;
  }
}

/** The first statement starting at or after `offset` (statements are in file order). */
function statementStartingAfter(parsed: ParsedFile, offset: number): { start: number; end: number } | undefined {
  const list = parsed.statements;
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (list[mid].start < offset) lo = mid + 1;
    else hi = mid;
  }
  return list[lo];
}

/**
 * node-sql-parser does not know every statement (PRAGMA, LOCK TABLES, triggers): only a schema
 * statement it cannot read is an error; others are noted.
 */
function isDdl(text: string, start: number, flavor: SqlFlavor): boolean {
  const t = tokenize(text, flavor, start, Math.min(text.length, start + 64))[0];
  const w = t && t.kind === 'word' ? text.slice(t.start, t.end).toLowerCase() : '';
  return w === 'create' || w === 'alter' || w === 'drop' || w === 'rename';
}

function dialectLabel(d: Dialect): string {
  return d === 'mysql' ? 'MySQL' : d === 'sqlite' ? 'SQLite' : 'Postgres';
}

function zero() {
  return { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
}

export const sqlFrontEnd: LanguageFrontEnd = {
  language: 'sql',
  extensions: ['.sql'],
  init: () => loadSqlParser(),
  discover(files, reader) {
    try {
      return discoverSql(files, reader);
    } catch {
      return files.filter((f) => f.toLowerCase().endsWith('.sql')).map((f) => ({ language: 'sql' as const, id: `sql:${f}`, files: [f], hints: { kind: 'file', dir: f } }));
    }
  },
  analyze(unit, reader, options) {
    try {
      return analyzeSql(unit, reader, options);
    } catch (e) {
      const file = unit.files[0] ?? unit.id;
      return {
        databases: [],
        codeFiles: [],
        suppressions: [],
        diagnostics: [{ file, range: zero(), severity: 'error', source: 'schema-review', code: 'sql-internal', message: `Schema Review could not read this SQL (${e instanceof Error ? e.message : String(e)}). Please report it with the file.` }],
      };
    }
  },
  writeFix(intent, reader) {
    try {
      return writeSqlFix(intent, reader);
    } catch {
      return undefined;
    }
  },
};

export { SourceText };
