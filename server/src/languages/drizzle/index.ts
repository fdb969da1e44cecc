/**
 * The Drizzle front-end: Drizzle ORM schema modules (TypeScript/JavaScript) → one Database per schema
 * set, and fix intents → Drizzle text edits. Syntax only (`ts.createSourceFile`): no program, no type
 * checker, and workspace code is never executed.
 */
import type { LanguageFrontEnd } from '../types';
import { analyzeDrizzleUnit } from './analyze';
import { DRIZZLE_EXTENSIONS, discoverDrizzle } from './discover';
import { writeDrizzleFix } from './write';
import { checksMayBeDeclared } from './checks';
import { loadSqlParser } from '../sql/parse';

export const drizzleFrontEnd: LanguageFrontEnd = {
  language: 'drizzle',
  /**
   * The Postgres parser, which reads `check()` constraints (checks.ts), once discovery saw a schema importing `check`:
   * a project without one (or a Prisma project with TypeScript files) never loads its wasm.
   */
  get init() {
    return checksMayBeDeclared() ? loadSqlParser : undefined;
  },
  extensions: DRIZZLE_EXTENSIONS,
  discover: (files, reader) => {
    try {
      return discoverDrizzle(files, reader);
    } catch {
      return [];
    }
  },
  analyze: (unit, reader, options) => {
    try {
      return analyzeDrizzleUnit(unit, reader, options);
    } catch (error) {
      // Defence in depth: the walk is written not to throw; if it ever does, say so instead of crashing.
      return {
        databases: [],
        codeFiles: [],
        suppressions: [],
        diagnostics: [
          {
            file: unit.files[0] ?? unit.id,
            range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
            severity: 'warning',
            message: `Schema Review could not review this Drizzle schema: ${(error as Error)?.message ?? String(error)}`,
            source: 'schema-review',
            code: 'drizzle-internal',
          },
        ],
      };
    }
  },
  writeFix: (intent, reader) => writeDrizzleFix(intent, reader),
};

export { analyzeDrizzleUnit } from './analyze';
export { discoverDrizzle, readDrizzleConfig } from './discover';
export { writeDrizzleFix } from './write';
