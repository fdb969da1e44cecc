// LSP benchmark: our server against @prisma/language-server over stdio, on generated Prisma schemas.
//
//   node bench/lsp-bench.mjs [--quick] [--sizes small,calcom] [--servers prisma,ours-off,…] [--runs N] [--edits N]
//
// For each server × schema size, N fresh server processes: open → first diagnostics (publishDiagnostics for the
// document) and one-character edits → next diagnostics (median of the edits of a process). Figures are medians
// over processes with their spread (p25–p75). Prints a table; `runLspBench` returns the results for run.mjs.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { applyEdit, generatePrismaSchema, SIZES } from './generate-prisma.mjs';
import { prepareBundles, fileUri, fmtMs, fmtRatio, fmtSpread, LspClient, median, OUT_DIR, ourServerCommand, prismaServerCommand, procMemory, optionOf, round, sleep, summarize } from './lib.mjs';

/**
 * The debounce our server ships with (server/src/session.ts): none, it starts a review as soon as it is idle and
 * coalesces changes while one runs.
 */
export const SHIPPED_DEBOUNCE_MS = 0;

/**
 * Processes and edits per size in a full run (flags override them). The big schemas take seconds per review, so
 * they get fewer processes; at 5,000 models the shipped rows are left out (the same as debounce 0 since reviews start when idle)
 * unless --servers names them.
 */
export const SIZE_PLAN = {
  small: { runs: 5, edits: 10 },
  calcom: { runs: 5, edits: 10 },
  '1k-models': { runs: 3, edits: 6 },
  '5k-models': { runs: 2, edits: 4, servers: ['prisma', 'ours-off-d0', 'ours-on-d0'] },
};

/** Sizes where the bench also runs our server without its code cache, to show what the cache does. */
const NO_CACHE_SIZES = ['small', 'calcom'];

export const SERVERS = {
  prisma: { label: "Prisma's server", kind: 'prisma' },
  'ours-off': { label: 'ours, validation off', kind: 'ours', validation: 'off' },
  'ours-on': { label: 'ours, validation on', kind: 'ours', validation: 'on' },
  'ours-off-d0': { label: 'ours, off, debounce 0', kind: 'ours', validation: 'off', debounce: 0 },
  'ours-on-d0': { label: 'ours, on, debounce 0', kind: 'ours', validation: 'on', debounce: 0 },
  'ours-off-nocache': { label: 'ours, off, no code cache', kind: 'ours', validation: 'off', codeCache: false },
  // Reviews nothing: publishes the list our server published for the schema (bench/floor-server.cjs). Runs after
  // `ours-off` in each round, which writes that list.
  floor: { label: 'no review, same diagnostics (floor)', kind: 'floor' },
};

/** Where `ours-off` leaves the diagnostics of its first publish for the floor server (next to the schema). */
const FLOOR_FILE = 'ours-diagnostics.json';

/**
 * Our server's V8 code cache (server/src/boot/codeCache.ts) lives here during the bench: emptied at the start, then
 * written by the unmeasured warm-up process, as a user's first session writes it. Measured processes then start as
 * they do for a user who has run the extension before; the "no code cache" rows start as on the very first run.
 */
const CODE_CACHE_DIR = join(OUT_DIR, 'code-cache');

/** `--cpu-prof` for our server's processes (set by runLspBench's `profile` option): profiles go to bench/.out/prof/. */
let profileOurs = false;

function serverOptions(name) {
  const s = SERVERS[name];
  if (s.kind === 'prisma') return { ...prismaServerCommand(), settings: { prisma: {} }, init: undefined };
  if (s.kind === 'floor') return { command: process.execPath, args: [fileURLToPath(new URL('floor-server.cjs', import.meta.url)), '--stdio'], settings: {}, init: undefined };
  const cmd = ourServerCommand();
  if (profileOurs) cmd.args = ['--cpu-prof', `--cpu-prof-dir=${join(OUT_DIR, 'prof')}`, `--cpu-prof-name=${name}-${Date.now()}.cpuprofile`, ...cmd.args];
  return {
    ...cmd,
    env: {
      ...cmd.env,
      ...(s.debounce !== undefined ? { SCHEMA_REVIEW_DEBOUNCE_MS: String(s.debounce) } : {}),
      SCHEMA_REVIEW_CODE_CACHE: s.codeCache === false ? 'off' : CODE_CACHE_DIR,
    },
    settings: { schemaReview: { prisma: { validation: s.validation } } },
    init: { prismaExtensionInstalled: false },
  };
}

