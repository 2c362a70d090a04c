"use client";

// Web-search citations under an answer: numbered links, http(s) only, opened in a new tab
// without handing the page to the site (noopener, noreferrer) or vouching for it (nofollow).
import { safeHttpUrl } from "@/lib/chat/links";
import type { MessagePart } from "./message-parts";

type SourcePart = Extract<MessagePart, { type: "source-url" }>;

type Source = { url: string; title: string; host: string };

/** The answer's sources that are safe links, each once, in order. */
function safeSources(parts: SourcePart[]): Source[] {
  const seen = new Set<string>();
  return parts.flatMap((part): Source[] => {
    const href = safeHttpUrl(part.url);
    if (!href || seen.has(href)) return [];
    seen.add(href);
    const host = new URL(href).hostname.replace(/^www\./, "");
    return [{ url: href, title: part.title?.trim() || host, host }];
  });
}

export function MessageSources({ parts }: { parts: SourcePart[] }) {
  const sources = safeSources(parts);
  if (sources.length === 0) return null;
  return (
    <section data-testid="message-sources" aria-label="Sources" className="grid gap-1 text-xs">
      <h3 className="font-medium text-muted-foreground">Sources</h3>
      <ol className="grid gap-0.5">
        {sources.map((source, index) => (
          <li key={source.url} data-testid="message-source" className="min-w-0 truncate">
            <a
              href={source.url}
              target="_blank"
              rel="noopener noreferrer nofollow"
              data-testid="message-source-link"
              title={source.url}
              className="text-muted-foreground hover:text-foreground hover:underline"
            >
              <span className="tabular-nums">[{index + 1}]</span> {source.title} — {source.host}
            </a>
          </li>
        ))}
      </ol>
    </section>
  );
}
