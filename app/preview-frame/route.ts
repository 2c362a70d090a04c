// The document HTML and SVG previews run in: public, static, holds no user data (the code arrives
// by postMessage), and is served with its own sandboxing policy (components/chat/preview/frame-document.ts).
import { PREVIEW_FRAME_DOCUMENT, PREVIEW_FRAME_HEADERS } from "@/components/chat/preview/frame-document";

export function GET(): Response {
  return new Response(PREVIEW_FRAME_DOCUMENT, { headers: PREVIEW_FRAME_HEADERS });
}
