/**
 * Fix writers for the code intents. Each re-reads and re-parses the file, finds the facts' nodes by
 * their ranges, writes the smallest edit, and checks that the result parses with no new syntax errors;
 * when a shape is not one it can rewrite without changing behaviour it returns undefined.
 */
import * as ts from 'typescript';
import type { CodeFile, DbCall, Loc, Orm, WritingCall } from '../../../../rules/model';
import type { FixIntent } from '../../../../rules/types';
import type { FileEdit, SourceReader, TextEdit } from '../types';
import {
  callOfCallback,
  climbWrappers,
  contains,
  isFunctionNode,
  isInlineCallback,
  offsetOf,
  parse,
  positionOf,
  propertyNameText,
  topLevelFunction,
  unwrap,
  type FunctionNode,
} from './ast';
import { importResolver, TsconfigPaths, type FileSet, type WorkspacePackages } from './resolve';

export function writeCodeFix(intent: FixIntent, reader: SourceReader): FileEdit[] | undefined {
  switch (intent.kind) {
    case 'wrapInTransaction':
      return wrapInTransaction(intent.file, intent.calls, intent.transactionClient, reader, intent.enclose);
    case 'useTransactionClient':
      return useTransactionClient(intent.file, intent.call, intent.transaction.callbackParam, reader);
    case 'addLimit':
      return addLimit(intent.file, intent.call, intent.limit, reader);
    case 'batchQueryInLoop':
      return batchQueryInLoop(intent.file, intent.call, reader);
    default:
      return undefined;
  }
}

// ---------------------------------------------------------------------------------------------
// Shared
// ---------------------------------------------------------------------------------------------

interface Source {
  file: string;
  text: string;
  sf: ts.SourceFile;
}

/**
 * The last few files parsed for fixes: a review writes the fix of every finding of a file in turn, each from
 * the same text, and parsing it again for each was most of their time (measured at 1,500 lines: 36 → 14 ms a
 * wrap, 17 → 0.5 ms a `take`). A changed text is parsed anew.
 */
const parsedForFixes = new Map<string, Source>();

function load(file: string, reader: SourceReader): Source | undefined {
  const text = reader.read(file);
  if (text === undefined) return undefined;
  const cached = parsedForFixes.get(file);
  if (cached && cached.text === text) return cached;
  const src = { file, text, sf: parse(file, text) };
  parsedForFixes.delete(file);
  if (text.length > 500_000) return src; // kept in memory past the review otherwise
  parsedForFixes.set(file, src);
  if (parsedForFixes.size > 4) parsedForFixes.delete(parsedForFixes.keys().next().value!);
  return src;
}

function parseErrorCount(sf: ts.SourceFile): number {
  return ((sf as unknown as { parseDiagnostics?: ts.Diagnostic[] }).parseDiagnostics ?? []).length;
}

function parseErrorsIn(sf: ts.SourceFile, start: number, end: number): boolean {
  return ((sf as unknown as { parseDiagnostics?: ts.Diagnostic[] }).parseDiagnostics ?? []).some((d) => d.start !== undefined && d.start >= start && d.start <= end);
}

/** Turns offset replacements into a FileEdit, after checking the result parses no worse than before. */
function finish(src: Source, replacements: { start: number; end: number; text: string }[]): FileEdit[] | undefined {
  if (!replacements.length) return undefined;
  const sorted = [...replacements].sort((a, b) => b.start - a.start);
  for (let i = 1; i < sorted.length; i++) if (sorted[i].end > sorted[i - 1].start) return undefined; // overlapping
  let out = src.text;
  for (const r of sorted) out = out.slice(0, r.start) + r.text + out.slice(r.end);
  if (parseErrorCount(parse(src.file, out)) > parseErrorCount(src.sf)) return undefined;
  const edits: TextEdit[] = sorted.reverse().map((r) => {
    return { range: { start: positionOf(src.sf, r.start), end: positionOf(src.sf, r.end) }, newText: r.text };
  });
  return [{ file: src.file, edits }];
}

function within(src: Source, loc: Loc, start: number, end: number): boolean {
  const s = span(src, loc);
  return s.start >= start && s.end <= end;
}

function span(src: Source, loc: Loc): { start: number; end: number } {
  return { start: offsetOf(src.sf, loc.range.start), end: offsetOf(src.sf, loc.range.end) };
}

/** The call (or tagged template) exactly at a fact's range. */
function findCall(src: Source, loc: Loc): ts.CallExpression | ts.TaggedTemplateExpression | undefined {
  const { start, end } = span(src, loc);
  let found: ts.CallExpression | ts.TaggedTemplateExpression | undefined;
  const visit = (n: ts.Node): void => {
    if (found || n.pos > start || n.end < end) return;
    if ((ts.isCallExpression(n) || ts.isTaggedTemplateExpression(n)) && n.getStart(src.sf) === start && n.end === end) {
      found = n;
      return;
    }
    ts.forEachChild(n, visit);
  };
  visit(src.sf);
  return found;
}

/** The outermost node exactly at a fact's range (a loop statement, a `xs.map(…)` call). */
function findNode(src: Source, loc: Loc): ts.Node | undefined {
  const { start, end } = span(src, loc);
  let found: ts.Node | undefined;
  const visit = (n: ts.Node): void => {
    if (found || n.pos > start || n.end < end) return;
    if (n.kind !== ts.SyntaxKind.SourceFile && n.getStart(src.sf) === start && n.end === end) {
      found = n;
      return;
    }
    ts.forEachChild(n, visit);
  };
  visit(src.sf);
  return found;
}

function enclosingFunctionNode(node: ts.Node): FunctionNode | undefined {
  for (let n: ts.Node | undefined = node.parent; n; n = n.parent) if (isFunctionNode(n)) return n;
  return undefined;
}

/** The function a statement really belongs to: inline callbacks (`xs.map(…)`) belong to their caller. */
function ownerFunction(node: ts.Node): FunctionNode | undefined {
  for (let n: ts.Node | undefined = node.parent; n; n = n.parent) {
    if (isFunctionNode(n) && !isInlineCallback(n)) return n;
  }
  return undefined;
}

function isAsync(fn: FunctionNode | undefined): boolean {
  if (!fn) return true; // module level: top-level await in an ES module
  return (ts.getModifiers(fn) ?? []).some((m) => m.kind === ts.SyntaxKind.AsyncKeyword);
}

function identifiersIn(node: ts.Node): Set<string> {
  const names = new Set<string>();
  const visit = (n: ts.Node): void => {
    if (ts.isIdentifier(n)) names.add(n.text);
    ts.forEachChild(n, visit);
  };
  visit(node);
  return names;
}

function freshName(taken: Set<string>, base: string): string {
  if (!taken.has(base)) return base;
  for (let i = 2; ; i++) if (!taken.has(`${base}${i}`)) return `${base}${i}`;
}

function lineIndent(text: string, offset: number): string {
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  return /^[ \t]*/.exec(text.slice(lineStart, offset))?.[0] ?? '';
}

/** The file's indentation unit: a tab, or the smallest non-zero run of leading spaces (2 by default). */
function indentUnit(text: string): string {
  let smallest = 0;
  for (const m of text.matchAll(/\n( +|\t)\S/g)) {
    if (m[1] === '\t') return '\t';
    if (!smallest || m[1].length < smallest) smallest = m[1].length;
    if (smallest === 2) break;
  }
  return ' '.repeat(smallest || 2);
}

/** Offsets of line starts that lie inside template literals (their text must not be re-indented). */
function templateInteriors(sf: ts.SourceFile, start: number, end: number): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  const visit = (n: ts.Node): void => {
    if (n.end < start || n.pos > end) return;
    if (ts.isNoSubstitutionTemplateLiteral(n) || ts.isTemplateExpression(n)) out.push([n.getStart(sf), n.end]);
    ts.forEachChild(n, visit);
  };
  visit(sf);
  return out;
}

// ---------------------------------------------------------------------------------------------
// wrapInTransaction
// ---------------------------------------------------------------------------------------------

type CallFact = Pick<DbCall, 'loc' | 'statementLoc'> & { orm?: Orm; client?: string; awaited?: boolean; returned?: boolean; driver?: string };

/**
 * Drizzle drivers whose `db.transaction(cb)` calls the callback synchronously and does not await what it
 * returns: with an async callback better-sqlite3 throws ("Transaction function cannot return a promise") and
 * the others commit at the callback's first `await`, leaving the later writes outside the transaction.
 */
const SYNC_TRANSACTION_DRIVERS = new Set([
  'drizzle-orm/better-sqlite3',
  'drizzle-orm/bun-sqlite',
  'drizzle-orm/sql-js',
  'drizzle-orm/expo-sqlite',
  'drizzle-orm/op-sqlite',
  'drizzle-orm/durable-sqlite',
]);

interface WrapPlan {
  src: Source;
  container: ts.Node & { statements: ts.NodeArray<ts.Statement> };
  first: number;
  last: number;
  /** Names declared in the range and used after it, with the declaration keyword to keep. */
  exported: string[];
  keyword: 'const' | 'let' | 'var';
  /**
   * Variables declared before the range (locals, parameters) that it assigns and later code reads, when it
   * declares none that later code reads: TypeScript does not follow assignments made inside a callback (a
   * `let user: User | null = null` would stay `null` after it, a `let user: User` unassigned), so they are
   * assigned again from the transaction's result (`user = await prisma.$transaction(…)`).
   */
  reassigned: string[];
  /** The wrapped range ends the function and has `return`s: the function returns the transaction's result. */
  returnsResult: boolean;
  /** The range was extended to the end of the function to keep its `return`s. */
  extendedToEnd: boolean;
  fn: FunctionNode | undefined;
}

