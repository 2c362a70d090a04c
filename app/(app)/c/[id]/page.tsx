import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { Chat } from "@/components/chat/chat";
import { prerenderAnswers } from "@/components/chat/markdown/markdown-server";
import { INITIAL_WINDOW } from "@/components/chat/window";
import { loadEarlierMessagesAction } from "./actions";
import { requireUser } from "@/lib/auth";
import { idSchema } from "@/lib/chat/types";
import { getModelPreferences } from "@/lib/db/preferences";
import { getEnv } from "@/lib/env";
import { loadConversationView } from "@/lib/history/view";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Chat" };

export default async function ConversationPage({ params }: { params: Promise<{ id: string }> }) {
  const user = await requireUser();
  const { id } = await params;
  if (!idSchema.safeParse(id).success) notFound();
  // The latest messages only: older ones are paged in as the user scrolls up.
  const view = await loadConversationView(user.id, id, INITIAL_WINDOW);
  if (!view) notFound();
  const { defaultModel } = await getModelPreferences(user.id, getEnv().SWITCHBOARD_DEFAULT_MODEL);
  // The answers on screen at first arrive as rendered Markdown: the browser does not need the
  // Markdown and highlighting code to show them.
  const prerendered = prerenderAnswers(view.messages);
  return (
    <Chat key={view.id} initial={view} isNew={false} defaultModel={defaultModel} prerendered={prerendered} loadEarlier={loadEarlierMessagesAction} />
  );
}
