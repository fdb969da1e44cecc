/** Helpers for tests that run inside the extension host: event-driven waits, code actions, text checks. */
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';

export const source = 'schema-review';

export function codeOf(diagnostic: vscode.Diagnostic): string | undefined {
  const code = diagnostic.code;
  if (code === undefined) return undefined;
  return typeof code === 'object' ? String(code.value) : String(code);
}

export function ours(uri: vscode.Uri): vscode.Diagnostic[] {
  return vscode.languages.getDiagnostics(uri).filter((d) => d.source === source);
}

export function describeDiagnostics(diagnostics: readonly vscode.Diagnostic[]): string {
  if (diagnostics.length === 0) return '(none)';
  return diagnostics
    .map((d) => `  [${d.source}] ${codeOf(d) ?? '-'} ${d.range.start.line + 1}:${d.range.start.character + 1}-${d.range.end.line + 1}:${d.range.end.character + 1} ${d.message}`)
    .join('\n');
}

/**
 * Resolves with the document's diagnostics once `predicate` holds, checking now and on every
 * `onDidChangeDiagnostics` for that document; rejects after `timeoutMs` with what was there.
 */
export function waitForDiagnostics(
  uri: vscode.Uri,
  predicate: (diagnostics: vscode.Diagnostic[]) => boolean,
  what: string,
  timeoutMs = 30_000,
): Promise<vscode.Diagnostic[]> {
  return new Promise((resolve, reject) => {
    const check = (): boolean => {
      const diagnostics = vscode.languages.getDiagnostics(uri);
      if (!predicate(diagnostics)) return false;
      cleanup();
      resolve(diagnostics);
      return true;
    };
    const subscription = vscode.languages.onDidChangeDiagnostics((event) => {
      if (event.uris.some((u) => u.toString() === uri.toString())) check();
    });
    const timer = setTimeout(() => {
      cleanup();
      reject(
        new Error(
          `Timed out after ${timeoutMs} ms waiting for ${what} in ${uri.path}. Diagnostics:\n` +
            describeDiagnostics(vscode.languages.getDiagnostics(uri)),
        ),
      );
    }, timeoutMs);
    const cleanup = () => {
      clearTimeout(timer);
      subscription.dispose();
    };
    check();
  });
}

export function withCode(diagnostics: readonly vscode.Diagnostic[], code: string): vscode.Diagnostic[] {
  return diagnostics.filter((d) => d.source === source && codeOf(d) === code);
}

/** The 0-based line whose trimmed text equals `trimmed`; fails when there is not exactly one. */
export function lineWhere(document: vscode.TextDocument, trimmed: string): number {
  const lines: number[] = [];
  for (let i = 0; i < document.lineCount; i++) if (document.lineAt(i).text.trim() === trimmed) lines.push(i);
  assert.equal(lines.length, 1, `expected exactly one line "${trimmed}", found ${lines.length}`);
  return lines[0]!;
}

/** The text of `model <name> { … }` (up to its closing brace at the start of a line). */
export function modelBlock(text: string, name: string): string {
  const start = text.indexOf(`model ${name} {`);
  assert.ok(start >= 0, `model ${name} not found`);
  const end = text.indexOf('\n}', start);
  return text.slice(start, end < 0 ? undefined : end + 2);
}

export async function codeActions(
  uri: vscode.Uri,
  range: vscode.Range,
  kind?: string,
): Promise<vscode.CodeAction[]> {
  const result = await vscode.commands.executeCommand<(vscode.CodeAction | vscode.Command)[]>(
    'vscode.executeCodeActionProvider',
    uri,
    range,
    kind,
    50, // resolve edits of up to 50 actions (codeAction/resolve)
  );
  return (result ?? []).filter((a): a is vscode.CodeAction => 'title' in a && !('command' in a && typeof a.command === 'string'));
}

export async function applyCodeAction(action: vscode.CodeAction): Promise<void> {
  assert.ok(action.edit || action.command, `code action "${action.title}" has neither an edit nor a command`);
  if (action.edit) assert.ok(await vscode.workspace.applyEdit(action.edit), `applying "${action.title}" failed`);
  if (action.command) await vscode.commands.executeCommand(action.command.command, ...(action.command.arguments ?? []));
}

/** True when every line of `before` appears in `after` in the same order (the edit only inserted or changed in place). */
export function keepsLines(before: string, after: string, except: (line: string) => boolean = () => false): boolean {
  const a = after.split('\n');
  let j = 0;
  for (const line of before.split('\n')) {
    if (except(line)) continue;
    while (j < a.length && a[j] !== line) j++;
    if (j === a.length) return false;
    j++;
  }
  return true;
}

/** Replaces the whole document with `text` and saves it, so each test starts from the fixture. */
export async function resetDocument(document: vscode.TextDocument, text: string): Promise<void> {
  if (document.getText() !== text) {
    const edit = new vscode.WorkspaceEdit();
    edit.replace(document.uri, new vscode.Range(0, 0, document.lineCount, 0), text);
    assert.ok(await vscode.workspace.applyEdit(edit), 'resetting the document failed');
  }
  if (document.isDirty) await document.save();
}

export function fullRange(document: vscode.TextDocument): vscode.Range {
  return new vscode.Range(0, 0, document.lineCount, 0);
}
