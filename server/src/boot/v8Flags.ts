/**
 * V8 flags the language server and the CLI set for themselves, before their bundle is compiled.
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
 *
 * `--max-inlined-bytecode-size-cumulative=120` (V8's default: 920): how much bytecode TurboFan, V8's optimising
 * compiler, inlines into one function. A first review (opening a big schema, a first audit) runs its hot loops long
 * before they are optimised: TurboFan compiles on a background thread, one function after the other, and with deep
 * inlining one function of the Prisma parser took 10 to 30 ms to compile on these 2-core machines. The review ran in
 * the interpreter and Sparkplug meanwhile. With less inlining each compile is a few milliseconds, so optimised code
 * arrives while it still matters. The code that runs is the same; only when it gets fast changes. In the LSP bench
 * (two alternating A/B rounds of 3 fresh processes each, medians): open → diagnostics on 1,000 models 354/334 →
 * 295/273 ms, on 5,000 models 1.21/1.27 → 1.13/1.18 s, on cal.com's schema 58/62 → 44/49 ms; edits and repeated
 * audits did not move beyond the machine's spread. It applies to the CLI too (`cliV8Flags`): a whole-workspace audit,
 * 4 alternating runs, median 3.45 → 3.31 s.
 */
import { setFlagsFromString } from 'node:v8';

const lessInlining = '--max-inlined-bytecode-size-cumulative=120';

export const serverV8Flags = ['--always-sparkplug', lessInlining];

/** The CLI's: not `--always-sparkplug`, which is for a server's short bursts of work after each keystroke. */
export const cliV8Flags = [lessInlining];

/** The flags this process set for itself (the code cache's key holds them, as it holds the command line's). */
export const appliedV8Flags: string[] = [];

/** Sets `flags`; never throws (a V8 that does not know a flag ignores it). */
export function setV8Flags(flags: readonly string[]): void {
  for (const flag of flags) {
    try {
      setFlagsFromString(flag);
      appliedV8Flags.push(flag);
    } catch {
      // only speed is at stake
    }
  }
}
