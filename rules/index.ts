/**
 * The rule registry: every rule Schema Review runs, sorted by id.
 *
 * To add a rule: `npm run new-rule -- <category> <id>` scaffolds it and inserts it here. By hand: add
 * its import below (imports sorted by path) and its name to `rules` at its place in id order.
 * test/meta.test.ts checks that every rule file is listed and the list is sorted.
 */
import type { Rule, RuleMeta } from './types';

import { floatForMoney } from './data-types/float-for-money';
import { jsonInString } from './data-types/json-in-string';
import { stringEnum } from './data-types/string-enum';
import { duplicateIndex } from './indexes/duplicate-index';
import { missingPrimaryKey } from './indexes/missing-primary-key';
import { unindexedForeignKey } from './indexes/unindexed-foreign-key';
import { unindexedQueryFilter } from './indexes/unindexed-query-filter';
import { backupTable } from './migrations/backup-table';
import { concurrentIndexInTransaction } from './migrations/concurrent-index-in-transaction';
import { concurrentIndexOnPartitionedTable } from './migrations/concurrent-index-on-partitioned-table';
import { foreignKeyNotValid } from './migrations/foreign-key-not-valid';
import { indexNotConcurrent } from './migrations/index-not-concurrent';
import { deleteWithoutWhere } from './queries/delete-without-where';
import { filterInMemory } from './queries/filter-in-memory';
import { queryInLoop } from './queries/query-in-loop';
import { swallowedDbError } from './queries/swallowed-db-error';
import { unboundedQuery } from './queries/unbounded-query';
import { cascadeDeletesRecords } from './relations/cascade-deletes-records';
import { missingForeignKey } from './relations/missing-foreign-key';
import { missingOnDelete } from './relations/missing-on-delete';
import { setNullOnNotNull } from './relations/set-null-on-not-null';
import { clientOutsideTransaction } from './transactions/client-outside-transaction';
import { multiWriteWithoutTransaction } from './transactions/multi-write-without-transaction';
// (imports end)

/** Every rule, sorted by id. Add new rules at their place in id order. */
export const rules: Rule[] = [
  backupTable,
  cascadeDeletesRecords,
  clientOutsideTransaction,
  concurrentIndexInTransaction,
  concurrentIndexOnPartitionedTable,
  deleteWithoutWhere,
  duplicateIndex,
  filterInMemory,
  floatForMoney,
  foreignKeyNotValid,
  indexNotConcurrent,
  jsonInString,
  missingForeignKey,
  missingOnDelete,
  missingPrimaryKey,
  multiWriteWithoutTransaction,
  queryInLoop,
  setNullOnNotNull,
  stringEnum,
  swallowedDbError,
  unboundedQuery,
  unindexedForeignKey,
  unindexedQueryFilter,
  // (rules end)
];

export function ruleById(id: string): Rule | undefined {
  return rules.find((rule) => rule.meta.id === id);
}

export function ruleMetas(): RuleMeta[] {
  return rules.map((rule) => rule.meta);
}
