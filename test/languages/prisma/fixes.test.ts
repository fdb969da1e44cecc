import { test } from 'node:test';
import { readFileSync } from 'node:fs';
import assert from 'node:assert/strict';
import { prismaFrontEnd } from '../../../server/src/languages/prisma';
import type { SourceReader, Unit } from '../../../server/src/languages/types';
import type { Database, Table } from '../../../rules/model';
import type { FixIntent } from '../../../rules/types';
import { isCovered } from '../../../rules/types';
import { FIXTURES, applyFileEdits, diskReader, listFiles, memoryReader, unitFor } from './helpers';

const disk = diskReader();
const units = prismaFrontEnd.discover(listFiles(FIXTURES), disk);

interface Ctx {
  unit: Unit;
  reader: SourceReader;
  db: Database;
}
function ctx(part: string): Ctx {
  const unit = unitFor(units, part);
  return { unit, reader: disk, db: prismaFrontEnd.analyze(unit, disk, { validation: false }).databases[0] };
}
function inlineCtx(text: string, prismaMajor = 6): Ctx {
  const path = '/virtual/prisma/schema.prisma';
  const unit: Unit = { language: 'prisma', id: `prisma:${path}`, files: [path], hints: { prismaMajor } };
  const reader = memoryReader({ [path]: text });
  return { unit, reader, db: prismaFrontEnd.analyze(unit, reader, { validation: false }).databases[0] };
}
function tableOf(c: Ctx, name: string): Table {
  const t = c.db.tables.find((x) => x.name === name);
  assert.ok(t, name);
  return t;
}

/** Writes the fix, applies it, checks Prisma validation (the unit's major) and returns the re-analysed database. */
function applyFix(c: Ctx, intent: FixIntent): { db: Database; text: (path: string) => string } {
  const edits = prismaFrontEnd.writeFix(intent, c.reader);
  assert.ok(edits, `writeFix(${intent.kind}) returned no edits`);
  const applied = applyFileEdits(c.reader, edits);
  const after = prismaFrontEnd.analyze(c.unit, applied.reader, { validation: true });
  const errors = after.diagnostics.filter((d) => d.severity === 'error');
  assert.deepEqual(errors, [], `fixed schema does not validate:\n${Object.values(applied.texts).join('\n----\n')}`);
  return { db: after.databases[0], text: (p) => applied.reader.read(p) ?? '' };
}

test('setOnDelete: appended after the last argument, or replacing a written action', () => {
  const c = ctx('event-qa');
  const question = tableOf(c, 'Question');
  const fk = question.foreignKeys.find((f) => f.relationField === 'event')!;
  const r = applyFix(c, { kind: 'setOnDelete', database: c.db, table: question, foreignKey: fk, action: 'Cascade' });
  const q = r.db.tables.find((t) => t.name === 'Question')!;
  assert.equal(q.foreignKeys.find((f) => f.relationField === 'event')!.onDelete, 'Cascade');
  assert.match(r.text(question.loc.file), /\n  event Event @relation\(fields: \[eventId\], references: \[id\], onDelete: Cascade\)\n/);

  const vote = tableOf(c, 'Vote');
  const vfk = vote.foreignKeys.find((f) => f.relationField === 'question')!;
  const r2 = applyFix(c, { kind: 'setOnDelete', database: c.db, table: vote, foreignKey: vfk, action: 'Restrict' });
  assert.match(r2.text(vote.loc.file), /references: \[id\], onDelete: Restrict\)/);
  assert.equal(r2.db.tables.find((t) => t.name === 'Vote')!.foreignKeys[1].onDelete, 'Restrict');

  const trade = tableOf(c, 'SignalTrade');
  const r3 = applyFix(c, { kind: 'setOnDelete', database: c.db, table: trade, foreignKey: trade.foreignKeys[0], action: 'SetNull' });
  assert.equal(r3.db.tables.find((t) => t.name === 'SignalTrade')!.foreignKeys[0].onDelete, 'SetNull');
});

