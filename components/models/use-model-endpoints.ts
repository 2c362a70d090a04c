"use client";

// A model's endpoints (GET /api/models/:author/:slug/endpoints), fetched once per model and kept
// for the session like the catalog; shared by the picker's detail view and the routing settings.
import { useEffect, useSyncExternalStore } from "react";
import { describeError } from "@/lib/errors";
import type { ModelEndpoint } from "@/lib/openrouter/endpoint-types";

export type EndpointsView =
  | { state: "idle" | "loading"; endpoints: ModelEndpoint[] }
  | { state: "ready"; endpoints: ModelEndpoint[] }
  | { state: "error"; endpoints: ModelEndpoint[]; error: string };

const IDLE: EndpointsView = { state: "idle", endpoints: [] };
const LOADING: EndpointsView = { state: "loading", endpoints: [] };

const views = new Map<string, EndpointsView>();
const listeners = new Set<() => void>();

function publish(modelId: string, view: EndpointsView): void {
  views.set(modelId, view);
  for (const listener of listeners) listener();
}

function endpointsPath(modelId: string): string | null {
  const [author, slug, ...rest] = modelId.split("/");
  if (!author || !slug || rest.length > 0) return null;
  return `/api/models/${encodeURIComponent(author)}/${encodeURIComponent(slug)}/endpoints`;
}

function isEndpointList(value: unknown): value is ModelEndpoint[] {
  return (
    Array.isArray(value) &&
    value.every(
      (e) => e && typeof e === "object" && typeof (e as ModelEndpoint).provider === "string" && typeof (e as ModelEndpoint).pricing === "object",
    )
  );
}

async function load(modelId: string): Promise<void> {
  const path = endpointsPath(modelId);
  if (!path) {
    publish(modelId, { state: "error", endpoints: [], error: "This model has no endpoint list." });
    return;
  }
  try {
    const response = await fetch(path, { headers: { accept: "application/json" } });
    const body: unknown = await response.json().catch(() => null);
    const endpoints = body && typeof body === "object" ? (body as { endpoints?: unknown }).endpoints : undefined;
    if (!response.ok || !isEndpointList(endpoints)) {
      publish(modelId, { state: "error", endpoints: [], error: describeError(body).message });
      return;
    }
    publish(modelId, { state: "ready", endpoints });
  } catch (error) {
    publish(modelId, { state: "error", endpoints: [], error: error instanceof Error ? error.message : String(error) });
  }
}

/** Starts loading a model's endpoints unless they are known or on their way. */
function requestModelEndpoints(modelId: string): void {
  const current = views.get(modelId);
  if (current && current.state !== "error") return;
  publish(modelId, LOADING);
  void load(modelId);
}

/** Fetches again after an error. */
export function reloadModelEndpoints(modelId: string): void {
  views.delete(modelId);
  requestModelEndpoints(modelId);
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => {
    listeners.delete(listener);
  };
}

/** The endpoints of `modelId`, loaded on first use ("idle" for null). */
export function useModelEndpoints(modelId: string | null): EndpointsView {
  useEffect(() => {
    if (modelId) requestModelEndpoints(modelId);
  }, [modelId]);
  return useSyncExternalStore(
    subscribe,
    () => (modelId ? (views.get(modelId) ?? IDLE) : IDLE),
    () => IDLE,
  );
}
