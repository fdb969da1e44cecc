/**
 * The CLI on a fresh clone (no node_modules): the Prisma minor comes from the lockfile, so a Prisma 6.1 project on
 * SQLite is not offered the Json type that came to SQLite in Prisma 6.2.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { cli } from '../helpers/cli';
import { writeFiles } from '../helpers/workspace';
import { SQLITE_JSON_SCHEMA } from '../helpers/version-schemas';

const SCHEMA = SQLITE_JSON_SCHEMA;

const lockfile = (version: string) => `{
  "name": "notes-app",
  "version": "0.1.0",
  "lockfileVersion": 3,
  "requires": true,
  "packages": {
    "": {
      "name": "notes-app",
      "version": "0.1.0",
      "dependencies": {
        "@prisma/client": "^6.1.0"
      },
      "devDependencies": {
        "prisma": "^6.1.0"
      }
    },
    "node_modules/@prisma/client": {
      "version": "${version}",
      "resolved": "https://registry.npmjs.org/@prisma/client/-/client-${version}.tgz",
      "hasInstallScript": true,
      "license": "Apache-2.0",
      "engines": {
        "node": ">=18.18"
      }
    },
    "node_modules/prisma": {
      "version": "${version}",
      "resolved": "https://registry.npmjs.org/prisma/-/prisma-${version}.tgz",
      "devOptional": true,
      "hasInstallScript": true,
      "license": "Apache-2.0",
      "dependencies": {
        "@prisma/engines": "${version}"
      },
      "bin": {
        "prisma": "build/index.js"
      }
    }
  }
}
`;

test('audit: `^6.1.0` with a package-lock.json at 6.1.0 and no node_modules: no Json fix on SQLite, and says why', async () => {
  const dir = writeFiles({
    'package.json': JSON.stringify({ name: 'notes-app', version: '0.1.0', private: true, dependencies: { '@prisma/client': '^6.1.0' }, devDependencies: { prisma: '^6.1.0' } }, null, 2),
    'package-lock.json': lockfile('6.1.0'),
    'prisma/schema.prisma': SCHEMA,
  });
  try {
    const audit = async () => {
      const out = await cli(['audit', '.', '--format', 'json'], dir);
      const findings = JSON.parse(out.stdout).findings.filter((f: { rule: string }) => f.rule === 'json-in-string');
      assert.equal(findings.length, 1, out.stdout);
      return findings[0] as { message: string; fixes: unknown[] };
    };
    const at61 = await audit();
    assert.deepEqual(at61.fixes, []);
    assert.match(at61.message, /No Json fix is offered: Prisma 6\.1 has no Json type on SQLite \(Prisma 6\.2 added it\)/);

    // The lockfile moves to 6.2: the fix is offered.
    fs.writeFileSync(path.join(dir, 'package-lock.json'), lockfile('6.2.1'));
    const at62 = await audit();
    assert.equal(at62.fixes.length, 1);
    assert.doesNotMatch(at62.message, /No Json fix/);

    // Installed wins over the lockfile: what runs is 6.1 (not reinstalled since the lockfile changed).
    fs.mkdirSync(path.join(dir, 'node_modules', 'prisma'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'node_modules', 'prisma', 'package.json'), JSON.stringify({ name: 'prisma', version: '6.1.0' }));
    assert.deepEqual((await audit()).fixes, []);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