/** `enclose`: more ranges to hold whole (the loop a write repeats in), so the wrapper is not put inside an iteration. */
function planWrap(src: Source, calls: readonly CallFact[], enclose: readonly Loc[] = [], reader?: SourceReader): WrapPlan | undefined {
  if (!calls.length) return undefined;
  const nodes: ts.Node[] = [];
  for (const c of calls) {
    const n = findCall(src, c.loc);
    if (!n) return undefined;
    nodes.push(n);
  }
  for (const loc of enclose) {
    const n = findNode(src, loc);
    if (!n) return undefined;
    nodes.push(n);
  }
  const owner = ownerFunction(nodes[0]);
  if (nodes.some((n) => ownerFunction(n) !== owner)) return undefined;
  const lo = Math.min(...nodes.map((n) => n.getStart(src.sf)));
  const hi = Math.max(...nodes.map((n) => n.end));
  // The smallest statement list holding every call.
  let container: WrapPlan['container'] | undefined;
  for (let n: ts.Node | undefined = nodes[0].parent; n; n = n.parent) {
    if ((ts.isBlock(n) || ts.isSourceFile(n) || ts.isCaseClause(n) || ts.isDefaultClause(n) || ts.isModuleBlock(n)) && n.pos <= lo && n.end >= hi) {
      container = n;
      break;
    }
  }
  if (!container) return undefined;
  if (owner && !contains(owner, container)) return undefined;
  const stmts = container.statements;
  let first = stmts.findIndex((s) => s.end > lo);
  let last = stmts.findIndex((s) => s.end >= hi);
  if (first < 0 || last < 0 || last < first) return undefined;
  // An untyped `const results = []` before the range that the range uses (`results.push(await …)`): TypeScript
  // types it from what is pushed after it, which it cannot follow into the callback (noImplicitAny: "implicitly
  // has type 'any[]'"). The range starts at its declaration instead, so the list is built in the callback and
  // returned; statements in between move with it when they await nothing (no slow work enters the transaction).
  const declaredAt = /\.[mc]?tsx?$/.test(src.sf.fileName) ? evolvingArrayBefore(stmts, first) : undefined;
  if (declaredAt !== undefined) {
    const between = stmts.slice(declaredAt, first);
    if (between.some((st) => containsAwait(st) || containsReturn(st))) return undefined;
    first = declaredAt;
  }

  const fn = enclosingFunctionNode(stmts[first]);
  if (!isAsync(fn)) return undefined;
  const isFunctionBody = !!fn && fn.body === container;

  const range = () => stmts.slice(first, last + 1);
  if (!movable(range())) return undefined;
  // Half-typed code in the range (an unterminated call): the parser's guess at its statements is no ground for moving them.
  const from = stmts[first]!.getStart(src.sf);
  if (parseErrorsIn(src.sf, from, stmts[last]!.end)) return undefined;
  let hasReturn = range().some(containsReturn);
  let extendedToEnd = false;
  // `return`s inside the range: the callback returns them and the function returns the transaction's
  // result. That keeps behaviour only when falling off the range also ends the function, so the range
  // grows to the end of its block, and the block must be in tail position (function body, or a try/if
  // block that is the function's last statement).
  const tail = isFunctionBody || (ts.isBlock(container) && inTailPosition(container));
  if (hasReturn && last !== stmts.length - 1) {
    if (!tail) return undefined;
    last = stmts.length - 1;
    extendedToEnd = true;
    if (!movable(range())) return undefined;
  }
  if (hasReturn && !tail) return undefined;
  const endsFunction = tail && last === stmts.length - 1;
  // A redirect that throws to do its work would roll the transaction back on the success path.
  if (range().some((st) => throwsRedirect(src.sf, st))) return undefined;
  // An HTTP response sent inside the callback reaches the client before the commit (see sendsResponse).
  if (sendsResponse(fn, range(), reader && workspaceModules(reader, packagesOf(src.file)))) return undefined;

  // Declarations that later code reads.
  const declared = new Map<string, 'const' | 'let' | 'var'>();
  for (const st of range()) collectDeclarations(st, declared, true);
  const after: ts.Node[] = [];
  for (let i = last + 1; i < stmts.length; i++) after.push(stmts[i]);
  if (fn?.body && !isFunctionBody) {
    // `var` and function declarations are visible in the whole function.
    const rangeEnd = stmts[last].end;
    const rest: ts.Node[] = [];
    const visit = (n: ts.Node): void => {
      if (n.pos >= rangeEnd && !contains(container!, n)) rest.push(n);
      else if (n.end > rangeEnd) ts.forEachChild(n, visit);
    };
    visit(fn.body);
    after.push(...rest);
  }
  // A function declaration or `var` of the range is hoisted: code before the range may use it, and inside
  // the callback it would no longer be in scope there.
  const hoisted = new Map<string, true>();
  for (const st of range()) collectHoisted(st, hoisted, true);
  if (hoisted.size) {
    const usedBefore = new Set<string>();
    const visit = (n: ts.Node): void => {
      if (n.end <= from) referencedNames(n, hoisted, usedBefore);
      else if (n.getStart(src.sf) < from) ts.forEachChild(n, visit);
    };
    visit(fn?.body ?? src.sf);
    if (usedBefore.size) return undefined;
  }
  const used = new Set<string>();
  for (const n of after) referencedNames(n, declared, used);
  const exported = [...declared.keys()].filter((k) => used.has(k));
  if (exported.length && endsFunction) return undefined; // unreachable in practice: nothing follows
  let reassigned: string[] = [];
  if (!exported.length && !(hasReturn && endsFunction)) {
    const assigned = new Map<string, true>();
    for (const st of range()) collectAssigned(st, assigned);
    for (const k of declared.keys()) assigned.delete(k);
    const usedAfter = new Set<string>();
    if (assigned.size) for (const n of after) referencedNames(n, assigned, usedAfter);
    reassigned = [...assigned.keys()].filter((k) => usedAfter.has(k) && narrowedByAssignment(fn, k, from));
  }
  const kinds = exported.map((k) => declared.get(k)!);
  const keyword = kinds.includes('var') ? 'var' : kinds.includes('let') ? 'let' : 'const';
  return { src, container, first, last, exported, keyword, reassigned, returnsResult: hasReturn && endsFunction, extendedToEnd, fn };
}

/**
 * True when completing `block` normally ends its function: every enclosing statement up to the
 * function body is the last of its block, through `try` blocks, `catch` blocks and `if` arms.
 */
function inTailPosition(block: ts.Block): boolean {
  let node: ts.Node = block;
  for (let depth = 0; depth < 50; depth++) {
    const parent: ts.Node | undefined = node.parent;
    if (!parent) return false;
    if (isFunctionNode(parent)) return parent.body === node;
    if (ts.isTryStatement(parent)) {
      if (node !== parent.tryBlock) return false; // a finally block runs after a return as well
      node = parent;
    } else if (ts.isCatchClause(parent)) {
      if (parent.parent.finallyBlock) return false;
      node = parent.parent;
    } else if (ts.isIfStatement(parent)) {
      node = parent;
    } else if (ts.isBlock(parent)) {
      if (parent.statements[parent.statements.length - 1] !== node) return false;
      node = parent;
    } else return false;
  }
  return false;
}

/** No `yield`, and no `break`/`continue` that leaves the range (they cannot cross a callback). */
function movable(statements: readonly ts.Statement[]): boolean {
  let ok = true;
  const visit = (n: ts.Node, loopDepth: number, switchDepth: number, labels: Set<string>): void => {
    if (!ok) return;
    if (isFunctionNode(n) || ts.isClassLike(n)) return;
    if (ts.isYieldExpression(n)) {
      ok = false;
      return;
    }
    if (ts.isBreakStatement(n) || ts.isContinueStatement(n)) {
      if (n.label) {
        if (!labels.has(n.label.text)) ok = false;
      } else if (ts.isBreakStatement(n) ? loopDepth + switchDepth === 0 : loopDepth === 0) ok = false;
      return;
    }
    if (ts.isLabeledStatement(n)) {
      const inner = new Set(labels);
      inner.add(n.label.text);
      ts.forEachChild(n, (c) => visit(c, loopDepth, switchDepth, inner));
      return;
    }
    const isLoop = ts.isIterationStatement(n, false);
    const isSwitch = ts.isSwitchStatement(n);
    ts.forEachChild(n, (c) => visit(c, loopDepth + (isLoop ? 1 : 0), switchDepth + (isSwitch ? 1 : 0), labels));
  };
  for (const st of statements) visit(st, 0, 0, new Set());
  return ok;
}

/**
 * The index of the first statement before `first` declaring, with `let`/`const`, no type and an empty `[]`, a name the
 * statements from `first` on read (TypeScript's evolving array type, lost in a callback), else undefined.
 */
function evolvingArrayBefore(stmts: readonly ts.Statement[], first: number): number | undefined {
  const names = new Map<string, number>();
  for (let i = 0; i < first; i++) {
    const st = stmts[i];
    if (!ts.isVariableStatement(st) || !(st.declarationList.flags & (ts.NodeFlags.Const | ts.NodeFlags.Let))) continue;
    for (const d of st.declarationList.declarations) {
      const init = d.initializer && unwrap(d.initializer);
      if (ts.isIdentifier(d.name) && !d.type && init && ts.isArrayLiteralExpression(init) && init.elements.length === 0 && d.initializer === init) {
        names.set(d.name.text, i);
      }
    }
  }
  if (!names.size) return undefined;
  const used = new Set<string>();
  for (let i = first; i < stmts.length; i++) referencedNames(stmts[i], names, used);
  // A later declaration of the same name in between shadows nothing here (same block): the last one wins in `names`.
  const at = [...used].map((n) => names.get(n)!);
  return at.length ? Math.min(...at) : undefined;
}

function containsAwait(node: ts.Node): boolean {
  if (ts.isAwaitExpression(node) || (ts.isForOfStatement(node) && node.awaitModifier)) return true;
  if (isFunctionNode(node) || ts.isClassLike(node)) return false;
  return !!ts.forEachChild(node, (c) => (containsAwait(c) ? true : undefined));
}

function containsReturn(node: ts.Node): boolean {
  if (ts.isReturnStatement(node)) return true;
  if (isFunctionNode(node) || ts.isClassLike(node)) return false;
  return !!ts.forEachChild(node, (c) => (containsReturn(c) ? true : undefined));
}

function collectDeclarations(node: ts.Node, out: Map<string, 'const' | 'let' | 'var'>, top: boolean): void {
  if (ts.isVariableStatement(node)) {
    const flags = node.declarationList.flags;
    const kind = flags & ts.NodeFlags.Const ? 'const' : flags & ts.NodeFlags.Let ? 'let' : 'var';
    if (top || kind === 'var') for (const d of node.declarationList.declarations) bindingNames(d.name, (n) => out.set(n, kind));
  } else if (top && (ts.isFunctionDeclaration(node) || ts.isClassDeclaration(node)) && node.name) {
    out.set(node.name.text, 'const');
    return;
  }
  if (isFunctionNode(node) || ts.isClassLike(node)) return;
  ts.forEachChild(node, (c) => collectDeclarations(c, out, false));
}

/**
 * True when TypeScript reads `name` after an assignment as narrower than declared, so that an assignment it
 * no longer sees (made in a callback) leaves a type error: declared before `before` in `fn` with no initializer
 * (`let user;`, `let user: User;`), with `null`/`undefined`, or with a union type (`let user: User | null`); an
 * optional or union-typed parameter. `let count = 0` is not: its declared type is what it is assigned.
 */
function narrowedByAssignment(fn: FunctionNode | undefined, name: string, before: number): boolean {
  if (!fn) return false;
  const wide = (type: ts.TypeNode | undefined) => !!type && ts.isUnionTypeNode(type);
  if (fn.parameters.some((p) => ts.isIdentifier(p.name) && p.name.text === name && (!!p.questionToken || wide(p.type)))) return true;
  let found = false;
  const visit = (n: ts.Node): void => {
    if (found || n.pos >= before || (n !== fn && (isFunctionNode(n) || ts.isClassLike(n)))) return;
    if (ts.isVariableDeclaration(n) && ts.isIdentifier(n.name) && n.name.text === name && n.end <= before) {
      const init = n.initializer && unwrap(n.initializer);
      const empty =
        !init ||
        init.kind === ts.SyntaxKind.NullKeyword ||
        (ts.isIdentifier(init) && init.text === 'undefined') ||
        ts.isVoidExpression(init);
      if (empty || wide(n.type)) found = true;
    }
    ts.forEachChild(n, visit);
  };
  if (fn.body) visit(fn.body);
  return found;
}

/**
 * Framework calls that throw to do their work: Next.js `redirect()`, `permanentRedirect()`, `notFound()`,
 * `forbidden()`, `unauthorized()` and SvelteKit's `redirect()` always; Remix / React Router `redirect()` when
 * thrown (`throw redirect(…)`; a returned one is a plain response).
 */
const THROWING_CALLS: Record<string, { names: Set<string>; whenThrown?: boolean }> = {
  'next/navigation': { names: new Set(['redirect', 'permanentRedirect', 'notFound', 'forbidden', 'unauthorized']) },
  '@sveltejs/kit': { names: new Set(['redirect']) },
  '@remix-run/node': { names: new Set(['redirect', 'redirectDocument', 'replace']), whenThrown: true },
  '@remix-run/cloudflare': { names: new Set(['redirect', 'redirectDocument', 'replace']), whenThrown: true },
  '@remix-run/deno': { names: new Set(['redirect', 'redirectDocument', 'replace']), whenThrown: true },
  '@remix-run/server-runtime': { names: new Set(['redirect', 'redirectDocument', 'replace']), whenThrown: true },
  'react-router': { names: new Set(['redirect', 'redirectDocument', 'replace']), whenThrown: true },
};

