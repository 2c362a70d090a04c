// The preview frame's document and headers (served by app/preview-frame/route.ts). Its policy is
// the whole defence: the document forbids every network fetch, is sandboxed by its own header
// (an opaque origin even when opened as a tab, so never the app's cookies or storage), and may be
// framed by the app only. The previewed code reaches it by postMessage from the parent and is
// written into this same document (document.open keeps the document, and with it this policy).
import { FRAME_READY, FRAME_RENDER } from "./frame-protocol";

export const PREVIEW_FRAME_CSP = [
  "default-src 'none'",
  // Inline only: the previewed page's own scripts and this bootstrap; nothing from anywhere.
  "script-src 'unsafe-inline'",
  "style-src 'unsafe-inline'",
  "img-src data: blob:",
  "font-src data:",
  "media-src data: blob:",
  "connect-src 'none'",
  "form-action 'none'",
  "base-uri 'none'",
  "frame-ancestors 'self'",
  "sandbox allow-scripts",
].join("; ");

export const PREVIEW_FRAME_HEADERS: Record<string, string> = {
  "content-type": "text/html; charset=utf-8",
  "content-security-policy": PREVIEW_FRAME_CSP,
  // Browsers that predate frame-ancestors; the ones that know it follow the policy instead.
  "x-frame-options": "SAMEORIGIN",
  "referrer-policy": "no-referrer",
  "cross-origin-resource-policy": "same-origin",
  "cache-control": "no-store",
};

/**
 * Waits for one message from its parent on the app's origin (the frame's own URL's origin: its
 * document origin is opaque), then stops listening and shows the code: HTML written as the
 * document, SVG as an image (an SVG's scripts never run in an <img>).
 */
const bootstrap = `(function () {
  if (window.parent === window) return;
  var appOrigin = location.origin;
  function show(event) {
    if (event.source !== window.parent || event.origin !== appOrigin) return;
    var data = event.data;
    if (!data || data.type !== ${JSON.stringify(FRAME_RENDER)} || typeof data.code !== "string") return;
    window.removeEventListener("message", show);
    if (data.kind === "svg") {
      var image = document.createElement("img");
      image.alt = "SVG preview";
      image.src = "data:image/svg+xml;charset=utf-8," + encodeURIComponent(data.code);
      document.body.replaceChildren(image);
      return;
    }
    document.open();
    document.write(data.code);
    document.close();
  }
  window.addEventListener("message", show);
  window.parent.postMessage({ type: ${JSON.stringify(FRAME_READY)} }, appOrigin);
})();`;

export const PREVIEW_FRAME_DOCUMENT = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Preview</title>
<style>body{margin:0;font-family:system-ui,sans-serif}img{display:block;max-width:100%;height:auto;margin:1rem auto}</style>
</head>
<body>
<script>${bootstrap}</script>
</body>
</html>
`;
