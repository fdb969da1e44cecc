import type { Database, DbCall, FilterTerm, ForeignKey, Index, Loc, Table } from '../model';
import type { Rule } from '../types';
import { dialectIndexesForeignKeys, indexesOf, indexMethod, isCovered, tableOf } from '../types';
import { addIndexTitle } from '../titles';
import { callLabel, compareLocs, filtersByUniqueKey, knownColumns, tableForCall } from '../queries/support/code';

/**
 * What one query needs of an index, by the usual rule: the columns it compares by equality first (`lead`), then
 * the column(s) it sorts by, or else its one range column (`trail`).
 */
export interface IndexNeed {
  lead: string[];
  trail: string[];
  /** `sort`: the trail is the sort order; `range`: one range (or other) filter; undefined: no trail. */
  trailKind?: 'sort' | 'range';
  /** Every filtered column of this need (lead and range/other columns). */
  filters: string[];
  /** The query is bounded (`take`, `limit`, `findFirst`). */
  bounded: boolean;
  /** Every run of the query applies the lead filters (none of them is pushed under an `if`). */
  sure: boolean;
  /** The filtered columns of this need that only some runs apply (the condition of a variant that is not `sure`). */
  optional: string[];
}

interface Site {
  loc: Loc;
  label: string;
  need: IndexNeed;
}

interface Demand {
  database: Database;
  table: Table;
  columns: string[];
  need: IndexNeed;
  /**
   * Advice, not a new need (see `needsIndex`): the existing index that filters but does not return the rows in the
   * query's order, or the foreign key without an index that leads the filter.
   */
  advice?: Advice;
  sites: Site[];
}

/** A sorted, bounded query whose equality columns already have (or, for a foreign key, are reported to need) an index. */
type Advice = { kind: 'extend'; index: Index; foreignKey?: ForeignKey } | { kind: 'foreignKey'; foreignKey: ForeignKey };

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
        const judged = judgedCall(call, context.databaseFor(call.orm));
        if (!judged) continue;
        const { database, table, needs, verdicts } = judged;
        const sure = needs.findIndex((need) => need.sure);
        for (const [i, need] of needs.entries()) {
          const verdict = verdicts[i];
          if (!verdict) continue;
          // A run that adds an equality filter to those of every run is served by the index every run needs, which
          // reads the rows of those values in the same order and checks the extra filter on them.
          if (!need.sure && sure >= 0 && verdicts[sure] && sameOrderWithin(needs[sure]!, need)) continue;
          const advice = verdict === true ? undefined : verdict;
          const columns = columnsOf(need, advice);
          const key = `${database.id}\u0000${table.name}\u0000${advice ? 'advice' : ''}\u0000${columns.join('\u0000')}`;
          let demand = demands.get(key);
          if (!demand) {
            demand = { database, table, columns, need, sites: [] };
            if (advice) demand.advice = advice;
            demands.set(key, demand);
          }
          if (!demand.sites.some((s) => s.loc === call.loc)) demand.sites.push({ loc: call.loc, label: callLabel(call), need });
        }
      }
    }
    for (const demand of mergePrefixes([...demands.values()])) report(context, demand);
  },
};

interface JudgedCall {
  database: Database;
  table: Table;
  needs: IndexNeed[];
  verdicts: (boolean | Advice)[];
}

/**
 * What a call needs of an index and whether the database serves it, remembered per call for the database it was
 * judged against: an edit of one code file keeps the other files' calls (and an edit of code keeps the databases),
 * so a review judges only what is new. Both are read-only once analyzed.
 */
const judgedCalls = new WeakMap<DbCall, JudgedCall | { database: Database | undefined; none: true }>();

function judgedCall(call: DbCall, database: Database | undefined): JudgedCall | undefined {
  const known = judgedCalls.get(call);
  if (known && known.database === database) return 'none' in known ? undefined : known;
  const table = tableForCall(database, call);
  if (!database || !table || table.isView || database.dialect === 'mongodb') {
    judgedCalls.set(call, { database, none: true });
    return undefined;
  }
  const needs = indexNeeds(call, table, database);
  const judged = { database, table, needs, verdicts: needs.map((need) => needsIndex(database, table, need)) };
  judgedCalls.set(call, judged);
  return judged;
}

