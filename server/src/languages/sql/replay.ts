/**
 * Model building: replays parsed migrations, in order, into one Database. Postgres statements
 * come from libpg-query's AST, MySQL/SQLite ones from node-sql-parser's. Every fact's loc is
 * where the user acts (the statement, the REFERENCES clause, the constraint).
 */
import type {
  Column,
  ColumnType,
  Database,
  Dialect,
  EnumType,
  ForeignKey,
  Index,
  Loc,
  MigrationRef,
  MigrationStatement,
  ReferentialAction,
  Table,
} from '../../../../rules/model';
import { clauseEnd, skipTrivia, tokenize, trimBack, writtenActionsIn, type SqlFlavor, type Token } from './lexer';
import { nameEnd, parseEmbedded, type AstNode, type ParsedFile, type ParsedStatement } from './parse';
import type { SourceText } from './text';

export interface ReplayFile {
  parsed: ParsedFile;
  ref: MigrationRef;
  /** Drop each statement's AST once replayed (saves GC work on large dumps). */
  releaseAst?: boolean;
}

interface Ctx {
  src: SourceText;
  stmt: ParsedStatement;
  ref: MigrationRef;
  inTx: boolean;
  createdHere: Set<string>;
  stmtLoc: Loc;
}

export function replay(id: string, dialect: Dialect, files: readonly ReplayFile[]): Database {
  const r = createReplayer(id, dialect);
  for (const f of files) r.file(f);
  return r.database();
}

/**
 * Incremental replay: feed files in order, then take the database. analyze() replays each file
 * right after parsing it so the file's AST can be collected before the next file is parsed.
 */
export function createReplayer(id: string, dialect: Dialect): { file(f: ReplayFile): void; database(): Database } {
  const b = new Builder(dialect === 'mysql' || dialect === 'sqlite' ? dialect : 'postgresql');
  const files: string[] = [];
  return {
    file(f) {
      files.push(f.parsed.source.file);
      b.file(f);
    },
    database() {
      return {
        id,
        language: 'sql',
        dialect,
        relationMode: 'foreignKeys',
        tables: [...b.tables.values()],
        enums: [...b.enums.values()],
        files,
        statements: b.statements,
      };
    },
  };
}

/** The Postgres statement types pgStatement reads (every other type is an `other` statement). */
const PG_MODELLED = new Set(['TransactionStmt', 'CreateStmt', 'AlterTableStmt', 'IndexStmt', 'DropStmt', 'RenameStmt', 'CommentStmt', 'DoStmt', 'CreateEnumStmt', 'AlterEnumStmt']);

const PG_ACTIONS: Record<string, ReferentialAction> = { a: 'NoAction', r: 'Restrict', c: 'Cascade', n: 'SetNull', d: 'SetDefault' };

function normAction(text: string | undefined): ReferentialAction | undefined {
  switch ((text ?? '').toLowerCase().replace(/[\s_]+/g, ' ').trim()) {
    case 'cascade':
      return 'Cascade';
    case 'restrict':
      return 'Restrict';
    case 'no action':
      return 'NoAction';
    case 'set null':
      return 'SetNull';
    case 'set default':
      return 'SetDefault';
    default:
      return undefined;
  }
}

/** Coarse types by lower-case type name (`int4`, `varchar`, `timestamptz`, `jsonb`, …). */
const COLUMN_TYPES = new Map<string, ColumnType>();
for (const [type, names] of [
  ['string', ['text', 'varchar', 'bpchar', 'char', 'character', 'citext', 'name', 'character varying', 'nvarchar', 'nchar', 'tinytext', 'mediumtext', 'longtext', 'clob', 'string', 'set']],
  ['int', ['int2', 'int4', 'int', 'integer', 'smallint', 'serial', 'serial4', 'smallserial', 'serial2', 'tinyint', 'mediumint']],
  ['bigint', ['int8', 'bigint', 'bigserial', 'serial8']],
  ['float', ['float4', 'float8', 'real', 'double', 'double precision', 'float']],
  ['decimal', ['numeric', 'decimal', 'money', 'dec']],
  ['boolean', ['bool', 'boolean']],
  ['datetime', ['timestamp', 'timestamptz', 'datetime']],
  ['date', ['date']],
  ['time', ['time', 'timetz']],
  ['json', ['json', 'jsonb']],
  ['uuid', ['uuid']],
  ['bytes', ['bytea', 'blob', 'binary', 'varbinary', 'longblob', 'mediumblob', 'tinyblob']],
  ['enum', ['enum']],
] as [ColumnType, string[]][]) {
  for (const n of names) COLUMN_TYPES.set(n, type);
}

/** A coarse type from the type's last name (`int4`, `varchar`, `timestamptz`, `jsonb`, …): one map lookup per column. */
export function columnTypeOf(name: string, isArray: boolean, enums: ReadonlyMap<string, EnumType>): ColumnType {
  if (isArray) return 'array';
  const n = name.toLowerCase();
  const known = COLUMN_TYPES.get(n);
  if (known !== undefined) return known;
  return enums.has(n) || enums.has(name) ? 'enum' : 'other';
}

/** Postgres's default constraint/index names (ChooseConstraintName, without the 63-byte cut). */
export function defaultName(table: string, columns: readonly string[], suffix: 'pkey' | 'key' | 'fkey' | 'idx'): string {
  const bare = table.includes('.') ? table.slice(table.lastIndexOf('.') + 1) : table;
  return suffix === 'pkey' ? `${bare}_pkey` : `${bare}_${columns.join('_')}_${suffix}`;
}

class Builder {
  readonly tables = new Map<string, Table>();
  readonly enums = new Map<string, EnumType>();
  readonly statements: MigrationStatement[] = [];
  /** Index/constraint name → table, checked on use (drops and renames leave stale entries). */
  private readonly indexOwner = new Map<string, Table>();
  /** The last statement's tokens (statementTokens). */
  private tokensFor: { stmt: ParsedStatement; toks: Token[] } | undefined;

  constructor(private readonly flavor: SqlFlavor) {}

