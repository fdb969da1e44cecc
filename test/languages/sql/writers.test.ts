import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as pg from 'libpg-query';
import { Parser } from 'node-sql-parser';
import type { Database } from '../../../rules/model';
import type { FixIntent } from '../../../rules/types';
import { sqlFrontEnd } from '../../../server/src/languages/sql';
import { nextVersion, quoteIdent } from '../../../server/src/languages/sql/write';
import type { SourceReader } from '../../../server/src/languages/types';
import { analyzeFixture, applyEdits, memoryReader, ready, table } from './helpers';

before(ready);

function lone(text: string, file = '/w/db/structure.sql'): { db: Database; reader: SourceReader } {
  const reader: SourceReader = { read: (p) => (p === file ? text : undefined) };
  const [unit] = sqlFrontEnd.discover([file], reader);
  return { db: sqlFrontEnd.analyze(unit, reader, { validation: true }).databases[0], reader };
}

function fixText(intent: FixIntent, reader: SourceReader): Map<string, string> {
  const edits = sqlFrontEnd.writeFix(intent, reader);
  assert.ok(edits, `a fix for ${intent.kind}`);
  return applyEdits(edits, reader);
}

const DUMP = `CREATE TABLE public.teams (
    id integer NOT NULL PRIMARY KEY,
    name text NOT NULL
);

CREATE TABLE public.members (
    id integer NOT NULL PRIMARY KEY,
    team_id integer NOT NULL REFERENCES public.teams(id) ON UPDATE CASCADE,
    role text,
    balance double precision NOT NULL DEFAULT 0,
    settings text
);

CREATE TABLE public.invites (
    id integer PRIMARY KEY,
    team_id integer,
    CONSTRAINT invites_team_fk FOREIGN KEY (team_id) REFERENCES public.teams (id) ON DELETE NO ACTION
);

CREATE INDEX members_role_idx ON public.members USING btree (role);
`;

describe('sql writers: dumps and lone files are edited in place', () => {
  it('inserts or replaces ON DELETE in the REFERENCES clause', () => {
    const { db, reader } = lone(DUMP);
    const members = table(db, 'members');
    const out = fixText({ kind: 'setOnDelete', database: db, table: members, foreignKey: members.foreignKeys[0], action: 'Cascade' }, reader);
    const text = out.get('/w/db/structure.sql')!;
    assert.ok(text.includes('team_id integer NOT NULL REFERENCES public.teams(id) ON DELETE CASCADE ON UPDATE CASCADE,'), text);
    const invites = table(db, 'invites');
    const out2 = fixText({ kind: 'setOnDelete', database: db, table: invites, foreignKey: invites.foreignKeys[0], action: 'SetNull' }, reader);
    assert.ok(out2.get('/w/db/structure.sql')!.includes('REFERENCES public.teams (id) ON DELETE SET NULL\n'));
    for (const t of [text, out2.get('/w/db/structure.sql')!]) {
      const again = lone(t).db;
      assert.deepEqual(again.tables.map((x) => x.foreignKeys.length), [0, 1, 1]);
    }
    assert.equal(table(lone(text).db, 'members').foreignKeys[0].onDelete, 'Cascade');
    assert.equal(table(lone(out2.get('/w/db/structure.sql')!).db, 'invites').foreignKeys[0].onDelete, 'SetNull');
  });

  it('appends an index, removes NOT NULL, changes a type, creates an enum', () => {
    const { db, reader } = lone(DUMP);
    const members = table(db, 'members');
    const idx = fixText({ kind: 'addIndex', database: db, table: members, columns: ['team_id'] }, reader).get('/w/db/structure.sql')!;
    // Right after the statement that adds the foreign key, naming the table as the dump does.
    assert.ok(idx.includes('    settings text\n);\nCREATE INDEX IF NOT EXISTS members_team_id_idx ON public.members (team_id);\n\nCREATE TABLE public.invites'), idx);
    const col = (n: string) => members.columns.find((c) => c.name === n)!;
    const nullable = fixText({ kind: 'makeNullable', database: db, table: members, column: col('team_id') }, reader).get('/w/db/structure.sql')!;
    assert.ok(nullable.includes('team_id integer REFERENCES public.teams(id)'), nullable);
    const money = fixText({ kind: 'changeColumnType', database: db, table: members, column: col('balance'), to: 'decimal' }, reader).get('/w/db/structure.sql')!;
    assert.ok(money.includes('balance numeric NOT NULL DEFAULT 0'));
    const json = fixText({ kind: 'changeColumnType', database: db, table: members, column: col('settings'), to: 'json' }, reader).get('/w/db/structure.sql')!;
    assert.ok(json.includes('settings jsonb\n'));
    const en = fixText({ kind: 'createEnum', database: db, table: members, column: col('role'), values: ['owner', 'member'] }, reader).get('/w/db/structure.sql')!;
    assert.ok(en.includes("CREATE TYPE public.members_role AS ENUM ('owner', 'member');\n\nCREATE TABLE public.members"));
    assert.ok(en.includes('role public.members_role,'));
    for (const t of [idx, nullable, money, json, en]) assert.doesNotThrow(() => pg.parseSync(t));
    assert.equal(table(lone(en).db, 'members').columns.find((c) => c.name === 'role')!.type, 'enum');
  });

  it('drops an index statement, adds a foreign key, CONCURRENTLY and NOT VALID in a lone file', () => {
    const { db, reader } = lone(DUMP);
    const members = table(db, 'members');
    const dropped = fixText({ kind: 'dropIndex', database: db, table: members, index: members.indexes[0] }, reader).get('/w/db/structure.sql')!;
    assert.ok(!dropped.includes('members_role_idx'));
    assert.ok(dropped.endsWith(');\n\n'));
    const fk = fixText({ kind: 'addForeignKey', database: db, table: members, columns: ['id'], references: { table: 'teams', columns: ['id'] } }, reader).get('/w/db/structure.sql')!;
    // After both the table and the referenced key exist: right after CREATE TABLE members.
    assert.ok(fk.includes('    settings text\n);\nALTER TABLE public.members ADD CONSTRAINT members_id_fkey FOREIGN KEY (id) REFERENCES public.teams (id);\n\nCREATE TABLE public.invites'), fk);
    const stmt = db.statements!.find((s) => s.kind === 'createIndex')!;
    const conc = fixText({ kind: 'addConcurrently', database: db, statement: stmt }, reader).get('/w/db/structure.sql')!;
    assert.ok(conc.includes('CREATE INDEX CONCURRENTLY members_role_idx ON'));

    const alter = 'create table a (id int primary key);\ncreate table b (id int, a_id int);\nalter table b add constraint b_a_fk foreign key (a_id) references a (id);\n';
    const l = lone(alter, '/w/draft.sql');
    const add = l.db.statements!.find((s) => s.kind === 'addForeignKey')!;
    const nv = fixText({ kind: 'addNotValid', database: l.db, statement: add }, l.reader).get('/w/draft.sql')!;
    assert.equal(nv, 'create table a (id int primary key);\ncreate table b (id int, a_id int);\nalter table b add constraint b_a_fk foreign key (a_id) references a (id) NOT VALID;\nALTER TABLE b VALIDATE CONSTRAINT b_a_fk;\n');
    for (const t of [dropped, fk, conc, nv]) assert.doesNotThrow(() => pg.parseSync(t));
  });
});

