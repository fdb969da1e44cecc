/**
 * Finds Drizzle schema sets: the files named by a `drizzle.config.*` `schema:` entry (read with the
 * TypeScript parser, never run), otherwise every schema file under the same nearest package root.
 * `hints.migrationsDir`: the config's `out` (drizzle-kit's output folder, `./drizzle` by default), where teams add
 * hand-written migrations (`drizzle-kit generate --custom`).
 */
import type * as ts from 'typescript';
import type { Dialect } from '../../../../rules/model';
import type { SourceReader, Unit } from '../types';
import { T, parseCached, propertyName, stringValue, unwrapExpression } from './ast';
import { dirname, normalizePath, prepareTables, resolveModule } from './analyze';
import { scanFile, type FileScan } from './scan';
import { TsconfigPaths, resolveImport } from '../code/resolve';

export const DRIZZLE_EXTENSIONS = ['.ts', '.tsx', '.mts', '.cts', '.js', '.jsx', '.mjs', '.cjs'];

const CONFIG_NAMES = new Set(
  ['ts', 'js', 'mjs', 'cjs', 'mts', 'cts', 'json'].map((ext) => `drizzle.config.${ext}`),
);

const DIALECTS: Record<string, Dialect> = {
  postgresql: 'postgresql',
  postgres: 'postgresql',
  pg: 'postgresql',
  mysql: 'mysql',
  mysql2: 'mysql',
  singlestore: 'mysql',
  sqlite: 'sqlite',
  turso: 'sqlite',
  'better-sqlite': 'sqlite',
  libsql: 'sqlite',
  d1: 'sqlite',
  'd1-http': 'sqlite',
  expo: 'sqlite',
};

export interface DrizzleConfig {
  file: string;
  /** Schema entries as written, resolved against the config's folder. */
  schema: string[];
  dialect?: Dialect;
  /** `casing`: how drizzle-kit names the columns that give no SQL name of their own. */
  casing?: 'snake_case' | 'camelCase';
  /** `out`, resolved as the schema entries are: the folder drizzle-kit writes the migrations to. */
  out?: string;
}

function basename(p: string): string {
  return p.slice(p.lastIndexOf('/') + 1);
}

function isCandidate(file: string): boolean {
  if (file.includes('/node_modules/') || file.endsWith('.d.ts')) return false;
  return DRIZZLE_EXTENSIONS.some((ext) => file.endsWith(ext));
}

/** Reads `schema`, `out` and `dialect` (or the old `driver`) from a drizzle config, by syntax only. */
export function readDrizzleConfig(file: string, text: string): DrizzleConfig {
  const config: DrizzleConfig = { file, schema: [] };
  const base = dirname(file);
  const absolute = (value: string) => (value.startsWith('/') ? normalizePath(value) : normalizePath(base + '/' + value));
  const addSchema = (value: string) => config.schema.push(absolute(value));
  if (file.endsWith('.json')) {
    try {
      const json = JSON.parse(text) as { schema?: unknown; dialect?: unknown; driver?: unknown; casing?: unknown; out?: unknown };
      const schemas = Array.isArray(json.schema) ? json.schema : [json.schema];
      for (const s of schemas) if (typeof s === 'string') addSchema(s);
      const d = typeof json.dialect === 'string' ? json.dialect : typeof json.driver === 'string' ? json.driver : undefined;
      if (d) config.dialect = DIALECTS[d];
      if (json.casing === 'snake_case' || json.casing === 'camelCase') config.casing = json.casing;
      if (typeof json.out === 'string') config.out = absolute(json.out);
    } catch {
      // A bad JSON config names no schema; the package-root fallback applies.
    }
    return config;
  }
  const sf = parseCached(file, text);
  let found: ts.ObjectLiteralExpression | undefined;
  const visit = (node: ts.Node) => {
    if (found) return;
    if (T.isObjectLiteralExpression(node)) {
      const keys = node.properties.map((p) => propertyName(p.name as ts.PropertyName));
      if (keys.includes('schema') || keys.includes('dialect')) {
        found = node;
        return;
      }
    }
    T.forEachChild(node, visit);
  };
  visit(sf);
  if (!found) return config;
  for (const p of found.properties) {
    if (!T.isPropertyAssignment(p)) continue;
    const key = propertyName(p.name);
    const value = unwrapExpression(p.initializer);
    if (key === 'schema') {
      const items = T.isArrayLiteralExpression(value) ? value.elements : [value];
      for (const item of items) {
        const s = stringValue(item);
        if (s !== undefined) addSchema(s);
      }
    } else if (key === 'out') {
      const out = stringValue(value);
      if (out !== undefined) config.out = absolute(out);
    } else if (key === 'casing') {
      const c = stringValue(value);
      if (c === 'snake_case' || c === 'camelCase') config.casing = c;
    } else if (key === 'dialect' || (key === 'driver' && !config.dialect)) {
      const d = stringValue(value);
      if (d !== undefined && DIALECTS[d]) config.dialect = DIALECTS[d];
    }
  }
  return config;
}

