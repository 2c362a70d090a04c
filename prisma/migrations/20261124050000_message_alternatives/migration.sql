-- Alternative answers of a turn (regenerate, compare): several messages may share a position,
-- told apart by `variant`; `shown` marks the one the conversation continues from (exactly one
-- per position, kept by the statements that write them).
ALTER TABLE "Message" ADD COLUMN "variant" INTEGER NOT NULL DEFAULT 0;
ALTER TABLE "Message" ADD COLUMN "shown" BOOLEAN NOT NULL DEFAULT true;

DROP INDEX "Message_conversationId_position_key";
CREATE UNIQUE INDEX "Message_conversationId_position_variant_key" ON "Message"("conversationId", "position", "variant");
