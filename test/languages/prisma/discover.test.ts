import { test } from 'node:test';
import assert from 'node:assert/strict';
import { prismaFrontEnd } from '../../../server/src/languages/prisma';
import { majorOf, minorOf, schemaFromConfig } from '../../../server/src/languages/prisma/discover';
import { FIXTURES, diskReader, listFiles, memoryReader } from './helpers';

test('fixtures: one unit per schema, folder schemas as one unit, majors from package.json', () => {
  const files = listFiles(FIXTURES);
  const units = prismaFrontEnd.discover(files, diskReader());
  const rel = (p: string) => p.slice(FIXTURES.length + 1);
  assert.deepEqual(
    units.map((u) => [rel(u.id.slice('prisma:'.length)), u.files.map(rel), u.hints?.prismaMajor]).sort(),
    [
      ['check-migrations/prisma/schema.prisma', ['check-migrations/prisma/schema.prisma'], 6],
      ['event-qa/prisma/schema.prisma', ['event-qa/prisma/schema.prisma'], 6],
      ['learning-platform/prisma/schema.prisma', ['learning-platform/prisma/schema.prisma'], 6],
      ['multi-file/prisma/schema', ['multi-file/prisma/schema/post.prisma', 'multi-file/prisma/schema/schema.prisma', 'multi-file/prisma/schema/user.prisma'], 7],
      ['mysql-shop/db/shop.prisma', ['mysql-shop/db/shop.prisma'], 6],
      ['planetscale/prisma/schema.prisma', ['planetscale/prisma/schema.prisma'], 5],
      ['prisma5/prisma/schema.prisma', ['prisma5/prisma/schema.prisma'], 5],
      [
        'saas-multischema/prisma/schema',
        ['saas-multischema/prisma/schema/auth.prisma', 'saas-multischema/prisma/schema/billing.prisma', 'saas-multischema/prisma/schema/schema.prisma'],
        6,
      ],
    ].sort(),
  );
  assert.ok(units.every((u) => u.language === 'prisma'));
});

test('conventional prisma/schema folder, strays, node_modules, files without datasource', () => {
  const ds = 'datasource db {\n  provider = "postgresql"\n}\n';
  const files: Record<string, string> = {
    '/w/package.json': JSON.stringify({ devDependencies: { prisma: '~6.2.1' } }),
    '/w/prisma/schema/main.prisma': ds,
    '/w/prisma/schema/models/user.prisma': 'model User {\n  id Int @id\n}\n',
    '/w/other/a.prisma': ds,
    '/w/other/extra.prisma': 'model X {\n  id Int @id\n}\n',
    '/w/two/a.prisma': ds,
    '/w/two/b.prisma': 'generator client {\n  provider = "prisma-client-js"\n}\n',
    '/w/lonely/models.prisma': 'model Y {\n  id Int @id\n}\n',
    // The conventional schema with its datasource misspelled: still the project's schema.
    '/w/app/prisma/schema.prisma': 'datasourse db {\n  provider = "postgresql"\n}\nmodel Z {\n  id Int @id\n}\n',
    '/w/node_modules/.prisma/client/schema.prisma': ds,
  };
  const units = prismaFrontEnd.discover(Object.keys(files).sort(), memoryReader(files));
  assert.deepEqual(
    units.map((u) => [u.id, u.files, u.hints?.prismaMajor]),
    [
      ['prisma:/w/prisma/schema', ['/w/prisma/schema/main.prisma', '/w/prisma/schema/models/user.prisma'], 6],
      ['prisma:/w/app/prisma/schema.prisma', ['/w/app/prisma/schema.prisma'], 6],
      ['prisma:/w/other/a.prisma', ['/w/other/a.prisma', '/w/other/extra.prisma'], 6],
      ['prisma:/w/two/a.prisma', ['/w/two/a.prisma'], 6],
      ['prisma:/w/two/b.prisma', ['/w/two/b.prisma'], 6],
    ],
  );
});

test('package.json#prisma.schema names a folder; no package.json means no major', () => {
  const files: Record<string, string> = {
    '/p/package.json': JSON.stringify({ prisma: { schema: './db/schema' }, dependencies: { '@prisma/client': '^5.10.0' } }),
    '/p/db/schema/a.prisma': 'model A {\n  id Int @id\n}\n',
    '/p/db/schema/b.prisma': 'model B {\n  id Int @id\n}\n',
    '/q/schema.prisma': 'datasource db {\n  provider = "sqlite"\n  url = "file:dev.db"\n}\n',
  };
  const units = prismaFrontEnd.discover(Object.keys(files).sort(), memoryReader(files));
  assert.deepEqual(units.map((u) => [u.id, u.files.length, u.hints?.prismaMajor]), [
    ['prisma:/p/db/schema', 2, 5],
    ['prisma:/q/schema.prisma', 1, undefined],
  ]);
});

test('prisma.config.ts schema is read syntactically', () => {
  assert.equal(schemaFromConfig(`import { defineConfig } from 'prisma/config'\nexport default defineConfig({ schema: "db/schema.prisma" })`), 'db/schema.prisma');
  assert.equal(schemaFromConfig(`export default { schema: path.join(__dirname, 'prisma', 'models') }`), 'prisma/models');
  assert.equal(schemaFromConfig(`export default defineConfig({ schema: process.env.SCHEMA })`), undefined);
  assert.equal(schemaFromConfig('%%% not typescript {{{'), undefined);
});

