import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { drizzleFrontEnd } from '../../../server/src/languages/drizzle';
import { readDrizzleConfig, schemaMatcher } from '../../../server/src/languages/drizzle/discover';
import type { SourceReader } from '../../../server/src/languages/types';
import { fixture, listFiles, memoryReader, overlayReader } from './helpers';

const TABLE = (name: string) =>
  `import { pgTable, serial } from "drizzle-orm/pg-core";\nexport const ${name} = pgTable("${name}", { id: serial("id").primaryKey() });\n`;

function countingReader(files: Record<string, string>): SourceReader & { reads: string[] } {
  const reads: string[] = [];
  return {
    reads,
    read(p) {
      reads.push(p);
      return files[p];
    },
  };
}

describe('drizzle discover: drizzle.config', () => {
  it('reads defineConfig({ schema, dialect }) without running it', () => {
    const c = readDrizzleConfig(
      '/p/drizzle.config.ts',
      `import { defineConfig } from "drizzle-kit";\nexport default defineConfig({ schema: "./src/db/schema.ts", dialect: "mysql", out: "./drizzle" });\n`,
    );
    assert.deepEqual(c, { file: '/p/drizzle.config.ts', schema: ['/p/src/db/schema.ts'], dialect: 'mysql', out: '/p/drizzle' });
  });

  it('reads arrays, globs, satisfies, module.exports and the old driver key', () => {
    assert.deepEqual(
      readDrizzleConfig('/p/drizzle.config.ts', `export default { schema: ["./a.ts", "../shared/*.ts"], dialect: "sqlite" } satisfies Config;`).schema,
      ['/p/a.ts', '/shared/*.ts'],
    );
    const cjs = readDrizzleConfig('/p/drizzle.config.cjs', `module.exports = { schema: "./db", driver: "pg" };`);
    assert.deepEqual([cjs.schema, cjs.dialect], [['/p/db'], 'postgresql']);
    const json = readDrizzleConfig('/p/drizzle.config.json', `{ "schema": "./s.ts", "dialect": "turso" }`);
    assert.deepEqual([json.schema, json.dialect], [['/p/s.ts'], 'sqlite']);
    const broken = readDrizzleConfig('/p/drizzle.config.ts', `export default defineConfig({ schema: `);
    assert.deepEqual(broken.schema, []);
  });

  it('matches files, folders and globs', () => {
    assert.ok(schemaMatcher('/p/db')('/p/db/users.ts'));
    assert.ok(!schemaMatcher('/p/db')('/p/dbx/users.ts'));
    assert.ok(schemaMatcher('/p/db/*.ts')('/p/db/users.ts'));
    assert.ok(!schemaMatcher('/p/db/*.ts')('/p/db/sub/users.ts'));
    assert.ok(schemaMatcher('/p/db/**/*.ts')('/p/db/users.ts'));
    assert.ok(schemaMatcher('/p/db/**/*.ts')('/p/db/a/b/users.ts'));
    assert.ok(schemaMatcher('/p/db/{users,posts}.ts')('/p/db/posts.ts'));
    assert.ok(!schemaMatcher('/p/db/{users,posts}.ts')('/p/db/tags.ts'));
  });

  it('makes one unit per config from the files it names, with its dialect', () => {
    const files: Record<string, string> = {
      '/p/drizzle.config.ts': `export default { schema: "./src/schema/*", dialect: "postgresql" };`,
      '/p/src/schema/a.ts': TABLE('a'),
      '/p/src/schema/b.ts': TABLE('b'),
      '/p/src/other/c.ts': TABLE('c'),
      '/p/src/query.ts': `import { eq } from "drizzle-orm";\nimport { a } from "./schema/a";\nexport const q = eq(a.id, 1);\n`,
      '/p/package.json': '{}',
    };
    const units = drizzleFrontEnd.discover(Object.keys(files).sort(), memoryReader(files));
    assert.deepEqual(
      units.map((u) => [u.id, u.files, u.hints?.dialect]),
      [
        ['drizzle:/p/drizzle.config.ts', ['/p/src/schema/a.ts', '/p/src/schema/b.ts'], 'postgresql'],
        ['drizzle:/p', ['/p/src/other/c.ts'], undefined],
      ],
    );
  });
});

