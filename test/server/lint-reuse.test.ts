/**
 * With Prisma's validation on, an edit inside a comment does not run Prisma's validation again: what Prisma said of
 * the text before still holds. These tests check that it does hold (the diagnostics equal those of a fresh review
 * that validates), and that every other edit is validated again.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { Reviewer } from '../../server/src/review';
import { initFrontEnds } from '../../server/src/languages';
import { withFreshParses } from '../../server/src/languages/prisma/analyze';
import { parsePrisma } from '../../server/src/languages/prisma/parser';
import { lint, type SchemaFiles, type WasmMajor } from '../../server/src/languages/prisma/wasm';
import { FIXTURES } from '../languages/prisma/helpers';
import { editedWorkspace, writeFiles } from '../helpers/workspace';

/** A schema Prisma has things to say about (an unknown type, a relation without its back side), with comments around. */
const BROKEN = `// Orders and their lines.
datasource db {
  provider = "postgresql" // the production database
  url      = env("DATABASE_URL")
}

/// A customer's order.
model Order {
  id    Int         @id // surrogate key
  lines OrderLine[]
  total Money // no such type
}

// Lines are deleted with their order.
model OrderLine {
  id      Int   @id
  order   Order @relation(fields: [orderId], references: [id])
  orderId Int
  product Product // no such model
}
`;

/** The edited workspace of `editedWorkspace`, validating through a runner that counts its calls. */
function validatedWorkspace(root: string, file: string) {
  const { reader, edit, text, server } = editedWorkspace(root, file);
  let lints = 0;
  const lintAsync = async (files: SchemaFiles, major: WasmMajor) => {
    lints++;
    return lint(files, major);
  };
  return {
    get lints(): number {
      return lints;
    },
    text,
    edit,
    review: () => server.reviewAsync({ validation: true, lintAsync }),
    fresh: () => withFreshParses(() => new Reviewer(root, reader).review({ validation: true })),
  };
}

const view = (r: { findings: unknown; diagnostics: unknown }) => JSON.stringify({ findings: r.findings, diagnostics: r.diagnostics });

const CASES = [
  { name: 'a schema with validation errors', root: () => writeFiles({ 'prisma/schema.prisma': BROKEN }), file: 'prisma/schema.prisma' },
  { name: 'event-qa', root: () => `${FIXTURES}/event-qa`, file: 'prisma/schema.prisma' },
  { name: 'learning-platform', root: () => `${FIXTURES}/learning-platform`, file: 'prisma/schema.prisma' },
  {
    // A schema in several files, commented here: the other files are unchanged and stay validated with it.
    name: 'multi-file',
    root: () =>
      writeFiles(
        Object.fromEntries(
          ['schema.prisma', 'user.prisma', 'post.prisma'].map((f) => {
            const text = readFileSync(`${FIXTURES}/multi-file/prisma/schema/${f}`, 'utf8');
            return [`prisma/schema/${f}`, `// ${f}: part of the blog schema\n/// kept in its own file\n${text.replace('\n', ' // first line\n')}`];
          }),
        ),
      ),
    file: 'prisma/schema/post.prisma',
  },
];

test('an edit inside a comment keeps what Prisma said, and it equals a fresh validation', async () => {
  await initFrontEnds();
  let skipped = 0;
  let reused = 0;
  for (const c of CASES) {
    const root = c.root();
    const w = validatedWorkspace(root, `${root}/${c.file}`);
    const first = await w.review();
    assert.equal(w.lints, 1, `${c.name}: the first review validates`);
    assert.ok(first.files.length >= 1, `${c.name}: the schema was reviewed`);
    assert.equal(view(first), view(w.fresh()), `${c.name}: first review`);
    if (c.name.startsWith('a schema with')) assert.ok(first.diagnostics.some((d) => d.source === 'prisma'), 'Prisma reports the broken schema');
    const count = parsePrisma(w.text()).comments.length;
    assert.ok(count >= 3, `${c.name} has comments to edit`);
    for (let i = 0; i < count; i++) {
      // Type inside the comment's text, then delete a character of it: neither is a new validation.
      for (const edit of ['type', 'delete']) {
        const comment = parsePrisma(w.text()).comments[i];
        const body = comment.start + (comment.doc ? 3 : 2);
        const at = body + Math.floor((comment.end - body) / 2);
        const next = (t: string) => (edit === 'type' ? t.slice(0, at) + 'é x' + t.slice(at) : comment.end > body ? t.slice(0, body) + t.slice(body + 1) : t);
        const before: number = w.lints;
        w.edit(next(w.text()));
        const result = await w.review();
        assert.equal(view(result), view(w.fresh()), `${c.name}, comment ${i}`);
        const line = w.text().slice(0, at).split('\n').length - 1;
        const prismaSaidSomethingThere = result.diagnostics.some((d) => d.source === 'prisma' && d.range.start.line <= line && d.range.end.line >= line);
        if (prismaSaidSomethingThere) skipped++;
        else {
          assert.equal(w.lints, before, `${c.name}, comment ${i}: validated again after an edit inside a comment`);
          reused++;
        }
      }
    }
  }
  // The broken schema's `// no such type` comment shares its line with an error: that one is validated again.
  assert.ok(skipped > 0);
  assert.ok(reused >= 30, `only ${reused} edits kept Prisma's answer`);
});

test('every other edit is validated again: a line break or slash typed in a comment, code, a comment made or removed', async () => {
  await initFrontEnds();
  const root = writeFiles({ 'prisma/schema.prisma': BROKEN });
  const w = validatedWorkspace(root, `${root}/prisma/schema.prisma`);
  await w.review();
  const at = (needle: string, offset = 0) => w.text().indexOf(needle) + offset;
  const edits: [string, (t: string) => string][] = [
    ['a line break inside a comment', (t) => t.slice(0, at('Lines are', 5)) + '\n' + t.slice(at('Lines are', 5))],
    ['a comment that loses a slash', (t) => t.slice(0, at('// Orders')) + t.slice(at('// Orders') + 1)],
    ['a doc comment that loses its third slash', (t) => t.slice(0, at('/// A customer', 2)) + t.slice(at('/// A customer', 3))],
    ['a field renamed', (t) => t.replace('orderId Int', 'orderKey Int')],
    ['code commented out', (t) => t.replace('  product Product', '  // product Product')],
    ['a comment turned back into code', (t) => t.replace('  // product Product', '  product Product')],
    ['text typed after a comment on the next line', (t) => t.replace('model OrderLine {', 'model OrderLine { x')],
  ];
  for (const [what, next] of edits) {
    const before: number = w.lints;
    w.edit(next(w.text()));
    const result = await w.review();
    assert.equal(w.lints, before + 1, `${what}: validated again`);
    assert.equal(view(result), view(w.fresh()), what);
  }
});
