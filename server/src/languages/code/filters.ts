/**
 * The filter terms of a query (`DbCall.filterTerms`): which columns it filters by, how (equality, list, range,
 * other) and whether every run applies the condition. Syntax only (no type checker): the literal filter, plus a
 * local `const`/`let` of the same function the filter names (a `conditions` list filled with `push` and spread into
 * `and(...conditions)`, a `whereClause` holding `and(…)`, a Prisma `where` object built by property assignment or
 * a list of conditions for its `AND` filled with `push`). A variable of the same name declared in an inner block is
 * another variable.
 */
import ts = require('typescript');
import type { FilterTerm } from '../../../../rules/model';
import { isFunctionNode, propertyNameText, unwrap } from './ast';
import { type CallbackBindings, type DrizzleFilter, callbackBindings, drizzleCallee, drizzleColumnArgument } from './patterns';

const DRIZZLE_OPS: Record<string, FilterTerm['op']> = {
  eq: 'eq', isNull: 'eq', inArray: 'list',
  gt: 'range', gte: 'range', lt: 'range', lte: 'range', between: 'range',
  ne: 'other', like: 'other', ilike: 'other', notLike: 'other', notIlike: 'other', notInArray: 'other', isNotNull: 'other',
  notBetween: 'other', arrayContains: 'other', arrayContained: 'other', arrayOverlaps: 'other',
};
const PRISMA_RANGE = new Set(['gt', 'gte', 'lt', 'lte']);
const MAX_DEPTH = 24;

/** One value a local variable may hold where the query uses it, and whether every run gives it that value. */
interface Held {
  expr: ts.Expression;
  conditional: boolean;
}

/** What a local variable holds at a use: its initializer, then what is pushed into it or assigned to it. */
interface Binding {
  initializer?: ts.Expression;
  /** Arguments of `x.push(…)` between the declaration and the use. */
  pushed: Held[];
  /** `x = …` between the declaration and the use. */
  assigned: Held[];
  /** `x.col = …` / `x.col.gte = …` between the declaration and the use (Prisma `where` objects). */
  properties: { path: string[]; value: ts.Expression; conditional: boolean }[];
}

function containerOf(node: ts.Node): ts.Node | undefined {
  for (let n = node.parent; n; n = n.parent) if (isFunctionNode(n) || ts.isSourceFile(n)) return n;
  return undefined;
}

/**
 * The `const`/`let`/`var` declaration of `id` in the blocks around it, within its function (or, `throughCallbacks`,
 * also in the functions around it, unless one of their parameters has that name).
 */
function declarationOf(id: ts.Identifier, throughCallbacks = false): ts.VariableDeclaration | undefined {
  const name = id.text;
  for (let n: ts.Node | undefined = id.parent; n; n = n.parent) {
    const statements = ts.isBlock(n) || ts.isSourceFile(n) || ts.isModuleBlock(n) ? n.statements : ts.isCaseClause(n) || ts.isDefaultClause(n) ? n.statements : undefined;
    if (statements) {
      let found: ts.VariableDeclaration | undefined;
      for (const st of statements) {
        if (st.pos >= id.pos) break;
        if (!ts.isVariableStatement(st)) continue;
        for (const d of st.declarationList.declarations) if (ts.isIdentifier(d.name) && d.name.text === name) found = d;
      }
      if (found) return found;
    }
    if (isFunctionNode(n) && (!throughCallbacks || n.parameters.some((p) => !ts.isIdentifier(p.name) || p.name.text === name))) return undefined;
  }
  return undefined;
}

/**
 * `x` or `x.a.b` rooted at the variable `decl` declares: the property path (`[]`, `['a', 'b']`), else undefined
 * (another variable, or one of the same name declared in an inner block).
 */
function pathFrom(e: ts.Expression, decl: ts.VariableDeclaration): string[] | undefined {
  const path: string[] = [];
  let n = unwrap(e);
  for (;;) {
    if (ts.isIdentifier(n)) return refersTo(n, decl) ? path.reverse() : undefined;
    if (ts.isPropertyAccessExpression(n)) path.push(n.name.text);
    else if (ts.isElementAccessExpression(n) && ts.isStringLiteralLike(n.argumentExpression)) path.push(n.argumentExpression.text);
    else return undefined;
    n = unwrap(n.expression);
  }
}

/** `id` names the variable `decl` declares (not one of the same name declared in a block nearer to it). */
function refersTo(id: ts.Identifier, decl: ts.VariableDeclaration): boolean {
  return ts.isIdentifier(decl.name) && id.text === decl.name.text && declarationOf(id, true) === decl;
}