function report(context: Parameters<Rule['check']>[0], demand: Demand): void {
  const { database, table, columns, need, sites } = demand;
  const n = sites.length;
  const s = n === 1 ? 's' : '';
  const queries = n === 1 ? `A query (${sites[0]!.label})` : `${n} queries`;
  const list = (cols: readonly string[]) => cols.join(', ');
  const sortedBy = need.trailKind === 'sort' ? list(need.trail) : '';
  const filtering = sites.filter((x) => x.need.filters.some((c) => columns.includes(c)));
  const sorting = sites.filter((x) => x.need.trailKind === 'sort');
  const filtered = columns.filter((c) => filtering.some((x) => x.need.filters.includes(c)));
  const sorted = columns.filter((c) => !filtered.includes(c) && sorting.some((x) => x.need.trail.includes(c)));
  const those = (cols: readonly string[]) => (cols.length === 1 ? 'that column' : 'those columns');
  let message: string;
  const advice = demand.advice;
  if (advice) {
    const lead = list(columns.slice(0, need.lead.length));
    const why = advice.kind === 'extend'
      ? `the index${advice.index.name ? ` ${advice.index.name}` : ''} on (${list(advice.index.columns)}) does not continue with ${list(columns.slice(advice.index.columns.length))}`
      : `the foreign key (${list(advice.foreignKey.columns)}) has no index`;
    const instead = advice.kind === 'foreignKey'
      ? ' It also serves the foreign key: add it instead of the single-column index unindexed-foreign-key suggests.'
      : ` It makes the index on (${list(advice.index.columns)}) redundant.`;
    message =
      `${queries} filter${s} ${table.name} by ${filteredText(columns.slice(0, need.lead.length), sites)} and sort${s} by ${sortedBy} with a limit, but ${why}: ` +
      `each one reads and sorts every matching row to return the first few. An index on (${list(columns)}) returns them in order.${instead}`;
  } else if (!filtering.length) {
    message = `${queries} sort${s} ${table.name} by ${list(columns)}, but no index starts with ${those(columns)}: each one sorts the whole table, which gets slower as ${table.name} grows.`;
  } else if (filtering.length < n) {
    message = `${queries} filter or sort ${table.name} by ${list(columns)}, but no index starts with ${those(columns)}: each one reads the whole table, which gets slower as ${table.name} grows.`;
  } else {
    const also = !sorted.length ? '' : sorting.length === n ? ` and sort${s} by ${list(sorted)}` : ` (${sorting.length} of them also sorting by ${list(sorted)})`;
    message =
      `${queries} filter${s} ${table.name} by ${filteredText(filtered, filtering)}${also}, but no index starts with ${those(filtered)}: ` +
      `each one scans the whole table, which gets slower as ${table.name} grows.` +
      (sorted.length ? ` An index on (${list(columns)}) also returns the rows in order.` : '');
  }
  context.report({
    message,
    loc: table.nameLoc,
    fixes: [
      // Advice replaces an index (or the one unindexed-foreign-key adds): the user's call, never a fix-all's, so a
      // fix-all never adds two overlapping indexes.
      advice
        ? { title: addIndexTitle(database, table, columns), safety: 'display-only', intent: { kind: 'addIndex', database, table, columns: [...columns] } }
        : { title: addIndexTitle(database, table, columns), safety: 'safe', preferred: true, intent: { kind: 'addIndex', database, table, columns: [...columns] } },
    ],
    related: [...sites].sort((a, b) => compareLocs(a.loc, b.loc)).map((x) => ({ loc: x.loc, message: `${siteText(x.need)} here` })),
  });
}

/**
 * `inner` sorts as `outer` does and filters by equality on `outer`'s equality columns (at least one) and more: the
 * index `outer` needs reads one value's rows in order, and checks the extra filter on them.
 */
function sameOrderWithin(outer: IndexNeed, inner: IndexNeed): boolean {
  return (
    outer.lead.length > 0 &&
    outer.trailKind === 'sort' &&
    inner.trailKind === 'sort' &&
    outer.trail.join('\u0000') === inner.trail.join('\u0000') &&
    outer.lead.every((c) => inner.lead.includes(c))
  );
}

/** `a, b` (every filtering run applies them), `a, b and, on some calls, c`, or `c on some calls`. */
function filteredText(columns: readonly string[], sites: readonly Site[]): string {
  const always = columns.filter((c) => sites.some((x) => x.need.filters.includes(c) && !x.need.optional.includes(c)));
  const some = columns.filter((c) => !always.includes(c));
  if (!some.length) return always.join(', ');
  if (!always.length) return `${some.join(', ')} on some calls`;
  return `${always.join(', ')} and, on some calls, ${some.join(', ')}`;
}

function siteText(need: IndexNeed): string {
  const filtered = need.filters.length ? `Filtered by ${need.filters.join(', ')}` : '';
  const sorted = need.trailKind === 'sort' ? `${filtered ? ' and sorted' : 'Sorted'} by ${need.trail.join(', ')}` : '';
  return filtered + sorted;
}

/**
 * The index columns for a need: its equality columns, then its trail. Advice starts with the columns of the index it
 * extends (so that it makes that index redundant), or of the foreign key it serves.
 */
