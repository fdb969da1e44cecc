#!/usr/bin/env node
// Runs the fast test suite with Node's own test runner (TypeScript through tsx).
// Usage: node scripts/run-tests.mjs [dir-or-file ...]   (default: every test/**/*.test.ts except test/e2e)
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { spawnSync } from 'node:child_process';

const root = new URL('..', import.meta.url).pathname;
const args = process.argv.slice(2);
const roots = args.length ? args : ['test'];
const files = [];
function walk(p) {
  const st = statSync(p);
  if (st.isFile()) { if (/\.test\.ts$/.test(p)) files.push(p); return; }
  for (const name of readdirSync(p).sort()) {
    if (name === 'node_modules' || name === 'fixtures') continue;
    const child = join(p, name);
    if (!args.length && relative(root, child).startsWith('test/e2e')) continue;
    walk(child);
  }
}
for (const r of roots) walk(join(root, r));
if (!files.length) { console.error('no test files found'); process.exit(1); }
const res = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-reporter=spec', ...files], { stdio: 'inherit', cwd: root });
process.exit(res.status ?? 1);