/** Edit points spread over the file, alternating comment and field-name edits; each is typed then deleted. */
function pickEditPoints(points, edits) {
  const comments = points.filter((p) => p.kind === 'comment');
  const fields = points.filter((p) => p.kind === 'field');
  const pairs = Math.max(1, Math.ceil(edits / 2));
  const chosen = [];
  for (let i = 0; i < pairs; i++) {
    const list = i % 2 === 0 && comments.length ? comments : fields.length ? fields : comments;
    chosen.push(list[Math.floor(((i + 0.5) / pairs) * list.length)]);
  }
  return chosen;
}

/**
 * One fresh server process: initialize, open, edits. Returns the timings of that process. `lingerMs`: how long
 * it stays up after its edits (the warm-up stays long enough for our server to write its code cache).
 */
async function runProcess(name, schema, file, editsWanted, lingerMs = 0) {
  let edits = editsWanted;
  const opts = serverOptions(name);
  const uri = fileUri(file);
  const t0 = performance.now();
  const client = new LspClient({ command: opts.command, args: opts.args, env: opts.env, settings: opts.settings });
  try {
    await client.initialize(resolve(file, '..'), opts.init);
    const initMs = performance.now() - t0;
    // Our server: a publish for the file, or (if it had nothing to say about it) the status going back to
    // `ready` after a review. Prisma's: a publish for the file.
    let floorListWritten = false;
    const firstResult = () => {
      const diag = client.nextDiagnostics(uri, { timeoutMs: 180000 });
      if (SERVERS[name].kind !== 'ours') return diag.then((d) => ({ at: d.at, via: 'publish', count: d.params.diagnostics.length }));
      if (name === 'ours-off' && !floorListWritten) diag.then((d) => {
          floorListWritten = true;
          writeFileSync(join(dirname(file), FLOOR_FILE), JSON.stringify(d.params.diagnostics));
        }, () => undefined);
      let off;
      const reviewed = new Promise((res) => {
        let busy = false;
        off = client.onStatus((s, at) => {
          if (s.state === 'busy') busy = true;
          else if (busy && s.state === 'ready') res({ at: at, via: 'status', count: 0 });
        });
      });
      return Promise.race([diag.then((d) => ({ at: d.at, via: 'publish', count: d.params.diagnostics.length })), reviewed]).finally(() => off());
    };
    let text = schema.text;
    let version = 1;
    const waitOpen = firstResult();
    // Ours with validation on: the first findings go out before Prisma's first validation, whose end the server logs.
    const validation = SERVERS[name].kind === 'ours' && SERVERS[name].validation === 'on' ? client.nextLog(/^validation of the first review/, 10000) : undefined;
    const tOpen = performance.now();
    client.open(uri, 'prisma', text, version);
    const opened = await waitOpen;
    const openMs = opened.at - tOpen;
    // The edits start once that validation is done (they would otherwise queue behind it).
    const validated = validation ? await validation : undefined;
    const validatedMs = validated ? Math.max(openMs, validated.at - tOpen) : undefined;
    await sleep(300);
    const editMs = [];
    const editKinds = [];
    // A slow server on a big schema gets fewer edits (at least 4) so the whole run stays within its budget.
    if (openMs > 3000) edits = Math.min(edits, 4);
    const points = pickEditPoints(schema.editPoints, edits);
    for (let k = 0; k < edits; k++) {
      const p = points[Math.floor(k / 2) % points.length];
      const insert = k % 2 === 0;
      const change = insert
        ? { range: { start: p, end: p }, text: 'x' }
        : { range: { start: p, end: { line: p.line, character: p.character + 1 } }, text: '' };
      text = applyEdit(text, p, insert);
      const wait = firstResult();
      const t = performance.now();
      client.change(uri, ++version, [change]);
      const r = await wait;
      editMs.push(r.at - t);
      editKinds.push(p.kind);
      await sleep(40);
    }
    const mem = procMemory(client.pid);
    if (lingerMs) await sleep(lingerMs);
    return { initMs, openMs, validatedMs, openVia: opened.via, openCount: opened.count, editMs, editKinds, hwm: mem?.hwm, rss: mem?.rss };
  } catch (error) {
    return { error: `${error.message}${client.stderr ? ` — stderr: ${client.stderr.slice(0, 500)}` : ''}` };
  } finally {
    await client.shutdown();
  }
}

