/**
 * The language-neutral vocabulary of Schema Review.
 *
 * Front-ends (server/src/languages/*) turn source text into these facts; rules (rules/*) judge them.
 * Every fact carries the file and exact range it came from. Positions are 0-based (LSP style);
 * the CLI converts to 1-based at its edge.
 */

export interface Position {
  /** 0-based line. */
  line: number;
  /** 0-based UTF-16 column. */
  character: number;
}

export interface Range {
  start: Position;
  end: Position;
}

/** Where a fact lives: an absolute file path (forward slashes) and a range in it. */
export interface Loc {
  file: string;
  range: Range;
}

export type Language = 'prisma' | 'drizzle' | 'sql' | 'code';

export type Dialect = 'postgresql' | 'mysql' | 'sqlite' | 'sqlserver' | 'cockroachdb' | 'mongodb' | 'unknown';

/** Referential actions, normalised across languages (Prisma `SetNull`, SQL `SET NULL`, Drizzle `set null`). */
export type ReferentialAction = 'Cascade' | 'Restrict' | 'NoAction' | 'SetNull' | 'SetDefault';

/**
 * A coarse, language-neutral column type. `rawType` keeps what the user wrote
 * (`String @db.Text`, `varchar(255)`, `text("x")`).
 */
export type ColumnType =
  | 'string'
  | 'int'
  | 'bigint'
  | 'float'
  | 'decimal'
  | 'boolean'
  | 'datetime'
  | 'date'
  | 'time'
  | 'json'
  | 'uuid'
  | 'bytes'
  | 'enum'
  | 'array'
  | 'other';

export interface Column {
  name: string;
  /** The database column name when it differs (Prisma `@map`, Drizzle `text("user_id")`). */
  dbName?: string;
  type: ColumnType;
  rawType: string;
  nullable: boolean;
  /** Default expression as written, if any. */
  default?: string;
  /** Doc or trailing comment text, if any (used e.g. to find documented enum values). */
  comment?: string;
  /**
   * The closed set of strings the ORM's types allow in a string column, the database not enforcing it (Drizzle
   * `text("status").$type<"draft" | "published">()`), in the order written.
   */
  typedValues?: string[];
  /**
   * The strings a CHECK constraint of the database allows in the column (`CHECK (status IN ('draft', 'sent'))`,
   * `status = ANY (ARRAY[…])`, `status = 'a' OR status = 'b'`): the database does enforce the closed set.
   */
  checkedValues?: string[];
  /**
   * A CHECK constraint of the database reads this column and no other (`CHECK (public.valid_location(spot))`,
   * `CHECK (length(code) = 2)`): the database validates its values, whatever the test is.
   */
  checked?: boolean;
  /** The whole field / column definition. */
  loc: Loc;
  /** Just the type token(s), where a type change is written. */
  typeLoc?: Loc;
}

/** How one key column of an index is stored, where it differs from the plain default. */
export interface IndexColumnOptions {
  /** Operator class as written (`gin_trgm_ops`, `text_pattern_ops`, Prisma `JsonbPathOps`). */
  ops?: string;
  /** Prefix length (MySQL `length: 10`, `title(10)`): only the first n characters are indexed. */
  length?: number;
  /** Collation as written (Postgres `COLLATE "C"`): the key compares, and so serves, differently. */
  collation?: string;
  /** Descending order (`sort: Desc`, `DESC`, `.desc()`). */
  desc?: boolean;
  /** `NULLS FIRST` / `NULLS LAST` as written (Postgres, Drizzle); undefined = the order's default. */
  nulls?: 'first' | 'last';
}

