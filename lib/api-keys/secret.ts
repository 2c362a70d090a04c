import "server-only";
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";

// A personal API key's text: "sbk_" (so secret scanners and people recognise it) and 32 random
// bytes in base64url. Only its SHA-256 is stored; a presented key is hashed whole and looked up by
// that hash, so how much of a wrong key matches a real one changes nothing about the work done.

export const API_KEY_PREFIX = "sbk_";
/** "sbk_" + 43 base64url characters. */
const API_KEY_PATTERN = /^sbk_[A-Za-z0-9_-]{43}$/;
/** How much of a key its owner sees after creation: the prefix and 8 characters. */
const VISIBLE_CHARACTERS = API_KEY_PREFIX.length + 8;

export type NewApiKeySecret = {
  /** The whole key: shown once, never stored. */
  key: string;
  /** Shown from then on ("sbk_AbCd1234"). */
  prefix: string;
  /** SHA-256 of the whole key, hex: what the database keeps. */
  hash: string;
};

export function generateApiKeySecret(): NewApiKeySecret {
  const key = API_KEY_PREFIX + randomBytes(32).toString("base64url");
  return { key, prefix: key.slice(0, VISIBLE_CHARACTERS), hash: hashApiKey(key) };
}

export function hashApiKey(key: string): string {
  return createHash("sha256").update(key, "utf8").digest("hex");
}

/** Whether the text has a key's shape (the hash lookup decides whether it is one). */
export function looksLikeApiKey(text: string): boolean {
  return API_KEY_PATTERN.test(text);
}

/** Constant-time equality of two hex digests of the same length. */
export function sameHash(a: string, b: string): boolean {
  const left = Buffer.from(a, "hex");
  const right = Buffer.from(b, "hex");
  return left.length === right.length && timingSafeEqual(left, right);
}
