// The gateway's route handlers in-process, against the real database and the local OpenRouter over
// HTTP: what each call costs in our ledger equals what the upstream billed, to the nano-dollar;
// refusals (key, allow-list, cap, body, rate) write nothing; a client that leaves mid-stream closes
// the upstream request and its generation is still accounted for.
import { beforeAll, describe, expect, it } from "vitest";
import { generateApiKeySecret } from "@/lib/api-keys/secret";
import { getDb } from "@/lib/db";
import type { LocalOpenRouter } from "@/local-openrouter";
import { directive } from "@/local-openrouter/directive";
import { APP } from "@/tests/helpers/routes";
import { useLocalOpenRouter } from "@/tests/helpers/upstream";
import { makeUser } from "@/tests/helpers/users";

let upstream: LocalOpenRouter;
beforeAll(async () => {
  upstream = await useLocalOpenRouter();
});

type KeyOptions = {
  allowedModels?: string[];
  monthlyCapNano?: bigint | null;
  tokensPerMinute?: number | null;
  keepLog?: boolean;
  revoked?: boolean;
  expired?: boolean;
};

async function apiKey(userId: string, options: KeyOptions = {}): Promise<{ key: string; id: string }> {
  const secret = generateApiKeySecret();
  const db = await getDb();
  const row = await db.apiKey.create({
    data: {
      userId,
      name: "test key",
      prefix: secret.prefix,
      hash: secret.hash,
      allowedModels: options.allowedModels ?? [],
      monthlyCapNano: options.monthlyCapNano ?? null,
      tokensPerMinute: options.tokensPerMinute ?? null,
      keepLog: options.keepLog ?? false,
      revokedAt: options.revoked ? new Date() : null,
      expiresAt: options.expired ? new Date(Date.now() - 1000) : null,
    },
  });
  return { key: secret.key, id: row.id };
}

async function call(path: string, key: string | null, body?: unknown, headers: Record<string, string> = {}, signal?: AbortSignal): Promise<Response> {
  const request = new Request(`${APP}/api/v1${path}`, {
    method: body === undefined ? "GET" : "POST",
    body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
    headers: { "content-type": "application/json", ...(key ? { authorization: `Bearer ${key}` } : {}), ...headers },
    signal,
  });
  if (path.startsWith("/chat/completions")) return (await import("@/app/api/v1/chat/completions/route")).POST(request, undefined);
  if (path.startsWith("/embeddings")) return (await import("@/app/api/v1/embeddings/route")).POST(request, undefined);
  if (path.startsWith("/models")) return (await import("@/app/api/v1/models/route")).GET(request, undefined);
  return (await import("@/app/api/v1/generation/route")).GET(request, undefined);
}

const ask = (text: string, extra: Record<string, unknown> = {}) => ({
  model: "openai/gpt-4o-mini",
  messages: [{ role: "user", content: text }],
  ...extra,
});

async function usageRows(apiKeyId: string) {
  return (await getDb()).usage.findMany({ where: { apiKeyId }, orderBy: { createdAt: "asc" } });
}

async function reservations(userId: string) {
  return (await getDb()).reservation.count({ where: { userId } });
}

function sseData(text: string): unknown[] {
  return text
    .split("\n")
    .filter((line) => line.startsWith("data: ") && line !== "data: [DONE]")
    .map((line) => JSON.parse(line.slice(6)) as unknown);
}

