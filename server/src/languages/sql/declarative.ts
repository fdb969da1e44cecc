/**
 * A Supabase project with a declarative schema (`supabase/schemas/*.sql`, or config.toml's `schema_paths`): the
 * schema files are the database the user edits, and `supabase db diff` writes the migrations from them. The two are
 * one database here, so a finding is reported once:
 * - tables, columns, keys and indexes are the declarative schema's (its statements are placed and edited in place:
 *   the fix goes where the user keeps the schema, never into a new migration);
 * - drift, what only the migrations have (a table, or a foreign key on a table the schema describes), is added from
 *   the replayed history, where it is reported as in any migration folder;
 * - the statements the migration-safety rules judge are the migrations' alone: the schema files are never run as
 *   migrations (an index in one file on a table of another is not a CREATE INDEX on a live table).
 */
import type { Database, ForeignKey, Table } from '../../../../rules/model';
import { setPlacementStatements } from './place';

function sameForeignKey(a: ForeignKey, b: ForeignKey): boolean {
  if (a.name !== undefined && a.name === b.name) return true;
  return (
    a.references.table === b.references.table &&
    a.columns.length === b.columns.length &&
    a.columns.every((c, i) => c === b.columns[i])
  );
}

/**
 * The database of a Supabase project: `schema`, the declarative files replayed in the CLI's order (their facts
 * `applied: false`), and `history`, the migrations replayed (facts of applied migrations).
 */
export function mergeDeclarative(id: string, schema: Database, history: Database): Database {
  const described = new Map<string, Table>();
  for (const t of schema.tables) described.set(t.name, t);
  const fromHistory = new Map<string, Table>();
  for (const t of history.tables) fromHistory.set(t.name, t);
  const tables: Table[] = [];
  for (const t of schema.tables) {
    const replayed = fromHistory.get(t.name);
    // A foreign key the migrations add that the schema does not declare (named otherwise and on other columns).
    const drift = replayed ? replayed.foreignKeys.filter((fk) => !t.foreignKeys.some((d) => sameForeignKey(d, fk))) : [];
    tables.push(drift.length ? { ...t, foreignKeys: [...t.foreignKeys, ...drift] } : t);
  }
  for (const t of history.tables) if (!described.has(t.name)) tables.push(t);
  const enums = [...schema.enums, ...history.enums.filter((e) => !schema.enums.some((d) => d.name === e.name))];
  const database: Database = {
    id,
    language: 'sql',
    dialect: history.dialect,
    relationMode: 'foreignKeys',
    tables,
    enums,
    files: [...history.files, ...schema.files],
    statements: history.statements ?? [],
  };
  setPlacementStatements(database, schema.statements ?? []);
  return database;
}
