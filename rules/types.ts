/**
 * The rule API. A rule is pure judgement: it reads the model, reports findings, and for each fix
 * states an *intent* (never text). The language front-end that owns the file writes the text.
 */
import type {
  CodeFile,
  Column,
  Database,
  DbCall,
  ForeignKey,
  Index,
  Language,
  Loc,
  MigrationStatement,
  Position,
  ReferentialAction,
  Table,
  TransactionScope,
} from './model';

export type Severity = 'error' | 'warning' | 'info';
export type Category = 'relations' | 'indexes' | 'migrations' | 'data-types' | 'transactions' | 'queries';

/**
 * safe: keeps meaning (applied by fix-all); unsafe: may change behaviour (needs opt-in);
 * display-only: advice shown in the lightbulb but never applied automatically.
 */
export type FixSafety = 'safe' | 'unsafe' | 'display-only';

/** What a fix should do. The owning language turns it into edits. */
export type FixIntent =
  | {
      kind: 'setOnDelete';
      database: Database;
      table: Table;
      foreignKey: ForeignKey;
      action: ReferentialAction;
      /**
       * Prisma only: write this onUpdate too. A self-relation on SQL Server or under relationMode = "prisma" must
       * neither delete nor update, and Prisma's default onUpdate (Cascade) updates.
       */
      onUpdate?: ReferentialAction;
    }
  | { kind: 'addIndex'; database: Database; table: Table; columns: string[] }
  | {
      kind: 'dropIndex';
      database: Database;
      table: Table;
      index: Index;
      /**
       * SQL: remove the statement that creates the index from the newest migration of its folder (which may not be
       * deployed yet, the title says so), rather than drop the index in a new migration.
       */
      inPlace?: boolean;
    }
  | { kind: 'changeColumnType'; database: Database; table: Table; column: Column; to: 'json' | 'decimal' }
  | { kind: 'makeNullable'; database: Database; table: Table; column: Column }
  | {
      kind: 'addForeignKey';
      database: Database;
      table: Table;
      columns: string[];
      references: { table: string; columns: string[] };
      /** The action the new foreign key is written with (missing-on-delete's first choice for it), if any. */
      onDelete?: ReferentialAction;
      /**
       * Prisma only: the onUpdate written with it, where Prisma's default (Cascade) would close a cascade cycle that
       * SQL Server or relationMode = "prisma" refuses.
       */
      onUpdate?: ReferentialAction;
    }
  | { kind: 'createEnum'; database: Database; table: Table; column: Column; values: string[] }
  | { kind: 'addConcurrently'; database: Database; statement: MigrationStatement }
  | { kind: 'addNotValid'; database: Database; statement: MigrationStatement }
  | { kind: 'moveToOwnMigration'; database: Database; statement: MigrationStatement }
  /**
   * A `CREATE INDEX CONCURRENTLY` on a partitioned Postgres table, which Postgres refuses: the statement builds the
   * parent's index `ON ONLY` (CONCURRENTLY dropped), new migrations build each partition's index CONCURRENTLY and
   * attach it.
   */
  | { kind: 'indexPartitionsConcurrently'; database: Database; statement: MigrationStatement }
  /** `enclose`: more ranges the wrapper must hold whole (loops whose writes repeat per element, not one iteration). */
  | { kind: 'wrapInTransaction'; file: CodeFile; calls: DbCall[]; transactionClient: string; enclose?: Loc[] }
  | { kind: 'useTransactionClient'; file: CodeFile; call: DbCall; transaction: TransactionScope }
  | { kind: 'batchQueryInLoop'; file: CodeFile; call: DbCall }
  | { kind: 'addLimit'; file: CodeFile; call: DbCall; limit: number };

export interface FixProposal {
  /** What the fix does, e.g. "Add @@index([eventId])"; languages may refine it. */
  title: string;
  safety: FixSafety;
  intent: FixIntent;
  /** Preferred among the fixes of one finding (shown first, chosen by "fix" in the lightbulb). */
  preferred?: boolean;
}

