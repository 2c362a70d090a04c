-- Spend per user, UTC day, personal key and source (chat or API), for "by key" and "chat vs
-- API" on the spend page, its API and the admin view. Read from Usage directly, a year of one
-- heavy user's rows (900,000) took about 450 ms on PostgreSQL; this table holds a few rows per
-- user and day.
--
-- "apiKeyId" is '' for rows without a key: the chat (answers, titles, compare columns), and API
-- calls whose key row was deleted (Usage."apiKeyId" is set null then; their source stays 'api').
-- "source" is 'api' for kind 'api' or any row with a key, 'chat' otherwise.

-- CreateTable
CREATE TABLE "UsageKeyDaily" (
    "userId" TEXT NOT NULL,
    "day" DATE NOT NULL,
    "apiKeyId" TEXT NOT NULL DEFAULT '',
    "source" TEXT NOT NULL,
    "generations" INTEGER NOT NULL DEFAULT 0,
    "pendingCount" INTEGER NOT NULL DEFAULT 0,
    "costNano" BIGINT NOT NULL DEFAULT 0,
    "promptTokens" BIGINT NOT NULL DEFAULT 0,
    "completionTokens" BIGINT NOT NULL DEFAULT 0,
    "cachedTokens" BIGINT NOT NULL DEFAULT 0,
    "reasoningTokens" BIGINT NOT NULL DEFAULT 0,

    CONSTRAINT "UsageKeyDaily_pkey" PRIMARY KEY ("userId","day","apiKeyId","source")
);

-- CreateIndex
CREATE INDEX "UsageKeyDaily_day_idx" ON "UsageKeyDaily"("day");

-- Kept exact like the other rollups (migration 20261124020000_spend): every change to a Usage
-- row moves its contribution in the same transaction. These triggers are named to fire after
-- the earlier ones (triggers run in name order), so the lock order stays UsageDaily,
-- UsageConversationDaily, UsageMonthly, UsageConversationMonthly, then this table, the lower key
-- first within it. A subtraction never inserts and removes a row that reaches zero generations.
CREATE FUNCTION "usage_key_daily_apply"(
  k_user TEXT, k_day DATE, k_key TEXT, k_source TEXT,
  d_generations INTEGER, d_pending INTEGER, d_cost BIGINT,
  d_prompt BIGINT, d_completion BIGINT, d_cached BIGINT, d_reasoning BIGINT
) RETURNS VOID LANGUAGE plpgsql AS $$
BEGIN
  IF d_generations > 0 THEN
    INSERT INTO "UsageKeyDaily" AS d ("userId", "day", "apiKeyId", "source", "generations", "pendingCount",
      "costNano", "promptTokens", "completionTokens", "cachedTokens", "reasoningTokens")
    VALUES (k_user, k_day, k_key, k_source, d_generations, d_pending, d_cost, d_prompt, d_completion, d_cached, d_reasoning)
    ON CONFLICT ("userId", "day", "apiKeyId", "source") DO UPDATE SET
      "generations" = d."generations" + EXCLUDED."generations",
      "pendingCount" = d."pendingCount" + EXCLUDED."pendingCount",
      "costNano" = d."costNano" + EXCLUDED."costNano",
      "promptTokens" = d."promptTokens" + EXCLUDED."promptTokens",
      "completionTokens" = d."completionTokens" + EXCLUDED."completionTokens",
      "cachedTokens" = d."cachedTokens" + EXCLUDED."cachedTokens",
      "reasoningTokens" = d."reasoningTokens" + EXCLUDED."reasoningTokens";
  ELSE
    UPDATE "UsageKeyDaily" SET
      "generations" = "generations" + d_generations,
      "pendingCount" = "pendingCount" + d_pending,
      "costNano" = "costNano" + d_cost,
      "promptTokens" = "promptTokens" + d_prompt,
      "completionTokens" = "completionTokens" + d_completion,
      "cachedTokens" = "cachedTokens" + d_cached,
      "reasoningTokens" = "reasoningTokens" + d_reasoning
    WHERE "userId" = k_user AND "day" = k_day AND "apiKeyId" = k_key AND "source" = k_source;
    IF d_generations < 0 THEN
      DELETE FROM "UsageKeyDaily"
      WHERE "userId" = k_user AND "day" = k_day AND "apiKeyId" = k_key AND "source" = k_source AND "generations" <= 0;
    END IF;
  END IF;
END $$;

CREATE FUNCTION "usage_key_daily_trigger"() RETURNS TRIGGER LANGUAGE plpgsql AS $$
DECLARE
  o_key TEXT[];
  n_key TEXT[];
  o_pending INTEGER := 0;
  n_pending INTEGER := 0;