test('addIndex: after the existing @@ attributes, or after the last field with a blank line', () => {
  const c = ctx('event-qa');
  const question = tableOf(c, 'Question');
  const r = applyFix(c, { kind: 'addIndex', database: c.db, table: question, columns: ['userId'] });
  assert.match(r.text(question.loc.file), /  @@index\(\[eventId, createdAt\]\)\n  @@index\(\[userId\]\)\n\}/);
  assert.ok(isCovered(r.db.tables.find((t) => t.name === 'Question')!, ['userId']));

  const trade = tableOf(c, 'SignalTrade');
  const r2 = applyFix(c, { kind: 'addIndex', database: c.db, table: trade, columns: ['created_by_id'] });
  assert.match(r2.text(trade.loc.file), /  closedAt    DateTime\?\n\n  @@index\(\[createdById\]\)\n\}/);
  assert.ok(isCovered(r2.db.tables.find((t) => t.name === 'SignalTrade')!, ['createdById']));

  // Multi-file: the edit lands in the model's own file.
  const m = ctx('multi-file');
  const post = tableOf(m, 'Post');
  const edits = prismaFrontEnd.writeFix({ kind: 'addIndex', database: m.db, table: post, columns: ['authorId'] }, m.reader)!;
  assert.deepEqual(edits.map((e) => e.file), [post.loc.file]);
  applyFix(m, { kind: 'addIndex', database: m.db, table: post, columns: ['authorId'] });
});

test('dropIndex: removes an @@index line, or a field @unique attribute', () => {
  const c = ctx('learning-platform');
  const progress = tableOf(c, 'Progress');
  const redundant = progress.indexes.find((i) => i.columns.length === 1)!;
  const r = applyFix(c, { kind: 'dropIndex', database: c.db, table: progress, index: redundant });
  assert.match(r.text(progress.loc.file), /\n\n  @@index\(\[userId, lessonId\]\)\n\}/);
  assert.deepEqual(r.db.tables.find((t) => t.name === 'Progress')!.indexes.map((i) => i.columns), [['userId', 'lessonId']]);

  const s = ctx('mysql-shop');
  const product = tableOf(s, 'Product');
  const r2 = applyFix(s, { kind: 'dropIndex', database: s.db, table: product, index: product.indexes[0] });
  assert.match(r2.text(product.loc.file), /\n  sku   String\n/);
  assert.equal(r2.db.tables.find((t) => t.name === 'Product')!.indexes.length, 0);
});

test('changeColumnType: json keeps a JSON default and drops @db.*; decimal keeps "?"', () => {
  const c = ctx('event-qa');
  const event = tableOf(c, 'Event');
  const settings = event.columns.find((x) => x.name === 'settings')!;
  const r = applyFix(c, { kind: 'changeColumnType', database: c.db, table: event, column: settings, to: 'json' });
  assert.match(r.text(event.loc.file), /  settings  Json     @default\("\{\}"\)\n/);
  assert.equal(r.db.tables.find((t) => t.name === 'Event')!.columns.find((x) => x.name === 'settings')!.type, 'json');

  const question = tableOf(c, 'Question');
  const body = question.columns.find((x) => x.name === 'body')!;
  const r2 = applyFix(c, { kind: 'changeColumnType', database: c.db, table: question, column: body, to: 'json' });
  assert.match(r2.text(question.loc.file), /  body      Json\n/);

  const trade = tableOf(c, 'SignalTrade');
  const exit = trade.columns.find((x) => x.name === 'exitPrice')!;
  const r3 = applyFix(c, { kind: 'changeColumnType', database: c.db, table: trade, column: exit, to: 'decimal' });
  assert.match(r3.text(trade.loc.file), /  exitPrice   Decimal\?\n/);
  const fixed = r3.db.tables.find((t) => t.name === 'SignalTrade')!.columns.find((x) => x.name === 'exitPrice')!;
  assert.deepEqual([fixed.type, fixed.nullable], ['decimal', true]);

  const p5 = ctx('prisma5');
  const invoice = tableOf(p5, 'Invoice');
  const lines = invoice.columns.find((x) => x.name === 'lines')!;
  const r4 = applyFix(p5, { kind: 'changeColumnType', database: p5.db, table: invoice, column: lines, to: 'json' });
  assert.match(r4.text(invoice.loc.file), /  lines     Json     @default\("\[\]"\) \/\/ JSON array of line items\n/);
});