/**
 * @param {{ sizes?: string[], servers?: string[], runs?: number, edits?: number, log?: (s: string) => void }} options
 */
export async function runLspBench(options = {}) {
  const log = options.log ?? console.log;
  const sizes = options.sizes ?? Object.keys(SIZES);
  const allServers = options.servers ?? Object.keys(SERVERS);
  const servers = allServers;
  const runs = options.runs ?? 5;
  const edits = options.edits ?? 10;
  // Per server and size: stop starting new processes after this long (at least `minRuns` processes).
  const budgetMs = options.budgetMs ?? 60000;
  const minRunsWanted = options.minRuns ?? 2;
  profileOurs = options.profile === true;
  const results = { sizes: {}, servers: Object.fromEntries(servers.map((s) => [s, SERVERS[s].label])), runs, edits, shippedDebounceMs: SHIPPED_DEBOUNCE_MS };
  if (servers.some((s) => SERVERS[s]?.kind === 'ours')) results.build = await prepareBundles({ log, profile: options.profile === true });
  // Warm-up: one unmeasured process per server (file cache, wasm compile paths).
  const warm = generatePrismaSchema('small');
  const warmFile = join(OUT_DIR, 'lsp', 'warmup', 'schema.prisma');
  mkdirSync(join(OUT_DIR, 'lsp', 'warmup'), { recursive: true });
  writeFileSync(warmFile, warm.text);
  rmSync(CODE_CACHE_DIR, { recursive: true, force: true });
  // Our server writes its code cache 3 s after its first review (session.ts CODE_CACHE_DELAY_MS).
  const writer = servers.find((s) => SERVERS[s].kind === 'ours' && SERVERS[s].codeCache !== false);
  for (const s of servers) await runProcess(s, warm, warmFile, 2, s === writer ? 3500 : 0);

  for (const size of sizes) {
    const plan = SIZE_PLAN[size] ?? {};
    const runs = options.runs ?? plan.runs ?? 5;
    const edits = options.edits ?? plan.edits ?? 10;
    const servers = (options.servers ?? plan.servers ?? allServers).filter((s) => s !== 'ours-off-nocache' || options.servers || NO_CACHE_SIZES.includes(size));
    const schema = generatePrismaSchema(size);
    const dir = join(OUT_DIR, 'lsp', size);
    mkdirSync(dir, { recursive: true });
    const file = join(dir, 'schema.prisma');
    writeFileSync(file, schema.text);
    log(`\n[lsp] ${size}: ${schema.models} models, ${schema.lines} lines — ${runs} processes × ${edits} edits per server`);
    const perServer = Object.fromEntries(servers.map((s) => [s, []]));
    const spent = Object.fromEntries(servers.map((s) => [s, 0]));
    // Interleave servers so that machine noise spreads over all of them.
    for (let r = 0; r < runs; r++) {
      for (const s of servers) {
        if (r >= Math.min(runs, minRunsWanted) && spent[s] > budgetMs) continue;
        const t = performance.now();
        const res = await runProcess(s, schema, file, edits);
        spent[s] += performance.now() - t;
        perServer[s].push(res);
        if (res.error) log(`  ${s} run ${r + 1}: ERROR ${res.error}`);
      }
    }
    const entry = { models: schema.models, lines: schema.lines, bytes: schema.bytes, runs, edits, servers: {} };
    for (const s of servers) {
      const ok = perServer[s].filter((x) => !x.error);
      entry.servers[s] = {
        open: summarize(ok.map((x) => x.openMs)),
        // Ours with validation on: open → Prisma's validation of the first review done (its errors, if any, published).
        validated: ok.some((x) => x.validatedMs !== undefined) ? summarize(ok.filter((x) => x.validatedMs !== undefined).map((x) => x.validatedMs)) : null,
        edit: summarize(ok.map((x) => median(x.editMs))),
        editAll: summarize(ok.flatMap((x) => x.editMs)),
        // The same, for the edits in a comment and those of a field name apart (each process's median of each kind).
        editByKind: Object.fromEntries(
          ['comment', 'field'].map((kind) => {
            const perProcess = ok.map((x) => x.editMs.filter((_, i) => x.editKinds[i] === kind)).filter((l) => l.length > 0);
            return [kind, perProcess.length ? summarize(perProcess.map((l) => median(l))) : null];
          }),
        ),
        init: summarize(ok.map((x) => x.initMs)),
        hwmMB: round(median(ok.map((x) => x.hwm / 1048576)), 0),
        processes: ok.length,
        editsPerProcess: median(ok.map((x) => x.editMs.length)),
        openVia: [...new Set(ok.map((x) => x.openVia))].join(','),
        diagnosticsOnOpen: median(ok.map((x) => x.openCount)),
        errors: perServer[s].filter((x) => x.error).map((x) => x.error),
      };
      const e = entry.servers[s];
      log(`  ${SERVERS[s].label.padEnd(24)} start ${fmtMs(e.init.median).padEnd(9)} open ${fmtSpread(e.open).padEnd(28)} edit ${fmtSpread(e.edit).padEnd(28)} (${e.diagnosticsOnOpen ?? '?'} diagnostics, HWM ${e.hwmMB} MB)`);
    }
    entry.ratios = ratiosFor(entry.servers);
    results.sizes[size] = entry;
  }
  results.targets = lspTargets(results);
  return results;
}

