/**
 * One review of one workspace root: discover → analyze (cached per unit) → rules → findings.
 * Shared by the CLI, the audit and the language server.
 */
import * as path from 'node:path';
import type { Language } from '../../rules/model';
import { rules as allRules } from '../../rules';
import { comparePositions, type Rule } from '../../rules/types';
import { runRules, TableCache, type Finding, type RuleCache } from './engine';
import { frontEndReady, frontEnds, initFrontEnds, initFrontEndsFor } from './languages';
import type { SourceDiagnostic, SourceReader, Unit } from './languages/types';
import { Project, type ProjectAnalysis } from './project';
import { isWithin, listWorkspaceFiles, toPosix } from './project/files';
import { discoveryInputChanged, isDiscoveryScript, recordingReader, type SeenText } from './project/discoveryInputs';
import type { LintRunner } from './languages/prisma/lintRunner';
import { defaultSettings, mergeSettings, parseConfigFile, type ConfigFile, type Settings } from './settings';

export const CONFIG_FILE_NAME = 'schema-review.json';

export interface ReviewResult {
  root: string;
  files: { path: string; language: Language }[];
  findings: Finding[];
  /** Problems that are not rule findings: syntax/validation errors, config errors, unused ignores. */
  diagnostics: SourceDiagnostic[];
  analysis: ProjectAnalysis;
  durationMs: number;
  cancelled: boolean;
  /**
   * `reviewAsync` with `validationLater` only: Prisma's validation had not answered when the rules were done. Call
   * it once (after publishing the rest): it starts what was held back and resolves to the validation's diagnostics,
   * which are not in `diagnostics` yet.
   */
  finishValidation?: () => Promise<SourceDiagnostic[]>;
}

export interface ReviewOptions {
  settings?: Settings;
  /** Whether Prisma's own validation errors are shown (resolved from `prisma.validation`). */
  validation?: boolean;
  /** A config file to use instead of `<root>/schema-review.json`. */
  configFile?: string;
  /** Restrict the review to these files/folders (absolute). Units touching them are reviewed whole. */
  only?: string[];
  log?(message: string): void;
  isCancelled?(): boolean;
  onProgress?(done: number, total: number, unit: Unit): void;
  rules?: readonly Rule[];
  /** `reviewAsync` only: Prisma's validation runs there while the rules run (the language server's worker). */
  lintAsync?: LintRunner;
  /**
   * `reviewAsync` only: do not wait for Prisma's validation, return the rules' result with `finishValidation`
   * (the language server's first review of a workspace, whose findings need not wait for the wasm's first,
   * unoptimized, validation). A validation that would run on this thread is held back until then.
   */
  validationLater?: boolean;
}

export class ConfigError extends Error {
  constructor(
    readonly file: string,
    readonly problems: { message: string; line: number; character: number }[],
  ) {
    super(problems.map((p) => `${file}:${p.line + 1}:${p.character + 1}: ${p.message}`).join('\n'));
  }
}

export const knownRuleIds: ReadonlySet<string> = new Set(allRules.map((r) => r.meta.id));

/** Loads `schema-review.json` (or the given file); throws ConfigError when it is invalid. */
export function loadConfig(file: string, reader: SourceReader): ConfigFile | undefined {
  const text = reader.read(file);
  if (text === undefined) return undefined;
  const { config, problems } = parseConfigFile(text, knownRuleIds);
  if (problems.length) throw new ConfigError(file, problems);
  return config;
}

/**
 * A workspace reviewer that keeps its per-unit caches between reviews (the language server keeps one per
 * workspace folder; the CLI makes one).
 */
