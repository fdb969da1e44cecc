/**
 * The language server's state: one Reviewer per workspace root, settings per root, the last findings per
 * file, debounced reviews after edits, and publishing diagnostics for open (and audited) files.
 */
import * as path from 'node:path';
import { PerformanceObserver } from 'node:perf_hooks';
import {
  type CancellationToken,
  type Connection,
  type Diagnostic,
  type TextDocuments,
  type WorkDoneProgressReporter,
} from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { Language } from '../../rules/model';
import { findingToDiagnostic, sourceDiagnosticToDiagnostic } from './diagnostics';
import { OverlayReader, pathToUri, uriToPath } from './documents';
import type { Finding, ResolvedFix } from './engine';
import type { FileEdit, SourceDiagnostic } from './languages/types';
import { toPosix } from './project/files';
import { projectFolderOf } from './project/watch';
import { StatusNotification, type AuditResult, type FixAllWorkspaceResult, type ServerStatus } from './protocol';
import { collectFixAll } from './fixes';
import { toWorkspaceEdit } from './codeActions';
import { formatSarif } from './report/sarif';
import { buildJsonReport, combineReports } from './report/model';
import { areaSummaries, formatMarkdown, SCORE_FORMULA } from './report/markdown';
import { CONFIG_FILE_NAME, ConfigError, Reviewer, settingsForRoot, type ReviewResult } from './review';
import { localRuleDocUri, ruleDocUrl } from './ruleDocs';
import { defaultSettings, settingsFromEditor, type Settings } from './settings';
import type { LintRunner } from './languages/prisma/lintRunner';
import { markWarm } from './boot/codeCache';
import { initFrontEndsFor } from './languages';
import { setPackagesLog, versionSourceDir } from './languages/packages';
import { collectStartupGarbage } from './memory';

/** How long a review runs before the status item says "busy". */
const BUSY_STATUS_DELAY_MS = 250;

/** `SCHEMA_REVIEW_TRACE=1` logs the time from a change to its diagnostics being written, step by step. */
const TRACE = process.env.SCHEMA_REVIEW_TRACE === '1';
/** With tracing: garbage-collection pauses as [end time, duration] (ms), to tell GC from work in a step. */
const gcPauses: [number, number][] = [];
if (TRACE) {
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) gcPauses.push([e.startTime + e.duration, e.duration]);
    if (gcPauses.length > 1000) gcPauses.splice(0, 500);
  }).observe({ entryTypes: ['gc'] });
}

/** How long after the first review the code cache is written (one synchronous write of a few MB, once per build). */
const CODE_CACHE_DELAY_MS = 3000;

/**
 * How long the server must have been quiet (no review running or asked for) before start-up's garbage is collected,
 * once. Shorter than a pause to read what the first review found, longer than the gap between two keystrokes.
 */
const QUIET_MS = 200;

const DEFAULT_DEBOUNCE_MS = (() => {
  const fromEnv = Number(process.env.SCHEMA_REVIEW_DEBOUNCE_MS);
  return Number.isFinite(fromEnv) && fromEnv >= 0 && process.env.SCHEMA_REVIEW_DEBOUNCE_MS !== '' && process.env.SCHEMA_REVIEW_DEBOUNCE_MS !== undefined ? fromEnv : 0;
})();

export interface SessionOptions {
  /** The extension's folder (parent of dist/), where rule docs are shipped. */
  extensionRoot: string;
  prismaExtensionInstalled: boolean;
  configurationSupported: boolean;
  relatedInformationSupported: boolean;
  /** The client sends `workspace/didChangeWatchedFiles` (so the server hears of files changed on disk). */
  watchesFiles: boolean;
  debounceMs?: number;
  /**
   * Called once per root whose settings turn Prisma's validation on, as soon as they are known (server.ts compiles
   * the wasm its Prisma projects need). With validation off no wasm is loaded at all.
   */
  prepareValidation?: (root: string) => void;
  /** Runs Prisma's validation off the main thread, alongside the review (server.ts's worker). */
  lintAsync?: LintRunner;
  /**
   * Called when the project folders the reviews found change (project/watch.ts projectFolderOf: a monorepo package
   * with a Prisma schema or a Drizzle config), with all of them: server.ts watches their node_modules' packages.
   */
  onProjectFolders?: (folders: readonly string[]) => void;
}

