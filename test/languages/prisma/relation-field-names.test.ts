/**
 * The relation field missing-foreign-key's Prisma fix adds is named for its column (`eventId` → `event`), and, where
 * that name is taken (a back-relation of another relation between the same models, say), by a name that still reads
 * naturally (`eventRecord`, never `eventEvent`). The fixed schema must validate (prisma-schema-wasm).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { prismaFrontEnd } from '../../../server/src/languages/prisma';
import type { SourceReader, Unit } from '../../../server/src/languages/types';
import type { Database, Table } from '../../../rules/model';
import type { FixIntent } from '../../../rules/types';
import { applyFileEdits, memoryReader } from './helpers';

interface Ctx {
  unit: Unit;
  reader: SourceReader;
  db: Database;
}

const PATH = '/virtual/prisma/schema.prisma';

function inlineCtx(text: string): Ctx {
  const unit: Unit = { language: 'prisma', id: `prisma:${PATH}`, files: [PATH], hints: { prismaMajor: 6 } };
  const reader = memoryReader({ [PATH]: text });
  return { unit, reader, db: prismaFrontEnd.analyze(unit, reader, { validation: false }).databases[0] };
}

function tableOf(c: Ctx, name: string): Table {
  const t = c.db.tables.find((x) => x.name === name);
  assert.ok(t, name);
  return t;
}

/** Writes the fix, applies it, checks that Prisma validates the result; returns the fixed text and database. */
function addForeignKey(schema: string, model: string, column: string, target: string): { text: string; db: Database } {
  const c = inlineCtx(schema);
  const intent: FixIntent = { kind: 'addForeignKey', database: c.db, table: tableOf(c, model), columns: [column], references: { table: target, columns: ['id'] } };
  const edits = prismaFrontEnd.writeFix(intent, c.reader);
  assert.ok(edits, 'a fix is written');
  const applied = applyFileEdits(c.reader, edits);
  const after = prismaFrontEnd.analyze(c.unit, applied.reader, { validation: true });
  const text = applied.reader.read(PATH) ?? '';
  assert.deepEqual(after.diagnostics.filter((d) => d.severity === 'error'), [], `fixed schema does not validate:\n${text}`);
  return { text, db: after.databases[0] };
}

const HEAD = 'datasource db {\n  provider = "postgresql"\n  url      = env("DATABASE_URL")\n}\n';

/** The audited shape: Poll.eventId has no relation, and Poll's `event` is the back-relation of Event.poll. */
const POLL = `${HEAD}
model Event {
  id     String  @id @default(cuid())
  pollId String? @unique
  poll   Poll?   @relation(fields: [pollId], references: [id])
}

model Poll {
  id      String  @id @default(cuid())
  eventId String?
  event   Event?
}
`;

function relationFieldOf(db: Database, model: string, column: string): string | undefined {
  return db.tables.find((t) => t.name === model)?.foreignKeys.find((f) => f.columns.length === 1 && f.columns[0] === column)?.relationField;
}

test('the name for the column when it is free', () => {
  const r = addForeignKey(POLL.replace('  event   Event?\n', '  opener  Event?\n'), 'Poll', 'eventId', 'Event');
  assert.equal(relationFieldOf(r.db, 'Poll', 'eventId'), 'event');
});

test('a taken name gets a meaningful alternative, not the model name twice', () => {
  const r = addForeignKey(POLL, 'Poll', 'eventId', 'Event');
  const name = relationFieldOf(r.db, 'Poll', 'eventId');
  assert.equal(name, 'eventRecord', r.text);
  assert.doesNotMatch(r.text, /eventEvent/);
});

test('snake_case columns get snake_case alternatives', () => {
  const schema = `${HEAD}
model Event {
  id      String  @id
  poll_id String? @unique
  poll    Poll?   @relation(fields: [poll_id], references: [id])
}

model Poll {
  id       String  @id
  event_id String?
  event    Event?
}
`;
  const r = addForeignKey(schema, 'Poll', 'event_id', 'Event');
  assert.equal(relationFieldOf(r.db, 'Poll', 'event_id'), 'event_record', r.text);
});

test("a role's taken name still gets the model's name (`ownerUser`); the next alternative when that is taken too", () => {
  const schema = `${HEAD}
model User {
  id Int @id
}

model Team {
  id      Int   @id
  ownerId Int
  owner   Int
  leadId  Int
  lead    Int
  leadUser Int
}
`;
  const owner = addForeignKey(schema, 'Team', 'ownerId', 'User');
  assert.equal(relationFieldOf(owner.db, 'Team', 'ownerId'), 'ownerUser', owner.text);
  const lead = addForeignKey(schema, 'Team', 'leadId', 'User');
  assert.equal(relationFieldOf(lead.db, 'Team', 'leadId'), 'leadRecord', lead.text);
  const twice = addForeignKey(POLL.replace('  event   Event?\n', '  event   Event?\n  eventRecord String?\n'), 'Poll', 'eventId', 'Event');
  assert.equal(relationFieldOf(twice.db, 'Poll', 'eventId'), 'eventRel', twice.text);
});
