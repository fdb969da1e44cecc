/**
 * `text("status").$type<"draft" | "published">()`: a closed set of values in TypeScript only. The front-end reads the
 * union of string literal types (syntax only), string-enum reports the column with the enum fix, and the fix drops the
 * `$type` the enum makes redundant.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { rules } from '../../../rules';
import type { Database } from '../../../rules/model';
import { runRules, type Finding } from '../../../server/src/engine';
import { drizzleFrontEnd } from '../../../server/src/languages/drizzle';
import type { Unit } from '../../../server/src/languages/types';
import { applyTextEdits, fixture, memoryReader, onlyDatabase, overlayReader, rangeOfText, syntaxErrors, table, typeCheck } from './helpers';

const dir = fixture('typed-unions');
const schema = fixture('typed-unions/src/db/schema.ts');

function stringEnumFindings(db: Database, suppressions = [] as Parameters<typeof runRules>[0]['suppressions'], reader = overlayReader()): Finding[] {
  const errors: unknown[] = [];
  const result = runRules(
    { databases: [db], codeFiles: [], suppressions },
    { rules, writeFix: (intent) => drizzleFrontEnd.writeFix(intent, reader), onError: (_m, e) => errors.push(e) },
  );
  assert.deepEqual(errors, []);
  return result.findings.filter((f) => f.rule === 'string-enum');
}

function analyzeText(file: string, text: string): Database {
  const files = { [file]: text };
  const reader = memoryReader(files);
  const units = drizzleFrontEnd.discover([file], reader);
  const unit: Unit = units[0] ?? { language: 'drizzle', id: `drizzle:${file}`, files: [file] };
  return drizzleFrontEnd.analyze(unit, reader, { validation: true }).databases[0];
}

/** The text after the first string-enum fix of the one finding on `column`. */
function fixed(file: string, text: string, column: string): string {
  const db = analyzeText(file, text);
  const reader = memoryReader({ [file]: text });
  const finding = stringEnumFindings(db, [], reader as ReturnType<typeof overlayReader>).find((f) => f.message.includes(`.${column} `));
  assert.ok(finding, `a finding on ${column}`);
  assert.equal(finding.fixes.length, 1);
  const edits = finding.fixes[0].edits;
  assert.equal(edits.length, 1);
  const out = applyTextEdits(text, edits[0].edits);
  assert.deepEqual(syntaxErrors(file, out), []);
  return out;
}