test('makeNullable: adds "?" to the scalar field and to the relation that now has only optional fields', () => {
  const c = ctx('event-qa');
  const question = tableOf(c, 'Question');
  const userId = question.columns.find((x) => x.name === 'userId')!;
  const r = applyFix(c, { kind: 'makeNullable', database: c.db, table: question, column: userId });
  const text = r.text(question.loc.file);
  assert.match(text, /  userId    String\?\n/);
  assert.match(text, /  user  User\?  @relation/);
  const fk = r.db.tables.find((t) => t.name === 'Question')!.foreignKeys.find((f) => f.relationField === 'user')!;
  assert.equal(fk.defaultOnDelete, 'SetNull');
});

test('addForeignKey: relation field plus back-relation list on the referenced model', () => {
  const c = ctx('learning-platform');
  const payment = tableOf(c, 'Payment');
  const r = applyFix(c, { kind: 'addForeignKey', database: c.db, table: payment, columns: ['courseId'], references: { table: 'Course', columns: ['id'] } });
  const text = r.text(payment.loc.file);
  assert.match(text, /  courseId  Int \/\/ the course bought; no relation yet\n  course    Course   @relation\(fields: \[courseId\], references: \[id\]\)\n\}/);
  assert.match(text, /  certificates Certificate\[\]\n  payments    Payment\[\]\n\}/);
  const fk = r.db.tables.find((t) => t.name === 'Payment')!.foreignKeys.find((f) => f.relationField === 'course')!;
  assert.deepEqual([fk.columns, fk.references], [['courseId'], { table: 'Course', columns: ['id'] }]);
});

test('addForeignKey: self relations and second relations between two models get a relation name', () => {
  const base = `datasource db {\n  provider = "postgresql"\n  url      = env("DATABASE_URL")\n}\n\nmodel User {\n  id    Int    @id\n  posts Post[]\n}\n\nmodel Post {\n  id       Int  @id\n  authorId Int\n  editorId Int?\n  parentId Int?\n  author   User @relation(fields: [authorId], references: [id])\n}\n`;
  const c = inlineCtx(base);
  const post = tableOf(c, 'Post');
  const r = applyFix(c, { kind: 'addForeignKey', database: c.db, table: post, columns: ['editorId'], references: { table: 'User', columns: ['id'] } });
  assert.equal(r.db.tables.find((t) => t.name === 'Post')!.foreignKeys.length, 2);
  const c2 = inlineCtx(base);
  const r2 = applyFix(c2, { kind: 'addForeignKey', database: c2.db, table: tableOf(c2, 'Post'), columns: ['parentId'], references: { table: 'Post', columns: ['id'] } });
  const parent = r2.db.tables.find((t) => t.name === 'Post')!.foreignKeys.find((f) => f.columns[0] === 'parentId')!;
  assert.deepEqual(parent.references, { table: 'Post', columns: ['id'] });
  assert.equal(parent.defaultOnDelete, 'SetNull');
});

