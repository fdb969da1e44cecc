/**
 * The names Postgres gives objects the user did not name (src/backend/commands/indexcmds.c and
 * catalog/pg_constraint.c): `makeObjectName` fits `<name1>_<name2>_<label>` into NAMEDATALEN - 1 = 63
 * bytes by shortening the longer of the two names first (never splitting a UTF-8 character), and
 * `ChooseConstraintName` / `ChooseRelationName` add a number to the label (`_fkey1`, `_idx1`, …) until the
 * name is free. A fix that drops or re-adds a constraint by its default name must use the name Postgres
 * chose, and a new index must not take a name in use (`IF NOT EXISTS` would then create nothing).
 */

import { clipUtf8, makeObjectName, NAMEDATALEN, utf8Length } from '../../../../rules/names';

export { makeObjectName };

const clip = clipUtf8;

/**
 * Postgres' ChooseConstraintName / ChooseRelationName: the first of `<…>_<label>`, `<…>_<label>1`, `<…>_<label>2`, …
 * that `taken` says is free.
 */
export function chooseName(name1: string, name2: string | undefined, label: string, taken: (name: string) => boolean): string {
  for (let pass = 0; pass < 10_000; pass++) {
    const name = makeObjectName(name1, name2, pass === 0 ? label : `${label}${pass}`);
    if (!taken(name)) return name;
  }
  return makeObjectName(name1, name2, label);
}

/**
 * Postgres' ChooseForeignKeyConstraintNameAddition / ChooseIndexNameAddition: the column names joined with `_`,
 * stopping once the result reaches NAMEDATALEN bytes.
 */
export function columnsAddition(columns: readonly string[]): string {
  let buf = '';
  for (const c of columns) {
    if (buf.length > 0) buf += '_';
    buf += clip(c, NAMEDATALEN - 1);
    if (utf8Length(buf) >= NAMEDATALEN) break;
  }
  return buf;
}
