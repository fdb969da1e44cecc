/**
 * Pure syntax patterns the code analysis reads: Drizzle builder chains, Prisma `where`/`orderBy`
 * columns, Drizzle filter columns, loop keys, in-memory filter fields, logging-only catch bodies.
 */
import ts = require('typescript');
import { type FunctionNode, isFunctionNode, propertyNameText, unwrap } from './ast';

const DRIZZLE_OPERATORS = new Set([
  'eq', 'ne', 'gt', 'gte', 'lt', 'lte', 'like', 'ilike', 'notLike', 'notIlike', 'inArray', 'notInArray',
  'isNull', 'isNotNull', 'between', 'notBetween', 'arrayContains', 'arrayContained', 'arrayOverlaps',
]);
const LOGGER_ROOTS = new Set(['console', 'logger', 'log', 'Logger']);
const PROMISE_COMBINATORS = new Set(['all', 'allSettled', 'race', 'any']);

/** Climbs a Drizzle builder chain from its root call to the outermost call (stopping at then/catch/finally). */
export function builderChain(root: ts.CallExpression): { outer: ts.CallExpression; chain: string[] } {
  const chain: string[] = [];
  let outer = root;
  for (;;) {
    const pa = outer.parent;
    if (!pa || !ts.isPropertyAccessExpression(pa) || pa.expression !== outer) break;
    const name = pa.name.text;
    if (name === 'then' || name === 'catch' || name === 'finally') break;
    const c = pa.parent;
    if (!c || !ts.isCallExpression(c) || c.expression !== pa) break;
    chain.push(name);
    outer = c;
  }
  return { outer, chain };
}

/** The calls of a builder chain by method name (`from`, `where`, `orderBy`, …), last one wins. */
export function chainCalls(outer: ts.Node): Map<string, ts.CallExpression> {
  const out = new Map<string, ts.CallExpression>();
  let n: ts.Node = outer;
  while (ts.isCallExpression(n)) {
    const callee = n.expression;
    if (!ts.isPropertyAccessExpression(callee)) break;
    if (!out.has(callee.name.text)) out.set(callee.name.text, n);
    n = callee.expression;
  }
  return out;
}

export function tableName(arg: ts.Expression): string | undefined {
  const e = unwrap(arg);
  if (ts.isIdentifier(e)) return e.text;
  if (ts.isPropertyAccessExpression(e)) return e.name.text;
  return undefined;
}

export function loopBinding(init: ts.ForInitializer): string | undefined {
  if (ts.isVariableDeclarationList(init)) {
    const d = init.declarations[0];
    return d && ts.isIdentifier(d.name) ? d.name.text : undefined;
  }
  return ts.isIdentifier(init) ? init.text : undefined;
}

export function objectKeys(obj: ts.ObjectLiteralExpression): string[] {
  const keys: string[] = [];
  for (const p of obj.properties) {
    if (ts.isSpreadAssignment(p)) keys.push('...');
    else {
      const k = propertyNameText(p.name);
      if (k !== undefined) keys.push(k);
    }
  }
  return keys;
}

export function propertyValue(obj: ts.ObjectLiteralExpression, key: string): ts.Expression | undefined {
  for (const p of obj.properties) {
    if (ts.isPropertyAssignment(p) && propertyNameText(p.name) === key) return unwrap(p.initializer);
    if (ts.isShorthandPropertyAssignment(p) && p.name.text === key) return p.name;
  }
  return undefined;
}

export function prismaWhereColumns(where: ts.ObjectLiteralExpression): string[] {
  const out: string[] = [];
  const add = (c: string) => {
    if (!out.includes(c)) out.push(c);
  };
  for (const p of where.properties) {
    if (!ts.isPropertyAssignment(p) && !ts.isShorthandPropertyAssignment(p)) continue;
    const key = propertyNameText(p.name);
    if (!key || key === 'OR' || key === 'NOT') continue;
    const value = ts.isPropertyAssignment(p) ? unwrap(p.initializer) : undefined;
    if (key === 'AND') {
      const items = value && ts.isArrayLiteralExpression(value) ? value.elements : value ? [value] : [];
      for (const item of items) {
        const o = unwrap(item);
        if (ts.isObjectLiteralExpression(o)) {
          for (const ip of o.properties) {
            const k = (ts.isPropertyAssignment(ip) || ts.isShorthandPropertyAssignment(ip)) ? propertyNameText(ip.name) : undefined;
            if (k && k !== 'AND' && k !== 'OR' && k !== 'NOT') add(k);
          }
        }
      }
      continue;
    }
    // Compound unique input: userId_courseId: { userId, courseId }
    if (value && ts.isObjectLiteralExpression(value) && key.includes('_')) {
      const inner = objectKeys(value);
      if (inner.length > 1 && inner.join('_') === key) {
        inner.forEach(add);
        continue;
      }
    }
    add(key);
  }
  return out;
}

