import { prisma } from '@/lib/prisma';

export async function GET() {
  const trades = await prisma.signalTrade.findMany({ orderBy: { createdAt: 'desc' } });
  const closed = trades.filter((t) => t.exitPrice !== null);
  return Response.json({ count: closed.length });
}
