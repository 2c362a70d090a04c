// The team gateway from outside: a person creates a personal key on a signed-in session, then
// unmodified clients nobody here wrote — the official `openai` package and LangChain's ChatOpenAI
// and OpenAIEmbeddings — call /api/v1 with it. Every call's stored cost equals what the local
// OpenRouter billed for it, to the nano-dollar; refusals answer in OpenAI's error shape with the
// right status and leave nothing behind; a key opens no session route and a session opens no API.
import { expect, test, type APIRequestContext } from "@playwright/test";
import { AIMessage, HumanMessage, ToolMessage } from "@langchain/core/messages";
import { ChatOpenAI, OpenAIEmbeddings } from "@langchain/openai";
import OpenAI from "openai";
import { signedInRequest, upstreamLog } from "./fixtures/api";
import { createKey, gatewayCostNano, gatewayUrl, revokeKey, upstreamCostNano } from "./fixtures/api-keys";

const MODEL = "openai/gpt-4o-mini";
const WEATHER_TOOL = {
  type: "function" as const,
  function: {
    name: "get_weather",
    description: "The weather in a city",
    parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"] },
  },
};

let owner: Awaited<ReturnType<typeof signedInRequest>>;
let key: string;
let openai: OpenAI;
/** In every prompt of the owner's calls, so the upstream's log finds them all. */
const marker = `gw${Math.random().toString(36).slice(2, 10)}`;

test.beforeAll(async ({ browser }) => {
  owner = await signedInRequest(browser, "gateway");
  key = (await createKey(owner.request, { name: "sdk clients" })).key;
  openai = new OpenAI({ apiKey: key, baseURL: gatewayUrl(), maxRetries: 0 });
});

test.afterAll(async () => {
  await owner?.close();
});

async function expectSameCost(generationId: string): Promise<void> {
  expect(generationId).toMatch(/^gen-/);
  expect(await gatewayCostNano(key, generationId)).toBe(await upstreamCostNano(generationId));
}

