/**
 * The language client: how the server is started, which documents it sees, which files it watches, and
 * the small lifecycle wrapper (`ServerConnection`) the commands and the status item share, so that every
 * command can answer sensibly while the server is down or restarting.
 */
import * as vscode from 'vscode';
import {
  LanguageClient,
  LanguageClientOptions,
  RevealOutputChannelOn,
  ServerOptions,
  State,
  TransportKind,
  type DocumentSelector,
} from 'vscode-languageclient/node';
import { AuditRequest, StatusNotification, type ServerStatus } from '../../server/src/protocol';

/** The settings section the server pulls with `workspace/configuration`; also the prefix of `trace.server`. */
export const configurationSection = 'schemaReview';

/** The custom messages (server/src/protocol.ts, which shares vscode-languageclient's protocol package). */
export const Methods = {
  status: StatusNotification.method,
  audit: AuditRequest.method,
} as const;

/** Languages the server reviews. TS/JS are reviewed only for their Prisma/Drizzle calls. */
export const reviewedLanguages = [
  'prisma',
  'sql',
  'typescript',
  'typescriptreact',
  'javascript',
  'javascriptreact',
] as const;

export const documentSelector: DocumentSelector = reviewedLanguages.map((language) => ({ scheme: 'file', language }));

/** Files whose changes the server must hear about even when they are not open. */
export const watchedFileGlobs = [
  '**/*.prisma',
  '**/*.sql',
  '**/schema-review.json',
  '**/migration_lock.toml',
  '**/supabase/config.toml',
  '**/drizzle.config.*',
  '**/package.json',
  // The versions of Prisma and drizzle-orm a lockfile resolves (the server reads them when nothing is installed);
  // node_modules/<package>/package.json is watched at the server's request (project/watch.ts), one folder each.
  '**/{package-lock.json,npm-shrinkwrap.json,pnpm-lock.yaml,yarn.lock,bun.lock}',
];

/** The id Prisma's own extension is published under; when present, its validation errors are not repeated. */
export const prismaExtensionId = 'Prisma.prisma';

export interface InitializationOptions {
  prismaExtensionInstalled: boolean;
}

/**
 * `fileWatchers` are owned by the caller: the client only listens to them, so they are created once and
 * shared by every client a restart creates.
 */
/** The server's `MALLOC_ARENA_MAX` (see createLanguageClient); the bench starts the server with it too. */
export const SERVER_MALLOC_ARENA_MAX = '2';

export function createLanguageClient(
  context: vscode.ExtensionContext,
  outputChannel: vscode.LogOutputChannel,
  fileWatchers: vscode.FileSystemWatcher[],
): LanguageClient {
  const module = vscode.Uri.joinPath(context.extensionUri, 'dist', 'server.js').fsPath;
  // The server's V8 code cache (server/src/boot/codeCache.ts) goes to the extension's own storage, unless the
  // environment names a folder (or `off`).
  const env = {
    SCHEMA_REVIEW_CODE_CACHE: process.env.SCHEMA_REVIEW_CODE_CACHE ?? vscode.Uri.joinPath(context.globalStorageUri, 'code-cache').fsPath,
    // glibc gives each thread that allocates its own malloc arena (Node's thread pool, V8's helpers, the Prisma
    // validation worker), each keeping freed memory: two arenas kept the server about 50 MB smaller after a workspace
    // audit, at no measurable cost in speed. Other platforms ignore it; a value the user set wins.
    MALLOC_ARENA_MAX: process.env.MALLOC_ARENA_MAX ?? SERVER_MALLOC_ARENA_MAX,
  };
  const serverOptions: ServerOptions = {
    // stdio, as other editors run it: the server's stream writer serializes each published diagnostic once.
    run: { module, transport: TransportKind.stdio, options: { env } },
    debug: {
      module,
      transport: TransportKind.stdio,
      options: { execArgv: ['--nolazy', '--inspect=6011'], env },
    },
  };
  const initializationOptions: InitializationOptions = {
    prismaExtensionInstalled: vscode.extensions.getExtension(prismaExtensionId) !== undefined,
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector,
    synchronize: {
      // The server pulls settings with workspace/configuration; this only tells it when they change.
      configurationSection,
      fileEvents: fileWatchers,
    },
    initializationOptions,
    outputChannel,
    traceOutputChannel: outputChannel,
    // A crash is shown in the status item and the log; the default handler restarts up to 4 times in 3 minutes.
    revealOutputChannelOn: RevealOutputChannelOn.Never,
  };
  return new LanguageClient(configurationSection, 'Schema Review', serverOptions, clientOptions);
}

