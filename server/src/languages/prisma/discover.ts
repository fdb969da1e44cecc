/**
 * Groups `.prisma` files into units: one unit per Prisma schema (a file, or a folder of files).
 *
 * - A folder schema is one unit: `prisma/schema/` by convention, or the folder named by
 *   `package.json#prisma.schema` or by `prisma.config.ts` (`schema:`; read syntax-only, never executed).
 * - `hints.migrationsDir`: the folder `prisma.config.ts` names in `migrations.path` (relative to the config's folder),
 *   where `prisma migrate` keeps the migrations instead of `migrations/` next to the schema.
 * - Otherwise a `.prisma` file with a datasource or generator is its own unit; other `.prisma` files of
 *   the same folder belong to it when the folder holds exactly one such file (Prisma's multi-file layout).
 * - `hints.prismaMajor` comes from the nearest package.json (`prisma` or `@prisma/client`); `hints.prismaMinor` from
 *   the package installed for it (`node_modules/prisma/package.json`, from its folder up), else from the nearest
 *   lockfile (package-lock.json, pnpm-lock.yaml, yarn.lock, bun.lock), else from package.json's version when it pins
 *   the minor (`6.1.0`, `~6.1.0`, `6.1.x`); only a version of package.json's major counts; never a range alone (`^6.1.0`).
 *   See ../packages.ts.
 */
import { posix } from 'node:path';
import * as ts from 'typescript';
import { installedFrom, lockedFrom, pinnedMinor, safeRead, type Version } from '../packages';
import type { SourceReader, Unit } from '../types';
import { enablesPartialIndexes, notePartialIndexes, parseFile } from './analyze';
import { settle } from './parser';

const CONFIG_NAMES = ['prisma.config.ts', 'prisma.config.mts', 'prisma.config.cts', 'prisma.config.js', 'prisma.config.mjs', 'prisma.config.cjs'];

interface ProjectInfo {
  dir: string;
  prismaMajor?: number;
  prismaMinor?: number;
  /** Absolute schema path from package.json / prisma.config. */
  schemaPath?: string;
  /** Absolute migrations folder from prisma.config (`migrations.path`); package.json#prisma has no such key. */
  migrationsDir?: string;
}

/** `^5.22.0` → 5; `latest`, `workspace:*` → undefined. */
export function majorOf(version: unknown): number | undefined {
  if (typeof version !== 'string') return undefined;
  const m = /^\s*(?:npm:[^@]*@)?[\^~>=v\s]*(\d+)/.exec(version);
  return m ? Number(m[1]) : undefined;
}

/**
 * The only minor version a version or range allows: `6.1.0`, `=6.1.0`, `~6.1.0`, `~6.1`, `6.1.x`, `6.1` → 1.
 * Undefined for ranges that allow newer minors (`^6.1.0`, `>=6.1.0`, `6.x`), unions and tags.
 */
export function minorOf(version: unknown): number | undefined {
  return pinnedMinor(version)?.[1];
}

const PRISMA_PACKAGES = ['prisma', '@prisma/client'] as const;

function readPackageJson(text: string): { major?: number; minor?: number; schema?: string; ranges?: Record<string, string> } {
  try {
    const pkg = JSON.parse(text) as Record<string, unknown>;
    const deps = { ...(pkg.devDependencies as object), ...(pkg.dependencies as object) } as Record<string, unknown>;
    let major: number | undefined;
    let minor: number | undefined;
    const ranges: Record<string, string> = {};
    for (const name of PRISMA_PACKAGES) {
      if (typeof deps[name] === 'string') ranges[name] = deps[name] as string;
      const m = majorOf(deps[name]);
      if (m === undefined) continue;
      if (major === undefined) major = m;
      // The minor of a package of the same major (`prisma` and `@prisma/client` move together).
      if (m === major && minor === undefined) minor = minorOf(deps[name]);
    }
    const prisma = pkg.prisma as Record<string, unknown> | undefined;
    const schema = prisma && typeof prisma.schema === 'string' ? prisma.schema : undefined;
    return { major, minor, schema, ranges };
  } catch {
    return {};
  }
}

/**
 * Whether a workspace folder is a Prisma project, and its Prisma major, from a few cheap checks (its
 * package.json, the usual schema places): the server loads the matching wasm while it starts, as Prisma's own
 * server does, instead of on the first review of an opened schema.
 */
export function prismaProjectAt(folder: string, exists: (p: string) => boolean, read: (p: string) => string | undefined): { prisma: boolean; major?: number } {
  const pkgText = read(posix.join(folder, 'package.json'));
  const pkg = pkgText !== undefined ? readPackageJson(pkgText) : {};
  const hasSchema = ['schema.prisma', 'prisma/schema.prisma', 'prisma/schema', 'prisma.config.ts'].some((p) => exists(posix.join(folder, p)));
  return { prisma: pkg.major !== undefined || pkg.schema !== undefined || hasSchema, major: pkg.major };
}

