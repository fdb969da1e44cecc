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
      // MySQL/InnoDB indexes foreign-key columns itself; MongoDB has no joins to speak of here.
      if (dialectIndexesForeignKeys(database) || database.dialect === 'mongodb') continue;
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
          const deletes = fk.enforced
            ? `every delete of ${aRowOf(database.language, parent)} scans all of ${table.name} to check for referencing rows`
            : `every delete of ${aRowOf(database.language, parent)} through the ORM scans all of ${table.name} to emulate the referential action`;
          const related = tableOf(database, parent);
          const other = otherMethodIndex(table, fk.columns);
          const method = other ? METHOD_NAMES[indexMethod(other)] ?? indexMethod(other) : '';
          const what = other
            ? `has no index that serves its lookups (the ${method} index${other.name ? ` ${other.name}` : ''} on it cannot: it does not serve equality lookups by ${cols})`
            : 'has no index';
          context.report({
            message: queriesOnly
              ? `The relation ${table.name} (${cols}) → ${parent}, declared with relations() (no foreign key), ${what}: every relational query that joins it and every filter by ${cols} scans all of ${table.name}.`
              : `Foreign key ${table.name} (${cols}) ${what}: ${deletes}, and so does every join or filter by ${cols}.`,
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
