-- History: full-text search over conversation titles and message text.
--
-- Prisma's schema knows the two `searchVector` columns as Unsupported("tsvector") and their GIN
-- indexes (so `migrate diff` stays quiet); what it cannot express is written by hand here: the
-- columns are GENERATED from the text, so every insert and update keeps them current without any
-- application code, on PGlite and PostgreSQL alike.
--
-- The 'simple' configuration lowercases and splits words without stemming or stop words, so any
-- language is searchable. Only the first 100,000 characters of a message are indexed: a tsvector
-- is capped at 1 MB, and an insert must never fail because an answer is long.

-- AlterTable
ALTER TABLE "Conversation" ADD COLUMN "searchVector" tsvector
    GENERATED ALWAYS AS (to_tsvector('simple'::regconfig, "title")) STORED;

-- AlterTable
ALTER TABLE "Message" ADD COLUMN "searchVector" tsvector
    GENERATED ALWAYS AS (to_tsvector('simple'::regconfig, left("text", 100000))) STORED;

-- CreateIndex
CREATE INDEX "Conversation_searchVector_idx" ON "Conversation" USING GIN ("searchVector");

-- CreateIndex
CREATE INDEX "Message_searchVector_idx" ON "Message" USING GIN ("searchVector");
