#!/usr/bin/env node
// Renders the audit report view to PNGs for a visual check (not part of npm test).
//   node --import tsx test/report-view/screenshot.mjs [real|hand|empty|cancelled|large|light|all]
// Needs Debian chromium (/usr/bin/chromium, or CHROMIUM=path). Output: test-results/report-view*.png (gitignored).
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { renderReport } from '../../client/src/report/render.ts';
import { cliReport, emptyReport, handMadeReport, largeReport, repoRoot, resultOf } from './fixtures.ts';
import { hostPage } from './theme.ts';

const which = process.argv[2] ?? 'real';
const outDir = join(repoRoot, 'test-results');
mkdirSync(outDir, { recursive: true });
const nonce = 'screenshotNonce';
const generatedAt = new Date('2026-11-22T01:30:00');

const cases = {
  real: async () => ({ result: resultOf(await cliReport()), file: 'report-view.png' }),
  hand: () => ({ result: resultOf(handMadeReport()), file: 'report-view-hand.png' }),
  empty: () => ({ result: resultOf(emptyReport()), file: 'report-view-empty.png' }),
  cancelled: () => ({ result: resultOf(handMadeReport(), { cancelled: true, files: 2 }), file: 'report-view-cancelled.png' }),
  large: () => ({ result: resultOf(largeReport(10_000)), file: 'report-view-large.png' }),
  light: async () => ({ result: resultOf(await cliReport()), file: 'report-view-light.png', theme: 'light' }),
};
const names = which === 'all' ? Object.keys(cases) : [which];

const browser = await chromium.launch({ executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium', args: ['--headless', '--no-sandbox', '--disable-gpu'] });
try {
  for (const name of names) {
    const { result, file, theme } = await cases[name]();
    const page = await browser.newPage({ viewport: { width: Number(process.env.WIDTH ?? 1280), height: 900 }, deviceScaleFactor: 1 });
    const errors = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
    const t0 = performance.now();
    const html = renderReport(result, { nonce, cspSource: 'https://*.vscode-cdn.net', generatedAt });
    const t1 = performance.now();
    await page.setContent(hostPage(html, nonce, theme ?? 'dark'), { waitUntil: 'load' });
    const t2 = performance.now();
    if (process.env.SELECTOR) {
      // A close-up of one part: SELECTOR='.top-rules' node … real
      await page.locator(process.env.SELECTOR).first().screenshot({ path: join(outDir, file.replace('.png', '-part.png')) });
    }
    const full = name !== 'large' && process.env.FULL !== '0';
    await page.screenshot({ path: join(outDir, process.env.FULL === '0' ? file.replace('.png', '-top.png') : file), fullPage: full });
    console.log(`${name}: ${file} — html ${(html.length / 1024).toFixed(0)} KiB, render ${(t1 - t0).toFixed(0)} ms, load ${(t2 - t1).toFixed(0)} ms, rows ${await page.locator('tr.row').count()}${errors.length ? `, PAGE ERRORS: ${errors.join(' | ')}` : ''}`);
    await page.close();
  }
} finally {
  await browser.close();
}
