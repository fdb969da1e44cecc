/**
 * Closed lists of string literals a code file names (`CodeFile.enumLiterals`), for string-enum: the values a
 * string column may hold, as the code validates or types them.
 *
 * - `z.enum(['easy', 'hard'])` (also with `.optional()`, `.default(…)` … after it, and `z.enum(LIST)` with `LIST` an
 *   `as const` array of the same file), as the value of an object literal property (`z.object({ difficulty: … })`)
 *   or of a variable (`const difficultySchema = z.enum([...])`). `z` is `z` or a name imported from `zod`.
 * - A union of string literal types: a type alias (`type Difficulty = 'easy' | 'hard'`), or the type of an
 *   interface / type literal / class property (`difficulty?: 'easy' | 'hard' | null`).
 * - An `as const` array of strings (`const DIFFICULTIES = ['easy', 'hard'] as const`).
 *
 * Syntax only (the tree the analyzer parsed; parents are not needed), one descent, and none at all when the text
 * holds no `.enum(`, `as const` or `'…' | '…'` (a text pre-filter: most files are skipped without a walk).
 */
import ts = require('typescript');
import type { CodeEnumLiteral } from '../../../../rules/model';
import { nodeLoc, propertyNameText, unwrap } from './ast';

/**
 * Where a list may be (a text pre-filter, not a parse): `.enum(`, `as const`, or a union member after a bar
 * (`| 'b'`; a union of two strings or more always has one). `x || 'y'` also matches: a few subtrees too many.
 */
