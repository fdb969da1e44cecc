/**
 * Code facts: finds Prisma and Drizzle clients in TypeScript/JavaScript (syntax only), the database
 * calls made through them, and the context each call runs in (function, loop, transaction, try/catch,
 * branches). The client is what is bound to `new PrismaClient()` / `drizzle(…)`, imported from a module
 * that binds one, a transaction callback's parameter, a class member typed/injected as a client, or a
 * parameter typed as one — never a guess from a variable name.
 */
import * as ts from 'typescript';
import type {
  BranchStep,
  CatchClause,
  CodeFile,
  Database,
  DbCall,
  Loc,
  Orm,
  OtherAwait,
  TransactionScope,
  WritingCall,
} from '../../../../rules/model';
import { parseIgnoreComment } from '../../suppressions';
import type { SourceDiagnostic, SourceReader, Suppression } from '../types';
import {
  callOfCallback,
  calleeMethodName,
  climbWrappers,
  type FunctionNode,
  functionName,
  isFunctionNode,
  isInlineCallback,
  locOf,
  nodeLoc,
  parse,
  propertyNameText,
  shortText,
  statementOf,
  unwrap,
} from './ast';
import { resolveImport, TsconfigPaths } from './resolve';

export const PRISMA_READ_OPS = new Set([
  'findMany',
  'findFirst',
  'findFirstOrThrow',
  'findUnique',
  'findUniqueOrThrow',
  'count',
  'aggregate',
  'groupBy',
]);
export const PRISMA_WRITE_OPS = new Set([
  'create',
  'createMany',
  'createManyAndReturn',
  'update',
  'updateMany',
  'updateManyAndReturn',
  'upsert',
  'delete',
  'deleteMany',
]);
const PRISMA_RAW_WRITE = new Set(['$executeRaw', '$executeRawUnsafe', '$runCommandRaw']);
const PRISMA_RAW_READ = new Set(['$queryRaw', '$queryRawUnsafe', '$queryRawTyped']);
const DRIZZLE_ROOTS: Record<string, 'read' | 'write'> = {
  insert: 'write',
  update: 'write',
  delete: 'write',
  select: 'read',
  selectDistinct: 'read',
  selectDistinctOn: 'read',
  execute: 'write',
  $count: 'read',
};
const DRIZZLE_OPERATORS = new Set([
  'eq', 'ne', 'gt', 'gte', 'lt', 'lte', 'like', 'ilike', 'notLike', 'notIlike', 'inArray', 'notInArray',
  'isNull', 'isNotNull', 'between', 'notBetween', 'arrayContains', 'arrayContained', 'arrayOverlaps',
]);
const LOGGER_ROOTS = new Set(['console', 'logger', 'log', 'Logger']);
const PROMISE_COMBINATORS = new Set(['all', 'allSettled', 'race', 'any']);

export interface AnalyzeResult {
  codeFiles: CodeFile[];
  diagnostics: SourceDiagnostic[];
  suppressions: Suppression[];
}

interface ImportBinding {
  /** Resolved workspace file, undefined for packages. */
  file?: string;
  specifier: string;
  /** `default`, `*` (namespace) or the exported name. */
  imported: string;
}

interface FileInfo {
  file: string;
  sf: ts.SourceFile;
  imports: Map<string, ImportBinding>;
  /** Local names bound to a client (top level). */
  clients: Map<string, Orm>;
  /** Export name → local name (`default` for the default export). */
  exports: Map<string, string>;
  /** Export name → orm, for exports that are clients (computed). */
  clientExports: Map<string, Orm>;
  /** `export * from` targets and `export { a as b } from` entries. */
  starExports: string[];
  reExports: Map<string, { file: string; imported: string }>;
  /** Top-level functions by local name (declarations and `const f = () => …`). */
  functions: Map<string, FunctionNode>;
  /** `export default new PrismaClient()` and friends. */
  defaultClient?: Orm;
  /** Names of local functions that return a new client (`prismaClientSingleton`). */
  factories: Map<string, Orm>;
  /** Imports of `drizzle` (and names from drizzle-orm) — local name → module. */
  drizzleImports: Set<string>;
}

interface Candidate {
  node: ts.CallExpression;
  callee: string;
  kind: 'function' | 'this' | 'namespace';
  target?: string;
}

/** Analyzes a set of code files into facts. Never throws: a file that cannot be analyzed becomes a diagnostic. */
export function analyzeCode(files: readonly string[], reader: SourceReader, databases: readonly Database[] = []): AnalyzeResult {
  const diagnostics: SourceDiagnostic[] = [];
  const suppressions: Suppression[] = [];
  const infos: FileInfo[] = [];
  const fileSet = new Set(files);
  const tsconfig = new TsconfigPaths(reader);

  for (const file of files) {
    const text = reader.read(file);
    if (text === undefined) continue;
    try {
      const sf = parse(file, text);
      infos.push(collectModule(sf, fileSet, tsconfig));
      if (text.includes('schema-review-ignore')) suppressions.push(...collectSuppressions(sf));
    } catch (error) {
      diagnostics.push(failure(file, error));
    }
  }
  const byFile = new Map(infos.map((i) => [i.file, i]));
  resolveClients(infos, byFile);

  const prismaModels = prismaModelAccessors(databases);
  const codeFiles: CodeFile[] = [];
  const perFile = new Map<string, { info: FileInfo; walker: FileWalker }>();
  for (const info of infos) {
    try {
      const walker = new FileWalker(info, byFile, prismaModels);
      walker.walk();
      perFile.set(info.file, { info, walker });
    } catch (error) {
      diagnostics.push(failure(info.file, error));
    }
  }

  // Functions that write (one level deep), then the calls of them.
  const writing = new Map<string, Set<string>>(); // file → local function names / `Class.method`
  for (const { info, walker } of perFile.values()) {
    const names = new Set<string>();
    for (const [call, node] of walker.callNodes) {
      if (call.kind !== 'write') continue;
      const owner = namedOwner(node);
      if (owner) names.add(owner);
    }
    writing.set(info.file, names);
  }
  for (const { info, walker } of perFile.values()) {
    try {
      walker.resolveWritingCalls(
        (name) => isWritingImport(info, name, byFile, writing),
        (file, name) => exportWrites(file, name, byFile, writing, new Set()),
        writing.get(info.file) ?? new Set(),
      );
      walker.collectOtherAwaits();
      codeFiles.push(walker.result());
    } catch (error) {
      diagnostics.push(failure(info.file, error));
    }
  }
  return { codeFiles, diagnostics, suppressions };
}

function failure(file: string, error: unknown): SourceDiagnostic {
  return {
    file,
    range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
    severity: 'warning',
    message: `Schema Review could not analyze this file's database calls: ${error instanceof Error ? error.message : String(error)}`,
    source: 'schema-review',
  };
}

function prismaModelAccessors(databases: readonly Database[]): Set<string> | undefined {
  const prisma = databases.filter((d) => d.language === 'prisma');
  if (!prisma.length) return undefined;
  const names = new Set<string>();
  for (const db of prisma) for (const t of db.tables) names.add(t.name.charAt(0).toLowerCase() + t.name.slice(1));
  return names;
}

