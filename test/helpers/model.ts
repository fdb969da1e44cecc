/**
 * A terse builder of model facts for rule table tests:
 *
 *   const db = prismaDb([
 *     table('Event'),
 *     table('Question', { columns: [column('eventId', 'int')], foreignKeys: [fk(['eventId'], 'Event')] }),
 *   ]);
 *
 * Every fact gets a distinct, readable location (the line is given or counted per builder call), so a
 * test can assert `report.loc` against the fact it expects the finding on.
 */
import type {
  Column,
  ColumnType,
  Database,
  Dialect,
  ForeignKey,
  Index,
  Loc,
  MigrationRef,
  MigrationStatement,
  ReferentialAction,
  Table,
} from '../../rules/model';

export const PRISMA_FILE = '/repo/prisma/schema.prisma';
export const DRIZZLE_FILE = '/repo/src/db/schema.ts';
export const SQL_FILE = '/repo/supabase/migrations/20240101000000_init.sql';

export function loc(line: number, startCharacter = 0, endCharacter = startCharacter + 40, file = PRISMA_FILE): Loc {
  return { file, range: { start: { line, character: startCharacter }, end: { line, character: endCharacter } } };
}

// Lines are handed out in order so that two facts never share a location by accident.
let nextLine = 0;
function autoLoc(line?: number): Loc {
  return loc(line ?? nextLine++, 2);
}

const RAW_TYPE: Record<ColumnType, string> = {
  string: 'String',
  int: 'Int',
  bigint: 'BigInt',
  float: 'Float',
  decimal: 'Decimal',
  boolean: 'Boolean',
  datetime: 'DateTime',
  date: 'DateTime @db.Date',
  time: 'DateTime @db.Time',
  json: 'Json',
  uuid: 'String @db.Uuid',
  bytes: 'Bytes',
  enum: 'Status',
  array: 'String[]',
  other: 'Unsupported("tsvector")',
};

export function column(name: string, type: ColumnType = 'string', options: Partial<Column> & { line?: number } = {}): Column {
  const { line, ...rest } = options;
  const where = rest.loc ?? autoLoc(line);
  return { name, type, rawType: RAW_TYPE[type], nullable: false, loc: where, ...rest };
}

function indexFact(kind: Index['kind'], columns: string[], options: Partial<Index> & { line?: number }): Index {
  const { line, ...rest } = options;
  return { columns, unique: kind !== 'index', kind, loc: rest.loc ?? autoLoc(line), ...rest };
}
export const pk = (columns: string[], options: Partial<Index> & { line?: number } = {}) => indexFact('primary', columns, options);
export const index = (columns: string[], options: Partial<Index> & { line?: number } = {}) => indexFact('index', columns, options);
export const unique = (columns: string[], options: Partial<Index> & { line?: number } = {}) => indexFact('unique', columns, options);

const implicitDefault = new WeakSet<ForeignKey>();

/** A foreign key; its `defaultOnDelete` is computed by the database builder unless given. */
export function fk(
  columns: string[],
  referencedTable: string,
  referencedColumns: string[] = ['id'],
  options: Partial<ForeignKey> & { line?: number } = {},
): ForeignKey {
  const { line, ...rest } = options;
  const fact: ForeignKey = {
    columns,
    references: { table: referencedTable, columns: referencedColumns },
    defaultOnDelete: 'NoAction',
    enforced: true,
    loc: rest.loc ?? autoLoc(line),
    ...rest,
  };
  if (options.defaultOnDelete === undefined) implicitDefault.add(fact);
  return fact;
}

export interface TableOptions {
  columns?: Column[];
  /** `null` = no primary key. Default: `id` when the table has an `id` column (added unless `noId`). */
  primaryKey?: Index | string[] | null;
  indexes?: Index[];
  foreignKeys?: ForeignKey[];
  noId?: boolean;
  line?: number;
  dbName?: string;
  isView?: boolean;
  comment?: string;
  migration?: MigrationRef;
}

export function table(name: string, options: TableOptions = {}): Table {
  const given = options.columns ?? [];
  const needsId = !options.noId && options.primaryKey === undefined && !given.some((c) => c.name === 'id');
  const columns = needsId ? [column('id', 'int'), ...given] : given;
  let primaryKey: Index | undefined;
  if (options.primaryKey === null) primaryKey = undefined;
  else if (Array.isArray(options.primaryKey)) primaryKey = pk(options.primaryKey);
  else if (options.primaryKey) primaryKey = options.primaryKey;
  else if (columns.some((c) => c.name === 'id')) primaryKey = pk(['id']);
  const whole = autoLoc(options.line);
  return {
    name,
    dbName: options.dbName,
    columns,
    primaryKey,
    indexes: options.indexes ?? [],
    foreignKeys: options.foreignKeys ?? [],
    comment: options.comment,
    loc: whole,
    nameLoc: { file: whole.file, range: { start: { line: whole.range.start.line, character: 6 }, end: { line: whole.range.start.line, character: 6 + name.length } } },
    migration: options.migration,
    isView: options.isView,
  };
}

export interface DatabaseOptions {
  dialect?: Dialect;
  relationMode?: Database['relationMode'];
  statements?: MigrationStatement[];
  prismaMajor?: number;
  referentialActions?: ReferentialAction[];
  file?: string;
}

/** Prisma's defaults: a required relation restricts, an optional one sets NULL (only where a FK exists). */
function prismaDefault(table: Table, foreignKey: ForeignKey): ReferentialAction {
  const optional = foreignKey.columns.every((c) => table.columns.find((col) => col.name === c)?.nullable);
  return optional ? 'SetNull' : 'Restrict';
}

export function database(language: Database['language'], tables: Table[], options: DatabaseOptions = {}): Database {
  const file = options.file ?? (language === 'prisma' ? PRISMA_FILE : language === 'drizzle' ? DRIZZLE_FILE : SQL_FILE);
  const relationMode = options.relationMode ?? 'foreignKeys';
  for (const t of tables) {
    for (const f of t.foreignKeys) {
      if (!implicitDefault.has(f)) continue;
      f.defaultOnDelete = language === 'prisma' ? prismaDefault(t, f) : 'NoAction';
      if (relationMode === 'prisma') f.enforced = false;
    }
  }
  return {
    id: `${language}:${file}`,
    language,
    dialect: options.dialect ?? 'postgresql',
    relationMode,
    tables,
    enums: [],
    files: [file],
    statements: options.statements,
    prismaMajor: options.prismaMajor,
    referentialActions: options.referentialActions,
  };
}

export const prismaDb = (tables: Table[], options?: DatabaseOptions) => database('prisma', tables, options);
export const drizzleDb = (tables: Table[], options?: DatabaseOptions) => database('drizzle', tables, options);
export const sqlDb = (tables: Table[], options?: DatabaseOptions) => database('sql', tables, options);

export function migration(options: Partial<MigrationRef> = {}): MigrationRef {
  return { file: '/repo/prisma/migrations/20240102000000_add_indexes/migration.sql', order: 1, transactional: false, applied: true, ...options };
}

export function statement(
  kind: MigrationStatement['kind'],
  options: Partial<MigrationStatement> & { line?: number } = {},
): MigrationStatement {
  const { line, ...rest } = options;
  const m = rest.migration ?? migration();
  return { kind, migration: m, loc: rest.loc ?? loc(line ?? nextLine++, 0, 60, m.file), ...rest };
}
