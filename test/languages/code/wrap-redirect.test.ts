import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { codeFrontEnd } from '../../../server/src/languages/code';
import { analyzeText, applyEdits, syntaxErrors } from './helpers';

// Next.js `redirect()`/`notFound()` and SvelteKit's `redirect()` throw to do their work, and a thrown Remix
// `redirect()` too: inside a transaction callback the throw rolls back every write before it, on the success path.
function wrap(text: string, path = '/virtual/app/actions.ts') {
  const { file, reader } = analyzeText(text, path);
  const writes = file.calls.filter((c) => c.kind === 'write');
  assert.equal(writes.length, 2);
  const edits = codeFrontEnd.writeFix({ kind: 'wrapInTransaction', file, calls: writes, transactionClient: 'tx' }, reader);
  return edits ? applyEdits(text, edits[0].edits) : undefined;
}

describe('wrapInTransaction never moves a redirect into the transaction', () => {
  it('Next.js server action: an early return makes the range run to the end, where `redirect()` is: no wrap', () => {
    const after = wrap(`'use server';
import { PrismaClient } from '@prisma/client';
import { revalidatePath } from 'next/cache';
import { redirect } from 'next/navigation';
const prisma = new PrismaClient();

export async function submitQuiz(userId: string, quizId: string, score: number) {
  const submission = await prisma.quizSubmission.create({ data: { userId, quizId, score, passed: score >= 80 } });
  if (!submission.passed) {
    return { passed: false };
  }
  await prisma.certificate.create({ data: { userId, courseId: quizId } });
  revalidatePath('/certificates');
  redirect('/certificates');
}
`);
    assert.equal(after, undefined);
  });

  it('SvelteKit form action (`throw redirect(303, …)`, an alias import): no wrap', () => {
    const after = wrap(`import { fail, redirect as go } from '@sveltejs/kit';
import { PrismaClient } from '@prisma/client';
const prisma = new PrismaClient();

export const actions = {
  default: async ({ request }: { request: Request }) => {
    const email = String((await request.formData()).get('email'));
    const user = await prisma.user.create({ data: { email } });
    if (!user.email) return fail(400, { email, missing: true });
    await prisma.session.create({ data: { userId: user.id, token: crypto.randomUUID() } });
    throw go(303, '/welcome');
  },
};
`, '/virtual/src/routes/signup/+page.server.ts');
    assert.equal(after, undefined);
  });

  it('a redirect after the wrapped writes stays outside the transaction (no return in the range)', () => {
    const after = wrap(`'use server';
import { PrismaClient } from '@prisma/client';
import { redirect } from 'next/navigation';
const prisma = new PrismaClient();

export async function createPost(title: string, authorId: string) {
  const post = await prisma.content.create({ data: { title, authorId } });
  await prisma.auditLog.create({ data: { userId: authorId, action: 'create', entity: 'content', entityId: post.id } });
  redirect(\`/posts/\${post.id}\`);
}
`);
    assert.ok(after);
    assert.equal(syntaxErrors('/virtual/app/actions.ts', after), 0);
    assert.ok(after.includes('    return post;\n  });\n  redirect(`/posts/${post.id}`);\n}'), after);
  });

  it('a Remix action that returns `redirect(…)` (not thrown) is wrapped', () => {
    const after = wrap(`import { redirect } from '@remix-run/node';
import { PrismaClient } from '@prisma/client';
const prisma = new PrismaClient();

export async function action({ request }: { request: Request }) {
  const email = String((await request.formData()).get('email'));
  const user = await prisma.user.create({ data: { email } });
  if (!user) return null;
  await prisma.account.create({ data: { userId: user.id, provider: 'email' } });
  return redirect('/welcome');
}
`, '/virtual/app/routes/signup.tsx');
    assert.ok(after);
    assert.ok(after.includes('    return redirect(\'/welcome\');\n  });'), after);
  });
});
