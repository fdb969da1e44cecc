import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { codeFrontEnd } from '../../../server/src/languages/code';
import type { SourceReader } from '../../../server/src/languages/types';
import { applyEdits, syntaxErrors } from './helpers';

// A response sent through a helper imported from another module of the workspace (`import { sendCreated } from
// '../http/responses'`, a named or default export, possibly re-exported through an index file) is sent at the call,
// like one of the same file: the wrap would let the client hear of success before the commit. The helper's module is
// read for its syntax only, through the front-end's import resolution; an imported helper that does not send (it only
// logs) is no reason to refuse the wrap, and a module that cannot be found or re-exports in a cycle is not either.
const ROOT = '/virtual/shop';
const HANDLER_TS = `${ROOT}/src/routes/orders.ts`;
let HANDLER = HANDLER_TS;

function workspace(files: Record<string, string>) {
  const texts = new Map(Object.entries(files).map(([p, t]) => [`${ROOT}/${p}`, t]));
  const reader: SourceReader = { read: (p) => texts.get(p) };
  const codeFiles = [...texts.keys()].filter((p) => /\.[cm]?[jt]sx?$/.test(p));
  const analysis = codeFrontEnd.analyze({ language: 'code', id: 'code:/virtual/shop', files: codeFiles }, reader, { validation: false, databases: [] });
  return { analysis, reader, texts };
}

/** The wrap fix of the handler's two writes: the new text, or undefined when none is offered. */
function wrap(files: Record<string, string>): string | undefined {
  const { analysis, reader, texts } = workspace(files);
  const file = analysis.codeFiles.find((f) => f.file === HANDLER);
  assert.ok(file, 'handler analyzed');
  const writes = file.calls.filter((c) => c.kind === 'write');
  assert.equal(writes.length, 2);
  const edits = codeFrontEnd.writeFix({ kind: 'wrapInTransaction', file, calls: writes, transactionClient: 'tx' }, reader);
  if (!edits) return undefined;
  assert.equal(edits.length, 1);
  assert.equal(edits[0].file, HANDLER);
  const after = applyEdits(texts.get(HANDLER)!, edits[0].edits);
  assert.equal(syntaxErrors(HANDLER, after), 0, after);
  return after;
}

const DB = `import { PrismaClient } from '@prisma/client';
export const prisma = new PrismaClient();
`;

const EXPRESS_HANDLER = (importLine: string, call = 'sendCreated(res, order);') => `import type { Request, Response } from 'express';
${importLine}
import { prisma } from '../db';

export async function checkout(req: Request, res: Response) {
  const order = await prisma.order.create({ data: { userId: req.body.userId, status: 'new' } });
  ${call}
  await prisma.payment.create({ data: { orderId: order.id, state: 'pending' } });
}
`;

const RESPONSES = `import type { Response } from 'express';

export function sendCreated(res: Response, body: unknown) {
  res.status(201).json(body);
}

export const sendAccepted = (body: unknown, out: Response) => respond(out, 202, body);

function respond(r: Response, status: number, body: unknown) {
  return r.status(status).send(body);
}
`;

