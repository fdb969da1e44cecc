/** Findings and source problems as LSP diagnostics. Fix edits travel in `data`, so code actions need no cache. */
import { DiagnosticSeverity, DiagnosticTag, type Diagnostic } from 'vscode-languageserver';
import type { Severity } from '../../rules/types';
import type { Finding, ResolvedFix } from './engine';
import type { SourceDiagnostic, TextEdit } from './languages/types';
import { pathToUri } from './documents';

export const SOURCE = 'schema-review';

/**
 * A finding's fixes as they travel in `Diagnostic.data` (the rule is the diagnostic's `code`). They are compact: a
 * schema can have thousands of diagnostics, each sent again after every keystroke. A fix is a tuple:
 * `[title, flags, ...edits]`. `flags` has bit 1 for an unsafe fix and bit 2 for the preferred one. An edit of the
 * diagnostic's own document is `[startLine, startCharacter, endLine, endCharacter, newText]`. Edits of another
 * file, or of a file to create, come grouped: `{ file, create?, edits: [...] }`. `decodeFixes` gives back the
 * engine's `ResolvedFix`es.
 */
export interface DiagnosticData {
  fixes: WireFix[];
}

export type WireEdit = [number, number, number, number, string];

export interface WireFileEdit {
  file: string;
  create?: true;
  edits: WireEdit[];
}

export type WireFix = [title: string, flags: number, ...edits: (WireEdit | WireFileEdit)[]];

const UNSAFE = 1;
const PREFERRED = 2;

const toWire = (e: TextEdit): WireEdit => [e.range.start.line, e.range.start.character, e.range.end.line, e.range.end.character, e.newText];
const fromWire = ([sl, sc, el, ec, newText]: WireEdit): TextEdit => ({ range: { start: { line: sl, character: sc }, end: { line: el, character: ec } }, newText });

export function encodeFixes(fixes: readonly ResolvedFix[], file: string): WireFix[] {
  return fixes.map((fix) => {
    const wire: WireFix = [fix.title, (fix.safety === 'unsafe' ? UNSAFE : 0) | (fix.preferred ? PREFERRED : 0)];
    for (const fe of fix.edits) {
      if (fe.file === file && !fe.create) for (const e of fe.edits) wire.push(toWire(e));
      else wire.push({ file: fe.file, ...(fe.create ? { create: true as const } : {}), edits: fe.edits.map(toWire) });
    }
    return wire;
  });
}

export function decodeFixes(data: DiagnosticData, file: string): ResolvedFix[] {
  return data.fixes.map(([title, flags, ...edits]) => {
    const out: ResolvedFix['edits'] = [];
    let own: TextEdit[] | undefined;
    for (const e of edits) {
      if (Array.isArray(e)) {
        // Consecutive edits of the document itself make one file edit.
        if (!own) out.push({ file, edits: (own = []) });
        own.push(fromWire(e));
      } else {
        out.push({ file: e.file, ...(e.create ? { create: true } : {}), edits: e.edits.map(fromWire) });
        own = undefined;
      }
    }
    return { title, safety: flags & UNSAFE ? 'unsafe' : 'safe', preferred: (flags & PREFERRED) !== 0, edits: out };
  });
}

const SEVERITY: Record<Severity, DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  info: DiagnosticSeverity.Information,
};

export function findingToDiagnostic(f: Finding, docUri: (rule: string) => string | undefined, relatedSupported = true): Diagnostic {
  const href = docUri(f.rule);
  const data: DiagnosticData = { fixes: encodeFixes(f.fixes, f.file) };
  return {
    range: f.range,
    severity: SEVERITY[f.severity],
    source: SOURCE,
    code: f.rule,
    ...(href ? { codeDescription: { href } } : {}),
    message: f.message,
    ...(relatedSupported && f.related.length
      ? { relatedInformation: f.related.map((r) => ({ location: { uri: pathToUri(r.loc.file), range: r.loc.range }, message: r.message })) }
      : {}),
    data,
  };
}

export function sourceDiagnosticToDiagnostic(d: SourceDiagnostic): Diagnostic {
  return {
    range: d.range,
    severity: SEVERITY[d.severity],
    source: d.source,
    ...(d.code ? { code: d.code } : {}),
    message: d.message,
    ...(d.code === 'unused-ignore' ? { tags: [DiagnosticTag.Unnecessary] } : {}),
  };
}

export function isDiagnosticData(x: unknown): x is DiagnosticData {
  if (typeof x !== 'object' || x === null || !Array.isArray((x as DiagnosticData).fixes)) return false;
  // What a client sends back is not ours to trust: check the shape decodeFixes reads.
  const isEdit = (e: unknown) => Array.isArray(e) && e.length === 5 && e.slice(0, 4).every((n) => typeof n === 'number') && typeof e[4] === 'string';
  const isFileEdit = (e: unknown) => typeof e === 'object' && e !== null && typeof (e as WireFileEdit).file === 'string' && Array.isArray((e as WireFileEdit).edits) && (e as WireFileEdit).edits.every(isEdit);
  return (x as DiagnosticData).fixes.every(
    (fix) => Array.isArray(fix) && typeof fix[0] === 'string' && typeof fix[1] === 'number' && fix.slice(2).every((e) => isEdit(e) || isFileEdit(e)),
  );
}
