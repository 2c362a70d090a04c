import "server-only";
import { getDatabase } from "@/lib/db";

export type Health = { status: "ok" | "error"; db: "ok" | "error"; error?: string };

export async function checkHealth(): Promise<Health> {
  try {
    const { sql } = await getDatabase();
    await sql.query("SELECT 1");
    return { status: "ok", db: "ok" };
  } catch (error) {
    return { status: "error", db: "error", error: (error as Error).message.split("\n")[0] };
  }
}
