/**
 * A CHECK constraint that holds a text column to a closed set of strings (`CHECK (status IN ('draft', 'sent'))`) is
 * an enum the database does enforce: string-enum must not say "the database accepts any string" of it. The model
 * reads the set (Column.checkedValues) as Postgres would enforce it, and PGlite checks that it really does.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Database } from '../../../rules/model';
import { stringEnum } from '../../../rules/data-types/string-enum';
import { jsonInString } from '../../../rules/data-types/json-in-string';
import { runRule } from '../../helpers/run-rule';
import { pgliteClones, runAsRunner, table, analyzeSqlFiles } from './helpers';

const fresh = pgliteClones();

const analyze = analyzeSqlFiles;

const INIT = 'supabase/migrations/20240101000000_init.sql';
const LATER = 'supabase/migrations/20240301000000_statuses.sql';

const init = `create table public.invoices (
  id bigint generated always as identity primary key,
  status text not null default 'draft' check (status in ('draft', 'sent', 'paid')),
  kind varchar(20) not null default 'standard',
  stage text not null default 'new',
  phase text default 'one',
  constraint invoices_kind_check check (kind::text = any (array['standard'::character varying, 'credit'::character varying]::text[]))
);
alter table public.invoices add constraint invoices_stage_values check (stage = 'new' or stage = 'review' or stage = 'done');
alter table public.invoices add check (phase is null or phase in ('one', 'two') and length(phase) > 0);
`;

describe('CHECK constraints that hold a column to values', () => {
  it('are read from a column constraint, ANY (ARRAY[…]) as pg_dump writes it, an OR of equalities, and ALTER TABLE ADD CHECK', () => {
    const db = analyze({ [INIT]: init });
    const invoices = table(db, 'invoices');
    const values = (name: string) => invoices.columns.find((c) => c.name === name)?.checkedValues;
    assert.deepEqual(values('status'), ['draft', 'sent', 'paid']);
    assert.deepEqual(values('kind'), ['standard', 'credit']);
    assert.deepEqual(values('stage'), ['new', 'review', 'done']);
    // `phase is null or phase in (…) and length(phase) > 0`: AND binds tighter, so the OR is not a plain list.
    assert.equal(values('phase'), undefined);
    // string-enum: the database enforces status, kind and stage; phase is still free text.
    assert.deepEqual(runRule(stringEnum, [db]).map((r) => r.message.split(' ')[0]), ['invoices.phase']);
  });

  it('as Postgres enforces them (PGlite refuses a value outside the set)', async () => {
    const pg = await fresh();
    await runAsRunner(pg, init);
    for (const [column, value] of [['status', 'void'], ['kind', 'debit'], ['stage', 'archived']]) {
      await assert.rejects(pg.query(`insert into public.invoices (${column}) values ($1)`, [value]), /violates check constraint/, column);
    }
    await pg.query(`insert into public.invoices (status, kind, stage) values ('sent', 'credit', 'review')`);
  });

  it('a dropped CHECK leaves the column free text again (by its own name or the name Postgres gave it)', () => {
    const db = analyze({
      [INIT]: init,
      [LATER]: 'alter table public.invoices drop constraint invoices_status_check;\nalter table public.invoices drop constraint invoices_stage_values;\n',
    });
    const invoices = table(db, 'invoices');
    assert.equal(invoices.columns.find((c) => c.name === 'status')?.checkedValues, undefined);
    assert.equal(invoices.columns.find((c) => c.name === 'stage')?.checkedValues, undefined);
    assert.deepEqual(invoices.columns.find((c) => c.name === 'kind')?.checkedValues, ['standard', 'credit']);
    const reported = runRule(stringEnum, [db]).map((r) => r.message.split(' ')[0]);
    assert.ok(reported.includes('invoices.status') && reported.includes('invoices.stage'), reported.join(', '));
  });

  it('the names Postgres gives unnamed CHECKs: after the one column they read (the model drops invoices_status_check by it)', async () => {
    const pg = await fresh();
    await runAsRunner(pg, init);
    const names = await pg.query<{ conname: string }>(`select conname from pg_constraint where conrelid = 'public.invoices'::regclass and contype = 'c' order by conname`);
    assert.deepEqual(
      names.rows.map((r) => r.conname),
      ['invoices_kind_check', 'invoices_phase_check', 'invoices_stage_values', 'invoices_status_check'],
    );
  });
});

describe('a CHECK reading one column validates it (Column.checked): json-in-string leaves it alone', () => {
  const SHOT = 'supabase/migrations/20240101000000_shot.sql';
  const CONTRACT = 'supabase/migrations/20240201000000_spot_contract.sql';
  const DROP = 'supabase/migrations/20240301000000_drop_contract.sql';
  const shot = `create table public.shot (
  id bigint primary key,
  spot text,
  notes text
);
comment on column public.shot.spot is 'Zone code or v2 JSON';
`;
  // A checker that takes a short zone code or a JSON object: the column can never be jsonb.
  const contract = `create or replace function public.spot_ok(s text) returns boolean language plpgsql immutable as $$
begin
  if s is null or s ~ '^[A-Z][0-9]$' then return true; end if;
  return jsonb_typeof(s::jsonb) = 'object';
exception when others then return false;
end $$;
alter table public.shot add constraint shot_spot_ok check (public.spot_ok(spot));
alter table public.shot add constraint shot_notes_vs_id check (notes is null or id > 0);
`;
  const findings = (db: Database) => runRule(jsonInString, [db]).map((r) => r.message.split(' ')[0]);

  it('is marked on a CHECK of that column alone, whatever it tests, and not on one reading two columns', () => {
    const db = analyze({ [SHOT]: shot, [CONTRACT]: contract });
    const columns = db.tables[0].columns;
    assert.equal(columns.find((c) => c.name === 'spot')!.checked, true);
    assert.equal(columns.find((c) => c.name === 'notes')!.checked, undefined);
    assert.deepEqual(findings(db), []);
  });

  it('without the CHECK, or once it is dropped, the comment saying JSON is a finding again', () => {
    assert.deepEqual(findings(analyze({ [SHOT]: shot })), ['shot.spot']);
    assert.deepEqual(findings(analyze({ [SHOT]: shot, [CONTRACT]: contract, [DROP]: 'alter table public.shot drop constraint shot_spot_ok;\n' })), ['shot.spot']);
  });

  it('Postgres holds the column to the check: a value the checker refuses is refused', async () => {
    const pg = await fresh();
    for (const text of [shot, contract]) await runAsRunner(pg, text);
    await pg.query(`insert into public.shot (id, spot) values (1, 'A1'), (2, '{"x": 1}')`);
    await assert.rejects(pg.query(`insert into public.shot (id, spot) values (3, 'not json')`), /shot_spot_ok/);
  });
});
