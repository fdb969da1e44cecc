/**
 * Code actions, as plain functions over the request and the current findings (unit-testable without a
 * server): the fixes of each diagnostic, "fix all <rule> in file", "Ignore <rule> for this line/file",
 * "Show documentation for <rule>", and `source.fixAll.schemaReview` (safe fixes only unless unsafe fixes
 * are enabled).
 */
import {
  CodeActionKind,
  type CodeAction,
  type CreateFile,
  type Diagnostic,
  type TextDocumentEdit,
  type WorkspaceEdit,
} from 'vscode-languageserver';
import * as ts from 'typescript';
import { ruleById } from '../../rules';
import type { Language, Position, Range } from '../../rules/model';
import { SOURCE } from './diagnostics';
import { pathToUri } from './documents';
import type { Finding, ResolvedFix } from './engine';
import { collectFixAll, offsetAt } from './fixes';
import { lineStartsOf } from './languages/code/ast';
import { splitStatements, tokenize, type RawStatement } from './languages/sql/lexer';
import type { FileEdit } from './languages/types';
import { crLineEnds } from './languages/lines';

export const FIX_ALL_KIND = `${CodeActionKind.SourceFixAll}.schemaReview`;

export interface CodeActionInput {
  file: string;
  language: Language | undefined;
  text: string;
  range: Range;
  /** Diagnostics from the request's context. */
  diagnostics: Diagnostic[];
  /** `context.only`, if the client restricted the kinds. */
  only?: string[];
  /** The current findings of this file (for fix-all). */
  findings: readonly Finding[];
  unsafeFixes: boolean;
  /** Version of open documents, or null. */
  versionOf(file: string): number | null;
  /**
   * Whether the fixes known for these files were written for their current text: false while an edit has not been
   * reviewed yet (the fixes' ranges are those of the older text, and the document's version would vouch for them).
   */
  current(files: readonly string[]): boolean;
  /** Link to a rule's documentation. */
  docUri(rule: string): string | undefined;
  /**
   * Whether a file's lines all end in a bare `\r`. The review, and `text`, read them as `\n` (same positions); the
   * new lines a fix writes there end in `\r` too.
   */
  endsLinesWithCr?(file: string): boolean;
}

