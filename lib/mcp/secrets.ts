import "server-only";
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from "node:crypto";
import { getEnv } from "@/lib/env";

// A server's headers (its bearer token) are sealed at rest: a copy of the database alone does not
// give them away. The key is derived from the auth secret (HKDF, its own label), so there is no
// second secret to keep; changing the auth secret makes stored credentials unreadable (the server
// then reports that and needs them entered again).

const LABEL = "switchboard mcp credentials v1";

function key(): Buffer {
  return Buffer.from(hkdfSync("sha256", getEnv().authSecret, Buffer.alloc(0), LABEL, 32));
}

/** `v1.<iv>.<tag>.<ciphertext>`, base64url parts. */
export function sealHeaders(headers: Record<string, string>): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", key(), iv);
  const body = Buffer.concat([cipher.update(JSON.stringify(headers), "utf8"), cipher.final()]);
  return ["v1", iv, cipher.getAuthTag(), body].map((p) => (typeof p === "string" ? p : p.toString("base64url"))).join(".");
}

export class UnreadableCredentials extends Error {
  constructor() {
    super("The stored credentials cannot be read (was the auth secret changed?). Enter them again.");
    this.name = "UnreadableCredentials";
  }
}

export function openHeaders(sealed: string): Record<string, string> {
  const [version, iv, tag, body] = sealed.split(".");
  if (version !== "v1" || !iv || !tag || body === undefined) throw new UnreadableCredentials();
  try {
    const decipher = createDecipheriv("aes-256-gcm", key(), Buffer.from(iv, "base64url"));
    decipher.setAuthTag(Buffer.from(tag, "base64url"));
    const text = Buffer.concat([decipher.update(Buffer.from(body, "base64url")), decipher.final()]).toString("utf8");
    const parsed: unknown = JSON.parse(text);
    if (!parsed || typeof parsed !== "object") throw new UnreadableCredentials();
    return Object.fromEntries(Object.entries(parsed).filter((e): e is [string, string] => typeof e[1] === "string"));
  } catch {
    throw new UnreadableCredentials();
  }
}
