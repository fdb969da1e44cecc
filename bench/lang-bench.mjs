// Per-language review time against the bare parse of the same files, in one process, on the code as it ships: the
// front-ends, engine and rules bundled by esbuild with the options of dist/ (LANG_BENCH_SOURCES=1: the TypeScript
// sources through tsx instead, whose keep-names wrappers cost a few percent).
//   node bench/lang-bench.mjs <workspace dir> [reps] [sql,prisma,drizzle,code]
//   LANG_BENCH_SOURCES=1 node --import tsx bench/lang-bench.mjs …
// Texts are read once into memory first, so both sides exclude disk I/O. For each language, each repetition
// runs discover → analyze → the language's rules (with fix texts) on fresh front-end calls, and the bare parse
// (libpg-query `parseSync` for SQL, `ts.createSourceFile` for Drizzle and code) of the same files.
// Prints one JSON object.
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

const require = createRequire(import.meta.url);
const ts = require('typescript');

/**
 * A young-generation collection before each timed run: each side then starts with an empty nursery and pays for
 * the garbage it makes itself. Without it, the review's garbage (trees, models, findings) was collected during the
 * bare parse that followed, which made the review look up to a third cheaper relative to the parse than it is.
 * A minor collection, not a full one: full collections age and flush the bytecode of functions, so the next
 * review would run partly cold.
 */
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc');
const collectGarbage = () => gc({ type: 'minor' });

const dir = process.argv[2];
const reps = Number(process.argv[3] ?? 5);
/**
 * SQL and Drizzle, whose ratios are targets, take well under a second per repetition: they get at least this many,
 * so one garbage collection landing in a timed run moves the median less.
 */
const TARGET_REPS = 15;
/** Optional comma-separated subset: sql,prisma,drizzle,code (for profiling one language with --cpu-prof). */
const only = process.argv[4]?.split(',');
const wanted = (name) => !only || only.includes(name);
const r1 = (x) => Math.round(x * 10) / 10;
const median = (xs) => {
  const v = [...xs].sort((a, b) => a - b);
  const m = v.length >> 1;
  return v.length % 2 ? v[m] : (v[m - 1] + v[m]) / 2;
};

const out = { reps, languages: {}, errors: [] };
const MODULES = {
  files: 'server/src/project/files',
  sql: 'server/src/languages/sql/index',
  drizzle: 'server/src/languages/drizzle/index',
  code: 'server/src/languages/code/index',
  prisma: 'server/src/languages/prisma/index',
  engine: 'server/src/engine',
  rulesMod: 'rules/index',
};
const fromSources = process.env.LANG_BENCH_SOURCES === '1';
out.modules = fromSources ? 'sources (tsx)' : 'bundle (esbuild, as dist/)';
/**
 * The modules, one bundle (bench/.out/lang-bench.cjs) with dist/'s esbuild options. TypeScript, libpg-query and the
 * Prisma wasm stay external: the bare parse then runs the very same TypeScript and Postgres parser code.
 */
async function loadBundle() {
  const esbuild = await import('esbuild');
  const repo = fileURLToPath(new URL('..', import.meta.url));
  const outfile = join(repo, 'bench', '.out', 'lang-bench.cjs');
  await esbuild.build({
    stdin: { contents: Object.entries(MODULES).map(([k, p]) => `export * as ${k} from './${p}';`).join('\n'), resolveDir: repo, loader: 'ts' },
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    logLevel: 'error',
    external: ['typescript', 'libpg-query', '@prisma/prisma-schema-wasm', 'prisma-schema-wasm-5', 'prisma-schema-wasm-6'],
    outfile,
  });
  return require(outfile);
}
const load = async (key) => {
  try {
    return fromSources ? await import(`../${MODULES[key]}.ts`) : (bundled ??= await loadBundle())[key];
  } catch (error) {
    out.errors.push(`${MODULES[key]}: ${error.message.split('\n')[0]}`);
    return undefined;
  }
};
let bundled;

const files = await load('files');
const sql = await load('sql');
const drizzle = await load('drizzle');
const code = await load('code');
const prisma = await load('prisma');
const engine = await load('engine');
const rulesMod = await load('rulesMod');
if (!files || !engine || !rulesMod) {
  process.stdout.write(JSON.stringify(out) + '\n');
  process.exit(0);
}
const allRules = rulesMod.rules ?? rulesMod.default ?? [];
const rulesFor = (lang) => allRules.filter((r) => r.meta.languages.includes(lang));