/** `schema: "prisma/schema"` or `schema: path.join("prisma", "schema")` in a prisma.config file. */
export function schemaFromConfig(text: string, fileName = 'prisma.config.ts'): string | undefined {
  return pathFromConfig(text, fileName, (node, resolve) => {
    if (ts.isPropertyAssignment(node) && propertyName(node.name) === 'schema') return resolve(node.initializer);
    if (ts.isShorthandPropertyAssignment(node) && node.name.text === 'schema') return resolve(node.name);
    return undefined;
  });
}

/**
 * `migrations: { path: "db/migrations" }` (or `path.join("db", "migrations")`) in a prisma.config file: where
 * `prisma migrate` keeps the migrations instead of `migrations/` next to the schema. Relative to the config's folder.
 */
export function migrationsFromConfig(text: string, fileName = 'prisma.config.ts'): string | undefined {
  return pathFromConfig(text, fileName, (node, resolve, object) => {
    const value = ts.isPropertyAssignment(node) && propertyName(node.name) === 'migrations' ? node.initializer : ts.isShorthandPropertyAssignment(node) && node.name.text === 'migrations' ? node.name : undefined;
    const migrations = value && object(value);
    if (!migrations) return undefined;
    for (const p of migrations.properties) {
      if (ts.isPropertyAssignment(p) && propertyName(p.name) === 'path') return resolve(p.initializer);
      if (ts.isShorthandPropertyAssignment(p) && p.name.text === 'path') return resolve(p.name);
    }
    return undefined;
  });
}

/**
 * The first path `pick` finds in a prisma.config file, read by syntax. `resolve` reads a static path (a string,
 * `path.join(…)`, or a top-level `const` holding one); `object` an object literal (or a `const` holding one).
 */
function pathFromConfig(
  text: string,
  fileName: string,
  pick: (node: ts.Node, resolve: (e: ts.Expression) => string | undefined, object: (e: ts.Expression) => ts.ObjectLiteralExpression | undefined) => string | undefined,
): string | undefined {
  let found: string | undefined;
  try {
    const sf = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, false, ts.ScriptKind.TS);
    // `const` declarations of the file's top level: `schema: schemaPath` and `{ schema }` name one.
    const consts = new Map<string, ts.Expression>();
    for (const statement of sf.statements) {
      if (!ts.isVariableStatement(statement) || !(statement.declarationList.flags & ts.NodeFlags.Const)) continue;
      for (const d of statement.declarationList.declarations) if (ts.isIdentifier(d.name) && d.initializer) consts.set(d.name.text, d.initializer);
    }
    const resolve = (e: ts.Expression): string | undefined => {
      if (ts.isIdentifier(e)) {
        const init = consts.get(e.text);
        return init && !ts.isIdentifier(init) ? staticPath(init) : undefined;
      }
      return staticPath(e);
    };
    const object = (e: ts.Expression): ts.ObjectLiteralExpression | undefined => {
      const value = ts.isIdentifier(e) ? consts.get(e.text) : e;
      return value && ts.isObjectLiteralExpression(value) ? value : undefined;
    };
    const visit = (node: ts.Node): void => {
      if (found !== undefined) return;
      found = pick(node, resolve, object);
      if (found !== undefined) return;
      ts.forEachChild(node, visit);
    };
    visit(sf);
  } catch {
    return undefined;
  }
  return found;
}

function propertyName(name: ts.PropertyName): string | undefined {
  if (ts.isIdentifier(name) || ts.isStringLiteral(name)) return name.text;
  return undefined;
}

function staticPath(e: ts.Expression): string | undefined {
  if (ts.isStringLiteral(e) || ts.isNoSubstitutionTemplateLiteral(e)) return e.text;
  if (ts.isCallExpression(e)) {
    const callee = e.expression;
    const name = ts.isPropertyAccessExpression(callee) ? callee.name.text : ts.isIdentifier(callee) ? callee.text : '';
    if (name === 'join' || name === 'resolve') {
      const parts: string[] = [];
      for (const a of e.arguments) {
        if (ts.isStringLiteral(a) || ts.isNoSubstitutionTemplateLiteral(a)) parts.push(a.text);
        else if (!isProjectDir(a)) return undefined;
      }
      return parts.length ? posix.join(...parts) : undefined;
    }
  }
  return undefined;
}

/**
 * The folder a config's relative paths start from anyway: `__dirname`, `import.meta.dirname` (`import.meta.dir` in
 * Bun) — the config's folder — or `process.cwd()`, where the Prisma CLI runs (the project's folder, as the config).
 */