  file(f: ReplayFile): void {
    const src = f.parsed.source;
    const createdHere = new Set<string>();
    let inTx = false;
    const pgFlavor = this.flavor === 'postgresql';
    for (const stmt of f.parsed.statements) {
      // A Postgres statement of a type the model does not read is only recorded: its tree is never built.
      if (pgFlavor && stmt.kind !== undefined && !PG_MODELLED.has(stmt.kind)) {
        this.other({ src, stmt, ref: f.ref, inTx, createdHere, stmtLoc: src.loc(stmt.start, stmt.end) });
        if (f.releaseAst) stmt.ast = undefined;
        continue;
      }
      if (!stmt.ast) continue;
      const ctx: Ctx = { src, stmt, ref: f.ref, inTx, createdHere, stmtLoc: src.loc(stmt.start, stmt.end) };
      try {
        if (this.flavor === 'postgresql') inTx = this.pgStatement(ctx, stmt.ast);
        else inTx = this.otherStatement(ctx, stmt.ast);
      } catch {
        // A shape we did not expect in one statement must not lose the rest of the history.
        this.other(ctx);
      }
      // Let the garbage collector take the statement's AST now (analyze does not keep it).
      if (f.releaseAst) stmt.ast = undefined;
    }
  }

  // ------------------------------------------------------------------------------------------
  // Shared helpers
  // ------------------------------------------------------------------------------------------

  private other(ctx: Ctx, kind: MigrationStatement['kind'] = 'other', extra?: Partial<MigrationStatement>): void {
    const st: MigrationStatement = extra ? Object.assign({ kind, loc: ctx.stmtLoc, migration: ctx.ref }, extra) : { kind, loc: ctx.stmtLoc, migration: ctx.ref };
    if (ctx.inTx) st.inExplicitTransaction = true;
    this.statements.push(st);
  }

  private newTable(name: string, ctx: Ctx, nameStart: number): Table {
    const text = ctx.src.text;
    const nEnd = nameEnd(text, nameStart, this.flavor);
    const table: Table = {
      name,
      columns: [],
      indexes: [],
      foreignKeys: [],
      loc: ctx.stmtLoc,
      nameLoc: ctx.src.loc(nameStart, nEnd > nameStart ? nEnd : ctx.stmt.end),
      migration: ctx.ref,
    };
    this.tables.set(name, table);
    ctx.createdHere.add(name);
    return table;
  }

  private addIndex(table: Table, index: Index): void {
    if (index.kind === 'primary') table.primaryKey = index;
    else table.indexes.push(index);
    if (index.name) this.indexOwner.set(index.name, table);
  }

  private dropColumn(table: Table, column: string): void {
    table.columns = table.columns.filter((c) => c.name !== column);
    table.indexes = table.indexes.filter((i) => !i.columns.includes(column));
    if (table.primaryKey?.columns.includes(column)) table.primaryKey = undefined;
    table.foreignKeys = table.foreignKeys.filter((f) => !f.columns.includes(column));
    for (const t of this.tables.values()) {
      t.foreignKeys = t.foreignKeys.filter((f) => !(f.references.table === table.name && f.references.columns.includes(column)));
    }
  }

  private dropTable(name: string): void {
    if (!this.tables.delete(name)) return;
    for (const t of this.tables.values()) t.foreignKeys = t.foreignKeys.filter((f) => f.references.table !== name);
  }

  private renameTable(from: string, to: string): void {
    const t = this.tables.get(from);
    if (!t) return;
    this.tables.delete(from);
    t.name = to;
    this.tables.set(to, t);
    for (const other of this.tables.values()) for (const f of other.foreignKeys) if (f.references.table === from) f.references.table = to;
  }

  private renameColumn(table: Table, from: string, to: string): void {
    const col = table.columns.find((c) => c.name === from);
    if (col) col.name = to;
    const swap = (cols: string[]): string[] => cols.map((c) => (c === from ? to : c));
    for (const i of table.indexes) i.columns = swap(i.columns);
    if (table.primaryKey) table.primaryKey.columns = swap(table.primaryKey.columns);
    for (const f of table.foreignKeys) f.columns = swap(f.columns);
    for (const t of this.tables.values()) for (const f of t.foreignKeys) if (f.references.table === table.name) f.references.columns = swap(f.references.columns);
  }

  private dropConstraint(table: Table, name: string): void {
    table.foreignKeys = table.foreignKeys.filter((f) => f.name !== name);
    table.indexes = table.indexes.filter((i) => i.name !== name);
    if (table.primaryKey?.name === name) table.primaryKey = undefined;
  }

  private dropIndexNamed(name: string): void {
    const bare = name.startsWith('public.') ? name.slice(7) : name;
    const found = this.findIndex(bare);
    if (found) found.table.indexes = found.table.indexes.filter((i) => i !== found.index);
  }

  private findIndex(name: string): { table: Table; index: Index } | undefined {
    const owner = this.indexOwner.get(name);
    if (owner && this.tables.get(owner.name) === owner) {
      const index = owner.indexes.find((i) => i.name === name);
      if (index) return { table: owner, index };
    }
    return undefined;
  }

  /** Primary key columns of a referenced table, for `REFERENCES t` without a column list. */
  private pkOf(table: string): string[] {
    return this.tables.get(table)?.primaryKey?.columns.slice() ?? ['id'];
  }

  /** The end of a clause starting at `start` (see lexer.ts clauseEnd). */
  private clauseEnd(text: string, start: number, limit: number): number {
    return clauseEnd(text, start, limit, this.flavor);
  }

  /**
   * The end of a table element given where the next one starts: back over whitespace and the
   * separating comma. Falls back to tokenizing when a block comment sits before the comma.
   */
  private elementEnd(text: string, start: number, nextStart: number, limit: number): number {
    const j = trimBack(text, start, nextStart);
    if (j > start && text.charCodeAt(j - 1) === 44) {
      const k = trimBack(text, start, j - 1);
      if (!(k >= 2 && text.charCodeAt(k - 1) === 47 && text.charCodeAt(k - 2) === 42)) return k;
    }
    return this.clauseEnd(text, start, limit);
  }

  /** The clause's end and its tokens (for the short clauses whose words matter: REFERENCES …). */
  private clause(text: string, start: number, limit: number): { end: number; tokens: Token[] } {
    const end = this.clauseEnd(text, start, limit);
    return { end, tokens: tokenize(text, this.flavor, start, end) };
  }

