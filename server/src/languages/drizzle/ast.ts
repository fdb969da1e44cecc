/**
 * Syntax helpers for the Drizzle front-end: parsing (syntax only, never a program or a type checker),
 * positions, import maps and builder chains.
 */
import * as ts from 'typescript';

/**
 * The parts of the TypeScript namespace this front-end calls, as a small object of plain properties.
 * `import * as ts` becomes an object of per-property getters (tsx, bundlers), and a copy of the whole
 * namespace has thousands of properties, which V8 keeps as a dictionary: either way every
 * `T.isCallExpression(node)` is a lookup and a call that is never inlined. Here it costs what
 * `node.kind === …` costs.
 */
export const T = {
  SyntaxKind: ts.SyntaxKind,
  NodeFlags: ts.NodeFlags,
  ScriptKind: ts.ScriptKind,
  ScriptTarget: ts.ScriptTarget,
  createSourceFile: ts.createSourceFile,
  forEachChild: ts.forEachChild,
  getLeadingCommentRanges: ts.getLeadingCommentRanges,
  getTrailingCommentRanges: ts.getTrailingCommentRanges,
  flattenDiagnosticMessageText: ts.flattenDiagnosticMessageText,
  isArrayLiteralExpression: ts.isArrayLiteralExpression,
  isArrowFunction: ts.isArrowFunction,
  isAsExpression: ts.isAsExpression,
  isBinaryExpression: ts.isBinaryExpression,
  isBlock: ts.isBlock,
  isCallExpression: ts.isCallExpression,
  isElementAccessExpression: ts.isElementAccessExpression,
  isExportAssignment: ts.isExportAssignment,
  isExportDeclaration: ts.isExportDeclaration,
  isFunctionExpression: ts.isFunctionExpression,
  isFunctionDeclaration: ts.isFunctionDeclaration,
  isSpreadElement: ts.isSpreadElement,
  isClassDeclaration: ts.isClassDeclaration,
  isEnumDeclaration: ts.isEnumDeclaration,
  isInterfaceDeclaration: ts.isInterfaceDeclaration,
  isTypeAliasDeclaration: ts.isTypeAliasDeclaration,
  isModuleDeclaration: ts.isModuleDeclaration,
  isImportEqualsDeclaration: ts.isImportEqualsDeclaration,
  isOmittedExpression: ts.isOmittedExpression,
  isIdentifier: ts.isIdentifier,
  isImportDeclaration: ts.isImportDeclaration,
  isNamedExports: ts.isNamedExports,
  isNamedImports: ts.isNamedImports,
  isNamespaceImport: ts.isNamespaceImport,
  isNoSubstitutionTemplateLiteral: ts.isNoSubstitutionTemplateLiteral,
  isNonNullExpression: ts.isNonNullExpression,
  isNumericLiteral: ts.isNumericLiteral,
  isObjectLiteralExpression: ts.isObjectLiteralExpression,
  isObjectBindingPattern: ts.isObjectBindingPattern,
  isParenthesizedExpression: ts.isParenthesizedExpression,
  isPrivateIdentifier: ts.isPrivateIdentifier,
  isPropertyAccessExpression: ts.isPropertyAccessExpression,
  isPropertyAssignment: ts.isPropertyAssignment,
  isReturnStatement: ts.isReturnStatement,
  isSatisfiesExpression: ts.isSatisfiesExpression,
  isShorthandPropertyAssignment: ts.isShorthandPropertyAssignment,
  isSpreadAssignment: ts.isSpreadAssignment,
  isStringLiteral: ts.isStringLiteral,
  isTemplateExpression: ts.isTemplateExpression,
  isTaggedTemplateExpression: ts.isTaggedTemplateExpression,
  isTypeAssertionExpression: ts.isTypeAssertionExpression,
  isVariableStatement: ts.isVariableStatement,
};
import type { Dialect, Loc, Range } from '../../../../rules/model';
import { lineOfOffset, sourceLineStarts } from '../lines';
import { noteCheckImport } from './checks';

export const CORE_MODULES: Record<string, Dialect> = {
  'drizzle-orm/pg-core': 'postgresql',
  'drizzle-orm/mysql-core': 'mysql',
  'drizzle-orm/sqlite-core': 'sqlite',
  'drizzle-orm/singlestore-core': 'mysql',
};

/** CORE_MODULES as a Map (see coreModuleDialect). */
const CORE_MODULE_DIALECTS = new Map(Object.entries(CORE_MODULES));

