/**
 * A Supabase project with a declarative schema (`supabase/schemas/*.sql`, or config.toml's `schema_paths`): the
 * schema files are the database the user edits, and `supabase db diff` writes the migrations from them. The two are
 * one database here, so a finding is reported once:
 * - tables, columns, keys and indexes are the declarative schema's (its statements are placed and edited in place:
 *   the fix goes where the user keeps the schema, never into a new migration);
 * - drift, what only the migrations have (a table; a column, foreign key or index of a table the schema describes), is
 *   added from the replayed history, where it is reported as in any migration folder. The history's final state is
 *   compared, so a column or index the migrations renamed is the schema's under its new name. A foreign key or index
 *   the schema declares under another name with the same definition is the schema's, not drift. A drift index is added
 *   when an index or key of the schema makes it redundant (duplicate-index reports it, a new migration drops it) or
 *   when it leads with a drift column; another is left out, since it would make the schema's foreign keys look indexed (or the schema's own index
 *   redundant) though the next `supabase db diff` drops it: the schema's findings, fixed in the schema file, stay;
 * - a fix that names a drift column (its fact is in a migration, not a schema file) goes into a new migration: the
 *   schema file does not declare the column (write.ts `declares`);
 * - the statements the migration-safety rules judge are the migrations' alone: the schema files are never run as
 *   migrations (an index in one file on a table of another is not a CREATE INDEX on a live table).
 */
import type { Database, ForeignKey, Index, Table } from '../../../../rules/model';
import { indexesOf } from '../../../../rules/types';
import { coveringIndex } from '../../../../rules/indexes/duplicate-index';
import { setPlacementStatements } from './place';

function sameForeignKey(a: ForeignKey, b: ForeignKey): boolean {
  if (a.name !== undefined && a.name === b.name) return true;
  return (
    a.references.table === b.references.table &&
    a.columns.length === b.columns.length &&
    a.columns.every((c, i) => c === b.columns[i])
  );
}

/** Same access method, key columns and their options, INCLUDE, uniqueness and predicate as another. */
function sameIndexDefinition(a: Index, b: Index): boolean {
  const json = (x: unknown) => JSON.stringify(x ?? null);
  const options = (i: Index) => i.columns.map((_, k) => i.columnOptions?.[k] ?? {});
  return (
    a.unique === b.unique &&
    (a.kind === 'primary') === (b.kind === 'primary') &&
    (a.method ?? 'btree') === (b.method ?? 'btree') &&
    (a.partial ?? false) === (b.partial ?? false) &&
    a.columns.length === b.columns.length &&
    a.columns.every((c, i) => c === b.columns[i]) &&
    json(options(a)) === json(options(b)) &&
    json([...(a.include ?? [])].sort()) === json([...(b.include ?? [])].sort())
  );
}

/**
 * The history's indexes the schema does not declare: each index or key of the schema is matched once, by its name,
 * else by its definition (a second index of the same definition in the database is one too many).
 */
function undeclaredIndexes(schema: Table, history: Table): Index[] {
  const free = new Set(indexesOf(schema));
  const left: Index[] = [];
  for (const i of history.indexes) {
    const d = [...free].find((x) => i.name !== undefined && x.name === i.name);
    if (d) free.delete(d);
    else left.push(i);
  }
  return left.filter((i) => {
    const d = [...free].find((x) => sameIndexDefinition(x, i));
    if (d) free.delete(d);
    return !d;
  });
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
    if (!replayed) {
      tables.push(t);
      continue;
    }
    // A column the migrations add (or leave, after their renames) that the schema does not declare.
    const columns = replayed.columns.filter((c) => !t.columns.some((d) => d.name === c.name));
    // A foreign key the migrations add that the schema does not declare (named otherwise and on other columns).
    const foreignKeys = replayed.foreignKeys.filter((fk) => !t.foreignKeys.some((d) => sameForeignKey(d, fk)));
    // An index the migrations build that the schema does not declare (named otherwise, defined otherwise), when an index
    // or key of the schema makes it redundant (duplicate-index reports it on its migration) or it leads with a drift
    // column (it serves only what the schema does not declare: a drift foreign key on it is indexed). Another one is
    // left out: it would make the schema's foreign keys and filters look indexed, or the schema's own index
    // redundant, though the next `supabase db diff` drops it; the schema's findings (fixed in the schema file) stay.
    const schemaKeys = indexesOf(t);
    const indexes = undeclaredIndexes(t, replayed).filter(
      (i) => schemaKeys.includes(coveringIndex(i, [...schemaKeys, i]) as Index) || (i.columns.length > 0 && columns.some((c) => c.name === i.columns[0])),
    );
    tables.push(
      columns.length || foreignKeys.length || indexes.length
        ? { ...t, columns: [...t.columns, ...columns], foreignKeys: [...t.foreignKeys, ...foreignKeys], indexes: [...t.indexes, ...indexes] }
        : t,
    );
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
