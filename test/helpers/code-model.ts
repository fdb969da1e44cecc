/**
 * Terse builders of code facts (CodeFile, DbCall, …) and small schemas for the code rules' table tests,
 * plus `runRule`, which runs one rule on those facts and returns what it reported.
 */
import type {
  BranchStep,
  CodeFile,
  Database,
  DbCall,
  Index,
  Loc,
  Table,
  TransactionScope,
  WritingCall,
} from '../../rules/model';
import type { FixIntent, ReportInput, Rule } from '../../rules/types';
import * as ts from 'typescript';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { SourceReader, TextEdit } from '../../server/src/languages/types';
import { prismaFrontEnd } from '../../server/src/languages/prisma';
import { codeFrontEnd } from '../../server/src/languages/code';
import { drizzleFrontEnd } from '../../server/src/languages/drizzle';

export const FILE = '/work/app/src/service.ts';

/** A Loc on `line` (0-based) from `start` to `end` characters, or over several lines with `endLine`. */
export function loc(line: number, start = 2, end = 60, endLine = line, file = FILE): Loc {
  return { file, range: { start: { line, character: start }, end: { line: endLine, character: end } } };
}

export interface Fn {
  enclosingFunction: string;
  functionLoc: Loc;
}

/** A function whose body spans lines `from`..`to`. */
export function fn(name: string, from: number, to: number, file = FILE): Fn {
  return { enclosingFunction: name, functionLoc: loc(from, 0, 1, to, file) };
}

export interface CallSpec extends Partial<DbCall> {
  /** 0-based line of the call and of its statement. */
  line: number;
  fn?: Fn;
}

const WRITE_OPS = new Set([
  'create', 'createMany', 'createManyAndReturn', 'update', 'updateMany', 'updateManyAndReturn', 'upsert', 'delete',
  'deleteMany', '$executeRaw', '$executeRawUnsafe', 'insert',
]);

/** A Prisma call: `prisma('user.create', …)` or with its client `prisma('tx.user.create', …)`. */
export function prisma(what: string, spec: CallSpec): DbCall {
  const parts = what.split('.');
  const [client, model, operation] = parts.length === 3 ? parts : ['prisma', parts[0], parts[1]];
  return build('prisma', client!, model, operation!, spec);
}

/** A Drizzle call: `drizzle('insert', 'users', …)`; `db` is the client unless `spec.client` says otherwise. */
export function drizzle(operation: string, table: string | undefined, spec: CallSpec): DbCall {
  return build('drizzle', spec.client ?? 'db', table, operation, spec);
}

function build(orm: DbCall['orm'], client: string, model: string | undefined, operation: string, spec: CallSpec): DbCall {
  const f = spec.fn ?? fn('handler', 0, 100);
  const { line, fn: _fn, ...rest } = spec;
  return {
    orm,
    client,
    model,
    operation,
    kind: WRITE_OPS.has(operation) ? 'write' : 'read',
    loc: loc(line, 10, 50),
    statementLoc: loc(line, 4, 52),
    awaited: true,
    enclosingFunction: f.enclosingFunction,
    functionLoc: f.functionLoc,
    ...(client === 'tx' ? { viaTransactionClient: true } : {}),
    ...rest,
  };
}

/** A transaction scope whose callback/array spans lines `from`..`to`. */
export function transaction(from: number, to: number, opts: Partial<TransactionScope> = {}): TransactionScope {
  return {
    orm: 'prisma',
    client: 'prisma',
    callbackParam: 'tx',
    form: 'callback',
    range: loc(from, 30, 3, to),
    callLoc: loc(from, 8, 4, to),
    ...opts,
  };
}

export function writingCall(callee: string, spec: { line: number; fn?: Fn } & Partial<WritingCall>): WritingCall {
  const f = spec.fn ?? fn('handler', 0, 100);
  const { line, fn: _fn, ...rest } = spec;
  return {
    callee,
    loc: loc(line, 10, 40),
    statementLoc: loc(line, 4, 42),
    awaited: true,
    enclosingFunction: f.enclosingFunction,
    functionLoc: f.functionLoc,
    ...rest,
  };
}

/** The arm `arm` (0 = then, 1 = else) of an if statement spanning lines `from`..`to`, arm spanning `armFrom`..`armTo`. */
export function arm(from: number, to: number, armFrom: number, armTo: number, exits = false): BranchStep {
  return { statement: loc(from, 2, 3, to), arm: loc(armFrom, 10, 3, armTo), ...(exits ? { exits } : {}) };
}

export function codeFile(calls: DbCall[], extra: Partial<CodeFile> = {}): CodeFile {
  return { file: FILE, calls, transactions: [], writingCalls: [], ...extra };
}

