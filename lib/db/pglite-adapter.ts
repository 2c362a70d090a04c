import type { PGlite } from "@electric-sql/pglite";
import type { SqlMigrationAwareDriverAdapterFactory } from "@prisma/driver-adapter-utils";
import { PrismaPGlite } from "pglite-prisma-adapter";

/**
 * pglite-prisma-adapter@0.6.1 (the last line for Prisma 6) is typed against
 * driver-adapter-utils 6.10, whose `ArgType` differs in name only from 6.19's; at run time
 * it speaks the same protocol (the database tests prove it). One cast, here.
 */
export function pgliteAdapter(pglite: PGlite): SqlMigrationAwareDriverAdapterFactory {
  return new PrismaPGlite(pglite) as unknown as SqlMigrationAwareDriverAdapterFactory;
}
