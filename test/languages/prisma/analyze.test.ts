import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { prismaFrontEnd } from '../../../server/src/languages/prisma';
import type { Unit } from '../../../server/src/languages/types';
import type { Database } from '../../../rules/model';
import { FIXTURES, diskReader, listFiles, memoryReader, unitFor } from './helpers';

const reader = diskReader();
const units = prismaFrontEnd.discover(listFiles(FIXTURES), reader);

function analyze(part: string, validation = false) {
  return prismaFrontEnd.analyze(unitFor(units, part), reader, { validation });
}
function db(part: string): Database {
  return analyze(part).databases[0];
}
function table(d: Database, name: string) {
  const t = d.tables.find((x) => x.name === name);
  assert.ok(t, `table ${name}`);
  return t;
}
function inline(text: string, hints: Record<string, unknown> = {}, validation = false) {
  const path = '/virtual/prisma/schema.prisma';
  const unit: Unit = { language: 'prisma', id: `prisma:${path}`, files: [path], hints };
  return prismaFrontEnd.analyze(unit, memoryReader({ [path]: text }), { validation });
}

test('event-qa: dialect, tables, columns, comments and exact locations', () => {
  const d = db('event-qa');
  const path = `${FIXTURES}/event-qa/prisma/schema.prisma`;
  assert.equal(d.language, 'prisma');
  assert.equal(d.dialect, 'postgresql');
  assert.equal(d.relationMode, 'foreignKeys');
  assert.equal(d.prismaMajor, 6);
  assert.deepEqual(d.files, [path]);
  assert.deepEqual(d.tables.map((t) => t.name), ['User', 'Event', 'Question', 'Vote', 'SignalTrade']);
  assert.deepEqual(d.loc, { file: path, range: { start: { line: 6, character: 2 }, end: { line: 6, character: 26 } } });
  const event = table(d, 'Event');
  assert.equal(event.dbName, 'events');
  const settings = event.columns.find((c) => c.name === 'settings')!;
  assert.equal(settings.comment, 'JSON: { "theme": string, "allowAnonymous": boolean }');
  assert.equal(settings.default, '"{}"');
  assert.equal(settings.type, 'string');
  const question = table(d, 'Question');
  const body = question.columns.find((c) => c.name === 'body')!;
  assert.equal(body.rawType, 'String @db.Text');
  const status = question.columns.find((c) => c.name === 'status')!;
  assert.equal(status.comment, 'open | answered | hidden');
  // `  status    String   @default("open") // …` is line 41
  assert.deepEqual(status.loc.range, { start: { line: 39, character: 2 }, end: { line: 39, character: 37 } });
  assert.deepEqual(status.typeLoc!.range, { start: { line: 39, character: 12 }, end: { line: 39, character: 18 } });
  assert.deepEqual(question.nameLoc.range, { start: { line: 36, character: 6 }, end: { line: 36, character: 14 } });
  assert.equal(question.loc.range.start.line, 36);
  assert.equal(question.loc.range.end.line, 49);
  const trade = table(d, 'SignalTrade');
  const createdBy = trade.columns.find((c) => c.name === 'createdById')!;
  assert.equal(createdBy.dbName, 'created_by_id');
  assert.equal(createdBy.nullable, true);
  assert.equal(trade.comment, 'A trade signal published by an admin. ééé — prix en €');
  assert.ok(!trade.columns.some((c) => c.name === 'createdBy'), 'relation fields are not columns');
});

test('event-qa: foreign keys, written and default actions, keys and indexes', () => {
  const d = db('event-qa');
  const question = table(d, 'Question');
  assert.deepEqual(
    question.foreignKeys.map((f) => [f.relationField, f.columns, f.references, f.onDelete, f.defaultOnDelete, f.enforced]),
    [
      ['event', ['eventId'], { table: 'Event', columns: ['id'] }, undefined, 'Restrict', true],
      ['user', ['userId'], { table: 'User', columns: ['id'] }, undefined, 'Restrict', true],
    ],
  );
  assert.deepEqual(question.foreignKeys[0].loc.range, { start: { line: 44, character: 2 }, end: { line: 44, character: 60 } });
  assert.deepEqual(question.indexes.map((i) => [i.kind, i.columns]), [['index', ['eventId', 'createdAt']]]);
  assert.deepEqual(question.primaryKey?.columns, ['id']);
  const vote = table(d, 'Vote');
  assert.equal(vote.foreignKeys[1].onDelete, 'Cascade');
  assert.deepEqual(vote.indexes.map((i) => [i.kind, i.unique, i.columns]), [['unique', true, ['userId', 'questionId']]]);
  const trade = table(d, 'SignalTrade');
  assert.equal(trade.foreignKeys[0].defaultOnDelete, 'SetNull');
  assert.equal(trade.foreignKeys[0].relationField, 'createdBy');
  const user = table(d, 'User');
  assert.deepEqual(user.indexes.map((i) => [i.kind, i.columns]), [['unique', ['email']]]);
  assert.deepEqual(d.referentialActions, ['Cascade', 'Restrict', 'NoAction', 'SetNull', 'SetDefault']);
});

