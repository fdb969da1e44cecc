// Shared helpers for the benchmarks: a minimal LSP client over stdio, statistics, process memory, builds.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const require = createRequire(import.meta.url);
const rpc = require('vscode-jsonrpc/node');

export const BENCH_DIR = dirname(fileURLToPath(import.meta.url));
export const REPO = dirname(BENCH_DIR);
export const OUT_DIR = join(BENCH_DIR, '.out');

// ------------------------------------------------------------------ statistics

export function median(xs) {
  const v = xs.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (!v.length) return NaN;
  const m = v.length >> 1;
  return v.length % 2 ? v[m] : (v[m - 1] + v[m]) / 2;
}

export function quantile(xs, q) {
  const v = xs.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (!v.length) return NaN;
  const pos = (v.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return v[lo] + (v[hi] - v[lo]) * (pos - lo);
}

/** Median with spread: min, p25, p75, max and n. */
export function summarize(xs) {
  const v = xs.filter((x) => Number.isFinite(x));
  return {
    median: round(median(v)),
    p25: round(quantile(v, 0.25)),
    p75: round(quantile(v, 0.75)),
    min: round(v.length ? Math.min(...v) : NaN),
    max: round(v.length ? Math.max(...v) : NaN),
    n: v.length,
  };
}

export function round(x, digits = 1) {
  if (!Number.isFinite(x)) return null;
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

export const fmtMs = (x) => (x === null || x === undefined || !Number.isFinite(x) ? '—' : x >= 1000 ? `${(x / 1000).toFixed(2)} s` : `${x.toFixed(x < 10 ? 2 : 1)} ms`);
export const fmtRatio = (x) => (x === null || x === undefined || !Number.isFinite(x) ? '—' : `${x.toFixed(2)}×`);
export const fmtMB = (bytes) => (Number.isFinite(bytes) ? `${(bytes / 1048576).toFixed(0)} MB` : '—');

/** `median (p25–p75)` */
export const fmtSpread = (s) => (s && s.n ? `${fmtMs(s.median)} (${fmtMs(s.p25)}–${fmtMs(s.p75)})` : '—');

// ------------------------------------------------------------------ processes

/** VmRSS / VmHWM of a process in bytes (Linux), or undefined. */
export function procMemory(pid) {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (key) => {
      const m = new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status);
      return m ? Number(m[1]) * 1024 : undefined;
    };
    return { rss: kb('VmRSS'), hwm: kb('VmHWM') };
  } catch {
    return undefined;
  }
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** The bundles holding the code (server.js and cli.js are the small entries that load them). */
const CORES = ['server-core.js', 'cli-core.js'];
const isRealBundle = (f) => existsSync(f) && statSync(f).size > 1024;
const mtime = (f) => (existsSync(f) ? statSync(f).mtimeMs : 0);

/** The newest modification time of the server and rule sources (a bundle older than that is stale). */
function newestSource() {
  let newest = 0;
  const walk = (dir) => {
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      const f = join(dir, e.name);
      if (e.isDirectory()) walk(f);
      else if (/\.ts$/.test(e.name)) newest = Math.max(newest, statSync(f).mtimeMs);
    }
  };
  walk(join(REPO, 'server', 'src'));
  walk(join(REPO, 'rules'));
  return newest;
}

/**
 * Makes sure the server and CLI bundles exist and are current: `node esbuild.mjs` when dist/server-core.js or
 * dist/cli-core.js is missing or a stub. When dist/ is older than a source under server/src or rules, bundles the current
 * sources into bench/.out/dist/ instead of touching dist/ (BENCH_NO_BUILD=1 uses the stale dist/ as it is). If that build fails, bundles server and CLI into bench/.out/dist/ with the same esbuild options
 * but the wasm packages left external (loaded from node_modules), and says so. Returns where the bundles are.
 */
export async function ensureBuilt({ force = false, log = console.log, profile = false } = {}) {
  const dist = join(REPO, 'dist');
  // Profiles need readable function names: a separate unminified bundle.
  if (profile) return { dist: await bundleHere(join(OUT_DIR, 'dist-prof')), built: true, fallback: false, profile: true };
  const present = CORES.every((f) => isRealBundle(join(dist, f)));
  const stale = present && newestSource() > Math.min(...CORES.map((f) => mtime(join(dist, f))));
  if (!force && present && (!stale || process.env.BENCH_NO_BUILD)) return { dist, built: false, fallback: false, stale };
  if (!force && stale) {
    // Others may be mid-build in dist/: leave it alone and bundle the current sources here.
    log('dist/ is older than server/src or rules: bundling the current sources into bench/.out/dist/ (wasm packages external)');
    return { dist: await bundleHere(join(OUT_DIR, 'dist')), built: true, fallback: true, reason: 'dist/ was older than the sources' };
  }
  log('building dist/ (node esbuild.mjs)…');
  const r = spawnSync(process.execPath, ['esbuild.mjs'], { cwd: REPO, encoding: 'utf8' });
  if (r.status === 0 && CORES.every((f) => isRealBundle(join(dist, f)))) return { dist, built: true, fallback: false };
  const reason = `${r.stderr || r.stdout}`.split('\n').find((l) => /error/i.test(l)) ?? `exit ${r.status}`;
  log(`node esbuild.mjs failed (${reason.trim()}); bundling into bench/.out/dist/ with the wasm packages external`);
  return { dist: await bundleHere(join(OUT_DIR, 'dist')), built: true, fallback: true, reason: `\`node esbuild.mjs\` failed: ${reason.trim()}` };
}

