/**
 * Index helpers: functions of the schema (or of a module it imports) that return a table's extra-config entries,
 * `const auditIndexes = (t) => [index().on(t.createdAt)]`, used as `pgTable("a", {…}, auditIndexes)` or
 * `(t) => [...auditIndexes(t)]`. The analysis reads their entries through these, and a fix learns their form: same
 * file, named or default import, `import * as ns`, re-exports; syntax-only. How a module specifier names a file is
 * the caller's (`ModuleOf`): the analysis asks the unit, a fix asks the reader about the unit's files.
 */
import type * as ts from 'typescript';
import * as ast from './ast';
import type { FileScan } from './scan';

const { T, idText, propertyName, unwrapExpression } = ast;

export type HelperFunction = ts.FunctionDeclaration | ts.ArrowFunction | ts.FunctionExpression;

/** The file of the unit that `scan` names with a module specifier, if any. */
export type ModuleOf = (scan: FileScan, specifier: string) => FileScan | undefined;

/** A function declared at the top level of the file: `function f(…) {…}` or `const f = (…) => …`. */
export function fileFunction(sf: ts.SourceFile, name: string): HelperFunction | undefined {
  for (const statement of sf.statements) {
    if (T.isFunctionDeclaration(statement)) {
      if (statement.name && idText(statement.name) === name && statement.body) return statement;
    } else if (T.isVariableStatement(statement)) {
      for (const d of statement.declarationList.declarations) {
        if (!T.isIdentifier(d.name) || idText(d.name) !== name || !d.initializer) continue;
        const init = unwrapExpression(d.initializer);
        return T.isArrowFunction(init) || T.isFunctionExpression(init) ? init : undefined;
      }
    }
  }
  return undefined;
}

/** The function `scan` exports as `name` (`default` included), its own or re-exported (`export *`, `export { a as b }`). */
export function exportedFunction(scan: FileScan, name: string, moduleOf: ModuleOf, depth = 0): { scan: FileScan; fn: HelperFunction } | undefined {
  if (depth > 8) return undefined;
  const sf = scan.sf;
  if (name === 'default') {
    for (const statement of sf.statements) {
      if (T.isFunctionDeclaration(statement) && statement.body && statement.modifiers?.some((m) => m.kind === T.SyntaxKind.DefaultKeyword)) {
        return { scan, fn: statement };
      }
      if (T.isExportAssignment(statement) && !statement.isExportEquals) {
        const e = unwrapExpression(statement.expression);
        if (T.isArrowFunction(e) || T.isFunctionExpression(e)) return { scan, fn: e };
        if (T.isIdentifier(e)) return exportedFunction(scan, idText(e), moduleOf, depth + 1);
      }
    }
  }
  const own = name === 'default' ? undefined : fileFunction(sf, name);
  if (own) return { scan, fn: own };
  // `export { default } from './audit'`, `export { ownerIndexes as default }`: a default re-exported by name.
  const re = scan.reExports?.get(name) ?? (name === 'default' ? undefined : localExport(scan, name));
  if (re) {
    if (re.module === undefined) {
      const local = fileFunction(sf, re.name);
      if (local) return { scan, fn: local };
      const imported = scan.imports.other.get(re.name);
      if (!imported || imported.imported === '*') return undefined;
      const target = moduleOf(scan, imported.module);
      return target ? exportedFunction(target, imported.imported, moduleOf, depth + 1) : undefined;
    }
    const target = moduleOf(scan, re.module);
    return target ? exportedFunction(target, re.name, moduleOf, depth + 1) : undefined;
  }
  // `export *` never carries a default.
  if (name === 'default') return undefined;
  for (const module of scan.exportStars ?? []) {
    const target = moduleOf(scan, module);
    const found = target && target !== scan ? exportedFunction(target, name, moduleOf, depth + 1) : undefined;
    if (found) return found;
  }
  return undefined;
}

/** `export { ownerIndexes }` of a name this file imports (scan.reExports records only renamed or module re-exports). */
function localExport(scan: FileScan, name: string): { module?: string; name: string } | undefined {
  if (!scan.imports.other.has(name)) return undefined;
  for (const statement of scan.sf.statements) {
    if (!T.isExportDeclaration(statement) || statement.moduleSpecifier || !statement.exportClause || !T.isNamedExports(statement.exportClause)) continue;
    for (const el of statement.exportClause.elements) if (!el.propertyName && el.name.text === name) return { name };
  }
  return undefined;
}

