/**
 * Keeps rule files, registry, docs and tests in step, and checks the two scripts that derive files
 * from rule metadata (scripts/new-rule.ts, scripts/generate.ts) on temporary copies.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import ts from 'typescript';
import { rules, ruleById } from '../rules';
import { RULE_DOC_SECTIONS, parseRuleDoc, ruleDocPath } from '../rules/docs';
import type { Rule, Severity } from '../rules/types';
import { README_END, README_START, generate, renderRuleTable, updatePackageJson, updateReadme } from '../scripts/generate';
import { CATEGORIES, isKebabCase, registerRule, scaffoldRule } from '../scripts/new-rule';

const ROOT = join(__dirname, '..');

/** The catalogue in DESIGN.md: default severity per rule id. */
const CATALOGUE: Record<string, Severity> = {
  'missing-on-delete': 'warning',
  'set-null-on-not-null': 'error',
  'missing-foreign-key': 'info',
  'unindexed-foreign-key': 'warning',
  'unindexed-query-filter': 'info',
  'duplicate-index': 'warning',
  'missing-primary-key': 'warning',
  'index-not-concurrent': 'warning',
  'foreign-key-not-valid': 'warning',
  'concurrent-index-in-transaction': 'error',
  'backup-table': 'info',
  'json-in-string': 'info',
  'string-enum': 'info',
  'float-for-money': 'warning',
  'multi-write-without-transaction': 'warning',
  'client-outside-transaction': 'error',
  'query-in-loop': 'warning',
  'unbounded-query': 'info',
  'filter-in-memory': 'info',
  'swallowed-db-error': 'warning',
  'delete-without-where': 'warning',
};

function isRule(value: unknown): value is Rule {
  const v = value as Rule;
  return typeof v === 'object' && v !== null && typeof v.check === 'function' && typeof v.meta?.id === 'string';
}

/** Every `.ts` file directly in a category folder that exports a Rule (helpers export none). */
function ruleFilesOnDisk(): { path: string; category: string; exported: Rule[] }[] {
  const found: { path: string; category: string; exported: Rule[] }[] = [];
  for (const category of CATEGORIES) {
    const dir = join(ROOT, 'rules', category);
    if (!existsSync(dir)) continue;
    for (const name of readdirSync(dir).sort()) {
      if (!name.endsWith('.ts')) continue;
      const path = join(dir, name);
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const exported = Object.values(require(path) as Record<string, unknown>).filter(isRule);
      if (exported.length) found.push({ path, category, exported });
    }
  }
  return found;
}

describe('rule registry', () => {
  it('holds every rule of the catalogue', () => {
    assert.deepEqual(
      Object.keys(CATALOGUE).filter((id) => !ruleById(id)),
      [],
      'catalogue rules missing from rules/index.ts',
    );
  });

  it('is sorted by id, ids unique and kebab-case', () => {
    const ids = rules.map((r) => r.meta.id);
    assert.deepEqual(ids, [...ids].sort());
    assert.equal(new Set(ids).size, ids.length, 'duplicate ids');
    for (const id of ids) assert.ok(isKebabCase(id), `${id} is not kebab-case`);
  });

  it('lists every rule file on disk, and each file exports exactly its own rule', () => {
    for (const { path, category, exported } of ruleFilesOnDisk()) {
      assert.equal(exported.length, 1, `${path} exports ${exported.length} rules`);
      const rule = exported[0];
      assert.equal(basename(path, '.ts'), rule.meta.id, `${path}: file name and meta.id differ`);
      assert.equal(category, rule.meta.category, `${path}: folder and meta.category differ`);
      assert.equal(ruleById(rule.meta.id), rule, `${rule.meta.id} is not in rules/index.ts`);
    }
  });

  for (const rule of rules) {
    const { id, category } = rule.meta;
    describe(id, () => {
      it('lives in rules/<category>/<id>.ts, in the category folder its meta names', () => {
        assert.ok(CATEGORIES.includes(category), `unknown category ${category}`);
        const path = join(ROOT, 'rules', category, `${id}.ts`);
        assert.ok(existsSync(path), `${path} missing`);
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        assert.ok(Object.values(require(path) as Record<string, unknown>).includes(rule), `${path} does not export the registered rule`);
      });

      it('has complete metadata with the catalogue severity', () => {
        assert.ok(rule.meta.description.trim().length > 10, 'description');
        assert.ok(rule.meta.languages.length > 0, 'languages');
        if (CATALOGUE[id]) assert.equal(rule.meta.defaultSeverity, CATALOGUE[id], 'defaultSeverity differs from DESIGN.md');
      });

      it('has a doc titled with its id and every section, in order, none empty', () => {
        const path = join(ROOT, ruleDocPath(rule.meta));
        assert.ok(existsSync(path), `${ruleDocPath(rule.meta)} missing`);
        const doc = parseRuleDoc(readFileSync(path, 'utf8'));
        assert.equal(doc.title, id);
        const headings = [...doc.sections.keys()].filter((h) => (RULE_DOC_SECTIONS as readonly string[]).includes(h));
        assert.deepEqual(headings, [...RULE_DOC_SECTIONS]);
        for (const section of RULE_DOC_SECTIONS) assert.ok(doc.sections.get(section)!.length > 0, `section "${section}" is empty`);
      });

      it('has a test file', () => {
        assert.ok(existsSync(join(ROOT, 'test', 'rules', `${id}.test.ts`)), `test/rules/${id}.test.ts missing`);
      });
    });
  }

  it('has no doc without a rule', () => {
    for (const category of CATEGORIES) {
      const dir = join(ROOT, 'rules', category);
      if (!existsSync(dir)) continue;
      for (const name of readdirSync(dir).filter((n) => n.endsWith('.md'))) {
        assert.ok(ruleById(basename(name, '.md')), `rules/${category}/${name} documents no registered rule`);
      }
    }
  });
});

