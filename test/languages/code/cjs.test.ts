import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { analyzeFixture, codeFile, FIXTURES, line } from './helpers';

const APP = `${FIXTURES}/cjs-app`;

describe('CommonJS: `const prisma = require(…)` of a module whose `module.exports` is the client', () => {
  const { analysis } = analyzeFixture(APP);

  it('the required module itself is the client', () => {
    const signup = codeFile(analysis.codeFiles, 'pages/api/signup.js');
    assert.deepEqual(
      signup.calls.map((c) => `${line(c)}:${c.client}.${c.model}.${c.operation}`),
      ['4:prisma.user.create', '5:prisma.account.create'],
    );
  });

  it('also through TypeScript `import prisma = require(…)`', () => {
    const legacy = codeFile(analysis.codeFiles, 'pages/api/legacy.ts');
    assert.deepEqual(legacy.calls.map((c) => `${line(c)}:${c.client}.${c.operation}`), ['5:prisma.deleteMany']);
  });
});
