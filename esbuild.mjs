// Builds the bundles into dist/: client.js (VS Code extension), server-core.js (language server) with its Prisma
// validation worker prisma-lint-worker.js, cli-core.js (CLI); server.js and cli.js are the small entries that load
// the two cores through a V8 code cache (server/src/boot/codeCache.ts).
// Copies every Prisma schema wasm next to the server bundle under a per-package name, and libpg-query's wasm.
//   node esbuild.mjs [--production] [--watch]
import * as esbuild from 'esbuild';
import { copyFileSync, mkdirSync, readFileSync, existsSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');
const out = 'dist';
mkdirSync(out, { recursive: true });

// The Prisma wasm packages all load `${__dirname}/prisma_schema_build_bg.wasm`. Bundled, __dirname is dist/, so each
// package's glue is rewritten to load a file named after the package, and that file is copied there.
const prismaWasmPackages = ['@prisma/prisma-schema-wasm', 'prisma-schema-wasm-6', 'prisma-schema-wasm-5'];
const wasmName = (pkg) => `prisma_schema_build_bg.${pkg.replace(/^@prisma\//, '').replace(/[^a-z0-9-]/gi, '_')}.wasm`;

/** @type {esbuild.Plugin} */
const prismaWasmPlugin = {
  name: 'prisma-wasm',
  setup(build) {
    build.onLoad({ filter: /prisma_schema_build\.js$/ }, (args) => {
      const pkg = prismaWasmPackages.find((p) => args.path.includes(`${p}/src/`) || args.path.includes(`node_modules/${p}/`));
      if (!pkg) return undefined;
      const source = readFileSync(args.path, 'utf8');
      // Prisma 6+ glue: `${__dirname}/prisma_schema_build_bg.wasm`; Prisma 5 glue: join(__dirname, 'prisma_schema_build_bg.wasm').
      const rewritten = source
        .replace('/prisma_schema_build_bg.wasm`', `/${wasmName(pkg)}\``)
        .replace("__dirname, 'prisma_schema_build_bg.wasm')", `__dirname, '${wasmName(pkg)}')`);
      if (rewritten === source) throw new Error(`prisma-wasm plugin: could not find the wasm path in ${args.path}`);
      return { contents: rewritten, loader: 'js' };
    });
  },
};

function copyAssets() {
  for (const pkg of prismaWasmPackages) {
    const from = join(dirname(require.resolve(`${pkg}/package.json`)), 'src', 'prisma_schema_build_bg.wasm');
    copyFileSync(from, join(out, wasmName(pkg)));
  }
  // libpg-query loads its wasm relative to its glue file.
  const pgDir = join(dirname(require.resolve('libpg-query/package.json')), 'wasm');
  for (const f of readdirSync(pgDir)) if (f.endsWith('.wasm')) copyFileSync(join(pgDir, f), join(out, f));
  // sql.js is used only by tests; node-sql-parser is plain JS.
}

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: production ? false : 'linked',
  minify: production,
  logLevel: 'warning',
  plugins: [prismaWasmPlugin],
  // `vscode` is provided by the editor; optional native deps of ws etc. are not used.
  external: ['vscode', 'bufferutil', 'utf-8-validate'],
};

const builds = [
  { ...common, entryPoints: ['client/src/extension.ts'], outfile: `${out}/client.js` },
  { ...common, entryPoints: ['server/src/server.ts'], outfile: `${out}/server-core.js` },
  { ...common, entryPoints: ['server/src/boot/serverEntry.ts'], outfile: `${out}/server.js` },
  // Prisma's validation runs in this worker, next to server.js.
  { ...common, entryPoints: ['server/src/languages/prisma/lintWorker.ts'], outfile: `${out}/prisma-lint-worker.js` },
  { ...common, entryPoints: ['server/src/cli.ts'], outfile: `${out}/cli-core.js` },
  { ...common, entryPoints: ['server/src/boot/cliEntry.ts'], outfile: `${out}/cli.js` },
].filter((b) => existsSync(b.entryPoints[0]));

copyAssets();
if (watch) {
  for (const b of builds) (await esbuild.context(b)).watch();
  console.log('watching…');
} else {
  await Promise.all(builds.map((b) => esbuild.build(b)));
  console.log(`built ${builds.map((b) => b.outfile).join(', ')}`);
}
