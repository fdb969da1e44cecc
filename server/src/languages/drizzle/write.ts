/**
 * Fix intents → Drizzle text edits. Each writer re-reads the file, finds the node the fact's range
 * names, and writes the smallest edit that keeps the user's formatting (indentation, quotes,
 * trailing commas, array or object form of the extra config).
 */
import type * as ts from 'typescript';
import type { Column, Database, ReferentialAction, Table } from '../../../../rules/model';
import { columnOf, tableOf, type FixIntent } from '../../../../rules/types';
import type { FileEdit, SourceReader, TextEdit } from '../types';
import { writeSchemaFix, type SchemaWriters } from '../writers';
import * as ast from './ast';
import type { ImportInfo } from './ast';
import { ACTION_TEXT, declaredByHelper, dirname, returnedExpression } from './analyze';
import { scanFile, type FileScan } from './scan';
import { chooseName, makeObjectName } from '../sql/names';
import { drizzleOlderThan } from './version';
import { safeRead } from '../packages';
import { constantString, helperForm, helperNamed, indexWrapper, type ModuleOf } from './helpers';
import { TsconfigPaths, resolveImport } from '../code/resolve';

/** Module-local copies of the syntax helpers (see analyze.ts: imported bindings are getters under tsx). */
const {
  T,
  ARRAY,
  CALL,
  CORE_MODULE_OF,
  OBJECT,
  decomposeChain,
  dotBefore,
  idText,
  isUnparsable,
  leadingIndent,
  lineAt,
  lineStartOf,
  lineStartsOf,
  parseDiagnosticsOf,
  parseCached,
  propertyName,
  rangeIn,
  startOf,
  stringLiteralUnion,
  stringValue,
  unwrapExpression,
} = ast;

interface Doc {
  file: string;
  text: string;
  sf: ts.SourceFile;
  /** The file's line starts (`lineStartsOf(sf)`), read by every fix: kept here, not asked of the cache each time. */
  lines: readonly number[];
  imports: ImportInfo;
  quote: string;
  /** indentUnit's answer, computed once per text. */
  indent?: string;
  /** countReferences' answers for this text, by name. */
  references?: Map<string, number>;
  /** topLevelNames' answer for this text. */
  topLevel?: Set<string>;
  /** referenceSpans' answers for this text, by name. */
  referenceSpans?: Map<string, Span[]>;
  /** preferredForm's answer for this text. */
  form?: 'array' | 'object';
  /** Table calls by where their name argument starts (findTableCall, when the analysis did not record the table's). */
  tableCalls?: Map<number, ts.CallExpression>;
}

interface Edit {
  start: number;
  end: number;
  text: string;
}

function open(reader: SourceReader, file: string): Doc | undefined {
  let text: string | undefined;
  try {
    text = reader.read(file);
  } catch {
    return undefined;
  }
  if (text === undefined) return undefined;
  // The tree analysis already built for this exact text (parseCached), and the Doc built on it by an
  // earlier fix: a review writes many fixes per file and must not re-parse the file for each.
  const sf = parseCached(file, text);
  // A Doc is only made for a tree that passed the checks below.
  const hit = docs.get(sf);
  if (hit && hit.file === file && hit.text === text) return hit;
  // No fixes in a file with syntax errors (a half-typed line): the tree around them is the parser's guess, and an
  // edit placed by it can land inside the unfinished code and add errors of its own.
  if (isUnparsable(sf) || parseDiagnosticsOf(sf).length > 0) return undefined;
  // The imports the scan read (the same readImports), not a second pass over the statements.
  const imports = scanFile(file, sf).imports;
  const doc: Doc = { file, text, sf, lines: lineStartsOf(sf), imports, quote: imports.quote };
  docs.set(sf, doc);
  return doc;
}

/** Docs by syntax tree: they live as long as parseCached keeps the tree (one per file). */
const docs = new WeakMap<ts.SourceFile, Doc>();

function toFileEdit(doc: Doc, edits: Edit[]): FileEdit {
  // In text order. Most fixes make one edit or two: two are put in order as the sort would (it is stable, and moves
  // the second before the first only when it compares lower), without a copy and a sort.
  const sorted =
    edits.length < 2
      ? edits
      : edits.length === 2
        ? byPosition(edits[1], edits[0]) < 0
          ? [edits[1], edits[0]]
          : edits
        : [...edits].sort(byPosition);
  const out: TextEdit[] = sorted.map((e) => ({ range: rangeIn(doc.lines, e.start, e.end), newText: e.text }));
  return { file: doc.file, edits: out };
}

/** Text order of edits: by start, then by end. */
function byPosition(a: Edit, b: Edit): number {
  return a.start - b.start || a.end - b.end;
}

function offsetOf(doc: Doc, line: number, character: number): number {
  const starts = doc.lines;
  if (line < 0 || line >= starts.length) return -1;
  return starts[line] + character;
}

function span(doc: Doc, loc: { range: { start: { line: number; character: number }; end: { line: number; character: number } } }) {
  return {
    start: offsetOf(doc, loc.range.start.line, loc.range.start.character),
    end: offsetOf(doc, loc.range.end.line, loc.range.end.character),
  };
}

/** The first node (outermost first) containing [start, end] that satisfies `match`. */
function findNode<T extends ts.Node>(doc: Doc, start: number, end: number, match: (n: ts.Node) => n is T): T | undefined;
function findNode(doc: Doc, start: number, end: number, match: (n: ts.Node) => boolean): ts.Node | undefined;
function findNode(doc: Doc, start: number, end: number, match: (n: ts.Node) => boolean): ts.Node | undefined {
  if (start < end) {
    // Siblings' [pos, end] overlap at most in a point, so one child at most contains a non-empty range:
    // the depth-first search below only ever follows one path. Walk down it directly.
    wantedStart = start;
    wantedEnd = end;
    for (let node = topLevelContaining(doc.sf); node; node = childContaining(node)) {
      if (match(node)) return node;
    }
    return undefined;
  }
  let found: ts.Node | undefined;
  const visit = (node: ts.Node): void => {
    if (found) return;
    if (node.pos > start || node.end < end) return;
    if (match(node)) {
      found = node;
      return;
    }
    T.forEachChild(node, visit);
  };
  T.forEachChild(doc.sf, visit);
  return found;
}

/** The range findNode and isReferenceAt walk down to, for `containsWanted` (a plain function: no closure per step). */
let wantedStart = 0;
let wantedEnd = 0;

function containsWanted(node: ts.Node): ts.Node | undefined {
  return node.pos <= wantedStart && node.end >= wantedEnd ? node : undefined;
}

/**
 * `T.forEachChild(node, containsWanted)` for a non-empty wanted range, where one child at most contains it: the
 * lists of object and array literals and of call arguments searched by halves (they are in text order), the
 * other kinds child by child.
 */
function childContaining(node: ts.Node): ts.Node | undefined {
  const k = node.kind;
  if (k === OBJECT) return itemContaining((node as ts.ObjectLiteralExpression).properties);
  if (k === ARRAY) return itemContaining((node as ts.ArrayLiteralExpression).elements);
  if (k === CALL) {
    const call = node as ts.CallExpression;
    if (call.questionDotToken || call.typeArguments) return T.forEachChild(node, containsWanted);
    return containsWanted(call.expression) ?? itemContaining(call.arguments);
  }
  return T.forEachChild(node, containsWanted);
}

function itemContaining(list: ts.NodeArray<ts.Node>): ts.Node | undefined {
  const i = indexContaining(list);
  return i < 0 ? undefined : list[i];
}

/** By halves over a list in text order: the index of a node whose extent holds the wanted range, or -1. */
function indexContaining(list: readonly ts.Node[]): number {
  let lo = 0;
  let hi = list.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const item = list[mid];
    if (item.end < wantedEnd) lo = mid + 1;
    else if (item.pos > wantedStart) hi = mid - 1;
    else return mid;
  }
  return -1;
}

/**
 * `T.forEachChild(sf, containsWanted)` by a binary search over the statements (in text order): a schema
 * file has hundreds of them, and a linear search touches each one's (cold) node for every fix.
 */
function topLevelContaining(sf: ts.SourceFile): ts.Node | undefined {
  const statements = sf.statements;
  let i = indexContaining(statements);
  // Not within a statement: whatever else the file holds (its end-of-file token).
  if (i < 0) return T.forEachChild(sf, containsWanted);
  // Statements touch at their ends: the first one that contains the range, as the linear search finds.
  while (i > 0 && containsWanted(statements[i - 1])) i--;
  return statements[i];
}

/** The quote characters a file may use (`readImports`), as global regexes compiled once, not per fix. */
const QUOTES: Record<string, RegExp> = { "'": /'/g, '"': /"/g };

function q(doc: Doc, s: string): string {
  // Most strings hold neither a backslash nor the quote: nothing to escape.
  if (!s.includes('\\') && !s.includes(doc.quote)) return doc.quote + s + doc.quote;
  const quote = QUOTES[doc.quote] ?? new RegExp(doc.quote, 'g');
  return doc.quote + s.replace(/\\/g, '\\\\').replace(quote, '\\' + doc.quote) + doc.quote;
}