export function prismaOrderColumns(orderBy: ts.Expression): string[] {
  const items = ts.isArrayLiteralExpression(orderBy) ? orderBy.elements.map(unwrap) : [orderBy];
  const out: string[] = [];
  for (const item of items) {
    if (ts.isObjectLiteralExpression(item)) for (const k of objectKeys(item)) if (k !== '...') out.push(k);
  }
  return out;
}

export function prismaLoopKey(where: ts.ObjectLiteralExpression, variable: string): string | undefined {
  if (where.properties.length !== 1) return undefined;
  const p = where.properties[0];
  if (ts.isShorthandPropertyAssignment(p)) return p.name.text === variable ? p.name.text : undefined;
  if (!ts.isPropertyAssignment(p)) return undefined;
  const key = propertyNameText(p.name);
  return key && usesVariable(unwrap(p.initializer), variable) ? key : undefined;
}

/** `x` or `x.a` (or `x.a.b`) where x is the loop variable. */
export function usesVariable(e: ts.Expression, variable: string): boolean {
  let n = unwrap(e);
  while (ts.isPropertyAccessExpression(n)) n = unwrap(n.expression);
  return ts.isIdentifier(n) && n.text === variable;
}

/** Columns named in a Drizzle filter/order expression: `eq(t.col, …)`, `and(…)`, `desc(t.col)`, `t.col`. */
/** Whether a Prisma `where` matches a list: a `{ in: … }` condition at its top level or in its `AND`. */
export function prismaWhereHasIn(where: ts.ObjectLiteralExpression, depth = 0): boolean {
  if (depth > 4) return false;
  for (const p of where.properties) {
    if (!ts.isPropertyAssignment(p)) continue;
    const key = propertyNameText(p.name);
    const value = unwrap(p.initializer);
    if (key === 'AND') {
      const items = ts.isArrayLiteralExpression(value) ? value.elements : [value];
      if (items.some((i) => ts.isObjectLiteralExpression(unwrap(i)) && prismaWhereHasIn(unwrap(i) as ts.ObjectLiteralExpression, depth + 1))) return true;
    } else if (key !== 'OR' && key !== 'NOT' && ts.isObjectLiteralExpression(value) && objectKeys(value).includes('in')) return true;
  }
  return false;
}

/** Whether a Drizzle filter matches a list: `inArray(…)` itself or inside `and(…)`. */
export function drizzleHasInArray(expr: DrizzleFilter, depth = 0, bindings?: CallbackBindings): boolean {
  if (depth > 8) return false;
  if (ts.isMethodDeclaration(expr)) {
    const ret = expr.body?.statements.find(ts.isReturnStatement);
    return !!ret?.expression && drizzleHasInArray(ret.expression, depth + 1, callbackBindings(expr, bindings));
  }
  const e = unwrap(expr);
  if (ts.isArrowFunction(e) && !ts.isBlock(e.body)) return drizzleHasInArray(e.body, depth + 1, callbackBindings(e, bindings));
  const fn = ts.isCallExpression(e) ? drizzleCallee(e, bindings) : undefined;
  if (!ts.isCallExpression(e) || fn === undefined) return false;
  if (fn === 'inArray') return true;
  return fn === 'and' && e.arguments.some((a) => drizzleHasInArray(a, depth + 1, bindings));
}

/** A Drizzle filter: an expression, or a relational query's method-form `where(fields, ops) { return … }`. */
export type DrizzleFilter = ts.Expression | ts.MethodDeclaration;

