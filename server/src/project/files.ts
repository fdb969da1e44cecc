/**
 * Finding the files of a workspace and reading them safely: skips dependency and build folders, files
 * over a size limit and binary files (each with a log line), survives symlink loops, and decodes text as
 * UTF-8 (a UTF-16 BOM is honoured; anything else undecodable counts as binary).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { endsLinesWithCr, withLfForBareCr } from '../languages/lines';
import type { SourceReader } from '../languages/types';

export const DEFAULT_MAX_FILE_BYTES = 4 * 1024 * 1024;

/** Folders never worth reviewing. */
const SKIPPED_DIRS = new Set([
  'node_modules',
  '.git',
  '.hg',
  '.svn',
  'dist',
  'build',
  'out',
  '.next',
  '.nuxt',
  '.svelte-kit',
  '.turbo',
  '.vercel',
  '.cache',
  'coverage',
  '.output',
  '.e2e',
  'bower_components',
  'vendor',
]);

export const REVIEWED_EXTENSIONS = new Set(['.prisma', '.sql', '.ts', '.tsx', '.mts', '.cts', '.js', '.mjs', '.cjs', '.jsx']);
/** Files that are not reviewed themselves but that discovery reads (configs). */
const PROJECT_CONFIG_FILES = new Set(['package.json', 'migration_lock.toml', 'tsconfig.json', '_journal.json', 'prisma.config.ts']);

/** A file the front-ends read to group and understand a project (by its name): versions, dialects, schema paths. */
export function isProjectConfig(name: string): boolean {
  return PROJECT_CONFIG_FILES.has(name) || name.startsWith('drizzle.config.');
}

/** Files listed although not reviewed: the project configs and our own config file. */
function isListedConfig(name: string): boolean {
  return isProjectConfig(name) || name === 'schema-review.json';
}

export interface ListOptions {
  /** Extra folder or file globs to skip (simple `*`/`**`/`{a,b}` globs relative to the root). */
  exclude?: readonly string[];
  /** Honour `.gitignore` files (default true). */
  gitignore?: boolean;
  /** When non-empty, only paths matching one of these globs are kept. */
  include?: readonly string[];
  log?(message: string): void;
  /** Stop early when this returns true (cancellation). */
  isCancelled?(): boolean;
  /** The root folder's own files only, no subfolder (a loose file's folder, which may be a home or temp folder). */
  shallow?: boolean;
}

