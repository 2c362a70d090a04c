// The import's limits: the message cap before any work, the rate limit, imported files held to
// the attachment size limit and the storage quota (as uploads are), and the writes in slices
// that leave the database and the event loop to other requests. Real database.
import { beforeAll, describe, expect, it, vi } from "vitest";
import { pngDataUrl } from "@/local-openrouter/text";
import { storeUploads } from "@/lib/attachments/upload";
import { createAttachmentWithinQuota, usedStorageBytes } from "@/lib/attachments/quota";
import { getDatabase, getDb } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { APP, sessionMock, signInAs } from "@/tests/helpers/routes";
import { makeUser } from "@/tests/helpers/users";
import { checkImportFile, IMPORT_RATE, importForUser, readImportFile, type ImportFile } from "./import";
import { listConversations } from "./list";

vi.mock("@/lib/auth", () => sessionMock());

// Read by the upload route's quota; set before the environment is first read.
const QUOTA = 2 * 1024 * 1024;
process.env.SWITCHBOARD_STORAGE_QUOTA_BYTES = String(QUOTA);

const PNG = Buffer.from(pngDataUrl(0x336699).split(",")[1]!, "base64");
/** A valid PNG of about `size` bytes: the small image with bytes after its end (sniffed by its header). */
const pngOf = (size: number) => new Uint8Array(Buffer.concat([PNG, Buffer.alloc(Math.max(0, size - PNG.byteLength), 7)]));

function exportFile(conversations: number, messagesEach: number, attachments: { size: number; name?: string }[] = []): Record<string, unknown> {
  return {
    format: "switchboard-export",
    version: 1,
    conversations: Array.from({ length: conversations }, (_, c) => ({
      title: `chat ${c}`,
      model: "openai/gpt-4o-mini",
      messages: Array.from({ length: messagesEach }, (_, i) => ({
        role: i % 2 ? "assistant" : "user",
        parts: [{ type: "text", text: `message ${c}.${i}` }],
      })),
      ...(c === 0 && attachments.length > 0
        ? {
            attachments: attachments.map((a, i) => ({
              id: `file-${i}-0000`,
              kind: "upload",
              filename: a.name ?? `photo-${i}.png`,
              dataBase64: Buffer.from(pngOf(a.size)).toString("base64"),
            })),
          }
        : {}),
    })),
  };
}

function importRequest(body: string): Request {
  return new Request(`${APP}/api/account/import`, { method: "POST", body, headers: { "content-type": "application/json", host: "app.test" } });
}

async function errorOf(promise: Promise<unknown>): Promise<AppError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AppError);
  return error as AppError;
}

async function stored(userId: string) {
  const db = await getDb();
  return {
    conversations: await db.conversation.count({ where: { userId } }),
    messages: await db.message.count({ where: { conversation: { userId } } }),
    attachments: await db.attachment.count({ where: { userId } }),
  };
}

const nothing = { conversations: 0, messages: 0, attachments: 0 };

beforeAll(async () => {
  await getDb();
});

describe("the message cap", () => {
  it("refuses a file with more messages than the cap from its text, before parsing it, and writes nothing", async () => {
    const user = await makeUser();
    const error = await errorOf(readImportFile(importRequest(JSON.stringify(exportFile(3, 40))), user.id, { maxMessages: 100 }));
    expect(error.code).toBe("payload_too_large:import_messages");
    expect(error.status).toBe(413);
    expect(error.message).toBe(
      "This file has more than 100 messages; one import takes at most 100. Export fewer conversations at a time and import them in turns.",
    );
    expect(await stored(user.id)).toEqual(nothing);
  });

  it("counts exactly once parsed, before any message is checked", async () => {
    // 101 messages, none of them valid: the count refuses the file, not the first bad message.
    const file = exportFile(1, 101) as { conversations: { messages: unknown[] }[] };
    file.conversations[0]!.messages = file.conversations[0]!.messages.map(() => ({ parts: "not a list" }));
    const error = await errorOf(checkImportFile(file, 100));
    expect(error.code).toBe("payload_too_large:import_messages");
    expect(error.details).toEqual({ maxMessages: 100, messages: 101 });
    // At the cap it is read, and each message is checked, with its place named.
    const atCap = await checkImportFile(exportFile(4, 25), 100);
    expect(atCap.conversations.flatMap((c) => c.messages)).toHaveLength(100);
    const bad = await errorOf(
      checkImportFile({ ...file, conversations: [{ ...file.conversations[0], messages: [{ role: "user", parts: [{ type: "text" }] }] }] }, 100),
    );
    expect(bad.code).toBe("bad_request:import");
    expect(bad.message).toBe("conversations.0.messages.0.parts.0: A text part needs text.");
    const noMessages = await errorOf(
      checkImportFile({ format: "switchboard-export", version: 1, conversations: [{ title: "x", model: "m/x" }] }, 100),
    );
    expect(noMessages.message).toMatch(/^conversations\.0\.messages: /);
  });
});

