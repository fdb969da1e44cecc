#!/usr/bin/env node
// What a user sees: code-server with the packaged .vsix installed, the fixture workspace open in headless
// Chromium. Quick Open schema.prisma → a warning squiggle → the Problems panel lists a schema-review finding →
// on the flagged line Ctrl+. offers "Add @@index([eventId])" → applying it changes the text and the finding
// goes away → F1 audit opens the report → a second audit is cancelled from its notification (accepted: cancelled,
// or finished before the click) → a third audit completes (the server is healthy). Screenshots go to
// test-results/. Every wait is on a locator or an in-page condition, never a fixed sleep.
//   node test/e2e/playwright/user-sees-fix.mjs [path/to.vsix]      (default dist/schema-review.vsix)
import { chromium } from 'playwright-core';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import {
  assertInstalled, chromiumArgs, chromiumPath, codeServerEntry, freePort, isNoise, isolatedEnv, makeRunDir, node24,
  projectRoot, startProcess, tail, waitForHttp,
} from '../lib.mjs';

const vsix = resolve(process.argv[2] || join(projectRoot, 'dist', 'schema-review.vsix'));
const results = join(projectRoot, 'test-results');
const stepTimeout = Number(process.env.SCHEMA_REVIEW_E2E_STEP_TIMEOUT || 60_000);
const userSettings = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.welcomePage.walkthroughs.openOnInstall': false,
  'security.workspace.trust.enabled': false,
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'chat.disableAIFeatures': true,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
};

const steps = [];
let passed = 0;
let failed = 0;

async function step(name, fn) {
  const started = Date.now();
  try {
    await fn();
    passed++;
    steps.push(`ok   ${name} (${Date.now() - started} ms)`);
    console.log(steps.at(-1));
  } catch (error) {
    failed++;
    steps.push(`FAIL ${name}: ${error.message.split('\n')[0]}`);
    console.log(`${steps.at(-1)}\n${error.stack ?? error}`);
    throw error;
  }
}

/**
 * Clean filler for this run's copy of the workspace: 24 Supabase folders of 40 migrations (no findings, so the
 * Problems panel is unchanged). The server caches what it reviewed, so a warm audit of it takes ~0.1 s; `round`
 * rewrites every file (a new first comment line) so that the next audit reviews them all again, long enough
 * that a click on Cancel in its notification usually lands while it runs. The step accepts either outcome.
 */
function writeAuditLoad(workspace, round) {
  const table = (name) =>
    `create table public.${name} (\n  id bigint generated always as identity primary key,\n  name text not null,\n  created_at timestamptz not null default now()\n);\n\n`;
  for (let service = 0; service < 24; service++) {
    const folder = join(workspace, 'services', `service-${service}`, 'supabase', 'migrations');
    mkdirSync(folder, { recursive: true });
    for (let i = 0; i < 40; i++) {
      let text = `-- filler for the audit-cancel step, round ${round}\n`;
      for (let t = 0; t < 8; t++) text += table(`t${i}_${t}`);
      writeFileSync(join(folder, `${20230101000000 + i * 100}_m${i}.sql`), text);
    }
  }
}

