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
import { collectFixAll, applyTextEdits } from './fixes';
import { DiskReader, toPosix } from './project/files';
import { buildJsonReport, combineReports, TOOL_VERSION, type JsonReport } from './report/model';
import { formatText } from './report/text';
import { formatSarif } from './report/sarif';
import { formatMarkdown } from './report/markdown';
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

Reviews Prisma schemas, Drizzle schemas, SQL migrations and the code that calls them.

Options:
  --format <text|json|sarif|markdown>  output format (default: text)
  --fail-on <error|warning|info>       exit 1 when a finding is at or above this severity (default: error)
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

  // Each path is a root to review: a folder, or a single file (reviewed with its folder as root).
  const roots: { root: string; only?: string[] }[] = [];
  for (const p of args.paths) {
    const abs = toPosix(path.resolve(io.cwd, p));
    let st: fs.Stats;
    try {
      st = fs.statSync(abs);
    } catch {
      io.stderr(`schema-review: ${p}: no such file or folder\n`);
      return 2;
    }
    if (st.isDirectory()) roots.push({ root: abs });
    else roots.push({ root: toPosix(path.dirname(abs)), only: [abs] });
  }

  const log = (m: string) => {
    if (process.env.SCHEMA_REVIEW_DEBUG) io.stderr(`[schema-review] ${m}\n`);
  };
  const reports: JsonReport[] = [];
  for (const { root, only } of roots) {
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
    const options = { settings, validation: args.validation && settings.prismaValidation !== 'off', only, log };
    const review = async () => {
      await reviewer.loadFrontEnds(options);
      return reviewer.review(options);
    };
    let result: ReviewResult = await review();
    if (args.fix !== 'none') {
      const fixedFiles = new Set<string>();
      // Like ESLint: apply non-overlapping fixes, re-review, repeat (bounded).
      for (let pass = 0; pass < 10; pass++) {
        const edits = collectFixAll(result.findings, args.fix === 'unsafe');
        if (edits.length === 0) break;
        for (const fe of edits) {
          const before = fe.create ? '' : reader.read(fe.file);
          if (before === undefined) continue;
          fs.mkdirSync(path.dirname(fe.file), { recursive: true });
          fs.writeFileSync(fe.file, applyTextEdits(before, fe.edits));
          reader.invalidate(fe.file);
          fixedFiles.add(fe.file);
        }
        reviewer.invalidateFiles();
        result = await review();
      }
      if (fixedFiles.size) io.stderr(`schema-review: applied fixes to ${fixedFiles.size} file${fixedFiles.size === 1 ? '' : 's'}\n`);
    }
    reports.push(buildJsonReport(result));
  }

  const report = combineReports(toPosix(io.cwd), reports);
  let text: string;
  switch (args.format) {
    case 'json':
      text = JSON.stringify(report, null, 2) + '\n';
      break;
    case 'sarif':
      text = formatSarif(report);
      break;
    case 'markdown':
      text = formatMarkdown(report, { title: `Database audit — ${path.basename(report.root)}` });
      break;
    default:
      text = formatText(report, { color: io.color && !args.output });
  }
  if (args.output) fs.writeFileSync(path.resolve(io.cwd, args.output), text);
  else io.stdout(text);

  const failing = report.findings.some((f) => RANK[f.severity] >= RANK[args.failOn]) ||
    report.problems.some((p) => p.severity === 'error' && RANK.error >= RANK[args.failOn]);
  return failing ? 1 : 0;
}
