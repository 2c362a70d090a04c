"use client";

import { createContext } from "react";

/**
 * True while an answer is being requested or streamed. Read through context by the few
 * controls that need it (the inline editor), so a change does not re-render every message.
 */
export const ChatBusyContext = createContext(false);

/**
 * Answers the user stopped in this page's life. Compared columns read it through context: the
 * composer's Stop stops every column at once, and each must show itself stopped.
 */
export const StoppedAnswersContext = createContext<ReadonlySet<string>>(new Set());
