/**
 * Fixes keep a schema's imports tidy: a fix that replaces the last use of an imported builder drops it from the
 * import (an unused import fails `noUnusedLocals` and `@typescript-eslint/no-unused-vars`), alone or in a fix-all
 * pass with other fixes of the same file, and never drops a name still used elsewhere.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as ts from 'typescript';
import { rules } from '../../../rules';
import { runRules, type Finding } from '../../../server/src/engine';
import { collectFixAll } from '../../../server/src/fixes';
import { drizzleFrontEnd } from '../../../server/src/languages/drizzle';
import type { SourceReader } from '../../../server/src/languages/types';
import { applyFileEdits, applyTextEdits, fixture, memoryReader, onlyDatabase, overlayReader, syntaxErrors, typeCheck } from './helpers';

type Reader = ReturnType<typeof overlayReader>;

function review(dir: string, reader: Reader): Finding[] {
  const { db, analysis } = onlyDatabase(dir, reader);
  const errors: unknown[] = [];
  const result = runRules(
    { databases: [db], codeFiles: [], suppressions: analysis.suppressions },
    { rules, writeFix: (intent) => drizzleFrontEnd.writeFix(intent, reader), onError: (_m, e) => errors.push(e) },
  );
  assert.deepEqual(errors, []);
  return result.findings;
}

/** The CLI's `--fix=unsafe`: non-overlapping fixes applied together, review again, at most 10 passes. */
function fixAll(dir: string, reader: Reader): { passes: number; left: Finding[] } {
  for (let pass = 0; pass < 10; pass++) {
    const edits = collectFixAll(review(dir, reader), true);
    if (!edits.length) return { passes: pass, left: review(dir, reader) };
    applyFileEdits(reader, edits);
  }
  return { passes: 10, left: review(dir, reader) };
}

/** Fix-all on a one-file schema held in memory; the fixed text. */
function fixAllText(file: string, text: string): string {
  let current = text;
  for (let pass = 0; pass < 10; pass++) {
    const reader = memoryReader({ [file]: current });
    const analysis = drizzleFrontEnd.analyze(drizzleFrontEnd.discover([file], reader)[0], reader, { validation: true });
    const findings = runRules(
      { databases: analysis.databases, codeFiles: [], suppressions: analysis.suppressions },
      { rules, writeFix: (intent) => drizzleFrontEnd.writeFix(intent, reader) },
    ).findings;
    const edits = collectFixAll(findings, true);
    if (!edits.length) return current;
    current = applyTextEdits(current, edits.flatMap((e) => e.edits));
    assert.deepEqual(syntaxErrors(file, current), [], current);
  }
  return current;
}

