/**
 * The drizzle-orm version a project compiles against, for fixes that write newer syntax: the array of constraints
 * a table's extra config returns (0.36), the `mode: "number"` of `numeric` / `decimal` (0.41).
 *
 * From the schema file's folder up: the installed package (`node_modules/drizzle-orm/package.json`) wins, else, for
 * the nearest package.json that lists drizzle-orm, the version the nearest lockfile resolved for it
 * (package-lock.json, pnpm-lock.yaml, yarn.lock, bun.lock), else its range when it pins the minor (`^0.39.1` allows
 * 0.39.x only, `~0.40.0`, `0.38.4`). Unknown (`latest`, `workspace:*`, `>=0.30`, `^1.0.0`) means "new enough".
 * See ../packages.ts.
 */
import { dependencyVersion, installedVersion, safeRead } from '../packages';
import type { SourceReader } from '../types';

export type Version = [major: number, minor: number];

function json(text: string | undefined): Record<string, unknown> | undefined {
  if (text === undefined) return undefined;
  try {
    const value: unknown = JSON.parse(text);
    return value && typeof value === 'object' ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** The drizzle-orm version `file` compiles against, when known (see the module comment). */
export function drizzleOrmVersion(reader: SourceReader, file: string): Version | undefined {
  let dir = file.slice(0, Math.max(0, file.lastIndexOf('/')));
  for (let depth = 0; depth < 64; depth++) {
    const base = dir === '' ? '' : dir;
    const found = installedVersion(safeRead(reader, `${base}/node_modules/drizzle-orm/package.json`));
    if (found) return found;
    const pkg = json(safeRead(reader, `${base}/package.json`));
    if (pkg) {
      const deps = { ...(pkg.devDependencies as object), ...(pkg.dependencies as object) } as Record<string, unknown>;
      if (deps['drizzle-orm'] !== undefined) return dependencyVersion(reader, base, 'drizzle-orm', deps['drizzle-orm']);
    }
    if (dir === '') break;
    dir = dir.slice(0, Math.max(0, dir.lastIndexOf('/')));
  }
  return undefined;
}

/** Whether the project's drizzle-orm is known to be older than major.minor. */
export function drizzleOlderThan(reader: SourceReader, file: string, major: number, minor: number, per?: object): boolean {
  const v = per ? versionFor(per, reader, file) : drizzleOrmVersion(reader, file);
  return v !== undefined && (v[0] < major || (v[0] === major && v[1] < minor));
}

/**
 * drizzleOrmVersion once per folder for one review (`per`: its database; each fix asked again, reading a
 * package.json or two in every folder up to the root, took as long as the rest of the fix).
 */
function versionFor(per: object, reader: SourceReader, file: string): Version | undefined {
  let byDir = versions.get(per);
  if (!byDir) versions.set(per, (byDir = new Map()));
  const dir = file.slice(0, Math.max(0, file.lastIndexOf('/')));
  if (byDir.has(dir)) return byDir.get(dir);
  const v = drizzleOrmVersion(reader, file);
  byDir.set(dir, v);
  return v;
}

const versions = new WeakMap<object, Map<string, Version | undefined>>();
