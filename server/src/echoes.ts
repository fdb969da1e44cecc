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

/** The findings to leave out; `locOf` gives the model location a finding was reported at. */
export function migrationEchoes<F extends { rule: string; file: string }>(findings: readonly F[], databases: readonly Database[], locOf: (finding: F) => Loc | undefined): Set<F> {
  const echoes = new Set<F>();
  if (!findings.length) return echoes;
  // Each schema with migrations is a pair; its files and its migrations' files are the pair's (two projects of a
  // monorepo may both have a table `users`).
  const schemaPair = new Map<string, number>();
  const migrationPair = new Map<string, number>();
  let pairs = 0;
  for (const d of databases) {
    if (d.language !== 'prisma' && d.language !== 'drizzle') continue;
    const migrations = migrationDatabasesOf(d, databases);
    if (!migrations.length) continue;
    const pair = pairs++;
    for (const f of d.files) schemaPair.set(f, pair);
    for (const sql of migrations) {
      noteSubjects(sql, (t) => t.name);
      // A folder two schemas name (an odd config) belongs to the first.
      for (const f of sql.files) if (!migrationPair.has(f)) migrationPair.set(f, pair);
    }
    noteSubjects(d, migrationTableName);
  }
  if (!migrationPair.size) return echoes;
  const keysOf = (f: F, pair: number | undefined): string[] => {
    const loc = pair === undefined ? undefined : locOf(f);
    return (loc && subjectsAt.get(loc)?.map((s) => `${pair}\0${f.rule}\0${s}`)) || [];
  };
  const said = new Set<string>();
  for (const f of findings) for (const key of keysOf(f, schemaPair.get(f.file))) said.add(key);
  if (!said.size) return echoes;
  for (const f of findings) if (keysOf(f, migrationPair.get(f.file)).some((key) => said.has(key))) echoes.add(f);
  return echoes;
}

/**
 * What each model location is about, as names a schema and its migrations share (the SQL names): `table users`,
 * `key posts (author_id)`. Noted once per table object (and shape): a review after a keystroke keeps the tables it did not change.
 */
const subjectsAt = new WeakMap<Loc, string[]>();
const noted = new WeakMap<Table, string>();

function noteSubjects(database: Database, tableName: (t: Table) => string): void {
  const add = (loc: Loc | undefined, subject: string) => {
    if (!loc) return;
    const list = subjectsAt.get(loc);
    if (!list) subjectsAt.set(loc, [subject]);
    else if (!list.includes(subject)) list.push(subject);
  };
  for (const t of database.tables) {
    const table = tableName(t);
    // Noted again if the object changed since (a replay that renamed it or added to it).
    const shape = `${table} ${t.columns.length} ${t.foreignKeys.length} ${t.indexes.length}`;
    if (noted.get(t) === shape) continue;
    noted.set(t, shape);
    let sqlNames: Map<string, string> | undefined;
    const sqlName = (column: string) => {
      sqlNames ??= new Map(t.columns.map((c) => [c.name, c.dbName ?? c.name]));
      return sqlNames.get(column) ?? column;
    };
    const columns = (list: readonly string[]) => list.map(sqlName).join(',');
    add(t.loc, `table ${table}`);
    add(t.nameLoc, `table ${table}`);
    for (const c of t.columns) add(c.loc, `column ${table} ${c.dbName ?? c.name}`);
    for (const fk of t.foreignKeys) add(fk.loc, `key ${table} (${columns(fk.columns)})`);
    for (const x of t.indexes) add(x.loc, `index ${table} ${x.unique ? 'unique ' : ''}(${columns(x.columns)})`);
  }
}