test('majors: ranges and prefixes are stripped', () => {
  assert.equal(majorOf('^5.22.0'), 5);
  assert.equal(majorOf('~6.1.0'), 6);
  assert.equal(majorOf('7.0.0-dev.3'), 7);
  assert.equal(majorOf('>=6.0.0'), 6);
  assert.equal(majorOf('latest'), undefined);
  assert.equal(majorOf(undefined), undefined);
});

test('monorepo: schema settings from the package, the major from the root package.json', () => {
  const files: Record<string, string> = {
    '/repo/package.json': JSON.stringify({ devDependencies: { prisma: '^6.3.0' } }),
    '/repo/packages/db/package.json': JSON.stringify({ name: '@acme/db', prisma: { schema: 'schema.prisma' } }),
    '/repo/packages/db/schema.prisma': 'model A {\n  id Int @id\n}\n',
  };
  const units = prismaFrontEnd.discover(Object.keys(files).sort(), memoryReader(files));
  assert.deepEqual(units.map((u) => [u.id, u.hints?.prismaMajor]), [['prisma:/repo/packages/db/schema.prisma', 6]]);
});

test('minors: only versions that pin the minor give one', () => {
  for (const v of ['6.1.0', '=6.1.0', '~6.1.0', '~6.1', '6.1.x', '6.1.*', '6.1', 'v6.1.3', '6.1.0-dev.12', 'npm:prisma@6.1.0']) assert.equal(minorOf(v), 1, v);
  for (const v of ['^6.1.0', '>=6.1.0', '6.x', '6', '~6', '6.1.0 || 6.2.0', '>=6.0.0 <6.2.0', 'latest', 'workspace:*', undefined]) assert.equal(minorOf(v), undefined, String(v));
});

test('hints.prismaMinor: from a pinned version, else from the package installed beside a range of the same major', () => {
  const ds = 'datasource db {\n  provider = "sqlite"\n  url = "file:dev.db"\n}\n';
  const files: Record<string, string> = {
    '/a/package.json': JSON.stringify({ devDependencies: { prisma: '6.1.0' }, dependencies: { '@prisma/client': '6.1.0' } }),
    '/a/prisma/schema.prisma': ds,
    '/b/package.json': JSON.stringify({ devDependencies: { prisma: '^6.0.0' } }),
    '/b/node_modules/prisma/package.json': JSON.stringify({ name: 'prisma', version: '6.0.1' }),
    '/b/prisma/schema.prisma': ds,
    '/c/package.json': JSON.stringify({ devDependencies: { prisma: '^6.0.0' } }),
    '/c/prisma/schema.prisma': ds,
    // Installed from another major than package.json says (not reinstalled yet): not trusted.
    '/d/package.json': JSON.stringify({ dependencies: { '@prisma/client': '^6.0.0' } }),
    '/d/node_modules/@prisma/client/package.json': JSON.stringify({ version: '5.22.0' }),
    '/d/prisma/schema.prisma': ds,
    // A monorepo: the version at the root, the schema in a package without one.
    '/m/package.json': JSON.stringify({ devDependencies: { prisma: '~6.1.2' } }),
    '/m/packages/db/package.json': JSON.stringify({ name: 'db' }),
    '/m/packages/db/prisma/schema.prisma': ds,
  };
  const units = prismaFrontEnd.discover(Object.keys(files).filter((f) => f.endsWith('.prisma')).sort(), memoryReader(files));
  assert.deepEqual(
    units.map((u) => [u.id, u.hints?.prismaMajor, u.hints?.prismaMinor]),
    [
      ['prisma:/a/prisma/schema.prisma', 6, 1],
      ['prisma:/b/prisma/schema.prisma', 6, 0],
      ['prisma:/c/prisma/schema.prisma', 6, undefined],
      ['prisma:/d/prisma/schema.prisma', 6, undefined],
      ['prisma:/m/packages/db/prisma/schema.prisma', 6, 1],
    ],
  );
  const a = prismaFrontEnd.analyze(units[0], memoryReader(files), { validation: false });
  assert.equal(a.databases[0].prismaMinor, 1);
  assert.equal(prismaFrontEnd.analyze(units[2], memoryReader(files), { validation: false }).databases[0].prismaMinor, undefined);
});

test('prisma.config: schema paths built from process.cwd(), import.meta.dirname, or a const named schema', () => {
  const config = (schema: string, before = '') =>
    `import path from 'node:path'\nimport { defineConfig, env } from 'prisma/config'\n${before}\nexport default defineConfig({\n  ${schema},\n  datasource: { url: env('DATABASE_URL') },\n})\n`;
  assert.equal(schemaFromConfig(config(`schema: path.join(process.cwd(), 'prisma', 'schema')`)), 'prisma/schema');
  assert.equal(schemaFromConfig(config(`schema: path.join(import.meta.dirname, 'prisma')`)), 'prisma');
  assert.equal(schemaFromConfig(config(`schema: path.resolve(import.meta.dirname, 'db', 'schema.prisma')`)), 'db/schema.prisma');
  assert.equal(schemaFromConfig(config('schema', `const schema = 'prisma/models'`)), 'prisma/models');
  assert.equal(schemaFromConfig(config('schema: schemaPath', `const schemaPath = path.join(__dirname, 'prisma', 'schema')`)), 'prisma/schema');
  // Not known without running the code.
  assert.equal(schemaFromConfig(config('schema: schemaPath', `let schemaPath = process.env.SCHEMA ?? 'x'`)), undefined);
  assert.equal(schemaFromConfig(config(`schema: path.join(process.env.ROOT!, 'prisma')`)), undefined);
});
