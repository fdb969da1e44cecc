import type { Database, ForeignKey, ReferentialAction, Table } from '../model';
import type { FixProposal, Rule } from '../types';
import { foreignKeyIsOptional, readsTable, tableOf, wholeDatabase } from '../types';
import { aRowOf, perName, singular, unqualified, words } from '../names';
import { addForeignKeyTitle, setOnDeleteTitle } from '../titles';
import { userReference } from './user-reference';

/** Words that mark a table whose rows are records users must keep (cascading deletes would destroy them). */
const KEEP_RECORDS = new Set([
  'audit', 'payment', 'history', 'ledger', 'log', 'invoice', 'transaction', 'receipt', 'refund', 'journal',
  'payout', 'charge', 'billing', 'order', 'purchase',
]);

export function looksLikeRecordTable(table: Table): boolean {
  return recordWord(table) !== undefined;
}

/**
 * The word of a table's name (or database name) that marks its rows as records to keep (`payment` in `payments`,
 * `transaction` in `wallet_transactions`), or undefined; also undefined for configuration about such records
 * (`payment_methods`, `billing_addresses`). Asked for every table: no array and no closures per call.
 */
export function recordWord(table: Pick<Table, 'name' | 'dbName'>): string | undefined {
  // A table's own name, not its schema's: `billing.invoices` holds invoices, `billing.customers` no records.
  if (table.name.includes('.')) return namesRecords(unqualified(table.name));
  return namesRecords(table.name) ?? (table.dbName === undefined ? undefined : namesRecords(table.dbName));
}

/**
 * Head nouns of tables that hold configuration about payments or billing, or messages about them, not records of
 * them: `payment_methods` (saved cards: deleting them with their user is right), `billing_addresses`,
 * `invoice_settings`, `transaction_categories`, `payment_reminders`, `PaymentMessage`. English compounds put the head
 * last.
 */
const CONFIGURATION_HEADS = new Set([
  'method', 'address', 'setting', 'preference', 'config', 'configuration', 'template', 'type', 'category', 'provider',
  'option', 'plan', 'message', 'notification', 'reminder', 'comment', 'note', 'tag', 'label', 'draft', 'status',
]);

/** The record word a table name holds, if any (`recordWord`). Asked for every table name by every review: remembered. */
const namesRecords = perName((name): string | undefined => {
  const all = words(name);
  let answer: string | undefined;
  for (let i = 0; i < all.length; i++) {
    const one = singular(all[i]);
    if (KEEP_RECORDS.has(one)) {
      answer = one;
      break;
    }
  }
  return answer !== undefined && CONFIGURATION_HEADS.has(singular(all[all.length - 1]!)) ? undefined : answer;
});

/**
 * A log or history of the parent itself, named after it (`job_logs` → `jobs`, `TradeLog` → `Trade`,
 * `order_history` → `orders`): its lines describe that row and live and die with it. An audit trail is
 * never that (`user_audit_logs` → `users` must outlive the user).
 */
export function isOwnLog(table: Pick<Table, 'name' | 'dbName'>, parent: Pick<Table, 'name' | 'dbName'>, word: string): boolean {
  if (word !== 'log' && word !== 'history') return false;
  for (const child of [table.name, table.dbName]) {
    if (child === undefined) continue;
    const c = words(child).map(singular);
    for (const name of [parent.name, parent.dbName]) {
      if (name === undefined) continue;
      // `auth.users`: the table's own name.
      const p = words(unqualified(name)).map(singular);
      if (p.length > 0 && p.length < c.length && p.every((w, i) => c[i] === w) && !c.slice(p.length).includes('audit')) return true;
    }
  }
  return false;
}

/**
 * The fixes' order: for records to keep, the actions that keep them first. `Keep` is the action that keeps
 * today's behaviour, explicitly: `Restrict`, or `NoAction` where the provider has no `Restrict` (SQL Server).
 */
