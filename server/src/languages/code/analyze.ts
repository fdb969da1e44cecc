/**
 * Code facts: finds Prisma and Drizzle clients in TypeScript/JavaScript (syntax only), the database
 * calls made through them, and the context each call runs in (function, loop, transaction, try/catch,
 * branches). The client is what is bound to `new PrismaClient()` / `drizzle(…)` (also a module `let` typed as a
 * client or assigned one in the module's top-level branches), imported from a module
 * that binds one, a transaction callback's parameter, a class member typed/injected as a client, or a
 * parameter typed as one — never a guess from a variable name.
 */
// `import = require` binds the module object itself: no per-access getters from ESM interop on hot paths.
import ts = require('typescript');
import type {
  BranchStep,
  CatchClause,
  CodeFile,
  Database,
  DbCall,
  FilterTerm,
  Loc,
  Orm,
  OtherAwait,
  TransactionScope,
  WritingCall,
} from '../../../../rules/model';
import { parseIgnoreComment } from '../../suppressions';
import type { CodeEnumLiteral } from '../../../../rules/model';
import { enumLiteralFacts } from './literals';
import { inMemoryAggregates } from './aggregates';
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
  topLevelFunction,
  unwrap,
} from './ast';
import {
  alwaysExits,
  blockOnlyLogs,
  builderChain,
  callbackFields,
  chainCalls,
  drizzleColumns,
  drizzleHasInArray,
  drizzleQueryOption,
  drizzleLoopKey,
  exprOnlyLogs,
  findFunction,
  isAggregateSelection,
  isLoggingFunction,
  isPromiseCombinator,
  loopBinding,
  objectKeys,
  prismaLoopKey,
  prismaOrderColumns,
  prismaWhereColumns,
  prismaWhereHasIn,
  propertyValue,
  statementsExit,
  tableName,
} from './patterns';
import { drizzleFilterTerms, prismaFilterTerms, setParentsBelow } from './filters';
import { importResolver, TsconfigPaths, type WorkspacePackages } from './resolve';
import { mayRespond } from './discover';

/** The nodes besides statements that hold variable declarations (localClients walks only these and statements). */
const DECLARATION_HOLDERS = new Set([ts.SyntaxKind.Block, ts.SyntaxKind.VariableDeclarationList, ts.SyntaxKind.CaseBlock, ts.SyntaxKind.CaseClause, ts.SyntaxKind.DefaultClause, ts.SyntaxKind.CatchClause]);

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
  /** `const x = require('…')` / `import x = require('…')`: the whole module value, which is the client when the module sets `module.exports = client`. */
  cjs?: true;
}

interface FileInfo {
  file: string;
  /** Top-level `const db = prisma` / `const db = a ?? b`: the identifiers a name may alias. */
  aliases: [string, string[]][];
  /** Top-level `const db = getDb(env)` calling an imported function: a client when that function is a client factory. */
  factoryCalls: [name: string, callee: string][];
  /**
   * Top-level functions returning a call of another function of the module (imported or local), not a client by
   * their own body (`export const getDb = () => createDb(env.DATABASE_URL)`): a client factory when that one is.
   */
  factoryWraps: [name: string, callee: string][];
  /**
   * Top-level functions returning an object literal (`return { db, pool }`): each property's value as known from the
   * module's text (a client it creates, or a factory call / module client resolved with the imports).
   */
  objectFactorySources: [fn: string, property: string, value: { orm?: Orm; driver?: string; callee?: string; ident?: string }][];
  /** Function (local or imported) → its returned object's properties that are clients (computed). */
  objectFactories: Map<string, Map<string, { orm: Orm; driver?: string }>>;
  /** Top-level `const { db } = createDb()` (also awaited): local name, the function called, the property read. */
  destructured: [name: string, callee: string, property: string][];
  imports: Map<string, ImportBinding>;
  /** Local names bound to a client (top level). */
  clients: Map<string, Orm>;
  /** Drizzle clients whose driver module is known: local name → `drizzle-orm/neon-http`, … */
  drivers: Map<string, string>;
  /** Export name → local name (`default` for the default export). */
  exports: Map<string, string>;
  /** Export name → orm, for exports that are clients (computed). */
  clientExports: Map<string, Orm>;
  /** Export name → client factory (computed): what `ns.getDb(env)` calls through a namespace import. */
  factoryExports: Map<string, { orm: Orm; driver?: string }>;
  /** Export name → the clients of a function returning an object of them (computed): `const { db } = ns.createDb()`. */
  objectFactoryExports: Map<string, Map<string, { orm: Orm; driver?: string }>>;
  /** Export name → driver module, for client exports whose driver is known (computed). */
  exportDrivers: Map<string, string>;
  /** `export * from` targets and `export { a as b } from` entries. */
  starExports: string[];
  reExports: Map<string, { file: string; imported: string }>;
  /** Top-level functions by local name (declarations and `const f = () => …`). */
  functions: Set<string>;
  /** `export default new PrismaClient()` and friends. */
  defaultClient?: Orm;
  defaultDriver?: string;
  /** Names of local functions that return a new client (`prismaClientSingleton`). */
  factories: Map<string, Orm>;
  /** Factories whose client's driver module is known. */
  factoryDrivers: Map<string, string>;
  /** Imports of `drizzle` (and names from drizzle-orm) — local name → module. */
  drizzleImports: Set<string>;
  /** Top-level `const storage = new DatabaseStorage()`: local name → class name (local or imported). */
  instances: Map<string, string>;
  /**
   * Module-level object literals (`export default { client: prisma, pagedQuery }`, `const db = { ...base, client }`):
   * the object's local name (`#default` for an exported literal), a property and the local name its value is (an
   * identifier or a shorthand), or `...` and the name of an object spread into it.
   */
  objectSources: [object: string, property: string, ident: string][];
  /** Object → its properties whose value is a client (computed): `prisma.client.user.update(…)`. */
  objectMembers: Map<string, Map<string, { orm: Orm; driver?: string }>>;
  /** The module imports from Hono (`hono`, `hono/…`, `@hono/…`): a handler's first parameter is its context. */
  hono?: true;
  /**
   * Hono context variables the module sets (`c.set('db', drizzle(c.env.DB))` on a function's first parameter): the
   * client when the value creates one (`orm`), else what is resolved with the imports: a factory call (`callee`) or
   * a module client (`ident`); none of them when the value is nothing known.
   */
  contextSets: ContextSet[];
  /** The module imports Fastify (`fastify`, `fastify-plugin`, `@fastify/…`) or augments its types. */
  fastify?: true;
  /**
   * Members the module decorates a Fastify instance with (`fastify.decorate('db', db)`) or declares on
   * `FastifyInstance` (`declare module 'fastify' { interface FastifyInstance { db: NodePgDatabase<…> } }`), each
   * known like a Hono context variable's value.
   */
  fastifySets: ContextSet[];
  /** Top-level variables bound to a Fastify instance the module makes (`const app = Fastify({ logger: true })`). */
  fastifyApps: Set<string>;
  /** Every specifier the module resolved, with its result (to tell whether a kept module still holds). */
  resolutions: [specifier: string, file: string | undefined][];
}

/** A value a module gives a context key (a Hono variable, a Fastify decoration), as far as its text says. */
interface ContextSet {
  key: string;
  orm?: Orm;
  driver?: string;
  callee?: string;
  ident?: string;
  property?: string;
}

interface Candidate {
  node: ts.CallExpression;
  callee: string;
  kind: 'function' | 'this' | 'namespace' | 'instance' | 'member';
  target?: string;
}

/** Analyzes a set of code files into facts. Never throws: a file that cannot be analyzed becomes a diagnostic. */
export function analyzeCode(files: readonly string[], reader: SourceReader, databases: readonly Database[] = [], packages?: WorkspacePackages): AnalyzeResult {
  return new CodeAnalyzer().analyze(files, reader, databases, packages);
}

/** What one file's analysis produced, with what it depended on. */
interface FileEntry {
  text: string;
  /** The module's bindings as collected from its text, before cross-file resolution (never mutated). */
  base?: FileInfo;
  /** Whether the file takes part in pass 1 (may create or re-export a client). */
  definesClient: boolean;
  /** The inputs of the walk besides the text: resolved client bindings, namespace targets' client exports, models. */
  factsKey?: string;
  facts?: FileFacts;
  suppressions: Suppression[];
  failure?: SourceDiagnostic;
  /** `CodeFile.enumLiterals`, collected with the walk (undefined: none). */
  enumLiterals?: CodeEnumLiteral[];
}

/**
 * Code analysis that keeps per-file results between runs. A file is parsed again only when its text
 * changed (compared with `===`: readers return the same string for an unchanged file), when one of its
 * imports resolves elsewhere (a file was added or removed, a tsconfig changed), or — for the walk only —
 * when the client bindings it sees changed (a client module it imports changed its exports). Cross-file
 * facts (writing calls, other awaits) are recomputed from the kept per-file facts on every run; they need
 * no parse. The result equals `analyzeCode` on the same files.
 */
export class CodeAnalyzer {
  private entries = new Map<string, FileEntry>();
  /** The CodeFile objects of the last run, reused when their facts are the same objects. */
  private lastCodeFiles = new Map<string, CodeFile>();
  /** The file list of the last run. */
  private lastFiles: readonly string[] = [];
  /** The workspace packages of the last run (as JSON). */
  private lastPackages = '';
  /** The tsconfig/jsconfig texts the kept import resolutions read (undefined: the file did not exist). */
  private configReads = new Map<string, string | undefined>();
  /** Files parsed (pass 1 or the walk) by the last `analyze`: for tests and the log. */
  parsedFiles: string[] = [];

  /** `packages`: the workspace's packages by name (discovery's `hints.packages`), for imports across a monorepo. */
  analyze(files: readonly string[], reader: SourceReader, databases: readonly Database[] = [], packages?: WorkspacePackages): AnalyzeResult {
    const diagnostics: SourceDiagnostic[] = [];
    const suppressions: Suppression[] = [];
    const fileSet = new Set(files);
    // Kept resolutions hold without re-resolving when the file list and the configs they read are the same.
    const packagesKey = packages ? JSON.stringify(packages) : '';
    const trustResolutions =
      sameList(files, this.lastFiles) && packagesKey === this.lastPackages && [...this.configReads].every(([p, t]) => reader.read(p) === t);
    this.lastPackages = packagesKey;
    if (!trustResolutions) this.configReads = new Map();
    const configReads = this.configReads;
    const tsconfig = new TsconfigPaths(
      {
        read: (p) => {
          const t = reader.read(p);
          configReads.set(p, t);
          return t;
        },
      },
      packages,
    );
    const resolve = importResolver(fileSet, tsconfig);
    const byFile = new Map<string, FileInfo>();
    const next = new Map<string, FileEntry>();
    const parsed = new Set<string>();
    this.parsedFiles = [];
    const parseFile = (file: string, text: string): ts.SourceFile => {
      if (!parsed.has(file)) {
        parsed.add(file);
        this.parsedFiles.push(file);
      }
      return parse(file, text, false);
    };

    // Which kept entries still hold: same text, and every import resolves to the same file.
    // Files whose text changed, with what they were: those that may send an HTTP response or forward a module's
    // exports, before or after the edit, are followed by their importers' wrap fixes (see responseDependents).
    const edited: [file: string, old: FileEntry][] = [];
    for (const file of files) {
      const text = reader.read(file);
      if (text === undefined) continue;
      const old = this.entries.get(file);
      if (old && old.text === text && (!old.base || trustResolutions || resolutionsHold(old.base, resolve))) next.set(file, old);
      else {
        if (old && old.text !== text) edited.push([file, old]);
        next.set(file, { text, definesClient: mayDefineClient(text), suppressions: [] });
      }
    }

    // Pass 1 (no ASTs kept): modules that may create or re-export a client, so that every import of a
    // client resolves in pass 2. Keeping every AST alive at once costs more in GC than parsing twice.
    for (const file of files) {
      const entry = next.get(file);
      if (!entry?.definesClient) continue;
      if (!entry.base && !entry.failure) {
        try {
          entry.base = collectModule(parseFile(file, entry.text), resolve);
        } catch (error) {
          entry.failure = failure(file, error);
        }
      }
      if (entry.base) byFile.set(file, resolvable(entry.base));
    }
    resolveClients([...byFile.values()], byFile);
    // The ORMs of the workspace's clients: what `ctx.db` of a tRPC procedure holds (its context is built from them).
    const workspaceOrms = new Set<Orm>();
    for (const info of byFile.values()) {
      for (const orm of info.clients.values()) workspaceOrms.add(orm);
      for (const orm of info.factories.values()) workspaceOrms.add(orm);
      if (info.defaultClient) workspaceOrms.add(info.defaultClient);
    }
    // Hono context variables that hold a client (`c.set('db', drizzle(c.env.DB))` in a middleware).
    const honoVars = contextClients(byFile.values());
    // Fastify decorations that hold a client (`fastify.decorate('db', drizzle(…))`, a `FastifyInstance` member typed as one).
    const fastifyVars = contextClients(byFile.values(), (info) => info.fastifySets);
    const contextKey =
      [...workspaceOrms].sort().join(',') +
      [...honoVars].map(([k, c]) => `|${k}=${c.orm}@${c.driver ?? ''}`).sort().join('') +
      [...fastifyVars].map(([k, c]) => `|fastify.${k}=${c.orm}@${c.driver ?? ''}`).sort().join('');

    // Pass 2: one file at a time, facts only; a file's kept facts hold when its walk inputs are the same.
    const prismaModels = prismaModelAccessors(databases);
    const modelsKey = prismaModels ? [...prismaModels].join(',') : '*';
    const facts: FileFacts[] = [];
    for (const file of files) {
      const entry = next.get(file);
      if (!entry) continue;
      try {
        if (entry.failure && entry.definesClient && !entry.base) throw entry.failure;
        let sf: ts.SourceFile | undefined;
        let info = byFile.get(file);
        if (!info) {
          if (!entry.base) {
            sf = parseFile(file, entry.text);
            entry.base = collectModule(sf, resolve);
          }
          info = resolvable(entry.base);
          byFile.set(file, info);
          resolveClients([info], byFile);
        }
        const key = `${modelsKey}|${contextKey}|${walkKey(info, byFile)}`;
        if (!entry.facts || entry.factsKey !== key) {
          entry.facts = undefined;
          entry.factsKey = undefined;
          // Parents are set by the walk itself (one traversal instead of two).
          sf ??= parseFile(file, entry.text);
          entry.suppressions = entry.text.includes('schema-review-ignore') ? collectSuppressions(sf) : [];
          suppressions.push(...entry.suppressions);
          entry.facts = new FileWalker(info, sf, byFile, prismaModels, workspaceOrms, honoVars, fastifyVars).run();
          entry.enumLiterals = enumLiteralFacts(sf);
          entry.factsKey = key;
        } else suppressions.push(...entry.suppressions);
        facts.push(entry.facts);
      } catch (error) {
        const diagnostic = error === entry.failure && entry.failure ? entry.failure : failure(file, error);
        entry.failure = diagnostic;
        entry.facts = undefined;
        entry.factsKey = undefined;
        diagnostics.push(diagnostic);
      }
    }
    this.entries = next;
    this.lastFiles = [...files];

    // Files whose wrap fixes may read an edited response module: their CodeFiles are new objects, so that the rules'
    // per-file results (and the fixes written with them) are made again.
    const responseEdits = edited
      .filter(([file, old]) => mayRespond(old.text) || mayRespond(next.get(file)!.text) || forwards(old.base) || forwards(next.get(file)!.base))
      .map(([file]) => file);
    const renewed = responseEdits.length ? responseDependents(responseEdits, next) : undefined;

    // Functions that write (one level deep), then the calls of them and the awaits next to writes.
    const writing = new Map<string, Set<string>>(facts.map((f) => [f.file, f.writeOwners]));
    const codeFiles: CodeFile[] = [];
    for (const f of facts) {
      const info = byFile.get(f.file)!;
      const writes = (p: PendingWritingCall): boolean => {
        switch (p.kind) {
          case 'function':
            return info.functions.has(p.callee) ? f.writeOwners.has(p.callee) : isWritingImport(info, p.callee, byFile, writing);
          case 'this':
            return !!p.target && f.writeOwners.has(`${p.target}.${p.callee}`);
          case 'namespace':
            return !!p.target && exportWrites(p.target, p.callee, byFile, writing, new Set());
          case 'instance': {
            const cls = p.target ? instanceClass(info, p.target, byFile, 0) : undefined;
            return !!cls && !!writing.get(cls.file)?.has(`${cls.name}.${p.callee}`);
          }
          case 'member': {
            // `this.users.createUser(…)` with `users: UsersRepository` (an injected service): the class's method.
            const cls = p.target ? classByName(info, p.target, byFile) : undefined;
            const method = p.callee.slice(p.callee.lastIndexOf('.') + 1);
            return !!cls && !!writing.get(cls.file)?.has(`${cls.name}.${method}`);
          }
        }
      };
      const resolved = f.pending.map(writes);
      const writingCalls = f.pending.filter((_, i) => resolved[i]).map((p) => p.call);
      const writeFunctions = new Set(f.writeFunctionKeys);
      for (const w of writingCalls) writeFunctions.add(locKey(w.functionLoc));
      const otherAwaits = f.awaits
        .filter((a) => writeFunctions.has(locKey(a.await.functionLoc)) && !a.candidates.some((i) => resolved[i]))
        .map((a) => a.await);
      // The same CodeFile object as last time when nothing in it changed: rules cache their results per file by identity.
      const prev = this.lastCodeFiles.get(f.file);
      const enumLiterals = next.get(f.file)?.enumLiterals;
      const unchanged =
        prev !== undefined &&
        !renewed?.has(f.file) &&
        prev.calls === f.calls &&
        prev.transactions === f.transactions &&
        sameItems(prev.writingCalls, writingCalls) &&
        sameItems(prev.otherAwaits ?? [], otherAwaits) &&
        prev.enumLiterals === enumLiterals;
      codeFiles.push(unchanged ? prev : { file: f.file, calls: f.calls, transactions: f.transactions, writingCalls, otherAwaits, ...(enumLiterals && { enumLiterals }) });
    }
    this.lastCodeFiles = new Map(codeFiles.map((c) => [c.file, c]));
    return { codeFiles, diagnostics, suppressions };
  }
}

/** The module re-exports (`export … from`) or exports a name it imports: a helper may be reached through it. */
function forwards(info: FileInfo | undefined): boolean {
  if (!info) return false;
  if (info.reExports.size || info.starExports.length) return true;
  for (const local of info.exports.values()) if (info.imports.has(local)) return true;
  return false;
}

/** How many imports away a caller may be from the response module its wrap fix reads (fixes.ts follows helpers 4 deep). */
const RESPONSE_HOPS = 4;

/**
 * The files that import one of `edited` (directly or through other files, RESPONSE_HOPS imports at most): the
 * wrap fix of a call there may read an edited module, through an imported response helper, a base controller or an
 * object of reply helpers (fixes.ts sendsResponse), which the file's own facts do not show.
 */