interface RootState {
  root: string;
  reviewer: Reviewer;
  settings?: Settings;
  /** The editor's part of the settings (workspace/configuration), while it is current. */
  editor?: Promise<Settings>;
  configProblems: SourceDiagnostic[];
  timer?: NodeJS.Timeout | NodeJS.Immediate;
  /** A review of this root is running; `dirty` asks for one more when it ends. */
  running?: boolean;
  dirty?: boolean;
  last?: ReviewResult;
  /** Incremented for each review; only the latest review's result is published. */
  sequence: number;
  /** `prepareValidation` was called for this root. */
  validationPrepared?: boolean;
  /** The versions of the root's open documents when the review whose findings are published started. */
  reviewedVersions?: Map<string, number>;
}

export class Session {
  private readonly roots = new Map<string, RootState>();
  private folders: string[] = [];
  readonly reader: OverlayReader;
  /**
   * The diagnostic of each finding: a review after a keystroke keeps the finding objects of what did not change,
   * and publishing the same Diagnostic objects lets the stdio writer reuse their JSON (wire.ts).
   */
  private readonly diagnosticOf = new WeakMap<Finding, Diagnostic>();
  /** Findings per file from the last review of its root. */
  private findingsByFile = new Map<string, Finding[]>();
  private languageByFile = new Map<string, Language>();
  /** URIs we published non-empty diagnostics for. */
  private published = new Set<string>();
  /**
   * Roots audited: the diagnostics of all their files stay visible, closed ones included, from then on (a migration
   * created or renamed since the audit as well, or a file whose findings came from a change elsewhere).
   */
  private auditedRoots = new Set<string>();
  private status: ServerStatus = { state: 'starting', filesReviewed: 0 };
  /** With SCHEMA_REVIEW_TRACE=1: when the last change arrived and the steps since, logged when published. */
  private trace: { changed: number; marks: (readonly [string, number])[] } | undefined;
  private statusSent = false;

  constructor(
    private readonly connection: Connection,
    private readonly documents: TextDocuments<TextDocument>,
    private readonly options: SessionOptions,
  ) {
    this.reader = new OverlayReader(documents, (m) => this.log(m));
    setPackagesLog((m) => this.log(m));
  }

  log(message: string): void {
    this.connection.console.log(message);
  }

  /**
   * The workspace folders, at start and when the editor adds or removes some. A folder removed takes its findings
   * along: its files' diagnostics are cleared, and its open documents are reviewed again in the root they belong to
   * now.
   */
  setFolders(folders: string[]): void {
    const before = new Map<string, string>();
    for (const uri of this.published) {
      const file = uriToPath(uri);
      if (file) before.set(file, this.rootOf(file));
    }
    for (const doc of this.documents.all()) {
      const file = uriToPath(doc.uri);
      if (file) before.set(file, this.rootOf(file));
    }
    const previous = new Set(this.folders);
    this.folders = folders.map((f) => toPosix(f)).sort((a, b) => b.length - a.length);
    // A folder removed takes its review along (its last result would otherwise still feed "fix all in the workspace"
    // and the exported report), and so does a loose root now inside a folder.
    for (const root of [...this.roots.keys()]) {
      if (this.folders.includes(root)) continue;
      if (previous.has(root) || !this.isLooseRoot(root)) {
        this.roots.get(root)!.sequence++; // a review of it still running publishes nothing
        this.roots.delete(root);
        this.auditedRoots.delete(root);
      }
    }
    const moved = new Set<string>();
    // A folder added inside another one (or removed from it) moves files between their reviews.
    for (const [root, s] of this.roots) if (s.reviewer.excludeFolders(this.nestedIn(root)) && s.last) moved.add(root);
    for (const [file, root] of before) {
      if (this.rootOf(file) === root) continue;
      this.findingsByFile.delete(file);
      const uri = pathToUri(file);
      if (this.published.delete(uri)) void this.connection.sendDiagnostics({ uri, diagnostics: [] });
      if (this.documents.get(uri)) moved.add(this.rootOf(file));
    }
    for (const root of moved) this.schedule(root);
  }

  /** The workspace folders (`/`-separated). */
  folderList(): readonly string[] {
    return this.folders;
  }

