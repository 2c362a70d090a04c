import { common, createLowlight } from "lowlight";
import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { rehypeHighlightWith } from "./highlight-core";
import { splitMarkdownBlocks } from "./markdown-blocks";
import { isPlainProse, MarkdownView } from "./markdown-core";
import { normalizeMath } from "./math-delimiters";
import type { MathRenderer } from "./math-core";
import { createKatexRenderer } from "./math-katex";

const katex = createKatexRenderer();
const highlight = rehypeHighlightWith(createLowlight(common));

function render(text: string, math: MathRenderer | null = katex): string {
  return renderToStaticMarkup(createElement(MarkdownView, { text, highlight, math }));
}

const count = (html: string, needle: string) => html.split(needle).length - 1;

/** Answers written the way models write them. */
const CORPUS = {
  gptStyle: [
    "To solve \\(x^2 - 5x + 6 = 0\\), use the quadratic formula:",
    "",
    "\\[",
    "x = \\frac{-b \\pm \\sqrt{b^2 - 4ac}}{2a}",
    "\\]",
    "",
    "With \\(a = 1\\), \\(b = -5\\), \\(c = 6\\):",
    "",
    "1. **Discriminant:** \\(\\Delta = 25 - 24 = 1\\)",
    "2. **Roots:**",
    "   \\[",
    "   x_{1,2} = \\frac{5 \\pm 1}{2}",
    "   \\]",
    "",
    "So \\(x = 2\\) or \\(x = 3\\).",
  ].join("\n"),
  claudeStyle: [
    "The variance of a random variable $X$ is defined as",
    "",
    "$$\\operatorname{Var}(X) = \\mathbb{E}\\left[(X - \\mu)^2\\right]$$",
    "",
    "where $\\mu = \\mathbb{E}[X]$. For a fair die that costs $5 and pays $10 later, the mean is $3.5$.",
    "",
    "| Quantity | Formula |",
    "|---|---|",
    "| Mean | $\\mu = \\sum_i x_i p_i$ |",
    "| Std dev | $\\sigma = \\sqrt{\\operatorname{Var}(X)}$ |",
  ].join("\n"),
  withCode: [
    "In Python, `x ** 2` computes $x^2$:",
    "",
    "```python",
    "price = '$5'  # $x$ stays code",
    "print(f'{x}$$')",
    "```",
    "",
    "$$",
    "\\begin{pmatrix} a & b \\\\ c & d \\end{pmatrix}",
    "$$",
  ].join("\n"),
};