export interface Index {
  name?: string;
  columns: string[];
  unique: boolean;
  /** `primary` = primary key, `unique` = unique constraint/index, `index` = plain index. */
  kind: 'primary' | 'unique' | 'index';
  /**
   * Access method, lower case: `hash`, `gin`, `gist`, `spgist`, `brin` (Postgres `USING`, Prisma `type:`),
   * `fulltext`, `spatial` (MySQL). Undefined (or `btree`) = the default B-tree.
   */
  method?: string;
  /** Per key column options, parallel to `columns`; undefined (or an undefined entry) = the defaults. */
  columnOptions?: (IndexColumnOptions | undefined)[];
  /** Columns stored in the index but not searched by it (Postgres `INCLUDE (…)`). */
  include?: string[];
  /**
   * The index as written, where a fix title should quote it to be unambiguous (Prisma: the attribute,
   * `@@index([title(ops: raw("gin_trgm_ops"))], type: Gin)` or `@unique(map: "x")`, whitespace collapsed).
   */
  written?: string;
  /** SQL only: written with CONCURRENTLY. */
  concurrently?: boolean;
  /**
   * Partial index (`WHERE …`): it covers only some rows, so it does not count as covering a foreign key, unless its
   * predicate only requires columns to be set (`whereNotNull`).
   */
  partial?: boolean;
  /**
   * A partial index whose predicate is only `c IS NOT NULL` (AND-ed): those columns. A lookup by equality on them
   * (`c = $1`, as a foreign key check asks) implies the predicate, so Postgres uses the index for it.
   */
  whereNotNull?: string[];
  loc: Loc;
  /** SQL only: the migration that created it (see `Migration`). */
  migration?: MigrationRef;
}

export interface ForeignKey {
  name?: string;
  /** Local columns, in order. */
  columns: string[];
  references: { table: string; columns: string[] };
  /** As written; undefined when the user wrote nothing. */
  onDelete?: ReferentialAction;
  onUpdate?: ReferentialAction;
  /** What the database will do on delete when nothing is written (computed by the front-end). */
  defaultOnDelete: ReferentialAction;
  /** Where the user must act: the relation field, `.references(...)` call or `REFERENCES`/constraint clause. */
  loc: Loc;
  /** Prisma: the relation field's name (`event` in `event Event @relation(...)`). */
  relationField?: string;
  /** SQL: added with NOT VALID. */
  notValid?: boolean;
  /** SQL only: the migration that created it. */
  migration?: MigrationRef;
  /**
   * False when the relation exists only in the ORM and no constraint is in the database
   * (Prisma `relationMode = "prisma"`, Drizzle `relations()` without `references`).
   */
  enforced: boolean;
}

export interface Table {
  name: string;
  /** The database table name when it differs (Prisma `@@map`). */
  dbName?: string;
  /**
   * Drizzle: the Postgres schema the table is declared in, when not the default (`pgSchema("billing").table(…)`).
   * The SQL front-end names such a table `billing.invoices` instead.
   */
  schema?: string;
  columns: Column[];
  primaryKey?: Index;
  /** Plain and unique indexes and unique constraints (not the primary key). */
  indexes: Index[];
  foreignKeys: ForeignKey[];
  comment?: string;
  /** The whole table definition. */
  loc: Loc;
  /** The table's name token, where table-level findings are shown. */
  nameLoc: Loc;
  /** SQL only: the migration that created it. */
  migration?: MigrationRef;
  /** Prisma only: names of relation fields pointing at other models that have no scalar FK side here. */
  isView?: boolean;
  /**
   * SQL (Postgres): a partitioned table (`PARTITION BY`). It holds no rows itself; an index on it is built on every
   * partition, and Postgres refuses to build it CONCURRENTLY.
   */
  partitioned?: boolean;
  /**
   * SQL (Postgres): the partitioned table this one is a partition of (`PARTITION OF`, `ATTACH PARTITION`): it has
   * the parent's primary key, indexes and foreign keys.
   */
  partitionOf?: string;
  /**
   * Drizzle: some of its columns come from code the front-end does not read (`...updatableColumns("inq")` imported
   * from a package): what they declare, a primary key included, is unknown, so no finding may claim it is missing.
   */
  unreadColumns?: boolean;
}

export interface EnumType {
  name: string;
  values: string[];
  loc: Loc;
}