  /** The workspace folders inside a root (a monorepo's package added as a folder of its own): reviewed apart. */
  private nestedIn(root: string): string[] {
    return this.folders.filter((f) => f.startsWith(`${root}/`));
  }

  private isLooseRoot(root: string): boolean {
    return !this.folders.some((f) => root === f || root.startsWith(`${f}/`));
  }

  /** The root a file belongs to: its workspace folder, or its own folder when it is outside every folder. */
  rootOf(file: string): string {
    return this.folders.find((f) => file === f || file.startsWith(`${f}/`)) ?? toPosix(path.dirname(file));
  }

  private state(root: string): RootState {
    let s = this.roots.get(root);
    if (!s) {
      // A file outside every workspace folder is reviewed with the files beside it, not with every folder below
      // (its folder may be the home or the temp folder).
      const loose = !this.folders.includes(root);
      s = { root, reviewer: new Reviewer(root, this.reader, { shallow: loose }), configProblems: [], sequence: 0 };
      // The server hears of every edit and, with file watching, every change on disk. An edit that changes what
      // discovery reads (an import added) makes the root's units again, watching or not.
      s.reviewer.trackDiscovery();
      if (this.options.watchesFiles) s.reviewer.trackChanges();
      s.reviewer.excludeFolders(this.nestedIn(root));
      this.roots.set(root, s);
    }
    return s;
  }

  /** Rule doc links, computed once per rule: every review of every keystroke links each finding. */
  private readonly docUris = new Map<string, string | undefined>();

  docUri = (rule: string): string | undefined => {
    if (!this.docUris.has(rule)) this.docUris.set(rule, localRuleDocUri(rule, this.options.extensionRoot) ?? ruleDocUrl(rule));
    return this.docUris.get(rule);
  };

  findingsOf(file: string): readonly Finding[] {
    return this.findingsByFile.get(file) ?? [];
  }

  languageOf(file: string): Language | undefined {
    return this.languageByFile.get(file);
  }

  /**
   * Whether the published findings' fixes for these files were written for their current text: each open one
   * still has the version it had when that review started.
   */
  fixesCurrent(files: readonly string[]): boolean {
    for (const file of files) {
      const doc = this.documents.get(pathToUri(file));
      if (!doc) continue;
      if (this.roots.get(this.rootOf(file))?.reviewedVersions?.get(file) !== doc.version) return false;
    }
    return true;
  }

  /** Resolves once the published findings of `file` are those of its current text, or after `timeoutMs`. */
  whenCurrent(file: string, timeoutMs: number): Promise<boolean> {
    if (this.fixesCurrent([file])) return Promise.resolve(true);
    return new Promise((resolve) => {
      const waiter = { file, resolve: (ok: boolean) => resolve(ok) };
      this.currentWaiters.add(waiter);
      setTimeout(() => {
        if (this.currentWaiters.delete(waiter)) resolve(false);
      }, timeoutMs).unref?.();
    });
  }

  private readonly currentWaiters = new Set<{ file: string; resolve(ok: boolean): void }>();

  unsafeFixes(file: string): boolean {
    return this.roots.get(this.rootOf(file))?.settings?.fixesUnsafe ?? false;
  }

  // ------------------------------------------------------------------ events

  onDocumentChanged(uri: string): void {
    if (TRACE) this.trace = { changed: performance.now(), marks: [] };
    const file = uriToPath(uri);
    if (!file) return;
    const root = this.rootOf(file);
    this.roots.get(root)?.reviewer.noteChanged([file]);
    if (path.basename(file) === CONFIG_FILE_NAME) {
      const s = this.roots.get(root);
      if (s) {
        s.settings = undefined;
        s.reviewer.invalidateFiles(); // its audit.include/exclude may have changed
      }
    }
    this.schedule(root);
  }

  /**
   * A document opened that the root's file list does not hold: a file created on disk since the list was made,
   * opened before the watcher's event arrives (or with a client that does not watch files). The list is made again,
   * once per such path (a file the list leaves out on purpose, under node_modules, is not listed again on each open).
   */
  onDocumentOpened(uri: string): void {
    const file = uriToPath(uri);
    if (file && !this.relistedFor.has(file)) {
      const s = this.roots.get(this.rootOf(file));
      if (s?.settings && path.basename(file) !== CONFIG_FILE_NAME && !s.reviewer.files(s.settings).includes(file)) {
        this.relistedFor.add(file);
        this.reader.disk.invalidate(file);
        s.reviewer.invalidateFiles();
      }
    }
    this.onDocumentChanged(uri);
  }