  /** Which actions are written in a clause's tokens (`ON DELETE …`, `ON UPDATE …`). */
  private writtenActions(text: string, tokens: Token[]): { onDelete: boolean; onUpdate: boolean } {
    let onDelete = false;
    let onUpdate = false;
    for (let i = 0; i + 1 < tokens.length; i++) {
      if (tokens[i].kind !== 'word' || tokens[i + 1].kind !== 'word') continue;
      if (text.slice(tokens[i].start, tokens[i].end).toLowerCase() !== 'on') continue;
      const next = text.slice(tokens[i + 1].start, tokens[i + 1].end).toLowerCase();
      if (next === 'delete') onDelete = true;
      else if (next === 'update') onUpdate = true;
    }
    return { onDelete, onUpdate };
  }

  // ------------------------------------------------------------------------------------------
  // Postgres (libpg-query AST)
  // ------------------------------------------------------------------------------------------

  /** Returns whether an explicit transaction is open after the statement. */
  private pgStatement(ctx: Ctx, node: AstNode): boolean {
    let kind = '';
    for (const k in node) {
      kind = k;
      break;
    }
    const n = node[kind];
    switch (kind) {
      case 'TransactionStmt': {
        const k: string = n.kind ?? '';
        this.other(ctx);
        if (k === 'TRANS_STMT_BEGIN' || k === 'TRANS_STMT_START') return true;
        if (k === 'TRANS_STMT_COMMIT' || k === 'TRANS_STMT_ROLLBACK' || k === 'TRANS_STMT_COMMIT_PREPARED' || k === 'TRANS_STMT_ROLLBACK_PREPARED' || k === 'TRANS_STMT_PREPARE') return false;
        return ctx.inTx;
      }
      case 'CreateStmt':
        this.pgCreateTable(ctx, n);
        break;
      case 'AlterTableStmt':
        this.pgAlterTable(ctx, n);
        break;
      case 'IndexStmt':
        this.pgCreateIndex(ctx, n);
        break;
      case 'DropStmt':
        this.pgDrop(ctx, n);
        break;
      case 'RenameStmt':
        this.pgRename(ctx, n);
        break;
      case 'CommentStmt':
        this.pgComment(ctx, n);
        break;
      case 'DoStmt':
        this.pgDo(ctx, n);
        break;
      case 'CreateEnumStmt': {
        const name = this.pgQualified(n.typeName);
        this.enums.set(name, { name, values: (n.vals ?? []).map((v: AstNode) => v.String?.sval ?? ''), loc: ctx.stmtLoc });
        this.other(ctx);
        break;
      }
      case 'AlterEnumStmt': {
        const e = this.enums.get(this.pgQualified(n.typeName));
        if (e && n.newVal && !e.values.includes(n.newVal)) e.values.push(n.newVal);
        this.other(ctx);
        break;
      }
      default:
        this.other(ctx);
    }
    return ctx.inTx;
  }

  /** `DO $$ BEGIN <schema statements> EXCEPTION … END $$`: replay the statements inside. */
  private pgDo(ctx: Ctx, n: AstNode): void {
    this.other(ctx);
    let body: AstNode;
    for (const a of n.args ?? []) {
      const d = a.DefElem;
      if (d?.defname === 'language' && String(d.arg?.String?.sval ?? 'plpgsql').toLowerCase() !== 'plpgsql') return;
      if (d?.defname === 'as') body = d;
    }
    const sval: string | undefined = body?.arg?.String?.sval;
    if (sval === undefined) return;
    const text = ctx.src.text;
    const quote = this.at(ctx, body.location);
    if (text.charCodeAt(quote) !== 36) return; // only dollar-quoted bodies keep their offsets
    const tagEnd = text.indexOf('$', quote + 1);
    if (tagEnd < 0 || tagEnd > ctx.stmt.end) return;
    const start = tagEnd + 1;
    const end = start + sval.length;
    if (!text.startsWith(text.slice(quote, tagEnd + 1), end)) return;
    for (const inner of parseEmbedded(ctx.src, start, end)) {
      if (!inner.ast) continue;
      this.pgStatement({ ...ctx, stmt: inner, stmtLoc: ctx.src.loc(inner.start, inner.end) }, inner.ast);
    }
  }

  private pgQualified(names: AstNode[] | undefined): string {
    const parts = (names ?? []).map((x: AstNode) => x.String?.sval ?? '');
    if (parts.length > 1 && (parts[0] === 'public' || parts[0] === 'pg_catalog')) parts.shift();
    return parts.join('.');
  }

  private pgName(rv: AstNode): string {
    if (!rv) return '';
    const schema: string | undefined = rv.schemaname;
    return schema && schema !== 'public' ? `${schema}.${rv.relname}` : rv.relname ?? '';
  }

  /** UTF-16 offset of an AST location (UTF-8 bytes, relative to the statement's parse). */
  private at(ctx: Ctx, location: number | undefined): number {
    if (location === undefined || location < 0) return ctx.stmt.start;
    return ctx.src.charAt(ctx.stmt.byteBase + location);
  }

  private strings(list: AstNode[] | undefined): string[] {
    return (list ?? []).map((x: AstNode) => x.String?.sval ?? '');
  }

  private pgCreateTable(ctx: Ctx, n: AstNode): void {
    const name = this.pgName(n.relation);
    if (this.tables.has(name)) {
      // CREATE TABLE IF NOT EXISTS on an existing table is a no-op (without it, Postgres errors).
      this.other(ctx, 'createTable', { table: name });
      return;
    }
    const table = this.newTable(name, ctx, this.at(ctx, n.relation?.location));
    this.other(ctx, 'createTable', { table: name });
    const text = ctx.src.text;
    const elts: AstNode[] = n.tableElts ?? [];
    let start = elts.length ? this.at(ctx, (elts[0].ColumnDef ?? elts[0].Constraint)?.location) : 0;
    for (let i = 0; i < elts.length; i++) {
      const el = elts[i];
      const next = i + 1 < elts.length ? (elts[i + 1].ColumnDef ?? elts[i + 1].Constraint)?.location : undefined;
      const nextStart = next !== undefined ? this.at(ctx, next) : -1;
      const end = nextStart > start ? this.elementEnd(text, start, nextStart, ctx.stmt.end) : this.clauseEnd(text, start, ctx.stmt.end);
      if (el.ColumnDef) this.pgColumn(ctx, table, el.ColumnDef, start, end, false);
      else if (el.Constraint) this.pgTableConstraint(ctx, table, el.Constraint, start, end, false);
      start = nextStart > start ? nextStart : start;
    }
  }

