import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { applyTextEdits, collectFixAll, offsetAt, overlaps } from '../../server/src/fixes';
import type { Finding } from '../../server/src/engine';

const r = (l1: number, c1: number, l2: number, c2: number) => ({ start: { line: l1, character: c1 }, end: { line: l2, character: c2 } });

function finding(rule: string, fixes: Finding['fixes']): Finding {
  return { rule, category: 'indexes', severity: 'warning', file: '/a', range: r(0, 0, 0, 1), message: 'm', fixes, related: [] };
}

describe('fixes', () => {
  it('applies edits in any order, keeping insertions at one point in order', () => {
    const text = 'model A {\n  id Int @id\n}\n';
    const out = applyTextEdits(text, [
      { range: r(2, 0, 2, 0), newText: '  @@index([b])\n' },
      { range: r(1, 2, 1, 4), newText: 'key' },
      { range: r(2, 0, 2, 0), newText: '  @@index([c])\n' },
    ]);
    assert.equal(out, 'model A {\n  key Int @id\n  @@index([b])\n  @@index([c])\n}\n');
  });

  it('counts lines as LSP does: at \\n, \\r\\n and a bare \\r, a position past the line end stops before its line break', () => {
    assert.equal(offsetAt('ab\rcd\r\nef\ngh', { line: 1, character: 1 }), 4);
    assert.equal(offsetAt('ab\rcd\r\nef\ngh', { line: 2, character: 0 }), 7);
    assert.equal(offsetAt('ab\rcd\r\nef\ngh', { line: 3, character: 2 }), 12);
    assert.equal(offsetAt('ab\rcd\r\nef\ngh', { line: 1, character: 9 }), 5, 'before the \\r of \\r\\n');
    assert.equal(offsetAt('ab\rcd', { line: 7, character: 0 }), 5);
    const classic = 'model A {\r  id Int @id\r}\r';
    assert.equal(applyTextEdits(classic, [{ range: r(2, 0, 2, 0), newText: '  @@index([b])\r' }]), 'model A {\r  id Int @id\r  @@index([b])\r}\r');
  });

  it('detects overlaps, including two insertions at one point', () => {
    assert.equal(overlaps(r(1, 0, 1, 5), r(1, 4, 1, 8)), true);
    assert.equal(overlaps(r(1, 0, 1, 4), r(1, 4, 1, 8)), false);
    assert.equal(overlaps(r(2, 0, 2, 0), r(2, 0, 2, 0)), true);
    assert.equal(overlaps(r(2, 0, 2, 0), r(2, 1, 2, 1)), false);
  });

  it('an insertion at either end of a replaced range conflicts with it (it was written against that text)', () => {
    // `[index('x_id').on(t.id)]`: one fix deletes the only item, another appends `, index(…)` after it.
    assert.equal(overlaps(r(3, 10, 3, 30), r(3, 30, 3, 30)), true);
    assert.equal(overlaps(r(3, 30, 3, 30), r(3, 10, 3, 30)), true);
    assert.equal(overlaps(r(3, 10, 3, 10), r(3, 10, 3, 30)), true);
    assert.equal(overlaps(r(3, 10, 3, 30), r(3, 31, 3, 31)), false);
    assert.equal(overlaps(r(3, 9, 3, 9), r(3, 10, 3, 30)), false);
    const text = 'x = [a, b];\n';
    const drop = { title: 'drop', safety: 'unsafe' as const, preferred: false, edits: [{ file: '/a', edits: [{ range: r(0, 5, 0, 9), newText: '' }] }] };
    const add = { title: 'add', safety: 'safe' as const, preferred: true, edits: [{ file: '/a', edits: [{ range: r(0, 9, 0, 9), newText: ', c' }] }] };
    const edits = collectFixAll([finding('dup', [drop]), finding('fk', [add])], true);
    assert.equal(applyTextEdits(text, edits[0].edits), 'x = [];\n', 'the insertion waits for the next pass');
  });

  it('fix-all takes safe fixes only unless unsafe is allowed, one per finding, no overlaps', () => {
    const safe = { title: 's', safety: 'safe' as const, preferred: true, edits: [{ file: '/a', edits: [{ range: r(1, 0, 1, 0), newText: 'S' }] }] };
    const unsafe = { title: 'u', safety: 'unsafe' as const, preferred: false, edits: [{ file: '/a', edits: [{ range: r(2, 0, 2, 1), newText: 'U' }] }] };
    const clash = { title: 'c', safety: 'safe' as const, preferred: true, edits: [{ file: '/a', edits: [{ range: r(1, 0, 1, 0), newText: 'C' }] }] };
    const findings = [finding('x', [safe]), finding('y', [unsafe]), finding('z', [clash])];
    const safeOnly = collectFixAll(findings, false);
    assert.deepEqual(safeOnly[0].edits.map((e) => e.newText), ['S']);
    const all = collectFixAll(findings, true);
    assert.deepEqual(all[0].edits.map((e) => e.newText), ['S', 'U']);
  });
});