const list = files.listWorkspaceFiles(dir, {});
const baseTexts = new Map();
const disk = new files.DiskReader();
for (const f of list) baseTexts.set(f, disk.read(f));
const analyzeOptions = { validation: false };
const kindOf = (f) => (f.endsWith('.tsx') ? ts.ScriptKind.TSX : f.endsWith('.jsx') ? ts.ScriptKind.JSX : /\.(c|m)?js$/.test(f) ? ts.ScriptKind.JS : ts.ScriptKind.TS);
const isConfig = (f) => /(package\.json|migration_lock\.toml|tsconfig\.json|_journal\.json|schema-review\.json)$/.test(f) || /\/drizzle\.config\./.test(f);
const candidatesOf = (fe, pool) => pool.filter((f) => fe.extensions.some((e) => f.endsWith(e)) || isConfig(f));

/**
 * Cold texts: repetition `rep` gets every text with `rep + 1` extra trailing newlines, as fresh flat strings.
 * No front-end cache keyed on a file's text (parse trees, line tables, fix documents) can answer for them, so
 * each repetition costs what a fresh process pays, and the bare parse reads the very same strings.
 */
let texts = baseTexts;
function coldTexts(pool, rep) {
  const m = new Map();
  const tail = '\n'.repeat(rep + 1);
  for (const f of pool) {
    const t = baseTexts.get(f);
    if (t !== undefined) m.set(f, isConfig(f) ? t : Buffer.from(t + tail, 'utf8').toString('utf8'));
  }
  return m;
}
const reader = { read: (p) => (texts.has(p) ? texts.get(p) : disk.read(p)) };

function review(fe, lang, pool, dbs = []) {
  const t0 = performance.now();
  const units = fe.discover(candidatesOf(fe, pool), reader);
  const t1 = performance.now();
  const analyses = units.map((u) => fe.analyze(u, reader, { ...analyzeOptions, databases: dbs }));
  const t2 = performance.now();
  const databases = analyses.flatMap((a) => a.databases);
  const codeFiles = analyses.flatMap((a) => a.codeFiles);
  const result = engine.runRules(
    { databases: lang === 'code' ? dbs : databases, codeFiles, suppressions: analyses.flatMap((a) => a.suppressions) },
    { rules: rulesFor(lang), severities: {}, writeFix: (intent) => fe.writeFix(intent, reader), onError: (m) => out.errors.push(m) },
  );
  const t3 = performance.now();
  return {
    units,
    databases,
    discoverMs: t1 - t0,
    analyzeMs: t2 - t1,
    rulesMs: t3 - t2,
    totalMs: t3 - t0,
    findings: result.findings.length,
    fixes: result.findings.reduce((n, f) => n + (f.fixes?.length ?? 0), 0),
    diagnostics: analyses.reduce((n, a) => n + a.diagnostics.length, 0),
    unitFiles: units.reduce((n, u) => n + u.files.length, 0),
  };
}

/**
 * `scoped`: the language's own files (its units' files and the project configs discovery reads), as the
 * issue's bench names them (a migrations folder, a Drizzle schema); the discovery over the whole
 * workspace is measured once, cold, and reported apart (`workspaceDiscoverMs`). Otherwise every file.
 */
