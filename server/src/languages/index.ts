/** The language front-ends, in the order they run: schemas first, code last (code links to the schemas). */
import type { LanguageFrontEnd } from './types';
import { prismaFrontEnd } from './prisma';
import { drizzleFrontEnd } from './drizzle';
import { sqlFrontEnd } from './sql';
import { codeFrontEnd } from './code';

export const frontEnds: readonly LanguageFrontEnd[] = [prismaFrontEnd, drizzleFrontEnd, sqlFrontEnd, codeFrontEnd];

let ready: Promise<void> | undefined;

/** Loads every front-end's asynchronous parts (once). A front-end whose init fails reports it when it analyzes. */
export function initFrontEnds(): Promise<void> {
  ready ??= Promise.all(frontEnds.map((fe) => fe.init?.().catch(() => undefined))).then(() => undefined);
  return ready;
}
