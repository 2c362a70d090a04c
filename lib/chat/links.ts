// Free of zod on purpose: the browser uses it to render citations.

/** `raw` as a normalized http(s) URL, or null: the only links a citation may become. */
export function safeHttpUrl(raw: string): string | null {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return null;
  }
  return url.protocol === "https:" || url.protocol === "http:" ? url.toString() : null;
}