/** One migration file in a replayed history. */
export interface MigrationRef {
  /** Absolute path of the migration file. */
  file: string;
  /** Position in the replay order, 0-based. */
  order: number;
  /** True when the runner wraps the whole file in one transaction (Prisma migrate, an explicit BEGIN…). */
  transactional: boolean;
  /**
   * The runner runs every pending migration of the history in one transaction (drizzle-kit's migrator on Postgres):
   * no statement of it can run outside a transaction, so CONCURRENTLY is impossible there.
   */
  allPendingInOneTransaction?: boolean;
  /** True when the migration is already applied (every migration but a not-yet-applied draft). */
  applied: boolean;
  /**
   * The newest migration of its history folder: usually the one being written, possibly not deployed yet.
   * Fixes may rewrite it in place, saying so in their title.
   */
  latest?: boolean;
}

/** A statement in a SQL migration, for migration-safety rules. */
export interface MigrationStatement {
  kind:
    | 'createIndex'
    | 'addForeignKey'
    | 'createTable'
    | 'other';
  /** The exact statement range (without the trailing `;`). */
  loc: Loc;
  migration: MigrationRef;
  /** createIndex / addForeignKey: the target table. */
  table?: string;
  /** createIndex: written with CONCURRENTLY. */
  concurrently?: boolean;
  /**
   * createIndex / addForeignKey: the table was created earlier in the same migration file, or is empty there (an
   * earlier `ADD COLUMN … NOT NULL` without a default succeeded on it): nothing waits on a lock or a scan of it.
   */
  tableCreatedInSameMigration?: boolean;
  /** addForeignKey: written with NOT VALID. */
  notValid?: boolean;
  /**
   * addForeignKey with NOT VALID: the `VALIDATE CONSTRAINT` of the same constraint when it runs in the same
   * transaction (the same migration file run as one transaction, the same BEGIN … COMMIT or DO block), where it scans
   * the table under the locks the ADD took.
   */
  validatedBy?: MigrationStatement;
  /** True when the statement sits inside an explicit BEGIN … COMMIT block (or a `DO` block, see `doBlock`). */
  inExplicitTransaction?: boolean;
  /**
   * Postgres: the `DO` block the statement runs in (its range). The block is one statement: what it holds runs in
   * one transaction with the rest of it, and CONCURRENTLY cannot run there.
   */
  doBlock?: Loc;
  /** createIndex / addForeignKey: the columns. */
  columns?: string[];
  /** createIndex: `ON ONLY` (a partitioned table's parent alone, without its partitions). */
  only?: boolean;
  /** createIndex (Postgres): the index is on a materialized view made by an earlier statement. */
  materializedView?: boolean;
}

/** One database: one Prisma schema (file or folder), one Drizzle schema set, one migrations folder or dump. */
export interface Database {
  /** Stable id: the language plus the schema file or folder path. */
  id: string;
  language: Exclude<Language, 'code'>;
  dialect: Dialect;
  /** `prisma` = Prisma emulates relations; no foreign keys exist in the database. */
  relationMode: 'foreignKeys' | 'prisma';
  tables: Table[];
  enums: EnumType[];
  /** Files this database was built from. */
  files: string[];
  /** SQL only: the statements of the migration history, in replay order. */
  statements?: MigrationStatement[];
  /** Prisma: the major version of Prisma the project uses, if known. */
  prismaMajor?: number;
  /**
   * Prisma: the newest minor version the project can be on, when known: a pinned version (`6.1.0`), a patch range
   * (`~6.1.0`, `6.1.x`). Undefined for a range that allows newer minors (`^6.1.0`) or no version.
   */
  prismaMinor?: number;
  /**
   * Prisma, Drizzle: the folders (absolute) the project's migrations of this schema are written to, when its config
   * names them (prisma.config.ts `migrations.path`; drizzle.config `out`, `./drizzle` by default). Undefined for a
   * Prisma schema without one: its `migrations/` folder, next to the schema.
   */
  migrationsDirs?: string[];
  /**
   * SQL: the tool whose migrations folder this is, where it decides how new SQL is written: `prisma` (`prisma migrate`
   * states ON UPDATE CASCADE on every foreign key, and Prisma's default ON DELETE).
   */
  migrationTool?: 'prisma';
  /** The referential actions this provider/relation mode allows (Prisma's `referential_actions`); all when undefined. */
  referentialActions?: ReferentialAction[];
  /** Where the provider/dialect is declared (Prisma datasource block), for database-wide findings. */
  loc?: Loc;
}

