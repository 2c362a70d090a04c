"use client";

// A minimal external store (state, set, subscribe) read through useSyncExternalStore: the pattern
// draft-store.ts and the model catalog already use. Chosen over zustand because the chat needs no
// more than this, so nothing is added to the chat page's first-load JavaScript (it has a budget)
// nor to the dependencies.
import { useSyncExternalStore } from "react";

export type Store<S> = {
  get: () => S;
  /** Merges `patch` (or what it returns for the current state) and tells every subscriber. */
  set: (patch: Partial<S> | ((state: S) => Partial<S>)) => void;
  subscribe: (listener: () => void) => () => void;
};

export function createStore<S extends object>(initial: S): Store<S> {
  let state = initial;
  const listeners = new Set<() => void>();
  return {
    get: () => state,
    set: (patch) => {
      const change = typeof patch === "function" ? patch(state) : patch;
      state = { ...state, ...change };
      for (const listener of listeners) listener();
    },
    subscribe: (listener) => {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },
  };
}

/**
 * What `selector` picks from the store, re-rendering only when that changes (compared with
 * Object.is, so a selector returns a field or a primitive, never a fresh object).
 */
export function useStoreSelector<S, T>(store: Store<S>, selector: (state: S) => T): T {
  const read = () => selector(store.get());
  return useSyncExternalStore(store.subscribe, read, read);
}
