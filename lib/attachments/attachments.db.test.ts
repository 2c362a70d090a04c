// Attachments through their routes: upload (multipart and raw), type from the bytes, limits,
// serving only to the owner with headers that keep the file a file. Real database.
import { describe, expect, it, vi } from "vitest";
import { pngDataUrl } from "@/local-openrouter/text";
import { makeUser } from "@/tests/helpers/users";
import { APP, sessionMock, signInAs } from "@/tests/helpers/routes";
import { sniffMediaType } from "./sniff";

vi.mock("@/lib/auth", () => sessionMock());

export const PNG = new Uint8Array(Buffer.from(pngDataUrl(0x336699).split(",")[1], "base64"));
export const PDF = new Uint8Array(Buffer.from("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"));
const JPEG = new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 0, 16, 0x4a, 0x46, 0x49, 0x46, 0]);
const GIF = new Uint8Array(Buffer.from("GIF89a\x01\x00\x01\x00\x00\x00\x00;", "latin1"));
const WEBP = new Uint8Array(Buffer.concat([Buffer.from("RIFF"), Buffer.from([26, 0, 0, 0]), Buffer.from("WEBPVP8 ")]));

async function upload(body: BodyInit, headers: Record<string, string> = {}, query = ""): Promise<Response> {
  const { POST } = await import("@/app/api/attachments/route");
  return POST(new Request(`${APP}/api/attachments${query}`, { method: "POST", body, headers: { host: "app.test", ...headers } }), undefined);
}

async function get(id: string, query = ""): Promise<Response> {
  const { GET } = await import("@/app/api/attachments/[id]/route");
  return GET(new Request(`${APP}/api/attachments/${id}${query}`), { params: Promise.resolve({ id }) });
}

function form(files: { bytes: Uint8Array; name: string; type?: string }[]): FormData {
  const data = new FormData();
  for (const f of files) data.append("file", new Blob([new Uint8Array(f.bytes)], { type: f.type ?? "application/octet-stream" }), f.name);
  return data;
}

describe("sniffing", () => {
  it("knows PNG, JPEG, WebP, GIF and PDF by their bytes, nothing else", () => {
    expect(sniffMediaType(PNG)).toBe("image/png");
    expect(sniffMediaType(JPEG)).toBe("image/jpeg");
    expect(sniffMediaType(WEBP)).toBe("image/webp");
    expect(sniffMediaType(GIF)).toBe("image/gif");
    expect(sniffMediaType(PDF)).toBe("application/pdf");
    expect(sniffMediaType(new Uint8Array(Buffer.from("<html><script>alert(1)</script>")))).toBeNull();
    expect(sniffMediaType(new Uint8Array(Buffer.from("RIFF\x00\x00\x00\x00WAVE", "latin1")))).toBeNull();
    expect(sniffMediaType(new Uint8Array())).toBeNull();
  });
});

