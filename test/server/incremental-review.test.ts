/**
 * The language server reviews again after each keystroke, reusing what did not change: the incremental parse,
 * the tables of unchanged models, and per-table rule findings. After every edit its findings and diagnostics
 * must equal a fresh review of the same texts. Edits are random keystrokes plus the edits users make to a
 * schema: applying a fix, renaming a model or a field, typing a comment, adding and removing lines.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Reviewer } from '../../server/src/review';
import { initFrontEnds } from '../../server/src/languages';
import { withFreshParses } from '../../server/src/languages/prisma/analyze';
import { mulberry32 } from '../helpers/prng';
import { applyEdits, FIXTURES } from '../languages/prisma/helpers';
import { editedWorkspace } from '../helpers/workspace';

const WORKSPACES: { root: string; file: string }[] = [
  { root: `${FIXTURES}/event-qa`, file: `${FIXTURES}/event-qa/prisma/schema.prisma` },
  { root: `${FIXTURES}/learning-platform`, file: `${FIXTURES}/learning-platform/prisma/schema.prisma` },
  { root: `${FIXTURES}/mysql-shop`, file: `${FIXTURES}/mysql-shop/db/shop.prisma` },
  { root: `${FIXTURES}/multi-file`, file: `${FIXTURES}/multi-file/prisma/schema/post.prisma` },
];

const KEYS = ['x', 'Id', ' ', '\n', '{', '}', '"', '//', '?', '@', ')', 'é'];

/** One edit a user might make: a keystroke, a deletion, a rename, a line, or one of the offered fixes. */
function nextText(text: string, random: () => number, fixes: { newText: string; apply: (t: string) => string }[]): string {
  const r = random();
  const at = Math.floor(random() * (text.length + 1));
  if (r < 0.3) return text.slice(0, at) + KEYS[Math.floor(random() * KEYS.length)] + text.slice(at);
  if (r < 0.5) return text.slice(0, at) + text.slice(at + 1);
  if (r < 0.6 && fixes.length) return fixes[Math.floor(random() * fixes.length)].apply(text);
  if (r < 0.7) {
    // Rename the model or field at a random place by one letter.
    const word = /\b[A-Za-z]\w*/g;
    const words = [...text.matchAll(word)];
    const w = words[Math.floor(random() * words.length)];
    if (w?.index !== undefined) return text.slice(0, w.index + w[0].length) + 'Z' + text.slice(w.index + w[0].length);
  }
  if (r < 0.75) {
    // Change what other tables see of a model: its key's type, whether it has one, its database name.
    const swaps: [RegExp, string][] = [
      [/Int(\s+)@id/, 'String$1@id'],
      [/String(\s+)@id/, 'Int$1@id'],
      [/ @id\b/, ''],
      [/\n}/, '\n  @@map("renamed")\n}'],
    ];
    const [from, to] = swaps[Math.floor(random() * swaps.length)];
    const starts = [...text.matchAll(new RegExp(from.source, 'g'))].map((m) => m.index ?? 0);
    const start = starts[Math.floor(random() * starts.length)];
    if (start !== undefined) return text.slice(0, start) + text.slice(start).replace(from, to);
  }
  if (r < 0.8) {
    const lineStart = text.lastIndexOf('\n', at - 1) + 1;
    return text.slice(0, lineStart) + '  // a note\n' + text.slice(lineStart);
  }
  if (r < 0.9) {
    const lineStart = text.lastIndexOf('\n', at - 1) + 1;
    const lineEnd = text.indexOf('\n', at);
    return lineEnd < 0 ? text.slice(0, lineStart) : text.slice(0, lineStart) + text.slice(lineEnd + 1);
  }
  return text.slice(0, at) + ' // typed' + text.slice(at);
}

const view = (r: ReturnType<Reviewer['review']>) => JSON.stringify({ findings: r.findings, diagnostics: r.diagnostics });

