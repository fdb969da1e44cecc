/**
 * The bundle text the code cache loader compiles (oneByteSource in server/src/boot/codeCache.ts): all ASCII, so that V8
 * keeps it as a one-byte string (half the memory of the UTF-8 read, which turns two-byte at the first `…` in a
 * comment), and meaning the same JavaScript as the file read as UTF-8.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadCached, oneByteSource } from '../../server/src/boot/codeCache';

const NON_ASCII = /[^\x00-\x7f]/;

/** Non-ASCII characters where a bundle can have them: comments, strings, templates, regular expressions, identifiers. */
const bundle = `'use strict';
// A comment → with an arrow, an ellipsis … and an astral character 😀
/** Index/constraint name → table (JSDoc kept by esbuild). */
const café = 'naïve → ok';
const line = \`template – \${café} 😀\`;
const dash = /[–—-]+/;
const astral = /😀/u;
module.exports = {
  café,
  line,
  dashes: 'a–b—c'.split(dash),
  astral: astral.test('x😀y'),
  lengths: [café.length, line.length],
};
`;

test('a text with non-ASCII characters comes back all ASCII, and runs as the UTF-8 text does', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'one-byte-source-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'core.js');
  writeFileSync(file, bundle);

  const text = oneByteSource(readFileSync(file));
  assert.equal(NON_ASCII.test(text), false, 'all ASCII');
  assert.match(text, /\/\/ A comment \\u2192 with an arrow/, 'each UTF-16 unit written as an escape');
  assert.match(text, /\\ud83d\\ude00/, 'an astral character as its surrogate pair');

  // Through the loader (with a cache folder, the path that compiles the text itself) and by a plain require.
  const loaded = loadCached(file, { SCHEMA_REVIEW_CODE_CACHE: join(dir, 'cache') });
  assert.equal(loaded.status, 'missing');
  const required = require(file) as unknown;
  assert.deepEqual(loaded.exports, required);
  assert.deepEqual(loaded.exports, { café: 'naïve → ok', line: 'template – naïve → ok 😀', dashes: ['a', 'b', 'c'], astral: true, lengths: [10, 24] });
});

test('an ASCII text is the file as it is', () => {
  const ascii = "'use strict';\nmodule.exports = { a: '\\u2192' };\n";
  assert.equal(oneByteSource(Buffer.from(ascii)), ascii);
});

test('characters split across the scan chunks, and broken UTF-8, decode as a UTF-8 read of the whole file does', () => {
  // Runs of non-ASCII bytes that straddle the 2,048-byte chunks the scan works in, and a lone continuation byte.
  const parts = ['x'.repeat(2046), '→→→', 'y'.repeat(4000), '…', 'z'];
  const bytes = Buffer.concat([Buffer.from(parts.join('')), Buffer.from([0x80, 0x41, 0xe2, 0x86])]);
  const text = oneByteSource(bytes);
  assert.equal(NON_ASCII.test(text), false);
  const unescaped = text.replace(/\\u([0-9a-f]{4})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
  assert.equal(unescaped, bytes.toString('utf8'));
});

test('a non-ASCII character right after a backslash keeps the UTF-8 text (the escape would escape the backslash)', () => {
  const bytes = Buffer.from("module.exports = /\\–/.test('–');\n");
  assert.equal(oneByteSource(bytes), bytes.toString('utf8'));
});
