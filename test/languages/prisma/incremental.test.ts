/**
 * The incremental parse (`reparsePrisma`, `LineIndex.edited`) must give exactly what a full parse of the new
 * text gives, for any edit: random keystrokes (letters, braces, quotes, comment slashes, newlines, deletions)
 * at random places of the shipped schemas, one after the other, as a user types.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { LineIndex, parsePrisma, reparsePrisma, settle, textChange, type PrismaAst } from '../../../server/src/languages/prisma/parser';
import { mulberry32 } from '../../helpers/prng';
import { FIXTURES, listFiles } from './helpers';

const schemas = listFiles(FIXTURES)
  .filter((f) => f.endsWith('.prisma'))
  .map((f) => readFileSync(f, 'utf8'));

/** The AST as plain data, every block settled (blocks behind an edit move their insides lazily). */
const plain = (ast: PrismaAst) => {
  for (const b of ast.blocks) settle(b);
  return JSON.parse(JSON.stringify(ast));
};

const KEYS = ['x', 'Id', ' ', '\n', '{', '}', '(', ')', '"', '//', '///', '@', '@@', '?', '[]', ',', 'é', '\r\n', 'model M {', '\t'];

function edit(text: string, random: () => number): string {
  const at = Math.floor(random() * (text.length + 1));
  const r = random();
  if (r < 0.45) return text.slice(0, at) + KEYS[Math.floor(random() * KEYS.length)] + text.slice(at);
  if (r < 0.9) return text.slice(0, at) + text.slice(at + 1 + Math.floor(random() * 3));
  // A paste over a range.
  const end = Math.min(text.length, at + Math.floor(random() * 40));
  return text.slice(0, at) + 'name String @default("a")\n' + text.slice(end);
}

test('textChange finds the common prefix and suffix, across chunk boundaries', () => {
  const base = 'a'.repeat(3000) + 'b'.repeat(3000);
  assert.deepEqual(textChange(base, base), { start: 6000, oldEnd: 6000, newEnd: 6000 });
  const inserted = base.slice(0, 2500) + 'XY' + base.slice(2500);
  const c = textChange(base, inserted);
  // Any split of the repeated letters is a valid answer; the change must rebuild the new text.
  assert.equal(base.slice(0, c.start) + inserted.slice(c.start, c.newEnd) + base.slice(c.oldEnd), inserted);
  assert.equal(c.newEnd - c.start - (c.oldEnd - c.start), 2);
  const d = textChange('hello world', 'hello');
  assert.equal('hello world'.slice(0, d.start) + 'hello'.slice(d.start, d.newEnd) + 'hello world'.slice(d.oldEnd), 'hello');
});

test('textChange gives the longest common prefix and suffix at every chunk size, up to big texts', () => {
  const random = mulberry32(77);
  for (const size of [0, 1, 15, 16, 17, 255, 4097, 65535, 65536, 70000, 300000]) {
    const base = Array.from({ length: size }, () => 'ab\n'[Math.floor(random() * 3)]).join('');
    for (let k = 0; k < 8; k++) {
      const at = Math.floor(random() * (size + 1));
      const cut = Math.min(size, at + Math.floor(random() * 5));
      const after = base.slice(0, at) + ['', 'x', 'yz', '\n'][k % 4] + base.slice(cut);
      const c = textChange(base, after);
      assert.equal(base.slice(0, c.start) + after.slice(c.start, c.newEnd) + base.slice(c.oldEnd), after, `size ${size}, edit ${k}`);
      // Longest: the prefix and suffix cannot grow by one more character.
      assert.ok(c.start === Math.min(c.oldEnd, c.newEnd) || base[c.start] !== after[c.start], `prefix at size ${size}`);
      assert.ok(c.oldEnd === c.start || c.newEnd === c.start || base[c.oldEnd - 1] !== after[c.newEnd - 1], `suffix at size ${size}`);
    }
  }
});

