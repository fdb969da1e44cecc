/** The language front-ends, in the order they run: schemas first, code last (code links to the schemas). */
import type { LanguageFrontEnd } from './types';
import { prismaFrontEnd } from './prisma';
import { drizzleFrontEnd } from './drizzle';
import { sqlFrontEnd } from './sql';
import { codeFrontEnd } from './code';

export const frontEnds: readonly LanguageFrontEnd[] = [prismaFrontEnd, drizzleFrontEnd, sqlFrontEnd, codeFrontEnd];
