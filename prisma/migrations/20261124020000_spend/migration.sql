-- CreateTable
CREATE TABLE "AppSettings" (
    "id" TEXT NOT NULL DEFAULT 'global',
    "defaultMonthlyBudgetNano" BIGINT,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "AppSettings_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "UsageDaily" (
    "userId" TEXT NOT NULL,
    "day" DATE NOT NULL,
    "model" TEXT NOT NULL,
    "provider" TEXT NOT NULL DEFAULT '',
    "generations" INTEGER NOT NULL DEFAULT 0,
    "pendingCount" INTEGER NOT NULL DEFAULT 0,
    "costNano" BIGINT NOT NULL DEFAULT 0,
    "promptTokens" BIGINT NOT NULL DEFAULT 0,
    "completionTokens" BIGINT NOT NULL DEFAULT 0,
    "cachedTokens" BIGINT NOT NULL DEFAULT 0,
    "reasoningTokens" BIGINT NOT NULL DEFAULT 0,

    CONSTRAINT "UsageDaily_pkey" PRIMARY KEY ("userId","day","model","provider")
);

-- CreateTable
CREATE TABLE "UsageConversationDaily" (
    "userId" TEXT NOT NULL,
    "day" DATE NOT NULL,
    "conversationId" TEXT NOT NULL,
    "generations" INTEGER NOT NULL DEFAULT 0,
    "pendingCount" INTEGER NOT NULL DEFAULT 0,
    "costNano" BIGINT NOT NULL DEFAULT 0,

    CONSTRAINT "UsageConversationDaily_pkey" PRIMARY KEY ("userId","day","conversationId")
);

-- CreateTable
CREATE TABLE "UsageMonthly" (
    "userId" TEXT NOT NULL,
    "month" DATE NOT NULL,
    "generations" INTEGER NOT NULL DEFAULT 0,
    "pendingCount" INTEGER NOT NULL DEFAULT 0,
    "costNano" BIGINT NOT NULL DEFAULT 0,

    CONSTRAINT "UsageMonthly_pkey" PRIMARY KEY ("userId","month")
);

-- CreateIndex
CREATE INDEX "UsageDaily_day_idx" ON "UsageDaily"("day");

-- Keep the rollups exact: every change to a Usage row moves its contribution (one generation,
-- its known cost or one pending, its tokens) between rollup rows in the same transaction.
-- Locks are always taken in one order (UsageDaily, UsageConversationDaily, UsageMonthly; the
-- lower key first within a table), so concurrent writers cannot deadlock. A subtraction never inserts
-- (a user being deleted leaves nothing behind) and removes a row that reaches zero generations.
CREATE FUNCTION "usage_daily_apply"(
  k_user TEXT, k_day DATE, k_model TEXT, k_provider TEXT,
  d_generations INTEGER, d_pending INTEGER, d_cost BIGINT,
  d_prompt BIGINT, d_completion BIGINT, d_cached BIGINT, d_reasoning BIGINT
) RETURNS VOID LANGUAGE plpgsql AS $$
BEGIN
  IF d_generations > 0 THEN
    INSERT INTO "UsageDaily" AS d ("userId", "day", "model", "provider", "generations", "pendingCount",
      "costNano", "promptTokens", "completionTokens", "cachedTokens", "reasoningTokens")
    VALUES (k_user, k_day, k_model, k_provider, d_generations, d_pending, d_cost, d_prompt, d_completion, d_cached, d_reasoning)
    ON CONFLICT ("userId", "day", "model", "provider") DO UPDATE SET
      "generations" = d."generations" + EXCLUDED."generations",
      "pendingCount" = d."pendingCount" + EXCLUDED."pendingCount",
      "costNano" = d."costNano" + EXCLUDED."costNano",
      "promptTokens" = d."promptTokens" + EXCLUDED."promptTokens",
      "completionTokens" = d."completionTokens" + EXCLUDED."completionTokens",
      "cachedTokens" = d."cachedTokens" + EXCLUDED."cachedTokens",
      "reasoningTokens" = d."reasoningTokens" + EXCLUDED."reasoningTokens";
  ELSE
    UPDATE "UsageDaily" SET
      "generations" = "generations" + d_generations,
      "pendingCount" = "pendingCount" + d_pending,
      "costNano" = "costNano" + d_cost,
      "promptTokens" = "promptTokens" + d_prompt,
      "completionTokens" = "completionTokens" + d_completion,
      "cachedTokens" = "cachedTokens" + d_cached,
      "reasoningTokens" = "reasoningTokens" + d_reasoning
    WHERE "userId" = k_user AND "day" = k_day AND "model" = k_model AND "provider" = k_provider;
    IF d_generations < 0 THEN
      DELETE FROM "UsageDaily"
      WHERE "userId" = k_user AND "day" = k_day AND "model" = k_model AND "provider" = k_provider AND "generations" <= 0;
    END IF;
  END IF;
