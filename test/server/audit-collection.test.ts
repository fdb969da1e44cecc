/**
 * The collection after a workspace audit (collectAuditGarbage in server/src/memory.ts): it runs when the heap grew by
 * the threshold since the last one, and gives that garbage back; otherwise it is skipped.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { collectAuditGarbage } from '../../server/src/memory';

const MB = 1024 * 1024;

/** Old-generation garbage, like an audit's: objects that survived young collections, then were dropped. */
function makeGarbage(): void {
  let keep: { id: number; payload: string }[][] | undefined = [];
  for (let i = 0; i < 40; i++) keep.push(Array.from({ length: 20_000 }, (_, j) => ({ id: j, payload: `row ${i}:${j}` })));
  keep = undefined;
}

test('after an audit that left garbage, the heap is collected; right after, with little new garbage, it is not', () => {
  // A first collection sets the baseline the next ones are measured from.
  collectAuditGarbage(0);
  makeGarbage();
  const withIt = process.memoryUsage().heapUsed;
  assert.equal(collectAuditGarbage(20 * MB), true);
  const after = process.memoryUsage().heapUsed;
  assert.ok(withIt - after > 20 * MB, `heap ${Math.round(withIt / MB)} MB → ${Math.round(after / MB)} MB`);
  // Little garbage since: no collection (an unchanged workspace's audit does not pay for one every time).
  const small = Array.from({ length: 1000 }, (_, i) => ({ i }));
  assert.equal(collectAuditGarbage(20 * MB), false);
  assert.equal(small.length, 1000);
});
