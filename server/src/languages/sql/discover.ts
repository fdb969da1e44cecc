/**
 * Finds SQL units: migration folders (replayed in order) and lone files (a dump, a schema).
 * Paths are looked at, never parsed as SQL; the only files read here are the ones that say what a folder is
 * (Prisma's migration_lock.toml, else the schema.prisma beside the folder, drizzle-kit's meta/_journal.json, one
 * snapshot.json of a drizzle-kit 1.0 folder).
 */
import type { Dialect } from '../../../../rules/model';
import type { SourceReader, Unit } from '../types';
import { schemaBesideMigrationsProvider } from '../prisma/discover';

/** How the runner of a folder names and wraps migrations. */
export type FolderKind = 'prisma' | 'supabase' | 'drizzle' | 'numbered' | 'timestamped' | 'folders' | 'file';

export interface SqlUnitHints {
  kind: FolderKind;
  /** The migrations folder (or the file itself for `file`). */
  dir: string;
  dialect?: Dialect;
  /**
   * `golang-migrate`: `<version>_<name>.up.sql` files (each with a `.down.sql`); golang-migrate runs a file in one
   * Exec, so Postgres runs a multi-statement file as one transaction.
   * `flyway`: `V<version>__<name>.sql` files; Flyway runs each migration in one transaction (a file of one
   * CREATE INDEX CONCURRENTLY, which it recognises, outside one).
   */
  runner?: 'golang-migrate' | 'flyway';
  /**
   * `drizzle` only. `folders`: drizzle-kit 1.0's layout, `<dir>/<YYYYMMDDHHMMSS>_<name>/migration.sql` (+ snapshot.json),
   * no journal; otherwise drizzle-kit 0.x's `<dir>/<tag>.sql` ordered by `<dir>/meta/_journal.json`.
   */
  layout?: 'folders';
  [key: string]: unknown;
}

function dirname(p: string): string {
  const i = p.lastIndexOf('/');
  return i <= 0 ? '/' : p.slice(0, i);
}
function basename(p: string): string {
  return p.slice(p.lastIndexOf('/') + 1);
}

function leadingDigits(name: string): string {
  let i = 0;
  while (i < name.length && name.charCodeAt(i) >= 48 && name.charCodeAt(i) <= 57) i++;
  return name.slice(0, i);
}

/** Flyway `V12__x.sql` → `12`; `001_x.sql` → `001`. */
function versionPrefix(name: string): string {
  if ((name[0] === 'V' || name[0] === 'v') && leadingDigits(name.slice(1)).length > 0) return leadingDigits(name.slice(1));
  return leadingDigits(name);
}

