import { requireUser } from "@/lib/auth";
import { readUploadFiles, storeUploads } from "@/lib/attachments/upload";
import { assertSameOrigin, json, route } from "@/lib/http";

export const dynamic = "force-dynamic";

// POST /api/attachments   multipart/form-data (one or more files) or a raw body (X-Filename)
//                         → 201 { attachments: [{ id, mediaType, filename, size, url, kind, createdAt }] }
export const POST = route(async (request) => {
  const user = await requireUser();
  assertSameOrigin(request);
  const files = await readUploadFiles(request);
  const attachments = await storeUploads(user.id, files);
  return json({ attachments }, { status: 201 });
});
