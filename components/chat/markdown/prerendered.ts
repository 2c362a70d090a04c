"use client";

import { createContext } from "react";
import type { PrerenderedMarkdown } from "./prerender-key";

/** The server-rendered answers of the page (see markdown-server.tsx). */
export const PrerenderedContext = createContext<PrerenderedMarkdown>({});
