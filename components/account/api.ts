"use client";

import { describeError } from "@/lib/errors";

// The account page's calls for personal API keys: each resolves to the body or throws an Error
// whose message is the server's sentence for the error code (lib/errors describeError).

/** A key as the server shows it to its owner: never the key itself after creation. */
export type ApiKeyView = {
  id: string;
  name: string;
  /** "sbk_AbCd1234": the start of the key, shown from then on. */
  prefix: string;
  /** Catalog ids or alias names; empty = every model. */
  allowedModels: string[];
  monthlyCapNano: string | null;
  keepLog: boolean;
  requestsPerMinute: number | null;
  tokensPerMinute: number | null;
  expiresAt: string | null;
  lastUsedAt: string | null;
  revokedAt: string | null;
  createdAt: string;
};

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

export type KeyStatus = "active" | "expired" | "revoked";

export function keyStatus(key: Pick<ApiKeyView, "revokedAt" | "expiresAt">, now = Date.now()): KeyStatus {
  if (key.revokedAt) return "revoked";
  if (key.expiresAt && Date.parse(key.expiresAt) <= now) return "expired";
  return "active";
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
