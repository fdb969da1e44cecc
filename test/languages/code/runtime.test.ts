/**
 * Runtime proof with a real database (PGlite, embedded Postgres): the fixture's multi-write functions
 * leave partial state when their second write fails; after the transaction fix, nothing stays.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, describe, it } from 'node:test';
import { PGlite } from '@electric-sql/pglite';
import * as ts from 'typescript';
import type { DbCall } from '../../../rules/model';
import { codeFrontEnd } from '../../../server/src/languages/code';
import { analyzeFixture, applyFix, codeFile, FIXTURES } from './helpers';

const APP = `${FIXTURES}/drizzle-app`;
const STORAGE = `${APP}/server/storage.ts`;
const NODE_MODULES = resolve(__dirname, '../../../node_modules');

const DDL = `
create table strategies (id uuid primary key default gen_random_uuid(), name text not null,
  status varchar(20) not null default 'active', last_trade_at timestamp);
create table trades (id uuid primary key default gen_random_uuid(), strategy_id uuid references strategies(id),
  symbol text not null, side text not null, quantity numeric not null, price numeric not null,
  executed_at timestamp not null default now());
create table positions (id uuid primary key default gen_random_uuid(), symbol text not null unique,
  quantity numeric not null, entry_price numeric not null, current_price numeric, unrealized_pnl numeric, side text not null);
create table audit_logs (id uuid primary key default gen_random_uuid(), action text not null, resource text not null,
  resource_id text not null, created_at timestamp not null default now());
create table ai_decisions (id uuid primary key default gen_random_uuid(), strategy_id uuid references strategies(id),
  symbol text not null, confidence integer not null, created_at timestamp not null default now());
`;

const temps: string[] = [];
let shared: PGlite | undefined;
after(async () => {
  for (const t of temps) rmSync(t, { recursive: true, force: true });
  await shared?.close();
});

/** One embedded Postgres for the file (starting one is the slow part); every run starts from empty tables. */
async function database(): Promise<PGlite> {
  if (!shared) {
    shared = new PGlite();
    await shared.exec(DDL);
  }
  await shared.exec('truncate ai_decisions, audit_logs, positions, trades, strategies');
  return shared;
}

interface Storage {
  getStrategiesForTrades(ids: string[]): Promise<unknown[]>;
  openPosition(strategyId: string, symbol: string, quantity: string, price: string): Promise<unknown>;
  syncPositionsFromAlpaca(positions: unknown[]): Promise<unknown[]>;
}

/** Compiles the fixture (schema + storage text) to CommonJS next to a db module bound to a fresh PGlite. */
async function load(storageText: string): Promise<{ storage: Storage; pg: PGlite }> {
  const pg = await database();
  const dir = mkdtempSync(join(tmpdir(), 'schema-review-code-'));
  temps.push(dir);
  symlinkSync(NODE_MODULES, join(dir, 'node_modules'), 'dir');
  mkdirSync(join(dir, 'server'));
  mkdirSync(join(dir, 'shared'));
  const compile = (text: string) =>
    ts.transpileModule(text, { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true } }).outputText;
  writeFileSync(join(dir, 'package.json'), '{ "type": "commonjs" }');
  writeFileSync(join(dir, 'shared/schema.js'), compile(readFileSync(`${APP}/shared/schema.ts`, 'utf8')));
  writeFileSync(
    join(dir, 'server/db.js'),
    "const { drizzle } = require('drizzle-orm/pglite');\nconst schema = require('../shared/schema');\nexports.db = drizzle(globalThis.__schemaReviewPglite, { schema });\n",
  );
  writeFileSync(join(dir, 'server/storage.js'), compile(storageText));
  (globalThis as { __schemaReviewPglite?: PGlite }).__schemaReviewPglite = pg;
  const mod = createRequire(join(dir, 'index.js'))('./server/storage.js') as { DatabaseStorage: new () => Storage };
  return { storage: new mod.DatabaseStorage(), pg };
}

async function count(pg: PGlite, table: string): Promise<number> {
  const r = await pg.query<{ n: number }>(`select count(*)::int as n from ${table}`);
  return r.rows[0].n;
}

function fixedStorage(fn: string): string {
  const { analysis, reader } = analyzeFixture(APP);
  const file = codeFile(analysis.codeFiles, 'server/storage.ts');
  const calls: DbCall[] = file.calls.filter((c) => c.kind === 'write' && c.enclosingFunction === fn);
  assert.ok(calls.length >= 2);
  const edits = codeFrontEnd.writeFix({ kind: 'wrapInTransaction', file, calls, transactionClient: 'db' }, reader);
  return applyFix(edits).get(STORAGE)!;
}

