import type { Column, Database, Table } from '../model';
import type { CodeFile } from '../model';
import type { Rule } from '../types';
import { readsTable, tableOf, wholeDatabase } from '../types';
import { migrationDatabasesOf, migrationTableName } from '../schema-migrations';
import { lastWord, quoteList } from '../names';
import { createEnumTitle } from '../titles';
import { codeValueIndexes, codeValuesFor, describeSite, type CodeValueIndex, type CodeValueSite } from './code-values';
import { dialectHasEnums, literalDefault, prismaSqliteTooOld } from './literals';

/** Last words of a column name that usually name one of a closed set of values. */
const ENUM_NAMES = new Set([
  'status', 'state', 'type', 'kind', 'role', 'tier', 'level', 'category', 'mode', 'stage', 'phase', 'priority',
  'visibility', 'plan', 'severity', 'side', 'direction', 'gender', 'channel', 'frequency', 'interval', 'method',
  'provider', 'outcome', 'result', 'permission', 'scope', 'difficulty', 'urgency', 'importance',
]);
/**
 * The strongest of them (a state, a level, a kind): enough, with a short one-word default, to report even without
 * known values.
 */
const STRONG_ENUM_NAMES = new Set([
  'status', 'state', 'role', 'kind', 'type', 'tier', 'level', 'stage', 'phase', 'priority', 'severity', 'side',
  'difficulty', 'urgency', 'importance', 'visibility',
]);

/**
 * A default that reads like an enum value: one short word, in one case (`medium`, `in_progress`, `ACTIVE`), not a
 * phrase, a title (`Untitled`), a code like `#fff` or a MIME type.
 */
function isEnumWord(value: string): boolean {
  return value.length >= 2 && value.length <= 24 && (/^[a-z][a-z0-9]*(?:[_-][a-z0-9]+)*$/.test(value) || /^[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)*$/.test(value));
}

type Token = { kind: 'word' | 'quoted' | 'sep' | 'punct'; text: string };

/** A tiny tokenizer over comment text: words, quoted strings, list separators (`|` `,` `/` `or`), the rest. */
export function tokenizeComment(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const ch = text[i];
    if (/\s/.test(ch)) {
      i++;
    } else if (ch === '"' || ch === "'" || ch === '`') {
      const end = text.indexOf(ch, i + 1);
      if (end < 0) {
        tokens.push({ kind: 'punct', text: ch });
        i++;
      } else {
        tokens.push({ kind: 'quoted', text: text.slice(i + 1, end) });
        i = end + 1;
      }
    } else if (/[A-Za-z0-9_]/.test(ch)) {
      let j = i + 1;
      while (j < text.length && /[A-Za-z0-9_-]/.test(text[j])) j++;
      const word = text.slice(i, j);
      tokens.push({ kind: word.toLowerCase() === 'or' ? 'sep' : 'word', text: word });
      i = j;
    } else if (ch === '|' || ch === ',' || ch === '/') {
      tokens.push({ kind: 'sep', text: ch });
      i++;
    } else {
      tokens.push({ kind: 'punct', text: ch });
      i++;
    }
  }
  return tokens;
}

/** Words that may introduce a list of values without being part of it ("one of a, b", "either a or b"). */
const LEAD_INS = new Set(['of', 'either', 'be', 'is', 'are', 'values', 'value', 'ie']);

/** The longest run `v (sep v)+` of tokens of `kind`, bounded by non-words on both sides. */
function longestRun(tokens: Token[], kind: 'word' | 'quoted'): string[] {
  let best: string[] = [];
  for (let start = 0; start < tokens.length; start++) {
    if (tokens[start].kind !== kind) continue;
    const before = tokens[start - 1];
    if (kind === 'word' && before && before.kind === 'word' && !LEAD_INS.has(before.text.toLowerCase())) continue;
    const run = [tokens[start].text];
    let i = start + 1;
    while (i + 1 < tokens.length && tokens[i].kind === 'sep' && tokens[i + 1].kind === kind) {
      run.push(tokens[i + 1].text);
      i += 2;
    }
    const after = tokens[i];
    // Runs starting inside this one are its suffixes: shorter, same end. Skip them (keeps this linear).
    const next = i - 1;
    const bounded = !(kind === 'word' && after && (after.kind === 'word' || after.kind === 'quoted'));
    if (bounded && run.length > best.length) best = run;
    start = Math.max(start, next);
  }
  return best;
}

