/**
 * Model building: replays parsed migrations, in order, into one Database. Postgres statements
 * come from libpg-query's AST, MySQL/SQLite ones from node-sql-parser's. Every fact's loc is
 * where the user acts (the statement, the REFERENCES clause, the constraint).
 */
import type {
  Column,
  ColumnType,
  Database,
  Dialect,
  EnumType,
  ForeignKey,
  Index,
  IndexColumnOptions,
  Loc,
  MigrationRef,
  MigrationStatement,
  ReferentialAction,
  Table,
} from '../../../../rules/model';
import { clauseEnd, skipTrivia, tokenize, trimBack, writtenActionsIn, type SqlFlavor, type Token } from './lexer';
import { chooseName, columnsAddition, makeObjectName } from './names';
import { catchesError, DUPLICATE_COLUMN, DUPLICATE_OBJECT, DUPLICATE_TABLE, readAbsenceGuard, type AbsenceGuard } from './guards';
import { nameEnd, parseDoBlock, parseSql, type AstNode, type DoBlockStatement, type DoScope, type ParsedFile, type ParsedStatement } from './parse';
import type { SourceText } from './text';

export interface ReplayFile {
  parsed: ParsedFile;
  ref: MigrationRef;
  /** Drop each statement's AST once replayed (saves GC work on large dumps). */
  releaseAst?: boolean;
}

interface Ctx {
  src: SourceText;
  stmt: ParsedStatement;
  ref: MigrationRef;
  inTx: boolean;
  createdHere: Set<string>;
  /**
   * Tables an earlier statement of this migration proved empty: `ADD COLUMN … NOT NULL` without a default fails on a
   * table with a row, so whatever runs after it in the migration runs on an empty table (addedNotNullWithoutDefault).
   */
  emptyHere: Set<string>;
  stmtLoc: Loc;
  /** The `DO` block the statement runs in. */
  block?: Loc;
  /** The transaction a statement of a DO block runs in (see txKey). */
  tx?: string;
}

/**
 * What the statements of a DO block create, as a block is checked before it runs (see Builder.firstDuplicate): names in
 * the model's form (`billing.x`, the public schema's bare).
 */
interface Pending {
  /** Enums and tables (each table has its row type). */
  types: Set<string>;
  /** Tables and indexes. */
  relations: Set<string>;
  /** `table\0column`. */
  columns: Set<string>;
  /** `table\0constraint`. */
  constraints: Set<string>;
  /** `enum\0value`. */
  values: Set<string>;
}

function noPending(): Pending {
  return { types: new Set(), relations: new Set(), columns: new Set(), constraints: new Set(), values: new Set() };
}

function copyPending(p: Pending): Pending {
  return { types: new Set(p.types), relations: new Set(p.relations), columns: new Set(p.columns), constraints: new Set(p.constraints), values: new Set(p.values) };
}

/** The statements of a DO block as its PL/pgSQL nests them: a statement, or a scope (DoScope) and what runs in it. */
type DoNode = { statement: ParsedStatement } | { scope: DoScope; children: DoNode[] };

/** Nests a DO block's statements by their scopes (each scope object is one block or THEN branch). */
function nestDoBlock(items: readonly DoBlockStatement[], depth = 0): DoNode[] {
  const out: DoNode[] = [];
  for (let i = 0; i < items.length; ) {
    const scope = items[i].scopes[depth];
    if (!scope) {
      out.push({ statement: items[i].statement });
      i++;
      continue;
    }
    let j = i + 1;
    while (j < items.length && items[j].scopes[depth] === scope) j++;
    out.push({ scope, children: nestDoBlock(items.slice(i, j), depth + 1) });
    i = j;
  }
  return out;
}

function doStatements(nodes: readonly DoNode[]): ParsedStatement[] {
  return nodes.flatMap((n) => ('statement' in n ? [n.statement] : doStatements(n.children)));
}

export function replay(id: string, dialect: Dialect, files: readonly ReplayFile[]): Database {
  const r = createReplayer(id, dialect);
  for (const f of files) r.file(f);
  return r.database();
}

/**
 * Incremental replay: feed files in order, then take the database. analyze() replays each file
 * right after parsing it so the file's AST can be collected before the next file is parsed.
 */
export function createReplayer(id: string, dialect: Dialect): { file(f: ReplayFile): void; database(): Database } {
  const b = new Builder(dialect === 'mysql' || dialect === 'sqlite' ? dialect : 'postgresql');
  const files: string[] = [];
  return {
    file(f) {
      files.push(f.parsed.source.file);
      b.file(f);
    },
    database() {
      return {
        id,
        language: 'sql',
        dialect,
        relationMode: 'foreignKeys',
        tables: [...b.tables.values()],
        enums: [...b.enums.values()],
        files,
        statements: b.statements,
      };
    },
  };
}

/** The Postgres statement types pgStatement reads (every other type is an `other` statement). */
const PG_MODELLED = new Set(['TransactionStmt', 'CreateStmt', 'AlterTableStmt', 'IndexStmt', 'DropStmt', 'RenameStmt', 'AlterObjectSchemaStmt', 'CommentStmt', 'DoStmt', 'CreateEnumStmt', 'AlterEnumStmt', 'CreateTableAsStmt', 'SelectStmt']);

const PG_ACTIONS: Record<string, ReferentialAction> = { a: 'NoAction', r: 'Restrict', c: 'Cascade', n: 'SetNull', d: 'SetDefault' };

/**
 * Whether Postgres adds the foreign keys declared on the columns this ALTER TABLE adds without checking any row
 * (transformAlterTableStmt's skipValidation): their values are all NULL, unless an added column has a DEFAULT or a
 * GENERATED expression (an identity too, to be safe), and the statement adds no table-level FOREIGN KEY (then it
 * validates them all). Measured in PGlite: the table's seq_scan does not move.
 */
function addedColumnsUnscanned(cmds: readonly AstNode[]): boolean {
  for (const wrapped of cmds) {
    const cmd = wrapped?.AlterTableCmd;
    if (cmd?.subtype === 'AT_AddConstraint' && cmd.def?.Constraint?.contype === 'CONSTR_FOREIGN') return false;
    if (cmd?.subtype !== 'AT_AddColumn') continue;
    const cd = cmd.def?.ColumnDef;
    if (cd?.raw_default !== undefined || cd?.identity) return false;
    for (const c of cd?.constraints ?? []) {
      const t = c?.Constraint?.contype;
      if (t === 'CONSTR_DEFAULT' || t === 'CONSTR_GENERATED' || t === 'CONSTR_IDENTITY') return false;
    }
  }
  return true;
}

/**
 * Whether an added column is NOT NULL with nothing to fill the existing rows with (no DEFAULT, no identity, no
 * GENERATED expression, not a serial): Postgres then refuses the ALTER on a table holding a row ("column … contains
 * null values"), so the statements of the migration after it run on an empty table. Prisma writes this for a new
 * required field (and warns that it fails on a table with rows).
 */
function addedNotNullWithoutDefault(cd: AstNode): boolean {
  if (cd.raw_default !== undefined || cd.identity || cd.generated) return false;
  const names = (cd.typeName?.names ?? []) as AstNode[];
  const base = (names[names.length - 1]?.String?.sval ?? '') as string;
  if (base.includes('serial')) return false;
  let notNull = cd.is_not_null === true;
  for (const c of cd.constraints ?? []) {
    const t = c?.Constraint?.contype;
    if (t === 'CONSTR_DEFAULT' || t === 'CONSTR_GENERATED' || t === 'CONSTR_IDENTITY') return false;
    if (t === 'CONSTR_NOTNULL') notNull = true;
  }
  return notNull;
}

/** The kind of a libpg-query node (`{ CreateStmt: {…} }` → `CreateStmt`): its one key. */
function nodeKind(node: AstNode): string {
  for (const k in node) return k;
  return '';
}

/** A table created earlier in the statement's migration, or proved empty there (Ctx.emptyHere): new or empty. */
function newOrEmpty(ctx: Ctx, table: string): boolean {
  return ctx.createdHere.has(table) || ctx.emptyHere.has(table);
}

function normAction(text: string | undefined): ReferentialAction | undefined {
  switch ((text ?? '').toLowerCase().replace(/[\s_]+/g, ' ').trim()) {
    case 'cascade':
      return 'Cascade';
    case 'restrict':
      return 'Restrict';
    case 'no action':
      return 'NoAction';
    case 'set null':
      return 'SetNull';
    case 'set default':
      return 'SetDefault';
    default:
      return undefined;
  }
}

/** Coarse types by lower-case type name (`int4`, `varchar`, `timestamptz`, `jsonb`, …). */
const COLUMN_TYPES = new Map<string, ColumnType>();
for (const [type, names] of [
  ['string', ['text', 'varchar', 'bpchar', 'char', 'character', 'citext', 'name', 'character varying', 'nvarchar', 'nchar', 'tinytext', 'mediumtext', 'longtext', 'clob', 'string', 'set']],
  ['int', ['int2', 'int4', 'int', 'integer', 'smallint', 'serial', 'serial4', 'smallserial', 'serial2', 'tinyint', 'mediumint']],
  ['bigint', ['int8', 'bigint', 'bigserial', 'serial8']],
  ['float', ['float4', 'float8', 'real', 'double', 'double precision', 'float']],
  ['decimal', ['numeric', 'decimal', 'money', 'dec']],
  ['boolean', ['bool', 'boolean']],
  ['datetime', ['timestamp', 'timestamptz', 'datetime']],
  ['date', ['date']],
  ['time', ['time', 'timetz']],
  ['json', ['json', 'jsonb']],
  ['uuid', ['uuid']],
  ['bytes', ['bytea', 'blob', 'binary', 'varbinary', 'longblob', 'mediumblob', 'tinyblob']],
  ['enum', ['enum']],
] as [ColumnType, string[]][]) {
  for (const n of names) COLUMN_TYPES.set(n, type);
}

/** A coarse type from the type's last name (`int4`, `varchar`, `timestamptz`, `jsonb`, …): one map lookup per column. */
export function columnTypeOf(name: string, isArray: boolean, enums: ReadonlyMap<string, EnumType>): ColumnType {
  if (isArray) return 'array';
  const n = name.toLowerCase();
  const known = COLUMN_TYPES.get(n);
  if (known !== undefined) return known;
  return enums.has(n) || enums.has(name) ? 'enum' : 'other';
}

/**
 * Postgres's default constraint/index name when none is in use yet (makeObjectName: within 63 bytes); the replay
 * also adds the number Postgres adds when it is taken (see Builder.pgDefaultName).
 */
export function defaultName(table: string, columns: readonly string[], suffix: 'pkey' | 'key' | 'fkey' | 'idx'): string {
  const bare = table.includes('.') ? table.slice(table.lastIndexOf('.') + 1) : table;
  return suffix === 'pkey' ? makeObjectName(bare, undefined, 'pkey') : makeObjectName(bare, columnsAddition(columns), suffix);
}

/**
 * The type a column's type is written with, named as the replay names types (`public.status[]` → `status`,
 * `"Role"` → `Role`, `billing.Status` → `billing.status`): unquoted names fold to lower case. From the tokens.
 */
function writtenTypeName(rawType: string): string {
  const parts: string[] = [];
  for (const t of tokenize(rawType, 'postgresql')) {
    if (t.kind === 'comment') continue;
    const raw = rawType.slice(t.start, t.end);
    if (t.kind === 'word') parts.push(raw.toLowerCase());
    else if (t.kind === 'quoted' && raw[0] === '"') parts.push(raw.slice(1, -1).split('""').join('"'));
    else if (raw !== '.') break;
  }
  if (parts.length > 1 && (parts[0] === 'public' || parts[0] === 'pg_catalog')) parts.shift();
  return parts.join('.');
}

/** The schema part of a model table name (`billing.invoices` → `billing`; the default schema is ''). */
function schemaOf(table: string): string {
  const dot = table.lastIndexOf('.');
  return dot < 0 ? '' : table.slice(0, dot);
}

class Builder {
  readonly tables = new Map<string, Table>();
  readonly enums = new Map<string, EnumType>();
  readonly statements: MigrationStatement[] = [];
  /** Index/constraint name → table, checked on use (drops and renames leave stale entries). */
  private readonly indexOwner = new Map<string, Table>();
  /** The last statement's tokens (statementTokens). */
  private tokensFor: { stmt: ParsedStatement; toks: Token[] } | undefined;
  /** Names of CHECK constraints per table (the model has no checks; their names still take a constraint name). */
  private readonly checkNames = new Map<Table, Set<string>>();
  /** The column whose values a CHECK constraint of that name holds (Column.checkedValues), per table. */
  private readonly checkColumns = new Map<Table, Map<string, Column>>();
  /** Materialized views (not in the model): an index on one blocks its REFRESH, not writes (index-not-concurrent). */
  private readonly matviews = new Set<string>();
  /**
   * Names in use per schema (tables, indexes, constraints), built when a default name is chosen and kept up to date as
   * names are added; any drop or rename lets it go (rebuilt on the next need).
   */
  private namesInUse: Map<string, Set<string>> | undefined;
  /** The file being replayed is run by its runner as one transaction. */
  private runnerTx = false;
  /** Explicit transactions begun so far (names each BEGIN … COMMIT block, see txKey). */
  private txSeq = 0;
  /** The statement that added each foreign key, and the explicit transaction or DO block it ran in. */
  private readonly fkAdded = new WeakMap<ForeignKey, { statement: MigrationStatement; tx: string | undefined }>();
  /**
   * A column's type as the replay names types, where an `ALTER TYPE … RENAME TO | SET SCHEMA` renamed it since the
   * column was written (otherwise the name written, writtenTypeName of its rawType).
   */
  private readonly renamedType = new WeakMap<Column, string>();
  /**
   * The columns an index's predicate (`WHERE deleted_at IS NULL`) or key expressions (`lower(email)`) read: dropping one
   * drops the index, as it drops an index on the column itself.
   */
  private readonly indexReads = new WeakMap<Index, string[]>();
  /** Indexes made by CREATE UNIQUE INDEX (not a constraint's): their copies are named `_idx`, a constraint's `_key`. */
  private readonly uniqueIndexes = new WeakSet<Index>();

