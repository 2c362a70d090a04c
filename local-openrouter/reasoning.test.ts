/**
 * Reasoning details over raw HTTP, compared with the recorded responses of openrouter.ai
 * (tests/fixtures/openrouter-recorded/): the same detail types and key sets per format, and the
 * provider's refusal of reasoning sent back altered or left out.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type LocalOpenRouter, startLocalOpenRouter } from "./server";
import { loadSpecValidator } from "./spec-validator";
import { assertChatResponseMatchesSpec, parseStream, rawRequest } from "./test-utils";
import { readRecorded } from "@/tests/helpers/recorded";

const KEY = "sk-or-v1-reasoning-test-key-0123456789";
const v = loadSpecValidator();
let s: LocalOpenRouter;

beforeAll(async () => {
  s = await startLocalOpenRouter({ apiKey: KEY, tokensPerSecond: 0, generationDelayMs: 0 });
});
afterAll(() => s.close());

type Detail = Record<string, unknown> & { type: string };
type Chunk = {
  id: string;
  choices: { delta: { content?: string | null; reasoning?: string | null; reasoning_details?: Detail[] } }[];
  usage?: Record<string, unknown>;
};
type Message = Record<string, unknown>;

async function post(
  body: Record<string, unknown>,
): Promise<{ status: number; json: Record<string, unknown>; chunks: Chunk[]; generationId: string | null }> {
  const r = await rawRequest(`${s.baseURL}/chat/completions`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${KEY}` },
    body: JSON.stringify(body),
  });
  assertChatResponseMatchesSpec(v, r);
  const streamed = (r.headers.get("content-type") ?? "").startsWith("text/event-stream");
  return {
    status: r.status,
    json: streamed ? {} : (JSON.parse(r.raw) as Record<string, unknown>),
    chunks: streamed ? (parseStream(r.raw).chunks as unknown as Chunk[]) : [],
    generationId: r.headers.get("x-generation-id"),
  };
}

const details = (chunks: Chunk[]) => chunks.flatMap((c) => c.choices[0]?.delta.reasoning_details ?? []);
const keys = (d: object) => Object.keys(d).sort();
const shape = (d: Detail) => `${d.type}:${keys(d).join(",")}`;

/** The reasoning details of a recorded stream or JSON body. */
function recordedDetails(file: string): Detail[] {
  const text = readRecorded(file);
  if (file.endsWith(".json"))
    return (JSON.parse(text) as { choices: { message: { reasoning_details: Detail[] } }[] }).choices[0].message.reasoning_details;
  return details(parseStream(text).chunks as unknown as Chunk[]);
}

const ask = (model: string, content: string, extra: Record<string, unknown> = {}) => ({ model, messages: [{ role: "user", content }], ...extra });

