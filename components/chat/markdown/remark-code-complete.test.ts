// A fenced block is complete once its closing fence is in the text: while an answer streams, an
// open fence parses like a closed one, and only this mark tells a diagram it may be drawn.
import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { MarkdownView } from "./markdown-core";
import { splitMarkdownBlocks } from "./markdown-blocks";
import { endsWithClosingFence } from "./remark-code-complete";

function render(text: string): string {
  return renderToStaticMarkup(createElement(MarkdownView, { text, highlight: null, math: null }));
}

/** data-complete of each <code> of a block, in order. */
function completeness(text: string): boolean[] {
  return [...render(text).matchAll(/<code\b[^>]*>/g)].map((m) => m[0].includes('data-complete="true"'));
}

describe("endsWithClosingFence", () => {
  it("needs a fence of the same character, at least as long, alone on the last line", () => {
    expect(endsWithClosingFence("```mermaid\ngraph TD\nA-->B\n```", "graph TD\nA-->B")).toBe(true);
    expect(endsWithClosingFence("~~~\na\n~~~~  ", "a")).toBe(true);
    expect(endsWithClosingFence("````\na\n```", "a\n```")).toBe(false);
    expect(endsWithClosingFence("```\na\n~~~", "a\n~~~")).toBe(false);
    expect(endsWithClosingFence("```\na ```", "a ```")).toBe(false);
  });

  it("is false for a fence still open, however the text ends", () => {
    expect(endsWithClosingFence("```mermaid", "")).toBe(false);
    expect(endsWithClosingFence("```mermaid\n", "")).toBe(false);
    expect(endsWithClosingFence("```mermaid\ngraph TD", "graph TD")).toBe(false);
    expect(endsWithClosingFence("```mermaid\ngraph TD\n", "graph TD")).toBe(false);
    expect(endsWithClosingFence("```mermaid\ngraph TD\n``", "graph TD\n``")).toBe(false);
  });

  it("does not take an over-indented fence-like line of content for the closing fence", () => {
    expect(endsWithClosingFence("```\n    ```", "    ```")).toBe(false);
  });

  it("closes inside a blockquote and a list item", () => {
    expect(endsWithClosingFence("```js\n> a\n> ```", "a")).toBe(true);
    expect(endsWithClosingFence("```js\n  a\n  ```", "a")).toBe(true);
  });

  it("reads CRLF line ends", () => {
    expect(endsWithClosingFence("```js\r\na\r\n```", "a")).toBe(true);
  });
});

describe("the completeness mark through the Markdown pipeline (parse, sanitize, render)", () => {
  it("marks a closed fence and not an open one", () => {
    expect(completeness("Text\n\n```js\nconst a = 1;\n```\n\nMore")).toEqual([true]);
    expect(completeness("Text\n\n```js\nconst a = 1;\n")).toEqual([false]);
    expect(completeness("```js\na\n```\n\n```py\nb")).toEqual([true, false]);
  });

  it("marks fences in containers, and never an indented code block or inline code", () => {
    expect(completeness("> ```js\n> a\n> ```")).toEqual([true]);
    expect(completeness("- item\n\n  ```js\n  a\n  ```")).toEqual([true]);
    expect(completeness("- ```js\n  a\n\nafter")).toEqual([false]);
    expect(completeness("    indented code\n")).toEqual([false]);
    expect(completeness("Some `inline` code")).toEqual([false]);
  });

  it("cannot be forged from the answer's text: raw HTML stays text", () => {
    const html = render('<pre><code data-complete="true" class="language-mermaid">graph TD</code></pre>');
    expect(html).not.toContain('data-testid="diagram-block"');
    expect(html).not.toMatch(/<code[^>]*data-complete/);
  });

  it("a Mermaid block becomes a diagram only once its fence closes, streamed or whole", () => {
    const diagram = "Here:\n\n```mermaid\ngraph TD\n  A-->B\n```\n";
    const closedAt = diagram.lastIndexOf("```") + 3;
    for (let end = 1; end <= diagram.length; end++) {
      const partial = diagram.slice(0, end);
      const closed = end >= closedAt;
      // The browser renders the last block of a streamed answer on its own (markdown-blocks.ts).
      const blocks = splitMarkdownBlocks(partial);
      const html = render(blocks[blocks.length - 1]);
      expect(html.includes('data-testid="diagram-block"'), JSON.stringify(partial)).toBe(closed);
      if (partial.includes("```mermaid\n")) expect(html, JSON.stringify(partial)).toContain('data-testid="code-block"');
    }
  });

  it("draws nothing on the server: a complete diagram is rendered as its code, waiting for the browser", () => {
    const html = render("```mermaid\ngraph TD\n  A-->B\n```");
    expect(html).toContain('data-state="pending"');
    expect(html).toContain("A--&gt;B");
    expect(html).not.toContain('data-testid="diagram-svg"');
  });
});
