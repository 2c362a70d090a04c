import { describe, expect, it } from "vitest";
import { fromMarkdown } from "mdast-util-from-markdown";
import { toHast } from "mdast-util-to-hast";
import { textOf } from "../markdown/hast-text";
import { blockCode, previewKind } from "./previewable";

describe("previewKind", () => {
  it("previews HTML and SVG blocks, and XML blocks that are SVG", () => {
    expect(previewKind("html", "<p>hi</p>")).toBe("html");
    expect(previewKind("HTML", "<p>hi</p>")).toBe("html");
    expect(previewKind("svg", "<svg></svg>")).toBe("svg");
    expect(previewKind("xml", '<?xml version="1.0"?>\n<!-- a logo -->\n<svg xmlns="http://www.w3.org/2000/svg"/>')).toBe("svg");
    expect(previewKind("xml", "<note><to>Tove</to></note>")).toBeNull();
    expect(previewKind("xml", "<svgfoo/>")).toBeNull();
    expect(previewKind("xml", "<svg/>")).toBe("svg");
  });

  it("previews nothing else", () => {
    for (const language of ["js", "jsx", "tsx", "css", "mermaid", "text", null, undefined]) expect(previewKind(language, "<svg></svg>")).toBeNull();
  });
});

describe("blockCode", () => {
  it("gives back a fenced block's source value from its rendered tree", () => {
    const source = "Here:\n\n```html\n<p>one</p>\n\n<script>x()</script>\n```\n";
    const code = fromMarkdown(source).children[1] as { type: string; value: string };
    const hast = toHast(fromMarkdown(source)) as { children: { type: string; tagName?: string }[] };
    const pre = hast.children.find((child) => child.tagName === "pre");
    expect(blockCode(textOf(pre))).toBe(code.value);
    expect(code.value).toBe("<p>one</p>\n\n<script>x()</script>");
  });
});
