import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { documentedValues, stringEnum } from '../../rules/data-types/string-enum';
import { applyPrismaFix, findings, inlinePrisma } from '../helpers/prisma-inline';
import type { CodeEnumLiteral, CodeFile, Column, Database } from '../../rules/model';
import type { Finding } from '../../server/src/engine';
import { Reviewer } from '../../server/src/review';
import { runRules, TableCache } from '../../server/src/engine';
import { applyFileEdits, diskReader } from '../languages/prisma/helpers';
import { editedWorkspace } from '../helpers/workspace';
import { column, drizzleDb, loc, prismaDb, sqlDb, table, type DatabaseOptions } from '../helpers/model';
import { fixSummary, runRule, single } from '../helpers/run-rule';

const review = (c: Column, options: DatabaseOptions = {}) => runRule(stringEnum, [prismaDb([table('SignalTrade', { columns: [c] })], options)]);

describe('string-enum', () => {
  it('parses documented values from comments', () => {
    assert.deepEqual(documentedValues('"active" | "paused"'), ['active', 'paused']);
    assert.deepEqual(documentedValues('Should be: "guest" | "member" | "editor" | "admin"'), ['guest', 'member', 'editor', 'admin']);
    assert.deepEqual(documentedValues('pending, completed, failed'), ['pending', 'completed', 'failed']);
    assert.deepEqual(documentedValues('status: open | closed'), ['open', 'closed']);
    assert.deepEqual(documentedValues('one of draft, in-review, published (default draft)'), ['draft', 'in-review', 'published']);
    assert.deepEqual(documentedValues("either 'buy' or 'sell'"), ['buy', 'sell']);
    assert.deepEqual(documentedValues('used by billing, see docs'), []);
    assert.deepEqual(documentedValues('the current status'), []);
    assert.deepEqual(documentedValues(undefined), []);
    assert.deepEqual(documentedValues('"a"'), []);
  });

  it('examples are not the set of values: "e.g.", "for example", "such as", "etc." (epic-stack Verification.type)', () => {
    assert.deepEqual(documentedValues('The type of verification, e.g. "email" or "phone"'), []);
    assert.deepEqual(documentedValues('e.g. create, read, update, delete'), []);
    assert.deepEqual(documentedValues('eg "draft" | "live"'), []);
    assert.deepEqual(documentedValues('for example "card" or "bank"'), []);
    assert.deepEqual(documentedValues('a channel such as "email", "sms"'), []);
    assert.deepEqual(documentedValues('"email", "sms", etc.'), []);
    // "i.e." names the set itself.
    assert.deepEqual(documentedValues('i.e. "email" or "phone"'), ['email', 'phone']);
    assert.deepEqual(review(column('type', 'string', { comment: 'The type of verification, e.g. "email" or "phone"' })), []);
  });

  describe('valid', () => {
    it('a status without documented values or bare-word default', () => assert.deepEqual(review(column('status', 'string')), []));
    it('documented values on a column not named like an enum', () =>
      assert.deepEqual(review(column('description', 'string', { comment: '"a" | "b"' })), []));
    it('an enum column already', () => assert.deepEqual(review(column('status', 'enum', { comment: '"open" | "closed"' })), []));
    it('a weakly enum-like name with a bare-word default but no documented values', () =>
      assert.deepEqual(review(column('category', 'string', { default: '"general"' })), []));
    it('a default that is not a bare word', () => assert.deepEqual(review(column('contentType', 'string', { default: '"text/plain"' })), []));
  });

  describe('invalid', () => {
    it('seed 001: status // "open" | "closed" → create enum (unsafe)', () => {
      const status = column('status', 'string', { default: '"open"', comment: 'Should be: "open" | "closed"' });
      const t = table('SignalTrade', { columns: [status] });
      const db = prismaDb([t]);
      const report = single(runRule(stringEnum, [db]));
      assert.equal(
        report.message,
        'SignalTrade.status holds one of "open", "closed" as free text: the database accepts any string, so a typo or a retired value is stored silently.',
      );
      assert.deepEqual(report.loc, status.loc);
      assert.deepEqual(fixSummary(report), [
        { title: 'Create enum SignalTradeStatus { open closed } for status', safety: 'unsafe', kind: 'createEnum', preferred: false },
      ]);
      assert.deepEqual(report.fixes![0].intent, { kind: 'createEnum', database: db, table: t, column: status, values: ['open', 'closed'] });
    });

    it('a default outside the documented values: said so, no enum fix (the enum would refuse its default)', () => {
      const report = single(review(column('state', 'string', { default: '"new"', comment: '"pending" | "done"' })));
      assert.match(report.message, /holds one of "pending", "done" as free text, but its default "new" is not one of them: .* Add "new" to the documented values \(or fix the default\)/);
      assert.deepEqual(report.fixes ?? [], []);
    });

    it('bare-word default on a strongly enum-like name: finding without a fix', () => {
      const report = single(review(column('role', 'string', { default: '"guest"' })));
      assert.match(report.message, /looks like an enum kept as free text \(default "guest"\)/);
      assert.equal(report.fixes, undefined);
    });

    it('SQL default with a cast', () => {
      const db = sqlDb([table('orders', { columns: [column('status', 'string', { rawType: 'varchar(20)', default: "'pending'::character varying" })] })]);
      const [report] = runRule(stringEnum, [db]);
      assert.ok(report);
      // SQL documents a column with COMMENT ON (a `//` comment is not SQL).
      assert.match(report.message, /COMMENT ON COLUMN orders\.status IS 'one of: a, b'/);
      assert.match(single(review(column('role', 'string', { default: '"guest"' }))).message, /comment on the column \(\/\/ "a" \| "b"\)/);
    });

    it('the COMMENT ON a table named User or order quotes it, as Postgres needs; MySQL and SQLite are told what they have', () => {
      const status = () => column('status', 'string', { rawType: 'text', default: "'pending'" });
      const pg = (name: string) => single(runRule(stringEnum, [sqlDb([table(name, { columns: [status()] })])])).message;
      assert.match(pg('User'), /COMMENT ON COLUMN "User"\.status IS 'one of: a, b'/);
      assert.match(pg('order'), /COMMENT ON COLUMN "order"\.status IS/);
      assert.match(pg('billing.invoices'), /COMMENT ON COLUMN billing\.invoices\.status IS/);
      const mysql = single(runRule(stringEnum, [sqlDb([table('orders', { columns: [status()] })], { dialect: 'mysql' })])).message;
      assert.match(mysql, /in the column's COMMENT \('one of: a, b'\)/);
      const sqlite = single(runRule(stringEnum, [sqlDb([table('orders', { columns: [status()] })], { dialect: 'sqlite' })])).message;
      assert.match(sqlite, /SQLite has no enum type: a CHECK \(status IN \(…\)\) constraint/);
      assert.doesNotMatch(sqlite, /COMMENT ON/);
    });

    it('Prisma values that are not identifiers: finding, no fix (the schema would not validate)', () => {
      assert.deepEqual(single(review(column('state', 'string', { comment: '"in-progress" | "done"' }))).fixes, []);
    });

    it('SQLite without enums (SQL), SQL Server: no fix', () => {
      const c = () => column('status', 'string', { comment: 'pending, completed, failed' });
      assert.deepEqual(single(runRule(stringEnum, [sqlDb([table('jobs', { columns: [c()] })], { dialect: 'sqlite' })])).fixes, []);
      assert.deepEqual(single(review(c(), { dialect: 'sqlserver' })).fixes, []);
      assert.equal(single(review(c(), { dialect: 'sqlite', prismaMajor: 6 })).fixes!.length, 1);
    });

    it('SQLite: a project pinned to Prisma 6.0 or 6.1 gets no enum fix and is told why; 6.2 and an unknown minor get it', () => {
      const at = (minor: number | undefined, c: Column) => {
        const db = prismaDb([table('Job', { columns: [c] })], { dialect: 'sqlite', prismaMajor: 6 });
        if (minor !== undefined) db.prismaMinor = minor;
        return single(runRule(stringEnum, [db]));
      };
      const documented = () => column('status', 'string', { comment: 'pending, completed, failed' });
      for (const minor of [0, 1]) {
        const report = at(minor, documented());
        assert.deepEqual(report.fixes, [], `6.${minor}`);
        assert.equal(
          report.message,
          'Job.status holds one of "pending", "completed", "failed" as free text: the database accepts any string, so a typo or a retired value is stored silently. ' +
            `No enum fix is offered: Prisma 6.${minor} has no enums on SQLite (Prisma 6.2 added them); upgrade Prisma to get one.`,
        );
      }
      assert.equal(at(2, documented()).fixes!.length, 1);
      assert.doesNotMatch(at(2, documented()).message, /No enum fix/);
      assert.equal(at(undefined, documented()).fixes!.length, 1);
      // Without documented values the message no longer promises a fix for documenting them.
      const undocumented = at(1, column('status', 'string', { default: '"queued"' }));
      assert.doesNotMatch(undocumented.message, /to get a fix that creates the enum/);
      assert.match(undocumented.message, /Prisma 6\.1 has no enums on SQLite/);
    });

    it('titles per language', () => {
      const c = () => column('status', 'string', { comment: 'pending, completed, failed', dbName: 'status' });
      assert.equal(
        single(runRule(stringEnum, [sqlDb([table('jobs', { columns: [c()] })])])).fixes![0].title,
        "Create type jobs_status AS ENUM ('pending', 'completed', 'failed') for status",
      );
      assert.equal(
        single(runRule(stringEnum, [sqlDb([table('jobs', { columns: [c()] })], { dialect: 'mysql' })])).fixes![0].title,
        "Change column status to ENUM('pending', 'completed', 'failed')",
      );
      assert.equal(
        single(runRule(stringEnum, [drizzleDb([table('jobs', { columns: [c()] })])])).fixes![0].title,
        'Create pgEnum("jobs_status", ["pending", "completed", "failed"]) for status',
      );
    });
  });

  // -------------------------------------------------------------------------------------------
  // Columns named like an enum with a one-word default; values from the code (CodeFile.enumLiterals).
  // -------------------------------------------------------------------------------------------

  it('a snake_case model (Supabase team_members): the enum written is the one the title names (explore-prisma3/multischema)', () => {
    const schema = inlinePrisma(
      'datasource db {\n  provider = "postgresql"\n  url      = env("DATABASE_URL")\n}\n' +
        'model team_members {\n  id   Int    @id\n  role String @default("member") // \'owner\' | \'admin\' | \'member\'\n}\n',
    );
    const report = findings(stringEnum, schema)[0];
    assert.equal(report.fixes![0].title, 'Create enum TeamMembersRole { owner admin member } for role');
    const fixed = applyPrismaFix(schema, report.fixes![0].intent)!;
    assert.deepEqual(fixed.errors, []);
    assert.match(fixed.text, /role TeamMembersRole @default\(member\)/);
    assert.match(fixed.text, /enum TeamMembersRole \{/);
  });

  describe('look-alikes (seed 003)', () => {
    it('difficulty is reported like priority (same shape, default "medium"); names, titles, codes and phrases are not', () => {
      const cols = [
        column('difficulty', 'string', { default: '"medium"' }),
        column('priority', 'string', { default: '"medium"' }),
        column('name', 'string', { default: '"untitled"' }),
        column('locale', 'string', { default: '"en"' }),
        column('currency', 'string', { default: '"USD"' }),
        column('timezone', 'string', { default: '"UTC"' }),
        column('color', 'string', { default: '"#fff"' }),
        column('title', 'string', { default: '"medium"' }),
        column('status', 'string', { default: '"Hello world"' }),
        column('type', 'string', { default: '"Untitled"' }),
        column('kind', 'string', { default: '"x"' }),
        column('state', 'string', { default: '"a-very-long-free-text-default-value"' }),
      ];
      const reports = runRule(stringEnum, [prismaDb([table('Goal', { columns: cols })])]);
      assert.deepEqual(
        reports.map((r) => r.message.split(' ')[0]),
        ['Goal.difficulty', 'Goal.priority'],
      );
      assert.match(reports[0].message, /^Goal\.difficulty looks like an enum kept as free text \(default "medium"\)/);
      assert.equal(reports[0].fixes, undefined);
      // One-word defaults in one case still count: snake_case, SCREAMING_CASE.
      assert.equal(runRule(stringEnum, [prismaDb([table('Job', { columns: [column('status', 'string', { default: '"in_progress"' }), column('urgency', 'string', { default: '"HIGH"' })] })])]).length, 2);
    });
  });

  describe('values from the code', () => {
    const FILE = '/repo/lib/validation/schemas.ts';
    let line = 0;
    const list = (name: string, values: string[], o: Partial<CodeEnumLiteral> = {}): CodeEnumLiteral => ({
      nameKind: 'property',
      name,
      source: 'z.enum',
      values,
      loc: loc(o.loc?.range.start.line ?? line++, 14, 60, o.loc?.file ?? FILE),
      ...o,
    });
    const code = (file: string, ...lists: CodeEnumLiteral[]): CodeFile => ({
      file,
      calls: [],
      transactions: [],
      writingCalls: [],
      enumLiterals: lists.map((l) => ({ ...l, loc: { ...l.loc, file } })),
    });
    const goal = (...cols: Column[]) => table('Goal', { columns: cols });

    it('the language server judges the rule table by table, and again when only the code changed', () => {
      const schema = inlinePrisma(
        ['datasource db {', '  provider = "postgresql"', '}', '', 'model Goal {', '  id         Int    @id', '  difficulty String @default("medium")', '}', '', 'model Tag {', '  id    Int    @id', '  label String', '}', ''].join('\n'),
      );
      const file = '/virtual/lib/validation/schemas.ts';
      const cache = new TableCache();
      let judged = 0;
      const counted = { ...stringEnum, check: (context: Parameters<typeof stringEnum.check>[0]) => (judged++, stringEnum.check(context)) };
      const run = (codeFiles: CodeFile[]) => {
        judged = 0;
        return runRules({ databases: [schema.db], codeFiles, suppressions: [] }, { rules: [counted], writeFix: () => [], tableCache: cache }).findings.map((f) => f.message.split(':')[0]);
      };
      const without = [code(file)];
      const plain = ['Goal.difficulty looks like an enum kept as free text (default "medium")'];
      assert.deepEqual(run(without), plain);
      // The same objects again: the tables' findings are reused, the rule is not run.
      assert.deepEqual(run(without), plain);
      assert.equal(judged, 0);
      // The schema unchanged, a code file now lists the values: judged again.
      const withValues = [code(file, list('difficulty', ['easy', 'medium', 'hard'], { owner: 'goalSchema' }))];
      assert.match(run(withValues)[0]!, /^Goal\.difficulty holds one of "easy", "medium", "hard" as free text \(values from z\.enum in /);
      assert.ok(judged > 0);
      assert.deepEqual(run([code(file)]), plain);
    });

    it('seed 003: z.enum in goalCreateSchema gives difficulty and priority their values and the create-enum fix', () => {
      const difficulty = column('difficulty', 'string', { default: '"medium"' });
      const priority = column('priority', 'string', { default: '"medium"' });
      const t = goal(difficulty, priority);
      const db = prismaDb([t], { dialect: 'sqlite', prismaMajor: 6 });
      const d = list('difficulty', ['easy', 'medium', 'hard', 'expert'], { owner: 'goalCreateSchema', loc: loc(13, 14, 60, FILE) });
      const p = list('priority', ['low', 'medium', 'high', 'urgent'], { owner: 'goalCreateSchema', loc: loc(14, 14, 60, FILE) });
      const reports = runRule(stringEnum, [db], [code(FILE, d, p)]);
      assert.equal(reports.length, 2);
      assert.equal(
        reports[0].message,
        'Goal.difficulty holds one of "easy", "medium", "hard", "expert" as free text (values from z.enum in lib/validation/schemas.ts:14): ' +
          'the database accepts any string, so a typo or a retired value is stored silently.',
      );
      assert.deepEqual(reports[0].loc, difficulty.loc);
      assert.deepEqual(fixSummary(reports[0]), [
        { title: 'Create enum GoalDifficulty { easy medium hard expert } for difficulty', safety: 'unsafe', kind: 'createEnum', preferred: false },
      ]);
      assert.deepEqual(reports[1].fixes![0].intent, { kind: 'createEnum', database: db, table: t, column: priority, values: ['low', 'medium', 'high', 'urgent'] });
      assert.deepEqual(reports[0].related, [{ loc: d.loc, message: 'the values of Goal.difficulty' }]);
    });

    it('a weakly enum-like name (category) with a list in the code gets the fix; a name that is not enum-like does not', () => {
      const t = table('Module', { columns: [column('category', 'string', { default: '"general"' }), column('locale', 'string', { default: '"en"' })] });
      const files = [code(FILE, list('category', ['general', 'fitness']), list('locale', ['en', 'de']))];
      const report = single(runRule(stringEnum, [prismaDb([t])], files));
      assert.match(report.message, /^Module\.category holds one of "general", "fitness"/);
      assert.equal(report.fixes!.length, 1);
    });

    it('a list counts only when it holds the column\'s default', () => {
      const t = goal(column('priority', 'string', { default: '"normal"' }), column('difficulty', 'string', { default: '"easy"' }));
      const reports = runRule(stringEnum, [prismaDb([t])], [code(FILE, list('priority', ['low', 'high']), list('difficulty', ['easy', 'hard']))]);
      assert.match(reports[0].message, /^Goal\.priority looks like an enum kept as free text \(default "normal"\)/);
      assert.equal(reports[0].fixes, undefined);
      assert.deepEqual(reports[1].fixes![0].intent.kind === 'createEnum' && reports[1].fixes![0].intent.values, ['easy', 'hard']);
    });

    it('lists that disagree: a finding without a fix, which says why', () => {
      const t = goal(column('difficulty', 'string', { default: '"medium"' }));
      const files = [
        code(FILE, list('difficulty', ['easy', 'medium', 'hard'], { loc: loc(4, 14, 60, FILE) })),
        code('/repo/lib/goals/types.ts', list('Difficulty', ['easy', 'medium'], { nameKind: 'named', source: 'union', loc: loc(2, 14, 60) })),
      ];
      const report = single(runRule(stringEnum, [prismaDb([t])], files));
      assert.equal(
        report.message,
        'Goal.difficulty looks like an enum kept as free text (default "medium"): the database accepts any string. The code lists different values for it ' +
          '(z.enum in lib/validation/schemas.ts:5: "easy", "medium", "hard"; type Difficulty in lib/goals/types.ts:3: "easy", "medium"), so no fix is offered: settle on one list first.',
      );
      assert.deepEqual(report.fixes, []);
      assert.equal(report.related!.length, 2);
      // The same values in another order agree.
      files[1].enumLiterals![0].values = ['hard', 'medium', 'easy'];
      assert.equal(single(runRule(stringEnum, [prismaDb([t])], files)).fixes!.length, 1);
    });

    it('a list about another table does not count; lists naming this table win over neutral ones', () => {
      const order = table('Order', { columns: [column('status', 'string', { default: '"pending"' })] });
      const payment = table('Payment', { columns: [column('status', 'string', { default: '"pending"' })] });
      const refund = table('Refund', { columns: [column('status', 'string', { default: '"pending"' })] });
      const files = [
        code(
          FILE,
          list('status', ['pending', 'paid', 'shipped'], { owner: 'orderUpdateSchema' }),
          list('status', ['pending', 'succeeded', 'failed'], { owner: 'PaymentInput', source: 'union' }),
          list('Status', ['pending', 'archived'], { nameKind: 'named', source: 'union' }),
          // A filter lists what a query may ask for, not what a row holds.
          list('status', ['all', 'pending', 'paid'], { owner: 'orderFilterSchema' }),
        ),
      ];
      const values = runRule(stringEnum, [prismaDb([order, payment, refund])], files).map((r) => [r.message.split(' ')[0], r.fixes?.[0]?.intent.kind === 'createEnum' ? r.fixes[0].intent.values : r.fixes]);
      assert.deepEqual(values, [
        ['Order.status', ['pending', 'paid', 'shipped']],
        ['Payment.status', ['pending', 'succeeded', 'failed']],
        ['Refund.status', ['pending', 'archived']],
      ]);
    });

    it('named lists: an `as const` array, a type alias after the table, a ...Schema variable', () => {
      const t = goal(column('difficulty', 'string', { default: '"easy"' }), column('status', 'string'), column('priority', 'string'));
      const files = [
        code(
          '/repo/lib/constants.ts',
          list('DIFFICULTIES', ['easy', 'hard'], { nameKind: 'named', source: 'as const' }),
          list('GoalStatus', ['active', 'done'], { nameKind: 'named', source: 'union' }),
          list('prioritySchema', ['low', 'high'], { nameKind: 'named' }),
          list('statusLabel', ['x', 'y'], { nameKind: 'named', source: 'union' }),
        ),
      ];
      const reports = runRule(stringEnum, [prismaDb([t])], files);
      assert.deepEqual(
        reports.map((r) => r.message.replace(/^(\S+) holds one of (.*) as free text \(values from (.*)\): the database .*$/, '$1 = $2 from $3')),
        [
          'Goal.difficulty = "easy", "hard" from DIFFICULTIES (as const) in lib/constants.ts:' + (files[0].enumLiterals![0].loc.range.start.line + 1),
          'Goal.status = "active", "done" from type GoalStatus in lib/constants.ts:' + (files[0].enumLiterals![1].loc.range.start.line + 1),
          'Goal.priority = "low", "high" from z.enum in lib/constants.ts:' + (files[0].enumLiterals![2].loc.range.start.line + 1),
        ],
      );
    });

    it('the database name matches too (snake_case vs camelCase): SQL and Drizzle titles', () => {
      const c = () => column('difficultyLevel', 'string', { dbName: 'difficulty_level', default: "'easy'::text" });
      const files = [code('/repo/src/lib/schemas.ts', list('difficulty_level', ['easy', 'hard']))];
      const sql = single(runRule(stringEnum, [sqlDb([table('goals', { columns: [c()] })])], files));
      assert.equal(sql.fixes![0].title, "Create type goals_difficulty_level AS ENUM ('easy', 'hard') for difficulty_level");
      const drizzle = single(runRule(stringEnum, [drizzleDb([table('goals', { columns: [c()] })])], files));
      assert.equal(drizzle.fixes![0].title, 'Create pgEnum("goals_difficulty_level", ["easy", "hard"]) for difficultyLevel');
    });

    it('only code of the database\'s own project counts (the nearest schema in a monorepo)', () => {
      const a = prismaDb([table('Task', { columns: [column('status', 'string', { default: '"open"' })] })], { file: '/repo/apps/a/prisma/schema.prisma' });
      const b = prismaDb([table('Ticket', { columns: [column('status', 'string', { default: '"open"' })] })], { file: '/repo/apps/b/prisma/schema.prisma' });
      const files = [code('/repo/apps/b/lib/validation.ts', list('status', ['open', 'closed']))];
      const reports = runRule(stringEnum, [a, b], files);
      assert.deepEqual(
        reports.map((r) => [r.message.split(' ')[0], r.fixes?.length ?? 0]),
        [
          ['Task.status', 0],
          ['Ticket.status', 1],
        ],
      );
      assert.match(reports[1].message, /values from z\.enum in lib\/validation\.ts:/);
    });

    it('SQLite: Prisma 6 gets the enum fix, Prisma 5 and values that are not identifiers do not (the values are still named)', () => {
      const run = (prismaMajor: number, values: string[]) =>
        single(runRule(stringEnum, [prismaDb([goal(column('difficulty', 'string', { default: '"easy"' }))], { dialect: 'sqlite', prismaMajor })], [code(FILE, list('difficulty', values))]));
      assert.equal(run(6, ['easy', 'hard']).fixes!.length, 1);
      const old = run(5, ['easy', 'hard']);
      assert.deepEqual(old.fixes, []);
      assert.match(old.message, /holds one of "easy", "hard" as free text \(values from z\.enum/);
      assert.deepEqual(run(6, ['easy', 'very-hard']).fixes, []);
    });
  });

  // -------------------------------------------------------------------------------------------
  // End to end: a project shaped like seed 003 (a Prisma 6 SQLite schema + lib/validation/schemas.ts).
  // -------------------------------------------------------------------------------------------

  describe('goal-tracker fixture (seed 003), reviewed as the CLI does', () => {
    const ROOT = resolve(__dirname, '../fixtures/data-types/goal-tracker').split('\\').join('/');
    const SCHEMA = `${ROOT}/prisma/schema.prisma`;
    const review = (overrides: Record<string, string> = {}) =>
      new Reviewer(ROOT, diskReader(overrides)).review({ validation: true }).findings.filter((f: Finding) => f.rule === 'string-enum');
    const lineOf = (f: Finding) => readFileSync(SCHEMA, 'utf8').split('\n')[f.range.start.line].trim();

    it('difficulty, priority and status get enum fixes that Prisma 6 validates; the disagreeing category gets none', () => {
      const findings = review();
      assert.deepEqual(findings.map(lineOf), [
        'category    String   @default("general")',
        'difficulty  String     @default("medium")',
        'priority    String     @default("medium")',
        'status      String     @default("active")',
      ]);
      assert.match(findings[0].message, /The code lists different values for it \(z\.enum in lib\/validation\/schemas\.ts:23: .*; MODULE_CATEGORIES \(as const\) in lib\/goals\/types\.ts:6: /);
      assert.deepEqual(findings[0].fixes, []);
      assert.match(findings[1].message, /values from z\.enum in lib\/validation\/schemas\.ts:15\)/);
      assert.match(findings[3].message, /values from type GoalStatus in lib\/goals\/types\.ts:4\)/);
      const base = inlinePrisma(readFileSync(SCHEMA, 'utf8'), 6);
      assert.deepEqual(base.errors, []);
      const disk = diskReader();
      const fixed = (fs: Finding[]) => {
        const text = applyFileEdits(disk, fs.flatMap((f) => f.fixes[0].edits)).texts[SCHEMA];
        return { text, errors: inlinePrisma(text, 6).errors };
      };
      for (const f of findings.slice(1)) {
        assert.equal(f.fixes.length, 1);
        const one = fixed([f]);
        assert.deepEqual(one.errors, [], one.text);
      }
      const all = fixed(findings.slice(1));
      assert.deepEqual(all.errors, [], all.text);
      assert.match(all.text, /  difficulty  GoalDifficulty\s+@default\(medium\)\n/);
      assert.match(all.text, /enum GoalDifficulty \{\n  easy\n  medium\n  hard\n  expert\n\}/);
    });

    it('in the editor: an edit of the zod file alone (the schema unchanged) updates the values and the fix', () => {
      const file = `${ROOT}/lib/validation/schemas.ts`;
      const { server, edit, text } = editedWorkspace(ROOT, file);
      const difficulty = () => server.review({ validation: false }).findings.find((f) => f.rule === 'string-enum' && f.message.startsWith('Goal.difficulty'))!;
      assert.match(difficulty().message, /holds one of "easy", "medium", "hard", "expert"/);
      edit(text().replace("'hard', 'expert'", "'hard'"));
      assert.match(difficulty().message, /holds one of "easy", "medium", "hard" as free text/);
      assert.match(difficulty().fixes[0].title, /\{ easy medium hard \}/);
      edit(text().replace("difficulty: z.enum(['easy', 'medium', 'hard'])", 'difficulty: z.string()'));
      assert.match(difficulty().message, /looks like an enum kept as free text \(default "medium"\)/);
      assert.deepEqual(difficulty().fixes, []);
      // And back: a finding of the table kept from before the code named values is judged again.
      edit(text().replace('difficulty: z.string()', "difficulty: z.enum(['easy', 'medium'])"));
      assert.match(difficulty().message, /holds one of "easy", "medium" as free text/);
    });

    it('with Prisma 5.22 pinned (no enums on SQLite): the same findings, no fix', () => {
      const pkg = readFileSync(`${ROOT}/package.json`, 'utf8').replace(/"\^6\.14\.0"/g, '"5.22.0"');
      const findings = review({ [`${ROOT}/package.json`]: pkg });
      assert.equal(findings.length, 4);
      assert.match(findings[1].message, /values from z\.enum/);
      assert.deepEqual(findings.map((f) => f.fixes.length), [0, 0, 0, 0]);
    });

    it('with Prisma 6.1 (pinned, or a range with 6.1 installed): no fix, and the message says why; 6.2 installed gets the fixes', () => {
      const original = readFileSync(`${ROOT}/package.json`, 'utf8');
      const pinned = review({ [`${ROOT}/package.json`]: original.replace(/"\^6\.14\.0"/g, '"6.1.0"') });
      assert.equal(pinned.length, 4);
      assert.deepEqual(pinned.map((f) => f.fixes.length), [0, 0, 0, 0]);
      assert.match(pinned[1].message, /No enum fix is offered: Prisma 6\.1 has no enums on SQLite \(Prisma 6\.2 added them\)/);
      const range = original.replace(/"\^6\.14\.0"/g, '"^6.1.0"');
      const installed = (version: string) => ({
        [`${ROOT}/package.json`]: range,
        [`${ROOT}/node_modules/prisma/package.json`]: JSON.stringify({ name: 'prisma', version }),
      });
      assert.deepEqual(review(installed('6.1.3')).map((f) => f.fixes.length), [0, 0, 0, 0]);
      assert.deepEqual(review(installed('6.2.1')).map((f) => f.fixes.length), [0, 1, 1, 1]);
      // The range alone, nothing installed: unsure, the fixes are offered as before.
      assert.deepEqual(review({ [`${ROOT}/package.json`]: range }).map((f) => f.fixes.length), [0, 1, 1, 1]);
    });
  });
});
