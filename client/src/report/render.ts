/**
 * The audit report page: one pure function from an `AuditResult` to a self-contained HTML document (inline
 * styles and script with a nonce, SVG charts, no remote resources), so it works offline and is testable
 * without VS Code. Colours come from VS Code's theme variables; every text from the report is escaped.
 *
 * Large reports: each group renders its first `rowsPerGroup` rows; the rest travel as JSON in a data block
 * and the page script builds them on "Show N more", so 10k findings cost a few hundred DOM rows at load.
 */
import type { AuditAreaSummary, AuditResult } from '../../../server/src/protocol';
import type { JsonFinding, JsonProblem, JsonReport } from '../../../server/src/report/model';
import { PAGE_SCRIPT } from './pageScript';

type Severity = 'error' | 'warning' | 'info';
type Category = AuditAreaSummary['category'];

export interface RenderOptions {
  /** Nonce of the inline `<style>` and `<script>` (fresh per render). */
  nonce: string;
  /** `webview.cspSource`: the only origin resources may come from. */
  cspSource: string;
  /** Rows rendered per (category, severity) group before "Show N more". */
  rowsPerGroup?: number;
  /** When the audit ran; defaults to now. */
  generatedAt?: Date;
}

/** The figures the header shows; also what the panel exposes to end-to-end tests. */
export interface ReportTotals {
  findings: number;
  errors: number;
  warnings: number;
  infos: number;
  files: number;
  problems: number;
  safeFixes: number;
  unsafeFixes: number;
  durationMs: number;
  cancelled: boolean;
}

export const SEVERITIES: readonly Severity[] = ['error', 'warning', 'info'];
const WEIGHT: Record<Severity, number> = { error: 15, warning: 5, info: 1 };
const PRIORITY: Record<Severity, string> = { error: 'P1 · Errors', warning: 'P2 · Warnings', info: 'P3 · Info' };
const PRIORITY_HINT: Record<Severity, string> = { error: 'fix before the next deploy', warning: 'fix soon', info: 'improve' };
const CATEGORY_TITLE: Record<Category, string> = {
  relations: 'Relations & referential integrity',
  indexes: 'Indexes',
  migrations: 'Migration safety',
  'data-types': 'Data types',
  transactions: 'Transactions',
  queries: 'Queries',
};
const CATEGORY_ORDER = Object.keys(CATEGORY_TITLE) as Category[];
const LANGUAGE_NAME: Record<string, string> = { prisma: 'Prisma', sql: 'SQL', drizzle: 'Drizzle', code: 'code' };
export const DEFAULT_ROWS_PER_GROUP = 25;
const WORST_FILES = 10;

// ---------------------------------------------------------------------------------------------- data

/** The report inside a result, with every field present even when the server sent less. */
export function reportOf(result: Pick<AuditResult, 'report'>): JsonReport {
  const r = (result.report && typeof result.report === 'object' ? result.report : {}) as Partial<JsonReport>;
  const summary = (r.summary ?? {}) as Partial<JsonReport['summary']>;
  const findings = Array.isArray(r.findings) ? r.findings.filter(isFinding) : [];
  return {
    tool: 'schema-review',
    version: typeof r.version === 'string' ? r.version : '',
    root: typeof r.root === 'string' ? r.root : '',
    files: Array.isArray(r.files) ? r.files : [],
    findings,
    problems: Array.isArray(r.problems) ? (r.problems as unknown[]).filter(isLocated) as JsonProblem[] : [],
    summary: {
      files: typeof summary.files === 'number' ? summary.files : Array.isArray(r.files) ? r.files.length : 0,
      findings: findings.length,
      bySeverity: summary.bySeverity ?? {},
      byCategory: summary.byCategory ?? {},
      durationMs: typeof summary.durationMs === 'number' ? summary.durationMs : 0,
    },
  };
}

function isFinding(f: unknown): f is JsonFinding {
  return isLocated(f);
}

function isLocated(f: unknown): boolean {
  const x = f as JsonFinding;
  return !!x && typeof x === 'object' && typeof x.file === 'string' && typeof x.message === 'string' &&
    !!x.range && !!x.range.start && typeof x.range.start.line === 'number';
}

function severityOf(s: unknown): Severity {
  return s === 'error' || s === 'warning' ? s : 'info';
}

/** 'safe' when fix-all applies a fix, 'unsafe' when a fix exists but changes behaviour, 'advice' for display-only. */
export function fixAvailability(f: Pick<JsonFinding, 'fixes'>): 'safe' | 'unsafe' | 'advice' | 'none' {
  const fixes = Array.isArray(f.fixes) ? f.fixes : [];
  if (fixes.some((x) => x.safety === 'safe')) return 'safe';
  if (fixes.some((x) => x.safety === 'unsafe')) return 'unsafe';
  return fixes.length ? 'advice' : 'none';
}

export function reportTotals(result: AuditResult): ReportTotals {
  const report = reportOf(result);
  const count = (s: Severity) => report.findings.filter((f) => severityOf(f.severity) === s).length;
  return {
    findings: report.findings.length,
    errors: count('error'),
    warnings: count('warning'),
    infos: count('info'),
    files: typeof result.files === 'number' ? result.files : report.summary.files,
    problems: report.problems.length,
    safeFixes: report.findings.filter((f) => fixAvailability(f) === 'safe').length,
    unsafeFixes: report.findings.filter((f) => fixAvailability(f) === 'unsafe').length,
    durationMs: Math.round(typeof result.durationMs === 'number' ? result.durationMs : report.summary.durationMs),
    cancelled: !!result.cancelled,
  };
}

/** Areas in display order; computed from the findings when the server sent none. */
function areasOf(result: AuditResult, report: JsonReport): AuditAreaSummary[] {
  if (Array.isArray(result.areas) && result.areas.length) return result.areas;
  return CATEGORY_ORDER.map((category) => {
    const list = report.findings.filter((f) => f.category === category);
    const n = (s: Severity) => list.filter((f) => severityOf(f.severity) === s).length;
    const score = Math.max(0, 100 - list.reduce((sum, f) => sum + WEIGHT[severityOf(f.severity)], 0));
    return { category, title: CATEGORY_TITLE[category], score, errors: n('error'), warnings: n('warning'), infos: n('info') };
  });
}

