import type { DbCall } from '../model';
import type { Rule } from '../types';
import { callLabel, filtersByUniqueKey, knownColumns, tableForCall } from './support/code';

/** The row cap the fix writes when a query has none (the fix title names it). */
export const DEFAULT_LIMIT = 100;

/** Drizzle builder methods that bound a select. */
const BOUNDED_CHAIN = new Set(['limit']);

export const unboundedQuery: Rule = {
  meta: {
    id: 'unbounded-query',
    category: 'queries',
    defaultSeverity: 'info',
    languages: ['code'],
    // Judges each code file on its own: the engine reuses its findings for unchanged files.
    scope: 'file',
    description: 'A query that can return every row of a table (findMany without take, select without limit).',
    fix: 'unsafe',
  },
  check(context) {
    for (const file of context.codeFiles) {
      for (const call of file.calls) {
        const keyword = unbounded(call);
        // Rows for a list of keys the code passes (a batch lookup, query-in-loop's fix): as bounded as the list.
        if (!keyword || call.filterByList) continue;
        const table = tableForCall(context.databaseFor(call.orm), call);
        if (table && call.filterColumns && filtersByUniqueKey(table, knownColumns(table, call.filterColumns))) continue;
        // Without a schema, a filter on `id` is taken as a primary-key lookup.
        if (!table && call.filterColumns?.includes('id')) continue;
        const name = table?.name ?? call.model ?? 'the table';
        const filtered = call.filterColumns?.length ? 'every matching row' : 'every row';
        context.report({
          message:
            `\`${callLabel(call)}\` has no \`${keyword}\`: it loads ${filtered} of ${name} into memory, ` +
            `so its time and memory grow with the table. Page it (${keyword} + cursor/offset) or cap it.`,
          loc: call.loc,
          fixes: [
            {
              title: limitTitle(call),
              safety: 'unsafe',
              intent: { kind: 'addLimit', file, call, limit: DEFAULT_LIMIT },
            },
          ],
        });
      }
    }
  },
};

/** The missing keyword (`take` / `limit`) when the call can return a whole table, else undefined. */
function unbounded(call: DbCall): 'take' | 'limit' | undefined {
  if (call.kind !== 'read') return undefined;
  if (call.orm === 'prisma') {
    if (call.operation !== 'findMany' || !call.argKeys) return undefined;
    return call.argKeys.includes('take') ? undefined : 'take';
  }
  if (call.operation === 'select' || call.operation === 'selectDistinct' || call.operation === 'selectDistinctOn') {
    if (!call.chain || !call.chain.includes('from')) return undefined;
    // Aggregates without groupBy (`select({ n: count() })`) return one row.
    if (call.aggregate && !call.chain.includes('groupBy')) return undefined;
    return call.chain.some((m) => BOUNDED_CHAIN.has(m)) ? undefined : 'limit';
  }
  if (call.operation === 'findMany') return call.argKeys?.includes('limit') ? undefined : 'limit';
  return undefined;
}

function limitTitle(call: DbCall): string {
  const cap = `const MAX_ROWS = ${DEFAULT_LIMIT}, a default cap: set your page size`;
  if (call.orm === 'prisma') return `Add take: MAX_ROWS (${cap})`;
  if (call.operation.startsWith('select')) return `Add .limit(MAX_ROWS) (${cap})`;
  return `Add limit: MAX_ROWS (${cap})`;
}