/** The imported names of `module` in `text`, from the syntax tree. */
function importedNames(text: string, module: string): string[] {
  const sf = ts.createSourceFile('x.ts', text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
  const names: string[] = [];
  for (const s of sf.statements) {
    if (!ts.isImportDeclaration(s) || !ts.isStringLiteral(s.moduleSpecifier) || s.moduleSpecifier.text !== module) continue;
    const b = s.importClause?.namedBindings;
    if (b && ts.isNamedImports(b)) for (const e of b.elements) names.push(e.name.text);
  }
  return names;
}

/** Writes one fix of `rule` (at the given 1-based line) on a one-file schema, alone. */
function fixAlone(file: string, text: string, rule: string, line?: number): string {
  const reader = memoryReader({ [file]: text });
  const units = drizzleFrontEnd.discover([file], reader);
  const analysis = drizzleFrontEnd.analyze(units[0], reader, { validation: true });
  const findings = runRules(
    { databases: analysis.databases, codeFiles: [], suppressions: analysis.suppressions },
    { rules, writeFix: (intent) => drizzleFrontEnd.writeFix(intent, reader as SourceReader) },
  ).findings;
  const finding = findings.find((f) => f.rule === rule && (line === undefined || f.range.start.line + 1 === line) && f.fixes.length > 0);
  assert.ok(finding, `${rule} at ${line}: ${findings.map((f) => `${f.rule}@${f.range.start.line + 1}`).join(', ')}`);
  const out = applyTextEdits(text, finding.fixes[0].edits.flatMap((e) => e.edits));
  assert.deepEqual(syntaxErrors(file, out), [], out);
  return out;
}

describe('drizzle fixes keep the imports tidy', () => {
  it('fix-all: real, doublePrecision and varchar replaced everywhere leave no unused or duplicate import, and the project type-checks', () => {
    const dir = fixture('money-imports');
    const file = fixture('money-imports/src/db/schema.ts');
    const reader = overlayReader();
    const { left } = fixAll(dir, reader);
    assert.deepEqual(
      left.map((f) => f.rule),
      [],
    );
    const text = reader.overlay.get(file)!;
    assert.deepEqual(syntaxErrors(file, text), []);
    const names = importedNames(text, 'drizzle-orm/pg-core');
    assert.deepEqual(names.filter((n, i) => names.indexOf(n) !== i), [], `no duplicate: ${names}`);
    for (const gone of ['real', 'doublePrecision', 'varchar']) assert.ok(!names.includes(gone), `${gone} dropped: ${names}`);
    for (const kept of ['text', 'serial', 'timestamp', 'index', 'numeric', 'pgEnum']) assert.ok(names.includes(kept), `${kept} kept: ${names}`);
    // The fixture's tsconfig has noUnusedLocals: an import left behind is an error here.
    const before = typeCheck(dir);
    assert.deepEqual(before.errors, []);
    assert.deepEqual(typeCheck(dir, reader.overlay, before.program).errors, []);
  });

  it('one fix alone: the last use drops the import, an earlier one keeps it', () => {
    const file = '/w/src/db/schema.ts';
    const src = `import { pgTable, serial, real, integer } from "drizzle-orm/pg-core";

export const wallets = pgTable("wallets", {
  id: serial("id").primaryKey(),
  balance: real("balance").notNull(),
  fee: real("fee"),
  version: integer("version").notNull(),
});
`;
    const first = fixAlone(file, src, 'float-for-money', 5);
    assert.deepEqual(importedNames(first, 'drizzle-orm/pg-core'), ['pgTable', 'serial', 'real', 'integer', 'numeric']);
    const second = fixAlone(file, first, 'float-for-money', 6);
    assert.deepEqual(importedNames(second, 'drizzle-orm/pg-core'), ['pgTable', 'serial', 'integer', 'numeric']);
    // The last use first: it holds the other one (a no-op edit) and keeps the import.
    const lastFirst = fixAlone(file, src, 'float-for-money', 6);
    assert.deepEqual(importedNames(lastFirst, 'drizzle-orm/pg-core'), ['pgTable', 'serial', 'real', 'integer', 'numeric']);
    assert.match(lastFirst, /balance: real\("balance"\)\.notNull\(\),\n  fee: numeric\("fee"/);
  });

  it('an aliased builder (real as float4) last in the import is replaced, not left unused', () => {
    const file = '/w/src/db/schema.ts';
    const src = `import { pgTable, serial, real as float4 } from "drizzle-orm/pg-core";

export const ledger = pgTable("ledger", {
  id: serial("id").primaryKey(),
  amount: float4("amount").notNull(),
});
`;
    const out = fixAlone(file, src, 'float-for-money', 5);
    assert.deepEqual(importedNames(out, 'drizzle-orm/pg-core'), ['pgTable', 'serial', 'numeric']);
    assert.match(out, /amount: numeric\("amount"/);
  });

  it('a name still used in a type position or by another column is kept', () => {
    const file = '/w/src/db/schema.ts';
    const src = `import { pgTable, serial, real } from "drizzle-orm/pg-core";

export type FloatBuilder = ReturnType<typeof real>;

export const quotes = pgTable("quotes", {
  id: serial("id").primaryKey(),
  price: real("price").notNull(),
});
`;
    const out = fixAlone(file, src, 'float-for-money', 7);
    assert.deepEqual(importedNames(out, 'drizzle-orm/pg-core'), ['pgTable', 'serial', 'real', 'numeric']);
    assert.match(out, /typeof real>/);
  });

  it('a namespace import has nothing to remove: fix-all writes p.numeric and p.pgEnum', () => {
    const file = '/w/src/db/schema.ts';
    const src = `import * as p from "drizzle-orm/pg-core";

export const invoices = p.pgTable("invoices", {
  id: p.serial("id").primaryKey(),
  amount: p.real("amount").notNull(),
  total: p.real("total").notNull(),
  state: p.text("state").notNull(), // "draft" | "sent" | "paid"
});
`;
    const out1 = fixAlone(file, src, 'float-for-money', 5);
    const out2 = fixAlone(file, out1, 'float-for-money', 6);
    const out3 = fixAlone(file, out2, 'string-enum');
    assert.match(out3, /^import \* as p from "drizzle-orm\/pg-core";\n/);
    assert.match(out3, /amount: p\.numeric\("amount"/);
    assert.match(out3, /export const invoicesStateEnum = p\.pgEnum\("invoices_state", \["draft", "sent", "paid"\]\);/);
  });

  it('fix-all dropping two redundant uniqueIndex entries drops the uniqueIndex import', () => {
    const out = fixAllText(
      '/w/src/db/schema.ts',
      `import { pgTable, serial, text, uniqueIndex, unique } from "drizzle-orm/pg-core";

export const users = pgTable("users", {
  id: serial("id").primaryKey(),
  email: text("email").notNull(),
  handle: text("handle").notNull(),
}, (t) => [
  unique("users_email_key").on(t.email),
  unique("users_handle_key").on(t.handle),
  uniqueIndex("users_email_uidx").on(t.email),
  uniqueIndex("users_handle_uidx").on(t.handle),
]);
`,
    );
    assert.deepEqual(importedNames(out, 'drizzle-orm/pg-core'), ['pgTable', 'serial', 'text', 'unique']);
    assert.doesNotMatch(out, /uniqueIndex\(/);
  });

  it('fix-all on MySQL: double and float money columns become decimal, varchar enums mysqlEnum, with no import left over', () => {
    const out = fixAllText(
      '/w/src/db/schema.ts',
      `import { mysqlTable, int, varchar, double, float } from "drizzle-orm/mysql-core";

export const customers = mysqlTable("customers", {
  id: int("id").autoincrement().primaryKey(),
  tier: varchar("tier", { length: 16 }).notNull().default("basic"), // "basic" | "gold"
  walletBalance: double("wallet_balance").notNull().default(0),
});

export const orders = mysqlTable("orders", {
  id: int("id").autoincrement().primaryKey(),
  total: double("total").notNull(),
  shippingFee: float("shipping_fee"),
  status: varchar("status", { length: 20 }).notNull(), // "pending" | "paid"
});
`,
    );
    assert.deepEqual(importedNames(out, 'drizzle-orm/mysql-core').sort(), ['decimal', 'int', 'mysqlEnum', 'mysqlTable']);
  });
});
