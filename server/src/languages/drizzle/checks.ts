/**
 * Drizzle `check()` constraints (drizzle-orm 0.36+): `check("orders_status_check", sql`${t.status} in ('draft', 'sent')`)`
 * in a table's extra config. The `sql` template is read syntax only: each `${t.x}` placeholder is put back as the
 * column's SQL name (quoted, as Drizzle renders it), and the expression is parsed by the Postgres parser of the SQL
 * front-end, as drizzle-kit writes it (`CHECK (<expression>)`), then read as the SQL front-end reads a CHECK
 * (`checkedValuesOf`): the closed set of strings the database holds a column to (Column.checkedValues).
 *
 * The parser is a wasm loaded asynchronously. The Drizzle front-end asks for it (its `init`) only once a schema file
 * imports `check` from a Drizzle core module (`noteCheckImport`, during discovery), so a project without CHECKs never
 * loads it. When it is not loaded (a synchronous analysis that did not load it), the checks are not read.
 *
 * An index's `.where(sql`${t.projectId} is not null`)` is read the same way (`notNullKeysOfTemplate`).
 */
import type { Column, Dialect, Table } from '../../../../rules/model';
import { parseSql, sqlParserReady } from '../sql/parse';
import { checkedValuesOf, notNullColumnsOfPredicate } from '../sql/replay';

/** A `check()` of a table's extra config, its template split into text and column keys (`${t.status}` → `status`). */
export interface PendingCheck {
  parts: (string | { key: string })[];
}

let checkImported = false;

/** Discovery saw `import { check } from "drizzle-orm/pg-core"` (or a namespace import of a core module). */
export function noteCheckImport(): void {
  checkImported = true;
}

/** Whether a schema file of this process may declare a `check()`: the Drizzle front-end then loads the Postgres parser. */
export function checksMayBeDeclared(): boolean {
  return checkImported;
}

/** Dialects whose CHECK syntax for these forms is Postgres' and which enforce it (MySQL before 8.0.16 ignores CHECK). */
function readsChecks(dialect: Dialect): boolean {
  return dialect === 'postgresql' || dialect === 'cockroachdb' || dialect === 'sqlite';
}

function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** The SQL name a column has in the database (after `casing`). */
function sqlNameOf(column: Column): string {
  return column.dbName ?? column.name;
}

/**
 * Sets `checkedValues` on the columns of `table` its checks hold to a closed set of strings. Never throws: a check
 * whose text does not parse, or that is not such a set, is left alone.
 */
export function applyChecks(table: Table, checks: readonly PendingCheck[], dialect: Dialect): void {
  if (!checks.length || !readsChecks(dialect) || !sqlParserReady()) return;
  for (const check of checks) {
    try {
      let expression = '';
      let known = true;
      for (const part of check.parts) {
        if (typeof part === 'string') {
          expression += part;
          continue;
        }
        const column = table.columns.find((c) => c.name === part.key);
        if (!column) {
          known = false;
          break;
        }
        expression += quoteIdent(sqlNameOf(column));
      }
      // A template this size is a generated expression, not a list of values: not worth the parse.
      if (!known || expression.length > 20_000) continue;
      const parsed = parseSql('drizzle-check.sql', `ALTER TABLE "t" ADD CONSTRAINT "c" CHECK (${expression})`, 'postgresql');
      if (parsed.fatal || parsed.statements.length !== 1) continue;
      const statement = parsed.statements[0];
      if (statement.error || statement.kind !== 'AlterTableStmt') continue;
      const cmds = statement.ast?.AlterTableStmt?.cmds;
      if (!Array.isArray(cmds) || cmds.length !== 1) continue;
      const constraint = cmds[0]?.AlterTableCmd?.def?.Constraint;
      if (constraint?.contype !== 'CONSTR_CHECK') continue;
      const allowed = checkedValuesOf(constraint.raw_expr);
      if (!allowed) continue;
      // Postgres folds unquoted names to lower case (a placeholder is quoted: exact); SQLite compares names ignoring case.
      const target =
        dialect === 'sqlite'
          ? table.columns.find((c) => sqlNameOf(c).toLowerCase() === allowed.column.toLowerCase())
          : table.columns.find((c) => sqlNameOf(c) === allowed.column);
      if (target) target.checkedValues = allowed.values;
    } catch {
      // A parser failure on odd text: the check is not read.
    }
  }
}

/**
 * The column keys a partial index's `sql` predicate requires to be set, when that is all it requires
 * (sql`${t.projectId} is not null`, or an AND of such tests): the SQL front-end's `notNullColumnsOf` on the template
 * parsed as `CREATE INDEX … WHERE <template>`. Each placeholder is put back as a name no column has, mapped to its
 * key; a name written out in the text (not a placeholder) is not read, so the predicate is then not read either.
 * Undefined when the parser is not loaded, or for any other predicate.
 */
export function notNullKeysOfTemplate(parts: PendingCheck['parts']): string[] | undefined {
  if (!sqlParserReady()) return undefined;
  try {
    const keys: string[] = [];
    let expression = '';
    for (const part of parts) {
      if (typeof part === 'string') expression += part;
      else {
        expression += quoteIdent(`__drizzle_placeholder_${keys.length}`);
        keys.push(part.key);
      }
    }
    if (expression.length > 20_000) return undefined;
    const names = notNullColumnsOfPredicate('drizzle-index-where.sql', expression);
    if (!names) return undefined;
    const out: string[] = [];
    for (const name of names) {
      const i = /^__drizzle_placeholder_(\d+)$/.exec(name)?.[1];
      const key = i === undefined ? undefined : keys[Number(i)];
      if (key === undefined) return undefined;
      out.push(key);
    }
    return [...new Set(out)];
  } catch {
    // A parser failure on odd text: the predicate is not read.
    return undefined;
  }
}
