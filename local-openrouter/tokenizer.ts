/**
 * The local OpenRouter's tokenizer: deterministic and deliberately simple.
 *
 * A token is an optional run of whitespace followed by 1 to 8 non-whitespace
 * characters (code points). Whitespace at the very end of a text is one more
 * token. So `"Hello, world!"` is `["Hello,", " world!"]` (2 tokens) and
 * `"internationalization"` is `["internat", "ionaliza", "tion"]` (3 tokens).
 * Concatenating the tokens of a text gives the text back exactly, which is what
 * the streaming engine relies on: one content token per SSE chunk.
 *
 * Prompt tokens (see {@link countPromptTokens}):
 *   - every message costs {@link MESSAGE_OVERHEAD_TOKENS} plus the tokens of its text
 *     (string content, or the `text` parts of array content; an assistant message's
 *     tool calls add the tokens of `name + arguments`; a tool message's content is text);
 *   - an `image_url` part costs 0 tokens (images are billed per image with the
 *     model's `pricing.image`), a `file` part costs {@link FILE_PART_TOKENS},
 *     an audio/video part {@link MEDIA_PART_TOKENS};
 *   - the `tools` array costs the tokens of its JSON text;
 *   - every prompt adds {@link PROMPT_PRIMING_TOKENS}.
 */

export const MAX_TOKEN_CHARS = 8;
export const MESSAGE_OVERHEAD_TOKENS = 4;
export const PROMPT_PRIMING_TOKENS = 3;
export const FILE_PART_TOKENS = 256;
export const MEDIA_PART_TOKENS = 64;

const TOKEN_RE = /\s*\S{1,8}|\s+/gu;

/** Splits a text into tokens; `tokenize(t).join('') === t` always holds. */
export function tokenize(text: string): string[] {
  if (text.length === 0) return [];
  return text.match(TOKEN_RE) ?? [];
}

export function countTokens(text: string): number {
  if (text.length === 0) return 0;
  let n = 0;
  TOKEN_RE.lastIndex = 0;
  while (TOKEN_RE.exec(text) !== null) n++;
  TOKEN_RE.lastIndex = 0;
  return n;
}

/** What {@link countPromptTokens} and the media counters look at (a structural subset of a chat request). */
export interface PromptLike {
  messages: ReadonlyArray<MessageLike>;
  tools?: ReadonlyArray<unknown> | null;
}

export interface MessageLike {
  role: string;
  content?: unknown;
  tool_calls?: ReadonlyArray<{ function?: { name?: string; arguments?: string } }> | null;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Token count of one message content (string or array of parts). */
export function countContentTokens(content: unknown): number {
  if (typeof content === "string") return countTokens(content);
  if (!Array.isArray(content)) return 0;
  let n = 0;
  for (const part of content) {
    if (!isRecord(part)) continue;
    switch (part.type) {
      case "text":
        n += typeof part.text === "string" ? countTokens(part.text) : 0;
        break;
      case "image_url":
        break;
      case "file":
        n += FILE_PART_TOKENS;
        break;
      case "input_audio":
      case "input_video":
      case "video_url":
        n += MEDIA_PART_TOKENS;
        break;
      default:
        break;
    }
  }
  return n;
}

/** Prompt tokens of a request, by the rules in this file's header. */
export function countPromptTokens(req: PromptLike): number {
  let n = PROMPT_PRIMING_TOKENS;
  for (const m of req.messages) {
    n += MESSAGE_OVERHEAD_TOKENS + countContentTokens(m.content);
    if (m.role === "assistant" && m.tool_calls) {
      for (const tc of m.tool_calls) {
        n += countTokens(`${tc.function?.name ?? ""}${tc.function?.arguments ?? ""}`);
      }
    }
  }
  if (req.tools && req.tools.length > 0) n += countTokens(JSON.stringify(req.tools));
  return n;
}

/** Number of `image_url` parts over all messages (each billed at `pricing.image`). */
export function countInputImages(req: PromptLike): number {
  return countParts(req, "image_url");
}

/** Number of media parts (images, files, audio, video) over all messages. */
export function countMediaParts(req: PromptLike): number {
  return (
    countParts(req, "image_url") +
    countParts(req, "file") +
    countParts(req, "input_audio") +
    countParts(req, "input_video") +
    countParts(req, "video_url")
  );
}

function countParts(req: PromptLike, type: string): number {
  let n = 0;
  for (const m of req.messages) {
    if (!Array.isArray(m.content)) continue;
    for (const part of m.content) if (isRecord(part) && part.type === type) n++;
  }
  return n;
}
