/**
 * Reasoning details as openrouter.ai sends them, one shape per reasoning format, and the check a
 * provider makes that the details of earlier assistant turns come back unchanged.
 *
 * Shapes (tests/fixtures/openrouter-recorded/):
 * - `anthropic-claude-v1`: an opening `reasoning.text` detail with `text: ""` and `signature: ""`, text
 *   deltas, then a signature-only detail (no `text` key) when thinking ends; a JSON body has one detail
 *   with the whole text and its signature (stream-reasoning-text-signature-anthropic-claude-sonnet-4.5.sse,
 *   completion-reasoning-text-signature-claude-3.7-sonnet-thinking.json).
 * - `openai-responses-v1`: `reasoning.summary` deltas, then a `reasoning.encrypted` detail with an
 *   `rs_…` id and Fernet-looking `gAAAA…` data (completion-reasoning-summary-encrypted-openai-gpt-5-mini.json,
 *   stream-reasoning-encrypted-openai-o3.sse).
 * - `xai-responses-v1`: a `reasoning.encrypted` detail with an `rs_<uuid>_us-east-1` id and base64 data
 *   (stream-fallback-keepalives-reasoning-encrypted-xai-grok-4.sse); grok-3-mini also shows its reasoning text.
 * - `google-gemini-v1`: `reasoning.text` deltas, then the thought signature as a `reasoning.encrypted`
 *   detail (UKGovernmentBEIS/inspect_ai#4979: Gemini via OpenRouter returns "signature-only thoughts" and
 *   a `reasoning.encrypted` entry that must be replayed).
 * - other models: `reasoning.text` with `format: null` (stream-keepalives-reasoning-midstream-error-minimax-m2-free.sse).
 *
 * Signatures and encrypted data are a MAC of the reasoning text under a fixed key, so any change to a
 * detail (its text, signature or data) is detected on replay, across restarts and server instances, the
 * way a provider's signatures do not expire but fail for anything that differs from what it returned
 * (anthropics/anthropic-sdk-python#1598, maintainer's comment).
 */
import { createHmac } from "node:crypto";
import type { CatalogEndpoint, CatalogModel } from "./catalog";
import type { ChatRequest } from "./request";

export type ReasoningDetail = { type: string } & Record<string, unknown>;
type ReasoningFormat = CatalogModel["reasoningFormat"];

/** What a `format` field says: the catalog's `unknown` is sent as `null`, as the recorded MiniMax stream has it. */
function wireFormat(format: ReasoningFormat): string | null {
  return format === "unknown" ? null : format;
}

const KEY = "local-openrouter reasoning seal v1";

function mac(kind: string, text: string): Buffer {
  return createHmac("sha256", KEY).update(kind).update("\u0000").update(text).digest();
}

/** An Anthropic thinking signature (recorded ones are base64 protobuf, "ErcBCkgI…"): a tag and a MAC of the text. */
export function thinkingSignature(text: string): string {
  return Buffer.concat([Buffer.from([0x12, 0x30, 0x0a, 0x28]), mac("anthropic-claude-v1", text)]).toString("base64");
}

/** Encrypted reasoning: the MAC and the text itself, so the data alone can be verified. */
function encryptedData(format: ReasoningFormat, text: string): string {
  const blob = Buffer.concat([mac(format, text), Buffer.from(text, "utf8")]);
  // OpenAI's are Fernet tokens (gAAAAA…, base64url); xAI's and Gemini's plain base64.
  return format === "openai-responses-v1" ? `gAAAAAB${blob.toString("base64url")}` : blob.toString("base64");
}

function encryptedVerifies(format: ReasoningFormat, data: unknown): boolean {
  if (typeof data !== "string") return false;
  let blob: Buffer;
  if (format === "openai-responses-v1") {
    if (!data.startsWith("gAAAAAB")) return false;
    blob = Buffer.from(data.slice(7), "base64url");
    if (blob.toString("base64url") !== data.slice(7)) return false;
  } else {
    blob = Buffer.from(data, "base64");
    if (blob.toString("base64") !== data) return false;
  }
  if (blob.length < 32) return false;
  const text = blob.subarray(32).toString("utf8");
  return mac(format, text).equals(blob.subarray(0, 32));
}

