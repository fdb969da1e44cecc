/** Tolerance: random cuts and corruptions of the fixtures never throw, hang or reach the internal-error path. */
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { isCovered } from '../../../rules/types';
import { sqlFrontEnd } from '../../../server/src/languages/sql';
import { splitStatements, sniffDialect, tokenize } from '../../../server/src/languages/sql/lexer';
import { FIXTURES, listFiles, memoryReader, ready } from './helpers';
import { mulberry32 as rng } from '../../helpers/prng';

before(ready);


const NOISE = ["'", '"', '`', '$$', '/*', '--', '(', ')', ';', '\\', '\u0000', '🚀', 'é', '\r\n', 'BEGIN;', 'COPY x FROM stdin;', 'DELIMITER //', 'references', ','];

function mutate(text: string, r: () => number): string {
  const i = Math.floor(r() * (text.length + 1));
  const j = Math.min(text.length, i + Math.floor(r() * 200));
  switch (Math.floor(r() * 5)) {
    case 0:
      return text.slice(0, i);
    case 1:
      return text.slice(i);
    case 2:
      return text.slice(0, i) + text.slice(j);
    case 3:
      return text.slice(0, i) + NOISE[Math.floor(r() * NOISE.length)] + text.slice(i);
    default:
      return text.slice(0, i) + text.slice(j, j + 50) + text.slice(i, j) + text.slice(j + 50);
  }
}

describe('sql tolerance (fuzz)', () => {
  // A golang-migrate `.down.sql` alone is not reviewed (it never runs forward).
  const files = listFiles(FIXTURES).filter((f) => f.endsWith('.sql') && !f.endsWith('.down.sql'));
  for (const dialect of ['postgresql', 'mysql', 'sqlite'] as const) {
    it(`random cuts of every fixture never throw (${dialect})`, () => {
      const r = rng(dialect.length * 7919);
      let runs = 0;
      for (const file of files) {
        const original = memoryReader().read(file)!;
        for (let k = 0; k < 25; k++) {
          let text = mutate(original, r);
          if (k % 5 === 4) text = mutate(text, r);
          const reader = { read: (p: string) => (p === file ? text : undefined) };
          const units = sqlFrontEnd.discover([file], reader);
          for (const u of units) {
            const a = sqlFrontEnd.analyze(u, reader, { validation: true, dialect });
            assert.deepEqual(a.diagnostics.filter((d) => d.code === 'sql-internal'), [], `${file} #${k}`);
            for (const d of a.diagnostics) assert.ok(d.range.start.line <= d.range.end.line);
            for (const db of a.databases) for (const t of db.tables) for (const fk of t.foreignKeys) {
              isCovered(t, fk.columns);
              const edits = sqlFrontEnd.writeFix({ kind: 'setOnDelete', database: db, table: t, foreignKey: fk, action: 'Cascade' }, reader);
              assert.ok(edits === undefined || Array.isArray(edits));
            }
            runs++;
          }
        }
      }
      assert.ok(runs >= files.length * 25);
    });
  }

  it('the tokenizer and splitter are total on arbitrary strings', () => {
    const r = rng(42);
    for (let k = 0; k < 500; k++) {
      let s = '';
      const n = Math.floor(r() * 80);
      for (let i = 0; i < n; i++) s += r() < 0.5 ? NOISE[Math.floor(r() * NOISE.length)] : String.fromCharCode(Math.floor(r() * 0x3000));
      for (const flavor of ['postgresql', 'mysql', 'sqlite'] as const) {
        for (const t of tokenize(s, flavor)) assert.ok(t.end > t.start && t.end <= s.length);
        for (const st of splitStatements(s, flavor)) assert.ok(st.start <= st.end && st.end <= s.length);
      }
      sniffDialect(s);
    }
  });

  it('binary-looking and empty input yields no database facts and no crash', () => {
    for (const text of ['', '\u0000\u0001\u0002', ';;;;', '/* unterminated', "'unterminated", '$$ unterminated']) {
      const reader = { read: () => text };
      const [u] = sqlFrontEnd.discover(['/w/x.sql'], reader);
      const a = sqlFrontEnd.analyze(u, reader, { validation: true });
      assert.equal(a.databases[0].tables.length, 0);
    }
  });
});