/**
 * `CORE_MODULES[moduleName]` without its cost for the module names of a file's imports: a fresh string used as a key
 * of an object is looked up in V8's string table at each use (a few hundred ns), where a Map hashes it once. A
 * relative specifier, most of a schema's imports, is neither a key of the object nor of Object.prototype.
 */
function coreModuleDialect(moduleName: string): Dialect | undefined {
  return CORE_MODULE_DIALECTS.get(moduleName) ?? (moduleName.charCodeAt(0) === 46 /* . */ ? undefined : CORE_MODULES[moduleName]);
}

export const CORE_MODULE_OF: Partial<Record<Dialect, string>> = {
  postgresql: 'drizzle-orm/pg-core',
  mysql: 'drizzle-orm/mysql-core',
  sqlite: 'drizzle-orm/sqlite-core',
  cockroachdb: 'drizzle-orm/pg-core',
};

export const TABLE_FUNCTIONS: Record<string, Dialect> = {
  pgTable: 'postgresql',
  mysqlTable: 'mysql',
  sqliteTable: 'sqlite',
  singlestoreTable: 'mysql',
};

export const CREATOR_FUNCTIONS: Record<string, Dialect> = {
  pgTableCreator: 'postgresql',
  mysqlTableCreator: 'mysql',
  sqliteTableCreator: 'sqlite',
  singlestoreTableCreator: 'mysql',
};

export const SCHEMA_FUNCTIONS: Record<string, Dialect> = {
  pgSchema: 'postgresql',
  mysqlSchema: 'mysql',
  mysqlDatabase: 'mysql',
  singlestoreSchema: 'mysql',
};

function scriptKindOf(file: string): ts.ScriptKind {
  if (file.endsWith('.tsx')) return T.ScriptKind.TSX;
  if (file.endsWith('.jsx')) return T.ScriptKind.JSX;
  if (/\.(m|c)?js$/.test(file)) return T.ScriptKind.JS;
  return T.ScriptKind.TS;
}

/** Files whose text the parser could not handle (it overflows the stack on pathological nesting). */
const unparsable = new WeakSet<ts.SourceFile>();

/**
 * Syntax-only parse; parent pointers are not set (faster). `T.createSourceFile` recovers from any
 * syntax error but can overflow the stack on absurd nesting: then an empty file stands in and
 * `isUnparsable` says so.
 */
export function parseSource(file: string, text: string): ts.SourceFile {
  try {
    return T.createSourceFile(file, text, T.ScriptTarget.Latest, false, scriptKindOf(file));
  } catch {
    const empty = T.createSourceFile(file, '', T.ScriptTarget.Latest, false, scriptKindOf(file));
    unparsable.add(empty);
    return empty;
  }
}

export function isUnparsable(sf: ts.SourceFile): boolean {
  return unparsable.has(sf);
}

/** The parser's syntax errors (an internal but long-stable field of SourceFile). */
export function parseDiagnosticsOf(sf: ts.SourceFile): readonly ts.DiagnosticWithLocation[] {
  return (sf as unknown as { parseDiagnostics?: ts.DiagnosticWithLocation[] }).parseDiagnostics ?? [];
}

// A small cache so discovery and analysis of the same unchanged text parse once.
const CACHE_LIMIT = 256;
const cache = new Map<string, { text: string; sf: ts.SourceFile }>();

export function parseCached(file: string, text: string): ts.SourceFile {
  const hit = cache.get(file);
  if (hit && hit.text === text) return hit.sf;
  const sf = parseSource(file, text);
  cache.delete(file);
  cache.set(file, { text, sf });
  if (cache.size > CACHE_LIMIT) {
    const oldest = cache.keys().next().value;
    if (oldest !== undefined) cache.delete(oldest);
  }
  return sf;
}

/** The line table `lineAt` answered for last, and the line it answered. */
let hintStarts: readonly number[] | undefined;
let hintLine = 0;

/** 0-based line of an offset in the parser's line starts, the previous answer tried first (see lineOfOffset). */
export function lineAt(starts: readonly number[], pos: number): number {
  hintLine = lineOfOffset(starts, pos, hintStarts === starts ? hintLine : 0);
  hintStarts = starts;
  return hintLine;
}

/** The offsets where the file's LSP lines start (`\n`, `\r\n`, `\r`; not U+2028/U+2029), cached per source file. */
export function lineStartsOf(sf: ts.SourceFile): readonly number[] {
  return sourceLineStarts(sf);
}