function encryptedId(format: ReasoningFormat, text: string): string | undefined {
  const h = mac(`${format} id`, text).toString("hex");
  if (format === "openai-responses-v1") return `rs_${h.slice(0, 50)}`;
  if (format === "xai-responses-v1")
    return `rs_${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}_us-east-1`;
  return undefined;
}

function encryptedDetail(format: ReasoningFormat, text: string): ReasoningDetail {
  const id = encryptedId(format, text);
  return { type: "reasoning.encrypted", data: encryptedData(format, text), ...(id ? { id } : {}), format: wireFormat(format), index: 0 };
}

/**
 * Models whose recorded streams carry their reasoning only encrypted, with no text or summary
 * (stream-fallback-keepalives-reasoning-encrypted-xai-grok-4.sse; openai/o3 in
 * stream-reasoning-encrypted-openai-o3.sse is not in the catalog): the tokens are billed, only the
 * closing encrypted detail is sent.
 */
const ENCRYPTED_ONLY_MODELS: ReadonlySet<string> = new Set(["x-ai/grok-4"]);

export function showsReasoningText(model: CatalogModel): boolean {
  return !ENCRYPTED_ONLY_MODELS.has(model.id);
}

/** The detail of one streamed reasoning token. */
export function reasoningPiece(text: string, format: ReasoningFormat): ReasoningDetail {
  if (format === "openai-responses-v1") return { type: "reasoning.summary", summary: text, format, index: 0 };
  return { type: "reasoning.text", text, format: wireFormat(format), index: 0 };
}

/** The detail streamed before the first reasoning token, if the format has one. */
export function openingDetail(format: ReasoningFormat): ReasoningDetail | null {
  return format === "anthropic-claude-v1" ? { type: "reasoning.text", text: "", signature: "", format, index: 0 } : null;
}

/** The detail streamed after the last reasoning token (`text`: all of it), if the format has one. */
export function closingDetail(format: ReasoningFormat, text: string): ReasoningDetail | null {
  switch (format) {
    case "anthropic-claude-v1":
      return { type: "reasoning.text", signature: thinkingSignature(text), format, index: 0 };
    case "openai-responses-v1":
    case "xai-responses-v1":
    case "google-gemini-v1":
      return encryptedDetail(format, text);
    default:
      return null;
  }
}

/** `message.reasoning_details` of a JSON answer whose reasoning was `text`. */
export function wholeDetails(format: ReasoningFormat, text: string): ReasoningDetail[] {
  switch (format) {
    case "anthropic-claude-v1":
      return [{ type: "reasoning.text", text, signature: thinkingSignature(text), format, index: 0 }];
    case "openai-responses-v1":
      return [{ type: "reasoning.summary", summary: text, format, index: 0 }, encryptedDetail(format, text)];
    case "xai-responses-v1":
    case "google-gemini-v1":
      return [{ type: "reasoning.text", text, format, index: 0 }, encryptedDetail(format, text)];
    default:
      return [{ type: "reasoning.text", text, format: null, index: 0 }];
  }
}

/** A provider's refusal, as OpenRouter relays it: HTTP 400 "Provider returned error" with the provider's body in `raw`. */
export interface ProviderRefusal {
  status: 400;
  body: Record<string, unknown>;
}

function refusal(endpoint: CatalogEndpoint, raw: unknown): ProviderRefusal {
  // OpenRouter's wrapper: linanwx/nagobot#21 (`{"message":"Provider returned error","code":400,
  // "metadata":{"raw":"…","provider_name":"Amazon Bedrock","is_byok":false}}`).
  return {
    status: 400,
    body: {
      error: {
        message: "Provider returned error",
        code: 400,
        metadata: { raw: JSON.stringify(raw), provider_name: endpoint.providerName, is_byok: false },
      },
    },
  };
}

function anthropicRefusal(endpoint: CatalogEndpoint, message: string): ProviderRefusal {
  // Bedrock's raw body is `{"message": …}` (linanwx/nagobot#21); Anthropic's and Vertex's the Messages API
  // error (anthropics/claude-code#10627; lbjlaq/Antigravity-Manager#498 for a `req_vrtx_` id).
  if (endpoint.providerName === "Amazon Bedrock") return refusal(endpoint, { message });
  return refusal(endpoint, { type: "error", error: { type: "invalid_request_error", message } });
}

