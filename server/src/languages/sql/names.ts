/**
 * The names Postgres gives objects the user did not name (src/backend/commands/indexcmds.c and
 * catalog/pg_constraint.c): `makeObjectName` fits `<name1>_<name2>_<label>` into NAMEDATALEN - 1 = 63
 * bytes by shortening the longer of the two names first (never splitting a UTF-8 character), and
 * `ChooseConstraintName` / `ChooseRelationName` add a number to the label (`_fkey1`, `_idx1`, …) until the
 * name is free. A fix that drops or re-adds a constraint by its default name must use the name Postgres
 * chose, and a new index must not take a name in use (`IF NOT EXISTS` would then create nothing).
 */

const NAMEDATALEN = 64;

function utf8Length(s: string): number {
  return Buffer.byteLength(s, 'utf8');
}

/** The longest prefix of `s` of at most `bytes` UTF-8 bytes that ends on a character boundary (pg_mbcliplen). */
function clip(s: string, bytes: number): string {
  if (utf8Length(s) <= bytes) return s;
  let out = '';
  let used = 0;
  for (const ch of s) {
    const n = utf8Length(ch);
    if (used + n > bytes) break;
    out += ch;
    used += n;
  }
  return out;
}

/** Postgres' makeObjectName(name1, name2, label): `name1[_name2][_label]` within 63 bytes. */
export function makeObjectName(name1: string, name2: string | undefined, label: string | undefined): string {
  let overhead = 0;
  let name1chars = utf8Length(name1);
  let name2chars = 0;
  if (name2 !== undefined) {
    name2chars = utf8Length(name2);
    overhead++;
  }
  if (label !== undefined) overhead += utf8Length(label) + 1;
  const available = NAMEDATALEN - 1 - overhead;
  // Preferentially truncate the longer name (Postgres does it one byte at a time, the same result).
  while (name1chars + name2chars > available) {
    if (name1chars > name2chars) name1chars--;
    else name2chars--;
  }
  let name = clip(name1, name1chars);
  if (name2 !== undefined) name += '_' + clip(name2, name2chars);
  if (label !== undefined) name += '_' + label;
  return name;
}

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
