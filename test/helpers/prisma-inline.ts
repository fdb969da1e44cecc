/**
 * A Prisma schema given as text, analysed by the real front-end, for rule tests that check a fix end to end:
 * run the rule on the analysed schema, write a fix with the front-end, and ask prisma-schema-wasm whether the
 * fixed schema still validates.
 */
import { prismaFrontEnd } from '../../server/src/languages/prisma';
import type { SourceReader, TextEdit, Unit } from '../../server/src/languages/types';
import type { Database } from '../../rules/model';
import type { FixIntent, ReportInput, Rule } from '../../rules/types';
import { applyFileEdits, memoryReader } from '../languages/prisma/helpers';
import { runRule } from './run-rule';

export const INLINE_SCHEMA = '/virtual/prisma/schema.prisma';

export interface InlinePrisma {
  unit: Unit;
  reader: SourceReader;
  db: Database;
  /** Prisma's own errors on the schema as given (it should be valid to begin with). */
  errors: string[];
}

export function inlinePrisma(text: string, prismaMajor = 6): InlinePrisma {
  const unit: Unit = { language: 'prisma', id: `prisma:${INLINE_SCHEMA}`, files: [INLINE_SCHEMA], hints: { prismaMajor } };
  const reader = memoryReader({ [INLINE_SCHEMA]: text });
  const analysis = prismaFrontEnd.analyze(unit, reader, { validation: true });
  const errors = analysis.diagnostics.filter((d) => d.severity === 'error').map((d) => d.message);
  return { unit, reader, db: analysis.databases[0], errors };
}

export function findings(rule: Rule, schema: InlinePrisma): ReportInput[] {
  return runRule(rule, [schema.db]);
}

/** Writes and applies one fix; the fixed text, Prisma's errors on it, and the re-analysed schema. */
export function applyPrismaFix(schema: InlinePrisma, intent: FixIntent): { text: string; errors: string[]; fixed: InlinePrisma } | undefined {
  return applyPrismaFixes(schema, [intent]);
}

/** Writes several fixes against the same text and applies them together, as fix-all does. */
export function applyPrismaFixes(schema: InlinePrisma, intents: readonly FixIntent[]): { text: string; errors: string[]; fixed: InlinePrisma } | undefined {
  // One edit list per file: every edit's range is in the text as given.
  const byFile = new Map<string, TextEdit[]>();
  for (const intent of intents) {
    const written = prismaFrontEnd.writeFix(intent, schema.reader);
    if (!written) return undefined;
    for (const e of written) byFile.set(e.file, [...(byFile.get(e.file) ?? []), ...e.edits]);
  }
  const applied = applyFileEdits(schema.reader, [...byFile].map(([file, edits]) => ({ file, edits })));
  const text = applied.reader.read(INLINE_SCHEMA) ?? '';
  const fixed = inlinePrisma(text, typeof schema.unit.hints?.prismaMajor === 'number' ? schema.unit.hints.prismaMajor : 6);
  return { text, errors: fixed.errors, fixed };
}
