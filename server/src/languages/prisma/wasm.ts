/**
 * The only place that calls prisma-schema-wasm. One loader per Prisma major, one error path.
 *
 * The wasm traps with `unreachable` when Rust panics (bad input to some entry points); the panic hook
 * writes the message to `globalThis.PRISMA_WASM_PANIC_REGISTRY`, which must exist before the first call.
 * Every entry point here returns a `WasmResult` and never throws.
 *
 * Input formats (checked against the .d.ts and by hand on 5.22, 6.19 and the 7+ build):
 * - `lint(input)`: JSON `[[path, content], …]` on every major; answers `[{file_name, start, end, text,
 *   is_warning}]` with UTF-16 offsets into the named file.
 * - `get_datamodel` / `get_dmmf` / `validate(params)`: JSON `{ prismaSchema: [[path, content], …] }`;
 *   invalid schemas throw a JS Error whose message is JSON `{ error_code, message }`.
 * - `referential_actions(schema)`: the schema text itself (not JSON); `[]` when it cannot read one
 *   datasource. Prisma 5/6 require `url` in the datasource, 7+ rejects it.
 */
import type { ReferentialAction } from '../../../../rules/model';

export type WasmMajor = 5 | 6 | 7;

export type WasmResult<T> = { ok: true; value: T } | { ok: false; error: string; panic: boolean };

export interface WasmLintDiagnostic {
  file_name: string;
  start: number;
  end: number;
  text: string;
  is_warning: boolean;
}

interface PrismaSchemaWasm {
  lint(input: string): string;
  get_datamodel(params: string): string;
  get_dmmf(params: string): string;
  validate(params: string): void;
  referential_actions(input: string): string;
}

interface PanicRegistry {
  message: string;
  get(): string;
  set_message(value: string): void;
}

function ensurePanicRegistry(): PanicRegistry {
  const g = globalThis as unknown as { PRISMA_WASM_PANIC_REGISTRY?: PanicRegistry };
  if (!g.PRISMA_WASM_PANIC_REGISTRY) {
    g.PRISMA_WASM_PANIC_REGISTRY = {
      message: '',
      get() {
        return this.message;
      },
      set_message(value: string) {
        this.message = value;
      },
    };
  }
  return g.PRISMA_WASM_PANIC_REGISTRY;
}

/** The wasm build for a project's Prisma major: 5 and 6 have their own, 7+ and unknown use the newest. */
export function wasmMajorFor(prismaMajor: number | undefined): WasmMajor {
  if (prismaMajor !== undefined && prismaMajor <= 5) return 5;
  if (prismaMajor === 6) return 6;
  return 7;
}

const modules = new Map<WasmMajor, PrismaSchemaWasm | Error>();

function load(major: WasmMajor): PrismaSchemaWasm | Error {
  const cached = modules.get(major);
  if (cached) return cached;
  ensurePanicRegistry();
  let loaded: PrismaSchemaWasm | Error;
  try {
    // String-literal requires so the bundler can see (and alias) each build.
    switch (major) {
      case 5:
        loaded = require('prisma-schema-wasm-5') as PrismaSchemaWasm;
        break;
      case 6:
        loaded = require('prisma-schema-wasm-6') as PrismaSchemaWasm;
        break;
      default:
        loaded = require('@prisma/prisma-schema-wasm') as PrismaSchemaWasm;
    }
  } catch (e) {
    loaded = e instanceof Error ? e : new Error(String(e));
  }
  modules.set(major, loaded);
  return loaded;
}

/**
 * Loads (compiles) a major's wasm now, so the first review does not pay for it; false when it was already loaded.
 * Errors surface on first use.
 */
export function preload(major: WasmMajor): boolean {
  if (modules.has(major)) return false;
  load(major);
  return true;
}

/** The one error path: every call goes through here. */
function call<T>(major: WasmMajor, entry: string, run: (wasm: PrismaSchemaWasm) => T): WasmResult<T> {
  const wasm = load(major);
  if (wasm instanceof Error) {
    return { ok: false, error: `prisma-schema-wasm (Prisma ${major}) could not be loaded: ${wasm.message}`, panic: false };
  }
  const registry = ensurePanicRegistry();
  registry.message = '';
  try {
    return { ok: true, value: run(wasm) };
  } catch (e) {
    const err = e instanceof Error ? e : new Error(String(e));
    const panic = err.name === 'RuntimeError';
    const detail = panic ? registry.get() || err.message : err.message;
    return { ok: false, error: `prisma-schema-wasm ${entry} (Prisma ${major}) failed: ${detail}`, panic };
  }
}

export type SchemaFiles = ReadonlyArray<readonly [path: string, content: string]>;

export function lint(files: SchemaFiles, major: WasmMajor): WasmResult<WasmLintDiagnostic[]> {
  return call(major, 'lint', (w) => {
    const parsed: unknown = JSON.parse(w.lint(JSON.stringify(files)));
    return Array.isArray(parsed) ? (parsed as WasmLintDiagnostic[]) : [];
  });
}

/** Errors of an invalid schema come back as `ok: true` with the message list; `ok: false` only when the wasm failed. */
export function validate(files: SchemaFiles, major: WasmMajor): WasmResult<{ valid: boolean; message?: string }> {
  const res = call(major, 'validate', (w) => w.validate(JSON.stringify({ prismaSchema: files, noColor: true })));
  if (res.ok) return { ok: true, value: { valid: true } };
  if (res.panic) return res;
  return { ok: true, value: { valid: false, message: errorMessageOf(res.error) } };
}

