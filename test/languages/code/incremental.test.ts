/**
 * Incremental code analysis: a `CodeAnalyzer` keeps per-file results and re-parses only changed files and
 * the files whose client bindings depend on them; every result must equal a fresh `analyzeCode`.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Database } from '../../../rules/model';
import { analyzeCode, CodeAnalyzer, discoverCode } from '../../../server/src/languages/code';
import type { SourceReader } from '../../../server/src/languages/types';
import { codeFile, prismaDatabase } from './helpers';

const DB = '/app/src/lib/db.ts';
const USERS = '/app/src/services/users.ts';
const SIGNUP = '/app/src/routes/signup.ts';
const ADMIN = '/app/src/routes/admin.ts';
const UNRELATED = '/app/src/routes/health.ts';

function workspace(): Map<string, string> {
  return new Map([
    [DB, `import { PrismaClient } from '@prisma/client';\nexport const prisma = new PrismaClient();\n`],
    [
      USERS,
      `import { prisma } from '../lib/db';\n` +
        `export async function createUser(email: string) {\n  return prisma.user.create({ data: { email } });\n}\n` +
        `export async function listUsers() {\n  return prisma.user.findMany();\n}\n`,
    ],
    [
      SIGNUP,
      `import { createUser } from '../services/users';\nimport { prisma } from '../lib/db';\n` +
        `export async function signup(email: string) {\n  await createUser(email);\n  await sendWelcome(email);\n  await prisma.auditLog.create({ data: { email } });\n}\n` +
        `async function sendWelcome(email: string) {\n  return email;\n}\n`,
    ],
    [
      ADMIN,
      `import * as dbm from '../lib/db';\n// schema-review-ignore-next-line no-unbounded-query\n` +
        `export async function wipe() {\n  await dbm.prisma.user.deleteMany();\n}\n`,
    ],
    [UNRELATED, `import { prisma } from '../lib/db';\nexport async function ping() {\n  return prisma.$queryRaw\`SELECT 1\`;\n}\n`],
  ]);
}

/** A reader over an in-memory workspace; unchanged files keep their string instance, as the server's readers do. */
function readerOf(files: Map<string, string>): SourceReader {
  return { read: (p) => files.get(p) };
}

function check(analyzer: CodeAnalyzer, files: Map<string, string>, databases: Database[] = [], list = [...files.keys()].sort()) {
  const reader = readerOf(files);
  const result = analyzer.analyze(list, reader, databases);
  const fresh = analyzeCode(list, reader, databases);
  assert.deepEqual(result, fresh, 'incremental result equals a fresh analysis');
  return result;
}

function primed(files = workspace()): { analyzer: CodeAnalyzer; files: Map<string, string> } {
  const analyzer = new CodeAnalyzer();
  check(analyzer, files);
  assert.equal(analyzer.parsedFiles.length, files.size, 'the first run parses every file');
  return { analyzer, files };
}

