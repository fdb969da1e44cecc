/**
 * The engine: runs the rules over a workspace's model, isolates a rule that throws, applies severity
 * settings and suppression comments, and turns each fix intent into edits through the language that owns
 * the file ("rules decide, languages write").
 */
import type { CodeFile, Database, Loc, Range } from '../../rules/model';
import type { Category, FixIntent, FixSafety, ReportInput, Rule, RuleContext, Severity } from '../../rules/types';
import type { FileEdit, SourceDiagnostic, Suppression } from './languages/types';

export type SeveritySetting = Severity | 'off';

export interface ResolvedFix {
  title: string;
  safety: FixSafety;
  preferred: boolean;
  edits: FileEdit[];
}

export interface Finding {
  rule: string;
  category: Category;
  severity: Severity;
  file: string;
  range: Range;
  message: string;
  fixes: ResolvedFix[];
  related: { loc: Loc; message: string }[];
}

export interface EngineInput {
  databases: readonly Database[];
  codeFiles: readonly CodeFile[];
  suppressions: readonly Suppression[];
}

export interface EngineOptions {
  rules: readonly Rule[];
  /** Severity per rule id; rules not listed use their default. */
  severities?: Readonly<Record<string, SeveritySetting>>;
  /** Turns an intent into edits, or undefined when the owning language cannot write it. */
  writeFix(intent: FixIntent): FileEdit[] | undefined;
  /** Called when a rule or a writer throws; the review goes on without it. */
  onError?(message: string, error: unknown): void;
  /** Results of an earlier run, reused for a rule whose inputs (the same objects) and severity did not change. */
  cache?: RuleCache;
}

interface CachedRun {
  inputs: readonly unknown[];
  severity: SeveritySetting;
  findings: Finding[];
}

/**
 * Per rule: the inputs it judged (by identity), its severity, and its findings before suppression; for a
 * file-scoped rule, the same per code file.
 */
export type RuleCache = Map<string, CachedRun>;

/** What a rule reads: schema rules read the databases; code rules also read the code facts. */
function inputsOf(rule: Rule, input: EngineInput): readonly unknown[] {
  return rule.meta.languages.includes('code') ? [...input.databases, ...input.codeFiles] : [...input.databases];
}

