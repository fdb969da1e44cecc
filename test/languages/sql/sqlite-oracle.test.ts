/**
 * Truth from a real SQLite (sql.js, SQLite compiled to wasm): the SQLite fixture is executed and
 * `PRAGMA foreign_key_list` / `index_list` / `index_info` / `table_info` must agree with our model.
 */
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Database as Model, ReferentialAction } from '../../../rules/model';
import { isCovered } from '../../../rules/types';
import { sqlFrontEnd } from '../../../server/src/languages/sql';
import { analyzeFixture, applyEdits, memoryReader, ready, table } from './helpers';

const ACTIONS: Record<ReferentialAction, string> = { NoAction: 'NO ACTION', Restrict: 'RESTRICT', Cascade: 'CASCADE', SetNull: 'SET NULL', SetDefault: 'SET DEFAULT' };

/** The part of sql.js we use (the package ships no types). */
interface SqlJsDatabase {
  exec(sql: string): { columns: string[]; values: unknown[][] }[];
  close(): void;
}
interface SqlJs {
  Database: new () => SqlJsDatabase;
}
// eslint-disable-next-line @typescript-eslint/no-require-imports
const initSqlJs = require('sql.js') as () => Promise<SqlJs>;
let SQL: SqlJs;
before(async () => {
  await ready();
  SQL = await initSqlJs();
});

function rows(db: SqlJsDatabase, sql: string): Record<string, unknown>[] {
  const res = db.exec(sql)[0];
  if (!res) return [];
  return res.values.map((v) => Object.fromEntries(res.columns.map((c, i) => [c, v[i]])));
}

function truth(text: string) {
  const db = new SQL.Database();
  db.exec(text);
  const tables = rows(db, "select name from sqlite_master where type = 'table' and name not like 'sqlite_%' order by name").map((r) => String(r.name));
  const fks: string[] = [];
  const unindexed: string[] = [];
  const notNull: string[] = [];
  for (const t of tables) {
    const info = rows(db, `pragma table_info('${t}')`);
    const pk = info.filter((c) => Number(c.pk) > 0);
    const rowid = pk.length === 1 && String(pk[0].type).toUpperCase() === 'INTEGER' ? String(pk[0].name) : undefined;
    for (const c of info) if (Number(c.notnull) === 1 && Number(c.pk) === 0) notNull.push(`${t}.${c.name}`);
    const indexes = rows(db, `pragma index_list('${t}')`).filter((i) => Number(i.partial) === 0).map((i) => rows(db, `pragma index_info('${i.name}')`).map((x) => String(x.name)));
    const byId = new Map<number, Record<string, unknown>[]>();
    for (const f of rows(db, `pragma foreign_key_list('${t}')`)) byId.set(Number(f.id), [...(byId.get(Number(f.id)) ?? []), f]);
    for (const parts of byId.values()) {
      const cols = parts.map((p) => String(p.from));
      fks.push(`${t}(${cols.join(',')})->${parts[0].table}(${parts.map((p) => p.to).join(',')}) del=${parts[0].on_delete}`);
      const covered = (cols.length === 1 && cols[0] === rowid) || indexes.some((ix) => ix.length >= cols.length && cols.every((c) => ix.slice(0, cols.length).includes(c)));
      if (!covered) unindexed.push(`${t}(${cols.join(',')})`);
    }
  }
  db.close();
  return { fks: fks.sort(), unindexed: unindexed.sort(), notNull: notNull.sort() };
}

function ours(model: Model) {
  return {
    fks: model.tables.flatMap((t) => t.foreignKeys.map((f) => `${t.name}(${f.columns.join(',')})->${f.references.table}(${f.references.columns.join(',')}) del=${ACTIONS[f.onDelete ?? f.defaultOnDelete]}`)).sort(),
    unindexed: model.tables.flatMap((t) => t.foreignKeys.filter((f) => !isCovered(t, f.columns)).map((f) => `${t.name}(${f.columns.join(',')})`)).sort(),
    notNull: model.tables.flatMap((t) => t.columns.filter((c) => !c.nullable && !t.primaryKey?.columns.includes(c.name)).map((c) => `${t.name}.${c.name}`)).sort(),
  };
}

describe('sql.js oracle: our SQLite model equals SQLite', () => {
  it('sqlite-app: foreign keys, actions, unindexed FKs, NOT NULL', () => {
    const { db } = analyzeFixture('sqlite-app');
    const text = memoryReader().read(db.files[0])!;
    const t = truth(text);
    assert.ok(t.fks.length >= 3);
    assert.deepEqual(ours(db), t);
  });

  it('sqlite-app: in-place fixes run in SQLite and the model still agrees', () => {
    const { db } = analyzeFixture('sqlite-app');
    const reader = memoryReader();
    const notes = table(db, 'notes');
    const folders = table(db, 'folders');
    let text = reader.read(db.files[0])!;
    const intents = [
      { kind: 'setOnDelete', database: db, table: notes, foreignKey: notes.foreignKeys[0], action: 'Cascade' },
      { kind: 'addIndex', database: db, table: notes, columns: ['user_id'] },
      { kind: 'addIndex', database: db, table: folders, columns: ['user_id'] },
    ] as const;
    for (const intent of intents) {
      const current = analyzeFixtureText(db.files[0], text);
      const fresh = { ...intent, database: current, table: table(current, intent.table.name) } as never as Parameters<typeof sqlFrontEnd.writeFix>[0];
      if (intent.kind === 'setOnDelete') (fresh as { foreignKey: unknown }).foreignKey = table(current, 'notes').foreignKeys[0];
      const edits = sqlFrontEnd.writeFix(fresh, { read: (p) => (p === db.files[0] ? text : undefined) });
      assert.ok(edits, intent.kind);
      text = applyEdits(edits, { read: () => text }).get(db.files[0])!;
    }
    const model = analyzeFixtureText(db.files[0], text);
    assert.deepEqual(ours(model), truth(text));
    assert.deepEqual(ours(model).unindexed, []);
    assert.equal(table(model, 'notes').foreignKeys[0].onDelete, 'Cascade');
  });
});

function analyzeFixtureText(file: string, text: string): Model {
  const reader = { read: (p: string) => (p === file ? text : undefined) };
  const [unit] = sqlFrontEnd.discover([file], reader);
  return sqlFrontEnd.analyze(unit, reader, { validation: true }).databases[0];
}
