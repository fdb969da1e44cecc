/**
 * What decides whether the statements of a `DO` block take effect (see parse.ts DoScope): the IF conditions that test
 * an object is absent, and the errors an EXCEPTION handler catches. Read from the Postgres parser's tree of the
 * condition, never from its text.
 */
import type { AstNode } from './parse';
import { pgParse } from './pgwasm';

/**
 * An IF condition that holds exactly when an object is absent: a type (`pg_type`, `to_regtype`), a relation (a table,
 * index, view…: `to_regclass`, `pg_class`, `pg_indexes`, `information_schema.tables`), a constraint (`pg_constraint`,
 * of one table when it tests `conrelid`) or a column of a table (`information_schema.columns`). `schema` undefined:
 * in any schema (a lookup without a schema test). Names are as Postgres stores them (unquoted names folded to lower
 * case by the parser).
 */
export interface AbsenceGuard {
  kind: 'type' | 'relation' | 'constraint' | 'column';
  name: string;
  schema?: string;
  /** The table of a column (required) or of a constraint. */
  table?: string;
}

/**
 * The absence an IF condition tests, undefined for any other condition (or one with a test this does not read):
 * - `NOT EXISTS (SELECT … FROM pg_type [JOIN pg_namespace ON …] WHERE typname = 'x' [AND nspname = 's' | AND
 *   typnamespace = 's'::regnamespace] [AND typtype = 'e'])`, and the same lookup of another catalog (see CATALOGS);
 * - `(SELECT count(*) FROM pg_type WHERE …) = 0`, the same lookups counted;
 * - `to_regtype('s.x') IS NULL`, `to_regclass('s.x') IS NULL` (an unqualified name: the public schema's).
 */
export function readAbsenceGuard(condition: string): AbsenceGuard | undefined {
  let select: AstNode;
  try {
    const stmts = pgParse(`SELECT ${condition}`);
    if (stmts.length !== 1) return undefined;
    select = stmts[0].node()?.SelectStmt;
  } catch {
    return undefined;
  }
  const targets = select?.targetList ?? [];
  if (targets.length !== 1 || !plainSelect(select) || select.fromClause || select.whereClause) return undefined;
  const e = targets[0]?.ResTarget?.val;
  // NOT EXISTS (SELECT … FROM pg_type …)
  const not = e?.BoolExpr;
  if (not) {
    if (not.boolop !== 'NOT_EXPR' || not.args?.length !== 1) return undefined;
    const sub = not.args[0]?.SubLink;
    if (sub?.subLinkType !== 'EXISTS_SUBLINK') return undefined;
    return catalogLookup(sub.subselect?.SelectStmt);
  }
  // (SELECT count(*) FROM pg_type …) = 0
  const op = e?.A_Expr;
  if (op) {
    if (op.kind !== 'AEXPR_OP' || operator(op) !== '=') return undefined;
    const [sub, zero] = op.lexpr?.SubLink ? [op.lexpr.SubLink, op.rexpr] : [op.rexpr?.SubLink, op.lexpr];
    if (sub?.subLinkType !== 'EXPR_SUBLINK' || !isZero(zero)) return undefined;
    const inner = sub.subselect?.SelectStmt;
    const counted = inner?.targetList?.length === 1 ? inner.targetList[0]?.ResTarget?.val?.FuncCall : undefined;
    if (!counted || lastName(counted.funcname) !== 'count' || counted.agg_distinct || counted.agg_filter || counted.over) return undefined;
    if (!(counted.agg_star || (counted.args?.length === 1 && (counted.args[0]?.A_Const || counted.args[0]?.ColumnRef)))) return undefined;
    return catalogLookup(inner);
  }
  // to_regtype('x') IS NULL, to_regclass('x') IS NULL
  const test = e?.NullTest;
  if (test) {
    if (test.nulltesttype !== 'IS_NULL') return undefined;
    const call = test.arg?.FuncCall;
    const fn = call ? lastName(call.funcname) : undefined;
    if (call?.args?.length !== 1 || (fn !== 'to_regtype' && fn !== 'to_regclass')) return undefined;
    const written = stringArgument(call.args[0]);
    if (written === undefined) return undefined;
    const named = fn === 'to_regtype' ? typeNamed(written) : relationNamed(written);
    return named ? { kind: fn === 'to_regtype' ? 'type' : 'relation', ...named } : undefined;
  }
  return undefined;
}

/** SQLSTATEs of the errors a statement raises when the object it creates exists. */
export const DUPLICATE_OBJECT = '42710';
export const DUPLICATE_TABLE = '42P07';
export const DUPLICATE_COLUMN = '42701';

const CONDITION_NAMES: Record<string, string> = { duplicate_object: DUPLICATE_OBJECT, duplicate_table: DUPLICATE_TABLE, duplicate_column: DUPLICATE_COLUMN };

