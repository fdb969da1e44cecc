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

export interface AuditAreaSummary {
  category: 'relations' | 'indexes' | 'migrations' | 'data-types' | 'transactions' | 'queries';
  title: string;
  /** 100 − 15 per error − 5 per warning − 1 per info, floored at 0 (`scoreFormula`). */
  score: number;
  errors: number;
  warnings: number;
  infos: number;
}

export interface AuditResult {
  /**
   * The CLI JSON contract (version 1), one per audited folder merged into one: `root`, `files`,
   * `findings` (1-based ranges, paths relative to `root`), `problems`, `summary`.
   */
  report: unknown;
  /** Score and counts per area, in display order. */
  areas: AuditAreaSummary[];
  /** How the score is computed, in words, for the report view. */
  scoreFormula: string;
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

export interface FixAllWorkspaceParams {
  /** Also apply unsafe fixes (the user confirmed). Defaults to the `schemaReview.fixes.unsafe` setting. */
  unsafe?: boolean;
}

export interface FixAllWorkspaceResult {
  /** An LSP WorkspaceEdit (documentChanges, with file creations for new migrations). */
  edit: unknown;
  /** How many findings the edit fixes. */
  fixes: number;
  files: number;
}

/**
 * Sent from the client to the server when the user presses "Fix all safe problems" in the report view.
 * The server answers with one workspace edit for the findings of the last review of every root; the
 * client applies it (so it lands in the editor's undo history) and the server re-reviews on the changes.
 */
export namespace FixAllWorkspaceRequest {
  export const method = 'schemaReview/fixAllWorkspace';
  export const type = new RequestType<FixAllWorkspaceParams, FixAllWorkspaceResult, void>(method);
}

export interface ExportReportParams {
  format: 'markdown' | 'sarif' | 'json';
}

/** Sent from the client to the server when the user exports the last audit; the answer is the file's text. */
export namespace ExportReportRequest {
  export const method = 'schemaReview/exportReport';
  export const type = new RequestType<ExportReportParams, { text: string; suggestedName: string }, void>(method);
}