type FixAction = 'Cascade' | 'SetNull' | 'Keep';
const KEEP_ORDER: readonly FixAction[] = ['Keep', 'SetNull', 'Cascade'];
const CASCADE_ORDER: readonly FixAction[] = ['Cascade', 'SetNull', 'Keep'];
/**
 * An optional reference (its columns nullable) says the row can live without the parent: SetNull keeps it, and
 * destroys nothing, where Cascade would delete it with its parent (a post with its author, a setting with the admin
 * who last changed it). Cascade stays one click away.
 */
const OPTIONAL_ORDER: readonly FixAction[] = ['SetNull', 'Cascade', 'Keep'];

/** Does the provider allow `action` (Prisma's `referential_actions`; every action where nothing is known)? */
export function allowed(database: Database, action: ReferentialAction): boolean {
  return database.referentialActions === undefined || database.referentialActions.includes(action);
}

/**
 * The action a new foreign key of `table` over `columns` should be written with: what this rule's first fix would
 * write for it (records to keep: the delete refused; an optional reference: SetNull; else Cascade), so that adding a
 * missing foreign key does not leave a finding of this rule behind. Where cascades are limited (SQL Server, Prisma's
 * emulated relations) the delete refused, which can open no cascade path.
 */
export function firstOnDelete(database: Database, table: Table, optional: boolean): ReferentialAction | undefined {
  const keep = keepAction(database);
  if (looksLikeRecordTable(table) || cascadeLimits(database)) return keep;
  for (const action of optional ? OPTIONAL_ORDER : CASCADE_ORDER) {
    const a = action === 'Keep' ? keep : action;
    if (a && (a !== 'SetNull' || optional) && allowed(database, a)) return a;
  }
  return keep;
}

/** The action that keeps a delete refused: `Restrict`, or `NoAction` where the provider has no `Restrict`. */
export function keepAction(database: Database): ReferentialAction | undefined {
  return allowed(database, 'Restrict') ? 'Restrict' : allowed(database, 'NoAction') ? 'NoAction' : undefined;
}

// ---------------------------------------------------------------------------------------------
// Cascade paths. SQL Server refuses foreign keys whose actions cascade in a cycle or reach a table along two paths
// ("may cause cycles or multiple cascade paths"), and Prisma validates a sqlserver schema the same way. With
// relationMode = "prisma" (any provider) Prisma refuses cycles: one relation in every cycle, a self-relation
// included, must neither delete nor update (NoAction or Restrict for both). A relation "cascades" here when its
// onDelete or its onUpdate modifies rows (Cascade, SetNull, SetDefault); Prisma's default onUpdate is Cascade.
// ---------------------------------------------------------------------------------------------

interface CascadeLimits {
  /** Two cascading paths from one table to another are refused too (SQL Server with foreign keys). */
  paths: boolean;
}

function cascadeLimits(database: Database): CascadeLimits | undefined {
  const sqlServer = database.dialect === 'sqlserver' && database.relationMode === 'foreignKeys';
  const emulated = database.language === 'prisma' && database.relationMode === 'prisma';
  return sqlServer || emulated ? { paths: sqlServer } : undefined;
}

function modifies(action: ReferentialAction): boolean {
  return action !== 'NoAction' && action !== 'Restrict';
}

function updateCascades(database: Database, fk: ForeignKey): boolean {
  return modifies(fk.onUpdate ?? (database.language === 'prisma' ? 'Cascade' : 'NoAction'));
}

function cascades(database: Database, fk: ForeignKey): boolean {
  return modifies(fk.onDelete ?? fk.defaultOnDelete) || updateCascades(database, fk);
}

interface Edge {
  to: Table;
  fk: ForeignKey;
}

