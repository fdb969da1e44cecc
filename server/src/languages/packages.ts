/**
 * What the front-ends read of a project's npm packages (syntax only: a package.json or lockfile is never executed).
 *
 * The version of a dependency, in this order (`dependencyVersion`):
 * 1. the package installed for the folder (`node_modules/<name>/package.json`, from the folder up, as Node resolves it):
 *    what runs;
 * 2. the nearest lockfile from the folder up that lists it (package-lock.json / npm-shrinkwrap.json v1–v3,
 *    pnpm-lock.yaml v5–v9, yarn.lock v1 and berry, bun.lock): what the next install puts there (a fresh clone, CI
 *    before `npm ci`, a monorepo installed elsewhere);
 * 3. the range of package.json when it pins the minor (`6.1.0`, `~6.1.0`, `^0.39.1`).
 * Lockfiles above 50 MB are not read (said once in the log, `setPackagesLog`); a broken one gives no version.
 */
import * as fs from 'node:fs';
import * as ts from 'typescript';
import type { SourceReader } from './types';

export type Version = [major: number, minor: number];

/** The `major.minor` of an installed package, from its `package.json` text (`node_modules/<name>/package.json`). */
export function installedVersion(text: string | undefined): Version | undefined {
  if (text === undefined) return undefined;
  const version = topLevelString(text, 'version');
  const m = version !== undefined ? /^(\d+)\.(\d+)\./.exec(version) : null;
  return m ? [Number(m[1]), Number(m[2])] : undefined;
}

/**
 * The string value of the first top-level `key` of a JSON object text, reading no further than that entry: the
 * entries before it are skipped without being built. An installed package.json can be big (drizzle-orm's is 180 KB
 * of `exports`, a millisecond of JSON.parse per review) while its version comes second. What follows the entry is
 * not checked: npm validated the file when it installed it. Undefined when the text is not a JSON object, the key
 * is missing, or its value is not a string.
 */
export function topLevelString(text: string, key: string): string | undefined {
  let i = skipSpace(text, 0);
  if (text.charCodeAt(i) !== 0x7b /* { */) return undefined;
  i = skipSpace(text, i + 1);
  if (text.charCodeAt(i) === 0x7d /* } */) return undefined;
  for (;;) {
    const keyEnd = stringEnd(text, i);
    if (keyEnd < 0) return undefined;
    const name = text.slice(i, keyEnd);
    i = skipSpace(text, keyEnd);
    if (text.charCodeAt(i) !== 0x3a /* : */) return undefined;
    i = skipSpace(text, i + 1);
    const valueEnd = valueEndAt(text, i);
    if (valueEnd < 0) return undefined;
    if (jsonString(name) === key) {
      const value = text.charCodeAt(i) === 0x22 ? jsonString(text.slice(i, valueEnd)) : undefined;
      return value;
    }
    i = skipSpace(text, valueEnd);
    if (text.charCodeAt(i) !== 0x2c /* , */) return undefined;
    i = skipSpace(text, i + 1);
  }
}

function skipSpace(text: string, i: number): number {
  for (;;) {
    const c = text.charCodeAt(i);
    if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) i++;
    else return i;
  }
}

/** The end (after the closing quote) of the JSON string starting at `i`, or -1. */
function stringEnd(text: string, i: number): number {
  if (text.charCodeAt(i) !== 0x22) return -1;
  for (let j = i + 1; ; ) {
    const q = text.indexOf('"', j);
    if (q < 0) return -1;
    // An odd run of backslashes before the quote escapes it.
    let b = q - 1;
    while (text.charCodeAt(b) === 0x5c) b--;
    if ((q - 1 - b) % 2 === 0) return q + 1;
    j = q + 1;
  }
}

