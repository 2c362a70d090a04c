"use client";

import { describeError } from "@/lib/errors";

/** Sends a JSON request to an admin route; resolves to the body, or throws the server's sentence. */
export async function adminRequest<T>(url: string, method: "PATCH" | "PUT" | "POST" | "DELETE", body?: unknown): Promise<T> {
  let response: Response;
  try {
    response = await fetch(
      url,
      body === undefined ? { method } : { method, headers: { "content-type": "application/json" }, body: JSON.stringify(body) },
    );
  } catch {
    throw new Error("Could not reach the server. Check your connection and try again.");
  }
  const json: unknown = await response.json().catch(() => null);
  if (!response.ok) throw new Error(describeError(json).message);
  return json as T;
}
