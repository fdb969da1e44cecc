/**
 * First pass over one Drizzle file: its imports and its top-level declarations (tables, enums,
 * table creators, schemas, relations). Cheap: only the top-level statements are visited.
 */
import type * as ts from 'typescript';
import type { Dialect } from '../../../../rules/model';
import * as ast from './ast';
import type { ImportInfo } from './ast';
import { constantString } from './helpers';

/** Module-local copies of the syntax helpers (see analyze.ts: imported bindings are getters under tsx). */
const {
  T,
  CREATOR_FUNCTIONS,
  SCHEMA_FUNCTIONS,
  TABLE_FUNCTIONS,
  coreNameOf,
  propertyName,
  readImports,
  stringValue,
  unwrapExpression,
} = ast;

export type Declaration =
  | { kind: 'table'; name: string; call: ts.CallExpression; statement: ts.Statement; dialect?: Dialect; via: TableVia }
  | { kind: 'enum'; name: string; call: ts.CallExpression; statement: ts.Statement; dialect: Dialect }
  | { kind: 'creator'; name: string; call: ts.CallExpression; dialect: Dialect; prefix?: (n: string) => string }
  | { kind: 'schema'; name: string; call: ts.CallExpression; dialect: Dialect; schemaName?: string }
  | { kind: 'relations'; name: string; call: ts.CallExpression; statement: ts.Statement }
  | { kind: 'object'; name: string; object: ts.ObjectLiteralExpression };

/** How a table call was recognised: its table function, a creator, or a schema's `.table`. */
export type TableVia = { fn: string } | { creator: string } | { schema: string };

export interface FileScan {
  file: string;
  sf: ts.SourceFile;
  imports: ImportInfo;
  declarations: Declaration[];
  /** Names declared at the top level → declaration. */
  byName: Map<string, Declaration>;
  definesSchema: boolean;
  /**
   * The `.references(...)` calls of this tree's columns by where their `.` is (the start of their
   * foreign key's range), recorded as the tables are read, so that a fix of one finds its call without a walk.
   */
  referenceCalls?: Map<number, ts.CallExpression>;
  /**
   * The table calls of this tree by where their name argument starts (their table's `nameLoc`), recorded as the
   * tables are read, for a fix of a table to find its call without a pass over the file.
   */
  tableCalls?: Map<number, ts.CallExpression>;
  /**
   * Names this file exports under another name or from another module (`export { user as people } from './auth'`,
   * `export { user as people }`): exported name → the module (undefined: this file) and the name there.
   */
  reExports: Map<string, { module?: string; name: string }> | undefined;
  /**
   * The modules this file re-exports whole (`export * from './owners'`), for a helper imported through an index
   * file; undefined when none.
   */
  exportStars: string[] | undefined;
  /**
   * Whether the file declares a function at its top level (`function auditIndexes(t) {…}`, `const f = (t) => …`,
   * `export default function …`): an index helper a table of another file may call in its extra config.
   */
  declaresFunctions: boolean;
  /** Whether the text mentions `schema-review-ignore` (read here, while the text is in the caches, for suppressionsOf). */
  mentionsIgnore: boolean;
  /** The file's line starts, once the analysis asked (analyze.ts `linesOf`). */
  lines?: readonly number[];
  /** Whether discovery read this tree's tables (analyze.ts `prepareTables`), and what it read, until the analysis takes it. */
  prepared?: boolean;
  preps?: unknown[];
}

