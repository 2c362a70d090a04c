"use client";

import Link from "next/link";
import type { SearchResult } from "@/lib/history/types";
import { HighlightedText } from "./highlighted-text";

const dateFormat = new Intl.DateTimeFormat(undefined, { month: "short", day: "numeric", year: "numeric" });

export function resultHref(result: SearchResult): string {
  const base = `/c/${encodeURIComponent(result.conversationId)}`;
  return result.messageId ? `${base}?m=${encodeURIComponent(result.messageId)}` : base;
}

export function SearchResults({
  results,
  loading,
  error,
  query,
  onNavigate,
}: {
  results: SearchResult[] | null;
  loading: boolean;
  error: string | null;
  query: string;
  onNavigate?: () => void;
}) {
  return (
    <div className="min-h-0 flex-1 overflow-y-auto px-2 pb-2" data-testid="search-results" aria-busy={loading}>
      {error && <p className="px-2 py-3 text-sm text-destructive">{error}</p>}
      {!error && results !== null && results.length === 0 && !loading && (
        <p className="px-2 py-3 text-sm text-muted-foreground" data-testid="search-empty">
          Nothing found for “{query}”.
        </p>
      )}
      {results === null && loading && <p className="px-2 py-3 text-sm text-muted-foreground">Searching…</p>}
      <ul className="flex flex-col gap-0.5" aria-label="Search results">
        {(results ?? []).map((result) => (
          <li key={result.conversationId}>
            <Link
              href={resultHref(result)}
              onClick={onNavigate}
              data-testid="search-result"
              data-conversation-id={result.conversationId}
              data-result-message-id={result.messageId ?? undefined}
              className="block rounded-md px-2 py-1.5 text-sm outline-none hover:bg-sidebar-accent/60 focus-visible:ring-[3px] focus-visible:ring-ring/50"
            >
              <div className="flex items-baseline gap-2">
                <HighlightedText value={result.title} className="min-w-0 flex-1 truncate font-medium" />
                <time className="shrink-0 text-xs text-muted-foreground" dateTime={result.at}>
                  {dateFormat.format(new Date(result.at))}
                </time>
              </div>
              {result.snippet && <HighlightedText value={result.snippet} className="mt-0.5 line-clamp-2 text-xs break-words text-muted-foreground" />}
            </Link>
          </li>
        ))}
      </ul>
    </div>
  );
}