/** Position of the comma right after `pos` (skipping whitespace and comments), or -1. */
function commaAfter(text: string, pos: number): number {
  let i = pos;
  while (i < text.length) {
    const c = text[i];
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') i++;
    else if (text.startsWith('//', i)) {
      const nl = text.indexOf('\n', i);
      i = nl < 0 ? text.length : nl;
    } else if (text.startsWith('/*', i)) {
      const close = text.indexOf('*/', i + 2);
      i = close < 0 ? text.length : close + 2;
    } else return c === ',' ? i : -1;
  }
  return -1;
}

function lineOf(doc: Doc, pos: number): number {
  // The line table's binary search without the { line, character } object (positions here are never negative).
  return lineAt(doc.lines, pos);
}

/** Indentation unit guessed from the file (two spaces unless it uses tabs or four spaces). */
function indentUnit(doc: Doc): string {
  if (doc.indent === undefined) doc.indent = guessIndentUnit(doc);
  return doc.indent;
}

function guessIndentUnit(doc: Doc): string {
  const m = /\n([ \t]+)\S/.exec(doc.text);
  if (!m) return '  ';
  if (m[1].startsWith('\t')) return '\t';
  return m[1].length % 4 === 0 && m[1].length >= 4 && !/\n {2}\S/.test(doc.text) ? '    ' : '  ';
}

/**
 * Appends an item to a bracketed list (array elements, object properties, import specifiers),
 * keeping one-line or one-item-per-line layout and the trailing comma style.
 */
function appendToList(doc: Doc, container: ts.Node, list: ts.NodeArray<ts.Node>, item: string, brackets: [string, string]): Edit {
  const text = doc.text;
  if (list.length === 0) {
    const start = startOf(doc.sf, container);
    const pad = brackets[0] === '{' ? ' ' : '';
    return { start, end: container.end, text: `${brackets[0]}${pad}${item}${pad}${brackets[1]}` };
  }
  const last = list[list.length - 1];
  const multiline = lineOf(doc, startOf(doc.sf, last)) !== lineOf(doc, startOf(doc.sf, container));
  const comma = commaAfter(text, last.end);
  const hasTrailingComma = comma >= 0 && comma < container.end - 1;
  if (multiline) {
    const indent = leadingIndent(text, startOf(doc.sf, last));
    if (hasTrailingComma) return { start: comma + 1, end: comma + 1, text: `\n${indent}${item},` };
    return { start: last.end, end: last.end, text: `,\n${indent}${item}` };
  }
  if (hasTrailingComma) return { start: comma + 1, end: comma + 1, text: ` ${item},` };
  return { start: last.end, end: last.end, text: `, ${item}` };
}

/** Removes one item of a list with its comma (and its line, when it stands alone on it). */
function removeFromList(doc: Doc, list: ts.NodeArray<ts.Node>, index: number): Edit {
  const text = doc.text;
  const el = list[index];
  const s = startOf(doc.sf, el);
  const comma = commaAfter(text, el.end);
  const e = comma >= 0 ? comma + 1 : el.end;
  const ls = lineStartOf(text, s);
  let le = e;
  while (le < text.length && (text[le] === ' ' || text[le] === '\t')) le++;
  const aloneBefore = text.slice(ls, s).trim() === '';
  if (aloneBefore && (text[le] === '\n' || text[le] === '\r' || le >= text.length)) {
    const next = text.indexOf('\n', le);
    return { start: ls, end: next < 0 ? text.length : next + 1, text: '' };
  }
  if (index < list.length - 1) return { start: s, end: startOf(doc.sf, list[index + 1]), text: '' };
  if (index > 0) return { start: list[index - 1].end, end: el.end, text: '' };
  return { start: s, end: e, text: '' };
}

/** Adds or replaces `key: value` in an object literal. */
function upsertProperty(doc: Doc, object: ts.ObjectLiteralExpression, key: string, value: string): Edit {
  for (const p of object.properties) {
    if (T.isPropertyAssignment(p) && propertyName(p.name) === key) {
      return { start: startOf(doc.sf, p.initializer), end: p.initializer.end, text: value };
    }
  }
  if (object.properties.length === 0) return { start: startOf(doc.sf, object), end: object.end, text: `{ ${key}: ${value} }` };
  const first = object.properties[0];
  const fs = startOf(doc.sf, first);
  if (lineOf(doc, fs) !== lineOf(doc, startOf(doc.sf, object))) {
    return { start: fs, end: fs, text: `${key}: ${value},\n${leadingIndent(doc.text, fs)}` };
  }
  return { start: fs, end: fs, text: `${key}: ${value}, ` };
}

/** Identifiers named `name` that are references in the file (not property names, not the import itself). */
function countReferences(doc: Doc, name: string): number {
  const counts = (doc.references ??= new Map());
  let count = counts.get(name);
  if (count !== undefined) return count;
  count = name.length > 0 && !doc.text.includes('\\u') ? countByOccurrences(doc, name) : undefined;
  // An identifier may spell its name with unicode escapes, and a short name may occur too often: the full walk.
  if (count === undefined) count = walkReferences(doc, name);
  counts.set(name, count);
  return count;
}

/**
 * Each occurrence of the name in the text, confirmed by the tree: one path down per occurrence
 * instead of a walk over the whole file. Undefined when there are too many to be cheaper.
 * The references found are referenceSpans' answer for the name (the same occurrences, the same test): kept for it,
 * since a fix that counts a builder's references mostly holds the others next (holdOtherUses).
 */
function countByOccurrences(doc: Doc, name: string): number | undefined {
  const text = doc.text;
  const spans: Span[] = [];
  let checked = 0;
  for (let at = text.indexOf(name); at >= 0; at = text.indexOf(name, at + 1)) {
    // An identifier token never stops before an ASCII identifier character: a longer name, not this one.
    if (isAsciiIdentifierPart(text.charCodeAt(at + name.length))) continue;
    if (++checked > 128) return undefined;
    if (isReferenceAt(doc.sf, at, name)) spans.push({ start: at, end: at + name.length });
  }
  const known = (doc.referenceSpans ??= new Map());
  if (!known.has(name)) known.set(name, spans);
  return spans.length;
}

function isAsciiIdentifierPart(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95 /* _ */ || c === 36 /* $ */;
}

/** Whether the token at `at` is an identifier `name` that `walkReferences` counts (same exclusions). */
function isReferenceAt(sf: ts.SourceFile, at: number, name: string): boolean {
  // The nodes containing the character at `at`.
  wantedStart = at;
  wantedEnd = at + 1;
  const top = topLevelContaining(sf);
  if (!top) return false;
  let node: ts.Node = top;
  for (;;) {
    let next: ts.Node | undefined;
    if (T.isImportDeclaration(node)) return false;
    if (T.isIdentifier(node)) return node.text === name && node.end === at + name.length;
    if (T.isPropertyAccessExpression(node)) next = containsWanted(node.expression);
    else if (T.isPropertyAssignment(node)) next = containsWanted(node.initializer);
    else next = childContaining(node);
    if (!next) return false;
    node = next;
  }
}

/** The whole-file count: identifiers outside imports, property-access names and property keys. */
function walkReferences(doc: Doc, name: string): number {
  let count = 0;
  const visit = (node: ts.Node): void => {
    if (T.isImportDeclaration(node)) return;
    if (T.isPropertyAccessExpression(node)) {
      visit(node.expression);
      return;
    }
    if (T.isPropertyAssignment(node)) {
      visit(node.initializer);
      return;
    }
    if (T.isIdentifier(node) && node.text === name) count++;
    T.forEachChild(node, visit);
  };
  T.forEachChild(doc.sf, visit);
  return count;
}

interface ImportPlan {
  /** How to write the name in code (`index`, `pg.index`, an alias). */
  local: string;
  edits: Edit[];
  /** The name was imported already: `edits` only hold it in place (see ensureImport). */
  existing?: boolean;
}

function importDeclarationFrom(doc: Doc, module: string, allowTypeOnly = false): ts.ImportDeclaration | undefined {
  return doc.imports.imports.find(
    (d) => stringValue(d.moduleSpecifier) === module && (allowTypeOnly || !d.importClause?.isTypeOnly),
  );
}

function semicolon(doc: Doc): string {
  const first = doc.imports.imports[0];
  if (!first) return ';';
  return doc.text.charAt(first.end - 1) === ';' ? ';' : '';
}

