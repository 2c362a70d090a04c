import { requireUser } from "@/lib/auth";
import { attachmentResponse } from "@/lib/attachments/serve";
import { route } from "@/lib/http";

export const dynamic = "force-dynamic";

type Context = { params: Promise<{ id: string }> };

// GET /api/attachments/:id[?download=1]   the owner's file; 404 for anyone else
export const GET = route(async (request: Request, context: Context) => {
  const user = await requireUser();
  const { id } = await context.params;
  return attachmentResponse(user.id, id, request);
});
