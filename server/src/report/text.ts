/** ESLint-"stylish"-like terminal output: findings grouped by file, then a summary line. */
import type { JsonReport } from './model';

export interface TextOptions {
  color: boolean;
  /**
   * The report follows a `--fix` (`safe`) or `--fix=unsafe` run: a fix still offered is one that run could not apply
   * (a file it left with errors, put back; a fix that did not remove its finding), not one the next run would.
   */
  fixed?: 'safe' | 'unsafe';
}

export function formatText(report: JsonReport, options: TextOptions = { color: false }): string {
  const c = (code: string, s: string) => (options.color ? `\u001b[${code}m${s}\u001b[0m` : s);
  const sev = { error: c('31', 'error'), warning: c('33', 'warning'), info: c('36', 'info') } as const;
  type Row = { file: string; line: number; column: number; severity: 'error' | 'warning' | 'info'; message: string; id: string; fixable: boolean };
  const rows: Row[] = [
    ...report.problems.map((p) => ({ file: p.file, line: p.range.start.line, column: p.range.start.column, severity: p.severity, message: p.message, id: p.code, fixable: false })),
    ...report.findings.map((f) => ({ file: f.file, line: f.range.start.line, column: f.range.start.column, severity: f.severity, message: f.message, id: f.rule, fixable: f.fixes.length > 0 })),
  ];
  rows.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0) || a.line - b.line || a.column - b.column);
  const out: string[] = [];
  let current: string | undefined;
  for (const r of rows) {
    if (r.file !== current) {
      if (current !== undefined) out.push('');
      out.push(c('4', r.file));
      current = r.file;
    }
    out.push(`  ${`${r.line}:${r.column}`.padEnd(8)} ${sev[r.severity].padEnd(options.color ? 16 : 7)}  ${r.message}  ${c('2', r.id)}`);
  }
  const count = (s: string) => rows.filter((r) => r.severity === s).length;
  if (rows.length === 0) {
    out.push(c('32', `✔ No problems in ${report.summary.files} file${report.summary.files === 1 ? '' : 's'} (${report.summary.durationMs} ms)`));
  } else {
    out.push('');
    out.push(
      c(count('error') ? '31' : '33', `✖ ${rows.length} problem${rows.length === 1 ? '' : 's'} (${count('error')} error${count('error') === 1 ? '' : 's'}, ${count('warning')} warning${count('warning') === 1 ? '' : 's'}, ${count('info')} info) in ${report.summary.files} file${report.summary.files === 1 ? '' : 's'} (${report.summary.durationMs} ms)`),
    );
    const safe = report.findings.filter((f) => f.fixes.some((x) => x.safety === 'safe')).length;
    // Display-only fixes (advice for the lightbulb) are never applied by --fix, whatever its mode.
    const unsafe = report.findings.filter((f) => f.fixes.some((x) => x.safety === 'unsafe') && !f.fixes.some((x) => x.safety === 'safe')).length;
    // Whether a fix applies shows only once it is applied (a name clash fails validation): after a run, what is left
    // is what that run could not apply, and it said why on stderr.
    const notApplied = (n: number, flag: string) => `  ${n} with a fix ${flag} could not apply (see "did not fix" above)`;
    if (options.fixed === 'unsafe') {
      if (safe + unsafe) out.push(notApplied(safe + unsafe, '--fix=unsafe'));
    } else {
      if (safe) out.push(options.fixed === 'safe' ? notApplied(safe, '--fix') : `  ${safe} fixable with --fix`);
      if (unsafe) out.push(`  ${unsafe} more fixable with --fix=unsafe (may change behaviour: review the diff)`);
    }
  }
  return out.join('\n') + '\n';
}