BEGIN
  IF TG_OP <> 'INSERT' THEN
    o_key := ARRAY[OLD."userId", OLD."createdAt"::date::text, COALESCE(OLD."apiKeyId", ''),
      CASE WHEN OLD."kind" = 'api' OR OLD."apiKeyId" IS NOT NULL THEN 'api' ELSE 'chat' END];
    o_pending := (OLD."costNano" IS NULL)::int;
  END IF;
  IF TG_OP <> 'DELETE' THEN
    n_key := ARRAY[NEW."userId", NEW."createdAt"::date::text, COALESCE(NEW."apiKeyId", ''),
      CASE WHEN NEW."kind" = 'api' OR NEW."apiKeyId" IS NOT NULL THEN 'api' ELSE 'chat' END];
    n_pending := (NEW."costNano" IS NULL)::int;
  END IF;

  IF o_key IS NOT NULL AND n_key IS NOT NULL AND o_key = n_key THEN
    PERFORM "usage_key_daily_apply"(n_key[1], n_key[2]::date, n_key[3], n_key[4], 0, n_pending - o_pending,
      COALESCE(NEW."costNano", 0) - COALESCE(OLD."costNano", 0),
      NEW."promptTokens"::bigint - OLD."promptTokens", NEW."completionTokens"::bigint - OLD."completionTokens",
      NEW."cachedTokens"::bigint - OLD."cachedTokens", NEW."reasoningTokens"::bigint - OLD."reasoningTokens");
  ELSE
    IF n_key IS NOT NULL AND (o_key IS NULL OR n_key < o_key) THEN
      PERFORM "usage_key_daily_apply"(n_key[1], n_key[2]::date, n_key[3], n_key[4], 1, n_pending, COALESCE(NEW."costNano", 0),
        NEW."promptTokens", NEW."completionTokens", NEW."cachedTokens", NEW."reasoningTokens");
      n_key := NULL;
    END IF;
    IF o_key IS NOT NULL THEN
      PERFORM "usage_key_daily_apply"(o_key[1], o_key[2]::date, o_key[3], o_key[4], -1, -o_pending, -COALESCE(OLD."costNano", 0),
        -OLD."promptTokens"::bigint, -OLD."completionTokens"::bigint, -OLD."cachedTokens"::bigint, -OLD."reasoningTokens"::bigint);
    END IF;
    IF n_key IS NOT NULL THEN
      PERFORM "usage_key_daily_apply"(n_key[1], n_key[2]::date, n_key[3], n_key[4], 1, n_pending, COALESCE(NEW."costNano", 0),
        NEW."promptTokens", NEW."completionTokens", NEW."cachedTokens", NEW."reasoningTokens");
    END IF;
  END IF;
  RETURN NULL;
END $$;

CREATE TRIGGER "Usage_rollup_key_daily_insert_delete" AFTER INSERT OR DELETE ON "Usage"
  FOR EACH ROW EXECUTE FUNCTION "usage_key_daily_trigger"();

-- Only changes that move money, tokens or a key column; settlement bookkeeping does not.
CREATE TRIGGER "Usage_rollup_key_daily_update" AFTER UPDATE ON "Usage"
  FOR EACH ROW
  WHEN ((OLD."userId", OLD."createdAt", OLD."apiKeyId", OLD."kind",
         OLD."costNano", OLD."promptTokens", OLD."completionTokens", OLD."cachedTokens", OLD."reasoningTokens")
        IS DISTINCT FROM
        (NEW."userId", NEW."createdAt", NEW."apiKeyId", NEW."kind",
         NEW."costNano", NEW."promptTokens", NEW."completionTokens", NEW."cachedTokens", NEW."reasoningTokens"))
  EXECUTE FUNCTION "usage_key_daily_trigger"();

-- Rows that exist already.
INSERT INTO "UsageKeyDaily" ("userId", "day", "apiKeyId", "source", "generations", "pendingCount",
  "costNano", "promptTokens", "completionTokens", "cachedTokens", "reasoningTokens")
SELECT "userId", "createdAt"::date, COALESCE("apiKeyId", ''),
       CASE WHEN "kind" = 'api' OR "apiKeyId" IS NOT NULL THEN 'api' ELSE 'chat' END,
       COUNT(*), COUNT(*) FILTER (WHERE "costNano" IS NULL), COALESCE(SUM("costNano"), 0),
       SUM("promptTokens"), SUM("completionTokens"), SUM("cachedTokens"), SUM("reasoningTokens")
FROM "Usage"
GROUP BY 1, 2, 3, 4;