/** Lists candidate files under `root` (absolute, `/`-separated, sorted). */
export function listWorkspaceFiles(root: string, options: ListOptions = {}): string[] {
  const out: string[] = [];
  const seenDirs = new Set<string>();
  const exclude = (options.exclude ?? []).map((g) => globToRegExp(g));
  const include = (options.include ?? []).map((g) => globToRegExp(g));
  const useGitignore = options.gitignore !== false;
  const walk = (dir: string, ignores: readonly GitignoreRule[]): void => {
    if (options.isCancelled?.()) return;
    let real: string;
    try {
      real = fs.realpathSync(dir);
    } catch {
      return;
    }
    if (seenDirs.has(real)) {
      options.log?.(`skipped ${dir}: already visited (symlink loop or duplicate link)`);
      return;
    }
    seenDirs.add(real);
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch (error) {
      options.log?.(`skipped ${dir}: ${(error as Error).message}`);
      return;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    let rules = ignores;
    if (useGitignore && entries.some((e) => e.name === '.gitignore' && e.isFile())) {
      try {
        rules = [...ignores, ...parseGitignore(fs.readFileSync(path.join(dir, '.gitignore'), 'utf8'), toPosix(dir))];
      } catch (error) {
        options.log?.(`could not read ${dir}/.gitignore: ${(error as Error).message}`);
      }
    }
    for (const entry of entries) {
      const full = toPosix(path.join(dir, entry.name));
      const rel = toPosix(path.relative(root, full));
      if (exclude.some((re) => re.test(rel))) continue;
      let isDir = entry.isDirectory();
      let isFile = entry.isFile();
      if (entry.isSymbolicLink()) {
        try {
          const st = fs.statSync(full);
          isDir = st.isDirectory();
          isFile = st.isFile();
        } catch {
          continue; // dangling link
        }
      }
      if (rules.length && isIgnored(rules, full, isDir)) continue;
      if (isDir) {
        if (SKIPPED_DIRS.has(entry.name) || options.shallow) continue;
        walk(full, rules);
      } else if (isFile) {
        const ext = path.extname(entry.name).toLowerCase();
        if (entry.name.endsWith('.d.ts')) continue;
        const config = isListedConfig(entry.name);
        if (!REVIEWED_EXTENSIONS.has(ext) && !config) continue;
        if (include.length && !include.some((re) => re.test(rel)) && !config) continue;
        out.push(full);
      }
    }
  };
  walk(toPosix(path.resolve(root)), []);
  return out.sort();
}

/** One `.gitignore` line, compiled. */
export interface GitignoreRule {
  /** Folder of the `.gitignore` (absolute, `/`-separated). */
  base: string;
  negate: boolean;
  dirOnly: boolean;
  /** Matched against the path relative to `base` (anchored) or against the name at any depth. */
  re: RegExp;
  anchored: boolean;
}

/** Parses a `.gitignore` the way git reads one (blank lines, `#` comments, `!`, trailing `/`, `/`-anchoring, `**`). */
export function parseGitignore(text: string, base: string): GitignoreRule[] {
  const rules: GitignoreRule[] = [];
  for (const raw of text.split(/\r?\n/)) {
    let line = raw.replace(/(?<!\\)\s+$/, '');
    if (!line || line.startsWith('#')) continue;
    const negate = line.startsWith('!');
    if (negate) line = line.slice(1);
    if (line.startsWith('\\')) line = line.slice(1);
    const dirOnly = line.endsWith('/');
    if (dirOnly) line = line.replace(/\/+$/, '');
    // A slash at the start or in the middle anchors the pattern to the .gitignore's folder.
    const anchored = line.includes('/');
    if (line.startsWith('/')) line = line.slice(1);
    if (!line) continue;
    rules.push({ base, negate, dirOnly, anchored, re: globToRegExp(line, false) });
  }
  return rules;
}

/** Last matching rule wins; a path inside an ignored folder never reaches here (the walk skips the folder). */
export function isIgnored(rules: readonly GitignoreRule[], file: string, isDir: boolean): boolean {
  let ignored = false;
  for (const r of rules) {
    if (r.dirOnly && !isDir) continue;
    if (!file.startsWith(`${r.base}/`)) continue;
    const rel = file.slice(r.base.length + 1);
    const subject = r.anchored ? rel : rel.slice(rel.lastIndexOf('/') + 1);
    if (r.re.test(subject)) ignored = !r.negate;
  }
  return ignored;
}

/** How a file's text was stored: what a fix must write back (`lossy`: not valid UTF-8, read with replacements). */
export type TextEncoding = 'utf8' | 'utf8-bom' | 'utf16le' | 'utf16be' | 'lossy';

/**
 * Reads files from disk with the size limit and binary detection. Results are cached by mtime. Remembers why a file
 * that exists was not read (`skipped`) and how each file was encoded (`encodingOf`), so that the review can say
 * which files it could not read and a fix writes a file back as it was stored.
 */
export class DiskReader implements SourceReader {
  private readonly cache = new Map<
    string,
    { mtimeMs: number; size: number; text: string | undefined; raw?: string; encoding?: TextEncoding; skipped?: string }
  >();
  private readonly skips = new Map<string, string>();
  constructor(
    private readonly maxBytes = DEFAULT_MAX_FILE_BYTES,
    private readonly log: (message: string) => void = () => {},
  ) {}

  read(file: string): string | undefined {
    return this.entry(file)?.text;
  }

  /** The files read so far that exist but gave no text, with the reason (`SourceReader.skippedFiles`). */
  skippedFiles(): ReadonlyMap<string, string> {
    return this.skips;
  }

  encodingOf(file: string): TextEncoding | undefined {
    return this.entry(file)?.encoding;
  }

  /**
   * The file's text as it is on disk: `read` gives lines that end in a bare `\r` ending in `\n` (`withLfForBareCr`,
   * same offsets), which is what a fix's edits apply to but not what may be written back.
   */
  rawText(file: string): string | undefined {
    const entry = this.entry(file);
    return entry?.raw ?? entry?.text;
  }

  /** Whether the file's lines all end in a bare `\r`: a fix writes its new lines so (`crLineEnds`). */
  endsLinesWithCr(file: string): boolean {
    const raw = this.entry(file)?.raw;
    return raw !== undefined && endsLinesWithCr(raw);
  }

  /** The file's modification time and size (`SourceReader.stamp`), or undefined when it is no readable file. */
  stamp(file: string): string | undefined {
    let st: fs.Stats | undefined;
    try {
      st = fs.statSync(file, { throwIfNoEntry: false });
    } catch {
      return undefined;
    }
    return st?.isFile() ? stampOf(st) : undefined;
  }

  textAt(file: string, stamp: unknown): string | undefined {
    return stamp !== undefined && this.stamp(file) === stamp ? this.read(file) : undefined;
  }

  /**
   * Lets the file's text go (`SourceReader.release`): the next read reads the file again. The files discovery reads
   * only to learn that they are no part of any unit are most of a big workspace's code; their texts need not stay.
   */
  release(file: string): boolean {
    // A file that gave no text (binary, too large) keeps its entry: nothing to free, and it is not read again.
    if (this.cache.get(file)?.text === undefined) return false;
    return this.cache.delete(file);
  }

  private entry(file: string) {
    let st: fs.Stats | undefined;
    try {
      // A missing file is a common answer (a lock file or journal that says what a folder is): without
      // the exception it costs a plain stat (~1 µs), not a thrown error (~5-10 µs).
      st = fs.statSync(file, { throwIfNoEntry: false });
    } catch {
      return undefined;
    }
    if (!st || !st.isFile()) return undefined;
    const cached = this.cache.get(file);
    if (cached && cached.mtimeMs === st.mtimeMs && cached.size === st.size) return cached;
    let decoded: DecodedText | undefined;
    let skipped: string | undefined;
    if (st.size > this.maxBytes) {
      skipped = `${sizeText(st.size)} is over the ${sizeText(this.maxBytes)} limit for one file`;
    } else {
      try {
        decoded = decodeTextWithEncoding(fs.readFileSync(file));
        if (!decoded) skipped = 'binary data, not text';
      } catch (error) {
        skipped = (error as Error).message;
      }
    }
    if (skipped) {
      this.log(`skipped ${file}: ${skipped}`);
      this.skips.set(file, skipped);
    } else this.skips.delete(file);
    if (decoded?.encoding === 'lossy') this.log(`${file} is not valid UTF-8: read with replacement characters, and fixes leave it alone`);
    const raw = decoded?.text;
    const text = raw === undefined ? undefined : withLfForBareCr(raw);
    const entry = { mtimeMs: st.mtimeMs, size: st.size, text, raw: text === raw ? undefined : raw, encoding: decoded?.encoding, skipped };
    this.cache.set(file, entry);
    return entry;
  }

  /** Forget a file (after it changed on disk or was written by a fix). */
  invalidate(file?: string): void {
    if (file) {
      this.cache.delete(file);
      this.skips.delete(file);
    } else {
      this.cache.clear();
      this.skips.clear();
    }
  }
}

/** A file's stamp: what DiskReader's cache trusts to tell a changed file (its modification time and size). */
function stampOf(st: fs.Stats): string {
  return `${st.mtimeMs}:${st.size}`;
}

function sizeText(bytes: number): string {
  return bytes >= 1048576 ? `${Math.round((bytes / 1048576) * 10) / 10} MB` : `${bytes} bytes`;
}

export interface DecodedText {
  text: string;
  encoding: TextEncoding;
}

/**
 * UTF-8 (with or without BOM) or UTF-16 with a BOM; undefined for binary data (a NUL byte early on). Text that is
 * not valid UTF-8 (a Windows-1252 comment) is read as Prisma, TypeScript and psql's UTF-8 clients read it: each
 * invalid byte becomes U+FFFD, and the encoding says `lossy` so that nothing writes the replacements back.
 */
export function decodeTextWithEncoding(bytes: Uint8Array): DecodedText | undefined {
  if (bytes.length >= 2 && bytes[0] === 0xff && bytes[1] === 0xfe) return { text: new TextDecoder('utf-16le').decode(bytes.subarray(2)), encoding: 'utf16le' };
  if (bytes.length >= 2 && bytes[0] === 0xfe && bytes[1] === 0xff) return { text: new TextDecoder('utf-16be').decode(bytes.subarray(2)), encoding: 'utf16be' };
  const sample = bytes.subarray(0, Math.min(bytes.length, 8192));
  if (sample.includes(0)) return undefined;
  const bom = bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;
  const body = bom ? bytes.subarray(3) : bytes;
  try {
    return { text: new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(body), encoding: bom ? 'utf8-bom' : 'utf8' };
  } catch {
    return { text: new TextDecoder('utf-8', { ignoreBOM: true }).decode(body), encoding: 'lossy' };
  }
}

/** The text of a file's bytes (see decodeTextWithEncoding), without the BOM; undefined for binary data. */
export function decodeText(bytes: Uint8Array): string | undefined {
  return decodeTextWithEncoding(bytes)?.text;
}

/** `text` as bytes in `encoding` (a BOM where the file had one). Not for `lossy` files: their bytes are unknown. */
export function encodeText(text: string, encoding: Exclude<TextEncoding, 'lossy'> = 'utf8'): Buffer {
  switch (encoding) {
    case 'utf8-bom':
      return Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text, 'utf8')]);
    case 'utf16le':
      return Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
    case 'utf16be': {
      const le = Buffer.from(text, 'utf16le');
      for (let i = 0; i + 1 < le.length; i += 2) [le[i], le[i + 1]] = [le[i + 1], le[i]];
      return Buffer.concat([Buffer.from([0xfe, 0xff]), le]);
    }
    default:
      return Buffer.from(text, 'utf8');
  }
}

