/**
 * What every report format shares: the findings of one review in the shape of the CLI JSON contract
 * (version 1, `shared/DESIGN.md`): paths relative to the root with `/`, lines and columns 1-based.
 */
import * as path from 'node:path';
import type { Category, Severity } from '../../../rules/types';
import type { Finding } from '../engine';
import type { SourceDiagnostic } from '../languages/types';
import type { ReviewResult } from '../review';

export const TOOL_VERSION = '0.1.0';

export interface JsonPosition { line: number; column: number }
export interface JsonRange { start: JsonPosition; end: JsonPosition }

export interface JsonFinding {
  rule: string;
  category: Category;
  severity: Severity;
  file: string;
  range: JsonRange;
  message: string;
  fixes: { title: string; safety: string }[];
}

/** Problems that are not rule findings (Prisma validation, unparsable SQL, unused ignores). Additive to the contract. */
export interface JsonProblem {
  code: string;
  source: string;
  severity: Severity;
  file: string;
  range: JsonRange;
  message: string;
}

export interface JsonReport {
  tool: 'schema-review';
  version: string;
  root: string;
  files: { path: string; language: string }[];
  findings: JsonFinding[];
  problems: JsonProblem[];
  summary: {
    files: number;
    findings: number;
    bySeverity: Partial<Record<Severity, number>>;
    byCategory: Partial<Record<Category, number>>;
    durationMs: number;
  };
}

export function relativePath(root: string, file: string): string {
  const rel = path.relative(root, file).split(path.sep).join('/');
  return rel === '' ? path.basename(file) : rel;
}

export function toJsonRange(r: { start: { line: number; character: number }; end: { line: number; character: number } }): JsonRange {
  return {
    start: { line: r.start.line + 1, column: r.start.character + 1 },
    end: { line: r.end.line + 1, column: r.end.character + 1 },
  };
}

export function toJsonFinding(root: string, f: Finding): JsonFinding {
  return {
    rule: f.rule,
    category: f.category,
    severity: f.severity,
    file: relativePath(root, f.file),
    range: toJsonRange(f.range),
    message: f.message,
    fixes: f.fixes.map((x) => ({ title: x.title, safety: x.safety })),
  };
}

export function toJsonProblem(root: string, d: SourceDiagnostic): JsonProblem {
  return {
    code: d.code ?? d.source,
    source: d.source,
    severity: d.severity,
    file: relativePath(root, d.file),
    range: toJsonRange(d.range),
    message: d.message,
  };
}

export function buildJsonReport(result: ReviewResult): JsonReport {
  const bySeverity: Partial<Record<Severity, number>> = {};
  const byCategory: Partial<Record<Category, number>> = {};
  for (const f of result.findings) {
    bySeverity[f.severity] = (bySeverity[f.severity] ?? 0) + 1;
    byCategory[f.category] = (byCategory[f.category] ?? 0) + 1;
  }
  return {
    tool: 'schema-review',
    version: TOOL_VERSION,
    root: result.root,
    files: result.files.map((f) => ({ path: relativePath(result.root, f.path), language: f.language })),
    findings: result.findings.map((f) => toJsonFinding(result.root, f)),
    problems: result.diagnostics.map((d) => toJsonProblem(result.root, d)),
    summary: {
      files: result.files.length,
      findings: result.findings.length,
      bySeverity,
      byCategory,
      durationMs: Math.round(result.durationMs),
    },
  };
}

/** The report of one root as it is, or the reports of several merged under `root`. */
export function combineReports(root: string, reports: JsonReport[]): JsonReport {
  return reports.length === 1 ? reports[0] : mergeJsonReports(root, reports);
}

/** Merges the reports of several roots into one (paths made relative to `root`). */
export function mergeJsonReports(root: string, reports: JsonReport[]): JsonReport {
  const rebase = (r: JsonReport, p: string) => relativePath(root, path.join(r.root, p));
  const merged: JsonReport = {
    tool: 'schema-review',
    version: TOOL_VERSION,
    root,
    files: [],
    findings: [],
    problems: [],
    summary: { files: 0, findings: 0, bySeverity: {}, byCategory: {}, durationMs: 0 },
  };
  for (const r of reports) {
    merged.files.push(...r.files.map((f) => ({ ...f, path: rebase(r, f.path) })));
    merged.findings.push(...r.findings.map((f) => ({ ...f, file: rebase(r, f.file) })));
    merged.problems.push(...r.problems.map((p) => ({ ...p, file: rebase(r, p.file) })));
    merged.summary.files += r.summary.files;
    merged.summary.findings += r.summary.findings;
    merged.summary.durationMs += r.summary.durationMs;
    for (const [k, v] of Object.entries(r.summary.bySeverity)) merged.summary.bySeverity[k as Severity] = (merged.summary.bySeverity[k as Severity] ?? 0) + (v ?? 0);
    for (const [k, v] of Object.entries(r.summary.byCategory)) merged.summary.byCategory[k as Category] = (merged.summary.byCategory[k as Category] ?? 0) + (v ?? 0);
  }
  return merged;
}

export const SEVERITY_ORDER: Severity[] = ['error', 'warning', 'info'];
export const CATEGORY_ORDER: Category[] = ['relations', 'indexes', 'migrations', 'data-types', 'transactions', 'queries'];
