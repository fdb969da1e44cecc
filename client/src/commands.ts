/**
 * One factory per command. Each receives what it needs and answers sensibly while the server is down:
 * it tries to start the server, and says so in a message (with a way to the log) when it cannot.
 */
import * as vscode from 'vscode';
import { ResponseError, LSPErrorCodes, WorkDoneProgress, type WorkDoneProgressReport } from 'vscode-languageclient/node';
import type { AuditParams, AuditResult } from '../../server/src/protocol';
import type * as lsp from 'vscode-languageclient/node';
import { describe, Methods, type ServerConnection } from './client';
import { AuditReportPanel } from './report/reportView';

export const Commands = {
  auditWorkspace: 'schemaReview.auditWorkspace',
  restartServer: 'schemaReview.restartServer',
  showOutput: 'schemaReview.showOutput',
  showRuleDoc: 'schemaReview.showRuleDoc',
} as const;

export interface CommandContext {
  extensionContext: vscode.ExtensionContext;
  connection: ServerConnection;
}

type CommandFactory = (ctx: CommandContext) => (...args: any[]) => unknown;

export function registerCommands(ctx: CommandContext): vscode.Disposable[] {
  const factories: Record<string, CommandFactory> = {
    [Commands.auditWorkspace]: auditWorkspace,
    [Commands.restartServer]: restartServer,
    [Commands.showOutput]: showOutput,
    [Commands.showRuleDoc]: showRuleDoc,
  };
  return Object.entries(factories).map(([id, factory]) => vscode.commands.registerCommand(id, factory(ctx)));
}

/**
 * "Audit workspace database": asks the server to review the whole workspace (it fills the Problems panel),
 * shows progress with a cancel button, opens the report view (Markdown on request). Resolves to the result
 * (undefined when the server is down or the audit failed), which is what tests and other extensions read.
 */
export function auditWorkspace(ctx: CommandContext) {
  return async (arg?: unknown): Promise<AuditResult | undefined> => {
    // From the palette there is no argument; from a menu it may be a Uri; callers may pass `{ folders }`.
    const params: AuditParams = {};
    if (arg instanceof vscode.Uri) params.folders = [arg.fsPath];
    else if (isAuditParams(arg) && arg.folders) params.folders = arg.folders;
    const client = await ctx.connection.start();
    if (!client) {
      void showServerDown(ctx, 'Cannot audit the workspace: the Schema Review server is not running.');
      return undefined;
    }
    const workDoneToken = `schemaReview/audit/${Date.now()}`;
    let result: AuditResult;
    try {
      result = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: 'Schema Review: auditing workspace', cancellable: true },
        async (progress, token) => {
          // The server reports on our token, so the user sees one notification with counts, not two.
          let lastPercentage = 0;
          const listener = client.onProgress(WorkDoneProgress.type, workDoneToken, (value) => {
            if (value.kind === 'end') return;
            const report = value as WorkDoneProgressReport;
            const increment =
              report.percentage !== undefined ? Math.max(0, report.percentage - lastPercentage) : undefined;
            if (report.percentage !== undefined) lastPercentage = Math.max(lastPercentage, report.percentage);
            progress.report({ message: report.message, increment });
          });
          try {
            return await client.sendRequest<AuditResult>(Methods.audit, { ...params, workDoneToken }, token);
          } finally {
            listener.dispose();
          }
        },
      );
    } catch (error) {
      if (isCancellation(error)) {
        void vscode.window.showInformationMessage('Schema Review: audit cancelled.');
        return undefined;
      }
      ctx.connection.outputChannel.error(`Audit failed: ${describe(error)}`);
      void showServerDown(ctx, `Schema Review: the audit failed: ${describe(error)}`);
      return undefined;
    }
    // The report view shows partial results of a cancelled audit too (marked as such).
    AuditReportPanel.show(ctx.extensionContext, result, {
      sendRequest: <R,>(method: string, p: unknown) => client.sendRequest<R>(method, p),
      rerun: () => vscode.commands.executeCommand(Commands.auditWorkspace),
      convertWorkspaceEdit: (edit) => client.protocol2CodeConverter.asWorkspaceEdit(edit as lsp.WorkspaceEdit),
    });
    // Not awaited: the promise of a message settles only when the user dismisses it.
    void vscode.window
      .showInformationMessage(
        result.cancelled ? 'Schema Review: audit cancelled; the report and the Problems panel show what was reviewed.' : summarize(result),
        'Show Problems',
        'Open as Markdown',
      )
      .then((choice) => {
        if (choice === 'Show Problems') return vscode.commands.executeCommand('workbench.actions.view.problems');
        if (choice === 'Open as Markdown') return openMarkdownReport(result.markdown);
        return undefined;
      });
    return result;
  };
}