/** The statement calls a framework redirect that throws (see THROWING_CALLS), outside nested functions. */
function throwsRedirect(sf: ts.SourceFile, statement: ts.Statement): boolean {
  const locals = new Map<string, { module: string; whenThrown: boolean }>();
  for (const st of sf.statements) {
    if (!ts.isImportDeclaration(st) || !ts.isStringLiteral(st.moduleSpecifier)) continue;
    const spec = THROWING_CALLS[st.moduleSpecifier.text];
    const nb = st.importClause?.namedBindings;
    if (!spec || !nb || !ts.isNamedImports(nb)) continue;
    for (const el of nb.elements) {
      if (spec.names.has((el.propertyName ?? el.name).text)) locals.set(el.name.text, { module: st.moduleSpecifier.text, whenThrown: !!spec.whenThrown });
    }
  }
  if (!locals.size) return false;
  let found = false;
  const visit = (n: ts.Node): void => {
    if (found || isFunctionNode(n) || ts.isClassLike(n)) return;
    if (ts.isCallExpression(n)) {
      const callee = unwrap(n.expression);
      const imported = ts.isIdentifier(callee) ? locals.get(callee.text) : undefined;
      if (imported && (!imported.whenThrown || ts.isThrowStatement(climbWrappers(n).parent))) {
        found = true;
        return;
      }
    }
    ts.forEachChild(n, visit);
  };
  visit(statement);
  return found;
}

/**
 * Methods that send an HTTP response (or its head) at the call, returned or not: Express and Next.js pages
 * API routes (`res.json(…)`, `res.status(201).send(…)`, `res.redirect(…)`, `res.end()`), Fastify
 * (`reply.send(…)`, `reply.code(201).send(…)`), node:http (`res.writeHead(…)`, `res.end(…)`).
 * Not Hono's `c.json(…)`, `NextResponse.json(…)` or `Response.json(…)`: values the framework sends once the
 * handler returns; nor Koa's `ctx.body = …`, written after the middleware chain resolves (after the commit).
 */
const SENDING_METHODS = new Set([
  'send', 'json', 'jsonp', 'end', 'redirect', 'sendStatus', 'sendFile', 'download', 'render', 'format',
  'write', 'writeHead', 'flushHeaders', 'view',
]);

/** Parameter types of a response object that sends at the call. */
const RESPONSE_TYPES = new Set(['Response', 'NextApiResponse', 'FastifyReply', 'ServerResponse']);

/** Names an untyped response parameter goes by. */
const RESPONSE_NAMES = new Set(['res', 'resp', 'response', 'reply', 'rep']);

/**
 * A parameter that holds the response object: typed as one (`res: Response`, `reply: FastifyReply`,
 * `res: NextApiResponse`, `res: ServerResponse`), or untyped, not first (Hono's and Koa's single context
 * comes first) and named like one or of a callback (`app.post('/x', async (req, res) => …)`). An untyped
 * `mailer` of `async function signup(email, mailer)` is not.
 */
function isResponseParameter(fn: FunctionNode, p: ts.ParameterDeclaration, index: number): boolean {
  if (!p.type) return index > 0 && ts.isIdentifier(p.name) && (RESPONSE_NAMES.has(p.name.text) || isInlineCallback(fn));
  if (!ts.isTypeReferenceNode(p.type)) return false;
  const name = ts.isIdentifier(p.type.typeName) ? p.type.typeName.text : p.type.typeName.right.text;
  return RESPONSE_TYPES.has(name);
}

/**
 * The statements call a response-sending method (SENDING_METHODS) on a parameter of `fn` or of a function
 * around it that holds the response (isResponseParameter): inside a transaction callback the client would
 * hear of success before the commit, and a failed commit go unreported (or a second response throw
 * ERR_HTTP_HEADERS_SENT). Callbacks are searched too (`.then(() => res.json(…))` runs inside), except where
 * their own parameters rebind the name.
 */
function sendsResponse(fn: FunctionNode | undefined, statements: readonly ts.Statement[], modules?: WorkspaceModules): boolean {
  const responses = new Set<string>();
  const bound = new Set<string>();
  for (let f: ts.Node | undefined = fn; f; f = f.parent) {
    if (!isFunctionNode(f)) continue;
    f.parameters.forEach((p, i) => {
      if (!ts.isIdentifier(p.name) || bound.has(p.name.text)) return;
      bound.add(p.name.text);
      if (isResponseParameter(f, p, i)) responses.add(p.name.text);
    });
  }
  if (!responses.size) return false;
  return sendsOn(statements, responses, 0, modules);
}

/**
 * The nodes send a response on one of `names` (see sendsResponse): a sending method called on it, or a helper given
 * it as an argument (`sendCreated(res, order)`) whose body sends on that parameter (helpers calling helpers, a few
 * levels deep). The helper is a function of the same file, or, with `modules`, one imported from a workspace module
 * (`import { sendCreated } from '../http/responses'`, a default import, `http.sendCreated(…)` of a namespace import,
 * through re-exports): see importedFunction.
 */
function sendsOn(statements: readonly ts.Node[], responses: Set<string>, depth: number, modules?: WorkspaceModules): boolean {
  let found = false;
  const visit = (n: ts.Node, names: Set<string>): void => {
    if (found) return;
    if (isFunctionNode(n)) {
      const rebound = new Set<string>();
      for (const p of n.parameters) bindingNames(p.name, (b) => rebound.add(b));
      const inner = new Set([...names].filter((x) => !rebound.has(x)));
      if (!inner.size) return;
      ts.forEachChild(n, (c) => visit(c, inner));
      return;
    }
    if (ts.isCallExpression(n)) {
      const callee = unwrap(n.expression);
      if (ts.isPropertyAccessExpression(callee) && SENDING_METHODS.has(callee.name.text)) {
        // The receiver chain's root: `res` of `res.status(201).json`, `reply` of `reply.code(201).send`.
        let root: ts.Expression = callee.expression;
        for (let i = 0; i < 20; i++) {
          root = unwrap(root);
          if (ts.isPropertyAccessExpression(root) || ts.isElementAccessExpression(root)) root = root.expression;
          else if (ts.isCallExpression(root)) root = root.expression;
          else break;
        }
        if (ts.isIdentifier(root) && names.has(root.text)) {
          found = true;
          return;
        }
      }
      if (depth < 4 && n.arguments.some((a) => ts.isIdentifier(unwrap(a)) && names.has((unwrap(a) as ts.Identifier).text))) {
        const helper = helperFunction(n.getSourceFile(), callee, modules);
        if (helper?.body) {
          const params = new Set<string>();
          n.arguments.forEach((a, i) => {
            const arg = unwrap(a);
            const p = helper.parameters[i];
            if (ts.isIdentifier(arg) && names.has(arg.text) && p && !p.dotDotDotToken && ts.isIdentifier(p.name)) params.add(p.name.text);
          });
          if (params.size && sendsOn([helper.body], params, depth + 1, modules)) {
            found = true;
            return;
          }
        }
      }
    }
    ts.forEachChild(n, (c) => visit(c, names));
  };
  for (const st of statements) visit(st, responses);
  return found;
}

/**
 * The function a call's callee names: `helper(…)` of the file or imported, `ns.helper(…)` of a namespace import,
 * `this.helper(…)` a method of the class around the call (or of the class it extends, of the file or imported; a
 * method of the object literal around it), `obj.helper(…)` a member of an object literal of the file or imported
 * (`const http = { created(reply, body) { … } }`, `export default { … }`).
 */
function helperFunction(sf: ts.SourceFile, callee: ts.Expression, modules: WorkspaceModules | undefined): FunctionNode | undefined {
  if (ts.isIdentifier(callee)) return topLevelFunction(sf, callee.text) ?? (modules && importedFunction(sf, callee.text, modules));
  if (!ts.isPropertyAccessExpression(callee)) return undefined;
  const member = callee.name.text;
  const target = unwrap(callee.expression);
  if (target.kind === ts.SyntaxKind.ThisKeyword) return thisMember(callee, member, modules);
  // `this.responses.created(res, …)`: a method of the class of a member (`constructor(private responses: Responder)`).
  if (ts.isPropertyAccessExpression(target) && unwrap(target.expression).kind === ts.SyntaxKind.ThisKeyword) {
    const cls = memberClass(target, target.name.text, modules);
    return cls && classMember(cls, member, false, modules, 0);
  }
  if (!ts.isIdentifier(target) || boundInFunction(callee, target.text)) return undefined;
  const own = topLevelObjectMember(sf, target.text, member, modules, new Set());
  if (own.found) return own.fn;
  if (!modules) return undefined;
  // `http.sendCreated(…)`: `import * as http from …`, `const http = require(…)`, `import http = require(…)`.
  const imp = importOf(sf, target.text);
  if (!imp) return undefined;
  const file = modules.resolve(sf.fileName, imp.specifier);
  if (!file) return undefined;
  if (imp.imported === '*') return exportedFunction(file, member, modules, new Set());
  // `import { http } from '../http/responses'` / `import http from …` of an exported object literal.
  return exportedFunction(file, imp.imported, modules, new Set(), member);
}

/** A parameter or variable of a function around `node` binds `name` (it hides a module binding of that name). */
function boundInFunction(node: ts.Node, name: string): boolean {
  for (let n: ts.Node | undefined = node.parent; n && !ts.isSourceFile(n); n = n.parent) {
    if (isFunctionNode(n) && n.parameters.some((p) => bindsName(p.name, name))) return true;
    if ((ts.isBlock(n) || ts.isCaseClause(n) || ts.isDefaultClause(n)) && declaresIn(n.statements, name)) return true;
    if ((ts.isForStatement(n) || ts.isForOfStatement(n) || ts.isForInStatement(n)) && n.initializer && ts.isVariableDeclarationList(n.initializer) &&
      n.initializer.declarations.some((d) => bindsName(d.name, name))) return true;
    if (ts.isCatchClause(n) && n.variableDeclaration && bindsName(n.variableDeclaration.name, name)) return true;
  }
  return false;
}

function declaresIn(statements: readonly ts.Statement[], name: string): boolean {
  return statements.some((st) =>
    (ts.isVariableStatement(st) && st.declarationList.declarations.some((d) => bindsName(d.name, name))) ||
    ((ts.isFunctionDeclaration(st) || ts.isClassDeclaration(st)) && st.name?.text === name));
}

/**
 * `this.member` at `node`: the method (or function-valued property) of the class whose method, accessor, constructor
 * or property initializer `this` belongs to (arrow functions keep their `this`; a function expression or
 * declaration has its own), looked up in the class and then the classes it extends (of the file or imported,
 * 4 deep); or a method of the object literal whose method holds the call. Static members answer static code only.
 */
function thisMember(node: ts.Node, member: string, modules: WorkspaceModules | undefined): FunctionNode | undefined {
  const owner = thisOwner(node);
  if (!owner) return undefined;
  if (ts.isObjectLiteralExpression(owner.of)) return objectMember(owner.of, member, owner.of.getSourceFile(), modules);
  return classMember(owner.of, member, owner.isStatic, modules, 0);
}

/** What `this` is at `node`: the class (and whether in static code) or the object literal whose member holds it. */
function thisOwner(node: ts.Node): { of: ts.ClassLikeDeclaration | ts.ObjectLiteralExpression; isStatic: boolean } | undefined {
  for (let n: ts.Node | undefined = node.parent; n && !ts.isSourceFile(n); n = n.parent) {
    if (ts.isArrowFunction(n)) continue;
    if (ts.isFunctionDeclaration(n) || ts.isFunctionExpression(n)) return undefined;
    if (ts.isClassStaticBlockDeclaration(n)) return { of: n.parent, isStatic: true };
    if (ts.isMethodDeclaration(n) || ts.isGetAccessorDeclaration(n) || ts.isSetAccessorDeclaration(n) || ts.isConstructorDeclaration(n) || ts.isPropertyDeclaration(n)) {
      if (ts.isObjectLiteralExpression(n.parent)) return { of: n.parent, isStatic: false };
      if (!ts.isClassLike(n.parent)) return undefined;
      const isStatic = !ts.isConstructorDeclaration(n) && (ts.getModifiers(n) ?? []).some((m) => m.kind === ts.SyntaxKind.StaticKeyword);
      return { of: n.parent, isStatic };
    }
  }
  return undefined;
}