function areaStatus(a: AuditAreaSummary): { key: string; label: string } {
  if (a.errors) return { key: 'action', label: 'Action needed' };
  if (a.warnings) return { key: 'attention', label: 'Needs attention' };
  if (a.infos) return { key: 'minor', label: 'Minor' };
  return { key: 'clean', label: 'Clean' };
}

export interface WorstFile { file: string; weight: number; counts: Record<Severity, number>; first: JsonFinding }

/** Files by weighted findings (the score weights), heaviest first, ties by name. */
export function worstFiles(findings: readonly JsonFinding[], limit = WORST_FILES): WorstFile[] {
  const byFile = new Map<string, WorstFile>();
  for (const f of findings) {
    const sev = severityOf(f.severity);
    let w = byFile.get(f.file);
    if (!w) byFile.set(f.file, (w = { file: f.file, weight: 0, counts: { error: 0, warning: 0, info: 0 }, first: f }));
    w.weight += WEIGHT[sev];
    w.counts[sev]++;
    const firstSev = severityOf(w.first.severity);
    if (WEIGHT[sev] > WEIGHT[firstSev] || (sev === firstSev && f.range.start.line < w.first.range.start.line)) w.first = f;
  }
  return [...byFile.values()].sort((a, b) => b.weight - a.weight || (a.file < b.file ? -1 : 1)).slice(0, limit);
}

// ---------------------------------------------------------------------------------------------- text

export function escapeHtml(value: unknown): string {
  return String(value)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/** Escaped text with `code spans` shown as code (the messages quote identifiers that way). */
function messageHtml(message: string): string {
  const parts = message.split('`');
  if (parts.length < 3) return escapeHtml(message);
  return parts.map((p, i) => (i % 2 === 1 && i < parts.length - 1 ? `<code>${escapeHtml(p)}</code>` : escapeHtml(i % 2 === 1 ? '`' + p : p))).join('');
}

const plural = (n: number, one: string, many = `${one}s`) => `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;
const num = (n: number) => n.toLocaleString('en-US');

function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
  return `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
}

function formatDate(d: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}`;
}

/** Long paths keep their end (the file name) in a chart label. */
function shortenPath(file: string, max: number): string {
  return file.length <= max ? file : '…' + file.slice(file.length - max + 1);
}

/** JSON that is safe inside a `<script type="application/json">` block. */
function jsonForScript(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/>/g, '\\u003e').replace(/&/g, '\\u0026').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

function docPathOf(f: { rule: string; category: string }): string {
  return `rules/${f.category}/${f.rule}.md`;
}

// ---------------------------------------------------------------------------------------------- page

export function renderReport(result: AuditResult, options: RenderOptions): string {
  const report = reportOf(result);
  const totals = reportTotals(result);
  const areas = areasOf(result, report);
  const rowsPerGroup = Math.max(1, options.rowsPerGroup ?? DEFAULT_ROWS_PER_GROUP);
  const nonce = escapeHtml(options.nonce);
  const csp = [
    `default-src 'none'`,
    `img-src ${options.cspSource} data:`,
    `style-src ${options.cspSource} 'nonce-${options.nonce}'`,
    `script-src 'nonce-${options.nonce}'`,
    `font-src ${options.cspSource}`,
  ].join('; ');

  const overflow: Record<string, unknown[][]> = {};
  const body: string[] = [];
  body.push(renderHeader(result, report, totals, options.generatedAt ?? new Date()));
  if (totals.cancelled) body.push(renderCancelled(totals));
  body.push(renderTotals(totals));
  if (totals.findings === 0) body.push(renderEmpty(report, totals));
  else body.push(renderHeadline(areas, totals));
  body.push(renderAreas(areas, result.scoreFormula, totals));
  if (totals.findings > 0) {
    body.push(renderTopRules(report.findings, areas));
    body.push(renderCharts(areas, report.findings));
    body.push(renderFindings(report.findings, areas, rowsPerGroup, overflow));
  }
  if (report.problems.length) body.push(renderProblems(report.problems, rowsPerGroup, overflow));

  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${escapeHtml(csp)}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Database audit</title>
<style nonce="${nonce}">${STYLES}</style>
</head>
<body data-rows-per-group="${rowsPerGroup}">
<main>
${body.join('\n')}
</main>
<script type="application/json" id="overflow-data">${jsonForScript(overflow)}</script>
<script nonce="${nonce}">${PAGE_SCRIPT}</script>
</body>
</html>
`;
}

function renderHeader(result: AuditResult, report: JsonReport, totals: ReportTotals, date: Date): string {
  const languages = new Map<string, number>();
  for (const f of report.files) languages.set(f.language, (languages.get(f.language) ?? 0) + 1);
  const langText = [...languages.entries()].sort((a, b) => b[1] - a[1]).map(([l, n]) => `${num(n)} ${LANGUAGE_NAME[l] ?? l}`).join(' · ');
  const meta = [
    `${plural(totals.files, 'file')} reviewed${langText ? ` (${escapeHtml(langText)})` : ''}`,
    `in ${formatDuration(totals.durationMs)}`,
    escapeHtml(formatDate(date)),
    report.version ? `Schema Review ${escapeHtml(report.version)}` : '',
  ].filter(Boolean);
  const fixTitle = totals.safeFixes
    ? `Apply the safe fixes of ${plural(totals.safeFixes, 'finding')} (they keep behaviour), then re-run the audit`
    : 'No finding has a safe fix';
  return `<header class="top">
  <div class="heading">
    <h1>Database audit</h1>
    <div class="root" title="${escapeHtml(report.root)}">${escapeHtml(report.root || (result.findings === 0 ? '' : 'workspace'))}</div>
    <div class="meta">${meta.map((m) => `<span class="m">${m}</span>`).join(' <span class="sep">·</span> ')}</div>
  </div>
  <div class="actions" role="toolbar" aria-label="Report actions">
    <button class="primary" data-action="fixAll" title="${escapeHtml(fixTitle)}"${totals.safeFixes ? '' : ' disabled'}>Fix all safe problems${totals.safeFixes ? ` <span class="count">${num(totals.safeFixes)}</span>` : ''}</button>
    <button class="secondary" data-action="rerun" title="Audit the workspace again">Re-run</button>
    <button class="secondary" data-action="exportMarkdown" title="Save the audit as a Markdown document">Export Markdown</button>
    <button class="secondary" data-action="exportSarif" title="Save the findings as SARIF for code scanning">Export SARIF</button>
  </div>
</header>`;
}