/** The end of the JSON value starting at `i` (a string, an object or array with what nests in it, a literal), or -1. */
function valueEndAt(text: string, i: number): number {
  const c = text.charCodeAt(i);
  if (c === 0x22) return stringEnd(text, i);
  if (c === 0x7b || c === 0x5b) {
    // Brackets nest; strings inside may hold any bracket.
    const closers: number[] = [];
    for (let j = i; j < text.length; ) {
      const d = text.charCodeAt(j);
      if (d === 0x22) {
        j = stringEnd(text, j);
        if (j < 0) return -1;
        continue;
      }
      if (d === 0x7b) closers.push(0x7d);
      else if (d === 0x5b) closers.push(0x5d);
      else if (d === 0x7d || d === 0x5d) {
        if (closers.pop() !== d) return -1;
        if (closers.length === 0) return j + 1;
      }
      j++;
    }
    return -1;
  }
  // A number, true, false or null: up to the next delimiter.
  let j = i;
  for (;;) {
    const d = text.charCodeAt(j);
    if (Number.isNaN(d) || d === 0x2c || d === 0x7d || d === 0x5d || d === 0x20 || d === 0x0a || d === 0x0d || d === 0x09) break;
    j++;
  }
  return j > i ? j : -1;
}

/** A JSON string literal's value (escapes resolved), or undefined when it is not one. */
function jsonString(literal: string): string | undefined {
  if (!literal.includes('\\')) return literal.slice(1, -1);
  try {
    const value: unknown = JSON.parse(literal);
    return typeof value === 'string' ? value : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The one `major.minor` a dependency's version or range allows: `6.1.0`, `=6.1.0`, `~6.1.0`, `~6.1`, `6.1.x`, `6.1`,
 * `v6.1.3`, `npm:prisma@6.1.0`, and `^0.39.1` (a caret below 1.0 keeps the minor). Undefined for ranges that allow
 * newer minors (`^6.1.0`, `>=6.1.0`, `6.x`, `~6`), unions, tags and workspace links.
 */
export function pinnedMinor(range: unknown): Version | undefined {
  if (typeof range !== 'string') return undefined;
  let v = range.trim().replace(/^npm:(?:@[^/@]+\/)?[^@]*@/, '');
  const caret = v.startsWith('^');
  if (caret || v.startsWith('~') || v.startsWith('=')) v = v.slice(1).trim();
  if (v.startsWith('v')) v = v.slice(1);
  const m = /^(\d+)\.(\d+)(?:\.(?:\d+(?:-[0-9A-Za-z.-]+)?|x|\*))?$/.exec(v);
  if (!m) return undefined;
  const major = Number(m[1]);
  // `^1.2.3` allows any 1.x; `^0.39.1` only 0.39.x.
  return caret && major !== 0 ? undefined : [major, Number(m[2])];
}

/**
 * The `major.minor` of a version a lockfile resolved: `6.1.0`, `6.1.0-dev.3`, pnpm's `6.1.0(typescript@5.7.2)` and
 * `4.8.0_prisma@4.8.0`, berry's `npm:6.1.0`. Undefined for links, paths, git and tarball URLs.
 */
export function lockedVersionOf(version: unknown): Version | undefined {
  if (typeof version !== 'string') return undefined;
  const m = /^(?:npm:)?v?(\d+)\.(\d+)\.\d+/.exec(version.trim());
  return m ? [Number(m[1]), Number(m[2])] : undefined;
}

/** The packages whose lockfile entries are kept (the rest of a lockfile is skimmed, not stored). */
export const TRACKED_PACKAGES: readonly string[] = ['prisma', '@prisma/client', 'drizzle-orm'];
const tracked = new Set(TRACKED_PACKAGES);

/** Lockfile names, nearest first at one folder. */
export const LOCKFILE_NAMES: readonly string[] = ['package-lock.json', 'npm-shrinkwrap.json', 'pnpm-lock.yaml', 'yarn.lock', 'bun.lock'];

export function isLockfile(path: string): boolean {
  return LOCKFILE_NAMES.includes(path.slice(path.lastIndexOf('/') + 1));
}

/** Lockfiles larger than this are not read. */
export const LOCKFILE_MAX_BYTES = 50 * 1024 * 1024;
/** The readers' limit for one file (`DEFAULT_MAX_FILE_BYTES`): a larger lockfile on disk is read here directly. */
const READER_MAX_BYTES = 4 * 1024 * 1024;

/** What a lockfile says of the tracked packages. */
export interface LockIndex {
  kind: 'npm' | 'pnpm' | 'yarn' | 'bun';
  /** npm v2/v3: install path (`node_modules/prisma`, `packages/db/node_modules/prisma`) → version. */
  installPaths: Map<string, string>;
  /** pnpm importers, npm v1 and bun workspaces: importer folder (`` for the lockfile's own) → name → version. */
  importers: Map<string, Map<string, string>>;
  /** Every resolved version of a name (pnpm `packages`, yarn entries, bun `packages`), with the ranges it resolves (yarn). */
  resolved: Map<string, { version: string; ranges: string[] }[]>;
  /**
   * The package folders the lockfile installs (`` for its own), when it says: a package folder it does not list is
   * another project's (a project nested in a bigger repository), which this lockfile does not govern.
   */
  workspaces?: Set<string>;
}

function emptyIndex(kind: LockIndex['kind']): LockIndex {
  return { kind, installPaths: new Map(), importers: new Map(), resolved: new Map() };
}

function addImporter(index: LockIndex, importer: string, name: string, version: string): void {
  const dir = importer === '.' ? '' : importer.replace(/^\.\//, '').replace(/\/$/, '');
  let deps = index.importers.get(dir);
  if (!deps) index.importers.set(dir, (deps = new Map()));
  if (!deps.has(name)) deps.set(name, version);
}

function addResolved(index: LockIndex, name: string, version: string, ranges: string[] = []): void {
  let list = index.resolved.get(name);
  if (!list) index.resolved.set(name, (list = []));
  list.push({ version, ranges });
}

/** Reads a lockfile's text (its file name says which kind); undefined when it is none of them or unreadable. Never throws. */
export function parseLockfile(fileName: string, text: string): LockIndex | undefined {
  const base = fileName.slice(fileName.lastIndexOf('/') + 1);
  try {
    if (base === 'package-lock.json' || base === 'npm-shrinkwrap.json') return parseNpmLock(text);
    if (base === 'pnpm-lock.yaml') return parsePnpmLock(text);
    if (base === 'yarn.lock') return parseYarnLock(text);
    if (base === 'bun.lock') return parseBunLock(text);
  } catch {
    return undefined;
  }
  return undefined;
}

function record(value: unknown): Record<string, unknown> | undefined {
  return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

function parseNpmLock(text: string): LockIndex | undefined {
  const lock = record(JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text));
  if (!lock) return undefined;
  const index = emptyIndex('npm');
  // v2/v3: every installed package by its path.
  const packages = record(lock.packages);
  if (packages) {
    index.workspaces = new Set();
    for (const [key, value] of Object.entries(packages)) {
      if (!key.startsWith('node_modules/') && !key.includes('/node_modules/')) index.workspaces.add(key);
      const at = key.lastIndexOf('node_modules/');
      if (at < 0 || !tracked.has(key.slice(at + 'node_modules/'.length))) continue;
      const version = record(value)?.version;
      if (typeof version === 'string') index.installPaths.set(key, version);
    }
  }
  // v1 (and v2's copy for old npm): the top-level dependencies.
  const deps = record(lock.dependencies);
  if (deps) {
    for (const name of TRACKED_PACKAGES) {
      const version = record(deps[name])?.version;
      if (typeof version === 'string') addImporter(index, '', name, version);
    }
  }
  return index;
}

/** A pnpm `packages` key: `/prisma@6.1.0`, `prisma@6.1.0`, `/@prisma/client@6.1.0(prisma@6.1.0)`, v5's `/prisma/4.8.0`. */
function pnpmPackageKey(key: string): { name: string; version: string } | undefined {
  const m = /^\/?((?:@[^/@]+\/)?[^/@(]+)[@/](\d+\.\d+\.\d+[^(_]*)/.exec(key);
  return m ? { name: m[1], version: m[2] } : undefined;
}

const DEPENDENCY_KINDS = new Set(['dependencies', 'devDependencies', 'optionalDependencies']);

/** A YAML key or scalar as pnpm writes them: plain, 'single' or "double" quoted. */
function yamlScalar(raw: string): string {
  const s = raw.trim();
  if (s.length >= 2 && s.startsWith("'") && s.endsWith("'")) return s.slice(1, -1).replace(/''/g, "'");
  if (s.length >= 2 && s.startsWith('"') && s.endsWith('"')) {
    try {
      return JSON.parse(s) as string;
    } catch {
      return s.slice(1, -1);
    }
  }
  // A trailing comment.
  const hash = s.search(/\s#/);
  return hash >= 0 ? s.slice(0, hash).trim() : s;
}

/** Splits `key: value` / `key:` at the mapping colon (outside quotes); undefined for lines that are no mapping entry. */
function yamlEntry(line: string): { key: string; value: string } | undefined {
  let i = 0;
  if (line[0] === "'" || line[0] === '"') {
    const q = line[0];
    i = 1;
    while (i < line.length) {
      if (line[i] === q) {
        if (q === "'" && line[i + 1] === "'") i += 2;
        else break;
      } else if (q === '"' && line[i] === '\\') i += 2;
      else i++;
    }
    if (i >= line.length) return undefined;
    i++;
    if (line[i] !== ':') return undefined;
  } else {
    for (;;) {
      i = line.indexOf(':', i);
      if (i < 0) return undefined;
      if (i + 1 === line.length || line[i + 1] === ' ') break;
      i++;
    }
  }
  return { key: yamlScalar(line.slice(0, i)), value: line.slice(i + 1).trim() };
}

/**
 * pnpm-lock.yaml, read as the block mappings pnpm writes (no YAML library ships with the server): each line's
 * indentation gives its path of keys; only `importers` (or the root's dependencies before workspaces) and the keys
 * of `packages` are kept.
 */
function parsePnpmLock(text: string): LockIndex | undefined {
  const index = emptyIndex('pnpm');
  const stack: { indent: number; key: string }[] = [];
  let sawVersion = false;
  let start = 0;
  while (start < text.length) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    const lineStart = start;
    start = end + 1;
    let indent = 0;
    while (lineStart + indent < end && text.charCodeAt(lineStart + indent) === 32) indent++;
    // Nothing kept is deeper than `importers.<dir>.<kind>.<name>.version` (8 spaces), nor below a package's key.
    if (indent > 8 || (indent > 2 && stack.length && (stack[0].key === 'packages' || stack[0].key === 'snapshots'))) continue;
    const raw = text.slice(lineStart, text.charCodeAt(end - 1) === 13 ? end - 1 : end);
    if (raw.startsWith('---')) {
      stack.length = 0;
      continue;
    }
    const body = raw.slice(indent);
    if (body === '' || body.startsWith('#') || body.startsWith('- ')) continue;
    const entry = yamlEntry(body);
    if (!entry) continue;
    while (stack.length && stack[stack.length - 1].indent >= indent) stack.pop();
    const path = stack.map((s) => s.key);
    const value = entry.value === '' || entry.value.startsWith('#') ? undefined : yamlScalar(entry.value);
    if (path.length === 0 && entry.key === 'lockfileVersion') sawVersion = true;
    if (entry.value === '' || entry.value.startsWith('#')) stack.push({ indent, key: entry.key });
    else if (entry.value === '|' || entry.value === '>') stack.push({ indent, key: entry.key });
    const top = path[0];
    if (top === 'importers' && path.length === 1) (index.workspaces ??= new Set()).add(entry.key === '.' ? '' : entry.key.replace(/^\.\//, '').replace(/\/$/, ''));
    if (top === 'importers' && path.length >= 3 && DEPENDENCY_KINDS.has(path[2])) {
      // v6+: importers.<dir>.<kind>.<name>.version; v5: importers.<dir>.<kind>.<name>: <version>.
      if (path.length === 3 && value !== undefined && tracked.has(entry.key)) addImporter(index, path[1], entry.key, value);
      if (path.length === 4 && entry.key === 'version' && value !== undefined && tracked.has(path[3])) addImporter(index, path[1], path[3], value);
    } else if (top !== undefined && DEPENDENCY_KINDS.has(top)) {
      // A lockfile without workspaces (v5, v6): the root's own dependencies at the top level.
      if (path.length === 1 && value !== undefined && tracked.has(entry.key)) addImporter(index, '', entry.key, value);
      if (path.length === 2 && entry.key === 'version' && value !== undefined && tracked.has(path[1])) addImporter(index, '', path[1], value);
    } else if (top === 'packages' && path.length === 1) {
      const found = pnpmPackageKey(entry.key);
      if (found && tracked.has(found.name)) addResolved(index, found.name, found.version);
    }
  }
  return sawVersion ? index : undefined;
}

/** A yarn descriptor: `prisma@^6.1.0`, `"@prisma/client@npm:^6.1.0"` → name and range (without berry's `npm:`). */
function yarnDescriptor(descriptor: string): { name: string; range: string } | undefined {
  const d = yamlScalar(descriptor);
  const at = d.indexOf('@', 1);
  if (at < 0) return undefined;
  return { name: d.slice(0, at), range: d.slice(at + 1).replace(/^npm:/, '') };
}

/** yarn.lock, v1 (`version "6.1.0"`) and berry (`version: 6.1.0`): entries whose descriptors name a tracked package. */
function parseYarnLock(text: string): LockIndex | undefined {
  const index = emptyIndex('yarn');
  let current: { name: string; ranges: string[] } | undefined;
  let start = 0;
  while (start < text.length) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    const line = text.slice(start, end).replace(/\r$/, '');
    start = end + 1;
    if (line === '' || line.startsWith('#')) continue;
    if (!line.startsWith(' ')) {
      current = undefined;
      if (!line.endsWith(':')) continue;
      // `a@^1, a@^1.2:` / `"a@npm:^1, a@npm:^1.2":` (berry quotes the whole list).
      const header = line.slice(0, -1);
      const list = header.startsWith('"') && header.endsWith('"') && !header.includes('", "') ? header.slice(1, -1) : header;
      const parsed = list.split(/,\s*/).map(yarnDescriptor);
      const first = parsed[0];
      // Berry lists the workspaces: `"db@workspace:packages/db":`.
      for (const p of parsed) if (p?.range.startsWith('workspace:')) (index.workspaces ??= new Set()).add(p.range.slice('workspace:'.length).replace(/^\.\/?/, '').replace(/\/$/, ''));
      if (first && tracked.has(first.name)) current = { name: first.name, ranges: parsed.filter((p) => p?.name === first.name).map((p) => p!.range) };
      continue;
    }
    if (!current || !/^ {2}\S/.test(line)) continue;
    const m = /^ {2}version:? +(.+)$/.exec(line);
    if (m) {
      addResolved(index, current.name, yamlScalar(m[1]), current.ranges);
      current = undefined;
    }
  }
  return index;
}

/** bun.lock: JSON with comments and trailing commas, read with TypeScript's JSON parser. */
function parseBunLock(text: string): LockIndex | undefined {
  const { config, error } = ts.parseConfigFileTextToJson('bun.lock', text);
  const lock = record(config);
  if (error || !lock) return undefined;
  const index = emptyIndex('bun');
  const workspaces = record(lock.workspaces);
  if (workspaces) index.workspaces = new Set(Object.keys(workspaces).map((k) => k.replace(/^\.\/?/, '').replace(/\/$/, '')));
  const packages = record(lock.packages);
  for (const [key, value] of Object.entries(packages ?? {})) {
    const name = TRACKED_PACKAGES.find((n) => key === n || key.endsWith(`/${n}`));
    if (!name || !Array.isArray(value) || typeof value[0] !== 'string') continue;
    const spec = value[0] as string;
    const at = spec.lastIndexOf('@');
    if (at <= 0 || spec.slice(0, at) !== name) continue;
    if (key === name) addImporter(index, '', name, spec.slice(at + 1));
    addResolved(index, name, spec.slice(at + 1));
  }
  return index;
}

/** Whether all the versions agree on one `major.minor`, and which. */
function oneMinor(versions: readonly string[]): Version | undefined {
  let found: Version | undefined;
  for (const v of versions) {
    const parsed = lockedVersionOf(v);
    if (!parsed) return undefined;
    if (found && (found[0] !== parsed[0] || found[1] !== parsed[1])) return undefined;
    found = parsed;
  }
  return found;
}

/**
 * The version of `name` a lockfile resolved for the package in folder `relDir` (relative to the lockfile's folder,
 * `` for its own); `range` is what that package.json asks for (yarn's entries are keyed by it).
 */
export function lockedVersionIn(index: LockIndex, relDir: string, name: string, range?: string): Version | undefined {
  if (index.workspaces && !index.workspaces.has(relDir)) return undefined;
  if (index.kind === 'npm') {
    // As Node resolves it: the folder's own node_modules, then each parent's.
    let dir = relDir;
    for (;;) {
      const v = index.installPaths.get(dir === '' ? `node_modules/${name}` : `${dir}/node_modules/${name}`);
      if (v !== undefined) return lockedVersionOf(v);
      if (dir === '') break;
      dir = dir.includes('/') ? dir.slice(0, dir.lastIndexOf('/')) : '';
    }
    return lockedVersionOf(index.importers.get('')?.get(name));
  }
  const own = index.importers.get(relDir)?.get(name);
  if (own !== undefined) return lockedVersionOf(own);
  const resolved = index.resolved.get(name) ?? [];
  if (index.kind === 'yarn' && range !== undefined) {
    const r = range.trim().replace(/^npm:/, '');
    const entry = resolved.find((e) => e.ranges.includes(r));
    if (entry) return lockedVersionOf(entry.version);
  }
  if (index.kind === 'bun' && relDir === '' && index.importers.get('')?.has(name)) return lockedVersionOf(index.importers.get('')?.get(name));
  // One version of the package in the whole lockfile: that one (an importer not listed, a yarn range written differently).
  return resolved.length ? oneMinor(resolved.map((e) => e.version)) : undefined;
}

// ------------------------------------------------------------------ reading from a project

let log: ((message: string) => void) | undefined;

/** Where notes about lockfiles go (one too large to read): the server's log. */
export function setPackagesLog(sink: ((message: string) => void) | undefined): void {
  log = sink;
}

/** Parsed lockfiles by path: the text (or, for one read here from disk, its size and mtime) they were parsed from. */
const lockCache = new Map<string, { text?: string; stamp?: string; index: LockIndex | undefined }>();
const LOCK_CACHE_MAX = 32;

function remember(path: string, entry: { text?: string; stamp?: string; index: LockIndex | undefined }): LockIndex | undefined {
  lockCache.delete(path);
  lockCache.set(path, entry);
  if (lockCache.size > LOCK_CACHE_MAX) lockCache.delete(lockCache.keys().next().value!);
  return entry.index;
}

/** The parsed lockfile at `path`, or undefined when there is none (or it is unreadable, too large, broken). Never throws. */
export function readLockfile(reader: SourceReader, path: string): LockIndex | undefined {
  try {
    let st: fs.Stats | undefined;
    try {
      st = fs.statSync(path, { throwIfNoEntry: false });
    } catch {
      st = undefined;
    }
    if (st?.isFile() && st.size > READER_MAX_BYTES) {
      // Over the readers' limit for a source file, which a lockfile often is: read here, once per version of it.
      const stamp = `${st.size}:${st.mtimeMs}`;
      const cached = lockCache.get(path);
      if (cached?.stamp === stamp) return cached.index;
      if (st.size > LOCKFILE_MAX_BYTES) {
        log?.(`${path} is ${Math.round(st.size / 1048576)} MB, over the ${LOCKFILE_MAX_BYTES / 1048576} MB limit for a lockfile: package versions are not read from it`);
        return remember(path, { stamp, index: undefined });
      }
      let text: string | undefined;
      try {
        text = fs.readFileSync(path, 'utf8');
      } catch {
        text = undefined;
      }
      return remember(path, { stamp, index: text === undefined ? undefined : parseLockfile(path, text) });
    }
    const text = reader.read(path);
    if (text === undefined) return undefined;
    const cached = lockCache.get(path);
    if (cached?.text === text) return cached.index;
    if (text.length > LOCKFILE_MAX_BYTES) return undefined;
    return remember(path, { text, index: parseLockfile(path, text) });
  } catch {
    return undefined;
  }
}

/** A file's text, or undefined when the reader has none or throws (a reader of the disk may). */
export function safeRead(reader: SourceReader, path: string): string | undefined {
  try {
    return reader.read(path);
  } catch {
    return undefined;
  }
}

function parentOf(dir: string): string | undefined {
  if (dir === '' || dir === '/') return undefined;
  const i = dir.lastIndexOf('/');
  return i <= 0 ? (dir.startsWith('/') ? '/' : '') : dir.slice(0, i);
}

function join(dir: string, rel: string): string {
  // `` is the root too (the drizzle front-end's walk ends there).
  return dir === '/' || dir === '' ? `/${rel}` : `${dir}/${rel}`;
}

/**
 * The version of `name` installed for the package in folder `dir` (absolute, `/`-separated): from `dir` up, as Node
 * resolves. One installed in a folder above (a monorepo's hoisted install) counts only when it fits `range`, what
 * the package's package.json asks for: the minor it pins, else the major it names. Otherwise the package's own
 * install is missing (a hoisted install of another version is not what it gets once installed).
 */
export function installedFrom(reader: SourceReader, dir: string, name: string, range?: unknown): Version | undefined {
  const pinned = pinnedMinor(range);
  const major = typeof range === 'string' ? /^\s*(?:npm:[^@]*@)?[\^~>=v\s]*(\d+)/.exec(range)?.[1] : undefined;
  let d: string | undefined = dir;
  for (let depth = 0; d !== undefined && depth < 64; depth++) {
    const found = installedVersion(safeRead(reader, join(d, `node_modules/${name}/package.json`)));
    if (found) {
      if (d === dir) return found;
      if (pinned) return pinned[0] === found[0] && pinned[1] === found[1] ? found : undefined;
      return major === undefined || Number(major) === found[0] ? found : undefined;
    }
    d = parentOf(d);
  }
  return undefined;
}

/** The version of `name` the nearest lockfile from `dir` up resolved for the package in `dir`; `range` is its package.json's. */
export function lockedFrom(reader: SourceReader, dir: string, name: string, range?: string): Version | undefined {
  let d: string | undefined = dir;
  for (let depth = 0; d !== undefined && depth < 64; depth++) {
    const rel = d === dir ? '' : dir.slice(d === '/' ? 1 : d.length + 1);
    for (const lockName of LOCKFILE_NAMES) {
      const index = readLockfile(reader, join(d, lockName));
      const found = index && lockedVersionIn(index, rel, name, range);
      if (found) return found;
    }
    d = parentOf(d);
  }
  return undefined;
}

/**
 * The version of `name` for the package whose package.json is in `dir` and asks for `range`: installed, else
 * locked, else pinned by the range (see the module comment). `major`, when given, must match: a package installed or
 * locked from another major than package.json asks for is stale (not reinstalled yet) and not trusted.
 */
export function dependencyVersion(reader: SourceReader, dir: string, name: string, range: unknown, major?: number): Version | undefined {
  const fits = (v: Version | undefined) => v !== undefined && (major === undefined || v[0] === major);
  const installed = installedFrom(reader, dir, name, range);
  if (fits(installed)) return installed;
  const locked = lockedFrom(reader, dir, name, typeof range === 'string' ? range : undefined);
  if (fits(locked)) return locked;
  const pinned = pinnedMinor(range);
  return fits(pinned) ? pinned : undefined;
}

/**
 * The folder whose package versions a changed file may change, or undefined: a lockfile's folder, the project folder
 * of `<dir>/node_modules/<tracked package>/package.json` (`npm install` upgraded it), a project's own package.json.
 * Another package's package.json under node_modules changes nothing here.
 */
export function versionSourceDir(file: string): string | undefined {
  const slash = file.lastIndexOf('/');
  const dir = slash > 0 ? file.slice(0, slash) : '/';
  const base = file.slice(slash + 1);
  if (LOCKFILE_NAMES.includes(base)) return dir;
  if (base !== 'package.json') return undefined;
  const nm = dir.lastIndexOf('/node_modules/');
  if (nm < 0) return dir.split('/').includes('node_modules') ? undefined : dir;
  return tracked.has(dir.slice(nm + '/node_modules/'.length)) ? dir.slice(0, nm) || '/' : undefined;
}