describe("POST /api/attachments", () => {
  it("stores a multipart upload typed from its bytes, whatever its name and declared type say", async () => {
    const user = await makeUser();
    signInAs(user);
    const response = await upload(
      form([
        { bytes: PNG, name: "holiday.pdf", type: "application/pdf" },
        { bytes: PDF, name: "notes", type: "image/png" },
      ]),
    );
    expect(response.status).toBe(201);
    const { attachments } = (await response.json()) as {
      attachments: { id: string; mediaType: string; filename: string; size: number; url: string }[];
    };
    expect(attachments.map((a) => [a.mediaType, a.filename, a.size])).toEqual([
      ["image/png", "holiday.png", PNG.byteLength],
      ["application/pdf", "notes.pdf", PDF.byteLength],
    ]);
    expect(attachments[0].url).toBe(`/api/attachments/${attachments[0].id}`);
  });

  it("takes a raw body with X-Filename", async () => {
    signInAs(await makeUser());
    const response = await upload(new Uint8Array(GIF), { "x-filename": encodeURIComponent('../../ünïcode "evil".gif'), "content-type": "image/gif" });
    expect(response.status).toBe(201);
    const { attachments } = (await response.json()) as { attachments: { filename: string; mediaType: string }[] };
    expect(attachments[0]).toMatchObject({ mediaType: "image/gif", filename: "ünïcode evil.gif" });
    const { cleanFilename } = await import("./store");
    expect(cleanFilename("C:\\Users\\x\\<script>.png", "image/png")).toBe("script.png");
    expect(cleanFilename("", "application/pdf")).toBe("document.pdf");
  });

  it("refuses content that is not an accepted type (415, stable code), an empty file (400), a cross-site origin (403)", async () => {
    signInAs(await makeUser());
    const html = await upload(form([{ bytes: new Uint8Array(Buffer.from("<svg onload=alert(1)>")), name: "cat.png", type: "image/png" }]));
    expect(html.status).toBe(415);
    expect(((await html.json()) as { error: { code: string; message: string } }).error).toMatchObject({ code: "unsupported_media:attachment" });
    const empty = await upload(new Uint8Array(), { "x-filename": "a.png" });
    expect(empty.status).toBe(400);
    expect(((await empty.json()) as { error: { code: string } }).error.code).toBe("bad_request:attachment");
    const csrf = await upload(new Uint8Array(PNG), { origin: "https://evil.example" });
    expect(csrf.status).toBe(403);
  });

  it("answers 413 with the limit over the size limit and over the count limit, storing nothing", async () => {
    const user = await makeUser();
    signInAs(user);
    const { getEnv } = await import("@/lib/env");
    const { SWITCHBOARD_ATTACHMENT_MAX_BYTES: max, SWITCHBOARD_ATTACHMENTS_PER_MESSAGE: count } = getEnv();
    const big = new Uint8Array(max + 1);
    big.set(PNG);
    const raw = await upload(big, { "x-filename": "big.png" });
    expect(raw.status).toBe(413);
    const body = (await raw.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe("payload_too_large:attachment");
    expect(body.error.message).toContain("big.png");
    expect(body.error.message).toContain("MB limit");
    const multi = await upload(form([{ bytes: big, name: "big.png" }]));
    expect(multi.status).toBe(413);
    const many = await upload(form(Array.from({ length: count + 1 }, (_, i) => ({ bytes: PNG, name: `p${i}.png` }))));
    expect(many.status).toBe(413);
    expect(((await many.json()) as { error: { code: string } }).error.code).toBe("payload_too_large:attachments");
    const { getDb } = await import("@/lib/db");
    expect(await (await getDb()).attachment.count({ where: { userId: user.id } })).toBe(0);
  });
});

describe("GET /api/attachments/:id", () => {
  it("serves the owner's file with its sniffed type, nosniff, a sandbox CSP and a disposition", async () => {
    const owner = await makeUser("owner");
    signInAs(owner);
    const { attachments } = (await (
      await upload(
        form([
          { bytes: PNG, name: "p.png" },
          { bytes: PDF, name: "d.pdf" },
        ]),
      )
    ).json()) as {
      attachments: { id: string }[];
    };
    const image = await get(attachments[0].id);
    expect(image.status).toBe(200);
    expect(image.headers.get("content-type")).toBe("image/png");
    expect(image.headers.get("x-content-type-options")).toBe("nosniff");
    expect(image.headers.get("content-security-policy")).toMatch(/^sandbox;/);
    expect(image.headers.get("content-disposition")).toMatch(/^inline; filename="p.png"/);
    expect(new Uint8Array(await image.arrayBuffer())).toEqual(PNG);
    expect((await get(attachments[0].id, "?download=1")).headers.get("content-disposition")).toMatch(/^attachment;/);
    const pdf = await get(attachments[1].id);
    expect(pdf.headers.get("content-type")).toBe("application/pdf");
    expect(pdf.headers.get("content-disposition")).toMatch(/^attachment;/);
  });

  it("answers 404 to anyone else, and the same 404 for made-up and malformed ids", async () => {
    const owner = await makeUser("owner");
    signInAs(owner);
    const { attachments } = (await (await upload(form([{ bytes: PNG, name: "p.png" }]))).json()) as { attachments: { id: string }[] };
    signInAs(await makeUser("other"));
    for (const [id, query] of [
      [attachments[0].id, ""],
      [attachments[0].id, "?download=1"],
      ["AAAAAAAAAAAAAAAAAAAA", ""],
      ["../../etc/passwd", ""],
      [`${attachments[0].id}%00`, ""],
    ]) {
      const response = await get(id, query);
      expect(response.status, id).toBe(404);
      const body = await response.text();
      expect(body).toContain("not_found:attachment");
      expect(body).not.toContain("PNG");
    }
    signInAs(null);
    expect((await get(attachments[0].id)).status).toBe(401);
  });
});

describe("deleting", () => {
  it("an account deletes its files; uploads never sent are removed after a day", async () => {
    const user = await makeUser("leaving");
    signInAs(user);
    const { attachments } = (await (await upload(form([{ bytes: PNG, name: "p.png" }]))).json()) as { attachments: { id: string }[] };
    const { getDb } = await import("@/lib/db");
    const db = await getDb();
    await db.attachment.update({ where: { id: attachments[0].id }, data: { createdAt: new Date(Date.now() - 2 * 86_400_000) } });
    // The next upload sweeps the abandoned one.
    const next = (await (await upload(form([{ bytes: PDF, name: "d.pdf" }]))).json()) as { attachments: { id: string }[] };
    expect(await db.attachment.count({ where: { id: attachments[0].id } })).toBe(0);
    expect(await db.attachment.count({ where: { id: next.attachments[0].id } })).toBe(1);
    await db.user.delete({ where: { id: user.id } });
    expect(await db.attachment.count({ where: { userId: user.id } })).toBe(0);
  });
});
