/**
 * Writing messages to a stream transport (stdio): like vscode-jsonrpc's own writer and JSON encoder, except that
 * each diagnostic of a `textDocument/publishDiagnostics` is turned into JSON once. After a keystroke the
 * server publishes a document's whole list again, and most of it is the same Diagnostic objects as before
 * (the session keeps one object per finding): only the new ones are serialized, the rest are copied as bytes.
 * And each message goes out in one write, its header with it.
 */
import { AbstractMessageWriter, type Message, type MessageWriter } from 'vscode-languageserver/node';

/** UTF-8 JSON of diagnostics already sent. Diagnostic objects are never changed once published. */
const diagnosticBytes = new WeakMap<object, Buffer>();

const LIST = '"diagnostics":[]';
const COMMA = Buffer.from(',');

/**
 * The message's JSON, the same bytes `JSON.stringify` would give, as byte chunks: a publish's diagnostics each as the
 * bytes kept for it.
 */
function bodyChunks(message: Message): Buffer[] {
  const msg = message as Message & { method?: string; params?: { diagnostics?: unknown } };
  const list = msg.method === 'textDocument/publishDiagnostics' ? msg.params?.diagnostics : undefined;
  if (!Array.isArray(list) || list.length === 0) return [Buffer.from(JSON.stringify(msg), 'utf-8')];
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
  return chunks;
}

/** The message framed as the LSP base protocol sends it: `Content-Length` header, blank line, UTF-8 JSON. */
export function frameMessage(message: Message): Buffer {
  const chunks = bodyChunks(message);
  let length = 0;
  for (const c of chunks) length += c.length;
  const header = Buffer.from(`Content-Length: ${length}\r\n\r\n`, 'ascii');
  return Buffer.concat([header, ...chunks], header.length + length);
}

/**
 * Writes each message to a stream (stdout) with one write: header and content together. vscode-jsonrpc's own
 * stream writer writes the header, waits for it to be written, then the content: two system calls per message, and
 * a client that wakes up for a header alone and has to wait again for the content.
 */
export class FramedMessageWriter extends AbstractMessageWriter implements MessageWriter {
  private errors = 0;

  constructor(private readonly stream: NodeJS.WritableStream) {
    super();
    stream.on('error', (error: Error) => this.fireError(error));
    stream.on('close', () => this.fireClose());
  }

  write(message: Message): Promise<void> {
    let frame: Buffer;
    try {
      frame = frameMessage(message);
    } catch (error) {
      this.fireError(error, message, ++this.errors);
      return Promise.reject(error);
    }
    // Writes reach the stream in the order of the calls (encoding is synchronous), so messages cannot interleave.
    return new Promise((resolve, reject) => {
      this.stream.write(frame, (error?: Error | null) => {
        if (!error) return resolve();
        this.fireError(error, message, ++this.errors);
        reject(error);
      });
    });
  }

  end(): void {
    this.stream.end();
  }
}