const HINT = /\.enum\(|as const|\|\s*['"`]/g;

function hintOffsets(text: string): number[] {
  const out: number[] = [];
  HINT.lastIndex = 0;
  for (let m = HINT.exec(text); m; m = HINT.exec(text)) out.push(m.index);
  return out;
}

/** Cheap text test: can the file hold any of the lists above? */
export function mayHoldEnumLiterals(text: string): boolean {
  HINT.lastIndex = 0;
  return HINT.test(text);
}

/**
 * The lists of one parsed file, in source order; [] when there are none. Never throws on odd syntax. The walk
 * descends only into nodes whose text holds a hint (most of a file, its function bodies and JSX, is skipped).
 */
export function collectEnumLiterals(sf: ts.SourceFile): CodeEnumLiteral[] {
  const hints = hintOffsets(sf.text);
  if (!hints.length) return [];
  /** Does [pos, end) hold a hint? (binary search) */
  const hinted = (node: ts.Node): boolean => {
    let lo = 0;
    let hi = hints.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (hints[mid] < node.pos) lo = mid + 1;
      else hi = mid;
    }
    return lo < hints.length && hints[lo] < node.end;
  };
  const zod = zodNames(sf);
  const out: CodeEnumLiteral[] = [];
  /** `as const` arrays by variable name, for `z.enum(LIST)`. */
  const constArrays = new Map<string, string[]>();
  /** `z.enum(LIST)` sites, resolved once every array of the file is known. */
  const byReference: { site: Omit<CodeEnumLiteral, 'values'>; list: string; index: number }[] = [];

  /** A `z.enum(…)` at the root of a method chain (`z.enum([...]).optional().default('a')`): its values, or a list name. */
  const zodEnum = (expr: ts.Expression): { call: ts.CallExpression; values?: string[]; list?: string } | undefined => {
    let e = unwrap(expr);
    for (let depth = 0; depth < 12 && ts.isCallExpression(e); depth++) {
      const callee = unwrap(e.expression);
      if (!ts.isPropertyAccessExpression(callee)) return undefined;
      const target = unwrap(callee.expression);
      if (callee.name.text === 'enum' && ts.isIdentifier(target) && zod.has(target.text)) {
        const arg = e.arguments[0] ? unwrap(e.arguments[0]) : undefined;
        if (!arg) return undefined;
        if (ts.isArrayLiteralExpression(arg)) {
          const values = stringElements(arg);
          return values ? { call: e, values } : undefined;
        }
        return ts.isIdentifier(arg) ? { call: e, list: arg.text } : undefined;
      }
      e = target;
    }
    return undefined;
  };

  const add = (site: Omit<CodeEnumLiteral, 'values'>, values: string[] | undefined) => {
    if (!values) return;
    const distinct = [...new Set(values)];
    if (distinct.length >= 2) out.push({ ...site, values: distinct });
  };

  /** A value given a name (`difficulty: <value>`, `const X = <value>`): a z.enum or an `as const` array. */
  const named = (nameKind: CodeEnumLiteral['nameKind'], name: string, owner: string | undefined, value: ts.Expression) => {
    const z = zodEnum(value);
    if (z) {
      const site = { nameKind, name, owner, source: 'z.enum' as const, loc: nodeLoc(sf, z.call) };
      if (z.values) add(site, z.values);
      else if (z.list) byReference.push({ site, list: z.list, index: out.length });
      return;
    }
    if (nameKind !== 'named' || !ts.isAsExpression(value) || !isConstType(value.type)) return;
    const array = unwrap(value.expression);
    if (!ts.isArrayLiteralExpression(array)) return;
    const values = stringElements(array);
    if (!values) return;
    constArrays.set(name, values);
    add({ nameKind, name, owner, source: 'as const', loc: nodeLoc(sf, array) }, values);
  };

  const typed = (nameKind: CodeEnumLiteral['nameKind'], name: string, owner: string | undefined, type: ts.TypeNode | undefined) => {
    const values = type && unionValues(type);
    if (values) add({ nameKind, name, owner, source: 'union', loc: nodeLoc(sf, type) }, values);
  };

  const visit = (node: ts.Node, owner: string | undefined): void => {
    let inner = owner;
    if (ts.isVariableDeclaration(node) && ts.isIdentifier(node.name)) {
      inner = node.name.text;
      if (node.initializer) named('named', inner, owner, node.initializer);
    } else if (ts.isPropertyAssignment(node)) {
      const name = propertyNameText(node.name);
      if (name !== undefined) named('property', name, owner, node.initializer);
      // `schemas = { goal: z.object({...}) }`: the lists inside belong to `goal`.
      inner = name ?? owner;
    } else if (ts.isTypeAliasDeclaration(node)) {
      inner = node.name.text;
      typed('named', inner, owner, node.type);
    } else if (ts.isPropertySignature(node) || ts.isPropertyDeclaration(node)) {
      const name = propertyNameText(node.name);
      if (name !== undefined) typed('property', name, owner, node.type);
    } else if (ts.isInterfaceDeclaration(node) || ts.isClassDeclaration(node) || ts.isFunctionDeclaration(node)) {
      inner = node.name?.text ?? owner;
    }
    ts.forEachChild(node, (child) => {
      if (hinted(child)) visit(child, inner);
    });
  };
  visit(sf, undefined);

  // `z.enum(LIST)`: the values of the file's `as const` array LIST (inserted where the call is, in source order).
  for (let i = byReference.length - 1; i >= 0; i--) {
    const { site, list, index } = byReference[i];
    const values = constArrays.get(list);
    if (values) out.splice(index, 0, { ...site, values });
  }
  return out;
}

/** Local names bound to zod's namespace: `z`, and names imported from `zod` (`import { z as v } from 'zod'`, `import * as z from 'zod/v4'`). */
function zodNames(sf: ts.SourceFile): Set<string> {
  const names = new Set(['z']);
  for (const statement of sf.statements) {
    if (!ts.isImportDeclaration(statement) || !ts.isStringLiteral(statement.moduleSpecifier)) continue;
    const spec = statement.moduleSpecifier.text;
    if (spec !== 'zod' && !spec.startsWith('zod/')) continue;
    const clause = statement.importClause;
    if (!clause) continue;
    if (clause.name) names.add(clause.name.text);
    const bindings = clause.namedBindings;
    if (bindings && ts.isNamespaceImport(bindings)) names.add(bindings.name.text);
    else if (bindings) for (const el of bindings.elements) if ((el.propertyName ?? el.name).text === 'z') names.add(el.name.text);
  }
  return names;
}

function isConstType(type: ts.TypeNode): boolean {
  return ts.isTypeReferenceNode(type) && ts.isIdentifier(type.typeName) && type.typeName.text === 'const';
}

/** The strings of an array literal made only of string literals, or undefined. */
function stringElements(array: ts.ArrayLiteralExpression): string[] | undefined {
  const values: string[] = [];
  for (const el of array.elements) {
    const e = unwrap(el);
    if (!ts.isStringLiteral(e) && !ts.isNoSubstitutionTemplateLiteral(e)) return undefined;
    values.push(e.text);
  }
  return values;
}

/** The strings of a union made only of string literal types (`null` and `undefined` members skipped, nested unions flattened), or undefined. */
function unionValues(type: ts.TypeNode): string[] | undefined {
  let t = type;
  while (ts.isParenthesizedTypeNode(t)) t = t.type;
  if (!ts.isUnionTypeNode(t)) return undefined;
  const values: string[] = [];
  const add = (member: ts.TypeNode, depth: number): boolean => {
    while (ts.isParenthesizedTypeNode(member)) member = member.type;
    if (ts.isUnionTypeNode(member)) return depth < 8 && member.types.every((m) => add(m, depth + 1));
    if (member.kind === ts.SyntaxKind.UndefinedKeyword) return true;
    if (!ts.isLiteralTypeNode(member)) return false;
    if (member.literal.kind === ts.SyntaxKind.NullKeyword) return true;
    if (!ts.isStringLiteral(member.literal) && !ts.isNoSubstitutionTemplateLiteral(member.literal)) return false;
    values.push(member.literal.text);
    return true;
  };
  return add(t, 0) ? values : undefined;
}

/** `CodeFile.enumLiterals` of a parsed file: its lists, or undefined when it has none (the field is then left out). */
export function enumLiteralFacts(sf: ts.SourceFile): CodeEnumLiteral[] | undefined {
  try {
    const found = collectEnumLiterals(sf);
    return found.length ? found : undefined;
  } catch {
    return undefined;
  }
}
