/**
 * Differential oracles for the Drizzle front-end:
 * - drizzle-orm itself: the schema modules are imported (our own fixtures, in tests only; the front-end
 *   never executes workspace code) and `getTableConfig` tells the truth about every table;
 * - Postgres (PGlite): DDL written from drizzle's own table configs is run, and `pg_catalog` is read.
 */
import { cpSync, mkdtempSync, rmSync, symlinkSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { is } from 'drizzle-orm';
import * as pg from 'drizzle-orm/pg-core';
import * as mysql from 'drizzle-orm/mysql-core';
import * as sqlite from 'drizzle-orm/sqlite-core';
import type { Database } from '../../../rules/model';
import { columnOf, isCovered, tableOf } from '../../../rules/types';

const ACTION: Record<string, string> = {
  Cascade: 'cascade',
  Restrict: 'restrict',
  NoAction: 'no action',
  SetNull: 'set null',
  SetDefault: 'set default',
};

/** The facts we compare, as sorted strings (readable in a failing assertion). */
export interface Facts {
  foreignKeys: string[];
  indexes: string[];
  notNull: string[];
}

function sqlCol(db: Database, tableName: string, col: string): string {
  const t = tableOf(db, tableName);
  const c = t ? columnOf(t, col) : undefined;
  return c ? c.dbName ?? c.name : col;
}

function sqlTable(db: Database, name: string): string {
  const t = tableOf(db, name);
  return t ? t.dbName ?? t.name : name;
}

export function modelFacts(db: Database): Facts {
  const foreignKeys: string[] = [];
  const indexes: string[] = [];
  const notNull: string[] = [];
  for (const t of db.tables) {
    const name = t.dbName ?? t.name;
    for (const fk of t.foreignKeys) {
      if (!fk.enforced) continue;
      foreignKeys.push(
        `${name}(${fk.columns.map((c) => sqlCol(db, t.name, c))}) -> ${sqlTable(db, fk.references.table)}(${fk.references.columns.map((c) =>
          sqlCol(db, fk.references.table, c),
        )}) on delete ${ACTION[fk.onDelete ?? fk.defaultOnDelete]}`,
      );
    }
    if (t.primaryKey) indexes.push(`${name} primary(${t.primaryKey.columns.map((c) => sqlCol(db, t.name, c))})`);
    for (const i of t.indexes) {
      indexes.push(`${name} ${i.unique ? 'unique' : 'index'}(${i.columns.map((c) => sqlCol(db, t.name, c))})${i.partial ? ' partial' : ''}`);
    }
    for (const c of t.columns) if (!c.nullable) notNull.push(`${name}.${c.dbName ?? c.name}`);
  }
  return { foreignKeys: foreignKeys.sort(), indexes: indexes.sort(), notNull: notNull.sort() };
}

type AnyTable = pg.PgTable | mysql.MySqlTable | sqlite.SQLiteTable;

function configOf(table: AnyTable) {
  if (is(table, pg.PgTable)) return pg.getTableConfig(table);
  if (is(table, mysql.MySqlTable)) return mysql.getTableConfig(table);
  return sqlite.getTableConfig(table as sqlite.SQLiteTable);
}

function isTable(v: unknown): v is AnyTable {
  return is(v, pg.PgTable) || is(v, mysql.MySqlTable) || is(v, sqlite.SQLiteTable);
}

function indexColumnName(c: unknown): string {
  const o = c as { name?: string };
  return typeof o?.name === 'string' ? o.name : '(expression)';
}

/** Every table exported by the modules, deduplicated. */
export async function importTables(files: string[]): Promise<{ tables: AnyTable[]; modules: Record<string, unknown>[] }> {
  const tables = new Set<AnyTable>();
  const modules: Record<string, unknown>[] = [];
  for (const f of files) {
    const mod = (await import(pathToFileURL(f).href)) as Record<string, unknown>;
    modules.push(mod);
    for (const v of Object.values(mod)) if (isTable(v)) tables.add(v);
  }
  return { tables: [...tables], modules };
}

export function drizzleFacts(tables: AnyTable[]): Facts {
  const foreignKeys: string[] = [];
  const indexes: string[] = [];
  const notNull: string[] = [];
  for (const table of tables) {
    const config = configOf(table);
    const name = config.name;
    for (const fk of config.foreignKeys) {
      const ref = fk.reference();
      foreignKeys.push(
        `${name}(${ref.columns.map((c) => c.name)}) -> ${configOf(ref.foreignTable as AnyTable).name}(${ref.foreignColumns.map((c) => c.name)}) on delete ${fk.onDelete ?? 'no action'}`,
      );
    }
    const pkColumns = config.columns.filter((c) => c.primary).map((c) => c.name);
    for (const pk of config.primaryKeys) indexes.push(`${name} primary(${pk.columns.map((c) => c.name)})`);
    if (pkColumns.length) indexes.push(`${name} primary(${pkColumns})`);
    for (const c of config.columns) if (c.isUnique) indexes.push(`${name} unique(${c.name})`);
    for (const u of config.uniqueConstraints ?? []) indexes.push(`${name} unique(${u.columns.map((c) => c.name)})`);
    for (const i of config.indexes) {
      const ic = i.config as { unique?: boolean; columns: unknown[]; where?: unknown };
      indexes.push(`${name} ${ic.unique ? 'unique' : 'index'}(${ic.columns.map(indexColumnName)})${ic.where ? ' partial' : ''}`);
    }
    for (const c of config.columns) if (c.notNull) notNull.push(`${name}.${c.name}`);
  }
  return { foreignKeys: foreignKeys.sort(), indexes: indexes.sort(), notNull: notNull.sort() };
}

/**
 * Copies a fixture project to a temporary folder with some files replaced, so fixed schemas can be
 * imported. `node_modules` is linked to the repository's.
 */
export function materialize(fixtureDir: string, overlay: Map<string, string>): { dir: string; map: (f: string) => string; dispose: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'drizzle-fix-'));
  cpSync(fixtureDir, dir, { recursive: true });
  symlinkSync(resolve(__dirname, '../../../node_modules'), join(dir, 'node_modules'), 'dir');
  const map = (f: string) => join(dir, f.slice(fixtureDir.length)).replace(/\\/g, '/');
  for (const [file, text] of overlay) {
    if (!file.startsWith(fixtureDir)) continue;
    mkdirSync(dirname(map(file)), { recursive: true });
    writeFileSync(map(file), text);
  }
  return { dir, map, dispose: () => rmSync(dir, { recursive: true, force: true }) };
}

