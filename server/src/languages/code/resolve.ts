/**
 * Rough module resolution for workspace imports: relative specifiers and tsconfig `baseUrl`/`paths`
 * (`@/lib/prisma`), the `@/` alias that Next.js, Vite and others set up without a tsconfig, and the packages of
 * the same monorepo (`@acme/database`: a folder of the workspace whose package.json has that name; see
 * workspacePackages). Only files of the unit count; node_modules is never read. Never throws.
 */
import * as ts from 'typescript';
import type { SourceReader } from '../types';

const EXTENSIONS = ['.ts', '.tsx', '.mts', '.cts', '.js', '.jsx', '.mjs', '.cjs'];

/** The files an import may resolve to: the unit's file set, or (for fixes) a test over the reader. */
export type FileSet = Pick<ReadonlySet<string>, 'has'>;

export function dirname(path: string): string {
  const i = path.lastIndexOf('/');
  return i <= 0 ? '/' : path.slice(0, i);
}

/** Joins and normalises `a/b/../c` (forward slashes, absolute). */
export function joinPath(base: string, rel: string): string {
  const parts = (rel.startsWith('/') ? rel : `${base}/${rel}`).split('/');
  const out: string[] = [];
  for (const p of parts) {
    if (p === '' || p === '.') continue;
    if (p === '..') out.pop();
    else out.push(p);
  }
  return '/' + out.join('/');
}

interface PathsConfig {
  /** Directory that `paths` targets are relative to. */
  base: string;
  paths: [pattern: string, targets: string[]][];
}

/** The packages of a workspace by name: package.json `name` → the package's folder. */
export type WorkspacePackages = Readonly<Record<string, string>>;

/**
 * The packages of the workspace, from the package.json files of its listing (outside node_modules): what an import
 * of `@acme/database` in another package of the monorepo names. A name two folders claim is left out (ambiguous).
 */
export function workspacePackages(files: readonly string[], reader: SourceReader): Record<string, string> {
  const out: Record<string, string> = {};
  const claimed = new Set<string>();
  for (const file of files) {
    if (!file.endsWith('/package.json') || file.includes('/node_modules/')) continue;
    const name = packageName(reader.read(file));
    if (name === undefined) continue;
    if (claimed.has(name)) delete out[name];
    else out[name] = dirname(file);
    claimed.add(name);
  }
  return out;
}

function packageName(text: string | undefined): string | undefined {
  const json = parseJson(text);
  const name = json && (json as { name?: unknown }).name;
  return typeof name === 'string' && name.length > 0 && !name.startsWith('.') ? name : undefined;
}

