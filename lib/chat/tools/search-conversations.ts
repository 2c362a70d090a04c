import "server-only";
import { tool } from "ai";
import { z } from "zod";
import type { SearchConversationsOutput } from "@/lib/chat/types";
import { searchConversationsForTool } from "@/lib/db/message-search";

export const searchConversationsInput = z.object({
  query: z.string().min(1).max(200).describe("Words to look for in the user's past conversations"),
  limit: z.number().int().min(1).max(10).optional(),
});

export function searchConversationsTool(userId: string) {
  return tool({
    description: "Search the user's own past conversations by words; returns titles and matching snippets.",
    inputSchema: searchConversationsInput,
    execute: async ({ query, limit }): Promise<SearchConversationsOutput> => ({
      results: await searchConversationsForTool(userId, query, limit ?? 5),
    }),
  });
}