describe('sql writers: applied histories get a new migration', () => {
  it('names new migrations the way each folder does, after the last one', () => {
    const cases: [string, RegExp][] = [
      ['supabase-app', /\/supabase\/migrations\/\d{14}_add_index_profiles_id\.sql$/],
      ['prisma-app', /\/prisma\/migrations\/\d{14}_add_index_post_authorid\/migration\.sql$/],
      ['numbered-app', /\/db\/migrations\/011_add_index_orders_user_id\.sql$/],
      ['drizzle-app', /\/drizzle\/0002_add_index_strategies_account_id\.sql$/],
    ];
    for (const [fixture, pattern] of cases) {
      const { db } = analyzeFixture(fixture);
      const t = db.tables.find((x) => x.foreignKeys.length > 0)!;
      const edits = sqlFrontEnd.writeFix({ kind: 'addIndex', database: db, table: t, columns: t.foreignKeys[0].columns }, memoryReader())!;
      const created = edits.filter((e) => e.create);
      assert.equal(created.length, 1, fixture);
      assert.match(created[0].file, pattern);
      const last = db.files[db.files.length - 1];
      assert.ok(created[0].file > last, `${created[0].file} sorts after ${last}`);
      for (const e of edits) if (!e.create) assert.match(e.file, /meta\/_journal\.json$/, 'no old migration is edited');
    }
  });

  it('puts CONCURRENTLY alone in its file where the runner wraps files in a transaction', () => {
    const { db } = analyzeFixture('prisma-app');
    const comment = table(db, 'Comment');
    const edits = sqlFrontEnd.writeFix({ kind: 'addIndex', database: db, table: comment, columns: ['postId'] }, memoryReader())!;
    const text = applyEdits(edits, memoryReader()).get(edits[0].file)!;
    assert.equal(pg.parseSync(text).stmts?.length, 1);
    assert.ok(text.includes('CREATE INDEX CONCURRENTLY IF NOT EXISTS "Comment_postId_idx" ON "Comment" ("postId");'), text);
    const drizzle = analyzeFixture('drizzle-app').db;
    const strategies = table(drizzle, 'strategies');
    const d = sqlFrontEnd.writeFix({ kind: 'addIndex', database: drizzle, table: strategies, columns: ['account_id'] }, memoryReader())!;
    assert.ok(applyEdits(d, memoryReader()).get(d.find((e) => e.create)!.file)!.startsWith('CREATE INDEX IF NOT EXISTS strategies_account_id_idx'), 'drizzle-kit migrates in one transaction: no CONCURRENTLY');
  });

  it('does not rewrite statements of applied migrations', () => {
    const { db } = analyzeFixture('supabase-app');
    const stmt = db.statements!.find((s) => s.kind === 'createIndex' && !s.concurrently)!;
    assert.equal(sqlFrontEnd.writeFix({ kind: 'addConcurrently', database: db, statement: stmt }, memoryReader()), undefined);
    const fk = db.statements!.find((s) => s.kind === 'addForeignKey' && !s.notValid)!;
    assert.equal(sqlFrontEnd.writeFix({ kind: 'addNotValid', database: db, statement: fk }, memoryReader()), undefined);
  });

  it('writes MySQL fixes node-sql-parser reads', () => {
    const { db } = analyzeFixture('mysql-dump');
    const orders = table(db, 'orders');
    const reader = memoryReader();
    const parser = new Parser();
    const intents: FixIntent[] = [
      { kind: 'setOnDelete', database: db, table: orders, foreignKey: orders.foreignKeys[0], action: 'Restrict' },
      { kind: 'addIndex', database: db, table: orders, columns: ['customer_id'] },
      { kind: 'changeColumnType', database: db, table: orders, column: orders.columns.find((c) => c.name === 'total')!, to: 'decimal' },
    ];
    for (const intent of intents) {
      const out = fixText(intent, reader);
      const text = out.get(db.files[0])!;
      const again = sqlFrontEnd.analyze(sqlFrontEnd.discover([db.files[0]], { read: () => text })[0], { read: () => text }, { validation: true });
      assert.deepEqual(again.diagnostics.filter((d) => d.severity === 'error'), [], intent.kind);
    }
    const added = fixText(intents[1], reader).get(db.files[0])!;
    assert.ok(added.includes(') ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;\nCREATE INDEX orders_customer_id_idx ON orders (customer_id);\n\nDROP TABLE IF EXISTS `order_items`;'), added);
    assert.doesNotThrow(() => parser.astify('CREATE INDEX orders_customer_id_idx ON orders (customer_id)', { database: 'mysql' }));
    const set = fixText(intents[0], reader).get(db.files[0])!;
    assert.ok(set.includes('REFERENCES `customers` (`id`) ON DELETE RESTRICT'));
    assert.equal(table(sqlFrontEnd.analyze(sqlFrontEnd.discover([db.files[0]], { read: () => set })[0], { read: () => set }, { validation: true }).databases[0], 'orders').foreignKeys[0].onDelete, 'Restrict');
  });

  it('adds a SQLite foreign key inside CREATE TABLE', () => {
    const { db } = analyzeFixture('sqlite-app');
    const folders = table(db, 'folders');
    const out = fixText({ kind: 'addForeignKey', database: db, table: folders, columns: ['id'], references: { table: 'users', columns: ['id'] } }, memoryReader());
    const text = out.get(db.files[0])!;
    assert.ok(text.includes('  name TEXT NOT NULL,\n  CONSTRAINT folders_id_fkey FOREIGN KEY (id) REFERENCES users (id)\n);'), text);
  });
});