type Message = ChatRequest["messages"][number];

const isAssistant = (m: Message): m is Extract<Message, { role: "assistant" }> => m.role === "assistant";

function details(m: Message): ReasoningDetail[] {
  if (!isAssistant(m) || !Array.isArray(m.reasoning_details)) return [];
  return m.reasoning_details as ReasoningDetail[];
}

/**
 * The provider's check of the reasoning sent back in `messages`, for the model that serves the request:
 * - Anthropic: every thinking block (a `reasoning.text` detail of format `anthropic-claude-v1`) must carry
 *   the signature it was given for exactly its text, else "messages.N.content.0: Invalid `signature` in
 *   `thinking` block" (anthropics/claude-code#10627, linanwx/nagobot#21; an empty signature fails too,
 *   kaitranntt/ccs#415). While thinking is on, the assistant message a tool loop continues from must start
 *   with its thinking block, else "Expected `thinking` or `redacted_thinking`, but found `tool_use`"
 *   (Kilo-Org/kilocode#5219, the full message quoted there).
 * - OpenAI (and xAI, whose error text is not recorded; OpenAI's is used): encrypted reasoning must be the
 *   data it was given, else "The encrypted content gAAA...DQ== could not be verified." with code
 *   `invalid_encrypted_content` (openai/codex#8145).
 * Details of another format are left alone (what OpenRouter does with them is not recorded). Gemini is not
 * checked: Gemini 3 refuses a function call without its thought signature (OpenRouterTeam/ai-sdk-provider#239),
 * the catalog's Gemini 2.5 models do not.
 */
export function checkReplayedReasoning(req: ChatRequest, model: CatalogModel, endpoint: CatalogEndpoint, thinking: boolean): ProviderRefusal | null {
  const format = model.reasoningFormat;
  // Anthropic numbers its `messages` without the system prompt.
  const conversation = req.messages.filter((m) => m.role !== "system" && m.role !== "developer");
  for (const [n, m] of conversation.entries()) {
    for (const d of details(m)) {
      if (d.format !== format) continue;
      if (format === "anthropic-claude-v1" && d.type === "reasoning.text") {
        const text = typeof d.text === "string" ? d.text : "";
        if (typeof d.signature !== "string" || d.signature !== thinkingSignature(text)) {
          return anthropicRefusal(endpoint, `messages.${n}.content.0: Invalid \`signature\` in \`thinking\` block`);
        }
      }
      if (
        (format === "openai-responses-v1" || format === "xai-responses-v1") &&
        d.type === "reasoning.encrypted" &&
        !encryptedVerifies(format, d.data)
      ) {
        const data = typeof d.data === "string" ? d.data : "";
        return refusal(endpoint, {
          error: {
            message: `The encrypted content ${data.slice(0, 4)}...${data.slice(-4)} could not be verified.`,
            type: "invalid_request_error",
            param: null,
            code: "invalid_encrypted_content",
          },
        });
      }
    }
  }
  if (format === "anthropic-claude-v1" && thinking && conversation.at(-1)?.role === "tool") {
    const n = conversation.findLastIndex(isAssistant);
    const last = conversation[n];
    if (last && !details(last).some((d) => d.type === "reasoning.text" && d.format === format)) {
      const found = isAssistant(last) && typeof last.content === "string" && last.content !== "" ? "text" : "tool_use";
      return anthropicRefusal(
        endpoint,
        `messages.${n}.content.0.type: Expected \`thinking\` or \`redacted_thinking\`, but found \`${found}\`. When \`thinking\` is enabled, a final \`assistant\` message must start with a thinking block (preceeding the lastmost set of \`tool_use\` and \`tool_result\` blocks). We recommend you include thinking blocks from previous turns. To avoid this requirement, disable \`thinking\`. Please consult our documentation at https://docs.claude.com/en/docs/build-with-claude/extended-thinking`,
      );
    }
  }
  return null;
}