describe('rule docs parser', () => {
  it('finds the title and sections and ignores headings in code fences', () => {
    const doc = parseRuleDoc('# `x-y`\n\n## What it does\n\nA.\n\n```md\n## Not a section\n```\n\n## Options\n\nNone.\n');
    assert.equal(doc.title, 'x-y');
    assert.deepEqual([...doc.sections.keys()], ['What it does', 'Options']);
    assert.match(doc.sections.get('What it does')!, /## Not a section/);
  });
});

describe('scripts/generate.ts', () => {
  const metas = rules.map((r) => r.meta);

  it('renders one table row per rule with its doc link', () => {
    const table = renderRuleTable(metas);
    assert.equal(table.split('\n').length, metas.length + 2);
    assert.match(table, /\| \[`unindexed-foreign-key`\]\(rules\/indexes\/unindexed-foreign-key\.md\) \| indexes \| Prisma, Drizzle, SQL \| warning \| safe \|/);
  });

  it('replaces only the text between the README markers, idempotently', () => {
    const readme = `# Schema Review\n\nIntro.\n\n${README_START}\nold table\n${README_END}\n\nAfter.\n`;
    const once = updateReadme(readme, metas);
    assert.ok(once.startsWith('# Schema Review\n\nIntro.\n\n<!-- rules:start -->\n| rule |'));
    assert.ok(once.endsWith(`|\n${README_END}\n\nAfter.\n`));
    assert.doesNotMatch(once, /old table/);
    assert.equal(updateReadme(once, metas), once);
    assert.equal(updateReadme('# No markers\n', metas), '# No markers\n');
  });

  it('writes schemaReview.rules.<id> settings, keeps other settings, drops stale rules', () => {
    const pkg = {
      name: 'x',
      contributes: {
        commands: [{ command: 'a' }],
        configuration: {
          title: 'Schema Review',
          properties: { 'schemaReview.enable': { type: 'boolean', default: true }, 'schemaReview.rules.retired-rule': { type: 'string' } },
        },
      },
    };
    const next = updatePackageJson(pkg, metas) as { contributes: { commands: unknown; configuration: { properties: Record<string, Record<string, unknown>> } } };
    const props = next.contributes.configuration.properties;
    assert.deepEqual(Object.keys(props)[0], 'schemaReview.enable');
    assert.equal(props['schemaReview.rules.retired-rule'], undefined);
    assert.deepEqual(next.contributes.commands, [{ command: 'a' }]);
    const setting = props['schemaReview.rules.missing-on-delete'];
    assert.deepEqual(setting.enum, ['off', 'info', 'warning', 'error']);
    assert.equal(setting.default, 'warning');
    assert.match(String(setting.description), /referenced row is deleted/);
    assert.equal(Object.keys(props).filter((k) => k.startsWith('schemaReview.rules.')).length, metas.length);
    assert.equal(pkg.contributes.configuration.properties['schemaReview.rules.retired-rule'] !== undefined, true, 'input not mutated');
  });

  it('also handles the array form of contributes.configuration and a missing one', () => {
    const arrayForm = updatePackageJson({ contributes: { configuration: [{ title: 'Other', properties: { 'other.x': {} } }, { properties: { 'schemaReview.enable': {} } }] } }, metas) as {
      contributes: { configuration: { properties: Record<string, unknown> }[] };
    };
    assert.deepEqual(Object.keys(arrayForm.contributes.configuration[0].properties), ['other.x']);
    assert.ok(arrayForm.contributes.configuration[1].properties['schemaReview.rules.string-enum']);
    const fresh = updatePackageJson({}, metas) as { contributes: { configuration: { title: string; properties: Record<string, unknown> } } };
    assert.equal(fresh.contributes.configuration.title, 'Schema Review');
  });

  it('regenerates README.md and package.json in a temporary copy; --check reports nothing afterwards', () => {
    const dir = mkdtempSync(join(tmpdir(), 'schema-review-generate-'));
    try {
      // The project's package.json without its generated per-rule settings: generate must put them back.
      const original = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
      const props = original.contributes.configuration.properties as Record<string, unknown>;
      for (const key of Object.keys(props)) if (key.startsWith('schemaReview.rules.')) delete props[key];
      writeFileSync(join(dir, 'package.json'), JSON.stringify(original, null, 2) + '\n');
      writeFileSync(join(dir, 'README.md'), `# R\n\n${README_START}\n${README_END}\n`);
      const first = generate(dir, metas);
      assert.deepEqual(first.changed.map((p) => basename(p)).sort(), ['README.md', 'package.json']);
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
      assert.ok(pkg.contributes.configuration.properties['schemaReview.rules.backup-table']);
      assert.equal(pkg.name, 'schema-review');
      assert.deepEqual(generate(dir, metas, true).changed, []);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('scripts/new-rule.ts', () => {
  it('registers the import by path and the entry by id', () => {
    const index = [
      "import type { Rule } from './types';",
      '',
      "import { backupTable } from './migrations/backup-table';",
      "import { stringEnum } from './data-types/string-enum';",
      '// (imports end)',
      '',
      'export const rules: Rule[] = [',
      '  backupTable,',
      '  stringEnum,',
      '  // (rules end)',
      '];',
    ].join('\n');
    const out = registerRule(index, 'indexes', 'missing-widget-index').split('\n');
    assert.ok(out.indexOf("import { missingWidgetIndex } from './indexes/missing-widget-index';") < out.indexOf("import { backupTable } from './migrations/backup-table';"));
    assert.deepEqual(out.slice(out.indexOf('export const rules: Rule[] = [') + 1, -2), ['  backupTable,', '  missingWidgetIndex,', '  stringEnum,']);
    assert.throws(() => registerRule(out.join('\n'), 'indexes', 'missing-widget-index'), /already registered/);
  });

  it('scaffolds rule, doc and test that type-check, with a complete doc', () => {
    const dir = mkdtempSync(join(tmpdir(), 'schema-review-new-rule-'));
    try {
      for (const file of ['rules/index.ts', 'rules/types.ts', 'rules/docs.ts', 'rules/model/index.ts', 'test/helpers/run-rule.ts']) {
        mkdirSync(dirname(join(dir, file)), { recursive: true });
        copyFileSync(join(ROOT, file), join(dir, file));
      }
      const created = scaffoldRule(dir, 'indexes', 'zzz-scaffold-check').map((p) => p.slice(dir.length + 1));
      assert.deepEqual(created, ['rules/indexes/zzz-scaffold-check.ts', 'rules/indexes/zzz-scaffold-check.md', 'test/rules/zzz-scaffold-check.test.ts', 'rules/index.ts']);
      const index = readFileSync(join(dir, 'rules/index.ts'), 'utf8');
      assert.match(index, /unindexedQueryFilter,\n {2}zzzScaffoldCheck,\n {2}\/\/ \(rules end\)/);

      const doc = parseRuleDoc(readFileSync(join(dir, 'rules/indexes/zzz-scaffold-check.md'), 'utf8'));
      assert.equal(doc.title, 'zzz-scaffold-check');
      assert.deepEqual([...doc.sections.keys()], [...RULE_DOC_SECTIONS]);

      const program = ts.createProgram([join(dir, 'rules/indexes/zzz-scaffold-check.ts'), join(dir, 'test/rules/zzz-scaffold-check.test.ts')], {
        strict: true,
        noEmit: true,
        module: ts.ModuleKind.CommonJS,
        moduleResolution: ts.ModuleResolutionKind.Node10,
        target: ts.ScriptTarget.ES2022,
        esModuleInterop: true,
        skipLibCheck: true,
        types: ['node'],
        typeRoots: [join(ROOT, 'node_modules/@types')],
      });
      const diagnostics = ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
      assert.deepEqual(diagnostics, []);

      assert.throws(() => scaffoldRule(dir, 'indexes', 'zzz-scaffold-check'), /already exists/);
      assert.throws(() => scaffoldRule(dir, 'widgets', 'x-y'), /unknown category/);
      assert.throws(() => scaffoldRule(dir, 'indexes', 'NotKebab'), /kebab-case/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