export function handleCodeActions(input: CodeActionInput): CodeAction[] {
  const wants = (kind: string) => !input.only || input.only.some((o) => kind === o || kind.startsWith(`${o}.`));
  const actions: CodeAction[] = [];

  if (wants(FIX_ALL_KIND) && input.only) {
    // Only when asked for explicitly (on save, or "Fix all"), never in the lightbulb.
    const fixAll = fixAllAction(input);
    if (fixAll) actions.push(fixAll);
    return actions;
  }
  if (!wants(CodeActionKind.QuickFix)) return actions;

  const ours = input.diagnostics.filter((d) => d.source === SOURCE && typeof d.code === 'string');
  const seenRules = new Set<string>();
  let jsxChild: ((line: number) => boolean) | undefined;
  /** A SQL file's statements, split once per request (sqlIgnoreLine). */
  let sqlStatements: RawStatement[] | undefined;
  const isCurrent = (edits: readonly FileEdit[]) => input.current(edits.filter((e) => !e.create).map((e) => e.file));
  for (const diagnostic of ours) {
    const rule = String(diagnostic.code);
    // The fixes are those of the finding the diagnostic shows in the last review. A diagnostic the editor holds from
    // an older review (the request crossed the new diagnostics; the editor moved its range with the text, not the
    // edits in its data) matches no finding, or one whose fixes are written for the current text.
    const finding = input.findings.find((f) => f.rule === rule && sameRange(f.range, diagnostic.range) && f.message === diagnostic.message);
    const decoded = finding ? finding.fixes : [];
    // Fixes written for an older text are not offered: the next diagnostics bring them again, up to date.
    const fixes = decoded.filter((fix) => isCurrent(fix.edits));
    for (const fix of fixes) {
      actions.push({
        title: fix.safety === 'unsafe' ? `${fix.title}` : fix.title,
        kind: CodeActionKind.QuickFix,
        diagnostics: [diagnostic],
        isPreferred: fix.preferred && fix.safety === 'safe',
        edit: toWorkspaceEdit(fix.edits, input.versionOf, input.endsLinesWithCr),
      });
    }
    if (seenRules.has(rule)) continue;
    seenRules.add(rule);
    const sameRule = input.findings.filter((f) => f.rule === rule && f.fixes.some((x) => x.safety === 'safe' || (input.unsafeFixes && x.safety === 'unsafe')));
    if (sameRule.length > 1) {
      const edits = collectFixAll(sameRule, input.unsafeFixes, input.file);
      if (edits.length && isCurrent(edits)) {
        actions.push({
          title: `Fix all ${rule} problems in this file`,
          kind: CodeActionKind.QuickFix,
          diagnostics: [diagnostic],
          edit: toWorkspaceEdit(edits, input.versionOf, input.endsLinesWithCr),
        });
      }
    }
    if (rule === 'unused-ignore' && input.current([input.file])) {
      const edit = removeCommentEdit(input.text, jsxCommentContainer(input.file, input.text, diagnostic.range) ?? diagnostic.range);
      if (edit) {
        actions.push({
          title: 'Remove unused ignore comment',
          kind: CodeActionKind.QuickFix,
          diagnostics: [diagnostic],
          isPreferred: true,
          edit: toWorkspaceEdit([{ file: input.file, edits: [edit] }], input.versionOf, input.endsLinesWithCr),
        });
      }
    }
    // Ignore comments and rule docs are for rules: not for a syntax error, a skipped file or a bad config.
    if (ruleById(rule)) {
      if (input.language === 'sql') sqlStatements ??= splitStatements(input.text, 'postgresql');
      const line = sqlStatements ? sqlIgnoreLine(input.text, diagnostic.range.start, sqlStatements) : diagnostic.range.start.line;
      // A line among a JSX element's children: a `//` line there is text the page renders, not a comment; the
      // ignore comment is written as JSX's own, `{/* … */}`.
      jsxChild ??= startsInJsxChildren(input.file, input.text);
      actions.push({
        title: `Ignore ${rule} for this line`,
        kind: CodeActionKind.QuickFix,
        diagnostics: [diagnostic],
        edit: toWorkspaceEdit([{ file: input.file, edits: [ignoreLineEdit(input.text, line, rule, input.language, jsxChild(line))] }], input.versionOf, input.endsLinesWithCr),
      });
      actions.push({
        title: `Ignore ${rule} for this file`,
        kind: CodeActionKind.QuickFix,
        diagnostics: [diagnostic],
        edit: toWorkspaceEdit([{ file: input.file, edits: [ignoreFileEdit(input.text, rule, input.language)] }], input.versionOf, input.endsLinesWithCr),
      });
      const href = input.docUri(rule);
      actions.push({
        title: `Show documentation for ${rule}`,
        kind: CodeActionKind.QuickFix,
        diagnostics: [diagnostic],
        command: { title: `Show documentation for ${rule}`, command: 'schemaReview.showRuleDoc', arguments: [rule, href] },
      });
    }
  }
  return actions;
}

function fixAllAction(input: CodeActionInput): CodeAction | undefined {
  const edits = collectFixAll(input.findings, input.unsafeFixes, input.file);
  if (!edits.length || !input.current(edits.filter((e) => !e.create).map((e) => e.file))) return undefined;
  return {
    title: input.unsafeFixes ? 'Fix all Schema Review problems' : 'Fix all safe Schema Review problems',
    kind: FIX_ALL_KIND,
    edit: toWorkspaceEdit(edits, input.versionOf, input.endsLinesWithCr),
  };
}

function sameRange(a: Range, b: Range): boolean {
  return a.start.line === b.start.line && a.start.character === b.start.character && a.end.line === b.end.line && a.end.character === b.end.character;
}

const JSX_FILE = /\.(tsx|jsx|js|mjs|cjs)$/;

/**
 * Whether a line of a TSX/JSX file starts among a JSX element's children (JSX text, or a child element or `{…}`
 * beginning the line): there, a comment line would be rendered as text. Parses the file once, on first use.
 */