test('createEnum: enum block after the model, field type changed, default mapped', () => {
  const c = ctx('event-qa');
  const question = tableOf(c, 'Question');
  const status = question.columns.find((x) => x.name === 'status')!;
  const r = applyFix(c, { kind: 'createEnum', database: c.db, table: question, column: status, values: ['open', 'answered', 'hidden'] });
  const text = r.text(question.loc.file);
  assert.match(text, /  status    QuestionStatus @default\(open\) \/\/ open \| answered \| hidden\n/);
  assert.match(text, /\n\}\n\nenum QuestionStatus \{\n  open\n  answered\n  hidden\n\}\n\nmodel Vote/);
  assert.deepEqual(r.db.enums.map((e) => [e.name, e.values]), [['QuestionStatus', ['open', 'answered', 'hidden']]]);
  assert.equal(r.db.tables.find((t) => t.name === 'Question')!.columns.find((x) => x.name === 'status')!.type, 'enum');

  const s = ctx('mysql-shop');
  const order = tableOf(s, 'Order');
  const ostatus = order.columns.find((x) => x.name === 'status')!;
  const r2 = applyFix(s, { kind: 'createEnum', database: s.db, table: order, column: ostatus, values: ['pending', 'paid', 'in-transit', 'cancelled'] });
  const t2 = r2.text(order.loc.file);
  assert.match(t2, /  status     OrderStatus @default\(pending\) \/\/ pending/);
  assert.match(t2, /  IN_TRANSIT @map\("in-transit"\)\n/);

  // A default that is not among the values goes (the schema must stay valid).
  const l = ctx('learning-platform');
  const course = tableOf(l, 'Course');
  const level = course.columns.find((x) => x.name === 'level')!;
  const r3 = applyFix(l, { kind: 'createEnum', database: l.db, table: course, column: level, values: ['BASIC', 'PRO'] });
  assert.match(r3.text(course.loc.file), /  level       CourseLevel  \/\/ BEGINNER/);
});

test('writers decline what they cannot write validly', () => {
  const c = inlineCtx('datasource db {\n  provider = "sqlserver"\n  url = env("X")\n}\nmodel A {\n  id Int @id\n  s String\n}\n');
  const a = tableOf(c, 'A');
  const s = a.columns.find((x) => x.name === 's')!;
  assert.equal(prismaFrontEnd.writeFix({ kind: 'createEnum', database: c.db, table: a, column: s, values: ['X'] }, c.reader), undefined);
  assert.equal(prismaFrontEnd.writeFix({ kind: 'changeColumnType', database: c.db, table: a, column: s, to: 'json' }, c.reader), undefined);
  const id = a.columns.find((x) => x.name === 'id')!;
  assert.equal(prismaFrontEnd.writeFix({ kind: 'makeNullable', database: c.db, table: a, column: id }, c.reader), undefined);
  assert.equal(prismaFrontEnd.writeFix({ kind: 'addIndex', database: c.db, table: a, columns: ['nope'] }, c.reader), undefined);
});

test('CRLF files keep CRLF line breaks in inserted lines', () => {
  const lf = readFileSync(`${FIXTURES}/event-qa/prisma/schema.prisma`, 'utf8');
  const c = inlineCtx(lf.replace(/\n/g, '\r\n'));
  const question = tableOf(c, 'Question');
  const r = applyFix(c, { kind: 'addIndex', database: c.db, table: question, columns: ['userId'] });
  const text = r.text(question.loc.file);
  assert.match(text, /\r\n  @@index\(\[userId\]\)\r\n\}/);
  assert.doesNotMatch(text, /[^\r]\n/);
  const status = question.columns.find((x) => x.name === 'status')!;
  const r2 = applyFix(c, { kind: 'createEnum', database: c.db, table: question, column: status, values: ['open', 'answered'] });
  assert.doesNotMatch(r2.text(question.loc.file), /[^\r]\n/);
  const trade = tableOf(c, 'SignalTrade');
  const r3 = applyFix(c, { kind: 'addIndex', database: c.db, table: trade, columns: ['createdById'] });
  assert.doesNotMatch(r3.text(trade.loc.file), /[^\r]\n/);
});

