/**
 * SARIF 2.1.0 for GitHub code scanning: one run, the rules as `tool.driver.rules` (stable `ruleId`,
 * `helpUri`), results with 1-based regions and `partialFingerprints` that survive line moves.
 */
import { createHash } from 'node:crypto';
import { rules } from '../../../rules';
import type { Severity } from '../../../rules/types';
import { ruleDocUrl } from '../ruleDocs';
import { TOOL_VERSION, type JsonReport } from './model';

const LEVEL: Record<Severity, 'error' | 'warning' | 'note'> = { error: 'error', warning: 'warning', info: 'note' };

export function formatSarif(report: JsonReport): string {
  const ruleIndex = new Map(rules.map((r, i) => [r.meta.id, i]));
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
        originalUriBaseIds: { ROOT: { uri: `file://${report.root.endsWith('/') ? report.root : `${report.root}/`}` } },
        results: report.findings.map((f) => ({
          ruleId: f.rule,
          ruleIndex: ruleIndex.get(f.rule),
          level: LEVEL[f.severity],
          message: { text: f.message },
          locations: [
            {
              physicalLocation: {
                artifactLocation: { uri: encodeURI(f.file), uriBaseId: 'ROOT' },
                region: {
                  startLine: f.range.start.line,
                  startColumn: f.range.start.column,
                  endLine: f.range.end.line,
                  endColumn: f.range.end.column,
                },
              },
            },
          ],
          partialFingerprints: {
            // Stable across line moves: rule + file + message (messages name the table and columns), without the
            // line numbers some messages cite ("the $transaction at line 12"), which move with any edit above.
            'schemaReview/v1': createHash('sha256').update(`${f.rule}\0${f.file}\0${withoutLineNumbers(f.message)}`).digest('hex').slice(0, 32),
          },
          ...(f.fixes.length ? { properties: { fixes: f.fixes } } : {}),
        })),
      },
    ],
  };
  return JSON.stringify(sarif, null, 2) + '\n';
}

/** A message with the line numbers it cites left out (`line 12`, `lines 3-5`, `(line 7)`). */
export function withoutLineNumbers(message: string): string {
  return message.replace(/\b(lines?) \d+(?:\s*[-–]\s*\d+)?/g, '$1');
}