  /** Paths whose opening made a root's file list again (see onDocumentOpened). */
  private readonly relistedFor = new Set<string>();

  onDocumentClosed(uri: string): void {
    const file = uriToPath(uri);
    if (!file) return;
    this.roots.get(this.rootOf(file))?.reviewer.noteChanged([file]);
    // A config closed without saving: the settings come from the disk again.
    if (path.basename(file) === CONFIG_FILE_NAME) {
      const s = this.roots.get(this.rootOf(file));
      if (s) {
        s.settings = undefined;
        s.reviewer.invalidateFiles();
      }
    }
    // The disk may differ from the closed buffer: review again so the state follows the disk.
    this.schedule(this.rootOf(file));
  }

  onWatchedFilesChanged(changes: { uri: string; type: 1 | 2 | 3 }[]): void {
    const roots = new Set<string>();
    for (const c of changes) {
      const file = uriToPath(c.uri);
      if (!file) continue;
      this.reader.disk.invalidate(file);
      // The installed or locked version of a package changed (`npm install`, a pulled lockfile): the units of every
      // root that may resolve it, below the folder that holds the lockfile or node_modules, are made again (the
      // Prisma minor, the drizzle-orm version are read when units are made).
      const versions = versionSourceDir(file);
      if (versions !== undefined) {
        for (const s of this.roots.values()) {
          if (s.root === versions || s.root.startsWith(`${versions}/`) || versions.startsWith(`${s.root}/`)) {
            s.reviewer.noteChanged([file]);
            s.reviewer.invalidateFiles();
            // Drizzle's fixes ask for the version when written, from the analysis kept for unchanged files.
            s.reviewer.project.forget(['drizzle']);
            roots.add(s.root);
          }
        }
      }
      const root = this.rootOf(file);
      const s = this.roots.get(root);
      if (!s) continue;
      s.reviewer.noteChanged([file]);
      if (c.type !== 2) {
        s.reviewer.invalidateFiles();
        this.relistedFor.delete(file);
      }
      if (path.basename(file) === CONFIG_FILE_NAME || path.basename(file) === 'package.json') {
        s.settings = undefined;
        s.reviewer.invalidateFiles();
      }
      // Supabase's config names the declarative schema files and their order (`[db.migrations] schema_paths`).
      if (path.basename(file) === 'config.toml' && path.basename(path.dirname(file)) === 'supabase') s.reviewer.invalidateFiles();
      roots.add(root);
    }
    for (const r of roots) this.schedule(r);
  }

  onConfigurationChanged(): void {
    for (const s of this.roots.values()) {
      s.settings = undefined;
      s.editor = undefined;
      s.reviewer.invalidateFiles(); // audit include/exclude may have changed
      this.schedule(s.root);
    }
  }

  /**
   * Reviews a root as soon as the server is idle: the first change starts a review at once (after the
   * current batch of messages), changes that arrive while it runs are coalesced into one more review.
   * `SCHEMA_REVIEW_DEBOUNCE_MS` adds a pause before starting, for clients that flood changes.
   */
  schedule(root: string): void {
    clearTimeout(this.quietTimer);
    const s = this.state(root);
    if (s.running) {
      s.dirty = true;
      return;
    }
    if (s.timer) return;
    const start = () => {
      s.timer = undefined;
      if (this.roots.get(root) !== s) return; // its folder left the workspace meanwhile
      s.running = true;
      s.dirty = false;
      void this.reviewRoot(root)
        .catch((error) => this.fail(error))
        .finally(() => {
          s.running = false;
          if (s.dirty && this.roots.get(root) === s) this.schedule(root);
        });
    };
    const pause = this.options.debounceMs ?? DEFAULT_DEBOUNCE_MS;
    s.timer = pause > 0 ? setTimeout(start, pause) : setImmediate(start);
  }

