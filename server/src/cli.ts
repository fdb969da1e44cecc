/**
 * `schema-review audit [paths…]` — the same review for terminals and CI.
 *   --format text|json|sarif|markdown   (default text)
 *   --fail-on error|warning|info         exit 1 when a finding is at or above it (default error)
 *   --fix | --fix=unsafe                 apply safe (or also unsafe) fixes, then report what is left
 *   --config FILE                        use FILE instead of <root>/schema-review.json
 *   --output FILE                        write the report to FILE instead of stdout
 * Exit codes: 0 clean, 1 findings at or above --fail-on, 2 usage or configuration error.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Severity } from '../../rules/types';
import type { Finding, ResolvedFix } from './engine';
import { collectFixAll, applyTextEdits } from './fixes';
import { crLineEnds } from './languages/lines';
import { setPackagesLog } from './languages/packages';
import { DiskReader, encodeText, isWithin, listWorkspaceFiles, toPosix } from './project/files';
import { buildJsonReport, combineReports, TOOL_VERSION, type JsonReport } from './report/model';
import { formatText } from './report/text';
import { formatSarif } from './report/sarif';
import { formatMarkdown, inline } from './report/markdown';
import { ConfigError, Reviewer, settingsForRoot, type ReviewResult } from './review';

export interface CliIO {
  stdout(text: string): void;
  stderr(text: string): void;
  cwd: string;
  color: boolean;
}

type Format = 'text' | 'json' | 'sarif' | 'markdown';

interface Args {
  command: 'audit' | 'help' | 'version';
  paths: string[];
  format: Format;
  failOn: Severity;
  fix: 'none' | 'safe' | 'unsafe';
  config?: string;
  output?: string;
  validation: boolean;
}

const USAGE = `Usage: schema-review audit [paths…] [options]

Reviews Prisma schemas, Drizzle schemas, SQL migrations and the code that calls them. A path inside a project
(the nearest folder with a package.json, up to the current folder) is reviewed with that project and reports its
own findings only. Paths default to the current folder.

Options:
  --format <text|json|sarif|markdown>  output format (default: text)
  --fail-on <error|warning|info>       exit 1 when a problem is at or above this severity (default: error)
  --fix                                apply safe fixes (keep behaviour), then report what is left
  --fix=unsafe                         also apply unsafe fixes (may change behaviour: review the diff)
  --config <file>                      configuration file (default: <root>/schema-review.json)
  --output <file>                      write the report to a file
  --no-prisma-validation               do not report Prisma's own validation errors
  -h, --help                           show this help
  -v, --version                        show the version

Exit codes: 0 no findings at or above --fail-on, 1 findings, 2 usage or configuration error.
`;

class UsageError extends Error {}

export function parseArgs(argv: string[]): Args {
  const args: Args = { command: 'audit', paths: [], format: 'text', failOn: 'error', fix: 'none', validation: true };
  const rest = [...argv];
  const first = rest[0];
  if (first === undefined || first === '-h' || first === '--help' || first === 'help') return { ...args, command: 'help' };
  if (first === '-v' || first === '--version') return { ...args, command: 'version' };
  if (first !== 'audit') throw new UsageError(`unknown command "${first}" (expected "audit")`);
  rest.shift();
  const value = (flag: string, inline: string | undefined): string => {
    const v = inline ?? rest.shift();
    if (v === undefined || v.startsWith('--')) throw new UsageError(`${flag} needs a value`);
    return v;
  };
  while (rest.length) {
    const raw = rest.shift()!;
    const eq = raw.startsWith('--') ? raw.indexOf('=') : -1;
    const flag = eq > 0 ? raw.slice(0, eq) : raw;
    const inline = eq > 0 ? raw.slice(eq + 1) : undefined;
    switch (flag) {
      case '--format': {
        const v = value(flag, inline);
        if (!['text', 'json', 'sarif', 'markdown'].includes(v)) throw new UsageError(`--format must be text, json, sarif or markdown (got "${v}")`);
        args.format = v as Format;
        break;
      }
      case '--fail-on': {
        const v = value(flag, inline);
        if (!['error', 'warning', 'info'].includes(v)) throw new UsageError(`--fail-on must be error, warning or info (got "${v}")`);
        args.failOn = v as Severity;
        break;
      }
      case '--fix':
        if (inline === undefined || inline === 'safe') args.fix = 'safe';
        else if (inline === 'unsafe') args.fix = 'unsafe';
        else throw new UsageError(`--fix takes no value or "unsafe" (got "${inline}")`);
        break;
      case '--config':
        args.config = value(flag, inline);
        break;
      case '--output':
      case '-o':
        args.output = value(flag, inline);
        break;
      case '--no-prisma-validation':
        args.validation = false;
        break;
      case '-h':
      case '--help':
        return { ...args, command: 'help' };
      default:
        if (raw.startsWith('-')) throw new UsageError(`unknown option "${raw}"`);
        args.paths.push(raw);
    }
  }
  if (args.paths.length === 0) args.paths.push('.');
  return args;
}

const RANK: Record<Severity, number> = { info: 0, warning: 1, error: 2 };

/** Runs the CLI; resolves to the exit code. */
/**
 * Like ESLint: apply the non-overlapping fixes, review again, repeat (at most 10 passes). A fix must leave its file
 * as valid as it was: a file the pass left with more syntax or validation errors than before is written back as it
 * was and left alone from then on. A file whose fixes come back unchanged (the finding survived its fix) is not
 * fixed again, and a file that is not valid UTF-8 is never written (its bytes could not be kept).
 */
