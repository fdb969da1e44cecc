/**
 * Foreign key fixes written into a Prisma migrations folder state ON UPDATE as `prisma migrate` does (it always
 * writes both actions): the constraint keeps the ON UPDATE it has, and a new one gets the schema's (Cascade unless
 * the schema says otherwise). Left out, the recreated constraint would become NO ACTION and the next
 * `prisma migrate dev` would see drift. The Prisma CLI cannot run here: the written SQL is compared with the form
 * Prisma generates (test/fixtures/sql/prisma-app), and the migrations are deployed in PGlite, where the constraints
 * they leave are compared with those the Prisma-generated SQL for the fixed schema leaves.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { PGliteInterface } from '@electric-sql/pglite';
import * as pg from 'libpg-query';
import type { Database } from '../../../rules/model';
import type { FixIntent } from '../../../rules/types';
import { sqlFrontEnd } from '../../../server/src/languages/sql';
import { prismaFrontEnd } from '../../../server/src/languages/prisma';
import { cli } from '../../helpers/cli';
import { writeFiles } from '../../helpers/workspace';
import { diskReader } from '../prisma/helpers';
import type { SourceReader } from '../../../server/src/languages/types';
import { applyEdits, FIXTURES, pgliteClones, runAsRunner, statementsOf, table } from './helpers';

const fresh = pgliteClones();

const LOCK = 'prisma/migrations/migration_lock.toml';
const INIT = 'prisma/migrations/20240101000000_init/migration.sql';

/** Tables as `prisma migrate` creates them, and a foreign key per way of writing one. */
const TABLES = `-- CreateTable
CREATE TABLE "users" (
    "id" TEXT NOT NULL,
    CONSTRAINT "users_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "accounts" (
    "id" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    CONSTRAINT "accounts_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "sessions" (
    "id" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    CONSTRAINT "sessions_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "posts" (
    "id" TEXT NOT NULL,
    "authorId" TEXT,
    CONSTRAINT "posts_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "posts_authorId_idx" ON "posts"("authorId");
`;

/** Written by `prisma migrate dev` (both actions stated). */
const ACCOUNTS_FK = 'ALTER TABLE "accounts" ADD CONSTRAINT "accounts_userId_fkey" FOREIGN KEY ("userId") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE CASCADE;';
/** Written by hand into the same folder (no action stated: both NO ACTION, which the schema then says). */
const SESSIONS_FK = 'ALTER TABLE "sessions" ADD CONSTRAINT "sessions_userId_fkey" FOREIGN KEY ("userId") REFERENCES "users"("id");';

function project(root: string): Record<string, string> {
  return {
    [`${root}/${LOCK}`]: 'provider = "postgresql"\n',
    [`${root}/${INIT}`]: `${TABLES}\n-- AddForeignKey\n${ACCOUNTS_FK}\n\n-- AddForeignKey\n${SESSIONS_FK}\n`,
  };
}

function analyze(files: Record<string, string>): { db: Database; reader: SourceReader } {
  const reader: SourceReader = { read: (p) => files[p] };
  const units = sqlFrontEnd.discover(Object.keys(files).filter((f) => f.endsWith('.sql')).sort(), reader);
  assert.equal(units.length, 1);
  assert.equal(units[0].hints?.kind, 'prisma', 'a Prisma migrations folder');
  return { db: sqlFrontEnd.analyze(units[0], reader, { validation: true }).databases[0], reader };
}

/** The new migrations a fix writes, in order, as files → text. */
function newMigrations(intent: FixIntent, reader: SourceReader): [string, string][] {
  const edits = sqlFrontEnd.writeFix(intent, reader);
  assert.ok(edits, 'a fix is written');
  for (const e of edits) assert.ok(e.create, `only new files: ${e.file}`);
  return [...applyEdits(edits, reader)].sort(([a], [b]) => (a < b ? -1 : 1));
}