  private fail(error: unknown): void {
    this.log(`review failed: ${(error as Error)?.stack ?? error}`);
    this.setStatus({ state: 'error', message: (error as Error)?.message ?? String(error) });
  }

  // ------------------------------------------------------------------ reviewing

  /** The editor's settings for a root, asked once (again after a configuration change). */
  private editorSettings(s: RootState): Promise<Settings> {
    s.editor ??= (async () => {
      if (!this.options.configurationSupported) return defaultSettings;
      try {
        const [section, files] = await this.connection.workspace.getConfiguration([
          { scopeUri: pathToUri(s.root), section: 'schemaReview' },
          { scopeUri: pathToUri(s.root), section: 'files' },
        ]);
        return settingsFromEditor(section, (files as { exclude?: unknown } | null)?.exclude);
      } catch (error) {
        this.log(`could not read settings: ${(error as Error).message}`);
        return defaultSettings;
      }
    })();
    return s.editor;
  }

  /**
   * Asks the editor for the settings of the workspace folders now, so the first review does not wait for them. Once
   * they are in, Prisma's validation is made ready where they turn it on, and the folders' files are listed (see
   * settingsFor).
   */
  prefetchSettings(): void {
    for (const folder of this.folders) void this.settingsFor(this.state(folder)).catch((error) => this.log(`could not read settings: ${(error as Error)?.message ?? error}`));
  }

  private async settingsFor(s: RootState): Promise<Settings> {
    if (s.settings) return s.settings;
    const base = await this.editorSettings(s);
    if (s.settings) return s.settings;
    const settings = this.readSettings(s, base);
    if (!s.validationPrepared && this.validationFor(settings)) {
      s.validationPrepared = true;
      this.options.prepareValidation?.(s.root);
    }
    // The root's files, listed now that the settings say which (the first review needs them anyway): the front-ends
    // that read some of them start loading at once (a workspace with `.sql` files: the Postgres parser's wasm).
    initFrontEndsFor(s.reviewer.files(settings, (m) => this.log(m)));
    return settings;
  }

  private readSettings(s: RootState, base: Settings): Settings {
    s.configProblems = [];
    try {
      s.settings = settingsForRoot(s.root, this.reader, base);
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      s.configProblems = error.problems.map((p) => ({
        file: error.file,
        range: { start: { line: p.line, character: p.character }, end: { line: p.line, character: p.character + 1 } },
        severity: 'error' as const,
        source: 'schema-review',
        code: 'invalid-config',
        message: `${p.message}. The editor settings are used until it is fixed.`,
      }));
      s.settings = base;
    }
    return s.settings;
  }

  private validationFor(settings: Settings): boolean {
    if (settings.prismaValidation === 'on') return true;
    if (settings.prismaValidation === 'off') return false;
    return !this.options.prismaExtensionInstalled;
  }

