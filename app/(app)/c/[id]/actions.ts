"use server";

import type { ReactNode } from "react";
import { z } from "zod";
import { prerenderAnswers } from "@/components/chat/markdown/markdown-server";
import { WINDOW_STEP } from "@/components/chat/window";
import { requireUser } from "@/lib/auth";
import { idSchema, type ChatUIMessage } from "@/lib/chat/types";
import { AppError, conversationNotFound, type ErrorBody } from "@/lib/errors";
import { readEarlierMessages } from "@/lib/history/view";

export type EarlierMessages = {
  messages: ChatUIMessage[];
  /** How many are still before these. */
  earlierCount: number;
  /** Their answers' Markdown rendered here, by prerenderKey. */
  prerendered: Record<string, ReactNode>;
  /** Alternative answers of their turns, by question id (see ConversationView). */
  alternatives: Record<string, ChatUIMessage[]>;
};

const inputSchema = z.object({ conversationId: idSchema, beforeMessageId: idSchema });

/**
 * The page of saved messages before `beforeMessageId` (scrolling up a long conversation). Its
 * arguments come from anyone who can POST to the page, so they are checked here; a refusal is
 * returned as the typed error body (a thrown error would reach the caller as a 500).
 */
export async function loadEarlierMessagesAction(conversationId: unknown, beforeMessageId: unknown): Promise<EarlierMessages | ErrorBody> {
  try {
    const user = await requireUser();
    const input = inputSchema.safeParse({ conversationId, beforeMessageId });
    if (!input.success) throw new AppError("bad_request:message_id", "Not a valid message id.");
    const page = await readEarlierMessages(user.id, input.data.conversationId, input.data.beforeMessageId, WINDOW_STEP);
    if (!page) throw conversationNotFound();
    return { ...page, prerendered: prerenderAnswers(page.messages) };
  } catch (error) {
    if (error instanceof AppError && error.status < 500) return error.toBody();
    throw error;
  }
}
