import type { Index, Table } from '../model';
import type { Rule } from '../types';
import { indexesOf } from '../types';
import { dropIndexTitle } from '../titles';

function describe(index: Index): string {
  const what = index.kind === 'primary' ? 'the primary key' : index.kind === 'unique' ? 'the unique index' : 'the index';
  return `${what}${index.name ? ` ${index.name}` : ''} on (${index.columns.join(', ')})`;
}

function sameColumns(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((c, i) => c === b[i]);
}

function isLeadingPrefix(short: readonly string[], long: readonly string[]): boolean {
  return short.length < long.length && short.every((c, i) => c === long[i]);
}

/**
 * The index that makes `index` redundant, if any. `all` is in declaration order, primary key first.
 * A unique index is never redundant to a plain one (it enforces something); of two identical indexes
 * of the same strength, the later one is the redundant one.
 */
export function coveringIndex(index: Index, all: readonly Index[]): Index | undefined {
  if (index.kind === 'primary' || index.partial) return undefined;
  const position = all.indexOf(index);
  for (const other of all) {
    if (other === index || other.partial) continue;
    if (sameColumns(index.columns, other.columns)) {
      if (!index.unique && other.unique) return other;
      if (index.unique === other.unique && all.indexOf(other) < position) return other;
      if (index.unique && other.kind === 'primary') return other;
    } else if (!index.unique && isLeadingPrefix(index.columns, other.columns)) {
      return other;
    }
  }
  return undefined;
}

export function redundantIndexes(table: Table): { index: Index; covering: Index }[] {
  const all = indexesOf(table);
  const found: { index: Index; covering: Index }[] = [];
  for (const index of all) {
    const covering = coveringIndex(index, all);
    if (covering) found.push({ index, covering });
  }
  return found;
}

export const duplicateIndex: Rule = {
  meta: {
    id: 'duplicate-index',
    category: 'indexes',
    defaultSeverity: 'warning',
    languages: ['prisma', 'drizzle', 'sql'],
    description: 'An index whose columns equal, or are a leading prefix of, another index of the same table.',
    partition: 'table',
    fix: 'unsafe',
  },
  check(context) {
    for (const database of context.databases) {
      if (!duplicateIndex.meta.languages.includes(database.language)) continue;
      for (const table of database.tables) {
        for (const { index, covering } of redundantIndexes(table)) {
          const identical = sameColumns(index.columns, covering.columns);
          context.report({
            message:
              `${describe(index).replace(/^t/, 'T')} of ${table.name} is redundant: ${describe(covering)} ` +
              `${identical ? 'already enforces and serves the same columns' : 'already serves lookups by these leading columns'}. ` +
              `Every write pays to maintain both, and the extra index costs disk and cache.`,
            loc: index.loc,
            fixes: [
              {
                title: dropIndexTitle(database, table, index),
                safety: 'unsafe',
                intent: { kind: 'dropIndex', database, table, index },
              },
            ],
            related: [{ loc: covering.loc, message: `Covered by ${describe(covering)}` }],
          });
        }
      }
    }
  },
};
