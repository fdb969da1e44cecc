import type { Column, ColumnType, Database, Table } from '../model';
import type { Rule } from '../types';
import { columnOf } from '../types';
import type { ReferentialAction } from '../model';
import { aMissingRowOf, aRowOf, article, findTableByName, perName, tablesByNameKey, words } from '../names';
import { leftoverOf } from '../migrations/backup-table';
import { addForeignKeyTitle } from '../titles';
import { allowed, firstOnDelete, keepAction, newRelationBreaksLimits } from './missing-on-delete';
import { referencedName, userReference } from './user-reference';

export { referencedName, userReference };

/** The table of the application's users: `users` (`User`), else Supabase's usual `profiles`. */
function usersTable(database: Database, index: Map<string, Table[]>): Table | undefined {
  return findTableByName(database, 'user', undefined, index) ?? findTableByName(database, 'profile', undefined, index);
}

/** Types whose values can hold each other's (an `int` column holding `bigint` ids): a reference by name is plausible. */
const FAMILIES: ColumnType[][] = [['int', 'bigint'], ['string', 'uuid']];

export function compatibleTypes(a: ColumnType, b: ColumnType): boolean {
  return a === b || FAMILIES.some((f) => f.includes(a) && f.includes(b));
}

/** Prisma's native integer/decimal type on MySQL (`@db.UnsignedInt`, `@db.SmallInt`), or the scalar's default. */
function prismaNative(column: Column): string {
  return /@db\.(\w+)/.exec(column.rawType)?.[1] ?? column.rawType.split(/[\s(]/)[0];
}

/**
 * Can a foreign key join `column` to `key` as they are typed? Prisma wants the same scalar type on both sides (`Int`
 * is not `BigInt`, `String` is not a `@db.Uuid` id: Postgres refuses text → uuid); Postgres and CockroachDB compare
 * integers of any width, but not text with uuid; MySQL and SQL Server want the same integer type; SQLite compares
 * anything.
 */
export function foreignKeyTypesMatch(database: Database, column: Column, key: Column): boolean {
  if (column.type === key.type) {
    // MySQL wants the same size and sign: Prisma's `@db.SmallInt`/`@db.UnsignedInt` say so.
    const sized = column.type === 'int' || column.type === 'bigint' || column.type === 'decimal';
    return !(database.language === 'prisma' && database.dialect === 'mysql' && sized) || prismaNative(column) === prismaNative(key);
  }
  if (!compatibleTypes(column.type, key.type) || database.language === 'prisma') return false;
  switch (database.dialect) {
    case 'sqlite':
      return true;
    case 'postgresql':
    case 'cockroachdb':
      return column.type !== 'uuid' && key.type !== 'uuid';
    default:
      return false;
  }
}

/** A self-relation gets no fix on SQL Server and under relationMode = "prisma" (see the rule's doc). */
function selfLimited(database: Database, self: boolean): boolean {
  return self && (database.dialect === 'sqlserver' || database.relationMode === 'prisma');
}

/**
 * A type column beside a role or "by" column (`ownerType` + `ownerId`, `created_by_type` + `created_by`): the
 * column holds the id of a row of whichever table the type names (a polymorphic reference), not a user's id.
 */
function hasTypeColumn(table: Table, column: Column): boolean {
  const own = (name: string) => words(referencedName(name) ?? name).join('_');
  const bases = [own(column.name), ...(column.dbName ? [own(column.dbName)] : [])];
  return table.columns.some((c) => {
    if (c === column) return false;
    return [c.name, c.dbName].some((name) => {
      if (!name) return false;
      const ws = words(name);
      const last = ws[ws.length - 1];
      return ws.length >= 2 && (last === 'type' || last === 'kind') && bases.includes(ws.slice(0, -1).join('_'));
    });
  });
}

/**
 * A secret beside the id under the same prefix (`clientId` + `clientSecret`, `app_id` + `app_secret_hash`): the pair is a
 * credential issued by another system (an OAuth identity provider, an app store), and the id is that system's, not a
 * key of the local table the prefix happens to name (peppermint's SSO `clientId` beside a CRM `Client` model).
 */
function hasSecretColumn(table: Table, column: Column, stem: string): boolean {
  const prefix = words(stem);
  // Loops, not closures: asked for every column named like a reference.
  const columns = table.columns;
  for (let i = 0; i < columns.length; i++) {
    const c = columns[i];
    if (c === column) continue;
    if (c.name && startsWithSecret(words(c.name), prefix)) return true;
    if (c.dbName && startsWithSecret(words(c.dbName), prefix)) return true;
  }
  return false;
}

/** `ws` is `prefix`, then `secret`, then more or nothing. */
function startsWithSecret(ws: readonly string[], prefix: readonly string[]): boolean {
  if (ws.length <= prefix.length || ws[prefix.length] !== 'secret') return false;
  for (let i = 0; i < prefix.length; i++) if (ws[i] !== prefix[i]) return false;
  return true;
}

function inForeignKey(table: Table, column: Column): boolean {
  const fks = table.foreignKeys;
  for (let i = 0; i < fks.length; i++) {
    const columns = fks[i].columns;
    for (let j = 0; j < columns.length; j++) if (columns[j] === column.name || columns[j] === column.dbName) return true;
  }
  return false;
}

function isWholePrimaryKey(table: Table, column: Column): boolean {
  const key = table.primaryKey?.columns;
  return key !== undefined && key.length === 1 && (key[0] === column.name || key[0] === column.dbName);
}

/**
 * The name (a column's, or its database name) says what it references: a table (`eventId`) or a user's role or deed
 * (`reader_id`, `created_by`). Only such a column can be reported. Asked for every column of every table, and names
 * recur: remembered.
 */
const nameReferences = perName((name) => referencedName(name) !== undefined || userReference(name) !== undefined);

/**
 * A table named by the column's stem under the prefix its own table's name carries (`chat_messages.session_id` →
 * `chat_sessions`, `billingInvoice.customerId` → `billingCustomer`), when no table is named by the stem alone.
 */
function withOwnPrefix(database: Database, table: Table, stem: string, index: Map<string, Table[]>): Table | undefined {
  const own = [...words(table.dbName ?? table.name)];
  for (let k = own.length - 1; k >= 1; k--) {
    const found = findTableByName(database, `${own.slice(0, k).join('_')}_${stem}`, table, index);
    if (found) return found;
  }
  return undefined;
}

export const missingForeignKey: Rule = {
  meta: {
    id: 'missing-foreign-key',
    category: 'relations',
    defaultSeverity: 'info',
    languages: ['prisma', 'drizzle', 'sql'],
    description: 'A column named like a reference to another table (`eventId`, `event_id`) without a foreign key.',
    partition: 'table',
    fix: 'unsafe',
  },
  check(context) {
    for (const database of context.databases) {
      if (!missingForeignKey.meta.languages.includes(database.language)) continue;
      // Built on the first name that looks like a reference (most tables have none outside their foreign keys).
      let index: Map<string, Table[]> | undefined;
      const names = () => (index ??= tablesByNameKey(database));
      // Indexed loops over every table and column (see "Hot loops" in ../types.ts).
      const tables = database.tables;
      for (let t = 0; t < tables.length; t++) {
        const table = tables[t];
        // Leftover copies (`payments_backup`) lack constraints on purpose: backup-table reports them.
        if (table.isView || leftoverOf(database, table, index)) continue;
        const columns = table.columns;
        for (let c = 0; c < columns.length; c++) {
          const column = columns[c];
          // Most columns name nothing (checked first: it is remembered per name, and it settles the column).
          if (!nameReferences(column.name) && !(column.dbName && nameReferences(column.dbName))) continue;
          if (isWholePrimaryKey(table, column) || inForeignKey(table, column)) continue;
          const stem = referencedName(column.name) ?? (column.dbName ? referencedName(column.dbName) : undefined);
          // `clientId` beside `clientSecret`: an outside credential's id, whatever table its prefix names.
          if (stem !== undefined && hasSecretColumn(table, column, stem)) continue;
          let target = stem === undefined ? undefined : findTableByName(database, stem, undefined, names()) ?? withOwnPrefix(database, table, stem, names());
          // `parentId` where no table is named parent: a tree, each row pointing at its parent row in the same table.
          const tree = target === undefined && stem?.toLowerCase() === 'parent';
          if (tree) target = table;
          // `reader_id` where no table is named reader, `created_by`: a user in that role, or who did it.
          const role = target === undefined && !tree ? (userReference(column.name) ?? (column.dbName ? userReference(column.dbName) : undefined)) : undefined;
          // `ownerType` beside `ownerId`: the owner is a user or a project, whichever the type says.
          const person = role && !hasTypeColumn(table, column) ? role : undefined;
          // A table of the users in that role (`AdminUser`, `admin_users`) before the application's users table.
          if (person) target = (person.kind === 'role' ? findTableByName(database, `${person.words}_user`, undefined, names()) : undefined) ?? usersTable(database, names());
          // `Event.eventId` is an outside id (a provider's event id), not a reference to itself; `users.invited_by` is.
          if (!target || (target === table && !tree && !person) || target.isView) continue;
          const key = target.primaryKey?.columns;
          if (!key || key.length !== 1) continue;
          const keyColumn = columnOf(target, key[0]);
          if (!keyColumn || !compatibleTypes(column.type, keyColumn.type)) continue;
          // A reference by name whose type differs from the key's: no constraint can be added as it is typed.
          const typesMatch = foreignKeyTypesMatch(database, column, keyColumn);
          // A role is weaker evidence than a table's name: only a column that can hold the key as it is typed, and,
          // for `created_by`, not a text column (which as often holds a name or an email).
          if (person && (!typesMatch || (person.kind === 'by' && (column.type === 'string' || keyColumn.type === 'string')))) continue;
          const references = { table: target.name, columns: [keyColumn.name] };
          // Written with the action missing-on-delete would ask for, so the new key leaves no finding behind. Who
          // created or approved a row does not own it: deleting that user keeps the row (SET NULL, else refused).
          const onDelete: ReferentialAction | undefined =
            person?.kind === 'by' ? (column.nullable && allowed(database, 'SetNull') && !selfLimited(database, target === table) ? 'SetNull' : keepAction(database)) : firstOnDelete(database, table, column.nullable);
          // A self-relation whose actions cascade is refused on SQL Server and under relationMode = "prisma", and the
          // new relation's onUpdate would be Prisma's default, Cascade: no fix there (missing-on-delete's, once added).
          const writable = typesMatch && !selfLimited(database, target === table);
          // A relation that would cascade into a cycle (Prisma's default onUpdate is Cascade) is refused there too:
          // written with actions that modify nothing, in Prisma, where the writer can say onUpdate.
          const limited = database.language === 'prisma' && newRelationBreaksLimits(database, table, target);
          const keep = limited ? keepAction(database) : undefined;
          const onDeleteWritten = keep ?? onDelete;
          const onUpdate = keep;
          const typeNote = typesMatch
            ? ''
            : ` Its type (${column.rawType}) is not ${target.name}.${keyColumn.name}'s (${keyColumn.rawType}), and a foreign key needs matching types: change the column's type first.`;
          const lead = person
            ? person.kind === 'role'
              ? `${table.name}.${column.name} names ${article(person.words)}, and no table is named ${person.words}: it looks like a reference to ${target.name}.${keyColumn.name}, but no foreign key says so: `
              : `${table.name}.${column.name} says who a row was ${person.words}: it looks like a reference to ${target.name}.${keyColumn.name}, but no foreign key says so: `
            : `${table.name}.${column.name} looks like a reference to ${target.name}.${keyColumn.name}, but no foreign key says so: `;
          context.report({
            message:
              lead +
              `nothing stops it pointing at a missing ${aMissingRowOf(database.language, target.name)}, and deleting ${aRowOf(database.language, target.name)} cannot cascade or be refused.` +
              typeNote,
            loc: column.loc,
            fixes: writable
              ? [
                  {
                    title: addForeignKeyTitle(database, table, [column.name], target, [keyColumn.name], onDeleteWritten, onUpdate),
                    safety: 'unsafe',
                    intent: { kind: 'addForeignKey', database, table, columns: [column.name], references, onDelete: onDeleteWritten, ...(onUpdate ? { onUpdate } : {}) },
                  },
                ]
              : [],
            related: [{ loc: target.nameLoc, message: `Table ${target.name}` }],
          });
        }
      }
    }
  },
};
