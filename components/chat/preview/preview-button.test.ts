// The Preview button as the server renders it into a saved answer: present on HTML and SVG
// blocks only, carrying the block's code as text (never as markup).
import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it, vi } from "vitest";
import { MarkdownView } from "../markdown/markdown-core";
import { OpenPreviewContext } from "./preview-context";

function render(text: string, withPanel = true): string {
  const view = createElement(MarkdownView, { text, highlight: null, math: null });
  return renderToStaticMarkup(withPanel ? createElement(OpenPreviewContext, { value: vi.fn() }, view) : view);
}

describe("PreviewButton in rendered Markdown", () => {
  const html = '<svg onload="top.pwned=1"><script>top.pwned=2</script></svg>\n<p>hi</p>';

  it("appears on HTML, SVG and SVG-as-XML blocks, not on others", () => {
    const out = render(
      [
        "```html",
        html,
        "```",
        "",
        "```svg",
        "<svg/>",
        "```",
        "",
        "```xml",
        "<svg/>",
        "```",
        "",
        "```js",
        "alert(1)",
        "```",
        "",
        "```xml",
        "<a/>",
        "```",
      ].join("\n"),
    );
    expect(out.match(/data-testid="preview-open"/g)).toHaveLength(3);
    expect(out.match(/data-preview-kind="html"/g)).toHaveLength(1);
    expect(out.match(/data-preview-kind="svg"/g)).toHaveLength(2);
  });

  it("keeps the code as text: nothing of it becomes markup", () => {
    const out = render(["```html", html, "```"].join("\n"));
    expect(out).not.toMatch(/<script|<svg onload|onload="/);
    expect(out).toContain("&lt;script&gt;top.pwned=2&lt;/script&gt;");
  });

  it("is left out where no preview panel is mounted", () => {
    expect(render(["```html", "<p>hi</p>", "```"].join("\n"), false)).not.toContain("preview-open");
  });
});
