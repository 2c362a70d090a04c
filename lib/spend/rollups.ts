import "server-only";
import { getDatabase } from "@/lib/db";

// The spend rollups ("UsageDaily", "UsageConversationDaily", "UsageMonthly",
// "UsageConversationMonthly") are kept by triggers on Usage (migrations 20261124020000_spend
// and 20261124040000_spend_conversation_monthly). This rebuilds them from Usage in one
// transaction — for repairs and for bulk loads done with the triggers disabled. The same
// GROUP BYs as the migration's backfill.

export const REBUILD_ROLLUPS_SQL = `
BEGIN;
LOCK TABLE "Usage" IN SHARE MODE;
DELETE FROM "UsageDaily";
DELETE FROM "UsageConversationDaily";
DELETE FROM "UsageMonthly";
DELETE FROM "UsageConversationMonthly";
INSERT INTO "UsageDaily" ("userId", "day", "model", "provider", "generations", "pendingCount",
  "costNano", "promptTokens", "completionTokens", "cachedTokens", "reasoningTokens")
SELECT "userId", "createdAt"::date, COALESCE("modelServed", "modelRequested"), COALESCE("provider", ''),
       COUNT(*), COUNT(*) FILTER (WHERE "costNano" IS NULL), COALESCE(SUM("costNano"), 0),
       SUM("promptTokens"), SUM("completionTokens"), SUM("cachedTokens"), SUM("reasoningTokens")
FROM "Usage" GROUP BY 1, 2, 3, 4;
INSERT INTO "UsageConversationDaily" ("userId", "day", "conversationId", "generations", "pendingCount", "costNano")
SELECT "userId", "createdAt"::date, "conversationId", COUNT(*), COUNT(*) FILTER (WHERE "costNano" IS NULL), COALESCE(SUM("costNano"), 0)
FROM "Usage" WHERE "conversationId" IS NOT NULL GROUP BY 1, 2, 3;
INSERT INTO "UsageMonthly" ("userId", "month", "generations", "pendingCount", "costNano")
SELECT "userId", date_trunc('month', "createdAt")::date, COUNT(*), COUNT(*) FILTER (WHERE "costNano" IS NULL), COALESCE(SUM("costNano"), 0)
FROM "Usage" GROUP BY 1, 2;
INSERT INTO "UsageConversationMonthly" ("userId", "month", "conversationId", "generations", "pendingCount", "costNano")
SELECT "userId", date_trunc('month', "createdAt")::date, "conversationId", COUNT(*), COUNT(*) FILTER (WHERE "costNano" IS NULL), COALESCE(SUM("costNano"), 0)
FROM "Usage" WHERE "conversationId" IS NOT NULL GROUP BY 1, 2, 3;
COMMIT;`;

export async function rebuildRollups(): Promise<void> {
  const { sql } = await getDatabase();
  await sql.exec(REBUILD_ROLLUPS_SQL);
}