function bindingOf(id: ts.Identifier): Binding | undefined {
  const decl = declarationOf(id);
  if (!decl) return undefined;
  const statement = decl.parent?.parent;
  const level = statement?.parent;
  const container = containerOf(decl);
  if (!statement || !level || !container) return undefined;
  const from = decl.end;
  const to = id.pos;
  const binding: Binding = { initializer: decl.initializer, pushed: [], assigned: [], properties: [] };
  /** Every run reaches it: a statement of the declaration's own block, not nested in an `if`, loop or callback. */
  const always = (node: ts.Node): boolean => {
    let n: ts.Node = node;
    while (n.parent && (ts.isParenthesizedExpression(n.parent) || ts.isAwaitExpression(n.parent))) n = n.parent;
    return !!n.parent && ts.isExpressionStatement(n.parent) && n.parent.parent === level;
  };
  const visit = (n: ts.Node): void => {
    if (n.end <= from || n.pos >= to) return;
    if (ts.isCallExpression(n) && ts.isPropertyAccessExpression(n.expression) && n.expression.name.text === 'push' && n.pos >= from && n.end <= to) {
      const target = unwrap(n.expression.expression);
      if (ts.isIdentifier(target) && refersTo(target, decl)) {
        const conditional = !always(n);
        for (const a of n.arguments) binding.pushed.push({ expr: a, conditional });
      }
    }
    if (ts.isBinaryExpression(n) && n.operatorToken.kind === ts.SyntaxKind.EqualsToken && n.pos >= from && n.end <= to) {
      const path = pathFrom(n.left, decl);
      if (path && path.length === 0) binding.assigned.push({ expr: n.right, conditional: !always(n) });
      else if (path) binding.properties.push({ path, value: n.right, conditional: !always(n) });
    }
    ts.forEachChild(n, visit);
  };
  ts.forEachChild(container, visit);
  return binding;
}

/**
 * A new value that keeps what the variable held, adding to it: `where = { ...where, status }`,
 * `conditions = [...conditions, eq(…)]`, `whereClause = and(whereClause, eq(…))`.
 */
function keepsItself(value: ts.Expression, name: string): boolean {
  const v = unwrap(value);
  const self = (x: ts.Expression) => {
    const n = unwrap(x);
    return ts.isIdentifier(n) && n.text === name;
  };
  if (ts.isObjectLiteralExpression(v)) return v.properties.some((p) => ts.isSpreadAssignment(p) && self(p.expression));
  if (ts.isArrayLiteralExpression(v)) return v.elements.some((el) => ts.isSpreadElement(el) && self(el.expression));
  if (ts.isCallExpression(v) && ts.isIdentifier(v.expression) && v.expression.text === 'and') return v.arguments.some((a) => self(ts.isSpreadElement(a) ? a.expression : a));
  return false;
}

function isUndefined(e: ts.Expression): boolean {
  const n = unwrap(e);
  return (ts.isIdentifier(n) && n.text === 'undefined') || n.kind === ts.SyntaxKind.NullKeyword;
}

/** `xs.length`, `xs.length > 0`, `!!xs.length`: a test that only says whether a list is empty. */
function isLengthTest(e: ts.Expression): boolean {
  let n = unwrap(e);
  while (ts.isPrefixUnaryExpression(n) && n.operator === ts.SyntaxKind.ExclamationToken) n = unwrap(n.operand);
  if (ts.isBinaryExpression(n)) n = unwrap(n.left);
  return ts.isPropertyAccessExpression(n) && n.name.text === 'length';
}

/**
 * Sets the parent pointers of `node`'s descendants (the code walk sets them as it goes, so a call's arguments have
 * none yet when the call is handled): the same pointers the walk sets later.
 */
export function setParentsBelow(node: ts.Node): void {
  const visit = (n: ts.Node): void => {
    ts.forEachChild(n, (c) => {
      (c as { parent: ts.Node }).parent = n;
      visit(c);
    });
  };
  visit(node);
}

/**
 * Follows a local variable a filter names, once per variable on a path: its initializer (conditional when the
 * variable is later set to something else), each assignment (conditional), each push (as conditional as the push),
 * then `more` (the property assignments of a Prisma `where` object).
 */
