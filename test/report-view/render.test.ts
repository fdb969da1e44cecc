import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { escapeHtml, fixAvailability, renderReport, reportTotals, topRules, worstFiles } from '../../client/src/report/render';
import { parseWebviewMessage } from '../../client/src/report/messages';
import type { JsonFinding, JsonReport } from '../../server/src/report/model';
import type { AuditResult } from '../../server/src/protocol';
import { cliReport, emptyReport, handMadeReport, largeReport, resultOf } from './fixtures';

const nonce = 'TEST+nonce/123=';
const cspSource = 'https://*.vscode-cdn.net';
const render = (result: AuditResult, rowsPerGroup?: number) =>
  renderReport(result, { nonce, cspSource, rowsPerGroup, generatedAt: new Date('2026-11-22T01:30:00') });

/** The attributes a clickable location carries (what the page script posts to open the file). */
const locationData = (f: { file: string; range: JsonFinding['range'] }) =>
  `data-file="${escapeHtml(f.file)}" data-line="${f.range.start.line}" data-col="${f.range.start.column}"`;

function overflowOf(html: string): Record<string, unknown[][]> {
  const m = /<script type="application\/json" id="overflow-data">([^<]*)<\/script>/.exec(html);
  assert.ok(m, 'overflow data block present');
  return JSON.parse(m[1]) as Record<string, unknown[][]>;
}

const count = (html: string, needle: string | RegExp) =>
  typeof needle === 'string' ? html.split(needle).length - 1 : (html.match(new RegExp(needle.source, 'g')) ?? []).length;

/** The text inside <svg id="…">…</svg>. */
function svg(html: string, id: string): string {
  const start = html.indexOf(`<svg class="chart-svg" id="${id}"`);
  assert.ok(start >= 0, `chart ${id} present`);
  return html.slice(start, html.indexOf('</svg>', start));
}

