import "server-only";
import { safeHttpUrl } from "@/lib/chat/links";
import type { ChatUIMessage } from "@/lib/chat/types";

// Web-search citations (`url_citation` annotations, `source-url` parts in the AI SDK) as they are
// saved: only http(s) links, each once, titles as plain short text. Whatever a search result
// contains, a saved source can only ever be a link.

type Part = ChatUIMessage["parts"][number];

export function sanitizeSources(parts: Part[]): Part[] {
  const seen = new Set<string>();
  return parts.flatMap((part): Part[] => {
    if (part.type !== "source-url") return [part];
    const href = safeHttpUrl(part.url);
    if (!href || seen.has(href) || href.length > 2000) return [];
    seen.add(href);
    const title = (part.title ?? "")
      .replace(/[\u0000-\u001f\u007f]/g, " ")
      .replace(/\s+/g, " ")
      .trim()
      .slice(0, 300);
    return [{ type: "source-url", sourceId: part.sourceId.slice(0, 2000), url: href, ...(title ? { title } : {}) }];
  });
}
