import type { Rule } from '../types';
import { tableOf } from '../types';

export const concurrentIndexInTransaction: Rule = {
  meta: {
    id: 'concurrent-index-in-transaction',
    category: 'migrations',
    defaultSeverity: 'error',
    languages: ['sql'],
    description: 'CREATE INDEX CONCURRENTLY inside a transaction: Postgres refuses it and the migration fails at deploy time.',
    fix: 'safe',
  },
  check(context) {
    for (const database of context.databases) {
      if (database.language !== 'sql' || database.dialect !== 'postgresql') continue;
      const statements = database.statements ?? [];
      for (const statement of statements) {
        if (statement.kind !== 'createIndex' || !statement.concurrently) continue;
        // Refused on a partitioned table in or out of a transaction: concurrent-index-on-partitioned-table says so.
        if (statement.table !== undefined && tableOf(database, statement.table)?.partitioned) continue;
        const explicit = statement.inExplicitTransaction === true;
        if (!explicit && !statement.migration.transactional) continue;
        const why = explicit ? 'it sits between BEGIN and COMMIT' : 'the migration runner wraps this migration in a transaction';
        // Moving the statement out only helps when the migration holds something else.
        const others = statements.some((s) => s !== statement && s.migration.file === statement.migration.file);
        context.report({
          message:
            `CREATE INDEX CONCURRENTLY cannot run inside a transaction block and ${why}: Postgres rejects the statement ` +
            `and the migration fails at deploy time.`,
          loc: statement.loc,
          fixes: others
            ? [
                {
                  title: 'Move this statement to a migration of its own',
                  safety: 'safe',
                  preferred: true,
                  intent: { kind: 'moveToOwnMigration', database, statement },
                },
              ]
            : [],
        });
      }
    }
  },
};
