/**
 * Entry point: activation creates the log, the status item and the commands, then starts the server.
 * Activation events (package.json) already limit this to Prisma/SQL files and Prisma/Drizzle workspaces.
 */
import * as vscode from 'vscode';
import { ServerConnection } from './client';
import { registerCommands } from './commands';
import { ServerStatusItem } from './status';

let connection: ServerConnection | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const outputChannel = vscode.window.createOutputChannel('Schema Review', { log: true });
  connection = new ServerConnection(context, outputChannel);
  context.subscriptions.push(
    outputChannel,
    new ServerStatusItem(connection),
    ...registerCommands({ extensionContext: context, connection }),
  );
  // Not awaited: activation must not wait for the server; a failed start shows in the status item and log.
  void connection.start();
}

export async function deactivate(): Promise<void> {
  const current = connection;
  connection = undefined;
  await current?.dispose();
}
