import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { codeFrontEnd } from '../../../server/src/languages/code';
import { analyzeText, applyEdits, syntaxErrors } from './helpers';

describe('wrapInTransaction keeps a trailing comment on the line it annotates', () => {
  const text = [
    "import { PrismaClient } from '@prisma/client';",
    'const prisma = new PrismaClient();',
    '',
    'export async function register(email: string) {',
    '  const user = await prisma.user.create({ data: { email } }); // the login',
    "  await prisma.account.create({ data: { userId: user.id, provider: 'github' } }); // its GitHub link",
    '  return user.id;',
    '}',
    '',
  ].join('\n');
  const { file, reader } = analyzeText(text);
  const edits = codeFrontEnd.writeFix({ kind: 'wrapInTransaction', file, calls: file.calls, transactionClient: 'tx' }, reader);
  const after = applyEdits(text, edits![0].edits);

  it('the last statement keeps its comment inside the callback, not after `});`', () => {
    assert.equal(syntaxErrors(file.file, after), 0);
    assert.match(after, /await tx\.account\.create\(\{ data: \{ userId: user\.id, provider: 'github' \} \}\); \/\/ its GitHub link\n/);
    assert.match(after, /const user = await tx\.user\.create\(\{ data: \{ email \} \}\); \/\/ the login\n/);
    assert.doesNotMatch(after, /\n {2}\}\); \/\/ its GitHub link/);
    assert.match(after, /\n {2}\}\);\n {2}return user\.id;/);
  });
});
