/**
 * Seed conformance: the findings of the hand-written audits in shared/seeds/ found by the CLI on workspaces that
 * reproduce them (test/seeds/workspaces.ts), each at the place the user must act, with the fix the catalogue lists;
 * then --fix / --fix=unsafe applied and the workspace audited again.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { cli } from '../helpers/cli';
import { lineOf, writeFiles } from '../helpers/workspace';
import { syntaxErrors } from '../helpers/code-model';
import { SEED_001_LEARNING_PLATFORM, SEED_002_TRADING_BOT, SEED_004_SAMIA_TAROT } from './workspaces';

interface Finding {
  rule: string;
  file: string;
  range: { start: { line: number; column: number } };
  message: string;
  fixes: { title: string; safety: string }[];
}

async function audit(dir: string, ...extra: string[]): Promise<Finding[]> {
  const out = await cli(['audit', '.', '--format', 'json', ...extra], dir);
  return JSON.parse(out.stdout.slice(out.stdout.indexOf('{'))).findings as Finding[];
}

/** 1-based lines of every occurrence of `needle` in `text`. */
function linesOf(text: string, needle: string): number[] {
  return text.split('\n').flatMap((l, i) => (l.includes(needle) ? [i + 1] : []));
}

const at = (findings: Finding[], rule: string, file: string) =>
  findings.filter((f) => f.rule === rule && f.file === file).map((f) => f.range.start.line);