test('property: every writer on every fixture fact yields a schema Prisma validates (or declines)', (t) => {
  let applied = 0;
  let declined = 0;
  const tryFix = (c: Ctx, intent: FixIntent, check?: (db: Database) => void) => {
    const edits = prismaFrontEnd.writeFix(intent, c.reader);
    if (!edits) {
      declined++;
      return;
    }
    const r = applyFix(c, intent);
    check?.(r.db);
    applied++;
  };
  for (const unit of units) {
    const c: Ctx = { unit, reader: disk, db: prismaFrontEnd.analyze(unit, disk, { validation: false }).databases[0] };
    const actions = c.db.referentialActions ?? [];
    for (const table of c.db.tables) {
      const fresh = (db: Database) => db.tables.find((t) => t.name === table.name)!;
      for (const fk of table.foreignKeys) {
        const optional = fk.columns.every((n) => table.columns.find((x) => x.name === n)?.nullable);
        for (const action of (['Cascade', 'Restrict', 'NoAction', 'SetNull'] as const).filter((a) => actions.includes(a))) {
          if (action === 'SetNull' && !optional) continue;
          tryFix(c, { kind: 'setOnDelete', database: c.db, table, foreignKey: fk, action }, (db) =>
            assert.equal(fresh(db).foreignKeys.find((f) => f.relationField === fk.relationField)!.onDelete, action),
          );
        }
        tryFix(c, { kind: 'addIndex', database: c.db, table, columns: fk.columns }, (db) => assert.ok(isCovered(fresh(db), fk.columns)));
        for (const col of fk.columns) {
          const column = table.columns.find((x) => x.name === col)!;
          if (!column.nullable) tryFix(c, { kind: 'makeNullable', database: c.db, table, column }, (db) => assert.ok(fresh(db).columns.find((x) => x.name === col)!.nullable));
        }
      }
      for (const index of table.indexes) {
        tryFix(c, { kind: 'dropIndex', database: c.db, table, index }, (db) => assert.equal(fresh(db).indexes.length, table.indexes.length - 1));
      }
      for (const column of table.columns) {
        if (column.type === 'string') {
          tryFix(c, { kind: 'changeColumnType', database: c.db, table, column, to: 'json' }, (db) => assert.equal(fresh(db).columns.find((x) => x.name === column.name)!.type, 'json'));
          tryFix(c, { kind: 'createEnum', database: c.db, table, column, values: ['ALPHA', 'beta-two'] }, (db) => assert.equal(fresh(db).columns.find((x) => x.name === column.name)!.type, 'enum'));
        }
        if (column.type === 'float') {
          tryFix(c, { kind: 'changeColumnType', database: c.db, table, column, to: 'decimal' }, (db) => assert.equal(fresh(db).columns.find((x) => x.name === column.name)!.type, 'decimal'));
        }
      }
    }
  }
  t.diagnostic(`applied ${applied}, declined ${declined}`);
  assert.ok(applied > 100, `applied ${applied}`);
  assert.ok(declined < applied / 2, `declined ${declined}`);
});

test('half-typed schema: no fix edits a model left unclosed or one after it (Prisma reads those as one block)', () => {
  const text = [
    'datasource db {',
    '  provider = "postgresql"',
    '  url      = env("DATABASE_URL")',
    '}',
    '',
    'model User {',
    '  id     Int    @id @default(autoincrement())',
    '  teamId Int',
    '  posts  Post[]',
    '}',
    '',
    'model Post {',
    '  id       Int    @id @default(autoincrement())',
    '  authorId Int',
    '  author   User   @relation(fields: [authorId], references: [id])',
    '  price    Float',
    '',
    'model Comment {',
    '  id     Int  @id @default(autoincrement())',
    '  postId Int',
    '  status String @default("open") // open | closed',
    '}',
    '',
  ].join('\n');
  const c = inlineCtx(text);
  const post = tableOf(c, 'Post');
  const comment = tableOf(c, 'Comment');
  const fk = post.foreignKeys.find((f) => f.relationField === 'author')!;
  const write = (intent: FixIntent) => prismaFrontEnd.writeFix(intent, c.reader);
  // Post is not closed: where its members end is a guess.
  assert.equal(write({ kind: 'setOnDelete', database: c.db, table: post, foreignKey: fk, action: 'Cascade' }), undefined);
  assert.equal(write({ kind: 'addIndex', database: c.db, table: post, columns: ['authorId'] }), undefined);
  // Comment comes after it: Prisma reads its lines as more (invalid) lines of Post.
  assert.equal(write({ kind: 'addForeignKey', database: c.db, table: comment, columns: ['postId'], references: { table: 'Post', columns: ['id'] } }), undefined);
  const status = comment.columns.find((x) => x.name === 'status')!;
  assert.equal(write({ kind: 'createEnum', database: c.db, table: comment, column: status, values: ['open', 'closed'] }), undefined);
  // The closed model before the unclosed one still gets its fixes.
  const user = write({ kind: 'addIndex', database: c.db, table: tableOf(c, 'User'), columns: ['teamId'] });
  assert.match(applyFileEdits(c.reader, user ?? []).texts['/virtual/prisma/schema.prisma'] ?? '', /  posts  Post\[\]\n\n  @@index\(\[teamId\]\)\n\}\n\nmodel Post/);
});

