// Mermaid, loaded the first time a diagram is drawn (its chunk is fetched on demand, never with
// the chat page), and what it draws made safe: everything in a diagram comes from a model.
//
// - securityLevel "strict": Mermaid sanitizes labels and refuses `click` callbacks, and its
//   `secure` keys cannot be changed by a diagram's own `%%{init: …}%%` directive. htmlLabels is
//   added to those keys, so labels stay SVG text (no <foreignObject> with HTML in it).
// - The SVG is then sanitized again here with DOMPurify's SVG profile before it reaches the page:
//   no scripts, no event handlers, no foreignObject; links keep only http(s) and open in a new tab.
// - The render's event bindings (`bindFunctions`) are never attached.
import type { MermaidConfig } from "mermaid";
import type { DOMPurify } from "dompurify";

export type DiagramTheme = "light" | "dark";
export type DrawnDiagram = { ok: true; svg: string } | { ok: false; error: string };

type Engine = { mermaid: (typeof import("mermaid"))["default"]; purify: DOMPurify };

/** Keys a diagram's directives may not set (Mermaid's own list, plus the labels' rendering). */
const SECURE_KEYS = ["secure", "securityLevel", "startOnLoad", "maxTextSize", "suppressErrorRendering", "maxEdges", "htmlLabels"];
const SAFE_LINK = /^https?:\/\//i;
const MAX_ERROR_LENGTH = 200;
const LOAD_FAILED = "The diagram renderer could not be loaded.";
/** Drawings kept for re-mounts and re-renders (a streamed answer's blocks re-render often). */
const CACHE_SIZE = 32;

let engine: Promise<Engine> | null = null;
let queue: Promise<unknown> = Promise.resolve();
let drawCount = 0;
const cache = new Map<string, Promise<DrawnDiagram>>();

function configFor(theme: DiagramTheme): MermaidConfig {
  return {
    startOnLoad: false,
    securityLevel: "strict",
    htmlLabels: false,
    suppressErrorRendering: true,
    theme: theme === "dark" ? "dark" : "default",
    secure: SECURE_KEYS,
  };
}

/** Only http(s) links survive in a diagram, and they open a new tab without an opener. */
function guardLink(node: Element): void {
  if (node.nodeName.toLowerCase() !== "a") return;
  const href = node.getAttribute("href") ?? node.getAttribute("xlink:href") ?? "";
  if (!SAFE_LINK.test(href.trim())) {
    node.removeAttribute("href");
    node.removeAttribute("xlink:href");
    return;
  }
  node.setAttribute("target", "_blank");
  node.setAttribute("rel", "noopener noreferrer nofollow");
}

function loadEngine(): Promise<Engine> {
  engine ??= Promise.all([import("mermaid"), import("dompurify")])
    .then(([{ default: mermaid }, { default: createPurify }]) => {
      const purify = createPurify(window);
      purify.addHook("afterSanitizeAttributes", guardLink);
      return { mermaid, purify };
    })
    .catch((error: unknown) => {
      engine = null; // try again for the next diagram
      throw error;
    });
  return engine;
}

export function sanitizeSvg(purify: DOMPurify, svg: string): string {
  return purify.sanitize(svg, { USE_PROFILES: { svg: true, svgFilters: true } });
}

/** A parser's message in a line or two: its first line and its last (where it says what it expected). */
export function shortError(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const lines = message
    .split("\n")
    .map((line) => line.trim())
    .filter(Boolean);
  const summary = lines.length > 1 ? `${lines[0]} ${lines[lines.length - 1]}` : (lines[0] ?? "");
  if (!summary) return "The diagram could not be parsed.";
  return summary.length > MAX_ERROR_LENGTH ? `${summary.slice(0, MAX_ERROR_LENGTH - 1)}…` : summary;
}

async function draw(source: string, theme: DiagramTheme): Promise<DrawnDiagram> {
  let loaded: Engine;
  try {
    loaded = await loadEngine();
  } catch {
    return { ok: false, error: LOAD_FAILED };
  }
  const id = `sb-diagram-${++drawCount}`;
  try {
    // initialize() resets the whole configuration: every drawing states all of it.
    loaded.mermaid.initialize(configFor(theme));
    const { svg } = await loaded.mermaid.render(id, source);
    const clean = sanitizeSvg(loaded.purify, svg);
    if (!clean.trim().startsWith("<svg")) return { ok: false, error: "The diagram could not be drawn." };
    return { ok: true, svg: clean };
  } catch (error) {
    return { ok: false, error: shortError(error) };
  } finally {
    // Mermaid draws in a scratch element of the page; it removes it, but not on every failure.
    document.getElementById(id)?.remove();
    document.getElementById(`d${id}`)?.remove();
  }
}

/**
 * Draw a Mermaid diagram as sanitized SVG markup. Drawings run one at a time (Mermaid's
 * configuration is global) and the same source in the same theme is drawn once.
 */
export function drawDiagram(source: string, theme: DiagramTheme): Promise<DrawnDiagram> {
  const key = `${theme}\u0000${source}`;
  const known = cache.get(key);
  if (known) return known;
  const result = queue.then(() => draw(source, theme));
  queue = result.catch(() => undefined);
  cache.set(key, result);
  void result.then((drawn) => {
    if (!drawn.ok && drawn.error === LOAD_FAILED) cache.delete(key); // offline for a moment: try again later
  });
  if (cache.size > CACHE_SIZE) cache.delete(cache.keys().next().value as string);
  return result;
}