/** Makes `name` from `module` usable in the file: reuses an existing import or adds one. */
function ensureImport(doc: Doc, name: string, module: string, typeOnly = false): ImportPlan {
  for (const decl of doc.imports.imports) {
    if (stringValue(decl.moduleSpecifier) !== module) continue;
    const bindings = decl.importClause?.namedBindings;
    if (bindings && T.isNamespaceImport(bindings)) return { local: `${bindings.name.text}.${name}`, edits: [], existing: true };
    if (bindings && T.isNamedImports(bindings)) {
      for (const el of bindings.elements) {
        const imported = el.propertyName ? propertyName(el.propertyName as ts.PropertyName) : el.name.text;
        if (imported === name && (typeOnly || (!decl.importClause?.isTypeOnly && !el.isTypeOnly))) {
          // The fix relies on this import: an edit that leaves it as it is, so that a fix removing it in the same
          // fix-all pass (a dropped index taking its builder's import along) conflicts with this one and waits.
          const at = startOf(doc.sf, el);
          return { local: el.name.text, edits: [{ start: at, end: el.end, text: doc.text.slice(at, el.end) }], existing: true };
        }
      }
    }
  }
  const decl = importDeclarationFrom(doc, module);
  const bindings = decl?.importClause?.namedBindings;
  // A name the file already binds (a local `const jsonb = customType(...)`, an import from elsewhere) is imported
  // under another one: a second binding would not compile.
  const local = freeLocalName(doc, name, module);
  const spec = (typeOnly ? 'type ' : '') + (local === name ? name : `${name} as ${local}`);
  if (decl && bindings && T.isNamedImports(bindings)) {
    return { local, edits: [appendToList(doc, bindings, bindings.elements, spec, ['{', '}'])] };
  }
  const after = doc.imports.imports.length ? doc.imports.imports[doc.imports.imports.length - 1].end : 0;
  const line = `import { ${spec} } from ${q(doc, module)}${semicolon(doc)}`;
  return { local, edits: [{ start: after, end: after, text: after === 0 ? `${line}\n` : `\n${line}` }] };
}

/** `name` when the file binds no such name at its top level, else an alias it does not bind (`pgJsonb`, `users2`). */
function freeLocalName(doc: Doc, name: string, module: string): string {
  const bound = topLevelNames(doc);
  if (!bound.has(name)) return name;
  const dialect = CORE_MODULES_PREFIX[module];
  const candidates = dialect ? [`${dialect}${name.charAt(0).toUpperCase()}${name.slice(1)}`] : [];
  for (const c of candidates) if (!bound.has(c)) return c;
  for (let i = 2; ; i++) if (!bound.has(`${name}${i}`)) return `${name}${i}`;
}

const CORE_MODULES_PREFIX: Partial<Record<string, string>> = {
  'drizzle-orm/pg-core': 'pg',
  'drizzle-orm/mysql-core': 'mysql',
  'drizzle-orm/sqlite-core': 'sqlite',
  'drizzle-orm/singlestore-core': 'singlestore',
};

/** The names the file binds at its top level: every import, variable, function, class, enum, type and namespace. */
function topLevelNames(doc: Doc): Set<string> {
  if (doc.topLevel) return doc.topLevel;
  const names = new Set<string>();
  const bind = (n: ts.BindingName | undefined): void => {
    if (!n) return;
    if (T.isIdentifier(n)) names.add(n.text);
    else for (const e of n.elements) if (!T.isOmittedExpression(e)) bind(e.name);
  };
  for (const statement of doc.sf.statements) {
    if (T.isImportDeclaration(statement)) {
      const clause = statement.importClause;
      if (clause?.name) names.add(clause.name.text);
      const b = clause?.namedBindings;
      if (b && T.isNamespaceImport(b)) names.add(b.name.text);
      else if (b && T.isNamedImports(b)) for (const e of b.elements) names.add(e.name.text);
    } else if (T.isVariableStatement(statement)) {
      for (const d of statement.declarationList.declarations) bind(d.name);
    } else if (T.isImportEqualsDeclaration(statement) || T.isFunctionDeclaration(statement) || T.isClassDeclaration(statement) || T.isEnumDeclaration(statement) || T.isInterfaceDeclaration(statement) || T.isTypeAliasDeclaration(statement) || T.isModuleDeclaration(statement)) {
      const n = statement.name;
      if (n && T.isIdentifier(n)) names.add(n.text);
    }
  }
  doc.topLevel = names;
  return names;
}

function coreModule(database: Database, doc: Doc): string {
  const written = doc.imports.coreImport ? stringValue(doc.imports.coreImport.moduleSpecifier) : undefined;
  return CORE_MODULE_OF[database.dialect] ?? written ?? 'drizzle-orm/pg-core';
}

function findTableCall(doc: Doc, table: Table): ts.CallExpression | undefined {
  const { start } = span(doc, table.nameLoc);
  const scan = scanFile(doc.file, doc.sf);
  // Recorded by the analysis as it read this tree's tables: a table's name argument starts where no other one does,
  // so the call found there is the one the pass below finds.
  const recorded = scan.tableCalls?.get(start);
  if (recorded) return recorded;
  if (!doc.tableCalls) {
    // Where each table's name starts, first table first: one pass per file, not one per fix.
    doc.tableCalls = new Map();
    for (const d of scan.declarations) {
      if (d.kind !== 'table') continue;
      const at = startOf(doc.sf, d.call.arguments[0] ?? d.call.expression);
      if (!doc.tableCalls.has(at)) doc.tableCalls.set(at, d.call);
    }
  }
  const call = doc.tableCalls.get(start);
  if (call) return call;
  for (const d of scan.declarations) if (d.kind === 'table' && d.name === table.name) return d.call;
  return undefined;
}

function findColumnProperty(doc: Doc, column: Column): ts.PropertyAssignment | undefined {
  // A column a helper makes (`id: uuidPk("id")`): its builder and links are the helper's, which other tables share.
  if (declaredByHelper.has(column)) return undefined;
  const { start, end } = span(doc, column.loc);
  if (start < 0) return undefined;
  return findNode(doc, start, end, (n): n is ts.PropertyAssignment => T.isPropertyAssignment(n) && startOf(doc.sf, n) === start && n.end === end);
}

function camel(s: string): string {
  return s.replace(/[_\-\s]+([a-zA-Z0-9])/g, (_, c: string) => c.toUpperCase());
}

function pascal(s: string): string {
  const c = camel(s);
  return c.charAt(0).toUpperCase() + c.slice(1);
}

function sqlTableName(table: Table): string {
  return table.dbName ?? table.name;
}

function sqlColumnName(column: Column): string {
  return column.dbName ?? column.name;
}

/** Which extra-config form the file (or the unit) already uses. */
function preferredForm(doc: Doc): 'array' | 'object' {
  return (doc.form ??= formOfConfigs(doc));
}

function formOfConfigs(doc: Doc): 'array' | 'object' {
  const scan = scanFile(doc.file, doc.sf);
  for (const d of scan.declarations) {
    if (d.kind !== 'table' || !d.call.arguments[2]) continue;
    const returned = returnedExpression(unwrapExpression(d.call.arguments[2]));
    if (returned && T.isObjectLiteralExpression(returned)) return 'object';
    if (returned && T.isArrayLiteralExpression(returned)) return 'array';
  }
  return 'array';
}

/**
 * How the modules of the table's unit are found for a fix: the analysis' resolution (resolveImport: relative
 * specifiers, tsconfig `paths`, the `@/` alias) over the database's files (the helper modules discovery added are
 * among them), each read and scanned as the analysis scans it.
 */
function unitModules(reader: SourceReader, database: Database): ModuleOf {
  const files = new Set(database.files);
  const read = (path: string) => safeRead(reader, path);
  let tsconfig: TsconfigPaths | undefined;
  return (scan, specifier) => {
    let file: string | undefined;
    try {
      file = resolveImport(scan.file, specifier, files, (tsconfig ??= new TsconfigPaths({ read })));
    } catch {
      return undefined;
    }
    const text = file === undefined ? undefined : read(file);
    if (file === undefined || text === undefined) return undefined;
    const sf = parseCached(file, text);
    return isUnparsable(sf) ? undefined : scanFile(file, sf);
  };
}

/**
 * The index helper `callee` names, and the form of the config it returns when the fix may write it: not an array
 * before drizzle-orm 0.36 (the extra config is typed as an object there). Undefined when the callee is no helper or
 * its form is not known: an object spread into an array (or the reverse) does not type-check, so the form is never
 * guessed.
 */
function resolveHelper(doc: Doc, callee: ts.Expression, reader: SourceReader, database: Database) {
  const modules = unitModules(reader, database);
  const helper = helperNamed(scanFile(doc.file, doc.sf), callee, modules);
  const shape = helper && helperForm(helper, modules);
  if (!shape || (shape.form === 'array' && drizzleOlderThan(reader, doc.file, 0, 36, database))) return undefined;
  return { helper, shape, modules };
}

/** A key not among `keys`: `key`, else `key2`, `key3`… */
function freeKey(key: string, keys: ReadonlySet<string | undefined>): string {
  let k = key;
  for (let i = 2; keys.has(k); i++) k = `${key}${i}`;
  return k;
}

/**
 * A new extra-config callback `(param) => [items]` or `(param) => ({ items })`, laid out as the table's columns
 * are: one item per line under `inner` when the columns object spans lines, else on one line.
 */