  private pgColumn(ctx: Ctx, table: Table, cd: AstNode, start: number, end: number, altering: boolean): void {
    const text = ctx.src.text;
    const tn = cd.typeName ?? {};
    const typeNames = this.strings(tn.names);
    const baseType = typeNames[typeNames.length - 1] ?? '';
    const constraints: AstNode[] = [];
    for (const c of cd.constraints ?? []) if (c.Constraint) constraints.push(c.Constraint);
    const typeStart = this.at(ctx, tn.location);
    const firstConstraint = constraints.length ? this.at(ctx, constraints[0].location) : end;
    const typeEnd = trimBack(text, typeStart, Math.min(end, firstConstraint > typeStart ? firstConstraint : end));
    const rawType = text.slice(typeStart, typeEnd);
    const serial = baseType.includes('serial');
    const column: Column = {
      name: cd.colname ?? '',
      type: columnTypeOf(baseType, Array.isArray(tn.arrayBounds) && tn.arrayBounds.length > 0, this.enums),
      rawType,
      nullable: !serial,
      loc: ctx.src.loc(start, end),
      typeLoc: ctx.src.loc(typeStart, typeEnd),
    };
    if (column.type === 'other' && this.enums.has(this.pgQualified(tn.names))) column.type = 'enum';
    table.columns.push(column);
    for (let i = 0; i < constraints.length; i++) {
      const c = constraints[i];
      const cStart = this.at(ctx, c.location);
      const next = i + 1 < constraints.length ? this.at(ctx, constraints[i + 1].location) : end;
      const cEnd = trimBack(text, cStart, next > cStart ? Math.min(next, end) : end);
      switch (c.contype) {
        case 'CONSTR_NOTNULL':
          column.nullable = false;
          break;
        case 'CONSTR_NULL':
          column.nullable = true;
          break;
        case 'CONSTR_IDENTITY':
          column.nullable = false;
          break;
        case 'CONSTR_DEFAULT': {
          // The location is the DEFAULT keyword; the expression follows it.
          const exprStart = skipTrivia(text, cStart + 7, cEnd, 'postgresql');
          if (exprStart < cEnd) column.default = text.slice(exprStart, cEnd);
          break;
        }
        case 'CONSTR_PRIMARY':
          column.nullable = false;
          this.addIndex(table, { name: c.conname ?? defaultName(table.name, [column.name], 'pkey'), columns: [column.name], unique: true, kind: 'primary', loc: ctx.src.loc(cStart, cEnd), migration: ctx.ref });
          break;
        case 'CONSTR_UNIQUE':
          this.addIndex(table, { name: c.conname ?? defaultName(table.name, [column.name], 'key'), columns: [column.name], unique: true, kind: 'unique', loc: ctx.src.loc(cStart, cEnd), migration: ctx.ref });
          break;
        case 'CONSTR_FOREIGN':
          this.pgForeignKey(ctx, table, c, [column.name], cStart, cEnd, altering);
          break;
      }
    }
  }

  private pgTableConstraint(ctx: Ctx, table: Table, c: AstNode, start: number, end: number, altering: boolean): void {
    const loc = ctx.src.loc(start, end);
    const keys = this.strings(c.keys);
    switch (c.contype) {
      case 'CONSTR_PRIMARY':
        for (const k of keys) {
          const col = table.columns.find((x) => x.name === k);
          if (col) col.nullable = false;
        }
        this.addIndex(table, { name: c.conname ?? defaultName(table.name, keys, 'pkey'), columns: keys, unique: true, kind: 'primary', loc, migration: ctx.ref });
        break;
      case 'CONSTR_UNIQUE':
        this.addIndex(table, { name: c.conname ?? defaultName(table.name, keys, 'key'), columns: keys, unique: true, kind: 'unique', loc, migration: ctx.ref });
        break;
      case 'CONSTR_FOREIGN':
        this.pgForeignKey(ctx, table, c, this.strings(c.fk_attrs), start, end, altering);
        break;
    }
  }

  private pgForeignKey(ctx: Ctx, table: Table, c: AstNode, columns: string[], start: number, end: number, altering: boolean): void {
    const target = this.pgName(c.pktable);
    const refColumns = c.pk_attrs?.length ? this.strings(c.pk_attrs) : this.pkOf(target);
    // libpg-query reports NO ACTION both when written and when not: the tokens tell.
    const written = writtenActionsIn(ctx.src.text, start, end, this.flavor);
    const notValid = c.skip_validation === true;
    const fk: ForeignKey = {
      name: c.conname ?? defaultName(table.name, columns, 'fkey'),
      columns,
      references: { table: target, columns: refColumns },
      defaultOnDelete: 'NoAction',
      loc: ctx.src.loc(start, end),
      migration: ctx.ref,
      enforced: true,
      ...(written.onDelete ? { onDelete: PG_ACTIONS[c.fk_del_action] ?? 'NoAction' } : {}),
      ...(written.onUpdate ? { onUpdate: PG_ACTIONS[c.fk_upd_action] ?? 'NoAction' } : {}),
      ...(notValid ? { notValid: true } : {}),
    };
    table.foreignKeys.push(fk);
    if (altering) {
      this.other(ctx, 'addForeignKey', {
        table: table.name,
        columns,
        notValid,
        tableCreatedInSameMigration: ctx.createdHere.has(table.name),
      });
    }
  }

