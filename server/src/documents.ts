/**
 * The server's view of files: open documents (the editor's unsaved text) over the disk.
 */
import type { TextDocuments } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { URI } from 'vscode-uri';
import { endsLinesWithCr, withLfForBareCr } from './languages/lines';
import type { SourceReader } from './languages/types';
import { DEFAULT_MAX_FILE_BYTES, DiskReader, toPosix } from './project/files';

/**
 * Conversions remembered both ways: every keystroke converts the same few URIs and paths several times (the change,
 * the reads, the publish), and parsing or printing a URI costs microseconds each time.
 */
const pathOfUri = new Map<string, string | undefined>();
const uriOfPath = new Map<string, string>();
const REMEMBERED = 10_000;

export function uriToPath(uri: string): string | undefined {
  if (pathOfUri.has(uri)) return pathOfUri.get(uri);
  let file: string | undefined;
  try {
    const u = URI.parse(uri);
    file = u.scheme === 'file' ? toPosix(u.fsPath) : undefined;
  } catch {
    file = undefined;
  }
  if (pathOfUri.size >= REMEMBERED) pathOfUri.clear();
  pathOfUri.set(uri, file);
  return file;
}

export function pathToUri(file: string): string {
  let uri = uriOfPath.get(file);
  if (uri === undefined) {
    uri = URI.file(file).toString();
    if (uriOfPath.size >= REMEMBERED) uriOfPath.clear();
    uriOfPath.set(file, uri);
  }
  return uri;
}

/**
 * Open documents win over the disk. The same limits apply to both: a document over the size limit, or with binary
 * data, is skipped as its file would be (reported by `skippedFiles`), and the disk's reason for skipping a file no
 * longer counts while the editor's text of it is reviewed.
 */
export class OverlayReader implements SourceReader {
  readonly disk: DiskReader;
  /** Per open document, its version when last checked and why it is skipped (undefined: it is reviewed). */
  private readonly documentSkips = new Map<string, { version: number; why: string | undefined }>();

  constructor(
    private readonly documents: TextDocuments<TextDocument>,
    private readonly log: (m: string) => void,
    private readonly maxBytes = DEFAULT_MAX_FILE_BYTES,
  ) {
    this.disk = new DiskReader(maxBytes, log);
  }

  read(file: string): string | undefined {
    const doc = this.documents.get(pathToUri(file));
    if (!doc) return this.disk.read(file);
    if (this.skipReason(file, doc) !== undefined) return undefined;
    const text = this.lfText(doc);
    // A BOM the editor kept in the document's text (VS Code drops it, other clients may not) is no part of the
    // source, as it is not in a file read from disk; the parsers read a space there, so every position past it
    // still counts it, as the editor does.
    return text.charCodeAt(0) === 0xfeff ? ` ${text.slice(1)}` : text;
  }

  /**
   * An open document's stamp is its text's record for its version (an object: never equal to a file's stamp, a
   * string), a closed file's the disk's.
   */
  stamp(file: string): unknown {
    const doc = this.documents.get(pathToUri(file));
    if (!doc) return this.disk.stamp(file);
    this.lfText(doc);
    return this.lfTexts.get(doc);
  }

  /**
   * The text at a file's stamp: the disk's while it is unchanged, the document open in the editor since or not (an
   * open document's older versions are gone).
   */
  textAt(file: string, stamp: unknown): string | undefined {
    return typeof stamp === 'string' ? this.disk.textAt(file, stamp) : undefined;
  }

  /** An open document's text stays (the editor holds it); a closed file's the disk reader may let go. */
  release(file: string): boolean {
    return !this.documents.get(pathToUri(file)) && this.disk.release(file);
  }

  /**
   * Lines that end in a bare `\r` end in `\n` for the parsers, as in a file read from disk (same offsets). Once per
   * document version: finding no bare `\r` in a CRLF text reads every `\r` of it.
   */
  private lfText(doc: TextDocument): string {
    const known = this.lfTexts.get(doc);
    if (known && known.version === doc.version) return known.text;
    const text = withLfForBareCr(doc.getText());
    this.lfTexts.set(doc, { version: doc.version, text });
    return text;
  }

  private readonly lfTexts = new WeakMap<TextDocument, { version: number; text: string }>();

  /** Whether the file's lines all end in a bare `\r` (the editor's text when it is open): fixes write new lines so. */
  endsLinesWithCr(file: string): boolean {
    const doc = this.documents.get(pathToUri(file));
    return doc ? endsLinesWithCr(doc.getText()) : this.disk.endsLinesWithCr(file);
  }

  private skipReason(file: string, doc: TextDocument): string | undefined {
    const known = this.documentSkips.get(file);
    if (known && known.version === doc.version) return known.why;
    const text = doc.getText();
    // A UTF-16 code unit takes at most 3 bytes in UTF-8: count the bytes only of a text that may be over the limit.
    const bytes = text.length * 3 > this.maxBytes ? Buffer.byteLength(text, 'utf8') : text.length;
    let why: string | undefined;
    if (bytes > this.maxBytes) why = `${sizeText(bytes)} is over the ${sizeText(this.maxBytes)} limit for one file`;
    else if (text.slice(0, BINARY_PROBE).includes('\0')) why = 'binary data, not text';
    if (why && why !== known?.why) this.log(`skipped ${file} (open in the editor): ${why}`);
    this.documentSkips.set(file, { version: doc.version, why });
    return why;
  }

  skippedFiles(): ReadonlyMap<string, string> {
    const disk = this.disk.skippedFiles();
    let merged: Map<string, string> | undefined;
    for (const [file, entry] of this.documentSkips) {
      if (!this.documents.get(pathToUri(file))) {
        this.documentSkips.delete(file);
        continue;
      }
      if (entry.why !== undefined) (merged ??= new Map(disk)).set(file, entry.why);
      else if (disk.has(file)) (merged ??= new Map(disk)).delete(file);
    }
    return merged ?? disk;
  }

  /** The open document's version, or null when the file is not open (for versioned workspace edits). */
  versionOf(file: string): number | null {
    return this.documents.get(pathToUri(file))?.version ?? null;
  }
}

/** How much of a document's start is searched for a NUL character, the sign of binary data. */
const BINARY_PROBE = 8000;

function sizeText(bytes: number): string {
  return bytes >= 1048576 ? `${Math.round((bytes / 1048576) * 10) / 10} MB` : `${bytes} bytes`;
}
