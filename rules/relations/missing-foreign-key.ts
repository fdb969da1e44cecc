import type { Column, ColumnType, Table } from '../model';
import type { Rule } from '../types';
import { columnOf } from '../types';
import { aRowOf, findTableByName, tablesByNameKey } from '../names';
import { leftoverOf } from '../migrations/backup-table';
import { addForeignKeyTitle } from '../titles';

/** `eventId`, `event_id`, `eventID`, `EventId` → `event`; anything else → undefined. */
export function referencedName(columnName: string): string | undefined {
  // Every column is asked: only a name ending in d/D can match (the regex's lazy prefix is not free).
  const last = columnName.charCodeAt(columnName.length - 1);
  if (last !== 100 && last !== 68) return undefined;
  const m = /^(.+?)(?:_id|Id|ID|_ID)$/.exec(columnName);
  if (!m) return undefined;
  const stem = m[1].replace(/_+$/, '');
  return stem.length > 0 ? stem : undefined;
}

const FAMILIES: ColumnType[][] = [['int', 'bigint'], ['string', 'uuid']];

export function compatibleTypes(a: ColumnType, b: ColumnType): boolean {
  return a === b || FAMILIES.some((f) => f.includes(a) && f.includes(b));
}

function inForeignKey(table: Table, column: Column): boolean {
  return table.foreignKeys.some((fk) => fk.columns.some((c) => c === column.name || c === column.dbName));
}

function isWholePrimaryKey(table: Table, column: Column): boolean {
  const key = table.primaryKey?.columns ?? [];
  return key.length === 1 && (key[0] === column.name || key[0] === column.dbName);
}

export const missingForeignKey: Rule = {
  meta: {
    id: 'missing-foreign-key',
    category: 'relations',
    defaultSeverity: 'info',
    languages: ['prisma', 'drizzle', 'sql'],
    description: 'A column named like a reference to another table (`eventId`, `event_id`) without a foreign key.',
    partition: 'table',
    fix: 'unsafe',
  },
  check(context) {
    for (const database of context.databases) {
      if (!missingForeignKey.meta.languages.includes(database.language)) continue;
      // Built on the first name that looks like a reference (most tables have none outside their foreign keys).
      let index: Map<string, Table[]> | undefined;
      const names = () => (index ??= tablesByNameKey(database));
      for (const table of database.tables) {
        // Leftover copies (`payments_backup`) lack constraints on purpose: backup-table reports them.
        if (table.isView || leftoverOf(database, table, index)) continue;
        for (const column of table.columns) {
          if (isWholePrimaryKey(table, column) || inForeignKey(table, column)) continue;
          const stem = referencedName(column.name) ?? (column.dbName ? referencedName(column.dbName) : undefined);
          if (!stem) continue;
          const target = findTableByName(database, stem, undefined, names());
          // `Event.eventId` is an outside id (a provider's event id), not a reference to itself.
          if (!target || target === table || target.isView) continue;
          const key = target.primaryKey?.columns;
          if (!key || key.length !== 1) continue;
          const keyColumn = columnOf(target, key[0]);
          if (!keyColumn || !compatibleTypes(column.type, keyColumn.type)) continue;
          const references = { table: target.name, columns: [keyColumn.name] };
          context.report({
            message:
              `${table.name}.${column.name} looks like a reference to ${target.name}.${keyColumn.name}, but no foreign key says so: ` +
              `nothing stops it pointing at a missing ${database.language === 'prisma' ? target.name : `${target.name} row`}, and deleting ${aRowOf(database.language, target.name)} cannot cascade or be refused.`,
            loc: column.loc,
            fixes: [
              {
                title: addForeignKeyTitle(database, table, [column.name], target, [keyColumn.name]),
                safety: 'unsafe',
                intent: { kind: 'addForeignKey', database, table, columns: [column.name], references },
              },
            ],
            related: [{ loc: target.nameLoc, message: `Table ${target.name}` }],
          });
        }
      }
    }
  },
};