export class Reviewer {
  readonly project = new Project(frontEnds);
  private units: Unit[] | undefined;
  private fileList: string[] | undefined;
  /** Paths changed since the last analysis, when the owner reports every change (the server); else undefined. */
  private changed: Set<string> | undefined;
  /** Rule results of the last review, reused while a rule's inputs are the same objects. */
  private readonly ruleCache: RuleCache = new Map();
  /** Per-table rule results, kept by owners that review again after small changes (the language server). */
  private tableCache: TableCache | undefined;
  /**
   * With `trackDiscovery`: the texts the last discovery read, by path, and the paths reported changed since (each
   * checked by the next review: units are made again only when discovery would read something else from one).
   */
  private discoveryInputs: Map<string, SeenText> | undefined;
  private suspects: Set<string> | undefined;

  constructor(
    readonly root: string,
    readonly reader: SourceReader,
    /** `shallow`: review the root folder's own files, not its subfolders (a loose file outside any workspace). */
    private readonly listing: { shallow?: boolean } = {},
  ) {}

  /**
   * From now on the owner reports every changed path (`noteChanged`), so unchanged units are reused without
   * reading their files. Only for owners that see every change (the server: edits and watched files).
   */
  trackChanges(): void {
    this.trackDiscovery();
    this.changed ??= new Set();
    this.tableCache ??= new TableCache();
  }

  /**
   * From now on the owner reports the edits it sees (`noteChanged`), and the units are made again when an edit changes
   * what discovery reads (an import added to a schema file, a file that starts importing the database client), not
   * only when a file is created or deleted. Also turned on by `trackChanges`.
   */
  trackDiscovery(): void {
    if (this.suspects) return;
    this.suspects = new Set();
    this.units = undefined; // units made before recorded nothing to check edits against
  }

  noteChanged(files: Iterable<string>): void {
    if (!this.changed && !this.suspects) return;
    for (const f of files) {
      this.changed?.add(f);
      this.suspects?.add(f);
    }
  }

  private takeChanged(): string[] | undefined {
    if (!this.changed) return undefined;
    const list = [...this.changed];
    this.changed.clear();
    return list;
  }

  /** Folders below the root that are reviewed on their own (nested workspace folders): their files are left out. */
  private nested: string[] = [];

  /** Leaves out the files under these folders (each one inside the root) from now on; whether that changed anything. */
  excludeFolders(folders: readonly string[]): boolean {
    const next = [...folders].sort();
    if (next.length === this.nested.length && next.every((f, i) => f === this.nested[i])) return false;
    this.nested = next;
    this.invalidateFiles();
    return true;
  }

  /** Forget the file list (a file was created or deleted). */
  invalidateFiles(): void {
    this.units = undefined;
    this.fileList = undefined;
  }

  files(settings: Settings, log?: (m: string) => void, isCancelled?: () => boolean): string[] {
    if (!this.fileList) {
      const listed = listWorkspaceFiles(this.root, {
        include: settings.auditInclude,
        exclude: [...settings.auditExclude, ...settings.filesExclude],
        log,
        isCancelled,
        shallow: this.listing.shallow,
      });
      const nested = this.nested;
      this.fileList = nested.length ? listed.filter((f) => !nested.some((n) => f.startsWith(`${n}/`))) : listed;
    }
    return this.fileList;
  }

  review(options: ReviewOptions = {}): ReviewResult {
    const started = performance.now();
    const { units, settings } = this.prepare(options);
    const analysis = this.project.analyze(units, this.reader, this.projectOptions(options, settings));
    return this.judge(analysis, options, settings, started);
  }

