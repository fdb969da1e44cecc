/**
 * Messages between the report webview's page script and the extension. The page is untrusted input as far
 * as the extension is concerned: every message is checked by `parseWebviewMessage` before it is acted on.
 * No vscode import here, so it is unit-testable.
 */

/** Sent from the page to the extension when the user clicks something. */
export type WebviewMessage =
  | { type: 'open'; file: string; line: number; column: number; endLine?: number; endColumn?: number }
  | { type: 'openDoc'; rule: string; docPath?: string }
  | { type: 'fixAll' }
  | { type: 'rerun' }
  | { type: 'export'; format: 'markdown' | 'sarif' };

/** Sent from the extension to the page: an action finished (the page re-enables its button). */
export type ExtensionMessage = { type: 'done'; action: 'fixAll' | 'rerun' | 'export' };

const isPositiveInt = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 1 && v < 1e9;

/** The message when it is well-formed, undefined otherwise (ignored by the panel). */
export function parseWebviewMessage(raw: unknown): WebviewMessage | undefined {
  if (!raw || typeof raw !== 'object') return undefined;
  const m = raw as Record<string, unknown>;
  switch (m.type) {
    case 'open': {
      if (typeof m.file !== 'string' || m.file === '' || m.file.length > 4096 || m.file.includes('\0')) return undefined;
      if (!isPositiveInt(m.line)) return undefined;
      const column = isPositiveInt(m.column) ? m.column : 1;
      const msg: WebviewMessage = { type: 'open', file: m.file, line: m.line, column };
      if (isPositiveInt(m.endLine) && isPositiveInt(m.endColumn) && (m.endLine > m.line || (m.endLine === m.line && m.endColumn >= column))) {
        msg.endLine = m.endLine;
        msg.endColumn = m.endColumn;
      }
      return msg;
    }
    case 'openDoc':
      if (typeof m.rule !== 'string' || !/^[a-z0-9-]{1,100}$/.test(m.rule)) return undefined;
      return typeof m.docPath === 'string' && /^rules\/[a-z-]+\/[a-z0-9-]+\.md$/.test(m.docPath)
        ? { type: 'openDoc', rule: m.rule, docPath: m.docPath }
        : { type: 'openDoc', rule: m.rule };
    case 'fixAll':
    case 'rerun':
      return { type: m.type };
    case 'export':
      return m.format === 'markdown' || m.format === 'sarif' ? { type: 'export', format: m.format } : undefined;
    default:
      return undefined;
  }
}
