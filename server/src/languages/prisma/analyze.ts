/**
 * Prisma AST → model facts (one Database per unit), suppressions, and Prisma's own validation errors.
 */
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
import { compareLocs } from '../../../../rules/types';
import { parseIgnoreComment } from '../../suppressions';
import type { Analysis, AnalyzeOptions, SourceDiagnostic, SourceReader, Suppression, Unit } from '../types';
import { attributeArg, fieldRefs, LineIndex, parsePrisma, reparsePrisma, settle, stringValue, textChange } from './parser';
import type { Attribute, Block, Comment, Expr, Field, PrismaAst, Span, TextChange } from './parser';
import * as wasm from './wasm';
import { loadSqlParser, sqlParserReady } from '../sql/parse';
import { notNullColumnsOfPredicate } from '../sql/replay';

export interface ParsedFile {
  path: string;
  text: string;
  ast: PrismaAst;
  lines: LineIndex;
}

/** Per-text parse cache: the same text is parsed once (LSP re-analyses on every edit of any file). */
let parseCache = new Map<string, { text: string; parsed: ParsedFile }>();

/** Runs `run` with an empty parse cache, restored afterwards (tests compare incremental reviews with fresh ones). */
export function withFreshParses<T>(run: () => T): T {
  const saved = parseCache;
  const savedLint = lintMemo;
  parseCache = new Map();
  lintMemo = new Map();
  try {
    return run();
  } finally {
    parseCache = saved;
    lintMemo = savedLint;
  }
}

/**
 * Prisma's last validation of a unit (its files' texts and what Prisma said), kept to answer for the next texts
 * when they differ from these only inside comments: what a comment says means nothing to Prisma, and an edit
 * within one comment line moves nothing Prisma reports on other lines. Typing in a comment or a doc comment of a
 * big schema then costs no validation run.
 */
interface LintMemo {
  texts: readonly (readonly [path: string, text: string])[];
  diagnostics: readonly SourceDiagnostic[];
}
let lintMemo = new Map<string, LintMemo>();

function lintKey(texts: readonly (readonly [string, string])[], major: wasm.WasmMajor): string {
  return `${major}\u0000${texts.map(([path]) => path).join('\u0000')}`;
}

function rememberLint(key: string, texts: readonly (readonly [string, string])[], diagnostics: readonly SourceDiagnostic[]): void {
  if (lintMemo.size > 50) lintMemo.clear();
  lintMemo.set(key, { texts, diagnostics });
}

