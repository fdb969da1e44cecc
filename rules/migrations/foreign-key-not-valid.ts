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
        if (statement.kind !== 'addForeignKey' || statement.tableCreatedInSameMigration) continue;
        const target = statement.table ?? 'the table';
        const parent = referencedTable(database, statement);
        // A self-reference locks one table.
        const locked = parent === target ? `a SHARE ROW EXCLUSIVE lock on ${target}` : `SHARE ROW EXCLUSIVE locks on ${target} and ${parent ?? 'the referenced table'}`;
        const writers = parent === target ? 'writes to it' : 'writes to both';
        if (statement.notValid) {
          const validate = statement.validatedBy;
          if (!validate) continue;
          // NOT VALID, then VALIDATE in the same transaction: the ADD's locks are held until commit, so the scan runs under them.
          const where = validate.migration.transactional
            ? 'this migration runs as one transaction'
            : validate.doBlock
              ? 'both run in one DO block'
              : 'both run between the same BEGIN and COMMIT';
          const movable = validate.doBlock === undefined && (!validate.migration.applied || validate.migration.latest === true);
          context.report({
            message:
              `VALIDATE CONSTRAINT runs in the same transaction as the ADD CONSTRAINT … NOT VALID before it (${where}): ` +
              (parent === target
                ? `the SHARE ROW EXCLUSIVE lock the ADD took on ${target} is held`
                : `the SHARE ROW EXCLUSIVE locks the ADD took on ${target} and ${parent ?? 'the referenced table'} are held`) +
              ` while VALIDATE scans all of ${target}, so ${writers} wait as if NOT VALID were not there. Validate in a later transaction.`,
            loc: validate.loc,
            related: [{ loc: statement.loc, message: 'The constraint is added NOT VALID here.' }],
            fixes: movable
              ? [
                  validate.migration.applied
                    ? {
                        title: 'Move VALIDATE CONSTRAINT to a new migration (only if this one has not been deployed yet)',
                        safety: 'unsafe',
                        intent: { kind: 'moveToOwnMigration', database, statement: validate },
                      }
                    : {
                        title: 'Move VALIDATE CONSTRAINT to a new migration',
                        safety: 'safe',
                        preferred: true,
                        intent: { kind: 'moveToOwnMigration', database, statement: validate },
                      },
                ]
              : [],
          });
          continue;
        }
        // Where the runner runs the migration as one transaction, VALIDATE must go after it: the writer puts it in a new migration.
        const inTransaction = statement.migration.transactional || statement.inExplicitTransaction === true;

        context.report({
          message:
            `Adding a foreign key to existing table ${target} without NOT VALID takes ${locked} and scans all of ${target} to validate it: ` +
            `${writers} wait meanwhile.`,
          loc: statement.loc,
          fixes: [
            statement.migration.applied
              ? {
                  // The newest migration of a history: rewriting it is right only if it has not been deployed.
                  title: inTransaction
                    ? 'Add NOT VALID to this migration and VALIDATE CONSTRAINT after its transaction (only if it has not been deployed yet)'
                    : 'Add NOT VALID, then VALIDATE CONSTRAINT, to this migration (only if it has not been deployed yet)',
                  safety: 'unsafe',
                  intent: { kind: 'addNotValid', database, statement },
                }
              : {
                  title: inTransaction ? 'Add NOT VALID, then VALIDATE CONSTRAINT after this transaction' : 'Add NOT VALID, then VALIDATE CONSTRAINT in a separate statement',
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
