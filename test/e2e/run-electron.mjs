#!/usr/bin/env node
// The same in-editor Mocha suite (dist/e2e-suite.js) in desktop VS Code, downloaded by @vscode/test-electron.
// For machines that can reach update.code.visualstudio.com (not the CI machines here, which use
// run-extension-tests.mjs on code-server instead). On Linux without a display run it under `xvfb-run -a`.
//   node esbuild.mjs && node test/e2e/build-suite.mjs && node test/e2e/run-electron.mjs
// Env: VSCODE_VERSION (default "stable").
import { runTests } from '@vscode/test-electron';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { projectRoot } from './lib.mjs';

const dir = mkdtempSync(join(tmpdir(), 'sr-electron-'));
const workspace = join(dir, 'ws');
cpSync(join(projectRoot, 'test', 'e2e', 'workspace'), workspace, { recursive: true });
let code = 0;
try {
  await runTests({
    version: process.env.VSCODE_VERSION || 'stable',
    extensionDevelopmentPath: projectRoot,
    extensionTestsPath: join(projectRoot, 'dist', 'e2e-suite.js'),
    launchArgs: [
      workspace,
      '--disable-extensions', // other installed extensions (Prisma's among them) would change what is shown
      '--disable-workspace-trust',
      '--skip-welcome',
      '--skip-release-notes',
      '--user-data-dir', join(dir, 'user-data'),
    ],
  });
} catch (error) {
  console.error(`VS Code (electron) suite failed: ${error?.message ?? error}`);
  code = 1;
} finally {
  rmSync(dir, { recursive: true, force: true });
}
process.exit(code);
