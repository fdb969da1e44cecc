// Bundles the in-editor Mocha suite (test/e2e/suite/index.ts) to dist/e2e-suite.js for `extensionTestsPath`.
import * as esbuild from 'esbuild';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
await esbuild.build({
  absWorkingDir: root,
  entryPoints: ['test/e2e/suite/index.ts'],
  outfile: 'dist/e2e-suite.js',
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: 'inline',
  logLevel: 'warning',
  external: ['vscode'],
  // Mocha's parallel mode (unused here) resolves worker files at run time.
  logOverride: { 'require-resolve-not-external': 'silent' },
});
console.log('built dist/e2e-suite.js');
