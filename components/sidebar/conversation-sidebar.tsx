"use client";

import { usePathname, useRouter } from "next/navigation";
import { useCallback, useEffect, useMemo, useState } from "react";
import { Search, X } from "lucide-react";
import { Spinner } from "@/components/ui/spinner";
import { groupOf } from "@/lib/history/groups";
import type { ConversationListItem, SearchResult } from "@/lib/history/types";
import * as api from "./api";
import { ConversationItem } from "./conversation-item";
import { ScrollToMessage } from "./scroll-to-message";
import { SearchResults } from "./search-results";
import { useConversationList } from "./use-conversation-list";
import { VirtualList, type VirtualRow } from "./virtual-list";

const ITEM_HEIGHT = 36;
const HEADER_HEIGHT = 30;

type Row = (VirtualRow & { kind: "header"; label: string; groupKey: string }) | (VirtualRow & { kind: "item"; item: ConversationListItem });

/** The conversations part of the sidebar: search box, then the grouped list or the results. */
export function ConversationSidebar({ onNavigate }: { onNavigate?: () => void }) {
  const list = useConversationList();
  const pathname = usePathname();
  const router = useRouter();
  const activeId = /^\/c\/([^/?#]+)/.exec(pathname ?? "")?.[1] ?? null;

  const [query, setQuery] = useState("");
  const search = useHistorySearch(query);

  // Headers are recomputed against "now" on each render of the list; the day only matters
  // at midnight, when any refresh corrects it.
  const rows = useMemo<Row[]>(() => {
    const now = new Date();
    const out: Row[] = [];
    let current = "";
    for (const item of list.items) {
      const group = groupOf(item, now);
      if (group.key !== current) {
        current = group.key;
        out.push({ kind: "header", key: `h:${group.key}`, label: group.label, groupKey: group.key, height: HEADER_HEIGHT });
      }
      out.push({ kind: "item", key: item.id, item, height: ITEM_HEIGHT });
    }
    return out;
  }, [list.items]);

  const { hasMore, loading, loadMore } = list;
  const onNearEnd = useCallback(() => {
    if (hasMore && !loading) loadMore();
  }, [hasMore, loading, loadMore]);

  const onDelete = useCallback(
    (id: string) =>
      list.remove(id, {
        onRemoved: () => {
          if (id === activeId) router.push("/");
        },
      }),
    // eslint-disable-next-line react-hooks/exhaustive-deps -- list.remove is stable
    [activeId, router, list.remove],
  );

  const renderRow = (row: Row) =>
    row.kind === "header" ? (
      <div
        data-testid="conversation-group"
        data-group={row.groupKey}
        className="flex h-full items-end px-2 pb-1 text-xs font-medium text-muted-foreground"
        role="presentation"
      >
        {row.label}
      </div>
    ) : (
      <ConversationItem
        item={row.item}
        active={row.item.id === activeId}
        onNavigate={onNavigate}
        onRename={list.rename}
        onTogglePin={list.togglePin}
        onDelete={onDelete}
      />
    );

  const searching = query.trim().length > 0;

  return (
    <div className="flex min-h-0 flex-1 flex-col">
      {/* Opening a search result (`/c/{id}?m={messageId}`) scrolls the chat to that message. */}
      <ScrollToMessage />
      <div className="relative px-3 pb-2">
        <Search className="pointer-events-none absolute top-1/2 left-5 size-3.5 -translate-y-[calc(50%+4px)] text-muted-foreground" aria-hidden />
        <input
          type="search"
          data-testid="history-search"
          aria-label="Search conversations"
          placeholder="Search"
          value={query}
          maxLength={200}
          onChange={(e) => setQuery(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === "Escape") setQuery("");
          }}
          className="h-8 w-full rounded-md border border-input bg-background pr-7 pl-7 text-sm outline-none placeholder:text-muted-foreground focus-visible:ring-[3px] focus-visible:ring-ring/50 [&::-webkit-search-cancel-button]:hidden"
        />
        {searching && (
          <button
            type="button"
            aria-label="Clear search"
            onClick={() => setQuery("")}
            className="absolute top-1/2 right-4 inline-flex size-6 -translate-y-[calc(50%+4px)] items-center justify-center rounded text-muted-foreground hover:text-foreground"
          >
            {search.loading ? <Spinner size="sm" label={null} /> : <X className="size-3.5" aria-hidden />}
          </button>
        )}
      </div>
      {searching ? (
        <SearchResults results={search.results} loading={search.loading} error={search.error} query={query.trim()} onNavigate={onNavigate} />
      ) : (
        <nav aria-label="Conversations" className="flex min-h-0 flex-1 flex-col">
          <VirtualList
            data-testid="conversation-list"
            data-count={list.items.length}
            className="min-h-0 flex-1 overflow-y-auto px-2 [overflow-anchor:none]"
            rows={rows}
            renderRow={renderRow}
            onNearEnd={onNearEnd}
            footer={
              <ListFooter
                loaded={list.loaded}
                loading={list.loading}
                empty={list.items.length === 0}
                error={list.error}
                onRetry={list.hasMore ? list.loadMore : list.refresh}
              />
            }
          />
        </nav>
      )}
    </div>
  );
}

function ListFooter({
  loaded,
  loading,
  empty,
  error,
  onRetry,
}: {
  loaded: boolean;
  loading: boolean;
  empty: boolean;
  error: string | null;
  onRetry: () => void;
}) {
  if (error) {
    return (
      <div className="px-2 py-3 text-sm text-destructive" role="alert">
        {error}{" "}
        <button type="button" className="underline underline-offset-2" onClick={onRetry}>
          Retry
        </button>
      </div>
    );
  }
  if (loading) {
    return (
      <div className="flex justify-center py-3 text-muted-foreground">
        <Spinner size="sm" label="Loading conversations" />
      </div>
    );
  }
  if (loaded && empty) {
    return (
      <p className="px-2 py-4 text-sm text-muted-foreground" data-testid="conversation-list-empty">
        Your conversations will appear here.
      </p>
    );
  }
  return null;
}

/** Debounced search; only the latest query's answer is shown. */
function useHistorySearch(query: string) {
  const q = query.trim();
  const [answer, setAnswer] = useState<{ q: string; results: SearchResult[] | null; error: string | null } | null>(null);

  useEffect(() => {
    if (!q) return;
    const abort = new AbortController();
    const timer = window.setTimeout(() => {
      api
        .searchHistory(q, abort.signal)
        .then((response) => setAnswer({ q, results: response.results, error: null }))
        .catch((e: unknown) => {
          if (!abort.signal.aborted) setAnswer({ q, results: null, error: e instanceof Error ? e.message : "Search failed." });
        });
    }, 200);
    return () => {
      window.clearTimeout(timer);
      abort.abort();
    };
  }, [q]);

  // The previous answer stays on screen while the next one loads (no flicker while typing).
  const current = q ? answer : null;
  return {
    results: current?.results ?? null,
    error: current?.q === q ? current.error : null,
    loading: Boolean(q) && answer?.q !== q,
  };
}
