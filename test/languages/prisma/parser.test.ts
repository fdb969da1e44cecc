import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { LineIndex, parsePrisma, tokenize, fieldRefs, attributeArg } from '../../../server/src/languages/prisma/parser';
import type { Span } from '../../../server/src/languages/prisma/parser';
import { FIXTURES, listFiles } from './helpers';

const text = (s: string, sp: Span) => s.slice(sp.start, sp.end);

const SCHEMA = `datasource db {
  provider = "postgresql"
  relationMode = "prisma"
}

/// A person.
model User {
  id    Int     @id @default(autoincrement())
  /// Their address
  email String? @unique @db.VarChar(255) // trailing
  posts Post[]

  @@map("users")
}
`;

test('blocks, properties, fields and attributes carry exact spans', () => {
  const ast = parsePrisma(SCHEMA);
  assert.deepEqual(ast.errors, []);
  assert.deepEqual(ast.blocks.map((b) => [b.kind, b.name, b.closed]), [['datasource', 'db', true], ['model', 'User', true]]);
  const [ds, user] = ast.blocks;
  assert.equal(text(SCHEMA, ds.properties[0].lineSpan), '  provider = "postgresql"');
  assert.deepEqual(ds.properties.map((p) => [p.key, p.value?.kind === 'string' ? p.value.value : '?']), [['provider', 'postgresql'], ['relationMode', 'prisma']]);
  assert.equal(user.doc, 'A person.');
  const email = user.fields[1];
  assert.equal(email.name, 'email');
  assert.equal(text(SCHEMA, email.type!.nameSpan), 'String');
  assert.equal(email.type!.optional, true);
  assert.equal(email.doc, 'Their address');
  assert.equal(email.trailingComment?.text, '// trailing');
  assert.equal(text(SCHEMA, email), 'email String? @unique @db.VarChar(255)');
  assert.deepEqual(email.attributes.map((a) => a.name), ['unique', 'db.VarChar']);
  assert.equal(text(SCHEMA, email.attributes[1]), '@db.VarChar(255)');
  assert.equal(user.fields[2].type!.list, true);
  assert.equal(user.attributes[0].name, 'map');
  assert.equal(text(SCHEMA, user.attributes[0]), '@@map("users")');
  const lines = new LineIndex(SCHEMA);
  assert.deepEqual(lines.range(email.type!.nameSpan), { start: { line: 9, character: 8 }, end: { line: 9, character: 14 } });
  assert.equal(ast.comments.length, 3);
  assert.equal(ast.comments.filter((c) => c.trailing).length, 1);
});

test('relation arguments, field lists with sort and multi-line arguments', () => {
  const s = `model Post {\n  id Int @id\n  a Int\n  u User @relation("x", fields: [a], references: [id], onDelete: Cascade)\n  @@index([a(sort: Desc), id], map: "ix")\n  @@unique(\n    fields: [a, id]\n  )\n}\n`;
  const ast = parsePrisma(s);
  assert.deepEqual(ast.errors, []);
  const post = ast.blocks[0];
  const rel = post.fields[2].attributes[0];
  assert.deepEqual(fieldRefs(attributeArg(rel, 'fields')?.value), ['a']);
  assert.equal(text(s, attributeArg(rel, 'onDelete')!.value!), 'Cascade');
  assert.equal(attributeArg(rel, 'name', 0)?.value?.kind, 'string');
  assert.deepEqual(fieldRefs(attributeArg(post.attributes[0], 'fields', 0)?.value), ['a', 'id']);
  assert.deepEqual(fieldRefs(attributeArg(post.attributes[1], 'fields', 0)?.value), ['a', 'id']);
});

test('half-typed files: unterminated block, missing type, stray tokens, unclosed parens', () => {
  const s = `model A {\n  id Int @id\n  name\n  x String @default("a\n  y Int @relation(fields: [\n  ###\nmodel B {\n  id Int @id\n}\nenum E { X\n`;
  const ast = parsePrisma(s);
  assert.deepEqual(ast.blocks.map((b) => [b.name, b.closed]), [['A', false], ['B', true], ['E', false]]);
  const a = ast.blocks[0];
  assert.deepEqual(a.fields.map((f) => [f.name, f.type?.name]), [['id', 'Int'], ['name', undefined], ['x', 'String'], ['y', 'Int']]);
  assert.ok(ast.errors.length >= 3);
  assert.ok(ast.errors.some((e) => /not closed/.test(e.message)));
});

