"use client";

// The signed-in user's favourite / recent / default models: GET once, PATCH on change
// (optimistic, reverted with a toast when the server refuses).
import { useSyncExternalStore } from "react";
import { toast } from "@/components/ui/toaster";
import type { ModelPreferences, RoutingSettings } from "@/lib/chat/types";
import { describeError } from "@/lib/errors";

export type PreferencesView = ModelPreferences & { loaded: boolean };

const EMPTY: PreferencesView = { loaded: false, defaultModel: "", favoriteModels: [], recentModels: [] };

let snapshot: PreferencesView = EMPTY;
let requested = false;
const listeners = new Set<() => void>();

function publish(next: PreferencesView): void {
  snapshot = next;
  for (const listener of listeners) listener();
}

function asPreferences(body: unknown): ModelPreferences | null {
  if (!body || typeof body !== "object") return null;
  const record = body as Record<string, unknown>;
  const strings = (v: unknown) => (Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : []);
  return {
    defaultModel: typeof record.defaultModel === "string" ? record.defaultModel : "",
    favoriteModels: strings(record.favoriteModels),
    recentModels: strings(record.recentModels),
    // The server validated it when saving (routingSettingsSchema); only its shape is checked here.
    defaultRouting:
      record.defaultRouting && typeof record.defaultRouting === "object" && !Array.isArray(record.defaultRouting)
        ? (record.defaultRouting as RoutingSettings)
        : null,
    defaultTools: Array.isArray(record.defaultTools) ? strings(record.defaultTools) : null,
  };
}

async function load(): Promise<void> {
  try {
    const response = await fetch("/api/me/preferences", { headers: { accept: "application/json" } });
    if (!response.ok) return;
    const prefs = asPreferences(await response.json());
    // A PATCH may have landed first; keep its (newer) answer.
    if (prefs && !snapshot.loaded) publish({ ...prefs, loaded: true });
  } catch {
    /* the picker still works without preferences */
  }
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  if (!requested) {
    requested = true;
    void load();
  }
  return () => {
    listeners.delete(listener);
  };
}

export function useModelPreferences(): PreferencesView {
  return useSyncExternalStore(
    subscribe,
    () => snapshot,
    () => EMPTY,
  );
}

async function patch(
  change: { favoriteModels?: string[]; defaultModel?: string; defaultRouting?: RoutingSettings | null; defaultTools?: string[] | null },
  previous: PreferencesView,
  failure: string,
): Promise<boolean> {
  try {
    const response = await fetch("/api/me/preferences", {
      method: "PATCH",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(change),
    });
    const body: unknown = await response.json().catch(() => null);
    if (!response.ok) throw describeError(body);
    const prefs = asPreferences(body);
    if (prefs) publish({ ...prefs, loaded: true });
    return true;
  } catch (error) {
    publish(previous);
    const description = error && typeof error === "object" && "message" in error ? String((error as { message: unknown }).message) : undefined;
    toast({ title: failure, description, variant: "destructive" });
    return false;
  }
}

export function toggleFavoriteModel(modelId: string): void {
  const previous = snapshot;
  const favorites = previous.favoriteModels.includes(modelId)
    ? previous.favoriteModels.filter((id) => id !== modelId)
    : [...previous.favoriteModels, modelId];
  publish({ ...previous, favoriteModels: favorites });
  void patch({ favoriteModels: favorites }, previous, "Could not save your favourites");
}

export function setDefaultModel(modelId: string): void {
  const previous = snapshot;
  publish({ ...previous, defaultModel: modelId });
  void patch({ defaultModel: modelId }, previous, "Could not save your default model");
}

/** Routing new conversations start with (null: OpenRouter's defaults); resolves whether it was saved. */
export function setDefaultRouting(routing: RoutingSettings | null): Promise<boolean> {
  const previous = snapshot;
  publish({ ...previous, defaultRouting: routing });
  return patch({ defaultRouting: routing }, previous, "Could not save your default routing");
}

/** The tools conversations without a choice of their own use (null: the built-in defaults); resolves whether it was saved. */
export function setDefaultTools(tools: string[] | null): Promise<boolean> {
  const previous = snapshot;
  publish({ ...previous, defaultTools: tools });
  return patch({ defaultTools: tools }, previous, "Could not save your default tools");
}

/** The server records recent models itself; mirror it locally so the picker is current without a refetch. */
export function noteRecentModel(modelId: string): void {
  const recent = [modelId, ...snapshot.recentModels.filter((id) => id !== modelId)].slice(0, 10);
  if (recent.join("\n") === snapshot.recentModels.join("\n")) return;
  publish({ ...snapshot, recentModels: recent });
}
