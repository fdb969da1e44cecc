import type { Database, Table } from '../model';
import { readsTable, wholeDatabase, type Rule } from '../types';
import { findTableByName, tablesByNameKey, words } from '../names';

/** Suffixes that say "backup" on their own (`chat_messages_backup`, `UserBackup`, `orders_bak`). */
const STRONG = new Set(['backup', 'bak', 'bkp']);
/**
 * Suffixes that say it only when the original table still exists (`users_old`, `orders_copy`, `events_tmp`);
 * `backups` alone is more often a table *of* backups (`database_backups`).
 */
const WEAK_SUFFIX = new Set(['old', 'copy', 'tmp', 'temp', 'backups']);
/** Prefixes (`backup_users`, `old_orders`) — also names of real tables (`backup_logs`, `tmp_uploads`). */
const PREFIX = new Set(['backup', 'bak', 'old', 'copy', 'tmp', 'temp']);

interface Leftover {
  /** What the name says the table is a copy of. */
  base: string;
  /** The original table, when it exists. */
  original?: Table;
}

/** A trailing date: `_20240115`, `_2024_01_15`, `_2024-01-15` (words: ['20240115'] or ['2024','01','15']). */
function trailingDateWords(ws: readonly string[]): number {
  const last = ws[ws.length - 1];
  // Both forms end in digits: most names stop here, before any pattern is tried.
  const c = last === undefined ? NaN : last.charCodeAt(0);
  if (!(c >= 48 && c <= 57)) return 0;
  if (/^(19|20)\d{2}(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])$/.test(last)) return 1;
  if (ws.length >= 3) {
    const [y, m, d] = ws.slice(-3);
    if (/^(19|20)\d{2}$/.test(y) && /^(0[1-9]|1[0-2])$/.test(m) && /^(0[1-9]|[12]\d|3[01])$/.test(d)) return 3;
  }
  return 0;
}

function sharesColumns(copy: Table, original: Table): boolean {
  readsTable(original);
  readOriginal = original;
  const names = new Set(copy.columns.map((c) => (c.dbName ?? c.name).toLowerCase()));
  // Every table has an `id`: it proves nothing. Ask for a real shape to compare.
  const wanted = original.columns.map((c) => (c.dbName ?? c.name).toLowerCase()).filter((c) => c !== 'id');
  if (wanted.length < 2) return false;
  return wanted.filter((c) => names.has(c)).length / wanted.length >= 0.8;
}

/** Module-level, not a closure per `leftoverOf` call (with keepNames each one is also renamed). */
function join(parts: string[]): string {
  return parts.join('_');
}

/**
 * Per table, its answer in the (whole) database it was judged in, and the table whose columns it read (`sharesColumns`),
 * if any: three rules ask for every table. Tables and databases are not changed after analysis; an edit makes a new
 * database that may hold the same table objects, judged again in it.
 */
const leftovers = new WeakMap<Table, { database: Database; leftover: Leftover | undefined; read: Table | undefined }>();

/** The table `sharesColumns` read during the current `leftoverOf`, if any. */
let readOriginal: Table | undefined;

/** Why `table` looks like a leftover copy, or undefined. */
export function leftoverOf(database: Database, table: Table, index?: Map<string, Table[]>): Leftover | undefined {
  const whole = wholeDatabase(database);
  const known = leftovers.get(table);
  if (known && known.database === whole) {
    // The verdict of whoever asks depends on that table as well.
    if (known.read) readsTable(known.read);
    return known.leftover;
  }
  readOriginal = undefined;
  const leftover = judgeLeftover(database, table, index);
  leftovers.set(table, { database: whole, leftover, read: readOriginal });
  readOriginal = undefined;
  return leftover;
}

