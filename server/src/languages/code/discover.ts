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

/** What a file must mention to possibly import `file` (its stem, or its folder for an index file). */
function importStem(file: string): string {
  const base = file.slice(file.lastIndexOf('/') + 1).replace(/\.[^.]+$/, '');
  return base === 'index' ? dirname(file).slice(dirname(file).lastIndexOf('/') + 1) : base;
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
    } else if (text.includes('import') || text.includes('require')) {
      rest.push({ file, text });
    }
  }
  // Two rounds: files importing a database module, then files importing those (helpers, re-exports).
  const tsconfig = new TsconfigPaths(reader);
  let frontier = [...included];
  for (let round = 0; round < 2 && frontier.length && rest.length; round++) {
    const stems = [...new Set(frontier.map(importStem))];
    const next: string[] = [];
    for (const entry of rest) {
      if (included.has(entry.file) || !stems.some((s) => entry.text.includes(s))) continue;
      let imports: ts.FileReference[];
      try {
        imports = ts.preProcessFile(entry.text, true, true).importedFiles;
      } catch {
        continue;
      }
      for (const imp of imports) {
        const target = resolveImport(entry.file, imp.fileName, all, tsconfig);
        if (target && included.has(target)) {
          next.push(entry.file);
          break;
        }
      }
    }
    for (const f of next) included.add(f);
    frontier = next;
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