// ---------------------------------------------------------------------------------------------
// Postgres: DDL from drizzle's table configs, run in PGlite, read back from pg_catalog
// ---------------------------------------------------------------------------------------------

const ident = (s: string) => `"${s.replace(/"/g, '""')}"`;

export function postgresDdl(tables: pg.PgTable[], modules: Record<string, unknown>[]): string[] {
  const out: string[] = [];
  const enums = new Map<string, string[]>();
  for (const m of modules) {
    for (const v of Object.values(m)) {
      if (pg.isPgEnum(v)) enums.set(v.enumName, [...v.enumValues]);
    }
  }
  for (const [name, values] of enums) out.push(`CREATE TYPE ${ident(name)} AS ENUM (${values.map((v) => `'${v}'`).join(', ')})`);
  const schemas = new Set<string>();
  const qualified = (t: pg.PgTable) => {
    const c = pg.getTableConfig(t);
    return c.schema ? `${ident(c.schema)}.${ident(c.name)}` : ident(c.name);
  };
  for (const t of tables) {
    const c = pg.getTableConfig(t);
    if (c.schema && !schemas.has(c.schema)) {
      schemas.add(c.schema);
      out.push(`CREATE SCHEMA ${ident(c.schema)}`);
    }
  }
  for (const t of tables) {
    const c = pg.getTableConfig(t);
    const cols = c.columns.map((col) => `${ident(col.name)} ${col.getSQLType()}${col.notNull ? ' NOT NULL' : ''}${col.isUnique ? ' UNIQUE' : ''}`);
    const pk = c.columns.filter((col) => col.primary).map((col) => ident(col.name));
    if (pk.length) cols.push(`PRIMARY KEY (${pk})`);
    for (const p of c.primaryKeys) cols.push(`PRIMARY KEY (${p.columns.map((col) => ident(col.name))})`);
    for (const u of c.uniqueConstraints) cols.push(`UNIQUE (${u.columns.map((col) => ident(col.name))})`);
    out.push(`CREATE TABLE ${qualified(t)} (${cols.join(', ')})`);
  }
  for (const t of tables) {
    const c = pg.getTableConfig(t);
    for (const i of c.indexes) {
      const ic = i.config as { name?: string; unique?: boolean; columns: unknown[]; where?: unknown };
      const names = ic.columns.map(indexColumnName);
      if (names.includes('(expression)')) continue;
      out.push(
        `CREATE ${ic.unique ? 'UNIQUE ' : ''}INDEX ${ic.name ? ident(ic.name) : ''} ON ${qualified(t)} (${names.map(ident)})${ic.where ? ' WHERE true' : ''}`,
      );
    }
  }
  for (const t of tables) {
    const c = pg.getTableConfig(t);
    for (const fk of c.foreignKeys) {
      const r = fk.reference();
      out.push(
        `ALTER TABLE ${qualified(t)} ADD FOREIGN KEY (${r.columns.map((col) => ident(col.name))}) REFERENCES ${qualified(
          r.foreignTable as pg.PgTable,
        )} (${r.foreignColumns.map((col) => ident(col.name))}) ON DELETE ${(fk.onDelete ?? 'no action').toUpperCase()} ON UPDATE ${(fk.onUpdate ?? 'no action').toUpperCase()}`,
      );
    }
  }
  return out;
}