// ---------------------------------------------------------------------------------------------
// Schemas
// ---------------------------------------------------------------------------------------------

export const SCHEMA = '/work/app/prisma/schema.prisma';

export interface TableSpec {
  pk?: string[];
  indexes?: string[][];
  uniques?: string[][];
  /** Foreign keys: local columns → referenced table. */
  fks?: { columns: string[]; table: string }[];
  /** Line of the model in the schema (for locs). */
  line?: number;
  dbName?: string;
}

function index(columns: string[], kind: Index['kind'], line: number): Index {
  return { columns, unique: kind !== 'index', kind, loc: loc(line, 2, 30, line, SCHEMA) };
}

export function table(name: string, columns: string[], spec: TableSpec = {}): Table {
  const line = spec.line ?? 0;
  return {
    name,
    ...(spec.dbName ? { dbName: spec.dbName } : {}),
    columns: columns.map((c, i) => ({
      name: c,
      type: 'string',
      rawType: 'String',
      nullable: false,
      loc: loc(line + 1 + i, 2, 20, line + 1 + i, SCHEMA),
    })),
    primaryKey: index(spec.pk ?? ['id'], 'primary', line + 1),
    indexes: [
      ...(spec.indexes ?? []).map((c) => index(c, 'index', line + columns.length + 1)),
      ...(spec.uniques ?? []).map((c) => index(c, 'unique', line + columns.length + 1)),
    ],
    foreignKeys: (spec.fks ?? []).map((fk) => ({
      columns: fk.columns,
      references: { table: fk.table, columns: ['id'] },
      defaultOnDelete: 'Restrict',
      loc: loc(line + 1, 2, 40, line + 1, SCHEMA),
      enforced: true,
    })),
    loc: loc(line, 0, 1, line + columns.length + 2, SCHEMA),
    nameLoc: loc(line, 6, 6 + name.length, line, SCHEMA),
  };
}

export function database(language: Database['language'], tables: Table[], dialect: Database['dialect'] = 'postgresql'): Database {
  return {
    id: `${language}:${SCHEMA}`,
    language,
    dialect,
    relationMode: 'foreignKeys',
    tables,
    enums: [],
    files: [SCHEMA],
  };
}

// ---------------------------------------------------------------------------------------------
// Running a rule
// ---------------------------------------------------------------------------------------------

export function runRule(rule: Rule, input: { codeFiles: CodeFile[]; databases?: Database[] }): ReportInput[] {
  const found: ReportInput[] = [];
  const databases = input.databases ?? [];
  rule.check({
    databases,
    codeFiles: input.codeFiles,
    databaseFor: (orm) => databases.find((d) => d.language === orm),
    report: (f) => found.push(f),
  });
  return found;
}

/** `line:char-line:char` of a Loc, for short range asserts. */
export function span(l: Loc): string {
  const { start, end } = l.range;
  return `${start.line}:${start.character}-${end.line}:${end.character}`;
}

// ---------------------------------------------------------------------------------------------
// Real fixtures through the front-ends (Prisma schema + code)
// ---------------------------------------------------------------------------------------------

export const CODE_FIXTURES = join(__dirname, '../fixtures/code-rules').replace(/\\/g, '/');

function diskReader(overrides: Record<string, string> = {}): SourceReader {
  return {
    read(path: string) {
      if (path in overrides) return overrides[path];
      try {
        return statSync(path).isFile() ? readFileSync(path, 'utf8') : undefined;
      } catch {
        return undefined;
      }
    },
  };
}

function listFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      if (name === 'node_modules') continue;
      const p = `${d}/${name}`;
      if (statSync(p).isDirectory()) walk(p);
      else out.push(p);
    }
  };
  walk(dir);
  return out.sort();
}

export interface AnalyzedProject {
  root: string;
  databases: Database[];
  codeFiles: CodeFile[];
  /** 0-based line of the first line of `file` (relative to root) containing `snippet`. */
  lineOf(file: string, snippet: string, nth?: number): number;
  /** The CodeFile of `file` (relative to root). */
  codeFile(file: string): CodeFile;
  /** The reader the project was analyzed with (disk plus overrides). */
  reader: SourceReader;
  /** Texts that replace the files on disk (absolute path → text). */
  overrides: Record<string, string>;
}

