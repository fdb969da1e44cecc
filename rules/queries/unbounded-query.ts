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
        // Rows filtered in JavaScript on columns of the table afterwards (what filter-in-memory reports): a cap
        // before that filter keeps the table's first rows, not a page of the result, so totals and rates come out
        // wrong. The filter must move into the query first; no cap is offered.
        const jsFilter = table ? filteredInMemory(call, knownColumns(table, call.filterColumns ?? []), (fields) => knownColumns(table, fields)) : undefined;
        const advice = jsFilter
          ? `Its rows are filtered in JavaScript on ${jsFilter.columns.join(', ')} (line${jsFilter.lines.length > 1 ? 's' : ''} ${jsFilter.lines.join(', ')}): ` +
            'move that filter into the query first, since a cap before it would keep only the first rows of the table, not a page of the result.'
          : `Page it (${keyword} + cursor/offset) or cap it.`;
        context.report({
          message:
            `\`${callLabel(call)}\` has no \`${keyword}\`: it loads ${filtered} of ${name} into memory, ` +
            `so its time and memory grow with the table. ${advice}`,
          loc: call.loc,
          ...(jsFilter
            ? {}
            : { fixes: [{ title: limitTitle(call), safety: 'unsafe' as const, intent: { kind: 'addLimit' as const, file, call, limit: DEFAULT_LIMIT } }] }),
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

/** The table's columns the call's rows are filtered on in JavaScript (and the query does not filter by), with their 1-based lines. */
function filteredInMemory(
  call: DbCall,
  queried: readonly string[],
  columnsOf: (fields: string[]) => string[],
): { columns: string[]; lines: number[] } | undefined {
  const sites = (call.resultFilteredInMemory ?? [])
    .map((use) => ({ line: use.loc.range.start.line + 1, columns: columnsOf(use.fields).filter((c) => !queried.includes(c)) }))
    .filter((site) => site.columns.length > 0);
  if (!sites.length) return undefined;
  return { columns: [...new Set(sites.flatMap((s) => s.columns))], lines: sites.map((s) => s.line) };
}