function renderCancelled(totals: ReportTotals): string {
  return `<div class="banner partial" role="status" data-state="cancelled">
  <span class="banner-icon" aria-hidden="true">!</span>
  <div><strong>Partial results.</strong> The audit was cancelled after ${plural(totals.files, 'file')}; totals, scores and charts cover only those files.
  <a href="#" data-action="rerun">Re-run the audit</a> to review the whole workspace.</div>
</div>`;
}

function renderTotals(t: ReportTotals): string {
  const tile = (cls: string, value: number, label: string, hint = '') =>
    `<div class="tile ${cls}${value === 0 ? ' zero' : ''}"><div class="value">${num(value)}</div><div class="label">${escapeHtml(label)}</div>${hint ? `<div class="hint">${hint}</div>` : ''}</div>`;
  return `<section class="totals" aria-label="Totals" data-findings="${t.findings}" data-errors="${t.errors}" data-warnings="${t.warnings}" data-infos="${t.infos}" data-files="${t.files}">
  ${tile('total', t.findings, t.findings === 1 ? 'finding' : 'findings')}
  ${tile('sev-error', t.errors, t.errors === 1 ? 'error' : 'errors', PRIORITY_HINT.error)}
  ${tile('sev-warning', t.warnings, t.warnings === 1 ? 'warning' : 'warnings', PRIORITY_HINT.warning)}
  ${tile('sev-info', t.infos, 'info', PRIORITY_HINT.info)}
  ${tile('fixable', t.safeFixes, 'safe fixes', t.unsafeFixes ? `+ ${num(t.unsafeFixes)} unsafe, to review` : 'one click')}
  ${tile('files', t.files, t.files === 1 ? 'file reviewed' : 'files reviewed', t.problems ? `${plural(t.problems, 'file problem')}` : '')}
</section>`;
}

function renderHeadline(areas: AuditAreaSummary[], t: ReportTotals): string {
  const affected = areas.filter((a) => a.errors + a.warnings + a.infos > 0);
  const worst = [...affected].sort((a, b) => a.score - b.score)[0];
  const parts: string[] = [];
  const sev = [t.errors && plural(t.errors, 'error'), t.warnings && plural(t.warnings, 'warning'), t.infos && `${num(t.infos)} info`].filter(Boolean);
  parts.push(`${sev.join(', ')} across ${plural(affected.length, 'area')}.`);
  if (worst) parts.push(`Weakest area: <strong>${escapeHtml(worst.title)}</strong> (score ${worst.score}).`);
  if (t.safeFixes) parts.push(`${plural(t.safeFixes, 'finding')} can be fixed safely in one click.`);
  const verdict = t.errors ? 'action' : t.warnings ? 'attention' : 'minor';
  const label = t.errors ? 'Action needed' : t.warnings ? 'Needs attention' : 'Minor issues only';
  return `<p class="headline st-${verdict}"><span class="pill st-${verdict}">${label}</span> ${parts.join(' ')}</p>`;
}

function renderEmpty(report: JsonReport, t: ReportTotals): string {
  if (t.files === 0) {
    return `<section class="empty" data-state="${t.cancelled ? 'partial-empty' : 'nothing'}">
  <h2>Nothing to review</h2>
  <p>No Prisma schema, Drizzle schema, SQL migration or database code was found${t.cancelled ? ' before the audit was cancelled' : ' in this workspace'}.
  Check the <code>schemaReview.audit.include</code> and <code>schemaReview.audit.exclude</code> settings.</p>
</section>`;
  }
  const tick = `<svg class="tick" viewBox="0 0 48 48" width="48" height="48" aria-hidden="true"><circle cx="24" cy="24" r="22" class="tick-ring"/><path d="M14 25l7 7 13-15" class="tick-mark"/></svg>`;
  const text = t.cancelled
    ? `No problems in the ${plural(t.files, 'file')} reviewed before the audit was cancelled.`
    : `${plural(t.files, 'file')} reviewed: every relation, index, migration, data type, transaction and query passed the rules.`;
  return `<section class="empty" data-state="${t.cancelled ? 'partial-empty' : 'clean'}">
  ${tick}
  <div><h2>No problems${t.cancelled ? ' so far' : ''}</h2><p>${text}</p>${report.problems.length ? `<p class="hint">${plural(report.problems.length, 'file problem')} (syntax or validation) listed below may hide findings.</p>` : ''}</div>
</section>`;
}

