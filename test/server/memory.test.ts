import { test } from 'node:test';
import assert from 'node:assert/strict';
import { collectStartupGarbage } from '../../server/src/memory';

test('the idle collection after the first review gives back the garbage start-up left', () => {
  // Old-generation garbage, like a start-up's: objects that survived young collections, then were dropped.
  let keep: { id: number; payload: string }[][] | undefined = [];
  for (let i = 0; i < 40; i++) keep.push(Array.from({ length: 20_000 }, (_, j) => ({ id: j, payload: `row ${i}:${j}` })));
  const withIt = process.memoryUsage().heapUsed;
  keep = undefined;
  collectStartupGarbage();
  const after = process.memoryUsage().heapUsed;
  assert.ok(withIt - after > 20 * 1024 * 1024, `heap ${Math.round(withIt / 1048576)} MB → ${Math.round(after / 1048576)} MB`);
  assert.equal(keep, undefined);
});