/** Where this language's review reads a column's documented values from, as the user would write it. */
function howToDocument(database: Database, table: Table, column: Column): string {
  if (database.language === 'sql') {
    if (database.dialect === 'mysql') return `in the column's COMMENT ('one of: a, b')`;
    return `in a column comment (COMMENT ON COLUMN ${pgName(table.dbName ?? table.name)}.${pgName(column.dbName ?? column.name)} IS 'one of: a, b')`;
  }
  return 'in a comment on the column (// "a" | "b")';
}

/** Postgres words a table or column is often named that must be quoted (`"user"`, `"order"`). */
const PG_RESERVED = new Set([
  'user', 'order', 'group', 'table', 'check', 'default', 'column', 'references', 'limit', 'offset', 'window', 'end',
  'select', 'from', 'where', 'to', 'do', 'only', 'primary', 'foreign', 'unique', 'constraint', 'grant', 'desc', 'asc',
  'all', 'any', 'analyse', 'analyze', 'both', 'case', 'when', 'then', 'else', 'in', 'is', 'not', 'null', 'on', 'or',
  'and', 'as', 'current_user', 'session_user', 'placing', 'leading', 'trailing', 'returning', 'fetch', 'union',
]);

/** A name as Postgres must read it: each part quoted unless a plain lower-case identifier (`"User".role`, `"order"`). */
function pgName(name: string): string {
  return name
    .split('.')
    .map((p) => (/^[a-z_][a-z0-9_$]*$/.test(p) && !PG_RESERVED.has(p) ? p : `"${p.replace(/"/g, '""')}"`))
    .join('.');
}

/**
 * Whether the comment gives examples rather than the set of values: "e.g.", "eg", "for example", "for instance",
 * "such as", "including", "etc." (`/// The type of verification, e.g. "email" or "phone"` holds other values too).
 */
function givesExamples(tokens: Token[]): boolean {
  for (let i = 0; i < tokens.length; i++) {
    if (tokens[i].kind !== 'word') continue;
    const word = tokens[i].text.toLowerCase();
    const next = tokens[i + 1]?.kind === 'word' ? tokens[i + 1].text.toLowerCase() : '';
    if (word === 'eg' || word === 'etc' || word === 'including') return true;
    // "e.g.": the words e and g around a full stop.
    if (word === 'e' && tokens[i + 1]?.text === '.' && tokens[i + 2]?.kind === 'word' && tokens[i + 2].text.toLowerCase() === 'g') return true;
    if (word === 'for' && (next === 'example' || next === 'instance')) return true;
    if (word === 'such' && next === 'as') return true;
  }
  return false;
}

/** The closed set of values a comment documents (`"active" | "paused"`, `pending, completed, failed`), or []. */
export function documentedValues(comment: string | undefined): string[] {
  if (!comment) return [];
  const tokens = tokenizeComment(comment);
  if (givesExamples(tokens)) return [];
  const quoted = longestRun(tokens, 'quoted').map((v) => v.trim());
  const run = quoted.length >= 2 ? quoted : longestRun(tokens, 'word');
  const values = [...new Set(run)];
  if (values.length < 2 || values.some((v) => !/^[A-Za-z][A-Za-z0-9_ .:-]{0,39}$/.test(v))) return [];
  return values;
}

function prismaIdentifiers(values: readonly string[]): boolean {
  return values.every((v) => /^[A-Za-z][A-Za-z0-9_]*$/.test(v));
}

function canCreateEnum(database: Database, values: readonly string[]): boolean {
  if (!dialectHasEnums(database)) return false;
  // Prisma enum values must be identifiers; SQL and Drizzle take any string.
  return database.language !== 'prisma' || prismaIdentifiers(values);
}

function enumLike(column: Column, names: Set<string>): boolean {
  const last = lastWord(column.name);
  return last !== undefined && names.has(last);
}

