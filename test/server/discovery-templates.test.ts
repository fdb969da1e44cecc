/**
 * Discovery's check of an edit (server/src/project/discoveryInputs.ts) inside a multi-line template literal: a brace
 * typed in a `${…}` hole, or a `$` that makes `${` of a template's text, changes how the rest of the file lexes, so a
 * `require('./db')` further down becomes or stops being code, though the edited lines hold no word discovery keys on.
 * The units are made again then, and only then: a brace typed in an ordinary function body does not lex the file.
 */
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { Reviewer, type ReviewResult } from '../../server/src/review';
import { initFrontEnds } from '../../server/src/languages';
import { DiskReader } from '../../server/src/project/files';
import { codeKey, discoveryInputChanged, type SeenText } from '../../server/src/project/discoveryInputs';
import { writeFiles } from '../helpers/workspace';

/** A report whose label is a template with a hole over several lines; the Prisma client comes from a require below. */
const REPORT = `const label = \`orders \${
  period === 'week'
    ? 'of the week'
    : 'of the month'
}
by status,
newest first\`;

const { prisma } = require('./db');

async function closeOrders(ids) {
  await prisma.order.updateMany({ where: { id: { in: ids } }, data: { closed: true } });
  await prisma.auditLog.create({ data: { action: label } });
}

module.exports = { closeOrders };
`;

/** A template whose text runs over several lines, a `$` in it far from its backticks. */
const NOTE = `const note = \`Orders
of the week
are listed here: $
  the closed ones first,
  then the open ones.
\`;

const { prisma } = require('./db');
`;

const FILE = '/w/src/report.js';

describe('discoveryInputChanged: edits inside multi-line template literals', () => {
  it('a brace typed in a multi-line hole hides the require below it: changed', () => {
    const edited = REPORT.replace("? 'of the week'", "? { 'of the week'");
    assert.equal(discoveryInputChanged(FILE, { text: REPORT }, edited), true);
  });

  it('the brace removed again: the require is code again, changed', () => {
    const braced = REPORT.replace("? 'of the week'", "? { 'of the week'");
    assert.equal(discoveryInputChanged(FILE, { text: braced }, REPORT), true);
  });

  it('the brace that closes the hole deleted: the template\'s text is code, its backtick opens one: changed', () => {
    const edited = REPORT.replace("'of the month'\n}\n", "'of the month'\n\n");
    assert.equal(discoveryInputChanged(FILE, { text: REPORT }, edited), true);
  });

  it('ordinary keystrokes first, then a brace in the hole: the templates found before are moved along', () => {
    const seen: SeenText = { text: REPORT };
    let text = REPORT;
    const type = (from: string, to: string) => {
      const next = text.replace(from, to);
      const changed = discoveryInputChanged(FILE, seen, next);
      text = next;
      return changed;
    };
    // A brace in a body finds the templates (no key), then words typed in the hole move its end.
    assert.equal(type('data: { closed: true } }', 'data: { closed: true, at: {} } }'), false);
    assert.equal(seen.key, undefined);
    assert.ok(seen.templates);
    assert.equal(type("'of the week'", "'of this week'"), false);
    assert.equal(type("'of the month'", "'of this month so far'"), false);
    assert.equal(seen.key, undefined);
    assert.deepEqual(seen.templates, [text.indexOf('`'), text.indexOf('`;') + 1]);
    assert.equal(type("? 'of this week'", "? { 'of this week'"), true);
  });

  it('a `{` after a `$` of a template\'s text opens a hole to the closing backtick: changed', () => {
    assert.equal(discoveryInputChanged(FILE, { text: NOTE }, NOTE.replace('here: $', 'here: ${')), true);
  });

  it('a balanced object typed in the hole lexes the rest as before: unchanged, the text moves on', () => {
    const edited = REPORT.replace("? 'of the week'", "? { week: 'of the week' }.week");
    const seen: SeenText = { text: REPORT };
    assert.equal(discoveryInputChanged(FILE, seen, edited), false);
    assert.equal(seen.text, edited);
  });

  it('a brace typed in a function body, in a file without templates: no lexing of the file', () => {
    const plain = REPORT.replace(/`[^]*?`;\n/, "'orders';\n");
    const edited = plain.replace('data: { closed: true } }', 'data: { closed: true, at: {} } }');
    const seen: SeenText = { text: plain };
    assert.equal(discoveryInputChanged(FILE, seen, edited), false);
    assert.equal(seen.key, undefined, 'the discovery key was not computed');
  });

  it('a brace typed in a function body of a file with templates: the templates are found, the file is not lexed for its key', () => {
    const edited = REPORT.replace('data: { closed: true } }', 'data: { closed: true, at: {} } }');
    const seen: SeenText = { text: REPORT };
    assert.equal(discoveryInputChanged(FILE, seen, edited), false);
    assert.equal(seen.key, undefined, 'the discovery key was not computed');
    assert.deepEqual(seen.templates, [REPORT.indexOf('`'), REPORT.indexOf('`;') + 1]);
  });

  it('random keystrokes around templates: every edit that changes the discovery key is reported', () => {
    const PIECES = ['x', ' ', '\n', '{', '}', '$', '${', '`', "'", '"', '\\', '/', '//', '/*', '*/', '${ a }', "require('./audit')"];
    let seed = 20261123;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    let text = REPORT + NOTE;
    let seen: SeenText = { text };
    let reported = 0;
    for (let k = 0; k < 400; k++) {
      const at = Math.floor(random() * (text.length + 1));
      const next =
        random() < 0.3 && text.length > 1
          ? text.slice(0, at) + text.slice(at + 1 + Math.floor(random() * 3))
          : text.slice(0, at) + PIECES[Math.floor(random() * PIECES.length)] + text.slice(at);
      const keyChanged = codeKey(text) !== codeKey(next);
      const changed = discoveryInputChanged(FILE, seen, next);
      if (keyChanged) assert.ok(changed, `edit ${k} at ${at}: ${JSON.stringify(text)} → ${JSON.stringify(next)}`);
      // Discovery runs again: what it read is recorded afresh.
      if (changed) (seen = { text: next }), reported++;
      text = next;
    }
    assert.ok(reported < 400, `${reported} edits reported`);
  });
});

