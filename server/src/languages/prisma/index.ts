/**
 * The Prisma front-end: `.prisma` files → one Database per schema (file or folder), Prisma's own
 * validation through prisma-schema-wasm, and text edits for fix intents.
 */
import type { LanguageFrontEnd } from '../types';
import { analyzeUnit, partialIndexesMayBeWritten } from './analyze';
import { discoverPrisma } from './discover';
import { writePrismaFix } from './fixes';
import { loadSqlParser } from '../sql/parse';

export const prismaFrontEnd: LanguageFrontEnd = {
  language: 'prisma',
  /**
   * The Postgres parser, which reads a partial index's `where: raw(…)` (analyze.ts notNullFieldsOf), once discovery saw
   * a generator enabling `partialIndexes`: another Prisma project never loads its wasm.
   */
  get init() {
    return partialIndexesMayBeWritten() ? loadSqlParser : undefined;
  },
  extensions: ['.prisma'],
  discover: (files, reader) => discoverPrisma(files, reader),
  analyze: (unit, reader, options) => analyzeUnit(unit, reader, options),
  writeFix: (intent, reader) => writePrismaFix(intent, reader),
};

export { parsePrisma, tokenize, LineIndex } from './parser';
export type { PrismaAst, Block, Field, Attribute, Span } from './parser';
export { buildModel, parseFile, dialectOf } from './analyze';
export { discoverPrisma, schemaFromConfig, majorOf, prismaProjectAt } from './discover';
export { writePrismaFix, enumValues } from './fixes';
export { wasmMajorFor, preload as preloadPrismaWasm } from './wasm';
