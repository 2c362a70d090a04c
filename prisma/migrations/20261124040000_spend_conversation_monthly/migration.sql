-- Spend per user, UTC month and conversation, for "most expensive conversations" over long
-- ranges: whole months come from here (one row per conversation and month) instead of one
-- row per conversation and day from "UsageConversationDaily".

-- CreateTable
CREATE TABLE "UsageConversationMonthly" (
    "userId" TEXT NOT NULL,
    "month" DATE NOT NULL,
    "conversationId" TEXT NOT NULL,
    "generations" INTEGER NOT NULL DEFAULT 0,
    "pendingCount" INTEGER NOT NULL DEFAULT 0,
    "costNano" BIGINT NOT NULL DEFAULT 0,

    CONSTRAINT "UsageConversationMonthly_pkey" PRIMARY KEY ("userId","month","conversationId")
);

-- Kept exact like the other rollups (migration 20261124020000_spend): every change to a Usage
-- row moves its contribution in the same transaction. These triggers fire after the earlier
-- ones (triggers run in name order), so the lock order stays UsageDaily,
-- UsageConversationDaily, UsageMonthly, then this table, the lower key first within it.
CREATE FUNCTION "usage_conversation_monthly_apply"(
  k_user TEXT, k_month DATE, k_conv TEXT, d_generations INTEGER, d_pending INTEGER, d_cost BIGINT
) RETURNS VOID LANGUAGE plpgsql AS $$
BEGIN
  IF k_conv IS NULL THEN
    RETURN;
  END IF;
  IF d_generations > 0 THEN
    INSERT INTO "UsageConversationMonthly" AS d ("userId", "month", "conversationId", "generations", "pendingCount", "costNano")
    VALUES (k_user, k_month, k_conv, d_generations, d_pending, d_cost)
    ON CONFLICT ("userId", "month", "conversationId") DO UPDATE SET
      "generations" = d."generations" + EXCLUDED."generations",
      "pendingCount" = d."pendingCount" + EXCLUDED."pendingCount",
      "costNano" = d."costNano" + EXCLUDED."costNano";
  ELSE
    UPDATE "UsageConversationMonthly" SET
      "generations" = "generations" + d_generations,
      "pendingCount" = "pendingCount" + d_pending,
      "costNano" = "costNano" + d_cost
    WHERE "userId" = k_user AND "month" = k_month AND "conversationId" = k_conv;
    IF d_generations < 0 THEN
      DELETE FROM "UsageConversationMonthly"
      WHERE "userId" = k_user AND "month" = k_month AND "conversationId" = k_conv AND "generations" <= 0;
    END IF;
  END IF;
END $$;

CREATE FUNCTION "usage_conversation_monthly_trigger"() RETURNS TRIGGER LANGUAGE plpgsql AS $$
DECLARE
  o_key TEXT[];
  n_key TEXT[];
  o_pending INTEGER := 0;
  n_pending INTEGER := 0;
BEGIN
  IF TG_OP <> 'INSERT' AND OLD."conversationId" IS NOT NULL THEN
    o_key := ARRAY[OLD."userId", date_trunc('month', OLD."createdAt")::date::text, OLD."conversationId"];
    o_pending := (OLD."costNano" IS NULL)::int;
  END IF;
  IF TG_OP <> 'DELETE' AND NEW."conversationId" IS NOT NULL THEN
    n_key := ARRAY[NEW."userId", date_trunc('month', NEW."createdAt")::date::text, NEW."conversationId"];
    n_pending := (NEW."costNano" IS NULL)::int;
  END IF;

  IF o_key IS NOT NULL AND n_key IS NOT NULL AND o_key = n_key THEN
    IF n_pending <> o_pending OR NEW."costNano" IS DISTINCT FROM OLD."costNano" THEN
      PERFORM "usage_conversation_monthly_apply"(n_key[1], n_key[2]::date, n_key[3], 0, n_pending - o_pending,
        COALESCE(NEW."costNano", 0) - COALESCE(OLD."costNano", 0));
    END IF;
  ELSE
    IF n_key IS NOT NULL AND (o_key IS NULL OR n_key < o_key) THEN
      PERFORM "usage_conversation_monthly_apply"(n_key[1], n_key[2]::date, n_key[3], 1, n_pending, COALESCE(NEW."costNano", 0));
      n_key := NULL;
    END IF;
    IF o_key IS NOT NULL THEN
      PERFORM "usage_conversation_monthly_apply"(o_key[1], o_key[2]::date, o_key[3], -1, -o_pending, -COALESCE(OLD."costNano", 0));
    END IF;
    IF n_key IS NOT NULL THEN
      PERFORM "usage_conversation_monthly_apply"(n_key[1], n_key[2]::date, n_key[3], 1, n_pending, COALESCE(NEW."costNano", 0));
    END IF;
  END IF;
  RETURN NULL;
END $$;

CREATE TRIGGER "Usage_rollup_conversation_monthly_insert_delete" AFTER INSERT OR DELETE ON "Usage"
  FOR EACH ROW EXECUTE FUNCTION "usage_conversation_monthly_trigger"();

CREATE TRIGGER "Usage_rollup_conversation_monthly_update" AFTER UPDATE ON "Usage"
  FOR EACH ROW
  WHEN ((OLD."userId", OLD."createdAt", OLD."conversationId", OLD."costNano")
        IS DISTINCT FROM (NEW."userId", NEW."createdAt", NEW."conversationId", NEW."costNano"))
  EXECUTE FUNCTION "usage_conversation_monthly_trigger"();

-- Rows that exist already.
INSERT INTO "UsageConversationMonthly" ("userId", "month", "conversationId", "generations", "pendingCount", "costNano")
SELECT "userId", date_trunc('month', "createdAt")::date, "conversationId", COUNT(*), COUNT(*) FILTER (WHERE "costNano" IS NULL), COALESCE(SUM("costNano"), 0)
FROM "Usage"
WHERE "conversationId" IS NOT NULL
GROUP BY 1, 2, 3;