  constructor(private readonly flavor: SqlFlavor) {}

  file(f: ReplayFile): void {
    const src = f.parsed.source;
    const createdHere = new Set<string>();
    const emptyHere = new Set<string>();
    let inTx = false;
    const pgFlavor = this.flavor === 'postgresql';
    // The runner runs the whole file as one transaction (not merely a file that opens with its own BEGIN … COMMIT).
    this.runnerTx = f.ref.transactional && !beginsWithTransaction(f.parsed.statements[0]);
    for (const stmt of f.parsed.statements) {
      // A Postgres statement of a type the model does not read is only recorded: its tree is never built.
      if (pgFlavor && stmt.kind !== undefined && !PG_MODELLED.has(stmt.kind)) {
        this.other({ src, stmt, ref: f.ref, inTx, createdHere, emptyHere, stmtLoc: src.loc(stmt.start, stmt.end) });
        if (f.releaseAst) stmt.ast = undefined;
        continue;
      }
      if (!stmt.ast) continue;
      const ctx: Ctx = { src, stmt, ref: f.ref, inTx, createdHere, emptyHere, stmtLoc: src.loc(stmt.start, stmt.end) };
      try {
        if (this.flavor === 'postgresql') inTx = this.pgStatement(ctx, stmt.ast);
        else inTx = this.otherStatement(ctx, stmt.ast);
      } catch {
        // A shape we did not expect in one statement must not lose the rest of the history.
        this.other(ctx);
      }
      // Let the garbage collector take the statement's AST now (analyze does not keep it).
      if (f.releaseAst) stmt.ast = undefined;
    }
  }

  // ------------------------------------------------------------------------------------------
  // Shared helpers
  // ------------------------------------------------------------------------------------------

  private other(ctx: Ctx, kind: MigrationStatement['kind'] = 'other', extra?: Partial<MigrationStatement>): void {
    const st: MigrationStatement = extra ? Object.assign({ kind, loc: ctx.stmtLoc, migration: ctx.ref }, extra) : { kind, loc: ctx.stmtLoc, migration: ctx.ref };
    if (ctx.inTx) st.inExplicitTransaction = true;
    if (ctx.block) st.doBlock = ctx.block;
    this.statements.push(st);
  }

  private newTable(name: string, ctx: Ctx, nameStart: number): Table {
    const text = ctx.src.text;
    const nEnd = nameEnd(text, nameStart, this.flavor);
    const table: Table = {
      name,
      columns: [],
      indexes: [],
      foreignKeys: [],
      loc: ctx.stmtLoc,
      nameLoc: ctx.src.loc(nameStart, nEnd > nameStart ? nEnd : ctx.stmt.end),
      migration: ctx.ref,
    };
    this.tables.set(name, table);
    this.noteName(name, name.slice(name.lastIndexOf('.') + 1));
    ctx.createdHere.add(name);
    return table;
  }

  private addIndex(table: Table, index: Index): void {
    if (index.kind === 'primary') table.primaryKey = index;
    else table.indexes.push(index);
    if (index.name) {
      this.indexOwner.set(index.name, table);
      this.noteName(table.name, index.name);
    }
  }

  /** Adds a name to the names in use of the table's schema (when they are being kept). */
  private noteName(table: string, name: string): void {
    if (this.namesInUse) this.namesSet(schemaOf(table)).add(name);
  }

  /** The names in use in a schema: relations (tables, indexes) and constraints, one set (collisions across the two are rare). */
  private namesOf(schema: string): Set<string> {
    if (!this.namesInUse) {
      this.namesInUse = new Map();
      for (const t of this.tables.values()) {
        const set = this.namesSet(schemaOf(t.name));
        set.add(t.name.slice(t.name.lastIndexOf('.') + 1));
        if (t.primaryKey?.name) set.add(t.primaryKey.name);
        for (const i of t.indexes) if (i.name) set.add(i.name);
        for (const f of t.foreignKeys) if (f.name) set.add(f.name);
        for (const c of this.checkNames.get(t) ?? []) set.add(c);
      }
    }
    return this.namesSet(schema);
  }

  private namesSet(schema: string): Set<string> {
    let set = this.namesInUse!.get(schema);
    if (!set) this.namesInUse!.set(schema, (set = new Set()));
    return set;
  }

  /**
   * The name Postgres gives an unnamed primary key, unique constraint, foreign key or index of `table`: makeObjectName
   * within 63 bytes, and a number after the label (`_fkey1`, `_idx1`) while the name is in use in the schema
   * (ChooseConstraintName / ChooseRelationName).
   */
  private pgDefaultName(table: string, columns: readonly string[], label: 'pkey' | 'key' | 'fkey' | 'idx'): string {
    const bare = table.slice(table.lastIndexOf('.') + 1);
    const used = this.namesOf(schemaOf(table));
    return chooseName(bare, label === 'pkey' ? undefined : columnsAddition(columns), label, (n) => used.has(n));
  }

  /** A CHECK constraint's name, which takes a constraint name of the schema. */
  private addCheckName(table: Table, name: string): void {
    let set = this.checkNames.get(table);
    if (!set) this.checkNames.set(table, (set = new Set()));
    set.add(name);
    this.noteName(table.name, name);
  }

  private dropColumn(table: Table, column: string): void {
    this.namesInUse = undefined;
    table.columns = table.columns.filter((c) => c.name !== column);
    table.indexes = table.indexes.filter((i) => !i.columns.includes(column) && !this.indexReads.get(i)?.includes(column));
    if (table.primaryKey?.columns.includes(column)) table.primaryKey = undefined;
    table.foreignKeys = table.foreignKeys.filter((f) => !f.columns.includes(column));
    for (const t of this.tables.values()) {
      t.foreignKeys = t.foreignKeys.filter((f) => !(f.references.table === table.name && f.references.columns.includes(column)));
    }
  }

  private dropTable(name: string): void {
    const dropped = this.tables.get(name);
    if (!dropped || !this.tables.delete(name)) return;
    this.checkNames.delete(dropped);
    this.checkColumns.delete(dropped);
    this.namesInUse = undefined;
    for (const t of this.tables.values()) t.foreignKeys = t.foreignKeys.filter((f) => f.references.table !== name);
    // A partitioned table's partitions are dropped with it (and theirs with them).
    for (const t of [...this.tables.values()]) if (t.partitionOf === name) this.dropTable(t.name);
  }

  /**
   * A key or unique index dropped with CASCADE: the foreign keys that reference its columns (Postgres makes a foreign
   * key depend on the unique index over exactly its referenced columns) are dropped with it.
   */
  private dropReferencing(table: Table, key: Index): void {
    const cols = new Set(key.columns);
    for (const t of this.tables.values()) {
      t.foreignKeys = t.foreignKeys.filter(
        (f) => !(f.references.table === table.name && f.references.columns.length === cols.size && f.references.columns.every((c) => cols.has(c))),
      );
    }
  }

  private renameTable(ctx: Ctx, from: string, to: string): void {
    const t = this.tables.get(from);
    if (!t) return;
    // A table this migration created stays new under its new name (or schema): still empty and unseen, its indexes
    // need no CONCURRENTLY and its foreign keys no NOT VALID.
    if (ctx.createdHere.delete(from)) ctx.createdHere.add(to);
    if (ctx.emptyHere.delete(from)) ctx.emptyHere.add(to);
    this.namesInUse = undefined;
    this.tables.delete(from);
    t.name = to;
    this.tables.set(to, t);
    for (const other of this.tables.values()) {
      for (const f of other.foreignKeys) if (f.references.table === from) f.references.table = to;
      // Partitions stay attached to their parent under its new name (or schema).
      if (other.partitionOf === from) other.partitionOf = to;
    }
  }

  private renameColumn(table: Table, from: string, to: string): void {
    const col = table.columns.find((c) => c.name === from);
    if (col) col.name = to;
    const swap = (cols: string[]): string[] => cols.map((c) => (c === from ? to : c));
    for (const i of table.indexes) {
      i.columns = swap(i.columns);
      if (i.include) i.include = swap(i.include);
      const reads = this.indexReads.get(i);
      if (reads) this.indexReads.set(i, swap(reads));
    }
    if (table.primaryKey) table.primaryKey.columns = swap(table.primaryKey.columns);
    for (const f of table.foreignKeys) f.columns = swap(f.columns);
    for (const t of this.tables.values()) for (const f of t.foreignKeys) if (f.references.table === table.name) f.references.columns = swap(f.references.columns);
  }

  private dropConstraint(table: Table, name: string): void {
    this.checkNames.get(table)?.delete(name);
    const checked = this.checkColumns.get(table)?.get(name);
    if (checked) {
      delete checked.checkedValues;
      delete checked.checked;
      this.checkColumns.get(table)?.delete(name);
    }
    this.namesInUse = undefined;
    table.foreignKeys = table.foreignKeys.filter((f) => f.name !== name);
    table.indexes = table.indexes.filter((i) => i.name !== name);
    if (table.primaryKey?.name === name) table.primaryKey = undefined;
  }

  private dropIndexNamed(name: string, cascade = false): void {
    let found: { table: Table; index: Index } | undefined;
    if (this.flavor === 'postgresql') {
      // `DROP INDEX billing.x` drops billing's x; an unqualified name is public's (the model's '' schema).
      const dot = name.lastIndexOf('.');
      const schema = dot < 0 || name.slice(0, dot) === 'public' ? '' : name.slice(0, dot);
      found = this.findIndexIn(schema, name.slice(dot + 1));
    } else found = this.findIndex(name.startsWith('public.') ? name.slice(7) : name);
    if (found) {
      found.table.indexes = found.table.indexes.filter((i) => i !== found.index);
      if (cascade && found.index.unique && !found.index.partial) this.dropReferencing(found.table, found.index);
    }
    this.namesInUse = undefined;
  }

  /** The index named `name` among the tables of `schema` (Postgres: index names are unique per schema). */
  private findIndexIn(schema: string, name: string): { table: Table; index: Index } | undefined {
    const owner = this.indexOwner.get(name);
    if (owner && this.tables.get(owner.name) === owner && schemaOf(owner.name) === schema) {
      const index = owner.indexes.find((i) => i.name === name);
      if (index) return { table: owner, index };
    }
    for (const t of this.tables.values()) {
      if (schemaOf(t.name) !== schema) continue;
      const index = t.indexes.find((i) => i.name === name);
      if (index) return { table: t, index };
    }
    return undefined;
  }

  private findIndex(name: string): { table: Table; index: Index } | undefined {
    const owner = this.indexOwner.get(name);
    if (owner && this.tables.get(owner.name) === owner) {
      const index = owner.indexes.find((i) => i.name === name);
      if (index) return { table: owner, index };
    }
    return undefined;
  }

  /**
   * Whether `name` is a relation of `schema`: a table, or an index (those of primary keys and unique constraints
   * too). Constraint names (foreign keys, checks) are not relations. The names in use are a superset, checked first.
   */
  /** Whether the table has a constraint of that name (a key, a foreign key or a check). */
  private constraintNamed(table: Table, name: string): boolean {
    return (
      table.primaryKey?.name === name ||
      table.indexes.some((i) => i.kind === 'unique' && i.name === name) ||
      table.foreignKeys.some((f) => f.name === name) ||
      this.checkNames.get(table)?.has(name) === true
    );
  }

  private relationNamed(schema: string, name: string): boolean {
    if (!this.namesOf(schema).has(name)) return false;
    if (this.tables.has(schema ? `${schema}.${name}` : name)) return true;
    const owner = this.indexOwner.get(name);
    const holds = (t: Table) => schemaOf(t.name) === schema && (t.primaryKey?.name === name || t.indexes.some((i) => i.name === name));
    if (owner && this.tables.get(owner.name) === owner && holds(owner)) return true;
    for (const t of this.tables.values()) if (holds(t)) return true;
    return false;
  }

  /** Primary key columns of a referenced table, for `REFERENCES t` without a column list. */
  private pkOf(table: string): string[] {
    return this.tables.get(table)?.primaryKey?.columns.slice() ?? ['id'];
  }

  /** The end of a clause starting at `start` (see lexer.ts clauseEnd). */
  private clauseEnd(text: string, start: number, limit: number): number {
    return clauseEnd(text, start, limit, this.flavor);
  }

  /**
   * The end of a table element given where the next one starts: back over whitespace and the
   * separating comma. Falls back to tokenizing when a block comment sits before the comma.
   */
  private elementEnd(text: string, start: number, nextStart: number, limit: number): number {
    const j = trimBack(text, start, nextStart);
    if (j > start && text.charCodeAt(j - 1) === 44) {
      const k = trimBack(text, start, j - 1);
      if (!(k >= 2 && text.charCodeAt(k - 1) === 47 && text.charCodeAt(k - 2) === 42)) return k;
    }
    return this.clauseEnd(text, start, limit);
  }

  /** The clause's end and its tokens (for the short clauses whose words matter: REFERENCES …). */
  private clause(text: string, start: number, limit: number): { end: number; tokens: Token[] } {
    const end = this.clauseEnd(text, start, limit);
    return { end, tokens: tokenize(text, this.flavor, start, end) };
  }

  /** Which actions are written in a clause's tokens (`ON DELETE …`, `ON UPDATE …`). */
  private writtenActions(text: string, tokens: Token[]): { onDelete: boolean; onUpdate: boolean } {
    let onDelete = false;
    let onUpdate = false;
    for (let i = 0; i + 1 < tokens.length; i++) {
      if (tokens[i].kind !== 'word' || tokens[i + 1].kind !== 'word') continue;
      if (text.slice(tokens[i].start, tokens[i].end).toLowerCase() !== 'on') continue;
      const next = text.slice(tokens[i + 1].start, tokens[i + 1].end).toLowerCase();
      if (next === 'delete') onDelete = true;
      else if (next === 'update') onUpdate = true;
    }
    return { onDelete, onUpdate };
  }

  // ------------------------------------------------------------------------------------------
  // Postgres (libpg-query AST)
  // ------------------------------------------------------------------------------------------

