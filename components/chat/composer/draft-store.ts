"use client";

// The composer's unsent text, per conversation, kept in localStorage under
// `switchboard:draft:{id}` so it survives reloads and navigation. Read through
// useSyncExternalStore, so the server render (no storage) and hydration agree.
import { useCallback, useSyncExternalStore } from "react";

const PREFIX = "switchboard:draft:";
const memory = new Map<string, string>();
const listeners = new Map<string, Set<() => void>>();

function storageKey(id: string): string {
  return `${PREFIX}${id}`;
}

function emit(id: string): void {
  for (const listener of listeners.get(id) ?? []) listener();
}

export function readDraft(id: string): string {
  const cached = memory.get(id);
  if (cached !== undefined) return cached;
  let value = "";
  try {
    value = window.localStorage.getItem(storageKey(id)) ?? "";
  } catch {
    /* storage disabled: keep drafts in memory only */
  }
  memory.set(id, value);
  return value;
}

export function writeDraft(id: string, value: string): void {
  memory.set(id, value);
  try {
    if (value) window.localStorage.setItem(storageKey(id), value);
    else window.localStorage.removeItem(storageKey(id));
  } catch {
    /* quota or disabled storage: the in-memory copy still works */
  }
  emit(id);
}

let storageListening = false;

function subscribe(id: string, listener: () => void): () => void {
  let set = listeners.get(id);
  if (!set) listeners.set(id, (set = new Set()));
  set.add(listener);
  if (!storageListening && typeof window !== "undefined") {
    storageListening = true;
    // Another tab edited a draft: forget our cached copy and re-read.
    window.addEventListener("storage", (event) => {
      if (!event.key?.startsWith(PREFIX)) return;
      const draftId = event.key.slice(PREFIX.length);
      memory.delete(draftId);
      emit(draftId);
    });
  }
  return () => {
    set.delete(listener);
  };
}

export function useDraft(id: string): [string, (value: string) => void] {
  const value = useSyncExternalStore(
    useCallback((listener: () => void) => subscribe(id, listener), [id]),
    () => readDraft(id),
    () => "",
  );
  const set = useCallback((next: string) => writeDraft(id, next), [id]);
  return [value, set];
}
