import type { Database, MigrationStatement, Table } from '../model';
import type { Rule } from '../types';
import { tableOf } from '../types';

/**
 * The partitions of a partitioned table (its partitioned partitions' counted through) made by a migration before the
 * statement's: those may hold rows. One made earlier in the same migration is new and empty, like the parent of an
 * index the rule does not report (`tableCreatedInSameMigration`).
 */
function partitionsWithRows(database: Database, parent: Table, statement: MigrationStatement): number {
  let n = 0;
  const seen = new Set<Table>([parent]);
  const walk = (t: Table): void => {
    for (const p of database.tables) {
      if (p.partitionOf !== t.name || seen.has(p)) continue;
      seen.add(p);
      if (p.partitioned) walk(p);
      else if (p.migration === undefined || p.migration.order < statement.migration.order) n++;
    }
  };
  walk(parent);
  return n;
}

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
        const table = statement.table !== undefined ? tableOf(database, statement.table) : undefined;
        if (table?.partitioned) {
          // Postgres refuses CONCURRENTLY on a partitioned table: ON ONLY + each partition CONCURRENTLY + ATTACH (see the doc).
          // `ON ONLY` builds nothing (instant); without a partition made by an earlier migration no partition holds rows.
          if (statement.only) continue;
          const partitions = partitionsWithRows(database, table, statement);
          if (partitions === 0) continue;
          context.report({
            message:
              `CREATE INDEX on partitioned table ${target} takes a SHARE lock on it and on ${partitions === 1 ? 'its partition' : `each of its ${partitions} partitions`} ` +
              `until the index is built on ${partitions === 1 ? 'it' : 'all of them'}: every insert, update and delete on ${target} waits meanwhile, minutes on a large table. ` +
              `Postgres refuses CONCURRENTLY on a partitioned table: create the index ON ONLY ${target}, build each partition's CONCURRENTLY, then ATTACH them.`,
            loc: statement.loc,
            fixes: [
              {
                // The writer adds ONLY here and puts each partition's CONCURRENTLY build, then the ATTACHes, in new migrations.
                title: `Create it ON ONLY ${target}, then CONCURRENTLY on each partition and ATTACH, in new migrations${statement.migration.applied ? ' (only if this migration has not been deployed yet)' : ''}`,
                safety: 'unsafe',
                intent: { kind: 'addConcurrently', database, statement },
              },
            ],
          });
          continue;
        }
        context.report({
          message: statement.materializedView
            ? `CREATE INDEX on existing materialized view ${target} without CONCURRENTLY takes a SHARE lock: reads go on, but ` +
              `REFRESH MATERIALIZED VIEW ${target} waits until the whole index is built, minutes on a large view.`
            : `CREATE INDEX on existing table ${target} without CONCURRENTLY takes a SHARE lock: every insert, update and delete ` +
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