/** Bundles server and CLI (unminified, wasm packages external) into `out`. */
async function bundleHere(out) {
  const esbuild = await import('esbuild');
  mkdirSync(out, { recursive: true });
  const common = {
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    sourcemap: 'linked',
    logLevel: 'error',
    external: ['vscode', 'bufferutil', 'utf-8-validate', '@prisma/prisma-schema-wasm', 'prisma-schema-wasm-5', 'prisma-schema-wasm-6', 'libpg-query'],
    absWorkingDir: REPO,
  };
  await esbuild.build({ ...common, entryPoints: ['server/src/server.ts'], outfile: join(out, 'server-core.js') });
  await esbuild.build({ ...common, entryPoints: ['server/src/boot/serverEntry.ts'], outfile: join(out, 'server.js') });
  await esbuild.build({ ...common, entryPoints: ['server/src/languages/prisma/lintWorker.ts'], outfile: join(out, 'prisma-lint-worker.js') });
  await esbuild.build({ ...common, entryPoints: ['server/src/cli.ts'], outfile: join(out, 'cli-core.js') });
  await esbuild.build({ ...common, entryPoints: ['server/src/boot/cliEntry.ts'], outfile: join(out, 'cli.js') });
  return out;
}

/** Where the bundles are, set by ensureBuilt (dist/ unless the fallback was used). */
export let bundleDir = join(REPO, 'dist');
export async function prepareBundles(options) {
  const r = await ensureBuilt(options);
  bundleDir = r.dist;
  return r;
}

// ------------------------------------------------------------------ LSP client

export function fileUri(p) {
  return pathToFileURL(p).href;
}

/**
 * A language server child process and a JSON-RPC connection to it. Answers the requests a server sends
 * to the editor (configuration, capability registration, progress tokens, messages).
 */
export class LspClient {
  /**
   * @param {{ command: string, args: string[], env?: Record<string,string>, settings?: Record<string, unknown>, cwd?: string }} opts
   *   settings: answers to `workspace/configuration`, keyed by section.
   */
  constructor(opts) {
    this.opts = opts;
    this.child = spawn(opts.command, opts.args, { cwd: opts.cwd ?? REPO, env: { ...process.env, ...(opts.env ?? {}) }, stdio: ['pipe', 'pipe', 'pipe'] });
    this.stderr = '';
    this.child.stderr.on('data', (d) => {
      if (this.stderr.length < 20000) this.stderr += d;
    });
    this.exited = new Promise((resolve) => this.child.on('exit', (code, signal) => resolve({ code, signal })));
    this.conn = rpc.createMessageConnection(new rpc.StreamMessageReader(this.child.stdout), new rpc.StreamMessageWriter(this.child.stdin));
    this.diagnosticWaiters = [];
    this.statusListeners = [];
    this.logs = [];
    this.conn.onRequest('workspace/configuration', (params) => params.items.map((item) => this.sectionValue(item.section)));
    this.conn.onRequest('client/registerCapability', () => null);
    this.conn.onRequest('client/unregisterCapability', () => null);
    this.conn.onRequest('window/workDoneProgress/create', () => null);
    this.conn.onRequest('window/showMessageRequest', () => null);
    this.conn.onRequest('workspace/workspaceFolders', () => this.folders ?? null);
    this.conn.onNotification('textDocument/publishDiagnostics', (p) => {
      const at = performance.now();
      for (const w of [...this.diagnosticWaiters]) {
        if (w.uri === p.uri && (!w.accept || w.accept(p))) {
          this.diagnosticWaiters.splice(this.diagnosticWaiters.indexOf(w), 1);
          w.resolve({ at, params: p });
        }
      }
    });
    this.conn.onNotification('schemaReview/status', (s) => {
      const at = performance.now();
      for (const l of this.statusListeners) l(s, at);
    });
    this.logWaiters = [];
    this.conn.onNotification('window/logMessage', (m) => {
      const at = performance.now();
      if (this.logs.length < 200) this.logs.push(m.message);
      for (const w of [...this.logWaiters]) {
        if (w.pattern.test(m.message)) {
          this.logWaiters.splice(this.logWaiters.indexOf(w), 1);
          w.resolve({ at, message: m.message });
        }
      }
    });
    this.conn.onNotification('$/progress', () => undefined);
    this.conn.onNotification('window/showMessage', (m) => {
      if (this.logs.length < 200) this.logs.push(`showMessage: ${m.message}`);
    });
    this.conn.onError(() => undefined);
    this.conn.listen();
  }

