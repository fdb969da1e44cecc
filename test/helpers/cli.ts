/** The CLI run in this process, as a terminal would run it in `cwd`: exit code and what it printed. */
import { runCli } from '../../server/src/cli';

export async function cli(args: string[], cwd: string): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(args, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), cwd, color: false });
  return { code, stdout, stderr };
}

/**
 * `schema-review audit <paths> --format json` in `cwd`: the findings of one rule, as `file: <first word of the
 * message>` (the table and column the finding names), sorted.
 */
export async function auditRule(rule: string, cwd: string, paths = ['.']): Promise<string[]> {
  const { stdout } = await cli(['audit', ...paths, '--format', 'json'], cwd);
  const findings = (JSON.parse(stdout) as { findings: { rule: string; file: string; message: string }[] }).findings;
  return findings
    .filter((f) => f.rule === rule)
    .map((f) => `${f.file}: ${f.message.split(' ')[0]}`)
    .sort();
}
