import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { codeFrontEnd } from '../../../server/src/languages/code';
import { analyzeText, applyEdits, syntaxErrors } from './helpers';

// Express, Next.js pages API routes, Fastify and node:http send the response at the call (`res.json(…)`,
// `reply.send(…)`, `res.end()`), returned or not: inside a transaction callback the client hears of success
// before the commit, and a failed commit is then unreported (or a second response throws
// ERR_HTTP_HEADERS_SENT). Hono's `c.json(…)`, `NextResponse.json(…)`, `Response.json(…)` only build a
// value the framework sends once the handler returns, and Koa writes `ctx.body` after the middleware
// chain resolves: both after the commit.
function wrap(text: string, path = '/virtual/src/routes/signup.ts') {
  const { file, reader } = analyzeText(text, path);
  const writes = file.calls.filter((c) => c.kind === 'write');
  assert.equal(writes.length, 2);
  const edits = codeFrontEnd.writeFix({ kind: 'wrapInTransaction', file, calls: writes, transactionClient: 'tx' }, reader);
  const after = edits ? applyEdits(text, edits[0].edits) : undefined;
  if (after) assert.equal(syntaxErrors(path, after), 0, after);
  return after;
}

describe('wrapInTransaction never sends an HTTP response inside the transaction', () => {
  it('Express: an early `return res.status(400).json(…)` runs the range to `res.status(201).json(user)`: no wrap', () => {
    const after = wrap(`import express, { type Request, type Response } from 'express';
import { PrismaClient } from '@prisma/client';
const prisma = new PrismaClient();
export const router = express.Router();

router.post('/signup', async (req: Request, res: Response) => {
  const user = await prisma.user.create({ data: { email: req.body.email } });
  if (!user.email) {
    return res.status(400).json({ error: 'missing email' });
  }
  await prisma.account.create({ data: { userId: user.id, provider: 'email' } });
  res.status(201).json(user);
});
`);
    assert.equal(after, undefined);
  });

  it('Express: a response sent between the two writes: no wrap', () => {
    const after = wrap(`import type { Request, Response } from 'express';
import { PrismaClient } from '@prisma/client';
const prisma = new PrismaClient();

export async function enroll(req: Request, res: Response) {
  const enrollment = await prisma.enrollment.create({ data: { userId: req.body.userId, courseId: req.params.courseId } });
  res.status(201).json(enrollment);
  await prisma.notification.create({ data: { userId: req.body.userId, kind: 'enrolled' } });
}
`);
    assert.equal(after, undefined);
  });

  it('Next.js pages API route: `res.redirect(303, …)` after an early `return res.status(405).end()`: no wrap', () => {
    const after = wrap(`import type { NextApiRequest, NextApiResponse } from 'next';
import { PrismaClient } from '@prisma/client';
const prisma = new PrismaClient();

export default async function handler(req: NextApiRequest, res: NextApiResponse) {
  const post = await prisma.content.create({ data: { title: String(req.body.title), authorId: String(req.body.authorId) } });
  if (req.method !== 'POST') return res.status(405).end();
  await prisma.auditLog.create({ data: { userId: post.authorId, action: 'create', entity: 'content', entityId: post.id } });
  res.redirect(303, \`/posts/\${post.id}\`);
}
`, '/virtual/pages/api/posts.ts');
    assert.equal(after, undefined);
  });

  it('Fastify: `return reply.code(201).send(…)` (sent at the call, returned or not): no wrap', () => {
    const after = wrap(`import Fastify from 'fastify';
import { PrismaClient } from '@prisma/client';
const prisma = new PrismaClient();
const app = Fastify();

app.post('/lessons/:id/complete', async (request, reply) => {
  const { id } = request.params as { id: string };
  const progress = await prisma.lessonProgress.create({ data: { lessonId: id, userId: 'u1' } });
  if (!progress) return reply.code(404).send({ error: 'no lesson' });
  await prisma.certificate.create({ data: { userId: 'u1', courseId: id } });
  return reply.code(201).send(progress);
});
`);
    assert.equal(after, undefined);
  });

  it('node:http: `res.writeHead(201)` + `res.end(…)` inside the range: no wrap', () => {
    const after = wrap(`import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { PrismaClient } from '@prisma/client';
const prisma = new PrismaClient();

async function handle(req: IncomingMessage, res: ServerResponse) {
  const user = await prisma.user.create({ data: { email: String(req.headers['x-email']) } });
  if (!user) return;
  await prisma.session.create({ data: { userId: user.id, token: crypto.randomUUID() } });
  res.writeHead(201, { 'content-type': 'application/json' });
  res.end(JSON.stringify(user));
}

createServer((req, res) => void handle(req, res)).listen(3000);
`);
    assert.equal(after, undefined);
  });

  it('Express: a response after the writes with no return in the range stays outside the transaction', () => {
    const after = wrap(`import type { Request, Response } from 'express';
import { PrismaClient } from '@prisma/client';
const prisma = new PrismaClient();

export async function signup(req: Request, res: Response) {
  const user = await prisma.user.create({ data: { email: req.body.email } });
  await prisma.account.create({ data: { userId: user.id, provider: 'email' } });
  res.status(201).json(user);
}
`);
    assert.ok(after);
    assert.ok(after.includes('    return user;\n  });\n  res.status(201).json(user);\n}'), after);
  });

  it('Hono: `return c.json(…, 201)` is only sent once the handler returns: wrapped', () => {
    const after = wrap(`import { Hono } from 'hono';
import { PrismaClient } from '@prisma/client';
const prisma = new PrismaClient();
export const app = new Hono();

app.post('/signup', async (c) => {
  const { email } = await c.req.json<{ email: string }>();
  const user = await prisma.user.create({ data: { email } });
  if (!user.email) return c.json({ error: 'missing email' }, 400);
  await prisma.account.create({ data: { userId: user.id, provider: 'email' } });
  return c.json(user, 201);
});
`);
    assert.ok(after);
    assert.ok(after.includes('  return await prisma.$transaction(async (tx) => {'), after);
    assert.ok(after.includes('    return c.json(user, 201);\n  });'), after);
  });

  it('Next.js route handler: `return NextResponse.json(…)` is a value: wrapped', () => {
    const after = wrap(`import { NextResponse } from 'next/server';
import { PrismaClient } from '@prisma/client';
const prisma = new PrismaClient();

export async function POST(request: Request, { params }: { params: { id: string } }) {
  const view = await prisma.videoView.create({ data: { videoId: params.id } });
  if (!view) return NextResponse.json({ error: 'not found' }, { status: 404 });
  await prisma.notification.create({ data: { userId: 'owner', kind: 'view' } });
  return NextResponse.json(view, { status: 201 });
}
`, '/virtual/app/api/videos/[id]/views/route.ts');
    assert.ok(after);
    assert.ok(after.includes('    return NextResponse.json(view, { status: 201 });\n  });'), after);
  });

  it('Koa: `ctx.body = …` is written after the middleware resolves (after the commit): wrapped', () => {
    const after = wrap(`import Router from '@koa/router';
import type { Context } from 'koa';
import { PrismaClient } from '@prisma/client';
const prisma = new PrismaClient();
export const router = new Router();

router.post('/signup', async (ctx: Context) => {
  const { email } = ctx.request.body as { email: string };
  const user = await prisma.user.create({ data: { email } });
  if (!user.email) {
    ctx.status = 400;
    return;
  }
  await prisma.account.create({ data: { userId: user.id, provider: 'email' } });
  ctx.status = 201;
  ctx.body = user;
});
`);
    assert.ok(after);
    assert.ok(after.includes('    ctx.body = user;\n  });'), after);
  });

  it('a callback parameter named `res` (`fetch(…).then((res) => res.json())`) is not the response: wrapped', () => {
    const after = wrap(`import type { Request, Response } from 'express';
import { PrismaClient } from '@prisma/client';
const prisma = new PrismaClient();

export async function importProfile(req: Request, res: Response) {
  const user = await prisma.user.create({ data: { email: req.body.email } });
  if (!user) return;
  const profile = await fetch(\`https://api.example.com/profiles/\${user.email}\`).then((res) => res.json());
  await prisma.account.create({ data: { userId: user.id, provider: String(profile.provider) } });
}
`);
    assert.ok(after);
    assert.ok(after.includes('.then((res) => res.json());'), after);
  });
  it('an untyped second parameter that is not a response (`mailer.send(…)` in a named function): wrapped', () => {
    const after = wrap(`const { PrismaClient } = require('@prisma/client');
const prisma = new PrismaClient();

async function signup(email, mailer) {
  const user = await prisma.user.create({ data: { email } });
  if (!user) return null;
  await prisma.account.create({ data: { userId: user.id, provider: 'email' } });
  await mailer.send({ to: email, template: 'welcome' });
  return user;
}

module.exports = { signup };
`, '/virtual/src/signup.js');
    assert.ok(after);
    assert.ok(after.includes('    return user;\n  });\n}'), after);
  });

  it('an untyped Express handler in JavaScript (`(req, res)` callback): no wrap', () => {
    const after = wrap(`const express = require('express');
const { PrismaClient } = require('@prisma/client');
const prisma = new PrismaClient();
const app = express();

app.post('/signup', async (req, out) => {
  const user = await prisma.user.create({ data: { email: req.body.email } });
  if (!user.email) return out.sendStatus(400);
  await prisma.account.create({ data: { userId: user.id, provider: 'email' } });
  out.status(201).json(user);
});
`, '/virtual/src/app.js');
    assert.equal(after, undefined);
  });
});