// ---------------------------------------------------------------------------------------------
// Module level: imports, exports, client bindings
// ---------------------------------------------------------------------------------------------

function collectModule(sf: ts.SourceFile, files: ReadonlySet<string>, tsconfig: TsconfigPaths): FileInfo {
  const info: FileInfo = {
    file: sf.fileName,
    sf,
    imports: new Map(),
    clients: new Map(),
    exports: new Map(),
    clientExports: new Map(),
    starExports: [],
    reExports: new Map(),
    functions: new Map(),
    factories: new Map(),
    drizzleImports: new Set(),
  };
  const resolve = (spec: string) => resolveImport(sf.fileName, spec, files, tsconfig);
  const hasExport = (node: ts.Node) =>
    ts.canHaveModifiers(node) && (ts.getModifiers(node) ?? []).some((m) => m.kind === ts.SyntaxKind.ExportKeyword);
  const hasDefault = (node: ts.Node) =>
    ts.canHaveModifiers(node) && (ts.getModifiers(node) ?? []).some((m) => m.kind === ts.SyntaxKind.DefaultKeyword);

  for (const st of sf.statements) {
    if (ts.isImportDeclaration(st) && ts.isStringLiteral(st.moduleSpecifier) && st.importClause) {
      const spec = st.moduleSpecifier.text;
      const file = resolve(spec);
      const clause = st.importClause;
      if (clause.name) info.imports.set(clause.name.text, { file, specifier: spec, imported: 'default' });
      const nb = clause.namedBindings;
      if (nb && ts.isNamespaceImport(nb)) info.imports.set(nb.name.text, { file, specifier: spec, imported: '*' });
      if (nb && ts.isNamedImports(nb)) {
        for (const el of nb.elements) {
          info.imports.set(el.name.text, { file, specifier: spec, imported: (el.propertyName ?? el.name).text });
        }
      }
      if (spec.startsWith('drizzle-orm')) {
        if (clause.name) info.drizzleImports.add(clause.name.text);
        if (nb && ts.isNamedImports(nb)) for (const el of nb.elements) info.drizzleImports.add(el.name.text);
      }
    } else if (ts.isImportEqualsDeclaration(st) && ts.isExternalModuleReference(st.moduleReference)) {
      const e = st.moduleReference.expression;
      if (ts.isStringLiteral(e)) info.imports.set(st.name.text, { file: resolve(e.text), specifier: e.text, imported: '*' });
    } else if (ts.isExportDeclaration(st)) {
      const spec = st.moduleSpecifier && ts.isStringLiteral(st.moduleSpecifier) ? st.moduleSpecifier.text : undefined;
      const target = spec ? resolve(spec) : undefined;
      if (!st.exportClause) {
        if (target) info.starExports.push(target);
      } else if (ts.isNamedExports(st.exportClause)) {
        for (const el of st.exportClause.elements) {
          const local = (el.propertyName ?? el.name).text;
          if (spec) {
            if (target) info.reExports.set(el.name.text, { file: target, imported: local });
          } else info.exports.set(el.name.text, local);
        }
      }
    } else if (ts.isExportAssignment(st)) {
      const e = unwrap(st.expression);
      if (ts.isIdentifier(e)) info.exports.set('default', e.text);
      else {
        const orm = newClientOrm(e, info);
        if (orm) info.defaultClient = orm;
      }
    } else if (ts.isVariableStatement(st)) {
      const exported = hasExport(st);
      for (const d of st.declarationList.declarations) {
        // CommonJS: const { prisma } = require('./db')
        if (d.initializer && ts.isObjectBindingPattern(d.name)) {
          const req = requireSpecifier(d.initializer);
          if (req !== undefined) {
            const file = resolve(req);
            for (const el of d.name.elements) {
              if (ts.isIdentifier(el.name)) {
                info.imports.set(el.name.text, { file, specifier: req, imported: propertyNameText(el.propertyName) ?? el.name.text });
              }
            }
          }
          continue;
        }
        if (!ts.isIdentifier(d.name)) continue;
        const name = d.name.text;
        if (exported) info.exports.set(name, name);
        if (d.initializer) {
          const init = unwrap(d.initializer);
          const req = requireSpecifier(init);
          if (req !== undefined) info.imports.set(name, { file: resolve(req), specifier: req, imported: '*' });
          if (ts.isArrowFunction(init) || ts.isFunctionExpression(init)) {
            info.functions.set(name, init);
            const orm = factoryOrm(init, info);
            if (orm) info.factories.set(name, orm);
          }
        }
      }
    } else if (ts.isFunctionDeclaration(st)) {
      const name = st.name?.text ?? (hasDefault(st) ? 'default' : undefined);
      if (name) {
        info.functions.set(name, st);
        if (hasExport(st)) info.exports.set(hasDefault(st) ? 'default' : name, name);
        const orm = factoryOrm(st, info);
        if (orm) info.factories.set(name, orm);
      }
    } else if (ts.isClassDeclaration(st) && st.name && hasExport(st)) {
      info.exports.set(hasDefault(st) ? 'default' : st.name.text, st.name.text);
    } else if (
      ts.isExpressionStatement(st) &&
      ts.isBinaryExpression(st.expression) &&
      st.expression.operatorToken.kind === ts.SyntaxKind.EqualsToken
    ) {
      // module.exports = prisma / module.exports.prisma = prisma / exports.db = db
      const left = st.expression.left;
      const right = unwrap(st.expression.right);
      const leftText = left.getText(sf);
      if (leftText === 'module.exports' && ts.isIdentifier(right)) info.exports.set('default', right.text);
      else if (ts.isPropertyAccessExpression(left) && /^(module\.)?exports$/.test(left.expression.getText(sf)) && ts.isIdentifier(right)) {
        info.exports.set(left.name.text, right.text);
      }
    }
  }
  // Client declarations (second pass: factories are known now).
  for (const st of sf.statements) {
    if (!ts.isVariableStatement(st)) continue;
    for (const d of st.declarationList.declarations) {
      if (!ts.isIdentifier(d.name) || !d.initializer) continue;
      const orm = newClientOrm(d.initializer, info) ?? clientTypeOrm(d.type, info);
      if (orm) info.clients.set(d.name.text, orm);
    }
  }
  return info;
}

function requireSpecifier(e: ts.Expression): string | undefined {
  const n = unwrap(e);
  if (ts.isCallExpression(n) && ts.isIdentifier(n.expression) && n.expression.text === 'require' && n.arguments.length === 1) {
    const a = n.arguments[0];
    if (ts.isStringLiteral(a)) return a.text;
  }
  return undefined;
}

