// Browser events the chat announces to the rest of the app (the sidebar listens).

/** Fired on `window` when a conversation appears, gets a title or a new answer. */
export const CONVERSATIONS_CHANGED_EVENT = "switchboard:conversations-changed";

export type ConversationsChangedDetail = { id: string; title?: string };

export function announceConversationsChanged(detail: ConversationsChangedDetail): void {
  if (typeof window === "undefined") return;
  window.dispatchEvent(new CustomEvent<ConversationsChangedDetail>(CONVERSATIONS_CHANGED_EVENT, { detail }));
}