  /** Returns whether an explicit transaction is open after the statement. */
  private pgStatement(ctx: Ctx, node: AstNode): boolean {
    const kind = nodeKind(node);
    const n = node[kind];
    switch (kind) {
      case 'TransactionStmt': {
        const k: string = n.kind ?? '';
        this.other(ctx);
        if (k === 'TRANS_STMT_BEGIN' || k === 'TRANS_STMT_START') {
          if (!ctx.inTx) this.txSeq++;
          return true;
        }
        if (k === 'TRANS_STMT_COMMIT' || k === 'TRANS_STMT_ROLLBACK' || k === 'TRANS_STMT_COMMIT_PREPARED' || k === 'TRANS_STMT_ROLLBACK_PREPARED' || k === 'TRANS_STMT_PREPARE') return false;
        return ctx.inTx;
      }
      case 'CreateStmt':
        this.pgCreateTable(ctx, n);
        break;
      case 'CreateTableAsStmt':
        if (n.objtype === 'OBJECT_TABLE' && n.into?.rel) this.pgCreateTableAs(ctx, n.into, n.query?.SelectStmt);
        else {
          // A materialized view is not in the model, but an index built on it in the migration that creates it locks
          // nobody out (index-not-concurrent: tableCreatedInSameMigration).
          if (n.objtype === 'OBJECT_MATVIEW' && n.into?.rel) {
            ctx.createdHere.add(this.pgName(n.into.rel));
            this.matviews.add(this.pgName(n.into.rel));
          }
          this.other(ctx);
        }
        break;
      case 'SelectStmt':
        // `SELECT … INTO new_table FROM …` creates a table as CREATE TABLE … AS does.
        if (n.intoClause?.rel) this.pgCreateTableAs(ctx, n.intoClause, n);
        else this.other(ctx);
        break;
      case 'AlterTableStmt':
        this.pgAlterTable(ctx, n);
        break;
      case 'IndexStmt':
        this.pgCreateIndex(ctx, n);
        break;
      case 'DropStmt':
        this.pgDrop(ctx, n);
        break;
      case 'RenameStmt':
        this.pgRename(ctx, n);
        break;
      case 'AlterObjectSchemaStmt':
        // `ALTER TABLE … SET SCHEMA s`: the table, its indexes and constraints move; foreign keys follow it.
        this.other(ctx);
        if (n.objectType === 'OBJECT_TABLE' && n.relation?.relname && n.newschema) {
          this.renameTable(ctx, this.pgName(n.relation), n.newschema === 'public' ? n.relation.relname : `${n.newschema}.${n.relation.relname}`);
        } else if (n.objectType === 'OBJECT_TYPE' && n.newschema) {
          // `ALTER TYPE t SET SCHEMA s`: the type moves, the columns of that type with it.
          const from = this.pgQualified(n.object?.List?.items);
          const bareName = from.slice(from.lastIndexOf('.') + 1);
          if (bareName) this.renameType(from, n.newschema === 'public' ? bareName : `${n.newschema}.${bareName}`);
        }
        break;
      case 'CommentStmt':
        this.pgComment(ctx, n);
        break;
      case 'DoStmt':
        this.pgDo(ctx, n);
        break;
      case 'CreateEnumStmt': {
        const name = this.pgQualified(n.typeName);
        this.enums.set(name, { name, values: (n.vals ?? []).map((v: AstNode) => v.String?.sval ?? ''), loc: ctx.stmtLoc });
        this.other(ctx);
        break;
      }
      case 'AlterEnumStmt': {
        const e = this.enums.get(this.pgQualified(n.typeName));
        const value: unknown = n.newVal;
        if (e && typeof value === 'string') {
          if (typeof n.oldVal === 'string') {
            // `RENAME VALUE 'a' TO 'b'`: in place (Postgres keeps its sort order).
            const at = e.values.indexOf(n.oldVal);
            if (at >= 0 && !e.values.includes(value)) e.values[at] = value;
          } else if (!e.values.includes(value)) {
            // `ADD VALUE [IF NOT EXISTS] 'x' [BEFORE | AFTER 'y']`: at the end unless placed by a neighbour.
            const neighbour = typeof n.newValNeighbor === 'string' ? e.values.indexOf(n.newValNeighbor) : -1;
            if (neighbour < 0) e.values.push(value);
            else e.values.splice(n.newValIsAfter ? neighbour + 1 : neighbour, 0, value);
          }
        }
        this.other(ctx);
        break;
      }
      default:
        this.other(ctx);
    }
    return ctx.inTx;
  }

  /**
   * `DO $$ BEGIN <schema statements> EXCEPTION … END $$`, `DO $$ BEGIN IF NOT EXISTS (…) THEN ALTER TABLE … END IF; END $$`:
   * replay the statements inside (see parseDoBlock) as PL/pgSQL runs them (see pgDoNodes).
   */
  private pgDo(ctx: Ctx, n: AstNode): void {
    this.other(ctx);
    let body: AstNode;
    for (const a of n.args ?? []) {
      const d = a.DefElem;
      if (d?.defname === 'language' && String(d.arg?.String?.sval ?? 'plpgsql').toLowerCase() !== 'plpgsql') return;
      if (d?.defname === 'as') body = d;
    }
    const sval: string | undefined = body?.arg?.String?.sval;
    if (sval === undefined) return;
    const text = ctx.src.text;
    const quote = this.at(ctx, body.location);
    if (text.charCodeAt(quote) !== 36) return; // only dollar-quoted bodies keep their offsets
    const tagEnd = text.indexOf('$', quote + 1);
    if (tagEnd < 0 || tagEnd > ctx.stmt.end) return;
    const start = tagEnd + 1;
    const end = start + sval.length;
    if (!text.startsWith(text.slice(quote, tagEnd + 1), end)) return;
    // The block runs as one statement: what it holds is one transaction with the rest of it.
    const block = ctx.stmtLoc;
    const tx = this.txKey(ctx) ?? `do:${ctx.stmt.start}`;
    const inner = (stmt: ParsedStatement): Ctx => ({ ...ctx, stmt, stmtLoc: ctx.src.loc(stmt.start, stmt.end), inTx: true, block, tx });
    this.pgDoNodes(
      nestDoBlock(parseDoBlock(ctx.src, ctx.stmt.start, ctx.stmt.end, start, end)),
      (stmt) => {
        if (stmt.ast) this.pgStatement(inner(stmt), stmt.ast);
      },
      // A statement Postgres rolls back or never runs is still a statement of the file, which changes nothing.
      (stmt) => this.other(inner(stmt)),
    );
  }

  /**
   * Replays the statements of a DO block in order, as PL/pgSQL runs them:
   * - the THEN branch of an IF whose condition tests that an object is absent (readAbsenceGuard) runs only when the
   *   model has no such object; an IF this does not read runs its branch (the guarded re-statement of a column or
   *   constraint the table has adds nothing: pgAlterTable);
   * - a block with an EXCEPTION handler runs as a subtransaction: when one of its statements raises an error the
   *   handler catches (it creates an object that exists at that point, firstDuplicate), Postgres rolls back every
   *   statement the block ran and skips the rest: none takes effect; otherwise all do. When the block holds a
   *   statement the check cannot follow (a drop, a rename), it runs statement by statement and stops at the first one
   *   that raises (`stopOn`, the handler's conditions).
   * Returns true when a statement raised what `stopOn` catches: the rest is skipped.
   */
  private pgDoNodes(nodes: readonly DoNode[], replay: (s: ParsedStatement) => void, skip: (s: ParsedStatement) => void, stopOn?: readonly string[]): boolean {
    for (let i = 0; i < nodes.length; i++) {
      const node = nodes[i];
      if ('statement' in node) {
        const raised = stopOn && node.statement.ast ? this.duplicateRaised(node.statement.ast, noPending()) : undefined;
        if (stopOn && raised !== undefined && raised !== 'unknown' && catchesError(stopOn, raised)) {
          doStatements(nodes.slice(i)).forEach(skip);
          return true;
        }
        replay(node.statement);
      } else if (node.scope.kind === 'then') {
        const guard = readAbsenceGuard(node.scope.condition);
        if (guard && this.guardedExists(guard, noPending())) doStatements(node.children).forEach(skip);
        else if (this.pgDoNodes(node.children, replay, skip, stopOn)) {
          doStatements(nodes.slice(i + 1)).forEach(skip);
          return true;
        }
      } else {
        const raised = this.firstDuplicate(node.children, noPending());
        if (raised !== undefined && raised !== 'unknown' && catchesError(node.scope.conditions, raised)) doStatements(node.children).forEach(skip);
        else if (stopOn && raised !== undefined && raised !== 'unknown' && catchesError(stopOn, raised)) {
          // The error passes this block's handler on to the one being replayed statement by statement: it stops there.
          doStatements(nodes.slice(i)).forEach(skip);
          return true;
        } else this.pgDoNodes(node.children, replay, skip, raised === 'unknown' ? node.scope.conditions : undefined);
      }
    }
    return false;
  }

  /**
   * The SQLSTATE of the first error that running these statements of a DO block on the model raises because an object
   * they create exists (at that point: `pending` holds what the statements before it created), undefined when none
   * does, 'unknown' when a statement the check cannot follow (a drop, a rename) comes first. A nested block whose
   * handler catches its error adds nothing; one whose handler does not passes the error on.
   */
  private firstDuplicate(nodes: readonly DoNode[], pending: Pending): string | undefined {
    for (const node of nodes) {
      if ('statement' in node) {
        const raised = node.statement.ast ? this.duplicateRaised(node.statement.ast, pending) : undefined;
        if (raised !== undefined) return raised;
      } else if (node.scope.kind === 'then') {
        const guard = readAbsenceGuard(node.scope.condition);
        if (guard && this.guardedExists(guard, pending)) continue;
        const raised = this.firstDuplicate(node.children, pending);
        if (raised !== undefined) return raised;
      } else {
        const inner = copyPending(pending);
        const raised = this.firstDuplicate(node.children, inner);
        if (raised === undefined) Object.assign(pending, inner);
        else if (raised === 'unknown' || !catchesError(node.scope.conditions, raised)) return raised;
      }
    }
    return undefined;
  }

  /**
   * The SQLSTATE a statement of a DO block raises because what it creates exists in the model or in `pending`
   * (duplicate_object: a type, a constraint of the table, an enum value; duplicate_table: a relation; duplicate_column),
   * undefined when it raises none (what it creates is added to `pending`), 'unknown' for a statement that drops or
   * renames (what exists after it is not followed).
   */
  private duplicateRaised(node: AstNode, pending: Pending): string | 'unknown' | undefined {
    const kind = nodeKind(node);
    const n = node[kind];
    switch (kind) {
      case 'CreateEnumStmt': {
        const name = this.pgQualified(n.typeName);
        if (this.typeExists(name, pending)) return DUPLICATE_OBJECT;
        pending.types.add(name);
        for (const v of n.vals ?? []) pending.values.add(`${name}\0${v?.String?.sval ?? ''}`);
        return undefined;
      }
      case 'CreateStmt': {
        // A temporary table lives in a schema of its own.
        if (n.relation?.relpersistence === 't') return undefined;
        const name = this.pgName(n.relation);
        if (this.relationExists(name, pending)) return n.if_not_exists ? undefined : DUPLICATE_TABLE;
        if (this.typeExists(name, pending)) return DUPLICATE_OBJECT;
        pending.relations.add(name);
        pending.types.add(name);
        for (const el of n.tableElts ?? []) {
          const cd = el?.ColumnDef;
          if (typeof cd?.colname === 'string') pending.columns.add(`${name}\0${cd.colname}`);
          for (const c of [el?.Constraint, ...(cd?.constraints ?? []).map((x: AstNode) => x?.Constraint)]) {
            if (typeof c?.conname === 'string') pending.constraints.add(`${name}\0${c.conname}`);
          }
        }
        return undefined;
      }
      case 'IndexStmt': {
        if (typeof n.idxname !== 'string') return undefined;
        const schema = schemaOf(this.pgName(n.relation));
        const name = schema ? `${schema}.${n.idxname}` : n.idxname;
        if (this.relationExists(name, pending)) return n.if_not_exists ? undefined : DUPLICATE_TABLE;
        pending.relations.add(name);
        return undefined;
      }
      case 'AlterTableStmt': {
        if (n.objtype !== undefined && n.objtype !== 'OBJECT_TABLE') return undefined;
        const name = this.pgName(n.relation);
        const table = this.tables.get(name);
        if (!table && !pending.relations.has(name)) return undefined;
        for (const wrapped of n.cmds ?? []) {
          const cmd = wrapped?.AlterTableCmd;
          if (cmd?.subtype === 'AT_DropColumn' || cmd?.subtype === 'AT_DropConstraint') return 'unknown';
          if (cmd?.subtype === 'AT_AddColumn') {
            const column = cmd.def?.ColumnDef?.colname;
            if (typeof column !== 'string') continue;
            const key = `${name}\0${column}`;
            if (table?.columns.some((c) => c.name === column) || pending.columns.has(key)) {
              if (cmd.missing_ok) continue;
              return DUPLICATE_COLUMN;
            }
            pending.columns.add(key);
          } else if (cmd?.subtype === 'AT_AddConstraint') {
            const c = cmd.def?.Constraint;
            if (typeof c?.conname !== 'string') continue;
            const key = `${name}\0${c.conname}`;
            if ((table && this.constraintNamed(table, c.conname)) || pending.constraints.has(key)) return DUPLICATE_OBJECT;
            // A key's index takes the constraint's name among the schema's relations.
            const keyIndex = (c.contype === 'CONSTR_PRIMARY' || c.contype === 'CONSTR_UNIQUE') && typeof c.indexname !== 'string';
            const schema = schemaOf(name);
            const index = schema ? `${schema}.${c.conname}` : c.conname;
            if (keyIndex && this.relationExists(index, pending)) return DUPLICATE_TABLE;
            pending.constraints.add(key);
            if (keyIndex) pending.relations.add(index);
          }
        }
        return undefined;
      }
      case 'AlterEnumStmt': {
        if (typeof n.oldVal === 'string') return 'unknown';
        const name = this.pgQualified(n.typeName);
        const value: unknown = n.newVal;
        if (typeof value !== 'string') return undefined;
        if (this.enums.get(name)?.values.includes(value) || pending.values.has(`${name}\0${value}`)) return n.skipIfNewValExists ? undefined : DUPLICATE_OBJECT;
        pending.values.add(`${name}\0${value}`);
        return undefined;
      }
      case 'CommentStmt':
        return undefined;
      default:
        return 'unknown';
    }
  }

