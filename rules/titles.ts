/**
 * Fix titles in the language of the user's database. Rules decide the intent; these tiny pure helpers
 * only *name* the result the way the user will read it in their file ("Add @@index([eventId])",
 * "Create index on trades (strategy_id)", "Add index(\"trades_strategy_id_idx\").on(table.strategyId)").
 * The front-ends write the text; `drizzleIndexName` and `enumTypeName` are exported so that the text
 * they write can match the title.
 */
import type { Column, Database, ForeignKey, Index, ReferentialAction, Table } from './model';
import { columnOf } from './types';
import { makeObjectName, pascal, snake, sqlColumnName } from './names';

const SQL_ACTION: Record<ReferentialAction, string> = {
  Cascade: 'CASCADE',
  Restrict: 'RESTRICT',
  NoAction: 'NO ACTION',
  SetNull: 'SET NULL',
  SetDefault: 'SET DEFAULT',
};

const DRIZZLE_ACTION: Record<ReferentialAction, string> = {
  Cascade: 'cascade',
  Restrict: 'restrict',
  NoAction: 'no action',
  SetNull: 'set null',
  SetDefault: 'set default',
};

/** The SQL table name (Prisma `@@map`, Drizzle `pgTable("trades")`). */
export function sqlTableName(table: Table): string {
  return table.dbName ?? table.name;
}

function sqlColumns(table: Table, columns: readonly string[]): string[] {
  return columns.map((c) => sqlColumnName(columnOf(table, c), c));
}

/**
 * The name Drizzle fixes give a new index: `<table>_<columns>_idx` in SQL names (`trades_strategy_id_idx`), within
 * Postgres' 63 bytes as Postgres shortens its own names (the writer numbers it when that name is taken).
 */
export function drizzleIndexName(table: Table, columns: readonly string[]): string {
  return makeObjectName(sqlTableName(table), sqlColumns(table, columns).join('_'), 'idx');
}

/**
 * The name an enum created for `table.column` gets: `SignalTradeStatus` (Prisma), `signal_trade_status` (SQL, Drizzle:
 * within Postgres' 63 bytes; the writers number it when that name is taken).
 */
export function enumTypeName(database: Database, table: Table, column: Column): string {
  if (database.language === 'prisma') return pascal(table.name, column.name);
  // Drizzle: the table's and column's SQL names as written; SQL: their words in snake_case.
  if (database.language === 'drizzle') return makeObjectName(sqlTableName(table), sqlColumnName(column, column.name), undefined);
  return makeObjectName(snake(sqlTableName(table)), snake(sqlColumnName(column, column.name)), undefined);
}

/**
 * `onUpdate`: the onUpdate the fix writes with it (Prisma, where the default, Cascade, would close a cascade cycle).
 * SQL writes the constraint again with the ON UPDATE it has unless told another.
 */
export function setOnDeleteTitle(database: Database, table: Table, fk: ForeignKey, action: ReferentialAction, onUpdate?: ReferentialAction): string {
  switch (database.language) {
    case 'prisma':
      return `Set onDelete: ${action}${onUpdate ? `, onUpdate: ${onUpdate}` : ''}${fk.relationField ? ` on ${fk.relationField}` : ''}`;
    case 'drizzle':
      return `Set { onDelete: "${DRIZZLE_ACTION[action]}" }`;
    case 'sql': {
      // The constraint is written again with the ON UPDATE it has (a Prisma migration's CASCADE above all: `prisma
      // migrate` states it for every relation), as the Prisma fix names the onUpdate it writes. SQL's default, NO
      // ACTION, goes unsaid.
      const written = onUpdate ?? fk.onUpdate;
      const update = written && written !== 'NoAction' ? ` ON UPDATE ${SQL_ACTION[written]}` : '';
      return `Recreate the foreign key ${sqlTableName(table)} (${sqlColumns(table, fk.columns).join(', ')}) with ON DELETE ${SQL_ACTION[action]}${update}`;
    }
  }
}

export function addIndexTitle(database: Database, table: Table, columns: readonly string[]): string {
  switch (database.language) {
    case 'prisma':
      return `Add @@index([${columns.join(', ')}])`;
    case 'drizzle':
      return `Add index("${drizzleIndexName(table, columns)}").on(${columns.map((c) => `table.${c}`).join(', ')})`;
    case 'sql':
      return `Create index on ${sqlTableName(table)} (${sqlColumns(table, columns).join(', ')})`;
  }
}

