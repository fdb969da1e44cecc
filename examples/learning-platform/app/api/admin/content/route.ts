import { prisma } from '@/lib/prisma';

export async function POST(request: Request) {
  const body = await request.json();
  const course = await prisma.course.create({ data: { title: body.title, price: body.price } });
  try {
    await prisma.auditLog.create({ data: { userId: body.userId, action: 'course.create', metadata: JSON.stringify({ id: course.id }) } });
  } catch (error) {
    console.error('audit log failed', error);
  }
  return Response.json(course);
}

export async function DELETE() {
  await prisma.lesson.deleteMany();
  return new Response(null, { status: 204 });
}
