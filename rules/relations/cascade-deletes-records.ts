import type { Database, ForeignKey, ReferentialAction, Table } from '../model';
import type { FixProposal, Rule } from '../types';
import { foreignKeyIsOptional, readsTable, tableOf, wholeDatabase } from '../types';
import { aRowOf, article, singular, unqualified, words } from '../names';
import { setOnDeleteTitle } from '../titles';
import { allowed, isOwnLog, keepAction, recordWord, referencingTables } from './missing-on-delete';

/**
 * A foreign key that cascades deletes from a table that is not a record (users, accounts, wallets, orders…) into a
 * table of records to keep (payments, invoices, audit logs, history…): one delete of the parent destroys them.
 *
 * Not reported (see the doc's "When not to use it"):
 * - the parent is itself a record table (invoices → invoice_line_items, payments → payment_refunds): the child is
 *   part of that record, and whatever may delete the record is what this rule judges (a cascade into invoices is
 *   reported there);
 * - the child is a link table (only its foreign keys, a surrogate key and timestamps: `payment_tags`): a cascade
 *   removes the link, never the record it links;
 * - configuration named after payments or billing (`payment_methods`, `billing_addresses`), as child or parent
 *   (`recordWord` says they are no records);
 * - a log or history named after its parent (`job_logs` → `jobs`): the parent's own lines (`isOwnLog`).
 */

/** How the action is written in the user's language, for the message. */
/**
 * Whether a cascade from `parent` would destroy records of `table`, whose record word is `word`: not when the child
 * is part of a record (an invoice's line items, a payment's refunds: judged where that record itself can be deleted;
 * a parent outside the model, Supabase's auth.users, is judged by its name), nor for a log of the parent itself.
 */
function cascadeFrom(table: Table, word: string, parent: Pick<Table, 'name' | 'dbName'>): boolean {
  return recordWord(parent) === undefined && !isOwnLog(table, parent, word);
}

/**
 * Would this rule report `fk` if it were written with ON DELETE CASCADE? (Other rules' fixes ask, so that none of
 * them offers a cascade this rule then reports.)
 */
export function cascadeWouldDestroyRecords(database: Database, table: Table, fk: ForeignKey): boolean {
  if (isLinkTable(table)) return false;
  const word = recordWord(table);
  return word !== undefined && cascadeFrom(table, word, tableOf(database, fk.references.table) ?? { name: fk.references.table });
}

function writtenCascade(database: Database): string {
  switch (database.language) {
    case 'prisma':
      return 'onDelete: Cascade';
    case 'drizzle':
      return 'onDelete: "cascade"';
    case 'sql':
      return 'ON DELETE CASCADE';
  }
}

/** The action the database (or Prisma Client) takes on delete for this foreign key. */
function deletes(fk: ForeignKey): boolean {
  return (fk.onDelete ?? fk.defaultOnDelete) === 'Cascade';
}

/**
 * A table of links only: its columns are foreign-key columns, a one-column surrogate key, or timestamps, and its name
 * names a table it links (`payment_tags`, `OrderPayment`). A thin `audit_logs(org_id, actor_id, at)` has the columns
 * of a link but names none of them: a record.
 */
function isLinkTable(table: Table): boolean {
  if (table.foreignKeys.length < 2) return false;
  // Asked again for the tables every cascade reaches: remembered per table (tables are not changed after analysis).
  let link = linkTables.get(table);
  if (link === undefined) linkTables.set(table, (link = judgeLinkTable(table)));
  return link;
}

const linkTables = new WeakMap<Table, boolean>();

function judgeLinkTable(table: Table): boolean {
  const surrogate = table.primaryKey?.columns.length === 1 ? table.primaryKey.columns[0] : undefined;
  for (const column of table.columns) {
    if (column.name === surrogate || column.dbName === surrogate) continue;
    if (column.type === 'datetime' || column.type === 'date') continue;
    if (!table.foreignKeys.some((fk) => fk.columns.includes(column.name) || (column.dbName !== undefined && fk.columns.includes(column.dbName)))) return false;
  }
  const own = new Set(words(unqualified(table.name)).map(singular));
  return table.foreignKeys.some((fk) => words(unqualified(fk.references.table)).some((w) => own.has(singular(w))));
}


