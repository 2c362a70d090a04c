import "server-only";

// PostgreSQL's unique_violation, however it reaches us: Prisma maps it to P2002 on
// adapter-pg, while pglite-prisma-adapter@0.6 passes the raw SQLSTATE through; a raw query
// ($queryRaw, P2010) carries the driver's error under meta.driverAdapterError.
export function isUniqueViolation(error: unknown): boolean {
  const seen = new Set<unknown>();
  let current: unknown = error;
  while (current && typeof current === "object" && !seen.has(current)) {
    seen.add(current);
    const e = current as { code?: unknown; originalCode?: unknown; kind?: unknown; cause?: unknown; meta?: { driverAdapterError?: unknown } };
    if (e.code === "P2002" || e.code === "23505" || e.originalCode === "23505" || e.kind === "UniqueConstraintViolation") {
      return true;
    }
    current = e.cause ?? e.meta?.driverAdapterError;
  }
  return false;
}
