/**
 * Ignore comments as users write them (and as the "Ignore … for this line" action writes them): each applies once,
 * stacked comments all apply to the code line below them, and none is called unused while it suppresses something.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { cli } from '../helpers/cli';
import { ignoreFileEdit, ignoreLineEdit } from '../../server/src/codeActions';
import { writeFiles } from '../helpers/workspace';

async function audit(dir: string) {
  const report = JSON.parse((await cli(['audit', '.', '--format', 'json', '--no-prisma-validation'], dir)).stdout);
  return { rules: (report.findings as { rule: string }[]).map((f) => f.rule).sort(), problems: (report.problems as { code: string; message: string }[]).map((p) => p.code) };
}

describe('ignore comments', () => {
  it('in a Drizzle schema file (read as a schema and as code): suppresses, and is not called unused', async () => {
    const dir = writeFiles({
      'drizzle.config.ts': `export default { dialect: 'postgresql', schema: './schema.ts' };\n`,
      'schema.ts': `import { pgTable, uuid, index } from 'drizzle-orm/pg-core';

export const teams = pgTable('teams', { id: uuid('id').primaryKey() });

export const members = pgTable('members', {
  id: uuid('id').primaryKey(),
  // schema-review-ignore missing-on-delete
  teamId: uuid('team_id').notNull().references(() => teams.id),
}, (t) => [index('members_team_id_idx').on(t.teamId)]);
`,
    });
    const { rules, problems } = await audit(dir);
    assert.deepEqual(rules, []);
    assert.deepEqual(problems, [], 'no unused-ignore');
  });

  it('stacked on consecutive lines, each applies to the code line below the stack', async () => {
    const dir = writeFiles({
      'prisma/schema.prisma': `datasource db {
  provider = "postgresql"
}

model User {
  id    Int    @id
  posts Post[]
}

model Post {
  id       Int  @id
  authorId Int
  // schema-review-ignore missing-on-delete
  // schema-review-ignore unindexed-foreign-key
  author   User @relation(fields: [authorId], references: [id])
}
`,
    });
    const { rules, problems } = await audit(dir);
    assert.deepEqual(rules, []);
    assert.deepEqual(problems, []);
  });

  it('an ignore comment that suppresses nothing is still reported', async () => {
    const dir = writeFiles({
      'prisma/schema.prisma': `datasource db {
  provider = "postgresql"
}

model User {
  // schema-review-ignore missing-on-delete
  id Int @id
}
`,
    });
    assert.deepEqual((await audit(dir)).problems, ['unused-ignore']);
  });

  it('a stale or misspelt ignore comment fails CI at its severity, as the summary line counts it (--fail-on info / warning)', async () => {
    const stale = writeFiles({ 'db/migrations/001_init.sql': '-- schema-review-ignore missing-primary-key\nCREATE TABLE orders (id bigint PRIMARY KEY);\n' });
    const info = await cli(['audit', '.', '--fail-on', 'info'], stale);
    assert.match(info.stdout, /1 problem \(0 errors, 0 warnings, 1 info\)/);
    assert.equal(info.code, 1);
    assert.equal((await cli(['audit', '.', '--fail-on', 'warning'], stale)).code, 0);
    const misspelt = writeFiles({ 'db/migrations/001_init.sql': '-- schema-review-ignore missing-primary-keys\nCREATE TABLE orders (id bigint PRIMARY KEY);\n' });
    assert.equal((await cli(['audit', '.', '--fail-on', 'warning'], misspelt)).code, 1);
    assert.equal((await cli(['audit', '.'], misspelt)).code, 0);
  });
});

describe('ignore comments written by the quick fixes', () => {
  it('end their line as the file does (CRLF stays CRLF)', () => {
    const crlf = 'model A {\r\n  id Int @id\r\n}\r\n';
    assert.equal(ignoreLineEdit(crlf, 1, 'backup-table', 'prisma').newText, '  // schema-review-ignore backup-table\r\n');
    assert.equal(ignoreFileEdit(crlf, 'backup-table', 'prisma').newText, '// schema-review-ignore-file backup-table\r\n');
    assert.equal(ignoreLineEdit('create table a (id int);\n', 0, 'missing-primary-key', 'sql').newText, '-- schema-review-ignore missing-primary-key\n');
  });
});
