import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { duplicateIndex } from '../../rules/indexes/duplicate-index';
import type { Index } from '../../rules/model';
import { column, drizzleDb, index, pk, prismaDb, sqlDb, table, unique } from '../helpers/model';
import { fixSummary, runRule, single } from '../helpers/run-rule';
import { applyPrismaFix, findings, inlinePrisma } from '../helpers/prisma-inline';

const cols = [column('a', 'int'), column('b', 'int'), column('c', 'int')];
const run = (indexes: Index[], primaryKey?: Index) => runRule(duplicateIndex, [prismaDb([table('T', { columns: cols, indexes, primaryKey })])]);

describe('duplicate-index', () => {
  describe('valid', () => {
    it('different leading columns', () => assert.equal(run([index(['a']), index(['b', 'a'])]).length, 0));
    it('a unique index is not redundant to a plain one on the same columns (the plain one is)', () => {
      const plain = index(['a']);
      const reports = run([unique(['a']), plain]);
      assert.deepEqual(reports.map((r) => r.loc), [plain.loc]);
    });
    it('a unique prefix of a longer index still enforces something', () => assert.equal(run([unique(['a']), index(['a', 'b'])]).length, 0));
    it('partial indexes are left alone', () => assert.equal(run([index(['a'], { partial: true }), index(['a', 'b'])]).length, 0));
    it('the primary key is never the redundant one', () => assert.equal(run([unique(['a', 'b'])], pk(['a'])).length, 0));
    it('another access method serves other searches: GIN, GiST, BRIN, Hash next to a B-tree', () => {
      for (const method of ['gin', 'gist', 'brin', 'hash', 'spgist', 'fulltext']) {
        assert.equal(run([index(['a']), index(['a'], { method })]).length, 0, method);
        assert.equal(run([index(['a'], { method }), index(['a'])]).length, 0, method);
        assert.equal(run([index(['a'], { method }), unique(['a', 'b'])]).length, 0, method);
      }
      // The leading-prefix rule is a B-tree's: a GIN index on (a, b) does not make one on (a) redundant.
      assert.equal(run([index(['a'], { method: 'gin' }), index(['a', 'b'], { method: 'gin' })]).length, 0);
    });
    it('another operator class or collation is another index (gin_trgm_ops, text_pattern_ops, COLLATE "C")', () => {
      assert.equal(run([index(['a']), index(['a'], { columnOptions: [{ ops: 'text_pattern_ops' }] })]).length, 0);
      assert.equal(run([index(['a'], { method: 'gin', columnOptions: [{ ops: 'gin_trgm_ops' }] }), index(['a'], { method: 'gin', columnOptions: [{ ops: 'jsonb_path_ops' }] })]).length, 0);
      assert.equal(run([index(['a'], { columnOptions: [{ collation: 'C' }] }), index(['a', 'b'])]).length, 0);
    });
    it('a prefix (MySQL length:) index is not the full column\'s index, either way', () => {
      assert.equal(run([index(['a']), index(['a'], { columnOptions: [{ length: 10 }] })]).length, 0);
      assert.equal(run([index(['a'], { columnOptions: [{ length: 10 }] }), index(['a'])]).length, 0);
      assert.equal(run([index(['a'], { columnOptions: [{ length: 10 }] }), index(['a', 'b'])]).length, 0);
    });
    it('a multi-column order that is neither the same nor the reverse serves other sorts', () => {
      assert.equal(run([index(['a', 'b']), index(['a', 'b'], { columnOptions: [undefined, { desc: true }] })]).length, 0);
      assert.equal(run([index(['a', 'b'], { columnOptions: [undefined, { desc: true }] }), index(['a', 'b', 'c'])]).length, 0);
      // DESC NULLS LAST is not the reverse of ASC NULLS LAST.
      assert.equal(run([index(['a'], { columnOptions: [{ desc: true, nulls: 'last' }] }), index(['a', 'b'])]).length, 0);
    });
    it('an index with INCLUDE columns serves index-only scans the plain one cannot', () => {
      assert.equal(run([index(['a'], { include: ['c'] }), index(['a', 'b'])]).length, 0);
      const plain = index(['a']);
      assert.deepEqual(run([unique(['a'], { include: ['c'] }), plain]).map((r) => r.loc), [plain.loc]);
    });
  });

  describe('invalid', () => {
    it('plain index that is a leading prefix of a composite unique', () => {
      const redundant = index(['a']);
      const covering = unique(['a', 'b']);
      const t = table('T', { columns: cols, indexes: [redundant, covering] });
      const db = prismaDb([t]);
      const report = single(runRule(duplicateIndex, [db]));
      assert.equal(
        report.message,
        'The index on (a) of T is redundant: the unique index on (a, b) already serves lookups by these leading columns. Every write pays to maintain both, and the extra index costs disk and cache.',
      );
      assert.deepEqual(report.loc, redundant.loc);
      assert.deepEqual(fixSummary(report), [{ title: 'Remove @@index([a])', safety: 'unsafe', kind: 'dropIndex', preferred: false }]);
      assert.deepEqual(report.fixes![0].intent, { kind: 'dropIndex', database: db, table: t, index: redundant });
      assert.deepEqual(report.related, [{ loc: covering.loc, message: 'Covered by the unique index on (a, b)' }]);
    });

    it('two identical plain indexes: the later one', () => {
      const first = index(['a', 'b']);
      const second = index(['a', 'b']);
      const report = single(run([first, second]));
      assert.deepEqual(report.loc, second.loc);
      // Neither enforces anything: a plain index only serves.
      assert.match(report.message, /the index on \(a, b\) already serves the same columns\./);
    });

    it('identical unique constraints: the later one', () => {
      const second = unique(['a', 'b']);
      assert.deepEqual(single(run([unique(['a', 'b']), second])).loc, second.loc);
    });

    it('a unique constraint on exactly the primary key', () => {
      const u = unique(['id']);
      assert.deepEqual(single(runRule(duplicateIndex, [prismaDb([table('T', { indexes: [u] })])])).loc, u.loc);
    });

    it('a plain index on the primary key column', () => {
      const i = index(['id']);
      assert.match(single(runRule(duplicateIndex, [sqlDb([table('t', { indexes: [i] })])])).message, /the primary key on \(id\)/);
    });

    it('single-column DESC is still redundant: a B-tree is read in either direction', () => {
      const desc = index(['a'], { columnOptions: [{ desc: true }] });
      const report = single(run([unique(['a']), desc]));
      assert.deepEqual(report.loc, desc.loc);
      assert.match(report.message, /^The index on \(a DESC\) of T is redundant: the unique index on \(a\) already enforces and serves the same columns \(a B-tree is read in either direction/);
      // The whole order reversed, on a prefix, too.
      assert.equal(run([index(['a', 'b'], { columnOptions: [{ desc: true }, { desc: true }] }), index(['a', 'b', 'c'])]).length, 1);
    });

    it('identical indexes of the same access method and operator class are duplicates', () => {
      const gin = () => index(['a'], { method: 'gin', columnOptions: [{ ops: 'gin_trgm_ops' }] });
      const second = gin();
      const report = single(run([gin(), second]));
      assert.deepEqual(report.loc, second.loc);
      assert.match(report.message, /^The GIN index on \(a gin_trgm_ops\) of T is redundant/);
    });

    it('a unique index is redundant to one that also INCLUDEs columns, whichever comes first', () => {
      const plain = unique(['a']);
      assert.deepEqual(single(run([plain, unique(['a'], { include: ['b'] })])).loc, plain.loc);
    });

    it('the Prisma title quotes the attribute it removes (map name, type, sort)', () => {
      const named = index(['a'], { name: 'post_a_desc', written: '@@index([a(sort: Desc)], map: "post_a_desc")', columnOptions: [{ desc: true }] });
      assert.equal(single(run([index(['a'], { written: '@@index([a])' }), named])).fixes![0].title, 'Remove @@index([a(sort: Desc)], map: "post_a_desc")');
      const field = unique(['id'], { written: '@unique' });
      assert.equal(single(runRule(duplicateIndex, [prismaDb([table('T', { indexes: [field] })])])).fixes![0].title, 'Remove @unique from id');
    });

    it('SQL and Drizzle titles name the index', () => {
      const i = () => index(['a'], { name: 'trades_a_idx' });
      const t = () => table('trades', { columns: cols, indexes: [i(), unique(['a', 'b'], { name: 'trades_a_b_key' })] });
      assert.equal(single(runRule(duplicateIndex, [sqlDb([t()])])).fixes![0].title, 'Drop index trades_a_idx');
      assert.equal(single(runRule(duplicateIndex, [drizzleDb([t()])])).fixes![0].title, 'Remove index("trades_a_idx")');
    });
  });

  describe('Prisma, end to end (prisma-schema-wasm 6)', () => {
    const datasource = (provider: string) => `datasource db {\n  provider = "${provider}"\n  url      = env("DATABASE_URL")\n}\n`;

    it('a trigram GIN, a BRIN and a Hash index next to B-trees are not duplicates (explore-prisma/idx)', () => {
      const schema = inlinePrisma(
        `${datasource('postgresql')}model User {\n  id    Int    @id\n  posts Post[]\n}\nmodel Post {\n  id        Int      @id\n  title     String\n  createdAt DateTime\n  authorId  Int\n  author    User     @relation(fields: [authorId], references: [id], onDelete: Cascade)\n` +
          `  @@index([title])\n  @@index([title(ops: raw("gin_trgm_ops"))], type: Gin, map: "post_title_trgm")\n  @@index([createdAt], type: Brin, map: "post_created_brin")\n  @@index([createdAt, authorId])\n  @@index([authorId], type: Hash)\n}\n`,
      );
      assert.deepEqual(schema.errors, []);
      const post = schema.db.tables.find((t) => t.name === 'Post')!;
      assert.deepEqual(
        post.indexes.map((i) => [i.columns.join(','), i.method, i.columnOptions?.[0]?.ops]),
        [['title', undefined, undefined], ['title', 'gin', 'gin_trgm_ops'], ['createdAt', 'brin', undefined], ['createdAt,authorId', undefined, undefined], ['authorId', 'hash', undefined]],
      );
      assert.deepEqual(findings(duplicateIndex, schema), []);
    });

    it('a MySQL length: prefix index is not a duplicate of the full one', () => {
      const schema = inlinePrisma(`${datasource('mysql')}model Post {\n  id    Int    @id\n  title String @db.VarChar(255)\n  @@index([title])\n  @@index([title(length: 10)], map: "post_title_prefix")\n}\n`);
      assert.deepEqual(schema.errors, []);
      assert.deepEqual(schema.db.tables[0].indexes[1].columnOptions, [{ length: 10 }]);
      assert.deepEqual(findings(duplicateIndex, schema), []);
    });

    it('a single-column sort: Desc index is removed by a fix that names it, and the schema still validates', () => {
      const schema = inlinePrisma(`${datasource('postgresql')}model Post {\n  id    Int    @id\n  title String\n  @@index([title])\n  @@index([title(sort: Desc)], map: "post_title_desc")\n}\n`);
      assert.deepEqual(schema.errors, []);
      const report = single(findings(duplicateIndex, schema));
      assert.equal(report.fixes![0].title, 'Remove @@index([title(sort: Desc)], map: "post_title_desc")');
      const fixed = applyPrismaFix(schema, report.fixes![0].intent)!;
      assert.deepEqual(fixed.errors, []);
      assert.match(fixed.text, /  @@index\(\[title\]\)\n\}/);
      assert.deepEqual(findings(duplicateIndex, fixed.fixed), []);
    });

    it('one column written without list brackets, with or without `fields:`, is that column (not an index on nothing)', () => {
      const schema = inlinePrisma(
        `${datasource('postgresql')}model Article {\n  id          Int      @id\n  publishedAt DateTime\n  score       Int\n  @@index(publishedAt(sort: Desc))\n  @@index(fields: score(sort: Desc))\n  @@index(score, map: "article_score_plain")\n}\n`,
      );
      assert.deepEqual(schema.errors, []);
      assert.deepEqual(schema.db.tables[0].indexes.map((i) => i.columns), [['publishedAt'], ['score'], ['score']]);
      // Only the plain (score) index against the descending one: a B-tree serves both orders, the later one is redundant.
      const report = single(findings(duplicateIndex, schema));
      assert.match(report.message, /\(score\)/);
      assert.doesNotMatch(report.message, /\(\)/);
    });
  });
});
