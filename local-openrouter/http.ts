/** The HTTP plumbing every endpoint of the local OpenRouter shares: body, headers, JSON, auth. */
import { createHash } from "node:crypto";
import type http from "node:http";
import { errorBody } from "./wire";

export const API = "/api/v1";
const MAX_BODY_BYTES = 32 * 1024 * 1024;

export function sha256(s: string): string {
  return createHash("sha256").update(s).digest("hex");
}

export function headerRecord(req: http.IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers)) {
    if (v === undefined) continue;
    out[k] = Array.isArray(v) ? v.join(", ") : v;
  }
  return out;
}

export class BodyTooLarge extends Error {}

export function readBody(req: http.IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY_BYTES) {
        reject(new BodyTooLarge());
        req.resume();
        return;
      }
      chunks.push(c);
    });
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
    req.on("close", () => {
      if (!req.complete) reject(new Error("request aborted by the client"));
    });
  });
}

export function sendJson(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (res.headersSent || res.destroyed) return;
  const text = JSON.stringify(body, (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v));
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text), ...headers });
  res.end(text);
}

/**
 * Checks the Bearer key (only `apiKey` when the server has one, else any non-empty key).
 * Returns the key's hash, or sends 401 and returns null.
 */
export function authenticate(req: http.IncomingMessage, res: http.ServerResponse, apiKey: string | undefined): string | null {
  const h = req.headers.authorization;
  if (!h) {
    sendJson(res, 401, errorBody(401, "Missing Authentication header"));
    return null;
  }
  const m = /^Bearer\s+(.+)$/i.exec(h.trim());
  const key = m?.[1]?.trim() ?? "";
  if (!key || (apiKey !== undefined && key !== apiKey)) {
    sendJson(res, 401, errorBody(401, "User not found."));
    return null;
  }
  return sha256(key).slice(0, 16);
}
