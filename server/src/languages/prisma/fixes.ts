/**
 * Fix intents → minimal Prisma text edits that keep the user's formatting and comments.
 * Every writer locates its target again in the current text (the facts may be a few edits old) and
 * returns undefined when it cannot write a valid edit.
 */
import type { Database, ReferentialAction, Table } from '../../../../rules/model';
import type { FixIntent } from '../../../../rules/types';
import type { FileEdit, SourceReader, TextEdit } from '../types';
import { writeSchemaFix, type SchemaWriters } from '../writers';
import { prismaSqliteTooOld } from '../../../../rules/data-types/literals';
import { pascal, singular, words } from '../../../../rules/names';
import { parseFile } from './analyze';
import type { ParsedFile } from './analyze';
import { attributeArg, fieldRefs, settle } from './parser';
import type { Arg, Attribute, Block, Comment, Expr, Field, Span } from './parser';

interface Located {
  file: ParsedFile;
  block: Block;
}

function read(reader: SourceReader, path: string): ParsedFile | undefined {
  let text: string | undefined;
  try {
    text = reader.read(path);
  } catch {
    text = undefined;
  }
  return text === undefined ? undefined : parseFile(path, text);
}

/**
 * What the writers look up in a parsed file, built once per parsed text: a review writes thousands of
 * fixes into the same schema, so each lookup must be O(1), not a scan of every block or of the text.
 * Keyed by the ParsedFile (parseFile returns the same object while the text is unchanged), so it
 * lives exactly as long as the parse cache keeps that text.
 */
interface FileIndex {
  /** The first model or view of each name (what a scan in source order would find). */
  models: Map<string, Block>;
  /** Every block name (models, views, enums, types, datasources, generators). */
  names: Set<string>;
  /** The file's own line break. */
  eol: string;
  /**
   * Where the first block left unclosed starts (Infinity when every block is closed). Prisma reads what follows an
   * unclosed block as more lines of it, and where that block's members end is a guess: no fix edits from there on.
   */
  firstUnclosed: number;
  /**
   * What `modelIn` found for each model name asked about (null: the model is there, but no edit in it is safe): each
   * model is asked for by every fix in it, and by the fixes that point at it.
   */
  located: Map<string, Located | null>;
  /** Each block's comments on lines of their own (ownLineComments), for the blocks asked about. */
  blockComments: Map<Block, Comment[]>;
  /**
   * Whether the file's comments are in text order, their starts and their ends (as the parser lists them): then a
   * block's are a run of them found by a binary search. Worked out on the first question.
   */
  commentsInOrder?: boolean;
}

const indexes = new WeakMap<ParsedFile, FileIndex>();

function fileIndexOf(file: ParsedFile): FileIndex {
  let index = indexes.get(file);
  if (index) return index;
  const models = new Map<string, Block>();
  const names = new Set<string>();
  let firstUnclosed = Infinity;
  for (const b of file.ast.blocks) {
    names.add(b.name);
    if (!b.closed && b.start < firstUnclosed) firstUnclosed = b.start;
    if ((b.kind === 'model' || b.kind === 'view') && !models.has(b.name)) models.set(b.name, b);
  }
  index = { models, names, eol: file.text.includes('\r\n') ? '\r\n' : '\n', firstUnclosed, located: new Map(), blockComments: new Map() };
  indexes.set(file, index);
  return index;
}

/**
 * Are the block's members on lines of their own between its braces? Prisma skips a member written on the line of
 * `{`, and reads a block whose `}` follows a member on its line as no block at all (a comment there is fine).
 */
function bracesOnTheirOwnLines(file: ParsedFile, block: Block): boolean {
  // A block that moves with an edit above it keeps its lines: the answer holds as long as the block object lives.
  const known = braceLines.get(block);
  if (known !== undefined) return known;
  let ok = false;
  if (block.openBrace && block.closeBrace) {
    const { lines } = file;
    const open = lines.position(block.openBrace.start).line;
    const close = lines.position(block.closeBrace.start).line;
    // A member's line is after the `{` line when it starts at or after the start of the next line, and before the
    // `}` line when it ends before that line starts: the members' first start and last end are compared with those
    // two offsets (taken within the text, as `position` takes them), not each member's lines looked up.
    let first = Infinity;
    let last = -Infinity;
    for (const members of [block.fields, block.attributes, block.properties] as readonly Span[][]) {
      for (let i = 0; i < members.length; i++) {
        if (members[i].start < first) first = members[i].start;
        if (members[i].end > last) last = members[i].end;
      }
    }
    const length = file.text.length;
    ok =
      first === Infinity ||
      ((open + 1 < lines.lineCount && Math.max(0, Math.min(first, length)) >= lines.lineStart(open + 1)) &&
        Math.max(0, Math.min(last, length)) < lines.lineStart(close));
  }
  braceLines.set(block, ok);
  return ok;
}

const braceLines = new WeakMap<Block, boolean>();

/**
 * The model of that name in one file: undefined when the file has none, null when it has one no edit is safe in.
 * Worked out once per parsed text and name (see FileIndex).
 */
function modelIn(file: ParsedFile, name: string): Located | null | undefined {
  const index = fileIndexOf(file);
  let found = index.located.get(name);
  if (found !== undefined) return found;
  const block = index.models.get(name);
  if (!block) return undefined;
  // A model left unclosed, or after one (half-typed): Prisma does not see it as written, so no edit is safe.
  if (block.start >= index.firstUnclosed) found = null;
  else {
    // Writers read the spans inside the block: have them at their place after an incremental parse.
    const settled = settle(block);
    found = bracesOnTheirOwnLines(file, settled) ? { file, block: settled } : null;
  }
  index.located.set(name, found);
  return found;
}

function findModel(reader: SourceReader, paths: readonly string[], name: string): Located | undefined {
  for (const path of paths) {
    const file = read(reader, path);
    const found = file && modelIn(file, name);
    if (found !== undefined) return found ?? undefined;
  }
  return undefined;
}