const PG_ACTION: Record<string, string> = { a: 'no action', r: 'restrict', c: 'cascade', n: 'set null', d: 'set default' };

/** Foreign keys and "unindexed" verdicts as Postgres sees them (leading columns of a valid, non-partial index). */
export const CATALOG_QUERY = `
SELECT c.conrelid::regclass::text AS tbl,
       c.confrelid::regclass::text AS ref,
       c.confdeltype AS del,
       ARRAY(SELECT a.attname::text FROM unnest(c.conkey) WITH ORDINALITY k(n, o) JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.n ORDER BY k.o) AS cols,
       ARRAY(SELECT a.attname::text FROM unnest(c.confkey) WITH ORDINALITY k(n, o) JOIN pg_attribute a ON a.attrelid = c.confrelid AND a.attnum = k.n ORDER BY k.o) AS refcols,
       EXISTS (
         SELECT 1 FROM pg_index i
         WHERE i.indrelid = c.conrelid AND i.indisvalid AND i.indpred IS NULL
           AND (SELECT array_agg(x ORDER BY x) FROM unnest((string_to_array(i.indkey::text, ' ')::int2[])[1:cardinality(c.conkey)]) x)
             = (SELECT array_agg(x ORDER BY x) FROM unnest(c.conkey) x)
       ) AS covered
FROM pg_constraint c WHERE c.contype = 'f'`;

export interface CatalogRow {
  tbl: string;
  ref: string;
  del: string;
  cols: string[];
  refcols: string[];
  covered: boolean;
}

const bare = (regclass: string) => regclass.replace(/"/g, '').replace(/^.*\./, '');

export function catalogFacts(rows: CatalogRow[]): { foreignKeys: string[]; unindexed: string[] } {
  return {
    foreignKeys: rows.map((r) => `${bare(r.tbl)}(${r.cols}) -> ${bare(r.ref)}(${r.refcols}) on delete ${PG_ACTION[r.del]}`).sort(),
    unindexed: rows.filter((r) => !r.covered).map((r) => `${bare(r.tbl)}(${r.cols})`).sort(),
  };
}

export function modelUnindexed(db: Database): string[] {
  const out: string[] = [];
  for (const t of db.tables) {
    for (const fk of t.foreignKeys) {
      if (fk.enforced && !isCovered(t, fk.columns)) out.push(`${t.dbName ?? t.name}(${fk.columns.map((c) => sqlCol(db, t.name, c))})`);
    }
  }
  return out.sort();
}
