/**
 * What the code does with a read's rows after the query: aggregates them in JavaScript into a number (a sum, an
 * average, a count), which the database could compute in one row, and which a row cap would silently make wrong.
 * See `DbCall.resultAggregatedInMemory`.
 */
// `import = require` binds the module object itself: no per-access getters from ESM interop on hot paths.
import ts = require('typescript');
import type { Loc } from '../../../../rules/model';
import { climbWrappers, nodeLoc, unwrap } from './ast';

export interface AggregateUse {
  loc: Loc;
  how: string;
  fields: string[];
}

/** Helpers (lodash, remeda, own) that fold a list into one number: `_.sumBy(rows, 'total')`, `meanBy(rows, (r) => r.stars)`. */
const AGGREGATE_HELPERS = new Set(['sum', 'sumBy', 'mean', 'meanBy', 'countBy', 'max', 'maxBy', 'min', 'minBy']);

/**
 * The places where the rows `node` (a query call, possibly awaited) evaluates to are aggregated into numbers: on the
 * expression itself (`(await q).reduce(…)`) or on the `const`/`let` it initializes, after the declaration in the same
 * function. Parent pointers must be set (the file walk is done).
 */
export function inMemoryAggregates(sf: ts.SourceFile, node: ts.Node, scopeOf: (n: ts.Node) => ts.Node): AggregateUse[] {
  const out: AggregateUse[] = [];
  let n = climbWrappers(node);
  if (n.parent && ts.isAwaitExpression(n.parent)) n = climbWrappers(n.parent);
  const p = n.parent;
  if (!p) return out;
  const add = (use: AggregateUse | undefined) => {
    if (use) out.push(use);
  };
  if (ts.isPropertyAccessExpression(p) && p.expression === n) add(memberUse(sf, p));
  if (ts.isVariableDeclaration(p) && p.initializer === n && ts.isIdentifier(p.name)) {
    const name = p.name.text;
    const decl = p;
    const visit = (x: ts.Node): void => {
      if (ts.isIdentifier(x) && x.text === name && x !== decl.name && x.pos >= decl.end) add(referenceUse(sf, x));
      ts.forEachChild(x, visit);
    };
    visit(scopeOf(p));
  }
  return out;
}

/** One reference of the rows variable: `rows.reduce(…)`, `rows.length`, `sumBy(rows, …)`, `for (const r of rows)`. */
function referenceUse(sf: ts.SourceFile, id: ts.Identifier): AggregateUse | undefined {
  const ref = climbWrappers(id);
  const p = ref.parent;
  if (!p) return undefined;
  if (ts.isPropertyAccessExpression(p) && p.expression === ref) return memberUse(sf, p);
  if (ts.isCallExpression(p) && p.arguments[0] === ref) {
    const callee = unwrap(p.expression);
    const name = ts.isIdentifier(callee) ? callee.text : ts.isPropertyAccessExpression(callee) ? callee.name.text : undefined;
    // `Math.max(rows)` is no fold of the rows.
    const math = ts.isPropertyAccessExpression(callee) && ts.isIdentifier(callee.expression) && callee.expression.text === 'Math';
    if (name && AGGREGATE_HELPERS.has(name) && !math) return { loc: nodeLoc(sf, p), how: name, fields: helperFields(p.arguments[1]) };
    return undefined;
  }
  if (ts.isForOfStatement(p) && p.expression === ref) {
    const variable = ts.isVariableDeclarationList(p.initializer) ? p.initializer.declarations[0]?.name : undefined;
    if (onlyAccumulates(p.statement)) return { loc: nodeLoc(sf, p), how: 'for-of', fields: variable && ts.isIdentifier(variable) ? fieldsOf(variable.text, p.statement) : [] };
  }
  return undefined;
}

/** `rows.reduce(…)` into a number, `rows.length` read as a count, `rows.forEach((r) => { total += r.x; })`. */
function memberUse(sf: ts.SourceFile, pa: ts.PropertyAccessExpression): AggregateUse | undefined {
  const method = pa.name.text;
  if (method === 'length') return countRead(pa) ? { loc: nodeLoc(sf, pa), how: 'length', fields: [] } : undefined;
  const c = pa.parent;
  if (!c || !ts.isCallExpression(c) || c.expression !== pa) return undefined;
  const cb = c.arguments[0] ? unwrap(c.arguments[0]) : undefined;
  const fn = cb && (ts.isArrowFunction(cb) || ts.isFunctionExpression(cb)) ? cb : undefined;
  if (method === 'reduce' || method === 'reduceRight') {
    if (!numericSeed(c.arguments[1])) return undefined;
    const row = fn?.parameters[1]?.name;
    return { loc: nodeLoc(sf, c), how: 'reduce', fields: fn && row && ts.isIdentifier(row) ? fieldsOf(row.text, fn.body) : [] };
  }
  if (method === 'forEach' && fn && onlyAccumulates(fn.body)) {
    const row = fn.parameters[0]?.name;
    return { loc: nodeLoc(sf, c), how: 'forEach', fields: row && ts.isIdentifier(row) ? fieldsOf(row.text, fn.body) : [] };
  }
  return undefined;
}

