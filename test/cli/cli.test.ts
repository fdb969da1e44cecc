/**
 * The CLI on fixture workspaces: formats (text, JSON contract v1, SARIF 2.1.0, Markdown), exit codes,
 * --fail-on, --fix (safe) and --fix=unsafe, --config, and clear messages for bad input.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { cli } from '../helpers/cli';
import { copyFixture, REPO, writeFiles } from '../helpers/workspace';

describe('schema-review audit (CLI)', () => {
  it('a file or folder given on the command line is reviewed within its project: a route handler with its client and schema', async () => {
    const dir = copyFixture('examples/learning-platform');
    const route = 'app/api/admin/content/route.ts';
    const whole = JSON.parse((await cli(['audit', '.', '--format', 'json'], dir)).stdout);
    const inRoute = whole.findings.filter((f: any) => f.file === route);
    assert.ok(inRoute.length > 0, 'the fixture has findings in the route handler');
    const key = (f: any) => `${f.file}:${f.range.start.line}:${f.rule}: ${f.message}`;
    for (const file of [route, 'app/api/signals/performance/route.ts', 'prisma/schema.prisma']) {
      const one = JSON.parse((await cli(['audit', file, '--format', 'json'], dir)).stdout);
      assert.deepEqual(
        one.findings.map(key),
        whole.findings.filter((f: any) => f.file === file).map(key),
        `${file}: the same findings as in the whole audit (read with the schema and the code that queries it), and only that file's`,
      );
    }
    const app = JSON.parse((await cli(['audit', 'app', '--format', 'json'], dir)).stdout);
    assert.ok(app.findings.length >= inRoute.length && app.findings.every((f: any) => f.file.startsWith('app/')));
    // From a folder of the project, the path is found from there.
    const fromApp = JSON.parse((await cli(['audit', 'api/admin/content/route.ts', '--format', 'json'], path.join(dir, 'app'))).stdout);
    assert.equal(fromApp.findings.length, 0, 'above the current folder is not searched: the file alone finds no client');
    const schema = JSON.parse((await cli(['audit', 'prisma/schema.prisma', '--format', 'json'], dir)).stdout);
    assert.ok(schema.findings.length > 0 && schema.findings.every((f: any) => f.file === 'prisma/schema.prisma'));
  });

  it('a folder that holds projects of its own is their root, not a part of the project around it (audit examples from the repository)', async () => {
    const repo = writeFiles({ 'package.json': '{ "name": "tooling" }', 'src/prisma.ts': "export const x = 1;\n" });
    fs.cpSync(path.join(REPO, 'examples', 'learning-platform'), path.join(repo, 'examples', 'learning-platform'), { recursive: true });
    const fromRepo = JSON.parse((await cli(['audit', 'examples', '--format', 'json'], repo)).stdout);
    const inside = JSON.parse((await cli(['audit', '.', '--format', 'json'], path.join(repo, 'examples', 'learning-platform'))).stdout);
    assert.equal(fromRepo.root, `${repo.split(path.sep).join('/')}/examples`);
    assert.deepEqual(
      fromRepo.findings.map((f: any) => `${f.file.replace(/^learning-platform\//, '')}:${f.range.start.line}:${f.rule}`),
      inside.findings.map((f: any) => `${f.file}:${f.range.start.line}:${f.rule}`),
    );
  });

  it('prints findings like ESLint and exits 1 when a finding reaches --fail-on', async () => {
    const dir = copyFixture('examples/learning-platform');
    const warn = (await cli(['audit', '.', '--fail-on', 'warning'], dir));
    assert.equal(warn.code, 1, warn.stderr);
    assert.match(warn.stdout, /prisma\/schema\.prisma\n/);
    assert.match(warn.stdout, /\d+:\d+\s+warning\s+.*missing-on-delete/);
    assert.match(warn.stdout, /✖ \d+ problems/);
    assert.match(warn.stdout, /fixable with --fix/);
  });

  it('writes JSON exactly in the contract shape (version 1)', async () => {
    const dir = copyFixture('examples/learning-platform');
    const { code, stdout } = (await cli(['audit', '.', '--format', 'json', '--fail-on', 'error'], dir));
    assert.ok(code === 0 || code === 1);
    const report = JSON.parse(stdout);
    assert.equal(report.tool, 'schema-review');
    assert.equal(report.version, '0.1.0');
    assert.equal(report.root, dir);
    assert.ok(report.files.some((f: any) => f.path === 'prisma/schema.prisma' && f.language === 'prisma'));
    assert.ok(report.files.some((f: any) => f.language === 'code'));
    const f = report.findings.find((x: any) => x.rule === 'missing-on-delete');
    assert.deepEqual(Object.keys(f).sort(), ['category', 'file', 'fixes', 'message', 'range', 'rule', 'severity']);
    assert.equal(f.category, 'relations');
    assert.equal(f.file, 'prisma/schema.prisma');
    assert.ok(f.range.start.line >= 1 && f.range.start.column >= 1, '1-based');
    const text = fs.readFileSync(path.join(dir, f.file), 'utf8').split('\n');
    assert.match(text[f.range.start.line - 1], /@relation/);
    assert.ok(f.fixes.every((x: any) => typeof x.title === 'string' && ['safe', 'unsafe', 'display-only'].includes(x.safety)));
    assert.equal(report.summary.findings, report.findings.length);
    assert.equal(report.summary.files, report.files.length);
    assert.equal(typeof report.summary.durationMs, 'number');
    const bySeverity = Object.values(report.summary.bySeverity as Record<string, number>).reduce((a, b) => a + b, 0);
    assert.equal(bySeverity, report.findings.length);
  });

  it('writes SARIF 2.1.0 with stable rule ids, help URIs and fingerprints', async () => {
    const dir = copyFixture('examples/learning-platform');
    const sarif = JSON.parse((await cli(['audit', '.', '--format', 'sarif'], dir)).stdout);
    assert.equal(sarif.version, '2.1.0');
    const run = sarif.runs[0];
    assert.equal(run.tool.driver.name, 'schema-review');
    const ids = run.tool.driver.rules.map((r: any) => r.id);
    assert.ok(ids.includes('missing-on-delete'));
    for (const r of run.tool.driver.rules) assert.match(r.helpUri, /^https:\/\/.+\.md$/);
    const result = run.results[0];
    assert.equal(ids[result.ruleIndex], result.ruleId);
    assert.ok(result.partialFingerprints['schemaReview/v1']);
    assert.ok(result.locations[0].physicalLocation.region.startLine >= 1);
    assert.equal(result.locations[0].physicalLocation.artifactLocation.uriBaseId, 'ROOT');
  });

  it('writes a Markdown audit', async () => {
    const dir = copyFixture('examples/learning-platform');
    const md = (await cli(['audit', '.', '--format', 'markdown'], dir)).stdout;
    assert.match(md, /^# Database audit/);
    assert.match(md, /## Summary/);
    assert.match(md, /## Status by area/);
    assert.match(md, /## Issues by priority/);
    assert.match(md, /\[`prisma\/schema\.prisma:\d+`\]/);
    assert.match(md, /## Recommendations/);
  });

  it('--fix applies safe fixes only; the schema still validates and those findings are gone', async () => {
    const dir = copyFixture('examples/learning-platform');
    const before = JSON.parse((await cli(['audit', '.', '--format', 'json'], dir)).stdout);
    const schemaBefore = fs.readFileSync(path.join(dir, 'prisma/schema.prisma'), 'utf8');
    const res = (await cli(['audit', '.', '--fix', '--format', 'json'], dir));
    const after = JSON.parse(res.stdout);
    const schemaAfter = fs.readFileSync(path.join(dir, 'prisma/schema.prisma'), 'utf8');
    assert.notEqual(schemaAfter, schemaBefore);
    assert.equal(after.findings.filter((f: any) => f.rule === 'unindexed-foreign-key').length, 0);
    assert.equal(
      after.findings.filter((f: any) => f.rule === 'missing-on-delete').length,
      before.findings.filter((f: any) => f.rule === 'missing-on-delete').length,
      'unsafe fixes are not applied by --fix',
    );
    assert.equal(after.problems.filter((p: any) => p.source === 'prisma').length, 0, 'the fixed schema validates');
    assert.match(res.stderr, /applied fixes to 1 file/);
  });

  it('--fix=unsafe also writes referential actions', async () => {
    const dir = copyFixture('examples/learning-platform');
    const after = JSON.parse((await cli(['audit', '.', '--fix=unsafe', '--format', 'json'], dir)).stdout);
    assert.equal(after.findings.filter((f: any) => f.rule === 'missing-on-delete').length, 0);
    assert.equal(after.problems.filter((p: any) => p.source === 'prisma').length, 0, 'the fixed schema validates');
  });

  it('honours --config and a rule turned off', async () => {
    const dir = copyFixture('examples/learning-platform');
    fs.writeFileSync(path.join(dir, 'custom.json'), JSON.stringify({ rules: { 'missing-on-delete': 'off' } }));
    const report = JSON.parse((await cli(['audit', '.', '--format', 'json', '--config', 'custom.json'], dir)).stdout);
    assert.equal(report.findings.filter((f: any) => f.rule === 'missing-on-delete').length, 0);
    assert.ok(report.findings.length > 0);
  });

  it('exits 2 with a clear message on a bad config, a bad flag or a missing path', async () => {
    const dir = writeFiles({ 'schema-review.json': '{ "rules": { "missing-on-delete": "loud" } }', 'schema.prisma': 'model A { id Int @id }' });
    const bad = (await cli(['audit', '.'], dir));
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /invalid configuration:[\s\S]*schema-review\.json:1:\d+: .*rules\.missing-on-delete/);
    assert.equal((await cli(['audit', '--format', 'xml'], dir)).code, 2);
    assert.match((await cli(['audit', '--format', 'xml'], dir)).stderr, /--format must be/);
    const missing = (await cli(['audit', 'nope'], dir));
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /nope: no such file or folder/);
    assert.equal((await cli(['lint'], dir)).code, 2);
  });

  it('relationMode = "prisma": Prisma\'s own "add an index" warning is not shown twice next to unindexed-foreign-key', async () => {
    const schema = [
      'datasource db {',
      '  provider     = "mysql"',
      '  url          = env("DATABASE_URL")',
      '  relationMode = "prisma"',
      '}',
      'model User {',
      '  id    Int    @id',
      '  posts Post[]',
      '}',
      'model Post {',
      '  id       Int  @id',
      '  authorId Int',
      '  author   User @relation(fields: [authorId], references: [id], onDelete: Cascade)',
      '}',
      '',
    ].join('\n');
    const dir = writeFiles({ 'package.json': '{ "devDependencies": { "prisma": "6.19.0" } }', 'prisma/schema.prisma': schema });
    const echo = (r: any) => r.problems.filter((p: any) => p.source === 'prisma' && /relationMode = "prisma"/.test(p.message));
    const report = JSON.parse((await cli(['audit', '.', '--format', 'json'], dir)).stdout);
    assert.deepEqual(report.findings.map((f: any) => f.rule), ['unindexed-foreign-key']);
    assert.deepEqual(echo(report), []);
    // With the rule off, Prisma's warning is the only word on it, and it stays.
    fs.writeFileSync(path.join(dir, 'schema-review.json'), JSON.stringify({ rules: { 'unindexed-foreign-key': 'off' } }));
    const off = JSON.parse((await cli(['audit', '.', '--format', 'json'], dir)).stdout);
    assert.equal(echo(off).length, 1);
  });

  it('exits 0 on a clean workspace and reports invalid Prisma schemas as problems', async () => {
    const clean = writeFiles({
      'package.json': JSON.stringify({ devDependencies: { prisma: '^6.19.0' } }),
      'schema.prisma': 'datasource db {\n  provider = "postgresql"\n  url      = env("DATABASE_URL")\n}\n\nmodel A {\n  id Int @id\n}\n',
    });
    const ok = (await cli(['audit', '.'], clean));
    assert.equal(ok.code, 0, ok.stdout + ok.stderr);
    assert.match(ok.stdout, /No problems/);
    const broken = writeFiles({
      'package.json': JSON.stringify({ devDependencies: { prisma: '^6.19.0' } }),
      'schema.prisma': 'datasource db {\n  provider = "postgresql"\n  url = env("DATABASE_URL")\n}\nmodel A {\n  id Int @id\n  b  Nope\n}\n',
    });
    const res = (await cli(['audit', '.', '--format', 'json'], broken));
    const report = JSON.parse(res.stdout);
    assert.ok(report.problems.some((p: any) => p.source === 'prisma' && p.severity === 'error'), JSON.stringify(report.problems));
    assert.equal(res.code, 1);
  });

  it('runs as a real process through bin/schema-review.js', async () => {
    const dir = copyFixture('examples/learning-platform');
    const res = spawnSync(process.execPath, [path.join(REPO, 'bin', 'schema-review.js'), 'audit', '.', '--format', 'json', '--fail-on', 'warning'], { cwd: dir, encoding: 'utf8', env: { ...process.env, SCHEMA_REVIEW_FROM_SOURCE: '1' } });
    assert.equal(res.status, 1, res.stderr);
    assert.ok(JSON.parse(res.stdout).findings.length > 0);
  });

  it('says so when a path given by name has nothing to review (excluded, ignored by git, or no schema, migration or code)', async () => {
    const dir = writeFiles({
      'package.json': '{ "name": "billing" }\n',
      'schema-review.json': '{ "audit": { "exclude": ["legacy/**"] } }\n',
      '.gitignore': 'generated\n',
      'legacy/001_old.sql': 'CREATE TABLE invoices_old (id int);\n',
      'generated/schema.sql': 'CREATE TABLE t (id int);\n',
      'docs/README.md': '# Billing\n',
      'db/001_init.sql': 'CREATE TABLE invoices (id int PRIMARY KEY, total numeric(12, 2));\n',
    });
    const res = await cli(['audit', 'legacy/001_old.sql', 'generated', 'docs', 'db'], dir);
    assert.equal(res.code, 0);
    assert.deepEqual(
      res.stderr.trim().split('\n'),
      ['legacy/001_old.sql', 'generated', 'docs'].map((p) => `schema-review: ${p}: nothing reviewed: no schema, migration or database code, or excluded (audit.exclude, .gitignore, dependency and build folders)`),
    );
    assert.match(res.stdout, /No problems in 1 file/);
  });
});