test('suppression comments: next-line, trailing and file scope', () => {
  const a = analyze('event-qa');
  assert.deepEqual(a.suppressions.map((s) => [s.scope, s.targetLine, s.rules]), [['next-line', 72, ['float-for-money']]]);
  const b = analyze('learning-platform');
  assert.deepEqual(b.suppressions.map((s) => [s.scope, s.rules]), [['file', ['backup-table']]]);
  const c = inline('model A {\n  id Int @id // schema-review-ignore duplicate-index\n}\n');
  assert.deepEqual(c.suppressions.map((s) => [s.scope, s.targetLine]), [['next-line', 1]]);
});

test('relationMode = "prisma" (PlanetScale): no enforced foreign keys, Prisma-emulated actions', () => {
  const d = db('planetscale');
  assert.equal(d.dialect, 'mysql');
  assert.equal(d.relationMode, 'prisma');
  assert.equal(d.prismaMajor, 5);
  const fks = d.tables.flatMap((t) => t.foreignKeys);
  assert.equal(fks.length, 3);
  assert.ok(fks.every((f) => f.enforced === false));
  assert.deepEqual(d.referentialActions, ['Cascade', 'Restrict', 'NoAction', 'SetNull']);
  const project = table(d, 'Project');
  assert.equal(project.columns.find((c) => c.name === 'budget')!.rawType, 'Decimal @db.Decimal(10, 2)');
  assert.equal(project.columns.find((c) => c.name === 'budget')!.type, 'decimal');
});

test('MySQL shop: composite primary key, named unique, @@map, onUpdate only', () => {
  const d = db('mysql-shop');
  assert.equal(d.dialect, 'mysql');
  const item = table(d, 'OrderItem');
  assert.deepEqual(item.primaryKey?.columns, ['orderId', 'productId']);
  assert.equal(item.primaryKey?.kind, 'primary');
  const product = table(d, 'Product');
  assert.equal(product.dbName, 'products');
  assert.deepEqual(product.indexes[0], { ...product.indexes[0], name: 'product_sku_key', kind: 'unique', columns: ['sku'] });
  const order = table(d, 'Order');
  assert.equal(order.foreignKeys[0].onUpdate, 'Restrict');
  assert.equal(order.foreignKeys[0].onDelete, undefined);
  assert.equal(order.columns.find((c) => c.name === 'status')!.comment, 'pending, paid, shipped, cancelled');
});

test('multi-file schema: one database over three files, enums, 1:1 relation', () => {
  const d = db('multi-file');
  assert.equal(d.files.length, 3);
  assert.equal(d.prismaMajor, 7);
  assert.deepEqual(d.tables.map((t) => t.name).sort(), ['Comment', 'Post', 'Profile', 'User']);
  assert.deepEqual(d.enums.map((e) => [e.name, e.values]), [['PostStatus', ['DRAFT', 'PUBLISHED', 'ARCHIVED']]]);
  const post = table(d, 'Post');
  assert.equal(post.columns.find((c) => c.name === 'status')!.type, 'enum');
  assert.equal(post.columns.find((c) => c.name === 'tags')!.type, 'array');
  assert.ok(post.loc.file.endsWith('/post.prisma'));
  assert.ok(d.loc!.file.endsWith('/schema.prisma'));
  const comment = table(d, 'Comment');
  assert.deepEqual(comment.foreignKeys.map((f) => [f.onDelete, f.onUpdate, f.defaultOnDelete]), [['Cascade', 'Cascade', 'Restrict'], ['SetNull', undefined, 'SetNull']]);
});

