/**
 * Loads a CommonJS bundle with a V8 code cache, so that a fresh process does not compile it again.
 *
 * The server and CLI bundles are large (TypeScript's compiler is in them): compiling one costs 200–400 ms at every
 * start, longer than a whole review of a small schema. V8 can serialize what it compiled (`createCachedData`) and
 * take it back at the next start. This is what Node 22's `module.enableCompileCache()` does; Node 20 (VS Code's
 * runtime until 2025, and our floor) lacks it, so we do the same with `vm.Script`.
 *
 * - The cache is written after the process did its main job (the first review, an audit), so it also holds the
 *   functions compiled lazily on the way, not only the bundle's top level.
 * - V8 refuses a cache made by another V8 version or other flags: the bundle then loads as it would without one and
 *   the cache is written again. The file name also carries the Node version, the architecture, the flags (those of
 *   the command line and those the process set for itself, v8Flags.ts) and the bundle file's identity
 *   (`codeCacheFile`), so a new build never meets an old cache.
 * - Where: `SCHEMA_REVIEW_CODE_CACHE` (a folder, or `off`); VS Code's client sets the extension's storage folder.
 *   Otherwise a folder of the user's own in the temporary folder, used only if nobody else can write to it, and not
 *   on CI machines (`CI` set), whose temporary folder goes with the job.
 * - Nothing here may stop the bundle from loading: any problem with the cache means a plain `require`.
 */
import { isAscii } from 'node:buffer';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import Module from 'node:module';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vm from 'node:vm';
import { appliedV8Flags } from './v8Flags';

export type CodeCacheStatus = 'off' | 'missing' | 'accepted' | 'rejected' | 'failed';

export interface CachedLoad {
  /** What the bundle's `module.exports` ended up as. */
  exports: unknown;
  /** `missing`/`rejected`: loaded without a usable cache, `save()` writes one. `failed`: loaded by plain require. */
  status: CodeCacheStatus;
  /** The cache file (when caching is on). */
  file?: string;
  /** Writes the cache when the bundle was loaded without a usable one; once per process. Never throws. */
  save(): boolean;
}

/**
 * The cache folder: the setting, else `<tmp>/schema-review-code-cache-<uid>` (not on CI, where `CI` is set);
 * undefined when off or unsafe.
 */
export function codeCacheDir(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const setting = env.SCHEMA_REVIEW_CODE_CACHE?.trim();
  if (setting === 'off' || setting === '0' || setting === 'false') return undefined;
  if (setting) {
    try {
      fs.mkdirSync(setting, { recursive: true, mode: 0o700 });
      return setting;
    } catch {
      return undefined;
    }
  }
  // On CI machines the temporary folder rarely outlives the job: writing a cache there would only cost time.
  const ci = env.CI?.trim().toLowerCase();
  if (ci && ci !== 'false' && ci !== '0') return undefined;
  const uid = typeof process.getuid === 'function' ? process.getuid() : undefined;
  const dir = path.join(os.tmpdir(), `schema-review-code-cache${uid === undefined ? '' : `-${uid}`}`);
  try {
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    // A shared temporary folder: use ours only if it is ours and only we can write to it (a cache is code we run).
    const st = fs.lstatSync(dir);
    if (!st.isDirectory()) return undefined;
    if (uid !== undefined && (st.uid !== uid || (st.mode & 0o022) !== 0)) return undefined;
    return dir;
  } catch {
    return undefined;
  }
}

/**
 * The cache file for a bundle: named after the bundle, keyed by what makes V8 refuse a cache and by the bundle
 * file itself. V8 compares only the source's length, so a rebuilt bundle of the same length must never meet the
 * old cache: the key has its size, times (the change time cannot be set back by copying tools) and inode.
 */
export function codeCacheFile(dir: string, bundle: string): string {
  const st = fs.statSync(bundle);
  const key = createHash('sha256')
    .update([process.version, process.arch, [...process.execArgv, ...appliedV8Flags].join(' '), bundle, st.size, st.mtimeMs, st.ctimeMs, st.ino].join('\0'))
    .digest('hex')
    .slice(0, 16);
  return path.join(dir, `${path.basename(bundle, '.js')}-${key}.v8cache`);
}

/**
 * The bundle's text as V8 will keep it for the life of the process (it holds every script's source, for functions
 * compiled lazily and for `toString`). Read as UTF-8, one character outside ASCII makes the whole text a two-byte
 * string: the server's unminified bundle has a few dozen (`…`, `→` in comments esbuild keeps) and cost 32 MB instead
 * of 16. Each run of non-ASCII bytes is written as `\uXXXX` escapes of its UTF-16 units instead, the form esbuild
 * itself gives such characters in strings, templates, regular expressions and identifiers (its default ASCII
 * charset), where the escape means the same character; in comments it changes nothing. A run right after a
 * backslash (an escape of the character itself, which the written escape would turn into an escaped backslash) keeps
 * the text as UTF-8. The only difference left is a tagged template's raw text, which esbuild leaves unescaped.
 */
