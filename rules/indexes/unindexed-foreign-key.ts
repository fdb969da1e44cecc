import type { Rule } from '../types';
import type { Index, Table } from '../model';
import { coversLeading, dialectIndexesForeignKeys, indexesOf, indexMethod, isCovered, tableOf } from '../types';

const METHOD_NAMES: Record<string, string> = { hash: 'Hash', gin: 'GIN', gist: 'GiST', spgist: 'SP-GiST', brin: 'BRIN', fulltext: 'FULLTEXT', spatial: 'SPATIAL' };

/** An index on these leading columns whose access method cannot serve the key's equality lookups (GIN, BRIN…). */
function otherMethodIndex(all: readonly Index[], columns: readonly string[]): Index | undefined {
  for (let j = 0; j < all.length; j++) {
    const i = all[j];
    if (indexMethod(i) !== 'btree' && coversLeading({ ...i, method: undefined }, columns)) return i;
  }
  return undefined;
}
/**
 * The leading columns of an index that are some of these key columns, when no index covers them all: the longest
 * such run (`@@index([accountId])` for a key (accountId, userId)). A lookup by the key probes that index and checks
 * the other columns on the rows it finds: it does not read the whole table.
 */
function partlyCovering(all: readonly Index[], columns: readonly string[]): string[] | undefined {
  let best: string[] | undefined;
  for (let j = 0; j < all.length; j++) {
    const index = all[j];
    // A Hash index serves the equality on its one column as well as a B-tree does.
    if (index.partial || !(indexMethod(index) === 'btree' || (indexMethod(index) === 'hash' && index.columns.length === 1))) continue;
    let k = 0;
    // (`indexOf(…) < k`: not among the first k, without a copy of them.)
    while (k < index.columns.length && k < columns.length - 1 && columns.includes(index.columns[k]) && index.columns.indexOf(index.columns[k]) >= k) k++;
    if (k > 0 && (!best || k > best.length)) best = index.columns.slice(0, k);
  }
  return best;
}
/**
 * Whether a lookup by these leading key columns (partlyCovering) already finds only the rows referencing the deleted
 * row: when they are unique in the referencing table (a key of it among them: at most one row), or when the parent
 * columns they reference hold a unique key of the parent (`itemId` → `item.id`, unique by itself: every row with that
 * itemId references that one item, whatever its other key columns). The index then serves the key's lookups exactly.
 */