  private pgAlterTable(ctx: Ctx, n: AstNode): void {
    if (n.objtype && n.objtype !== 'OBJECT_TABLE') return this.other(ctx);
    const table = this.tables.get(this.pgName(n.relation));
    const text = ctx.src.text;
    let emitted = false;
    const before = this.statements.length;
    if (table) {
      for (const wrapped of n.cmds ?? []) {
        const cmd = wrapped.AlterTableCmd;
        if (!cmd) continue;
        switch (cmd.subtype) {
          case 'AT_AddColumn': {
            const cd = cmd.def?.ColumnDef;
            if (!cd) break;
            if (cmd.missing_ok && table.columns.some((c) => c.name === cd.colname)) break;
            const start = this.at(ctx, cd.location);
            this.pgColumn(ctx, table, cd, start, this.clauseEnd(text, start, ctx.stmt.end), true);
            break;
          }
          case 'AT_AddConstraint': {
            const c = cmd.def?.Constraint;
            if (!c) break;
            const start = this.at(ctx, c.location);
            this.pgTableConstraint(ctx, table, c, start, this.clauseEnd(text, start, ctx.stmt.end), true);
            break;
          }
          case 'AT_DropColumn':
            this.dropColumn(table, cmd.name);
            break;
          case 'AT_DropConstraint':
            this.dropConstraint(table, cmd.name);
            break;
          case 'AT_AlterColumnType': {
            const col = table.columns.find((c) => c.name === cmd.name);
            const tn = cmd.def?.ColumnDef?.typeName;
            if (col && tn) {
              const names = this.strings(tn.names);
              col.type = columnTypeOf(names[names.length - 1] ?? '', Array.isArray(tn.arrayBounds) && tn.arrayBounds.length > 0, this.enums);
              if (col.type === 'other' && this.enums.has(this.pgQualified(tn.names))) col.type = 'enum';
              const typeStart = this.at(ctx, tn.location);
              const typeEnd = this.clauseTypeEnd(text, typeStart, ctx.stmt.end);
              col.rawType = text.slice(typeStart, typeEnd);
              col.typeLoc = ctx.src.loc(typeStart, typeEnd);
            }
            break;
          }
          case 'AT_SetNotNull':
          case 'AT_DropNotNull': {
            const col = table.columns.find((c) => c.name === cmd.name);
            if (col) col.nullable = cmd.subtype === 'AT_DropNotNull';
            break;
          }
          case 'AT_ColumnDefault': {
            const col = table.columns.find((c) => c.name === cmd.name);
            if (col) {
              if (!cmd.def) delete col.default;
              else {
                const s = this.at(ctx, firstLocation(cmd.def));
                col.default = text.slice(s, this.clauseEnd(text, s, ctx.stmt.end));
              }
            }
            break;
          }
        }
      }
    }
    if (!table) {
      // A table this history does not create (a fix script run against a live database): the
      // statement still matters to migration-safety rules, though no fact can be attached.
      const name = this.pgName(n.relation);
      for (const wrapped of n.cmds ?? []) {
        const cmd = wrapped.AlterTableCmd;
        const fks: AstNode[] = [];
        if (cmd?.subtype === 'AT_AddConstraint' && cmd.def?.Constraint?.contype === 'CONSTR_FOREIGN') fks.push(cmd.def.Constraint);
        if (cmd?.subtype === 'AT_AddColumn') for (const c of cmd.def?.ColumnDef?.constraints ?? []) if (c.Constraint?.contype === 'CONSTR_FOREIGN') fks.push({ ...c.Constraint, fk_attrs: [{ String: { sval: cmd.def.ColumnDef.colname } }] });
        for (const c of fks) this.other(ctx, 'addForeignKey', { table: name, columns: this.strings(c.fk_attrs), notValid: c.skip_validation === true, tableCreatedInSameMigration: false });
      }
    }
    emitted = this.statements.length > before;
    if (!emitted) this.other(ctx, 'other', table ? { table: table.name } : {});
  }

  /** End of a type in `ALTER COLUMN c TYPE <type> [USING …]`. */
  private clauseTypeEnd(text: string, start: number, limit: number): number {
    const { tokens } = this.clause(text, start, limit);
    let end = start;
    for (const t of tokens) {
      if (t.kind === 'word') {
        const w = text.slice(t.start, t.end).toLowerCase();
        if (w === 'using' || w === 'collate') break;
      }
      end = t.end;
    }
    return end;
  }

  private pgCreateIndex(ctx: Ctx, n: AstNode): void {
    const tableName = this.pgName(n.relation);
    const table = this.tables.get(tableName);
    const columns: string[] = (n.indexParams ?? []).map((p: AstNode) => {
      const e = p.IndexElem ?? {};
      return e.name ?? `(${JSON.stringify(e.expr, (k, v) => (k === 'location' ? undefined : v))})`;
    });
    const name: string = n.idxname ?? defaultName(tableName, columns.map((c) => (c.startsWith('(') ? 'expr' : c)), 'idx');
    this.other(ctx, 'createIndex', {
      table: tableName,
      columns,
      concurrently: n.concurrent === true,
      tableCreatedInSameMigration: ctx.createdHere.has(tableName),
    });
    if (!table) return;
    if (this.findIndex(name)) return; // IF NOT EXISTS (or an error in Postgres): no new index
    this.addIndex(table, {
      name,
      columns,
      unique: n.unique === true,
      kind: n.primary ? 'primary' : n.unique ? 'unique' : 'index',
      ...(n.concurrent ? { concurrently: true } : {}),
      ...(n.whereClause ? { partial: true } : {}),
      loc: ctx.stmtLoc,
      migration: ctx.ref,
    });
  }

  private pgDrop(ctx: Ctx, n: AstNode): void {
    this.other(ctx);
    for (const o of n.objects ?? []) {
      const items: AstNode[] = o.List?.items ?? (o.String ? [o] : []);
      const name = this.pgQualified(items);
      if (n.removeType === 'OBJECT_TABLE') this.dropTable(name);
      else if (n.removeType === 'OBJECT_INDEX') this.dropIndexNamed(name);
      else if (n.removeType === 'OBJECT_TYPE') this.enums.delete(name);
    }
  }

  private pgRename(ctx: Ctx, n: AstNode): void {
    this.other(ctx);
    const name = this.pgName(n.relation);
    switch (n.renameType) {
      case 'OBJECT_TABLE':
        if (n.newname) this.renameTable(name, n.relation?.schemaname && n.relation.schemaname !== 'public' ? `${n.relation.schemaname}.${n.newname}` : n.newname);
        break;
      case 'OBJECT_COLUMN': {
        const t = this.tables.get(name);
        if (t && n.subname && n.newname) this.renameColumn(t, n.subname, n.newname);
        break;
      }
      case 'OBJECT_INDEX': {
        const found = this.findIndex(n.relation?.relname ?? '');
        if (found && n.newname) {
          found.index.name = n.newname;
          this.indexOwner.set(n.newname, found.table);
        }
        break;
      }
      case 'OBJECT_TABCONSTRAINT': {
        const t = this.tables.get(name);
        if (!t || !n.subname || !n.newname) break;
        for (const f of t.foreignKeys) if (f.name === n.subname) f.name = n.newname;
        for (const i of t.indexes) if (i.name === n.subname) {
          i.name = n.newname;
          this.indexOwner.set(n.newname, t);
        }
        if (t.primaryKey && t.primaryKey.name === n.subname) t.primaryKey.name = n.newname;
        break;
      }
    }
  }

