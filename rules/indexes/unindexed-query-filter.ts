import type { Database, DbCall, Loc, Table } from '../model';
import type { Rule } from '../types';
import { indexesOf } from '../types';
import { addIndexTitle } from '../titles';
import { callLabel, filtersByUniqueKey, knownColumns, tableForCall } from '../queries/support/code';

interface Demand {
  database: Database;
  table: Table;
  columns: string[];
  sites: { loc: Loc; label: string; ordered: boolean }[];
}

export const unindexedQueryFilter: Rule = {
  meta: {
    id: 'unindexed-query-filter',
    category: 'indexes',
    defaultSeverity: 'info',
    languages: ['prisma', 'drizzle', 'code'],
    description: 'Columns that queries in the code filter or sort by, with no index that starts with them.',
    fix: 'safe',
  },
  check(context) {
    const demands = new Map<string, Demand>();
    for (const file of context.codeFiles) {
      for (const call of file.calls) {
        const database = context.databaseFor(call.orm);
        const table = tableForCall(database, call);
        if (!database || !table || table.isView || database.dialect === 'mongodb') continue;
        const wanted = wantedColumns(call, table);
        if (!wanted) continue;
        if (!needsIndex(table, wanted.columns)) continue;
        const key = `${database.id}\u0000${table.name}\u0000${wanted.columns.join('\u0000')}`;
        let demand = demands.get(key);
        if (!demand) demands.set(key, (demand = { database, table, columns: wanted.columns, sites: [] }));
        demand.sites.push({ loc: call.loc, label: callLabel(call), ordered: wanted.ordered });
      }
    }
    for (const { database, table, columns, sites } of demands.values()) {
      const cols = columns.join(', ');
      const sorted = sites.every((s) => s.ordered);
      const queries = sites.length === 1 ? `A query (${sites[0]!.label})` : `${sites.length} queries`;
      context.report({
        message:
          `${queries} ${sorted ? 'sort' : 'filter'}${sites.length === 1 ? 's' : ''} ${table.name} by ${cols}, but no index starts with ${columns.length === 1 ? 'that column' : 'those columns'}: ` +
          `each one ${sorted ? 'sorts' : 'scans'} the whole table, which gets slower as ${table.name} grows.`,
        loc: table.nameLoc,
        fixes: [
          {
            title: addIndexTitle(database, table, columns),
            safety: 'safe',
            preferred: true,
            intent: { kind: 'addIndex', database, table, columns: [...columns] },
          },
        ],
        related: sites.map((s) => ({ loc: s.loc, message: `${s.ordered ? 'Sorted' : 'Filtered'} by ${cols} here` })),
      });
    }
  },
};

/**
 * The columns an index should start with for this call: the filtered columns, or for a bounded query
 * with no filter the sort columns (an index lets `ORDER BY … LIMIT` stop early; without a limit the
 * whole table is read anyway).
 */
function wantedColumns(call: DbCall, table: Table): { columns: string[]; ordered: boolean } | undefined {
  const filters = knownColumns(table, call.filterColumns ?? []);
  if (filters.length) return { columns: filters, ordered: false };
  const order = knownColumns(table, call.orderColumns ?? []);
  if (!order.length) return undefined;
  const bounded =
    call.operation.startsWith('findFirst') ||
    (call.argKeys?.includes('take') ?? false) ||
    (call.argKeys?.includes('limit') ?? false) ||
    (call.chain?.includes('limit') ?? false);
  return bounded ? { columns: order, ordered: true } : undefined;
}

/**
 * False when an index already serves the query: a unique key or the primary key lies within the
 * filtered columns (at most one row), some index starts with one of them (the database narrows by it
 * and filters the rest), or the columns are a foreign key that `unindexed-foreign-key` already reports.
 */
function needsIndex(table: Table, columns: string[]): boolean {
  if (filtersByUniqueKey(table, columns)) return false;
  if (indexesOf(table).some((i) => !i.partial && i.columns.length > 0 && columns.includes(i.columns[0]!))) return false;
  const set = new Set(columns);
  const isForeignKey = table.foreignKeys.some(
    (fk) => fk.columns.length === set.size && fk.columns.every((c) => set.has(c)),
  );
  // Either unindexed-foreign-key reports it already, or the dialect indexes foreign keys itself.
  return !isForeignKey;
}
