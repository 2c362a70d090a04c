import { beforeAll, describe, expect, it } from "vitest";
import type { SessionUser } from "@/lib/auth";
import type { ChatMessageMetadata } from "@/lib/chat/types";
import type { LocalOpenRouter } from "@/local-openrouter";
import { answerTurn, textTurn } from "@/tests/helpers/answer-turn";
import { useLocalOpenRouter } from "@/tests/helpers/upstream";
import { makeUser } from "@/tests/helpers/users";

// Tool calls and finishes as real providers send them through OpenRouter (local-openrouter/README.md,
// "Tool calls" and `finish=`), through the whole chat path: each call run once, its result attached to
// it, the loop going on, the answer saved; a filtered or empty answer saved with the reason it ended.

let upstream: LocalOpenRouter;
beforeAll(async () => {
  upstream = await useLocalOpenRouter();
});

type ToolPart = {
  type: string;
  toolCallId?: string;
  state?: string;
  input?: unknown;
  output?: Record<string, unknown>;
  errorText?: string;
  text?: string;
};
type SentMessage = { role: string; tool_calls?: { id: string }[]; tool_call_id?: string };

async function ask(user: SessionUser, text: string) {
  const logFrom = upstream.log.length;
  const { assistantMessageId, chunks, answer } = await answerTurn(user, textTurn(text, { model: "openai/gpt-4o-mini" }));
  const requests = upstream.log.slice(logFrom).filter((e) => e.path.endsWith("/chat/completions"));
  const { getDb } = await import("@/lib/db");
  const db = await getDb();
  const usage = await db.usage.findMany({ where: { messageId: assistantMessageId } });
  const stored = await db.message.findUniqueOrThrow({ where: { id: assistantMessageId }, select: { error: true } });
  const parts = answer.parts as ToolPart[];
  return {
    answer,
    storedError: stored.error,
    parts,
    tools: parts.filter((p) => p.type.startsWith("tool-")),
    text: parts.flatMap((p) => (p.type === "text" && p.text ? [p.text] : [])).join(""),
    metadata: (answer.metadata ?? {}) as ChatMessageMetadata,
    requests,
    usage,
    chunks,
  };
}

/** The tool-call ids each request sent back upstream: the calls' and the results'. */
function sentIds(requests: { body: unknown }[]) {
  return requests.map((r) => {
    const messages = (r.body as { messages: SentMessage[] }).messages;
    return {
      calls: messages.flatMap((m) => (m.tool_calls ?? []).map((c) => c.id)),
      results: messages.flatMap((m) => (m.role === "tool" && m.tool_call_id !== undefined ? [m.tool_call_id] : [])),
    };
  });
}

const both = `args.calculator='{"expression":"6*7"}' args.current_time='{"timeZone":"UTC"}'`;