  async reviewRoot(root: string, opts: { token?: CancellationToken; progress?: WorkDoneProgressReporter; audit?: boolean } = {}): Promise<ReviewResult | undefined> {
    const s = this.state(root);
    const started = performance.now();
    this.trace?.marks.push(['start', started]);
    const settings = await this.settingsFor(s);
    if (!settings.enable) {
      // Nothing to publish, and no fixes: for the open documents as they are now (fix-all on save does not wait for
      // a review that will not come), and for "fix all in the workspace".
      s.sequence++;
      s.last = undefined;
      s.reviewedVersions = this.openVersions(root);
      this.applyResult(s, undefined);
      return undefined;
    }
    // The status shows "busy" only for a review that takes a noticeable time (an audit, a big workspace): a
    // review after a keystroke ends in a few milliseconds, and flashing the status on each one is noise.
    const busyMessage = `reviewing ${path.basename(root)}`;
    let busyTimer: NodeJS.Timeout | undefined;
    if (opts.audit) this.setStatus({ state: 'busy', message: busyMessage });
    else {
      busyTimer = setTimeout(() => this.setStatus({ state: 'busy', message: busyMessage }), BUSY_STATUS_DELAY_MS);
      busyTimer.unref?.();
    }
    this.trace?.marks.push(['review', performance.now()]);
    const ticket = ++s.sequence;
    const versions = this.openVersions(root);
    const result = await s.reviewer.reviewAsync({
      settings,
      validation: this.validationFor(settings),
      lintAsync: this.options.lintAsync,
      // The first review of a workspace: its findings go out without waiting for Prisma's first validation.
      validationLater: !opts.audit && s.last === undefined,
      log: (m) => this.log(m),
      isCancelled: () => opts.token?.isCancellationRequested ?? false,
      onProgress: (done, total, unit) => opts.progress?.report(Math.round((done / Math.max(1, total)) * 100), `${done}/${total} · ${path.relative(root, unit.files[0] ?? root)}`),
    });
    clearTimeout(busyTimer);
    this.trace?.marks.push(['reviewed', performance.now()]);
    // A newer review started while this one ran: its result wins, this one is dropped.
    if (ticket !== s.sequence && !opts.audit) return result;
    // A cancelled audit reached only some units: keep what the Problems panel showed before.
    if (result.cancelled) {
      this.setStatus({ state: 'ready', message: undefined });
      return result;
    }
    s.last = result;
    s.reviewedVersions = versions;
    this.noteFirstReview();
    this.whenQuiet();
    if (opts.audit) this.auditedRoots.add(root);
    this.applyResult(s, result);
    this.noteProjectFolders();
    const filesReviewed = [...this.roots.values()].reduce((n, r) => n + (r.last?.files.length ?? 0), 0);
    this.setStatus({ state: 'ready', filesReviewed, message: undefined });
    if (result.finishValidation) this.finishValidation(s, result, result.finishValidation, started);
    return result;
  }

  /** The versions of the root's open documents. */
  private openVersions(root: string): Map<string, number> {
    const versions = new Map<string, number>();
    for (const doc of this.documents.all()) {
      const file = uriToPath(doc.uri);
      if (file && this.rootOf(file) === root) versions.set(file, doc.version);
    }
    return versions;
  }

  /**
   * Prisma's validation of a first review, after its findings are out: its diagnostics join that result and are
   * published, unless a newer review has replaced it (that one waits for its own validation).
   */
  private finishValidation(s: RootState, result: ReviewResult, finish: () => Promise<SourceDiagnostic[]>, started: number): void {
    result.finishValidation = undefined;
    const ticket = s.sequence;
    // Once the findings are written: a validation held back for this thread must not delay them.
    setImmediate(() => {
      void finish().then((found) => {
        this.log(`validation of the first review: ${found.length} Prisma diagnostic${found.length === 1 ? '' : 's'}, ${Math.round(performance.now() - started)} ms after the review started`);
        if (s.last !== result || s.sequence !== ticket || !found.length) return;
        result.diagnostics.push(...found);
        this.applyResult(s, result);
      }, (error: unknown) => this.log(`validation failed: ${(error as Error)?.message ?? String(error)}`));
    });
  }

  private warm = false;
  private collected = false;
  private quietTimer: NodeJS.Timeout | undefined;

  /**
   * After the first review, the code a user needs has been compiled: a few seconds later (the first edits usually
   * follow at once), the loader may write the code cache that lets the next start skip compiling (codeCache.ts).
   */
  private noteFirstReview(): void {
    if (this.warm) return;
    this.warm = true;
    setTimeout(markWarm, CODE_CACHE_DELAY_MS).unref();
  }

  /**
   * Until start-up's garbage has been collected (memory.ts): after each review, collect it once the server has been
   * quiet for QUIET_MS, so V8's own major collection does not fall into a keystroke's review instead.
   */
  private whenQuiet(): void {
    clearTimeout(this.quietTimer);
    if (this.collected) return;
    this.quietTimer = setTimeout(() => {
      if ([...this.roots.values()].some((r) => r.running || r.timer)) return this.whenQuiet();
      this.collected = true;
      const done = collectStartupGarbage();
      if (done) this.log(`idle: start-up's garbage collected, ${Math.round(done.freedBytes / 1048576)} MB freed in ${Math.round(done.ms)} ms`);
    }, QUIET_MS);
    this.quietTimer.unref();
  }

  /** The project folders last reported to `onProjectFolders`, one a line. */
  private projectFolders = '';