function measure(name, fe, lang, bare, dbs, scoped = false, repetitions = reps) {
  if (!fe || !wanted(name)) return;
  const runs = [];
  const bares = [];
  let last;
  let pool = list;
  try {
    texts = coldTexts(list, 0);
    const d0 = performance.now();
    const found = fe.discover(candidatesOf(fe, list), reader);
    const workspaceDiscoverMs = performance.now() - d0;
    if (scoped) {
      const own = new Set(found.flatMap((u) => u.files));
      pool = list.filter((f) => own.has(f) || isConfig(f));
    }
    // One warm-up of each (JIT), then alternate review and bare parse, each repetition on cold texts.
    texts = coldTexts(pool, 1);
    last = review(fe, lang, pool, dbs());
    bare(last);
    for (let i = 0; i < repetitions; i++) {
      texts = coldTexts(pool, i + 2);
      last = undefined;
      collectGarbage();
      last = review(fe, lang, pool, dbs());
      // Only the figures: keeping every repetition's models alive would grow the heap the later ones collect.
      runs.push({ discoverMs: last.discoverMs, analyzeMs: last.analyzeMs, rulesMs: last.rulesMs, totalMs: last.totalMs });
      collectGarbage();
      const t = performance.now();
      const n = bare(last);
      bares.push({ ms: performance.now() - t, files: n });
    }
    runs.workspaceDiscoverMs = workspaceDiscoverMs;
  } catch (error) {
    out.errors.push(`${name}: ${error.stack}`);
    return;
  }
  const m = (k) => r1(median(runs.map((x) => x[k])));
  const bareMs = r1(median(bares.map((b) => b.ms)));
  out.languages[name] = {
    reps: runs.length,
    units: last.units.length,
    files: last.unitFiles,
    scoped,
    poolFiles: pool.length,
    workspaceDiscoverMs: r1(runs.workspaceDiscoverMs),
    bareFiles: bares[0]?.files,
    findings: last.findings,
    fixes: last.fixes,
    diagnostics: last.diagnostics,
    discoverMs: m('discoverMs'),
    analyzeMs: m('analyzeMs'),
    rulesMs: m('rulesMs'),
    reviewMs: m('totalMs'),
    bareMs: bares[0]?.files ? bareMs : null,
    ratio: !bares[0]?.files ? null : Math.round((median(runs.map((x) => x.totalMs)) / Math.max(0.001, median(bares.map((b) => b.ms)))) * 100) / 100,
    // Without the rules (and the fix texts they ask for): what parsing into the model costs over the bare parse.
    modelRatio: !bares[0]?.files ? null : Math.round(((median(runs.map((x) => x.discoverMs + x.analyzeMs))) / Math.max(0.001, median(bares.map((b) => b.ms)))) * 100) / 100,
    spread: { reviewMin: r1(Math.min(...runs.map((x) => x.totalMs))), reviewMax: r1(Math.max(...runs.map((x) => x.totalMs))), bareMin: r1(Math.min(...bares.map((b) => b.ms))), bareMax: r1(Math.max(...bares.map((b) => b.ms))) },
  };
  return last;
}

if (sql) {
  await sql.loadSqlParser();
  const pg = require('libpg-query');
  await pg.loadModule();
  measure('sql', sql.sqlFrontEnd, 'sql', (last) => {
    let n = 0;
    for (const u of last.units)
      for (const f of u.files) {
        if (!f.endsWith('.sql')) continue;
        try {
          pg.parseSync(texts.get(f));
        } catch {
          /* counted as parsed */
        }
        n++;
      }
    return n;
  }, () => [], true, Math.max(reps, TARGET_REPS));
}
const parseTs = (fs) => {
  let n = 0;
  for (const f of fs) {
    if (!/\.(c|m)?(t|j)sx?$/.test(f)) continue;
    ts.createSourceFile(f, texts.get(f) ?? '', ts.ScriptTarget.Latest, false, kindOf(f));
    n++;
  }
  return n;
};
let schemaDbs = [];
if (prisma) {
  const p = measure('prisma', prisma.prismaFrontEnd, 'prisma', () => 0, () => []);
  if (p) schemaDbs.push(...p.databases);
}
if (drizzle) {
  const d = measure('drizzle', drizzle.drizzleFrontEnd, 'drizzle', (last) => parseTs(last.units.flatMap((u) => u.files)), () => [], true, Math.max(reps, TARGET_REPS));
  if (d) schemaDbs.push(...d.databases);
}
if (code) {
  const allCode = list.filter((f) => code.codeFrontEnd.extensions.some((e) => f.endsWith(e)) && !f.endsWith('.d.ts'));
  // Against every code file of the workspace (what a review must at least look at), and against the files it analyzed.
  const c = measure('code', code.codeFrontEnd, 'code', () => parseTs(allCode), () => schemaDbs);
  if (c) {
    const t = [];
    for (let i = 0; i < reps; i++) {
      const s = performance.now();
      parseTs(c.units.flatMap((u) => u.files));
      t.push(performance.now() - s);
    }
    out.languages.code.bareUnitFilesMs = r1(median(t));
    out.languages.code.ratioToUnitFiles = Math.round((out.languages.code.reviewMs / Math.max(0.001, median(t))) * 100) / 100;
  }
}
process.stdout.write(JSON.stringify(out) + '\n');