interface CascadeGraph {
  /** Parent → child over the relations that cascade today. */
  down: Map<Table, Edge[]>;
  up: Map<Table, Edge[]>;
  /** The same plus the relations fix-all would make cascade (no onDelete, nothing cascades yet, Cascade or SetNull first). */
  downPlus: Map<Table, Edge[]>;
  upPlus: Map<Table, Edge[]>;
  /** Parent → the tables with a foreign key to it (`referencingTables`). */
  children: Map<Table, Set<Table>>;
}

const graphs = new WeakMap<Database, CascadeGraph>();

const referencing = new WeakMap<Database, Map<Table, Set<Table>>>();

/**
 * Parent → the tables with a foreign key to it, cascading or not (whose actions decide which deletes cascade from
 * it), over the whole database; built once per database for every rule that follows cascades.
 */
export function referencingTables(database: Database): Map<Table, Set<Table>> {
  const whole = wholeDatabase(database);
  let map = referencing.get(whole);
  if (map) return map;
  map = new Map();
  // Indexed loops over every table and key (see "Hot loops" in ../types.ts).
  const tables = whole.tables;
  for (let t = 0; t < tables.length; t++) {
    const child = tables[t];
    if (child.isView) continue;
    const fks = child.foreignKeys;
    for (let k = 0; k < fks.length; k++) {
      const parent = tableOf(whole, fks[k].references.table);
      if (!parent) continue;
      const set = map.get(parent);
      if (set) set.add(child);
      else map.set(parent, new Set<Table>().add(child));
    }
  }
  referencing.set(whole, map);
  return map;
}

function push(map: Map<Table, Edge[]>, from: Table, edge: Edge): void {
  const list = map.get(from);
  if (list) list.push(edge);
  else map.set(from, [edge]);
}

/** Would fix-all write an action that modifies rows for this relation (its first fix)? */
function fixAllCascades(database: Database, table: Table, fk: ForeignKey): boolean {
  if (fk.onDelete !== undefined || (!fk.enforced && database.language !== 'prisma') || looksLikeRecordTable(table)) return false;
  return allowed(database, 'Cascade') || (allowed(database, 'SetNull') && foreignKeyIsOptional(table, fk));
}

function cascadeGraph(database: Database): CascadeGraph {
  const whole = wholeDatabase(database);
  let graph = graphs.get(whole);
  if (graph) return graph;
  graph = { down: new Map(), up: new Map(), downPlus: new Map(), upPlus: new Map(), children: referencingTables(whole) };
  for (const child of whole.tables) {
    if (child.isView) continue;
    for (const fk of child.foreignKeys) {
      const parent = tableOf(whole, fk.references.table);
      if (!parent) continue;
      const now = cascades(whole, fk);
      if (now) {
        push(graph.down, parent, { to: child, fk });
        push(graph.up, child, { to: parent, fk });
      }
      if (now || fixAllCascades(whole, child, fk)) {
        push(graph.downPlus, parent, { to: child, fk });
        push(graph.upPlus, child, { to: parent, fk });
      }
    }
  }
  graphs.set(whole, graph);
  return graph;
}

/**
 * Tables reachable from `from` (with `from` itself when `withStart`), not through `skip`. Each table whose edges were
 * followed is passed to `read`.
 */
function reach(edges: Map<Table, Edge[]>, from: readonly Table[], withStart: boolean, skip: ForeignKey, read: (t: Table) => void): Set<Table> {
  const seen = new Set<Table>(withStart ? from : []);
  const stack = [...from];
  while (stack.length > 0) {
    const at = stack.pop()!;
    read(at);
    for (const e of edges.get(at) ?? []) {
      if (e.fk === skip || seen.has(e.to)) continue;
      seen.add(e.to);
      stack.push(e.to);
    }
  }
  return seen;
}

/**
 * Would making `fk` (child → parent) cascade close a cycle, or (with `paths`) open a second cascading path between
 * two tables, given the other relations in `down`/`up`?
 */
