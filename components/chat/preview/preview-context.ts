"use client";

import { createContext } from "react";
import type { PreviewKind } from "./frame-protocol";

export type PreviewRequest = { kind: PreviewKind; code: string };

/** Opens the preview panel on a block; null where no panel is mounted (the button hides). */
export const OpenPreviewContext = createContext<((request: PreviewRequest, opener: HTMLElement) => void) | null>(null);
