/**
 * Differential oracle: our facts against what prisma-schema-wasm itself says about each fixture
 * (get_datamodel, plus get_dmmf once — tests only).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { prismaFrontEnd } from '../../../server/src/languages/prisma';
import * as wasm from '../../../server/src/languages/prisma/wasm';
import { parseFile } from '../../../server/src/languages/prisma/analyze';
import type { Database } from '../../../rules/model';
import { FIXTURES, diskReader, listFiles } from './helpers';

interface DmField {
  name: string;
  dbName?: string | null;
  kind: 'scalar' | 'enum' | 'object' | 'unsupported';
  isList: boolean;
  isRequired: boolean;
  isId: boolean;
  isUnique: boolean;
  type: string;
  relationFromFields?: string[];
  relationToFields?: string[];
  relationOnDelete?: string;
  relationOnUpdate?: string;
}
interface DmModel {
  name: string;
  dbName: string | null;
  fields: DmField[];
  primaryKey: { fields: string[] } | null;
  uniqueFields: string[][];
}
interface DmIndex {
  model: string;
  type: 'id' | 'unique' | 'normal' | 'fulltext';
  fields: { name: string }[];
}
interface Dm {
  models: DmModel[];
  enums: { name: string; values: { name: string }[] }[];
  indexes?: DmIndex[];
}

const reader = diskReader();
const units = prismaFrontEnd.discover(listFiles(FIXTURES), reader);

function ours(db: Database) {
  return {
    models: db.tables
      .map((t) => ({
        name: t.name,
        dbName: t.dbName ?? null,
        columns: t.columns
          .map((c) => ({ name: c.name, dbName: c.dbName ?? null, required: !c.nullable, list: c.type === 'array', enum: c.type === 'enum' }))
          .sort((a, b) => a.name.localeCompare(b.name)),
        foreignKeys: t.foreignKeys
          .map((f) => ({ columns: f.columns, references: f.references, onDelete: f.onDelete ?? null, onUpdate: f.onUpdate ?? null }))
          .sort((a, b) => a.columns.join().localeCompare(b.columns.join())),
        primaryKey: t.primaryKey?.columns ?? null,
        indexes: t.indexes.map((i) => `${i.kind === 'index' ? 'normal' : i.kind}:${i.columns.join(',')}`).sort(),
      }))
      .sort((a, b) => a.name.localeCompare(b.name)),
    enums: db.enums.map((e) => ({ name: e.name, values: e.values })).sort((a, b) => a.name.localeCompare(b.name)),
  };
}

function theirs(dm: Dm) {
  return {
    models: dm.models
      .map((m) => {
        const scalars = m.fields.filter((f) => f.kind !== 'object');
        const idField = m.fields.find((f) => f.isId);
        const indexes = dm.indexes
          ? dm.indexes.filter((i) => i.model === m.name && i.type !== 'id').map((i) => `${i.type}:${i.fields.map((f) => f.name).join(',')}`)
          : [...m.fields.filter((f) => f.isUnique).map((f) => `unique:${f.name}`), ...m.uniqueFields.map((u) => `unique:${u.join(',')}`)];
        return {
          name: m.name,
          dbName: m.dbName,
          columns: scalars
            .map((f) => ({ name: f.name, dbName: f.dbName ?? null, required: f.isRequired, list: f.isList, enum: f.kind === 'enum' }))
            .sort((a, b) => a.name.localeCompare(b.name)),
          foreignKeys: m.fields
            .filter((f) => f.kind === 'object' && (f.relationFromFields?.length ?? 0) > 0)
            .map((f) => ({
              columns: f.relationFromFields!,
              references: { table: f.type, columns: f.relationToFields! },
              onDelete: f.relationOnDelete ?? null,
              onUpdate: f.relationOnUpdate ?? null,
            }))
            .sort((a, b) => a.columns.join().localeCompare(b.columns.join())),
          primaryKey: m.primaryKey?.fields ?? (idField ? [idField.name] : null),
          indexes: indexes.sort(),
        };
      })
      .sort((a, b) => a.name.localeCompare(b.name)),
    enums: dm.enums.map((e) => ({ name: e.name, values: e.values.map((v) => v.name) })).sort((a, b) => a.name.localeCompare(b.name)),
  };
}

for (const unit of units) {
  test(`oracle: ${unit.id.slice(FIXTURES.length + 'prisma:'.length + 1)} matches prisma-schema-wasm get_datamodel`, () => {
    const db = prismaFrontEnd.analyze(unit, reader, { validation: false }).databases[0];
    const files = unit.files.map((f) => [f, reader.read(f)!] as const);
    const major = wasm.wasmMajorFor(db.prismaMajor);
    const res = wasm.getDatamodel(files, major);
    assert.ok(res.ok, res.ok ? '' : res.error);
    const dm = res.value as Dm;
    assert.ok(dm.models.length > 0);
    // An `@@ignore` model is a table all the same (Migrate creates it, with its foreign keys), but Prisma's datamodel
    // leaves it out: compare the others, and check that the ignored ones are exactly what Prisma left out.
    const ignored = files.flatMap(([f, text]) =>
      parseFile(f, text).ast.blocks.filter((b) => b.kind === 'model' && b.attributes.some((a) => a.name === 'ignore')).map((b) => b.name),
    );
    const mine = ours(db);
    assert.deepEqual(
      mine.models.filter((m) => !dm.models.some((d) => d.name === m.name)).map((m) => m.name).sort(),
      ignored.sort(),
    );
    assert.deepEqual({ ...mine, models: mine.models.filter((m) => !ignored.includes(m.name)) }, theirs(dm));
  });
}

test('oracle: get_dmmf agrees with get_datamodel on the event-qa schema', () => {
  const unit = units.find((u) => u.id.includes('event-qa'))!;
  const files = unit.files.map((f) => [f, reader.read(f)!] as const);
  const dmmf = wasm.getDmmfForTests(files, 6);
  assert.ok(dmmf.ok);
  const db = prismaFrontEnd.analyze(unit, reader, { validation: false }).databases[0];
  assert.deepEqual(ours(db), theirs((dmmf.value as { datamodel: Dm }).datamodel));
});