test('after every edit, the server-side incremental review equals a fresh review', async () => {
  await initFrontEnds();
  let reused = 0;
  for (const [i, { root, file }] of WORKSPACES.entries()) {
    for (let run = 0; run < 3; run++) {
      const random = mulberry32(7919 * i + run);
      const { reader, server, edit } = editedWorkspace(root, file);
      let text = readFileSync(file, 'utf8');
      // With Prisma's validation: an edit inside a comment keeps its previous answer, which must stay right.
      let result = server.review({ validation: true });
      for (let k = 0; k < 40; k++) {
        const fixes = result.findings
          .filter((f) => f.file === file)
          .flatMap((f) => f.fixes)
          .filter((fix) => fix.edits.every((e) => e.file === file && !e.create))
          .map((fix) => ({ newText: fix.title, apply: (t: string) => applyEdits(t, fix.edits.flatMap((e) => e.edits)) }));
        const before = new Set(result.findings);
        text = nextText(text, random, fixes);
        edit(text);
        result = server.review({ validation: true });
        reused += result.findings.filter((f) => before.has(f)).length;
        // A fresh parse: new blocks, so new tables, judged by a reviewer without per-table results.
        const fresh = withFreshParses(() => new Reviewer(root, reader).review({ validation: true }));
        assert.equal(view(result), view(fresh), `${file}, run ${run}, edit ${k}`);
      }
    }
  }
  // Findings of unchanged models are the same objects from one review to the next.
  assert.ok(reused > 100, `only ${reused} findings were reused`);
});

/**
 * A Prisma schema reviewed incrementally (as the language server reviews it) on a temporary root. `edit` replaces
 * `from` by `to`, reviews again, and checks the result equals a fresh review of the new text.
 */
function incrementalSchema(initial: string) {
  const root = mkdtempSync(join(tmpdir(), 'incremental-')).replace(/\\/g, '/');
  const file = `${root}/prisma/schema.prisma`;
  mkdirSync(`${root}/prisma`);
  let text = initial;
  writeFileSync(file, text);
  const reader = { read: (p: string) => (p === file ? text : undefined) };
  const server = new Reviewer(root, reader);
  server.trackChanges();
  return {
    first: () => server.review({}),
    edit(from: string, to: string) {
      assert.ok(text.includes(from), from);
      text = text.replace(from, to);
      server.noteChanged([file]);
      const result = server.review({});
      const fresh = withFreshParses(() => new Reviewer(root, reader).review({}));
      assert.equal(view(result), view(fresh), `after ${JSON.stringify(to)}`);
      return result;
    },
  };
}

test('findings that read other models follow them: a moved name, a changed key type, a new reference', async () => {
  await initFrontEnds();
  const schema = incrementalSchema(`datasource db {
  provider = "postgresql"
  url      = env("DATABASE_URL")
}

model Comment {
  id       Int    @id
  authorId Int
  post     Post   @relation(fields: [postId], references: [id])
  postId   Int
}

model Filler {
  id   Int    @id
  note String
}

model Post {
  id    Int       @id
  body  String
  comments Comment[]
}

model Author {
  id   Int    @id
  name String
}

model posts_backup {
  id   Int    @id
  body String
}
`);
  const edits: [string, string][] = [
    // A line inside Filler moves Post's and Author's names: Comment's findings point at them.
    ['  note String\n', '  note String\n  more String\n'],
    // Author's key becomes a string: Comment.authorId no longer looks like a reference to it.
    ['model Author {\n  id   Int', 'model Author {\n  id   String'],
    ['model Author {\n  id   String', 'model Author {\n  id   Int'],
    // Filler starts referencing posts_backup: it is no longer a leftover nobody uses.
    ['  note String\n', '  note String\n  backup posts_backup @relation(fields: [backupId], references: [id])\n  backupId Int\n'],
    // Post gets a database name.
    ['  comments Comment[]\n', '  comments Comment[]\n  @@map("posts")\n'],
    ['  more String\n', ''],
  ];
  const rulesSeen = new Set(schema.first().findings.map((f) => f.rule));
  assert.ok(rulesSeen.has('missing-foreign-key') && rulesSeen.has('missing-on-delete') && rulesSeen.has('backup-table'), [...rulesSeen].join(', '));
  for (const [from, to] of edits) schema.edit(from, to);
});

