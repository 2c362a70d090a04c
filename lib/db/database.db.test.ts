import { describe, expect, it } from "vitest";
import { getDatabase, getDb } from "@/lib/db";
import { applyMigrations } from "@/lib/db/migrate";

describe("database", () => {
  it("applies every migration and round-trips BigInt money", async () => {
    const db = await getDb();
    const user = await db.user.create({
      data: { email: `m${Date.now()}@example.com`, name: "M", monthlyBudgetNano: 12_345_678_901_234n },
    });
    const again = await db.user.findUniqueOrThrow({ where: { id: user.id } });
    expect(again.monthlyBudgetNano).toBe(12_345_678_901_234n);
  });

  it("re-applying migrations is a no-op", async () => {
    const { sql } = await getDatabase();
    expect(await applyMigrations(sql)).toEqual([]);
    const rows = await sql.query<{ n: number }>(`SELECT count(*)::int AS n FROM "_prisma_migrations"`);
    expect(rows[0].n).toBeGreaterThan(0);
  });

  it("the committed migrations match the schema", async () => {
    const { sql, kind } = await getDatabase();
    const cols = await sql.query<{ table_name: string }>(`SELECT DISTINCT table_name FROM information_schema.columns WHERE table_schema = 'public'`);
    const tables = cols.map((c) => c.table_name);
    for (const t of ["User", "Conversation", "Message", "Usage", "AuthSession", "Reservation"]) expect(tables).toContain(t);
    expect(["pglite", "postgres"]).toContain(kind);
  });
});