function isProjectDir(e: ts.Expression): boolean {
  if (ts.isIdentifier(e)) return e.text === '__dirname';
  if (ts.isPropertyAccessExpression(e) && ts.isMetaProperty(e.expression) && e.expression.keywordToken === ts.SyntaxKind.ImportKeyword) {
    return e.name.text === 'dirname' || e.name.text === 'dir';
  }
  if (ts.isCallExpression(e) && e.arguments.length === 0 && ts.isPropertyAccessExpression(e.expression)) {
    const callee = e.expression;
    return callee.name.text === 'cwd' && ts.isIdentifier(callee.expression) && callee.expression.text === 'process';
  }
  return false;
}

function isUnderNodeModules(path: string): boolean {
  return path.split('/').includes('node_modules');
}

export function discoverPrisma(files: readonly string[], reader: SourceReader): Unit[] {
  const prismaFiles = files.filter((f) => f.endsWith('.prisma') && !isUnderNodeModules(f)).sort();
  if (prismaFiles.length === 0) return [];

  // What each folder says: its package.json (major, prisma.schema) and prisma.config (schema), memoised.
  const folderInfo = new Map<string, { hasProject: boolean; major?: number; minor?: number; schema?: string; migrations?: string }>();
  const readFolder = (d: string) => {
    const memo = folderInfo.get(d);
    if (memo) return memo;
    const pkgText = safeRead(reader, posix.join(d, 'package.json'));
    let configSchema: string | undefined;
    let configMigrations: string | undefined;
    let hasConfig = false;
    for (const name of CONFIG_NAMES) {
      const configText = safeRead(reader, posix.join(d, name));
      if (configText !== undefined) {
        hasConfig = true;
        configSchema = schemaFromConfig(configText, name);
        configMigrations = migrationsFromConfig(configText, name);
        break;
      }
    }
    const pkg = pkgText !== undefined ? readPackageJson(pkgText) : {};
    let minor: number | undefined;
    if (pkg.major !== undefined) {
      // What runs (installed, from here up), else what the lockfile will install, else a pinned range; only of the
      // major package.json asks for (`prisma` and `@prisma/client` move together).
      const major = pkg.major;
      const same = (v: Version | undefined) => (v && v[0] === major ? v[1] : undefined);
      for (const name of PRISMA_PACKAGES) minor ??= same(installedFrom(reader, d, name, pkg.ranges?.[name]));
      for (const name of PRISMA_PACKAGES) minor ??= same(lockedFrom(reader, d, name, pkg.ranges?.[name]));
      minor ??= pkg.minor;
    }
    const info = { hasProject: pkgText !== undefined || hasConfig, major: pkg.major, minor, schema: configSchema ?? pkg.schema, migrations: configMigrations };
    folderInfo.set(d, info);
    return info;
  };
  /**
   * The project of a folder: the nearest folder with a package.json or prisma.config (its schema setting
   * wins), and the Prisma major of the nearest package.json that depends on Prisma (monorepos often
   * declare it only at the root).
   */
  const projectOf = new Map<string, ProjectInfo | null>();
  const findProject = (dir: string): ProjectInfo | undefined => {
    const memo = projectOf.get(dir);
    if (memo !== undefined) return memo ?? undefined;
    let project: ProjectInfo | undefined;
    let major: number | undefined;
    let minor: number | undefined;
    let d = dir;
    for (let depth = 0; depth < 64; depth++) {
      const info = readFolder(d);
      if (!project && info.hasProject) {
        project = { dir: d, schemaPath: info.schema ? posix.resolve(d, info.schema) : undefined };
        if (info.migrations) project.migrationsDir = posix.resolve(d, info.migrations);
      }
      if (major === undefined && info.major !== undefined) {
        major = info.major;
        minor = info.minor;
      }
      if (project && major !== undefined) break;
      const parent = posix.dirname(d);
      if (parent === d) break;
      d = parent;
    }
    if (project && major !== undefined) project.prismaMajor = major;
    if (!project && major !== undefined) project = { dir, prismaMajor: major };
    if (project && major !== undefined && minor !== undefined) project.prismaMinor = minor;
    projectOf.set(dir, project ?? null);
    return project;
  };

  const units: Unit[] = [];
  const assigned = new Set<string>();
  const makeUnit = (main: string, members: string[], project: ProjectInfo | undefined): void => {
    const fresh = members.filter((m) => !assigned.has(m));
    if (fresh.length === 0) return;
    fresh.forEach((m) => assigned.add(m));
    const hints: Record<string, unknown> = { schemaPath: main };
    if (project?.prismaMajor !== undefined) hints.prismaMajor = project.prismaMajor;
    if (project?.prismaMinor !== undefined) hints.prismaMinor = project.prismaMinor;
    if (project?.migrationsDir !== undefined) hints.migrationsDir = project.migrationsDir;
    units.push({ language: 'prisma', id: `prisma:${main}`, files: fresh, hints });
  };
  const under = (folder: string) => prismaFiles.filter((f) => f.startsWith(folder + '/'));

  // 1. Schemas named by configuration.
  for (const file of prismaFiles) {
    const project = findProject(posix.dirname(file));
    const schema = project?.schemaPath;
    if (!schema || assigned.has(file)) continue;
    if (schema.endsWith('.prisma')) {
      if (file === schema) makeUnit(schema, [schema], project);
    } else if (file.startsWith(schema + '/')) {
      makeUnit(schema, under(schema), project);
    }
  }

  // 2. The conventional folder `prisma/schema/`.
  for (const file of prismaFiles) {
    if (assigned.has(file)) continue;
    const parts = file.split('/');
    const idx = parts.lastIndexOf('schema', parts.length - 2);
    if (idx > 0 && parts[idx - 1] === 'prisma') {
      const folder = parts.slice(0, idx + 1).join('/');
      makeUnit(folder, under(folder), findProject(posix.dirname(file)));
    }
  }

  // 3. Per folder: files with a datasource/generator; strays join a lone schema file, or are one schema without one.
  const byFolder = new Map<string, string[]>();
  for (const file of prismaFiles) {
    if (assigned.has(file)) continue;
    const dir = posix.dirname(file);
    byFolder.set(dir, [...(byFolder.get(dir) ?? []), file]);
  }
  for (const [dir, folderFiles] of byFolder) {
    const roots: string[] = [];
    const strays: string[] = [];
    for (const f of folderFiles) {
      const text = safeRead(reader, f);
      const ast = text !== undefined ? parseFile(f, text).ast : undefined;
      const isRoot = ast !== undefined && ast.blocks.some((b) => b.kind === 'datasource' || b.kind === 'generator');
      if (isRoot && enablesPartialIndexes(ast)) notePartialIndexes();
      (isRoot ? roots : strays).push(f);
    }
    const project = findProject(dir);
    if (roots.length === 1) {
      makeUnit(roots[0], [roots[0], ...strays], project);
    } else if (roots.length === 0 && (posix.basename(dir) === 'prisma' || strays.some((f) => posix.basename(f) === 'schema.prisma'))) {
      // The conventional place of a schema, with no datasource or generator (misspelled, half-typed, not written
      // yet): still the project's schema, reviewed with what it says, and Prisma's validation says what is wrong.
      // Elsewhere a file of models alone may be part of a schema configured some other way: left out.
      const readable = strays.filter((f) => safeRead(reader, f) !== undefined);
      const main = readable.find((f) => posix.basename(f) === 'schema.prisma') ?? readable[0];
      if (main) makeUnit(main, readable, project);
    } else {
      for (const r of roots) makeUnit(r, [r], project);
    }
  }
  return units;
}

