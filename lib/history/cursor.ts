import "server-only";
import { z } from "zod";
import type { ListKey } from "@/lib/db/conversation-list";
import { AppError } from "@/lib/errors";

// The list cursor is the last row's sort key, opaque to the client: base64url of
// [pinned 0|1, lastMessageAt in epoch ms, id].

const decoded = z.tuple([z.union([z.literal(0), z.literal(1)]), z.number().int().min(0).max(8.64e15), z.string().min(1).max(64)]);

export function encodeCursor(key: ListKey): string {
  return Buffer.from(JSON.stringify([key.pinned ? 1 : 0, key.lastMessageAt.getTime(), key.id])).toString("base64url");
}

export function decodeCursor(cursor: string): ListKey {
  try {
    const [pinned, ms, id] = decoded.parse(JSON.parse(Buffer.from(cursor, "base64url").toString("utf8")));
    return { pinned: pinned === 1, lastMessageAt: new Date(ms), id };
  } catch {
    throw new AppError("bad_request:cursor", "The page cursor is not valid. Reload the list.");
  }
}
