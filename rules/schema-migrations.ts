/**
 * A schema and the migrations its tool writes from it (`prisma migrate`, `drizzle-kit generate`): which SQL
 * databases of a review are a schema's migration history, and the name a schema's table has in them.
 */
import type { Database, Table } from './model';

/**
 * The SQL databases of a schema's migrations folders: those its config names (`Database.migrationsDirs`:
 * prisma.config.ts `migrations.path`, drizzle.config `out`), else for Prisma `migrations/` next to one of its schema
 * files (where `prisma migrate` writes them). The SQL front-end replays such a folder as a database of its own. Every
 * file of such a database is a migration of one of those folders as its tool writes it: `<folder>/migration.sql`
 * (Prisma), `<tag>.sql` (drizzle-kit 0.x) or `<YYYYMMDDHHMMSS>_<name>/migration.sql` (drizzle-kit 1.0, a folder per
 * migration). (string-enum reads the CHECKs teams add to them by hand; the engine leaves out the findings that only
 * repeat the schema's, see server/src/echoes.ts.)
 */
const migrationsMemo = new WeakMap<Database, { all: readonly Database[]; sql: Database[] }>();

export function migrationDatabasesOf(schema: Database, all: readonly Database[]): Database[] {
  const known = migrationsMemo.get(schema);
  if (known && known.all === all) return known.sql;
  const named = schema.migrationsDirs ?? (schema.language === 'prisma' ? schema.files.map((f) => `${f.slice(0, f.lastIndexOf('/'))}/migrations`) : []);
  const dirs = [...new Set(named.map((d) => (d.endsWith('/') ? d : `${d}/`)))];
  const folderMigration = (f: string, dir: string) => f.endsWith('/migration.sql') && f.indexOf('/', dir.length) === f.length - '/migration.sql'.length;
  const drizzleFile = (f: string, dir: string) => f.indexOf('/', dir.length) < 0 || folderMigration(f, dir);
  const isMigration = schema.language === 'prisma' ? folderMigration : drizzleFile;
  const sql = dirs.length
    ? all.filter((d) => d.language === 'sql' && d.files.length > 0 && dirs.some((dir) => d.files.every((f) => f.startsWith(dir) && isMigration(f, dir))))
    : [];
  migrationsMemo.set(schema, { all, sql });
  return sql;
}

/**
 * The name the SQL front-end gives a schema's table in the migrations: qualified by its schema
 * (`pgSchema("billing").table("invoices")` is `billing.invoices`), except in the default schema, `public`, which the
 * replay leaves out (`CREATE TABLE "public"."invoices"` is `invoices`). A table the model gives no schema (a
 * `pgTable`, a Prisma model) is public's.
 */
export function migrationTableName(table: Table): string {
  const name = table.dbName ?? table.name;
  const schema = table.schema ?? '';
  return schema === '' || schema === 'public' ? name : `${schema}.${name}`;
}