/**
 * The workspace class of `this.<name>` at `node`: a constructor parameter property (`constructor(private readonly
 * responses: Responder)`, NestJS injection) or a property (`private responses: Responder`, `responses = new
 * Responder()`) of the class around, or of a class it extends; the class of the file or imported.
 */
function memberClass(node: ts.Node, name: string, modules: WorkspaceModules | undefined): ts.ClassLikeDeclaration | undefined {
  const owner = thisOwner(node);
  if (!owner || owner.isStatic || !ts.isClassLike(owner.of)) return undefined;
  for (let cls: ts.ClassLikeDeclaration | undefined = owner.of, depth = 0; cls && depth < 4; cls = baseClass(cls, modules), depth++) {
    const sf = cls.getSourceFile();
    for (const m of cls.members) {
      if (ts.isConstructorDeclaration(m)) {
        for (const p of m.parameters) {
          const isProperty = ts.isParameterPropertyDeclaration(p, m);
          if (isProperty && ts.isIdentifier(p.name) && p.name.text === name) return classOfType(sf, p.type, modules);
        }
        continue;
      }
      if (!ts.isPropertyDeclaration(m) || !m.name || propertyNameText(m.name) !== name) continue;
      if ((ts.getModifiers(m) ?? []).some((x) => x.kind === ts.SyntaxKind.StaticKeyword)) continue;
      const init = m.initializer && unwrap(m.initializer);
      if (init && ts.isNewExpression(init) && ts.isIdentifier(init.expression)) return classNamed(sf, init.expression.text, modules);
      return classOfType(sf, m.type, modules);
    }
  }
  return undefined;
}

function classOfType(sf: ts.SourceFile, type: ts.TypeNode | undefined, modules: WorkspaceModules | undefined): ts.ClassLikeDeclaration | undefined {
  return type && ts.isTypeReferenceNode(type) && ts.isIdentifier(type.typeName) ? classNamed(sf, type.typeName.text, modules) : undefined;
}

/** A class a module names: declared there or imported. */
function classNamed(sf: ts.SourceFile, name: string, modules: WorkspaceModules | undefined): ts.ClassDeclaration | undefined {
  return topLevelClass(sf, name) ?? (modules && importedClass(sf, name, modules));
}

/** The class a class extends (`extends BaseController`), of its file or imported. */
function baseClass(cls: ts.ClassLikeDeclaration, modules: WorkspaceModules | undefined): ts.ClassDeclaration | undefined {
  const base = cls.heritageClauses?.find((h) => h.token === ts.SyntaxKind.ExtendsKeyword)?.types[0]?.expression;
  return base && ts.isIdentifier(base) ? classNamed(cls.getSourceFile(), base.text, modules) : undefined;
}

/** A class's method or function-valued property `member` (see thisMember), else its base class's. */
function classMember(cls: ts.ClassLikeDeclaration, member: string, isStatic: boolean, modules: WorkspaceModules | undefined, depth: number): FunctionNode | undefined {
  for (const m of cls.members) {
    if (!m.name || propertyNameText(m.name) !== member) continue;
    const staticMember = (ts.canHaveModifiers(m) ? ts.getModifiers(m) ?? [] : []).some((x) => x.kind === ts.SyntaxKind.StaticKeyword);
    if (staticMember !== isStatic) continue;
    if (ts.isMethodDeclaration(m)) return m.body ? m : undefined;
    if (ts.isPropertyDeclaration(m)) {
      const init = m.initializer && unwrap(m.initializer);
      return init && (ts.isArrowFunction(init) || ts.isFunctionExpression(init)) ? init : undefined;
    }
    return undefined; // an accessor or an abstract declaration: not followed
  }
  if (depth >= 4) return undefined;
  const base = baseClass(cls, modules);
  return base ? classMember(base, member, isStatic, modules, depth + 1) : undefined;
}

function topLevelClass(sf: ts.SourceFile, name: string): ts.ClassDeclaration | undefined {
  for (const st of sf.statements) if (ts.isClassDeclaration(st) && st.name?.text === name) return st;
  return undefined;
}

/** The class a local name imports (`import { BaseController } from './base'`, a default import, `export class`, through `export { … } from`). */
function importedClass(sf: ts.SourceFile, local: string, modules: WorkspaceModules): ts.ClassDeclaration | undefined {
  const imp = importOf(sf, local);
  if (!imp || imp.imported === '*') return undefined;
  let file = modules.resolve(sf.fileName, imp.specifier);
  let name = imp.imported;
  for (let hops = 0; file && hops < 8; hops++) {
    const target = modules.source(file);
    if (!target) return undefined;
    let next: { file: string | undefined; name: string } | undefined;
    for (const st of target.statements) {
      if (ts.isClassDeclaration(st) && (name === 'default' ? isExported(st, true) : isExported(st, false) && st.name?.text === name)) return st;
      if (name === 'default' && ts.isExportAssignment(st) && !st.isExportEquals && ts.isIdentifier(st.expression)) return topLevelClass(target, st.expression.text);
      if (!ts.isExportDeclaration(st) || st.isTypeOnly || !st.exportClause || !ts.isNamedExports(st.exportClause)) continue;
      const el = st.exportClause.elements.find((e) => e.name.text === name && !e.isTypeOnly);
      if (!el) continue;
      const original = (el.propertyName ?? el.name).text;
      if (!st.moduleSpecifier) return topLevelClass(target, original);
      if (!ts.isStringLiteral(st.moduleSpecifier)) return undefined;
      next = { file: modules.resolve(target.fileName, st.moduleSpecifier.text), name: original };
      break;
    }
    if (!next) return undefined;
    file = next.file;
    name = next.name;
  }
  return undefined;
}

/**
 * A member of an object literal that is a function: `created(reply, body) { … }`, `created: (reply, body) => …`,
 * `created: sendCreated` / shorthand `sendCreated` (a function of the module or imported).
 */
function objectMember(obj: ts.ObjectLiteralExpression, member: string, sf: ts.SourceFile, modules: WorkspaceModules | undefined, seen = new Set<string>()): FunctionNode | undefined {
  // The last property of that name wins, as at run time; a spread after it may replace it (not followed).
  for (let i = obj.properties.length - 1; i >= 0; i--) {
    const p = obj.properties[i]!;
    if (ts.isSpreadAssignment(p)) return undefined;
    if (!p.name || propertyNameText(p.name) !== member) continue;
    if (ts.isMethodDeclaration(p)) return p.body ? p : undefined;
    const local = (l: string) => topLevelFunction(sf, l) ?? (modules && importedFunction(sf, l, modules, seen));
    if (ts.isShorthandPropertyAssignment(p)) return local(p.name.text);
    if (!ts.isPropertyAssignment(p)) return undefined;
    const v = unwrap(p.initializer);
    if (ts.isArrowFunction(v) || ts.isFunctionExpression(v)) return v;
    return ts.isIdentifier(v) ? local(v.text) : undefined;
  }
  return undefined;
}

/** The object literal a top-level `const name = { … }` of the module holds (through `as const`, `satisfies`, `Object.freeze`). */
function topLevelObject(sf: ts.SourceFile, name: string): { found: boolean; obj?: ts.ObjectLiteralExpression; instanceOf?: string } {
  for (const st of sf.statements) {
    if (!ts.isVariableStatement(st)) continue;
    for (const d of st.declarationList.declarations) {
      if (!ts.isIdentifier(d.name) || d.name.text !== name) continue;
      const init = d.initializer && unwrap(d.initializer);
      if (init && ts.isNewExpression(init) && ts.isIdentifier(init.expression)) return { found: true, instanceOf: init.expression.text };
      return { found: true, obj: init && objectLiteralOf(init) };
    }
  }
  return { found: false };
}

function objectLiteralOf(e: ts.Expression): ts.ObjectLiteralExpression | undefined {
  let v = unwrap(e);
  // `Object.freeze({ … })`
  if (ts.isCallExpression(v) && v.arguments.length === 1 && ts.isPropertyAccessExpression(v.expression) &&
    ts.isIdentifier(v.expression.expression) && v.expression.expression.text === 'Object' && v.expression.name.text === 'freeze') {
    v = unwrap(v.arguments[0]!);
  }
  return ts.isObjectLiteralExpression(v) ? v : undefined;
}

/** `name.member` of a top-level object literal of the module: `found` when the module declares `name` as one. */
function topLevelObjectMember(sf: ts.SourceFile, name: string, member: string, modules: WorkspaceModules | undefined, seen: Set<string>): { found: boolean; fn?: FunctionNode } {
  // Another value (`const http = require('./http')`) is left to the import lookups.
  const own = topLevelObject(sf, name);
  if (own.obj) return { found: true, fn: objectMember(own.obj, member, sf, modules, seen) };
  // An instance of a class (`const responder = new Responder()`): its method.
  if (own.instanceOf) {
    const cls = classNamed(sf, own.instanceOf, modules);
    return { found: true, fn: cls && classMember(cls, member, false, modules, 0) };
  }
  return { found: false };
}

/**
 * Other modules of the workspace, read for their syntax only when a response may be sent through a helper imported
 * from one: the fix writer resolves the import itself, with the analysis' resolution (resolveImport: relative
 * specifiers, tsconfig `paths`/`baseUrl`, the `@/` alias, the packages of the same monorepo) over what the reader
 * can read.
 */
interface WorkspaceModules {
  resolve(fromFile: string, specifier: string): string | undefined;
  source(file: string): ts.SourceFile | undefined;
}

const CODE_FILE = /\.(?:ts|tsx|mts|cts|js|jsx|mjs|cjs)$/;

/** Helper modules parsed for fixes (few: the response helpers of a project live in one or two files). */
const parsedModules = new Map<string, Source>();

/**
 * The workspace packages of the units analyzed last (discovery's `hints.packages`; see notePackages), by unit id, with
 * the unit's files: a fix is written from an intent and a reader only, and an import of `@acme/http` in its file must
 * resolve as it did for the analysis (and for discovery, which put the helper's module in the unit).
 */
const packagesByUnit = new Map<string, { list: readonly string[]; files: ReadonlySet<string>; packages: WorkspacePackages }>();
/**
 * An audit analyzes every unit before the rules write a fix, so every unit of a big monorepo must still be known then;
 * the bound only keeps units that disappeared (a folder deleted) from piling up over a long session.
 */
const MAX_KEPT_UNITS = 256;

/** Remembers the workspace packages of a unit just analyzed (none: forgets them), for its files' fixes. */
export function notePackages(unitId: string, files: readonly string[], packages: WorkspacePackages | undefined): void {
  const kept = packagesByUnit.get(unitId);
  packagesByUnit.delete(unitId);
  if (!packages || !Object.keys(packages).length) return;
  // (A review analyzes the same unit again and again: its file list is kept when it is the same array.)
  packagesByUnit.set(unitId, kept && kept.list === files ? { ...kept, packages } : { list: files, files: new Set(files), packages });
  while (packagesByUnit.size > MAX_KEPT_UNITS) packagesByUnit.delete(packagesByUnit.keys().next().value!);
}

/** The workspace packages of the unit a file was last analyzed in (the most recent one). */
function packagesOf(file: string): WorkspacePackages | undefined {
  let found: WorkspacePackages | undefined;
  for (const unit of packagesByUnit.values()) if (unit.files.has(file)) found = unit.packages;
  return found;
}

