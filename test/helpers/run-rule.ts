/** A tiny in-test runner: runs one rule over model facts and collects what it reports. */
import type { CodeFile, Database } from '../../rules/model';
import type { ReportInput, Rule } from '../../rules/types';

export function runRule(rule: Rule, databases: readonly Database[], codeFiles: readonly CodeFile[] = []): ReportInput[] {
  const reports: ReportInput[] = [];
  rule.check({
    databases,
    codeFiles,
    databaseFor: (orm) => databases.find((d) => d.language === orm),
    report: (finding) => reports.push(finding),
  });
  return reports;
}

/** The one report a case expects; fails with the list when there are none or several. */
export function single(reports: readonly ReportInput[]): ReportInput {
  if (reports.length !== 1) throw new Error(`expected 1 report, got ${reports.length}: ${reports.map((r) => r.message).join(' | ')}`);
  return reports[0];
}

/** Titles, safeties and intent kinds of a report's fixes, for compact asserts. */
export function fixSummary(report: ReportInput): { title: string; safety: string; kind: string; preferred: boolean }[] {
  return (report.fixes ?? []).map((f) => ({ title: f.title, safety: f.safety, kind: f.intent.kind, preferred: f.preferred ?? false }));
}