export function toPosix(p: string): string {
  return p.split(path.sep).join('/');
}

/** Whether `p` is `folder` itself or lies below it (both absolute, `/`-separated). */
export function isWithin(p: string, folder: string): boolean {
  return p === folder || p.startsWith(folder.endsWith('/') ? folder : `${folder}/`);
}

/**
 * A small glob: `**` any folders, `*` any name part, `?` one character, `{a,b}` alternatives; matched against
 * the relative path. With `folderMatchesContents`, a glob naming a folder also matches everything under it.
 */
export function globToRegExp(glob: string, folderMatchesContents = true): RegExp {
  let re = '';
  let braces = 0;
  const g = glob.replace(/^\.\//, '');
  for (let i = 0; i < g.length; i++) {
    const c = g[i];
    if (c === '*') {
      if (g[i + 1] === '*') {
        i++;
        if (g[i + 1] === '/') {
          i++;
          re += '(?:.*/)?';
        } else re += '.*';
      } else re += '[^/]*';
    } else if (c === '?') re += '[^/]';
    else if (c === '{') {
      braces++;
      re += '(?:';
    } else if (c === '}' && braces > 0) {
      braces--;
      re += ')';
    } else if (c === ',' && braces > 0) re += '|';
    else re += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}${folderMatchesContents ? '(?:/.*)?' : ''}$`);
}