describe('incremental code analysis', () => {
  it('parses nothing again when nothing changed', () => {
    const { analyzer, files } = primed();
    const result = check(analyzer, files);
    assert.deepEqual(analyzer.parsedFiles, []);
    assert.equal(codeFile(result.codeFiles, 'signup.ts').writingCalls.length, 1);
  });

  it('a function that stops writing updates the writing calls of its callers without re-parsing them', () => {
    const { analyzer, files } = primed();
    const before = check(analyzer, files);
    assert.deepEqual(codeFile(before.codeFiles, 'signup.ts').writingCalls.map((w) => w.callee), ['createUser']);
    assert.deepEqual(codeFile(before.codeFiles, 'signup.ts').otherAwaits?.map((a) => a.expression), ['sendWelcome(…)']);
    files.set(USERS, files.get(USERS)!.replace('prisma.user.create({ data: { email } })', 'prisma.user.findFirst({ where: { email } })'));
    const after = check(analyzer, files);
    assert.deepEqual(analyzer.parsedFiles, [USERS]);
    assert.deepEqual(codeFile(after.codeFiles, 'signup.ts').writingCalls, []);
    // createUser no longer writes: it becomes another await next to the audit log write.
    assert.deepEqual(codeFile(after.codeFiles, 'signup.ts').otherAwaits?.map((a) => a.expression), ['createUser(…)', 'sendWelcome(…)']);
    // And back: the writing call returns.
    files.set(USERS, workspace().get(USERS)!);
    const again = check(analyzer, files);
    assert.deepEqual(codeFile(again.codeFiles, 'signup.ts').writingCalls.map((w) => w.callee), ['createUser']);
  });

  it('renaming the client export re-walks every importer of it (named and namespace imports)', () => {
    const { analyzer, files } = primed();
    files.set(DB, `import { PrismaClient } from '@prisma/client';\nexport const db = new PrismaClient();\n`);
    const after = check(analyzer, files);
    assert.deepEqual([...analyzer.parsedFiles].sort(), [ADMIN, SIGNUP, DB, USERS, UNRELATED].sort());
    for (const f of after.codeFiles) assert.deepEqual(f.calls, [], `${f.file} has no client any more`);
    assert.deepEqual(codeFile(after.codeFiles, 'signup.ts').writingCalls, []);
    // Renaming it back restores the facts.
    files.set(DB, workspace().get(DB)!);
    const again = check(analyzer, files);
    assert.equal(codeFile(again.codeFiles, 'admin.ts').calls[0]?.operation, 'deleteMany');
    assert.equal(codeFile(again.codeFiles, 'health.ts').calls[0]?.operation, '$queryRaw');
  });

  it('a change in the client module that keeps its exports re-walks only that module', () => {
    const { analyzer, files } = primed();
    files.set(DB, files.get(DB)! + `// a comment\nexport const VERSION = 1;\n`);
    check(analyzer, files);
    assert.deepEqual(analyzer.parsedFiles, [DB]);
  });

  it('a removed file changes how its importers resolve', () => {
    const { analyzer, files } = primed();
    const list = [...files.keys()].filter((f) => f !== USERS).sort();
    const after = check(analyzer, files, [], list);
    assert.deepEqual(analyzer.parsedFiles, [SIGNUP]);
    assert.deepEqual(codeFile(after.codeFiles, 'signup.ts').writingCalls, []);
    // Added back: resolves again.
    const again = check(analyzer, files);
    assert.deepEqual(analyzer.parsedFiles, [SIGNUP, USERS].sort());
    assert.deepEqual(codeFile(again.codeFiles, 'signup.ts').writingCalls.map((w) => w.callee), ['createUser']);
  });

  it('a file that becomes a client module is taken into account by its importers', () => {
    const { analyzer, files } = primed();
    // health.ts now binds its own client under the imported name's place: a local client shadows nothing,
    // but a new module re-exporting the client changes what routes importing it see.
    files.set('/app/src/lib/index.ts', `export { prisma as client } from './db';\n`);
    files.set(UNRELATED, `import { client } from '../lib';\nexport async function ping() {\n  return client.user.count();\n}\n`);
    const after = check(analyzer, files);
    assert.deepEqual([...analyzer.parsedFiles].sort(), ['/app/src/lib/index.ts', UNRELATED]);
    assert.equal(codeFile(after.codeFiles, 'health.ts').calls[0]?.operation, 'count');
  });

  it('a change of the Prisma models re-walks the files', () => {
    const { analyzer, files } = primed();
    const after = check(analyzer, files, [prismaDatabase(['User'])]);
    assert.equal(analyzer.parsedFiles.length, files.size);
    // auditLog is not a model: not a database call.
    assert.deepEqual(codeFile(after.codeFiles, 'signup.ts').calls, []);
    check(analyzer, files, [prismaDatabase(['User'])]);
    assert.deepEqual(analyzer.parsedFiles, []);
  });

  it('keeps the suppressions of files it does not re-parse', () => {
    const { analyzer, files } = primed();
    files.set(USERS, files.get(USERS)! + '\n');
    const after = check(analyzer, files);
    assert.deepEqual(analyzer.parsedFiles, [USERS]);
    assert.equal(after.suppressions.length, 1);
    assert.equal(after.suppressions[0].loc.file, ADMIN);
  });

  it('a file that fails to read is dropped and comes back', () => {
    const { analyzer, files } = primed();
    const text = files.get(USERS)!;
    files.delete(USERS);
    const after = check(analyzer, files, [], [...workspace().keys()].sort());
    assert.equal(after.codeFiles.some((f) => f.file === USERS), false);
    files.set(USERS, text);
    check(analyzer, files);
    assert.deepEqual(analyzer.parsedFiles, [USERS]);
  });

  it('a tsconfig paths change re-resolves the imports that go through it', () => {
    const files = workspace();
    const TSCONFIG = '/app/tsconfig.json';
    files.set(TSCONFIG, JSON.stringify({ compilerOptions: { baseUrl: '.', paths: { '@/*': ['src/*'] } } }));
    files.set(UNRELATED, `import { prisma } from '@/lib/db';\nexport async function ping() {\n  return prisma.user.count();\n}\n`);
    const analyzer = new CodeAnalyzer();
    const list = [...files.keys()].filter((f) => f !== TSCONFIG).sort();
    const before = check(analyzer, files, [], list);
    assert.equal(codeFile(before.codeFiles, 'health.ts').calls[0]?.operation, 'count');
    check(analyzer, files, [], list);
    assert.deepEqual(analyzer.parsedFiles, []);
    files.set(TSCONFIG, JSON.stringify({ compilerOptions: { baseUrl: '.', paths: { '@/*': ['lib/*'] } } }));
    const after = check(analyzer, files, [], list);
    assert.deepEqual(analyzer.parsedFiles, [UNRELATED]);
    assert.deepEqual(codeFile(after.codeFiles, 'health.ts').calls, []);
  });

  it('test files are not reviewed: *.test.*, *.spec.*, *.e2e-spec.*, __tests__/ and __mocks__/', () => {
    const repo = `import { prisma } from '../lib/db';\nexport const wipe = () => prisma.user.deleteMany();\n`;
    const files = new Map([
      ['/d/lib/db.ts', `import { PrismaClient } from '@prisma/client';\nexport const prisma = new PrismaClient();\n`],
      ['/d/lib/users.ts', repo],
      ['/d/lib/users.test.ts', repo],
      ['/d/lib/users.spec.tsx', repo],
      ['/d/e2e/users.e2e-spec.ts', repo],
      ['/d/__tests__/user-repository.ts', `import { PrismaClient } from '@prisma/client';\nconst prisma = new PrismaClient();\nbeforeEach(() => prisma.user.deleteMany());\n`],
      ['/d/lib/__mocks__/db.ts', `import { PrismaClient } from '@prisma/client';\nexport const prisma = {} as PrismaClient;\n`],
      // A folder named test is not test code by itself (a helper module, or a whole project living in one).
      ['/d/test/seed-helpers.ts', repo],
      ['/d/lib/contest.ts', repo],
    ]);
    const list = [...files.keys()].sort();
    assert.deepEqual(discoverCode(list, readerOf(files))[0]?.files, ['/d/lib/contest.ts', '/d/lib/db.ts', '/d/lib/users.ts', '/d/test/seed-helpers.ts']);
  });

  it('discovery follows a file that starts or stops importing a database module', () => {
    const files = new Map([
      ['/d/src/db.ts', `import { PrismaClient } from '@prisma/client';\nexport const prisma = new PrismaClient();\n`],
      ['/d/src/util.ts', `export const add = (a: number, b: number) => a + b;\n`],
      ['/d/src/page.ts', `import { add } from './util';\nexport const x = add(1, 2);\n`],
      ['/d/src/other.ts', `import { readFileSync } from 'node:fs';\nexport const y = readFileSync;\n`],
    ]);
    const list = [...files.keys()].sort();
    const unitFiles = () => discoverCode(list, readerOf(files))[0]?.files ?? [];
    assert.deepEqual(unitFiles(), ['/d/src/db.ts']);
    files.set('/d/src/util.ts', `import { prisma } from './db';\nexport const add = (a: number, b: number) => a + b;\nexport const users = () => prisma.user.findMany();\n`);
    // util.ts imports the database module now, and page.ts imports util.ts.
    assert.deepEqual(unitFiles(), ['/d/src/db.ts', '/d/src/page.ts', '/d/src/util.ts']);
    files.set('/d/src/util.ts', `export const add = (a: number, b: number) => a + b;\n`);
    assert.deepEqual(unitFiles(), ['/d/src/db.ts']);
    files.set('/d/src/other.ts', `import { PrismaClient } from '@prisma/client';\nexport const client = new PrismaClient();\n`);
    assert.deepEqual(discoverCode(list, readerOf(files))[0]?.hints?.clientModules, ['/d/src/db.ts', '/d/src/other.ts']);
  });
});