describe("chat completions", () => {
  it("answers a completion with OpenRouter's body and records its exact cost against the key", async () => {
    const user = await makeUser("gw");
    const { key, id } = await apiKey(user.id);
    await (await getDb()).user.update({ where: { id: user.id }, data: { monthlyBudgetNano: 10n ** 9n } });
    const response = await call("/chat/completions", key, ask("Hello there"));
    expect(response.status).toBe(200);
    const body = (await response.json()) as { id: string; object: string; choices: { message: { content: string } }[]; usage: { cost: number } };
    expect(body.object).toBe("chat.completion");
    expect(body.choices[0].message.content.length).toBeGreaterThan(0);
    const [row] = await usageRows(id);
    expect(row).toMatchObject({ generationId: body.id, kind: "api", userId: user.id, conversationId: null });
    expect(row.costNano).toBe(upstream.generations.get(body.id)!.costNano);
    // The reservation was freed once the cost was known.
    expect(await reservations(user.id)).toBe(0);
    // The bound the reservation assumed went upstream as max_tokens.
    const sent = upstream.log.filter((e) => e.path.endsWith("/chat/completions")).at(-1)!.body as { max_tokens?: number };
    expect(sent.max_tokens).toBeGreaterThan(0);
  });

  it("relays a stream byte for byte, keep-alives and usage chunk included, and meters it", async () => {
    const user = await makeUser("gw");
    const { key, id } = await apiKey(user.id);
    const response = await call("/chat/completions", key, ask("Stream please", { stream: true }));
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toContain("text/event-stream");
    const text = await response.text();
    expect(text).toContain(": OPENROUTER PROCESSING");
    expect(text.trim().endsWith("data: [DONE]")).toBe(true);
    const chunks = sseData(text) as { id: string; usage?: { cost: number } }[];
    const usage = chunks.find((c) => c.usage)?.usage;
    expect(usage?.cost).toBeGreaterThan(0);
    const [row] = await usageRows(id);
    expect(row.generationId).toBe(chunks[0].id);
    expect(row.costNano).toBe(upstream.generations.get(chunks[0].id)!.costNano);
    expect(row.promptTokens).toBeGreaterThan(0);
  });

  it("keeps the log of a key that asks for one, with the assembled streamed tool call", async () => {
    const user = await makeUser("gw");
    const { key, id } = await apiKey(user.id, { keepLog: true });
    const tools = [{ type: "function", function: { name: "get_weather", parameters: { type: "object", properties: { city: { type: "string" } } } } }];
    const response = await call(
      "/chat/completions",
      key,
      ask(`Weather? ${directive("tool", { name: "get_weather", args: '{"city":"Paris"}' })}`, { stream: true, tools }),
    );
    await response.text();
    const [log] = await (await getDb()).apiLog.findMany({ where: { apiKeyId: id } });
    const answer = log.response as {
      choices: { message: { tool_calls: { function: { name: string; arguments: string } }[] }; finish_reason: string }[];
    };
    expect(answer.choices[0].finish_reason).toBe("tool_calls");
    expect(answer.choices[0].message.tool_calls[0].function).toEqual({ name: "get_weather", arguments: '{"city":"Paris"}' });
    expect(log.status).toBe(200);
    // API calls never become conversations.
    expect(await (await getDb()).conversation.count({ where: { userId: user.id } })).toBe(0);
  });

  it("closes the upstream request when the client leaves mid-stream, and leaves the cost to settlement", async () => {
    const user = await makeUser("gw");
    const { key, id } = await apiKey(user.id);
    const abort = new AbortController();
    const marker = `leave-${Date.now()}`;
    const response = await call(
      "/chat/completions",
      key,
      ask(`${marker} ${directive("text", { tokens: 400, rate: 50 })}`, { stream: true }),
      {},
      abort.signal,
    );
    const reader = response.body!.getReader();
    await reader.read();
    await reader.cancel();
    abort.abort();
    await expect.poll(() => upstream.log.find((e) => JSON.stringify(e.body).includes(marker))?.closedByClient, { timeout: 10_000 }).toBe(true);
    // The row names the generation; the stream never reported its cost, so settlement will ask /generation.
    await expect.poll(async () => (await usageRows(id))[0]?.finishReason ?? null, { timeout: 10_000 }).toBe("aborted");
    const [row] = await usageRows(id);
    expect(row.costNano).toBeNull();
    expect(row.nextSettleAt).not.toBeNull();
  });
});

