/**
 * The server's view of files: open documents (the editor's unsaved text) over the disk.
 */
import type { TextDocuments } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import { URI } from 'vscode-uri';
import type { SourceReader } from './languages/types';
import { DiskReader, toPosix } from './project/files';

export function uriToPath(uri: string): string | undefined {
  try {
    const u = URI.parse(uri);
    return u.scheme === 'file' ? toPosix(u.fsPath) : undefined;
  } catch {
    return undefined;
  }
}

export function pathToUri(file: string): string {
  return URI.file(file).toString();
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

  /** The open document's version, or null when the file is not open (for versioned workspace edits). */
  versionOf(file: string): number | null {
    return this.documents.get(pathToUri(file))?.version ?? null;
  }
}
