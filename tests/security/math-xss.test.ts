// Hostile LaTeX in an answer: KaTeX's commands that carry URLs, classes, ids, styles or data
// attributes are refused (the formula reads as its source), HTML inside a formula is text, and
// expansion or size bombs stay bounded.
import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { MarkdownView } from "@/components/chat/markdown/markdown-core";
import { createKatexRenderer } from "@/components/chat/markdown/math-katex";

const math = createKatexRenderer();
const render = (text: string) => renderToStaticMarkup(createElement(MarkdownView, { text, highlight: null, math }));
/** The markup alone: every tag with its attributes, without the (escaped) text between them. */
const tagsOf = (html: string) => (html.match(/<[^>]+>/g) ?? []).join("\n");

const PAYLOADS = [
  "$\\href{javascript:alert(1)}{click}$",
  "\\(\\href{JaVaScRiPt:alert(1)}{click}\\)",
  "$$\\url{javascript:alert(document.cookie)}$$",
  "\\[\\href{data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==}{x}\\]",
  "$\\includegraphics{javascript:alert(1)}$",
  "$\\includegraphics[height=1em]{https://attacker.example/pixel.png}$",
  "$\\htmlClass{fixed inset-0 z-50}{x}$",
  "$\\htmlId{composer-input}{x}$",
  "$\\htmlStyle{position:fixed;inset:0;background:url(https://attacker.example/)}{x}$",
  "$\\htmlData{onclick=alert(1)}{x}$",
  "$\\href{https://example.com}{ok?}$",
  // Colours go into inline styles: only colour values pass KaTeX's own check.
  "$\\color{red;background-image:url(https://attacker.example/)}{x}$",
  '$\\textcolor{red" onclick="alert(1)}{x}$',
  "$\\fcolorbox{red}{blue;position:fixed}{z}$",
];

describe("hostile math is inert", () => {
  for (const payload of PAYLOADS) {
    it(payload, () => {
      const html = render(`Look: ${payload} here.`);
      const tags = tagsOf(html);
      expect(tags).not.toMatch(/<a[\s>]|<img|<svg|href=|src=|onclick|attacker|position:|fixed|z-50|\sid=|data-onclick/i);
      // Refused, not half-typeset: the formula reads as its source.
      expect(html).toContain('data-testid="math-source"');
      expect(html).not.toContain("katex");
    });
  }

  it("HTML inside a formula is text", () => {
    const html = render("$\\text{<script>alert(1)</script><img src=x onerror=alert(1)>}$ and $<b>x</b>$");
    expect(html).toContain('data-testid="math-inline"'); // typeset, with the HTML as characters
    expect(tagsOf(html)).not.toMatch(/<script|<img|<b>|onerror/);
  });

  it("expansion and size bombs stay bounded", () => {
    const started = performance.now();
    const html = render("$\\def\\x{\\x\\x}\\x$ and $\\rule{100000em}{100000em}$");
    expect(performance.now() - started).toBeLessThan(2000);
    expect(html).toContain("math-source"); // the recursive macro is refused
    // KaTeX's maxSize caps the rule at 20em.
    expect(tagsOf(html)).not.toMatch(/100000em/);
    expect(tagsOf(html)).toContain("border-right-width:20em");
  });
});