interface Edge {
  other: Table;
  fk: ForeignKey;
}

interface DeleteGraph {
  /** Parent → the tables whose rows a delete of it deletes (cascading foreign keys). */
  down: Map<Table, Edge[]>;
}

const graphs = new WeakMap<Database, DeleteGraph>();

function deleteGraph(database: Database): DeleteGraph {
  const whole = wholeDatabase(database);
  let graph = graphs.get(whole);
  if (graph) return graph;
  graph = { down: new Map() };
  // Indexed loops over every table and key (see "Hot loops" in ../types.ts).
  const tables = whole.tables;
  for (let t = 0; t < tables.length; t++) {
    const child = tables[t];
    if (child.isView) continue;
    const fks = child.foreignKeys;
    for (let k = 0; k < fks.length; k++) {
      const fk = fks[k];
      if (!deletes(fk) || !writable(whole, fk)) continue;
      const parent = tableOf(whole, fk.references.table);
      if (!parent) continue;
      const list = graph.down.get(parent);
      if (list) list.push({ other: child, fk });
      else graph.down.set(parent, [{ other: child, fk }]);
    }
  }
  graphs.set(whole, graph);
  return graph;
}

/** A foreign key whose action exists: a real constraint, or a Prisma relation (Prisma Client emulates it). */
function writable(database: Database, fk: ForeignKey): boolean {
  return fk.enforced || database.language === 'prisma';
}

const MAX_NAMED = 3;

/** Tables whose deletes cascade into `parent` (its ancestors along cascading foreign keys), nearest first. */
function cascadingAncestors(database: Database, parent: Table, child: Table): Table[] {
  const found: Table[] = [];
  const seen = new Set<Table>([parent, child]);
  const queue = [parent];
  while (queue.length > 0 && found.length < 20) {
    const at = queue.shift()!;
    // What is read of it: its foreign keys' actions.
    readsTable(at);
    for (const fk of at.foreignKeys) {
      if (!deletes(fk) || !writable(database, fk)) continue;
      const up = tableOf(database, fk.references.table);
      if (!up || seen.has(up)) continue;
      seen.add(up);
      found.push(up);
      queue.push(up);
    }
  }
  return found;
}

/** Record tables a delete of `child`'s rows deletes in turn (cascading foreign keys below it), nearest first. */
function cascadingRecords(database: Database, child: Table, parent: Table | undefined): Table[] {
  const graph = deleteGraph(database);
  const children = referencingTables(database);
  const found: Table[] = [];
  const seen = new Set<Table>([child]);
  if (parent) seen.add(parent);
  const queue = [child];
  while (queue.length > 0 && found.length < 20) {
    const at = queue.shift()!;
    // The edges out of `at` depend on the actions of every table referencing it.
    for (const c of children.get(at) ?? []) readsTable(c);
    for (const e of graph.down.get(at) ?? []) {
      if (seen.has(e.other)) continue;
      seen.add(e.other);
      if (recordWord(e.other) !== undefined && !isLinkTable(e.other)) found.push(e.other);
      queue.push(e.other);
    }
  }
  return found;
}

/** `users`, `users or accounts`, `users, accounts, orgs…` */
function orList(names: readonly string[]): string {
  const shown = names.slice(0, MAX_NAMED);
  const more = names.length > MAX_NAMED ? '…' : '';
  return shown.length <= 2 ? shown.join(' or ') + more : `${shown.slice(0, -1).join(', ')} or ${shown[shown.length - 1]}${more}`;
}

