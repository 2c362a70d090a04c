import { generateId } from "ai";
import { Chat } from "@/components/chat/chat";
import { requireUser } from "@/lib/auth";
import { getModelPreferences } from "@/lib/db/preferences";
import { getEnv } from "@/lib/env";

export const dynamic = "force-dynamic";

export default async function NewChatPage() {
  const user = await requireUser();
  const { defaultModel } = await getModelPreferences(user.id, getEnv().SWITCHBOARD_DEFAULT_MODEL);
  const id = generateId();
  return (
    <Chat
      key={id}
      isNew
      defaultModel={defaultModel}
      initial={{ id, title: "New chat", model: defaultModel, settings: {}, pinned: false, messages: [], totalCostNano: "0", streaming: false }}
    />
  );
}