  /** The same review, yielding to the event loop between units (the language server's audit uses it to honour cancel). */
  async reviewAsync(options: ReviewOptions = {}): Promise<ReviewResult> {
    const started = performance.now();
    const { units, settings } = this.prepare(options);
    // The front-ends this root needs are loading (see prepare); a unit waits only for its own.
    const held: (() => void)[] = [];
    const runner = options.lintAsync;
    const lintAsync: LintRunner | undefined =
      runner && options.validationLater
        ? (files, major) => (runner.blocks?.(files, major) ? new Promise((resolve) => held.push(() => void runner(files, major).then(resolve))) : runner(files, major))
        : runner;
    const analysis = await this.project.analyzeAsync(units, this.reader, { ...this.projectOptions(options, settings), lintAsync, frontEndReady });
    const result = this.judge(analysis, options, settings, started);
    if (analysis.pending.length && options.validationLater) {
      const pending = analysis.pending;
      result.finishValidation = async () => {
        for (const start of held.splice(0)) start();
        return withoutEchoes((await Promise.all(pending)).flat(), result.findings);
      };
    } else if (analysis.pending.length) {
      // Validation ran alongside the rules; its diagnostics join the result when both are done.
      for (const diagnostics of await Promise.all(analysis.pending)) result.diagnostics.push(...withoutEchoes(diagnostics, result.findings));
      result.durationMs = performance.now() - started;
    }
    return result;
  }

  /** Loads what the front-ends of this root's languages load asynchronously (the Postgres parser), before `review`. */
  async loadFrontEnds(options: ReviewOptions = {}): Promise<void> {
    await initFrontEnds(this.prepare(options).units.map((u) => u.language));
  }

  private prepare(options: ReviewOptions): { units: Unit[]; settings: Settings } {
    const settings = options.settings ?? defaultSettings;
    const files = this.files(settings, options.log, options.isCancelled);
    if (this.units && this.suspects?.size && this.discoveryInputsChanged()) this.units = undefined;
    if (!this.units) {
      initFrontEndsFor(files);
      if (this.suspects) {
        // What discovery reads is recorded, so that an edit can be checked against it.
        const seen = new Map<string, SeenText>();
        this.units = this.project.discover(files, recordingReader(this.reader, seen));
        this.discoveryInputs = seen;
        this.suspects.clear();
      } else this.units = this.project.discover(files, this.reader);
      this.releaseTexts(files, this.units);
    }
    let units = this.units;
    if (options.only?.length) {
      const only = options.only.map((p) => toPosix(path.resolve(p)));
      const touches = (f: string) => only.some((o) => isWithin(f, o));
      units = units.filter((u) => u.files.some(touches));
    }
    return { units, settings };
  }

  /**
   * Lets the reader forget the scripts discovery read and put in no unit: most of a big workspace's code (the callers
   * of a Prisma client are a few hundred files out of thousands). What discovery learnt of them is kept by their stamps
   * (code/discover.ts, drizzle/discover.ts, SeenText.away), so the next discovery need not read them while they are
   * unchanged, and an edit of one reads its old text from the disk once (discoveryInputsChanged).
   */
  private releaseTexts(files: readonly string[], units: readonly Unit[]): void {
    if (!this.reader.release) return;
    const used = new Set<string>();
    for (const unit of units) for (const f of unit.files) used.add(f);
    const seen = this.suspects ? this.discoveryInputs : undefined;
    for (const file of files) {
      if (used.has(file) || !isDiscoveryScript(file) || !this.reader.release(file)) continue;
      const s = seen?.get(file);
      if (s && s.stamp !== undefined) {
        s.text = undefined;
        s.away = true;
      }
    }
  }

  /**
   * Whether a file reported changed since the last check now gives discovery something else to read (see
   * project/discoveryInputs.ts). A file discovery did not read cannot change its result, the file list being the same.
   */
  private discoveryInputsChanged(): boolean {
    const suspects = this.suspects!;
    const inputs = this.discoveryInputs;
    let changed = false;
    for (const file of suspects) {
      const seen = inputs?.get(file);
      if (!seen) continue;
      if (seen.away) {
        // Known by its stamp: unchanged while the stamp is, else compared from its old text, if the disk still has it.
        let before: string | undefined;
        try {
          if (seen.stamp !== undefined && this.reader.stamp?.(file) === seen.stamp) continue;
          before = this.reader.textAt?.(file, seen.stamp);
        } catch {
          before = undefined;
        }
        if (before === undefined) {
          changed = true;
          break;
        }
        seen.text = before;
        seen.away = undefined;
      }
      let text: string | undefined;
      try {
        text = this.reader.read(file);
      } catch {
        text = undefined;
      }
      if (discoveryInputChanged(file, seen, text)) {
        changed = true;
        break;
      }
    }
    suspects.clear();
    return changed;
  }

