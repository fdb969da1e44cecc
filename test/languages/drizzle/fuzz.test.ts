/**
 * Random cuts of real schema files never make the Drizzle front-end throw or hang. The inner
 * functions are called, not the front-end's safety nets, so a throw would fail the test.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import type { FixIntent } from '../../../rules/types';
import { analyzeDrizzleUnit } from '../../../server/src/languages/drizzle/analyze';
import { discoverDrizzle } from '../../../server/src/languages/drizzle/discover';
import { writeDrizzleFixOrThrow } from '../../../server/src/languages/drizzle/write';
import type { Unit } from '../../../server/src/languages/types';
import { fixture, listFiles, memoryReader } from './helpers';
import { mulberry32 as prng } from '../../helpers/prng';


const SOURCES = ['trading-bot', 'schema-folder', 'mysql-shop', 'sqlite-notes', 'saas-barrel', 'ignore-comments']
  .flatMap((d) => listFiles(fixture(d)))
  .filter((f) => f.endsWith('.ts'))
  .map((f) => ({ file: f, text: readFileSync(f, 'utf8') }));

const GARBAGE = ['(', ')', '{', '}', '[', ']', ',', '.', '=>', '"', '`', '/*', '//', '\n', 'references(', '.on(', 'pgTable(', '\u0000', '\uFFFF'];

function mutate(text: string, rand: () => number): string {
  const at = Math.floor(rand() * text.length);
  switch (Math.floor(rand() * 4)) {
    case 0:
      return text.slice(0, at);
    case 1:
      return text.slice(0, at) + text.slice(Math.min(text.length, at + Math.floor(rand() * 200)));
    case 2:
      return text.slice(0, at) + GARBAGE[Math.floor(rand() * GARBAGE.length)] + text.slice(at);
    default:
      return text.slice(at);
  }
}

function exercise(files: Record<string, string>) {
  const reader = memoryReader(files);
  const names = Object.keys(files).sort();
  const units: Unit[] = discoverDrizzle(names, reader);
  if (!units.length) units.push({ language: 'drizzle', id: 'drizzle:/fuzz', files: names });
  for (const unit of units) {
    const analysis = analyzeDrizzleUnit(unit, reader, { validation: true });
    assert.ok(Array.isArray(analysis.diagnostics));
    for (const database of analysis.databases) {
      for (const table of database.tables) {
        const intents: FixIntent[] = [
          { kind: 'addIndex', database, table, columns: table.columns.slice(0, 1).map((c) => c.name) },
          ...table.foreignKeys.map((foreignKey): FixIntent => ({ kind: 'setOnDelete', database, table, foreignKey, action: 'Cascade' })),
          ...table.indexes.map((index): FixIntent => ({ kind: 'dropIndex', database, table, index })),
          ...table.columns.slice(0, 2).map((column): FixIntent => ({ kind: 'changeColumnType', database, table, column, to: 'json' })),
          ...table.columns.slice(0, 2).map((column): FixIntent => ({ kind: 'makeNullable', database, table, column })),
        ];
        // Writers run on a further cut text too: the facts are stale, the writer must not throw.
        for (const intent of intents) {
          writeDrizzleFixOrThrow(intent, reader);
          writeDrizzleFixOrThrow(intent, memoryReader({ [table.loc.file]: (files[table.loc.file] ?? '').slice(0, 100) }));
        }
      }
    }
  }
}

describe('drizzle fuzz', () => {
  it('400 random cuts, deletions and insertions never throw', () => {
    const rand = prng(20261122);
    let analyzed = 0;
    for (let i = 0; i < 400; i++) {
      const source = SOURCES[Math.floor(rand() * SOURCES.length)];
      let text = mutate(source.text, rand);
      if (rand() < 0.3) text = mutate(text, rand);
      const files = { [source.file]: text };
      assert.doesNotThrow(() => exercise(files), `seed iteration ${i} on ${source.file}`);
      analyzed++;
    }
    assert.equal(analyzed, 400);
  });

  it('binary-looking and empty input is handled', () => {
    assert.doesNotThrow(() => exercise({ '/f/a.ts': '' }));
    assert.doesNotThrow(() => exercise({ '/f/a.ts': 'drizzle-orm\u0000\u0001\u0002'.repeat(1000) }));
    assert.doesNotThrow(() => exercise({ '/f/a.ts': 'import { pgTable } from "drizzle-orm/pg-core";\n' + 'pgTable('.repeat(5000) }));
  });
});

describe('drizzle: input the TypeScript parser cannot read', () => {
  it('gives one diagnostic instead of a stack overflow', () => {
    const file = '/f/deep.ts';
    const text = 'import { pgTable } from "drizzle-orm/pg-core";\n' + 'pgTable('.repeat(5000);
    const analysis = analyzeDrizzleUnit({ language: 'drizzle', id: 'drizzle:/f', files: [file] }, memoryReader({ [file]: text }), {});
    assert.deepEqual(analysis.diagnostics.map((d) => d.code), ['drizzle-unparsable']);
    assert.equal(analysis.databases[0].tables.length, 0);
  });
});
