import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { jsonInString } from '../../rules/data-types/json-in-string';
import { literalDefault } from '../../rules/data-types/literals';
import type { Column } from '../../rules/model';
import { column, drizzleDb, prismaDb, sqlDb, table, type DatabaseOptions } from '../helpers/model';
import { fixSummary, runRule, single } from '../helpers/run-rule';

const review = (c: Column, options: DatabaseOptions = {}) => runRule(jsonInString, [prismaDb([table('User', { columns: [c] })], options)]);

describe('json-in-string', () => {
  it('reads literal defaults in every language', () => {
    assert.equal(literalDefault('"[]"'), '[]');
    assert.equal(literalDefault("'{}'::text"), '{}');
    assert.equal(literalDefault("'open'::character varying"), 'open');
    assert.equal(literalDefault('now()'), undefined);
    assert.equal(literalDefault(undefined), undefined);
  });

  describe('valid', () => {
    it('an ordinary string', () => assert.deepEqual(review(column('name', 'string')), []));
    it('a Json column already', () => assert.deepEqual(review(column('metadata', 'json')), []));
    it('a JSON-ish name on a short varchar', () =>
      assert.deepEqual(review(column('config', 'string', { rawType: 'String @db.VarChar(64)' })), []));
    it('a default that only looks like braces', () => assert.deepEqual(review(column('template', 'string', { default: '"{name}"' })), []));
    it('MongoDB', () => assert.deepEqual(review(column('metadata', 'string', { comment: 'JSON string' }), { dialect: 'mongodb' }), []));
  });

  describe('invalid', () => {
    it('a Prisma default with escaped quotes is quoted as the JSON it holds (explore-prisma3/formbricks Project.styling)', () => {
      const styling = column('styling', 'string', { default: '"{\\"allowStyleOverwrite\\":true}"' });
      assert.match(single(review(styling)).message, /\(its default is \{"allowStyleOverwrite":true\}\)/);
    });
    it('seed 001: default "[]" on Prisma/Postgres, unsafe change to Json', () => {
      const tags = column('tags', 'string', { default: '"[]"', comment: 'JSON string array' });
      const t = table('Content', { columns: [tags] });
      const db = prismaDb([t]);
      const report = single(runRule(jsonInString, [db]));
      assert.equal(
        report.message,
        'Content.tags keeps JSON in a string (its default is []): the database cannot validate it, query or index its fields (no JSON operators), and every read must parse it.',
      );
      assert.deepEqual(report.loc, tags.loc);
      assert.deepEqual(fixSummary(report), [{ title: 'Change tags to Json', safety: 'unsafe', kind: 'changeColumnType', preferred: false }]);
      assert.deepEqual(report.fixes![0].intent, { kind: 'changeColumnType', database: db, table: t, column: tags, to: 'json' });
    });

    it('a comment that says JSON', () => {
      assert.match(single(review(column('preferences', 'string', { nullable: true, comment: 'JSON string' }))).message, /its comment says JSON/);
    });

    it('names with a text type: metadata, payload, settingsJson, extra', () => {
      for (const name of ['metadata', 'payload', 'settingsJson', 'extra', 'attributes']) {
        assert.match(single(review(column(name, 'string', { rawType: 'String @db.Text' }))).message, /its name and text type say so/, name);
      }
    });

    it('SQLite: Prisma ≥ 6 (6.2) has Json, Prisma 5 and plain SQL do not: finding without a fix', () => {
      const c = () => column('metadata', 'string', { default: '"{}"' });
      assert.equal(single(review(c(), { dialect: 'sqlite', prismaMajor: 6 })).fixes!.length, 1);
      assert.equal(single(review(c(), { dialect: 'sqlite', prismaMajor: 5 })).fixes!.length, 0);
      const sqlite = sqlDb([table('users', { columns: [column('metadata', 'string', { rawType: 'text', default: "'{}'" })] })], { dialect: 'sqlite' });
      assert.deepEqual(single(runRule(jsonInString, [sqlite])).fixes, []);
    });

    it('SQLite: a project pinned to Prisma 6.0 or 6.1 gets no Json fix and is told why; 6.2 and an unknown minor get it', () => {
      const c = () => column('metadata', 'string', { default: '"{}"' });
      const at = (minor: number | undefined) => {
        const db = prismaDb([table('User', { columns: [c()] })], { dialect: 'sqlite', prismaMajor: 6 });
        if (minor !== undefined) db.prismaMinor = minor;
        return single(runRule(jsonInString, [db]));
      };
      for (const minor of [0, 1]) {
        const report = at(minor);
        assert.deepEqual(report.fixes, [], `6.${minor}`);
        assert.match(report.message, new RegExp(`No Json fix is offered: Prisma 6\\.${minor} has no Json type on SQLite \\(Prisma 6\\.2 added it\\); upgrade Prisma to get one\\.$`));
      }
      assert.equal(at(2).fixes!.length, 1);
      assert.doesNotMatch(at(2).message, /No Json fix/);
      assert.equal(at(undefined).fixes!.length, 1);
      assert.match(single(review(c(), { dialect: 'sqlite', prismaMajor: 5 })).message, /Prisma 5 has no Json type on SQLite/);
      // SQLite's json_* functions read text columns too: what is at stake there is validity, not operators.
      assert.match(at(2).message, /SQLite stores JSON as text either way, but nothing checks that this column holds valid JSON/);
      assert.doesNotMatch(at(2).message, /no JSON operators/);
      // Only SQLite lacked it: Postgres on Prisma 6.1 keeps its fix.
      const pg = prismaDb([table('User', { columns: [c()] })], { dialect: 'postgresql', prismaMajor: 6 });
      pg.prismaMinor = 1;
      assert.equal(single(runRule(jsonInString, [pg])).fixes!.length, 1);
    });

    it('SQL and Drizzle titles: jsonb on Postgres, JSON on MySQL', () => {
      const c = () => column('payload', 'string', { rawType: 'text' });
      assert.equal(single(runRule(jsonInString, [sqlDb([table('events', { columns: [c()] })])])).fixes![0].title, 'Change column payload to jsonb');
      assert.equal(
        single(runRule(jsonInString, [sqlDb([table('events', { columns: [c()] })], { dialect: 'mysql' })])).fixes![0].title,
        'Change column payload to JSON',
      );
      assert.equal(single(runRule(jsonInString, [drizzleDb([table('events', { columns: [c()] })])])).fixes![0].title, 'Change payload to jsonb(…)');
    });
  });
});
