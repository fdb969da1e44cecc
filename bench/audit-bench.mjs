// Audit benchmark on a generated workspace (generate-workspace.mjs):
//   1. CLI audit (`node bin/schema-review.js audit <dir> --format json`) against the floor (a process that lists,
//      reads and parses the same files: bench/floor.mjs), alternating, several fresh processes each;
//   2. per language, in one process from the sources (bench/lang-bench.mjs): review vs bare parse;
//   3. the server: `schemaReview/audit` over LSP, its RSS, a second audit after one file changed, and memory over
//      repeated audits.
//
//   node bench/audit-bench.mjs [--quick] [--dir DIR] [--parts cli,lang,server] [--runs N] [--repeats N]
import { spawn } from 'node:child_process';
import { appendFileSync, existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateWorkspace } from './generate-workspace.mjs';
import { BENCH_DIR, bundleDir, fmtMB, fmtMs, fmtRatio, fmtSpread, LspClient, median, OUT_DIR, ourServerCommand, prepareBundles, procMemory, REPO, optionOf, round, sleep, summarize } from './lib.mjs';

/** Runs a process to completion; resolves with wall time, stdout, stderr, exit code. */
function run(command, args, { env = {}, timeoutMs = 600000 } = {}) {
  return new Promise((resolveRun) => {
    const t0 = performance.now();
    const child = spawn(command, args, { cwd: REPO, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    const out = [];
    let err = '';
    child.stdout.on('data', (d) => out.push(d));
    child.stderr.on('data', (d) => {
      if (err.length < 20000) err += d;
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      resolveRun({ wallMs: performance.now() - t0, stdout: Buffer.concat(out).toString('utf8'), stderr: err, code, signal });
    });
  });
}

/**
 * The CLI's V8 code cache (server/src/boot/codeCache.ts) during the bench: emptied first, written by the unmeasured
 * warm-up audit, as a user's first audit writes it. Each run also times one audit without it (as the very first).
 */
const CLI_CODE_CACHE_DIR = join(OUT_DIR, 'code-cache-cli');

/** The CLI command: bin/schema-review.js over dist/, or the runner over the bench's fallback bundle. */
function cliCommand(dir) {
  const rss = join(OUT_DIR, `cli-rss-${process.pid}.txt`);
  const hook = ['--require', join(BENCH_DIR, 'rss-hook.cjs')];
  const args = bundleDir === join(REPO, 'dist') ? [...hook, join(REPO, 'bin', 'schema-review.js')] : [...hook, join(BENCH_DIR, 'cli-runner.cjs'), join(bundleDir, 'cli.js')];
  return { args: [...args, 'audit', dir, '--format', 'json'], env: { BENCH_RSS_FILE: rss, SCHEMA_REVIEW_CODE_CACHE: CLI_CODE_CACHE_DIR }, rss };
}

async function cliVsFloor(dir, runs, log) {
  const floors = [];
  const clis = [];
  const uncached = [];
  const cmd = cliCommand(dir);
  rmSync(CLI_CODE_CACHE_DIR, { recursive: true, force: true });
  // Warm-up (file cache, the CLI's code cache), not measured.
  await run(process.execPath, [join(BENCH_DIR, 'floor.mjs'), dir]);
  await run(process.execPath, cmd.args, { env: cmd.env });
  for (let i = 0; i < runs; i++) {
    const f = await run(process.execPath, [join(BENCH_DIR, 'floor.mjs'), dir]);
    try {
      floors.push({ wallMs: f.wallMs, ...JSON.parse(f.stdout) });
    } catch {
      log(`  floor failed: ${f.stderr.slice(0, 300)}`);
    }
    rmSync(cmd.rss, { force: true });
    const c = await run(process.execPath, cmd.args, { env: cmd.env });
    let report;
    try {
      report = JSON.parse(c.stdout);
    } catch {
      log(`  CLI audit failed (exit ${c.code}): ${c.stderr.slice(0, 500)}`);
    }
    const maxRss = existsSync(cmd.rss) ? Number(readFileSync(cmd.rss, 'utf8')) : undefined;
    if (report) {
      const problems = report.problems ?? [];
      const byLang = {};
      for (const file of report.files ?? []) byLang[file.language] = (byLang[file.language] ?? 0) + 1;
      clis.push({
        wallMs: c.wallMs,
        reviewMs: report.summary?.durationMs,
        files: report.files?.length,
        byLanguage: byLang,
        findings: report.findings?.length,
        problems: problems.length,
        sqlParserUnavailable: problems.filter((p) => p.code === 'sql-parser-unavailable').length,
        maxRss,
        exit: c.code,
      });
    }
    const u = await run(process.execPath, cmd.args, { env: { ...cmd.env, SCHEMA_REVIEW_CODE_CACHE: 'off' } });
    if (u.code === 0 || u.code === 1) uncached.push(u.wallMs);
    log(`  run ${i + 1}: floor ${fmtMs(floors.at(-1)?.wallMs)}, CLI ${fmtMs(clis.at(-1)?.wallMs)}, CLI without code cache ${fmtMs(u.wallMs)}`);
  }
  const floor = summarize(floors.map((f) => f.wallMs));
  const cli = summarize(clis.map((c) => c.wallMs));
  const cliUncached = summarize(uncached);
  const last = clis.at(-1) ?? {};
  const f0 = floors.at(-1) ?? {};
  const floorTs = summarize(floors.map((f) => f.loadMs + f.listMs + f.readMs + f.tsParseMs));
  return {
    floor,
    floorParts: { loadMs: round(median(floors.map((f) => f.loadMs))), listMs: round(median(floors.map((f) => f.listMs))), readMs: round(median(floors.map((f) => f.readMs))), tsParseMs: round(median(floors.map((f) => f.tsParseMs))), sqlParseMs: round(median(floors.map((f) => f.sqlParseMs))), maxRssMB: round(median(floors.map((f) => f.maxRssBytes / 1048576)), 0) },
    floorFiles: { files: f0.files, tsFiles: f0.tsFiles, sqlFiles: f0.sqlFiles, chars: f0.chars },
    floorReadTsOnly: floorTs,
    cli,
    cliReviewMs: summarize(clis.map((c) => c.reviewMs)),
    cliMaxRssMB: round(median(clis.map((c) => c.maxRss / 1048576)), 0),
    cliReport: { files: last.files, byLanguage: last.byLanguage, findings: last.findings, problems: last.problems, sqlParserUnavailable: last.sqlParserUnavailable, exit: last.exit },
    ratio: round(cli.median / floor.median, 3),
    cliUncached,
    ratioUncached: round(cliUncached.median / floor.median, 3),
    ratioToReadTsFloor: round(cli.median / (floorTs.median + median(floors.map((f) => f.sqlParseMs))), 3),
  };
}

async function langBench(dir, reps, log) {
  const tsx = process.env.LANG_BENCH_SOURCES === '1' ? ['--import', 'tsx'] : [];
  const r = await run(process.execPath, [...tsx, join(BENCH_DIR, 'lang-bench.mjs'), dir, String(reps)], { timeoutMs: 900000 });
  try {
    return JSON.parse(r.stdout.trim().split('\n').pop());
  } catch {
    log(`  lang bench failed (exit ${r.code}): ${r.stderr.slice(0, 800)}`);
    return { error: r.stderr.slice(0, 2000) };
  }
}

function firstService(dir) {
  try {
    const base = join(dir, 'server', 'services');
    const area = readdirSync(base).sort()[0];
    const file = readdirSync(join(base, area)).sort()[0];
    return join(base, area, file);
  } catch {
    return undefined;
  }
}

/** The server: audit over LSP, RSS, second audit after one change, repeated audits. */
/** How long after an audit's answer the server's RSS is read: the server is at rest by then. */
const AUDIT_SETTLE_MS = 1000;

async function serverAudit(dir, repeats, budgetMs, log) {
  const { command, args, env } = ourServerCommand();
  // The server's code cache as in the LSP bench (written there, or by this process after its first review).
  const client = new LspClient({ command, args, env: { ...env, SCHEMA_REVIEW_CODE_CACHE: process.env.BENCH_SERVER_CODE_CACHE ?? join(OUT_DIR, 'code-cache') }, settings: { schemaReview: { prisma: { validation: 'auto' } } } });
  const out = { audits: [] };
  let restore = () => undefined;
  try {
    await client.initialize(dir, { prismaExtensionInstalled: false });
    await sleep(200);
    const base = procMemory(client.pid);
    out.rssAfterStartMB = round(base?.rss / 1048576, 0);
    const audit = async (label) => {
      const t = performance.now();
      const res = await client.request('schemaReview/audit', {});
      const ms = performance.now() - t;
      // The memory of the server at rest after the audit: it gives the audit's garbage back once it has answered
      // (server/src/memory.ts collectAuditGarbage). The peak (VmHWM) is what it was whenever it was.
      await sleep(AUDIT_SETTLE_MS);
      const mem = procMemory(client.pid);
      const a = { label, ms: round(ms), serverMs: res?.durationMs, findings: res?.findings, files: res?.files, cancelled: res?.cancelled, rssMB: round(mem?.rss / 1048576, 0), hwmMB: round(mem?.hwm / 1048576, 0) };
      out.audits.push(a);
      return a;
    };
    const first = await audit('first');
    log(`  first audit ${fmtMs(first.ms)} (${first.files} files, ${first.findings} findings), RSS ${first.rssMB} MB, peak ${first.hwmMB} MB`);
    // Change one code file on disk (a service that calls Prisma: one line appended), tell the server, audit again.
    const changed = firstService(dir) ?? join(dir, 'src', 'lib', 'prisma.ts');
    const original = readFileSync(changed, 'utf8');
    restore = () => writeFileSync(changed, original);
    appendFileSync(changed, `// touched by the bench ${Date.now()}\n`);
    out.changedFile = changed.slice(dir.length + 1);
    client.conn.sendNotification('workspace/didChangeWatchedFiles', { changes: [{ uri: `file://${changed}`, type: 2 }] });
    await sleep(50);
    const second = await audit('after one change');
    log(`  second audit after one file changed ${fmtMs(second.ms)} (${fmtRatio(second.ms / first.ms)} of the first)`);
    out.first = first;
    out.second = second;
    out.secondRatio = round(second.ms / first.ms, 3);
    const started = performance.now();
    const reps = [];
    for (let i = 0; i < repeats; i++) {
      if (performance.now() - started > budgetMs) {
        log(`  stopped repeated audits after ${i} (time budget ${fmtMs(budgetMs)})`);
        break;
      }
      reps.push(await audit(`repeat ${i + 1}`));
    }
    out.repeats = reps.length;
    if (reps.length >= 4) {
      // RSS saws up and down with the GC: compare the lowest RSS of the first half with that of the second half.
      const h = Math.floor(reps.length / 2);
      const early = Math.min(...reps.slice(0, h).map((a) => a.rssMB));
      const late = Math.min(...reps.slice(h).map((a) => a.rssMB));
      out.memory = { earlyRssMB: early, lateRssMB: late, growthMB: round(late - early, 0), growthRatio: round(late / early, 3), series: reps.map((a) => a.rssMB), peakMB: Math.max(...out.audits.map((a) => a.hwmMB ?? 0)), repeatMs: summarize(reps.map((a) => a.ms)) };
      log(`  ${reps.length} repeated audits: lowest RSS ${early} → ${late} MB (first half → second half), peak ${out.memory.peakMB} MB, each ${fmtSpread(out.memory.repeatMs)}`);
    }
    out.peakMB = Math.max(...out.audits.map((a) => a.hwmMB ?? 0));
  } catch (error) {
    out.error = `${error.message}${client.stderr ? ` — stderr: ${client.stderr.slice(0, 500)}` : ''}`;
    log(`  server audit failed: ${out.error}`);
  } finally {
    restore();
    await client.shutdown(10000);
  }
  return out;
}

/**
 * @param {{ preset?: 'full'|'quick', dir?: string, parts?: string[], runs?: number, reps?: number, repeats?: number, budgetMs?: number, log?: (s: string) => void }} options
 */
export async function runAuditBench(options = {}) {
  const log = options.log ?? console.log;
  const parts = options.parts ?? ['cli', 'lang', 'server'];
  const ws = generateWorkspace({ preset: options.preset ?? 'full', dir: options.dir, log });
  log(`\n[audit] workspace ${ws.dir}${ws.reused ? ' (reused)' : ''}: ${ws.files} files, ${ws.codeFiles} code files (${(ws.codeBytes / 1048576).toFixed(1)} MB), ${ws.migrations} migrations, ${ws.dumpLines}-line dump, ${ws.drizzleLines}-line Drizzle schema, ${ws.prismaLines}-line Prisma schema`);
  const build = await prepareBundles({ log });
  const results = { workspace: ws, build };
  if (parts.includes('cli')) {
    log('[audit] CLI audit vs floor (list + read + ts.createSourceFile + libpg-query), alternating fresh processes');
    results.cli = await cliVsFloor(ws.dir, options.runs ?? 3, log);
    const c = results.cli;
    log(`  floor ${fmtSpread(c.floor)}  CLI ${fmtSpread(c.cli)}  ratio ${fmtRatio(c.ratio)}  (CLI peak RSS ${c.cliMaxRssMB} MB); without its code cache ${fmtSpread(c.cliUncached)}, ${fmtRatio(c.ratioUncached)}`);
    if (c.cliReport.sqlParserUnavailable) log(`  WARNING: the CLI skipped ${c.cliReport.sqlParserUnavailable} SQL files ("libpg-query is still loading"): its time leaves out the SQL review`);
  }
  if (parts.includes('lang')) {
    log('[audit] per language, in one process from the sources: review (discover + analyze + rules) vs bare parse');
    results.lang = await langBench(ws.dir, options.reps ?? 5, log);
    for (const [name, l] of Object.entries(results.lang.languages ?? {})) {
      log(`  ${name.padEnd(8)} review ${fmtMs(l.reviewMs)} (discover ${fmtMs(l.discoverMs)}, analyze ${fmtMs(l.analyzeMs)}, rules ${fmtMs(l.rulesMs)}) vs bare ${fmtMs(l.bareMs)} over ${l.bareFiles} files: ${fmtRatio(l.ratio)} (without rules ${fmtRatio(l.modelRatio)})${l.ratioToUnitFiles ? `; vs the ${l.files} analyzed files only ${fmtRatio(l.ratioToUnitFiles)}` : ''}`);
    }
    for (const e of results.lang.errors ?? []) log(`  error: ${e.slice(0, 300)}`);
  }
  if (parts.includes('server')) {
    log('[audit] server: schemaReview/audit over LSP');
    results.server = await serverAudit(ws.dir, options.repeats ?? 20, options.budgetMs ?? 240000, log);
  }
  results.targets = auditTargets(results);
  return results;
}

export function auditTargets(r) {
  const t = [];
  const add = (id, text, value, limit, unit = '×') => value !== undefined && value !== null && Number.isFinite(value) && t.push({ id, text, value, limit, unit, met: value <= limit });
  add('audit-floor', 'CLI audit ≤ 1.5× floor (list + read + TS parse + SQL parse)', r.cli?.ratio, 1.5);
  // A CLI that skipped the SQL review (libpg-query not loaded yet) is not comparable with a floor that parsed it.
  const skipped = r.cli?.cliReport?.sqlParserUnavailable;
  if (skipped && t.at(-1)?.id === 'audit-floor') Object.assign(t.at(-1), { met: false, caveat: `not comparable: the CLI skipped ${skipped} SQL files (libpg-query still loading)` });
  add('sql', 'SQL review ≤ 1.4× bare libpg-query parse', r.lang?.languages?.sql?.ratio, 1.4);
  add('drizzle', 'Drizzle review ≤ 1.4× bare ts.createSourceFile', r.lang?.languages?.drizzle?.ratio, 1.4);
  add('code', 'code review ≤ 1.5× bare ts.createSourceFile of every code file', r.lang?.languages?.code?.ratio, 1.5);
  add('server-rss', 'server RSS after an audit (at rest, 1 s after its answer) ≤ 300 MB', r.server?.first?.rssMB, 300, 'MB');
  add('server-peak', 'server peak RSS (VmHWM) ≤ 300 MB', r.server?.peakMB, 300, 'MB');
  add('second-audit', 'second audit after one change ≤ 10% of the first', r.server?.secondRatio, 0.1);
  add('memory-flat', 'memory flat over repeated audits (lowest RSS of the second half ≤ 1.05× that of the first half)', r.server?.memory?.growthRatio, 1.05);
  return t;
}

export function auditMarkdown(r) {
  const L = [];
  const ws = r.workspace;
  L.push('### Audit of a generated workspace', '');
  L.push(`${ws.files} files: ${ws.codeFiles} code files (${(ws.codeBytes / 1048576).toFixed(1)} MB, ${ws.dbCodeFiles} calling Prisma), a ${ws.prismaLines}-line Prisma schema (${ws.prismaModels} models), ${ws.migrations} Prisma migrations, a ${ws.dumpLines}-line structure.sql, a ${ws.drizzleLines}-line Drizzle schema (${ws.drizzleTables} tables).`, '');
  if (r.build?.fallback) L.push(`**Note:** server and CLI ran from bench/.out/dist/ (the current sources bundled by the bench, wasm packages external) because ${r.build.reason}.`, '');
  if (r.cli) {
    const c = r.cli;
    L.push('| | median (p25–p75) | notes |', '|---|---|---|');
    L.push(`| floor: list + read + \`ts.createSourceFile\` + libpg-query (own process) | ${fmtSpread(c.floor)} | load ${fmtMs(c.floorParts.loadMs)}, list ${fmtMs(c.floorParts.listMs)}, read ${fmtMs(c.floorParts.readMs)}, TS parse ${fmtMs(c.floorParts.tsParseMs)}, SQL parse ${fmtMs(c.floorParts.sqlParseMs)}; ${c.floorFiles.files} files; peak RSS ${c.floorParts.maxRssMB} MB |`);
    L.push(`| CLI \`audit --format json\` (own process) | ${fmtSpread(c.cli)} | review ${fmtMs(c.cliReviewMs.median)} inside; ${c.cliReport.files} files reviewed ${JSON.stringify(c.cliReport.byLanguage)}, ${c.cliReport.findings} findings, ${c.cliReport.problems} problems; peak RSS ${c.cliMaxRssMB} MB |`);
    L.push(`| **ratio CLI / floor** | **${fmtRatio(c.ratio)}** | target ≤ 1.5× |`);
    L.push(`| CLI without its code cache (a first run) | ${fmtSpread(c.cliUncached)} | ${fmtRatio(c.ratioUncached)} |`, '');
    if (c.cliReport.sqlParserUnavailable) L.push(`**Warning:** the CLI reported ${c.cliReport.sqlParserUnavailable} SQL files as "libpg-query is still loading": the CLI does not wait for the SQL parser, so its time leaves out the SQL review.`, '');
  }
  if (r.lang?.languages) {
    L.push('Per language, one process, texts in memory, medians; a young-generation collection before each timed run, so each side pays for its own garbage:', '');
    L.push('| language | reps | units / files | review | discover | analyze | rules (+ fix texts) | bare parse | ratio | without rules | target |', '|---|---|---|---|---|---|---|---|---|---|---|');
    const target = { sql: '≤ 1.4×', drizzle: '≤ 1.4×', code: '≤ 1.5×' };
    for (const [name, l] of Object.entries(r.lang.languages)) {
      L.push(`| ${name} | ${l.reps ?? r.lang.reps} | ${l.units} / ${l.files} | ${fmtMs(l.reviewMs)} | ${fmtMs(l.discoverMs)} | ${fmtMs(l.analyzeMs)} | ${fmtMs(l.rulesMs)} | ${l.bareMs === null ? '—' : `${fmtMs(l.bareMs)} (${l.bareFiles} files)`} | ${fmtRatio(l.ratio)}${l.ratioToUnitFiles ? ` (${fmtRatio(l.ratioToUnitFiles)} vs the ${l.files} analyzed files)` : ''} | ${fmtRatio(l.modelRatio)} | ${target[name] ?? ''} |`);
    }
    L.push('');
    L.push('Every repetition reads fresh, distinct texts (cold: no cache keyed on a text answers), fix texts included.');
    for (const [name, l] of Object.entries(r.lang.languages)) {
      if (l.scoped) L.push(`- ${name}: measured on its own ${l.poolFiles} files (its units' files and the project configs discovery reads); finding them in the whole workspace took ${fmtMs(l.workspaceDiscoverMs)} (cold, once). ${l.findings} findings, ${l.fixes} fixes.`);
    }
    L.push('');
    for (const e of r.lang.errors ?? []) L.push(`- error: ${e.split('\n')[0]}`);
  }
  if (r.server) {
    const s = r.server;
    if (s.error) L.push(`Server: **failed**: ${s.error}`, '');
    if (s.first) {
      L.push('| server (`schemaReview/audit` over LSP) | time | RSS after | peak (VmHWM) |', '|---|---|---|---|');
      L.push(`| first audit | ${fmtMs(s.first.ms)} | ${s.first.rssMB} MB | ${s.first.hwmMB} MB |`);
      L.push(`| after one file changed (${s.changedFile}) | ${fmtMs(s.second.ms)} (${fmtRatio(s.secondRatio)} of the first) | ${s.second.rssMB} MB | ${s.second.hwmMB} MB |`);
      if (s.memory) L.push(`| ${s.repeats} repeated audits | ${fmtSpread(s.memory.repeatMs)} each | lowest ${s.memory.earlyRssMB} → ${s.memory.lateRssMB} MB (first → second half; series ${s.memory.series.join(', ')}) | ${s.memory.peakMB} MB |`);
      L.push('');
    }
  }
  return L.join('\n');
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const opt = (name) => optionOf(args, name);
  const quick = args.includes('--quick');
  const r = await runAuditBench({
    preset: quick ? 'quick' : 'full',
    dir: opt('--dir'),
    parts: opt('--parts')?.split(','),
    runs: Number(opt('--runs') ?? (quick ? 2 : 3)),
    reps: Number(opt('--reps') ?? (quick ? 2 : 5)),
    repeats: Number(opt('--repeats') ?? (quick ? 5 : 20)),
  });
  console.log(`\n${auditMarkdown(r)}`);
  for (const t of r.targets) console.log(`${t.met ? 'MET ' : 'MISS'} ${t.text}${t.caveat ? ` (${t.caveat})` : ''}: ${t.unit === 'MB' ? `${t.value} MB` : fmtRatio(t.value)}`);
}
