/**
 * The writers' caches (line tables per file text, the migration target per database) must follow the
 * files' current text: a fix written after an edit sees the new text, never a cached one.
 */
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { sqlFrontEnd } from '../../../server/src/languages/sql';
import type { Database } from '../../../rules/model';
import type { SourceReader, Unit } from '../../../server/src/languages/types';
import { ready } from './helpers';

before(ready);

const dump = '/virtual/cache/structure.sql';
const dumpUnit: Unit = { language: 'sql', id: `sql:${dump}`, files: [dump], hints: { kind: 'file', dir: dump, dialect: 'postgresql' } };

const schema = `CREATE TABLE users (id integer PRIMARY KEY);
CREATE TABLE posts (
  id integer PRIMARY KEY,
  author_id integer REFERENCES users (id)
);
`;

function reader(files: Record<string, string>): SourceReader {
  return { read: (p) => files[p] };
}

function onDeleteEdit(text: string) {
  const r = reader({ [dump]: text });
  const db = sqlFrontEnd.analyze(dumpUnit, r, { validation: false }).databases[0];
  const posts = db.tables.find((t) => t.name === 'posts')!;
  const edits = sqlFrontEnd.writeFix({ kind: 'setOnDelete', database: db, table: posts, foreignKey: posts.foreignKeys[0], action: 'Cascade' }, r);
  assert.ok(edits);
  return edits[0].edits[0];
}

test('in-place edits follow the current text of the file (lines, non-ASCII text)', () => {
  const first = onDeleteEdit(schema);
  assert.deepEqual(first.range.start, { line: 3, character: 41 });
  assert.equal(first.newText, ' ON DELETE CASCADE');

  // Same path, three lines more on top, one of them not ASCII: the edit moves with the text.
  const shifted = `-- Généré par pg_dump\n\n-- schéma\n${schema.replace('  id integer PRIMARY KEY,', '  id   integer PRIMARY KEY, -- clé')}`;
  assert.deepEqual(onDeleteEdit(shifted).range.start, { line: 6, character: 41 });

  // Back to an equal text built anew: the same edit as the first time.
  assert.deepEqual(onDeleteEdit(schema.split('').join('')), first);
});

test('the migration target follows the files discovery reads (a lock file appearing)', async () => {
  const dir = '/virtual/cache/history';
  const file = `${dir}/20240101000000_init/migration.sql`;
  const files: Record<string, string> = { [file]: schema };
  const r = reader(files);
  const units = sqlFrontEnd.discover([file], { read: (p) => (p.endsWith('migration_lock.toml') ? 'provider = "postgresql"\n' : files[p]) });
  const db: Database = sqlFrontEnd.analyze(units[0], r, { validation: false }).databases[0];
  const posts = db.tables.find((t) => t.name === 'posts')!;
  const write = (rd: SourceReader) => sqlFrontEnd.writeFix({ kind: 'addIndex', database: db, table: posts, columns: ['author_id'] }, rd);

  // Without the lock file the folder is not a Prisma history; with it, the fix is a new Prisma migration.
  const without = write(r);
  // Files change between events, never within the synchronous run in which a review writes its fixes.
  await new Promise((done) => setImmediate(done));
  files[`${dir}/migration_lock.toml`] = 'provider = "postgresql"\n';
  const withLock = write(r);
  assert.ok(withLock);
  assert.match(withLock[0].file, /^\/virtual\/cache\/history\/\d{14}_add_index_posts_author_id\/migration\.sql$/);
  assert.notDeepEqual(without?.map((e) => e.file), withLock.map((e) => e.file));
});