export function startsInJsxChildren(file: string, text: string): (line: number) => boolean {
  if (!JSX_FILE.test(file) || !(text.includes('</') || text.includes('/>'))) return () => false;
  let sf: ts.SourceFile | undefined;
  return (line) => {
    sf ??= ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, file.endsWith('.tsx') ? ts.ScriptKind.TSX : ts.ScriptKind.JSX);
    // LSP lines (not TypeScript's, which also end at U+2028/U+2029).
    const lineStarts = lineStartsOf(sf);
    if (line >= lineStarts.length) return false;
    const lineEnd = line + 1 < lineStarts.length ? lineStarts[line + 1] : text.length;
    let at = lineStarts[line];
    while (at < lineEnd && (text[at] === ' ' || text[at] === '\t')) at++;
    // The innermost node around the line's first character, and the outermost one starting there.
    let node: ts.Node = sf;
    let startingHere: ts.Node | undefined;
    for (;;) {
      const child: ts.Node | undefined = node.getChildren(sf).find((c) => c.pos <= at && at < c.end);
      if (!child) break;
      node = child;
      if (!startingHere && child.kind !== ts.SyntaxKind.SyntaxList && child.getStart(sf) === at) startingHere = child;
    }
    if (ts.isJsxText(node)) return true;
    return (
      !!startingHere &&
      (ts.isJsxExpression(startingHere) || ts.isJsxElement(startingHere) || ts.isJsxSelfClosingElement(startingHere) || ts.isJsxFragment(startingHere)) &&
      (ts.isJsxElement(startingHere.parent) || ts.isJsxFragment(startingHere.parent))
    );
  };
}

/**
 * The range of the JSX expression container `{/* … *\/}` that holds nothing but the comment at `range`, in a TSX/JSX
 * file: removing the comment alone would leave an empty `{}` among the element's children. Undefined elsewhere (an
 * empty block `{ /* … *\/ }` of code stays).
 */
export function jsxCommentContainer(file: string, text: string, range: Range): Range | undefined {
  if (!JSX_FILE.test(file)) return undefined;
  let open = offsetAt(text, range.start) - 1;
  while (open >= 0 && (text[open] === ' ' || text[open] === '\t')) open--;
  let close = offsetAt(text, range.end);
  while (close < text.length && (text[close] === ' ' || text[close] === '\t')) close++;
  if (text[open] !== '{' || text[close] !== '}') return undefined;
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, file.endsWith('.tsx') ? ts.ScriptKind.TSX : ts.ScriptKind.JSX);
  let container: ts.Node | undefined;
  const visit = (node: ts.Node): void => {
    if (container || node.end <= open || node.pos > open) return;
    if (ts.isJsxExpression(node) && !node.expression && node.getStart(sf) === open && node.end === close + 1) container = node;
    else ts.forEachChild(node, visit);
  };
  visit(sf);
  return container ? { start: positionAt(text, open), end: positionAt(text, close + 1) } : undefined;
}

