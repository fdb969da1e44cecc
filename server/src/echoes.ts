/**
 * Findings that a schema's migrations only repeat.
 *
 * When a tool writes a project's migrations from its schema (`prisma migrate`, `drizzle-kit generate`), the review
 * sees every table, key and index twice: once in the schema, and once in the database the SQL front-end replays from
 * the migrations folder. A foreign key without an index is then found both in `schema.prisma` and in the
 * `migration.sql` that created it, and the audit counts one problem twice. The user acts in the schema and lets the
 * tool write the migration (DESIGN.md: a finding's range is where the user must act), so the migration's copy of a
 * schema finding is left out: the same rule about the same table, column, key or index.
 *
 * What only the migrations say stays: how a statement runs (CONCURRENTLY, NOT VALID, a transaction), and findings
 * the schema does not share (a schema fixed before its migration was generated, SQL a team added by hand).
 */
import type { Database, Loc, Table } from '../../rules/model';
import { migrationDatabasesOf, migrationTableName } from '../../rules/schema-migrations';

/** What the migrations' findings are next to the schema's (migrationEchoes). */
export interface MigrationVerdict<F> {
  /** Copies of a schema finding: left out. */
  echoes: Set<F>;
  /**
   * Findings about something the schema has without that problem (its key now indexed, an action now stated): the
   * migrations lag behind the schema until its tool writes the next one (STRUCTURE_RULES only). By the schema's place
   * for it (its table's when the schema no longer has the thing itself, a duplicate index dropped) and the tool.
   */
  behind: Map<F, { loc: Loc; tool: 'prisma' | 'drizzle' }>;
}

/**
 * Rules whose verdict on a schema and on its migrations rests on the same structure (which indexes lead with a key's
 * columns, which actions a key states), so that a schema without the finding has the problem fixed. Not the rules
 * that weigh names, comments or code for evidence (`json-in-string`, `string-enum`, `missing-foreign-key`,
 * `float-for-money`, `cascade-deletes-records`): a schema and its SQL can give them different evidence for the same
 * column, and a schema without their finding may still have the problem.
 */
const STRUCTURE_RULES: ReadonlySet<string> = new Set(['unindexed-foreign-key', 'duplicate-index', 'missing-on-delete']);

/** Sorts the migrations' findings against the schema's. `locOf` gives the model location a finding was reported at. */
export function migrationEchoes<F extends { rule: string; file: string }>(findings: readonly F[], databases: readonly Database[], locOf: (finding: F) => Loc | undefined): MigrationVerdict<F> {
  const verdict: MigrationVerdict<F> = { echoes: new Set(), behind: new Map() };
  if (!findings.length) return verdict;
  // Each schema with migrations is a pair; its files and its migrations' files are the pair's (two projects of a
  // monorepo may both have a table `users`).
  const schemaPair = new Map<string, number>();
  const migrationPair = new Map<string, number>();
  const schemas: Database[] = [];
  for (const d of databases) {
    if (d.language !== 'prisma' && d.language !== 'drizzle') continue;
    const migrations = migrationDatabasesOf(d, databases);
    if (!migrations.length) continue;
    const pair = schemas.push(d) - 1;
    for (const f of d.files) schemaPair.set(f, pair);
    for (const sql of migrations) {
      noteSubjects(sql, (t) => t.name);
      // A folder two schemas name (an odd config) belongs to the first.
      for (const f of sql.files) if (!migrationPair.has(f)) migrationPair.set(f, pair);
    }
    noteSubjects(d, migrationTableName);
  }
  if (!migrationPair.size) return verdict;
  const subjectsOf = (f: F): string[] => {
    const loc = locOf(f);
    return (loc && subjectsAt.get(loc)) || [];
  };
  /** A rule's verdict on a subject within a pair: the same key on the schema's side and the migrations'. */
  const keyOf = (pair: number, f: F, subject: string) => `${pair}\0${f.rule}\0${subject}`;
  const said = new Set<string>();
  for (const f of findings) {
    const pair = schemaPair.get(f.file);
    if (pair !== undefined) for (const s of subjectsOf(f)) said.add(keyOf(pair, f, s));
  }
  /** Per pair, on demand: the schema's place of each subject. */
  const places = new Map<number, Map<string, Loc>>();
  const placeOf = (pair: number, subject: string): Loc | undefined => {
    let map = places.get(pair);
    if (!map) {
      map = new Map();
      for (const t of schemas[pair].tables) forEachSubject(t, migrationTableName, (loc, s) => void (map!.has(s) || map!.set(s, loc)));
      places.set(pair, map);
    }
    return map.get(subject) ?? map.get(`table${SEP}${subject.split(SEP)[1]}`);
  };
  for (const f of findings) {
    const pair = migrationPair.get(f.file);
    if (pair === undefined) continue;
    const subjects = subjectsOf(f);
    if (!subjects.length) continue;
    if (subjects.some((s) => said.has(keyOf(pair, f, s)))) {
      verdict.echoes.add(f);
      continue;
    }
    if (!STRUCTURE_RULES.has(f.rule)) continue;
    const schema = schemas[pair];
    const loc = placeOf(pair, subjects[0]);
    if (loc) verdict.behind.set(f, { loc, tool: schema.language === 'prisma' ? 'prisma' : 'drizzle' });
  }
  return verdict;
}

/**
 * What each model location is about, as names a schema and its migrations share (the SQL names): the table `users`,
 * the key of `posts` on `author_id`. Noted once per table object and shape: a review after a keystroke keeps the
 * tables it did not change.
 */
const subjectsAt = new WeakMap<Loc, string[]>();
const noted = new WeakMap<Table, string>();

function noteSubjects(database: Database, tableName: (t: Table) => string): void {
  const add = (loc: Loc, subject: string) => {
    const list = subjectsAt.get(loc);
    if (!list) subjectsAt.set(loc, [subject]);
    else if (!list.includes(subject)) list.push(subject);
  };
  for (const t of database.tables) {
    // Noted again if the object changed since (a replay that renamed it or added to it).
    const shape = `${tableName(t)} ${t.columns.length} ${t.foreignKeys.length} ${t.indexes.length}`;
    if (noted.get(t) === shape) continue;
    noted.set(t, shape);
    forEachSubject(t, tableName, add);
  }
}

/** The subjects of a table's parts, with their places (the table first). */
function forEachSubject(t: Table, tableName: (t: Table) => string, add: (loc: Loc, subject: string) => void): void {
  const table = tableName(t);
  let sqlNames: Map<string, string> | undefined;
  const sqlName = (column: string) => {
    sqlNames ??= new Map(t.columns.map((c) => [c.name, c.dbName ?? c.name]));
    return sqlNames.get(column) ?? column;
  };
  const columns = (list: readonly string[]) => list.map(sqlName).join(SEP);
  add(t.nameLoc, `table${SEP}${table}`);
  add(t.loc, `table${SEP}${table}`);
  for (const c of t.columns) add(c.loc, `column${SEP}${table}${SEP}${c.dbName ?? c.name}`);
  for (const fk of t.foreignKeys) add(fk.loc, `key${SEP}${table}${SEP}${columns(fk.columns)}`);
  for (const x of t.indexes) add(x.loc, `index${SEP}${table}${SEP}${x.unique ? 'unique ' : ''}${columns(x.columns)}`);
}

/** Between the parts of a subject (kind, table, detail): no SQL name holds it. */
const SEP = '\u0001';
