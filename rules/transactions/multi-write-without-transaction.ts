import type { BranchStep, CodeFile, DbCall, Loc, TransactionScope, WritingCall } from '../model';
import type { FixProposal, Rule, RuleContext } from '../types';
import {
  callLabel,
  compareLocs,
  comparePositions,
  containsLoc,
  locKey,
  sameLoc,
  spanLoc,
  transactionCallText,
  transactionKey,
  writingCallLabel,
} from '../queries/support/code';

/**
 * One thing that writes, as the function sees it: a database write outside any transaction, a call of a
 * workspace function that writes, or a whole transaction (all its writes commit or fail together).
 */
type WriteUnit =
  | { kind: 'call'; call: DbCall; loc: Loc; statementLoc: Loc; path: BranchStep[]; repeats?: boolean }
  | { kind: 'writingCall'; call: WritingCall; loc: Loc; statementLoc: Loc; path: BranchStep[] }
  | { kind: 'transaction'; scope: TransactionScope; loc: Loc; statementLoc: Loc; path: BranchStep[] };

/**
 * Drizzle drivers without interactive transactions: `db.transaction(async (tx) => …)` throws (neon-http,
 * xata-http) or fails on `BEGIN` (D1). The wrapper fix would break every call; `batch` says what to use.
 */
const NO_INTERACTIVE_TRANSACTIONS: Record<string, { name: string; batch: boolean; why: (client: string) => string }> = {
  'drizzle-orm/neon-http': { name: 'drizzle-orm/neon-http', batch: true, why: (c) => `\`${c}.transaction()\` throws` },
  'drizzle-orm/xata-http': { name: 'drizzle-orm/xata-http', batch: false, why: (c) => `\`${c}.transaction()\` throws` },
  'drizzle-orm/d1': { name: 'D1 (drizzle-orm/d1)', batch: true, why: (c) => `D1 rejects \`BEGIN\`, so \`${c}.transaction()\` fails` },
};

/**
 * Drizzle SQLite drivers whose `db.transaction(cb)` runs the callback synchronously: an async callback throws on
 * better-sqlite3 ("Transaction function cannot return a promise") and commits at its first `await` on the others.
 * The wrapper fix (an async callback) would be wrong there; the advice says how to write the synchronous one.
 */
const SYNC_TRANSACTIONS: Record<string, string> = {
  'drizzle-orm/better-sqlite3': 'better-sqlite3',
  'drizzle-orm/bun-sqlite': 'bun:sqlite',
  'drizzle-orm/sql-js': 'sql.js',
  'drizzle-orm/expo-sqlite': 'expo-sqlite',
  'drizzle-orm/op-sqlite': 'op-sqlite',
  'drizzle-orm/durable-sqlite': 'Durable Objects SQLite',
};

interface FunctionWrites {
  name: string;
  functionLoc: Loc;
  calls: DbCall[];
  writingCalls: WritingCall[];
}

export const multiWriteWithoutTransaction: Rule = {
  meta: {
    id: 'multi-write-without-transaction',
    category: 'transactions',
    defaultSeverity: 'warning',
    languages: ['code'],
    // Judges each code file on its own: the engine reuses its findings for unchanged files.
    scope: 'file',
    description: 'Two or more writes in one function that are not inside one transaction.',
    fix: 'unsafe',
  },
  check(context: RuleContext) {
    for (const file of context.codeFiles) checkFile(context, file);
  },
};

function isWrite(call: DbCall): boolean {
  return call.kind === 'write' && !call.operation.startsWith('$transaction');
}

/** Loops over the elements of something: `for`, `for…of`, `for…in` (a `while`/`do` polls, pages or retries: its rounds are separate work). */
const ELEMENT_LOOPS = new Set<NonNullable<DbCall['loop']>['kind']>(['for', 'for-of', 'for-in']);

/**
 * A write outside any transaction that runs once per element of a loop of its function, or once per element
 * of `Promise.all(xs.map(…))` awaited by its host: failing at one element leaves the earlier ones committed.
 * Not when the iteration leaves the loop after it (at most one write), nor when a `try` inside the loop catches
 * its failure (the code handles each element on its own, on purpose).
 */