function workspaceModules(reader: SourceReader, packages?: WorkspacePackages): WorkspaceModules {
  let resolver: ((fromFile: string, specifier: string) => string | undefined) | undefined;
  return {
    resolve(fromFile, specifier) {
      if (!resolver) {
        const files: FileSet = { has: (p) => CODE_FILE.test(p) && !p.includes('/node_modules/') && reader.read(p) !== undefined };
        resolver = importResolver(files, new TsconfigPaths(reader, packages));
      }
      try {
        return resolver(fromFile, specifier);
      } catch {
        return undefined;
      }
    },
    source(file) {
      const text = reader.read(file);
      if (text === undefined || text.length > 1_000_000) return undefined;
      const cached = parsedModules.get(file);
      if (cached && cached.text === text) return cached.sf;
      let sf: ts.SourceFile;
      try {
        sf = parse(file, text);
      } catch {
        return undefined;
      }
      parsedModules.delete(file);
      parsedModules.set(file, { file, text, sf });
      if (parsedModules.size > 8) parsedModules.delete(parsedModules.keys().next().value!);
      return sf;
    },
  };
}

/**
 * How a module imports a local name: the specifier and the imported name (`default`, `*` for the whole module: a
 * namespace import, `const http = require(…)`, `import http = require(…)`). Type-only imports are not.
 */
function importOf(sf: ts.SourceFile, local: string): { specifier: string; imported: string } | undefined {
  for (const st of sf.statements) {
    if (ts.isImportEqualsDeclaration(st) && !st.isTypeOnly && st.name.text === local && ts.isExternalModuleReference(st.moduleReference)) {
      const e = st.moduleReference.expression;
      return ts.isStringLiteral(e) ? { specifier: e.text, imported: '*' } : undefined;
    }
    if (ts.isVariableStatement(st)) {
      // CommonJS: `const { sendCreated, sendOk: ok } = require('./http')`, `const http = require('./http')`.
      for (const d of st.declarationList.declarations) {
        const specifier = d.initializer && requiredSpecifier(d.initializer);
        if (specifier === undefined) continue;
        if (ts.isIdentifier(d.name) && d.name.text === local) return { specifier, imported: '*' };
        if (!ts.isObjectBindingPattern(d.name)) continue;
        for (const el of d.name.elements) {
          if (el.dotDotDotToken || !ts.isIdentifier(el.name) || el.name.text !== local) continue;
          const imported = el.propertyName ? propertyNameText(el.propertyName) : el.name.text;
          return imported === undefined ? undefined : { specifier, imported };
        }
      }
      continue;
    }
    if (!ts.isImportDeclaration(st) || !ts.isStringLiteral(st.moduleSpecifier) || !st.importClause || st.importClause.isTypeOnly) continue;
    const specifier = st.moduleSpecifier.text;
    const clause = st.importClause;
    if (clause.name?.text === local) return { specifier, imported: 'default' };
    const nb = clause.namedBindings;
    if (nb && ts.isNamespaceImport(nb) && nb.name.text === local) return { specifier, imported: '*' };
    if (nb && ts.isNamedImports(nb)) {
      for (const el of nb.elements) if (el.name.text === local && !el.isTypeOnly) return { specifier, imported: (el.propertyName ?? el.name).text };
    }
  }
  return undefined;
}

/** The function a local name of `sf` imports from a workspace module (a named or default export, through re-exports). */
function importedFunction(sf: ts.SourceFile, local: string, modules: WorkspaceModules, seen = new Set<string>(), member?: string): FunctionNode | undefined {
  const imp = importOf(sf, local);
  if (!imp) return undefined;
  const file = modules.resolve(sf.fileName, imp.specifier);
  if (!file) return undefined;
  // `ns.x` of an object `x` a namespace import re-exports: the member of `x`.
  if (member !== undefined && imp.imported === '*') return undefined;
  // The whole module called (`const respond = require('./respond'); respond(res, …)`): its `module.exports` function.
  return exportedFunction(file, imp.imported === '*' ? MODULE_VALUE : imp.imported, modules, seen, member);
}

/** The name exportedFunction looks up for the module's own value (`module.exports = function …`, `export = …`). */
const MODULE_VALUE = '=';

/** `require('x')` (also `await import('x')` is not: a promise), through parentheses and `as`. */
function requiredSpecifier(e: ts.Expression): string | undefined {
  const call = unwrap(e);
  if (!ts.isCallExpression(call) || !ts.isIdentifier(call.expression) || call.expression.text !== 'require') return undefined;
  const arg = call.arguments[0];
  return call.arguments.length === 1 && arg && ts.isStringLiteralLike(arg) ? arg.text : undefined;
}

/** `module.exports` or `exports`. */
function isModuleExports(e: ts.Expression): boolean {
  return (ts.isIdentifier(e) && e.text === 'exports') ||
    (ts.isPropertyAccessExpression(e) && ts.isIdentifier(e.expression) && e.expression.text === 'module' && e.name.text === 'exports');
}

/**
 * A CommonJS export `name` of a statement (MODULE_VALUE for the module's value; `default` reads it too):
 * `module.exports = function …`, `module.exports = { name, name: fn }`, `exports.name = fn`,
 * `module.exports = require('./x')`. `found` is false when the statement does not export the name. `value` reads
 * the exported expression (a function, or with a member asked for, an object literal's member).
 */
function commonJsExport(
  st: ts.Statement,
  name: string,
  local: (l: string) => FunctionNode | undefined,
  reexport: (spec: string, name: string) => FunctionNode | undefined,
  value: (v: ts.Expression) => FunctionNode | undefined,
  member: string | undefined,
): { found: boolean; fn?: FunctionNode } {
  if (!ts.isExpressionStatement(st)) return { found: false };
  const e = unwrap(st.expression);
  if (!ts.isBinaryExpression(e) || e.operatorToken.kind !== ts.SyntaxKind.EqualsToken) return { found: false };
  const left = unwrap(e.left);
  const right = unwrap(e.right);
  const whole = name === MODULE_VALUE || name === 'default';
  if (isModuleExports(left) && !ts.isIdentifier(left)) {
    const spec = requiredSpecifier(right);
    if (spec !== undefined) return { found: true, fn: reexport(spec, name) };
    if (whole) return { found: true, fn: value(right) };
    if (!ts.isObjectLiteralExpression(right)) return { found: false };
    for (const p of right.properties) {
      if (ts.isShorthandPropertyAssignment(p) && p.name.text === name) return { found: true, fn: local(name) };
      if (ts.isPropertyAssignment(p) && propertyNameText(p.name) === name) return { found: true, fn: value(unwrap(p.initializer)) };
      if (ts.isMethodDeclaration(p) && p.body && propertyNameText(p.name) === name) return { found: true, fn: member === undefined ? p : undefined };
    }
    return { found: false };
  }
  if (!whole && ts.isPropertyAccessExpression(left) && isModuleExports(left.expression) && left.name.text === name) {
    return { found: true, fn: value(right) };
  }
  return { found: false };
}

function isExported(node: ts.Node, asDefault: boolean): boolean {
  const mods = ts.canHaveModifiers(node) ? ts.getModifiers(node) ?? [] : [];
  return mods.some((m) => m.kind === ts.SyntaxKind.ExportKeyword) && mods.some((m) => m.kind === ts.SyntaxKind.DefaultKeyword) === asDefault;
}

/**
 * The function a module exports as `name` (`default` for its default export): `export function name`, `export
 * const name = (…) => …`, `export { local as name }`, `export default function`, `export default local`, `export
 * default (…) => …`; through `export { a as name } from './x'`, `export * from './x'` and a re-exported import.
 * With `member`, the function-valued member of the object literal exported as `name` (`export const http = {
 * created(reply, body) { … } }`, `export default { … }`, `module.exports = { … }`, `exports.http = { … }`).
 * At most 8 modules deep, each (module, name) once: a re-export cycle ends. Undefined when it is anything else.
 */
function exportedFunction(file: string, name: string, modules: WorkspaceModules, seen: Set<string>, member?: string): FunctionNode | undefined {
  const key = `${file}\0${name}\0${member ?? ''}`;
  if (seen.has(key) || seen.size >= 8) return undefined;
  seen.add(key);
  const sf = modules.source(file);
  if (!sf) return undefined;
  const local = (l: string): FunctionNode | undefined => {
    if (member === undefined) return topLevelFunction(sf, l) ?? importedFunction(sf, l, modules, seen);
    const own = topLevelObjectMember(sf, l, member, modules, seen);
    return own.found ? own.fn : importedFunction(sf, l, modules, seen, member);
  };
  const value = (v: ts.Expression): FunctionNode | undefined => {
    const e = unwrap(v);
    if (ts.isIdentifier(e)) return local(e.text);
    if (member === undefined) return ts.isArrowFunction(e) || ts.isFunctionExpression(e) ? e : undefined;
    if (ts.isNewExpression(e) && ts.isIdentifier(e.expression)) {
      const cls = classNamed(sf, e.expression.text, modules);
      return cls && classMember(cls, member, false, modules, 0);
    }
    const obj = objectLiteralOf(e);
    return obj && objectMember(obj, member, sf, modules, seen);
  };
  const reexport = (spec: string, n: string) => {
    const target = modules.resolve(sf.fileName, spec);
    return target ? exportedFunction(target, n, modules, seen, member) : undefined;
  };
  const asDefault = name === 'default';
  const stars: string[] = [];
  for (const st of sf.statements) {
    const cjs = commonJsExport(st, name, local, reexport, value, member);
    if (cjs.found) return cjs.fn;
    if (ts.isExportAssignment(st) && st.isExportEquals && (name === MODULE_VALUE || asDefault)) return value(st.expression);
    if (ts.isFunctionDeclaration(st) && st.body && isExported(st, asDefault) && (asDefault || st.name?.text === name)) {
      return member === undefined ? st : undefined;
    }
    if (!asDefault && ts.isVariableStatement(st) && isExported(st, false)) {
      const found = st.declarationList.declarations.some((d) => ts.isIdentifier(d.name) && d.name.text === name);
      if (found) return member === undefined ? topLevelFunction(sf, name) : topLevelObjectMember(sf, name, member, modules, seen).fn;
    }
    if (asDefault && ts.isExportAssignment(st) && !st.isExportEquals) return value(st.expression);
    if (!ts.isExportDeclaration(st) || st.isTypeOnly) continue;
    const spec = st.moduleSpecifier && ts.isStringLiteral(st.moduleSpecifier) ? st.moduleSpecifier.text : undefined;
    if (!st.exportClause) {
      if (spec) stars.push(spec);
      continue;
    }
    if (!ts.isNamedExports(st.exportClause)) continue;
    for (const el of st.exportClause.elements) {
      if (el.name.text !== name || el.isTypeOnly) continue;
      const original = (el.propertyName ?? el.name).text;
      if (spec === undefined) return local(original);
      return reexport(spec, original);
    }
  }
  // `export *` does not re-export a default.
  if (asDefault) return undefined;
  for (const spec of stars) {
    const found = reexport(spec, name);
    if (found) return found;
  }
  return undefined;
}

/** Variables a statement assigns (`x = …`, `x += …`, `x++`, `[x, y] = …`, `({ x } = …)`), outside nested functions. */
function collectAssigned(node: ts.Node, out: Map<string, true>): void {
  if (isFunctionNode(node) || ts.isClassLike(node)) return;
  if (
    ts.isBinaryExpression(node) &&
    node.operatorToken.kind >= ts.SyntaxKind.FirstAssignment &&
    node.operatorToken.kind <= ts.SyntaxKind.LastAssignment
  ) {
    assignmentTargets(node.left, out);
  } else if (
    (ts.isPrefixUnaryExpression(node) || ts.isPostfixUnaryExpression(node)) &&
    (node.operator === ts.SyntaxKind.PlusPlusToken || node.operator === ts.SyntaxKind.MinusMinusToken)
  ) {
    assignmentTargets(node.operand, out);
  }
  ts.forEachChild(node, (c) => collectAssigned(c, out));
}