function followVariable(
  e: ts.Identifier,
  following: Set<string>,
  conditional: boolean,
  depth: number,
  visit: (node: ts.Expression, conditional: boolean, depth: number) => void,
  more?: (binding: Binding) => void,
): void {
  if (following.has(e.text)) return;
  const binding = bindingOf(e);
  if (!binding) return;
  following.add(e.text);
  const reassigned = binding.assigned.some((h) => !keepsItself(h.expr, e.text));
  if (binding.initializer) visit(binding.initializer, conditional || reassigned, depth + 1);
  for (const h of binding.assigned) visit(h.expr, true, depth + 1);
  for (const h of binding.pushed) visit(h.expr, conditional || h.conditional, depth + 1);
  more?.(binding);
  following.delete(e.text);
}

class Terms {
  readonly list: FilterTerm[] = [];
  add(column: string, op: FilterTerm['op'], conditional: boolean, table?: string): void {
    const same = this.list.find((t) => t.column === column && t.op === op && t.table === table);
    if (same) {
      if (!conditional) delete same.conditional;
      return;
    }
    const term: FilterTerm = { column, op };
    if (conditional) term.conditional = true;
    if (table !== undefined) term.table = table;
    this.list.push(term);
  }
}

/**
 * The filter terms of a Drizzle `where` (`.where(…)` argument or the relational `where:` value): operator calls
 * (`eq(t.symbol, s)`), `and(…)` (terms as they are), `or(…)` (each arm conditional), `?:` (each side conditional,
 * except `xs.length ? and(...xs) : undefined`), and local variables followed as described above.
 */
export function drizzleFilterTerms(expr: DrizzleFilter): FilterTerm[] {
  const terms = new Terms();
  const following = new Set<string>();
  // What the relational query's callback being read binds (destructured columns, the operators parameter).
  let bindings: CallbackBindings | undefined;
  const visit = (node: ts.Node, conditional: boolean, depth: number): void => {
    if (depth > MAX_DEPTH) return;
    const e = ts.isExpression(node) ? unwrap(node) : node;
    if (ts.isIdentifier(e)) {
      if (e.text !== 'undefined') followVariable(e, following, conditional, depth, visit);
      return;
    }
    if (ts.isSpreadElement(e)) return visit(e.expression, conditional, depth + 1);
    if (ts.isConditionalExpression(e)) {
      const emptyElse = isUndefined(e.whenFalse) && isLengthTest(e.condition);
      visit(e.whenTrue, conditional || !emptyElse, depth + 1);
      if (!isUndefined(e.whenFalse)) visit(e.whenFalse, true, depth + 1);
      return;
    }
    const fn = ts.isCallExpression(e) ? drizzleCallee(e, bindings) : undefined;
    if (ts.isCallExpression(e) && fn !== undefined) {
      const op = DRIZZLE_OPS[fn];
      if (op) {
        const column = drizzleColumnArgument(e.arguments[0], bindings);
        if (column) terms.add(column.column, op, conditional, column.owner);
        return;
      }
      if (fn === 'and') for (const a of e.arguments) visit(a, conditional, depth + 1);
      else if (fn === 'or') {
        const single = e.arguments.length === 1 && !ts.isSpreadElement(e.arguments[0]!);
        for (const a of e.arguments) visit(a, conditional || !single, depth + 1);
      }
      return;
    }
    if (ts.isArrowFunction(e) || ts.isFunctionExpression(e) || ts.isMethodDeclaration(e)) {
      const outer = bindings;
      bindings = callbackBindings(e, outer);
      if (e.body) visit(e.body, conditional, depth + 1);
      bindings = outer;
      return;
    }
    if (ts.isBlock(e)) {
      for (const st of e.statements) if (ts.isReturnStatement(st) && st.expression) visit(st.expression, conditional, depth + 1);
      return;
    }
    if (ts.isArrayLiteralExpression(e)) for (const el of e.elements) visit(el, conditional, depth + 1);
  };
  visit(expr, false, 0);
  return terms.list;
}

/** The other side of a value that may be `undefined` (`x ?? undefined`, `x || undefined`, `c ? x : undefined`), else undefined. */
function definedSide(value: ts.Expression): ts.Expression | undefined {
  const v = unwrap(value);
  if (ts.isBinaryExpression(v) && (v.operatorToken.kind === ts.SyntaxKind.QuestionQuestionToken || v.operatorToken.kind === ts.SyntaxKind.BarBarToken) && isUndefined(v.right)) return v.left;
  if (ts.isConditionalExpression(v)) {
    if (isUndefined(v.whenFalse) && !isUndefined(v.whenTrue)) return v.whenTrue;
    if (isUndefined(v.whenTrue) && !isUndefined(v.whenFalse)) return v.whenFalse;
  }
  return undefined;
}