function judgeLeftover(database: Database, table: Table, index?: Map<string, Table[]>): Leftover | undefined {
  const name = table.dbName ?? table.name;
  const all = words(name);
  if (all.length < 2) return undefined;
  // The index of names is built only for a name that looks like a copy.
  const names = () => (index ??= tablesByNameKey(database));
  // `payments_backup_20240115`: a dated backup is a backup.
  // `orders_backup_2024`, `users_old_2`: a year or a sequence number after a suffix is part of the suffix.
  const dated = trailingDateWords(all) || (all.length >= 3 && /^\d{1,4}$/.test(all[all.length - 1]) ? 1 : 0);
  const undated = dated > 0 && all.length - dated >= 2 && (STRONG.has(all[all.length - dated - 1]) || WEAK_SUFFIX.has(all[all.length - dated - 1]));
  const ws = undated ? all.slice(0, -dated) : all;
  const last = ws[ws.length - 1];
  if (STRONG.has(last)) {
    const base = join(ws.slice(0, -1));
    return { base, original: findTableByName(database, base, table, names()) };
  }
  if (WEAK_SUFFIX.has(last)) {
    const base = join(ws.slice(0, -1));
    const original = findTableByName(database, base, table, names());
    return original ? { base, original } : undefined;
  }
  const dateWords = trailingDateWords(ws);
  if (dateWords > 0 && ws.length > dateWords) {
    const base = join(ws.slice(0, -dateWords));
    const original = findTableByName(database, base, table, names());
    if (!original) return undefined;
    // Several dated siblings are partitions (`logs_20240115`, `logs_20240116`, …), not a backup.
    const siblings = wholeDatabase(database).tables.filter((t) => {
      const tw = words(t.dbName ?? t.name);
      const n = trailingDateWords(tw);
      return n > 0 && join(tw.slice(0, -n)) === base;
    });
    return siblings.length < 3 ? { base, original } : undefined;
  }
  if (PREFIX.has(ws[0])) {
    // `backup_logs` is usually a log of backups: only a copy when it mirrors an existing table's columns.
    const base = join(ws.slice(1));
    const original = findTableByName(database, base, table, names());
    return original && sharesColumns(table, original) ? { base, original } : undefined;
  }
  return undefined;
}

/** Names of the tables other tables' foreign keys reference, memoized per (whole) database. */
const referencedByDatabase = new WeakMap<Database, Set<string>>();

function referencedTables(database: Database): Set<string> {
  const whole = wholeDatabase(database);
  let names = referencedByDatabase.get(whole);
  if (!names) {
    names = new Set();
    const tables = whole.tables;
    for (let i = 0; i < tables.length; i++) {
      const t = tables[i];
      for (let k = 0; k < t.foreignKeys.length; k++) if (t.foreignKeys[k].references.table !== t.name) names.add(t.foreignKeys[k].references.table);
    }
    referencedByDatabase.set(whole, names);
  }
  return names;
}

export const backupTable: Rule = {
  meta: {
    id: 'backup-table',
    category: 'migrations',
    defaultSeverity: 'info',
    languages: ['sql', 'prisma', 'drizzle'],
    description: 'A table named like a leftover backup or copy (`*_backup`, `*_old`, `backup_*`, a date suffix).',
    partition: 'table',
  },
  check(context) {
    for (const database of context.databases) {
      if (!backupTable.meta.languages.includes(database.language)) continue;
      // An indexed loop over every table (see "Hot loops" in ../types.ts).
      const tables = database.tables;
      for (let t = 0; t < tables.length; t++) {
        const table = tables[t];
        if (table.isView) continue;
        const leftover = leftoverOf(database, table);
        if (!leftover) continue;
        // A table other tables reference is in use, whatever its name says.
        const referenced = referencedTables(database);
        if (referenced.has(table.name) || (table.dbName !== undefined && referenced.has(table.dbName))) continue;
        const of = leftover.original ? leftover.original.name : leftover.base;
        context.report({
          message:
            `Table ${table.name} looks like a leftover copy of ${of}: it takes disk and backup time, drifts from the real ` +
            `table's constraints, and invites reads of stale data. Drop it once its data is no longer needed.`,
          loc: table.nameLoc,
          related: leftover.original ? [{ loc: leftover.original.nameLoc, message: `Original table ${leftover.original.name}` }] : undefined,
        });
      }
    }
  },
};
