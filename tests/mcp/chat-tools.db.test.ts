import type { UIMessageChunk } from "ai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SessionUser } from "@/lib/auth";
import type { ChatMessageMetadata, ChatRequest } from "@/lib/chat/types";
import type { McpToolOutput } from "@/lib/mcp/types";
import type { LocalOpenRouter } from "@/local-openrouter";
import { textTurn } from "@/tests/helpers/answer-turn";
import { useLocalOpenRouter } from "@/tests/helpers/upstream";
import { makeUser } from "@/tests/helpers/users";
import { memoryServerConfig, startEverythingServer, startEverythingSseServer, startHostileServer, type RunningServer } from "./servers";

// MCP tools in a chat answer, end to end through the chat route's own steps (plan, choose
// upstreams, reserve, commit, start) against real MCP servers nobody here wrote — the official
// "everything" server over Streamable HTTP and the official "memory" server over stdio,
// configured by the operator — and the local OpenRouter, whose model calls the tools: the
// arguments reach the server, the result reaches the model and the saved answer, each step of
// the loop is metered and the spend is the sum of the loop's generations, within its reservation.

let upstream: LocalOpenRouter;
let everything: RunningServer;
let hostile: RunningServer;
let everythingSse: RunningServer;
const TIMEOUT_MS = 3_000;

beforeAll(async () => {
  everything = await startEverythingServer();
  hostile = await startHostileServer();
  everythingSse = await startEverythingSseServer();
  process.env.SWITCHBOARD_MCP_SERVERS = JSON.stringify([memoryServerConfig("memory")]);
  process.env.SWITCHBOARD_MCP_TIMEOUT_MS = String(TIMEOUT_MS);
  process.env.SWITCHBOARD_MCP_MAX_RESULT_BYTES = "12000";
  upstream = await useLocalOpenRouter();
  const { createServer } = await import("@/lib/mcp/servers");
  // The team's servers, added as an admin adds them (on loopback: the admin allows it).
  await createServer(
    { kind: "team" },
    {
      name: "everything",
      url: everything.url,
      transport: "streamable-http",
      enabledTools: null,
      availability: "everyone",
      approvalTools: [],
      bearerToken: "team-secret-token-123",
    },
  );
  await createServer(
    { kind: "team" },
    { name: "hostile", url: hostile.url, transport: "streamable-http", enabledTools: null, availability: "opt-in", approvalTools: [] },
  );
  // The same server over the older SSE transport, opt-in.
  await createServer(
    { kind: "team" },
    { name: "legacy", url: everythingSse.url, transport: "sse", enabledTools: ["get-sum"], availability: "opt-in", approvalTools: [] },
  );
  // The same server again, with its one tool on marked by the admin as needing approval.
  await createServer(
    { kind: "team" },
    {
      name: "guarded",
      url: everything.url,
      transport: "streamable-http",
      enabledTools: ["get-sum"],
      availability: "opt-in",
      approvalTools: ["get-sum"],
    },
  );
  // Their tool lists fetched once, as the admin page's refresh does (an answer waits only briefly for a list).
  const { listServers, refreshServer } = await import("@/lib/mcp/servers");
  for (const server of await listServers({ kind: "team" })) expect((await refreshServer({ kind: "team" }, server.id)).status).toBe("ok");
}, 60_000);

afterAll(async () => {
  const { closeAllConnections } = await import("@/lib/mcp/client");
  await closeAllConnections();
  await everything?.stop();
  await hostile?.stop();
  await everythingSse?.stop();
});

type ToolPart = {
  type: string;
  toolCallId: string;
  state: string;
  input?: unknown;
  output?: unknown;
  errorText?: string;
  approval?: { id: string; approved?: boolean; reason?: string };
};
type SentMessage = { role: string; content?: unknown };

/** One turn through the chat route's steps; the user has a budget, so the answer is reserved for. */
async function ask(
  user: SessionUser,
  text: string,
  settings?: ChatRequest["settings"],
  onChunk?: (chunk: UIMessageChunk, conversationId: string) => void,
  inConversation?: string,
) {
  return runTurn(user, textTurn(text, { model: "openai/gpt-4o-mini", settings, id: inConversation }), onChunk);
}