function repeatsPerElement(call: DbCall): boolean {
  const loop = call.loop;
  // A `for` that walks no list retries, pages or polls like a `while`; `Promise.allSettled` hands each element's
  // failure to the code.
  if (!loop || loop.once || loop.rounds || loop.settled || call.transaction) return false;
  if (!ELEMENT_LOOPS.has(loop.kind) && !(call.host && loop.kind === 'map')) return false;
  if (call.catch && containsLoc(loop.loc, call.catch.loc)) return false;
  return true;
}

function checkFile(context: RuleContext, file: CodeFile): void {
  const groups = new Map<string, FunctionWrites>();
  const groupOf = (name: string, functionLoc: Loc): FunctionWrites => {
    const key = locKey(functionLoc);
    let group = groups.get(key);
    if (!group) groups.set(key, (group = { name, functionLoc, calls: [], writingCalls: [] }));
    return group;
  };
  // A write in `Promise.all(xs.map(async (x) => …))` belongs to the function that awaits them all.
  // A write through a transaction client the function was given (`tx: Prisma.TransactionClient`) and not inside a
  // transaction of its own runs in its caller's transaction: the caller's business, not this function's.
  for (const call of file.calls) if (isWrite(call) && !(call.viaTransactionClient && !call.transaction)) groupOf(call.host?.name ?? call.enclosingFunction, call.host?.functionLoc ?? call.functionLoc).calls.push(call);
  for (const call of file.writingCalls) groupOf(call.enclosingFunction, call.functionLoc).writingCalls.push(call);

  // Transactions that hold writes, so a transaction can count as one write of the function that starts it.
  const writingTransactions = new Map<string, TransactionScope>();
  for (const c of [...file.calls.filter(isWrite), ...file.writingCalls]) {
    if (c.transaction) writingTransactions.set(transactionKey(c.transaction), c.transaction);
  }
  // A function that only starts transactions has no write of its own: find it among every known function.
  const known = new Map<string, { name: string; functionLoc: Loc }>();
  for (const c of [...file.calls, ...file.writingCalls]) known.set(locKey(c.functionLoc), { name: c.enclosingFunction, functionLoc: c.functionLoc });
  // Also the functions that make no database call besides the transaction (`main()` of a seed script).
  for (const scope of writingTransactions.values()) if (scope.host) known.set(locKey(scope.host.functionLoc), scope.host);
  for (const scope of writingTransactions.values()) {
    const host = innermostHost(scope, [...known.values()]);
    if (host) groupOf(host.name, host.functionLoc);
  }

  for (const group of groups.values()) {
    const units = unitsOf(group, writingTransactions, [...groups.values()]);
    if (maxTogether(units) < 2) continue;
    report(context, file, group, units);
  }
}

/** The innermost known function that contains the transaction's call but is not its own callback. */
function hostFunction(scope: TransactionScope, groups: FunctionWrites[]): FunctionWrites | undefined {
  return innermostHost(scope, groups);
}

function innermostHost<T extends { functionLoc: Loc }>(scope: TransactionScope, functions: T[]): T | undefined {
  let best: T | undefined;
  for (const g of functions) {
    if (!containsLoc(g.functionLoc, scope.callLoc)) continue;
    if (containsLoc(scope.range, g.functionLoc)) continue;
    if (!best || containsLoc(best.functionLoc, g.functionLoc)) best = g;
  }
  return best;
}