  /** Reports the project folders of the roots' last reviews when they changed (a few units, each looked up once). */
  private noteProjectFolders(): void {
    if (!this.options.onProjectFolders) return;
    const found = new Set<string>();
    for (const s of this.roots.values()) {
      for (const unit of s.last?.analysis.units ?? []) {
        const folder = projectFolderOf(unit, s.root, this.reader);
        if (folder) found.add(folder);
      }
    }
    const list = [...found].sort();
    if (list.join('\n') === this.projectFolders) return;
    this.projectFolders = list.join('\n');
    this.options.onProjectFolders(list);
  }

  private applyResult(s: RootState, result: ReviewResult | undefined): void {
    // Drop this root's old findings.
    for (const file of [...this.findingsByFile.keys()]) if (this.rootOf(file) === s.root) this.findingsByFile.delete(file);
    const byFile = new Map<string, Diagnostic[]>();
    const push = (file: string, d: Diagnostic) => {
      const list = byFile.get(file);
      if (list) list.push(d);
      else byFile.set(file, [d]);
    };
    if (result) {
      for (const f of result.findings) {
        const list = this.findingsByFile.get(f.file);
        if (list) list.push(f);
        else this.findingsByFile.set(f.file, [f]);
        let diagnostic = this.diagnosticOf.get(f);
        if (!diagnostic) {
          diagnostic = findingToDiagnostic(f, this.docUri, this.options.relatedInformationSupported);
          this.diagnosticOf.set(f, diagnostic);
        }
        push(f.file, diagnostic);
      }
      for (const d of result.diagnostics) push(d.file, sourceDiagnosticToDiagnostic(d));
      for (const [file, language] of result.analysis.fileLanguages) this.languageByFile.set(file, language);
    }
    for (const d of s.configProblems) push(d.file, sourceDiagnosticToDiagnostic(d));
    // Publish for open or audited files of this root; clear what is gone.
    const configFiles = new Set(s.configProblems.map((d) => d.file));
    const audited = this.auditedRoots.has(s.root);
    const visible = (file: string) => audited || configFiles.has(file) || this.documents.get(pathToUri(file)) !== undefined;
    const now = new Set<string>();
    // Every open document of this root gets its diagnostics, an empty list included: the client then knows it was reviewed.
    for (const doc of this.documents.all()) {
      const file = uriToPath(doc.uri);
      if (file && this.rootOf(file) === s.root && !byFile.has(file) && result?.analysis.fileLanguages.has(file)) byFile.set(file, []);
    }
    for (const [file, diagnostics] of byFile) {
      if (!visible(file)) continue;
      const uri = pathToUri(file);
      now.add(uri);
      const trace = this.trace;
      void this.connection.sendDiagnostics({ uri, diagnostics }).then(() => {
        if (!trace || this.trace !== trace) return;
        this.trace = undefined;
        const marks = [...trace.marks, ['written', performance.now()] as const];
        // GC entries arrive a little later than the pauses; read them once they are in.
        setTimeout(() => {
          const end = marks[marks.length - 1][1];
          const gc = gcPauses.filter(([at]) => at > trace.changed && at <= end).reduce((sum, [, ms]) => sum + ms, 0);
          this.log(`timing: ${marks.map(([what, at]) => `${what} +${(at - trace.changed).toFixed(2)} ms`).join(', ')}; gc ${gc.toFixed(2)} ms (${diagnostics.length} diagnostics)`);
        }, 5);
      });
    }
    for (const uri of [...this.published]) {
      const file = uriToPath(uri);
      if (!file || this.rootOf(file) !== s.root || now.has(uri)) continue;
      void this.connection.sendDiagnostics({ uri, diagnostics: [] });
      this.published.delete(uri);
    }
    for (const uri of now) if (byFile.get(uriToPath(uri) ?? '')?.length) this.published.add(uri);
    for (const waiter of [...this.currentWaiters]) {
      if (!this.fixesCurrent([waiter.file])) continue;
      this.currentWaiters.delete(waiter);
      waiter.resolve(true);
    }
  }

  // ------------------------------------------------------------------ audit

