/**
 * The report page's script in a real browser (Debian chromium through playwright-core), with a stub of the
 * webview API: clicks become the right messages, "Show more" builds escaped rows, the busy state, and the
 * state that survives a re-render. Skipped when chromium is not installed (set CHROMIUM=path to use another).
 */
import { after, before, describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';
import { renderReport } from '../../client/src/report/render';
import { handMadeReport, resultOf } from './fixtures';
import { hostPage } from './theme';

const executablePath = process.env.CHROMIUM ?? '/usr/bin/chromium';
const skip = existsSync(executablePath) ? false : `no chromium at ${executablePath}`;
const nonce = 'pageTestNonce';

function report() {
  const r = handMadeReport();
  // The second relations warning is held back (1 row per group) and carries hostile text.
  r.findings[1] = { ...r.findings[1], message: 'Relation `Vote.user` <img src=x onerror="window.__pwned=1"> has no onDelete.' };
  return r;
}

describe('report view page script (chromium)', { skip }, () => {
  let browser: Browser;
  const problems: string[] = [];

  before(async () => {
    browser = await chromium.launch({ executablePath, args: ['--headless', '--no-sandbox', '--disable-gpu'] });
  });
  after(async () => {
    await browser?.close();
  });

  async function open(state?: unknown): Promise<Page> {
    const page = await browser.newPage();
    page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
    page.on('console', (m) => {
      if (m.type() === 'error') problems.push(`console: ${m.text()}`);
    });
    const html = renderReport(resultOf(report()), { nonce, cspSource: 'https://*.vscode-cdn.net', rowsPerGroup: 1 });
    await page.setContent(hostPage(html, nonce, 'dark', state), { waitUntil: 'load' });
    return page;
  }
  const posted = (page: Page) => page.evaluate('window.__posted') as Promise<Record<string, unknown>[]>;
  const state = (page: Page) => page.evaluate('window.__state') as Promise<{ shown: Record<string, number>; collapsed: Record<string, boolean> } | undefined>;

  it('runs under the CSP without errors', async () => {
    const page = await open();
    // The script ran (it builds nothing at load, so check a listener works) and nothing was blocked.
    await page.locator('#g-relations-warning button.more').click();
    assert.equal(await page.locator('#g-relations-warning tr.row').count(), 2);
    assert.deepEqual(problems, []);
    await page.close();
  });

  it('a click on a location or its row posts "open" with the range', async () => {
    const page = await open();
    const f = report().findings.find((x) => x.rule === 'non-concurrent-index')!;
    await page.locator(`a.loc-link[data-file="${f.file}"]`).click();
    await page.locator('#g-migrations-error td.msg').first().click();
    const expected = { type: 'open', file: f.file, line: f.range.start.line, column: f.range.start.column, endLine: f.range.end.line, endColumn: f.range.end.column };
    assert.deepEqual(await posted(page), [expected, expected]);
    await page.close();
  });

  it('a click on a rule posts "openDoc"; a worst-file bar posts "open"', async () => {
    const page = await open();
    await page.locator('#g-indexes-warning a[data-rule]').click();
    await page.locator('#chart-files g.file-bar').first().click();
    const messages = await posted(page);
    assert.deepEqual(messages[0], { type: 'openDoc', rule: 'unindexed-foreign-key', docPath: 'rules/indexes/unindexed-foreign-key.md' });
    assert.equal(messages[1].type, 'open');
    assert.equal(messages[1].file, 'prisma/schema.prisma'); // the heaviest file
    await page.close();
  });

  it('"Show more" builds the held-back rows as text, clickable like the others', async () => {
    const page = await open();
    await page.locator('#g-relations-warning button.more').click();
    const row = page.locator('#g-relations-warning tr.row').nth(1);
    assert.equal(await row.locator('td.msg').innerText(), 'Relation Vote.user <img src=x onerror="window.__pwned=1"> has no onDelete.');
    assert.equal(await row.locator('td.msg code').innerText(), 'Vote.user');
    assert.equal(await page.locator('#g-relations-warning img').count(), 0);
    assert.equal(await page.evaluate('window.__pwned'), undefined);
    assert.equal(await page.locator('#g-relations-warning button.more').count(), 0, 'toggle gone when all shown');
    await row.locator('a.loc-link').click();
    assert.deepEqual((await posted(page)).at(-1), { type: 'open', file: 'prisma/schema.prisma', line: 112, column: 3, endLine: 112, endColumn: 40 });
    assert.equal((await state(page))?.shown['g-relations-warning'] !== undefined, true);
    await page.close();
  });

  it('buttons post their action once and stay busy until the extension answers', async () => {
    const page = await open();
    await page.locator('button[data-action="fixAll"]').click();
    await page.locator('button[data-action="rerun"]').click({ force: true }); // aria-disabled while busy: ignored
    assert.deepEqual(await posted(page), [{ type: 'fixAll' }]);
    assert.equal(await page.locator('button[data-action="fixAll"]').innerText(), 'Fixing…');
    await page.evaluate("window.postMessage({ type: 'done', action: 'fixAll' }, '*')");
    await page.locator('button[data-action="fixAll"]:not(.busy)').waitFor();
    assert.match(await page.locator('button[data-action="fixAll"]').innerText(), /^Fix all safe problems/);
    await page.locator('button[data-action="exportMarkdown"]').click();
    await page.evaluate("window.postMessage({ type: 'done', action: 'export' }, '*')");
    await page.locator('button[data-action="exportMarkdown"]:not(.busy)').waitFor();
    await page.locator('button[data-action="exportSarif"]').click();
    assert.deepEqual((await posted(page)).slice(1), [{ type: 'export', format: 'markdown' }, { type: 'export', format: 'sarif' }]);
    await page.close();
  });

  it('a re-render restores expanded groups and collapsed areas from the webview state', async () => {
    const page = await open({ shown: { 'g-relations-warning': 200 }, collapsed: { 'cat-indexes': true } });
    assert.equal(await page.locator('#g-relations-warning tr.row').count(), 2);
    assert.equal(await page.evaluate("document.getElementById('cat-indexes').open"), false);
    assert.equal(await page.evaluate("document.getElementById('cat-relations').open"), true);
    await page.locator('#cat-relations > summary').click();
    // The toggle event comes a task later: wait for the state, then check it.
    await page.waitForFunction("window.__state && window.__state.collapsed && window.__state.collapsed['cat-relations'] === true");
    assert.equal(await page.evaluate("document.getElementById('cat-relations').open"), false);
    await page.close();
  });

  it('an area card jumps to (and opens) its findings', async () => {
    const page = await open({ collapsed: { 'cat-migrations': true } });
    await page.locator('.card[data-category="migrations"] a.jump').click();
    assert.equal(await page.evaluate("document.getElementById('cat-migrations').open"), true);
    assert.deepEqual(await posted(page), []);
    await page.close();
    assert.deepEqual(problems, []);
  });
});
