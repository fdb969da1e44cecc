import type { Database, ForeignKey, ReferentialAction, Table } from '../model';
import type { FixProposal, Rule } from '../types';
import { foreignKeyIsOptional, tableOf } from '../types';
import { aRowOf, singular, words } from '../names';
import { setOnDeleteTitle } from '../titles';

/** Words that mark a table whose rows are records users must keep (cascading deletes would destroy them). */
const KEEP_RECORDS = new Set([
  'audit', 'payment', 'history', 'ledger', 'log', 'invoice', 'transaction', 'receipt', 'refund', 'journal',
  'payout', 'charge', 'billing',
]);

export function looksLikeRecordTable(table: Table): boolean {
  // Asked for every table: no array and no closures per call.
  return namesRecords(table.name) || namesRecords(table.dbName ?? '');
}

function namesRecords(name: string): boolean {
  let answer = recordNames.get(name);
  if (answer === undefined) {
    answer = words(name).some((w) => KEEP_RECORDS.has(singular(w)));
    if (recordNames.size > 100_000) recordNames.clear();
    recordNames.set(name, answer);
  }
  return answer;
}

/** Asked for every table name by every review: remembered. */
const recordNames = new Map<string, boolean>();

/** The fixes' order: for records to keep, the actions that keep them first. */
const KEEP_ORDER: readonly ReferentialAction[] = ['Restrict', 'SetNull', 'Cascade'];
const CASCADE_ORDER: readonly ReferentialAction[] = ['Cascade', 'SetNull', 'Restrict'];

function allowed(database: Database, action: ReferentialAction): boolean {
  return database.referentialActions === undefined || database.referentialActions.includes(action);
}

function consequence(database: Database, table: Table, fk: ForeignKey): string {
  const parent = fk.references.table;
  const child = fk.references.table === table.name ? `other ${table.name}` : table.name;
  const cols = fk.columns.map((c) => `${table.name}.${c}`).join(', ');
  if (!fk.enforced) {
    if (database.language === 'prisma') {
      return (
        `No foreign key constraint exists for ${cols} (relationMode = "prisma"): Prisma Client emulates its default ` +
        `(${fk.defaultOnDelete}) only for its own deletes; a delete of ${aRowOf(database.language, parent)} outside it (raw SQL, another service) leaves ${child} rows pointing at nothing.`
      );
    }
    return (
      `No foreign key constraint exists for ${cols} (the relation exists only in the ORM): deleting ${aRowOf(database.language, parent)} ` +
      `leaves its ${child} rows pointing at nothing, and nothing says what should happen to them.`
    );
  }
  switch (fk.defaultOnDelete) {
    case 'Restrict':
    case 'NoAction':
      return `Deleting ${aRowOf(database.language, parent)} fails while ${child} rows reference it (no onDelete: the database restricts the delete).`;
    case 'SetNull':
      return `Deleting ${aRowOf(database.language, parent)} sets ${cols} to NULL implicitly (no onDelete: the default for an optional relation is SetNull).`;
    case 'Cascade':
      return `Deleting ${aRowOf(database.language, parent)} silently deletes its ${child} rows (no onDelete: the default here cascades).`;
    case 'SetDefault':
      return `Deleting ${aRowOf(database.language, parent)} sets ${cols} to its default implicitly (no onDelete written).`;
  }
}

export const missingOnDelete: Rule = {
  meta: {
    id: 'missing-on-delete',
    category: 'relations',
    defaultSeverity: 'warning',
    languages: ['prisma', 'drizzle', 'sql'],
    description: 'A foreign key or relation says nothing about what happens to its rows when the referenced row is deleted.',
    partition: 'table',
    fix: 'unsafe',
  },
  check(context) {
    for (const database of context.databases) {
      if (!missingOnDelete.meta.languages.includes(database.language)) continue;
      for (const table of database.tables) {
        if (table.isView) continue;
        const keepRecords = looksLikeRecordTable(table);
        for (const fk of table.foreignKeys) {
          if (fk.onDelete !== undefined) continue;
          // Drizzle relations() without references cannot carry an action: missing-foreign-key's business.
          const canWriteAction = fk.enforced || database.language === 'prisma';
          const optional = foreignKeyIsOptional(table, fk);
          const order = keepRecords ? KEEP_ORDER : CASCADE_ORDER;
          const fixes: FixProposal[] = canWriteAction
            ? order
                .filter((action) => action !== 'SetNull' || optional)
                .filter((action) => allowed(database, action))
                .map((action) => ({
                  title:
                    setOnDeleteTitle(database, table, fk, action) +
                    (action === 'Cascade' && keepRecords ? ` (deletes ${table.name} records with their ${fk.references.table})` : '') +
                    (action === 'Restrict' && fk.enforced && (fk.defaultOnDelete === 'Restrict' || fk.defaultOnDelete === 'NoAction') ? ' (keep today\'s behaviour, explicitly)' : ''),
                  safety: 'unsafe',
                  intent: { kind: 'setOnDelete', database, table, foreignKey: fk, action },
                }))
            : [];
          const keepNote = keepRecords
            ? ` ${table.name} looks like a record to keep (audit, payment, history…): cascading would destroy it, prefer Restrict or SetNull.`
            : '';
          const parent = tableOf(database, fk.references.table);
          context.report({
            message: consequence(database, table, fk) + keepNote,
            loc: fk.loc,
            fixes,
            related: parent ? [{ loc: parent.nameLoc, message: `Referenced table ${parent.name}` }] : undefined,
          });
        }
      }
    }
  },
};