function callbackText(doc: Doc, call: ts.CallExpression, inner: string, param: string, items: string[], form: 'array' | 'object'): string {
  const columns = call.arguments[1];
  if (lineOf(doc, startOf(doc.sf, columns)) !== lineOf(doc, columns.end)) {
    const unit = indentUnit(doc);
    const body = items.map((item) => `${inner}${unit}${item},\n`).join('');
    return form === 'array' ? `(${param}) => [\n${body}${inner}]` : `(${param}) => ({\n${body}${inner}})`;
  }
  return form === 'array' ? `(${param}) => [${items.join(', ')}]` : `(${param}) => ({ ${items.join(', ')} })`;
}

/**
 * Adds one entry to a table's extra config, creating the callback when there is none.
 * `make(param)` writes the entry given the callback's parameter name.
 */
function addExtraConfigEntry(
  doc: Doc,
  call: ts.CallExpression,
  key: string,
  make: (column: (key: string) => string) => string,
  reader: SourceReader,
  database: Database,
): Edit[] | undefined {
  const args = call.arguments;
  if (args.length < 2) return undefined;
  const extra = args[2];
  const text = doc.text;
  if (!extra) {
    // drizzle-orm before 0.36 types the extra config as an object: an array there does not compile.
    const form = drizzleOlderThan(reader, doc.file, 0, 36, database) ? 'object' : preferredForm(doc);
    const param = 'table';
    const entry = make((k) => `${param}.${k}`);
    const columns = args[1];
    const multiline = lineOf(doc, startOf(doc.sf, columns)) !== lineOf(doc, columns.end);
    const base = leadingIndent(text, startOf(doc.sf, call));
    const argsOnOwnLines = multiline && lineOf(doc, startOf(doc.sf, args[0])) !== lineOf(doc, startOf(doc.sf, call));
    const inner = argsOnOwnLines ? leadingIndent(text, startOf(doc.sf, columns)) : base;
    const fn = callbackText(doc, call, inner, param, [form === 'array' ? entry : `${key}: ${entry}`], form);
    const comma = commaAfter(text, columns.end);
    if (comma >= 0 && comma < call.end - 1) {
      return [{ start: comma + 1, end: comma + 1, text: argsOnOwnLines ? `\n${inner}${fn},` : ` ${fn},` }];
    }
    return [{ start: columns.end, end: columns.end, text: argsOnOwnLines ? `,\n${inner}${fn}` : `, ${fn}` }];
  }
  const fn = unwrapExpression(extra);
  if (!T.isArrowFunction(fn) && !T.isFunctionExpression(fn)) return wrapHelperReference(doc, call, extra, key, make, reader, database);
  const edits: Edit[] = [];
  let column: ((key: string) => string) | undefined;
  const first = fn.parameters[0];
  if (!first) {
    edits.push({ start: fn.parameters.pos, end: fn.parameters.pos, text: 'table' });
    column = (k) => `table.${k}`;
  } else if (T.isIdentifier(first.name)) {
    const param = first.name.text;
    column = (k) => `${param}.${k}`;
  } else if (T.isObjectBindingPattern(first.name)) {
    column = destructuredColumns(doc, first.name, edits);
  }
  if (!column) return undefined;
  const returned = returnedExpression(fn);
  if (!returned) return undefined;
  // `(t) => auditIndexes(t)`: the helper's own form, known before any entry is written.
  const shape = T.isCallExpression(returned) ? resolveHelper(doc, returned.expression, reader, database)?.shape : undefined;
  if (T.isCallExpression(returned) && !shape) return undefined;
  let unwritable = false;
  const entry = make((k) => {
    const written = column(k);
    if (!written) unwritable = true;
    return written;
  });
  if (unwritable) return undefined;
  if (T.isArrayLiteralExpression(returned)) {
    edits.push(appendToList(doc, returned, returned.elements, entry, ['[', ']']));
  } else if (T.isObjectLiteralExpression(returned)) {
    const keys = new Set(returned.properties.map((p) => propertyName(p.name as ts.PropertyName)));
    // `({ ...common(t), … })`: the new key must not replace one of the helper's entries either.
    for (const p of returned.properties) {
      if (!T.isSpreadAssignment(p)) continue;
      const spread = unwrapExpression(p.expression);
      const inner = T.isCallExpression(spread) ? resolveHelper(doc, spread.expression, reader, database)?.shape : undefined;
      if (inner?.form === 'object') for (const k of inner.keys) keys.add(k);
    }
    edits.push(appendToList(doc, returned, returned.properties, `${freeKey(key, keys)}: ${entry}`, ['{', '}']));
  } else if (shape) {
    // The helper other tables share stays as it is: its call is spread into a literal of its form.
    const helperCall = text.slice(startOf(doc.sf, returned), returned.end);
    if (shape.form === 'array') {
      edits.push({ start: startOf(doc.sf, returned), end: returned.end, text: `[...${helperCall}, ${entry}]` });
    } else {
      // An object literal right after `=>` (or before `as`) would read as a block: parenthesised unless a
      // `return` or the user's parentheses already hold it.
      const held = holdsObject(fn, returned);
      const object = `{ ...${helperCall}, ${freeKey(key, shape.keys)}: ${entry} }`;
      edits.push({ start: startOf(doc.sf, returned), end: returned.end, text: held ? object : `(${object})` });
    }
  } else {
    return undefined;
  }
  return edits;
}

/**
 * Whether an object literal written in place of `returned` (what `fn` returns) reads as one: held directly by a
 * `return` or by parentheses, not right after `=>` (a block there) nor under an `as` (the trees carry no parents).
 */
function holdsObject(fn: ts.ArrowFunction | ts.FunctionExpression, returned: ts.Expression): boolean {
  let outer: ts.Expression | undefined;
  if (T.isBlock(fn.body)) {
    for (const s of fn.body.statements) {
      if (T.isReturnStatement(s) && s.expression) {
        outer = s.expression;
        break;
      }
    }
    if (outer === returned) return true;
  } else outer = fn.body;
  return !!outer && T.isParenthesizedExpression(outer) && outer.expression === returned;
}

/**
 * `pgTable("orders", {…}, withTimestampsIdx)`: the extra config is a helper other tables may share. It is kept,
 * called from a new callback that adds the entry: `(table) => [...withTimestampsIdx(table), entry]`, or the object
 * form when the helper returns an object. No fix when the reference is not a known helper, or is cast (the cast
 * would be lost). The analysis reads the helper's entries (they are the table's), so an index it declares already
 * leaves nothing to fix.
 */
function wrapHelperReference(
  doc: Doc,
  call: ts.CallExpression,
  extra: ts.Expression,
  key: string,
  make: (column: (key: string) => string) => string,
  reader: SourceReader,
  database: Database,
): Edit[] | undefined {
  let reference = extra;
  while (T.isParenthesizedExpression(reference)) reference = reference.expression;
  const named = T.isIdentifier(reference)
    ? reference
    : T.isPropertyAccessExpression(reference) && T.isIdentifier(reference.expression)
      ? reference.expression
      : undefined;
  if (!named) return undefined;
  const resolved = resolveHelper(doc, reference, reader, database);
  if (!resolved) return undefined;
  const { shape } = resolved;
  // The new parameter must not hide the helper's name (or its namespace's).
  const param = named.text === 'table' ? 't' : 'table';
  const entry = make((k) => `${param}.${k}`);
  const start = startOf(doc.sf, reference);
  const helperCall = `...${doc.text.slice(start, reference.end)}(${param})`;
  const items = shape.form === 'array' ? [helperCall, entry] : [helperCall, `${freeKey(key, shape.keys)}: ${entry}`];
  const fn = callbackText(doc, call, leadingIndent(doc.text, start), param, items, shape.form);
  return [{ start, end: reference.end, text: fn }];
}

/**
 * `({ postId, tagId: tag }) => [...]`: how the entry names a column. A column the pattern binds is named as bound; one
 * it does not joins the pattern (one edit for all, at its end), under its key unless that would shadow a name of the
 * file (an import such as the `date` builder, a table), then as `<key>Column`. With a rest element, `rest.key`.
 * Returns a function answering '' for a column it cannot name.
 */
function destructuredColumns(doc: Doc, pattern: ts.ObjectBindingPattern, edits: Edit[]): ((key: string) => string) | undefined {
  const bound = new Map<string, string>();
  const locals = new Set<string>();
  let rest: string | undefined;
  for (const element of pattern.elements) {
    if (!T.isIdentifier(element.name)) return undefined;
    locals.add(element.name.text);
    if (element.dotDotDotToken) {
      rest = element.name.text;
      continue;
    }
    const key = element.propertyName ? propertyName(element.propertyName as ts.PropertyName) : element.name.text;
    if (key !== undefined && !bound.has(key)) bound.set(key, element.name.text);
  }
  const scan = scanFile(doc.file, doc.sf);
  const taken = (name: string) =>
    locals.has(name) || scan.byName.has(name) || doc.imports.core.has(name) || doc.imports.other.has(name) || countReferences(doc, name) > 0;
  const added: string[] = [];
  let edit: Edit | undefined;
  return (key) => {
    const known = bound.get(key);
    if (known !== undefined) return known;
    if (rest !== undefined) return `${rest}.${key}`;
    if (!/^[A-Za-z_$][\w$]*$/.test(key)) return '';
    const local = [key, `${key}Column`].find((n) => !taken(n));
    if (local === undefined) return '';
    bound.set(key, local);
    locals.add(local);
    added.push(local === key ? key : `${key}: ${local}`);
    const next = appendToList(doc, pattern, pattern.elements, added.join(', '), ['{', '}']);
    if (edit) Object.assign(edit, next);
    else edits.push((edit = next));
    return local;
  };
}

