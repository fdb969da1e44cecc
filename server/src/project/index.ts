/**
 * The project layer: groups a workspace's files into databases (one Prisma schema, one Drizzle schema set,
 * one migrations folder) and code files, through each language's discover/analyze, with a per-unit cache
 * keyed by the texts of the unit's files, so that an edit re-analyzes only the unit it touches. Given the
 * paths changed since the previous analysis (`ProjectOptions.changed`), units without changes are reused
 * without reading their files. Front-ends may keep finer caches of their own (the code front-end keeps
 * per-file results, so a changed code unit re-parses only its changed files).
 */
import type { LintRunner } from '../languages/prisma/lintRunner';
import type { CodeFile, Database, Dialect, Language } from '../../../rules/model';
import type { FixIntent } from '../../../rules/types';
import { isProjectConfig } from './files';
import type { Analysis, FileEdit, LanguageFrontEnd, SourceDiagnostic, SourceReader, Suppression, Unit } from '../languages/types';

export interface ProjectAnalysis {
  units: Unit[];
  databases: Database[];
  codeFiles: CodeFile[];
  diagnostics: SourceDiagnostic[];
  suppressions: Suppression[];
  /** Every file that belongs to a unit, with its language. */
  fileLanguages: Map<string, Language>;
  /** Diagnostics of units still being computed elsewhere (Prisma's validation in a worker). */
  pending: Promise<SourceDiagnostic[]>[];
}

export interface ProjectOptions {
  validation: boolean;
  dialect?: Dialect;
  /** Runs Prisma's validation off the thread (the language server's worker); see AnalyzeOptions.lintAsync. */
  lintAsync?: LintRunner;
  log?(message: string): void;
  isCancelled?(): boolean;
  /** Called after each unit is analyzed (progress). */
  onUnit?(unit: Unit, done: number, total: number): void;
  /**
   * The paths created, changed or deleted since the previous `analyze`/`analyzeAsync` call of this project
   * (completed or not): editor changes, watched-file events, files written by fixes. When given, a cached
   * unit none of whose files is in it is reused without reading its files, and a unit that is analyzed
   * again gets its unchanged files' texts from the cache. When undefined, every file of every unit is read
   * and compared (always correct, costs a read per file).
   */
  changed?: Iterable<string>;
}

interface CacheEntry {
  files: readonly string[];
  texts: (string | undefined)[];
  /** Files of the unit reported changed since this entry was made (`ProjectOptions.changed`). */
  dirty: Set<string>;
  validation: boolean;
  dialect?: Dialect;
  /** What this unit's analysis depended on (code units depend on the schemas' table names). */
  dependsOn: string | undefined;
  /** The unit's discovery hints (the Prisma major and minor, read from package.json, node_modules, lockfiles). */
  hints: string;
  analysis: Analysis;
}

/** Front-ends in the order they must run: schemas first, code last (code links to the schemas). */
export class Project {
  private readonly cache = new Map<string, CacheEntry>();

  constructor(readonly frontEnds: readonly LanguageFrontEnd[]) {}

  /** Groups files into units. */
  discover(files: readonly string[], reader: SourceReader): Unit[] {
    const units: Unit[] = [];
    for (const fe of this.frontEnds) {
      const candidates = files.filter((f) => fe.extensions.some((ext) => f.endsWith(ext)) || isProjectConfig(f.slice(f.lastIndexOf('/') + 1)));
      try {
        units.push(...fe.discover(candidates, reader));
      } catch (error) {
        throw new Error(`discovering ${fe.language} files failed: ${(error as Error).message}`);
      }
    }
    return units;
  }

  analyze(units: readonly Unit[], reader: SourceReader, options: ProjectOptions): ProjectAnalysis {
    const steps = this.analysisSteps(units, reader, options);
    let step = steps.next();
    while (!step.done) step = steps.next();
    return step.value;
  }

  /**
   * Like `analyze`, but gives the event loop a turn between units, so cancellation and other requests get through,
   * and waits before a unit whose front-end is still loading (`frontEndReady`): the units before it are analyzed
   * meanwhile.
   */
  async analyzeAsync(
    units: readonly Unit[],
    reader: SourceReader,
    options: ProjectOptions & { frontEndReady?: (language: string) => Promise<void> | undefined },
  ): Promise<ProjectAnalysis> {
    const steps = this.analysisSteps(units, reader, options);
    let step = steps.next();
    let first = true;
    while (!step.done) {
      const loading = options.frontEndReady?.(step.value.language);
      if (loading) await loading;
      else if (!first) await new Promise<void>((resolve) => setImmediate(resolve));
      first = false;
      step = steps.next();
    }
    return step.value;
  }

  /** Analyzes one unit per step; yields each unit before analyzing it. */
  private *analysisSteps(units: readonly Unit[], reader: SourceReader, options: ProjectOptions): Generator<Unit, ProjectAnalysis> {
    const result: ProjectAnalysis = {
      units: [...units],
      databases: [],
      codeFiles: [],
      diagnostics: [],
      suppressions: [],
      fileLanguages: new Map(),
      pending: [],
    };
    const live = new Set<string>();
    let done = 0;
    if (options.changed) {
      const changed = new Set(options.changed);
      if (changed.size) {
        for (const entry of this.cache.values()) for (const f of entry.files) if (changed.has(f)) entry.dirty.add(f);
      }
    }
    for (const fe of this.frontEnds) {
      for (const unit of units) {
        if (unit.language !== fe.language) continue;
        yield unit;
        if (options.isCancelled?.()) return result;
        live.add(unit.id);
        const analysis = this.analyzeUnit(fe, unit, reader, options, fe.language === 'code' ? result.databases : undefined);
        result.databases.push(...analysis.databases);
        result.codeFiles.push(...analysis.codeFiles);
        result.diagnostics.push(...analysis.diagnostics);
        result.suppressions.push(...analysis.suppressions);
        if (analysis.pending) result.pending.push(analysis.pending);
        for (const f of unit.files) if (!result.fileLanguages.has(f)) result.fileLanguages.set(f, unit.language);
        options.onUnit?.(unit, ++done, units.length);
      }
    }
    for (const id of this.cache.keys()) if (!live.has(id)) this.cache.delete(id);
    return result;
  }