/** `new PrismaClient(…)`, `drizzle(…)` anywhere in the value an initializer evaluates to. */
function newClientOrm(expr: ts.Expression, info: FileInfo, depth = 0): Orm | undefined {
  if (depth > 8) return undefined;
  const e = unwrap(expr);
  if (ts.isNewExpression(e)) {
    const callee = unwrap(e.expression);
    const name = ts.isIdentifier(callee) ? callee.text : ts.isPropertyAccessExpression(callee) ? callee.name.text : '';
    if (name === 'PrismaClient') return 'prisma';
    return undefined;
  }
  if (ts.isCallExpression(e)) {
    const callee = unwrap(e.expression);
    if (ts.isIdentifier(callee)) {
      if (callee.text === 'drizzle' && info.drizzleImports.has('drizzle')) return 'drizzle';
      const f = info.factories.get(callee.text);
      if (f) return f;
      return undefined;
    }
    // new PrismaClient().$extends(…)
    if (ts.isPropertyAccessExpression(callee) && callee.name.text === '$extends') return newClientOrm(callee.expression, info, depth + 1);
    return undefined;
  }
  if (ts.isAwaitExpression(e)) return newClientOrm(e.expression, info, depth + 1);
  if (ts.isBinaryExpression(e)) {
    const k = e.operatorToken.kind;
    if (k === ts.SyntaxKind.QuestionQuestionToken || k === ts.SyntaxKind.BarBarToken) {
      return newClientOrm(e.left, info, depth + 1) ?? newClientOrm(e.right, info, depth + 1);
    }
    return undefined;
  }
  if (ts.isConditionalExpression(e)) return newClientOrm(e.whenTrue, info, depth + 1) ?? newClientOrm(e.whenFalse, info, depth + 1);
  return undefined;
}

/** A function whose returned value is a new client (`const prismaClientSingleton = () => new PrismaClient()`). */
function factoryOrm(fn: ts.FunctionDeclaration | ts.ArrowFunction | ts.FunctionExpression, info: FileInfo): Orm | undefined {
  const body = fn.body;
  if (!body) return undefined;
  if (!ts.isBlock(body)) return newClientOrm(body, info);
  for (const st of body.statements) {
    if (ts.isReturnStatement(st) && st.expression) {
      const orm = newClientOrm(st.expression, info);
      if (orm) return orm;
    }
  }
  return undefined;
}

const PRISMA_TYPES = new Set(['PrismaClient', 'PrismaService', 'TransactionClient', 'ExtendedPrismaClient']);

/** The ORM a type annotation names: `PrismaClient`, `PrismaService`, `Prisma.TransactionClient`, a drizzle `…Database`, `typeof db`. */
function clientTypeOrm(type: ts.TypeNode | undefined, info: FileInfo, clients?: Map<string, Orm>): Orm | undefined {
  if (!type) return undefined;
  if (ts.isTypeReferenceNode(type)) {
    const name = ts.isIdentifier(type.typeName) ? type.typeName.text : type.typeName.right.text;
    if (PRISMA_TYPES.has(name)) return 'prisma';
    const root = ts.isIdentifier(type.typeName) ? type.typeName.text : undefined;
    if (name.endsWith('Database') && root && info.drizzleImports.has(root)) return 'drizzle';
    return undefined;
  }
  if (ts.isTypeQueryNode(type) && ts.isIdentifier(type.exprName)) {
    return (clients ?? info.clients).get(type.exprName.text);
  }
  if (ts.isUnionTypeNode(type)) {
    for (const t of type.types) {
      const orm = clientTypeOrm(t, info, clients);
      if (orm) return orm;
    }
  }
  return undefined;
}

/** Propagates client bindings through exports, re-exports, imports and aliases until nothing changes. */
function resolveClients(infos: FileInfo[], byFile: Map<string, FileInfo>): void {
  const exportOrm = (file: string | undefined, name: string, seen: Set<string>): Orm | undefined => {
    if (!file) return undefined;
    const key = `${file}#${name}`;
    if (seen.has(key)) return undefined;
    seen.add(key);
    const info = byFile.get(file);
    if (!info) return undefined;
    if (name === 'default' && info.defaultClient) return info.defaultClient;
    const local = info.exports.get(name);
    if (local) {
      const orm = info.clients.get(local);
      if (orm) return orm;
    }
    const re = info.reExports.get(name);
    if (re) return exportOrm(re.file, re.imported, seen);
    for (const star of info.starExports) {
      const orm = exportOrm(star, name, seen);
      if (orm) return orm;
    }
    return undefined;
  };
  for (let round = 0; round < 6; round++) {
    let changed = false;
    for (const info of infos) {
      for (const [local, imp] of info.imports) {
        if (info.clients.has(local) || imp.imported === '*') continue;
        const orm = exportOrm(imp.file, imp.imported, new Set());
        if (orm) {
          info.clients.set(local, orm);
          changed = true;
        }
      }
      // Aliases: const db = prisma; export const db = globalForDb.db ?? drizzle(…) handled above.
      for (const st of info.sf.statements) {
        if (!ts.isVariableStatement(st)) continue;
        for (const d of st.declarationList.declarations) {
          if (!ts.isIdentifier(d.name) || !d.initializer || info.clients.has(d.name.text)) continue;
          const e = unwrap(d.initializer);
          const orm = aliasOrm(e, info.clients);
          if (orm) {
            info.clients.set(d.name.text, orm);
            changed = true;
          }
        }
      }
    }
    if (!changed) break;
  }
  for (const info of infos) {
    for (const name of info.exports.keys()) {
      const orm = exportOrm(info.file, name, new Set());
      if (orm) info.clientExports.set(name, orm);
    }
    if (info.defaultClient) info.clientExports.set('default', info.defaultClient);
  }
}

function aliasOrm(e: ts.Expression, clients: Map<string, Orm>): Orm | undefined {
  const n = unwrap(e);
  if (ts.isIdentifier(n)) return clients.get(n.text);
  if (ts.isBinaryExpression(n) && (n.operatorToken.kind === ts.SyntaxKind.QuestionQuestionToken || n.operatorToken.kind === ts.SyntaxKind.BarBarToken)) {
    return aliasOrm(n.left, clients) ?? aliasOrm(n.right, clients);
  }
  return undefined;
}

function isWritingImport(info: FileInfo, local: string, byFile: Map<string, FileInfo>, writing: Map<string, Set<string>>): boolean {
  const imp = info.imports.get(local);
  if (!imp?.file) return false;
  return exportWrites(imp.file, imp.imported, byFile, writing, new Set());
}

function exportWrites(
  file: string,
  name: string,
  byFile: Map<string, FileInfo>,
  writing: Map<string, Set<string>>,
  seen: Set<string>,
): boolean {
  const key = `${file}#${name}`;
  if (seen.has(key)) return false;
  seen.add(key);
  const info = byFile.get(file);
  if (!info) return false;
  const local = info.exports.get(name);
  if (local && writing.get(file)?.has(local)) return true;
  const re = info.reExports.get(name);
  if (re) return exportWrites(re.file, re.imported, byFile, writing, seen);
  return info.starExports.some((s) => exportWrites(s, name, byFile, writing, seen));
}

