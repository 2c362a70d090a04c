"use client";

// The AI SDK, loaded only when it is needed: at the first sign the user is about to act (focus,
// a click), when an action is taken, or at once when the page must resume an answer in flight.
// Until then the saved messages are shown as they are and the page is fully interactive without it.

let engineModule: Promise<typeof import("./chat-engine")> | null = null;

/** Fetches the engine's code (no-op once fetched; tried again after a failure). */
export function loadChatEngine(): Promise<typeof import("./chat-engine")> {
  engineModule ??= import("./chat-engine").catch((error: unknown) => {
    engineModule = null;
    throw error;
  });
  return engineModule;
}
