/**
 * What discovery (each front-end's `discover`) reads from a file's text, and whether an edit changed it: the language
 * server keeps a root's units between reviews and makes them again only when an edit changes what discovery depends
 * on (an import added to a Drizzle schema file, a file that starts or stops importing the database client, a file
 * that gains its first table), not on every keystroke.
 *
 * Discovery is a function of the file list (kept until a file is created or deleted) and of the texts it read. The
 * reviewer records those texts (`recordingReader`); after an edit, `discoveryInputChanged` compares the new text of
 * each changed file with the text discovery saw, in two steps:
 *  1. The edit's span (common prefix and suffix of the two texts), widened to whole lines and one line either side, is
 *     searched for what discovery keys on: the words of its text tests (`drizzle-orm`, `PrismaClient`, `.send(`, …),
 *     the tokens of imports (`import`, `from`, `require`, `export`) and what can change how the rest of the file lexes
 *     (a backtick, `/*`, `*\/`). A keystroke inside a function body finds none of them: the cost is the comparison
 *     of the texts and a search of a few lines.
 *  2. Otherwise the discovery keys of both texts are compared: the words present, the import specifiers
 *     (`ts.preProcessFile`, a lexer pass, as code discovery reads them), and for Drizzle files the top-level shape
 *     drizzle discovery reads (`scanFile`: defines a table, declares a helper function or an object of columns,
 *     re-exports). Only a different key makes the units again.
 * A Drizzle file importing a core module (`drizzle-orm/pg-core`) or `relations` has its shape compared on every edit
 * (a table typed through an alias is not found by words): its tree is the one the Drizzle analysis of the same text
 * uses (`parseCached`), so this costs a walk of its top-level statements.
 *
 * Files of other kinds that discovery reads (package.json, drizzle/prisma configs, tsconfig.json, lockfiles, a
 * migrations journal) count whole: any change makes the units again (they are small and rarely edited). Prisma
 * files count by whether they hold a `datasource` or `generator` block (what Prisma discovery reads of them).
 *
 * Known limit: braces typed inside a multi-line template expression can change how `ts.preProcessFile` lexes a
 * `require(…)` further down without any word of step 1 in the edited lines; discovery then catches up at the next
 * edit that touches an import, or when a file is created or deleted.
 */
import * as ts from 'typescript';
import { KEYWORDS, mayRespond } from '../languages/code/discover';
import { CORE_MODULES, parseCached } from '../languages/drizzle/ast';
import { scanFile } from '../languages/drizzle/scan';
import { parsePrisma } from '../languages/prisma/parser';
import type { SourceReader } from '../languages/types';

/** What discovery saw of one file: its text, and the discovery key of that text once computed. */
export interface SeenText {
  text: string | undefined;
  key?: string;
  /** The Drizzle shape of that text (drizzleShape), once computed. */
  shape?: string;
  /** Whether that text's Drizzle shape is compared on every edit (isShapeWatched), once computed. */
  watched?: boolean;
  /** Prisma: where that text's first datasource or generator block ends (with `key` 'root'). */
  rootEnd?: number;
}

/** A reader that records, for each file, the text discovery read. */
export function recordingReader(reader: SourceReader, seen: Map<string, SeenText>): SourceReader {
  const recording: SourceReader = {
    read(file: string): string | undefined {
      const text = reader.read(file);
      if (!seen.has(file)) seen.set(file, { text });
      return text;
    },
  };
  if (reader.skippedFiles) recording.skippedFiles = () => reader.skippedFiles!();
  return recording;
}

const SCRIPT_EXTENSIONS = ['.ts', '.tsx', '.js', '.jsx', '.mjs', '.cjs', '.mts', '.cts'];

/** Config files read whole by discovery (their `schema:` entries). */
const CONFIG_STEMS = ['drizzle.config.', 'prisma.config.'];

/**
 * The words of code and Drizzle discovery's text tests (code/discover.ts KEYWORDS and Scan, drizzle/discover.ts), and
 * `relations` (a Drizzle file importing it defines a schema). Response calls are matched by `mayRespond`.
 */
