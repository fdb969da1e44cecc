/**
 * Prisma partial indexes (`@@index([userId], where: raw("\"userId\" IS NOT NULL"))`, preview feature `partialIndexes`).
 * Only the newest prisma-schema-wasm (the 7+ build) validates them; 5 and 6 refuse the argument. An index whose
 * predicate only requires its key to be set covers a foreign key on that key (a lookup by equality implies the
 * predicate), as in SQL and Drizzle; any other predicate leaves the foreign key unindexed.
 */
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Index } from '../../../rules/model';
import { unindexedForeignKey } from '../../../rules/indexes/unindexed-foreign-key';
import { loadSqlParser } from '../../../server/src/languages/sql/parse';
import { prismaFrontEnd } from '../../../server/src/languages/prisma';
import * as wasm from '../../../server/src/languages/prisma/wasm';
import { applyPrismaFix, findings, inlinePrisma } from '../../helpers/prisma-inline';
import { single } from '../../helpers/run-rule';
import { parsePrisma } from '../../../server/src/languages/prisma/parser';
import { memoryReader } from './helpers';

const GENERATOR = 'generator client {\n  provider        = "prisma-client-js"\n  previewFeatures = ["partialIndexes"]\n}\n\n';

/** A schema for Prisma 7 (no `url` in the datasource), with one partial index on Post. */
function schema(index: string, provider = 'postgresql', userIdMap = ''): string {
  return (
    GENERATOR +
    `datasource db {\n  provider = "${provider}"\n}\n\n` +
    `model User {\n  id    Int    @id\n  posts Post[]\n}\n\n` +
    `model Post {\n  id        Int       @id\n  userId    Int?${userIdMap}\n  kind      String\n  deletedAt DateTime?\n  user      User?     @relation(fields: [userId], references: [id], onDelete: SetNull)\n\n  ${index}\n}\n`
  );
}

function postIndex(text: string): Index {
  const { db, errors } = inlinePrisma(text, 7);
  assert.deepEqual(errors, [], 'Prisma 7 validates the schema');
  const indexes = db.tables.find((t) => t.name === 'Post')!.indexes;
  assert.equal(indexes.length, 1);
  return indexes[0];
}

