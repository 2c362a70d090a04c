import "server-only";
import type { ChatMessageMetadata, ChatUIMessage } from "@/lib/chat/types";
import type { Db } from "@/lib/db";
import { touchConversation } from "@/lib/db/conversations";
import { updateMessage } from "@/lib/db/messages";
import { releaseReservation } from "@/lib/spend/budget";
import { attachGenerationsToMessage, settleAnswersNow } from "@/lib/spend/ledger";

// Where an answer's row stops being "streaming", whichever way it ends: saved by the instance
// that wrote it (complete, stopped, failed: lib/chat/answer.ts), or found interrupted after its
// writer died — by the orphan reaper from the chunks mirrored in Redis (./orphans.ts), or at
// start by crash recovery from what the row holds (./recovery.ts).

/** What an interrupted answer says, whoever finds it. */
export const INTERRUPTED_ANSWER = {
  code: "interrupted:instance",
  message: "The server stopped while writing this answer; it is kept as far as it was saved.",
} as const;

type Common = {
  messageId: string;
  /** The answer's parts; absent, the row keeps what it has. */
  parts?: ChatUIMessage["parts"];
};

/** Its writer saves the answer (complete, stopped or failed): unconditionally, it is the answer's truth. */
export type SavedAnswer = Common & {
  how: "saved";
  status: "complete" | "partial" | "error";
  /** The footer's figures (and, for the browser, the status). */
  metadata: ChatMessageMetadata;
  /** The model that served the answer. */
  model?: string | null;
  error?: { code: string; message: string } | null;
  /** The answer's generations, linked to its message. */
  generationIds: string[];
  /** Its conversation moves up the sidebar. */
  conversation: { userId: string; id: string };
  /** Freed once the cost is known (a pending cost keeps it until it expires). */
  reservationId: string | null;
};

/**
 * Its writer is gone: the answer is kept as far as it got, only while its row still says
 * streaming (never over an answer that was saved meanwhile), marked partial with the interrupted
 * note, and its generations are due for settlement now (their cost comes from /generation).
 */
export type InterruptedAnswer = Common & {
  how: "interrupted";
  /** Figures known besides the placeholder's (added to them). */
  metadata?: ChatMessageMetadata;
};

/**
 * Ends the answer's row. `db` while the database is still opening (crash recovery). Returns
 * whether the row was written (an interrupted answer may have been finished by someone else).
 */
export async function finishAnswer(end: SavedAnswer | InterruptedAnswer, db?: Db): Promise<boolean> {
  if (end.how === "interrupted") {
    const metadata: ChatMessageMetadata = { ...end.metadata, status: "partial", costPending: true, error: { ...INTERRUPTED_ANSWER } };
    const written = await updateMessage(end.messageId, { parts: end.parts, status: "partial", metadata }, { whileStreaming: true, db });
    await settleAnswersNow([end.messageId], db);
    return written;
  }
  await updateMessage(end.messageId, { parts: end.parts, status: end.status, metadata: end.metadata, model: end.model, error: end.error }, { db });
  await attachGenerationsToMessage(end.generationIds, end.messageId);
  await touchConversation(end.conversation.userId, end.conversation.id);
  // A cost still pending keeps its reservation until the reservation expires.
  if (!end.metadata.costPending) await releaseReservation(end.reservationId);
  return true;
}
