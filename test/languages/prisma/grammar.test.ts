import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ruleMetas } from '../../../rules/index';

const root = join(__dirname, '../../..');
type Grammar = { scopeName: string; patterns: unknown[]; repository: Record<string, unknown>; injectionSelector?: string };
const load = (name: string) => JSON.parse(readFileSync(join(root, 'syntaxes', name), 'utf8')) as Grammar;

function regexes(node: unknown, out: string[] = []): string[] {
  if (Array.isArray(node)) node.forEach((n) => regexes(n, out));
  else if (node && typeof node === 'object') {
    for (const [k, v] of Object.entries(node)) {
      if ((k === 'match' || k === 'begin' || k === 'end') && typeof v === 'string') out.push(v);
      else regexes(v, out);
    }
  }
  return out;
}

test('Prisma grammar: scope, every include resolves, every regex compiles', () => {
  const g = load('prisma.tmLanguage.json');
  assert.equal(g.scopeName, 'source.prisma');
  const includes = JSON.stringify(g).match(/"include":"#([^"]+)"/g) ?? [];
  for (const inc of includes) assert.ok(g.repository[inc.slice(12, -1)], inc);
  const all = regexes(g);
  assert.ok(all.length > 20);
  for (const r of all) assert.doesNotThrow(() => new RegExp(r), r);
});

test('Prisma grammar: the field and attribute rules match real lines', () => {
  const g = load('prisma.tmLanguage.json');
  const repo = g.repository as Record<string, { begin?: string; match?: string; patterns?: Array<{ match?: string }> }>;
  const field = new RegExp(repo['field'].begin!);
  assert.ok(field.test('  event Event @relation(fields: [eventId], references: [id])'));
  const attr = new RegExp(repo['field-attribute'].begin!);
  assert.equal(attr.exec('id String @db.VarChar(16)')?.[2], 'db.VarChar');
  const block = new RegExp(repo['model-block'].begin!);
  assert.equal(block.exec('model SignalTrade {')?.[2], 'SignalTrade');
  const prim = new RegExp(repo['field-type'].patterns![0].match!);
  assert.equal(prim.exec('  exitPrice Float?')?.[3], '?');
});

test('ignore-comment injection: into comments, highlights every registered rule id', () => {
  const g = load('schema-review-ignore.injection.json');
  assert.match(g.injectionSelector ?? '', /comment/);
  const directive = g.repository['directive'] as { begin: string; patterns: Array<{ match: string }> };
  assert.equal(new RegExp(directive.begin).exec('// schema-review-ignore-file backup-table')?.[1], 'schema-review-ignore-file');
  const ids = new RegExp(directive.patterns[0].match);
  for (const meta of ruleMetas()) assert.ok(ids.test(meta.id), `rule id ${meta.id} is not highlighted`);
});