export async function fixAll(
  mode: 'safe' | 'unsafe',
  reader: DiskReader,
  reviewer: Pick<Reviewer, 'invalidateFiles'>,
  review: () => Promise<ReviewResult>,
  first: ReviewResult,
  io: CliIO,
): Promise<ReviewResult> {
  let result = first;
  /** Writes a file in the encoding it was read in (a BOM kept, UTF-16 kept); a new file as UTF-8. */
  const writeBack = (file: string, text: string) => {
    const encoding = reader.encodingOf(file);
    fs.writeFileSync(file, encodeText(text, encoding === 'lossy' ? undefined : encoding));
  };
  const fixedFiles = new Set<string>();
  const leftAlone = new Map<string, string>();
  /** The fixes of the last pass, by file, rule, message and title: one asked for again did not remove its finding. */
  let previous = new Set<string>();
  for (let pass = 0; pass < 10; pass++) {
    const chosen: { finding: Finding; fix: ResolvedFix }[] = [];
    const edits = collectFixAll(result.findings, mode === 'unsafe', undefined, chosen).filter((fe) => !leftAlone.has(fe.file));
    const keyOf = ({ finding, fix }: (typeof chosen)[number]) => `${finding.file}\0${finding.rule}\0${finding.message}\0${fix.title}`;
    const keys = new Set(chosen.map(keyOf));
    for (const { finding, fix } of chosen) {
      if (!previous.has(keyOf({ finding, fix }))) continue;
      for (const e of fix.edits) if (!leftAlone.has(e.file)) leftAlone.set(e.file, `a fix ("${fix.title}") did not remove its finding`);
    }
    previous = keys;
    // Files one fix edits together (a relation and its back-relation in two schema files) stand or fall together: a
    // half-applied fix is worse than none.
    const partners = new Map<string, Set<string>>();
    for (const { fix } of chosen) {
      const files = new Set(fix.edits.map((e) => e.file));
      if (files.size < 2) continue;
      for (const f of files) {
        const set = partners.get(f) ?? new Set<string>();
        for (const g of files) if (g !== f) set.add(g);
        partners.set(f, set);
      }
    }
    /** The files given and every file a fix edits together with one of them, and so on. */
    const withPartners = (files: Iterable<string>): Set<string> => {
      const out = new Set(files);
      const todo = [...out];
      while (todo.length) for (const g of partners.get(todo.pop()!) ?? []) if (!out.has(g)) todo.push(g), out.add(g);
      return out;
    };
    /** Files this pass could not write: their partners must not keep their part of the fix. */
    const unwritten: string[] = [];
    /** `madeDir`: the first folder made for a new file (a new migration's), removed with the file if it is put back. */
    const written: { file: string; before: string | undefined; errors: number; madeDir?: string }[] = [];
    for (const fe of edits) {
      if (leftAlone.has(fe.file)) continue;
      if (!fe.create && reader.encodingOf(fe.file) === 'lossy') {
        leftAlone.set(fe.file, 'it is not valid UTF-8 text, so its bytes could not be kept');
        unwritten.push(fe.file);
        continue;
      }
      // The text on disk: the review read bare `\r` line ends as `\n` (same offsets), which must not be written back.
      const before = fe.create ? undefined : reader.rawText(fe.file);
      if (!fe.create && before === undefined) continue;
      const crOnly = !fe.create && reader.endsLinesWithCr(fe.file);
      const textEdits = crOnly ? fe.edits.map((e) => ({ range: e.range, newText: crLineEnds(e.newText) })) : fe.edits;
      let madeDir: string | undefined;
      try {
        madeDir = fs.mkdirSync(path.dirname(fe.file), { recursive: true });
        writeBack(fe.file, applyTextEdits(before ?? '', textEdits));
      } catch (error) {
        // A read-only file, a full disk: say so and go on with the other files (nothing was written to this one).
        if (madeDir !== undefined) removeEmptyFolders(path.dirname(fe.file), madeDir);
        leftAlone.set(fe.file, `it cannot be written (${(error as Error).message})`);
        unwritten.push(fe.file);
        continue;
      }
      written.push({ file: fe.file, before, errors: errorsIn(result, fe.file), ...(madeDir !== undefined ? { madeDir } : {}) });
      reader.invalidate(fe.file);
    }
    if (written.length === 0) break;
    reviewer.invalidateFiles();
    result = await review();
    const worse = written.filter((w) => errorsIn(result, w.file) > w.errors).map((w) => w.file);
    const fallen = withPartners([...worse, ...unwritten]);
    const broken = written.filter((w) => fallen.has(w.file));
    for (const w of written) if (!broken.includes(w)) fixedFiles.add(w.file);
    if (broken.length === 0) continue;
    for (const w of broken) {
      try {
        if (w.before === undefined) {
          fs.rmSync(w.file, { force: true });
          // A new migration's folder without its file is worse than none (`prisma migrate`: "could not find the
          // migration file"), and the next run would make another.
          if (w.madeDir !== undefined) removeEmptyFolders(path.dirname(w.file), w.madeDir);
        } else writeBack(w.file, w.before);
        const partner = worse.includes(w.file) ? undefined : [...worse, ...unwritten].find((f) => withPartners([f]).has(w.file));
        leftAlone.set(
          w.file,
          partner === undefined
            ? 'a fix left it with errors, so it was put back as it was (please report this)'
            : `a fix also edits ${toPosix(path.relative(io.cwd, partner)) || partner}, which it could not fix, so it was put back as it was`,
        );
      } catch (error) {
        leftAlone.set(w.file, `a fix left it with errors and it could not be put back (${(error as Error).message}): restore it from version control`);
      }
      reader.invalidate(w.file);
    }
    reviewer.invalidateFiles();
    result = await review();
  }
  const relative = (f: string) => toPosix(path.relative(io.cwd, f)) || f;
  for (const [file, why] of leftAlone) io.stderr(`schema-review: did not fix ${relative(file)}: ${why}\n`);
  if (fixedFiles.size) io.stderr(`schema-review: applied fixes to ${fixedFiles.size} file${fixedFiles.size === 1 ? '' : 's'}\n`);
  return result;
}

