/**
 * The audit as Markdown, written the way a lead engineer writes a database audit: a summary, a status
 * per area with a score, the issues by priority with their exact locations, and what to do next.
 * The CLI's `--format markdown` and the editor's "Audit workspace database" use this same generator.
 */
import { ruleById } from '../../../rules';
import type { Category, Severity } from '../../../rules/types';
import { ruleDocUrl } from '../ruleDocs';
import { CATEGORY_ORDER, SEVERITY_ORDER, type JsonFinding, type JsonReport } from './model';

export const CATEGORY_TITLE: Record<Category, string> = {
  relations: 'Relations & referential integrity',
  indexes: 'Indexes',
  migrations: 'Migration safety',
  'data-types': 'Data types',
  transactions: 'Transactions',
  queries: 'Queries',
};

const PRIORITY: Record<Severity, string> = { error: 'P1 — fix before the next deploy', warning: 'P2 — fix soon', info: 'P3 — improve' };

/** Points a finding costs its category's score (documented in the report and the README). */
export const SCORE_WEIGHTS: Record<Severity, number> = { error: 15, warning: 5, info: 1 };

/** 100 minus the weighted findings of the category, never below 0. */
export function categoryScore(findings: readonly JsonFinding[]): number {
  return Math.max(0, 100 - findings.reduce((sum, f) => sum + SCORE_WEIGHTS[f.severity], 0));
}

export const SCORE_FORMULA = `100 − ${SCORE_WEIGHTS.error} per error − ${SCORE_WEIGHTS.warning} per warning − ${SCORE_WEIGHTS.info} per info, floored at 0`;

/** Score and counts per area, in display order. */
export function areaSummaries(report: JsonReport) {
  return CATEGORY_ORDER.map((category) => {
    const list = report.findings.filter((f) => f.category === category);
    return {
      category,
      title: CATEGORY_TITLE[category],
      score: categoryScore(list),
      errors: list.filter((f) => f.severity === 'error').length,
      warnings: list.filter((f) => f.severity === 'warning').length,
      infos: list.filter((f) => f.severity === 'info').length,
    };
  });
}

export interface MarkdownOptions {
  /** Title line; defaults to "Database audit". */
  title?: string;
  /** ISO date of the audit; defaults to now. */
  date?: string;
  /** Links to locations: `relative` (default) or a function returning a link target. */
  link?: (file: string, line: number) => string;
}

export function formatMarkdown(report: JsonReport, options: MarkdownOptions = {}): string {
  const link = options.link ?? ((file: string, line: number) => `${linkPath(file)}#L${line}`);
  const date = options.date ?? new Date().toISOString().slice(0, 10);
  const out: string[] = [];
  const f = report.findings;
  const count = (s: Severity, list = f) => list.filter((x) => x.severity === s).length;
  out.push(`# ${options.title ?? 'Database audit'}`, '');
  out.push(`*Schema Review ${report.version} · ${date} · ${report.summary.files} file${report.summary.files === 1 ? '' : 's'} reviewed in ${report.summary.durationMs} ms*`, '');

  // Summary
  out.push('## Summary', '');
  const languages = new Map<string, number>();
  for (const file of report.files) languages.set(file.language, (languages.get(file.language) ?? 0) + 1);
  const langText = [...languages.entries()].map(([l, n]) => `${n} ${l === 'code' ? 'code' : l} file${n === 1 ? '' : 's'}`).join(', ');
  const problems = report.problems.length;
  if (f.length === 0 && problems) {
    out.push(`No rule findings in ${langText || 'the workspace'}: ${problems} file problem${problems === 1 ? '' : 's'} (below) may hide some.`, '');
  } else if (f.length === 0) {
    out.push(`No problems found in ${langText || 'the workspace'}.`, '');
  } else {
    const fixableSafe = f.filter((x) => x.fixes.some((y) => y.safety === 'safe')).length;
    const fixableAny = f.filter((x) => x.fixes.length > 0).length;
    out.push(
      `**${f.length} finding${f.length === 1 ? '' : 's'}** in ${langText}: ${count('error')} error${count('error') === 1 ? '' : 's'}, ${count('warning')} warning${count('warning') === 1 ? '' : 's'}, ${count('info')} info. ` +
        `${fixableAny} can be fixed in one step (${fixableSafe} safely, with \`schema-review audit --fix\`; the rest change behaviour and need review: \`--fix=unsafe\`).`,
      '',
    );
    const worst = worstRules(f).slice(0, 3);
    if (worst.length) {
      out.push('Most urgent:', '');
      for (const w of worst) out.push(`- **${w.rule}** (${w.findings.length}× ${w.findings[0].severity}): ${ruleById(w.rule)?.meta.description ?? ''}`);
      out.push('');
    }
  }
  if (report.problems.length) {
    out.push(`> ${problems} file problem${problems === 1 ? ' (a syntax or validation error) is' : 's (syntax or validation errors) are'} listed at the end: findings in those files may be incomplete.`, '');
  }

  // Status per area
  out.push('## Status by area', '');
  out.push('| Area | Status | Score | Errors | Warnings | Info |', '|---|---|---:|---:|---:|---:|');
  for (const cat of CATEGORY_ORDER) {
    const list = f.filter((x) => x.category === cat);
    const score = categoryScore(list);
    const status = count('error', list) ? '🔴 action needed' : count('warning', list) ? '🟡 needs attention' : list.length ? '🟢 minor' : '🟢 clean';
    out.push(`| ${CATEGORY_TITLE[cat]} | ${status} | ${score} | ${count('error', list)} | ${count('warning', list)} | ${count('info', list)} |`);
  }
  out.push('', `*Score per area: ${SCORE_FORMULA}.*`, '');

  // Issues by priority
  if (f.length) out.push('## Issues by priority', '');
  for (const sev of SEVERITY_ORDER) {
    const list = f.filter((x) => x.severity === sev);
    if (!list.length) continue;
    out.push(`### ${PRIORITY[sev]} (${list.length})`, '');
    for (const group of worstRules(list)) {
      const meta = ruleById(group.rule)?.meta;
      out.push(`#### ${group.rule} — ${group.findings.length} finding${group.findings.length === 1 ? '' : 's'} · [docs](${ruleDocUrl(group.rule)})`, '');
      if (meta) out.push(`${meta.description}`, '');
      for (const x of group.findings) {
        const fix = x.fixes.length ? ` *Fix: ${inline(x.fixes[0].title)} (${x.fixes[0].safety})${x.fixes.length > 1 ? ` + ${x.fixes.length - 1} more` : ''}.*` : '';
        out.push(`- [${code(`${x.file}:${x.range.start.line}`)}](${link(x.file, x.range.start.line)}) ${inline(x.message)}${fix}`);
      }
      out.push('');
    }
  }

  // Recommendations
  if (f.length) {
    out.push('## Recommendations', '');
    let n = 1;
    const safe = f.filter((x) => x.fixes.some((y) => y.safety === 'safe'));
    if (safe.length) out.push(`${n++}. Apply the ${safe.length} safe fix${safe.length === 1 ? '' : 'es'} now (\`schema-review audit --fix\` or "Fix all safe Schema Review problems" in the editor): they keep behaviour and only add indexes, \`CONCURRENTLY\` or the transaction client.`);
    const rel = f.filter((x) => x.rule === 'missing-on-delete');
    if (rel.length) out.push(`${n++}. Decide a delete policy for the ${rel.length} relation${rel.length === 1 ? '' : 's'} without \`onDelete\`: Cascade for owned children, Restrict or SetNull for audit, payment and history records.`);
    const tx = f.filter((x) => x.category === 'transactions');
    if (tx.length) out.push(`${n++}. Make the ${tx.length} multi-write path${tx.length === 1 ? '' : 's'} atomic with a transaction so a failed write cannot leave half-written data.`);
    const mig = f.filter((x) => x.category === 'migrations');
    if (mig.length) out.push(`${n++}. Review the ${mig.length} migration finding${mig.length === 1 ? '' : 's'} before the next deploy: they lock tables or fail at deploy time.`);
    const rest = f.filter((x) => !x.fixes.length);
    if (rest.length) out.push(`${n++}. ${rest.length} finding${rest.length === 1 ? ' has' : 's have'} no automatic fix; each links to its rule's documentation with the manual fix.`);
    out.push(`${n++}. Run \`schema-review audit --fail-on warning\` in CI so new problems are caught in review.`, '');
  }

  if (report.problems.length) {
    out.push('## File problems', '');
    for (const p of report.problems) out.push(`- [${code(`${p.file}:${p.range.start.line}`)}](${link(p.file, p.range.start.line)}) ${p.severity}: ${inline(p.message)} (${inline(p.code)})`);
    out.push('');
  }
  return out.join('\n');
}