function ratiosFor(s) {
  const r = {};
  const p = s.prisma;
  if (!p) return r;
  for (const [name, v] of Object.entries(s)) {
    if (name === 'prisma') continue;
    r[name] = { open: round(v.open.median / p.open.median, 3), edit: round(v.edit.median / p.edit.median, 3) };
  }
  return r;
}

/** The targets of issue 2 item 9, per size. */
function lspTargets(results) {
  const out = [];
  for (const [size, e] of Object.entries(results.sizes)) {
    const r = e.ratios;
    const check = (id, text, ratio, limit, caveat) => ratio !== undefined && out.push({ id, size, text, value: ratio, limit, met: ratio !== null && ratio <= limit, ...(caveat ? { caveat } : {}) });
    // What a server that reviews nothing pays to deliver the same list (bench/floor-server.cjs), as a ratio too.
    const floor = r.floor?.edit !== undefined ? `a server that reviews nothing and publishes the same list: ${fmtRatio(r.floor.edit)}` : undefined;
    check('edit-off', 'ours (validation off, debounce as shipped) edit→diagnostics ≤ 1/5 of Prisma', r['ours-off']?.edit, 0.2, floor);
    check('edit-off-d0', 'ours (validation off, debounce 0: engine only) edit→diagnostics ≤ 1/5 of Prisma', r['ours-off-d0']?.edit, 0.2, floor);
    check('edit-on', 'ours (validation on, debounce as shipped) edit→diagnostics ≤ Prisma', r['ours-on']?.edit, 1);
    check('edit-on-d0', 'ours (validation on, debounce 0: engine only) edit→diagnostics ≤ Prisma', r['ours-on-d0']?.edit, 1);
    // At 5,000 models only the debounce 0 rows run (the shipped debounce is 0 too): their opens are the sizes' opens.
    check('open-on', 'ours (validation on) open→first diagnostics ≤ 1/2 of Prisma', r['ours-on']?.open ?? r['ours-on-d0']?.open, 0.5);
    check('open-off', 'ours (validation off) open→first diagnostics ≤ 1/2 of Prisma', r['ours-off']?.open ?? r['ours-off-d0']?.open, 0.5);
  }
  return out;
}

