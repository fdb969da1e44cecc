import type { Column } from '../model';
import type { Rule } from '../types';
import { lastWord } from '../names';
import { changeColumnTypeTitle } from '../titles';
import { dialectHasJson, isTextLike, literalDefault, prismaSqliteTooOld } from './literals';

/** Names that usually hold a JSON document when the column is text-sized. */
const JSON_NAMES = new Set([
  'metadata', 'meta', 'json', 'payload', 'settings', 'config', 'configuration', 'attributes', 'attrs', 'extra',
  'extras', 'preferences', 'prefs', 'properties', 'props', 'params', 'parameters', 'options',
]);

function looksLikeJsonDocument(value: string): boolean {
  const text = value.trim();
  if (!/^(\{[\s\S]*\}|\[[\s\S]*\])$/.test(text)) return false;
  try {
    JSON.parse(text.replace(/\\"/g, '"'));
    return true;
  } catch {
    return false;
  }
}

/** Why this string column holds JSON, or undefined. */
export function jsonEvidence(column: Column): string | undefined {
  if (column.type !== 'string') return undefined;
  // A CHECK reading the column validates what it holds (a function accepting JSON and other forms, say): it is not
  // unvalidated text, and a JSON type could refuse its other values and break the check written for text.
  if (column.checked) return undefined;
  const value = literalDefault(column.default);
  // Quoted as the JSON it holds, not as the escaped Prisma string literal (`{\"a\":1}`).
  if (value !== undefined && looksLikeJsonDocument(value)) return `its default is ${value.trim().replace(/\\"/g, '"')}`;
  if (column.comment && /\bjson\b/i.test(column.comment)) return 'its comment says JSON';
  const last = lastWord(column.name);
  if (last !== undefined && JSON_NAMES.has(last) && isTextLike(column)) return `its name and text type say so`;
  return undefined;
}

export const jsonInString: Rule = {
  meta: {
    id: 'json-in-string',
    category: 'data-types',
    defaultSeverity: 'info',
    languages: ['prisma', 'drizzle', 'sql'],
    description: 'A string column that holds JSON, where the database has a JSON type.',
    partition: 'table',
    fix: 'unsafe',
  },
  check(context) {
    for (const database of context.databases) {
      if (!jsonInString.meta.languages.includes(database.language) || database.dialect === 'mongodb') continue;
      const hasJson = dialectHasJson(database);
      // Indexed loops over every table and column (see "Hot loops" in ../types.ts).
      const tables = database.tables;
      for (let t = 0; t < tables.length; t++) {
        const table = tables[t];
        if (table.isView) continue;
        const columns = table.columns;
        for (let c = 0; c < columns.length; c++) {
          const column = columns[c];
          // Only a string column can hold JSON as text (checked here first: most columns are not).
          if (column.type !== 'string') continue;
          const evidence = jsonEvidence(column);
          if (!evidence) continue;
          const tooOld = prismaSqliteTooOld(database);
          context.report({
            message:
              `${table.name}.${column.name} keeps JSON in a string (${evidence}): ` +
              (database.dialect === 'sqlite'
                ? // SQLite keeps JSON as text in either case, and its json_* functions read a text column as well.
                  `SQLite stores JSON as text either way, but nothing checks that this column holds valid JSON, and every read must parse it.`
                : `the database cannot validate it, query or index its fields (no JSON operators), and every read must parse it.`) +
              (tooOld ? ` No Json fix is offered: ${tooOld} has no Json type on SQLite (Prisma 6.2 added it); upgrade Prisma to get one.` : ''),
            loc: column.loc,
            fixes: hasJson
              ? [
                  {
                    title: changeColumnTypeTitle(database, column, 'json'),
                    safety: 'unsafe',
                    intent: { kind: 'changeColumnType', database, table, column, to: 'json' },
                  },
                ]
              : [],
          });
        }
      }
    }
  },
};