/**
 * The paths to review without reviewing anything twice: a folder inside another given folder, or a file inside one,
 * is left out; files of one folder are reviewed together.
 */
export function withoutOverlaps(roots: readonly { root: string; only?: string[] }[]): { root: string; only?: string[] }[] {
  const folders = [...new Set(roots.filter((r) => !r.only).map((r) => r.root))].sort((a, b) => a.length - b.length);
  const keptFolders: string[] = [];
  for (const f of folders) if (!keptFolders.some((k) => isWithin(f, k))) keptFolders.push(f);
  const files = new Map<string, Set<string>>();
  for (const r of roots) {
    for (const file of r.only ?? []) {
      if (keptFolders.some((k) => isWithin(file, k))) continue;
      const set = files.get(r.root) ?? new Set<string>();
      set.add(file);
      files.set(r.root, set);
    }
  }
  return [...keptFolders.map((root) => ({ root })), ...[...files].map(([root, set]) => ({ root, only: [...set] }))];
}

/**
 * The nearest folder from `folder` up to `limit` (the current folder) that holds a package.json: the project a path
 * given on the command line belongs to. Undefined when `folder` is outside `limit` or no such folder exists.
 */
export function projectRootOf(folder: string, limit: string): string | undefined {
  for (let dir = folder; isWithin(dir, limit); ) {
    if (fs.existsSync(path.join(dir, 'package.json'))) return dir;
    const parent = toPosix(path.dirname(dir));
    if (parent === dir) break;
    dir = parent;
  }
  return undefined;
}

