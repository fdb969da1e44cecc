/**
 * Prisma's validation in a worker thread answers exactly what `wasm.lint` answers on the calling thread, and a
 * worker that dies hands its pending and later requests back to the calling thread.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as esbuild from 'esbuild';
import { WAIT_FOR_WORKER_CHARS, WORKER_START_TIMEOUT_MS, workerLintRunner } from '../../../server/src/languages/prisma/lintRunner';
import { lint, type SchemaFiles } from '../../../server/src/languages/prisma/wasm';
import { FIXTURES, listFiles } from './helpers';

// Inside the repository, so the bundle's external wasm packages resolve from node_modules.
const cache = join(__dirname, '../../../node_modules/.cache');
mkdirSync(cache, { recursive: true });
const out = mkdtempSync(join(cache, 'lint-worker-'));
const script = join(out, 'prisma-lint-worker.js');

test('the worker lints every fixture as the main thread does, requests in flight together', async () => {
  // The worker as the server ships it: bundled, wasm packages from node_modules.
  await esbuild.build({
    entryPoints: [join(__dirname, '../../../server/src/languages/prisma/lintWorker.ts')],
    outfile: script,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    logLevel: 'error',
    external: ['@prisma/prisma-schema-wasm', 'prisma-schema-wasm-5', 'prisma-schema-wasm-6'],
  });
  const logs: string[] = [];
  const runner = workerLintRunner(script, (m) => logs.push(m));
  assert.ok(runner);
  try {
    const schemas = listFiles(FIXTURES).filter((f) => f.endsWith('.prisma'));
    const broken = 'model A {\n  id Int @id\n  b B\n}\n';
    const requests: SchemaFiles[] = [...schemas.map((f) => [[f, readFileSync(f, 'utf8')] as const]), [['/x/broken.prisma', broken] as const]];
    // Before the worker has loaded a major, requests are answered on this thread (and the worker validates the same
    // files once when it is ready, unasked); after, by the worker.
    assert.deepEqual(await runner.run(requests[0], 7), lint(requests[0], 7));
    for (const major of [5, 6, 7] as const) assert.equal(await runner.whenReady(major), true);
    for (const major of [5, 6, 7] as const) {
      const answers = await Promise.all(requests.map((files) => runner.run(files, major)));
      answers.forEach((answer, i) => assert.deepEqual(answer, lint(requests[i], major), `${requests[i][0][0]} on Prisma ${major}`));
    }
    const last = await runner.run(requests[requests.length - 1], 7);
    assert.ok(last.ok && last.value.length > 0, 'the broken schema has validation errors');
    assert.deepEqual(logs, []);
  } finally {
    runner.dispose();
  }
});

test('when the worker dies, validation goes on on the calling thread and says so once', async () => {
  const dying = join(out, 'dying-worker.js');
  // Says it is ready, then dies on the first request.
  writeFileSync(
    dying,
    "const { parentPort } = require('node:worker_threads');\nparentPort.on('message', (m) => (m.preload !== undefined ? parentPort.postMessage({ ready: m.preload }) : process.exit(3)));\n",
  );
  const logs: string[] = [];
  const runner = workerLintRunner(dying, (m) => logs.push(m));
  assert.ok(runner);
  const files: SchemaFiles = [['/x/a.prisma', 'model A {\n  id Int @id\n  b B\n}\n']];
  assert.equal(await runner.whenReady(7), true);
  const [a, b] = await Promise.all([runner.run(files, 7), runner.run(files, 7)]);
  const c = await runner.run(files, 7);
  for (const answer of [a, b, c]) assert.deepEqual(answer, lint(files, 7));
  assert.equal(logs.length, 1);
  assert.match(logs[0], /main thread.*exited \(code 3\)/);
  runner.dispose();
});

test('a big schema waits for the worker to come up; a small one is validated at once on the calling thread', async () => {
  // Answers every request with a marker, so the test can tell who answered; ready a little after the preload.
  const marking = join(out, 'marking-worker.js');
  writeFileSync(
    marking,
    "const { parentPort } = require('node:worker_threads');\n" +
      "parentPort.on('message', (m) => m.preload !== undefined ? setTimeout(() => parentPort.postMessage({ ready: m.preload }), 50) : m.id && parentPort.postMessage({ id: m.id, result: { ok: true, value: [{ message: 'from the worker' }] } }));\n",
  );
  const small: SchemaFiles = [['/x/small.prisma', 'model A {\n  id Int @id\n  b B\n}\n']];
  const model = (i: number) => `model Model${i} {\n  id    Int    @id @default(autoincrement())\n  title String\n  body  String?\n}\n\n`;
  const big: SchemaFiles = [['/x/big.prisma', Array.from({ length: 600 }, (_, i) => model(i)).join('')]];
  assert.ok(big[0][1].length >= WAIT_FOR_WORKER_CHARS && small[0][1].length < WAIT_FOR_WORKER_CHARS);

  const first = workerLintRunner(marking, () => undefined)!;
  assert.deepEqual(await first.run(small, 7), lint(small, 7), 'small: the calling thread answers while the worker is not up');
  first.dispose();

  const second = workerLintRunner(marking, () => undefined)!;
  const [a, b] = await Promise.all([second.run(big, 7), second.run(big, 7)]);
  for (const answer of [a, b]) assert.deepEqual(answer, { ok: true, value: [{ message: 'from the worker' }] }, 'big: the worker answers, even the first time');
  second.dispose();

  // A worker that comes up too late: the calling thread has validated by then (the marker never arrives).
  const late = join(out, 'late-worker.js');
  writeFileSync(
    late,
    "const { parentPort } = require('node:worker_threads');\n" +
      `parentPort.on('message', (m) => m.preload !== undefined ? setTimeout(() => parentPort.postMessage({ ready: m.preload }), ${WORKER_START_TIMEOUT_MS + 1000}) : m.id && parentPort.postMessage({ id: m.id, result: { ok: true, value: [{ message: 'from the worker' }] } }));\n`,
  );
  const fourth = workerLintRunner(late, () => undefined)!;
  assert.deepEqual(await fourth.run(big, 7), lint(big, 7));
  fourth.dispose();

  // A worker that dies before it is ready hands the waiting request back to the calling thread.
  const dead = join(out, 'dead-worker.js');
  writeFileSync(dead, 'process.exit(4);\n');
  const logs: string[] = [];
  const third = workerLintRunner(dead, (m) => logs.push(m))!;
  assert.deepEqual(await third.run(big, 7), lint(big, 7));
  assert.match(logs.join('\n'), /exited \(code 4\)/);
  third.dispose();
});

test('without a worker script there is no runner (validation stays on the calling thread)', () => {
  assert.equal(workerLintRunner(join(out, 'missing.js'), () => undefined), undefined);
});
