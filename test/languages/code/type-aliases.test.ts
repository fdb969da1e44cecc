import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { analyzeFixture, codeFile, FIXTURES, line } from './helpers';

const APP = `${FIXTURES}/drizzle-types`;

describe('parameters typed with a client type alias (`export type Db = typeof db`)', () => {
  const { analysis } = analyzeFixture(APP);
  const posts = codeFile(analysis.codeFiles, 'lib/posts.ts');
  const at = (n: number) => posts.calls.find((c) => line(c) === n);

  it('`db: Db` (an imported `typeof db` alias) is the Drizzle client, with its driver', () => {
    assert.deepEqual([at(9)?.client, at(9)?.orm, at(9)?.operation], ['db', 'drizzle', 'delete']);
    assert.equal(at(10)?.orm, 'drizzle');
    assert.equal(at(9)?.driver, 'drizzle-orm/neon-http');
  });

  it('`database: AppDb` (an alias of an alias of NodePgDatabase) is a client: the outer-client write in the callback is seen', () => {
    const outside = at(16);
    assert.equal(outside?.client, 'database');
    assert.ok(outside?.transaction, 'inside the transaction callback');
    assert.ok(!outside?.viaTransactionClient);
    assert.equal(at(15)?.viaTransactionClient, true);
  });

  it('an alias declared in a types module that only imports the client (`export type DbClient = typeof db`)', () => {
    assert.deepEqual([at(21)?.client, at(21)?.orm], ['client', 'drizzle']);
  });

  it('a transaction client alias (`type Tx = PgTransaction<…>`) is not taken for a plain client', () => {
    assert.equal(at(26), undefined);
    assert.equal(at(27), undefined);
  });
});