function breaksLimits(
  limits: CascadeLimits,
  graph: CascadeGraph,
  plus: boolean,
  parent: Table,
  child: Table,
  fk: ForeignKey,
): boolean {
  if (parent === child) return true;
  const down = plus ? graph.downPlus : graph.down;
  const up = plus ? graph.upPlus : graph.up;
  // The answer depends on the actions of the foreign keys followed: those of the tables reached going up, and those
  // of the tables referencing a table reached going down. The engine re-judges when one of them changes.
  const readDown = (t: Table) => {
    readsTable(t);
    for (const c of graph.children.get(t) ?? []) readsTable(c);
  };
  const below = reach(down, [child], true, fk, readDown);
  if (below.has(parent)) return true;
  if (!limits.paths) return false;
  const above = reach(up, [parent], true, fk, readsTable);
  const fromAbove = reach(down, [...above], false, fk, readDown);
  for (const t of below) if (fromAbove.has(t)) return true;
  return false;
}

/**
 * Would a new relation child → parent, written with Prisma's default onUpdate (Cascade), close a cascade cycle (or,
 * on SQL Server, open a second cascading path) that the database or Prisma refuses? Then it must be written with
 * actions that modify nothing (missing-foreign-key's fix).
 */
export function newRelationBreaksLimits(database: Database, child: Table, parent: Table): boolean {
  const limits = cascadeLimits(database);
  if (!limits) return false;
  const whole = wholeDatabase(database);
  const from = tableOf(whole, child.name);
  const to = tableOf(whole, parent.name);
  if (!from || !to) return false;
  // A relation not in the graph yet: nothing to skip.
  const none = { columns: [], references: { table: to.name, columns: [] } } as unknown as ForeignKey;
  return breaksLimits(limits, cascadeGraph(whole), false, to, from, none);
}

/**
 * An `onDelete: NoAction` Prisma Client does not emulate: under relationMode = "prisma" before Prisma 4.5 it did
 * nothing (4.5 made it an alias of the emulated Restrict, prisma-engines#3276; PostgreSQL and SQLite refuse it there
 * since). Only where the project's version is known to be older (a 3.x, or a pinned 4.0–4.4): then the written
 * action is as good as none, and worse than the default, which Prisma did emulate.
 */
export function emulatedNoActionIgnored(database: Database, fk: ForeignKey): boolean {
  if (database.language !== 'prisma' || database.relationMode !== 'prisma' || fk.onDelete !== 'NoAction') return false;
  const major = database.prismaMajor;
  if (major === undefined) return false;
  return major < 4 || (major === 4 && database.prismaMinor !== undefined && database.prismaMinor < 5);
}

/** `Post.authorId` or `Post.orgId, Post.authorId`: made only by the messages that name the key's columns. */
function qualifiedColumns(table: Table, fk: ForeignKey): string {
  return fk.columns.map((c) => `${table.name}.${c}`).join(', ');
}

