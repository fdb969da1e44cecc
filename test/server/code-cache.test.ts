/**
 * The V8 code cache the server and CLI bundles are loaded through (server/src/boot/codeCache.ts). Each load runs in a
 * fresh Node process, as a start of the server does: the loader is bundled with esbuild, the "bundle" is a small
 * CommonJS file.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildSync } from 'esbuild';

const root = mkdtempSync(join(tmpdir(), 'code-cache-test-'));
const loader = join(root, 'loader.js');
// The loader and the server's own V8 flags (v8Flags.ts), in one bundle as in dist/server.js.
buildSync({
  stdin: { contents: `export * from './codeCache'; export * from './v8Flags';`, resolveDir: join(__dirname, '../../server/src/boot'), loader: 'ts' },
  bundle: true,
  platform: 'node',
  format: 'cjs',
  outfile: loader,
  logLevel: 'error',
});

/** A bundle-like module: a top level, a function compiled only when called, node's require and its own folder. */
const bundleSource = (answer: number) => `'use strict';
const path = require('node:path');
function lazilyCompiled(n) { let s = 0; for (let i = 1; i <= n; i++) s += i; return s + ${answer}; }
module.exports = { run: () => lazilyCompiled(10), dir: path.basename(__dirname), same: require.resolve('node:path') === 'node:path' };
`;
const bundleDir = join(root, 'dist');
mkdirSync(bundleDir);
const bundle = join(bundleDir, 'core.js');
writeFileSync(bundle, bundleSource(0));

const runner = join(root, 'runner.js');
writeFileSync(
  runner,
  `const { loadCached, serverV8Flags, setV8Flags } = require(${JSON.stringify(loader)});
if (process.env.SERVER_FLAGS) setV8Flags(serverV8Flags);
const load = loadCached(${JSON.stringify(bundle)});
const result = load.exports.run();
const saved = process.argv[2] === 'save' ? load.save() : false;
const again = process.argv[2] === 'save' ? load.save() : false;
process.stdout.write(JSON.stringify({ status: load.status, result, dir: load.exports.dir, same: load.exports.same, saved, again, file: load.file }));
`,
);

interface Run {
  status: string;
  result: number;
  dir: string;
  same: boolean;
  saved: boolean;
  again: boolean;
  file?: string;
}