/**
 * Whether the Prisma schema whose migrations a folder holds emulates relations (`relationMode = "prisma"`, or its
 * old name `referentialIntegrity`): then `prisma migrate` writes no foreign keys, and a migration that adds one
 * contradicts the schema (the next `prisma migrate dev` drops it again). Read from the schema's conventional place,
 * `schema.prisma` beside the `migrations` folder; undefined when no schema is there (a schema elsewhere, named
 * otherwise, or whose `prisma.config.ts` names the folder, is not looked for).
 */
export function schemaBesideMigrationsEmulatesRelations(migrationsDir: string, reader: SourceReader): boolean | undefined {
  const mode = datasourceBesideMigrations(migrationsDir, reader, ['relationMode', 'referentialIntegrity']);
  return mode === undefined ? undefined : mode === 'prisma';
}

/**
 * The datasource `provider` of the Prisma schema whose migrations a folder holds (`"sqlite"`): what
 * migration_lock.toml says, for a folder without one (a lock file not committed). Read from `schema.prisma` beside
 * the `migrations` folder, as schemaBesideMigrationsEmulatesRelations reads it; undefined when no schema is there.
 */
export function schemaBesideMigrationsProvider(migrationsDir: string, reader: SourceReader): string | undefined {
  return datasourceBesideMigrations(migrationsDir, reader, ['provider']) || undefined;
}

/**
 * A string property of the datasource of `schema.prisma` beside a `migrations` folder, the first one named by `keys`:
 * '' when the schema's datasource has none of them (or not as a string), undefined when no schema or datasource is
 * there.
 */
function datasourceBesideMigrations(migrationsDir: string, reader: SourceReader, keys: readonly string[]): string | undefined {
  const path = posix.join(posix.dirname(migrationsDir), 'schema.prisma');
  const text = safeRead(reader, path);
  if (text === undefined) return undefined;
  const datasource = parseFile(path, text).ast.blocks.find((b) => b.kind === 'datasource');
  if (!datasource) return undefined;
  const value = settle(datasource).properties.find((p) => keys.includes(p.key))?.value;
  return value?.kind === 'string' ? value.value : '';
}