/** A path glob (`*`, `**`, `?`, `{a,b}`) or a folder → a matcher for absolute paths. */
export function schemaMatcher(pattern: string): (file: string) => boolean {
  const hasGlob = /[*?{]/.test(pattern);
  if (!hasGlob) return (file) => file === pattern || file.startsWith(pattern.endsWith('/') ? pattern : pattern + '/');
  let re = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '*') {
      if (pattern[i + 1] === '*') {
        // `**/` matches zero or more folders
        if (pattern[i + 2] === '/') {
          re += '(?:.*/)?';
          i += 2;
        } else {
          re += '.*';
          i += 1;
        }
      } else re += '[^/]*';
    } else if (c === '?') re += '[^/]';
    else if (c === '{') {
      const close = pattern.indexOf('}', i);
      if (close < 0) re += '\\{';
      else {
        re += '(?:' + pattern.slice(i + 1, close).split(',').map(escapeRegExp).join('|') + ')';
        i = close;
      }
    } else re += escapeRegExp(c);
  }
  const regex = new RegExp('^' + re + '$');
  return (file) => regex.test(file);
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Whether a drizzle config of the project names `dir` as its `out` (drizzle-kit's output folder, `<config's
 * folder>/drizzle` by default) and names a schema: the migrations there are generated from that schema by `drizzle-kit
 * generate`, against the snapshot it keeps in `meta/`. Looked for in `dir`'s parent and the folders above it, up to the
 * nearest package root (a package.json). The config is read by syntax only, as discovery reads it.
 */
export function drizzleSchemaGenerates(dir: string, reader: SourceReader): boolean {
  const target = normalizePath(dir);
  for (let folder = dirname(target); ; folder = dirname(folder)) {
    const prefix = folder === '/' ? '' : folder;
    for (const name of CONFIG_NAMES) {
      let text: string | undefined;
      try {
        text = reader.read(`${prefix}/${name}`);
      } catch {
        text = undefined;
      }
      if (text === undefined) continue;
      const config = readDrizzleConfig(`${prefix}/${name}`, text);
      if (config.schema.length > 0 && (config.out ?? `${prefix}/drizzle`) === target) return true;
    }
    let root: string | undefined;
    try {
      root = reader.read(`${prefix}/package.json`);
    } catch {
      root = undefined;
    }
    if (root !== undefined || folder === '/' || folder === '') return false;
  }
}

/** What discoverDrizzle's text pre-filter found in a file, under the reader's stamp of it (`SourceReader.stamp`). */
interface Mentions {
  stamp: unknown;
  drizzle: boolean;
  exports: boolean;
}

/** The pre-filter's findings of the last call, by file; replaced by each call (files gone drop out). */
let lastMentions = new Map<string, Mentions>();

export function discoverDrizzle(files: readonly string[], reader: SourceReader): Unit[] {
  const candidates = files.filter(isCandidate);
  const candidateSet = new Set(candidates);
  const read = (file: string): string | undefined => {
    try {
      return reader.read(file);
    } catch {
      return undefined;
    }
  };
  // The nearest package root of a folder (a package.json), for the configs and for the files no config names.
  const known = new Set(files.filter((f) => basename(f) === 'package.json').map(dirname));
  const rootCache = new Map<string, string | undefined>();
  const packageRoot = (dir: string): string | undefined => {
    if (rootCache.has(dir)) return rootCache.get(dir);
    let result: string | undefined;
    if (known.has(dir) || read((dir === '/' ? '' : dir) + '/package.json') !== undefined) result = dir;
    else if (dir !== '/') result = packageRoot(dirname(dir));
    rootCache.set(dir, result);
    return result;
  };
  const configs: DrizzleConfig[] = [];
  for (const file of files) {
    const name = basename(file);
    if (!CONFIG_NAMES.has(name) || file.includes('/node_modules/') || !(isCandidate(file) || name === 'drizzle.config.json')) continue;
    const text = read(file);
    if (text === undefined) continue;
    const config = readDrizzleConfig(file, text);
    // drizzle-kit resolves `schema` against the folder it runs in, the package root (`drizzle-kit generate
    // --config=db/drizzle.config.ts`), not the config's folder: a config kept in a subfolder names its schema from
    // there. The config's folder first (the same folder in the usual layout), then the package root.
    const root = packageRoot(dirname(file));
    const named = (c: DrizzleConfig) => c.schema.map(schemaMatcher).some((m) => files.some((f) => f !== file && m(f)));
    if (root !== undefined && root !== dirname(file) && !named(config)) {
      const fromRoot = readDrizzleConfig(`${root === '/' ? '' : root}/${name}`, text);
      if (named(fromRoot)) {
        config.schema = fromRoot.schema;
        config.out = fromRoot.out ?? `${root === '/' ? '' : root}/drizzle`;
      }
    }
    configs.push(config);
  }
  const configured = configs.flatMap((c) => c.schema.map(schemaMatcher));
  const schemaFiles: string[] = [];
  /** Files of a configured schema that define no table but name some under another name (`export { a as b } from`). */
  const barrels: string[] = [];
  /** The scans of the schema files, and of the files that define no table but shared columns (`timestamps`). */
  const scans = new Map<string, FileScan>();
  const columnFiles = new Map<string, FileScan>();
  const mentions = new Map<string, Mentions>();
  for (const file of candidates) {
    if (CONFIG_NAMES.has(basename(file))) continue;
    // Fast pre-filter on the text, then the syntax tree decides. drizzle-kit loads every file a config's schema
    // names, so those are read even without an import of drizzle-orm (a barrel re-exporting tables). What the
    // filter found is kept by the file's stamp: a file unchanged since the last call is not read to be left out.
    let stamp: unknown;
    try {
      stamp = reader.stamp?.(file);
    } catch {
      stamp = undefined;
    }
    const kept = lastMentions.get(file);
    let text: string | undefined;
    let m: Mentions;
    if (kept && stamp !== undefined && kept.stamp === stamp) m = kept;
    else {
      text = read(file);
      if (text === undefined) continue;
      m = { stamp, drizzle: text.includes('drizzle-orm'), exports: text.includes('export') };
    }
    if (stamp !== undefined) mentions.set(file, m);
    const inConfigured = !m.drizzle && m.exports && configured.some((match) => match(file));
    if (!inConfigured && !m.drizzle) continue;
    text ??= read(file);
    if (text === undefined) continue;
    const scan = scanFile(file, parseCached(file, text));
    if (scan.definesSchema) {
      scans.set(file, scan);
      schemaFiles.push(file);
      // Its tables now, while the tree just built is in the processor's caches (see prepareTables).
      prepareTables(scan);
    } else if (scan.reExports && configured.some((m) => m(file))) barrels.push(file);
    else if (
      (scan.imports.coreDialect !== undefined || scan.imports.coreNamespaces.size > 0) &&
      (scan.declaresFunctions || scan.declarations.some((d) => d.kind === 'object'))
    ) {
      // Shared columns (`timestamps`), or index helpers (`auditIndexes(t)`) a table's extra config calls.
      columnFiles.set(file, scan);
    }
  }
  lastMentions = mentions;
  /**
   * An index file between a schema file and a helper module (`import { auditIndexes } from '../helpers'`, whose
   * `index.ts` does `export * from './audit'`) mentions no drizzle-orm: read when an import of the unit names it,
   * and kept (with the modules it re-exports) when it leads to a file of shared columns or helpers.
   */
  const barrelScans = new Map<string, FileScan | undefined>();
  const barrelOf = (file: string, depth: number): FileScan | undefined => {
    if (barrelScans.has(file)) return barrelScans.get(file);
    barrelScans.set(file, undefined);
    const text = read(file);
    if (text === undefined || !text.includes('export')) return undefined;
    const scan = scanFile(file, parseCached(file, text));
    // What it re-exports, and what it imports (`import { a } from './owners'; export { a }`).
    const modules = [
      ...(scan.exportStars ?? []),
      ...[...(scan.reExports?.values() ?? [])].flatMap((r) => (r.module ? [r.module] : [])),
      ...[...scan.imports.other.values()].map((i) => i.module),
    ];
    const leads = depth < 4 && modules.some((m) => moduleFile(file, m, depth + 1) !== undefined);
    if (leads) barrelScans.set(file, scan);
    return leads ? scan : undefined;
  };
  /** The file of shared columns or helpers (or the index leading to one) a module specifier of `from` names. */
  let tsconfig: TsconfigPaths | undefined;
  const moduleFile = (from: string, spec: string, depth: number): string | undefined => {
    const relative = spec.startsWith('.');
    const target = relative ? resolveModule({ byFile: columnFiles }, from, spec) : undefined;
    if (target) return target.file;
    // A tsconfig `paths` alias (`@/lib/drizzle`), resolved as the code front-end resolves it.
    const file = relative ? resolveRelative(from, spec, candidateSet) : resolveImport(from, spec, candidateSet, (tsconfig ??= new TsconfigPaths({ read })));
    if (file === undefined) return undefined;
    if (columnFiles.has(file)) return file;
    const scan = scans.get(file);
    if (scan) return offersWrappers(scan) || declaresOnlyEnums(scan) ? file : undefined;
    return barrelOf(file, depth) ? file : undefined;
  };
  /** Whether some schema module holds wrappers another may import (`offersWrappers`): else none can join a unit. */
  const wrapperModules = schemaFiles.some((f) => offersWrappers(scans.get(f)!) || declaresOnlyEnums(scans.get(f)!));
  /**
   * A table's `...timestamps` is read from the file declaring it: that file belongs to the unit (its columns are the
   * tables' columns, and an edit of it changes them) when a file of the unit imports it.
   */
  const withColumnFiles = (files: string[]): string[] => {
    if (!columnFiles.size && !wrapperModules) return files;
    const out = [...files];
    const seen = new Set(files);
    for (let i = 0; i < out.length; i++) {
      const scan = scans.get(out[i]) ?? columnFiles.get(out[i]) ?? barrelScans.get(out[i]);
      if (!scan) continue;
      const modules = new Set<string>();
      for (const { module } of scan.imports.other.values()) modules.add(module);
      if (!scans.has(out[i])) {
        // A helper module or index file re-exporting another's helpers (`export * from './audit'`).
        for (const m of scan.exportStars ?? []) modules.add(m);
        for (const r of scan.reExports?.values() ?? []) if (r.module) modules.add(r.module);
      }
      for (const module of modules) {
        const target = moduleFile(out[i], module, 0);
        if (target !== undefined && !seen.has(target)) {
          seen.add(target);
          out.push(target);
        }
      }
    }
    return out;
  };

  /**
   * The schema modules a unit's files import for their wrappers, not among the unit's own schema files
   * (`hints.helperModules`): the analysis resolves names in them (the creator's prefix, the wrapped index builder) but
   * builds none of their own tables, enums or relations, which drizzle-kit does not read from a module the schema only
   * imports from.
   */
  const helperModules = (files: readonly string[], own: readonly string[]): string[] => {
    const mine = new Set(own);
    return files.filter((f) => scans.has(f) && !mine.has(f));
  };

  const units: Unit[] = [];
  const claimed = new Set<string>();
  const schemaSet = new Set(schemaFiles);
  for (const config of configs) {
    const matchers = config.schema.map(schemaMatcher);
    const unitFiles = schemaFiles.filter((f) => matchers.some((m) => m(f)));
    const unitBarrels = barrels.filter((f) => matchers.some((m) => m(f)));
    // `schema: "./src/db/index.ts"`: drizzle-kit loads that file and reads what it exports, through `export * from`.
    for (const f of reExportedFiles(candidates.filter((c) => matchers.some((m) => m(c))), candidateSet, read)) {
      if (schemaSet.has(f.file)) {
        if (!unitFiles.includes(f.file)) unitFiles.push(f.file);
      } else if (f.barrel && !unitBarrels.includes(f.file)) unitBarrels.push(f.file);
    }
    if (!unitFiles.length) continue;
    unitFiles.push(...unitBarrels);
    for (const f of unitFiles) claimed.add(f);
    const files = withColumnFiles(unitFiles);
    const helpers = helperModules(files, unitFiles);
    // A module of wrappers only, or of enums only, makes no unit of its own (a database without tables); one that also
    // declares tables stays in its package's unit, where they are reviewed once.
    for (const f of helpers) {
      const scan = scans.get(f)!;
      if (declaresOnlyEnums(scan) || !scan.declarations.some((d) => d.kind === 'table' || d.kind === 'enum')) claimed.add(f);
    }
    units.push({
      language: 'drizzle',
      id: `drizzle:${config.file}`,
      files,
      hints: {
        config: config.file,
        ...(helpers.length ? { helperModules: helpers } : {}),
        ...(config.dialect ? { dialect: config.dialect } : {}),
        ...(config.casing ? { casing: config.casing } : {}),
        // Where `drizzle-kit generate` (and `--custom`) writes the migrations: `./drizzle` unless `out` says.
        migrationsDir: config.out ?? `${dirname(config.file) === '/' ? '' : dirname(config.file)}/drizzle`,
      },
    });
  }

  // The rest: one unit per nearest package root.
  const groups = new Map<string, string[]>();
  for (const f of schemaFiles) {
    if (claimed.has(f)) continue;
    const root = packageRoot(dirname(f)) ?? commonDir(schemaFiles.filter((s) => !claimed.has(s)));
    const group = groups.get(root) ?? [];
    group.push(f);
    groups.set(root, group);
  }
  for (const [root, group] of groups) {
    const files = withColumnFiles(group);
    const helpers = helperModules(files, group);
    units.push({
      language: 'drizzle',
      id: `drizzle:${root}`,
      files,
      hints: { root, ...(helpers.length ? { helperModules: helpers } : {}), migrationsDir: `${root === '/' ? '' : root}/drizzle` },
    });
  }
  return units;
}