export type ConnectionState =
  | { kind: 'stopped'; reason?: string }
  | { kind: 'starting' }
  | { kind: 'running'; client: LanguageClient };

/**
 * Owns the one LanguageClient of the extension. `start` is idempotent; `restart` replaces a crashed or
 * stopped client. Listeners hear every state change and every server status notification.
 */
export class ServerConnection implements vscode.Disposable {
  private client: LanguageClient | undefined;
  private starting: Promise<LanguageClient | undefined> | undefined;
  private current: ConnectionState = { kind: 'stopped' };
  private readonly stateEmitter = new vscode.EventEmitter<ConnectionState>();
  private readonly statusEmitter = new vscode.EventEmitter<ServerStatus>();
  private clientSubscriptions: vscode.Disposable[] = [];
  private readonly fileWatchers = watchedFileGlobs.map((glob) => vscode.workspace.createFileSystemWatcher(glob));

  readonly onDidChangeState = this.stateEmitter.event;
  readonly onDidReceiveStatus = this.statusEmitter.event;

  constructor(
    private readonly context: vscode.ExtensionContext,
    readonly outputChannel: vscode.LogOutputChannel,
  ) {}

  get state(): ConnectionState {
    return this.current;
  }

  /** The running client, or undefined while the server is starting, stopped or crashed. */
  get runningClient(): LanguageClient | undefined {
    return this.current.kind === 'running' ? this.current.client : undefined;
  }

  /** Starts the server if it is not running; resolves to the client, or undefined when it could not start. */
  start(): Promise<LanguageClient | undefined> {
    if (this.current.kind === 'running') return Promise.resolve(this.current.client);
    this.starting ??= this.doStart().finally(() => (this.starting = undefined));
    return this.starting;
  }

  async restart(): Promise<LanguageClient | undefined> {
    await this.stop();
    return this.start();
  }

  async stop(): Promise<void> {
    await this.starting;
    const client = this.client;
    this.client = undefined;
    this.disposeClientSubscriptions();
    if (client) {
      try {
        if (client.isRunning()) await client.stop(5000);
        await client.dispose(2000);
      } catch (error) {
        this.outputChannel.warn(`Stopping the server failed: ${describe(error)}`);
      }
    }
    this.setState({ kind: 'stopped' });
  }

  private async doStart(): Promise<LanguageClient | undefined> {
    this.setState({ kind: 'starting' });
    const client = createLanguageClient(this.context, this.outputChannel, this.fileWatchers);
    this.client = client;
    this.clientSubscriptions.push(
      client.onDidChangeState(({ newState }) => {
        if (this.client !== client) return;
        if (newState === State.Running) this.setState({ kind: 'running', client });
        else if (newState === State.Starting) this.setState({ kind: 'starting' });
        else this.setState({ kind: 'stopped', reason: 'The Schema Review server stopped.' });
      }),
      client.onNotification(Methods.status, (status: ServerStatus) => this.statusEmitter.fire(status)),
    );
    try {
      await client.start();
      this.setState({ kind: 'running', client });
      return client;
    } catch (error) {
      const reason = `The Schema Review server could not start: ${describe(error)}`;
      this.outputChannel.error(reason);
      if (this.client === client) {
        this.client = undefined;
        this.disposeClientSubscriptions();
        client.dispose(2000).catch(() => undefined);
      }
      this.setState({ kind: 'stopped', reason });
      return undefined;
    }
  }

  private setState(state: ConnectionState): void {
    if (state.kind === this.current.kind && state.kind !== 'stopped') return;
    this.current = state;
    this.stateEmitter.fire(state);
  }

  private disposeClientSubscriptions(): void {
    for (const d of this.clientSubscriptions) d.dispose();
    this.clientSubscriptions = [];
  }

  async dispose(): Promise<void> {
    await this.stop();
    for (const watcher of this.fileWatchers) watcher.dispose();
    this.stateEmitter.dispose();
    this.statusEmitter.dispose();
  }
}

export function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
