/** Small syntax helpers over the TypeScript AST shared by analysis and fixes. */
// `import = require` binds the module object itself: no per-access getters from ESM interop on hot paths.
import ts = require('typescript');
import type { Loc } from '../../../../rules/model';
import { lineOfOffset, sourceLineStarts } from '../lines';

export function scriptKindOf(file: string): ts.ScriptKind {
  if (file.endsWith('.tsx')) return ts.ScriptKind.TSX;
  if (file.endsWith('.jsx')) return ts.ScriptKind.JSX;
  if (/\.(m|c)?js$/.test(file)) return ts.ScriptKind.JS;
  return ts.ScriptKind.TS;
}

export function parse(file: string, text: string, setParents = true): ts.SourceFile {
  return ts.createSourceFile(file, text, ts.ScriptTarget.Latest, setParents, scriptKindOf(file));
}

/** The offsets where the file's LSP lines start (`\n`, `\r\n`, `\r`; not U+2028/U+2029), cached per source file. */
export function lineStartsOf(sf: ts.SourceFile): readonly number[] {
  return sourceLineStarts(sf);
}

/** The LSP position of an offset (see lineStartsOf). */
export function positionOf(sf: ts.SourceFile, offset: number): { line: number; character: number } {
  const starts = lineStartsOf(sf);
  const line = lineOfOffset(starts, offset);
  return { line, character: offset - starts[line] };
}

export function locOf(sf: ts.SourceFile, start: number, end: number): Loc {
  return { file: sf.fileName, range: { start: positionOf(sf, start), end: positionOf(sf, end) } };
}

export function nodeLoc(sf: ts.SourceFile, node: ts.Node): Loc {
  return locOf(sf, node.getStart(sf), node.getEnd());
}

/** The offset of an LSP position (see lineStartsOf), clamped to the text. */
export function offsetOf(sf: ts.SourceFile, pos: { line: number; character: number }): number {
  const lines = lineStartsOf(sf);
  if (pos.line >= lines.length) return sf.text.length;
  return Math.min(lines[pos.line] + pos.character, sf.text.length);
}

/** Strips parentheses, `as`, `!`, `satisfies` and `<T>x`. */
export function unwrap(node: ts.Expression): ts.Expression {
  let n = node;
  for (;;) {
    if (ts.isParenthesizedExpression(n) || ts.isAsExpression(n) || ts.isNonNullExpression(n) || ts.isSatisfiesExpression(n) || ts.isTypeAssertionExpression(n)) {
      n = n.expression;
    } else return n;
  }
}

/** Climbs from an expression over wrappers that do not change what it evaluates to. */
export function climbWrappers(node: ts.Node): ts.Node {
  let n = node;
  while (
    n.parent &&
    (ts.isParenthesizedExpression(n.parent) ||
      ts.isAsExpression(n.parent) ||
      ts.isNonNullExpression(n.parent) ||
      ts.isSatisfiesExpression(n.parent) ||
      ts.isTypeAssertionExpression(n.parent))
  ) {
    n = n.parent;
  }
  return n;
}

export function propertyNameText(name: ts.PropertyName | ts.BindingName | undefined): string | undefined {
  if (!name) return undefined;
  if (ts.isIdentifier(name) || ts.isStringLiteral(name) || ts.isNumericLiteral(name) || ts.isPrivateIdentifier(name)) return name.text;
  if (ts.isNoSubstitutionTemplateLiteral(name)) return name.text;
  return undefined;
}

export type FunctionNode =
  | ts.FunctionDeclaration
  | ts.FunctionExpression
  | ts.ArrowFunction
  | ts.MethodDeclaration
  | ts.ConstructorDeclaration
  | ts.GetAccessorDeclaration
  | ts.SetAccessorDeclaration;

/**
 * The top-level function of a file named `name`: a declaration with a body (an overload's signature is passed over),
 * or `const name = (…) => …` / `function (…) {…}`.
 */
