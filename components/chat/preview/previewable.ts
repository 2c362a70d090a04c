// Which code blocks get a preview, and their code as the Markdown source has it. Pure, so the
// server-rendered answers and the browser's agree (and the versions, read from the Markdown, match).
import type { PreviewKind } from "./frame-protocol";

const SVG_START = /^\s*(?:<\?xml[^>]*\?>\s*)?(?:<!--[\s\S]*?-->\s*)*(?:<!DOCTYPE[^>]*>\s*)?<svg[\s/>]/i;

/** "html" for an HTML block, "svg" for an SVG one (or XML that is an SVG), else null. */
export function previewKind(language: string | null | undefined, code: string): PreviewKind | null {
  switch (language?.toLowerCase()) {
    case "html":
    case "htm":
      return "html";
    case "svg":
      return "svg";
    case "xml":
      return SVG_START.test(code) ? "svg" : null;
    default:
      return null;
  }
}

/** A fenced block's code as rendered (Markdown → hast adds one final newline) back to its source value. */
export function blockCode(renderedText: string): string {
  return renderedText.endsWith("\n") ? renderedText.slice(0, -1) : renderedText;
}