/** Is the change strictly inside the text of one comment (its slashes untouched), with no line break typed? */
function insideOneComment(comments: readonly Comment[], after: string, change: TextChange): boolean {
  let lo = 0;
  let hi = comments.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (comments[mid].start <= change.start) {
      found = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  if (found < 0) return false;
  const c = comments[found];
  // A block comment's closing mark, like the opening slashes, must stay as it was.
  const block = c.text.startsWith('/*');
  if (change.start < c.start + (c.doc ? 3 : 2) || change.oldEnd > c.end - (block ? 2 : 0)) return false;
  for (let i = change.start; i < change.newEnd; i++) {
    const ch = after.charCodeAt(i);
    if (ch === 10 || ch === 13 || ch === 0x2028 || ch === 0x2029) return false;
  }
  // A `*/` made (which ends a block comment there, or one left open above) or a `/*` made: not only a comment's words.
  const around = after.slice(Math.max(0, change.start - 1), change.newEnd + 1);
  return !around.includes('*/') && !around.includes('/*');
}

/**
 * What Prisma said of the previous texts, when it holds for `texts` (see LintMemo): every file is unchanged, or
 * changed inside one comment on a line Prisma said nothing about. Read before the new texts are parsed (the
 * previous parses say where the comments were).
 */
function lintStillValid(key: string, texts: readonly (readonly [string, string])[]): SourceDiagnostic[] | undefined {
  const memo = lintMemo.get(key);
  if (!memo || memo.texts.length !== texts.length) return undefined;
  for (let i = 0; i < texts.length; i++) {
    const [path, text] = texts[i];
    const [oldPath, oldText] = memo.texts[i];
    if (path !== oldPath) return undefined;
    if (text === oldText) continue;
    const previous = parseCache.get(path);
    if (!previous || previous.text !== oldText) return undefined;
    const change = changeBetween(oldText, text);
    if (!insideOneComment(previous.parsed.ast.comments, text, change)) return undefined;
    const line = previous.parsed.lines.position(change.start).line;
    if (memo.diagnostics.some((d) => d.file === path && d.range.start.line <= line && d.range.end.line >= line)) return undefined;
  }
  return memo.diagnostics.slice();
}

/** `textChange`, remembered for the last pair of texts: the validation check and the parse of a keystroke both ask. */
let lastChange: { before: string; after: string; change: TextChange } | undefined;
function changeBetween(before: string, after: string): TextChange {
  if (lastChange?.before !== before || lastChange.after !== after) lastChange = { before, after, change: textChange(before, after) };
  return lastChange.change;
}

export function parseFile(path: string, text: string): ParsedFile {
  const hit = parseCache.get(path);
  if (hit && hit.text === text) return hit.parsed;
  let parsed: ParsedFile | undefined;
  if (hit) {
    // An edit of the file parsed last: parse only the block it touched (the old parse is given up).
    const change = changeBetween(hit.text, text);
    const ast = reparsePrisma(hit.parsed.ast, text, change);
    if (ast) parsed = { path, text, ast, lines: hit.parsed.lines.edited(text, change) };
    parseCache.delete(path);
  }
  parsed ??= { path, text, ast: parsePrisma(text), lines: new LineIndex(text) };
  if (parseCache.size > 500) parseCache.clear();
  parseCache.set(path, { text, parsed });
  return parsed;
}

const SCALARS: Record<string, ColumnType> = {
  String: 'string',
  Int: 'int',
  BigInt: 'bigint',
  Float: 'float',
  Decimal: 'decimal',
  Boolean: 'boolean',
  DateTime: 'datetime',
  Json: 'json',
  Bytes: 'bytes',
  Unsupported: 'other',
};

const ACTIONS = new Set<ReferentialAction>(['Cascade', 'Restrict', 'NoAction', 'SetNull', 'SetDefault']);

export function dialectOf(provider: string | undefined): Dialect {
  switch (provider) {
    case 'postgresql':
    case 'postgres':
      return 'postgresql';
    case 'mysql':
      return 'mysql';
    case 'sqlite':
      return 'sqlite';
    case 'sqlserver':
      return 'sqlserver';
    case 'cockroachdb':
      return 'cockroachdb';
    case 'mongodb':
      return 'mongodb';
    default:
      return 'unknown';
  }
}

function locOf(file: ParsedFile, s: Span): Loc {
  return { file: file.path, range: file.lines.range(s) };
}

function exprText(file: ParsedFile, e: Expr | undefined): string | undefined {
  return e ? file.text.slice(e.start, e.end) : undefined;
}

function attr(field: Field, name: string): Attribute | undefined {
  return field.attributes.find((a) => a.name === name);
}

function columnTypeOf(typeName: string, dbAttr: string | undefined, isEnum: boolean, list: boolean): ColumnType {
  if (list) return 'array';
  if (isEnum) return 'enum';
  const base = SCALARS[typeName] ?? 'other';
  if (base === 'string' && dbAttr === 'db.Uuid') return 'uuid';
  if (base === 'datetime' && dbAttr === 'db.Date') return 'date';
  if (base === 'datetime' && (dbAttr === 'db.Time' || dbAttr === 'db.Timetz')) return 'time';
  return base;
}

/** A comment's words: without its line comment slashes, or its block comment's opening and closing marks. */
function commentBody(text: string): string {
  if (text.startsWith('/*')) return text.slice(2, text.endsWith('*/') && text.length >= 4 ? -2 : undefined).trim();
  return text.replace(/^\/\/\/?\s?/, '').trim();
}

/** Field end for `loc`: the field's tokens without the trailing comment. */
function fieldSpan(field: Field): Span {
  return { start: field.start, end: field.end };
}

/** Tables built from a block, with what they were built in (see buildModel). */
const tableMemo = new WeakMap<Block, { context: object; file: string; line: number; character: number; table: Table }>();

/** One token per unit while what a table's meaning depends on beyond its block (names of models, enums, types; dialect) is the same. */
const contexts = new Map<string, { key: string; token: object }>();

function contextToken(unit: string, key: string): object {
  const last = contexts.get(unit);
  if (last && last.key === key) return last.token;
  const token = {};
  contexts.set(unit, { key, token });
  return token;
}

export interface PrismaUnitModel {
  files: ParsedFile[];
  database: Database;
  suppressions: Suppression[];
}

/** Builds the Database from parsed files (no wasm except the cached referential actions). */
export function buildModel(unit: Unit, files: ParsedFile[], options?: Pick<AnalyzeOptions, 'dialect'>): PrismaUnitModel {
  // One pass over the blocks: this runs after every keystroke, over every block of a big schema.
  const modelNames = new Set<string>();
  const enumNames = new Set<string>();
  const typeNames = new Set<string>();
  const viewNames = new Set<string>();
  let datasource: { file: ParsedFile; block: Block } | undefined;
  const blocks: { file: ParsedFile; block: Block }[] = [];
  for (const file of files) {
    for (const block of file.ast.blocks) {
      blocks.push({ file, block });
      if (block.kind === 'model' || block.kind === 'view') {
        modelNames.add(block.name);
        if (block.kind === 'view') viewNames.add(block.name);
      } else if (block.kind === 'enum') enumNames.add(block.name);
      else if (block.kind === 'type') typeNames.add(block.name);
      else if (block.kind === 'datasource' && !datasource) datasource = { file, block };
    }
  }
  if (datasource) settle(datasource.block);
  const providerProp = datasource?.block.properties.find((p) => p.key === 'provider');
  const provider = stringValue(providerProp?.value);
  const relationModeProp = datasource?.block.properties.find((p) => p.key === 'relationMode' || p.key === 'referentialIntegrity');
  // The provider written in the datasource wins; a configured dialect (schema-review.json) only fills in for a
  // schema that names none (mid-edit, or a datasource in a file that is not part of the unit).
  const written = dialectOf(provider);
  const dialect = written !== 'unknown' ? written : options?.dialect ?? 'unknown';
  const writtenMode = stringValue(relationModeProp?.value);
  const relationMode: 'foreignKeys' | 'prisma' =
    writtenMode === 'prisma' || (writtenMode === undefined && dialect === 'mongodb') ? 'prisma' : 'foreignKeys';
  const prismaMajor = typeof unit.hints?.prismaMajor === 'number' ? unit.hints.prismaMajor : undefined;

  // A partial index's predicate is read once the Postgres parser is loaded: its tables are made again then.
  const predicates = partialIndexesSeen && sqlParserReady() ? 'where' : '';
  const context = contextToken(unit.id, [dialect, relationMode, [...modelNames].join(','), [...enumNames].join(','), [...typeNames].join(','), [...viewNames].join(','), predicates].join('\u0001'));
  const tables: Table[] = [];
  const enums: EnumType[] = [];
  for (const { file, block } of blocks) {
    if (block.kind === 'enum') {
      enums.push({ name: block.name, values: block.fields.map((f) => f.name), loc: locOf(file, block) });
      continue;
    }
    if (block.kind !== 'model' && block.kind !== 'view') continue;
    // The same block (unchanged text, kept by the incremental parse) at the same place, in the same context,
    // makes the same table: keep the object, so rules can reuse what they found in it.
    const at = file.lines.position(block.start);
    const kept = tableMemo.get(block);
    if (kept && kept.context === context && kept.file === file.path && kept.line === at.line && kept.character === at.character) {
      tables.push(kept.table);
      continue;
    }
    settle(block);
    const table: Table = {
      name: block.name,
      columns: [],
      indexes: [],
      foreignKeys: [],
      loc: locOf(file, block),
      nameLoc: locOf(file, block.nameSpan),
    };
    if (block.kind === 'view') table.isView = true;
    if (block.doc) table.comment = block.doc;
    const mapAttr = block.attributes.find((a) => a.name === 'map');
    const dbName = stringValue(mapAttr && attributeArg(mapAttr, 'name', 0)?.value);
    if (dbName) table.dbName = dbName;

    const fieldsByName = new Map<string, Field>();
    for (const field of block.fields) {
      fieldsByName.set(field.name, field);
      const type = field.type;
      if (!type) continue;
      if (modelNames.has(type.name) && !SCALARS[type.name]) continue; // relation field, handled below
      const isEnum = enumNames.has(type.name);
      const dbAttr = field.attributes.find((a) => a.name.startsWith('db.'));
      const rawParts = [file.text.slice(type.nameSpan.start, type.args ? type.args.end : type.nameSpan.end) + (type.list ? '[]' : '')];
      if (dbAttr) rawParts.push(file.text.slice(dbAttr.start, dbAttr.end));
      const column: Column = {
        name: field.name,
        type: typeNames.has(type.name) ? 'other' : columnTypeOf(type.name, dbAttr?.name, isEnum, type.list),
        rawType: rawParts.join(' '),
        nullable: type.optional,
        loc: locOf(file, fieldSpan(field)),
        typeLoc: locOf(file, type.nameSpan),
      };
      const map = attr(field, 'map');
      const colDbName = stringValue(map && attributeArg(map, 'name', 0)?.value);
      if (colDbName) column.dbName = colDbName;
      const def = attr(field, 'default');
      const defValue = def && attributeArg(def, 'value', 0)?.value;
      if (defValue) column.default = exprText(file, defValue);
      const comment = field.doc ?? (field.trailingComment && commentBody(field.trailingComment.text));
      if (comment) column.comment = comment;
      table.columns.push(column);

      const id = attr(field, 'id');
      if (id) {
        table.primaryKey = { columns: [field.name], unique: true, kind: 'primary', loc: locOf(file, id), ...named(id), ...fieldKeyFacts(file, id) };
      }
      const unique = attr(field, 'unique');
      if (unique) {
        table.indexes.push({ columns: [field.name], unique: true, kind: 'unique', loc: locOf(file, unique), ...named(unique), ...fieldKeyFacts(file, unique) });
      }
    }

    for (const a of block.attributes) {
      if (a.name !== 'id' && a.name !== 'unique' && a.name !== 'index') continue;
      const fieldsArg = attributeArg(a, 'fields', 0);
      const columns = fieldRefs(fieldsArg?.value);
      const index: Index = {
        columns,
        unique: a.name !== 'index',
        kind: a.name === 'id' ? 'primary' : a.name === 'unique' ? 'unique' : 'index',
        loc: locOf(file, a),
        ...named(a),
        written: writtenText(file, a),
      };
      const method = methodOf(attributeArg(a, 'type')?.value);
      if (method) index.method = method;
      const options = keyOptions(fieldsArg?.value);
      if (options) index.columnOptions = options;
      const where = attributeArg(a, 'where');
      if (where) {
        index.partial = true;
        // `where: raw("\"userId\" IS NOT NULL")` (preview feature partialIndexes, Prisma 7): a lookup by the key implies
        // the predicate, so the index covers it (coversLeading).
        const required = notNullFieldsOf(where.value, table.columns, dialect);
        if (required) index.whereNotNull = required;
      }
      if (a.name === 'id') table.primaryKey = index;
      else table.indexes.push(index);
    }

    for (const field of block.fields) {
      const type = field.type;
      if (!type || !modelNames.has(type.name) || SCALARS[type.name]) continue;
      const relation = attr(field, 'relation');
      if (!relation) continue;
      const fkFields = fieldRefs(attributeArg(relation, 'fields')?.value);
      if (fkFields.length === 0) continue; // the back-relation side
      // MongoDB's many-to-many keeps a list of ids on each side (`tags Tag[] @relation(fields: [tagIds], …)`): no
      // foreign key, and Prisma refuses referential actions on it.
      if (type.list) continue;
      const references = fieldRefs(attributeArg(relation, 'references')?.value);
      const optional = fkFields.every((name) => fieldsByName.get(name)?.type?.optional ?? false);
      const fk: ForeignKey = {
        columns: fkFields,
        references: { table: type.name, columns: references },
        defaultOnDelete: optional ? 'SetNull' : dialect === 'sqlserver' ? 'NoAction' : 'Restrict',
        loc: locOf(file, fieldSpan(field)),
        relationField: field.name,
        // Prisma Migrate creates no foreign key to a view: the relation exists in Prisma Client only.
        enforced: relationMode !== 'prisma' && !viewNames.has(type.name),
      };
      const onDelete = actionOf(attributeArg(relation, 'onDelete')?.value);
      if (onDelete) fk.onDelete = onDelete;
      const onUpdate = actionOf(attributeArg(relation, 'onUpdate')?.value);
      if (onUpdate) fk.onUpdate = onUpdate;
      const map = stringValue(attributeArg(relation, 'map')?.value);
      if (map) fk.name = map;
      table.foreignKeys.push(fk);
    }
    tables.push(table);
    tableMemo.set(block, { context, file: file.path, line: at.line, character: at.character, table });
  }

  const database: Database = {
    id: unit.id,
    language: 'prisma',
    dialect,
    relationMode,
    tables,
    enums,
    files: files.map((f) => f.path),
  };
  if (prismaMajor !== undefined) database.prismaMajor = prismaMajor;
  const prismaMinor = unit.hints?.prismaMinor;
  if (prismaMajor !== undefined && typeof prismaMinor === 'number') database.prismaMinor = prismaMinor;
  // prisma.config.ts's `migrations.path`; without it the migrations are the `migrations/` folder next to the schema.
  if (typeof unit.hints?.migrationsDir === 'string') database.migrationsDirs = [unit.hints.migrationsDir];
  if (providerProp && datasource) database.loc = locOf(datasource.file, providerProp);
  if (provider && dialectOf(provider) !== 'unknown') database.referentialActions = wasm.referentialActions(provider, relationMode, wasm.wasmMajorFor(prismaMajor));

  const suppressions: Suppression[] = [];
  for (const file of files) {
    for (const comment of file.ast.comments) {
      // Most comments are not directives: skip them before working out where they are.
      if (!comment.text.includes('schema-review-ignore')) continue;
      const s = parseIgnoreComment(comment.text, locOf(file, comment), comment.trailing);
      if (s) suppressions.push(s);
    }
  }
  return { files, database, suppressions };
}

/** The attribute as written, on one line (for fix titles that must say which index they mean). */
function writtenText(file: ParsedFile, a: Attribute): string {
  return file.text.slice(a.start, a.end).replace(/\s+/g, ' ');
}

/**
 * The fields a partial index's `where:` requires to be set, when that is all it requires: `{ userId: { not: null } }`
 * (objectNotNullFields), or `raw("\"userId\" IS NOT NULL")` or an AND of such tests, read by the SQL front-end's
 * `notNullColumnsOf` from the predicate parsed by the Postgres parser as `CREATE INDEX … WHERE <predicate>`, its names
 * the database's (`@map`) mapped back to fields. Undefined for any other predicate, for `raw` on SQL Server (its
 * `[brackets]` are not Postgres'), and while the Postgres parser is not loaded: the first such predicate starts
 * loading it (the front-end's `init` loads it first once discovery saw the preview feature).
 */
function notNullFieldsOf(expr: Expr | undefined, columns: readonly Column[], dialect: Dialect): string[] | undefined {
  if (expr?.kind === 'object') return objectNotNullFields(expr, columns);
  if (expr?.kind !== 'call' || expr.name !== 'raw') return undefined;
  const predicate = stringValue(expr.args.args[0]?.value);
  if (predicate === undefined || predicate.length > 20_000) return undefined;
  if (dialect !== 'postgresql' && dialect !== 'cockroachdb' && dialect !== 'sqlite') return undefined;
  if (!sqlParserReady()) {
    notePartialIndexes();
    return undefined;
  }
  try {
    const names = notNullColumnsOfPredicate('prisma-index-where.sql', predicate);
    if (!names) return undefined;
    const out: string[] = [];
    for (const name of names) {
      // Postgres folds unquoted names to lower case (the parser did), and compares quoted ones exactly; SQLite
      // compares names ignoring case.
      const column = columns.find((c) => (dialect === 'sqlite' ? (c.dbName ?? c.name).toLowerCase() === name.toLowerCase() : (c.dbName ?? c.name) === name));
      if (!column) return undefined;
      out.push(column.name);
    }
    return [...new Set(out)];
  } catch {
    // A parser failure on odd text: the predicate is not read.
    return undefined;
  }
}

/**
 * The object form, `where: { userId: { not: null } }`: its keys are fields, each entry one condition, all of them
 * required. The fields when every entry is `{ not: null }` (so that a lookup by those fields implies it); undefined
 * for any other condition (`deletedAt: null`, `kind: "a"`, `{ not: 3 }`), which rows a lookup by the key may miss.
 */
function objectNotNullFields(expr: Extract<Expr, { kind: 'object' }>, columns: readonly Column[]): string[] | undefined {
  if (!expr.closed || expr.entries.length === 0) return undefined;
  const out: string[] = [];
  for (const entry of expr.entries) {
    const condition = entry.value;
    if (entry.name === undefined || condition?.kind !== 'object' || condition.entries.length !== 1) return undefined;
    const [test] = condition.entries;
    if (test.name !== 'not' || test.value?.kind !== 'ident' || test.value.name !== 'null') return undefined;
    if (!columns.some((c) => c.name === entry.name)) return undefined;
    out.push(entry.name);
  }
  return [...new Set(out)];
}

let partialIndexesSeen = false;

/**
 * A schema of this process may write a partial index's predicate (`previewFeatures = ["partialIndexes"]` seen in
 * discovery, or a `where: raw(…)` read before the Postgres parser was loaded): the front-end's `init` then loads it.
 */
export function notePartialIndexes(): void {
  if (partialIndexesSeen) return;
  partialIndexesSeen = true;
  // Read on the next analysis (a review after an edit); a CLI run loads it first, through `init`.
  loadSqlParser().catch(() => undefined);
}

export function partialIndexesMayBeWritten(): boolean {
  return partialIndexesSeen;
}

/** Whether a parsed schema file's generator enables the `partialIndexes` preview feature. */
export function enablesPartialIndexes(ast: PrismaAst): boolean {
  for (const block of ast.blocks) {
    if (block.kind !== 'generator') continue;
    const features = settle(block).properties.find((p) => p.key === 'previewFeatures')?.value;
    if (features?.kind === 'array' && features.items.some((i) => i.kind === 'string' && i.value === 'partialIndexes')) return true;
  }
  return false;
}

/** `type: Gin` → `gin`; `BTree` (the default) and nothing → undefined. */
function methodOf(e: Expr | undefined): string | undefined {
  if (!e || e.kind !== 'ident') return undefined;
  const method = e.name.toLowerCase();
  return method === 'btree' ? undefined : method;
}

/** `sort:` / `length:` / `ops:` of one key column (`title(sort: Desc)`, or a field's own `@unique(length: 10)`). */
function columnOptionsOf(args: readonly { name?: string; value?: Expr }[]): IndexColumnOptions | undefined {
  const options: IndexColumnOptions = {};
  for (const arg of args) {
    const v = arg.value;
    if (!v) continue;
    if (arg.name === 'sort' && v.kind === 'ident' && v.name === 'Desc') options.desc = true;
    else if (arg.name === 'length' && v.kind === 'number') options.length = Number(v.value);
    else if (arg.name === 'ops') {
      // `raw("gin_trgm_ops")` is the operator class itself; `JsonbPathOps` is Prisma's name for one.
      const raw = v.kind === 'call' && v.name === 'raw' ? stringValue(v.args.args[0]?.value) : undefined;
      const ops = raw ?? (v.kind === 'ident' ? v.name : undefined);
      if (ops) options.ops = ops;
    }
  }
  return options.desc || options.length !== undefined || options.ops ? options : undefined;
}

/** Per column options of a `[a, b(sort: Desc)]` list; undefined when every column has the defaults. */
function keyOptions(expr: Expr | undefined): (IndexColumnOptions | undefined)[] | undefined {
  if (!expr) return undefined;
  const items = expr.kind === 'array' ? expr.items : [expr];
  const out: (IndexColumnOptions | undefined)[] = [];
  let any = false;
  for (const item of items) {
    if (item.kind !== 'ident' && item.kind !== 'call') continue; // as fieldRefs: only field names are columns
    const options = item.kind === 'call' ? columnOptionsOf(item.args.args) : undefined;
    if (options) any = true;
    out.push(options);
  }
  return any ? out : undefined;
}

/** A field-level `@id(...)` / `@unique(...)`: its sort and length, and its text. */
function fieldKeyFacts(file: ParsedFile, a: Attribute): Pick<Index, 'columnOptions' | 'written'> {
  const options = a.args ? columnOptionsOf(a.args.args) : undefined;
  return options ? { columnOptions: [options], written: writtenText(file, a) } : { written: writtenText(file, a) };
}

/**
 * The database name of a key or index: `map:`. On `@@index`, `name:` is its older spelling; on `@@id` and `@@unique`,
 * `name:` names the client's compound field (`where: { user_team: … }`), not anything in the database.
 */
function named(a: Attribute): { name?: string } {
  const legacy = a.block && a.name === 'index' ? stringValue(attributeArg(a, 'name')?.value) : undefined;
  const n = stringValue(attributeArg(a, 'map')?.value) ?? legacy;
  return n ? { name: n } : {};
}

function actionOf(e: Expr | undefined): ReferentialAction | undefined {
  if (!e || e.kind !== 'ident') return undefined;
  return ACTIONS.has(e.name as ReferentialAction) ? (e.name as ReferentialAction) : undefined;
}

function skipped(reader: SourceReader, path: string): boolean {
  try {
    return reader.skippedFiles?.().has(path) ?? false;
  } catch {
    return false;
  }
}

/** The texts of a unit's files; unreadable files become diagnostics (unless the reader reports them as skipped). */
function readTexts(unit: Unit, reader: SourceReader): { texts: [path: string, text: string][]; diagnostics: SourceDiagnostic[] } {
  const texts: [string, string][] = [];
  const diagnostics: SourceDiagnostic[] = [];
  for (const path of unit.files) {
    let text: string | undefined;
    try {
      text = reader.read(path);
    } catch {
      text = undefined;
    }
    if (text === undefined) {
      // The project's reader knows why (binary, too large) and the review reports it: no second warning here.
      if (skipped(reader, path)) continue;
      diagnostics.push({
        file: path,
        range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
        severity: 'warning',
        message: `Schema Review could not read this Prisma file (missing, unreadable, binary or too large); it was skipped.`,
        source: 'schema-review',
      });
      continue;
    }
    texts.push([path, text]);
  }
  return { texts, diagnostics };
}

/** Prisma's own validation answer (wasm `lint`) as diagnostics with exact ranges (the wasm's offsets are UTF-16). */
function lintDiagnostics(files: ParsedFile[], res: wasm.WasmResult<wasm.WasmLintDiagnostic[]>): SourceDiagnostic[] {
  if (!res.ok) {
    return [
      {
        file: files[0].path,
        range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
        severity: 'warning',
        message: `Prisma validation could not run: ${res.error}. Schema Review's own checks still ran.`,
        source: 'schema-review',
      },
    ];
  }
  const byPath = new Map(files.map((f) => [f.path, f]));
  const out: SourceDiagnostic[] = [];
  for (const d of res.value) {
    const file = byPath.get(d.file_name) ?? files[0];
    out.push({
      file: file.path,
      range: file.lines.range({ start: d.start, end: d.end }),
      severity: d.is_warning ? 'warning' : 'error',
      message: d.text,
      source: 'prisma',
    });
  }
  // In the order of the text (Prisma's own order can change when nothing but a comment did).
  return out.sort(compareLocs);
}

/**
 * Preview features a Prisma 6 minor made generally available, by that minor. The Prisma 6 wasm (the newest 6.x) calls
 * them deprecated, but a project pinned to an older minor still needs the flag (6.5 reads no schema folder without
 * `prismaSchemaFolder`): that warning would have the user break the project.
 */
const GA_IN_PRISMA_6: Readonly<Record<string, number>> = { tracing: 1, omitApi: 2, prismaSchemaFolder: 7, multiSchema: 13, driverAdapters: 16, queryCompiler: 16 };

/** Prisma's diagnostics without the "deprecated" warnings of preview features still in preview at the project's Prisma 6 minor. */
function withoutEarlyDeprecations(found: SourceDiagnostic[], files: readonly ParsedFile[], major: number | undefined, minor: unknown): SourceDiagnostic[] {
  if (major !== 6 || typeof minor !== 'number') return found;
  // The flags still needed, with where each generator's `previewFeatures` value is (Prisma reports on the whole array).
  const needed: { file: string; start: number; name: string }[] = [];
  for (const file of files) {
    for (const block of file.ast.blocks) {
      if (block.kind !== 'generator') continue;
      const value = settle(block).properties.find((p) => p.key === 'previewFeatures')?.value;
      if (value?.kind !== 'array') continue;
      for (const item of value.items) {
        const name = stringValue(item);
        const ga = name === undefined ? undefined : GA_IN_PRISMA_6[name];
        if (name !== undefined && ga !== undefined && minor < ga) needed.push({ file: file.path, start: value.start, name });
      }
    }
  }
  if (needed.length === 0) return found;
  const byPath = new Map(files.map((f) => [f.path, f]));
  return found.filter((d) => {
    if (d.source !== 'prisma' || d.severity !== 'warning' || !d.message.includes('is deprecated')) return true;
    const file = byPath.get(d.file);
    if (!file) return true;
    const at = file.lines.offset(d.range.start);
    return !needed.some((n) => n.file === d.file && n.start === at && d.message.startsWith(`Preview feature "${n.name}" is deprecated.`));
  });
}

/**
 * Units of unknown Prisma version (no package.json names it) whose datasource sets a connection URL: a schema of
 * Prisma 6 or earlier (Prisma 7 moved the URLs to prisma.config.ts and rejects them), validated with Prisma 6.
 */
const olderSchemaUnits = new Set<string>();

const URL_PROPERTIES = new Set(['url', 'directUrl', 'shadowDatabaseUrl']);

function setsConnectionUrl(files: readonly ParsedFile[]): boolean {
  return files.some((f) => f.ast.blocks.some((b) => b.kind === 'datasource' && b.properties.some((p) => URL_PROPERTIES.has(p.key))));
}

export function analyzeUnit(unit: Unit, reader: SourceReader, options: AnalyzeOptions): Analysis {
  const { texts, diagnostics } = readTexts(unit, reader);
  const validate = options.validation && texts.length > 0;
  const knownMajor = typeof unit.hints?.prismaMajor === 'number' ? unit.hints.prismaMajor : undefined;
  const major = wasm.wasmMajorFor(knownMajor ?? (olderSchemaUnits.has(unit.id) ? 6 : undefined));
  const key = lintKey(texts, major);
  const known = validate ? lintStillValid(key, texts) : undefined;
  // Off the thread, Prisma's validation starts first and runs while this thread parses and judges.
  const linted = validate && !known && options.lintAsync ? options.lintAsync(texts, major) : undefined;
  const files = texts.map(([path, text]) => parseFile(path, text));
  const { database, suppressions } = buildModel(unit, files, options);
  const analysis: Analysis = { databases: [database], codeFiles: [], diagnostics, suppressions };
  const judged = (res: wasm.WasmResult<wasm.WasmLintDiagnostic[]>) => {
    const found = lintDiagnostics(files, res);
    if (res.ok) rememberLint(key, texts, found);
    else lintMemo.delete(key);
    return found;
  };
  // The version unknown, Prisma 7 asked first, and the schema written for an older one: validate it with Prisma 6
  // (now and from now on), rather than reporting each connection URL as an error of the schema.
  const older = knownMajor === undefined && major === 7 && setsConnectionUrl(files);
  if (older) olderSchemaUnits.add(unit.id);
  else if (knownMajor === undefined && major === 6 && !setsConnectionUrl(files)) olderSchemaUnits.delete(unit.id);
  // Prisma's answer is remembered by texts alone; what the project's version keeps of it is chosen on each use.
  const kept = (found: SourceDiagnostic[]) => withoutEarlyDeprecations(found, files, knownMajor, unit.hints?.prismaMinor);
  if (older && validate) {
    // Once per unit: the lint of Prisma 7 already started is not waited for.
    const sixKey = lintKey(texts, 6);
    const found = lintStillValid(sixKey, texts) ?? lintDiagnostics(files, wasm.lint(texts, 6));
    rememberLint(sixKey, texts, found);
    diagnostics.push(...kept(found));
  } else if (known) {
    // Still what Prisma says, now of these texts.
    rememberLint(key, texts, known);
    diagnostics.push(...kept(known));
  } else if (linted) analysis.pending = linted.then((res) => kept(judged(res)));
  else if (validate) diagnostics.push(...kept(judged(wasm.lint(texts, major))));
  return analysis;
}