function renderAreas(areas: AuditAreaSummary[], formula: string | undefined, t: ReportTotals): string {
  const cards = areas.map((a) => {
    const st = areaStatus(a);
    const total = a.errors + a.warnings + a.infos;
    const r = 26;
    const c = 2 * Math.PI * r;
    const score = Math.max(0, Math.min(100, Math.round(a.score)));
    const ring = `<svg class="ring" viewBox="0 0 64 64" width="64" height="64" role="img" aria-label="score ${score} of 100">
      <circle cx="32" cy="32" r="${r}" class="ring-track"/>
      ${score > 0 ? `<circle cx="32" cy="32" r="${r}" class="ring-value" stroke-dasharray="${((c * score) / 100).toFixed(1)} ${c.toFixed(1)}" transform="rotate(-90 32 32)"/>` : ''}
      <text x="32" y="37" text-anchor="middle" class="ring-text">${score}</text></svg>`;
    const counts = SEVERITIES.map((s) => {
      const n = s === 'error' ? a.errors : s === 'warning' ? a.warnings : a.infos;
      return `<span class="c sev-${s}${n ? '' : ' zero'}">${num(n)} ${s === 'info' ? 'info' : n === 1 ? s : s + 's'}</span>`;
    }).join('');
    const jump = total ? `<a href="#" class="jump" data-jump="cat-${escapeHtml(a.category)}">${plural(total, 'finding')} ↓</a>` : '<span class="jump none">no findings</span>';
    return `<article class="card st-${st.key}" data-category="${escapeHtml(a.category)}" data-score="${score}">
    ${ring}
    <div class="card-body">
      <h3>${escapeHtml(a.title)}</h3>
      <span class="pill st-${st.key}">${st.label}</span>
      <div class="counts">${counts}</div>
      ${jump}
    </div>
  </article>`;
  });
  return `<section class="areas">
  <h2>Status by area${t.cancelled ? ' <span class="partial-tag">partial</span>' : ''}</h2>
  <div class="cards">
  ${cards.join('\n  ')}
  </div>
  <p class="formula"><strong>Score</strong> per area: ${escapeHtml(formula || '100 − 15 per error − 5 per warning − 1 per info, floored at 0')}.</p>
</section>`;
}

// ---------------------------------------------------------------------------------------------- top rules

export interface RuleSummary { rule: string; category: string; severity: Severity; count: number; weight: number; safe: number; unsafe: number }

/** Rules by weighted findings: what to fix first (the seed audits' "critical issues by priority"). */
export function topRules(findings: readonly JsonFinding[], limit = 8): RuleSummary[] {
  const byRule = new Map<string, RuleSummary>();
  for (const f of findings) {
    const sev = severityOf(f.severity);
    let r = byRule.get(f.rule);
    if (!r) byRule.set(f.rule, (r = { rule: f.rule, category: f.category, severity: sev, count: 0, weight: 0, safe: 0, unsafe: 0 }));
    r.count++;
    r.weight += WEIGHT[sev];
    if (WEIGHT[sev] > WEIGHT[r.severity]) r.severity = sev;
    const fix = fixAvailability(f);
    if (fix === 'safe') r.safe++;
    else if (fix === 'unsafe') r.unsafe++;
  }
  return [...byRule.values()].sort((a, b) => b.weight - a.weight || (a.rule < b.rule ? -1 : 1)).slice(0, limit);
}

function renderTopRules(findings: readonly JsonFinding[], areas: AuditAreaSummary[]): string {
  const rules = topRules(findings);
  const total = new Set(findings.map((f) => f.rule)).size;
  const rows = rules.map((r) => {
    const area = areas.find((a) => a.category === r.category)?.title ?? CATEGORY_TITLE[r.category as Category] ?? r.category;
    const fix = r.safe ? `<span class="fix safe">${num(r.safe)} safe</span>` : r.unsafe ? `<span class="fix unsafe">${num(r.unsafe)} unsafe</span>` : '<span class="fix none">manual</span>';
    return `<tr class="top-rule sev-${r.severity}">
<td class="sev"><i class="dot sev-${r.severity}" title="${r.severity}"></i></td>
<td class="rule"><a href="#" data-rule="${escapeHtml(r.rule)}" data-doc="${escapeHtml(docPathOf(r))}" title="Open the documentation of ${escapeHtml(r.rule)}">${escapeHtml(r.rule)}</a></td>
<td class="area"><a href="#" data-jump="cat-${escapeHtml(r.category)}">${escapeHtml(area)}</a></td>
<td class="num">${num(r.count)}</td>
<td class="num">${num(r.weight)} pts</td>
<td class="fixcell">${fix}</td>
</tr>`;
  });
  return `<section class="top-rules">
  <h2>What to fix first <span class="sub">rules by weighted findings${total > rules.length ? ` · top ${rules.length} of ${total}` : ''}</span></h2>
  <table class="rules"><thead><tr><th></th><th>Rule</th><th>Area</th><th class="num">Findings</th><th class="num">Weight</th><th class="fixcell">Fixes</th></tr></thead><tbody>
${rows.join('\n')}
  </tbody></table>
</section>`;
}

// ---------------------------------------------------------------------------------------------- charts

const LEGEND = `<div class="legend">${SEVERITIES.map((s) => `<span><i class="sw sev-${s}"></i>${s === 'error' ? 'Error' : s === 'warning' ? 'Warning' : 'Info'}</span>`).join('')}</div>`;

function renderCharts(areas: AuditAreaSummary[], findings: readonly JsonFinding[]): string {
  return `<section class="charts">
  <figure class="chart">
    <figcaption>Findings per area <span class="sub">by severity</span></figcaption>
    ${LEGEND}
    ${categoryChart(areas)}
  </figure>
  <figure class="chart">
    <figcaption>Worst files <span class="sub">by weighted findings (error 15 · warning 5 · info 1)</span></figcaption>
    ${LEGEND}
    ${worstFilesChart(worstFiles(findings))}
  </figure>
</section>`;
}

const CHART_W = 560;
const ROW_H = 26;
const BAR_H = 16;

