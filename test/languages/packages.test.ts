/**
 * Package versions from lockfiles (server/src/languages/packages.ts): package-lock.json v1–v3, pnpm-lock.yaml v5–v9,
 * yarn.lock v1 and berry, bun.lock; the order installed → locked → pinned; broken and huge lockfiles.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  dependencyVersion,
  installedVersion,
  isLockfile,
  lockedFrom,
  lockedVersionIn,
  parseLockfile,
  readLockfile,
  setPackagesLog,
  type LockIndex,
} from '../../server/src/languages/packages';
import { prismaFrontEnd } from '../../server/src/languages/prisma';
import { drizzleOrmVersion } from '../../server/src/languages/drizzle/version';
import { DiskReader } from '../../server/src/project/files';
import { memoryReader } from './prisma/helpers';
import { writeFiles } from '../helpers/workspace';
import { mulberry32 } from '../helpers/prng';

const NPM_V3 = `{
  "name": "acme",
  "version": "1.0.0",
  "lockfileVersion": 3,
  "requires": true,
  "packages": {
    "": {
      "name": "acme",
      "version": "1.0.0",
      "workspaces": [
        "packages/*"
      ],
      "devDependencies": {
        "prisma": "^6.1.0"
      }
    },
    "node_modules/@prisma/client": {
      "version": "6.1.0",
      "resolved": "https://registry.npmjs.org/@prisma/client/-/client-6.1.0.tgz",
      "integrity": "sha512-AbQYc5+EJKm1Ydfq3KxwcGiy7wIbm4/QbjCKWWoNROtvy7d6a3gmAGkKjK0iUCzh+rHV8xDhD5Cge8ke/kiy5Q==",
      "hasInstallScript": true,
      "license": "Apache-2.0",
      "engines": {
        "node": ">=18.18"
      },
      "peerDependencies": {
        "prisma": "*"
      }
    },
    "node_modules/db": {
      "resolved": "packages/db",
      "link": true
    },
    "node_modules/drizzle-orm": {
      "version": "0.41.0",
      "resolved": "https://registry.npmjs.org/drizzle-orm/-/drizzle-orm-0.41.0.tgz",
      "license": "Apache-2.0"
    },
    "node_modules/prisma": {
      "version": "6.1.0",
      "resolved": "https://registry.npmjs.org/prisma/-/prisma-6.1.0.tgz",
      "devOptional": true,
      "hasInstallScript": true,
      "license": "Apache-2.0",
      "dependencies": {
        "@prisma/engines": "6.1.0"
      },
      "bin": {
        "prisma": "build/index.js"
      }
    },
    "packages/db": {
      "name": "db",
      "version": "0.0.0",
      "dependencies": {
        "drizzle-orm": "^0.39.1"
      }
    },
    "packages/db/node_modules/drizzle-orm": {
      "version": "0.39.3",
      "resolved": "https://registry.npmjs.org/drizzle-orm/-/drizzle-orm-0.39.3.tgz",
      "license": "Apache-2.0"
    }
  }
}
`;

const NPM_V1 = `{
  "name": "legacy-api",
  "version": "2.3.0",
  "lockfileVersion": 1,
  "requires": true,
  "dependencies": {
    "@prisma/client": {
      "version": "4.8.1",
      "resolved": "https://registry.npmjs.org/@prisma/client/-/client-4.8.1.tgz",
      "integrity": "sha512-d4xhZhETmeXK/yZ7K0KcVOzEfI5YKGGEr4F5SBV04/MU4ncN/HcE28sy3e4Yt8UFW0ZuImKFQJE+9rWt9WbGSQ==",
      "requires": {
        "@prisma/engines-version": "4.8.0-61.d6e67a83f971b175a593ccc12e15c4a757f93ffe"
      }
    },
    "prisma": {
      "version": "4.8.1",
      "resolved": "https://registry.npmjs.org/prisma/-/prisma-4.8.1.tgz",
      "dev": true,
      "requires": {
        "@prisma/engines": "4.8.1"
      }
    }
  }
}
`;

const PNPM_V9 = `lockfileVersion: '9.0'

settings:
  autoInstallPeers: true
  excludeLinksFromLockfile: false

importers:

  .:
    devDependencies:
      prisma:
        specifier: ^6.1.0
        version: 6.1.0

  packages/db:
    dependencies:
      '@prisma/client':
        specifier: ^6.2.0
        version: 6.2.1(prisma@6.2.1(typescript@5.7.2))(typescript@5.7.2)
      drizzle-orm:
        specifier: ^0.39.1
        version: 0.39.3(@types/pg@8.11.10)(pg@8.13.1)
    devDependencies:
      prisma:
        specifier: ^6.2.0
        version: 6.2.1(typescript@5.7.2)

packages:

  '@prisma/client@6.2.1':
    resolution: {integrity: sha512-msKY2iRLISN8t5X0Tj7hU0UWet1u0KuxSPHWuf3IRkB4J95mCvGpyQBfQ6ufcmvKNOMQSq90O2iUmJEN2e5fiA==}
    engines: {node: '>=18.18'}
    peerDependencies:
      prisma: '*'
    peerDependenciesMeta:
      prisma:
        optional: true

  prisma@6.1.0:
    resolution: {integrity: sha512-aFI3Yi+ApUxkwCJJwyQSwpyzUX7YX3ihzuHNHOyv4GJg3X5tQsmRaJEnZ+ZyfHpMtnyahhmXVfbTZ+lS8ZtfKw==}
    engines: {node: '>=18.18'}
    hasBin: true

  prisma@6.2.1:
    resolution: {integrity: sha512-hhyM0H13pQleQ+br4CkzGizS5I0oInoeTw3JfLw1BRZduBSQxPILlJLwi+46wZzj9Je7ndyQEMGw/n5cN2fknA==}
    engines: {node: '>=18.18'}
    hasBin: true

snapshots:

  '@prisma/client@6.2.1(prisma@6.2.1(typescript@5.7.2))(typescript@5.7.2)':
    optionalDependencies:
      prisma: 6.2.1(typescript@5.7.2)

  prisma@6.1.0:
    dependencies:
      '@prisma/engines': 6.1.0
`;

const PNPM_V6 = `lockfileVersion: '6.0'

settings:
  autoInstallPeers: true
  excludeLinksFromLockfile: false

dependencies:
  '@prisma/client':
    specifier: ~5.14.0
    version: 5.14.0(prisma@5.14.0)

devDependencies:
  prisma:
    specifier: ~5.14.0
    version: 5.14.0

packages:

  /@prisma/client@5.14.0(prisma@5.14.0):
    resolution: {integrity: sha512-akMSuyvLKeoU4LeyBAUdThP/uhVP3GuLygFE3MlYzaCb3/J8SfsYBE5PkaFuLuVpLyA6sFoW+16z/aPhNAESqg==}
    engines: {node: '>=16.13'}
    requiresBuild: true
    dev: false

  /prisma@5.14.0:
    resolution: {integrity: sha512-gCNZco7y5XtjrnQYeDJTiVZmT/ncqCr5RY1/Cf8X2wgLRmyh9ayPAGBNziI4qEE4S6SxCH5omQLVo9lmURaJ/Q==}
    engines: {node: '>=16.13'}
    hasBin: true
    requiresBuild: true
    dev: true
`;

const PNPM_V5 = `lockfileVersion: 5.4

importers:

  .:
    specifiers:
      turbo: ^1.6.3
    devDependencies:
      turbo: 1.6.3

  apps/api:
    specifiers:
      '@prisma/client': ^4.7.0
      prisma: ^4.7.0
    dependencies:
      '@prisma/client': 4.7.1_prisma@4.7.1
    devDependencies:
      prisma: 4.7.1

packages:

  /@prisma/client/4.7.1_prisma@4.7.1:
    resolution: {integrity: sha512-/GbnOwIPtjiveZNUzGXOdp7RxTEkHL4DZP3vBaFNadfr6Sf0RshU5EULFzVaSi9i9PIK9PYd+1Rn7z2B2npb9w==}
    engines: {node: '>=14.17'}
    requiresBuild: true
    dev: false

  /prisma/4.7.1:
    resolution: {integrity: sha512-CCQP+m+1qZOGIZlvnL6T3ZwaU0LAleIHYFPN9tFSzjs/KL6vH9rlYbGOkTuG9Q1s6Ki5D0LJlYlW18Z9EBUpGg==}
    engines: {node: '>=14.17'}
    hasBin: true
    dev: true
`;

const YARN_V1 = `# THIS IS AN AUTOGENERATED FILE. DO NOT EDIT THIS FILE DIRECTLY.
# yarn lockfile v1


"@prisma/client@^5.22.0":
  version "5.22.0"
  resolved "https://registry.yarnpkg.com/@prisma/client/-/client-5.22.0.tgz#da1ca9c133fbefe89e0da781c75e1c59da5f8802"
  integrity sha512-M0SVXfyHnQREBKxCgyo7sffrKttwE6R8PMq330MIUF0pTwjUhLbW84pFDlf06B27XyCR++VtjugEnIHdr07SVA==

"@prisma/debug@5.22.0":
  version "5.22.0"
  resolved "https://registry.yarnpkg.com/@prisma/debug/-/debug-5.22.0.tgz"

drizzle-orm@^0.38.0, drizzle-orm@^0.38.2:
  version "0.38.4"
  resolved "https://registry.yarnpkg.com/drizzle-orm/-/drizzle-orm-0.38.4.tgz"

prisma@5.21.1:
  version "5.21.1"
  resolved "https://registry.yarnpkg.com/prisma/-/prisma-5.21.1.tgz"
  dependencies:
    "@prisma/engines" "5.21.1"

prisma@^5.22.0:
  version "5.22.0"
  resolved "https://registry.yarnpkg.com/prisma/-/prisma-5.22.0.tgz#1f6717ff487cdef5f5799cc1010459920e2e6197"
  dependencies:
    "@prisma/engines" "5.22.0"
  optionalDependencies:
    fsevents "2.3.3"
`;

const YARN_BERRY = `# This file is generated by running "yarn install" inside your project.
# Manual changes might be lost - proceed with caution!

__metadata:
  version: 8
  cacheKey: 10c0

"@prisma/client@npm:^6.3.0":
  version: 6.3.1
  resolution: "@prisma/client@npm:6.3.1"
  peerDependencies:
    prisma: "*"
    typescript: ">=5.1.0"
  checksum: 10c0/1c4a2d8fdc1bd4e3d0eb8d51d0ffa7bb88a3d4f2bc6f63c5c7fbd2d8a1b1f7c0e9e0e2d4c8b5a8a8f0a6e1e3d2c1b0a9f8e7d6c5b4a3f2e1d0c9b8a7f6e5d4c3
  languageName: node
  linkType: hard

"prisma@npm:^6.3.0, prisma@npm:~6.3.1":
  version: 6.3.1
  resolution: "prisma@npm:6.3.1"
  dependencies:
    "@prisma/engines": "npm:6.3.1"
  bin:
    prisma: build/index.js
  languageName: node
  linkType: hard

"shop@workspace:.":
  version: 0.0.0-use.local
  resolution: "shop@workspace:."
  dependencies:
    "@prisma/client": "npm:^6.3.0"
    prisma: "npm:^6.3.0"
  languageName: unknown
  linkType: soft
`;

const BUN_LOCK = `{
  "lockfileVersion": 1,
  "workspaces": {
    "": {
      "name": "bun-drizzle",
      "dependencies": {
        "drizzle-orm": "^0.40.0",
        "postgres": "^3.4.5",
      },
      "devDependencies": {
        "drizzle-kit": "^0.30.4",
      },
    },
  },
  "packages": {
    "drizzle-kit": ["drizzle-kit@0.30.4", "", { "dependencies": { "esbuild": "^0.19.7" }, "bin": { "drizzle-kit": "bin.cjs" } }, "sha512-B2oJN5UkvwwNHscPWXDG5KqAixu7AUzZ3qbe++KU9SsQ+cZWR4DXEPYcvWplyFAno0dhRJECNEhNxiDmFaPGyQ=="],

    "drizzle-orm": ["drizzle-orm@0.40.1", "", { "peerDependencies": { "postgres": ">=3" }, "optionalPeers": ["postgres"] }, "sha512-aPNhtiJiPfm3qxz1czrnIDkfvkSdKGXYeZkpG55NPTVI186LmK2fBLMi4dsHpPHlJrZeQ92D322YFPHADBALew=="],

    "postgres": ["postgres@3.4.5", "", {}, "sha512-cDWgoah1Gez9rN3H4165peY9qfpEo+SA61oQv65O3cRUE1pOEoJWwddwcqKE8XZYjbblOJlYDlLV4h67HrEVDg=="],
  }
}
`;

function parsed(name: string, text: string): LockIndex {
  const index = parseLockfile(name, text);
  assert.ok(index, `${name} parses`);
  return index;
}

test('package-lock.json v3: the install path Node would resolve from the package folder, nested before hoisted', () => {
  const lock = parsed('/acme/package-lock.json', NPM_V3);
  assert.deepEqual(lockedVersionIn(lock, '', 'prisma'), [6, 1]);
  assert.deepEqual(lockedVersionIn(lock, '', '@prisma/client'), [6, 1]);
  assert.deepEqual(lockedVersionIn(lock, '', 'drizzle-orm'), [0, 41]);
  assert.deepEqual(lockedVersionIn(lock, 'packages/db', 'drizzle-orm'), [0, 39], 'its own node_modules first');
  assert.deepEqual(lockedVersionIn(lock, 'packages/db', 'prisma'), [6, 1], 'hoisted to the root');
  // A folder the lockfile does not install (a project nested in a bigger repository): not governed by it.
  assert.equal(lockedVersionIn(lock, 'tools/legacy', 'prisma'), undefined);
});

test('package-lock.json v1: the top-level dependencies', () => {
  const lock = parsed('/legacy/package-lock.json', NPM_V1);
  assert.deepEqual(lockedVersionIn(lock, '', 'prisma'), [4, 8]);
  assert.deepEqual(lockedVersionIn(lock, '', '@prisma/client'), [4, 8]);
  assert.equal(lockedVersionIn(lock, '', 'drizzle-orm'), undefined);
  assert.deepEqual(lockedVersionIn(parsed('/legacy/npm-shrinkwrap.json', NPM_V1), '', 'prisma'), [4, 8]);
});

test('pnpm-lock.yaml v9 (importers, peer suffixes), v6 without workspaces, v5.4 (`4.7.1_prisma@4.7.1`, `/prisma/4.7.1`)', () => {
  const v9 = parsed('/mono/pnpm-lock.yaml', PNPM_V9);
  assert.deepEqual(lockedVersionIn(v9, '', 'prisma'), [6, 1]);
  assert.deepEqual(lockedVersionIn(v9, 'packages/db', 'prisma'), [6, 2]);
  assert.deepEqual(lockedVersionIn(v9, 'packages/db', '@prisma/client'), [6, 2]);
  assert.deepEqual(lockedVersionIn(v9, 'packages/db', 'drizzle-orm'), [0, 39]);
  assert.equal(lockedVersionIn(v9, 'apps/web', 'prisma'), undefined, 'not one of its importers');
  // Without the importer's own entry (hand-edited), the one version in `packages`: none of prisma (two), 6.2 of the client.
  const trimmed = parsed('/mono/pnpm-lock.yaml', PNPM_V9.replace(/ {6}'@prisma\/client':\n.*\n.*\n/, '').replace(/ {4}devDependencies:\n {6}prisma:\n {8}specifier: \^6\.2\.0\n.*\n/, ''));
  assert.equal(lockedVersionIn(trimmed, 'packages/db', 'prisma'), undefined);
  assert.deepEqual(lockedVersionIn(trimmed, 'packages/db', '@prisma/client'), [6, 2]);
  assert.deepEqual(lockedVersionIn(trimmed, 'packages/db', 'drizzle-orm'), [0, 39]);

  const v6 = parsed('/app/pnpm-lock.yaml', PNPM_V6);
  assert.deepEqual(lockedVersionIn(v6, '', 'prisma'), [5, 14]);
  assert.deepEqual(lockedVersionIn(v6, '', '@prisma/client'), [5, 14]);

  const v5 = parsed('/repo/pnpm-lock.yaml', PNPM_V5);
  assert.deepEqual(lockedVersionIn(v5, 'apps/api', 'prisma'), [4, 7]);
  assert.deepEqual(lockedVersionIn(v5, 'apps/api', '@prisma/client'), [4, 7]);
  assert.equal(lockedVersionIn(v5, 'apps/other', 'prisma'), undefined);
  assert.equal(lockedVersionIn(v5, '', 'drizzle-orm'), undefined);
});

test('yarn.lock v1 and berry: the entry of the range package.json asks for', () => {
  const v1 = parsed('/y/yarn.lock', YARN_V1);
  assert.deepEqual(lockedVersionIn(v1, '', 'prisma', '^5.22.0'), [5, 22]);
  assert.deepEqual(lockedVersionIn(v1, '', 'prisma', '5.21.1'), [5, 21]);
  assert.equal(lockedVersionIn(v1, '', 'prisma', '^5.0.0'), undefined, 'two minors locked, neither for this range');
  assert.deepEqual(lockedVersionIn(v1, '', '@prisma/client', '^5.22.0'), [5, 22]);
  assert.deepEqual(lockedVersionIn(v1, '', 'drizzle-orm', '^0.38.2'), [0, 38]);

  const berry = parsed('/y/yarn.lock', YARN_BERRY);
  assert.deepEqual(lockedVersionIn(berry, '', 'prisma', '^6.3.0'), [6, 3]);
  assert.deepEqual(lockedVersionIn(berry, '', 'prisma', '~6.3.1'), [6, 3]);
  assert.deepEqual(lockedVersionIn(berry, '', 'prisma', 'npm:^6.3.0'), [6, 3]);
  assert.deepEqual(lockedVersionIn(berry, '', '@prisma/client', '^6.3.0'), [6, 3]);
  assert.equal(lockedVersionIn(berry, 'examples/demo', 'prisma', '^6.3.0'), undefined, 'berry lists its workspaces: this folder is none');
  assert.deepEqual(lockedVersionIn(v1, 'examples/demo', 'prisma', '^5.22.0'), [5, 22], 'v1 does not list them');
});

test('bun.lock: JSON with trailing commas', () => {
  const bun = parsed('/b/bun.lock', BUN_LOCK);
  assert.deepEqual(lockedVersionIn(bun, '', 'drizzle-orm'), [0, 40]);
  assert.equal(lockedVersionIn(bun, '', 'prisma'), undefined);
});

test('broken, truncated, binary and foreign lockfiles give no version and never throw', () => {
  const broken = [
    ['package-lock.json', NPM_V3.slice(0, 700)],
    ['package-lock.json', '<<<<<<< HEAD\n{"lockfileVersion": 3}\n=======\n'],
    ['package-lock.json', 'null'],
    ['package-lock.json', '[1, 2]'],
    ['package-lock.json', '{"packages": {"node_modules/prisma": {"version": 6}}, "dependencies": {"prisma": "6.1.0"}}'],
    ['pnpm-lock.yaml', '\u0000\u0001\u0002binary'],
    ['pnpm-lock.yaml', "importers:\n  .:\n    devDependencies:\n      prisma:\n        specifier: ^6.1.0\n        version: link:../prisma\n"],
    ['pnpm-lock.yaml', PNPM_V9.replace(/\n/g, '\r\n').slice(0, 200) + "\n'unterminated: \"\n  - - -\n:\n"],
    ['yarn.lock', 'prisma@^6.1.0:\n  version\nprisma@:\n"@:\n'],
    ['bun.lock', '{ "packages": { "prisma": ["prisma@", "", {}] '],
    ['bun.lock', '{ "packages": { "prisma": "prisma@6.1.0", "drizzle-orm": [42] } }'],
  ];
  for (const [name, text] of broken) {
    const index = parseLockfile(`/x/${name}`, text);
    for (const pkg of ['prisma', '@prisma/client', 'drizzle-orm']) assert.equal(index ? lockedVersionIn(index, '', pkg, '^6.1.0') : undefined, undefined, `${name}: ${text.slice(0, 40)}`);
  }
  assert.equal(parseLockfile('/x/Gemfile.lock', 'GEM\n'), undefined);
  assert.ok(isLockfile('/a/b/pnpm-lock.yaml') && isLockfile('/a/yarn.lock') && !isLockfile('/a/bun.lockb') && !isLockfile('/a/package.json'));
});

test('fuzz: cut, spliced and byte-flipped lockfiles never throw, and any version read is a real one', () => {
  const random = mulberry32(20261122);
  const sources: [string, string][] = [
    ['package-lock.json', NPM_V3],
    ['package-lock.json', NPM_V1],
    ['pnpm-lock.yaml', PNPM_V9],
    ['pnpm-lock.yaml', PNPM_V5],
    ['yarn.lock', YARN_V1],
    ['yarn.lock', YARN_BERRY],
    ['bun.lock', BUN_LOCK],
  ];
  const noise = ['\n', ':', "'", '"', ' ', '  ', '{', '}', ',', '@', '/', '\r\n', '#', '- ', '\u0000', 'node_modules/', 'version: '];
  let versions = 0;
  for (let round = 0; round < 400; round++) {
    const [name, source] = sources[round % sources.length];
    let text = source;
    for (let edits = 1 + Math.floor(random() * 4); edits > 0; edits--) {
      const at = Math.floor(random() * text.length);
      const kind = random();
      if (kind < 0.3) text = text.slice(0, at);
      else if (kind < 0.6) text = text.slice(0, at) + noise[Math.floor(random() * noise.length)] + text.slice(at);
      else text = text.slice(0, at) + text.slice(at + 1 + Math.floor(random() * 40));
    }
    const index = parseLockfile(`/f/${name}`, text);
    if (!index) continue;
    for (const pkg of ['prisma', '@prisma/client', 'drizzle-orm']) {
      for (const rel of ['', 'packages/db', 'apps/api']) {
        const v = lockedVersionIn(index, rel, pkg, '^6.1.0');
        if (v === undefined) continue;
        versions++;
        assert.ok(Number.isInteger(v[0]) && Number.isInteger(v[1]), `${name} round ${round}: ${JSON.stringify(v)}`);
      }
    }
  }
  assert.ok(versions > 0, 'most mutations keep the entry that was asked for');
});

test('order: the installed package, then the nearest lockfile, then a pinned range; another major is not trusted', () => {
  const lock = (v: string) => NPM_V3.replace(/"node_modules\/prisma": \{\n {6}"version": "6\.1\.0"/, `"node_modules/prisma": {\n      "version": "${v}"`);
  assert.notEqual(lock('6.4.1'), NPM_V3);
  const files: Record<string, string> = {
    '/i/package.json': '{"devDependencies": {"prisma": "^6.1.0"}}',
    '/i/node_modules/prisma/package.json': '{"name": "prisma", "version": "6.3.0"}',
    '/i/package-lock.json': lock('6.4.1'),
    '/l/package.json': '{"devDependencies": {"prisma": "~6.0.2"}}',
    '/l/package-lock.json': lock('6.4.1'),
    '/p/package.json': '{"devDependencies": {"prisma": "~6.0.2"}}',
    '/s/package.json': '{"devDependencies": {"prisma": "^6.1.0"}}',
    '/s/node_modules/prisma/package.json': '{"version": "5.22.0"}',
    '/s/package-lock.json': lock('5.22.0'),
    // A monorepo: installed at the root, the lockfile too.
    '/m/package-lock.json': NPM_V3,
    '/m/packages/db/package.json': '{"dependencies": {"drizzle-orm": "^0.39.1"}}',
    '/m/node_modules/drizzle-orm/package.json': '{"version": "0.41.0"}',
  };
  const reader = memoryReader(files);
  assert.deepEqual(dependencyVersion(reader, '/i', 'prisma', '^6.1.0', 6), [6, 3], 'what runs');
  assert.deepEqual(dependencyVersion(reader, '/l', 'prisma', '~6.0.2', 6), [6, 4], 'what npm ci installs, over the range');
  assert.deepEqual(dependencyVersion(reader, '/p', 'prisma', '~6.0.2', 6), [6, 0]);
  assert.equal(dependencyVersion(reader, '/s', 'prisma', '^6.1.0', 6), undefined, 'installed and locked from Prisma 5: stale');
  assert.equal(dependencyVersion(reader, '/x', 'prisma', '^6.1.0', 6), undefined);
  // The root's install is 0.41, which `^0.39.1` does not allow: npm nests 0.39 in the package, not installed yet.
  assert.deepEqual(dependencyVersion(reader, '/m/packages/db', 'drizzle-orm', '^0.39.1'), [0, 39], 'the lockfile at the root, for this package');
  assert.deepEqual(dependencyVersion(reader, '/m/packages/web', 'drizzle-orm', '^0.41.0'), [0, 41], 'the hoisted install it allows, as Node resolves');
  assert.deepEqual(dependencyVersion(reader, '/m/packages/web', 'drizzle-orm', '*'), [0, 41]);
  files['/m/packages/db/node_modules/drizzle-orm/package.json'] = '{"version": "0.39.3"}';
  files['/m/node_modules/prisma/package.json'] = '{"version": "6.3.1"}';
  assert.deepEqual(dependencyVersion(reader, '/m/packages/db', 'drizzle-orm', '^0.39.1'), [0, 39], 'its own install');
  assert.deepEqual(dependencyVersion(reader, '/m/packages/db', 'prisma', '^6.1.0', 6), [6, 3], 'hoisted, the same major');
  assert.deepEqual(dependencyVersion(reader, '/m/packages/db', 'prisma', '6.1.0', 6), [6, 1], 'hoisted 6.3 for a pinned 6.1.0: the lockfile');
  assert.deepEqual(lockedFrom(reader, '/m/packages/db', 'prisma'), [6, 1]);
});

test('Prisma discovery: a `^6.1.0` range gets its minor from the lockfile of a fresh clone (npm, pnpm monorepo, yarn)', () => {
  const ds = 'datasource db {\n  provider = "sqlite"\n  url = "file:dev.db"\n}\n';
  const files: Record<string, string> = {
    '/npm/package.json': JSON.stringify({ dependencies: { '@prisma/client': '^6.1.0' }, devDependencies: { prisma: '^6.1.0' } }),
    '/npm/package-lock.json': NPM_V3,
    '/npm/prisma/schema.prisma': ds,
    '/mono/package.json': JSON.stringify({ private: true }),
    '/mono/pnpm-lock.yaml': PNPM_V9,
    '/mono/packages/db/package.json': JSON.stringify({ dependencies: { '@prisma/client': '^6.2.0' }, devDependencies: { prisma: '^6.2.0' } }),
    '/mono/packages/db/prisma/schema.prisma': ds,
    '/yarn/package.json': JSON.stringify({ dependencies: { '@prisma/client': '^5.22.0' }, devDependencies: { prisma: '^5.22.0' } }),
    '/yarn/yarn.lock': YARN_V1,
    '/yarn/prisma/schema.prisma': ds,
    // Locked from another major than package.json now asks for (upgraded, not reinstalled): no minor.
    '/stale/package.json': JSON.stringify({ devDependencies: { prisma: '^7.0.0' } }),
    '/stale/package-lock.json': NPM_V3,
    '/stale/prisma/schema.prisma': ds,
  };
  const units = prismaFrontEnd.discover(Object.keys(files).filter((f) => f.endsWith('.prisma')).sort(), memoryReader(files));
  assert.deepEqual(
    units.map((u) => [u.id, u.hints?.prismaMajor, u.hints?.prismaMinor]),
    [
      ['prisma:/mono/packages/db/prisma/schema.prisma', 6, 2],
      ['prisma:/npm/prisma/schema.prisma', 6, 1],
      ['prisma:/stale/prisma/schema.prisma', 7, undefined],
      ['prisma:/yarn/prisma/schema.prisma', 5, 22],
    ],
  );
});

test('drizzle-orm version: the lockfile before a pinned range, when nothing is installed', () => {
  const files: Record<string, string> = {
    '/app/package.json': JSON.stringify({ dependencies: { 'drizzle-orm': '^0.40.0' } }),
    '/app/bun.lock': BUN_LOCK,
    '/app/src/db/schema.ts': 'export {}\n',
    '/old/package.json': JSON.stringify({ dependencies: { 'drizzle-orm': '^0.38.0' } }),
    '/old/yarn.lock': YARN_V1,
    '/old/src/schema.ts': 'export {}\n',
  };
  assert.deepEqual(drizzleOrmVersion(memoryReader(files), '/app/src/db/schema.ts'), [0, 40]);
  assert.deepEqual(drizzleOrmVersion(memoryReader(files), '/old/src/schema.ts'), [0, 38]);
  files['/app/node_modules/drizzle-orm/package.json'] = '{"version": "0.41.2"}';
  assert.deepEqual(drizzleOrmVersion(memoryReader(files), '/app/src/db/schema.ts'), [0, 41]);
});

test('lockfiles on disk: over the readers\' 4 MB limit still read; over 50 MB skipped with a log line; a change is seen', () => {
  const dir = writeFiles({ 'package.json': JSON.stringify({ devDependencies: { prisma: '^6.1.0' } }) });
  const lockPath = path.join(dir, 'package-lock.json').split(path.sep).join('/');
  // A big monorepo's lockfile: many packages before ours.
  const filler: string[] = [];
  for (let i = 0; i < 40_000; i++) filler.push(`    "node_modules/pkg-${i}": {\n      "version": "1.0.${i}",\n      "resolved": "https://registry.npmjs.org/pkg-${i}/-/pkg-${i}-1.0.${i}.tgz"\n    },`);
  const big = NPM_V3.replace('"packages": {\n', `"packages": {\n${filler.join('\n')}\n`);
  assert.ok(big.length > 4 * 1024 * 1024, `${big.length} bytes`);
  fs.writeFileSync(lockPath, big);
  const skippedLogs: string[] = [];
  const reader = new DiskReader(undefined, (m) => skippedLogs.push(m));
  assert.deepEqual(lockedFrom(reader, dir.split(path.sep).join('/'), 'prisma', '^6.1.0'), [6, 1]);
  assert.equal(reader.skippedFiles().has(lockPath), false, 'not read through the reader, which would skip it');
  assert.deepEqual(skippedLogs, []);
  // Changed on disk (another size): read again.
  fs.writeFileSync(lockPath, big.replace('"version": "6.1.0",\n      "resolved": "https://registry.npmjs.org/prisma/', '"version": "6.12.0",\n      "resolved": "https://registry.npmjs.org/prisma/'));
  assert.deepEqual(lockedFrom(reader, dir.split(path.sep).join('/'), 'prisma', '^6.1.0'), [6, 12]);

  const logs: string[] = [];
  setPackagesLog((m) => logs.push(m));
  try {
    const fd = fs.openSync(lockPath, 'w');
    fs.writeSync(fd, big);
    fs.ftruncateSync(fd, 51 * 1024 * 1024); // the rest NUL bytes: never parsed
    fs.closeSync(fd);
    assert.equal(readLockfile(reader, lockPath), undefined);
    assert.equal(readLockfile(reader, lockPath), undefined);
    assert.equal(logs.length, 1, 'said once');
    assert.match(logs[0], /package-lock\.json is 51 MB, over the 50 MB limit for a lockfile/);
  } finally {
    setPackagesLog(undefined);
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test("an installed package's version: the top-level `version`, read without parsing the rest of a big package.json", () => {
  // drizzle-orm's package.json is 180 KB of `exports`; its version comes first.
  const exportsMap = Object.fromEntries(Array.from({ length: 2000 }, (_, i) => [`./sub${i}`, { import: `./sub${i}.js`, types: `./sub${i}.d.ts` }]));
  assert.deepEqual(installedVersion(JSON.stringify({ name: 'drizzle-orm', version: '0.44.2', exports: exportsMap }, null, 2)), [0, 44]);
  // After nested values that hold `"version"` keys and strings with escapes and brackets.
  const later = JSON.stringify({ name: 'x', engines: { version: '9.9.9' }, description: 'a "quoted" [and] {braced} \\ text', files: ['a', ['b']], n: -1.5e3, ok: true, no: null, version: '6.1.0' });
  assert.deepEqual(installedVersion(later), [6, 1]);
  // Escapes inside the key or the value are still JSON: the same answer as JSON.parse.
  assert.deepEqual(installedVersion('{"ver\\u0073ion": "5.22.0"}'), [5, 22]);
  assert.deepEqual(installedVersion('{"version": "\\u0035.3.1"}'), [5, 3]);
  // Not a version, not an object, not JSON: nothing.
  for (const bad of ['', '[]', '"6.1.0"', '{"version": 6}', '{"version": "latest"}', '{"name": "x"', '\u0000\u0001binary', '{"a": [1, 2}, "version": "6.1.0"}'])
    assert.equal(installedVersion(bad), undefined, bad);
  // What follows the version is not read: npm validated the file when it installed the package.
  assert.deepEqual(installedVersion('{"version": "6.2.0", "exports": {'), [6, 2]);
});

test('the version read from every installed package.json here is the one JSON.parse gives', () => {
  const root = path.join(__dirname, '..', '..', 'node_modules');
  let compared = 0;
  for (const name of fs.readdirSync(root)) {
    const dirs = name.startsWith('@') ? fs.readdirSync(path.join(root, name)).map((n) => path.join(name, n)) : [name];
    for (const dir of dirs) {
      let text: string;
      try {
        text = fs.readFileSync(path.join(root, dir, 'package.json'), 'utf8');
      } catch {
        continue;
      }
      const version = (JSON.parse(text) as { version?: unknown }).version;
      const m = typeof version === 'string' ? /^(\d+)\.(\d+)\./.exec(version) : null;
      assert.deepEqual(installedVersion(text), m ? [Number(m[1]), Number(m[2])] : undefined, dir);
      compared++;
    }
  }
  assert.ok(compared > 50, `compared ${compared} packages`);
});
