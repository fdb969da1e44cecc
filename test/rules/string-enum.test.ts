import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { documentedValues, stringEnum } from '../../rules/data-types/string-enum';
import type { Column } from '../../rules/model';
import { column, drizzleDb, prismaDb, sqlDb, table, type DatabaseOptions } from '../helpers/model';
import { fixSummary, runRule, single } from '../helpers/run-rule';

const review = (c: Column, options: DatabaseOptions = {}) => runRule(stringEnum, [prismaDb([table('SignalTrade', { columns: [c] })], options)]);

describe('string-enum', () => {
  it('parses documented values from comments', () => {
    assert.deepEqual(documentedValues('"active" | "paused"'), ['active', 'paused']);
    assert.deepEqual(documentedValues('Should be: "guest" | "member" | "editor" | "admin"'), ['guest', 'member', 'editor', 'admin']);
    assert.deepEqual(documentedValues('pending, completed, failed'), ['pending', 'completed', 'failed']);
    assert.deepEqual(documentedValues('status: open | closed'), ['open', 'closed']);
    assert.deepEqual(documentedValues('one of draft, in-review, published (default draft)'), ['draft', 'in-review', 'published']);
    assert.deepEqual(documentedValues("either 'buy' or 'sell'"), ['buy', 'sell']);
    assert.deepEqual(documentedValues('used by billing, see docs'), []);
    assert.deepEqual(documentedValues('the current status'), []);
    assert.deepEqual(documentedValues(undefined), []);
    assert.deepEqual(documentedValues('"a"'), []);
  });

  describe('valid', () => {
    it('a status without documented values or bare-word default', () => assert.deepEqual(review(column('status', 'string')), []));
    it('documented values on a column not named like an enum', () =>
      assert.deepEqual(review(column('description', 'string', { comment: '"a" | "b"' })), []));
    it('an enum column already', () => assert.deepEqual(review(column('status', 'enum', { comment: '"open" | "closed"' })), []));
    it('a weakly enum-like name with a bare-word default but no documented values', () =>
      assert.deepEqual(review(column('category', 'string', { default: '"general"' })), []));
    it('a default that is not a bare word', () => assert.deepEqual(review(column('contentType', 'string', { default: '"text/plain"' })), []));
  });

  describe('invalid', () => {
    it('seed 001: status // "open" | "closed" → create enum (unsafe)', () => {
      const status = column('status', 'string', { default: '"open"', comment: 'Should be: "open" | "closed"' });
      const t = table('SignalTrade', { columns: [status] });
      const db = prismaDb([t]);
      const report = single(runRule(stringEnum, [db]));
      assert.equal(
        report.message,
        'SignalTrade.status holds one of "open", "closed" as free text: the database accepts any string, so a typo or a retired value is stored silently.',
      );
      assert.deepEqual(report.loc, status.loc);
      assert.deepEqual(fixSummary(report), [
        { title: 'Create enum SignalTradeStatus { open closed } for status', safety: 'unsafe', kind: 'createEnum', preferred: false },
      ]);
      assert.deepEqual(report.fixes![0].intent, { kind: 'createEnum', database: db, table: t, column: status, values: ['open', 'closed'] });
    });

    it('bare-word default on a strongly enum-like name: finding without a fix', () => {
      const report = single(review(column('role', 'string', { default: '"guest"' })));
      assert.match(report.message, /looks like an enum kept as free text \(default "guest"\)/);
      assert.equal(report.fixes, undefined);
    });

    it('SQL default with a cast', () => {
      const db = sqlDb([table('orders', { columns: [column('status', 'string', { rawType: 'varchar(20)', default: "'pending'::character varying" })] })]);
      const [report] = runRule(stringEnum, [db]);
      assert.ok(report);
      // SQL documents a column with COMMENT ON (a `//` comment is not SQL).
      assert.match(report.message, /COMMENT ON COLUMN orders\.status IS 'one of: a, b'/);
      assert.match(single(review(column('role', 'string', { default: '"guest"' }))).message, /comment on the column \(\/\/ "a" \| "b"\)/);
    });

    it('Prisma values that are not identifiers: finding, no fix (the schema would not validate)', () => {
      assert.deepEqual(single(review(column('state', 'string', { comment: '"in-progress" | "done"' }))).fixes, []);
    });

    it('SQLite without enums (SQL), SQL Server: no fix', () => {
      const c = () => column('status', 'string', { comment: 'pending, completed, failed' });
      assert.deepEqual(single(runRule(stringEnum, [sqlDb([table('jobs', { columns: [c()] })], { dialect: 'sqlite' })])).fixes, []);
      assert.deepEqual(single(review(c(), { dialect: 'sqlserver' })).fixes, []);
      assert.equal(single(review(c(), { dialect: 'sqlite', prismaMajor: 6 })).fixes!.length, 1);
    });

    it('titles per language', () => {
      const c = () => column('status', 'string', { comment: 'pending, completed, failed', dbName: 'status' });
      assert.equal(
        single(runRule(stringEnum, [sqlDb([table('jobs', { columns: [c()] })])])).fixes![0].title,
        "Create type jobs_status AS ENUM ('pending', 'completed', 'failed') for status",
      );
      assert.equal(
        single(runRule(stringEnum, [sqlDb([table('jobs', { columns: [c()] })], { dialect: 'mysql' })])).fixes![0].title,
        "Change column status to ENUM('pending', 'completed', 'failed')",
      );
      assert.equal(
        single(runRule(stringEnum, [drizzleDb([table('jobs', { columns: [c()] })])])).fixes![0].title,
        'Create pgEnum("jobs_status", ["pending", "completed", "failed"]) for status',
      );
    });
  });
});
