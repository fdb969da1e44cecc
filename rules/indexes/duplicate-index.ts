import type { Index, Table } from '../model';
import type { Rule } from '../types';
import { indexesOf, indexMethod } from '../types';
import { dropIndexTitle } from '../titles';

const METHOD_LABELS: Record<string, string> = {
  hash: 'Hash',
  gin: 'GIN',
  gist: 'GiST',
  spgist: 'SP-GiST',
  brin: 'BRIN',
  fulltext: 'FULLTEXT',
  spatial: 'SPATIAL',
};

/** A key column as the user would write it in SQL: `title(10)`, `title gin_trgm_ops`, `created_at DESC NULLS LAST`. */
function keyText(index: Index, i: number): string {
  const o = index.columnOptions?.[i];
  let text = index.columns[i];
  if (!o) return text;
  if (o.length !== undefined) text += `(${o.length})`;
  if (o.collation) text += ` COLLATE "${o.collation}"`;
  if (o.ops) text += ` ${o.ops}`;
  if (o.desc) text += ' DESC';
  if (o.nulls) text += ` NULLS ${o.nulls.toUpperCase()}`;
  return text;
}

function describe(index: Index): string {
  const method = indexMethod(index);
  const label = method === 'btree' ? '' : `${METHOD_LABELS[method] ?? method} `;
  const what = index.kind === 'primary' ? 'the primary key' : index.kind === 'unique' ? `the unique ${label}index` : `the ${label}index`;
  const include = index.include?.length ? ` INCLUDE (${index.include.join(', ')})` : '';
  return `${what}${index.name ? ` ${index.name}` : ''} on (${index.columns.map((_, i) => keyText(index, i)).join(', ')})${include}`;
}

function sameColumns(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((c, i) => c === b[i]);
}

/**
 * The i-th key columns of both indexes hold the same values: the same column (or expression), the same operator
 * class (`gin_trgm_ops` and `text_pattern_ops` serve other operators than the default), the same collation and the
 * same prefix length (a MySQL `length:` prefix index holds only the first characters: it is not the full column's index).
 */
function sameKey(a: Index, b: Index, i: number): boolean {
  const oa = a.columnOptions?.[i];
  const ob = b.columnOptions?.[i];
  return a.columns[i] === b.columns[i] && (oa?.ops ?? '') === (ob?.ops ?? '') && oa?.length === ob?.length && oa?.collation === ob?.collation;
}

function direction(index: Index, i: number): { desc: boolean; nullsFirst: boolean } {
  const o = index.columnOptions?.[i];
  const desc = o?.desc === true;
  return { desc, nullsFirst: o?.nulls ? o.nulls === 'first' : desc };
}

/**
 * The first n key columns of `a` are ordered as in `b`, or exactly the other way round: a B-tree is read in either
 * direction, so `(a DESC)` serves what `(a)` serves, but `(a, b DESC)` gives an order `(a, b)` cannot.
 */
function sameOrder(a: Index, b: Index, n: number): boolean {
  let same = true;
  let reversed = true;
  for (let i = 0; i < n; i++) {
    const x = direction(a, i);
    const y = direction(b, i);
    if (x.desc !== y.desc || x.nullsFirst !== y.nullsFirst) same = false;
    if (x.desc === y.desc || x.nullsFirst === y.nullsFirst) reversed = false;
  }
  return same || reversed;
}

function orderDiffers(a: Index, b: Index, n: number): boolean {
  for (let i = 0; i < n; i++) {
    const x = direction(a, i);
    const y = direction(b, i);
    if (x.desc !== y.desc || x.nullsFirst !== y.nullsFirst) return true;
  }
  return false;
}

/** Every column `index` carries in INCLUDE is a key or included column of `other` (index-only scans stay possible). */
function includedIn(index: Index, other: Index): boolean {
  const include = index.include;
  if (include === undefined) return true;
  for (let i = 0; i < include.length; i++) if (!other.columns.includes(include[i]) && !(other.include?.includes(include[i]) ?? false)) return false;
  return true;
}

/**
 * The index that makes `index` redundant, if any. `all` is in declaration order, primary key first.
 * Only indexes of the same access method compare (a GIN, GiST, BRIN or Hash index serves other searches than a
 * B-tree on the same columns); the leading-prefix rule holds for B-trees only. A unique index is never redundant
 * to a plain one (it enforces something); of two identical indexes of the same strength, the later one is the
 * redundant one.
 */
export function coveringIndex(index: Index, all: readonly Index[]): Index | undefined {
  if (index.kind === 'primary' || index.partial) return undefined;
  const position = all.indexOf(index);
  const method = indexMethod(index);
  const n = index.columns.length;
  // Indexed loops (see "Hot loops" in ../types.ts): every index of every table with two or more.
  for (let j = 0; j < all.length; j++) {
    const other = all[j];
    if (other === index || other.partial || other.columns.length < n || indexMethod(other) !== method) continue;
    let sameKeys = true;
    for (let i = 0; i < n && sameKeys; i++) sameKeys = sameKey(index, other, i);
    if (!sameKeys || !sameOrder(index, other, n) || !includedIn(index, other)) continue;
    if (other.columns.length === n) {
      if (!index.unique && other.unique) return other;
      // `other` carries more INCLUDE columns: it serves more, whichever comes first.
      if (index.unique === other.unique && (!includedIn(other, index) || all.indexOf(other) < position)) return other;
    } else if (!index.unique && method === 'btree') {
      return other;
    }
  }
  return undefined;
}

export function redundantIndexes(table: Table): { index: Index; covering: Index }[] {
  const found: { index: Index; covering: Index }[] = [];
  // One index (or none) has nothing to be redundant to: most tables stop here, without a list of their indexes.
  if (table.indexes.length === 0 || (table.indexes.length === 1 && !table.primaryKey)) return found;
  const all = indexesOf(table);
  for (let i = 0; i < all.length; i++) {
    const covering = coveringIndex(all[i], all);
    if (covering) found.push({ index: all[i], covering });
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
      const tables = database.tables;
      for (let t = 0; t < tables.length; t++) {
        const table = tables[t];
        for (const { index, covering } of redundantIndexes(table)) {
          const identical = sameColumns(index.columns, covering.columns);
          const backwards = orderDiffers(index, covering, index.columns.length)
            ? ' (a B-tree is read in either direction, so the reversed order changes nothing)'
            : '';
          context.report({
            message:
              `${describe(index).replace(/^t/, 'T')} of ${table.name} is redundant: ${describe(covering)} ` +
              `${identical ? (covering.unique ? 'already enforces and serves the same columns' : 'already serves the same columns') : 'already serves lookups by these leading columns'}${backwards}. ` +
              `Every write pays to maintain both, and the extra index costs disk and cache.`,
            loc: index.loc,
            fixes: [
              // Made by the newest migration of a folder, which may not be deployed yet: the CREATE INDEX goes, rather
              // than a new migration dropping what it builds (and a CONCURRENTLY fix rewriting a statement that goes).
              ...(database.language === 'sql' && index.migration?.applied && index.migration.latest
                ? [
                    {
                      title: `Remove its CREATE INDEX from this migration (only if it has not been deployed yet)`,
                      safety: 'unsafe' as const,
                      intent: { kind: 'dropIndex' as const, database, table, index, inPlace: true },
                    },
                  ]
                : []),
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