function positionAt(text: string, offset: number): Position {
  let line = 0;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i >= 0 && i < offset; i = text.indexOf('\n', i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { line, character: offset - lineStart };
}

/**
 * The edit that removes a comment at `range`: its whole line when nothing else is on it, else the comment and the
 * spaces before it (a comment after code). Undefined when the range is not in the text.
 */
export function removeCommentEdit(text: string, range: Range): { range: Range; newText: string } | undefined {
  const lines = text.split('\n');
  const first = lines[range.start.line];
  const last = lines[range.end.line];
  if (first === undefined || last === undefined) return undefined;
  const before = first.slice(0, range.start.character);
  const after = last.slice(range.end.character).replace(/\r$/, '');
  if (!before.trim() && !after.trim()) {
    if (range.end.line + 1 < lines.length) return { range: { start: { line: range.start.line, character: 0 }, end: { line: range.end.line + 1, character: 0 } }, newText: '' };
    // The last line: the line break before it goes with it.
    if (range.start.line === 0) return { range: { start: { line: 0, character: 0 }, end: { line: range.end.line, character: last.length } }, newText: '' };
    const previous = lines[range.start.line - 1].replace(/\r$/, '');
    return { range: { start: { line: range.start.line - 1, character: previous.length }, end: { line: range.end.line, character: last.length } }, newText: '' };
  }
  const start = before.trimEnd().length;
  return { range: { start: { line: range.start.line, character: start }, end: range.end }, newText: '' };
}

/**
 * The line a SQL line ignore goes before: the finding's own, unless it lies in a string, such as the body of a
 * `DO $$ … $$` block, where a comment is text of the string that the review does not read. There it goes before the
 * statement, whose ignore comment covers every line of it (the SQL front-end's `targetEndLine`), when the statement
 * starts its line.
 */
export function sqlIgnoreLine(text: string, at: Position, statements: readonly RawStatement[] = splitStatements(text, 'postgresql')): number {
  const offset = offsetAt(text, at);
  const statement = statements.find((st) => st.start <= offset && offset < st.end);
  if (!statement) return at.line;
  const inString = tokenize(text, 'postgresql', statement.start, statement.end).some((t) => t.kind === 'string' && t.start < offset && offset < t.end);
  if (!inString) return at.line;
  const lineStart = text.lastIndexOf('\n', statement.start - 1) + 1;
  if (text.slice(lineStart, statement.start).trim()) return at.line;
  let line = 0;
  for (let i = text.indexOf('\n'); i >= 0 && i < statement.start; i = text.indexOf('\n', i + 1)) line++;
  return line;
}

/** A comment that the file's language accepts on a line of its own. */
export function commentPrefix(language: Language | undefined): string {
  return language === 'sql' ? '--' : '//';
}

function indentationOf(text: string, line: number): string {
  const lines = text.split('\n');
  const l = (lines[line] ?? '').replace(/^\uFEFF/, '');
  return l.slice(0, l.length - l.trimStart().length);
}

/** The file's line break, as its first line ends. */
function eolOf(text: string): string {
  const nl = text.indexOf('\n');
  return nl > 0 && text.charCodeAt(nl - 1) === 13 ? '\r\n' : '\n';
}

export function ignoreLineEdit(text: string, line: number, rule: string, language: Language | undefined, jsxChild = false) {
  const comment = jsxChild ? `{/* schema-review-ignore ${rule} */}` : `${commentPrefix(language)} schema-review-ignore ${rule}`;
  // After a BOM the document's text starts with: the BOM stays first.
  const character = line === 0 && text.charCodeAt(0) === 0xfeff ? 1 : 0;
  return {
    range: { start: { line, character }, end: { line, character } },
    newText: `${indentationOf(text, line)}${comment}${eolOf(text)}`,
  };
}

export function ignoreFileEdit(text: string, rule: string, language: Language | undefined) {
  // After a shebang or a 'use client'-style directive line the comment would still be fine, but a shebang must stay first.
  // A BOM the document's text starts with stays first too.
  const bom = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  const line = text.startsWith('#!', bom) ? 1 : 0;
  const character = line === 0 ? bom : 0;
  return {
    range: { start: { line, character }, end: { line, character } },
    newText: `${commentPrefix(language)} schema-review-ignore-file ${rule}${eolOf(text)}`,
  };
}

export function toWorkspaceEdit(
  edits: readonly FileEdit[],
  versionOf: (file: string) => number | null,
  endsLinesWithCr?: (file: string) => boolean,
): WorkspaceEdit {
  const documentChanges: (TextDocumentEdit | CreateFile)[] = [];
  for (const fe of edits) {
    const uri = pathToUri(fe.file);
    if (fe.create) documentChanges.push({ kind: 'create', uri, options: { ignoreIfExists: false, overwrite: false } });
    const cr = !fe.create && (endsLinesWithCr?.(fe.file) ?? false);
    documentChanges.push({
      textDocument: { uri, version: fe.create ? null : versionOf(fe.file) },
      edits: fe.edits.map((e) => ({ range: e.range, newText: cr ? crLineEnds(e.newText) : e.newText })),
    });
  }
  return { documentChanges };
}

export type { ResolvedFix };
