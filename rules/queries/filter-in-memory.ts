import type { Rule } from '../types';
import type { DbCall } from '../model';
import { callLabel, knownColumns, tableForCall } from './support/code';

export const filterInMemory: Rule = {
  meta: {
    id: 'filter-in-memory',
    category: 'queries',
    defaultSeverity: 'info',
    languages: ['code'],
    // Judges each code file on its own: the engine reuses its findings for unchanged files.
    scope: 'file',
    description: "A query's result filtered in JavaScript on columns the query itself could filter.",
  },
  check(context) {
    for (const file of context.codeFiles) {
      for (const call of file.calls) {
        const uses = call.resultFilteredInMemory;
        if (call.kind !== 'read' || !uses?.length) continue;
        // Only columns of the queried table: a filter on a computed or joined property cannot move into `where`.
        const table = tableForCall(context.databaseFor(call.orm), call);
        if (!table) continue;
        // Columns the query filters already are not the problem (the JS filter is redundant, or finer).
        const filtered = new Set(knownColumns(table, call.filterColumns ?? []));
        const sites = uses
          .map((use) => ({ loc: use.loc, columns: knownColumns(table, use.fields).filter((c) => !filtered.has(c)) }))
          .filter((site) => site.columns.length > 0);
        if (!sites.length) continue;
        const columns = [...new Set(sites.flatMap((s) => s.columns))];
        const lines = sites.map((s) => s.loc.range.start.line + 1).join(', ');
        const where =
          call.orm === 'prisma'
            ? `\`where: { ${columns.map((c) => `${c}: …`).join(', ')} }\``
            : `\`.where(...)\` on ${columns.map((c) => `${call.model ?? table.name}.${c}`).join(', ')}`;
        context.report({
          message:
            `The rows of \`${callLabel(call)}\` are filtered in JavaScript on ${columns.join(', ')} (line${sites.length > 1 ? 's' : ''} ${lines}): ` +
            `${readsWholeTable(call) ? `every row of ${table.name} is read` : 'the rows the filter drops are read'} and sent over the network only to be thrown away. Filter in the query with ${where}.`,
          loc: call.loc,
          related: sites.map((s) => ({ loc: s.loc, message: `Filtered in memory on ${s.columns.join(', ')}` })),
        });
      }
    }
  },
};

/**
 * The query has neither a filter nor a row cap (Prisma `where`/`take`/`cursor`, Drizzle `.where`/`.limit`), so it
 * reads the whole table: only then is "every row is read" true.
 */
function readsWholeTable(call: DbCall): boolean {
  if (call.filterColumns?.length || call.filterByList) return false;
  const keys = call.argKeys;
  if (keys && keys.some((k) => k === 'where' || k === 'take' || k === 'cursor' || k === 'limit')) return false;
  if (call.chain && call.chain.some((m) => m === 'where' || m === 'limit')) return false;
  return Boolean(keys || call.chain);
}
