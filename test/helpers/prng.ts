/**
 * The deterministic PRNG (mulberry32) the bench's generators use, for fuzz tests too, so a failure can be replayed
 * from its seed. One implementation: bench/generate-prisma.mjs (plain JavaScript, hence the typed re-export).
 */
// @ts-expect-error a JavaScript module without type declarations
import { mulberry32 as generatorPrng } from '../../bench/generate-prisma.mjs';

export const mulberry32: (seed: number) => () => number = generatorPrng;
