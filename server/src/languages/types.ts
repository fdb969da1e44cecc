import type { LintRunner } from './prisma/lintRunner';
/**
 * What every language front-end provides. A front-end knows syntax: it parses text into model facts
 * with exact ranges, and writes text edits for a rule's fix intent. It never judges.
 */
import type { CodeFile, Database, Dialect, Language, Loc, Range } from '../../../rules/model';
import type { FixIntent } from '../../../rules/types';

/** Reads files: the LSP overlays open documents on the disk, the CLI reads the disk. Never throws. */
export interface SourceReader {
  /** The text of a file, or undefined when it does not exist, is unreadable, binary or too large. */
  read(path: string): string | undefined;
  /** The files read so far that exist but gave no text (too large, binary, unreadable), with the reason. */
  skippedFiles?(): ReadonlyMap<string, string>;
  /**
   * A value that stays the same (`===`) while the file's text does, got without reading it (a file on disk: its
   * modification time and size); undefined when the reader cannot tell (then read the file). Discovery keeps what it
   * learnt of a file under its stamp, so an unchanged file need not be read again, nor its text kept.
   */
  stamp?(path: string): unknown;
  /** The file's text as it was when `stamp(path)` gave `stamp`, if the reader can still tell it; else undefined. */
  textAt?(path: string, stamp: unknown): string | undefined;
  /**
   * Nothing needs the file's text for now: a reader that keeps texts may let it go (`read` gives it again, from
   * disk). Whether the text is now only on disk (`textAt` gives it back while the file is unchanged).
   */
  release?(path: string): boolean;
}

export interface TextEdit {
  range: Range;
  newText: string;
}

/** Edits to one file; `create: true` means the file is new and `edits` hold its whole text at 0:0. */
export interface FileEdit {
  file: string;
  edits: TextEdit[];
  create?: boolean;
}

/** A problem found while reading a file (syntax error, Prisma validation error, unparsable statement). */
export interface SourceDiagnostic {
  file: string;
  range: Range;
  severity: 'error' | 'warning' | 'info';
  message: string;
  /** `prisma` for Prisma's own validation, `schema-review` for ours. */
  source: string;
  code?: string;
}

/** A `schema-review-ignore` comment. */
export interface Suppression {
  loc: Loc;
  /** `next-line`: the line after the comment (or the comment's own line for a trailing comment); `file`: whole file. */
  scope: 'next-line' | 'file';
  /** 0-based line the suppression applies to (for `next-line`). */
  targetLine: number;
  /**
   * `next-line` before a statement that spans several lines (SQL): the statement's last line; findings that start on
   * any line from `targetLine` to this one are suppressed. Undefined = `targetLine` alone.
   */
  targetEndLine?: number;
  rules: string[];
}

/** A group of files that make one database (or, for code, a set of code files). */
export interface Unit {
  language: Language;
  /** Stable id (language + main path). */
  id: string;
  /** The files of the unit, in order (migration replay order for SQL). */
  files: string[];
  /** Language-specific facts found at discovery (e.g. the Prisma major, the SQL dialect). */
  hints?: Record<string, unknown>;
}

export interface AnalyzeOptions {
  /** Show the language's own validation errors (Prisma's). */
  validation: boolean;
  /**
   * Runs Prisma's validation elsewhere (a worker): the analysis then carries it as `pending` instead of waiting
   * for it, and the review adds it once its own rules have run.
   */
  lintAsync?: LintRunner;
  /**
   * The dialect configured for the workspace (`schema-review.json`): a fallback only. What the project itself says
   * wins: a Prisma datasource's provider, a drizzle.config dialect or the table functions, a migration lock.
   */
  dialect?: Dialect;
  /** Databases of the workspace built so far (code front-end uses the Prisma models). */
  databases?: readonly Database[];
}

export interface Analysis {
  databases: Database[];
  codeFiles: CodeFile[];
  diagnostics: SourceDiagnostic[];
  suppressions: Suppression[];
  /** Diagnostics still being computed (Prisma's validation in a worker, see `AnalyzeOptions.lintAsync`). */
  pending?: Promise<SourceDiagnostic[]>;
}

export interface LanguageFrontEnd {
  language: Language;
  /** Loads what the front-end needs asynchronously (a wasm parser); awaited once before the first analysis. */
  init?(): Promise<void>;
  /** File extensions (with dot) this front-end may want; discovery filters further. */
  extensions: string[];
  /** Group candidate files (absolute paths, sorted) into units. Must not read more than it needs. */
  discover(files: readonly string[], reader: SourceReader): Unit[];
  /** Parse a unit into facts. Never throws on bad input: reports a diagnostic instead. */
  analyze(unit: Unit, reader: SourceReader, options: AnalyzeOptions): Analysis;
  /** Turn a fix intent about a fact this front-end produced into edits, or undefined if it cannot. */
  writeFix(intent: FixIntent, reader: SourceReader): FileEdit[] | undefined;
}