test('missing-on-delete follows the actions of other models\' relations (SQL Server cascade paths)', async () => {
  await initFrontEnds();
  const schema = incrementalSchema(`datasource db {
  provider = "sqlserver"
  url      = env("DATABASE_URL")
}

model A {
  id Int @id
  bs B[]
  cs C[]
}

model B {
  id  Int @id
  aId Int
  a   A   @relation(fields: [aId], references: [id], onDelete: Cascade, onUpdate: NoAction)
  ds  D[]
}

model C {
  id  Int @id
  aId Int
  a   A   @relation(fields: [aId], references: [id], onUpdate: NoAction)
  ds  D[]
}

model D {
  id  Int @id
  bId Int
  b   B   @relation(fields: [bId], references: [id], onDelete: Cascade, onUpdate: NoAction)
  cId Int
  c   C   @relation(fields: [cId], references: [id], onUpdate: NoAction)
}
`);
  const actionsOf = (r: ReturnType<Reviewer['review']>) =>
    r.findings.filter((f) => f.rule === 'missing-on-delete').map((f) => f.fixes.map((x) => x.title.replace(/^Set onDelete: (\w+).*$/, '$1')).join(','));
  const result = schema.first();
  // A → B → D cascades. Cascade on C.a or on D.c alone is fine, both would open a second path from A to D: fix-all
  // keeps NoAction first.
  assert.deepEqual(actionsOf(result), ['NoAction,Cascade', 'NoAction,Cascade']);
  const bCascades = 'references: [id], onDelete: Cascade, onUpdate: NoAction)\n  ds  D[]';
  const bKeeps = 'references: [id], onDelete: NoAction, onUpdate: NoAction)\n  ds  D[]';
  const edits: [string, string, string[]][] = [
    // B (another model) no longer cascades from A: C.a and D.c may both cascade.
    [bCascades, bKeeps, ['Cascade,NoAction', 'Cascade,NoAction']],
    [bKeeps, bCascades, ['NoAction,Cascade', 'NoAction,Cascade']],
    // C.a cascades: Cascade on D.c would be a second path from A to D.
    ['a   A   @relation(fields: [aId], references: [id], onUpdate: NoAction)\n  ds  D[]', 'a   A   @relation(fields: [aId], references: [id], onDelete: Cascade, onUpdate: NoAction)\n  ds  D[]', ['NoAction']],
    [bCascades, bKeeps, ['Cascade,NoAction']],
  ];
  for (const [from, to, expected] of edits) assert.deepEqual(actionsOf(schema.edit(from, to)), expected, `after ${JSON.stringify(to)}`);
});

test('SQL migrations and Drizzle schemas too: after every edit the server-side review equals a fresh one', async () => {
  await initFrontEnds();
  // Fixes that add a migration are named by the clock: the same clock for both reviews.
  const RealDate = Date;
  const fixed = RealDate.UTC(2026, 0, 2, 3, 4, 5);
  class FixedDate extends RealDate {
    constructor(...args: unknown[]) {
      if (args.length === 0) super(fixed);
      else super(...(args as [number]));
    }
    static override now() {
      return fixed;
    }
  }
  globalThis.Date = FixedDate as DateConstructor;
  try {
    const fixtures = resolve(FIXTURES, '..').replace(/\\/g, '/');
    const cases = [
      { root: `${fixtures}/sql/supabase-app`, file: `${fixtures}/sql/supabase-app/supabase/migrations/20240115093000_payments_and_audit.sql` },
      { root: `${fixtures}/drizzle/trading-bot`, file: `${fixtures}/drizzle/trading-bot/shared/schema.ts` },
    ];
    for (const [i, { root, file }] of cases.entries()) {
      const random = mulberry32(4243 + i);
      const { reader, server, edit } = editedWorkspace(root, file);
      let text = readFileSync(file, 'utf8');
      let result = server.review({});
      assert.ok(result.findings.length > 5, `${file}: ${result.findings.length} findings`);
      for (let k = 0; k < 25; k++) {
        text = nextText(text, random, []);
        edit(text);
        result = server.review({});
        const fresh = new Reviewer(root, reader).review({});
        // A fix that adds a migration takes the next free version in the order fixes are written, which differs
        // between the two; the versions of one review stay distinct either way.
        const versionless = (r: ReturnType<Reviewer['review']>) => view(r).replace(/\/\d{14}_/g, '/<version>_');
        assert.equal(versionless(result), versionless(fresh), `${file}, edit ${k}`);
      }
    }
  } finally {
    globalThis.Date = RealDate;
  }
});