/** The ADD CONSTRAINT a migration text holds, as libpg-query reads it (locations and validation aside). */
function addedConstraint(sql: string): Record<string, unknown> {
  for (const s of pg.parseSync(sql).stmts ?? []) {
    const cmds = (s.stmt as { AlterTableStmt?: { cmds: { AlterTableCmd: { subtype: string; def?: { Constraint: Record<string, unknown> } } }[] } }).AlterTableStmt?.cmds ?? [];
    for (const c of cmds) {
      if (c.AlterTableCmd.subtype !== 'AT_AddConstraint' || !c.AlterTableCmd.def) continue;
      const { location: _l, skip_validation: _s, initially_valid: _v, ...rest } = c.AlterTableCmd.def.Constraint;
      return JSON.parse(JSON.stringify(rest, (k, v) => (k === 'location' ? undefined : v)));
    }
  }
  throw new Error(`no ADD CONSTRAINT in ${sql}`);
}

/** Every foreign key of the database as Postgres states it. */
async function foreignKeys(db: PGliteInterface): Promise<string[]> {
  const r = await db.query<{ c: string }>(`select conrelid::regclass || '.' || conname || ': ' || pg_get_constraintdef(oid) as c from pg_constraint where contype = 'f' order by 1`);
  return r.rows.map((x) => x.c);
}

/** Runs a history (and any new migrations) as Prisma migrate does, each file in its own transaction. */
async function deploy(texts: string[]): Promise<PGliteInterface> {
  const db = await fresh();
  for (const t of texts) await runAsRunner(db, t);
  return db;
}

