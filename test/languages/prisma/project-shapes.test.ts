/**
 * Project shapes of the second exploratory pass: multi-file schemas, MongoDB, CockroachDB, SQLite, multiSchema,
 * views, ignored models and fields, composite keys, Prisma 5/6/7. Each test is a bug that pass found.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { prismaFrontEnd } from '../../../server/src/languages/prisma';
import type { SourceReader, Unit } from '../../../server/src/languages/types';
import type { Database, Table } from '../../../rules/model';
import type { FixIntent } from '../../../rules/types';
import { FIXTURES, applyFileEdits, diskReader, listFiles, memoryReader, unitFor } from './helpers';

interface Ctx {
  unit: Unit;
  reader: SourceReader;
  db: Database;
}

function ctxOf(files: Record<string, string>, prismaMajor: number, id = Object.keys(files)[0]): Ctx {
  const unit: Unit = { language: 'prisma', id: `prisma:${id}`, files: Object.keys(files), hints: { prismaMajor } };
  const reader = memoryReader(files);
  return { unit, reader, db: prismaFrontEnd.analyze(unit, reader, { validation: false }).databases[0] };
}

function tableOf(c: Ctx, name: string): Table {
  const t = c.db.tables.find((x) => x.name === name);
  assert.ok(t, name);
  return t;
}

/** Writes the fix, applies it, checks that Prisma (the unit's major) validates the result; the new texts and model. */
function applyFix(c: Ctx, intent: FixIntent): { db: Database; text: (path: string) => string } {
  const edits = prismaFrontEnd.writeFix(intent, c.reader);
  assert.ok(edits, `writeFix(${intent.kind}) returned no edits`);
  const applied = applyFileEdits(c.reader, edits);
  const after = prismaFrontEnd.analyze(c.unit, applied.reader, { validation: true });
  const errors = after.diagnostics.filter((d) => d.severity === 'error');
  assert.deepEqual(errors, [], `fixed schema does not validate:\n${Object.values(applied.texts).join('\n----\n')}`);
  return { db: after.databases[0], text: (p) => applied.reader.read(p) ?? '' };
}

const IGNORED = `generator client {
  provider = "prisma-client-js"
}

datasource db {
  provider = "postgresql"
  url      = env("DATABASE_URL")
}

model Team {
  id      Int           @id @default(autoincrement())
  name    String
  members Member[]
}

/// Old import table, kept for reference.
model LegacyMember {
  id     Int    @id
  teamId Int
  email  String

  @@ignore
}

model Member {
  id       Int    @id @default(autoincrement())
  teamId   Int
  team     Team   @relation(fields: [teamId], references: [id], onDelete: Cascade)
  regionId Int
}

/// Imported from the old CRM; not used by the app.
model Region {
  id   Int    @id
  name String

  @@ignore
}
`;

test('addForeignKey: the back-relation on a model pointing at an @@ignore model is @ignore, as Prisma requires', () => {
  const path = '/virtual/crm/prisma/schema.prisma';
  const c = ctxOf({ [path]: IGNORED }, 6);
  const legacy = tableOf(c, 'LegacyMember');
  const r = applyFix(c, { kind: 'addForeignKey', database: c.db, table: legacy, columns: ['teamId'], references: { table: 'Team', columns: ['id'] }, onDelete: 'Cascade' });
  assert.match(r.text(path), /\n  legacyMembers LegacyMember\[\] @ignore\n/);
  assert.equal(r.db.tables.find((t) => t.name === 'LegacyMember')!.foreignKeys.length, 1);
});

test('addForeignKey: the relation field to an @@ignore model is @ignore (the back-relation in the ignored model is not)', () => {
  const path = '/virtual/crm/prisma/schema.prisma';
  const c = ctxOf({ [path]: IGNORED }, 6);
  const member = tableOf(c, 'Member');
  const r = applyFix(c, { kind: 'addForeignKey', database: c.db, table: member, columns: ['regionId'], references: { table: 'Region', columns: ['id'] }, onDelete: 'Restrict' });
  assert.match(r.text(path), /\n  region   Region @relation\(fields: \[regionId\], references: \[id\], onDelete: Restrict\) @ignore\n/);
  assert.match(r.text(path), /\n  members Member\[\]\n\n  @@ignore/);
});

