import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { analyzeText } from './helpers';

/** `resultAggregatedInMemory` of each read, as `function: how@line(fields)` (1-based lines). */
function aggregates(body: string[]): string[] {
  const text = ["import { PrismaClient } from '@prisma/client';", 'import _ from "lodash";', 'const prisma = new PrismaClient();', ...body, ''].join('\n');
  const { file } = analyzeText(text);
  assert.ok(file);
  return file.calls
    .filter((c) => c.kind === 'read')
    .flatMap((c) =>
      (c.resultAggregatedInMemory ?? []).map((u) => `${c.enclosingFunction}: ${u.how}@${u.loc.range.start.line + 1}${u.fields.length ? `(${u.fields.join(',')})` : ''}`),
    );
}

describe('code facts: rows aggregated in memory (resultAggregatedInMemory)', () => {
  it('reduce into a number or an object of numbers; not a reduce that builds a lookup', () => {
    assert.deepEqual(
      aggregates([
        'export async function avg(productId: string) {',
        '  const all = await prisma.rating.findMany({ where: { productId } });',
        '  return all.reduce((s, r) => s + r.stars, 0);',
        '}',
        'export async function both() {',
        '  const rows = await prisma.order.findMany({ where: { paid: true } });',
        '  return rows.reduce((acc, o) => ({ sum: acc.sum + Number(o.total), n: acc.n + 1 }), { sum: 0, n: 0 });',
        '}',
        'export async function byId() {',
        '  const rows = await prisma.order.findMany({ where: { paid: true } });',
        '  return rows.reduce((acc, o) => { acc[o.id] = o; return acc; }, {} as Record<string, unknown>);',
        '}',
      ]),
      ['avg: reduce@6(stars)', 'both: reduce@10(total)'],
    );
  });

  it('.length read as a count; not an emptiness test, a bound, an index or a log line', () => {
    assert.deepEqual(
      aggregates([
        'export async function counts(userId: string) {',
        '  const rows = await prisma.order.findMany({ where: { userId } });',
        '  if (!rows.length) return null;',
        '  if (rows.length === 0 || rows.length > 0) console.log(`${rows.length} orders`);',
        '  for (let i = 0; i < rows.length; i++) console.log(rows[rows.length - 1 - i]);',
        '  const n = rows.length;',
        '  return { n, label: `${rows.length} orders`, half: rows.length / 2, any: rows.length ? 1 : 0 };',
        '}',
        'export async function direct() {',
        '  return (await prisma.user.findMany({ where: { banned: false } })).length;',
        '}',
      ]),
      ['counts: length@9', 'counts: length@10', 'counts: length@10', 'direct: length@13'],
    );
  });

  it('sum/mean helpers and loops that only add up; not a loop that collects rows', () => {
    assert.deepEqual(
      aggregates([
        'export async function totals() {',
        '  const orders = await prisma.order.findMany({ where: { paid: true } });',
        '  let revenue = 0;',
        '  let big = 0;',
        '  for (const o of orders) {',
        '    revenue += o.total.toNumber();',
        '    if (o.total.toNumber() > 100) big++;',
        '  }',
        '  const stats = { best: 0 };',
        '  orders.forEach((o) => { stats.best = Math.max(stats.best, Number(o.total)); });',
        "  return { revenue, big, stats, mean: _.meanBy(orders, 'total') };",
        '}',
        'export async function list() {',
        '  const orders = await prisma.order.findMany({ where: { paid: true } });',
        '  const out: string[] = [];',
        '  let n = 0;',
        '  for (const o of orders) { out.push(o.id); n++; }',
        '  orders.forEach((o) => console.log(o.id));',
        '  return Math.max(...orders.map((o) => Number(o.total)), n) + out.length;',
        '}',
      ]),
      ['totals: for-of@8(total)', 'totals: forEach@13(total)', 'totals: meanBy@14(total)'],
    );
  });
});
