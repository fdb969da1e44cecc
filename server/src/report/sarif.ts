/**
 * SARIF 2.1.0 for GitHub code scanning: one run, the rules as `tool.driver.rules` (stable `ruleId`,
 * `helpUri`), results with 1-based regions and `partialFingerprints` that survive line moves, artifact URIs relative
 * to the `ROOT` base and percent-encoded, and the file problems (syntax or validation errors) as the invocation's
 * `toolExecutionNotifications`.
 */
import { createHash } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import { rules } from '../../../rules';
import type { Severity } from '../../../rules/types';
import { ruleDocUrl } from '../ruleDocs';
import { TOOL_VERSION, type JsonRange, type JsonReport } from './model';

const LEVEL: Record<Severity, 'error' | 'warning' | 'note'> = { error: 'error', warning: 'warning', info: 'note' };

export function formatSarif(report: JsonReport): string {
  const ruleIndex = new Map(rules.map((r, i) => [r.meta.id, i]));
  const fingerprints = fingerprintsOf(report);
  const sarif = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'schema-review',
            version: TOOL_VERSION,
            informationUri: ruleDocUrl(undefined),
            rules: rules.map((r) => ({
              id: r.meta.id,
              name: r.meta.id.replace(/(^|-)(\w)/g, (_, __, ch: string) => ch.toUpperCase()),
              shortDescription: { text: r.meta.description },
              fullDescription: { text: r.meta.description },
              helpUri: ruleDocUrl(r.meta.id),
              help: { text: `${r.meta.description} See ${ruleDocUrl(r.meta.id)}` },
              defaultConfiguration: { level: LEVEL[r.meta.defaultSeverity] },
              properties: { category: r.meta.category, tags: [r.meta.category, 'database'] },
            })),
          },
        },
        // Files the review could not read as written (syntax or validation errors, skipped files): what makes a run
        // fail with no result to show. GitHub lists them on the tool status page, as ESLint's SARIF formatter does.
        invocations: [
          {
            executionSuccessful: true,
            toolExecutionNotifications: report.problems.map((p) => ({
              level: LEVEL[p.severity],
              message: { text: p.message },
              descriptor: { id: p.code },
              locations: [{ physicalLocation: { artifactLocation: { uri: relativeUri(p.file), uriBaseId: 'ROOT' }, region: regionOf(p.range) } }],
            })),
          },
        ],
        originalUriBaseIds: { ROOT: { uri: rootUri(report.root) } },
        results: report.findings.map((f, i) => ({
          ruleId: f.rule,
          ruleIndex: ruleIndex.get(f.rule),
          level: LEVEL[f.severity],
          message: { text: f.message },
          locations: [
            {
              physicalLocation: {
                artifactLocation: { uri: relativeUri(f.file), uriBaseId: 'ROOT' },
                region: regionOf(f.range),
              },
            },
          ],
          partialFingerprints: { 'schemaReview/v1': fingerprints[i] },
          ...(f.fixes.length ? { properties: { fixes: f.fixes } } : {}),
        })),
      },
    ],
  };
  return JSON.stringify(sarif, null, 2) + '\n';
}

/**
 * Per finding: a hash of rule + file + message, stable across line moves (messages name the table and columns), without
 * the line numbers some messages cite ("the $transaction at line 12"), which move with any edit above; then `:n`, the
 * finding's occurrence among those with the same hash in line order (as GitHub's own `primaryLocationLineHash`), so
 * two findings with the same message in one file (two `findMany` without `take`) stay two alerts.
 */
function fingerprintsOf(report: JsonReport): string[] {
  const hashes = report.findings.map((f) => createHash('sha256').update(`${f.rule}\0${f.file}\0${withoutLineNumbers(f.message)}`).digest('hex').slice(0, 32));
  const order = report.findings.map((_, i) => i).sort((a, b) => {
    const x = report.findings[a].range.start;
    const y = report.findings[b].range.start;
    return x.line - y.line || x.column - y.column || a - b;
  });
  const seen = new Map<string, number>();
  const out: string[] = [];
  for (const i of order) {
    const n = (seen.get(hashes[i]) ?? 0) + 1;
    seen.set(hashes[i], n);
    out[i] = `${hashes[i]}:${n}`;
  }
  return out;
}

function regionOf(range: JsonRange) {
  return { startLine: range.start.line, startColumn: range.start.column, endLine: range.end.line, endColumn: range.end.column };
}

/** The root as a `file:` URI ending in `/`, encoded (spaces, `#`, a Windows drive: `file:///C:/…`). */
export function rootUri(root: string): string {
  const href = pathToFileURL(root).href;
  return href.endsWith('/') ? href : `${href}/`;
}

/** A relative path as a relative URI reference: each segment percent-encoded, so `#` and `?` stay part of the name. */
export function relativeUri(file: string): string {
  return file.split('/').map((segment) => encodeURIComponent(segment)).join('/');
}

/** A message with the line numbers it cites left out (`line 12`, `lines 3-5`, `(line 7)`). */
export function withoutLineNumbers(message: string): string {
  return message.replace(/\b(lines?) \d+(?:\s*[-–]\s*\d+)?/g, '$1');
}
