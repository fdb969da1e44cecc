/**
 * A project that builds its indexes through its own wrapper of pg-core's `index` (`export const index = (n: string) =>
 * indexCreator(\`am_${n}\`)` next to a `pgTableCreator`, or `export const idx = (name: string) => index(name)`):
 * the index fix writes the new index through that wrapper, as the file's other indexes are written, so that it gets
 * the project's prefix. An index named through a template literal is named in the model when its name is computable
 * from literals, the file's constants and the strings the call passes.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { rules } from '../../../rules';
import { runRules } from '../../../server/src/engine';
import { drizzleFrontEnd } from '../../../server/src/languages/drizzle';
import { applyFileEdits, memoryReader, syntaxErrors, table } from './helpers';

const PACKAGE = '{ "name": "w", "dependencies": { "drizzle-orm": "^0.44.0" } }';
const CONFIG = 'export default { schema: "./src/db/schema.ts", dialect: "postgresql" };\n';

function analyze(files: Record<string, string>) {
  const reader = memoryReader(files);
  const units = drizzleFrontEnd.discover(Object.keys(files).sort(), reader);
  const unit = units.find((u) => u.id === 'drizzle:/w/drizzle.config.ts')!;
  const analysis = drizzleFrontEnd.analyze(unit, reader, { validation: true });
  return { reader, analysis, db: analysis.databases[0] };
}

function review(files: Record<string, string>) {
  const { reader, analysis, db } = analyze(files);
  const { findings } = runRules(
    { databases: [db], codeFiles: [], suppressions: analysis.suppressions },
    { rules, writeFix: (intent) => drizzleFrontEnd.writeFix(intent, reader) },
  );
  return { reader, db, findings };
}

/** The index fix for `columns` of `tableName`, applied: the fixed schema text. */
function fixIndex(files: Record<string, string>, tableName: string, columns: string[]): string {
  const { reader, db } = analyze(files);
  const edits = drizzleFrontEnd.writeFix({ kind: 'addIndex', database: db, table: table(db, tableName), columns }, reader);
  assert.ok(edits, 'a fix');
  assert.deepEqual([...new Set(edits.map((e) => e.file))], ['/w/src/db/schema.ts']);
  const overlay = { read: reader.read, overlay: new Map<string, string>() } as Parameters<typeof applyFileEdits>[0];
  applyFileEdits(overlay, edits);
  const fixed = overlay.overlay.get('/w/src/db/schema.ts')!;
  assert.deepEqual(syntaxErrors('/w/src/db/schema.ts', fixed), []);
  return fixed;
}

// The layout of a real app sharing its database: every table and index name carries the app's prefix.
const PREFIXED: Record<string, string> = {
  '/w/package.json': PACKAGE,
  '/w/drizzle.config.ts': CONFIG,
  '/w/src/db/utils.ts': `import { index as indexCreator, pgTableCreator } from "drizzle-orm/pg-core";

const APP = "am";

export const pgTable = pgTableCreator((name) => \`\${APP}_\${name}\`);
export const index = (n: string) => indexCreator(\`\${APP}_\${n}\`);
`,
  '/w/src/db/schema.ts': `import { integer, serial, text, timestamp } from "drizzle-orm/pg-core";
import { index, pgTable } from "./utils";

export const users = pgTable("user", {
  id: serial("id").primaryKey(),
  email: text("email").notNull(),
});

export const comments = pgTable(
  "comment",
  {
    id: serial("id").primaryKey(),
    postId: integer("post_id").notNull(),
    authorId: integer("author_id").notNull().references(() => users.id, { onDelete: "cascade" }),
    createdAt: timestamp("created_at").notNull().defaultNow(),
  },
  (t) => [index("comment_post_idx").on(t.postId, t.createdAt)],
);
`,
};

// A wrapper under a name of its own, next to pg-core's index imported for nothing else.
const RENAMED: Record<string, string> = {
  '/w/package.json': PACKAGE,
  '/w/drizzle.config.ts': CONFIG,
  '/w/src/db/indexes.ts': `import { index } from "drizzle-orm/pg-core";

/** Every index goes through here, so that a naming rule can be added in one place. */
export const idx = (name: string) => index(name);
`,
  '/w/src/db/schema.ts': `import { integer, pgTable, serial } from "drizzle-orm/pg-core";
import { idx } from "./indexes";

export const users = pgTable("users", { id: serial("id").primaryKey() });

export const posts = pgTable("posts", {
  id: serial("id").primaryKey(),
  authorId: integer("author_id").notNull().references(() => users.id),
  editorId: integer("editor_id").references(() => users.id),
}, (t) => [idx("posts_author_idx").on(t.authorId)]);
`,
};

