import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import * as pg from 'libpg-query';
import type { Database, ForeignKey, ReferentialAction, Table } from '../../rules/model';
import type { FixIntent, ReportInput } from '../../rules/types';
import { cascadeDeletesRecords } from '../../rules/relations/cascade-deletes-records';
import { missingOnDelete } from '../../rules/relations/missing-on-delete';
import { setNullOnNotNull } from '../../rules/relations/set-null-on-not-null';
import { column, drizzleDb, fk, pk, prismaDb, sqlDb, table } from '../helpers/model';
import { fixSummary, runRule, single } from '../helpers/run-rule';
import { applyPrismaFix, applyPrismaFixes, findings, inlinePrisma, INLINE_SCHEMA, type InlinePrisma } from '../helpers/prisma-inline';
import { drizzleFrontEnd } from '../../server/src/languages/drizzle';
import { sqlFrontEnd } from '../../server/src/languages/sql';
import type { SourceReader } from '../../server/src/languages/types';
import {
  applyFileEdits,
  onlyDatabase,
  overlayReader,
  sliceRange,
  syntaxErrors,
  table as drizzleTable,
  typeCheck,
} from '../languages/drizzle/helpers';
import { applyEdits, listFiles, memoryReader, pgliteClones, ready } from '../languages/sql/helpers';

/** The rule's fixtures: a Prisma, a Drizzle and a Supabase project (kept apart from the front-ends' fixture lists). */
const FIXTURES = resolve(__dirname, '../fixtures/cascade-deletes-records').split('\\').join('/');

const run = (db: Database) => runRule(cascadeDeletesRecords, [db]);
const actions = (r: ReportInput) => r.fixes!.map((f) => f.intent.kind === 'setOnDelete' && f.intent.action);

/** users → <child> ON DELETE CASCADE (a parent and a child named as given). */
function cascadeInto(child: string, options: { parent?: string; nullable?: boolean; onDelete?: ReferentialAction } = {}) {
  const relation = fk(['user_id'], options.parent ?? 'users', ['id'], { onDelete: options.onDelete ?? 'Cascade' });
  const parent = table(options.parent ?? 'users');
  const kid = table(child, { columns: [column('user_id', 'int', { nullable: options.nullable ?? false }), column('amount', 'decimal')], foreignKeys: [relation] });
  return { relation, parent, child: kid };
}

