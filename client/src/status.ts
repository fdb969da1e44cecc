/**
 * The language status item shown next to Prisma, SQL and TS/JS files: server health, files reviewed and the
 * last audit, driven by `schemaReview/status` notifications and the client's own state. Clicking opens the log.
 */
import * as vscode from 'vscode';
import type { ServerStatus } from '../../server/src/protocol';
import { documentSelector, type ConnectionState, type ServerConnection } from './client';
import { Commands } from './commands';

export class ServerStatusItem implements vscode.Disposable {
  private readonly item: vscode.LanguageStatusItem;
  private readonly subscriptions: vscode.Disposable[] = [];
  private lastStatus: ServerStatus | undefined;

  constructor(connection: ServerConnection) {
    this.item = vscode.languages.createLanguageStatusItem('schemaReview.status', documentSelector);
    this.item.name = 'Schema Review';
    this.item.command = { title: 'Open Log', command: Commands.showOutput };
    this.showConnectionState(connection.state);
    this.subscriptions.push(
      connection.onDidChangeState((state) => this.showConnectionState(state)),
      connection.onDidReceiveStatus((status) => this.showServerStatus(status)),
    );
  }

  /** What the item currently says; the e2e tests read it. */
  get text(): string {
    return this.item.text;
  }

  get detail(): string | undefined {
    return this.item.detail;
  }

  showConnectionState(state: ConnectionState): void {
    switch (state.kind) {
      case 'starting':
        this.set({ busy: true, severity: vscode.LanguageStatusSeverity.Information, text: 'Schema Review', detail: 'starting…' });
        break;
      case 'running':
        if (this.lastStatus) this.showServerStatus(this.lastStatus);
        else this.set({ busy: false, severity: vscode.LanguageStatusSeverity.Information, text: 'Schema Review', detail: 'running' });
        break;
      case 'stopped':
        this.lastStatus = undefined;
        this.set({
          busy: false,
          severity: state.reason ? vscode.LanguageStatusSeverity.Error : vscode.LanguageStatusSeverity.Warning,
          text: '$(error) Schema Review',
          detail: state.reason ?? 'server stopped',
        });
        this.item.command = { title: 'Restart', command: Commands.restartServer };
        return;
    }
    this.item.command = { title: 'Open Log', command: Commands.showOutput };
  }

  showServerStatus(status: ServerStatus): void {
    this.lastStatus = status;
    this.item.command = { title: 'Open Log', command: Commands.showOutput };
    this.set(describeStatus(status));
  }

  private set(view: StatusView): void {
    this.item.busy = view.busy;
    this.item.severity = view.severity;
    this.item.text = view.text;
    this.item.detail = view.detail;
  }

  dispose(): void {
    for (const d of this.subscriptions) d.dispose();
    this.item.dispose();
  }
}

export interface StatusView {
  busy: boolean;
  severity: vscode.LanguageStatusSeverity;
  text: string;
  detail: string;
}

/** Pure: what the item shows for a server status. */
export function describeStatus(status: ServerStatus, now: Date = new Date()): StatusView {
  const files = `${status.filesReviewed} ${status.filesReviewed === 1 ? 'file' : 'files'} reviewed`;
  const audit = status.lastAudit
    ? `last audit ${formatTime(new Date(status.lastAudit.finishedAt), now)}: ${status.lastAudit.findings} ${
        status.lastAudit.findings === 1 ? 'finding' : 'findings'
      }`
    : undefined;
  const detail = [status.message, files, audit].filter((part): part is string => !!part).join(' · ');
  switch (status.state) {
    case 'starting':
      return { busy: true, severity: vscode.LanguageStatusSeverity.Information, text: 'Schema Review', detail };
    case 'busy':
      return { busy: true, severity: vscode.LanguageStatusSeverity.Information, text: 'Schema Review', detail };
    case 'ready':
      return { busy: false, severity: vscode.LanguageStatusSeverity.Information, text: '$(check) Schema Review', detail };
    case 'error':
      return { busy: false, severity: vscode.LanguageStatusSeverity.Error, text: '$(error) Schema Review', detail };
  }
}

function formatTime(at: Date, now: Date): string {
  if (Number.isNaN(at.getTime())) return 'unknown time';
  const sameDay = at.toDateString() === now.toDateString();
  const time = at.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' });
  return sameDay ? time : `${at.toLocaleDateString()} ${time}`;
}