/** Classifies a call by its callee: a table function, a creator, a schema, an enum, relations, or a call through a local name. */
function classifyCall(imports: ImportInfo, call: ts.CallExpression, locals: Map<string, Declaration>) {
  const callee = unwrapExpression(call.expression);
  if (T.isPropertyAccessExpression(callee) && T.isIdentifier(callee.expression)) {
    const owner = callee.expression.text;
    const method = callee.name.text;
    const ownerDecl = locals.get(owner);
    if (ownerDecl?.kind === 'schema' || (!imports.coreNamespaces.has(owner) && (method === 'table' || method === 'enum'))) {
      if (method === 'table') return { kind: 'schemaTable' as const, owner };
      if (method === 'enum') return { kind: 'enum' as const, dialect: (ownerDecl?.kind === 'schema' ? ownerDecl.dialect : 'postgresql') as Dialect };
    }
  }
  if (T.isIdentifier(callee)) {
    const local = locals.get(callee.text);
    if (local?.kind === 'creator') return { kind: 'creatorTable' as const, creator: callee.text };
    // A creator imported from another file of the schema: recognised by shape (string name + columns).
    if (imports.other.has(callee.text) && looksLikeTableCall(call)) return { kind: 'creatorTable' as const, creator: callee.text };
  }
  // `pgTable.withRLS("notes", {...})` (drizzle v1): the table function's variant with row-level security.
  if (T.isPropertyAccessExpression(callee) && callee.name.text === 'withRLS') {
    const base = coreNameOf(imports, callee.expression);
    if (base && base in TABLE_FUNCTIONS) return { kind: 'table' as const, fn: base, dialect: TABLE_FUNCTIONS[base] };
  }
  const name = coreNameOf(imports, callee);
  if (!name) return undefined;
  if (name in TABLE_FUNCTIONS) return { kind: 'table' as const, fn: name, dialect: TABLE_FUNCTIONS[name] };
  if (name in CREATOR_FUNCTIONS) return { kind: 'creator' as const, dialect: CREATOR_FUNCTIONS[name] };
  if (name in SCHEMA_FUNCTIONS) return { kind: 'schema' as const, dialect: SCHEMA_FUNCTIONS[name] };
  if (name === 'pgEnum') return { kind: 'enum' as const, dialect: 'postgresql' as Dialect };
  if (name === 'relations') return { kind: 'relations' as const };
  return undefined;
}

function looksLikeTableCall(call: ts.CallExpression): boolean {
  const [name, columns] = call.arguments;
  if (!name || !columns || stringValue(name) === undefined) return false;
  const c = unwrapExpression(columns);
  return T.isObjectLiteralExpression(c) || T.isArrowFunction(c) || T.isFunctionExpression(c);
}

/**
 * `(name) => \`prefix_${name}\``, `(name) => "prefix_" + name`, `(name) => \`${APP}_${name}\`` (`APP` a constant of
 * the file) → a function computing the table name; undefined when the name is not computable by syntax.
 */
function creatorPrefix(sf: ts.SourceFile, call: ts.CallExpression): ((n: string) => string) | undefined {
  const fn = call.arguments[0] ? unwrapExpression(call.arguments[0]) : undefined;
  if (!fn || !(T.isArrowFunction(fn) || T.isFunctionExpression(fn))) return undefined;
  const param = fn.parameters[0]?.name;
  if (!param || !T.isIdentifier(param)) return undefined;
  let body: ts.Node = fn.body;
  if (T.isBlock(body)) {
    const ret = body.statements.find(T.isReturnStatement);
    if (!ret?.expression) return undefined;
    body = ret.expression;
  }
  // Computed with a marker for the name: what comes before and after it is the creator's.
  const MARK = '\u0000';
  const named = constantString(sf, body as ts.Expression, new Map([[param.text, MARK]]));
  const at = named === undefined ? -1 : named.indexOf(MARK);
  if (at < 0 || named!.indexOf(MARK, at + 1) >= 0) return undefined;
  const head = named!.slice(0, at);
  const tail = named!.slice(at + 1);
  return (n) => head + n + tail;
}

const scans = new WeakMap<ts.SourceFile, FileScan>();

/** Scans the top level of a file (once per parsed file). Never throws on whatever the parser recovered. */
export function scanFile(file: string, sf: ts.SourceFile): FileScan {
  const cached = scans.get(sf);
  if (cached && cached.file === file) return cached;
  const scan = scanTopLevel(file, sf);
  scans.set(sf, scan);
  return scan;
}

