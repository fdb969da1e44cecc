/**
 * The code front-end: TypeScript/JavaScript files that call Prisma or Drizzle. Facts: `CodeFile`
 * (`DbCall`, `TransactionScope`, `WritingCall`, `OtherAwait`); fixes: the code intents
 * (`wrapInTransaction`, `useTransactionClient`, `addLimit`, `batchQueryInLoop`).
 */
import type { LanguageFrontEnd } from '../types';
import { analyzeCode } from './analyze';
import { CODE_EXTENSIONS, discoverCode } from './discover';
import { writeCodeFix } from './fixes';

export { analyzeCode } from './analyze';
export { discoverCode } from './discover';
export { describeWrap, type WrapDescription } from './fixes';

export const codeFrontEnd: LanguageFrontEnd = {
  language: 'code',
  extensions: CODE_EXTENSIONS,
  discover: (files, reader) => {
    try {
      return discoverCode(files, reader);
    } catch {
      return [];
    }
  },
  analyze: (unit, reader, options) => {
    const result = analyzeCode(unit.files, reader, options.databases ?? []);
    return { databases: [], codeFiles: result.codeFiles, diagnostics: result.diagnostics, suppressions: result.suppressions };
  },
  writeFix: (intent, reader) => {
    try {
      return writeCodeFix(intent, reader);
    } catch {
      return undefined;
    }
  },
};