export function rangeOf(sf: ts.SourceFile, start: number, end: number): Range {
  return rangeIn(lineStartsOf(sf), start, end);
}

/** `rangeOf` from a file's line starts (`lineStartsOf(sf)`). */
export function rangeIn(starts: readonly number[], start: number, end: number): Range {
  const sl = lineAt(starts, start);
  // Most ranges end on the line they start on.
  const el = end === start || (end > start && (sl + 1 >= starts.length || end < starts[sl + 1])) ? sl : lineAt(starts, end);
  return { start: { line: sl, character: start - starts[sl] }, end: { line: el, character: end - starts[el] } };
}

export function locOf(sf: ts.SourceFile, file: string, start: number, end: number): Loc {
  return { file, range: rangeOf(sf, start, end) };
}

export function nodeLoc(sf: ts.SourceFile, file: string, node: ts.Node): Loc {
  return locOf(sf, file, startOf(sf, node), node.end);
}

/**
 * `node.getStart(sf)`, reading only the node's `pos` and `end` and the text when the trivia before the
 * token is plain spaces, tabs and line breaks (the common case). TypeScript's `getTokenPosOfNode` reads
 * several more fields of the node and calls four functions to get there. Anything its `skipTrivia` treats
 * specially (a comment, a conflict marker, a shebang, other whitespace) and a missing node take its path.
 */
export function startOf(sf: ts.SourceFile, node: ts.Node): number {
  return tokenStart(sf, node, node.pos, node.end);
}

/** `startOf` with the node's `pos` and `end` read by the caller, at its own site (see IDENTIFIER). */
export function tokenStart(sf: ts.SourceFile, node: ts.Node, pos: number, end: number): number {
  if (pos === end) return node.getStart(sf);
  const text = sf.text;
  for (;;) {
    const c = text.charCodeAt(pos);
    if (c === 32 || c === 10 || c === 9 || c === 13) pos++;
    else if (c === 47 || c === 60 || c === 61 || c === 62 || c === 124 || c === 35 || c === 11 || c === 12 || c > 127) return node.getStart(sf);
    else return pos;
  }
}

/**
 * An identifier's text: `escapedText` itself unless it starts with two underscores (TypeScript escapes
 * a leading `__` by one more `_`; `.text` unescapes it), without the getter and the two calls behind `.text`.
 */
export function idText(id: ts.Identifier | ts.PrivateIdentifier): string {
  const t = id.escapedText as string;
  return t.charCodeAt(0) === 95 && t.charCodeAt(1) === 95 ? id.text : t;
}

/** Offset of a 0-based position, or -1 when it is outside the text. */
export function offsetAt(sf: ts.SourceFile, line: number, character: number): number {
  const starts = lineStartsOf(sf);
  if (line < 0 || line >= starts.length) return -1;
  const pos = starts[line] + character;
  return pos <= sf.text.length ? pos : -1;
}

/*
 * Kinds for the hot paths to compare `node.kind` with. `T.isCallExpression(node)` inlined into our code brings
 * the type feedback of TypeScript's own `node.kind` read, which the parser has made megamorphic (every kind
 * of node passes there); a `node.kind` read written at our site keeps the feedback of the few shapes that reach it.
 */
export const {
  Identifier: IDENTIFIER,
  PrivateIdentifier: PRIVATE_IDENTIFIER,
  StringLiteral: STRING,
  NoSubstitutionTemplateLiteral: TEMPLATE,
  NumericLiteral: NUMERIC,
  CallExpression: CALL,
  PropertyAccessExpression: ACCESS,
  ObjectLiteralExpression: OBJECT,
  ArrayLiteralExpression: ARRAY,
  PropertyAssignment: PROPERTY,
  ShorthandPropertyAssignment: SHORTHAND,
  SpreadAssignment: SPREAD,
} = T.SyntaxKind;

export function stringValue(node: ts.Node | undefined): string | undefined {
  if (!node) return undefined;
  const k = node.kind;
  if (k === STRING || k === TEMPLATE) return (node as ts.StringLiteral).text;
  return undefined;
}

export function propertyName(name: ts.PropertyName | undefined): string | undefined {
  if (!name) return undefined;
  const k = name.kind;
  if (k === IDENTIFIER || k === PRIVATE_IDENTIFIER) return idText(name as ts.Identifier);
  if (k === STRING || k === NUMERIC) return (name as ts.StringLiteral).text;
  return undefined;
}

