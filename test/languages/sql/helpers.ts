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
