-- An answer being written has a status of its own, "streaming", instead of a "partial" row whose
-- metadata said "streaming". Rows written that way by earlier versions take the new value.
-- ALTER TYPE … ADD VALUE cannot be used in the transaction that adds it, so the type is rebuilt.
ALTER TYPE "MessageStatus" RENAME TO "MessageStatus_old";
CREATE TYPE "MessageStatus" AS ENUM ('streaming', 'complete', 'partial', 'error');
ALTER TABLE "Message" ALTER COLUMN "status" DROP DEFAULT;
ALTER TABLE "Message" ALTER COLUMN "status" TYPE "MessageStatus" USING (
  CASE WHEN "status" = 'partial' AND "metadata"->>'status' = 'streaming' THEN 'streaming' ELSE "status"::text END
)::"MessageStatus";
ALTER TABLE "Message" ALTER COLUMN "status" SET DEFAULT 'complete';
DROP TYPE "MessageStatus_old";
