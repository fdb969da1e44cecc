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
import { LineIndex, parsePrisma, reparsePrisma, settle, stringValue, textChange } from './parser';
import type { Arg, Attribute, Block, Comment, Expr, Field, PrismaAst, Span, TextChange } from './parser';
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

const SCALAR_NAMES = Object.keys(SCALARS);

/**
 * SCALARS' own entry for a type name, found by comparing the name with those of its length (the same entries): a
 * type name is a new string cut from the text, and a lookup by it in a set or an object works out its hash first,
 * a call into the runtime for each field of a big schema. Undefined for any other name.
 */
function scalarOf(name: string): ColumnType | undefined {
  switch (name.length) {
    case 3:
      return name === 'Int' ? 'int' : undefined;
    case 4:
      return name === 'Json' ? 'json' : undefined;
    case 5:
      return name === 'Float' ? 'float' : name === 'Bytes' ? 'bytes' : undefined;
    case 6:
      return name === 'String' ? 'string' : name === 'BigInt' ? 'bigint' : undefined;
    case 7:
      return name === 'Decimal' ? 'decimal' : name === 'Boolean' ? 'boolean' : undefined;
    case 8:
      return name === 'DateTime' ? 'datetime' : undefined;
    case 11:
      return name === 'Unsupported' ? 'other' : undefined;
    default:
      return undefined;
  }
}

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

/** A line and UTF-16 character, as `LineIndex.position` gives them. */
type Position = Loc['range']['start'];

function locOf(file: ParsedFile, s: Span): Loc {
  return { file: file.path, range: file.lines.range(s) };
}

/**
 * Positions in one file, asked for mostly in text order (the blocks, and in each its members): each answer starts
 * from the line of the one before and steps over the line starts between (from the file's LineIndex), where
 * `LineIndex.position` would search all the lines. An offset before that line is searched for, and the walk goes on
 * from there. The answers are `position`'s.
 */
class LineWalker {
  private line = 0;
  /** Where `line` starts, and where the next line starts (Infinity after the last). */
  private start = 0;
  private next: number;

  constructor(private readonly file: ParsedFile) {
    this.next = file.lines.lineCount > 1 ? file.lines.lineStart(1) : Infinity;
  }

  position(offset: number): Position {
    // Within the text, as `position` takes an offset.
    const o = Math.max(0, Math.min(offset, this.file.text.length));
    if (o < this.start) {
      const found = this.file.lines.position(o);
      this.line = found.line;
      this.start = o - found.character;
      this.next = this.lineStartAfter(found.line);
      return found;
    }
    while (o >= this.next) {
      this.line++;
      this.start = this.next;
      this.next = this.lineStartAfter(this.line);
    }
    return { line: this.line, character: o - this.start };
  }

  loc(s: Span): Loc {
    return { file: this.file.path, range: { start: this.position(s.start), end: this.position(s.end) } };
  }

  private lineStartAfter(line: number): number {
    const lines = this.file.lines;
    return line + 1 < lines.lineCount ? lines.lineStart(line + 1) : Infinity;
  }
}