describe('foreign key fixes in a Prisma migrations folder state ON UPDATE', () => {
  it('the fixture shows the form: prisma migrate writes ON DELETE … ON UPDATE CASCADE', () => {
    const init = readFileSync(join(FIXTURES, 'prisma-app/prisma/migrations/20240301120000_init/migration.sql'), 'utf8');
    const fk = statementsOf(init).find((s) => s.includes('FOREIGN KEY'))!;
    assert.equal(fk, 'ALTER TABLE "Post" ADD CONSTRAINT "Post_authorId_fkey" FOREIGN KEY ("authorId") REFERENCES "User"("id") ON DELETE RESTRICT ON UPDATE CASCADE');
  });

  it('a changed ON DELETE keeps ON UPDATE CASCADE, as Prisma writes it for the fixed schema', async () => {
    const files = project('/p');
    const { db, reader } = analyze(files);
    const accounts = table(db, 'accounts');
    const fk = accounts.foreignKeys[0];
    const made = newMigrations({ kind: 'setOnDelete', database: db, table: accounts, foreignKey: fk, action: 'Cascade' }, reader);
    assert.equal(made.length, 2, 'NOT VALID, then VALIDATE in a migration of its own');
    assert.match(made[0][1], /ON DELETE CASCADE ON UPDATE CASCADE NOT VALID;\n$/);
    // What `prisma migrate dev` writes once the schema says onDelete: Cascade (DropForeignKey, then AddForeignKey).
    const prisma = ACCOUNTS_FK.replace('ON DELETE RESTRICT', 'ON DELETE CASCADE');
    assert.deepEqual(addedConstraint(made[0][1]), addedConstraint(prisma));
    // Deployed, the fixed history leaves the constraints the Prisma-generated SQL for the fixed schema leaves.
    const fixed = await deploy([files[`/p/${INIT}`], ...made.map(([, t]) => t)]);
    const expected = await deploy([files[`/p/${INIT}`].replace(ACCOUNTS_FK, prisma)]);
    assert.deepEqual(await foreignKeys(fixed), await foreignKeys(expected));
    assert.ok((await foreignKeys(fixed)).includes('accounts.accounts_userId_fkey: FOREIGN KEY ("userId") REFERENCES users(id) ON UPDATE CASCADE ON DELETE CASCADE'));
  });

  it('a constraint written without ON UPDATE keeps NO ACTION, stated', async () => {
    const files = project('/p');
    const { db, reader } = analyze(files);
    const sessions = table(db, 'sessions');
    const made = newMigrations({ kind: 'setOnDelete', database: db, table: sessions, foreignKey: sessions.foreignKeys[0], action: 'Cascade' }, reader);
    assert.match(made[0][1], /ON DELETE CASCADE ON UPDATE NO ACTION NOT VALID;\n$/);
    const prisma = 'ALTER TABLE "sessions" ADD CONSTRAINT "sessions_userId_fkey" FOREIGN KEY ("userId") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION;';
    assert.deepEqual(addedConstraint(made[0][1]), addedConstraint(prisma));
    const fixed = await deploy([files[`/p/${INIT}`], ...made.map(([, t]) => t)]);
    const expected = await deploy([files[`/p/${INIT}`].replace(SESSIONS_FK, prisma)]);
    assert.deepEqual(await foreignKeys(fixed), await foreignKeys(expected));
  });

  it("a new foreign key states the schema's actions: Prisma's defaults, or the intent's", async () => {
    const files = project('/p');
    const { db, reader } = analyze(files);
    const posts = table(db, 'posts');
    const references = { table: 'users', columns: ['id'] };
    // The relation the Prisma fix adds without actions: optional, so onDelete SetNull; onUpdate Cascade.
    const made = newMigrations({ kind: 'addForeignKey', database: db, table: posts, columns: ['authorId'], references }, reader);
    const prisma = 'ALTER TABLE "posts" ADD CONSTRAINT "posts_authorId_fkey" FOREIGN KEY ("authorId") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE CASCADE;';
    assert.deepEqual(addedConstraint(made[0][1]), addedConstraint(prisma));
    const fixed = await deploy([files[`/p/${INIT}`], ...made.map(([, t]) => t)]);
    const expected = await deploy([`${files[`/p/${INIT}`]}\n-- AddForeignKey\n${prisma}\n`]);
    assert.deepEqual(await foreignKeys(fixed), await foreignKeys(expected));
    // A required relation defaults to Restrict; an action the intent names is written as it is.
    const accounts = table(db, 'accounts');
    const restrict = newMigrations({ kind: 'addForeignKey', database: db, table: { ...accounts, foreignKeys: [] }, columns: ['userId'], references }, reader);
    assert.match(restrict[0][1], /ON DELETE RESTRICT ON UPDATE CASCADE NOT VALID;\n$/);
    const named = newMigrations({ kind: 'addForeignKey', database: db, table: posts, columns: ['authorId'], references, onDelete: 'Restrict', onUpdate: 'NoAction' }, reader);
    assert.match(named[0][1], /ON DELETE RESTRICT ON UPDATE NO ACTION NOT VALID;\n$/);
  });

  it('elsewhere nothing is added: a Supabase migration states only what it had', () => {
    const files = {
      '/s/supabase/migrations/20240101000000_init.sql':
        'create table public.users (id text primary key);\ncreate table public.sessions (id text primary key, user_id text not null references public.users (id));\ncreate index on public.sessions (user_id);\ncreate table public.posts (id text primary key, author_id text);\n',
    };
    const reader: SourceReader = { read: (p) => files[p as keyof typeof files] };
    const units = sqlFrontEnd.discover(Object.keys(files), reader);
    const db = sqlFrontEnd.analyze(units[0], reader, { validation: true }).databases[0];
    const sessions = table(db, 'sessions');
    const text = [...applyEdits(sqlFrontEnd.writeFix({ kind: 'setOnDelete', database: db, table: sessions, foreignKey: sessions.foreignKeys[0], action: 'Cascade' }, reader)!, reader).values()].join('\n');
    assert.match(text, /ON DELETE CASCADE NOT VALID;/);
    assert.doesNotMatch(text, /ON UPDATE/);
    const posts = table(db, 'posts');
    const added = [...applyEdits(sqlFrontEnd.writeFix({ kind: 'addForeignKey', database: db, table: posts, columns: ['author_id'], references: { table: 'public.users', columns: ['id'] } }, reader)!, reader).values()].join('\n');
    assert.doesNotMatch(added, /ON UPDATE|ON DELETE/);
  });
});

