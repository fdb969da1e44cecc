import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { FIXTURES, analyzeFixture, codeFile, line } from './helpers';

describe('a module client declared with `let` and assigned in branches (Remix stacks, SvelteKit)', () => {
  it('`let prisma: PrismaClient` assigned in if/else and exported with `export { prisma }` is the client', () => {
    const { analysis } = analyzeFixture(join(FIXTURES, 'remix-app'));
    const notes = codeFile(analysis.codeFiles, '/app/models/note.server.ts');
    assert.deepEqual(notes.calls.map((c) => [line(c), c.client, c.model, c.operation, c.kind]), [
      [4, 'prisma', 'note', 'findMany', 'read'],
      [12, 'prisma', 'note', 'create', 'write'],
      [13, 'prisma', 'user', 'update', 'write'],
    ]);
    // `prisma.$connect()` in the module that declares it is not a query.
    assert.deepEqual(codeFile(analysis.codeFiles, '/app/db.server.ts').calls, []);
  });

  it('an untyped `let db` assigned `drizzle(…)` at the top level of the module is the client, with its driver', () => {
    const { analysis } = analyzeFixture(join(FIXTURES, 'drizzle-let'));
    const todos = codeFile(analysis.codeFiles, '/src/todos.ts');
    assert.deepEqual(todos.calls.map((c) => [line(c), c.client, c.operation, c.driver]), [[5, 'db', 'select', 'drizzle-orm/postgres-js']]);
  });
});
