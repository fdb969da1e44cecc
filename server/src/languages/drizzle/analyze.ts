/**
 * Drizzle schema files → one Database. A thin walk over the syntax tree: top-level declarations
 * (scan.ts), then each table's column object and extra-config callback. Never throws: whatever the
 * parser recovered is reviewed, and syntax errors become one diagnostic per file.
 */
import type * as ts from 'typescript';
import type {
  Column,
  ColumnType,
  Database,
  Dialect,
  EnumType,
  ForeignKey,
  Index,
  IndexColumnOptions,
  Loc,
  ReferentialAction,
  Table,
} from '../../../../rules/model';
import { parseIgnoreComment } from '../../suppressions';
import type { Analysis, AnalyzeOptions, SourceDiagnostic, SourceReader, Suppression, Unit } from '../types';
import * as ast from './ast';
import type { Chain } from './ast';
import { scanFile, type Declaration, type FileScan } from './scan';
import { applyChecks, notNullKeysOfTemplate, type PendingCheck } from './checks';
import { callScope, constantString, helperNamed, indexWrapper, returnOf, type ModuleOf, type StringScope } from './helpers';
import { safeRead } from '../packages';
import { TsconfigPaths, resolveImport } from '../code/resolve';

/**
 * Module-local copies of the syntax helpers the walk calls for every column. Run from source (tsx), these
 * modules are CommonJS, where each use of an imported binding is a call to two getters.
 */
const {
  T,
  ACCESS,
  CALL,
  IDENTIFIER,
  OBJECT,
  PROPERTY,
  SHORTHAND,
  SPREAD,
  STRING,
  TEMPLATE,
  commentBody,
  coreNameOf,
  dotBefore,
  idText,
  isUnparsable,
  isWrapperKind,
  decomposeChain,
  lineAt,
  lineStartsOf,
  locOf,
  parseCached,
  parseDiagnosticsOf,
  propertyName,
  rangeIn,
  stringLiteralUnion,
  rangeOf,
  startOf,
  stringValue,
  tokenStart,
  unwrapExpression,
} = ast;

const ACTIONS: Record<string, ReferentialAction> = {
  cascade: 'Cascade',
  restrict: 'Restrict',
  'no action': 'NoAction',
  'set null': 'SetNull',
  'set default': 'SetDefault',
};

/** ACTIONS as a Map: `toLowerCase` makes a fresh string, which an object looks up in the string table each time. */
const ACTION_MAP = new Map(Object.entries(ACTIONS));

export const ACTION_TEXT: Record<ReferentialAction, string> = {
  Cascade: 'cascade',
  Restrict: 'restrict',
  NoAction: 'no action',
  SetNull: 'set null',
  SetDefault: 'set default',
};

const BUILDER_TYPES: Record<string, ColumnType> = {
  text: 'string', varchar: 'string', char: 'string', citext: 'string', tinytext: 'string', mediumtext: 'string',
  longtext: 'string',
  integer: 'int', int: 'int', smallint: 'int', tinyint: 'int', mediumint: 'int', serial: 'int', smallserial: 'int',
  year: 'int',
  bigint: 'bigint', bigserial: 'bigint',
  real: 'float', doublePrecision: 'float', double: 'float', float: 'float',
  numeric: 'decimal', decimal: 'decimal',
  boolean: 'boolean',
  timestamp: 'datetime', datetime: 'datetime',
  date: 'date', time: 'time',
  json: 'json', jsonb: 'json',
  uuid: 'uuid',
  blob: 'bytes', binary: 'bytes', varbinary: 'bytes', bytea: 'bytes',
  mysqlEnum: 'enum', singlestoreEnum: 'enum',
};

const SERIALS = new Set(['serial', 'smallserial', 'bigserial']);

/** BUILDER_TYPES as a Map: one hash lookup per column, not a megamorphic keyed load (misses ask the object, as before). */
const BUILDER_TYPE_MAP = new Map(Object.entries(BUILDER_TYPES));

/** Everything the analysis knows about one unit while it walks it. */
interface UnitContext {
  scans: FileScan[];
  byFile: Map<string, FileScan>;
  /** resolveModule's answers. */
  modules: Map<string, FileScan | undefined>;
  /** resolveModule's answers by importing file and specifier: no key string to build and hash per question. */
  imported: Map<FileScan, Map<string, FileScan | undefined>>;
  /** For an index helper imported through a tsconfig `paths` alias (`@/lib/drizzle`): the unit's reader. */
  reader?: SourceReader;
  tsconfig?: TsconfigPaths;
}

/**
 * The line starts of a file of the unit, kept on its scan: the walk locates a few things per column (the column, its
 * keys, its foreign key), and the table lookup behind `lineStartsOf` is a hash lookup each time.
 */
function linesOf(scan: FileScan): readonly number[] {
  return (scan.lines ??= lineStartsOf(scan.sf));
}

/** `locOf` in the file of `scan`. */
function scanLoc(scan: FileScan, start: number, end: number): Loc {
  return { file: scan.file, range: rangeIn(linesOf(scan), start, end) };
}

/** The location of a column's property (`id: uuidPk("id")`) in the file of `scan`. */
function propertyLoc(scan: FileScan, property: ts.Node): Loc {
  return scanLoc(scan, tokenStart(scan.sf, property, property.pos, property.end), property.end);
}

/** `nodeLoc` in the file of `scan`. */
function scanNodeLoc(scan: FileScan, node: ts.Node): Loc {
  return scanLoc(scan, startOf(scan.sf, node), node.end);
}

/** Resolves a name used in `scan` to the file and name of its top-level declaration in the unit. */
function resolveName(ctx: UnitContext, scan: FileScan, local: string): { scan: FileScan; decl: Declaration } | undefined {
  const own = scan.byName.get(local);
  if (own) return { scan, decl: own };
  const imported = scan.imports.other.get(local);
  const name = imported && imported.imported !== 'default' && imported.imported !== '*' ? imported.imported : local;
  if (imported) {
    const target = moduleOf(ctx, scan, imported.module);
    const found = target && exportedFrom(ctx, target, name, 0);
    if (found) return found;
  }
  for (const other of ctx.scans) {
    const decl = other.byName.get(name);
    if (decl) return { scan: other, decl };
  }
  // Known under another name (`export { user as people } from './auth'`) in a file of the unit.
  for (const other of ctx.scans) {
    if (!other.reExports?.has(name)) continue;
    const found = exportedFrom(ctx, other, name, 0);
    if (found) return found;
  }
  return undefined;
}

/** The file a module specifier used in `scan` names, remembered per file and specifier. */
function moduleOf(ctx: UnitContext, scan: FileScan, spec: string): FileScan | undefined {
  let answers = ctx.imported.get(scan);
  if (!answers) ctx.imported.set(scan, (answers = new Map()));
  let target = answers.get(spec);
  if (target === undefined && !answers.has(spec)) {
    target = resolveModule(ctx, scan.file, spec);
    answers.set(spec, target);
  }
  return target;
}

/** The declaration `scan` exports as `name`: its own, or one it re-exports, possibly under another name. */
function exportedFrom(ctx: UnitContext, scan: FileScan, name: string, depth: number): { scan: FileScan; decl: Declaration } | undefined {
  const decl = scan.byName.get(name);
  if (decl) return { scan, decl };
  const re = scan.reExports?.get(name);
  if (!re || depth > 8) return undefined;
  let module = re.module;
  let original = re.name;
  if (module === undefined) {
    // `export { user as people }`: declared here, or imported here.
    const local = scan.byName.get(original);
    if (local) return { scan, decl: local };
    const imported = scan.imports.other.get(original);
    if (!imported || imported.imported === 'default' || imported.imported === '*') return undefined;
    module = imported.module;
    original = imported.imported;
  }
  const target = moduleOf(ctx, scan, module);
  return target ? exportedFrom(ctx, target, original, depth + 1) : undefined;
}

export function resolveModule(
  ctx: { byFile: Map<string, FileScan>; modules?: Map<string, FileScan | undefined> },
  from: string,
  spec: string,
): FileScan | undefined {
  if (!spec.startsWith('.')) return undefined;
  // Asked once per reference to a table of another file: the answer is kept per folder and specifier.
  const key = ctx.modules ? dirname(from) + '\0' + spec : undefined;
  if (key !== undefined && ctx.modules!.has(key)) return ctx.modules!.get(key);
  const base = normalizePath(dirname(from) + '/' + spec);
  const stem = base.replace(/\.(m|c)?jsx?$/, '');
  let found: FileScan | undefined;
  for (const candidate of [
    base,
    stem + '.ts', stem + '.tsx', stem + '.mts', stem + '.cts', stem + '.js', stem + '.mjs', stem + '.cjs',
    base + '/index.ts', base + '/index.js',
  ]) {
    const hit = ctx.byFile.get(candidate);
    if (hit) {
      found = hit;
      break;
    }
  }
  if (key !== undefined) ctx.modules!.set(key, found);
  return found;
}

export function dirname(p: string): string {
  const i = p.lastIndexOf('/');
  return i <= 0 ? '/' : p.slice(0, i);
}

export function normalizePath(p: string): string {
  const out: string[] = [];
  const drive = /^[A-Za-z]:/.exec(p)?.[0];
  for (const part of (drive ? p.slice(drive.length) : p).split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') out.pop();
    else out.push(part);
  }
  return (drive ?? '') + '/' + out.join('/');
}