/** A raw call, for what the SDKs hide (headers, the exact error body). */
function post(path: string, bearer: string | null, body: unknown): Promise<Response> {
  return fetch(`${gatewayUrl()}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", ...(bearer ? { authorization: `Bearer ${bearer}` } : {}) },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
}

async function spendOf(request: APIRequestContext): Promise<{ monthNano: bigint; pendingCount: number; reservedNano: bigint }> {
  const summary = (await (await request.get("/api/spend/summary")).json()) as {
    monthNano: string;
    pendingCount: number;
    budget: { reservedNano: string };
  };
  return { monthNano: BigInt(summary.monthNano), pendingCount: summary.pendingCount, reservedNano: BigInt(summary.budget.reservedNano) };
}

test.describe.serial("unmodified clients", () => {
  test("the openai package: models, a completion, a stream with its usage, a tool round trip, json_object and embeddings", async () => {
    const models = [];
    for await (const model of openai.models.list()) models.push(model);
    expect(models.some((m) => m.id === MODEL && m.object === "model")).toBe(true);

    const completion = await openai.chat.completions.create({
      model: MODEL,
      messages: [{ role: "user", content: `${marker} [[sb:say text="Hello from the gateway"]]` }],
    });
    expect(completion.choices[0].message.content).toBe("Hello from the gateway");
    expect(completion.usage?.completion_tokens).toBeGreaterThan(0);
    await expectSameCost(completion.id);

    const stream = await openai.chat.completions.create({
      model: MODEL,
      messages: [{ role: "user", content: `${marker} [[sb:text tokens=20]]` }],
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = "";
    let streamId = "";
    let usage: OpenAI.CompletionUsage | undefined;
    for await (const chunk of stream) {
      streamId ||= chunk.id;
      text += chunk.choices[0]?.delta.content ?? "";
      usage = chunk.usage ?? usage;
    }
    expect(text.length).toBeGreaterThan(0);
    expect(usage?.completion_tokens).toBe(20);
    await expectSameCost(streamId);

    const question = `${marker} What is the weather in Paris? [[sb:tool name=get_weather args='{"city":"Paris"}']]`;
    const asked = await openai.chat.completions.create({ model: MODEL, messages: [{ role: "user", content: question }], tools: [WEATHER_TOOL] });
    expect(asked.choices[0].finish_reason).toBe("tool_calls");
    const call = asked.choices[0].message.tool_calls![0] as OpenAI.ChatCompletionMessageFunctionToolCall;
    expect(call.function).toEqual({ name: "get_weather", arguments: '{"city":"Paris"}' });
    const answered = await openai.chat.completions.create({
      model: MODEL,
      tools: [WEATHER_TOOL],
      messages: [
        { role: "user", content: question },
        asked.choices[0].message,
        { role: "tool", tool_call_id: call.id, content: '{"temperature":21}' },
      ],
    });
    expect(answered.choices[0].message.content).toContain("get_weather");
    await expectSameCost(asked.id);
    await expectSameCost(answered.id);

    const json = await openai.chat.completions.create({
      model: MODEL,
      messages: [{ role: "user", content: `${marker} Answer in JSON.` }],
      response_format: { type: "json_object" },
    });
    expect(JSON.parse(json.choices[0].message.content ?? "")).toEqual(expect.any(Object));
    await expectSameCost(json.id);

    const embedded = await openai.embeddings.create({ model: "openai/text-embedding-3-small", input: [`${marker} one`, `${marker} two`] });
    expect(embedded.data).toHaveLength(2);
    expect(embedded.data[0].embedding.length).toBeGreaterThan(0);
    // OpenRouter's embeddings answer carries the generation's id (not in OpenAI's type; kept by the client).
    await expectSameCost((embedded as unknown as { id: string }).id);
  });

  test("LangChain's ChatOpenAI and OpenAIEmbeddings: a completion, a stream with usage, a tool round trip, json_object, embeddings", async () => {
    const chat = new ChatOpenAI({ model: MODEL, apiKey: key, configuration: { baseURL: gatewayUrl() }, maxRetries: 0 });
    const reply = await chat.invoke(`${marker} [[sb:say text="Hello, LangChain"]]`);
    expect(reply.content).toBe("Hello, LangChain");
    expect(reply.usage_metadata?.output_tokens).toBeGreaterThan(0);

    let streamed = "";
    let streamedTokens = 0;
    for await (const chunk of await chat.stream(`${marker} [[sb:text tokens=12]]`)) {
      streamed += typeof chunk.content === "string" ? chunk.content : "";
      streamedTokens = chunk.usage_metadata?.output_tokens ?? streamedTokens;
    }
    expect(streamed.length).toBeGreaterThan(0);
    expect(streamedTokens).toBe(12);

    const withTools = chat.bindTools([WEATHER_TOOL]);
    const question = new HumanMessage(`${marker} Weather in Oslo? [[sb:tool name=get_weather args='{"city":"Oslo"}']]`);
    const asked = (await withTools.invoke([question])) as AIMessage;
    expect(asked.tool_calls?.[0]).toMatchObject({ name: "get_weather", args: { city: "Oslo" } });
    const answered = await withTools.invoke([question, asked, new ToolMessage({ tool_call_id: asked.tool_calls![0].id!, content: "sunny" })]);
    expect(String(answered.content)).toContain("get_weather");

    const json = await chat.invoke(`${marker} JSON please`, { response_format: { type: "json_object" } });
    expect(JSON.parse(String(json.content))).toEqual(expect.any(Object));

    const embeddings = new OpenAIEmbeddings({
      model: "openai/text-embedding-3-small",
      apiKey: key,
      configuration: { baseURL: gatewayUrl() },
      maxRetries: 0,
    });
    const vectors = await embeddings.embedDocuments([`${marker} alpha`, `${marker} beta`]);
    expect(vectors).toHaveLength(2);
  });

  test("the owner's month spend is exactly what the upstream billed for every generation of these calls", async () => {
    const ids = new Set<string>();
    for (const entry of (await upstreamLog()) as { body: unknown; generationId?: string }[]) {
      if (entry.generationId && JSON.stringify(entry.body ?? "").includes(marker)) ids.add(entry.generationId);
    }
    // openai: completion, stream, two tool steps, JSON, embeddings; LangChain the same.
    expect(ids.size).toBe(12);
    let billed = 0n;
    for (const id of ids) billed += await upstreamCostNano(id);
    await expect.poll(async () => (await spendOf(owner.request)).pendingCount, { timeout: 15_000 }).toBe(0);
    expect((await spendOf(owner.request)).monthNano).toBe(billed);
  });
});

test.describe("refusals", () => {
  test("a revoked key and an expired key get 401 in OpenAI's shape", async () => {
    const revoked = await createKey(owner.request, { name: "to revoke" });
    const before = await post("/chat/completions", revoked.key, { model: MODEL, messages: [{ role: "user", content: "hi" }] });
    expect(before.status).toBe(200);
    await before.json();
    await revokeKey(owner.request, revoked.apiKey.id);
    const client = new OpenAI({ apiKey: revoked.key, baseURL: gatewayUrl(), maxRetries: 0 });
    const error = await client.models.list().then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(OpenAI.AuthenticationError);
    expect((error as InstanceType<typeof OpenAI.AuthenticationError>).code).toBe("invalid_api_key");

    const expiring = await createKey(owner.request, { name: "short-lived", expiresAt: new Date(Date.now() + 2_000).toISOString() });
    await expect
      .poll(async () => (await fetch(`${gatewayUrl()}/models`, { headers: { authorization: `Bearer ${expiring.key}` } })).status, { timeout: 15_000 })
      .toBe(401);
    const body = await (await fetch(`${gatewayUrl()}/models`, { headers: { authorization: `Bearer ${expiring.key}` } })).json();
    expect(body).toEqual({ error: { message: expect.any(String), type: "authentication_error", code: "invalid_api_key", param: null } });
  });

  test("a model outside the key's allow-list gets 403, and /models lists only what it may use", async () => {
    const narrow = await createKey(owner.request, { name: "narrow", allowedModels: [MODEL] });
    const client = new OpenAI({ apiKey: narrow.key, baseURL: gatewayUrl(), maxRetries: 0 });
    const listed = [];
    for await (const model of client.models.list()) listed.push(model.id);
    expect(listed).toEqual([MODEL]);
    const error = await client.chat.completions.create({ model: "anthropic/claude-sonnet-4.5", messages: [{ role: "user", content: "hi" }] }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(OpenAI.PermissionDeniedError);
    const fallback = await post("/chat/completions", narrow.key, {
      model: MODEL,
      models: ["anthropic/claude-sonnet-4.5"],
      messages: [{ role: "user", content: "hi" }],
    });
    expect(fallback.status).toBe(403);
  });

  test("a key over its cap and a user over budget get 402 in OpenAI's shape, with nothing held or spent", async ({ browser }) => {
    const capped = await createKey(owner.request, { name: "capped", monthlyCapUsd: "0.000001" });
    const overCap = await post("/chat/completions", capped.key, { model: MODEL, messages: [{ role: "user", content: "hi" }] });
    expect(overCap.status).toBe(402);
    expect(await overCap.json()).toEqual({
      error: { message: expect.stringContaining("monthly cap"), type: "insufficient_quota", code: "insufficient_quota", param: null },
    });

    // The user's own monthly limit, which reservations take as min(admin budget, personal limit).
    const member = await signedInRequest(browser, "gwbudget");
    try {
      const memberKey = (await createKey(member.request, { name: "over budget" })).key;
      const limited = await member.request.patch("/api/spend/limit", { data: { limitNano: "1" } });
      expect(limited.status()).toBe(200);
      const client = new OpenAI({ apiKey: memberKey, baseURL: gatewayUrl(), maxRetries: 0 });
      const error = await client.chat.completions.create({ model: MODEL, messages: [{ role: "user", content: "hi" }] }).then(
        () => null,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(OpenAI.APIError);
      expect((error as InstanceType<typeof OpenAI.APIError>).status).toBe(402);
      expect((error as InstanceType<typeof OpenAI.APIError>).code).toBe("insufficient_quota");
      expect(await spendOf(member.request)).toEqual({ monthNano: 0n, pendingCount: 0, reservedNano: 0n });
    } finally {
      await member.close();
    }
  });

  test("the key's tokens per minute give 429 with Retry-After", async () => {
    const slow = await createKey(owner.request, { name: "rate limited", tokensPerMinute: 1 });
    const first = await post("/chat/completions", slow.key, { model: MODEL, messages: [{ role: "user", content: "spend a token" }] });
    expect(first.status).toBe(200);
    await first.json();
    const refused = await post("/chat/completions", slow.key, { model: MODEL, messages: [{ role: "user", content: "and another" }] });
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    expect(((await refused.json()) as { error: { type: string; code: string } }).error).toMatchObject({
      type: "rate_limit_error",
      code: "rate_limit_exceeded",
    });
  });

  test("another user's generation is 404; a key opens no session route; a session opens no API route", async ({ browser }) => {
    const mine = await openai.chat.completions.create({ model: MODEL, messages: [{ role: "user", content: "mine" }] });
    const other = await signedInRequest(browser, "gwother");
    try {
      const otherKey = (await createKey(other.request, { name: "other" })).key;
      const foreign = await fetch(`${gatewayUrl()}/generation?id=${mine.id}`, { headers: { authorization: `Bearer ${otherKey}` } });
      expect(foreign.status).toBe(404);
      expect(((await foreign.json()) as { error: { code: string } }).error.code).toBe("not_found");
      // The owner sees it (once its cost is known).
      expect(await gatewayCostNano(key, mine.id)).toBeGreaterThan(0n);

      const base = process.env.SB_E2E_URL!;
      const bearer = { authorization: `Bearer ${key}` };
      expect((await fetch(`${base}/api/conversations`, { headers: bearer })).status).toBe(401);
      const chat = await fetch(`${base}/api/chat`, { method: "POST", headers: { ...bearer, "content-type": "application/json" }, body: "{}" });
      expect(chat.status).toBe(401);
      expect((await fetch(`${base}/api/spend/summary`, { headers: bearer })).status).toBe(401);

      // The owner's session cookie on the API: stripped, so it authenticates nothing.
      const withSession = await other.request.get("/api/v1/models");
      expect(withSession.status()).toBe(401);
      const completion = await other.request.post("/api/v1/chat/completions", {
        data: { model: MODEL, messages: [{ role: "user", content: "hi" }] },
      });
      expect(completion.status()).toBe(401);
    } finally {
      await other.close();
    }
  });

  test("bad bodies get 400 and leave no usage, no reservation and no upstream request", async ({ browser }) => {
    const fresh = await signedInRequest(browser, "gwbad");
    try {
      const badKey = (await createKey(fresh.request, { name: "bad bodies" })).key;
      const upstreamCalls = async () =>
        (await upstreamLog()).filter((e) => e.path.includes("/chat/completions") || e.path.includes("/embeddings")).length;
      const before = await upstreamCalls();
      const bodies: unknown[] = [
        "{not json",
        {},
        { model: MODEL, messages: [] },
        { model: MODEL, messages: [{ role: "wizard", content: "hi" }] },
        { model: MODEL, messages: [{ role: "user", content: "hi" }], temperature: 7 },
        { model: MODEL, messages: [{ role: "user", content: "hi" }], n: 3 },
        { model: MODEL, messages: [{ role: "user", content: "hi" }], max_tokens: -1 },
        { model: MODEL, messages: [{ role: "user", content: "hi" }], tools: [{ type: "web_search" }] },
        { model: MODEL, messages: [{ role: "user", content: "hi" }], models: ["a/b", "c/d", "e/f", "g/h"] },
        { model: "no/such-model", messages: [{ role: "user", content: "hi" }] },
      ];
      for (const body of bodies) {
        const response = await post("/chat/completions", badKey, body);
        expect(response.status, JSON.stringify(body)).toBe(400);
        expect(((await response.json()) as { error: { type: string } }).error.type).toBe("invalid_request_error");
      }
      const embeddings = await post("/embeddings", badKey, { model: "openai/text-embedding-3-small", input: [] });
      expect(embeddings.status).toBe(400);
      expect(await upstreamCalls()).toBe(before);
      expect(await spendOf(fresh.request)).toEqual({ monthNano: 0n, pendingCount: 0, reservedNano: 0n });
    } finally {
      await fresh.close();
    }
  });
});