  /** A type of that name (model form) exists: an enum or a table's row type. */
  private typeExists(name: string, pending: Pending): boolean {
    return this.enums.has(name) || this.tables.has(name) || pending.types.has(name);
  }

  /** A relation of that name (model form) exists: a table, an index (a key's too), a materialized view. */
  private relationExists(name: string, pending: Pending): boolean {
    const dot = name.lastIndexOf('.');
    return this.tables.has(name) || this.matviews.has(name) || pending.relations.has(name) || this.relationNamed(dot < 0 ? '' : name.slice(0, dot), name.slice(dot + 1));
  }

  /** The object an IF condition tests the absence of exists in the model (or in `pending`). */
  private guardedExists(guard: AbsenceGuard, pending: Pending): boolean {
    const named = (n: string, schema: string) => (schema === 'public' ? n : `${schema}.${n}`);
    const bare = (n: string) => n.slice(n.lastIndexOf('.') + 1);
    // The tables the guard names (`table` in `schema`, in any schema without one), or all.
    const tables = (): Table[] =>
      [...this.tables.values()].filter((t) => (guard.table === undefined || bare(t.name) === guard.table) && (guard.schema === undefined || schemaOf(t.name) === (guard.schema === 'public' ? '' : guard.schema)));
    // Keys of `pending` (`table\0name`) for those tables.
    const pendingOf = (set: Set<string>): boolean => {
      for (const key of set) {
        const [t, n] = key.split('\0');
        if (n === guard.name && (guard.table === undefined || bare(t) === guard.table) && (guard.schema === undefined || schemaOf(t) === (guard.schema === 'public' ? '' : guard.schema))) return true;
      }
      return false;
    };
    switch (guard.kind) {
      case 'column':
        return tables().some((t) => t.columns.some((c) => c.name === guard.name)) || pendingOf(pending.columns);
      case 'constraint':
        return tables().some((t) => this.constraintNamed(t, guard.name)) || pendingOf(pending.constraints);
      case 'relation':
        if (guard.table !== undefined) {
          // An index of that table (pg_indexes).
          return tables().some((t) => t.primaryKey?.name === guard.name || t.indexes.some((i) => i.name === guard.name)) || [...pending.relations].some((r) => bare(r) === guard.name);
        }
        if (guard.schema !== undefined) return this.relationExists(named(guard.name, guard.schema), pending);
        for (const t of this.tables.values()) if (bare(t.name) === guard.name || t.primaryKey?.name === guard.name || t.indexes.some((i) => i.name === guard.name)) return true;
        return [...this.matviews, ...pending.relations].some((r) => bare(r) === guard.name);
      case 'type': {
        if (guard.schema !== undefined) return this.typeExists(named(guard.name, guard.schema), pending);
        // `pg_type WHERE typname = 'x'`: a type of that name in any schema.
        for (const names of [this.enums.keys(), this.tables.keys(), pending.types.values()]) for (const n of names) if (bare(n) === guard.name) return true;
        return false;
      }
    }
  }

  /** The explicit transaction (or DO block) a statement runs in within its file, undefined outside any. */
  private txKey(ctx: Ctx): string | undefined {
    return ctx.tx ?? (ctx.inTx ? `tx:${this.txSeq}` : undefined);
  }

  private pgQualified(names: AstNode[] | undefined): string {
    const parts = (names ?? []).map((x: AstNode) => x.String?.sval ?? '');
    if (parts.length > 1 && (parts[0] === 'public' || parts[0] === 'pg_catalog')) parts.shift();
    return parts.join('.');
  }

  private pgName(rv: AstNode): string {
    if (!rv) return '';
    const schema: string | undefined = rv.schemaname;
    return schema && schema !== 'public' ? `${schema}.${rv.relname}` : rv.relname ?? '';
  }

  /** UTF-16 offset of an AST location (UTF-8 bytes, relative to the statement's parse). */
  private at(ctx: Ctx, location: number | undefined): number {
    if (location === undefined || location < 0) return ctx.stmt.start;
    return ctx.src.charAt(ctx.stmt.byteBase + location);
  }

  private strings(list: AstNode[] | undefined): string[] {
    return (list ?? []).map((x: AstNode) => x.String?.sval ?? '');
  }

  /** `INCLUDE (…)` of a unique or primary key constraint. */
  private pgIncluding(c: AstNode): { include?: string[] } {
    const include = this.strings(c.including).filter((x) => x !== '');
    return include.length ? { include } : {};
  }

  /** Column names of `CREATE INDEX … INCLUDE (…)`. */
  private pgIndexElemNames(list: AstNode[] | undefined): string[] {
    return (list ?? []).map((p: AstNode) => p.IndexElem?.name).filter((x: unknown): x is string => typeof x === 'string');
  }

  /**
   * `CREATE TABLE x AS SELECT …` / `SELECT … INTO x`: a table with the selected columns (a `*` brings every column of
   * the one table it selects from, with its type) and nothing else: no key, no index, no foreign key, no default. The
   * usual way to keep a copy (`payments_backup_2024`), which backup-table then finds.
   */
  /**
   * `CREATE TEMP TABLE …` (`… AS`, `SELECT … INTO TEMP`): a backfill's staging table, in the session's pg_temp schema and
   * gone when the runner's session ends, so not part of the schema. It is new, though: an index or foreign key added to
   * it in this migration locks nobody out.
   */
  private temporaryTable(ctx: Ctx, rel: AstNode | undefined): boolean {
    if (rel?.relpersistence !== 't') return false;
    ctx.createdHere.add(this.pgName(rel));
    this.other(ctx);
    return true;
  }

  private pgCreateTableAs(ctx: Ctx, into: AstNode, select: AstNode | undefined): void {
    if (this.temporaryTable(ctx, into.rel)) return;
    const name = this.pgName(into.rel);
    // On an existing table Postgres errors, or does nothing (IF NOT EXISTS): the model keeps the table it has.
    if (!name || this.tables.has(name)) {
      this.other(ctx);
      return;
    }
    const table = this.newTable(name, ctx, this.at(ctx, into.rel.location));
    this.other(ctx, 'createTable', { table: name });
    const from: AstNode[] = select?.fromClause ?? [];
    const sources = new Map<string, Table>();
    for (const f of from) {
      const rv = f.RangeVar;
      if (!rv) continue;
      const t = this.tables.get(this.pgName(rv));
      if (!t) continue;
      sources.set(rv.alias?.aliasname ?? rv.relname, t);
      sources.set(this.pgName(rv), t);
    }
    const only = from.length === 1 ? [...sources.values()][0] : undefined;
    const names: string[] = (into.colNames ?? []).map((c: AstNode) => c.String?.sval ?? '');
    const add = (column: Omit<Column, 'loc' | 'typeLoc'>, from?: Column) => {
      if (!column.name || table.columns.some((c) => c.name === column.name)) return;
      const added: Column = { ...column, nullable: true, loc: ctx.stmtLoc, typeLoc: ctx.stmtLoc };
      table.columns.push(added);
      if (from) this.sameType(from, added);
    };
    for (const item of select?.targetList ?? []) {
      const target = item.ResTarget;
      const fields: AstNode[] = target?.val?.ColumnRef?.fields ?? [];
      const last = fields[fields.length - 1];
      if (last?.A_Star !== undefined) {
        const owner = fields.length > 1 ? sources.get(fields[fields.length - 2].String?.sval ?? '') : only;
        for (const c of owner?.columns ?? []) add({ name: c.name, type: c.type, rawType: c.rawType, nullable: true }, c);
        continue;
      }
      const column: string | undefined = last?.String?.sval;
      const owner = fields.length > 1 ? sources.get(fields[fields.length - 2].String?.sval ?? '') : only;
      const source = column !== undefined ? owner?.columns.find((c) => c.name === column) : undefined;
      const named = target?.name ?? column;
      if (named) add({ name: named, type: source?.type ?? 'other', rawType: source?.rawType ?? '', nullable: true }, source);
    }
    names.forEach((n, i) => {
      if (n && table.columns[i]) {
        const renamed = { ...table.columns[i], name: n };
        this.sameType(table.columns[i], renamed);
        table.columns[i] = renamed;
      }
    });
  }

  private pgCreateTable(ctx: Ctx, n: AstNode): void {
    if (this.temporaryTable(ctx, n.relation)) return;
    const name = this.pgName(n.relation);
    if (this.tables.has(name)) {
      // CREATE TABLE IF NOT EXISTS on an existing table is a no-op (without it, Postgres errors).
      this.other(ctx, 'createTable', { table: name });
      return;
    }
    const table = this.newTable(name, ctx, this.at(ctx, n.relation?.location));
    this.other(ctx, 'createTable', { table: name });
    const text = ctx.src.text;
    const elts: AstNode[] = n.tableElts ?? [];
    // Postgres stores a new table's CHECK constraints with the table, before it names its foreign keys.
    for (const el of elts) {
      if (el.Constraint?.contype === 'CONSTR_CHECK' && typeof el.Constraint.conname === 'string') this.addCheckName(table, el.Constraint.conname);
      for (const c of el.ColumnDef?.constraints ?? []) if (c.Constraint?.contype === 'CONSTR_CHECK' && typeof c.Constraint.conname === 'string') this.addCheckName(table, c.Constraint.conname);
    }
    if (n.partspec) table.partitioned = true;
    // `CREATE TABLE p PARTITION OF parent …`: its columns, primary key, indexes and foreign keys are the parent's.
    if (n.partbound && n.inhRelations?.length) table.partitionOf = this.pgName(n.inhRelations[0].RangeVar);
    const elementAt = (el: AstNode): number | undefined => (el.ColumnDef ?? el.Constraint ?? el.TableLikeClause?.relation)?.location;
    let start = elts.length ? this.at(ctx, elementAt(elts[0])) : 0;
    for (let i = 0; i < elts.length; i++) {
      const el = elts[i];
      const next = i + 1 < elts.length ? elementAt(elts[i + 1]) : undefined;
      const nextStart = next !== undefined ? this.at(ctx, next) : -1;
      const end = nextStart > start ? this.elementEnd(text, start, nextStart, ctx.stmt.end) : this.clauseEnd(text, start, ctx.stmt.end);
      if (el.ColumnDef) this.pgColumn(ctx, table, el.ColumnDef, start, end, false);
      else if (el.Constraint) this.pgTableConstraint(ctx, table, el.Constraint, start, end, false);
      else if (el.TableLikeClause) this.pgLike(ctx, table, el.TableLikeClause, start, end);
      start = nextStart > start ? nextStart : start;
    }
  }

  /**
   * `LIKE source [INCLUDING …]`: the source's columns (names, types, NOT NULL) always; defaults and comments when
   * included; with INCLUDING INDEXES (or ALL) its primary key and indexes, under the names Postgres gives the copies.
   * Foreign keys are never copied. The copies' locations are the LIKE clause (no in-place edit of the source's text).
   */
  private pgLike(ctx: Ctx, table: Table, like: AstNode, start: number, end: number): void {
    const source = this.tables.get(this.pgName(like.relation));
    if (!source) return;
    const options = typeof like.options === 'number' ? like.options : 0;
    const loc = ctx.src.loc(start, end);
    for (const c of source.columns) {
      if (table.columns.some((x) => x.name === c.name)) continue;
      const column: Column = { name: c.name, type: c.type, rawType: c.rawType, nullable: c.nullable, loc };
      if (options & LIKE_DEFAULTS && c.default !== undefined) column.default = c.default;
      if (options & LIKE_COMMENTS && c.comment !== undefined) column.comment = c.comment;
      table.columns.push(column);
      this.sameType(c, column);
    }
    if (!(options & LIKE_INDEXES)) return;
    if (source.primaryKey) this.addIndex(table, this.indexCopy(ctx, table, source.primaryKey, 'pkey', loc));
    for (const i of source.indexes) this.addIndex(table, this.indexCopy(ctx, table, i, i.unique ? 'key' : 'idx', loc));
  }

  /**
   * An index of another table copied to `table` (LIKE … INCLUDING INDEXES, a detached partition): under the name
   * Postgres gives the copy (a unique index is an index there, `_idx`), with what it reads.
   */
  private indexCopy(ctx: Ctx, table: Table, i: Index, label: 'pkey' | 'key' | 'idx', loc: Loc): Index {
    const name = this.pgDefaultName(table.name, [...i.columns, ...(i.include ?? [])].map(indexNameColumn), this.uniqueIndexes.has(i) ? 'idx' : label);
    const c: Index = { ...i, columns: i.columns.slice(), name, loc, migration: ctx.ref };
    if (this.uniqueIndexes.has(i)) this.uniqueIndexes.add(c);
    delete c.concurrently;
    const reads = this.indexReads.get(i);
    if (reads) this.indexReads.set(c, reads.slice());
    return c;
  }

  /**
   * `DETACH PARTITION`: a partition made by `PARTITION OF` (whose facts are its parent's) becomes a table of its own
   * with what it had as a partition: the parent's columns, primary key, indexes (under the names Postgres gave the
   * partition's copies) and foreign keys. Their locations are the DETACH clause.
   */
  private detached(ctx: Ctx, parent: Table, child: Table, loc: Loc): void {
    if (child.columns.length > 0) return;
    for (const c of parent.columns) {
      const column: Column = { name: c.name, type: c.type, rawType: c.rawType, nullable: c.nullable, ...(c.default !== undefined ? { default: c.default } : {}), loc };
      child.columns.push(column);
      this.sameType(c, column);
    }
    if (parent.primaryKey && !child.primaryKey) this.addIndex(child, this.indexCopy(ctx, child, parent.primaryKey, 'pkey', loc));
    for (const i of parent.indexes) this.addIndex(child, this.indexCopy(ctx, child, i, i.unique ? 'key' : 'idx', loc));
    for (const f of parent.foreignKeys) child.foreignKeys.push({ ...f, columns: f.columns.slice(), references: { ...f.references, columns: f.references.columns.slice() }, loc, migration: ctx.ref });
    this.namesInUse = undefined;
  }

