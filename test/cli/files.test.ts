/**
 * The CLI on files that are not plain UTF-8 or cannot be read: nothing is skipped silently, a fix keeps the file's
 * encoding, and a file whose bytes could not be kept is never written. Each case was found by exploratory testing.
 */
import { describe, it, mock } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import nodeFs from 'node:fs';
import * as path from 'node:path';
import { cli } from '../helpers/cli';
import { writeFiles } from '../helpers/workspace';

const SCHEMA = `datasource db {
  provider = "postgresql"
  url      = env("DATABASE_URL")
}

// café
model User {
  id    Int    @id
  posts Post[]
}

model Post {
  id       Int  @id
  authorId Int
  author   User @relation(fields: [authorId], references: [id])
}
`;

const rulesOf = (stdout: string) => (JSON.parse(stdout).findings as { rule: string }[]).map((f) => f.rule).sort();

describe('files the CLI reads and writes', () => {
  it('reviews a schema with a byte that is not UTF-8 (a Windows-1252 comment), and never writes it', async () => {
    const bytes = Buffer.from(SCHEMA.replace('café', 'caf\xe9'), 'latin1');
    const dir = writeFiles({});
    fs.mkdirSync(path.join(dir, 'prisma'));
    fs.writeFileSync(path.join(dir, 'prisma/schema.prisma'), bytes);
    const res = await cli(['audit', '.', '--format', 'json', '--no-prisma-validation'], dir);
    assert.deepEqual(rulesOf(res.stdout), ['missing-on-delete', 'unindexed-foreign-key']);
    const fixed = await cli(['audit', '.', '--fix', '--no-prisma-validation'], dir);
    assert.deepEqual(fs.readFileSync(path.join(dir, 'prisma/schema.prisma')), bytes, 'the file is untouched');
    assert.match(fixed.stderr, /did not fix prisma\/schema\.prisma: it is not valid UTF-8/);
  });

  it('keeps a UTF-8 BOM and UTF-16 when it fixes a file', async () => {
    for (const [name, encode] of [
      ['bom', (t: string) => Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(t, 'utf8')])],
      ['utf16', (t: string) => Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(t, 'utf16le')])],
    ] as const) {
      const dir = writeFiles({});
      fs.mkdirSync(path.join(dir, 'prisma'));
      const file = path.join(dir, 'prisma/schema.prisma');
      fs.writeFileSync(file, encode(SCHEMA.replace(/\n/g, '\r\n')));
      await cli(['audit', '.', '--fix', '--no-prisma-validation'], dir);
      const after = fs.readFileSync(file);
      const text = SCHEMA.replace(/\n/g, '\r\n');
      assert.notDeepEqual(after, encode(text), `${name}: a fix was applied`);
      const decoded = name === 'bom' ? after.subarray(3).toString('utf8') : after.subarray(2).toString('utf16le');
      assert.deepEqual(after.subarray(0, name === 'bom' ? 3 : 2), encode('').subarray(0, name === 'bom' ? 3 : 2), `${name}: same byte-order mark`);
      assert.match(decoded, /@@index\(\[authorId\]\)/, name);
      assert.match(decoded, /\/\/ café\r\n/, `${name}: the rest as it was`);
    }
  });

  it('writes CRLF into a file whose lines end in CRLF (no mixed line endings)', async () => {
    const schema = [
      "import { pgTable, serial, integer, text, index } from 'drizzle-orm/pg-core';",
      '',
      "export const users = pgTable('users', {",
      "  id: serial('id').primaryKey(),",
      '});',
      '',
      "export const posts = pgTable('posts', {",
      "  id: serial('id').primaryKey(),",
      "  authorId: integer('author_id').notNull().references(() => users.id),",
      "  title: text('title'),",
      "}, (t) => [index('posts_title_idx').on(t.title)]);",
      "export const tags = pgTable('tags', {",
      "  id: serial('id').primaryKey(),",
      "  postId: integer('post_id').notNull().references(() => posts.id, { onDelete: 'cascade' }),",
      '});',
      '',
    ].join('\r\n');
    const dir = writeFiles({ 'drizzle.config.ts': "export default { dialect: 'postgresql', schema: './schema.ts' };\r\n", 'schema.ts': schema });
    await cli(['audit', '.', '--fix=unsafe'], dir);
    const fixed = fs.readFileSync(path.join(dir, 'schema.ts'), 'utf8');
    assert.notEqual(fixed, schema);
    assert.match(fixed, /posts_author_id_idx/);
    assert.match(fixed, /tags_post_id_idx/, 'a third argument was created');
    assert.equal(fixed.split('\n').filter((l) => l.length > 0 && !l.endsWith('\r')).length, 0, fixed);
  });

  it('reviews and fixes files whose lines end in a bare CR (classic Mac OS), and writes CR line ends into them', async () => {
    // Prisma's and Postgres' parsers end a line at a bare CR, as LSP and editors do: these are valid files.
    const sql = ['-- schema', 'CREATE TABLE users (id bigint PRIMARY KEY);', 'CREATE TABLE posts (', '  id bigint PRIMARY KEY,', '  user_id bigint NOT NULL REFERENCES users(id)', ');', ''].join('\r');
    const dir = writeFiles({ 'prisma/schema.prisma': SCHEMA.replace(/\n/g, '\r'), 'db/structure.sql': sql });
    const res = await cli(['audit', '.', '--format', 'json', '--no-prisma-validation'], dir);
    const found = (JSON.parse(res.stdout).findings as { rule: string; file: string; range: { start: { line: number } } }[])
      .map((f) => `${f.file}:${f.range.start.line}:${f.rule}`)
      .sort();
    assert.deepEqual(found, [
      'db/structure.sql:5:missing-on-delete',
      'db/structure.sql:5:unindexed-foreign-key',
      'prisma/schema.prisma:15:missing-on-delete',
      'prisma/schema.prisma:15:unindexed-foreign-key',
    ]);
    await cli(['audit', '.', '--fix=unsafe', '--no-prisma-validation'], dir);
    const schema = fs.readFileSync(path.join(dir, 'prisma/schema.prisma'), 'utf8');
    const structure = fs.readFileSync(path.join(dir, 'db/structure.sql'), 'utf8');
    for (const [name, text] of [['schema', schema], ['structure', structure]]) assert.ok(!text.includes('\n'), `${name}: no LF written into a CR file:\n${JSON.stringify(text)}`);
    assert.match(schema, /references: \[id\], onDelete: Cascade\)\r\r  @@index\(\[authorId\]\)\r\}\r$/);
    assert.match(schema, /^datasource db \{\r {2}provider = "postgresql"\r/, 'the rest as it was');
    assert.match(structure, /REFERENCES users\(id\) ON DELETE CASCADE\r\);\rCREATE INDEX [^\r]*\(user_id\);\r$/);
    const again = await cli(['audit', '.', '--format', 'json', '--no-prisma-validation'], dir);
    assert.deepEqual(JSON.parse(again.stdout).findings, [], 'fixed');
  });

  it('says which schema and migration files it could not read, and fails when one was named', async () => {
    const dir = writeFiles({ 'prisma/schema.prisma': SCHEMA });
    fs.writeFileSync(path.join(dir, 'prisma/huge.sql'), Buffer.alloc(5 * 1024 * 1024, 0x2d));
    fs.writeFileSync(path.join(dir, 'prisma/blob.prisma'), Buffer.from([0x00, 0x01, 0x02, 0x03]));
    const res = await cli(['audit', '.', '--format', 'json', '--no-prisma-validation'], dir);
    const problems = JSON.parse(res.stdout).problems as { file: string; message: string; severity: string }[];
    const skipped = problems.filter((p) => /Not reviewed/.test(p.message));
    assert.deepEqual(skipped.map((p) => [p.file, p.severity]).sort(), [['prisma/blob.prisma', 'warning'], ['prisma/huge.sql', 'warning']]);
    assert.match(skipped.find((p) => p.file === 'prisma/huge.sql')!.message, /5 MB is over the 4 MB limit/);
    const named = await cli(['audit', 'prisma/huge.sql'], dir);
    assert.equal(named.code, 1, 'a file named on the command line that cannot be read fails the run');
    assert.match(named.stdout, /Not reviewed/);
  });

  it('reviews the conventional prisma/schema.prisma even when its datasource is misspelled', async () => {
    const dir = writeFiles({ 'prisma/schema.prisma': SCHEMA.replace('datasource db', 'datasourse db') });
    const res = await cli(['audit', '.', '--format', 'json'], dir);
    const report = JSON.parse(res.stdout);
    assert.deepEqual(rulesOf(res.stdout), ['missing-on-delete', 'unindexed-foreign-key']);
    assert.ok(report.problems.some((p: { severity: string; source?: string }) => p.severity === 'error'), 'and Prisma says what is wrong');
  });

  it('--fix on a file it may not write (read-only, EACCES) says so and fixes the other files', async () => {
    const dir = writeFiles({
      'prisma/schema.prisma': SCHEMA,
      'db/migrations/001_orders.sql': 'CREATE TABLE orders (id bigint PRIMARY KEY, customer_id bigint NOT NULL);\n',
      'db/migrations/002_orders_customer_idx.sql': 'CREATE INDEX orders_customer_id_idx ON orders (customer_id);\n',
    });
    const schema = path.join(dir, 'prisma/schema.prisma');
    // Root may write a chmod 444 file, so the refusal is the file system's answer, as a non-root user gets it.
    const write = nodeFs.writeFileSync;
    mock.method(nodeFs, 'writeFileSync', (file: fs.PathOrFileDescriptor, ...rest: unknown[]) => {
      if (file === schema) throw Object.assign(new Error(`EACCES: permission denied, open '${schema}'`), { code: 'EACCES' });
      return (write as (...a: unknown[]) => void)(file, ...rest);
    });
    let res;
    try {
      res = await cli(['audit', '.', '--fix=unsafe', '--format', 'json', '--no-prisma-validation'], dir);
    } finally {
      mock.restoreAll();
    }
    assert.match(res.stderr, /did not fix prisma\/schema\.prisma: it cannot be written \(EACCES/);
    assert.equal(fs.readFileSync(schema, 'utf8'), SCHEMA);
    assert.match(fs.readFileSync(path.join(dir, 'db/migrations/002_orders_customer_idx.sql'), 'utf8'), /CREATE INDEX CONCURRENTLY/);
    assert.deepEqual(rulesOf(res.stdout), ['missing-on-delete', 'unindexed-foreign-key']);
    assert.equal(res.code, 0);
  });
});
