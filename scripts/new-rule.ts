/**
 * Scaffolds a rule: `rules/<category>/<id>.ts`, its doc `<id>.md`, its test `test/rules/<id>.test.ts`,
 * and registers it in `rules/index.ts` (import sorted by path, entry sorted by id).
 *
 * Usage: npm run new-rule -- <category> <id>
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { RULE_DOC_SECTIONS } from '../rules/docs';
import type { Category } from '../rules/types';

export const CATEGORIES: readonly Category[] = ['relations', 'indexes', 'migrations', 'data-types', 'transactions', 'queries'];
const CODE_CATEGORIES: readonly Category[] = ['transactions', 'queries'];

export function camelCase(id: string): string {
  return id.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

export function kebabCase(identifier: string): string {
  return identifier.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}

export function isKebabCase(id: string): boolean {
  return /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/.test(id);
}

function ruleSource(category: Category, id: string): string {
  const name = camelCase(id);
  const code = CODE_CATEGORIES.includes(category);
  const loop = code
    ? `    for (const file of context.codeFiles) {
      for (const call of file.calls) {
        // TODO: decide, then context.report({ message, loc: call.loc, fixes: [...] }).
        void call;
      }
    }`
    : `    for (const database of context.databases) {
      if (!${name}.meta.languages.includes(database.language)) continue;
      for (const table of database.tables) {
        // TODO: decide, then context.report({ message, loc: table.nameLoc, fixes: [...] }).
        void table;
      }
    }`;
  return `import type { Rule } from '../types';

export const ${name}: Rule = {
  meta: {
    id: '${id}',
    category: '${category}',
    defaultSeverity: 'warning',
    languages: [${code ? "'code'" : "'prisma', 'drizzle', 'sql'"}],
    description: 'TODO: one line, what the rule finds.',
  },
  check(context) {
${loop}
  },
};
`;
}

function docSource(category: Category, id: string): string {
  const body: Record<string, string> = {
    'What it does': 'TODO: what the rule finds, precisely.',
    'Why is this bad?': 'TODO: what it costs, true for the user\'s database.',
    Example: '```\nTODO: a small real-looking example, then the fixed version.\n```',
    'Fix safety': 'TODO: safe / unsafe / display-only, and why.',
    Options: 'None besides the severity.',
    'When not to use it': 'TODO.',
    References: '- TODO',
  };
  return [`# ${id}`, '', `Category: ${category} · Default severity: warning`, '', ...RULE_DOC_SECTIONS.flatMap((s) => [`## ${s}`, '', body[s], ''])].join('\n');
}

function testSource(category: Category, id: string): string {
  const name = camelCase(id);
  return `import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ${name} } from '../../rules/${category}/${id}';
import { runRule } from '../helpers/run-rule';

describe('${id}', () => {
  describe('valid', () => {
    it('nothing to review', () => assert.deepEqual(runRule(${name}, []), []));
  });
  describe('invalid', () => {
    it.todo('reports the bad pattern at the right location, with its fixes');
  });
});
`;
}

/** Insert the rule's import and registry entry into the text of rules/index.ts, keeping both sorted. */
export function registerRule(indexText: string, category: Category, id: string): string {
  const name = camelCase(id);
  const lines = indexText.split('\n');
  const importLine = `import { ${name} } from './${category}/${id}';`;
  const importPath = (line: string) => /from '(.*)'/.exec(line)?.[1] ?? '';
  const ruleImports = lines.map((l, i) => [l, i] as const).filter(([l]) => /^import \{ \w+ \} from '\.\/[\w-]+\/[\w-]+';$/.test(l));
  if (ruleImports.some(([l]) => l === importLine)) throw new Error(`${id} is already registered`);
  const after = ruleImports.find(([l]) => importPath(l) > importPath(importLine));
  const insertImportAt = after ? after[1] : ruleImports.length ? ruleImports[ruleImports.length - 1][1] + 1 : lines.findIndex((l) => l.includes('(imports end)'));
  if (insertImportAt < 0) throw new Error('rules/index.ts: cannot find where to add the import');
  lines.splice(insertImportAt, 0, importLine);

  const open = lines.findIndex((l) => /^export const rules: Rule\[\] = \[$/.test(l));
  const close = lines.findIndex((l, i) => i > open && (l.includes('(rules end)') || l === '];'));
  if (open < 0 || close < 0) throw new Error('rules/index.ts: cannot find the rules array');
  let at = close;
  for (let i = open + 1; i < close; i++) {
    const entry = /^\s+(\w+),$/.exec(lines[i]);
    if (entry && kebabCase(entry[1]) > id) {
      at = i;
      break;
    }
  }
  lines.splice(at, 0, `  ${name},`);
  return lines.join('\n');
}

/** Create the rule, doc and test files under `root` and register the rule. Returns the created paths. */
export function scaffoldRule(root: string, category: string, id: string): string[] {
  if (!CATEGORIES.includes(category as Category)) throw new Error(`unknown category "${category}" (one of ${CATEGORIES.join(', ')})`);
  if (!isKebabCase(id)) throw new Error(`rule id "${id}" must be kebab-case and name the bad pattern (e.g. missing-on-delete)`);
  const cat = category as Category;
  const files: [string, string][] = [
    [join(root, 'rules', cat, `${id}.ts`), ruleSource(cat, id)],
    [join(root, 'rules', cat, `${id}.md`), docSource(cat, id)],
    [join(root, 'test', 'rules', `${id}.test.ts`), testSource(cat, id)],
  ];
  for (const [path] of files) if (existsSync(path)) throw new Error(`${path} already exists`);
  const indexPath = join(root, 'rules', 'index.ts');
  const registered = registerRule(readFileSync(indexPath, 'utf8'), cat, id);
  for (const [path, text] of files) {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, text);
  }
  writeFileSync(indexPath, registered);
  return [...files.map(([path]) => path), indexPath];
}

if (require.main === module) {
  const [category, id] = process.argv.slice(2);
  if (!category || !id) {
    console.error('usage: npm run new-rule -- <category> <id>');
    process.exit(2);
  }
  try {
    for (const path of scaffoldRule(resolve(__dirname, '..'), category, id)) console.log(`wrote ${path}`);
    console.log('next: write the rule, its doc and its tests; then `npm run generate`.');
  } catch (error) {
    console.error(`new-rule: ${(error as Error).message}`);
    process.exit(2);
  }
}