test('tokenizer covers every character it does not skip and never stalls on odd input', () => {
  const s = '\u0000\uFEFFmodel 😀 "unterminated\n@@@ -1.5 ..//x\r\n';
  const tokens = tokenize(s);
  for (let i = 1; i < tokens.length; i++) assert.ok(tokens[i].start >= tokens[i - 1].end);
  assert.ok(tokens.some((t) => t.kind === 'unknown' && t.text === '😀'));
  assert.ok(tokens.some((t) => t.kind === 'comment' && t.text === '//x'));
});

/** Deterministic PRNG so a failure is reproducible. */
function rng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 0x100000000;
  };
}

test('fuzz: random cuts and deletions of every fixture parse without throwing', () => {
  const files = listFiles(FIXTURES).filter((f) => f.endsWith('.prisma'));
  assert.ok(files.length >= 8);
  const rand = rng(42);
  let runs = 0;
  for (const f of files) {
    const src = readFileSync(f, 'utf8');
    for (let i = 0; i < 150; i++) {
      let s: string;
      const mode = i % 3;
      if (mode === 0) s = src.slice(0, Math.floor(rand() * src.length));
      else if (mode === 1) {
        const a = Math.floor(rand() * src.length);
        s = src.slice(0, a) + src.slice(a + 1 + Math.floor(rand() * 20));
      } else {
        // delete random single bytes (of the UTF-8 encoding) and decode back: broken characters included
        const bytes = Buffer.from(src);
        const keep = bytes.filter(() => rand() > 0.05);
        s = Buffer.from(keep).toString('utf8');
      }
      const ast = parsePrisma(s);
      for (const b of ast.blocks) assert.ok(b.start <= b.end && b.end <= s.length);
      runs++;
    }
  }
  assert.equal(runs, files.length * 150);
});

test('a 10,000-line schema of junk and models parses to the end', () => {
  const chunk = 'model M{n} {\n  id Int @id\n  x String @db.Text // c\n  @@index([x])\n}\n}}} ((( [[[ @@ @ "\n';
  const big = Array.from({ length: 1500 }, (_, n) => chunk.replace('{n}', String(n))).join('');
  const ast = parsePrisma(big);
  assert.equal(ast.blocks.filter((b) => b.kind === 'model').length, 1500);
});

test('block comments are comments, as Prisma reads them: a model commented out with /* */ is no model', () => {
  const s = [
    '/* Generated by hand.',
    '   model Draft { id Int @id } */',
    'model User {',
    '  id    Int    @id /* the key */',
    '  /* email String */',
    '  name  String',
    '}',
    '',
    '/*',
    'model Invoice {',
    '  id     Int   @id',
    '  amount Float',
    '}',
    '*/',
    '',
  ].join('\n');
  const ast = parsePrisma(s);
  assert.deepEqual(ast.errors, []);
  assert.deepEqual(ast.blocks.map((b) => b.name), ['User']);
  assert.deepEqual(ast.blocks[0].fields.map((f) => f.name), ['id', 'name']);
  assert.equal(ast.blocks[0].fields[0].trailingComment?.text, '/* the key */');
  assert.deepEqual(ast.comments.map((c) => [c.text.slice(0, 8), c.trailing]), [['/* Gener', false], ['/* the k', true], ['/* email', false], ['/*\nmodel', false]]);
  // Unterminated, `/*` starts no comment (Prisma reports its line): the model after it stays a model.
  const open = parsePrisma('model A {\n  id Int @id\n}\n/*\nmodel B {\n  id Int @id\n}\n');
  assert.deepEqual(open.blocks.map((b) => b.name), ['A', 'B']);
  // Inside a line comment or a string, `/*` is text.
  const quoted = parsePrisma('// a /* b\nmodel A {\n  id Int @id\n  s String @default("/* x */")\n}\n// */\n');
  assert.deepEqual(quoted.blocks.map((b) => [b.name, b.fields.length]), [['A', 2]]);
});
