/**
 * Small pure helpers the code rules share (transactions/*, queries/*, indexes/unindexed-query-filter):
 * comparing locations, naming calls for messages, and finding the schema table a call goes to.
 */
import type { Database, DbCall, Loc, Table, TransactionScope, WritingCall } from '../../model';
import { comparePositions, compareLocs, locKey, tableOf } from '../../types';

export { comparePositions, compareLocs, locKey };

export function sameLoc(a: Loc, b: Loc): boolean {
  return locKey(a) === locKey(b);
}

/** True when `inner` lies within `outer` (same file, inclusive bounds). */
export function containsLoc(outer: Loc, inner: Loc): boolean {
  return (
    outer.file === inner.file &&
    comparePositions(outer.range.start, inner.range.start) <= 0 &&
    comparePositions(inner.range.end, outer.range.end) <= 0
  );
}

/** A Loc from the start of `first` to the end of `last`. */
export function spanLoc(first: Loc, last: Loc): Loc {
  return { file: first.file, range: { start: first.range.start, end: last.range.end } };
}

/** How a call reads in a message: `prisma.user.create`, `db.insert(users)`, `db.query.users.findMany`. */
export function callLabel(call: DbCall): string {
  if (call.orm === 'prisma') {
    return call.model ? `${call.client}.${call.model}.${call.operation}` : `${call.client}.${call.operation}`;
  }
  if (call.operation === 'findMany' || call.operation === 'findFirst') {
    return `${call.client}.query.${call.model ?? '…'}.${call.operation}`;
  }
  if (call.operation.startsWith('select')) return `${call.client}.${call.operation}().from(${call.model ?? '…'})`;
  return call.model ? `${call.client}.${call.operation}(${call.model})` : `${call.client}.${call.operation}`;
}

export function writingCallLabel(call: WritingCall): string {
  return `${call.callee}()`;
}

/** `prisma.$transaction(async (tx) => …)` / `db.transaction(async (tx) => …)` for a client. */
export function transactionCallText(orm: DbCall['orm'], client: string, param = 'tx'): string {
  return orm === 'prisma' ? `${client}.$transaction(async (${param}) => …)` : `${client}.transaction(async (${param}) => …)`;
}

/** A transaction is identified by its call. */
export function transactionKey(scope: TransactionScope): string {
  return locKey(scope.callLoc);
}

/**
 * The schema table a call's model names. Prisma: the accessor is the model name with a lowercase first
 * letter (`lessonProgress` ↔ `LessonProgress`). Drizzle: the table variable (`users`), which the Drizzle
 * front-end keeps as the table name or maps to it.
 */
export function tableForCall(database: Database | undefined, call: DbCall): Table | undefined {
  if (!database || !call.model) return undefined;
  const model = call.model;
  if (call.orm === 'prisma') {
    return (
      database.tables.find((t) => lowerFirst(t.name) === model) ??
      database.tables.find((t) => t.name.toLowerCase() === model.toLowerCase())
    );
  }
  return tableOf(database, model);
}

export function lowerFirst(name: string): string {
  return name.length ? name[0]!.toLowerCase() + name.slice(1) : name;
}

/** The table's canonical column names for the given names (Prisma fields or DB names); unknown names dropped. */
export function knownColumns(table: Table, names: readonly string[]): string[] {
  const out: string[] = [];
  for (const name of names) {
    const column = table.columns.find((c) => c.name === name || c.dbName === name);
    if (column && !out.includes(column.name)) out.push(column.name);
  }
  return out;
}

/** True when an equality filter on `columns` finds at most one row: some unique index or the primary key lies within them. */
export function filtersByUniqueKey(table: Table, columns: readonly string[]): boolean {
  const set = new Set(columns);
  const uniques = [table.primaryKey, ...table.indexes].filter(
    (i): i is NonNullable<typeof i> => !!i && i.unique && !i.partial && i.columns.length > 0,
  );
  return uniques.some((i) => i.columns.every((c) => set.has(c)));
}

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}