/** A relational query's `where` (or `orderBy`): the property's value, or the method of that name (`where(f) { … }`). */
export function drizzleQueryOption(obj: ts.ObjectLiteralExpression, key: string): DrizzleFilter | undefined {
  const value = propertyValue(obj, key);
  if (value) return value;
  for (const p of obj.properties) if (ts.isMethodDeclaration(p) && p.body && propertyNameText(p.name) === key) return p;
  return undefined;
}

/**
 * What a relational query's callback (`where: (fields, ops) => …`) binds: the columns its first parameter
 * destructures (`{ userId: uid }`: local name `uid`, column `userId`), and the name of its second parameter, the
 * operators object (`ops.eq(…)`).
 */
export interface CallbackBindings {
  columns: Map<string, string>;
  operators?: string;
}

export function callbackBindings(fn: ts.SignatureDeclaration, outer?: CallbackBindings): CallbackBindings {
  const columns = new Map(outer?.columns);
  let operators = outer?.operators;
  const [first, second] = fn.parameters;
  if (first && ts.isObjectBindingPattern(first.name)) {
    for (const el of first.name.elements) {
      const column = propertyNameText(el.propertyName ?? el.name);
      if (column && ts.isIdentifier(el.name)) columns.set(el.name.text, column);
    }
  }
  if (second && ts.isIdentifier(second.name)) operators = second.name.text;
  return { columns, operators };
}

/** The operator a call applies (`eq(…)`, or `ops.eq(…)` on the callback's operators parameter), else undefined. */
export function drizzleCallee(call: ts.CallExpression, bindings?: CallbackBindings): string | undefined {
  const callee = unwrap(call.expression);
  if (ts.isIdentifier(callee)) return callee.text;
  if (ts.isPropertyAccessExpression(callee) && bindings?.operators) {
    const owner = unwrap(callee.expression);
    if (ts.isIdentifier(owner) && owner.text === bindings.operators) return callee.name.text;
  }
  return undefined;
}

/** The column an operator's first argument names: `table.column`, or a column the callback destructured. */
export function drizzleColumnArgument(arg: ts.Expression | undefined, bindings?: CallbackBindings): { column: string; owner?: string } | undefined {
  const first = arg ? unwrap(arg) : undefined;
  if (!first) return undefined;
  if (ts.isPropertyAccessExpression(first)) {
    const owner = unwrap(first.expression);
    return { column: first.name.text, owner: ts.isIdentifier(owner) ? owner.text : undefined };
  }
  if (ts.isIdentifier(first)) {
    const column = bindings?.columns.get(first.text);
    if (column) return { column };
  }
  return undefined;
}

export function drizzleColumns(expr: DrizzleFilter): string[] {
  const out: string[] = [];
  const add = (c: string) => {
    if (!out.includes(c)) out.push(c);
  };
  const visit = (node: ts.Node, depth: number, bindings?: CallbackBindings): void => {
    if (depth > 20) return;
    const e = ts.isExpression(node) ? unwrap(node) : node;
    const fn = ts.isCallExpression(e) ? drizzleCallee(e, bindings) : undefined;
    if (ts.isCallExpression(e) && fn !== undefined) {
      if (DRIZZLE_OPERATORS.has(fn)) {
        const column = drizzleColumnArgument(e.arguments[0], bindings);
        if (column) add(column.column);
        return;
      }
      if (fn === 'and' || fn === 'asc' || fn === 'desc') {
        for (const a of e.arguments) visit(a, depth + 1, bindings);
        return;
      }
      return;
    }
    if (ts.isArrowFunction(e) || ts.isFunctionExpression(e) || ts.isMethodDeclaration(e)) {
      if (e.body) visit(e.body, depth + 1, callbackBindings(e, bindings));
      return;
    }
    if (ts.isBlock(e)) {
      for (const st of e.statements) if (ts.isReturnStatement(st) && st.expression) visit(st.expression, depth + 1, bindings);
      return;
    }
    if (ts.isArrayLiteralExpression(e)) {
      for (const el of e.elements) visit(el, depth + 1, bindings);
      return;
    }
    if (ts.isPropertyAccessExpression(e) && depth > 0) add(e.name.text);
  };
  visit(expr, 0);
  // A bare column at the top level (`.orderBy(t.createdAt)`).
  if (!ts.isMethodDeclaration(expr)) {
    const top = unwrap(expr);
    if (ts.isPropertyAccessExpression(top)) add(top.name.text);
  }
  return out;
}

