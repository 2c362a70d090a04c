"use client";

import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { toast } from "@/components/ui/toaster";
import { CONVERSATIONS_CHANGED_EVENT, type ConversationListItem } from "@/lib/history/types";
import * as api from "./api";

// The sidebar's list: pages fetched by cursor, plus optimistic changes laid over them until the
// server confirms (then the server's row replaces the guess) or refuses (then the guess goes).

export const PAGE_SIZE = 50;

type Override = { title?: string; pinned?: boolean; hidden?: boolean };

type Base = { items: ConversationListItem[]; nextCursor: string | null };

export type ConversationListState = {
  items: ConversationListItem[];
  hasMore: boolean;
  loading: boolean;
  loaded: boolean;
  error: string | null;
  loadMore(): void;
  refresh(): void;
  rename(id: string, title: string): void;
  togglePin(id: string): void;
  remove(id: string, options?: { onRemoved?: () => void }): void;
};

/** Pinned first, then most recent; ties keep the server's order (the sort is stable). */
function byListOrder(a: ConversationListItem, b: ConversationListItem): number {
  if (a.pinned !== b.pinned) return a.pinned ? -1 : 1;
  return Date.parse(b.lastMessageAt) - Date.parse(a.lastMessageAt);
}

/** Replaces or adds rows by id, keeping list order. */
function upsert(items: ConversationListItem[], rows: ConversationListItem[]): ConversationListItem[] {
  const byId = new Map(rows.map((r) => [r.id, r]));
  const kept = items.filter((i) => !byId.has(i.id));
  return [...kept, ...rows].sort(byListOrder);
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : "Something went wrong.";
}