test('dialects and defaults: sqlserver NoAction, mongodb emulated, uuid/date types', () => {
  const ss = inline('datasource db {\n  provider = "sqlserver"\n}\nmodel A {\n  id Int @id\n  bs B[]\n}\nmodel B {\n  id Int @id\n  aId Int\n  a A @relation(fields: [aId], references: [id])\n}\n').databases[0];
  assert.equal(ss.dialect, 'sqlserver');
  assert.equal(ss.tables[1].foreignKeys[0].defaultOnDelete, 'NoAction');
  assert.deepEqual(ss.referentialActions, ['Cascade', 'NoAction', 'SetNull', 'SetDefault']);
  const mongo = inline('datasource db {\n  provider = "mongodb"\n}\n').databases[0];
  assert.equal(mongo.relationMode, 'prisma');
  const pg = db('prisma5');
  assert.equal(pg.dialect, 'postgresql');
  const invoice = table(pg, 'Invoice');
  assert.equal(invoice.columns.find((c) => c.name === 'id')!.type, 'uuid');
  assert.equal(invoice.columns.find((c) => c.name === 'dueOn')!.type, 'date');
  const view = inline('view V {\n  id Int @unique\n}\n').databases[0];
  assert.equal(view.tables[0].isView, true);
  assert.equal(view.dialect, 'unknown');
});

test('the provider written in the datasource wins over a configured dialect (a fallback only)', () => {
  const path = '/virtual/prisma/schema.prisma';
  const unit: Unit = { language: 'prisma', id: `prisma:${path}`, files: [path] };
  const run = (text: string) => prismaFrontEnd.analyze(unit, memoryReader({ [path]: text }), { validation: false, dialect: 'postgresql' }).databases[0];
  const relation = 'model User {\n  id Int @id\n  posts Post[]\n}\nmodel Post {\n  id Int @id\n  authorId Int?\n  author User? @relation(fields: [authorId], references: [id])\n}\n';
  const mysql = run(`datasource db {\n  provider = "mysql"\n  url = env("DATABASE_URL")\n}\n${relation}`);
  assert.deepEqual([mysql.dialect, mysql.relationMode], ['mysql', 'foreignKeys']);
  const mongo = run(`datasource db {\n  provider = "mongodb"\n  url = env("DATABASE_URL")\n}\n${relation}`);
  assert.deepEqual([mongo.dialect, mongo.relationMode], ['mongodb', 'prisma']);
  assert.equal(mongo.tables[1].foreignKeys[0].enforced, false);
  const sqlserver = run(`datasource db {\n  provider = "sqlserver"\n  url = env("DATABASE_URL")\n}\n${relation.replace(/Int\?/g, 'Int').replace('User?', 'User')}`);
  assert.equal(sqlserver.tables[1].foreignKeys[0].defaultOnDelete, 'NoAction');
  // No provider written (a half-typed datasource, or none): the configured dialect fills in.
  assert.equal(run(relation).dialect, 'postgresql');
  assert.equal(run(`datasource db {\n  provider = \n}\n${relation}`).dialect, 'postgresql');
});

test('validation: Prisma errors with exact ranges, per major, only when asked', () => {
  const s = '/// 😀 é\ndatasource db {\n  provider = "postgresql"\n  url = env("DATABASE_URL")\n}\nmodel A {\n  id Int @id // 😀\n  x Strin\n}\n';
  const off = inline(s, { prismaMajor: 6 }, false);
  assert.deepEqual(off.diagnostics, []);
  const on6 = inline(s, { prismaMajor: 6 }, true);
  assert.deepEqual(
    on6.diagnostics.map((d) => [d.source, d.severity, d.range]),
    [['prisma', 'error', { start: { line: 7, character: 4 }, end: { line: 7, character: 9 } }]],
  );
  // The newest wasm rejects `url = env(...)`, which Prisma 5/6 schemas all have.
  const on7 = inline(s, { prismaMajor: 7 }, true);
  assert.equal(on7.diagnostics.length, 2);
  assert.ok(on7.diagnostics.some((d) => d.range.start.line === 3 && /url/.test(d.message)));
  // Version unknown: the URL says the schema was written for Prisma 6 or earlier.
  assert.equal(inline(s, {}, true).diagnostics.length, 1);
  const on5 = inline(s, { prismaMajor: 5 }, true);
  assert.equal(on5.diagnostics.length, 1);
});

test('validation of every fixture with its own major: no errors', () => {
  for (const unit of units) {
    const a = prismaFrontEnd.analyze(unit, reader, { validation: true });
    assert.deepEqual(a.diagnostics.filter((d) => d.severity === 'error'), [], unit.id);
  }
  const ps = analyze('planetscale', true);
  assert.equal(ps.diagnostics.filter((d) => d.severity === 'warning').length, 2);
  assert.ok(ps.diagnostics.every((d) => d.file.endsWith('planetscale/prisma/schema.prisma')));
});

