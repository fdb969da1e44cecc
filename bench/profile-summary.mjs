// Summarizes a V8 .cpuprofile (from `--cpu-prof`): self time per function and per file, top N.
//   node bench/profile-summary.mjs <file.cpuprofile> [N] [--skip MS]   (--skip: leave out the first MS of the run, e.g. start-up)
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export function summarizeProfile(file, top = 15, skipMs = 0) {
  const p = JSON.parse(readFileSync(file, 'utf8'));
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const self = new Map();
  const dt = [...p.timeDeltas];
  if (skipMs > 0) {
    // Zero the samples of the first skipMs: they stay on the stacks but weigh nothing.
    let at = 0;
    for (let i = 0; i < dt.length; i++) {
      at += p.timeDeltas[i];
      if (at < skipMs * 1000) dt[i] = 0;
    }
  }
  for (let i = 0; i < p.samples.length; i++) self.set(p.samples[i], (self.get(p.samples[i]) ?? 0) + (dt[i] ?? 0));
  const fn = new Map();
  const files = new Map();
  let total = 0;
  for (const [id, us] of self) {
    const n = byId.get(id);
    const cf = n.callFrame;
    const where = (cf.url || '(native)').replace(/^file:\/\//, '').replace(/.*\/work\/main\//, '');
    const key = `${cf.functionName || '(anonymous)'} ${where}:${cf.lineNumber + 1}`;
    fn.set(key, (fn.get(key) ?? 0) + us);
    files.set(where, (files.get(where) ?? 0) + us);
    total += us;
  }
  // Inclusive time: each sample counts once for every distinct function on its stack.
  const parent = new Map();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const keyOf = (n) => `${n.callFrame.functionName || '(anonymous)'} ${(n.callFrame.url || '(native)').replace(/^file:\/\//, '').replace(/.*\/work\/main\//, '')}:${n.callFrame.lineNumber + 1}`;
  const inclusive = new Map();
  for (let i = 0; i < p.samples.length; i++) {
    const seen = new Set();
    for (let id = p.samples[i]; id !== undefined; id = parent.get(id)) {
      const k = keyOf(byId.get(id));
      if (seen.has(k)) continue;
      seen.add(k);
      inclusive.set(k, (inclusive.get(k) ?? 0) + (dt[i] ?? 0));
    }
  }
  for (const k of [...inclusive.keys()]) if (/^\(root\)|^\(anonymous\) \(native\)/.test(k)) inclusive.delete(k);
  const sorted = (m) => [...m].sort((a, b) => b[1] - a[1]).slice(0, top).map(([k, us]) => ({ what: k, ms: Math.round(us / 100) / 10, pct: Math.round((us / total) * 1000) / 10 }));
  return { totalMs: Math.round(total / 1000), functions: sorted(fn), inclusive: sorted(inclusive), files: sorted(files) };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const skip = args.indexOf('--skip');
  const skipMs = skip >= 0 ? Number(args.splice(skip, 2)[1]) : 0;
  const s = summarizeProfile(args[0], Number(args[1] ?? 15), skipMs);
  console.log(`total sampled ${s.totalMs} ms\n-- self time by function`);
  for (const f of s.functions) console.log(`${String(f.ms).padStart(9)} ms ${String(f.pct).padStart(5)}%  ${f.what}`);
  console.log('-- inclusive time by function');
  for (const f of s.inclusive) console.log(`${String(f.ms).padStart(9)} ms ${String(f.pct).padStart(5)}%  ${f.what}`);
  console.log('-- self time by file');
  for (const f of s.files) console.log(`${String(f.ms).padStart(9)} ms ${String(f.pct).padStart(5)}%  ${f.what}`);
}
