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
  Loc,
  ReferentialAction,
  Table,
} from '../../../../rules/model';
import { parseIgnoreComment } from '../../suppressions';
import type { Analysis, AnalyzeOptions, SourceDiagnostic, SourceReader, Suppression, Unit } from '../types';
import * as ast from './ast';
import type { Chain } from './ast';
import { scanFile, type Declaration, type FileScan } from './scan';

/**
 * Module-local copies of the syntax helpers the walk calls for every column. Run from source (tsx), these
 * modules are CommonJS, where each use of an imported binding is a call to two getters.
 */
const {
  T,
  commentBody,
  coreNameOf,
  dotBefore,
  isUnparsable,
  decomposeChain,
  lineStartsOf,
  locOf,
  nodeLoc,
  parseCached,
  parseDiagnosticsOf,
  propertyName,
  rangeIn,
  rangeOf,
  stringValue,
  unwrapExpression,
} = ast;

const ACTIONS: Record<string, ReferentialAction> = {
  cascade: 'Cascade',
  restrict: 'Restrict',
  'no action': 'NoAction',
  'set null': 'SetNull',
  'set default': 'SetDefault',
};

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

/** Everything the analysis knows about one unit while it walks it. */
interface UnitContext {
  scans: FileScan[];
  byFile: Map<string, FileScan>;
  /** resolveModule's answers. */
  modules: Map<string, FileScan | undefined>;
}