const VIEWS = `generator client {
  provider        = "prisma-client-js"
  previewFeatures = ["views"]
}

datasource db {
  provider = "postgresql"
  url      = env("DATABASE_URL")
}

model User {
  id      Int          @id @default(autoincrement())
  email   String       @unique
  profile UserProfile?
  notes   Note[]
}

model Note {
  id        Int         @id @default(autoincrement())
  userId    Int
  user      User        @relation(fields: [userId], references: [id])
  profileId Int
  profile   UserProfile @relation(fields: [profileId], references: [id])
  body      String
}

/// CREATE VIEW "UserProfile" AS SELECT ... (written by hand in a migration)
view UserProfile {
  id     Int    @unique
  userId Int    @unique
  user   User   @relation(fields: [userId], references: [id])
  name   String
  notes  Note[]
}
`;

test('a relation to a view is not enforced: Prisma Migrate creates no foreign key to a view', () => {
  const path = '/virtual/app/prisma/schema.prisma';
  const c = ctxOf({ [path]: VIEWS }, 6);
  const note = tableOf(c, 'Note');
  assert.deepEqual(note.foreignKeys.map((fk) => [fk.references.table, fk.enforced]), [['User', true], ['UserProfile', false]]);
  // Turning the view into a model (the Note block unchanged) makes the relation a foreign key again.
  const asModel = ctxOf({ [path]: VIEWS.replace('view UserProfile {', 'model UserProfile {') }, 6);
  assert.deepEqual(tableOf(asModel, 'Note').foreignKeys.map((fk) => [fk.references.table, fk.enforced]), [['User', true], ['UserProfile', true]]);
});

const MULTI_SCHEMA = `generator client {
  provider        = "prisma-client-js"
  previewFeatures = ["multiSchema"]
}

datasource db {
  provider = "postgresql"
  url      = env("DATABASE_URL")
  schemas  = ["auth", "billing"]
}

model Account {
  id       Int       @id @default(autoincrement())
  /// one of: active, suspended, closed
  status   String    @default("active")
  invoices Invoice[]

  @@map("accounts")
  @@schema("auth")
}

model Invoice {
  id        Int     @id @default(autoincrement())
  accountId Int
  account   Account @relation(fields: [accountId], references: [id], onDelete: Restrict)

  @@index([accountId])
  @@schema("billing")
}
`;

test('createEnum with multiSchema: the new enum lives in its model\'s database schema (Prisma requires @@schema on it)', () => {
  for (const major of [5, 6]) {
    const path = '/virtual/saas/prisma/schema.prisma';
    const c = ctxOf({ [path]: MULTI_SCHEMA }, major, `${path}#${major}`);
    const account = tableOf(c, 'Account');
    const status = account.columns.find((col) => col.name === 'status')!;
    const r = applyFix(c, { kind: 'createEnum', database: c.db, table: account, column: status, values: ['active', 'suspended', 'closed'] });
    assert.match(r.text(path), /\n  status   AccountStatus @default\(active\)\n/);
    assert.match(r.text(path), /\n\}\n\nenum AccountStatus \{\n  active\n  suspended\n  closed\n\n  @@schema\("auth"\)\n\}\n\nmodel Invoice \{/);
  }
});

test('addForeignKey between two @@ignore models (or an ignored self-relation): no redundant field @ignore inside an ignored model', () => {
  const path = '/virtual/crm/prisma/schema.prisma';
  const text = IGNORED.replace('  teamId Int\n  email  String\n', '  teamId   Int\n  regionId Int\n  parentId Int?\n  email    String\n');
  const c = ctxOf({ [path]: text }, 6);
  const legacy = tableOf(c, 'LegacyMember');
  const r = applyFix(c, { kind: 'addForeignKey', database: c.db, table: legacy, columns: ['regionId'], references: { table: 'Region', columns: ['id'] }, onDelete: 'Restrict' });
  assert.match(r.text(path), /\n  region   Region @relation\(fields: \[regionId\], references: \[id\], onDelete: Restrict\)\n/);
  assert.match(r.text(path), /\n  legacyMembers LegacyMember\[\]\n\n  @@ignore/);
  const c2 = ctxOf({ [path]: text }, 6);
  const r2 = applyFix(c2, { kind: 'addForeignKey', database: c2.db, table: tableOf(c2, 'LegacyMember'), columns: ['parentId'], references: { table: 'LegacyMember', columns: ['id'] }, onDelete: 'NoAction' });
  assert.doesNotMatch(r2.text(path), /[^@]@ignore/);
  assert.match(r2.text(path), /\n  parentId Int\?\n  parent   LegacyMember\? @relation\("LegacyMemberParent", fields: \[parentId\], references: \[id\], onDelete: NoAction\)\n/);
});

