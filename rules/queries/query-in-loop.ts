import type { DbCall } from '../model';
import type { FixProposal, Rule } from '../types';
import { callLabel } from './support/code';

const LOOP_WORDS: Record<NonNullable<DbCall['loop']>['kind'], string> = {
  for: '`for` loop',
  'for-of': '`for…of` loop',
  'for-in': '`for…in` loop',
  while: '`while` loop',
  do: '`do…while` loop',
  forEach: '`.forEach` callback',
  map: '`.map` callback',
};

/** Lookups that return one row by a key: the shape batchQueryInLoop rewrites to one `in` query and a map. */
const PRISMA_LOOKUPS = new Set(['findUnique', 'findUniqueOrThrow', 'findFirst', 'findFirstOrThrow']);
const DRIZZLE_LOOKUPS = new Set(['select', 'findFirst']);
const SIMPLE_SELECT = new Set(['from', 'where', 'limit']);
const BATCHABLE_LOOPS = new Set(['for-of', 'forEach']);

export const queryInLoop: Rule = {
  meta: {
    id: 'query-in-loop',
    category: 'queries',
    defaultSeverity: 'warning',
    languages: ['code'],
    // Judges each code file on its own: the engine reuses its findings for unchanged files.
    scope: 'file',
    description: 'A query awaited once per loop iteration (N+1 queries).',
    fix: 'unsafe',
  },
  check(context) {
    for (const file of context.codeFiles) {
      for (const call of file.calls) {
        const loop = call.loop;
        // Not awaited in the loop: the loop only builds the query list ($transaction([...])). A `.map`
        // callback feeds Promise.all: the queries run concurrently, not one round trip after another.
        if (!loop || !call.awaited || loop.kind === 'map') continue;
        // The iteration leaves the loop after it (a retry's `return await db…`, a search that updates what it found
        // and breaks): it runs at most once per run of the loop.
        if (loop.once) continue;
        // The loop runs until the query answers otherwise (`while (taken) taken = await db.find(…)`): it probes for a
        // free key or polls a state, its keys are not known before the loop, so there is nothing to batch.
        if (loop.probe) continue;
        if (call.operation.startsWith('$transaction') || call.operation === 'transaction') continue;
        if (pagesThroughTable(call)) continue;
        const per = loop.variable ? `per \`${loop.variable}\`` : 'per iteration';
        const cost = `one database round trip ${per}, so the time grows with the number of rows`;
        const batched = batchable(call);
        const how =
          call.kind === 'write'
            ? call.orm === 'prisma'
              ? 'batch it with createMany/updateMany, or one $transaction([...]) built outside the loop'
              : 'batch it with one insert(...).values([...]) or update ... where inArray(...)'
            : countsPerElement(call)
              ? call.orm === 'prisma'
                ? 'count them all in one groupBy({ by: [key], where: { key: { in: keys } }, _count: true }) before the loop and look the counts up in a Map'
                : 'count them all in one select grouped by the key (.where(inArray(column, keys)).groupBy(column)) before the loop and look the counts up in a Map'
              : call.orm === 'prisma'
                ? 'load all rows once before the loop with findMany({ where: { key: { in: keys } } }) and look them up in a Map'
                : 'load all rows once before the loop with inArray(column, keys) and look them up in a Map';
        const fixes: FixProposal[] = batched
          ? [
              {
                title:
                  call.orm === 'prisma'
                    ? `Batch into one findMany({ where: { ${batched}: { in: … } } }) before the loop`
                    : `Batch into one query with inArray(${call.model ?? 'table'}.${batched}, …) before the loop`,
                safety: 'unsafe',
                intent: { kind: 'batchQueryInLoop', file, call },
              },
            ]
          : [];
        context.report({
          message: `\`${callLabel(call)}\` runs once ${per} in a ${LOOP_WORDS[loop.kind]}: ${cost}. Instead, ${how}.`,
          loc: call.loc,
          fixes,
          related: [{ loc: loop.loc, message: 'The loop' }],
        });
      }
    }
  },
};

/** The lookup column when the call is a simple keyed lookup the front-end can batch, else undefined. */
function batchable(call: DbCall): string | undefined {
  if (call.kind !== 'read' || !call.loop || !call.loop.variable || !BATCHABLE_LOOPS.has(call.loop.kind)) return undefined;
  const lookups = call.orm === 'prisma' ? PRISMA_LOOKUPS : DRIZZLE_LOOKUPS;
  if (!lookups.has(call.operation)) return undefined;
  if (call.orm === 'drizzle' && call.operation === 'select' && call.chain?.some((m) => !SIMPLE_SELECT.has(m))) return undefined;
  // A select of aggregates (`{ n: count() }`) batched with inArray would aggregate every key into one row.
  if (call.aggregate) return undefined;
  // The front-end sets loopKey only when the one `where` column takes its value from the loop variable.
  if (!call.loopKey) return undefined;
  if (call.orm === 'prisma' && call.argKeys && !call.argKeys.every((k) => k === 'where' || k === 'select' || k === 'include')) {
    return undefined;
  }
  // Drizzle findFirst: `columns` may drop the key, `orderBy`/`offset` pick another row than the batch would.
  if (call.orm === 'drizzle' && call.operation === 'findFirst' && !call.argKeys?.every((k) => k === 'where' || k === 'with')) return undefined;
  return call.loopKey;
}

const PAGING_KEYS = ['take', 'skip', 'cursor', 'limit', 'offset'];
const COUNTER_LOOPS = new Set(['for', 'while', 'do']);

/** A `while`/`for` loop that reads one page per iteration (take/skip/cursor, limit/offset) is batching on purpose. */
function pagesThroughTable(call: DbCall): boolean {
  if (!call.loop || !COUNTER_LOOPS.has(call.loop.kind) || call.loopKey) return false;
  return PAGING_KEYS.some((k) => call.argKeys?.includes(k) || call.chain?.includes(k));
}

/**
 * The call counts or aggregates rows (Prisma `count`/`aggregate`, Drizzle `$count` or a select of aggregates without
 * `groupBy`): batched, it is one query grouped by the key, not a load of every row.
 */
function countsPerElement(call: DbCall): boolean {
  if (call.orm === 'prisma') return call.operation === 'count' || call.operation === 'aggregate';
  if (call.operation === '$count') return true;
  return Boolean(call.aggregate) && !(call.chain ?? []).includes('groupBy');
}
