import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { compatibleTypes, missingForeignKey, referencedName, userReference } from '../../rules/relations/missing-foreign-key';
import { column, drizzleDb, fk, prismaDb, sqlDb, table } from '../helpers/model';
import { fixSummary, runRule, single } from '../helpers/run-rule';
import { applyPrismaFix, applyPrismaFixes, findings, inlinePrisma } from '../helpers/prisma-inline';
import { prismaFrontEnd } from '../../server/src/languages/prisma';

describe('missing-foreign-key', () => {
  it('reads the referenced name from camelCase and snake_case', () => {
    assert.equal(referencedName('eventId'), 'event');
    assert.equal(referencedName('event_id'), 'event');
    assert.equal(referencedName('chatSessionID'), 'chatSession');
    assert.equal(referencedName('paid'), undefined);
    assert.equal(referencedName('id'), undefined);
    assert.equal(referencedName('Id'), undefined);
    assert.equal(compatibleTypes('int', 'bigint'), true);
    assert.equal(compatibleTypes('uuid', 'string'), true);
    assert.equal(compatibleTypes('int', 'string'), false);
  });

  describe('valid', () => {
    it('a column already in a foreign key', () => {
      const db = prismaDb([table('Event'), table('Question', { columns: [column('eventId', 'int')], foreignKeys: [fk(['eventId'], 'Event')] })]);
      assert.equal(runRule(missingForeignKey, [db]).length, 0);
    });
    it('no table of that name', () => {
      const db = prismaDb([table('User'), table('Post', { columns: [column('trackingId', 'int'), column('cardReaderId', 'int'), column('customerId', 'int')] })]);
      assert.equal(runRule(missingForeignKey, [db]).length, 0);
    });
    it('a role or a "created by" with no users table, or that cannot hold its key', () => {
      // No users (or profiles) table: a role names nobody the schema knows.
      assert.equal(runRule(missingForeignKey, [sqlDb([table('accounts', { columns: [column('id', 'uuid')] }), table('bookings', { columns: [column('reader_id', 'uuid')] })])]).length, 0);
      // A role is weaker evidence than a table's name: a column that cannot hold users.id as typed is not reported.
      const users = () => table('users', { columns: [column('id', 'uuid')] });
      assert.equal(runRule(missingForeignKey, [sqlDb([users(), table('bookings', { columns: [column('reader_id', 'string')] })])]).length, 0);
      // `created_by text` holds a name or an email as often as an id.
      assert.equal(runRule(missingForeignKey, [sqlDb([users(), table('notes', { columns: [column('created_by', 'string')] })], { dialect: 'sqlite' })]).length, 0);
      assert.equal(runRule(missingForeignKey, [prismaDb([table('User', { columns: [column('id', 'string')] }), table('Note', { columns: [column('createdBy', 'string')] })])]).length, 0);
    });
    it('incompatible types (an external id kept as text)', () => {
      const db = sqlDb([table('orders'), table('shipments', { columns: [column('order_id', 'string')] })]);
      assert.equal(runRule(missingForeignKey, [db]).length, 0);
    });
    it('the column is the primary key itself', () => {
      const db = sqlDb([table('users'), table('profiles', { noId: true, columns: [column('user_id', 'int')], primaryKey: ['user_id'] })]);
      assert.equal(runRule(missingForeignKey, [db]).length, 0);
    });
    it('a column named after its own table (an outside id)', () => {
      const db = prismaDb([table('Event', { columns: [column('eventId', 'int')] })]);
      assert.equal(runRule(missingForeignKey, [db]).length, 0);
    });
    it('a leftover backup copy (backup-table reports it)', () => {
      const db = sqlDb([table('profiles'), table('payments'), table('payments_backup', { primaryKey: null, noId: true, columns: [column('profile_id', 'int')] })]);
      assert.equal(runRule(missingForeignKey, [db]).length, 0);
    });
    it('an OAuth client id beside its secret (repro-2: an id issued by an identity provider, not a Client row)', () => {
      const schema = inlinePrisma(`datasource db {
  provider = "postgresql"
  url      = env("DATABASE_URL")
}

model SsoConnection {
  id           String  @id @default(uuid())
  issuer       String
  clientId     String
  clientSecret String
  enabled      Boolean @default(false)
}

model Client {
  id    String @id @default(uuid())
  name  String
  email String @unique
}
`);
      assert.equal(findings(missingForeignKey, schema).length, 0);
      // snake_case, and a secret kept encrypted or hashed (`app_secret_hash`): the same credential pair.
      const apps = () => table('apps', { columns: [column('id', 'string')] });
      assert.equal(runRule(missingForeignKey, [sqlDb([apps(), table('integrations', { columns: [column('app_id', 'string'), column('app_secret_hash', 'string')] })])]).length, 0);
      // A secret of another prefix says nothing about this column: `webhookSecret` beside `clientId` is still reported.
      const clients = () => table('Client', { columns: [column('id', 'string')] });
      assert.equal(runRule(missingForeignKey, [prismaDb([clients(), table('Order', { columns: [column('clientId', 'string'), column('webhookSecret', 'string')] })])]).length, 1);
    });
    it('target without a single-column primary key', () => {
      const db = sqlDb([table('events', { primaryKey: null }), table('questions', { columns: [column('event_id', 'int')] })]);
      assert.equal(runRule(missingForeignKey, [db]).length, 0);
    });
  });

  describe('invalid', () => {
    it('Prisma: eventId with a model Event', () => {
      const eventId = column('eventId', 'int');
      const event = table('Event');
      const question = table('Question', { columns: [eventId] });
      const db = prismaDb([event, question]);
      const report = single(runRule(missingForeignKey, [db]));
      assert.equal(
        report.message,
        'Question.eventId looks like a reference to Event.id, but no foreign key says so: nothing stops it pointing at a missing Event, and deleting an Event cannot cascade or be refused.',
      );
      assert.deepEqual(report.loc, eventId.loc);
      assert.deepEqual(fixSummary(report), [
        { title: 'Add a relation to Event (fields: [eventId], references: [id], onDelete: Cascade)', safety: 'unsafe', kind: 'addForeignKey', preferred: false },
      ]);
      assert.deepEqual(report.fixes![0].intent, {
        kind: 'addForeignKey',
        database: db,
        table: question,
        columns: ['eventId'],
        references: { table: 'Event', columns: ['id'] },
        // A required reference: written with the action missing-on-delete would ask for first, so none is left to add.
        onDelete: 'Cascade',
      });
      assert.deepEqual(report.related, [{ loc: event.nameLoc, message: 'Table Event' }]);
    });

    it('SQL: snake_case column, plural table, int/bigint compatible; Postgres title says NOT VALID', () => {
      const db = sqlDb([table('chat_sessions', { columns: [column('id', 'bigint')] }), table('chat_messages', { columns: [column('chat_session_id', 'bigint')] })]);
      const report = single(runRule(missingForeignKey, [db]));
      assert.equal(report.fixes![0].title, 'Add foreign key chat_messages (chat_session_id) → chat_sessions (id) ON DELETE CASCADE NOT VALID');
      assert.match(report.message, /pointing at a missing chat_sessions row, and deleting a chat_sessions row cannot cascade/);
    });

    it('SQL: a stem under the prefix of its own table (seed 004: chat_messages.session_id → chat_sessions)', () => {
      const db = sqlDb([
        table('chat_sessions', { columns: [column('id', 'bigint')] }),
        table('chat_messages', { columns: [column('id', 'bigint'), column('session_id', 'bigint')] }),
      ]);
      const report = single(runRule(missingForeignKey, [db]));
      assert.match(report.message, /^chat_messages\.session_id looks like a reference to chat_sessions\.id/);
      // A table named by the stem alone wins over the prefixed one.
      const both = sqlDb([
        table('sessions', { columns: [column('id', 'bigint')] }),
        table('chat_sessions', { columns: [column('id', 'bigint')] }),
        table('chat_messages', { columns: [column('id', 'bigint'), column('session_id', 'bigint')] }),
      ]);
      assert.match(single(runRule(missingForeignKey, [both])).message, /reference to sessions\.id/);
    });

    it('Drizzle: camelCase key with a SQL name', () => {
      const db = drizzleDb([
        table('users', { columns: [column('id', 'uuid')] }),
        table('sessions', { columns: [column('userId', 'uuid', { dbName: 'user_id' })] }),
      ]);
      const report = single(runRule(missingForeignKey, [db]));
      assert.equal(report.fixes![0].title, 'Add .references(() => users.id, { onDelete: "cascade" }) to userId');
    });

    it('a key whose type the column cannot reference as it is: the finding says so, no fix', () => {
      // Postgres refuses text → uuid; Prisma refuses Int → BigInt and String → a @db.Uuid key; MySQL wants the same integer type.
      const cases = [
        { db: drizzleDb, col: 'string', key: 'uuid', note: 'Its type (String) is not users.id\'s (String @db.Uuid)' },
        { db: sqlDb, col: 'string', key: 'uuid' },
        { db: prismaDb, col: 'int', key: 'bigint', note: 'Its type (Int) is not users.id\'s (BigInt), and a foreign key needs matching types: change the column\'s type first.' },
        { db: prismaDb, col: 'string', key: 'uuid' },
        { db: (t: ReturnType<typeof table>[]) => sqlDb(t, { dialect: 'mysql' }), col: 'int', key: 'bigint' },
        { db: (t: ReturnType<typeof table>[]) => sqlDb(t, { dialect: 'sqlserver' }), col: 'int', key: 'bigint' },
      ] as const;
      for (const c of cases) {
        const db = c.db([table('users', { columns: [column('id', c.key)] }), table('sessions', { columns: [column('user_id', c.col)] })]);
        const report = single(runRule(missingForeignKey, [db]));
        assert.deepEqual(report.fixes, [], `${db.language} ${db.dialect} ${c.col} → ${c.key}`);
        assert.match(report.message, /a foreign key needs matching types: change the column's type first\.$/);
        if ('note' in c) assert.ok(report.message.includes(c.note), report.message);
      }
      // Postgres compares integers of any width, SQLite anything: the constraint can be added there.
      assert.equal(single(runRule(missingForeignKey, [sqlDb([table('users', { columns: [column('id', 'bigint')] }), table('sessions', { columns: [column('user_id', 'int')] })])])).fixes!.length, 1);
      assert.equal(single(runRule(missingForeignKey, [sqlDb([table('users', { columns: [column('id', 'uuid')] }), table('sessions', { columns: [column('user_id', 'string')] })], { dialect: 'sqlite' })])).fixes!.length, 1);
      // Prisma on MySQL: the same scalar but another size or sign (`@db.UnsignedInt`) is refused by MySQL.
      const unsigned = column('id', 'int', { rawType: 'Int @db.UnsignedInt' });
      const mysql = prismaDb([table('User', { columns: [unsigned] }), table('Post', { columns: [column('userId', 'int')] })], { dialect: 'mysql' });
      assert.deepEqual(single(runRule(missingForeignKey, [mysql])).fixes, []);
    });

    it('a person\'s role where no table is named by it refers to the users table (seed 004: bookings.reader_id → users.id)', () => {
      assert.deepEqual(userReference('reader_id'), { kind: 'role', words: 'reader' });
      assert.deepEqual(userReference('assignedReviewerId'), { kind: 'role', words: 'reviewer' });
      assert.deepEqual(userReference('created_by'), { kind: 'by', words: 'created by' });
      assert.deepEqual(userReference('approvedById'), { kind: 'by', words: 'approved by' });
      for (const name of ['card_reader_id', 'customer_id', 'reader', 'stand_by', 'by_id', 'readerCount']) assert.equal(userReference(name), undefined, name);

      const readerId = column('reader_id', 'uuid', { nullable: true });
      const db = sqlDb([table('users', { columns: [column('id', 'uuid')] }), table('services', { columns: [column('id', 'uuid'), column('reader_id', 'uuid')] }), table('bookings', { columns: [column('id', 'uuid'), readerId] })]);
      const reports = runRule(missingForeignKey, [db]);
      assert.deepEqual(reports.map((r) => r.message.split(' ')[0]), ['services.reader_id', 'bookings.reader_id']);
      assert.equal(
        reports[1].message,
        'bookings.reader_id names a reader, and no table is named reader: it looks like a reference to users.id, but no foreign key says so: nothing stops it pointing at a missing users row, and deleting a users row cannot cascade or be refused.',
      );
      assert.deepEqual(reports[1].loc, readerId.loc);
      // The actions missing-on-delete would ask for: a required reader's services go with the reader, an optional one is cleared.
      assert.deepEqual(reports.map((r) => r.fixes![0].title), [
        'Add foreign key services (reader_id) → users (id) ON DELETE CASCADE NOT VALID',
        'Add foreign key bookings (reader_id) → users (id) ON DELETE SET NULL NOT VALID',
      ]);
      // A table named by the role wins.
      const readers = sqlDb([table('users', { columns: [column('id', 'uuid')] }), table('readers', { columns: [column('id', 'uuid')] }), table('bookings', { columns: [column('reader_id', 'uuid')] })]);
      assert.match(single(runRule(missingForeignKey, [readers])).message, /^bookings\.reader_id looks like a reference to readers\.id/);
      // Supabase's usual profiles table when there is no users table.
      const profiles = sqlDb([table('profiles', { columns: [column('id', 'uuid')] }), table('posts', { columns: [column('author_id', 'uuid')] })]);
      assert.match(single(runRule(missingForeignKey, [profiles])).message, /reference to profiles\.id/);
    });

    it('who created or approved a row: a reference to users that keeps the row when the user goes; a self-reference counts', () => {
      const db = sqlDb([
        table('users', { columns: [column('id', 'bigint'), column('invited_by', 'bigint', { nullable: true })] }),
        table('invoices', { columns: [column('id', 'bigint'), column('created_by', 'bigint'), column('approved_by', 'bigint', { nullable: true })] }),
      ]);
      const reports = runRule(missingForeignKey, [db]);
      assert.deepEqual(
        reports.map((r) => r.fixes![0].title),
        [
          'Add foreign key users (invited_by) → users (id) ON DELETE SET NULL NOT VALID',
          'Add foreign key invoices (created_by) → users (id) ON DELETE RESTRICT NOT VALID',
          'Add foreign key invoices (approved_by) → users (id) ON DELETE SET NULL NOT VALID',
        ],
      );
      assert.match(reports[1].message, /^invoices\.created_by says who a row was created by: it looks like a reference to users\.id/);
    });

    it('a role or "by" column with a type column beside it is polymorphic, not a user (explore-prisma3/dub RestrictedToken.ownerId)', () => {
      // `ownerType` "user" | "project" + `ownerId`: the id names a row of the table the type column names.
      const db = prismaDb([
        table('User', { columns: [column('id', 'string')] }),
        table('RestrictedToken', { columns: [column('id', 'string'), column('ownerType', 'string'), column('ownerId', 'string')] }),
        table('AuditEvent', { columns: [column('id', 'int'), column('created_by_type', 'string'), column('created_by', 'int')] }),
      ]);
      assert.deepEqual(runRule(missingForeignKey, [db]), []);
      // A column named by a table keeps its finding: `accountType` beside `accountId` describes the account.
      const named = prismaDb([table('Account', { columns: [column('id', 'string')] }), table('Transfer', { columns: [column('accountType', 'string'), column('accountId', 'string')] })]);
      assert.match(single(runRule(missingForeignKey, [named])).message, /^Transfer\.accountId looks like a reference to Account\.id/);
      // Another column's type (`ownerType` beside `reviewerId`) does not make the reviewer polymorphic.
      const other = prismaDb([table('User', { columns: [column('id', 'string')] }), table('Doc', { columns: [column('ownerType', 'string'), column('reviewerId', 'string')] })]);
      assert.match(single(runRule(missingForeignKey, [other])).message, /^Doc\.reviewerId names a reviewer/);
    });

    it('a table of users in that role (AdminUser, admin_users) wins over the users table (explore-prisma3/formbricks AuditEvent.adminId)', () => {
      const db = prismaDb([
        table('User', { columns: [column('id', 'string')] }),
        table('AdminUser', { columns: [column('id', 'string')] }),
        table('AuditEvent', { columns: [column('id', 'string'), column('adminId', 'string', { nullable: true })] }),
      ]);
      assert.match(single(runRule(missingForeignKey, [db])).message, /^AuditEvent\.adminId names an admin, and no table is named admin: it looks like a reference to AdminUser\.id/);
      const sql = sqlDb([table('users'), table('admin_users'), table('refunds', { columns: [column('approver_id', 'int')] }), table('audit', { columns: [column('admin_id', 'int')] })]);
      assert.deepEqual(runRule(missingForeignKey, [sql]).map((r) => r.fixes![0].intent.kind === 'addForeignKey' && r.fixes![0].intent.references.table), ['users', 'admin_users']);
    });

    it('composite primary key of a join table without foreign keys', () => {
      const db = sqlDb([
        table('users'),
        table('roles'),
        table('user_roles', { noId: true, columns: [column('user_id', 'int'), column('role_id', 'int')], primaryKey: ['user_id', 'role_id'] }),
      ]);
      const reports = runRule(missingForeignKey, [db]);
      assert.deepEqual(reports.map((r) => r.fixes![0].intent.kind === 'addForeignKey' && r.fixes![0].intent.references.table), ['users', 'roles']);
    });
  });

  describe('Prisma end to end (prisma-schema-wasm 6)', () => {
    const schemaText =
      'datasource db {\n  provider = "postgresql"\n  url      = env("DATABASE_URL")\n}\nmodel Account {\n  id BigInt @id @default(autoincrement())\n}\n' +
      'model Team {\n  id String @id @default(uuid()) @db.Uuid\n}\nmodel Event {\n  id Int @id\n}\n' +
      'model Project {\n  id        Int    @id\n  accountId Int\n  teamId    String\n  eventId   Int\n}\n';

    it('Int → BigInt and String → @db.Uuid keys get no relation fix (explore-prisma/mfk); a matching key does, and it validates', () => {
      const schema = inlinePrisma(schemaText);
      assert.deepEqual(schema.errors, []);
      const reports = findings(missingForeignKey, schema);
      assert.deepEqual(reports.map((r) => [r.message.split(' ')[0], r.fixes!.length]), [['Project.accountId', 0], ['Project.teamId', 0], ['Project.eventId', 1]]);
      const fixed = applyPrismaFix(schema, reports[2].fixes![0].intent)!;
      assert.deepEqual(fixed.errors, []);
    });

    it('a tree: parentId with no Parent model refers to its own model; the self-relation fix validates and leaves no finding', () => {
      const tree = (provider: string) =>
        `datasource db {\n  provider = "${provider}"\n  url      = env("DATABASE_URL")\n}\nmodel Category {\n  id       Int    @id @default(autoincrement())\n  name     String\n  parentId Int?\n}\n`;
      const schema = inlinePrisma(tree('postgresql'));
      const report = single(findings(missingForeignKey, schema));
      assert.match(report.message, /^Category\.parentId looks like a reference to Category\.id/);
      const fixed = applyPrismaFix(schema, report.fixes![0].intent)!;
      assert.deepEqual(fixed.errors, []);
      assert.match(fixed.text, /parent +Category\? +@relation\("CategoryParent", fields: \[parentId\], references: \[id\], onDelete: SetNull\)/);
      assert.deepEqual(findings(missingForeignKey, fixed.fixed), []);
      // SQL Server refuses a self-relation whose actions cascade (and Prisma's default onUpdate does): reported, no fix.
      assert.deepEqual(single(findings(missingForeignKey, inlinePrisma(tree('sqlserver')))).fixes, []);
      // A table named parents exists: that is the target, as before.
      const sql = sqlDb([table('parents'), table('children', { columns: [column('parent_id', 'int')] })]);
      assert.match(single(runRule(missingForeignKey, [sql])).message, /^children\.parent_id looks like a reference to parents\.id/);
    });

    it('a role (authorId next to userId): the named relation fix validates and leaves no finding', () => {
      const text =
        'datasource db {\n  provider = "postgresql"\n  url      = env("DATABASE_URL")\n}\n' +
        'model User {\n  id    String @id @default(cuid())\n  posts Post[]\n}\n' +
        'model Post {\n  id       String @id @default(cuid())\n  userId   String\n  user     User   @relation(fields: [userId], references: [id], onDelete: Cascade)\n  authorId String\n  createdBy String?\n\n  @@index([userId])\n}\n';
      const schema = inlinePrisma(text);
      assert.deepEqual(schema.errors, []);
      const report = single(findings(missingForeignKey, schema));
      assert.match(report.message, /^Post\.authorId names an author, and no table is named author: it looks like a reference to User\.id/);
      const fixed = applyPrismaFix(schema, report.fixes![0].intent)!;
      assert.deepEqual(fixed.errors, []);
      assert.match(fixed.text, /author +User +@relation\("PostAuthor", fields: \[authorId\], references: \[id\], onDelete: Cascade\)/);
      assert.deepEqual(findings(missingForeignKey, fixed.fixed), []);
    });

    it('createdBy and a self-referencing invitedBy: relations named for the column, SET NULL, and the schema validates', () => {
      const text =
        'datasource db {\n  provider = "postgresql"\n  url      = env("DATABASE_URL")\n}\n' +
        'model User {\n  id        Int  @id @default(autoincrement())\n  invitedBy Int? @map("invited_by")\n}\n' +
        'model Product {\n  id        Int  @id @default(autoincrement())\n  createdBy Int?\n}\n';
      let schema = inlinePrisma(text);
      const reports = findings(missingForeignKey, schema);
      assert.deepEqual(reports.map((r) => r.message.split(':')[0]), ['User.invitedBy says who a row was invited by', 'Product.createdBy says who a row was created by']);
      let fixedText = '';
      for (const intent of reports.map((r) => r.fixes![0].intent)) {
        const fixed = applyPrismaFix(schema, intent)!;
        assert.deepEqual(fixed.errors, []);
        schema = fixed.fixed;
        fixedText = fixed.text;
      }
      assert.match(fixedText, /invitedByUser User\? +@relation\("UserInvitedByUser", fields: \[invitedBy\], references: \[id\], onDelete: SetNull\)/);
      // Named for the column even when it is the only relation to User: another fix of the same batch may add a second.
      assert.match(fixedText, /createdByUser User\? +@relation\("ProductCreatedByUser", fields: \[createdBy\], references: \[id\], onDelete: SetNull\)/);
      assert.match(fixedText, /invitedUsers User\[\] @relation\("UserInvitedByUser"\)/);
      assert.deepEqual(findings(missingForeignKey, schema), []);
    });

    it('several roles of one model applied together, as fix-all does (explore-prisma3/crm Task.assigneeId + authorId): named relations, distinct back fields', () => {
      const text =
        'datasource db {\n  provider = "postgresql"\n  url      = env("DATABASE_URL")\n}\n' +
        'model User {\n  id    Int    @id @default(autoincrement())\n  email String @unique\n}\n' +
        'model Task {\n  id         Int    @id @default(autoincrement())\n  title      String\n  assigneeId Int?\n  authorId   Int\n  createdBy  Int?\n  updatedBy  Int?\n}\n' +
        'model Note {\n  id       Int @id @default(autoincrement())\n  authorId Int\n}\n';
      const schema = inlinePrisma(text);
      const reports = findings(missingForeignKey, schema);
      assert.equal(reports.length, 5);
      const fixed = applyPrismaFixes(schema, reports.map((r) => r.fixes![0].intent))!;
      assert.deepEqual(fixed.errors, []);
      assert.match(fixed.text, /assignee +User\? +@relation\("TaskAssignee", fields: \[assigneeId\], references: \[id\], onDelete: SetNull\)/);
      assert.match(fixed.text, /tasksAsAssignee +Task\[\] +@relation\("TaskAssignee"\)/);
      assert.match(fixed.text, /tasksAsAuthor +Task\[\] +@relation\("TaskAuthor"\)/);
      assert.match(fixed.text, /notesAsAuthor +Note\[\] +@relation\("NoteAuthor"\)/);
      assert.match(fixed.text, /createdTasks +Task\[\] +@relation\("TaskCreatedByUser"\)/);
      assert.match(fixed.text, /updatedTasks +Task\[\] +@relation\("TaskUpdatedByUser"\)/);
      assert.deepEqual(findings(missingForeignKey, fixed.fixed), []);
    });

    it('plural snake_case models (Supabase, introspected): back fields are not pluralized twice and follow the schema\'s case (explore-prisma3/multischema)', () => {
      const text =
        'datasource db {\n  provider = "postgresql"\n  url      = env("DATABASE_URL")\n}\n' +
        'model users {\n  id    String @id @db.Uuid\n  email String?\n}\n' +
        'model teams {\n  id       BigInt @id @default(autoincrement())\n  owner_id String @db.Uuid\n}\n' +
        'model posts {\n  id         BigInt  @id @default(autoincrement())\n  created_by String? @db.Uuid\n}\n' +
        'model subscriptions {\n  id      String @id\n  user_id String @db.Uuid\n}\n';
      const schema = inlinePrisma(text);
      const reports = findings(missingForeignKey, schema);
      assert.equal(reports.length, 3);
      const fixed = applyPrismaFixes(schema, reports.map((r) => r.fixes![0].intent))!;
      assert.deepEqual(fixed.errors, []);
      assert.match(fixed.text, /\n  teams_as_owner +teams\[\] +@relation\("TeamsOwner"\)\n/);
      assert.match(fixed.text, /\n  created_posts +posts\[\] +@relation\("PostsCreatedByUsers"\)\n/);
      assert.match(fixed.text, /\n  subscriptions +subscriptions\[\]\n/);
      assert.match(fixed.text, /user +users +@relation\(fields: \[user_id\], references: \[id\], onDelete: Cascade\)/);
    });

    it('relationMode = "prisma": a new relation that closes a cycle is written with onUpdate too, so Prisma accepts it (rallly Poll.eventId)', () => {
      // Event.poll already cascades (SetNull, and onUpdate defaults to Cascade): Poll.eventId → Event with the default
      // onUpdate would close the cycle Poll → Event → Poll, which Prisma refuses under relationMode = "prisma".
      const text =
        'datasource db {\n  provider     = "postgresql"\n  url          = env("DATABASE_URL")\n  relationMode = "prisma"\n}\n' +
        'model Poll {\n  id      String  @id\n  event   Event?\n  eventId String?\n}\n' +
        'model Event {\n  id     String  @id\n  pollId String? @unique\n  poll   Poll?   @relation(fields: [pollId], references: [id])\n\n  @@index([pollId])\n}\n';
      const schema = inlinePrisma(text);
      assert.deepEqual(schema.errors, []);
      const report = single(findings(missingForeignKey, schema));
      assert.equal(report.fixes![0].title, 'Add a relation to Event (fields: [eventId], references: [id], onDelete: Restrict, onUpdate: Restrict)');
      const fixed = applyPrismaFix(schema, report.fixes![0].intent)!;
      assert.deepEqual(fixed.errors, []);
      assert.match(fixed.text, /@relation\("PollEventRecord", fields: \[eventId\], references: \[id\], onDelete: Restrict, onUpdate: Restrict\)/);
    });

    it('SQL Server: a new relation that would open a second cascading path is written with onUpdate: NoAction', () => {
      // User → Post → Comment cascade already; Comment.userId → User with the default onUpdate (Cascade) would be a
      // second path from User to Comment, which SQL Server (and Prisma's validation for it) refuses.
      const text =
        'datasource db {\n  provider = "sqlserver"\n  url      = env("DATABASE_URL")\n}\n' +
        'model User {\n  id    Int    @id @default(autoincrement())\n  posts Post[]\n}\n' +
        'model Post {\n  id       Int       @id @default(autoincrement())\n  authorId Int\n  author   User      @relation(fields: [authorId], references: [id], onDelete: Cascade)\n  comments Comment[]\n\n  @@index([authorId])\n}\n' +
        'model Comment {\n  id     Int  @id @default(autoincrement())\n  postId Int\n  post   Post @relation(fields: [postId], references: [id], onDelete: Cascade)\n  userId Int\n\n  @@index([postId])\n  @@index([userId])\n}\n';
      const schema = inlinePrisma(text);
      assert.deepEqual(schema.errors, []);
      const report = single(findings(missingForeignKey, schema));
      assert.equal(report.fixes![0].title, 'Add a relation to User (fields: [userId], references: [id], onDelete: NoAction, onUpdate: NoAction)');
      assert.deepEqual(applyPrismaFix(schema, report.fixes![0].intent)!.errors, []);
    });

    it('relationMode = "prisma" without a cycle: the default onUpdate is kept (nothing written)', () => {
      const text =
        'datasource db {\n  provider     = "postgresql"\n  url          = env("DATABASE_URL")\n  relationMode = "prisma"\n}\n' +
        'model Option {\n  id String @id\n}\n' +
        'model Vote {\n  id       String @id\n  optionId String\n\n  @@index([optionId])\n}\n';
      const schema = inlinePrisma(text);
      const report = single(findings(missingForeignKey, schema));
      assert.doesNotMatch(report.fixes![0].title, /onUpdate/);
      assert.deepEqual(applyPrismaFix(schema, report.fixes![0].intent)!.errors, []);
    });

    it('the writer itself declines a relation between fields of different types', () => {
      const schema = inlinePrisma(schemaText);
      const project = schema.db.tables.find((t) => t.name === 'Project')!;
      for (const [col, target] of [['accountId', 'Account'], ['teamId', 'Team']]) {
        const intent = { kind: 'addForeignKey' as const, database: schema.db, table: project, columns: [col], references: { table: target, columns: ['id'] } };
        assert.equal(prismaFrontEnd.writeFix(intent, schema.reader), undefined, col);
      }
    });
  });
});
