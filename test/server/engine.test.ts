import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Database, Loc } from '../../rules/model';
import type { Rule } from '../../rules/types';
import { runRules, TableCache } from '../../server/src/engine';
import { parseIgnoreComment } from '../../server/src/suppressions';

const FILE = '/ws/prisma/schema.prisma';
const loc = (line: number, from = 2, to = 20): Loc => ({ file: FILE, range: { start: { line, character: from }, end: { line, character: to } } });
const db: Database = { id: 'prisma:/ws', language: 'prisma', dialect: 'postgresql', relationMode: 'foreignKeys', tables: [], enums: [], files: [FILE] };

function rule(id: string, lines: number[], opts: { throws?: boolean; fix?: boolean } = {}): Rule {
  return {
    meta: { id, category: 'indexes', defaultSeverity: 'warning', languages: ['prisma'], description: `${id} finds things` },
    check(ctx) {
      if (opts.throws) throw new Error('boom');
      for (const line of lines) {
        ctx.report({
          message: `${id} at ${line}`,
          loc: loc(line),
          fixes: opts.fix
            ? [
                { title: 'unsafe one', safety: 'unsafe', intent: { kind: 'addIndex', database: db, table: { name: 'T' } as any, columns: ['a'] } },
                { title: 'safe one', safety: 'safe', intent: { kind: 'addIndex', database: db, table: { name: 'T' } as any, columns: ['b'] } },
                { title: 'unwritable', safety: 'safe', intent: { kind: 'addIndex', database: db, table: { name: 'T' } as any, columns: ['x'] } },
              ]
            : [],
        });
      }
    },
  };
}

const writeFix = (intent: any) =>
  intent.columns[0] === 'x' ? undefined : [{ file: FILE, edits: [{ range: loc(0).range, newText: intent.columns[0] }] }];

describe('engine', () => {
  it('isolates a rule that throws and still runs the others', () => {
    const errors: string[] = [];
    const res = runRules(
      { databases: [db], codeFiles: [], suppressions: [] },
      { rules: [rule('bad-rule', [], { throws: true }), rule('good-rule', [3])], writeFix, onError: (m) => errors.push(m) },
    );
    assert.deepEqual(res.findings.map((f) => f.rule), ['good-rule']);
    assert.equal(errors.length, 1);
    assert.match(errors[0], /bad-rule/);
  });

  it('applies severity settings and "off"', () => {
    const res = runRules(
      { databases: [db], codeFiles: [], suppressions: [] },
      { rules: [rule('a-rule', [1]), rule('b-rule', [2])], severities: { 'a-rule': 'off', 'b-rule': 'error' }, writeFix },
    );
    assert.deepEqual(res.findings.map((f) => [f.rule, f.severity]), [['b-rule', 'error']]);
  });

  it('drops fixes the language cannot write and prefers only one safe fix', () => {
    const res = runRules({ databases: [db], codeFiles: [], suppressions: [] }, { rules: [rule('a-rule', [1], { fix: true })], writeFix });
    const fixes = res.findings[0].fixes;
    assert.deepEqual(fixes.map((f) => f.title), ['unsafe one', 'safe one']);
    assert.deepEqual(fixes.map((f) => f.preferred), [false, true]);
  });

  it('suppresses by next-line and file comments and reports unused and unknown ones', () => {
    const s1 = parseIgnoreComment('// schema-review-ignore a-rule', loc(4))!;
    const s2 = parseIgnoreComment('-- schema-review-ignore-file b-rule', loc(0))!;
    const s3 = parseIgnoreComment('// schema-review-ignore a-rule', loc(9))!;
    const s4 = parseIgnoreComment('// schema-review-ignore no-such-rule', loc(11))!;
    assert.equal(s1.scope, 'next-line');
    assert.equal(s1.targetLine, 5);
    assert.equal(s2.scope, 'file');
    const res = runRules(
      { databases: [db], codeFiles: [], suppressions: [s1, s2, s3, s4] },
      { rules: [rule('a-rule', [5, 7]), rule('b-rule', [5, 8])], writeFix },
    );
    assert.deepEqual(res.findings.map((f) => `${f.rule}@${f.range.start.line}`), ['a-rule@7']);
    assert.deepEqual(res.diagnostics.map((d) => `${d.code}@${d.range.start.line}`).sort(), ['unknown-rule@11', 'unused-ignore@9']);
    // A rule turned off (one developer's settings) reports nothing: the team's ignore comments for it are not unused.
    const off = runRules(
      { databases: [db], codeFiles: [], suppressions: [s1, s2, s3, s4] },
      { rules: [rule('a-rule', [5, 7]), rule('b-rule', [5, 8])], severities: { 'a-rule': 'off' }, writeFix },
    );
    assert.deepEqual(off.diagnostics.map((d) => `${d.code}@${d.range.start.line}`).sort(), ['unknown-rule@11']);
  });

  it('parses rule lists with commas and trailing comments', () => {
    const s = parseIgnoreComment('// schema-review-ignore a-rule, b-rule -- reason: kept on purpose', loc(2), true)!;
    assert.deepEqual(s.rules, ['a-rule', 'b-rule'], 'what follows `--` is a description, as in ESLint');
    assert.deepEqual(parseIgnoreComment('-- schema-review-ignore-file backup-table -- restored from prod, dropped in Q3', loc(0))!.rules, ['backup-table']);
    assert.deepEqual(parseIgnoreComment('/* schema-review-ignore float-for-money--not-a-separator */', loc(0))!.rules, ['float-for-money--not-a-separator']);
    assert.equal(s.targetLine, 2, 'a trailing comment applies to its own line');
    assert.equal(parseIgnoreComment('// just a comment', loc(1)), undefined);
  });

  it('reuses a file-scoped rule\'s findings for code files that did not change, and re-judges the changed one', () => {
    const seen: string[] = [];
    const perFile: Rule = {
      meta: { id: 'per-file-rule', category: 'queries', defaultSeverity: 'info', languages: ['code'], description: 'd', scope: 'file' },
      check(ctx) {
        for (const f of ctx.codeFiles) {
          seen.push(f.file);
          ctx.report({ message: `calls: ${f.calls.length}`, loc: { file: f.file, range: loc(0).range } });
        }
      },
    };
    const a = { file: '/ws/a.ts', calls: [], transactions: [], writingCalls: [] };
    const b = { file: '/ws/b.ts', calls: [], transactions: [], writingCalls: [] };
    const cache = new Map();
    const first = runRules({ databases: [db], codeFiles: [a, b], suppressions: [] }, { rules: [perFile], writeFix, cache });
    assert.deepEqual(seen, ['/ws/a.ts', '/ws/b.ts']);
    const b2 = { ...b, calls: [{} as any] };
    const second = runRules({ databases: [db], codeFiles: [a, b2], suppressions: [] }, { rules: [perFile], writeFix, cache });
    assert.deepEqual(seen, ['/ws/a.ts', '/ws/b.ts', '/ws/b.ts'], 'only the changed file is judged again');
    assert.deepEqual(first.findings.map((f) => f.message), ['calls: 0', 'calls: 0']);
    assert.deepEqual(second.findings.map((f) => f.message), ['calls: 0', 'calls: 1']);
    runRules({ databases: [db], codeFiles: [a, b2], suppressions: [] }, { rules: [perFile], writeFix, cache, severities: { 'per-file-rule': 'error' } });
    assert.equal(seen.length, 5, 'a new severity re-judges every file');
  });
});