function prefixPinsRows(table: Table, parent: Table | undefined, fk: { columns: readonly string[]; references: { columns: readonly string[] } }, prefix: readonly string[]): boolean {
  const keys = (t: Table) => [t.primaryKey, ...t.indexes.filter((i) => i.unique)].filter((i): i is Index => i !== undefined && !i.partial && i.columns.length > 0);
  const within = (key: Index, columns: readonly string[]) => key.columns.every((c) => columns.includes(c));
  if (keys(table).some((k) => within(k, prefix))) return true;
  if (!parent) return false;
  const referenced = prefix.map((c) => fk.references.columns[fk.columns.indexOf(c)]).filter((c): c is string => c !== undefined);
  return keys(parent).some((k) => within(k, referenced));
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
      // Indexed loops over every table and key (see "Hot loops" in ../types.ts).
      const tables = database.tables;
      for (let t = 0; t < tables.length; t++) {
        const table = tables[t];
        if (table.isView) continue;
        // Made at the first key without an index (most tables have none).
        let seen: Set<string> | undefined;
        let all: Index[] | undefined;
        const fks = table.foreignKeys;
        for (let k = 0; k < fks.length; k++) {
          const fk = fks[k];
          if (fk.columns.length === 0 || isCovered(table, fk.columns)) continue;
          // Two relations over the same columns need one index and one finding.
          const key = fk.columns.length === 1 ? fk.columns[0] : fk.columns.slice().sort().join('\u0000');
          if (seen?.has(key)) continue;
          (seen ??= new Set()).add(key);
          const parent = fk.references.table;
          const cols = fk.columns.join(', ');
          // Drizzle's relations() declare a link for relational queries only: no constraint, and nothing runs on delete.
          const queriesOnly = !fk.enforced && database.language === 'drizzle';
          const related = tableOf(database, parent);
          // A relation to a view has no foreign key and no deletes to check: only the joins and filters.
          const toView = related?.isView === true;
          // The table's indexes, primary key first: listed once for its keys without an index.
          all ??= indexesOf(table);
          const other = otherMethodIndex(all, fk.columns);
          // An index on some leading key columns narrows the lookup to the rows sharing them: "reads every row with its
          // accountId", not "scans all".
          const prefix = other ? undefined : partlyCovering(all, fk.columns);
          if (prefix && !queriesOnly && prefixPinsRows(table, related, fk, prefix)) continue;
          const scansAll = prefix
            ? `reads every ${table.name} row with its ${prefix.join(' and ')}`
            : `scans all of ${table.name}`;
          const readsAll = prefix ? scansAll : `reads all of ${table.name}`;
          const rest = fk.columns.filter((c) => !prefix?.includes(c)).join(' and ');
          const deletes = fk.enforced
            ? `every delete of ${aRowOf(database.language, parent)} ${scansAll} to check ${prefix ? rest : 'for referencing rows'}`
            : `every delete of ${aRowOf(database.language, parent)} through the ORM ${scansAll} to emulate the referential action`;
          const method = other ? METHOD_NAMES[indexMethod(other)] ?? indexMethod(other) : '';
          // A partial index on the key (`WHERE deleted_at IS NULL`, soft deletes): queries repeating its condition use
          // it, the check a delete runs (every row with the key) cannot.
          const partialOnKey = other || prefix ? undefined : all.find((i) => i.partial && coversLeading({ ...i, partial: false, whereNotNull: undefined }, fk.columns));
          const what = other
            ? `has no index that serves its lookups (the ${method} index${other.name ? ` ${other.name}` : ''} on it cannot: it does not serve equality lookups by ${cols})`
            : prefix
              ? `is indexed on (${prefix.join(', ')}) only`
              : partialOnKey
                ? `has no index the delete check can use (the partial index${partialOnKey.name ? ` ${partialOnKey.name}` : ''} on it holds only the rows its WHERE condition keeps)`
                : 'has no index';
          let message: string;
          if (toView)
            message = prefix
              ? `The relation ${table.name} (${cols}) → ${parent} (a view: no foreign key) ${what}: every join or filter by ${cols} ${scansAll} to check ${rest}.`
              : `The relation ${table.name} (${cols}) → ${parent} (a view: no foreign key) ${what}: every join or filter by ${cols} scans all of ${table.name}.`;
          else if (database.dialect === 'mongodb')
            message = `The relation ${table.name} (${cols}) → ${parent} ${what} (MongoDB indexes only _id by itself): every delete of ${aRowOf(database.language, parent)} through Prisma Client ${readsAll} to emulate the referential action, and so does every include or filter by ${cols}.`;
          else if (queriesOnly)
            // The one() side (`with: { author: true }`) looks the parent up by the columns it references, as a rule its
            // key: what needs this index is the other direction, a parent's rows loaded through a many() or a filter by
            // the key. The model does not say whether a many() is declared: the message holds either way.
            message = `The relation ${table.name} (${cols}) → ${parent}, declared with relations() (no foreign key), ${what}: loading the ${table.name} rows of ${aRowOf(database.language, parent)} (a many() relation or a filter by ${cols}) ${scansAll}.`;
          else if (partialOnKey)
            message = `Foreign key ${table.name} (${cols}) ${what}: ${deletes}; joins and filters by ${cols} use that index only when they repeat its condition.`;
          else message = `Foreign key ${table.name} (${cols}) ${what}: ${deletes}, and so does every join or filter by ${cols}.`;
          context.report({
            message,
            loc: fk.loc,
            fixes: [
              {
                title: addIndexTitle(database, table, fk.columns),
                safety: 'safe',
                preferred: true,
                intent: { kind: 'addIndex', database, table, columns: fk.columns.slice() },
              },
            ],
            related: related ? [{ loc: related.nameLoc, message: `Referenced table ${related.name}` }] : undefined,
          });
        }
      }
    }
  },
};