function isAuditParams(value: unknown): value is AuditParams {
  if (typeof value !== 'object' || value === null) return false;
  const folders = (value as AuditParams).folders;
  return folders === undefined || (Array.isArray(folders) && folders.every((f) => typeof f === 'string'));
}

export function summarize(result: Pick<AuditResult, 'findings' | 'files' | 'durationMs'>): string {
  const findings = `${result.findings} ${result.findings === 1 ? 'finding' : 'findings'}`;
  const files = `${result.files} ${result.files === 1 ? 'file' : 'files'}`;
  return `Schema Review: ${findings} in ${files} (${Math.round(result.durationMs)} ms).`;
}

async function openMarkdownReport(markdown: string): Promise<void> {
  const document = await vscode.workspace.openTextDocument({ language: 'markdown', content: markdown });
  await vscode.window.showTextDocument(document, { preview: false });
  // Without arguments the preview follows the active editor: the report just opened.
  await vscode.commands.executeCommand('markdown.showPreview');
}

export function restartServer(ctx: CommandContext) {
  return async (): Promise<boolean> => {
    ctx.connection.outputChannel.info('Restarting the Schema Review server (command).');
    const client = await ctx.connection.restart();
    if (!client) void showServerDown(ctx, 'The Schema Review server could not restart.');
    return client !== undefined;
  };
}

export function showOutput(ctx: CommandContext) {
  return (): void => ctx.connection.outputChannel.show(true);
}

/**
 * Opens a rule's documentation (shipped as `rules/<category>/<id>.md` in the extension) in the Markdown
 * preview. `docPath` is relative to the extension, as the server sends it; without it the rule is looked up
 * by id in every category folder.
 */
export function showRuleDoc(ctx: CommandContext) {
  return async (ruleId?: string, docPath?: string): Promise<boolean> => {
    const extensionUri = ctx.extensionContext.extensionUri;
    let uri = docPath ? resolveDocPath(extensionUri, docPath) : undefined;
    if (!uri || isWeb(uri) || !(await exists(uri))) {
      // The shipped copy works offline; the web page is the fallback.
      const local = ruleId ? await findRuleDoc(extensionUri, ruleId) : undefined;
      if (!local && uri && isWeb(uri)) return vscode.env.openExternal(uri);
      uri = local;
    }
    if (!uri) {
      void vscode.window.showErrorMessage(
        `Schema Review: no documentation found for rule "${ruleId ?? docPath ?? '?'}".`,
      );
      return false;
    }
    await vscode.commands.executeCommand('markdown.showPreview', uri);
    return true;
  };
}

function resolveDocPath(extensionUri: vscode.Uri, docPath: string): vscode.Uri | undefined {
  if (/^[a-z][a-z0-9+.-]+:/i.test(docPath)) {
    try {
      return vscode.Uri.parse(docPath, true);
    } catch {
      return undefined;
    }
  }
  const segments = docPath.split(/[\\/]/).filter((s) => s && s !== '.');
  if (segments.includes('..')) return undefined;
  return vscode.Uri.joinPath(extensionUri, ...segments);
}

async function findRuleDoc(extensionUri: vscode.Uri, ruleId: string): Promise<vscode.Uri | undefined> {
  if (!/^[a-z0-9-]+$/.test(ruleId)) return undefined;
  const rulesUri = vscode.Uri.joinPath(extensionUri, 'rules');
  try {
    for (const [name, type] of await vscode.workspace.fs.readDirectory(rulesUri)) {
      if (type !== vscode.FileType.Directory) continue;
      const candidate = vscode.Uri.joinPath(rulesUri, name, `${ruleId}.md`);
      if (await exists(candidate)) return candidate;
    }
  } catch {
    // No rules folder: nothing to show.
  }
  return undefined;
}

function isWeb(uri: vscode.Uri): boolean {
  return uri.scheme === 'http' || uri.scheme === 'https';
}

async function exists(uri: vscode.Uri): Promise<boolean> {
  try {
    await vscode.workspace.fs.stat(uri);
    return true;
  } catch {
    return false;
  }
}

function isCancellation(error: unknown): boolean {
  return (
    error instanceof vscode.CancellationError ||
    (error instanceof ResponseError && error.code === LSPErrorCodes.RequestCancelled)
  );
}

async function showServerDown(ctx: CommandContext, message: string): Promise<void> {
  const choice = await vscode.window.showErrorMessage(message, 'Show Log', 'Restart Server');
  if (choice === 'Show Log') ctx.connection.outputChannel.show(true);
  else if (choice === 'Restart Server') await vscode.commands.executeCommand(Commands.restartServer);
}
