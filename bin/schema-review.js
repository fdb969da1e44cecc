#!/usr/bin/env node
// Launches the CLI: the built bundle when present (`npm run build`), else (or with SCHEMA_REVIEW_FROM_SOURCE=1)
// the TypeScript sources through tsx.
'use strict';
const path = require('node:path');
const fs = require('node:fs');
const bundle = path.join(__dirname, '..', 'dist', 'cli.js');
if (fs.existsSync(bundle) && !process.env.SCHEMA_REVIEW_FROM_SOURCE) {
  const { runCli } = require(bundle);
  run(runCli);
} else {
  try {
    require('tsx/cjs');
  } catch {
    process.stderr.write('schema-review: not built yet: run `npm run build` first\n');
    process.exit(2);
  }
  run(require(path.join(__dirname, '..', 'server', 'src', 'cli.ts')).runCli);
}
function run(runCli) {
  Promise.resolve(
    runCli(process.argv.slice(2), {
      stdout: (t) => process.stdout.write(t),
      stderr: (t) => process.stderr.write(t),
      cwd: process.cwd(),
      color: process.stdout.isTTY === true && !process.env.NO_COLOR,
    }),
  ).then(
    (code) => (process.exitCode = code),
    (error) => {
      process.stderr.write(`schema-review: internal error: ${error && error.stack ? error.stack : error}\n`);
      process.exitCode = 2;
    },
  );
}