function start(env: Record<string, string>, save = true): Run {
  // CI is set where these tests run in CI; each test says what it wants.
  const r = spawnSync(process.execPath, [runner, save ? 'save' : ''], { env: { ...process.env, CI: '', ...env }, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout) as Run;
}

const cacheFiles = (dir: string) => readdirSync(dir).filter((n) => n.endsWith('.v8cache'));

test('the first start writes the cache after its work, later starts take it, a changed bundle gets a new one', (t) => {
  t.after(() => writeFileSync(bundle, bundleSource(0)));
  const dir = join(root, 'cache-a');
  const env = { SCHEMA_REVIEW_CODE_CACHE: dir };

  const first = start(env);
  assert.equal(first.status, 'missing');
  assert.equal(first.result, 55);
  assert.equal(first.dir, 'dist', '__dirname is the bundle’s folder');
  assert.equal(first.same, true, 'require resolves as in the bundle');
  assert.equal(first.saved, true);
  assert.equal(first.again, false, 'written once per process');
  assert.deepEqual(cacheFiles(dir), [first.file!.slice(dir.length + 1)]);
  assert.equal(statSync(first.file!).mode & 0o777, 0o600);

  const second = start(env);
  assert.equal(second.status, 'accepted');
  assert.equal(second.result, 55);
  assert.equal(second.saved, false, 'an accepted cache is not written again');

  // A new build: another cache file; the old one is removed when the new one is written.
  writeFileSync(bundle, bundleSource(1));
  const rebuilt = start(env);
  assert.equal(rebuilt.status, 'missing');
  assert.equal(rebuilt.result, 56);
  assert.notEqual(rebuilt.file, first.file);
  assert.deepEqual(cacheFiles(dir), [rebuilt.file!.slice(dir.length + 1)]);
  assert.equal(start(env).status, 'accepted');
});

test('the flags the server sets for itself key the cache: a start with them and one without each keep their own', () => {
  const dir = join(root, 'cache-flags');
  const plain = { SCHEMA_REVIEW_CODE_CACHE: dir };
  const flagged = { ...plain, SERVER_FLAGS: '1' };
  const a = start(plain);
  const b = start(flagged);
  assert.equal(a.status, 'missing');
  assert.equal(b.status, 'missing', 'a cache made without the flags is not offered to a start with them');
  assert.notEqual(a.file, b.file);
  assert.equal(b.result, 55);
  assert.equal(start(flagged).status, 'accepted', 'V8 takes a cache made under the same flags');
});

test('a damaged cache is refused by V8: the bundle loads as without one and the cache is written again', () => {
  const dir = join(root, 'cache-b');
  const env = { SCHEMA_REVIEW_CODE_CACHE: dir };
  const first = start(env);
  assert.equal(first.status, 'missing');
  writeFileSync(first.file!, Buffer.from('not a V8 code cache at all, just some bytes'.repeat(20)));
  const damaged = start(env);
  assert.equal(damaged.status, 'rejected');
  assert.equal(damaged.result, 55);
  assert.equal(damaged.saved, true);
  assert.equal(start(env).status, 'accepted');
});

test('off: a plain require, nothing written', () => {
  const run = start({ SCHEMA_REVIEW_CODE_CACHE: 'off' });
  assert.equal(run.status, 'off');
  assert.equal(run.result, 55);
  assert.equal(run.saved, false);
  assert.equal(run.file, undefined);
});

test('the default folder in the temporary folder is used only when nobody else can write to it', () => {
  const tmp = join(root, 'tmp');
  mkdirSync(tmp);
  const env = { TMPDIR: tmp, SCHEMA_REVIEW_CODE_CACHE: '' };
  const first = start(env);
  assert.equal(first.status, 'missing');
  assert.ok(first.file!.startsWith(tmp + '/schema-review-code-cache'), first.file);
  const folder = first.file!.slice(0, first.file!.lastIndexOf('/'));
  assert.equal(statSync(folder).mode & 0o777, 0o700);
  assert.equal(start(env).status, 'accepted');

  // Someone made it writable for others: the cache could be swapped for other code, so it is not used.
  chmodSync(folder, 0o777);
  const shared = start(env);
  assert.equal(shared.status, 'off');
  assert.equal(shared.result, 55);
  rmSync(folder, { recursive: true, force: true });
});

test('on CI (CI set) the temporary folder is not used; a folder named in SCHEMA_REVIEW_CODE_CACHE still is', () => {
  const tmp = join(root, 'tmp-ci');
  mkdirSync(tmp);
  const onCi = start({ TMPDIR: tmp, SCHEMA_REVIEW_CODE_CACHE: '', CI: 'true' });
  assert.equal(onCi.status, 'off');
  assert.equal(onCi.result, 55);
  assert.deepEqual(readdirSync(tmp), []);
  assert.equal(start({ TMPDIR: tmp, SCHEMA_REVIEW_CODE_CACHE: '', CI: 'false' }).status, 'missing');
  const named = join(root, 'cache-ci');
  assert.equal(start({ SCHEMA_REVIEW_CODE_CACHE: named, CI: 'true' }).status, 'missing');
  assert.equal(start({ SCHEMA_REVIEW_CODE_CACHE: named, CI: 'true' }).status, 'accepted');
});

test('a folder that cannot be made: a plain require', () => {
  const blocker = join(root, 'a-file');
  writeFileSync(blocker, '');
  const run = start({ SCHEMA_REVIEW_CODE_CACHE: join(blocker, 'cache') });
  assert.equal(run.status, 'off');
  assert.equal(run.result, 55);
});

test.after(() => rmSync(root, { recursive: true, force: true }));
