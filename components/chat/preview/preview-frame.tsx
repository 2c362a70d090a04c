"use client";

import { useEffect, useRef } from "react";
import { FRAME_RENDER, PREVIEW_FRAME_PATH, frameReadySchema, type FrameRenderMessage, type PreviewKind } from "./frame-protocol";

/**
 * The sandboxed frame a preview runs in: scripts only, never the app's origin, no popups, forms
 * or top navigation. Its document (app/preview-frame) says "ready"; the code goes to that window
 * only. The frame's origin is opaque ("null"), so its window is how it is recognised, and the
 * code is posted to "*" — no other origin can be that window.
 */
export function PreviewFrame({ kind, code, title }: { kind: PreviewKind; code: string; title: string }) {
  const frame = useRef<HTMLIFrameElement>(null);
  useEffect(() => {
    let sent = false;
    const onMessage = (event: MessageEvent) => {
      const target = frame.current?.contentWindow;
      if (sent || !target || event.source !== target || event.origin !== "null") return;
      if (!frameReadySchema.safeParse(event.data).success) return;
      sent = true;
      const message: FrameRenderMessage = { type: FRAME_RENDER, kind, code };
      target.postMessage(message, "*");
    };
    window.addEventListener("message", onMessage);
    return () => window.removeEventListener("message", onMessage);
  }, [kind, code]);
  return (
    <iframe
      ref={frame}
      src={PREVIEW_FRAME_PATH}
      sandbox="allow-scripts"
      allow=""
      referrerPolicy="no-referrer"
      title={title}
      data-testid="preview-frame"
      className="min-h-0 w-full flex-1 border-0 bg-white"
    />
  );
}