function sameInputs(a: readonly unknown[], b: readonly unknown[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

export interface EngineResult {
  findings: Finding[];
  /** Engine-level problems: unused suppression comments. */
  diagnostics: SourceDiagnostic[];
}

export function severityOf(rule: Rule, severities?: Readonly<Record<string, SeveritySetting>>): SeveritySetting {
  return severities?.[rule.meta.id] ?? rule.meta.defaultSeverity;
}

export function runRules(input: EngineInput, options: EngineOptions): EngineResult {
  const findings: Finding[] = [];
  const databaseFor = (orm: 'prisma' | 'drizzle'): Database | undefined =>
    input.databases.find((d) => d.language === orm) ?? input.databases.find((d) => d.language === 'sql');

  const check = (rule: Rule, severity: SeveritySetting, codeFiles: readonly CodeFile[]): Finding[] => {
    const reports: ReportInput[] = [];
    const context: RuleContext = {
      databases: input.databases,
      codeFiles,
      databaseFor,
      report: (r) => reports.push(r),
    };
    try {
      rule.check(context);
    } catch (error) {
      options.onError?.(`rule ${rule.meta.id} failed; its findings are skipped`, error);
      return [];
    }
    return reports.map((report) => ({
      rule: rule.meta.id,
      category: rule.meta.category,
      severity: severity as Severity,
      file: report.loc.file,
      range: report.loc.range,
      message: report.message,
      fixes: resolveFixes(rule, report, options),
      related: report.related ?? [],
    }));
  };
  /** Runs a rule, or reuses its cached findings when the same input objects were judged at the same severity. */
  const cached = (key: string, inputs: readonly unknown[], severity: SeveritySetting, run: () => Finding[]): Finding[] => {
    const hit = options.cache?.get(key);
    if (hit && hit.severity === severity && sameInputs(hit.inputs, inputs)) return hit.findings;
    const result = run();
    options.cache?.set(key, { inputs, severity, findings: result });
    return result;
  };

  for (const rule of options.rules) {
    const severity = severityOf(rule, options.severities);
    if (severity === 'off') continue;
    if (!options.cache) {
      findings.push(...check(rule, severity, input.codeFiles));
    } else if (rule.meta.scope === 'file') {
      for (const file of input.codeFiles) {
        findings.push(...cached(`${rule.meta.id}\0${file.file}`, [...input.databases, file], severity, () => check(rule, severity, [file])));
      }
    } else {
      findings.push(...cached(rule.meta.id, inputsOf(rule, input), severity, () => check(rule, severity, input.codeFiles)));
    }
  }

  const { kept, diagnostics } = applySuppressions(findings, input.suppressions, new Set(options.rules.map((r) => r.meta.id)));
  kept.sort(compareFindings);
  return { findings: kept, diagnostics };
}

function resolveFixes(rule: Rule, report: ReportInput, options: EngineOptions): ResolvedFix[] {
  const fixes: ResolvedFix[] = [];
  for (const proposal of report.fixes ?? []) {
    let edits: FileEdit[] | undefined;
    try {
      edits = options.writeFix(proposal.intent);
    } catch (error) {
      options.onError?.(`writing the fix "${proposal.title}" of ${rule.meta.id} failed; the fix is not offered`, error);
      continue;
    }
    if (!edits || edits.length === 0) continue;
    fixes.push({
      title: proposal.title,
      safety: proposal.safety,
      preferred: proposal.preferred ?? proposal.safety === 'safe',
      edits,
    });
  }
  // Only one fix of a finding may be preferred: the first one that asks for it.
  let seenPreferred = false;
  for (const fix of fixes) {
    if (fix.preferred && seenPreferred) fix.preferred = false;
    seenPreferred ||= fix.preferred;
  }
  return fixes;
}

function applySuppressions(
  findings: Finding[],
  suppressions: readonly Suppression[],
  knownRules: Set<string>,
): { kept: Finding[]; diagnostics: SourceDiagnostic[] } {
  if (suppressions.length === 0) return { kept: findings, diagnostics: [] };
  const byFile = new Map<string, Suppression[]>();
  for (const s of suppressions) {
    const list = byFile.get(s.loc.file) ?? [];
    list.push(s);
    byFile.set(s.loc.file, list);
  }
  const used = new Set<Suppression>();
  const kept = findings.filter((f) => {
    const list = byFile.get(f.file);
    if (!list) return true;
    const match = list.find(
      (s) =>
        (s.rules.length === 0 || s.rules.includes(f.rule)) &&
        (s.scope === 'file' || s.targetLine === f.range.start.line),
    );
    if (!match) return true;
    used.add(match);
    return false;
  });
  const diagnostics: SourceDiagnostic[] = [];
  for (const s of suppressions) {
    const unknown = s.rules.filter((r) => !knownRules.has(r));
    if (unknown.length > 0) {
      diagnostics.push({
        file: s.loc.file,
        range: s.loc.range,
        severity: 'warning',
        source: 'schema-review',
        code: 'unknown-rule',
        message: `Unknown Schema Review rule ${unknown.map((r) => `"${r}"`).join(', ')} in ignore comment.`,
      });
    } else if (!used.has(s)) {
      diagnostics.push({
        file: s.loc.file,
        range: s.loc.range,
        severity: 'info',
        source: 'schema-review',
        code: 'unused-ignore',
        message: `This ignore comment suppresses nothing${s.rules.length ? ` (${s.rules.join(', ')})` : ''}: remove it.`,
      });
    }
  }
  return { kept, diagnostics };
}

export function compareFindings(a: Finding, b: Finding): number {
  return (
    (a.file < b.file ? -1 : a.file > b.file ? 1 : 0) ||
    a.range.start.line - b.range.start.line ||
    a.range.start.character - b.range.start.character ||
    (a.rule < b.rule ? -1 : a.rule > b.rule ? 1 : 0)
  );
}
