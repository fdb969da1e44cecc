import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { codeFrontEnd } from '../../../server/src/languages/code';
import { resolveImport, TsconfigPaths } from '../../../server/src/languages/code/resolve';

const PACKAGE_JSON = '{ "name": "learning-platform", "private": true, "dependencies": { "next": "14.2.3", "@prisma/client": "5.22.0" } }';
const PRISMA_CLIENT =
  "import { PrismaClient } from '@prisma/client';\n\nconst globalForPrisma = globalThis as unknown as { prisma: PrismaClient };\n" +
  'export const prisma = globalForPrisma.prisma || new PrismaClient();\n';
// Seed 001: a Next.js route importing the client through the `@/` alias, no tsconfig/jsconfig.
const VIDEOS_ROUTE =
  "import { NextResponse } from 'next/server';\nimport { prisma } from '@/lib/prisma';\n\n" +
  'export async function GET() {\n  const videos = await prisma.video.findMany({ orderBy: { createdAt: \'desc\' } });\n  return NextResponse.json(videos);\n}\n';

function project(texts: Record<string, string>) {
  const reader = { read: (p: string) => texts[p] };
  const files = new Set(Object.keys(texts).filter((f) => !f.endsWith('.json')));
  const resolve = (from: string, spec: string) => resolveImport(from, spec, files, new TsconfigPaths(reader));
  return { reader, files, resolve };
}

describe('code front-end: `@/` imports without a tsconfig', () => {
  it('resolves `@/x` to <package root>/x when there is no src folder', () => {
    const { resolve } = project({ '/app/package.json': PACKAGE_JSON, '/app/lib/prisma.ts': PRISMA_CLIENT, '/app/app/api/videos/route.ts': VIDEOS_ROUTE });
    assert.equal(resolve('/app/app/api/videos/route.ts', '@/lib/prisma'), '/app/lib/prisma.ts');
  });

  it('prefers <package root>/src/x (Next.js src layout, Vite) over <root>/x', () => {
    const { resolve } = project({
      '/app/package.json': PACKAGE_JSON,
      '/app/src/lib/prisma.ts': PRISMA_CLIENT,
      '/app/lib/prisma.ts': PRISMA_CLIENT,
      '/app/src/app/api/videos/route.ts': VIDEOS_ROUTE,
    });
    assert.equal(resolve('/app/src/app/api/videos/route.ts', '@/lib/prisma'), '/app/src/lib/prisma.ts');
  });

  it('takes the nearest package.json (a workspace package inside a monorepo)', () => {
    const { resolve } = project({
      '/repo/package.json': '{ "private": true, "workspaces": ["apps/*"] }',
      '/repo/lib/prisma.ts': PRISMA_CLIENT,
      '/repo/apps/web/package.json': PACKAGE_JSON,
      '/repo/apps/web/lib/prisma.ts': PRISMA_CLIENT,
      '/repo/apps/web/app/api/videos/route.ts': VIDEOS_ROUTE,
    });
    assert.equal(resolve('/repo/apps/web/app/api/videos/route.ts', '@/lib/prisma'), '/repo/apps/web/lib/prisma.ts');
  });

  it('never resolves scoped packages, a bare `@/`, or without a package.json', () => {
    const { resolve } = project({
      '/app/package.json': PACKAGE_JSON,
      '/app/prisma/client.ts': PRISMA_CLIENT,
      '/app/src/client.ts': PRISMA_CLIENT,
      '/app/route.ts': VIDEOS_ROUTE,
      '/loose/lib/prisma.ts': PRISMA_CLIENT,
      '/loose/route.ts': VIDEOS_ROUTE,
    });
    assert.equal(resolve('/app/route.ts', '@prisma/client'), undefined);
    assert.equal(resolve('/app/route.ts', '@/'), undefined);
    assert.equal(resolve('/loose/route.ts', '@/lib/prisma'), undefined);
  });

  it('a tsconfig `@/*` mapping wins, and a mapping that does not answer is not second-guessed', () => {
    const { resolve } = project({
      '/app/package.json': PACKAGE_JSON,
      '/app/tsconfig.json': '{ "compilerOptions": { "paths": { "@/*": ["./app/*"] } } }',
      '/app/app/lib/prisma.ts': PRISMA_CLIENT,
      '/app/src/lib/db.ts': PRISMA_CLIENT,
      '/app/app/api/videos/route.ts': VIDEOS_ROUTE,
    });
    assert.equal(resolve('/app/app/api/videos/route.ts', '@/lib/prisma'), '/app/app/lib/prisma.ts');
    assert.equal(resolve('/app/app/api/videos/route.ts', '@/lib/db'), undefined);
  });

  it('a tsconfig without `paths` (strict only) still gets the alias', () => {
    const { resolve } = project({
      '/app/package.json': PACKAGE_JSON,
      '/app/tsconfig.json': '{ "compilerOptions": { "strict": true } }',
      '/app/lib/prisma.ts': PRISMA_CLIENT,
      '/app/app/api/videos/route.ts': VIDEOS_ROUTE,
    });
    assert.equal(resolve('/app/app/api/videos/route.ts', '@/lib/prisma'), '/app/lib/prisma.ts');
  });

  it('reviews the route end to end (seed 001 without tsconfig): discovered, its call seen through the imported client', () => {
    const texts = { '/app/package.json': PACKAGE_JSON, '/app/lib/prisma.ts': PRISMA_CLIENT, '/app/app/api/videos/route.ts': VIDEOS_ROUTE };
    const { reader } = project(texts);
    const units = codeFrontEnd.discover(['/app/app/api/videos/route.ts', '/app/lib/prisma.ts'], reader);
    assert.equal(units.length, 1);
    assert.ok(units[0].files.includes('/app/app/api/videos/route.ts'));
    const result = codeFrontEnd.analyze(units[0], reader, { validation: false });
    const route = result.codeFiles.find((f) => f.file === '/app/app/api/videos/route.ts')!;
    assert.deepEqual(route.calls.map((c) => `${c.client}.${c.model}.${c.operation}`), ['prisma.video.findMany']);
  });
});