// ---------------------------------------------------------------------------------------------
// Writers
// ---------------------------------------------------------------------------------------------

function setOnDelete(intent: Extract<FixIntent, { kind: 'setOnDelete' }>, reader: SourceReader): FileEdit[] | undefined {
  const fk = intent.foreignKey;
  if (!fk.enforced) {
    // A relations()-only link: choosing its action means creating the real foreign key with it.
    return writeForeignKey(intent.database, intent.table, fk.columns, fk.references, reader, intent.action);
  }
  // Declared inside a column helper other tables share: no edit in place (the helper's own file is the place).
  if (declaredByHelper.has(fk)) return undefined;
  const doc = open(reader, fk.loc.file);
  if (!doc) return undefined;
  const { start, end } = span(doc, fk.loc);
  if (start < 0 || end < 0) return undefined;
  const value = q(doc, ACTION_TEXT[intent.action]);
  // Column form: `.references(() => t.id, { ... })`; the fact's range starts at the dot. The analysis of this
  // tree recorded the call there: the one node the search below would find (a call is named by its name
  // token, whose place the dot gives), found without a walk.
  const recorded = scanFile(doc.file, doc.sf).referenceCalls?.get(start);
  const references = recorded && recorded.end === end ? recorded : findNode(
    doc,
    start,
    end,
    (n): n is ts.CallExpression =>
      T.isCallExpression(n) &&
      n.end === end &&
      T.isPropertyAccessExpression(n.expression) &&
      n.expression.name.text === 'references' &&
      dotBefore(doc.sf, n.expression.name) === start,
  );
  if (references) {
    const args = references.arguments;
    if (!args.length) return undefined;
    if (args.length === 1) {
      return [toFileEdit(doc, [{ start: args[0].end, end: args[0].end, text: `, { onDelete: ${value} }` }])];
    }
    const options = unwrapExpression(args[1]);
    if (!T.isObjectLiteralExpression(options)) return undefined;
    return [toFileEdit(doc, [upsertProperty(doc, options, 'onDelete', value)])];
  }
  // Table form: `foreignKey({ ... }).onDelete("...")`.
  const expression = findNode(doc, start, end, (n): n is ts.Expression => startOf(doc.sf, n) === start && n.end === end && T.isCallExpression(n));
  if (!expression) return undefined;
  const chain = decomposeChain(doc.sf, expression);
  if (!T.isCallExpression(chain.root)) return undefined;
  const existing = chain.links.find((l) => l.name === 'onDelete');
  if (existing) {
    const arg = existing.call.arguments[0];
    if (arg) return [toFileEdit(doc, [{ start: startOf(doc.sf, arg), end: arg.end, text: value }])];
    const open = existing.call.end - 1;
    return [toFileEdit(doc, [{ start: open, end: open, text: value }])];
  }
  return [toFileEdit(doc, [{ start: chain.root.end, end: chain.root.end, text: `.onDelete(${value})` }])];
}

/** The names of a database's tables and indexes (one namespace in Postgres), once per database. */
function relationNames(database: Database): Set<string> {
  let taken = takenNames.get(database);
  if (taken) return taken;
  taken = new Set<string>();
  for (const t of database.tables) {
    taken.add(sqlTableName(t));
    for (const x of t.indexes) if (x.name !== undefined) taken.add(x.name);
  }
  takenNames.set(database, taken);
  return taken;
}

const takenNames = new WeakMap<Database, Set<string>>();

function addIndex(intent: Extract<FixIntent, { kind: 'addIndex' }>, reader: SourceReader): FileEdit[] | undefined {
  const { table, database } = intent;
  const columns = intent.columns.map((c) => columnOf(table, c));
  if (!columns.length || columns.some((c) => !c)) return undefined;
  const cols = columns as Column[];
  const doc = open(reader, table.loc.file);
  if (!doc) return undefined;
  const call = findTableCall(doc, table);
  if (!call) return undefined;
  // Postgres' own name for it (`<table>_<columns>_idx`, shortened to 63 bytes the way Postgres shortens, numbered
  // while taken): a longer name is truncated by Postgres (and MySQL refuses one over 64), so drizzle-kit push would
  // see a different name in the database and recreate the index on every push. Index names share the schema's
  // namespace with tables in Postgres: any relation of the database takes a name.
  const taken = relationNames(database);
  const columnsPart = cols.map(sqlColumnName).join('_');
  let plan: ImportPlan;
  let name: string;
  const own = projectIndexBuilder(doc, reader, database);
  if (own) {
    // The file's indexes go through the project's wrapper: the new one too. Given, where it can be, the name that
    // the wrapper makes Postgres' own (`comment_author_id_idx` for `am_${n}` and a table `am_comment`); else Postgres'
    // name for the table is what it is given, and the wrapper's prefix comes on top.
    const { head, tail } = own;
    const postgres = chooseName(sqlTableName(table), columnsPart, 'idx', (n) => taken.has(n));
    name =
      postgres.length > head.length + tail.length && postgres.startsWith(head) && postgres.endsWith(tail)
        ? postgres.slice(head.length, postgres.length - tail.length)
        : chooseName(sqlTableName(table), columnsPart, 'idx', (n) => taken.has(head + n + tail));
    plan = { local: own.local, edits: [...own.hold] };
  } else {
    plan = ensureImport(doc, 'index', coreModule(database, doc));
    name = chooseName(sqlTableName(table), columnsPart, 'idx', (n) => taken.has(n));
  }
  const key = camel(cols.map((c) => c.name).join('_')) + 'Idx';
  const edits = addExtraConfigEntry(doc, call, key, (column) => `${plan.local}(${q(doc, name)}).on(${cols.map((c) => column(c.name)).join(', ')})`, reader, database);
  if (!edits) return undefined;
  return [toFileEdit(doc, [...plan.edits, ...edits])];
}

/**
 * The project's own index builder the file's tables call with a name (`index("post_author_idx")`, `index` being the
 * project's wrapper of pg-core's that prefixes the name; `idx(name)`; helpers.ts `indexWrapper`): how the file calls
 * it, an edit holding its import in place (see ensureImport), and what the wrapper puts around the name it is passed
 * (`am_` and ''; both '' when that is not computable, the name then taken as passed). Undefined when the file calls
 * none that way: only pg-core's, a wrapper of a unique index, or one that takes no name or ignores it (a fixed name).
 */
function projectIndexBuilder(doc: Doc, reader: SourceReader, database: Database): IndexBuilder | undefined {
  // One walk of the file's tables per review: every index fix of the file asks, and the answer depends only on the
  // file's text (the Doc) and the unit's modules (the database).
  const known = indexBuilders.get(doc);
  if (known?.database === database) return known.builder;
  const builder = findProjectIndexBuilder(doc, reader, database);
  indexBuilders.set(doc, { database, builder });
  return builder;
}

interface IndexBuilder {
  local: string;
  hold: readonly Edit[];
  head: string;
  tail: string;
}

const indexBuilders = new WeakMap<Doc, { database: Database; builder: IndexBuilder | undefined }>();

function findProjectIndexBuilder(doc: Doc, reader: SourceReader, database: Database): IndexBuilder | undefined {
  const scan = scanFile(doc.file, doc.sf);
  const modules = unitModules(reader, database);
  let found: { callee: ts.Expression; head: string; tail: string } | undefined;
  const visit = (node: ts.Node): void => {
    if (found) return;
    if (T.isCallExpression(node) && node.arguments.length === 1 && constantString(doc.sf, node.arguments[0]) !== undefined) {
      const callee = unwrapExpression(node.expression);
      const named = T.isIdentifier(callee) || (T.isPropertyAccessExpression(callee) && T.isIdentifier(callee.expression));
      const wrapper = named ? indexWrapper(scan, callee, modules) : undefined;
      const first = wrapper?.fn.parameters[0]?.name;
      if (wrapper?.kind === 'index' && first && T.isIdentifier(first) && wrapper.builder.arguments.length) {
        // The name the builder gets for a marker passed as the wrapper's first parameter.
        const MARK = '\u0000';
        const made = constantString(wrapper.scan.sf, wrapper.builder.arguments[0], new Map([[first.text, MARK]]));
        const at = made === undefined ? -1 : made.indexOf(MARK);
        if (made === undefined) found = { callee, head: '', tail: '' };
        else if (at >= 0 && made.indexOf(MARK, at + 1) < 0) found = { callee, head: made.slice(0, at), tail: made.slice(at + 1) };
        if (found) return;
      }
    }
    T.forEachChild(node, visit);
  };
  const callees = helperNames(doc, scan);
  if (callees.size === 0) return undefined;
  for (const d of scan.declarations) {
    const config = d.kind === 'table' ? d.call.arguments[2] : undefined;
    // A config whose text names none of them calls no wrapper: the walk would find nothing there.
    if (config && mentionsAny(doc.text, config.pos, config.end, callees)) visit(config);
    if (found) break;
  }
  if (!found) return undefined;
  const { callee, head, tail } = found;
  const local = doc.text.slice(startOf(doc.sf, callee), callee.end);
  // An imported wrapper's import: held as ensureImport holds pg-core's, for a fix removing it to wait.
  const specifier = T.isIdentifier(callee) ? findImportSpecifier(doc, callee.text) : undefined;
  const hold = specifier ? [{ start: startOf(doc.sf, specifier), end: specifier.end, text: doc.text.slice(startOf(doc.sf, specifier), specifier.end) }] : [];
  return { local, hold, head, tail };
}

