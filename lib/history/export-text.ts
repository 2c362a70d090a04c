import "server-only";

// JSON.parse holds the thread for the whole text, about 10 ms a megabyte: an export file's text is
// parsed one conversation at a time instead, with turns of the event loop between them. A scan
// finds where the root object's `conversations` array and each of its items are; a text shaped
// otherwise (or invalid) is parsed whole, so the result is always JSON.parse's.

type Range = { start: number; end: number; items: [number, number][] };

// A JSON string from its opening quote, unrolled so that long strings (base64 files) cost no backtracking.
const STRING = /"[^"\\]*(?:\\.[^"\\]*)*"/y;
const SCAN_SLICE = 1 << 18;

/** Where the root object's `conversations` array and its items are, or null when that is not the text's shape. */
async function conversationsRange(text: string, pace: () => Promise<void>): Promise<Range | null> {
  if (!/^\s*\{/.test(text)) return null;
  let depth = 0;
  let key: string | null = null;
  let afterColon = false;
  let keys = 0;
  let range: Range | null = null;
  let inside = false;
  let itemStart = -1;
  let nextPace = SCAN_SLICE;
  for (let i = 0; i < text.length; i++) {
    if (i >= nextPace) {
      await pace();
      nextPace = i + SCAN_SLICE;
    }
    const c = text.charCodeAt(i);
    if (c === 34 /* " */) {
      STRING.lastIndex = i;
      if (!STRING.test(text)) return null;
      if (depth === 1 && !afterColon) {
        key = text.slice(i, STRING.lastIndex);
        // A second `conversations`, or one spelled with escapes: JSON.parse's own reading decides.
        if (key === '"conversations"') keys++;
        else if (key.includes("\\") && JSON.parse(key) === "conversations") return null;
      } else if (inside && depth === 2) return null;
      i = STRING.lastIndex - 1;
      continue;
    }
    switch (c) {
      case 58 /* : */:
        if (depth === 1) afterColon = true;
        break;
      case 44 /* , */:
        if (depth === 1) {
          afterColon = false;
          key = null;
        }
        break;
      case 123 /* { */:
      case 91 /* [ */:
        if (depth === 1 && afterColon && key === '"conversations"' && c === 91 && !range) {
          range = { start: i, end: -1, items: [] };
          inside = true;
        } else if (inside && depth === 2) itemStart = i;
        depth++;
        break;
      case 125 /* } */:
      case 93 /* ] */:
        depth--;
        if (inside && depth === 2 && itemStart >= 0) {
          range!.items.push([itemStart, i + 1]);
          itemStart = -1;
        } else if (inside && depth === 1) {
          range!.end = i + 1;
          inside = false;
        }
        break;
      case 32:
      case 9:
      case 10:
      case 13:
        break;
      default:
        // A number or literal as an item of the array: not an export's shape.
        if (inside && depth === 2) return null;
    }
  }
  return keys === 1 && range && range.end > 0 && depth === 0 ? range : null;
}

/** The text's value, as JSON.parse gives it (and throwing as it does), parsed conversation by conversation. */
export async function parseExportText(text: string, pace: () => Promise<void>): Promise<unknown> {
  const range = await conversationsRange(text, pace).catch(() => null);
  if (!range) return JSON.parse(text);
  const root = JSON.parse(text.slice(0, range.start) + "[]" + text.slice(range.end)) as Record<string, unknown>;
  await pace();
  const conversations: unknown[] = [];
  for (const [start, end] of range.items) {
    conversations.push(JSON.parse(text.slice(start, end)));
    await pace();
  }
  root.conversations = conversations;
  return root;
}
