/**
 * Small helpers the data-type rules share: reading a column's default as written, telling a text
 * column from a short varchar, and which dialects have JSON, enums and exact decimals.
 */
import type { Column, Database } from '../model';
import { perName } from '../names';

/** The literal value of a default as written (`"[]"`, `'{}'::text`, `'open'::character varying`), or undefined. */
export function literalDefault(written: string | undefined): string | undefined {
  // Rules ask for every string column's default, and defaults recur (`""`, `"pending"`): remembered.
  return written === undefined ? undefined : literals(written);
}

const literals = perName((written) => literalOf(written));

function literalOf(written: string): string | undefined {
  let text = written.trim();
  // A Postgres cast after the literal.
  text = text.replace(/::[\w\s."]+(\(\d+\))?(\[\])?$/, '').trim();
  if (text.startsWith('(') && text.endsWith(')')) text = text.slice(1, -1).trim();
  const quote = text[0];
  if ((quote === '"' || quote === "'" || quote === '`') && text.length >= 2 && text.endsWith(quote)) {
    return text.slice(1, -1);
  }
  return undefined;
}

/** A text-sized string column (`text`, `String`, `longtext`, unbounded `varchar`), not a short `varchar(50)`. */
export function isTextLike(column: Column): boolean {
  if (column.type !== 'string') return false;
  const raw = column.rawType.toLowerCase();
  const length = /(?:char|varying)\s*\(\s*(\d+)/.exec(raw) ?? /length\s*:\s*(\d+)/.exec(raw);
  return !length || Number(length[1]) >= 1000;
}

/**
 * Prisma gained Json and enums on SQLite in 6.2 (earlier versions refuse them on SQLite). An unknown version, or a
 * range that allows 6.2 or newer (`^6.0.0`), is taken as the newest.
 */
function prismaSqliteHasJsonAndEnums(database: Database): boolean {
  return database.language === 'prisma' && prismaSqliteTooOld(database) === undefined;
}

/**
 * A Prisma project on SQLite whose known version predates Json and enums there (before 6.2): that version as written
 * in messages (`Prisma 6.1`, `Prisma 5`); undefined otherwise.
 */
export function prismaSqliteTooOld(database: Database): string | undefined {
  if (database.language !== 'prisma' || database.dialect !== 'sqlite') return undefined;
  const { prismaMajor: major, prismaMinor: minor } = database;
  if (major === undefined || major >= 7) return undefined;
  if (major <= 5) return `Prisma ${major}`;
  return minor !== undefined && minor < 2 ? `Prisma ${major}.${minor}` : undefined;
}

export function dialectHasJson(database: Database): boolean {
  switch (database.dialect) {
    case 'postgresql':
    case 'cockroachdb':
    case 'mysql':
      return true;
    case 'sqlite':
      return prismaSqliteHasJsonAndEnums(database);
    default:
      return false;
  }
}

export function dialectHasEnums(database: Database): boolean {
  switch (database.dialect) {
    case 'postgresql':
    case 'cockroachdb':
    case 'mysql':
      return true;
    case 'mongodb':
      return database.language === 'prisma';
    case 'sqlite':
      return prismaSqliteHasJsonAndEnums(database);
    default:
      return false;
  }
}

/** Exact decimals that really store exactly (SQLite's DECIMAL affinity stores a REAL). */
export function dialectHasDecimal(database: Database): boolean {
  return ['postgresql', 'cockroachdb', 'mysql', 'sqlserver'].includes(database.dialect);
}
