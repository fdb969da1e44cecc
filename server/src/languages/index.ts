/** The language front-ends, in the order they run: schemas first, code last (code links to the schemas). */
import type { LanguageFrontEnd } from './types';
import { prismaFrontEnd } from './prisma';
import { drizzleFrontEnd } from './drizzle';
import { sqlFrontEnd } from './sql';
import { codeFrontEnd } from './code';

export const frontEnds: readonly LanguageFrontEnd[] = [prismaFrontEnd, drizzleFrontEnd, sqlFrontEnd, codeFrontEnd];

const ready = new Map<string, Promise<void>>();
const loaded = new Set<string>();

/**
 * Loads the asynchronous parts (once) of the front-ends of these languages, or of every front-end. Only languages a
 * workspace has are loaded: a Prisma project never loads the Postgres parser's wasm. A front-end whose init fails
 * reports it when it analyzes.
 */
export function initFrontEnds(languages?: Iterable<string>): Promise<void> {
  const wanted = languages === undefined ? undefined : new Set(languages);
  const loads = [];
  for (const fe of frontEnds) {
    if (!fe.init || (wanted && !wanted.has(fe.language))) continue;
    let load = ready.get(fe.language);
    if (!load) {
      const language = fe.language;
      load = fe.init().then(
        () => void loaded.add(language),
        () => void loaded.add(language),
      );
      ready.set(language, load);
    }
    loads.push(load);
  }
  return Promise.all(loads).then(() => undefined);
}

/** While a language's front-end is loading (or not asked to load yet): the promise of its load; else undefined. */
export function frontEndReady(language: string): Promise<void> | undefined {
  if (loaded.has(language)) return undefined;
  const fe = frontEnds.find((f) => f.language === language);
  if (!fe?.init) return undefined;
  return initFrontEnds([language]);
}

/**
 * Starts loading the front-ends that read some of these files (a workspace with `.sql` files loads the Postgres
 * parser's wasm), as soon as the files are listed: the wasm compiles while the languages are discovered.
 */
export function initFrontEndsFor(files: readonly string[]): void {
  const languages = frontEnds.filter((fe) => fe.init && files.some((f) => fe.extensions.some((ext) => f.endsWith(ext)))).map((fe) => fe.language);
  if (languages.length) void initFrontEnds(languages);
}
