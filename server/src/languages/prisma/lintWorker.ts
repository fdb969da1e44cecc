/**
 * Prisma's own validation (prisma-schema-wasm `lint`) in a worker thread, so the language server's own review
 * runs while Prisma validates: an edit's diagnostics then take about as long as the slower of the two, not
 * their sum, and the main thread stays free for hovers and code actions. Bundled as dist/prisma-lint-worker.js.
 *
 * Messages in: `{ id, files, major }` (lint) or `{ preload: major }`; out: `{ id, result }`.
 */
import { parentPort } from 'node:worker_threads';
import { lint, preload, type SchemaFiles, type WasmMajor } from './wasm';

parentPort?.on('message', (m: { id?: number; files?: SchemaFiles; major?: WasmMajor; preload?: WasmMajor }) => {
  if (m.preload !== undefined) {
    preload(m.preload);
    return;
  }
  if (m.id === undefined || !m.files || m.major === undefined) return;
  parentPort?.postMessage({ id: m.id, result: lint(m.files, m.major) });
});
