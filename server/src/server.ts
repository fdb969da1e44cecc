/**
 * The Schema Review language server: capabilities and handler wiring only; the logic lives in
 * session.ts (reviews, publishing, audit), codeActions.ts and hover.ts.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  createConnection,
  StreamMessageReader,
  DidChangeConfigurationNotification,
  DidChangeWatchedFilesNotification,
  ProposedFeatures,
  TextDocuments,
  TextDocumentSyncKind,
  CodeActionKind,
  type CancellationToken,
  type Disposable,
  type InitializeParams,
  type WorkDoneProgressReporter,
  type InitializeResult,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { FIX_ALL_KIND, handleCodeActions } from './codeActions';
import { uriToPath } from './documents';
import { handleHover } from './hover';
import {
  AuditRequest,
  ExportReportRequest,
  FixAllWorkspaceRequest,
  type AuditParams,
  type AuditResult,
  type ExportReportParams,
  type FixAllWorkspaceParams,
} from './protocol';
import { Session } from './session';
import { watchersFor } from './project/watch';
import { FramedMessageWriter } from './wire';
import { callingThreadLintRunner, workerLintRunner } from './languages/prisma/lintRunner';
import { preloadPrismaWasm, prismaProjectAt, wasmMajorFor } from './languages/prisma';
import type { WasmMajor } from './languages/prisma/wasm';
import { withLfForBareCr } from './languages/lines';
import { collectAuditGarbage } from './memory';

/**
 * Over stdio (VS Code's client and other editors' start the server with `--stdio`) the messages are written by our
 * writer: one write per message, each published diagnostic serialized once (wire.ts); other transports use the
 * library's own.
 */
const stdio = process.argv.includes('--stdio');
const connection = stdio
  ? createConnection(
      ProposedFeatures.all,
      new StreamMessageReader(process.stdin),
      new FramedMessageWriter(process.stdout),
    )
  : createConnection(ProposedFeatures.all);
if (stdio) {
  // The client went away (its end of stdin closed): nothing can reach us any more.
  process.stdin.on('end', () => process.exit(0));
  process.stdin.on('close', () => process.exit(0));
  // stdout carries the protocol: whatever a dependency prints goes to the client's log instead.
  const text = (args: unknown[]) => args.map((a) => (typeof a === 'string' ? a : JSON.stringify(a))).join(' ');
  console.log = console.info = console.debug = (...args: unknown[]) => connection.console.log(text(args));
  console.warn = (...args: unknown[]) => connection.console.warn(text(args));
  console.error = (...args: unknown[]) => connection.console.error(text(args));
}
const documents = new TextDocuments(TextDocument);
let session: Session | undefined;
let watchRegistration = false;
let relativePatternSupport = false;

/**
 * The extension's folder, where the rule docs ship (`rules/<category>/<rule>.md`): the parent of dist/ for the bundle, two levels up
 * from server/src/ when run from sources (the tests), whose links must lead to the docs as well.
 */
const extensionRoot = fs.existsSync(path.join(__dirname, '..', 'package.json')) ? path.resolve(__dirname, '..') : path.resolve(__dirname, '..', '..');

/** Prisma's validation runs in this worker (dist/prisma-lint-worker.js); from sources, on the main thread (as a runner all the same). */
const linter = workerLintRunner(path.join(__dirname, 'prisma-lint-worker.js'), (m) => connection.console.log(m));

connection.onInitialize((params: InitializeParams): InitializeResult => {
  const init = (params.initializationOptions ?? {}) as { prismaExtensionInstalled?: boolean };
  session = new Session(connection, documents, {
    lintAsync: linter?.run ?? callingThreadLintRunner,
    prepareValidation: (root) => preloadPrisma([root]),
    extensionRoot,
    prismaExtensionInstalled: init.prismaExtensionInstalled === true,
    configurationSupported: params.capabilities.workspace?.configuration === true,
    relatedInformationSupported: params.capabilities.textDocument?.publishDiagnostics?.relatedInformation !== false,
    watchesFiles: params.capabilities.workspace?.didChangeWatchedFiles !== undefined,
    // A monorepo package's own node_modules, once a review finds its Prisma schema or Drizzle config (watch.ts).
    onProjectFolders: (found) => {
      projectFolders = found;
      if (watchers && relativePatternSupport && session) registerWatchers(session.folderList());
    },
  });
  watchRegistration = params.capabilities.workspace?.didChangeWatchedFiles?.dynamicRegistration === true;
  relativePatternSupport = params.capabilities.workspace?.didChangeWatchedFiles?.relativePatternSupport === true;
  const folders = params.workspaceFolders?.map((f) => uriToPath(f.uri)).filter((p): p is string => !!p) ?? [];
  if (!folders.length && params.rootUri) {
    const root = uriToPath(params.rootUri);
    if (root) folders.push(root);
  }
  session.setFolders(folders);
  // Validation is on by default when Prisma's extension is missing (`auto`): compile its wasm while we start, before
  // the first schema opens. Otherwise (or if the settings say otherwise) the settings decide (prepareValidation).
  if (!init.prismaExtensionInstalled) preloadPrisma(folders);
  return {
    capabilities: {
      textDocumentSync: TextDocumentSyncKind.Incremental,
      codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix, FIX_ALL_KIND], resolveProvider: false },
      hoverProvider: true,
      workspace: { workspaceFolders: { supported: true, changeNotifications: true } },
    },
    serverInfo: { name: 'schema-review', version: '0.1.0' },
  };
});

/**
 * Compiles the Prisma wasm the Prisma projects of these folders validate with (~20 ms), rather than during the first
 * review of an opened schema: at start when validation is on by default, else once the settings turn it on. Where
 * it stays off (Prisma's extension installed), no wasm is loaded at all: our own review needs none.
 */
