/**
 * Drizzle review vs bare `ts.createSourceFile` on a generated ~4,000-line schema, in one run.
 * Not a test (no timing asserts). Measure the bundled code (tsx adds per-call overhead):
 *   npx esbuild test/languages/drizzle/bench.ts --bundle --platform=node --outfile=/tmp/drizzle-bench.cjs --external:typescript
 *   NODE_PATH=node_modules node /tmp/drizzle-bench.cjs [tables] [runs]
 * On a loaded machine use instruction counts instead (see `count` below).
 */
import { performance } from 'node:perf_hooks';
import * as ts from 'typescript';
import { analyzeDrizzleUnit } from '../../../server/src/languages/drizzle/analyze';
import { discoverDrizzle } from '../../../server/src/languages/drizzle/discover';

export function generateSchema(tables: number): string {
  const lines = [
    'import { sql } from "drizzle-orm";',
    'import { pgTable, varchar, text, integer, real, numeric, timestamp, boolean, jsonb, index, uniqueIndex, foreignKey } from "drizzle-orm/pg-core";',
    '',
  ];
  for (let i = 0; i < tables; i++) {
    const parent = i > 0 ? `table${i - 1}` : undefined;
    lines.push(`/** Table ${i}: generated. */`);
    lines.push(`export const table${i} = pgTable("table_${i}", {`);
    lines.push(`  id: varchar("id").primaryKey().default(sql\`gen_random_uuid()\`),`);
    if (parent) lines.push(`  parentId: varchar("parent_id").notNull().references(() => ${parent}.id),`);
    if (parent) lines.push(`  otherId: varchar("other_id").references(() => ${parent}.id, { onUpdate: "cascade" }),`);
    lines.push(`  name: text("name").notNull(),`);
    lines.push(`  // one of "new", "open", "closed"`);
    lines.push(`  status: text("status").notNull().default("new"),`);
    lines.push(`  price: real("price").notNull(),`);
    lines.push(`  amount: numeric("amount", { precision: 20, scale: 8 }),`);
    lines.push(`  count: integer("count").default(0),`);
    lines.push(`  active: boolean("active").default(true).notNull(),`);
    lines.push(`  metadata: text("metadata").default("{}"),`);
    lines.push(`  payload: jsonb("payload"),`);
    lines.push(`  createdAt: timestamp("created_at").defaultNow().notNull(),`);
    if (i % 2 === 0) {
      lines.push(`}, (t) => [`);
      lines.push(`  index("table_${i}_name_idx").on(t.name),`);
      lines.push(`  uniqueIndex("table_${i}_name_status_idx").on(t.name, t.status),`);
      if (parent) lines.push(`  foreignKey({ columns: [t.otherId], foreignColumns: [${parent}.id] }).onDelete("cascade"),`);
      lines.push(`]);`);
    } else {
      lines.push(`}, (t) => ({`);
      lines.push(`  nameIdx: index("table_${i}_name_idx").on(t.name),`);
      lines.push(`  createdIdx: index("table_${i}_created_idx").on(t.createdAt.desc()),`);
      lines.push(`}));`);
    }
    lines.push('');
  }
  return lines.join('\n');
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function main() {
  const tables = Number(process.argv[2] ?? 190);
  const runs = Number(process.argv[3] ?? 40);
  const base = generateSchema(tables);
  const file = '/bench/src/db/schema.ts';
  const parse: number[] = [];
  const review: number[] = [];
  const walk: number[] = [];
  let lastTables = 0;
  // Warm up both paths (JIT), then alternate so machine noise hits both alike.
  for (let i = -5; i < runs; i++) {
    const text = `${base}\n// run ${i}\n`; // distinct text: no cache hit
    let t0 = performance.now();
    ts.createSourceFile(file, text, ts.ScriptTarget.Latest, false, ts.ScriptKind.TS);
    const p = performance.now() - t0;
    const reviewText = `${text}// review\n`;
    const reader = { read: (f: string) => (f === file ? reviewText : undefined) };
    t0 = performance.now();
    const units = discoverDrizzle([file], reader);
    const analysis = analyzeDrizzleUnit(units[0], reader, {});
    const r = performance.now() - t0;
    // The walk alone: the parse is cached from the run above.
    t0 = performance.now();
    analyzeDrizzleUnit(units[0], reader, {});
    const w = performance.now() - t0;
    lastTables = analysis.databases[0].tables.length;
    if (i >= 0) {
      parse.push(p);
      review.push(r);
      walk.push(w);
    }
  }
  const lines = base.split('\n').length;
  const fmt = (xs: number[]) => `min ${Math.min(...xs).toFixed(2)} ms, median ${median(xs).toFixed(2)} ms`;
  console.log(`drizzle bench: ${lines} lines, ${lastTables} tables, ${(base.length / 1024).toFixed(0)} KiB, ${runs} runs`);
  console.log(`  bare ts.createSourceFile        : ${fmt(parse)}`);
  console.log(`  discover + analyze (with parse) : ${fmt(review)}`);
  console.log(`  analyze walk only (parse cached): ${fmt(walk)}`);
  console.log(`  ratio review/parse              : min ${(Math.min(...review) / Math.min(...parse)).toFixed(2)}x, median ${(median(review) / median(parse)).toFixed(2)}x`);
}

/**
 * Instruction-count mode for a loaded machine (wall time is noise there): run under
 * `valgrind --tool=callgrind` with `count parse|review|none N`; per-op cost = (mode − none) / N.
 */
let retained: unknown;

function count(mode: string, n: number) {
  const base = generateSchema(190);
  const file = '/bench/src/db/schema.ts';
  const op = (i: number, which: string) => {
    const text = `${base}\n// ${which} ${i}\n`;
    if (which === 'parse') ts.createSourceFile(file, text, ts.ScriptTarget.Latest, false, ts.ScriptKind.TS);
    else if (which === 'parse-retained') retained = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, false, ts.ScriptKind.TS);
    else if (which === 'walk') {
      const reader = { read: (f: string) => (f === file ? base : undefined) };
      analyzeDrizzleUnit(discoverDrizzle([file], reader)[0], reader, {});
    } else {
      const reader = { read: (f: string) => (f === file ? text : undefined) };
      analyzeDrizzleUnit(discoverDrizzle([file], reader)[0], reader, {});
    }
  };
  for (let i = 0; i < 3; i++) {
    op(i, 'parse');
    op(i, 'review');
  }
  if (mode !== 'none') for (let i = 0; i < n; i++) op(100 + i, mode);
}

if (require.main === module) {
  if (process.argv[2] === 'count') count(process.argv[3] ?? 'none', Number(process.argv[4] ?? 5));
  else main();
}