describe('Prisma partial indexes', () => {
  before(() => loadSqlParser());

  it('only the 7+ wasm validates `where: raw(…)`, and only with the preview feature', () => {
    const text = schema('@@index([userId], where: raw("\\"userId\\" IS NOT NULL"))');
    const withUrl = text.replace('provider = "postgresql"', 'provider = "postgresql"\n  url      = env("DATABASE_URL")');
    const files = (t: string) => [['schema.prisma', t]] as const;
    for (const major of [5, 6] as const) {
      const r = wasm.validate(files(withUrl), major);
      assert.ok(r.ok && !r.value.valid);
      assert.match(r.value.message!, /error: No such argument\./);
      assert.match(r.value.message!, /The preview feature "partialIndexes" is not known/);
    }
    const seven = wasm.validate(files(text), 7);
    assert.deepEqual(seven, { ok: true, value: { valid: true } });
    const without = wasm.validate(files(text.replace('  previewFeatures = ["partialIndexes"]\n', '')), 7);
    assert.ok(without.ok && !without.value.valid);
    assert.match(without.value.message!, /Partial indexes are a preview feature\. Add "partialIndexes" to previewFeatures in your generator block\./);
  });

  it('WHERE the key IS NOT NULL covers the foreign key', () => {
    const text = schema('@@index([userId], where: raw("\\"userId\\" IS NOT NULL"))');
    const index = postIndex(text);
    assert.equal(index.partial, true);
    assert.deepEqual(index.whereNotNull, ['userId']);
    assert.deepEqual(findings(unindexedForeignKey, inlinePrisma(text, 7)), []);
  });

  it('the predicate names the column as the database does (@map), unquoted names folded as Postgres folds them', () => {
    assert.deepEqual(postIndex(schema('@@index([userId], where: raw("user_id IS NOT NULL"))', 'postgresql', ' @map("user_id")')).whereNotNull, ['userId']);
    assert.deepEqual(postIndex(schema('@@index([userId], where: raw("\\"userId\\" IS NOT NULL AND \\"userId\\" IS NOT NULL"))')).whereNotNull, ['userId']);
    // Unquoted, userId is userid to Postgres: not the column.
    assert.equal(postIndex(schema('@@index([userId], where: raw("userId IS NOT NULL"))')).whereNotNull, undefined);
    // SQLite compares names ignoring case.
    assert.deepEqual(postIndex(schema('@@index([userId], where: raw("userId IS NOT NULL"))', 'sqlite')).whereNotNull, ['userId']);
  });

  it('any other predicate leaves the foreign key unindexed, and the fix validates with the 7+ wasm', () => {
    const predicates: [string, string[] | undefined][] = [
      ['raw("kind = \'a\'")', undefined],
      ['raw("\\"userId\\" IS NOT NULL OR \\"deletedAt\\" IS NULL")', undefined],
      ['raw("\\"userId\\" IS NOT NULL AND \\"deletedAt\\" IS NULL")', undefined],
      // Another column required: a lookup by userId does not imply it.
      ['raw("\\"deletedAt\\" IS NOT NULL")', ['deletedAt']],
    ];
    for (const [predicate, required] of predicates) {
      const text = schema(`@@index([userId], where: ${predicate})`);
      const index = postIndex(text);
      assert.equal(index.partial, true, predicate);
      assert.deepEqual(index.whereNotNull, required, predicate);
      const inline = inlinePrisma(text, 7);
      const reports = findings(unindexedForeignKey, inline);
      assert.equal(reports.length, 1, predicate);
      const fixed = applyPrismaFix(inline, reports[0].fixes![0].intent)!;
      assert.deepEqual(fixed.errors, [], fixed.text);
      assert.deepEqual(findings(unindexedForeignKey, fixed.fixed), []);
    }
  });

  it('the object form: `{ userId: { not: null } }` covers the key; other conditions do not, and the fix validates', () => {
    const covering = schema('@@index([userId], where: { userId: { not: null } })');
    assert.deepEqual(parsePrisma(covering).errors, [], 'read as one expression, not as stray tokens ending the model');
    assert.deepEqual(postIndex(covering).whereNotNull, ['userId']);
    assert.deepEqual(findings(unindexedForeignKey, inlinePrisma(covering, 7)), []);
    for (const condition of ['{ userId: null }', '{ userId: { not: null }, deletedAt: null }', '{ kind: "a" }', '{ userId: { not: 3 } }']) {
      const text = schema(`@@index([userId], where: ${condition})`);
      assert.deepEqual(parsePrisma(text).errors, [], condition);
      const index = postIndex(text);
      assert.equal(index.partial, true, condition);
      assert.equal(index.whereNotNull, undefined, condition);
      const inline = inlinePrisma(text, 7);
      const report = single(findings(unindexedForeignKey, inline));
      const fixed = applyPrismaFix(inline, report.fixes![0].intent)!;
      assert.deepEqual(fixed.errors, [], fixed.text);
      assert.deepEqual(findings(unindexedForeignKey, fixed.fixed), []);
    }
  });

  it('a half-typed object ends with its line: the rest of the model and the next model are read', () => {
    const text = `${schema('@@index([userId], where: { userId: { not')}`.replace(/\n\}\n$/, '\n  title String\n}\n\nmodel Tag {\n  id Int @id\n}\n');
    const ast = parsePrisma(text);
    assert.ok(ast.errors.some((e) => /Unclosed/.test(e.message)));
    const post = ast.blocks.find((b) => b.name === 'Post')!;
    assert.equal(post.closed, true);
    assert.ok(post.fields.some((f) => f.name === 'title'));
    assert.ok(ast.blocks.some((b) => b.name === 'Tag'));
  });

  it('discovery of a generator enabling partialIndexes makes the front-end load the Postgres parser first', () => {
    const file = '/virtual/partial/prisma/schema.prisma';
    prismaFrontEnd.discover([file], memoryReader({ [file]: schema('@@index([userId])') }));
    assert.equal(typeof prismaFrontEnd.init, 'function');
  });
});