END $$;

CREATE FUNCTION "usage_conversation_daily_apply"(
  k_user TEXT, k_day DATE, k_conv TEXT, d_generations INTEGER, d_pending INTEGER, d_cost BIGINT
) RETURNS VOID LANGUAGE plpgsql AS $$
BEGIN
  IF k_conv IS NULL THEN
    RETURN;
  END IF;
  IF d_generations > 0 THEN
    INSERT INTO "UsageConversationDaily" AS d ("userId", "day", "conversationId", "generations", "pendingCount", "costNano")
    VALUES (k_user, k_day, k_conv, d_generations, d_pending, d_cost)
    ON CONFLICT ("userId", "day", "conversationId") DO UPDATE SET
      "generations" = d."generations" + EXCLUDED."generations",
      "pendingCount" = d."pendingCount" + EXCLUDED."pendingCount",
      "costNano" = d."costNano" + EXCLUDED."costNano";
  ELSE
    UPDATE "UsageConversationDaily" SET
      "generations" = "generations" + d_generations,
      "pendingCount" = "pendingCount" + d_pending,
      "costNano" = "costNano" + d_cost
    WHERE "userId" = k_user AND "day" = k_day AND "conversationId" = k_conv;
    IF d_generations < 0 THEN
      DELETE FROM "UsageConversationDaily"
      WHERE "userId" = k_user AND "day" = k_day AND "conversationId" = k_conv AND "generations" <= 0;
    END IF;
  END IF;
END $$;

CREATE FUNCTION "usage_monthly_apply"(
  k_user TEXT, k_month DATE, d_generations INTEGER, d_pending INTEGER, d_cost BIGINT
) RETURNS VOID LANGUAGE plpgsql AS $$
BEGIN
  IF d_generations > 0 THEN
    INSERT INTO "UsageMonthly" AS d ("userId", "month", "generations", "pendingCount", "costNano")
    VALUES (k_user, k_month, d_generations, d_pending, d_cost)
    ON CONFLICT ("userId", "month") DO UPDATE SET
      "generations" = d."generations" + EXCLUDED."generations",
      "pendingCount" = d."pendingCount" + EXCLUDED."pendingCount",
      "costNano" = d."costNano" + EXCLUDED."costNano";
  ELSE
    UPDATE "UsageMonthly" SET
      "generations" = "generations" + d_generations,
      "pendingCount" = "pendingCount" + d_pending,
      "costNano" = "costNano" + d_cost
    WHERE "userId" = k_user AND "month" = k_month;
    IF d_generations < 0 THEN
      DELETE FROM "UsageMonthly" WHERE "userId" = k_user AND "month" = k_month AND "generations" <= 0;
    END IF;
  END IF;
END $$;

CREATE FUNCTION "usage_daily_trigger"() RETURNS TRIGGER LANGUAGE plpgsql AS $$
DECLARE
  o_key TEXT[];
  n_key TEXT[];
  o_conv TEXT[];
  n_conv TEXT[];
  o_month TEXT[];
  n_month TEXT[];
  o_pending INTEGER := 0;
  n_pending INTEGER := 0;
