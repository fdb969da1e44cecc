import { prisma } from './prisma';

export async function registerUser(email: string, name: string, provider: string, providerAccountId: string) {
  const user = await prisma.user.create({ data: { email, name } });
  await prisma.account.create({ data: { userId: user.id, provider, providerAccountId } });
  const session = await prisma.session.create({
    data: { userId: user.id, sessionToken: crypto.randomUUID(), expires: new Date(Date.now() + 86_400_000) },
  });
  return { user, session };
}
