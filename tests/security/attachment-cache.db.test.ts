// A deleted attachment must not live on in the browser's cache: its response may be stored but is
// revalidated on every use (a 304 while the file is unchanged, a 404 once it is gone). Real
// database and route; only the session is stood in for.
import { describe, expect, it, vi } from "vitest";
import { deleteOwnedAttachments } from "@/lib/attachments/store";
import { pngDataUrl } from "@/local-openrouter/text";
import { APP, sessionMock, signInAs } from "@/tests/helpers/routes";
import { makeUser } from "@/tests/helpers/users";

vi.mock("@/lib/auth", () => sessionMock());

const PNG = new Uint8Array(Buffer.from(pngDataUrl(0x225588).split(",")[1], "base64"));

async function get(id: string, headers: Record<string, string> = {}): Promise<Response> {
  const { GET } = await import("@/app/api/attachments/[id]/route");
  return GET(new Request(`${APP}/api/attachments/${id}`, { headers }), { params: Promise.resolve({ id }) });
}

async function uploadPng(): Promise<string> {
  const { POST } = await import("@/app/api/attachments/route");
  const response = await POST(
    new Request(`${APP}/api/attachments`, {
      method: "POST",
      body: PNG,
      headers: { host: "app.test", "content-type": "application/octet-stream", "x-filename": "photo.png" },
    }),
    undefined,
  );
  expect(response.status).toBe(201);
  return ((await response.json()) as { attachments: { id: string }[] }).attachments[0].id;
}

/** Whether a cache may answer from its stored copy without asking the server first. */
function servedWithoutAsking(cacheControl: string): boolean {
  const directives = cacheControl.split(",").map((d) => d.trim().toLowerCase());
  if (directives.includes("no-store") || directives.includes("no-cache")) return false;
  const maxAge = directives.find((d) => d.startsWith("max-age="));
  return maxAge !== undefined && Number(maxAge.slice("max-age=".length)) > 0;
}

describe("GET /api/attachments/:id caching", () => {
  it("is private and revalidated on every use: 304 while unchanged, 404 once deleted", async () => {
    const owner = await makeUser("attachment-cache");
    signInAs(owner);
    const id = await uploadPng();

    const first = await get(id);
    expect(first.status).toBe(200);
    const cacheControl = first.headers.get("cache-control") ?? "";
    expect(cacheControl).toMatch(/\bprivate\b/);
    expect(servedWithoutAsking(cacheControl), cacheControl).toBe(false);
    const etag = first.headers.get("etag");
    expect(etag).toMatch(/^"[0-9a-f]{64}"$/);
    expect(new Uint8Array(await first.arrayBuffer())).toEqual(PNG);

    // The browser's revalidation of its stored copy.
    const unchanged = await get(id, { "if-none-match": etag! });
    expect(unchanged.status).toBe(304);
    expect(await unchanged.text()).toBe("");
    expect(unchanged.headers.get("etag")).toBe(etag);
    expect(unchanged.headers.get("cache-control")).toBe(cacheControl);
    expect((await get(id, { "if-none-match": `"other", W/${etag}` })).status).toBe(304);
    expect((await get(id, { "if-none-match": '"something-else"' })).status).toBe(200);

    // Someone else revalidating with the right ETag learns nothing.
    signInAs(await makeUser("attachment-cache-other"));
    expect((await get(id, { "if-none-match": etag! })).status).toBe(404);

    signInAs(owner);
    await deleteOwnedAttachments(owner.id, [id]);
    const gone = await get(id, { "if-none-match": etag! });
    expect(gone.status).toBe(404);
    expect(await gone.text()).toContain("not_found:attachment");
  });
});