export function dropIndexTitle(database: Database, table: Table, index: Index): string {
  switch (database.language) {
    case 'prisma': {
      // Quote the attribute as written: `@@index([title])` next to `@@index([title(ops: …)], type: Gin)` must not
      // read as if the plain one goes.
      if (index.written && index.written.length <= 160) return index.written.startsWith('@@') ? `Remove ${index.written}` : `Remove ${index.written} from ${index.columns.join(', ')}`;
      return `Remove ${index.unique ? '@@unique' : '@@index'}([${index.columns.join(', ')}])${index.name ? ` (${index.name})` : ''}`;
    }
    case 'drizzle':
      return index.name ? `Remove ${index.unique ? 'uniqueIndex' : 'index'}("${index.name}")` : `Remove the ${index.unique ? 'unique constraint' : 'index'} on (${index.columns.join(', ')})`;
    case 'sql':
      return index.name
        ? `Drop ${index.unique ? 'unique index' : 'index'} ${index.name}`
        : `Drop the ${index.unique ? 'unique index' : 'index'} on ${sqlTableName(table)} (${sqlColumns(table, index.columns).join(', ')})`;
  }
}

export function changeColumnTypeTitle(database: Database, column: Column, to: 'json' | 'decimal'): string {
  switch (database.language) {
    case 'prisma':
      return `Change ${column.name} to ${to === 'json' ? 'Json' : 'Decimal'}`;
    case 'drizzle': {
      const builder = to === 'json' ? (database.dialect === 'mysql' ? 'json' : 'jsonb') : database.dialect === 'mysql' ? 'decimal' : 'numeric';
      return `Change ${column.name} to ${builder}(…)`;
    }
    case 'sql': {
      const type = to === 'json' ? (database.dialect === 'mysql' ? 'JSON' : 'jsonb') : database.dialect === 'mysql' ? 'DECIMAL' : 'numeric';
      return `Change column ${sqlColumnName(column, column.name)} to ${type}`;
    }
  }
}

export function makeNullableTitle(database: Database, column: Column): string {
  switch (database.language) {
    case 'prisma':
      return `Make ${column.name} optional`;
    case 'drizzle':
      return `Remove .notNull() from ${column.name}`;
    case 'sql':
      return `Drop NOT NULL on ${sqlColumnName(column, column.name)}`;
  }
}

export function addForeignKeyTitle(
  database: Database,
  table: Table,
  columns: readonly string[],
  target: Table,
  targetColumns: readonly string[],
  onDelete?: ReferentialAction,
  onUpdate?: ReferentialAction,
): string {
  switch (database.language) {
    case 'prisma':
      return `Add a relation to ${target.name} (fields: [${columns.join(', ')}], references: [${targetColumns.join(', ')}]${onDelete ? `, onDelete: ${onDelete}` : ''}${onUpdate ? `, onUpdate: ${onUpdate}` : ''})`;
    case 'drizzle':
      return `Add .references(() => ${target.name}.${targetColumns[0]}${onDelete ? `, { onDelete: "${DRIZZLE_ACTION[onDelete]}" }` : ''}) to ${columns[0]}`;
    case 'sql': {
      // In a Prisma migrations folder the constraint is written as `prisma migrate` writes it: ON UPDATE CASCADE unless
      // told another (sql/write.ts newForeignKeyActions); SQL's default, NO ACTION, goes unsaid.
      const update = onUpdate ?? (database.migrationTool === 'prisma' ? 'Cascade' : undefined);
      return `Add foreign key ${sqlTableName(table)} (${sqlColumns(table, columns).join(', ')}) → ${sqlTableName(target)} (${sqlColumns(target, targetColumns).join(', ')})${onDelete ? ` ON DELETE ${SQL_ACTION[onDelete]}` : ''}${update && update !== 'NoAction' ? ` ON UPDATE ${SQL_ACTION[update]}` : ''}${database.dialect === 'postgresql' ? ' NOT VALID' : ''}`;
    }
  }
}

export function createEnumTitle(database: Database, table: Table, column: Column, values: readonly string[]): string {
  const name = enumTypeName(database, table, column);
  switch (database.language) {
    case 'prisma':
      return `Create enum ${name} { ${values.join(' ')} } for ${column.name}`;
    case 'drizzle':
      return database.dialect === 'mysql'
        ? `Change ${column.name} to mysqlEnum([${values.map((v) => `"${v}"`).join(', ')}])`
        : `Create pgEnum("${name}", [${values.map((v) => `"${v}"`).join(', ')}]) for ${column.name}`;
    case 'sql':
      return database.dialect === 'mysql'
        ? `Change column ${sqlColumnName(column, column.name)} to ENUM(${values.map((v) => `'${v}'`).join(', ')})`
        : `Create type ${name} AS ENUM (${values.map((v) => `'${v}'`).join(', ')}) for ${sqlColumnName(column, column.name)}`;
  }
}
