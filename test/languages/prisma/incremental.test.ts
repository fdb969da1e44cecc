/**
 * The incremental parse (`reparsePrisma`, `LineIndex.edited`) must give exactly what a full parse of the new
 * text gives, for any edit: random keystrokes (letters, braces, quotes, comment slashes, newlines, deletions)
 * at random places of the shipped schemas, one after the other, as a user types.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { LineIndex, parsePrisma, reparsePrisma, textChange } from '../../../server/src/languages/prisma/parser';
import { mulberry32 } from '../../helpers/prng';
import { FIXTURES, listFiles } from './helpers';

const schemas = listFiles(FIXTURES)
  .filter((f) => f.endsWith('.prisma'))
  .map((f) => readFileSync(f, 'utf8'));

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
          assert.deepEqual(JSON.parse(JSON.stringify(re)), JSON.parse(JSON.stringify(full)), `schema ${i}, run ${run}, edit ${k}`);
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
  assert.ok(incremental > total / 3, `${incremental} of ${total} edits were incremental`);
});

test('an edit outside any block, or one that opens a block, falls back to a full parse', () => {
  const text = 'model A {\n  id Int @id\n}\n\nmodel B {\n  id Int @id\n}\n';
  const ast = parsePrisma(text);
  assert.equal(reparsePrisma(ast, text.replace('\n\nmodel B', '\nx\nmodel B')), undefined);
  assert.equal(reparsePrisma(parsePrisma(text), text.replace('id Int @id\n}\n\nmodel B', 'id Int @id\n\n\nmodel B')), undefined);
  const inside = text.replace('  id Int @id\n}\n\nmodel B', '  id Int @id\n  name String\n}\n\nmodel B');
  const re = reparsePrisma(parsePrisma(text), inside);
  assert.ok(re);
  assert.deepEqual(re.blocks.map((b) => b.fields.map((f) => f.name)), [['id', 'name'], ['id']]);
  assert.equal(inside.slice(re.blocks[1].nameSpan.start, re.blocks[1].nameSpan.end), 'B');
});
