/**
 * Which code files talk to a database: a cheap substring pre-filter, then the imports of the remaining
 * files (`ts.preProcessFile`, a lexer pass, no parse) to find files that import a module of the workspace
 * that does. All of them form one unit. Files holding a zod enum (`z.enum(`) join it too, outside the import
 * rounds: string-enum reads a string column's allowed values from their `CodeFile.enumLiterals`. Test files are
 * left out (`isTestFile`). Modules the unit's files import that may send an HTTP response (response helpers:
 * `sendCreated(res, …)`, a base controller, an object of reply helpers; `mayRespond`), with the modules on the way to
 * them (an index re-exporting them), join it too: the wrap fix of a caller reads them (fixes.ts sendsResponse), so an
 * edit of one must reach the caller's analysis (CodeAnalyzer renews the CodeFiles of their importers).
 */
import * as ts from 'typescript';
import type { SourceReader, Unit } from '../types';
import { dirname, importResolver, TsconfigPaths, workspacePackages } from './resolve';

export const CODE_EXTENSIONS = ['.ts', '.tsx', '.js', '.jsx', '.mjs', '.cjs', '.mts', '.cts'];
/** The words that make a file a client module or a caller (exported: the server's rediscovery check looks for them). */
export const KEYWORDS = ['@prisma/client', 'PrismaClient', 'drizzle-orm'];

export function isCodeFile(path: string): boolean {
  if (path.includes('/node_modules/') || /\.d\.(m|c)?ts$/.test(path)) return false;
  return CODE_EXTENSIONS.some((ext) => path.endsWith(ext));
}

/**
 * Test code, by the names test runners look for: `*.test.*` and `*.spec.*` (Jest, Vitest, Playwright, Nest's
 * `*.e2e-spec.*`), and files under `__tests__` or `__mocks__`. It is not reviewed: a `deleteMany()` emptying a table
 * before each test, fixtures created without a transaction, a `findMany()` without `take` in an assertion are what
 * tests are for, and never run against the production database. A `test/` folder alone does not count (it may be
 * anything, and a project may live in one).
 */
export function isTestFile(path: string): boolean {
  if (path.includes('/__tests__/') || path.includes('/__mocks__/')) return true;
  const name = path.slice(path.lastIndexOf('/') + 1);
  return /\.(test|spec|e2e-spec|e2e)\.[cm]?[jt]sx?$/.test(name);
}

/**
 * What discovery learnt from one file's text, kept between calls under the reader's stamp of the file (or its text,
 * when the reader gives no stamps): a file is read and lexed again only when it changed.
 */
interface Scan {
  stamp: unknown;
  /** The text, during the call that scanned it (the lazy facts below are worked out from it); dropped after. */
  text?: string;
  /** Mentions a database package or client. */
  keyword: boolean;
  /** May create a client (`new PrismaClient`, `drizzle(`). */
  client: boolean;
  /** Import specifiers, for files without a keyword (undefined when the file imports nothing). */
  specifiers?: string[];
  /** A zod schema with an enum (`z.enum(`): joins the unit for its `CodeFile.enumLiterals`, not for the import rounds. */
  zodEnum?: boolean;
  /** May send an HTTP response (mayRespond, worked out when a file of the unit imports this one): then it joins the unit. */
  responds?: boolean;
}

/** Calls that send an HTTP response, as text (the methods of fixes.ts SENDING_METHODS). */
const RESPONSE_CALLS = [
  '.send(', '.json(', '.jsonp(', '.end(', '.redirect(', '.sendStatus(', '.sendFile(', '.download(', '.render(', '.format(',
  '.write(', '.writeHead(', '.flushHeaders(', '.view(',
];

/**
 * Cheap text test: the module may send an HTTP response (a response helper, a base controller). A pre-filter only:
 * what sends is decided on the syntax, by the fix writer.
 */
export function mayRespond(text: string): boolean {
  return RESPONSE_CALLS.some((c) => text.includes(c));
}

/** How many imports away from a file of the unit a response module may be (an index re-exporting a helper module: 2). */
const RESPONSE_DEPTH = 3;

/** The scans of the last call's files; replaced by each call (files gone from the workspace drop out). */
let lastScans = new Map<string, Scan>();

/** Drops the kept scans (benchmarks measuring a cold discovery). */
export function forgetDiscoveryScans(): void {
  lastScans = new Map();
}

function scan(text: string, stamp: unknown): Scan {
  if (KEYWORDS.some((k) => text.includes(k))) {
    return { stamp, text, keyword: true, client: text.includes('new PrismaClient') || text.includes('drizzle(') };
  }
  const result: Scan = { stamp, text, keyword: false, client: false };
  if (text.includes('.enum(') && text.includes('zod')) result.zodEnum = true;
  if (text.includes('import') || text.includes('require') || text.includes('from')) {
    try {
      result.specifiers = ts.preProcessFile(text, true, true).importedFiles.map((imp) => imp.fileName);
    } catch {
      // unreadable imports: the file is not part of the unit
    }
  }
  return result;
}