describe('per-table results (the language server)', () => {
  const tableAt = (name: string, from: number, to: number) =>
    ({ name, columns: [], indexes: [], foreignKeys: [], loc: { file: FILE, range: { start: { line: from, character: 0 }, end: { line: to, character: 1 } } }, nameLoc: loc(from, 6, 6 + name.length) }) as Database['tables'][number];
  const a = tableAt('A', 1, 5);
  const b = tableAt('B', 7, 12);
  const database: Database = { ...db, tables: [a, b] };
  /** Reports per table: one finding inside it, and for B one more at a place outside every table (line 20). */
  const counted: string[] = [];
  const partitioned: Rule = {
    meta: { id: 'per-table', category: 'indexes', defaultSeverity: 'warning', languages: ['prisma'], description: 'x', partition: 'table' },
    check(ctx) {
      for (const d of ctx.databases) {
        for (const t of d.tables) {
          counted.push(t.name);
          ctx.report({ message: `in ${t.name}`, loc: { file: FILE, range: { start: { line: t.loc.range.start.line + 1, character: 2 }, end: { line: t.loc.range.start.line + 1, character: 9 } } } });
          if (t.name === 'B') ctx.report({ message: 'elsewhere', loc: loc(20) });
        }
      }
    },
  };

  it('reuses the findings of unchanged tables and keeps those it cannot file under a table', () => {
    const tableCache = new TableCache();
    const run = (dbs: Database[]) => runRules({ databases: dbs, codeFiles: [], suppressions: [] }, { rules: [partitioned], writeFix, tableCache }).findings.map((f) => f.message);
    assert.deepEqual(run([database]).sort(), ['elsewhere', 'in A', 'in B']);
    counted.length = 0;
    // The same tables in a new database object (an edit elsewhere), nothing is lost. The first run went over the
    // whole database and could not file B's finding at line 20 under a table: nothing of it was kept.
    assert.deepEqual(run([{ ...database }]).sort(), ['elsewhere', 'in A', 'in B']);
    assert.deepEqual(counted.sort(), ['A', 'B']);
    counted.length = 0;
    // Now table by table: A's findings are kept, B's (one lies outside B) never are.
    assert.deepEqual(run([{ ...database }]).sort(), ['elsewhere', 'in A', 'in B']);
    assert.deepEqual(counted, ['B']);
    counted.length = 0;
    // A changed (a new object): A runs again, and B again (its finding outside it is never reused).
    const a2 = { ...a };
    assert.deepEqual(run([{ ...database, tables: [a2, b] }]).sort(), ['elsewhere', 'in A', 'in B']);
    assert.deepEqual(counted.sort(), ['A', 'B']);
  });
});