/**
 * The helper a name of `scan` denotes: `auditIndexes` (declared in the file, or imported by name or as default)
 * or `shared.auditIndexes` (`import * as shared`). Drizzle's own functions are not helpers.
 */
export function helperNamed(scan: FileScan, callee: ts.Expression, moduleOf: ModuleOf): { scan: FileScan; fn: HelperFunction } | undefined {
  const e = unwrapExpression(callee);
  if (T.isIdentifier(e)) {
    const name = idText(e);
    if (scan.imports.core.has(name) || scan.imports.orm.has(name)) return undefined;
    const own = fileFunction(scan.sf, name);
    if (own) return { scan, fn: own };
    const imported = scan.imports.other.get(name);
    if (!imported || imported.imported === '*') return undefined;
    const target = moduleOf(scan, imported.module);
    return target ? exportedFunction(target, imported.imported, moduleOf) : undefined;
  }
  if (T.isPropertyAccessExpression(e) && T.isIdentifier(e.expression)) {
    const imported = scan.imports.other.get(idText(e.expression));
    if (imported?.imported !== '*') return undefined;
    const target = moduleOf(scan, imported.module);
    return target ? exportedFunction(target, idText(e.name), moduleOf) : undefined;
  }
  return undefined;
}

/** What a function returns: an arrow's expression body, or the first `return` of its block. */
export function returnOf(fn: HelperFunction): ts.Expression | undefined {
  if (!fn.body) return undefined;
  if (!T.isBlock(fn.body)) return unwrapExpression(fn.body);
  for (const s of fn.body.statements) if (T.isReturnStatement(s) && s.expression) return unwrapExpression(s.expression);
  return undefined;
}

/** The initializer of `const name = …` declared directly in the function's block. */
function blockConstant(fn: HelperFunction, name: string): ts.Expression | undefined {
  if (!fn.body || !T.isBlock(fn.body)) return undefined;
  for (const statement of fn.body.statements) {
    if (!T.isVariableStatement(statement)) continue;
    for (const d of statement.declarationList.declarations) {
      if (T.isIdentifier(d.name) && d.name.text === name && d.initializer) return unwrapExpression(d.initializer);
    }
  }
  return undefined;
}

/**
 * The form of the extra config a helper returns: an array literal, or an object literal (with its keys, for a new
 * key not to replace one of the helper's entries; a spread of another helper adds that helper's keys). Followed
 * through a returned block constant (`const entries = […]; return entries;`) and a helper returning another
 * helper's call. Undefined when the return is anything else (a conditional, a call of something unknown): its form
 * is not known.
 */
export function helperForm(
  found: { scan: FileScan; fn: HelperFunction },
  moduleOf: ModuleOf,
  depth = 0,
): { form: 'array' } | { form: 'object'; keys: Set<string> } | undefined {
  if (depth > 3) return undefined;
  let returned = returnOf(found.fn);
  if (returned && T.isIdentifier(returned)) returned = blockConstant(found.fn, returned.text);
  if (!returned) return undefined;
  if (T.isArrayLiteralExpression(returned)) return { form: 'array' };
  if (T.isObjectLiteralExpression(returned)) {
    const keys = objectKeys(found.scan, returned, moduleOf, depth);
    return keys && { form: 'object', keys };
  }
  if (T.isCallExpression(returned)) {
    const inner = helperNamed(found.scan, returned.expression, moduleOf);
    return inner && helperForm(inner, moduleOf, depth + 1);
  }
  return undefined;
}

/**
 * The keys of an object literal of extra config, a spread helper's included; undefined when one cannot be known
 * (a computed key, a spread of something that is not a helper returning an object).
 */
export function objectKeys(scan: FileScan, object: ts.ObjectLiteralExpression, moduleOf: ModuleOf, depth = 0): Set<string> | undefined {
  const keys = new Set<string>();
  for (const p of object.properties) {
    if (T.isSpreadAssignment(p)) {
      const spread = unwrapExpression(p.expression);
      const helper = T.isCallExpression(spread) ? helperNamed(scan, spread.expression, moduleOf) : undefined;
      const inner = helper && helperForm(helper, moduleOf, depth + 1);
      if (!inner || inner.form !== 'object') return undefined;
      for (const k of inner.keys) keys.add(k);
      continue;
    }
    const name = propertyName(p.name as ts.PropertyName | undefined);
    if (name === undefined) return undefined;
    keys.add(name);
  }
  return keys;
}

