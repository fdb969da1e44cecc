/**
 * One full garbage collection when the server is idle after its first review.
 *
 * Start-up leaves garbage behind (the bundle's module initialisation, TypeScript's tables among it), and so does the
 * first review. V8 collects the old generation when it grows past a limit, which a language server that then
 * allocates little reaches late: measured at 2,015 lines, the process stayed 25–35 MB larger for minutes. One
 * collection at the first quiet moment gives that memory back; later collections are V8's business.
 *
 * (A collection right after the bundle loads was measured too: it spares the first review and edits a major
 * collection, but adds about 25 ms to the start, more than it saves.)
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

let gc: (() => void) | null | undefined;

function collect(): boolean {
  const own = (globalThis as { gc?: () => void }).gc;
  if (gc === undefined && typeof own === 'function') gc = own; // started with --expose-gc
  if (gc === undefined) {
    try {
      // `gc` exists only with --expose-gc; a context created while the flag is set gets it. The flag is set back at
      // once: V8 refuses a code cache made under other flags (codeCache.ts writes one later).
      setFlagsFromString('--expose-gc');
      gc = runInNewContext('typeof gc === "function" ? gc : null') as (() => void) | null;
    } catch {
      gc = null;
    } finally {
      setFlagsFromString('--no-expose-gc');
    }
  }
  if (!gc) return false;
  try {
    gc();
    return true;
  } catch {
    return false; // only memory is at stake
  }
}

/** Called once, when idle after the first review (session.ts): what it freed and how long it took, or undefined. */
export function collectStartupGarbage(): { freedBytes: number; ms: number } | undefined {
  const before = process.memoryUsage().heapUsed;
  const started = performance.now();
  if (!collect()) return undefined;
  return { freedBytes: Math.max(0, before - process.memoryUsage().heapUsed), ms: performance.now() - started };
}
