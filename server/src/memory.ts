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

/** The heap in use right after the last collection (at first, when the bundle loaded: start-up's garbage counts). */
let heapAfterCollection = process.memoryUsage().heapUsed;

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
    heapAfterCollection = process.memoryUsage().heapUsed;
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

/**
 * Called right after a workspace audit has been answered (server.ts). An audit allocates far more than it keeps (every
 * file's text, syntax trees, models, the report), and V8 left much of it for a later major collection: on the bench's
 * 5,700-file workspace the server grew from 395 to 490 MB over 10 repeated audits. A collection costs 100–300 ms, so
 * it runs only once the heap holds AUDIT_GARBAGE_BYTES more than after the last one: after a first audit (hundreds
 * of MB of garbage), not after the next one of a workspace where one file changed (an answer wanted quickly, some
 * 15 MB), and about every third audit of an unchanged workspace (about 12 MB each), which keeps the memory flat.
 * True when it collected.
 */
export function collectAuditGarbage(threshold = AUDIT_GARBAGE_BYTES): boolean {
  if (process.memoryUsage().heapUsed - heapAfterCollection < threshold) return false;
  return collect();
}

export const AUDIT_GARBAGE_BYTES = 32 * 1024 * 1024;
