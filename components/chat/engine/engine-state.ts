"use client";

// The engine's state as React state, through the AI SDK's public useChat({ chat }): rendered (as
// nothing) once the engine's code is loaded, it hands each new snapshot to the store or column
// that owns the engine. Part of the lazily loaded engine chunk, so the first load stays free of
// the AI SDK.
import { memo, useLayoutEffect } from "react";
import { useChat } from "@ai-sdk/react";
import type { ChatStatus } from "ai";
import type { ChatUIMessage } from "@/lib/chat/types";
import type { ChatEngine } from "./chat-engine";

export type EngineSnapshot = { messages: ChatUIMessage[]; status: ChatStatus; error: Error | undefined };

type EngineStateProps = {
  chat: ChatEngine;
  /** Minimum milliseconds between message updates while streaming. */
  throttle: number;
  onChange: (snapshot: EngineSnapshot) => void;
};

export const EngineState = memo(function EngineState({ chat, throttle, onChange }: EngineStateProps) {
  const { messages, status, error } = useChat({ chat, throttle });
  // Before paint, so the page shows each update in the frame that brought it.
  useLayoutEffect(() => onChange({ messages, status, error }), [messages, status, error, onChange]);
  return null;
});
