/**
 * The code front-end: TypeScript/JavaScript files that call Prisma or Drizzle.
 *
 * Facts (`CodeFile`), as rules should read them:
 * - `DbCall.loc` is the whole call: for Drizzle the outermost call of the builder chain (`.then/.catch`
 *   excluded), `chain` its method names after the root. `$transaction`/`transaction`/`batch` are not
 *   DbCalls: they are `TransactionScope`s (`range` = the callback body or the array literal, `callLoc` =
 *   the call including its `await`).
 * - `viaTransactionClient` is true for the callback form when the client is the callback's parameter;
 *   array-form elements have `transaction.form === 'array'` and `viaTransactionClient: false`. It is also
 *   true, with no `transaction`, for a parameter typed as a transaction client (`tx:
 *   Prisma.TransactionClient`, drizzle `PgTransaction`): a helper running inside its caller's transaction.
 * - `argKeys`: `[]` when the call has no argument, undefined when the argument is not an object literal.
 *   Also set for Drizzle relational queries (`db.query.t.findMany({ limit })`).
 * - Calls inside a transaction callback have `enclosingFunction` `<outer><callback>` and `functionLoc` =
 *   the callback body; transaction callbacks are transparent for `loop` and `catch`.
 * - `catch` is also set for a rejection handler on the call's promise (`.catch(cb)`, `.catch(console.error)`,
 *   `.then(ok, onError)`, also after `.then/.finally` steps); an empty catch block `onlyLogs` and is `empty`.
 * - Batches: `prisma.$transaction(ops)` / `db.batch([q1, ...qs])` are `array` scopes too, and the calls whose
 *   promise is kept for them (`const q1 = db.delete(…)`, `ops.push(…)`, `ids.map((id) => …)`, same function)
 *   get that `transaction`. A helper declared in a transaction callback and called there is in the transaction.
 * - `driver`: the Drizzle driver module of the call's client (`drizzle-orm/neon-http`), from the import of
 *   `drizzle` where the client is created or from a parameter's/member's type; `returned` for a call returned
 *   (not awaited) by its function; `aggregate` for a select of aggregates only; `emptyWhere` for `where: {}`.
 * - `filterColumns` are the columns every run of a query filters by; `filterTerms` say how each is compared
 *   (`eq`, `list`, `range`, `other`), also those the filter takes from a list built in the same function
 *   (`conditions.push(eq(…))` spread into `and(...conditions)`) or a `where` object built by assignment
 *   (filters.ts), a term pushed under an `if` marked `conditional`.
 * - `enumLiterals` (per file): closed lists of string literals the code names (`z.enum([...])`, unions of string
 *   literal types, `as const` arrays; literals.ts), from which string-enum takes a column's values. A file with a
 *   zod enum joins the code unit even when it never touches the database (discover.ts).
 * - Clients are also: `ctx.db` / `ctx.prisma` (and `{ ctx: { db } }`) in a tRPC resolver (the first argument of
 *   `.query/.mutation/.subscription`), taken to be the workspace's client when all its clients are of one ORM
 *   (or by the member's name, `prisma`/`drizzle`); parameters typed with a client type alias of the workspace
 *   (`export type Db = typeof db`, `type Database = NodePgDatabase<…>`; not a transaction client's alias).
 *   A tRPC resolver is named by its router key (`publish`), a route handler by its route (`router.post('/orders')`),
 *   a job processor by its queue (`new Worker('emails')`). A variable of a function is a client when it is created
 *   there (`const db = drizzle(env.DB)` in a Worker's `fetch`, `new PrismaClient(…)`, a factory of the module
 *   or one imported from a workspace module, also through re-exports: `const db = getDb(c.env)` with
 *   `import { getDb } from '~/db'`); any other variable of that name hides a module client. A factory is a
 *   function whose returned value is a new client (`return drizzle(…)`, an arrow body, a variable it assigns
 *   one to: `cached ??= drizzle(…); return cached`), a module client (`() => db`), or whose declared return type
 *   is a client type; it carries its ORM and Drizzle driver. A module-level `const db = getDb()` is a client too.
 *   A function returning a call of another factory is one (`export const getDb = () => createDb(env.DATABASE_URL)`,
 *   `createDb` imported). A factory called where its client is used is the client (`getDb().insert(…)`, client text
 *   `getDb()`), unless a variable or parameter of that name hides it; so is one of a namespace import or a
 *   CommonJS module object (`db.getDb().insert(…)` with `import * as db from './db'`, `db.getPrisma().order.create(…)`
 *   with `const db = require('./db')`), client text `db.getDb()`; also assigned or destructured, at module level
 *   or in a function (`const db = dbm.getDb()`, `const { db } = dbm.createDb()`), and exported from there. A function returning an object literal gives clients by property: `const { db } =
 *   createDb()` / `const { prisma } = await getClients()` (module level or in a function) is a client when the
 *   property's value is one (`return { db, pool }` with `const db = drizzle(pool)`); the object's other names are not.
 *   Hono: `c.var.db`, `c.get('db')` and `const { db } = c.var` in a module importing `hono`/`hono/…`/`@hono/…`, `c`
 *   the first parameter (untyped or `Context`), are the client the workspace's middleware sets under that key
 *   (`c.set('db', drizzle(c.env.DB))`, also a variable or destructured factory result); a key also set to
 *   anything else, or to clients of both ORMs, is no client.
 *   Fastify: `fastify.db` / `request.server.db` / `app.prisma` in a module importing `fastify`, `fastify-plugin` or
 *   `@fastify/…` are the client the workspace decorates the instance with (`fastify.decorate('db', db)`, known like a
 *   Hono value, or a `FastifyInstance` member typed as a client in `declare module 'fastify' { … }`), on a parameter
 *   typed `FastifyInstance`, the untyped first parameter of a plugin given to fastify-plugin's `fp(…)` or to
 *   `x.register(…)`, `<param>.server`, or a top-level `const app = Fastify(…)` of the module.
 *   A module `let` is a client when typed as one or assigned one in the module's top-level code (Remix stacks:
 *   `let prisma: PrismaClient; if (…) prisma = new PrismaClient(); else { … } export { prisma }`).
 *   A top-level class that `extends PrismaClient` (as imported from `@prisma/client`, a generated client, a require;
 *   NestJS's `PrismaService` under any name), or extends such a class (of the file or imported), is a client type:
 *   members, constructor parameter properties and parameters typed with it, its instances (`new AppDatabase()`)
 *   and `this` in its own methods are clients; so is a class expression assigned to a top-level variable
 *   (`const Db = class extends PrismaClient {}; export const db = new Db()`). A module whose value is an instance of
 *   such a class (`export default new PrismaService()`, `module.exports = new PrismaService()`, the class local or
 *   imported) is a client to its default import or `require`. A member of a module-level object literal whose value
 *   is a client (`export default { client: prisma, pagedQuery }`, also spread into another: `{ ...clientModule,
 *   client }`, or a client it creates: `{ prisma: new PrismaClient() }`) is one through the object, imported too
 *   (`prisma.client.user.update(…)`, client text `prisma.client`); `module.exports = { prisma }` is such an object to
 *   a default import (`import db from './db'`, `db.prisma.user.findMany()`), and its members are named exports to
 *   `require` and namespace imports.
 *   Imports of a package of the same monorepo (`import { prisma } from '@acme/database'`, a folder of the listing
 *   whose package.json has that name) resolve to its entry file (resolve.ts `packageFile`; discovery's
 *   `hints.packages`), after the tsconfig's paths.
 * - `host` is also set for a call in the callback of a retry helper the function awaits or returns
 *   (`await withRetry(() => prisma.payment.update(…))`): a function of the file that calls that parameter,
 *   `p-retry`/`async-retry`/`exponential-backoff`'s `backOff`, or an imported function named like a retry
 *   (`/retry/i`, first argument: another module's body is not read). Such a call is `awaited`. So is a call in the
 *   `.catch(cb)` handler of an awaited chain that makes no database call and calls no workspace
 *   function (`await chargeCard(id).catch(() => prisma.order.update(…))`); the handler of a write is not hosted (it
 *   runs only when that write failed), and the await of such a chain is an `otherAwait`.
 * - `WritingCall`s: calls of workspace functions that contain a write (one level), resolved through
 *   imports, re-exports, `this.method()`, namespace imports, module-level instances/objects
 *   (`storage.createTrade()` with `storage = new DatabaseStorage()` or `storage = { … }`), and members holding
 *   an instance of a workspace class (`this.users.createUser()` with NestJS's `private users: UsersRepository`;
 *   `callee` is then `this.users.createUser`).
 * - `otherAwaits`: awaits in functions that write, whose expression holds no database work.
 *
 * Fixes: `wrapInTransaction` (its `transactionClient` is the parameter name to use, `tx` by default; the
 * transaction opens on the calls' own client), `useTransactionClient`, `addLimit` (a literal `take`/
 * `limit`/`.limit(n)`), `batchQueryInLoop` (Prisma findUnique/findFirst, Drizzle select-by-eq and
 * `query.t.findFirst` in a `for…of` or an async `.forEach` callback). Each returns undefined when the shape cannot be rewritten without changing behaviour.
 * The wrapper is not written for Drizzle drivers whose `transaction()` runs its callback synchronously
 * (better-sqlite3, bun-sqlite, sql.js, expo-sqlite, op-sqlite, durable-sqlite), around a framework redirect
 * that throws (Next.js `redirect()`/`notFound()`, SvelteKit `redirect()`, a thrown Remix `redirect()`), around an
 * HTTP response sent at the call (`res.json(…)`, or a helper given the response whose body sends it:
 * `sendCreated(res, order)` of the file or imported (also from a package of the same monorepo, resolved with the
 * unit's `hints.packages` as in the analysis), `this.sendCreated(res, order)` of the class or a class it
 * extends, `http.created(reply, order)` of an object literal or a class instance of the file or imported,
 * `this.responses.created(res, order)` of an injected workspace class), around
 * a query in the `catch`/`finally`/`.catch` of a failed query (it would run on an aborted transaction), nor
 * when code before the range calls a function declared in it; a variable declared before the range that it
 * assigns and later code reads with a narrowed type is assigned again from the result (`user = await …`).
 */
