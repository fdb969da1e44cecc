/**
 * drizzle.config `casing`: columns that give no SQL name of their own are named by it, as drizzle-kit names them,
 * so findings, titles and fixes speak of the real SQL columns (`posts_author_id_idx`, not `posts_authorId_idx`).
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { columnOf } from '../../../rules/types';
import { drizzleFrontEnd } from '../../../server/src/languages/drizzle';
import { toCamelCase, toSnakeCase } from '../../../server/src/languages/drizzle/analyze';
import { drizzleIndexName } from '../../../rules/titles';
import { memoryReader, table } from './helpers';

const SCHEMA = `import { pgTable, integer, serial, text } from 'drizzle-orm/pg-core';

export const users = pgTable('users', {
  id: serial().primaryKey(),
  displayName: text(),
});

export const posts = pgTable('posts', {
  id: serial().primaryKey(),
  authorId: integer().notNull().references(() => users.id, { onDelete: 'cascade' }),
  legacyID: integer('legacyID'),
});
`;

function database(config: string) {
  const files = { '/w/drizzle.config.ts': config, '/w/src/schema.ts': SCHEMA };
  const reader = memoryReader(files);
  const [unit] = drizzleFrontEnd.discover(Object.keys(files), reader);
  return drizzleFrontEnd.analyze(unit, reader, { validation: false }).databases[0];
}

describe('drizzle casing', () => {
  it('splits keys as drizzle-orm does', () => {
    assert.equal(toSnakeCase('authorId'), 'author_id');
    assert.equal(toSnakeCase('userIDCard2fa'), 'user_id_card2fa');
    assert.equal(toCamelCase('author_id'), 'authorId');
  });

  it('names unnamed columns snake_case, keeps names the builder gives', () => {
    const db = database(`import { defineConfig } from 'drizzle-kit';\nexport default defineConfig({ dialect: 'postgresql', schema: './src/schema.ts', casing: 'snake_case' });\n`);
    const posts = table(db, 'posts');
    assert.equal(columnOf(posts, 'authorId')?.dbName, 'author_id');
    assert.equal(columnOf(posts, 'legacyID')?.dbName, undefined, 'an explicit name wins');
    assert.equal(columnOf(table(db, 'users'), 'displayName')?.dbName, 'display_name');
    assert.equal(drizzleIndexName(posts, ['authorId']), 'posts_author_id_idx');
  });

  it('leaves keys as SQL names without casing', () => {
    const db = database(`export default { dialect: 'postgresql', schema: './src/schema.ts' };\n`);
    assert.equal(columnOf(table(db, 'posts'), 'authorId')?.dbName, undefined);
    assert.equal(drizzleIndexName(table(db, 'posts'), ['authorId']), 'posts_authorId_idx');
  });
});