/** One stacked bar per area (every area, clean ones too: an empty bar says "0"). */
function categoryChart(areas: AuditAreaSummary[]): string {
  const labelW = 200;
  const valueW = 44;
  const barW = CHART_W - labelW - valueW;
  const max = Math.max(1, ...areas.map((a) => a.errors + a.warnings + a.infos));
  const h = areas.length * ROW_H + 4;
  const rows = areas.map((a, i) => {
    const y = i * ROW_H + 4;
    const total = a.errors + a.warnings + a.infos;
    let x = labelW;
    const segs = SEVERITIES.map((s) => {
      const n = s === 'error' ? a.errors : s === 'warning' ? a.warnings : a.infos;
      if (!n) return '';
      const w = Math.max(1.5, (n / max) * barW);
      const seg = `<rect class="seg sev-${s}" x="${x.toFixed(1)}" y="${y}" width="${w.toFixed(1)}" height="${BAR_H}" rx="2"><title>${escapeHtml(a.title)}: ${plural(n, s === 'info' ? 'info' : s, s === 'info' ? 'info' : s + 's')}</title></rect>`;
      x += w;
      return seg;
    }).join('');
    return `<g class="bar${total ? ' clickable' : ''}" data-category="${escapeHtml(a.category)}"${total ? ` data-jump="cat-${escapeHtml(a.category)}"` : ''}>
      <text class="label" x="${labelW - 8}" y="${y + BAR_H - 4}" text-anchor="end">${escapeHtml(a.title)}</text>
      <rect class="track" x="${labelW}" y="${y}" width="${barW}" height="${BAR_H}" rx="2"/>${segs}
      <text class="value" x="${labelW + barW + 8}" y="${y + BAR_H - 4}">${num(total)}</text>
    </g>`;
  });
  return `<svg class="chart-svg" id="chart-categories" viewBox="0 0 ${CHART_W} ${h}" width="100%" role="img" aria-label="Findings per area by severity">${rows.join('')}</svg>`;
}

function worstFilesChart(files: WorstFile[]): string {
  const labelW = 250;
  const valueW = 70;
  const barW = CHART_W - labelW - valueW;
  const max = Math.max(1, ...files.map((f) => f.weight));
  const h = Math.max(1, files.length) * ROW_H + 4;
  const rows = files.map((f, i) => {
    const y = i * ROW_H + 4;
    let x = labelW;
    const segs = SEVERITIES.map((s) => {
      if (!f.counts[s]) return '';
      const w = Math.max(1.5, ((f.counts[s] * WEIGHT[s]) / max) * barW);
      const seg = `<rect class="seg sev-${s}" x="${x.toFixed(1)}" y="${y}" width="${w.toFixed(1)}" height="${BAR_H}" rx="2"/>`;
      x += w;
      return seg;
    }).join('');
    const detail = SEVERITIES.filter((s) => f.counts[s]).map((s) => plural(f.counts[s], s === 'info' ? 'info' : s, s === 'info' ? 'info' : s + 's')).join(', ');
    const loc = f.first.range;
    return `<g class="bar clickable file-bar" data-file="${escapeHtml(f.file)}" data-line="${loc.start.line}" data-col="${loc.start.column}">
      <title>${escapeHtml(f.file)}: ${detail} (${f.weight} points)</title>
      <text class="label" x="${labelW - 8}" y="${y + BAR_H - 4}" text-anchor="end">${escapeHtml(shortenPath(f.file, 36))}</text>
      <rect class="track" x="${labelW}" y="${y}" width="${barW}" height="${BAR_H}" rx="2"/>${segs}
      <text class="value" x="${labelW + barW + 8}" y="${y + BAR_H - 4}">${f.weight} pts</text>
    </g>`;
  });
  return `<svg class="chart-svg" id="chart-files" viewBox="0 0 ${CHART_W} ${h}" width="100%" role="img" aria-label="Worst files by weighted findings">${rows.join('')}</svg>`;
}

// ---------------------------------------------------------------------------------------------- findings

function fixBadge(f: JsonFinding): string {
  const kind = fixAvailability(f);
  if (kind === 'none') return '<span class="fix none">manual</span>';
  const titles = f.fixes.map((x) => `${x.title} (${x.safety})`).join('\n');
  const label = kind === 'safe' ? 'safe fix' : kind === 'unsafe' ? 'unsafe fix' : 'advice';
  return `<span class="fix ${kind}" title="${escapeHtml(titles)}">${label}${f.fixes.length > 1 ? ` +${f.fixes.length - 1}` : ''}</span>`;
}

function locationAttrs(x: { file: string; range: JsonFinding['range'] }): string {
  const r = x.range;
  const end = r.end && typeof r.end.line === 'number' ? ` data-end-line="${r.end.line}" data-end-col="${r.end.column}"` : '';
  return `data-file="${escapeHtml(x.file)}" data-line="${r.start.line}" data-col="${r.start.column}"${end}`;
}

function findingRow(f: JsonFinding): string {
  const sev = severityOf(f.severity);
  return `<tr class="row sev-${sev}">
<td class="sev"><i class="dot sev-${sev}" title="${sev}"></i></td>
<td class="rule"><a href="#" data-rule="${escapeHtml(f.rule)}" data-doc="${escapeHtml(docPathOf(f))}" title="Open the documentation of ${escapeHtml(f.rule)}">${escapeHtml(f.rule)}</a></td>
<td class="msg">${messageHtml(f.message)}</td>
<td class="loc"><a href="#" class="loc-link" ${locationAttrs(f)} title="Open ${escapeHtml(f.file)} at line ${f.range.start.line}">${escapeHtml(f.file)}:${f.range.start.line}</a></td>
<td class="fixcell">${fixBadge(f)}</td>
</tr>`;
}

/** The compact form of a row the page script builds on "Show more": see `pageScript.ts`. */
function overflowRow(f: JsonFinding): unknown[] {
  const r = f.range;
  return [severityOf(f.severity), f.rule, docPathOf(f), f.message, f.file, r.start.line, r.start.column, r.end?.line ?? 0, r.end?.column ?? 0, fixAvailability(f), f.fixes.map((x) => `${x.title} (${x.safety})`).join('\n'), f.fixes.length];
}

function byRuleFileLine(a: JsonFinding, b: JsonFinding): number {
  return a.rule < b.rule ? -1 : a.rule > b.rule ? 1 : a.file < b.file ? -1 : a.file > b.file ? 1 : a.range.start.line - b.range.start.line;
}