/** Tables by name and by database name (the first table either names, as a scan in order would find). */
const tableNames = new WeakMap<Database, Map<string, Table>>();

function tableNamed(database: Database, name: string): Table | undefined {
  let byName = tableNames.get(database);
  if (!byName) {
    byName = new Map();
    for (const t of database.tables) {
      if (!byName.has(t.name)) byName.set(t.name, t);
      if (t.dbName !== undefined && !byName.has(t.dbName)) byName.set(t.dbName, t);
    }
    tableNames.set(database, byName);
  }
  return byName.get(name);
}

/** The table's model: looked for in the table's own file first, then in the unit's other files in their order. */
function locateTable(reader: SourceReader, database: Database, table: Table): Located | undefined {
  const own = table.loc.file;
  const file = read(reader, own);
  const found = file && modelIn(file, table.name);
  if (found !== undefined) return found ?? undefined;
  for (const path of database.files) {
    if (path === own) continue;
    const other = read(reader, path);
    const there = other && modelIn(other, table.name);
    if (there !== undefined) return there ?? undefined;
  }
  return undefined;
}

function edit(file: ParsedFile, s: Span, newText: string): TextEdit {
  return { range: rangeOf(file, s), newText };
}

/**
 * `file.lines.range(s)`. Most edits (an insertion, a value replaced) do not leave the line they start on: the end is
 * then worked out from the start's line, not searched for again.
 */
function rangeOf(file: ParsedFile, s: Span): TextEdit['range'] {
  const { lines } = file;
  const start = lines.position(s.start);
  // Offsets within the text, as `position` takes them.
  const length = file.text.length;
  const end = Math.max(0, Math.min(s.end, length));
  const lineStart = Math.max(0, Math.min(s.start, length)) - start.character;
  const sameLine = end >= lineStart && (start.line + 1 >= lines.lineCount || end < lines.lineStart(start.line + 1));
  return { start, end: sameLine ? { line: start.line, character: end - lineStart } : lines.position(s.end) };
}

/** The file's own line break, so inserted lines match (CRLF files stay CRLF). */
function eolOf(file: ParsedFile): string {
  return fileIndexOf(file).eol;
}

function insert(file: ParsedFile, offset: number, newText: string): TextEdit {
  return edit(file, { start: offset, end: offset }, newText);
}

/** The attribute span plus the whitespace before it (so removing it leaves no double space). */
function withLeadingSpace(text: string, s: Span): Span {
  let start = s.start;
  while (start > 0 && (text[start - 1] === ' ' || text[start - 1] === '\t')) start--;
  return { start, end: s.end };
}

/** The whole line(s) of a span including the line break, for deleting a member line. */
function wholeLines(file: ParsedFile, s: Span): Span {
  const first = file.lines.position(s.start).line;
  const last = file.lines.position(s.end).line;
  const start = file.lines.lineStart(first);
  const end = last + 1 < file.lines.lineCount ? file.lines.lineStart(last + 1) : file.text.length;
  return { start, end };
}

function indentOf(file: ParsedFile, block: Block): string {
  const member = firstMember(firstMember(undefined, block.fields), block.attributes);
  if (!member) return '  ';
  const lineStart = file.lines.lineStart(file.lines.position(member.start).line);
  const ws = file.text.slice(lineStart, member.start);
  return /^[ \t]*$/.test(ws) ? ws : '  ';
}

/** The member that starts first: `first`, or one of `members` that starts before it (the earliest of them listed). */
function firstMember<M extends Span>(first: Span | undefined, members: readonly M[]): M | Span | undefined {
  for (const m of members) if (!first || m.start < first.start) first = m;
  return first;
}

function fieldOf(block: Block, column: { name: string }): Field | undefined {
  return fieldNamed(block, column.name);
}

/** The block's first field of that name (asked by most fixes: an indexed loop, which makes no iterator results). */
function fieldNamed(block: Block, name: string): Field | undefined {
  const fields = block.fields;
  for (let i = 0; i < fields.length; i++) if (fields[i].name === name) return fields[i];
  return undefined;
}

function fieldNameFor(table: Table, column: string): string {
  for (const col of table.columns) if (col.name === column || col.dbName === column) return col.name;
  return column;
}

/** Where a new member line can go: the end of the last line of a member (after any trailing comment). */
function lastMemberLineEnd(block: Block, members: Array<{ lineSpan: Span }>): number | undefined {
  if (members.length === 0 || hasOpenArguments(block)) return undefined;
  let end = -Infinity;
  for (const m of members) if (m.lineSpan.end > end) end = m.lineSpan.end;
  // A one-line block (`model A { id Int @id }`) has no line to append after.
  if (block.closeBrace && block.closeBrace.start < end) return undefined;
  return end;
}

/**
 * An attribute of the block whose `(` is not closed yet (being typed): the parse runs its arguments on over the next
 * lines, so a line added there would land inside them.
 */
function hasOpenArguments(block: Block): boolean {
  // What is open stays so while the block object lives (an edit inside it makes a new block): asked once per block.
  let open = openArguments.get(block);
  if (open !== undefined) return open;
  open = block.attributes.some(argumentsOpen) || block.fields.some(fieldArgumentsOpen);
  openArguments.set(block, open);
  return open;
}

function argumentsOpen(a: Attribute): boolean {
  return a.args !== undefined && !a.args.closed;
}

function fieldArgumentsOpen(f: Field): boolean {
  return f.attributes.some(argumentsOpen) || (f.type?.args !== undefined && !f.type.args.closed);
}

const openArguments = new WeakMap<Block, boolean>();

function sameFile(edits: FileEdit[]): FileEdit[] {
  const byFile = new Map<string, TextEdit[]>();
  for (const e of edits) byFile.set(e.file, [...(byFile.get(e.file) ?? []), ...e.edits]);
  return [...byFile].map(([file, list]) => ({ file, edits: list }));
}

