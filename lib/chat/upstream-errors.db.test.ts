// OpenRouter's routing 404s, 429s and in-band errors through POST /api/chat, against the local
// OpenRouter answering with the recorded bodies (tests/fixtures/openrouter-recorded/, README points
// 7, 15–18): what the person reads names the preference that ruled every provider out, or when the
// deployment's shared free quota starts over. Real database; only the session is stood in for.
import { generateId } from "ai";
import { beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import type { SessionUser } from "@/lib/auth";
import type { ChatMessageMetadata } from "@/lib/chat/types";
import type { LocalOpenRouter } from "@/local-openrouter";
import { postChatMessage, readUIChunks, sessionMock, signInAs, waitUntilIdle } from "@/tests/helpers/routes";
import { useLocalOpenRouter } from "@/tests/helpers/upstream";
import { makeUser } from "@/tests/helpers/users";

vi.mock("@/lib/auth", () => sessionMock());

let upstream: LocalOpenRouter;
let user: SessionUser;

beforeAll(async () => {
  upstream = await useLocalOpenRouter();
});

beforeEach(async () => {
  user = await makeUser("upstream-errors");
  signInAs(user);
});

type StreamedError = { code: string; message: string; retryAfter?: number; details?: Record<string, unknown> };

/** Sends one message, waits until the answer is saved, and returns the streamed error, the saved one and what went upstream. */
async function chat(text: string, body: Record<string, unknown>) {
  const id = generateId();
  const logFrom = upstream.log.length;
  const response = await postChatMessage(id, `${text} (ref ${generateId()})`, body);
  expect(response.status).toBe(200);
  const chunks = await readUIChunks(response);
  await waitUntilIdle(id);
  const { listMessages } = await import("@/lib/db/messages");
  const answer = (await listMessages(user.id, id)).find((m) => m.role === "assistant");
  const streamed = chunks.find((c) => c.type === "error") as { errorText: string } | undefined;
  const sent = upstream.log
    .slice(logFrom)
    .filter((e) => e.path.startsWith("/api/v1/chat/completions") && (e.body as { stream?: boolean }).stream === true);
  return {
    status: answer?.status,
    saved: ((answer?.metadata ?? {}) as ChatMessageMetadata).error,
    error: streamed ? (JSON.parse(streamed.errorText) as StreamedError) : undefined,
    sent: sent.map((e) => e.body as { provider?: unknown; model?: string }),
  };
}

const model = "meta-llama/llama-3.3-70b-instruct";

describe("a routing 404 names the preference that excluded every provider", () => {
  it("ignored providers: every provider of the model is ignored", async () => {
    const r = await chat("Hello", { model, settings: { routing: { provider: { ignore: ["DeepInfra", "Groq", "Together"] } } } });
    expect(r.sent[0].provider).toEqual({ ignore: ["DeepInfra", "Groq", "Together"] });
    expect(r.status).toBe("error");
    expect(r.error).toMatchObject({ code: "unavailable:routing_preference", details: { preference: "ignore" } });
    expect(r.error!.message).toContain("Your ignored providers (DeepInfra, Groq, Together) leave no provider for this model");
    // The recorded metadata (available_providers) says which providers serve it.
    expect(r.error!.message).toContain("served by deepinfra, groq, together");
    expect(r.error!.message).not.toMatch(/provider\.[a-z_]+/);
    expect(r.saved).toMatchObject({ code: "unavailable:routing_preference", message: r.error!.message });
  });

  it("your provider list without fallbacks: none of it serves the model", async () => {
    const r = await chat("Hello", { model, settings: { routing: { provider: { order: ["azure"], allowFallbacks: false } } } });
    expect(r.error).toMatchObject({ code: "unavailable:routing_preference", details: { preference: "order" } });
    expect(r.error!.message).toContain("your provider list (azure)");
    expect(r.error!.message).toContain("allow fallbacks");
  });

  it("zero-data-retention: the availability body's data policy and the request's zdr", async () => {
    const r = await chat("Hello", { model: "openai/gpt-4.1", settings: { routing: { provider: { zdr: true } } } });
    expect(r.sent[0].provider).toEqual({ zdr: true });
    expect(r.error).toMatchObject({ code: "unavailable:routing_preference", details: { preference: "zdr" } });
    expect(r.error!.message).toContain("zero-data-retention");
    expect(r.error!.message).toContain("“zero data retention only”");
  });

  it("data collection: deny, from the data-policy text and the request's data_collection", async () => {
    const r = await chat("Hello", {
      model: "meta-llama/llama-3.3-70b-instruct:free",
      settings: { routing: { provider: { dataCollection: "deny" } } },
    });
    expect(r.error).toMatchObject({ code: "unavailable:routing_preference", details: { preference: "data_collection" } });
    expect(r.error!.message).toContain("data collection: deny");
  });

  it("a maximum price: OpenRouter names no reason, the request's max_price does", async () => {
    const r = await chat("Hello", { model, settings: { routing: { provider: { maxPrice: { prompt: 0.01 } } } } });
    expect(r.error).toMatchObject({ code: "unavailable:routing_preference", details: { preference: "max_price" } });
    expect(r.error!.message).toContain("maximum price");
  });
});

describe("429s", () => {
  it("the daily free cap says it is the deployment's shared quota and when it resets", async () => {
    const r = await chat("Hello [[sb:error status=429]]", { model: "google/gemma-3-27b-it:free" });
    const now = new Date();
    const midnight = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1)).toISOString();
    expect(r.error).toMatchObject({ code: "rate_limited:free_daily", details: { resetsAt: midnight, limit: 50 } });
    expect(r.error!.message).toContain("whole Switchboard deployment's");
    expect(r.error!.message).toContain(`resets at midnight UTC (${midnight})`);
    // No countdown: the wait is hours, and the reset time says it.
    expect(r.error!.retryAfter).toBeUndefined();
    expect(r.status).toBe("error");
    expect(r.saved).toMatchObject({ code: "rate_limited:free_daily" });
  });

  it("a provider's own 429 names the provider and says to retry shortly or pick another model", async () => {
    const r = await chat("Hello [[sb:error status=429]]", { model: "google/gemini-2.5-flash" });
    expect(r.error).toMatchObject({ code: "rate_limited:upstream", details: { provider: "Google AI Studio" } });
    expect(r.error!.message).toContain("The provider Google AI Studio is rate-limiting this model upstream");
    expect(r.error!.message).toContain("Retry shortly or pick another model");
  });
});

describe("in-band errors keep their own codes", () => {
  it("400 Token limit reached after the finish", async () => {
    const r = await chat("Hello [[sb:midstream-error after=3 code=400]]", { model: "openai/gpt-4o-mini" });
    expect(r.error).toMatchObject({ code: "bad_request:token_limit" });
    expect(r.status).toBe("error");
  });

  it("429 mid-stream", async () => {
    const r = await chat("Hello [[sb:midstream-error after=3 code=429]]", { model: "openai/gpt-4o-mini" });
    expect(r.error).toMatchObject({ code: "rate_limited:upstream" });
  });
});
