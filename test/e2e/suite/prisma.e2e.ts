/**
 * The Prisma review as a user meets it in a real VS Code: diagnostics on the fixture schema, the quick
 * fixes, fix-all, Prisma validation, the audit command and the documentation command. Each test starts
 * from the fixture's text (the workspace is a throw-away copy made by the launcher).
 */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { AuditResult } from '../../../server/src/protocol';
import {
  applyCodeAction,
  codeActions,
  codeOf,
  describeDiagnostics,
  fullRange,
  keepsLines,
  lineWhere,
  modelBlock,
  ours,
  resetDocument,
  source,
  waitForDiagnostics,
  withCode,
} from './helpers';

export const extensionId = 'schema-review.schema-review';

const lines = {
  questionEvent: 'event     Event    @relation(fields: [eventId], references: [id])',
  questionUser: 'user      User     @relation(fields: [userId], references: [id])',
  questionEventId: 'eventId   String',
  tradeCreatedBy: 'createdBy   User?     @relation(fields: [createdById], references: [id])',
};

/** The four findings of the fixture: three relations without onDelete, one unindexed foreign key. */
const fixtureReviewed = (diagnostics: vscode.Diagnostic[]) =>
  withCode(diagnostics, 'missing-on-delete').length >= 3 && withCode(diagnostics, 'unindexed-foreign-key').length >= 1;

export interface PrismaSuiteState {
  uri: vscode.Uri;
  original: string;
  document: vscode.TextDocument;
}

async function openFixture(state: PrismaSuiteState): Promise<vscode.TextDocument> {
  const document = await vscode.workspace.openTextDocument(state.uri);
  await vscode.window.showTextDocument(document, { preview: false });
  await resetDocument(document, state.original);
  state.document = document;
  return document;
}

export type TestBody = (this: Mocha.Context) => Promise<void>;