describe('drizzle discover: a config in a subfolder', () => {
  it('names its schema from the package root, as drizzle-kit run there reads it (casing and dialect kept)', () => {
    const files: Record<string, string> = {
      '/p/package.json': '{ "scripts": { "db:generate": "drizzle-kit generate --config=db/drizzle.config.ts" } }',
      '/p/db/drizzle.config.ts': `import { defineConfig } from "drizzle-kit";
export default defineConfig({ schema: "./db/schema/*.ts", out: "./db/migrations", dialect: "postgresql", casing: "snake_case" });`,
      '/p/db/schema/users.ts': `import { pgTable, uuid, text } from "drizzle-orm/pg-core";\nexport const users = pgTable("users", { id: uuid().primaryKey(), fullName: text().notNull() });\n`,
    };
    const reader = memoryReader(files);
    const units = drizzleFrontEnd.discover(Object.keys(files).sort(), reader);
    assert.deepEqual(
      units.map((u) => [u.id, u.files, u.hints?.casing]),
      [['drizzle:/p/db/drizzle.config.ts', ['/p/db/schema/users.ts'], 'snake_case']],
    );
    const db = drizzleFrontEnd.analyze(units[0], reader, { validation: true }).databases[0];
    assert.deepEqual(db.tables[0].columns.map((c) => c.dbName ?? c.name), ['id', 'full_name']);
  });

  it('keeps the config folder when the paths name files from there', () => {
    const files: Record<string, string> = {
      '/p/package.json': '{}',
      '/p/db/drizzle.config.ts': `export default { schema: "./schema.ts", dialect: "postgresql" };`,
      '/p/db/schema.ts': TABLE('a'),
      '/p/schema.ts': TABLE('b'),
    };
    const units = drizzleFrontEnd.discover(Object.keys(files).sort(), memoryReader(files));
    assert.deepEqual(units.map((u) => [u.id, u.files]), [
      ['drizzle:/p/db/drizzle.config.ts', ['/p/db/schema.ts']],
      ['drizzle:/p', ['/p/schema.ts']],
    ]);
  });
});

describe('drizzle discover: a config naming a barrel', () => {
  it('follows export * from the file the config names (and the folders it names) to the tables', () => {
    const files: Record<string, string> = {
      '/p/package.json': '{}',
      '/p/drizzle.config.ts': `import { defineConfig } from 'drizzle-kit';
export default defineConfig({ schema: './src/db/index.ts', dialect: 'postgresql', casing: 'snake_case' });
`,
      '/p/src/db/index.ts': `export * from './schema';\nexport { db } from './client';\n`,
      '/p/src/db/client.ts': `import { drizzle } from 'drizzle-orm/node-postgres';\nexport const db = drizzle(process.env.DATABASE_URL!);\n`,
      '/p/src/db/schema/index.ts': `export * from './users';\nexport { posts as articles } from './posts';\n`,
      '/p/src/db/schema/users.ts': TABLE('users'),
      '/p/src/db/schema/posts.ts': TABLE('posts'),
      '/p/src/other/legacy.ts': TABLE('legacy'),
    };
    const units = drizzleFrontEnd.discover(Object.keys(files).sort(), memoryReader(files));
    assert.deepEqual(
      units.map((u) => [u.id, [...u.files].sort(), u.hints?.casing]),
      [
        [
          'drizzle:/p/drizzle.config.ts',
          ['/p/src/db/index.ts', '/p/src/db/schema/index.ts', '/p/src/db/schema/posts.ts', '/p/src/db/schema/users.ts'],
          'snake_case',
        ],
        ['drizzle:/p', ['/p/src/other/legacy.ts'], undefined],
      ],
    );
  });
});

