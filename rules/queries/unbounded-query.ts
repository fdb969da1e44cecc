import type { DbCall, Table } from '../model';
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
        // Rows folded into a number in JavaScript (a sum, an average, a count): a cap would make the number silently
        // wrong, and the database computes it in one row. No cap is offered.
        const aggregated = jsFilter ? undefined : aggregatedInMemory(call);
        const advice = jsFilter
          ? `Its rows are filtered in JavaScript on ${jsFilter.columns.join(', ')} (line${jsFilter.lines.length > 1 ? 's' : ''} ${jsFilter.lines.join(', ')}): ` +
            'move that filter into the query first, since a cap before it would keep only the first rows of the table, not a page of the result.'
          : aggregated
            ? `Its rows are aggregated in JavaScript (${aggregated}): let the database compute the number, ${databaseAggregate(call, table)}, ` +
              'which returns one row; a cap would silently leave rows out of the result.'
            : `Page it (${keyword} + cursor/offset) or cap it.`;
        context.report({
          message:
            `\`${callLabel(call)}\` has no \`${keyword}\`: it loads ${filtered} of ${name} into memory, ` +
            `so its time and memory grow with the table. ${advice}`,
          loc: call.loc,
          ...(jsFilter || aggregated
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

/** Where the rows are aggregated in JavaScript, grouped by line: `reduce, .length on line 10, .length on line 11`. */
function aggregatedInMemory(call: DbCall): string | undefined {
  const uses = call.resultAggregatedInMemory ?? [];
  if (!uses.length) return undefined;
  const byLine = new Map<number, string[]>();
  for (const use of uses) {
    const line = use.loc.range.start.line + 1;
    const what = use.how === 'length' ? '.length' : use.how;
    const list = byLine.get(line) ?? [];
    if (!list.includes(what)) list.push(what);
    byLine.set(line, list);
  }
  return [...byLine.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([line, whats]) => `${whats.join(', ')} on line ${line}`)
    .join(', ');
}

/**
 * The query that computes the number in the database: Prisma `aggregate` / `count`, Drizzle `select({ … })` of an
 * aggregate function. An average when a mean helper is used or a count sits on the same line as a sum (`sum /
 * rows.length`), the min/max for those helpers, else a sum; only a count when the rows are only counted.
 */
function databaseAggregate(call: DbCall, table: Table | undefined): string {
  const uses = call.resultAggregatedInMemory ?? [];
  const folds = uses.filter((u) => u.how !== 'length');
  const counts = uses.filter((u) => u.how === 'length');
  // Fields the code adds up, those of the table when its schema is known (not a computed property).
  const fields = [...new Set(folds.flatMap((u) => u.fields))].filter((f) => !table || knownColumns(table, [f]).length > 0);
  const model = call.model ?? 'model';
  const filtered = !!call.filterColumns?.length || !!call.argKeys?.includes('where') || !!call.chain?.includes('where');
  const average =
    folds.some((u) => u.how === 'mean' || u.how === 'meanBy') ||
    folds.some((f) => counts.some((c) => c.loc.range.start.line === f.loc.range.start.line));
  const extreme = folds.length > 0 && folds.every((u) => /^(max|min)(By)?$/.test(u.how)) ? (folds[0]!.how.startsWith('max') ? 'max' : 'min') : undefined;
  const kind = average ? 'avg' : extreme ?? 'sum';
  if (call.orm === 'prisma') {
    const count = `\`${call.client}.${model}.count(${filtered ? '{ where }' : ''})\``;
    if (!folds.length) return count;
    const selection = fields.length ? fields.map((f) => `${f}: true`).join(', ') : '…';
    const others = ['_sum', '_avg', '_count'].filter((k) => k !== `_${kind}`).slice(0, 2);
    return (
      `\`${call.client}.${model}.aggregate({ ${filtered ? 'where, ' : ''}_${kind}: { ${selection} } })\` ` +
      `(or ${others.map((k) => `\`${k}\``).join(', ')}) or ${count}`
    );
  }
  const where = filtered ? '.where(…)' : '';
  if (!folds.length) return `\`${call.client}.select({ n: count() }).from(${model})${where}\``;
  const name = kind === 'avg' ? 'average' : kind === 'sum' ? 'total' : kind;
  const others = ['sum(…)', 'avg(…)', 'count()'].filter((k) => !k.startsWith(`${kind}(`)).slice(0, 2);
  return (
    `\`${call.client}.select({ ${name}: ${kind}(${model}.${fields[0] ?? '…'}) }).from(${model})${where}\` ` +
    `(or ${others.map((k) => `\`${k}\``).join(', ')})`
  );
}