const CODE_WORDS = [...KEYWORDS, 'new PrismaClient', 'drizzle(', '.enum(', 'zod', 'export', 'import', 'require', 'from', 'relations'];
/** Tokens that can change how the rest of a file lexes (a template or block comment opened or closed). */
const LEXICAL = ['`', '/*', '*/'];
const CORE_NAMES = Object.keys(CORE_MODULES);
/** Every core module's name holds `drizzle-orm`: an edit that changes isShapeWatched touches one of these. */
const WATCH_WORDS = ['drizzle-orm', 'relations'];

const PRISMA_WORDS = ['datasource', 'generator', '/*', '*/', '{', '}'];

type Kind = 'code' | 'prisma' | 'whole';

function kindOf(file: string): Kind {
  const name = file.slice(file.lastIndexOf('/') + 1);
  if (name.endsWith('.prisma')) return 'prisma';
  if (!SCRIPT_EXTENSIONS.some((ext) => name.endsWith(ext))) return 'whole';
  if (CONFIG_STEMS.some((stem) => name.startsWith(stem))) return 'whole';
  return 'code';
}

/**
 * Whether discovery could group files differently now that `file` reads `after` instead of `seen.text`. When not,
 * `seen` is moved on to `after` (with its key, when it was computed), so that the next edit is compared with it.
 */
export function discoveryInputChanged(file: string, seen: SeenText, after: string | undefined): boolean {
  const before = seen.text;
  if (before === after) return false;
  if (before === undefined || after === undefined) return true;
  const kind = kindOf(file);
  if (kind === 'whole') return true;
  if (kind === 'prisma') {
    // A Prisma block does not span an edit's neighbouring lines the way an import does: the edited lines alone.
    const { start, oldEnd, newEnd } = editedRange(before, after);
    const oldSpan = linesAround(before, start, oldEnd, 0);
    const newSpan = linesAround(after, start, newEnd, 0);
    let key = seen.key;
    let rootEnd = seen.rootEnd;
    if (PRISMA_WORDS.some((w) => oldSpan.includes(w) || newSpan.includes(w))) {
      if (seen.key === undefined) ({ key: seen.key, rootEnd: seen.rootEnd } = prismaKey(before));
      const was = seen.key;
      rootEnd = seen.rootEnd;
      // Blocks that end before the edited line parse as they did: a datasource there keeps the file a root (no parse
      // of a big schema at every brace typed in a model below it). A file that names no datasource or generator
      // anywhere stays a part.
      const lineStart = before.lastIndexOf('\n', start - 1) + 1;
      if (was === 'root' && seen.rootEnd !== undefined && seen.rootEnd < lineStart) key = 'root';
      else if (was === 'part' && !after.includes('datasource') && !after.includes('generator')) key = 'part';
      else ({ key, rootEnd } = prismaKey(after));
      if (was !== key) return true;
    }
    seen.text = after;
    seen.key = key;
    seen.rootEnd = rootEnd;
    return false;
  }
  const [oldSpan, newSpan] = editedLines(before, after, 1);
  const spans = (words: readonly string[]) => words.some((w) => oldSpan.includes(w) || newSpan.includes(w));
  // The Drizzle shape: on every edit of a file whose tables may be typed through any name (a core module or
  // `relations` imported), else when an `export` was touched (a barrel's re-exports).
  const watchedBefore = (seen.watched ??= isShapeWatched(before));
  const watched = spans(WATCH_WORDS) ? isShapeWatched(after) : watchedBefore;
  let shape: string | undefined;
  if (watchedBefore || watched || (spans(['export']) && (mayHoldShape(before) || mayHoldShape(after)))) {
    // The old text first: parseCached then ends with the new tree, which the Drizzle analysis reuses.
    const was = (seen.shape ??= drizzleShape(file, before));
    shape = drizzleShape(file, after);
    if (was !== shape) return true;
  }
  let key = seen.key;
  if (spans(CODE_WORDS) || spans(LEXICAL) || mayRespond(oldSpan) || mayRespond(newSpan)) {
    key = codeKey(after);
    if ((seen.key ??= codeKey(before)) !== key) return true;
  }
  seen.text = after;
  seen.key = key;
  seen.shape = shape;
  seen.watched = watched;
  return false;
}

/** Drizzle discovery reads the top level of files that mention drizzle-orm, and of barrels (`export … from`). */
function mayHoldShape(text: string): boolean {
  return text.includes('drizzle-orm') || text.includes('export');
}