test('multi-file validation maps each error to its file', () => {
  const u = unitFor(units, 'multi-file');
  const postPath = u.files.find((f) => f.endsWith('post.prisma'))!;
  const broken = readFileSync(postPath, 'utf8').replace('title     String', 'title     Strin');
  const a = prismaFrontEnd.analyze(u, diskReader({ [postPath]: broken }), { validation: true });
  assert.deepEqual(a.diagnostics.map((d) => [d.file, d.range.start]), [[postPath, { line: 8, character: 12 }]]);
});

test('unreadable files become a diagnostic, not an exception', () => {
  const unit: Unit = { language: 'prisma', id: 'prisma:/nope', files: ['/nope/schema.prisma'] };
  const a = prismaFrontEnd.analyze(unit, memoryReader({}), { validation: true });
  assert.equal(a.diagnostics.length, 1);
  assert.equal(a.diagnostics[0].source, 'schema-review');
  assert.equal(a.databases[0].tables.length, 0);
});

test('fuzz: analysis (with validation) of cut fixtures never throws', () => {
  const text = readFileSync(`${FIXTURES}/event-qa/prisma/schema.prisma`, 'utf8');
  let n = 0;
  for (let cut = 0; cut < text.length; cut += 37) {
    const a = inline(text.slice(0, cut), { prismaMajor: 6 }, cut % 111 === 0);
    assert.equal(a.databases.length, 1);
    n++;
  }
  assert.ok(n > 40);
});

test('fuzz: every fixture unit, mutated, analyses and answers fix intents without throwing', () => {
  let seed = 7;
  const rand = () => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed / 0x7fffffff;
  };
  let runs = 0;
  for (const unit of units) {
    const original = prismaFrontEnd.analyze(unit, reader, { validation: false }).databases[0];
    for (let i = 0; i < 40; i++) {
      const overrides: Record<string, string> = {};
      for (const f of unit.files) {
        const src = readFileSync(f, 'utf8');
        const a = Math.floor(rand() * src.length);
        overrides[f] = i % 2 ? src.slice(0, a) : src.slice(0, a) + src.slice(a + 1 + Math.floor(rand() * 40));
      }
      const mutated = diskReader(overrides);
      const result = prismaFrontEnd.analyze(unit, mutated, { validation: i % 8 === 0 });
      assert.equal(result.databases.length, 1);
      for (const table of original.tables) {
        for (const fk of table.foreignKeys) {
          const edits = prismaFrontEnd.writeFix({ kind: 'setOnDelete', database: original, table, foreignKey: fk, action: 'Cascade' }, mutated);
          for (const e of edits ?? []) assert.ok(e.edits.every((t) => t.range.start.line >= 0));
          prismaFrontEnd.writeFix({ kind: 'addIndex', database: original, table, columns: fk.columns }, mutated);
        }
      }
      runs++;
    }
  }
  assert.equal(runs, units.length * 40);
});

test('a schema of unknown Prisma version that sets connection URLs in its datasource is validated as Prisma 6 (7 rejects them)', () => {
  const text = 'datasource db {\n  provider = "postgresql"\n  url      = env("DATABASE_URL")\n  directUrl = env("DIRECT_URL")\n}\n\nmodel A {\n  id Int @id\n}\n';
  const reader = { read: (p: string) => (p === '/old/schema.prisma' ? text : undefined) };
  const unit = { language: 'prisma' as const, id: 'prisma:/old/schema.prisma', files: ['/old/schema.prisma'], hints: {} };
  const prismaErrors = () => prismaFrontEnd.analyze(unit, reader, { validation: true }).diagnostics.filter((d) => d.source === 'prisma');
  assert.deepEqual(prismaErrors(), []);
  assert.deepEqual(prismaErrors(), [], 'and again on the next review');
  // A project that says it uses Prisma 7 is told what Prisma 7 says.
  const seven = prismaFrontEnd.analyze({ ...unit, id: 'prisma:/seven/schema.prisma', hints: { prismaMajor: 7 } }, reader, { validation: true });
  assert.match(seven.diagnostics.map((d) => d.message).join('\n'), /datasource property `url` is no longer supported/);
});