/** The findings, problems and files of `result` that lie in the given files or folders (all of it without any). */
function restrictTo(result: ReviewResult, only: readonly string[] | undefined): ReviewResult {
  if (!only?.length) return result;
  const touches = (f: string) => only.some((o) => isWithin(f, o));
  return {
    ...result,
    files: result.files.filter((f) => touches(f.path)),
    findings: result.findings.filter((f) => touches(f.file)),
    diagnostics: result.diagnostics.filter((d) => touches(d.file)),
  };
}

/** Whether a package.json lies in `folder` or below it (outside dependency, build and ignored folders). */
function holdsProject(folder: string): boolean {
  return listWorkspaceFiles(folder, {}).some((f) => f.endsWith('/package.json'));
}

/** The deepest folder holding all of these (the root report paths are relative to). */
function commonFolder(folders: readonly string[]): string {
  let common = folders[0] ?? '/';
  for (const f of folders) {
    while (!isWithin(f, common)) {
      const parent = toPosix(path.dirname(common));
      if (parent === common) break;
      common = parent;
    }
  }
  return common;
}

/** Removes `folder` and its parents up to `top` (the first folder mkdir made), each only while it is empty. */
function removeEmptyFolders(folder: string, top: string): void {
  const last = toPosix(path.resolve(top));
  for (let dir = path.resolve(folder); isWithin(toPosix(dir), last); dir = path.dirname(dir)) {
    try {
      fs.rmdirSync(dir); // refuses a folder that is not empty: another file written there stays
    } catch {
      return;
    }
  }
}

/** Syntax and validation errors the review reports in a file (not rule findings). */
function errorsIn(result: ReviewResult, file: string): number {
  let n = 0;
  for (const d of result.diagnostics) if (d.file === file && d.code !== 'unused-ignore' && (d.severity === 'error' || /syntax|unparsable/.test(d.code ?? ''))) n++;
  return n;
}

