/**
 * dist/cli.js: loads the CLI bundle (dist/cli-core.js) through the code cache (codeCache.ts) and exports its
 * `runCli`; run directly (`node dist/cli.js audit .`), it runs the CLI. The cache is written after an audit.
 */
import * as path from 'node:path';
import { loadCached } from './codeCache';
import { cliV8Flags, setV8Flags } from './v8Flags';
import type { CliIO } from '../cli';

setV8Flags(cliV8Flags);
const load = loadCached(path.join(__dirname, 'cli-core.js'));
const core = load.exports as { runCli(args: string[], io: CliIO): Promise<number> };

export async function runCli(args: string[], io: CliIO): Promise<number> {
  const code = await core.runCli(args, io);
  if (args[0] === 'audit') load.save();
  return code;
}

if (require.main === module) {
  void runCli(process.argv.slice(2), {
    stdout: (t) => process.stdout.write(t),
    stderr: (t) => process.stderr.write(t),
    cwd: process.cwd(),
    color: process.stdout.isTTY === true && !process.env.NO_COLOR,
  }).then((code) => (process.exitCode = code));
}