export interface ReportInput {
  /** Message id from `meta.messages`, or a literal message. */
  message: string;
  /** Where the user must act. */
  loc: Loc;
  fixes?: FixProposal[];
  /** Other places that matter (query sites, the referenced table, …). */
  related?: { loc: Loc; message: string }[];
}

export interface RuleMeta {
  id: string;
  category: Category;
  defaultSeverity: Severity;
  /** Which languages the rule reviews. */
  languages: Language[];
  /** One line: what the rule finds. */
  description: string;
  /** The fix safety of the rule's best fix, or undefined when there is no fix. */
  fix?: FixSafety;
  /**
   * `file`: the rule judges each code file on its own (its findings for a file depend only on that file's facts
   * and the databases), so the engine may run it file by file and reuse the results of unchanged files.
   */
  scope?: 'file';
  /**
   * `table`: the rule reports only inside its loop over `database.tables`, and what it reads of *other* tables is
   * their shape (name, database name, view or not, name location, primary key and its column types, the tables
   * their foreign keys reference), looked up through `tableOf`/`findTableByName`/`wholeDatabase`, or a table it
   * names with `readsTable`. The language server may then run it table by table on a view of the database
   * (`tableView`) and reuse the findings of tables that did not change. A partitioned rule whose languages include
   * `code` may also read the code facts: its findings are judged again whenever a code file changed.
   */
  partition?: 'table';
}

export interface RuleContext {
  databases: readonly Database[];
  /**
   * Every database of the review, also when `databases` is one table's view (`partition: 'table'`): for a rule that
   * must know which database a code file belongs to. Undefined: the same as `databases`.
   */
  allDatabases?: readonly Database[];
  codeFiles: readonly CodeFile[];
  /** The database a code file's calls go to (by ORM), if the workspace has one. */
  databaseFor(orm: 'prisma' | 'drizzle'): Database | undefined;
  report(finding: ReportInput): void;
}

export interface Rule {
  meta: RuleMeta;
  check(context: RuleContext): void;
}

// ---------------------------------------------------------------------------------------------
// Helpers rules share (pure functions over the model)
//
// Hot loops: the loops that run for every table, column and key are indexed (`for (let i = 0; …)`), not
// `for…of`. The first review of a file runs cold (V8's interpreter), and there `for…of` allocates an iterator and a
// result object per element: for a big schema, megabytes of garbage, and a scavenge in the middle of the review.
// ---------------------------------------------------------------------------------------------

/** A place as a string key (file and both ends of the range). */
export function locKey(loc: Loc): string {
  const { start, end } = loc.range;
  return `${loc.file}:${start.line}:${start.character}:${end.line}:${end.character}`;
}

export function comparePositions(a: Position, b: Position): number {
  return a.line - b.line || a.character - b.character;
}

/** Places in reading order: by file, then where they start. */
export function compareLocs(a: Loc, b: Loc): number {
  // Most pairs share their file (often the very same string): settle that with one comparison.
  if (a.file !== b.file) return a.file < b.file ? -1 : 1;
  return comparePositions(a.range.start, b.range.start);
}

/** Every index-like structure of a table, primary key first. */
export function indexesOf(table: Table): Index[] {
  // `concat`/`slice`, not a spread (which iterates, see "Hot loops" above).
  return table.primaryKey ? [table.primaryKey].concat(table.indexes) : table.indexes.slice();
}

/** An index's access method, lower case; `btree` (the default) when none is written. */
export function indexMethod(index: Index): string {
  return index.method ?? 'btree';
}

/**
 * "Covered by an index" as Postgres and splinter define it: the columns are the leading columns
 * (in any order among themselves) of a non-partial B-tree index, unique constraint or primary key.
 * A Hash index counts when its one key column is the one column looked up (the lookup is an equality,
 * `WHERE fk = $1`, which is all a hash index serves). GIN, GiST, SP-GiST and BRIN indexes, MySQL
 * FULLTEXT and SPATIAL do not: their operator classes serve containment, similarity, ranges of
 * blocks or text search, not the equality probe a delete of a parent row runs (BRIN only narrows
 * the scan to block ranges; GIN and GiST need the btree_gin / btree_gist extensions for it at all).
 */