// ---------------------------------------------------------------------------------------------

function setOnDelete(intent: Extract<FixIntent, { kind: 'setOnDelete' }>, reader: SourceReader): FileEdit[] | undefined {
  const found = locateTable(reader, intent.database, intent.table);
  if (!found || !intent.foreignKey.relationField) return undefined;
  const field = fieldNamed(found.block, intent.foreignKey.relationField);
  const relation = field && attributeNamed(field.attributes, 'relation');
  if (!relation?.args || !relation.args.closed) return undefined;
  const { file } = found;
  const args = relation.args.args;
  const at = args.length ? args[args.length - 1].end : relation.args.start + 1;
  /** Replacements of written values (by span end), and arguments to append after the last one, in order. */
  const replaced: { span: Span; text: string }[] = [];
  const added: string[] = [];
  const set = (name: 'onDelete' | 'onUpdate', action: ReferentialAction) => {
    const existing = namedArg(args, name);
    if (existing?.value) replaced.push({ span: existing.value, text: action });
    else added.push(`${name}: ${action}`);
  };
  set('onDelete', intent.action);
  if (intent.onUpdate) set('onUpdate', intent.onUpdate);
  const tail = added.length ? `${args.length ? ', ' : ''}${added.join(', ')}` : '';
  // A value replaced at the very end of the arguments takes the appended ones along (one edit, not two at one point).
  const last = replaced.find((r) => r.span.end === at);
  if (last) last.text += tail;
  const edits = replaced.map((r) => edit(file, r.span, r.text));
  if (tail && !last) edits.push(insert(file, at, tail));
  return [{ file: file.path, edits }];
}

function addIndex(intent: Extract<FixIntent, { kind: 'addIndex' }>, reader: SourceReader): FileEdit[] | undefined {
  const found = locateTable(reader, intent.database, intent.table);
  if (!found || intent.columns.length === 0) return undefined;
  const { file, block } = found;
  // "Views cannot have indexes" (Prisma): index the tables the view reads instead.
  if (block.kind === 'view') return undefined;
  const columns = intent.columns.map((c) => fieldNameFor(intent.table, c));
  for (const c of columns) if (!fieldNamed(block, c)) return undefined;
  // An index on the same fields: a B-tree one already serves (nothing to add); one of another type (`type: Gin`,
  // `Brin`) or a partial one (`where:`, whose predicate the rule found the lookup does not imply) does not, but
  // without a `map:` it holds the default name (`Model_col_idx`) the new one would clash with.
  const written = columns.join(',');
  const same = block.attributes.filter((a) => a.name === 'index' && fieldRefs(attributeArg(a, 'fields', 0)?.value).join(',') === written);
  if (same.some((a) => isBtree(a) && !attributeArg(a, 'where'))) return undefined;
  // Or an index `map:`ped to that default name (a column renamed, its old index name kept), here or on another table.
  const taken = indexNamesOf(intent.database);
  const clash = same.some((a) => !attributeArg(a, 'map') && !attributeArg(a, 'name')) || taken.has(defaultIndexName(intent.table, intent.columns));
  const keys: string[] = [];
  for (const c of columns) {
    const key = indexKey(intent.database.dialect, fieldNamed(block, c)!);
    if (key === undefined) return undefined;
    keys.push(key);
  }
  const indent = indentOf(file, block);
  const map = clash ? `, map: ${JSON.stringify(freeName(btreeIndexName(intent.table, intent.columns), (n) => taken.has(n), []))}` : '';
  const text = `@@index([${keys.join(', ')}]${map})`;
  const eol = eolOf(file);
  // After the indexes and keys already written; with none, before @@map/@@schema/@@ignore (and the comments just
  // above them); with no block attribute at all, after the fields and the comments that end them.
  const keyAttrs = block.attributes.filter((a) => KEY_ATTRIBUTES.has(a.name));
  const afterKeys = lastMemberLineEnd(block, keyAttrs);
  if (afterKeys !== undefined) return [{ file: file.path, edits: [insert(file, afterKeys, `${eol}${indent}${text}`)] }];
  const before = block.attributes.length > 0 ? lineBeforeAttributes(file, block) : undefined;
  if (before !== undefined) return [{ file: file.path, edits: [insert(file, before, `${indent}${text}${eol}`)] }];
  const afterAttrs = lastMemberLineEnd(block, block.attributes);
  if (afterAttrs !== undefined) return [{ file: file.path, edits: [insert(file, afterAttrs, `${eol}${indent}${text}`)] }];
  const afterFields = lastMemberLineEnd(block, block.fields);
  if (afterFields === undefined) return undefined;
  return [{ file: file.path, edits: [insert(file, afterComments(file, block, afterFields), `${eol}${eol}${indent}${text}`)] }];
}

const KEY_ATTRIBUTES = new Set(['index', 'unique', 'id', 'fulltext']);

/**
 * Comments on lines of their own inside the block, in order. Asked for by every index added to the block: worked out
 * once per parsed text and block (see FileIndex), by a binary search in the file's comments, not a pass over them.
 */
function ownLineComments(file: ParsedFile, block: Block): Comment[] {
  const index = fileIndexOf(file);
  let own = index.blockComments.get(block);
  if (own) return own;
  const end = block.closeBrace?.start ?? block.end;
  const comments = file.ast.comments;
  index.commentsInOrder ??= inOrder(comments);
  if (index.commentsInOrder) {
    // The comments that start after the block's start are those from `lo` on; of them, those that end by `end` come first.
    let lo = 0;
    let hi = comments.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (comments[mid].start > block.start) hi = mid;
      else lo = mid + 1;
    }
    own = [];
    for (let i = lo; i < comments.length && comments[i].end <= end; i++) if (!comments[i].trailing) own.push(comments[i]);
  } else own = comments.filter((c) => !c.trailing && c.start > block.start && c.end <= end);
  index.blockComments.set(block, own);
  return own;
}

