// A kept request and its answer, as its owner reads it over JSON. Client-safe.

export type ApiLogView = {
  id: string;
  /** ISO time the request arrived. */
  createdAt: string;
  /** "chat.completions" | "embeddings" */
  endpoint: string;
  model: string;
  generationId: string | null;
  /** The HTTP status the caller got. */
  status: number;
  /** The request body as the API received it. */
  request: unknown;
  /** The answer: the JSON body, or for a stream the assembled message; null when there was none. */
  response: unknown;
};

export type ApiLogPage = {
  logs: ApiLogView[];
  /** Pass back as `?cursor=` for the next (older) page; null on the last page. */
  nextCursor: string | null;
};

/** Entries per page of a key's log. */
export const API_LOG_PAGE_SIZE = 20;
