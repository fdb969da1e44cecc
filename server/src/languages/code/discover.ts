/**
 * Which code files talk to a database: a cheap substring pre-filter, then the imports of the remaining
 * files (`ts.preProcessFile`, a lexer pass, no parse) to find files that import a module of the workspace
 * that does. All of them form one unit. Files holding a zod enum (`z.enum(`) join it too, outside the import
 * rounds: string-enum reads a string column's allowed values from their `CodeFile.enumLiterals`. Test files are
 * left out (`isTestFile`).
 */
import * as ts from 'typescript';
import type { SourceReader, Unit } from '../types';
import { dirname, importResolver, TsconfigPaths } from './resolve';

export const CODE_EXTENSIONS = ['.ts', '.tsx', '.js', '.jsx', '.mjs', '.cjs', '.mts', '.cts'];
const KEYWORDS = ['@prisma/client', 'PrismaClient', 'drizzle-orm'];

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

/** What discovery learnt from one file's text (kept between calls: a file is lexed again only when its text changed). */
interface Scan {
  text: string;
  /** Mentions a database package or client. */
  keyword: boolean;
  /** May create a client (`new PrismaClient`, `drizzle(`). */
  client: boolean;
  /** Import specifiers, for files without a keyword (undefined when the file imports nothing). */
  specifiers?: string[];
  /** A zod schema with an enum (`z.enum(`): joins the unit for its `CodeFile.enumLiterals`, not for the import rounds. */
  zodEnum?: boolean;
}

/** The scans of the last call's files; replaced by each call (files gone from the workspace drop out). */
let lastScans = new Map<string, Scan>();

/** Drops the kept scans (benchmarks measuring a cold discovery). */
export function forgetDiscoveryScans(): void {
  lastScans = new Map();
}

function scan(text: string): Scan {
  if (KEYWORDS.some((k) => text.includes(k))) {
    return { text, keyword: true, client: text.includes('new PrismaClient') || text.includes('drizzle(') };
  }
  const result: Scan = { text, keyword: false, client: false };
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
  const resolve = importResolver(all, new TsconfigPaths(reader));
  const importsOf = new Map<string, string[]>();
  for (const file of code) {
    const text = reader.read(file);
    if (text === undefined) continue;
    const kept = lastScans.get(file);
    const s = kept && kept.text === text ? kept : scan(text);
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
  for (let round = 0; round < 2; round++) {
    const next: string[] = [];
    for (const [file, targets] of importsOf) {
      if (!included.has(file) && targets.some((t) => included.has(t))) next.push(file);
    }
    if (!next.length) break;
    for (const f of next) included.add(f);
  }
  if (!included.size) return [];
  const unitFiles = code.filter((f) => included.has(f) || scans.get(f)?.zodEnum);
  return [{ language: 'code', id: `code:${commonRoot(unitFiles)}`, files: unitFiles, hints: { clientModules } }];
}

function commonRoot(files: string[]): string {
  let root = dirname(files[0]);
  for (const f of files) {
    while (root !== '/' && !f.startsWith(root + '/')) root = dirname(root);
  }
  return root;
}