/** Whether the comments' starts and their ends both never decrease along the list. */
function inOrder(comments: readonly Comment[]): boolean {
  for (let i = 1; i < comments.length; i++) if (comments[i].start < comments[i - 1].start || comments[i].end < comments[i - 1].end) return false;
  return true;
}

/**
 * The start of the line of the block's first attribute, above the comment lines directly over it; undefined when
 * that attribute does not start its line.
 */
function lineBeforeAttributes(file: ParsedFile, block: Block): number | undefined {
  const first = firstMember(undefined, block.attributes)!;
  let line = file.lines.position(first.start).line;
  let start = file.lines.lineStart(line);
  if (file.text.slice(start, first.start).trim() !== '') return undefined;
  const commentLines = new Set(ownLineComments(file, block).map((c) => file.lines.position(c.start).line));
  while (line > 0 && commentLines.has(line - 1)) {
    line--;
    start = file.lines.lineStart(line);
  }
  return start;
}

/** The end of the last comment line that follows `offset` inside the block (the fields' closing remarks), or `offset`. */
function afterComments(file: ParsedFile, block: Block, offset: number): number {
  let end = offset;
  for (const c of ownLineComments(file, block)) if (c.start >= offset && c.end > end) end = c.end;
  return end;
}

/** MySQL types an index can hold only by a prefix: TEXT and BLOB of every size (Prisma's `Bytes` is LONGBLOB there). */
const MYSQL_PREFIX_ONLY = new Set(['Text', 'TinyText', 'MediumText', 'LongText', 'Blob', 'TinyBlob', 'MediumBlob', 'LongBlob']);
/** SQL Server types that cannot be index keys at all (with the `(Max)` sizes; Prisma's `Bytes` is VARBINARY(MAX)). */
const SQLSERVER_UNINDEXABLE = new Set(['Text', 'NText', 'Image', 'Xml']);

/**
 * A field as an index key: its name, `name(length: 191)` where MySQL indexes only a prefix of it (191 characters keep
 * a utf8mb4 key within InnoDB's smallest limit, 767 bytes; an equality lookup still uses it), or undefined where the
 * provider cannot index it (MySQL JSON, SQL Server (MAX)/Text/Xml): Prisma, or the database when Prisma does not
 * check, would refuse the index.
 */
function indexKey(dialect: Database['dialect'], field: Field): string | undefined {
  const native = field.attributes.find((a) => a.name.startsWith('db.'));
  const nativeName = native?.name.slice(3);
  const typeName = field.type?.name;
  if (dialect === 'mysql') {
    if (typeName === 'Json') return undefined;
    // InnoDB keys hold at most 3072 bytes: a VARCHAR over 768 utf8mb4 characters is indexed by a prefix too.
    const size = native?.args?.args[0]?.value;
    const long = (nativeName === 'VarChar' || nativeName === 'VarBinary') && size?.kind === 'number' && Number(size.value) > 768;
    const prefixOnly = long || (nativeName !== undefined ? MYSQL_PREFIX_ONLY.has(nativeName) : typeName === 'Bytes');
    return prefixOnly ? `${field.name}(length: 191)` : field.name;
  }
  if (dialect === 'sqlserver') {
    const max = native?.args?.args.some((a) => a.value?.kind === 'ident' && a.value.name.toLowerCase() === 'max') ?? false;
    if (max || (nativeName !== undefined && SQLSERVER_UNINDEXABLE.has(nativeName))) return undefined;
    if (typeName === 'Bytes' && nativeName === undefined) return undefined;
  }
  return field.name;
}

/** An `@@index` without `type:` (or `type: BTree`). */
function isBtree(a: Attribute): boolean {
  const type = attributeArg(a, 'type')?.value;
  return !type || (type.kind === 'ident' && type.name === 'BTree');
}

/** Prisma's name for an index written without `map:` (`votes_user_id_idx`: the database names of the table and columns). */
function defaultIndexName(table: Table, columns: readonly string[]): string {
  const col = (c: string) => table.columns.find((x) => x.name === c || x.dbName === c)?.dbName ?? c;
  return `${table.dbName ?? table.name}_${columns.map(col).join('_')}_idx`;
}

/** The names written for keys and indexes (`map:`) anywhere in the database: one namespace in a PostgreSQL schema. */
function indexNamesOf(database: Database): Set<string> {
  let names = indexNames.get(database);
  if (names) return names;
  names = new Set<string>();
  const tables = database.tables;
  for (let t = 0; t < tables.length; t++) {
    const { primaryKey, indexes } = tables[t];
    if (primaryKey?.name) names.add(primaryKey.name);
    for (let i = 0; i < indexes.length; i++) {
      const name = indexes[i].name;
      if (name) names.add(name);
    }
  }
  indexNames.set(database, names);
  return names;
}

const indexNames = new WeakMap<Database, Set<string>>();

/** A database name for a B-tree index next to another type's index that holds the default name. */
function btreeIndexName(table: Table, columns: readonly string[]): string {
  const col = (c: string) => table.columns.find((x) => x.name === c || x.dbName === c)?.dbName ?? c;
  return `${table.dbName ?? table.name}_${columns.map(col).join('_')}_btree_idx`;
}

