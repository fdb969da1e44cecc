import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as wasm from '../../../server/src/languages/prisma/wasm';

test('wasm build per Prisma major: 5, 6, else the newest', () => {
  assert.equal(wasm.wasmMajorFor(4), 5);
  assert.equal(wasm.wasmMajorFor(5), 5);
  assert.equal(wasm.wasmMajorFor(6), 6);
  assert.equal(wasm.wasmMajorFor(7), 7);
  assert.equal(wasm.wasmMajorFor(9), 7);
  assert.equal(wasm.wasmMajorFor(undefined), 7);
});

test('the recorded referential actions answer, and nothing is loaded for them', () => {
  // First in this file (its own process): no wasm has been loaded yet.
  for (const major of [5, 6, 7] as const) {
    assert.equal(wasm.isLoaded(major), false);
    assert.deepEqual(wasm.referentialActions('postgresql', 'foreignKeys', major), ['Cascade', 'Restrict', 'NoAction', 'SetNull', 'SetDefault']);
    assert.deepEqual(wasm.referentialActions('sqlserver', 'foreignKeys', major), ['Cascade', 'NoAction', 'SetNull', 'SetDefault']);
    assert.equal(wasm.isLoaded(major), false, `major ${major} stays unloaded`);
  }
});

test('referential actions from the wasm agree with the recorded table', () => {
  for (const major of [5, 6, 7] as const) {
    // Asked of the wasm itself, not of the table it is compared with.
    wasm.preload(major);
    assert.equal(wasm.isLoaded(major), true);
    for (const provider of ['postgresql', 'postgres', 'mysql', 'sqlite', 'sqlserver', 'cockroachdb', 'mongodb']) {
      for (const mode of ['foreignKeys', 'prisma'] as const) {
        if (provider === 'mongodb' && mode === 'foreignKeys') continue;
        assert.deepEqual(
          wasm.wasmReferentialActions(provider, mode, major),
          wasm.recordedReferentialActions(provider, mode),
          `${provider} ${mode} ${major}`,
        );
      }
    }
  }
});

test('a wasm panic comes back as a result with the panic message, and the wasm keeps working', () => {
  for (const major of [5, 6, 7] as const) {
    const res = wasm.debugPanicForTests(major);
    assert.equal(res.ok, false);
    if (!res.ok) {
      assert.equal(res.panic, true);
      assert.match(res.error, /debug_panic|panic/i);
    }
    const after = wasm.lint([['/a.prisma', 'model A {\n  id Int @id\n}\n']], major);
    assert.deepEqual(after, { ok: true, value: [] });
  }
});

test('validate and get_datamodel report invalid schemas as data, not exceptions', () => {
  const bad = [['/a.prisma', 'model A {\n  id Strin @id\n}\n']] as const;
  const v = wasm.validate(bad, 6);
  assert.deepEqual(v.ok && v.value.valid, false);
  assert.ok(v.ok && /Strin/.test(v.value.message ?? ''));
  assert.equal(wasm.getDatamodel(bad, 6).ok, false);
  const good = wasm.getDatamodel([['/a.prisma', 'model A {\n  id Int @id\n}\n']], 7);
  assert.ok(good.ok);
});
