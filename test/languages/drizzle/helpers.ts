/** Shared helpers for the Drizzle front-end tests. */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import * as ts from 'typescript';
import type { Database, Range, Table } from '../../../rules/model';
import { drizzleFrontEnd } from '../../../server/src/languages/drizzle';
import type { Analysis, FileEdit, SourceReader, TextEdit, Unit } from '../../../server/src/languages/types';

export const FIXTURES = resolve(__dirname, '../../fixtures/drizzle').replace(/\\/g, '/');

export function fixture(...parts: string[]): string {
  return join(FIXTURES, ...parts).replace(/\\/g, '/');
}

export function listFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const p = `${d}/${name}`;
      if (statSync(p).isDirectory()) walk(p);
      else out.push(p);
    }
  };
  walk(dir);
  return out.sort();
}

/** Disk reader with an in-memory overlay (the LSP's open documents, or fixed text). */
export function overlayReader(overlay: Map<string, string> = new Map()): SourceReader & { overlay: Map<string, string> } {
  return {
    overlay,
    read(path: string) {
      const o = overlay.get(path);
      if (o !== undefined) return o;
      try {
        return readFileSync(path, 'utf8');
      } catch {
        return undefined;
      }
    },
  };
}

export function memoryReader(files: Record<string, string>): SourceReader {
  return { read: (p) => files[p] };
}

export function analyzeDir(dir: string, reader: SourceReader = overlayReader()): { units: Unit[]; analyses: Analysis[] } {
  const units = drizzleFrontEnd.discover(listFiles(dir), reader);
  const analyses = units.map((u) => drizzleFrontEnd.analyze(u, reader, { validation: true }));
  return { units, analyses };
}

export function onlyDatabase(dir: string, reader: SourceReader = overlayReader()): { db: Database; analysis: Analysis } {
  const { analyses } = analyzeDir(dir, reader);
  if (analyses.length !== 1 || analyses[0].databases.length !== 1) {
    throw new Error(`expected one Drizzle database in ${dir}, got ${analyses.length}`);
  }
  return { db: analyses[0].databases[0], analysis: analyses[0] };
}

export function analyzeText(file: string, text: string, dialect?: string): { db: Database; analysis: Analysis } {
  const reader = memoryReader({ [file]: text });
  const units = drizzleFrontEnd.discover([file], reader);
  const unit: Unit = units[0] ?? { language: 'drizzle', id: `drizzle:${file}`, files: [file], hints: dialect ? { dialect } : {} };
  const analysis = drizzleFrontEnd.analyze(unit, reader, { validation: true });
  return { db: analysis.databases[0], analysis };
}

export function table(db: Database, name: string): Table {
  const t = db.tables.find((x) => x.name === name);
  if (!t) throw new Error(`no table ${name}; have ${db.tables.map((x) => x.name).join(', ')}`);
  return t;
}

function offsetOf(text: string, line: number, character: number): number {
  let offset = 0;
  for (let l = 0; l < line; l++) {
    const nl = text.indexOf('\n', offset);
    if (nl < 0) throw new Error(`line ${line} out of range`);
    offset = nl + 1;
  }
  return offset + character;
}

export function sliceRange(text: string, range: Range): string {
  return text.slice(offsetOf(text, range.start.line, range.start.character), offsetOf(text, range.end.line, range.end.character));
}

/** The range of the nth occurrence of `needle` in `text`, computed from the text alone. */
export function rangeOfText(text: string, needle: string, nth = 0, within?: string): Range {
  let from = within ? text.indexOf(within) : 0;
  if (from < 0) throw new Error(`context not found: ${within}`);
  let at = -1;
  for (let i = 0; i <= nth; i++) {
    at = text.indexOf(needle, from);
    if (at < 0) throw new Error(`not found: ${needle}`);
    from = at + 1;
  }
  const pos = (o: number) => {
    const before = text.slice(0, o);
    const line = before.split('\n').length - 1;
    return { line, character: o - (before.lastIndexOf('\n') + 1) };
  };
  return { start: pos(at), end: pos(at + needle.length) };
}

export function applyTextEdits(text: string, edits: TextEdit[]): string {
  const withOffsets = edits.map((e) => ({
    start: offsetOf(text, e.range.start.line, e.range.start.character),
    end: offsetOf(text, e.range.end.line, e.range.end.character),
    newText: e.newText,
  }));
  withOffsets.sort((a, b) => b.start - a.start || b.end - a.end);
  let out = text;
  for (const e of withOffsets) out = out.slice(0, e.start) + e.newText + out.slice(e.end);
  return out;
}

/** Applies file edits onto an overlay (reading the base text from the reader). */
export function applyFileEdits(reader: SourceReader & { overlay: Map<string, string> }, edits: FileEdit[]): void {
  for (const fe of edits) {
    const base = fe.create ? '' : reader.read(fe.file);
    if (base === undefined) throw new Error(`cannot read ${fe.file}`);
    reader.overlay.set(fe.file, applyTextEdits(base, fe.edits));
  }
}

export function syntaxErrors(file: string, text: string): string[] {
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, false, ts.ScriptKind.TS);
  const diags = (sf as unknown as { parseDiagnostics: ts.Diagnostic[] }).parseDiagnostics;
  return diags.map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
}

/** Type-checks a fixture project (its tsconfig) with optional in-memory file contents. */
export function typeCheck(
  dir: string,
  overlay: Map<string, string> = new Map(),
  oldProgram?: ts.Program,
): { errors: string[]; program: ts.Program } {
  const configPath = `${dir}/tsconfig.json`;
  const config = ts.readConfigFile(configPath, ts.sys.readFile);
  const parsed = ts.parseJsonConfigFileContent(config.config, ts.sys, dir);
  const host = ts.createCompilerHost(parsed.options);
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (fileName, languageVersion, onError, shouldCreate) => {
    const text = overlay.get(fileName.replace(/\\/g, '/'));
    if (text !== undefined) return ts.createSourceFile(fileName, text, languageVersion, true);
    return getSourceFile(fileName, languageVersion, onError, shouldCreate);
  };
  const readFile = host.readFile.bind(host);
  host.readFile = (fileName) => overlay.get(fileName.replace(/\\/g, '/')) ?? readFile(fileName);
  const program = ts.createProgram(parsed.fileNames, parsed.options, host, oldProgram);
  const errors = ts
    .getPreEmitDiagnostics(program)
    .map((d) => `${d.file?.fileName ?? ''}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`);
  return { errors, program };
}

/** In-memory files (path → text) reviewed as Drizzle: the database of their first unit (all of them, when none). */
export function analyzeFiles(files: Record<string, string>): Database {
  const reader = memoryReader(files);
  const names = Object.keys(files).sort();
  const units = drizzleFrontEnd.discover(names, reader);
  const unit: Unit = units[0] ?? { language: 'drizzle', id: 'drizzle:/w', files: names };
  return drizzleFrontEnd.analyze(unit, reader, { validation: true }).databases[0];
}