export function oneByteSource(bytes: Buffer): string {
  // A minified bundle is all ASCII: checked natively, as fast as a copy.
  if (isAscii(bytes)) return bytes.toString('latin1');
  // Otherwise the few non-ASCII runs are looked for byte by byte only in the chunks that have one.
  const parts: Buffer[] = [];
  let copied = 0;
  for (let chunk = 0; chunk < bytes.length; chunk += ASCII_CHUNK) {
    const end = Math.min(bytes.length, chunk + ASCII_CHUNK);
    if (copied >= end || isAscii(bytes.subarray(Math.max(chunk, copied), end))) continue;
    for (let i = Math.max(chunk, copied); i < end; i++) {
      if (bytes[i] < 0x80) continue;
      if (i > 0 && bytes[i - 1] === 0x5c) return bytes.toString('utf8');
      let j = i + 1;
      while (j < bytes.length && bytes[j] >= 0x80) j++;
      // Decoded as a whole-file UTF-8 read decodes it (a broken sequence gives U+FFFD there too).
      const decoded = bytes.toString('utf8', i, j);
      let escaped = '';
      for (let k = 0; k < decoded.length; k++) escaped += `\\u${decoded.charCodeAt(k).toString(16).padStart(4, '0')}`;
      parts.push(bytes.subarray(copied, i), Buffer.from(escaped, 'latin1'));
      copied = j;
      i = j - 1;
    }
  }
  parts.push(bytes.subarray(copied));
  return Buffer.concat(parts).toString('latin1');
}

const ASCII_CHUNK = 2048;

export function loadCached(bundle: string, env: NodeJS.ProcessEnv = process.env): CachedLoad {
  const plain = (status: CodeCacheStatus): CachedLoad => ({ exports: require(bundle), status, save: () => false });
  const dir = codeCacheDir(env);
  if (!dir) return plain('off');
  let file: string;
  let script: vm.Script;
  let status: CodeCacheStatus;
  try {
    file = codeCacheFile(dir, bundle);
    const source = oneByteSource(fs.readFileSync(bundle));
    let cachedData: Buffer | undefined;
    try {
      cachedData = fs.readFileSync(file);
    } catch {
      cachedData = undefined;
    }
    script = new vm.Script(Module.wrap(source), { filename: bundle, cachedData });
    status = cachedData === undefined ? 'missing' : script.cachedDataRejected ? 'rejected' : 'accepted';
  } catch {
    return plain('failed');
  }
  // As Node's loader runs a CommonJS file: its own module object, a require resolving from its folder.
  const mod = new Module(bundle, module);
  mod.filename = bundle;
  mod.paths = (Module as unknown as { _nodeModulePaths(dir: string): string[] })._nodeModulePaths(path.dirname(bundle));
  const wrapper = script.runInThisContext({ displayErrors: true }) as (...args: unknown[]) => void;
  wrapper.call(mod.exports, mod.exports, Module.createRequire(bundle), mod, bundle, path.dirname(bundle));
  mod.loaded = true;
  let saved = false;
  return {
    get exports() {
      return mod.exports;
    },
    status,
    file,
    save() {
      if (saved || status === 'accepted') return false;
      saved = true;
      try {
        const data = script.createCachedData();
        const tmp = `${file}.${process.pid}.tmp`;
        fs.writeFileSync(tmp, data, { mode: 0o600 });
        fs.renameSync(tmp, file);
        // Caches of earlier builds of this bundle are dead weight now.
        const prefix = `${path.basename(bundle, '.js')}-`;
        for (const name of fs.readdirSync(dir)) {
          if (name.startsWith(prefix) && name.endsWith('.v8cache') && name !== path.basename(file)) fs.rmSync(path.join(dir, name), { force: true });
        }
        return true;
      } catch {
        return false;
      }
    },
  };
}

/** How the bundle asks its loader to write the cache, once its main job is done (see `markWarm`). */
const SAVE_HOOK = Symbol.for('schema-review.codeCache.save');

export function installSaveHook(load: CachedLoad): void {
  (globalThis as Record<symbol, unknown>)[SAVE_HOOK] = () => load.save();
}

/**
 * Called by the bundle when the code a user needs has run (the first review): the loader may now write the cache.
 * A no-op when the bundle was not loaded through `loadCached` (tests, sources).
 */
export function markWarm(): void {
  const save = (globalThis as Record<symbol, unknown>)[SAVE_HOOK];
  if (typeof save === 'function') save();
}