export function isCovered(table: Table, columns: readonly string[]): boolean {
  // No copy of the index list: this runs for every foreign key of every table.
  if (table.primaryKey && coversLeading(table.primaryKey, columns)) return true;
  const indexes = table.indexes;
  for (let i = 0; i < indexes.length; i++) if (coversLeading(indexes[i], columns)) return true;
  return false;
}

export function coversLeading(index: Index, columns: readonly string[]): boolean {
  // A partial index serves a lookup by equality on `columns` only when that lookup implies its predicate: one that
  // only requires some of those columns to be set (`WHERE project_id IS NOT NULL`).
  if (index.partial && !index.whereNotNull?.every((c) => columns.includes(c))) return false;
  const n = columns.length;
  if (index.columns.length < n) return false;
  if (index.method !== undefined && index.method !== 'btree' && !(index.method === 'hash' && index.columns.length === n)) return false;
  // The leading n columns, in any order: n is 1–3 in practice, so a nested scan beats building a Set.
  for (let i = 0; i < n; i++) {
    let found = false;
    for (let j = 0; j < n; j++) {
      if (index.columns[j] === columns[i]) {
        found = true;
        break;
      }
    }
    if (!found) return false;
  }
  return true;
}

export function columnOf(table: Table, name: string): Column | undefined {
  // An indexed loop (see "Hot loops" above), not `find` with a closure: rules look up columns for every key.
  const columns = table.columns;
  for (let i = 0; i < columns.length; i++) if (columns[i].name === name || columns[i].dbName === name) return columns[i];
  return undefined;
}

/** The database a per-table view (`tableView`) was made from. */
const viewParents = new WeakMap<Database, Database>();

/**
 * A view of `database` whose `tables` is only `table`; everything else (dialect, lookups through `tableOf`,
 * `wholeDatabase`) is the whole database's. The engine runs `partition: 'table'` rules on views.
 */
export function tableView(database: Database, table: Table): Database {
  // A copy with the database's own shape (not a prototype child): rules see the same kind of object either way.
  const view: Database = { ...database, tables: [table] };
  viewParents.set(view, database);
  return view;
}

/** The whole database behind a per-table view (the database itself otherwise). */
export function wholeDatabase(database: Database): Database {
  return viewParents.get(database) ?? database;
}

/** Records the tables a per-table rule run reads beyond their shape (set by the engine while it runs one). */
let tableReads: ((table: Table) => void) | undefined;

/** Reports that the rule reads more of `table` than its shape (its columns, say), so its findings depend on it. */
export function readsTable(table: Table): void {
  tableReads?.(table);
}

/** Runs `run` while collecting the tables it declares with `readsTable`. */
export function collectTableReads<T>(run: () => T): { result: T; reads: Table[] } {
  const reads: Table[] = [];
  const outer = tableReads;
  tableReads = (t) => reads.push(t);
  try {
    return { result: run(), reads };
  } finally {
    tableReads = outer;
  }
}

/**
 * Tables by name and by database name, first match in table order (the same answer as a linear search),
 * memoized per database: rules look a table up for every foreign key. Databases are not mutated after analysis.
 */
const tablesByName = new WeakMap<Database, Map<string, Table>>();

export function tableOf(database: Database, name: string): Table | undefined {
  database = wholeDatabase(database);
  let index = tablesByName.get(database);
  if (!index) {
    index = new Map();
    const tables = database.tables;
    for (let i = 0; i < tables.length; i++) {
      const t = tables[i];
      if (!index.has(t.name)) index.set(t.name, t);
      if (t.dbName !== undefined && !index.has(t.dbName)) index.set(t.dbName, t);
    }
    tablesByName.set(database, index);
  }
  return index.get(name);
}

/** True when every foreign-key column is nullable (so SET NULL is possible). */
export function foreignKeyIsOptional(table: Table, fk: ForeignKey): boolean {
  const columns = fk.columns;
  for (let i = 0; i < columns.length; i++) if (!(columnOf(table, columns[i])?.nullable ?? false)) return false;
  return true;
}

/** Does this dialect create an index for foreign-key columns by itself? */
export function dialectIndexesForeignKeys(database: Database): boolean {
  return database.dialect === 'mysql' && database.relationMode === 'foreignKeys';
}