export function lspMarkdown(results) {
  const lines = [];
  lines.push(`### LSP: open → first diagnostics and edit → diagnostics`, '');
  lines.push(`Fresh server processes per server and size (small, calcom: ${SIZE_PLAN.small.runs} × ${SIZE_PLAN.small.edits} edits; fewer on the big schemas, shown as processes×edits), one-character edits (a comment or a field name, typed then deleted). Median over processes (p25–p75). Our server starts a review as soon as it is idle (shipped debounce: ${results.shippedDebounceMs} ms); the “debounce 0” rows set \`SCHEMA_REVIEW_DEBOUNCE_MS=0\` explicitly. Our server loads its code through a V8 code cache, written by an unmeasured warm-up process as a user's first session writes it; the “no code cache” rows run without it, as on the very first start. “Start → initialized”: from spawning the process to the answer to \`initialize\`.`, '');
  lines.push(`| size | server | start → initialized | open → diagnostics | edit → diagnostics | open ratio | edit ratio | HWM |`, `|---|---|---|---|---|---|---|---|`);
  for (const [size, e] of Object.entries(results.sizes)) {
    for (const s of Object.keys(e.servers)) {
      const v = e.servers[s];
      const r = e.ratios[s];
      lines.push(`| ${size} (${e.models} models, ${e.lines} lines) | ${results.servers[s]}${` (${v.processes}×${v.editsPerProcess})`} | ${fmtMs(v.init.median)} | ${fmtSpread(v.open)} | ${fmtSpread(v.edit)} | ${r ? fmtRatio(r.open) : '1'} | ${r ? fmtRatio(r.edit) : '1'} | ${v.hwmMB ?? '—'} MB |`);
    }
  }
  const floors = Object.entries(results.sizes).filter(([, e]) => e.servers.floor && e.servers.prisma);
  if (floors.length) {
    lines.push(
      '',
      `“No review, same diagnostics (floor)”: a server on vscode-languageserver that reviews nothing and, on each open and edit, publishes at once the list our server published for that schema (\`bench/floor-server.cjs\`). Its times are what delivering that list costs on this transport and client: ${floors.map(([size, e]) => `${size} ${fmtMs(e.servers.floor.edit.median)} per edit (${fmtRatio(e.ratios.floor.edit)} of Prisma's, ${e.servers.floor.diagnosticsOnOpen} diagnostics)`).join('; ')}. Our server's own work is the difference to its rows.`,
    );
  }
  const validated = Object.entries(results.sizes).flatMap(([size, e]) =>
    Object.keys(e.servers)
      .filter((s) => e.servers[s].validated)
      .map((s) => `${size}, ${results.servers[s]}: ${fmtSpread(e.servers[s].validated)}${e.servers.prisma ? ` (${fmtRatio(e.servers[s].validated.median / e.servers.prisma.open.median)} of Prisma's open → diagnostics)` : ''}`),
  );
  if (validated.length) {
    lines.push(
      '',
      `With validation on, our first review publishes its findings without waiting for Prisma's validation (whose first run is slow in either server: the wasm starts unoptimized); Prisma's errors, if any, follow in a second publish. Open → that validation done: ${validated.join('; ')}.`,
    );
  }
  // Half the edits are in comments, where our server does not run Prisma's validation again (its answer cannot
  // change): the overall median then lies between the two kinds, so each kind is shown on its own too.
  lines.push('', 'Edit → diagnostics by kind of edit (median over processes of each process’s median for that kind; ratio to Prisma’s server on the same kind). With validation on, our server does not validate again after an edit inside a comment.', '');
  lines.push('| size | server | edit in a comment | ratio | edit of a field name | ratio |', '|---|---|---|---|---|---|');
  for (const [size, e] of Object.entries(results.sizes)) {
    const prisma = e.servers.prisma?.editByKind;
    for (const s of Object.keys(e.servers)) {
      const k = e.servers[s].editByKind;
      if (!k) continue;
      const ratio = (kind) => (prisma?.[kind] && k[kind] && s !== 'prisma' ? fmtRatio(k[kind].median / prisma[kind].median) : s === 'prisma' ? '1' : '—');
      lines.push(`| ${size} | ${results.servers[s]} | ${k.comment ? fmtSpread(k.comment) : '—'} | ${ratio('comment')} | ${k.field ? fmtSpread(k.field) : '—'} | ${ratio('field')} |`);
    }
  }
  return lines.join('\n');
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const opt = (name) => optionOf(args, name);
  const quick = args.includes('--quick');
  const results = await runLspBench({
    sizes: opt('--sizes')?.split(',') ?? (quick ? ['small', 'calcom'] : undefined),
    servers: opt('--servers')?.split(','),
    profile: args.includes('--profile'),
    runs: opt('--runs') ? Number(opt('--runs')) : quick ? 2 : undefined,
    edits: opt('--edits') ? Number(opt('--edits')) : quick ? 4 : undefined,
  });
  console.log(`\n${lspMarkdown(results)}`);
  for (const t of results.targets) console.log(`${t.met ? 'MET ' : 'MISS'} ${t.size}: ${t.text}: ${fmtRatio(t.value)} (limit ${t.limit})`);
}