function assignmentTargets(target: ts.Expression, out: Map<string, true>): void {
  const n = unwrap(target);
  if (ts.isIdentifier(n)) out.set(n.text, true);
  else if (ts.isArrayLiteralExpression(n)) {
    for (const el of n.elements) assignmentTargets(ts.isSpreadElement(el) ? el.expression : el, out);
  } else if (ts.isObjectLiteralExpression(n)) {
    for (const p of n.properties) {
      if (ts.isShorthandPropertyAssignment(p)) out.set(p.name.text, true);
      else if (ts.isPropertyAssignment(p)) assignmentTargets(p.initializer, out);
      else if (ts.isSpreadAssignment(p)) assignmentTargets(p.expression, out);
    }
  } else if (ts.isBinaryExpression(n) && n.operatorToken.kind === ts.SyntaxKind.EqualsToken) assignmentTargets(n.left, out); // `[x = 1] = …`
}

/** Names a statement hoists to the top of its function: function declarations of the list itself, `var`s at any depth. */
function collectHoisted(node: ts.Node, out: Map<string, true>, top: boolean): void {
  if (ts.isVariableStatement(node) && !(node.declarationList.flags & (ts.NodeFlags.Const | ts.NodeFlags.Let))) {
    for (const d of node.declarationList.declarations) bindingNames(d.name, (n) => out.set(n, true));
  } else if (top && ts.isFunctionDeclaration(node) && node.name) {
    out.set(node.name.text, true);
    return;
  }
  if (isFunctionNode(node) || ts.isClassLike(node)) return;
  ts.forEachChild(node, (c) => collectHoisted(c, out, false));
}

function bindingNames(name: ts.BindingName, add: (n: string) => void): void {
  if (ts.isIdentifier(name)) add(name.text);
  else for (const el of name.elements) if (!ts.isOmittedExpression(el)) bindingNames(el.name, add);
}

function referencedNames(node: ts.Node, names: Map<string, unknown>, used: Set<string>): void {
  const visit = (n: ts.Node): void => {
    if (ts.isIdentifier(n) && names.has(n.text)) {
      const p = n.parent;
      const isKey =
        (ts.isPropertyAccessExpression(p) && p.name === n) ||
        (ts.isPropertyAssignment(p) && p.name === n) ||
        (ts.isMethodDeclaration(p) && p.name === n) ||
        (ts.isPropertyDeclaration(p) && p.name === n);
      if (!isKey) used.add(n.text);
    }
    ts.forEachChild(n, visit);
  };
  visit(node);
}

/**
 * `transactionClient` is the name to give the callback parameter (`tx`); when it names the calls' own
 * client instead (`prisma`), `tx` is used. The transaction opens on the calls' client either way.
 */
function wrapInTransaction(
  file: CodeFile,
  calls: readonly CallFact[],
  transactionClient: string,
  reader: SourceReader,
  enclose: readonly Loc[] = [],
): FileEdit[] | undefined {
  const client = calls.find((c) => c.client)?.client;
  if (!client) return undefined;
  // An async callback cannot run in a synchronous SQLite transaction (see SYNC_TRANSACTION_DRIVERS).
  const driver = calls.find((c) => c.driver)?.driver ?? file.calls.find((c) => c.client === client && c.driver)?.driver;
  if (driver && SYNC_TRANSACTION_DRIVERS.has(driver)) return undefined;
  // A promise kept in a variable and awaited later would be returned out of the callback, lazy, and run
  // after the commit (a Prisma one on a closed transaction client).
  if (calls.some((c) => c.awaited === false && !c.returned)) return undefined;
  const src = load(file.file, reader);
  if (!src) return undefined;
  const plan = planWrap(src, calls, enclose, reader);
  if (!plan) return undefined;
  const { container, first, last, exported, keyword } = plan;
  const stmts = container.statements;
  const start = stmts[first].getStart(src.sf);
  // A comment after the last statement on its line annotates it: it moves into the callback with it.
  const end = trailingCommentEnd(src.text, stmts[last].end);
  const orm: Orm = calls.find((c) => c.orm)?.orm ?? file.calls.find((c) => c.client === client)?.orm ?? 'prisma';
  // A transaction already inside the range cannot be nested through an interactive transaction client.
  if (file.transactions.some((t) => within(src, t.callLoc, start, end))) return undefined;
  if (queriesAfterFailure(src, stmts.slice(first, last + 1), file, client)) return undefined;
  const wanted = transactionClient !== client && /^[A-Za-z_$][\w$]*$/.test(transactionClient) ? transactionClient : 'tx';
  const param = freshName(identifiersIn(plan.fn ?? src.sf), wanted);

  // Every call of the outer client inside the range goes through the transaction.
  const replacements: { start: number; end: number; text: string }[] = [];
  for (const c of file.calls) {
    if (c.client !== client || c.transaction) continue;
    const s = span(src, c.loc);
    if (s.start < start || s.end > end) continue;
    // A call in a `forEach` callback is not awaited by the wrapped code: on the transaction's client it
    // would run after the commit.
    if (inForEachCallback(src, c.loc, plan.fn)) return undefined;
    if (src.text.slice(s.start, s.start + client.length) !== client) continue;
    replacements.push({ start: s.start - start, end: s.start - start + client.length, text: param });
  }
  let body = src.text.slice(start, end);
  for (const r of replacements.sort((a, b) => b.start - a.start)) body = body.slice(0, r.start) + r.text + body.slice(r.end);

  const indent = lineIndent(src.text, start);
  const unit = indentUnit(src.text);
  const templates = templateInteriors(src.sf, start, end);
  // Line i of the body is line i of the original slice (replacements never add newlines).
  const originalLines = src.text.slice(start, end).split('\n');
  const frozen = new Set<number>();
  let lineStart = start;
  originalLines.forEach((line, i) => {
    if (i > 0 && templates.some(([a, b]) => lineStart > a && lineStart < b)) frozen.add(i);
    lineStart += line.length + 1;
  });
  const shifted = body.split('\n').map((line, i) => {
    if (i === 0) return indent + unit + line;
    if (frozen.has(i) || line.trim() === '') return line;
    return unit + line;
  });
  const open = `${client}.${orm === 'prisma' ? '$transaction' : 'transaction'}(async (${param}) => {`;
  let head: string;
  const tail: string[] = [];
  if (plan.returnsResult) head = `return await ${open}`;
  else if (exported.length === 1) {
    head = `${keyword} ${exported[0]} = await ${open}`;
    tail.push(`${indent}${unit}return ${exported[0]};`);
  } else if (exported.length > 1) {
    head = `${keyword} { ${exported.join(', ')} } = await ${open}`;
    tail.push(`${indent}${unit}return { ${exported.join(', ')} };`);
  } else if (plan.reassigned.length === 1) {
    head = `${plan.reassigned[0]} = await ${open}`;
    tail.push(`${indent}${unit}return ${plan.reassigned[0]};`);
  } else if (plan.reassigned.length > 1) {
    // Without a `;` the parenthesis would call what the previous statement ends with (`foo()\n(…)`).
    const prev = first > 0 ? stmts[first - 1] : undefined;
    const asi = !!prev && (ts.isExpressionStatement(prev) || ts.isVariableStatement(prev)) && !prev.getText(src.sf).endsWith(';');
    head = `${asi ? ';' : ''}({ ${plan.reassigned.join(', ')} } = await ${open}`;
    tail.push(`${indent}${unit}return { ${plan.reassigned.join(', ')} };`);
  } else head = `await ${open}`;
  const close = plan.reassigned.length > 1 && !exported.length && !plan.returnsResult ? '}));' : '});';
  const text = [head, ...shifted, ...tail, `${indent}${close}`].join('\n');
  return finish(src, [{ start, end, text }]);
}

/**
 * A query of `client` that handles the failure of another: in the `catch` or `finally` of a `try` whose block
 * queries, or in a `.catch(…)` handler of a query. Inside a transaction it would run after the failed statement,
 * and PostgreSQL rejects every statement of an aborted transaction: it fails too, and its error replaces the
 * one the code handles (a P2002 caught to read the existing row, a compensating delete).
 */
function queriesAfterFailure(src: Source, statements: readonly ts.Statement[], file: CodeFile, client: string): boolean {
  const spans = file.calls.filter((c) => c.client === client && !c.transaction).map((c) => span(src, c.loc));
  const queries = (n: ts.Node) => {
    const from = n.getStart(src.sf);
    return spans.some((s) => s.start >= from && s.end <= n.end);
  };
  let found = false;
  const visit = (n: ts.Node): void => {
    if (found) return;
    if (ts.isTryStatement(n) && queries(n.tryBlock) && ((n.catchClause && queries(n.catchClause.block)) || (n.finallyBlock && queries(n.finallyBlock)))) {
      found = true;
      return;
    }
    if (ts.isCallExpression(n) && ts.isPropertyAccessExpression(n.expression) && n.expression.name.text === 'catch' && queries(n.expression.expression) && n.arguments.some(queries)) {
      found = true;
      return;
    }
    ts.forEachChild(n, visit);
  };
  for (const st of statements) visit(st);
  return found;
}

/** The end of the comments that follow `pos` on its own line (`…; // note`), or `pos` when there are none. */
function trailingCommentEnd(text: string, pos: number): number {
  let end = pos;
  for (const c of ts.getTrailingCommentRanges(text, pos) ?? []) {
    // Only comments that end on that line: a block comment running onto later lines belongs to what follows.
    if (text.slice(pos, c.end).includes('\n')) break;
    end = c.end;
  }
  return end;
}

/** The call at `loc` runs in a `xs.forEach(…)` callback inside `fn` (nobody awaits what it starts). */
function inForEachCallback(src: Source, loc: Loc, fn: FunctionNode | undefined): boolean {
  const node = findCall(src, loc);
  for (let n: ts.Node | undefined = node?.parent; n && n !== fn; n = n.parent) {
    if (!isFunctionNode(n)) continue;
    const call = isInlineCallback(n) ? callOfCallback(n) : undefined;
    const callee = call ? unwrap(call.expression) : undefined;
    if (callee && ts.isPropertyAccessExpression(callee) && callee.name.text === 'forEach') return true;
  }
  return false;
}

export interface WrapDescription {
  /** Awaits inside the wrapped range that are not database calls (`fetch(…)`, `sendWelcomeEmail(…)`): they hold the transaction open. */
  nonDatabaseAwaits: string[];
  /** Workspace functions called in the range that write through their own client: the wrapper does not make them atomic. */
  writesOutsideTransaction: string[];
  /** The range had to grow to the end of the function to keep its `return`s. */
  extendedToEnd: boolean;
  /** Variables returned from the callback because later code reads them. */
  returnedVariables: string[];
}

/**
 * What a wrap would enclose, for the fix title. Pure over the model when `reader` is omitted (awaits and
 * writing calls between the first and last statement); with a reader it also reports the exact plan.
 */
