"use client";

// useChat's state and actions for one conversation, with the AI SDK loaded only when it is
// needed: at the first sign the user is about to act (focus, typing, a click), when an action is
// taken, or at once when the page must resume an answer in flight. Until then the saved
// messages are shown as they are and the page is fully interactive without it.
import { useCallback, useEffect, useRef, useState } from "react";
import type { ChatStatus, ChatOnDataCallback, ChatOnFinishCallback } from "ai";
import type { ChatUIMessage } from "@/lib/chat/types";
import type { ChatEngine } from "./chat-engine";
import { stopAnswer } from "./stop-answer";

type Snapshot = { messages: ChatUIMessage[]; status: ChatStatus; error: Error | undefined };

type Options = {
  id: string;
  messages: ChatUIMessage[];
  /** An answer is in flight on the server: reattach to it at once. */
  resume: boolean;
  /** Minimum milliseconds between message updates while streaming. */
  throttle: number;
  onData: ChatOnDataCallback<ChatUIMessage>;
  onFinish: ChatOnFinishCallback<ChatUIMessage>;
};

type SendArgs = Parameters<ChatEngine["sendMessage"]>;
type RegenerateArgs = Parameters<ChatEngine["regenerate"]>;

let engineModule: Promise<typeof import("./chat-engine")> | null = null;

/** Fetch the engine's code (no-op once fetched). */
export function preloadChatEngine(): Promise<typeof import("./chat-engine")> {
  engineModule ??= import("./chat-engine").catch((error: unknown) => {
    engineModule = null;
    throw error;
  });
  return engineModule;
}

export function useLazyChat({ id, messages: initialMessages, resume, throttle, onData, onFinish }: Options) {
  const [engine, setEngine] = useState<ChatEngine | null>(null);
  const engineRef = useRef<ChatEngine | null>(null);
  const creating = useRef<Promise<ChatEngine> | null>(null);
  /** Messages before the engine exists (the saved ones, plus older pages loaded since). */
  const [baseMessages, setBaseMessages] = useState(initialMessages);
  const baseRef = useRef(baseMessages);
  /** Actions waiting for the engine's code: shown as "submitted" so nothing is sent twice. */
  const [waiting, setWaiting] = useState(0);
  const [loadError, setLoadError] = useState<Error | undefined>(undefined);
  const [snapshot, setSnapshot] = useState<Snapshot | null>(null);

  const callbacks = useRef({ onData, onFinish });
  useEffect(() => {
    callbacks.current = { onData, onFinish };
  }, [onData, onFinish]);

  const ensure = useCallback((): Promise<ChatEngine> => {
    if (engineRef.current) return Promise.resolve(engineRef.current);
    creating.current ??= preloadChatEngine().then(
      ({ createChatEngine }) => {
        const chat = createChatEngine({
          id,
          messages: baseRef.current,
          onData: (part) => callbacks.current.onData(part),
          onFinish: (event) => callbacks.current.onFinish(event),
        });
        engineRef.current = chat;
        setEngine(chat);
        return chat;
      },
      (error: unknown) => {
        creating.current = null;
        throw error;
      },
    );
    return creating.current;
  }, [id]);

  // Follow the engine's state (messages throttled while streaming, as useChat does).
  useEffect(() => {
    if (!engine) return;
    let live = true;
    let timer: number | null = null;
    let lastRun = 0;
    const read = () => ({ messages: engine.messages, status: engine.status, error: engine.error });
    const publish = () => {
      if (!live) return;
      const next = read();
      setSnapshot((current) =>
        current && current.messages === next.messages && current.status === next.status && current.error === next.error ? current : next,
      );
    };
    const publishThrottled = () => {
      const wait = lastRun + throttle - Date.now();
      if (wait <= 0) {
        lastRun = Date.now();
        publish();
      } else if (timer === null) {
        timer = window.setTimeout(() => {
          timer = null;
          lastRun = Date.now();
          publish();
        }, wait);
      }
    };
    const unsubscribes = [
      engine["~registerMessagesCallback"](publishThrottled),
      engine["~registerStatusCallback"](publish),
      engine["~registerErrorCallback"](publish),
    ];
    publish();
    return () => {
      live = false;
      if (timer !== null) window.clearTimeout(timer);
      unsubscribes.forEach((unsubscribe) => unsubscribe());
    };
  }, [engine, throttle]);

  // Leaving the conversation ends this tab's connection (the server finishes the answer anyway).
  useEffect(() => () => void engineRef.current?.stop(), []);

  // Reattach to an answer in flight.
  useEffect(() => {
    if (!resume) return;
    let cancelled = false;
    ensure()
      .then((chat) => {
        if (!cancelled && chat.status !== "submitted" && chat.status !== "streaming") void chat.resumeStream();
      })
      .catch((error: unknown) => setLoadError(error instanceof Error ? error : new Error(String(error))));
    return () => {
      cancelled = true;
    };
  }, [resume, ensure]);

  /** Run an action on the engine, loading it first when needed. */
  const withEngine = useCallback(
    async <T,>(action: (chat: ChatEngine) => Promise<T>): Promise<T> => {
      if (engineRef.current) return action(engineRef.current);
      setWaiting((n) => n + 1);
      setLoadError(undefined);
      try {
        const chat = await ensure();
        return await action(chat);
      } catch (error) {
        if (!engineRef.current) setLoadError(error instanceof Error ? error : new Error(String(error)));
        throw error;
      } finally {
        setWaiting((n) => n - 1);
      }
    },
    [ensure],
  );

  const sendMessage = useCallback((...args: SendArgs) => withEngine((chat) => chat.sendMessage(...args)), [withEngine]);
  const regenerate = useCallback((...args: RegenerateArgs) => withEngine((chat) => chat.regenerate(...args)), [withEngine]);
  /** Asks the server to stop the answer at `stopPath`, then ends the local stream (see stopAnswer). */
  const stopOnServer = useCallback((stopPath: string) => stopAnswer(stopPath, () => engineRef.current), []);
  const setMessages = useCallback((next: ChatUIMessage[]) => {
    if (engineRef.current) engineRef.current.messages = next;
    else {
      baseRef.current = next;
      setBaseMessages(next);
    }
  }, []);
  /** Put older saved messages in front (paging back through a long conversation). */
  const prependMessages = useCallback((older: ChatUIMessage[]) => {
    if (older.length === 0) return;
    const chat = engineRef.current;
    if (chat) chat.messages = [...older, ...chat.messages];
    else {
      baseRef.current = [...older, ...baseRef.current];
      setBaseMessages(baseRef.current);
    }
  }, []);
  /** Start fetching the engine (the user is about to do something). */
  const preload = useCallback(() => {
    ensure().catch(() => {
      /* retried by the action itself */
    });
  }, [ensure]);

  const state: Snapshot =
    engine && snapshot ? snapshot : { messages: baseMessages, status: "ready", error: undefined };
  const status: ChatStatus = state.status === "ready" && waiting > 0 ? "submitted" : state.status;
  return {
    messages: state.messages,
    status: loadError && status === "ready" ? ("error" as const) : status,
    error: state.error ?? loadError,
    sendMessage,
    regenerate,
    stopOnServer,
    setMessages,
    prependMessages,
    preload,
  };
}
