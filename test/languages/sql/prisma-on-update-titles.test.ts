/**
 * The titles of the foreign key fixes written into a Prisma migrations folder name the ON UPDATE the written SQL
 * states, where it is not SQL's default (NO ACTION): `prisma migrate` writes `ON UPDATE CASCADE` for every relation
 * whose schema says no onUpdate, and the writer keeps it when it recreates the constraint (write.ts keptOnUpdate),
 * as the Prisma schema fix's title says `onUpdate: …` when it writes one. Each title is compared with the clause the
 * fix writes, as libpg-query reads it.
 */
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as pg from 'libpg-query';
import type { Database, ReferentialAction } from '../../../rules/model';
import type { FixProposal, Rule } from '../../../rules/types';
import { cascadeDeletesRecords } from '../../../rules/relations/cascade-deletes-records';
import { missingOnDelete } from '../../../rules/relations/missing-on-delete';
import { setNullOnNotNull } from '../../../rules/relations/set-null-on-not-null';
import { missingForeignKey } from '../../../rules/relations/missing-foreign-key';
import { setOnDeleteTitle } from '../../../rules/titles';
import { sqlFrontEnd } from '../../../server/src/languages/sql';
import type { SourceReader } from '../../../server/src/languages/types';
import { runRule } from '../../helpers/run-rule';
import { applyEdits, ready } from './helpers';

const LOCK = '/p/prisma/migrations/migration_lock.toml';
const INIT = '/p/prisma/migrations/20240101000000_init/migration.sql';

/** What `prisma migrate dev` writes (both actions stated), and one foreign key added by hand (no action stated). */
const MIGRATION = `-- CreateTable
CREATE TABLE "users" (
    "id" TEXT NOT NULL,
    CONSTRAINT "users_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "payments" (
    "id" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    CONSTRAINT "payments_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "sessions" (
    "id" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    CONSTRAINT "sessions_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "devices" (
    "id" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    CONSTRAINT "devices_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "payments_userId_idx" ON "payments"("userId");

-- CreateIndex
CREATE INDEX "sessions_userId_idx" ON "sessions"("userId");

-- CreateIndex
CREATE INDEX "devices_userId_idx" ON "devices"("userId");

-- AddForeignKey
ALTER TABLE "payments" ADD CONSTRAINT "payments_userId_fkey" FOREIGN KEY ("userId") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "sessions" ADD CONSTRAINT "sessions_userId_fkey" FOREIGN KEY ("userId") REFERENCES "users"("id") ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "devices" ADD CONSTRAINT "devices_userId_fkey" FOREIGN KEY ("userId") REFERENCES "users"("id");
`;

const SQL_ACTION: Record<string, ReferentialAction> = { a: 'NoAction', r: 'Restrict', c: 'Cascade', n: 'SetNull', d: 'SetDefault' };
const TITLE_ACTION: Record<ReferentialAction, string> = { Cascade: 'CASCADE', Restrict: 'RESTRICT', NoAction: 'NO ACTION', SetNull: 'SET NULL', SetDefault: 'SET DEFAULT' };

function analyze(): { db: Database; reader: SourceReader } {
  const files: Record<string, string> = { [LOCK]: 'provider = "postgresql"\n', [INIT]: MIGRATION };
  const reader: SourceReader = { read: (p) => files[p] };
  const units = sqlFrontEnd.discover([INIT], reader);
  assert.equal(units[0].hints?.kind, 'prisma', 'a Prisma migrations folder');
  return { db: sqlFrontEnd.analyze(units[0], reader, { validation: true }).databases[0], reader };
}

/** The actions of the ADD CONSTRAINT a fix writes (its first new migration). */
function writtenActions(fix: FixProposal, reader: SourceReader): { onDelete: ReferentialAction; onUpdate: ReferentialAction } {
  const edits = sqlFrontEnd.writeFix(fix.intent, reader);
  assert.ok(edits?.length, `"${fix.title}" is written`);
  const first = [...applyEdits(edits, reader)].sort(([a], [b]) => (a < b ? -1 : 1))[0][1];
  for (const s of pg.parseSync(first).stmts ?? []) {
    for (const c of (s.stmt as { AlterTableStmt?: { cmds: { AlterTableCmd: { subtype: string; def?: { Constraint: { fk_del_action: string; fk_upd_action: string } } } }[] } }).AlterTableStmt?.cmds ?? []) {
      const def = c.AlterTableCmd.def?.Constraint;
      if (c.AlterTableCmd.subtype === 'AT_AddConstraint' && def) return { onDelete: SQL_ACTION[def.fk_del_action], onUpdate: SQL_ACTION[def.fk_upd_action] };
    }
  }
  throw new Error(`no ADD CONSTRAINT in ${first}`);
}

/** Every setOnDelete fix a rule offers on one table, with the title it should have for what it writes. */
function checkTitles(rule: Rule, db: Database, reader: SourceReader, tableName: string): string[] {
  const reports = runRule(rule, [db]).filter((r) => r.fixes?.some((f) => f.intent.kind === 'setOnDelete' && f.intent.table.name === tableName));
  assert.equal(reports.length, 1, `${rule.meta.id} reports ${tableName}`);
  const titles: string[] = [];
  for (const fix of reports[0].fixes!) {
    if (fix.intent.kind !== 'setOnDelete') continue;
    const { onDelete, onUpdate } = writtenActions(fix, reader);
    const said = `with ON DELETE ${TITLE_ACTION[onDelete]}${onUpdate === 'NoAction' ? '' : ` ON UPDATE ${TITLE_ACTION[onUpdate]}`}`;
    assert.ok(fix.title.includes(said), `"${fix.title}" says what it writes: ${said}`);
    if (onUpdate === 'NoAction') assert.doesNotMatch(fix.title, /ON UPDATE/);
    titles.push(fix.title);
  }
  return titles;
}

