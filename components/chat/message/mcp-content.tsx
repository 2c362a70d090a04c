"use client";

import { lazy, Suspense } from "react";
import type { McpContent, McpToolOutput } from "@/lib/mcp/types";

// An MCP tool's result in its tool card. Everything here came from a server and is untrusted:
// text goes through the chat's sanitizing Markdown pipeline (no raw HTML, no script URLs),
// images are shown only as data URLs of raster image types, resources link only to http(s).

const MarkdownBlocks = lazy(() => import("../markdown/markdown-renderer"));
const IMAGE_TYPES = new Set(["image/png", "image/jpeg", "image/gif", "image/webp"]);

/** The output, when it is an MCP tool's (lib/mcp/result.ts). */
export function mcpOutputOf(output: unknown): McpToolOutput | null {
  if (!output || typeof output !== "object") return null;
  const o = output as Partial<McpToolOutput>;
  return o.mcp && typeof o.mcp === "object" && Array.isArray(o.content) ? (o as McpToolOutput) : null;
}

function httpUrl(uri: string): string | null {
  try {
    const url = new URL(uri);
    return url.protocol === "http:" || url.protocol === "https:" ? url.href : null;
  } catch {
    return null;
  }
}

function Item({ item }: { item: McpContent }) {
  switch (item.type) {
    case "text":
      return (
        <div className="prose-chat text-sm" data-testid="mcp-text">
          <Suspense fallback={<div className="whitespace-pre-wrap">{item.text}</div>}>
            <MarkdownBlocks text={item.text} />
          </Suspense>
        </div>
      );
    case "image":
      if (!IMAGE_TYPES.has(item.mimeType) || !/^[A-Za-z0-9+/]*={0,2}$/.test(item.data)) return null;
      return (
        // A data URL of the server's bytes: next/image has nothing to optimise here.
        // eslint-disable-next-line @next/next/no-img-element
        <img
          data-testid="mcp-image"
          src={`data:${item.mimeType};base64,${item.data}`}
          alt="Image returned by the tool"
          className="max-h-80 max-w-full rounded-md border border-border"
        />
      );
    case "resource": {
      const href = httpUrl(item.uri);
      const label = item.name || item.uri;
      return (
        <div data-testid="mcp-resource" className="grid gap-1 text-sm">
          {href ? (
            <a href={href} target="_blank" rel="noopener noreferrer nofollow" className="break-all text-primary underline-offset-4 hover:underline">
              {label}
            </a>
          ) : (
            <span className="font-mono text-xs break-all">{label}</span>
          )}
          {item.text && <pre className="max-h-60 overflow-auto rounded-md bg-muted/60 p-2 font-mono text-xs whitespace-pre-wrap">{item.text}</pre>}
        </div>
      );
    }
    case "other":
      return (
        <p data-testid="mcp-note" className="text-xs text-muted-foreground italic">
          {item.description}
        </p>
      );
  }
}

/** The result's items in order. */
export function McpContentView({ output }: { output: McpToolOutput }) {
  return (
    <div data-testid="mcp-content" className="grid gap-2">
      {output.content.map((item, index) => (
        <Item key={index} item={item} />
      ))}
    </div>
  );
}