export function getDatamodel(files: SchemaFiles, major: WasmMajor): WasmResult<unknown> {
  return call(major, 'get_datamodel', (w) => JSON.parse(w.get_datamodel(JSON.stringify({ prismaSchema: files, noColor: true }))) as unknown);
}

/** Slow (hundreds of ms and tens of MB on big schemas): tests only, never on an edit. */
export function getDmmfForTests(files: SchemaFiles, major: WasmMajor): WasmResult<unknown> {
  return call(major, 'get_dmmf', (w) => JSON.parse(w.get_dmmf(JSON.stringify({ prismaSchema: files, noColor: true }))) as unknown);
}

const ALL_ACTIONS: ReferentialAction[] = ['Cascade', 'Restrict', 'NoAction', 'SetNull', 'SetDefault'];

/**
 * What the wasm answers on 5.22, 6.19 and 7+ for the providers it records (identical; wasm.test.ts asks every shipped
 * build for every provider and mode and requires this table); also the answer when the wasm cannot give one.
 */
export function recordedReferentialActions(provider: string, relationMode: 'foreignKeys' | 'prisma'): ReferentialAction[] {
  const p = normalizeProvider(provider);
  if (p === 'mongodb') return ['Cascade', 'Restrict', 'NoAction', 'SetNull'];
  if (relationMode === 'prisma') {
    return p === 'postgresql' || p === 'sqlite'
      ? ['Cascade', 'Restrict', 'SetNull']
      : ['Cascade', 'Restrict', 'NoAction', 'SetNull'];
  }
  if (p === 'sqlserver') return ['Cascade', 'NoAction', 'SetNull', 'SetDefault'];
  return [...ALL_ACTIONS];
}

function normalizeProvider(provider: string): string {
  return provider === 'postgres' ? 'postgresql' : provider;
}

const actionsCache = new Map<string, ReferentialAction[]>();

/** Providers whose answers `recordedReferentialActions` records for every shipped major (wasm.test.ts keeps them equal). */
const RECORDED_PROVIDERS = new Set(['postgresql', 'postgres', 'mysql', 'sqlite', 'sqlserver', 'cockroachdb', 'mongodb']);

/**
 * The referential actions a provider/relation mode allows. For the providers the table records, the table answers:
 * it is the wasm's own answer for every shipped build (checked in the tests), so neither loading 3 MB of wasm nor a
 * first call into it (about 6 ms of compiling on Prisma 7's build) would change anything. Other providers are asked
 * of the wasm (`wasmReferentialActions`).
 */
export function referentialActions(
  provider: string,
  relationMode: 'foreignKeys' | 'prisma',
  major: WasmMajor,
): ReferentialAction[] {
  if (RECORDED_PROVIDERS.has(provider)) return recordedReferentialActions(provider, relationMode);
  return wasmReferentialActions(provider, relationMode, major);
}

/** The wasm's answer (cached), or the recorded table's when the wasm cannot answer. */
export function wasmReferentialActions(provider: string, relationMode: 'foreignKeys' | 'prisma', major: WasmMajor): ReferentialAction[] {
  const key = `${provider}|${relationMode}|${major}`;
  const hit = actionsCache.get(key);
  if (hit) return [...hit];
  // A synthetic datasource: the project's own may be mid-edit or live in another file.
  const lines = ['datasource db {', `  provider = ${JSON.stringify(normalizeProvider(provider))}`];
  if (major < 7) lines.push('  url = "file:./placeholder"');
  if (relationMode === 'prisma') lines.push('  relationMode = "prisma"');
  lines.push('}', '');
  const res = call(major, 'referential_actions', (w) => JSON.parse(w.referential_actions(lines.join('\n'))) as unknown);
  let actions: ReferentialAction[];
  if (res.ok && Array.isArray(res.value) && res.value.length > 0) {
    actions = res.value.filter((a): a is ReferentialAction => ALL_ACTIONS.includes(a as ReferentialAction));
  } else {
    actions = recordedReferentialActions(provider, relationMode);
  }
  actionsCache.set(key, actions);
  return [...actions];
}

/** Whether a major's wasm has been loaded (or failed to load) in this process. */
export function isLoaded(major: WasmMajor): boolean {
  return modules.has(major);
}

/** `{"error_code":"P1012","message":"…"}` → the message without ANSI colours. */
function errorMessageOf(raw: string): string {
  const json = raw.indexOf('{');
  let message = raw;
  if (json >= 0) {
    try {
      const parsed = JSON.parse(raw.slice(json)) as { message?: unknown };
      if (typeof parsed.message === 'string') message = parsed.message;
    } catch {
      // keep raw
    }
  }
  // eslint-disable-next-line no-control-regex
  return message.replace(/\u001b\[[0-9;]*m/g, '');
}

/** Triggers a Rust panic inside the wasm (tests of the error path only). */
export function debugPanicForTests(major: WasmMajor): WasmResult<void> {
  return call(major, 'debug_panic', (w) => (w as unknown as { debug_panic(): void }).debug_panic());
}