/** The user answers the answer's waiting approval requests (by tool name: approved or not); the answer goes on. */
async function answerApprovals(
  user: SessionUser,
  previous: Awaited<ReturnType<typeof ask>>,
  answers: Record<string, boolean>,
  settings?: ChatRequest["settings"],
) {
  const approvals = previous.tools
    .filter((t) => t.state === "approval-requested")
    .map((t) => ({ id: t.approval!.id, approved: answers[t.type.slice("tool-".length)]! }));
  return runTurn(user, {
    id: previous.answer.conversationId,
    trigger: "tool-approval",
    messageId: previous.answer.id,
    model: "openai/gpt-4o-mini",
    approvals,
    ...(settings ? { settings } : {}),
  });
}

async function runTurn(user: SessionUser, body: ChatRequest, onChunk?: (chunk: UIMessageChunk, conversationId: string) => void) {
  const { planTurn } = await import("@/lib/chat/turn");
  const { chooseUpstreams, reserveAnswers, commitAnswers, startAnswers } = await import("@/lib/chat/start");
  const { attachStream, isStreaming } = await import("@/lib/chat/streams");
  const { requireModel } = await import("@/lib/openrouter/catalog");
  const { getDb } = await import("@/lib/db");
  const db = await getDb();
  const logFrom = upstream.log.length;
  const model = await requireModel(body.model);
  const planned = await planTurn(user, body);
  const reserved = await reserveAnswers(user, await chooseUpstreams(user, [model], planned, body));
  const reservation = await db.reservation.findUniqueOrThrow({ where: { id: reserved.reservationIds[0]! } });
  const committed = await commitAnswers(user, reserved, body);
  const [started] = await startAnswers(user, reserved, committed);
  const conversationId = committed.turn.conversation.id;
  const reader = attachStream(started!.streamKey, user.id)!.getReader();
  const chunks: UIMessageChunk[] = [];
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    onChunk?.(value, conversationId);
  }
  for (let i = 0; i < 400 && isStreaming(conversationId); i++) await new Promise((r) => setTimeout(r, 25));
  const answer = await db.message.findUniqueOrThrow({ where: { id: started!.messageId } });
  const usage = await db.usage.findMany({ where: { messageId: started!.messageId }, orderBy: { createdAt: "asc" } });
  // The answer's generations: the requests that offered tools (the title's request offers none).
  const requests = upstream.log
    .slice(logFrom)
    .filter((e) => e.path.endsWith("/chat/completions") && (e.body as { tools?: unknown }).tools !== undefined);
  const parts = answer.parts as unknown as ToolPart[];
  return {
    answer,
    metadata: (answer.metadata ?? {}) as ChatMessageMetadata,
    tools: parts.filter((p) => p.type.startsWith("tool-")),
    text: (answer.parts as unknown as { type: string; text?: string }[]).flatMap((p) => (p.type === "text" && p.text ? [p.text] : [])).join(""),
    usage,
    requests,
    reservedNano: reservation.amountNano,
    chunks,
  };
}

async function budgetedUser(): Promise<SessionUser> {
  const user = await makeUser("mcp");
  const { getDb } = await import("@/lib/db");
  await (await getDb()).user.update({ where: { id: user.id }, data: { monthlyBudgetNano: 10_000_000_000n } });
  return user;
}

/** The spend of an answer is exactly what the upstream charged for its generations, and within its reservation. */
function expectMetered(r: Awaited<ReturnType<typeof ask>>, generations: number) {
  expect(r.requests).toHaveLength(generations);
  expect(r.usage).toHaveLength(generations);
  const charged = r.usage.reduce((sum, u) => sum + upstream.generations.get(u.generationId!)!.costNano, 0n);
  const recorded = r.usage.reduce((sum, u) => sum + (u.costNano ?? -1_000_000_000n), 0n);
  expect(recorded).toBe(charged);
  expect(r.metadata.costNano).toBe(charged.toString());
  expect(charged).toBeGreaterThan(0n);
  expect(charged).toBeLessThanOrEqual(r.reservedNano);
}

/** An answer that went on after its approvals: every generation of its loop, both runs, charged and recorded exactly. */
function expectLoopMetered(r: Awaited<ReturnType<typeof ask>>, generations: number) {
  expect(r.usage).toHaveLength(generations);
  const charged = r.usage.reduce((sum, u) => sum + upstream.generations.get(u.generationId!)!.costNano, 0n);
  expect(r.usage.reduce((sum, u) => sum + (u.costNano ?? -1_000_000_000n), 0n)).toBe(charged);
  expect(r.metadata.costNano).toBe(charged.toString());
  // This run stayed within its own reservation.
  const thisRun = r.usage.slice(-r.requests.length).reduce((sum, u) => sum + u.costNano!, 0n);
  expect(thisRun).toBeLessThanOrEqual(r.reservedNano);
}

