import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { codeFrontEnd } from '../../../server/src/languages/code';
import { analyzeText, applyEdits, syntaxErrors } from './helpers';

// A response sent through a helper of the same file (`sendCreated(res, order)` whose body runs
// `res.status(201).json(…)`) is sent at the call, like `res.json(…)` itself: inside a transaction the client would
// hear of success before the commit. A helper that only reads the response, or gets something else, is no reason
// to refuse the wrap.
function wrap(text: string, path = '/virtual/src/routes/orders.ts') {
  const { file, reader } = analyzeText(text, path);
  const writes = file.calls.filter((c) => c.kind === 'write');
  assert.equal(writes.length, 2);
  const edits = codeFrontEnd.writeFix({ kind: 'wrapInTransaction', file, calls: writes, transactionClient: 'tx' }, reader);
  const after = edits ? applyEdits(text, edits[0].edits) : undefined;
  if (after) assert.equal(syntaxErrors(path, after), 0, after);
  return after;
}

const HEAD = `import type { Request, Response } from 'express';
import { PrismaClient } from '@prisma/client';
const prisma = new PrismaClient();
`;

describe('wrapInTransaction and responses sent through a helper of the file', () => {
  it('Express: `sendCreated(res, order)` between the writes, the helper a function declaration: no wrap', () => {
    const after = wrap(`${HEAD}
function sendCreated(res: Response, body: unknown) {
  res.status(201).json(body);
}

export async function checkout(req: Request, res: Response) {
  const order = await prisma.order.create({ data: { userId: req.body.userId, status: 'new' } });
  sendCreated(res, order);
  await prisma.payment.create({ data: { orderId: order.id, state: 'pending' } });
}
`);
    assert.equal(after, undefined);
  });

  it('an arrow helper declared after the handler, the response second, reached through another helper: no wrap', () => {
    const after = wrap(`${HEAD}
export async function checkout(req: Request, res: Response) {
  const order = await prisma.order.create({ data: { userId: req.body.userId, status: 'new' } });
  if (req.query.early) created(order, res);
  await prisma.payment.create({ data: { orderId: order.id, state: 'pending' } });
}

const created = (body: unknown, out: Response) => respond(out, 201, body);

function respond(r: Response, status: number, body: unknown) {
  return r.status(status).send(body);
}
`);
    assert.equal(after, undefined);
  });

  it('a helper that only reads the response (`wantsJson(res)`), or sends on another argument: wrapped', () => {
    const after = wrap(`${HEAD}
function wantsJson(res: Response) {
  return res.locals.format === 'json';
}

function notify(channel: { send(x: unknown): void }, body: unknown) {
  channel.send(body);
}

export async function checkout(req: Request, res: Response) {
  const order = await prisma.order.create({ data: { userId: req.body.userId, status: 'new' } });
  if (wantsJson(res)) notify(req.app.locals.channel, order);
  await prisma.payment.create({ data: { orderId: order.id, state: 'pending' } });
  res.status(201).json(order);
}
`);
    assert.ok(after);
    assert.match(after, /prisma\.\$transaction\(async \(tx\) =>/);
    assert.match(after, /wantsJson\(res\)/);
  });
});