/** Replay order: numeric prefix first (so 2_x before 10_x), then the name. */
export function compareMigrationNames(a: string, b: string): number {
  const pa = versionPrefix(a);
  const pb = versionPrefix(b);
  if (pa && pb && pa !== pb) {
    const x = BigInt(pa);
    const y = BigInt(pb);
    if (x !== y) return x < y ? -1 : 1;
  }
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Flyway's versioned migration name: `V<version>__<description>.sql` (version parts joined by `_` or `.`). */
function isFlywayName(name: string): boolean {
  if (name[0] !== 'V' && name[0] !== 'v') return false;
  let i = 1;
  while (i < name.length && ((name.charCodeAt(i) >= 48 && name.charCodeAt(i) <= 57) || ((name[i] === '_' || name[i] === '.') && name[i + 1] !== '_'))) i++;
  return i > 1 && name.startsWith('__', i);
}

function isDown(name: string): boolean {
  const n = name.toLowerCase();
  return n === 'down.sql' || n.endsWith('.down.sql') || n.endsWith('_down.sql');
}

/** `provider = "postgresql"` from migration_lock.toml (one key of a tiny TOML file). */
export function providerFromLock(text: string): Dialect | undefined {
  for (const line of text.split('\n')) {
    const eq = line.indexOf('=');
    if (eq < 0 || line.slice(0, eq).trim() !== 'provider') continue;
    const v = line.slice(eq + 1).trim().replace(/^"|"$/g, '');
    return dialectFromName(v);
  }
  return undefined;
}

export function dialectFromName(v: string): Dialect | undefined {
  switch (v.toLowerCase()) {
    case 'postgresql': case 'postgres': case 'pg': case 'supabase': case 'neon': case 'pglite':
      return 'postgresql';
    case 'cockroachdb': case 'cockroach':
      return 'cockroachdb';
    case 'mysql': case 'mariadb': case 'planetscale': case 'singlestore':
      return 'mysql';
    case 'sqlite': case 'turso': case 'libsql': case 'd1':
      return 'sqlite';
    case 'sqlserver': case 'mssql':
      return 'sqlserver';
    default:
      return undefined;
  }
}

/**
 * A drizzle-kit snapshot.json: `dialect` the one it names (`"dialect": "postgres"` in 1.0), undefined when it names
 * none we know (the project's dialect then applies); undefined as a whole when the text is not a JSON object.
 */
export function readSnapshot(text: string): { dialect?: Dialect } | undefined {
  try {
    const s = JSON.parse(text) as { dialect?: unknown };
    if (!s || typeof s !== 'object') return undefined;
    const dialect = typeof s.dialect === 'string' ? dialectFromName(s.dialect) : undefined;
    return dialect ? { dialect } : {};
  } catch {
    return undefined;
  }
}

interface Journal {
  dialect?: string;
  entries?: { idx?: number; tag?: string; when?: number }[];
}

export function readJournal(reader: SourceReader, dir: string): Journal | undefined {
  const text = reader.read(`${dir}/meta/_journal.json`);
  if (text === undefined) return undefined;
  try {
    const j = JSON.parse(text) as Journal;
    return j && typeof j === 'object' ? j : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The files of a Supabase declarative schema, in the order the CLI applies them: `[db.migrations] schema_paths` of
 * `<supabase>/config.toml` when it lists any (each entry a file, a folder or a glob relative to the supabase folder;
 * a glob's matches sorted, a folder's files in walk order, the first mention of a file kept), otherwise every `.sql`
 * file under `<supabase>/schemas/`, walked in lexicographic order. Only files in `files` are returned.
 */
export function declaredSchemas(supabaseDir: string, files: readonly string[], reader: SourceReader): string[] {
  const config = reader.read(`${supabaseDir}/config.toml`);
  const paths = config !== undefined ? schemaPathsFromConfig(config) : undefined;
  const sqlFiles = files.filter((f) => f.toLowerCase().endsWith('.sql'));
  const under = (folder: string) => sqlFiles.filter((f) => f.startsWith(`${folder}/`)).sort(compareWalkOrder);
  if (!paths || paths.length === 0) return under(`${supabaseDir}/schemas`);
  const out: string[] = [];
  const seen = new Set<string>();
  for (const entry of paths) {
    const pattern = resolvePath(supabaseDir, entry);
    if (pattern === undefined) continue;
    const folder = pattern.endsWith('/') ? pattern.slice(0, -1) : pattern;
    const matches = hasGlob(pattern) ? sqlFiles.filter((f) => globMatch(pattern, f)).sort() : sqlFiles.includes(pattern) ? [pattern] : under(folder);
    for (const f of matches) {
      if (seen.has(f)) continue;
      seen.add(f);
      out.push(f);
    }
  }
  return out;
}

/** A path of config.toml (relative to the supabase folder, `./` and `../` allowed) made absolute; undefined outside the root. */
function resolvePath(base: string, entry: string): string | undefined {
  if (!entry) return undefined;
  const parts = entry.startsWith('/') ? [] : base.split('/');
  for (const p of entry.split('/')) {
    if (p === '' || p === '.') continue;
    if (p === '..') {
      if (parts.length <= 1) return undefined;
      parts.pop();
    } else parts.push(p);
  }
  return (entry.startsWith('/') ? '/' : '') + parts.join('/');
}

/** Directory walk order (Go's filepath.Walk): entries of a folder sorted by name, a folder's files where its name sorts. */
function compareWalkOrder(a: string, b: string): number {
  const pa = a.split('/');
  const pb = b.split('/');
  for (let i = 0; i < Math.min(pa.length, pb.length); i++) if (pa[i] !== pb[i]) return pa[i] < pb[i] ? -1 : 1;
  return pa.length - pb.length;
}

function hasGlob(p: string): boolean {
  return /[*?[]/.test(p);
}

/**
 * Go's path.Match: `*` any run of characters but `/`, `?` one of them, `[…]` a class (`^` or `!` negates), `\`
 * escapes. The Supabase CLI has no `**`: it acts as `*`.
 */
export function globMatch(pattern: string, path: string): boolean {
  let re = '^';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '*') {
      while (pattern[i + 1] === '*') i++;
      re += '[^/]*';
    } else if (c === '?') re += '[^/]';
    else if (c === '[') {
      const end = pattern.indexOf(']', i + 2);
      if (end < 0) return false;
      let body = pattern.slice(i + 1, end);
      if (body[0] === '^' || body[0] === '!') body = `^${body.slice(1)}`;
      re += `[${body.replace(/\\/g, '\\\\')}]`;
      i = end;
    } else if (c === '\\' && i + 1 < pattern.length) re += escapeRe(pattern[++i]);
    else re += escapeRe(c);
  }
  try {
    return new RegExp(`${re}$`).test(path);
  } catch {
    return false;
  }
}

function escapeRe(c: string): string {
  return /[.*+?^${}()|[\]\\/]/.test(c) ? `\\${c}` : c;
}

/**
 * `schema_paths` of `[db.migrations]` in a Supabase config.toml: an array of strings, possibly over several lines,
 * with comments. A small reader of the TOML it needs (table headers, one key, basic and literal strings).
 */
export function schemaPathsFromConfig(text: string): string[] | undefined {
  let table = '';
  let i = 0;
  const n = text.length;
  const skipSpace = () => {
    while (i < n) {
      const c = text[i];
      if (c === ' ' || c === '\t' || c === '\r' || c === '\n') i++;
      else if (c === '#') while (i < n && text[i] !== '\n') i++;
      else break;
    }
  };
  const readString = (): string | undefined => {
    const q = text[i];
    if (q !== '"' && q !== "'") return undefined;
    i++;
    let out = '';
    while (i < n && text[i] !== q && text[i] !== '\n') {
      if (q === '"' && text[i] === '\\' && i + 1 < n) {
        const e = text[i + 1];
        out += e === 'n' ? '\n' : e === 't' ? '\t' : e;
        i += 2;
      } else out += text[i++];
    }
    i++;
    return out;
  };
  const lineEnd = () => {
    while (i < n && text[i] !== '\n') i++;
  };
  while (i < n) {
    skipSpace();
    if (i >= n) break;
    if (text[i] === '[') {
      const end = text.indexOf(']', i);
      if (end < 0) return undefined;
      table = text.slice(i + 1, end).replace(/^\[/, '').split('.').map((p) => p.trim().replace(/^"|"$/g, '')).join('.');
      i = end + 1;
      lineEnd();
      continue;
    }
    const eq = text.indexOf('=', i);
    const nl = text.indexOf('\n', i);
    if (eq < 0 || (nl >= 0 && nl < eq)) {
      lineEnd();
      continue;
    }
    const key = text.slice(i, eq).split('.').map((p) => p.trim().replace(/^"|"$/g, '')).join('.');
    i = eq + 1;
    const full = table ? `${table}.${key}` : key;
    while (i < n && (text[i] === ' ' || text[i] === '\t')) i++;
    if (full !== 'db.migrations.schema_paths') {
      // Skip the value: a string, an array (possibly over lines), anything else to the line's end.
      if (text[i] === '[') {
        let depth = 0;
        while (i < n) {
          skipSpace();
          const c = text[i];
          if (c === '"' || c === "'") readString();
          else {
            if (c === '[') depth++;
            else if (c === ']') depth--;
            i++;
            if (depth === 0) break;
          }
        }
      } else if (text[i] === '"' || text[i] === "'") readString();
      lineEnd();
      continue;
    }
    if (text[i] !== '[') return undefined;
    i++;
    const out: string[] = [];
    for (;;) {
      skipSpace();
      if (i >= n) return out;
      if (text[i] === ']') return out;
      if (text[i] === ',') {
        i++;
        continue;
      }
      const s = readString();
      if (s === undefined) return out;
      out.push(s);
    }
  }
  return undefined;
}

export function discoverSql(files: readonly string[], reader: SourceReader): Unit[] {
  const sql = files.filter((f) => f.toLowerCase().endsWith('.sql'));
  const units: Unit[] = [];
  const taken = new Set<string>();
  const byDir = new Map<string, string[]>();
  for (const f of sql) {
    const d = dirname(f);
    const list = byDir.get(d);
    if (list) list.push(f);
    else byDir.set(d, [f]);
  }

  // 1. drizzle-kit 1.0: <dir>/<YYYYMMDDHHMMSS>_<name>/migration.sql, each next to the snapshot.json drizzle-kit generate
  // writes there (Prisma writes none), no journal. drizzle-orm's migrator applies every <dir>/<folder>/migration.sql
  // in folder-name order (the timestamps), and refuses a folder that still has meta/_journal.json (not upgraded).
  const folderHistories = new Map<string, string[]>();
  for (const f of sql) {
    if (basename(f) !== 'migration.sql') continue;
    const dir = dirname(dirname(f));
    const list = folderHistories.get(dir);
    if (list) list.push(f);
    else folderHistories.set(dir, [f]);
  }
  for (const [dir, list] of folderHistories) {
    if (reader.read(`${dir}/migration_lock.toml`) !== undefined || readJournal(reader, dir)) continue;
    list.sort((a, b) => compareMigrationNames(basename(dirname(a)), basename(dirname(b))));
    // The oldest snapshot (the smallest) says what the folder is and its dialect. A hand-made folder may have none;
    // one that does not parse still marks the folder as drizzle-kit's, and the next one is read for the dialect.
    let isDrizzle = false;
    let dialect: Dialect | undefined;
    for (const f of list) {
      const text = reader.read(`${dirname(f)}/snapshot.json`);
      if (text === undefined) continue;
      isDrizzle = true;
      const snapshot = readSnapshot(text);
      if (!snapshot) continue;
      dialect = snapshot.dialect;
      break;
    }
    if (!isDrizzle) continue;
    units.push(unit(dir, list, { kind: 'drizzle', dir, layout: 'folders', ...(dialect ? { dialect } : {}) }));
    for (const f of list) taken.add(f);
  }

  // 2. Prisma: <dir>/migrations/<ts>_<name>/migration.sql (+ migration_lock.toml)
  const prisma = new Map<string, string[]>();
  for (const f of sql) {
    if (basename(f) !== 'migration.sql' || taken.has(f)) continue;
    const folder = dirname(f);
    const dir = dirname(folder);
    if (!/^\d{4,}/.test(basename(folder))) continue;
    const list = prisma.get(dir);
    if (list) list.push(f);
    else prisma.set(dir, [f]);
  }
  for (const [dir, list] of prisma) {
    const lock = reader.read(`${dir}/migration_lock.toml`);
    if (lock === undefined && basename(dir) !== 'migrations') continue;
    list.sort((a, b) => compareMigrationNames(basename(dirname(a)), basename(dirname(b))));
    // Without a lock file (not committed), the schema beside the folder says it: its SQL is not sniffed as Postgres.
    const fromSchema = () => {
      const provider = schemaBesideMigrationsProvider(dir, reader);
      return provider === undefined ? undefined : dialectFromName(provider);
    };
    const dialect = (lock !== undefined ? providerFromLock(lock) : undefined) ?? fromSchema();
    for (const f of list) taken.add(f);
    // Prisma writes T-SQL for SQL Server (`BEGIN TRY`, `[dbo].[User]`), which neither parser here reads: its
    // migrations are left out (the schema is reviewed), rather than every statement being an error.
    if (dialect === 'sqlserver') continue;
    units.push(unit(dir, list, { kind: 'prisma', dir, ...(dialect ? { dialect } : {}) }));
  }

  // 3. drizzle-kit 0.x: <dir>/meta/_journal.json orders <dir>/<tag>.sql
  for (const [dir, list] of byDir) {
    if (list.every((f) => taken.has(f))) continue;
    const journal = readJournal(reader, dir);
    if (!journal || !Array.isArray(journal.entries)) continue;
    const ordered: string[] = [];
    for (const e of journal.entries) {
      const f = `${dir}/${e.tag}.sql`;
      if (e.tag && list.includes(f)) ordered.push(f);
    }
    // Files not in the journal are drafts drizzle-kit will not apply: keep them last.
    const extra = list.filter((f) => !ordered.includes(f)).sort((a, b) => compareMigrationNames(basename(a), basename(b)));
    const dialect = dialectFromName(String(journal.dialect ?? ''));
    units.push(unit(dir, [...ordered, ...extra], { kind: 'drizzle', dir, ...(dialect ? { dialect } : {}), drafts: extra }));
    for (const f of list) taken.add(f);
  }

  // 4. Supabase: supabase/migrations/*.sql, and the declarative schema (supabase/schemas/, or config.toml's
  // schema_paths) that `supabase db diff` generates them from: one unit, one database (see declarative.ts).
  const supabaseDirs = new Set<string>();
  for (const f of sql) {
    const parts = f.split('/');
    for (let i = parts.length - 2; i >= 0; i--) if (parts[i] === 'supabase') supabaseDirs.add(parts.slice(0, i + 1).join('/'));
  }
  for (const base of [...supabaseDirs].sort()) {
    const dir = `${base}/migrations`;
    const list = byDir.get(dir) ?? [];
    const rest = list.filter((f) => !taken.has(f) && !isDown(basename(f)));
    rest.sort((a, b) => compareMigrationNames(basename(a), basename(b)));
    const schemas = declaredSchemas(base, sql, reader).filter((f) => !taken.has(f) && !rest.includes(f));
    if (!rest.length && !schemas.length) continue;
    units.push(unit(dir, [...rest, ...schemas], { kind: 'supabase', dir, dialect: 'postgresql', ...(schemas.length ? { schemas } : {}) }));
    for (const f of list) taken.add(f);
    for (const f of schemas) taken.add(f);
  }

  // 5. Folders of migrations: <dir>/<version>_<name>/up.sql (golang-migrate/diesel style)
  const upFolders = new Map<string, string[]>();
  for (const f of sql) {
    if (taken.has(f) || basename(f).toLowerCase() !== 'up.sql') continue;
    const folder = dirname(f);
    if (!versionPrefix(basename(folder))) continue;
    const dir = dirname(folder);
    const list = upFolders.get(dir);
    if (list) list.push(f);
    else upFolders.set(dir, [f]);
  }
  for (const [dir, list] of upFolders) {
    list.sort((a, b) => compareMigrationNames(basename(dirname(a)), basename(dirname(b))));
    units.push(unit(dir, list, { kind: 'folders', dir }));
    for (const f of list) taken.add(f);
  }

  // 6. Plain folders of numbered or timestamped files (001_x.sql, 20240101_x.sql, V1__x.sql, db/migrate)
  for (const [dir, list] of byDir) {
    const rest = list.filter((f) => !taken.has(f));
    const versioned = rest.filter((f) => versionPrefix(basename(f)).length > 0 && !isDown(basename(f)));
    const migrationsDir = /(^|\/)(migrations?|migrate)$/.test(dir);
    if (versioned.length === 0 || (versioned.length < 2 && !migrationsDir)) continue;
    versioned.sort((a, b) => compareMigrationNames(basename(a), basename(b)));
    const width = versionPrefix(basename(versioned[versioned.length - 1])).length;
    const golang = versioned.every((f) => f.toLowerCase().endsWith('.up.sql'));
    const flyway = !golang && versioned.every((f) => isFlywayName(basename(f)));
    const runner = golang ? { runner: 'golang-migrate' as const } : flyway ? { runner: 'flyway' as const } : {};
    units.push(unit(dir, versioned, { kind: width >= 12 ? 'timestamped' : 'numbered', dir, ...runner }));
    for (const f of versioned) taken.add(f);
    for (const f of rest) if (isDown(basename(f))) taken.add(f);
  }

  // 7. Everything else: one unit per file (a dump, schema.sql, seed.sql).
  for (const f of sql) {
    if (taken.has(f) || isDown(basename(f))) continue;
    units.push(unit(f, [f], { kind: 'file', dir: f }));
  }
  return units;
}

function unit(main: string, files: string[], hints: SqlUnitHints): Unit {
  return { language: 'sql', id: `sql:${main}`, files, hints };
}
