// A server action's arguments arrive as React's reply encoding, which Next decodes before any code
// of ours runs and answers every decoding failure with a bare 500. Switchboard's actions take
// plain values (ids, text, numbers), so a body is passed on only when it is what React's client
// sends for such values; anything else is refused as the bad request it is.

/** Deeper than any action's arguments; Next's decoder recurses per level. */
const MAX_DEPTH = 32;

/**
 * The "$…" strings React's encodeReply writes for plain values: an escaped "$" at the start of a
 * text, undefined, the non-finite numbers and -0, a date. Every other "$…" refers to another
 * part of a reply (promises, files, server references, big integers) that a JSON body cannot carry.
 */
const PLAIN_REFERENCE = /^\$(\$.*|undefined|Infinity|-Infinity|NaN|-0|D\d{4}-\d{2}-\d{2}T[\d:.]+Z)$/s;

/** Whether a text (JSON) action body is arguments React's client could have encoded from plain values. */
export function isPlainActionBody(body: string): boolean {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return false;
  }
  return Array.isArray(parsed) && plainValue(parsed, 0);
}

function plainValue(value: unknown, depth: number): boolean {
  if (depth > MAX_DEPTH) return false;
  if (typeof value === "string") return !value.startsWith("$") || PLAIN_REFERENCE.test(value);
  if (Array.isArray(value)) return value.every((item) => plainValue(item, depth + 1));
  // Keys are not references: an object argument with a "$" key is the action's to refuse.
  if (value && typeof value === "object") return Object.values(value).every((item) => plainValue(item, depth + 1));
  return true;
}

/** A POST to a page carrying a server action's id (Next's `Next-Action` header) with a text body. */
export function isTextActionRequest(method: string, headers: Headers): boolean {
  if (method !== "POST" || !headers.has("next-action")) return false;
  return !(headers.get("content-type") ?? "").toLowerCase().startsWith("multipart/form-data");
}
