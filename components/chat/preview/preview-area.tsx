"use client";

// Holds which block is previewed and mounts the panel; the panel's code (and the Markdown parser
// it reads versions with) is fetched the first time a preview opens.
import { lazy, Suspense, useCallback, useRef, useState, type ReactNode } from "react";
import type { ChatUIMessage } from "@/lib/chat/types";
import { OpenPreviewContext, type PreviewRequest } from "./preview-context";

const PreviewPanel = lazy(() => import("./preview-panel"));

export function PreviewArea({ messages, children }: { messages: readonly ChatUIMessage[]; children: ReactNode }) {
  const [request, setRequest] = useState<PreviewRequest | null>(null);
  const opener = useRef<HTMLElement | null>(null);
  const open = useCallback((next: PreviewRequest, from: HTMLElement) => {
    opener.current = from;
    setRequest(next);
  }, []);
  const close = useCallback(() => {
    setRequest(null);
    // Focus goes back where the preview was opened from, if that block is still on screen.
    if (opener.current?.isConnected) opener.current.focus();
    opener.current = null;
  }, []);
  return (
    <OpenPreviewContext value={open}>
      {children}
      {request && (
        <Suspense fallback={null}>
          <PreviewPanel key={`${request.kind}:${request.code}`} request={request} messages={messages} onClose={close} />
        </Suspense>
      )}
    </OpenPreviewContext>
  );
}