/** Resolves a name used in `scan` to the file and name of its top-level declaration in the unit. */
function resolveName(ctx: UnitContext, scan: FileScan, local: string): { scan: FileScan; decl: Declaration } | undefined {
  const own = scan.byName.get(local);
  if (own) return { scan, decl: own };
  const imported = scan.imports.other.get(local);
  const name = imported && imported.imported !== 'default' && imported.imported !== '*' ? imported.imported : local;
  if (imported) {
    const target = resolveModule(ctx, scan.file, imported.module);
    const decl = target?.byName.get(name);
    if (target && decl) return { scan: target, decl };
  }
  for (const other of ctx.scans) {
    const decl = other.byName.get(name);
    if (decl) return { scan: other, decl };
  }
  return undefined;
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
function columnRef(expression: ts.Expression | undefined): { owner?: string; column: string } | undefined {
  if (!expression) return undefined;
  let e = unwrapExpression(expression);
  // `t.a.desc()`, `t.a.asc().nullsFirst()`, `t.a.op("text_ops")`
  while (T.isCallExpression(e) && T.isPropertyAccessExpression(e.expression)) e = unwrapExpression(e.expression.expression);
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

/** `start` is `node.getStart(sf)`: the trivia [node.pos, start) holds the leading comments, if any. */
function leadingComment(sf: ts.SourceFile, node: ts.Node, start: number): string | undefined {
  const text = sf.text;
  if (!hasSlash(text, node.pos, start)) return undefined;
  const ranges = T.getLeadingCommentRanges(text, node.pos);
  if (!ranges) return undefined;
  const parts = ranges
    .map((r) => commentBody(text.slice(r.pos, r.end)))
    .filter((c) => c.length > 0 && !c.startsWith('schema-review-ignore') && !c.startsWith('eslint-') && !c.startsWith('@ts-'));
  return parts.length ? parts.join('\n') : undefined;
}

function trailingComment(sf: ts.SourceFile, node: ts.Node): string | undefined {
  const text = sf.text;
  let end = node.end;
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
  for (const a of call.arguments) {
    const u = unwrapExpression(a);
    if (T.isObjectLiteralExpression(u)) return u;
  }
  return undefined;
}

export function objectProperty(object: ts.ObjectLiteralExpression | undefined, key: string): ts.Expression | undefined {
  if (!object) return undefined;
  for (const p of object.properties) {
    if (T.isPropertyAssignment(p) && propertyName(p.name) === key) return p.initializer;
    if (T.isShorthandPropertyAssignment(p) && p.name.text === key) return p.name;
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
  return BUILDER_TYPES[builder] ?? 'other';
}

function modeOf(call: ts.CallExpression | undefined): string | undefined {
  return call ? stringValue(objectProperty(optionsOf(call), 'mode')) : undefined;
}

function action(expression: ts.Expression | undefined): ReferentialAction | undefined {
  const v = stringValue(expression ? unwrapExpression(expression) : undefined);
  return v === undefined ? undefined : ACTIONS[v.toLowerCase()];
}

interface TableBuild {
  table: Table;
  scan: FileScan;
  decl: Extract<Declaration, { kind: 'table' }>;
  dialect?: Dialect;
}

function tableSqlName(ctx: UnitContext, scan: FileScan, decl: Extract<Declaration, { kind: 'table' }>): string {
  const raw = stringValue(decl.call.arguments[0]) ?? decl.name;
  if ('creator' in decl.via) {
    const creator = resolveName(ctx, scan, decl.via.creator);
    if (creator?.decl.kind === 'creator' && creator.decl.prefix) return creator.decl.prefix(raw);
  }
  return raw;
}

function buildTable(ctx: UnitContext, scan: FileScan, decl: Extract<Declaration, { kind: 'table' }>): TableBuild {
  const { sf, file } = scan;
  const call = decl.call;
  const sqlName = tableSqlName(ctx, scan, decl);
  const name = decl.name === 'default' ? sqlName : decl.name;
  let dialect = decl.dialect;
  if ('creator' in decl.via) {
    const creator = resolveName(ctx, scan, decl.via.creator);
    if (creator?.decl.kind === 'creator') dialect = creator.decl.dialect;
  } else if ('schema' in decl.via) {
    const schema = resolveName(ctx, scan, decl.via.schema);
    if (schema?.decl.kind === 'schema') dialect = schema.decl.dialect;
  }
  const nameNode = call.arguments[0] ?? call.expression;
  const table: Table = {
    name,
    dbName: sqlName !== name ? sqlName : undefined,
    columns: [],
    indexes: [],
    foreignKeys: [],
    comment: leadingComment(sf, decl.statement, decl.statement.getStart(sf)),
    loc: nodeLoc(sf, file, decl.statement),
    nameLoc: nodeLoc(sf, file, nameNode),
  };
  const build: TableBuild = { table, scan, decl, dialect };

  // Columns: an object literal, or `(t) => ({ ... })` (builders passed as a parameter).
  const columnsArg = call.arguments[1] ? unwrapExpression(call.arguments[1]) : undefined;
  let columnsObject: ts.ObjectLiteralExpression | undefined;
  if (columnsArg && T.isObjectLiteralExpression(columnsArg)) columnsObject = columnsArg;
  else if (columnsArg) {
    const returned = returnedExpression(columnsArg);
    if (returned && T.isObjectLiteralExpression(returned)) columnsObject = returned;
  }
  if (columnsObject) addColumns(ctx, build, scan, columnsObject, 0);

  // Extra config: `(t) => [ ... ]`, `(t) => ({ ... })`, or a function returning either.
  const extra = call.arguments[2];
  if (extra) {
    const fn = unwrapExpression(extra);
    const param =
      (T.isArrowFunction(fn) || T.isFunctionExpression(fn)) && fn.parameters[0] && T.isIdentifier(fn.parameters[0].name)
        ? fn.parameters[0].name.text
        : undefined;
    const returned = returnedExpression(fn) ?? (T.isArrayLiteralExpression(fn) ? fn : undefined);
    if (returned && T.isArrayLiteralExpression(returned)) {
      for (const element of returned.elements) addConstraint(ctx, build, element, param);
    } else if (returned && T.isObjectLiteralExpression(returned)) {
      for (const p of returned.properties) if (T.isPropertyAssignment(p)) addConstraint(ctx, build, p.initializer, param);
    }
  }
  return build;
}

/**
 * A column whose locations are computed when first read. Rules read `loc` only for the columns they report,
 * writers for the columns they fix, and nobody reads `typeLoc`: built eagerly they are eight objects per
 * column, most of the model. The offsets are kept with the file's line starts, never the syntax tree,
 * which the model must not keep alive.
 */
class DrizzleColumn implements Column {
  declare default?: string;
  declare comment?: string;
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

  get typeLoc(): Loc {
    return (this.#typeLoc ??= { file: this.#file, range: rangeIn(this.#lines, this.#typeStart, this.#typeEnd) });
  }
}

function addColumns(ctx: UnitContext, build: TableBuild, scan: FileScan, object: ts.ObjectLiteralExpression, depth: number) {
  for (const p of object.properties) {
    if (T.isPropertyAssignment(p)) {
      const key = propertyName(p.name);
      if (key !== undefined) addColumn(ctx, build, scan, key, p);
    } else if (T.isSpreadAssignment(p) && depth < 3) {
      // `...timestamps`: a shared column object declared at the top level of this or another file.
      const e = unwrapExpression(p.expression);
      if (T.isIdentifier(e)) {
        const target = resolveName(ctx, scan, e.text);
        if (target?.decl.kind === 'object') addColumns(ctx, build, target.scan, target.decl.object, depth + 1);
      }
    }
  }
}

/** The builder a column's root call names (`text`, an enum variable, `pg.integer`), or '' when the root is no call. */
function builderOf(ctx: UnitContext, scan: FileScan, call: ts.CallExpression | undefined): string {
  builderIsEnum = false;
  if (!call) return '';
  const callee = unwrapExpression(call.expression);
  if (T.isIdentifier(callee)) {
    if (!scan.imports.core.has(callee.text)) {
      const target = resolveName(ctx, scan, callee.text);
      if (target?.decl.kind === 'enum') {
        builderIsEnum = true;
        return callee.text;
      }
    }
    return scan.imports.core.get(callee.text) ?? callee.text;
  }
  if (T.isPropertyAccessExpression(callee)) {
    const name = callee.name.text;
    builderIsEnum = /Enum$/.test(name) && !(name in BUILDER_TYPES);
    return name;
  }
  return '';
}

/** builderOf's second answer, set by each call: whether the builder makes an enum column (no object per column). */
let builderIsEnum = false;

/**
 * The link calls of the column being read, outermost first, and how many there are: one array for every
 * column, since a column reads its chain once (`decomposeChain` would allocate a chain and an object per link).
 */
const columnLinks: ts.CallExpression[] = [];
let columnLinkCount = 0;

/** The root of `expression`'s builder chain, its links into `columnLinks` (outermost first); as `decomposeChain`. */
function chainInto(expression: ts.Expression): ts.Expression {
  columnLinkCount = 0;
  let e = unwrapExpression(expression);
  while (T.isCallExpression(e) && T.isPropertyAccessExpression(e.expression)) {
    const target = unwrapExpression(e.expression.expression);
    // `pg.text("x")` / `t.integer()` / `schema.table(...)`: a namespace or parameter, not a chain link.
    if (T.isIdentifier(target)) break;
    columnLinks[columnLinkCount++] = e;
    e = target;
  }
  return e;
}

function addColumn(ctx: UnitContext, build: TableBuild, scan: FileScan, key: string, property: ts.PropertyAssignment) {
  const { sf, file } = scan;
  const table = build.table;
  const root = chainInto(property.initializer);
  const links = columnLinks;
  const linkCount = columnLinkCount;
  const call = T.isCallExpression(root) ? root : undefined;
  const builder = builderOf(ctx, scan, call);
  const isEnum = builderIsEnum;
  const dbName = call ? stringValue(call.arguments[0]) : undefined;
  let type = columnType(builder, call, isEnum);
  let notNull = SERIALS.has(builder);
  let defaultText: string | undefined;
  const rootNode = call ?? root;
  const rootStart = rootNode.getStart(sf);
  const text = sf.text;
  // From the root outwards, as written.
  for (let i = linkCount - 1; i >= 0; i--) {
    const link = links[i];
    const nameNode = (link.expression as ts.PropertyAccessExpression).name;
    const args = link.arguments;
    switch (nameNode.text) {
      case 'notNull':
        notNull = true;
        break;
      case 'primaryKey':
        notNull = true;
        if (!table.primaryKey) table.primaryKey = { columns: [key], unique: true, kind: 'primary', loc: locOf(sf, file, dotBefore(sf, nameNode), link.end) };
        break;
      case 'unique':
        table.indexes.push({ name: stringValue(args[0]), columns: [key], unique: true, kind: 'unique', loc: locOf(sf, file, dotBefore(sf, nameNode), link.end) });
        break;
      case 'default':
        defaultText = args[0] ? text.slice(args[0].getStart(sf), args[0].end) : undefined;
        break;
      case 'defaultNow':
        defaultText = 'now()';
        break;
      case 'defaultRandom':
        defaultText = 'gen_random_uuid()';
        break;
      case '$defaultFn':
      case '$default':
        defaultText = `${nameNode.text}(${args.map((a) => a.getText(sf)).join(', ')})`;
        break;
      case 'generatedAlwaysAsIdentity':
      case 'generatedByDefaultAsIdentity':
        notNull = true;
        break;
      case 'array':
        type = 'array';
        break;
      case 'references': {
        const fk = referenceOf(ctx, build, scan, key, link, locOf(sf, file, dotBefore(sf, nameNode), link.end));
        if (fk) table.foreignKeys.push(fk);
        break;
      }
    }
  }
  const start = property.getStart(sf);
  const column = new DrizzleColumn(
    key,
    dbName !== undefined && dbName !== key ? dbName : undefined,
    type,
    text.slice(rootStart, rootNode.end),
    !notNull,
    file,
    lineStartsOf(sf),
    start,
    property.end,
    rootStart,
    rootNode.end,
  );
  if (defaultText !== undefined) column.default = defaultText;
  const leading = leadingComment(sf, property, start);
  const trailing = trailingComment(sf, property);
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
  ctx: UnitContext,
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
    references: { table: tableNameFor(ctx, scan, target?.owner, build), columns: target ? [target.column] : [] },
    defaultOnDelete: 'NoAction',
    loc,
    enforced: true,
  };
  const onDelete = action(objectProperty(opts, 'onDelete'));
  const onUpdate = action(objectProperty(opts, 'onUpdate'));
  if (onDelete) fk.onDelete = onDelete;
  if (onUpdate) fk.onUpdate = onUpdate;
  return fk;
}

function columnList(expressions: readonly ts.Expression[], sf: ts.SourceFile): string[] {
  return expressions.map((e) => columnRef(e)?.column ?? `(${e.getText(sf)})`);
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

function addConstraint(ctx: UnitContext, build: TableBuild, expression: ts.Expression, param: string | undefined) {
  const { scan, table } = build;
  const { sf, file } = scan;
  const chain = decomposeChain(sf, expression);
  if (!T.isCallExpression(chain.root)) return;
  const root = chain.root;
  const kind = coreNameOf(scan.imports, root.expression);
  const loc = nodeLoc(sf, file, expression);
  switch (kind) {
    case 'index':
    case 'uniqueIndex': {
      const on = findLink(chain, 'on') ?? findLink(chain, 'onOnly');
      const using = findLink(chain, 'using');
      const cols = on ? on.call.arguments : using ? using.call.arguments.slice(1) : [];
      const index: Index = {
        name: stringValue(root.arguments[0]),
        columns: columnList(cols, sf),
        unique: kind === 'uniqueIndex',
        kind: kind === 'uniqueIndex' ? 'unique' : 'index',
        loc,
      };
      if (findLink(chain, 'where')) index.partial = true;
      if (findLink(chain, 'concurrently')) index.concurrently = true;
      table.indexes.push(index);
      break;
    }
    case 'unique': {
      const on = findLink(chain, 'on');
      table.indexes.push({
        name: stringValue(root.arguments[0]),
        columns: columnList(on ? on.call.arguments : [], sf),
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
        columns: columnList(cols, sf),
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
      const ref = foreign[0] ? columnRef(foreign[0]) : undefined;
      const fk: ForeignKey = {
        name: stringValue(objectProperty(config, 'name')),
        columns: columnList(arrayElements(objectProperty(config, 'columns')), sf),
        references: { table: tableNameFor(ctx, scan, ref?.owner, build, param), columns: columnList(foreign, sf) },
        defaultOnDelete: 'NoAction',
        loc,
        enforced: true,
      };
      const onDelete = action(findLink(chain, 'onDelete')?.call.arguments[0]);
      const onUpdate = action(findLink(chain, 'onUpdate')?.call.arguments[0]);
      if (onDelete) fk.onDelete = onDelete;
      if (onUpdate) fk.onUpdate = onUpdate;
      table.foreignKeys.push(fk);
      break;
    }
  }
}

/** `relations(users, ({ one }) => ({ org: one(orgs, { fields: [users.orgId], references: [orgs.id] }) }))`. */
function addRelations(ctx: UnitContext, scan: FileScan, decl: Extract<Declaration, { kind: 'relations' }>, tables: Map<string, Table>) {
  const { sf, file } = scan;
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
    const table = tables.get(sourceResolved.scan.file + '\0' + sourceResolved.decl.name);
    if (!table) continue;
    const columns = columnList(fields, sf);
    if (table.foreignKeys.some((fk) => fk.enforced && fk.columns.join() === columns.join())) continue;
    const targetResolved = resolveName(ctx, scan, target.owner);
    table.foreignKeys.push({
      columns,
      references: {
        table: targetResolved?.decl.kind === 'table' ? targetResolved.decl.name : target.owner,
        columns: columnList(references, sf),
      },
      defaultOnDelete: 'NoAction',
      loc: nodeLoc(sf, file, call),
      relationField: propertyName(p.name),
      enforced: false,
    });
  }
}

function enumOf(scan: FileScan, decl: Extract<Declaration, { kind: 'enum' }>): EnumType {
  const values = arrayElements(decl.call.arguments[1])
    .map((e) => stringValue(e))
    .filter((v): v is string => v !== undefined);
  return { name: stringValue(decl.call.arguments[0]) ?? decl.name, values, loc: nodeLoc(scan.sf, scan.file, decl.statement) };
}

/** Finds `schema-review-ignore` comments precisely: in the trivia of some token, never inside strings. */
export function suppressionsOf(file: string, sf: ts.SourceFile): Suppression[] {
  const text = sf.text;
  const out: Suppression[] = [];
  const marker = 'schema-review-ignore';
  if (!text.includes(marker)) return out;
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
          if (s) out.push(s);
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
    scans.push(scanFile(file, sf));
    suppressions.push(...suppressionsOf(file, sf));
  }
  const ctx: UnitContext = { scans, byFile: new Map(scans.map((s) => [s.file, s])), modules: new Map() };
  const builds: TableBuild[] = [];
  const enums: EnumType[] = [];
  for (const scan of scans) {
    for (const decl of scan.declarations) {
      if (decl.kind === 'table') builds.push(buildTable(ctx, scan, decl));
      else if (decl.kind === 'enum') enums.push(enumOf(scan, decl));
    }
  }
  const byKey = new Map(builds.map((b) => [b.scan.file + '\0' + b.decl.name, b.table]));
  for (const scan of scans) {
    for (const decl of scan.declarations) if (decl.kind === 'relations') addRelations(ctx, scan, decl, byKey);
  }
  const hinted = unit.hints?.dialect as Dialect | undefined;
  const counts = new Map<Dialect, number>();
  for (const b of builds) if (b.dialect) counts.set(b.dialect, (counts.get(b.dialect) ?? 0) + 1);
  const majority = [...counts.entries()].sort((a, b) => b[1] - a[1])[0]?.[0];
  const fallback = scans.find((s) => s.imports.coreDialect)?.imports.coreDialect;
  const database: Database = {
    id: unit.id,
    language: 'drizzle',
    dialect: options.dialect ?? hinted ?? majority ?? fallback ?? 'unknown',
    relationMode: 'foreignKeys',
    tables: builds.map((b) => b.table),
    enums,
    files: [...unit.files],
  };
  return { databases: [database], codeFiles: [], diagnostics, suppressions };
}
