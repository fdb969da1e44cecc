/**
 * Dispatching a fix intent to a language's writers: each schema language provides one writer per intent
 * kind it can write; an intent about another language, or a kind it lacks, yields no fix.
 */
import type { Database, Language } from '../../../rules/model';
import type { FixIntent } from '../../../rules/types';
import type { FileEdit, SourceReader } from './types';

/** The intents about schema facts (they name their database). */
export type SchemaIntent = Extract<FixIntent, { database: Database }>;

export type SchemaWriters = {
  [K in SchemaIntent['kind']]?: (intent: Extract<SchemaIntent, { kind: K }>, reader: SourceReader) => FileEdit[] | undefined;
};

/** Runs the writer for `intent` if it is about a `language` database and the language writes that kind. */
export function writeSchemaFix(language: Language, writers: SchemaWriters, intent: FixIntent, reader: SourceReader): FileEdit[] | undefined {
  if (!('database' in intent) || intent.database.language !== language) return undefined;
  const write = writers[intent.kind] as ((intent: SchemaIntent, reader: SourceReader) => FileEdit[] | undefined) | undefined;
  return write?.(intent, reader);
}