describe('a brace in a multi-line template hole: the kept units give what a fresh discovery gives', () => {
  before(() => initFrontEnds());

  it('the report leaves the code unit when its require stops being code, and comes back', () => {
    const root = writeFiles({
      'package.json': '{ "name": "shop", "dependencies": { "@prisma/client": "6.5.0" }, "devDependencies": { "prisma": "6.5.0" } }\n',
      'prisma/schema.prisma': `datasource db {
  provider = "postgresql"
  url      = env("DATABASE_URL")
}

generator client {
  provider = "prisma-client-js"
}

model Order {
  id     String  @id @default(cuid())
  closed Boolean @default(false)
}

model AuditLog {
  id     String @id @default(cuid())
  action String
}
`,
      'src/db.js': "const { PrismaClient } = require('@prisma/client');\n\nexports.prisma = new PrismaClient();\n",
      'src/report.js': REPORT,
    }).replace(/\\/g, '/');
    const file = `${root}/src/report.js`;
    let text = fs.readFileSync(file, 'utf8');
    const disk = new DiskReader();
    const reader = { read: (p: string) => (p === file ? text : disk.read(p)) };
    const server = new Reviewer(root, reader);
    server.trackChanges();
    const inCode = (r: ReviewResult) => r.analysis.units.some((u) => u.language === 'code' && u.files.includes(file));
    const edit = (from: string, to: string): ReviewResult => {
      assert.ok(text.includes(from), from);
      text = text.replace(from, to);
      server.noteChanged([file]);
      const kept = server.review({});
      const fresh = new Reviewer(root, reader).review({});
      assert.equal(inCode(kept), inCode(fresh), `after replacing ${JSON.stringify(from)}`);
      return kept;
    };
    assert.ok(inCode(server.review({})));
    assert.ok(!inCode(edit("? 'of the week'", "? { 'of the week'")));
    assert.ok(inCode(edit("? { 'of the week'", "? 'of the week'")));
  });
});
