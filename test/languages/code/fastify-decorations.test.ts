import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { readFileSync } from 'node:fs';
import { FIXTURES, analyzeFixture, codeFile, line } from './helpers';

describe('Fastify: a client decorated on the instance (`fastify.decorate(\'db\', db)`)', () => {
  const { analysis } = analyzeFixture(join(FIXTURES, 'fastify-app'));
  const calls = (suffix: string) => codeFile(analysis.codeFiles, suffix).calls.map((c) => [line(c), c.client, c.operation, c.kind, c.driver, c.enclosingFunction]);

  it('`fastify.db` on a parameter typed FastifyInstance and `request.server.db` in its routes are the client, with its driver', () => {
    assert.deepEqual(calls('/src/routes/notebooks.ts'), [
      [8, 'fastify.db', 'select', 'read', 'drizzle-orm/node-postgres', "fastify.get('/notebooks/:id/notes')"],
      [14, 'fastify.db', 'insert', 'write', 'drizzle-orm/node-postgres', "fastify.post('/notebooks')"],
      [15, 'fastify.db', 'insert', 'write', 'drizzle-orm/node-postgres', "fastify.post('/notebooks')"],
      [21, 'request.server.db', 'delete', 'write', 'drizzle-orm/node-postgres', "fastify.delete('/notebooks/:id')"],
      [22, 'request.server.db', 'delete', 'write', 'drizzle-orm/node-postgres', "fastify.delete('/notebooks/:id')"],
    ]);
  });

  it('`app.db` in a plugin given to fastify-plugin (its untyped first parameter) and on the instance `Fastify()` made', () => {
    assert.deepEqual(calls('/src/plugins/sessions.ts').map((c) => c.slice(0, 4)), [[7, 'app.db', 'delete', 'write']]);
    assert.deepEqual(calls('/src/app.ts').map((c) => c.slice(0, 4)), [[11, 'app.db', 'execute', 'write']]);
  });

  it('a decorated member that is not a client (`fastify.config`) is not one, and the plugin making the client has no query', () => {
    assert.deepEqual(calls('/src/plugins/db.ts'), []);
  });

  it('no decoration holds a client (the plugin decorates `db` with a config object): `fastify.db` is no client, not a guess from its name', () => {
    const plugin = join(FIXTURES, 'fastify-app/src/plugins/db.ts');
    const text = readFileSync(plugin, 'utf8')
      .replace('db: NodePgDatabase<typeof schema>;', 'db: { url: string };')
      .replace("fastify.decorate('db', db);", "fastify.decorate('db', { url: process.env.DATABASE_URL! });");
    const { analysis: other } = analyzeFixture(join(FIXTURES, 'fastify-app'), [], new Map([[plugin, text]]));
    assert.deepEqual(codeFile(other.codeFiles, '/src/routes/notebooks.ts').calls, []);
    assert.deepEqual(codeFile(other.codeFiles, '/src/app.ts').calls, []);
  });
});
