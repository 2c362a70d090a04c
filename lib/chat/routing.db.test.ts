// Routing, web search, attachments and image output through POST /api/chat, against the local
// OpenRouter over HTTP: what went upstream is read back from its request log, costs from its
// generation records. Real database; only the session is stood in for (tests/helpers/routes).
import { generateId } from "ai";
import { beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import type { SessionUser } from "@/lib/auth";
import { MAX_FALLBACK_MODELS } from "@/lib/chat/limits";
import type { ChatMessageMetadata } from "@/lib/chat/types";
import { loadSpecValidator } from "@/local-openrouter/spec-validator";
import { pngDataUrl } from "@/local-openrouter/text";
import type { LocalOpenRouter } from "@/local-openrouter";
import { APP, postChatMessage, readUIChunks, sessionMock, signInAs, waitUntilIdle } from "@/tests/helpers/routes";
import { useLocalOpenRouter } from "@/tests/helpers/upstream";
import { makeUser } from "@/tests/helpers/users";

vi.mock("@/lib/auth", () => sessionMock());

const PNG = new Uint8Array(Buffer.from(pngDataUrl(0x112233).split(",")[1], "base64"));
const PDF = new Uint8Array(Buffer.from("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"));

let upstream: LocalOpenRouter;
let user: SessionUser;

beforeAll(async () => {
  upstream = await useLocalOpenRouter();
});

beforeEach(async () => {
  user = await makeUser("routing");
  signInAs(user);
});

type ChatBody = Record<string, unknown> & { id?: string; model?: string };

/** Sends one message through the route and waits until the answer is saved. */
async function chat(text: string, body: ChatBody = {}) {
  const id = body.id ?? generateId();
  const logFrom = upstream.log.length;
  // A unique mark per message, to tell its upstream requests from any others in the log.
  text = `${text} (ref ${generateId()})`;
  const response = await postChatMessage(id, text, body);
  const chunks = response.status === 200 ? await readUIChunks(response) : [];
  const error =
    response.status === 200
      ? null
      : ((await response.json()) as { error: { code: string; message: string; details?: Record<string, unknown> } }).error;
  await waitUntilIdle(id);
  const { listMessages } = await import("@/lib/db/messages");
  const messages = await listMessages(user.id, id);
  // Only this message's answer (its title is written by a separate, non-streaming request).
  const sent = upstream.log
    .slice(logFrom)
    .filter(
      (e) =>
        e.path.startsWith("/api/v1/chat/completions") &&
        (e.body as { stream?: boolean }).stream === true &&
        JSON.stringify((e.body as { messages?: unknown[] }).messages?.at(-1) ?? "").includes(JSON.stringify(text).slice(1, -1)),
    );
  const answer = messages.find((m) => m.role === "assistant");
  // Every request we sent is a valid ChatRequest by OpenRouter's own description.
  for (const entry of sent) loadSpecValidator().assert("ChatRequest", entry.body, "request sent upstream");
  return {
    id,
    status: response.status,
    error,
    chunks,
    messages,
    answer,
    meta: (answer?.metadata ?? {}) as ChatMessageMetadata,
    sent: sent.map((e) => e.body as Record<string, unknown>),
  };
}

/** The answers' Usage rows of a conversation (its title's row, kind "title", is left out). */
async function usageOf(conversationId: string) {
  const { getDb } = await import("@/lib/db");
  return (await getDb()).usage.findMany({ where: { userId: user.id, conversationId, kind: "chat" } });
}

async function uploadFile(bytes: Uint8Array, name: string): Promise<string> {
  const { POST } = await import("@/app/api/attachments/route");
  const response = await POST(
    new Request(`${APP}/api/attachments`, { method: "POST", body: new Uint8Array(bytes), headers: { host: "app.test", "x-filename": name } }),
    undefined,
  );
  expect(response.status).toBe(201);
  return ((await response.json()) as { attachments: { id: string }[] }).attachments[0].id;
}

describe("fallback models", () => {
  it("sends the model as `model` and the fallbacks as `models`; a fallback's answer names itself, keeps requested and served model, costs what it cost", async () => {
    const r = await chat("Hello [[sb:fallback]]", {
      settings: { routing: { fallbackModels: ["anthropic/claude-haiku-4.5", "google/gemini-2.5-flash"] } },
    });
    expect(r.status).toBe(200);
    expect(r.sent).toHaveLength(1);
    expect(r.sent[0].model).toBe("openai/gpt-4o-mini");
    expect(r.sent[0].models).toEqual(["anthropic/claude-haiku-4.5", "google/gemini-2.5-flash"]);
    expect(r.sent[0].provider).toBeUndefined();
    expect(r.meta).toMatchObject({ model: "openai/gpt-4o-mini", modelServed: "anthropic/claude-haiku-4.5", fallbackUsed: true, status: "complete" });
    expect(r.meta.provider).toBeTruthy();
    const [usage] = await usageOf(r.id);
    expect(usage).toMatchObject({ modelRequested: "openai/gpt-4o-mini", modelServed: "anthropic/claude-haiku-4.5" });
    const record = upstream.generations.get(usage.generationId!)!;
    expect(record.data.model).toBe("anthropic/claude-haiku-4.5");
    expect(usage.costNano).toBe(record.costNano);
    expect(r.meta.costNano).toBe(record.costNano.toString());
  });

  it("a conversation with the most fallbacks allowed is answered, every message, with at most 3 entries in `models`", async () => {
    // OpenRouter refuses more than 3 entries in `models` (error-400-models-too-many.message.txt).
    const fallbackModels = ["anthropic/claude-haiku-4.5", "google/gemini-2.5-flash", "mistralai/mistral-nemo"].slice(0, MAX_FALLBACK_MODELS);
    expect(fallbackModels).toHaveLength(3);
    const logFrom = upstream.log.length;
    const first = await chat("Hello [[sb:fallback]]", { settings: { routing: { fallbackModels } } });
    // The next message has no settings of its own: the saved routing, with its three fallbacks, applies.
    const second = await chat("Again [[sb:text tokens=3]]", { id: first.id });
    for (const r of [first, second]) {
      expect(r.status).toBe(200);
      expect(r.sent).toHaveLength(1);
      expect(r.sent[0].model).toBe("openai/gpt-4o-mini");
      expect(r.sent[0].models).toEqual(fallbackModels);
      expect((r.sent[0].models as string[]).length).toBeLessThanOrEqual(3);
    }
    expect(first.meta.status).toBe("complete");
    expect(first.meta).toMatchObject({ modelServed: "anthropic/claude-haiku-4.5", fallbackUsed: true });
    // `meta` is the conversation's first answer; the second message's answer is the last one.
    const secondAnswer = second.messages.at(-1)!;
    expect(secondAnswer.role).toBe("assistant");
    expect(secondAnswer.metadata).toMatchObject({ status: "complete", modelServed: "openai/gpt-4o-mini" });
    expect((secondAnswer.metadata as ChatMessageMetadata).fallbackUsed).toBeUndefined();
    // Every request upstream since (the answers and the title) held at most 3 models and none was refused.
    const requests = upstream.log.slice(logFrom).filter((e) => e.path.startsWith("/api/v1/chat/completions"));
    expect(requests.length).toBeGreaterThanOrEqual(2);
    for (const e of requests) {
      expect(((e.body as { models?: unknown[] }).models ?? []).length).toBeLessThanOrEqual(3);
      expect(e.status).not.toBe(400);
    }
  });

  it("refuses more than three fallbacks and unknown ones, before anything is sent", async () => {
    const before = upstream.log.length;
    const four = await chat("Hi", { settings: { routing: { fallbackModels: ["a/b", "c/d", "e/f", "g/h"] } } });
    expect(four.status).toBe(400);
    const unknown = await chat("Hi", { settings: { routing: { fallbackModels: ["nobody/no-such-model"] } } });
    expect(unknown.status).toBe(400);
    expect(unknown.error?.code).toBe("bad_request:routing");
    expect(unknown.error?.message).toContain("nobody/no-such-model");
    expect(upstream.log.slice(before).filter((e) => e.path.includes("chat/completions"))).toHaveLength(0);
  });
});

describe("provider preferences", () => {
  const model = "meta-llama/llama-3.3-70b-instruct";

  it("sends each preference under OpenRouter's name; sort by price is served by the cheapest endpoint", async () => {
    const r = await chat("Hello [[sb:text tokens=12]]", {
      model,
      settings: {
        routing: {
          provider: {
            sort: "price",
            ignore: ["Together"],
            allowFallbacks: true,
            dataCollection: "deny",
            zdr: false,
            maxPrice: { prompt: 1, completion: 2 },
          },
        },
      },
    });
    expect(r.status).toBe(200);
    expect(r.sent[0].provider).toEqual({
      sort: "price",
      ignore: ["Together"],
      allow_fallbacks: true,
      data_collection: "deny",
      max_price: { prompt: "1", completion: "2" },
    });
    expect(r.sent[0].models).toBeUndefined();
    const endpoints = (await (await fetch(`${upstream.baseURL}/models/${model}/endpoints`)).json()) as {
      data: { endpoints: { provider_name: string; pricing: { prompt: string; completion: string } }[] };
    };
    const cheapest = endpoints.data.endpoints
      .filter((e) => e.provider_name !== "Together")
      .sort((a, b) => Number(a.pricing.prompt) + Number(a.pricing.completion) - (Number(b.pricing.prompt) + Number(b.pricing.completion)))[0];
    expect(r.meta.provider).toBe(cheapest.provider_name);
    const [usage] = await usageOf(r.id);
    expect(usage.provider).toBe(cheapest.provider_name);
    expect(usage.costNano).toBe(upstream.generations.get(usage.generationId!)!.costNano);
  });

  it("order, throughput sort and zdr go upstream exactly; the ordered provider serves", async () => {
    const r = await chat("Hello [[sb:text tokens=5]]", {
      model,
      settings: { routing: { provider: { order: ["groq", "deepinfra"], sort: "throughput", allowFallbacks: false } } },
    });
    expect(r.sent[0].provider).toEqual({ sort: "throughput", order: ["groq", "deepinfra"], allow_fallbacks: false });
    expect(r.meta.provider).toBe("Groq");
  });

  it("a preference no endpoint meets is a typed error naming it, saved with the answer", async () => {
    const r = await chat("Hello", { model, settings: { routing: { provider: { maxPrice: { prompt: 0.01 } } } } });
    expect(r.status).toBe(200);
    expect(r.sent[0].provider).toEqual({ max_price: { prompt: "0.01" } });
    expect(r.answer?.status).toBe("error");
    expect(r.meta.error).toMatchObject({ code: "unavailable:routing_preference" });
    expect(r.meta.error!.message).toContain("maximum price");
    const streamed = r.chunks.find((c) => c.type === "error") as { errorText: string } | undefined;
    expect(JSON.parse(streamed!.errorText)).toMatchObject({ code: "unavailable:routing_preference" });
    const ignored = await chat("Hello", { model, settings: { routing: { provider: { ignore: ["DeepInfra", "Groq", "Together"] } } } });
    expect(ignored.meta.error).toMatchObject({ code: "unavailable:routing_preference" });
    expect(ignored.meta.error!.message).toContain("ignored providers");
  });

  it("a conversation without routing of its own uses the user's default; its own replaces it", async () => {
    const { saveModelPreferences } = await import("@/lib/db/preferences");
    await saveModelPreferences(user.id, "openai/gpt-4o-mini", {
      defaultRouting: { provider: { sort: "latency" }, fallbackModels: ["openai/gpt-4.1-mini"] },
    });
    const byDefault = await chat("Hello [[sb:text tokens=3]]", { model });
    expect(byDefault.sent[0].provider).toEqual({ sort: "latency" });
    expect(byDefault.sent[0].model).toBe(model);
    expect(byDefault.sent[0].models).toEqual(["openai/gpt-4.1-mini"]);
    const own = await chat("Hello [[sb:text tokens=3]]", { model, settings: { routing: { provider: { sort: "price" } } } });
    expect(own.sent[0].provider).toEqual({ sort: "price" });
    expect(own.sent[0].models).toBeUndefined();
    // The auto router takes the default's provider preferences but not its fallbacks.
    const auto = await chat("Hello [[sb:text tokens=3]]", { model: "openrouter/auto" });
    expect(auto.status).toBe(200);
    expect(auto.sent[0].provider).toEqual({ sort: "latency" });
    expect(auto.sent[0].models).toBeUndefined();
  });
});

describe("routing settings are kept", () => {
  it("with the conversation, and through an export and an import", async () => {
    const routing = {
      fallbackModels: ["anthropic/claude-haiku-4.5"],
      provider: {
        sort: "throughput",
        order: ["Groq"],
        ignore: ["Together"],
        allowFallbacks: false,
        dataCollection: "deny",
        zdr: true,
        maxPrice: { prompt: 1.5, completion: 3 },
      },
    };
    const r = await chat("Remember me [[sb:text tokens=3]]", { model: "meta-llama/llama-3.3-70b-instruct", settings: { temperature: 0.4, routing } });
    const { getConversationView } = await import("@/lib/history/conversation");
    expect((await getConversationView(user.id, r.id)).settings.routing).toEqual(routing);
    // A second message without settings keeps the saved routing.
    const again = await chat("And again [[sb:text tokens=3]]", { id: r.id, model: "meta-llama/llama-3.3-70b-instruct" });
    expect(again.sent[0].model).toBe("meta-llama/llama-3.3-70b-instruct");
    expect(again.sent[0].models).toEqual(["anthropic/claude-haiku-4.5"]);
    const { exportConversation, conversationExportFile } = await import("@/lib/history/export");
    const file = JSON.parse(JSON.stringify(conversationExportFile(await exportConversation(user.id, r.id))));
    const { importFileSchema, importForUser } = await import("@/lib/history/import");
    const other = await makeUser("importer");
    const imported = await importForUser(other.id, importFileSchema.parse(file));
    const view = await getConversationView(other.id, imported.conversations[0].id);
    expect(view.settings.routing).toEqual(routing);
    expect(view.settings.temperature).toBe(0.4);
  });
});

describe("auto router", () => {
  it("is in the model list; its choice is recorded and the spend counts the chosen model at the reported cost", async () => {
    const { GET } = await import("@/app/api/models/route");
    const models = (await (await GET(new Request(`${APP}/api/models`), undefined)).json()) as { models: { id: string }[] };
    expect(models.models.some((m) => m.id === "openrouter/auto")).toBe(true);
    const r = await chat("Pick for me [[sb:text tokens=8]]", { model: "openrouter/auto" });
    expect(r.sent[0].model).toBe("openrouter/auto");
    expect(r.meta.autoRouted).toBe(true);
    expect(r.meta.modelServed).toBeTruthy();
    expect(r.meta.modelServed).not.toBe("openrouter/auto");
    const [usage] = await usageOf(r.id);
    expect(usage).toMatchObject({ modelRequested: "openrouter/auto", modelServed: r.meta.modelServed });
    const record = upstream.generations.get(usage.generationId!)!;
    expect(usage.costNano).toBe(record.costNano);
    expect(record.costNano).toBeGreaterThan(0n);
    // The daily rollup counts the chosen model, never "openrouter/auto": the answer's cost, plus the
    // title's when the title model is the same one (the title runs alongside the answer).
    const { getDb } = await import("@/lib/db");
    const db = await getDb();
    await vi.waitFor(async () => expect(await db.usage.count({ where: { userId: user.id, costNano: null } })).toBe(0));
    const byModel = new Map<string, bigint>();
    for (const row of await db.usage.findMany({ where: { userId: user.id } })) {
      byModel.set(row.modelServed!, (byModel.get(row.modelServed!) ?? 0n) + row.costNano!);
    }
    const daily = await db.usageDaily.findMany({ where: { userId: user.id } });
    expect(new Map(daily.map((d) => [d.model, d.costNano]))).toEqual(byModel);
    expect(byModel.has("openrouter/auto")).toBe(false);
    expect(byModel.get(r.meta.modelServed!)! >= record.costNano).toBe(true);
  });
});

describe("web search", () => {
  it("sends the web plugin, saves the citations as source parts, and costs exactly what was reported", async () => {
    const r = await chat("What is new in Rust? [[sb:text tokens=20]]", { model: "meta-llama/llama-3.3-70b-instruct", webSearch: true });
    expect(r.status).toBe(200);
    expect(r.sent[0].plugins).toEqual([{ id: "web", max_results: 5 }]);
    const sources = (r.answer!.parts as { type: string; url?: string; title?: string }[]).filter((p) => p.type === "source-url");
    expect(sources.length).toBeGreaterThan(0);
    for (const s of sources) expect(s.url).toMatch(/^https?:\/\//);
    expect(r.meta.webSearch).toEqual({ engine: "auto", maxResults: 5 });
    const [usage] = await usageOf(r.id);
    const record = upstream.generations.get(usage.generationId!)!;
    expect(usage.costNano).toBe(record.costNano);
    expect(record.costNano - record.upstreamNano).toBe(5n * 4_000_000n);
    expect(r.meta.costNano).toBe(record.costNano.toString());
    // The citations are in the exports and in the conversation view after a reload.
    const { exportConversation, conversationToMarkdown } = await import("@/lib/history/export");
    const exported = await exportConversation(user.id, r.id);
    expect(JSON.stringify(exported.messages[1].parts)).toContain(sources[0].url!);
    expect(conversationToMarkdown(exported)).toContain(sources[0].url!);
    const { getConversationView } = await import("@/lib/history/conversation");
    const view = await getConversationView(user.id, r.id);
    expect(view.messages[1].parts.filter((p) => p.type === "source-url")).toHaveLength(sources.length);
  });

  it("without the flag sends no plugin", async () => {
    const r = await chat("Hello [[sb:text tokens=3]]");
    expect(r.sent[0].plugins).toBeUndefined();
  });
});

describe("attachments in a message", () => {
  it("an image reaches a vision model as an image_url part with its bytes", async () => {
    const id = await uploadFile(PNG, "photo.png");
    const r = await chat("What is in this picture? [[sb:text tokens=5]]", { attachments: [id] });
    expect(r.status).toBe(200);
    const content = (r.sent[0].messages as { role: string; content: unknown }[]).at(-1)!.content as { type: string; image_url?: { url: string } }[];
    expect(content.map((p) => p.type)).toEqual(["text", "image_url"]);
    expect(content[1].image_url!.url).toBe(`data:image/png;base64,${Buffer.from(PNG).toString("base64")}`);
    expect(r.sent[0].plugins).toBeUndefined();
    const userMessage = r.messages[0];
    expect(userMessage.parts).toContainEqual({ type: "file", mediaType: "image/png", filename: "photo.png", url: `/api/attachments/${id}` });
    const { getDb } = await import("@/lib/db");
    expect((await (await getDb()).attachment.findUnique({ where: { id } }))?.conversationId).toBe(r.id);
  });

  it("a PDF reaches a file-capable model as a file part, and a text-only model through the file-parser plugin", async () => {
    const id = await uploadFile(PDF, "report.pdf");
    const native = await chat("Summarise [[sb:text tokens=5]]", { attachments: [id] });
    const parts = (native.sent[0].messages as { content: unknown }[]).at(-1)!.content as {
      type: string;
      file?: { filename: string; file_data: string };
    }[];
    expect(parts[1]).toEqual({
      type: "file",
      file: { filename: "report.pdf", file_data: `data:application/pdf;base64,${Buffer.from(PDF).toString("base64")}` },
    });
    expect(native.sent[0].plugins).toBeUndefined();
    const id2 = await uploadFile(PDF, "report.pdf");
    const parsed = await chat("Summarise [[sb:text tokens=5]]", { model: "meta-llama/llama-3.3-70b-instruct", attachments: [id2] });
    expect(parsed.status).toBe(200);
    expect(parsed.sent[0].plugins).toEqual([{ id: "file-parser", pdf: { engine: "cloudflare-ai" } }]);
    expect(((parsed.sent[0].messages as { content: unknown }[]).at(-1)!.content as { type: string }[]).map((p) => p.type)).toEqual(["text", "file"]);
  });

  it("an image for a text-only model is refused before any upstream call, naming models that can read it", async () => {
    const id = await uploadFile(PNG, "photo.png");
    const before = upstream.log.length;
    const r = await chat("Describe", { model: "meta-llama/llama-3.3-70b-instruct", attachments: [id] });
    expect(r.status).toBe(400);
    expect(r.error?.code).toBe("bad_request:attachment_unsupported");
    const models = r.error?.details?.models as string[];
    expect(models.length).toBeGreaterThan(0);
    for (const m of models) expect(r.error!.message).toContain(m);
    expect(upstream.log.slice(before).filter((e) => e.path.includes("chat/completions"))).toHaveLength(0);
    expect(r.messages).toHaveLength(0);
  });

  it("someone else's attachment id is not found, and nothing is sent", async () => {
    const id = await uploadFile(PNG, "mine.png");
    signInAs(await makeUser("thief"));
    const before = upstream.log.length;
    const r = await chat("Describe", { attachments: [id] });
    expect(r.status).toBe(404);
    expect(r.error?.code).toBe("not_found:attachment");
    expect(upstream.log.length).toBe(before);
  });

  it("are exported with the conversation, imported for the importer, and deleted with the conversation", async () => {
    const id = await uploadFile(PNG, "keep.png");
    const r = await chat("Look [[sb:text tokens=3]]", { attachments: [id] });
    const { exportConversation, conversationExportFile } = await import("@/lib/history/export");
    const file = JSON.parse(JSON.stringify(conversationExportFile(await exportConversation(user.id, r.id)))) as {
      conversations: { attachments?: { id: string; dataBase64: string }[] }[];
    };
    expect(file.conversations[0].attachments?.map((a) => [a.id, a.dataBase64])).toEqual([[id, Buffer.from(PNG).toString("base64")]]);
    const { importFileSchema, importForUser } = await import("@/lib/history/import");
    const importer = await makeUser("importer");
    const imported = await importForUser(importer.id, importFileSchema.parse(file));
    const { getConversationView } = await import("@/lib/history/conversation");
    const view = await getConversationView(importer.id, imported.conversations[0].id);
    const filePart = view.messages[0].parts.find((p) => p.type === "file") as { url: string };
    const newId = filePart.url.split("/").pop()!;
    expect(newId).not.toBe(id);
    const { findOwnedAttachment } = await import("@/lib/attachments/store");
    expect(Buffer.from((await findOwnedAttachment(importer.id, newId))!.data)).toEqual(Buffer.from(PNG));
    // Deleting the conversation for good deletes its files.
    const { getDb } = await import("@/lib/db");
    const db = await getDb();
    await db.conversation.delete({ where: { id: r.id } });
    expect(await db.attachment.count({ where: { id } })).toBe(0);
  });
});

describe("image output", () => {
  it("a generated image is saved as the user's attachment and the answer points at it", async () => {
    const r = await chat("Draw a square", { model: "google/gemini-2.5-flash-image" });
    expect(r.status).toBe(200);
    expect(r.sent[0].modalities).toEqual(["image", "text"]);
    const files = (r.answer!.parts as { type: string; url?: string; mediaType?: string }[]).filter((p) => p.type === "file");
    expect(files).toHaveLength(1);
    expect(files[0].mediaType).toBe("image/png");
    expect(files[0].url).toMatch(/^\/api\/attachments\/[A-Za-z0-9_-]+$/);
    const { GET } = await import("@/app/api/attachments/[id]/route");
    const id = files[0].url!.split("/").pop()!;
    const image = await GET(new Request(`${APP}${files[0].url}?download=1`), { params: Promise.resolve({ id }) });
    expect(image.status).toBe(200);
    expect(image.headers.get("content-type")).toBe("image/png");
    expect(image.headers.get("content-disposition")).toMatch(/^attachment; filename="generated-image-1.png"/);
    const [usage] = await usageOf(r.id);
    expect(usage.costNano).toBe(upstream.generations.get(usage.generationId!)!.costNano);
    signInAs(await makeUser("other"));
    expect((await GET(new Request(`${APP}${files[0].url}`), { params: Promise.resolve({ id }) })).status).toBe(404);
  });
});
