/**
 * A migration that adds a NOT NULL column without a default to an existing table can only succeed on an empty table
 * (Postgres: "column … contains null values"). What follows it in that migration (the index and the foreign key Prisma
 * writes for a new required relation) runs on an empty table: no lock holds anyone up, no validation scans anything.
 * Found auditing real Prisma migration folders, where index-not-concurrent and foreign-key-not-valid were reported there.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Database } from '../../../rules/model';
import { indexNotConcurrent } from '../../../rules/migrations/index-not-concurrent';
import { foreignKeyNotValid } from '../../../rules/migrations/foreign-key-not-valid';
import { runRule } from '../../helpers/run-rule';
import { pgliteClones, runAsRunner, analyzeSqlFiles } from './helpers';

const fresh = pgliteClones();

const analyze = analyzeSqlFiles;

const LOCK = 'prisma/migrations/migration_lock.toml';
const INIT = 'prisma/migrations/20240101000000_init/migration.sql';
const AUTHOR = 'prisma/migrations/20240201000000_post_author/migration.sql';

const init =
  '-- CreateTable\nCREATE TABLE "User" (\n    "id" TEXT NOT NULL,\n\n    CONSTRAINT "User_pkey" PRIMARY KEY ("id")\n);\n\n' +
  '-- CreateTable\nCREATE TABLE "Post" (\n    "id" TEXT NOT NULL,\n    "title" TEXT NOT NULL,\n\n    CONSTRAINT "Post_pkey" PRIMARY KEY ("id")\n);\n';
/** What `prisma migrate dev` writes for a new required relation `author User @relation(…)` on Post. */
const author = (column: string) =>
  `-- AlterTable\nALTER TABLE "Post" ADD COLUMN ${column};\n\n` +
  '-- CreateIndex\nCREATE INDEX "Post_authorId_idx" ON "Post"("authorId");\n\n' +
  '-- AddForeignKey\nALTER TABLE "Post" ADD CONSTRAINT "Post_authorId_fkey" FOREIGN KEY ("authorId") REFERENCES "User"("id") ON DELETE RESTRICT ON UPDATE CASCADE;\n';

const reported = (db: Database) => [...runRule(indexNotConcurrent, [db]), ...runRule(foreignKeyNotValid, [db])].map((r) => r.message.split(' ').slice(0, 2).join(' '));

describe('a table an earlier statement of the migration proved empty', () => {
  it('ADD COLUMN … NOT NULL without a default: the index and the foreign key after it are not reported', () => {
    assert.deepEqual(reported(analyze({ [LOCK]: 'provider = "postgresql"\n', [INIT]: init, [AUTHOR]: author('"authorId" TEXT NOT NULL') })), []);
  });

  it('a column with a default, an identity, a nullable one, or the NOT NULL after the index prove nothing', () => {
    for (const column of ['"authorId" TEXT NOT NULL DEFAULT \'\'', '"authorId" TEXT', '"n" INTEGER GENERATED ALWAYS AS IDENTITY, ADD COLUMN "authorId" TEXT', '"n" SERIAL NOT NULL, ADD COLUMN "authorId" TEXT']) {
      const found = reported(analyze({ [LOCK]: 'provider = "postgresql"\n', [INIT]: init, [AUTHOR]: author(column) }));
      assert.equal(found.length, 2, `${column}: ${found.join(' | ')}`);
    }
    const after =
      '-- AlterTable\nALTER TABLE "Post" ADD COLUMN "authorId" TEXT;\n\nCREATE INDEX "Post_authorId_idx" ON "Post"("authorId");\n\n' +
      'ALTER TABLE "Post" ADD COLUMN "slug" TEXT NOT NULL;\n';
    assert.equal(reported(analyze({ [LOCK]: 'provider = "postgresql"\n', [INIT]: init, [AUTHOR]: after })).length, 1);
  });

  it('Postgres agrees: with a row in Post the migration fails at the ADD COLUMN; empty, it runs', async () => {
    const withRow = await fresh();
    await runAsRunner(withRow, init);
    await withRow.query(`INSERT INTO "Post" ("id", "title") VALUES ('p1', 'Hello')`);
    await assert.rejects(runAsRunner(withRow, author('"authorId" TEXT NOT NULL')), /contains null values/);
    const empty = await fresh();
    await runAsRunner(empty, init);
    await runAsRunner(empty, author('"authorId" TEXT NOT NULL'));
    const r = await empty.query<{ n: number }>(`select count(*)::int as n from pg_constraint where conname = 'Post_authorId_fkey' and convalidated`);
    assert.equal(r.rows[0].n, 1);
  });
});
