/**
 * Fix writers against what each provider refuses and against the user's layout: bugs found by exploratory audits of
 * real-looking schemas (MySQL TEXT columns, SQL Server (MAX) columns, aligned models, blocks ending in comments).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { prismaFrontEnd } from '../../../server/src/languages/prisma';
import type { SourceReader, Unit } from '../../../server/src/languages/types';
import type { Database, Table } from '../../../rules/model';
import type { FixIntent } from '../../../rules/types';
import { isCovered } from '../../../rules/types';
import { applyFileEdits, memoryReader } from './helpers';

interface Ctx {
  unit: Unit;
  reader: SourceReader;
  db: Database;
  path: string;
}

function inlineCtx(text: string, prismaMajor = 6): Ctx {
  const path = '/virtual/shop/prisma/schema.prisma';
  const unit: Unit = { language: 'prisma', id: `prisma:${path}`, files: [path], hints: { prismaMajor } };
  const reader = memoryReader({ [path]: text });
  return { unit, reader, db: prismaFrontEnd.analyze(unit, reader, { validation: false }).databases[0], path };
}

function tableOf(c: Ctx, name: string): Table {
  const t = c.db.tables.find((x) => x.name === name);
  assert.ok(t, name);
  return t;
}

/** Writes the fix, applies it, checks that Prisma (the unit's major) validates the result; the new text and model. */
function applyFix(c: Ctx, intent: FixIntent): { db: Database; text: string } {
  const edits = prismaFrontEnd.writeFix(intent, c.reader);
  assert.ok(edits, `writeFix(${intent.kind}) returned no edits`);
  const applied = applyFileEdits(c.reader, edits);
  const after = prismaFrontEnd.analyze(c.unit, applied.reader, { validation: true });
  const errors = after.diagnostics.filter((d) => d.severity === 'error');
  const text = applied.reader.read(c.path) ?? '';
  assert.deepEqual(errors, [], `fixed schema does not validate:\n${text}`);
  return { db: after.databases[0], text };
}

const MYSQL_CMS = `datasource db {
  provider     = "mysql"
  url          = env("DATABASE_URL")
  relationMode = "prisma"
}

generator client {
  provider = "prisma-client-js"
}

model Article {
  id       Int     @id @default(autoincrement())
  slug     String  @db.Text
  title    String  @db.VarChar(255)
  summary  String  @db.VarChar(2000)
  body     String  @db.LongText
  authorId Int
  author   Author  @relation(fields: [authorId], references: [id], onDelete: Cascade)
  payload  Json
  cover    Bytes?

  @@index([authorId])
}

model Author {
  id       Int       @id @default(autoincrement())
  articles Article[]
}
`;

test('addIndex on MySQL: TEXT and BLOB columns get a prefix length (Prisma and MySQL refuse them whole), JSON declines', () => {
  const c = inlineCtx(MYSQL_CMS);
  const article = tableOf(c, 'Article');
  const slug = applyFix(c, { kind: 'addIndex', database: c.db, table: article, columns: ['slug'] });
  assert.match(slug.text, /\n  @@index\(\[authorId\]\)\n  @@index\(\[slug\(length: 191\)\]\)\n\}/);
  assert.ok(isCovered(tableOf({ ...c, db: slug.db }, 'Article'), ['slug']));

  const both = applyFix(c, { kind: 'addIndex', database: c.db, table: article, columns: ['title', 'body'] });
  assert.match(both.text, /  @@index\(\[title, body\(length: 191\)\]\)\n/);
  // Bytes is LONGBLOB on MySQL: Prisma accepts a whole-column index, MySQL refuses it ("BLOB/TEXT column used in key
  // specification without a key length").
  const cover = applyFix(c, { kind: 'addIndex', database: c.db, table: article, columns: ['cover'] });
  assert.match(cover.text, /  @@index\(\[cover\(length: 191\)\]\)\n/);
  // A JSON column cannot be indexed directly in MySQL (only through a generated column): no fix.
  assert.equal(prismaFrontEnd.writeFix({ kind: 'addIndex', database: c.db, table: article, columns: ['payload'] }, c.reader), undefined);
  // VARCHAR(2000) is 8000 bytes in utf8mb4, over InnoDB's 3072-byte key limit: MySQL refuses it whole.
  const summary = applyFix(c, { kind: 'addIndex', database: c.db, table: article, columns: ['summary'] });
  assert.match(summary.text, /  @@index\(\[summary\(length: 191\)\]\)\n/);
  // A VARCHAR(255) stays as it is.
  const title = applyFix(c, { kind: 'addIndex', database: c.db, table: article, columns: ['title'] });
  assert.match(title.text, /  @@index\(\[title\]\)\n/);
});