describe("the route", () => {
  it(`allows ${IMPORT_RATE.imports} imports per user per window, not counting invalid files, then answers 429 with Retry-After`, async () => {
    const { POST } = await import("@/app/api/account/import/route");
    const user = await makeUser();
    const other = await makeUser();
    signInAs(user);
    const body = JSON.stringify(exportFile(1, 2));
    for (let i = 0; i < 3; i++) expect((await POST(importRequest('{"format":"switchboard-export"}'), undefined)).status).toBe(400);
    for (let i = 0; i < IMPORT_RATE.imports; i++) expect((await POST(importRequest(body), undefined)).status).toBe(201);
    const refused = await POST(importRequest(body), undefined);
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(IMPORT_RATE.windowMs / 1000 - 60);
    const { error } = (await refused.json()) as { error: { code: string; message: string } };
    expect(error.code).toBe("rate_limited:import");
    expect(error.message).toMatch(/^You can import 5 files \(200 MB in all\) every 10 minutes\. Try again in \d+ min\.$/);
    expect((await stored(user.id)).conversations).toBe(IMPORT_RATE.imports);
    // Counted per user.
    signInAs(other);
    expect((await POST(importRequest(body), undefined)).status).toBe(201);
  });

  it("counts the bytes of every file sent, refused or not, and refuses before reading once they are used up", async () => {
    const user = await makeUser();
    const allowance = { imports: 100, bytes: 3000, windowMs: 60_000 };
    const small = JSON.stringify(exportFile(1, 2));
    const tooMany = JSON.stringify(exportFile(1, 12));
    expect(tooMany.length).toBeLessThan(allowance.bytes);
    // Refused for its count, but its bytes were sent and read.
    expect((await errorOf(readImportFile(importRequest(tooMany), user.id, { maxMessages: 10, allowance }))).code).toBe(
      "payload_too_large:import_messages",
    );
    let read = tooMany.length;
    while (read + small.length <= allowance.bytes) {
      await readImportFile(importRequest(small), user.id, { allowance });
      read += small.length;
    }
    const over = await errorOf(readImportFile(importRequest(small), user.id, { allowance }));
    expect(over.code).toBe("rate_limited:import");
    expect(over.retryAfter).toBeGreaterThan(0);
    // Now at the limit: the next request is refused before its body is read.
    const unread = importRequest(small);
    expect((await errorOf(readImportFile(unread, user.id, { allowance }))).code).toBe("rate_limited:import");
    expect(unread.bodyUsed).toBe(false);
  });

  it("answers 413 with the code and message for too many messages", async () => {
    const { POST } = await import("@/app/api/account/import/route");
    const user = await makeUser();
    signInAs(user);
    const response = await POST(importRequest(JSON.stringify(exportFile(1, 20_001))), undefined);
    expect(response.status).toBe(413);
    const { error } = (await response.json()) as { error: { code: string; message: string } };
    expect(error.code).toBe("payload_too_large:import_messages");
    expect(error.message).toContain("one import takes at most 20000");
    expect(await stored(user.id)).toEqual(nothing);
  });
});