describe('drizzle: the index fix writes through the project\'s index wrapper', () => {
  it('a prefixing wrapper: the fix calls it with the name that, prefixed, is Postgres\' own; no pg-core import', () => {
    const { findings } = review(PREFIXED);
    assert.deepEqual(
      findings.filter((f) => f.rule === 'unindexed-foreign-key').map((f) => f.message.match(/^Foreign key (\w+) \(([^)]+)\)/)?.slice(1)),
      [['comments', 'authorId']],
    );
    const fixed = fixIndex(PREFIXED, 'comments', ['authorId']);
    assert.match(fixed, /\(t\) => \[index\("comment_post_idx"\)\.on\(t\.postId, t\.createdAt\), index\("comment_author_id_idx"\)\.on\(t\.authorId\)\]/);
    assert.equal(fixed.split('\n').slice(0, 3).join('\n'), PREFIXED['/w/src/db/schema.ts'].split('\n').slice(0, 3).join('\n'));
    const again = review({ ...PREFIXED, '/w/src/db/schema.ts': fixed });
    assert.deepEqual(
      table(again.db, 'comments').indexes.map((i) => [i.columns, i.name]),
      [
        [['postId', 'createdAt'], 'am_comment_post_idx'],
        [['authorId'], 'am_comment_author_id_idx'],
      ],
    );
    assert.deepEqual(again.findings.filter((f) => f.rule === 'unindexed-foreign-key'), []);
  });

  it('a wrapper of its own name: the fix calls it, and keeps its import in place', () => {
    const fixed = fixIndex(RENAMED, 'posts', ['editorId']);
    assert.match(fixed, /\(t\) => \[idx\("posts_author_idx"\)\.on\(t\.authorId\), idx\("posts_editor_id_idx"\)\.on\(t\.editorId\)\]\);/);
    assert.match(fixed, /^import \{ integer, pgTable, serial \} from "drizzle-orm\/pg-core";\nimport \{ idx \} from "\.\/indexes";\n/);
    const again = review({ ...RENAMED, '/w/src/db/schema.ts': fixed });
    assert.deepEqual(table(again.db, 'posts').indexes.map((i) => [i.columns, i.name]), [
      [['authorId'], 'posts_author_idx'],
      [['editorId'], 'posts_editor_id_idx'],
    ]);
    assert.deepEqual(again.findings.filter((f) => f.rule === 'unindexed-foreign-key'), []);
  });

  it('a wrapper of the file naming every index after its table: the fix passes what follows the table\'s name', () => {
    const files = {
      ...RENAMED,
      '/w/src/db/schema.ts': `import { index, integer, pgTable, serial } from "drizzle-orm/pg-core";

const TABLE = "posts";
const postsIndex = (suffix: string) => index(\`\${TABLE}_\${suffix}\`);

export const users = pgTable("users", { id: serial("id").primaryKey() });

export const posts = pgTable(TABLE, {
  id: serial("id").primaryKey(),
  authorId: integer("author_id").notNull().references(() => users.id),
  editorId: integer("editor_id").references(() => users.id),
}, (t) => [postsIndex("author_idx").on(t.authorId)]);
`,
    };
    const fixed = fixIndex(files, 'posts', ['editorId']);
    assert.match(fixed, /\(t\) => \[postsIndex\("author_idx"\)\.on\(t\.authorId\), postsIndex\("editor_id_idx"\)\.on\(t\.editorId\)\]\);/);
    const again = review({ ...files, '/w/src/db/schema.ts': fixed });
    assert.deepEqual(table(again.db, 'posts').indexes.map((i) => [i.columns, i.name]), [
      [['authorId'], 'posts_author_idx'],
      [['editorId'], 'posts_editor_id_idx'],
    ]);
    assert.deepEqual(again.findings.filter((f) => f.rule === 'unindexed-foreign-key'), []);
  });

  it('a wrapper taking no name (or only unique ones) is not used: pg-core\'s index, as before', () => {
    const files = {
      ...RENAMED,
      '/w/src/db/indexes.ts': `import { index, uniqueIndex } from "drizzle-orm/pg-core";

export const authorIndex = () => index("posts_author_idx");
export const uniq = (name: string) => uniqueIndex(name);
`,
      '/w/src/db/schema.ts': RENAMED['/w/src/db/schema.ts']
        .replace('import { idx } from "./indexes";', 'import { authorIndex, uniq } from "./indexes";')
        .replace('[idx("posts_author_idx").on(t.authorId)]', '[authorIndex().on(t.authorId), uniq("posts_id_uq").on(t.id)]'),
    };
    const fixed = fixIndex(files, 'posts', ['editorId']);
    assert.match(fixed, /^import \{ integer, pgTable, serial, index \} from "drizzle-orm\/pg-core";/);
    assert.match(fixed, /uniq\("posts_id_uq"\)\.on\(t\.id\), index\("posts_editor_id_idx"\)\.on\(t\.editorId\)\]/);
  });
});

