/**
 * The server's view of files: open documents (the editor's unsaved text) over the disk.
 */
import type { TextDocuments } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { URI } from 'vscode-uri';
import type { SourceReader } from './languages/types';
import { DiskReader, toPosix } from './project/files';

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

/** Open documents win over the disk; the disk reader applies the size and binary checks. */
export class OverlayReader implements SourceReader {
  readonly disk: DiskReader;
  constructor(
    private readonly documents: TextDocuments<TextDocument>,
    log: (m: string) => void,
  ) {
    this.disk = new DiskReader(undefined, log);
  }

  read(file: string): string | undefined {
    const doc = this.documents.get(pathToUri(file));
    if (doc) return doc.getText();
    return this.disk.read(file);
  }

  skippedFiles(): ReadonlyMap<string, string> {
    return this.disk.skippedFiles();
  }

  /** The open document's version, or null when the file is not open (for versioned workspace edits). */
  versionOf(file: string): number | null {
    return this.documents.get(pathToUri(file))?.version ?? null;
  }
}
