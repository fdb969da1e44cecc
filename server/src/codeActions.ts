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
import type { Language, Range } from '../../rules/model';
import { decodeFixes, isDiagnosticData, SOURCE } from './diagnostics';
import { pathToUri } from './documents';
import type { Finding, ResolvedFix } from './engine';
import { collectFixAll } from './fixes';
import type { FileEdit } from './languages/types';

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
  const isCurrent = (edits: readonly FileEdit[]) => input.current(edits.filter((e) => !e.create).map((e) => e.file));
  for (const diagnostic of ours) {
    const rule = String(diagnostic.code);
    const decoded = isDiagnosticData(diagnostic.data) ? decodeFixes(diagnostic.data, input.file) : [];
    // Fixes written for an older text are not offered: the next diagnostics bring them again, up to date.
    const fixes = decoded.filter((fix) => isCurrent(fix.edits));
    for (const fix of fixes) {
      actions.push({
        title: fix.safety === 'unsafe' ? `${fix.title}` : fix.title,
        kind: CodeActionKind.QuickFix,
        diagnostics: [diagnostic],
        isPreferred: fix.preferred && fix.safety === 'safe',
        edit: toWorkspaceEdit(fix.edits, input.versionOf),
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
          edit: toWorkspaceEdit(edits, input.versionOf),
        });
      }
    }
    if (rule !== 'unused-ignore' && rule !== 'unknown-rule') {
      const line = diagnostic.range.start.line;
      actions.push({
        title: `Ignore ${rule} for this line`,
        kind: CodeActionKind.QuickFix,
        diagnostics: [diagnostic],
        edit: toWorkspaceEdit([{ file: input.file, edits: [ignoreLineEdit(input.text, line, rule, input.language)] }], input.versionOf),
      });
      actions.push({
        title: `Ignore ${rule} for this file`,
        kind: CodeActionKind.QuickFix,
        diagnostics: [diagnostic],
        edit: toWorkspaceEdit([{ file: input.file, edits: [ignoreFileEdit(input.text, rule, input.language)] }], input.versionOf),
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
    edit: toWorkspaceEdit(edits, input.versionOf),
  };
}

/** A comment that the file's language accepts on a line of its own. */
export function commentPrefix(language: Language | undefined): string {
  return language === 'sql' ? '--' : '//';
}

function indentationOf(text: string, line: number): string {
  const lines = text.split('\n');
  const l = lines[line] ?? '';
  return l.slice(0, l.length - l.trimStart().length);
}

/** The file's line break, as its first line ends. */
function eolOf(text: string): string {
  const nl = text.indexOf('\n');
  return nl > 0 && text.charCodeAt(nl - 1) === 13 ? '\r\n' : '\n';
}

export function ignoreLineEdit(text: string, line: number, rule: string, language: Language | undefined) {
  return {
    range: { start: { line, character: 0 }, end: { line, character: 0 } },
    newText: `${indentationOf(text, line)}${commentPrefix(language)} schema-review-ignore ${rule}${eolOf(text)}`,
  };
}

export function ignoreFileEdit(text: string, rule: string, language: Language | undefined) {
  // After a shebang or a 'use client'-style directive line the comment would still be fine, but a shebang must stay first.
  const line = text.startsWith('#!') ? 1 : 0;
  return {
    range: { start: { line, character: 0 }, end: { line, character: 0 } },
    newText: `${commentPrefix(language)} schema-review-ignore-file ${rule}${eolOf(text)}`,
  };
}

export function toWorkspaceEdit(edits: readonly FileEdit[], versionOf: (file: string) => number | null): WorkspaceEdit {
  const documentChanges: (TextDocumentEdit | CreateFile)[] = [];
  for (const fe of edits) {
    const uri = pathToUri(fe.file);
    if (fe.create) documentChanges.push({ kind: 'create', uri, options: { ignoreIfExists: false, overwrite: false } });
    documentChanges.push({
      textDocument: { uri, version: fe.create ? null : versionOf(fe.file) },
      edits: fe.edits.map((e) => ({ range: e.range, newText: e.newText })),
    });
  }
  return { documentChanges };
}

export type { ResolvedFix };