export function useConversationList(): ConversationListState {
  const [base, setBase] = useState<Base>({ items: [], nextCursor: null });
  const [overrides, setOverrides] = useState<ReadonlyMap<string, Override>>(new Map());
  // The first page is on its way from the first render.
  const [loading, setLoading] = useState(true);
  const [loaded, setLoaded] = useState(false);
  const [error, setError] = useState<string | null>(null);
  // A refresh makes any page still on its way stale: its cursor belongs to the old list.
  const epoch = useRef(0);
  const loadingMore = useRef(false);
  const baseRef = useRef(base);
  useEffect(() => {
    baseRef.current = base;
  }, [base]);

  const setOverride = useCallback((id: string, change: Override | null) => {
    setOverrides((current) => {
      const next = new Map(current);
      if (change === null) next.delete(id);
      else next.set(id, { ...next.get(id), ...change });
      return next;
    });
  }, []);

  /** Fetches the first page; state changes only when it answers (safe to call from an effect). */
  const fetchFirstPage = useCallback(() => {
    const mine = ++epoch.current;
    loadingMore.current = false;
    api
      .fetchPage(null, PAGE_SIZE)
      .then((page) => {
        if (mine !== epoch.current) return;
        setBase((current) => {
          if (!page.nextCursor) return { items: page.items, nextCursor: null };
          // Keep the rows already loaded beyond the first page (they are still further down),
          // minus any that the first page now holds (they moved up).
          const last = page.items[page.items.length - 1];
          const firstIds = new Set(page.items.map((i) => i.id));
          const rest = current.items.filter((i) => !firstIds.has(i.id) && byListOrder(i, last) > 0);
          const keepCursor = rest.length > 0 ? current.nextCursor : page.nextCursor;
          return { items: [...page.items, ...rest], nextCursor: keepCursor };
        });
        setError(null);
        setLoaded(true);
      })
      .catch((e: unknown) => {
        if (mine === epoch.current) setError(errorMessage(e));
      })
      .finally(() => {
        if (mine === epoch.current) setLoading(false);
      });
  }, []);

  const refresh = useCallback(() => {
    setLoading(true);
    fetchFirstPage();
  }, [fetchFirstPage]);

  const loadMore = useCallback(() => {
    const cursor = baseRef.current.nextCursor;
    if (!cursor || loadingMore.current) return;
    loadingMore.current = true;
    const mine = epoch.current;
    setLoading(true);
    api
      .fetchPage(cursor, PAGE_SIZE)
      .then((page) => {
        if (mine !== epoch.current) return;
        setBase((current) => {
          const have = new Set(current.items.map((i) => i.id));
          return { items: [...current.items, ...page.items.filter((i) => !have.has(i.id))], nextCursor: page.nextCursor };
        });
        setError(null);
      })
      .catch((e: unknown) => {
        if (mine === epoch.current) setError(errorMessage(e));
      })
      .finally(() => {
        if (mine !== epoch.current) return;
        loadingMore.current = false;
        setLoading(false);
      });
  }, []);

  // First page, and again whenever the chat says a conversation appeared or changed.
  useEffect(() => {
    fetchFirstPage();
    const onChanged = (event: Event) => {
      const detail = (event as CustomEvent<{ id?: unknown; title?: unknown } | null>).detail;
      if (detail && typeof detail.id === "string" && typeof detail.title === "string") {
        const { id, title } = detail;
        setBase((current) => ({ ...current, items: current.items.map((i) => (i.id === id ? { ...i, title } : i)) }));
      }
      refresh();
    };
    window.addEventListener(CONVERSATIONS_CHANGED_EVENT, onChanged);
    return () => window.removeEventListener(CONVERSATIONS_CHANGED_EVENT, onChanged);
  }, [fetchFirstPage, refresh]);

  const confirm = useCallback((row: ConversationListItem) => {
    setBase((current) => ({ ...current, items: upsert(current.items, [row]) }));
  }, []);

  const rename = useCallback(
    (id: string, title: string) => {
      const clean = title.replace(/\s+/g, " ").trim();
      const current = baseRef.current.items.find((i) => i.id === id);
      if (!clean || !current || clean === current.title) return;
      setOverride(id, { title: clean });
      api
        .patchConversation(id, { title: clean })
        .then(confirm)
        .catch((e: unknown) => toast({ title: "Could not rename", description: errorMessage(e), variant: "destructive" }))
        .finally(() => setOverride(id, null));
    },
    [confirm, setOverride],
  );

  const togglePin = useCallback(
    (id: string) => {
      const current = baseRef.current.items.find((i) => i.id === id);
      if (!current) return;
      const pinned = !(overrides.get(id)?.pinned ?? current.pinned);
      setOverride(id, { pinned });
      api
        .patchConversation(id, { pinned })
        .then(confirm)
        .catch((e: unknown) => toast({ title: pinned ? "Could not pin" : "Could not unpin", description: errorMessage(e), variant: "destructive" }))
        .finally(() => setOverride(id, null));
    },
    [confirm, overrides, setOverride],
  );

  const remove = useCallback(
    (id: string, options?: { onRemoved?: () => void }) => {
      const current = baseRef.current.items.find((i) => i.id === id);
      if (!current) return;
      setOverride(id, { hidden: true });
      options?.onRemoved?.();
      let undone = false;
      const deleting = api.deleteConversation(id).then(
        () => {
          if (!undone) {
            setBase((b) => ({ ...b, items: b.items.filter((i) => i.id !== id) }));
            setOverride(id, null);
          }
          return true;
        },
        (e: unknown) => {
          setOverride(id, null);
          toast({ id: `deleted-${id}`, title: "Could not delete", description: errorMessage(e), variant: "destructive" });
          return false;
        },
      );
      const undo = () => {
        // Shown again at once; restored on the server once the delete has landed.
        undone = true;
        setOverride(id, { hidden: false });
        void deleting
          .then((deleted) => (deleted ? api.restoreConversation(id).then(confirm) : undefined))
          .catch((e: unknown) => {
            setBase((b) => ({ ...b, items: b.items.filter((i) => i.id !== id) }));
            toast({ title: "Could not restore", description: errorMessage(e), variant: "destructive" });
          })
          .finally(() => setOverride(id, null));
      };
      toast({
        id: `deleted-${id}`,
        title: "Conversation deleted",
        description: current.title,
        action: { label: "Undo", onClick: undo },
      });
    },
    [confirm, setOverride],
  );

  const items = useMemo(() => {
    if (overrides.size === 0) return base.items;
    const shown = base.items
      .filter((i) => !overrides.get(i.id)?.hidden)
      .map((i) => {
        const o = overrides.get(i.id);
        return o ? { ...i, ...(o.title !== undefined ? { title: o.title } : {}), ...(o.pinned !== undefined ? { pinned: o.pinned } : {}) } : i;
      });
    return [...shown].sort(byListOrder);
  }, [base.items, overrides]);

  return {
    items,
    hasMore: base.nextCursor !== null,
    loading,
    loaded,
    error,
    loadMore,
    refresh,
    rename,
    togglePin,
    remove,
  };
}