describe('report view: a real audit (CLI engine on examples/learning-platform)', async () => {
  const report = await cliReport();
  const result = resultOf(report);
  const html = render(result);

  it('the engine produced findings to show', () => {
    assert.ok(report.findings.length >= 5, `expected findings from the example, got ${report.findings.length}`);
  });

  it('has a strict CSP: nonce, default-src none, no remote scripts, styles or fonts', () => {
    const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]*)">/.exec(html);
    assert.ok(csp, 'CSP meta tag');
    const policy = csp[1].replace(/&#39;/g, "'");
    assert.match(policy, /default-src 'none'/);
    assert.match(policy, new RegExp(`script-src 'nonce-${nonce.replace(/[+/=]/g, (c) => '\\' + c)}'(;|$)`));
    assert.match(policy, /style-src https:\/\/\*\.vscode-cdn\.net 'nonce-/);
    assert.doesNotMatch(policy, /unsafe-inline|unsafe-eval/);
    const scriptSrc = /script-src ([^;]*)/.exec(policy)![1];
    assert.doesNotMatch(scriptSrc, /https?:/, 'no http(s) script sources');
    // Every executable script and every style carries the nonce; nothing is loaded from anywhere.
    const scripts = html.match(/<script\b[^>]*>/g) ?? [];
    assert.equal(scripts.length, 2);
    for (const s of scripts) assert.ok(s.includes(`nonce="${nonce}"`) || s.includes('type="application/json"'), s);
    for (const s of html.match(/<style\b[^>]*>/g) ?? []) assert.ok(s.includes(`nonce="${nonce}"`), s);
    assert.doesNotMatch(html, /<(script|img|link|iframe)\b[^>]*\b(src|href)="(https?:)?\/\//i);
    assert.doesNotMatch(html, /@import|url\(\s*['"]?https?:/i);
    assert.doesNotMatch(html, /\sstyle="/, 'no inline style attributes (the CSP would block them)');
  });

  it('shows every finding with its file:line link data', () => {
    for (const f of report.findings) {
      const at = html.indexOf(locationData(f));
      assert.ok(at >= 0, `${f.rule} at ${f.file}:${f.range.start.line} has a location link`);
      assert.ok(html.includes(`>${escapeHtml(f.file)}:${f.range.start.line}</a>`), `${f.file}:${f.range.start.line} text`);
      assert.ok(html.includes(`data-rule="${f.rule}" data-doc="rules/${f.category}/${f.rule}.md"`), `${f.rule} doc link`);
    }
    assert.equal(count(html, 'class="loc-link"'), report.findings.length + report.problems.length);
    assert.deepEqual(overflowOf(html), {}, 'nothing held back at this size');
  });

  it('header totals match the report', () => {
    const t = reportTotals(result);
    const by = report.summary.bySeverity;
    assert.equal(t.findings, report.summary.findings);
    assert.equal(t.errors, by.error ?? 0);
    assert.equal(t.warnings, by.warning ?? 0);
    assert.equal(t.infos, by.info ?? 0);
    assert.equal(t.files, report.summary.files);
    assert.ok(
      html.includes(`data-findings="${t.findings}" data-errors="${t.errors}" data-warnings="${t.warnings}" data-infos="${t.infos}" data-files="${t.files}"`),
    );
    assert.match(html, new RegExp(`<div class="value">${t.findings}</div><div class="label">findings?</div>`));
    assert.match(html, new RegExp(`${t.files} files? reviewed`));
  });

  it('has one card per area with its score, and the score formula', () => {
    for (const a of result.areas) assert.ok(html.includes(`data-category="${a.category}" data-score="${a.score}"`), a.category);
    assert.equal(count(html, '<article class="card'), result.areas.length);
    assert.ok(html.includes(escapeHtml(result.scoreFormula)));
  });

  it('charts: one bar per area, stacked by severity; worst files heaviest first', () => {
    const chart = svg(html, 'chart-categories');
    assert.equal(count(chart, '<g class="bar'), result.areas.length);
    for (const a of result.areas) {
      const bar = chart.slice(chart.indexOf(`data-category="${a.category}"`));
      const own = bar.slice(0, bar.indexOf('</g>'));
      const nonzero = [a.errors, a.warnings, a.infos].filter((n) => n > 0).length;
      assert.equal(count(own, 'class="seg '), nonzero, `${a.category} segments`);
      assert.ok(own.includes(`>${a.errors + a.warnings + a.infos}</text>`), `${a.category} total`);
    }
    const files = svg(html, 'chart-files');
    const worst = worstFiles(report.findings);
    assert.equal(count(files, '<g class="bar'), Math.min(10, new Set(report.findings.map((f) => f.file)).size));
    const order = [...files.matchAll(/data-file="([^"]*)"/g)].map((m) => m[1]);
    assert.deepEqual(order, worst.map((w) => escapeHtml(w.file)));
    for (let i = 1; i < worst.length; i++) assert.ok(worst[i - 1].weight >= worst[i].weight);
  });

  it('groups findings by area, then priority error → warning → info', () => {
    const sections = [...html.matchAll(/<details class="category" id="cat-([a-z-]+)"/g)].map((m) => m[1]);
    const expected = result.areas.filter((a) => a.errors + a.warnings + a.infos > 0).map((a) => a.category);
    assert.deepEqual(sections, expected);
    for (const cat of sections) {
      const groups = [...html.matchAll(new RegExp(`id="g-${cat}-(error|warning|info)"`, 'g'))].map((m) => m[1]);
      const rank = { error: 0, warning: 1, info: 2 } as const;
      assert.deepEqual(groups, [...groups].sort((a, b) => rank[a as keyof typeof rank] - rank[b as keyof typeof rank]), cat);
    }
  });

  it('buttons: fix all (enabled when a safe fix exists), re-run, both exports', () => {
    for (const a of ['fixAll', 'rerun', 'exportMarkdown', 'exportSarif']) assert.ok(html.includes(`data-action="${a}"`), a);
    const fixAll = /<button[^>]*data-action="fixAll"[^>]*>/.exec(html)![0];
    assert.equal(fixAll.includes(' disabled'), reportTotals(result).safeFixes === 0);
  });
});

describe('report view: hand-made report', () => {
  const report = handMadeReport();
  const html = render(resultOf(report));

  it('escapes report text: a <script> in a message stays text', () => {
    assert.ok(!html.includes('<script>alert'), 'raw script tag from the message');
    assert.ok(html.includes('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; co.'));
    assert.equal(count(html, /<script\b/), 2);
  });

  it('escapes hostile file names in attributes and text', () => {
    const evil = handMadeReport();
    evil.findings[0] = { ...evil.findings[0], file: 'src/a"><img src=x onerror=alert(1)>.ts', rule: 'missing-on-delete' };
    const out = render(resultOf(evil));
    assert.ok(!out.includes('<img src=x'), 'no injected element');
    assert.ok(out.includes('data-file="src/a&quot;&gt;&lt;img src=x onerror=alert(1)&gt;.ts"'));
  });

  it('shows code spans, fix kinds and file problems', () => {
    assert.ok(html.includes('Relation <code>Question.event</code> has no <code>onDelete</code>'));
    assert.ok(html.includes('<span class="fix safe"'), 'safe');
    assert.ok(html.includes('<span class="fix unsafe"'), 'unsafe');
    assert.ok(html.includes('<span class="fix advice"'), 'display-only');
    assert.ok(html.includes('File problems'));
    assert.ok(html.includes(locationData(report.problems[0])));
    assert.match(html, /class="pill st-action">Action needed/);
  });

  it('ranks rules by weighted findings', () => {
    const top = topRules(report.findings);
    assert.equal(top[0].rule, 'non-concurrent-index'); // one error (15) beats two warnings (10)
    assert.equal(top[1].rule, 'missing-on-delete');
    assert.equal(top[1].count, 2);
    assert.equal(top[1].safe, 1);
  });

  it('fix availability: safe beats unsafe beats display-only', () => {
    assert.equal(fixAvailability({ fixes: [{ title: 'a', safety: 'unsafe' }, { title: 'b', safety: 'safe' }] }), 'safe');
    assert.equal(fixAvailability({ fixes: [{ title: 'a', safety: 'display-only' }, { title: 'b', safety: 'unsafe' }] }), 'unsafe');
    assert.equal(fixAvailability({ fixes: [{ title: 'a', safety: 'display-only' }] }), 'advice');
    assert.equal(fixAvailability({ fixes: [] }), 'none');
  });
});

describe('report view: states', () => {
  it('empty report: a clean "No problems" state, no charts, fix-all disabled', () => {
    const html = render(resultOf(emptyReport(6)));
    assert.match(html, /<section class="empty" data-state="clean">/);
    assert.ok(html.includes('No problems'));
    assert.ok(html.includes('6 files reviewed'));
    assert.ok(!html.includes('<svg class="chart-svg"'), 'no charts');
    assert.ok(!html.includes('<details class="category"'), 'no finding groups');
    assert.match(html, /<button[^>]*data-action="fixAll"[^>]* disabled/);
    assert.equal(count(html, 'data-score="100"'), 6);
    assert.ok(!html.includes('data-state="cancelled"'));
  });

  it('workspace with nothing to review says so', () => {
    const html = render(resultOf(emptyReport(0)));
    assert.match(html, /data-state="nothing"/);
    assert.ok(html.includes('schemaReview.audit.include'));
  });

  it('cancelled audit: partial results banner, findings still shown', () => {
    const report = handMadeReport();
    const html = render(resultOf(report, { cancelled: true, files: 2 }));
    assert.match(html, /data-state="cancelled"/);
    assert.ok(html.includes('Partial results'));
    assert.ok(html.includes('cancelled after 2 files'));
    assert.ok(html.includes('<span class="partial-tag">partial</span>'));
    for (const f of report.findings) assert.ok(html.includes(locationData(f)));
  });

  it('cancelled with no findings: "no problems so far", not a clean bill', () => {
    const html = render(resultOf(emptyReport(3), { cancelled: true }));
    assert.match(html, /data-state="cancelled"/);
    assert.match(html, /data-state="partial-empty"/);
    assert.ok(html.includes('No problems so far'));
  });

  it('a malformed result renders instead of throwing', () => {
    const html = render({ report: undefined, areas: [], scoreFormula: '', markdown: '', findings: 0, files: 0, durationMs: 0, cancelled: false });
    assert.match(html, /data-state="nothing"/);
    const partial = render({ ...resultOf(handMadeReport()), report: { findings: [{ nonsense: true }, handMadeReport().findings[0]] } });
    assert.ok(partial.includes('data-findings="1"'));
  });
});

describe('report view: 10,000 findings', () => {
  const n = 10_000;
  const report: JsonReport = largeReport(n);
  // One hostile message that ends up in the data block, not in a rendered row.
  report.findings[n - 1] = { ...report.findings[n - 1], message: 'bad </script><script>alert(1)</script> \u2028 end' };
  const result = resultOf(report);
  const html = render(result, 25);

  it('renders at most 25 rows per group and holds the rest as data for "Show more"', () => {
    const groups = count(html, '<div class="group ');
    const rows = count(html, '<tr class="row ');
    assert.ok(rows <= groups * 25, `${rows} rows in ${groups} groups`);
    const overflow = overflowOf(html);
    const held = Object.values(overflow).reduce((s, r) => s + r.length, 0);
    assert.equal(rows + held, n + report.problems.length);
    for (const [id, rest] of Object.entries(overflow)) {
      const button = new RegExp(`data-group="${id}" data-hidden="${rest.length}">Show`);
      assert.match(html, button, `${id} has a "Show more" toggle`);
    }
  });

  it('every finding is reachable: in a row or in the data block with its location', () => {
    const overflow = overflowOf(html);
    const held = new Set(Object.values(overflow).flat().map((r) => `${r[4]}:${r[5]}:${r[6]}:${r[3]}`));
    for (const f of report.findings) {
      const inData = held.has(`${f.file}:${f.range.start.line}:${f.range.start.column}:${f.message}`);
      assert.ok(inData || html.includes(locationData(f)), `${f.file}:${f.range.start.line}`);
    }
  });

  it('the data block cannot close its script tag', () => {
    const block = /<script type="application\/json" id="overflow-data">([^<]*)<\/script>/.exec(html);
    assert.ok(block);
    assert.ok(!block[1].includes('</'), 'no </ inside');
    assert.ok(JSON.stringify(overflowOf(html)).includes('bad </script><script>alert(1)</script>'), 'message intact after parsing');
    assert.equal(count(html, /<script\b/), 2);
  });

  it('totals and charts cover every finding', () => {
    assert.ok(html.includes(`data-findings="${n}"`));
    assert.equal(count(svg(html, 'chart-files'), '<g class="bar'), 10);
  });
});

describe('report view: messages from the page', () => {
  it('accepts well-formed messages', () => {
    assert.deepEqual(parseWebviewMessage({ type: 'open', file: 'prisma/schema.prisma', line: 3, column: 5, endLine: 3, endColumn: 9 }), {
      type: 'open', file: 'prisma/schema.prisma', line: 3, column: 5, endLine: 3, endColumn: 9,
    });
    assert.deepEqual(parseWebviewMessage({ type: 'open', file: 'a.ts', line: 2 }), { type: 'open', file: 'a.ts', line: 2, column: 1 });
    assert.deepEqual(parseWebviewMessage({ type: 'openDoc', rule: 'missing-on-delete', docPath: 'rules/relations/missing-on-delete.md' }), {
      type: 'openDoc', rule: 'missing-on-delete', docPath: 'rules/relations/missing-on-delete.md',
    });
    assert.deepEqual(parseWebviewMessage({ type: 'export', format: 'sarif' }), { type: 'export', format: 'sarif' });
    assert.deepEqual(parseWebviewMessage({ type: 'fixAll', extra: 1 }), { type: 'fixAll' });
    assert.deepEqual(parseWebviewMessage({ type: 'rerun' }), { type: 'rerun' });
  });

  it('rejects malformed or hostile ones', () => {
    for (const bad of [
      null, 'open', {}, { type: 'eval' },
      { type: 'open', file: '', line: 1 }, { type: 'open', file: 'a.ts', line: 0 }, { type: 'open', file: 'a.ts', line: 1.5 },
      { type: 'open', file: 'a\0.ts', line: 1 }, { type: 'open', file: 5, line: 1 },
      { type: 'openDoc', rule: '../../etc/passwd' }, { type: 'export', format: 'json' },
    ]) assert.equal(parseWebviewMessage(bad), undefined, JSON.stringify(bad));
    // A doc path outside rules/ is dropped (the command then looks the rule up by id).
    assert.deepEqual(parseWebviewMessage({ type: 'openDoc', rule: 'x', docPath: '../secret.md' }), { type: 'openDoc', rule: 'x' });
    // An end before the start is dropped.
    assert.deepEqual(parseWebviewMessage({ type: 'open', file: 'a.ts', line: 5, column: 2, endLine: 4, endColumn: 1 }), { type: 'open', file: 'a.ts', line: 5, column: 2 });
  });
});
