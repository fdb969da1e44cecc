/**
 * The lean libpg-query binding (server/src/languages/sql/pgwasm.ts) against the package's own `parseSync`:
 * the same statements (kind, location, length, tree), the same errors (message and cursor), on every SQL
 * file we ship as a fixture or example, on generated dumps, and when results are read after a later parse.
 */
import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import * as pg from 'libpg-query';
import { loadPgWasm, pgParse, pgScan, PgParseError } from '../../../server/src/languages/sql/pgwasm';
import { listFiles } from './helpers';

const ROOT = resolve(__dirname, '../../..');

interface Expected {
  kind: string;
  location: number;
  len: number;
  node: unknown;
}

function expected(text: string): Expected[] {
  const tree = pg.parseSync(text) as { stmts?: { stmt: Record<string, unknown>; stmt_location?: number; stmt_len?: number }[] };
  return (tree.stmts ?? []).map((s) => ({ kind: Object.keys(s.stmt)[0], location: s.stmt_location ?? 0, len: s.stmt_len ?? 0, node: s.stmt }));
}

function actual(text: string): Expected[] {
  return pgParse(text).map((s) => ({ kind: s.kind, location: s.stmt_location, len: s.stmt_len, node: s.node() }));
}

function errorOf(f: () => unknown): { message: string; cursor?: number } | undefined {
  try {
    f();
    return undefined;
  } catch (e) {
    const err = e as Error & { cursorPosition?: number; sqlDetails?: { cursorPosition?: number } };
    return { message: err.message, cursor: err instanceof PgParseError ? err.cursorPosition : (err.sqlDetails?.cursorPosition ?? err.cursorPosition) };
  }
}

const sqlFiles = [...listFiles(resolve(ROOT, 'test/fixtures')), ...listFiles(resolve(ROOT, 'examples'))].filter((f) => f.endsWith('.sql'));

describe('pgwasm: the lean libpg-query binding', () => {
  before(async () => {
    await pg.loadModule();
    await loadPgWasm();
  });

  it('finds the fixtures it compares on', () => {
    assert.ok(sqlFiles.length >= 15, `only ${sqlFiles.length} SQL files found`);
  });

  it('parses every shipped SQL file as parseSync does (statements, locations, trees, errors)', () => {
    let statements = 0;
    for (const file of sqlFiles) {
      const text = readFileSync(file, 'utf8');
      if (!text.trim()) continue;
      const want = errorOf(() => expected(text));
      const got = errorOf(() => actual(text));
      if (want || got) {
        assert.deepEqual(got, want, `${file}: errors differ`);
        continue;
      }
      const e = expected(text);
      assert.deepEqual(actual(text), e, file);
      statements += e.length;
    }
    assert.ok(statements > 50, `only ${statements} statements compared`);
  });

  it('reports syntax errors with the same message and cursor, non-ASCII text included', () => {
    const cases = [
      'CREATE TABLE t (id int',
      'SELEC 1;',
      'CREATE TABLE "ünïcødé" (id int primary key);\nALTER TABLE "ünïcødé" ADD COLUMN 😀 ;',
      "INSERT INTO t VALUES ('a'); CREATE INDEX ON;",
      'DO $$ BEGIN RAISE NOTICE \'x\'; END $$; CREATE TABLE',
    ];
    for (const text of cases) {
      const want = errorOf(() => pg.parseSync(text));
      assert.ok(want, `parseSync accepts ${text}`);
      assert.deepEqual(errorOf(() => pgParse(text)), { message: want.message, cursor: want.cursor }, text);
    }
  });

  it('keeps the unread statements of a parse readable after the next parse (and under memory growth)', () => {
    const a = "CREATE TABLE a (id int primary key);\nCREATE TABLE b (id int primary key, a_id int references a(id) on delete cascade);\nCOMMENT ON TABLE a IS 'é';";
    const big = Array.from({ length: 4000 }, (_, i) => `CREATE TABLE t${i} (id bigint primary key, name text not null default 'x${i}', created_at timestamptz);`).join('\n');
    const first = pgParse(a);
    const firstNode = first[0].node(); // read before the next parse
    const second = pgParse(big); // frees the first result, copying the two unread statements out
    const third = pgParse('SELECT 1');
    const want = expected(a);
    assert.deepEqual(firstNode, want[0].node);
    assert.deepEqual(first[1].node(), want[1].node);
    assert.deepEqual(first[2].node(), want[2].node);
    assert.equal(second.length, 4000);
    assert.deepEqual(second[3999].node(), expected(big)[3999].node);
    assert.equal(third[0].kind, 'SelectStmt');
    assert.throws(() => first[1].node(), /already read/);
  });

  it('answers empty and comment-only texts as parseSync does', () => {
    assert.deepEqual(errorOf(() => pgParse('')), errorOf(() => pg.parseSync('')));
    assert.deepEqual(actual('-- nothing here\n'), expected('-- nothing here\n'));
  });

  it('scans as scanSync does', () => {
    const text = "ALTER TABLE \"Order\" ADD CONSTRAINT fk FOREIGN KEY (user_id) REFERENCES users(id) ON DELETE SET NULL; -- é";
    const want = pg.scanSync(text) as { tokens: unknown[] };
    const got = pgScan(text);
    assert.equal(got.tokens.length, want.tokens.length);
    assert.deepEqual(got.tokens.map((t) => [t.start, t.end, t.tokenName]), (want.tokens as { start: number; end: number; tokenName: string }[]).map((t) => [t.start, t.end, t.tokenName]));
  });
});