describe("what goes upstream", () => {
  it("forwards the request's own fields as written, drops fields that could bill beyond the reservation, and sends the bound", async () => {
    const user = await makeUser("gw");
    const { key } = await apiKey(user.id);
    const marker = `fields-${Date.now()}`;
    const schema = { type: "object", properties: { city: { type: "string" } }, required: ["city"] };
    const response = await call(
      "/chat/completions",
      key,
      ask(`${marker} a city as JSON`, {
        response_format: { type: "json_schema", json_schema: { name: "city", schema, strict: true } },
        reasoning: { effort: "low" },
        stop: ["END"],
        seed: 7,
        temperature: 0.3,
        top_p: 0.9,
        max_completion_tokens: 77,
        provider: { sort: "price" },
        user: "script-1",
        // Not forwarded: web search and image output would bill beyond what was reserved; the rest is unknown here.
        plugins: [{ id: "web" }],
        modalities: ["image", "text"],
        logprobs: true,
      }),
    );
    expect(response.status).toBe(200);
    const body = (await response.json()) as { choices: { message: { content: string } }[] };
    expect(JSON.parse(body.choices[0].message.content)).toEqual({ city: expect.any(String) });
    const sent = upstream.log.find((e) => JSON.stringify(e.body).includes(marker))!.body as Record<string, unknown>;
    expect(sent).toMatchObject({
      model: "openai/gpt-4o-mini",
      response_format: { type: "json_schema", json_schema: { name: "city", schema, strict: true } },
      reasoning: { effort: "low" },
      stop: ["END"],
      seed: 7,
      temperature: 0.3,
      top_p: 0.9,
      max_tokens: 77,
      provider: { sort: "price" },
      user: "script-1",
    });
    for (const dropped of ["plugins", "modalities", "logprobs", "max_completion_tokens"]) expect(sent).not.toHaveProperty(dropped);
  });

  it("sends an alias's fallbacks and provider preferences, the request's own winning", async () => {
    const user = await makeUser("gw");
    const { key } = await apiKey(user.id);
    const name = `team-${Date.now()}`;
    await (
      await getDb()
    ).modelAlias.create({
      data: { name, model: "openai/gpt-4o-mini", fallbacks: ["anthropic/claude-sonnet-4.5"], provider: { sort: "throughput" } },
    });
    const marker = `alias-${Date.now()}`;
    await call("/chat/completions", key, { ...ask(marker), model: name }).then((r) => r.text());
    const sent = upstream.log.find((e) => JSON.stringify(e.body).includes(marker))!.body as Record<string, unknown>;
    expect(sent).toMatchObject({ model: "openai/gpt-4o-mini", models: ["anthropic/claude-sonnet-4.5"], provider: { sort: "throughput" } });
    const own = `alias-own-${Date.now()}`;
    await call("/chat/completions", key, { ...ask(own), model: name, provider: { sort: "price" } }).then((r) => r.text());
    expect((upstream.log.find((e) => JSON.stringify(e.body).includes(own))!.body as Record<string, unknown>).provider).toEqual({ sort: "price" });
  });
});

describe("refusals write nothing", () => {
  it("401 for a missing, wrong, revoked or expired key, and for a key in another header", async () => {
    const user = await makeUser("gw");
    const live = await apiKey(user.id);
    const revoked = await apiKey(user.id, { revoked: true });
    const expired = await apiKey(user.id, { expired: true });
    const attempts = [
      await call("/chat/completions", null, ask("hi")),
      await call("/chat/completions", `${live.key.slice(0, -1)}x`, ask("hi")),
      await call("/chat/completions", "not-a-key", ask("hi")),
      await call("/chat/completions", revoked.key, ask("hi")),
      await call("/chat/completions", expired.key, ask("hi")),
      await call("/chat/completions", null, ask("hi"), { "x-api-key": live.key }),
      await call("/chat/completions", null, ask("hi"), { "api-key": live.key }),
      await call("/models", null, undefined, { authorization: `Basic ${live.key}` }),
    ];
    for (const response of attempts) {
      expect(response.status).toBe(401);
      expect(await response.json()).toEqual({
        error: { message: expect.stringMatching(/^Invalid API key/), type: "authentication_error", code: "invalid_api_key", param: null },
      });
    }
    expect(await (await getDb()).usage.count({ where: { userId: user.id } })).toBe(0);
  });

  it("400 for bad bodies, 403 outside the allow-list, 402 over the key's cap: no usage, no reservation", async () => {
    const user = await makeUser("gw");
    const { key } = await apiKey(user.id, { allowedModels: ["openai/gpt-4o-mini"] });
    for (const bad of [
      "{",
      JSON.stringify({ model: "openai/gpt-4o-mini", messages: [] }),
      JSON.stringify(ask("hi", { n: 2 })),
      JSON.stringify(ask("hi", { temperature: 9 })),
    ]) {
      const response = await call("/chat/completions", key, bad);
      expect(response.status).toBe(400);
      expect(((await response.json()) as { error: { type: string } }).error.type).toBe("invalid_request_error");
    }
    const outside = await call("/chat/completions", key, { ...ask("hi"), model: "anthropic/claude-sonnet-4.5" });
    expect(outside.status).toBe(403);
    expect(((await outside.json()) as { error: { code: string } }).error.code).toBe("permission_denied");
    const fallbackOutside = await call("/chat/completions", key, ask("hi", { models: ["anthropic/claude-sonnet-4.5"] }));
    expect(fallbackOutside.status).toBe(403);

    const capped = await apiKey(user.id, { monthlyCapNano: 1000n });
    const over = await call("/chat/completions", capped.key, ask("hi"));
    expect(over.status).toBe(402);
    expect(await over.json()).toEqual({
      error: { message: expect.stringContaining("monthly cap"), type: "insufficient_quota", code: "insufficient_quota", param: null },
    });
    expect(await (await getDb()).usage.count({ where: { userId: user.id } })).toBe(0);
    expect(await reservations(user.id)).toBe(0);
  });

  it("429 with Retry-After once the key's tokens for the minute are spent", async () => {
    const user = await makeUser("gw");
    const { key } = await apiKey(user.id, { tokensPerMinute: 10 });
    const first = await call("/chat/completions", key, ask("use some tokens"));
    expect(first.status).toBe(200);
    // The call's tokens count once its answer has been read to the end.
    await first.json();
    const refused = await call("/chat/completions", key, ask("and more"));
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe("rate_limit_exceeded");
  });

  it("relays OpenRouter's own errors with its status and message, in OpenAI's shape", async () => {
    const user = await makeUser("gw");
    const { key } = await apiKey(user.id);
    const response = await call("/chat/completions", key, ask(directive("error", { status: 502 })));
    expect(response.status).toBe(502);
    const body = (await response.json()) as { error: { message: string; type: string; metadata?: unknown } };
    expect(body.error.type).toBe("api_error");
    expect(body.error.message.length).toBeGreaterThan(0);
    expect(await reservations(user.id)).toBe(0);
  });
});

