// Logs never carry message text: an upstream moderation refusal (whose body quotes the person's
// message as `flagged_input`) and a broken chunk, driven through real chat turns against the local
// OpenRouter, leave only single-line JSON log lines naming the error by class, code and status —
// and nothing at all on the console. Real database, route and upstream; the session is stood in
// for, and the logger writes into this test instead of stdout.
import { Writable } from "node:stream";
import { generateId } from "ai";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createLogger } from "@/lib/log";
import type { LocalOpenRouter } from "@/local-openrouter";
import { postChatMessage, readUIChunks, sessionMock, signInAs, waitUntilIdle } from "@/tests/helpers/routes";
import { useLocalOpenRouter } from "@/tests/helpers/upstream";
import { makeUser } from "@/tests/helpers/users";

vi.mock("@/lib/auth", () => sessionMock());

let upstream: LocalOpenRouter;
const logged: string[] = [];
const printed: string[] = [];
const restore: (() => void)[] = [];

beforeAll(async () => {
  upstream = await useLocalOpenRouter();
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      logged.push(chunk.toString("utf8"));
      done();
    },
  });
  const holder = globalThis as unknown as { __sbLog?: ReturnType<typeof createLogger> };
  const previous = holder.__sbLog;
  holder.__sbLog = createLogger(sink);
  restore.push(() => (holder.__sbLog = previous));
  // Anything else printed — console, process warnings — is recorded too (and still printed).
  for (const method of ["log", "info", "warn", "error", "debug", "trace"] as const) {
    const spy = vi.spyOn(console, method);
    spy.mockImplementation((...args: unknown[]) => void printed.push(`console.${method}: ${args.map(String).join(" ")}`));
    restore.push(() => spy.mockRestore());
  }
  const onWarning = (warning: Error) => printed.push(`process warning: ${warning.name}: ${warning.message}`);
  process.on("warning", onWarning);
  restore.push(() => process.off("warning", onWarning));
});

afterAll(() => {
  for (const undo of restore.reverse()) undo();
});

/** One message in a new conversation (so its title is generated too), until everything it started is done. */
async function turn(text: string): Promise<string> {
  const conversationId = generateId();
  const from = upstream.log.length;
  const response = await postChatMessage(conversationId, text);
  expect(response.status).toBe(200);
  const chunks = await readUIChunks(response);
  expect(await waitUntilIdle(conversationId)).toBe(true);
  // The title's request goes out alongside or after the answer; its failure is logged when it ends.
  await vi.waitFor(() => expect(upstream.log.slice(from).filter((e) => e.path.includes("/chat/completions")).length).toBeGreaterThanOrEqual(2), {
    timeout: 10_000,
  });
  await vi.waitFor(() => expect(logged.some((l) => l.includes(conversationId) || l.includes("title"))).toBe(true), { timeout: 10_000 });
  await new Promise((resolve) => setTimeout(resolve, 300));
  const error = chunks.find((c) => c.type === "error") as { errorText: string } | undefined;
  return error?.errorText ?? "";
}

function lines(): string[] {
  return logged.flatMap((chunk) => chunk.split("\n")).filter((line) => line !== "");
}

describe("logs of failed upstream calls", () => {
  it("a moderation refusal and a broken chunk leave single-line JSON with codes and statuses only, and no console output", async () => {
    const user = await makeUser("log-hygiene");
    signInAs(user);
    const secret = `PRIVATE${generateId().toUpperCase()}`;

    const refused = await turn(`my confidential words ${secret} [[sb:error status=403]]`);
    expect(refused).toContain("moderation");
    // The local OpenRouter did quote the message back: what the logs must not repeat.
    const quoted = upstream.log.some((e) => JSON.stringify(e).includes(secret));
    expect(quoted).toBe(true);

    // The default answer echoes the message's first words: the chunks before and after the broken
    // one carry the secret too.
    const broken = await turn(`${secret} more words [[sb:malformed after=6 then=close]]`);
    expect(broken).not.toBe("");
    await turn(`${secret} and again [[sb:malformed after=6]]`);

    expect(printed, "printed outside the logger").toEqual([]);
    const all = lines();
    expect(all.length).toBeGreaterThan(3);
    for (const line of all) {
      expect(() => JSON.parse(line), line.slice(0, 200)).not.toThrow();
      expect(line).not.toContain(secret);
      expect(line).not.toContain("flagged_input");
      expect(line).not.toContain("confidential");
    }
    // The failures were logged (so the checks above looked at them), by code and status.
    const failures = all
      .map((l) => JSON.parse(l) as { msg: string; error?: { name: string; status?: number } })
      .filter((l) => l.msg === "the upstream failed during an answer");
    expect(failures.some((f) => f.error?.status === 403)).toBe(true);
    expect(failures.length).toBeGreaterThanOrEqual(2);
  });
});
