"use client";

// One column of a comparison as live state: the saved (or placeholder) answer, reattached to its
// stream while the server writes it, with its own stop and retry. The AI SDK's Chat does the
// stream parsing (loaded on demand, as for the main chat).
import { useCallback, useEffect, useRef, useState } from "react";
import type { ChatStatus } from "ai";
import type { ChatUIMessage } from "@/lib/chat/types";
import type { ChatEngine, RequestBody } from "@/components/chat/engine/chat-engine";
import { preloadChatEngine } from "@/components/chat/engine/load-engine";
import { stopAnswer } from "@/components/chat/engine/stop-answer";

/** Renders per second while streaming, as the main chat (each column is its own stream). */
const THROTTLE_MS = 100;

type Options = {
  conversationId: string;
  message: ChatUIMessage;
  /** The answer is being written on the server: attach to it at once. */
  live: boolean;
  onFinish: (message: ChatUIMessage) => void;
};

export type ColumnStream = {
  message: ChatUIMessage;
  streaming: boolean;
  stopped: boolean;
  error: Error | undefined;
  stop: () => void;
  retry: (body: RequestBody) => void;
};

export function useColumnStream({ conversationId, message: initial, live, onFinish }: Options): ColumnStream {
  const [message, setMessage] = useState(initial);
  const [status, setStatus] = useState<ChatStatus>(live ? "submitted" : "ready");
  const [error, setError] = useState<Error | undefined>(undefined);
  const [stopped, setStopped] = useState(false);
  const engineRef = useRef<ChatEngine | null>(null);
  const finished = useRef(onFinish);
  useEffect(() => {
    finished.current = onFinish;
  }, [onFinish]);

  // A newer saved copy (the list refreshed after the stream ended) replaces ours while idle.
  useEffect(() => {
    if (!engineRef.current || engineRef.current.status === "ready") setMessage(initial);
  }, [initial]);

  const engine = useCallback(async (): Promise<ChatEngine> => {
    if (engineRef.current) return engineRef.current;
    const { createColumnEngine } = await preloadChatEngine();
    // The stream replays the answer from its first chunk: start from an empty copy of it.
    const chat = createColumnEngine({
      conversationId,
      message: { ...initial, parts: [] },
      onFinish: ({ message: done }) => finished.current(done),
    });
    engineRef.current = chat;
    let timer: number | null = null;
    const publish = () => {
      timer = null;
      const last = chat.messages.at(-1);
      if (last?.role === "assistant") setMessage(last);
    };
    chat["~registerMessagesCallback"](() => {
      timer ??= window.setTimeout(publish, THROTTLE_MS);
    });
    chat["~registerStatusCallback"](() => {
      setStatus(chat.status);
      if (chat.status === "ready" || chat.status === "error") publish();
    });
    chat["~registerErrorCallback"](() => setError(chat.error));
    return chat;
  }, [conversationId, initial]);

  // Reattach to the answer being written (once, at mount).
  const resumed = useRef(false);
  useEffect(() => {
    if (!live || resumed.current) return;
    resumed.current = true;
    engine()
      .then((chat) => chat.resumeStream())
      .catch((reason: unknown) => setError(reason instanceof Error ? reason : new Error(String(reason))))
      .finally(() => setStatus((s) => (s === "submitted" ? (engineRef.current?.status ?? "ready") : s)));
  }, [live, engine]);

  // Leaving the page ends this tab's connection only (the server finishes the answer anyway).
  useEffect(() => () => void engineRef.current?.stop(), []);

  const stop = useCallback(() => {
    setStopped(true);
    const id = engineRef.current?.messages.at(-1)?.id ?? initial.id;
    void stopAnswer(`/api/chat/${encodeURIComponent(conversationId)}/stop?message=${encodeURIComponent(id)}`, () => engineRef.current);
  }, [conversationId, initial.id]);

  const retry = useCallback(
    (body: RequestBody) => {
      setStopped(false);
      setError(undefined);
      void engine()
        .then((chat) => chat.regenerate({ messageId: chat.messages.at(-1)?.id ?? initial.id, body }))
        .catch((reason: unknown) => setError(reason instanceof Error ? reason : new Error(String(reason))));
    },
    [engine, initial.id],
  );

  return { message, streaming: status === "submitted" || status === "streaming", stopped, error, stop, retry };
}
