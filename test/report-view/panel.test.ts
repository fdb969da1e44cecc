/**
 * The report panel's wiring with a stand-in `vscode` module: one panel reused, the page's messages turned
 * into editor actions (open at the line, docs, fix all, re-run, export), and the page told when done.
 */
import { afterEach, describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import { recorder, Uri, WorkspaceEdit, type FakeWebviewPanel, useFakeVscode } from './fakeVscode';
import { handMadeReport, resultOf } from './fixtures';
import type { ReportDeps } from '../../client/src/report/reportView';

useFakeVscode();
// Loaded after the fake is installed, so its `import * as vscode` gets the fake.
const { AuditReportPanel } = require('../../client/src/report/reportView') as typeof import('../../client/src/report/reportView');

const context = { subscriptions: [] as { dispose(): unknown }[] } as unknown as import('vscode').ExtensionContext;

interface DepsLog {
  requests: { method: string; params: unknown }[];
  converted: unknown[];
  reruns: number;
}

function deps(answers: Record<string, unknown | Error> = {}): ReportDeps & { log: DepsLog } {
  const log: DepsLog = { requests: [], converted: [], reruns: 0 };
  return {
    log,
    async sendRequest<R>(method: string, params: unknown): Promise<R> {
      log.requests.push({ method, params });
      const answer = answers[method];
      if (answer instanceof Error) throw answer;
      return answer as R;
    },
    rerun() {
      log.reruns++;
      return Promise.resolve(undefined);
    },
    async convertWorkspaceEdit(edit: unknown) {
      log.converted.push(edit);
      return new WorkspaceEdit('converted') as unknown as import('vscode').WorkspaceEdit;
    },
  };
}

const lastPanel = (): FakeWebviewPanel => recorder.panels[recorder.panels.length - 1];

afterEach(() => {
  AuditReportPanel.current?.dispose();
  recorder.reset();
});

describe('report panel', () => {
  it('opens one webview with scripts, a nonce CSP, no retained context, no resource roots', () => {
    const report = handMadeReport();
    const panel = AuditReportPanel.show(context, resultOf(report), deps());
    assert.equal(AuditReportPanel.current, panel);
    const created = recorder.called('createWebviewPanel');
    assert.equal(created.length, 1);
    const options = created[0].args[2] as Record<string, unknown>;
    assert.equal(options.enableScripts, true);
    assert.equal(options.retainContextWhenHidden, false);
    assert.deepEqual(options.localResourceRoots, []);
    const html = lastPanel().webview.html;
    const nonce = /script-src 'nonce-([^']+)'/.exec(html.replace(/&#39;/g, "'"))?.[1];
    assert.ok(nonce && html.includes(`<script nonce="${nonce}">`));
    assert.equal(panel.totals.findings, report.findings.length);
    assert.equal(panel.totals.errors, 1);
    assert.equal(panel.renderCount, 1);
    assert.equal(lastPanel().title, `Database audit: ${report.findings.length} findings`);
  });

  it('a second show reuses the panel: revealed, re-rendered with a fresh nonce and the new totals', () => {
    AuditReportPanel.show(context, resultOf(handMadeReport()), deps());
    const firstHtml = lastPanel().webview.html;
    const smaller = handMadeReport();
    smaller.findings = smaller.findings.slice(0, 2);
    const panel = AuditReportPanel.show(context, resultOf(smaller, { cancelled: true }), deps());
    assert.equal(recorder.called('createWebviewPanel').length, 1);
    assert.equal(lastPanel().revealed, 1);
    assert.equal(panel.renderCount, 2);
    assert.equal(panel.totals.findings, 2);
    assert.equal(panel.totals.cancelled, true);
    assert.notEqual(lastPanel().webview.html, firstHtml);
    assert.equal(lastPanel().title, 'Database audit (partial)');
  });

  it('opens a finding at its range, relative to the report root', async () => {
    const panel = AuditReportPanel.show(context, resultOf(handMadeReport()), deps());
    await panel.handleMessage({ type: 'open', file: 'prisma/schema.prisma', line: 88, column: 3, endLine: 88, endColumn: 40 });
    const [call] = recorder.called('showTextDocument');
    assert.ok(call);
    assert.equal((call.args[0] as Uri).path, '/home/dev/learning-platform/prisma/schema.prisma');
    const options = call.args[1] as { selection: { start: { line: number; character: number }; end: { line: number; character: number } } };
    assert.deepEqual({ ...options.selection.start }, { line: 87, character: 2 });
    assert.deepEqual({ ...options.selection.end }, { line: 87, character: 39 });
  });

  it('does not open files the report does not name, and ignores malformed messages', async () => {
    const panel = AuditReportPanel.show(context, resultOf(handMadeReport()), deps());
    await panel.handleMessage({ type: 'open', file: '../../etc/passwd', line: 1, column: 1 });
    lastPanel().webview.receive({ type: 'open', file: 'prisma/schema.prisma', line: -1 });
    lastPanel().webview.receive({ type: 'runCommand', command: 'workbench.action.quit' });
    assert.deepEqual(recorder.called('showTextDocument'), []);
    assert.deepEqual(recorder.called('executeCommand'), []);
  });

  it('opens a rule doc through the showRuleDoc command', async () => {
    const panel = AuditReportPanel.show(context, resultOf(handMadeReport()), deps());
    await panel.handleMessage({ type: 'openDoc', rule: 'missing-on-delete', docPath: 'rules/relations/missing-on-delete.md' });
    assert.deepEqual(recorder.called('executeCommand')[0].args, ['schemaReview.showRuleDoc', 'missing-on-delete', 'rules/relations/missing-on-delete.md']);
  });

  it('"Fix all safe problems": request, convert, apply, tell the counts, re-run, re-enable the page', async () => {
    const lspEdit = { documentChanges: [] };
    const d = deps({ 'schemaReview/fixAllWorkspace': { edit: lspEdit, fixes: 3, files: 2 } });
    const panel = AuditReportPanel.show(context, resultOf(handMadeReport()), d);
    await panel.handleMessage({ type: 'fixAll' });
    assert.deepEqual(d.log.requests, [{ method: 'schemaReview/fixAllWorkspace', params: { unsafe: false } }]);
    assert.deepEqual(d.log.converted, [lspEdit]);
    assert.equal((recorder.called('applyEdit')[0].args[0] as WorkspaceEdit).label, 'converted');
    assert.match(String(recorder.called('showInformationMessage')[0].args[0]), /applied 3 safe fixes in 2 files/);
    assert.equal(d.log.reruns, 1);
    assert.deepEqual(lastPanel().webview.posted, [{ type: 'done', action: 'fixAll' }]);
  });

  it('"Fix all" with nothing to fix, or an edit the editor refuses, does not re-run', async () => {
    const none = deps({ 'schemaReview/fixAllWorkspace': { edit: {}, fixes: 0, files: 0 } });
    let panel = AuditReportPanel.show(context, resultOf(handMadeReport()), none);
    await panel.handleMessage({ type: 'fixAll' });
    assert.deepEqual(recorder.called('applyEdit'), []);
    assert.match(String(recorder.called('showInformationMessage')[0].args[0]), /no safe fixes/);
    assert.equal(none.log.reruns, 0);

    recorder.reset();
    recorder.applyEditResult = false;
    const refused = deps({ 'schemaReview/fixAllWorkspace': { edit: {}, fixes: 2, files: 1 } });
    panel = AuditReportPanel.show(context, resultOf(handMadeReport()), refused);
    await panel.handleMessage({ type: 'fixAll' });
    assert.equal(recorder.called('showWarningMessage').length, 1);
    assert.equal(refused.log.reruns, 0);
    assert.deepEqual(lastPanel().webview.posted.at(-1), { type: 'done', action: 'fixAll' });
  });

  it('"Re-run" calls the audit again', async () => {
    const d = deps();
    const panel = AuditReportPanel.show(context, resultOf(handMadeReport()), d);
    await panel.handleMessage({ type: 'rerun' });
    assert.equal(d.log.reruns, 1);
    assert.deepEqual(lastPanel().webview.posted, [{ type: 'done', action: 'rerun' }]);
  });

  it('"Export Markdown": asks the server, offers the suggested name in the first folder, writes the file', async () => {
    const d = deps({ 'schemaReview/exportReport': { text: '# Database audit\n', suggestedName: 'database-audit.md' } });
    const panel = AuditReportPanel.show(context, resultOf(handMadeReport()), d);
    recorder.saveDialogAnswer = Uri.file('/home/dev/learning-platform/docs/audit.md');
    await panel.handleMessage({ type: 'export', format: 'markdown' });
    assert.deepEqual(d.log.requests, [{ method: 'schemaReview/exportReport', params: { format: 'markdown' } }]);
    const dialog = recorder.called('showSaveDialog')[0].args[0] as { defaultUri: Uri; filters: Record<string, string[]> };
    assert.equal(dialog.defaultUri.path, '/home/dev/learning-platform/database-audit.md');
    assert.deepEqual(dialog.filters, { Markdown: ['md'] });
    assert.equal(recorder.written.get('/home/dev/learning-platform/docs/audit.md'), '# Database audit\n');
    assert.match(String(recorder.called('showInformationMessage')[0].args[0]), /saved docs\/audit\.md/);
    assert.deepEqual(lastPanel().webview.posted, [{ type: 'done', action: 'export' }]);
  });

  it('"Export SARIF" cancelled in the dialog writes nothing', async () => {
    const d = deps({ 'schemaReview/exportReport': { text: '{}', suggestedName: 'schema-review.sarif' } });
    const panel = AuditReportPanel.show(context, resultOf(handMadeReport()), d);
    await panel.handleMessage({ type: 'export', format: 'sarif' });
    const dialog = recorder.called('showSaveDialog')[0].args[0] as { filters: Record<string, string[]> };
    assert.deepEqual(dialog.filters, { SARIF: ['sarif', 'json'] });
    assert.deepEqual(recorder.called('writeFile'), []);
    assert.deepEqual(lastPanel().webview.posted, [{ type: 'done', action: 'export' }]);
  });

  it('a failing request is reported to the user and the page re-enabled', async () => {
    const d = deps({ 'schemaReview/exportReport': new Error('no audit yet') });
    const panel = AuditReportPanel.show(context, resultOf(handMadeReport()), d);
    await panel.handleMessage({ type: 'export', format: 'markdown' });
    assert.match(String(recorder.called('showErrorMessage')[0].args[0]), /exporting Markdown failed: no audit yet/);
    assert.deepEqual(lastPanel().webview.posted, [{ type: 'done', action: 'export' }]);
  });

  it('closing the panel clears `current`; the next show opens a new one', () => {
    AuditReportPanel.show(context, resultOf(handMadeReport()), deps());
    lastPanel().dispose();
    assert.equal(AuditReportPanel.current, undefined);
    AuditReportPanel.show(context, resultOf(handMadeReport()), deps());
    assert.equal(recorder.called('createWebviewPanel').length, 2);
    assert.ok(AuditReportPanel.current);
  });
});
