/** The CLI run in this process, as a terminal would run it in `cwd`: exit code and what it printed. */
import { runCli } from '../../server/src/cli';

export async function cli(args: string[], cwd: string): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(args, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), cwd, color: false });
  return { code, stdout, stderr };
}