describe('wrapInTransaction and responses sent through an imported helper', () => {
  it('Express: `import { sendCreated } from "../http/responses"`, a named function export: no wrap', () => {
    const after = wrap({
      'src/db.ts': DB,
      'src/http/responses.ts': RESPONSES,
      'src/routes/orders.ts': EXPRESS_HANDLER(`import { sendCreated } from '../http/responses';`),
    });
    assert.equal(after, undefined);
  });

  it('a renamed import of an arrow export that sends through a helper of its own module: no wrap', () => {
    const after = wrap({
      'src/db.ts': DB,
      'src/http/responses.ts': RESPONSES,
      'src/routes/orders.ts': EXPRESS_HANDLER(
        `import { sendAccepted as accepted } from '../http/responses.js';`,
        'if (req.query.early) accepted(order, res);',
      ),
    });
    assert.equal(after, undefined);
  });

  it('re-exported through an index file (`export * from`, `export { x as y } from`): no wrap', () => {
    const files = {
      'src/db.ts': DB,
      'src/http/responses.ts': RESPONSES,
      'src/http/index.ts': `export * from './responses';\nexport { sendCreated as created } from './responses';\n`,
    };
    assert.equal(wrap({ ...files, 'src/routes/orders.ts': EXPRESS_HANDLER(`import { sendCreated } from '../http';`) }), undefined);
    assert.equal(
      wrap({ ...files, 'src/routes/orders.ts': EXPRESS_HANDLER(`import { created } from '../http';`, 'created(res, order);') }),
      undefined,
    );
  });

  it('a namespace import (`http.sendCreated(res, order)`): no wrap', () => {
    const after = wrap({
      'src/db.ts': DB,
      'src/http/responses.ts': RESPONSES,
      'src/routes/orders.ts': EXPRESS_HANDLER(`import * as http from '../http/responses';`, 'http.sendCreated(res, order);'),
    });
    assert.equal(after, undefined);
  });

  it('Fastify: a default-exported helper (`export default function` re-exported as a name, and `export default` of an arrow): no wrap', () => {
    const handler = (importLine: string, call: string) => `import type { FastifyReply, FastifyRequest } from 'fastify';
${importLine}
import { prisma } from '../db';

export async function createOrder(request: FastifyRequest<{ Body: { userId: string } }>, reply: FastifyReply) {
  const order = await prisma.order.create({ data: { userId: request.body.userId, status: 'new' } });
  ${call}
  await prisma.payment.create({ data: { orderId: order.id, state: 'pending' } });
}
`;
    const files = {
      'src/db.ts': DB,
      'src/http/created.ts': `import type { FastifyReply } from 'fastify';\n\nexport default (reply: FastifyReply, body: unknown) => reply.code(201).send(body);\n`,
      'src/http/accepted.ts': `import type { FastifyReply } from 'fastify';\n\nexport default function accepted(reply: FastifyReply, body: unknown) {\n  void reply.code(202).send(body);\n}\n`,
      'src/http/index.ts': `export { default as accepted } from './accepted';\n`,
    };
    assert.equal(wrap({ ...files, 'src/routes/orders.ts': handler(`import created from '../http/created';`, 'created(reply, order);') }), undefined);
    assert.equal(wrap({ ...files, 'src/routes/orders.ts': handler(`import { accepted } from '../http';`, 'accepted(reply, order);') }), undefined);
  });

  it('a tsconfig path alias (`@/http/responses`): no wrap', () => {
    const after = wrap({
      'tsconfig.json': `{ "compilerOptions": { "baseUrl": ".", "paths": { "@/*": ["src/*"] } } }`,
      'src/db.ts': DB,
      'src/http/responses.ts': RESPONSES,
      'src/routes/orders.ts': EXPRESS_HANDLER(`import { sendCreated } from '@/http/responses';`),
    });
    assert.equal(after, undefined);
  });

  it('an imported helper that only logs (reads `res.locals`, never sends): wrapped', () => {
    const after = wrap({
      'src/db.ts': DB,
      'src/lib/log.ts': `import type { Response } from 'express';

export function logOrder(res: Response, order: { id: string }) {
  console.log('order created', order.id, res.locals.requestId);
}
`,
      'src/routes/orders.ts': EXPRESS_HANDLER(`import { logOrder } from '../lib/log';`, 'logOrder(res, order);'),
    });
    assert.ok(after);
    assert.match(after, /prisma\.\$transaction\(async \(tx\) =>/);
    assert.match(after, /logOrder\(res, order\)/);
  });

  it('a helper given the response on another argument, a package import, a missing module, a re-export cycle: wrapped, no throw', () => {
    const files = {
      'src/db.ts': DB,
      'src/http/responses.ts': RESPONSES,
      'src/http/a.ts': `export * from './b';\nexport { ghost as phantom } from './a';\n`,
      'src/http/b.ts': `export * from './a';\n`,
    };
    const cases: [string, string][] = [
      [`import { sendAccepted } from '../http/responses';`, 'sendAccepted(res, order);'], // `res` lands on `body`
      [`import { sendJson } from 'express-helpers';`, 'sendJson(res, order);'],
      [`import { sendCreated } from '../http/missing';`, 'sendCreated(res, order);'],
      [`import { phantom } from '../http/a';`, 'phantom(res, order);'],
    ];
    for (const [importLine, call] of cases) {
      const after = wrap({ ...files, 'src/routes/orders.ts': EXPRESS_HANDLER(importLine, call) });
      assert.ok(after, importLine);
      assert.match(after, /prisma\.\$transaction\(async \(tx\) =>/);
    }
  });

  it('a helper module that is half-typed or not code at all: wrapped, no throw', () => {
    for (const text of [`export function sendCreated(res, body) {\n  res.status(201).json(body\n`, '\u0000\u0001PK\u0003\u0004 binary']) {
      const after = wrap({
        'src/db.ts': DB,
        'src/http/responses.ts': text,
        'src/routes/orders.ts': EXPRESS_HANDLER(`import { sendCreated } from '../http/responses';`),
      });
      // The half-typed helper still sends on its parameter: refusing is right there; binary text sends nothing.
      if (text.includes('json')) assert.equal(after, undefined);
      else assert.ok(after);
    }
  });

  it('CommonJS: `const { sendCreated } = require(…)`, `exports.x =`, `module.exports = { … }`, `module.exports = function`: no wrap', () => {
    HANDLER = `${ROOT}/src/routes/orders.js`;
    try {
      const handler = (requireLine: string, call: string) => `const prisma = require('../db');
${requireLine}

async function checkout(req, res) {
  const order = await prisma.order.create({ data: { userId: req.body.userId, status: 'new' } });
  ${call}
  await prisma.payment.create({ data: { orderId: order.id, state: 'pending' } });
}

module.exports = { checkout };
`;
      const files = {
        'src/db.js': `const { PrismaClient } = require('@prisma/client');\nconst prisma = new PrismaClient();\nmodule.exports = prisma;\n`,
        'src/http/responses.js': `function sendCreated(res, body) {\n  res.status(201).json(body);\n}\n\nmodule.exports = { sendCreated, sendOk: (res, body) => res.json(body) };\n`,
        'src/http/accepted.js': `exports.sendAccepted = function (res, body) {\n  res.status(202).json(body);\n};\n`,
        'src/http/respond.js': `module.exports = function respond(res, body) {\n  res.status(201).send(body);\n};\n`,
        'src/lib/log.js': `function logOrder(res, order) {\n  console.log('order', order.id, res.locals.requestId);\n}\n\nmodule.exports = { logOrder };\n`,
      };
      const cases: [string, string][] = [
        [`const { sendCreated } = require('../http/responses');`, 'sendCreated(res, order);'],
        [`const { sendOk: ok } = require('../http/responses');`, 'ok(res, order);'],
        [`const http = require('../http/responses');`, 'http.sendCreated(res, order);'],
        [`const { sendAccepted } = require('../http/accepted');`, 'sendAccepted(res, order);'],
        [`const respond = require('../http/respond');`, 'respond(res, order);'],
      ];
      for (const [requireLine, call] of cases) {
        assert.equal(wrap({ ...files, 'src/routes/orders.js': handler(requireLine, call) }), undefined, requireLine);
      }
      const after = wrap({ ...files, 'src/routes/orders.js': handler(`const { logOrder } = require('../lib/log');`, 'logOrder(res, order);') });
      assert.ok(after);
      assert.match(after, /prisma\.\$transaction\(async \(tx\) =>/);
    } finally {
      HANDLER = HANDLER_TS;
    }
  });
});
