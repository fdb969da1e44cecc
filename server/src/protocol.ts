/**
 * Custom messages between the client (VS Code) and the server, beyond LSP.
 * One namespace per message; each says who sends it and when.
 */
import { NotificationType, RequestType } from 'vscode-languageserver-protocol';

export interface ServerStatus {
  /** `starting` until the first review, `ready` when idle, `busy` while reviewing, `error` after a failure. */
  state: 'starting' | 'ready' | 'busy' | 'error';
  /** Files reviewed so far (schemas, migrations, code files). */
  filesReviewed: number;
  /** A one-line explanation for `error`, or what is being reviewed for `busy`. */
  message?: string;
  lastAudit?: { finishedAt: string; findings: number; files: number; durationMs: number };
}

/** Sent from the server to the client whenever the server's health or counters change. */
export namespace StatusNotification {
  export const method = 'schemaReview/status';
  export const type = new NotificationType<ServerStatus>(method);
}

export interface AuditParams {
  /** Workspace folder paths to audit; all folders when omitted. */
  folders?: string[];
  /** Progress token from the client (`window/workDoneProgress/create` is done by the server otherwise). */
  workDoneToken?: string | number;
}

export interface AuditResult {
  /** The CLI JSON contract (version 1), one per audited folder merged into one. */
  report: unknown;
  /** The audit as Markdown, ready to open. */
  markdown: string;
  findings: number;
  files: number;
  durationMs: number;
  cancelled: boolean;
}

/**
 * Sent from the client to the server when the user runs "Audit workspace database". The server
 * reviews the workspace, publishes every finding as diagnostics, reports progress on the token and
 * honours cancellation.
 */
export namespace AuditRequest {
  export const method = 'schemaReview/audit';
  export const type = new RequestType<AuditParams, AuditResult, void>(method);
}
