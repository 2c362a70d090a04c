"use client";

import { createContext } from "react";

/**
 * True while an answer is being requested or streamed. Read through context by the few
 * controls that need it (the inline editor), so a change does not re-render every message.
 */
export const ChatBusyContext = createContext(false);
