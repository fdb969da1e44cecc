import type { Rule } from '../types';
import type { Index, Table } from '../model';
import { coversLeading, dialectIndexesForeignKeys, indexesOf, indexMethod, isCovered, tableOf } from '../types';

const METHOD_NAMES: Record<string, string> = { hash: 'Hash', gin: 'GIN', gist: 'GiST', spgist: 'SP-GiST', brin: 'BRIN', fulltext: 'FULLTEXT', spatial: 'SPATIAL' };

/** An index on these leading columns whose access method cannot serve the key's equality lookups (GIN, BRIN…). */
function otherMethodIndex(table: Table, columns: readonly string[]): Index | undefined {
  return indexesOf(table).find((i) => indexMethod(i) !== 'btree' && coversLeading({ ...i, method: undefined }, columns));
}
import { aRowOf } from '../names';
import { addIndexTitle } from '../titles';

export const unindexedForeignKey: Rule = {
  meta: {
    id: 'unindexed-foreign-key',
    category: 'indexes',
    defaultSeverity: 'warning',
    languages: ['prisma', 'drizzle', 'sql'],
    description: 'A foreign key whose columns are not the leading columns of any index, unique constraint or primary key.',
    partition: 'table',
    fix: 'safe',
  },
  check(context) {
    for (const database of context.databases) {
      if (!unindexedForeignKey.meta.languages.includes(database.language)) continue;
      // MySQL/InnoDB indexes foreign-key columns itself. (MongoDB indexes nothing by itself: Prisma's includes and the
      // referential actions it emulates look the documents up by the key, like joins.)
      if (dialectIndexesForeignKeys(database)) continue;
      for (const table of database.tables) {
        if (table.isView) continue;
        const seen = new Set<string>();
        for (const fk of table.foreignKeys) {
          if (fk.columns.length === 0 || isCovered(table, fk.columns)) continue;
          // Two relations over the same columns need one index and one finding.
          const key = fk.columns.length === 1 ? fk.columns[0] : [...fk.columns].sort().join('\u0000');
          if (seen.has(key)) continue;
          seen.add(key);
          const parent = fk.references.table;
          const cols = fk.columns.join(', ');
          // Drizzle's relations() declare a link for relational queries only: no constraint, and nothing runs on delete.
          const queriesOnly = !fk.enforced && database.language === 'drizzle';
          const related = tableOf(database, parent);
          // A relation to a view has no foreign key and no deletes to check: only the joins and filters.
          const toView = related?.isView === true;
          const deletes = fk.enforced
            ? `every delete of ${aRowOf(database.language, parent)} scans all of ${table.name} to check for referencing rows`
            : `every delete of ${aRowOf(database.language, parent)} through the ORM scans all of ${table.name} to emulate the referential action`;
          const other = otherMethodIndex(table, fk.columns);
          const method = other ? METHOD_NAMES[indexMethod(other)] ?? indexMethod(other) : '';
          const what = other
            ? `has no index that serves its lookups (the ${method} index${other.name ? ` ${other.name}` : ''} on it cannot: it does not serve equality lookups by ${cols})`
            : 'has no index';
          let message: string;
          if (toView) message = `The relation ${table.name} (${cols}) → ${parent} (a view: no foreign key) ${what}: every join or filter by ${cols} scans all of ${table.name}.`;
          else if (database.dialect === 'mongodb')
            message = `The relation ${table.name} (${cols}) → ${parent} ${what} (MongoDB indexes only _id by itself): every delete of ${aRowOf(database.language, parent)} through Prisma Client reads all of ${table.name} to emulate the referential action, and so does every include or filter by ${cols}.`;
          else if (queriesOnly)
            message = `The relation ${table.name} (${cols}) → ${parent}, declared with relations() (no foreign key), ${what}: every relational query that joins it and every filter by ${cols} scans all of ${table.name}.`;
          else message = `Foreign key ${table.name} (${cols}) ${what}: ${deletes}, and so does every join or filter by ${cols}.`;
          context.report({
            message,
            loc: fk.loc,
            fixes: [
              {
                title: addIndexTitle(database, table, fk.columns),
                safety: 'safe',
                preferred: true,
                intent: { kind: 'addIndex', database, table, columns: [...fk.columns] },
              },
            ],
            related: related ? [{ loc: related.nameLoc, message: `Referenced table ${related.name}` }] : undefined,
          });
        }
      }
    }
  },
};