export function discoverCode(files: readonly string[], reader: SourceReader): Unit[] {
  const code = files.filter((f) => isCodeFile(f) && !isTestFile(f));
  const all = new Set(code);
  const included = new Set<string>();
  const clientModules: string[] = [];
  const scans = new Map<string, Scan>();
  // Two rounds over the import graph: files importing a database module, then files importing those
  // (helpers, re-exports). Each remaining file is lexed once with ts.preProcessFile (no parse).
  // Packages of the same monorepo by name (`import { prisma } from '@acme/database'`), from the listing's package.json
  // files: the unit carries them (hints.packages) for the analysis to resolve the same imports.
  const packages = workspacePackages(files, reader);
  const resolve = importResolver(all, new TsconfigPaths(reader, packages));
  const importsOf = new Map<string, string[]>();
  for (const file of code) {
    // The stamp before the text: a file changed in between is scanned again next time.
    const stamp = reader.stamp?.(file);
    const kept = lastScans.get(file);
    let s: Scan;
    if (kept && stamp !== undefined && kept.stamp === stamp) s = kept;
    else {
      const text = reader.read(file);
      if (text === undefined) continue;
      s = kept && stamp === undefined && kept.stamp === text ? kept : scan(text, stamp ?? text);
    }
    scans.set(file, s);
    if (s.keyword) {
      included.add(file);
      if (s.client) clientModules.push(file);
    } else if (s.specifiers?.length) {
      const targets: string[] = [];
      for (const spec of s.specifiers) {
        const t = resolve(file, spec);
        if (t !== undefined) targets.push(t);
      }
      if (targets.length) importsOf.set(file, targets);
    }
  }
  lastScans = scans;
  try {
    for (let round = 0; round < 2; round++) {
      const next: string[] = [];
      for (const [file, targets] of importsOf) {
        if (!included.has(file) && targets.some((t) => included.has(t))) next.push(file);
      }
      if (!next.length) break;
      for (const f of next) included.add(f);
    }
    if (!included.size) return [];
    const helpers = responseModules(included, importsOf, scans, resolve, reader);
    const unitFiles = code.filter((f) => included.has(f) || scans.get(f)?.zodEnum || helpers.has(f));
    const hints = Object.keys(packages).length ? { clientModules, packages } : { clientModules };
    return [{ language: 'code', id: `code:${commonRoot(unitFiles)}`, files: unitFiles, hints }];
  } finally {
    // The texts go with the call: a scan kept for the next one is known by its stamp.
    for (const s of scans.values()) if (s.stamp !== s.text) s.text = undefined;
  }
}

/**
 * Modules outside the unit that its files import, directly or through modules outside it (RESPONSE_DEPTH imports
 * at most), that may send a response (Scan.responds), with the modules on the way (an `index.ts` re-exporting one).
 * Only the modules reached are searched for responses.
 */
function responseModules(
  included: ReadonlySet<string>,
  importsOf: ReadonlyMap<string, string[]>,
  scans: ReadonlyMap<string, Scan>,
  resolve: (fromFile: string, specifier: string) => string | undefined,
  reader: SourceReader,
): Set<string> {
  const found = new Set<string>();
  // A scan kept from an earlier call holds no text: its file is read again, once, for what is worked out lazily.
  const textOf = (file: string, s: Scan): string => (s.text ??= reader.read(file) ?? '');
  const targetsOf = (file: string): string[] => {
    const kept = importsOf.get(file);
    if (kept) return kept;
    const s = scans.get(file);
    if (!s?.keyword) return [];
    // Files with a keyword were not lexed for the rounds: their imports are read now, once per text.
    s.specifiers ??= specifiersOf(textOf(file, s));
    const out: string[] = [];
    for (const spec of s.specifiers) {
      const t = resolve(file, spec);
      if (t !== undefined) out.push(t);
    }
    return out;
  };
  const via = new Map<string, string | undefined>();
  let frontier: string[] = [];
  for (const file of included) {
    for (const t of targetsOf(file)) {
      if (included.has(t) || via.has(t)) continue;
      via.set(t, undefined);
      frontier.push(t);
    }
  }
  for (let depth = 0; depth < RESPONSE_DEPTH && frontier.length; depth++) {
    const next: string[] = [];
    for (const file of frontier) {
      // Asked only of the modules the unit imports: most files of a workspace are never searched for responses.
      const s = scans.get(file);
      if (s && (s.responds ??= mayRespond(textOf(file, s)))) {
        for (let f: string | undefined = file; f !== undefined && !found.has(f); f = via.get(f)) found.add(f);
      }
      for (const t of targetsOf(file)) {
        if (included.has(t) || via.has(t)) continue;
        via.set(t, file);
        next.push(t);
      }
    }
    frontier = next;
  }
  return found;
}

function specifiersOf(text: string): string[] {
  try {
    return ts.preProcessFile(text, true, true).importedFiles.map((imp) => imp.fileName);
  } catch {
    return [];
  }
}

function commonRoot(files: string[]): string {
  let root = dirname(files[0]);
  for (const f of files) {
    while (root !== '/' && !f.startsWith(root + '/')) root = dirname(root);
  }
  return root;
}
