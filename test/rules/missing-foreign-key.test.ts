import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { compatibleTypes, missingForeignKey, referencedName } from '../../rules/relations/missing-foreign-key';
import { column, drizzleDb, fk, prismaDb, sqlDb, table } from '../helpers/model';
import { fixSummary, runRule, single } from '../helpers/run-rule';

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
      const db = prismaDb([table('User'), table('Post', { columns: [column('authorId', 'int')] })]);
      assert.equal(runRule(missingForeignKey, [db]).length, 0);
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
        { title: 'Add a relation to Event (fields: [eventId], references: [id])', safety: 'unsafe', kind: 'addForeignKey', preferred: false },
      ]);
      assert.deepEqual(report.fixes![0].intent, {
        kind: 'addForeignKey',
        database: db,
        table: question,
        columns: ['eventId'],
        references: { table: 'Event', columns: ['id'] },
      });
      assert.deepEqual(report.related, [{ loc: event.nameLoc, message: 'Table Event' }]);
    });

    it('SQL: snake_case column, plural table, int/bigint compatible; Postgres title says NOT VALID', () => {
      const db = sqlDb([table('chat_sessions', { columns: [column('id', 'bigint')] }), table('chat_messages', { columns: [column('chat_session_id', 'bigint')] })]);
      const report = single(runRule(missingForeignKey, [db]));
      assert.equal(report.fixes![0].title, 'Add foreign key chat_messages (chat_session_id) → chat_sessions (id) NOT VALID');
      assert.match(report.message, /pointing at a missing chat_sessions row, and deleting a chat_sessions row cannot cascade/);
    });

    it('Drizzle: camelCase key with a SQL name, uuid/string compatible', () => {
      const db = drizzleDb([
        table('users', { columns: [column('id', 'uuid')] }),
        table('sessions', { columns: [column('userId', 'string', { dbName: 'user_id' })] }),
      ]);
      const report = single(runRule(missingForeignKey, [db]));
      assert.equal(report.fixes![0].title, 'Add .references(() => users.id) to userId');
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
});
