import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { codeFrontEnd } from '../../../server/src/languages/code';
import { analyzeText, applyEdits, syntaxErrors } from './helpers';

const wrap = (text: string) => {
  const { file, reader } = analyzeText(text);
  const writes = file.calls.filter((c) => c.kind === 'write');
  const edits = codeFrontEnd.writeFix({ kind: 'wrapInTransaction', file, calls: writes, transactionClient: 'tx' }, reader);
  return { file, edits, after: edits ? applyEdits(text, edits[0].edits) : undefined };
};

describe('wrapInTransaction and hoisted declarations in the wrapped range', () => {
  it('no wrap when a function declared in the range is called before it (it would no longer be in scope there)', () => {
    const { file, edits } = wrap(`import { PrismaClient } from '@prisma/client';
const prisma = new PrismaClient();

export async function register(email: string) {
  log('registering ' + email);
  const user = await prisma.user.create({ data: { email } });
  function log(message: string) { console.log('[register]', message); }
  await prisma.account.create({ data: { userId: user.id, provider: 'email' } });
}
`);
    assert.equal(file.calls.length, 2);
    assert.equal(edits, undefined);
  });

  it('no wrap when a `var` declared in the range is read before it', () => {
    const { file, edits } = wrap(`import { PrismaClient } from '@prisma/client';
const prisma = new PrismaClient();

export async function register(email: string) {
  if (provider === undefined) console.warn('no provider yet');
  const user = await prisma.user.create({ data: { email } });
  var provider = 'email';
  await prisma.account.create({ data: { userId: user.id, provider } });
}
`);
    assert.equal(file.calls.length, 2);
    assert.equal(edits, undefined);
  });

  it('a function declared in the range and used only inside it is wrapped with the rest', () => {
    const { file, after } = wrap(`import { PrismaClient } from '@prisma/client';
const prisma = new PrismaClient();

export async function register(email: string) {
  const user = await prisma.user.create({ data: { email } });
  function label() { return user.email; }
  await prisma.account.create({ data: { userId: user.id, provider: label() } });
}
`);
    assert.ok(after);
    assert.equal(syntaxErrors(file.file, after), 0);
    assert.match(after, /await prisma\.\$transaction\(async \(tx\) => \{\n {4}const user = await tx\.user\.create/);
  });
});
