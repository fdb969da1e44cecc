import type { Rule } from '../types';
import { tableOf } from '../types';

/**
 * `CREATE INDEX CONCURRENTLY` on a partitioned Postgres table. Postgres refuses it whatever the table holds (with
 * partitions or none, `ON ONLY` or not): "cannot create index on partitioned table … concurrently". The migration
 * fails at deploy time. The way that keeps writes flowing is the parent's index `ON ONLY`, each partition's built
 * CONCURRENTLY, then attached; the fix writes it.
 */
export const concurrentIndexOnPartitionedTable: Rule = {
  meta: {
    id: 'concurrent-index-on-partitioned-table',
    category: 'migrations',
    defaultSeverity: 'error',
    languages: ['sql'],
    description: 'CREATE INDEX CONCURRENTLY on a partitioned Postgres table: Postgres refuses it and the migration fails at deploy time.',
    fix: 'safe',
  },
  check(context) {
    for (const database of context.databases) {
      if (database.language !== 'sql' || database.dialect !== 'postgresql') continue;
      for (const statement of database.statements ?? []) {
        if (statement.kind !== 'createIndex' || !statement.concurrently || statement.table === undefined) continue;
        if (!tableOf(database, statement.table)?.partitioned) continue;
        context.report({
          message:
            `${statement.table} is a partitioned table, and Postgres refuses CREATE INDEX CONCURRENTLY on one ` +
            `("cannot create index on partitioned table … concurrently"): the migration fails at deploy time. ` +
            `Build the index ON ONLY ${statement.table}, then each partition's CONCURRENTLY, and attach them.`,
          loc: statement.loc,
          fixes: [
            {
              title: `Build the index ON ONLY ${statement.table}, each partition's CONCURRENTLY in a migration of its own, then attach them`,
              safety: 'safe',
              preferred: true,
              intent: { kind: 'indexPartitionsConcurrently', database, statement },
            },
          ],
        });
      }
    }
  },
};
