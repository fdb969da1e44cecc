import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { missingOnDelete } from '../../rules/relations/missing-on-delete';
import { column, drizzleDb, fk, prismaDb, sqlDb, table } from '../helpers/model';
import { fixSummary, runRule, single } from '../helpers/run-rule';

function eventAndQuestion(options: { nullable?: boolean; onDelete?: 'Cascade'; child?: string } = {}) {
  const relation = fk(['eventId'], 'Event', ['id'], { relationField: 'event', onDelete: options.onDelete });
  const event = table('Event');
  const question = table(options.child ?? 'Question', {
    columns: [column('eventId', 'int', { nullable: options.nullable ?? false })],
    foreignKeys: [relation],
  });
  return { relation, event, question };
}

describe('missing-on-delete', () => {
  describe('valid', () => {
    it('ignores a relation with onDelete written', () => {
      const { event, question } = eventAndQuestion({ onDelete: 'Cascade' });
      assert.equal(runRule(missingOnDelete, [prismaDb([event, question])]).length, 0);
    });
    it('ignores views', () => {
      const relation = fk(['eventId'], 'Event');
      const view = table('QuestionView', { columns: [column('eventId', 'int')], foreignKeys: [relation], isView: true });
      assert.equal(runRule(missingOnDelete, [sqlDb([table('Event'), view])]).length, 0);
    });
  });

  describe('invalid', () => {
    it('Prisma required relation: the delete fails (Restrict), fixes Cascade then Restrict, no SetNull', () => {
      const { relation, event, question } = eventAndQuestion();
      const db = prismaDb([event, question]);
      const report = single(runRule(missingOnDelete, [db]));
      assert.equal(
        report.message,
        'Deleting an Event fails while Question rows reference it (no onDelete: the database restricts the delete).',
      );
      assert.deepEqual(report.loc, relation.loc);
      assert.deepEqual(fixSummary(report), [
        { title: 'Set onDelete: Cascade on event', safety: 'unsafe', kind: 'setOnDelete', preferred: false },
        { title: "Set onDelete: Restrict on event (keep today's behaviour, explicitly)", safety: 'unsafe', kind: 'setOnDelete', preferred: false },
      ]);
      const intent = report.fixes![0].intent;
      assert.equal(intent.kind, 'setOnDelete');
      if (intent.kind === 'setOnDelete') {
        assert.equal(intent.action, 'Cascade');
        assert.equal(intent.foreignKey, relation);
        assert.equal(intent.table, question);
        assert.equal(intent.database, db);
      }
      assert.deepEqual(report.related, [{ loc: event.nameLoc, message: 'Referenced table Event' }]);
    });

    it('Prisma optional relation: says it sets the column to NULL implicitly, offers SetNull', () => {
      const { event, question } = eventAndQuestion({ nullable: true });
      const report = single(runRule(missingOnDelete, [prismaDb([event, question])]));
      assert.match(report.message, /^Deleting an Event sets Question\.eventId to NULL implicitly/);
      assert.deepEqual(
        report.fixes!.map((f) => f.intent.kind === 'setOnDelete' && f.intent.action),
        ['Cascade', 'SetNull', 'Restrict'],
      );
      assert.equal(report.fixes![1].title, 'Set onDelete: SetNull on event');
    });

    it('relationMode = "prisma": no constraint, orphans possible outside Prisma Client', () => {
      const { event, question } = eventAndQuestion();
      const report = single(runRule(missingOnDelete, [prismaDb([event, question], { relationMode: 'prisma' })]));
      assert.match(report.message, /No foreign key constraint exists for Question\.eventId \(relationMode = "prisma"\)/);
      assert.match(report.message, /outside it \(raw SQL, another service\) leaves Question rows pointing at nothing/);
      assert.doesNotMatch(report.message, /fails/);
      assert.equal(report.fixes!.length, 2, 'Prisma emulates actions, so they can still be written');
    });

    it('Drizzle relation without references: orphans, and no action can be written there', () => {
      const relation = fk(['eventId'], 'events', ['id'], { enforced: false });
      const db = drizzleDb([table('events'), table('questions', { columns: [column('eventId', 'int')], foreignKeys: [relation] })]);
      const report = single(runRule(missingOnDelete, [db]));
      assert.match(report.message, /only in the ORM/);
      assert.deepEqual(report.fixes, []);
    });

    it('SQL NO ACTION default: the delete fails; SQL titles', () => {
      const relation = fk(['strategy_id'], 'strategies');
      const db = sqlDb([table('strategies'), table('trades', { columns: [column('strategy_id', 'int', { nullable: true })], foreignKeys: [relation] })]);
      const report = single(runRule(missingOnDelete, [db]));
      assert.equal(report.message, 'Deleting a strategies row fails while trades rows reference it (no onDelete: the database restricts the delete).');
      assert.deepEqual(report.fixes!.map((f) => f.title), [
        'Recreate the foreign key trades (strategy_id) with ON DELETE CASCADE',
        'Recreate the foreign key trades (strategy_id) with ON DELETE SET NULL',
        "Recreate the foreign key trades (strategy_id) with ON DELETE RESTRICT (keep today's behaviour, explicitly)",
      ]);
    });

    it('Drizzle titles name the option', () => {
      const relation = fk(['userId'], 'users');
      const db = drizzleDb([table('users'), table('sessions', { columns: [column('userId', 'int')], foreignKeys: [relation] })]);
      const report = single(runRule(missingOnDelete, [db]));
      assert.deepEqual(report.fixes!.map((f) => f.title), ['Set { onDelete: "cascade" }', 'Set { onDelete: "restrict" } (keep today\'s behaviour, explicitly)']);
    });

    it('audit/payment tables: Restrict and SetNull first, Cascade last and says what it destroys', () => {
      for (const child of ['Payment', 'AuditLog', 'order_history', 'LedgerEntry', 'invoices', 'Transaction']) {
        const { event, question } = eventAndQuestion({ nullable: true, child });
        const report = single(runRule(missingOnDelete, [prismaDb([event, question])]));
        assert.deepEqual(
          report.fixes!.map((f) => f.intent.kind === 'setOnDelete' && f.intent.action),
          ['Restrict', 'SetNull', 'Cascade'],
          child,
        );
        assert.equal(report.fixes![2].title, `Set onDelete: Cascade on event (deletes ${child} records with their Event)`);
        assert.match(report.message, /looks like a record to keep .* prefer Restrict or SetNull/);
      }
    });

    it('does not take Login or Catalog for log tables', () => {
      for (const child of ['Login', 'Catalog', 'Blog']) {
        const { event, question } = eventAndQuestion({ child });
        const report = single(runRule(missingOnDelete, [prismaDb([event, question])]));
        assert.equal(report.fixes![0].intent.kind === 'setOnDelete' && report.fixes![0].intent.action, 'Cascade', child);
      }
    });

    it('filters actions by the provider (SQL Server has no Restrict)', () => {
      const { event, question } = eventAndQuestion({ nullable: true });
      const db = prismaDb([event, question], { dialect: 'sqlserver', referentialActions: ['Cascade', 'NoAction', 'SetNull', 'SetDefault'] });
      const report = single(runRule(missingOnDelete, [db]));
      assert.deepEqual(report.fixes!.map((f) => f.intent.kind === 'setOnDelete' && f.intent.action), ['Cascade', 'SetNull']);
    });

    it('self-reference: says "other" rows', () => {
      const parent = fk(['parentId'], 'Category');
      const db = prismaDb([table('Category', { columns: [column('parentId', 'int', { nullable: true })], foreignKeys: [parent] })]);
      assert.match(single(runRule(missingOnDelete, [db])).message, /^Deleting a Category sets Category\.parentId to NULL implicitly/);
      const sql = sqlDb([table('categories', { columns: [column('parent_id', 'int')], foreignKeys: [fk(['parent_id'], 'categories')] })]);
      assert.match(single(runRule(missingOnDelete, [sql])).message, /fails while other categories rows reference it/);
    });

    it('one finding per relation without onDelete', () => {
      const a = fk(['authorId'], 'User');
      const b = fk(['editorId'], 'User', ['id'], { onDelete: 'SetNull' });
      const c = fk(['eventId'], 'Event');
      const post = table('Post', { columns: [column('authorId', 'int'), column('editorId', 'int', { nullable: true }), column('eventId', 'int')], foreignKeys: [a, b, c] });
      const reports = runRule(missingOnDelete, [prismaDb([table('User'), table('Event'), post])]);
      assert.deepEqual(reports.map((r) => r.loc), [a.loc, c.loc]);
    });
  });
});