export function topLevelFunction(sf: ts.SourceFile, name: string): FunctionNode | undefined {
  for (const st of sf.statements) {
    if (ts.isFunctionDeclaration(st) && st.name?.text === name && st.body) return st;
    if (!ts.isVariableStatement(st)) continue;
    for (const d of st.declarationList.declarations) {
      if (!ts.isIdentifier(d.name) || d.name.text !== name || !d.initializer) continue;
      const init = unwrap(d.initializer);
      return ts.isArrowFunction(init) || ts.isFunctionExpression(init) ? init : undefined;
    }
  }
  return undefined;
}

export function isFunctionNode(node: ts.Node): node is FunctionNode {
  // One table lookup by kind, not seven calls: every walk of the analysis asks this of each node it meets.
  return FUNCTION_KINDS[node.kind] === true;
}

const FUNCTION_KINDS: boolean[] = [];
for (const kind of [
  ts.SyntaxKind.FunctionDeclaration,
  ts.SyntaxKind.FunctionExpression,
  ts.SyntaxKind.ArrowFunction,
  ts.SyntaxKind.MethodDeclaration,
  ts.SyntaxKind.Constructor,
  ts.SyntaxKind.GetAccessor,
  ts.SyntaxKind.SetAccessor,
]) {
  FUNCTION_KINDS[kind] = true;
}

/** A function expression passed directly as an argument of a call (`xs.map(async (x) => …)`). */
export function isInlineCallback(fn: ts.Node): fn is ts.ArrowFunction | ts.FunctionExpression {
  if (!ts.isArrowFunction(fn) && !ts.isFunctionExpression(fn)) return false;
  const p = climbWrappers(fn).parent;
  return !!p && ts.isCallExpression(p) && p.arguments.some((a) => unwrap(a) === fn);
}

/** The call an inline callback is an argument of. */
export function callOfCallback(fn: ts.Node): ts.CallExpression | undefined {
  const p = climbWrappers(fn).parent;
  return p && ts.isCallExpression(p) ? p : undefined;
}

/** Name of a method called: `xs.forEach` → `forEach`. */
export function calleeMethodName(call: ts.CallExpression): string | undefined {
  const callee = unwrap(call.expression);
  if (ts.isPropertyAccessExpression(callee)) return callee.name.text;
  return undefined;
}

/** The name a function is known by: declaration name, variable, property, method; callbacks get `<outer><callback>`. */
export function functionName(fn: FunctionNode, outerName: () => string): string {
  if ((ts.isFunctionDeclaration(fn) || ts.isFunctionExpression(fn)) && fn.name) return fn.name.text;
  if (ts.isMethodDeclaration(fn) || ts.isGetAccessorDeclaration(fn) || ts.isSetAccessorDeclaration(fn)) {
    return propertyNameText(fn.name) ?? '<method>';
  }
  if (ts.isConstructorDeclaration(fn)) return 'constructor';
  if (ts.isFunctionDeclaration(fn)) return 'default';
  const holder = climbWrappers(fn).parent;
  if (holder) {
    if (ts.isVariableDeclaration(holder) && ts.isIdentifier(holder.name)) return holder.name.text;
    if (ts.isPropertyAssignment(holder) || ts.isPropertyDeclaration(holder)) return propertyNameText(holder.name) ?? '<function>';
    if (ts.isExportAssignment(holder)) return 'default';
    if (ts.isBinaryExpression(holder) && holder.operatorToken.kind === ts.SyntaxKind.EqualsToken) {
      const left = holder.left;
      if (ts.isIdentifier(left)) return left.text;
      if (ts.isPropertyAccessExpression(left)) return left.name.text;
    }
    if (ts.isCallExpression(holder)) return resolverName(holder, climbWrappers(fn)) ?? `${outerName()}<callback>`;
    if (ts.isNewExpression(holder)) return processorName(holder, climbWrappers(fn)) ?? `${outerName()}<callback>`;
  }
  return '<function>';
}