test('addIndex on SQL Server: (MAX), Text, NText, Xml and Bytes columns cannot be index keys: no fix', () => {
  const c = inlineCtx(`datasource db {
  provider = "sqlserver"
  url      = env("DATABASE_URL")
}

model Ticket {
  id       Int    @id @default(autoincrement())
  subject  String @db.NVarChar(Max)
  body     String @db.Text
  notes    String @db.NText
  raw      String @db.Xml
  blob     Bytes
  code     String @db.NVarChar(50)
  ref      String
}
`);
  const ticket = tableOf(c, 'Ticket');
  for (const column of ['subject', 'body', 'notes', 'raw', 'blob']) {
    assert.equal(prismaFrontEnd.writeFix({ kind: 'addIndex', database: c.db, table: ticket, columns: [column] }, c.reader), undefined, column);
  }
  assert.equal(prismaFrontEnd.writeFix({ kind: 'addIndex', database: c.db, table: ticket, columns: ['code', 'subject'] }, c.reader), undefined);
  applyFix(c, { kind: 'addIndex', database: c.db, table: ticket, columns: ['code'] });
  applyFix(c, { kind: 'addIndex', database: c.db, table: ticket, columns: ['ref'] });
});

const TEAMS = `generator client {
  provider = "prisma-client-js"
}

datasource db {
  provider = "postgresql"
  url      = env("DATABASE_URL")
}

model Account {
  id     String @id @default(uuid()) @db.Uuid
  userId String @unique @db.Uuid
  user   User   @relation(fields: [userId], references: [id])

  @@index([userId])
}

model User {
  id       String    @id @default(uuid()) @db.Uuid
  account  Account?
  projects Project[]
  teamId   String?   @db.Uuid

  @@map("users")
}

model Project {
  id       Int      @id @default(autoincrement())
  ownerId  String   @db.Uuid
  owner    User     @relation(fields: [ownerId], references: [id])
  budget   Float?   /// budget in USD
  settings String   @default("{}") // JSON
  // TODO: add status

  @@map("projects")
}

model Team {
  id   String @id @default(uuid()) @db.Uuid
  name String
}
`;

test('dropIndex: removing the only block attribute takes the blank line before it too', () => {
  const c = inlineCtx(TEAMS);
  const account = tableOf(c, 'Account');
  const redundant = account.indexes.find((i) => i.kind === 'index')!;
  const r = applyFix(c, { kind: 'dropIndex', database: c.db, table: account, index: redundant });
  assert.match(r.text, /\n  user   User   @relation\(fields: \[userId\], references: \[id\]\)\n\}\n/);
});

test('addIndex: before @@map when no index is written yet, and after the comments that end the fields', () => {
  const c = inlineCtx(TEAMS);
  const project = tableOf(c, 'Project');
  const r = applyFix(c, { kind: 'addIndex', database: c.db, table: project, columns: ['ownerId'] });
  assert.match(r.text, /  \/\/ TODO: add status\n\n  @@index\(\[ownerId\]\)\n  @@map\("projects"\)\n\}/);
  const user = tableOf(c, 'User');
  const r2 = applyFix(c, { kind: 'addIndex', database: c.db, table: user, columns: ['teamId'] });
  assert.match(r2.text, /\n\n  @@index\(\[teamId\]\)\n  @@map\("users"\)\n\}/);
  const team = tableOf(c, 'Team');
  const r3 = applyFix(c, { kind: 'addIndex', database: c.db, table: team, columns: ['name'] });
  assert.match(r3.text, /\n  name String\n\n  @@index\(\[name\]\)\n\}/);
});

