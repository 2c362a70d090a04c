// An MCP tool's hostile result in the tool card: script and event handlers stay text, links
// with script URLs are not links, images only as raster data URLs, resources link only to http(s).
import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { MarkdownView } from "@/components/chat/markdown/markdown-core";
import { McpContentView, mcpOutputOf } from "@/components/chat/message/mcp-content";
import type { McpToolOutput } from "@/lib/mcp/types";

const tagsOf = (html: string) => (html.match(/<[^>]+>/g) ?? []).join("\n");
const HOSTILE_TEXT =
  'See [click](javascript:window.__pwned=3) and [ok](https://example.com/)\n\n<script>window.__pwned = 1</script>\n\n<img src=x onerror="window.__pwned=2">';
const PNG = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==";

const output: McpToolOutput = {
  mcp: { server: "hostile", tool: "xss" },
  content: [
    { type: "text", text: HOSTILE_TEXT },
    { type: "image", mimeType: "image/svg+xml", data: Buffer.from('<svg onload="alert(1)"/>').toString("base64") },
    { type: "image", mimeType: "image/png", data: PNG },
    { type: "image", mimeType: "image/png", data: '" onerror="alert(1)' },
    { type: "resource", uri: "javascript:window.__pwned=5", name: "evil link" },
    { type: "resource", uri: "https://example.com/report.pdf", name: "report" },
    { type: "other", description: "<b>not bold</b>" },
  ],
};

describe("MCP content in the tool card", () => {
  it("renders images only as raster data URLs and links only to http(s)", () => {
    const html = renderToStaticMarkup(createElement(McpContentView, { output }));
    const tags = tagsOf(html);
    expect(tags).not.toMatch(/<script/i);
    expect(tags).not.toMatch(/\son\w+=/i);
    expect(tags).not.toMatch(/javascript:/i);
    expect(tags).not.toContain("image/svg");
    expect(tags.match(/<img /g)).toHaveLength(1);
    expect(tags).toContain(`src="data:image/png;base64,${PNG}"`);
    expect(tags).toContain('href="https://example.com/report.pdf"');
    expect(html).toContain("evil link");
    expect(tags).not.toContain("<b>");
  });

  it("its text goes through the sanitizing Markdown pipeline", () => {
    const tags = tagsOf(renderToStaticMarkup(createElement(MarkdownView, { text: HOSTILE_TEXT, highlight: null, math: null })));
    expect(tags).not.toMatch(/<script/i);
    expect(tags).not.toMatch(/\son\w+=/i);
    expect(tags).not.toMatch(/javascript:/i);
    expect(tags).toContain('href="https://example.com/"');
    expect(tags).toContain('data-testid="blocked-link"');
  });

  it("only outputs shaped as an MCP result use it", () => {
    expect(mcpOutputOf(output)).toBe(output);
    expect(mcpOutputOf({ expression: "1+1", result: "2" })).toBeNull();
    expect(mcpOutputOf("text")).toBeNull();
  });
});