describe("reasoning details, as recorded", () => {
  it("Anthropic: an opening detail with empty text and signature, text deltas, then a signature-only detail", async () => {
    const { chunks } = await post(ask("anthropic/claude-sonnet-4.5", "[[sb:reasoning tokens=6 text=Done.]]", { stream: true }));
    const got = details(chunks);
    const recorded = recordedDetails("stream-reasoning-text-signature-anthropic-claude-sonnet-4.5.sse");
    expect(new Set(got.map(shape))).toEqual(new Set(recorded.map(shape)));
    expect(got[0]).toEqual({ type: "reasoning.text", text: "", signature: "", format: "anthropic-claude-v1", index: 0 });
    expect(got.at(-1)).toMatchObject({ type: "reasoning.text", format: "anthropic-claude-v1", index: 0 });
    expect(got.at(-1)).not.toHaveProperty("text");
    expect(got.filter((d) => typeof d.text === "string" && d.text !== "")).toHaveLength(6);
    // The signature comes before the answer's text, on a chunk with `reasoning: null` (as recorded).
    const signed = chunks.findIndex((c) => c.choices[0]?.delta.reasoning_details?.some((d) => d.signature));
    expect(chunks[signed].choices[0].delta.reasoning).toBeNull();
    expect(chunks.findIndex((c) => c.choices[0]?.delta.content)).toBeGreaterThan(signed);
  });

  it("OpenAI: summary deltas, then encrypted reasoning with an rs_ id, as the o3 stream and the gpt-5-mini body", async () => {
    const { chunks } = await post(ask("openai/o4-mini", "[[sb:reasoning tokens=5]]", { stream: true }));
    const got = details(chunks);
    const encrypted = got.filter((d) => d.type === "reasoning.encrypted");
    expect(encrypted).toHaveLength(1);
    expect(encrypted[0].data).toMatch(/^gAAAAAB/);
    expect(encrypted[0].id).toMatch(/^rs_[0-9a-f]{50}$/);
    expect(new Set(encrypted.map(shape))).toEqual(new Set(recordedDetails("stream-reasoning-encrypted-openai-o3.sse").map(shape)));
    expect(got.filter((d) => d.type === "reasoning.summary")).toHaveLength(5);

    const body = await post(ask("openai/o4-mini", "[[sb:reasoning tokens=5]]"));
    const message = (body.json.choices as { message: { reasoning_details: Detail[]; reasoning: string } }[])[0].message;
    expect(message.reasoning_details.map(shape)).toEqual(recordedDetails("completion-reasoning-summary-encrypted-openai-gpt-5-mini.json").map(shape));
    expect(message.reasoning_details[0].summary).toBe(message.reasoning);
  });

  it("xAI: grok-4 sends only encrypted reasoning, with an rs_<uuid>_us-east-1 id; Gemini: the thought signature as encrypted; others: format null", async () => {
    const stream = await post(ask("x-ai/grok-4", "[[sb:reasoning tokens=4]]", { stream: true }));
    const grok = details(stream.chunks);
    const encrypted = grok.filter((d) => d.type === "reasoning.encrypted");
    // As recorded: no reasoning text at all, one encrypted detail; the 4 tokens are billed all the same.
    expect(grok.map(shape)).toEqual(recordedDetails("stream-fallback-keepalives-reasoning-encrypted-xai-grok-4.sse").map(shape));
    expect(stream.chunks.some((c) => c.choices[0]?.delta.reasoning)).toBe(false);
    const usage = stream.chunks.find((c) => c.usage)?.usage as { completion_tokens_details: { reasoning_tokens: number } };
    expect(usage.completion_tokens_details.reasoning_tokens).toBe(4);
    const mini = details((await post(ask("x-ai/grok-3-mini", "[[sb:reasoning tokens=4]]", { stream: true }))).chunks);
    expect(mini.filter((d) => d.type === "reasoning.text")).toHaveLength(4);
    expect(encrypted[0].id).toMatch(/^rs_[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}_us-east-1$/);

    const gemini = details((await post(ask("google/gemini-2.5-flash", "[[sb:reasoning tokens=4]]", { stream: true }))).chunks);
    expect(gemini.at(-1)).toMatchObject({ type: "reasoning.encrypted", format: "google-gemini-v1", index: 0 });

    const r1 = details((await post(ask("deepseek/deepseek-r1", "[[sb:reasoning tokens=4]]", { stream: true }))).chunks);
    expect(r1.every((d) => d.type === "reasoning.text" && d.format === null)).toBe(true);
  });

  it("Anthropic JSON body: one detail with the whole text and its signature, as recorded", async () => {
    const body = await post(ask("anthropic/claude-sonnet-4.5", "[[sb:reasoning tokens=5]]"));
    const message = (body.json.choices as { message: { reasoning_details: Detail[] } }[])[0].message;
    expect(message.reasoning_details.map(shape)).toEqual(
      recordedDetails("completion-reasoning-text-signature-claude-3.7-sonnet-thinking.json").map(shape),
    );
  });
});

