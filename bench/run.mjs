// Runs the benchmarks and writes bench/.out/results.json and bench/.out/results.md.
//
//   npm run bench                                     everything (about 15 minutes on 2 cores)
//   npm run bench -- --quick                          a short smoke run (small inputs, fewer processes)
//   npm run bench -- --parts lsp                      only the LSP bench (parts: lsp, cli, lang, server)
//   npm run bench -- --sizes small,calcom --servers prisma,ours-off   LSP subsets
//   npm run bench -- --runs 3 --edits 6 --repeats 10  fewer repetitions
//
// Figures are medians over fresh processes with their spread (p25–p75); machines are shared and noisy, so the
// report also gives the load average before and after. Nothing here asserts a timing.
import { execSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { auditMarkdown, auditTargets, runAuditBench } from './audit-bench.mjs';
import { fmtMs, fmtRatio, optionOf, OUT_DIR, REPO } from './lib.mjs';
import { lspMarkdown, runLspBench } from './lsp-bench.mjs';

const args = process.argv.slice(2);
const opt = (name) => optionOf(args, name);
if (args.includes('--help') || args.includes('-h')) {
  console.log(readHelp());
  process.exit(0);
}
// `--render FILE`: rewrite results.md (and results.json) from a saved results JSON, without running anything.
const renderFrom = opt('--render');
const saved = renderFrom ? JSON.parse(readFileSync(renderFrom, 'utf8')) : undefined;
const quick = saved ? saved.quick : args.includes('--quick');
const parts = opt('--parts')?.split(',') ?? ['lsp', 'cli', 'lang', 'server'];
const num = (name, full, small) => Number(opt(name) ?? (quick ? small : full));

const started = Date.now();
const machine = { cpus: cpus().length, cpu: cpus()[0]?.model, memGB: Math.round(totalmem() / 1073741824), node: process.version, loadBefore: loadavg().map((x) => Math.round(x * 100) / 100) };
let commit;
try {
  commit = execSync('git rev-parse --short HEAD', { cwd: REPO, encoding: 'utf8' }).trim();
} catch {
  commit = undefined;
}
const results = saved ?? { startedAt: new Date(started).toISOString(), quick, parts, machine, commit };
mkdirSync(OUT_DIR, { recursive: true });
if (saved) {
  Object.assign(machine, saved.machine);
  const m = saved.audit?.server?.memory;
  if (m?.series?.length >= 4) {
    const h = Math.floor(m.series.length / 2);
    Object.assign(m, { earlyRssMB: Math.min(...m.series.slice(0, h)), lateRssMB: Math.min(...m.series.slice(h)) });
    Object.assign(m, { growthMB: m.lateRssMB - m.earlyRssMB, growthRatio: Math.round((m.lateRssMB / m.earlyRssMB) * 1000) / 1000 });
  }
  if (saved.audit) saved.audit.targets = auditTargets(saved.audit);
  commit = saved.commit;
  save();
  console.log(`${summaryTable()}\n\nwrote ${join(OUT_DIR, 'results.md')} from ${renderFrom}`);
  process.exit(0);
}

if (parts.includes('lsp')) {
  console.log('== LSP bench ==');
  results.lsp = await runLspBench({
    sizes: opt('--sizes')?.split(',') ?? (quick ? ['small', 'calcom'] : undefined),
    servers: opt('--servers')?.split(','),
    runs: opt('--runs') ? Number(opt('--runs')) : quick ? 2 : undefined,
    edits: opt('--edits') ? Number(opt('--edits')) : quick ? 4 : undefined,
    profile: args.includes('--profile'),
  });
  save();
}
const auditParts = parts.filter((p) => ['cli', 'lang', 'server'].includes(p));
if (auditParts.length) {
  console.log('\n== Audit bench ==');
  results.audit = await runAuditBench({
    preset: quick ? 'quick' : 'full',
    dir: opt('--dir'),
    parts: auditParts,
    runs: num('--cli-runs', 3, 2),
    reps: num('--reps', 5, 2),
    repeats: num('--repeats', 20, 5),
  });
}
results.machine.loadAfter = loadavg().map((x) => Math.round(x * 100) / 100);
results.durationS = Math.round((Date.now() - started) / 1000);
save();
console.log(`\n${summaryTable()}`);
console.log(`\nwrote ${join(OUT_DIR, 'results.json')} and ${join(OUT_DIR, 'results.md')} (${results.durationS} s)`);

function targets() {
  return [...(results.lsp?.targets ?? []).map((t) => ({ ...t, area: `LSP ${t.size}` })), ...(results.audit?.targets ?? []).map((t) => ({ ...t, area: 'audit' }))];
}

function summaryTable() {
  const rows = targets().map((t) => `| ${t.met ? 'met' : '**not met**'} | ${t.area} | ${t.text}${t.caveat ? ` (${t.caveat})` : ''} | ${t.unit === 'MB' ? `${t.value} MB` : fmtRatio(t.value)} | ${t.unit === 'MB' ? `${t.limit} MB` : `${t.limit}×`} |`);
  return ['| | where | target | measured | limit |', '|---|---|---|---|---|', ...rows].join('\n');
}

function save() {
  writeFileSync(join(OUT_DIR, 'results.json'), JSON.stringify(results, null, 2));
  const md = [];
  md.push(`# Schema Review benchmarks${quick ? ' (quick)' : ''}`, '');
  md.push(`${results.startedAt}, commit ${commit ?? '?'} (plus uncommitted work), ${machine.cpus} × ${machine.cpu}, ${machine.memGB} GB, Node ${machine.node}; load average ${machine.loadBefore.join(' ')} before${machine.loadAfter ? `, ${machine.loadAfter.join(' ')} after` : ''}. ${results.durationS ? `Run took ${results.durationS} s.` : ''}`, '');
  if (targets().length) md.push('## Targets', '', summaryTable(), '');
  if (results.lsp) {
    md.push('## Language server', '', lspMarkdown(results.lsp), '');
    const e = Object.entries(results.lsp.sizes);
    const off = e.map(([s, v]) => v.servers['ours-off'] && v.servers['ours-off-d0'] && `${s}: ${fmtMs(v.servers['ours-off'].edit.median - v.servers['ours-off-d0'].edit.median)}`).filter(Boolean);
    if (off.length) md.push(`Debounce share of our edit → diagnostics (validation off, shipped minus debounce 0): ${off.join(', ')} (the shipped debounce is ${results.lsp.shippedDebounceMs} ms).`, '');
    if (results.lsp.build?.fallback) md.push(`**Note:** our server ran from bench/.out/dist/ (the current sources bundled by the bench, wasm packages external) because ${results.lsp.build.reason}.`, '');
  }
  if (results.audit) md.push('## Audit', '', auditMarkdown(results.audit), '');
  writeFileSync(join(OUT_DIR, 'results.md'), md.join('\n'));
}

function readHelp() {
  return `node bench/run.mjs [--quick] [--parts lsp,cli,lang,server] [--sizes small,calcom,1k-models,5k-models]
  [--servers prisma,ours-off,ours-on,ours-off-d0,ours-on-d0] [--runs N] [--edits N] [--cli-runs N] [--reps N] [--repeats N] [--dir DIR] [--profile]
  [--render FILE]  rewrite results.md from a saved results JSON
  --profile: run our server with --cpu-prof from an unminified bundle; profiles in bench/.out/prof/ (summarize with node bench/profile-summary.mjs FILE)`;
}
