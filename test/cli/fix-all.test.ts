/**
 * `audit --fix` / `--fix=unsafe` when several fixes meet in one file: the fixed files still parse and type-check,
 * and a half-typed file is left alone. Each case was a broken fix found by exploratory testing.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as ts from 'typescript';
import { fixAll } from '../../server/src/cli';
import { cli } from '../helpers/cli';
import { DiskReader } from '../../server/src/project/files';
import { REPO, writeFiles } from '../helpers/workspace';
import { syntaxErrors } from '../languages/drizzle/helpers';

const CONFIG = `export default { dialect: 'postgresql', schema: './schema.ts' };\n`;

/** Type errors of the workspace's schema.ts against the installed drizzle-orm. */
function typeErrors(dir: string): string[] {
  const file = path.join(dir, 'schema.ts');
  const options: ts.CompilerOptions = {
    strict: true,
    noEmit: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    skipLibCheck: true,
    baseUrl: dir,
    paths: { 'drizzle-orm': [path.join(REPO, 'node_modules/drizzle-orm')], 'drizzle-orm/*': [path.join(REPO, 'node_modules/drizzle-orm/*')] },
  };
  const program = ts.createProgram([file], options);
  return ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
}

describe('fix-all where fixes meet', () => {
  it('a dropped index and an added one in the same list: the list stays valid, array and object form', async () => {
    const dir = writeFiles({
      'drizzle.config.ts': CONFIG,
      'schema.ts': `import { pgTable, uuid, index } from 'drizzle-orm/pg-core';

export const teams = pgTable('teams', {
  id: uuid('id').primaryKey(),
});

export const x = pgTable('x', {
  id: uuid('id').primaryKey(),
  teamId: uuid('team_id').references(() => teams.id, { onDelete: 'cascade' }),
}, (t) => [index('x_id').on(t.id)]);

export const y = pgTable('y', {
  id: uuid('id').primaryKey(),
  teamId: uuid('team_id').references(() => teams.id, { onDelete: 'cascade' }),
}, (t) => ({ byId: index('y_id').on(t.id) }));
`,
    });
    const res = await cli(['audit', '.', '--fix=unsafe', '--format', 'json'], dir);
    const fixed = fs.readFileSync(path.join(dir, 'schema.ts'), 'utf8');
    assert.deepEqual(syntaxErrors('schema.ts', fixed), [], fixed);
    assert.deepEqual(typeErrors(dir), [], fixed);
    assert.match(fixed, /index\('x_team_id_idx'\)\.on\(t\.teamId\)/);
    assert.match(fixed, /index\('y_team_id_idx'\)\.on\(t\.teamId\)/);
    assert.doesNotMatch(fixed, /index\('x_id'\)|index\('y_id'\)/, 'the redundant indexes are gone');
    const report = JSON.parse(res.stdout);
    assert.deepEqual(report.findings.map((f: { rule: string }) => f.rule), []);
  });

  it('keeps an import that one fix drops with its last use while another fix of the pass starts using it', async () => {
    const dir = writeFiles({
      'drizzle.config.ts': CONFIG,
      'schema.ts': `import { pgTable, uuid, text, index } from 'drizzle-orm/pg-core';

export const teams = pgTable('teams', {
  id: uuid('id').primaryKey(),
  name: text('name'),
}, (t) => [index('teams_id').on(t.id)]);

export const members = pgTable('members', {
  id: uuid('id').primaryKey(),
  teamId: uuid('team_id').references(() => teams.id, { onDelete: 'cascade' }),
});
`,
    });
    await cli(['audit', '.', '--fix=unsafe'], dir);
    const fixed = fs.readFileSync(path.join(dir, 'schema.ts'), 'utf8');
    assert.match(fixed, /index\('members_team_id_idx'\)\.on\(table\.teamId\)/);
    assert.doesNotMatch(fixed, /teams_id/);
    assert.deepEqual(typeErrors(dir), [], fixed);
  });

  it('leaves a half-typed file alone: no fix is written into code the parser had to guess', async () => {
    const text = `import { pgTable, serial, integer, text, index } from 'drizzle-orm/pg-core';

export const users = pgTable('users', {
  id: serial('id').primaryKey(),
});

export const posts = pgTable('posts', {
  id: serial('id').primaryKey(),
  authorId: integer('author_id').notNull().references(() => users.id, { onDelete: 'cascade' }),
  title: text('title'),
}, (t) => [
  index('posts_title_idx').on(t.tit
]);
`;
    const dir = writeFiles({ 'drizzle.config.ts': CONFIG, 'schema.ts': text });
    const res = await cli(['audit', '.', '--fix=unsafe', '--format', 'json'], dir);
    assert.equal(fs.readFileSync(path.join(dir, 'schema.ts'), 'utf8'), text);
    const report = JSON.parse(res.stdout);
    const finding = report.findings.find((f: { rule: string }) => f.rule === 'unindexed-foreign-key');
    assert.ok(finding, 'still reported');
    assert.deepEqual(finding.fixes, [], 'but with no fix while the file does not parse');
  });
});