describe('drizzle: index names written as template literals', () => {
  it('a name computed from the wrapper\'s template, the file\'s constants and a helper\'s string argument', () => {
    const files: Record<string, string> = {
      '/w/package.json': PACKAGE,
      '/w/drizzle.config.ts': CONFIG,
      '/w/src/db/utils.ts': PREFIXED['/w/src/db/utils.ts'],
      '/w/src/db/schema.ts': `import { index as pgIndex, integer, serial, uniqueIndex } from "drizzle-orm/pg-core";
import { index, pgTable } from "./utils";

const TABLE = "membership";

function ownedBy(t: { userId: never }, table: string) {
  return [pgIndex(\`\${table}_user_idx\`).on(t.userId)];
}

export const users = pgTable("user", { id: serial("id").primaryKey() });

export const memberships = pgTable("membership", {
  id: serial("id").primaryKey(),
  userId: integer("user_id").notNull().references(() => users.id),
  orgId: integer("org_id").notNull(),
  roleId: integer("role_id").notNull(),
}, (t) => [
  index(\`\${TABLE}_org\`).on(t.orgId),
  uniqueIndex(TABLE + "_role_uq").on(t.roleId, t.orgId),
  ...ownedBy(t, "am_" + TABLE),
]);
`,
    };
    const { db } = analyze(files);
    assert.deepEqual(table(db, 'memberships').indexes.map((i) => [i.kind, i.columns, i.name]), [
      ['index', ['orgId'], 'am_membership_org'],
      ['unique', ['roleId', 'orgId'], 'membership_role_uq'],
      ['index', ['userId'], 'am_membership_user_idx'],
    ]);
  });

  it('a name that is not computable stays unnamed, the index still counts, and no duplicate is invented', () => {
    const files: Record<string, string> = {
      '/w/package.json': PACKAGE,
      '/w/drizzle.config.ts': CONFIG,
      '/w/src/db/utils.ts': `import { index as indexCreator, pgTableCreator } from "drizzle-orm/pg-core";

export const pgTable = pgTableCreator((name) => \`\${process.env.APP_PREFIX}_\${name}\`);
export const index = (n: string) => indexCreator(\`\${process.env.APP_PREFIX}_\${n}\`);
`,
      '/w/src/db/schema.ts': `import { integer, serial } from "drizzle-orm/pg-core";
import { index, pgTable } from "./utils";

export const users = pgTable("user", { id: serial("id").primaryKey() });

export const posts = pgTable("post", {
  id: serial("id").primaryKey(),
  authorId: integer("author_id").notNull().references(() => users.id),
  editorId: integer("editor_id").notNull().references(() => users.id),
}, (t) => [index(\`post_\${t.authorId.name}\`).on(t.authorId), index("post_editor").on(t.editorId)]);
`,
    };
    const { db, findings } = review(files);
    assert.deepEqual(table(db, 'posts').indexes.map((i) => [i.kind, i.columns, i.name]), [
      ['index', ['authorId'], undefined],
      ['index', ['editorId'], undefined],
    ]);
    assert.deepEqual(findings.filter((f) => f.rule === 'unindexed-foreign-key' || f.rule === 'duplicate-index'), []);
  });
});