/** No seed (the first row is one), a number, or an object of numbers (`{ sum: 0, count: 0 }`): not a map keyed by rows. */
function numericSeed(seed: ts.Expression | undefined): boolean {
  if (!seed) return true;
  const e = unwrap(seed);
  if (ts.isNumericLiteral(e) || ts.isBigIntLiteral(e)) return true;
  if (ts.isObjectLiteralExpression(e)) {
    return e.properties.length > 0 && e.properties.every((p) => ts.isPropertyAssignment(p) && ts.isNumericLiteral(unwrap(p.initializer)));
  }
  return false;
}

const COMPARISONS = new Set([
  ts.SyntaxKind.EqualsEqualsEqualsToken,
  ts.SyntaxKind.ExclamationEqualsEqualsToken,
  ts.SyntaxKind.EqualsEqualsToken,
  ts.SyntaxKind.ExclamationEqualsToken,
  ts.SyntaxKind.LessThanToken,
  ts.SyntaxKind.LessThanEqualsToken,
  ts.SyntaxKind.GreaterThanToken,
  ts.SyntaxKind.GreaterThanEqualsToken,
]);
const ARITHMETIC = new Set([ts.SyntaxKind.PlusToken, ts.SyntaxKind.MinusToken, ts.SyntaxKind.AsteriskToken, ts.SyntaxKind.SlashToken, ts.SyntaxKind.PercentToken]);

/**
 * `rows.length` read as a number: in arithmetic (`sum / rows.length`), kept (`const count = rows.length`, `{ count:
 * rows.length }`, `return rows.length`, `${rows.length}`). Not an emptiness test or a bound (`!rows.length`, `if
 * (rows.length)`, `rows.length === 0`, `i < rows.length`), nor an index (`rows[rows.length - 1]`) or a loop header.
 */
function countRead(pa: ts.PropertyAccessExpression): boolean {
  let e: ts.Node = climbWrappers(pa);
  for (let depth = 0; depth < 8; depth++) {
    const p = e.parent;
    if (!p) return false;
    if (ts.isPrefixUnaryExpression(p)) return false;
    if (ts.isBinaryExpression(p)) {
      const op = p.operatorToken.kind;
      if (COMPARISONS.has(op)) return false;
      if (op === ts.SyntaxKind.AmpersandAmpersandToken || op === ts.SyntaxKind.BarBarToken) {
        if (p.left === e) return false;
        e = climbWrappers(p);
        continue;
      }
      if (op === ts.SyntaxKind.QuestionQuestionToken) {
        e = climbWrappers(p);
        continue;
      }
      if (ARITHMETIC.has(op)) return !insideIndexOrLoopHeader(p);
      return false;
    }
    if (ts.isConditionalExpression(p)) {
      if (p.condition === e) return false;
      e = climbWrappers(p);
      continue;
    }
    return (
      (ts.isVariableDeclaration(p) && p.initializer === e) ||
      (ts.isPropertyAssignment(p) && p.initializer === e) ||
      (ts.isReturnStatement(p) && p.expression === e) ||
      (ts.isTemplateSpan(p) && !logged(p.parent)) ||
      (ts.isArrowFunction(p) && p.body === e) ||
      ts.isJsxExpression(p)
    );
  }
  return false;
}

/** A log line's text (`console.log(`${rows.length} rows`)`, `logger.info(…)`): not a number the code keeps. */
function logged(template: ts.TemplateExpression): boolean {
  const arg = climbWrappers(template);
  const call = arg.parent;
  if (!call || !ts.isCallExpression(call) || !call.arguments.includes(arg as ts.Expression)) return false;
  const callee = unwrap(call.expression);
  if (!ts.isPropertyAccessExpression(callee)) return false;
  const target = unwrap(callee.expression);
  const name = ts.isIdentifier(target) ? target.text : ts.isPropertyAccessExpression(target) ? target.name.text : '';
  return name === 'console' || name === 'logger' || name === 'log';
}

function insideIndexOrLoopHeader(node: ts.Node): boolean {
  let child: ts.Node = node;
  for (let n = node.parent; n; child = n, n = n.parent) {
    if (ts.isElementAccessExpression(n) && n.argumentExpression === child) return true;
    if (ts.isForStatement(n)) return child !== n.statement;
    if (ts.isStatement(n) || ts.isFunctionLike(n)) return false;
  }
  return false;
}

/**
 * A loop body that only adds into numbers: each statement is `x += …`, `x -= …`, `x *= …`, `x++`/`x--`, `x = x + …`,
 * `x = Math.max(x, …)` (also on `stats.total`), possibly under an `if` without side effects of its own.
 */
