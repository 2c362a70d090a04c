// The budget bound end to end: what the local OpenRouter charged (its own /generation records, not
// our ledger) for everything a message set off never exceeds what the chat route reserved for it —
// a tool loop of five generations, an answer longer than the reserved output, a prompt of one-letter
// words, an image, a prompt in a long-context price tier and the auto router. The reservation is read from the route's own
// refusal (a budget of 1 nano-USD refuses it, naming the amount), then the budget is set to exactly
// that amount and the same message is sent again: the title request, held against the same budget,
// finds nothing left and is not sent.
import { generateId } from "ai";
import { beforeAll, describe, expect, it, vi } from "vitest";
import type { SessionUser } from "@/lib/auth";
import type { LocalOpenRouter } from "@/local-openrouter";
import { pngDataUrl } from "@/local-openrouter/text";
import { postChatMessage, readUIChunks, sessionMock, signInAs, waitUntilIdle } from "@/tests/helpers/routes";
import { useLocalOpenRouter } from "@/tests/helpers/upstream";
import { makeUser } from "@/tests/helpers/users";

vi.mock("@/lib/auth", () => sessionMock());

// A long-context prompt (200,000 tokens and more) in one message.
process.env.SWITCHBOARD_MAX_MESSAGE_CHARS = "1000000";

let upstream: LocalOpenRouter;
beforeAll(async () => {
  upstream = await useLocalOpenRouter();
});

async function setBudget(userId: string, nano: bigint): Promise<void> {
  const { getDb } = await import("@/lib/db");
  await (await getDb()).user.update({ where: { id: userId }, data: { monthlyBudgetNano: nano } });
}

type Sent = { reservedNano: bigint; chargedNano: bigint; generationIds: string[]; requests: Record<string, unknown>[] };

/**
 * Sends `text` twice: refused under a budget of 1 nano-USD (which names the reservation), then
 * admitted under a budget of exactly that reservation. Returns what the upstream charged for every
 * request that carried the message's marker, and those requests' bodies.
 */
async function sendBounded(user: SessionUser, text: string, extra: Record<string, unknown> = {}): Promise<Sent> {
  signInAs(user);
  const marker = `m${generateId()}`;
  await setBudget(user.id, 1n);
  const refused = await postChatMessage(generateId(), `${marker} ${text}`, extra);
  expect(refused.status).toBe(402);
  const body = (await refused.json()) as { error: { code: string; details: { amountNano: string } } };
  expect(body.error.code).toBe("budget_exceeded:spend");
  const reservedNano = BigInt(body.error.details.amountNano);

  await setBudget(user.id, reservedNano);
  const id = generateId();
  const response = await postChatMessage(id, `${marker} ${text}`, extra);
  expect(response.status).toBe(200);
  const chunks = await readUIChunks(response);
  expect(
    chunks.some((c) => c.type === "error"),
    JSON.stringify(chunks.find((c) => c.type === "error")),
  ).toBe(false);
  expect(await waitUntilIdle(id)).toBe(true);

  const entries = upstream.log.filter((e) => e.path.startsWith("/api/v1/chat/completions") && JSON.stringify(e.body).includes(marker));
  const generationIds = entries.flatMap((e) => (e.generationId ? [e.generationId] : []));
  await vi.waitFor(() => {
    for (const gid of generationIds) expect(upstream.generations.get(gid)?.state).toBe("done");
  });
  const chargedNano = generationIds.reduce((sum, gid) => sum + upstream.generations.get(gid)!.costNano, 0n);
  // The title found nothing left to hold: only the answer's requests went upstream.
  const { getDb } = await import("@/lib/db");
  const usage = await (await getDb()).usage.findMany({ where: { userId: user.id } });
  expect(usage.map((u) => u.kind).every((k) => k === "chat")).toBe(true);
  return { reservedNano, chargedNano, generationIds, requests: entries.map((e) => e.body as Record<string, unknown>) };
}