function columnsOf(need: IndexNeed, advice?: Advice): string[] {
  const first = advice?.kind === 'extend' ? advice.index.columns : advice?.foreignKey.columns ?? [];
  const out = first.filter((c) => need.lead.includes(c));
  for (const c of need.lead) if (!out.includes(c)) out.push(c);
  for (const c of need.trail) if (!out.includes(c)) out.push(c);
  return out;
}

/**
 * What a query needs of an index (see `IndexNeed`). A filter term applied on some runs only (a condition pushed
 * under an `if`) is a need of its own: every run applies the terms that are always there, some runs add it. Older
 * facts without `filterTerms` count every filtered column as an equality.
 */
export function indexNeeds(call: DbCall, table: Table, database?: Database): IndexNeed[] {
  const terms: FilterTerm[] = [];
  for (const t of call.filterTerms ?? (call.filterColumns ?? []).map((column): FilterTerm => ({ column, op: 'eq' }))) {
    // A joined table's column (`eq(users.status, …)` in a select from trades): that table's filter, not this one's.
    if (database && t.table !== undefined && t.table !== call.model) {
      const other = tableOf(database, t.table);
      if (other && other !== table) continue;
    }
    const [column] = knownColumns(table, [t.column]);
    if (column) terms.push({ ...t, column });
  }
  const order = knownColumns(table, call.orderColumns ?? []);
  const bounded =
    call.operation.startsWith('findFirst') ||
    (call.argKeys?.includes('take') ?? false) ||
    (call.argKeys?.includes('limit') ?? false) ||
    (call.chain?.includes('limit') ?? false);
  const always = terms.filter((t) => !t.conditional);
  const variants: { terms: FilterTerm[]; sure: boolean }[] = [{ terms: always, sure: true }];
  const optional = [...new Set(terms.filter((t) => t.conditional).map((t) => t.column))];
  for (const column of optional) {
    if (always.some((t) => t.column === column)) continue;
    variants.push({ terms: [...always, ...terms.filter((t) => t.conditional && t.column === column)], sure: false });
  }
  const out: IndexNeed[] = [];
  const seen = new Set<string>();
  for (const v of variants) {
    const need = shapeOf(v.terms, order, bounded, v.sure);
    if (!need) continue;
    const key = `${need.lead.join(',')}|${need.trail.join(',')}|${need.trailKind ?? ''}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(need);
  }
  return out;
}

function shapeOf(terms: FilterTerm[], order: string[], bounded: boolean, sure: boolean): IndexNeed | undefined {
  const lead: string[] = [];
  const rest: string[] = [];
  for (const t of terms) if ((t.op === 'eq' || t.op === 'list') && !lead.includes(t.column)) lead.push(t.column);
  // `other` operators (`contains`/`ilike '%…%'`, `ne`, `not`, `isNotNull`) are no B-tree search: checked on the rows
  // the index finds, never a reason for one.
  for (const t of terms) if (t.op === 'range' && !lead.includes(t.column) && !rest.includes(t.column)) rest.push(t.column);
  const filters = [...lead, ...rest];
  const optional = sure ? [] : filters.filter((c) => !terms.some((t) => t.column === c && !t.conditional));
  if (lead.length) {
    // After an equality the index returns the rows in its next column's order; after an IN list it does not.
    const sortable = terms.every((t) => t.op !== 'list' || !lead.includes(t.column));
    const after = order.filter((c) => !lead.includes(c));
    if (sortable && after.length) return { lead, trail: after, trailKind: 'sort', filters, bounded, sure, optional };
    if (rest.length) return { lead, trail: [rest[0]!], trailKind: 'range', filters, bounded, sure, optional };
    return { lead, trail: [], filters, bounded, sure, optional };
  }
  // A range filter: the index on that column (it also returns the rows in its order when the query sorts by it).
  if (rest.length) return { lead, trail: [rest[0]!], trailKind: 'range', filters, bounded, sure, optional };
  // Only a sort: an index lets `ORDER BY … LIMIT` stop early; without a limit the whole table is read anyway.
  if (order.length && bounded) return { lead, trail: order, trailKind: 'sort', filters, bounded, sure, optional };
  return undefined;
}

/** A non-partial B-tree index whose leading columns are `lead` (any order) and then `trail` (in order). */
function servesInOrder(index: Index, lead: readonly string[], trail: readonly string[]): boolean {
  if (index.partial || indexMethod(index) !== 'btree' || index.columns.length < lead.length + trail.length) return false;
  const head = index.columns.slice(0, lead.length);
  if (!lead.every((c) => head.includes(c))) return false;
  return trail.every((c, i) => index.columns[lead.length + i] === c);
}

/**
 * Whether the query needs a new index: `true`; advice (see below); or false when an index already serves it:
 * - a unique key or the primary key lies within the filtered columns (at most one row);
 * - an index starts with the wanted columns in order;
 * - the wanted columns are exactly a foreign key, or the equality columns hold a foreign key without an index:
 *   `unindexed-foreign-key` reports it (or the dialect indexes foreign keys itself), and once that index exists it
 *   serves the query (below), so a fix-all adds one index, not two overlapping ones;
 * - some index starts with one of the filtered (or, for a sort alone, sorted) columns: the database narrows by it and
 *   filters the rest.
 * Advice, for a query that filters by equality and sorts by another column with a limit, where the index the
 * equality columns have (or the foreign key's, which unindexed-foreign-key asks for) holds only equality columns: it
 * reads and sorts every match to return a few, and the index extended with the sort column is the real fix. For an
 * index that is not a foreign key's, only when every run applies those equality filters; a foreign key's matches are
 * all the children of one parent, which grow with the table.
 */
export function needsIndex(database: Database, table: Table, need: IndexNeed): boolean | Advice {
  const columns = columnsOf(need);
  if (filtersByUniqueKey(table, need.filters)) return false;
  const indexes = indexesOf(table);
  if (indexes.some((i) => servesInOrder(i, need.lead, need.trail))) return false;
  const set = new Set(columns);
  if (table.foreignKeys.some((fk) => fk.columns.length === set.size && fk.columns.every((c) => set.has(c)))) return false;
  const sortedWithLimit = need.trailKind === 'sort' && need.lead.length > 0 && need.bounded;
  const foreignKey = table.foreignKeys.find((fk) => fk.columns.length > 0 && fk.columns.every((c) => need.lead.includes(c)));
  if (foreignKey && dialectIndexesForeignKeys(database)) return false;
  if (foreignKey && !isCovered(table, foreignKey.columns)) return sortedWithLimit ? { kind: 'foreignKey', foreignKey } : false;
  const starts = need.filters.length ? need.filters : columns;
  const serving = indexes.filter((i) => !i.partial && i.columns.length > 0 && starts.includes(i.columns[0]!));
  if (!serving.length) return true;
  if (!sortedWithLimit) return false;
  const extendable = serving.every((i) => !i.unique && indexMethod(i) === 'btree' && i.columns.every((c) => need.lead.includes(c)));
  if (!extendable) return false;
  const index = serving[0]!;
  const ofForeignKey = table.foreignKeys.find((fk) => fk.columns.length === index.columns.length && fk.columns.every((c) => index.columns.includes(c)));
  if (!ofForeignKey && !need.sure) return false;
  return ofForeignKey ? { kind: 'extend', index, foreignKey: ofForeignKey } : { kind: 'extend', index };
}

/**
 * One index per need: a demand whose columns an index of another demand on the same table starts with (its
 * equality columns in any order, then its trailing columns in order) is served by that index, so its sites join
 * that demand. Demands that extend an existing index stay apart.
 */
function mergePrefixes(demands: Demand[]): Demand[] {
  const byLength = [...demands].sort((a, b) => b.columns.length - a.columns.length);
  const kept: Demand[] = [];
  /** Where each kept demand is reported: where the first of the demands it holds was met. */
  const rank = new Map<Demand, number>(demands.map((d, i) => [d, i]));
  /** The needs each kept demand serves (its own and those merged into it). */
  const held = new Map<Demand, IndexNeed[]>();
  const serves = (table: Table, columns: string[], need: IndexNeed) => servesInOrder({ columns, unique: false, kind: 'index', loc: table.loc }, need.lead, need.trail);
  // Of the same length too: `where: { a, b }` and `where: { b, a }` need one index.
  const candidates = (d: Demand) => (d.advice ? [] : kept.filter((k) => !k.advice && k.database === d.database && k.table === d.table && k.columns.length >= d.columns.length));
  for (const d of byLength) {
    let into = candidates(d).find((k) => serves(k.table, k.columns, d.need));
    if (!into) {
      // The equality columns of an index come in any order: (status, queue, run_at) serves a query by status as
      // well as one by queue and status sorted by run_at, where (queue, status, run_at) serves only the second.
      for (const k of candidates(d)) {
        const columns = [...d.need.lead, ...k.columns.filter((c) => !d.need.lead.includes(c))];
        if (!d.need.lead.every((c) => k.need.lead.includes(c)) || !serves(k.table, columns, d.need)) continue;
        if (!held.get(k)!.every((n) => serves(k.table, columns, n))) continue;
        k.columns = columns;
        into = k;
        break;
      }
    }
    if (into) {
      held.get(into)!.push(...held.get(d) ?? [d.need]);
      for (const site of d.sites) if (!into.sites.some((s) => s.loc === site.loc)) into.sites.push(site);
      rank.set(into, Math.min(rank.get(into)!, rank.get(d)!));
    } else {
      kept.push(d);
      held.set(d, [d.need]);
    }
  }
  return kept.sort((a, b) => rank.get(a)! - rank.get(b)!);
}
