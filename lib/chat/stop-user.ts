import "server-only";
import { listStreamingAnswersOfUser } from "@/lib/db/messages";
import { stopConversation } from "./streams";

/**
 * Stops every answer the user has in flight, on this instance or (through Redis) another, and
 * waits briefly for each stopped answer here to be saved. A stopped answer is saved and billed as
 * any stopped answer is: partial, its generation metered and settled, so nothing it cost is lost.
 * Called when an admin disables the account: revoking its sessions refuses new requests, but an
 * answer already streaming runs on the server, with no request of the user's left to refuse.
 */
export async function stopAllAnswersOfUser(userId: string): Promise<number> {
  const answers = await listStreamingAnswersOfUser(userId);
  const byConversation = new Map<string, string[]>();
  for (const { conversationId, messageId } of answers) byConversation.set(conversationId, [...(byConversation.get(conversationId) ?? []), messageId]);
  const stopped = await Promise.all([...byConversation].map(([conversationId, messageIds]) => stopConversation(conversationId, userId, messageIds)));
  return stopped.filter(Boolean).length;
}
