/**
 * Rules must never throw on odd facts a half-typed file can produce: empty names, relations to
 * tables that do not exist, columns missing from their table, empty column lists, duplicate names,
 * odd comments and defaults. A seeded generator makes many such models; every rule runs on each.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { rules } from '../../rules';
import type { ColumnType, Database, Dialect, ReferentialAction } from '../../rules/model';
import { column, database, fk, index, migration, statement, table, unique } from '../helpers/model';
import { runRule } from '../helpers/run-rule';

function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const NAMES = ['', 'id', 'Id', '_id', 'user_id', 'userId', 'users', 'User', 'status', 'metadata', 'price', 'x_backup', 'backup_', '__', '2024', 'a-b', 'é', 'ID', 'old', 'users_20240115'];
const TYPES: ColumnType[] = ['string', 'int', 'bigint', 'float', 'uuid', 'json', 'enum', 'other'];
const COMMENTS = [undefined, '', '"', '| , /', '"a" | "b" |', 'or or or', 'json', "'x' or", '1, 2, 3', 'a'.repeat(5000)];
const DEFAULTS = [undefined, '', '"', "'", '"[]"', "'{'::text", '()', '"{\\"a\\":1}"', 'now()'];
const ACTIONS: (ReferentialAction | undefined)[] = [undefined, 'Cascade', 'SetNull', 'Restrict', 'NoAction'];
const DIALECTS: Dialect[] = ['postgresql', 'mysql', 'sqlite', 'sqlserver', 'cockroachdb', 'mongodb', 'unknown'];

function randomDatabase(random: () => number): Database {
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)];
  const tables = Array.from({ length: Math.floor(random() * 6) }, () => {
    const columns = Array.from({ length: Math.floor(random() * 5) }, () =>
      column(pick(NAMES), pick(TYPES), { nullable: random() < 0.5, comment: pick(COMMENTS), default: pick(DEFAULTS), rawType: pick(['', 'text', 'varchar(', 'String @db.VarChar(10)', 'real']) }),
    );
    const names = [...columns.map((c) => c.name), pick(NAMES)];
    const cols = () => Array.from({ length: Math.floor(random() * 3) }, () => pick(names));
    return table(pick(NAMES), {
      columns,
      noId: random() < 0.5,
      primaryKey: random() < 0.3 ? null : random() < 0.5 ? cols() : undefined,
      indexes: Array.from({ length: Math.floor(random() * 4) }, () => (random() < 0.5 ? index(cols(), { partial: random() < 0.2 }) : unique(cols()))),
      foreignKeys: Array.from({ length: Math.floor(random() * 3) }, () =>
        fk(cols(), pick(NAMES), cols(), { onDelete: pick(ACTIONS), enforced: random() < 0.8 }),
      ),
      isView: random() < 0.1,
    });
  });
  const statements = Array.from({ length: Math.floor(random() * 4) }, () =>
    statement(pick(['createIndex', 'addForeignKey', 'createTable', 'other'] as const), {
      table: random() < 0.8 ? pick(NAMES) : undefined,
      columns: random() < 0.5 ? [pick(NAMES)] : undefined,
      concurrently: random() < 0.5,
      notValid: random() < 0.5,
      inExplicitTransaction: random() < 0.3,
      tableCreatedInSameMigration: random() < 0.3,
      migration: migration({ transactional: random() < 0.5, file: pick(['/m/1.sql', '/m/2.sql']) }),
    }),
  );
  return database(pick(['prisma', 'drizzle', 'sql'] as const), tables, {
    dialect: pick(DIALECTS),
    relationMode: random() < 0.2 ? 'prisma' : 'foreignKeys',
    statements: random() < 0.7 ? statements : undefined,
    prismaMajor: pick([undefined, 5, 6, 7]),
    referentialActions: random() < 0.3 ? ['Cascade', 'NoAction'] : undefined,
  });
}

describe('rules on odd models', () => {
  it('never throw, and every report has a location and a message', () => {
    const random = prng(20240115);
    let reports = 0;
    for (let round = 0; round < 300; round++) {
      const db = randomDatabase(random);
      for (const rule of rules) {
        const found = runRule(rule, [db]);
        for (const r of found) {
          assert.ok(r.message.length > 0, rule.meta.id);
          assert.ok(r.loc && r.loc.range, rule.meta.id);
        }
        reports += found.length;
      }
    }
    assert.ok(reports > 100, `the generator should produce findings (got ${reports})`);
  });
});
