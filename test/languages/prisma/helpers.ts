import { readFileSync, statSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { SourceReader, TextEdit, FileEdit, Unit } from '../../../server/src/languages/types';
import { LineIndex } from '../../../server/src/languages/prisma/parser';

export const FIXTURES = join(__dirname, '../../fixtures/prisma').replace(/\\/g, '/');

/** Reads the disk, with optional in-memory overrides (the LSP overlay). */
export function diskReader(overrides: Record<string, string> = {}): SourceReader {
  return {
    read(path: string) {
      if (path in overrides) return overrides[path];
      try {
        if (!statSync(path).isFile()) return undefined;
        return readFileSync(path, 'utf8');
      } catch {
        return undefined;
      }
    },
  };
}

export function memoryReader(files: Record<string, string>): SourceReader {
  return { read: (p: string) => files[p] };
}

export function listFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const p = `${d}/${name}`;
      if (statSync(p).isDirectory()) walk(p);
      else out.push(p);
    }
  };
  walk(dir);
  return out.sort();
}

/** Applies LSP edits (non-overlapping) to a text. */
export function applyEdits(text: string, edits: readonly TextEdit[]): string {
  const lines = new LineIndex(text);
  const sorted = edits
    .map((e) => ({ start: lines.offset(e.range.start), end: lines.offset(e.range.end), newText: e.newText }))
    .sort((a, b) => b.start - a.start || b.end - a.end);
  let out = text;
  for (const e of sorted) out = out.slice(0, e.start) + e.newText + out.slice(e.end);
  return out;
}

/** Applies file edits on top of a reader; returns the new texts and a reader that sees them. */
export function applyFileEdits(reader: SourceReader, fileEdits: readonly FileEdit[]): { texts: Record<string, string>; reader: SourceReader } {
  const texts: Record<string, string> = {};
  for (const fe of fileEdits) {
    const base = texts[fe.file] ?? reader.read(fe.file) ?? '';
    texts[fe.file] = applyEdits(base, fe.edits);
  }
  return { texts, reader: { read: (p: string) => (p in texts ? texts[p] : reader.read(p)) } };
}

export function unitFor(units: Unit[], pathPart: string): Unit {
  const u = units.find((x) => x.id.includes(pathPart));
  if (!u) throw new Error(`no unit for ${pathPart} in ${units.map((x) => x.id).join(', ')}`);
  return u;
}