  private pgComment(ctx: Ctx, n: AstNode): void {
    this.other(ctx);
    const items = this.strings(n.object?.List?.items);
    if (n.objtype === 'OBJECT_COLUMN' && items.length >= 2) {
      const column = items[items.length - 1];
      const table = this.tables.get(this.pgQualified(items.slice(0, -1).map((s) => ({ String: { sval: s } }))));
      const col = table?.columns.find((c) => c.name === column);
      if (col) {
        if (n.comment) col.comment = n.comment;
        else delete col.comment;
      }
    } else if (n.objtype === 'OBJECT_TABLE') {
      const table = this.tables.get(this.pgQualified((n.object?.List?.items ?? []) as AstNode[]));
      if (table) table.comment = n.comment ?? undefined;
    }
  }

  // ------------------------------------------------------------------------------------------
  // MySQL / SQLite (node-sql-parser AST; locations are UTF-16 offsets into the statement)
  // ------------------------------------------------------------------------------------------

  private otherStatement(ctx: Ctx, ast: AstNode): boolean {
    const type = String(ast?.type ?? '').toLowerCase();
    const keyword = String(ast?.keyword ?? '').toLowerCase();
    if (type === 'transaction' || type === 'begin' || type === 'commit' || type === 'rollback') {
      this.other(ctx);
      const expr = String(ast?.expr?.type ?? ast?.expr?.keyword ?? type).toLowerCase();
      if (expr.includes('begin') || expr.includes('start')) return true;
      if (expr.includes('commit') || expr.includes('rollback')) return false;
      return ctx.inTx;
    }
    if (type === 'create' && keyword === 'table') this.nspCreateTable(ctx, ast);
    else if (type === 'create' && keyword === 'index') this.nspCreateIndex(ctx, ast);
    else if (type === 'alter') this.nspAlter(ctx, ast);
    else if (type === 'drop') {
      this.other(ctx);
      const names: AstNode[] = Array.isArray(ast.name) ? ast.name : [];
      if (keyword === 'table') for (const t of names) this.dropTable(t?.table ?? '');
      else if (keyword === 'index') this.dropIndexNamed(typeof ast.name === 'string' ? ast.name : ast.name?.name ?? names[0]?.table ?? '');
    } else if (type === 'rename') {
      this.other(ctx);
      for (const r of ast.table ?? []) if (Array.isArray(r) && r.length === 2) this.renameTable(r[0]?.table, r[1]?.table);
    } else this.other(ctx);
    return ctx.inTx;
  }

  private nspLoc(ctx: Ctx, node: AstNode): { start: number; end: number } | undefined {
    const l = node?.loc ?? node?.column?.loc;
    if (!l || typeof l.start?.offset !== 'number') return undefined;
    return { start: ctx.stmt.start + l.start.offset, end: ctx.stmt.start + l.end.offset };
  }

  private nspColumnName(c: AstNode): string {
    if (typeof c === 'string') return c;
    if (!c) return '';
    if (typeof c.column === 'string') return c.column;
    if (c.column?.expr?.value !== undefined) return String(c.column.expr.value);
    if (typeof c.value === 'string') return c.value;
    if (c.expr?.value !== undefined) return String(c.expr.value);
    if (c.column) return this.nspColumnName(c.column);
    return '';
  }

  private nspTableName(t: AstNode): string {
    if (!t) return '';
    const name = typeof t === 'string' ? t : t.table ?? '';
    return name;
  }

  private nspCreateTable(ctx: Ctx, ast: AstNode): void {
    const name = this.nspTableName(ast.table?.[0]);
    if (this.tables.has(name)) return this.other(ctx, 'createTable', { table: name });
    const table = this.newTable(name, ctx, this.nameStartAfter(ctx, name));
    this.other(ctx, 'createTable', { table: name });
    for (const def of ast.create_definitions ?? []) this.nspDefinition(ctx, table, def, false);
  }

  /** Where the table name is written in a CREATE TABLE (the first name token after TABLE). */
  private nameStartAfter(ctx: Ctx, name: string): number {
    const text = ctx.src.text;
    const toks = tokenize(text, this.flavor, ctx.stmt.start, Math.min(ctx.stmt.end, ctx.stmt.start + 400));
    for (const t of toks) {
      if (t.kind === 'quoted' || t.kind === 'word') {
        const raw = text.slice(t.start, t.end);
        const bare = t.kind === 'quoted' ? raw.slice(1, -1) : raw;
        if (bare === name) return t.start;
      }
    }
    return skipTrivia(text, ctx.stmt.start, ctx.stmt.end, this.flavor);
  }