/**
 * What a function's parameters hold where it is called: parameter name → the string its argument computes, or
 * undefined when the argument computes none (the parameter then hides any constant of the same name).
 */
export type StringScope = ReadonlyMap<string, string | undefined>;

/**
 * The string an expression computes from what the file says: a string or template literal, a template or `+`
 * concatenation of such, a top-level `const` of the file (`const APP = "am"`), or a parameter `scope` binds.
 * Undefined for anything else (an environment variable, a call, a conditional): its value is not known by syntax.
 */
export function constantString(sf: ts.SourceFile, expression: ts.Expression | undefined, scope?: StringScope, depth = 0): string | undefined {
  if (!expression || depth > 8) return undefined;
  const e = unwrapExpression(expression);
  if (T.isStringLiteral(e) || T.isNoSubstitutionTemplateLiteral(e)) return e.text;
  if (T.isTemplateExpression(e)) {
    let out = e.head.text;
    for (const span of e.templateSpans) {
      const part = constantString(sf, span.expression, scope, depth + 1);
      if (part === undefined) return undefined;
      out += part + span.literal.text;
    }
    return out;
  }
  if (T.isBinaryExpression(e) && e.operatorToken.kind === T.SyntaxKind.PlusToken) {
    const left = constantString(sf, e.left, scope, depth + 1);
    const right = left === undefined ? undefined : constantString(sf, e.right, scope, depth + 1);
    return right === undefined ? undefined : left! + right;
  }
  if (T.isIdentifier(e)) {
    const name = idText(e);
    if (scope?.has(name)) return scope.get(name);
    const initializer = fileConstant(sf, name);
    return initializer && constantString(sf, initializer, undefined, depth + 1);
  }
  return undefined;
}

/** The initializer of a top-level `const name = …` of the file. */
function fileConstant(sf: ts.SourceFile, name: string): ts.Expression | undefined {
  for (const statement of sf.statements) {
    if (!T.isVariableStatement(statement) || !(statement.declarationList.flags & T.NodeFlags.Const)) continue;
    for (const d of statement.declarationList.declarations) {
      if (T.isIdentifier(d.name) && idText(d.name) === name) return d.initializer;
    }
  }
  return undefined;
}

/**
 * The scope of a helper's parameters at a call (see StringScope): each argument computed where the call is written
 * (`callerSf`, within `callerScope`); a parameter the call leaves out, from its default in the helper's file (`fnSf`).
 */
export function callScope(
  fn: HelperFunction,
  fnSf: ts.SourceFile,
  call: ts.CallExpression,
  callerSf: ts.SourceFile,
  callerScope?: StringScope,
): Map<string, string | undefined> {
  const scope = new Map<string, string | undefined>();
  fn.parameters.forEach((p, i) => {
    if (!T.isIdentifier(p.name)) return;
    const arg = call.arguments[i];
    scope.set(idText(p.name), arg ? constantString(callerSf, arg, callerScope) : constantString(fnSf, p.initializer));
  });
  return scope;
}

/**
 * A function of the unit wrapping a Drizzle index builder (`export const index = (n: string) =>
 * indexCreator(\`am_${n}\`)`, `indexCreator` being pg-core's `index`; `const idx = (name) => index(name)`): the
 * builder call it returns and its kind. Only a wrapper returning the bare builder call: links added inside it
 * (`.using(…)`) would be the index's too, and are not read.
 */
export function indexWrapper(
  scan: FileScan,
  callee: ts.Expression,
  moduleOf: ModuleOf,
): { scan: FileScan; fn: HelperFunction; builder: ts.CallExpression; kind: 'index' | 'uniqueIndex' | 'unique' } | undefined {
  const found = helperNamed(scan, callee, moduleOf);
  const returned = found && returnOf(found.fn);
  if (!found || !returned || !T.isCallExpression(returned)) return undefined;
  const kind = ast.coreNameOf(found.scan.imports, returned.expression);
  if (kind !== 'index' && kind !== 'uniqueIndex' && kind !== 'unique') return undefined;
  return { ...found, builder: returned, kind };
}
