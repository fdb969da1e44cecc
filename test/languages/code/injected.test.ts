import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { analyzeFixture, codeFile, FIXTURES, line } from './helpers';

const NEST_APP = `${FIXTURES}/nest-app`;

describe('calls of injected services that write (NestJS constructor injection)', () => {
  const { analysis } = analyzeFixture(NEST_APP);
  const service = codeFile(analysis.codeFiles, 'users/users.service.ts');

  it('this.users.createUser / createAccount are writing calls (the repository writes through its client)', () => {
    assert.deepEqual(
      service.writingCalls.map((w) => `${line(w)}:${w.callee}:${w.enclosingFunction}`),
      [
        '15:this.users.createUser:signUp',
        '16:this.users.createAccount:signUp',
        '23:this.users.createUser:signUpInOneTransaction<callback>',
        '24:this.users.createAccount:signUpInOneTransaction<callback>',
      ],
    );
  });

  it('a call that passes the transaction client is marked as through it; the logger is not a writing call', () => {
    const inTx = service.writingCalls.filter((w) => w.transaction);
    assert.deepEqual(inTx.map((w) => [w.callee, !!w.viaTransactionClient]), [
      ['this.users.createUser', true],
      ['this.users.createAccount', false],
    ]);
    assert.ok(!service.writingCalls.some((w) => w.callee.includes('logger')));
  });
});
