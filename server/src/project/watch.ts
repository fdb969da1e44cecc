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
 */
import { URI } from 'vscode-uri';
import type { FileSystemWatcher } from 'vscode-languageserver';
import { LOCKFILE_NAMES, TRACKED_PACKAGES } from '../languages/packages';

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

/** The watchers to register for these workspace folders (absolute, `/`-separated). */
export function watchersFor(folders: readonly string[], relativePatternSupport: boolean): FileSystemWatcher[] {
  const watchers: FileSystemWatcher[] = WATCHED_GLOBS.map((globPattern) => ({ globPattern }));
  if (relativePatternSupport) {
    const lockfiles = `{${LOCKFILE_NAMES.join(',')}}`;
    const above = new Set<string>();
    for (const folder of folders) {
      const dir = folder.replace(/\/$/, '');
      for (const name of TRACKED_PACKAGES) watchers.push({ globPattern: { baseUri: URI.file(`${dir}/node_modules/${name}`).toString(), pattern: 'package.json' } });
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