  /** `unscanned`: a column this ALTER TABLE adds, whose inline foreign key Postgres adds valid without a scan. */
  private pgColumn(ctx: Ctx, table: Table, cd: AstNode, start: number, end: number, altering: boolean, unscanned = false): void {
    const text = ctx.src.text;
    const tn = cd.typeName ?? {};
    const typeNames = this.strings(tn.names);
    const baseType = typeNames[typeNames.length - 1] ?? '';
    const constraints: AstNode[] = [];
    for (const c of cd.constraints ?? []) if (c.Constraint) constraints.push(c.Constraint);
    const typeStart = this.at(ctx, tn.location);
    const firstConstraint = constraints.length ? this.at(ctx, constraints[0].location) : end;
    const typeEnd = trimBack(text, typeStart, Math.min(end, firstConstraint > typeStart ? firstConstraint : end));
    const rawType = text.slice(typeStart, typeEnd);
    const serial = baseType.includes('serial');
    const column: Column = {
      name: cd.colname ?? '',
      type: columnTypeOf(baseType, Array.isArray(tn.arrayBounds) && tn.arrayBounds.length > 0, this.enums),
      rawType,
      nullable: !serial,
      loc: ctx.src.loc(start, end),
      typeLoc: ctx.src.loc(typeStart, typeEnd),
    };
    if (column.type === 'other' && this.enums.has(this.pgQualified(tn.names))) column.type = 'enum';
    table.columns.push(column);
    for (let i = 0; i < constraints.length; i++) {
      const c = constraints[i];
      const cStart = this.at(ctx, c.location);
      const next = i + 1 < constraints.length ? this.at(ctx, constraints[i + 1].location) : end;
      const cEnd = trimBack(text, cStart, next > cStart ? Math.min(next, end) : end);
      switch (c.contype) {
        case 'CONSTR_NOTNULL':
          column.nullable = false;
          break;
        case 'CONSTR_NULL':
          column.nullable = true;
          break;
        case 'CONSTR_IDENTITY':
          column.nullable = false;
          break;
        case 'CONSTR_DEFAULT': {
          // The location is the DEFAULT keyword; the expression follows it.
          const exprStart = skipTrivia(text, cStart + 7, cEnd, 'postgresql');
          if (exprStart < cEnd) column.default = text.slice(exprStart, cEnd);
          break;
        }
        case 'CONSTR_PRIMARY':
          column.nullable = false;
          this.addIndex(table, { name: c.conname ?? this.pgDefaultName(table.name, [column.name], 'pkey'), columns: [column.name], unique: true, kind: 'primary', loc: ctx.src.loc(cStart, cEnd), migration: ctx.ref });
          break;
        case 'CONSTR_UNIQUE':
          this.addIndex(table, { name: c.conname ?? this.pgDefaultName(table.name, [column.name], 'key'), columns: [column.name], unique: true, kind: 'unique', loc: ctx.src.loc(cStart, cEnd), migration: ctx.ref });
          break;
        case 'CONSTR_FOREIGN':
          this.pgForeignKey(ctx, table, c, [column.name], cStart, cEnd, altering, unscanned);
          break;
        case 'CONSTR_CHECK':
          this.pgCheck(table, c, column.name);
          break;
      }
    }
  }

  /**
   * A CHECK constraint: its name (see checkNames; unnamed on a column, or on one column of the table:
   * `<table>_<column>_check`), and the closed set of strings it holds a column to (Column.checkedValues).
   */
  private pgCheck(table: Table, c: AstNode, column: string | undefined): void {
    const allowed = checkedValuesOf(c.raw_expr as AstNode | undefined);
    // Postgres names an unnamed table CHECK after its column only when the expression reads that one column.
    const target = column ?? (allowed?.whole ? allowed.column : undefined);
    let name: string | undefined;
    if (typeof c.conname === 'string') name = c.conname;
    else if (target !== undefined) {
      const used = this.namesOf(schemaOf(table.name));
      name = chooseName(table.name.slice(table.name.lastIndexOf('.') + 1), target, 'check', (n) => used.has(n));
    }
    if (name !== undefined) this.addCheckName(table, name);
    const remember = (col: Column) => {
      if (name === undefined) return;
      let byName = this.checkColumns.get(table);
      if (!byName) this.checkColumns.set(table, (byName = new Map()));
      byName.set(name, col);
    };
    // Whatever it tests, a CHECK reading one column validates that column's values (Column.checked).
    const reads = new Set<string>();
    if (c.raw_expr) columnRefs(c.raw_expr as AstNode, reads);
    if (reads.size === 1) {
      const only = [...reads][0];
      const read = table.columns.find((x) => x.name === only);
      if (read && (column === undefined || column === only)) {
        read.checked = true;
        remember(read);
      }
    }
    if (!allowed || (column !== undefined && allowed.column !== column)) return;
    const col = table.columns.find((x) => x.name === allowed.column);
    if (!col) return;
    col.checkedValues = allowed.values;
    remember(col);
  }

  /**
   * `ADD CONSTRAINT … PRIMARY KEY | UNIQUE USING INDEX i` (what `supabase db diff` writes for every key): the unique
   * index i of the table becomes the constraint's index (renamed to the constraint's name), so it is no index of its
   * own any more; the key has its columns.
   */
  private pgUsingIndex(table: Table, c: AstNode): Index | undefined {
    if (typeof c.indexname !== 'string') return undefined;
    const found = this.findIndexIn(schemaOf(table.name), c.indexname);
    if (!found || found.table !== table) return undefined;
    table.indexes = table.indexes.filter((i) => i !== found.index);
    this.namesInUse = undefined;
    return found.index;
  }

  private pgTableConstraint(ctx: Ctx, table: Table, c: AstNode, start: number, end: number, altering: boolean): void {
    const loc = ctx.src.loc(start, end);
    const using = c.contype === 'CONSTR_PRIMARY' || c.contype === 'CONSTR_UNIQUE' ? this.pgUsingIndex(table, c) : undefined;
    const keys = using ? using.columns.slice() : this.strings(c.keys);
    const including = using ? (using.include?.length ? { include: using.include.slice() } : {}) : this.pgIncluding(c);
    switch (c.contype) {
      case 'CONSTR_PRIMARY':
        for (const k of keys) {
          const col = table.columns.find((x) => x.name === k);
          if (col) col.nullable = false;
        }
        this.addIndex(table, { name: c.conname ?? using?.name ?? this.pgDefaultName(table.name, keys, 'pkey'), columns: keys, unique: true, kind: 'primary', ...including, loc, migration: ctx.ref });
        break;
      case 'CONSTR_UNIQUE':
        this.addIndex(table, { name: c.conname ?? using?.name ?? this.pgDefaultName(table.name, [...keys, ...(including.include ?? [])], 'key'), columns: keys, unique: true, kind: 'unique', ...including, loc, migration: ctx.ref });
        break;
      case 'CONSTR_FOREIGN':
        this.pgForeignKey(ctx, table, c, this.strings(c.fk_attrs), start, end, altering);
        break;
      case 'CONSTR_CHECK':
        this.pgCheck(table, c, undefined);
        break;
    }
  }

  /**
   * `unscanned`: declared on a column the ALTER TABLE adds, with nothing to check (see addedColumnsUnscanned): the
   * foreign key is in the model, but the statement is no `addForeignKey` (no lock held through a scan, nothing for
   * NOT VALID to save).
   */
  private pgForeignKey(ctx: Ctx, table: Table, c: AstNode, columns: string[], start: number, end: number, altering: boolean, unscanned = false): void {
    const target = this.pgName(c.pktable);
    const refColumns = c.pk_attrs?.length ? this.strings(c.pk_attrs) : this.pkOf(target);
    // libpg-query reports NO ACTION both when written and when not: the tokens tell.
    const written = writtenActionsIn(ctx.src.text, start, end, this.flavor);
    const notValid = c.skip_validation === true;
    const fk: ForeignKey = {
      name: c.conname ?? this.pgDefaultName(table.name, columns, 'fkey'),
      columns,
      references: { table: target, columns: refColumns },
      defaultOnDelete: 'NoAction',
      loc: ctx.src.loc(start, end),
      migration: ctx.ref,
      enforced: true,
      ...(written.onDelete ? { onDelete: PG_ACTIONS[c.fk_del_action] ?? 'NoAction' } : {}),
      ...(written.onUpdate ? { onUpdate: PG_ACTIONS[c.fk_upd_action] ?? 'NoAction' } : {}),
      ...(notValid ? { notValid: true } : {}),
    };
    table.foreignKeys.push(fk);
    if (fk.name) this.noteName(table.name, fk.name);
    if (altering && !unscanned) {
      this.other(ctx, 'addForeignKey', {
        table: table.name,
        columns,
        notValid,
        tableCreatedInSameMigration: newOrEmpty(ctx, table.name),
      });
      this.fkAdded.set(fk, { statement: this.statements[this.statements.length - 1], tx: this.txKey(ctx) });
    }
  }

  private pgAlterTable(ctx: Ctx, n: AstNode): void {
    if (n.objtype && n.objtype !== 'OBJECT_TABLE') return this.other(ctx);
    const table = this.tables.get(this.pgName(n.relation));
    const text = ctx.src.text;
    let emitted = false;
    const before = this.statements.length;
    const unscanned = addedColumnsUnscanned(n.cmds ?? []);
    if (table) {
      for (const wrapped of n.cmds ?? []) {
        const cmd = wrapped.AlterTableCmd;
        if (!cmd) continue;
        switch (cmd.subtype) {
          case 'AT_AddColumn': {
            const cd = cmd.def?.ColumnDef;
            if (!cd) break;
            // ADD COLUMN IF NOT EXISTS of a column the table has does nothing; so does, in a DO block, the guarded
            // re-statement of one under a guard pgDoNodes does not read, whose inline REFERENCES would otherwise add
            // a second foreign key.
            if ((cmd.missing_ok || ctx.block) && table.columns.some((c) => c.name === cd.colname)) break;
            const start = this.at(ctx, cd.location);
            this.pgColumn(ctx, table, cd, start, this.clauseEnd(text, start, ctx.stmt.end), true, unscanned);
            // Outside a DO block (whose handler could swallow the error), the migration goes on only if the table is empty.
            if (!ctx.block && addedNotNullWithoutDefault(cd)) ctx.emptyHere.add(table.name);
            break;
          }
          case 'AT_AddConstraint': {
            const c = cmd.def?.Constraint;
            if (!c) break;
            // In a DO block, a constraint the table already has is the guarded re-statement of an earlier one under a
            // guard pgDoNodes does not read (a read one skips the whole branch or block): Postgres skips it (the
            // condition is false) or swallows the error, so nothing is added, scanned or locked.
            if (ctx.block && typeof c.conname === 'string' && this.constraintNamed(table, c.conname)) break;
            const start = this.at(ctx, c.location);
            this.pgTableConstraint(ctx, table, c, start, this.clauseEnd(text, start, ctx.stmt.end), true);
            break;
          }
          case 'AT_DropColumn':
            this.dropColumn(table, cmd.name);
            break;
          case 'AT_DropConstraint': {
            // CASCADE: the foreign keys that reference the dropped primary key or unique constraint go with it.
            const key = cmd.behavior === 'DROP_CASCADE' ? [table.primaryKey, ...table.indexes].find((i) => i !== undefined && i.name === cmd.name && (i.unique || i.kind === 'primary')) : undefined;
            this.dropConstraint(table, cmd.name);
            if (key) this.dropReferencing(table, key);
            break;
          }
          case 'AT_AttachPartition':
          case 'AT_DetachPartition': {
            const child = this.tables.get(this.pgName(cmd.def?.PartitionCmd?.name));
            if (!child) break;
            if (cmd.subtype === 'AT_AttachPartition') child.partitionOf = table.name;
            else {
              child.partitionOf = undefined;
              const start = this.at(ctx, wrapped.AlterTableCmd.def?.PartitionCmd?.name?.location);
              this.detached(ctx, table, child, ctx.src.loc(start, this.clauseEnd(text, start, ctx.stmt.end)));
            }
            break;
          }
          case 'AT_ValidateConstraint': {
            const fk = table.foreignKeys.find((f) => f.name === cmd.name);
            if (!fk?.notValid) break;
            this.other(ctx, 'other', { table: table.name });
            const validate = this.statements[this.statements.length - 1];
            // In the transaction that added it NOT VALID, the scan runs under the locks the ADD took: NOT VALID bought nothing.
            const added = this.fkAdded.get(fk);
            const tx = this.txKey(ctx);
            if (added?.statement.notValid && added.statement.migration.file === ctx.ref.file && (this.runnerTx || (tx !== undefined && tx === added.tx))) {
              added.statement.validatedBy = validate;
            }
            break;
          }
          case 'AT_AlterColumnType': {
            const col = table.columns.find((c) => c.name === cmd.name);
            const tn = cmd.def?.ColumnDef?.typeName;
            if (col && tn) {
              const names = this.strings(tn.names);
              col.type = columnTypeOf(names[names.length - 1] ?? '', Array.isArray(tn.arrayBounds) && tn.arrayBounds.length > 0, this.enums);
              if (col.type === 'other' && this.enums.has(this.pgQualified(tn.names))) col.type = 'enum';
              const typeStart = this.at(ctx, tn.location);
              const typeEnd = this.clauseTypeEnd(text, typeStart, ctx.stmt.end);
              col.rawType = text.slice(typeStart, typeEnd);
              col.typeLoc = ctx.src.loc(typeStart, typeEnd);
              this.renamedType.delete(col);
            }
            break;
          }
          case 'AT_SetNotNull':
          case 'AT_DropNotNull': {
            const col = table.columns.find((c) => c.name === cmd.name);
            if (col) col.nullable = cmd.subtype === 'AT_DropNotNull';
            break;
          }
          case 'AT_ColumnDefault': {
            const col = table.columns.find((c) => c.name === cmd.name);
            if (col) {
              if (!cmd.def) delete col.default;
              else {
                const s = this.at(ctx, firstLocation(cmd.def));
                col.default = text.slice(s, this.clauseEnd(text, s, ctx.stmt.end));
              }
            }
            break;
          }
        }
      }
    }
    if (!table) {
      // A table this history does not create (a fix script run against a live database): the
      // statement still matters to migration-safety rules, though no fact can be attached.
      const name = this.pgName(n.relation);
      for (const wrapped of n.cmds ?? []) {
        const cmd = wrapped.AlterTableCmd;
        const fks: AstNode[] = [];
        if (cmd?.subtype === 'AT_AddConstraint' && cmd.def?.Constraint?.contype === 'CONSTR_FOREIGN') fks.push(cmd.def.Constraint);
        if (cmd?.subtype === 'AT_AddColumn' && !unscanned) for (const c of cmd.def?.ColumnDef?.constraints ?? []) if (c.Constraint?.contype === 'CONSTR_FOREIGN') fks.push({ ...c.Constraint, fk_attrs: [{ String: { sval: cmd.def.ColumnDef.colname } }] });
        for (const c of fks) this.other(ctx, 'addForeignKey', { table: name, columns: this.strings(c.fk_attrs), notValid: c.skip_validation === true, tableCreatedInSameMigration: false });
      }
    }
    emitted = this.statements.length > before;
    if (!emitted) this.other(ctx, 'other', table ? { table: table.name } : {});
  }