/** The named function (declaration, variable-bound function, or `Class.method`) a node belongs to, through inline callbacks. */
function namedOwner(node: ts.Node): string | undefined {
  for (let n: ts.Node | undefined = node.parent; n; n = n.parent) {
    if (!isFunctionNode(n)) continue;
    if (isInlineCallback(n)) continue;
    if (ts.isFunctionDeclaration(n)) {
      if (n.name) return n.name.text;
      return 'default';
    }
    if (ts.isMethodDeclaration(n) || ts.isGetAccessorDeclaration(n) || ts.isSetAccessorDeclaration(n)) {
      const cls = n.parent;
      const m = propertyNameText(n.name);
      if (m && (ts.isClassDeclaration(cls) || ts.isClassExpression(cls))) return `${cls.name?.text ?? '<class>'}.${m}`;
      return undefined;
    }
    const holder = climbWrappers(n).parent;
    if (holder && ts.isVariableDeclaration(holder) && ts.isIdentifier(holder.name)) return holder.name.text;
    if (holder && ts.isPropertyDeclaration(holder)) {
      const cls = holder.parent;
      const m = propertyNameText(holder.name);
      if (m && (ts.isClassDeclaration(cls) || ts.isClassExpression(cls))) return `${cls.name?.text ?? '<class>'}.${m}`;
    }
    return undefined;
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Suppression comments
// ---------------------------------------------------------------------------------------------

function collectSuppressions(sf: ts.SourceFile): Suppression[] {
  const text = sf.text;
  const seen = new Set<number>();
  const out: Suppression[] = [];
  const take = (ranges: ts.CommentRange[] | undefined) => {
    for (const r of ranges ?? []) {
      if (seen.has(r.pos)) continue;
      seen.add(r.pos);
      const body = text.slice(r.pos, r.end);
      if (!body.includes('schema-review-ignore')) continue;
      const lineStart = text.lastIndexOf('\n', r.pos - 1) + 1;
      const trailing = text.slice(lineStart, r.pos).trim().length > 0;
      const s = parseIgnoreComment(body, locOf(sf, r.pos, r.end), trailing);
      if (s) out.push(s);
    }
  };
  const visit = (node: ts.Node) => {
    take(ts.getLeadingCommentRanges(text, node.pos));
    take(ts.getTrailingCommentRanges(text, node.end));
    ts.forEachChild(node, visit);
  };
  take(ts.getLeadingCommentRanges(text, 0));
  visit(sf);
  take(ts.getLeadingCommentRanges(text, sf.endOfFileToken.pos));
  return out;
}

// ---------------------------------------------------------------------------------------------
// The per-file walk
// ---------------------------------------------------------------------------------------------

interface ClientRef {
  orm: Orm;
  /** The client expression node (`prisma`, `this.prisma`, `tx`). */
  node: ts.Expression;
  text: string;
}

class FileWalker {
  readonly callNodes = new Map<DbCall, ts.Node>();
  private readonly calls: DbCall[] = [];
  private readonly transactions: TransactionScope[] = [];
  private readonly txCallbacks = new Map<ts.Node, TransactionScope>();
  private readonly txArrays = new Map<ts.Node, TransactionScope>();
  private readonly txCalls = new Set<ts.Node>();
  private readonly dbNodes = new Set<ts.Node>();
  private readonly writingCalls: WritingCall[] = [];
  private readonly writingNodes = new Set<ts.Node>();
  private readonly otherAwaits: OtherAwait[] = [];
  private readonly candidates: Candidate[] = [];
  private readonly awaits: ts.AwaitExpression[] = [];
  private readonly classClients = new Map<ts.Node, Map<string, Orm>>();
  private readonly sf: ts.SourceFile;

  constructor(
    private readonly info: FileInfo,
    private readonly byFile: Map<string, FileInfo>,
    private readonly prismaModels: Set<string> | undefined,
  ) {
    this.sf = info.sf;
  }

  walk(): void {
    const visit = (node: ts.Node): void => {
      if (ts.isCallExpression(node)) this.onCall(node);
      else if (ts.isTaggedTemplateExpression(node)) this.onTagged(node);
      else if (ts.isAwaitExpression(node)) this.awaits.push(node);
      ts.forEachChild(node, visit);
    };
    visit(this.sf);
  }

  result(): CodeFile {
    return {
      file: this.info.file,
      calls: this.calls,
      transactions: this.transactions,
      writingCalls: this.writingCalls,
      otherAwaits: this.otherAwaits,
    };
  }

  // ---- clients --------------------------------------------------------------------------

  /** Is this expression a database client here? */
  private clientOf(expr: ts.Expression): ClientRef | undefined {
    const e = unwrap(expr);
    if (ts.isIdentifier(e)) {
      const name = e.text;
      // A transaction callback parameter or a parameter typed as a client, innermost first.
      for (let n: ts.Node | undefined = e.parent; n; n = n.parent) {
        if (!isFunctionNode(n)) continue;
        const scope = this.txCallbacks.get(n);
        if (scope && scope.callbackParam === name) return { orm: scope.orm, node: e, text: name };
        for (const p of n.parameters) {
          if (ts.isIdentifier(p.name) && p.name.text === name) {
            const orm = clientTypeOrm(p.type, this.info);
            return orm ? { orm, node: e, text: name } : undefined; // a parameter shadows module bindings
          }
        }
      }
      const orm = this.info.clients.get(name);
      return orm ? { orm, node: e, text: name } : undefined;
    }
    if (ts.isPropertyAccessExpression(e)) {
      const target = unwrap(e.expression);
      const member = e.name.text;
      if (target.kind === ts.SyntaxKind.ThisKeyword) {
        const cls = this.classOf(e);
        const orm = cls ? this.clientMembers(cls).get(member) : undefined;
        return orm ? { orm, node: e, text: `this.${member}` } : undefined;
      }
      if (ts.isIdentifier(target)) {
        const imp = this.info.imports.get(target.text);
        if (imp?.imported === '*' && imp.file) {
          const orm = this.byFile.get(imp.file)?.clientExports.get(member);
          return orm ? { orm, node: e, text: `${target.text}.${member}` } : undefined;
        }
      }
    }
    return undefined;
  }

  private classOf(node: ts.Node): ts.ClassLikeDeclaration | undefined {
    for (let n: ts.Node | undefined = node.parent; n; n = n.parent) {
      if (ts.isClassDeclaration(n) || ts.isClassExpression(n)) return n;
      if (ts.isFunctionDeclaration(n) || ts.isFunctionExpression(n)) return undefined; // `this` rebinds
    }
    return undefined;
  }

  private clientMembers(cls: ts.ClassLikeDeclaration): Map<string, Orm> {
    let members = this.classClients.get(cls);
    if (members) return members;
    members = new Map();
    for (const m of cls.members) {
      if (ts.isPropertyDeclaration(m)) {
        const name = propertyNameText(m.name);
        if (!name) continue;
        const orm =
          clientTypeOrm(m.type, this.info) ??
          (m.initializer ? newClientOrm(m.initializer, this.info) ?? aliasOrm(m.initializer, this.info.clients) : undefined);
        if (orm) members.set(name, orm);
      } else if (ts.isConstructorDeclaration(m)) {
        for (const p of m.parameters) {
          if (!ts.isIdentifier(p.name)) continue;
          const orm = clientTypeOrm(p.type, this.info);
          if (!orm) continue;
          const isProperty = (ts.getModifiers(p) ?? []).some((mod) =>
            [ts.SyntaxKind.PrivateKeyword, ts.SyntaxKind.PublicKeyword, ts.SyntaxKind.ProtectedKeyword, ts.SyntaxKind.ReadonlyKeyword].includes(mod.kind),
          );
          if (isProperty) members.set(p.name.text, orm);
          // this.db = db in the constructor body
          for (const st of m.body?.statements ?? []) {
            if (
              ts.isExpressionStatement(st) &&
              ts.isBinaryExpression(st.expression) &&
              st.expression.operatorToken.kind === ts.SyntaxKind.EqualsToken &&
              ts.isPropertyAccessExpression(st.expression.left) &&
              st.expression.left.expression.kind === ts.SyntaxKind.ThisKeyword &&
              ts.isIdentifier(st.expression.right) &&
              st.expression.right.text === p.name.text
            ) {
              members.set(st.expression.left.name.text, orm);
            }
          }
        }
      }
    }
    this.classClients.set(cls, members);
    return members;
  }

  // ---- calls ------------------------------------------------------------------------------

  private onCall(call: ts.CallExpression): void {
    const callee = unwrap(call.expression);
    if (ts.isPropertyAccessExpression(callee)) {
      const method = callee.name.text;
      const target = unwrap(callee.expression);
      // <client>.$transaction(…) / <client>.transaction(…) / <client>.batch([…])
      if (method === '$transaction' || method === 'transaction' || method === 'batch') {
        const client = this.clientOf(target);
        if (client && (method === '$transaction') === (client.orm === 'prisma')) {
          this.onTransaction(call, client);
          return;
        }
      }
      // Prisma raw
      if (PRISMA_RAW_WRITE.has(method) || PRISMA_RAW_READ.has(method)) {
        const client = this.clientOf(target);
        if (client?.orm === 'prisma') {
          this.addCall(call, call, client, undefined, method, PRISMA_RAW_WRITE.has(method) ? 'write' : 'read');
          return;
        }
      }
      // Prisma <client>.<model>.<op>(…)
      if ((PRISMA_READ_OPS.has(method) || PRISMA_WRITE_OPS.has(method)) && ts.isPropertyAccessExpression(target)) {
        const model = target.name.text;
        const client = this.clientOf(target.expression);
        if (client?.orm === 'prisma' && !model.startsWith('$') && (!this.prismaModels || this.prismaModels.has(model))) {
          this.addCall(call, call, client, model, method, PRISMA_WRITE_OPS.has(method) ? 'write' : 'read');
          return;
        }
        // Drizzle relational queries: <client>.query.<table>.findMany/findFirst
        if ((method === 'findMany' || method === 'findFirst') && ts.isPropertyAccessExpression(target.expression)) {
          const q = target.expression;
          if (q.name.text === 'query') {
            const dc = this.clientOf(q.expression);
            if (dc?.orm === 'drizzle') {
              this.addCall(call, call, dc, model, method, 'read');
              return;
            }
          }
        }
      }
      // Drizzle builder roots
      const rootKind = DRIZZLE_ROOTS[method];
      if (rootKind) {
        const client = this.clientOf(target);
        if (client?.orm === 'drizzle') {
          const { outer, chain } = builderChain(call);
          this.addCall(outer, call, client, undefined, method === 'selectDistinct' || method === 'selectDistinctOn' ? 'select' : method, rootKind, chain);
          return;
        }
      }
      // Candidate writing calls: this.method(…), ns.fn(…)
      if (target.kind === ts.SyntaxKind.ThisKeyword) {
        this.candidates.push({ node: call, callee: method, kind: 'this' });
      } else if (ts.isIdentifier(target)) {
        const imp = this.info.imports.get(target.text);
        if (imp?.imported === '*' && imp.file) this.candidates.push({ node: call, callee: method, kind: 'namespace', target: imp.file });
      }
    } else if (ts.isIdentifier(callee)) {
      this.candidates.push({ node: call, callee: callee.text, kind: 'function' });
    }
  }

  private onTagged(node: ts.TaggedTemplateExpression): void {
    const tag = unwrap(node.tag);
    if (!ts.isPropertyAccessExpression(tag)) return;
    const method = tag.name.text;
    if (!PRISMA_RAW_WRITE.has(method) && !PRISMA_RAW_READ.has(method)) return;
    const client = this.clientOf(tag.expression);
    if (client?.orm !== 'prisma') return;
    this.addCall(node, node, client, undefined, method, PRISMA_RAW_WRITE.has(method) ? 'write' : 'read');
  }

  private onTransaction(call: ts.CallExpression, client: ClientRef): void {
    const arg = call.arguments[0] ? unwrap(call.arguments[0]) : undefined;
    if (!arg) return;
    const outer = this.awaitedHolder(call) ?? call;
    let scope: TransactionScope;
    if (ts.isArrowFunction(arg) || ts.isFunctionExpression(arg)) {
      const p = arg.parameters[0];
      scope = {
        orm: client.orm,
        client: client.text,
        callbackParam: p && ts.isIdentifier(p.name) ? p.name.text : undefined,
        form: 'callback',
        range: nodeLoc(this.sf, arg.body),
        callLoc: nodeLoc(this.sf, outer),
      };
      this.txCallbacks.set(arg, scope);
    } else if (ts.isArrayLiteralExpression(arg)) {
      scope = { orm: client.orm, client: client.text, form: 'array', range: nodeLoc(this.sf, arg), callLoc: nodeLoc(this.sf, outer) };
      this.txArrays.set(arg, scope);
    } else return;
    this.txCalls.add(call);
    this.transactions.push(scope);
  }

  /** The `await` expression directly holding a call (through parentheses), if any. */
  private awaitedHolder(node: ts.Node): ts.Node | undefined {
    const up = climbWrappers(node);
    return up.parent && ts.isAwaitExpression(up.parent) ? up.parent : undefined;
  }

  private addCall(
    outer: ts.Node,
    root: ts.CallExpression | ts.TaggedTemplateExpression,
    client: ClientRef,
    model: string | undefined,
    operation: string,
    kind: 'read' | 'write',
    chain?: string[],
  ): void {
    const sf = this.sf;
    const fn = this.enclosingFunction(outer);
    const tx = this.transactionOf(outer);
    const call: DbCall = {
      orm: client.orm,
      client: client.text,
      operation,
      kind,
      loc: nodeLoc(sf, outer),
      statementLoc: nodeLoc(sf, statementOf(outer)),
      awaited: this.isAwaited(outer),
      enclosingFunction: fn.name,
      functionLoc: fn.loc,
    };
    if (model !== undefined) call.model = model;
    const loop = this.loopOf(outer);
    if (loop) call.loop = loop.fact;
    if (tx) {
      call.transaction = tx;
      call.viaTransactionClient = tx.form === 'callback' && this.isTxParam(client, tx);
    }
    const catchClause = this.catchOf(outer);
    if (catchClause) call.catch = catchClause;
    const branches = this.branchesOf(outer);
    if (branches.length) {
      call.branchPath = branches;
      call.branch = branches[branches.length - 1].arm;
    }
    if (client.orm === 'prisma' && ts.isCallExpression(root)) {
      const arg = root.arguments[0] ? unwrap(root.arguments[0]) : undefined;
      if (!arg) call.argKeys = [];
      else if (ts.isObjectLiteralExpression(arg)) {
        call.argKeys = objectKeys(arg);
        const where = propertyValue(arg, 'where');
        if (where && ts.isObjectLiteralExpression(where)) call.filterColumns = prismaWhereColumns(where);
        const orderBy = propertyValue(arg, 'orderBy');
        if (orderBy) call.orderColumns = prismaOrderColumns(orderBy);
        if (loop?.variable && where && ts.isObjectLiteralExpression(where)) {
          const key = prismaLoopKey(where, loop.variable);
          if (key) call.loopKey = key;
        }
      }
    } else if (client.orm === 'drizzle') {
      if (operation === 'findMany' || operation === 'findFirst') {
        const arg = ts.isCallExpression(root) && root.arguments[0] ? unwrap(root.arguments[0]) : undefined;
        if (!arg) call.argKeys = [];
        else if (ts.isObjectLiteralExpression(arg)) {
          call.argKeys = objectKeys(arg);
          const where = propertyValue(arg, 'where');
          if (where) call.filterColumns = drizzleColumns(where);
          const orderBy = propertyValue(arg, 'orderBy');
          if (orderBy) call.orderColumns = drizzleColumns(orderBy);
        }
      } else {
        call.chain = chain ?? [];
        const parts = chainCalls(outer);
        const tableArg = (c: ts.CallExpression | undefined) => (c?.arguments[0] ? tableName(c.arguments[0]) : undefined);
        if (operation === 'select') call.model = tableArg(parts.get('from'));
        else if (operation !== 'execute' && operation !== '$count') call.model = ts.isCallExpression(root) ? tableArg(root) : undefined;
        else if (operation === '$count') call.model = ts.isCallExpression(root) ? tableArg(root) : undefined;
        if (call.model === undefined) delete call.model;
        const where = parts.get('where');
        if (where?.arguments[0]) {
          call.filterColumns = drizzleColumns(where.arguments[0]);
          if (loop?.variable) {
            const key = drizzleLoopKey(where.arguments[0], loop.variable);
            if (key) call.loopKey = key;
          }
        }
        const orderBy = parts.get('orderBy');
        if (orderBy) call.orderColumns = orderBy.arguments.flatMap((a) => drizzleColumns(a));
      }
    }
    if (kind === 'read') {
      const filtered = this.inMemoryFilters(outer);
      if (filtered.length) call.resultFilteredInMemory = filtered;
    }
    this.calls.push(call);
    this.callNodes.set(call, outer);
    this.dbNodes.add(outer);
  }

  private isTxParam(client: ClientRef, tx: TransactionScope): boolean {
    return !!tx.callbackParam && client.text === tx.callbackParam;
  }

  // ---- context ----------------------------------------------------------------------------

  private enclosingFunction(node: ts.Node): { name: string; loc: Loc; node?: FunctionNode } {
    for (let n: ts.Node | undefined = node.parent; n; n = n.parent) {
      if (isFunctionNode(n)) {
        const fn = n;
        const name = functionName(fn, () => this.enclosingFunction(fn).name);
        const body = fn.body ?? fn;
        return { name, loc: nodeLoc(this.sf, body), node: fn };
      }
    }
    return { name: '<module>', loc: locOf(this.sf, 0, this.sf.text.length) };
  }

  /** Transaction callbacks are transparent for loops, catches and transactions: they run inline. */
  private isTransparent(fn: ts.Node): boolean {
    return this.txCallbacks.has(fn);
  }

  private transactionOf(node: ts.Node): TransactionScope | undefined {
    for (let n: ts.Node | undefined = node.parent; n; n = n.parent) {
      const cb = this.txCallbacks.get(n);
      if (cb) return cb;
      const arr = this.txArrays.get(n);
      if (arr) return arr;
      if (isFunctionNode(n) && !isInlineCallback(n)) return undefined;
    }
    return undefined;
  }

  private loopOf(node: ts.Node): { fact: NonNullable<DbCall['loop']>; variable?: string } | undefined {
    let child: ts.Node = node;
    for (let n: ts.Node | undefined = node.parent; n; child = n, n = n.parent) {
      if (isFunctionNode(n)) {
        if (this.isTransparent(n)) continue;
        const call = isInlineCallback(n) ? callOfCallback(n) : undefined;
        const method = call ? calleeMethodName(call) : undefined;
        if (call && (method === 'forEach' || method === 'map' || method === 'flatMap')) {
          const p = n.parameters[0];
          const variable = p && ts.isIdentifier(p.name) ? p.name.text : undefined;
          const fact: NonNullable<DbCall['loop']> = { kind: method === 'forEach' ? 'forEach' : 'map', loc: nodeLoc(this.sf, call) };
          if (variable) fact.variable = variable;
          return { fact, variable };
        }
        return undefined;
      }
      let kind: NonNullable<DbCall['loop']>['kind'] | undefined;
      let variable: string | undefined;
      if (ts.isForOfStatement(n) && child === n.statement) {
        kind = 'for-of';
        variable = loopBinding(n.initializer);
      } else if (ts.isForInStatement(n) && child === n.statement) {
        kind = 'for-in';
        variable = loopBinding(n.initializer);
      } else if (ts.isForStatement(n) && child !== n.initializer) kind = 'for';
      else if (ts.isWhileStatement(n)) kind = 'while';
      else if (ts.isDoStatement(n)) kind = 'do';
      if (kind) {
        const fact: NonNullable<DbCall['loop']> = { kind, loc: nodeLoc(this.sf, n) };
        if (variable) fact.variable = variable;
        return { fact, variable };
      }
    }
    return undefined;
  }

  private catchOf(node: ts.Node): CatchClause | undefined {
    // promise.catch(cb) on the call itself
    const up = climbWrappers(node);
    if (up.parent && ts.isPropertyAccessExpression(up.parent) && up.parent.name.text === 'catch') {
      const c = up.parent.parent;
      if (c && ts.isCallExpression(c) && c.expression === up.parent && c.arguments[0]) {
        const cb = unwrap(c.arguments[0]);
        if (ts.isArrowFunction(cb) || ts.isFunctionExpression(cb)) {
          return { loc: nodeLoc(this.sf, c.arguments[0]), onlyLogs: ts.isBlock(cb.body) ? blockOnlyLogs(cb.body) : exprOnlyLogs(cb.body) };
        }
      }
    }
    let child: ts.Node = node;
    for (let n: ts.Node | undefined = node.parent; n; child = n, n = n.parent) {
      if (isFunctionNode(n)) {
        if (this.isTransparent(n)) continue;
        const call = isInlineCallback(n) ? callOfCallback(n) : undefined;
        if (call && calleeMethodName(call) === 'map') continue; // Promise.all(xs.map(…)) rejects into the try
        return undefined;
      }
      if (ts.isTryStatement(n) && child === n.tryBlock && n.catchClause) {
        return { loc: nodeLoc(this.sf, n.catchClause), onlyLogs: blockOnlyLogs(n.catchClause.block) };
      }
    }
    return undefined;
  }

  private branchesOf(node: ts.Node): BranchStep[] {
    const out: BranchStep[] = [];
    let child: ts.Node = node;
    for (let n: ts.Node | undefined = node.parent; n; child = n, n = n.parent) {
      if (isFunctionNode(n)) break;
      if (ts.isIfStatement(n) && (child === n.thenStatement || child === n.elseStatement)) {
        out.push({ statement: nodeLoc(this.sf, n), arm: nodeLoc(this.sf, child), exits: alwaysExits(child) });
      } else if ((ts.isCaseClause(n) || ts.isDefaultClause(n)) && child !== (n as ts.CaseClause).expression) {
        const sw = n.parent.parent;
        out.push({ statement: nodeLoc(this.sf, sw), arm: nodeLoc(this.sf, n), exits: statementsExit(n.statements) });
      } else if (ts.isConditionalExpression(n) && (child === n.whenTrue || child === n.whenFalse)) {
        out.push({ statement: nodeLoc(this.sf, n), arm: nodeLoc(this.sf, child), exits: false });
      }
    }
    return out.reverse();
  }

  private isAwaited(node: ts.Node, depth = 0): boolean {
    if (depth > 6) return false;
    let n = climbWrappers(node);
    // x.then(…).catch(…)
    while (n.parent && ts.isPropertyAccessExpression(n.parent) && ['then', 'catch', 'finally'].includes(n.parent.name.text)) {
      const c = n.parent.parent;
      if (!c || !ts.isCallExpression(c) || c.expression !== n.parent) break;
      n = climbWrappers(c);
    }
    const p = n.parent;
    if (!p) return false;
    if (ts.isAwaitExpression(p)) return true;
    // Promise.all(xs.map(async (x) => prisma.…)): the callback's promise is awaited with the others.
    if ((ts.isArrowFunction(p) && p.body === n) || (ts.isReturnStatement(p) && p.expression === n)) {
      const fn = ts.isArrowFunction(p) ? p : findFunction(p);
      const call = fn && isInlineCallback(fn) ? callOfCallback(fn) : undefined;
      if (call && calleeMethodName(call) === 'map') {
        const holder = climbWrappers(call).parent;
        if (holder && ts.isCallExpression(holder) && isPromiseCombinator(holder)) return this.isAwaited(holder, depth + 1);
      }
      return false;
    }
    if (ts.isArrayLiteralExpression(p)) {
      const holder = climbWrappers(p).parent;
      if (holder && ts.isCallExpression(holder)) {
        if (isPromiseCombinator(holder)) return this.isAwaited(holder, depth + 1);
        if (this.txCalls.has(holder)) return this.isAwaited(holder, depth + 1);
      }
    }
    return false;
  }

  /** `const rows = await q; rows.filter((r) => r.x …)` and `(await q).filter(…)`. */
  private inMemoryFilters(node: ts.Node): { loc: Loc; fields: string[] }[] {
    const out: { loc: Loc; fields: string[] }[] = [];
    let n = climbWrappers(node);
    if (n.parent && ts.isAwaitExpression(n.parent)) n = climbWrappers(n.parent);
    const p = n.parent;
    const filterCall = (pa: ts.Node): ts.CallExpression | undefined => {
      if (!ts.isPropertyAccessExpression(pa) || pa.name.text !== 'filter') return undefined;
      const c = pa.parent;
      return c && ts.isCallExpression(c) && c.expression === pa ? c : undefined;
    };
    const record = (c: ts.CallExpression) => {
      const cb = c.arguments[0] ? unwrap(c.arguments[0]) : undefined;
      const fields = cb && (ts.isArrowFunction(cb) || ts.isFunctionExpression(cb)) ? callbackFields(cb) : [];
      out.push({ loc: nodeLoc(this.sf, c), fields });
    };
    if (p) {
      const direct = filterCall(p);
      if (direct) record(direct);
      if (ts.isVariableDeclaration(p) && ts.isIdentifier(p.name)) {
        const name = p.name.text;
        const scope = this.enclosingFunction(p).node?.body ?? this.sf;
        const visit = (x: ts.Node): void => {
          if (ts.isPropertyAccessExpression(x) && ts.isIdentifier(x.expression) && x.expression.text === name) {
            const c = filterCall(x);
            if (c && x.pos >= p.end) record(c);
          }
          ts.forEachChild(x, visit);
        };
        visit(scope);
      }
    }
    return out;
  }

  // ---- writing calls and other awaits -----------------------------------------------------

  resolveWritingCalls(
    importWrites: (local: string) => boolean,
    namespaceWrites: (file: string, name: string) => boolean,
    localWriting: Set<string>,
  ): void {
    for (const cand of this.candidates) {
      let writes = false;
      if (cand.kind === 'function') {
        if (this.info.functions.has(cand.callee)) writes = localWriting.has(cand.callee);
        else if (this.info.imports.has(cand.callee)) writes = importWrites(cand.callee);
      } else if (cand.kind === 'this') {
        const cls = this.classOf(cand.node);
        if (cls?.name) writes = localWriting.has(`${cls.name.text}.${cand.callee}`);
      } else if (cand.kind === 'namespace' && cand.target) {
        writes = namespaceWrites(cand.target, cand.callee);
      }
      if (!writes) continue;
      const node = cand.node;
      // A call of the function from inside itself is recursion, not a second write.
      const fn = this.enclosingFunction(node);
      const wc: WritingCall = {
        callee: cand.callee,
        loc: nodeLoc(this.sf, node),
        statementLoc: nodeLoc(this.sf, statementOf(node)),
        awaited: this.isAwaited(node),
        enclosingFunction: fn.name,
        functionLoc: fn.loc,
      };
      const tx = this.transactionOf(node);
      if (tx) wc.transaction = tx;
      const loop = this.loopOf(node);
      if (loop) wc.loop = loop.fact;
      const branches = this.branchesOf(node);
      if (branches.length) wc.branchPath = branches;
      if (tx?.callbackParam && node.arguments.some((a) => ts.isIdentifier(unwrap(a)) && (unwrap(a) as ts.Identifier).text === tx.callbackParam)) {
        wc.viaTransactionClient = true;
      }
      this.writingCalls.push(wc);
      this.writingNodes.add(node);
    }
  }

  collectOtherAwaits(): void {
    if (!this.awaits.length) return;
    const writeFunctions = new Set<string>();
    const key = (l: Loc) => `${l.range.start.line}:${l.range.start.character}`;
    for (const c of this.calls) if (c.kind === 'write') writeFunctions.add(key(c.functionLoc));
    for (const w of this.writingCalls) writeFunctions.add(key(w.functionLoc));
    if (!writeFunctions.size) return;
    for (const aw of this.awaits) {
      const fn = this.enclosingFunction(aw);
      if (!writeFunctions.has(key(fn.loc))) continue;
      if (this.containsDatabaseWork(aw.expression)) continue;
      this.otherAwaits.push({ expression: shortText(this.sf, aw.expression), loc: nodeLoc(this.sf, aw), functionLoc: fn.loc });
    }
  }

  private containsDatabaseWork(expr: ts.Node): boolean {
    let found = false;
    const visit = (n: ts.Node): void => {
      if (found) return;
      if (this.dbNodes.has(n) || this.txCalls.has(n) || this.writingNodes.has(n)) {
        found = true;
        return;
      }
      ts.forEachChild(n, visit);
    };
    visit(expr);
    return found;
  }
}

// ---------------------------------------------------------------------------------------------
// Pure helpers
// ---------------------------------------------------------------------------------------------

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
function chainCalls(outer: ts.Node): Map<string, ts.CallExpression> {
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

function tableName(arg: ts.Expression): string | undefined {
  const e = unwrap(arg);
  if (ts.isIdentifier(e)) return e.text;
  if (ts.isPropertyAccessExpression(e)) return e.name.text;
  return undefined;
}

function loopBinding(init: ts.ForInitializer): string | undefined {
  if (ts.isVariableDeclarationList(init)) {
    const d = init.declarations[0];
    return d && ts.isIdentifier(d.name) ? d.name.text : undefined;
  }
  return ts.isIdentifier(init) ? init.text : undefined;
}

function objectKeys(obj: ts.ObjectLiteralExpression): string[] {
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

function propertyValue(obj: ts.ObjectLiteralExpression, key: string): ts.Expression | undefined {
  for (const p of obj.properties) {
    if (ts.isPropertyAssignment(p) && propertyNameText(p.name) === key) return unwrap(p.initializer);
    if (ts.isShorthandPropertyAssignment(p) && p.name.text === key) return p.name;
  }
  return undefined;
}

function prismaWhereColumns(where: ts.ObjectLiteralExpression): string[] {
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

function prismaOrderColumns(orderBy: ts.Expression): string[] {
  const items = ts.isArrayLiteralExpression(orderBy) ? orderBy.elements.map(unwrap) : [orderBy];
  const out: string[] = [];
  for (const item of items) {
    if (ts.isObjectLiteralExpression(item)) for (const k of objectKeys(item)) if (k !== '...') out.push(k);
  }
  return out;
}

function prismaLoopKey(where: ts.ObjectLiteralExpression, variable: string): string | undefined {
  if (where.properties.length !== 1) return undefined;
  const p = where.properties[0];
  if (ts.isShorthandPropertyAssignment(p)) return p.name.text === variable ? p.name.text : undefined;
  if (!ts.isPropertyAssignment(p)) return undefined;
  const key = propertyNameText(p.name);
  return key && usesVariable(unwrap(p.initializer), variable) ? key : undefined;
}

/** `x` or `x.a` (or `x.a.b`) where x is the loop variable. */
function usesVariable(e: ts.Expression, variable: string): boolean {
  let n = unwrap(e);
  while (ts.isPropertyAccessExpression(n)) n = unwrap(n.expression);
  return ts.isIdentifier(n) && n.text === variable;
}

/** Columns named in a Drizzle filter/order expression: `eq(t.col, …)`, `and(…)`, `desc(t.col)`, `t.col`. */
function drizzleColumns(expr: ts.Expression): string[] {
  const out: string[] = [];
  const add = (c: string) => {
    if (!out.includes(c)) out.push(c);
  };
  const visit = (node: ts.Node, depth: number): void => {
    if (depth > 20) return;
    const e = ts.isExpression(node) ? unwrap(node) : node;
    if (ts.isCallExpression(e) && ts.isIdentifier(e.expression)) {
      const fn = e.expression.text;
      if (DRIZZLE_OPERATORS.has(fn)) {
        const first = e.arguments[0] ? unwrap(e.arguments[0]) : undefined;
        if (first && ts.isPropertyAccessExpression(first)) add(first.name.text);
        return;
      }
      if (fn === 'and' || fn === 'asc' || fn === 'desc') {
        for (const a of e.arguments) visit(a, depth + 1);
        return;
      }
      return;
    }
    if (ts.isArrowFunction(e) || ts.isFunctionExpression(e)) {
      visit(e.body, depth + 1);
      return;
    }
    if (ts.isBlock(e)) {
      for (const st of e.statements) if (ts.isReturnStatement(st) && st.expression) visit(st.expression, depth + 1);
      return;
    }
    if (ts.isArrayLiteralExpression(e)) {
      for (const el of e.elements) visit(el, depth + 1);
      return;
    }
    if (ts.isPropertyAccessExpression(e) && depth > 0) add(e.name.text);
  };
  visit(expr, 0);
  // A bare column at the top level (`.orderBy(t.createdAt)`).
  const top = unwrap(expr);
  if (ts.isPropertyAccessExpression(top)) add(top.name.text);
  return out;
}

function drizzleLoopKey(expr: ts.Expression, variable: string): string | undefined {
  const e = unwrap(expr);
  if (!ts.isCallExpression(e) || !ts.isIdentifier(e.expression) || e.expression.text !== 'eq' || e.arguments.length !== 2) return undefined;
  const col = unwrap(e.arguments[0]);
  if (!ts.isPropertyAccessExpression(col)) return undefined;
  return usesVariable(e.arguments[1], variable) ? col.name.text : undefined;
}

function callbackFields(cb: ts.ArrowFunction | ts.FunctionExpression): string[] {
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

function isPromiseCombinator(call: ts.CallExpression): boolean {
  const callee = unwrap(call.expression);
  return (
    ts.isPropertyAccessExpression(callee) &&
    ts.isIdentifier(callee.expression) &&
    callee.expression.text === 'Promise' &&
    PROMISE_COMBINATORS.has(callee.name.text)
  );
}

function findFunction(node: ts.Node): FunctionNode | undefined {
  for (let n: ts.Node | undefined = node.parent; n; n = n.parent) if (isFunctionNode(n)) return n;
  return undefined;
}

function isLoggingCall(e: ts.Expression): boolean {
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

function blockOnlyLogs(block: ts.Block): boolean {
  return block.statements.every((st) => ts.isExpressionStatement(st) && isLoggingCall(st.expression));
}

function exprOnlyLogs(e: ts.ConciseBody): boolean {
  return ts.isExpression(e) && isLoggingCall(e);
}

function alwaysExits(st: ts.Node): boolean {
  if (ts.isBlock(st)) return statementsExit(st.statements);
  return ts.isReturnStatement(st) || ts.isThrowStatement(st);
}

function statementsExit(sts: ts.NodeArray<ts.Statement>): boolean {
  const last = sts[sts.length - 1];
  return !!last && (ts.isReturnStatement(last) || ts.isThrowStatement(last));
}
