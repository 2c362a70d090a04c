import { describe, expect, it } from "vitest";
import type { ChatUIMessage } from "@/lib/chat/types";
import { answerApprovals, DENIED_BY_USER, pendingApprovalIds } from "./approvals";

type Part = ChatUIMessage["parts"][number];

const waiting = (id: string, approvalId: string): Part =>
  ({
    type: "tool-files__delete",
    toolCallId: id,
    state: "approval-requested",
    input: { path: "/x" },
    approval: { id: approvalId },
  }) as unknown as Part;

const parts: Part[] = [
  { type: "step-start" },
  { type: "text", text: "Deleting.", state: "done" },
  waiting("call-1", "ap-1"),
  waiting("call-2", "ap-2"),
];

describe("answering an answer's tool approval requests", () => {
  it("writes each answer into its call; a denial without words gets the refusal the model reads", () => {
    expect(pendingApprovalIds(parts)).toEqual(["ap-1", "ap-2"]);
    const answered = answerApprovals(parts, [
      { id: "ap-2", approved: false },
      { id: "ap-1", approved: true },
    ]);
    expect(answered.slice(0, 2)).toEqual(parts.slice(0, 2));
    expect(answered[2]).toMatchObject({ toolCallId: "call-1", state: "approval-responded", approval: { id: "ap-1", approved: true } });
    expect(answered[3]).toMatchObject({
      toolCallId: "call-2",
      state: "approval-responded",
      approval: { id: "ap-2", approved: false, reason: DENIED_BY_USER },
    });
    expect(pendingApprovalIds(answered)).toEqual([]);
  });

  it("refuses an answer to nothing, one given twice, or a call left unanswered", () => {
    expect(() => answerApprovals(parts, [{ id: "ap-9", approved: true }])).toThrow(expect.objectContaining({ code: "bad_request:chat" }));
    expect(() =>
      answerApprovals(parts, [
        { id: "ap-1", approved: true },
        { id: "ap-1", approved: false },
      ]),
    ).toThrow(expect.objectContaining({ code: "bad_request:chat" }));
    expect(() => answerApprovals(parts, [{ id: "ap-1", approved: true }])).toThrow(expect.objectContaining({ code: "bad_request:chat" }));
  });

  it("an answer to calls answered before is a conflict: sent twice, it runs nothing twice", () => {
    const answered = answerApprovals(parts, [
      { id: "ap-1", approved: true },
      { id: "ap-2", approved: true },
    ]);
    expect(() => answerApprovals(answered, [{ id: "ap-1", approved: true }])).toThrow(expect.objectContaining({ code: "conflict:message" }));
  });
});