export function drizzleLoopKey(expr: ts.Expression, variable: string): string | undefined {
  const e = unwrap(expr);
  if (!ts.isCallExpression(e) || !ts.isIdentifier(e.expression) || e.expression.text !== 'eq' || e.arguments.length !== 2) return undefined;
  const col = unwrap(e.arguments[0]);
  if (!ts.isPropertyAccessExpression(col)) return undefined;
  return usesVariable(e.arguments[1], variable) ? col.name.text : undefined;
}

export function callbackFields(cb: ts.ArrowFunction | ts.FunctionExpression): string[] {
  const p = cb.parameters[0];
  if (!p) return [];
  const out: string[] = [];
  if (ts.isObjectBindingPattern(p.name)) {
    for (const el of p.name.elements) {
      const k = propertyNameText(el.propertyName ?? el.name);
      if (k && !out.includes(k)) out.push(k);
    }
    return out;
  }
  if (!ts.isIdentifier(p.name)) return out;
  const name = p.name.text;
  const visit = (n: ts.Node): void => {
    if (ts.isPropertyAccessExpression(n) && ts.isIdentifier(n.expression) && n.expression.text === name) {
      if (!out.includes(n.name.text)) out.push(n.name.text);
    }
    ts.forEachChild(n, visit);
  };
  visit(cb.body);
  return out;
}

export function isPromiseCombinator(call: ts.CallExpression): boolean {
  const callee = unwrap(call.expression);
  return (
    ts.isPropertyAccessExpression(callee) &&
    ts.isIdentifier(callee.expression) &&
    callee.expression.text === 'Promise' &&
    PROMISE_COMBINATORS.has(callee.name.text)
  );
}

export function findFunction(node: ts.Node): FunctionNode | undefined {
  for (let n: ts.Node | undefined = node.parent; n; n = n.parent) if (isFunctionNode(n)) return n;
  return undefined;
}

export function isLoggingCall(e: ts.Expression): boolean {
  let n = unwrap(e);
  if (ts.isAwaitExpression(n)) n = unwrap(n.expression);
  if (!ts.isCallExpression(n)) return false;
  let callee = unwrap(n.expression);
  if (!ts.isPropertyAccessExpression(callee)) return false;
  let root: ts.Expression = callee.expression;
  // this.logger.error(…)
  if (ts.isPropertyAccessExpression(root) && root.expression.kind === ts.SyntaxKind.ThisKeyword) {
    return LOGGER_ROOTS.has(root.name.text);
  }
  root = unwrap(root);
  callee = callee as ts.PropertyAccessExpression;
  return ts.isIdentifier(root) && LOGGER_ROOTS.has(root.text);
}

/** A logging function passed by reference (`console.error`, `logger.warn`, `this.logger.error`), as in `.catch(console.error)`. */
export function isLoggingFunction(e: ts.Expression): boolean {
  const n = unwrap(e);
  if (!ts.isPropertyAccessExpression(n)) return false;
  const root = n.expression;
  if (ts.isPropertyAccessExpression(root) && root.expression.kind === ts.SyntaxKind.ThisKeyword) return LOGGER_ROOTS.has(root.name.text);
  const r = unwrap(root);
  return ts.isIdentifier(r) && LOGGER_ROOTS.has(r.text);
}

export function blockOnlyLogs(block: ts.Block): boolean {
  return block.statements.every((st) => ts.isExpressionStatement(st) && isLoggingCall(st.expression));
}

export function exprOnlyLogs(e: ts.ConciseBody): boolean {
  return ts.isExpression(e) && isLoggingCall(e);
}

export function alwaysExits(st: ts.Node): boolean {
  if (ts.isBlock(st)) return statementsExit(st.statements);
  return ts.isReturnStatement(st) || ts.isThrowStatement(st);
}

export function statementsExit(sts: ts.NodeArray<ts.Statement>): boolean {
  const last = sts[sts.length - 1];
  return !!last && (ts.isReturnStatement(last) || ts.isThrowStatement(last));
}

/** drizzle-orm's aggregate helpers (`count()`, `sum(t.x)`, …): one value over all rows. */
const DRIZZLE_AGGREGATES = new Set(['count', 'countDistinct', 'sum', 'sumDistinct', 'avg', 'avgDistinct', 'min', 'max']);
const SQL_AGGREGATES = new Set(['count', 'sum', 'avg', 'min', 'max']);