/** Analyzes a fixture project under test/fixtures/code-rules with the Prisma and code front-ends. */
export function analyzeProject(name: string, overrides: Record<string, string> = {}, schemas?: Database[]): AnalyzedProject {
  const root = `${CODE_FIXTURES}/${name}`;
  const files = listFiles(root);
  const reader = diskReader(overrides);
  const databases: Database[] = schemas ? [...schemas] : [];
  if (!schemas) for (const unit of prismaFrontEnd.discover(files.filter((f) => f.endsWith('.prisma')), reader)) {
    databases.push(...prismaFrontEnd.analyze(unit, reader, { validation: false }).databases);
  }
  if (!schemas) for (const unit of drizzleFrontEnd.discover(files.filter((f) => /\.(ts|tsx|js|mjs|cjs)$/.test(f)), reader)) {
    databases.push(...drizzleFrontEnd.analyze(unit, reader, { validation: false }).databases);
  }
  const codeFiles: CodeFile[] = [];
  for (const unit of codeFrontEnd.discover(files.filter((f) => /\.(ts|tsx|js|mjs|cjs)$/.test(f)), reader)) {
    codeFiles.push(...codeFrontEnd.analyze(unit, reader, { validation: false, databases }).codeFiles);
  }
  return {
    root,
    databases,
    codeFiles,
    reader,
    overrides,
    lineOf(file, snippet, nth = 0) {
      const lines = (reader.read(`${root}/${file}`) ?? '').split('\n');
      const found = lines.flatMap((l, i) => (l.includes(snippet) ? [i] : []));
      if (found[nth] === undefined) throw new Error(`"${snippet}" not found in ${file}`);
      return found[nth]!;
    },
    codeFile(file) {
      const found = codeFiles.find((c) => c.file === `${root}/${file}`);
      if (!found) throw new Error(`no code facts for ${file}`);
      return found;
    },
  };
}

/** Findings of `rule` on an analyzed project, as `file:line` (1-based line, file relative to root) → message. */
export function findingsIn(rule: Rule, project: AnalyzedProject): { where: string; finding: ReportInput }[] {
  return runRule(rule, project)
    .map((finding) => ({ where: `${finding.loc.file.slice(project.root.length + 1)}:${finding.loc.range.start.line + 1}`, finding }))
    .sort((a, b) => (a.where < b.where ? -1 : a.where > b.where ? 1 : 0));
}

/** Applies non-overlapping LSP edits to a text. */
export function applyTextEdits(text: string, edits: readonly TextEdit[]): string {
  const lineStarts = [0];
  for (let i = 0; i < text.length; i++) if (text[i] === '\n') lineStarts.push(i + 1);
  const offset = (p: { line: number; character: number }) => Math.min(text.length, (lineStarts[p.line] ?? text.length) + p.character);
  const sorted = edits
    .map((e) => ({ start: offset(e.range.start), end: offset(e.range.end), newText: e.newText }))
    .sort((a, b) => b.start - a.start || b.end - a.end);
  let out = text;
  for (const e of sorted) out = out.slice(0, e.start) + e.newText + out.slice(e.end);
  return out;
}

/**
 * Asks the front-end that owns the fix's file to write it, applies the edits and re-analyzes the project.
 * Returns undefined when the front-end writes no text for the intent.
 */
export function applyFix(project: AnalyzedProject, name: string, intent: FixIntent): { project: AnalyzedProject; texts: Record<string, string> } | undefined {
  const language = intent.kind === 'addIndex' ? intent.database.language : 'code';
  const frontEnd = language === 'prisma' ? prismaFrontEnd : language === 'drizzle' ? drizzleFrontEnd : codeFrontEnd;
  const edits = frontEnd.writeFix(intent, project.reader);
  if (!edits || !edits.length) return undefined;
  const texts: Record<string, string> = {};
  for (const fe of edits) texts[fe.file] = applyTextEdits(texts[fe.file] ?? project.reader.read(fe.file) ?? '', fe.edits);
  return { project: analyzeProject(name, { ...project.overrides, ...texts }), texts };
}

/** Syntax errors TypeScript finds in a text (empty when it parses). */
export function syntaxErrors(file: string, text: string): string[] {
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, file.endsWith('x') ? ts.ScriptKind.TSX : ts.ScriptKind.TS);
  const diagnostics = (sf as unknown as { parseDiagnostics?: ts.Diagnostic[] }).parseDiagnostics ?? [];
  return diagnostics.map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
}

/**
 * The project analyzed with `file` cut short at `count` evenly spaced points (half-typed code), for
 * checking that a rule never throws on whatever facts broken input yields. The schemas are analyzed once.
 */
export function analyzeCuts(name: string, file: string, count = 12): AnalyzedProject[] {
  const path = `${CODE_FIXTURES}/${name}/${file}`;
  const text = readFileSync(path, 'utf8');
  const { databases } = analyzeProject(name);
  const out: AnalyzedProject[] = [];
  for (let i = 1; i <= count; i++) {
    const cut = Math.floor((text.length * i) / (count + 1));
    out.push(analyzeProject(name, { [path]: text.slice(0, cut) }, databases));
  }
  return out;
}
