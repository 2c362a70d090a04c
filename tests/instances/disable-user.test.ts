// Disabling a user while their answer streams on another instance: the admin's request reaches
// instance B, the answer runs on A; Redis carries the stop. The answer ends at once, is saved as
// stopped, and what it cost is still settled.
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningApp } from "../helpers/app";
import { startCluster, unavailableReason, type Cluster } from "./cluster";
import { eventually, newId, readChunks, registerAndSignIn, sendChat } from "./client";

const reason = await unavailableReason();
if (reason) console.warn(`[instances] skipped: ${reason}`);

describe.skipIf(reason !== null)("disabling a user on two instances", () => {
  let cluster: Cluster;
  let a: RunningApp;
  let b: RunningApp;

  beforeAll(async () => {
    cluster = await startCluster();
    [a, b] = cluster.apps as [RunningApp, RunningApp];
  }, 120_000);

  afterAll(async () => {
    await cluster?.close();
  }, 60_000);

  it("stops their answer running on the other instance, saves it as stopped and settles its cost", async () => {
    const admin = await registerAndSignIn(b.url, "admin"); // the first account: the administrator
    const member = await registerAndSignIn(a.url, "member");
    const memberId = (await cluster.db.query<{ id: string }>(`SELECT "id" FROM "User" WHERE "email" = $1`, [member.email])).rows[0]!.id;
    const conversationId = newId();
    const marker = `disable-${randomBytes(4).toString("hex")}`;
    // Three tokens, then the upstream goes quiet for ten minutes: only a stop ends this answer.
    const response = await sendChat(a.url, member, `[[sb:stall after=3 ms=600000]] ${marker}`, { conversationId });
    expect(response.status).toBe(200);
    const reading = readChunks(response);
    const upstreamRequest = () =>
      cluster.upstream.log.find((e) => e.path.startsWith("/api/v1/chat/completions") && JSON.stringify(e.body).includes(marker));
    await eventually(async () => upstreamRequest(), 10_000, "the upstream request");

    const disabled = await fetch(`${b.url}/api/admin/users/${memberId}`, {
      method: "PATCH",
      headers: { "content-type": "application/json", cookie: admin.cookie },
      body: JSON.stringify({ disabled: true }),
    });
    expect(disabled.status).toBe(200);
    expect(((await disabled.json()) as { user: { disabled: boolean } }).user.disabled).toBe(true);

    // Bounded waits: left alone the upstream would stay quiet for ten minutes.
    await eventually(async () => (upstreamRequest()?.closedByClient ? true : undefined), 15_000, "A's upstream connection to close");
    const chunks = await reading;
    expect(chunks.at(-1)?.type).toBe("abort");
    const saved = await eventually(async () => {
      const row = (
        await cluster.db.query<{ status: string }>(
          `SELECT "status"::text AS status FROM "Message" WHERE "conversationId" = $1 AND "role" = 'assistant'`,
          [conversationId],
        )
      ).rows[0];
      return row && row.status !== "streaming" ? row : undefined;
    });
    expect(saved.status).toBe("partial");

    // Billed, not lost: the generation's row is settled at what the upstream charged.
    const generationId = upstreamRequest()!.generationId!;
    const settled = await eventually(
      async () => {
        const row = (
          await cluster.db.query<{ cost: string | null }>(
            `SELECT "costNano"::text AS cost FROM "Usage" WHERE "userId" = $1 AND "generationId" = $2`,
            [memberId, generationId],
          )
        ).rows[0];
        return row?.cost ? BigInt(row.cost) : undefined;
      },
      45_000,
      "the stopped answer's cost to be settled",
    );
    expect(settled).toBe(cluster.upstream.generations.get(generationId)!.costNano);

    // And the disabled user can no longer ask for anything.
    expect((await sendChat(a.url, member, "still there?")).status).toBe(401);
  }, 90_000);
});
