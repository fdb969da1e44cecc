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
 * A template literal over several lines lexes by its braces: a `{` typed in a `${…}` hole, or after a `$` of its text,
 * makes a `require(…)` lines below part of the template (or code again) without any word of step 1 in the edited
 * lines. So an edit whose characters, or the characters either side, can change a template's holes (`{ } $ \ ' " /`)
 * is compared by key too when it lies inside a template. Where the templates are is found once by a scanner pass
 * (`templateSpans`, lexing as `ts.preProcessFile` does), kept with the text and moved along by the edits that leave
 * the lexing as it was; a keystroke that is not one of those characters costs a look at the two characters around it.
 */
import * as ts from 'typescript';
import { KEYWORDS, mayRespond } from '../languages/code/discover';
import { CORE_MODULES, parseCached } from '../languages/drizzle/ast';
import { scanFile } from '../languages/drizzle/scan';
import { parsePrisma } from '../languages/prisma/parser';
import type { SourceReader } from '../languages/types';

/** What discovery saw of one file: its text, and the discovery key of that text once computed. */
export interface SeenText {
  /** The text discovery read (undefined: no file, or `away`). */
  text: string | undefined;
  /** The reader's stamp of the file, taken before discovery read it (`SourceReader.stamp`). */
  stamp?: unknown;
  /**
   * No text is kept: discovery knew the file by its stamp without reading it, or the reader let its text go after
   * (Reviewer's releaseTexts). The text is the file's at `stamp`, to be read again (`SourceReader.textAt`).
   */
  away?: boolean;
  key?: string;
  /** The Drizzle shape of that text (drizzleShape), once computed. */
  shape?: string;
  /** Whether that text's Drizzle shape is compared on every edit (isShapeWatched), once computed. */
  watched?: boolean;
  /** Prisma: where that text's first datasource or generator block ends (with `key` 'root'). */
  rootEnd?: number;
  /** Scripts: the template literals of that text (templateSpans), once computed. */
  templates?: number[];
}

/** A reader that records, for each file, the text discovery read, or the stamp it knew the file by. */
export function recordingReader(reader: SourceReader, seen: Map<string, SeenText>): SourceReader {
  const recording: SourceReader = {
    read(file: string): string | undefined {
      const entry = seen.get(file);
      if (entry && !entry.away) return reader.read(file);
      // The stamp before the text (see code/discover.ts): a file changed in between counts as changed.
      const stamp = entry ? entry.stamp : reader.stamp?.(file);
      const text = reader.read(file);
      if (entry) {
        entry.text = text;
        entry.away = undefined;
      } else seen.set(file, stamp === undefined ? { text } : { text, stamp });
      return text;
    },
  };
  if (reader.skippedFiles) recording.skippedFiles = () => reader.skippedFiles!();
  if (reader.stamp) {
    recording.stamp = (file: string): unknown => {
      const stamp = reader.stamp!(file);
      if (!seen.has(file)) seen.set(file, { text: undefined, stamp, away: true });
      return stamp;
    };
  }
  return recording;
}

/** Whether a file is one of the scripts discovery tests by their words (not a config it reads whole). */
export function isDiscoveryScript(file: string): boolean {
  return kindOf(file) === 'code';
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
  const edit = editedRange(before, after);
  const oldSpan = linesAround(before, edit.start, edit.oldEnd, 1);
  const newSpan = linesAround(after, edit.start, edit.newEnd, 1);
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
  const lexical = spans(LEXICAL) || editsTemplate(seen, before, after, edit);
  if (lexical || spans(CODE_WORDS) || mayRespond(oldSpan) || mayRespond(newSpan)) {
    key = codeKey(after);
    if ((seen.key ??= codeKey(before)) !== key) return true;
  }
  // The templates are where they were, moved by the edit, unless it may have opened or closed one or a hole.
  if (lexical) seen.templates = undefined;
  else if (seen.templates) moveSpans(seen.templates, edit);
  seen.text = after;
  seen.key = key;
  seen.shape = shape;
  seen.watched = watched;
  return false;
}