// The wrapper kinds `unwrapExpression` looks through, as plain numbers.
const PARENTHESIZED = T.SyntaxKind.ParenthesizedExpression;
const AS = T.SyntaxKind.AsExpression;
const SATISFIES = T.SyntaxKind.SatisfiesExpression;
const NON_NULL = T.SyntaxKind.NonNullExpression;
const TYPE_ASSERTION = T.SyntaxKind.TypeAssertionExpression;

/** Whether `unwrapExpression` looks through a node of kind `k`: hot paths read `kind` at their own site and call it only then. */
export function isWrapperKind(k: ts.SyntaxKind): boolean {
  return k === PARENTHESIZED || k === AS || k === SATISFIES || k === NON_NULL || k === TYPE_ASSERTION;
}

export function unwrapExpression(node: ts.Expression): ts.Expression {
  let e = node;
  for (;;) {
    // One read of `kind` per step, not one per `T.isX` test: nodes of many shapes pass here, and each read
    // of a property is a (megamorphic) lookup.
    const k = e.kind;
    if (k === PARENTHESIZED || k === AS || k === SATISFIES || k === NON_NULL || k === TYPE_ASSERTION) {
      e = (e as ts.ParenthesizedExpression).expression;
    } else {
      return e;
    }
  }
}

/** One method call of a builder chain (`.notNull()`). */
export interface ChainLink {
  name: string;
  call: ts.CallExpression;
  /** The method name node; `dotBefore(sf, link.nameNode)` is where `.notNull()` starts. */
  nameNode: ts.Node;
}

export interface Chain {
  /** The innermost expression: normally the builder call `text("x")`. */
  root: ts.Expression;
  /** Method calls from the root outwards. */
  links: ChainLink[];
}

export function dotBefore(sf: ts.SourceFile, name: ts.Node): number {
  const start = tokenStart(sf, name, name.pos, name.end);
  return sf.text.charCodeAt(start - 1) === 46 /* . */ ? start - 1 : start;
}

/** `a().b().c()` → root `a()`, links [b, c]. Stops at the first link that is not `x.method(...)`. */
export function decomposeChain(_sf: ts.SourceFile, expression: ts.Expression): Chain {
  const links: ChainLink[] = [];
  let e = unwrapExpression(expression);
  while (T.isCallExpression(e) && T.isPropertyAccessExpression(e.expression)) {
    const target = unwrapExpression(e.expression.expression);
    // `pg.text("x")` / `t.integer()` / `schema.table(...)`: a namespace or parameter, not a chain link.
    if (T.isIdentifier(target) && !T.isCallExpression(target)) break;
    links.push({ name: e.expression.name.text, call: e, nameNode: e.expression.name });
    e = target;
  }
  links.reverse();
  return { root: e, links };
}

/**
 * The string values of a type argument that is a union of string literal types (`"draft" | "published"`, a `null`
 * or `undefined` member aside), or undefined for any other type (`Status`, `string`, `"a" | (string & {})`, a
 * single literal). Syntax only: a named type is not followed.
 */
export function stringLiteralUnion(type: ts.TypeNode | undefined): string[] | undefined {
  if (!type) return undefined;
  const K = T.SyntaxKind;
  while (type.kind === K.ParenthesizedType) type = (type as ts.ParenthesizedTypeNode).type;
  const members = type.kind === K.UnionType ? (type as ts.UnionTypeNode).types : [type];
  const values: string[] = [];
  for (let member of members) {
    while (member.kind === K.ParenthesizedType) member = (member as ts.ParenthesizedTypeNode).type;
    if (member.kind === K.UndefinedKeyword) continue;
    if (member.kind !== K.LiteralType) return undefined;
    const literal = (member as ts.LiteralTypeNode).literal;
    if (literal.kind === K.NullKeyword) continue;
    if (literal.kind !== K.StringLiteral && literal.kind !== K.NoSubstitutionTemplateLiteral) return undefined;
    const text = (literal as ts.StringLiteral).text;
    if (!values.includes(text)) values.push(text);
  }
  return values.length >= 2 ? values : undefined;
}

// ---------------------------------------------------------------------------------------------
// Imports
// ---------------------------------------------------------------------------------------------

