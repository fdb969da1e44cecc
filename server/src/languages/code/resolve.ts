/**
 * Rough module resolution for workspace imports: relative specifiers and tsconfig `baseUrl`/`paths`
 * (`@/lib/prisma`), and the `@/` alias that Next.js, Vite and others set up without a tsconfig. Only
 * files of the unit count; packages are never resolved. Never throws.
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

/** Reads tsconfig.json files (JSON with comments) up the directory tree, cached per directory. */
export class TsconfigPaths {
  private readonly byDir = new Map<string, PathsConfig | undefined>();
  private readonly packageByDir = new Map<string, string | undefined>();

  constructor(private readonly reader: SourceReader) {}

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
  if (!config) return tsconfig && defaultAlias(fromFile, specifier, files, tsconfig);
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
  return tryFile(joinPath(config.base, specifier), files) ?? (matched ? undefined : defaultAlias(fromFile, specifier, files, tsconfig!));
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