/** Characters that, typed or deleted inside a template literal, can open or close one of its holes. */
function mayChangeHoles(text: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    // { } $ \ ' " /
    if (c === 0x7b || c === 0x7d || c === 0x24 || c === 0x5c || c === 0x27 || c === 0x22 || c === 0x2f) return true;
  }
  return false;
}

/**
 * Whether an edit that holds no backtick nor comment token may change how a template around it lexes, and with it
 * the rest of the file: it types or deletes one of mayChangeHoles's characters, or something between a `$` and a `{`,
 * after a backslash (an escape) or a `/`, inside a template of the old text. An ordinary keystroke is decided by the two
 * characters around it; the templates are found (a scanner pass) only for an edit of those characters after a
 * backtick.
 */
function editsTemplate(seen: SeenText, before: string, after: string, edit: EditedRange): boolean {
  const { start, oldEnd, newEnd } = edit;
  const prev = start > 0 ? before.charCodeAt(start - 1) : 0;
  const next = oldEnd < before.length ? before.charCodeAt(oldEnd) : 0;
  if (
    prev !== 0x24 /* $ */ && prev !== 0x5c /* \ */ && prev !== 0x2f /* / */ && next !== 0x7b /* { */ &&
    !mayChangeHoles(before, start, oldEnd) && !mayChangeHoles(after, start, newEnd)
  ) {
    return false;
  }
  if (before.lastIndexOf('`', start - 1) < 0) return false;
  const spans = (seen.templates ??= templateSpans(before));
  // The last template that starts before the edit: the edit is inside it when it ends after the edit's start.
  let lo = 0;
  let hi = spans.length / 2;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (spans[2 * mid] < start) lo = mid + 1;
    else hi = mid;
  }
  return lo > 0 && spans[2 * lo - 1] > start;
}

/**
 * Where the template literals of a script are, as `ts.preProcessFile` lexes them: start (the opening backtick) and
 * end (after the closing one) of each outermost template, in order, flat. A hole's braces nest as preProcessFile
 * counts them; a template left open ends with the text.
 */
export function templateSpans(text: string): number[] {
  const scanner = ts.createScanner(ts.ScriptTarget.Latest, true, ts.LanguageVariant.Standard, text);
  const spans: number[] = [];
  for (let token = scanner.scan(); token !== ts.SyntaxKind.EndOfFileToken; token = scanner.scan()) {
    if (token === ts.SyntaxKind.NoSubstitutionTemplateLiteral) spans.push(scanner.getTokenStart(), scanner.getTokenEnd());
    else if (token === ts.SyntaxKind.TemplateHead) {
      const start = scanner.getTokenStart();
      const stack: ts.SyntaxKind[] = [token];
      while (stack.length) {
        const inner = scanner.scan();
        if (inner === ts.SyntaxKind.EndOfFileToken) break;
        if (inner === ts.SyntaxKind.TemplateHead || inner === ts.SyntaxKind.OpenBraceToken) stack.push(inner);
        else if (inner === ts.SyntaxKind.CloseBraceToken) {
          if (stack[stack.length - 1] !== ts.SyntaxKind.TemplateHead) stack.pop();
          else if (scanner.reScanTemplateToken(false) === ts.SyntaxKind.TemplateTail) stack.pop();
        }
      }
      spans.push(start, stack.length ? text.length : scanner.getTokenEnd());
      if (stack.length) break;
    }
  }
  return spans;
}

/**
 * Moves template spans (templateSpans) along an edit that stays inside or outside each of them: what starts at or
 * after the edited text moves by the length it gained; an end right where an insertion starts stays.
 */
function moveSpans(spans: number[], { start, oldEnd, newEnd }: EditedRange): void {
  const delta = newEnd - oldEnd;
  if (delta === 0) return;
  for (let i = spans.length - 1; i >= 0; i--) {
    const p = spans[i];
    if (p < oldEnd || (i % 2 === 1 && p === start)) break;
    spans[i] = p + delta;
  }
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

/** Where two texts differ: from `start` to `oldEnd` in the old text, to `newEnd` in the new one. */
interface EditedRange {
  start: number;
  oldEnd: number;
  newEnd: number;
}

/** Where the two texts differ (see EditedRange). */
function editedRange(before: string, after: string): EditedRange {
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