/** The drizzle table variable a column reference `x.col` / `ns.x.col` points at, and the column key. */
function columnRef(expression: ts.Expression | undefined, param?: ConfigParam): { owner?: string; column: string } | undefined {
  if (!expression) return undefined;
  let e = unwrapExpression(expression);
  // `t.a.desc()`, `t.a.asc().nullsFirst()`, `t.a.op("text_ops")`
  while (T.isCallExpression(e) && T.isPropertyAccessExpression(e.expression)) e = unwrapExpression(e.expression.expression);
  // `({ postId, tagId: tag }) => [index().on(tag)]`: a column the callback's parameter destructures.
  if (param?.bound && T.isIdentifier(e)) {
    const key = param.bound.get(e.text);
    if (key !== undefined) return { owner: param.name, column: key };
  }
  if (T.isPropertyAccessExpression(e)) {
    const owner = unwrapExpression(e.expression);
    const ownerName = T.isIdentifier(owner) ? owner.text : T.isPropertyAccessExpression(owner) ? owner.name.text : undefined;
    return { owner: ownerName, column: e.name.text };
  }
  if (T.isElementAccessExpression(e)) {
    const key = stringValue(e.argumentExpression);
    const owner = unwrapExpression(e.expression);
    if (key !== undefined) return { owner: T.isIdentifier(owner) ? owner.text : undefined, column: key };
  }
  return undefined;
}

/**
 * The extra-config callback's parameter: `(t) => …` names the table (`name`); `({ a, b: x }) => …` destructures
 * its columns (`bound`: local name → column key), and `name` is then a placeholder no identifier can equal.
 */
interface ConfigParam {
  name: string;
  bound?: Map<string, string>;
  /** In a helper the config calls (`...ownedBy(t, "posts")`): the strings its parameters hold, for index names. */
  strings?: StringScope;
}

const DESTRUCTURED = '{}';

function configParamOf(fn: ts.Node): ConfigParam | undefined {
  if (!T.isArrowFunction(fn) && !T.isFunctionExpression(fn) && !T.isFunctionDeclaration(fn)) return undefined;
  const first = fn.parameters[0]?.name;
  if (!first) return undefined;
  if (T.isIdentifier(first)) return { name: first.text };
  if (!T.isObjectBindingPattern(first)) return undefined;
  const bound = new Map<string, string>();
  for (const element of first.elements) {
    if (element.dotDotDotToken || !T.isIdentifier(element.name)) continue;
    const key = element.propertyName ? propertyName(element.propertyName as ts.PropertyName) : element.name.text;
    if (key !== undefined) bound.set(element.name.text, key);
  }
  return { name: DESTRUCTURED, bound };
}

/** The initializer of `const name = …` declared directly in a block-bodied function, if any. */
function blockConstant(fn: ts.Node, name: string): ts.Expression | undefined {
  if (!(T.isArrowFunction(fn) || T.isFunctionExpression(fn) || T.isFunctionDeclaration(fn)) || !fn.body || !T.isBlock(fn.body)) return undefined;
  for (const statement of fn.body.statements) {
    if (!T.isVariableStatement(statement)) continue;
    for (const d of statement.declarationList.declarations) {
      if (T.isIdentifier(d.name) && d.name.text === name && d.initializer) return d.initializer;
    }
  }
  return undefined;
}

/** The expression a function returns: an arrow's expression body or a block's first `return`. */
export function returnedExpression(fn: ts.Node | undefined): ts.Expression | undefined {
  if (!fn) return undefined;
  const f = T.isParenthesizedExpression(fn as ts.Expression) ? unwrapExpression(fn as ts.Expression) : fn;
  if (!T.isArrowFunction(f) && !T.isFunctionExpression(f)) return undefined;
  if (!f.body) return undefined;
  if (T.isBlock(f.body)) {
    for (const s of f.body.statements) if (T.isReturnStatement(s) && s.expression) return unwrapExpression(s.expression);
    return undefined;
  }
  return unwrapExpression(f.body);
}

/**
 * Whether `text` has a `/` in [from, to). Most members have no comment: a look at the few characters of
 * their trivia spares the comment scanner (its loop, its callback, its array) for each of them.
 */
function hasSlash(text: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) if (text.charCodeAt(i) === 47 /* / */) return true;
  return false;
}

/** `pos` is a node's `pos` and `start` its `getStart`: the trivia [pos, start) holds the leading comments, if any. */
function leadingComment(sf: ts.SourceFile, pos: number, start: number): string | undefined {
  const text = sf.text;
  if (!hasSlash(text, pos, start)) return undefined;
  const ranges = T.getLeadingCommentRanges(text, pos);
  if (!ranges) return undefined;
  const parts = ranges
    .map((r) => commentBody(text.slice(r.pos, r.end)))
    .filter((c) => c.length > 0 && !c.startsWith('schema-review-ignore') && !c.startsWith('eslint-') && !c.startsWith('@ts-'));
  return parts.length ? parts.join('\n') : undefined;
}

/** The comments after a node's `end` (and its comma) on the same line. */
function trailingComment(sf: ts.SourceFile, nodeEnd: number): string | undefined {
  const text = sf.text;
  let end = nodeEnd;
  if (text.charCodeAt(end) === 44 /* , */) end++;
  // Trailing comments follow on the same line after spaces and tabs (the scanner also skips \v, \f and
  // non-ASCII spaces: those take the scanner's path). Anything else first means none.
  let i = end;
  let c = text.charCodeAt(i);
  while (c === 32 || c === 9) c = text.charCodeAt(++i);
  if (c !== 47 /* / */ && c < 127 && c !== 11 && c !== 12) return undefined;
  const ranges = T.getTrailingCommentRanges(text, end);
  if (!ranges) return undefined;
  const parts = ranges
    .map((r) => commentBody(text.slice(r.pos, r.end)))
    .filter((c) => c.length > 0 && !c.startsWith('schema-review-ignore'));
  return parts.length ? parts.join('\n') : undefined;
}

function optionsOf(call: ts.CallExpression): ts.ObjectLiteralExpression | undefined {
  const args = call.arguments;
  for (let i = 0; i < args.length; i++) {
    let u: ts.Expression = args[i];
    let k = u.kind;
    if (isWrapperKind(k)) {
      u = unwrapExpression(u);
      k = u.kind;
    }
    if (k === OBJECT) return u as ts.ObjectLiteralExpression;
  }
  return undefined;
}

export function objectProperty(object: ts.ObjectLiteralExpression | undefined, key: string): ts.Expression | undefined {
  if (!object) return undefined;
  const properties = object.properties;
  for (let i = 0; i < properties.length; i++) {
    const p = properties[i];
    const k = p.kind;
    if (k === PROPERTY && propertyName((p as ts.PropertyAssignment).name) === key) return (p as ts.PropertyAssignment).initializer;
    if (k === SHORTHAND && idText((p as ts.ShorthandPropertyAssignment).name) === key) return (p as ts.ShorthandPropertyAssignment).name;
  }
  return undefined;
}

function columnType(builder: string, call: ts.CallExpression | undefined, isEnum: boolean): ColumnType {
  if (isEnum) return 'enum';
  // Only these builders have a `mode` that changes the type: the others skip looking for their options.
  if (builder === 'integer' || builder === 'int') {
    const mode = modeOf(call);
    if (mode === 'timestamp' || mode === 'timestamp_ms') return 'datetime';
    if (mode === 'boolean') return 'boolean';
  } else if (builder === 'text' || builder === 'blob') {
    const mode = modeOf(call);
    if (mode === 'json') return 'json';
    if (builder === 'blob' && mode === 'bigint') return 'bigint';
  }
  return BUILDER_TYPE_MAP.get(builder) ?? BUILDER_TYPES[builder] ?? 'other';
}

function modeOf(call: ts.CallExpression | undefined): string | undefined {
  return call ? stringValue(objectProperty(optionsOf(call), 'mode')) : undefined;
}

function action(expression: ts.Expression | undefined): ReferentialAction | undefined {
  const v = stringValue(expression ? unwrapExpression(expression) : undefined);
  if (v === undefined) return undefined;
  // A Map for the actions written (see BUILDER_TYPE_MAP); anything else asks the object, as before.
  const key = v.toLowerCase();
  return ACTION_MAP.get(key) ?? ACTIONS[key];
}

interface TableBuild {
  table: Table;
  scan: FileScan;
  decl: Extract<Declaration, { kind: 'table' }>;
  dialect?: Dialect;
  /**
   * The unit, when the table is read during the analysis; undefined when it is read during discovery
   * (`prepareTables`), where a column object spread from elsewhere cannot be resolved: `incomplete` then.
   */
  ctx?: UnitContext;
  /** What needs the names of the unit's other files: resolved by `completeTable`, in order. */
  deferred: Deferred[];
  /** The table's name as its call writes it (or its variable's), read with the rest of the call. */
  rawName: string;
  incomplete?: boolean;
  /** Its `check()` constraints, read once the unit's column names are known (checks.ts `applyChecks`). */
  checks?: PendingCheck[];
  /**
   * Partial indexes written `.where(sql`…`)`: their predicate, read by the analysis (the Postgres parser may load
   * only after discovery, which reads tables first).
   */
  wheres?: { index: Index; parts: PendingCheck['parts'] }[];
}

/**
 * A fact whose value depends on a name that may be declared in another file of the unit: whether a
 * column's builder is an enum of the schema, and which table a foreign key references.
 */
type Deferred =
  | { kind: 'enum'; scan: FileScan; column: Column; local: string }
  | { kind: 'references'; scan: FileScan; fk: ForeignKey; owner: string | undefined; selfParam: string | undefined };