function unitsOf(
  group: FunctionWrites,
  writingTransactions: Map<string, TransactionScope>,
  allGroups: FunctionWrites[],
): WriteUnit[] {
  const units: WriteUnit[] = [];
  const seenTransactions = new Set<string>();
  const ownSteps: BranchStep[] = [];
  const pathOf = (c: { branchPath?: BranchStep[]; branch?: Loc }): BranchStep[] =>
    c.branchPath ?? (c.branch ? [{ statement: group.functionLoc, arm: c.branch }] : []);

  const addTransaction = (scope: TransactionScope) => {
    const key = transactionKey(scope);
    if (seenTransactions.has(key)) return;
    seenTransactions.add(key);
    units.push({ kind: 'transaction', scope, loc: scope.callLoc, statementLoc: scope.callLoc, path: [] });
  };

  for (const call of group.calls) {
    ownSteps.push(...pathOf(call));
    if (call.transaction) addTransaction(call.transaction);
    else if (repeatsPerElement(call)) {
      // The range to report (and wrap) holds the whole loop.
      const statementLoc = spanLoc(minStart(call.statementLoc, call.loop!.loc), maxEnd(call.statementLoc, call.loop!.loc));
      units.push({ kind: 'call', call, loc: call.loc, statementLoc, path: pathOf(call), repeats: true });
    } else units.push({ kind: 'call', call, loc: call.loc, statementLoc: call.statementLoc, path: pathOf(call) });
  }
  for (const call of group.writingCalls) {
    ownSteps.push(...pathOf(call));
    if (call.transaction) addTransaction(call.transaction);
    else units.push({ kind: 'writingCall', call, loc: call.loc, statementLoc: call.statementLoc, path: pathOf(call) });
  }
  // Transactions started here whose writes the front-end placed in the callback's own function.
  for (const scope of writingTransactions.values()) {
    if (hostFunction(scope, allGroups) === group) addTransaction(scope);
  }
  // A transaction's branch path: the arms the front-end saw around its call in this function, else the known
  // arms of this function (from its other calls) that contain the call, outermost first.
  for (const unit of units) {
    if (unit.kind !== 'transaction') continue;
    const host = unit.scope.host;
    if (unit.scope.branchPath && host && locKey(host.functionLoc) === locKey(group.functionLoc)) {
      unit.path = unit.scope.branchPath;
      continue;
    }
    const steps = new Map<string, BranchStep>();
    for (const step of ownSteps) if (containsLoc(step.arm, unit.loc)) steps.set(locKey(step.arm), step);
    unit.path = [...steps.values()].sort((a, b) => (containsLoc(a.arm, b.arm) ? -1 : containsLoc(b.arm, a.arm) ? 1 : 0));
  }
  // A write in the catch clause of another write's try runs only when that write failed: it records or
  // compensates the failure, it does not leave a half-written change with it.
  const catches = group.calls.flatMap((c) => (c.catch ? [c.catch.loc] : []));
  const kept = units.filter((u) => !catches.some((loc) => containsLoc(loc, u.loc)));
  return kept.sort((a, b) => compareLocs(a.loc, b.loc));
}

function minStart(a: Loc, b: Loc): Loc {
  return compareLocs(a, b) <= 0 ? a : b;
}

function maxEnd(a: Loc, b: Loc): Loc {
  return comparePositions(a.range.end, b.range.end) >= 0 ? a : b;
}

/**
 * The largest number of writes that can run in one execution of the function: units in different arms of
 * one `if` exclude each other, and a unit on a path that returns or throws excludes the units after it.
 * A unit that repeats per element counts as two (the loop runs it at least twice for two elements).
 */
function maxTogether(units: WriteUnit[]): number {
  const { through, exited } = paths(units, 0);
  return Math.max(through, exited);
}

/**
 * Over the units at one nesting depth, in source order: the most units on a path that falls through to
 * what follows (`through`) and on a path that has left the function (`exited`); -Infinity when none.
 */
function paths(units: WriteUnit[], depth: number): { through: number; exited: number } {
  type Arm = { exits: boolean; units: WriteUnit[] };
  type Item = { start: Loc; plain?: WriteUnit; arms?: Map<string, Arm> };
  const items: Item[] = [];
  const byStatement = new Map<string, Item>();
  for (const unit of units) {
    const step = unit.path[depth];
    if (!step) {
      items.push({ start: unit.loc, plain: unit });
      continue;
    }
    const key = locKey(step.statement);
    let item = byStatement.get(key);
    if (!item) {
      item = { start: step.statement, arms: new Map() };
      byStatement.set(key, item);
      items.push(item);
    }
    const armKey = locKey(step.arm);
    let arm = item.arms!.get(armKey);
    if (!arm) item.arms!.set(armKey, (arm = { exits: false, units: [] }));
    arm.exits ||= !!step.exits;
    arm.units.push(unit);
  }
  items.sort((a, b) => compareLocs(a.start, b.start));
  let through = 0;
  let exited = -Infinity;
  for (const item of items) {
    if (item.plain) {
      through += item.plain.kind === 'call' && item.plain.repeats ? 2 : 1;
      continue;
    }
    // Taking no arm (an `if` without `else`, or an arm without writes) keeps `through` as it is.
    let nextThrough = through;
    let nextExited = exited;
    for (const arm of item.arms!.values()) {
      const inner = paths(arm.units, depth + 1);
      const armThrough = arm.exits ? -Infinity : inner.through;
      const armExited = arm.exits ? Math.max(inner.through, inner.exited) : inner.exited;
      nextThrough = Math.max(nextThrough, through + armThrough);
      nextExited = Math.max(nextExited, through + armExited);
    }
    through = nextThrough;
    exited = nextExited;
  }
  return { through, exited };
}

