// Issue 12's acceptance: two production instances (A, B) on one PostgreSQL database and one
// Redis of the test's own, a local OpenRouter, and a round-robin proxy where a test needs one.
// The tests share the cluster and run in order; the last one kills A.
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningApp } from "../helpers/app";
import { METRICS_TOKEN, MODEL, startCluster, unavailableReason, UPSTREAM_KEY, type Cluster } from "./cluster";
import {
  createApiKey,
  deltas,
  eventually,
  health,
  newId,
  readChunks,
  registerAndSignIn,
  resume,
  sendApiCompletion,
  signIn,
  sendChat,
  stop,
  textOf,
  type User,
} from "./client";
import { startRoundRobinProxy, type RoundRobinProxy } from "./proxy";

const reason = await unavailableReason();
if (reason) console.warn(`[instances] skipped: ${reason}`);

const RATE = 60;
const CATALOG_TTL_SECONDS = 5;

describe.skipIf(reason !== null)("two instances on one PostgreSQL and one Redis", () => {
  let cluster: Cluster;
  let a: RunningApp;
  let b: RunningApp;
  let proxy: RoundRobinProxy;

  beforeAll(async () => {
    cluster = await startCluster({
      env: { SWITCHBOARD_CHAT_RATE_PER_MINUTE: String(RATE), SWITCHBOARD_CATALOG_TTL_SECONDS: String(CATALOG_TTL_SECONDS) },
    });
    [a, b] = cluster.apps as [RunningApp, RunningApp];
    proxy = await startRoundRobinProxy([a.url, b.url]);
  }, 120_000);

  afterAll(async () => {
    await proxy?.close();
    await cluster?.close();
  }, 60_000);

  const userId = async (user: User) =>
    (await cluster.db.query<{ id: string }>(`SELECT "id" FROM "User" WHERE "email" = $1`, [user.email])).rows[0]!.id;
  const assistantOf = async (conversationId: string) =>
    (
      await cluster.db.query<{ id: string; text: string; status: string; metadata: { status?: string; error?: { code: string } } }>(
        `SELECT "id", "text", "status", "metadata" FROM "Message" WHERE "conversationId" = $1 AND "role" = 'assistant' ORDER BY "position" DESC LIMIT 1`,
        [conversationId],
      )
    ).rows[0];
  const upstreamRequestFor = (marker: string) =>
    cluster.upstream.log.find((e) => e.path.startsWith("/api/v1/chat/completions") && JSON.stringify(e.body).includes(marker));

  it("health names Redis on both instances; the catalog is fetched once for both", async () => {
    expect(await health(a.url)).toMatchObject({ status: "ok", db: "ok", redis: "ok" });
    expect(await health(b.url)).toMatchObject({ status: "ok", db: "ok", redis: "ok" });
    const user = await registerAndSignIn(a.url, "catalog");
    const [fromA, fromB] = await Promise.all(
      [a, b].map(
        async (app) => (await fetch(`${app.url}/api/models`, { headers: { cookie: user.cookie } })).json() as Promise<{ models: { id: string }[] }>,
      ),
    );
    expect(fromA.models.map((m) => m.id)).toEqual(fromB.models.map((m) => m.id));
    expect(cluster.upstream.log.filter((e) => e.path.startsWith("/api/v1/models")).length).toBe(1);
  });

  it("a stream started on A and resumed through B ends with the same saved answer A produced", async () => {
    const user = await registerAndSignIn(a.url, "resume");
    const conversationId = newId();
    const started = await sendChat(a.url, user, "[[sb:text tokens=80 rate=40]] tell me", { conversationId });
    expect(started.status).toBe(200);
    const before = await readChunks(started, (c) => deltas(c) >= 5); // the tab closes here
    expect(deltas(before)).toBeGreaterThanOrEqual(5);

    const resumed = await resume(b.url, user, conversationId);
    expect(resumed.status).toBe(200);
    const chunks = await readChunks(resumed);
    expect(chunks.at(-1)?.type).toBe("finish");
    const text = textOf(chunks);
    expect(text.startsWith(textOf(before))).toBe(true);

    const saved = await eventually(
      async () => {
        const row = await assistantOf(conversationId);
        return row?.metadata.status === "complete" ? row : undefined;
      },
      30_000,
      "the saved answer",
    );
    expect(saved.status).toBe("complete");
    expect(text).toBe(saved.text);
    expect(text.length).toBeGreaterThan(0);

    // Someone else's conversation cannot be resumed from either instance.
    const other = await registerAndSignIn(b.url, "intruder");
    expect((await resume(b.url, other, conversationId)).status).toBe(404);
    expect((await resume(a.url, other, conversationId)).status).toBe(404);
  });

  it(`a limit of ${RATE} chat requests per minute admits ${RATE} across A and B together`, async () => {
    const user = await registerAndSignIn(proxy.url, "limit");
    const before = [...proxy.counts];
    const statuses: number[] = [];
    const total = RATE + 10;
    let sent = 0;
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        while (sent < total) {
          sent++;
          const response = await sendChat(proxy.url, user, "[[sb:text tokens=2]] hi");
          statuses.push(response.status);
          await response.arrayBuffer();
        }
      }),
    );
    expect(statuses.filter((s) => s === 200)).toHaveLength(RATE);
    expect(statuses.filter((s) => s === 429)).toHaveLength(total - RATE);
    // The proxy spread them over both instances.
    expect(proxy.counts[0]! - before[0]!).toBeGreaterThanOrEqual(total / 2 - 1);
    expect(proxy.counts[1]! - before[1]!).toBeGreaterThanOrEqual(total / 2 - 1);
  });

  it("100 unsettled generations with both settlement jobs running: each settled exactly once, totals exact", async () => {
    const user = await registerAndSignIn(a.url, "settle");
    const owner = await userId(user);
    // 100 real generations at the upstream, whose costs the stream never reported.
    const generationIds = await Promise.all(
      Array.from({ length: 100 }, async (_, i) => {
        const response = await fetch(`${cluster.upstream.baseURL}/chat/completions`, {
          method: "POST",
          headers: { "content-type": "application/json", authorization: `Bearer ${UPSTREAM_KEY}` },
          body: JSON.stringify({ model: MODEL, messages: [{ role: "user", content: `[[sb:text tokens=${5 + (i % 7)}]] n${i}` }] }),
        });
        expect(response.status).toBe(200);
        return ((await response.json()) as { id: string }).id;
      }),
    );
    const expected = generationIds.reduce((sum, id) => sum + cluster.upstream.generations.get(id)!.costNano, 0n);
    expect(expected).toBeGreaterThan(0n);
    // Due only once /generation knows them (it answers 404 for a while after the end, as openrouter.ai does),
    // so that each is looked up exactly once.
    await eventually(
      async () => (generationIds.every((id) => (cluster.upstream.generations.get(id)?.availableAtMs ?? Infinity) <= Date.now()) ? true : undefined),
      10_000,
      "the generations' records",
    );
    await cluster.db.query(
      `INSERT INTO "Usage" ("id", "userId", "generationId", "modelRequested", "nextSettleAt", "updatedAt")
       SELECT 'settle-' || g, $1, g, $2, now(), now() FROM unnest($3::text[]) AS g`,
      [owner, MODEL, generationIds],
    );
    const rows = await eventually(
      async () => {
        const { rows } = await cluster.db.query<{ generationId: string; costNano: string | null; settleAttempts: number; settledAt: Date | null }>(
          `SELECT "generationId", "costNano"::text AS "costNano", "settleAttempts", "settledAt" FROM "Usage" WHERE "userId" = $1`,
          [owner],
        );
        return rows.length === 100 && rows.every((r) => r.settledAt !== null) ? rows : undefined;
      },
      60_000,
      "settlement of 100 generations",
    );
    expect(rows.every((r) => r.settleAttempts === 1)).toBe(true);
    expect(rows.reduce((sum, r) => sum + BigInt(r.costNano!), 0n)).toBe(expected);
    for (const r of rows) expect(BigInt(r.costNano!)).toBe(cluster.upstream.generations.get(r.generationId)!.costNano);
    // Exactly once: each generation was looked up once, by one instance or the other.
    const lookups = cluster.upstream.log.filter((e) => e.path.startsWith("/api/v1/generation?"));
    for (const id of generationIds) expect(lookups.filter((e) => e.path.includes(encodeURIComponent(id))).length).toBe(1);
  }, 90_000);

  it("the budget race: 50 concurrent requests over A and B, compare turns among them, a budget that fits 10, never overshoots", async () => {
    const user = await registerAndSignIn(a.url, "budget");
    const owner = await userId(user);
    const text = "[[sb:stall after=1 ms=600000]] budget race";
    const settings = { maxTokens: 200 };
    const compared = [MODEL, "anthropic/claude-haiku-4.5"];
    // The worst cases as the server computes them: refused with a budget of 1 nano.
    await cluster.db.query(`UPDATE "User" SET "monthlyBudgetNano" = 1 WHERE "id" = $1`, [owner]);
    const worstOf = async (response: Response) => {
      expect(response.status).toBe(402);
      return BigInt(((await response.json()) as { error: { details: { amountNano: string } } }).error.details.amountNano);
    };
    const worst = await worstOf(await sendChat(a.url, user, text, { settings }));
    const worstCompare = await worstOf(await sendChat(a.url, user, text, { settings, models: compared }));
    expect(worstCompare).toBeGreaterThan(worst);
    const budget = worst * 10n + worst / 2n;
    await cluster.db.query(`UPDATE "User" SET "monthlyBudgetNano" = $2 WHERE "id" = $1`, [owner, budget.toString()]);

    // Every fifth request compares two models: it holds both answers' worst cases, or nothing.
    const conversations = Array.from({ length: 50 }, () => newId());
    const isCompare = (i: number) => i % 5 === 0;
    const responses = await Promise.all(
      conversations.map((id, i) =>
        sendChat(i % 2 ? b.url : a.url, user, text, { conversationId: id, settings, ...(isCompare(i) ? { models: compared } : {}) }),
      ),
    );
    const admittedSingles = responses.filter((r, i) => !isCompare(i) && r.status === 200).length;
    const admittedCompares = responses.filter((r, i) => isCompare(i) && r.status === 201).length;
    const refused = responses.filter((r) => r.status === 402);
    for (const r of refused) expect(((await r.json()) as { error: { code: string } }).error.code).toBe("budget_exceeded:spend");
    expect(admittedSingles + admittedCompares + refused.length).toBe(50);
    const held = await cluster.db.query<{ amount: string }>(
      `SELECT "amountNano"::text AS amount FROM "Reservation" WHERE "userId" = $1 AND "expiresAt" > now()`,
      [owner],
    );
    const amounts = held.rows.map((r) => BigInt(r.amount));
    const sum = (xs: bigint[]) => xs.reduce((total, x) => total + x, 0n);
    // Exactly what the admitted turns hold (two reservations per comparison: gpt-4o-mini's, the same
    // as a single answer's, and haiku's). The others are titles of first exchanges, held against the
    // same budget. All within the budget, and the budget is used up: no further single answer would fit.
    const answers = amounts.filter((x) => x === worst || x === worstCompare - worst);
    expect(answers).toHaveLength(admittedSingles + 2 * admittedCompares);
    expect(sum(answers)).toBe(BigInt(admittedSingles) * worst + BigInt(admittedCompares) * worstCompare);
    expect(sum(amounts)).toBeLessThanOrEqual(budget);
    expect(budget - sum(amounts)).toBeLessThan(worst);
    // Refused turns wrote nothing.
    const written = await cluster.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM "Conversation" WHERE "id" = ANY($1)`, [
      conversations.filter((_, i) => responses[i]!.status === 402),
    ]);
    expect(written.rows[0]!.n).toBe(0);

    // Stop them all, each through the other instance than the one running it (every column of a comparison).
    const stops = await Promise.all(conversations.map((id, i) => (responses[i]!.status !== 402 ? stop(i % 2 ? a.url : b.url, user, id) : null)));
    expect(stops.filter((s) => s?.body.stopped === true)).toHaveLength(admittedSingles + admittedCompares);
    await Promise.all(responses.map((r) => (r.status !== 402 ? r.arrayBuffer() : null)));
    await eventually(
      async () => {
        const live = await cluster.db.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM "Message" WHERE "conversationId" = ANY($1) AND "metadata"->>'status' = 'streaming'`,
          [conversations],
        );
        return live.rows[0]!.n === 0 ? true : undefined;
      },
      20_000,
      "every stopped answer saved",
    );
  }, 60_000);

  it("concurrent messages over A and B under one budget: what the upstream charged stays within it", async () => {
    const user = await registerAndSignIn(a.url, "charged");
    const owner = await userId(user);
    const marker = `charged-${randomBytes(4).toString("hex")}`;
    // Each answer would run to 5,000 tokens; max_tokens (the output the reservation assumed) cuts it at 300.
    // At 50 tokens/s no answer ends (and frees its reservation for another turn) while the 20 are admitted.
    // A model without tools makes one generation an answer, charged nearly what it held: a sixth answer
    // admitted would take the total past the budget.
    const text = `[[sb:text tokens=5000 rate=50]] ${marker}`;
    const settings = { maxTokens: 300 };
    const model = "google/gemma-3-27b-it";
    await cluster.db.query(`UPDATE "User" SET "monthlyBudgetNano" = 1 WHERE "id" = $1`, [owner]);
    const probe = await sendChat(a.url, user, text, { model, settings });
    expect(probe.status).toBe(402);
    const worst = BigInt(((await probe.json()) as { error: { details: { amountNano: string } } }).error.details.amountNano);
    const budget = worst * 5n + worst / 2n;
    await cluster.db.query(`UPDATE "User" SET "monthlyBudgetNano" = $2 WHERE "id" = $1`, [owner, budget.toString()]);

    const conversations = Array.from({ length: 20 }, () => newId());
    const responses = await Promise.all(
      conversations.map((id, i) => sendChat(i % 2 ? b.url : a.url, user, text, { conversationId: id, model, settings })),
    );
    const admitted = responses.filter((r) => r.status === 200).length;
    expect(admitted).toBeGreaterThanOrEqual(1);
    expect(admitted).toBeLessThanOrEqual(5);
    expect(responses.filter((r) => r.status === 402)).toHaveLength(20 - admitted);
    await Promise.all(responses.map((r) => r.arrayBuffer()));

    // Every request the message set off (answers and titles, from either instance), as the upstream charged it.
    const requests = await eventually(
      async () => {
        const found = cluster.upstream.log.filter((e) => e.path.startsWith("/api/v1/chat/completions") && JSON.stringify(e.body).includes(marker));
        const done = found.every((e) => e.generationId && cluster.upstream.generations.get(e.generationId)?.state === "done");
        return found.length >= admitted && done ? found : undefined;
      },
      30_000,
      "every generation ended",
    );
    const answers = requests.filter((e) => (e.body as { stream?: boolean }).stream === true);
    expect(answers).toHaveLength(admitted);
    for (const e of answers) expect((e.body as { max_tokens?: number }).max_tokens).toBe(300);
    // The upstream's records, as its /generation serves them.
    const charged = requests.reduce((total, e) => total + cluster.upstream.generations.get(e.generationId!)!.costNano, 0n);
    expect(charged).toBeGreaterThan(0n);
    // The bound of docs/configuration.md#what-a-budget-reserves: the budget itself.
    expect(charged).toBeLessThanOrEqual(budget);
    // Once every answer and title freed its reservation, the spend tables hold exactly what was charged.
    const stored = await eventually(
      async () => {
        const { rows } = await cluster.db.query<{ held: number; unsettled: number; total: string }>(
          `SELECT (SELECT count(*)::int FROM "Reservation" WHERE "userId" = $1) AS held,
             count(*) FILTER (WHERE "costNano" IS NULL)::int AS unsettled, COALESCE(SUM("costNano"), 0)::text AS total
           FROM "Usage" WHERE "userId" = $1`,
          [owner],
        );
        return rows[0]!.held === 0 && rows[0]!.unsettled === 0 ? BigInt(rows[0]!.total) : undefined;
      },
      30_000,
      "every cost recorded",
    );
    expect(stored).toBe(charged);
  }, 60_000);

  it("the gateway's budget race: 25 API calls and 25 chat messages over A and B, a budget that fits 10, never overshoot", async () => {
    const user = await registerAndSignIn(a.url, "gateway");
    const owner = await userId(user);
    const key = await createApiKey(a.url, user);
    const marker = `gateway-${randomBytes(4).toString("hex")}`;
    // As above: answers that would run long, cut by max_tokens (the output each reservation assumes),
    // too slow to end (and free a reservation) while the 50 are admitted.
    const text = `[[sb:text tokens=5000 rate=50]] ${marker}`;
    const model = "google/gemma-3-27b-it";
    await cluster.db.query(`UPDATE "User" SET "monthlyBudgetNano" = 1 WHERE "id" = $1`, [owner]);
    const probe = await sendChat(a.url, user, text, { model, settings: { maxTokens: 300 } });
    expect(probe.status).toBe(402);
    const worst = BigInt(((await probe.json()) as { error: { details: { amountNano: string } } }).error.details.amountNano);
    const apiProbe = await sendApiCompletion(a.url, key, { model, messages: [{ role: "user", content: text }], max_tokens: 300, stream: true });
    expect(apiProbe.status).toBe(402);
    expect(((await apiProbe.json()) as { error: { type: string } }).error.type).toBe("insufficient_quota");
    const budget = worst * 10n + worst / 2n;
    await cluster.db.query(`UPDATE "User" SET "monthlyBudgetNano" = $2 WHERE "id" = $1`, [owner, budget.toString()]);

    const responses = await Promise.all(
      Array.from({ length: 50 }, (_, i) => {
        const instance = i % 4 < 2 ? a.url : b.url;
        return i % 2 === 0
          ? sendApiCompletion(instance, key, { model, messages: [{ role: "user", content: text }], max_tokens: 300, stream: true })
          : sendChat(instance, user, text, { conversationId: newId(), model, settings: { maxTokens: 300 } });
      }),
    );
    const admitted = responses.filter((r) => r.status === 200).length;
    const refused = responses.filter((r) => r.status === 402);
    expect(admitted + refused.length).toBe(50);
    expect(admitted).toBeGreaterThanOrEqual(1);
    expect(admitted).toBeLessThanOrEqual(10);
    const held = await cluster.db.query<{ total: string }>(
      `SELECT COALESCE(SUM("amountNano"), 0)::text AS total FROM "Reservation" WHERE "userId" = $1 AND "expiresAt" > now()`,
      [owner],
    );
    expect(BigInt(held.rows[0]!.total)).toBeLessThanOrEqual(budget);
    await Promise.all(responses.map((r) => r.arrayBuffer()));

    const requests = await eventually(
      async () => {
        const found = cluster.upstream.log.filter((e) => e.path.startsWith("/api/v1/chat/completions") && JSON.stringify(e.body).includes(marker));
        const done = found.every((e) => e.generationId && cluster.upstream.generations.get(e.generationId)?.state === "done");
        return found.length >= admitted && done ? found : undefined;
      },
      30_000,
      "every generation ended",
    );
    for (const e of requests.filter((r) => (r.body as { stream?: boolean }).stream === true)) {
      expect((e.body as { max_tokens?: number }).max_tokens).toBe(300);
    }
    const charged = requests.reduce((total, e) => total + cluster.upstream.generations.get(e.generationId!)!.costNano, 0n);
    expect(charged).toBeGreaterThan(0n);
    expect(charged).toBeLessThanOrEqual(budget);
    const stored = await eventually(
      async () => {
        const { rows } = await cluster.db.query<{ held: number; unsettled: number; total: string; api: number }>(
          `SELECT (SELECT count(*)::int FROM "Reservation" WHERE "userId" = $1) AS held,
             count(*) FILTER (WHERE "costNano" IS NULL)::int AS unsettled, COALESCE(SUM("costNano"), 0)::text AS total,
             count(*) FILTER (WHERE "kind" = 'api' AND "apiKeyId" IS NOT NULL)::int AS api
           FROM "Usage" WHERE "userId" = $1`,
          [owner],
        );
        return rows[0]!.held === 0 && rows[0]!.unsettled === 0 ? rows[0]! : undefined;
      },
      30_000,
      "every cost recorded",
    );
    expect(BigInt(stored.total)).toBe(charged);
    expect(stored.api).toBe(responses.filter((r, i) => i % 2 === 0 && r.status === 200).length);
  }, 90_000);

  it("a stop sent to B closes A's upstream connection", async () => {
    const user = await registerAndSignIn(a.url, "stop");
    const conversationId = newId();
    const marker = `stop-${randomBytes(4).toString("hex")}`;
    const response = await sendChat(a.url, user, `[[sb:stall after=3 ms=600000]] ${marker}`, { conversationId });
    expect(response.status).toBe(200);
    const reading = readChunks(response);
    await eventually(async () => upstreamRequestFor(marker), 10_000, "the upstream request");
    expect(upstreamRequestFor(marker)!.closedByClient).toBeFalsy();

    // While A writes the answer, B refuses a second turn in that conversation.
    const second = await sendChat(b.url, user, "a second message meanwhile", { conversationId });
    expect(second.status).toBe(409);
    expect(((await second.json()) as { error: { code: string } }).error.code).toBe("conflict:chat");

    const stopped = await stop(b.url, user, conversationId);
    expect(stopped).toEqual({ status: 200, body: { stopped: true } });
    const entry = await eventually(
      async () => (upstreamRequestFor(marker)?.closedByClient ? upstreamRequestFor(marker) : undefined),
      15_000,
      "A's upstream connection to close",
    );
    expect(entry.closedByClient).toBe(true);
    const chunks = await reading;
    expect(chunks.at(-1)?.type).toBe("abort");
    const saved = await eventually(async () => {
      const row = await assistantOf(conversationId);
      return row && row.metadata.status !== "streaming" ? row : undefined;
    });
    expect(saved.status).toBe("partial");
    // Nothing to stop any more, wherever it is asked.
    expect((await stop(b.url, user, conversationId)).body.stopped).toBe(false);
  });

  it("the catalog is refreshed once per TTL for both instances, not once per instance", async () => {
    const user = await registerAndSignIn(b.url, "refresh");
    // Both instances keep asking for the models over more than two TTLs.
    const until = Date.now() + CATALOG_TTL_SECONDS * 2_000 + 1_500;
    while (Date.now() < until) {
      await Promise.all([a, b].map(async (app) => (await fetch(`${app.url}/api/models`, { headers: { cookie: user.cookie } })).arrayBuffer()));
      await new Promise((r) => setTimeout(r, 200));
    }
    const fetches = cluster.upstream.log.filter((e) => e.path.startsWith("/api/v1/models")).map((e) => Date.parse(e.at));
    expect(fetches.length).toBeGreaterThanOrEqual(3);
    // Each refresh waits for the shared copy to be TTL old: never two fetches within one TTL.
    for (let i = 1; i < fetches.length; i++) expect(fetches[i]! - fetches[i - 1]!).toBeGreaterThanOrEqual(CATALOG_TTL_SECONDS * 1000);
  }, 60_000);

  it("Redis stopped: chats still complete and health says degraded; Redis back: resumes work again", async () => {
    const user = await registerAndSignIn(a.url, "outage");
    await cluster.redis.stop();
    for (const app of [a, b]) {
      expect(
        await eventually(async () => ((await health(app.url)).redis === "degraded" ? health(app.url) : undefined), 15_000, "degraded health"),
      ).toMatchObject({
        status: "ok",
        db: "ok",
        redis: "degraded",
      });
    }
    for (const app of [a, b]) {
      const response = await sendChat(app.url, user, "[[sb:text tokens=12]] during the outage");
      expect(response.status).toBe(200);
      const chunks = await readChunks(response);
      expect(chunks.at(-1)?.type).toBe("finish");
      expect(textOf(chunks).length).toBeGreaterThan(0);
    }
    // A resume on the other instance cannot work without Redis: it says there is nothing to follow.
    const conversationId = newId();
    const local = await sendChat(a.url, user, "[[sb:text tokens=40 rate=40]] local only", { conversationId });
    expect((await resume(b.url, user, conversationId)).status).toBe(204);
    await readChunks(local);

    await cluster.redis.start();
    for (const app of [a, b]) await eventually(async () => ((await health(app.url)).redis === "ok" ? true : undefined), 20_000, "health ok again");
    const again = newId();
    const started = await sendChat(a.url, user, "[[sb:text tokens=60 rate=40]] after the outage", { conversationId: again });
    const before = await readChunks(started, (c) => deltas(c) >= 3);
    const resumed = await resume(b.url, user, again);
    expect(resumed.status).toBe(200);
    const chunks = await readChunks(resumed);
    expect(chunks.at(-1)?.type).toBe("finish");
    expect(textOf(chunks).startsWith(textOf(before))).toBe(true);
    // The outage was logged once per instance, and its end once.
    for (const app of [a, b]) {
      expect(app.output().match(/Redis unreachable/g)?.length).toBe(1);
      expect(app.output().match(/Redis is back/g)?.length).toBe(1);
    }
  }, 90_000);

  it("metrics need the token and count requests, streams and tokens; logs are JSON with request ids and no secrets", async () => {
    expect((await fetch(`${a.url}/api/metrics`)).status).toBe(401);
    expect((await fetch(`${a.url}/api/metrics`, { headers: { authorization: "Bearer wrong" } })).status).toBe(401);
    const response = await fetch(`${a.url}/api/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
    expect(response.status).toBe(200);
    const body = await response.text();
    expect(body).toMatch(/switchboard_http_requests_total\{route="\/api\/chat",method="POST",status="200"\} \d+/);
    expect(body).toMatch(/switchboard_http_requests_total\{route="\/api\/chat",method="POST",status="402"\} \d+/);
    expect(body).toMatch(/switchboard_chat_time_to_first_token_seconds_count\{model="openai\/gpt-4o-mini"\} \d+/);
    expect(body).toMatch(/switchboard_chat_stream_duration_seconds_count\{model="openai\/gpt-4o-mini",status="partial"\} \d+/);
    expect(body).toMatch(/switchboard_chat_active_streams \d+/);
    expect(body).toMatch(/switchboard_tokens_total\{model="openai\/gpt-4o-mini",kind="completion"\} \d+/);
    expect(body).toMatch(/switchboard_cost_nano_usd_total\{model="openai\/gpt-4o-mini"\} \d+/);

    const lines = a
      .output()
      .split("\n")
      .filter((l) => l.startsWith("{"));
    const requests = lines.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l.msg === "request");
    expect(requests.length).toBeGreaterThan(10);
    for (const line of requests) expect(line.requestId).toMatch(/^[A-Za-z0-9._:-]{8,128}$/);
    const given = `req-${randomBytes(6).toString("hex")}`;
    const echoed = await fetch(`${a.url}/api/health`, { headers: { "x-request-id": given } });
    expect(echoed.headers.get("x-request-id") ?? given).toBe(given);
    for (const app of [a, b]) {
      expect(app.output()).not.toContain(UPSTREAM_KEY);
      expect(app.output()).not.toContain("budget race");
      expect(app.output()).not.toContain("during the outage");
    }
  });

  it("sign-in brute-force counters are shared: 10 failures spread over A and B lock the account on both", async () => {
    const user = await registerAndSignIn(a.url, "brute");
    for (let i = 0; i < 10; i++) expect(await signIn(i % 2 ? b.url : a.url, user.email, "wrong-password-123")).toBeNull();
    // Five failures on each instance: only a shared count reaches the limit of 10.
    expect(await signIn(a.url, user.email, user.password)).toBeNull();
    expect(await signIn(b.url, user.email, user.password)).toBeNull();
  });

  it("an instance on PGlite with REDIS_URL set says at start why that is not a multi-instance setup", async () => {
    const lone = await cluster.startInstance({ DATABASE_URL: "" });
    try {
      expect(lone.output()).toContain("this is not a multi-instance setup");
      expect(a.output()).toContain("several instances: PostgreSQL and Redis are shared");
    } finally {
      await lone.stop();
    }
  });

  it("kill -9 of A mid-stream: B serves the conversation with the partial answer marked, and its cost is settled", async () => {
    const user = await registerAndSignIn(a.url, "crash");
    const conversationId = newId();
    const response = await sendChat(a.url, user, "[[sb:text tokens=400 rate=20]] a long answer", { conversationId });
    expect(response.status).toBe(200);
    const before = await readChunks(response, (c) => deltas(c) >= 6);
    await new Promise((r) => setTimeout(r, 300)); // let the mirror flush what A sent
    await a.kill();

    // B follows the answer from Redis; the sweeper ends it once A is known dead.
    const resumed = await resume(b.url, user, conversationId);
    expect(resumed.status).toBe(200);
    const followed = textOf(await readChunks(resumed));
    expect(followed.startsWith(textOf(before))).toBe(true);

    const view = await eventually(
      async () => {
        const r = await fetch(`${b.url}/api/conversations/${conversationId}`, { headers: { cookie: user.cookie } });
        const { conversation } = (await r.json()) as {
          conversation: {
            messages: { role: string; parts: { type: string; text?: string }[]; metadata?: { status?: string; error?: { code: string } } }[];
          };
        };
        const answer = conversation.messages.at(-1)!;
        return answer.metadata?.status === "partial" ? answer : undefined;
      },
      40_000,
      "the partial answer on B",
    );
    expect(view.role).toBe("assistant");
    expect(view.metadata?.error?.code).toBe("interrupted:instance");
    const savedText = view.parts
      .filter((p) => p.type === "text")
      .map((p) => p.text)
      .join("");
    expect(savedText.startsWith(textOf(before))).toBe(true);
    expect(savedText).toBe(followed);

    const messageId = (await assistantOf(conversationId))!.id;
    const usage = await eventually(
      async () => {
        const { rows } = await cluster.db.query<{ generationId: string; costNano: string | null; settledAt: Date | null }>(
          `SELECT "generationId", "costNano"::text AS "costNano", "settledAt" FROM "Usage" WHERE "messageId" = $1`,
          [messageId],
        );
        return rows.length > 0 && rows.every((r) => r.settledAt !== null) ? rows : undefined;
      },
      40_000,
      "settlement of the killed answer",
    );
    for (const row of usage) {
      const record = cluster.upstream.generations.get(row.generationId)!;
      expect(BigInt(row.costNano!)).toBe(record.costNano);
      expect(record.costNano).toBeGreaterThan(0n);
    }
  }, 90_000);
});
