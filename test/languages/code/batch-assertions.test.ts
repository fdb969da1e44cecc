import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { codeFrontEnd } from '../../../server/src/languages/code';
import { analyzeFixture, analyzeText, applyEdits, applyFix, codeFile, FIXTURES, syntaxErrors, typecheck } from './helpers';

const DRIZZLE_APP = `${FIXTURES}/drizzle-app`;

describe('batchQueryInLoop keeps the key as written (`trade.strategyId!`, `as string`)', () => {
  it('Drizzle: a nullable foreign key with `!` keeps its `!` in the keys and the lookup, and the project type-checks', () => {
    const file = `${DRIZZLE_APP}/server/storage.ts`;
    const extra = [
      '',
      'export async function recentTradesWithStrategy() {',
      '  const rows = await db.select().from(trades).orderBy(desc(trades.executedAt)).limit(50);',
      '  const enriched = [];',
      '  for (const trade of rows) {',
      '    const [strategy] = await db.select().from(strategies).where(eq(strategies.id, trade.strategyId!));',
      '    enriched.push({ ...trade, strategyName: strategy?.name });',
      '  }',
      '  return enriched;',
      '}',
      '',
    ].join('\n');
    const overrides = new Map([[file, readFileSync(file, 'utf8') + extra]]);
    const { analysis, reader } = analyzeFixture(DRIZZLE_APP, [], overrides);
    const f = codeFile(analysis.codeFiles, 'server/storage.ts');
    const call = f.calls.find((c) => c.enclosingFunction === 'recentTradesWithStrategy' && c.loop);
    assert.ok(call);
    const fixed = applyFix(codeFrontEnd.writeFix({ kind: 'batchQueryInLoop', file: f, call }, reader), overrides);
    const after = fixed.get(file)!;
    assert.equal(syntaxErrors(file, after), 0);
    assert.ok(after.includes('.where(inArray(strategies.id, Array.from(rows, (trade) => trade.strategyId!)));'), after);
    assert.ok(after.includes('const strategy = strategyById.get(trade.strategyId!)!;'), after);
    assert.deepEqual(typecheck(DRIZZLE_APP, fixed), []);
  });

  it('Prisma: `{ where: { id: order.userId as string } }` keeps the assertion', () => {
    const text = [
      "import { PrismaClient } from '@prisma/client';",
      'const prisma = new PrismaClient();',
      '',
      'export async function buyers(orders: { userId: string | null }[]) {',
      '  const names: string[] = [];',
      '  for (const order of orders) {',
      '    const user = await prisma.user.findUnique({ where: { id: order.userId as string } });',
      "    names.push(user?.email ?? '');",
      '  }',
      '  return names;',
      '}',
      '',
    ].join('\n');
    const { file, reader } = analyzeText(text);
    const edits = codeFrontEnd.writeFix({ kind: 'batchQueryInLoop', file, call: file.calls[0] }, reader);
    assert.ok(edits);
    const after = applyEdits(text, edits[0].edits);
    assert.ok(after.includes('where: { id: { in: Array.from(orders, (order) => order.userId as string) } }'), after);
    assert.ok(after.includes('const user = userById.get(order.userId as string) ?? null;'), after);
  });
});
