// The floor the audit is compared with, run as its own process: list the workspace's files the way the audit
// does, read every one, `ts.createSourceFile` the TS/JS ones and libpg-query-parse the SQL ones. Prints JSON.
//   node bench/floor.mjs <dir>
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { extname, join } from 'node:path';

const t0 = performance.now();
const require = createRequire(import.meta.url);
const ts = require('typescript');
const pg = require('libpg-query');
await pg.loadModule();
const loadMs = performance.now() - t0;

// Same selection as server/src/project/files.ts (listWorkspaceFiles).
const SKIPPED_DIRS = new Set(['node_modules', '.git', '.hg', '.svn', 'dist', 'build', 'out', '.next', '.nuxt', '.svelte-kit', '.turbo', '.vercel', '.cache', 'coverage', '.output', '.e2e', 'bower_components', 'vendor']);
const EXTS = new Set(['.prisma', '.sql', '.ts', '.tsx', '.mts', '.cts', '.js', '.mjs', '.cjs', '.jsx']);
const CODE = new Set(['.ts', '.tsx', '.mts', '.cts', '.js', '.mjs', '.cjs', '.jsx']);
const kindOf = (f) => (f.endsWith('.tsx') ? ts.ScriptKind.TSX : f.endsWith('.jsx') ? ts.ScriptKind.JSX : /\.(c|m)?js$/.test(f) ? ts.ScriptKind.JS : ts.ScriptKind.TS);

const root = process.argv[2];
const t1 = performance.now();
const files = [];
const walk = (dir) => {
  for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const full = join(dir, e.name);
    if (e.isDirectory()) {
      if (!SKIPPED_DIRS.has(e.name)) walk(full);
    } else if (e.isFile() && EXTS.has(extname(e.name)) && !e.name.endsWith('.d.ts')) files.push(full);
  }
};
walk(root);
const listMs = performance.now() - t1;

let readMs = 0;
let tsMs = 0;
let sqlMs = 0;
let bytes = 0;
let tsFiles = 0;
let sqlFiles = 0;
let sqlErrors = 0;
let nodes = 0;
for (const f of files) {
  let t = performance.now();
  const text = readFileSync(f, 'utf8');
  readMs += performance.now() - t;
  bytes += text.length;
  const ext = extname(f);
  if (CODE.has(ext)) {
    t = performance.now();
    const sf = ts.createSourceFile(f, text, ts.ScriptTarget.Latest, false, kindOf(f));
    nodes += sf.statements.length;
    tsMs += performance.now() - t;
    tsFiles++;
  } else if (ext === '.sql') {
    t = performance.now();
    try {
      pg.parseSync(text);
    } catch {
      sqlErrors++;
    }
    sqlMs += performance.now() - t;
    sqlFiles++;
  }
}
const r = (x) => Math.round(x * 10) / 10;
process.stdout.write(
  JSON.stringify({
    files: files.length,
    tsFiles,
    sqlFiles,
    sqlErrors,
    chars: bytes,
    statements: nodes,
    loadMs: r(loadMs),
    listMs: r(listMs),
    readMs: r(readMs),
    tsParseMs: r(tsMs),
    sqlParseMs: r(sqlMs),
    totalMs: r(performance.now() - t0),
    maxRssBytes: process.resourceUsage().maxRSS * 1024,
  }) + '\n',
);