/** `raw`: the table call's name argument, when the caller has read it (`TableBuild.rawName`). */
function tableSqlName(ctx: UnitContext, scan: FileScan, decl: Extract<Declaration, { kind: 'table' }>, raw = stringValue(decl.call.arguments[0]) ?? decl.name): string {
  if ('creator' in decl.via) {
    const creator = resolveName(ctx, scan, decl.via.creator);
    if (creator?.decl.kind === 'creator' && creator.decl.prefix) return creator.decl.prefix(raw);
  }
  return raw;
}

function buildTable(ctx: UnitContext, scan: FileScan, decl: Extract<Declaration, { kind: 'table' }>): TableBuild {
  return completeTable(ctx, readTable(ctx, scan, decl));
}

/**
 * Names the table and resolves what its reading deferred (`Deferred`), with the unit's files: the same values
 * the reading would have found had it resolved them on the spot (resolution only reads the unit's scans).
 */
function completeTable(ctx: UnitContext, build: TableBuild): TableBuild {
  const { scan, decl, table } = build;
  const sqlName = tableSqlName(ctx, scan, decl, build.rawName);
  const name = decl.name === 'default' ? sqlName : decl.name;
  let dialect = decl.dialect;
  if ('creator' in decl.via) {
    const creator = resolveName(ctx, scan, decl.via.creator);
    if (creator?.decl.kind === 'creator') dialect = creator.decl.dialect;
  } else if ('schema' in decl.via) {
    const schema = resolveName(ctx, scan, decl.via.schema);
    if (schema?.decl.kind === 'schema') {
      dialect = schema.decl.dialect;
      // `pgSchema("billing").table(…)`: `billing.invoices` in SQL (the default schema, `public`, goes unnamed).
      const name = schema.decl.schemaName;
      if (name !== undefined && name !== 'public') table.schema = name;
    }
  }
  table.name = name;
  table.dbName = sqlName !== name ? sqlName : undefined;
  build.dialect = dialect;
  build.ctx = ctx;
  for (const d of build.deferred) {
    if (d.kind === 'enum') {
      if (resolveName(ctx, d.scan, d.local)?.decl.kind === 'enum') d.column.type = 'enum';
    } else {
      d.fk.references.table = tableNameFor(ctx, d.scan, d.owner, build, d.selfParam);
    }
  }
  build.deferred.length = 0;
  return build;
}

/** The table's columns and extra config, without its name (see `completeTable`); `ctx` is undefined during discovery. */
function readTable(ctx: UnitContext | undefined, scan: FileScan, decl: Extract<Declaration, { kind: 'table' }>): TableBuild {
  const { sf } = scan;
  const call = decl.call;
  const nameNode = call.arguments[0] ?? call.expression;
  const statement = decl.statement;
  // Once: after a doc comment, where the tables' comments are, the start is found by TypeScript's trivia scanner.
  const start = startOf(sf, statement);
  const nameStart = startOf(sf, nameNode);
  const table: Table = {
    // Both set by completeTable: a table's name may come from a creator declared in another file.
    name: '',
    dbName: undefined,
    columns: [],
    indexes: [],
    foreignKeys: [],
    comment: leadingComment(sf, statement.pos, start),
    loc: scanLoc(scan, start, statement.end),
    nameLoc: scanLoc(scan, nameStart, nameNode.end),
  };
  // Where the fixes of the table find its call (write.ts findTableCall).
  (scan.tableCalls ??= new Map()).set(nameStart, call);
  const build: TableBuild = { table, scan, decl, ctx, deferred: [], rawName: stringValue(call.arguments[0]) ?? decl.name };

  // Columns: an object literal, or `(t) => ({ ... })` (builders passed as a parameter).
  const columnsArg = call.arguments[1] ? unwrapExpression(call.arguments[1]) : undefined;
  let columnsObject: ts.ObjectLiteralExpression | undefined;
  if (columnsArg && T.isObjectLiteralExpression(columnsArg)) columnsObject = columnsArg;
  else if (columnsArg) {
    const returned = returnedExpression(columnsArg);
    if (returned && T.isObjectLiteralExpression(returned)) columnsObject = returned;
  }
  if (columnsObject) addColumns(build, scan, columnsObject, 0);

  // Extra config: `(t) => [ ... ]`, `(t) => ({ ... })`, or a function returning either.
  const extra = call.arguments[2];
  if (extra) {
    const fn = unwrapExpression(extra);
    const returned = returnedExpression(fn) ?? (T.isArrayLiteralExpression(fn) ? fn : undefined);
    if (returned) addConfigEntries(build, fn, returned, configParamOf(fn), undefined, 0);
    else if (fn.kind === IDENTIFIER || fn.kind === ACCESS) {
      // `pgTable("a", {…}, auditIndexes)`: a helper Drizzle calls with the table, read as its own callback would be.
      // What it declares is located at the reference: the helper may serve other tables.
      const helper = helperNamed(scan, fn, modulesOf(build));
      const helperReturns = helper && returnOf(helper.fn);
      if (helper && helperReturns) addConfigEntries(build, helper.fn, helperReturns, configParamOf(helper.fn), fn, 1, helper.scan);
    }
  }
  return build;
}

/**
 * The entries of an extra config (`returned`: what `fn` returns). An entry that calls a helper of the file
 * (`(t) => ownedBy(t.authorId)`, `[...auditIndexes(t), …]`) is read through the helper's own return, its parameters
 * bound to what the call passes; what it declares is located at the call (`site`), which a fix cannot take for
 * the helper other tables may share.
 */
function addConfigEntries(
  build: TableBuild,
  fn: ts.Node,
  returned: ts.Expression,
  param: ConfigParam | undefined,
  site: ts.Node | undefined,
  depth: number,
  /** The file `fn` is declared in: the table's, or a helper's module. */
  scan: FileScan = build.scan,
) {
  // `(t) => { const byDoc = index(...).on(t.docId); return [byDoc]; }`: an entry named by a local of the block.
  const local = (e: ts.Expression): ts.Expression => {
    const u = unwrapExpression(e);
    return T.isIdentifier(u) ? blockConstant(fn, u.text) ?? u : u;
  };
  const add = (entry: ts.Expression) => {
    const u = unwrapExpression(entry);
    const spread = T.isSpreadElement(u) || T.isSpreadAssignment(u);
    const target = spread ? unwrapExpression((u as ts.SpreadElement).expression) : u;
    const helper = depth < 2 ? helperCall(build, scan, target, param) : undefined;
    if (helper) {
      addConfigEntries(build, helper.fn, helper.returned, helper.param, site ?? target, depth + 1, helper.scan);
      return;
    }
    if (spread) return;
    const table = build.table;
    const indexes = table.indexes.length;
    const foreignKeys = table.foreignKeys.length;
    const primaryKey = table.primaryKey;
    addConstraint(build, local(entry), param, scan);
    if (!site) return;
    const loc = scanNodeLoc(build.scan, site);
    for (let i = indexes; i < table.indexes.length; i++) table.indexes[i].loc = loc;
    for (let i = foreignKeys; i < table.foreignKeys.length; i++) table.foreignKeys[i].loc = loc;
    if (table.primaryKey && table.primaryKey !== primaryKey) table.primaryKey.loc = loc;
  };
  // `const idx = index().on(column); return idx;` (or `return entries;`): what the block's constant holds.
  if (T.isIdentifier(returned)) returned = unwrapExpression(local(returned));
  if (T.isArrayLiteralExpression(returned)) {
    for (const element of returned.elements) add(element);
  } else if (T.isObjectLiteralExpression(returned)) {
    for (const p of returned.properties) {
      if (T.isPropertyAssignment(p)) add(p.initializer);
      else if (T.isShorthandPropertyAssignment(p)) add(p.name);
      else if (T.isSpreadAssignment(p)) add(p as unknown as ts.Expression);
    }
  } else if (T.isCallExpression(returned)) add(returned);
}

/**
 * `ownedBy(t.authorId)` / `auditIndexes(t)` in an extra config, `ownedBy` a function of the file (not a Drizzle
 * builder): what it returns, and its parameters as a config parameter (the table's, or columns bound by name).
 */
function helperCall(
  build: TableBuild,
  scan: FileScan,
  expression: ts.Expression,
  param: ConfigParam | undefined,
): { fn: ts.Node; returned: ts.Expression; param: ConfigParam; scan: FileScan } | undefined {
  if (!T.isCallExpression(expression)) return undefined;
  const found = helperNamed(scan, expression.expression, modulesOf(build));
  if (!found) return undefined;
  const fn = found.fn;
  const returned = returnOf(fn);
  if (!returned) return undefined;
  let tableName: string | undefined;
  const bound = new Map<string, string>();
  fn.parameters.forEach((p, i) => {
    const arg = expression.arguments[i];
    if (!arg || !T.isIdentifier(p.name)) return;
    const a = unwrapExpression(arg);
    if (param && T.isIdentifier(a) && idText(a) === param.name) tableName = idText(p.name);
    else {
      const ref = columnRef(a, param);
      if (ref && param && ref.owner === param.name) bound.set(idText(p.name), ref.column);
    }
  });
  const strings = callScope(fn, found.scan.sf, expression, scan.sf, param?.strings);
  return { fn, returned, param: { name: tableName ?? DESTRUCTURED, bound, strings }, scan: found.scan };
}

/**
 * How the table's helpers name the unit's other modules (helpers.ts): relative, or through a tsconfig `paths`
 * alias. Discovery reads a table before the unit is known: a helper imported from another module then marks the
 * table incomplete, and the analysis reads it again (discovery adds the modules the unit's files import that
 * declare functions, and the index files leading to them; all read syntax-only, never run).
 */
function modulesOf(build: TableBuild): ModuleOf {
  return (scan, module) => {
    const ctx = build.ctx;
    if (!ctx) {
      build.incomplete = true;
      return undefined;
    }
    return module.startsWith('.') ? moduleOf(ctx, scan, module) : aliasedModule(ctx, scan, module);
  };
}

