/**
 * Entry point the extension host loads as `extensionTestsPath` (bundled to dist/e2e-suite.js):
 * `run()` runs the Mocha suite in the real VS Code and rejects when a test fails. A plain reporter
 * prints one line per test and `N passed, N failed` (the extension host's console has no `%s` formats).
 */
import * as vscode from 'vscode';
import Mocha from 'mocha';
import { codeTests, type CodeSuiteState } from './code.e2e';
import { drizzleTests, type DrizzleSuiteState } from './drizzle.e2e';
import { prismaTests, type PrismaSuiteState } from './prisma.e2e';
import { sqlTests, type SqlSuiteState } from './sql.e2e';

const { EVENT_RUN_END, EVENT_TEST_PASS, EVENT_TEST_FAIL, EVENT_TEST_PENDING } = Mocha.Runner.constants;

class PlainReporter {
  constructor(runner: Mocha.Runner) {
    let passed = 0;
    let failed = 0;
    let pending = 0;
    runner.on(EVENT_TEST_PASS, (test) => {
      passed++;
      console.log(`[e2e] ok   ${test.fullTitle()} (${test.duration ?? 0} ms)`);
    });
    runner.on(EVENT_TEST_FAIL, (test, error: Error) => {
      failed++;
      console.log(`[e2e] FAIL ${test.fullTitle()}\n${(error && (error.stack || error.message)) ?? String(error)}`);
    });
    runner.on(EVENT_TEST_PENDING, () => pending++);
    runner.once(EVENT_RUN_END, () => {
      console.log(`[e2e] ${passed} passed, ${failed} failed${pending ? `, ${pending} pending` : ''}`);
    });
  }
}

export async function run(): Promise<void> {
  const mocha = new Mocha({ timeout: 60_000, color: false, reporter: PlainReporter as unknown as Mocha.ReporterConstructor });
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!folder) throw new Error('The e2e workspace did not open (no workspace folder).');

  const uri = vscode.Uri.joinPath(folder.uri, 'prisma', 'schema.prisma');
  const state: PrismaSuiteState = {
    uri,
    original: new TextDecoder().decode(await vscode.workspace.fs.readFile(uri)),
    document: undefined as unknown as vscode.TextDocument,
  };
  const prisma = Mocha.Suite.create(mocha.suite, 'Prisma schema review');
  prismaTests((title, body) => prisma.addTest(new Mocha.Test(title, body)), () => state);

  const drizzleUri = vscode.Uri.joinPath(folder.uri, 'bot', 'src', 'schema.ts');
  const drizzleState: DrizzleSuiteState = {
    uri: drizzleUri,
    original: new TextDecoder().decode(await vscode.workspace.fs.readFile(drizzleUri)),
  };
  const drizzle = Mocha.Suite.create(mocha.suite, 'Drizzle schema review');
  drizzleTests((title, body) => drizzle.addTest(new Mocha.Test(title, body)), () => drizzleState);

  const read = async (uri: vscode.Uri) => ({ uri, original: new TextDecoder().decode(await vscode.workspace.fs.readFile(uri)) });
  const migrations = vscode.Uri.joinPath(folder.uri, 'supabase', 'migrations');
  const sqlState: SqlSuiteState = {
    folder: migrations,
    init: await read(vscode.Uri.joinPath(migrations, '20240101000000_init.sql')),
    indexes: await read(vscode.Uri.joinPath(migrations, '20240201000000_indexes.sql')),
  };
  const sql = Mocha.Suite.create(mocha.suite, 'SQL migrations review');
  sqlTests((title, body) => sql.addTest(new Mocha.Test(title, body)), () => sqlState);

  const codeState: CodeSuiteState = await read(vscode.Uri.joinPath(folder.uri, 'src', 'lib', 'auth-server.ts'));
  const code = Mocha.Suite.create(mocha.suite, 'Code review (Prisma calls)');
  codeTests((title, body) => code.addTest(new Mocha.Test(title, body)), () => codeState);

  const failures = await new Promise<number>((resolve) => mocha.run(resolve));
  if (failures > 0) throw new Error(`${failures} end-to-end test(s) failed.`);
}