describe("math in rendered answers", () => {
  it("inline and display formulas are typeset, with no delimiters left in the text", () => {
    const html = render(CORPUS.gptStyle);
    expect(count(html, 'data-testid="math-inline"')).toBe(7);
    expect(count(html, 'data-testid="math-display"')).toBe(2);
    expect(html).not.toContain("math-source");
    const visible = html.replace(/<annotation[\s\S]*?<\/annotation>/g, "").replace(/<[^>]+>/g, "");
    expect(visible).not.toMatch(/\\\(|\\\)|\\\[|\\\]|\$/);
    // The LaTeX is kept for copying (copy-tex reads the MathML annotation).
    expect(html).toContain('<annotation encoding="application/x-tex">x = \\frac{-b \\pm \\sqrt{b^2 - 4ac}}{2a}</annotation>');
    // The display formula in the list item stays inside it.
    expect(html).toMatch(/<li>[^]*?data-testid="math-display"[^]*?<\/li>/);
  });

  it("currency next to math stays text, math in table cells is typeset", () => {
    const html = render(CORPUS.claudeStyle);
    expect(html).toContain("costs $5 and pays $10 later");
    expect(count(html, 'data-testid="math-inline"')).toBe(5);
    expect(count(html, 'data-testid="math-display"')).toBe(1);
    expect(html).toMatch(/<td><span class="math math-inline"/);
  });

  it("code spans and blocks keep their dollars; highlighting does not touch formulas", () => {
    const html = render(CORPUS.withCode);
    expect(html).toContain("<code>x ** 2</code>");
    expect(html).toContain("$x$ stays code");
    expect(html).toContain("hljs"); // the Python block is highlighted...
    expect(count(html, 'data-testid="math-inline"')).toBe(1);
    const display = html.slice(html.indexOf('data-testid="math-display"'));
    expect(display).toContain("katex-display");
    expect(display).not.toContain("hljs"); // ...the formula is not
    expect(count(html, 'data-testid="code-block"')).toBe(1); // and no code-block chrome around it
  });

  it("an invalid formula reads as its source, never as KaTeX's error markup", () => {
    const html = render("Broken: $\\frac{1}{$ and $\\notacommand{x}$ but $x$ works.\n\n$$\n\\begin{matrix} a\n$$");
    expect(html).not.toContain("katex-error");
    expect(html).not.toMatch(/#cc0000/i);
    expect(html).toContain('<code class="math-source" data-testid="math-source" title="This formula could not be typeset">$\\frac{1}{$</code>');
    expect(html).toContain("$\\notacommand{x}$");
    expect(html).toContain("$$\\begin{matrix} a$$");
    expect(count(html, 'data-testid="math-inline"')).toBe(1);
  });

  it("before KaTeX is there (the browser loading it), formulas read as their source", () => {
    const html = render("Euler: $e^{i\\pi}+1=0$", null);
    expect(html).toContain('<code class="math-source" data-testid="math-source">$e^{i\\pi}+1=0$</code>');
    expect(html).not.toContain("katex");
  });

  it("every prefix of a streaming math answer renders without an error box", () => {
    const answer = `${CORPUS.gptStyle}\n\n${CORPUS.claudeStyle}`;
    const step = 3;
    for (let end = 1; end <= answer.length; end += step) {
      const prefix = answer.slice(0, end);
      const html = render(prefix);
      expect(html, JSON.stringify(prefix)).not.toContain("katex-error");
      expect(html, JSON.stringify(prefix)).not.toMatch(/#cc0000/i);
    }
    // An unclosed formula is text until its closing delimiter arrives.
    expect(render("The energy is $E=mc^2")).not.toContain("katex");
    expect(render("Then\n\n$$\n\\int_0^1 x")).not.toContain("katex");
    expect(render("Then \\[ \\int_0^1 x")).not.toContain("katex");
  }, 120_000); // a few hundred Markdown renders: slow on a busy machine

  it("text with math never takes the plain-prose shortcut", () => {
    expect(isPlainProse("The area is $\\pi r^2$")).toBe(false);
    expect(isPlainProse("The area is \\(\\pi r^2\\)")).toBe(false);
    expect(isPlainProse("It costs $5")).toBe(false);
    expect(render("The area is $r^2$")).toContain("katex");
  });

  it("formulas in quotes and table cells render in place", () => {
    const quote = render("> Recall:\n> \\[\n> x^2\n> \\]\n> done");
    expect(quote).toMatch(/<blockquote>[^]*data-testid="math-display"[^]*done[^]*<\/blockquote>/);
    const table = render("| name | formula |\n|---|---|\n| norm | $|x|$ |");
    expect(table).toMatch(/<td>norm<\/td><td><span class="math math-inline"/);
    expect(table).toContain('<annotation encoding="application/x-tex">\\vert x\\vert</annotation>');
  });

  it("a display formula with blank lines stays one block when the answer is split", () => {
    const long = `${"Words in a paragraph. ".repeat(40)}\n\n\\[\na = b\n\n+ c\n\\]\n\nAfter.`;
    const blocks = splitMarkdownBlocks(normalizeMath(long).text);
    expect(blocks).toHaveLength(3);
    expect(blocks[1]).toContain("a = b\n\n+ c");
  });
});