describe("reasoning sent back: the provider's check", () => {
  const weather = { type: "function", function: { name: "get_weather", parameters: { type: "object", properties: { city: { type: "string" } } } } };

  /** A first answer as JSON, and the follow-up request that sends it back. */
  async function firstAnswer(model: string, prompt: string, extra: Record<string, unknown> = {}) {
    const body = await post({ ...ask(model, prompt), ...extra });
    expect(body.status).toBe(200);
    return (body.json.choices as { message: Message }[])[0].message;
  }

  const raw = (json: Record<string, unknown>) => (json.error as { metadata: { raw: string } }).metadata.raw;

  it("Anthropic: details sent back unchanged are accepted; an altered text or an empty signature is refused", async () => {
    const message = await firstAnswer("anthropic/claude-sonnet-4.5", "Hi [[sb:reasoning tokens=8]]");
    const followUp = (m: Message) => ({
      model: "anthropic/claude-sonnet-4.5",
      messages: [{ role: "user", content: "Hi" }, m, { role: "user", content: "More." }],
    });
    expect((await post(followUp(message))).status).toBe(200);

    const [detail] = message.reasoning_details as Detail[];
    const altered = await post(followUp({ ...message, reasoning_details: [{ ...detail, text: `${String(detail.text)}!` }] }));
    expect(altered.status).toBe(400);
    expect(altered.json.error).toMatchObject({
      code: 400,
      message: "Provider returned error",
      metadata: { provider_name: "Anthropic", is_byok: false },
    });
    expect(JSON.parse(raw(altered.json))).toEqual({
      type: "error",
      error: { type: "invalid_request_error", message: "messages.1.content.0: Invalid `signature` in `thinking` block" },
    });
    // A refusal at the provider has a generation id and a record, at no cost.
    expect(altered.generationId).toMatch(/^gen-/);
    expect(s.generations.get(altered.generationId!)?.costNano).toBe(0n);

    const unsigned = await post(followUp({ ...message, reasoning_details: [{ ...detail, signature: "" }] }));
    expect(unsigned.status).toBe(400);
  });

  it("Anthropic with thinking on: a tool loop continued without the thinking block is refused, with it accepted", async () => {
    const first = await firstAnswer("anthropic/claude-sonnet-4.5", "Weather? [[sb:tool name=get_weather]]", {
      tools: [weather],
      reasoning: { effort: "low" },
    });
    const calls = first.tool_calls as { id: string }[];
    const loop = (m: Message) => ({
      model: "anthropic/claude-sonnet-4.5",
      tools: [weather],
      reasoning: { effort: "low" },
      messages: [
        { role: "user", content: "Weather? [[sb:tool name=get_weather]]" },
        m,
        { role: "tool", tool_call_id: calls[0].id, content: "sunny" },
      ],
    });
    expect((await post(loop(first))).status).toBe(200);
    const without = await post(loop({ ...first, reasoning_details: undefined, reasoning: undefined }));
    expect(without.status).toBe(400);
    expect(raw(without.json)).toContain("messages.1.content.0.type: Expected `thinking` or `redacted_thinking`, but found `tool_use`.");
    // Without thinking on, the same request is fine.
    expect((await post({ ...loop({ ...first, reasoning_details: undefined }), reasoning: undefined })).status).toBe(200);
  });

  it("OpenAI: encrypted reasoning sent back unchanged is accepted; altered data is refused as invalid_encrypted_content", async () => {
    const message = await firstAnswer("openai/o4-mini", "Hi [[sb:reasoning tokens=8]]");
    const followUp = (m: Message) => ({
      model: "openai/o4-mini",
      messages: [{ role: "user", content: "Hi" }, m, { role: "user", content: "More." }],
    });
    expect((await post(followUp(message))).status).toBe(200);
    const list = message.reasoning_details as Detail[];
    const data = String(list[1].data);
    const changed = `${data.slice(0, 20)}${data[20] === "x" ? "y" : "x"}${data.slice(21)}`;
    const altered = await post(followUp({ ...message, reasoning_details: [list[0], { ...list[1], data: changed }] }));
    expect(altered.status).toBe(400);
    const error = (JSON.parse(raw(altered.json)) as { error: Record<string, unknown> }).error;
    expect(error).toMatchObject({ type: "invalid_request_error", code: "invalid_encrypted_content" });
    expect(error.message).toMatch(/^The encrypted content gAAA\.\.\..{4} could not be verified\.$/);
  });
});