/**
 * Whether an EXCEPTION handler with these conditions (DoScope's, lower case) catches an error of this SQLSTATE: by
 * name, by `SQLSTATE '…'`, `OTHERS`, or the class (`syntax_error_or_access_rule_violation`, `SQLSTATE '42000'`).
 */
export function catchesError(conditions: readonly string[], sqlstate: string): boolean {
  const code = sqlstate.toLowerCase();
  return conditions.some((c) => c === 'others' || (CONDITION_NAMES[c] ?? c).toLowerCase() === code || ((c === 'syntax_error_or_access_rule_violation' || c === '42000') && code.startsWith('42')));
}

/**
 * The catalogs a lookup may read, and what their columns hold: the object's name; its schema's name (`schema`) or oid
 * (`schemaOid`, compared with `'s'::regnamespace`, or joined to pg_namespace, whose `nspname` then names it); its
 * table's name (`table`) or oid (`tableOid`, compared with `'t'::regclass`). `anyOf`: a filter on the object's kind
 * (`typtype = 'e'`, `relkind = 'i'`), read as any kind: the statement the guard protects fails all the same on an
 * object of that name of another kind (a type, a relation), except a constraint, whose name is its table's, so a
 * pg_constraint lookup is read only with its table when it has one.
 */
interface Catalog {
  kind: AbsenceGuard['kind'];
  name: string;
  schema?: string;
  schemaOid?: string;
  table?: string;
  tableOid?: string;
  anyOf?: string;
}

const CATALOGS: Record<string, Catalog> = {
  pg_type: { kind: 'type', name: 'typname', schemaOid: 'typnamespace', anyOf: 'typtype' },
  pg_class: { kind: 'relation', name: 'relname', schemaOid: 'relnamespace', anyOf: 'relkind' },
  pg_constraint: { kind: 'constraint', name: 'conname', schemaOid: 'connamespace', tableOid: 'conrelid', anyOf: 'contype' },
  pg_indexes: { kind: 'relation', name: 'indexname', schema: 'schemaname', table: 'tablename' },
  'information_schema.tables': { kind: 'relation', name: 'table_name', schema: 'table_schema', anyOf: 'table_type' },
  'information_schema.columns': { kind: 'column', name: 'column_name', schema: 'table_schema', table: 'table_name' },
};

/**
 * The object a `SELECT … FROM <catalog> [JOIN pg_namespace ON …] WHERE …` looks up (see CATALOGS), when every test
 * is one this reads (equalities of its columns with constants, ANDed); undefined otherwise.
 */
function catalogLookup(inner: AstNode): AbsenceGuard | undefined {
  if (!inner || !plainSelect(inner)) return undefined;
  // The FROM: one catalog, alone or joined to pg_namespace; the join's ON is one more test.
  const tests: AstNode[] = [];
  const relations: string[] = [];
  const from = (item: AstNode): boolean => {
    if (item?.RangeVar) {
      const r = item.RangeVar;
      if (r.catalogname) return false;
      if (r.schemaname === 'information_schema') relations.push(`information_schema.${r.relname}`);
      else if (!r.schemaname || r.schemaname === 'pg_catalog') relations.push(r.relname);
      else return false;
      return true;
    }
    const j = item?.JoinExpr;
    if (!j || j.jointype !== 'JOIN_INNER' || !from(j.larg) || !from(j.rarg)) return false;
    if (j.quals) tests.push(j.quals);
    return true;
  };
  if (!(inner.fromClause ?? []).every(from)) return undefined;
  const looked = relations.filter((r) => r !== 'pg_namespace');
  const catalog = looked.length === 1 ? CATALOGS[looked[0]] : undefined;
  const joined = relations.length - looked.length;
  if (!catalog || joined > 1 || (joined === 1 && !catalog.schemaOid)) return undefined;
  if (inner.whereClause) tests.push(inner.whereClause);
  const conjuncts: AstNode[] = [];
  const split = (e: AstNode): void => {
    if (e?.BoolExpr?.boolop === 'AND_EXPR') for (const a of e.BoolExpr.args ?? []) split(a);
    else conjuncts.push(e);
  };
  tests.forEach(split);
  let name: string | undefined;
  let schema: string | undefined;
  let table: string | undefined;
  for (const c of conjuncts) {
    const op = c?.A_Expr;
    if (op?.kind !== 'AEXPR_OP' || operator(op) !== '=') return undefined;
    // Either side may be the column.
    const [l, r] = column(op.lexpr) !== undefined ? [op.lexpr, op.rexpr] : [op.rexpr, op.lexpr];
    const col = column(l);
    const value = constant(r);
    const cast = r?.TypeCast ? { to: lastName(r.TypeCast.typeName?.names), value: constant(r.TypeCast.arg) } : undefined;
    if (col === catalog.name && value !== undefined) name = value;
    else if ((col === catalog.schema || (joined === 1 && col === 'nspname')) && value !== undefined) schema = value;
    else if (col === catalog.table && value !== undefined) table = value;
    else if (col === catalog.anyOf && value !== undefined) continue;
    else if (col !== undefined && col === catalog.schemaOid && cast?.to === 'regnamespace' && cast.value !== undefined) schema = cast.value;
    else if (col !== undefined && col === catalog.tableOid && cast?.to === 'regclass' && cast.value !== undefined) {
      const named = relationNamed(cast.value);
      if (!named) return undefined;
      table = named.name;
      schema = named.schema;
    } else if (joined === 1 && ((col === catalog.schemaOid && column(r) === 'oid') || (col === 'oid' && column(r) === catalog.schemaOid))) continue;
    else return undefined;
  }
  if (name === undefined || (catalog.kind === 'column' && table === undefined)) return undefined;
  return { kind: catalog.kind, name, ...(schema !== undefined ? { schema } : {}), ...(table !== undefined ? { table } : {}) };
}