import type { LanguageFrontEnd } from '../types';
import { CodeAnalyzer } from './analyze';
import { CODE_EXTENSIONS, discoverCode } from './discover';
import { notePackages, writeCodeFix } from './fixes';
import type { WorkspacePackages } from './resolve';

export { analyzeCode, CodeAnalyzer } from './analyze';
export { discoverCode } from './discover';
export { describeWrap, type WrapDescription } from './fixes';

/** Per-unit analyzers (their per-file results), most recently used last; a few units at most. */
const analyzers = new Map<string, CodeAnalyzer>();
const MAX_KEPT_UNITS = 4;

function analyzerFor(unitId: string): CodeAnalyzer {
  let analyzer = analyzers.get(unitId);
  if (analyzer) analyzers.delete(unitId);
  else analyzer = new CodeAnalyzer();
  analyzers.set(unitId, analyzer);
  while (analyzers.size > MAX_KEPT_UNITS) analyzers.delete(analyzers.keys().next().value!);
  return analyzer;
}

/**
 * The code front-end. `analyze` keeps per-file results per unit id between calls and re-parses only the
 * files whose text changed and the files whose client bindings depend on them (see `CodeAnalyzer`). The
 * importers of an edited module that may send an HTTP response or forward exports get new CodeFile objects (their
 * wrap fixes read it), and discovery puts such modules in the unit, so that an edit of one reaches them.
 */