export function describeWrap(
  file: CodeFile,
  calls: readonly (DbCall | WritingCall)[],
  reader?: SourceReader,
  enclose: readonly Loc[] = [],
): WrapDescription {
  const before = (a: Loc['range']['start'], b: Loc['range']['start']) => a.line < b.line || (a.line === b.line && a.character <= b.character);
  const starts = [...calls.map((c) => c.statementLoc.range.start), ...enclose.map((l) => l.range.start)].sort((a, b) => (before(a, b) ? -1 : 1));
  const ends = [...calls.map((c) => c.statementLoc.range.end), ...enclose.map((l) => l.range.end)].sort((a, b) => (before(a, b) ? -1 : 1));
  let from = starts[0];
  let to = ends[ends.length - 1];
  const out: WrapDescription = { nonDatabaseAwaits: [], writesOutsideTransaction: [], extendedToEnd: false, returnedVariables: [] };
  if (!from || !to) return out;
  if (reader) {
    const src = load(file.file, reader);
    const plan = src ? planWrap(src, calls, enclose, reader) : undefined;
    if (src && plan) {
      const s = plan.container.statements;
      from = positionOf(src.sf, s[plan.first].getStart(src.sf));
      to = positionOf(src.sf, s[plan.last].end);
      out.extendedToEnd = plan.extendedToEnd;
      out.returnedVariables = plan.exported.length ? plan.exported : plan.reassigned;
    }
  }
  const inside = (l: Loc) => before(from, l.range.start) && before(l.range.end, to);
  for (const a of file.otherAwaits ?? []) if (inside(a.loc)) out.nonDatabaseAwaits.push(a.expression);
  for (const w of file.writingCalls) if (inside(w.loc) && !w.viaTransactionClient) out.writesOutsideTransaction.push(w.callee);
  return out;
}

// ---------------------------------------------------------------------------------------------
// useTransactionClient
// ---------------------------------------------------------------------------------------------

function useTransactionClient(file: CodeFile, call: DbCall, param: string | undefined, reader: SourceReader): FileEdit[] | undefined {
  if (!param) return undefined;
  const src = load(file.file, reader);
  if (!src) return undefined;
  const s = span(src, call.loc);
  if (src.text.slice(s.start, s.start + call.client.length) !== call.client) return undefined;
  // A helper declared in the callback may bind the name itself (`async (tx) => …`): `tx` would not be the transaction.
  const node = findCall(src, call.loc);
  const callbackBody = call.transaction ? span(src, call.transaction.range).start : s.start;
  for (let n: ts.Node | undefined = node?.parent; n && n.getStart(src.sf) > callbackBody; n = n.parent) {
    if (isFunctionNode(n) && n.parameters.some((p) => bindsName(p.name, param))) return undefined;
  }
  return finish(src, [{ start: s.start, end: s.start + call.client.length, text: param }]);
}

function bindsName(name: ts.BindingName, wanted: string): boolean {
  if (ts.isIdentifier(name)) return name.text === wanted;
  return name.elements.some((el) => !ts.isOmittedExpression(el) && bindsName(el.name, wanted));
}

// ---------------------------------------------------------------------------------------------
// addLimit
// ---------------------------------------------------------------------------------------------

/** The named cap the limit fixes write, declared once per file (after its imports). */
export const LIMIT_CONSTANT = 'MAX_ROWS';

type Replacement = { start: number; end: number; text: string };

/**
 * `MAX_ROWS`, and the declaration to add when the file has none. Undefined when the name is already taken by
 * something else (an import, a parameter): a second meaning would be a bug, so no fix is better.
 */
function limitConstant(src: Source, n: number): { name: string; declare: Replacement[] } | undefined {
  const declared = src.sf.statements.some(
    (st) => ts.isVariableStatement(st) && st.declarationList.declarations.some((d) => ts.isIdentifier(d.name) && d.name.text === LIMIT_CONSTANT),
  );
  if (declared) return { name: LIMIT_CONSTANT, declare: [] };
  if (src.text.includes(LIMIT_CONSTANT)) return undefined;
  // After the last top-level import; else after a directive prologue ('use server'); else at the top.
  let at = -1;
  for (const st of src.sf.statements) if (ts.isImportDeclaration(st) || ts.isImportEqualsDeclaration(st)) at = st.end;
  if (at < 0) {
    for (const st of src.sf.statements) {
      if (ts.isExpressionStatement(st) && ts.isStringLiteral(st.expression)) at = st.end;
      else break;
    }
  }
  const declaration = `/** The most rows one query loads: set your page size. */\nconst ${LIMIT_CONSTANT} = ${n};`;
  const text = at < 0 ? `${declaration}\n\n` : `\n\n${declaration}`;
  return { name: LIMIT_CONSTANT, declare: [{ start: Math.max(0, at), end: Math.max(0, at), text }] };
}

function addLimit(file: CodeFile, call: DbCall, limit: number, reader: SourceReader): FileEdit[] | undefined {
  const src = load(file.file, reader);
  if (!src) return undefined;
  const node = findCall(src, call.loc);
  if (!node || !ts.isCallExpression(node)) return undefined;
  const n = Math.max(1, Math.floor(limit));
  const constant = limitConstant(src, n);
  if (!constant) return undefined;
  if (call.orm === 'drizzle' && call.operation === 'select') {
    if (call.chain?.includes('limit')) return undefined;
    // A chain written one call per line gets `.limit()` on a line of its own.
    const callee = node.expression;
    if (ts.isPropertyAccessExpression(callee)) {
      const gap = src.text.slice(callee.expression.end, callee.name.getStart(src.sf));
      if (gap.includes('\n')) {
        const dot = callee.expression.end + gap.indexOf('.');
        return finish(src, [...constant.declare, { start: node.end, end: node.end, text: `\n${lineIndent(src.text, dot)}.limit(${constant.name})` }]);
      }
    }
    return finish(src, [...constant.declare, { start: node.end, end: node.end, text: `.limit(${constant.name})` }]);
  }
  const isPrisma = call.orm === 'prisma' && (call.operation === 'findMany' || call.operation === 'findFirst');
  const isRelational = call.orm === 'drizzle' && call.operation === 'findMany';
  if (!isPrisma && !isRelational) return undefined;
  return addKey(src, node, isPrisma ? 'take' : 'limit', constant.name, constant.declare);
}

/** Adds `key: value` to a call's options object, creating it when there is none. */
function addKey(src: Source, call: ts.CallExpression, key: string, value: string, extra: Replacement[] = []): FileEdit[] | undefined {
  const arg = call.arguments[0];
  if (!arg) {
    return finish(src, [...extra, { start: call.arguments.pos, end: call.arguments.end, text: `{ ${key}: ${value} }` }]);
  }
  const obj = unwrap(arg);
  if (!ts.isObjectLiteralExpression(obj)) {
    return finish(src, [...extra, { start: arg.getStart(src.sf), end: arg.end, text: `{ ...${arg.getText(src.sf)}, ${key}: ${value} }` }]);
  }
  if (obj.properties.some((p) => !ts.isSpreadAssignment(p) && propertyNameText(p.name) === key)) return undefined;
  const props = obj.properties;
  if (!props.length) return finish(src, [...extra, { start: obj.getStart(src.sf), end: obj.end, text: `{ ${key}: ${value} }` }]);
  const lastProp = props[props.length - 1];
  const multiline = src.text.slice(obj.getStart(src.sf), obj.end).includes('\n');
  if (multiline) {
    const indent = lineIndent(src.text, lastProp.getStart(src.sf));
    if (props.hasTrailingComma) {
      const comma = src.text.indexOf(',', lastProp.end);
      return finish(src, [...extra, { start: comma + 1, end: comma + 1, text: `\n${indent}${key}: ${value},` }]);
    }
    return finish(src, [...extra, { start: lastProp.end, end: lastProp.end, text: `,\n${indent}${key}: ${value}` }]);
  }
  if (props.hasTrailingComma) {
    const comma = src.text.indexOf(',', lastProp.end);
    return finish(src, [...extra, { start: comma + 1, end: comma + 1, text: ` ${key}: ${value},` }]);
  }
  return finish(src, [...extra, { start: lastProp.end, end: lastProp.end, text: `, ${key}: ${value}` }]);
}

// ---------------------------------------------------------------------------------------------
// batchQueryInLoop
// ---------------------------------------------------------------------------------------------

/**
 * `for (const x of xs) { const y = await prisma.m.findUnique({ where: { k: x.p } }); … }` →
 * one `findMany({ where: { k: { in: Array.from(xs, (x) => x.p) } } })` before the loop and a Map lookup
 * inside. The same for `xs.forEach(async (x) => { … })` (keys from `xs.values()`), Drizzle
 * `const [y] = await db.select().from(t).where(eq(t.k, x.p))` and `const y = await db.query.t.findFirst({ where })`.
 * Any other shape: undefined.
 */
function batchQueryInLoop(file: CodeFile, call: DbCall, reader: SourceReader): FileEdit[] | undefined {
  const src = load(file.file, reader);
  if (!src) return undefined;
  const node = findCall(src, call.loc);
  if (!node || !ts.isCallExpression(node)) return undefined;
  const lookup = call.orm === 'prisma' ? prismaLookup(src, call, node) : call.operation === 'findFirst' ? relationalLookup(src, node) : drizzleLookup(src, call, node);
  if (!lookup) return undefined;

  // `const y = await <call>` (or `const [y] = …` for a Drizzle select) directly in the loop's body.
  const awaitExpr = node.parent;
  if (!awaitExpr || !ts.isAwaitExpression(awaitExpr)) return undefined;
  const decl = awaitExpr.parent;
  if (!decl || !ts.isVariableDeclaration(decl) || decl.initializer !== awaitExpr) return undefined;
  let y: string;
  if (lookup.result !== 'rows' && ts.isIdentifier(decl.name)) y = decl.name.text;
  else if (
    lookup.result === 'rows' &&
    ts.isArrayBindingPattern(decl.name) &&
    decl.name.elements.length === 1 &&
    ts.isBindingElement(decl.name.elements[0]) &&
    !decl.name.elements[0].dotDotDotToken &&
    ts.isIdentifier(decl.name.elements[0].name)
  ) {
    y = decl.name.elements[0].name.text;
  } else return undefined;
  const varStmt = decl.parent.parent;
  const body = varStmt?.parent;
  if (!varStmt || !body || !ts.isBlock(body)) return undefined;
  const loop = loopShape(body);
  if (!loop) return undefined;
  const { loopVar, iterable, before: beforeNode } = loop;
  if (!isPathOf(lookup.value, loopVar)) return undefined;
  if (!isPathOf(iterable, undefined)) return undefined; // evaluated twice: it must have no side effects

  const fn = enclosingFunctionNode(beforeNode);
  const taken = identifiersIn(fn ?? src.sf);
  const rowsName = freshName(taken, `${y}Rows`);
  taken.add(rowsName);
  const key = lookup.key;
  const mapName = freshName(taken, `${y}By${key.charAt(0).toUpperCase()}${key.slice(1)}`);
  const indent = lineIndent(src.text, beforeNode.getStart(src.sf));
  const valueText = lookup.value.getText(src.sf);
  // forEach's first parameter is the value for arrays, Sets and Maps alike: so is `.values()`.
  const iterText = loop.kind === 'forEach' ? `${iterable.getText(src.sf)}.values()` : iterable.getText(src.sf);
  const keys = ts.isIdentifier(lookup.value) ? `Array.from(${iterText})` : `Array.from(${iterText}, (${loopVar}) => ${valueText})`;
  const before =
    `const ${rowsName} = await ${lookup.batched(keys)};\n` +
    `${indent}const ${mapName} = new Map(${rowsName}.map((row) => [row.${key}, row] as const));\n${indent}`;
  const at = beforeNode.getStart(src.sf);
  const replacements = [
    { start: at, end: at, text: before },
    lookup.result === 'nullable'
      ? { start: awaitExpr.getStart(src.sf), end: awaitExpr.end, text: `${mapName}.get(${valueText}) ?? null` }
      : lookup.result === 'optional'
        ? { start: awaitExpr.getStart(src.sf), end: awaitExpr.end, text: `${mapName}.get(${valueText})` }
        : // `const [y] = await …` gave the row type (undefined when missing): keep both with `!`.
          { start: decl.getStart(src.sf), end: decl.end, text: `${y} = ${mapName}.get(${valueText})!` },
    ...lookup.extra,
  ];
  return finish(src, replacements);
}