function preloadPrisma(folders: string[]): void {
  const read = (p: string): string | undefined => {
    try {
      return fs.readFileSync(p, 'utf8');
    } catch {
      return undefined;
    }
  };
  const majors = new Set<WasmMajor>();
  for (const folder of folders) {
    const project = prismaProjectAt(folder.split(path.sep).join('/'), (p) => fs.existsSync(p), read);
    if (project.prisma) majors.add(wasmMajorFor(project.major));
  }
  for (const major of majors) {
    const started = performance.now();
    if (!preloadPrismaWasm(major)) continue;
    connection.console.log(`Prisma ${major === 7 ? '7+' : major} schema wasm compiled for validation (${Math.round(performance.now() - started)} ms)`);
  }
}

/**
 * The watchers registered (see project/watch.ts), replaced when the workspace folders change, or the project folders
 * the reviews found (`projectFolders`, whose node_modules are watched too).
 */
let watchers: Promise<Disposable | undefined> | undefined;
let projectFolders: readonly string[] = [];

function registerWatchers(folders: readonly string[]): void {
  if (!watchRegistration) return;
  const previous = watchers;
  watchers = (async () => {
    (await previous)?.dispose();
    return connection.client.register(DidChangeWatchedFilesNotification.type, { watchers: watchersFor(folders, relativePatternSupport, projectFolders) });
  })().catch(() => undefined);
}

connection.onInitialized(() => {
  if (!session) return;
  // The first schema usually opens right now: have its settings on the way already.
  session.prefetchSettings();

  void connection.client.register(DidChangeConfigurationNotification.type, undefined).catch(() => undefined);
  // Clients that watch only what servers ask for (neovim, Helix…): the files that change the review.
  registerWatchers(session.folderList());
  connection.workspace.onDidChangeWorkspaceFolders((e) => {
    const current = new Set<string>();
    void connection.workspace.getWorkspaceFolders().then((all) => {
      for (const f of all ?? []) {
        const p = uriToPath(f.uri);
        if (p) current.add(p);
      }
      session?.setFolders([...current]);
      if (session) registerWatchers(session.folderList());
      for (const added of e.added) {
        const p = uriToPath(added.uri);
        if (p) session?.schedule(p);
      }
    });
  });
  session.setStatus({ state: 'ready' });
});

documents.onDidOpen((e) => session?.onDocumentOpened(e.document.uri));
documents.onDidChangeContent((e) => session?.onDocumentChanged(e.document.uri));
documents.onDidClose((e) => session?.onDocumentClosed(e.document.uri));
connection.onDidChangeWatchedFiles((e) => session?.onWatchedFilesChanged(e.changes));
connection.onDidChangeConfiguration(() => session?.onConfigurationChanged());

connection.onCodeAction(async (params) => {
  const file = uriToPath(params.textDocument.uri);
  if (!session || !file || !documents.get(params.textDocument.uri)) return [];
  // Fix-all (on save, right after the last keystroke): wait for the review of the current text, as ESLint does.
  if (params.context.only?.some((k) => FIX_ALL_KIND === k || FIX_ALL_KIND.startsWith(`${k}.`))) await session.whenCurrent(file, FIX_ALL_WAIT_MS);
  const doc = documents.get(params.textDocument.uri);
  if (!doc) return [];
  return handleCodeActions({
    file,
    language: session.languageOf(file),
    // As the review read it: lines that end in a bare `\r` end in `\n` (same positions; see endsLinesWithCr).
    text: withLfForBareCr(doc.getText()),
    range: params.range,
    diagnostics: params.context.diagnostics,
    only: params.context.only,
    findings: session.findingsOf(file),
    unsafeFixes: session.unsafeFixes(file),
    versionOf: (f) => session!.reader.versionOf(f),
    current: (files) => session!.fixesCurrent(files),
    docUri: session.docUri,
    endsLinesWithCr: (f) => session!.reader.endsLinesWithCr(f),
  });
});

/** How long fix-all waits for the review of a just-edited document before it answers without fixes. */
const FIX_ALL_WAIT_MS = 2000;

connection.onHover((params) => {
  const file = uriToPath(params.textDocument.uri);
  if (!session || !file) return undefined;
  return handleHover(session.findingsOf(file), params.position, session.docUri);
});

connection.onRequest(AuditRequest.method, async (params: AuditParams, token: CancellationToken): Promise<AuditResult> => {
  if (!session) throw new Error('server not initialized');
  // The client's token when it sent one (its progress notification then shows ours), else a server-created one.
  const progress: WorkDoneProgressReporter =
    params?.workDoneToken !== undefined
      ? connection.window.attachWorkDoneProgress(params.workDoneToken)
      : await connection.window.createWorkDoneProgress();
  progress.begin('Auditing workspace database', 0, 'finding files…', true);
  try {
    const result = await session.audit(params.folders, token, progress);
    // What the audit allocated is garbage now (the result is small next to it): give it back once the answer is out
    // (the answer is written before the next turn of the event loop), so that the user does not wait for it.
    setImmediate(() => collectAuditGarbage());
    return result;
  } finally {
    progress.done();
  }
});

connection.onRequest(FixAllWorkspaceRequest.method, (params: FixAllWorkspaceParams) => {
  if (!session) throw new Error('server not initialized');
  return session.fixAllWorkspace(params?.unsafe);
});

connection.onRequest(ExportReportRequest.method, (params: ExportReportParams) => {
  if (!session) throw new Error('server not initialized');
  return session.exportReport(params.format);
});

process.on('uncaughtException', (error) => {
  connection.console.error(`uncaught: ${error.stack ?? error}`);
});

documents.listen(connection);
connection.listen();