describe('sql writers: helpers', () => {
  it('quotes identifiers only when needed, asking the Postgres scanner about keywords', () => {
    assert.equal(quoteIdent('users', 'postgresql'), 'users');
    assert.equal(quoteIdent('User', 'postgresql'), '"User"');
    assert.equal(quoteIdent('user', 'postgresql'), '"user"');
    assert.equal(quoteIdent('order', 'postgresql'), '"order"');
    assert.equal(quoteIdent('status', 'postgresql'), 'status');
    assert.equal(quoteIdent('auth.users', 'postgresql'), 'auth.users');
    assert.equal(quoteIdent('my table', 'mysql'), '`my table`');
  });

  it('computes versions that sort after the last', () => {
    const now = new Date(Date.UTC(2024, 0, 1, 0, 0, 0));
    assert.equal(nextVersion('20250101000000', 0, now), '20250101000001');
    assert.equal(nextVersion('20230101000000', 0, now), '20240101000000');
    assert.equal(nextVersion('20230101000000', 1, now), '20240101000001');
    assert.equal(nextVersion('009', 0), '010');
    // Timestamps advance as dates: the second after …59 is the next minute.
    assert.equal(nextVersion('20250101000059', 0, now), '20250101000100');
    assert.equal(nextVersion('20250101235959', 1, now), '20250102000001');
    assert.equal(nextVersion('0001', 2), '0004');
  });
});