const MONGO_MANY_TO_MANY = `generator client {
  provider = "prisma-client-js"
}

datasource db {
  provider = "mongodb"
  url      = env("DATABASE_URL")
}

model Post {
  id       String   @id @default(auto()) @map("_id") @db.ObjectId
  title    String
  authorId String   @db.ObjectId
  author   User     @relation(fields: [authorId], references: [id])
  tagIds   String[] @db.ObjectId
  tags     Tag[]    @relation(fields: [tagIds], references: [id])
}

model Tag {
  id      String   @id @default(auto()) @map("_id") @db.ObjectId
  name    String   @unique
  postIds String[] @db.ObjectId
  posts   Post[]   @relation(fields: [postIds], references: [id])
}

model User {
  id    String @id @default(auto()) @map("_id") @db.ObjectId
  posts Post[]
}
`;

test('MongoDB many-to-many (id lists on both sides) is no foreign key: Prisma refuses any referential action written on it', () => {
  const path = '/virtual/blog/prisma/schema.prisma';
  const c = ctxOf({ [path]: MONGO_MANY_TO_MANY }, 6);
  assert.deepEqual(tableOf(c, 'Post').foreignKeys.map((fk) => fk.relationField), ['author']);
  assert.deepEqual(tableOf(c, 'Tag').foreignKeys, []);
});

test('fixture saas-multischema (prisma.config.ts folder, multiSchema, a view, an @@ignore model): facts and fixes land in the right file', () => {
  const reader = diskReader();
  const unit = unitFor(prismaFrontEnd.discover(listFiles(FIXTURES), reader), 'saas-multischema');
  assert.equal(unit.hints?.prismaMajor, 6);
  const c: Ctx = { unit, reader, db: prismaFrontEnd.analyze(unit, reader, { validation: false }).databases[0] };
  const auth = `${FIXTURES}/saas-multischema/prisma/schema/auth.prisma`;
  const billing = `${FIXTURES}/saas-multischema/prisma/schema/billing.prisma`;
  const fks = (name: string) => tableOf(c, name).foreignKeys.map((fk) => [fk.relationField, fk.references.table, fk.enforced]);
  assert.deepEqual(fks('Note'), [['summary', 'AccountSummary', false]]);
  assert.deepEqual(fks('LegacyCharge'), [['account', 'Account', true]]);

  // The enum goes beside its model, in the model's file and database schema.
  const account = tableOf(c, 'Account');
  const status = account.columns.find((col) => col.name === 'status')!;
  const e = applyFix(c, { kind: 'createEnum', database: c.db, table: account, column: status, values: ['active', 'suspended', 'closed'] });
  assert.match(e.text(auth), /\n  @@schema\("auth"\)\n\}\n\nenum AccountStatus \{\n  active\n  suspended\n  closed\n\n  @@schema\("auth"\)\n\}\n/);
  assert.equal(e.text(billing), reader.read(billing));

  // A relation from the ignored model: the back-relation on Coupon is @ignore.
  const legacy = tableOf(c, 'LegacyCharge');
  const r = applyFix(c, { kind: 'addForeignKey', database: c.db, table: legacy, columns: ['couponId'], references: { table: 'Coupon', columns: ['id'] }, onDelete: 'SetNull' });
  assert.match(r.text(billing), /\n  coupon    Coupon\? @relation\(fields: \[couponId\], references: \[id\], onDelete: SetNull\)\n/);
  assert.match(r.text(billing), /\n  code String @unique\n  legacyCharges LegacyCharge\[\] @ignore\n/);
});