async function main() {
  assertInstalled();
  if (!existsSync(vsix)) throw new Error(`${vsix} is missing: run \`npm run package\` first.`);
  mkdirSync(results, { recursive: true });
  const { dir, workspace } = makeRunDir('ui');
  writeAuditLoad(workspace, 0);
  const env = isolatedEnv(dir);
  const common = ['--user-data-dir', join(dir, 'data'), '--extensions-dir', join(dir, 'ext')];
  mkdirSync(join(dir, 'data', 'User'), { recursive: true });
  writeFileSync(join(dir, 'data', 'User', 'settings.json'), JSON.stringify(userSettings, null, 2));

  let server;
  let browser;
  let page;
  const started = Date.now();
  try {
    await step('install the .vsix into code-server', async () => {
      const res = spawnSync(node24, [codeServerEntry, ...common, '--install-extension', vsix], { env, cwd: dir, encoding: 'utf8', timeout: 120_000 });
      if (res.status !== 0) throw new Error(`code-server --install-extension failed (${res.status}):\n${res.stdout}\n${res.stderr}`);
      if (!/successfully installed/i.test(res.stdout + res.stderr)) throw new Error(`unexpected install output:\n${res.stdout}\n${res.stderr}`);
    });

    const port = await freePort();
    const serverLog = join(dir, 'code-server.log');
    server = startProcess(
      node24,
      [codeServerEntry, '--bind-addr', `127.0.0.1:${port}`, '--auth', 'none', '--disable-telemetry', '--disable-update-check',
        '--disable-workspace-trust', '--disable-getting-started-override', ...common],
      { env, cwd: dir, logFile: serverLog },
    );
    await step('code-server answers /healthz', () => waitForHttp(`http://127.0.0.1:${port}/healthz`, { timeoutMs: 60_000, process: server }));

    browser = await chromium.launch({ executablePath: chromiumPath, args: chromiumArgs, headless: true });
    page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    page.setDefaultTimeout(stepTimeout);
    page.on('pageerror', (error) => { if (!isNoise(String(error))) console.log(`  [page error] ${error}`); });
    // The workspace also holds a Drizzle schema: pick Question.eventId's finding, whatever else is listed.
    const eventIdFinding = () =>
      page.locator('.markers-panel .monaco-list-row', { hasText: 'unindexed-foreign-key' }).filter({ hasText: 'eventId' }).first();
    const shot = (name) => page.screenshot({ path: join(results, `user-${name}.png`) });
    /** F1, type the command's label, wait for its row, Enter. */
    const runCommand = async (label, rowText) => {
      await page.keyboard.press('F1');
      const input = page.locator('.quick-input-widget input');
      await input.waitFor();
      await input.fill(`>${label}`);
      await page.locator('.quick-input-list .monaco-list-row', { hasText: rowText }).first().waitFor();
      await page.keyboard.press('Enter');
      await page.locator('.quick-input-widget').waitFor({ state: 'hidden' });
    };

    await step('open the workspace', async () => {
      await page.goto(`http://127.0.0.1:${port}/?folder=${encodeURIComponent(workspace)}`);
      await page.locator('.monaco-workbench').waitFor();
      await page.locator('.explorer-folders-view, .explorer-viewlet').first().waitFor();
    });

    await step('Quick Open schema.prisma', async () => {
      await page.locator('.monaco-workbench').click({ position: { x: 700, y: 450 } }).catch(() => {});
      await page.keyboard.press('Control+P');
      const input = page.locator('.quick-input-widget input');
      await input.waitFor();
      await input.fill('schema.prisma');
      await page.locator('.quick-input-list .monaco-list-row', { hasText: 'schema.prisma' }).first().waitFor();
      await page.keyboard.press('Enter');
      await page.locator('.tab.active', { hasText: 'schema.prisma' }).waitFor();
      await page.locator('.monaco-editor .view-line', { hasText: 'model Question' }).waitFor();
    });

    await step('a warning squiggle appears', async () => {
      await page.locator('.monaco-editor .squiggly-warning').first().waitFor({ state: 'attached' });
      await shot('1-squiggles');
    });

    await step('the language status item shows the server health and files reviewed', async () => {
      await page.locator('[id="status.languageStatus"]').click();
      await page.locator('.monaco-hover', { hasText: /Schema Review/ }).filter({ hasText: /\d+ files? reviewed/ }).first().waitFor();
      await shot('1b-language-status');
      await page.keyboard.press('Escape');
    });

    await step('the Problems panel lists schema-review findings', async () => {
      await page.keyboard.press('Control+Shift+M');
      await page.locator('.markers-panel').waitFor();
      await page.locator('.markers-panel .monaco-list-row', { hasText: 'schema-review' }).first().waitFor();
      await eventIdFinding().waitFor();
      await shot('2-problems');
    });

    await step('Ctrl+. on the flagged line offers "Add @@index([eventId])"', async () => {
      // Opening the finding from the Problems panel puts the cursor in its range, as a user would.
      await eventIdFinding().dblclick();
      await page.locator('.monaco-editor.focused').waitFor();
      await page.keyboard.press('Control+.');
      await page.locator('.action-widget', { hasText: 'Add @@index([eventId])' }).waitFor();
      await shot('3-lightbulb');
    });

    await step('applying it adds the index and the finding goes away', async () => {
      await page.locator('.action-widget .monaco-list-row', { hasText: 'Add @@index([eventId])' }).first().click();
      await page.locator('.monaco-editor .view-line', { hasText: '@@index([eventId])' }).waitFor();
      await eventIdFinding().waitFor({ state: 'detached' });
      await shot('4-fixed');
    });

    await step('F1 "Schema Review: Audit Workspace Database" opens the report and its summary', async () => {
      await page.keyboard.press('F1');
      const input = page.locator('.quick-input-widget input');
      await input.waitFor();
      await input.fill('>Schema Review: Audit Workspace Database');
      await page.locator('.quick-input-list .monaco-list-row', { hasText: 'Audit Workspace Database' }).first().waitFor();
      await page.keyboard.press('Enter');
      await page.locator('.notifications-toasts', { hasText: /Schema Review: \d+ findings? in \d+ files?/ }).waitFor();
      await page.locator('.tab', { hasText: 'Database audit' }).first().waitFor();
      // The report view is a webview: an iframe holding the page's own iframe.
      const view = page.frameLocator('iframe.webview').first().frameLocator('iframe').first();
      await view.locator('section.totals').waitFor();
      await view.locator('svg.chart-svg').first().waitFor();
      await shot('5-audit');
      await view.locator('a.loc-link', { hasText: /schema\.prisma:\d+/ }).first().click();
      await page.locator('.tab.active', { hasText: 'schema.prisma' }).waitFor();
      await shot('6-finding-opened');
    });

    // Cancelling from the progress notification. On this small workspace the audit may finish before the
    // click lands, so either outcome is accepted; what must hold is that the server answers the cancel (a
    // "cancelled" message or the finished summary, never an error) and that it audits again afterwards.
    await step('cancelling a running audit from its notification: cancelled (or already finished), never an error', async () => {
      await runCommand('Notifications: Clear All Notifications', 'Clear All Notifications');
      await page.waitForFunction(() => !document.querySelector('.notifications-toasts .notification-toast'));
      writeAuditLoad(workspace, 1);
      await runCommand('Schema Review: Audit Workspace Database', 'Audit Workspace Database');
      // One in-page poll does both: click the progress toast's Cancel once it shows, and stop at the first outcome
      // (a Playwright click left pending could otherwise cancel the next audit).
      const outcome = await page.waitForFunction(() => {
        const toasts = [...document.querySelectorAll('.notifications-toasts .notification-toast')];
        const text = toasts.map((t) => t.textContent ?? '').filter((t) => t.includes('Schema Review')).join('\n');
        if (/failed|not running/i.test(text)) return `error: ${text}`;
        // With the partial result (the server answered with what it reviewed) or without (the request was cancelled).
        if (/Schema Review: audit cancelled; the report/.test(text)) return 'cancelled, partial report';
        if (/Schema Review: audit cancelled/.test(text)) return 'cancelled';
        if (/Schema Review: \d+ findings? in \d+ files?/.test(text)) return 'finished';
        for (const toast of toasts) {
          if (!/auditing workspace/.test(toast.textContent ?? '')) continue;
          const cancel = [...toast.querySelectorAll('.monaco-button')].find((b) => (b.textContent ?? '').trim() === 'Cancel');
          if (cancel && !window.__schemaReviewCancelClicked) {
            window.__schemaReviewCancelClicked = true;
            cancel.click();
          }
        }
        return false;
      }, undefined, { polling: 20 }).then((handle) => handle.jsonValue());
      const clicked = await page.evaluate(() => window.__schemaReviewCancelClicked === true);
      console.log(`  cancel: clicked=${clicked}, outcome=${outcome}`);
      if (String(outcome).startsWith('error')) throw new Error(`the cancelled audit failed: ${outcome}`);
      if (String(outcome).startsWith('cancelled') && !clicked) throw new Error('"audit cancelled" without a click on Cancel');
      if (outcome === 'cancelled, partial report') {
        // The partial result is shown, marked as such.
        await page.locator('.tab', { hasText: 'Database audit (partial)' }).first().waitFor();
        const view = page.frameLocator('iframe.webview').first().frameLocator('iframe').first();
        await view.getByText('Partial results.').first().waitFor();
      }
      await shot('7-audit-cancel');
    });

    await step('after the cancel the server is healthy: a second audit completes and opens the report', async () => {
      await runCommand('Notifications: Clear All Notifications', 'Clear All Notifications');
      await page.waitForFunction(() => !document.querySelector('.notifications-toasts .notification-toast'));
      await runCommand('Schema Review: Audit Workspace Database', 'Audit Workspace Database');
      await page.locator('.notifications-toasts', { hasText: /Schema Review: \d+ findings? in \d+ files?/ }).waitFor();
      await page.locator('.tab', { hasText: 'Database audit' }).first().waitFor();
      const view = page.frameLocator('iframe.webview').first().frameLocator('iframe').first();
      await view.locator('section.totals').waitFor();
      await view.locator('a.loc-link', { hasText: /auth-server\.ts:\d+/ }).first().waitFor();
      await view.locator('a.loc-link', { hasText: /20240201000000_indexes\.sql:\d+/ }).first().waitFor();
      await shot('8-audit-again');
    });
    return 0;
  } catch (error) {
    if (page) await page.screenshot({ path: join(results, 'user-failure.png') }).catch(() => {});
    if (server) console.error(`--- code-server log (tail) ---\n${tail(join(dir, 'code-server.log'), 30)}`);
    return 1;
  } finally {
    const summary = `${passed} passed, ${failed} failed`;
    console.log(`user scenario (code-server + .vsix): ${summary} in ${((Date.now() - started) / 1000).toFixed(1)} s; screenshots in test-results/`);
    writeFileSync(join(results, 'user-scenario-summary.txt'), `${summary}\n${steps.join('\n')}\n`);
    await browser?.close().catch(() => {});
    await server?.stop();
    if (!process.env.SCHEMA_REVIEW_E2E_KEEP) rmSync(dir, { recursive: true, force: true });
    else console.log(`run folder kept: ${dir}`);
  }
}

process.exit(await main());
