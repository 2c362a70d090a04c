import "server-only";
import type { McpContent, McpToolOutput } from "./types";

// An MCP tool's result as the chat keeps it: each content item reduced to what the tool card can
// show (text, an image of a raster type, a resource as a link), the whole cut to the size limit
// with a note saying so. Everything here came from the server and stays untrusted: the browser
// renders text as sanitized Markdown, images only as data URLs of image types, links only http(s).

/** Raster types an <img> can show from a data URL; SVG is left out (it can carry script and links). */
const IMAGE_TYPES = new Set(["image/png", "image/jpeg", "image/gif", "image/webp"]);
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

type RawContent = { type: string; [key: string]: unknown };
export type RawToolResult = { content?: unknown; structuredContent?: unknown; isError?: unknown; [key: string]: unknown };

const str = (value: unknown): string | undefined => (typeof value === "string" ? value : undefined);

function item(raw: RawContent): McpContent {
  switch (raw.type) {
    case "text":
      return { type: "text", text: str(raw.text) ?? "" };
    case "image": {
      const mimeType = (str(raw.mimeType) ?? "").toLowerCase();
      const data = str(raw.data) ?? "";
      if (IMAGE_TYPES.has(mimeType) && BASE64.test(data)) return { type: "image", mimeType, data };
      return { type: "other", description: `An image of type ${mimeType || "unknown"} that cannot be shown.` };
    }
    case "audio":
      return { type: "other", description: `Audio (${str(raw.mimeType) ?? "unknown type"}), not shown.` };
    case "resource_link":
      return { type: "resource", uri: str(raw.uri) ?? "", name: str(raw.name), mimeType: str(raw.mimeType) };
    case "resource": {
      const resource = (raw.resource && typeof raw.resource === "object" ? raw.resource : {}) as Record<string, unknown>;
      return { type: "resource", uri: str(resource.uri) ?? "", mimeType: str(resource.mimeType), text: str(resource.text) };
    }
    default:
      return { type: "other", description: `Content of type "${String(raw.type).slice(0, 40)}", not shown.` };
  }
}

/** The result's content items; structured content stands in when there is no content. */
export function contentOf(result: RawToolResult): McpContent[] {
  const content = Array.isArray(result.content)
    ? result.content.filter((c): c is RawContent => !!c && typeof c === "object" && typeof (c as RawContent).type === "string").map(item)
    : [];
  if (content.length === 0 && result.structuredContent !== undefined)
    content.push({ type: "text", text: JSON.stringify(result.structuredContent, null, 2) });
  return content;
}

const bytes = (value: unknown) => Buffer.byteLength(JSON.stringify(value) ?? "", "utf8");

/** A string cut to at most `max` UTF-8 bytes, never inside a character. */
function cutText(text: string, max: number): string {
  const buffer = Buffer.from(text, "utf8");
  if (buffer.length <= max) return text;
  return buffer
    .subarray(0, Math.max(0, max))
    .toString("utf8")
    .replace(/\uFFFD+$/, "");
}

/** The output kept for a tool call: its items in order until `maxBytes` (as JSON) are used. */
export function capOutput(server: string, tool: string, content: McpContent[], maxBytes: number): McpToolOutput {
  const whole: McpToolOutput = { mcp: { server, tool }, content };
  const originalBytes = bytes(whole);
  if (originalBytes <= maxBytes) return whole;
  // Room for the note and the envelope.
  let room = maxBytes - bytes({ mcp: { server, tool }, content: [], truncated: { originalBytes, keptBytes: maxBytes } }) - 200;
  const kept: McpContent[] = [];
  for (const entry of content) {
    const size = bytes(entry);
    if (size <= room) {
      kept.push(entry);
      room -= size;
      continue;
    }
    if (entry.type === "text" && room > 64) kept.push({ type: "text", text: cutText(entry.text, room - 32) });
    else if (entry.type === "resource" && room > 64)
      kept.push({ ...entry, uri: cutText(entry.uri, 2_000), text: entry.text === undefined ? undefined : cutText(entry.text, room - 2_100) });
    break;
  }
  const out: McpToolOutput = { mcp: { server, tool }, content: kept, truncated: { originalBytes, keptBytes: 0 } };
  out.content.push({ type: "other", description: `The result was cut to the size limit (${maxBytes} bytes of ${originalBytes}).` });
  out.truncated = { originalBytes, keptBytes: bytes(out) };
  return out;
}

/** What the model is sent: the text of the result, with a line for what it cannot read. */
export function textForModel(output: McpToolOutput): string {
  const lines = output.content.map((c) => {
    switch (c.type) {
      case "text":
        return c.text;
      case "image":
        return `[An image (${c.mimeType}) was shown to the user.]`;
      case "resource":
        return `[Resource ${c.uri}${c.mimeType ? ` (${c.mimeType})` : ""}]${c.text ? `\n${c.text}` : ""}`;
      case "other":
        return `[${c.description}]`;
    }
  });
  return lines.join("\n");
}

/** The error text of a result the server marked `isError` (the model is told, the card shows it). */
export function errorTextOf(content: McpContent[], maxBytes: number): string {
  const text = content
    .filter((c): c is Extract<McpContent, { type: "text" }> => c.type === "text")
    .map((c) => c.text)
    .join("\n");
  return cutText(text || "The tool reported an error.", Math.min(maxBytes, 4_000));
}