  private nspDefinition(ctx: Ctx, table: Table, def: AstNode, altering: boolean): void {
    const resource = def?.resource;
    if (resource === 'column') {
      const name = this.nspColumnName(def.column);
      const nameSpan = this.nspLoc(ctx, def.column) ?? this.nspColumnToken(ctx, name);
      const def_ = nameSpan ? this.nspColumnDefinition(ctx, nameSpan) : undefined;
      const span = nameSpan;
      const loc = def_ ? ctx.src.loc(nameSpan!.start, def_.end) : ctx.stmtLoc;
      const dataType = String(def.definition?.dataType ?? '');
      const rawType = dataType + (def.definition?.length !== undefined ? `(${def.definition.length}${def.definition.scale !== undefined ? `,${def.definition.scale}` : ''})` : '');
      const column: Column = {
        name,
        type: columnTypeOf(dataType, false, this.enums),
        rawType,
        nullable: def.nullable?.type !== 'not null' && !def.primary_key,
        loc,
        ...(def_ ? { typeLoc: ctx.src.loc(def_.typeStart, def_.typeEnd) } : {}),
      };
      if (def_) column.rawType = ctx.src.text.slice(def_.typeStart, def_.typeEnd);
      const dv = def.default_val?.value;
      if (dv !== undefined) column.default = dv?.value !== undefined && dv?.value !== null ? String(dv.value) : dv?.type === 'null' ? 'NULL' : JSON.stringify(dv);
      if (def.comment?.value?.value) column.comment = String(def.comment.value.value);
      table.columns.push(column);
      if (def.primary_key) this.addIndex(table, { columns: [name], unique: true, kind: 'primary', loc, migration: ctx.ref });
      if (def.unique || def.unique_or_primary === 'unique') this.addIndex(table, { columns: [name], unique: true, kind: 'unique', loc, migration: ctx.ref });
      if (def.reference_definition) this.nspForeignKey(ctx, table, undefined, [name], def.reference_definition, this.nspInlineReference(ctx, name) ?? span, altering);
      return;
    }
    if (resource === 'constraint' || resource === 'index') {
      const ctype = String(def.constraint_type ?? '').toLowerCase();
      const cols = (def.definition ?? []).map((c: AstNode) => this.nspColumnName(c));
      const first = this.nspLoc(ctx, def.definition?.[0]);
      const lastCol = this.nspLoc(ctx, def.definition?.[def.definition.length - 1]);
      const span = first && lastCol ? { start: first.start, end: lastCol.end } : undefined;
      const loc = span ? ctx.src.loc(span.start, span.end) : ctx.stmtLoc;
      const name: string | undefined = def.constraint ?? def.index ?? undefined;
      if (ctype.startsWith('primary')) {
        for (const c of cols) {
          const col = table.columns.find((x) => x.name === c);
          if (col) col.nullable = false;
        }
        this.addIndex(table, { ...(name ? { name } : {}), columns: cols, unique: true, kind: 'primary', loc, migration: ctx.ref });
      } else if (ctype.startsWith('unique')) {
        this.addIndex(table, { ...(name ? { name } : {}), columns: cols, unique: true, kind: 'unique', loc, migration: ctx.ref });
      } else if (ctype.startsWith('foreign')) {
        this.nspForeignKey(ctx, table, def.constraint ?? def.index ?? undefined, cols, def.reference_definition, this.nspForeignKeyClause(ctx, cols) ?? span, altering);
      } else if (resource === 'index') {
        this.addIndex(table, { ...(name ? { name } : {}), columns: cols, unique: false, kind: 'index', loc, migration: ctx.ref });
      }
    }
  }

  private word(text: string, t: Token | undefined): string {
    if (!t) return '';
    const raw = text.slice(t.start, t.end);
    return t.kind === 'quoted' ? raw.slice(1, -1) : t.kind === 'word' ? raw.toLowerCase() : raw;
  }

  /** `[CONSTRAINT n] FOREIGN KEY (<cols>) REFERENCES …` in the statement, found by its tokens. */
  private nspForeignKeyClause(ctx: Ctx, cols: string[]): { start: number; end: number } | undefined {
    const text = ctx.src.text;
    const toks = this.statementTokens(ctx);
    for (let i = 0; i + 3 < toks.length; i++) {
      if (this.word(text, toks[i]) !== 'foreign' || this.word(text, toks[i + 1]) !== 'key') continue;
      if (text[toks[i + 2].start] !== '(' || this.word(text, toks[i + 3]).toLowerCase() !== (cols[0] ?? '').toLowerCase()) continue;
      let start = toks[i].start;
      if (i >= 2 && this.word(text, toks[i - 2]) === 'constraint') start = toks[i - 2].start;
      return { start, end: this.clause(text, start, ctx.stmt.end).end };
    }
    return undefined;
  }

  /** The column's name token in a CREATE TABLE / ALTER TABLE (at depth 1 after `(` or `,`, or after ADD [COLUMN]). */
  private nspColumnToken(ctx: Ctx, column: string): { start: number; end: number } | undefined {
    const toks = this.statementTokens(ctx);
    const i = this.nspColumnNameAt(ctx.src.text, toks, column, true);
    return i >= 0 ? { start: toks[i].start, end: toks[i].end } : undefined;
  }

  /** The statement's tokens without comments, once per statement: a column's name, type and REFERENCES clause are each looked up in them. */
  private statementTokens(ctx: Ctx): Token[] {
    if (this.tokensFor?.stmt !== ctx.stmt) this.tokensFor = { stmt: ctx.stmt, toks: tokenize(ctx.src.text, this.flavor, ctx.stmt.start, ctx.stmt.end).filter((t) => t.kind !== 'comment') };
    return this.tokensFor.toks;
  }

  /**
   * Index of the token naming `column` as an element of the statement's column list (depth 1, after `(` or
   * `,`) or, with `afterAdd`, after ADD [COLUMN] at depth 0; -1 when there is none.
   */
  private nspColumnNameAt(text: string, toks: Token[], column: string, afterAdd: boolean): number {
    const wanted = column.toLowerCase();
    let depth = 0;
    for (let i = 0; i < toks.length; i++) {
      const c = text[toks[i].start];
      if (toks[i].kind === 'punct' && c === '(') depth++;
      else if (toks[i].kind === 'punct' && c === ')') depth--;
      if (toks[i].kind !== 'word' && toks[i].kind !== 'quoted') continue;
      const prev = i > 0 ? this.word(text, toks[i - 1]) : '';
      const atElement = (depth === 1 && (prev === '(' || prev === ',')) || (afterAdd && depth === 0 && (prev === 'add' || prev === 'column'));
      if (atElement && this.word(text, toks[i]).toLowerCase() === wanted) return i;
    }
    return -1;
  }

  /** From a column's name: its type (`varchar(255)`, `double`, `int unsigned`) and the definition's end. */
  private nspColumnDefinition(ctx: Ctx, name: { start: number; end: number }): { typeStart: number; typeEnd: number; end: number } | undefined {
    const text = ctx.src.text;
    const { end, tokens } = this.clause(text, name.start, ctx.stmt.end);
    const rest = tokens.filter((t) => t.kind !== 'comment' && t.start >= name.end);
    if (!rest.length || rest[0].kind !== 'word') return undefined;
    let typeEnd = rest[0].end;
    let i = 1;
    while (i < rest.length) {
      const w = this.word(text, rest[i]);
      if (w === '(') {
        let depth = 0;
        for (; i < rest.length; i++) {
          const c = text[rest[i].start];
          if (rest[i].kind === 'punct' && c === '(') depth++;
          else if (rest[i].kind === 'punct' && c === ')' && --depth === 0) break;
        }
        typeEnd = rest[Math.min(i, rest.length - 1)].end;
        i++;
      } else if (w === 'unsigned' || w === 'precision' || w === 'varying' || w === 'zerofill') {
        typeEnd = rest[i].end;
        i++;
      } else break;
    }
    return { typeStart: rest[0].start, typeEnd, end };
  }

