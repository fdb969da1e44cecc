/**
 * The values a string column may hold, as the project's code lists them (`CodeFile.enumLiterals`): a `z.enum`
 * under the column's property name, a string union typing that property, a type alias or an `as const` array
 * named like the column. Used by string-enum.
 *
 * Which lists count for a column:
 * - the code file belongs to the database: of the workspace's databases, this one's files share the longest
 *   directory prefix with it (with one database, every code file);
 * - a property site has the column's name (Prisma field or database name; `goal_status` ≡ `goalStatus`); a named
 *   site is named like the column, alone or after its table (`Difficulty`, `DIFFICULTIES`, `GoalStatus`,
 *   `GOAL_STATUSES`, `difficultySchema`, `statusValues`);
 * - the site is not about another table: its owner (`orderSchema` for a property, the name itself for a named
 *   site) names no other table of the database; when some sites name this table, only those count; an owner
 *   named for a query (`goalFilterSchema`, `searchParams`) does not count: it may list `'all'`;
 * - the column's default, if any, is one of the values.
 * The values hold when every site left lists the same set; sites that disagree give none (`conflict`).
 */
import type { CodeEnumLiteral, CodeFile, Column, Database, Loc, Table } from '../model';
import { nameKey, words } from '../names';

export interface CodeValueSite extends CodeEnumLiteral {
  /** The code file, relative to the directory it shares with the database's files (`lib/validation/schemas.ts`). */
  path: string;
}

export type CodeValues =
  | { kind: 'values'; values: string[]; sites: CodeValueSite[] }
  | { kind: 'conflict'; sites: CodeValueSite[] };

/** Suffixes a named list may carry after the column's name (`difficultySchema`, `STATUS_VALUES`). */
const SUFFIXES = new Set(['schema', 'enum', 'values', 'options', 'list', 'choices']);
/** Words of an owner that make its lists about queries, not stored values (`goalFilterSchema.status` may be `'all'`). */
const QUERY_WORDS = new Set(['filter', 'filters', 'query', 'search', 'sort', 'params']);
const SOURCE_ORDER: Record<CodeEnumLiteral['source'], number> = { 'z.enum': 0, union: 1, 'as const': 2 };

/** The sites of the code files that belong to one database, indexed by name. */
export interface CodeValueIndex {
  database: Database;
  byProperty: Map<string, CodeValueSite[]>;
  byName: Map<string, CodeValueSite[]>;
}

function joined(identifier: string): string {
  return words(identifier).join('');
}

/** `DIFFICULTIES` → `difficulty`, `goalStatusSchema` → `goalstatus`; undefined when nothing is left. */
function namedKey(identifier: string): string | undefined {
  const ws = [...words(identifier)];
  while (ws.length > 1 && SUFFIXES.has(ws[ws.length - 1])) ws.pop();
  return ws.length ? nameKey(ws.join('_')) : undefined;
}

function dirOf(path: string): string {
  const i = path.lastIndexOf('/');
  return i <= 0 ? '/' : path.slice(0, i);
}

/** Length of the directory prefix two directories share (in characters, on `/` boundaries). */
function sharedDirLength(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  let last = 0;
  let i = 0;
  for (; i < n && a.charCodeAt(i) === b.charCodeAt(i); i++) if (a.charCodeAt(i) === 47) last = i;
  if (i === n && (a.length === b.length || (a.length > n ? a : b).charCodeAt(n) === 47)) last = n;
  return last;
}

function commonDir(dirs: readonly string[]): string {
  let common = dirs[0] ?? '/';
  for (const d of dirs) common = common.slice(0, sharedDirLength(common, d)) || '/';
  return common;
}

/**
 * One index per database that has code lists, built once per review: the code files with lists are few, so this
 * costs next to nothing when the project has none.
 */
