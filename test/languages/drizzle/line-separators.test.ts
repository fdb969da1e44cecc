/**
 * LSP positions break lines at `\n`, `\r\n` and `\r` only; TypeScript's own line table also breaks at U+2028 and
 * U+2029. A U+2028/U+2029 inside a string literal of a schema must not move later findings nor the fixes' edits.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Database } from '../../../rules/model';
import { missingOnDelete } from '../../../rules/relations/missing-on-delete';
import type { FixIntent } from '../../../rules/types';
import { drizzleFrontEnd } from '../../../server/src/languages/drizzle';
import type { TextEdit, Unit } from '../../../server/src/languages/types';
import { runRule, span } from '../../helpers/code-model';
import { memoryReader, syntaxErrors, table } from './helpers';

const FILE = '/w/db/schema.ts';

/** Applies LSP edits to a text, lines broken at `\n`, `\r\n` and `\r` (written here independently of the server). */
function applyLspEdits(text: string, edits: readonly TextEdit[]): string {
  const starts = [0];
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '\r' && text[i + 1] === '\n') i++;
    if (c === '\n' || c === '\r') starts.push(i + 1);
  }
  const off = (p: { line: number; character: number }) => starts[p.line]! + p.character;
  const sorted = [...edits].sort((a, b) => off(b.range.start) - off(a.range.start) || off(b.range.end) - off(a.range.end));
  let out = text;
  for (const e of sorted) out = out.slice(0, off(e.range.start)) + e.newText + out.slice(off(e.range.end));
  return out;
}

function analyze(text: string): Database {
  const reader = memoryReader({ [FILE]: text });
  const unit: Unit = drizzleFrontEnd.discover([FILE], reader)[0] ?? { language: 'drizzle', id: 'drizzle:/w', files: [FILE] };
  return drizzleFrontEnd.analyze(unit, reader, { validation: true }).databases[0]!;
}

function fix(text: string, intent: (db: Database) => FixIntent): string {
  const edits = drizzleFrontEnd.writeFix(intent(analyze(text)), memoryReader({ [FILE]: text }));
  assert.ok(edits && edits.length === 1 && edits[0]!.file === FILE, 'one file edited');
  const out = applyLspEdits(text, edits[0]!.edits);
  assert.deepEqual(syntaxErrors(FILE, out), []);
  return out;
}

const LINES = [
  'import { pgTable, text, varchar } from "drizzle-orm/pg-core";',
  'export const users = pgTable("users", {',
  '  id: varchar("id").primaryKey(),',
  '  bio: text("bio").default("line one\u2028line two"),',
  '});',
  '/* posts \u2029 by users */',
  'export const posts = pgTable("posts", {',
  '  id: varchar("id").primaryKey(),',
  '  title: text("title").default("a\u2029b"),',
  '  userId: varchar("user_id").notNull().references(() => users.id),',
  '});',
  '',
];

for (const [name, eol] of [['LF', '\n'], ['CRLF', '\r\n'], ['CR', '\r']] as const) {
  describe(`drizzle front-end: U+2028/U+2029 in strings (${name} line ends)`, () => {
    const text = LINES.join(eol);
    const db = analyze(text);

    it('facts and findings keep their LSP positions', () => {
      const posts = table(db, 'posts');
      assert.equal(span(posts.nameLoc), '6:29-6:36');
      const fk = posts.foreignKeys[0];
      assert.ok(fk);
      assert.equal(span(fk.loc), '9:38-9:65');
      assert.equal(span(posts.columns.find((c) => c.name === 'userId')!.loc), '9:2-9:65');
      const findings = runRule(missingOnDelete, { codeFiles: [], databases: [db] });
      const onPosts = findings.filter((f) => f.loc.range.start.line === 9);
      assert.equal(onPosts.length, 1, findings.map((f) => `${span(f.loc)}`).join('; '));
      assert.equal(span(onPosts[0]!.loc), '9:38-9:65');
    });

    it('the onDelete fix edits the right line', () => {
      const out = fix(text, (d) => {
        const t = table(d, 'posts');
        return { kind: 'setOnDelete', database: d, table: t, foreignKey: t.foreignKeys[0]!, action: 'Cascade' };
      });
      assert.equal(out, text.replace('references(() => users.id)', 'references(() => users.id, { onDelete: "cascade" })'));
    });

    it('the index fix edits the right lines', () => {
      const out = fix(text, (d) => ({ kind: 'addIndex', database: d, table: table(d, 'posts'), columns: ['userId'] }));
      // (The writer's own lines end with `\n` whatever the file uses: compared line by line.)
      assert.deepEqual(out.split(/\r\n|\r|\n/), [
        'import { pgTable, text, varchar, index } from "drizzle-orm/pg-core";',
        ...LINES.slice(1, 10),
        '}, (table) => [',
        '  index("posts_user_id_idx").on(table.userId),',
        ']);',
        '',
      ]);
      const again = table(analyze(out), 'posts');
      assert.deepEqual(again.indexes.map((i) => i.columns), [['userId']]);
    });
  });
}