BEGIN
  IF TG_OP <> 'INSERT' THEN
    o_key := ARRAY[OLD."userId", OLD."createdAt"::date::text, COALESCE(OLD."modelServed", OLD."modelRequested"), COALESCE(OLD."provider", '')];
    IF OLD."conversationId" IS NOT NULL THEN
      o_conv := ARRAY[OLD."userId", OLD."createdAt"::date::text, OLD."conversationId"];
    END IF;
    o_month := ARRAY[OLD."userId", date_trunc('month', OLD."createdAt")::date::text];
    o_pending := (OLD."costNano" IS NULL)::int;
  END IF;
  IF TG_OP <> 'DELETE' THEN
    n_key := ARRAY[NEW."userId", NEW."createdAt"::date::text, COALESCE(NEW."modelServed", NEW."modelRequested"), COALESCE(NEW."provider", '')];
    IF NEW."conversationId" IS NOT NULL THEN
      n_conv := ARRAY[NEW."userId", NEW."createdAt"::date::text, NEW."conversationId"];
    END IF;
    n_month := ARRAY[NEW."userId", date_trunc('month', NEW."createdAt")::date::text];
    n_pending := (NEW."costNano" IS NULL)::int;
  END IF;

  -- UsageDaily
  IF o_key IS NOT NULL AND n_key IS NOT NULL AND o_key = n_key THEN
    PERFORM "usage_daily_apply"(n_key[1], n_key[2]::date, n_key[3], n_key[4], 0, n_pending - o_pending,
      COALESCE(NEW."costNano", 0) - COALESCE(OLD."costNano", 0),
      NEW."promptTokens"::bigint - OLD."promptTokens", NEW."completionTokens"::bigint - OLD."completionTokens",
      NEW."cachedTokens"::bigint - OLD."cachedTokens", NEW."reasoningTokens"::bigint - OLD."reasoningTokens");
  ELSE
    IF n_key IS NOT NULL AND (o_key IS NULL OR n_key < o_key) THEN
      PERFORM "usage_daily_apply"(n_key[1], n_key[2]::date, n_key[3], n_key[4], 1, n_pending, COALESCE(NEW."costNano", 0),
        NEW."promptTokens", NEW."completionTokens", NEW."cachedTokens", NEW."reasoningTokens");
      n_key := NULL;
    END IF;
    IF o_key IS NOT NULL THEN
      PERFORM "usage_daily_apply"(o_key[1], o_key[2]::date, o_key[3], o_key[4], -1, -o_pending, -COALESCE(OLD."costNano", 0),
        -OLD."promptTokens"::bigint, -OLD."completionTokens"::bigint, -OLD."cachedTokens"::bigint, -OLD."reasoningTokens"::bigint);
    END IF;
    IF n_key IS NOT NULL THEN
      PERFORM "usage_daily_apply"(n_key[1], n_key[2]::date, n_key[3], n_key[4], 1, n_pending, COALESCE(NEW."costNano", 0),
        NEW."promptTokens", NEW."completionTokens", NEW."cachedTokens", NEW."reasoningTokens");
    END IF;
  END IF;

  -- UsageConversationDaily
  IF o_conv IS NOT NULL AND n_conv IS NOT NULL AND o_conv = n_conv THEN
    IF n_pending <> o_pending OR NEW."costNano" IS DISTINCT FROM OLD."costNano" THEN
      PERFORM "usage_conversation_daily_apply"(n_conv[1], n_conv[2]::date, n_conv[3], 0, n_pending - o_pending,
        COALESCE(NEW."costNano", 0) - COALESCE(OLD."costNano", 0));
    END IF;
  ELSE
    IF n_conv IS NOT NULL AND (o_conv IS NULL OR n_conv < o_conv) THEN
      PERFORM "usage_conversation_daily_apply"(n_conv[1], n_conv[2]::date, n_conv[3], 1, n_pending, COALESCE(NEW."costNano", 0));
      n_conv := NULL;
    END IF;
    IF o_conv IS NOT NULL THEN
      PERFORM "usage_conversation_daily_apply"(o_conv[1], o_conv[2]::date, o_conv[3], -1, -o_pending, -COALESCE(OLD."costNano", 0));
    END IF;
    IF n_conv IS NOT NULL THEN
      PERFORM "usage_conversation_daily_apply"(n_conv[1], n_conv[2]::date, n_conv[3], 1, n_pending, COALESCE(NEW."costNano", 0));
    END IF;
  END IF;

  -- UsageMonthly
  IF o_month IS NOT NULL AND n_month IS NOT NULL AND o_month = n_month THEN
    IF n_pending <> o_pending OR NEW."costNano" IS DISTINCT FROM OLD."costNano" THEN
      PERFORM "usage_monthly_apply"(n_month[1], n_month[2]::date, 0, n_pending - o_pending,
        COALESCE(NEW."costNano", 0) - COALESCE(OLD."costNano", 0));
    END IF;
  ELSE
    IF n_month IS NOT NULL AND (o_month IS NULL OR n_month < o_month) THEN
      PERFORM "usage_monthly_apply"(n_month[1], n_month[2]::date, 1, n_pending, COALESCE(NEW."costNano", 0));
      n_month := NULL;
    END IF;
    IF o_month IS NOT NULL THEN
      PERFORM "usage_monthly_apply"(o_month[1], o_month[2]::date, -1, -o_pending, -COALESCE(OLD."costNano", 0));
    END IF;
    IF n_month IS NOT NULL THEN
      PERFORM "usage_monthly_apply"(n_month[1], n_month[2]::date, 1, n_pending, COALESCE(NEW."costNano", 0));
    END IF;
  END IF;
  RETURN NULL;
