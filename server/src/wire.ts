/**
 * Serializing messages for a stream transport (stdio): like vscode-jsonrpc's own JSON encoder, except that
 * each diagnostic of a `textDocument/publishDiagnostics` is turned into JSON once. After a keystroke the
 * server publishes a document's whole list again, and most of it is the same Diagnostic objects as before
 * (the session keeps one object per finding): only the new ones are serialized, the rest are copied as bytes.
 */
import type { Message } from 'vscode-languageserver/node';

/** UTF-8 JSON of diagnostics already sent. Diagnostic objects are never changed once published. */
const diagnosticBytes = new WeakMap<object, Buffer>();

const LIST = '"diagnostics":[]';
const COMMA = Buffer.from(',');

/** The message as UTF-8 JSON, the same bytes `JSON.stringify` would give. */
export function encodeMessage(message: Message): Buffer {
  const msg = message as Message & { method?: string; params?: { diagnostics?: unknown } };
  const list = msg.method === 'textDocument/publishDiagnostics' ? msg.params?.diagnostics : undefined;
  if (!Array.isArray(list) || list.length === 0) return Buffer.from(JSON.stringify(msg), 'utf-8');
  // The envelope with an empty list last, then the list spliced in: `"diagnostics":[]` cannot occur inside a
  // JSON string (its quotes would be escaped), so the last occurrence is the list's own.
  const head = JSON.stringify({ ...msg, params: { ...(msg.params as object), diagnostics: [] } });
  const at = head.lastIndexOf(LIST) + LIST.length - 1;
  const chunks: Buffer[] = [Buffer.from(head.slice(0, at), 'utf-8')];
  for (let i = 0; i < list.length; i++) {
    const d = list[i] as object;
    let bytes = typeof d === 'object' && d !== null ? diagnosticBytes.get(d) : undefined;
    if (bytes === undefined) {
      bytes = Buffer.from(JSON.stringify(d), 'utf-8');
      if (typeof d === 'object' && d !== null) diagnosticBytes.set(d, bytes);
    }
    if (i > 0) chunks.push(COMMA);
    chunks.push(bytes);
  }
  chunks.push(Buffer.from(head.slice(at), 'utf-8'));
  return Buffer.concat(chunks);
}

/** A `contentTypeEncoder` for vscode-jsonrpc's StreamMessageWriter (UTF-8, as the LSP base protocol says). */
export const jsonEncoder = {
  name: 'application/json',
  encode(message: Message): Promise<Uint8Array> {
    try {
      return Promise.resolve(encodeMessage(message));
    } catch (error) {
      return Promise.reject(error);
    }
  },
};
