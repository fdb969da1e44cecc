import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { codeFrontEnd } from '../../../server/src/languages/code';
import type { SourceReader } from '../../../server/src/languages/types';
import { applyEdits, syntaxErrors } from './helpers';

// A response sent through a helper that is a method of the controller class (`this.sendCreated(res, order)`, also
// one of the class it extends, of the file or imported) or a member of an object literal (`http.created(reply,
// order)` with `const http = { created(reply, body) { … } }` of the file, or an exported object imported by name or
// as a default) is sent at the call, like `res.json(…)`: the wrap would let the client hear of success before the
// commit. A member that only reads the response, or that cannot be found, is no reason to refuse the wrap.
const ROOT = '/virtual/shop';

function workspace(files: Record<string, string>) {
  const texts = new Map(Object.entries(files).map(([p, t]) => [`${ROOT}/${p}`, t]));
  const reader: SourceReader = { read: (p) => texts.get(p) };
  const codeFiles = [...texts.keys()].filter((p) => /\.[cm]?[jt]sx?$/.test(p));
  const analysis = codeFrontEnd.analyze({ language: 'code', id: 'code:/virtual/shop/members', files: codeFiles }, reader, { validation: false, databases: [] });
  return { analysis, reader, texts };
}

/** The wrap fix of the two writes of `fnName` in `handler`: the new text, or undefined when none is offered. */
function wrap(files: Record<string, string>, handler: string, fnName?: string): string | undefined {
  const { analysis, reader, texts } = workspace(files);
  const path = `${ROOT}/${handler}`;
  const file = analysis.codeFiles.find((f) => f.file === path);
  assert.ok(file, 'handler analyzed');
  const writes = file.calls.filter((c) => c.kind === 'write' && (!fnName || c.enclosingFunction?.endsWith(fnName)));
  assert.equal(writes.length, 2, JSON.stringify(file.calls.map((c) => [c.enclosingFunction, c.operation])));
  const edits = codeFrontEnd.writeFix({ kind: 'wrapInTransaction', file, calls: writes, transactionClient: 'tx' }, reader);
  if (!edits) return undefined;
  const after = applyEdits(texts.get(path)!, edits[0].edits);
  assert.equal(syntaxErrors(path, after), 0, after);
  return after;
}

const DB = `import { PrismaClient } from '@prisma/client';
export const prisma = new PrismaClient();
`;

const EXPRESS_CONTROLLER = (call: string, helpers: string) => `import type { Request, Response } from 'express';
import { prisma } from '../db';

export class OrdersController {
  checkout = async (req: Request, res: Response) => {
    const order = await prisma.order.create({ data: { userId: req.body.userId, status: 'new' } });
    ${call}
    await prisma.payment.create({ data: { orderId: order.id, state: 'pending' } });
  };
${helpers}
}
`;

