/**
 * V8 flags the language server sets for itself, before its bundle is compiled.
 *
 * `--always-sparkplug`: V8 first runs a function in its interpreter and compiles it to machine code (Sparkplug, its
 * baseline compiler, then TurboFan) only once the function has run a while. A language server's work comes in short
 * bursts (a review after each keystroke), and much of its code runs a few times per burst: it stays interpreted
 * through the first edits of a session. Sparkplug compiles straight from the bytecode, without optimisation, at
 * little cost, so the server asks for it for every function it compiles. V8 applies it when it compiles a function's
 * bytecode: the functions a code cache (codeCache.ts) brings as bytecode stay on the usual tiers. It shows on a first
 * start, without the cache: in the LSP bench, edit → diagnostics without a code cache went from 4.2 to 2.1 ms on a
 * 55-line schema and from 6.2 to 3.3 ms on cal.com's (the rows with the cache did not move beyond the machine's spread).
 *
 * The flag is set in the process rather than on the command line because editors start the server their own way
 * (VS Code's client, Neovim's, a bench): `node dist/server.js --stdio` gets it too. It is part of the code cache's
 * key (codeCache.ts), since V8 refuses a cache made under other flags.
 */
import { setFlagsFromString } from 'node:v8';

export const serverV8Flags = ['--always-sparkplug'];

/** The flags this process set for itself (the code cache's key holds them, as it holds the command line's). */
export const appliedV8Flags: string[] = [];

/** Sets `serverV8Flags`; never throws (a V8 that does not know a flag ignores it). */
export function useBaselineCompiler(): void {
  for (const flag of serverV8Flags) {
    try {
      setFlagsFromString(flag);
      appliedV8Flags.push(flag);
    } catch {
      // only speed is at stake
    }
  }
}
