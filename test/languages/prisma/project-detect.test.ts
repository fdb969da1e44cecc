/** prismaProjectAt: which workspace folders get the Prisma wasm compiled while the server starts. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { prismaProjectAt } from '../../../server/src/languages/prisma';
import { preload, wasmMajorFor } from '../../../server/src/languages/prisma/wasm';

function fsOf(files: Record<string, string>) {
  const dirs = new Set<string>();
  for (const f of Object.keys(files)) for (let d = f; d.includes('/'); d = d.slice(0, d.lastIndexOf('/'))) dirs.add(d);
  return { exists: (p: string) => p in files || dirs.has(p), read: (p: string) => files[p] };
}

describe('prismaProjectAt', () => {
  it('reads the Prisma major from package.json', () => {
    const f = fsOf({ '/w/package.json': JSON.stringify({ dependencies: { '@prisma/client': '^5.22.0' }, devDependencies: { prisma: '5.22.0' } }) });
    assert.deepEqual(prismaProjectAt('/w', f.exists, f.read), { prisma: true, major: 5 });
  });

  it('knows a Prisma project by its schema places when package.json says nothing', () => {
    for (const schema of ['/w/schema.prisma', '/w/prisma/schema.prisma', '/w/prisma/schema/user.prisma', '/w/prisma.config.ts']) {
      const f = fsOf({ [schema]: '', '/w/package.json': '{"name":"app"}' });
      assert.deepEqual(prismaProjectAt('/w', f.exists, f.read), { prisma: true, major: undefined }, schema);
    }
  });

  it('leaves Drizzle, SQL and empty folders alone, and survives a broken package.json', () => {
    const drizzle = fsOf({ '/w/package.json': JSON.stringify({ dependencies: { 'drizzle-orm': '^0.30.0' } }), '/w/drizzle.config.ts': '' });
    assert.equal(prismaProjectAt('/w', drizzle.exists, drizzle.read).prisma, false);
    const broken = fsOf({ '/w/package.json': '{ not json' });
    assert.equal(prismaProjectAt('/w', broken.exists, broken.read).prisma, false);
    const empty = fsOf({});
    assert.equal(prismaProjectAt('/w', empty.exists, empty.read).prisma, false);
  });

  it('preloading a major compiles its wasm without throwing (each major)', () => {
    for (const major of [5, 6, 7] as const) assert.doesNotThrow(() => preload(wasmMajorFor(major)));
  });
});