/** `base`: the type name's SCALARS entry, or `other`. */
function columnTypeOf(base: ColumnType, dbAttr: string | undefined, isEnum: boolean, list: boolean): ColumnType {
  if (list) return 'array';
  if (isEnum) return 'enum';
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
  for (const file of files) {
    const fileBlocks = file.ast.blocks;
    for (let b = 0; b < fileBlocks.length; b++) {
      const block = fileBlocks[b];
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
  const scalarNamesTaken = SCALAR_NAMES.some((n) => enumNames.has(n) || typeNames.has(n));
  const inheritedNamesTaken = Object.getOwnPropertyNames(Object.getPrototypeOf(SCALARS)).some((n) => modelNames.has(n));
  const names: ModelNames = {
    models: modelNames,
    enums: enumNames,
    types: typeNames,
    views: viewNames,
    scalarNamesTaken,
    inheritedNamesTaken,
    dialect,
    relationMode,
  };
  const tables: Table[] = [];
  const enums: EnumType[] = [];
  for (const file of files) {
    const walker = new LineWalker(file);
    const fileBlocks = file.ast.blocks;
    for (let b = 0; b < fileBlocks.length; b++) {
      const block = fileBlocks[b];
      if (block.kind === 'enum') {
        enums.push({ name: block.name, values: block.fields.map((f) => f.name), loc: walker.loc(block) });
        continue;
      }
      if (block.kind !== 'model' && block.kind !== 'view') continue;
      // The same block (unchanged text, kept by the incremental parse) at the same place, in the same context,
      // makes the same table: keep the object, so rules can reuse what they found in it.
      const at = walker.position(block.start);
      const kept = tableMemo.get(block);
      if (kept && kept.context === context && kept.file === file.path && kept.line === at.line && kept.character === at.character) {
        tables.push(kept.table);
        continue;
      }
      const table = buildTable(file, walker, settle(block), at, names);
      tables.push(table);
      tableMemo.set(block, { context, file: file.path, line: at.line, character: at.character, table });
    }
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
    const comments = file.ast.comments;
    for (let c = 0; c < comments.length; c++) {
      const comment = comments[c];
      // Most comments are not directives: skip them before working out where they are.
      if (!comment.text.includes('schema-review-ignore')) continue;
      const s = parseIgnoreComment(comment.text, locOf(file, comment), comment.trailing);
      if (s) suppressions.push(s);
    }
  }
  return { files, database, suppressions };
}

/** What a table's meaning depends on beyond its own block (the names in `contextToken`'s key). */
interface ModelNames {
  models: ReadonlySet<string>;
  enums: ReadonlySet<string>;
  types: ReadonlySet<string>;
  views: ReadonlySet<string>;
  /** Whether an enum or a type is named like a Prisma scalar (`enum Json {…}`): then every field's type is looked up. */
  scalarNamesTaken: boolean;
  /**
   * Whether a model is named like a property every object inherits (`model constructor {…}`), which SCALARS[name]
   * finds too: then a model's name is looked up in SCALARS before its fields are taken for relations.
   */
  inheritedNamesTaken: boolean;
  dialect: Dialect;
  relationMode: 'foreignKeys' | 'prisma';
}

/**
 * The table of a (settled) model or view block, `at` the position of its start. A big schema makes thousands of
 * columns here on its first review, in a process that has run little yet: each field's attributes are read in one
 * pass, without a closure or an array per lookup.
 */
function buildTable(file: ParsedFile, walker: LineWalker, block: Block, at: Position, names: ModelNames): Table {
  const text = file.text;
  const table: Table = {
    name: block.name,
    columns: [],
    indexes: [],
    foreignKeys: [],
    // The block's end is searched for: the walk goes on from its start, over its members.
    loc: { file: file.path, range: { start: at, end: file.lines.position(block.end) } },
    nameLoc: walker.loc(block.nameSpan),
  };
  if (block.kind === 'view') table.isView = true;
  if (block.doc) table.comment = block.doc;
  const mapAttr = firstNamed(block.attributes, 'map');
  const dbName = stringValue(mapAttr && argOf(mapAttr, 'name', 0)?.value);
  if (dbName) table.dbName = dbName;

  /** The relation fields (of a model's type), read after the keys. */
  let relations: Field[] | undefined;
  // Indexed loops: a `for…of` not yet optimized makes an iterator result per element.
  const fields = block.fields;
  for (let f = 0; f < fields.length; f++) {
    const field = fields[f];
    const type = field.type;
    if (!type) continue;
    const typeName = type.name;
    // A Prisma scalar is no relation; when no enum or type takes its name either, its column type needs no lookup
    // by name. Any other model's name makes a relation field (SCALARS has nothing more to say of it unless a model
    // is named like an inherited property).
    const scalar = scalarOf(typeName);
    if (scalar === undefined && names.models.has(typeName) && (!names.inheritedNamesTaken || !SCALARS[typeName])) {
      (relations ??= []).push(field); // relation field, handled below
      continue;
    }
    // The first attribute of each name read here (the first `@db.…` one for the native type).
    let dbAttr: Attribute | undefined;
    let map: Attribute | undefined;
    let def: Attribute | undefined;
    let id: Attribute | undefined;
    let unique: Attribute | undefined;
    const attributes = field.attributes;
    for (let i = 0; i < attributes.length; i++) {
      const a = attributes[i];
      const name = a.name;
      if (name === 'map') map ??= a;
      else if (name === 'default') def ??= a;
      else if (name === 'id') id ??= a;
      else if (name === 'unique') unique ??= a;
      else if (!dbAttr && name.startsWith('db.')) dbAttr = a;
    }
    let rawType = text.slice(type.nameSpan.start, type.args ? type.args.end : type.nameSpan.end);
    if (type.list) rawType += '[]';
    if (dbAttr) rawType += ' ' + text.slice(dbAttr.start, dbAttr.end);
    const column: Column = {
      name: field.name,
      type:
        scalar !== undefined && !names.scalarNamesTaken
          ? columnTypeOf(scalar, dbAttr?.name, false, type.list)
          : namedColumnType(typeName, dbAttr?.name, type.list, names),
      rawType,
      nullable: type.optional,
      // The field's tokens, without the trailing comment.
      loc: walker.loc(field),
      typeLoc: walker.loc(type.nameSpan),
    };
    const colDbName = stringValue(map && argOf(map, 'name', 0)?.value);
    if (colDbName) column.dbName = colDbName;
    const defValue = def && argOf(def, 'value', 0)?.value;
    if (defValue) column.default = text.slice(defValue.start, defValue.end);
    const comment = field.doc ?? (field.trailingComment && commentBody(field.trailingComment.text));
    if (comment) column.comment = comment;
    table.columns.push(column);

    if (id) table.primaryKey = fieldKey(file, walker, field.name, 'primary', id);
    if (unique) table.indexes.push(fieldKey(file, walker, field.name, 'unique', unique));
  }

  const blockAttributes = block.attributes;
  for (let i = 0; i < blockAttributes.length; i++) {
    const a = blockAttributes[i];
    if (a.name !== 'id' && a.name !== 'unique' && a.name !== 'index') continue;
    const fieldsArg = argOf(a, 'fields', 0);
    const index: Index = {
      columns: refsOf(fieldsArg?.value),
      unique: a.name !== 'index',
      kind: a.name === 'id' ? 'primary' : a.name === 'unique' ? 'unique' : 'index',
      loc: walker.loc(a),
    };
    const name = keyName(a);
    if (name) index.name = name;
    index.written = writtenText(file, a);
    const method = methodOf(argOf(a, 'type')?.value);
    if (method) index.method = method;
    const options = keyOptions(fieldsArg?.value);
    if (options) index.columnOptions = options;
    const where = argOf(a, 'where');
    if (where) {
      index.partial = true;
      // `where: raw("\"userId\" IS NOT NULL")` (preview feature partialIndexes, Prisma 7): a lookup by the key implies
      // the predicate, so the index covers it (coversLeading).
      const required = notNullFieldsOf(where.value, table.columns, names.dialect);
      if (required) index.whereNotNull = required;
    }
    if (a.name === 'id') table.primaryKey = index;
    else table.indexes.push(index);
  }

  if (relations) {
    for (const field of relations) {
      const type = field.type!;
      const relation = firstNamed(field.attributes, 'relation');
      if (!relation) continue;
      const fkFields = refsOf(argOf(relation, 'fields')?.value);
      if (fkFields.length === 0) continue; // the back-relation side
      // MongoDB's many-to-many keeps a list of ids on each side (`tags Tag[] @relation(fields: [tagIds], …)`): no
      // foreign key, and Prisma refuses referential actions on it.
      if (type.list) continue;
      const references = refsOf(argOf(relation, 'references')?.value);
      let optional = true;
      for (const name of fkFields) {
        if (!(lastFieldNamed(block.fields, name)?.type?.optional ?? false)) {
          optional = false;
          break;
        }
      }
      const fk: ForeignKey = {
        columns: fkFields,
        references: { table: type.name, columns: references },
        defaultOnDelete: optional ? 'SetNull' : names.dialect === 'sqlserver' ? 'NoAction' : 'Restrict',
        loc: walker.loc(field),
        relationField: field.name,
        // Prisma Migrate creates no foreign key to a view: the relation exists in Prisma Client only.
        enforced: names.relationMode !== 'prisma' && !names.views.has(type.name),
      };
      const onDelete = actionOf(argOf(relation, 'onDelete')?.value);
      if (onDelete) fk.onDelete = onDelete;
      const onUpdate = actionOf(argOf(relation, 'onUpdate')?.value);
      if (onUpdate) fk.onUpdate = onUpdate;
      const map = stringValue(argOf(relation, 'map')?.value);
      if (map) fk.name = map;
      table.foreignKeys.push(fk);
    }
  }
  return table;
}

/** The column type of a field whose type is looked up by name: a composite type's, a list, an enum's, or SCALARS'. */
function namedColumnType(typeName: string, dbAttr: string | undefined, list: boolean, names: ModelNames): ColumnType {
  if (names.types.has(typeName)) return 'other';
  if (list) return 'array';
  if (names.enums.has(typeName)) return 'enum';
  return columnTypeOf(SCALARS[typeName] ?? 'other', dbAttr, false, false);
}

/** A field's own `@id` / `@unique` as a key of that one column. */
function fieldKey(file: ParsedFile, walker: LineWalker, column: string, kind: 'primary' | 'unique', a: Attribute): Index {
  const key: Index = { columns: [column], unique: true, kind, loc: walker.loc(a) };
  const name = keyName(a);
  if (name) key.name = name;
  // Its sort and length, and its text.
  const options = a.args ? columnOptionsOf(a.args.args) : undefined;
  if (options) key.columnOptions = [options];
  key.written = writtenText(file, a);
  return key;
}

/** The first attribute of that name (as `find` would). */
function firstNamed<A extends Attribute>(attributes: readonly A[], name: string): A | undefined {
  for (let i = 0; i < attributes.length; i++) if (attributes[i].name === name) return attributes[i];
  return undefined;
}

/** The last field of that name (a later duplicate wins, as in a map by name). */
function lastFieldNamed(fields: readonly Field[], name: string): Field | undefined {
  for (let i = fields.length - 1; i >= 0; i--) if (fields[i].name === name) return fields[i];
  return undefined;
}

/**
 * The parser's `attributeArg`, without its closure and array: the named argument, else the `positional`-th unnamed
 * one (when asked for).
 */
function argOf(a: Attribute, name: string, positional = -1): Arg | undefined {
  const args = a.args?.args;
  if (!args) return undefined;
  let unnamed: Arg | undefined;
  let k = 0;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg.name === name) return arg;
    if (arg.name === undefined && k++ === positional) unnamed = arg;
  }
  return unnamed;
}

/** The parser's `fieldRefs` (field names of a `[a, b(sort: Desc)]` list, or of one bare name), without a `flatMap`. */
function refsOf(expr: Expr | undefined): string[] {
  if (!expr) return [];
  if (expr.kind === 'array') {
    const out: string[] = [];
    const items = expr.items;
    for (let i = 0; i < items.length; i++) {
      const item = items[i];
      if (item.kind === 'ident' || item.kind === 'call') out.push(item.name);
    }
    return out;
  }
  if (expr.kind === 'ident' || expr.kind === 'call') return [expr.name];
  return [];
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

/**
 * The database name of a key or index: `map:`. On `@@index`, `name:` is its older spelling; on `@@id` and `@@unique`,
 * `name:` names the client's compound field (`where: { user_team: … }`), not anything in the database.
 */
function keyName(a: Attribute): string | undefined {
  const legacy = a.block && a.name === 'index' ? stringValue(argOf(a, 'name')?.value) : undefined;
  return stringValue(argOf(a, 'map')?.value) ?? legacy;
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
