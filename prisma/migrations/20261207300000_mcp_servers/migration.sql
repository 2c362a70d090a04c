-- MCP servers added on the admin page (ownerId null) or by a user for themselves. A user's servers
-- go with their account (the foreign key below); names are unique per owner (two partial indexes,
-- since NULLs never collide in a unique index).
CREATE TABLE "McpServer" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "url" TEXT NOT NULL,
    "transport" TEXT NOT NULL DEFAULT 'streamable-http',
    "credentials" TEXT,
    "enabledTools" JSONB,
    "availability" TEXT NOT NULL DEFAULT 'everyone',
    "approvalTools" JSONB NOT NULL DEFAULT '[]',
    "ownerId" TEXT,
    "status" TEXT NOT NULL DEFAULT 'unknown',
    "lastError" TEXT,
    "tools" JSONB,
    "toolsFetchedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "McpServer_pkey" PRIMARY KEY ("id")
);
CREATE INDEX "McpServer_ownerId_idx" ON "McpServer"("ownerId");
CREATE UNIQUE INDEX "McpServer_team_name_key" ON "McpServer"("name") WHERE "ownerId" IS NULL;
CREATE UNIQUE INDEX "McpServer_owner_name_key" ON "McpServer"("ownerId", "name") WHERE "ownerId" IS NOT NULL;
ALTER TABLE "McpServer" ADD CONSTRAINT "McpServer_ownerId_fkey" FOREIGN KEY ("ownerId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;