export interface ImportInfo {
  /** local name → imported name, for named imports from a drizzle core module. */
  core: Map<string, string>;
  /** local namespace name (`import * as pg`) → dialect. */
  coreNamespaces: Map<string, Dialect>;
  /** The dialect of the first core module imported. */
  coreDialect?: Dialect;
  /** The core module declaration (first), for adding imports. */
  coreImport?: ts.ImportDeclaration;
  /** local name → imported name, from `drizzle-orm` itself (relations, sql). */
  orm: Map<string, string>;
  /** local name → { module, imported } for every other import. */
  other: Map<string, { module: string; imported: string }>;
  /** Quote character used by import specifiers. */
  quote: string;
  imports: ts.ImportDeclaration[];
  mentionsDrizzle: boolean;
}

export function readImports(sf: ts.SourceFile): ImportInfo {
  const info: ImportInfo = {
    core: new Map(),
    coreNamespaces: new Map(),
    orm: new Map(),
    other: new Map(),
    quote: '"',
    imports: [],
    mentionsDrizzle: false,
  };
  let quoteSet = false;
  for (const statement of sf.statements) {
    if (!T.isImportDeclaration(statement)) continue;
    info.imports.push(statement);
    const moduleName = stringValue(statement.moduleSpecifier);
    if (moduleName === undefined) continue;
    if (!quoteSet) {
      info.quote = sf.text.charAt(statement.moduleSpecifier.getStart(sf)) === "'" ? "'" : '"';
      quoteSet = true;
    }
    const dialect = coreModuleDialect(moduleName);
    if (moduleName.startsWith('drizzle-orm')) info.mentionsDrizzle = true;
    const clause = statement.importClause;
    if (!clause) continue;
    if (dialect && !info.coreDialect) {
      info.coreDialect = dialect;
      info.coreImport = statement;
    }
    if (clause.name) {
      if (!dialect && moduleName !== 'drizzle-orm') info.other.set(clause.name.text, { module: moduleName, imported: 'default' });
    }
    const bindings = clause.namedBindings;
    if (!bindings) continue;
    if (T.isNamespaceImport(bindings)) {
      if (dialect) {
        info.coreNamespaces.set(bindings.name.text, dialect);
        // `pg.check(…)` may follow: the Postgres parser reads it (checks.ts).
        noteCheckImport();
      }
      else if (moduleName !== 'drizzle-orm') info.other.set(bindings.name.text, { module: moduleName, imported: '*' });
      continue;
    }
    for (const element of bindings.elements) {
      const local = element.name.text;
      const imported = element.propertyName ? propertyName(element.propertyName as ts.PropertyName) ?? local : local;
      if (dialect) {
        info.core.set(local, imported);
        if (imported === 'check') noteCheckImport();
      } else if (moduleName === 'drizzle-orm') info.orm.set(local, imported);
      else info.other.set(local, { module: moduleName, imported });
    }
  }
  // `index(…).on(t.x).where(sql\`${t.x} is not null\`)`: the Postgres parser reads that predicate too (checks.ts).
  if ([...info.orm.values()].includes('sql') && [...info.core.values()].some((n) => n === 'index' || n === 'uniqueIndex')) noteCheckImport();
  return info;
}

/** The drizzle name a callee refers to: `pgTable`, `pg.pgTable` (namespace), `t.integer` (builder parameter). */
export function coreNameOf(imports: ImportInfo, callee: ts.Expression): string | undefined {
  const e = unwrapExpression(callee);
  if (T.isIdentifier(e)) {
    return imports.core.get(e.text) ?? imports.orm.get(e.text) ?? (imports.other.has(e.text) ? undefined : e.text);
  }
  if (T.isPropertyAccessExpression(e)) return e.name.text;
  return undefined;
}

export function leadingIndent(text: string, pos: number): string {
  let s = pos;
  while (s > 0 && text[s - 1] !== '\n') s--;
  let e = s;
  while (e < text.length && (text[e] === ' ' || text[e] === '\t')) e++;
  return text.slice(s, e);
}

export function lineStartOf(text: string, pos: number): number {
  let s = pos;
  while (s > 0 && text[s - 1] !== '\n') s--;
  return s;
}

/** Comment text without its markers (`//`, `/*`, leading `*`). */
export function commentBody(raw: string): string {
  if (raw.startsWith('//')) return raw.replace(/^\/\/+\s?/, '').trim();
  return raw
    .replace(/^\/\*+/, '')
    .replace(/\*+\/$/, '')
    .split('\n')
    .map((l) => l.replace(/^\s*\*\s?/, '').trim())
    .filter((l) => l.length > 0)
    .join('\n')
    .trim();
}