function dropIndex(intent: Extract<FixIntent, { kind: 'dropIndex' }>, reader: SourceReader): FileEdit[] | undefined {
  const found = locateTable(reader, intent.database, intent.table);
  if (!found || intent.index.kind === 'primary') return undefined;
  const { file, block } = found;
  if (intent.index.unique && backsOneToOne(reader, intent.database, block, intent.index.columns)) return undefined;
  const offset = file.lines.offset(intent.index.loc.range.start);
  const blockAttr = block.attributes.find((a) => a.start === offset && (a.name === 'index' || a.name === 'unique'));
  if (blockAttr) {
    const lines = wholeLines(file, blockAttr.lineSpan);
    // A line holding only this attribute (and maybe a comment) goes; anything else on it stays.
    const restEnd = blockAttr.trailingComment ? blockAttr.trailingComment.start : blockAttr.lineSpan.end;
    if (file.text.slice(lines.start, blockAttr.start).trim() === '' && file.text.slice(blockAttr.end, restEnd).trim() === '') {
      return [{ file: file.path, edits: [edit(file, withBlankLineBefore(file, block, blockAttr, lines), '')] }];
    }
    return [{ file: file.path, edits: [edit(file, withLeadingSpace(file.text, blockAttr), '')] }];
  }
  for (const field of block.fields) {
    const unique = field.attributes.find((a) => a.start === offset && a.name === 'unique');
    if (unique) return [{ file: file.path, edits: [edit(file, withLeadingSpace(file.text, unique), '')] }];
  }
  return undefined;
}

/**
 * The lines of the block's only attribute, with the blank line that set it apart from the fields when the block's
 * closing brace follows: removing it leaves no empty line before `}`.
 */
function withBlankLineBefore(file: ParsedFile, block: Block, attr: Attribute, lines: Span): Span {
  if (block.attributes.length !== 1 || block.attributes[0] !== attr || !block.closeBrace) return lines;
  if (file.text.slice(lines.end, block.closeBrace.start).trim() !== '') return lines;
  const line = file.lines.position(lines.start).line;
  if (line === 0) return lines;
  const previous = file.lines.lineStart(line - 1);
  if (previous <= (block.openBrace?.end ?? block.start) || file.text.slice(previous, lines.start).trim() !== '') return lines;
  return { start: previous, end: lines.end };
}

/** A unique constraint on exactly a relation's fields is what makes that relation one-to-one: it must stay. */
function backsOneToOne(reader: SourceReader, database: Database, block: Block, columns: readonly string[]): boolean {
  const key = [...columns].sort().join(',');
  for (const f of block.fields) {
    const relation = f.attributes.find((a) => a.name === 'relation');
    const fields = relation ? fieldRefs(attributeArg(relation, 'fields')?.value) : [];
    if (!f.type || fields.length === 0 || [...fields].sort().join(',') !== key) continue;
    const target = findModel(reader, database.files, f.type.name);
    const manySide = target?.block.fields.some((g) => g.type?.name === block.name && g.type.list);
    if (!manySide) return true;
  }
  return false;
}

function changeColumnType(intent: Extract<FixIntent, { kind: 'changeColumnType' }>, reader: SourceReader): FileEdit[] | undefined {
  const { database } = intent;
  if (intent.to === 'json' && (database.dialect === 'sqlserver' || prismaSqliteTooOld(database) !== undefined)) {
    return undefined; // no Json type there
  }
  const found = locateTable(reader, database, intent.table);
  if (!found) return undefined;
  const { file, block } = found;
  const field = fieldOf(block, intent.column);
  if (!field?.type) return undefined;
  // Json cannot be a key or a relation scalar; a Decimal relation scalar would no longer match its target.
  if (intent.to === 'json' ? isKeyField(block, field) : isRelationScalar(block, field)) return undefined;
  const typeName = intent.to === 'json' ? 'Json' : 'Decimal';
  const drop = field.attributes.filter((a) => a.name.startsWith('db.'));
  const def = field.attributes.find((a) => a.name === 'default');
  const value = def && attributeArg(def, 'value', 0)?.value;
  if (def && value) {
    const keep =
      intent.to === 'json'
        ? value.kind === 'string' && isJson(value.value)
        : value.kind === 'number' || (value.kind === 'string' && /^-?\d+(\.\d+)?$/.test(value.value));
    if (!keep) drop.push(def);
  }
  return [{ file: file.path, edits: retype(file, field, typeName, drop) }];
}

/**
 * Edits that give a field the type `name` (its `?`/`[]` kept) and remove the attributes `drop`. In an aligned model
 * the next kept attribute (or trailing comment) stays in its column: the padding after the type absorbs the
 * difference in length, and at least one space remains.
 */
function retype(file: ParsedFile, field: Field, name: string, drop: readonly Attribute[]): TextEdit[] {
  const type = field.type!;
  const replaced = { start: type.nameSpan.start, end: type.args ? type.args.end : type.nameSpan.end };
  const suffix = file.text.slice(replaced.end, type.end);
  const dropped = new Set<Span>(drop);
  const after: Span[] = [...field.attributes.filter((a) => a.start >= type.end), ...(field.trailingComment ? [field.trailingComment] : [])];
  after.sort((a, b) => a.start - b.start);
  const kept = after.find((t) => !dropped.has(t));
  // Only blanks and dropped attributes between the type and the next kept token, on one line.
  let between = file.text.slice(type.end, kept?.start ?? type.end);
  for (const d of drop) if (kept && d.start < kept.start) between = between.replace(file.text.slice(d.start, d.end), '');
  if (kept && after.length > 0 && /^ *$/.test(between)) {
    const lineStart = file.lines.lineStart(file.lines.position(type.start).line);
    const column = after[0].start - lineStart;
    const typeEnd = replaced.start - lineStart + name.length + suffix.length;
    const edits = [edit(file, { start: replaced.start, end: kept.start }, name + suffix + ' '.repeat(Math.max(1, column - typeEnd)))];
    for (const d of drop) if (d.start > kept.start) edits.push(edit(file, withLeadingSpace(file.text, d), ''));
    return edits;
  }
  return [edit(file, replaced, name), ...drop.map((d) => edit(file, withLeadingSpace(file.text, d), ''))];
}

function isJson(s: string): boolean {
  try {
    JSON.parse(s);
    return true;
  } catch {
    return false;
  }
}

