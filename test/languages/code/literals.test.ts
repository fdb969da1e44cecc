import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { codeFrontEnd, CodeAnalyzer } from '../../../server/src/languages/code';
import { parse } from '../../../server/src/languages/code/ast';
import { collectEnumLiterals, mayHoldEnumLiterals } from '../../../server/src/languages/code/literals';
import type { CodeEnumLiteral } from '../../../rules/model';
import { analyzeText } from './helpers';

/** name/kind/owner/source/values of each list, and the 1-based line it starts on. */
function lists(text: string, path = '/virtual/lists.ts') {
  return collectEnumLiterals(parse(path, text, false)).map((l: CodeEnumLiteral) => ({
    name: l.name,
    kind: l.nameKind,
    owner: l.owner,
    source: l.source,
    values: l.values,
    line: l.loc.range.start.line + 1,
  }));
}

describe('code front-end: enum literal lists (CodeFile.enumLiterals)', () => {
  it('z.enum as a z.object property (seed 003), after method chains, and as a variable', () => {
    const text = [
      "import { z } from 'zod';",
      'export const goalCreateSchema = z.object({',
      "  title: z.string().min(1),",
      "  difficulty: z.enum(['easy', 'medium', 'hard', 'expert']),",
      "  priority: z.enum(['low', 'medium', 'high']).optional().default('medium'),",
      "  'status': z.enum([`active`, 'done'] as const),",
      '});',
      "export const difficultySchema = z.enum(['easy', 'hard']);",
      "export const schemas = { module: z.object({ category: z.enum(['a', 'b']) }) };",
    ].join('\n');
    assert.deepEqual(lists(text), [
      { name: 'difficulty', kind: 'property', owner: 'goalCreateSchema', source: 'z.enum', values: ['easy', 'medium', 'hard', 'expert'], line: 4 },
      { name: 'priority', kind: 'property', owner: 'goalCreateSchema', source: 'z.enum', values: ['low', 'medium', 'high'], line: 5 },
      { name: 'status', kind: 'property', owner: 'goalCreateSchema', source: 'z.enum', values: ['active', 'done'], line: 6 },
      { name: 'difficultySchema', kind: 'named', owner: undefined, source: 'z.enum', values: ['easy', 'hard'], line: 8 },
      { name: 'category', kind: 'property', owner: 'module', source: 'z.enum', values: ['a', 'b'], line: 9 },
    ]);
  });

  it('z.enum(LIST) takes the values of an `as const` array of the file; the array is a list of its own', () => {
    const text = [
      "import * as v from 'zod/v4';",
      'const schema = v.object({ level: v.enum(LEVELS) });',
      "export const LEVELS = ['beginner', 'expert'] as const;",
    ].join('\n');
    assert.deepEqual(lists(text), [
      { name: 'level', kind: 'property', owner: 'schema', source: 'z.enum', values: ['beginner', 'expert'], line: 2 },
      { name: 'LEVELS', kind: 'named', owner: undefined, source: 'as const', values: ['beginner', 'expert'], line: 3 },
    ]);
  });

  it('string unions: type aliases, interface, type-literal and class properties (null/undefined left out)', () => {
    const text = [
      "export type Difficulty = 'easy' | 'medium' | 'hard';",
      'export interface GoalInput {',
      "  priority?: 'low' | 'high' | null;",
      '  title: string;',
      '}',
      "type Props = { variant: ('primary' | 'ghost') | undefined };",
      'class Goal {',
      "  status: 'active' | 'done' = 'active';",
      '}',
    ].join('\n');
    assert.deepEqual(lists(text), [
      { name: 'Difficulty', kind: 'named', owner: undefined, source: 'union', values: ['easy', 'medium', 'hard'], line: 1 },
      { name: 'priority', kind: 'property', owner: 'GoalInput', source: 'union', values: ['low', 'high'], line: 3 },
      { name: 'variant', kind: 'property', owner: 'Props', source: 'union', values: ['primary', 'ghost'], line: 6 },
      { name: 'status', kind: 'property', owner: 'Goal', source: 'union', values: ['active', 'done'], line: 8 },
    ]);
  });

  it('not lists: other `.enum(` callees, mixed unions, one value, arrays without `as const`, non-string elements', () => {
    const text = [
      "import Joi from 'joi';",
      "const a = { status: Joi.enum(['a', 'b']), kind: schema.enum(['x', 'y']) };",
      "type T = 'a' | number;",
      "type One = 'only' | null;",
      "type Ref = Difficulty | 'other';",
      "const PLAIN = ['a', 'b'];",
      "const MIXED = ['a', 1] as const;",
      "const TEMPLATE = [`a${x}`, 'b'] as const;",
      "const z2 = z.enum([prefix + 'a', 'b']);",
      "const same = z.enum(['a', 'a']);",
      'const half = z.enum([',
    ].join('\n');
    assert.deepEqual(lists(text), []);
  });

  it('skips the walk when the text cannot hold a list', () => {
    assert.equal(mayHoldEnumLiterals("const a = 'x';\nexport function f(s: string) { return s === 'a' || s === 'b'; }"), false);
    assert.equal(mayHoldEnumLiterals("type A =\n  | 'a'\n  | 'b';"), true);
    assert.equal(mayHoldEnumLiterals('const X = [1] as const;'), true);
  });

  it('the analyzer puts them on the CodeFile, and leaves the field out when there are none', () => {
    const withLists = analyzeText(
      "import { prisma } from './db';\nimport { z } from 'zod';\nconst input = z.object({ role: z.enum(['guest', 'admin']) });\nexport const f = () => prisma.user.create({ data: input.parse({}) });\n",
    );
    assert.deepEqual(
      withLists.file.enumLiterals?.map((l) => [l.name, l.values]),
      [['role', ['guest', 'admin']]],
    );
    const without = analyzeText("import { prisma } from './db';\nexport const f = () => prisma.user.findMany({ take: 1 });\n");
    assert.equal('enumLiterals' in without.file, false);
  });

  it('an unchanged file keeps its CodeFile object; an edited list gives a new one', () => {
    const path = '/virtual/app.ts';
    let text = "import { prisma } from './db';\nimport { z } from 'zod';\nexport const s = z.object({ role: z.enum(['guest', 'admin']) });\n";
    const reader = { read: (p: string) => (p === path ? text : undefined) };
    const analyzer = new CodeAnalyzer();
    const first = analyzer.analyze([path], reader).codeFiles[0];
    assert.equal(analyzer.analyze([path], reader).codeFiles[0], first);
    text = text.replace("'admin'", "'admin', 'owner'");
    const edited = analyzer.analyze([path], reader).codeFiles[0];
    assert.notEqual(edited, first);
    assert.deepEqual(edited.enumLiterals?.[0].values, ['guest', 'admin', 'owner']);
  });

  it('discovery: a zod file with an enum joins the unit even when it imports no database module; its importers do not', () => {
    const files: Record<string, string> = {
      '/app/lib/db.ts': "import { PrismaClient } from '@prisma/client';\nexport const prisma = new PrismaClient();\n",
      '/app/lib/validation.ts': "import { z } from 'zod';\nexport const goalSchema = z.object({ difficulty: z.enum(['easy', 'hard']) });\n",
      '/app/components/GoalForm.tsx': "import { goalSchema } from '../lib/validation';\nexport const GoalForm = () => null;\n",
      '/app/lib/other-zod.ts': "import { z } from 'zod';\nexport const nameSchema = z.string();\n",
    };
    const reader = { read: (p: string) => files[p] };
    const units = codeFrontEnd.discover(Object.keys(files), reader);
    assert.deepEqual(units.map((u) => u.files), [['/app/lib/db.ts', '/app/lib/validation.ts']]);
    // Without any database code there is no unit at all.
    delete files['/app/lib/db.ts'];
    assert.deepEqual(codeFrontEnd.discover(Object.keys(files), reader), []);
  });
});