describe("generation, models, embeddings", () => {
  it("answers the caller's own generation from the ledger and 404s anyone else's", async () => {
    const owner = await makeUser("gw");
    const other = await makeUser("gw");
    const mine = await apiKey(owner.id);
    const theirs = await apiKey(other.id);
    const completion = (await (await call("/chat/completions", mine.key, ask("cost me"))).json()) as { id: string };
    const response = await call(`/generation?id=${completion.id}`, mine.key);
    expect(response.status).toBe(200);
    const { data } = (await response.json()) as { data: { id: string; total_cost: number; tokens_prompt: number } };
    const record = upstream.generations.get(completion.id)!;
    expect(BigInt(Math.round(data.total_cost * 1e9))).toBe(record.costNano);
    expect(data.tokens_prompt).toBe(record.data.tokens_prompt);
    const foreign = await call(`/generation?id=${completion.id}`, theirs.key);
    expect(foreign.status).toBe(404);
    expect(((await foreign.json()) as { error: { code: string } }).error.code).toBe("not_found");
  });

  it("lists only the models the key may use, in OpenAI's list shape, aliases included", async () => {
    const user = await makeUser("gw");
    const db = await getDb();
    const aliasName = `fast-${Date.now()}`;
    await db.modelAlias.create({ data: { name: aliasName, model: "openai/gpt-4o-mini", fallbacks: [] } });
    const open = await apiKey(user.id);
    const all = (await (await call("/models", open.key)).json()) as { object: string; data: { id: string; object: string }[] };
    expect(all.object).toBe("list");
    expect(all.data.some((m) => m.id === aliasName)).toBe(true);
    expect(all.data.some((m) => m.id === "openai/text-embedding-3-small")).toBe(true);
    expect(all.data.length).toBeGreaterThan(100);
    const narrow = await apiKey(user.id, { allowedModels: [aliasName] });
    const listed = (await (await call("/models", narrow.key)).json()) as { data: { id: string }[] };
    expect(listed.data.map((m) => m.id)).toEqual([aliasName]);
    // The alias works through the API, and is what the allow-list names.
    const viaAlias = await call("/chat/completions", narrow.key, { ...ask("alias"), model: aliasName });
    expect(viaAlias.status).toBe(200);
    const sent = upstream.log.filter((e) => e.path.endsWith("/chat/completions")).at(-1)!.body as { model: string };
    expect(sent.model).toBe("openai/gpt-4o-mini");
  });

  it("meters embeddings at the upstream's exact cost", async () => {
    const user = await makeUser("gw");
    const { key, id } = await apiKey(user.id);
    const response = await call("/embeddings", key, { model: "openai/text-embedding-3-small", input: ["one", "two words"] });
    expect(response.status).toBe(200);
    const body = (await response.json()) as { id: string; data: unknown[]; usage: { cost: number } };
    expect(body.data).toHaveLength(2);
    const [row] = await usageRows(id);
    expect(row.generationId).toBe(body.id);
    expect(row.costNano).toBe(upstream.generations.get(body.id)!.costNano);
  });
});
