/**
 * A Prisma schema whose verdict depends on the Prisma version a project uses: a JSON document in a `String` on
 * SQLite, where Prisma 6.2 added the `Json` type (before it, json-in-string offers no Json fix). The package-version
 * tests (lockfiles, installs, a monorepo package's own node_modules) switch versions under it.
 */
export const SQLITE_JSON_SCHEMA = `generator client {
  provider = "prisma-client-js"
}

datasource db {
  provider = "sqlite"
  url      = "file:./dev.db"
}

model Note {
  id        Int      @id @default(autoincrement())
  title     String
  metadata  String   @default("{}")
  createdAt DateTime @default(now())
}
`;