function andList(names: readonly string[]): string {
  const shown = names.slice(0, MAX_NAMED);
  const more = names.length > MAX_NAMED ? '…' : '';
  return shown.length <= 2 ? shown.join(' and ') + more : `${shown.slice(0, -1).join(', ')} and ${shown[shown.length - 1]}${more}`;
}

function message(database: Database, table: Table, fk: ForeignKey, word: string, ancestors: readonly Table[], records: readonly Table[]): string {
  const lang = database.language;
  const parent = fk.references.table;
  const rows = database.dialect === 'mongodb' ? 'documents' : 'rows';
  let subject = `Deleting ${aRowOf(lang, parent)}`;
  if (ancestors.length > 0) {
    const list = orList(ancestors.map((t) => t.name));
    const one = ancestors.length === 1;
    subject += ` (and so ${lang === 'prisma' ? article(list) : `${article(list)} row`}, whose delete${one ? ' cascades' : 's cascade'} to ${parent})`;
  }
  const emulated = !fk.enforced
    ? database.dialect === 'mongodb'
      ? ', emulated by Prisma Client for its own deletes: MongoDB has no foreign keys'
      : ', emulated by Prisma Client for its own deletes under relationMode = "prisma"'
    : '';
  const through = records.length > 0 ? ` and, through them, ${andList(records.map((t) => t.name))} ${rows}` : '';
  const the = lang === 'prisma' ? `the ${parent}` : `the ${parent} row`;
  return (
    `${subject} deletes its ${table.name} ${rows} (${writtenCascade(database)}${emulated})${through}: ` +
    `${table.name} looks like a record to keep (${word}), which must usually outlive ${the} it references.`
  );
}

export const cascadeDeletesRecords: Rule = {
  meta: {
    id: 'cascade-deletes-records',
    category: 'relations',
    defaultSeverity: 'warning',
    languages: ['prisma', 'drizzle', 'sql'],
    description: 'ON DELETE CASCADE from a parent such as users or accounts into a table of records to keep (payments, invoices, audit logs, history).',
    partition: 'table',
    fix: 'unsafe',
  },
  check(context) {
    for (const database of context.databases) {
      if (!cascadeDeletesRecords.meta.languages.includes(database.language)) continue;
      let keep: ReferentialAction | undefined | null = null;
      // Indexed loops over every table and key (see "Hot loops" in ../types.ts).
      const tables = database.tables;
      for (let t = 0; t < tables.length; t++) {
        const table = tables[t];
        if (table.isView) continue;
        let word: string | undefined | null = null;
        const fks = table.foreignKeys;
        for (let k = 0; k < fks.length; k++) {
          const fk = fks[k];
          if (fk.onDelete !== 'Cascade' || !writable(database, fk)) continue;
          if (word === null) {
            // The record word first: most tables have none, and then whether they are link tables does not matter.
            const found = recordWord(table);
            word = found === undefined || isLinkTable(table) ? undefined : found;
          }
          if (word === undefined) break;
          const parent = tableOf(database, fk.references.table);
          if (!cascadeFrom(table, word, parent ?? { name: fk.references.table })) continue;
          if (keep === null) keep = keepAction(database);
          const actions: ReferentialAction[] = [];
          if (keep) actions.push(keep);
          if (foreignKeyIsOptional(table, fk) && allowed(database, 'SetNull')) actions.push('SetNull');
          const fixes: FixProposal[] = actions.map((action) => ({
            title: setOnDeleteTitle(database, table, fk, action),
            safety: 'unsafe',
            intent: { kind: 'setOnDelete', database, table, foreignKey: fk, action },
          }));
          const ancestors = parent ? cascadingAncestors(database, parent, table) : [];
          const records = cascadingRecords(database, table, parent);
          context.report({
            message: message(database, table, fk, word, ancestors, records),
            loc: fk.loc,
            fixes,
            related: parent && parent !== table ? [{ loc: parent.nameLoc, message: `Referenced table ${parent.name}` }] : undefined,
          });
        }
      }
    }
  },
};