function isShapeWatched(text: string): boolean {
  return text.includes('drizzle-orm') && (CORE_NAMES.some((m) => text.includes(m)) || text.includes('relations'));
}

/** The discovery key of a script's text: the words of discovery's text tests present, and its import specifiers. */
export function codeKey(text: string): string {
  let words = '';
  for (const w of CODE_WORDS) words += text.includes(w) ? '1' : '0';
  words += mayRespond(text) ? '1' : '0';
  let specifiers: string;
  try {
    specifiers = ts.preProcessFile(text, true, true).importedFiles.map((i) => i.fileName).join('\n');
  } catch {
    specifiers = '?';
  }
  return `${words}\0${specifiers}`;
}

/** What drizzle discovery reads of a file's top level (scan.ts). */
export function drizzleShape(file: string, text: string): string {
  try {
    const scan = scanFile(file, parseCached(file, text));
    const imports = scan.imports;
    const other = [...new Set([...imports.other.values()].map((i) => i.module))].sort();
    const reExports = [...(scan.reExports?.values() ?? [])].map((r) => r.module ?? '').sort();
    return JSON.stringify([
      scan.definesSchema,
      scan.declaresFunctions,
      scan.declarations.some((d) => d.kind === 'object'),
      imports.coreDialect ?? '',
      imports.coreNamespaces.size > 0,
      other,
      scan.exportStars ?? [],
      reExports,
    ]);
  } catch {
    return '?';
  }
}

/**
 * Whether the text holds a datasource or generator block (discovery's `isRoot`). A parse of its own: the analysis's
 * parse cache must still hold the previous text when it looks at the edit (Prisma's validation kept across an edit
 * inside a comment).
 */
function prismaKey(text: string): { key: string; rootEnd?: number } {
  try {
    const root = parsePrisma(text).blocks.find((b) => b.kind === 'datasource' || b.kind === 'generator');
    return root ? { key: 'root', rootEnd: root.end } : { key: 'part' };
  } catch {
    return { key: '?' };
  }
}

/**
 * The lines an edit touched, in the old and the new text, with `context` lines either side: the common prefix and suffix
 * of the two texts are compared a chunk at a time (native string comparison), then a character at a time.
 */
export function editedLines(before: string, after: string, context: number): [string, string] {
  const { start, oldEnd, newEnd } = editedRange(before, after);
  return [linesAround(before, start, oldEnd, context), linesAround(after, start, newEnd, context)];
}

/** Where the two texts differ: from `start` to `oldEnd` in the old text, to `newEnd` in the new one. */
function editedRange(before: string, after: string): { start: number; oldEnd: number; newEnd: number } {
  const min = Math.min(before.length, after.length);
  // Chunks that double while equal and halve at a difference: a few dozen comparisons on a 700 KB schema.
  let p = 0;
  for (let chunk = 512; p < min && chunk >= 16; ) {
    const n = Math.min(chunk, min - p);
    if (before.slice(p, p + n) === after.slice(p, p + n)) {
      p += n;
      chunk *= 2;
    } else chunk = n >> 1;
  }
  while (p < min && before.charCodeAt(p) === after.charCodeAt(p)) p++;
  let s = 0;
  const maxSuffix = min - p;
  for (let chunk = 512; s < maxSuffix && chunk >= 16; ) {
    const n = Math.min(chunk, maxSuffix - s);
    if (before.slice(before.length - s - n, before.length - s) === after.slice(after.length - s - n, after.length - s)) {
      s += n;
      chunk *= 2;
    } else chunk = n >> 1;
  }
  while (s < maxSuffix && before.charCodeAt(before.length - s - 1) === after.charCodeAt(after.length - s - 1)) s++;
  return { start: p, oldEnd: before.length - s, newEnd: after.length - s };
}

function linesAround(text: string, start: number, end: number, context: number): string {
  let from = start > 0 ? text.lastIndexOf('\n', start - 1) : -1;
  for (let n = 0; n < context && from > 0; n++) from = text.lastIndexOf('\n', from - 1);
  from = from < 0 ? 0 : from + 1;
  let to = text.indexOf('\n', end);
  for (let n = 0; n < context && to >= 0; n++) to = text.indexOf('\n', to + 1);
  if (to < 0) to = text.length;
  return text.slice(from, to);
}
