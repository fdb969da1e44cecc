/**
 * Which code files talk to a database: a cheap substring pre-filter, then the imports of the remaining
 * files (`ts.preProcessFile`, a lexer pass, no parse) to find files that import a module of the workspace
 * that does. All of them form one unit.
 */
import * as ts from 'typescript';
import type { SourceReader, Unit } from '../types';
import { dirname, resolveImport, TsconfigPaths } from './resolve';

export const CODE_EXTENSIONS = ['.ts', '.tsx', '.js', '.jsx', '.mjs', '.cjs', '.mts', '.cts'];
const KEYWORDS = ['@prisma/client', 'PrismaClient', 'drizzle-orm'];

export function isCodeFile(path: string): boolean {
  if (path.includes('/node_modules/') || /\.d\.(m|c)?ts$/.test(path)) return false;
  return CODE_EXTENSIONS.some((ext) => path.endsWith(ext));
}

export function discoverCode(files: readonly string[], reader: SourceReader): Unit[] {
  const code = files.filter(isCodeFile);
  const all = new Set(code);
  const included = new Set<string>();
  const clientModules: string[] = [];
  const rest: { file: string; text: string }[] = [];
  for (const file of code) {
    const text = reader.read(file);
    if (text === undefined) continue;
    if (KEYWORDS.some((k) => text.includes(k))) {
      included.add(file);
      if (text.includes('new PrismaClient') || text.includes('drizzle(')) clientModules.push(file);
    } else if (text.includes('import') || text.includes('require') || text.includes('from')) {
      rest.push({ file, text });
    }
  }
  // Two rounds over the import graph: files importing a database module, then files importing those
  // (helpers, re-exports). Each remaining file is lexed once with ts.preProcessFile (no parse).
  const tsconfig = new TsconfigPaths(reader);
  const importsOf = new Map<string, string[]>();
  for (const entry of rest) {
    let targets: string[] = [];
    try {
      targets = ts
        .preProcessFile(entry.text, true, true)
        .importedFiles.map((imp) => resolveImport(entry.file, imp.fileName, all, tsconfig))
        .filter((t): t is string => t !== undefined);
    } catch {
      // unreadable imports: the file is not part of the unit
    }
    if (targets.length) importsOf.set(entry.file, targets);
  }
  for (let round = 0; round < 2; round++) {
    const next: string[] = [];
    for (const [file, targets] of importsOf) {
      if (!included.has(file) && targets.some((t) => included.has(t))) next.push(file);
    }
    if (!next.length) break;
    for (const f of next) included.add(f);
  }
  if (!included.size) return [];
  const unitFiles = code.filter((f) => included.has(f));
  return [{ language: 'code', id: `code:${commonRoot(unitFiles)}`, files: unitFiles, hints: { clientModules } }];
}

function commonRoot(files: string[]): string {
  let root = dirname(files[0]);
  for (const f of files) {
    while (root !== '/' && !f.startsWith(root + '/')) root = dirname(root);
  }
  return root;
}
