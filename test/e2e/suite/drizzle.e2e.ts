/**
 * The same rules on a Drizzle schema (TypeScript): the findings land on `.references(...)`, and the fixes
 * write Drizzle, not Prisma: an `index(...).on(...)` in the table's extra config and `{ onDelete: "cascade" }`.
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import {
  applyCodeAction,
  codeActions,
  describeDiagnostics,
  keepsLines,
  lineWhere,
  ours,
  resetDocument,
  waitForDiagnostics,
  withCode,
} from './helpers';
import type { TestBody } from './prisma.e2e';

export interface DrizzleSuiteState {
  uri: vscode.Uri;
  original: string;
}

const referencesLine = 'strategyId: integer(\'strategy_id\').notNull().references(() => strategies.id),';
const indexTitle = 'Add index("trades_strategy_id_idx").on(table.strategyId)';

const reviewed = (ds: vscode.Diagnostic[]) =>
  withCode(ds, 'missing-on-delete').length === 1 && withCode(ds, 'unindexed-foreign-key').length === 1;

async function open(state: DrizzleSuiteState): Promise<vscode.TextDocument> {
  const document = await vscode.workspace.openTextDocument(state.uri);
  await vscode.window.showTextDocument(document, { preview: false });
  await resetDocument(document, state.original);
  return document;
}

export function drizzleTests(define: (title: string, body: TestBody) => void, state: () => DrizzleSuiteState): void {
  define('a Drizzle foreign key without onDelete and index is reported on .references(...)', async function () {
    const s = state();
    const document = await open(s);
    const diagnostics = await waitForDiagnostics(s.uri, reviewed, 'missing-on-delete and unindexed-foreign-key in the Drizzle schema');
    const line = lineWhere(document, referencesLine);
    for (const d of ours(s.uri)) {
      assert.equal(d.range.start.line, line, `every finding is on trades.strategyId:\n${describeDiagnostics(diagnostics)}`);
      assert.match(document.getText(d.range), /^\.?references\(\(\) => strategies\.id\)$/, `the range is the .references(...) call: "${document.getText(d.range)}"`);
    }
  });

  define(`the quick fix "${indexTitle}" writes Drizzle`, async function () {
    const s = state();
    const document = await open(s);
    const diagnostics = await waitForDiagnostics(s.uri, reviewed, 'the Drizzle findings');
    const [finding] = withCode(diagnostics, 'unindexed-foreign-key');
    const actions = await codeActions(s.uri, finding!.range);
    const fix = actions.find((a) => a.title === indexTitle);
    assert.ok(fix, `no "${indexTitle}" among: ${actions.map((a) => a.title).join(' | ')}`);
    await applyCodeAction(fix);
    const text = document.getText();
    assert.match(
      text,
      /\(table\) => \[\s*index\('trades_symbol_idx'\)\.on\(table\.symbol\),\s*index\(["']trades_strategy_id_idx["']\)\.on\(table\.strategyId\),?\s*\]/,
      `the index joins the existing extra-config array:\n${text}`,
    );
    assert.ok(keepsLines(s.original, text, (l) => l.includes('(table) =>')), 'the rest of the file is kept');
    await waitForDiagnostics(s.uri, (ds) => withCode(ds, 'unindexed-foreign-key').length === 0, 'unindexed-foreign-key to disappear');
  });

  define('"Set { onDelete: "cascade" }" adds the option to .references(...)', async function () {
    const s = state();
    const document = await open(s);
    const diagnostics = await waitForDiagnostics(s.uri, reviewed, 'the Drizzle findings');
    const [finding] = withCode(diagnostics, 'missing-on-delete');
    const lineNumber = lineWhere(document, referencesLine);
    const actions = await codeActions(s.uri, finding!.range);
    const cascade = actions.find((a) => a.title === 'Set { onDelete: "cascade" }');
    assert.ok(cascade, `no 'Set { onDelete: "cascade" }' among: ${actions.map((a) => a.title).join(' | ')}`);
    await applyCodeAction(cascade);
    const line = document.lineAt(lineNumber).text;
    assert.match(line, /\.references\(\(\) => strategies\.id, \{ onDelete: ["']cascade["'] \}\),$/, `line is now: ${line}`);
    assert.ok(keepsLines(s.original, document.getText(), (l) => l.trim() === referencesLine), 'only that line changed');
    await waitForDiagnostics(s.uri, (ds) => withCode(ds, 'missing-on-delete').length === 0, 'missing-on-delete to disappear');
  });
}