function renderGroup(id: string, heading: string, rows: string[], rest: unknown[][], overflow: Record<string, unknown[][]>, rowsPerGroup: number, extraClass: string): string {
  let more = '';
  if (rest.length) {
    overflow[id] = rest;
    const next = Math.min(rest.length, Math.max(rowsPerGroup, 200));
    more = `<button class="more link" data-group="${id}" data-hidden="${rest.length}">Show ${num(next)} more <span class="sub">(${num(rest.length)} hidden)</span></button>`;
  }
  return `<div class="group ${extraClass}" id="${id}">
  ${heading ? `<h4>${heading}</h4>` : ''}
  <table class="rows"><tbody>
${rows.join('\n')}
  </tbody></table>
  ${more}
</div>`;
}

function renderFindings(findings: readonly JsonFinding[], areas: AuditAreaSummary[], rowsPerGroup: number, overflow: Record<string, unknown[][]>): string {
  const byCategory = new Map<string, JsonFinding[]>();
  for (const f of findings) {
    const list = byCategory.get(f.category);
    if (list) list.push(f);
    else byCategory.set(f.category, [f]);
  }
  // Display order: the areas' order, then any category the view does not know yet.
  const order = [...areas.map((a) => a.category as string), ...[...byCategory.keys()].filter((c) => !areas.some((a) => a.category === c))];
  const sections: string[] = [];
  for (const category of order) {
    const list = byCategory.get(category);
    if (!list?.length) continue;
    const title = areas.find((a) => a.category === category)?.title ?? CATEGORY_TITLE[category as Category] ?? category;
    const pills = SEVERITIES.map((s) => {
      const n = list.filter((f) => severityOf(f.severity) === s).length;
      return n ? `<span class="pill sev-${s}">${num(n)} ${s === 'info' ? 'info' : n === 1 ? s : s + 's'}</span>` : '';
    }).join('');
    const groups = SEVERITIES.map((s) => {
      const items = list.filter((f) => severityOf(f.severity) === s).sort(byRuleFileLine);
      if (!items.length) return '';
      // Stable ids (area + severity), so what the user expanded survives a re-run.
      const id = `g-${category.replace(/[^a-z0-9-]/gi, '_')}-${s}`;
      const heading = `<i class="dot sev-${s}"></i>${PRIORITY[s]} <span class="sub">${num(items.length)} · ${PRIORITY_HINT[s]}</span>`;
      return renderGroup(id, heading, items.slice(0, rowsPerGroup).map(findingRow), items.slice(rowsPerGroup).map(overflowRow), overflow, rowsPerGroup, `sev-${s}`);
    }).join('\n');
    sections.push(`<details class="category" id="cat-${escapeHtml(category)}" data-category="${escapeHtml(category)}" open>
  <summary><h3>${escapeHtml(title)}</h3><span class="pills">${pills}</span></summary>
${groups}
</details>`);
  }
  return `<section class="findings">
  <h2>Findings <span class="sub">by area, then priority · click a location to open it</span></h2>
${sections.join('\n')}
</section>`;
}

function renderProblems(problems: readonly JsonProblem[], rowsPerGroup: number, overflow: Record<string, unknown[][]>): string {
  const sorted = [...problems].sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : a.range.start.line - b.range.start.line));
  const row = (p: JsonProblem) => {
    const sev = severityOf(p.severity);
    return `<tr class="row sev-${sev}">
<td class="sev"><i class="dot sev-${sev}" title="${sev}"></i></td>
<td class="rule"><span class="code">${escapeHtml(p.code)}</span></td>
<td class="msg">${messageHtml(p.message)}</td>
<td class="loc"><a href="#" class="loc-link" ${locationAttrs(p)} title="Open ${escapeHtml(p.file)} at line ${p.range.start.line}">${escapeHtml(p.file)}:${p.range.start.line}</a></td>
<td class="fixcell"></td>
</tr>`;
  };
  const rest = sorted.slice(rowsPerGroup).map((p) => [severityOf(p.severity), p.code, '', p.message, p.file, p.range.start.line, p.range.start.column, p.range.end?.line ?? 0, p.range.end?.column ?? 0, 'problem', '', 0]);
  return `<section class="problems">
  <h2>File problems <span class="sub">${plural(problems.length, 'file problem')} · syntax or validation errors; findings in these files may be incomplete</span></h2>
  ${renderGroup('problems', '', sorted.slice(0, rowsPerGroup).map(row), rest, overflow, rowsPerGroup, 'problems')}
</section>`;
}

// ---------------------------------------------------------------------------------------------- style