function scanTopLevel(file: string, sf: ts.SourceFile): FileScan {
  const imports = readImports(sf);
  const declarations: Declaration[] = [];
  const byName = new Map<string, Declaration>();
  let reExports: FileScan['reExports'];
  let exportStars: string[] | undefined;
  let declaresFunctions = false;
  const add = (d: Declaration) => {
    declarations.push(d);
    byName.set(d.name, d);
  };
  for (const statement of sf.statements) {
    if (T.isVariableStatement(statement)) {
      for (const decl of statement.declarationList.declarations) {
        if (!T.isIdentifier(decl.name) || !decl.initializer) continue;
        const name = decl.name.text;
        const init = unwrapExpression(decl.initializer);
        if (T.isArrowFunction(init) || T.isFunctionExpression(init)) {
          declaresFunctions = true;
          continue;
        }
        if (T.isObjectLiteralExpression(init)) {
          add({ kind: 'object', name, object: init });
          continue;
        }
        const call = outerTableCall(init);
        if (!call) continue;
        addCall(name, call, statement);
      }
    } else if (T.isFunctionDeclaration(statement)) {
      if (statement.body) declaresFunctions = true;
    } else if (T.isExportAssignment(statement)) {
      const init = unwrapExpression(statement.expression);
      if (T.isArrowFunction(init) || T.isFunctionExpression(init)) declaresFunctions = true;
      const call = outerTableCall(init);
      if (call) addCall('default', call, statement);
    } else if (T.isExportDeclaration(statement) && !statement.exportClause && statement.moduleSpecifier) {
      const module = stringValue(statement.moduleSpecifier);
      if (module !== undefined && !statement.isTypeOnly) (exportStars ??= []).push(module);
    } else if (T.isExportDeclaration(statement) && statement.exportClause && T.isNamedExports(statement.exportClause)) {
      const module = statement.moduleSpecifier ? stringValue(statement.moduleSpecifier) : undefined;
      for (const el of statement.exportClause.elements) {
        const name = el.propertyName ? propertyName(el.propertyName as ts.PropertyName) : el.name.text;
        if (name === undefined || (module === undefined && name === el.name.text)) continue;
        (reExports ??= new Map()).set(el.name.text, { module, name });
      }
    }
  }

  function addCall(name: string, call: ts.CallExpression, statement: ts.Statement) {
    const kind = classifyCall(imports, call, byName);
    if (!kind) return;
    switch (kind.kind) {
      case 'table':
        add({ kind: 'table', name, call, statement, dialect: kind.dialect, via: { fn: kind.fn } });
        break;
      case 'creatorTable': {
        const creator = byName.get(kind.creator);
        add({
          kind: 'table',
          name,
          call,
          statement,
          dialect: creator?.kind === 'creator' ? creator.dialect : imports.coreDialect,
          via: { creator: kind.creator },
        });
        break;
      }
      case 'schemaTable': {
        const schema = byName.get(kind.owner);
        add({
          kind: 'table',
          name,
          call,
          statement,
          dialect: schema?.kind === 'schema' ? schema.dialect : imports.coreDialect,
          via: { schema: kind.owner },
        });
        break;
      }
      case 'creator':
        add({ kind: 'creator', name, call, dialect: kind.dialect, prefix: creatorPrefix(sf, call) });
        break;
      case 'schema':
        add({ kind: 'schema', name, call, dialect: kind.dialect, schemaName: stringValue(call.arguments[0]) });
        break;
      case 'enum':
        add({ kind: 'enum', name, call, statement, dialect: kind.dialect });
        break;
      case 'relations':
        add({ kind: 'relations', name, call, statement });
        break;
    }
  }

  const definesSchema =
    (imports.coreDialect !== undefined || imports.coreNamespaces.size > 0 || imports.orm.has('relations')) &&
    declarations.some((d) => d.kind !== 'object');
  return {
    file,
    sf,
    imports,
    declarations,
    byName,
    definesSchema,
    reExports,
    exportStars,
    declaresFunctions,
    mentionsIgnore: sf.text.includes('schema-review-ignore'),
    // Set later (analyze.ts), present from the start: every scan keeps one shape.
    referenceCalls: undefined,
    tableCalls: undefined,
    lines: undefined,
    prepared: false,
    preps: undefined,
  };
}

/**
 * A table call may carry chained calls (`pgTable(...).enableRLS()`, `pgTable(...).withRLS()`):
 * return the innermost call of the chain.
 */
function outerTableCall(init: ts.Expression): ts.CallExpression | undefined {
  let e = init;
  while (T.isCallExpression(e)) {
    const callee = unwrapExpression(e.expression);
    if (T.isPropertyAccessExpression(callee) && T.isCallExpression(unwrapExpression(callee.expression))) {
      e = unwrapExpression(callee.expression);
      continue;
    }
    return e;
  }
  return undefined;
}