  /** End of a type in `ALTER COLUMN c TYPE <type> [USING …]`. */
  private clauseTypeEnd(text: string, start: number, limit: number): number {
    const { tokens } = this.clause(text, start, limit);
    let end = start;
    for (const t of tokens) {
      if (t.kind === 'word') {
        const w = text.slice(t.start, t.end).toLowerCase();
        if (w === 'using' || w === 'collate') break;
      }
      end = t.end;
    }
    return end;
  }

  private pgCreateIndex(ctx: Ctx, n: AstNode): void {
    const tableName = this.pgName(n.relation);
    const table = this.tables.get(tableName);
    const params: AstNode[] = n.indexParams ?? [];
    const columns: string[] = params.map((p: AstNode) => {
      const e = p.IndexElem ?? {};
      return e.name ?? `(${JSON.stringify(e.expr, (k, v) => (k === 'location' ? undefined : v))})`;
    });
    const method = typeof n.accessMethod === 'string' ? n.accessMethod.toLowerCase() : undefined;
    const columnOptions = pgKeyOptions(params);
    const include = this.pgIndexElemNames(n.indexIncludingParams);
    const name: string = n.idxname ?? this.pgDefaultName(tableName, [...columns, ...include].map(indexNameColumn), 'idx');
    // The name of a relation of the schema (an index on any table or columns, a table): Postgres errors, or with IF NOT
    // EXISTS does nothing but a NOTICE. No new index either way.
    const taken = table !== undefined && this.relationNamed(schemaOf(tableName), name);
    if (taken && n.if_not_exists === true && n.concurrent !== true) {
      // Nothing is built, so no writer waits on a build (index-not-concurrent). CONCURRENTLY stays a createIndex:
      // Postgres refuses it inside a transaction block before it looks at the name.
      this.other(ctx);
      return;
    }
    this.other(ctx, 'createIndex', {
      table: tableName,
      columns,
      concurrently: n.concurrent === true,
      tableCreatedInSameMigration: newOrEmpty(ctx, tableName),
      ...(n.relation && n.relation.inh !== true ? { only: true } : {}),
      ...(!table && this.matviews.has(tableName) ? { materializedView: true } : {}),
    });
    if (!table || taken) return;
    const reads = new Set<string>();
    columnRefs(n.whereClause, reads);
    for (const p of params) columnRefs(p.IndexElem?.expr, reads);
    const index: Index = {
      name,
      columns,
      unique: n.unique === true,
      kind: n.primary ? 'primary' : n.unique ? 'unique' : 'index',
      ...(method && method !== 'btree' ? { method } : {}),
      ...(columnOptions ? { columnOptions } : {}),
      ...(include.length ? { include } : {}),
      ...(n.concurrent ? { concurrently: true } : {}),
      ...(n.whereClause ? { partial: true } : {}),
      loc: ctx.stmtLoc,
      migration: ctx.ref,
    };
    const notNull = n.whereClause ? notNullColumnsOf(n.whereClause as AstNode) : undefined;
    if (notNull) index.whereNotNull = notNull;
    // INCLUDE columns too: Postgres drops the index with any column it depends on.
    for (const c of include) reads.add(c);
    if (reads.size) this.indexReads.set(index, [...reads]);
    if (index.kind === 'unique') this.uniqueIndexes.add(index);
    this.addIndex(table, index);
  }

  private pgDrop(ctx: Ctx, n: AstNode): void {
    this.other(ctx);
    for (const o of n.objects ?? []) {
      // A type is named by a TypeName (`DROP TYPE public.status`), a table or index by a list of names.
      const items: AstNode[] = o.List?.items ?? o.TypeName?.names ?? (o.String ? [o] : []);
      const name = this.pgQualified(items);
      if (n.removeType === 'OBJECT_TABLE') this.dropTable(name);
      else if (n.removeType === 'OBJECT_MATVIEW') this.matviews.delete(name);
      else if (n.removeType === 'OBJECT_INDEX') this.dropIndexNamed(name, n.behavior === 'DROP_CASCADE');
      else if (n.removeType === 'OBJECT_TYPE') {
        if (!this.enums.delete(name)) continue;
        // CASCADE drops the columns of that type (and arrays of it), with their indexes and foreign keys.
        if (n.behavior === 'DROP_CASCADE') {
          for (const t of this.tables.values()) for (const c of [...t.columns]) if (this.typeNameOf(c) === name) this.dropColumn(t, c.name);
        }
      }
      else if (n.removeType === 'OBJECT_SCHEMA' && n.behavior === 'DROP_CASCADE') {
        // `DROP SCHEMA s CASCADE`: its tables and types go, and the foreign keys into them (without CASCADE Postgres
        // drops only an empty schema).
        const schema = name === 'public' ? '' : name;
        for (const t of [...this.tables.values()]) if (schemaOf(t.name) === schema) this.dropTable(t.name);
        for (const e of [...this.enums.keys()]) if (schemaOf(e) === schema) this.enums.delete(e);
      }
    }
  }

  private pgRename(ctx: Ctx, n: AstNode): void {
    this.other(ctx);
    this.namesInUse = undefined;
    const name = this.pgName(n.relation);
    switch (n.renameType) {
      case 'OBJECT_TYPE': {
        // `ALTER TYPE s.t RENAME TO u`: s.u, in the same schema; the columns of that type follow.
        const from = this.pgQualified(n.object?.List?.items);
        const schema = schemaOf(from);
        if (from && n.newname) this.renameType(from, schema ? `${schema}.${n.newname}` : n.newname);
        break;
      }
      case 'OBJECT_TABLE':
        if (n.newname) this.renameTable(ctx, name, n.relation?.schemaname && n.relation.schemaname !== 'public' ? `${n.relation.schemaname}.${n.newname}` : n.newname);
        break;
      case 'OBJECT_COLUMN': {
        const t = this.tables.get(name);
        if (t && n.subname && n.newname) this.renameColumn(t, n.subname, n.newname);
        break;
      }
      case 'OBJECT_INDEX': {
        // `ALTER INDEX billing.x RENAME TO y` renames billing's x (unqualified: public's), as DROP INDEX finds it. The
        // index of a primary key or unique constraint is the constraint's: renaming it renames the constraint.
        const schema = n.relation?.schemaname && n.relation.schemaname !== 'public' ? n.relation.schemaname : '';
        const relname: string = n.relation?.relname ?? '';
        const found = this.flavor === 'postgresql' ? this.findIndexIn(schema, relname) : this.findIndex(relname);
        const pkOwner = found ? undefined : [...this.tables.values()].find((t) => schemaOf(t.name) === schema && t.primaryKey?.name === relname);
        if (n.newname && (found || pkOwner)) {
          if (found) found.index.name = n.newname;
          else pkOwner!.primaryKey!.name = n.newname;
          this.indexOwner.set(n.newname, (found?.table ?? pkOwner)!);
        }
        break;
      }
      case 'OBJECT_TABCONSTRAINT': {
        const t = this.tables.get(name);
        if (!t || !n.subname || !n.newname) break;
        for (const f of t.foreignKeys) if (f.name === n.subname) f.name = n.newname;
        const checks = this.checkNames.get(t);
        if (checks?.delete(n.subname)) checks.add(n.newname);
        for (const i of t.indexes) if (i.name === n.subname) {
          i.name = n.newname;
          this.indexOwner.set(n.newname, t);
        }
        if (t.primaryKey && t.primaryKey.name === n.subname) t.primaryKey.name = n.newname;
        break;
      }
    }
  }

  /** A column's type, named as the replay names types (see renamedType). */
  private typeNameOf(c: Column): string {
    return this.renamedType.get(c) ?? writtenTypeName(c.rawType);
  }

  /** A copy of a column (LIKE, CREATE TABLE AS, DETACH) has the type its source has now, renamed or not. */
  private sameType(from: Column, to: Column): void {
    const renamed = this.renamedType.get(from);
    if (renamed !== undefined) this.renamedType.set(to, renamed);
  }

  /** A type renamed or moved to another schema: the enum (when it is one) and the columns of that type (arrays too) follow. */
  private renameType(from: string, to: string): void {
    if (from === to) return;
    const e = this.enums.get(from);
    if (e) {
      this.enums.delete(from);
      e.name = to;
      this.enums.set(to, e);
    }
    for (const t of this.tables.values()) for (const c of t.columns) if (this.typeNameOf(c) === from) this.renamedType.set(c, to);
  }

  private pgComment(ctx: Ctx, n: AstNode): void {
    this.other(ctx);
    const items = this.strings(n.object?.List?.items);
    if (n.objtype === 'OBJECT_COLUMN' && items.length >= 2) {
      const column = items[items.length - 1];
      const table = this.tables.get(this.pgQualified(items.slice(0, -1).map((s) => ({ String: { sval: s } }))));
      const col = table?.columns.find((c) => c.name === column);
      if (col) {
        if (n.comment) col.comment = n.comment;
        else delete col.comment;
      }
    } else if (n.objtype === 'OBJECT_TABLE') {
      const table = this.tables.get(this.pgQualified((n.object?.List?.items ?? []) as AstNode[]));
      if (table) table.comment = n.comment ?? undefined;
    }
  }

  // ------------------------------------------------------------------------------------------
  // MySQL / SQLite (node-sql-parser AST; locations are UTF-16 offsets into the statement)
  // ------------------------------------------------------------------------------------------

  private otherStatement(ctx: Ctx, ast: AstNode): boolean {
    const type = String(ast?.type ?? '').toLowerCase();
    const keyword = String(ast?.keyword ?? '').toLowerCase();
    if (type === 'transaction' || type === 'begin' || type === 'commit' || type === 'rollback') {
      this.other(ctx);
      const expr = String(ast?.expr?.type ?? ast?.expr?.keyword ?? type).toLowerCase();
      if (expr.includes('begin') || expr.includes('start')) return true;
      if (expr.includes('commit') || expr.includes('rollback')) return false;
      return ctx.inTx;
    }
    if (type === 'create' && keyword === 'table') this.nspCreateTable(ctx, ast);
    else if (type === 'create' && keyword === 'index') this.nspCreateIndex(ctx, ast);
    else if (type === 'alter') this.nspAlter(ctx, ast);
    else if (type === 'drop') {
      this.other(ctx);
      const names: AstNode[] = Array.isArray(ast.name) ? ast.name : [];
      if (keyword === 'table') for (const t of names) this.dropTable(t?.table ?? '');
      else if (keyword === 'index') {
        // MySQL: `DROP INDEX i ON t` (name: a column_ref) drops t's index i: index names belong to a table there.
        const name: string = typeof ast.name === 'string' ? ast.name : ast.name?.column ?? ast.name?.name ?? names[0]?.table ?? '';
        const on = ast.table?.table !== undefined ? this.tables.get(this.nspTableName(ast.table)) : undefined;
        if (on) on.indexes = on.indexes.filter((i) => i.name !== name);
        else this.dropIndexNamed(name);
        this.namesInUse = undefined;
      }
    } else if (type === 'rename') {
      this.other(ctx);
      for (const r of ast.table ?? []) if (Array.isArray(r) && r.length === 2) this.renameTable(ctx, r[0]?.table, r[1]?.table);
    } else this.other(ctx);
    return ctx.inTx;
  }

  private nspLoc(ctx: Ctx, node: AstNode): { start: number; end: number } | undefined {
    const l = node?.loc ?? node?.column?.loc;
    if (!l || typeof l.start?.offset !== 'number') return undefined;
    return { start: ctx.stmt.start + l.start.offset, end: ctx.stmt.start + l.end.offset };
  }

  /**
   * One key of a MySQL/SQLite index: a column (`title`, `title(10)` as a prefix of 10 characters, `title DESC`), or an
   * expression, named by its tree (two different expressions must not look like the same key).
   */
  private nspIndexKey(c: AstNode): { column: string; options?: IndexColumnOptions } {
    const options: IndexColumnOptions = {};
    if (String(c?.order_by ?? '').toLowerCase() === 'desc') options.desc = true;
    let column: string;
    const prefix = typeof c?.suffix === 'string' ? /^\(\s*(\d+)\s*\)$/.exec(c.suffix) : null;
    const args = c?.type === 'function' ? c.args?.value : undefined;
    if (c?.type === 'column_ref' || c?.type === 'double_quote_string' || c?.type === 'backticks_quote_string' || typeof c?.column === 'string' || typeof c?.value === 'string') {
      column = this.nspColumnName(c);
      if (prefix) options.length = Number(prefix[1]);
    } else if (Array.isArray(args) && args.length === 1 && args[0]?.type === 'number' && c.name?.name?.length === 1) {
      // MySQL parses the prefix `title(10)` as a call of `title`.
      column = String(c.name.name[0].value);
      options.length = Number(args[0].value);
    } else {
      column = `(${JSON.stringify(c, (k, v) => (k === 'loc' || k === 'order_by' ? undefined : v))})`;
    }
    return options.desc || options.length !== undefined ? { column, options } : { column };
  }

