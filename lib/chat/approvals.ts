import "server-only";
import { isToolUIPart } from "ai";
import type { ChatUIMessage, ToolApprovalAnswer } from "@/lib/chat/types";
import { AppError } from "@/lib/errors";

// Tool calls that wait for the user: the model asked for a tool that needs approval (an admin
// marked it, or its server does not say it only reads), the answer ended with the call's approval
// request saved in its parts (so it survives a reload), and the user's answers come back in a
// request of their own. The answer then goes on (lib/chat/turn.ts, lib/chat/answer.ts): an approved
// call runs, a denied one goes back to the model as a refusal.

type Part = ChatUIMessage["parts"][number];

/** Why a denied call was not run, in the words the model reads when the user gave none. */
export const DENIED_BY_USER = "The user denied this tool call.";

/** The approval ids the answer waits on. */
export function pendingApprovalIds(parts: readonly Part[]): string[] {
  return parts.flatMap((part) => (isToolUIPart(part) && part.state === "approval-requested" ? [part.approval.id] : []));
}

/** The approval ids of calls that were answered already (approved or denied, run or not yet). */
function answeredApprovalIds(parts: readonly Part[]): string[] {
  return parts.flatMap((part) => (isToolUIPart(part) && part.state !== "approval-requested" && part.approval ? [part.approval.id] : []));
}

/**
 * The answer's parts with the user's answers written into its waiting tool calls. Every waiting
 * call must be answered, and only those: an answer to nothing, or a call left unanswered, is
 * refused with nothing changed; an answer to a call answered before is a conflict (sent twice).
 */
export function answerApprovals(parts: readonly Part[], answers: readonly ToolApprovalAnswer[]): Part[] {
  const pending = new Set(pendingApprovalIds(parts));
  const answered = new Set(answeredApprovalIds(parts));
  const byId = new Map<string, ToolApprovalAnswer>();
  for (const answer of answers) {
    if (answered.has(answer.id)) throw new AppError("conflict:message", "These tool calls were already answered.");
    if (!pending.has(answer.id)) throw new AppError("bad_request:chat", `approvals: ${answer.id} is not a tool call waiting for approval.`);
    if (byId.has(answer.id)) throw new AppError("bad_request:chat", `approvals: ${answer.id} is answered twice.`);
    byId.set(answer.id, answer);
  }
  if (byId.size !== pending.size) throw new AppError("bad_request:chat", "approvals: answer every tool call that waits for approval.");
  return parts.map((part) => {
    if (!isToolUIPart(part) || part.state !== "approval-requested") return part;
    const answer = byId.get(part.approval.id)!;
    const reason = answer.approved ? answer.reason : (answer.reason ?? DENIED_BY_USER);
    return { ...part, state: "approval-responded", approval: { ...part.approval, approved: answer.approved, ...(reason ? { reason } : {}) } } as Part;
  });
}