/** The enum fix, when this database can hold the values as an enum. */
function createEnumFixes(database: Database, table: Table, column: Column, values: string[]) {
  return canCreateEnum(database, values)
    ? [{ title: createEnumTitle(database, table, column, values), safety: 'unsafe' as const, intent: { kind: 'createEnum' as const, database, table, column, values } }]
    : [];
}

/**
 * Per table, its string columns named like an enum. Tables are not changed after analysis and an edit keeps the
 * objects of unchanged tables: a review after an edit looks at the columns of the changed tables only.
 */
const candidateColumns = new WeakMap<Table, Column[]>();

function candidatesOf(table: Table): Column[] {
  let list = candidateColumns.get(table);
  if (!list) {
    // A column whose type lists its values (`$type<"a" | "b">()`) whatever its name: the set is declared right there.
    // (An indexed loop, not `filter` with a closure: this runs for every column of the first review; see "Hot loops"
    // in ../types.ts.)
    list = [];
    const columns = table.columns;
    for (let i = 0; i < columns.length; i++) {
      const c = columns[i];
      if (c.type === 'string' && ((c.typedValues?.length ?? 0) >= 2 || enumLike(c, ENUM_NAMES))) list.push(c);
    }
    candidateColumns.set(table, list);
  }
  return list;
}

/**
 * Why no enum fix is offered where the project's Prisma version has no enums on SQLite (they came in 6.2), as a
 * sentence to append; '' elsewhere.
 */
function versionNote(database: Database): string {
  const version = prismaSqliteTooOld(database);
  return version ? ` No enum fix is offered: ${version} has no enums on SQLite (Prisma 6.2 added them); upgrade Prisma to get one.` : '';
}

function related(sites: readonly CodeValueSite[], message: string) {
  return sites.map((s) => ({ loc: s.loc, message }));
}

/**
 * The code's lists of values per database, for one run: the engine asks table by table with the same arrays of
 * databases and code files, and the index is built once for them.
 */
const indexMemo = new WeakMap<readonly CodeFile[], { databases: readonly Database[]; indexes: Map<Database, CodeValueIndex> }>();

function indexesOf(databases: readonly Database[], codeFiles: readonly CodeFile[]): Map<Database, CodeValueIndex> {
  const known = indexMemo.get(codeFiles);
  if (known && known.databases === databases) return known.indexes;
  const indexes = codeValueIndexes(databases, codeFiles);
  indexMemo.set(codeFiles, { databases, indexes });
  return indexes;
}

/** Whether a CHECK of the schema's migrations holds this column to a closed set of strings (by database names). */
function checkedByMigrations(migrations: readonly Database[], table: Table, column: Column): boolean {
  const sqlName = migrationTableName(table);
  for (const sql of migrations) {
    const target = tableOf(sql, sqlName);
    if (!target) continue;
    // The verdict depends on that table's columns: judged again when a migration changes it.
    readsTable(target);
    const name = column.dbName ?? column.name;
    if (target.columns.some((c) => c.name === name && c.checkedValues !== undefined)) return true;
  }
  return false;
}