/**
 * `db.select({ n: count(), total: sql<number>`sum(${t.x})` })`: every field is an aggregate (a drizzle-orm
 * aggregate helper, or a `sql` template whose whole text is one aggregate call, possibly cast or
 * coalesced). `drizzleNames` are the local names imported from drizzle-orm (so a local `count` is not one).
 */
export function isAggregateSelection(fields: ts.ObjectLiteralExpression, drizzleNames: ReadonlySet<string>): boolean {
  if (!fields.properties.length) return false;
  return fields.properties.every((p) => ts.isPropertyAssignment(p) && isAggregateField(p.initializer, drizzleNames));
}

function isAggregateField(e: ts.Expression, drizzleNames: ReadonlySet<string>): boolean {
  let n = unwrap(e);
  // sql`count(*)`.mapWith(Number), count().as('n')
  while (ts.isCallExpression(n) && ts.isPropertyAccessExpression(n.expression) && ['mapWith', 'as'].includes(n.expression.name.text)) {
    n = unwrap(n.expression.expression);
  }
  if (ts.isCallExpression(n) && ts.isIdentifier(n.expression)) {
    return DRIZZLE_AGGREGATES.has(n.expression.text) && drizzleNames.has(n.expression.text);
  }
  if (ts.isTaggedTemplateExpression(n) && ts.isIdentifier(n.tag) && n.tag.text === 'sql' && drizzleNames.has('sql')) {
    const t = n.template;
    // Interpolations are columns or values: a placeholder keeps the text's shape.
    const text = ts.isNoSubstitutionTemplateLiteral(t) ? t.text : t.head.text + t.templateSpans.map((s) => `x${s.literal.text}`).join('');
    return isAggregateSql(text, 0);
  }
  return false;
}

/** `count(*)`, `sum(x)::int`, `cast(count(x) as int)`, `coalesce(sum(x), 0)`: the whole text is one aggregate. */
export function isAggregateSql(text: string, depth = 0): boolean {
  if (depth > 4) return false;
  let s = text.trim();
  // Trailing casts: count(*)::int, sum(x)::numeric(12, 2)
  for (let m; (m = /::\s*[a-z_][\w ]*(\(\s*\d+\s*(,\s*\d+\s*)?\))?\s*$/i.exec(s)); ) s = s.slice(0, m.index).trim();
  const call = wholeCall(s);
  if (!call) return false;
  const name = call.name.toLowerCase();
  if (SQL_AGGREGATES.has(name)) return true;
  if (name === 'cast') {
    const m = /^([\s\S]*)\s+as\s+[a-z_][\w ]*(\(\s*\d+\s*(,\s*\d+\s*)?\))?$/i.exec(call.inner.trim());
    return !!m && isAggregateSql(m[1]!, depth + 1);
  }
  if (name === 'coalesce' && call.args.length === 2) {
    return isAggregateSql(call.args[0]!, depth + 1) && /^\s*(-?\d+(\.\d+)?|'[^']*')\s*$/.test(call.args[1]!);
  }
  return false;
}

/** `name(…)` spanning the whole text (its opening parenthesis closes at the end), with its top-level arguments. */
function wholeCall(s: string): { name: string; inner: string; args: string[] } | undefined {
  const m = /^([a-z_]\w*)\s*\(/i.exec(s);
  if (!m || !s.endsWith(')')) return undefined;
  const open = m[0].length - 1;
  const args: string[] = [];
  let depth = 0;
  let from = open + 1;
  for (let i = open; i < s.length; i++) {
    const ch = s[i];
    if (ch === "'") {
      const close = s.indexOf("'", i + 1);
      if (close < 0) return undefined;
      i = close;
    } else if (ch === '(') depth++;
    else if (ch === ')') {
      depth--;
      if (depth === 0) {
        if (i !== s.length - 1) return undefined; // `count(*) over ()`, `count(*) filter (…)`, `sum(a) + 1`
        args.push(s.slice(from, i));
      }
    } else if (ch === ',' && depth === 1) {
      args.push(s.slice(from, i));
      from = i + 1;
    }
  }
  return depth === 0 ? { name: m[1]!, inner: s.slice(open + 1, -1), args } : undefined;
}
