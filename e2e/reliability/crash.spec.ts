// kill -9 in the middle of an answer, then start again on the same data: the database opens, the
// conversation is consistent (the user's message is there; the answer is absent or marked partial,
// never left "streaming" or passed off as complete), the conversation takes new messages, and the
// interrupted generation's cost is settled afterwards from the upstream's records. On the run's
// database: `npm test` runs the suite once on PGlite and once on PostgreSQL.
import { e2eDatabase } from "../fixtures/database";
import { responseRecorder } from "../fixtures/response-recorder";
import {
  Client,
  generationsMentioning,
  newId,
  poll,
  sseChunks,
  streamedText,
  uniqueMarker,
  upstreamGenerations,
  type IsolatedApp,
} from "../security/support";
import { expect, expectSettledToTrueCost, savedConversation, test } from "./support";

/** Sends a long answer and reads it until `tokens` text deltas arrived; the response stays open. */
async function startLongAnswer(app: IsolatedApp, client: Client, conversationId: string, text: string, tokens: number) {
  const cookie = (await client.ctx.storageState()).cookies.map((c) => `${c.name}=${c.value}`).join("; ");
  const response = await fetch(`${app.url}/api/chat`, {
    method: "POST",
    headers: { "content-type": "application/json", cookie },
    body: JSON.stringify({
      id: conversationId,
      trigger: "submit-message",
      model: "openai/gpt-4o-mini",
      message: { id: newId("m"), role: "user", parts: [{ type: "text", text }] },
    }),
  });
  expect(response.status).toBe(200);
  const reader = response.body!.getReader();
  const decoder = new TextDecoder();
  let received = "";
  while (sseChunks(received).filter((c) => c.type === "text-delta").length < tokens) {
    const { done, value } = await reader.read();
    if (done) throw new Error(`the answer ended before ${tokens} tokens:\n${received}`);
    received += decoder.decode(value, { stream: true });
  }
  responseRecorder().inspect(`${app.url}/api/chat (partial)`, {}, received);
  // Whatever the dying server leaves unsaid is not our concern; errors of this reader are expected.
  void reader.read().catch(() => undefined);
  return received;
}

async function crashMidAnswer(label: string, app: IsolatedApp, client: Client): Promise<void> {
  const conversationId = newId();
  const warm = await client.chat(conversationId, 'Before the crash [[sb:say text="All good so far."]]');
  expect(warm.status, `${label}: ${warm.text.slice(0, 200)}`).toBe(200);

  const marker = uniqueMarker("CRASH");
  await startLongAnswer(app, client, conversationId, `Tell me everything ${marker} [[sb:text tokens=3000 rate=40]]`, 8);
  await app.app.kill();

  // The upstream saw the connection go and ended the generation with its partial cost.
  const [generationId] = await poll(`${label}: the interrupted generation`, async () => {
    const ids = await generationsMentioning(marker);
    const records = await upstreamGenerations();
    return ids.length > 0 && ids.every((id) => records.get(id)?.state === "done") ? ids : undefined;
  });
  const record = (await upstreamGenerations()).get(generationId)!;
  expect(BigInt(record.cost_nano), `${label}: the partial answer cost something`).toBeGreaterThan(0n);

  await app.restart();
  expect((await client.get("/api/health")).status, `${label}: healthy after the crash`).toBe(200);

  const saved = await savedConversation(client, conversationId);
  const roles = saved.messages.map((m) => m.role);
  expect(roles.slice(0, 3), `${label}: the exchange before and the question survive`).toEqual(["user", "assistant", "user"]);
  expect(saved.messages[2].text).toContain(marker);
  const answer = saved.messages[3];
  if (answer) {
    expect(answer.role).toBe("assistant");
    expect(["partial", "error"], `${label}: the interrupted answer is not passed off as complete`).toContain(answer.status);
    expect(answer.metadata?.status ?? answer.status, `${label}: nor shown as still being written`).not.toBe("streaming");
  }
  const view = (await client.get(`/api/conversations/${conversationId}`)).json as {
    conversation: { streaming: boolean; messages: { role: string; metadata?: { status?: string } }[] };
  };
  expect(view.conversation.streaming).toBe(false);
  for (const m of view.conversation.messages) {
    expect(m.metadata?.status, `${label}: no message of the reopened conversation is still "streaming"`).not.toBe("streaming");
  }

  // The conversation goes on.
  const after = await client.chat(conversationId, 'After the crash [[sb:say text="Back again."]]');
  expect(after.status, `${label}: ${after.text.slice(0, 300)}`).toBe(200);
  expect(streamedText(after.chunks)).toContain("Back again.");

  // And the interrupted generation is paid for exactly what the upstream charged.
  const { usage } = await expectSettledToTrueCost(client, conversationId, marker, { timeout: 150_000 });
  expect(usage.map((u) => u.generationId)).toContain(generationId);
}

test("kill -9 mid-answer: the database reopens consistent, and the interrupted generation's cost is settled", async ({ reliabilityApp }) => {
  test.setTimeout(240_000);
  const client = await reliabilityApp.user("crash");
  await crashMidAnswer(e2eDatabase() === "postgres" ? "PostgreSQL" : "PGlite", reliabilityApp, client);
});