describe("tool calls as real providers send them", () => {
  it.each([
    ["whole in one chunk, finish stop, no ids", `[[sb:tools calls=calculator,current_time ${both} whole=1 finish=stop ids=missing]]`],
    ["whole in one chunk, no finish at all, empty ids", `[[sb:tools calls=calculator,current_time ${both} whole=1 finish=null ids=empty]]`],
    ["split, one id for both calls", `[[sb:tools calls=calculator,current_time ${both} ids=repeated]]`],
  ])("%s: each call runs once with its own result, and the answer goes on", async (_name, directive) => {
    const user = await makeUser();
    const r = await ask(user, `Two things ${directive}`);
    expect(r.answer.status).toBe("complete");
    expect(r.tools.map((p) => [p.type, p.state])).toEqual([
      ["tool-calculator", "output-available"],
      ["tool-current_time", "output-available"],
    ]);
    expect(r.tools[0]!.output).toMatchObject({ expression: "6*7", result: "42" });
    expect(r.tools[1]!.output).toMatchObject({ timeZone: "UTC" });
    const ids = r.tools.map((p) => p.toolCallId);
    expect(new Set(ids).size).toBe(2);
    expect(ids.every((id) => typeof id === "string" && id.length > 0)).toBe(true);
    // One generation for the calls, one for the answer; the second sent back each call with its own result.
    expect(r.requests).toHaveLength(2);
    expect(r.usage).toHaveLength(2);
    const [, followUp] = sentIds(r.requests);
    expect(followUp!.calls).toEqual(ids);
    expect(followUp!.results).toEqual(ids);
    expect(r.text).toContain("calculator returned");
    expect(r.text).toContain("current_time returned");
  });

  it("an id reused by every step gets a unique id per call, and each step's result stays with its call", async () => {
    const user = await makeUser();
    const r = await ask(user, `Twice [[sb:tool name=calculator args='{"expression":"2+3"}' steps=2 ids=repeated]]`);
    expect(r.answer.status).toBe("complete");
    expect(r.tools.map((p) => [p.state, p.output?.result])).toEqual([
      ["output-available", "5"],
      ["output-available", "5"],
    ]);
    const ids = r.tools.map((p) => p.toolCallId!);
    expect(new Set(ids).size).toBe(2);
    expect(r.requests).toHaveLength(3);
    const last = sentIds(r.requests)[2]!;
    expect(last.calls).toEqual(ids);
    expect(last.results).toEqual(ids);
    expect(r.usage).toHaveLength(3);
  });

  it("a call without an `arguments` key ending `stop` is run (once) instead of dropped, and the loop goes on", async () => {
    const user = await makeUser();
    const r = await ask(user, `Compute [[sb:tool name=calculator noargs=1 finish=stop]]`);
    expect(r.answer.status).toBe("complete");
    // No arguments are `{}`: the calculator refuses that input, and the model is told so.
    expect(r.tools).toHaveLength(1);
    expect(r.tools[0]).toMatchObject({ type: "tool-calculator", state: "output-error", input: {} });
    // The tool's own words, not the answer's failure.
    expect(r.tools[0]!.errorText).toContain("Invalid input for tool calculator");
    expect(r.metadata.error).toBeUndefined();
    expect(r.requests).toHaveLength(2);
    expect(sentIds(r.requests)[1]!.results).toEqual([r.tools[0]!.toolCallId]);
    expect(r.text).toContain("calculator returned");
  });
});

describe("unusual finishes", () => {
  it("a content-filtered answer keeps its text and says the provider's filter stopped it", async () => {
    const user = await makeUser();
    const r = await ask(user, "Tell me [[sb:text tokens=12 finish=content_filter]]");
    expect(r.text.split(/\s+/).filter(Boolean).length).toBeGreaterThanOrEqual(10);
    expect(r.answer.status).toBe("error");
    expect(r.metadata.status).toBe("error");
    expect(r.metadata.error).toMatchObject({ code: "upstream:content_filter" });
    expect(r.metadata.error!.message).toContain("content filter");
    expect(r.storedError).toMatchObject({ code: "upstream:content_filter" });
    // The live stream's finish carries the same, so the open page shows it without a reload.
    const finish = r.chunks.find((c) => c.type === "finish") as { messageMetadata?: ChatMessageMetadata } | undefined;
    expect(finish?.messageMetadata?.error?.code).toBe("upstream:content_filter");
    expect(r.usage).toHaveLength(1);
    expect(r.usage[0]!.costNano).toBe(upstream.generations.get(r.usage[0]!.generationId!)!.costNano);
  });

  it("an answer with no text at all is saved as empty, with words that offer a retry", async () => {
    const user = await makeUser();
    const r = await ask(user, `Say nothing [[sb:say text=""]]`);
    expect(r.text).toBe("");
    expect(r.answer.status).toBe("error");
    expect(r.metadata.error).toMatchObject({ code: "upstream:empty_answer" });
    expect(r.metadata.error!.message).toContain("Retry");
    expect(r.usage).toHaveLength(1);
  });

  it("a normal answer is not flagged", async () => {
    const user = await makeUser();
    const r = await ask(user, "Hello [[sb:text tokens=5]]");
    expect(r.answer.status).toBe("complete");
    expect(r.metadata.error).toBeUndefined();
  });
});