function worstRules(findings: readonly JsonFinding[]): { rule: string; findings: JsonFinding[] }[] {
  const groups = new Map<string, JsonFinding[]>();
  for (const f of findings) groups.set(f.rule, [...(groups.get(f.rule) ?? []), f]);
  const weight = (l: JsonFinding[]) => l.reduce((s, f) => s + SCORE_WEIGHTS[f.severity], 0);
  return [...groups.entries()].map(([rule, list]) => ({ rule, findings: list })).sort((a, b) => weight(b.findings) - weight(a.findings) || (a.rule < b.rule ? -1 : 1));
}

/**
 * Text from a finding (names the user chose: `a|b*c_backup`) as Markdown that shows it as written: the characters
 * Markdown reads as syntax are escaped outside code spans; the code spans messages use (`onDelete`) stay code. A code
 * span is a run of backticks closed by a run of the same length (CommonMark); an unmatched one (a quoted SQL name
 * with a backtick) is escaped like the text around it.
 */
export function inline(text: string): string {
  const escape = (part: string) => part.replace(/[\\`*_[\]<>|#~]/g, (c) => `\\${c}`);
  let out = '';
  let i = 0;
  while (i < text.length) {
    const open = text.indexOf('`', i);
    if (open < 0) break;
    let n = open;
    while (text[n] === '`') n++;
    const fence = text.slice(open, n);
    let close = -1;
    for (let j = n; (j = text.indexOf(fence, j)) >= 0; ) {
      let k = j + fence.length;
      if (text[j - 1] !== '`' && text[k] !== '`') {
        close = j;
        break;
      }
      while (text[k] === '`') k++;
      j = k;
    }
    if (close < 0) {
      out += escape(text.slice(i, n));
      i = n;
      continue;
    }
    out += escape(text.slice(i, open)) + text.slice(open, close + fence.length);
    i = close + fence.length;
  }
  return out + escape(text.slice(i));
}

/** Text as one code span, whatever backticks it holds (a fence longer than any run inside it). */
export function code(text: string): string {
  const longest = Math.max(0, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = '`'.repeat(longest + 1);
  const pad = longest > 0 ? ' ' : '';
  return `${fence}${pad}${text}${pad}${fence}`;
}

/** A relative path as a link target: each segment percent-encoded, parentheses too (`#` and `?` stay in the name). */
function linkPath(file: string): string {
  return file.split('/').map((s) => encodeURIComponent(s).replace(/\(/g, '%28').replace(/\)/g, '%29')).join('/');
}
