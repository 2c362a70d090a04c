import { requireUser } from "@/lib/auth";
import { attachmentNotFound, attachmentResponse } from "@/lib/attachments/serve";
import { route } from "@/lib/http";
import { readPathId } from "@/lib/http/params";

export const dynamic = "force-dynamic";

type Context = { params: Promise<{ id: string }> };

// GET /api/attachments/:id[?download=1]   the owner's file; 404 for anyone else
export const GET = route(async (request: Request, context: Context) => {
  const user = await requireUser();
  const id = await readPathId(context.params, attachmentNotFound);
  return attachmentResponse(user.id, id, request);
});