describe('wrapInTransaction and responses sent through a method of the controller class', () => {
  it('Express controller class: `this.sendCreated(res, order)`, a private method or an arrow property: no wrap', () => {
    const method = `
  private sendCreated(res: Response, body: unknown) {
    res.status(201).json(body);
  }`;
    const arrow = `
  private readonly sendCreated = (res: Response, body: unknown) => this.respond(res, 201, body);

  private respond(res: Response, status: number, body: unknown) {
    return res.status(status).json(body);
  }`;
    for (const helpers of [method, arrow]) {
      const files = { 'src/db.ts': DB, 'src/controllers/orders.controller.ts': EXPRESS_CONTROLLER('this.sendCreated(res, order);', helpers) };
      assert.equal(wrap(files, 'src/controllers/orders.controller.ts'), undefined, helpers);
    }
  });

  it('a method of the base controller, in the same file or imported (through an index file): no wrap', () => {
    const base = `import type { Response } from 'express';

export abstract class BaseController {
  protected created(res: Response, body: unknown) {
    return res.status(201).json({ data: body });
  }
}
`;
    const controller = (importLine: string) => `import type { Request, Response } from 'express';
${importLine}
import { prisma } from '../db';

export class OrdersController extends BaseController {
  async checkout(req: Request, res: Response) {
    const order = await prisma.order.create({ data: { userId: req.body.userId, status: 'new' } });
    this.created(res, order);
    await prisma.payment.create({ data: { orderId: order.id, state: 'pending' } });
  }
}
`;
    const files = { 'src/db.ts': DB, 'src/controllers/base.controller.ts': base, 'src/controllers/index.ts': `export { BaseController } from './base.controller';\n` };
    const path = 'src/controllers/orders.controller.ts';
    assert.equal(wrap({ ...files, [path]: controller(`import { BaseController } from './base.controller';`) }, path), undefined);
    assert.equal(wrap({ ...files, [path]: controller(`import { BaseController } from '.';`) }, path), undefined);
    const sameFile = controller('').replace('export class OrdersController', `${base.split('\n').slice(2).join('\n')}\nexport class OrdersController`);
    assert.equal(wrap({ 'src/db.ts': DB, [path]: sameFile }, path), undefined);
  });

  it('NestJS controller with `@Res() res: Response` and a private reply helper: no wrap', () => {
    const files = {
      'src/prisma/prisma.service.ts': `import { Injectable, OnModuleInit } from '@nestjs/common';
import { PrismaClient } from '@prisma/client';

@Injectable()
export class PrismaService extends PrismaClient implements OnModuleInit {
  async onModuleInit() {
    await this.$connect();
  }
}
`,
      'src/orders/orders.controller.ts': `import { Body, Controller, HttpStatus, Post, Res } from '@nestjs/common';
import type { Response } from 'express';
import { PrismaService } from '../prisma/prisma.service';

@Controller('orders')
export class OrdersController {
  constructor(private readonly prisma: PrismaService) {}

  @Post()
  async create(@Body() dto: { userId: string }, @Res() res: Response) {
    const order = await this.prisma.order.create({ data: { userId: dto.userId, status: 'new' } });
    this.reply(res, HttpStatus.CREATED, order);
    await this.prisma.payment.create({ data: { orderId: order.id, state: 'pending' } });
  }

  private reply(res: Response, status: number, body: unknown) {
    res.status(status).json(body);
  }
}
`,
    };
    assert.equal(wrap(files, 'src/orders/orders.controller.ts'), undefined);
  });

  it('a method that only reads the response, a static method, a missing method, a function with its own `this`: wrapped', () => {
    const cases: [string, string][] = [
      ['this.audit(res, order);', `
  private audit(res: Response, order: { id: string }) {
    console.info('order created', order.id, res.locals.requestId);
  }`],
      ['this.sendCreated(res, order);', `
  static sendCreated(res: Response, body: unknown) {
    res.status(201).json(body);
  }`],
      ['this.sendCreated(res, order);', ''],
      ['[order].forEach(function (this: { sendCreated(r: Response, o: unknown): void }, o) { this.sendCreated(res, o); }, notifier);', `
  private sendCreated(res: Response, body: unknown) {
    res.status(201).json(body);
  }`],
    ];
    for (const [call, helpers] of cases) {
      const text = EXPRESS_CONTROLLER(call, helpers).replace(`import { prisma } from '../db';`, `import { prisma } from '../db';\nimport { notifier } from '../notifier';`);
      const after = wrap({ 'src/db.ts': DB, 'src/controllers/orders.controller.ts': text }, 'src/controllers/orders.controller.ts');
      assert.ok(after, call + helpers);
      assert.match(after, /prisma\.\$transaction\(async \(tx\) =>/);
    }
  });
});

const FASTIFY_ROUTE = (importLine: string, call: string) => `import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
${importLine}
import { prisma } from '../db';

export default async function orderRoutes(app: FastifyInstance) {
  app.post('/orders', async (request: FastifyRequest<{ Body: { userId: string } }>, reply: FastifyReply) => {
    const order = await prisma.order.create({ data: { userId: request.body.userId, status: 'new' } });
    ${call}
    await prisma.payment.create({ data: { orderId: order.id, state: 'pending' } });
  });
}
`;

describe('wrapInTransaction and responses sent through a member of an object', () => {
  it('a same-file object literal: a method, an arrow property, a shorthand function, a method calling `this.send`: no wrap', () => {
    const helpers = `
function sendAccepted(rep: FastifyReply, body: unknown) {
  void rep.code(202).send(body);
}

const http = Object.freeze({
  created(rep: FastifyReply, body: unknown) {
    return this.send(rep, 201, body);
  },
  send(rep: FastifyReply, status: number, body: unknown) {
    return rep.code(status).send(body);
  },
  ok: (rep: FastifyReply, body: unknown) => rep.send(body),
  sendAccepted,
});
`;
    for (const call of ['http.created(reply, order);', 'http.ok(reply, order);', 'http.sendAccepted(reply, order);']) {
      const text = FASTIFY_ROUTE('', call).replace(`import { prisma } from '../db';\n`, `import { prisma } from '../db';\n${helpers}`);
      assert.equal(wrap({ 'src/db.ts': DB, 'src/routes/orders.ts': text }, 'src/routes/orders.ts'), undefined, call);
    }
  });

  it('Fastify: an exported object imported by name, as a default (`export default { created }`), through `export { … } from`: no wrap', () => {
    const files = {
      'src/db.ts': DB,
      'src/http/replies.ts': `import type { FastifyReply } from 'fastify';

export const replies = {
  created(reply: FastifyReply, body: unknown) {
    return reply.code(201).send({ data: body });
  },
  noContent: (reply: FastifyReply) => reply.code(204).send(),
};
`,
      'src/http/default-replies.ts': `import type { FastifyReply } from 'fastify';

function created(reply: FastifyReply, body: unknown) {
  return reply.code(201).send({ data: body });
}

export default { created };
`,
      'src/http/index.ts': `export { replies as http } from './replies';\n`,
    };
    const cases: [string, string][] = [
      [`import { replies } from '../http/replies';`, 'replies.created(reply, order);'],
      [`import { replies as r } from '../http/replies.js';`, 'r.noContent(reply);'],
      [`import respond from '../http/default-replies';`, 'respond.created(reply, order);'],
      [`import { http } from '../http';`, 'http.created(reply, order);'],
    ];
    for (const [importLine, call] of cases) {
      assert.equal(wrap({ ...files, 'src/routes/orders.ts': FASTIFY_ROUTE(importLine, call) }, 'src/routes/orders.ts'), undefined, importLine);
    }
  });

  it('CommonJS: `module.exports = { http: { … } }` destructured by `require`: no wrap', () => {
    const files = {
      'src/db.ts': DB,
      'src/http/index.js': `module.exports = {\n  http: {\n    created(reply, body) {\n      return reply.code(201).send(body);\n    },\n  },\n};\n`,
    };
    const after = wrap({ ...files, 'src/routes/orders.ts': FASTIFY_ROUTE(`const { http } = require('../http');`, 'http.created(reply, order);') }, 'src/routes/orders.ts');
    assert.equal(after, undefined);
  });

  it('a member that only logs, a missing member, an object with a spread, a parameter of that name: wrapped', () => {
    const files = {
      'src/db.ts': DB,
      'src/http/replies.ts': `import type { FastifyReply } from 'fastify';
import { base } from './base';

export const replies = {
  logCreated(reply: FastifyReply, body: { id: string }) {
    reply.log.info({ id: body.id }, 'order created');
  },
};

export const merged = {
  ...base,
};
`,
      'src/http/base.ts': `export const base = { created: (reply: any, body: unknown) => reply.code(201).send(body) };\n`,
    };
    const cases: [string, string][] = [
      [`import { replies } from '../http/replies';`, 'replies.logCreated(reply, order);'],
      [`import { replies } from '../http/replies';`, 'replies.created(reply, order);'],
      [`import { merged } from '../http/replies';`, 'merged.created(reply, order);'],
      [`import { replies } from '../http/replies';`, '[replies].forEach((replies) => replies.created(reply, order));'],
    ];
    for (const [importLine, call] of cases) {
      const after = wrap({ ...files, 'src/routes/orders.ts': FASTIFY_ROUTE(importLine, call) }, 'src/routes/orders.ts');
      assert.ok(after, call);
      assert.match(after, /prisma\.\$transaction\(async \(tx\) =>/);
    }
  });

  it('an instance of a responder class: module-level, exported (`export const`, `export default new …`), injected, a property: no wrap', () => {
    const RESPONDER = `import type { Response } from 'express';

export class Responder {
  created(res: Response, body: unknown) {
    this.write(res, 201, body);
  }

  logged(res: Response, body: { id: string }) {
    console.info('order', body.id, res.locals.requestId);
  }

  private write(res: Response, status: number, body: unknown) {
    res.status(status).json({ data: body });
  }
}

export const responder = new Responder();
`;
    const files = { 'src/db.ts': DB, 'src/http/responder.ts': RESPONDER, 'src/http/default-responder.ts': `import { Responder } from './responder';\n\nexport default new Responder();\n` };
    const route = (importLine: string, call: string) => EXPRESS_CONTROLLER(call, '').replace(`import { prisma } from '../db';`, `import { prisma } from '../db';\n${importLine}`);
    const controller = (members: string, call: string) => EXPRESS_CONTROLLER(call, '')
      .replace(`import { prisma } from '../db';`, `import { prisma } from '../db';\nimport { Responder } from '../http/responder';`)
      .replace('export class OrdersController {', `export class OrdersController {\n${members}`);
    const path = 'src/controllers/orders.controller.ts';
    const refused: string[] = [
      route(`import { responder } from '../http/responder';`, 'responder.created(res, order);'),
      route(`import respond from '../http/default-responder';`, 'respond.created(res, order);'),
      route(`import { Responder } from '../http/responder';\nconst local = new Responder();`, 'local.created(res, order);'),
      controller('  constructor(private readonly responses: Responder) {}\n', 'this.responses.created(res, order);'),
      controller('  private readonly responses = new Responder();\n', 'this.responses.created(res, order);'),
    ];
    for (const text of refused) assert.equal(wrap({ ...files, [path]: text }, path), undefined, text);
    const wrapped: string[] = [
      route(`import { responder } from '../http/responder';`, 'responder.logged(res, order);'),
      controller('  constructor(private readonly responses: { created(res: Response, body: unknown): void }) {}\n', 'this.responses.created(res, order);'),
      controller('  constructor(responses: Responder) {}\n', 'this.responses.created(res, order);'),
    ];
    for (const text of wrapped) {
      const after = wrap({ ...files, [path]: text }, path);
      assert.ok(after, text);
      assert.match(after, /prisma\.\$transaction\(async \(tx\) =>/);
    }
  });

  it('cyclic `extends`, a class extending itself through imports, half-typed helper modules: wrapped, no throw', () => {
    const files = {
      'src/db.ts': DB,
      'src/controllers/a.ts': `import { B } from './b';\nexport class A extends B {}\n`,
      'src/controllers/b.ts': `import { A } from './a';\nexport class B extends A {}\n`,
      'src/http/broken.ts': `export const http = {\n  created(res, body) {\n    res.status(201).json(body\n`,
    };
    const path = 'src/controllers/orders.controller.ts';
    const texts = [
      EXPRESS_CONTROLLER('this.created(res, order);', '').replace(`import { prisma } from '../db';`, `import { prisma } from '../db';\nimport { A } from './a';`).replace('export class OrdersController {', 'export class OrdersController extends A {'),
      EXPRESS_CONTROLLER('this.created(res, order);', '').replace('export class OrdersController {', 'class Loop extends OrdersController {}\nexport class OrdersController extends Loop {'),
    ];
    for (const text of texts) {
      const after = wrap({ ...files, [path]: text }, path);
      assert.ok(after);
    }
    // The half-typed module still sends on its parameter: refusing there is right.
    const broken = EXPRESS_CONTROLLER('http.created(res, order);', '').replace(`import { prisma } from '../db';`, `import { prisma } from '../db';\nimport { http } from '../http/broken';`);
    assert.equal(wrap({ ...files, [path]: broken }, path), undefined);
  });
});