/**
 * The loop whose body is `body`: `for (const x of xs) { … }`, or `xs.forEach(async (x) => { … })` as a
 * statement of an async function. `before` is the statement the batched query goes in front of.
 */
function loopShape(body: ts.Block): { kind: 'for-of' | 'forEach'; loopVar: string; iterable: ts.Expression; before: ts.Statement } | undefined {
  const inStatementList = (st: ts.Node) => ts.isBlock(st.parent) || ts.isSourceFile(st.parent) || ts.isCaseClause(st.parent) || ts.isDefaultClause(st.parent);
  const loop = body.parent;
  if (ts.isForOfStatement(loop)) {
    if (loop.awaitModifier || loop.statement !== body || !inStatementList(loop)) return undefined;
    if (!ts.isVariableDeclarationList(loop.initializer) || loop.initializer.declarations.length !== 1) return undefined;
    const v = loop.initializer.declarations[0].name;
    if (!ts.isIdentifier(v)) return undefined;
    return { kind: 'for-of', loopVar: v.text, iterable: unwrap(loop.expression), before: loop };
  }
  if ((ts.isArrowFunction(loop) || ts.isFunctionExpression(loop)) && loop.body === body) {
    const call = isInlineCallback(loop) ? callOfCallback(loop) : undefined;
    const callee = call ? unwrap(call.expression) : undefined;
    if (!call || !callee || !ts.isPropertyAccessExpression(callee) || callee.name.text !== 'forEach' || call.arguments.length !== 1) return undefined;
    const v = loop.parameters[0]?.name;
    if (!v || !ts.isIdentifier(v)) return undefined;
    const stmt = climbWrappers(call).parent;
    if (!stmt || !ts.isExpressionStatement(stmt) || !inStatementList(stmt)) return undefined;
    // The batched query is awaited before the statement: the function around it must be async.
    const fn = enclosingFunctionNode(stmt);
    if (!fn || !isAsync(fn)) return undefined;
    return { kind: 'forEach', loopVar: v.text, iterable: unwrap(callee.expression), before: stmt };
  }
  return undefined;
}

interface Lookup {
  key: string;
  /** The key as written (with its `!` or `as T`, which the batched keys and the lookup keep). */
  value: ts.Expression;
  /** The batched query text for a keys expression. */
  batched: (keys: string) => string;
  extra: { start: number; end: number; text: string }[];
  /** What the lookup returned: a row or null (Prisma), a row or undefined (Drizzle findFirst), a list of rows (Drizzle select). */
  result: 'nullable' | 'optional' | 'rows';
}

/**
 * A lookup's options object split into its `where` and the texts of the one other option that may stay on the batched
 * query (`include`, `with`); undefined when it holds anything else.
 */
function lookupOptions(src: Source, arg: ts.Expression, kept: string): { where?: ts.Expression; rest: string[] } | undefined {
  const args = unwrap(arg);
  if (!ts.isObjectLiteralExpression(args)) return undefined;
  let where: ts.Expression | undefined;
  const rest: string[] = [];
  for (const p of args.properties) {
    if (!ts.isPropertyAssignment(p)) return undefined;
    const k = propertyNameText(p.name);
    if (k === 'where') where = unwrap(p.initializer);
    else if (k === kept) rest.push(p.getText(src.sf));
    else return undefined;
  }
  return { where, rest };
}

/** `prisma.m.findUnique({ where: { k: <value> } })` or `{ where: { k } }` (an `include` may stay). */
function prismaLookup(src: Source, call: DbCall, node: ts.CallExpression): Lookup | undefined {
  if ((call.operation !== 'findUnique' && call.operation !== 'findFirst') || node.arguments.length !== 1) return undefined;
  // select/orderBy/…: the rows may lack the key, or the order matters.
  const options = lookupOptions(src, node.arguments[0]!, 'include');
  const where = options?.where;
  const rest = options?.rest ?? [];
  if (!where || !ts.isObjectLiteralExpression(where) || where.properties.length !== 1) return undefined;
  const wp = where.properties[0];
  let key: string | undefined;
  let value: ts.Expression;
  if (ts.isPropertyAssignment(wp)) {
    key = propertyNameText(wp.name);
    value = wp.initializer;
  } else if (ts.isShorthandPropertyAssignment(wp) && !wp.objectAssignmentInitializer) {
    key = wp.name.text;
    value = wp.name;
  } else return undefined;
  if (!key || !/^[A-Za-z_$][\w$]*$/.test(key)) return undefined;
  const callee = node.expression;
  if (!ts.isPropertyAccessExpression(callee)) return undefined;
  const delegate = callee.expression.getText(src.sf);
  return {
    key,
    value,
    batched: (keys) => `${delegate}.findMany({ ${[`where: { ${key}: { in: ${keys} } }`, ...rest].join(', ')} })`,
    extra: [],
    result: 'nullable',
  };
}

/**
 * `db.query.t.findFirst({ where: eq(t.k, <value>) })`, or `where: (t, { eq }) => eq(t.k, <value>)` (a `with`
 * may stay) → `findMany` with `inArray`. Other options (`columns`, `orderBy`, …): undefined.
 */
function relationalLookup(src: Source, node: ts.CallExpression): Lookup | undefined {
  const callee = node.expression;
  if (!ts.isPropertyAccessExpression(callee) || node.arguments.length !== 1) return undefined;
  const options = lookupOptions(src, node.arguments[0]!, 'with');
  const where = options?.where;
  const rest = options?.rest ?? [];
  if (!where) return undefined;
  const isEq = (e: ts.Expression): e is ts.CallExpression =>
    ts.isCallExpression(e) && ts.isIdentifier(e.expression) && e.expression.text === 'eq' && e.arguments.length === 2;
  let cond: ts.Expression;
  let colRoot: string | undefined;
  let batchedWhere: (keys: string, col: string) => string;
  let extra: Replacement[] = [];
  if (ts.isArrowFunction(where) || ts.isFunctionExpression(where)) {
    // (t, { eq }) => eq(t.k, v): `inArray` comes from the same operators object.
    const [table, ops] = where.parameters;
    const body = ts.isArrowFunction(where) && !ts.isBlock(where.body) ? unwrap(where.body) : undefined;
    if (!body || !table || !ts.isIdentifier(table.name) || where.parameters.length !== 2 || !ops) return undefined;
    if (!ts.isObjectBindingPattern(ops.name) || !ops.name.elements.some((el) => !el.propertyName && ts.isIdentifier(el.name) && el.name.text === 'eq')) return undefined;
    cond = body;
    colRoot = table.name.text;
    const t = colRoot;
    batchedWhere = (keys, col) => `(${t}, { inArray }) => inArray(${col}, ${keys})`;
  } else {
    cond = where;
    const imports = addNamedImport(src, 'drizzle-orm', 'inArray');
    if (!imports) return undefined;
    extra = imports;
    batchedWhere = (keys, col) => `inArray(${col}, ${keys})`;
  }
  if (!isEq(cond)) return undefined;
  const col = unwrap(cond.arguments[0]);
  if (!ts.isPropertyAccessExpression(col) || !ts.isIdentifier(col.expression)) return undefined;
  if (colRoot !== undefined && col.expression.text !== colRoot) return undefined;
  const colText = col.getText(src.sf);
  const delegate = callee.expression.getText(src.sf);
  return {
    key: col.name.text,
    value: cond.arguments[1],
    batched: (keys) => `${delegate}.findMany({ ${[`where: ${batchedWhere(keys, colText)}`, ...rest].join(', ')} })`,
    extra,
    result: 'optional',
  };
}

/** `db.select().from(t).where(eq(t.col, <value>))[.limit(1)]` → `inArray(t.col, keys)`, importing `inArray`. */
function drizzleLookup(src: Source, call: DbCall, node: ts.CallExpression): Lookup | undefined {
  if (call.operation !== 'select') return undefined;
  const parts = new Map<string, ts.CallExpression>();
  let root: ts.CallExpression | undefined;
  for (let n: ts.Expression = node; ts.isCallExpression(n); ) {
    const callee = n.expression;
    if (!ts.isPropertyAccessExpression(callee)) return undefined;
    const name = callee.name.text;
    if (parts.has(name)) return undefined;
    parts.set(name, n);
    if (name === 'select') {
      root = n;
      break;
    }
    n = callee.expression;
  }
  if (!root || root.arguments.length) return undefined; // a partial select may lack the key column
  for (const name of parts.keys()) if (!['select', 'from', 'where', 'limit'].includes(name)) return undefined;
  const limit = parts.get('limit');
  if (limit && !(limit.arguments.length === 1 && limit.arguments[0].getText(src.sf) === '1')) return undefined;
  const from = parts.get('from');
  const where = parts.get('where');
  if (!from || !where || from.arguments.length !== 1 || where.arguments.length !== 1) return undefined;
  const cond = unwrap(where.arguments[0]);
  if (!ts.isCallExpression(cond) || !ts.isIdentifier(cond.expression) || cond.expression.text !== 'eq' || cond.arguments.length !== 2) return undefined;
  const col = unwrap(cond.arguments[0]);
  const table = from.arguments[0].getText(src.sf);
  if (!ts.isPropertyAccessExpression(col) || col.expression.getText(src.sf) !== table) return undefined;
  const importEdit = addNamedImport(src, 'drizzle-orm', 'inArray');
  if (!importEdit) return undefined;
  const selectText = root.getText(src.sf);
  return {
    key: col.name.text,
    value: cond.arguments[1],
    batched: (keys) => `${selectText}.from(${table}).where(inArray(${col.getText(src.sf)}, ${keys}))`,
    extra: importEdit.length ? importEdit : [],
    result: 'rows',
  };
}

/** Edits that make `name` imported from `module` ([] when it already is); undefined when it cannot. */
function addNamedImport(src: Source, module: string, name: string): { start: number; end: number; text: string }[] | undefined {
  let lastImport: ts.ImportDeclaration | undefined;
  for (const st of src.sf.statements) {
    if (!ts.isImportDeclaration(st)) continue;
    lastImport = st;
    if (!ts.isStringLiteral(st.moduleSpecifier) || st.moduleSpecifier.text !== module || st.importClause?.isTypeOnly) continue;
    const nb = st.importClause?.namedBindings;
    if (!nb || !ts.isNamedImports(nb)) continue;
    if (nb.elements.some((e) => e.name.text === name && !e.propertyName)) return [];
    if (nb.elements.some((e) => e.name.text === name)) return undefined;
    const last = nb.elements[nb.elements.length - 1];
    if (!last) return [{ start: nb.getStart(src.sf), end: nb.end, text: `{ ${name} }` }];
    return [{ start: last.end, end: last.end, text: `, ${name}` }];
  }
  if (identifiersIn(src.sf).has(name)) return undefined;
  const quote = lastImport && src.text.charAt(lastImport.moduleSpecifier.getStart(src.sf)) === '"' ? '"' : "'";
  const at = lastImport ? lastImport.end : 0;
  return [{ start: at, end: at, text: `${lastImport ? '\n' : ''}import { ${name} } from ${quote}${module}${quote};${lastImport ? '' : '\n'}` }];
}

/** `a`, `a.b.c` (rooted at `root` when given); no calls, no element access. */
function isPathOf(e: ts.Expression, root: string | undefined): boolean {
  let n = unwrap(e);
  while (ts.isPropertyAccessExpression(n)) n = unwrap(n.expression);
  if (n.kind === ts.SyntaxKind.ThisKeyword) return root === undefined;
  return ts.isIdentifier(n) && (root === undefined || n.text === root);
}
