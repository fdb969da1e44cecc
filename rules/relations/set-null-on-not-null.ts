import type { ReferentialAction } from '../model';
import type { FixProposal, Rule } from '../types';
import { columnOf } from '../types';
import { aRowOf } from '../names';
import { makeNullableTitle, setOnDeleteTitle } from '../titles';
import { cascadeWouldDestroyRecords } from './cascade-deletes-records';

export const setNullOnNotNull: Rule = {
  meta: {
    id: 'set-null-on-not-null',
    category: 'relations',
    defaultSeverity: 'error',
    // Prisma's own validation already rejects SetNull on a required relation.
    languages: ['drizzle', 'sql'],
    description: 'ON DELETE SET NULL on a foreign key whose column is NOT NULL: the first delete of a referenced row fails.',
    partition: 'table',
    fix: 'unsafe',
  },
  check(context) {
    for (const database of context.databases) {
      if (!setNullOnNotNull.meta.languages.includes(database.language)) continue;
      for (const table of database.tables) {
        if (table.isView) continue;
        for (const fk of table.foreignKeys) {
          if (fk.onDelete !== 'SetNull') continue;
          const notNull = fk.columns.map((c) => columnOf(table, c)).filter((c) => c !== undefined && !c.nullable);
          if (notNull.length === 0) continue;
          const names = notNull.map((c) => `${table.name}.${c!.name}`).join(', ');
          // SET NULL clears every column of the key: making one of several NOT NULL columns nullable fixes nothing, and
          // one fix cannot change several columns, so a composite key gets the action fixes only.
          const fixes: FixProposal[] = (notNull.length > 1 ? [] : notNull).map((column) => ({
            title: makeNullableTitle(database, column!),
            safety: 'unsafe',
            intent: { kind: 'makeNullable', database, table, column: column! },
          }));
          // Records to keep (payments, audit logs) are not offered a cascade: cascade-deletes-records would report it.
          const actions: ReferentialAction[] = cascadeWouldDestroyRecords(database, table, fk) ? ['Restrict'] : ['Cascade', 'Restrict'];
          for (const action of actions) {
            if (database.referentialActions && !database.referentialActions.includes(action)) continue;
            fixes.push({
              title: setOnDeleteTitle(database, table, fk, action),
              safety: 'unsafe',
              intent: { kind: 'setOnDelete', database, table, foreignKey: fk, action },
            });
          }
          context.report({
            message:
              `ON DELETE SET NULL on NOT NULL ${notNull.length > 1 ? 'columns' : 'column'} ${names}: deleting ${aRowOf(database.language, fk.references.table)} ` +
              `that ${table.name} rows reference fails with a not-null violation instead of clearing the reference.`,
            loc: fk.loc,
            fixes,
          });
        }
      }
    }
  },
};