  private projectOptions(options: ReviewOptions, settings: Settings) {
    return {
      validation: options.validation ?? settings.prismaValidation === 'on',
      dialect: settings.dialect,
      log: options.log,
      isCancelled: options.isCancelled,
      onUnit: (unit: Unit, done: number, total: number) => options.onProgress?.(done, total, unit),
      changed: this.takeChanged(),
    };
  }

  /**
   * The schema and migration files (and any file named in `only`) that exist but could not be read: too large,
   * binary, unreadable. A review that silently left out a schema would pass CI without having looked at it.
   */
  private skippedFiles(options: ReviewOptions): SourceDiagnostic[] {
    const skipped = this.reader.skippedFiles?.();
    if (!skipped?.size) return [];
    const named = new Set((options.only ?? []).map((p) => toPosix(path.resolve(p))));
    const out: SourceDiagnostic[] = [];
    for (const [file, why] of skipped) {
      const isNamed = named.has(file);
      if (!isNamed && !(file.startsWith(`${this.root}/`) && (file.endsWith('.prisma') || file.endsWith('.sql')))) continue;
      out.push({
        file,
        range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
        severity: isNamed ? 'error' : 'warning',
        message: `Not reviewed: ${why}.`,
        source: 'schema-review',
        code: 'file-skipped',
      });
    }
    return out;
  }

  private judge(analysis: ProjectAnalysis, options: ReviewOptions, settings: Settings, started: number): ReviewResult {
    const cancelled = options.isCancelled?.() ?? false;
    const engine = runRules(
      { databases: analysis.databases, codeFiles: analysis.codeFiles, suppressions: analysis.suppressions },
      {
        rules: options.rules ?? allRules,
        severities: settings.rules,
        writeFix: (intent) => this.project.writeFix(intent, this.reader),
        onError: (message, error) => options.log?.(`${message}: ${(error as Error)?.stack ?? error}`),
        cache: this.ruleCache,
        tableCache: this.tableCache,
      },
    );
    const reviewed = [...analysis.fileLanguages.entries()]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([file, language]) => ({ path: file, language }));
    return {
      root: this.root,
      files: reviewed,
      findings: engine.findings,
      diagnostics: [...withoutEchoes(analysis.diagnostics, engine.findings), ...engine.diagnostics, ...this.skippedFiles(options)],
      analysis,
      durationMs: performance.now() - started,
      cancelled,
    };
  }
}

/**
 * Prisma's validation warns, under relationMode = "prisma", that a relation's fields have no index: the very finding
 * of unindexed-foreign-key, which says more and carries the fix. Where that finding covers the warning, the warning
 * is left out, so the editor does not show one problem twice.
 */
export function withoutEchoes(diagnostics: SourceDiagnostic[], findings: readonly Finding[]): SourceDiagnostic[] {
  const echoes = (d: SourceDiagnostic) =>
    d.source === 'prisma' &&
    d.severity === 'warning' &&
    d.message.includes('relationMode = "prisma"') &&
    d.message.includes('index') &&
    findings.some(
      (f) => f.rule === 'unindexed-foreign-key' && f.file === d.file && comparePositions(f.range.start, d.range.start) <= 0 && comparePositions(d.range.start, f.range.end) <= 0,
    );
  return diagnostics.some(echoes) ? diagnostics.filter((d) => !echoes(d)) : diagnostics;
}


/** Settings for a root: editor settings merged with the root's config file. Throws ConfigError. */
export function settingsForRoot(root: string, reader: SourceReader, base: Settings = defaultSettings, configFile?: string): Settings {
  const file = configFile ?? toPosix(path.join(root, CONFIG_FILE_NAME));
  return mergeSettings(base, loadConfig(file, reader));
}
