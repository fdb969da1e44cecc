/**
 * Runs Prisma's validation in the worker of lintWorker.ts, with the same results as `wasm.lint`. Until the worker
 * has loaded a major's wasm, requests for small schemas are linted on the calling thread (which compiled it when
 * validation turned on), and the worker starts loading it right after the first such answer: the first review
 * neither waits for a thread to come up nor shares the processor with the worker's compilation. A big schema instead
 * starts the worker and waits for it: its first validation is slow on any thread (the wasm runs unoptimized at
 * first), and in the worker it runs alongside the review rather than after it. When the worker cannot start or dies,
 * the pending and later requests are linted on the calling thread, and the reason is logged once: validation never
 * silently stops.
 */
import { existsSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import { lint, type SchemaFiles, type WasmLintDiagnostic, type WasmMajor, type WasmResult } from './wasm';

export type LintRunner = ((files: SchemaFiles, major: WasmMajor) => Promise<WasmResult<WasmLintDiagnostic[]>>) & {
  /**
   * Whether a request for these files would be validated on the calling thread (the worker not ready for a small
   * schema, or gone), so that it holds up whatever the thread does next. A caller with something more urgent to
   * finish first (the first diagnostics of a document) starts such a request afterwards.
   */
  blocks?(files: SchemaFiles, major: WasmMajor): boolean;
};

/**
 * Schemas of at least this many characters (all files together) wait for the worker to come up rather than being
 * validated on the calling thread. The worker needs about 50 ms to start and load the wasm; a first validation on
 * the calling thread takes about as long at 30,000 characters and grows with the schema (about 100 ms more on the
 * first review of a 2,000-line schema), and nothing else runs meanwhile.
 */
export const WAIT_FOR_WORKER_CHARS = 30_000;

/** How long such a schema waits for the worker to come up before it is validated on the calling thread anyway. */
export const WORKER_START_TIMEOUT_MS = 3000;

function sizeOf(files: SchemaFiles): number {
  let n = 0;
  for (const [, text] of files) n += text.length;
  return n;
}

interface Request {
  files: SchemaFiles;
  major: WasmMajor;
  resolve(result: WasmResult<WasmLintDiagnostic[]>): void;
}

/**
 * Validation on the calling thread, as a runner: where there is no worker script (the server run from its
 * sources, in tests). Its answers are those of `wasm.lint`; each request holds up the thread.
 */
export const callingThreadLintRunner: LintRunner = Object.assign((files: SchemaFiles, major: WasmMajor) => Promise.resolve(lint(files, major)), {
  blocks: () => true,
});

/** A runner backed by the worker script at `script`, or undefined when there is no such script (tests from sources). */
export interface WorkerLintRunner {
  run: LintRunner;
  /** Has the worker load a major's wasm (and compile `lint`) now. */
  preload(major: WasmMajor): void;
  /** Resolves when the worker has loaded the major (true), or has failed (false). */
  whenReady(major: WasmMajor): Promise<boolean>;
  dispose(): void;
}

export function workerLintRunner(script: string, log: (message: string) => void): WorkerLintRunner | undefined {
  if (!existsSync(script)) return undefined;
  let worker: Worker | undefined;
  let broken = false;
  let next = 1;
  const waiting = new Map<number, Request>();
  const preloaded = new Set<WasmMajor>();
  /** Files the calling thread validated while the worker was not ready: the worker validates them once, unasked. */
  const warmUp = new Map<WasmMajor, SchemaFiles>();
  /** Majors whose wasm the worker has loaded (it says so after a preload). */
  const ready = new Set<WasmMajor>();
  /** Requests waiting for the worker to load their major. */
  const queued: Request[] = [];
  const readyWaiters: { major: WasmMajor; resolve(ok: boolean): void }[] = [];
  const settleWaiters = () => {
    for (let i = readyWaiters.length - 1; i >= 0; i--) {
      const w = readyWaiters[i];
      if (broken || ready.has(w.major)) {
        readyWaiters.splice(i, 1);
        w.resolve(!broken);
      }
    }
  };
  /** An idle worker does not keep the process alive; one that someone waits for does. */
  const holdWhileAwaited = () => {
    if (!worker) return;
    if (waiting.size > 0 || queued.length > 0 || readyWaiters.length > 0) worker.ref();
    else worker.unref();
  };

  const fallBack = (why: string) => {
    if (!broken) log(`Prisma validation runs on the main thread from now on: ${why}`);
    broken = true;
    worker = undefined;
    settleWaiters();
    const pending = [...waiting.values(), ...queued.splice(0)];
    waiting.clear();
    for (const r of pending) r.resolve(lint(r.files, r.major));
  };

  const send = (w: Worker, r: Request) => {
    const id = next++;
    waiting.set(id, r);
    w.postMessage({ id, files: r.files, major: r.major });
  };

  const start = (): Worker | undefined => {
    if (broken) return undefined;
    if (worker) return worker;
    try {
      const w = new Worker(script);
      w.unref();
      w.on('message', (m: { id: number; result: WasmResult<WasmLintDiagnostic[]> } | { ready: WasmMajor }) => {
        if ('ready' in m) {
          ready.add(m.ready);
          settleWaiters();
          const files = warmUp.get(m.ready);
          warmUp.delete(m.ready);
          const mine = queued.filter((r) => r.major === m.ready);
          for (const r of mine) queued.splice(queued.indexOf(r), 1);
          for (const r of mine) send(w, r);
          // Once more in the background (after the answers), so that the first edit's validation runs optimized code.
          const again = files ?? mine[0]?.files;
          if (again) w.postMessage({ id: 0, files: again, major: m.ready });
          holdWhileAwaited();
          return;
        }
        const r = waiting.get(m.id);
        if (!r) return; // id 0: a warm-up nobody waits for
        waiting.delete(m.id);
        holdWhileAwaited();
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

  const run: LintRunner = (files, major) =>
    new Promise((resolve) => {
      if (!broken && !ready.has(major) && sizeOf(files) >= WAIT_FOR_WORKER_CHARS) {
        api.preload(major);
        if (worker) {
          const request: Request = { files, major, resolve };
          queued.push(request);
          holdWhileAwaited();
          // A worker that never comes up must not hold the diagnostics back.
          setTimeout(() => {
            const i = queued.indexOf(request);
            if (i < 0) return;
            queued.splice(i, 1);
            holdWhileAwaited();
            resolve(lint(files, major));
          }, WORKER_START_TIMEOUT_MS).unref();
          return;
        }
      }
      if (broken || !ready.has(major)) {
        resolve(lint(files, major));
        // The worker loads this major once this answer is out, not while the first review waits for it, and then
        // validates these files once in the background, as this thread just did: its first answer to an edit
        // then runs compiled code.
        if (!broken) {
          warmUp.set(major, files);
          if (!preloaded.has(major)) setTimeout(() => api.preload(major), 0).unref();
        }
        return;
      }
      const w = start();
      if (!w) {
        resolve(lint(files, major));
        return;
      }
      send(w, { files, major, resolve });
      holdWhileAwaited();
    });
  run.blocks = (files, major) => broken || (!ready.has(major) && sizeOf(files) < WAIT_FOR_WORKER_CHARS);

  const api: WorkerLintRunner = {
    run,
    preload(major) {
      if (preloaded.has(major)) return;
      preloaded.add(major);
      // A worker that starts now is told of every preloaded major by start(); a running one hears of this one.
      if (worker) worker.postMessage({ preload: major });
      else start();
    },
    whenReady(major) {
      api.preload(major);
      return new Promise((resolve) => {
        readyWaiters.push({ major, resolve });
        settleWaiters();
        holdWhileAwaited();
      });
    },
    dispose() {
      const w = worker;
      worker = undefined;
      broken = true;
      void w?.terminate();
    },
  };
  return api;
}