/**
 * The names a call's callee must be written with for `helperNamed` to find a function behind it (the identifier, or
 * the namespace of `ns.fn`): the file's top-level functions and the names it imports from modules other than
 * Drizzle's. A superset: helperNamed checks the rest.
 */
function helperNames(doc: Doc, scan: FileScan): Names {
  // What fileFunction can find: none when the scan saw no top-level function, and the imports are all.
  if (!scan.declaresFunctions) return doc.imports.other;
  const names = new Set(doc.imports.other.keys());
  for (const statement of doc.sf.statements) {
    if (T.isFunctionDeclaration(statement)) {
      if (statement.name && statement.body) names.add(idText(statement.name));
    } else if (T.isVariableStatement(statement)) {
      for (const d of statement.declarationList.declarations) {
        if (!T.isIdentifier(d.name) || !d.initializer) continue;
        const init = unwrapExpression(d.initializer);
        if (T.isArrowFunction(init) || T.isFunctionExpression(init)) names.add(idText(d.name));
      }
    }
  }
  return names;
}

/** A set of names, or the keys of a map. */
type Names = { has(name: string): boolean; readonly size: number };

/**
 * Whether text[start, end) holds one of `names` as a word (a run of ASCII identifier characters), or may hold it:
 * an identifier written with a unicode escape or non-ASCII characters is not read here, and answers true. A word
 * in a string or a comment answers true too: the caller only skips what answers false.
 */
function mentionsAny(text: string, start: number, end: number, names: Names): boolean {
  let word = -1;
  for (let i = start; i < end; i++) {
    const c = text.charCodeAt(i);
    if (isAsciiIdentifierPart(c)) {
      if (word < 0) word = i;
      continue;
    }
    if (c === 92 /* \ */ || c > 127) return true;
    if (word >= 0 && names.has(text.slice(word, i))) return true;
    word = -1;
  }
  return word >= 0 && names.has(text.slice(word, end));
}

/** Finds the array element or object property whose value spans [start, end]. */
function findListItem(doc: Doc, start: number, end: number): { list: ts.NodeArray<ts.Node>; index: number } | undefined {
  let result: { list: ts.NodeArray<ts.Node>; index: number } | undefined;
  const visit = (node: ts.Node): void => {
    if (result || node.pos > start || node.end < end) return;
    if (T.isArrayLiteralExpression(node)) {
      const i = node.elements.findIndex((e) => startOf(doc.sf, e) === start && e.end === end);
      if (i >= 0) {
        result = { list: node.elements, index: i };
        return;
      }
    } else if (T.isObjectLiteralExpression(node)) {
      const i = node.properties.findIndex(
        (p) => T.isPropertyAssignment(p) && startOf(doc.sf, p.initializer) === start && p.initializer.end === end,
      );
      if (i >= 0) {
        result = { list: node.properties, index: i };
        return;
      }
    }
    T.forEachChild(node, visit);
  };
  T.forEachChild(doc.sf, visit);
  return result;
}

function dropIndex(intent: Extract<FixIntent, { kind: 'dropIndex' }>, reader: SourceReader): FileEdit[] | undefined {
  const index = intent.index;
  if (index.kind === 'primary' || declaredByHelper.has(index)) return undefined;
  const doc = open(reader, index.loc.file);
  if (!doc) return undefined;
  const { start, end } = span(doc, index.loc);
  if (start < 0 || end < 0) return undefined;
  // Column form: `.unique()`.
  if (doc.text[start] === '.') {
    const call = findNode(
      doc,
      start,
      end,
      (n): n is ts.CallExpression =>
        T.isCallExpression(n) && n.end === end && T.isPropertyAccessExpression(n.expression) && dotBefore(doc.sf, n.expression.name) === start,
    );
    if (!call) return undefined;
    return [toFileEdit(doc, [{ start, end, text: '' }])];
  }
  const item = findListItem(doc, start, end);
  if (!item) return undefined;
  const removed = removeFromList(doc, item.list, item.index);
  const edits = [removed];
  // Drop the builder's import when nothing else uses it (keeps `noUnusedLocals` projects compiling).
  const value = item.list[item.index];
  const expression = T.isPropertyAssignment(value) ? value.initializer : (value as ts.Expression);
  const chain = decomposeChain(doc.sf, expression);
  if (T.isCallExpression(chain.root) && T.isIdentifier(chain.root.expression)) {
    const local = chain.root.expression.text;
    if (countReferences(doc, local) === 1) edits.push(...removeImport(doc, local));
    else edits.push(...holdOtherUses(doc, local, removed));
  }
  return [toFileEdit(doc, edits)];
}

function removeImport(doc: Doc, local: string): Edit[] {
  for (const decl of doc.imports.imports) {
    const bindings = decl.importClause?.namedBindings;
    if (!bindings || !T.isNamedImports(bindings)) continue;
    const i = bindings.elements.findIndex((e) => e.name.text === local);
    if (i < 0) continue;
    if (bindings.elements.length === 1 && !decl.importClause?.name) {
      const s = startOf(doc.sf, decl);
      let e = decl.end;
      if (doc.text[e] === '\n') e++;
      return [{ start: s, end: e, text: '' }];
    }
    return [removeFromList(doc, bindings.elements, i)];
  }
  return [];
}