export function prismaTests(define: (title: string, body: TestBody) => void, state: () => PrismaSuiteState): void {
  define('the extension activates in a Prisma workspace', async function () {
    const extension = vscode.extensions.getExtension(extensionId);
    assert.ok(extension, `extension ${extensionId} is not loaded`);
    await extension.activate();
    assert.ok(extension.isActive);
    const commands = await vscode.commands.getCommands(true);
    for (const id of ['schemaReview.auditWorkspace', 'schemaReview.restartServer', 'schemaReview.showOutput', 'schemaReview.showRuleDoc']) {
      assert.ok(commands.includes(id), `command ${id} is not registered`);
    }
  });

  define('opening schema.prisma shows the findings at the right places', async function () {
    const s = state();
    const document = await openFixture(s);
    const diagnostics = await waitForDiagnostics(s.uri, fixtureReviewed, 'missing-on-delete ×3 and unindexed-foreign-key');
    const mine = diagnostics.filter((d) => d.source === source);

    const missing = withCode(mine, 'missing-on-delete');
    assert.deepEqual(
      missing.map((d) => d.range.start.line).sort((a, b) => a - b),
      [lineWhere(document, lines.questionEvent), lineWhere(document, lines.questionUser), lineWhere(document, lines.tradeCreatedBy)],
      `missing-on-delete should be on Question.event, Question.user and SignalTrade.createdBy only (Vote's relations have onDelete):\n${describeDiagnostics(mine)}`,
    );
    for (const d of missing) {
      assert.equal(d.range.start.line, d.range.end.line, 'a relation finding spans its field line');
      assert.ok(d.range.end.character > d.range.start.character, 'the range is not empty');
      assert.equal(d.severity, vscode.DiagnosticSeverity.Warning);
      assert.ok(typeof d.code === 'object' && d.code.target, 'the diagnostic links its rule documentation (codeDescription.href)');
    }
    assert.match(document.getText(missing[0]!.range), /event/, 'the range covers the relation field');

    const unindexed = withCode(mine, 'unindexed-foreign-key');
    assert.equal(unindexed.length, 1, `only Question.eventId is unindexed (userId, questionId, createdById are covered):\n${describeDiagnostics(mine)}`);
    const line = unindexed[0]!.range.start.line;
    assert.ok(
      [lineWhere(document, lines.questionEventId), lineWhere(document, lines.questionEvent)].includes(line),
      `unindexed-foreign-key should be on Question.eventId or its relation, not line ${line + 1}`,
    );
    assert.equal(
      mine.filter((d) => d.severity === vscode.DiagnosticSeverity.Error).length,
      0,
      `the fixture is a valid schema:\n${describeDiagnostics(mine)}`,
    );
  });

  define('the quick fix "Add @@index([eventId])" adds the index and the finding goes away', async function () {
    const s = state();
    const document = await openFixture(s);
    const diagnostics = await waitForDiagnostics(s.uri, fixtureReviewed, 'the fixture findings');
    const [finding] = withCode(diagnostics, 'unindexed-foreign-key');
    const actions = await codeActions(s.uri, finding!.range);
    const fix = actions.find((a) => a.title === 'Add @@index([eventId])');
    assert.ok(fix, `no "Add @@index([eventId])" among: ${actions.map((a) => a.title).join(' | ')}`);
    assert.ok(fix.kind && vscode.CodeActionKind.QuickFix.contains(fix.kind), 'the fix is a quickfix');
    await applyCodeAction(fix);

    const text = document.getText();
    assert.match(modelBlock(text, 'Question'), /@@index\(\[eventId\]\)/, 'the index is added to model Question');
    assert.doesNotMatch(modelBlock(text, 'Vote'), /@@index\(\[eventId\]\)/);
    assert.ok(keepsLines(s.original, text), 'the fix only adds lines: every original line (and comment) is kept');
    await waitForDiagnostics(
      s.uri,
      (ds) => withCode(ds, 'unindexed-foreign-key').length === 0 && withCode(ds, 'missing-on-delete').length === 3,
      'unindexed-foreign-key to disappear after the fix',
    );
    const errors = ours(s.uri).filter((d) => d.severity === vscode.DiagnosticSeverity.Error);
    assert.equal(errors.length, 0, `the fixed schema validates:\n${describeDiagnostics(errors)}`);
  });

  define('missing-on-delete offers one fix per valid action; "Cascade" sets it', async function () {
    const s = state();
    const document = await openFixture(s);
    const diagnostics = await waitForDiagnostics(s.uri, fixtureReviewed, 'the fixture findings');
    const eventLine = lineWhere(document, lines.questionEvent);
    const finding = withCode(diagnostics, 'missing-on-delete').find((d) => d.range.start.line === eventLine);
    assert.ok(finding, 'missing-on-delete on Question.event');
    const actions = await codeActions(s.uri, finding.range);
    const titles = actions.map((a) => a.title);
    const cascade = actions.find((a) => /onDelete: Cascade/.test(a.title));
    assert.ok(cascade, `no "…onDelete: Cascade" fix among: ${titles.join(' | ')}`);
    assert.ok(titles.some((t) => /onDelete: Restrict/.test(t)), `no Restrict fix among: ${titles.join(' | ')}`);
    assert.ok(!titles.some((t) => /onDelete: SetNull/.test(t)), 'no SetNull fix on a required relation');
    assert.ok(titles.some((t) => /^Ignore missing-on-delete for this line/.test(t)), `no "Ignore missing-on-delete for this line" among: ${titles.join(' | ')}`);
    const docs = actions.find((a) => /^Show documentation for missing-on-delete/.test(a.title));
    assert.ok(docs?.command, `no "Show documentation for missing-on-delete" command among: ${titles.join(' | ')}`);
    assert.equal(
      await vscode.commands.executeCommand(docs.command.command, ...(docs.command.arguments ?? [])),
      true,
      `"${docs.command.command}" with ${JSON.stringify(docs.command.arguments)} did not open the rule's documentation`,
    );

    await applyCodeAction(cascade);
    const fixedLine = document.lineAt(eventLine).text;
    assert.match(fixedLine, /@relation\(fields: \[eventId\], references: \[id\], onDelete: Cascade\)/, `line is now: ${fixedLine}`);
    assert.ok(keepsLines(s.original, document.getText(), (l) => l.trim() === lines.questionEvent), 'only the relation line changed');
    await waitForDiagnostics(
      s.uri,
      (ds) => withCode(ds, 'missing-on-delete').length === 2 && !withCode(ds, 'missing-on-delete').some((d) => d.range.start.line === eventLine),
      'missing-on-delete on Question.event to disappear',
    );
    const errors = ours(s.uri).filter((d) => d.severity === vscode.DiagnosticSeverity.Error);
    assert.equal(errors.length, 0, `the fixed schema validates:\n${describeDiagnostics(errors)}`);
  });

  define('an optional relation also offers SetNull', async function () {
    const s = state();
    const document = await openFixture(s);
    const diagnostics = await waitForDiagnostics(s.uri, fixtureReviewed, 'the fixture findings');
    const line = lineWhere(document, lines.tradeCreatedBy);
    const finding = withCode(diagnostics, 'missing-on-delete').find((d) => d.range.start.line === line);
    assert.ok(finding, 'missing-on-delete on SignalTrade.createdBy');
    const titles = (await codeActions(s.uri, finding.range)).map((a) => a.title);
    assert.ok(titles.some((t) => /onDelete: SetNull/.test(t)), `no SetNull fix among: ${titles.join(' | ')}`);
  });

  define('hovering a finding explains it and links the rule documentation', async function () {
    const s = state();
    const document = await openFixture(s);
    const diagnostics = await waitForDiagnostics(s.uri, fixtureReviewed, 'the fixture findings');
    const eventLine = lineWhere(document, lines.questionEvent);
    const finding = withCode(diagnostics, 'missing-on-delete').find((d) => d.range.start.line === eventLine)!;
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', s.uri, finding.range.start.translate(0, 1));
    const text = (hovers ?? [])
      .flatMap((h) => h.contents)
      .map((c) => (typeof c === 'string' ? c : c.value))
      .join('\n');
    assert.match(text, /missing-on-delete/, `hover text: ${text}`);
    assert.match(text, /\]\((file|https?):[^)]*missing-on-delete\.md\)/, `the hover links the rule's .md: ${text}`);
  });

  define('"Ignore missing-on-delete for this line" inserts the comment and silences that finding only', async function () {
    const s = state();
    const document = await openFixture(s);
    const diagnostics = await waitForDiagnostics(s.uri, fixtureReviewed, 'the fixture findings');
    const userLine = lineWhere(document, lines.questionUser);
    const finding = withCode(diagnostics, 'missing-on-delete').find((d) => d.range.start.line === userLine)!;
    const actions = await codeActions(s.uri, finding.range);
    const ignore = actions.find((a) => a.title === 'Ignore missing-on-delete for this line');
    assert.ok(ignore, `no "Ignore missing-on-delete for this line" among: ${actions.map((a) => a.title).join(' | ')}`);
    await applyCodeAction(ignore);
    assert.equal(document.lineAt(userLine).text, '  // schema-review-ignore missing-on-delete', 'the comment goes on the line before, indented like it');
    const after = await waitForDiagnostics(
      s.uri,
      (ds) => withCode(ds, 'missing-on-delete').length === 2,
      'the ignored finding to disappear',
    );
    const userLineNow = lineWhere(document, lines.questionUser);
    assert.ok(!withCode(after, 'missing-on-delete').some((d) => d.range.start.line === userLineNow), 'Question.user is silenced');
    assert.equal(withCode(after, 'unindexed-foreign-key').length, 1, 'other findings stay');
  });

  define('"Fix all" on save (editor.codeActionsOnSave) applies the safe fixes', async function () {
    const s = state();
    const document = await openFixture(s); // saved before the setting is on
    await waitForDiagnostics(s.uri, fixtureReviewed, 'the fixture findings');
    const editor = vscode.workspace.getConfiguration('editor', { languageId: 'prisma' });
    await editor.update('codeActionsOnSave', { 'source.fixAll.schemaReview': 'explicit' }, vscode.ConfigurationTarget.Workspace, true);
    try {
      const edit = new vscode.WorkspaceEdit();
      edit.insert(s.uri, new vscode.Position(0, 0), '// reviewed\n');
      assert.ok(await vscode.workspace.applyEdit(edit));
      // Save once the server has reviewed the edited text (its findings one line down), as a user saves after the
      // squiggles caught up: fix-all waits only so long (FIX_ALL_WAIT_MS) for a review a loaded machine may not finish.
      const eventLine = lineWhere(document, lines.questionEvent);
      await waitForDiagnostics(s.uri, (d) => withCode(d, 'missing-on-delete').some((x) => x.range.start.line === eventLine), 'the review of the edited text');
      assert.ok(await document.save(), 'save failed');
      const text = document.getText();
      assert.match(modelBlock(text, 'Question'), /@@index\(\[eventId\]\)/, 'saving applied the safe index fix');
      assert.equal(text.split('onDelete').length, s.original.split('onDelete').length, 'saving applied no unsafe fix');
    } finally {
      await editor.update('codeActionsOnSave', undefined, vscode.ConfigurationTarget.Workspace, true);
    }
  });

  define('source.fixAll.schemaReview applies the safe fixes only', async function () {
    const s = state();
    const document = await openFixture(s);
    await waitForDiagnostics(s.uri, fixtureReviewed, 'the fixture findings');
    const actions = await codeActions(s.uri, fullRange(document), 'source.fixAll.schemaReview');
    const fixAll = actions.find((a) => a.kind && vscode.CodeActionKind.SourceFixAll.append('schemaReview').contains(a.kind));
    assert.ok(fixAll, `no source.fixAll.schemaReview action among: ${actions.map((a) => `${a.title} (${a.kind?.value})`).join(' | ')}`);
    await applyCodeAction(fixAll);
    const text = document.getText();
    assert.match(modelBlock(text, 'Question'), /@@index\(\[eventId\]\)/, 'the safe index fix is applied');
    assert.equal(text.split('onDelete').length, s.original.split('onDelete').length, 'unsafe referential-action fixes are not applied by fix-all');
    await waitForDiagnostics(s.uri, (ds) => withCode(ds, 'unindexed-foreign-key').length === 0, 'unindexed-foreign-key to disappear after fix-all');
  });

  define("Prisma's own validation errors are reported (schemaReview.prisma.validation = on)", async function () {
    const s = state();
    const document = await openFixture(s);
    await waitForDiagnostics(s.uri, fixtureReviewed, 'the fixture findings');
    const at = new vscode.Position(lineWhere(document, 'body      String'), 0);
    const edit = new vscode.WorkspaceEdit();
    edit.insert(s.uri, at, '  notes     Txt\n');
    assert.ok(await vscode.workspace.applyEdit(edit));
    const diagnostics = await waitForDiagnostics(
      s.uri,
      (ds) => ds.some((d) => d.severity === vscode.DiagnosticSeverity.Error && d.range.start.line === at.line),
      'an error on the field with an unknown type',
    );
    const error = diagnostics.find((d) => d.severity === vscode.DiagnosticSeverity.Error)!;
    assert.match(error.message, /Txt/, `the error names the unknown type: ${error.message}`);
  });

  define('"Audit workspace database" opens the report view; a finding in it opens its file at the line', async function () {
    const s = state();
    await openFixture(s);
    const result = await vscode.commands.executeCommand<AuditResult | undefined>('schemaReview.auditWorkspace');
    assert.ok(result, 'the command returned no result (server down or audit failed: see the Schema Review log)');
    assert.equal(result.cancelled, false);
    assert.ok(result.files >= 1, `files: ${result.files}`);
    assert.ok(result.findings >= 4, `findings: ${result.findings}`);
    assert.match(result.markdown, /missing-on-delete/);
    assert.match(result.markdown, /unindexed-foreign-key/);
    assert.equal(result.areas.length, 6, 'a score for every area');
    const api = vscode.extensions.all.find((e) => e.packageJSON?.name === 'schema-review')?.exports as
      | { reportPanel(): { totals: { findings: number }; handleMessage(m: unknown): Promise<void> } | undefined }
      | undefined;
    const panel = api?.reportPanel();
    assert.ok(panel, 'the report view is open');
    assert.equal(panel.totals.findings, result.findings, 'the view shows every finding');
    const report = result.report as {
      root: string;
      files: { path: string; language: string }[];
      findings: { rule: string; file: string; range: { start: { line: number; column: number } } }[];
    };
    // The audit covers every language of the workspace, each finding in its own file.
    const where = new Set(report.findings.map((f) => `${f.rule} ${f.file}`));
    for (const expected of [
      'missing-on-delete prisma/schema.prisma',
      'unindexed-foreign-key prisma/schema.prisma',
      'missing-on-delete bot/src/schema.ts',
      'unindexed-foreign-key supabase/migrations/20240101000000_init.sql',
      'index-not-concurrent supabase/migrations/20240201000000_indexes.sql',
      'multi-write-without-transaction src/lib/auth-server.ts',
    ]) {
      assert.ok(where.has(expected), `the report has no ${expected}; it has:\n  ${[...where].sort().join('\n  ')}`);
    }
    const languages = new Set(report.files.map((f) => f.language));
    for (const language of ['prisma', 'drizzle', 'sql', 'code']) assert.ok(languages.has(language), `no ${language} file reviewed: ${[...languages].join(', ')}`);
    assert.equal(result.findings, report.findings.length, 'the count is the number of findings in the report');
    assert.match(result.markdown, /index-not-concurrent/);
    assert.match(result.markdown, /multi-write-without-transaction/);
    const target = report.findings.find((f) => f.rule === 'missing-on-delete')!;
    await panel.handleMessage({ type: 'open', file: target.file, line: target.range.start.line, column: target.range.start.column });
    const editor = vscode.window.activeTextEditor;
    assert.ok(editor, 'an editor is active');
    assert.ok(editor.document.uri.fsPath.endsWith(target.file.split('/').join(require('node:path').sep)), editor.document.uri.fsPath);
    assert.equal(editor.selection.active.line, target.range.start.line - 1, 'the cursor is on the finding');
  });

  define('"Show rule documentation" opens the rule\'s Markdown and refuses an unknown rule', async function () {
    assert.equal(await vscode.commands.executeCommand<boolean>('schemaReview.showRuleDoc', 'missing-on-delete'), true);
    assert.equal(await vscode.commands.executeCommand<boolean>('schemaReview.showRuleDoc', 'no-such-rule'), false);
  });

  define('"Restart server" brings the diagnostics back', async function () {
    const s = state();
    await openFixture(s);
    assert.equal(await vscode.commands.executeCommand<boolean>('schemaReview.restartServer'), true);
    await waitForDiagnostics(s.uri, fixtureReviewed, 'the findings after a restart');
  });
}

export { codeOf };