test('an incremental parse equals a full parse after every random keystroke', () => {
  let incremental = 0;
  let total = 0;
  for (const [i, schema] of schemas.entries()) {
    for (let run = 0; run < 6; run++) {
      const random = mulberry32(1000 * i + run);
      let text = schema;
      let ast = parsePrisma(text);
      let lines = new LineIndex(text);
      for (let k = 0; k < 60; k++) {
        const next = edit(text, random);
        const change = textChange(text, next);
        const full = parsePrisma(next);
        const fullLines = new LineIndex(next);
        const re = reparsePrisma(ast, next, change);
        const relines = lines.edited(next, change);
        total++;
        if (re) {
          incremental++;
          // Compared (which settles every block) every fourth edit, so moves pending inside blocks add up in between.
          if (k % 4 === 3) assert.deepEqual(plain(re), plain(full), `schema ${i}, run ${run}, edit ${k}`);
          else assert.deepEqual(re.blocks.map((b) => [b.kind, b.name, b.start, b.end]), full.blocks.map((b) => [b.kind, b.name, b.start, b.end]));
        }
        assert.equal(relines.lineCount, fullLines.lineCount);
        for (let o = 0; o <= next.length; o += 37) assert.deepEqual(relines.position(o), fullLines.position(o));
        text = next;
        ast = re ?? full;
        lines = relines;
      }
    }
  }
  // Most keystrokes land inside a model and must take the incremental path.
  assert.ok(incremental > total * 0.8, `${incremental} of ${total} edits were incremental`);
});

test('edits between blocks, on a block line, or across blocks parse the blocks around them again', () => {
  const text = '/// First.\nmodel A {\n  id Int @id\n}\n\n/// Second.\nmodel B {\n  id Int @id\n}\n\nmodel C {\n  id Int @id\n}\n';
  const cases = [
    text.replace('\n\n/// Second.', '\nx\n/// Second.'), // a stray word between blocks
    text.replace('/// Second.', '/// Second, edited.'), // B's doc comment
    text.replace('model B {\n  id Int @id\n}\n\n', ''), // a whole block deleted
    text.replace('\n\nmodel C', '\n\nmodel D {\n  id Int @id\n}\n\nmodel C'), // a block typed
    text.replace('}\n\n/// Second.\nmodel B {', '\n\n/// Second.\nmodel B {'), // A's brace deleted: A now runs into B
    text.replace('model C {', 'model C'), // C's brace deleted
    text + 'model', // a block started at the end
  ];
  for (const next of cases) {
    const re = reparsePrisma(parsePrisma(text), next);
    assert.ok(re, JSON.stringify(next));
    assert.deepEqual(plain(re), plain(parsePrisma(next)), JSON.stringify(next));
  }
  const edited = reparsePrisma(parsePrisma(text), cases[1]);
  assert.equal(edited?.blocks[1].doc, 'Second, edited.');
  // After an unclosed block, a block that stops being one may belong to it: parse the whole text.
  const open = 'model A {\n  id Int @id\n\nmodel B {\n  id Int @id\n}\n\nmodel C {\n  id Int @id\n}\n';
  assert.equal(reparsePrisma(parsePrisma(open), open.replace('model B {', 'modl B {')), undefined);
});

test('typing /* or */ (or editing inside a block comment) parses the whole text: a block comment can swallow blocks', () => {
  const text = 'model A {\n  id Int @id\n}\n\nmodel B {\n  id Int @id\n}\n\nmodel C {\n  id Int @id\n}\n';
  const commented = text.replace('model B', '/*\nmodel B').replace('}\n\nmodel C', '}\n*/\n\nmodel C');
  const cases: [string, string][] = [
    [text, text.replace('model B', '/*\nmodel B').replace('}\n\nmodel C', '}\n*\n\nmodel C').replace('*\n\nmodel C', '*/\n\nmodel C')],
    [text.replace('}\n\nmodel C', '}\n*/\n\nmodel C'), commented], // the opening typed last
    [commented, commented.replace('*/', '*')], // the closing broken
    [commented, commented.replace('  id Int @id\n}\n*/', '  id Int @id */\n}\n*/')], // closed early, inside the comment
    [commented, text], // uncommented
  ];
  for (const [before, after] of cases) {
    const re = reparsePrisma(parsePrisma(before), after) ?? parsePrisma(after);
    assert.deepEqual(plain(re), plain(parsePrisma(after)), JSON.stringify(after));
  }
  assert.deepEqual(parsePrisma(commented).blocks.map((b) => b.name), ['A', 'C']);
});