function responseDependents(edited: readonly string[], entries: ReadonlyMap<string, FileEntry>): Set<string> {
  const importers = new Map<string, string[]>();
  for (const [file, entry] of entries) {
    for (const [, target] of entry.base?.resolutions ?? []) {
      if (target === undefined || target === file) continue;
      const list = importers.get(target);
      if (!list) importers.set(target, [file]);
      else if (list[list.length - 1] !== file) list.push(file);
    }
  }
  const out = new Set<string>();
  let frontier: readonly string[] = edited;
  for (let hop = 0; hop < RESPONSE_HOPS && frontier.length; hop++) {
    const next: string[] = [];
    for (const file of frontier) {
      for (const importer of importers.get(file) ?? []) {
        if (out.has(importer)) continue;
        out.add(importer);
        next.push(importer);
      }
    }
    frontier = next;
  }
  return out;
}

function sameItems<T>(a: readonly T[], b: readonly T[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** A copy of a collected module whose client maps the cross-file resolution may fill. */
function resolvable(base: FileInfo): FileInfo {
  return {
    ...base,
    clients: new Map(base.clients),
    drivers: new Map(base.drivers),
    factories: new Map(base.factories),
    factoryDrivers: new Map(base.factoryDrivers),
    clientExports: new Map(),
    exportDrivers: new Map(),
    factoryExports: new Map(),
    objectFactoryExports: new Map(),
    objectFactories: new Map(),
    objectMembers: new Map(),
  };
}

/** Every import specifier the module resolved still resolves to the same file. */
function resolutionsHold(info: FileInfo, resolve: Resolve): boolean {
  for (const [spec, target] of info.resolutions) {
    if (resolve(info.file, spec) !== target) return false;
  }
  return true;
}

/** What the walk of a file reads besides its own text: its resolved client bindings and the client exports of namespace imports. */
function walkKey(info: FileInfo, byFile: ReadonlyMap<string, FileInfo>): string {
  let key = '';
  for (const [name, orm] of info.clients) key += `${name}=${orm}@${info.drivers.get(name) ?? ''};`;
  // Client factories, the module's own and those imported (`const db = getDb(env)` in a handler).
  for (const [name, orm] of info.factories) key += `${name}()=${orm}@${info.factoryDrivers.get(name) ?? ''};`;
  for (const [name, props] of info.objectFactories) for (const [p, c] of props) key += `${name}().${p}=${c.orm}@${c.driver ?? ''};`;
  for (const [name, props] of info.objectMembers) for (const [p, c] of props) key += `${name}.${p}=${c.orm}@${c.driver ?? ''};`;
  for (const [local, imp] of info.imports) {
    if (imp.imported !== '*' || !imp.file) continue;
    key += `|${local}:`;
    const target = byFile.get(imp.file);
    if (!target) continue;
    for (const [name, orm] of target.clientExports) key += `${name}=${orm}@${target.exportDrivers.get(name) ?? ''};`;
    for (const [name, f] of target.factoryExports) key += `${name}()=${f.orm}@${f.driver ?? ''};`;
    for (const [name, props] of target.objectFactoryExports) for (const [p, c] of props) key += `${name}().${p}=${c.orm}@${c.driver ?? ''};`;
  }
  return key;
}

/** Exported functions whose body returns a call (the callee captured): wrappers of a factory, for mayDefineClient. */
const WRAPPER_CALLS = [
  /export\s+(?:const|let|var)\s+[\w$]+\s*(?::[^=\n]+)?=\s*(?:async\s*)?\([^)]*\)\s*(?::[^=\n]+)?=>\s*(?:await\s+)?([\w$]+)\s*\(/g,
  /export\s+(?:default\s+)?(?:async\s+)?function\s*[\w$]*\s*\([^)]*\)[^{]*\{\s*return\s+(?:await\s+)?([\w$]+)\s*\(/g,
];
/** Module variables made by a call of a namespace import's member (the member captured), for mayDefineClient. */
const NAMESPACE_FACTORY_CALLS = /export\s+(?:const|let|var)\s+(?:[\w$]+|\{[^}]*\})\s*(?::[^=\n]+)?=\s*(?:await\s+)?[\w$]+\.([\w$]+)\s*\(/g;
/**
 * Classes extending a class named like a client (`class PrismaTxService extends PrismaService`: a client class when
 * that one extends PrismaClient; class expressions too), and module variables or default exports made with `new` of
 * such a class (`export default new PrismaService()`), for mayDefineClient.
 */
const CLIENT_CLASS_USES = [
  /\bclass(?:\s+[\w$]+)?(?:\s*<[^>{]*>)?\s+extends\s+([\w$]+)/g,
  /export\s+(?:const|let|var)\s+[\w$]+\s*(?::[^=\n]+)?=\s*new\s+([\w$]+)/g,
  /export\s+default\s+new\s+([\w$]+)/g,
];
/** Exported object literals, their text up to the first `}` captured (`export default { client: prisma, … }`), for mayDefineClient. */
const EXPORTED_OBJECTS = /export\s+(?:default|(?:const|let|var)\s+[\w$]+\s*(?::[^=\n]+)?=)\s*\{([^}]*)\}/g;
/** Names of functions that make a database client (`createDb`, `getPrismaClient`, `makeDatabase`, `connect`). */
const DB_WORDS = /db|database|prisma|drizzle|client|conn|sql|pool/i;

/** Cheap text test for pass 1: files that may create a client or re-export one. */
function mayDefineClient(text: string): boolean {
  return (
    text.includes('PrismaClient') ||
    text.includes('drizzle') ||
    text.includes('module.exports') ||
    /export\s*(\*|\{[^}]*\})\s*from/.test(text) || // re-exports
    /export\s+(?:const|let|var)\s+[\w$]+\s*(?::[^=\n]+)?=\s*[\w$.]+\s*(?:;|\n|$)/.test(text) || // export const db = prisma
    /export\s+default\s+[\w$]+\s*(?:;|\n|$)/.test(text) || // export default db
    /export\s+(?:const|let|var)\s+[\w$]+\s*(?::[^=\n]+)?=\s*(?:await\s+)?[\w$]+\s*\(/.test(text) || // export const db = makeDb(env.DB) (an imported factory)
    /export\s+type\s+[\w$]+\s*=\s*typeof\s/.test(text) || // export type Db = typeof db
    (text.includes('hono') && text.includes('.set(')) ||
    (text.includes('fastify') && (text.includes('.decorate(') || text.includes('FastifyInstance'))) ||
    /export\s+(?:const|let|var)\s*\{[^}]*\}\s*=\s*(?:await\s+)?[\w$]+\s*\(/.test(text) || // export const { db } = createDb() // c.set('db', getDb(c.env)) in a Hono middleware
    // export const db = dbm.getDb(env) / export const { db } = dbm.createDb(): a factory of a namespace import, by its name.
    // export const getDb = () => createDb(env.DATABASE_URL) / export async function getDb() { return await createDb(…) }:
    // a wrapper of another factory, whose name says what it makes (not every `() => useQuery(…)` of an app).
    // class PrismaTxService extends PrismaService / export const db = new AppDatabase() / export default { ...clientModule, client }
    [NAMESPACE_FACTORY_CALLS, ...WRAPPER_CALLS, ...CLIENT_CLASS_USES, EXPORTED_OBJECTS].some((re) => {
      for (const m of text.matchAll(re)) if (DB_WORDS.test(m[1]!)) return true;
      return false;
    })
  );
}

function locKey(l: Loc): string {
  return `${l.range.start.line}:${l.range.start.character}`;
}

interface PendingWritingCall {
  call: WritingCall;
  kind: Candidate['kind'];
  callee: string;
  /** namespace: the module file; instance: the local name; this: the class name; member: the member's class name. */
  target?: string;
}

interface FileFacts {
  file: string;
  calls: DbCall[];
  transactions: TransactionScope[];
  /** Named functions of this file that contain a write (`f`, `Class.method`). */
  writeOwners: Set<string>;
  writeFunctionKeys: string[];
  pending: PendingWritingCall[];
  awaits: { await: OtherAwait; candidates: number[] }[];
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

type Resolve = (fromFile: string, specifier: string) => string | undefined;

function collectModule(sf: ts.SourceFile, resolveFrom: Resolve): FileInfo {
  returnedValuesOf = new Map();
  try {
    return collectModuleFacts(sf, resolveFrom);
  } finally {
    returnedValuesOf = undefined;
  }
}

function collectModuleFacts(sf: ts.SourceFile, resolveFrom: Resolve): FileInfo {
  const info: FileInfo = {
    file: sf.fileName,
    aliases: [],
    factoryCalls: [],
    factoryWraps: [],
    objectFactorySources: [],
    objectFactories: new Map(),
    destructured: [],
    imports: new Map(),
    clients: new Map(),
    drivers: new Map(),
    exports: new Map(),
    clientExports: new Map(),
    exportDrivers: new Map(),
    factoryExports: new Map(),
    objectFactoryExports: new Map(),
    starExports: [],
    reExports: new Map(),
    functions: new Set(),
    factories: new Map(),
    factoryDrivers: new Map(),
    drizzleImports: new Set(),
    instances: new Map(),
    objectSources: [],
    objectMembers: new Map(),
    contextSets: [],
    fastifySets: [],
    fastifyApps: new Set(),
    resolutions: [],
  };
  const resolve = (spec: string) => {
    const file = resolveFrom(sf.fileName, spec);
    info.resolutions.push([spec, file]);
    return file;
  };
  /** Top-level functions that are not factories by their own body (they may return a module client). */
  const others: [string, ts.FunctionDeclaration | ts.ArrowFunction | ts.FunctionExpression][] = [];
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
      if (ts.isStringLiteral(e)) info.imports.set(st.name.text, { file: resolve(e.text), specifier: e.text, imported: '*', cjs: true });
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
      else if (ts.isObjectLiteralExpression(e)) {
        // `export default { client: prisma, pagedQuery }`: an object whose members may be clients.
        info.exports.set('default', '#default');
        collectObjectSources('#default', e, info);
      } else {
        const orm = newClientOrm(e, info);
        if (orm) {
          info.defaultClient = orm;
          info.defaultDriver = clientDriver(e, info);
        } else defaultInstance(e, info);
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
          const call = destructuredCall(d.initializer, info);
          for (const el of d.name.elements) {
            if (!ts.isIdentifier(el.name) || el.dotDotDotToken) continue;
            if (exported) info.exports.set(el.name.text, el.name.text);
            // `const { db } = createDb()`: settled when the factories are known.
            if (call) info.destructured.push([el.name.text, call, propertyNameText(el.propertyName) ?? el.name.text]);
          }
          continue;
        }
        if (!ts.isIdentifier(d.name)) continue;
        const name = d.name.text;
        if (exported) info.exports.set(name, name);
        if (d.initializer) {
          const init = unwrap(d.initializer);
          const req = requireSpecifier(init);
          if (req !== undefined) info.imports.set(name, { file: resolve(req), specifier: req, imported: '*', cjs: true });
          if (ts.isNewExpression(init) && ts.isIdentifier(init.expression)) info.instances.set(name, init.expression.text);
          // `const Db = class extends PrismaClient {}`: a client class like a declared one.
          if (ts.isClassExpression(init)) collectClientClass(init, name, info);
          // An object of functions (`export const storage = { … }`) is its own "class": owners are `storage.method`.
          if (ts.isObjectLiteralExpression(init)) {
            info.instances.set(name, name);
            collectObjectSources(name, init, info);
          }
          if (ts.isArrowFunction(init) || ts.isFunctionExpression(init)) {
            info.functions.add(name);
            const orm = factoryOrm(init, info);
            if (orm) info.factories.set(name, orm);
            else others.push([name, init]);
            const driver = orm && factoryDriver(init, info);
            if (driver) info.factoryDrivers.set(name, driver);
          }
        }
      }
    } else if (ts.isFunctionDeclaration(st)) {
      const name = st.name?.text ?? (hasDefault(st) ? 'default' : undefined);
      if (name) {
        info.functions.add(name);
        if (hasExport(st)) info.exports.set(hasDefault(st) ? 'default' : name, name);
        const orm = factoryOrm(st, info);
        if (orm) info.factories.set(name, orm);
        else others.push([name, st]);
        const driver = orm && factoryDriver(st, info);
        if (driver) info.factoryDrivers.set(name, driver);
      }
    } else if (ts.isTypeAliasDeclaration(st) && hasExport(st)) {
      info.exports.set(st.name.text, st.name.text);
    } else if (ts.isClassDeclaration(st) && st.name) {
      if (hasExport(st)) info.exports.set(hasDefault(st) ? 'default' : st.name.text, st.name.text);
      collectClientClass(st, st.name.text, info);
    } else if (
      ts.isExpressionStatement(st) &&
      ts.isBinaryExpression(st.expression) &&
      st.expression.operatorToken.kind === ts.SyntaxKind.EqualsToken
    ) {
      // module.exports = prisma / module.exports.prisma = prisma / exports.db = db
      const left = st.expression.left;
      const right = unwrap(st.expression.right);
      const leftText = left.getText(sf);
      if (leftText === 'module.exports') {
        if (ts.isIdentifier(right)) info.exports.set('default', right.text);
        else if (ts.isObjectLiteralExpression(right)) {
          for (const p of right.properties) {
            if (ts.isShorthandPropertyAssignment(p)) info.exports.set(p.name.text, p.name.text);
            else if (ts.isPropertyAssignment(p) && ts.isIdentifier(unwrap(p.initializer))) {
              const key = propertyNameText(p.name);
              if (key) info.exports.set(key, (unwrap(p.initializer) as ts.Identifier).text);
            }
          }
          // The object is the module's value: what a default import (`import db from './db'`, interop) holds, so
          // `db.prisma.user.findMany()` reads a member of it, like `export default { prisma }`.
          info.exports.set('default', '#default');
          collectObjectSources('#default', right, info);
          // `module.exports = { prisma: new PrismaClient() }`: a client with no local name, exported by its key too.
          for (const [, key, local] of info.objectSources) {
            if (local.startsWith('#default.') && !info.exports.has(key)) info.exports.set(key, local);
          }
        } else {
          const orm = newClientOrm(right, info);
          if (orm) {
            info.defaultClient = orm;
            info.defaultDriver = clientDriver(right, info);
          } else defaultInstance(right, info);
        }
      } else if (ts.isPropertyAccessExpression(left) && /^(module\.)?exports$/.test(left.expression.getText(sf))) {
        if (ts.isIdentifier(right)) info.exports.set(left.name.text, right.text);
        else {
          // exports.prisma = new PrismaClient(): a client with no local name.
          const orm = newClientOrm(right, info);
          if (orm) {
            const local = `#exports.${left.name.text}`;
            info.exports.set(left.name.text, local);
            info.clients.set(local, orm);
            const driver = clientDriver(right, info);
            if (driver) info.drivers.set(local, driver);
          }
        }
      }
    }
  }
  // Client declarations (second pass: factories are known now).
  for (const st of sf.statements) {
    // A client type alias (`type Db = typeof db`, `type Database = NodePgDatabase<typeof schema>`): kept under
    // the clients' names (types and values do not clash), so that parameters typed with it resolve like `typeof db`.
    if (ts.isTypeAliasDeclaration(st) && !st.typeParameters) {
      const type = st.type;
      if (ts.isTypeQueryNode(type) && ts.isIdentifier(type.exprName)) info.aliases.push([st.name.text, [type.exprName.text]]);
      else if (ts.isTypeReferenceNode(type) && ts.isIdentifier(type.typeName) && !type.typeArguments && !info.imports.has(type.typeName.text)) {
        info.aliases.push([st.name.text, [type.typeName.text]]);
      } else if (!isTransactionType(type, info)) {
        // (A transaction client's alias, `type Tx = Prisma.TransactionClient`, is left out: a parameter typed with it
        // would read as a plain client, not as the caller's transaction.)
        const orm = clientTypeOrm(type, info);
        if (orm) {
          info.clients.set(st.name.text, orm);
          const driver = typeDriver(type, info);
          if (driver) info.drivers.set(st.name.text, driver);
        }
      }
      continue;
    }
    if (!ts.isVariableStatement(st)) continue;
    for (const d of st.declarationList.declarations) {
      if (ts.isIdentifier(d.name) && !d.initializer) {
        // `let prisma: PrismaClient;` / `let db;` assigned in the module's top-level branches (Remix stacks:
        // `if (production) prisma = new PrismaClient(); else { … prisma = global.__db__ }`, then `export { prisma }`).
        const assigned = assignedValues(sf, d.name.text);
        const fromValue = (read: (e: ts.Expression) => string | undefined) => {
          for (const v of assigned) {
            const found = read(v);
            if (found) return found;
          }
          return undefined;
        };
        const orm = clientTypeOrm(d.type, info) ?? (fromValue((v) => newClientOrm(v, info)) as Orm | undefined);
        if (orm) {
          info.clients.set(d.name.text, orm);
          const driver = typeDriver(d.type, info) ?? fromValue((v) => clientDriver(v, info));
          if (driver) info.drivers.set(d.name.text, driver);
        }
        continue;
      }
      if (!ts.isIdentifier(d.name) || !d.initializer) continue;
      const orm = newClientOrm(d.initializer, info) ?? clientTypeOrm(d.type, info);
      if (orm) {
        info.clients.set(d.name.text, orm);
        const driver = clientDriver(d.initializer, info) ?? typeDriver(d.type, info);
        if (driver) info.drivers.set(d.name.text, driver);
      } else {
        const idents = aliasIdents(d.initializer);
        if (idents.length) info.aliases.push([d.name.text, idents]);
        const callee = importedCallee(d.initializer, info);
        if (callee) info.factoryCalls.push([d.name.text, callee]);
      }
    }
  }
  // A getter of a module client (`export const getDb = () => db`, `function getPrisma() { return prisma }`) is a factory too.
  for (const [name, fn] of others) {
    const client = firstReturned(fn, (e) => {
      const v = unwrap(e);
      const id = ts.isAwaitExpression(v) ? unwrap(v.expression) : v;
      return ts.isIdentifier(id) && info.clients.has(id.text) ? id.text : undefined;
    });
    const returned = firstReturned(fn, (e) => {
      const v = unwrap(e);
      const o = ts.isAwaitExpression(v) ? unwrap(v.expression) : v;
      return ts.isObjectLiteralExpression(o) ? o : undefined;
    });
    if (returned) {
      collectObjectFactory(name, fn, returned, info);
      continue;
    }
    if (!client) {
      // A wrapper of another factory (`export const getDb = () => createDb(env.DATABASE_URL)`): settled with the imports.
      const callee = firstReturned(fn, (e) =>
        firstOfValues(e, (v) => {
          if (!ts.isCallExpression(v)) return undefined;
          const c = unwrap(v.expression);
          return ts.isIdentifier(c) && c.text !== name && (info.imports.has(c.text) || info.functions.has(c.text)) ? c.text : undefined;
        }),
      );
      if (callee) info.factoryWraps.push([name, callee]);
      continue;
    }
    info.factories.set(name, info.clients.get(client)!);
    const driver = info.drivers.get(client);
    if (driver) info.factoryDrivers.set(name, driver);
  }
  if ([...info.imports.values()].some((i) => isHonoSpecifier(i.specifier))) {
    info.hono = true;
    collectContextSets(sf, info);
  }
  if ([...info.imports.values()].some((i) => isFastifySpecifier(i.specifier)) || sf.statements.some(isFastifyAugmentation)) {
    info.fastify = true;
    collectFastifyDecorations(sf, info);
  }
  return info;
}

/**
 * A class that `extends PrismaClient` (NestJS's `PrismaService`, under any name; the name as imported from
 * `@prisma/client`, a generated client or a `require`) is a client type, kept under its name in `clients` like a
 * client type alias (types and values do not clash): members and parameters typed with it, and its instances, are
 * clients. A class extending another class is one when that class is (settled with the imports, as an alias).
 */
function collectClientClass(cls: ts.ClassLikeDeclaration, name: string, info: FileInfo): void {
  const heritage = cls.heritageClauses?.find((h) => h.token === ts.SyntaxKind.ExtendsKeyword)?.types[0];
  if (!heritage) return;
  const base = unwrap(heritage.expression);
  if (ts.isIdentifier(base)) {
    if ((info.imports.get(base.text)?.imported ?? base.text) === 'PrismaClient') info.clients.set(name, 'prisma');
    else if (base.text !== name) info.aliases.push([name, [base.text]]);
  } else if (ts.isPropertyAccessExpression(base) && base.name.text === 'PrismaClient') {
    info.clients.set(name, 'prisma');
  }
}

/**
 * `export default new PrismaService()` / `module.exports = new AppDatabase()` of a class not known to be a client
 * yet (imported, or extending another class): the module's value is an instance, kept under `#default` like a
 * module variable's (FileInfo.instances), so that it is a client once the class is one (resolveClients).
 */
function defaultInstance(e: ts.Expression, info: FileInfo): void {
  if (!ts.isNewExpression(e) || !ts.isIdentifier(e.expression) || info.exports.has('default')) return;
  info.instances.set('#default', e.expression.text);
  info.exports.set('default', '#default');
}

/**
 * The name a top-level class goes by in its module: a declaration's, or the variable's a class expression is
 * assigned to (`const Db = class extends PrismaClient {}`), as collectClientClass keeps it.
 */
function topLevelClassName(cls: ts.ClassLikeDeclaration): string | undefined {
  if (ts.isClassDeclaration(cls)) return cls.name && ts.isSourceFile(cls.parent) ? cls.name.text : undefined;
  const holder = climbWrappers(cls).parent;
  return holder && ts.isVariableDeclaration(holder) && ts.isIdentifier(holder.name) && ts.isSourceFile(holder.parent.parent.parent)
    ? holder.name.text
    : undefined;
}

/**
 * The members of a module-level object literal that may hold a client (see FileInfo.objectSources). A member that
 * creates one (`{ prisma: new PrismaClient() }`) is a client of the module with no local name: `#object.key`.
 */
function collectObjectSources(object: string, literal: ts.ObjectLiteralExpression, info: FileInfo): void {
  for (const p of literal.properties) {
    if (ts.isShorthandPropertyAssignment(p)) info.objectSources.push([object, p.name.text, p.name.text]);
    else if (ts.isPropertyAssignment(p)) {
      const key = propertyNameText(p.name);
      const value = unwrap(p.initializer);
      if (key === undefined) continue;
      if (ts.isIdentifier(value)) info.objectSources.push([object, key, value.text]);
      else {
        const orm = newClientOrm(value, info);
        if (!orm) continue;
        const local = `${object.startsWith('#') ? object : `#${object}`}.${key}`;
        info.clients.set(local, orm);
        const driver = clientDriver(value, info);
        if (driver) info.drivers.set(local, driver);
        info.objectSources.push([object, key, local]);
      }
    } else if (ts.isSpreadAssignment(p)) {
      const value = unwrap(p.expression);
      if (ts.isIdentifier(value)) info.objectSources.push([object, '...', value.text]);
    }
  }
}

function isFastifySpecifier(spec: string): boolean {
  return spec === 'fastify' || spec === 'fastify-plugin' || spec.startsWith('@fastify/');
}

/** `declare module 'fastify' { … }` */
function isFastifyAugmentation(st: ts.Statement): st is ts.ModuleDeclaration {
  return ts.isModuleDeclaration(st) && ts.isStringLiteral(st.name) && st.name.text === 'fastify';
}

/**
 * Fastify decorations that may hold a client: members declared on `FastifyInstance` in a `declare module 'fastify'`
 * block (by their type), `x.decorate('db', value)` calls (by the value, as a Hono `c.set`), and the top-level
 * instances the module makes with Fastify's default export.
 */
function collectFastifyDecorations(sf: ts.SourceFile, info: FileInfo): void {
  for (const st of sf.statements) {
    if (isFastifyAugmentation(st) && st.body && ts.isModuleBlock(st.body)) {
      for (const decl of st.body.statements) {
        if (!ts.isInterfaceDeclaration(decl) || decl.name.text !== 'FastifyInstance') continue;
        for (const m of decl.members) {
          const key = ts.isPropertySignature(m) ? propertyNameText(m.name) : undefined;
          if (key === undefined || !ts.isPropertySignature(m)) continue;
          const orm = isTransactionType(m.type, info) ? undefined : clientTypeOrm(m.type, info);
          const driver = orm === 'drizzle' ? typeDriver(m.type, info) : undefined;
          info.fastifySets.push(orm ? (driver ? { key, orm, driver } : { key, orm }) : { key });
        }
      }
    } else if (ts.isVariableStatement(st)) {
      for (const d of st.declarationList.declarations) {
        const init = d.initializer && unwrap(d.initializer);
        const callee = init && ts.isCallExpression(init) ? unwrap(init.expression) : undefined;
        const imp = callee && ts.isIdentifier(callee) ? info.imports.get(callee.text) : undefined;
        if (ts.isIdentifier(d.name) && imp?.specifier === 'fastify' && (imp.imported === 'default' || imp.imported === 'fastify' || imp.imported === '*')) {
          info.fastifyApps.add(d.name.text);
        }
      }
    }
  }
  forEachCallIn(sf, (n, fn) => {
    if (n.arguments.length !== 2) return;
    const callee = unwrap(n.expression);
    const key = literalKey(n.arguments[0]);
    if (key !== undefined && ts.isPropertyAccessExpression(callee) && callee.name.text === 'decorate') {
      info.fastifySets.push(contextSetOf(key, n.arguments[1]!, fn, info));
    }
  });
}

/**
 * Every call of the module, with the innermost function it is made in (undefined at the top level); a bounded walk
 * (the Hono context sets and the Fastify decorations read it).
 */
function forEachCallIn(sf: ts.SourceFile, onCall: (call: ts.CallExpression, fn: FunctionNode | undefined) => void): void {
  let budget = 200_000;
  const fns: FunctionNode[] = [];
  const visit = (n: ts.Node): void => {
    if (--budget < 0) return;
    if (ts.isCallExpression(n)) onCall(n, fns[fns.length - 1]);
    if (isFunctionNode(n)) {
      fns.push(n);
      ts.forEachChild(n, visit);
      fns.pop();
      return;
    }
    ts.forEachChild(n, visit);
  };
  visit(sf);
}

/** `const { db } = createDb(…)` (or `{ client: db }`) in a function body, outside nested functions: the call and property. */
function destructuredFrom(body: ts.Block, name: string, info: FileInfo): { callee: string; property: string } | undefined {
  let found: { callee: string; property: string } | undefined;
  let budget = 2000;
  const visit = (n: ts.Node): void => {
    if (found || --budget < 0 || isFunctionNode(n) || ts.isClassLike(n)) return;
    if (ts.isVariableDeclaration(n) && ts.isObjectBindingPattern(n.name) && n.initializer) {
      const el = n.name.elements.find((b) => ts.isIdentifier(b.name) && b.name.text === name && !b.dotDotDotToken);
      const callee = el && destructuredCall(n.initializer, info);
      if (el && callee) found = { callee, property: propertyNameText(el.propertyName) ?? name };
      return;
    }
    ts.forEachChild(n, visit);
  };
  ts.forEachChild(body, visit);
  return found;
}

/** The function a destructured initializer calls (`createDb()`, `await getClients()`), an identifier of the module. */
function destructuredCall(init: ts.Expression, info: FileInfo): string | undefined {
  let e = unwrap(init);
  if (ts.isAwaitExpression(e)) e = unwrap(e.expression);
  if (!ts.isCallExpression(e)) return undefined;
  const callee = unwrap(e.expression);
  return ts.isIdentifier(callee) && (info.imports.has(callee.text) || info.functions.has(callee.text)) ? callee.text : namespaceCallee(callee, info);
}

/** The properties of a returned object literal whose values may be clients (see FileInfo.objectFactorySources). */
function collectObjectFactory(
  name: string,
  fn: ts.FunctionDeclaration | ts.ArrowFunction | ts.FunctionExpression,
  obj: ts.ObjectLiteralExpression,
  info: FileInfo,
): void {
  const body = fn.body && ts.isBlock(fn.body) ? fn.body : undefined;
  for (const p of obj.properties) {
    let key: string | undefined;
    let value: ts.Expression | undefined;
    if (ts.isShorthandPropertyAssignment(p)) {
      key = p.name.text;
      value = p.name;
    } else if (ts.isPropertyAssignment(p)) {
      key = propertyNameText(p.name);
      value = unwrap(p.initializer);
    }
    if (key === undefined || !value) continue;
    // A variable of the function (`const db = drizzle(pool); return { db }`): what it is given, when given once.
    if (ts.isIdentifier(value) && body) {
      const assigned = assignedValues(body, value.text);
      if (assigned.length > 1) continue;
      if (assigned.length === 1) value = unwrap(assigned[0]!);
      else if (fn.parameters.some((q) => bindsName(q.name, (value as ts.Identifier).text))) continue;
    }
    const orm = newClientOrm(value, info);
    if (orm) {
      info.objectFactorySources.push([name, key, { orm, driver: clientDriver(value, info) }]);
      continue;
    }
    const callee = importedCallee(value, info);
    if (callee) info.objectFactorySources.push([name, key, { callee }]);
    else if (ts.isIdentifier(value)) info.objectFactorySources.push([name, key, { ident: value.text }]);
  }
}

function isHonoSpecifier(spec: string): boolean {
  return spec === 'hono' || spec.startsWith('hono/') || spec.startsWith('@hono/');
}

/** The string key of a Hono context access: `'db'` of `c.set('db', …)` / `c.get('db')`. */
function literalKey(e: ts.Expression | undefined): string | undefined {
  const n = e && unwrap(e);
  return n && (ts.isStringLiteral(n) || ts.isNoSubstitutionTemplateLiteral(n)) ? n.text : undefined;
}

/** `c.set('db', value)` on the first parameter of the function it is made in (a Hono middleware's context). */
function collectContextSets(sf: ts.SourceFile, info: FileInfo): void {
  forEachCallIn(sf, (n, fn) => {
    if (!fn || n.arguments.length !== 2) return;
    const callee = unwrap(n.expression);
    const key = literalKey(n.arguments[0]);
    const first = fn.parameters[0];
    if (
      key !== undefined &&
      ts.isPropertyAccessExpression(callee) &&
      callee.name.text === 'set' &&
      ts.isIdentifier(unwrap(callee.expression)) &&
      first &&
      ts.isIdentifier(first.name) &&
      first.name.text === (unwrap(callee.expression) as ts.Identifier).text
    ) {
      info.contextSets.push(contextSetOf(key, n.arguments[1]!, fn, info));
    }
  });
}

/** What `value`, given to a context key in function `fn` (or at the top level), is known to be from the module's text. */
function contextSetOf(key: string, given: ts.Expression, fn: FunctionNode | undefined, info: FileInfo): ContextSet {
  let value = unwrap(given);
  const body = fn?.body && ts.isBlock(fn.body) ? fn.body : undefined;
  // `const { db } = createDb(c.env.DATABASE_URL); c.set('db', db)`: a property of what a function returns.
  const picked = ts.isIdentifier(value) && body ? destructuredFrom(body, value.text, info) : undefined;
  if (picked) return { key, callee: picked.callee, property: picked.property };
  // `const db = drizzle(c.env.DB); c.set('db', db)`: the function's own variable, read through what it is given.
  if (ts.isIdentifier(value) && body) {
    const assigned = assignedValues(body, value.text);
    // Assigned more than once: nothing known.
    if (assigned.length > 1) return { key };
    if (assigned.length === 1) value = unwrap(assigned[0]!);
  }
  const orm = newClientOrm(value, info);
  if (orm) return { key, orm, driver: clientDriver(value, info) };
  const called = importedCallee(value, info) ?? firstOfValues(value, (e) => (ts.isCallExpression(e) && ts.isIdentifier(unwrap(e.expression)) ? (unwrap(e.expression) as ts.Identifier).text : undefined));
  const ident = ts.isIdentifier(value) ? value.text : undefined;
  return called ? { key, callee: called } : ident ? { key, ident } : { key };
}

type ContextClient = { orm: Orm; driver?: string };

/**
 * The Hono context variables of the workspace that hold a client: a key every module sets to a client of one ORM
 * (a key also set to something else, or to clients of both ORMs, is none).
 */
export function contextClients(infos: Iterable<FileInfo>, sets: (info: FileInfo) => ContextSet[] = (info) => info.contextSets): Map<string, ContextClient> {
  const out = new Map<string, ContextClient | null>();
  for (const info of infos) {
    for (const set of sets(info)) {
      const picked = set.callee && set.property !== undefined ? info.objectFactories.get(set.callee)?.get(set.property) : undefined;
      const orm = set.property !== undefined ? picked?.orm : set.orm ?? (set.callee ? info.factories.get(set.callee) : set.ident ? info.clients.get(set.ident) : undefined);
      const driver =
        set.property !== undefined ? picked?.driver : set.orm ? set.driver : set.callee ? info.factoryDrivers.get(set.callee) : set.ident ? info.drivers.get(set.ident) : undefined;
      const prev = out.get(set.key);
      if (prev === null) continue;
      if (!orm || (prev && prev.orm !== orm)) out.set(set.key, null);
      else if (!prev) out.set(set.key, driver && orm === 'drizzle' ? { orm, driver } : { orm });
      else if (prev.driver !== driver) out.set(set.key, { orm });
    }
  }
  const clients = new Map<string, ContextClient>();
  for (const [key, c] of out) if (c) clients.set(key, c);
  return clients;
}

/** The imported function an initializer's value is a call of (`getDb(env)`, `await createDb()`), if any. */
function importedCallee(expr: ts.Expression, info: FileInfo): string | undefined {
  return firstOfValues(expr, (e) => {
    if (!ts.isCallExpression(e)) return undefined;
    const callee = unwrap(e.expression);
    return ts.isIdentifier(callee) && info.imports.has(callee.text) ? callee.text : namespaceCallee(callee, info);
  });
}

/**
 * `ns.getDb` of `ns.getDb(…)` with `import * as ns from './db'` or `const ns = require('./db')`: the dotted name
 * under which the factory it calls is kept (FileInfo.factories, FileInfo.objectFactories) once resolved.
 */
function namespaceCallee(callee: ts.Expression, info: FileInfo): string | undefined {
  if (!ts.isPropertyAccessExpression(callee) || !ts.isIdentifier(callee.expression)) return undefined;
  const imp = info.imports.get(callee.expression.text);
  return imp?.imported === '*' && imp.file ? `${callee.expression.text}.${callee.name.text}` : undefined;
}

function requireSpecifier(e: ts.Expression): string | undefined {
  const n = unwrap(e);
  if (ts.isCallExpression(n) && ts.isIdentifier(n.expression) && n.expression.text === 'require' && n.arguments.length === 1) {
    const a = n.arguments[0];
    if (ts.isStringLiteral(a)) return a.text;
  }
  return undefined;
}

/**
 * The first answer of `read` for the values an expression can evaluate to: itself, what it awaits, either side of
 * `??` / `||`, either branch of `?:` (`globalThis.prisma ?? new PrismaClient()`).
 */
function firstOfValues<T>(expr: ts.Expression, read: (e: ts.Expression, depth: number) => T | undefined, depth = 0): T | undefined {
  if (depth > 8) return undefined;
  const e = unwrap(expr);
  if (ts.isAwaitExpression(e)) return firstOfValues(e.expression, read, depth + 1);
  if (ts.isBinaryExpression(e)) {
    const k = e.operatorToken.kind;
    if (k === ts.SyntaxKind.QuestionQuestionToken || k === ts.SyntaxKind.BarBarToken || k === ts.SyntaxKind.QuestionQuestionEqualsToken || k === ts.SyntaxKind.BarBarEqualsToken) {
      return firstOfValues(e.left, read, depth + 1) ?? firstOfValues(e.right, read, depth + 1);
    }
    // `(cached = drizzle(…))`: an assignment evaluates to its right side.
    if (k === ts.SyntaxKind.EqualsToken) return firstOfValues(e.right, read, depth + 1);
    return undefined;
  }
  if (ts.isConditionalExpression(e)) return firstOfValues(e.whenTrue, read, depth + 1) ?? firstOfValues(e.whenFalse, read, depth + 1);
  return read(e, depth);
}

/** `new PrismaClient(…)`, `drizzle(…)` anywhere in the value an initializer evaluates to. */
function newClientOrm(expr: ts.Expression, info: FileInfo, depth = 0): Orm | undefined {
  return firstOfValues(
    expr,
    (e, d) => {
      if (ts.isNewExpression(e)) {
        const callee = unwrap(e.expression);
        const name = ts.isIdentifier(callee) ? callee.text : ts.isPropertyAccessExpression(callee) ? callee.name.text : '';
        if (name === 'PrismaClient') return 'prisma';
        // `new PrismaService()`: a class extending PrismaClient (collectClientClass), local or imported.
        return ts.isIdentifier(callee) ? info.clients.get(name) : undefined;
      }
      if (!ts.isCallExpression(e)) return undefined;
      const callee = unwrap(e.expression);
      if (ts.isIdentifier(callee)) {
        if (callee.text === 'drizzle' && info.drizzleImports.has('drizzle')) return 'drizzle';
        return info.factories.get(callee.text);
      }
      // new PrismaClient().$extends(…)
      if (ts.isPropertyAccessExpression(callee) && callee.name.text === '$extends') return newClientOrm(callee.expression, info, d + 1);
      return undefined;
    },
    depth,
  );
}

/**
 * The first answer of `read` for what a function returns: its expression body, or its top-level `return`s in order.
 * A returned variable (`return cached`) is read through what the function assigns to it (`cached ??= drizzle(…)`,
 * `if (!prisma) prisma = new PrismaClient()`, `const db = drizzle(…)`): a factory caching its client.
 */
function firstReturned<T>(fn: ts.FunctionDeclaration | ts.ArrowFunction | ts.FunctionExpression, read: (e: ts.Expression) => T | undefined): T | undefined {
  for (const e of returnedValues(fn)) {
    const found = read(e);
    if (found !== undefined) return found;
  }
  return undefined;
}

/**
 * What firstReturned reads, in its order: each `return`ed expression of the body's statements, followed, for a
 * returned variable, by what the body assigns to it. Once per function: a module's functions are asked several
 * questions (a factory? a getter of a module client? an object of clients? a wrapper of a factory?), and each
 * answer for a returned variable walks the body.
 */
function returnedValues(fn: ts.FunctionDeclaration | ts.ArrowFunction | ts.FunctionExpression): readonly ts.Expression[] {
  let values = returnedValuesOf?.get(fn);
  if (values) return values;
  const body = fn.body;
  const out: ts.Expression[] = [];
  if (body && !ts.isBlock(body)) out.push(body);
  else if (body) {
    for (const st of body.statements) {
      if (!ts.isReturnStatement(st) || !st.expression) continue;
      out.push(st.expression);
      const returned = unwrap(st.expression);
      const name = ts.isAwaitExpression(returned) && ts.isIdentifier(unwrap(returned.expression)) ? (unwrap(returned.expression) as ts.Identifier).text : ts.isIdentifier(returned) ? returned.text : undefined;
      if (name !== undefined) out.push(...assignedValues(body, name));
    }
  }
  values = out;
  returnedValuesOf?.set(fn, values);
  return values;
}

/**
 * returnedValues' lists for the functions of the module collectModule is reading, dropped with it. (A WeakMap over
 * every function of the workspace cost more in garbage collection, its entries being ephemerons, than the walks.)
 */
let returnedValuesOf: Map<ts.Node, readonly ts.Expression[]> | undefined;

/**
 * Names made by calling a known factory (`[name, callee]` pairs) get the factory's ORM in `orms` and its driver in
 * `drivers`, unless they have one already. Whether any did.
 */
function adoptFactories(info: FileInfo, pairs: readonly [name: string, callee: string][], orms: Map<string, Orm>, drivers: Map<string, string>): boolean {
  let changed = false;
  for (const [name, callee] of pairs) {
    const orm = orms.has(name) ? undefined : info.factories.get(callee);
    if (!orm) continue;
    orms.set(name, orm);
    const driver = info.factoryDrivers.get(callee);
    if (driver) drivers.set(name, driver);
    changed = true;
  }
  return changed;
}

/** What a function body assigns to `name` (declarations and `=`/`??=`/`||=`), outside nested functions and classes; a bounded walk. */
function assignedValues(body: ts.Block | ts.SourceFile, name: string): ts.Expression[] {
  const out: ts.Expression[] = [];
  // Most bodies never assign the name: the text says so without a walk (each function's returned variables are asked).
  let root: ts.Node | undefined = body;
  while (root && !ts.isSourceFile(root)) root = root.parent;
  // A tree without parent pointers (a module read for its syntax only) is walked as before.
  if (root && !mayAssign((root as ts.SourceFile).text, body.pos, body.end, name)) return out;
  let budget = 2000;
  const visit = (n: ts.Node): void => {
    if (--budget < 0 || isFunctionNode(n) || ts.isClassLike(n)) return;
    if (ts.isVariableDeclaration(n) && ts.isIdentifier(n.name) && n.name.text === name && n.initializer) out.push(n.initializer);
    else if (
      ts.isBinaryExpression(n) &&
      ts.isIdentifier(unwrap(n.left)) &&
      (unwrap(n.left) as ts.Identifier).text === name &&
      (n.operatorToken.kind === ts.SyntaxKind.EqualsToken ||
        n.operatorToken.kind === ts.SyntaxKind.QuestionQuestionEqualsToken ||
        n.operatorToken.kind === ts.SyntaxKind.BarBarEqualsToken)
    ) {
      out.push(n.right);
    }
    ts.forEachChild(n, visit);
  };
  ts.forEachChild(body, visit);
  return out;
}

/**
 * Whether `name` occurs in `text[from, to)` as an identifier followed by what an assignment or a declaration of it
 * can be followed by (`=`, `??=`, `||=`, a type annotation, a closing parenthesis, `!`, `as`): a superset of
 * assignedValues' matches, from the text alone.
 */
function mayAssign(text: string, from: number, to: number, name: string): boolean {
  for (let at = text.indexOf(name, from); at >= 0 && at + name.length <= to; at = text.indexOf(name, at + 1)) {
    if (at > 0 && isIdentifierChar(text.charCodeAt(at - 1))) continue;
    let i = at + name.length;
    if (i < text.length && isIdentifierChar(text.charCodeAt(i))) continue;
    while (i < to && (text.charCodeAt(i) === 32 || text.charCodeAt(i) === 9 || text.charCodeAt(i) === 10 || text.charCodeAt(i) === 13)) i++;
    const c = text[i];
    if (c === '=' ? text[i + 1] !== '=' && text[i + 1] !== '>' : c === '?' || c === '|' || c === ':' || c === ')' || c === '!' || (c === 'a' && text[i + 1] === 's')) return true;
  }
  return false;
}

function isIdentifierChar(code: number): boolean {
  return (code >= 97 && code <= 122) || (code >= 65 && code <= 90) || (code >= 48 && code <= 57) || code === 95 || code === 36 || code > 127;
}

/** A function whose returned value is a new client (`const prismaClientSingleton = () => new PrismaClient()`). */
function factoryOrm(fn: ts.FunctionDeclaration | ts.ArrowFunction | ts.FunctionExpression, info: FileInfo): Orm | undefined {
  const type = returnType(fn);
  return firstReturned(fn, (e) => newClientOrm(e, info)) ?? (type && !isTransactionType(type, info) ? clientTypeOrm(type, info) : undefined);
}

/** A function's declared return type, `Promise<…>` unwrapped (`async function getDb(): Promise<NeonHttpDatabase>`). */
function returnType(fn: ts.FunctionDeclaration | ts.ArrowFunction | ts.FunctionExpression): ts.TypeNode | undefined {
  const type = fn.type;
  if (type && ts.isTypeReferenceNode(type) && ts.isIdentifier(type.typeName) && type.typeName.text === 'Promise' && type.typeArguments?.length === 1) {
    return type.typeArguments[0];
  }
  return type;
}

/** The Drizzle driver module of a client an expression creates: `drizzle(…)` imported from `drizzle-orm/neon-http`. */
function clientDriver(expr: ts.Expression, info: FileInfo): string | undefined {
  return firstOfValues(expr, (e) => {
    if (!ts.isCallExpression(e)) return undefined;
    const callee = unwrap(e.expression);
    if (!ts.isIdentifier(callee)) return undefined;
    if (callee.text === 'drizzle' && info.drizzleImports.has('drizzle')) return driverModule(info.imports.get('drizzle')?.specifier);
    return info.factoryDrivers.get(callee.text);
  });
}

/** `drizzle-orm/<driver>` specifiers only (not `drizzle-orm` itself, nor the `*-core` schema modules). */
function driverModule(specifier: string | undefined): string | undefined {
  return specifier && /^drizzle-orm\/(?!.*-core$)[\w-]+/.test(specifier) ? specifier : undefined;
}

function factoryDriver(fn: ts.FunctionDeclaration | ts.ArrowFunction | ts.FunctionExpression, info: FileInfo): string | undefined {
  return firstReturned(fn, (e) => clientDriver(e, info)) ?? typeDriver(returnType(fn), info);
}

/** The driver module a client type names: `NeonHttpDatabase` from `drizzle-orm/neon-http`, `typeof db`. */
function typeDriver(type: ts.TypeNode | undefined, info: FileInfo, drivers: ReadonlyMap<string, string> = info.drivers): string | undefined {
  if (!type) return undefined;
  if (ts.isTypeReferenceNode(type)) {
    if (!ts.isIdentifier(type.typeName)) return undefined;
    return driverModule(info.imports.get(type.typeName.text)?.specifier) ?? (type.typeArguments ? undefined : drivers.get(type.typeName.text));
  }
  if (ts.isTypeQueryNode(type) && ts.isIdentifier(type.exprName)) return drivers.get(type.exprName.text);
  if (ts.isUnionTypeNode(type)) {
    for (const t of type.types) {
      const driver = typeDriver(t, info, drivers);
      if (driver) return driver;
    }
  }
  return undefined;
}

/**
 * A `case` clause whose statements run on into the next clause: it does not end in `break`, `continue`, `return` or
 * `throw` (also as the last statement of a block, or of both arms of an `if`/`else`). An empty clause (`case 'a':
 * case 'b':`) shares the next one's statements.
 */
function fallsThrough(clause: ts.CaseOrDefaultClause): boolean {
  const ends = (st: ts.Statement | undefined): boolean => {
    if (!st) return false;
    if (ts.isBreakStatement(st) || ts.isContinueStatement(st) || ts.isReturnStatement(st) || ts.isThrowStatement(st)) return true;
    if (ts.isBlock(st)) return ends(st.statements[st.statements.length - 1]);
    if (ts.isIfStatement(st)) return !!st.elseStatement && ends(st.thenStatement) && ends(st.elseStatement);
    return false;
  };
  return !ends(clause.statements[clause.statements.length - 1]);
}

/** A function passed first to `.query(…)`/`.mutation(…)`/`.subscription(…)`: a tRPC resolver. */
function isResolverCallback(fn: ts.Node): boolean {
  const call = fn.parent;
  return (
    !!call &&
    ts.isCallExpression(call) &&
    call.arguments[0] === fn &&
    ts.isPropertyAccessExpression(call.expression) &&
    TRPC_RESOLVERS.has(call.expression.name.text)
  );
}

/**
 * Where a parameter's pattern binds `name` below its `ctx` property (`{ ctx: { db }, input }`): `member` is the
 * context member it reads (`db`); undefined when the pattern does not bind the name, `{}` when it binds it otherwise.
 */
function contextBinding(pattern: ts.ObjectBindingPattern, name: string): { member?: string } | undefined {
  for (const el of pattern.elements) {
    if (ts.isIdentifier(el.name)) {
      if (el.name.text === name) return {};
      continue;
    }
    if (!ts.isObjectBindingPattern(el.name)) continue;
    const inner = el.name.elements.find((b) => ts.isIdentifier(b.name) && b.name.text === name);
    if (!inner) continue;
    const outerKey = propertyNameText(el.propertyName);
    if (outerKey !== 'ctx' || inner.dotDotDotToken) return {};
    return { member: propertyNameText(inner.propertyName) ?? name };
  }
  return undefined;
}

/** tRPC resolver methods whose callback receives `{ ctx, input }`. */
const TRPC_RESOLVERS = new Set(['query', 'mutation', 'subscription']);
/** Context members that name the database client (`ctx.db`, `ctx.prisma`). */
const CONTEXT_CLIENT_MEMBERS = new Set(['db', 'prisma', 'drizzle', 'database']);

const PRISMA_TYPES = new Set(['PrismaClient', 'PrismaService', 'TransactionClient', 'ExtendedPrismaClient']);

/** The ORM a type annotation names: `PrismaClient`, `PrismaService`, `Prisma.TransactionClient`, a drizzle `…Database`, `typeof db`. */
function clientTypeOrm(type: ts.TypeNode | undefined, info: FileInfo, clients?: Map<string, Orm>): Orm | undefined {
  if (!type) return undefined;
  if (ts.isTypeReferenceNode(type)) {
    const name = ts.isIdentifier(type.typeName) ? type.typeName.text : type.typeName.right.text;
    if (PRISMA_TYPES.has(name)) return 'prisma';
    const root = ts.isIdentifier(type.typeName) ? type.typeName.text : undefined;
    if ((name.endsWith('Database') || name.endsWith('Transaction')) && root && info.drizzleImports.has(root)) return 'drizzle';
    // A client type alias of the workspace (`db: Db` with `type Db = typeof db`), resolved like a client name.
    if (root && !type.typeArguments) return (clients ?? info.clients).get(root);
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

function isTransactionType(type: ts.TypeNode | undefined, info: FileInfo): boolean {
  if (!type) return false;
  if (ts.isUnionTypeNode(type)) return type.types.some((t) => isTransactionType(t, info));
  if (!ts.isTypeReferenceNode(type)) return false;
  const name = ts.isIdentifier(type.typeName) ? type.typeName.text : type.typeName.right.text;
  if (name === 'TransactionClient') return true;
  return name.endsWith('Transaction') && ts.isIdentifier(type.typeName) && info.drizzleImports.has(name);
}

/** Propagates client bindings through exports, re-exports, imports and aliases until nothing changes. */
function resolveClients(infos: FileInfo[], byFile: Map<string, FileInfo>): void {
  type Bound = { orm: Orm; driver?: string };
  /** What a module's export `name` is by `own` (its own binding), through re-exports and `export *` as well. */
  const exported = <T = Bound>(own: (info: FileInfo, name: string) => T | undefined) => {
    const follow = (file: string | undefined, name: string, seen: Set<string>): T | undefined => {
      if (!file) return undefined;
      const key = `${file}#${name}`;
      if (seen.has(key)) return undefined;
      seen.add(key);
      const info = byFile.get(file);
      if (!info) return undefined;
      const found = own(info, name);
      if (found) return found;
      const re = info.reExports.get(name);
      if (re) return follow(re.file, re.imported, seen);
      for (const star of info.starExports) {
        const viaStar = follow(star, name, seen);
        if (viaStar) return viaStar;
      }
      return undefined;
    };
    return follow;
  };
  const exportClient = exported((info, name) => {
    if (name === 'default' && info.defaultClient) return { orm: info.defaultClient, driver: info.defaultDriver };
    const local = info.exports.get(name);
    const orm = local !== undefined ? info.clients.get(local) : undefined;
    return orm ? { orm, driver: info.drivers.get(local!) } : undefined;
  });
  // The same for client factories (`export function getDb(env) { return drizzle(env.DB) }`).
  const exportFactory = exported((info, name) => {
    const local = info.exports.get(name);
    const orm = local !== undefined ? info.factories.get(local) : undefined;
    return orm ? { orm, driver: info.factoryDrivers.get(local!) } : undefined;
  });
  // Functions returning an object of clients (`export function createDb() { …; return { db, pool } }`).
  const exportObjectFactory = exported((info, name) => {
    const local = info.exports.get(name);
    return local !== undefined ? info.objectFactories.get(local) : undefined;
  });
  // Objects whose members are clients (`export default { client: prisma }`), through re-exports too.
  const exportObject = exported((info, name) => {
    const local = info.exports.get(name);
    return local !== undefined ? info.objectMembers.get(local) : undefined;
  });
  for (let round = 0; round < 6; round++) {
    let changed = false;
    for (const info of infos) {
      for (const [fn, property, value] of info.objectFactorySources) {
        if (info.objectFactories.get(fn)?.has(property)) continue;
        const orm = value.orm ?? (value.callee ? info.factories.get(value.callee) : value.ident ? info.clients.get(value.ident) : undefined);
        if (!orm) continue;
        const driver = value.orm ? value.driver : value.callee ? info.factoryDrivers.get(value.callee) : value.ident ? info.drivers.get(value.ident) : undefined;
        let props = info.objectFactories.get(fn);
        if (!props) info.objectFactories.set(fn, (props = new Map()));
        props.set(property, driver && orm === 'drizzle' ? { orm, driver } : { orm });
        changed = true;
      }
      for (const [local, imp] of info.imports) {
        if (info.objectFactories.has(local) || imp.imported === '*') continue;
        const found = exportObjectFactory(imp.file, imp.imported, new Set());
        if (found) {
          info.objectFactories.set(local, found);
          changed = true;
        }
      }
      for (const [name, callee, property] of info.destructured) {
        const found = info.clients.has(name) ? undefined : info.objectFactories.get(callee)?.get(property);
        if (!found) continue;
        info.clients.set(name, found.orm);
        if (found.driver) info.drivers.set(name, found.driver);
        changed = true;
      }
      for (const [local, imp] of info.imports) {
        if (info.clients.has(local) || info.factories.has(local) || (imp.imported === '*' && !imp.cjs)) continue;
        // A factory imported from a workspace module: `import { getDb } from '@/db'`, then `const db = getDb(env)`.
        const factory = exportFactory(imp.file, imp.imported === '*' ? 'default' : imp.imported, new Set());
        if (factory) {
          info.factories.set(local, factory.orm);
          if (factory.driver) info.factoryDrivers.set(local, factory.driver);
          changed = true;
          continue;
        }
        // A CommonJS require is the module's value: the client when `module.exports = prisma` (the default export here).
        const found = exportClient(imp.file, imp.imported === '*' ? 'default' : imp.imported, new Set());
        if (found) {
          info.clients.set(local, found.orm);
          if (found.driver) info.drivers.set(local, found.driver);
          changed = true;
        }
      }
      // Factories called through a namespace import (`const db = ns.getDb()`, `const { db } = ns.createDb()`).
      for (const [, callee] of [...info.factoryCalls, ...info.destructured.map(([n, c]) => [n, c] as const)]) {
        const dot = callee.indexOf('.');
        if (dot < 0 || info.factories.has(callee) || info.objectFactories.has(callee)) continue;
        const imp = info.imports.get(callee.slice(0, dot));
        if (imp?.imported !== '*' || !imp.file) continue;
        const member = callee.slice(dot + 1);
        const factory = exportFactory(imp.file, member, new Set());
        if (factory) {
          info.factories.set(callee, factory.orm);
          if (factory.driver) info.factoryDrivers.set(callee, factory.driver);
          changed = true;
          continue;
        }
        const object = exportObjectFactory(imp.file, member, new Set());
        if (object) {
          info.objectFactories.set(callee, object);
          changed = true;
        }
      }
      // Wrappers of a factory are factories: `export const getDb = () => createDb(env.DATABASE_URL)`.
      if (adoptFactories(info, info.factoryWraps, info.factories, info.factoryDrivers)) changed = true;
      // Module clients made by an imported factory: `export const db = makeDb(env.DB)`.
      if (adoptFactories(info, info.factoryCalls, info.clients, info.drivers)) changed = true;
      // Aliases: const db = prisma (globalForDb.db ?? drizzle(…) is handled as a client declaration).
      for (const [name, idents] of info.aliases) {
        if (info.clients.has(name)) continue;
        const ident = idents.find((i) => info.clients.has(i));
        if (ident) {
          info.clients.set(name, info.clients.get(ident)!);
          const driver = info.drivers.get(ident);
          if (driver) info.drivers.set(name, driver);
          changed = true;
        }
      }
      // `const db = new AppDatabase()` of a class extending PrismaClient (see collectClientClass): what is `new`ed
      // is a class, so a name bound to a client there is a client class.
      for (const [name, cls] of info.instances) {
        if (cls === name || info.clients.has(name)) continue;
        const orm = info.clients.get(cls);
        if (orm) {
          info.clients.set(name, orm);
          changed = true;
        }
      }
      if (info.objectSources.length || info.imports.size) {
        // Objects imported from a workspace module (`import prisma from './client'` of `export default { client }`).
        for (const [local, imp] of info.imports) {
          if (imp.imported === '*' || info.objectMembers.has(local)) continue;
          const found = exportObject(imp.file, imp.imported, new Set());
          if (found) {
            info.objectMembers.set(local, found);
            changed = true;
          }
        }
        for (const [object, property, ident] of info.objectSources) {
          const add = (key: string, client: { orm: Orm; driver?: string }) => {
            let members = info.objectMembers.get(object);
            if (members?.has(key)) return;
            if (!members) info.objectMembers.set(object, (members = new Map()));
            members.set(key, client);
            changed = true;
          };
          if (property === '...') {
            for (const [key, client] of info.objectMembers.get(ident) ?? []) add(key, client);
            continue;
          }
          const orm = info.clients.get(ident);
          if (orm) add(property, orm === 'drizzle' && info.drivers.has(ident) ? { orm, driver: info.drivers.get(ident) } : { orm });
        }
      }
    }
    if (!changed) break;
  }
  for (const info of infos) {
    for (const name of info.exports.keys()) {
      const found = exportClient(info.file, name, new Set());
      if (found) {
        info.clientExports.set(name, found.orm);
        if (found.driver) info.exportDrivers.set(name, found.driver);
      }
      const factory = exportFactory(info.file, name, new Set());
      if (factory) info.factoryExports.set(name, factory);
      const object = exportObjectFactory(info.file, name, new Set());
      if (object) info.objectFactoryExports.set(name, object);
    }
    for (const name of info.reExports.keys()) {
      const factory = exportFactory(info.file, name, new Set());
      if (factory) info.factoryExports.set(name, factory);
      const object = exportObjectFactory(info.file, name, new Set());
      if (object) info.objectFactoryExports.set(name, object);
    }
    if (info.defaultClient) {
      info.clientExports.set('default', info.defaultClient);
      if (info.defaultDriver) info.exportDrivers.set('default', info.defaultDriver);
    }
  }
}

function aliasIdents(e: ts.Expression): string[] {
  const n = unwrap(e);
  if (ts.isIdentifier(n)) return [n.text];
  if (ts.isBinaryExpression(n) && (n.operatorToken.kind === ts.SyntaxKind.QuestionQuestionToken || n.operatorToken.kind === ts.SyntaxKind.BarBarToken)) {
    return [...aliasIdents(n.left), ...aliasIdents(n.right)];
  }
  return [];
}

/** The driver of the client an alias expression names (`this.db = db`, `a ?? b`). */
function aliasDriver(e: ts.Expression, info: FileInfo): string | undefined {
  const n = unwrap(e);
  if (ts.isIdentifier(n)) return info.drivers.get(n.text);
  if (ts.isBinaryExpression(n) && (n.operatorToken.kind === ts.SyntaxKind.QuestionQuestionToken || n.operatorToken.kind === ts.SyntaxKind.BarBarToken)) {
    return aliasDriver(n.left, info) ?? aliasDriver(n.right, info);
  }
  return undefined;
}

function aliasOrm(e: ts.Expression, clients: Map<string, Orm>): Orm | undefined {
  const n = unwrap(e);
  if (ts.isIdentifier(n)) return clients.get(n.text);
  if (ts.isBinaryExpression(n) && (n.operatorToken.kind === ts.SyntaxKind.QuestionQuestionToken || n.operatorToken.kind === ts.SyntaxKind.BarBarToken)) {
    return aliasOrm(n.left, clients) ?? aliasOrm(n.right, clients);
  }
  return undefined;
}

/** The class a module-level instance was created from: `{ file, name }` of the class declaration. */
function instanceClass(info: FileInfo, local: string, byFile: Map<string, FileInfo>, depth: number): { file: string; name: string } | undefined {
  if (depth > 4) return undefined;
  const cls = info.instances.get(local);
  if (cls) {
    const imp = info.imports.get(cls);
    if (imp?.file && imp.imported !== '*') {
      const target = byFile.get(imp.file);
      return { file: imp.file, name: target?.exports.get(imp.imported) ?? imp.imported };
    }
    return { file: info.file, name: cls };
  }
  const imp = info.imports.get(local);
  if (!imp?.file || imp.imported === '*') return undefined;
  const target = byFile.get(imp.file);
  const exported = target?.exports.get(imp.imported);
  return target && exported ? instanceClass(target, exported, byFile, depth + 1) : undefined;
}

/** The workspace class a name refers to in a module: a local class, or an imported one (through re-exports). */
function classByName(info: FileInfo, name: string, byFile: Map<string, FileInfo>): { file: string; name: string } | undefined {
  const imp = info.imports.get(name);
  if (!imp) return { file: info.file, name };
  let file = imp.file;
  let imported = imp.imported;
  for (let depth = 0; file && imported !== '*' && depth < 5; depth++) {
    const target = byFile.get(file);
    if (!target) return { file, name: imported };
    const local = target.exports.get(imported);
    if (local) return { file, name: local === 'default' ? imported : local };
    const re = target.reExports.get(imported);
    if (!re) return undefined;
    file = re.file;
    imported = re.imported;
  }
  return undefined;
}

/**
 * The class a member of `cls` is declared with: a constructor parameter property (`private users: UsersRepository`),
 * or a property typed with a class or initialized with `new UsersRepository(…)`.
 */
function memberClassName(cls: ts.ClassLikeDeclaration, member: string): string | undefined {
  const typeName = (type: ts.TypeNode | undefined): string | undefined =>
    type && ts.isTypeReferenceNode(type) && ts.isIdentifier(type.typeName) && !type.typeArguments ? type.typeName.text : undefined;
  for (const m of cls.members) {
    if (ts.isPropertyDeclaration(m) && propertyNameText(m.name) === member) {
      const init = m.initializer && unwrap(m.initializer);
      return typeName(m.type) ?? (init && ts.isNewExpression(init) && ts.isIdentifier(init.expression) ? init.expression.text : undefined);
    }
    if (ts.isConstructorDeclaration(m)) {
      for (const p of m.parameters) {
        if (!ts.isIdentifier(p.name) || p.name.text !== member) continue;
        const isProperty = (ts.getModifiers(p) ?? []).some((mod) =>
          [ts.SyntaxKind.PrivateKeyword, ts.SyntaxKind.PublicKeyword, ts.SyntaxKind.ProtectedKeyword, ts.SyntaxKind.ReadonlyKeyword].includes(mod.kind),
        );
        if (isProperty) return typeName(p.type);
      }
    }
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

/** `const storage = { async createX() {…} }` at the top level: `storage.createX`. */
function objectOwner(obj: ts.ObjectLiteralExpression, method: string): string | undefined {
  const holder = climbWrappers(obj).parent;
  if (holder && ts.isVariableDeclaration(holder) && ts.isIdentifier(holder.name) && ts.isSourceFile(holder.parent.parent.parent)) {
    return `${holder.name.text}.${method}`;
  }
  return undefined;
}

/** The function a node runs in, through inline callbacks (`xs.map(…)`, `forEach`); undefined at module level. */
function ownerFunction(node: ts.Node): ts.Node | undefined {
  for (let n: ts.Node | undefined = node.parent; n; n = n.parent) if (isFunctionNode(n) && !isInlineCallback(n)) return n;
  return undefined;
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
      if (m && ts.isObjectLiteralExpression(cls)) return objectOwner(cls, m);
      return undefined;
    }
    const holder = climbWrappers(n).parent;
    if (holder && ts.isPropertyAssignment(holder) && ts.isObjectLiteralExpression(holder.parent)) {
      const m = propertyNameText(holder.name);
      return m ? objectOwner(holder.parent, m) : undefined;
    }
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
  /** `before`: where the text before the comment that makes it a trailing one is measured to (a JSX `{`). */
  const take = (ranges: ts.CommentRange[] | undefined, before?: number) => {
    for (const r of ranges ?? []) {
      if (seen.has(r.pos)) continue;
      seen.add(r.pos);
      const body = text.slice(r.pos, r.end);
      if (!body.includes('schema-review-ignore')) continue;
      const loc = locOf(sf, r.pos, r.end);
      const lineStart = r.pos - loc.range.start.character;
      const trailing = text.slice(lineStart, before ?? r.pos).trim().length > 0;
      const s = parseIgnoreComment(body, loc, trailing);
      if (s) out.push(s);
    }
  };
  const isChildList = (parent: ts.Node | undefined, node: ts.Node) =>
    !!parent && (ts.isJsxElement(parent) || ts.isJsxFragment(parent)) &&
    !ts.isJsxOpeningElement(node) && !ts.isJsxClosingElement(node) && !ts.isJsxOpeningFragment(node) && !ts.isJsxClosingFragment(node);
  const visit = (node: ts.Node, parent?: ts.Node): void => {
    // Among a JSX element's children, text is rendered: a `//` there is no comment. The one comment there is
    // `{/* … */}`, an expression holding nothing but it.
    if (ts.isJsxText(node)) return;
    const child = isChildList(parent, node);
    if (child && ts.isJsxExpression(node) && !node.expression) {
      const open = node.getStart(sf);
      // Right after the `{`, not after a line break: the scanner's trailing comments, then any on later lines.
      take(ts.getTrailingCommentRanges(text, open + 1), open);
      take(ts.getLeadingCommentRanges(text, open + 1), open);
      return;
    }
    if (!child) {
      take(ts.getLeadingCommentRanges(text, node.pos));
      take(ts.getTrailingCommentRanges(text, node.end));
    }
    ts.forEachChild(node, (c) => visit(c, node));
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
  /** A parameter typed as a transaction client (`tx: Prisma.TransactionClient`, `tx: PgTransaction<…>`). */
  transactionClient?: boolean;
  /** Drizzle: the driver module, when known (`drizzle-orm/neon-http`). */
  driver?: string;
}

class FileWalker {
  private readonly writeOwners = new Set<string>();
  private readonly calls: DbCall[] = [];
  private readonly transactions: TransactionScope[] = [];
  private readonly txCallbacks = new Map<ts.Node, TransactionScope>();
  private readonly txArrays = new Map<ts.Node, TransactionScope>();
  private readonly txCalls = new Set<ts.Node>();
  /** Savepoint scopes (`tx.transaction(async (sp) => …)`): the enclosing transactions' client names, also valid inside. */
  private readonly savepointParams = new Map<TransactionScope, Set<string>>();
  /** Module functions given to a transaction by name (`prisma.$transaction(transfer)`), with their scope. */
  private readonly namedCallbacks: [FunctionNode, TransactionScope][] = [];
  /** Batches (`$transaction(ops)`, `db.batch([q1, ...qs])`): the variables whose kept promises they run. */
  private readonly batches = new Map<ts.CallExpression, { scope: TransactionScope; variables: Set<string> }>();
  private readonly dbNodes = new Set<ts.Node>();
  /** Each call's outer node, for facts settled after the walk. */
  private readonly callNodes: [ts.Node, DbCall][] = [];
  private readonly candidates: Candidate[] = [];
  /** The call the walk is handling: client lookups climb from it. */
  private current: ts.Node | undefined;
  /** Reads whose result may be filtered in memory later in the function (checked after the walk). */
  private readonly readsToFollow: [DbCall, ts.Node][] = [];
  private readonly awaits: ts.AwaitExpression[] = [];
  private readonly classClients = new Map<ts.Node, Map<string, { orm: Orm; driver?: string }>>();
  constructor(
    private readonly info: FileInfo,
    private readonly sf: ts.SourceFile,
    private readonly byFile: Map<string, FileInfo>,
    private readonly prismaModels: Set<string> | undefined,
    private readonly workspaceOrms: ReadonlySet<Orm> = new Set(),
    private readonly honoVars: ReadonlyMap<string, ContextClient> = new Map(),
    private readonly fastifyVars: ReadonlyMap<string, ContextClient> = new Map(),
  ) {}

  /** Walks the file once and returns plain facts (no AST nodes survive). */
  run(): FileFacts {
    // Pre-order walk that sets each child's parent before visiting it: when a node is handled, all its
    // ancestors have parents; anything that looks at later siblings waits until the walk is done.
    let parent: ts.Node = this.sf;
    const visitChild = (child: ts.Node): void => {
      (child as { parent: ts.Node }).parent = parent;
      visit(child);
    };
    const visit = (node: ts.Node): void => {
      const kind = node.kind;
      // Types, interfaces, type aliases and imports hold no calls to look at.
      if (
        (kind >= ts.SyntaxKind.FirstTypeNode && kind <= ts.SyntaxKind.LastTypeNode) ||
        kind === ts.SyntaxKind.InterfaceDeclaration ||
        kind === ts.SyntaxKind.TypeAliasDeclaration ||
        kind === ts.SyntaxKind.ImportDeclaration
      ) {
        return;
      }
      if (kind === ts.SyntaxKind.CallExpression) this.onCall(node as ts.CallExpression);
      else if (kind === ts.SyntaxKind.TaggedTemplateExpression) this.onTagged(node as ts.TaggedTemplateExpression);
      else if (kind === ts.SyntaxKind.AwaitExpression) this.awaits.push(node as ts.AwaitExpression);
      const saved = parent;
      parent = node;
      ts.forEachChild(node, visitChild);
      parent = saved;
    };
    visit(this.sf);
    for (const [fn, scope] of this.namedCallbacks) this.attachNamedCallback(fn, scope);
    if (this.batches.size) this.attachKeptWrites();
    for (const [call, node] of this.readsToFollow) {
      const filtered = this.inMemoryFilters(node);
      if (filtered.length) call.resultFilteredInMemory = filtered;
      const aggregated = inMemoryAggregates(this.sf, node, (n) => this.enclosingFunction(n).node?.body ?? this.sf);
      if (aggregated.length) call.resultAggregatedInMemory = aggregated;
    }
    const pending = this.pendingWritingCalls();
    const writeFunctionKeys = new Set<string>();
    for (const c of this.calls) if (c.kind === 'write') writeFunctionKeys.add(locKey(c.functionLoc));
    // Functions that may write (through a workspace function) are a superset, enough to pick the awaits.
    const mayWrite = new Set(writeFunctionKeys);
    for (const p of pending.values()) mayWrite.add(locKey(p.call.functionLoc));
    return {
      file: this.info.file,
      calls: this.calls,
      transactions: this.transactions,
      writeOwners: this.writeOwners,
      writeFunctionKeys: [...writeFunctionKeys],
      pending: [...pending.values()],
      awaits: this.awaitFacts(pending, mayWrite),
    };
  }

  // ---- clients --------------------------------------------------------------------------

  /** Is this expression a database client here? */
  private clientOf(expr: ts.Expression): ClientRef | undefined {
    const e = unwrap(expr);
    if (ts.isIdentifier(e)) {
      const name = e.text;
      // A transaction callback parameter or a parameter typed as a client, innermost first. (The walk
      // climbs from the call being handled: the nodes below it have no parents yet.)
      for (let n: ts.Node | undefined = this.current; n; n = n.parent) {
        if (!isFunctionNode(n)) continue;
        const scope = this.txCallbacks.get(n);
        if (scope && scope.callbackParam === name) return { orm: scope.orm, node: e, text: name };
        // A variable of the function: a client created there (`const db = drizzle(env.DB)` in a Worker's
        // `fetch`), or anything else, which hides a module client of the same name.
        const local = this.localClients(n).get(name);
        if (local !== undefined) return local ? { orm: local.orm, node: e, text: name, driver: local.driver } : undefined;
        for (const p of n.parameters) {
          // tRPC: `.mutation(async ({ ctx: { db }, input }) => …)`
          if (ts.isObjectBindingPattern(p.name)) {
            const bound = contextBinding(p.name, name);
            if (bound?.member && isResolverCallback(n)) return this.contextRef(bound.member, e);
          }
          if (ts.isIdentifier(p.name) && p.name.text === name) {
            const orm = clientTypeOrm(p.type, this.info);
            if (!orm) return undefined; // a parameter shadows module bindings
            const driver = orm === 'drizzle' ? typeDriver(p.type, this.info) : undefined;
            return isTransactionType(p.type, this.info)
              ? { orm, node: e, text: name, transactionClient: true, driver }
              : { orm, node: e, text: name, driver };
          }
        }
      }
      const orm = this.info.clients.get(name);
      return orm ? { orm, node: e, text: name, driver: this.info.drivers.get(name) } : undefined;
    }
    // `this.user.findMany()` in a method of a class extending PrismaClient (collectClientClass).
    if (e.kind === ts.SyntaxKind.ThisKeyword) {
      const cls = this.current ? this.classOf(this.current) : undefined;
      const name = cls && topLevelClassName(cls);
      const orm = name !== undefined ? this.info.clients.get(name) : undefined;
      return orm ? { orm, node: e, text: 'this' } : undefined;
    }
    if (ts.isCallExpression(e) || ts.isPropertyAccessExpression(e)) {
      const context = this.honoVar(e, this.current);
      if (context) return { orm: context.orm, node: e, text: e.getText(this.sf), driver: context.driver };
    }
    // `getDb().insert(orders)`: the client a factory of the module (or one it imports) returns, used at once.
    if (ts.isCallExpression(e) && ts.isIdentifier(unwrap(e.expression))) {
      const name = (unwrap(e.expression) as ts.Identifier).text;
      const orm = this.info.factories.get(name);
      if (orm && !this.shadowed(name)) return { orm, node: e, text: e.getText(this.sf), driver: orm === 'drizzle' ? this.info.factoryDrivers.get(name) : undefined };
    }
    // `dbm.getDb().insert(orders)` with `import * as dbm from './db'` (or `const dbm = require('./db')`) exporting a
    // client factory: the client it makes, used at once, like a named import's `getDb().insert(…)`.
    if (ts.isCallExpression(e)) {
      const callee = unwrap(e.expression);
      if (ts.isPropertyAccessExpression(callee) && ts.isIdentifier(callee.expression) && !this.shadowed(callee.expression.text)) {
        const factory = this.namespaceFactoryCall(e);
        if (factory) return { orm: factory.orm, node: e, text: e.getText(this.sf), driver: factory.driver };
      }
    }
    if (ts.isPropertyAccessExpression(e)) {
      const target = unwrap(e.expression);
      const member = e.name.text;
      // Fastify: `fastify.db` / `request.server.db`, a client the workspace decorates the instance with.
      const decorated = this.info.fastify ? this.fastifyVars.get(member) : undefined;
      if (decorated && this.isFastifyInstance(target)) {
        return { orm: decorated.orm, node: e, text: `${target.getText(this.sf)}.${member}`, driver: decorated.driver };
      }
      if (target.kind === ts.SyntaxKind.ThisKeyword) {
        const cls = this.current ? this.classOf(this.current) : undefined;
        const found = cls ? this.clientMembers(cls).get(member) : undefined;
        return found ? { orm: found.orm, node: e, text: `this.${member}`, driver: found.driver } : undefined;
      }
      // tRPC: `opts.ctx.db` with `.mutation(async (opts) => …)`.
      if (ts.isPropertyAccessExpression(target) && target.name.text === 'ctx' && ts.isIdentifier(unwrap(target.expression))) {
        const opts = unwrap(target.expression) as ts.Identifier;
        const fn = this.parameterOwner(opts.text);
        if (fn && isResolverCallback(fn) && fn.parameters[0] && ts.isIdentifier(fn.parameters[0].name) && fn.parameters[0].name.text === opts.text) {
          const orm = this.contextMemberOrm(member);
          if (orm) return { orm, node: e, text: `${opts.text}.ctx.${member}` };
        }
      }
      if (ts.isIdentifier(target)) {
        // tRPC: `ctx.db` / `ctx.prisma` in a `.query`/`.mutation`/`.subscription` resolver is the client its context holds.
        const contextOrm = this.procedureContextOrm(target, member);
        if (contextOrm) return { orm: contextOrm, node: e, text: `${target.text}.${member}` };
        // `prisma.client` of a module object holding a client (`export default { client: prisma, pagedQuery }`).
        const held = this.info.objectMembers.get(target.text)?.get(member);
        if (held && !this.shadowed(target.text)) return { orm: held.orm, node: e, text: `${target.text}.${member}`, driver: held.driver };
        const imp = this.info.imports.get(target.text);
        if (imp?.imported === '*' && imp.file) {
          const module = this.byFile.get(imp.file);
          const orm = module?.clientExports.get(member);
          return orm ? { orm, node: e, text: `${target.text}.${member}`, driver: module?.exportDrivers.get(member) } : undefined;
        }
      }
    }
    return undefined;
  }

  /**
   * A Fastify instance: a parameter typed `FastifyInstance`; the untyped first parameter of a plugin (a function given
   * to fastify-plugin's `fp(…)` or to `x.register(…)`); `request.server` on a parameter; a top-level `Fastify()` of the
   * module (not shadowed).
   */
  private isFastifyInstance(target: ts.Expression): boolean {
    if (ts.isPropertyAccessExpression(target)) {
      const holder = unwrap(target.expression);
      return target.name.text === 'server' && ts.isIdentifier(holder) && !!this.parameterOwner(holder.text);
    }
    if (!ts.isIdentifier(target)) return false;
    const name = target.text;
    for (let n: ts.Node | undefined = this.current; n; n = n.parent) {
      if (!isFunctionNode(n)) continue;
      if (this.localClients(n).has(name)) return false;
      const index = n.parameters.findIndex((p) => bindsName(p.name, name));
      if (index < 0) continue;
      const p = n.parameters[index]!;
      if (!ts.isIdentifier(p.name)) return false;
      if (p.type) return ts.isTypeReferenceNode(p.type) && (ts.isIdentifier(p.type.typeName) ? p.type.typeName.text : p.type.typeName.right.text) === 'FastifyInstance';
      if (index !== 0) return false;
      const holder = climbWrappers(n).parent;
      if (!holder || !ts.isCallExpression(holder) || holder.arguments[0] !== climbWrappers(n)) return false;
      const callee = unwrap(holder.expression);
      if (ts.isPropertyAccessExpression(callee)) return callee.name.text === 'register';
      return ts.isIdentifier(callee) && this.info.imports.get(callee.text)?.specifier === 'fastify-plugin';
    }
    return this.info.fastifyApps.has(name);
  }

  /** A variable or parameter of a function around the current call declares `name` (it hides the module's binding). */
  private shadowed(name: string): boolean {
    for (let n: ts.Node | undefined = this.current; n; n = n.parent) {
      if (!isFunctionNode(n)) continue;
      if (this.localClients(n).has(name) || n.parameters.some((p) => bindsName(p.name, name))) return true;
    }
    return false;
  }

  private readonly localClientsOf = new Map<ts.Node, Map<string, { orm: Orm; driver?: string } | null>>();

  /**
   * The variables a function declares in its body (not in nested functions): a client when its initializer
   * creates one (`drizzle(…)`, `new PrismaClient(…)`, a client factory of the module), else null.
   */
  private localClients(fn: FunctionNode): Map<string, { orm: Orm; driver?: string } | null> {
    let out = this.localClientsOf.get(fn);
    if (out) return out;
    const found = new Map<string, { orm: Orm; driver?: string } | null>();
    out = found;
    this.localClientsOf.set(fn, found);
    const visit = (n: ts.Node): void => {
      const k = n.kind;
      if (k === ts.SyntaxKind.VariableDeclaration) {
        const d = n as ts.VariableDeclaration;
        if (ts.isIdentifier(d.name) && !found.get(d.name.text)) {
          const orm = d.initializer ? newClientOrm(d.initializer, this.info) : undefined;
          const client = orm
            ? { orm, driver: orm === 'drizzle' ? clientDriver(d.initializer!, this.info) : undefined }
            : d.initializer && (this.namespaceFactoryCall(d.initializer) ?? this.honoVar(unwrap(d.initializer), fn) ?? this.resolverContextMember(d.initializer, fn));
          found.set(d.name.text, client || null);
        } else if (ts.isObjectBindingPattern(d.name) && d.initializer && this.isResolverContext(d.initializer, fn)) {
          // tRPC: `const { db, session } = ctx` (or `= opts.ctx`) in a resolver: the client its context holds.
          for (const el of d.name.elements) {
            if (!ts.isIdentifier(el.name) || found.get(el.name.text)) continue;
            const orm = el.dotDotDotToken ? undefined : this.contextMemberOrm(propertyNameText(el.propertyName) ?? el.name.text);
            found.set(el.name.text, orm ? { orm } : null);
          }
        } else if (ts.isObjectBindingPattern(d.name) && d.initializer) {
          // `const { db } = c.var` in a Hono handler; `const { db } = createDb()` of a function returning an object of clients.
          const init = unwrap(d.initializer);
          const context = ts.isPropertyAccessExpression(init) && init.name.text === 'var' && this.isHonoContext(init.expression, fn);
          const callee = context ? undefined : destructuredCall(init, this.info);
          const object = callee ? this.info.objectFactories.get(callee) ?? this.namespaceObjectFactory(callee) : undefined;
          // (Other patterns are not followed: a name they bind is left to the module's bindings, as before.)
          if (context || object) for (const el of d.name.elements) {
            if (!ts.isIdentifier(el.name) || found.get(el.name.text)) continue;
            const key = propertyNameText(el.propertyName) ?? el.name.text;
            const client = el.dotDotDotToken ? undefined : context ? this.honoVars.get(key) : object?.get(key);
            found.set(el.name.text, client ?? null);
          }
        }
        return;
      }
      // Variables are declared in statements, blocks and clauses only: expressions (and the functions and classes in
      // them, whose variables are their own) are not entered.
      if ((k >= ts.SyntaxKind.FirstStatement && k <= ts.SyntaxKind.LastStatement) || DECLARATION_HOLDERS.has(k)) ts.forEachChild(n, visit);
    };
    if (fn.body) ts.forEachChild(fn.body, visit);
    return found;
  }

  /**
   * `c.var.db` or `c.get('db')` in a Hono module, `c` the first parameter of the function that declares it: the client
   * the workspace's middleware sets under that key (see contextClients).
   */
  private honoVar(e: ts.Expression, from: ts.Node | undefined): ContextClient | undefined {
    if (!this.info.hono || !this.honoVars.size) return undefined;
    if (ts.isPropertyAccessExpression(e)) {
      const holder = unwrap(e.expression);
      if (!ts.isPropertyAccessExpression(holder) || holder.name.text !== 'var') return undefined;
      return this.isHonoContext(holder.expression, from) ? this.honoVars.get(e.name.text) : undefined;
    }
    if (!ts.isCallExpression(e) || e.arguments.length !== 1) return undefined;
    const callee = unwrap(e.expression);
    const key = literalKey(e.arguments[0]);
    if (key === undefined || !ts.isPropertyAccessExpression(callee) || callee.name.text !== 'get') return undefined;
    return this.isHonoContext(callee.expression, from) ? this.honoVars.get(key) : undefined;
  }

  /** The expression names the first parameter of the innermost function around `from` that declares that name. */
  private isHonoContext(expr: ts.Expression, from: ts.Node | undefined): boolean {
    const id = unwrap(expr);
    if (!ts.isIdentifier(id)) return false;
    for (let n: ts.Node | undefined = from; n; n = n.parent) {
      if (!isFunctionNode(n)) continue;
      const index = n.parameters.findIndex((p) => ts.isIdentifier(p.name) && p.name.text === id.text);
      if (index >= 0) {
        // Untyped (`async (c) => …`) or typed as Hono's context (`c: Context<Env>`), not a `Map` of the same name.
        const type = n.parameters[index]!.type;
        const typeName = type && ts.isTypeReferenceNode(type) ? (ts.isIdentifier(type.typeName) ? type.typeName.text : type.typeName.right.text) : undefined;
        return index === 0 && (!type || typeName === 'Context');
      }
      if (n.parameters.some((p) => !ts.isIdentifier(p.name) && bindsName(p.name, id.text))) return false;
    }
    return false;
  }

  /** `dbm.createDb` (see namespaceCallee) of a module exporting a function that returns an object of clients. */
  private namespaceObjectFactory(callee: string): Map<string, { orm: Orm; driver?: string }> | undefined {
    const dot = callee.indexOf('.');
    const imp = dot > 0 ? this.info.imports.get(callee.slice(0, dot)) : undefined;
    if (imp?.imported !== '*' || !imp.file) return undefined;
    return this.byFile.get(imp.file)?.objectFactoryExports.get(callee.slice(dot + 1));
  }

  /** `dbm.getDb(env)` (also awaited) with `import * as dbm from '@/db'` exporting a client factory: the client it makes. */
  private namespaceFactoryCall(init: ts.Expression): { orm: Orm; driver?: string } | undefined {
    return firstOfValues(init, (e) => {
      if (!ts.isCallExpression(e)) return undefined;
      const callee = unwrap(e.expression);
      if (!ts.isPropertyAccessExpression(callee) || !ts.isIdentifier(callee.expression)) return undefined;
      const imp = this.info.imports.get(callee.expression.text);
      if (imp?.imported !== '*' || !imp.file) return undefined;
      const factory = this.byFile.get(imp.file)?.factoryExports.get(callee.name.text);
      return factory && { orm: factory.orm, driver: factory.orm === 'drizzle' ? factory.driver : undefined };
    });
  }

  /**
   * The ORM of `<ctx>.<member>` when `<ctx>` is the `ctx` a tRPC resolver destructures from its options
   * (`.mutation(async ({ ctx, input }) => …)`) and the member names the database (`db`, `prisma`, `drizzle`),
   * taken from the workspace's clients: the context is built from them (`createTRPCContext` returns `{ db }`).
   * A workspace with clients of both ORMs is read by the member's name only (`prisma`, `drizzle`).
   */
  private procedureContextOrm(ident: ts.Identifier, member: string): Orm | undefined {
    const orm = this.contextMemberOrm(member);
    if (!orm) return undefined;
    for (let n: ts.Node | undefined = this.current; n; n = n.parent) {
      if (!isFunctionNode(n)) continue;
      for (const p of n.parameters) {
        if (ts.isIdentifier(p.name)) {
          if (p.name.text === ident.text) return undefined; // a parameter of its own, not a resolver's context
          continue;
        }
        if (!ts.isObjectBindingPattern(p.name)) continue;
        const el = p.name.elements.find((b) => ts.isIdentifier(b.name) && b.name.text === ident.text);
        if (!el) continue;
        if ((propertyNameText(el.propertyName) ?? ident.text) !== 'ctx' || el.dotDotDotToken) return undefined;
        return isResolverCallback(n) ? orm : undefined;
      }
    }
    return undefined;
  }

  /**
   * `expr` is the context of the tRPC resolver `fn`: `ctx` it destructures from its options (`async ({ ctx }) => …`),
   * or `opts.ctx` of its options parameter (`async (opts) => …`).
   */
  private isResolverContext(expr: ts.Expression, fn: FunctionNode): boolean {
    if (!isResolverCallback(fn)) return false;
    const e = unwrap(expr);
    const first = fn.parameters[0];
    if (!first) return false;
    if (ts.isIdentifier(e) && ts.isObjectBindingPattern(first.name)) {
      return first.name.elements.some(
        (el) => !el.dotDotDotToken && ts.isIdentifier(el.name) && el.name.text === e.text && (propertyNameText(el.propertyName) ?? e.text) === 'ctx',
      );
    }
    if (ts.isPropertyAccessExpression(e) && e.name.text === 'ctx' && ts.isIdentifier(first.name)) {
      const owner = unwrap(e.expression);
      return ts.isIdentifier(owner) && owner.text === first.name.text;
    }
    return false;
  }

  /** `ctx.db` (or `opts.ctx.db`) of the tRPC resolver `fn`, kept in a variable: the client its context holds. */
  private resolverContextMember(expr: ts.Expression, fn: FunctionNode): { orm: Orm } | undefined {
    const e = unwrap(expr);
    if (!ts.isPropertyAccessExpression(e) || !this.isResolverContext(e.expression, fn)) return undefined;
    const orm = this.contextMemberOrm(e.name.text);
    return orm ? { orm } : undefined;
  }

  /** The innermost function around the current call with a parameter named `name` (not destructured). */
  private parameterOwner(name: string): FunctionNode | undefined {
    for (let n: ts.Node | undefined = this.current; n; n = n.parent) {
      if (isFunctionNode(n) && n.parameters.some((p) => ts.isIdentifier(p.name) && p.name.text === name)) return n;
    }
    return undefined;
  }

  /** The ORM of the context member `member` (`db`, `prisma`) from the workspace's clients. */
  private contextMemberOrm(member: string): Orm | undefined {
    if (!CONTEXT_CLIENT_MEMBERS.has(member) || !this.workspaceOrms.size) return undefined;
    const byName: Orm | undefined = member === 'prisma' ? 'prisma' : member === 'drizzle' ? 'drizzle' : undefined;
    const orm = byName ?? (this.workspaceOrms.size === 1 ? [...this.workspaceOrms][0] : undefined);
    return orm && this.workspaceOrms.has(orm) ? orm : undefined;
  }

  /** A client destructured from a resolver's context (`{ ctx: { db } }`): the name as written. */
  private contextRef(member: string, e: ts.Identifier): ClientRef | undefined {
    const orm = this.contextMemberOrm(member);
    return orm ? { orm, node: e, text: e.text } : undefined;
  }

  private classOf(node: ts.Node): ts.ClassLikeDeclaration | undefined {
    for (let n: ts.Node | undefined = node.parent; n; n = n.parent) {
      if (ts.isClassDeclaration(n) || ts.isClassExpression(n)) return n;
      if (ts.isFunctionDeclaration(n) || ts.isFunctionExpression(n)) return undefined; // `this` rebinds
    }
    return undefined;
  }

  private clientMembers(cls: ts.ClassLikeDeclaration): Map<string, { orm: Orm; driver?: string }> {
    let members = this.classClients.get(cls);
    if (members) return members;
    members = new Map();
    const member = (orm: Orm, driver: string | undefined) => ({ orm, driver: orm === 'drizzle' ? driver : undefined });
    for (const m of cls.members) {
      if (ts.isPropertyDeclaration(m)) {
        const name = propertyNameText(m.name);
        if (!name) continue;
        const orm =
          clientTypeOrm(m.type, this.info) ??
          (m.initializer ? newClientOrm(m.initializer, this.info) ?? aliasOrm(m.initializer, this.info.clients) : undefined);
        const driver =
          typeDriver(m.type, this.info) ??
          (m.initializer ? clientDriver(m.initializer, this.info) ?? aliasDriver(m.initializer, this.info) : undefined);
        if (orm) members.set(name, member(orm, driver));
      } else if (ts.isConstructorDeclaration(m)) {
        for (const p of m.parameters) {
          if (!ts.isIdentifier(p.name)) continue;
          const orm = clientTypeOrm(p.type, this.info);
          if (!orm) continue;
          const found = member(orm, typeDriver(p.type, this.info));
          const isProperty = (ts.getModifiers(p) ?? []).some((mod) =>
            [ts.SyntaxKind.PrivateKeyword, ts.SyntaxKind.PublicKeyword, ts.SyntaxKind.ProtectedKeyword, ts.SyntaxKind.ReadonlyKeyword].includes(mod.kind),
          );
          if (isProperty) members.set(p.name.text, found);
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
              members.set(st.expression.left.name.text, found);
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
    this.current = call;
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
        const cls = this.classOf(call);
        if (cls?.name) this.candidates.push({ node: call, callee: method, kind: 'this', target: cls.name.text });
      } else if (ts.isPropertyAccessExpression(target) && unwrap(target.expression).kind === ts.SyntaxKind.ThisKeyword) {
        // this.<member>.<method>(…): a member holding an instance of a workspace class (NestJS injection).
        const cls = this.classOf(call);
        const memberClass = cls ? memberClassName(cls, target.name.text) : undefined;
        if (memberClass) this.candidates.push({ node: call, callee: `this.${target.name.text}.${method}`, kind: 'member', target: memberClass });
      } else if (ts.isIdentifier(target)) {
        const imp = this.info.imports.get(target.text);
        if (imp?.imported === '*' && imp.file) this.candidates.push({ node: call, callee: method, kind: 'namespace', target: imp.file });
        else if (imp?.file || this.info.instances.has(target.text)) {
          this.candidates.push({ node: call, callee: method, kind: 'instance', target: target.text });
        }
      }
    } else if (ts.isIdentifier(callee)) {
      const name = callee.text;
      if (this.info.functions.has(name) || this.info.imports.get(name)?.file) this.candidates.push({ node: call, callee: name, kind: 'function' });
    }
  }

  private onTagged(node: ts.TaggedTemplateExpression): void {
    this.current = node;
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
    // Drizzle's nested `tx.transaction(async (sp) => …)` is a savepoint of the enclosing transaction: its writes
    // commit with that transaction. Its callback joins the enclosing scope, with `sp` as the client's name there
    // (the enclosing transaction's client stays a transaction client inside it).
    const enclosing = ts.isArrowFunction(arg) || ts.isFunctionExpression(arg) ? this.transactionOf(call) : undefined;
    if (enclosing && (ts.isArrowFunction(arg) || ts.isFunctionExpression(arg)) && this.isTxParam(client, enclosing)) {
      const p = arg.parameters[0];
      const savepoint: TransactionScope = { ...enclosing, callbackParam: p && ts.isIdentifier(p.name) ? p.name.text : enclosing.callbackParam };
      const params = new Set(this.savepointParams.get(enclosing) ?? []);
      if (enclosing.callbackParam) params.add(enclosing.callbackParam);
      this.savepointParams.set(savepoint, params);
      this.txCallbacks.set(arg, savepoint);
      this.txCalls.add(call);
      return;
    }
    /** The callback form: the function's first parameter is the transaction's client, its body the scope. */
    const callbackScope = (fn: ts.FunctionLikeDeclaration, body: ts.Node): TransactionScope => {
      const p = fn.parameters[0];
      return {
        orm: client.orm,
        client: client.text,
        callbackParam: p && ts.isIdentifier(p.name) ? p.name.text : undefined,
        form: 'callback',
        range: nodeLoc(this.sf, body),
        callLoc: nodeLoc(this.sf, outer),
      };
    };
    if (ts.isArrowFunction(arg) || ts.isFunctionExpression(arg)) {
      scope = callbackScope(arg, arg.body);
      this.txCallbacks.set(arg, scope);
    } else if (ts.isArrayLiteralExpression(arg)) {
      scope = { orm: client.orm, client: client.text, form: 'array', range: nodeLoc(this.sf, arg), callLoc: nodeLoc(this.sf, outer) };
      this.txArrays.set(arg, scope);
      // `db.batch([q1, q2])`, `$transaction([...ops, prisma.x.create()])`: the variables it runs.
      const variables = new Set<string>();
      for (const el of arg.elements) {
        const e = unwrap(ts.isSpreadElement(el) ? el.expression : el);
        if (ts.isIdentifier(e)) variables.add(e.text);
      }
      if (variables.size) this.batches.set(call, { scope, variables });
    } else if (ts.isIdentifier(arg) && this.moduleFunction(arg.text) && calleeMethodName(call) !== 'batch') {
      // `prisma.$transaction(transfer)` / `db.transaction(settle)`: a function of the module is the callback.
      const fn = this.moduleFunction(arg.text)!;
      scope = callbackScope(fn, fn.body ?? fn);
      this.txCallbacks.set(fn, scope);
      // Its calls already walked (the function comes first in the file) are settled after the walk.
      this.namedCallbacks.push([fn, scope]);
    } else if (calleeMethodName(call) !== 'transaction') {
      // `$transaction(ops)` / `db.batch(queries)`: a list built elsewhere (a variable, `ids.map(…)`).
      scope = { orm: client.orm, client: client.text, form: 'array', range: nodeLoc(this.sf, arg), callLoc: nodeLoc(this.sf, outer) };
      this.batches.set(call, { scope, variables: ts.isIdentifier(arg) ? new Set([arg.text]) : new Set() });
    } else return;
    const host = this.enclosingFunction(outer);
    scope.host = { name: host.name, functionLoc: host.loc };
    // Two transactions in arms that exclude each other (or one in an arm that returns) never run together.
    const branches = this.branchesOf(outer);
    if (branches.length) scope.branchPath = branches;
    this.txCalls.add(call);
    this.transactions.push(scope);
  }

  /** A top-level function of the module by name: `function transfer(…) {…}` or `const settle = async (…) => …`. */
  private moduleFunction(name: string): FunctionNode | undefined {
    for (const st of this.sf.statements) {
      if (ts.isFunctionDeclaration(st) && st.name?.text === name && st.body) return st;
      if (!ts.isVariableStatement(st) || !(st.declarationList.flags & ts.NodeFlags.Const)) continue;
      for (const d of st.declarationList.declarations) {
        if (!ts.isIdentifier(d.name) || d.name.text !== name || !d.initializer) continue;
        const init = unwrap(d.initializer);
        if (ts.isArrowFunction(init) || ts.isFunctionExpression(init)) return init;
      }
    }
    return undefined;
  }

  /** The calls in a function given to a transaction by name run in it (those walked before the transaction call). */
  private attachNamedCallback(fn: FunctionNode, scope: TransactionScope): void {
    for (const [node, call] of this.callNodes) {
      if (call.transaction || node.pos < fn.pos || node.end > fn.end) continue;
      call.transaction = scope;
      if (scope.callbackParam && call.client === scope.callbackParam) call.viaTransactionClient = true;
    }
  }

  /**
   * Writes not awaited where they are made, whose promise is kept for a batch of the same function:
   * `const q1 = db.delete(…)` … `db.batch([q1, q2])`; `ops.push(prisma.user.update(…))` …
   * `prisma.$transaction(ops)`; `db.batch(ids.map((id) => db.delete(…)))`. They run in that batch's transaction.
   */
  private attachKeptWrites(): void {
    for (const [node, call] of this.callNodes) {
      if (call.transaction || call.awaited) continue;
      const flow = this.keptIn(node);
      if (!flow) continue;
      let batch = flow.batch ? this.batches.get(flow.batch) : undefined;
      if (!batch && flow.variable) {
        const owner = ownerFunction(node);
        for (const [batchCall, b] of this.batches) {
          if (b.variables.has(flow.variable) && ownerFunction(batchCall) === owner) {
            batch = b;
            break;
          }
        }
      }
      if (!batch) continue;
      call.transaction = batch.scope;
      call.viaTransactionClient = false;
    }
  }

  /** Where a promise that is not awaited goes: the batch call it is an argument of, or the variable it is kept in. */
  private keptIn(node: ts.Node): { batch?: ts.CallExpression; variable?: string } | undefined {
    let n = climbWrappers(node);
    for (let depth = 0; depth < 8; depth++) {
      const p = n.parent;
      if (!p) return undefined;
      if (ts.isArrayLiteralExpression(p) || ts.isSpreadElement(p)) {
        n = climbWrappers(p);
        continue;
      }
      // ids.map((id) => db.delete(…)): the list of promises the map returns.
      if ((ts.isArrowFunction(p) && p.body === n) || (ts.isReturnStatement(p) && p.expression === n)) {
        const fn = ts.isArrowFunction(p) ? p : findFunction(p);
        const holder = fn && isInlineCallback(fn) ? callOfCallback(fn) : undefined;
        const method = holder ? calleeMethodName(holder) : undefined;
        if (!holder || (method !== 'map' && method !== 'flatMap')) return undefined;
        n = climbWrappers(holder);
        continue;
      }
      if (ts.isCallExpression(p) && p.expression !== n) {
        if (this.batches.has(p)) return { batch: p };
        const method = calleeMethodName(p);
        const target = ts.isPropertyAccessExpression(p.expression) ? unwrap(p.expression.expression) : undefined;
        if ((method === 'push' || method === 'unshift') && target && ts.isIdentifier(target)) return { variable: target.text };
        return undefined;
      }
      if (ts.isVariableDeclaration(p) && p.initializer === n && ts.isIdentifier(p.name)) return { variable: p.name.text };
      if (ts.isBinaryExpression(p) && p.right === n && p.operatorToken.kind === ts.SyntaxKind.EqualsToken) {
        const left = unwrap(p.left);
        return ts.isIdentifier(left) ? { variable: left.text } : undefined;
      }
      return undefined;
    }
    return undefined;
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
    if (!call.awaited && this.isReturned(outer)) call.returned = true;
    if (call.awaited && fn.node) {
      const mapped = awaitedMapOf(fn.node);
      if (mapped) {
        const host = this.enclosingFunction(mapped);
        call.host = { name: host.name, functionLoc: host.loc };
      }
    }
    if (!call.host && fn.node) {
      const chained = this.chainHost(outer, fn.node);
      if (chained) {
        call.host = { name: chained.host.name, functionLoc: chained.host.loc };
        if (!call.awaited && chained.returned) call.returned = true;
      }
    }
    if (client.driver) call.driver = client.driver;
    const loop = this.loopOf(outer);
    if (loop) call.loop = loop.fact;
    if (tx) {
      call.transaction = tx;
      call.viaTransactionClient = tx.form === 'callback' && this.isTxParam(client, tx);
    } else if (client.transactionClient) {
      // A helper that receives the caller's transaction (`createAudit(tx: Prisma.TransactionClient)`).
      call.viaTransactionClient = true;
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
        if (where && ts.isObjectLiteralExpression(where)) {
          call.filterColumns = prismaWhereColumns(where);
          if (prismaWhereHasIn(where)) call.filterByList = true;
          if (!where.properties.length) call.emptyWhere = true;
        }
        if (where) this.addFilterTerms(call, outer, () => prismaFilterTerms(where), !ts.isObjectLiteralExpression(where));
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
          // `where: (fields, ops) => …` or the method form `where(fields, ops) { return … }`.
          const where = drizzleQueryOption(arg, 'where');
          if (where) {
            call.filterColumns = drizzleColumns(where);
            if (drizzleHasInArray(where)) call.filterByList = true;
            this.addFilterTerms(call, outer, () => drizzleFilterTerms(where), true);
            if (loop?.variable && !ts.isMethodDeclaration(where)) {
              const key = drizzleLoopKey(ts.isArrowFunction(where) && !ts.isBlock(where.body) ? where.body : where, loop.variable);
              if (key) call.loopKey = key;
            }
          }
          const orderBy = drizzleQueryOption(arg, 'orderBy');
          if (orderBy) call.orderColumns = drizzleColumns(orderBy);
        }
      } else {
        call.chain = chain ?? [];
        const parts = chainCalls(outer);
        const tableArg = (c: ts.CallExpression | undefined) => (c?.arguments[0] ? tableName(c.arguments[0]) : undefined);
        if (operation === 'select') {
          call.model = tableArg(parts.get('from'));
          const fields = ts.isCallExpression(root) && root.arguments[0] ? unwrap(root.arguments[0]) : undefined;
          if (fields && ts.isObjectLiteralExpression(fields) && isAggregateSelection(fields, this.info.drizzleImports)) call.aggregate = true;
        }
        else if (operation !== 'execute' && operation !== '$count') call.model = ts.isCallExpression(root) ? tableArg(root) : undefined;
        else if (operation === '$count') call.model = ts.isCallExpression(root) ? tableArg(root) : undefined;
        if (call.model === undefined) delete call.model;
        const where = parts.get('where');
        if (where?.arguments[0]) {
          call.filterColumns = drizzleColumns(where.arguments[0]);
          if (drizzleHasInArray(where.arguments[0])) call.filterByList = true;
          const filter = where.arguments[0];
          this.addFilterTerms(call, outer, () => drizzleFilterTerms(filter), true);
          if (loop?.variable) {
            const key = drizzleLoopKey(where.arguments[0], loop.variable);
            if (key) call.loopKey = key;
          }
        }
        const orderBy = parts.get('orderBy');
        if (orderBy) call.orderColumns = orderBy.arguments.flatMap((a) => drizzleColumns(a));
      }
    }
    if (kind === 'read') this.readsToFollow.push([call, outer]);
    this.calls.push(call);
    this.callNodes.push([outer, call]);
    this.dbNodes.add(outer);
    if (kind === 'write') {
      const owner = namedOwner(outer);
      if (owner) this.writeOwners.add(owner);
    }
  }

  /**
   * Records how the call filters (`filterTerms`). `followed`: the terms may come from variables the literal filter
   * names; the columns every run filters by then join `filterColumns`, and an `inArray`/`in` every run applies
   * bounds the rows (`filterByList`). Conditional terms change neither: they do not make the query a point lookup.
   */
  private addFilterTerms(call: DbCall, outer: ts.Node, read: () => FilterTerm[], followed: boolean): void {
    setParentsBelow(outer);
    const terms = read();
    if (!terms.length) return;
    call.filterTerms = terms;
    if (!followed) return;
    const columns = call.filterColumns ?? [];
    for (const t of terms) if (!t.conditional && !columns.includes(t.column)) columns.push(t.column);
    if (columns.length) call.filterColumns = columns;
    if (terms.some((t) => t.op === 'list' && !t.conditional)) call.filterByList = true;
  }

  private isTxParam(client: ClientRef, tx: TransactionScope): boolean {
    return (!!tx.callbackParam && client.text === tx.callbackParam) || !!this.savepointParams.get(tx)?.has(client.text);
  }

  // ---- context ----------------------------------------------------------------------------

  private readonly functionInfo = new Map<ts.Node, { name: string; loc: Loc; node?: FunctionNode }>();

  private enclosingFunction(node: ts.Node): { name: string; loc: Loc; node?: FunctionNode } {
    let n: ts.Node | undefined = node.parent;
    while (n && !isFunctionNode(n)) n = n.parent;
    const key = n ?? this.sf;
    let info = this.functionInfo.get(key);
    if (!info) {
      if (n && isFunctionNode(n)) {
        const fn = n;
        const name = functionName(fn, () => this.enclosingFunction(fn).name);
        info = { name, loc: nodeLoc(this.sf, fn.body ?? fn), node: fn };
      } else info = { name: '<module>', loc: locOf(this.sf, 0, this.sf.text.length) };
      this.functionInfo.set(key, info);
    }
    return info;
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
      // A helper declared in the enclosing function and called there runs where it is called: keep climbing.
      if (isFunctionNode(n) && !isInlineCallback(n) && !this.isLocalHelperCalled(n)) return undefined;
    }
    return undefined;
  }

  private readonly localHelpers = new Map<ts.Node, boolean>();

  /**
   * `const inner = async () => {…}` / `function inner() {…}` declared in a function (or a transaction
   * callback) and called by name in that function's body.
   */
  private isLocalHelperCalled(fn: FunctionNode): boolean {
    let known = this.localHelpers.get(fn);
    if (known !== undefined) return known;
    known = false;
    let name: string | undefined;
    let decl: ts.Node = fn;
    if (ts.isFunctionDeclaration(fn)) name = fn.name?.text;
    else if (ts.isArrowFunction(fn) || ts.isFunctionExpression(fn)) {
      const holder = climbWrappers(fn).parent;
      if (holder && ts.isVariableDeclaration(holder) && holder.initializer && unwrap(holder.initializer) === fn && ts.isIdentifier(holder.name)) {
        name = holder.name.text;
        decl = holder;
      }
    }
    const container = name ? findFunction(decl) : undefined;
    if (name && container?.body) {
      const visit = (n: ts.Node): boolean => {
        if (n === decl) return false;
        if (ts.isCallExpression(n) && ts.isIdentifier(n.expression) && n.expression.text === name) return true;
        return !!ts.forEachChild(n, (c) => (visit(c) ? true : undefined));
      };
      known = visit(container.body);
    }
    this.localHelpers.set(fn, known);
    return known;
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
          const combinator = method === 'forEach' ? undefined : combinatorOfMap(call);
          if (combinator && calleeMethodName(combinator) === 'allSettled') fact.settled = true;
          if (combinator && combinator !== climbWrappers(call).parent) fact.combinedAt = nodeLoc(this.sf, combinator);
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
        if (ts.isForStatement(n) && !walksList(n)) fact.rounds = true;
        if ((ts.isWhileStatement(n) || ts.isDoStatement(n)) && probesLoop(node, n)) fact.probe = true;
        const leaves = leavesLoopAfter(node, n as ts.IterationStatement);
        if (leaves) {
          fact.once = true;
          // Once per run of this loop is once per iteration of a loop around it (`for (const order of orders)
          // for (const item of order.items) if (…) { await db.update(…); break; }`): that loop repeats it. Not
          // after a `return` or `throw`, which leave every loop of the function.
          const outer = leaves === 'break' ? this.loopOf(n) : undefined;
          if (outer) return outer;
        }
        return { fact, variable };
      }
    }
    return undefined;
  }

  /** A rejection handler of the call's promise: `.catch(h)` or `.then(ok, h)`, on the call or after `.then/.finally` steps. */
  private promiseCatchOf(node: ts.Node): CatchClause | undefined {
    let n = climbWrappers(node);
    for (let depth = 0; depth < 8; depth++) {
      const pa = n.parent;
      if (!pa || !ts.isPropertyAccessExpression(pa) || pa.expression !== n) return undefined;
      const c = pa.parent;
      if (!c || !ts.isCallExpression(c) || c.expression !== pa) return undefined;
      const method = pa.name.text;
      if (method !== 'then' && method !== 'catch' && method !== 'finally') return undefined;
      const handler = method === 'catch' ? c.arguments[0] : method === 'then' ? c.arguments[1] : undefined;
      if (handler) return this.handlerClause(handler, valueDiscarded(c));
      n = climbWrappers(c);
    }
    return undefined;
  }

  /** `discarded`: nothing reads the value the handled chain settles with (see valueDiscarded). */
  private handlerClause(handler: ts.Expression, discarded = false): CatchClause {
    const loc = nodeLoc(this.sf, handler);
    const h = unwrap(handler);
    if (ts.isArrowFunction(h) || ts.isFunctionExpression(h)) {
      if (ts.isBlock(h.body) && !h.body.statements.length) return { loc, onlyLogs: true, empty: true };
      // `.catch(() => null)`: a placeholder result for the caller to check; when nothing reads it, the error is ignored.
      if (discarded && !ts.isBlock(h.body) && isPlaceholderValue(h.body)) return { loc, onlyLogs: true, empty: true };
      return { loc, onlyLogs: ts.isBlock(h.body) ? blockOnlyLogs(h.body) : exprOnlyLogs(h.body) };
    }
    return { loc, onlyLogs: isLoggingFunction(h) };
  }

  private catchOf(node: ts.Node): CatchClause | undefined {
    // promise.catch(cb), also after .then(…) steps
    const handled = this.promiseCatchOf(node);
    if (handled) return handled;
    let child: ts.Node = node;
    for (let n: ts.Node | undefined = node.parent; n; child = n, n = n.parent) {
      if (isFunctionNode(n)) {
        if (this.isTransparent(n)) continue;
        const call = isInlineCallback(n) ? callOfCallback(n) : undefined;
        if (call && calleeMethodName(call) === 'map') {
          // `Promise.allSettled(xs.map(…))` never rejects: each failure is a result, swallowed when nothing inspects them.
          const combinator = combinatorOfMap(call);
          if (combinator && calleeMethodName(combinator) === 'allSettled') {
            return settledResultsIgnored(combinator) ? { loc: nodeLoc(this.sf, combinator), onlyLogs: true, empty: true } : undefined;
          }
          continue; // Promise.all(xs.map(…)) rejects into the try
        }
        return undefined;
      }
      if (ts.isTryStatement(n) && child === n.tryBlock && n.catchClause) {
        const block = n.catchClause.block;
        return block.statements.length
          ? { loc: nodeLoc(this.sf, n.catchClause), onlyLogs: blockOnlyLogs(block) }
          : { loc: nodeLoc(this.sf, n.catchClause), onlyLogs: true, empty: true };
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
        // Cases that fall through into each other run together: they form one arm, from the first clause that
        // runs on into this one to the clause that ends the run.
        const clauses = n.parent.clauses;
        let first = clauses.indexOf(n);
        while (first > 0 && fallsThrough(clauses[first - 1])) first--;
        let last = clauses.indexOf(n);
        while (last < clauses.length - 1 && fallsThrough(clauses[last])) last++;
        const arm = locOf(this.sf, clauses[first].getStart(this.sf), clauses[last].getEnd());
        out.push({ statement: nodeLoc(this.sf, sw), arm, exits: statementsExit(clauses[last].statements) });
      } else if (ts.isConditionalExpression(n) && (child === n.whenTrue || child === n.whenFalse)) {
        out.push({ statement: nodeLoc(this.sf, n), arm: nodeLoc(this.sf, child), exits: false });
      }
    }
    return out.reverse();
  }

  private isAwaited(node: ts.Node, depth = 0): boolean {
    if (depth > 6) return false;
    const n = outermostOfChain(node);
    const p = n.parent;
    if (!p) return false;
    if (ts.isAwaitExpression(p)) return true;
    // Promise.all(xs.map(async (x) => prisma.…)): the callback's promise is awaited with the others.
    if ((ts.isArrowFunction(p) && p.body === n) || (ts.isReturnStatement(p) && p.expression === n)) {
      const fn = ts.isArrowFunction(p) ? p : findFunction(p);
      const call = fn && isInlineCallback(fn) ? callOfCallback(fn) : undefined;
      if (call && calleeMethodName(call) === 'map') {
        const combinator = combinatorOfMap(call);
        if (combinator) return this.isAwaited(combinator, depth + 1);
      }
      // `await q.then((u) => prisma.…)`: the chain settles with the callback's promise.
      const then = fn ? thenCallOf(fn) ?? this.retryCallOf(fn) ?? this.plainCatchOf(fn) : undefined;
      if (then) return this.isAwaited(then, depth + 1);
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

  /**
   * A call the `.then(cb)` callback it is made in settles (awaits it, or returns it: an arrow's body, a
   * `return`), on a chain its function awaits or returns (`return prisma.user.create(…).then((u) =>
   * prisma.account.create(…))`): the call is part of that function's work, which is its host (through
   * `.then` callbacks nested in one another). `returned`: the host returns the chain rather than awaiting it.
   */
  private chainHost(node: ts.Node, fn: FunctionNode): { host: { name: string; loc: Loc }; returned: boolean } | undefined {
    let settledBy: FunctionNode | undefined = fn;
    const n = outermostOfChain(node);
    const p = n.parent;
    const settled =
      !!p && (ts.isAwaitExpression(p) || (ts.isArrowFunction(p) && p.body === n) || (ts.isReturnStatement(p) && p.expression === n && findFunction(p) === fn));
    if (!settled) return undefined;
    for (let depth = 0; depth < 6 && settledBy; depth++) {
      const then = thenCallOf(settledBy) ?? this.retryCallOf(settledBy) ?? this.plainCatchOf(settledBy);
      if (!then) return undefined;
      const host = this.enclosingFunction(then);
      if (this.isAwaited(then)) return { host, returned: false };
      if (this.isReturned(then)) return { host, returned: true };
      // `.then(…)` returned by (or the body of) an outer `.then` callback: climb to its chain.
      const outerChain = outermostOfChain(then);
      const q = outerChain.parent;
      const returnedByCallback = !!q && ((ts.isArrowFunction(q) && q.body === outerChain) || (ts.isReturnStatement(q) && q.expression === outerChain && findFunction(q) === host.node));
      if (!returnedByCallback || !host.node) return undefined;
      settledBy = host.node;
    }
    return undefined;
  }

  /**
   * The call of a retry helper `fn` is given to (`withRetry(() => prisma.payment.update(…))`), which runs it until it
   * succeeds or gives up: a function of this file that calls that parameter; `p-retry`, `async-retry`, or
   * `exponential-backoff`'s `backOff` (the first argument); or an imported function named like one (`withRetry`,
   * `retry`, `retryOnConflict`, first argument): the walk sees one file, not the body of another module's function.
   */
  private retryCallOf(fn: FunctionNode): ts.CallExpression | undefined {
    if (!isInlineCallback(fn)) return undefined;
    const call = callOfCallback(fn);
    if (!call) return undefined;
    const callee = unwrap(call.expression);
    if (!ts.isIdentifier(callee)) return undefined;
    const index = call.arguments.findIndex((a) => unwrap(a) === fn);
    if (index < 0) return undefined;
    const imp = this.info.imports.get(callee.text);
    if (imp) {
      if (index !== 0) return undefined;
      const known = RETRY_PACKAGES[imp.specifier];
      if (known) return known === imp.imported ? call : undefined;
      return imp.imported !== '*' && /retry/i.test(imp.imported === 'default' ? callee.text : imp.imported) ? call : undefined;
    }
    return this.callsParameter(callee.text, index) ? call : undefined;
  }

  /**
   * The `.catch(fn)` call whose rejection handler `fn` is, when the chain it handles makes no
   * database call and calls no workspace function (which might write): `await chargeCard(id).catch(() =>
   * prisma.order.update(…))`. Its writes are the function's, as in the `catch` of a `try` around that call. The
   * handler of a write is left alone: it runs only when that write failed.
   */
  private plainCatchOf(fn: FunctionNode): ts.CallExpression | undefined {
    if (!isInlineCallback(fn)) return undefined;
    const call = callOfCallback(fn);
    const callee = call && unwrap(call.expression);
    if (!call || !callee || !ts.isPropertyAccessExpression(callee)) return undefined;
    // (`.then(ok, onError)` is left alone: `ok`, hosted too, runs on the other outcome, never with the handler.)
    if (callee.name.text !== 'catch' || !call.arguments[0] || unwrap(call.arguments[0]) !== fn) return undefined;
    const receiver = callee.expression;
    const inside = (n: ts.Node) => n.pos >= receiver.pos && n.end <= receiver.end;
    if (this.callNodes.some(([n]) => inside(n)) || this.candidates.some((c) => inside(c.node))) return undefined;
    // Transactions in the chain, and calls the walk has not recorded (a method of a client it cannot see): none.
    let calls = false;
    const visit = (n: ts.Node): void => {
      if (calls || isFunctionNode(n)) return;
      if (ts.isCallExpression(n) && this.txCalls.has(n)) calls = true;
      else ts.forEachChild(n, visit);
    };
    visit(receiver);
    return calls ? undefined : call;
  }

  private readonly parameterCalls = new Map<string, boolean>();

  /** A top-level function of this file named `name` calls its parameter at `index` (`return await fn()`). */
  private callsParameter(name: string, index: number): boolean {
    const key = `${name}#${index}`;
    const known = this.parameterCalls.get(key);
    if (known !== undefined) return known;
    let found = false;
    const fn = topLevelFunction(this.sf, name);
    const p = fn?.parameters[index];
    if (fn?.body && p && !p.dotDotDotToken && ts.isIdentifier(p.name)) {
      const param = p.name.text;
      let budget = 5000;
      const visit = (n: ts.Node): void => {
        if (found || --budget < 0) return;
        // A nested function that declares the name as its own parameter calls something else.
        if (isFunctionNode(n) && n.parameters.some((q) => ts.isIdentifier(q.name) && q.name.text === param)) return;
        if (ts.isCallExpression(n) && ts.isIdentifier(unwrap(n.expression)) && (unwrap(n.expression) as ts.Identifier).text === param) {
          found = true;
          return;
        }
        ts.forEachChild(n, visit);
      };
      ts.forEachChild(fn.body, visit);
    }
    this.parameterCalls.set(key, found);
    return found;
  }

  /** `return <call>` (through `.then/.catch`) or an arrow's body, in a function that is not an inline callback. */
  private isReturned(node: ts.Node): boolean {
    const n = outermostOfChain(node);
    const p = n.parent;
    if (!p) return false;
    const fn = ts.isArrowFunction(p) && p.body === n ? p : ts.isReturnStatement(p) && p.expression === n ? findFunction(p) : undefined;
    return !!fn && !isInlineCallback(fn);
  }

  /**
   * `const rows = await q; rows.filter((r) => r.x …)` and `(await q).filter(…)`; also the lookups that are filters
   * keeping one row or answering whether one exists (`rows.find(…)`, `findLast`, `some`).
   */
  private inMemoryFilters(node: ts.Node): { loc: Loc; fields: string[] }[] {
    const out: { loc: Loc; fields: string[] }[] = [];
    let n = climbWrappers(node);
    if (n.parent && ts.isAwaitExpression(n.parent)) n = climbWrappers(n.parent);
    const p = n.parent;
    const filterCall = (pa: ts.Node): ts.CallExpression | undefined => {
      if (!ts.isPropertyAccessExpression(pa) || !FILTER_METHODS.has(pa.name.text)) return undefined;
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

  /** Every call that may be a call of a workspace function that writes, with its facts; resolved later. */
  private pendingWritingCalls(): Map<ts.Node, PendingWritingCall> {
    const out = new Map<ts.Node, PendingWritingCall>();
    for (const cand of this.candidates) {
      const node = cand.node;
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
      const p: PendingWritingCall = { call: wc, kind: cand.kind, callee: cand.callee };
      if (cand.target) p.target = cand.target;
      out.set(node, p);
    }
    return out;
  }

  /** Awaits of non-database work in functions that may write; pending writing calls inside are noted. */
  private awaitFacts(pending: Map<ts.Node, PendingWritingCall>, writeFunctionKeys: Set<string>): FileFacts['awaits'] {
    const out: FileFacts['awaits'] = [];
    if (!writeFunctionKeys.size) return out;
    const index = new Map<ts.Node, number>();
    [...pending.keys()].forEach((n, i) => index.set(n, i));
    for (const aw of this.awaits) {
      const fn = this.enclosingFunction(aw);
      if (!writeFunctionKeys.has(locKey(fn.loc))) continue;
      let database = false;
      const candidates: number[] = [];
      const visit = (n: ts.Node): void => {
        if (database) return;
        // `await chargeCard(id).catch(() => prisma.order.update(…))`: the handler's write does not make the HTTP call database work.
        if (isFunctionNode(n) && this.plainCatchOf(n)) return;
        if (this.dbNodes.has(n) || this.txCalls.has(n)) {
          database = true;
          return;
        }
        const i = index.get(n);
        if (i !== undefined) candidates.push(i);
        ts.forEachChild(n, visit);
      };
      visit(aw.expression);
      if (database) continue;
      out.push({ await: { expression: shortText(this.sf, aw.expression), loc: nodeLoc(this.sf, aw), functionLoc: fn.loc }, candidates });
    }
    return out;
  }
}

/** `null`, `undefined`, `false`, `void …`: what a `.catch(() => …)` handler gives the caller to check instead of the error. */
function isPlaceholderValue(body: ts.ConciseBody): boolean {
  const e = unwrap(body as ts.Expression);
  return (
    e.kind === ts.SyntaxKind.NullKeyword ||
    e.kind === ts.SyntaxKind.FalseKeyword ||
    ts.isVoidExpression(e) ||
    (ts.isIdentifier(e) && e.text === 'undefined')
  );
}

/** The value of `call` (a promise chain step) is thrown away: the chain, awaited or voided or not, is a statement of its own. */
function valueDiscarded(call: ts.CallExpression): boolean {
  let n: ts.Node = climbWrappers(call);
  if (n.parent && (ts.isAwaitExpression(n.parent) || ts.isVoidExpression(n.parent))) n = climbWrappers(n.parent);
  return !!n.parent && ts.isExpressionStatement(n.parent);
}

/**
 * Nothing inspects what `Promise.allSettled(…)` settles with: its value is discarded (a statement of its own, awaited
 * or voided), or kept in a `const`/`let` that is never read after (a `.length` read counts the attempts, not the
 * failures). Any other read (`results.filter((r) => r.status === 'rejected')`, a loop, `return results`, passing it on)
 * inspects them.
 */
function settledResultsIgnored(combinator: ts.CallExpression): boolean {
  if (valueDiscarded(combinator)) return true;
  let n: ts.Node = climbWrappers(combinator);
  if (n.parent && ts.isAwaitExpression(n.parent)) n = climbWrappers(n.parent);
  const decl = n.parent;
  if (!decl || !ts.isVariableDeclaration(decl) || decl.initializer !== n || !ts.isIdentifier(decl.name)) return false;
  const name = decl.name.text;
  const body = findFunction(decl)?.body ?? decl.getSourceFile();
  // The walk has not reached the statements after this one yet: their parent pointers are set here.
  setParentsBelow(body);
  let read = false;
  const visit = (x: ts.Node): void => {
    if (read) return;
    if (ts.isIdentifier(x) && x.text === name && x !== decl.name && x.pos >= decl.end) {
      const ref = climbWrappers(x);
      const p = ref.parent;
      if (!(p && ts.isPropertyAccessExpression(p) && p.expression === ref && p.name.text === 'length')) read = true;
    }
    ts.forEachChild(x, visit);
  };
  visit(body);
  return !read;
}

/** Array methods that filter rows by a predicate: keeping some (`filter`), one (`find`, `findLast`), or testing (`some`). */
const FILTER_METHODS = new Set(['filter', 'find', 'findLast', 'some']);

/**
 * A `for (;;)` loop that walks a list: its condition reads a `.length` (or `.size`), or its body indexes something
 * by its counter (`items[i]`). Otherwise its iterations are rounds (`for (;;)`, `attempt < 3`, `page <= pages`):
 * retrying, paging or polling, like a `while`.
 */
function walksList(loop: ts.ForStatement): boolean {
  if (!loop.condition) return false;
  const counters = new Set<string>();
  const init = loop.initializer;
  if (init && ts.isVariableDeclarationList(init)) for (const d of init.declarations) if (ts.isIdentifier(d.name)) counters.add(d.name.text);
  const readsLength = (n: ts.Node): boolean =>
    (ts.isPropertyAccessExpression(n) && (n.name.text === 'length' || n.name.text === 'size')) || !!ts.forEachChild(n, (c) => (readsLength(c) ? true : undefined));
  if (readsLength(loop.condition)) return true;
  if (!counters.size) return true;
  const indexes = (n: ts.Node): boolean => {
    if (ts.isElementAccessExpression(n)) {
      const arg = unwrap(n.argumentExpression);
      if (ts.isIdentifier(arg) && counters.has(arg.text)) return true;
    }
    return !!ts.forEachChild(n, (c) => (indexes(c) ? true : undefined));
  };
  return indexes(loop.statement);
}

/**
 * The `while`/`do` loop's condition is the call's result: the call is in the condition (`while (await db.find(…))`),
 * or its awaited value is assigned to a variable the condition reads (`taken = await db.find(…)` … `while (taken)`).
 */
function probesLoop(node: ts.Node, loop: ts.WhileStatement | ts.DoStatement): boolean {
  const condition = loop.expression;
  if (node.pos >= condition.pos && node.end <= condition.end) return true;
  let value: ts.Node = node;
  while (
    value.parent &&
    (ts.isAwaitExpression(value.parent) || ts.isParenthesizedExpression(value.parent) || ts.isAsExpression(value.parent) || ts.isNonNullExpression(value.parent))
  ) {
    value = value.parent;
  }
  const assignment = value.parent;
  if (!assignment || !ts.isBinaryExpression(assignment) || assignment.right !== value) return false;
  if (assignment.operatorToken.kind !== ts.SyntaxKind.EqualsToken || !ts.isIdentifier(assignment.left)) return false;
  const name = assignment.left.text;
  const reads = (n: ts.Node): boolean => (ts.isIdentifier(n) && n.text === name) || !!ts.forEachChild(n, (c) => (reads(c) ? true : undefined));
  return reads(condition);
}

/**
 * The iteration always leaves `loop` after `node`: a `return` or `throw` holds it, or follows it in its
 * block (or a block around it, within the loop body): `exit`, it leaves the function too; or a `break` of that
 * loop does: `break`. It then runs at most once per run of the loop (`for (…) { if (match) { await db.update(…); break; } }`).
 */
function leavesLoopAfter(node: ts.Node, loop: ts.IterationStatement): 'break' | 'exit' | undefined {
  const label = ts.isLabeledStatement(loop.parent) ? loop.parent.label.text : undefined;
  // A plain `break` inside a switch case (or a block in one) leaves the switch, not the loop.
  const inSwitch = (from: ts.Node): boolean => {
    for (let n: ts.Node | undefined = from; n && n !== loop; n = n.parent) if (ts.isCaseClause(n) || ts.isDefaultClause(n)) return true;
    return false;
  };
  let child: ts.Node = node;
  for (let n: ts.Node | undefined = node.parent; n && n !== loop; child = n, n = n.parent) {
    if (isFunctionNode(n)) return undefined;
    if (ts.isReturnStatement(n) || ts.isThrowStatement(n)) return 'exit';
    if (ts.isBlock(n) || ts.isCaseClause(n) || ts.isDefaultClause(n)) {
      const statements: readonly ts.Statement[] = n.statements;
      const i = statements.indexOf(child as ts.Statement);
      for (const st of i < 0 ? [] : statements.slice(i + 1)) {
        if (ts.isReturnStatement(st) || ts.isThrowStatement(st)) return 'exit';
        if (ts.isBreakStatement(st) && (st.label ? st.label.text === label : !inSwitch(n))) return 'break';
      }
    }
  }
  return undefined;
}

/** The whole promise chain a call starts (`x.then(…).catch(…).finally(…)`), through parentheses and casts. */
function outermostOfChain(node: ts.Node): ts.Node {
  let n = climbWrappers(node);
  while (n.parent && ts.isPropertyAccessExpression(n.parent) && ['then', 'catch', 'finally'].includes(n.parent.name.text)) {
    const c = n.parent.parent;
    if (!c || !ts.isCallExpression(c) || c.expression !== n.parent) break;
    n = climbWrappers(c);
  }
  return n;
}

/** A binding pattern declares `name`. */
function bindsName(pattern: ts.BindingName, name: string): boolean {
  if (ts.isIdentifier(pattern)) return pattern.text === name;
  return pattern.elements.some((el) => !ts.isOmittedExpression(el) && bindsName(el.name, name));
}

/** Retry packages whose function runs its first argument until it succeeds: specifier → the imported name. */
const RETRY_PACKAGES: Record<string, string> = {
  'p-retry': 'default',
  'async-retry': 'default',
  'exponential-backoff': 'backOff',
};

/** The `.then(…)` call whose fulfilment callback (first argument) `fn` is. */
function thenCallOf(fn: FunctionNode): ts.CallExpression | undefined {
  if (!isInlineCallback(fn)) return undefined;
  const call = callOfCallback(fn);
  if (!call || calleeMethodName(call) !== 'then' || !call.arguments[0] || unwrap(call.arguments[0]) !== fn) return undefined;
  return call;
}

/**
 * The `xs.map(…)` call whose inline callback `fn` is, when a promise combinator runs the callbacks' promises
 * (`Promise.all(xs.map(async (x) => …))`): the callbacks' work is part of the function that awaits them.
 */
function awaitedMapOf(fn: FunctionNode): ts.CallExpression | undefined {
  if (!isInlineCallback(fn)) return undefined;
  const call = callOfCallback(fn);
  if (!call || (calleeMethodName(call) !== 'map' && calleeMethodName(call) !== 'flatMap')) return undefined;
  return combinatorOfMap(call) ? call : undefined;
}

/**
 * The `Promise.all`/`allSettled`/… that takes the promises an `xs.map(…)` makes: the map's holder
 * (`Promise.all(xs.map(…))`), or, for `const ps = xs.map(…)`, the combinator given `ps` (or `[...ps]`) later in
 * the same function (`await Promise.all(ps)`).
 */
function combinatorOfMap(call: ts.CallExpression): ts.CallExpression | undefined {
  const holder = climbWrappers(call).parent;
  if (holder && ts.isCallExpression(holder) && isPromiseCombinator(holder)) return holder;
  // Asked for each call in the callback (awaited? looping? whose?): the function is searched once per map.
  const known = laterCombinators.get(call);
  if (known !== undefined) return known ?? undefined;
  const found = laterCombinatorOf(call, holder);
  laterCombinators.set(call, found ?? null);
  return found;
}

const laterCombinators = new WeakMap<ts.CallExpression, ts.CallExpression | null>();

function laterCombinatorOf(call: ts.CallExpression, holder: ts.Node | undefined): ts.CallExpression | undefined {
  if (!holder || !ts.isVariableDeclaration(holder) || holder.initializer !== climbWrappers(call) || !ts.isIdentifier(holder.name)) return undefined;
  const list = holder.parent;
  if (!ts.isVariableDeclarationList(list) || !(list.flags & ts.NodeFlags.Const)) return undefined;
  const name = holder.name.text;
  const fn = findFunction(holder);
  const body = fn?.body ?? holder.getSourceFile();
  // The walk has not reached the statements after this one yet: their parent pointers are set here.
  setParentsBelow(body);
  let found: ts.CallExpression | undefined;
  const visit = (n: ts.Node): void => {
    if (found || (n !== body && isFunctionNode(n))) return;
    if (ts.isCallExpression(n) && n.pos > holder.end && isPromiseCombinator(n)) {
      const arg = n.arguments[0] && unwrap(n.arguments[0]);
      const names = (e: ts.Expression | undefined) => !!e && ts.isIdentifier(e) && e.text === name;
      if (names(arg) || (arg && ts.isArrayLiteralExpression(arg) && arg.elements.some((el) => ts.isSpreadElement(el) && names(unwrap(el.expression))))) {
        found = n;
        return;
      }
    }
    ts.forEachChild(n, visit);
  };
  visit(body);
  return found;
}
