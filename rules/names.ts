/**
 * Name helpers shared by the schema rules: splitting identifiers into words (camelCase, snake_case,
 * kebab-case), singular/plural tolerance, and display names. Pure functions (tablesByNameKey is memoized).
 */
import type { Column, Database, Table } from './model';
import { wholeDatabase } from './types';

/** Per ASCII code: lower (1), upper (2), digit (3), other (0). A table, not a test per character: names are split cold. */
const KINDS = new Uint8Array(128);
for (let c = 97; c <= 122; c++) KINDS[c] = 1;
for (let c = 65; c <= 90; c++) KINDS[c] = 2;
for (let c = 48; c <= 57; c++) KINDS[c] = 3;

/** The kind of the character at `i` (`KINDS`; 0 past the end and beyond ASCII). */
function kindAt(identifier: string, i: number): number {
  const code = identifier.charCodeAt(i); // NaN past the end
  return code < 128 ? KINDS[code] : 0;
}

/** Where the last word `splitWords` found starts and ends (-1 when there was none). */
let lastFrom = -1;
let lastTo = -1;

/**
 * Splits `identifier` into words (as `words` describes), pushing them lower-cased to `out` when given, and
 * leaves the last word's bounds in `lastFrom`/`lastTo`. No closure per call: rules split every column's name.
 */
function splitWords(identifier: string, out: string[] | undefined): void {
  lastFrom = lastTo = -1;
  let start = -1;
  // The kinds of the characters before, at and after `i`, each read once.
  let prev = 0;
  let k = kindAt(identifier, 0);
  for (let i = 0; i <= identifier.length; i++) {
    const next = kindAt(identifier, i + 1);
    if (k === 0) {
      if (start >= 0) {
        out?.push(identifier.slice(start, i).toLowerCase());
        lastFrom = start;
        lastTo = i;
      }
      start = -1;
    } else if (start < 0) {
      start = i;
    } else if (
      (k === 2 && (prev === 1 || prev === 3)) || // fooBar, v2Api
      (k === 2 && prev === 2 && next === 1) || // HTTPServer → HTTP|Server
      (k === 3 && prev !== 3) // backup2024 → backup|2024
    ) {
      out?.push(identifier.slice(start, i).toLowerCase());
      lastFrom = start;
      lastTo = i;
      start = i;
    }
    prev = k;
    k = next;
  }
}

/**
 * `compute`, remembered per name. Rules ask the same things of the same table and column names again and again (for
 * every table, by several rules, at every keystroke), so each answer is worked out once and shared: answers must be
 * read-only. A workspace has far fewer names than the bound; past it (generated names) the memo starts over.
 */
export function perName<T>(compute: (name: string) => T): (name: string) => T {
  const known = new Map<string, T>();
  return (name) => {
    let answer = known.get(name);
    if (answer === undefined && !known.has(name)) {
      answer = compute(name);
      if (known.size > 100_000) known.clear();
      known.set(name, answer);
    }
    return answer as T;
  };
}

/** `chatMessages_backup2024` → ['chat', 'messages', 'backup', '2024']; `HTTPServer` → ['http', 'server']. Lower-cased. */
export const words: (identifier: string) => readonly string[] = perName((identifier) => {
  const list: string[] = [];
  splitWords(identifier, list);
  return list;
});

/** The last of `words(identifier)`, or undefined when there is none (without building the list). */
export const lastWord: (identifier: string) => string | undefined = perName((identifier) => {
  splitWords(identifier, undefined);
  return lastFrom < 0 ? undefined : identifier.slice(lastFrom, lastTo).toLowerCase();
});

/** A crude English singular, good enough for table names (`categories` → `category`, `statuses` → `status`). */
export const singular: (word: string) => string = perName(singularOf);

function singularOf(word: string): string {
  const w = word.toLowerCase();
  if (w.length > 4 && w.endsWith('ies')) return w.slice(0, -3) + 'y';
  if (w.length > 4 && w.endsWith('es') && /(ss|sh|ch|x|z|us)es$/.test(w)) return w.slice(0, -2);
  if (w.length > 3 && w.endsWith('s') && !w.endsWith('ss') && !w.endsWith('us')) return w.slice(0, -1);
  return w;
}

/** Canonical key for comparing names: words joined, last word singular (`chat_messages` ≡ `ChatMessage`). */
export const nameKey: (identifier: string) => string = perName((identifier) => {
  const ws = words(identifier).slice();
  if (ws.length > 0) ws[ws.length - 1] = singular(ws[ws.length - 1]);
  return ws.join('');
});

/**
 * Tables by `nameKey` of their name and database name, for repeated lookups. Memoized per database (three
 * rules ask for it; databases are not mutated after analysis): treat the map as read-only.
 */
export function tablesByNameKey(database: Database): Map<string, Table[]> {
  database = wholeDatabase(database);
  const known = byNameKey.get(database);
  if (known) return known;
  const byKey = new Map<string, Table[]>();
  byNameKey.set(database, byKey);
  const add = (key: string, t: Table) => {
    if (!key) return;
    const list = byKey.get(key);
    if (list) list.push(t);
    else byKey.set(key, [t]);
  };
  const tables = database.tables;
  for (let i = 0; i < tables.length; i++) {
    const t = tables[i];
    // The name's key, then the database name's when it is another one (no Set per table).
    const key = nameKey(t.name);
    add(key, t);
    if (t.dbName !== undefined) {
      const dbKey = nameKey(t.dbName);
      if (dbKey !== key) add(dbKey, t);
    }
  }
  return byKey;
}