function changeColumnType(intent: Extract<FixIntent, { kind: 'changeColumnType' }>, reader: SourceReader): FileEdit[] | undefined {
  const { column, database } = intent;
  const doc = open(reader, column.loc.file);
  if (!doc) return undefined;
  const property = findColumnProperty(doc, column);
  if (!property) return undefined;
  const chain = decomposeChain(doc.sf, property.initializer);
  const root = chain.root;
  if (!T.isCallExpression(root)) return undefined;
  const callee = unwrapExpression(root.expression);
  const nameArg = root.arguments[0] && stringValue(root.arguments[0]) !== undefined ? root.arguments[0].getText(doc.sf) : undefined;
  const dialect = database.dialect;
  let builder: string;
  let options: string | undefined;
  if (intent.to === 'json') {
    if (dialect === 'postgresql' || dialect === 'cockroachdb') builder = 'jsonb';
    else if (dialect === 'mysql') builder = 'json';
    else if (dialect === 'sqlite') {
      builder = 'text';
      options = '{ mode: "json" }';
    } else return undefined;
  } else {
    // A float column is a `number` in TypeScript: keep it one (`mode: "number"`) so the code still compiles.
    const numberMode = column.type === 'float' || column.type === 'int';
    // `mode: "number"` came with drizzle-orm 0.41: before it, `numeric` is a string in TypeScript, and the code
    // doing arithmetic on the column would stop compiling (or, cast, concatenate "0.1" + "0.2"). No fix then.
    if (numberMode && drizzleOlderThan(reader, column.loc.file, 0, 41, intent.database)) return undefined;
    if (dialect === 'postgresql' || dialect === 'cockroachdb' || dialect === 'mysql') {
      builder = dialect === 'mysql' ? 'decimal' : 'numeric';
      options = `{ precision: 20, scale: 8${numberMode ? ', mode: "number"' : ''} }`;
    } else if (dialect === 'sqlite') {
      builder = 'numeric';
      options = numberMode ? '{ mode: "number" }' : undefined;
    } else return undefined;
  }
  if (options) options = options.replace(/"/g, doc.quote);
  const edits: Edit[] = [];
  let calleeText: string;
  if (T.isPropertyAccessExpression(callee)) {
    calleeText = `${callee.expression.getText(doc.sf)}.${builder}`;
  } else if (T.isIdentifier(callee)) {
    const swap = swapBuilderImport(doc, callee.text, builder, coreModule(database, doc), { start: startOf(doc.sf, root), end: root.end });
    calleeText = swap.local;
    edits.push(...swap.edits);
  } else return undefined;
  const args = [nameArg, options].filter((a): a is string => !!a).join(', ');
  edits.push({ start: startOf(doc.sf, root), end: root.end, text: `${calleeText}(${args})` });
  if (intent.to === 'json') {
    // `.default("{}")` on a text column becomes `.default({})`: a JSON string default would store the string "{}".
    const def = chain.links.find((l) => l.name === 'default');
    const arg = def?.call.arguments[0];
    const value = stringValue(arg);
    if (arg && value !== undefined) {
      try {
        const parsed: unknown = JSON.parse(value);
        if (parsed !== null && typeof parsed === 'object') edits.push({ start: startOf(doc.sf, arg), end: arg.end, text: value });
      } catch {
        // Not JSON: keep the default as written.
      }
    }
  }
  return [toFileEdit(doc, edits)];
}

/**
 * The use of builder `oldLocal` at `replaced` (the call the fix rewrites) becomes `builder`: imports `builder` (or
 * reuses its import), and drops the old import once nothing else uses it (an unused import fails `noUnusedLocals`
 * builds and lint). The old specifier is renamed in place only where the new name would be appended anyway (the
 * list's end): elsewhere it is removed and the new name appended, the same edit every fix adding that name makes, so
 * that fix-all merges them into one import instead of two.
 */
function swapBuilderImport(doc: Doc, oldLocal: string, builder: string, module: string, replaced: Span): ImportPlan {
  const oldImported = doc.imports.core.get(oldLocal);
  if (oldImported === builder) return { local: oldLocal, edits: [] };
  const stillUsed = countReferences(doc, oldLocal) > 1;
  const plan = ensureImport(doc, builder, module);
  if (stillUsed || oldImported === undefined) return { local: plan.local, edits: [...plan.edits, ...holdOtherUses(doc, oldLocal, replaced)] };
  const removal = removeImport(doc, oldLocal);
  if (!plan.existing && !plan.local.includes('.') && removal.some((r) => plan.edits.some((a) => touches(a, r)))) {
    const specifier = findImportSpecifier(doc, oldLocal);
    const text = plan.local === builder ? builder : `${builder} as ${plan.local}`;
    if (specifier) return { local: plan.local, edits: [{ start: startOf(doc.sf, specifier), end: specifier.end, text }] };
    return plan;
  }
  return { local: plan.local, edits: [...plan.edits, ...removal] };
}

interface Span {
  start: number;
  end: number;
}

/** Whether two edits share a character or a point (an insertion at either end of the other counts). */
function touches(a: Span, b: Span): boolean {
  return a.start <= b.end && b.start <= a.end;
}

/**
 * A fix that leaves builder `local` imported because other references remain, and rewrites its last reference in
 * the file, holds those others as they are (edits that rewrite them with their own text). Fixes are written apart:
 * in one fix-all pass the fixes of each use would all see the others and keep the import, leaving it unused. Holding
 * the others makes this fix conflict with any fix rewriting one of them, so it waits for the next pass, where it
 * sees whether a use is left and drops the import if none is. Fixes of the earlier uses never hold each other: they
 * go in one pass, this one in the next.
 */
function holdOtherUses(doc: Doc, local: string, replaced: Span): Edit[] {
  const refs = referenceSpans(doc, local);
  const others = refs.filter((r) => r.end <= replaced.start || r.start >= replaced.end);
  if (!others.length || others.length === refs.length) return [];
  if (others[others.length - 1].start > replaced.start) return [];
  return others.map((r) => ({ start: r.start, end: r.end, text: doc.text.slice(r.start, r.end) }));
}

/** The references countReferences counts, in file order. */
function referenceSpans(doc: Doc, name: string): Span[] {
  const cache = (doc.referenceSpans ??= new Map());
  const cached = cache.get(name);
  if (cached) return cached;
  const spans: Span[] = [];
  cache.set(name, spans);
  const text = doc.text;
  if (name.length > 0 && !text.includes('\\u')) {
    for (let at = text.indexOf(name); at >= 0; at = text.indexOf(name, at + 1)) {
      if (isAsciiIdentifierPart(text.charCodeAt(at + name.length))) continue;
      if (isReferenceAt(doc.sf, at, name)) spans.push({ start: at, end: at + name.length });
    }
    return spans;
  }
  const visit = (node: ts.Node): void => {
    if (T.isImportDeclaration(node)) return;
    if (T.isPropertyAccessExpression(node)) return visit(node.expression);
    if (T.isPropertyAssignment(node)) return visit(node.initializer);
    if (T.isIdentifier(node) && node.text === name) spans.push({ start: startOf(doc.sf, node), end: node.end });
    T.forEachChild(node, visit);
  };
  T.forEachChild(doc.sf, visit);
  return spans;
}

function findImportSpecifier(doc: Doc, local: string): ts.ImportSpecifier | undefined {
  for (const decl of doc.imports.imports) {
    const bindings = decl.importClause?.namedBindings;
    if (bindings && T.isNamedImports(bindings)) {
      // `real as float4` too: the whole specifier is replaced, and the code names the new builder by its own name.
      const el = bindings.elements.find((e) => e.name.text === local);
      if (el) return el;
    }
  }
  return undefined;
}

function makeNullable(intent: Extract<FixIntent, { kind: 'makeNullable' }>, reader: SourceReader): FileEdit[] | undefined {
  const doc = open(reader, intent.column.loc.file);
  if (!doc) return undefined;
  const property = findColumnProperty(doc, intent.column);
  if (!property) return undefined;
  const chain = decomposeChain(doc.sf, property.initializer);
  if (chain.links.some((l) => l.name === 'primaryKey')) return undefined;
  const notNull = chain.links.filter((l) => l.name === 'notNull');
  if (!notNull.length) return undefined;
  return [toFileEdit(doc, notNull.map((l) => ({ start: dotBefore(doc.sf, l.nameNode), end: l.call.end, text: '' })))];
}

function relativeImport(from: string, to: string, doc: Doc): string {
  const a = dirname(from).split('/').filter(Boolean);
  const b = to.split('/').filter(Boolean);
  let i = 0;
  while (i < a.length && i < b.length - 1 && a[i] === b[i]) i++;
  const up = a.length - i;
  let rel = (up ? '../'.repeat(up) : './') + b.slice(i).join('/');
  const usesJs = doc.imports.imports.some((d) => {
    const m = stringValue(d.moduleSpecifier);
    return !!m && m.startsWith('.') && m.endsWith('.js');
  });
  rel = rel.replace(/\.(m|c)?tsx?$/, '');
  return usesJs ? rel + '.js' : rel;
}

const ANY_COLUMN: Partial<Record<string, string>> = {
  postgresql: 'AnyPgColumn',
  cockroachdb: 'AnyPgColumn',
  mysql: 'AnyMySqlColumn',
  sqlite: 'AnySQLiteColumn',
};

function addForeignKey(intent: Extract<FixIntent, { kind: 'addForeignKey' }>, reader: SourceReader): FileEdit[] | undefined {
  return writeForeignKey(intent.database, intent.table, intent.columns, intent.references, reader, intent.onDelete);
}

function writeForeignKey(
  database: Database,
  table: Table,
  columns: string[],
  references: { table: string; columns: string[] },
  reader: SourceReader,
  onDelete?: ReferentialAction,
): FileEdit[] | undefined {
  const target = tableOf(database, references.table);
  if (!target || columns.length !== references.columns.length || !columns.length) return undefined;
  const local = columns.map((c) => columnOf(table, c));
  const foreign = references.columns.map((c) => columnOf(target, c));
  if (local.some((c) => !c) || foreign.some((c) => !c)) return undefined;
  const doc = open(reader, table.loc.file);
  if (!doc) return undefined;
  const edits: Edit[] = [];
  // The referenced table's variable, imported when it lives in another file.
  let targetRef = target.name;
  if (target.loc.file !== table.loc.file) {
    const existing = doc.imports.other.get(target.name);
    if (!existing) {
      const plan = ensureImport(doc, target.name, relativeImport(table.loc.file, target.loc.file, doc));
      targetRef = plan.local;
      edits.push(...plan.edits);
    }
  }
  if (local.length === 1) {
    const property = findColumnProperty(doc, local[0] as Column);
    if (!property) return undefined;
    const self = target === table || (target.name === table.name && target.loc.file === table.loc.file);
    let arrow = `() => ${targetRef}.${(foreign[0] as Column).name}`;
    if (self) {
      const anyColumn = ANY_COLUMN[database.dialect];
      if (!anyColumn) return undefined;
      const plan = ensureImport(doc, anyColumn, coreModule(database, doc), true);
      edits.push(...plan.edits);
      arrow = `(): ${plan.local} => ${targetRef}.${(foreign[0] as Column).name}`;
    }
    const options = onDelete ? `, { onDelete: ${q(doc, ACTION_TEXT[onDelete])} }` : '';
    edits.push({ start: property.initializer.end, end: property.initializer.end, text: `.references(${arrow}${options})` });
    return [toFileEdit(doc, edits)];
  }
  const call = findTableCall(doc, table);
  if (!call) return undefined;
  const plan = ensureImport(doc, 'foreignKey', coreModule(database, doc));
  const key = camel(local.map((c) => (c as Column).name).join('_')) + 'Fk';
  const entry = addExtraConfigEntry(
    doc,
    call,
    key,
    (column) =>
      `${plan.local}({ columns: [${local.map((c) => column((c as Column).name)).join(', ')}], foreignColumns: [${foreign
        .map((c) => `${targetRef}.${(c as Column).name}`)
        .join(', ')}] })${onDelete ? `.onDelete(${q(doc, ACTION_TEXT[onDelete])})` : ''}`,
    reader,
    database,
  );
  if (!entry) return undefined;
  return [toFileEdit(doc, [...edits, ...plan.edits, ...entry])];
}

function createEnum(intent: Extract<FixIntent, { kind: 'createEnum' }>, reader: SourceReader): FileEdit[] | undefined {
  const { table, column, database, values } = intent;
  if (!values.length) return undefined;
  const doc = open(reader, column.loc.file);
  if (!doc) return undefined;
  const property = findColumnProperty(doc, column);
  if (!property) return undefined;
  const chain = decomposeChain(doc.sf, property.initializer);
  const root = chain.root;
  if (!T.isCallExpression(root)) return undefined;
  // A default outside the values would not compile (the enum column types it) nor migrate (Postgres and MySQL reject
  // the default of the new type): no fix rather than a broken one.
  const fallback = chain.links.find((l) => l.name === 'default')?.call.arguments[0];
  const fallbackValue = fallback ? stringValue(fallback) : undefined;
  if (fallbackValue !== undefined && !values.includes(fallbackValue)) return undefined;
  // `text("x")`, or `t.text()` in the columns callback / `pg.text("x")` through a namespace.
  const callee = unwrapExpression(root.expression);
  if (!T.isIdentifier(callee) && !(T.isPropertyAccessExpression(callee) && T.isIdentifier(callee.expression))) return undefined;
  const nameArg = root.arguments[0] && stringValue(root.arguments[0]) !== undefined ? root.arguments[0].getText(doc.sf) : undefined;
  const list = `[${values.map((v) => q(doc, v)).join(', ')}]`;
  const edits: Edit[] = [];
  const module = coreModule(database, doc);
  const rootSpan = { start: startOf(doc.sf, root), end: root.end };
  if (database.dialect === 'postgresql' || database.dialect === 'cockroachdb') {
    const scan = scanFile(doc.file, doc.sf);
    let variable = `${camel(table.name)}${pascal(column.name)}Enum`;
    for (let i = 2; scan.byName.has(variable) || topLevelNames(doc).has(variable); i++) variable = `${camel(table.name)}${pascal(column.name)}Enum${i}`;
    const statement = scan.declarations.find((d) => d.kind === 'table' && d.call === findTableCall(doc, table));
    if (!statement || statement.kind !== 'table') return undefined;
    // A table of `billing = pgSchema("billing")` gets its enum in the same schema: `billing.enum(...)`.
    let plan: ImportPlan;
    if ('schema' in statement.via) {
      const oldLocal = T.isIdentifier(callee) ? callee.text : undefined;
      const unused = oldLocal !== undefined && doc.imports.core.has(oldLocal) && countReferences(doc, oldLocal) <= 1;
      const old = unused ? removeImport(doc, oldLocal) : oldLocal !== undefined ? holdOtherUses(doc, oldLocal, rootSpan) : [];
      plan = { local: `${statement.via.schema}.enum`, edits: old };
    } else {
      plan = T.isIdentifier(callee) ? swapBuilderImport(doc, callee.text, 'pgEnum', module, rootSpan) : ensureImport(doc, 'pgEnum', module);
    }
    edits.push(...plan.edits);
    const at = aboveAttachedComments(doc, statement.statement);
    const sqlName = enumTypeName(database, sqlTableName(table), sqlColumnName(column));
    edits.push({ start: at, end: at, text: `export const ${variable} = ${plan.local}(${q(doc, sqlName)}, ${list})${semicolon(doc)}\n\n` });
    edits.push({ start: startOf(doc.sf, root), end: root.end, text: `${variable}(${nameArg ?? ''})` });
  } else if (database.dialect === 'mysql') {
    let builder: string;
    if (T.isPropertyAccessExpression(callee)) builder = `${callee.expression.getText(doc.sf)}.mysqlEnum`;
    else {
      const plan = swapBuilderImport(doc, callee.text, 'mysqlEnum', module, rootSpan);
      edits.push(...plan.edits);
      builder = plan.local;
    }
    edits.push({ start: startOf(doc.sf, root), end: root.end, text: `${builder}(${nameArg ?? q(doc, sqlColumnName(column))}, ${list})` });
  } else if (database.dialect === 'sqlite') {
    if (root.arguments.some((a) => T.isObjectLiteralExpression(unwrapExpression(a)))) return undefined;
    edits.push({ start: startOf(doc.sf, root), end: root.end, text: `${root.expression.getText(doc.sf)}(${nameArg ? nameArg + ', ' : ''}{ enum: ${list} })` });
  } else return undefined;
  // `.$type<"a" | "b">()` with exactly these values: the enum column types itself now, the cast goes.
  const typed = chain.links.find((l) => l.name === '$type');
  const typedValues = typed ? stringLiteralUnion(typed.call.typeArguments?.[0]) : undefined;
  if (typed && typedValues && typedValues.length === values.length && typedValues.every((v) => values.includes(v))) {
    const target = (typed.call.expression as ts.PropertyAccessExpression).expression;
    const dot = dotBefore(doc.sf, typed.nameNode);
    // From the end of what precedes it (its line break too), unless a comment sits there: it stays, and the
    // `.$type` line goes from its line break.
    let start = dot;
    if (doc.text.slice(target.end, dot).trim() === '') start = target.end;
    else {
      const lineBreak = doc.text.lastIndexOf('\n', dot - 1);
      if (lineBreak > target.end && doc.text.slice(lineBreak, dot).trim() === '') start = doc.text[lineBreak - 1] === '\r' ? lineBreak - 1 : lineBreak;
    }
    edits.push({ start, end: typed.call.end, text: '' });
  }
  return [toFileEdit(doc, edits)];
}

/**
 * The new enum type's name: `<table>_<column>` within Postgres' 63 bytes (shortened as makeObjectName shortens a
 * name it makes; a longer name is truncated by Postgres, so drizzle-kit would see another name at every push), and
 * clear of the types already there: enums, and tables (each has a row type of its name). A taken name is numbered as
 * the SQL writer numbers it (`user_role1`, `user_role2`, …), shortened to leave room for the number.
 */
function enumTypeName(database: Database, tableName: string, columnName: string): string {
  const taken = new Set(relationNames(database));
  for (const e of database.enums) taken.add(e.name);
  const name = makeObjectName(tableName, columnName, undefined);
  for (let n = 1; taken.has(name) && n < 10_000; n++) {
    // makeObjectName keeps room for `_<n>`: without the `_`, `<table>_<column><n>` fits as well.
    const numbered = makeObjectName(tableName, columnName, String(n));
    const candidate = numbered.slice(0, numbered.length - String(n).length - 1) + String(n);
    if (!taken.has(candidate)) return candidate;
  }
  return name;
}

/**
 * Where a new declaration goes above `statement`: above the comments right on top of it (no blank line between),
 * which belong to it. Its doc comment stays its own, and a `schema-review-ignore` (or `eslint-disable-next-line`,
 * `@ts-expect-error`) comment keeps applying to the line it was written for.
 */
function aboveAttachedComments(doc: Doc, statement: ts.Node): number {
  const text = doc.text;
  let at = startOf(doc.sf, statement);
  const ranges = T.getLeadingCommentRanges(text, statement.pos) ?? [];
  for (let i = ranges.length - 1; i >= 0; i--) {
    const r = ranges[i];
    let newlines = 0;
    for (let k = r.end; k < at; k++) if (text.charCodeAt(k) === 10) newlines++;
    if (newlines > 1 || text.slice(lineStartOf(text, r.pos), r.pos).trim() !== '') break;
    at = r.pos;
  }
  return lineStartOf(text, at);
}

/** Turns a fix intent into edits; undefined when the intent is not about Drizzle or cannot be written. */
export function writeDrizzleFix(intent: FixIntent, reader: SourceReader): FileEdit[] | undefined {
  try {
    return writeDrizzleFixOrThrow(intent, reader);
  } catch {
    // A writer that cannot understand the file offers no fix rather than a broken one.
    return undefined;
  }
}

/** The intents this language writes. */
const WRITERS: SchemaWriters = { setOnDelete, addIndex, dropIndex, changeColumnType, makeNullable, addForeignKey, createEnum };

/** The writers without the safety net (tests use it to prove they do not throw on their own). */
export function writeDrizzleFixOrThrow(intent: FixIntent, reader: SourceReader): FileEdit[] | undefined {
  return writeSchemaFix('drizzle', WRITERS, intent, reader);
}