// ---------------------------------------------------------------------------------------------
// Code facts (TypeScript/JavaScript that calls Prisma or Drizzle)
// ---------------------------------------------------------------------------------------------

export type Orm = 'prisma' | 'drizzle';

export interface TransactionScope {
  orm: Orm;
  /** The outer client expression text (`prisma`, `db`, `this.prisma`). */
  client: string;
  /** The callback's parameter name (`tx`), undefined for the array form. */
  callbackParam?: string;
  /**
   * `array`: a batch (`prisma.$transaction([...])`, Drizzle `db.batch([...])`), also when the list is a
   * variable (`$transaction(ops)`) or holds variables (`db.batch([q1, q2])`): the writes kept in those
   * variables (`const q1 = db.delete(…)`, `ops.push(prisma.user.update(…))`) belong to it.
   */
  form: 'callback' | 'array';
  /** The callback body, or the batch's argument (the array literal or the list variable). */
  range: Loc;
  /** The whole `await prisma.$transaction(...)` call. */
  callLoc: Loc;
  /** The function the call is made in (the module: `<module>`), whether or not it makes other database calls. */
  host?: { name: string; functionLoc: Loc };
  /** The `if`/`switch` arms of the host function the call is made in, outermost first (as `DbCall.branchPath`). */
  branchPath?: BranchStep[];
}