function parseJson(text: string | undefined): unknown {
  if (text === undefined || !text.includes('{')) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** The package name of a bare specifier and the path under it: `@acme/db/client` → `@acme/db`, `/client`. */
function splitPackageSpecifier(specifier: string): [name: string, subpath: string] | undefined {
  const parts = specifier.split('/');
  const count = specifier.startsWith('@') ? 2 : 1;
  if (parts.length < count || parts.slice(0, count).some((p) => !p)) return undefined;
  const name = parts.slice(0, count).join('/');
  return [name, specifier.slice(name.length)];
}

/** Every string target of a package.json `exports` value (conditions in their written order, nested ones too). */
function exportTargets(value: unknown, out: string[] = [], depth = 0): string[] {
  if (depth > 4) return out;
  if (typeof value === 'string') out.push(value);
  else if (Array.isArray(value)) for (const v of value) exportTargets(v, out, depth + 1);
  else if (value && typeof value === 'object') for (const v of Object.values(value)) exportTargets(v, out, depth + 1);
  return out;
}

/** The targets `exports` gives a subpath (`''` for the package itself, `/client`), wildcards (`./*`) filled in. */
function exportsFor(exports: unknown, subpath: string): string[] {
  if (exports === undefined || exports === null) return [];
  const isMap = typeof exports === 'object' && !Array.isArray(exports) && Object.keys(exports).some((k) => k.startsWith('.'));
  if (!isMap) return subpath === '' ? exportTargets(exports) : [];
  const map = exports as Record<string, unknown>;
  const key = `.${subpath}`;
  if (key in map) return exportTargets(map[key]);
  for (const [pattern, value] of Object.entries(map)) {
    const star = pattern.indexOf('*');
    if (star < 0) continue;
    const prefix = pattern.slice(0, star);
    const suffix = pattern.slice(star + 1);
    if (key.startsWith(prefix) && key.endsWith(suffix) && key.length >= prefix.length + suffix.length) {
      const captured = key.slice(prefix.length, key.length - suffix.length);
      return exportTargets(value).map((t) => t.replace('*', captured));
    }
  }
  return [];
}

/** Reads tsconfig.json files (JSON with comments) up the directory tree, cached per directory. */
export class TsconfigPaths {
  private readonly byDir = new Map<string, PathsConfig | undefined>();
  private readonly packageByDir = new Map<string, string | undefined>();
  private readonly manifests = new Map<string, Record<string, unknown> | undefined>();

  /** `packages`: the workspace's packages by name (workspacePackages), for imports of one package by another. */
  constructor(
    private readonly reader: SourceReader,
    private readonly packages?: WorkspacePackages,
  ) {}

  /**
   * The file a bare specifier names in a package of the workspace: its package.json `exports` for that subpath, or
   * (the package itself) its `types`/`typings`/`source`/`module`/`main`, else `src/index.*` / `index.*`; a subpath
   * without `exports` is looked for under `src/` then the folder. A TypeScript source found is preferred over
   * built JavaScript (`main: ./dist/index.js` beside `types: ./src/index.ts`).
   */
  packageFile(specifier: string, files: FileSet): string | undefined {
    if (!this.packages) return undefined;
    const split = splitPackageSpecifier(specifier);
    if (!split) return undefined;
    const [name, subpath] = split;
    if (!Object.prototype.hasOwnProperty.call(this.packages, name)) return undefined;
    const root = this.packages[name]!;
    let manifest = this.manifests.get(root);
    if (!this.manifests.has(root)) {
      const json = parseJson(this.reader.read(`${root}/package.json`));
      manifest = json && typeof json === 'object' ? (json as Record<string, unknown>) : undefined;
      this.manifests.set(root, manifest);
    }
    const candidates = exportsFor(manifest?.exports, subpath);
    if (subpath === '') {
      for (const field of ['types', 'typings', 'source', 'module', 'main']) {
        const v = manifest?.[field];
        if (typeof v === 'string') candidates.push(v);
      }
      candidates.push('src/index', 'index');
    } else if (manifest?.exports === undefined) {
      candidates.push(`src${subpath}`, subpath.slice(1));
    }
    let found: string | undefined;
    for (const c of candidates) {
      const file = tryFile(joinPath(root, c), files);
      if (!file) continue;
      if (/\.[cm]?tsx?$/.test(file)) return file;
      found ??= file;
    }
    return found;
  }

  /** The folder of the nearest package.json at or above `dir` (outside node_modules), cached per directory. */
  packageRoot(dir: string): string | undefined {
    if (this.packageByDir.has(dir)) return this.packageByDir.get(dir);
    let result: string | undefined;
    if (!dir.includes('/node_modules/') && !dir.endsWith('/node_modules')) {
      if (this.reader.read(`${dir}/package.json`) !== undefined) result = dir;
      else {
        const parent = dirname(dir);
        result = parent === dir ? undefined : this.packageRoot(parent);
      }
    }
    this.packageByDir.set(dir, result);
    return result;
  }

  /** The nearest tsconfig's path mapping for a file's directory. */
  forDir(dir: string): PathsConfig | undefined {
    if (this.byDir.has(dir)) return this.byDir.get(dir);
    let result = this.read(`${dir}/tsconfig.json`, 0) ?? this.read(`${dir}/jsconfig.json`, 0);
    if (!result) {
      const parent = dirname(dir);
      result = parent === dir ? undefined : this.forDir(parent);
    }
    this.byDir.set(dir, result);
    return result;
  }

  private read(path: string, depth: number): PathsConfig | undefined {
    if (depth > 3) return undefined;
    const text = this.reader.read(path);
    if (text === undefined) return undefined;
    let json: unknown;
    try {
      json = ts.parseConfigFileTextToJson(path, text).config;
    } catch {
      return undefined;
    }
    if (!json || typeof json !== 'object') return undefined;
    const config = json as { extends?: unknown; compilerOptions?: { baseUrl?: unknown; paths?: unknown } };
    const dir = dirname(path);
    let inherited: PathsConfig | undefined;
    if (typeof config.extends === 'string' && config.extends.startsWith('.')) {
      const target = joinPath(dir, config.extends);
      inherited = this.read(target.endsWith('.json') ? target : `${target}.json`, depth + 1);
    }
    const options = config.compilerOptions ?? {};
    const base = typeof options.baseUrl === 'string' ? joinPath(dir, options.baseUrl) : inherited?.base ?? dir;
    const paths: [string, string[]][] = [];
    if (options.paths && typeof options.paths === 'object') {
      for (const [pattern, targets] of Object.entries(options.paths as Record<string, unknown>)) {
        if (Array.isArray(targets)) paths.push([pattern, targets.filter((t): t is string => typeof t === 'string')]);
      }
    } else if (inherited) {
      paths.push(...inherited.paths);
    }
    return { base, paths };
  }
}

/** Resolves an import specifier to a file of `files`, or undefined (packages, unknown files). */
export function resolveImport(
  fromFile: string,
  specifier: string,
  files: FileSet,
  tsconfig: TsconfigPaths | undefined,
): string | undefined {
  if (specifier.startsWith('.') || specifier.startsWith('/')) {
    return tryFile(joinPath(dirname(fromFile), specifier), files);
  }
  const config = tsconfig?.forDir(dirname(fromFile));
  if (!config) return tsconfig && (defaultAlias(fromFile, specifier, files, tsconfig) ?? tsconfig.packageFile(specifier, files));
  let matched = false;
  for (const [pattern, targets] of config.paths) {
    const star = pattern.indexOf('*');
    let captured: string | undefined;
    if (star < 0) {
      if (pattern === specifier) captured = '';
    } else {
      const prefix = pattern.slice(0, star);
      const suffix = pattern.slice(star + 1);
      if (specifier.startsWith(prefix) && specifier.endsWith(suffix) && specifier.length >= prefix.length + suffix.length) {
        captured = specifier.slice(prefix.length, specifier.length - suffix.length);
      }
    }
    if (captured === undefined) continue;
    matched = true;
    for (const target of targets) {
      const found = tryFile(joinPath(config.base, target.replace('*', captured)), files);
      if (found) return found;
    }
  }
  // baseUrl-relative bare specifiers (`lib/prisma`)
  if (matched) return tryFile(joinPath(config.base, specifier), files);
  // A package of the same monorepo (`@acme/database`) comes after the tsconfig's mapping, as node_modules would.
  return tryFile(joinPath(config.base, specifier), files) ?? defaultAlias(fromFile, specifier, files, tsconfig!) ?? tsconfig!.packageFile(specifier, files);
}

/**
 * `@/x` when no tsconfig/jsconfig `paths` pattern answers: the alias Next.js, Vite (and others) commonly
 * set up, `<root>/src/x` when that file exists, else `<root>/x`, where root is the folder of the nearest
 * package.json. Only the `@/` prefix: `@scope/pkg` is a package.
 */
function defaultAlias(fromFile: string, specifier: string, files: FileSet, tsconfig: TsconfigPaths): string | undefined {
  if (!specifier.startsWith('@/') || specifier.length <= 2) return undefined;
  const root = tsconfig.packageRoot(dirname(fromFile));
  if (!root) return undefined;
  const rest = specifier.slice(2);
  return tryFile(joinPath(root, `src/${rest}`), files) ?? tryFile(joinPath(root, rest), files);
}

function tryFile(path: string, files: FileSet): string | undefined {
  if (files.has(path)) return path;
  // ESM TypeScript writes `./db.js` for `./db.ts`.
  const jsExt = /\.(m|c)?jsx?$/.exec(path);
  if (jsExt) {
    const stem = path.slice(0, jsExt.index);
    for (const ext of jsExt[1] === 'm' ? ['.mts', '.ts'] : jsExt[1] === 'c' ? ['.cts', '.ts'] : ['.ts', '.tsx']) {
      if (files.has(stem + ext)) return stem + ext;
    }
  }
  for (const ext of EXTENSIONS) if (files.has(path + ext)) return path + ext;
  for (const ext of EXTENSIONS) if (files.has(`${path}/index${ext}`)) return `${path}/index${ext}`;
  return undefined;
}

/** `resolveImport` over one file set, remembering each (directory, specifier) answer: files of a folder share their imports. */
export function importResolver(files: FileSet, tsconfig: TsconfigPaths | undefined): (fromFile: string, specifier: string) => string | undefined {
  const memo = new Map<string, string | undefined>();
  return (fromFile, specifier) => {
    const key = `${dirname(fromFile)}\0${specifier}`;
    if (memo.has(key)) return memo.get(key);
    const result = resolveImport(fromFile, specifier, files, tsconfig);
    memo.set(key, result);
    return result;
  };
}
