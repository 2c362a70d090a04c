"use client";

// One column of a comparison as live state: the saved (or placeholder) answer, reattached to its
// stream while the server writes it, with its own stop and retry. The AI SDK's Chat does the
// stream parsing (loaded on demand, as for the main chat); the column renders `engine.EngineState`
// once it is loaded, which reports the engine's state here through useChat.
import { useCallback, useEffect, useRef, useState } from "react";
import type { ChatStatus } from "ai";
import type { ChatUIMessage } from "@/lib/chat/types";
import type { EngineSnapshot, LoadedEngine, RequestBody } from "@/components/chat/engine/chat-engine";
import { loadChatEngine } from "@/components/chat/engine/load-engine";
import { stopAnswer } from "@/components/chat/engine/stop-answer";

/** Renders per second while streaming, as the main chat (each column is its own stream). */
export const COLUMN_THROTTLE_MS = 100;

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
  /** The column's engine once loaded: render its EngineState with `onEngineChange`. */
  engine: LoadedEngine | null;
  onEngineChange: (snapshot: EngineSnapshot) => void;
};

export function useColumnStream({ conversationId, message: initial, live, onFinish }: Options): ColumnStream {
  const [message, setMessage] = useState(initial);
  const [status, setStatus] = useState<ChatStatus>(live ? "submitted" : "ready");
  const [error, setError] = useState<Error | undefined>(undefined);
  const [stopped, setStopped] = useState(false);
  const [engine, setEngine] = useState<LoadedEngine | null>(null);
  const engineRef = useRef<LoadedEngine | null>(null);
  const finished = useRef(onFinish);
  useEffect(() => {
    finished.current = onFinish;
  }, [onFinish]);

  // A newer saved copy (the list refreshed after the stream ended) replaces ours while idle.
  useEffect(() => {
    if (!engineRef.current || engineRef.current.chat.status === "ready") setMessage(initial);
  }, [initial]);

  const load = useCallback(async (): Promise<LoadedEngine> => {
    if (engineRef.current) return engineRef.current;
    const { createColumnEngine, EngineState } = await loadChatEngine();
    // The stream replays the answer from its first chunk: start from an empty copy of it.
    const chat = createColumnEngine({
      conversationId,
      message: { ...initial, parts: [] },
      onFinish: ({ message: done }) => finished.current(done),
    });
    engineRef.current = { chat, EngineState };
    setEngine(engineRef.current);
    return engineRef.current;
  }, [conversationId, initial]);

  // Only what changes in the engine is taken: its first state (an empty copy, not resumed yet)
  // would blank the column and end its "streaming" before the stream is even reattached.
  const seen = useRef<EngineSnapshot | null>(null);
  const onEngineChange = useCallback((next: EngineSnapshot) => {
    const previous = seen.current;
    seen.current = next;
    const statusChanged = previous ? previous.status !== next.status : next.status !== "ready";
    if (statusChanged) setStatus(next.status);
    const ended = statusChanged && (next.status === "ready" || next.status === "error");
    if (previous && (previous.messages !== next.messages || ended)) {
      const last = next.messages.at(-1);
      if (last?.role === "assistant") setMessage(last);
    }
    if (previous ? previous.error !== next.error : next.error !== undefined) setError(next.error);
  }, []);

  // Reattach to the answer being written (once, at mount).
  const resumed = useRef(false);
  useEffect(() => {
    if (!live || resumed.current) return;
    resumed.current = true;
    load()
      .then(({ chat }) => chat.resumeStream())
      .catch((reason: unknown) => setError(reason instanceof Error ? reason : new Error(String(reason))))
      .finally(() => setStatus((s) => (s === "submitted" ? (engineRef.current?.chat.status ?? "ready") : s)));
  }, [live, load]);

  // Leaving the page ends this tab's connection only (the server finishes the answer anyway).
  useEffect(() => () => void engineRef.current?.chat.stop(), []);

  const stop = useCallback(() => {
    setStopped(true);
    const id = engineRef.current?.chat.messages.at(-1)?.id ?? initial.id;
    void stopAnswer(conversationId, id, () => engineRef.current?.chat ?? null);
  }, [conversationId, initial.id]);

  const retry = useCallback(
    (body: RequestBody) => {
      setStopped(false);
      setError(undefined);
      void load()
        .then(({ chat }) => chat.regenerate({ messageId: chat.messages.at(-1)?.id ?? initial.id, body }))
        .catch((reason: unknown) => setError(reason instanceof Error ? reason : new Error(String(reason))));
    },
    [load, initial.id],
  );

  return { message, streaming: status === "submitted" || status === "streaming", stopped, error, stop, retry, engine, onEngineChange };
}