  async audit(folders: string[] | undefined, token: CancellationToken, progress: WorkDoneProgressReporter): Promise<AuditResult> {
    const started = performance.now();
    const roots = (folders?.length ? folders.map((f) => toPosix(f)) : this.folders.length ? [...this.folders] : []).sort();
    const reports = [];
    let cancelled = false;
    for (const root of roots) {
      const s = this.state(root);
      // Without file watching the server cannot know what was created or deleted: look again.
      if (!this.options.watchesFiles) s.reviewer.invalidateFiles();
      const result = await this.reviewRoot(root, { token, progress, audit: true });
      if (!result) continue;
      reports.push(buildJsonReport(result));
      if (result.cancelled || token.isCancellationRequested) {
        cancelled = true;
        break;
      }
    }
    const report = combineReports(roots[0] ?? '/', reports);
    const durationMs = Math.round(performance.now() - started);
    const markdown = formatMarkdown(report, {
      title: `Database audit — ${roots.map((r) => path.basename(r)).join(', ') || 'workspace'}`,
      link: (file, line) => `${pathToUri(path.join(report.root, file))}#L${line}`,
    });
    this.setStatus({
      lastAudit: { finishedAt: new Date().toISOString(), findings: report.findings.length, files: report.files.length, durationMs },
    });
    return {
      report,
      areas: areaSummaries(report),
      scoreFormula: SCORE_FORMULA,
      markdown,
      findings: report.findings.length,
      files: report.files.length,
      durationMs,
      cancelled,
    };
  }

  /**
   * One workspace edit for every fixable finding of the last review of each root. Documents edited since that review
   * are waited for (up to `waitMs`), as fix-all on save does; an edit still written for an older text than the
   * document's carries the version it was written for, so the editor refuses it instead of applying it where the text
   * moved.
   */
  async fixAllWorkspace(unsafe: boolean | undefined, waitMs = 2000): Promise<FixAllWorkspaceResult> {
    const pending: Promise<boolean>[] = [];
    for (const doc of this.documents.all()) {
      const file = uriToPath(doc.uri);
      if (file && this.roots.get(this.rootOf(file))?.reviewedVersions) pending.push(this.whenCurrent(file, waitMs));
    }
    await Promise.all(pending);
    // The fixes collectFixAll takes (overlapping ones wait for the next run), as many as the edit makes. Each root
    // with its own `fixes.unsafe` (unless the request says): one folder's setting does not reach another's files.
    const chosen: { finding: Finding; fix: ResolvedFix }[] = [];
    const edits: FileEdit[] = [];
    for (const s of this.roots.values()) {
      if (s.last) edits.push(...collectFixAll(s.last.findings, unsafe ?? s.settings?.fixesUnsafe ?? false, undefined, chosen));
    }
    const writtenFor = (file: string): number | null => {
      const version = this.reader.versionOf(file);
      return version === null ? null : (this.roots.get(this.rootOf(file))?.reviewedVersions?.get(file) ?? version);
    };
    return { edit: toWorkspaceEdit(edits, writtenFor, (f) => this.reader.endsLinesWithCr(f)), fixes: chosen.length, files: edits.length };
  }

  /** The last audit in an export format. */
  exportReport(format: 'markdown' | 'sarif' | 'json'): { text: string; suggestedName: string } {
    const reports = [...this.roots.values()].filter((s) => s.last).map((s) => buildJsonReport(s.last!));
    if (!reports.length) throw new Error('No audit to export yet: run "Audit workspace database" first.');
    const report = combineReports(this.folders[0] ?? reports[0].root, reports);
    const name = path.basename(report.root) || 'workspace';
    if (format === 'sarif') return { text: formatSarif(report), suggestedName: `${name}-schema-review.sarif` };
    if (format === 'json') return { text: JSON.stringify(report, null, 2) + '\n', suggestedName: `${name}-schema-review.json` };
    return { text: formatMarkdown(report, { title: `Database audit — ${name}` }), suggestedName: `${name}-database-audit.md` };
  }

  // ------------------------------------------------------------------ status

  /** Sends the status when it changed (a quick review that never showed "busy" sends nothing). */
  setStatus(patch: Partial<ServerStatus>): void {
    const next = { ...this.status, ...patch };
    const keys = new Set([...Object.keys(this.status), ...Object.keys(next)]) as Set<keyof ServerStatus>;
    if (this.statusSent && [...keys].every((k) => this.status[k] === next[k])) return;
    this.status = next;
    this.statusSent = true;
    void this.connection.sendNotification(StatusNotification.type, this.status);
  }
}
