"use client";

// The model catalog as the browser sees it: one fetch of GET /api/models shared by every
// component (header, picker, settings), exposed through useSyncExternalStore.
import { useSyncExternalStore } from "react";
import type { AliasSummary } from "@/lib/model-aliases/types";
import type { ModelSummary } from "@/lib/openrouter/types";

export type CatalogView = {
  /** "loading" until the first answer; then what the server said. */
  state: "loading" | "fresh" | "stale" | "unavailable";
  models: ModelSummary[];
  byId: ReadonlyMap<string, ModelSummary>;
  /** The team's model aliases (an admin's names for catalog models), by name. */
  aliases: AliasSummary[];
  error?: string;
};

const LOADING: CatalogView = { state: "loading", models: [], byId: new Map(), aliases: [] };

let snapshot: CatalogView = LOADING;
let inflight: Promise<void> | null = null;
const listeners = new Set<() => void>();

function publish(next: CatalogView): void {
  snapshot = next;
  for (const listener of listeners) listener();
}

function aliasList(value: unknown): AliasSummary[] {
  if (!Array.isArray(value)) return [];
  return value.filter(
    (a): a is AliasSummary =>
      !!a && typeof a === "object" && typeof (a as AliasSummary).name === "string" && typeof (a as AliasSummary).model === "string",
  );
}

function isModelList(value: unknown): value is ModelSummary[] {
  return Array.isArray(value) && value.every((m) => m && typeof m === "object" && typeof (m as ModelSummary).id === "string");
}

async function load(): Promise<void> {
  try {
    const response = await fetch("/api/models", { headers: { accept: "application/json" } });
    const body: unknown = await response.json().catch(() => null);
    const record = body && typeof body === "object" ? (body as Record<string, unknown>) : {};
    const models = isModelList(record.models) ? record.models : [];
    const aliases = aliasList(record.aliases);
    const state = record.state === "fresh" || record.state === "stale" || record.state === "unavailable" ? record.state : null;
    if (!response.ok || !state) {
      publish({ state: "unavailable", models, byId: indexModels(models), aliases, error: errorText(record) ?? `HTTP ${response.status}` });
      return;
    }
    publish({ state, models, byId: indexModels(models), aliases, error: typeof record.error === "string" ? record.error : undefined });
  } catch (error) {
    publish({ state: "unavailable", models: [], byId: new Map(), aliases: [], error: error instanceof Error ? error.message : String(error) });
  } finally {
    inflight = null;
  }
}

function errorText(record: Record<string, unknown>): string | undefined {
  if (typeof record.error === "string") return record.error;
  const nested = record.error as { message?: unknown } | undefined;
  return nested && typeof nested.message === "string" ? nested.message : undefined;
}

function indexModels(models: ModelSummary[]): Map<string, ModelSummary> {
  return new Map(models.map((m) => [m.id, m]));
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  if (snapshot === LOADING && !inflight) inflight = load();
  return () => {
    listeners.delete(listener);
  };
}

/** Fetch the catalog again (after "unavailable", or on demand). */
export function reloadModelCatalog(): void {
  if (inflight) return;
  inflight = load();
}

export function useModelCatalog(): CatalogView {
  return useSyncExternalStore(
    subscribe,
    () => snapshot,
    () => LOADING,
  );
}
