import type { Rule } from '../types';
import { tableOf } from '../types';
import { leftoverOf } from '../migrations/backup-table';

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
        // A partition has its parent's primary key, and without one the parent is reported, where it is added.
        if (table.partitionOf !== undefined && tableOf(database, table.partitionOf)) continue;
        context.report({
          message:
            `Table ${table.name} has no primary key: nothing identifies a row, so duplicates slip in, ORMs cannot update or delete one row ` +
            `reliably, and logical replication cannot replicate its updates and deletes.`,
          loc: table.nameLoc,
        });
      }
    }
  },
};
