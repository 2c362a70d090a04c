import "server-only";
import { parseWith } from "@/lib/http";
import type { z } from "zod";
import { conversationNotFound } from "@/lib/errors";
import { routeParamsSchema } from "./schemas";

// Small steps the history routes share.

/** The query string as an object, validated. */
export function readQuery<S extends z.ZodType>(request: Request, schema: S, surface = "api"): z.infer<S> {
  return parseWith(schema, Object.fromEntries(new URL(request.url).searchParams), surface);
}

/** The `[id]` segment; an id that cannot exist is simply not found (404), like anyone else's. */
export async function readConversationId(context: { params: Promise<{ id: string }> }): Promise<string> {
  const parsed = routeParamsSchema.safeParse(await context.params);
  if (!parsed.success) throw conversationNotFound();
  return parsed.data.id;
}
