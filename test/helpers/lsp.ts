/**
 * A real LSP client over stdio (vscode-languageserver-protocol), talking to the server started from
 * source through tsx. Waits on events (diagnostics published), never on fixed sleeps.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import {
  createProtocolConnection,
  StreamMessageReader,
  StreamMessageWriter,
  type CodeAction,
  type Diagnostic,
  type ProtocolConnection,
  type TextDocumentEdit,
  type TextEdit,
  type PublishDiagnosticsParams,
} from 'vscode-languageserver-protocol/node';
import { URI } from 'vscode-uri';
import { applyTextEdits } from '../../server/src/fixes';

const ROOT = path.resolve(__dirname, '..', '..');

export interface TestServer {
  connection: ProtocolConnection;
  process: ChildProcess;
  diagnostics: Map<string, Diagnostic[]>;
  /** Every publishDiagnostics, in order of arrival. */
  publishes: PublishDiagnosticsParams[];
  notifications: { method: string; params: unknown }[];
  /** Resolves with the next diagnostics for `uri` that satisfy `predicate`. */
  waitForDiagnostics(uri: string, predicate?: (d: Diagnostic[]) => boolean, timeoutMs?: number): Promise<Diagnostic[]>;
  stop(): Promise<void>;
}

/** Applies the edits a code action makes to one document; `touched` says whether it edits that document at all. */
export function applyActionEdits(action: CodeAction, uri: string, text: string): { text: string; touched: boolean } {
  const changes = (action.edit?.documentChanges ?? []) as TextDocumentEdit[];
  const mine = changes.filter((c) => 'textDocument' in c && c.textDocument.uri === uri);
  return { text: applyTextEdits(text, mine.flatMap((c) => c.edits as TextEdit[])), touched: mine.length > 0 };
}

export function uriOf(file: string): string {
  return URI.file(file).toString();
}

export async function startServer(options: {
  folder: string;
  /** All the workspace folders (multi-root), `folder` first; default: `folder` alone. */
  folders?: string[];
  settings?: Record<string, unknown>;
  initializationOptions?: Record<string, unknown>;
}): Promise<TestServer> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'server', 'src', 'server.ts'), '--stdio'], {
    cwd: ROOT,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += d.toString()));
  const connection = createProtocolConnection(new StreamMessageReader(child.stdout!), new StreamMessageWriter(child.stdin!));
  const diagnostics = new Map<string, Diagnostic[]>();
  const publishes: PublishDiagnosticsParams[] = [];
  const notifications: { method: string; params: unknown }[] = [];
  const waiters: { uri: string; predicate: (d: Diagnostic[]) => boolean; resolve: (d: Diagnostic[]) => void }[] = [];
  connection.onNotification('textDocument/publishDiagnostics', (params: PublishDiagnosticsParams) => {
    diagnostics.set(params.uri, params.diagnostics);
    publishes.push(params);
    for (const w of [...waiters]) {
      if (w.uri === params.uri && w.predicate(params.diagnostics)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(params.diagnostics);
      }
    }
  });
  connection.onNotification('schemaReview/status', (params: unknown) => notifications.push({ method: 'schemaReview/status', params }));
  connection.onRequest('workspace/configuration', (params: { items: { section?: string }[] }) =>
    params.items.map(() => options.settings ?? {}),
  );
  connection.onRequest('window/workDoneProgress/create', () => null);
  connection.onRequest('client/registerCapability', () => null);
  connection.onNotification('window/logMessage', (params: unknown) => notifications.push({ method: 'window/logMessage', params }));
  connection.listen();
  await connection.sendRequest('initialize', {
    processId: process.pid,
    rootUri: uriOf(options.folder),
    workspaceFolders: (options.folders ?? [options.folder]).map((f) => ({ uri: uriOf(f), name: path.basename(f) })),
    capabilities: {
      workspace: { configuration: true, workspaceFolders: true, didChangeWatchedFiles: { dynamicRegistration: false } },
      textDocument: {
        publishDiagnostics: { relatedInformation: true, codeDescriptionSupport: true, dataSupport: true },
        codeAction: { codeActionLiteralSupport: { codeActionKind: { valueSet: ['quickfix', 'source.fixAll'] } }, isPreferredSupport: true },
        hover: { contentFormat: ['markdown'] },
      },
      window: { workDoneProgress: true },
    },
    initializationOptions: options.initializationOptions ?? { prismaExtensionInstalled: false },
  });
  await connection.sendNotification('initialized', {});
  return {
    connection,
    process: child,
    diagnostics,
    publishes,
    notifications,
    waitForDiagnostics(uri, predicate = () => true, timeoutMs = 30_000) {
      const current = diagnostics.get(uri);
      if (current && predicate(current)) return Promise.resolve(current);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no matching diagnostics for ${uri} within ${timeoutMs} ms; last: ${JSON.stringify(diagnostics.get(uri))}\nserver stderr: ${stderr}`)), timeoutMs);
        waiters.push({ uri, predicate, resolve: (d) => (clearTimeout(timer), resolve(d)) });
      });
    },
    async stop() {
      try {
        await connection.sendRequest('shutdown');
        await connection.sendNotification('exit');
      } catch {
        // already gone
      }
      connection.dispose();
      if (child.exitCode === null) {
        await new Promise<void>((resolve) => {
          const t = setTimeout(() => (child.kill('SIGKILL'), resolve()), 3000);
          child.once('exit', () => (clearTimeout(t), resolve()));
        });
      }
    },
  };
}