describe("imported files", () => {
  const limits = { attachmentMaxBytes: 64 * 1024, storageQuotaBytes: 256 * 1024 };

  it("refuses the whole import when one file is over the attachment size limit, writing nothing", async () => {
    const user = await makeUser();
    const file = await checkImportFile(exportFile(3, 4, [{ size: 1000 }, { size: 64 * 1024 + 1, name: "huge.png" }]));
    const error = await errorOf(importForUser(user.id, file, limits));
    expect(error.code).toBe("payload_too_large:attachment");
    expect(error.status).toBe(413);
    expect(error.message).toBe("“huge.png” (64 KB) is larger than the 64 KB limit for attachments; nothing was imported.");
    expect(await stored(user.id)).toEqual(nothing);
  });

  it("counts them against the storage quota with what the user has, and keeps those that fit with their conversation", async () => {
    const user = await makeUser();
    await createAttachmentWithinQuota(
      { userId: user.id, kind: "upload", mediaType: "image/png", filename: "mine.png", data: pngOf(150 * 1024) },
      limits.storageQuotaBytes,
    );
    const over = await checkImportFile(exportFile(2, 2, [{ size: 60 * 1024 }, { size: 60 * 1024 }]));
    const error = await errorOf(importForUser(user.id, over, limits));
    expect(error.code).toBe("payload_too_large:storage_quota");
    expect(error.message).toBe(
      "Your attachments would use 270 KB, over your 256 KB storage limit (150 KB in use). Delete conversations with files to make room.",
    );
    expect(await stored(user.id)).toEqual({ ...nothing, attachments: 1 });

    const fits = await checkImportFile(exportFile(2, 2, [{ size: 60 * 1024 }]));
    const result = await importForUser(user.id, fits, limits);
    expect(result.imported).toEqual({ conversations: 2, messages: 4 });
    expect(await usedStorageBytes(user.id)).toBe(210 * 1024);
    const db = await getDb();
    const imported = await db.attachment.findMany({ where: { userId: user.id, filename: "photo-0.png" }, select: { conversationId: true } });
    expect(imported).toEqual([{ conversationId: result.conversations[0]!.id }]);
  });

  it("holds uploads to the quota too, and concurrent writes cannot both take the last room", async () => {
    const user = await makeUser();
    const file = (name: string, size: number) => ({ name, bytes: pngOf(size) });
    await storeUploads(user.id, [file("a.png", QUOTA / 2)]);
    const error = await errorOf(storeUploads(user.id, [file("b.png", QUOTA / 4), file("c.png", QUOTA / 4 + 1)]));
    expect(error.code).toBe("payload_too_large:storage_quota");
    expect(error.status).toBe(413);
    expect(await usedStorageBytes(user.id)).toBe(QUOTA / 2);

    const results = await Promise.allSettled(
      Array.from({ length: 4 }, (_, i) =>
        createAttachmentWithinQuota(
          { userId: user.id, kind: "upload", mediaType: "image/png", filename: `r${i}.png`, data: pngOf(QUOTA / 3) },
          QUOTA,
        ),
      ),
    );
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    expect(await usedStorageBytes(user.id)).toBeLessThanOrEqual(QUOTA);
  });
});

describe("the writes", () => {
  it("leave the database to other requests between slices, and show the conversations only once all are in", async () => {
    const user = await makeUser();
    const file: ImportFile = await checkImportFile(exportFile(20, 100));
    let done = false;
    const importing = importForUser(user.id, file).then((result) => {
      done = true;
      return result;
    });
    // Another request's query, and the user's list, are answered while the import still runs.
    const { sql } = await getDatabase();
    await sql.query("SELECT 1");
    const during = await listConversations(user.id, {});
    const db = await getDb();
    const messagesDuring = await db.message.count({ where: { conversation: { userId: user.id } } });
    expect(done).toBe(false);
    expect(during.items).toEqual([]);
    const result = await importing;
    expect(result.imported).toEqual({ conversations: 20, messages: 2000 });
    expect(messagesDuring).toBeLessThan(2000);
    expect((await listConversations(user.id, { limit: 100 })).items).toHaveLength(20);
  });
});
