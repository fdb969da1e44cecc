/**
 * The files the server asks clients to watch (`workspace/didChangeWatchedFiles` registration), for clients that
 * watch only what servers ask for (neovim, Helix…) and VS Code alike.
 *
 * Package versions (server/src/languages/packages.ts) come from lockfiles and from
 * `node_modules/<package>/package.json` of a few packages. node_modules is never watched whole: with relative
 * patterns, one folder per package and workspace folder (`<folder>/node_modules/prisma`, pattern `package.json`),
 * which VS Code watches non-recursively even though `files.watcherExclude` leaves node_modules out; without them,
 * the `**\/package.json` glob. Lockfiles in the folders above a workspace folder (a monorepo package opened alone) are
 * watched with relative patterns too, non-recursively.
 *
 * A monorepo's packages have node_modules of their own (pnpm links each package's dependencies into
 * `packages/db/node_modules`; npm and yarn workspaces do for a version the root does not share), read first for
 * their projects. The same three folders are watched in each project folder discovery found (`projectFolderOf`: the
 * package of a Prisma schema or a Drizzle config), not in every folder: the server registers its watchers again when
 * that set changes.
 */
import { URI } from 'vscode-uri';
import type { FileSystemWatcher } from 'vscode-languageserver';
import { LOCKFILE_NAMES, TRACKED_PACKAGES } from '../languages/packages';
import type { SourceReader, Unit } from '../languages/types';

/** Globs of the files whose changes change the review. */
export const WATCHED_GLOBS: readonly string[] = [
  '**/*.prisma',
  '**/*.sql',
  '**/*.{ts,tsx,js,jsx,mjs,cjs,mts,cts}',
  '**/schema-review.json',
  '**/supabase/config.toml',
  '**/migration_lock.toml',
  '**/_journal.json',
  '**/package.json',
  '**/tsconfig.json',
  `**/{${LOCKFILE_NAMES.join(',')}}`,
];

/** How many folders above a workspace folder are watched (non-recursively) for a lockfile. */
const MAX_LOCKFILE_LEVELS_ABOVE = 6;

/**
 * The watchers to register for these workspace folders (absolute, `/`-separated), and the project folders found in
 * them (projectFolderOf): a project folder outside every workspace folder (a loose file's, a folder since removed)
 * adds none.
 */
export function watchersFor(folders: readonly string[], relativePatternSupport: boolean, projectFolders: readonly string[] = []): FileSystemWatcher[] {
  const watchers: FileSystemWatcher[] = WATCHED_GLOBS.map((globPattern) => ({ globPattern }));
  if (relativePatternSupport) {
    const lockfiles = `{${LOCKFILE_NAMES.join(',')}}`;
    const above = new Set<string>();
    const dirs = folders.map((f) => f.replace(/\/$/, ''));
    const packages = new Set(dirs);
    for (const project of projectFolders) if (dirs.some((d) => project.startsWith(`${d}/`))) packages.add(project);
    for (const dir of packages) {
      for (const name of TRACKED_PACKAGES) watchers.push({ globPattern: { baseUri: URI.file(`${dir}/node_modules/${name}`).toString(), pattern: 'package.json' } });
    }
    for (const dir of dirs) {
      // A monorepo's package opened alone: its lockfile is in a folder above, out of the workspace's globs.
      let parent = dir.slice(0, Math.max(0, dir.lastIndexOf('/')));
      for (let depth = 0; parent !== '' && depth < MAX_LOCKFILE_LEVELS_ABOVE; depth++) {
        if (!folders.includes(parent)) above.add(parent);
        parent = parent.slice(0, Math.max(0, parent.lastIndexOf('/')));
      }
    }
    for (const dir of above) watchers.push({ globPattern: { baseUri: URI.file(dir).toString(), pattern: lockfiles } });
  }
  // Without relative patterns, `**/package.json` names them, where the client does not leave node_modules out.
  return watchers;
}

/** projectFolderOf per unit: units are kept between reviews, and made again when a file is created or deleted. */
const projectFolderMemo = new WeakMap<Unit, string | null>();

/**
 * The project folder of a Prisma or Drizzle unit inside `root`, whose node_modules the versions are read from first:
 * the nearest folder holding a package.json from the schema's (Prisma) or the config's (Drizzle) folder up. Undefined
 * for other units, and when that folder is `root` itself or there is none below it (root's watchers cover those).
 */
export function projectFolderOf(unit: Unit, root: string, reader: SourceReader): string | undefined {
  const memo = projectFolderMemo.get(unit);
  if (memo !== undefined) return memo ?? undefined;
  const start = unit.language === 'prisma' ? unit.hints?.schemaPath : unit.language === 'drizzle' ? (unit.hints?.config ?? unit.hints?.root) : undefined;
  let found: string | null = null;
  if (typeof start === 'string') {
    // A config or schema names a file; a Drizzle unit without config names its package root.
    let dir = unit.language === 'drizzle' && unit.hints?.config === undefined ? start : start.slice(0, Math.max(0, start.lastIndexOf('/')));
    while (dir.startsWith(`${root}/`)) {
      if (readable(reader, `${dir}/package.json`)) {
        found = dir;
        break;
      }
      dir = dir.slice(0, dir.lastIndexOf('/'));
    }
  }
  projectFolderMemo.set(unit, found);
  return found ?? undefined;
}

function readable(reader: SourceReader, file: string): boolean {
  try {
    return reader.read(file) !== undefined;
  } catch {
    return false;
  }
}
