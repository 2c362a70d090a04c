import "server-only";
import type { z } from "zod";
import { parseWith } from "@/lib/http";

/** A route's query string, validated (repeated keys: the first wins). */
export function readSpendQuery<S extends z.ZodType>(request: Request, schema: S, surface: string): z.infer<S> {
  const params = new URL(request.url).searchParams;
  const raw: Record<string, string> = {};
  for (const [key, value] of params) if (!(key in raw)) raw[key] = value;
  return parseWith(schema, raw, surface);
}