describe('seeds 000 and 001: learning platform, Prisma 5 on SQLite', () => {
  const schema = SEED_001_LEARNING_PLATFORM['prisma/schema.prisma']!;
  const line = (file: string, needle: string) => lineOf(SEED_001_LEARNING_PLATFORM[file]!, needle) + 1;
  const has = (findings: Finding[], rule: string, file: string, needle: string) =>
    findings.some((f) => f.rule === rule && f.file === file && f.range.start.line === line(file, needle));

  it('finds what the audits list, where the user must act', async () => {
    const findings = await audit(writeFiles(SEED_001_LEARNING_PLATFORM));
    const S = 'prisma/schema.prisma';
    // 1.2: Question and Vote relations without onDelete; SignalTrade.createdBy (optional: SetNull implicitly, not orphans).
    const relations = at(findings, 'missing-on-delete', S);
    assert.deepEqual(relations, [
      line(S, 'createdBy   User?'),
      line(S, 'event     Event    @relation'),
      line(S, 'user      User     @relation(fields: [userId], references: [id])'),
      line(S, 'user       User     @relation'),
      line(S, 'question   Question @relation'),
    ]);
    assert.match(findings.find((f) => f.rule === 'missing-on-delete' && f.range.start.line === line(S, 'createdBy   User?'))!.message, /to NULL implicitly/);
    // 1.3: string enums (values from the comments) and JSON kept in strings; Decimal prices are right.
    for (const column of ['role ', 'direction ', 'status      String    @default("open")', 'status    String     @default("open")']) assert.ok(has(findings, 'string-enum', S, column), column);
    for (const column of ['preferences ', 'tags        String     @default("[]")', 'metadata    String?', 'tags        String    @default("[]")', 'questions   String', 'resources  String?']) assert.ok(has(findings, 'json-in-string', S, column), column);
    assert.equal(findings.filter((f) => f.rule === 'float-for-money').length, 0);
    // SQLite on Prisma 5 has neither enums nor Json: no type-changing fix.
    assert.ok(findings.filter((f) => f.rule === 'string-enum' || f.rule === 'json-in-string').every((f) => f.fixes.length === 0));
    // 1.4: the missing indexes, where the code filters by them.
    for (const model of ['model LessonProgress', 'model QuizSubmission', 'model VideoView', 'model UserInterest']) assert.ok(has(findings, 'unindexed-query-filter', S, model), model);
    // 2.1: writes without a transaction.
    assert.ok(has(findings, 'multi-write-without-transaction', 'src/lib/auth-server.ts', 'const user = await prisma.user.create'));
    assert.ok(has(findings, 'multi-write-without-transaction', 'app/api/admin/content/route.ts', 'const content = await prisma.content.create'));
    assert.ok(has(findings, 'multi-write-without-transaction', 'src/lib/actions/enrollment.ts', 'await prisma.quizSubmission.create'));
    assert.ok(has(findings, 'multi-write-without-transaction', 'src/lib/actions/enrollment.ts', 'const enrollment = await prisma.enrollment.create'));
    // 2.2: N+1 in the learning analytics.
    assert.ok(has(findings, 'query-in-loop', 'app/api/learning/analytics/route.ts', 'prisma.lessonProgress.count'));
    // 2.3 / 2.4: lists without pagination; all trades loaded, then filtered in JavaScript.
    assert.ok(has(findings, 'unbounded-query', 'app/(app)/macro/page.tsx', 'prisma.episode.findMany'));
    assert.ok(has(findings, 'unbounded-query', 'app/api/videos/route.ts', 'prisma.video.findMany'));
    assert.ok(has(findings, 'unbounded-query', 'src/components/cryptocompass/CryptoCompassContent.tsx', 'prisma.episode.findMany'));
    const perf = 'app/api/signals/performance/route.ts';
    assert.ok(has(findings, 'filter-in-memory', perf, 'prisma.signalTrade.findMany'));
    // A cap before the JavaScript filter would compute the win rate of the first 100 trades: no take fix there.
    assert.deepEqual(findings.find((f) => f.rule === 'unbounded-query' && f.file === perf)!.fixes, []);
    // 4.2: the silent failure.
    assert.ok(has(findings, 'swallowed-db-error', 'app/videos/[id]/page.tsx', 'prisma.videoView.create'));
    // Not findings: one event with its RSVPs, the notifications capped at 50.
    assert.ok(!findings.some((f) => f.file === 'app/api/events/[slug]/route.ts' || f.file === 'app/api/notifications/route.ts'));
  });

  it('--fix=unsafe: the schema still validates, the writes are wrapped, the relations and indexes are fixed', async () => {
    const dir = writeFiles(SEED_001_LEARNING_PLATFORM);
    await cli(['audit', '.', '--fix=unsafe', '--format', 'json'], dir);
    const out = JSON.parse((await cli(['audit', '.', '--format', 'json'], dir)).stdout);
    assert.deepEqual(out.problems, []);
    for (const rule of ['missing-on-delete', 'unindexed-query-filter']) {
      assert.deepEqual(out.findings.filter((f: Finding) => f.rule === rule && f.fixes.some((x) => x.safety !== 'display-only')), [], rule);
    }
    const fixed = fs.readFileSync(path.join(dir, 'src/lib/auth-server.ts'), 'utf8');
    assert.match(fixed, /const \{ user, session \} = await prisma\.\$transaction\(async \(tx\) => \{/);
    assert.deepEqual(syntaxErrors('auth-server.ts', fixed), []);
    const perf = fs.readFileSync(path.join(dir, 'app/api/signals/performance/route.ts'), 'utf8');
    assert.doesNotMatch(perf, /take:/);
    assert.notEqual(fs.readFileSync(path.join(dir, 'prisma/schema.prisma'), 'utf8'), schema);
  });
});

describe('seed 002: Drizzle/Postgres trading bot (shared/schema.ts, server/storage.ts)', () => {
  const schema = SEED_002_TRADING_BOT['shared/schema.ts']!;
  const storage = SEED_002_TRADING_BOT['server/storage.ts']!;

  it('finds what the audit lists, where the user must act, with its fixes', async () => {
    const dir = writeFiles(SEED_002_TRADING_BOT);
    const findings = await audit(dir);
    // 1. "All foreign keys are missing cascade behavior": every .references(...) without onDelete.
    const references = linesOf(schema, '.references(');
    assert.equal(references.length, 17);
    assert.deepEqual(at(findings, 'missing-on-delete', 'shared/schema.ts'), references);
    for (const f of findings.filter((x) => x.rule === 'missing-on-delete')) assert.ok(f.fixes.length >= 2 && f.fixes.every((x) => x.safety === 'unsafe'));
    // Audit logs keep their rows: Restrict is offered first, not the audit's blanket cascade.
    const auditLog = findings.find((f) => f.rule === 'missing-on-delete' && f.range.start.line === lineOf(schema, 'userId: varchar("user_id").references(() => users.id)') + 1);
    assert.match(auditLog!.fixes[0]!.title, /restrict/);
    // 4. "Add missing indexes": every foreign key, and the columns the queries filter by.
    assert.deepEqual(at(findings, 'unindexed-foreign-key', 'shared/schema.ts'), references);
    assert.ok(findings.some((f) => f.rule === 'unindexed-query-filter' && f.range.start.line === lineOf(schema, 'pgTable("trades"') + 1 && /by symbol/.test(f.message)));
    assert.ok(findings.some((f) => f.rule === 'unindexed-query-filter' && f.range.start.line === lineOf(schema, 'pgTable("ai_decisions"') + 1 && /status/.test(f.message)));
    // 2. N+1 in getTradesFiltered: one query per trade, the simple one with a batched fix.
    const loop = at(findings, 'query-in-loop', 'server/storage.ts');
    assert.ok(loop.includes(lineOf(storage, 'const [aiDecision] = await db') + 1));
    assert.ok(loop.includes(lineOf(storage, 'const [strategy] = await db.select().from(strategies)') + 1));
    assert.ok(findings.find((f) => f.rule === 'query-in-loop' && f.range.start.line === lineOf(storage, 'const [aiDecision] = await db') + 1)!.fixes.length === 1);
    // 3. syncPositionsFromAlpaca deletes every position, then inserts: not in one transaction.
    const sync = findings.find((f) => f.rule === 'multi-write-without-transaction' && f.range.start.line === lineOf(storage, 'await db.delete(positions)') + 1);
    assert.ok(sync, 'the delete-then-insert is found');
    assert.match(sync.fixes[0]!.title, /db\.transaction/);
    // 7. bulkUpsertBrokerAssets: one round trip per asset, not in a transaction.
    assert.ok(at(findings, 'multi-write-without-transaction', 'server/storage.ts').includes(lineOf(storage, 'for (const asset of assets)') + 1));
    assert.equal(loop.filter((l) => l > lineOf(storage, 'async bulkUpsertBrokerAssets')).length, 3);
    // Prices are numeric: no float-for-money.
    assert.equal(findings.filter((f) => f.rule === 'float-for-money').length, 0);
  });

  it('--fix=unsafe leaves valid TypeScript and the findings it fixes are gone', async () => {
    const dir = writeFiles(SEED_002_TRADING_BOT);
    await cli(['audit', '.', '--fix=unsafe', '--format', 'json'], dir);
    for (const file of ['shared/schema.ts', 'server/storage.ts']) {
      assert.deepEqual(syntaxErrors(file, fs.readFileSync(path.join(dir, file), 'utf8')), [], file);
    }
    const fixedStorage = fs.readFileSync(path.join(dir, 'server/storage.ts'), 'utf8');
    assert.match(fixedStorage, /return await db\.transaction\(async \(tx\) => \{\n\s+await tx\.delete\(positions\);/);
    const after = await audit(dir);
    for (const rule of ['missing-on-delete', 'unindexed-foreign-key', 'multi-write-without-transaction']) {
      assert.deepEqual(after.filter((f) => f.rule === rule), [], rule);
    }
  });
});

describe('seed 004: SAMIA TAROT, Supabase migrations', () => {
  const init = 'supabase/migrations/20240301000000_init.sql';
  const backups = 'supabase/migrations/20240415000000_chat_backups.sql';
  const fixes = 'supabase/migrations/20250110000000_high_priority_fixes.sql';
  const fixSql = SEED_004_SAMIA_TAROT[fixes]!;

  it('finds the backup tables (not backup_logs) and what the fix script itself gets wrong', async () => {
    const dir = writeFiles(SEED_004_SAMIA_TAROT);
    const findings = await audit(dir);
    const backup = findings.filter((f) => f.rule === 'backup-table');
    assert.deepEqual(backup.map((f) => f.message.split(' ')[1]), ['chat_messages_backup', 'chat_sessions_backup', 'voice_notes_backup', 'messages_backup']);
    assert.ok(backup.every((f) => f.file === backups));
    // Foreign keys added to existing tables lock and scan them: NOT VALID, then VALIDATE (safe).
    const added = linesOf(fixSql, 'ALTER TABLE');
    assert.equal(added.length, 16);
    assert.deepEqual(at(findings, 'foreign-key-not-valid', fixes), added);
    // CASCADE from users into payments and wallet transactions destroys records to keep.
    const cascades = findings.filter((f) => f.rule === 'cascade-deletes-records').map((f) => f.message);
    assert.equal(cascades.length, 2);
    assert.ok(cascades.some((m) => /its payments rows/.test(m)) && cascades.some((m) => /wallet_transactions rows/.test(m)));
    // "Transactional wrapping" around CREATE INDEX CONCURRENTLY: Postgres refuses every one of them.
    assert.deepEqual(at(findings, 'concurrent-index-in-transaction', fixes), linesOf(fixSql, 'CREATE INDEX CONCURRENTLY'));
    // migration_log.status has a CHECK: not a free-text enum.
    assert.ok(!findings.some((f) => f.rule === 'string-enum' && /migration_log/.test(f.message)));
  });

  it('before the fix script: the missing foreign keys it adds', async () => {
    const { [fixes]: _script, ...before } = SEED_004_SAMIA_TAROT;
    const findings = await audit(writeFiles(before));
    const columns = findings.filter((f) => f.rule === 'missing-foreign-key' && f.file === init).map((f) => f.message.split(' ')[0]);
    for (const column of ['user_roles.user_id', 'profiles.user_id', 'wallets.user_id', 'wallet_transactions.wallet_id', 'payments.user_id', 'bookings.user_id', 'reading_sessions.user_id', 'chat_sessions.user_id', 'chat_messages.session_id', 'notifications.user_id',
      // No readers table: a reader is a user in that role.
      'services.reader_id', 'bookings.reader_id', 'reading_sessions.reader_id', 'tarot_decks.reader_id', 'tarot_spreads.reader_id', 'chat_sessions.reader_id']) {
      assert.ok(columns.includes(column), column);
    }
  });

  it('--fix=unsafe: every migration error and warning is gone, the backup tables remain for the user to drop', async () => {
    const dir = writeFiles(SEED_004_SAMIA_TAROT);
    await cli(['audit', '.', '--fix=unsafe', '--format', 'json'], dir);
    const out = await cli(['audit', '.', '--format', 'json'], dir);
    const report = JSON.parse(out.stdout);
    assert.deepEqual(report.findings.filter((f: Finding & { severity: string }) => f.severity !== 'info').map((f: Finding) => f.rule), []);
    assert.equal(report.findings.filter((f: Finding) => f.rule === 'backup-table').length, 4);
  });
});
