import type { Rule } from '../types';
import { tableOf } from '../types';

export const indexNotConcurrent: Rule = {
  meta: {
    id: 'index-not-concurrent',
    category: 'migrations',
    defaultSeverity: 'warning',
    languages: ['sql'],
    description: 'CREATE INDEX without CONCURRENTLY on a Postgres table that already exists: writes wait until the index is built.',
    fix: 'safe',
  },
  check(context) {
    for (const database of context.databases) {
      if (database.language !== 'sql' || database.dialect !== 'postgresql') continue;
      for (const statement of database.statements ?? []) {
        if (statement.kind !== 'createIndex' || statement.concurrently || statement.tableCreatedInSameMigration) continue;
        // drizzle-kit migrates every pending migration in one transaction: CONCURRENTLY cannot run there at all.
        if (statement.migration.allPendingInOneTransaction) continue;
        const inTransaction = statement.migration.transactional || statement.inExplicitTransaction === true;
        const target = statement.table ?? 'the table';
        // Postgres refuses CONCURRENTLY on a partitioned table (ON ONLY + each partition CONCURRENTLY + ATTACH is the way round; see the doc).
        if (statement.table !== undefined && tableOf(database, statement.table)?.partitioned) continue;
        context.report({
          message:
            `CREATE INDEX on existing table ${target} without CONCURRENTLY takes a SHARE lock: every insert, update and delete ` +
            `on ${target} waits until the whole index is built, minutes on a large table.`,
          loc: statement.loc,
          fixes: [
            inTransaction
              ? {
                  // CONCURRENTLY cannot run inside a transaction block: the writer puts it in a migration of its own.
                  title: 'Create the index CONCURRENTLY in a migration of its own (this migration runs in a transaction)',
                  safety: 'unsafe',
                  intent: { kind: 'addConcurrently', database, statement },
                }
              : statement.migration.applied
                ? {
                    // The newest migration of a history: rewriting it is right only if it has not been deployed.
                    title: 'Add CONCURRENTLY to this migration (only if it has not been deployed yet)',
                    safety: 'unsafe',
                    intent: { kind: 'addConcurrently', database, statement },
                  }
                : {
                    title: 'Add CONCURRENTLY',
                    safety: 'safe',
                    preferred: true,
                    intent: { kind: 'addConcurrently', database, statement },
                  },
          ],
        });
      }
    }
  },
};
