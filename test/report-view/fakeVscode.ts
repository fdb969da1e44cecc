/**
 * A small stand-in for the `vscode` module, enough for the report panel: it records what the panel asks
 * the editor to do, and lets a test answer dialogs. Installed by `useFakeVscode()` before the panel module
 * is loaded (require('vscode') resolves here). Not a general VS Code mock.
 */
import Module = require('node:module');
import * as path from 'node:path';

type Listener<T> = (e: T) => unknown;

class Emitter<T> {
  private listeners: Listener<T>[] = [];
  event = (l: Listener<T>) => {
    this.listeners.push(l);
    return { dispose: () => (this.listeners = this.listeners.filter((x) => x !== l)) };
  };
  fire(e: T) {
    for (const l of [...this.listeners]) l(e);
  }
}

export class Uri {
  private constructor(readonly scheme: string, readonly path: string) {}
  static file(p: string) {
    return new Uri('file', p.replace(/\\/g, '/'));
  }
  static joinPath(base: Uri, ...segments: string[]) {
    return new Uri(base.scheme, path.posix.join(base.path, ...segments));
  }
  get fsPath() {
    return this.path;
  }
  toString() {
    return `${this.scheme}://${this.path}`;
  }
}

export class Position {
  constructor(readonly line: number, readonly character: number) {}
}
export class Range {
  constructor(readonly start: Position, readonly end: Position) {}
}
export class WorkspaceEdit {
  constructor(readonly label = 'edit') {}
}
export const ViewColumn = { Active: -1, Beside: -2, One: 1, Two: 2 } as const;

export interface FakeWebviewPanel {
  viewType: string;
  title: string;
  options: Record<string, unknown>;
  webview: { html: string; cspSource: string; posted: unknown[]; postMessage(m: unknown): Promise<boolean>; onDidReceiveMessage: Emitter<unknown>['event']; receive(m: unknown): void };
  visible: boolean;
  viewColumn: number;
  revealed: number;
  disposed: boolean;
  reveal(column?: number, preserveFocus?: boolean): void;
  onDidDispose: Emitter<void>['event'];
  dispose(): void;
}

/** What the panel did, in order, and the answers the test gives to dialogs. */
export const recorder = {
  calls: [] as { api: string; args: unknown[] }[],
  panels: [] as FakeWebviewPanel[],
  saveDialogAnswer: undefined as Uri | undefined,
  infoAnswer: undefined as string | undefined,
  applyEditResult: true,
  written: new Map<string, string>(),
  reset() {
    this.calls = [];
    this.saveDialogAnswer = undefined;
    this.infoAnswer = undefined;
    this.applyEditResult = true;
    this.written.clear();
  },
  called(api: string) {
    return this.calls.filter((c) => c.api === api);
  },
};
const record = (api: string, ...args: unknown[]) => recorder.calls.push({ api, args });

function createWebviewPanel(viewType: string, title: string, _show: unknown, options: Record<string, unknown>): FakeWebviewPanel {
  const disposeEmitter = new Emitter<void>();
  const messages = new Emitter<unknown>();
  const panel: FakeWebviewPanel = {
    viewType,
    title,
    options,
    webview: {
      html: '',
      cspSource: 'https://*.vscode-cdn.net',
      posted: [],
      postMessage(m) {
        this.posted.push(m);
        return Promise.resolve(true);
      },
      onDidReceiveMessage: messages.event,
      receive: (m) => messages.fire(m),
    },
    visible: true,
    viewColumn: 1,
    revealed: 0,
    disposed: false,
    reveal() {
      this.revealed++;
    },
    onDidDispose: disposeEmitter.event,
    dispose() {
      if (this.disposed) return;
      this.disposed = true;
      disposeEmitter.fire();
    },
  };
  recorder.panels.push(panel);
  record('createWebviewPanel', viewType, title, options);
  return panel;
}

export const window = {
  createWebviewPanel,
  showTextDocument: async (...args: unknown[]) => record('showTextDocument', ...args),
  showInformationMessage: (...args: unknown[]) => {
    record('showInformationMessage', ...args);
    return Promise.resolve(recorder.infoAnswer);
  },
  showWarningMessage: (...args: unknown[]) => {
    record('showWarningMessage', ...args);
    return Promise.resolve(undefined);
  },
  showErrorMessage: (...args: unknown[]) => {
    record('showErrorMessage', ...args);
    return Promise.resolve(undefined);
  },
  showSaveDialog: async (options: unknown) => {
    record('showSaveDialog', options);
    return recorder.saveDialogAnswer;
  },
};

export const workspace = {
  workspaceFolders: [{ uri: Uri.file('/home/dev/learning-platform'), name: 'learning-platform', index: 0 }] as { uri: Uri; name: string; index: number }[] | undefined,
  applyEdit: async (edit: unknown) => {
    record('applyEdit', edit);
    return recorder.applyEditResult;
  },
  saveAll: async () => record('saveAll'),
  asRelativePath: (uri: Uri) => uri.path.replace('/home/dev/learning-platform/', ''),
  fs: {
    writeFile: async (uri: Uri, bytes: Uint8Array) => {
      record('writeFile', uri);
      recorder.written.set(uri.path, new TextDecoder().decode(bytes));
    },
  },
};

export const commands = {
  executeCommand: async (...args: unknown[]) => record('executeCommand', ...args),
};

/** Makes `require('vscode')` load this module. */
export function useFakeVscode(): void {
  const mod = Module as unknown as { _resolveFilename: (request: string, ...rest: unknown[]) => string };
  const original = mod._resolveFilename;
  if ((original as { fake?: boolean }).fake) return;
  const self = __filename;
  const patched = function (this: unknown, request: string, ...rest: unknown[]) {
    return request === 'vscode' ? self : original.call(this, request, ...rest);
  };
  (patched as { fake?: boolean }).fake = true;
  mod._resolveFilename = patched;
}
