// The history API's wire shapes. Client-safe: the sidebar and the account page import these.

/** One row of the sidebar. Dates are ISO strings. */
export type ConversationListItem = {
  id: string;
  title: string;
  model: string;
  pinned: boolean;
  createdAt: string;
  lastMessageAt: string;
};

/** `GET /api/conversations?cursor=&limit=` */
export type ConversationPage = {
  items: ConversationListItem[];
  /** Opaque; pass back as `cursor` for the next page. Null on the last page. */
  nextCursor: string | null;
};

/**
 * Text with hits marked as [start, end) UTF-16 offsets into `text`. The client wraps those
 * ranges in <mark> as text nodes: no HTML ever travels, so a snippet cannot inject any.
 */
export type HighlightedText = {
  text: string;
  highlights: [number, number][];
};

export type SearchResult = {
  conversationId: string;
  title: HighlightedText;
  /** The best-matching message, or null when only the title matched. */
  messageId: string | null;
  role: "user" | "assistant" | null;
  /** Around the first hit in that message. */
  snippet: HighlightedText | null;
  /** The message's time, or the conversation's last activity for a title match. ISO. */
  at: string;
  pinned: boolean;
};

/** `GET /api/conversations?q=` */
export type SearchResponse = {
  query: string;
  results: SearchResult[];
};

/** `PATCH /api/conversations/:id` answers with the updated row. */
export type ConversationPatchResponse = { conversation: ConversationListItem };

/** `POST /api/account/import` */
export type ImportResponse = {
  imported: { conversations: number; messages: number };
  conversations: { id: string; title: string }[];
};

/** The window event the chat UI dispatches when it creates or retitles a conversation. */
export const CONVERSATIONS_CHANGED_EVENT = "switchboard:conversations-changed";
