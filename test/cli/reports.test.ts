/**
 * What CI reads: SARIF fingerprints that survive edits above a finding, Markdown that shows user names as written,
 * one finding per problem whatever paths are given, and a clear exit when the report cannot be written.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { withoutOverlaps } from '../../server/src/cli';
import { formatText } from '../../server/src/report/text';
import type { JsonReport } from '../../server/src/report/model';
import { cli } from '../helpers/cli';
import { copyFixture, writeFiles } from '../helpers/workspace';

describe('reports', () => {
  it('SARIF fingerprints stay when lines are added above the findings, those citing a line number included', async () => {
    const dir = copyFixture('examples/learning-platform');
    const fingerprints = async () => {
      const sarif = JSON.parse((await cli(['audit', '.', '--format', 'sarif', '--no-prisma-validation'], dir)).stdout);
      return (sarif.runs[0].results as { ruleId: string; message: { text: string }; partialFingerprints: Record<string, string> }[]).map((r) => ({ rule: r.ruleId, line: /\blines? \d/.test(r.message.text), fp: r.partialFingerprints['schemaReview/v1'] }));
    };
    const before = await fingerprints();
    assert.ok(before.some((r) => r.line), 'some message cites a line number');
    for (const rel of ['app/api/signals/performance/route.ts', 'prisma/schema.prisma']) {
      const file = path.join(dir, rel);
      fs.writeFileSync(file, `// a header line\n// another\n${fs.readFileSync(file, 'utf8')}`);
    }
    const after = await fingerprints();
    assert.deepEqual(after.map((r) => r.fp).sort(), before.map((r) => r.fp).sort());
  });

  it('text: counts as fixable only what --fix and --fix=unsafe apply (not display-only advice)', () => {
    const finding = (rule: string, safeties: string[]) => ({
      rule,
      severity: 'warning',
      file: 'db/structure.sql',
      range: { start: { line: 1, column: 1 }, end: { line: 1, column: 2 } },
      message: rule,
      fixes: safeties.map((safety) => ({ title: safety, safety, edits: [] })),
    });
    const report = {
      summary: { files: 1, durationMs: 1 },
      problems: [],
      findings: [finding('a', ['safe', 'unsafe']), finding('b', ['unsafe', 'display-only']), finding('c', ['display-only']), finding('d', [])],
    } as unknown as JsonReport;
    const text = formatText(report);
    assert.match(text, /^ {2}1 fixable with --fix$/m);
    assert.match(text, /^ {2}1 more fixable with --fix=unsafe/m);
  });

  it('Markdown shows names with Markdown characters as written', async () => {
    const dir = writeFiles({ 'db/structure.sql': 'CREATE TABLE "a|b*c_backup" (id integer PRIMARY KEY, price double precision);\n' });
    const md = (await cli(['audit', '.', '--format', 'markdown'], dir)).stdout;
    assert.match(md, /a\\\|b\\\*c\\_backup/);
    assert.doesNotMatch(md, /[^\\]\*c_backup/);
  });

  it('reviews each file once when paths overlap', async () => {
    const dir = copyFixture('examples/learning-platform');
    const once = JSON.parse((await cli(['audit', '.', '--format', 'json'], dir)).stdout);
    const twice = JSON.parse((await cli(['audit', '.', 'prisma/schema.prisma', 'prisma', '--format', 'json'], dir)).stdout);
    assert.equal(twice.findings.length, once.findings.length);
    assert.deepEqual(
      withoutOverlaps([{ root: '/w' }, { root: '/w/a' }, { root: '/x', only: ['/x/s.prisma'] }, { root: '/x', only: ['/x/t.prisma'] }, { root: '/w/b', only: ['/w/b/c.sql'] }]),
      [{ root: '/w' }, { root: '/x', only: ['/x/s.prisma', '/x/t.prisma'] }],
    );
  });

  it('paths outside the working folder are reported relative to their common folder', async () => {
    const parent = writeFiles({ 'a/prisma/schema.prisma': 'datasource db {\n  provider = "postgresql"\n}\nmodel A {\n  id Int @id\n}\n', 'b/db/structure.sql': 'CREATE TABLE b (id int);\n', 'cwd/.keep': '' });
    const report = JSON.parse((await cli(['audit', '../a', '../b', '--format', 'json'], path.join(parent, 'cwd'))).stdout);
    assert.equal(report.root, parent);
    assert.ok(report.findings.every((f: { file: string }) => !f.file.startsWith('..')), JSON.stringify(report.findings.map((f: { file: string }) => f.file)));
    assert.ok(report.findings.some((f: { file: string }) => f.file === 'b/db/structure.sql'));
  });

  it('exits 2 with a message when the report cannot be written', async () => {
    const dir = copyFixture('examples/learning-platform');
    const res = await cli(['audit', '.', '--format', 'json', '--output', path.join(dir, 'package.json', 'x.json')], dir);
    assert.equal(res.code, 2);
    assert.match(res.stderr, /cannot write the report to/);
  });

  it('--output into a folder that does not exist yet creates it, as ESLint does (reports/schema-review.sarif in CI)', async () => {
    const dir = copyFixture('examples/learning-platform');
    const res = await cli(['audit', '.', '--format', 'sarif', '--output', 'reports/ci/schema-review.sarif'], dir);
    assert.equal(res.stderr, '');
    assert.equal(res.code, 0);
    assert.equal(JSON.parse(fs.readFileSync(path.join(dir, 'reports/ci/schema-review.sarif'), 'utf8')).version, '2.1.0');
  });

  it('SARIF URIs are encoded: a root with a space and a file under a folder named with # or ?', async () => {
    const parent = writeFiles({ 'My Projects #2/shop/db/2024 q1#hotfix/001 init?.sql': 'CREATE TABLE orders (id int, total double precision);\n' });
    const root = path.join(parent, 'My Projects #2', 'shop');
    const sarif = JSON.parse((await cli(['audit', '.', '--format', 'sarif'], root)).stdout);
    const run = sarif.runs[0];
    const base = run.originalUriBaseIds.ROOT.uri as string;
    assert.equal(base, `${pathToFileURL(root).href}/`);
    const uris = (run.results as { locations: { physicalLocation: { artifactLocation: { uri: string } } }[] }[]).map((r) => r.locations[0].physicalLocation.artifactLocation.uri);
    assert.ok(uris.length > 0);
    for (const uri of uris) {
      assert.equal(uri, 'db/2024%20q1%23hotfix/001%20init%3F.sql');
      assert.equal(fileURLToPath(new URL(uri, base)), path.join(root, 'db/2024 q1#hotfix/001 init?.sql'));
    }
  });

  it('SARIF fingerprints tell apart two findings with the same message in one file, and stay when lines are added above', async () => {
    const route = `import { prisma } from '../lib/db';

export async function GET() {
  const active = await prisma.user.findMany({ where: { active: true } });
  const admins = await prisma.user.findMany({ where: { role: 'admin' } });
  return Response.json({ active, admins });
}
`;
    const dir = writeFiles({
      'package.json': '{ "name": "shop", "dependencies": { "@prisma/client": "6.4.0" } }\n',
      'prisma/schema.prisma': 'datasource db {\n  provider = "postgresql"\n  url      = env("DATABASE_URL")\n}\n\nmodel User {\n  id     Int     @id @default(autoincrement())\n  active Boolean\n  role   String\n}\n',
      'src/lib/db.ts': "import { PrismaClient } from '@prisma/client';\nexport const prisma = new PrismaClient();\n",
      'src/app/route.ts': route,
    });
    const fingerprints = async () => {
      const sarif = JSON.parse((await cli(['audit', '.', '--format', 'sarif', '--no-prisma-validation'], dir)).stdout);
      return (sarif.runs[0].results as { ruleId: string; locations: { physicalLocation: { artifactLocation: { uri: string } } }[]; partialFingerprints: Record<string, string> }[])
        .filter((r) => r.ruleId === 'unbounded-query' && r.locations[0].physicalLocation.artifactLocation.uri === 'src/app/route.ts')
        .map((r) => r.partialFingerprints['schemaReview/v1']);
    };
    const before = await fingerprints();
    assert.equal(before.length, 2);
    assert.notEqual(before[0], before[1]);
    fs.writeFileSync(path.join(dir, 'src/app/route.ts'), `// Admin dashboard data.\n// Cached for a minute by the CDN.\n${route}`);
    assert.deepEqual(await fingerprints(), before);
  });

  it('Markdown links to a file under a folder named with # or a space, and an unmatched backtick in a name escapes the rest', async () => {
    const dir = writeFiles({ 'db/c#/001 init.sql': 'CREATE TABLE "audit`log*old*" (id int, amount_usd double precision);\n' });
    const md = (await cli(['audit', '.', '--format', 'markdown'], dir)).stdout;
    const links = [...md.matchAll(/\]\(([^)]*#L\d+)\)/g)].map((m) => m[1]);
    assert.ok(links.length > 0, md);
    for (const l of links) assert.match(l, /^db\/c%23\/001%20init\.sql#L1$/);
    const items = md.split('\n').filter((l) => l.startsWith('- [') && l.includes('amount'));
    assert.equal(items.length, 1, md);
    assert.match(items[0], /audit\\`log\\\*old\\\*/);
  });

  it('Markdown does not say "No problems found" when files have syntax or validation errors', async () => {
    const dir = writeFiles({ 'db/001_init.sql': 'CREATE TABL orders (id int PRIMARY KEY);\n' });
    const res = await cli(['audit', '.', '--format', 'markdown'], dir);
    assert.equal(res.code, 1);
    assert.doesNotMatch(res.stdout, /No problems found/);
    assert.match(res.stdout, /No rule findings in 1 sql file: 1 file problem/);
  });

  it('SARIF carries the files it could not review (syntax or validation errors) as tool execution notifications', async () => {
    const dir = writeFiles({ 'db/migrations/001_init.sql': 'CREATE TABL orders (id int PRIMARY KEY);\n', 'db/migrations/002_items.sql': 'CREATE TABLE items (id int);\n' });
    const res = await cli(['audit', '.', '--format', 'sarif'], dir);
    assert.equal(res.code, 1, 'the unparsable migration fails the run');
    const run = JSON.parse(res.stdout).runs[0];
    assert.deepEqual(run.results.map((r: { ruleId: string }) => r.ruleId), ['missing-primary-key']);
    const [invocation] = run.invocations;
    assert.equal(invocation.executionSuccessful, true);
    assert.deepEqual(
      invocation.toolExecutionNotifications.map((n: any) => [n.level, n.descriptor.id, n.locations[0].physicalLocation.artifactLocation.uri, n.locations[0].physicalLocation.region.startLine]),
      [['error', 'sql-syntax', 'db/migrations/001_init.sql', 1]],
    );
    assert.match(invocation.toolExecutionNotifications[0].message.text, /does not parse/);
  });

  it('the Markdown title names the audited folder as written (a trailing # is not read as a heading end)', async () => {
    const parent = writeFiles({ 'shop *v2* #/db/001_init.sql': 'CREATE TABLE orders (id int PRIMARY KEY);\n' });
    const md = (await cli(['audit', '.', '--format', 'markdown'], path.join(parent, 'shop *v2* #'))).stdout;
    assert.equal(md.split('\n')[0], '# Database audit — shop \\*v2\\* \\#');
  });
});
