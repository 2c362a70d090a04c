// The three places openrouter.ai puts a stream's usage (tests/fixtures/openrouter-recorded/README.md, point 3),
// served by the local OpenRouter as its recordings place them, through the app's provider path (createUpstream:
// the delta merger, then @openrouter/ai-sdk-provider) and streamText: the usage is never dropped, the cost is the
// generation's to the nano, and the finish that the OpenAI 2026 form repeats on its usage chunk is one finish.
import { streamText } from "ai";
import { beforeAll, describe, expect, it } from "vitest";
import type { LocalOpenRouter } from "@/local-openrouter";
import { useLocalOpenRouter } from "@/tests/helpers/upstream";
import { createUpstream } from "./provider";
import { extractStepUsage } from "./usage";

let upstream: LocalOpenRouter;
beforeAll(async () => {
  upstream = await useLocalOpenRouter();
});

type Case = {
  placement: string;
  model: string;
  provider?: string;
  shape?: string;
  /** What the raw usage chunk looks like on the wire. */
  usageChunk: (chunk: { choices: { finish_reason: string | null }[]; service_tier?: unknown }) => void;
};

const cases: Case[] = [
  {
    placement: "(a) its own chunk, one empty choice, finish_reason null (2025)",
    model: "openai/gpt-4o-mini",
    usageChunk: (c) => {
      expect(c.choices).toHaveLength(1);
      expect(c.choices[0]!.finish_reason).toBeNull();
    },
  },
  {
    placement: "(b) choices: [] (Amazon Bedrock)",
    model: "anthropic/claude-haiku-4.5",
    provider: "amazon-bedrock",
    usageChunk: (c) => expect(c.choices).toEqual([]),
  },
  {
    placement: "(c) a second chunk repeating finish_reason stop with service_tier (OpenAI, 2026)",
    model: "openai/gpt-4o-mini",
    shape: "2026",
    usageChunk: (c) => {
      expect(c.choices[0]!.finish_reason).toBe("stop");
      expect(c.service_tier).toBe("default");
    },
  },
];

describe("usage placements through the provider", () => {
  it.each(cases)("$placement: usage kept, cost exact, one finish", async ({ model, provider, shape, usageChunk }) => {
    const prompt = `Placement test. [[sb:text tokens=30${shape ? ` shape=${shape}` : ""}]]`;
    let generationId: string | null = null;
    const client = createUpstream({ onResponse: (info) => void (generationId = info.generationId) });
    const settings = { usage: { include: true }, ...(provider ? { provider: { order: [provider], allow_fallbacks: false } } : {}) };
    const result = streamText({ model: client.chat(model, settings), prompt });
    const parts: string[] = [];
    for await (const part of result.fullStream) parts.push(part.type);
    const [step] = await result.steps;
    expect(await result.finishReason).toBe("stop");
    expect(parts.filter((type) => type === "finish-step")).toHaveLength(1);
    expect(parts.filter((type) => type === "finish")).toHaveLength(1);
    expect(parts).not.toContain("error");

    // The wire carried the placement under test (the raw stream of the same generation, read from the log).
    expect(generationId).toMatch(/^gen-/);
    const record = upstream.generations.get(generationId!);
    expect(record?.data.provider_name).toBe(provider ? "Amazon Bedrock" : "OpenAI");
    const raw = await fetch(`${upstream.baseURL}/chat/completions`, {
      method: "POST",
      headers: { authorization: `Bearer ${process.env.OPENROUTER_API_KEY}`, "content-type": "application/json" },
      body: JSON.stringify({
        model,
        stream: true,
        usage: { include: true },
        ...(provider ? { provider: { order: [provider], allow_fallbacks: false } } : {}),
        messages: [{ role: "user", content: prompt }],
      }),
    }).then((r) => r.text());
    const chunks = raw
      .split("\n\n")
      .filter((e) => e.startsWith("data: {"))
      .map((e) => JSON.parse(e.slice(6)) as { choices: { finish_reason: string | null }[]; usage?: unknown; service_tier?: unknown });
    const usageChunks = chunks.filter((c) => c.usage);
    expect(usageChunks).toHaveLength(1);
    usageChunk(usageChunks[0]!);

    const usage = extractStepUsage(step!.providerMetadata, step!.usage.raw);
    expect(usage.costNano).not.toBeNull();
    expect(usage.costNano).toBe(record!.costNano);
    expect(usage.completionTokens).toBe(record!.data.tokens_completion);
    expect(usage.promptTokens).toBe(record!.data.tokens_prompt);
  });
});