  private nspColumnName(c: AstNode): string {
    if (typeof c === 'string') return c;
    if (!c) return '';
    if (typeof c.column === 'string') return c.column;
    if (c.column?.expr?.value !== undefined) return String(c.column.expr.value);
    if (typeof c.value === 'string') return c.value;
    if (c.expr?.value !== undefined) return String(c.expr.value);
    if (c.column) return this.nspColumnName(c.column);
    return '';
  }

  private nspTableName(t: AstNode): string {
    if (!t) return '';
    const name = typeof t === 'string' ? t : t.table ?? '';
    return name;
  }

  private nspCreateTable(ctx: Ctx, ast: AstNode): void {
    const name = this.nspTableName(ast.table?.[0]);
    if (this.tables.has(name)) return this.other(ctx, 'createTable', { table: name });
    const table = this.newTable(name, ctx, this.nameStartAfter(ctx, name));
    this.other(ctx, 'createTable', { table: name });
    for (const def of ast.create_definitions ?? []) this.nspDefinition(ctx, table, def, false);
  }

  /** Where the table name is written in a CREATE TABLE (the first name token after TABLE). */
  private nameStartAfter(ctx: Ctx, name: string): number {
    const text = ctx.src.text;
    const toks = tokenize(text, this.flavor, ctx.stmt.start, Math.min(ctx.stmt.end, ctx.stmt.start + 400));
    for (const t of toks) {
      if (t.kind === 'quoted' || t.kind === 'word') {
        const raw = text.slice(t.start, t.end);
        const bare = t.kind === 'quoted' ? raw.slice(1, -1) : raw;
        if (bare === name) return t.start;
      }
    }
    return skipTrivia(text, ctx.stmt.start, ctx.stmt.end, this.flavor);
  }

  private nspDefinition(ctx: Ctx, table: Table, def: AstNode, altering: boolean): void {
    const resource = def?.resource;
    if (resource === 'column') {
      const name = this.nspColumnName(def.column);
      const nameSpan = this.nspLoc(ctx, def.column) ?? this.nspColumnToken(ctx, name);
      const def_ = nameSpan ? this.nspColumnDefinition(ctx, nameSpan) : undefined;
      const span = nameSpan;
      const loc = def_ ? ctx.src.loc(nameSpan!.start, def_.end) : ctx.stmtLoc;
      const dataType = String(def.definition?.dataType ?? '');
      const rawType = dataType + (def.definition?.length !== undefined ? `(${def.definition.length}${def.definition.scale !== undefined ? `,${def.definition.scale}` : ''})` : '');
      const column: Column = {
        name,
        type: columnTypeOf(dataType, false, this.enums),
        rawType,
        nullable: def.nullable?.type !== 'not null' && !def.primary_key,
        loc,
        ...(def_ ? { typeLoc: ctx.src.loc(def_.typeStart, def_.typeEnd) } : {}),
      };
      if (def_) column.rawType = ctx.src.text.slice(def_.typeStart, def_.typeEnd);
      const dv = def.default_val?.value;
      if (dv !== undefined) column.default = dv?.value !== undefined && dv?.value !== null ? String(dv.value) : dv?.type === 'null' ? 'NULL' : JSON.stringify(dv);
      if (def.comment?.value?.value) column.comment = String(def.comment.value.value);
      table.columns.push(column);
      if (def.primary_key) this.addIndex(table, { columns: [name], unique: true, kind: 'primary', loc, migration: ctx.ref });
      if (def.unique || def.unique_or_primary === 'unique') this.addIndex(table, { columns: [name], unique: true, kind: 'unique', loc, migration: ctx.ref });
      if (def.reference_definition) this.nspForeignKey(ctx, table, undefined, [name], def.reference_definition, this.nspInlineReference(ctx, name) ?? span, altering);
      return;
    }
    if (resource === 'constraint' || resource === 'index') {
      const ctype = String(def.constraint_type ?? '').toLowerCase();
      const cols = (def.definition ?? []).map((c: AstNode) => this.nspColumnName(c));
      // `KEY k (title(10) DESC) USING HASH`, `FULLTEXT KEY f (body)`: what the key holds and how it is searched.
      const keyed = resource === 'index' || ctype.startsWith('unique') || ctype.startsWith('primary');
      const columnOptions = keyed ? keyOptionsOf((def.definition ?? []).map((c: AstNode) => this.nspIndexKey(c))) : undefined;
      const keyword = String(def.keyword ?? '').toLowerCase();
      const method = keyword.startsWith('fulltext') ? 'fulltext' : keyword.startsWith('spatial') ? 'spatial' : nspUsing(def.index_using, def.index_options);
      const shape = { ...(method ? { method } : {}), ...(columnOptions ? { columnOptions } : {}) };
      const first = this.nspLoc(ctx, def.definition?.[0]);
      const lastCol = this.nspLoc(ctx, def.definition?.[def.definition.length - 1]);
      const span = first && lastCol ? { start: first.start, end: lastCol.end } : undefined;
      const loc = span ? ctx.src.loc(span.start, span.end) : ctx.stmtLoc;
      const name: string | undefined = def.constraint ?? def.index ?? undefined;
      if (ctype.startsWith('primary')) {
        for (const c of cols) {
          const col = table.columns.find((x) => x.name === c);
          if (col) col.nullable = false;
        }
        this.addIndex(table, { ...(name ? { name } : {}), columns: cols, unique: true, kind: 'primary', ...shape, loc, migration: ctx.ref });
      } else if (ctype.startsWith('unique')) {
        this.addIndex(table, { ...(name ? { name } : {}), columns: cols, unique: true, kind: 'unique', ...shape, loc, migration: ctx.ref });
      } else if (ctype.startsWith('foreign')) {
        this.nspForeignKey(ctx, table, def.constraint ?? def.index ?? undefined, cols, def.reference_definition, this.nspForeignKeyClause(ctx, cols) ?? span, altering);
      } else if (resource === 'index') {
        this.addIndex(table, { ...(name ? { name } : {}), columns: cols, unique: false, kind: 'index', ...shape, loc, migration: ctx.ref });
      }
    }
  }

  private word(text: string, t: Token | undefined): string {
    if (!t) return '';
    const raw = text.slice(t.start, t.end);
    return t.kind === 'quoted' ? raw.slice(1, -1) : t.kind === 'word' ? raw.toLowerCase() : raw;
  }

  /** `[CONSTRAINT n] FOREIGN KEY (<cols>) REFERENCES …` in the statement, found by its tokens. */
  private nspForeignKeyClause(ctx: Ctx, cols: string[]): { start: number; end: number } | undefined {
    const text = ctx.src.text;
    const toks = this.statementTokens(ctx);
    for (let i = 0; i + 3 < toks.length; i++) {
      if (this.word(text, toks[i]) !== 'foreign' || this.word(text, toks[i + 1]) !== 'key') continue;
      if (text[toks[i + 2].start] !== '(' || this.word(text, toks[i + 3]).toLowerCase() !== (cols[0] ?? '').toLowerCase()) continue;
      let start = toks[i].start;
      if (i >= 2 && this.word(text, toks[i - 2]) === 'constraint') start = toks[i - 2].start;
      return { start, end: this.clause(text, start, ctx.stmt.end).end };
    }
    return undefined;
  }

  /** The column's name token in a CREATE TABLE / ALTER TABLE (at depth 1 after `(` or `,`, or after ADD [COLUMN]). */
  private nspColumnToken(ctx: Ctx, column: string): { start: number; end: number } | undefined {
    const toks = this.statementTokens(ctx);
    const i = this.nspColumnNameAt(ctx.src.text, toks, column, true);
    return i >= 0 ? { start: toks[i].start, end: toks[i].end } : undefined;
  }

  /** The statement's tokens without comments, once per statement: a column's name, type and REFERENCES clause are each looked up in them. */
  private statementTokens(ctx: Ctx): Token[] {
    if (this.tokensFor?.stmt !== ctx.stmt) this.tokensFor = { stmt: ctx.stmt, toks: tokenize(ctx.src.text, this.flavor, ctx.stmt.start, ctx.stmt.end).filter((t) => t.kind !== 'comment') };
    return this.tokensFor.toks;
  }

  /**
   * Index of the token naming `column` as an element of the statement's column list (depth 1, after `(` or
   * `,`) or, with `afterAdd`, after ADD [COLUMN] at depth 0; -1 when there is none.
   */
  private nspColumnNameAt(text: string, toks: Token[], column: string, afterAdd: boolean): number {
    const wanted = column.toLowerCase();
    let depth = 0;
    for (let i = 0; i < toks.length; i++) {
      const c = text[toks[i].start];
      if (toks[i].kind === 'punct' && c === '(') depth++;
      else if (toks[i].kind === 'punct' && c === ')') depth--;
      if (toks[i].kind !== 'word' && toks[i].kind !== 'quoted') continue;
      const prev = i > 0 ? this.word(text, toks[i - 1]) : '';
      const atElement = (depth === 1 && (prev === '(' || prev === ',')) || (afterAdd && depth === 0 && (prev === 'add' || prev === 'column'));
      if (atElement && this.word(text, toks[i]).toLowerCase() === wanted) return i;
    }
    return -1;
  }

  /** From a column's name: its type (`varchar(255)`, `double`, `int unsigned`) and the definition's end. */
  private nspColumnDefinition(ctx: Ctx, name: { start: number; end: number }): { typeStart: number; typeEnd: number; end: number } | undefined {
    const text = ctx.src.text;
    const { end, tokens } = this.clause(text, name.start, ctx.stmt.end);
    const rest = tokens.filter((t) => t.kind !== 'comment' && t.start >= name.end);
    if (!rest.length || rest[0].kind !== 'word') return undefined;
    let typeEnd = rest[0].end;
    let i = 1;
    while (i < rest.length) {
      const w = this.word(text, rest[i]);
      if (w === '(') {
        let depth = 0;
        for (; i < rest.length; i++) {
          const c = text[rest[i].start];
          if (rest[i].kind === 'punct' && c === '(') depth++;
          else if (rest[i].kind === 'punct' && c === ')' && --depth === 0) break;
        }
        typeEnd = rest[Math.min(i, rest.length - 1)].end;
        i++;
      } else if (w === 'unsigned' || w === 'precision' || w === 'varying' || w === 'zerofill') {
        typeEnd = rest[i].end;
        i++;
      } else break;
    }
    return { typeStart: rest[0].start, typeEnd, end };
  }

  /** `<col> <type> … REFERENCES t (c) …` inside a column definition: the REFERENCES clause. */
  private nspInlineReference(ctx: Ctx, column: string): { start: number; end: number } | undefined {
    const text = ctx.src.text;
    const toks = this.statementTokens(ctx);
    const i = this.nspColumnNameAt(text, toks, column, false);
    if (i < 0) return undefined;
    const { end, tokens } = this.clause(text, toks[i].start, ctx.stmt.end);
    const ref = tokens.find((t) => this.word(text, t) === 'references');
    return ref ? { start: ref.start, end } : { start: toks[i].start, end };
  }

  private nspForeignKey(ctx: Ctx, table: Table, name: string | undefined, columns: string[], ref: AstNode, span: { start: number; end: number } | undefined, altering: boolean): void {
    if (!ref) return;
    // InnoDB names an unnamed foreign key `<table>_ibfk_<n>`, n one more than the highest of the table's.
    if (name === undefined && this.flavor === 'mysql') name = `${table.name}_ibfk_${1 + Math.max(0, ...table.foreignKeys.map((f) => ibfkNumber(table.name, f.name)))}`;
    const target = this.nspTableName(ref.table?.[0]);
    const refCols = (ref.definition ?? []).map((c: AstNode) => this.nspColumnName(c));
    let end = span?.end;
    const lastRef = this.nspLoc(ctx, ref.definition?.[ref.definition.length - 1]);
    if (lastRef && span) end = Math.max(span.end, lastRef.end);
    const actions: AstNode[] = ref.on_action ?? [];
    const del = actions.find((a) => String(a.type).toLowerCase() === 'on delete');
    const upd = actions.find((a) => String(a.type).toLowerCase() === 'on update');
    const fk: ForeignKey = {
      ...(name ? { name } : {}),
      columns,
      references: { table: target, columns: refCols.length ? refCols : this.pkOf(target) },
      defaultOnDelete: 'NoAction',
      loc: span && end !== undefined ? ctx.src.loc(span.start, end) : ctx.stmtLoc,
      migration: ctx.ref,
      enforced: true,
    };
    const d = normAction(del?.value?.value);
    const u = normAction(upd?.value?.value);
    if (d) fk.onDelete = d;
    if (u) fk.onUpdate = u;
    table.foreignKeys.push(fk);
    if (altering) this.other(ctx, 'addForeignKey', { table: table.name, columns, tableCreatedInSameMigration: newOrEmpty(ctx, table.name) });
  }

  private nspCreateIndex(ctx: Ctx, ast: AstNode): void {
    const tableName = this.nspTableName(ast.table);
    const keys = (ast.index_columns ?? []).map((c: AstNode) => this.nspIndexKey(c));
    const columns: string[] = keys.map((k: { column: string }) => k.column);
    const name: string | undefined = typeof ast.index === 'string' ? ast.index : ast.index?.name;
    this.other(ctx, 'createIndex', { table: tableName, columns, tableCreatedInSameMigration: newOrEmpty(ctx, tableName) });
    const table = this.tables.get(tableName);
    if (!table) return;
    // MySQL names an index within its table; SQLite within the database.
    if (name && (this.flavor === 'mysql' ? table.indexes.some((i) => i.name === name) || table.primaryKey?.name === name : this.findIndex(name))) return;
    const indexType = String(ast.index_type ?? '').toLowerCase();
    const unique = indexType === 'unique';
    const method = indexType === 'fulltext' || indexType === 'spatial' ? indexType : nspUsing(ast.index_using, ast.index_options);
    const columnOptions = keyOptionsOf(keys);
    this.addIndex(table, {
      ...(name ? { name } : {}),
      columns,
      unique,
      kind: unique ? 'unique' : 'index',
      ...(method ? { method } : {}),
      ...(columnOptions ? { columnOptions } : {}),
      ...(ast.where ? { partial: true } : {}),
      loc: ctx.stmtLoc,
      migration: ctx.ref,
    });
  }