/** A SELECT without grouping, set operations or CTEs (its rows are its FROM's rows that pass its WHERE). */
function plainSelect(s: AstNode): boolean {
  return !s.groupClause && !s.havingClause && !s.withClause && s.op === 'SETOP_NONE' && !s.valuesLists && !s.distinctClause;
}

function operator(op: AstNode): string | undefined {
  return op.name?.length === 1 ? op.name[0]?.String?.sval : undefined;
}

function lastName(names: AstNode[] | undefined): string | undefined {
  const last = Array.isArray(names) ? names[names.length - 1]?.String?.sval : undefined;
  return typeof last === 'string' ? last.toLowerCase() : undefined;
}

function column(e: AstNode): string | undefined {
  const fields = e?.ColumnRef?.fields;
  const last = Array.isArray(fields) ? fields[fields.length - 1]?.String?.sval : undefined;
  return typeof last === 'string' ? last : undefined;
}

function constant(e: AstNode): string | undefined {
  return typeof e?.A_Const?.sval?.sval === 'string' ? e.A_Const.sval.sval : undefined;
}

/** The integer constant 0 (the tree leaves a zero ival empty). */
function isZero(e: AstNode): boolean {
  const c = e?.A_Const;
  return c !== undefined && c.ival !== undefined && (c.ival.ival === undefined || c.ival.ival === 0);
}

/** A string constant, alone or cast to a text type (`'public.x'::text`). */
function stringArgument(e: AstNode): string | undefined {
  if (e?.TypeCast) {
    const to = lastName(e.TypeCast.typeName?.names);
    return to === 'text' || to === 'varchar' || to === 'cstring' || to === 'name' ? constant(e.TypeCast.arg) : undefined;
  }
  return constant(e);
}

/** The schema and name a to_regtype argument names, read by the parser as a type name; none for built-in types. */
function typeNamed(written: string): { name: string; schema: string } | undefined {
  let cast: AstNode;
  try {
    const stmts = pgParse(`SELECT NULL::${written}`);
    if (stmts.length !== 1) return undefined;
    const s = stmts[0].node()?.SelectStmt;
    if (s?.targetList?.length !== 1 || s.fromClause || s.whereClause) return undefined;
    cast = s.targetList[0]?.ResTarget?.val?.TypeCast;
  } catch {
    return undefined;
  }
  const t = cast?.typeName;
  if (!t || t.arrayBounds || t.typmods || t.setof || t.pct_type) return undefined;
  const names: string[] = (t.names ?? []).map((n: AstNode) => n?.String?.sval);
  if (names.some((n) => typeof n !== 'string') || names.length < 1 || names.length > 2 || names[0] === 'pg_catalog') return undefined;
  return names.length === 2 ? { schema: names[0], name: names[1] } : { schema: 'public', name: names[0] };
}

/** The schema and name a to_regclass argument names, read by the parser as a relation name. */
function relationNamed(written: string): { name: string; schema: string } | undefined {
  let rv: AstNode;
  try {
    const stmts = pgParse(`SELECT FROM ${written}`);
    if (stmts.length !== 1) return undefined;
    const s = stmts[0].node()?.SelectStmt;
    if (s?.targetList || s?.fromClause?.length !== 1 || s.whereClause || !plainSelect(s)) return undefined;
    rv = s.fromClause[0]?.RangeVar;
  } catch {
    return undefined;
  }
  if (!rv || rv.alias || rv.catalogname || rv.inh !== true || typeof rv.relname !== 'string' || rv.schemaname === 'pg_catalog') return undefined;
  return { schema: rv.schemaname ?? 'public', name: rv.relname };
}