END $$;

CREATE TRIGGER "Usage_daily_insert_delete" AFTER INSERT OR DELETE ON "Usage"
  FOR EACH ROW EXECUTE FUNCTION "usage_daily_trigger"();

-- Only changes that move money, tokens or a key column; settlement bookkeeping does not.
CREATE TRIGGER "Usage_daily_update" AFTER UPDATE ON "Usage"
  FOR EACH ROW
  WHEN ((OLD."userId", OLD."createdAt", OLD."conversationId", OLD."modelServed", OLD."modelRequested", OLD."provider",
         OLD."costNano", OLD."promptTokens", OLD."completionTokens", OLD."cachedTokens", OLD."reasoningTokens")
        IS DISTINCT FROM
        (NEW."userId", NEW."createdAt", NEW."conversationId", NEW."modelServed", NEW."modelRequested", NEW."provider",
         NEW."costNano", NEW."promptTokens", NEW."completionTokens", NEW."cachedTokens", NEW."reasoningTokens"))
  EXECUTE FUNCTION "usage_daily_trigger"();

-- Rows that exist already.
INSERT INTO "UsageDaily" ("userId", "day", "model", "provider", "generations", "pendingCount",
  "costNano", "promptTokens", "completionTokens", "cachedTokens", "reasoningTokens")
SELECT "userId", "createdAt"::date, COALESCE("modelServed", "modelRequested"), COALESCE("provider", ''),
       COUNT(*), COUNT(*) FILTER (WHERE "costNano" IS NULL), COALESCE(SUM("costNano"), 0),
       SUM("promptTokens"), SUM("completionTokens"), SUM("cachedTokens"), SUM("reasoningTokens")
FROM "Usage"
GROUP BY 1, 2, 3, 4;

INSERT INTO "UsageConversationDaily" ("userId", "day", "conversationId", "generations", "pendingCount", "costNano")
SELECT "userId", "createdAt"::date, "conversationId", COUNT(*), COUNT(*) FILTER (WHERE "costNano" IS NULL), COALESCE(SUM("costNano"), 0)
FROM "Usage"
WHERE "conversationId" IS NOT NULL
GROUP BY 1, 2, 3;

INSERT INTO "UsageMonthly" ("userId", "month", "generations", "pendingCount", "costNano")
SELECT "userId", date_trunc('month', "createdAt")::date, COUNT(*), COUNT(*) FILTER (WHERE "costNano" IS NULL), COALESCE(SUM("costNano"), 0)
FROM "Usage"
GROUP BY 1, 2;