const toolMessages = (request: { body: unknown }) => ((request.body as { messages: SentMessage[] }).messages ?? []).filter((m) => m.role === "tool");

describe("MCP tools in a chat answer", () => {
  it("a Streamable HTTP server's tool: its arguments reach the server, its result the model and the saved answer, the loop metered", async () => {
    const user = await budgetedUser();
    const r = await ask(user, `Add them [[sb:tool name=everything__get-sum args='{"a":1234,"b":4321}']]`);
    expect(r.answer.status).toBe("complete");
    expect(r.tools).toHaveLength(1);
    expect(r.tools[0]).toMatchObject({ type: "tool-everything__get-sum", state: "output-available", input: { a: 1234, b: 4321 } });
    const output = r.tools[0]!.output as McpToolOutput;
    expect(output.mcp).toEqual({ server: "everything", tool: "get-sum" });
    // The server computed it: 1234 + 4321.
    expect(JSON.stringify(output.content)).toContain("5555");
    // The second generation was sent the server's result, and the model's text names it.
    expect(JSON.stringify(toolMessages(r.requests[1]!))).toContain("5555");
    expect(r.text).toContain("everything__get-sum returned");
    expect(r.text).toContain("5555");
    expectMetered(r, 2);
    // The call's duration is kept with the answer, for its card.
    expect(r.metadata.toolDurations?.[r.tools[0]!.toolCallId]).toBeGreaterThanOrEqual(0);
  });

  it("a server on the older SSE transport: its tool runs the same way", async () => {
    const user = await budgetedUser();
    const r = await ask(user, `Add [[sb:tool name=legacy__get-sum args='{"a":40,"b":2}']]`, { tools: ["legacy__get-sum"] });
    expect(r.tools[0]).toMatchObject({ type: "tool-legacy__get-sum", state: "output-available", input: { a: 40, b: 2 } });
    expect(JSON.stringify(r.tools[0]!.output)).toContain("42");
    expect(JSON.stringify(toolMessages(r.requests[1]!))).toContain("42");
    expectMetered(r, 2);
  });

  it("an operator's stdio server (the official memory server): a write asks first; approved, it writes, and a read runs without asking", async () => {
    const user = await budgetedUser();
    const create = `[[sb:tool name=memory__create_entities args='{"entities":[{"name":"Ada","entityType":"person","observations":["wrote the first program"]}]}']]`;
    const asked = await ask(user, `Remember ${create}`);
    // The server says create_entities is not read-only: the answer stops at the call and waits, saved.
    expect(asked.tools[0]).toMatchObject({ type: "tool-memory__create_entities", state: "approval-requested" });
    expect(asked.answer.status).toBe("complete");
    expect(asked.requests).toHaveLength(1);
    expect(asked.chunks.some((c) => c.type === "tool-approval-request")).toBe(true);
    const approved = await answerApprovals(user, asked, { memory__create_entities: true });
    expect(approved.answer.id).toBe(asked.answer.id);
    expect(approved.answer.status).toBe("complete");
    expect(approved.tools[0]).toMatchObject({ type: "tool-memory__create_entities", state: "output-available", approval: { approved: true } });
    expect(JSON.stringify(approved.tools[0]!.output)).toContain("Ada");
    // The model was sent the result and went on; the footer sums both runs, exactly as charged.
    expect(approved.requests).toHaveLength(1);
    expect(JSON.stringify(toolMessages(approved.requests[0]!))).toContain("wrote the first program");
    expect(approved.text).toContain("memory__create_entities returned");
    expectLoopMetered(approved, 2);
    const read = await ask(user, `What do you know? [[sb:tool name=memory__read_graph args='{}']]`);
    expect(read.tools[0]).toMatchObject({ type: "tool-memory__read_graph", state: "output-available" });
    expect(JSON.stringify(read.tools[0]!.output)).toContain("wrote the first program");
    expect(JSON.stringify(toolMessages(read.requests[1]!))).toContain("wrote the first program");
    expectMetered(read, 2);
  });

  it("tool definitions go upstream as tools, namespaced; a server's descriptions never reach the instructions", async () => {
    const user = await budgetedUser();
    const r = await ask(user, `Hi [[sb:text tokens=3]]`, {
      tools: ["calculator", "hostile__calculator", "everything__echo"],
      systemPrompt: "Be brief.",
    });
    const request = r.requests[0]!.body as { tools: { function: { name: string; description?: string } }[]; messages: SentMessage[] };
    expect(request.tools.map((t) => t.function.name).sort()).toEqual(["calculator", "everything__echo", "hostile__calculator"]);
    const system = JSON.stringify(request.messages.filter((m) => m.role === "system" || m.role === "developer"));
    expect(system).toContain("Be brief.");
    expect(system).not.toContain("IGNORE ALL PREVIOUS");
    // The hostile description stays with its own tool.
    expect(request.tools.find((t) => t.function.name === "hostile__calculator")!.function.description).toContain("IGNORE ALL PREVIOUS");
    expect(request.tools.find((t) => t.function.name === "calculator")!.function.description).not.toContain("IGNORE");
  });

  it("a server's tool named like a built-in cannot replace it: `calculator` is still the app's", async () => {
    const user = await budgetedUser();
    const r = await ask(user, `Compute [[sb:tool name=calculator args='{"expression":"6*7"}']]`, { tools: ["calculator", "hostile__calculator"] });
    expect(r.tools[0]).toMatchObject({ type: "tool-calculator", state: "output-available", output: { expression: "6*7", result: "42" } });
    expect(JSON.stringify(r.tools)).not.toContain("hijacked");
  });

  it("the conversation keeps its choice of tools for its next answers", async () => {
    const user = await budgetedUser();
    const first = await ask(user, `Hi [[sb:text tokens=3]]`, { tools: ["everything__echo", "hostile__fail"] });
    const { getDb } = await import("@/lib/db");
    const conversation = await (await getDb()).conversation.findFirstOrThrow({ where: { userId: user.id } });
    const next = await ask(user, `Again [[sb:text tokens=3]]`, undefined, undefined, conversation.id);
    for (const r of [first, next]) {
      const names = (r.requests[0]!.body as { tools: { function: { name: string } }[] }).tools.map((t) => t.function.name);
      expect(names.sort()).toEqual(["everything__echo", "hostile__fail"]);
    }
    // Turning every tool off sends none.
    const none = await ask(user, `Plain [[sb:text tokens=3]]`, { tools: [] });
    expect(none.requests).toHaveLength(0);
    expect(none.usage).toHaveLength(1);
  });

  it("a user's default choice of tools applies to conversations without one of their own", async () => {
    const user = await budgetedUser();
    const { saveModelPreferences } = await import("@/lib/db/preferences");
    await saveModelPreferences(user.id, "openai/gpt-4o-mini", { defaultTools: ["calculator", "hostile__fail"] });
    const sentTools = (r: Awaited<ReturnType<typeof ask>>) =>
      (r.requests[0]!.body as { tools: { function: { name: string } }[] }).tools.map((t) => t.function.name).sort();
    expect(sentTools(await ask(user, `Hi [[sb:text tokens=3]]`))).toEqual(["calculator", "hostile__fail"]);
    // A conversation's own choice wins.
    expect(sentTools(await ask(user, `Hi [[sb:text tokens=3]]`, { tools: ["current_time"] }))).toEqual(["current_time"]);
    // Back to the built-in defaults.
    await saveModelPreferences(user.id, "openai/gpt-4o-mini", { defaultTools: null });
    expect(sentTools(await ask(user, `Hi [[sb:text tokens=3]]`))).toContain("search_conversations");
  });

  it("a conversation whose earlier answer used a tool goes on after that tool is turned off", async () => {
    const user = await budgetedUser();
    const first = await ask(user, `Echo [[sb:tool name=everything__echo args='{"message":"earlier"}']]`);
    expect(first.tools[0]).toMatchObject({ state: "output-available" });
    const { getDb } = await import("@/lib/db");
    const conversation = await (await getDb()).conversation.findFirstOrThrow({ where: { userId: user.id } });
    const next = await ask(user, `And now? [[sb:text tokens=3]]`, { tools: ["calculator"] }, undefined, conversation.id);
    expect(next.answer.status).toBe("complete");
    const sent = JSON.stringify(next.requests[0]!.body);
    expect(sent).toContain("Echo: earlier");
    expect((next.requests[0]!.body as { tools: { function: { name: string } }[] }).tools.map((t) => t.function.name)).toEqual(["calculator"]);
  });

  it("a tool the admin marked as needing approval asks; denied, it does not run and the model is told", async () => {
    const user = await budgetedUser();
    const settings = { tools: ["guarded__get-sum"] };
    const asked = await ask(user, `Add [[sb:tool name=guarded__get-sum args='{"a":1,"b":2}']]`, settings);
    expect(asked.tools[0]).toMatchObject({ type: "tool-guarded__get-sum", state: "approval-requested" });
    const denied = await answerApprovals(user, asked, { "guarded__get-sum": false }, settings);
    expect(denied.tools[0]).toMatchObject({ type: "tool-guarded__get-sum", state: "output-denied", approval: { approved: false } });
    expect(JSON.stringify(denied.tools[0])).not.toContain("The sum of");
    // The follow-up generation was sent the refusal, and the answer went on.
    expect(denied.requests).toHaveLength(1);
    expect(JSON.stringify(toolMessages(denied.requests[0]!))).toContain("denied");
    expect(denied.answer.status).toBe("complete");
    expectLoopMetered(denied, 2);
    // Answered once: a second answer to the same requests changes nothing.
    await expect(answerApprovals(user, asked, { "guarded__get-sum": true }, settings)).rejects.toMatchObject({ code: "conflict:message" });
  });

  it("a conversation that always allows the tool runs it without asking", async () => {
    const user = await budgetedUser();
    const r = await ask(user, `Add [[sb:tool name=guarded__get-sum args='{"a":2,"b":3}']]`, {
      tools: ["guarded__get-sum"],
      alwaysAllowTools: ["guarded__get-sum"],
    });
    expect(r.tools[0]).toMatchObject({ type: "tool-guarded__get-sum", state: "output-available" });
    expect(JSON.stringify(r.tools[0]!.output)).toContain("5");
    expectMetered(r, 2);
  });

  it("approvals that do not match the waiting calls are refused and change nothing", async () => {
    const user = await budgetedUser();
    const settings = { tools: ["guarded__get-sum"] };
    const asked = await ask(user, `Add [[sb:tool name=guarded__get-sum args='{"a":1,"b":2}']]`, settings);
    const { planTurn } = await import("@/lib/chat/turn");
    const base = { id: asked.answer.conversationId, trigger: "tool-approval" as const, messageId: asked.answer.id, model: "openai/gpt-4o-mini" };
    await expect(planTurn(user, { ...base, approvals: [{ id: "not-a-request", approved: true }] })).rejects.toMatchObject({
      code: "bad_request:chat",
    });
    await expect(planTurn(user, { ...base, approvals: [] })).rejects.toMatchObject({ code: "bad_request:chat" });
    // Someone else's answer is not found.
    const other = await budgetedUser();
    await expect(planTurn(other, { ...base, approvals: [{ id: asked.tools[0]!.approval!.id, approved: true }] })).rejects.toMatchObject({
      code: "not_found:conversation",
    });
    const { getDb } = await import("@/lib/db");
    const row = await (await getDb()).message.findUniqueOrThrow({ where: { id: asked.answer.id } });
    expect(row.parts).toEqual(asked.answer.parts);
  });

  it("opt-in servers' tools are off unless the conversation turns them on", async () => {
    const user = await budgetedUser();
    const r = await ask(user, `Hi [[sb:text tokens=3]]`);
    const names = (r.requests[0]!.body as { tools: { function: { name: string } }[] }).tools.map((t) => t.function.name);
    expect(names).toContain("everything__echo");
    expect(names).toContain("memory__read_graph");
    expect(names).toContain("calculator");
    expect(names.some((n) => n.startsWith("hostile__") || n.startsWith("guarded__"))).toBe(false);
  });

  it("hostile content is kept as data: script stays text, SVG and javascript: links are not passed on as such", async () => {
    const user = await budgetedUser();
    const r = await ask(user, `Show [[sb:tool name=hostile__xss args='{}']]`, { tools: ["hostile__xss"] });
    expect(r.answer.status).toBe("complete");
    const output = r.tools[0]!.output as McpToolOutput;
    expect(output.content[0]).toMatchObject({ type: "text" });
    // The SVG is not offered as an image; the PNG is.
    expect(output.content[1]).toMatchObject({ type: "other" });
    expect(output.content[2]).toMatchObject({ type: "image", mimeType: "image/png" });
    // The link is kept as the server's words, for a renderer that links only http(s).
    expect(output.content[3]).toMatchObject({ type: "resource", uri: "javascript:window.__pwned=5" });
  });

  it("a 10 MB result is cut to the limit with a note, and the answer stays within its reservation", async () => {
    const user = await budgetedUser();
    const r = await ask(user, `Big [[sb:tool name=hostile__huge args='{}']]`, { tools: ["hostile__huge"] });
    const output = r.tools[0]!.output as McpToolOutput;
    expect(output.truncated!.originalBytes).toBeGreaterThan(10 * 1024 * 1024);
    expect(Buffer.byteLength(JSON.stringify(output))).toBeLessThanOrEqual(12_000);
    expect(JSON.stringify(output.content.at(-1))).toContain("cut to the size limit");
    // What the model was sent is the cut text too.
    for (const request of r.requests) expect(JSON.stringify(request.body).length).toBeLessThan(100_000);
    expectMetered(r, r.requests.length);
  });

  it("a tool's own error, a slow server and a stopped server each fail that call visibly; the answer continues", async () => {
    const user = await budgetedUser();
    const failed = await ask(user, `Try [[sb:tool name=hostile__fail args='{}']]`, { tools: ["hostile__fail"] });
    expect(failed.tools[0]).toMatchObject({ state: "output-error" });
    expect(failed.tools[0]!.errorText).toContain("the database is on fire");
    expect(failed.answer.status).toBe("complete");
    expect(failed.text).toContain("hostile__fail returned");

    const slow = await ask(user, `Wait [[sb:tool name=hostile__slow args='{}']]`, { tools: ["hostile__slow"] });
    expect(slow.tools[0]).toMatchObject({ state: "output-error" });
    expect(slow.tools[0]!.errorText).toContain(`MCP server "hostile"`);
    expect(slow.tools[0]!.errorText).toContain("timed out");
    expect(slow.answer.status).toBe("complete");
    expectMetered(slow, 2);
    // It ran until the timeout ended it.
    expect(slow.metadata.toolDurations?.[slow.tools[0]!.toolCallId]).toBeGreaterThanOrEqual(TIMEOUT_MS - 50);

    await everything.stop();
    try {
      const down = await ask(user, `Echo [[sb:tool name=everything__echo args='{"message":"anyone there?"}']]`);
      expect(down.tools[0]).toMatchObject({ type: "tool-everything__echo", state: "output-error" });
      expect(down.tools[0]!.errorText).toContain(`MCP server "everything": the server could not be reached`);
      expect(down.answer.status).toBe("complete");
      expect(down.text).toContain("everything__echo returned");
      expectMetered(down, 2);
      const { listServers } = await import("@/lib/mcp/servers");
      const status = (await listServers({ kind: "team" })).find((s) => s.name === "everything")!;
      expect(status.status).toBe("error");
      expect(status.lastError).toBeTruthy();
    } finally {
      await everything.start();
    }
    // Back on the same address: used again without a restart.
    const back = await ask(user, `Echo [[sb:tool name=everything__echo args='{"message":"hello again"}']]`);
    expect(back.tools[0]).toMatchObject({ state: "output-available" });
    expect(JSON.stringify(back.tools[0]!.output)).toContain("Echo: hello again");
  });

  it("Stop ends the call in flight and the answer ends as partial", async () => {
    const user = await budgetedUser();
    const { stopStream } = await import("@/lib/chat/streams");
    // Stop as soon as the call is running (its input is complete and sent to the server).
    const pending = ask(user, `Wait [[sb:tool name=hostile__slow args='{}']]`, { tools: ["hostile__slow"] }, (chunk, conversationId) => {
      if (chunk.type === "tool-input-available") setTimeout(() => stopStream(conversationId, user.id), 300);
    });
    const r = await pending;
    expect(r.answer.status).toBe("partial");
    expect(r.tools[0]!.state).not.toBe("output-available");
    expect(r.usage).toHaveLength(1);
  });

  it("a model without tool support gets no tools and its answer says so", async () => {
    const { getCatalog } = await import("@/lib/openrouter/catalog");
    const noTools = (await getCatalog()).models.find((m) => !m.supportsTools && !m.id.includes("auto") && m.outputModalities.includes("text"));
    expect(noTools).toBeDefined();
    const user = await budgetedUser();
    const { answerTurn } = await import("@/tests/helpers/answer-turn");
    const logFrom = upstream.log.length;
    const r = await answerTurn(user, textTurn("Hi [[sb:text tokens=3]]", { model: noTools!.id }));
    const sent = upstream.log.slice(logFrom).filter((e) => e.path.endsWith("/chat/completions"));
    expect(sent.every((e) => (e.body as { tools?: unknown }).tools === undefined)).toBe(true);
    expect((r.answer.metadata as ChatMessageMetadata).toolsUnsupported).toBe(true);
  });
});