test('changeColumnType: the new type keeps the attribute column of an aligned model', () => {
  const c = inlineCtx(TEAMS);
  const project = tableOf(c, 'Project');
  const budget = project.columns.find((x) => x.name === 'budget')!;
  const r = applyFix(c, { kind: 'changeColumnType', database: c.db, table: project, column: budget, to: 'decimal' });
  assert.match(r.text, /\n  budget   Decimal\? \/\/\/ budget in USD\n/);
  const settings = project.columns.find((x) => x.name === 'settings')!;
  const r2 = applyFix(c, { kind: 'changeColumnType', database: c.db, table: project, column: settings, to: 'json' });
  assert.match(r2.text, /\n  settings Json     @default\("\{\}"\) \/\/ JSON\n/);
});

test('addForeignKey: the new relation fields line up with the columns of an aligned model', () => {
  const c = inlineCtx(TEAMS);
  const user = tableOf(c, 'User');
  const r = applyFix(c, {
    kind: 'addForeignKey',
    database: c.db,
    table: user,
    columns: ['teamId'],
    references: { table: 'Team', columns: ['id'] },
    onDelete: 'SetNull',
  });
  assert.match(r.text, /\n  teamId   String\?   @db\.Uuid\n  team     Team\?     @relation\(fields: \[teamId\], references: \[id\], onDelete: SetNull\)\n/);
  assert.match(r.text, /\n  name String\n  users User\[\]\n\}/);
});

test('writers add no line to a model whose attribute is still being typed (it would land inside the open parenthesis)', () => {
  const c = inlineCtx(`datasource db {
  provider = "postgresql"
  url      = env("DATABASE_URL")
}

model Author {
  id       Int       @id
  comments Comment[]
}

model Comment {
  id       Int    @id
  authorId Int
  author   Author @relation(fields: [authorId], references: [id], onDelete: 
}
`);
  const comment = tableOf(c, 'Comment');
  assert.equal(prismaFrontEnd.writeFix({ kind: 'addIndex', database: c.db, table: comment, columns: ['authorId'] }, c.reader), undefined);
});

test('a file the reader reports as skipped (binary, too large) gets no second "could not read" warning from the front-end', () => {
  const main = '/virtual/app/prisma/schema/schema.prisma';
  const blob = '/virtual/app/prisma/schema/blob.prisma';
  const texts: Record<string, string> = { [main]: 'datasource db {\n  provider = "postgresql"\n  url      = env("DATABASE_URL")\n}\n' };
  const unit: Unit = { language: 'prisma', id: 'prisma:/virtual/app/prisma/schema', files: [blob, main], hints: { prismaMajor: 6 } };
  const plain: SourceReader = { read: (p) => texts[p] };
  const ownWarning = (reader: SourceReader) =>
    prismaFrontEnd.analyze(unit, reader, { validation: false }).diagnostics.filter((d) => d.file === blob && /could not read/.test(d.message));
  // A reader that cannot say why: the front-end says it.
  assert.equal(ownWarning(plain).length, 1);
  // The project's reader names the file and its reason, and the review reports it once ("Not reviewed: binary data").
  const skipping: SourceReader = { ...plain, skippedFiles: () => new Map([[blob, 'binary data, not text']]) };
  assert.equal(ownWarning(skipping).length, 0);
});

test('createEnum: a second enum for the same model goes after the first one, not between it and the model', () => {
  const text = `datasource db {
  provider = "postgresql"
  url      = env("DATABASE_URL")
}

model Content {
  id         Int    @id @default(autoincrement())
  kind       String @default("article") // article | video | podcast
  visibility String @default("public") /// public, private or unlisted
}

model Other {
  id Int @id
}
`;
  const c = inlineCtx(text);
  const content = tableOf(c, 'Content');
  const kind = content.columns.find((x) => x.name === 'kind')!;
  const first = applyFix(c, { kind: 'createEnum', database: c.db, table: content, column: kind, values: ['article', 'video', 'podcast'] });
  const c2 = inlineCtx(first.text);
  const content2 = tableOf(c2, 'Content');
  const visibility = content2.columns.find((x) => x.name === 'visibility')!;
  const second = applyFix(c2, { kind: 'createEnum', database: c2.db, table: content2, column: visibility, values: ['public', 'private', 'unlisted'] });
  assert.match(second.text, /\n\}\n\nenum ContentKind \{\n  article\n  video\n  podcast\n\}\n\nenum ContentVisibility \{\n  public\n  private\n  unlisted\n\}\n\nmodel Other \{/);
});