  private analyzeUnit(
    fe: LanguageFrontEnd,
    unit: Unit,
    reader: SourceReader,
    options: ProjectOptions,
    databases: Database[] | undefined,
  ): Analysis {
    const cached = this.cache.get(unit.id);
    const dependsOn = dependencyKey(databases);
    // A unit made again with other hints (`npm install` upgraded Prisma) is analyzed again, its files unchanged.
    const hints = hintsKey(unit);
    const sameInputs =
      !!cached && cached.validation === options.validation && cached.dialect === options.dialect && cached.dependsOn === dependsOn && cached.hints === hints;
    // With a change set, the cache's texts of the files not reported changed are the files' texts.
    if (options.changed && cached && sameInputs && !cached.dirty.size && sameFiles(cached.files, unit.files)) return cached.analysis;
    const known = options.changed && cached ? knownTexts(cached) : undefined;
    const read = known ? (f: string) => (known.has(f) ? known.get(f) : reader.read(f)) : (f: string) => reader.read(f);
    const texts = unit.files.map(read);
    if (cached && sameInputs && sameFiles(cached.files, unit.files) && sameTexts(cached.texts, texts)) {
      cached.dirty.clear();
      return cached.analysis;
    }
    const unitReader: SourceReader = known ? { read } : reader;
    let analysis: Analysis;
    try {
      analysis = fe.analyze(unit, unitReader, { validation: options.validation, dialect: options.dialect, databases, lintAsync: options.lintAsync });
    } catch (error) {
      // A front-end must not throw; if one does, the unit is skipped with a clear diagnostic and a log line.
      options.log?.(`analyzing ${unit.id} failed: ${(error as Error).stack ?? error}`);
      analysis = {
        databases: [],
        codeFiles: [],
        suppressions: [],
        diagnostics: [
          {
            file: unit.files[0],
            range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
            severity: 'error',
            source: 'schema-review',
            code: 'internal-error',
            message: `Schema Review could not analyze this ${unit.language} file; see the Schema Review log. (${(error as Error).message})`,
          },
        ],
      };
    }
    this.cache.set(unit.id, {
      files: unit.files,
      texts,
      dirty: new Set(),
      validation: options.validation,
      dialect: options.dialect,
      dependsOn,
      hints,
      analysis,
    });
    return analysis;
  }

  /**
   * Forgets the cached analyses of these languages' units, for what they depend on besides their files: the
   * drizzle-orm version its fixes are written for (read from node_modules and lockfiles) after an install.
   */
  forget(languages: readonly Language[]): void {
    for (const id of [...this.cache.keys()]) if (languages.some((l) => id.startsWith(`${l}:`))) this.cache.delete(id);
  }

  /** Asks the front-end that owns the intent's facts to write it; new lines as the file writes them. */
  writeFix(intent: FixIntent, reader: SourceReader): FileEdit[] | undefined {
    const language: Language = 'database' in intent ? intent.database.language : 'code';
    const fe = this.frontEnds.find((f) => f.language === language);
    const edits = fe?.writeFix(intent, reader);
    if (edits) for (const e of edits) if (!e.create) matchLineEndings(e, reader);
    return edits;
  }
}

/**
 * Writers put `\n` in the text they insert: in a file whose lines end in CRLF (its first line says), each of those
 * becomes `\r\n`, so that a fix does not leave the file with mixed line endings.
 */
function matchLineEndings(edit: FileEdit, reader: SourceReader): void {
  let text: string | undefined;
  try {
    text = reader.read(edit.file);
  } catch {
    return;
  }
  const nl = text?.indexOf('\n') ?? -1;
  if (nl <= 0 || text!.charCodeAt(nl - 1) !== 13 /* \r */) return;
  for (const e of edit.edits) if (e.newText.includes('\n')) e.newText = e.newText.replace(/\r?\n/g, '\r\n');
}

/** The cached texts of a unit's files that were not reported changed since. */
function knownTexts(entry: CacheEntry): Map<string, string | undefined> {
  const known = new Map<string, string | undefined>();
  entry.files.forEach((f, i) => {
    if (!entry.dirty.has(f)) known.set(f, entry.texts[i]);
  });
  return known;
}

function sameFiles(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((f, i) => f === b[i]);
}

function sameTexts(a: readonly (string | undefined)[], b: readonly (string | undefined)[]): boolean {
  return a.length === b.length && a.every((t, i) => t === b[i]);
}

function hintsKey(unit: Unit): string {
  try {
    return unit.hints ? JSON.stringify(unit.hints) : '';
  } catch {
    return '';
  }
}

/** Code facts depend on which schemas and tables exist, not on their details: edits inside a model keep code cached. */
function dependencyKey(databases: readonly Database[] | undefined): string | undefined {
  return databases?.map((d) => `${d.id}:${d.dialect}:${d.tables.map((t) => t.name).join(',')}`).join(';');
}
