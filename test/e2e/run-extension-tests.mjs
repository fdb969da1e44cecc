#!/usr/bin/env node
// Runs the Mocha suite (dist/e2e-suite.js) inside a real VS Code extension host: the VS Code server from
// code-server (server-main.js, with --enable-smoke-test-driver so the test payload is honoured), opened in
// headless Chromium by Playwright. The workbench calls window.codeAutomationExit(code) when the suite
// settles; this script exits with that code, or 1 after its own timeout.
//   node test/e2e/run-extension-tests.mjs        (after test/e2e/setup.sh, `node esbuild.mjs`, build-suite.mjs)
// Env: SCHEMA_REVIEW_E2E_TIMEOUT (ms, default 360000), SCHEMA_REVIEW_E2E_KEEP=1 keeps the run folder.
import { chromium } from 'playwright-core';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  assertInstalled, chromiumArgs, chromiumPath, findFiles, freePort, isNoise, isolatedEnv, makeRunDir, node24,
  projectRoot, serverMain, startProcess, tail, waitForHttp,
} from './lib.mjs';

const timeoutMs = Number(process.env.SCHEMA_REVIEW_E2E_TIMEOUT || 360_000);
const suitePath = join(projectRoot, 'dist', 'e2e-suite.js');

async function main() {
  assertInstalled();
  for (const f of ['dist/client.js', 'dist/server.js', 'dist/e2e-suite.js']) {
    if (!existsSync(join(projectRoot, f))) throw new Error(`${f} is missing: run \`node esbuild.mjs\` and \`node test/e2e/build-suite.mjs\`.`);
  }
  const { dir, workspace } = makeRunDir('ext');
  const port = await freePort();
  const serverLog = join(dir, 'server.log');
  const server = startProcess(
    node24,
    [
      serverMain,
      '--host', '127.0.0.1', '--port', String(port),
      '--without-connection-token', '--accept-server-license-terms', '--telemetry-level', 'off',
      '--disable-workspace-trust', '--enable-smoke-test-driver',
      '--server-data-dir', join(dir, 'data'), '--user-data-dir', join(dir, 'data'), '--extensions-dir', join(dir, 'ext'),
      '--log', 'info',
    ],
    { env: isolatedEnv(dir), cwd: dir, logFile: serverLog },
  );
  let browser;
  let summary = '';
  const started = Date.now();
  try {
    await waitForHttp(`http://127.0.0.1:${port}/version`, { timeoutMs: 60_000, process: server });
    const remote = (path) => `vscode-remote://127.0.0.1:${port}${path}`;
    const payload = [
      ['extensionDevelopmentPath', remote(projectRoot)],
      ['extensionTestsPath', remote(suitePath)],
    ];
    const url = `http://127.0.0.1:${port}/?folder=${encodeURIComponent(workspace)}&payload=${encodeURIComponent(JSON.stringify(payload))}`;

    browser = await chromium.launch({ executablePath: chromiumPath, args: chromiumArgs, headless: true });
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    let resolveExit;
    const exitCode = new Promise((resolve) => (resolveExit = resolve));
    // Installed before the page loads: the workbench calls it when the suite settles.
    await page.exposeFunction('codeAutomationExit', (code) => resolveExit(Number(code)));
    page.on('console', (message) => {
      const text = message.text();
      const m = /\[e2e\] (.*)$/s.exec(text);
      if (m) {
        console.log(m[1]);
        if (/\d+ passed, \d+ failed/.test(m[1])) summary = m[1];
      } else if (process.env.SCHEMA_REVIEW_E2E_VERBOSE || (message.type() === 'error' && !isNoise(text))) {
        console.log(`  [browser ${message.type()}] ${text.slice(0, 500)}`);
      }
    });
    page.on('pageerror', (error) => { if (!isNoise(String(error))) console.log(`  [page error] ${error}`); });
    await page.goto(url);
    let timer;
    const timeout = new Promise((resolve) => { timer = setTimeout(() => resolve('timeout'), timeoutMs); });
    const code = await Promise.race([exitCode, timeout]);
    clearTimeout(timer);
    if (code === 'timeout') {
      await page.screenshot({ path: join(projectRoot, 'test-results', 'extension-tests-timeout.png') }).catch(() => {});
      throw new Error(`the suite did not finish within ${timeoutMs} ms (is --enable-smoke-test-driver honoured? did the extension host start?)`);
    }
    await page.screenshot({ path: join(projectRoot, 'test-results', 'extension-tests-final.png') }).catch(() => {});
    if (!summary) summary = code === 0 ? 'suite passed (no summary line seen)' : 'suite failed (no summary line seen)';
    console.log(`extension-host suite: ${summary} in ${((Date.now() - started) / 1000).toFixed(1)} s (exit ${code})`);
    if (code !== 0) dumpLogs(dir, serverLog);
    return code;
  } catch (error) {
    console.error(`extension-host suite: ${error.message}`);
    dumpLogs(dir, serverLog);
    return 1;
  } finally {
    await browser?.close().catch(() => {});
    await server.stop();
    writeFileSync(join(projectRoot, 'test-results', 'extension-tests-summary.txt'), `${summary}\n`);
    if (!process.env.SCHEMA_REVIEW_E2E_KEEP) rmSync(dir, { recursive: true, force: true });
    else console.log(`run folder kept: ${dir}`);
  }
}

function dumpLogs(dir, serverLog) {
  console.error(`--- VS Code server log (tail) ---\n${tail(serverLog, 30)}`);
  for (const file of findFiles(dir, /Schema Review\.log$|^exthost\.log$/)) {
    console.error(`--- ${file.slice(dir.length + 1)} (tail) ---\n${tail(file, 60)}`);
  }
}

mkdirSync(join(projectRoot, 'test-results'), { recursive: true });
process.exit(await main());