  /** `<col> <type> … REFERENCES t (c) …` inside a column definition: the REFERENCES clause. */
  private nspInlineReference(ctx: Ctx, column: string): { start: number; end: number } | undefined {
    const text = ctx.src.text;
    const toks = this.statementTokens(ctx);
    const i = this.nspColumnNameAt(text, toks, column, false);
    if (i < 0) return undefined;
    const { end, tokens } = this.clause(text, toks[i].start, ctx.stmt.end);
    const ref = tokens.find((t) => this.word(text, t) === 'references');
    return ref ? { start: ref.start, end } : { start: toks[i].start, end };
  }

  private nspForeignKey(ctx: Ctx, table: Table, name: string | undefined, columns: string[], ref: AstNode, span: { start: number; end: number } | undefined, altering: boolean): void {
    if (!ref) return;
    const target = this.nspTableName(ref.table?.[0]);
    const refCols = (ref.definition ?? []).map((c: AstNode) => this.nspColumnName(c));
    let end = span?.end;
    const lastRef = this.nspLoc(ctx, ref.definition?.[ref.definition.length - 1]);
    if (lastRef && span) end = Math.max(span.end, lastRef.end);
    const actions: AstNode[] = ref.on_action ?? [];
    const del = actions.find((a) => String(a.type).toLowerCase() === 'on delete');
    const upd = actions.find((a) => String(a.type).toLowerCase() === 'on update');
    const fk: ForeignKey = {
      ...(name ? { name } : {}),
      columns,
      references: { table: target, columns: refCols.length ? refCols : this.pkOf(target) },
      defaultOnDelete: 'NoAction',
      loc: span && end !== undefined ? ctx.src.loc(span.start, end) : ctx.stmtLoc,
      migration: ctx.ref,
      enforced: true,
    };
    const d = normAction(del?.value?.value);
    const u = normAction(upd?.value?.value);
    if (d) fk.onDelete = d;
    if (u) fk.onUpdate = u;
    table.foreignKeys.push(fk);
    if (altering) this.other(ctx, 'addForeignKey', { table: table.name, columns, tableCreatedInSameMigration: ctx.createdHere.has(table.name) });
  }

  private nspCreateIndex(ctx: Ctx, ast: AstNode): void {
    const tableName = this.nspTableName(ast.table);
    const columns: string[] = (ast.index_columns ?? []).map((c: AstNode) => (c?.type === 'column_ref' || c?.type === 'double_quote_string' || c?.type === 'backticks_quote_string' || typeof c?.column === 'string' || typeof c?.value === 'string' ? this.nspColumnName(c) : '(expr)'));
    const name: string | undefined = typeof ast.index === 'string' ? ast.index : ast.index?.name;
    this.other(ctx, 'createIndex', { table: tableName, columns, tableCreatedInSameMigration: ctx.createdHere.has(tableName) });
    const table = this.tables.get(tableName);
    if (!table) return;
    if (name && this.findIndex(name)) return;
    const unique = String(ast.index_type ?? '').toLowerCase() === 'unique';
    this.addIndex(table, {
      ...(name ? { name } : {}),
      columns,
      unique,
      kind: unique ? 'unique' : 'index',
      ...(ast.where ? { partial: true } : {}),
      loc: ctx.stmtLoc,
      migration: ctx.ref,
    });
  }

  private nspAlter(ctx: Ctx, ast: AstNode): void {
    const table = this.tables.get(this.nspTableName(ast.table?.[0]));
    const before = this.statements.length;
    if (table) {
      for (const e of ast.expr ?? []) {
        const action = String(e.action ?? '').toLowerCase();
        const resource = e.resource;
        if (action === 'add' && resource === 'column') this.nspDefinition(ctx, table, { ...e, resource: 'column' }, true);
        else if (action === 'add' && (resource === 'constraint' || resource === 'index')) this.nspDefinition(ctx, table, e.create_definitions ?? e, true);
        else if (action === 'drop' && resource === 'column') this.dropColumn(table, this.nspColumnName(e.column));
        else if (action === 'drop' && (resource === 'constraint' || resource === 'index' || resource === 'foreign key' || resource === 'key')) {
          const name = typeof e.constraint === 'string' ? e.constraint : typeof e.index === 'string' ? e.index : this.nspColumnName(e.column ?? e.constraint ?? e.index);
          this.dropConstraint(table, name);
        } else if (action === 'rename' && resource === 'table') {
          const to = typeof e.table === 'string' ? e.table : e.table?.table;
          if (to) this.renameTable(table.name, to);
        } else if (action === 'rename' && resource === 'column') {
          this.renameColumn(table, this.nspColumnName(e.old_column ?? e.column), this.nspColumnName(e.column));
        } else if ((action === 'modify' || action === 'change') && resource === 'column') {
          const col = table.columns.find((c) => c.name === this.nspColumnName(e.old_column ?? e.column));
          if (col) {
            const dataType = String(e.definition?.dataType ?? col.rawType);
            col.type = columnTypeOf(dataType, false, this.enums);
            col.rawType = dataType;
            col.nullable = e.nullable?.type !== 'not null';
            if (action === 'change' && e.column) col.name = this.nspColumnName(e.column);
          }
        }
      }
    }
    if (this.statements.length === before) this.other(ctx, 'other', table ? { table: table.name } : {});
  }
}

function firstLocation(node: AstNode): number | undefined {
  if (!node || typeof node !== 'object') return undefined;
  const best = minLocation(node, -1);
  return best < 0 ? undefined : best;
}

/** The smallest `location` (≥ 0) in a tree, or `best`; a plain walk (no entry arrays per node). */
function minLocation(x: AstNode, best: number): number {
  if (Array.isArray(x)) {
    for (const y of x) if (y && typeof y === 'object') best = minLocation(y, best);
    return best;
  }
  for (const k in x) {
    const v = x[k];
    if (k === 'location' && typeof v === 'number' && v >= 0) best = best < 0 ? v : Math.min(best, v);
    else if (v && typeof v === 'object') best = minLocation(v, best);
  }
  return best;
}
