import "server-only";
import type { z } from "zod";
import { idSchema } from "@/lib/chat/types";
import { conversationNotFound, type AppError } from "@/lib/errors";
import { parseWith } from "./index";

// The one way route handlers read what the URL carries. A resource's id in the path that could
// not exist (malformed) is answered like one that does not exist or is someone else's: 404, so
// an id cannot be probed. A query string is input: a value it refuses is a 400.

type PathParams = Promise<{ id: string }>;

/** The `[id]` segment, or `notFound()` when it is not an id at all. */
export async function readPathId(params: PathParams, notFound: () => AppError): Promise<string> {
  const parsed = idSchema.safeParse((await params).id);
  if (!parsed.success) throw notFound();
  return parsed.data;
}

/** The `[id]` segment naming a conversation: `not_found:conversation` when malformed. */
export function readConversationId(params: PathParams): Promise<string> {
  return readPathId(params, conversationNotFound);
}

/** The query string, validated; a parameter given twice counts once, the first time. */
export function readQuery<S extends z.ZodType>(request: Request, schema: S, surface = "api"): z.infer<S> {
  const raw: Record<string, string> = {};
  for (const [key, value] of new URL(request.url).searchParams) if (!(key in raw)) raw[key] = value;
  return parseWith(schema, raw, surface);
}
