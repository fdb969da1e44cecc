/**
 * The Drizzle front-end under the real engine and rule registry: the seed-002 findings appear at the
 * right places, and every fix the rules offer is written, re-parses, and removes its finding.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { rules } from '../../../rules';
import { runRules, type Finding } from '../../../server/src/engine';
import { drizzleFrontEnd } from '../../../server/src/languages/drizzle';
import { applyFileEdits, fixture, onlyDatabase, overlayReader, rangeOfText, syntaxErrors } from './helpers';

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

const count = (findings: Finding[], rule: string) => findings.filter((f) => f.rule === rule).length;

describe('drizzle + rules: trading bot (seed 002)', () => {
  const dir = fixture('trading-bot');
  const schema = fixture('trading-bot/shared/schema.ts');

  it('reports every foreign key without onDelete (one suppressed) and every unindexed one', () => {
    const findings = review(dir, overlayReader());
    assert.equal(count(findings, 'missing-on-delete'), 25);
    assert.equal(count(findings, 'unindexed-foreign-key'), 23);
    const text = overlayReader().read(schema)!;
    const trades = findings.find((f) => f.rule === 'missing-on-delete' && f.message.includes('trades') && f.range.start.line === rangeOfText(text, 'orderId: varchar("order_id").references').start.line);
    assert.ok(trades, 'trades.orderId is reported');
    assert.deepEqual(trades.range, rangeOfText(text, '.references(() => orders.id)', 0, 'orderId: varchar("order_id").references'));
    const where = (rule: string) => findings.filter((f) => f.rule === rule).map((f) => f.range.start.line + 1);
    assert.ok(where('json-in-string').includes(rangeOfText(text, 'metadata: text("metadata")').start.line + 1));
    assert.ok(where('float-for-money').includes(rangeOfText(text, 'price: real("price")', 1).start.line + 1));
    assert.ok(where('string-enum').includes(rangeOfText(text, 'status: text("status").notNull().default("idle")').start.line + 1));
  });

  it('every offered fix is written and re-parses', () => {
    const reader = overlayReader();
    const findings = review(dir, reader);
    let fixes = 0;
    for (const f of findings) {
      for (const fix of f.fixes) {
        for (const fe of fix.edits) {
          const copy = overlayReader();
          applyFileEdits(copy, [fe]);
          assert.deepEqual(syntaxErrors(fe.file, copy.overlay.get(fe.file)!), [], `${f.rule}: ${fix.title}`);
          fixes++;
        }
      }
    }
    assert.ok(fixes >= 25 * 2 + 23, `fixes written: ${fixes}`);
    assert.ok(findings.filter((f) => f.rule === 'missing-on-delete' || f.rule === 'unindexed-foreign-key').every((f) => f.fixes.length > 0));
  });

  it('applying the first fix of a finding removes it', () => {
    for (const rule of ['missing-on-delete', 'unindexed-foreign-key', 'json-in-string', 'float-for-money', 'string-enum']) {
      const reader = overlayReader();
      const before = review(dir, reader);
      const finding = before.find((f) => f.rule === rule && f.fixes.length > 0);
      assert.ok(finding, rule);
      applyFileEdits(reader, finding.fixes[0].edits);
      const after = review(dir, reader);
      assert.equal(count(after, rule), count(before, rule) - 1, `${rule}: ${finding.fixes[0].title}`);
    }
  });
});

describe('drizzle + rules: dialects', () => {
  it('mysql: no unindexed-foreign-key (InnoDB indexes foreign keys)', () => {
    const findings = review(fixture('mysql-shop'), overlayReader());
    assert.equal(count(findings, 'unindexed-foreign-key'), 0);
    assert.equal(count(findings, 'missing-on-delete'), 2);
  });

  it('sqlite and the schema folder: foreign keys across files', () => {
    assert.equal(count(review(fixture('sqlite-notes'), overlayReader()), 'unindexed-foreign-key'), 2);
    const folder = review(fixture('schema-folder'), overlayReader());
    assert.equal(count(folder, 'unindexed-foreign-key'), 6); // 5 foreign keys + the relations()-only notes.accountId
    const linkOnly = folder.filter((f) => f.rule === 'unindexed-foreign-key' && f.message.includes('declared with relations()'));
    assert.equal(linkOnly.length, 1);
    // No constraint, so nothing runs on delete: the index serves the relational queries and filters only.
    assert.doesNotMatch(linkOnly[0].message, /delete|emulate|Foreign key/);
    assert.ok(folder.some((f) => f.rule === 'missing-on-delete' && f.file.endsWith('/exchanges.ts')));
  });
});