describe('SQL fix titles in a Prisma migrations folder name the ON UPDATE they write', () => {
  before(ready);

  it('a constraint prisma migrate wrote keeps ON UPDATE CASCADE, and the title says so', () => {
    const { db, reader } = analyze();
    assert.deepEqual(checkTitles(cascadeDeletesRecords, db, reader, 'payments'), [
      'Recreate the foreign key payments (userId) with ON DELETE RESTRICT ON UPDATE CASCADE',
    ]);
  });

  it('missing-on-delete on a constraint with ON UPDATE CASCADE and no ON DELETE', () => {
    const { db, reader } = analyze();
    const titles = checkTitles(missingOnDelete, db, reader, 'sessions');
    assert.equal(titles[0], 'Recreate the foreign key sessions (userId) with ON DELETE CASCADE ON UPDATE CASCADE');
    for (const t of titles) assert.match(t, /ON UPDATE CASCADE/);
  });

  it('a constraint written without ON UPDATE: NO ACTION is stated in the SQL, not in the title', () => {
    const { db, reader } = analyze();
    const titles = checkTitles(missingOnDelete, db, reader, 'devices');
    assert.ok(titles.length > 0);
    for (const t of titles) assert.doesNotMatch(t, /ON UPDATE/);
  });

  it('set-null-on-not-null keeps ON UPDATE CASCADE too', () => {
    const text = MIGRATION.replace('ON DELETE CASCADE ON UPDATE CASCADE', 'ON DELETE SET NULL ON UPDATE CASCADE');
    const files: Record<string, string> = { [LOCK]: 'provider = "postgresql"\n', [INIT]: text };
    const reader: SourceReader = { read: (p) => files[p] };
    const db = sqlFrontEnd.analyze(sqlFrontEnd.discover([INIT], reader)[0], reader, { validation: true }).databases[0];
    // Payments are records to keep: no cascade is offered.
    assert.deepEqual(checkTitles(setNullOnNotNull, db, reader, 'payments'), ['Recreate the foreign key payments (userId) with ON DELETE RESTRICT ON UPDATE CASCADE']);
  });

  it('an intent that names an ON UPDATE gets it written, and says it; the undo restores the one the constraint had', () => {
    const { db, reader } = analyze();
    const sessions = db.tables.find((t) => t.name === 'sessions')!;
    const fk = sessions.foreignKeys[0];
    const title = setOnDeleteTitle(db, sessions, fk, 'Cascade', 'Restrict');
    assert.equal(title, 'Recreate the foreign key sessions (userId) with ON DELETE CASCADE ON UPDATE RESTRICT');
    const fix: FixProposal = { title, safety: 'unsafe', intent: { kind: 'setOnDelete', database: db, table: sessions, foreignKey: fk, action: 'Cascade', onUpdate: 'Restrict' } };
    assert.deepEqual(writtenActions(fix, reader), { onDelete: 'Cascade', onUpdate: 'Restrict' });
    // A NO ACTION named goes unsaid, as the default.
    assert.equal(setOnDeleteTitle(db, sessions, fk, 'Cascade', 'NoAction'), 'Recreate the foreign key sessions (userId) with ON DELETE CASCADE');
  });
});

describe('missing-foreign-key in a Prisma migrations folder: the title names the ON UPDATE CASCADE the new constraint states', () => {
  before(ready);

  it('as prisma migrate writes it; outside a Prisma folder nothing is added to the title or the SQL', () => {
    const migration =
      '-- CreateTable\nCREATE TABLE "users" (\n    "id" TEXT NOT NULL,\n    CONSTRAINT "users_pkey" PRIMARY KEY ("id")\n);\n\n' +
      '-- CreateTable\nCREATE TABLE "notes" (\n    "id" TEXT NOT NULL,\n    "userId" TEXT NOT NULL,\n    CONSTRAINT "notes_pkey" PRIMARY KEY ("id")\n);\n\n' +
      '-- CreateIndex\nCREATE INDEX "notes_userId_idx" ON "notes"("userId");\n';
    const run = (files: Record<string, string>, main: string) => {
      const reader: SourceReader = { read: (p) => files[p] };
      const units = sqlFrontEnd.discover(Object.keys(files).sort(), reader);
      const db = sqlFrontEnd.analyze(units[0], reader, { validation: true }).databases[0];
      const report = runRule(missingForeignKey, [db]).find((r) => r.loc.file === main)!;
      assert.ok(report, 'notes.userId is reported');
      const fix = report.fixes![0];
      const edits = sqlFrontEnd.writeFix(fix.intent, reader)!;
      const written = [...applyEdits(edits, reader)].filter(([f]) => f !== main).map(([, t]) => t).join('\n');
      return { title: fix.title, written };
    };
    const prisma = run({ [LOCK]: 'provider = "postgresql"\n', [INIT]: migration }, INIT);
    assert.match(prisma.title, /ON DELETE CASCADE ON UPDATE CASCADE NOT VALID$/);
    assert.match(prisma.written, /ON DELETE CASCADE ON UPDATE CASCADE/);
    const supabase = '/p/supabase/migrations/20240101000000_init.sql';
    const plain = run({ [supabase]: migration }, supabase);
    assert.doesNotMatch(plain.title, /ON UPDATE/);
    assert.doesNotMatch(plain.written, /ON UPDATE/);
  });
});
