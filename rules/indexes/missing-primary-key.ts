import type { Rule } from '../types';
import type { Index, Table } from '../model';
import { columnOf, tableOf } from '../types';
import { leftoverOf } from '../migrations/backup-table';

/** A unique key whose columns are all NOT NULL and which covers every row (not partial): it identifies rows. */
function uniqueKeyOf(table: Table): Index | undefined {
  return table.indexes.find(
    (i) => i.unique && !i.partial && i.columns.length > 0 && i.columns.every((name) => columnOf(table, name)?.nullable === false),
  );
}

export const missingPrimaryKey: Rule = {
  meta: {
    id: 'missing-primary-key',
    category: 'indexes',
    defaultSeverity: 'warning',
    // Prisma refuses a model without @id/@@id/@unique, so only Drizzle and SQL can get here.
    languages: ['drizzle', 'sql'],
    description: 'A table without a primary key.',
    partition: 'table',
  },
  check(context) {
    for (const database of context.databases) {
      if (!missingPrimaryKey.meta.languages.includes(database.language)) continue;
      for (const table of database.tables) {
        // A leftover copy (`CREATE TABLE x_backup AS SELECT …`) has no key by nature: backup-table reports it.
        if (table.isView || table.primaryKey || leftoverOf(database, table)) continue;
        // Columns spread from code the front-end cannot read (a package's `...baseColumns()`) may hold the key.
        if (table.unreadColumns) continue;
        // A partition has its parent's primary key, and without one the parent is reported, where it is added.
        if (table.partitionOf !== undefined && tableOf(database, table.partitionOf)) continue;
        // A unique key on NOT NULL columns identifies every row: no duplicates, one row per key. MySQL's InnoDB clusters
        // the table on it as it would on a primary key, and SQLite has no logical replication: nothing is missing there.
        const key = uniqueKeyOf(table);
        if (key && (database.dialect === 'mysql' || database.dialect === 'sqlite')) continue;
        context.report({
          message: key
            ? `Table ${table.name} has no primary key: its unique key (${key.columns.join(', ')}) identifies rows, but logical replication ` +
              `cannot replicate its updates and deletes (it uses the primary key unless REPLICA IDENTITY USING INDEX names another).`
            : `Table ${table.name} has no primary key: nothing identifies a row, so duplicates slip in, ORMs cannot update or delete one row ` +
              `reliably, and logical replication cannot replicate its updates and deletes.`,
          loc: table.nameLoc,
        });
      }
    }
  },
};
