/** Findings and source problems as LSP diagnostics. Fix edits travel in `data`, so code actions need no cache. */
import { DiagnosticSeverity, DiagnosticTag, type Diagnostic } from 'vscode-languageserver';
import type { FixSafety, Severity } from '../../rules/types';
import type { Finding, ResolvedFix } from './engine';
import type { SourceDiagnostic } from './languages/types';
import { pathToUri } from './documents';

export const SOURCE = 'schema-review';

/**
 * A finding's fixes as they travel in `Diagnostic.data`, compact (a schema can have thousands of diagnostics,
 * each sent again after every keystroke): an edit is `[startLine, startCharacter, endLine, endCharacter,
 * newText]`, a file edit names its file only when it is not the diagnostic's own document, and `preferred`
 * is present only when true. `decodeFixes` gives back the engine's `ResolvedFix`es.
 */
export interface DiagnosticData {
  rule: string;
  fixes: WireFix[];
}

export type WireEdit = [number, number, number, number, string];

export interface WireFix {
  title: string;
  safety: FixSafety;
  preferred?: true;
  edits: { file?: string; create?: true; edits: WireEdit[] }[];
}

export function encodeFixes(fixes: readonly ResolvedFix[], file: string): WireFix[] {
  return fixes.map((fix) => {
    const wire: WireFix = {
      title: fix.title,
      safety: fix.safety,
      edits: fix.edits.map((fe) => {
        const edits = fe.edits.map((e): WireEdit => [e.range.start.line, e.range.start.character, e.range.end.line, e.range.end.character, e.newText]);
        return { ...(fe.file !== file ? { file: fe.file } : {}), ...(fe.create ? { create: true as const } : {}), edits };
      }),
    };
    if (fix.preferred) wire.preferred = true;
    return wire;
  });
}

export function decodeFixes(data: DiagnosticData, file: string): ResolvedFix[] {
  return data.fixes.map((fix) => ({
    title: fix.title,
    safety: fix.safety,
    preferred: fix.preferred === true,
    edits: fix.edits.map((fe) => ({
      file: fe.file ?? file,
      ...(fe.create ? { create: true } : {}),
      edits: fe.edits.map(([sl, sc, el, ec, newText]) => ({ range: { start: { line: sl, character: sc }, end: { line: el, character: ec } }, newText })),
    })),
  }));
}

const SEVERITY: Record<Severity, DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  info: DiagnosticSeverity.Information,
};

export function findingToDiagnostic(f: Finding, docUri: (rule: string) => string | undefined, relatedSupported = true): Diagnostic {
  const href = docUri(f.rule);
  const data: DiagnosticData = { rule: f.rule, fixes: encodeFixes(f.fixes, f.file) };
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
  if (typeof x !== 'object' || x === null || typeof (x as DiagnosticData).rule !== 'string' || !Array.isArray((x as DiagnosticData).fixes)) return false;
  // What a client sends back is not ours to trust: check the shape decodeFixes reads.
  return (x as DiagnosticData).fixes.every(
    (fix) =>
      typeof fix?.title === 'string' &&
      Array.isArray(fix.edits) &&
      fix.edits.every((fe) => Array.isArray(fe?.edits) && fe.edits.every((e) => Array.isArray(e) && e.length === 5 && typeof e[4] === 'string')),
  );
}
