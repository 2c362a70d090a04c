"use client";

import type { ApiKeyView } from "@/lib/api-keys/schemas";
import { describeError } from "@/lib/errors";

export type { ApiKeyView };
export { apiKeyStatus as keyStatus, type ApiKeyStatus as KeyStatus } from "@/lib/api-keys/schemas";

// The account page's calls for personal API keys: each resolves to the body or throws an Error
// whose message is the server's sentence for the error code (lib/errors describeError).

export type NewApiKeyRequest = {
  name: string;
  expiresAt: string | null;
  allowedModels: string[];
  monthlyCapUsd: string | null;
  keepLog: boolean;
};

export async function requestJson<T>(url: string, init: { method?: "GET" | "POST" | "PUT" | "DELETE"; body?: unknown } = {}): Promise<T> {
  let response: Response;
  try {
    response = await fetch(url, {
      method: init.method ?? "GET",
      headers: init.body === undefined ? { accept: "application/json" } : { "content-type": "application/json", accept: "application/json" },
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
    });
  } catch {
    throw new Error("Could not reach the server. Check your connection and try again.");
  }
  const json: unknown = await response.json().catch(() => null);
  if (!response.ok) throw new Error(describeError(json).message);
  return json as T;
}

export function listKeys(): Promise<{ keys: ApiKeyView[] }> {
  return requestJson("/api/account/keys");
}

export function createKey(body: NewApiKeyRequest): Promise<{ key: string; apiKey: ApiKeyView }> {
  return requestJson("/api/account/keys", { method: "POST", body });
}

export function revokeKey(id: string): Promise<{ apiKey: ApiKeyView }> {
  return requestJson(`/api/account/keys/${encodeURIComponent(id)}`, { method: "DELETE" });
}

const dateTime = new Intl.DateTimeFormat("en", {
  year: "numeric",
  month: "short",
  day: "numeric",
  hour: "2-digit",
  minute: "2-digit",
  hourCycle: "h23",
  timeZone: "UTC",
});

/** The same text on the server and in the browser (UTC), so the page hydrates without a mismatch. */
export function formatTime(iso: string): string {
  return `${dateTime.format(new Date(iso))} UTC`;
}
