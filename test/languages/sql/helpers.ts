import { readFileSync, readdirSync, statSync } from 'node:fs';
import { after, before } from 'node:test';
import { PGlite, type PGliteInterface } from '@electric-sql/pglite';
import { join, resolve } from 'node:path';
import * as pg from 'libpg-query';
import type { Database } from '../../../rules/model';
import type { Analysis, FileEdit, SourceReader, Unit } from '../../../server/src/languages/types';
import { loadSqlParser, sqlFrontEnd } from '../../../server/src/languages/sql';

export const FIXTURES = resolve(__dirname, '../../fixtures/sql').split('\\').join('/');

export function listFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (p: string): void => {
    for (const name of readdirSync(p).sort()) {
      const child = join(p, name);
      if (statSync(child).isDirectory()) walk(child);
      else out.push(child.split('\\').join('/'));
    }
  };
  walk(dir);
  return out.sort();
}

/** Reads the disk, with in-memory overlays (edited or created files). */
export function memoryReader(overlay: Map<string, string> = new Map()): SourceReader {
  return {
    read(path: string) {
      if (overlay.has(path)) return overlay.get(path);
      try {
        return readFileSync(path, 'utf8');
      } catch {
        return undefined;
      }
    },
  };
}

export async function ready(): Promise<void> {
  // The front-end has its own binding to the parser's wasm; tests also check SQL with the package's parseSync.
  await Promise.all([loadSqlParser(), pg.loadModule()]);
}

export function unitsOf(fixture: string, reader = memoryReader()): Unit[] {
  return sqlFrontEnd.discover(listFiles(join(FIXTURES, fixture)), reader);
}

export function analyzeFixture(fixture: string, reader = memoryReader()): { unit: Unit; analysis: Analysis; db: Database } {
  const units = unitsOf(fixture, reader);
  if (units.length !== 1) throw new Error(`expected one unit in ${fixture}, got ${units.map((u) => u.id).join(', ')}`);
  const analysis = sqlFrontEnd.analyze(units[0], reader, { validation: true });
  return { unit: units[0], analysis, db: analysis.databases[0] };
}

/** The database of in-memory files (path → text) that form one SQL unit, analyzed as the server does. */
export function analyzeSqlFiles(files: Record<string, string>): Database {
  const reader: SourceReader = { read: (p) => files[p] };
  const units = sqlFrontEnd.discover(Object.keys(files).sort(), reader);
  if (units.length !== 1) throw new Error(`expected one unit, got ${units.map((u) => u.id).join(', ')}`);
  return sqlFrontEnd.analyze(units[0], reader, { validation: true }).databases[0];
}

/** Applies FileEdits to texts (edits in one file must not overlap). */
export function applyEdits(edits: FileEdit[], reader: SourceReader): Map<string, string> {
  const out = new Map<string, string>();
  for (const fe of edits) {
    let text = fe.create ? '' : out.get(fe.file) ?? reader.read(fe.file) ?? '';
    const offsets = (t: string, line: number, character: number): number => {
      let off = 0;
      for (let l = 0; l < line; l++) {
        const i = t.indexOf('\n', off);
        if (i < 0) return t.length;
        off = i + 1;
      }
      return off + character;
    };
    const sorted = [...fe.edits].sort((a, b) => offsets(text, b.range.start.line, b.range.start.character) - offsets(text, a.range.start.line, a.range.start.character));
    for (const e of sorted) {
      const s = offsets(text, e.range.start.line, e.range.start.character);
      const en = offsets(text, e.range.end.line, e.range.end.character);
      text = text.slice(0, s) + e.newText + text.slice(en);
    }
    out.set(fe.file, text);
  }
  return out;
}

export function table(db: Database, name: string) {
  const t = db.tables.find((x) => x.name === name);
  if (!t) throw new Error(`no table ${name} in ${db.tables.map((x) => x.name).join(', ')}`);
  return t;
}

/**
 * Fresh embedded Postgres databases for a test file: one PGlite started before its tests, a clone of it per call
 * (after `prepare`), all closed after them.
 */
export function pgliteClones(prepare?: (db: PGliteInterface) => Promise<void>): () => Promise<PGliteInterface> {
  let base: PGlite;
  const opened: PGliteInterface[] = [];
  before(async () => {
    await ready();
    base = await PGlite.create();
  });
  after(async () => {
    for (const db of opened) await db.close();
    await base.close();
  });
  return async () => {
    const db = await base.clone();
    opened.push(db);
    if (prepare) await prepare(db);
    return db;
  };
}

/** The statements of a Postgres text, as written (libpg-query's locations). */
export function statementsOf(text: string): string[] {
  const bytes = Buffer.from(text);
  return (pg.parseSync(text).stmts ?? []).map((s) => bytes.subarray(s.stmt_location ?? 0, s.stmt_len ? (s.stmt_location ?? 0) + s.stmt_len : undefined).toString().trim());
}

/**
 * Runs one migration file the way Prisma migrate and the Supabase CLI do: a file of several statements in one
 * transaction, a file of one statement by itself (outside any transaction block).
 */
export async function runAsRunner(db: PGliteInterface, text: string): Promise<void> {
  if (statementsOf(text).length > 1) {
    try {
      await db.exec(`BEGIN;\n${text}\nCOMMIT;`);
    } catch (e) {
      await db.exec('ROLLBACK;');
      throw e;
    }
  } else await db.exec(text);
}

/** Every index on a column named `column`: its table, validity and the index it is attached to. */
export async function indexesOn(db: PGliteInterface, column: string): Promise<string[]> {
  const r = await db.query<{ rel: string; idx: string; valid: boolean; parent: string | null }>(
    `select c.relname as rel, i.relname as idx, x.indisvalid as valid,
       (select p.relname from pg_inherits h join pg_class p on p.oid = h.inhparent where h.inhrelid = i.oid) as parent
     from pg_index x join pg_class i on i.oid = x.indexrelid join pg_class c on c.oid = x.indrelid
     where exists (select 1 from pg_attribute a where a.attrelid = c.oid and a.attnum = x.indkey[0] and a.attname = $1)
     order by 1, 2`,
    [column],
  );
  return r.rows.map((x) => `${x.rel}: ${x.idx}${x.valid ? '' : ' INVALID'}${x.parent ? ` -> ${x.parent}` : ''}`);
}