export interface DbCall {
  orm: Orm;
  /** The client expression as written (`prisma`, `tx`, `db`, `this.prisma`). */
  client: string;
  /** Prisma model accessor (`user`) or Drizzle table variable (`users`). */
  model?: string;
  /** `findMany`, `create`, `insert`, `update`, `select`, `$executeRaw`, … */
  operation: string;
  kind: 'read' | 'write';
  /** The call expression (`prisma.user.create({...})`, including a Drizzle builder chain). */
  loc: Loc;
  /** The whole statement containing the call. */
  statementLoc: Loc;
  awaited: boolean;
  /**
   * Not awaited, but returned by the function it is made in (`return prisma.user.update(…)`, an arrow's
   * body; not an inline callback's): its promise is the function's result, settled by the caller.
   */
  returned?: boolean;
  /** Name of the enclosing function, `<module>` at top level. */
  enclosingFunction: string;
  /** Range of the enclosing function's body (or the file for top-level code). */
  functionLoc: Loc;
  /**
   * For a call in the callback of `Promise.all(xs.map(async (x) => …))`: the function that awaits them all, whose
   * work the call is part of (its writes commit or fail with that function's other writes).
   */
  host?: { name: string; functionLoc: Loc };
  /**
   * The innermost loop the call runs in, within its function. `once`: the iteration always leaves the loop
   * after the call (a `break` of that loop, `return` or `throw` follows it), so it runs at most once per run
   * of the loop (a search that updates what it found); when a `break` leaves it, a loop around that one, if
   * any, is the one given (it repeats the call).
   * `rounds`: a `for (init; cond; step)` that walks no list (no condition, or one that reads no `.length` with a
   * body that indexes nothing by its counter: `attempt < 3`, `page <= pages`): it retries, pages or polls like a
   * `while`. `probe`: see below. `settled`: the `xs.map(…)` callbacks' promises go to `Promise.allSettled`, which
   * hands each failure to the caller.
   */
  loop?: {
    kind: 'for' | 'for-of' | 'for-in' | 'while' | 'do' | 'forEach' | 'map';
    loc: Loc;
    variable?: string;
    once?: boolean;
    rounds?: boolean;
    /**
     * A `while`/`do` loop whose condition is the call's result (`while (await db.find(…))`, or
     * `taken = await db.find(…)` with `while (taken)`): it probes until the query answers otherwise (a free key, a
     * finished job), not once per row of a list.
     */
    probe?: boolean;
    settled?: boolean;
    /**
     * `const ps = xs.map(…)` whose promises a later `Promise.all(ps)` (or another combinator) takes, in the same
     * function: that call. A transaction around the writes must hold it too.
     */
    combinedAt?: Loc;
  };
  /** The transaction the call runs in, if any. */
  transaction?: TransactionScope;
  /** True when the call goes through the transaction's parameter (`tx.user.create`). */
  viaTransactionClient?: boolean;
  /** Object-literal argument keys at the top level (`where`, `take`, `data`, …), Prisma only. */
  argKeys?: string[];
  /** Prisma: the `where` is an empty object literal (`where: {}`), which matches every row. */
  emptyWhere?: boolean;
  /**
   * Drizzle: the module the client's `drizzle(…)` (or its type, `NeonHttpDatabase`) was imported from
   * (`drizzle-orm/neon-http`, `drizzle-orm/d1`), when the front-end can see it. Some drivers have no
   * interactive transactions.
   */
  driver?: string;
  /**
   * Drizzle select: every selected field is an aggregate (`{ n: count() }`, `{ n: sql\`count(*)\` }`), so
   * without `groupBy` the query returns one row.
   */
  aggregate?: boolean;
  /**
   * Columns filtered (`where`) and ordered by (`orderBy`), when written literally. `filterColumns` holds only the
   * columns every run of the query filters by (a condition pushed into a list under an `if` is not one of them).
   */
  filterColumns?: string[];
  /**
   * How the query compares each filtered column (added for unindexed-query-filter's composite indexes): the literal
   * filter and what the front-end can follow syntactically in the same function (a `conditions` list built with
   * `push` and spread into `and(...conditions)`, a `where` object built by property assignment). A term marked
   * `conditional` is applied on some runs only (pushed under an `if`, one side of `?:`, an `or(…)` arm).
   */
  filterTerms?: FilterTerm[];
  /**
   * The filter matches a list the code passes (Prisma `{ id: { in: ids } }`, Drizzle `inArray(t.id, ids)`, also
   * inside `AND` / `and(…)`): the rows are as many as the list's keys match, as bounded as the list is.
   */
  filterByList?: boolean;
  orderColumns?: string[];
  /** Drizzle builder chain method names after the root (`from`, `where`, `limit`, …). */
  chain?: string[];
  /** The `try` block the call is in and its catch clause, if any. */
  catch?: CatchClause;
  /** The enclosing `if`/`else` branch (for writes in exclusive branches). */
  branch?: Loc;
  /**
   * Every `if`/`else` (or `switch` case) arm around the call within its function, outermost first
   * (added for multi-write-without-transaction: two writes are exclusive when they sit in different arms
   * of the same statement, or one sits in an arm that always exits and the other after that statement).
   */
  branchPath?: BranchStep[];
  /**
   * Loop lookups only: the one `where` column whose value comes from the loop variable
   * (`where: { id: item.userId }` → `id`), when the lookup has no other filter (for query-in-loop's batch fix).
   */
  loopKey?: string;
  /** Places where the call's result is filtered in JavaScript (`rows.filter((r) => r.status === …)`), with the fields read. */
  resultFilteredInMemory?: { loc: Loc; fields: string[] }[];
  /**
   * Places where the call's rows are aggregated in JavaScript into a number: `rows.reduce(…)` (into a number or an
   * object of numbers), `rows.length` read as a count (not an emptiness test such as `!rows.length` or
   * `rows.length === 0`), a sum/mean/count helper (`_.sumBy(rows, …)`), or a `for…of` / `forEach` over the rows that
   * only adds into numbers. `how`: `reduce`, `length`, the helper's name, `for-of` or `forEach`; `fields`: the row
   * fields read there, when known. (Added for unbounded-query: a row cap would make the number wrong.)
   */
  resultAggregatedInMemory?: { loc: Loc; how: string; fields: string[] }[];
}

