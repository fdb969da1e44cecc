import { randomUUID } from 'node:crypto';
import { prisma } from './prisma';

export interface RegisterInput {
  email: string;
  name: string;
  provider: string;
  providerAccountId: string;
}

/** Registers a user with their OAuth account and a first session. */
export async function registerUser(input: RegisterInput) {
  const user = await prisma.user.create({
    data: { email: input.email, name: input.name },
  });
  const account = await prisma.account.create({
    data: { userId: user.id, provider: input.provider, providerAccountId: input.providerAccountId },
  });
  const session = await prisma.session.create({
    data: { userId: user.id, token: randomUUID(), expiresAt: new Date(Date.now() + 86_400_000) },
  });
  console.log(`registered ${user.email} via ${account.provider}`);
  return { user, session };
}
