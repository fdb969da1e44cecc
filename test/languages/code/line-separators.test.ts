/**
 * LSP positions break lines at `\n`, `\r\n` and `\r` only; TypeScript's own line table also breaks at U+2028 and
 * U+2029. A U+2028/U+2029 inside a string literal must not move later findings nor the fix's edits.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { multiWriteWithoutTransaction } from '../../../rules/transactions/multi-write-without-transaction';
import { codeFrontEnd, describeWrap } from '../../../server/src/languages/code';
import type { TextEdit } from '../../../server/src/languages/types';
import { runRule, span } from '../../helpers/code-model';
import { analyzeText, syntaxErrors } from './helpers';

/** Applies LSP edits to a text, lines broken at `\n`, `\r\n` and `\r` (written here independently of the server). */
function applyLspEdits(text: string, edits: readonly TextEdit[]): string {
  const starts = [0];
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '\r' && text[i + 1] === '\n') i++;
    if (c === '\n' || c === '\r') starts.push(i + 1);
  }
  const off = (p: { line: number; character: number }) => starts[p.line]! + p.character;
  const sorted = [...edits].sort((a, b) => off(b.range.start) - off(a.range.start));
  let out = text;
  for (const e of sorted) out = out.slice(0, off(e.range.start)) + e.newText + out.slice(off(e.range.end));
  return out;
}

const LINES = [
  "import { PrismaClient } from '@prisma/client';",
  'const prisma = new PrismaClient();',
  '',
  'export async function register(email: string) {',
  "  const greeting = 'Hello\u2028world';",
  '  const note = "a\u2029b"; /* tag \u2029 done */',
  '  const user = await prisma.user.create({ data: { email, greeting } });',
  '  await prisma.account.create({ data: { userId: user.id, note } });',
  '  return user.id;',
  '}',
  '',
];

const WRAPPED = [
  ...LINES.slice(0, 6),
  '  const user = await prisma.$transaction(async (tx) => {',
  '    const user = await tx.user.create({ data: { email, greeting } });',
  '    await tx.account.create({ data: { userId: user.id, note } });',
  '    return user;',
  '  });',
  ...LINES.slice(8),
];

for (const [name, eol] of [['LF', '\n'], ['CRLF', '\r\n'], ['CR', '\r']] as const) {
  describe(`code front-end: U+2028/U+2029 in strings (${name} line ends)`, () => {
    const text = LINES.join(eol);
    const { file, reader } = analyzeText(text);

    it('facts keep their LSP lines', () => {
      const create = file.calls.find((c) => c.operation === 'create' && c.model === 'user');
      assert.ok(create, 'user.create found');
      assert.equal(span(create.loc), '6:21-6:70');
      assert.equal(span(create.statementLoc), '6:2-6:71');
      const account = file.calls.find((c) => c.model === 'account');
      assert.ok(account, 'account.create found');
      assert.equal(span(account.statementLoc), '7:2-7:67');
    });

    it('multi-write-without-transaction reports at the exact position', () => {
      const [finding, ...rest] = runRule(multiWriteWithoutTransaction, { codeFiles: [file] });
      assert.equal(rest.length, 0);
      assert.ok(finding);
      assert.equal(span(finding.loc), '6:2-7:67');
    });

    it('an ignore comment after a U+2028 string targets the next LSP line', () => {
      const lines = [...LINES.slice(0, 6), "  const t = 'x\u2028y'; // schema-review-ignore multi-write-without-transaction", ...LINES.slice(6)];
      const { analysis } = analyzeText(lines.join(eol));
      assert.deepEqual(analysis.suppressions.map((x) => [x.loc.range.start.line, x.loc.range.start.character, x.targetLine]), [[6, 19, 6]]);
      const above = [...LINES.slice(0, 6), '  // schema-review-ignore multi-write-without-transaction', ...LINES.slice(6)];
      const { analysis: a2 } = analyzeText(above.join(eol));
      assert.deepEqual(a2.suppressions.map((x) => [x.loc.range.start.line, x.loc.range.start.character, x.targetLine]), [[6, 2, 7]]);
    });

    it('the wrap fix edits the right lines', () => {
      const edits = codeFrontEnd.writeFix({ kind: 'wrapInTransaction', file, calls: file.calls, transactionClient: 'tx' }, reader);
      assert.ok(edits && edits.length === 1);
      const after = applyLspEdits(text, edits[0]!.edits);
      assert.equal(syntaxErrors(file.file, after), 0);
      // The wrap writes `\n` and indents by `\n`-lines: a CR-only file gets the right place, not the indentation.
      if (eol === '\r') assert.ok(after.startsWith(LINES.slice(0, 6).join(eol) + eol + WRAPPED[6]));
      else assert.equal(after.split(/\r\n|\r|\n/).join('\n'), WRAPPED.join('\n'));
    });

    it('describeWrap measures the wrapped statements in the same lines as the facts', () => {
      const more = [...LINES.slice(0, 8), '  await notify(user.id);', ...LINES.slice(8)].join(eol);
      const { file: f, reader: r } = analyzeText(`declare function notify(id: string): Promise<void>;${more}`);
      const d = describeWrap(f, f.calls, r);
      assert.deepEqual(d.nonDatabaseAwaits, []);
      const wider = describeWrap(f, f.calls, r, [f.otherAwaits![0]!.loc]);
      assert.deepEqual(wider.nonDatabaseAwaits, ['notify(…)']);
    });
  });
}