test('a preview feature Prisma made GA after the project\'s pinned version is not reported as deprecated', () => {
  const schema = [
    'generator client {',
    '  provider        = "prisma-client-js"',
    '  previewFeatures = ["prismaSchemaFolder", "multiSchema", "omitApi"]',
    '}',
    '',
    'datasource db {',
    '  provider = "postgresql"',
    '  url      = env("DATABASE_URL")',
    '  schemas  = ["public"]',
    '}',
    '',
    'model User {',
    '  id Int @id',
    '',
    '  @@schema("public")',
    '}',
    '',
  ].join('\n');
  const deprecated = (hints: Record<string, unknown>) =>
    inline(schema, hints, true)
      .diagnostics.filter((d) => d.source === 'prisma' && /is deprecated/.test(d.message))
      .map((d) => /"(\w+)"/.exec(d.message)![1]);
  // 6.5 needs prismaSchemaFolder (GA in 6.7) and multiSchema (GA in 6.13); omitApi has been GA since 6.2.
  assert.deepEqual(deprecated({ prismaMajor: 6, prismaMinor: 5 }), ['omitApi']);
  assert.deepEqual(deprecated({ prismaMajor: 6, prismaMinor: 10 }), ['prismaSchemaFolder', 'omitApi']);
  assert.deepEqual(deprecated({ prismaMajor: 6, prismaMinor: 1 }), []);
  // Unknown minor (a range): what the newest Prisma 6 says.
  assert.deepEqual(deprecated({ prismaMajor: 6 }), ['prismaSchemaFolder', 'multiSchema', 'omitApi']);
  assert.deepEqual(deprecated({ prismaMajor: 6, prismaMinor: 19 }), ['prismaSchemaFolder', 'multiSchema', 'omitApi']);
});

test('@@id and @@unique `name:` names the client field, not the database index (only `map:` does); @@index `name:` is the old `map:`', () => {
  const d = inline(
    [
      'datasource db {',
      '  provider = "postgresql"',
      '  url      = env("DATABASE_URL")',
      '}',
      '',
      'model Membership {',
      '  teamId Int',
      '  userId Int',
      '  role   String',
      '',
      '  @@id([teamId, userId], name: "team_user")',
      '  @@unique(fields: [userId, teamId], name: "user_team")',
      '  @@unique([userId, role], name: "user_role", map: "membership_user_role_key")',
      '  @@index([role], name: "membership_role_idx")',
      '}',
      '',
    ].join('\n'),
  ).databases[0];
  const m = table(d, 'Membership');
  assert.equal(m.primaryKey?.name, undefined);
  assert.deepEqual(
    m.indexes.map((i) => [i.kind, i.columns.join(','), i.name]),
    [
      ['unique', 'userId,teamId', undefined],
      ['unique', 'userId,role', 'membership_user_role_key'],
      ['index', 'role', 'membership_role_idx'],
    ],
  );
});

test('a model commented out with /* */ is not reviewed; a trailing /* */ comment is the column comment', () => {
  const d = inline(
    [
      'datasource db {',
      '  provider = "postgresql"',
      '  url      = env("DATABASE_URL")',
      '}',
      '',
      'model User {',
      '  id    Int    @id @default(autoincrement())',
      '  role  String @default("member") /* "member" | "admin" */',
      '}',
      '',
      '/*',
      '  Disabled until billing ships (see #412).',
      '',
      'model Invoice {',
      '  id     Int   @id @default(autoincrement())',
      '  userId Int',
      '  amount Float',
      '  user   User  @relation(fields: [userId], references: [id])',
      '}',
      '*/',
      '',
    ].join('\n'),
    { prismaMajor: 6 },
    true,
  );
  assert.deepEqual(d.diagnostics, []);
  assert.deepEqual(d.databases[0].tables.map((t) => t.name), ['User']);
  assert.equal(table(d.databases[0], 'User').columns.find((c) => c.name === 'role')!.comment, '"member" | "admin"');
});

test('Prisma\'s answer is not reused when a keystroke in a comment ends or starts a block comment', () => {
  const head = 'datasource db {\n  provider = "postgresql"\n  url      = env("DATABASE_URL")\n}\n\nmodel User {\n  id Int @id\n}\n\n';
  const commented = `${head}/* model Draft {\n  id  Int @id\n  tag Unknown\n} */\n`;
  const errors = (text: string) => inline(text, { prismaMajor: 6 }, true).diagnostics.filter((d) => d.source === 'prisma').length;
  assert.equal(errors(commented), 0);
  // `*/` typed inside the block comment: the model under it is code now (and its type unknown).
  assert.ok(errors(commented.replace('/* model Draft', '/**/ model Draft')) > 0);
  // In a line comment: `*/` closes a block comment left open above it.
  const open = `${head}/*\nmodel Draft {\n  id  Int @id\n  tag Unknown\n}\n// end\n`;
  assert.ok(errors(open) > 0);
  assert.equal(errors(open.replace('// end', '// end */')), 0);
});