/** Used as a key: `@id`/`@unique` on the field, in any `@@id/@@unique/@@index`, or in a relation's `fields`. */
function isKeyField(block: Block, field: Field): boolean {
  for (const a of field.attributes) if (a.name === 'id' || a.name === 'unique') return true;
  for (const a of block.attributes) {
    if ((a.name === 'id' || a.name === 'unique' || a.name === 'index') && refsInclude(attributeArg(a, 'fields', 0)?.value, field.name)) return true;
  }
  return isRelationScalar(block, field);
}

function isRelationScalar(block: Block, field: Field): boolean {
  for (const f of block.fields) {
    for (const a of f.attributes) if (a.name === 'relation' && refsInclude(attributeArg(a, 'fields')?.value, field.name)) return true;
  }
  return false;
}

function isInCompositeId(block: Block, name: string): boolean {
  for (const a of block.attributes) if (a.name === 'id' && refsInclude(attributeArg(a, 'fields', 0)?.value, name)) return true;
  return false;
}

/** `fieldRefs(expr).includes(name)`, without making the list. */
function refsInclude(expr: Expr | undefined, name: string): boolean {
  if (!expr) return false;
  if (expr.kind === 'array') {
    for (const item of expr.items) if ((item.kind === 'ident' || item.kind === 'call') && item.name === name) return true;
    return false;
  }
  return (expr.kind === 'ident' || expr.kind === 'call') && expr.name === name;
}

/** The first argument of that name (`attributeArg` without a positional one, and without a closure). */
function namedArg(args: readonly Arg[], name: string): Arg | undefined {
  for (let i = 0; i < args.length; i++) if (args[i].name === name) return args[i];
  return undefined;
}

/** The first attribute of that name. */
function attributeNamed<A extends Attribute>(attributes: readonly A[], name: string): A | undefined {
  for (let i = 0; i < attributes.length; i++) if (attributes[i].name === name) return attributes[i];
  return undefined;
}

function makeNullable(intent: Extract<FixIntent, { kind: 'makeNullable' }>, reader: SourceReader): FileEdit[] | undefined {
  const found = locateTable(reader, intent.database, intent.table);
  if (!found) return undefined;
  const { file, block } = found;
  const field = fieldOf(block, intent.column);
  if (!field?.type || field.type.list) return undefined;
  if (field.type.optional) return [];
  if (field.attributes.some((a) => a.name === 'id') || isInCompositeId(block, field.name)) return undefined;
  const edits: TextEdit[] = [insert(file, field.type.end, '?')];
  // A relation whose scalar fields all become optional must itself be optional (Prisma validation).
  for (const rel of block.fields) {
    const relation = rel.attributes.find((a) => a.name === 'relation');
    const fields = relation ? fieldRefs(attributeArg(relation, 'fields')?.value) : [];
    if (!rel.type || rel.type.optional || rel.type.list || !fields.includes(field.name)) continue;
    const allOptional = fields.every((n) => n === field.name || block.fields.find((f) => f.name === n)?.type?.optional);
    if (allOptional) edits.push(insert(file, rel.type.end, '?'));
  }
  return [{ file: file.path, edits }];
}