/** A job processor given to a constructor with its queue's name: `new Worker('emails', async (job) => …)` → `new Worker('emails')`. */
function processorName(call: ts.NewExpression, callback: ts.Node): string | undefined {
  const callee = unwrap(call.expression);
  const queue = call.arguments?.[0];
  if (!ts.isIdentifier(callee) || !queue || !ts.isStringLiteralLike(queue) || queue === callback) return undefined;
  return `new ${callee.text}('${queue.text}')`;
}

const HTTP_METHODS = new Set(['get', 'post', 'put', 'patch', 'delete', 'del', 'all', 'options', 'head']);

/**
 * A tRPC resolver is known by the router key its procedure chain is the value of:
 * `publish: protectedProcedure.input(…).mutation(async ({ ctx }) => …)` → `publish`.
 */
function resolverName(call: ts.CallExpression, callback: ts.Node): string | undefined {
  const callee = unwrap(call.expression);
  if (!ts.isPropertyAccessExpression(callee)) return undefined;
  // A route handler (Express, Hono, Fastify), its last argument: `router.post('/orders', async (req, res) => …)` → `router.post('/orders')`.
  const route = call.arguments[0];
  if (
    HTTP_METHODS.has(callee.name.text) &&
    route &&
    ts.isStringLiteralLike(route) &&
    call.arguments[call.arguments.length - 1] === callback &&
    ts.isIdentifier(unwrap(callee.expression))
  ) {
    return `${(unwrap(callee.expression) as ts.Identifier).text}.${callee.name.text}('${route.text}')`;
  }
  if (!['query', 'mutation', 'subscription'].includes(callee.name.text) || call.arguments[0] !== callback) return undefined;
  // The outermost call of the chain (`….mutation(…)` may be followed by nothing, or be wrapped in parentheses).
  let top: ts.Node = call;
  while (top.parent && ts.isPropertyAccessExpression(top.parent) && top.parent.parent && ts.isCallExpression(top.parent.parent)) {
    top = top.parent.parent;
  }
  while (top.parent && (ts.isParenthesizedExpression(top.parent) || ts.isAsExpression(top.parent) || ts.isSatisfiesExpression(top.parent))) {
    top = top.parent;
  }
  const holder = top.parent;
  if (holder && ts.isPropertyAssignment(holder) && holder.initializer === top) return propertyNameText(holder.name);
  if (holder && ts.isVariableDeclaration(holder) && holder.initializer === top && ts.isIdentifier(holder.name)) return holder.name.text;
  return undefined;
}

export function functionBody(fn: FunctionNode): ts.Node | undefined {
  return fn.body;
}

export function isStatementNode(node: ts.Node): node is ts.Statement {
  const p = node.parent;
  if (!p) return false;
  if (ts.isBlock(p) || ts.isSourceFile(p) || ts.isModuleBlock(p) || ts.isCaseClause(p) || ts.isDefaultClause(p)) return true;
  if (ts.isIfStatement(p)) return node === p.thenStatement || node === p.elseStatement;
  if (ts.isIterationStatement(p, false)) return node === p.statement;
  if (ts.isLabeledStatement(p)) return node === p.statement;
  return false;
}

/** The innermost statement containing a node. */
export function statementOf(node: ts.Node): ts.Node {
  let n: ts.Node = node;
  while (n.parent && !isStatementNode(n)) {
    if (ts.isSourceFile(n.parent)) break;
    n = n.parent;
  }
  return n;
}

export function contains(outer: ts.Node, inner: ts.Node): boolean {
  return inner.pos >= outer.pos && inner.end <= outer.end;
}

/** Display text of an expression, shortened (`sendWelcomeEmail(…)`). */
export function shortText(sf: ts.SourceFile, expr: ts.Expression): string {
  const e = unwrap(expr);
  if (ts.isCallExpression(e)) {
    const callee = e.expression.getText(sf).replace(/\s+/g, '');
    return `${callee.length > 60 ? callee.slice(0, 57) + '…' : callee}(${e.arguments.length ? '…' : ''})`;
  }
  const t = e.getText(sf).replace(/\s+/g, ' ');
  return t.length > 60 ? t.slice(0, 57) + '…' : t;
}