describe('cascade-deletes-records', () => {
  describe('valid', () => {
    it('a record that is part of a record: invoices → invoice_line_items, payments → payment_refunds, a self-reference', () => {
      for (const [parent, child] of [['invoices', 'invoice_line_items'], ['payments', 'payment_refunds'], ['LedgerAccount', 'LedgerEntry'], ['billing_accounts', 'charges']]) {
        const t = cascadeInto(child, { parent });
        assert.deepEqual(run(sqlDb([t.parent, t.child])), [], `${parent} → ${child}`);
      }
      const parentPayment = fk(['parent_id'], 'payments', ['id'], { onDelete: 'Cascade' });
      const payments = table('payments', { columns: [column('parent_id', 'int', { nullable: true })], foreignKeys: [parentPayment] });
      assert.deepEqual(run(sqlDb([payments])), []);
    });

    it('a log or history named after its parent (job_logs → jobs, TradeLog → Trade): its own lines; an audit trail is still reported', () => {
      for (const [parent, child] of [['jobs', 'job_logs'], ['Trade', 'TradeLog'], ['orders', 'order_history'], ['webhooks', 'webhook_delivery_logs']]) {
        const t = cascadeInto(child, { parent });
        assert.deepEqual(run(sqlDb([t.parent, t.child])), [], `${parent} → ${child}`);
      }
      // Prisma names: JobLog @@map("job_logs") → Job.
      const relation = fk(['jobId'], 'Job', ['id'], { onDelete: 'Cascade', relationField: 'job' });
      const jobLog = table('JobLog', { dbName: 'job_logs', columns: [column('jobId', 'string'), column('line', 'string')], foreignKeys: [relation] });
      assert.deepEqual(run(prismaDb([table('Job'), jobLog])), []);
      for (const [parent, child] of [['users', 'user_audit_logs'], ['users', 'audit_logs'], ['jobs', 'payment_logs'], ['users', 'login_history']]) {
        const t = cascadeInto(child, { parent });
        assert.equal(run(sqlDb([t.parent, t.child])).length, 1, `${parent} → ${child}`);
      }
    });

    it('a cascade into a table that is not a record (sessions, profiles, posts)', () => {
      for (const child of ['sessions', 'profiles', 'posts', 'Login', 'Catalog', 'user_roles']) {
        const t = cascadeInto(child);
        assert.deepEqual(run(sqlDb([t.parent, t.child])), [], child);
      }
    });

    it('configuration named after payments or billing: payment_methods, billing_addresses, invoice_settings', () => {
      for (const child of ['payment_methods', 'billing_addresses', 'invoice_settings', 'PaymentMethod', 'transaction_categories', 'PaymentMessage', 'payment_reminders', 'invoice_notes']) {
        const t = cascadeInto(child);
        assert.deepEqual(run(sqlDb([t.parent, t.child])), [], child);
      }
      // Records still, whatever their head noun says of them: events and attempts of a payment, audit entries.
      for (const child of ['payment_events', 'payment_attempts', 'ledger_entries', 'AccessPayment']) assert.equal(run(sqlDb([cascadeInto(child).parent, cascadeInto(child).child])).length, 1, child);
      // Such a table is no record either when it is the parent: deleting a saved card must not delete payments.
      const t = cascadeInto('payments', { parent: 'payment_methods' });
      assert.match(single(run(sqlDb([t.parent, t.child]))).message, /^Deleting a payment_methods row deletes its payments rows/);
    });

    it('orders and purchases are records: deleting a product, a dining table or a wallet must not delete them (audited Drizzle projects)', () => {
      for (const [parent, child] of [['products', 'order_items'], ['dining_tables', 'orders'], ['wallets', 'purchases'], ['qr_codes', 'Order']]) {
        const t = cascadeInto(child, { parent });
        assert.equal(run(sqlDb([t.parent, t.child])).length, 1, `${parent} → ${child}`);
      }
      // An order's own lines live and die with it; a lookup of statuses is no record (deleting a status must be judged).
      for (const [parent, child] of [['orders', 'order_items'], ['orders', 'order_lines']]) {
        const t = cascadeInto(child, { parent });
        assert.deepEqual(run(sqlDb([t.parent, t.child])), [], `${parent} → ${child}`);
      }
      const t = cascadeInto('orders', { parent: 'order_statuses' });
      assert.equal(run(sqlDb([t.parent, t.child])).length, 1, 'order_statuses → orders');
    });

    it('an action other than Cascade into payments: SetNull, Restrict, NoAction, and no action at all (missing-on-delete)', () => {
      for (const onDelete of ['SetNull', 'Restrict', 'NoAction', 'SetDefault'] as const) {
        const t = cascadeInto('payments', { nullable: true, onDelete });
        assert.deepEqual(run(sqlDb([t.parent, t.child])), [], onDelete);
      }
      const none = fk(['user_id'], 'users');
      const payments = table('payments', { columns: [column('user_id', 'int')], foreignKeys: [none] });
      assert.deepEqual(run(sqlDb([table('users'), payments])), []);
    });

    it('a link table named after a record: a cascade removes the link, not the payment', () => {
      const toPayment = fk(['payment_id'], 'payments', ['id'], { onDelete: 'Cascade' });
      const toTag = fk(['tag_id'], 'tags', ['id'], { onDelete: 'Cascade' });
      const paymentTags = table('payment_tags', {
        columns: [column('payment_id', 'int'), column('tag_id', 'int'), column('created_at', 'datetime')],
        primaryKey: pk(['payment_id', 'tag_id']),
        foreignKeys: [toPayment, toTag],
      });
      assert.deepEqual(run(sqlDb([table('payments'), table('tags'), paymentTags])), []);
    });

    it('a thin audit log has the columns of a link table but names none of its tables: still a record', () => {
      const toOrg = fk(['org_id'], 'orgs', ['id'], { onDelete: 'Cascade' });
      const toActor = fk(['actor_id'], 'users', ['id'], { onDelete: 'Cascade' });
      const audit = table('audit_logs', {
        columns: [column('id', 'int'), column('org_id', 'int'), column('actor_id', 'int'), column('at', 'datetime')],
        primaryKey: pk(['id']),
        foreignKeys: [toOrg, toActor],
      });
      const found = run(sqlDb([table('orgs'), table('users'), audit]));
      assert.equal(found.length, 2);
      assert.match(found[0]!.message, /audit_logs looks like a record to keep \(audit\)/);
    });

    it('a table in a schema is judged by its own name, not the schema\'s: billing.invoices holds invoices, billing.customers none', () => {
      const toCustomer = fk(['customer_id'], 'billing.customers', ['id'], { onDelete: 'Cascade' });
      const invoices = table('billing.invoices', { columns: [column('customer_id', 'int')], foreignKeys: [toCustomer] });
      const [finding] = run(sqlDb([table('billing.customers'), invoices]));
      assert.match(finding!.message, /billing\.invoices looks like a record to keep \(invoice\)/);
    });

    it('ignores views, and Drizzle relations() without a foreign key (no action exists)', () => {
      const relation = fk(['user_id'], 'users', ['id'], { onDelete: 'Cascade' });
      const view = table('payment_totals', { columns: [column('user_id', 'int')], foreignKeys: [relation], isView: true });
      assert.deepEqual(run(sqlDb([table('users'), view])), []);
      const ormOnly = fk(['userId'], 'users', ['id'], { onDelete: 'Cascade', enforced: false });
      assert.deepEqual(run(drizzleDb([table('users'), table('payments', { columns: [column('userId', 'int')], foreignKeys: [ormOnly] })])), []);
    });

    it('never doubles with missing-on-delete or set-null-on-not-null on one foreign key', () => {
      const cascade = fk(['user_id'], 'users', ['id'], { onDelete: 'Cascade' });
      const none = fk(['payer_id'], 'users');
      const setNull = fk(['reader_id'], 'users', ['id'], { onDelete: 'SetNull' });
      const payments = table('payments', {
        columns: [column('user_id', 'int'), column('payer_id', 'int'), column('reader_id', 'int'), column('amount', 'decimal')],
        foreignKeys: [cascade, none, setNull],
      });
      const db = sqlDb([table('users'), payments]);
      const ours = run(db).map((r) => r.loc);
      assert.deepEqual(ours, [cascade.loc]);
      assert.deepEqual(runRule(missingOnDelete, [db]).map((r) => r.loc), [none.loc]);
      assert.deepEqual(runRule(setNullOnNotNull, [db]).map((r) => r.loc), [setNull.loc]);
    });
  });

  describe('invalid', () => {
    it('SQL: names both tables and the action, on the foreign key; Restrict only for a NOT NULL column', () => {
      const t = cascadeInto('payments');
      const db = sqlDb([t.parent, t.child]);
      const report = single(run(db));
      assert.equal(
        report.message,
        'Deleting a users row deletes its payments rows (ON DELETE CASCADE): payments looks like a record to keep (payment), which must usually outlive the users row it references.',
      );
      assert.deepEqual(report.loc, t.relation.loc);
      assert.deepEqual(fixSummary(report), [
        { title: 'Recreate the foreign key payments (user_id) with ON DELETE RESTRICT', safety: 'unsafe', kind: 'setOnDelete', preferred: false },
      ]);
      assert.deepEqual(report.fixes![0].intent, { kind: 'setOnDelete', database: db, table: t.child, foreignKey: t.relation, action: 'Restrict' });
      assert.deepEqual(report.related, [{ loc: t.parent.nameLoc, message: 'Referenced table users' }]);
    });

    it('nullable columns: Restrict first, then SetNull', () => {
      const t = cascadeInto('wallet_transactions', { parent: 'wallets', nullable: true });
      const report = single(run(sqlDb([t.parent, t.child])));
      assert.deepEqual(actions(report), ['Restrict', 'SetNull']);
      assert.equal(report.fixes![1].title, 'Recreate the foreign key wallet_transactions (user_id) with ON DELETE SET NULL');
    });

    it('every kind of record: audit, history, ledger, invoice, transaction, refund, payout…', () => {
      for (const child of ['audit_logs', 'order_history', 'LedgerEntry', 'invoices', 'Transaction', 'refunds', 'payouts', 'Receipt', 'journal_entries', 'billing_events']) {
        const t = cascadeInto(child);
        assert.equal(run(sqlDb([t.parent, t.child])).length, 1, child);
      }
    });

    it('Prisma: model names, onDelete: Cascade, the relation field in titles', () => {
      const relation = fk(['userId'], 'User', ['id'], { onDelete: 'Cascade', relationField: 'user' });
      const payment = table('Payment', { columns: [column('userId', 'string', { nullable: true })], foreignKeys: [relation] });
      const report = single(run(prismaDb([table('User'), payment])));
      assert.equal(
        report.message,
        'Deleting a User deletes its Payment rows (onDelete: Cascade): Payment looks like a record to keep (payment), which must usually outlive the User it references.',
      );
      assert.deepEqual(report.fixes!.map((f) => f.title), ['Set onDelete: Restrict on user', 'Set onDelete: SetNull on user']);
    });

    it('Prisma relationMode = "prisma": Prisma Client emulates the cascade, and the message says so', () => {
      const relation = fk(['userId'], 'User', ['id'], { onDelete: 'Cascade', relationField: 'user' });
      const payment = table('Payment', { columns: [column('userId', 'string')], foreignKeys: [relation] });
      const db = prismaDb([table('User'), payment], { relationMode: 'prisma', dialect: 'mysql', referentialActions: ['Cascade', 'Restrict', 'NoAction', 'SetNull'] });
      assert.equal(relation.enforced, false);
      const report = single(run(db));
      assert.equal(
        report.message,
        'Deleting a User deletes its Payment rows (onDelete: Cascade, emulated by Prisma Client for its own deletes under relationMode = "prisma"): Payment looks like a record to keep (payment), which must usually outlive the User it references.',
      );
      assert.deepEqual(actions(report), ['Restrict']);
    });

    it('MongoDB: documents, emulated', () => {
      const relation = fk(['userId'], 'User', ['id'], { onDelete: 'Cascade', relationField: 'user' });
      const audit = table('AuditLog', { columns: [column('userId', 'string')], foreignKeys: [relation] });
      const report = single(run(prismaDb([table('User'), audit], { relationMode: 'prisma', dialect: 'mongodb' })));
      assert.match(report.message, /^Deleting a User deletes its AuditLog documents \(onDelete: Cascade, emulated by Prisma Client for its own deletes: MongoDB has no foreign keys\)/);
    });

    it('SQL Server has no Restrict: NoAction keeps the delete refused; a provider without SetNull gets none', () => {
      const t = cascadeInto('Payment', { parent: 'User', nullable: true });
      const sqlServer = prismaDb([t.parent, t.child], { dialect: 'sqlserver', referentialActions: ['Cascade', 'NoAction', 'SetNull', 'SetDefault'] });
      assert.deepEqual(actions(single(run(sqlServer))), ['NoAction', 'SetNull']);
      const u = cascadeInto('Payment', { parent: 'User', nullable: true });
      const noSetNull = prismaDb([u.parent, u.child], { referentialActions: ['Cascade', 'Restrict', 'NoAction'] });
      assert.deepEqual(actions(single(run(noSetNull))), ['Restrict']);
    });

    it('Drizzle: the option as written, and titles in Drizzle', () => {
      const t = cascadeInto('payments', { nullable: true });
      const report = single(run(drizzleDb([t.parent, t.child])));
      assert.match(report.message, /deletes its payments rows \(onDelete: "cascade"\)/);
      assert.deepEqual(report.fixes!.map((f) => f.title), ['Set { onDelete: "restrict" }', 'Set { onDelete: "set null" }']);
    });

    it('names the tables whose deletes cascade to the parent (seed 004: users → wallets → wallet_transactions)', () => {
      const orgUser = fk(['org_id'], 'organizations', ['id'], { onDelete: 'Cascade' });
      const userWallet = fk(['user_id'], 'users', ['id'], { onDelete: 'Cascade' });
      const walletTx = fk(['wallet_id'], 'wallets', ['id'], { onDelete: 'Cascade' });
      const users = table('users', { columns: [column('org_id', 'int')], foreignKeys: [orgUser] });
      const wallets = table('wallets', { columns: [column('user_id', 'int')], foreignKeys: [userWallet] });
      const tx = table('wallet_transactions', { columns: [column('wallet_id', 'int')], foreignKeys: [walletTx] });
      // Without organizations in the model, the chain stops at users.
      const one = single(run(sqlDb([table('users'), wallets, tx])));
      assert.equal(
        one.message,
        'Deleting a wallets row (and so a users row, whose delete cascades to wallets) deletes its wallet_transactions rows (ON DELETE CASCADE): wallet_transactions looks like a record to keep (transaction), which must usually outlive the wallets row it references.',
      );
      const two = single(run(sqlDb([table('organizations'), users, wallets, tx])));
      assert.match(two.message, /^Deleting a wallets row \(and so a users or organizations row, whose deletes cascade to wallets\) deletes/);
    });

    it('names the records a cascade deletes in turn (payments and, through them, payment_refunds)', () => {
      const t = cascadeInto('payments');
      const refund = fk(['payment_id'], 'payments', ['id'], { onDelete: 'Cascade' });
      const refunds = table('payment_refunds', { columns: [column('payment_id', 'int')], foreignKeys: [refund] });
      const notes = table('payment_notes_cache', { columns: [column('payment_id', 'int')], foreignKeys: [fk(['payment_id'], 'payments', ['id'], { onDelete: 'Restrict' })] });
      const report = single(run(sqlDb([t.parent, t.child, refunds, notes])));
      assert.equal(
        report.message,
        'Deleting a users row deletes its payments rows (ON DELETE CASCADE) and, through them, payment_refunds rows: payments looks like a record to keep (payment), which must usually outlive the users row it references.',
      );
    });

    it('a parent outside the model (Supabase auth.users) is judged by its name', () => {
      const relation = fk(['actor_id'], 'auth.users', ['id'], { onDelete: 'Cascade' });
      const audit = table('audit_logs', { columns: [column('actor_id', 'uuid', { nullable: true })], foreignKeys: [relation] });
      const report = single(run(sqlDb([audit])));
      assert.match(report.message, /^Deleting an auth\.users row deletes its audit_logs rows/);
      assert.equal(report.related, undefined);
      const ledger = fk(['account_id'], 'billing.ledgers', ['id'], { onDelete: 'Cascade' });
      assert.deepEqual(run(sqlDb([table('ledger_entries', { columns: [column('account_id', 'int')], foreignKeys: [ledger] })])), []);
    });

    it('one finding per cascading foreign key of a record table', () => {
      const a = fk(['payer_id'], 'users', ['id'], { onDelete: 'Cascade' });
      const b = fk(['reader_id'], 'users', ['id'], { onDelete: 'Cascade' });
      const c = fk(['invoice_id'], 'invoices', ['id'], { onDelete: 'Cascade' });
      const payments = table('payments', {
        columns: [column('payer_id', 'int'), column('reader_id', 'int'), column('invoice_id', 'int'), column('amount', 'decimal')],
        foreignKeys: [a, b, c],
      });
      assert.deepEqual(run(sqlDb([table('users'), table('invoices'), payments])).map((r) => r.loc), [a.loc, b.loc]);
    });
  });

  // -------------------------------------------------------------------------------------------
  // End to end: the real front-ends analyse fixtures, every fix is written, applied and checked.
  // -------------------------------------------------------------------------------------------

  describe('Prisma fixture, checked with prisma-schema-wasm 6', () => {
    const text = readFileSync(`${FIXTURES}/prisma-app/prisma/schema.prisma`, 'utf8');
    const lineText = (schema: string, r: ReportInput) => schema.split('\n')[r.loc.range.start.line].slice(r.loc.range.start.character, r.loc.range.end.character);

    /** Every fix validates alone and removes its finding; the first fixes together (fix-all) leave no finding. */
    function everyFixValidates(schema: InlinePrisma): ReportInput[] {
      assert.deepEqual(schema.errors, [], 'the schema validates before any fix');
      const reports = findings(cascadeDeletesRecords, schema);
      for (const r of reports) {
        for (const f of r.fixes!) {
          const fixed = applyPrismaFix(schema, f.intent);
          assert.ok(fixed, `${f.title} is written`);
          assert.deepEqual(fixed.errors, [], `${f.title}:\n${fixed.text}`);
          assert.equal(findings(cascadeDeletesRecords, fixed.fixed).length, reports.length - 1, `${f.title} removes its finding`);
          assert.deepEqual(findings(missingOnDelete, fixed.fixed), [], `${f.title} leaves an action written`);
        }
      }
      const all = applyPrismaFixes(schema, reports.map((r) => r.fixes![0].intent));
      assert.ok(all);
      assert.deepEqual(all.errors, [], `fix-all:\n${all.text}`);
      assert.deepEqual(findings(cascadeDeletesRecords, all.fixed), []);
      return reports;
    }

    it('finds the cascades into WalletTransaction, Payment and AuditLog, on their relation fields', () => {
      const schema = inlinePrisma(text);
      const reports = everyFixValidates(schema);
      assert.deepEqual(
        reports.map((r) => lineText(text, r)),
        [
          'wallet    Wallet   @relation(fields: [walletId], references: [id], onDelete: Cascade)',
          'user    User?           @relation(fields: [userId], references: [id], onDelete: Cascade)',
          'actor   User   @relation(fields: [actorId], references: [id], onDelete: Cascade)',
        ],
      );
      assert.deepEqual(reports.map(actions), [['Restrict'], ['Restrict', 'SetNull'], ['Restrict']]);
      assert.equal(
        reports[1].message,
        'Deleting a User deletes its Payment rows (onDelete: Cascade) and, through them, PaymentRefund rows: Payment looks like a record to keep (payment), which must usually outlive the User it references.',
      );
      assert.match(reports[0].message, /^Deleting a Wallet \(and so a User, whose delete cascades to Wallet\) deletes its WalletTransaction rows/);
      // The fix replaces the action written, nothing else.
      const fixed = applyPrismaFix(schema, reports[1].fixes![1].intent)!;
      assert.ok(fixed.text.includes('  user    User?           @relation(fields: [userId], references: [id], onDelete: SetNull)\n'), fixed.text);
      assert.equal(fixed.text.length, text.length);
    });

    it('relationMode = "prisma": the emulated cascade is found and its fixes validate', () => {
      const schema = inlinePrisma(text.replace('url      = env("DATABASE_URL")', 'url      = env("DATABASE_URL")\n  relationMode = "prisma"'));
      const reports = everyFixValidates(schema);
      assert.equal(reports.length, 3);
      for (const r of reports) assert.match(r.message, /emulated by Prisma Client for its own deletes under relationMode = "prisma"/);
    });

    it('SQL Server: NoAction instead of Restrict, and the schema still validates', () => {
      const schema = inlinePrisma(text.replace('provider = "postgresql"', 'provider = "sqlserver"').replace('onDelete: Restrict', 'onDelete: NoAction'));
      assert.deepEqual(everyFixValidates(schema).map(actions), [['NoAction'], ['NoAction', 'SetNull'], ['NoAction']]);
    });

    it('the schema path is the inline one (sanity)', () => {
      assert.equal(findings(cascadeDeletesRecords, inlinePrisma(text))[0].loc.file, INLINE_SCHEMA);
    });
  });

  describe('Drizzle fixture (column and table forms)', () => {
    const dir = `${FIXTURES}/drizzle-app`;
    const schemaFile = `${dir}/src/db/schema.ts`;

    it('finds walletTransactions, payments and auditLogs, on the .references(...) call or foreignKey(...) chain', () => {
      const { db } = onlyDatabase(dir);
      const reports = run(db);
      const text = readFileSync(schemaFile, 'utf8');
      assert.deepEqual(
        reports.map((r) => sliceRange(text, r.loc.range)),
        [
          '.references(() => wallets.id, { onDelete: "cascade" })',
          '.references(() => users.id, { onDelete: "cascade", onUpdate: "cascade" })',
          'foreignKey({ columns: [table.actorId], foreignColumns: [users.id], name: "audit_logs_actor_id_fk" }).onDelete("cascade")',
        ],
      );
      assert.deepEqual(reports.map(actions), [['Restrict'], ['Restrict', 'SetNull'], ['Restrict']]);
    });

    it('every fix replaces the action in place, parses, and the finding is gone', () => {
      const { db } = onlyDatabase(dir);
      const reports = run(db);
      const expected: Record<string, string> = {
        'walletTransactions:Restrict': '.references(() => wallets.id, { onDelete: "restrict" })',
        'payments:Restrict': '.references(() => users.id, { onDelete: "restrict", onUpdate: "cascade" })',
        'payments:SetNull': '.references(() => users.id, { onDelete: "set null", onUpdate: "cascade" })',
        'auditLogs:Restrict': 'name: "audit_logs_actor_id_fk" }).onDelete("restrict")',
      };
      // The project type-checks against the installed drizzle-orm before and after each fix.
      const before = typeCheck(dir);
      assert.deepEqual(before.errors, []);
      let count = 0;
      for (const r of reports) {
        for (const f of r.fixes!) {
          const intent = f.intent as Extract<FixIntent, { kind: 'setOnDelete' }>;
          const reader = overlayReader();
          const edits = drizzleFrontEnd.writeFix(intent, reader);
          assert.ok(edits, f.title);
          applyFileEdits(reader, edits);
          const fixedText = reader.overlay.get(schemaFile)!;
          assert.deepEqual(syntaxErrors(schemaFile, fixedText), [], f.title);
          assert.ok(fixedText.includes(expected[`${intent.table.name}:${intent.action}`]), `${f.title}:\n${fixedText}`);
          assert.deepEqual(typeCheck(dir, reader.overlay, before.program).errors, [], f.title);
          const again = onlyDatabase(dir, reader).db;
          const fixedFk = drizzleTable(again, intent.table.name).foreignKeys.find((x) => x.columns.join() === intent.foreignKey.columns.join())!;
          assert.equal(fixedFk.onDelete, intent.action);
          assert.equal(fixedFk.onUpdate, intent.foreignKey.onUpdate, 'onUpdate is kept');
          assert.equal(run(again).length, reports.length - 1);
          count++;
        }
      }
      assert.equal(count, 4);
    });
  });

  describe('SQL: a Supabase project after seed 004\'s hand-written fix (applied migrations)', () => {
    const fixture = `${FIXTURES}/supabase-app`;
    before(ready);
    // Supabase projects reference auth.users, which the platform creates.
    const fresh = pgliteClones(async (db) => {
      await db.exec('create schema auth; create table auth.users (id uuid primary key);');
    });

    function analyze(reader: SourceReader, extra: string[] = []): Database {
      const files = [...new Set([...listFiles(fixture), ...extra])].sort();
      const units = sqlFrontEnd.discover(files, reader);
      assert.equal(units.length, 1);
      const analysis = sqlFrontEnd.analyze(units[0], reader, { validation: true });
      assert.deepEqual(analysis.diagnostics.filter((d) => d.severity === 'error'), []);
      return analysis.databases[0];
    }

    const fkOf = (db: Database, t: string, column: string): { table: Table; fk: ForeignKey } => {
      const found = db.tables.find((x) => x.name === t || x.name === `public.${t}`)!;
      return { table: found, fk: found.foreignKeys.find((f) => f.columns.join() === column)! };
    };

    it('finds payments, wallet_transactions (through wallets from users) and audit_logs (from auth.users), not the rest', () => {
      const reader = memoryReader();
      const db = analyze(reader);
      const reports = run(db);
      const text = (r: ReportInput) => {
        const lines = reader.read(r.loc.file)!.split('\n');
        const { start, end } = r.loc.range;
        return start.line === end.line ? lines[start.line].slice(start.character, end.character) : [lines[start.line].slice(start.character), ...lines.slice(start.line + 1, end.line), lines[end.line].slice(0, end.character)].join('\n');
      };
      assert.deepEqual(reports.map((r) => r.message), [
        'Deleting a wallets row (and so a users row, whose delete cascades to wallets) deletes its wallet_transactions rows (ON DELETE CASCADE): wallet_transactions looks like a record to keep (transaction), which must usually outlive the wallets row it references.',
        'Deleting a users row deletes its payments rows (ON DELETE CASCADE) and, through them, payment_refunds rows: payments looks like a record to keep (payment), which must usually outlive the users row it references.',
        'Deleting an auth.users row deletes its audit_logs rows (ON DELETE CASCADE): audit_logs looks like a record to keep (audit), which must usually outlive the auth.users row it references.',
      ]);
      assert.deepEqual(reports.map((r) => text(r).includes('CASCADE') || text(r).includes('cascade')), [true, true, true], 'the range holds the action');
      assert.match(text(reports[0]), /^CONSTRAINT fk_wallet_transactions_wallet_id\nFOREIGN KEY \(wallet_id\) REFERENCES wallets\(id\) ON DELETE CASCADE$/);
      assert.deepEqual(reports.map(actions), [['Restrict'], ['Restrict', 'SetNull'], ['Restrict', 'SetNull']]);
    });

    it('every fix is a new migration (drop and re-add the constraint) that runs in Postgres after the others', async () => {
      const base = memoryReader();
      const db = analyze(base);
      const reports = run(db);
      const CODES: Record<string, string> = { Restrict: 'r', SetNull: 'n', NoAction: 'a' };
      let checked = 0;
      for (const r of reports) {
        for (const f of r.fixes!) {
          const intent = f.intent as Extract<FixIntent, { kind: 'setOnDelete' }>;
          const edits = sqlFrontEnd.writeFix(intent, base);
          assert.ok(edits, f.title);
          assert.ok(edits.every((e) => e.create), `${f.title}: no applied migration is edited`);
          const out = applyEdits(edits, base);
          for (const [file, sql] of out) {
            assert.match(file, /\/supabase\/migrations\/\d{14}_set_on_delete_[a-z_]+\.sql$/);
            assert.doesNotThrow(() => pg.parseSync(sql), file);
          }
          // Replayed in order, as the Supabase CLI does, into a real Postgres.
          const reader = memoryReader(out);
          const fixedDb = analyze(reader, [...out.keys()]);
          const pglite = await fresh();
          for (const file of fixedDb.files) await pglite.exec(reader.read(file)!);
          const name = intent.foreignKey.name ?? `${intent.table.name.replace(/^public\./, '')}_${intent.foreignKey.columns.join('_')}_fkey`;
          const rows = (await pglite.query<{ del: string; valid: boolean }>('select confdeltype as del, convalidated as valid from pg_constraint where conname = $1', [name])).rows;
          assert.deepEqual(rows, [{ del: CODES[intent.action], valid: true }], f.title);
          if (intent.table.name === 'payments') {
            // What a delete of the user now does: refused (Restrict), or the payment stays without its user (SetNull).
            const user = '00000000-0000-0000-0000-000000000001';
            await pglite.exec(`insert into users (id, email) values ('${user}', 'a@example.com'); insert into payments (user_id, amount) values ('${user}', 10);`);
            if (intent.action === 'Restrict') await assert.rejects(pglite.exec(`delete from users where id = '${user}'`), /violates RESTRICT setting of foreign key constraint "fk_payments_user_id"/);
            else {
              await pglite.exec(`delete from users where id = '${user}'`);
              assert.deepEqual((await pglite.query('select user_id, amount::text from payments')).rows, [{ user_id: null, amount: '10.00' }]);
            }
          }
          // The model agrees, and the finding is gone.
          const after = fkOf(fixedDb, intent.table.name.replace(/^public\./, ''), intent.foreignKey.columns.join());
          assert.equal(after.fk.onDelete, intent.action);
          assert.equal(run(fixedDb).length, reports.length - 1, f.title);
          checked++;
        }
      }
      assert.equal(checked, 5);
    });

    it('a draft migration (not applied yet) or a lone file is fixed in place: only the action changes', () => {
      const file = '/w/db/schema.sql';
      const sql = [
        'create table users (id bigint primary key);',
        'create table payments (',
        '  id bigint primary key,',
        '  user_id bigint references users (id) on delete cascade on update cascade,',
        '  amount numeric(12, 2) not null',
        ');',
        '',
      ].join('\n');
      const reader: SourceReader = { read: (p) => (p === file ? sql : undefined) };
      const [unit] = sqlFrontEnd.discover([file], reader);
      const db = sqlFrontEnd.analyze(unit, reader, { validation: true }).databases[0];
      const report = single(run(db));
      for (const [i, expected] of ['on delete RESTRICT on update cascade', 'on delete SET NULL on update cascade'].entries()) {
        const out = applyEdits(sqlFrontEnd.writeFix(report.fixes![i].intent, reader)!, reader).get(file)!;
        assert.equal(out, sql.replace('on delete cascade on update cascade', expected));
        assert.doesNotThrow(() => pg.parseSync(out));
        const again = sqlFrontEnd.analyze(unit, { read: () => out }, { validation: true }).databases[0];
        assert.deepEqual(run(again), []);
      }
    });
  });
});
