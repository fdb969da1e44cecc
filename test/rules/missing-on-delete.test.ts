import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { missingOnDelete } from '../../rules/relations/missing-on-delete';
import { column, drizzleDb, fk, prismaDb, sqlDb, table } from '../helpers/model';
import { fixSummary, runRule, single } from '../helpers/run-rule';
import { applyPrismaFix, applyPrismaFixes, findings, inlinePrisma, type InlinePrisma } from '../helpers/prisma-inline';
import type { ReportInput } from '../../rules/types';

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
    it('ignores a relation to a view (Prisma: Migrate makes no foreign key to a view)', () => {
      const relation = fk(['summaryId'], 'EventSummary', ['id'], { enforced: false });
      const db = prismaDb([table('EventSummary', { isView: true }), table('Question', { columns: [column('summaryId', 'int')], foreignKeys: [relation] })]);
      assert.equal(runRule(missingOnDelete, [db]).length, 0);
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
        ['SetNull', 'Cascade', 'Restrict'],
        'an optional reference: SetNull first (it keeps the rows), Cascade one click away',
      );
      assert.equal(report.fixes![0].title, 'Set onDelete: SetNull on event');
    });

    it('relationMode = "prisma": no constraint, orphans possible outside Prisma Client', () => {
      const { event, question } = eventAndQuestion();
      const report = single(runRule(missingOnDelete, [prismaDb([event, question], { relationMode: 'prisma' })]));
      assert.match(report.message, /No foreign key constraint exists for Question\.eventId \(relationMode = "prisma"\)/);
      assert.match(report.message, /outside it \(raw SQL, another service\) leaves Question rows pointing at nothing/);
      assert.doesNotMatch(report.message, /fails/);
      assert.equal(report.fixes!.length, 2, 'Prisma emulates actions, so they can still be written');
    });

    it('MongoDB: no foreign keys, Prisma emulates the actions, another writer leaves dangling references (no relationMode, no SQL)', () => {
      const { event, question } = eventAndQuestion();
      const report = single(runRule(missingOnDelete, [prismaDb([event, question], { dialect: 'mongodb', relationMode: 'prisma' })]));
      assert.equal(
        report.message,
        'MongoDB has no foreign keys, so nothing in the database guards Question.eventId: Prisma Client emulates the referential action (here its default, Restrict) only for the deletes it makes itself; a delete of an Event by another writer (another service, a script, the shell) leaves Question documents with dangling references.',
      );
      assert.doesNotMatch(report.message, /relationMode|SQL/);
      assert.equal(report.fixes!.length, 2);
      // Prisma refuses cascading cycles on MongoDB too, and says so without naming relationMode.
      const parent = fk(['parentId'], 'Category', ['id'], { onUpdate: 'NoAction' });
      const category = table('Category', { columns: [column('parentId', 'string')], foreignKeys: [parent] });
      const actions = ['Cascade', 'Restrict', 'NoAction', 'SetNull'] as const;
      const self = single(runRule(missingOnDelete, [prismaDb([category], { dialect: 'mongodb', relationMode: 'prisma', referentialActions: [...actions] })]));
      assert.deepEqual(self.fixes!.map((f) => f.intent.kind === 'setOnDelete' && f.intent.action), ['Restrict']);
      assert.match(self.message, /Cascade is not offered: a self-relation that cascades is a cycle, which Prisma on MongoDB refuses\.$/);
    });

    it('Drizzle relation without references: orphans; the fix writes the real foreign key with the action', () => {
      const relation = fk(['eventId'], 'events', ['id'], { enforced: false });
      const db = drizzleDb([table('events'), table('questions', { columns: [column('eventId', 'int')], foreignKeys: [relation] })]);
      const report = single(runRule(missingOnDelete, [db]));
      assert.match(report.message, /only in the ORM/);
      assert.deepEqual(report.fixes!.map((f) => f.title), [
        'Add .references(() => events.id, { onDelete: "cascade" }) to eventId',
        'Add .references(() => events.id, { onDelete: "restrict" }) to eventId',
      ]);
      // A link to a table the schema does not define: nothing to write.
      const away = drizzleDb([table('questions', { columns: [column('eventId', 'int')], foreignKeys: [relation] })]);
      assert.deepEqual(single(runRule(missingOnDelete, [away])).fixes, []);
    });

    it('SQL NO ACTION default: the delete fails; SQL titles', () => {
      const relation = fk(['strategy_id'], 'strategies');
      const db = sqlDb([table('strategies'), table('trades', { columns: [column('strategy_id', 'int', { nullable: true })], foreignKeys: [relation] })]);
      const report = single(runRule(missingOnDelete, [db]));
      assert.equal(report.message, 'Deleting a strategies row fails while trades rows reference it (no onDelete: the database restricts the delete).');
      assert.deepEqual(report.fixes!.map((f) => f.title), [
        'Recreate the foreign key trades (strategy_id) with ON DELETE SET NULL',
        'Recreate the foreign key trades (strategy_id) with ON DELETE CASCADE',
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
      // A required reference cannot be set to NULL: only Restrict is advised.
      const { event, question } = eventAndQuestion({ child: 'Payment' });
      const required = single(runRule(missingOnDelete, [prismaDb([event, question])]));
      assert.match(required.message, /looks like a record to keep .* prefer Restrict\.$/);
    });

    it('who created or approved a row (createdById, approved_by) does not own it: Restrict before Cascade (explore-prisma3/sqlite5 SignalTrade.createdBy)', () => {
      const user = table('User');
      for (const name of ['createdById', 'approved_by', 'createdBy']) {
        const trade = table('SignalTrade', {
          columns: [column(name, 'int')],
          foreignKeys: [fk([name], 'User', ['id'], { relationField: 'creator' })],
        });
        const report = single(runRule(missingOnDelete, [prismaDb([user, trade])]));
        assert.deepEqual(report.fixes!.map((f) => f.intent.kind === 'setOnDelete' && f.intent.action), ['Restrict', 'Cascade'], name);
      }
      // An optional one keeps SetNull first, as before; a role (authorId) owns its row: Cascade first, as before.
      const optional = table('SignalTrade', { columns: [column('createdById', 'int', { nullable: true })], foreignKeys: [fk(['createdById'], 'User', ['id'])] });
      assert.equal(single(runRule(missingOnDelete, [prismaDb([user, optional])])).fixes![0].intent.kind === 'setOnDelete' && single(runRule(missingOnDelete, [prismaDb([user, optional])])).fixes![0].title.includes('SetNull'), true);
      const author = table('Post', { columns: [column('authorId', 'int')], foreignKeys: [fk(['authorId'], 'User', ['id'])] });
      const first = single(runRule(missingOnDelete, [prismaDb([user, author])])).fixes![0].intent;
      assert.equal(first.kind === 'setOnDelete' && first.action, 'Cascade');
    });

    it('a log named after its parent (EventLog → Event) is no record to keep: Cascade first, as cascade-deletes-records agrees', () => {
      for (const child of ['EventLog', 'EventHistory']) {
        const { event, question } = eventAndQuestion({ child });
        const report = single(runRule(missingOnDelete, [prismaDb([event, question])]));
        assert.equal(report.fixes![0].intent.kind === 'setOnDelete' && report.fixes![0].intent.action, 'Cascade', child);
        assert.doesNotMatch(report.message, /record to keep/, child);
      }
      // An audit trail named after its parent still is.
      const { event, question } = eventAndQuestion({ child: 'EventAuditLog' });
      assert.match(single(runRule(missingOnDelete, [prismaDb([event, question])])).message, /record to keep/);
    });

    it('does not take Login or Catalog for log tables', () => {
      for (const child of ['Login', 'Catalog', 'Blog']) {
        const { event, question } = eventAndQuestion({ child });
        const report = single(runRule(missingOnDelete, [prismaDb([event, question])]));
        assert.equal(report.fixes![0].intent.kind === 'setOnDelete' && report.fixes![0].intent.action, 'Cascade', child);
      }
    });

    it('filters actions by the provider (SQL Server has no Restrict: NoAction keeps the delete refused)', () => {
      const { event, question } = eventAndQuestion({ nullable: true });
      const db = prismaDb([event, question], { dialect: 'sqlserver', referentialActions: ['Cascade', 'NoAction', 'SetNull', 'SetDefault'] });
      const report = single(runRule(missingOnDelete, [db]));
      assert.deepEqual(report.fixes!.map((f) => f.intent.kind === 'setOnDelete' && f.intent.action), ['SetNull', 'Cascade', 'NoAction']);
      assert.equal(report.fixes![2].title, 'Set onDelete: NoAction on event', 'the optional relation sets NULL today: NoAction changes that');
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

  describe('onDelete: NoAction under relationMode = "prisma"', () => {
    const noAction = (nullable = false) => {
      const relation = fk(['eventId'], 'Event', ['id'], { relationField: 'event', onDelete: 'NoAction' });
      return [table('Event'), table('Question', { columns: [column('eventId', 'int', { nullable })], foreignKeys: [relation] })];
    };
    const at = (major: number | undefined, minor: number | undefined, options: { dialect?: 'mysql' | 'mongodb'; nullable?: boolean } = {}) => {
      const db = prismaDb(noAction(options.nullable), { dialect: options.dialect ?? 'mysql', relationMode: 'prisma', prismaMajor: major });
      if (minor !== undefined) db.prismaMinor = minor;
      return runRule(missingOnDelete, [db]);
    };

    it('Prisma 4.5 and later emulate NoAction as Restrict (prisma-engines#3276): an explicit NoAction is a choice, not reported', () => {
      assert.deepEqual(at(4, 5), []);
      assert.deepEqual(at(5, undefined), []);
      assert.deepEqual(at(6, 1), []);
      assert.deepEqual(at(undefined, undefined), []);
      // A 4.x range that may be 4.5 or newer: unsure, not reported.
      assert.deepEqual(at(4, undefined), []);
    });

    it('Prisma 4.4 and earlier emulate no NoAction: deleting the parent orphans its children, reported with the actions that act', () => {
      const report = single(at(4, 4));
      assert.equal(
        report.message,
        'onDelete: NoAction does nothing under relationMode = "prisma" in Prisma 4.4: no foreign key exists for Question.eventId, and Prisma Client ' +
          'emulates no NoAction before 4.5 (it then became Restrict), so deleting an Event, through Prisma Client or not, leaves its Question rows pointing at nothing.',
      );
      assert.deepEqual(fixSummary(report).map((f) => f.title), ['Set onDelete: Cascade on event', 'Set onDelete: Restrict on event']);
      assert.deepEqual(fixSummary(single(at(3, undefined, { nullable: true }))).map((f) => f.title), [
        'Set onDelete: SetNull on event',
        'Set onDelete: Cascade on event',
        'Set onDelete: Restrict on event',
      ]);
      assert.match(single(at(3, 20, { dialect: 'mongodb' })).message, /in Prisma 3\.20: .*leaves its Question documents pointing at nothing\.$/);
    });

    it('the fixes validate in prisma-schema-wasm (a Prisma 3 project is validated with the oldest shipped build)', () => {
      const schema = inlinePrisma(
        `datasource db {\n  provider     = "mysql"\n  url          = env("DATABASE_URL")\n  relationMode = "prisma"\n}\n` +
          `model Event {\n  id        Int        @id @default(autoincrement())\n  questions Question[]\n}\n` +
          `model Question {\n  id      Int   @id @default(autoincrement())\n  eventId Int\n  event   Event @relation(fields: [eventId], references: [id], onDelete: NoAction)\n  @@index([eventId])\n}\n`,
        3,
      );
      assert.deepEqual(schema.errors, []);
      const report = single(findings(missingOnDelete, schema));
      for (const f of report.fixes!) {
        const fixed = applyPrismaFix(schema, f.intent);
        assert.ok(fixed, `${f.title} is written`);
        assert.deepEqual(fixed.errors, [], `${f.title}:\n${fixed.text}`);
        assert.ok(!fixed.text.includes('NoAction'), fixed.text);
        assert.deepEqual(findings(missingOnDelete, fixed.fixed), [], `${f.title} leaves no finding`);
      }
      // The same schema on Prisma 6: NoAction is Restrict there, nothing to report.
      assert.deepEqual(findings(missingOnDelete, inlinePrisma(schema.reader.read('/virtual/prisma/schema.prisma')!, 6)), []);
    });
  });

  describe('cascade paths and cycles, checked with prisma-schema-wasm 6', () => {
    const datasource = (provider: string, mode?: 'prisma') =>
      `datasource db {\n  provider = "${provider}"\n  url      = env("DATABASE_URL")\n${mode ? '  relationMode = "prisma"\n' : ''}}\n`;
    const actions = (r: ReportInput) => r.fixes!.map((f) => f.intent.kind === 'setOnDelete' && f.intent.action);

    /** Every fix offered validates on its own, and so do the first fixes of all findings applied together (fix-all). */
    function everyFixValidates(schema: InlinePrisma): ReportInput[] {
      assert.deepEqual(schema.errors, [], 'the schema validates before any fix');
      const reports = findings(missingOnDelete, schema);
      for (const r of reports) {
        for (const f of r.fixes!) {
          const fixed = applyPrismaFix(schema, f.intent);
          assert.ok(fixed, `${f.title} is written`);
          assert.deepEqual(fixed.errors, [], `${f.title}:\n${fixed.text}`);
        }
      }
      const all = applyPrismaFixes(schema, reports.map((r) => r.fixes![0].intent));
      assert.ok(all);
      assert.deepEqual(all.errors, [], `fix-all:\n${all.text}`);
      assert.deepEqual(findings(missingOnDelete, all.fixed), []);
      return reports;
    }

    const twoRelations = (provider: string, mode?: 'prisma') =>
      `${datasource(provider, mode)}model User {\n  id      Int    @id @default(autoincrement())\n  written Post[] @relation("author")\n  edited  Post[] @relation("editor")\n}\n` +
      `model Post {\n  id       Int  @id @default(autoincrement())\n  authorId Int\n  author   User @relation("author", fields: [authorId], references: [id], onUpdate: NoAction)\n` +
      `  editorId Int\n  editor   User @relation("editor", fields: [editorId], references: [id], onUpdate: NoAction)\n  @@index([authorId])\n  @@index([editorId])\n}\n`;

    it('SQL Server, two relations to one model (explore-prisma/mssql2): NoAction offered, fix-all does not open two cascade paths', () => {
      const reports = everyFixValidates(inlinePrisma(twoRelations('sqlserver')));
      assert.deepEqual(reports.map(actions), [['NoAction', 'Cascade'], ['NoAction', 'Cascade']]);
      assert.equal(reports[0].fixes![0].title, "Set onDelete: NoAction on author (keep today's behaviour, explicitly)");
      // Once one relation cascades, Cascade on the other would be a second path: no longer offered.
      const schema = inlinePrisma(twoRelations('sqlserver'));
      const first = applyPrismaFix(schema, findings(missingOnDelete, schema)[0].fixes![1].intent)!;
      const rest = single(everyFixValidates(first.fixed));
      assert.deepEqual(actions(rest), ['NoAction']);
      assert.match(rest.message, /Cascade is not offered: it would cascade from User to Post in a cycle or along a second path, which SQL Server refuses\.$/);
    });

    it('SQL Server, one relation: Cascade first, NoAction keeps today\'s behaviour', () => {
      const schema = inlinePrisma(
        `${datasource('sqlserver')}model User {\n  id    Int    @id\n  posts Post[]\n}\nmodel Post {\n  id       Int  @id\n  authorId Int\n  author   User @relation(fields: [authorId], references: [id])\n}\n`,
      );
      assert.deepEqual(everyFixValidates(schema).map(actions), [['Cascade', 'NoAction']]);
    });

    it('SQL Server and relationMode = "prisma": a self-relation gets NoAction/Restrict only', () => {
      const self = (provider: string, mode?: 'prisma', optional = false) =>
        `${datasource(provider, mode)}model Employee {\n  id        Int  @id\n  managerId Int${optional ? '?' : ''}\n  manager   Employee${optional ? '?' : ''} @relation("reports", fields: [managerId], references: [id], onUpdate: ${provider === 'postgresql' ? 'Restrict' : 'NoAction'})\n  reports   Employee[] @relation("reports")\n}\n`;
      const ss = single(everyFixValidates(inlinePrisma(self('sqlserver'))));
      assert.deepEqual(actions(ss), ['NoAction']);
      assert.match(ss.message, /Cascade is not offered: a self-relation that cascades is a cycle, which SQL Server refuses\.$/);
      const my = single(everyFixValidates(inlinePrisma(self('mysql', 'prisma'))));
      assert.deepEqual(actions(my), ['Restrict']);
      assert.match(my.message, /which Prisma \(relationMode = "prisma"\) refuses\.$/);
      assert.deepEqual(actions(single(everyFixValidates(inlinePrisma(self('postgresql', 'prisma'))))), ['Restrict']);
      // Optional: its default (SetNull) already cascades, so Prisma refuses the schema; NoAction repairs it.
      const broken = inlinePrisma(self('sqlserver', undefined, true));
      assert.equal(broken.errors.length > 0, true);
      const report = single(findings(missingOnDelete, broken));
      assert.deepEqual(actions(report), ['NoAction']);
      assert.match(report.message, /Cascade and SetNull are not offered: a self-relation that cascades is a cycle, which SQL Server refuses\.$/);
      assert.deepEqual(applyPrismaFix(broken, report.fixes![0].intent)!.errors, []);
    });

    it('a self-relation with onUpdate unwritten (Cascade by default): the fix sets both actions, and the schema validates again', () => {
      const self = (provider: string, mode?: 'prisma', optional = false, onUpdate = '') =>
        `${datasource(provider, mode)}model Employee {\n  id        Int  @id\n  managerId Int${optional ? '?' : ''}\n  manager   Employee${optional ? '?' : ''} @relation("reports", fields: [managerId], references: [id]${onUpdate})\n  reports   Employee[] @relation("reports")\n}\n`;
      for (const [provider, mode, keep] of [['sqlserver', undefined, 'NoAction'], ['postgresql', 'prisma', 'Restrict'], ['mysql', 'prisma', 'Restrict']] as const) {
        for (const optional of [false, true]) {
          const broken = inlinePrisma(self(provider, mode, optional));
          assert.equal(broken.errors.length > 0, true, `${provider} ${optional}: Prisma refuses the self-relation as written`);
          const report = single(findings(missingOnDelete, broken));
          assert.deepEqual(actions(report), [keep], `${provider} ${optional}`);
          assert.equal(report.fixes![0].title, `Set onDelete: ${keep}, onUpdate: ${keep} on manager`);
          assert.match(report.message, new RegExp(`Its onUpdate \\(Cascade by default\\) cascades too: the fix sets both to ${keep}\\.$`));
          const fixed = applyPrismaFix(broken, report.fixes![0].intent)!;
          assert.deepEqual(fixed.errors, [], `${provider} ${optional}: the fixed schema validates`);
          assert.match(fixed.text, new RegExp(`references: \\[id\\], onDelete: ${keep}, onUpdate: ${keep}\\)`));
          assert.deepEqual(findings(missingOnDelete, fixed.fixed), [], 'and the finding is gone');
        }
      }
      // onUpdate written as Cascade: the fix rewrites it in place.
      const written = inlinePrisma(self('sqlserver', undefined, false, ', onUpdate: Cascade'));
      const report = single(findings(missingOnDelete, written));
      const fixed = applyPrismaFix(written, report.fixes![0].intent)!;
      assert.deepEqual(fixed.errors, []);
      assert.match(fixed.text, /references: \[id\], onUpdate: NoAction, onDelete: NoAction\)/);
    });

    it('a cycle through three models and a diamond (SQL Server), and the same under relationMode = "prisma"', () => {
      const cycle = (provider: string, mode?: 'prisma') =>
        `${datasource(provider, mode)}model A {\n  id  Int @id\n  cId Int\n  c   C   @relation(fields: [cId], references: [id], onUpdate: NoAction)\n  bs  B[]\n}\n` +
        `model B {\n  id  Int @id\n  aId Int\n  a   A   @relation(fields: [aId], references: [id], onDelete: Cascade, onUpdate: NoAction)\n  cs  C[]\n}\n` +
        `model C {\n  id  Int @id\n  bId Int\n  b   B   @relation(fields: [bId], references: [id], onDelete: Cascade, onUpdate: NoAction)\n  as  A[]\n}\n`;
      assert.deepEqual(everyFixValidates(inlinePrisma(cycle('sqlserver'))).map(actions), [['NoAction']]);
      assert.deepEqual(everyFixValidates(inlinePrisma(cycle('mysql', 'prisma'))).map(actions), [['Restrict']]);
      const diamond = (provider: string, mode?: 'prisma') =>
        `${datasource(provider, mode)}model A {\n  id Int @id\n  bs B[]\n  cs C[]\n}\n` +
        `model B {\n  id  Int @id\n  aId Int\n  a   A   @relation(fields: [aId], references: [id], onDelete: Cascade, onUpdate: NoAction)\n  ds  D[]\n}\n` +
        `model C {\n  id  Int @id\n  aId Int\n  a   A   @relation(fields: [aId], references: [id], onDelete: Cascade, onUpdate: NoAction)\n  ds  D[]\n}\n` +
        `model D {\n  id  Int @id\n  bId Int\n  b   B   @relation(fields: [bId], references: [id], onDelete: Cascade, onUpdate: NoAction)\n  cId Int\n  c   C   @relation(fields: [cId], references: [id], onUpdate: NoAction)\n}\n`;
      assert.deepEqual(everyFixValidates(inlinePrisma(diamond('sqlserver'))).map(actions), [['NoAction']]);
      // Prisma's emulation refuses cycles only: two paths are fine there.
      assert.deepEqual(everyFixValidates(inlinePrisma(diamond('mysql', 'prisma'))).map(actions), [['Cascade', 'Restrict']]);
    });

    it('Postgres with foreign keys has no such limits', () => {
      assert.deepEqual(everyFixValidates(inlinePrisma(twoRelations('postgresql'))).map(actions), [['Cascade', 'Restrict'], ['Cascade', 'Restrict']]);
    });
  });
});