function prismaOp(value: ts.Expression | undefined): FilterTerm['op'] {
  const v = value ? unwrap(value) : undefined;
  if (!v || !ts.isObjectLiteralExpression(v)) return 'eq';
  const keys = v.properties.map((p) => (ts.isSpreadAssignment(p) ? '...' : propertyNameText(p.name) ?? ''));
  // `mode: 'insensitive'` compares with ILIKE (Postgres): no plain B-tree index serves it.
  if (v.properties.some((p) => ts.isPropertyAssignment(p) && propertyNameText(p.name) === 'mode' && !(ts.isStringLiteralLike(p.initializer) && p.initializer.text === 'default'))) return 'other';
  if (keys.includes('equals')) return 'eq';
  if (keys.includes('in')) return 'list';
  if (keys.some((k) => PRISMA_RANGE.has(k))) return 'range';
  return 'other';
}

/**
 * The filter terms of a Prisma `where`: an object literal (keys as columns; `AND` as they are, `OR` arms
 * conditional, `NOT` skipped; `...(s && { status: s })` conditional), or a local object built by property
 * assignment (`where.symbol = s` under an `if` is conditional, `where.executedAt = { gte }` a range).
 */
export function prismaFilterTerms(where: ts.Expression): FilterTerm[] {
  const terms = new Terms();
  const following = new Set<string>();
  const visit = (node: ts.Expression, conditional: boolean, depth: number): void => {
    if (depth > MAX_DEPTH) return;
    const e = unwrap(node);
    if (ts.isIdentifier(e)) {
      // A list of conditions for `AND`/`OR` is followed through its pushes too: `and.push({ symbol })`.
      followVariable(e, following, conditional, depth, visit, (binding) => {
        for (const p of binding.properties) {
          const [key, sub] = p.path;
          const cond = conditional || p.conditional;
          if (!key || p.path.length > 2) continue;
          if (key === 'AND' || key === 'OR') {
            if (!sub) visit(p.value, cond || key === 'OR', depth + 1);
          } else if (key !== 'NOT') {
            const defined = definedSide(p.value);
            terms.add(key, sub ? (PRISMA_RANGE.has(sub) ? 'range' : sub === 'in' ? 'list' : sub === 'equals' ? 'eq' : 'other') : prismaOp(defined ?? p.value), cond || defined !== undefined);
          }
        }
      });
      return;
    }
    if (ts.isConditionalExpression(e)) {
      visit(e.whenTrue, true, depth + 1);
      visit(e.whenFalse, true, depth + 1);
      return;
    }
    if (ts.isBinaryExpression(e) && (e.operatorToken.kind === ts.SyntaxKind.AmpersandAmpersandToken || e.operatorToken.kind === ts.SyntaxKind.BarBarToken || e.operatorToken.kind === ts.SyntaxKind.QuestionQuestionToken)) {
      if (e.operatorToken.kind !== ts.SyntaxKind.AmpersandAmpersandToken) visit(e.left, true, depth + 1);
      visit(e.right, true, depth + 1);
      return;
    }
    if (ts.isArrayLiteralExpression(e)) {
      for (const el of e.elements) visit(ts.isSpreadElement(el) ? el.expression : el, conditional, depth + 1);
      return;
    }
    if (!ts.isObjectLiteralExpression(e)) return;
    for (const p of e.properties) {
      if (ts.isSpreadAssignment(p)) {
        // `...where` applies what `where` holds; `...(s && { status: s })` is conditional through the `&&`.
        visit(p.expression, conditional, depth + 1);
        continue;
      }
      if (!ts.isPropertyAssignment(p) && !ts.isShorthandPropertyAssignment(p)) continue;
      const key = propertyNameText(p.name);
      if (!key || key === 'NOT') continue;
      const value = ts.isPropertyAssignment(p) ? unwrap(p.initializer) : undefined;
      if (key === 'AND' || key === 'OR') {
        if (value) visit(value, conditional || key === 'OR', depth + 1);
        continue;
      }
      // Compound unique input: userId_courseId: { userId, courseId }
      if (value && ts.isObjectLiteralExpression(value) && key.includes('_')) {
        const inner = value.properties.map((ip) => (ts.isSpreadAssignment(ip) ? '...' : propertyNameText(ip.name) ?? ''));
        if (inner.length > 1 && inner.join('_') === key) {
          for (const k of inner) terms.add(k, 'eq', conditional);
          continue;
        }
      }
      // `status: s ?? undefined`, `status: s ? s : undefined`: Prisma ignores a filter whose value is undefined.
      const defined = value && definedSide(value);
      terms.add(key, prismaOp(defined ?? value), conditional || defined !== undefined);
    }
  };
  visit(where, false, 0);
  return terms.list;
}