function onlyAccumulates(body: ts.Node): boolean {
  let seen = 0;
  const statement = (s: ts.Statement): boolean => {
    if (ts.isBlock(s)) return s.statements.every(statement);
    if (ts.isIfStatement(s)) return statement(s.thenStatement) && (!s.elseStatement || statement(s.elseStatement));
    if (ts.isExpressionStatement(s) && accumulation(s.expression)) {
      seen++;
      return true;
    }
    return false;
  };
  const ok = ts.isBlock(body) ? statement(body) : ts.isExpression(body) ? accumulation(body) && ++seen > 0 : ts.isStatement(body) && statement(body);
  return ok && seen > 0;
}

function isTarget(e: ts.Expression): boolean {
  const t = unwrap(e);
  return ts.isIdentifier(t) || ts.isPropertyAccessExpression(t);
}

function accumulation(expr: ts.Expression): boolean {
  const e = unwrap(expr);
  if (ts.isPostfixUnaryExpression(e) || ts.isPrefixUnaryExpression(e)) {
    const op = e.operator;
    return (op === ts.SyntaxKind.PlusPlusToken || op === ts.SyntaxKind.MinusMinusToken) && isTarget(e.operand);
  }
  if (!ts.isBinaryExpression(e) || !isTarget(e.left)) return false;
  const op = e.operatorToken.kind;
  if (op === ts.SyntaxKind.PlusEqualsToken || op === ts.SyntaxKind.MinusEqualsToken || op === ts.SyntaxKind.AsteriskEqualsToken) return true;
  if (op !== ts.SyntaxKind.EqualsToken) return false;
  // `total = total + r.x`, `best = Math.max(best, r.x)`
  const target = unwrap(e.left).getText();
  const right = unwrap(e.right);
  if (ts.isBinaryExpression(right) && ARITHMETIC.has(right.operatorToken.kind)) return unwrap(right.left).getText() === target;
  if (ts.isCallExpression(right)) {
    const callee = unwrap(right.expression);
    return (
      ts.isPropertyAccessExpression(callee) &&
      ts.isIdentifier(callee.expression) &&
      callee.expression.text === 'Math' &&
      (callee.name.text === 'max' || callee.name.text === 'min') &&
      right.arguments.some((a) => unwrap(a).getText() === target)
    );
  }
  return false;
}

/** Calls that turn a value into a number without changing what it is (`Number(order.total)`, `total.toNumber()`). */
const NUMBER_CASTS = new Set(['Number', 'parseFloat', 'parseInt', 'toNumber', 'valueOf']);

/**
 * The fields of `row` (`row.total`) added up in `body`, in order: operands of arithmetic or of `+=`, or the value of
 * an arrow (`(r) => r.stars`), also through `Number(…)`. Not fields only tested (`r.comment ? 1 : 0`).
 */
function fieldsOf(row: string, body: ts.Node): string[] {
  const out: string[] = [];
  const visit = (n: ts.Node): void => {
    if (ts.isPropertyAccessExpression(n) && ts.isIdentifier(n.expression) && n.expression.text === row && !out.includes(n.name.text) && addedUp(n)) out.push(n.name.text);
    ts.forEachChild(n, visit);
  };
  visit(body);
  return out;
}

function addedUp(access: ts.Expression): boolean {
  let e: ts.Node = climbWrappers(access);
  for (let depth = 0; depth < 4; depth++) {
    const p = e.parent;
    if (!p) return false;
    if (ts.isBinaryExpression(p)) {
      const op = p.operatorToken.kind;
      return ARITHMETIC.has(op) || ((op === ts.SyntaxKind.PlusEqualsToken || op === ts.SyntaxKind.MinusEqualsToken) && p.right === e);
    }
    if (ts.isArrowFunction(p)) return p.body === e;
    if (ts.isCallExpression(p) && p.arguments.includes(e as ts.Expression)) {
      const callee = unwrap(p.expression);
      // `best = Math.max(best, r.points)`
      if (ts.isPropertyAccessExpression(callee) && ts.isIdentifier(callee.expression) && callee.expression.text === 'Math') {
        return callee.name.text === 'max' || callee.name.text === 'min';
      }
      if (p.arguments.length !== 1) return false;
      if (ts.isIdentifier(callee) && NUMBER_CASTS.has(callee.text)) {
        e = climbWrappers(p);
        continue;
      }
      return false;
    }
    // `order.total.toNumber()` (a Prisma Decimal)
    if (ts.isPropertyAccessExpression(p) && p.expression === e && NUMBER_CASTS.has(p.name.text) && p.parent && ts.isCallExpression(p.parent)) {
      e = climbWrappers(p.parent);
      continue;
    }
    return false;
  }
  return false;
}

/** `sumBy(rows, 'total')` / `sumBy(rows, (r) => r.total)`. */
function helperFields(arg: ts.Expression | undefined): string[] {
  if (!arg) return [];
  const e = unwrap(arg);
  if (ts.isStringLiteral(e) || ts.isNoSubstitutionTemplateLiteral(e)) return [e.text];
  if ((ts.isArrowFunction(e) || ts.isFunctionExpression(e)) && e.parameters[0] && ts.isIdentifier(e.parameters[0].name)) {
    return fieldsOf(e.parameters[0].name.text, e.body);
  }
  return [];
}
