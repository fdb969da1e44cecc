import type { Database, MigrationStatement } from '../model';
import type { Rule } from '../types';
import { tableOf } from '../types';

/** The table the added foreign key references, found in the replayed model by table and columns. */
function referencedTable(database: Database, statement: MigrationStatement): string | undefined {
  if (!statement.table || !statement.columns) return undefined;
  const table = tableOf(database, statement.table);
  const fk = table?.foreignKeys.find(
    (f) => f.columns.length === statement.columns!.length && f.columns.every((c, i) => c === statement.columns![i]),
  );
  return fk?.references.table;
}

export const foreignKeyNotValid: Rule = {
  meta: {
    id: 'foreign-key-not-valid',
    category: 'migrations',
    defaultSeverity: 'warning',
    languages: ['sql'],
    description: 'A foreign key added to an existing Postgres table without NOT VALID: both tables are locked while every row is checked.',
    fix: 'safe',
  },
  check(context) {
    for (const database of context.databases) {
      if (database.language !== 'sql' || database.dialect !== 'postgresql') continue;
      for (const statement of database.statements ?? []) {
        if (statement.kind !== 'addForeignKey' || statement.notValid || statement.tableCreatedInSameMigration) continue;
        const target = statement.table ?? 'the table';
        const parent = referencedTable(database, statement);
        context.report({
          message:
            `Adding a foreign key to existing table ${target} without NOT VALID takes SHARE ROW EXCLUSIVE locks on ${target} and ` +
            `${parent ?? 'the referenced table'} and scans all of ${target} to validate it: writes to both wait meanwhile.`,
          loc: statement.loc,
          fixes: [
            statement.migration.applied
              ? {
                  // The newest migration of a history: rewriting it is right only if it has not been deployed.
                  title: 'Add NOT VALID, then VALIDATE CONSTRAINT, to this migration (only if it has not been deployed yet)',
                  safety: 'unsafe',
                  intent: { kind: 'addNotValid', database, statement },
                }
              : {
                  title: 'Add NOT VALID, then VALIDATE CONSTRAINT in a separate statement',
                  safety: 'safe',
                  preferred: true,
                  intent: { kind: 'addNotValid', database, statement },
                },
          ],
        });
      }
    }
  },
};