const STYLES = `
:root {
  --sr-error: var(--vscode-errorForeground, #f14c4c);
  --sr-warning: var(--vscode-editorWarning-foreground, #cca700);
  --sr-info: var(--vscode-editorInfo-foreground, #3794ff);
  --sr-ok: var(--vscode-testing-iconPassed, #73c991);
  --sr-muted: var(--vscode-descriptionForeground, #999);
  --sr-border: var(--vscode-widget-border, var(--vscode-panel-border, rgba(128,128,128,.35)));
  --sr-card: var(--vscode-editorWidget-background, rgba(128,128,128,.08));
  --sr-track: var(--vscode-editorWidget-border, rgba(128,128,128,.22));
}
* { box-sizing: border-box; }
body { margin: 0; padding: 0; color: var(--vscode-foreground); background: var(--vscode-editor-background);
  font-family: var(--vscode-font-family, system-ui, sans-serif); font-size: var(--vscode-font-size, 13px); line-height: 1.45; }
main { max-width: 1180px; margin: 0 auto; padding: 20px 28px 64px; }
h1 { font-size: 1.9em; font-weight: 600; margin: 0; letter-spacing: -.01em; }
h2 { font-size: 1.25em; font-weight: 600; margin: 32px 0 12px; padding-bottom: 6px; border-bottom: 1px solid var(--sr-border); }
h3 { font-size: 1.05em; font-weight: 600; margin: 0; }
h4 { font-size: .95em; font-weight: 600; margin: 14px 0 6px; display: flex; align-items: center; gap: 6px; }
.sub { color: var(--sr-muted); font-weight: normal; font-size: .9em; }
a { color: var(--vscode-textLink-foreground); text-decoration: none; cursor: pointer; }
a:hover { color: var(--vscode-textLink-activeForeground, var(--vscode-textLink-foreground)); text-decoration: underline; }
a:focus-visible, button:focus-visible, summary:focus-visible { outline: 1px solid var(--vscode-focusBorder); outline-offset: 2px; }
code, .code { font-family: var(--vscode-editor-font-family, monospace); font-size: .92em; padding: 0 3px; border-radius: 3px;
  background: var(--vscode-textCodeBlock-background, rgba(128,128,128,.15)); }

.top { display: flex; flex-wrap: wrap; gap: 16px; justify-content: space-between; align-items: flex-start; padding-bottom: 14px; border-bottom: 1px solid var(--sr-border); }
.heading { flex: 1 1 380px; min-width: 0; }
.root { font-family: var(--vscode-editor-font-family, monospace); color: var(--sr-muted); margin-top: 4px; word-break: break-all; }
.meta { color: var(--sr-muted); margin-top: 2px; }
.meta .sep { padding: 0 2px; }
.meta .m { white-space: nowrap; }
.actions { display: flex; flex-wrap: wrap; gap: 8px; flex: 0 1 auto; padding-top: 4px; }
button { font: inherit; border: 1px solid var(--vscode-button-border, transparent); border-radius: 2px; padding: 5px 12px; cursor: pointer;
  color: var(--vscode-button-foreground); background: var(--vscode-button-background); }
button:hover:not(:disabled) { background: var(--vscode-button-hoverBackground); }
button.secondary { color: var(--vscode-button-secondaryForeground); background: var(--vscode-button-secondaryBackground); }
button.secondary:hover:not(:disabled) { background: var(--vscode-button-secondaryHoverBackground); }
button:disabled { opacity: .5; cursor: default; }
button.busy { opacity: .7; cursor: progress; }
button .count { display: inline-block; min-width: 18px; padding: 0 5px; margin-left: 4px; border-radius: 9px; font-size: .85em;
  background: var(--vscode-badge-background); color: var(--vscode-badge-foreground); }
button.link { background: none; border: none; color: var(--vscode-textLink-foreground); padding: 4px 0; }
button.link:hover:not(:disabled) { background: none; text-decoration: underline; }

.banner { display: flex; gap: 10px; align-items: flex-start; margin: 16px 0 0; padding: 10px 14px; border-radius: 3px;
  border: 1px solid var(--sr-warning); background: var(--vscode-inputValidation-warningBackground, rgba(204,167,0,.12)); }
.banner-icon { flex: none; width: 18px; height: 18px; border-radius: 50%; text-align: center; line-height: 18px; font-weight: 700;
  background: var(--sr-warning); color: var(--vscode-editor-background); }

.totals { display: grid; grid-template-columns: repeat(auto-fit, minmax(110px, 1fr)); gap: 10px; margin-top: 18px; }
.tile { background: var(--sr-card); border: 1px solid var(--sr-border); border-radius: 4px; padding: 10px 14px; border-top-width: 3px; }
.tile .value { font-size: 1.9em; font-weight: 600; line-height: 1.15; font-variant-numeric: tabular-nums; }
.tile .label { font-weight: 600; }
.tile .hint { color: var(--sr-muted); font-size: .9em; }
.tile.total { border-top-color: var(--vscode-foreground); }
.tile.sev-error { border-top-color: var(--sr-error); } .tile.sev-error .value { color: var(--sr-error); }
.tile.sev-warning { border-top-color: var(--sr-warning); } .tile.sev-warning .value { color: var(--sr-warning); }
.tile.sev-info { border-top-color: var(--sr-info); } .tile.sev-info .value { color: var(--sr-info); }
.tile.fixable { border-top-color: var(--sr-ok); }
.tile.files { border-top-color: var(--sr-muted); }
.tile.zero .value { color: var(--sr-muted); }

.headline { margin: 16px 0 0; padding: 10px 14px; border-left: 3px solid var(--sr-muted); background: var(--sr-card); border-radius: 0 3px 3px 0; }
.headline.st-action { border-left-color: var(--sr-error); }
.headline.st-attention { border-left-color: var(--sr-warning); }
.headline.st-minor { border-left-color: var(--sr-info); }
.pill { display: inline-block; padding: 0 8px; border-radius: 9px; font-size: .85em; font-weight: 600; line-height: 1.6; border: 1px solid currentColor; }
.pill.st-action, .pill.sev-error { color: var(--sr-error); }
.pill.st-attention, .pill.sev-warning { color: var(--sr-warning); }
.pill.st-minor, .pill.sev-info { color: var(--sr-info); }
.pill.st-clean { color: var(--sr-ok); }
.partial-tag { font-size: .7em; font-weight: 600; color: var(--sr-warning); border: 1px solid currentColor; border-radius: 9px; padding: 0 6px; vertical-align: middle; }

.cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(330px, 1fr)); gap: 10px; }
.card { display: flex; gap: 14px; align-items: center; padding: 12px 14px; background: var(--sr-card); border: 1px solid var(--sr-border); border-radius: 4px; border-left-width: 3px; }
.card.st-action { border-left-color: var(--sr-error); }
.card.st-attention { border-left-color: var(--sr-warning); }
.card.st-minor { border-left-color: var(--sr-info); }
.card.st-clean { border-left-color: var(--sr-ok); }
.card-body { display: flex; flex-direction: column; gap: 3px; align-items: flex-start; min-width: 0; }
.ring { flex: none; }
.ring-track { fill: none; stroke: var(--sr-track); stroke-width: 6; }
.ring-value { fill: none; stroke-width: 6; stroke-linecap: round; stroke: var(--sr-muted); }
.st-action .ring-value { stroke: var(--sr-error); }
.st-attention .ring-value { stroke: var(--sr-warning); }
.st-minor .ring-value { stroke: var(--sr-info); }
.st-clean .ring-value { stroke: var(--sr-ok); }
.ring-text { fill: var(--vscode-foreground); font-size: 17px; font-weight: 600; font-family: var(--vscode-font-family, sans-serif); }
.counts { display: flex; gap: 10px; font-size: .92em; }
.counts .sev-error { color: var(--sr-error); } .counts .sev-warning { color: var(--sr-warning); } .counts .sev-info { color: var(--sr-info); }
.counts .zero { color: var(--sr-muted); opacity: .7; }
.jump { font-size: .9em; } .jump.none { color: var(--sr-muted); }
.formula { color: var(--sr-muted); margin: 10px 0 0; }

.empty { display: flex; gap: 16px; align-items: center; margin-top: 18px; padding: 18px 20px; border: 1px solid var(--sr-border); border-left: 3px solid var(--sr-ok); border-radius: 4px; background: var(--sr-card); }
.empty h2 { border: none; margin: 0 0 4px; padding: 0; }
.empty p { margin: 0; }
.tick-ring { fill: none; stroke: var(--sr-ok); stroke-width: 3; }
.tick-mark { fill: none; stroke: var(--sr-ok); stroke-width: 4; stroke-linecap: round; stroke-linejoin: round; }

.charts { display: grid; grid-template-columns: repeat(auto-fit, minmax(420px, 1fr)); gap: 14px; margin-top: 28px; }
.chart { margin: 0; padding: 12px 14px; background: var(--sr-card); border: 1px solid var(--sr-border); border-radius: 4px; }
.chart figcaption { font-weight: 600; font-size: 1.05em; }
.legend { display: flex; gap: 14px; margin: 4px 0 8px; color: var(--sr-muted); font-size: .9em; }
.legend .sw { display: inline-block; width: 10px; height: 10px; border-radius: 2px; margin-right: 5px; }
.sw.sev-error { background: var(--sr-error); } .sw.sev-warning { background: var(--sr-warning); } .sw.sev-info { background: var(--sr-info); }
.chart-svg { display: block; overflow: visible; }
.chart-svg text { font-family: var(--vscode-font-family, sans-serif); font-size: 12px; fill: var(--vscode-foreground); }
.chart-svg text.value { fill: var(--sr-muted); font-variant-numeric: tabular-nums; }
.chart-svg .track { fill: var(--sr-track); opacity: .45; }
.seg.sev-error { fill: var(--sr-error); } .seg.sev-warning { fill: var(--sr-warning); } .seg.sev-info { fill: var(--sr-info); }
.bar.clickable { cursor: pointer; }
.bar.clickable:hover text.label { fill: var(--vscode-textLink-foreground); }
.bar.clickable:hover .seg { opacity: .85; }

details.category { margin: 0 0 10px; border: 1px solid var(--sr-border); border-radius: 4px; background: var(--sr-card); }
details.category > summary { display: flex; align-items: center; gap: 12px; padding: 9px 14px; cursor: pointer; list-style: none; }
details.category > summary::-webkit-details-marker { display: none; }
details.category > summary::before { content: '▸'; color: var(--sr-muted); width: 10px; }
details.category[open] > summary::before { content: '▾'; }
details.category > summary .pills { display: flex; gap: 6px; }
.group { padding: 0 14px 8px; }
.group h4 .dot { margin-right: 2px; }
table.rows { width: 100%; border-collapse: collapse; table-layout: fixed; }
table.rows td { padding: 5px 8px 5px 0; vertical-align: top; border-top: 1px solid var(--sr-border); }
table.rows tr.row { cursor: pointer; }
table.rows tr.row:hover { background: var(--vscode-list-hoverBackground); }
td.sev { width: 18px; padding-top: 9px !important; }
td.rule { width: 230px; font-family: var(--vscode-editor-font-family, monospace); font-size: .92em; overflow-wrap: anywhere; }
td.msg { overflow-wrap: anywhere; }
td.loc { width: 290px; font-family: var(--vscode-editor-font-family, monospace); font-size: .92em; overflow-wrap: anywhere; }
td.fixcell { width: 96px; text-align: right; padding-right: 0 !important; }
.dot { display: inline-block; width: 9px; height: 9px; border-radius: 50%; }
.dot.sev-error { background: var(--sr-error); } .dot.sev-warning { background: var(--sr-warning); } .dot.sev-info { background: var(--sr-info); }
.fix { display: inline-block; font-size: .82em; padding: 0 6px; border-radius: 9px; white-space: nowrap; border: 1px solid currentColor; }
.fix.safe { color: var(--sr-ok); }
.fix.unsafe { color: var(--sr-warning); }
.fix.advice, .fix.none { color: var(--sr-muted); border-color: transparent; }
.more { margin-top: 4px; }
table.rules { width: 100%; border-collapse: collapse; }
table.rules th { text-align: left; font-weight: 600; color: var(--sr-muted); padding: 4px 10px 4px 0; border-bottom: 1px solid var(--sr-border); }
table.rules td { padding: 5px 10px 5px 0; border-bottom: 1px solid var(--sr-border); }
table.rules td.rule { width: auto; }
table.rules th.fixcell { text-align: right; padding-right: 0; }
table.rules td.area a { color: var(--vscode-foreground); }
table.rules .num { text-align: right; font-variant-numeric: tabular-nums; width: 90px; }
table.rules td.sev { padding-top: 8px !important; }
.problems .group { padding: 0; }
@media (max-width: 760px) { td.rule { width: 140px; } td.loc { width: 170px; } td.fixcell { width: 76px; } main { padding: 14px; } }
body.vscode-high-contrast .tile, body.vscode-high-contrast .card, body.vscode-high-contrast .chart, body.vscode-high-contrast details.category { border-color: var(--vscode-contrastBorder); }
`;
