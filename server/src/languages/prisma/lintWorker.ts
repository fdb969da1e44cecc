/**
 * Prisma's own validation (prisma-schema-wasm `lint`) in a worker thread, so the language server's own review
 * runs while Prisma validates: an edit's diagnostics then take about as long as the slower of the two, not
 * their sum, and the main thread stays free for hovers and code actions. Bundled as dist/prisma-lint-worker.js.
 *
 * Messages in: `{ id, files, major }` (lint) or `{ preload: major }`; out: `{ id, result }` or `{ ready: major }`.
 */
import { parentPort } from 'node:worker_threads';
import { lint, preload, type SchemaFiles, type WasmMajor } from './wasm';

/** A small schema linted once after loading, so the code of `lint` is compiled before the first real request. */
const PRIMER = `datasource db {
  provider = "postgresql"
}

model User {
  id    Int    @id @default(autoincrement())
  email String @unique
  posts Post[]
}

model Post {
  id       Int    @id
  author   User   @relation(fields: [authorId], references: [id], onDelete: Cascade)
  authorId Int
  title    String @db.VarChar(200)

  @@index([authorId])
}
`;

parentPort?.on('message', (m: { id?: number; files?: SchemaFiles; major?: WasmMajor; preload?: WasmMajor }) => {
  if (m.preload !== undefined) {
    preload(m.preload);
    lint([['primer.prisma', PRIMER]], m.preload);
    parentPort?.postMessage({ ready: m.preload });
    return;
  }
  if (m.id === undefined || !m.files || m.major === undefined) return;
  parentPort?.postMessage({ id: m.id, result: lint(m.files, m.major) });
});
