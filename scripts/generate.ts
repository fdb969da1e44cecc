/**
 * Regenerates what is derived from rule metadata:
 * - README.md: the rule table between `<!-- rules:start -->` and `<!-- rules:end -->` (if README.md exists);
 * - package.json: `contributes.configuration` properties `schemaReview.rules.<id>` (off/info/warning/error).
 *
 * Usage: npm run generate [-- --root <dir>] [--check]
 *   --check  writes nothing; exits 1 when a file is out of date (for CI).
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { rules as registry } from '../rules';
import { ruleDocPath } from '../rules/docs';
import type { RuleMeta } from '../rules/types';

export const README_START = '<!-- rules:start -->';
export const README_END = '<!-- rules:end -->';
export const SEVERITY_SETTING = ['off', 'info', 'warning', 'error'] as const;

const LANGUAGE_NAMES: Record<string, string> = { prisma: 'Prisma', drizzle: 'Drizzle', sql: 'SQL', code: 'code' };

function escapeCell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

/** The Markdown rule table, one row per rule in registry (id) order. */
export function renderRuleTable(metas: readonly RuleMeta[]): string {
  const rows = metas.map(
    (m) =>
      `| [\`${m.id}\`](${ruleDocPath(m)}) | ${m.category} | ${m.languages.map((l) => LANGUAGE_NAMES[l] ?? l).join(', ')} | ${m.defaultSeverity} | ${m.fix ?? '—'} | ${escapeCell(m.description)} |`,
  );
  return ['| rule | category | languages | default | fix | what it finds |', '|---|---|---|---|---|---|', ...rows].join('\n');
}

/** README text with the table between the markers replaced; unchanged when the markers are missing. */
export function updateReadme(text: string, metas: readonly RuleMeta[]): string {
  const start = text.indexOf(README_START);
  const end = text.indexOf(README_END);
  if (start < 0 || end < start) return text;
  return `${text.slice(0, start + README_START.length)}\n${renderRuleTable(metas)}\n${text.slice(end)}`;
}

type Json = Record<string, unknown>;

/** The `schemaReview.rules.<id>` setting of one rule. */
export function ruleSetting(meta: RuleMeta): Json {
  return {
    type: 'string',
    enum: [...SEVERITY_SETTING],
    default: meta.defaultSeverity,
    scope: 'resource',
    description: `${meta.description} (${meta.category}; default: ${meta.defaultSeverity})`,
  };
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * A copy of package.json with one `schemaReview.rules.<id>` property per rule: other properties keep
 * their place, stale rule properties are removed, rule properties follow in id order.
 */
export function updatePackageJson(pkg: Json, metas: readonly RuleMeta[]): Json {
  const next: Json = structuredClone(pkg);
  const contributes: Json = isObject(next.contributes) ? next.contributes : {};
  next.contributes = contributes;
  let configuration: Json;
  if (Array.isArray(contributes.configuration)) {
    const list = contributes.configuration as unknown[];
    const found = list.find((c): c is Json => isObject(c) && isObject(c.properties) && Object.keys(c.properties).some((k) => k.startsWith('schemaReview.')));
    configuration = found ?? { title: 'Schema Review', properties: {} };
    if (!found) list.push(configuration);
  } else {
    configuration = isObject(contributes.configuration) ? contributes.configuration : { title: 'Schema Review', properties: {} };
    contributes.configuration = configuration;
  }
  const properties: Json = isObject(configuration.properties) ? configuration.properties : {};
  const kept = Object.entries(properties).filter(([key]) => !key.startsWith('schemaReview.rules.'));
  const generated = [...metas]
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
    .map((m) => [`schemaReview.rules.${m.id}`, ruleSetting(m)] as const);
  configuration.properties = Object.fromEntries([...kept, ...generated]);
  return next;
}

export interface GenerateResult {
  /** Files whose content changed (or would change with `check`). */
  changed: string[];
}

/** Regenerate the derived files under `root`. With `check`, only report what is out of date. */
export function generate(root: string, metas: readonly RuleMeta[] = registry.map((r) => r.meta), check = false): GenerateResult {
  const changed: string[] = [];
  const readme = join(root, 'README.md');
  if (existsSync(readme)) {
    const before = readFileSync(readme, 'utf8');
    const after = updateReadme(before, metas);
    if (after !== before) {
      changed.push(readme);
      if (!check) writeFileSync(readme, after);
    }
  }
  const packageJson = join(root, 'package.json');
  if (existsSync(packageJson)) {
    const before = readFileSync(packageJson, 'utf8');
    const after = JSON.stringify(updatePackageJson(JSON.parse(before) as Json, metas), null, 2) + '\n';
    if (after !== before) {
      changed.push(packageJson);
      if (!check) writeFileSync(packageJson, after);
    }
  }
  return { changed };
}

if (require.main === module) {
  const args = process.argv.slice(2);
  const rootIndex = args.indexOf('--root');
  const root = resolve(rootIndex >= 0 ? args[rootIndex + 1] : join(__dirname, '..'));
  const check = args.includes('--check');
  const { changed } = generate(root, undefined, check);
  for (const file of changed) console.log(`${check ? 'out of date' : 'updated'}: ${file}`);
  if (!changed.length) console.log('up to date');
  process.exit(check && changed.length ? 1 : 0);
}