/** `once per \`asset\``, or the loop's line when its variable is not a plain name. */
function perElement(call: DbCall): string {
  const loop = call.loop!;
  return loop.variable ? `once per \`${loop.variable}\`` : `once per iteration of the loop at line ${loop.loc.range.start.line + 1}`;
}

/** The units' labels, those repeating in one loop joined: `db.update(t) and db.insert(t), once per \`asset\``. */
function labelsOf(units: WriteUnit[]): string {
  const out: string[] = [];
  for (let i = 0; i < units.length; i++) {
    const u = units[i]!;
    if (u.kind !== 'call' || !u.repeats) {
      out.push(unitLabel(u));
      continue;
    }
    const together = [u.call];
    while (i + 1 < units.length) {
      const next = units[i + 1]!;
      if (next.kind !== 'call' || !next.repeats || locKey(next.call.loop!.loc) !== locKey(u.call.loop!.loc)) break;
      together.push(next.call);
      i++;
    }
    const names = together.map(callLabel);
    const joined = names.length === 1 ? names[0] : `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
    // Alone in the list, a comma reads well; among other writes it would split the group.
    out.push(together.length === units.length ? `${joined}, ${perElement(u.call)}` : `${joined} ${perElement(u.call)}`);
  }
  return out.join(', ');
}

function unitLabel(unit: WriteUnit): string {
  switch (unit.kind) {
    case 'call':
      if (unit.repeats) return `${callLabel(unit.call)} ${perElement(unit.call)}`;
      return `${callLabel(unit.call)}${unit.call.loop ? ' (in a loop)' : ''}`;
    case 'writingCall':
      return `${writingCallLabel(unit.call)} (writes)`;
    case 'transaction':
      return `the ${unit.scope.orm === 'prisma' ? '$transaction' : 'transaction'} at line ${unit.loc.range.start.line + 1}`;
  }
}

function report(context: RuleContext, file: CodeFile, group: FunctionWrites, units: WriteUnit[]): void {
  const range = spanLoc(units.map((u) => u.statementLoc).reduce(minStart), units.map((u) => u.statementLoc).reduce(maxEnd));
  const where = group.name === '<module>' ? 'at the top level of this module' : `in \`${group.name}\``;
  const repeating = units.filter((u): u is Extract<WriteUnit, { kind: 'call' }> => u.kind === 'call' && !!u.repeats);
  const labels = repeating.length ? labelsOf(units) : units.map(unitLabel).join(', ');
  const transactions = units.filter((u) => u.kind === 'transaction');
  const writingCalls = units.filter((u): u is Extract<WriteUnit, { kind: 'writingCall' }> => u.kind === 'writingCall');

  const driver = noInteractiveTransactions(units);
  const syncDriver = units.map((u) => (u.kind === 'call' && u.call.driver && Object.hasOwn(SYNC_TRANSACTIONS, u.call.driver) ? u.call : undefined)).find((c) => c !== undefined);
  let advice = '';
  if (syncDriver) {
    advice =
      ` ${SYNC_TRANSACTIONS[syncDriver.driver!]} runs \`${syncDriver.client}.transaction()\` synchronously: put the writes in ` +
      `\`${syncDriver.client}.transaction((tx) => { tx.insert(…).values(…).run(); … })\` with no \`await\` inside (an async callback ` +
      `${syncDriver.driver === 'drizzle-orm/better-sqlite3' ? 'throws' : 'commits at its first `await`'}).`;
  } else if (driver) {
    const client = units.find((u): u is Extract<WriteUnit, { kind: 'call' }> => u.kind === 'call')!.call.client;
    advice =
      ` ${driver.name} has no interactive transactions (${driver.why(client)})` +
      (driver.batch
        ? `: run the writes in one \`${client}.batch([...])\`, which commits them together, when no write needs an earlier one's result.`
        : ` and no \`${client}.batch\` either: make the writes safe to repeat, or run them through a driver that has transactions.`);
  } else if (transactions.length) advice = ' Move the other writes into the transaction (through its client).';
  else if (writingCalls.length) {
    advice = ` Run them in one transaction and pass its client to ${writingCalls.map((u) => writingCallLabel(u.call)).join(', ')}.`;
  }
  const loops = new Set(repeating.map((u) => locKey(u.call.loop!.loc)));
  let message: string;
  if (repeating.length === units.length && loops.size === 1) {
    message =
      `The writes ${where} repeat per element and are not in one transaction (${labels}): ` +
      `if a later iteration fails, the earlier iterations' writes stay committed and the data is left half-written.${advice}`;
  } else if (repeating.length) {
    message =
      `Writes ${where} are not in one transaction, and some repeat per element (${labels}): ` +
      `if a later one fails, the earlier ones stay committed and the data is left half-written.${advice}`;
  } else {
    // Writes in different arms of an `if`, or after a return, never all run: say how many can.
    const together = maxTogether(units);
    message =
      (together < units.length
        ? `Up to ${together} of the ${units.length} writes ${where} run together and are not in one transaction`
        : `${units.length} writes ${where} are not in one transaction`) +
      ` (${labels}): ` +
      `if a later one fails, the earlier ones stay committed and the data is left half-written.${advice}`;
  }

  const related = units.map((u) => ({ loc: u.loc, message: unitLabel(u) }));
  context.report({ message, loc: range, fixes: driver || syncDriver ? [] : wrapFix(file, group, units, range), related });
}

/** The driver of the writes' client when it has no interactive transactions. */
function noInteractiveTransactions(units: WriteUnit[]): (typeof NO_INTERACTIVE_TRANSACTIONS)[string] | undefined {
  for (const u of units) {
    if (u.kind === 'call' && u.call.driver && Object.hasOwn(NO_INTERACTIVE_TRANSACTIONS, u.call.driver)) return NO_INTERACTIVE_TRANSACTIONS[u.call.driver];
  }
  return undefined;
}

function wrapFix(file: CodeFile, group: FunctionWrites, units: WriteUnit[], range: Loc): FixProposal[] {
  if (!units.every((u) => u.kind === 'call')) return [];
  const calls = units.map((u) => (u as Extract<WriteUnit, { kind: 'call' }>).call);
  const { orm, client } = calls[0]!;
  if (!calls.every((c) => c.orm === orm && c.client === client && !c.viaTransactionClient)) return [];
  // A write kept in a variable and awaited later (`const r = db.delete(…)` … `await Promise.all([r, …])`):
  // wrapped, its lazy promise would be returned out of the callback and run after the commit.
  if (!calls.every((c) => c.awaited || c.returned)) return [];
  // A `forEach` callback in the range is not awaited: its calls, moved to the transaction's client, would
  // run after the commit.
  if (file.calls.some((c) => c.client === client && c.loop?.kind === 'forEach' && containsLoc(range, c.loc))) return [];
  const awaits = (file.otherAwaits ?? []).filter(
    (a) => sameLoc(a.functionLoc, group.functionLoc) && containsLoc(range, a.loc),
  );
  // Writes repeated per element: the transaction holds the whole loop (`for…of`, the `xs.map(…)` of a
  // `Promise.all`), not one iteration. Concurrent queries on one interactive transaction's client are
  // allowed (Prisma and Drizzle run them in turn on its connection).
  // The loop a write repeats in, and the later `Promise.all(ps)` that awaits what a `const ps = xs.map(…)` made.
  const enclose = [
    ...new Map(
      units.flatMap((u) => (u.kind === 'call' && u.repeats ? [u.call.loop!.loc, ...(u.call.loop!.combinedAt ? [u.call.loop!.combinedAt] : [])].map((l) => [locKey(l), l] as const) : [])),
    ).values(),
  ];
  const repeating = units.some((u) => u.kind === 'call' && u.repeats);
  let title = repeating
    ? `Wrap these writes and their loop in ${transactionCallText(orm, client)}`
    : `Wrap these ${calls.length} writes in ${transactionCallText(orm, client)}`;
  if (awaits.length) {
    const shown = awaits.slice(0, 2).map((a) => `await ${a.expression}`).join(', ');
    title += ` (holds the transaction open across ${shown}${awaits.length > 2 ? ', …' : ''})`;
  }
  const intent: FixProposal['intent'] = enclose.length
    ? { kind: 'wrapInTransaction', file, calls, transactionClient: 'tx', enclose }
    : { kind: 'wrapInTransaction', file, calls, transactionClient: 'tx' };
  return [{ title, safety: 'unsafe', intent }];
}