/** One filtered column of a query and how it is compared (see `DbCall.filterTerms`). */
export interface FilterTerm {
  column: string;
  /**
   * `eq`: equality (Drizzle `eq`/`isNull`, Prisma `{ col: v }`/`equals`); `list`: `inArray`/`{ in: … }`;
   * `range`: `gt`/`gte`/`lt`/`lte`/`between`, Prisma `{ gte: … }`; `other`: any other operator (`like`, `ne`, `not`…).
   */
  op: 'eq' | 'list' | 'range' | 'other';
  /** Applied on some runs only. */
  conditional?: boolean;
  /**
   * Drizzle: the variable the column is read from (`users` in `eq(users.status, …)`), which in a join may be
   * another table than the one the query selects from.
   */
  table?: string;
}

/** One arm of an `if`/`else` (or a `switch` case, or a `?:` branch) around a call. */
export interface BranchStep {
  /** The whole `if` / `switch` / conditional expression. */
  statement: Loc;
  /** The arm the call is in (then-block, else-block, case clause). */
  arm: Loc;
  /** The arm always leaves the function (its last statement is `return` or `throw`). */
  exits?: boolean;
}

export interface CatchClause {
  loc: Loc;
  /** The catch body only logs (console.*, logger.*) and does not rethrow, return an error, or set state. */
  onlyLogs: boolean;
  /** The catch body is empty (`catch {}`, `.catch(() => {})`): the error is ignored, not even logged (`onlyLogs` is true too). */
  empty?: boolean;
}

/** A call of a workspace function that itself writes (one level deep). */
export interface WritingCall {
  /** Name of the called function. */
  callee: string;
  loc: Loc;
  statementLoc: Loc;
  awaited: boolean;
  enclosingFunction: string;
  functionLoc: Loc;
  transaction?: TransactionScope;
  /** Same meaning as on DbCall (optional). */
  loop?: DbCall['loop'];
  branchPath?: BranchStep[];
  /** The write goes through the transaction client passed as an argument (`createAudit(tx, …)`). */
  viaTransactionClient?: boolean;
}

/** An `await` of something that is not a database call (HTTP, email, hashing), for transaction fix titles. */
export interface OtherAwait {
  /** The awaited expression, shortened for display (`sendWelcomeEmail(…)`). */
  expression: string;
  loc: Loc;
  functionLoc: Loc;
}

export interface CodeFile {
  file: string;
  calls: DbCall[];
  transactions: TransactionScope[];
  writingCalls: WritingCall[];
  /** Awaits of non-database expressions (optional; used to warn that a transaction would stay open across them). */
  otherAwaits?: OtherAwait[];
  /**
   * Closed lists of string literals the file names (optional; added for string-enum, which takes a string column's
   * allowed values from them). Syntax only, in the file's own text.
   */
  enumLiterals?: CodeEnumLiteral[];
}

/**
 * A closed list of string literals in code: `z.enum(['easy', 'hard'])` (also `z.enum(LIST)` with `LIST` an `as
 * const` array of the same file), a union of string literal types (`'easy' | 'hard'`, `null`/`undefined` members
 * left out), or an `as const` array of strings. At least two distinct values, in written order.
 */
export interface CodeEnumLiteral {
  /**
   * `property`: the value of an object literal property (`difficulty: z.enum([...])` in `z.object({...})`) or the
   * type of an interface / type literal / class property (`difficulty?: 'easy' | 'hard'`); `named`: what a type
   * alias or a variable declares (`type Difficulty = …`, `const DIFFICULTIES = [...] as const`,
   * `const difficultySchema = z.enum([...])`).
   */
  nameKind: 'property' | 'named';
  /** The property's or declaration's name, as written. */
  name: string;
  /**
   * For a property: the nearest enclosing named declaration (`goalCreateSchema` for `const goalCreateSchema =
   * z.object({...})`, `GoalInput` for `interface GoalInput`, a function's name), if any.
   */
  owner?: string;
  source: 'z.enum' | 'union' | 'as const';
  values: string[];
  /** The list itself: the `z.enum(…)` call, the union type, the array literal. */
  loc: Loc;
}
