/**
 * Entry point: activation creates the log, the status item and the commands, then starts the server.
 * Activation events (package.json) already limit this to Prisma/SQL files and Prisma/Drizzle workspaces.
 */
import * as vscode from 'vscode';
import { ServerConnection } from './client';
import { registerCommands } from './commands';
import { AuditReportPanel } from './report/reportView';
import { ServerStatusItem } from './status';

let connection: ServerConnection | undefined;

/** What the extension exposes to other extensions and to the end-to-end tests. */
export interface SchemaReviewApi {
  /** The audit report view, when it is open. */
  reportPanel(): AuditReportPanel | undefined;
}

export async function activate(context: vscode.ExtensionContext): Promise<SchemaReviewApi> {
  const outputChannel = vscode.window.createOutputChannel('Schema Review', { log: true });
  connection = new ServerConnection(context, outputChannel);
  context.subscriptions.push(
    outputChannel,
    new ServerStatusItem(connection),
    ...registerCommands({ extensionContext: context, connection }),
  );
  // Not awaited: activation must not wait for the server; a failed start shows in the status item and log.
  void connection.start();
  return { reportPanel: () => AuditReportPanel.current };
}

export async function deactivate(): Promise<void> {
  const current = connection;
  connection = undefined;
  await current?.dispose();
}