describe("what the upstream charges for a message never exceeds its reservation", () => {
  it("a tool loop of five generations, each resending a long history", async () => {
    const user = await makeUser("bound-tools");
    // About 30,000 prompt tokens, resent with every generation: five of them cost more than one
    // generation's prompt and full output (what a reservation of one generation held).
    const history = "lo ".repeat(30_000);
    const sent = await sendBounded(user, `${history} [[sb:tool name=calculator steps=5]]`);
    expect(sent.generationIds).toHaveLength(5);
    expect(sent.chargedNano).toBeLessThanOrEqual(sent.reservedNano);
    // Every step asked for the output the reservation assumed (gpt-4o-mini: 16,384).
    expect(sent.requests.map((b) => b.max_tokens)).toEqual([16_384, 16_384, 16_384, 16_384, 16_384]);
  });

  it("an answer that would run past the reserved output is cut at max_tokens", async () => {
    const user = await makeUser("bound-long");
    const sent = await sendBounded(user, "Write at length [[sb:text tokens=30000]]");
    expect(sent.requests.map((b) => b.max_tokens)).toEqual([16_384]);
    const [record] = sent.generationIds.map((gid) => upstream.generations.get(gid)!);
    expect(record.data.tokens_completion).toBe(16_384);
    expect(record.data.finish_reason).toBe("length");
    expect(sent.chargedNano).toBeLessThanOrEqual(sent.reservedNano);
  });

  it("a prompt of one-letter words, which a characters-per-token estimate undercounts", async () => {
    const user = await makeUser("bound-letters");
    // 40,000 prompt tokens at the upstream (one a word) in 80,000 characters; a short answer.
    const sent = await sendBounded(user, `${"a ".repeat(40_000)} [[sb:text tokens=5]]`, { settings: { maxTokens: 10 } });
    const [record] = sent.generationIds.map((gid) => upstream.generations.get(gid)!);
    expect(record.data.tokens_prompt).toBeGreaterThanOrEqual(40_000);
    expect(sent.chargedNano).toBeLessThanOrEqual(sent.reservedNano);
  });

  it("an image input, billed per image", async () => {
    const user = await makeUser("bound-image");
    const { createAttachment } = await import("@/lib/attachments/store");
    const png = new Uint8Array(Buffer.from(pngDataUrl(0x336699).split(",")[1], "base64"));
    const image = await createAttachment({ userId: user.id, kind: "upload", mediaType: "image/png", filename: "p.png", data: png });
    // A short answer: the image's own price is most of what it costs.
    const settings = { maxTokens: 10 };
    const sent = await sendBounded(user, "What is in this picture?", { model: "openai/gpt-4o", attachments: [image.id], settings });
    expect(sent.requests.map((b) => b.max_tokens)).toEqual([10]);
    const [record] = sent.generationIds.map((gid) => upstream.generations.get(gid)!);
    expect(record.data.num_media_prompt).toBe(1);
    expect(record.costNano).toBeGreaterThanOrEqual(3_613_000n);
    expect(sent.chargedNano).toBeLessThanOrEqual(sent.reservedNano);
  });

  it("a prompt in the long-context tier, billed at the tier's prices", async () => {
    const user = await makeUser("bound-tier");
    // google/gemini-2.5-pro costs 0.0000025 a prompt token from 200,000 prompt tokens on (local catalog).
    const sent = await sendBounded(user, `${"a ".repeat(200_500)} [[sb:text tokens=20]]`, { model: "google/gemini-2.5-pro" });
    const [record] = sent.generationIds.map((gid) => upstream.generations.get(gid)!);
    expect(record.data.tokens_prompt).toBeGreaterThanOrEqual(200_000);
    expect(record.costNano).toBeGreaterThanOrEqual(BigInt(record.data.tokens_prompt ?? 0) * 2500n);
    expect(sent.chargedNano).toBeLessThanOrEqual(sent.reservedNano);
  });

  it("the auto router, held to the models it is allowed to pick", async () => {
    const user = await makeUser("bound-auto");
    const sent = await sendBounded(user, "Pick a model [[sb:text tokens=200]]", { model: "openrouter/auto" });
    const { getEnv } = await import("@/lib/env");
    const allowed = getEnv().SWITCHBOARD_AUTO_ROUTER_MODELS;
    expect(sent.requests[0].plugins).toContainEqual({ id: "auto-router", allowed_models: allowed });
    const [record] = sent.generationIds.map((gid) => upstream.generations.get(gid)!);
    expect(allowed).toContain(record.data.model);
    expect(sent.chargedNano).toBeLessThanOrEqual(sent.reservedNano);
    // Far below what the dearest model of the catalog would have needed.
    const { getCatalog } = await import("@/lib/openrouter/catalog");
    const { worstCaseForChoices } = await import("./worst-case");
    const catalog = (await getCatalog()).models;
    const auto = catalog.find((m) => m.id === "openrouter/auto")!;
    const shape = { promptTokens: 100, images: 0, pdfs: 0, tools: auto.supportsTools, maxTokens: null };
    const unbounded = worstCaseForChoices(auto, { fallbacks: [], webSearch: null }, shape, catalog);
    expect(sent.reservedNano * 2n).toBeLessThan(unbounded);
  });
});