export const stringEnum: Rule = {
  meta: {
    id: 'string-enum',
    category: 'data-types',
    defaultSeverity: 'info',
    // `code`: the allowed values may come from the code's z.enum / string unions (CodeFile.enumLiterals).
    languages: ['prisma', 'drizzle', 'sql', 'code'],
    description: 'A string column that holds one of a documented, closed set of values: an enum the database does not enforce.',
    // Table by table: a column's verdict reads its own table, the code's lists of values, and other tables' names
    // (which table a list's owner names). The engine judges it again whenever a code file changed.
    partition: 'table',
    fix: 'unsafe',
  },
  check(context) {
    const indexes = indexesOf(context.allDatabases ?? context.databases, context.codeFiles);
    for (const database of context.databases) {
      if (!stringEnum.meta.languages.includes(database.language)) continue;
      const index = indexes.get(wholeDatabase(database));
      // Prisma cannot declare a CHECK, and a Drizzle schema may not: teams add one by hand to a migration
      // (`drizzle-kit generate --custom`), which holds the schema's column to its values as well.
      const migrations =
        database.language === 'prisma' || database.language === 'drizzle' ? migrationDatabasesOf(wholeDatabase(database), context.allDatabases ?? context.databases) : [];
      const tables = database.tables;
      for (let t = 0; t < tables.length; t++) {
        const table = tables[t];
        if (table.isView) continue;
        for (const column of candidatesOf(table)) {
          // A CHECK constraint already holds the column to its values: the database enforces them (as an enum would).
          if (column.checkedValues !== undefined) continue;
          // Prisma, Drizzle: a CHECK added by hand to a migration holds it all the same.
          if (migrations.length && checkedByMigrations(migrations, table, column)) continue;
          const typed = column.typedValues !== undefined && column.typedValues.length >= 2 ? column.typedValues : undefined;
          const values = typed ?? documentedValues(column.comment);
          /** Where the values come from, when not from a comment. */
          // `$type<"a" | "b">()` or Drizzle's `text({ enum: [...] })`: both only type the code.
          const source = typed ? ` (values from its TypeScript type, which only the code checks)` : '';
          if (values.length >= 2) {
            // A default outside the documented values: the list (or the default) is wrong, and an enum of those
            // values would refuse the default (no language can write that fix).
            const given = literalDefault(column.default);
            if (given !== undefined && !values.includes(given)) {
              context.report({
                message:
                  `${table.name}.${column.name} holds one of ${quoteList(values)} as free text${source}, but its default "${given}" is not one of them: ` +
                  `the database accepts any string, so a typo or a retired value is stored silently. Add "${given}" to the documented values ` +
                  `(or fix the default) to get a fix that creates the enum.` + versionNote(database),
                loc: column.loc,
              });
              continue;
            }
            context.report({
              message:
                `${table.name}.${column.name} holds one of ${quoteList(values)} as free text${source}: the database accepts any string, ` +
                `so ${typed ? 'a write that bypasses the type (raw SQL, another service, a cast) stores ' : ''}a typo or a retired value ${typed ? '' : 'is stored '}silently.` +
                versionNote(database),
              loc: column.loc,
              fixes: createEnumFixes(database, table, column, values),
            });
            continue;
          }
          const fallback = literalDefault(column.default);
          const fromCode = codeValuesFor(index, table, column, fallback);
          if (fromCode?.kind === 'values') {
            context.report({
              message:
                `${table.name}.${column.name} holds one of ${quoteList(fromCode.values)} as free text (values from ${describeSite(fromCode.sites[0])}): ` +
                `the database accepts any string, so a typo or a retired value is stored silently.` + versionNote(database),
              loc: column.loc,
              fixes: createEnumFixes(database, table, column, fromCode.values),
              related: related(fromCode.sites, `the values of ${table.name}.${column.name}`),
            });
            continue;
          }
          if (fromCode?.kind === 'conflict') {
            const lists = fromCode.sites.map((s) => `${describeSite(s)}: ${quoteList(s.values)}`).join('; ');
            context.report({
              message:
                `${table.name}.${column.name} looks like an enum kept as free text${fallback !== undefined ? ` (default "${fallback}")` : ''}: the database accepts any string. ` +
                `The code lists different values for it (${lists}), so no fix is offered: settle on one list first.`,
              loc: column.loc,
              fixes: [],
              related: related(fromCode.sites, `a list of values for ${table.name}.${column.name}`),
            });
            continue;
          }
          if (enumLike(column, STRONG_ENUM_NAMES) && fallback !== undefined && isEnumWord(fallback)) {
            context.report({
              message:
                `${table.name}.${column.name} looks like an enum kept as free text (default "${fallback}"): the database accepts any string. ` +
                (prismaSqliteTooOld(database)
                  ? versionNote(database).trimStart()
                  : database.language === 'sql' && database.dialect === 'sqlite'
                    ? `SQLite has no enum type: a CHECK (${column.dbName ?? column.name} IN (…)) constraint on the column makes it refuse other values.`
                    : `Document the allowed values ${howToDocument(database, table, column)} to get a fix that creates the enum.`),
              loc: column.loc,
            });
          }
        }
      }
    }
  },
};