export function codeValueIndexes(databases: readonly Database[], codeFiles: readonly CodeFile[]): Map<Database, CodeValueIndex> {
  const indexes = new Map<Database, CodeValueIndex>();
  const withLists = codeFiles.filter((f) => f.enumLiterals?.length);
  if (!withLists.length || !databases.length) return indexes;
  const dbDirs = databases.map((d) => commonDir(d.files.map(dirOf)));
  for (const file of withLists) {
    const dir = dirOf(file.file);
    const shared = dbDirs.map((d) => sharedDirLength(d, dir));
    const best = Math.max(...shared);
    databases.forEach((database, i) => {
      if (shared[i] !== best) return;
      let index = indexes.get(database);
      if (!index) indexes.set(database, (index = { database, byProperty: new Map(), byName: new Map() }));
      const root = commonDir([dbDirs[i], dir]);
      const path = root === '/' ? file.file.slice(1) : file.file.slice(root.length + 1);
      for (const literal of file.enumLiterals!) {
        const site: CodeValueSite = { ...literal, path };
        const key = literal.nameKind === 'property' ? joined(literal.name) : namedKey(literal.name);
        if (!key) continue;
        const map = literal.nameKind === 'property' ? index.byProperty : index.byName;
        const list = map.get(key);
        if (list) list.push(site);
        else map.set(key, [site]);
      }
    });
  }
  return indexes;
}

/** The table a site is about, from its owner's (or its own) name: the longest table name key it contains. */
function tableOfSite(site: CodeValueSite, database: Database): Table | undefined {
  const text = site.owner ?? (site.nameKind === 'named' ? site.name : undefined);
  if (!text) return undefined;
  const key = joined(text);
  let best: Table | undefined;
  let bestLength = 0;
  for (const t of database.tables) {
    const k = nameKey(t.name);
    if (k.length >= 3 && k.length > bestLength && key.includes(k)) {
      best = t;
      bestLength = k.length;
    }
  }
  return best;
}

/** What the code says a column holds, or undefined when it lists nothing for it. */
export function codeValuesFor(index: CodeValueIndex | undefined, table: Table, column: Column, fallback: string | undefined): CodeValues | undefined {
  if (!index) return undefined;
  const found = new Set<CodeValueSite>();
  const names = column.dbName && column.dbName !== column.name ? [column.name, column.dbName] : [column.name];
  for (const name of names) {
    for (const s of index.byProperty.get(joined(name)) ?? []) found.add(s);
    for (const key of [nameKey(name), nameKey(table.name) + nameKey(name)]) for (const s of index.byName.get(key) ?? []) found.add(s);
  }
  if (!found.size) return undefined;
  let sites = [...found].filter(
    (s) => (fallback === undefined || s.values.includes(fallback)) && !(s.owner && words(s.owner).some((w) => QUERY_WORDS.has(w))),
  );
  const tables = sites.map((s) => tableOfSite(s, index.database));
  const own = sites.filter((_, i) => tables[i] === table);
  sites = own.length ? own : sites.filter((_, i) => tables[i] === undefined);
  if (!sites.length) return undefined;
  sites.sort((a, b) => SOURCE_ORDER[a.source] - SOURCE_ORDER[b.source] || compareSiteLocs(a.loc, b.loc));
  const setKey = (s: CodeValueSite) => [...s.values].sort().join('\u0000');
  const first = setKey(sites[0]);
  if (sites.every((s) => setKey(s) === first)) return { kind: 'values', values: sites[0].values, sites };
  return { kind: 'conflict', sites };
}

function compareSiteLocs(a: Loc, b: Loc): number {
  if (a.file !== b.file) return a.file < b.file ? -1 : 1;
  return a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character;
}

/** `z.enum in lib/validation/schemas.ts:14`, `the union type in types/goal.ts:3`, `DIFFICULTIES (as const) in lib/constants.ts:1`. */
export function describeSite(site: CodeValueSite): string {
  const where = `${site.path}:${site.loc.range.start.line + 1}`;
  switch (site.source) {
    case 'z.enum':
      return `z.enum in ${where}`;
    case 'union':
      return site.nameKind === 'named' ? `type ${site.name} in ${where}` : `the type of ${site.name} in ${where}`;
    case 'as const':
      return `${site.name} (as const) in ${where}`;
  }
}
