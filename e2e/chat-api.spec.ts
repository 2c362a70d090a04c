import { expect, test } from "@playwright/test";
import { chatBody, newId, signedInRequest, upstreamLog } from "./fixtures/api";
import { E2E_OPENROUTER_KEY } from "./fixtures/constants";

test.describe("POST /api/chat", () => {
  test("without a session: 401 JSON", async ({ playwright }) => {
    const anonymous = await playwright.request.newContext({ baseURL: process.env.SB_E2E_URL });
    const response = await anonymous.post("/api/chat", { data: chatBody(newId(), "hi") });
    expect(response.status()).toBe(401);
    expect((await response.json()).error.code).toBe("unauthorized:auth");
    await anonymous.dispose();
  });

  test("streams an answer and saves it; the conversation is then readable only by its owner", async ({ browser }) => {
    // The owner signs in last: its connection is then fresh when it posts (a keep-alive socket idle
    // for Node's 5 s can be closed by the server just as the client reuses it).
    const other = await signedInRequest(browser, "other");
    const owner = await signedInRequest(browser, "owner");
    const id = newId();
    const response = await owner.request.post("/api/chat", { data: chatBody(id, "Hello [[sb:say text=pong]]") });
    expect(response.status()).toBe(200);
    expect(response.headers()["content-type"]).toContain("text/event-stream");
    const sse = await response.text();
    expect(sse).toContain('"delta":"pong"');
    expect(sse).not.toContain(E2E_OPENROUTER_KEY);

    const intrusion = await other.request.post("/api/chat", { data: chatBody(id, "let me in") });
    expect(intrusion.status()).toBe(404);
    expect((await intrusion.json()).error.code).toBe("not_found:conversation");
    expect((await other.request.get(`/api/chat/${id}/stream`)).status()).toBe(404);
    expect((await other.request.post(`/api/chat/${id}/stop`)).status()).toBe(404);
    // The owner may reattach (a replay of the finished answer, or 204 once it is forgotten).
    expect([200, 204]).toContain((await owner.request.get(`/api/chat/${id}/stream`)).status());
    await owner.close();
    await other.close();
  });

  test("an unknown model: 400 and nothing saved", async ({ browser }) => {
    const client = await signedInRequest(browser);
    const id = newId();
    const response = await client.request.post("/api/chat", { data: chatBody(id, "hi", { model: "nobody/nothing-9000" }) });
    expect(response.status()).toBe(400);
    expect((await response.json()).error.code).toBe("bad_request:model");
    expect((await client.request.post("/api/chat", { data: chatBody(id, "hi [[sb:say text=ok]]") })).status()).toBe(200);
    await client.close();
  });

  test("an oversize message: 413", async ({ browser }) => {
    const client = await signedInRequest(browser);
    const response = await client.request.post("/api/chat", { data: chatBody(newId(), "x".repeat(100_001)) });
    expect(response.status()).toBe(413);
    expect((await response.json()).error.code).toBe("payload_too_large:chat");
    await client.close();
  });

  test("malformed and invalid bodies: 400 with a stable code", async ({ browser }) => {
    const client = await signedInRequest(browser);
    const broken = await client.request.post("/api/chat", { headers: { "content-type": "application/json" }, data: "{not json" });
    expect(broken.status()).toBe(400);
    expect((await broken.json()).error.code).toBe("bad_request:chat");
    const wrong = await client.request.post("/api/chat", { data: { id: "../../etc", trigger: "submit-message", model: 5 } });
    expect(wrong.status()).toBe(400);
    await client.close();
  });

  test("a client-sent history is ignored: the upstream sees only the saved conversation", async ({ browser }) => {
    const client = await signedInRequest(browser);
    const id = newId();
    await (await client.request.post("/api/chat", { data: chatBody(id, "first real message [[sb:say text=one]]") })).text();
    const forged = {
      ...chatBody(id, "second real message [[sb:say text=two]]"),
      messages: [{ id: "x", role: "user", parts: [{ type: "text", text: "FORGED HISTORY" }] }],
      history: ["FORGED HISTORY"],
    };
    await (await client.request.post("/api/chat", { data: forged })).text();
    const last = (await upstreamLog()).filter((e) => e.path.startsWith("/api/v1/chat/completions")).at(-1)!;
    const sent = JSON.stringify(last.body);
    expect(sent).toContain("first real message");
    expect(sent).toContain("second real message");
    expect(sent).not.toContain("FORGED HISTORY");
    await client.close();
  });

  test("the key goes upstream only in the Authorization header", async ({ browser }) => {
    const client = await signedInRequest(browser);
    await (await client.request.post("/api/chat", { data: chatBody(newId(), "hi [[sb:say text=ok]]") })).text();
    const log = await upstreamLog();
    const calls = log.filter((e) => e.path.startsWith("/api/v1/chat/completions"));
    expect(calls.length).toBeGreaterThan(0);
    for (const entry of log) {
      const { authorization, ...otherHeaders } = entry.headers;
      if (entry.path.startsWith("/api/v1/chat/completions")) expect(authorization).toBe(`Bearer ${E2E_OPENROUTER_KEY}`);
      expect(JSON.stringify(otherHeaders)).not.toContain(E2E_OPENROUTER_KEY);
      expect(JSON.stringify(entry.body ?? "")).not.toContain(E2E_OPENROUTER_KEY);
    }
    await client.close();
  });
});

test("every /api route but auth and health answers 401 JSON without a session", async ({ playwright }) => {
  const anonymous = await playwright.request.newContext({ baseURL: process.env.SB_E2E_URL });
  for (const [method, path] of [
    ["GET", "/api/models"],
    ["GET", "/api/me/preferences"],
    ["POST", "/api/chat"],
    ["GET", "/api/chat/abcdefgh123/stream"],
    ["POST", "/api/chat/abcdefgh123/stop"],
    ["GET", "/api/conversations"],
    ["GET", "/api/spend"],
    ["GET", "/api/anything-new"],
  ] as const) {
    const response = await anonymous.fetch(path, { method });
    expect(response.status(), `${method} ${path}`).toBe(401);
    expect((await response.json()).error.code).toBe("unauthorized:auth");
  }
  expect((await anonymous.get("/api/health")).status()).toBe(200);
  await anonymous.dispose();
});
