// The history API from the browser. Errors come back as sentences (lib/errors describeError).
import { describeError } from "@/lib/errors";
import type { ConversationListItem, ConversationPage, ConversationPatchResponse, SearchResponse } from "@/lib/history/types";

export class HistoryApiError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status: number,
  ) {
    super(message);
    this.name = "HistoryApiError";
  }
}

async function call<T>(input: string, init?: RequestInit): Promise<T> {
  const response = await fetch(input, {
    ...init,
    cache: "no-store",
    headers: { accept: "application/json", ...(init?.body ? { "content-type": "application/json" } : {}), ...init?.headers },
  });
  const body: unknown = await response.json().catch(() => null);
  if (!response.ok) {
    const { code, message } = describeError(body);
    throw new HistoryApiError(code, message, response.status);
  }
  return body as T;
}

export function fetchPage(cursor: string | null, limit: number, signal?: AbortSignal): Promise<ConversationPage> {
  const params = new URLSearchParams({ limit: String(limit) });
  if (cursor) params.set("cursor", cursor);
  return call<ConversationPage>(`/api/conversations?${params}`, { signal });
}

export function searchHistory(q: string, signal?: AbortSignal): Promise<SearchResponse> {
  return call<SearchResponse>(`/api/conversations?${new URLSearchParams({ q, limit: "20" })}`, { signal });
}

export async function patchConversation(id: string, patch: { title?: string; pinned?: boolean }): Promise<ConversationListItem> {
  const { conversation } = await call<ConversationPatchResponse>(`/api/conversations/${encodeURIComponent(id)}`, {
    method: "PATCH",
    body: JSON.stringify(patch),
  });
  return conversation;
}

export async function deleteConversation(id: string): Promise<void> {
  await call<unknown>(`/api/conversations/${encodeURIComponent(id)}`, { method: "DELETE" });
}

export async function restoreConversation(id: string): Promise<ConversationListItem> {
  const { conversation } = await call<ConversationPatchResponse>(`/api/conversations/${encodeURIComponent(id)}/restore`, { method: "POST" });
  return conversation;
}