export async function runCli(argv: string[], io: CliIO): Promise<number> {
  let args: Args;
  try {
    args = parseArgs(argv);
  } catch (error) {
    io.stderr(`schema-review: ${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (args.command === 'help') {
    io.stdout(USAGE);
    return 0;
  }
  if (args.command === 'version') {
    io.stdout(`${TOOL_VERSION}\n`);
    return 0;
  }

  // Each path is reviewed within its project: the nearest folder with a package.json, from the path up to the current
  // folder, so that a route handler is read with the client module and the schema it uses; only the path's findings
  // are reported. Outside such a project, a folder is its own root and a file is reviewed with its folder as root.
  const roots: { root: string; only?: string[] }[] = [];
  /** Each path as given and as an absolute path, to say which of them had nothing to review. */
  const named: { arg: string; abs: string }[] = [];
  /** Roots that are a project a named path lies in: the whole project is read, only the path's findings reported. */
  const projects = new Set<string>();
  for (const p of args.paths) {
    const abs = toPosix(path.resolve(io.cwd, p));
    let st: fs.Stats;
    try {
      st = fs.statSync(abs);
    } catch {
      io.stderr(`schema-review: ${p}: no such file or folder\n`);
      return 2;
    }
    named.push({ arg: p, abs });
    const folder = st.isDirectory() ? abs : toPosix(path.dirname(abs));
    let project = projectRootOf(folder, toPosix(path.resolve(io.cwd)));
    // A folder that holds projects of its own (`examples/` with a package.json in each) is their root, as before.
    if (project !== undefined && project !== abs && st.isDirectory() && holdsProject(abs)) project = undefined;
    if (project !== undefined && project !== abs) {
      roots.push({ root: project, only: [abs] });
      projects.add(project);
    } else if (st.isDirectory()) roots.push({ root: abs });
    else roots.push({ root: folder, only: [abs] });
  }
  const distinctRoots = withoutOverlaps(roots);

  const log = (m: string) => {
    if (process.env.SCHEMA_REVIEW_DEBUG) io.stderr(`[schema-review] ${m}\n`);
  };
  // A lockfile too large to read says so (the language server logs the same to its output channel).
  setPackagesLog(log);
  const reports: JsonReport[] = [];
  /** The files reviewed or reported on (a file too large to read is reported, not reviewed). */
  const reviewedFiles: string[] = [];
  for (const { root, only } of distinctRoots) {
    const reader = new DiskReader(undefined, log);
    let settings;
    try {
      settings = settingsForRoot(root, reader, undefined, args.config ? toPosix(path.resolve(io.cwd, args.config)) : undefined);
      if (args.config && reader.read(toPosix(path.resolve(io.cwd, args.config))) === undefined) {
        io.stderr(`schema-review: ${args.config}: cannot read the configuration file\n`);
        return 2;
      }
    } catch (error) {
      if (error instanceof ConfigError) {
        io.stderr(`schema-review: invalid configuration:\n${error.message}\n`);
        return 2;
      }
      throw error;
    }
    const reviewer = new Reviewer(root, reader);
    // Within a project, every unit is reviewed (the root is in `only`): a route handler's queries are read against the
    // schema, and a schema's unindexed-query-filter sees the code's queries. The named paths stay in `only`, so one
    // that cannot be read is an error; the result is then restricted to them.
    const reviewed = only && projects.has(root) ? [root, ...only] : only;
    const options = { settings, validation: args.validation && settings.prismaValidation !== 'off', only: reviewed, log };
    const review = async () => {
      await reviewer.loadFrontEnds(options);
      return restrictTo(reviewer.review(options), only);
    };
    let result: ReviewResult = await review();
    if (args.fix !== 'none') result = await fixAll(args.fix, reader, reviewer, review, result, io);
    for (const f of result.files) reviewedFiles.push(f.path);
    for (const d of result.diagnostics) reviewedFiles.push(d.file); // a named file it could not read is reported there
    reports.push(buildJsonReport(result));
  }

  // Like ESLint's "File ignored because of a matching ignore pattern": a path that yields no file is not a silent pass.
  for (const { arg, abs } of named) {
    if (!reviewedFiles.some((f) => isWithin(f, abs))) {
      io.stderr(`schema-review: ${arg}: nothing reviewed: no schema, migration or database code, or excluded (audit.exclude, .gitignore, dependency and build folders)\n`);
    }
  }

  const report = combineReports(commonFolder(distinctRoots.map((r) => r.root)), reports);
  let text: string;
  switch (args.format) {
    case 'json':
      text = JSON.stringify(report, null, 2) + '\n';
      break;
    case 'sarif':
      text = formatSarif(report);
      break;
    case 'markdown':
      text = formatMarkdown(report, { title: `Database audit — ${inline(path.basename(report.root) || report.root)}` });
      break;
    default:
      text = formatText(report, { color: io.color && !args.output, ...(args.fix !== 'none' ? { fixed: args.fix } : {}) });
  }
  if (args.output) {
    try {
      // Like ESLint's --output-file: the report's folder is created (reports/schema-review.sarif in a fresh CI checkout).
      const out = path.resolve(io.cwd, args.output);
      fs.mkdirSync(path.dirname(out), { recursive: true });
      fs.writeFileSync(out, text);
    } catch (error) {
      io.stderr(`schema-review: cannot write the report to ${args.output}: ${(error as Error).message}\n`);
      return 2;
    }
  } else io.stdout(text);

  // File problems count at their own severity, as the summary line counts them: a syntax error always fails, a stale
  // ignore comment (info) fails --fail-on info, a misspelt rule in one (warning) fails --fail-on warning.
  const failing = [...report.findings, ...report.problems].some((f) => RANK[f.severity] >= RANK[args.failOn]);
  return failing ? 1 : 0;
}