describe('drizzle discover: shared column objects', () => {
  const HELPER = `import { timestamp } from 'drizzle-orm/pg-core';

// Shared audit columns, spread into every table.
export const timestamps = {
  createdAt: timestamp('created_at', { withTimezone: true }).defaultNow().notNull(),
  updatedAt: timestamp('updated_at', { withTimezone: true }),
};
`;
  const USERS = `import { pgTable, uuid, text } from 'drizzle-orm/pg-core';
import { timestamps } from './_shared';
export const users = pgTable('users', { id: uuid().primaryKey(), name: text(), ...timestamps });
`;
  const POSTS = `import { pgTable, uuid, text } from 'drizzle-orm/pg-core';
import { timestamps } from '../columns';
export const posts = pgTable('posts', { id: uuid().primaryKey(), title: text(), ...timestamps });
`;

  it('a file holding only `...timestamps` columns joins the unit of the tables that spread it, and its columns are read', () => {
    const files: Record<string, string> = {
      '/p/package.json': '{}',
      '/p/drizzle.config.ts': `export default { schema: './src/db/schema/*.ts', dialect: 'postgresql', casing: 'snake_case' };`,
      '/p/src/db/schema/_shared.ts': HELPER,
      '/p/src/db/schema/users.ts': USERS,
      '/q/package.json': '{}',
      '/q/db/columns.ts': HELPER,
      '/q/db/schema/posts.ts': POSTS,
      '/q/db/unrelated.ts': `import { integer } from 'drizzle-orm/pg-core';\nexport const money = { cents: integer('cents') };\n`,
    };
    const reader = memoryReader(files);
    const units = drizzleFrontEnd.discover(Object.keys(files).sort(), reader);
    assert.deepEqual(
      units.map((u) => [u.id, u.files]),
      [
        ['drizzle:/p/drizzle.config.ts', ['/p/src/db/schema/users.ts', '/p/src/db/schema/_shared.ts']],
        ['drizzle:/q', ['/q/db/schema/posts.ts', '/q/db/columns.ts']],
      ],
    );
    for (const unit of units) {
      const db = drizzleFrontEnd.analyze(unit, reader, { validation: true }).databases[0];
      const t = db.tables[0];
      assert.deepEqual(
        t.columns.map((c) => [c.name, c.nullable]),
        [['id', false], [t.columns[1].name, true], ['createdAt', false], ['updatedAt', true]],
        t.name,
      );
      assert.equal(t.columns[2].loc.file, unit.files[1]);
    }
  });
});

describe('drizzle discover: without a config', () => {
  it('groups schema files by their nearest package root', () => {
    const files: Record<string, string> = {
      '/repo/apps/web/package.json': '{}',
      '/repo/apps/web/db/schema.ts': TABLE('users'),
      '/repo/packages/db/package.json': '{}',
      '/repo/packages/db/src/users.ts': TABLE('users'),
      '/repo/packages/db/src/posts.ts': TABLE('posts'),
    };
    const units = drizzleFrontEnd.discover(Object.keys(files).sort(), memoryReader(files));
    assert.deepEqual(
      units.map((u) => [u.id, u.files]),
      [
        ['drizzle:/repo/apps/web', ['/repo/apps/web/db/schema.ts']],
        ['drizzle:/repo/packages/db', ['/repo/packages/db/src/posts.ts', '/repo/packages/db/src/users.ts']],
      ],
    );
  });

  it('reads only files that mention drizzle-orm past the text check, and skips node_modules and .d.ts', () => {
    const files: Record<string, string> = {
      '/p/package.json': '{}',
      '/p/a.ts': TABLE('a'),
      '/p/b.ts': `export const b = 1; // pgTable("x", {})\n`,
      '/p/c.ts': `// drizzle-orm/pg-core\nexport const pgTable = (n: string, c: object) => ({ n, c });\nexport const t = pgTable("t", {});\n`,
      '/p/node_modules/x/index.ts': TABLE('x'),
      '/p/types.d.ts': TABLE('y'),
    };
    const reader = countingReader(files);
    const units = drizzleFrontEnd.discover(Object.keys(files).sort(), reader);
    assert.deepEqual(units.map((u) => u.files), [['/p/a.ts']]);
    assert.ok(!reader.reads.includes('/p/node_modules/x/index.ts'));
    assert.ok(!reader.reads.includes('/p/types.d.ts'));
  });

  it('finds the fixtures: one unit each', () => {
    for (const [dir, dialect] of [
      ['trading-bot', 'postgresql'],
      ['schema-folder', 'postgresql'],
      ['mysql-shop', undefined],
      ['sqlite-notes', 'sqlite'],
    ] as const) {
      const units = drizzleFrontEnd.discover(listFiles(fixture(dir)), overlayReader());
      assert.equal(units.length, 1, dir);
      assert.equal(units[0].hints?.dialect, dialect, dir);
    }
  });
});