  get pid() {
    return this.child.pid;
  }

  sectionValue(section) {
    const settings = this.opts.settings ?? {};
    if (!section) return settings;
    const parts = section.split('.');
    let v = settings;
    for (const p of parts) v = v?.[p];
    return v ?? null;
  }

  async initialize(rootPath, initializationOptions) {
    this.folders = [{ uri: fileUri(rootPath), name: rootPath.split('/').pop() }];
    const result = await this.conn.sendRequest('initialize', {
      processId: process.pid,
      rootUri: fileUri(rootPath),
      workspaceFolders: this.folders,
      initializationOptions,
      capabilities: {
        // As VS Code declares it: the server then relies on watched-file events for changes on disk.
        workspace: { configuration: true, workspaceFolders: true, didChangeConfiguration: { dynamicRegistration: true }, didChangeWatchedFiles: { dynamicRegistration: true } },
        textDocument: {
          synchronization: { dynamicRegistration: false, didSave: true },
          publishDiagnostics: { relatedInformation: true, versionSupport: true, codeDescriptionSupport: true, dataSupport: true },
          codeAction: { codeActionLiteralSupport: { codeActionKind: { valueSet: ['quickfix', 'source.fixAll'] } } },
        },
        window: { workDoneProgress: true },
      },
    });
    this.conn.sendNotification('initialized', {});
    return result;
  }

  /** Resolves with the next publishDiagnostics for `uri` that `accept` takes (registered before the trigger is sent). */
  nextDiagnostics(uri, { timeoutMs = 120000, accept } = {}) {
    let waiter;
    const p = new Promise((resolve, reject) => {
      waiter = { uri, accept, resolve };
      const timer = setTimeout(() => {
        const i = this.diagnosticWaiters.indexOf(waiter);
        if (i >= 0) this.diagnosticWaiters.splice(i, 1);
        reject(new Error(`no diagnostics for ${uri} within ${timeoutMs} ms`));
      }, timeoutMs);
      timer.unref?.();
      waiter.resolve = (v) => {
        clearTimeout(timer);
        resolve(v);
      };
    });
    this.diagnosticWaiters.push(waiter);
    return p;
  }

  /** Resolves with the next logged message matching `pattern` ({ at, message }), or undefined after `timeoutMs`. */
  nextLog(pattern, timeoutMs = 30000) {
    return new Promise((resolve) => {
      const waiter = { pattern, resolve: (v) => (clearTimeout(timer), resolve(v)) };
      const timer = setTimeout(() => {
        this.logWaiters.splice(this.logWaiters.indexOf(waiter), 1);
        resolve(undefined);
      }, timeoutMs);
      timer.unref?.();
      this.logWaiters.push(waiter);
    });
  }

  onStatus(listener) {
    this.statusListeners.push(listener);
    return () => this.statusListeners.splice(this.statusListeners.indexOf(listener), 1);
  }

  open(uri, languageId, text, version = 1) {
    this.conn.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId, version, text } });
  }

  change(uri, version, contentChanges) {
    this.conn.sendNotification('textDocument/didChange', { textDocument: { uri, version }, contentChanges });
  }

  request(method, params) {
    return this.conn.sendRequest(method, params);
  }

  async shutdown(timeoutMs = 5000) {
    try {
      await Promise.race([this.conn.sendRequest('shutdown'), sleep(timeoutMs)]);
      this.conn.sendNotification('exit');
    } catch {
      /* already gone */
    }
    const exited = await Promise.race([this.exited.then(() => true), sleep(timeoutMs).then(() => false)]);
    if (!exited) this.child.kill('SIGKILL');
    this.conn.dispose();
  }
}

/** The servers the LSP bench compares. */
export function prismaServerCommand() {
  // The package's `exports` hide package.json: go from its main entry (dist/index.js) up.
  let pkg = dirname(require.resolve('@prisma/language-server'));
  while (!existsSync(join(pkg, 'package.json'))) pkg = dirname(pkg);
  const bin = join(pkg, JSON.parse(readFileSync(join(pkg, 'package.json'), 'utf8')).bin['prisma-language-server']);
  return { command: process.execPath, args: [bin, '--stdio'] };
}

export function ourServerCommand() {
  // BENCH_SERVER_JS: another build of the server (an A/B run against an older commit's dist/server.js).
  // The environment VS Code's client starts it with (client/src/client.ts): glibc's malloc arenas limited to 2.
  return { command: process.execPath, args: [process.env.BENCH_SERVER_JS ?? join(bundleDir, 'server.js'), '--stdio'], env: { MALLOC_ARENA_MAX: process.env.MALLOC_ARENA_MAX ?? '2' } };
}

/** `--name value` from a command line, or undefined. */
export function optionOf(args, name) {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}
