import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { analyzeText, line } from './helpers';

const text = `import { PrismaClient } from '@prisma/client';
const prisma = new PrismaClient();

export async function closeAccount(kind: 'hard' | 'soft' | 'none', id: string) {
  switch (kind) {
    case 'hard':
      await prisma.session.deleteMany({ where: { userId: id } });
    // falls through: a hard close also does everything a soft one does
    case 'soft':
      await prisma.user.update({ where: { id }, data: { closedAt: new Date() } });
      break;
    case 'none': {
      await prisma.auditLog.create({ data: { userId: id, action: 'kept' } });
      break;
    }
    default:
      await prisma.auditLog.create({ data: { userId: id, action: 'unknown' } });
  }
}
`;

describe('switch: a case that falls through runs on into the next one', () => {
  const { file } = analyzeText(text);
  const armOf = (n: number) => {
    const c = file.calls.find((x) => line(x) === n)!;
    const step = c.branchPath![c.branchPath!.length - 1];
    return `${step.arm.range.start.line + 1}-${step.arm.range.end.line + 1}`;
  };

  it('the writes of a falling-through case and of the case it falls into share one arm', () => {
    assert.equal(armOf(7), '6-11');
    assert.equal(armOf(10), '6-11');
  });

  it('a case ending in break (also inside a block) and the last case keep their own arm', () => {
    assert.equal(armOf(13), '12-15');
    assert.equal(armOf(17), '16-17');
  });
});
