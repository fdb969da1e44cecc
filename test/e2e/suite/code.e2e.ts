/**
 * TypeScript code that calls Prisma: `registerUser` creates a user, an account and a session without a
 * transaction. multi-write-without-transaction spans the first to the last write; its fix (unsafe: it
 * changes behaviour, so it is offered in the lightbulb but not applied by fix-all) wraps them in
 * `prisma.$transaction(async (tx) => …)`. Each test starts from the fixture's text.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import {
  applyCodeAction,
  codeActions,
  describeDiagnostics,
  fullRange,
  ours,
  resetDocument,
  source,
  waitForDiagnostics,
  withCode,
} from './helpers';
import type { TestBody } from './prisma.e2e';

export interface CodeSuiteState {
  uri: vscode.Uri;
  original: string;
}

const rule = 'multi-write-without-transaction';
const wrapTitle = 'Wrap these 3 writes in prisma.$transaction(async (tx) => …)';
const reviewed = (ds: vscode.Diagnostic[]) => withCode(ds, rule).length === 1;

async function open(state: CodeSuiteState): Promise<vscode.TextDocument> {
  const document = await vscode.workspace.openTextDocument(state.uri);
  await vscode.window.showTextDocument(document, { preview: false });
  await resetDocument(document, state.original);
  return document;
}

export function codeTests(define: (title: string, body: TestBody) => void, state: () => CodeSuiteState): void {
  define(`${rule} spans registerUser's first to last write`, async function () {
    const s = state();
    const document = await open(s);
    assert.equal(document.languageId, 'typescript');
    const diagnostics = await waitForDiagnostics(s.uri, reviewed, rule);
    const [finding] = withCode(diagnostics, rule);
    assert.equal(ours(s.uri).length, 1, `one finding in auth-server.ts:\n${describeDiagnostics(ours(s.uri))}`);
    assert.equal(finding!.severity, vscode.DiagnosticSeverity.Warning);
    assert.match(finding!.message, /^3 writes in `registerUser`.*prisma\.user\.create, prisma\.account\.create, prisma\.session\.create/);
    const covered = document.getText(finding!.range);
    assert.ok(covered.startsWith('const user = await prisma.user.create({'), `the range starts at the first write's statement: "${covered.slice(0, 60)}…"`);
    assert.match(covered, /prisma\.account\.create\(/);
    assert.match(covered, /const session = await prisma\.session\.create\(\{[\s\S]*\}\);?$/, `the range ends with the last write's statement: "…${covered.slice(-80)}"`);
    assert.doesNotMatch(covered, /console\.log|return/, 'the range stops at the last write');
    assert.ok(
      (finding!.relatedInformation ?? []).length === 3,
      `each write is a related location: ${(finding!.relatedInformation ?? []).map((r) => r.message).join(' | ')}`,
    );
  });

  define('fix-all leaves the unsafe transaction fix alone', async function () {
    const s = state();
    const document = await open(s);
    await waitForDiagnostics(s.uri, reviewed, rule);
    const actions = await codeActions(s.uri, fullRange(document), 'source.fixAll.schemaReview');
    for (const action of actions) if (action.edit) assert.ok(await vscode.workspace.applyEdit(action.edit));
    assert.equal(document.getText(), s.original, 'fix-all applies safe fixes only: the file is unchanged');
  });

  define(`"${wrapTitle}" wraps the writes in a transaction and the finding goes away`, async function () {
    const s = state();
    const document = await open(s);
    const diagnostics = await waitForDiagnostics(s.uri, reviewed, rule);
    const [finding] = withCode(diagnostics, rule);
    // As the lightbulb asks: the quick fixes for the finding under the cursor.
    const actions = await codeActions(s.uri, new vscode.Range(finding!.range.start, finding!.range.start), vscode.CodeActionKind.QuickFix.value);
    const fix = actions.find((a) => a.title.startsWith(wrapTitle));
    assert.ok(fix, `no "${wrapTitle}" among: ${actions.map((a) => a.title).join(' | ')}`);
    assert.ok(fix.kind && vscode.CodeActionKind.QuickFix.contains(fix.kind), 'the fix is a quickfix');
    assert.notEqual(fix.isPreferred, true, 'an unsafe fix is not the preferred (auto-fix) action');
    await applyCodeAction(fix);

    const text = document.getText();
    assert.match(text, /prisma\.\$transaction\(async \(tx\) =>/, text);
    for (const model of ['user', 'account', 'session']) {
      assert.match(text, new RegExp(`await tx\\.${model}\\.create\\(`), `tx.${model}.create:\n${text}`);
      assert.doesNotMatch(text, new RegExp(`prisma\\.${model}\\.create\\(`), `no prisma.${model}.create left:\n${text}`);
    }
    assert.match(text, /console\.log\(`registered \$\{user\.email\} via \$\{account\.provider\}`\);/, 'user and account stay in scope after the transaction');
    assert.match(text, /return \{ user, session \};\n\}/, 'the function still returns user and session');
    await waitForDiagnostics(s.uri, (ds) => withCode(ds, rule).length === 0, `${rule} to disappear after the fix`);
    const left = ours(s.uri).filter((d) => d.source === source);
    assert.equal(left.length, 0, `the fixed file is clean:\n${describeDiagnostics(left)}`);
    await resetDocument(document, s.original);
  });
}