const byNameKey = new WeakMap<Database, Map<string, Table[]>>();

/**
 * The table whose name (or database name) matches `identifier`, singular/plural and case tolerant.
 * Pass `index` (from `tablesByNameKey`) when looking up many names in one database.
 */
export function findTableByName(
  database: Database,
  identifier: string,
  except?: Table,
  index: Map<string, Table[]> = tablesByNameKey(database),
): Table | undefined {
  const key = nameKey(identifier);
  if (!key) return undefined;
  return index.get(key)?.find((t) => t !== except);
}

/** The name a column has in the database (`strategy_id` for a Drizzle `strategyId`). */
export function sqlColumnName(column: Column | undefined, fallback: string): string {
  return column?.dbName ?? column?.name ?? fallback;
}

/** "a Event" → "an Event". */
export const article: (noun: string) => string = perName((noun) => `${anBefore(noun) ? 'an' : 'a'} ${noun}`);

function anBefore(noun: string): boolean {
  // Sound, not spelling: "a user", "a unique", "an hour". A letter or a short acronym is spelled out: "a U",
  // "an SMS", "an API", "a URL".
  if (/^[A-Z]{1,3}$/.test(noun)) return /^[AEFHILMNORSX]/.test(noun);
  return /^(hour|honest|honou?r|heir)/i.test(noun) || (/^[aeiou]/i.test(noun) && !/^(u[bcdfgklmnprstvz][aeiou]|use|eu|one\b|once)/i.test(noun));
}

/** A table's own name without its schema: `billing.invoices` → `invoices`. */
export function unqualified(name: string): string {
  return name.slice(name.lastIndexOf('.') + 1);
}

/** `Question.eventId`. */
export function qualified(table: Table, column: string): string {
  return `${table.name}.${column}`;
}

/** `(eventId)` or `(userId, roleId)`. */
export function columnList(columns: readonly string[]): string {
  return `(${columns.join(', ')})`;
}

/** `PascalCase` from any identifier (`signal_trade` + `status` → `SignalTradeStatus`). */
export function pascal(...parts: string[]): string {
  return parts
    .flatMap(words)
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
    .join('');
}

/** `snake_case` from any identifier. */
export function snake(...parts: string[]): string {
  return parts.flatMap(words).join('_');
}

/** Quote a name in a message: `"open"`. */
export function quoteList(values: readonly string[]): string {
  return values.map((v) => `"${v}"`).join(', ');
}

/**
 * One row of a table, in words: Prisma models are singular nouns ("an Event"); SQL and Drizzle
 * tables are usually plural ("a strategies row").
 */
export function aRowOf(language: 'prisma' | 'drizzle' | 'sql', tableName: string): string {
  // In a message for every key of a table: remembered per name (a Prisma model's phrase apart).
  return language === 'prisma' ? prismaRow(tableName) : row(tableName);
}

const prismaRow = perName((tableName) => (pluralTableName(tableName) ? `${article(tableName)} row` : article(tableName)));
const row = perName((tableName) => `${article(tableName)} row`);

/**
 * A Prisma model named as a plural table (`users`, `team_members`: introspected or Supabase schemas) reads as a table:
 * "a users row", as in SQL, not "a users".
 */
function pluralTableName(name: string): boolean {
  const last = lastWord(name);
  return /^[a-z]/.test(name) && last !== undefined && singular(last) !== last;
}

/** "a missing Event", "a missing users row": a row of the table, as `aRowOf` names it, after "a missing". */
export function aMissingRowOf(language: 'prisma' | 'drizzle' | 'sql', tableName: string): string {
  return language === 'prisma' && !pluralTableName(tableName) ? tableName : `${tableName} row`;
}

/** Postgres' identifier limit: names are at most NAMEDATALEN - 1 = 63 bytes (longer ones are truncated). */
export const NAMEDATALEN = 64;

/** The UTF-8 length of `s` in bytes (no Buffer: the rules are plain TypeScript). */
export function utf8Length(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) n += 1;
    else if (c < 0x800) n += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      n += 4;
      i++;
    } else n += 3;
  }
  return n;
}

/** The longest prefix of `s` of at most `bytes` UTF-8 bytes that ends on a character boundary (pg_mbcliplen). */
export function clipUtf8(s: string, bytes: number): string {
  if (utf8Length(s) <= bytes) return s;
  let out = '';
  let used = 0;
  for (const ch of s) {
    const n = utf8Length(ch);
    if (used + n > bytes) break;
    out += ch;
    used += n;
  }
  return out;
}

/**
 * Postgres' makeObjectName(name1, name2, label) (src/backend/commands/indexcmds.c): `name1[_name2][_label]` within
 * 63 bytes, shortening the longer of the two names first and never splitting a UTF-8 character.
 */
export function makeObjectName(name1: string, name2: string | undefined, label: string | undefined): string {
  let overhead = 0;
  let name1chars = utf8Length(name1);
  let name2chars = 0;
  if (name2 !== undefined) {
    name2chars = utf8Length(name2);
    overhead++;
  }
  if (label !== undefined) overhead += utf8Length(label) + 1;
  const available = NAMEDATALEN - 1 - overhead;
  // Preferentially truncate the longer name (Postgres does it one byte at a time, the same result).
  while (name1chars + name2chars > available) {
    if (name1chars > name2chars) name1chars--;
    else name2chars--;
  }
  let name = clipUtf8(name1, name1chars);
  if (name2 !== undefined) name += '_' + clipUtf8(name2, name2chars);
  if (label !== undefined) name += '_' + label;
  return name;
}