describe('new migrations', () => {
  it('end their lines as the history does (CRLF in a Windows checkout)', async () => {
    const crlf = (t: string) => t.replace(/\n/g, '\r\n');
    const dir = writeFiles({
      'supabase/migrations/20240101000000_init.sql': crlf('create table public.orgs (\n  id uuid primary key\n);\n'),
      'supabase/migrations/20240201000000_projects.sql': crlf(
        'create table public.projects (\n  id uuid primary key,\n  org_id uuid not null references public.orgs (id) on delete cascade\n);\n',
      ),
    });
    await cli(['audit', '.', '--fix', '--format', 'json'], dir);
    const created = fs.readdirSync(path.join(dir, 'supabase', 'migrations')).filter((f) => !f.startsWith('20240'));
    assert.equal(created.length, 1, created.join(', '));
    const text = fs.readFileSync(path.join(dir, 'supabase', 'migrations', created[0]), 'utf8');
    assert.match(text, /CREATE INDEX CONCURRENTLY/i);
    assert.ok(text.includes('\r\n'), 'CRLF');
    assert.equal(text.replace(/\r\n/g, '').includes('\n'), false, 'no line ends with LF alone');
  });
});

describe('the fix loop', () => {
  const r = (l1: number, c1: number, l2: number, c2: number) => ({ start: { line: l1, character: c1 }, end: { line: l2, character: c2 } });
  type Result = Parameters<typeof fixAll>[4];

  /**
   * A review of one file by a stand-in rule: "the file must end in `;`", whose fix appends `fixText`; and a stand-in
   * parser that reports a syntax error per `(` in the file.
   */
  function loop(initial: string, fixText: string) {
    const dir = writeFiles({ 'a.sql': initial });
    const file = path.join(dir, 'a.sql');
    let reviews = 0;
    const review = async (): Promise<Result> => {
      reviews++;
      const text = fs.readFileSync(file, 'utf8');
      const end = text.split('\n').length - 1;
      const endChar = text.length - text.lastIndexOf('\n') - 1;
      const findings = text.endsWith(';')
        ? []
        : [{ rule: 'needs-semicolon', category: 'migrations', severity: 'warning', file, range: r(0, 0, 0, 1), message: 'm', related: [], fixes: [{ title: 'add', safety: 'safe', preferred: true, edits: [{ file, edits: [{ range: r(end, endChar, end, endChar), newText: fixText }] }] }] }];
      const diagnostics = [...text].filter((c) => c === '(').map(() => ({ file, range: r(0, 0, 0, 0), severity: 'info' as const, message: 'syntax', source: 'schema-review', code: 'sql-syntax' }));
      return { root: dir, files: [], findings, diagnostics, analysis: {} as never, durationMs: 0, cancelled: false } as unknown as Result;
    };
    let stderr = '';
    const io = { stdout: () => {}, stderr: (t: string) => (stderr += t), cwd: dir, color: false };
    return { file, io, review, reviews: () => reviews, stderr: () => stderr, reader: new DiskReader() };
  }

  it('puts a file back as it was when a pass left it with more syntax errors, and says so', async () => {
    const l = loop('select 1', '(;');
    const result = await fixAll('safe', l.reader, { invalidateFiles() {} }, l.review, await l.review(), l.io);
    assert.equal(fs.readFileSync(l.file, 'utf8'), 'select 1');
    assert.match(l.stderr(), /did not fix a\.sql: a fix left it with errors, so it was put back as it was/);
    assert.equal(result.findings.length, 1, 'the result is the review of the file as it is now');
  });

  it('does not apply a fix again when it did not remove its finding', async () => {
    const l = loop('select 1', ' --');
    await fixAll('safe', l.reader, { invalidateFiles() {} }, l.review, await l.review(), l.io);
    assert.equal(fs.readFileSync(l.file, 'utf8'), 'select 1 --', 'applied once, not ten times');
    assert.match(l.stderr(), /did not fix a\.sql: a fix \("add"\) did not remove its finding/);
  });

  it('puts back every file of a fix that left one of them with errors (no half-applied fix)', async () => {
    const dir = writeFiles({ 'a.prisma': 'model A {}', 'b.prisma': 'model B {}' });
    const a = path.join(dir, 'a.prisma');
    const b = path.join(dir, 'b.prisma');
    const endOf = (text: string) => r(0, text.length, 0, text.length);
    // Stand-in: a relation whose fix writes a field into a.prisma and its back-relation into b.prisma; the
    // back-relation comes out broken (a `(`, counted as a syntax error in b.prisma).
    const review = async (): Promise<Result> => {
      const ta = fs.readFileSync(a, 'utf8');
      const tb = fs.readFileSync(b, 'utf8');
      const findings = ta.includes('b B')
        ? []
        : [{ rule: 'missing-relation', category: 'relations', severity: 'warning', file: a, range: r(0, 0, 0, 1), message: 'm', related: [], fixes: [{ title: 'relate', safety: 'safe', preferred: true, edits: [{ file: a, edits: [{ range: endOf(ta), newText: ' // b B' }] }, { file: b, edits: [{ range: endOf(tb), newText: ' // a A(' }] }] }] }];
      const diagnostics = [...tb].filter((c) => c === '(').map(() => ({ file: b, range: r(0, 0, 0, 0), severity: 'error' as const, message: 'syntax', source: 'schema-review', code: 'prisma-syntax' }));
      return { root: dir, files: [], findings, diagnostics, analysis: {} as never, durationMs: 0, cancelled: false } as unknown as Result;
    };
    let stderr = '';
    const io = { stdout: () => {}, stderr: (t: string) => (stderr += t), cwd: dir, color: false };
    await fixAll('safe', new DiskReader(), { invalidateFiles() {} }, review, await review(), io);
    assert.equal(fs.readFileSync(b, 'utf8'), 'model B {}');
    assert.equal(fs.readFileSync(a, 'utf8'), 'model A {}', 'its other half is put back too');
    assert.match(stderr, /did not fix b\.prisma: a fix left it with errors/);
    assert.match(stderr, /did not fix a\.prisma: a fix also edits b\.prisma, which it could not fix, so it was put back as it was/);
    assert.doesNotMatch(stderr, /applied fixes/);
  });

  it('fixes what it can', async () => {
    const l = loop('select 1', ';');
    await fixAll('safe', l.reader, { invalidateFiles() {} }, l.review, await l.review(), l.io);
    assert.equal(fs.readFileSync(l.file, 'utf8'), 'select 1;');
    assert.match(l.stderr(), /applied fixes to 1 file/);
  });
});