test('no fix edits a block whose braces share a line with its members (Prisma does not read such a block as written)', () => {
  const text = [
    'datasource db {',
    '  provider = "postgresql"',
    '  url      = env("DATABASE_URL")',
    '}',
    '',
    'model User { /* accounts */',
    '  id    Int    @id',
    '  bio   String',
    '  notes Note[]',
    '  votes Vote[]',
    '}',
    '',
    'model Note {',
    '  id     Int  @id',
    '  userId Int',
    '  user   User @relation(fields: [userId], references: [id]) }',
    '',
    'model Vote { id Int @id',
    '  userId Int',
    '  user   User @relation(fields: [userId], references: [id])',
    '}',
    '',
  ].join('\n');
  const c = inlineCtx(text);
  const write = (intent: FixIntent) => prismaFrontEnd.writeFix(intent, c.reader);
  for (const name of ['Note', 'Vote']) {
    const t = tableOf(c, name);
    assert.equal(write({ kind: 'addIndex', database: c.db, table: t, columns: ['userId'] }), undefined, name);
    assert.equal(write({ kind: 'setOnDelete', database: c.db, table: t, foreignKey: t.foreignKeys[0], action: 'Cascade' }), undefined, name);
  }
  // A comment after `{` is fine (Prisma reads the block).
  const user = tableOf(c, 'User');
  const bio = write({ kind: 'makeNullable', database: c.db, table: user, column: user.columns.find((x) => x.name === 'bio')! });
  assert.match(applyFileEdits(c.reader, bio ?? []).texts['/virtual/prisma/schema.prisma'] ?? '', /\n  bio   String\?\n/);
});

test('addIndex: an index mapped to the name Prisma would give the new one makes the new one take another name', () => {
  const text = [
    'datasource db {',
    '  provider = "postgresql"',
    '  url      = env("DATABASE_URL")',
    '}',
    '',
    'model User {',
    '  id    Int    @id',
    '  votes Vote[]',
    '}',
    '',
    'model Vote {',
    '  id        Int      @id',
    '  userId    Int      @map("user_id")',
    '  user      User     @relation(fields: [userId], references: [id], onDelete: Cascade)',
    '  createdAt DateTime @default(now())',
    '',
    '  @@index([createdAt], map: "votes_user_id_idx") // the column was renamed, the index name kept',
    '  @@map("votes")',
    '}',
    '',
  ].join('\n');
  const c = inlineCtx(text);
  const vote = tableOf(c, 'Vote');
  const r = applyFix(c, { kind: 'addIndex', database: c.db, table: vote, columns: ['userId'] });
  assert.match(r.text(vote.loc.file), /\n  @@index\(\[userId\], map: "votes_user_id_btree_idx"\)\n  @@map\("votes"\)\n/);
  // Another table's index holding the name clashes too (index names are one namespace in a PostgreSQL schema).
  const c2 = inlineCtx(text.replace('map: "votes_user_id_idx"', 'map: "vote_created_idx"').replace('  votes Vote[]\n}', '  votes Vote[]\n  name  String\n\n  @@index([name], map: "votes_user_id_idx")\n}'));
  const r2 = applyFix(c2, { kind: 'addIndex', database: c2.db, table: tableOf(c2, 'Vote'), columns: ['userId'] });
  assert.match(r2.text(vote.loc.file), /@@index\(\[userId\], map: "votes_user_id_btree_idx"\)/);
});
