/**
 * A big Postgres text (a structure dump) is parsed in runs of statements (parse.ts, PG_RUN_CHARS) so that the
 * parser's wasm memory stays that of one run. The statements must be exactly those of one parse of the whole text,
 * whatever a run's cut falls into: a dollar-quoted function body, a string, a block comment, a `--` comment ending in
 * `;`, COPY data, or a statement that does not parse.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { loadSqlParser, parseSql, type ParsedStatement } from '../../../server/src/languages/sql/parse';

/** One section of a dump, about 1.2 KB, with every kind of `;` at a line end that is not a statement's end. */
function section(i: number): string {
  return `-- Name: orders_${i}; Type: TABLE; Schema: public
CREATE TABLE public.orders_${i} (
    id bigint NOT NULL,
    customer_id bigint NOT NULL, -- who ordered;
    note text DEFAULT 'first line;
second line'::text,
    total numeric(12,2)
);

/* a block comment with a statement in it:
   DROP TABLE public.orders_${i};
*/
CREATE FUNCTION public.touch_${i}() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
  NEW.updated_at := now();
  RETURN NEW;
END;
$$;

ALTER TABLE ONLY public.orders_${i}
    ADD CONSTRAINT orders_${i}_pkey PRIMARY KEY (id);

CREATE INDEX orders_${i}_customer_id_idx ON public.orders_${i} USING btree (customer_id);

COMMENT ON TABLE public.orders_${i} IS 'Orders; one row per checkout;
kept for seven years.';
`;
}

const shape = (s: ParsedStatement) => ({ start: s.start, end: s.end, kind: s.kind, error: s.error });

/** The statements of `text` parsed section by section (each well under a run), shifted to their place in `text`. */
function bySection(sections: string[]) {
  const out: ReturnType<typeof shape>[] = [];
  let at = 0;
  for (const s of sections) {
    for (const st of parseSql('/db/part.sql', s, 'postgresql').statements) {
      const x = shape(st);
      out.push({ ...x, start: x.start + at, end: x.end + at });
    }
    at += s.length;
  }
  return out;
}

describe('Postgres: a big dump is parsed in runs', () => {
  before(() => loadSqlParser());

  it('gives the statements of one parse of the whole text', () => {
    const sections = Array.from({ length: 700 }, (_, i) => section(i));
    const text = sections.join('');
    assert.ok(text.length > 3 * 128 * 1024, 'the text spans several runs');
    const whole = parseSql('/db/structure.sql', text, 'postgresql').statements.map(shape);
    assert.equal(whole.length, 700 * 5);
    assert.deepEqual(whole, bySection(sections));
    assert.ok(whole.every((s) => s.error === undefined));
  });

  it('reads the statement trees of every run', () => {
    const text = Array.from({ length: 300 }, (_, i) => section(i)).join('');
    const statements = parseSql('/db/structure.sql', text, 'postgresql').statements;
    const creates = statements.filter((s) => s.kind === 'CreateStmt');
    assert.equal(creates.length, 300);
    assert.equal(creates[299].ast.CreateStmt.relation.relname, 'orders_299');
    assert.equal(creates[150].ast.CreateStmt.relation.relname, 'orders_150');
    const byteBased = statements.filter((s) => s.kind === 'IndexStmt')[200];
    assert.equal(text.slice(byteBased.start, byteBased.end), 'CREATE INDEX orders_200_customer_id_idx ON public.orders_200 USING btree (customer_id)');
  });

  it('keeps multi-byte text aligned across runs', () => {
    const sections = Array.from({ length: 250 }, (_, i) => section(i).replace('kept for seven years', 'für sieben Jahre aufbewahrt — ✓'));
    const text = sections.join('');
    const whole = parseSql('/db/structure.sql', text, 'postgresql').statements;
    assert.deepEqual(whole.map(shape), bySection(sections));
    const comment = whole.filter((s) => s.kind === 'CommentStmt')[249];
    assert.match(comment.ast.CommentStmt.comment, /für sieben Jahre aufbewahrt — ✓/);
  });

  it('reports a statement that does not parse once, and keeps the rest, in any run', () => {
    const sections = Array.from({ length: 300 }, (_, i) => (i === 170 ? section(i).replace('CREATE INDEX orders_170', 'CREATE INDEKS orders_170') : section(i)));
    const text = sections.join('');
    const statements = parseSql('/db/structure.sql', text, 'postgresql').statements;
    const errors = statements.filter((s) => s.error !== undefined);
    assert.equal(errors.length, 1);
    assert.match(text.slice(errors[0].start, errors[0].end), /^CREATE INDEKS orders_170/);
    assert.equal(statements.filter((s) => s.kind === 'CreateStmt').length, 300);
    assert.equal(statements.filter((s) => s.kind === 'IndexStmt').length, 299);
  });

  it('goes past COPY data in a dump with rows', () => {
    const rows = Array.from({ length: 4000 }, (_, i) => `${i}\tcustomer ${i};\t${i}.50`).join('\n');
    const sections = Array.from({ length: 120 }, (_, i) => section(i));
    const text = `${sections.slice(0, 60).join('')}COPY public.orders_0 (id, note, total) FROM stdin;\n${rows}\n\\.\n\n${sections.slice(60).join('')}`;
    const statements = parseSql('/db/structure.sql', text, 'postgresql').statements;
    assert.equal(statements.filter((s) => s.kind === 'CreateStmt').length, 120);
    assert.equal(statements.filter((s) => s.kind === 'IndexStmt').length, 120);
    assert.equal(statements.filter((s) => s.error !== undefined).length, 0);
  });
});