function consequence(database: Database, table: Table, fk: ForeignKey): string {
  const parent = fk.references.table;
  const child = fk.references.table === table.name ? `other ${table.name}` : table.name;
  if (emulatedNoActionIgnored(database, fk)) {
    const version = `Prisma ${database.prismaMajor}${database.prismaMinor !== undefined ? `.${database.prismaMinor}` : ''}`;
    return (
      `onDelete: NoAction does nothing under relationMode = "prisma" in ${version}: no foreign key exists for ${qualifiedColumns(table, fk)}, and Prisma Client ` +
      `emulates no NoAction before 4.5 (it then became Restrict), so deleting ${aRowOf(database.language, parent)}, through Prisma Client or not, ` +
      `leaves its ${child} ${database.dialect === 'mongodb' ? 'documents' : 'rows'} pointing at nothing.`
    );
  }
  if (!fk.enforced) {
    if (database.dialect === 'mongodb') {
      return (
        `MongoDB has no foreign keys, so nothing in the database guards ${qualifiedColumns(table, fk)}: Prisma Client emulates the referential action ` +
        `(here its default, ${fk.defaultOnDelete}) only for the deletes it makes itself; a delete of ${aRowOf(database.language, parent)} by another writer ` +
        `(another service, a script, the shell) leaves ${child} documents with dangling references.`
      );
    }
    if (database.language === 'prisma') {
      return (
        `No foreign key constraint exists for ${qualifiedColumns(table, fk)} (relationMode = "prisma"): Prisma Client emulates its default ` +
        `(${fk.defaultOnDelete}) only for its own deletes; a delete of ${aRowOf(database.language, parent)} outside it (raw SQL, another service) leaves ${child} rows pointing at nothing.`
      );
    }
    return (
      `No foreign key constraint exists for ${qualifiedColumns(table, fk)} (the relation exists only in the ORM): deleting ${aRowOf(database.language, parent)} ` +
      `leaves its ${child} rows pointing at nothing, and nothing says what should happen to them.`
    );
  }
  switch (fk.defaultOnDelete) {
    case 'Restrict':
    case 'NoAction':
      return `Deleting ${aRowOf(database.language, parent)} fails while ${child} rows reference it (no onDelete: the database restricts the delete).`;
    case 'SetNull':
      return `Deleting ${aRowOf(database.language, parent)} sets ${qualifiedColumns(table, fk)} to NULL implicitly (no onDelete: the default for an optional relation is SetNull).`;
    case 'Cascade':
      return `Deleting ${aRowOf(database.language, parent)} silently deletes its ${child} rows (no onDelete: the default here cascades).`;
    case 'SetDefault':
      return `Deleting ${aRowOf(database.language, parent)} sets ${qualifiedColumns(table, fk)} to its default implicitly (no onDelete written).`;
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
      const limits = cascadeLimits(database);
      const keep = keepAction(database);
      // Indexed loops over every table and key (see "Hot loops" in ../types.ts).
      const tables = database.tables;
      for (let t = 0; t < tables.length; t++) {
        const table = tables[t];
        if (table.isView) continue;
        const word = recordWord(table);
        const fks = table.foreignKeys;
        for (let k = 0; k < fks.length; k++) {
          const fk = fks[k];
          // An explicit onDelete is a choice, except a NoAction that this Prisma version does not emulate.
          const ignored = emulatedNoActionIgnored(database, fk);
          if (fk.onDelete !== undefined && !ignored) continue;
          const parent = tableOf(database, fk.references.table);
          // A relation to a view: no foreign key is made to a view, and its rows are not deleted as such.
          if (parent?.isView) continue;
          // A log named after its parent (`job_logs` → `jobs`) lives and dies with it (cascade-deletes-records agrees).
          const keepRecords = word !== undefined && !isOwnLog(table, parent ?? { name: fk.references.table }, word);
          // A Drizzle relations() link without references carries no action: its fix writes the real foreign key,
          // `.references(…)` with the action (missing-foreign-key leaves columns that are in a relation alone).
          const ormOnly = !fk.enforced && database.language === 'drizzle';
          const canWriteAction = fk.enforced || database.language === 'prisma' || (ormOnly && parent !== undefined);
          const optional = foreignKeyIsOptional(table, fk);
          // Who created or approved a row (`createdById`, `approved_by`) does not own it: deleting that user should not
          // delete the row (missing-foreign-key writes such a key the same way).
          const byWhom = !optional && fk.columns.length === 1 && userReference(fk.columns[0])?.kind === 'by';
          let order: readonly FixAction[] = keepRecords || byWhom ? KEEP_ORDER : optional ? OPTIONAL_ORDER : CASCADE_ORDER;
          /** Actions withheld because they would cascade in a cycle or along a second path. */
          let refused: string | undefined;
          /** A self-relation whose onUpdate cascades: only the action that keeps deletes refused, on update too. */
          let onUpdate: ReferentialAction | undefined;
          if (limits && canWriteAction && parent === table && database.language === 'prisma' && updateCascades(database, fk) && keep) {
            // Refused whatever its onDelete: Prisma wants both actions of a self-relation to leave rows alone.
            order = ['Keep'];
            onUpdate = keep;
            refused = 'a self-relation that cascades is a cycle';
          }
          // When its onUpdate cascades, the relation cascades whatever its onDelete: no onDelete fix changes the paths.
          else if (limits && canWriteAction && parent && !updateCascades(database, fk)) {
            const graph = cascadeGraph(database);
            // Cascade or SetNull makes the relation cascade (SetNull, an optional relation's default, already does:
            // then the schema is invalid today, and only the action that keeps the delete refused repairs it).
            if (breaksLimits(limits, graph, false, parent, table, fk)) {
              order = order.filter((a) => a === 'Keep');
              refused = parent === table
                ? 'a self-relation that cascades is a cycle'
                : limits.paths
                  ? `it would cascade from ${parent.name} to ${table.name} in a cycle or along a second path`
                  : `it would cascade from ${parent.name} to ${table.name} in a cycle`;
            } else if (order[0] !== 'Keep' && breaksLimits(limits, graph, true, parent, table, fk)) {
              // Alone it is fine, but together with another relation's first fix it is not: fix-all writes the
              // action that keeps today's behaviour; Cascade stays one click away.
              order = ['Keep', ...order.filter((a) => a !== 'Keep')];
            }
          }
          // A loop, not a chain of maps and filters: this runs for every foreign key without an action.
          const fixes: FixProposal[] = [];
          if (canWriteAction) {
            for (let i = 0; i < order.length; i++) {
              const a = order[i];
              const action = a === 'Keep' ? keep : a;
              if (action === undefined || (action === 'SetNull' && !optional) || !allowed(database, action)) continue;
              // Rewriting the ignored NoAction as itself would change nothing.
              if (ignored && action === 'NoAction') continue;
              fixes.push({
                title: onUpdate
                  ? setOnDeleteTitle(database, table, fk, action, onUpdate)
                  : ormOnly
                    ? addForeignKeyTitle(database, table, fk.columns, parent!, fk.references.columns, action)
                    : setOnDeleteTitle(database, table, fk, action) +
                      (action === 'Cascade' && keepRecords ? ` (deletes ${table.name} records with their ${fk.references.table})` : '') +
                      (!modifies(action) && fk.enforced && !modifies(fk.defaultOnDelete) ? ' (keep today\'s behaviour, explicitly)' : ''),
                safety: 'unsafe',
                intent: onUpdate
                  ? { kind: 'setOnDelete', database, table, foreignKey: fk, action, onUpdate }
                  : { kind: 'setOnDelete', database, table, foreignKey: fk, action },
              });
            }
          }
          const keepNote = keepRecords
            ? ` ${table.name} looks like a record to keep (audit, payment, history…): cascading would destroy it, prefer ${keep ?? 'Restrict'}${optional ? ' or SetNull' : ''}.`
            : '';
          const refuser = limits?.paths ? 'SQL Server' : database.dialect === 'mongodb' ? 'Prisma on MongoDB' : 'Prisma (relationMode = "prisma")';
          const refusedNote = refused
            ? ` ${optional ? 'Cascade and SetNull are' : 'Cascade is'} not offered: ${refused}, which ${refuser} refuses.` +
              (onUpdate ? ` Its onUpdate${fk.onUpdate ? '' : ' (Cascade by default)'} cascades too: the fix sets both to ${onUpdate}.` : '')
            : '';
          context.report({
            message: consequence(database, table, fk) + keepNote + refusedNote,
            loc: fk.loc,
            fixes,
            related: parent ? [{ loc: parent.nameLoc, message: `Referenced table ${parent.name}` }] : undefined,
          });
        }
      }
    }
  },
};