export const codeFrontEnd: LanguageFrontEnd = {
  language: 'code',
  extensions: CODE_EXTENSIONS,
  discover: (files, reader) => {
    try {
      return discoverCode(files, reader);
    } catch {
      return [];
    }
  },
  analyze: (unit, reader, options) => {
    try {
      const packages = unit.hints?.packages as WorkspacePackages | undefined;
      const result = analyzerFor(unit.id).analyze(unit.files, reader, options.databases ?? [], packages);
      // The fixes of the unit's files resolve imports of its monorepo packages as the analysis did (response helpers).
      notePackages(unit.id, unit.files, packages);
      return { databases: [], codeFiles: result.codeFiles, diagnostics: result.diagnostics, suppressions: result.suppressions };
    } catch (error) {
      analyzers.delete(unit.id);
      const file = unit.files[0] ?? unit.id;
      const message = `Schema Review could not analyze the code files: ${error instanceof Error ? error.message : String(error)}`;
      const range = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
      return { databases: [], codeFiles: [], suppressions: [], diagnostics: [{ file, range, severity: 'warning', message, source: 'schema-review' }] };
    }
  },
  writeFix: (intent, reader) => {
    try {
      return writeCodeFix(intent, reader);
    } catch {
      return undefined;
    }
  },
};