/** A module named through a tsconfig `paths` alias, as a file of the unit (discovery added it when it holds helpers). */
function aliasedModule(ctx: UnitContext, scan: FileScan, module: string): FileScan | undefined {
  const reader = ctx.reader;
  if (!reader) return undefined;
  const file = resolveImport(scan.file, module, ctx.byFile, (ctx.tsconfig ??= new TsconfigPaths({ read: (path) => safeRead(reader, path) })));
  return file === undefined ? undefined : ctx.byFile.get(file);
}

/**
 * A column whose locations are computed when first read. Rules read `loc` only for the columns they report,
 * writers for the columns they fix, and nobody reads `typeLoc`: built eagerly they are eight objects per
 * column, most of the model. The offsets are kept with the file's line starts, never the syntax tree,
 * which the model must not keep alive.
 */
/** The words of a key, as drizzle-orm's casing splits them (`authorID2fa` → author, ID, 2fa). */
function casingWords(key: string): string[] {
  return key.replace(/['\u2019]/g, '').match(/[\da-z]+|[A-Z]+(?![a-z])|[A-Z][\da-z]+/g) ?? [];
}

/** drizzle-orm's `casing: "snake_case"` name of a column key. */
export function toSnakeCase(key: string): string {
  return casingWords(key).map((w) => w.toLowerCase()).join('_');
}

/** drizzle-orm's `casing: "camelCase"` name of a column key. */
export function toCamelCase(key: string): string {
  return casingWords(key).reduce((acc, w, i) => acc + (i === 0 ? w.toLowerCase() : `${w[0].toUpperCase()}${w.slice(1)}`), '');
}

class DrizzleColumn implements Column {
  declare default?: string;
  declare comment?: string;
  declare typedValues?: string[];
  readonly #file: string;
  readonly #lines: readonly number[];
  readonly #start: number;
  readonly #end: number;
  readonly #typeStart: number;
  readonly #typeEnd: number;
  #loc?: Loc;
  #typeLoc?: Loc;

  constructor(
    public name: string,
    public dbName: string | undefined,
    /** Whether the builder names the SQL column (`text("author_id")`); without a name, `casing` decides it. */
    readonly named: boolean,
    public type: ColumnType,
    public rawType: string,
    public nullable: boolean,
    file: string,
    lines: readonly number[],
    start: number,
    end: number,
    typeStart: number,
    typeEnd: number,
  ) {
    this.#file = file;
    this.#lines = lines;
    this.#start = start;
    this.#end = end;
    this.#typeStart = typeStart;
    this.#typeEnd = typeEnd;
  }

  get loc(): Loc {
    return (this.#loc ??= { file: this.#file, range: rangeIn(this.#lines, this.#start, this.#end) });
  }

  /** Locates the column (and its type) at `loc`: where the table names a column declared elsewhere. */
  relocate(loc: Loc) {
    this.#loc = loc;
    this.#typeLoc = loc;
  }

  get typeLoc(): Loc {
    return (this.#typeLoc ??= { file: this.#file, range: rangeIn(this.#lines, this.#typeStart, this.#typeEnd) });
  }
}

function addColumns(build: TableBuild, scan: FileScan, object: ts.ObjectLiteralExpression, depth: number) {
  const properties = object.properties;
  for (let i = 0; i < properties.length; i++) {
    const p = properties[i];
    const k = p.kind;
    if (k === PROPERTY) {
      const key = propertyName((p as ts.PropertyAssignment).name);
      if (key !== undefined) addColumn(build, scan, key, p as ts.PropertyAssignment);
    } else if (k === SPREAD && depth < 3) {
      // `...timestamps`: a shared column object declared at the top level of this or another file.
      const e = unwrapExpression((p as ts.SpreadAssignment).expression);
      if (T.isIdentifier(e)) {
        const ctx = build.ctx;
        if (!ctx) {
          // Declared where only the unit knows: the analysis reads this table again, with the unit.
          build.incomplete = true;
          return;
        }
        const target = resolveName(ctx, scan, e.text);
        if (target?.decl.kind === 'object') {
          // The object is every spreading table's: what it declares is shared, as a helper's is (no fix edits it),
          // and stays located where it is written, where a finding (or its ignore comment) is about all of them.
          const shared = sharedFrom(build);
          addColumns(build, target.scan, target.decl.object, depth + 1);
          shared();
        } else build.table.unreadColumns = true;
      } else if (e.kind === CALL) {
        // `...timestamps()`, `...baseColumns("inq")`: a function of the unit returning an object of columns.
        const found = helperNamed(scan, (e as ts.CallExpression).expression, modulesOf(build));
        let returned = found && returnOf(found.fn);
        if (found && returned && T.isIdentifier(returned)) {
          const constant = blockConstant(found.fn, returned.text);
          returned = constant && unwrapExpression(constant);
        }
        if (found && returned && T.isObjectLiteralExpression(returned)) {
          const shared = sharedFrom(build);
          addColumns(build, found.scan, returned, depth + 1);
          shared(scanNodeLoc(scan, p));
        } else if (!build.incomplete) build.table.unreadColumns = true;
      } else build.table.unreadColumns = true;
    } else if (k === SHORTHAND && depth < 3) {
      // `createdAt,`: a column builder declared once (`const createdAt = timestamp("created_at")…`) and shared.
      const name = idText((p as ts.ShorthandPropertyAssignment).name);
      const found = builderConstant(build, scan, name);
      if (found) {
        const shared = sharedFrom(build);
        addColumn(build, found.scan, name, found.declaration as unknown as ts.PropertyAssignment);
        shared(scanNodeLoc(scan, p));
      }
    }
  }
}

/**
 * What the table gets from here on is shared with the other tables that use the same helper or builder: the
 * returned function marks it so no fix edits it, and locates it at `site` (the spread or shorthand in the table),
 * if given.
 */
function sharedFrom(build: TableBuild): (site?: Loc) => void {
  const table = build.table;
  const columns = table.columns.length;
  const indexes = table.indexes.length;
  const foreignKeys = table.foreignKeys.length;
  const primaryKey = table.primaryKey;
  return (site) => {
    for (let i = columns; i < table.columns.length; i++) {
      const column = table.columns[i];
      if (site && column instanceof DrizzleColumn) column.relocate(site);
      declaredByHelper.add(column);
    }
    for (let i = indexes; i < table.indexes.length; i++) {
      if (site) table.indexes[i].loc = site;
      declaredByHelper.add(table.indexes[i]);
    }
    for (let i = foreignKeys; i < table.foreignKeys.length; i++) {
      if (site) table.foreignKeys[i].loc = site;
      declaredByHelper.add(table.foreignKeys[i]);
    }
    if (table.primaryKey && table.primaryKey !== primaryKey) {
      if (site) table.primaryKey.loc = site;
      declaredByHelper.add(table.primaryKey);
    }
  };
}

/**
 * The top-level `const name = <builder chain>` a shorthand column names: in the table's file or, imported by name,
 * in the module of the unit that declares it. Undefined for anything else (an object, a function, a package's name).
 */
function builderConstant(build: TableBuild, scan: FileScan, name: string): { scan: FileScan; declaration: ts.VariableDeclaration } | undefined {
  const own = topLevelConstant(scan, name);
  if (own) return { scan, declaration: own };
  const imported = scan.imports.other.get(name);
  if (!imported || imported.imported === '*' || imported.imported === 'default') return undefined;
  const target = modulesOf(build)(scan, imported.module);
  const declaration = target && topLevelConstant(target, imported.imported);
  return declaration && target ? { scan: target, declaration } : undefined;
}

function topLevelConstant(scan: FileScan, name: string): ts.VariableDeclaration | undefined {
  for (const statement of scan.sf.statements) {
    if (!T.isVariableStatement(statement)) continue;
    for (const d of statement.declarationList.declarations) {
      if (!T.isIdentifier(d.name) || d.name.text !== name || !d.initializer) continue;
      // A builder chain: its root a call (`timestamp("x")…`), not a function, object or table.
      const root = chainInto(d.initializer);
      return root.kind === CALL && !scan.byName.has(name) ? d : undefined;
    }
  }
  return undefined;
}

/**
 * The builder a column's root call names (`text`, an enum variable, `pg.integer`), or '' when the root is no call.
 * A name not imported from the core module may be an enum of the schema: `builderLocal` says which name the
 * unit must resolve (`Deferred`).
 */
function builderOf(scan: FileScan, call: ts.CallExpression | undefined): string {
  builderIsEnum = false;
  builderLocal = undefined;
  if (!call) return '';
  let callee: ts.Expression = call.expression;
  let k = callee.kind;
  if (isWrapperKind(k)) {
    callee = unwrapExpression(callee);
    k = callee.kind;
  }
  if (k === IDENTIFIER) {
    const local = idText(callee as ts.Identifier);
    const imported = scan.imports.core.get(local);
    if (imported !== undefined) return imported;
    builderLocal = local;
    return local;
  }
  if (k === ACCESS) {
    const name = idText((callee as ts.PropertyAccessExpression).name);
    builderIsEnum = /Enum$/.test(name) && !(name in BUILDER_TYPES);
    return name;
  }
  return '';
}

/** builderOf's second answer, set by each call: whether the builder makes an enum column (no object per column). */
let builderIsEnum = false;
/** builderOf's third answer: the local name to resolve, when the builder may be an enum declared in the unit. */
let builderLocal: string | undefined;

/**
 * The link calls of the column being read, outermost first, and how many there are: one array for every
 * column, since a column reads its chain once (`decomposeChain` would allocate a chain and an object per link).
 */
const columnLinks: ts.CallExpression[] = [];
let columnLinkCount = 0;

/** The root of `expression`'s builder chain, its links into `columnLinks` (outermost first); as `decomposeChain`. */
function chainInto(expression: ts.Expression): ts.Expression {
  columnLinkCount = 0;
  let e = expression;
  let k = e.kind;
  if (isWrapperKind(k)) {
    e = unwrapExpression(e);
    k = e.kind;
  }
  while (k === CALL) {
    const callee = (e as ts.CallExpression).expression;
    if (callee.kind !== ACCESS) break;
    let target: ts.Expression = (callee as ts.PropertyAccessExpression).expression;
    let tk = target.kind;
    if (isWrapperKind(tk)) {
      target = unwrapExpression(target);
      tk = target.kind;
    }
    // `pg.text("x")` / `t.integer()` / `schema.table(...)`: a namespace or parameter, not a chain link.
    if (tk === IDENTIFIER) break;
    columnLinks[columnLinkCount++] = e as ts.CallExpression;
    e = target;
    k = tk;
  }
  return e;
}

/** An array literal of two or more distinct strings (`as const` and other wrappers looked through), else undefined. */
function stringArrayValues(node: ts.Expression): string[] | undefined {
  const e = unwrapExpression(node);
  if (!T.isArrayLiteralExpression(e)) return undefined;
  const values: string[] = [];
  for (const element of e.elements) {
    const value = stringValue(unwrapExpression(element as ts.Expression));
    if (value === undefined) return undefined;
    if (!values.includes(value)) values.push(value);
  }
  return values.length >= 2 ? values : undefined;
}

/**
 * The values of a string builder's `enum` option (`text("status", { enum: ["a", "b"] })`, `varchar({ length: 16,
 * enum: STATUSES })`): an array literal, or a top-level `const` of this file initialized with one (`as const`).
 */
function enumOptionValues(sf: ts.SourceFile, call: ts.CallExpression): string[] | undefined {
  for (const arg of call.arguments) {
    const options = unwrapExpression(arg);
    if (options.kind !== OBJECT) continue;
    for (const p of (options as ts.ObjectLiteralExpression).properties) {
      if (p.kind !== PROPERTY || propertyName(p.name) !== 'enum') continue;
      const value = unwrapExpression((p as ts.PropertyAssignment).initializer);
      if (value.kind !== IDENTIFIER) return stringArrayValues(value);
      const name = idText(value as ts.Identifier);
      for (const statement of sf.statements) {
        if (!T.isVariableStatement(statement) || !(statement.declarationList.flags & T.NodeFlags.Const)) continue;
        for (const d of statement.declarationList.declarations) {
          if (T.isIdentifier(d.name) && idText(d.name) === name) return d.initializer ? stringArrayValues(d.initializer) : undefined;
        }
      }
      return undefined;
    }
  }
  return undefined;
}

/**
 * Columns, indexes, keys and foreign keys a column helper declares (`uuidPk("id")` → `.primaryKey()` in the helper),
 * or a shared object of columns (`...audit`). Located at the column that calls the helper, but written in the helper
 * (or the object), which other tables share: the writers make no edit for them in place (write.ts).
 */
export const declaredByHelper = new WeakSet<object>();

/** A column helper call, read through the helper: see columnHelper. */
interface ColumnHelper {
  /** The file of the builder call: where an enum builder's name is resolved. */
  scan: FileScan;
  /** The call of the column builder inside the helper (`uuid(name)`). */
  call: ts.CallExpression;
  builder: string;
  isEnum: boolean;
  maybeEnum: string | undefined;
  /** The links, outermost first: the call's own (`orgRef().notNull()`), then the helper's. */
  links: ts.CallExpression[];
  /** The file each of `links` is written in. */
  scans: FileScan[];
  /** How many of `links` are the call's own: the rest are the helper's. */
  outer: number;
  /** The helper call as written in the table (`uuidPk("id")`). */
  site: ts.CallExpression;
  /** The string the call passes for one of the helper's parameters (`name` → "id"), if any. */
  argument(parameter: string): string | undefined;
}

/**
 * `id: uuidPk("id")`, `tenantId: u.tenantRef().notNull()`: when the column's root calls a function of the unit (not
 * a Drizzle builder) that returns a builder chain, that chain is the column's: its builder, then its links, then the
 * call's own links. A helper may call another (two levels). A helper whose return is not a builder chain (a
 * conditional, a package's function, `customType`) leaves the column as written.
 */
function columnHelper(
  build: TableBuild,
  scan: FileScan,
  site: ts.CallExpression,
  outerLinks: readonly ts.CallExpression[],
  outerCount: number,
  depth = 0,
  /** For a helper called by a helper: the outer call's argument for a parameter of the calling helper. */
  outerArgument?: (parameter: string) => string | undefined,
): ColumnHelper | undefined {
  const callee = unwrapExpression(site.expression);
  if (callee.kind !== IDENTIFIER && callee.kind !== ACCESS) return undefined;
  const found = helperNamed(scan, callee, modulesOf(build));
  if (!found) return undefined;
  const returned = returnOf(found.fn);
  if (!returned) return undefined;
  const outer = outerLinks.slice(0, outerCount);
  const innerRoot = chainInto(returned);
  const inner = columnLinks.slice(0, columnLinkCount);
  // The links of the column as written stay where addColumn reads them, whatever the answer.
  for (let i = 0; i < outer.length; i++) columnLinks[i] = outer[i];
  columnLinkCount = outer.length;
  if (innerRoot.kind !== CALL) return undefined;
  const call = innerRoot as ts.CallExpression;
  const parameters = found.fn.parameters;
  const argument = (parameter: string): string | undefined => {
    const i = parameters.findIndex((p) => p.name.kind === IDENTIFIER && idText(p.name as ts.Identifier) === parameter);
    const arg = i < 0 ? undefined : site.arguments[i];
    if (!arg) return undefined;
    const value = stringValue(arg);
    if (value !== undefined) return value;
    const a = unwrapExpression(arg);
    return outerArgument && a.kind === IDENTIFIER ? outerArgument(idText(a as ts.Identifier)) : undefined;
  };
  const builder = builderOf(found.scan, call);
  // Only a Drizzle builder, or an enum of the unit (resolved later, as any column's), makes a column.
  const known = BUILDER_TYPE_MAP.has(builder) || builder in BUILDER_TYPES;
  const isEnum = builderIsEnum;
  const local = builderLocal;
  const maybeEnum = local !== undefined && (found.scan.imports.other.has(builder) || found.scan.byName.has(builder));
  const own = outer.map(() => scan);
  if (builder !== '' && (known || isEnum || maybeEnum)) {
    return {
      scan: found.scan,
      call,
      builder,
      isEnum,
      maybeEnum: local,
      links: outer.concat(inner),
      scans: own.concat(inner.map(() => found.scan)),
      outer: outer.length,
      site,
      argument,
    };
  }
  // `localPk = () => u.uuidPk("project_id")`: a helper returning another helper's column.
  if (depth >= 1) return undefined;
  const deeper = columnHelper(build, found.scan, call, inner, inner.length, depth + 1, argument);
  for (let i = 0; i < outer.length; i++) columnLinks[i] = outer[i];
  columnLinkCount = outer.length;
  if (!deeper) return undefined;
  return { ...deeper, links: outer.concat(deeper.links), scans: own.concat(deeper.scans), outer: outer.length, site };
}

function addColumn(build: TableBuild, scan: FileScan, key: string, property: ts.PropertyAssignment) {
  const { sf, file } = scan;
  const table = build.table;
  const root = chainInto(property.initializer);
  let links = columnLinks;
  let linkCount = columnLinkCount;
  let call = root.kind === CALL ? (root as ts.CallExpression) : undefined;
  let builder = builderOf(scan, call);
  let isEnum = builderIsEnum;
  let maybeEnum = builderLocal;
  /** `id: uuidPk("id")`: a column helper of the unit, read through what it returns (see columnHelper). */
  let helper: ColumnHelper | undefined;
  if (call && !isEnum && !BUILDER_TYPE_MAP.has(builder) && !(builder in BUILDER_TYPES)) {
    helper = columnHelper(build, scan, call, links, linkCount);
    if (helper) {
      links = helper.links;
      linkCount = helper.links.length;
      call = helper.call;
      builder = helper.builder;
      isEnum = helper.isEnum;
      maybeEnum = helper.maybeEnum;
    } else if (!build.incomplete && maybeEnum !== undefined && !(scan.imports.other.get(maybeEnum)?.module.startsWith('.') ?? true)) {
      // `id: idColumn("id")` imported from a package: what its builder declares (a primary key) is not read.
      table.unreadColumns = true;
    }
  }
  let dbName: string | undefined;
  if (call) {
    const first = call.arguments[0];
    if (first) {
      const k = first.kind;
      if (k === STRING || k === TEMPLATE) dbName = (first as ts.StringLiteral).text;
      else if (helper && k === IDENTIFIER) dbName = helper.argument(idText(first as ts.Identifier));
    }
  }
  let type = columnType(builder, call, isEnum);
  // MySQL's (and SingleStore's) `serial` is BIGINT UNSIGNED AUTO_INCREMENT: an `int` column cannot reference it.
  if (builder === 'serial' && (build.decl.dialect ?? scan.imports.coreDialect) === 'mysql') type = 'bigint';
  let notNull = SERIALS.has(builder);
  let defaultText: string | undefined;
  let typedValues: string[] | undefined;
  // A helper's column is typed as its call is written (`uuidPk("id")`).
  const rootNode = helper ? helper.site : call ?? root;
  const rootEnd = rootNode.end;
  const rootStart = tokenStart(sf, rootNode, rootNode.pos, rootEnd);
  // What a helper declares is located at the column (its file is shared), and marked so no fix edits it there: the
  // links from `helperFrom` on are the helper's, and `siteLoc` is the column's location, made once it is asked for.
  // (Plain variables, not closures: a column's reading allocates no function.)
  const helperFrom = helper === undefined ? linkCount : helper.outer;
  let siteLoc: Loc | undefined;
  const text = sf.text;
  // From the root outwards, as written.
  for (let i = linkCount - 1; i >= 0; i--) {
    const link = links[i];
    const nameNode = (link.expression as ts.PropertyAccessExpression).name;
    const args = link.arguments;
    const shared = i >= helperFrom;
    // The file the link is written in: the table's, or a helper's.
    const lscan = shared ? helper!.scans[i] : scan;
    const lsf = lscan.sf;
    switch (idText(nameNode)) {
      case 'notNull':
        notNull = true;
        break;
      case 'primaryKey':
        notNull = true;
        if (!table.primaryKey) {
          table.primaryKey = { columns: [key], unique: true, kind: 'primary', loc: shared ? (siteLoc ??= propertyLoc(scan, property)) : scanLoc(scan, dotBefore(sf, nameNode), link.end) };
          if (shared) declaredByHelper.add(table.primaryKey);
        }
        break;
      case 'unique': {
        const unique: Index = { name: stringValue(args[0]), columns: [key], unique: true, kind: 'unique', loc: shared ? (siteLoc ??= propertyLoc(scan, property)) : scanLoc(scan, dotBefore(sf, nameNode), link.end) };
        if (shared) declaredByHelper.add(unique);
        table.indexes.push(unique);
        break;
      }
      case 'default':
        if (args.length) {
          const value = args[0];
          const end = value.end;
          defaultText = lsf.text.slice(tokenStart(lsf, value, value.pos, end), end);
        } else defaultText = undefined;
        break;
      case 'defaultNow':
        defaultText = 'now()';
        break;
      case 'defaultRandom':
        defaultText = 'gen_random_uuid()';
        break;
      case '$defaultFn':
      case '$default':
        defaultText = `${nameNode.text}(${args.map((a) => a.getText(lsf)).join(', ')})`;
        break;
      case 'generatedAlwaysAsIdentity':
      case 'generatedByDefaultAsIdentity':
        notNull = true;
        break;
      case 'array':
        type = 'array';
        break;
      case '$type':
        // `.$type<"draft" | "published">()`: the values TypeScript allows, which the database does not enforce.
        typedValues = stringLiteralUnion(link.typeArguments?.[0]);
        break;
      case 'references': {
        if (shared) {
          // Resolved where the helper is written: the names its callback uses are that file's.
          const fk = referenceOf(build, lscan, key, link, (siteLoc ??= propertyLoc(scan, property)));
          if (fk) {
            declaredByHelper.add(fk);
            table.foreignKeys.push(fk);
          }
          break;
        }
        const dot = dotBefore(sf, nameNode);
        (scan.referenceCalls ??= new Map()).set(dot, link);
        const fk = referenceOf(build, scan, key, link, scanLoc(scan, dot, link.end));
        if (fk) table.foreignKeys.push(fk);
        break;
      }
    }
  }
  const pos = property.pos;
  const end = property.end;
  const start = tokenStart(sf, property, pos, end);
  const column = new DrizzleColumn(
    key,
    dbName !== undefined && dbName !== key ? dbName : undefined,
    dbName !== undefined,
    type,
    text.slice(rootStart, rootEnd),
    !notNull,
    file,
    linesOf(scan),
    start,
    end,
    rootStart,
    rootEnd,
  );
  if (helper) declaredByHelper.add(column);
  if (defaultText !== undefined) column.default = defaultText;
  // `text("status", { enum: ["a", "b"] })`: Drizzle types the column with the values; the database does not check them.
  if (typedValues === undefined && call && type === 'string') typedValues = enumOptionValues(sf, call);
  if (typedValues !== undefined && type === 'string') column.typedValues = typedValues;
  // An enum builder makes an enum column, unless `.array()` made it an array (type is 'array' then).
  if (maybeEnum !== undefined && type !== 'array') build.deferred.push({ kind: 'enum', scan: helper?.scan ?? scan, column, local: maybeEnum });
  const leading = leadingComment(sf, pos, start);
  const trailing = trailingComment(sf, end);
  const comment = leading && trailing ? `${leading}\n${trailing}` : leading ?? trailing;
  if (comment) column.comment = comment;
  table.columns.push(column);
}

function tableNameFor(ctx: UnitContext, scan: FileScan, local: string | undefined, build: TableBuild, selfParam?: string): string {
  if (!local) return '?';
  if (selfParam !== undefined && local === selfParam) return build.table.name;
  const target = resolveName(ctx, scan, local);
  if (target?.decl.kind === 'table') return target.decl.name === 'default' ? tableSqlName(ctx, target.scan, target.decl) : target.decl.name;
  const imported = scan.imports.other.get(local);
  return imported && imported.imported !== 'default' && imported.imported !== '*' ? imported.imported : local;
}

function referenceOf(
  build: TableBuild,
  scan: FileScan,
  key: string,
  call: ts.CallExpression,
  loc: Loc,
): ForeignKey | undefined {
  const target = columnRef(returnedExpression(call.arguments[0]) ?? (call.arguments[0] ? unwrapExpression(call.arguments[0]) : undefined));
  const options = call.arguments[1] ? unwrapExpression(call.arguments[1]) : undefined;
  const opts = options && T.isObjectLiteralExpression(options) ? options : undefined;
  const fk: ForeignKey = {
    columns: [key],
    references: { table: '', columns: target ? [target.column] : [] },
    defaultOnDelete: 'NoAction',
    loc,
    enforced: true,
  };
  build.deferred.push({ kind: 'references', scan, fk, owner: target?.owner, selfParam: undefined });
  const onDelete = action(objectProperty(opts, 'onDelete'));
  const onUpdate = action(objectProperty(opts, 'onUpdate'));
  if (onDelete) fk.onDelete = onDelete;
  if (onUpdate) fk.onUpdate = onUpdate;
  return fk;
}

function columnList(expressions: readonly ts.Expression[], sf: ts.SourceFile, param?: ConfigParam): string[] {
  return expressions.map((e) => columnRef(e, param)?.column ?? `(${e.getText(sf)})`);
}

/** `t.a.desc()`, `t.a.asc().nullsLast()`, `t.title.op("gin_trgm_ops")`: the options of each key column (undefined when all default). */
function keyColumnOptions(expressions: readonly ts.Expression[]): (IndexColumnOptions | undefined)[] | undefined {
  let any = false;
  const out = expressions.map((expression) => {
    const options: IndexColumnOptions = {};
    let e = unwrapExpression(expression);
    while (T.isCallExpression(e) && T.isPropertyAccessExpression(e.expression)) {
      switch (e.expression.name.text) {
        case 'desc':
          options.desc = true;
          break;
        case 'nullsFirst':
          options.nulls ??= 'first';
          break;
        case 'nullsLast':
          options.nulls ??= 'last';
          break;
        case 'op': {
          const ops = stringValue(e.arguments[0]);
          if (ops) options.ops ??= ops;
          break;
        }
      }
      e = unwrapExpression(e.expression.expression);
    }
    if (options.desc || options.nulls || options.ops) {
      any = true;
      return options;
    }
    return undefined;
  });
  return any ? out : undefined;
}

function arrayElements(e: ts.Expression | undefined): readonly ts.Expression[] {
  if (!e) return [];
  const u = unwrapExpression(e);
  return T.isArrayLiteralExpression(u) ? u.elements : [u];
}

/** The first link of `chain` named `name`. */
function findLink(chain: Chain, name: string): ast.ChainLink | undefined {
  for (const l of chain.links) if (l.name === name) return l;
  return undefined;
}

function addConstraint(build: TableBuild, expression: ts.Expression, param: ConfigParam | undefined, scan: FileScan = build.scan) {
  const { table } = build;
  const { sf } = scan;
  const chain = decomposeChain(sf, expression);
  if (!T.isCallExpression(chain.root)) return;
  const root = chain.root;
  let kind = coreNameOf(scan.imports, root.expression);
  // A literal, or a template or concatenation of literals and the file's constants (`index(\`${TABLE}_org\`)`).
  let name = root.arguments.length ? constantString(sf, root.arguments[0], param?.strings) : undefined;
  // `index("post_author").on(t.authorId)` where `index` is the project's own wrapper of Drizzle's (a name prefix):
  // imported from a module of the unit, or a function of this file (`const postsIndex = (s) => index(…)`).
  const callee = unwrapExpression(root.expression);
  const own =
    kind === undefined ||
    (T.isIdentifier(callee)
      ? !scan.imports.core.has(callee.text) && !scan.imports.orm.has(callee.text)
      : T.isPropertyAccessExpression(callee) && T.isIdentifier(callee.expression) && scan.imports.other.get(callee.expression.text)?.imported === '*');
  if (own) {
    const wrapped = wrappedIndexBuilder(build, scan, root, param?.strings);
    if (wrapped) ({ kind, name } = wrapped);
  }
  const loc = scanNodeLoc(scan, expression);
  switch (kind) {
    case 'index':
    case 'uniqueIndex': {
      const on = findLink(chain, 'on') ?? findLink(chain, 'onOnly');
      const using = findLink(chain, 'using');
      const cols = on ? on.call.arguments : using ? using.call.arguments.slice(1) : [];
      const index: Index = {
        name,
        columns: columnList(cols, sf, param),
        unique: kind === 'uniqueIndex',
        kind: kind === 'uniqueIndex' ? 'unique' : 'index',
        loc,
      };
      // pg-core `.using("gin", t.title.op("gin_trgm_ops"))`, mysql-core `.on(t.a).using("hash")`.
      const method = using ? stringValue(using.call.arguments[0])?.toLowerCase() : undefined;
      if (method && method !== 'btree') index.method = method;
      const options = keyColumnOptions(cols);
      if (options) index.columnOptions = options;
      const where = findLink(chain, 'where');
      if (where) {
        index.partial = true;
        // `.where(isNotNull(t.projectId))`: a lookup by the key implies the predicate, so the index covers it (coversLeading).
        const argument = where.call.arguments[0] ? unwrapExpression(where.call.arguments[0]) : undefined;
        if (argument && T.isTaggedTemplateExpression(argument)) {
          const template = param ? pendingCheck(scan, argument, param) : undefined;
          if (template) (build.wheres ??= []).push({ index, parts: template.parts });
        } else {
          const required = notNullKeysOf(scan, argument, param);
          if (required) index.whereNotNull = required;
        }
      }
      if (findLink(chain, 'concurrently')) index.concurrently = true;
      table.indexes.push(index);
      break;
    }
    case 'unique': {
      const on = findLink(chain, 'on');
      table.indexes.push({
        name,
        columns: columnList(on ? on.call.arguments : [], sf, param),
        unique: true,
        kind: 'unique',
        loc,
      });
      break;
    }
    case 'primaryKey': {
      const first = root.arguments[0] ? unwrapExpression(root.arguments[0]) : undefined;
      const cols =
        first && T.isObjectLiteralExpression(first) ? arrayElements(objectProperty(first, 'columns')) : root.arguments;
      table.primaryKey = {
        name: first && T.isObjectLiteralExpression(first) ? stringValue(objectProperty(first, 'name')) : undefined,
        columns: columnList(cols, sf, param),
        unique: true,
        kind: 'primary',
        loc,
      };
      break;
    }
    case 'foreignKey': {
      const first = root.arguments[0] ? unwrapExpression(root.arguments[0]) : undefined;
      const config = first && T.isObjectLiteralExpression(first) ? first : undefined;
      const foreign = arrayElements(objectProperty(config, 'foreignColumns'));
      const ref = foreign[0] ? columnRef(foreign[0], param) : undefined;
      const fk: ForeignKey = {
        name: stringValue(objectProperty(config, 'name')),
        columns: columnList(arrayElements(objectProperty(config, 'columns')), sf, param),
        references: { table: '', columns: columnList(foreign, sf, param) },
        defaultOnDelete: 'NoAction',
        loc,
        enforced: true,
      };
      build.deferred.push({ kind: 'references', scan, fk, owner: ref?.owner, selfParam: param?.name });
      const onDelete = action(findLink(chain, 'onDelete')?.call.arguments[0]);
      const onUpdate = action(findLink(chain, 'onUpdate')?.call.arguments[0]);
      if (onDelete) fk.onDelete = onDelete;
      if (onUpdate) fk.onUpdate = onUpdate;
      table.foreignKeys.push(fk);
      break;
    }
    case 'check': {
      const check = pendingCheck(scan, root.arguments[1], param);
      if (check) (build.checks ??= []).push(check);
      break;
    }
  }
}

/**
 * The column keys an index's `.where(…)` requires to be set, when that is all it requires: `isNotNull(t.a)`
 * (imported from drizzle-orm, under any name), `and(…)` of such tests, or sql`${t.a} is not null` (checks.ts).
 * Undefined for any other predicate.
 */
function notNullKeysOf(scan: FileScan, argument: ts.Expression | undefined, param: ConfigParam | undefined): string[] | undefined {
  const e = argument ? unwrapExpression(argument) : undefined;
  if (!e || !param) return undefined;
  if (!T.isCallExpression(e) || !T.isIdentifier(e.expression)) return undefined;
  const fn = scan.imports.orm.get(e.expression.text);
  if (fn === 'isNotNull' && e.arguments.length === 1) {
    const column = unwrapExpression(e.arguments[0]);
    // The column itself, not an expression over it (`sql` wrappers, `.op(…)`).
    if (T.isCallExpression(column)) return undefined;
    const ref = columnRef(column, param);
    return ref && ref.owner === param.name ? [ref.column] : undefined;
  }
  if (fn === 'and' && e.arguments.length) {
    const out: string[] = [];
    for (const a of e.arguments) {
      // `and(…)` skips an undefined condition; a spread or a conditional is not read.
      const inner = notNullKeysOf(scan, a, param);
      if (!inner) return undefined;
      out.push(...inner);
    }
    return [...new Set(out)];
  }
  return undefined;
}

/**
 * `index("post_author")` where `index` is a function of the unit wrapping a Drizzle index builder (helpers.ts
 * `indexWrapper`): its kind, and the index's name where it is computable (the wrapper's template over what the call
 * passes, `indexCreator(\`am_${n}\`)`; see `constantString`).
 */
function wrappedIndexBuilder(
  build: TableBuild,
  scan: FileScan,
  call: ts.CallExpression,
  strings: StringScope | undefined,
): { kind: 'index' | 'uniqueIndex' | 'unique'; name: string | undefined } | undefined {
  const wrapper = indexWrapper(scan, call.expression, modulesOf(build));
  if (!wrapper) return undefined;
  const { kind, builder } = wrapper;
  const scope = callScope(wrapper.fn, wrapper.scan.sf, call, scan.sf, strings);
  return { kind, name: builder.arguments.length ? constantString(wrapper.scan.sf, builder.arguments[0], scope) : undefined };
}

/**
 * `sql\`${t.status} in ('draft', 'sent')\`` (the second argument of `check()`): its text, each placeholder a column of
 * the table (the callback's parameter `t.status`, or a column it destructures). Undefined when a placeholder is
 * anything else (a value, `sql.raw(…)`): the text the database gets is then unknown.
 */
function pendingCheck(scan: FileScan, argument: ts.Expression | undefined, param: ConfigParam | undefined): PendingCheck | undefined {
  const e = argument ? unwrapExpression(argument) : undefined;
  if (!e || !T.isTaggedTemplateExpression(e) || coreNameOf(scan.imports, e.tag) !== 'sql' || !param) return undefined;
  const template = e.template;
  if (T.isNoSubstitutionTemplateLiteral(template)) return { parts: [template.text] };
  const parts: PendingCheck['parts'] = [template.head.text];
  for (const span of template.templateSpans) {
    const ref = columnRef(span.expression, param);
    if (!ref || ref.owner !== param.name) return undefined;
    parts.push({ key: ref.column }, span.literal.text);
  }
  return { parts };
}

/** `relations(users, ({ one }) => ({ org: one(orgs, { fields: [users.orgId], references: [orgs.id] }) }))`. */
function addRelations(ctx: UnitContext, scan: FileScan, decl: Extract<Declaration, { kind: 'relations' }>, tables: Map<Declaration, Table>) {
  const { sf } = scan;
  const returned = returnedExpression(decl.call.arguments[1]);
  if (!returned || !T.isObjectLiteralExpression(returned)) return;
  for (const p of returned.properties) {
    if (!T.isPropertyAssignment(p)) continue;
    const call = unwrapExpression(p.initializer);
    if (!T.isCallExpression(call) || call.arguments.length < 2) continue;
    const config = unwrapExpression(call.arguments[1]);
    if (!T.isObjectLiteralExpression(config)) continue;
    const fields = arrayElements(objectProperty(config, 'fields'));
    const references = arrayElements(objectProperty(config, 'references'));
    if (!fields.length || !references.length) continue;
    const source = columnRef(fields[0]);
    const target = columnRef(references[0]);
    if (!source?.owner || !target?.owner) continue;
    const sourceResolved = resolveName(ctx, scan, source.owner);
    if (sourceResolved?.decl.kind !== 'table') continue;
    const table = tables.get(sourceResolved.decl);
    if (!table) continue;
    const columns = columnList(fields, sf);
    if (table.foreignKeys.some((fk) => fk.enforced && fk.columns.join() === columns.join())) continue;
    const targetResolved = resolveName(ctx, scan, target.owner);
    const other = targetResolved?.decl.kind === 'table' ? tables.get(targetResolved.decl) : undefined;
    // `one(employees, { fields: [users.id], references: [employees.userId] })`: the inverse side of the link
    // employees.userId → users.id. A foreign key can only reference a key: none can go from users.id to
    // employees.userId, and the link, with or without its constraint, is the other table's to declare.
    if (other && isKeyOf(table, columns) && !isKeyOf(other, columnList(references, sf))) continue;
    table.foreignKeys.push({
      columns,
      references: {
        table: targetResolved?.decl.kind === 'table' ? targetResolved.decl.name : target.owner,
        columns: columnList(references, sf),
      },
      defaultOnDelete: 'NoAction',
      loc: scanNodeLoc(scan, call),
      relationField: propertyName(p.name),
      enforced: false,
    });
  }
}

/** Whether `columns` are the table's primary key or one of its (non-partial) unique indexes, in any order. */
function isKeyOf(table: Table, columns: readonly string[]): boolean {
  const same = (key: readonly string[]) => key.length === columns.length && key.every((c) => columns.includes(c));
  if (table.primaryKey && same(table.primaryKey.columns)) return true;
  return table.indexes.some((i) => i.unique && !i.partial && same(i.columns));
}

function enumOf(scan: FileScan, decl: Extract<Declaration, { kind: 'enum' }>): EnumType {
  const values = arrayElements(decl.call.arguments[1])
    .map((e) => stringValue(e))
    .filter((v): v is string => v !== undefined);
  return { name: stringValue(decl.call.arguments[0]) ?? decl.name, values, loc: scanNodeLoc(scan, decl.statement) };
}

/**
 * A comment right above a column (`authorId: uuid("author_id")` with `.notNull()` and `.references(...)` on lines of
 * their own) covers the column to its last line, as SQL's covers a statement: its foreign key's findings start on the
 * `.references(...)` line. `node` holds the comment in its leading trivia and starts at `start`.
 */
function extendOverItem(sf: ts.SourceFile, node: ts.Node, start: number, s: Suppression) {
  let item: ts.Node | undefined = node;
  while (item && !isCommentedItem(item)) {
    let next: ts.Node | undefined;
    for (const child of item.getChildren(sf)) {
      if (child.getStart(sf) === start && child.end > start) {
        next = child;
        break;
      }
    }
    item = next;
  }
  if (!item) return;
  const starts = lineStartsOf(sf);
  const first = lineAt(starts, start);
  const last = lineAt(starts, item.end);
  if (first === s.targetLine && last > first) s.targetEndLine = last;
}

/** A column (or an object-form config entry): entries of the array form start their findings on their first line. */
function isCommentedItem(node: ts.Node): boolean {
  return T.isPropertyAssignment(node) || T.isShorthandPropertyAssignment(node) || T.isSpreadAssignment(node);
}

/**
 * Finds `schema-review-ignore` comments precisely: in the trivia of some token, never inside strings.
 * `mentioned`: whether the text holds the marker at all, when the caller knows (`FileScan.mentionsIgnore`).
 */
export function suppressionsOf(file: string, sf: ts.SourceFile, mentioned?: boolean): Suppression[] {
  const text = sf.text;
  const out: Suppression[] = [];
  const marker = 'schema-review-ignore';
  if (!(mentioned ?? text.includes(marker))) return out;
  const seen = new Set<number>();
  const visit = (node: ts.Node) => {
    // Comments live in the trivia before a token: [pos, start).
    const start = node.getStart(sf);
    if (node.pos < start) {
      const chunk = text.slice(node.pos, start);
      if (chunk.includes(marker)) {
        const ranges = [...(T.getTrailingCommentRanges(text, node.pos) ?? []), ...(T.getLeadingCommentRanges(text, node.pos) ?? [])];
        for (const r of ranges) {
          if (seen.has(r.pos)) continue;
          seen.add(r.pos);
          const raw = text.slice(r.pos, r.end);
          if (!raw.includes(marker)) continue;
          let ls = r.pos;
          while (ls > 0 && text[ls - 1] !== '\n') ls--;
          const trailing = text.slice(ls, r.pos).trim().length > 0;
          const s = parseIgnoreComment(raw, locOf(sf, file, r.pos, r.end), trailing);
          if (s) {
            if (!trailing && s.scope === 'next-line') extendOverItem(sf, node, start, s);
            out.push(s);
          }
        }
      }
    }
    if (text.slice(start, node.end).includes(marker)) {
      for (const child of node.getChildren(sf)) visit(child);
    }
  };
  visit(sf);
  return out;
}

/**
 * Reads the tables of a file discovery has just parsed, while its tree is still in the processor's caches.
 * Read by the analysis, after every other file of the workspace has been parsed, the same nodes are cold, and
 * that walk cost about twice as much (3 ms against 1.5 ms for the 2,300 columns of the bench's schema).
 * What needs the unit (names declared in other files) is left for `completeTable`; a table spreading a column
 * object is left whole to the analysis. The analysis takes these once (`takePrep`); a later analysis of the
 * same tree reads it again, so no two analyses share a model object.
 */
export function prepareTables(scan: FileScan): void {
  if (scan.prepared) return;
  scan.prepared = true;
  try {
    let preps: unknown[] | undefined;
    const declarations = scan.declarations;
    for (let i = 0; i < declarations.length; i++) {
      const decl = declarations[i];
      if (decl.kind !== 'table') continue;
      const build = readTable(undefined, scan, decl);
      if (!build.incomplete) (preps ??= [])[i] = build;
    }
    scan.preps = preps;
  } catch {
    // The analysis reads the file itself (and reports what went wrong, if it does).
    scan.preps = undefined;
  }
}

/** The table discovery read for the declaration at `index` of `scan.declarations`, taken (once). */
function takePrep(scan: FileScan, index: number): TableBuild | undefined {
  const preps = scan.preps;
  if (!preps) return undefined;
  const build = preps[index] as TableBuild | undefined;
  if (build) preps[index] = undefined;
  return build;
}

export function analyzeDrizzleUnit(unit: Unit, reader: SourceReader, options: Partial<AnalyzeOptions> = {}): Analysis {
  const diagnostics: SourceDiagnostic[] = [];
  const suppressions: Suppression[] = [];
  const scans: FileScan[] = [];
  for (const file of unit.files) {
    let text: string | undefined;
    try {
      text = reader.read(file);
    } catch {
      text = undefined;
    }
    if (text === undefined) {
      diagnostics.push({
        file,
        range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
        severity: 'warning',
        message: `Schema Review could not read this Drizzle schema file (missing, binary or too large); its tables are not reviewed.`,
        source: 'schema-review',
        code: 'drizzle-unreadable',
      });
      continue;
    }
    const sf = parseCached(file, text);
    if (isUnparsable(sf)) {
      diagnostics.push({
        file,
        range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
        severity: 'warning',
        message: 'The TypeScript parser cannot read this file (its expressions nest too deeply); its Drizzle tables are not reviewed.',
        source: 'schema-review',
        code: 'drizzle-unparsable',
      });
      continue;
    }
    const errors = parseDiagnosticsOf(sf);
    if (errors.length) {
      const first = errors[0];
      diagnostics.push({
        file,
        range: rangeOf(sf, first.start, first.start + first.length),
        severity: 'info',
        message: `This Drizzle schema has ${errors.length} syntax error${errors.length > 1 ? 's' : ''} (first: ${T.flattenDiagnosticMessageText(first.messageText, ' ')}); Schema Review reviews what the TypeScript parser recovered.`,
        source: 'schema-review',
        code: 'drizzle-syntax',
      });
    }
    const scan = scanFile(file, sf);
    scans.push(scan);
    const found = suppressionsOf(file, sf, scan.mentionsIgnore);
    if (found.length) suppressions.push(...found);
  }
  const ctx: UnitContext = { scans, byFile: new Map(scans.map((s) => [s.file, s])), modules: new Map(), imported: new Map(), reader };
  const builds: TableBuild[] = [];
  const enums: EnumType[] = [];
  // Modules the schema imports for their wrappers only (discover.ts): their own tables are not the schema's.
  const helpers = Array.isArray(unit.hints?.helperModules) ? new Set(unit.hints.helperModules as string[]) : undefined;
  for (const scan of scans) {
    if (helpers?.has(scan.file)) continue;
    const declarations = scan.declarations;
    for (let i = 0; i < declarations.length; i++) {
      const decl = declarations[i];
      if (decl.kind === 'table') {
        const prep = takePrep(scan, i);
        builds.push(prep ? completeTable(ctx, prep) : buildTable(ctx, scan, decl));
      } else if (decl.kind === 'enum') enums.push(enumOf(scan, decl));
    }
  }
  // By declaration: the one `resolveName` answers for a name is the last of that name in its file (`byName`),
  // whose table is the last one a file-and-name key would have kept.
  const byKey = new Map<Declaration, Table>(builds.map((b) => [b.decl, b.table]));
  for (const scan of scans) {
    if (helpers?.has(scan.file)) continue;
    for (const decl of scan.declarations) if (decl.kind === 'relations') addRelations(ctx, scan, decl, byKey);
  }
  const casing = unit.hints?.casing;
  if (casing === 'snake_case' || casing === 'camelCase') {
    const convert = casing === 'snake_case' ? toSnakeCase : toCamelCase;
    for (const b of builds) {
      for (const c of b.table.columns) {
        if (!(c instanceof DrizzleColumn) || c.named) continue;
        const sql = convert(c.name);
        c.dbName = sql !== c.name ? sql : undefined;
      }
    }
  }
  const hinted = unit.hints?.dialect as Dialect | undefined;
  const counts = new Map<Dialect, number>();
  for (const b of builds) if (b.dialect) counts.set(b.dialect, (counts.get(b.dialect) ?? 0) + 1);
  const majority = [...counts.entries()].sort((a, b) => b[1] - a[1])[0]?.[0];
  const fallback = scans.find((s) => s.imports.coreDialect)?.imports.coreDialect;
  const database: Database = {
    id: unit.id,
    language: 'drizzle',
    // What the project says (drizzle.config, the table functions, the core module imported) wins over the configured dialect.
    dialect: hinted ?? majority ?? fallback ?? options.dialect ?? 'unknown',
    relationMode: 'foreignKeys',
    tables: builds.map((b) => b.table),
    enums,
    files: [...unit.files],
  };
  // drizzle-kit's output folder (discover.ts): a CHECK added there by hand holds the schema's columns too.
  if (typeof unit.hints?.migrationsDir === 'string') database.migrationsDirs = [unit.hints.migrationsDir];
  for (const b of builds) {
    if (b.checks) applyChecks(b.table, b.checks, b.dialect ?? database.dialect);
    for (const w of b.wheres ?? []) {
      const required = notNullKeysOfTemplate(w.parts);
      if (required) w.index.whereNotNull = required;
    }
  }
  return { databases: [database], codeFiles: [], diagnostics, suppressions };
}
