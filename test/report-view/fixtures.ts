/**
 * Audit results for the report view's tests and screenshot: one from the real CLI engine on
 * `examples/learning-platform`, one hand-made (every severity, fix kinds, a file problem, hostile text),
 * and generated large ones.
 */
import * as path from 'node:path';
import { runCli } from '../../server/src/cli';
import { areaSummaries, SCORE_FORMULA } from '../../server/src/report/markdown';
import type { JsonFinding, JsonReport } from '../../server/src/report/model';
import type { AuditResult } from '../../server/src/protocol';

// From __filename: tsx sets it correctly also when this module is imported from an .mjs script.
export const repoRoot = path.resolve(path.dirname(__filename), '../..');

/** Wraps a JsonReport the way the server's AuditRequest answers. */
export function resultOf(report: JsonReport, extra: Partial<AuditResult> = {}): AuditResult {
  return {
    report,
    areas: areaSummaries(report),
    scoreFormula: SCORE_FORMULA,
    markdown: '',
    findings: report.findings.length,
    files: report.summary.files,
    durationMs: report.summary.durationMs,
    cancelled: false,
    ...extra,
  };
}

/** The real engine's JSON report of an example workspace (`schema-review audit <dir> --format json`). */
export async function cliReport(dir = path.join(repoRoot, 'examples/learning-platform')): Promise<JsonReport> {
  let out = '';
  let err = '';
  const code = await runCli(['audit', dir, '--format', 'json'], { stdout: (t) => (out += t), stderr: (t) => (err += t), cwd: repoRoot, color: false });
  if (code === 2) throw new Error(`schema-review failed: ${err}`);
  return JSON.parse(out) as JsonReport;
}

function finding(rule: string, category: JsonFinding['category'], severity: JsonFinding['severity'], file: string, line: number, message: string, fixes: JsonFinding['fixes'] = []): JsonFinding {
  return { rule, category, severity, file, range: { start: { line, column: 3 }, end: { line, column: 40 } }, message, fixes };
}

/** A hand-made report with every severity, fix kind and a file problem, including hostile text. */
export function handMadeReport(): JsonReport {
  const findings: JsonFinding[] = [
    finding('missing-on-delete', 'relations', 'warning', 'prisma/schema.prisma', 88, 'Relation `Question.event` has no `onDelete`: deleting an Event fails while Questions reference it.', [
      { title: 'Add onDelete: Cascade', safety: 'unsafe' },
      { title: 'Add onDelete: Restrict', safety: 'safe' },
    ]),
    finding('missing-on-delete', 'relations', 'warning', 'prisma/schema.prisma', 112, 'Relation `Vote.user` has no `onDelete`.', [{ title: 'Add onDelete: Cascade', safety: 'unsafe' }]),
    finding('unindexed-foreign-key', 'indexes', 'warning', 'prisma/schema.prisma', 90, 'Foreign key `Question.eventId` has no index that starts with it: every delete of an Event scans Question.', [{ title: 'Add @@index([eventId])', safety: 'safe' }]),
    finding('non-concurrent-index', 'migrations', 'error', 'prisma/migrations/20240101_add_idx/migration.sql', 3, 'CREATE INDEX without CONCURRENTLY locks writes to "Message" for the whole build.', [{ title: 'Use CREATE INDEX CONCURRENTLY', safety: 'safe' }]),
    finding('json-in-string', 'data-types', 'info', 'prisma/schema.prisma', 41, 'Field `Content.tags` stores JSON in a String <script>alert("x")</script> & co.', [{ title: 'Change the type to Json', safety: 'unsafe' }]),
    finding('multi-write-without-transaction', 'transactions', 'warning', 'app/api/admin/content/route.ts', 17, '2 writes in `POST` are not in one transaction.', [{ title: 'Wrap in prisma.$transaction', safety: 'unsafe' }]),
    finding('unbounded-query', 'queries', 'info', 'app/api/signals/performance/route.ts', 9, '`prisma.signalTrade.findMany` has no `take`: it loads every row.', [{ title: 'Consider pagination', safety: 'display-only' }]),
  ];
  const count = <K extends string>(key: (f: JsonFinding) => K) => findings.reduce<Partial<Record<K, number>>>((acc, f) => ({ ...acc, [key(f)]: (acc[key(f)] ?? 0) + 1 }), {});
  return {
    tool: 'schema-review',
    version: '0.1.0',
    root: '/home/dev/learning-platform',
    files: [
      { path: 'prisma/schema.prisma', language: 'prisma' },
      { path: 'prisma/migrations/20240101_add_idx/migration.sql', language: 'sql' },
      { path: 'app/api/admin/content/route.ts', language: 'code' },
      { path: 'app/api/signals/performance/route.ts', language: 'code' },
    ],
    findings,
    problems: [{ code: 'sql-parse', source: 'sql', severity: 'error', file: 'prisma/migrations/20231201_init/migration.sql', range: { start: { line: 12, column: 1 }, end: { line: 12, column: 9 } }, message: 'Cannot parse the statement: syntax error at "<EOF>".' }],
    summary: { files: 4, findings: findings.length, bySeverity: count((f) => f.severity), byCategory: count((f) => f.category), durationMs: 1234 },
  };
}

/** `n` findings spread over categories, severities and files (the scale case). */
export function largeReport(n: number): JsonReport {
  const base = handMadeReport();
  const findings: JsonFinding[] = [];
  for (let i = 0; i < n; i++) {
    const t = base.findings[i % base.findings.length];
    findings.push({ ...t, file: `src/module${i % 400}/file${i % 37}.ts`, range: { start: { line: (i % 500) + 1, column: 1 }, end: { line: (i % 500) + 1, column: 10 } }, message: `${t.message} #${i}` });
  }
  return { ...base, findings, summary: { ...base.summary, files: 5000, findings: n } };
}

export function emptyReport(files = 6): JsonReport {
  return {
    tool: 'schema-review',
    version: '0.1.0',
    root: '/home/dev/clean-app',
    files: Array.from({ length: files }, (_, i) => ({ path: `src/f${i}.ts`, language: 'code' })),
    findings: [],
    problems: [],
    summary: { files, findings: 0, bySeverity: {}, byCategory: {}, durationMs: 80 },
  };
}