/**
 * Whether a module declaring Drizzle schema objects holds what a table of another module may be built with: a table
 * creator (`export const pgTable = pgTableCreator((name) => \`am_${name}\`)`), a `pgSchema`, or functions (an index
 * wrapper, `export const index = (n: string) => indexCreator(\`am_${n}\`)`). drizzle-kit loads it through the schema's
 * import: a schema file importing from it is read with it, even when the config does not name it.
 */
function offersWrappers(scan: FileScan): boolean {
  return scan.declaresFunctions || scan.declarations.some((d) => d.kind === 'creator' || d.kind === 'schema');
}

/**
 * Whether a schema module declares enums and nothing else Drizzle reads (`export const status = pgEnum(…)`): a schema
 * file importing its enums is read with it, for its columns' types (`hints.helperModules`), even when the config does
 * not name it. drizzle-kit creates only the enums a schema file exports: the module's own are not the schema's.
 */
function declaresOnlyEnums(scan: FileScan): boolean {
  return scan.declarations.some((d) => d.kind === 'enum') && scan.declarations.every((d) => d.kind === 'enum' || d.kind === 'object');
}

/** The relative module a file names, as a file of the workspace (TypeScript's resolution of a relative specifier). */
function resolveRelative(from: string, spec: string, files: Set<string>): string | undefined {
  if (!spec.startsWith('.')) return undefined;
  const base = normalizePath(dirname(from) + '/' + spec);
  const stem = base.replace(/\.(m|c)?jsx?$/, '');
  for (const candidate of [
    base,
    stem + '.ts', stem + '.tsx', stem + '.mts', stem + '.cts', stem + '.js', stem + '.mjs', stem + '.cjs',
    base + '/index.ts', base + '/index.tsx', base + '/index.js',
  ]) {
    if (files.has(candidate)) return candidate;
  }
  return undefined;
}

