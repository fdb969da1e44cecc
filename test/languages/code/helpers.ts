/** Shared helpers for the code front-end tests: fixture readers, edit application, type-checking. */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import * as ts from 'typescript';
import type { CodeFile, Database, DbCall } from '../../../rules/model';
import { codeFrontEnd } from '../../../server/src/languages/code';
import type { FileEdit, SourceReader } from '../../../server/src/languages/types';

export const FIXTURES = resolve(__dirname, '../../fixtures/code');

export function listFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      if (name === 'node_modules') continue;
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else out.push(p);
    }
  };
  walk(dir);
  return out;
}

/** A reader over the disk with in-memory overrides (edited files). */
export function reader(overrides: Map<string, string> = new Map()): SourceReader {
  return {
    read(path: string) {
      if (overrides.has(path)) return overrides.get(path);
      try {
        return readFileSync(path, 'utf8');
      } catch {
        return undefined;
      }
    },
  };
}

/** A minimal Prisma database (model names only) for the code front-end's model check. */
export function prismaDatabase(models: string[]): Database {
  const loc = { file: '/schema.prisma', range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } } };
  return {
    id: 'prisma:/schema.prisma',
    language: 'prisma',
    dialect: 'postgresql',
    relationMode: 'foreignKeys',
    enums: [],
    files: ['/schema.prisma'],
    tables: models.map((name) => ({ name, columns: [], indexes: [], foreignKeys: [], loc, nameLoc: loc })),
  };
}

export const PRISMA_APP_MODELS = [
  'User', 'Account', 'Session', 'Content', 'AuditLog', 'QuizSubmission', 'LessonProgress', 'Certificate',
  'Enrollment', 'Lesson', 'SignalTrade', 'VideoView', 'Notification',
];

export function analyzeFixture(dir: string, databases: Database[] = [], overrides = new Map<string, string>()) {
  const r = reader(overrides);
  const units = codeFrontEnd.discover(listFiles(dir), r);
  if (units.length !== 1) throw new Error(`expected one code unit, got ${units.length}`);
  const analysis = codeFrontEnd.analyze(units[0], r, { validation: false, databases });
  return { unit: units[0], analysis, reader: r };
}

export function codeFile(files: CodeFile[], suffix: string): CodeFile {
  const f = files.find((c) => c.file.endsWith(suffix));
  if (!f) throw new Error(`no code file ${suffix}`);
  return f;
}

/** 1-based line of a call, for readable assertions. */
export function line(c: { loc: { range: { start: { line: number } } } }): number {
  return c.loc.range.start.line + 1;
}

export function callAt(file: CodeFile, oneBasedLine: number, operation?: string): DbCall {
  const c = file.calls.find((x) => line(x) === oneBasedLine && (!operation || x.operation === operation));
  if (!c) throw new Error(`no call at ${file.file}:${oneBasedLine} (${file.calls.map((x) => `${line(x)}:${x.operation}`).join(', ')})`);
  return c;
}

export function applyEdits(text: string, edits: FileEdit['edits']): string {
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text[i] === '\n') starts.push(i + 1);
  const off = (p: { line: number; character: number }) => starts[p.line] + p.character;
  const sorted = [...edits].sort((a, b) => off(b.range.start) - off(a.range.start));
  let out = text;
  for (const e of sorted) out = out.slice(0, off(e.range.start)) + e.newText + out.slice(off(e.range.end));
  return out;
}

/** Applies a fix's FileEdits over the disk, returning the overrides map. */
export function applyFix(edits: FileEdit[] | undefined, base = new Map<string, string>()): Map<string, string> {
  if (!edits) throw new Error('no fix produced');
  const out = new Map(base);
  for (const fe of edits) out.set(fe.file, applyEdits(out.get(fe.file) ?? readFileSync(fe.file, 'utf8'), fe.edits));
  return out;
}

export function syntaxErrors(file: string, text: string): number {
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  return ((sf as unknown as { parseDiagnostics?: ts.Diagnostic[] }).parseDiagnostics ?? []).length;
}

const parsedOnce = new Map<string, ts.SourceFile>();

/** Type-checks a fixture project (its tsconfig.json) with edited files overlaid; returns the messages. */
export function typecheck(dir: string, overrides = new Map<string, string>()): string[] {
  const configPath = join(dir, 'tsconfig.json');
  const json = ts.parseConfigFileTextToJson(configPath, readFileSync(configPath, 'utf8')).config;
  const parsed = ts.parseJsonConfigFileContent(json, ts.sys, dir);
  const options = { ...parsed.options, noEmit: true, typeRoots: [resolve(__dirname, '../../../node_modules/@types')] };
  const host = ts.createCompilerHost(options);
  const readFile = host.readFile.bind(host);
  host.readFile = (f) => overrides.get(f) ?? readFile(f);
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (f, lang, onError, create) => {
    const o = overrides.get(f);
    if (o !== undefined) return ts.createSourceFile(f, o, lang);
    // Declaration files of lib/node/drizzle-orm never change between checks: parse them once.
    let sf = parsedOnce.get(f);
    if (!sf) {
      sf = getSourceFile(f, lang, onError, create);
      if (sf && f.includes('/node_modules/')) parsedOnce.set(f, sf);
    }
    return sf;
  };
  const program = ts.createProgram(parsed.fileNames, options, host);
  return ts.getPreEmitDiagnostics(program).map((d) => {
    const msg = ts.flattenDiagnosticMessageText(d.messageText, '\n');
    if (!d.file || d.start === undefined) return msg;
    const p = d.file.getLineAndCharacterOfPosition(d.start);
    return `${d.file.fileName}:${p.line + 1}: ${msg}`;
  });
}

/** Analyzes one in-memory file (for small shapes that need no fixture project). */
export function analyzeText(text: string, path = '/virtual/app.ts', databases: Database[] = []) {
  const r: SourceReader = { read: (p) => (p === path ? text : undefined) };
  const analysis = codeFrontEnd.analyze({ language: 'code', id: 'code:/virtual', files: [path] }, r, { validation: false, databases });
  return { file: analysis.codeFiles[0], reader: r, analysis };
}
