/**
 * Runs Prisma's validation in the worker of lintWorker.ts, with the same results as `wasm.lint`. When the
 * worker cannot start or dies, the pending and later requests are linted on the calling thread instead, and
 * the reason is logged once: validation never silently stops.
 */
import { existsSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import { lint, type SchemaFiles, type WasmLintDiagnostic, type WasmMajor, type WasmResult } from './wasm';

export type LintRunner = (files: SchemaFiles, major: WasmMajor) => Promise<WasmResult<WasmLintDiagnostic[]>>;

interface Request {
  files: SchemaFiles;
  major: WasmMajor;
  resolve(result: WasmResult<WasmLintDiagnostic[]>): void;
}

/** A runner backed by the worker script at `script`, or undefined when there is no such script (tests from sources). */
export function workerLintRunner(script: string, log: (message: string) => void): { run: LintRunner; preload(major: WasmMajor): void; dispose(): void } | undefined {
  if (!existsSync(script)) return undefined;
  let worker: Worker | undefined;
  let broken = false;
  let next = 1;
  const waiting = new Map<number, Request>();
  const preloaded = new Set<WasmMajor>();

  const fallBack = (why: string) => {
    if (!broken) log(`Prisma validation runs on the main thread from now on: ${why}`);
    broken = true;
    worker = undefined;
    const pending = [...waiting.values()];
    waiting.clear();
    for (const r of pending) r.resolve(lint(r.files, r.major));
  };

  const start = (): Worker | undefined => {
    if (broken) return undefined;
    if (worker) return worker;
    try {
      const w = new Worker(script);
      w.unref();
      w.on('message', (m: { id: number; result: WasmResult<WasmLintDiagnostic[]> }) => {
        const r = waiting.get(m.id);
        if (!r) return;
        waiting.delete(m.id);
        // An idle worker does not keep the process alive; one with requests in flight does.
        if (waiting.size === 0) w.unref();
        r.resolve(m.result);
      });
      w.on('error', (error) => fallBack(`the validation worker failed (${error.message})`));
      w.on('exit', (code) => {
        if (worker === w) fallBack(`the validation worker exited (code ${code})`);
      });
      for (const major of preloaded) w.postMessage({ preload: major });
      worker = w;
      return w;
    } catch (error) {
      fallBack(`the validation worker could not start (${(error as Error).message})`);
      return undefined;
    }
  };

  return {
    run: (files, major) =>
      new Promise((resolve) => {
        const w = start();
        if (!w) {
          resolve(lint(files, major));
          return;
        }
        const id = next++;
        if (waiting.size === 0) w.ref();
        waiting.set(id, { files, major, resolve });
        w.postMessage({ id, files, major });
      }),
    preload(major) {
      preloaded.add(major);
      start()?.postMessage({ preload: major });
    },
    dispose() {
      const w = worker;
      worker = undefined;
      broken = true;
      void w?.terminate();
    },
  };
}