/**
 * The files reached from `roots` by re-exports (`export * from`, `export { a as b } from`), roots excluded. `barrel`:
 * the file does not use drizzle-orm itself and re-exports (a barrel `index.ts`), as opposed to a client module.
 */
function reExportedFiles(roots: readonly string[], files: Set<string>, read: (file: string) => string | undefined): { file: string; barrel: boolean }[] {
  const out: { file: string; barrel: boolean }[] = [];
  const seen = new Set(roots);
  const queue = [...roots];
  while (queue.length) {
    const file = queue.shift()!;
    const text = read(file);
    if (text === undefined || !text.includes('export')) continue;
    const sf = parseCached(file, text);
    let reExports = false;
    for (const statement of sf.statements) {
      if (!T.isExportDeclaration(statement) || !statement.moduleSpecifier) continue;
      reExports = true;
      const spec = stringValue(statement.moduleSpecifier);
      const target = spec === undefined ? undefined : resolveRelative(file, spec, files);
      if (target === undefined || seen.has(target)) continue;
      seen.add(target);
      queue.push(target);
    }
    if (!roots.includes(file)) out.push({ file, barrel: reExports && !text.includes('drizzle-orm') });
  }
  return out;
}

function commonDir(files: string[]): string {
  if (!files.length) return '/';
  let common = dirname(files[0]);
  for (const f of files) {
    while (common !== '/' && !(f === common || f.startsWith(common + '/'))) common = dirname(common);
  }
  return common;
}