const original = readFileSync(STORAGE, 'utf8');

describe('runtime (PGlite): insert trade, then insert position — the second write fails', () => {
  async function run(text: string): Promise<{ trades: number; positions: number }> {
    const { storage, pg } = await load(text);
    const s = await pg.query<{ id: string }>("insert into strategies (name) values ('momentum') returning id");
    const strategyId = s.rows[0].id;
    await storage.openPosition(strategyId, 'AAPL', '10', '190.5');
    // The same symbol again: positions.symbol is unique, so the position insert fails.
    await assert.rejects(storage.openPosition(strategyId, 'AAPL', '5', '191'));
    const result = { trades: await count(pg, 'trades'), positions: await count(pg, 'positions') };
    return result;
  }

  it('before the fix the first write stays (partial state)', async () => {
    assert.deepEqual(await run(original), { trades: 2, positions: 1 });
  });

  it('after the fix nothing of the failed call stays', async () => {
    const fixed = fixedStorage('openPosition');
    assert.notEqual(fixed, original);
    assert.deepEqual(await run(fixed), { trades: 1, positions: 1 });
  });
});

describe('runtime (PGlite): delete all positions, then insert — the insert fails', () => {
  const incoming = [
    { symbol: 'TSLA', qty: '3', avg_entry_price: '250', current_price: '255', unrealized_pl: '15', side: 'long' },
    { symbol: 'TSLA', qty: '1', avg_entry_price: '251', current_price: '255', unrealized_pl: '4', side: 'long' },
  ];

  async function run(text: string): Promise<string[]> {
    const { storage, pg } = await load(text);
    await pg.exec("insert into positions (symbol, quantity, entry_price, side) values ('AAPL', 10, 190, 'long'), ('MSFT', 4, 410, 'long')");
    // A duplicate symbol in the broker's answer makes the insert violate positions_symbol_unique.
    await assert.rejects(storage.syncPositionsFromAlpaca(incoming));
    const rows = (await pg.query<{ symbol: string }>('select symbol from positions order by symbol')).rows.map((r) => r.symbol);
    return rows;
  }

  it('before the fix every position is lost', async () => {
    assert.deepEqual(await run(original), []);
  });

  it('after the fix the positions are still there', async () => {
    assert.deepEqual(await run(fixedStorage('syncPositionsFromAlpaca')), ['AAPL', 'MSFT']);
  });

  it('after the fix a good sync still replaces the positions and returns them', async () => {
    const { storage, pg } = await load(fixedStorage('syncPositionsFromAlpaca'));
    await pg.exec("insert into positions (symbol, quantity, entry_price, side) values ('AAPL', 10, 190, 'long')");
    const inserted = await storage.syncPositionsFromAlpaca([incoming[0]]);
    assert.equal(inserted.length, 1);
    const rows = (await pg.query<{ symbol: string }>('select symbol from positions')).rows.map((r) => r.symbol);
    assert.deepEqual(rows, ['TSLA']);
    assert.deepEqual(await storage.syncPositionsFromAlpaca([]), []);
    assert.equal(await count(pg, 'positions'), 0);
  });
});

describe('runtime (PGlite): the batched N+1 rewrite returns what the loop returned', () => {
  async function run(text: string): Promise<unknown[]> {
    const { storage, pg } = await load(text);
    const t = await pg.query<{ id: string }>(
      "insert into trades (symbol, side, quantity, price) values ('AAPL', 'buy', 1, 1), ('MSFT', 'buy', 2, 2) returning id",
    );
    const [a, b] = t.rows.map((r) => r.id);
    const missing = '00000000-0000-0000-0000-000000000000';
    const rows = await storage.getStrategiesForTrades([b, missing, a, b]);
    return rows.map((r) => (r ? (r as { symbol: string }).symbol : null));
  }

  it('same rows, same order, undefined for a missing id', async () => {
    const { analysis, reader } = analyzeFixture(APP);
    const file = codeFile(analysis.codeFiles, 'server/storage.ts');
    const call = file.calls.find((c) => c.enclosingFunction === 'getStrategiesForTrades')!;
    const fixed = applyFix(codeFrontEnd.writeFix({ kind: 'batchQueryInLoop', file, call }, reader)).get(STORAGE)!;
    const before = await run(original);
    assert.deepEqual(before, ['MSFT', null, 'AAPL', 'MSFT']);
    assert.deepEqual(await run(fixed), before);
  });
});
