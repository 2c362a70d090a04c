import "server-only";
import { Prisma } from "@/lib/generated/prisma/client";
import { searchOwnedConversations, searchRecentOwnedConversations, type SearchRow } from "@/lib/db/conversation-search";
import { findHits, makeSnippet, parseSearchQuery, type HighlightTerm } from "./query";
import type { SearchResponse, SearchResult } from "./types";

export const DEFAULT_SEARCH_LIMIT = 20;

/**
 * A search first looks at the RECENT_WINDOW most recent conversations. When at least
 * COMMON_HITS of them contain the words, the words are common ("the", "a") and ranking every
 * message in the history holding them would take seconds: the results are the best of those
 * recent conversations instead. Otherwise every match in the history is ranked (tens of
 * milliseconds at 200,000 messages, through the GIN indexes).
 */
export const RECENT_WINDOW = 200;
export const COMMON_HITS = 60;

/** The tsquery for what the user typed, as bound SQL (never interpolated text). */
export function tsqueryFor(input: string): { sql: Prisma.Sql; terms: HighlightTerm[] } {
  const parsed = parseSearchQuery(input);
  return parsed.kind === "prefix"
    ? { sql: Prisma.sql`to_tsquery('simple', ${parsed.tsquery})`, terms: parsed.terms }
    : { sql: Prisma.sql`websearch_to_tsquery('simple', ${parsed.text})`, terms: parsed.terms };
}

/** Full-text search of the caller's own live conversations, with highlighted snippets. */
export async function searchConversations(userId: string, query: string, limit = DEFAULT_SEARCH_LIMIT): Promise<SearchResponse> {
  const { sql, terms } = tsqueryFor(query);
  const recent = await searchRecentOwnedConversations(userId, sql, RECENT_WINDOW, limit);
  const rows = recent.found >= COMMON_HITS ? recent.rows : await searchOwnedConversations(userId, sql, limit);
  return { query, results: rows.map((row) => toResult(row, terms)) };
}

function toResult(row: SearchRow, terms: HighlightTerm[]): SearchResult {
  return {
    conversationId: row.conversationId,
    title: { text: row.title, highlights: findHits(row.title, terms) },
    messageId: row.messageId,
    role: row.role === "user" || row.role === "assistant" ? row.role : null,
    snippet: row.text !== null ? makeSnippet(row.text, terms) : null,
    at: (row.messageAt ?? row.lastMessageAt).toISOString(),
    pinned: row.pinned,
  };
}