describe('drizzle: $type<string literal union>()', () => {
  it('reads the union of string literals (null aside); a named type, a template type or one literal is not read', () => {
    const { db } = onlyDatabase(dir, overlayReader());
    const articles = table(db, 'articles');
    const values = (name: string) => articles.columns.find((c) => c.name === name)?.typedValues;
    assert.deepEqual(values('status'), ['draft', 'in_review', 'published']);
    assert.deepEqual(values('visibility'), ['public', 'subscribers']);
    assert.deepEqual(values('layout'), ['standard', 'longform', 'gallery']);
    assert.equal(values('tone'), undefined);
    assert.equal(values('slug'), undefined);
    assert.equal(values('title'), undefined);
    // The rest of the column is read as before.
    const status = articles.columns.find((c) => c.name === 'status')!;
    assert.deepEqual([status.type, status.nullable, status.default], ['string', false, '"draft"']);
    const db2 = analyzeText(
      '/w/schema.ts',
      `import { pgTable, text, jsonb } from "drizzle-orm/pg-core";
export const t = pgTable("t", {
  one: text("one").$type<"only">(),
  open: text("open").$type<"a" | "b" | (string & {})>(),
  doc: jsonb("doc").$type<"a" | "b">(),
  paren: text("paren").$type<("a" | "b")>(),
});
`,
    );
    assert.deepEqual(table(db2, 't').columns.map((c) => c.typedValues), [undefined, undefined, undefined, ['a', 'b']]);
  });

  it('string-enum reports each typed column, whatever its name, with the create-enum fix; the values say where they come from', () => {
    const { db, analysis } = onlyDatabase(dir, overlayReader());
    const findings = stringEnumFindings(db, analysis.suppressions);
    const text = overlayReader().read(schema)!;
    assert.deepEqual(
      findings.map((f) => f.range.start.line),
      ['status: text("status")', 'visibility: text("visibility")', 'layout: text("layout")'].map((s) => rangeOfText(text, s).start.line),
    );
    assert.equal(
      findings[0].message,
      'articles.status holds one of "draft", "in_review", "published" as free text (values from its TypeScript type, ' +
        'which only the code checks): the database accepts any string, so a write that ' +
        'bypasses the type (raw SQL, another service, a cast) stores a typo or a retired value silently.',
    );
    assert.deepEqual(
      findings.map((f) => f.fixes.map((x) => x.title)),
      [
        ['Create pgEnum("articles_status", ["draft", "in_review", "published"]) for status'],
        ['Create pgEnum("articles_visibility", ["public", "subscribers"]) for visibility'],
        ['Create pgEnum("articles_layout", ["standard", "longform", "gallery"]) for layout'],
      ],
    );
  });

  it('the Postgres fix declares the pgEnum and drops the $type it makes redundant (multi-line chain too)', () => {
    const text = overlayReader().read(schema)!;
    const out = fixed(schema, text, 'status');
    assert.ok(out.includes('export const articlesStatusEnum = pgEnum("articles_status", ["draft", "in_review", "published"]);'), out);
    assert.ok(out.includes('status: articlesStatusEnum("status")\n      .notNull()\n      .default("draft"),'), out);
    assert.ok(!out.includes('$type<"draft"'), out);
    // Other $type casts stay.
    assert.ok(out.includes('$type<ArticleTone>()') && out.includes('$type<"public" | "subscribers" | null>()'), out);
  });

  it('MySQL: mysqlEnum without the $type; SQLite: reported without a fix (text({ enum }) is a TypeScript type too)', () => {
    const mysql = fixed(
      '/m/schema.ts',
      `import { mysqlTable, serial, varchar } from "drizzle-orm/mysql-core";
export const tickets = mysqlTable("tickets", {
  id: serial("id").primaryKey(),
  priority: varchar("priority", { length: 16 }).$type<"low" | "high">().notNull(),
});
`,
      'priority',
    );
    assert.ok(mysql.includes('priority: mysqlEnum("priority", ["low", "high"]).notNull(),'), mysql);
    const file = '/s/schema.ts';
    const text = `import { sqliteTable, integer, text } from "drizzle-orm/sqlite-core";
export const tasks = sqliteTable("tasks", {
  id: integer("id").primaryKey(),
  state: text("state").$type<"todo" | "done">().default("todo"),
});
`;
    const [finding] = stringEnumFindings(analyzeText(file, text), [], memoryReader({ [file]: text }) as ReturnType<typeof overlayReader>);
    assert.match(finding.message, /^tasks\.state holds one of "todo", "done" as free text \(values from its TypeScript type/);
    assert.deepEqual(finding.fixes, []);
  });

  it('a comment between the links stays when the $type goes', () => {
    const file = '/c/schema.ts';
    const out = fixed(
      file,
      `import { pgTable, serial, text } from "drizzle-orm/pg-core";
export const invoices = pgTable("invoices", {
  id: serial("id").primaryKey(),
  state: text("state") // billing owns this list
    .$type<"open" | "paid" | "void">()
    .notNull(),
});
`,
      'state',
    );
    assert.ok(out.includes('  state: invoicesStateEnum("state") // billing owns this list\n    .notNull(),\n'), out);
    assert.ok(!out.includes('$type'), out);
  });

  it('documented values that differ from the $type: the type wins (it is what the code checks)', () => {
    const text = `import { pgTable, serial, text } from "drizzle-orm/pg-core";
export const jobs = pgTable("jobs", {
  id: serial("id").primaryKey(),
  // one of: queued, running, done, failed
  status: text("status").$type<"queued" | "running" | "done">(),
});
`;
    const db = analyzeText('/j/schema.ts', text);
    const [finding] = stringEnumFindings(db, [], memoryReader({ '/j/schema.ts': text }) as ReturnType<typeof overlayReader>);
    assert.match(finding.message, /holds one of "queued", "running", "done" as free text \(values from its TypeScript type/);
  });
});

describe('drizzle: text({ enum: [...] }) (values Drizzle types the column with, the database does not check)', () => {
  const pgText = `import { pgTable, serial, integer, text, varchar } from "drizzle-orm/pg-core";

const PLANS = ["free", "pro", "enterprise"] as const;

export const subscriptions = pgTable("subscriptions", {
  id: serial("id").primaryKey(),
  accountId: integer("account_id").notNull(),
  status: text("status", { enum: ["trialing", "active", "past_due", "canceled"] }).notNull().default("trialing"),
  plan: varchar("plan", { length: 32, enum: PLANS }).notNull(),
  visibility: varchar({ length: 16, enum: ["public", "private"] }),
  note: text("note"),
});
`;

  it('reads the literal array (or a same-file `as const` array) as the column\'s typed values, whatever the name', () => {
    const db = analyzeText('/e/schema.ts', pgText);
    const values = (name: string) => table(db, 'subscriptions').columns.find((c) => c.name === name)?.typedValues;
    assert.deepEqual(values('status'), ['trialing', 'active', 'past_due', 'canceled']);
    assert.deepEqual(values('plan'), ['free', 'pro', 'enterprise']);
    assert.deepEqual(values('visibility'), ['public', 'private']);
    assert.equal(values('note'), undefined);
    const findings = stringEnumFindings(db, [], memoryReader({ '/e/schema.ts': pgText }) as ReturnType<typeof overlayReader>);
    assert.deepEqual(
      findings.map((f) => f.message.slice(0, f.message.indexOf(' as free text'))),
      [
        'subscriptions.status holds one of "trialing", "active", "past_due", "canceled"',
        'subscriptions.plan holds one of "free", "pro", "enterprise"',
        'subscriptions.visibility holds one of "public", "private"',
      ],
    );
  });

  it('the Postgres fix replaces the builder and its enum option with the pgEnum; the file type-checks', () => {
    const out = fixed('/e/schema.ts', pgText, 'status');
    assert.ok(out.includes('export const subscriptionsStatusEnum = pgEnum("subscriptions_status", ["trialing", "active", "past_due", "canceled"]);'), out);
    assert.ok(out.includes('  status: subscriptionsStatusEnum("status").notNull().default("trialing"),\n'), out);
    const file = fixture('typed-unions/src/db/schema.ts');
    const { errors } = typeCheck(dir, new Map([[file, out]]));
    assert.deepEqual(errors.filter((e) => e.startsWith(file)), []);
  });

  it('SQLite: text({ enum }) is reported with its values, without a fix (no enum type to move to)', () => {
    const file = '/s/schema.ts';
    const text = `import { sqliteTable, integer, text } from "drizzle-orm/sqlite-core";
export const tasks = sqliteTable("tasks", {
  id: integer("id").primaryKey(),
  state: text("state", { enum: ["todo", "doing", "done"] }).notNull().default("todo"),
});
`;
    const [finding] = stringEnumFindings(analyzeText(file, text), [], memoryReader({ [file]: text }) as ReturnType<typeof overlayReader>);
    assert.match(finding.message, /^tasks\.state holds one of "todo", "doing", "done" as free text/);
    assert.deepEqual(finding.fixes, []);
  });
});
