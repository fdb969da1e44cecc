/**
 * The writers' per-text caches (model index, line break) must follow the file's current text: a fix
 * written after an edit of the same path sees the new text, never the cached one.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { prismaFrontEnd } from '../../../server/src/languages/prisma';
import type { Unit } from '../../../server/src/languages/types';
import type { Database } from '../../../rules/model';
import { applyEdits, memoryReader } from './helpers';

const path = '/virtual/cache/schema.prisma';
const unit: Unit = { language: 'prisma', id: `prisma:${path}`, files: [path], hints: { prismaMajor: 6 } };

const base = `datasource db {
  provider = "postgresql"
}

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

function analyze(text: string): { db: Database; reader: ReturnType<typeof memoryReader> } {
  const reader = memoryReader({ [path]: text });
  return { db: prismaFrontEnd.analyze(unit, reader, { validation: false }).databases[0], reader };
}

function addIndexTo(text: string, model: string, column: string): string | undefined {
  const { db, reader } = analyze(text);
  const table = db.tables.find((t) => t.name === model)!;
  const edits = prismaFrontEnd.writeFix({ kind: 'addIndex', database: db, table, columns: [column] }, reader);
  return edits ? applyEdits(text, edits[0].edits) : undefined;
}

test('writers follow the current text of a path: positions, line breaks and models', () => {
  const first = addIndexTo(base, 'Post', 'authorId');
  assert.match(first!, /author   User @relation\(fields: \[authorId\], references: \[id\]\)\n\n  @@index\(\[authorId\]\)\n\}/);

  // Same path, a model added before Post and CRLF line breaks: new offsets and CRLF, not the cached LF.
  const crlf = base.replace('model Post {', 'model Tag {\n  id Int @id\n}\n\nmodel Post {').replace(/\n/g, '\r\n');
  const second = addIndexTo(crlf, 'Post', 'authorId');
  assert.match(second!, /references: \[id\]\)\r\n\r\n  @@index\(\[authorId\]\)\r\n\}/);
  assert.doesNotMatch(second!, /[^\r]\n/);

  // The model renamed: a fix for the old database's table finds nothing in the new text.
  const { db: oldDb } = analyze(base);
  const renamed = base.replace('model Post {', 'model Article {').replace('Post[]', 'Article[]');
  const reader = memoryReader({ [path]: renamed });
  const stale = prismaFrontEnd.writeFix({ kind: 'addIndex', database: oldDb, table: oldDb.tables.find((t) => t.name === 'Post')!, columns: ['authorId'] }, reader);
  assert.equal(stale, undefined);

  // Back to the first text (an equal string built anew): the same result as the first time.
  assert.equal(addIndexTo(base.split('').join(''), 'Post', 'authorId'), first);
});

test('createEnum picks a name free in the current text of the schema', () => {
  const withEnum = base.replace('  authorId Int\n', '  authorId Int\n  status   String\n');
  const write = (text: string) => {
    const { db, reader } = analyze(text);
    const table = db.tables.find((t) => t.name === 'Post')!;
    const column = table.columns.find((c) => c.name === 'status')!;
    const edits = prismaFrontEnd.writeFix({ kind: 'createEnum', database: db, table, column, values: ['draft', 'published'] }, reader);
    return applyEdits(text, edits![0].edits);
  };
  assert.match(write(withEnum), /enum PostStatus \{/);
  // The name is now taken by a block in the new text: the writer must see it.
  const taken = withEnum + '\nenum PostStatus {\n  A\n}\n';
  assert.match(write(taken), /enum PostStatusKind \{/);
});
