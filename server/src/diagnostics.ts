/** Findings and source problems as LSP diagnostics. Fix edits travel in `data`, so code actions need no cache. */
import { DiagnosticSeverity, DiagnosticTag, type Diagnostic } from 'vscode-languageserver';
import type { Severity } from '../../rules/types';
import type { Finding, ResolvedFix } from './engine';
import type { SourceDiagnostic } from './languages/types';
import { pathToUri } from './documents';

export const SOURCE = 'schema-review';

export interface DiagnosticData {
  rule: string;
  fixes: ResolvedFix[];
}

const SEVERITY: Record<Severity, DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  info: DiagnosticSeverity.Information,
};

export function findingToDiagnostic(f: Finding, docUri: (rule: string) => string | undefined, relatedSupported = true): Diagnostic {
  const href = docUri(f.rule);
  const data: DiagnosticData = { rule: f.rule, fixes: f.fixes };
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
  return typeof x === 'object' && x !== null && typeof (x as DiagnosticData).rule === 'string' && Array.isArray((x as DiagnosticData).fixes);
}