describe('fix-all on a Prisma schema and its migrations: both fixes agree', () => {
  const schema = `datasource db {
  provider = "postgresql"
  url      = env("DATABASE_URL")
}

model User {
  id       String    @id
  accounts Account[]
}

model Account {
  id     String @id
  userId String
  user   User   @relation(fields: [userId], references: [id], onDelete: Cascade)

  @@index([userId])
}

model Post {
  id       String  @id
  authorId String?

  @@index([authorId])
}
`;
  /** What `prisma migrate dev` wrote for that schema. */
  const init = `-- CreateTable
CREATE TABLE "User" (
    "id" TEXT NOT NULL,

    CONSTRAINT "User_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Account" (
    "id" TEXT NOT NULL,
    "userId" TEXT NOT NULL,

    CONSTRAINT "Account_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Post" (
    "id" TEXT NOT NULL,
    "authorId" TEXT,

    CONSTRAINT "Post_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "Account_userId_idx" ON "Account"("userId");

-- CreateIndex
CREATE INDEX "Post_authorId_idx" ON "Post"("authorId");

-- AddForeignKey
ALTER TABLE "Account" ADD CONSTRAINT "Account_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;
`;
  const ACTION: Record<string, string> = { Cascade: 'CASCADE', Restrict: 'RESTRICT', NoAction: 'NO ACTION', SetNull: 'SET NULL', SetDefault: 'SET DEFAULT' };

  it('the new migration leaves the constraint prisma migrate would write for the fixed schema', async () => {
    const dir = writeFiles({
      'prisma/schema.prisma': schema,
      'prisma/migrations/migration_lock.toml': 'provider = "postgresql"\n',
      'prisma/migrations/20240101000000_init/migration.sql': init,
    });
    const before = JSON.parse((await cli(['audit', '.', '--format', 'json'], dir)).stdout) as { findings: { rule: string; file: string }[] };
    // The migrations' copy of the schema's finding is left out (migration-echoes.test.ts). Fix-all's first pass adds the
    // relation to the schema; the migrations then lack a key the schema has, and its next pass writes their migration.
    assert.deepEqual(before.findings.map((f) => [f.rule, f.file]).sort(), [['missing-foreign-key', 'prisma/schema.prisma']]);
    const after = JSON.parse((await cli(['audit', '.', '--format', 'json', '--fix=unsafe'], dir)).stdout) as { findings: unknown[] };
    assert.deepEqual(after.findings, []);

    // The relation the schema fix added, with Prisma's defaults for what it does not say.
    const reader = diskReader();
    const unit = prismaFrontEnd.discover([join(dir, 'prisma/schema.prisma')], reader)[0];
    const analysis = prismaFrontEnd.analyze(unit, reader, { validation: true });
    assert.deepEqual(analysis.diagnostics.filter((d) => d.severity === 'error'), []);
    const fk = analysis.databases[0].tables.find((t) => t.name === 'Post')!.foreignKeys[0];
    assert.deepEqual(fk.columns, ['authorId']);
    const onDelete = ACTION[fk.onDelete ?? fk.defaultOnDelete];
    const onUpdate = ACTION[fk.onUpdate ?? 'Cascade'];
    assert.deepEqual([onDelete, onUpdate], ['SET NULL', 'CASCADE']);
    // What `prisma migrate dev` would write for it, in the form of the fixture's migrations.
    const prisma = `ALTER TABLE "Post" ADD CONSTRAINT "Post_authorId_fkey" FOREIGN KEY ("authorId") REFERENCES "User"("id") ON DELETE ${onDelete} ON UPDATE ${onUpdate};`;

    const mdir = join(dir, 'prisma/migrations');
    const written = readdirSync(mdir).filter((d) => /^\d/.test(d)).sort().slice(1).map((d) => readFileSync(join(mdir, d, 'migration.sql'), 'utf8'));
    assert.equal(written.length, 2, 'ADD … NOT VALID, then VALIDATE');
    assert.deepEqual(addedConstraint(written[0]), addedConstraint(prisma));
    const fixed = await deploy([init, ...written]);
    const expected = await deploy([`${init}\n-- AddForeignKey\n${prisma}\n`]);
    assert.deepEqual(await foreignKeys(fixed), await foreignKeys(expected));
    const v = await fixed.query<{ convalidated: boolean }>(`select convalidated from pg_constraint where conname = 'Post_authorId_fkey'`);
    assert.deepEqual(v.rows, [{ convalidated: true }]);
  });
});
