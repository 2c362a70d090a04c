"use client";

import { stopOnServer } from "../api";
import type { ChatEngine } from "./chat-engine";

/**
 * How long the local stream may go on being read after the server has stopped the answer. The
 * server's abort ends the stream itself; this bounds the wait when it cannot (an instance gone).
 */
const DRAIN_LIMIT_MS = 10_000;

/**
 * Ends the local stream of an answer the server has already stopped and saved. It first reads
 * what the server sent before its stop (still in flight on a busy machine), so the answer left on
 * screen is the saved one, not a shorter prefix of it.
 */
export async function endAfterServerStop(chat: ChatEngine, drainLimitMs = DRAIN_LIMIT_MS): Promise<void> {
  await new Promise<void>((resolve) => {
    const ended = () => chat.status !== "submitted" && chat.status !== "streaming";
    if (ended()) return resolve();
    const done = () => {
      clearTimeout(timer);
      unsubscribe();
      resolve();
    };
    const timer = setTimeout(done, drainLimitMs);
    // The one private call left: this runs outside React (after the click, perhaps after the
    // page moved on), where the AI SDK offers no public way to hear the status change; its
    // public ways are useChat (a component) and the promise of the request, held by whoever sent it.
    const unsubscribe = chat["~registerStatusCallback"](() => {
      if (ended()) done();
    });
  });
  await chat.stop();
}

/**
 * Stops an answer: closing the connection does not stop the server (a closed tab must not end an
 * answer), so stopping is an explicit request, for the conversation's answers or (`messageId`)
 * one compared column. It answers once the partial answer is saved; the local stream (`engine()`
 * then, if loaded) ends after that, so a next message cannot race that save.
 */
export async function stopAnswer(conversationId: string, messageId: string | undefined, engine: () => ChatEngine | null): Promise<void> {
  await stopOnServer(conversationId, messageId);
  const chat = engine();
  if (chat) await endAfterServerStop(chat);
}