function lowerFirst(s: string): string {
  return s.charAt(0).toLowerCase() + s.slice(1);
}
function upperFirst(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

function freeName(base: string, taken: (name: string) => boolean, suffixes: string[]): string {
  if (!taken(base)) return base;
  for (const s of suffixes) if (!taken(base + s)) return base + s;
  for (let i = 2; i < 1000; i++) if (!taken(`${base}${i}`)) return `${base}${i}`;
  return `${base}_${Date.now()}`;
}

function relationTargets(block: Block, other: string): Field[] {
  return block.fields.filter((f) => f.type?.name === other);
}

function addForeignKey(intent: Extract<FixIntent, { kind: 'addForeignKey' }>, reader: SourceReader): FileEdit[] | undefined {
  const { database, table } = intent;
  const found = locateTable(reader, database, table);
  const refTable = tableNamed(database, intent.references.table);
  if (!found || !refTable || intent.columns.length === 0) return undefined;
  const target = findModel(reader, [refTable.loc.file, ...database.files], refTable.name);
  if (!target) return undefined;
  const { file, block } = found;
  const columns = intent.columns.map((c) => fieldNameFor(table, c));
  const refColumns = intent.references.columns.map((c) => fieldNameFor(refTable, c));
  const colFields = columns.map((c) => block.fields.find((f) => f.name === c));
  if (colFields.some((f) => !f?.type)) return undefined;
  // Prisma refuses a relation between fields of different scalar types (`Int` → `BigInt`), and Postgres refuses a
  // foreign key from text to a `@db.Uuid` key: no relation then.
  const refFields = refColumns.map((c) => target.block.fields.find((f) => f.name === c));
  const uuid = (f: Field | undefined) => f?.attributes.some((a) => a.name === 'db.Uuid') ?? false;
  for (let i = 0; i < colFields.length; i++) {
    const from = colFields[i]!;
    const to = refFields[i];
    if (!to?.type || to.type.name !== from.type!.name || uuid(to) !== uuid(from)) return undefined;
  }
  const optional = colFields.every((f) => f?.type?.optional);
  const self = block === target.block || (file.path === target.file.path && block.name === target.block.name);

  // Relation field name: `authorId` → `author`; `createdBy` → `createdByUser` (`created_by` → `created_by_user`); else
  // the model name.
  const first = columns[0];
  const stem = columns.length === 1 && /(.+?)(_id|Id|ID)$/.exec(first)?.[1];
  const byWhom = columns.length === 1 && !stem && /(By|_by)$/.test(first) ? (first.includes('_') ? `${first}_${lowerFirst(refTable.name)}` : `${first}${upperFirst(refTable.name)}`) : undefined;
  const taken = (b: Block) => (n: string) => b.fields.some((f) => f.name === n);
  const lastOf = (name: string) => singular(words(name).at(-1) ?? name);
  // In the schema's case: `created_posts`, `teams_as_owner`, `event_record` where the column is snake_case.
  const snakeCase = first.includes('_');
  // A name already taken (often by the back-relation of another relation between the same models) gets the model's
  // name added (`owner` → `ownerUser`), unless it already ends with it: `event` for an Event then becomes
  // `eventRecord` (`event_record`), never `eventEvent`.
  const base = stem || byWhom || lowerFirst(refTable.name);
  const saysModel = lastOf(base) === lastOf(refTable.name) || lastOf(base) === lastOf(target.block.name);
  const modelSuffix = snakeCase ? `_${words(refTable.name).map((w) => w.toLowerCase()).join('_')}` : upperFirst(refTable.name);
  const recordSuffix = snakeCase ? '_record' : 'Record';
  const relName = freeName(base, taken(block), saysModel ? [recordSuffix, 'Rel'] : [modelSuffix, recordSuffix, 'Rel']);

  // One-to-one when the FK columns are exactly a unique constraint / the primary key of the table.
  const oneToOne = [table.primaryKey, ...table.indexes].some(
    (ix) => ix && ix.unique && ix.columns.length === columns.length && columns.every((c) => ix.columns.includes(c)),
  );
  const backBase = oneToOne ? lowerFirst(table.name) : pluralize(lowerFirst(table.name), table.name);
  // A relation named for a role or a deed (`assigneeId`, `createdBy` → User), not for the model it points at: one of
  // possibly several between the same two models, which fix-all writes independently of each other. Its back field
  // says the role (`tasksAsAssignee`, `createdTasks`) and the relation is named, so two such fixes applied together
  // neither define the same back field twice nor leave two unnamed relations between the same models.
  const byVerb = byWhom ? /^(.+?)(?:By|_by)$/.exec(first)?.[1] : undefined;
  const role = byVerb !== undefined || (stem !== false && stem !== undefined && lastOf(stem) !== lastOf(refTable.name) && lastOf(stem) !== lastOf(target.block.name));
  const roleBack =
    byVerb !== undefined
      ? snakeCase ? `${byVerb}_${backBase}` : `${lowerFirst(byVerb)}${upperFirst(backBase)}`
      : role ? (snakeCase ? `${backBase}_as_${relName}` : `${backBase}As${upperFirst(relName)}`) : backBase;
  const backTaken = (n: string) => taken(target.block)(n) || (self && n === relName);
  const backName = freeName(roleBack, backTaken, [upperFirst(relName), 'Rel']);

  // A second relation between the same two models (or a self relation, or a role's) needs a relation name.
  const needsName = self || role || relationTargets(block, target.block.name).length > 0 || relationTargets(target.block, block.name).length > 0;
  const label = `${upperFirst(block.name)}${pascal(relName)}`;
  const relationLabel = needsName ? `"${label}", ` : '';

  const afterColumns = Math.max(...colFields.map((f) => f!.lineSpan.end));
  if ((block.closeBrace && block.closeBrace.start < afterColumns) || hasOpenArguments(block)) return undefined;
  const indent = indentOf(file, block);
  const action = (intent.onDelete ? `, onDelete: ${intent.onDelete}` : '') + (intent.onUpdate ? `, onUpdate: ${intent.onUpdate}` : '');
  // Prisma wants a relation field that points at an `@@ignore` model to be `@ignore` itself (in a model that is
  // not ignored already: there it would say nothing).
  const ignoredModel = (b: Block) => b.attributes.some((a) => a.name === 'ignore');
  const forwardIgnored = ignoredModel(target.block) && !ignoredModel(block);
  const backIgnored = ignoredModel(block) && !ignoredModel(target.block);
  const forwardAttr =
    `@relation(${relationLabel}fields: [${columns.join(', ')}], references: [${refColumns.join(', ')}]${action})` +
    (forwardIgnored ? ' @ignore' : '');
  const forward = `${eolOf(file)}${alignedField(file, block, indent, relName, `${target.block.name}${optional ? '?' : ''}`, forwardAttr)}`;
  const backType = oneToOne ? `${block.name}?` : `${block.name}[]`;
  const backAttrs = [needsName ? `@relation("${label}")` : '', backIgnored ? '@ignore' : ''];
  const backAttr = backAttrs.filter((a) => a !== '').join(' ') || undefined;
  const edits: FileEdit[] = [{ file: file.path, edits: [insert(file, afterColumns, forward)] }];
  const targetEnd = lastMemberLineEnd(target.block, target.block.fields);
  if (targetEnd === undefined) return undefined;
  const targetIndent = indentOf(target.file, target.block);
  const back = `${eolOf(target.file)}${alignedField(target.file, target.block, targetIndent, backName, backType, backAttr)}`;
  if (self && targetEnd === afterColumns) {
    edits[0].edits[0] = insert(file, afterColumns, forward + back);
  } else {
    edits.push({ file: target.file.path, edits: [insert(target.file, targetEnd, back)] });
  }
  return sameFile(edits);
}

/**
 * The columns a model's fields line up on (as `prisma format` writes them): where most one-line fields start their
 * type, and where most of those with attributes start them; undefined where the fields do not agree.
 */
function fieldColumns(file: ParsedFile, block: Block): { type?: number; attributes?: number } {
  const typeColumns: number[] = [];
  const attributeColumns: number[] = [];
  for (const f of block.fields) {
    if (!f.type) continue;
    const lineStart = file.lines.lineStart(file.lines.position(f.start).line);
    if (f.type.end > f.lineSpan.end) continue;
    typeColumns.push(f.type.start - lineStart);
    const first = f.attributes[0];
    if (first && first.start < f.lineSpan.end) attributeColumns.push(first.start - lineStart);
  }
  return { type: agreed(typeColumns), attributes: agreed(attributeColumns) };
}

/** The value most entries share, when at least two and at least half of them do. */
function agreed(values: readonly number[]): number | undefined {
  const counts = new Map<number, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  let best: number | undefined;
  let bestCount = 0;
  for (const [v, n] of counts) if (n > bestCount) [best, bestCount] = [v, n];
  return bestCount >= 2 && bestCount * 2 >= values.length ? best : undefined;
}

/** A new field line (without its line break), padded to the model's columns where it fits in them. */
function alignedField(file: ParsedFile, block: Block, indent: string, name: string, type: string, attributes?: string): string {
  const columns = fieldColumns(file, block);
  const pad = (text: string, column: number | undefined) => (column !== undefined && text.length < column ? text.padEnd(column) : `${text} `);
  let line = pad(indent + name, columns.type) + type;
  if (attributes) line = pad(line, columns.attributes) + attributes;
  return line;
}

function pluralize(s: string, modelName: string = s): string {
  // A model named in the plural already, as introspected tables are (`teams`, `team_members`): `teams`, not
  // `teamses`. A PascalCase model is named in the singular (`Alias`, `Lens`, `Analysis`).
  const last = words(s).at(-1);
  const introspected = modelName.includes('_') || /^[a-z]/.test(modelName);
  if (introspected && last !== undefined && last.length > 3 && singular(last) !== last.toLowerCase()) return s;
  if (/(s|x|z|ch|sh)$/.test(s)) return s + 'es';
  if (/[^aeiou]y$/.test(s)) return s.slice(0, -1) + 'ies';
  return s + 's';
}

const IDENT = /^[A-Za-z][A-Za-z0-9_]*$/;

/** Enum value identifiers for documented values (`in-progress` → `IN_PROGRESS @map("in-progress")`). */
export function enumValues(values: readonly string[]): Array<{ ident: string; map?: string; original: string }> {
  const out: Array<{ ident: string; map?: string; original: string }> = [];
  const seen = new Set<string>();
  for (const original of values) {
    if (original.length === 0) continue;
    let ident = original;
    let map: string | undefined;
    if (!IDENT.test(original)) {
      ident = original
        .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
        .replace(/[^A-Za-z0-9]+/g, '_')
        .replace(/^_+|_+$/g, '')
        .toUpperCase();
      if (!/^[A-Za-z]/.test(ident)) ident = `V_${ident}`;
      map = original;
    }
    if (ident === '' || seen.has(ident)) continue;
    seen.add(ident);
    out.push({ ident, map, original });
  }
  return out;
}

function createEnum(intent: Extract<FixIntent, { kind: 'createEnum' }>, reader: SourceReader): FileEdit[] | undefined {
  const { database } = intent;
  if (database.dialect === 'sqlserver' || prismaSqliteTooOld(database) !== undefined) return undefined;
  const found = locateTable(reader, database, intent.table);
  if (!found) return undefined;
  const { file, block } = found;
  const field = fieldOf(block, intent.column);
  if (!field?.type || !block.closed || !block.closeBrace) return undefined;
  if (field.attributes.some((a) => a.name === 'id') || isRelationScalar(block, field)) return undefined;
  const values = enumValues(intent.values);
  if (values.length === 0) return undefined;
  const existing = new Set<string>();
  for (const path of new Set([file.path, ...database.files])) {
    const f = read(reader, path);
    if (f) for (const n of fileIndexOf(f).names) existing.add(n);
  }
  // The name the fix's title promises (`team_members.role` → `TeamMembersRole`).
  const name = freeName(pascal(block.name, field.name), (n) => existing.has(n), ['Kind', 'Type', 'Value']);
  const indent = indentOf(file, block);
  const drop = field.attributes.filter((a) => a.name.startsWith('db.'));
  const valueEdits: TextEdit[] = [];
  const def = field.attributes.find((a) => a.name === 'default');
  const value = def && attributeArg(def, 'value', 0)?.value;
  if (def && value) {
    const match = value.kind === 'string' ? values.find((v) => v.original === value.value || v.ident === value.value) : undefined;
    if (match) valueEdits.push(edit(file, value, match.ident));
    else drop.push(def);
  }
  const edits: TextEdit[] = [...retype(file, field, name, drop), ...valueEdits];
  // After the model, and after the enums that follow it (made by this fix before): the enums keep their order.
  let last: Block = block;
  const blocks = file.ast.blocks;
  for (let i = blocks.indexOf(block) + 1; i < blocks.length; i++) {
    const next = blocks[i];
    if (next.kind !== 'enum' || !next.closed || !next.closeBrace || file.text.slice(last.end, next.start).trim() !== '') break;
    last = next;
  }
  const closeLine = file.lines.position((last.closeBrace ?? block.closeBrace).end).line;
  const lineEnd = closeLine + 1 < file.lines.lineCount ? file.lines.lineStart(closeLine + 1) - 1 : file.text.length;
  const nl = eolOf(file);
  const members = values.map((v) => `${indent}${v.ident}${v.map !== undefined ? ` @map(${JSON.stringify(v.map)})` : ''}`);
  // multiSchema: every enum names its database schema too; the model's own is where its column's type must live.
  const schema = block.attributes.find((a) => a.name === 'schema');
  if (schema) members.push('', `${indent}${file.text.slice(schema.start, schema.end)}`);
  const body = members.join(nl);
  const at = file.text.charCodeAt(lineEnd - 1) === 13 ? lineEnd - 1 : lineEnd;
  edits.push(insert(file, at, `${nl}${nl}enum ${name} {${nl}${body}${nl}}`));
  return [{ file: file.path, edits }];
}

/** The intents this language writes. */
const WRITERS: SchemaWriters = { setOnDelete, addIndex, dropIndex, changeColumnType, makeNullable, addForeignKey, createEnum };

export function writePrismaFix(intent: FixIntent, reader: SourceReader): FileEdit[] | undefined {
  try {
    return writeSchemaFix('prisma', WRITERS, intent, reader);
  } catch {
    return undefined; // a writer that cannot place its edit offers no fix rather than a broken one
  }
}
