import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DiskReader, decodeText, decodeTextWithEncoding, encodeText, globToRegExp, listWorkspaceFiles } from '../../server/src/project/files';
import { enabledGlobs } from '../../server/src/settings';
import { writeFiles } from '../helpers/workspace';

describe('workspace files', () => {
  it('lists reviewable files, skipping node_modules, build output and symlink loops', () => {
    const dir = writeFiles({
      'prisma/schema.prisma': 'model A { id Int @id }',
      'src/a.ts': 'export {}',
      'node_modules/x/index.ts': 'export {}',
      'dist/out.js': '',
      'README.md': '# x',
      'db/migrations/001_init.sql': 'create table a (id int);',
    });
    fs.symlinkSync(dir, path.join(dir, 'src', 'loop'));
    const files = listWorkspaceFiles(dir).map((f) => path.relative(dir, f));
    assert.deepEqual(files, ['db/migrations/001_init.sql', 'prisma/schema.prisma', 'src/a.ts']);
  });

  it('applies include and exclude globs', () => {
    const dir = writeFiles({ 'a/x.sql': '', 'b/y.sql': '', 'b/z.ts': '' });
    assert.deepEqual(listWorkspaceFiles(dir, { exclude: ['b/**/*.ts'] }).map((f) => path.relative(dir, f)), ['a/x.sql', 'b/y.sql']);
    assert.deepEqual(listWorkspaceFiles(dir, { include: ['b'] }).map((f) => path.relative(dir, f)), ['b/y.sql', 'b/z.ts']);
    assert.ok(globToRegExp('**/*.sql').test('deep/er/x.sql'));
  });

  it('honours .gitignore files at any depth, with negation, anchoring and folder-only patterns', () => {
    const dir = writeFiles({
      '.gitignore': '# generated\n/build-sql\n*.gen.ts\n!keep.gen.ts\nlogs/\n',
      'build-sql/a.sql': '',
      'src/build-sql/b.sql': '',
      'src/x.gen.ts': '',
      'src/keep.gen.ts': '',
      'src/logs/c.sql': '',
      'pkg/.gitignore': 'legacy.sql\n',
      'pkg/legacy.sql': '',
      'pkg/current.sql': '',
      'legacy.sql': '',
    });
    const files = listWorkspaceFiles(dir).map((f) => path.relative(dir, f));
    assert.deepEqual(files, ['legacy.sql', 'pkg/current.sql', 'src/build-sql/b.sql', 'src/keep.gen.ts']);
    assert.ok(listWorkspaceFiles(dir, { gitignore: false }).length > files.length);
  });

  it("skips the editor's files.exclude globs that are on, with brace alternatives", () => {
    const dir = writeFiles({ 'a/x.sql': '', 'tmp/y.sql': '', 'old/z.sql': '', 'keep/w.sql': '' });
    const exclude = enabledGlobs({ '**/{tmp,old}': true, 'keep': false, 'a/*.sql': true });
    assert.deepEqual(exclude, ['**/{tmp,old}', 'a/*.sql']);
    assert.deepEqual(listWorkspaceFiles(dir, { exclude }).map((f) => path.relative(dir, f)), ['keep/w.sql']);
  });

  it('skips binary and oversized files with a log line and decodes UTF-16', () => {
    const dir = writeFiles({});
    fs.writeFileSync(path.join(dir, 'bin.sql'), Buffer.from([0x00, 0x01, 0x02, 0xff]));
    fs.writeFileSync(path.join(dir, 'big.sql'), 'x'.repeat(2000));
    fs.writeFileSync(path.join(dir, 'u16.sql'), Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('select 1;', 'utf16le')]));
    const logs: string[] = [];
    const reader = new DiskReader(1000, (m) => logs.push(m));
    assert.equal(reader.read(path.join(dir, 'bin.sql')), undefined);
    assert.equal(reader.read(path.join(dir, 'big.sql')), undefined);
    assert.equal(reader.read(path.join(dir, 'u16.sql')), 'select 1;');
    assert.equal(logs.length, 2);
    assert.match(logs.join('\n'), /binary/);
    assert.match(logs.join('\n'), /2000 bytes is over the 1000 bytes limit/);
    assert.equal(reader.read(path.join(dir, 'missing.sql')), undefined);
    const skipped = reader.skippedFiles();
    assert.match(skipped.get(path.join(dir, 'bin.sql')) ?? '', /binary/);
    assert.match(skipped.get(path.join(dir, 'big.sql')) ?? '', /over the 1000 bytes limit/);
    assert.deepEqual([...skipped.keys()].sort(), [path.join(dir, 'big.sql'), path.join(dir, 'bin.sql')], 'a missing file was not skipped');
    assert.equal(reader.encodingOf(path.join(dir, 'u16.sql')), 'utf16le');
  });

  it('reads text that is not UTF-8 with replacement characters, and says so', () => {
    // A Windows-1252 comment: Prisma and TypeScript read such a file, so must we.
    assert.deepEqual(decodeTextWithEncoding(Buffer.from('// caf\xe9\nmodel A {}\n', 'latin1')), { text: '// caf\ufffd\nmodel A {}\n', encoding: 'lossy' });
    assert.equal(decodeText(Buffer.from([0x61, 0x00, 0x62])), undefined, 'a NUL byte: binary');
    assert.deepEqual(decodeTextWithEncoding(Buffer.from([0xef, 0xbb, 0xbf, 0x61])), { text: 'a', encoding: 'utf8-bom' });
  });

  it('writes text back in the encoding it was read in', () => {
    for (const encoding of ['utf8', 'utf8-bom', 'utf16le', 'utf16be'] as const) {
      const text = 'model Café {\r\n  id Int @id\r\n}\r\n';
      const bytes = encodeText(text, encoding);
      assert.deepEqual(decodeTextWithEncoding(bytes), { text, encoding }, encoding);
    }
    assert.deepEqual([...encodeText('a', 'utf16be')], [0xfe, 0xff, 0x00, 0x61]);
  });
});
