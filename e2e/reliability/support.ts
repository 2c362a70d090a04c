// A Switchboard of the reliability specs' own (shared within a worker): on the run's database, talking to the
// suite's local OpenRouter, with a 2 s upstream stall timeout so a stall is seen quickly. Plus the
// checks they share: the conversation as saved, and its spend against the upstream's own records.
import { test as recorded, expect } from "../fixtures/response-recorder";
import {
  Client,
  generationsMentioning,
  poll,
  startIsolatedApp,
  upstreamGenerations,
  type IsolatedApp,
  type UpstreamGeneration,
} from "../security/support";

export const STALL_TIMEOUT_MS = 2_000;

export type ReliabilityApp = IsolatedApp & { user(label: string): Promise<Client> };

export const test = recorded.extend<object, { reliabilityApp: ReliabilityApp }>({
  reliabilityApp: [
    async ({ playwright: _playwright }, provide) => {
      const app = await startIsolatedApp({ env: { SWITCHBOARD_UPSTREAM_TIMEOUT_MS: String(STALL_TIMEOUT_MS) } });
      const clients: Client[] = [];
      const user = async (label: string) => {
        const c = await Client.create(app.url, label);
        clients.push(c);
        await c.registerAndSignIn();
        return c;
      };
      await provide(Object.assign(app, { user }));
      for (const c of clients) await c.dispose().catch(() => undefined);
      await app.stop();
    },
    { scope: "worker", timeout: 120_000 },
  ],
});

export { expect };

export type SavedUsage = { generationId: string | null; kind: string; costNano: string | null; finishReason: string | null };
export type SavedMessage = {
  id: string;
  role: string;
  status: "complete" | "partial" | "error";
  text: string;
  parts: { type: string; text?: string }[];
  error: { code?: string; message?: string } | null;
  metadata: { status?: string; error?: { code: string } } | null;
  usage: SavedUsage[];
};
export type SavedConversation = { id: string; title: string; messages: SavedMessage[]; otherUsage: SavedUsage[] };

/** The conversation as its owner's export shows it (messages with status, text and usage rows). */
export async function savedConversation(client: Client, conversationId: string): Promise<SavedConversation> {
  const reply = await client.get(`/api/conversations/${conversationId}/export?format=json`);
  expect(reply.status, reply.text.slice(0, 300)).toBe(200);
  return (reply.json as { conversations: SavedConversation[] }).conversations[0];
}

/**
 * Waits until every generation the upstream served for requests mentioning `marker` has ended and
 * every usage row of the conversation has a cost, then proves the books match the upstream's:
 * each row's cost is exactly the upstream's record of that generation, and each generation that
 * cost anything has its row. Returns the settled rows.
 */
export async function expectSettledToTrueCost(
  client: Client,
  conversationId: string,
  marker: string,
  { timeout = 60_000 }: { timeout?: number } = {},
): Promise<{ usage: SavedUsage[]; generations: UpstreamGeneration[] }> {
  const ids = await poll(
    `the upstream's generations for ${marker} to end`,
    async () => {
      const ids = await generationsMentioning(marker);
      const records = await upstreamGenerations();
      return ids.every((id) => records.get(id)?.state === "done") ? ids : undefined;
    },
    { timeout },
  );
  const usage = await poll(
    `every usage row of ${conversationId} settled`,
    async () => {
      const saved = await savedConversation(client, conversationId);
      const rows = [...saved.messages.flatMap((m) => m.usage), ...saved.otherUsage];
      return rows.every((r) => r.costNano !== null) ? rows : undefined;
    },
    { timeout, interval: 500 },
  );
  const records = await upstreamGenerations();
  for (const row of usage) {
    expect(row.generationId, "every usage row names its generation").toBeTruthy();
    const record = records.get(row.generationId!);
    expect(record, `generation ${row.generationId} is known upstream`).toBeTruthy();
    expect(row.costNano, `the saved cost of ${row.generationId} (${record!.outcome})`).toBe(record!.cost_nano);
  }
  for (const id of ids) {
    const record = records.get(id)!;
    if (BigInt(record.cost_nano) === 0n) continue;
    expect(
      usage.find((r) => r.generationId === id),
      `generation ${id} (${record.outcome}, ${record.cost_nano} nano-USD) has a usage row`,
    ).toBeTruthy();
  }
  return { usage, generations: ids.map((id) => records.get(id)!) };
}