  private nspAlter(ctx: Ctx, ast: AstNode): void {
    const table = this.tables.get(this.nspTableName(ast.table?.[0]));
    const before = this.statements.length;
    if (table) {
      for (const e of ast.expr ?? []) {
        const action = String(e.action ?? '').toLowerCase();
        const resource = e.resource;
        if (action === 'add' && resource === 'column') this.nspDefinition(ctx, table, { ...e, resource: 'column' }, true);
        else if (action === 'add' && (resource === 'constraint' || resource === 'index')) this.nspDefinition(ctx, table, e.create_definitions ?? e, true);
        else if (action === 'drop' && resource === 'column') this.dropColumn(table, this.nspColumnName(e.column));
        else if (action === 'drop' && (resource === 'constraint' || resource === 'index' || resource === 'foreign key' || resource === 'key')) {
          // `DROP FOREIGN KEY x` / `DROP KEY x`: node-sql-parser gives the name as `key`.
          const name = typeof e.constraint === 'string' ? e.constraint : typeof e.index === 'string' ? e.index : typeof e.key === 'string' ? e.key : this.nspColumnName(e.column ?? e.constraint ?? e.index ?? e.key);
          this.dropConstraint(table, name);
        } else if (action === 'rename' && resource === 'table') {
          const to = typeof e.table === 'string' ? e.table : e.table?.table;
          if (to) this.renameTable(ctx, table.name, to);
        } else if (action === 'rename' && resource === 'column') {
          this.renameColumn(table, this.nspColumnName(e.old_column ?? e.column), this.nspColumnName(e.column));
        } else if (action === 'rename' && resource === 'index' && typeof e.old_index === 'string' && typeof e.index === 'string') {
          // MySQL `RENAME INDEX a TO b` (parse.ts mysqlRenameIndex): index names belong to their table.
          const index = table.indexes.find((i) => i.name === e.old_index);
          if (index) {
            index.name = e.index;
            this.namesInUse = undefined;
          }
        } else if ((action === 'modify' || action === 'change') && resource === 'column') {
          const col = table.columns.find((c) => c.name === this.nspColumnName(e.old_column ?? e.column));
          if (col) {
            const dataType = String(e.definition?.dataType ?? col.rawType);
            col.type = columnTypeOf(dataType, false, this.enums);
            col.rawType = dataType;
            col.nullable = e.nullable?.type !== 'not null';
            if (action === 'change' && e.column) col.name = this.nspColumnName(e.column);
          }
        }
      }
    }
    if (this.statements.length === before) this.other(ctx, 'other', table ? { table: table.name } : {});
  }
}

/** TableLikeClause options (Postgres' TableLikeOption bits; INCLUDING ALL sets them all). */
const LIKE_COMMENTS = 1 << 0;
const LIKE_DEFAULTS = 1 << 3;
const LIKE_INDEXES = 1 << 6;

/** Whether a statement is an explicit BEGIN / START TRANSACTION. */
function beginsWithTransaction(stmt: ParsedStatement | undefined): boolean {
  if (!stmt || (stmt.kind !== undefined && stmt.kind !== 'TransactionStmt')) return false;
  const ast = stmt.ast;
  const k = ast?.TransactionStmt?.kind;
  if (k === 'TRANS_STMT_BEGIN' || k === 'TRANS_STMT_START') return true;
  return String(ast?.type ?? '').toLowerCase() === 'transaction' && /begin|start/i.test(String(ast?.expr?.type ?? ast?.expr?.keyword ?? ''));
}

/** n of an InnoDB generated foreign key name `<table>_ibfk_<n>`, 0 for other names. */
function ibfkNumber(table: string, name: string | undefined): number {
  const prefix = `${table}_ibfk_`;
  if (!name || !name.startsWith(prefix)) return 0;
  const n = Number(name.slice(prefix.length));
  return Number.isInteger(n) && n > 0 ? n : 0;
}

/**
 * The name an index key takes in the index's default name (ChooseIndexColumnNames): the column, or for an expression
 * (kept as `(<tree JSON>)`) what FigureColname gives it (a function's name, a cast column's name, `case`, …), else `expr`.
 */
function indexNameColumn(key: string): string {
  if (!key.startsWith('(')) return key;
  try {
    return figureColname(JSON.parse(key.slice(1, -1))) ?? 'expr';
  } catch {
    return 'expr';
  }
}

/** Postgres' FigureColnameInternal for the expressions an index key holds; undefined where it names nothing. */
function figureColname(node: AstNode): string | undefined {
  if (!node || typeof node !== 'object') return undefined;
  const last = (list: AstNode[] | undefined): string | undefined => {
    const v = list?.[list.length - 1]?.String?.sval;
    return typeof v === 'string' ? v : undefined;
  };
  if (node.ColumnRef) return last(node.ColumnRef.fields);
  if (node.FuncCall) return last(node.FuncCall.funcname);
  if (node.TypeCast) return figureColname(node.TypeCast.arg) ?? last(node.TypeCast.typeName?.names);
  if (node.CollateClause) return figureColname(node.CollateClause.arg);
  if (node.CaseExpr) return 'case';
  if (node.CoalesceExpr) return 'coalesce';
  if (node.MinMaxExpr) return node.MinMaxExpr.op === 'IS_LEAST' ? 'least' : 'greatest';
  if (node.A_ArrayExpr) return 'array';
  if (node.RowExpr) return 'row';
  if (node.A_Expr?.kind === 'AEXPR_NULLIF') return 'nullif';
  return undefined;
}

/** The column names a Postgres expression's ColumnRefs name (`deleted_at`, `m.deleted_at` → `deleted_at`), into `out`. */
function columnRefs(node: AstNode, out: Set<string>): void {
  if (!node || typeof node !== 'object') return;
  if (Array.isArray(node)) {
    for (const x of node) columnRefs(x, out);
    return;
  }
  const fields: AstNode[] | undefined = node.ColumnRef?.fields;
  if (fields) {
    const last = fields[fields.length - 1]?.String?.sval;
    if (typeof last === 'string') out.add(last);
    return;
  }
  for (const k in node) {
    const v = node[k];
    if (v && typeof v === 'object') columnRefs(v, out);
  }
}

function firstLocation(node: AstNode): number | undefined {
  if (!node || typeof node !== 'object') return undefined;
  const best = minLocation(node, -1);
  return best < 0 ? undefined : best;
}

/** The smallest `location` (≥ 0) in a tree, or `best`; a plain walk (no entry arrays per node). */
function minLocation(x: AstNode, best: number): number {
  if (Array.isArray(x)) {
    for (const y of x) if (y && typeof y === 'object') best = minLocation(y, best);
    return best;
  }
  for (const k in x) {
    const v = x[k];
    if (k === 'location' && typeof v === 'number' && v >= 0) best = best < 0 ? v : Math.min(best, v);
    else if (v && typeof v === 'object') best = minLocation(v, best);
  }
  return best;
}

/** Per key options of a Postgres index (`title gin_trgm_ops`, `a DESC NULLS LAST`, `a COLLATE "C"`); undefined when all default. */
function pgKeyOptions(params: readonly AstNode[]): (IndexColumnOptions | undefined)[] | undefined {
  let any = false;
  const out = params.map((p: AstNode) => {
    const e = p.IndexElem ?? {};
    const options: IndexColumnOptions = {};
    const ops = (e.opclass ?? []).map((x: AstNode) => x.String?.sval ?? '').filter((x: string) => x !== '');
    if (ops.length) options.ops = ops.join('.');
    const collation = (e.collation ?? []).map((x: AstNode) => x.String?.sval ?? '').filter((x: string) => x !== '');
    if (collation.length) options.collation = collation.join('.');
    if (e.ordering === 'SORTBY_DESC') options.desc = true;
    if (e.nulls_ordering === 'SORTBY_NULLS_FIRST') options.nulls = 'first';
    else if (e.nulls_ordering === 'SORTBY_NULLS_LAST') options.nulls = 'last';
    if (Object.keys(options).length === 0) return undefined;
    any = true;
    return options;
  });
  return any ? out : undefined;
}

function keyOptionsOf(keys: readonly { options?: IndexColumnOptions }[]): (IndexColumnOptions | undefined)[] | undefined {
  return keys.some((k) => k.options) ? keys.map((k) => k.options) : undefined;
}

/** MySQL `USING HASH` / `USING BTREE` (in `index_using` or among `index_options`); the default B-tree → undefined. */
function nspUsing(using: AstNode, options: AstNode): string | undefined {
  const found = using?.type ?? (Array.isArray(options) ? options.find((o: AstNode) => String(o?.keyword ?? '').toLowerCase() === 'using')?.type : undefined);
  const method = typeof found === 'string' ? found.toLowerCase() : undefined;
  return method && method !== 'btree' ? method : undefined;
}

/** A CHECK expression's one column, when it is a plain reference (through casts: `status::text`). */
function checkColumnOf(node: AstNode | undefined): string | undefined {
  let n = node;
  while (n?.TypeCast) n = (n.TypeCast as AstNode).arg as AstNode | undefined;
  const fields = (n?.ColumnRef as AstNode | undefined)?.fields as AstNode[] | undefined;
  const last = fields?.[fields.length - 1]?.String as AstNode | undefined;
  return typeof last?.sval === 'string' ? last.sval : undefined;
}

/** A string constant of a CHECK expression (through casts: `'draft'::character varying`). */
function checkStringOf(node: AstNode | undefined): string | undefined {
  let n = node;
  while (n?.TypeCast) n = (n.TypeCast as AstNode).arg as AstNode | undefined;
  const value = ((n?.A_Const as AstNode | undefined)?.sval as AstNode | undefined)?.sval;
  return typeof value === 'string' ? value : undefined;
}

/**
 * `notNullColumnsOf` of a predicate written as text (a Prisma `where: raw(…)`, a Drizzle `sql` template), parsed by the
 * Postgres parser as `CREATE INDEX … WHERE <predicate>`. Undefined when it does not parse as one such statement (the
 * parser must be loaded), or for any other predicate.
 */
export function notNullColumnsOfPredicate(file: string, predicate: string): string[] | undefined {
  const parsed = parseSql(file, `CREATE INDEX "i" ON "t" ("c") WHERE ${predicate}`, 'postgresql');
  if (parsed.fatal || parsed.statements.length !== 1) return undefined;
  const statement = parsed.statements[0];
  if (statement.error || statement.kind !== 'IndexStmt') return undefined;
  return notNullColumnsOf(statement.ast?.IndexStmt?.whereClause);
}

/**
 * The columns a partial index's predicate requires to be set, when that is all it requires: `c IS NOT NULL`, or an
 * AND of such tests. Undefined for any other predicate (`deleted_at IS NULL`, `status <> 'x'`, an OR).
 */
export function notNullColumnsOf(expr: AstNode | undefined): string[] | undefined {
  if (!expr) return undefined;
  const bool = expr.BoolExpr as AstNode | undefined;
  if (bool) {
    if (bool.boolop !== 'AND_EXPR') return undefined;
    const out: string[] = [];
    for (const a of (bool.args as AstNode[] | undefined) ?? []) {
      const inner = notNullColumnsOf(a);
      if (!inner) return undefined;
      out.push(...inner);
    }
    return out.length ? [...new Set(out)] : undefined;
  }
  const test = expr.NullTest as AstNode | undefined;
  if (!test || test.nulltesttype !== 'IS_NOT_NULL') return undefined;
  const fields = ((test.arg as AstNode | undefined)?.ColumnRef as AstNode | undefined)?.fields as AstNode[] | undefined;
  const name = fields?.[fields.length - 1]?.String?.sval;
  return typeof name === 'string' ? [name] : undefined;
}

/**
 * The closed set of strings a CHECK constraint holds one column to: `status IN ('a', 'b')`, `status = ANY (ARRAY['a',
 * 'b'])` (what pg_dump writes), `status = 'a' OR status = 'b'` (with `OR status IS NULL`), or one of those as a
 * conjunct of an AND. `whole`: the expression is only that (it reads no other column).
 */
export function checkedValuesOf(expr: AstNode | undefined): { column: string; values: string[]; whole: boolean } | undefined {
  if (!expr) return undefined;
  const bool = expr.BoolExpr as AstNode | undefined;
  const args = (bool?.args as AstNode[] | undefined) ?? [];
  if (bool?.boolop === 'AND_EXPR') {
    for (const a of args) {
      const found = checkedValuesOf(a);
      if (found) return { ...found, whole: false };
    }
    return undefined;
  }
  if (bool?.boolop === 'OR_EXPR') {
    let column: string | undefined;
    const values: string[] = [];
    for (const a of args) {
      const test = a.NullTest as AstNode | undefined;
      if (test) {
        const c = checkColumnOf(test.arg as AstNode | undefined);
        if (c === undefined || test.nulltesttype !== 'IS_NULL' || (column !== undefined && c !== column)) return undefined;
        column = c;
        continue;
      }
      const one = checkedValuesOf(a);
      if (!one || !one.whole || (column !== undefined && one.column !== column)) return undefined;
      column = one.column;
      values.push(...one.values);
    }
    return column !== undefined && values.length ? { column, values: [...new Set(values)], whole: true } : undefined;
  }
  const e = expr.A_Expr as AstNode | undefined;
  const op = ((e?.name as AstNode[] | undefined)?.[0]?.String as AstNode | undefined)?.sval;
  if (!e || op !== '=') return undefined;
  const column = checkColumnOf(e.lexpr as AstNode | undefined);
  if (column === undefined) return undefined;
  let items: AstNode[] | undefined;
  if (e.kind === 'AEXPR_OP') items = [e.rexpr as AstNode];
  else if (e.kind === 'AEXPR_IN') items = ((e.rexpr as AstNode | undefined)?.List as AstNode | undefined)?.items as AstNode[] | undefined;
  else if (e.kind === 'AEXPR_OP_ANY') {
    let arr = e.rexpr as AstNode | undefined;
    while (arr?.TypeCast) arr = (arr.TypeCast as AstNode).arg as AstNode | undefined;
    items = (arr?.A_ArrayExpr as AstNode | undefined)?.elements as AstNode[] | undefined;
  }
  if (!items?.length) return undefined;
  const values: string[] = [];
  for (const item of items) {
    const v = checkStringOf(item);
    if (v === undefined) return undefined;
    values.push(v);
  }
  return { column, values, whole: true };
}
