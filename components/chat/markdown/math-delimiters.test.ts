import { describe, expect, it } from "vitest";
import { mayContainMath, normalizeMath } from "./math-delimiters";

/** The formulas remark-math will see in a normalized text, inline or display, in order. */
function formulas(text: string): string[] {
  const normalized = normalizeMath(text).text;
  const found: string[] = [];
  // Display fences on lines of their own, then inline `$$ … $$` inside a line.
  const pattern = /^[ \t]*(\${2,})\n([\s\S]*?)\n[ \t]*\1[ \t]*$|(?<!\\)(\${2,}) (.*?) \3/gm;
  for (const match of normalized.matchAll(pattern)) {
    if (match[2] !== undefined)
      found.push(
        `display:${match[2]
          .split("\n")
          .map((l) => l.trim())
          .join("\n")}`,
      );
    else found.push(`inline:${match[4]}`);
  }
  return found;
}

describe("normalizeMath: delimiters models write", () => {
  it("inline $…$ and \\(…\\)", () => {
    expect(formulas("Euler's identity $e^{i\\pi}+1=0$ is neat, as is \\(a^2+b^2=c^2\\).")).toEqual(["inline:e^{i\\pi}+1=0", "inline:a^2+b^2=c^2"]);
  });

  it("display $$…$$ and \\[…\\], on their own lines or spanning several", () => {
    const answer = [
      "The Basel problem:",
      "",
      "$$",
      "\\sum_{n=1}^{\\infty} \\frac{1}{n^2} = \\frac{\\pi^2}{6}",
      "$$",
      "",
      "and the Gaussian integral",
      "\\[",
      "\\int_{-\\infty}^{\\infty} e^{-x^2}\\,dx = \\sqrt{\\pi}",
      "\\]",
      "",
      "$$E = mc^2$$",
      "",
      "\\[ F = ma \\]",
    ].join("\n");
    expect(formulas(answer)).toEqual([
      "display:\\sum_{n=1}^{\\infty} \\frac{1}{n^2} = \\frac{\\pi^2}{6}",
      "display:\\int_{-\\infty}^{\\infty} e^{-x^2}\\,dx = \\sqrt{\\pi}",
      "display:E = mc^2",
      "display:F = ma",
    ]);
    expect(normalizeMath(answer).hasMath).toBe(true);
  });

  it("\\[ across lines starting mid-sentence, and inside a list item at its indentation", () => {
    expect(formulas("So we get \\[ x =\n \\frac{-b \\pm \\sqrt{b^2-4ac}}{2a} \\] which solves it.")).toEqual([
      "display:x =\n\\frac{-b \\pm \\sqrt{b^2-4ac}}{2a}",
    ]);
    const list = "1. Differentiate:\n   \\[\n   f'(x) = 2x\n   \\]\n2. Set it to zero.";
    expect(normalizeMath(list).text).toBe("1. Differentiate:\n   $$\n   f'(x) = 2x\n   $$\n2. Set it to zero.");
  });

  it("a display formula inside a sentence stays in the sentence", () => {
    expect(formulas("where $$x=1$$ holds and \\[y=2\\] too")).toEqual(["inline:x=1", "inline:y=2"]);
  });

  it("currency stays text (Pandoc's rule for single dollars)", () => {
    for (const text of [
      "it costs $5 and $10 later",
      "Prices rose from $1,200 to $1,500.",
      "between $5-$10 per month",
      "Pay $ 5 now and $ 6 later",
      "It's $20/month, or $200/year.",
      "We spent $3.50 on coffee and $4 on tea",
    ]) {
      expect(formulas(text), text).toEqual([]);
      expect(normalizeMath(text).hasMath, text).toBe(false);
    }
  });

  it("escaped dollars stay dollars, and do not open or close a formula", () => {
    expect(normalizeMath("It costs \\$5, and \\$x\\$ is no formula").text).toBe("It costs \\$5, and \\$x\\$ is no formula");
    expect(formulas("a price \\$5 and $x_i$")).toEqual(["inline:x_i"]);
    expect(formulas("$a \\$ b$")).toEqual(["inline:a \\$ b"]);
  });

  it("code spans and fenced code blocks are untouched", () => {
    const answer = [
      "Use `$HOME` and `\\(x\\)` in a shell; ``a $b$ c`` too.",
      "",
      "```bash",
      'echo "$PATH" $$ \\[x\\]',
      "$x$",
      "```",
      "",
      "~~~latex",
      "$$",
      "\\frac12",
      "~~~",
      "",
      "- item",
      "  ```",
      "  $y$",
      "  ```",
    ].join("\n");
    expect(normalizeMath(answer).text).toBe(answer);
    expect(normalizeMath(answer).hasMath).toBe(false);
  });

  it("math beside code: only the formula outside the code changes", () => {
    expect(normalizeMath("`$x$` is code, $x$ is math").text).toBe("`$x$` is code, $$ x $$ is math");
  });

  it("a formula cut mid-stream stays text: no open `$$` fence reaches Markdown", () => {
    const answer = "The area is $\\pi r^2$. Then\n\n$$\n\\int_0^1 x^2\\,dx = \\frac{1}{3}\n$$\n\nand \\(x\\) done.";
    for (let end = 0; end <= answer.length; end++) {
      const prefix = answer.slice(0, end);
      const normalized = normalizeMath(prefix).text;
      // Every `$$` that reaches Markdown is part of a complete formula.
      const fences = normalized.replace(/\\\$/g, "").match(/\$\$/g) ?? [];
      expect(fences.length % 2, JSON.stringify(prefix)).toBe(0);
    }
    expect(formulas("The value is $$\n\\frac{1}{2")).toEqual([]);
    expect(normalizeMath("The value is $$\n\\frac{1}{2").text).toBe("The value is \\$\\$\n\\frac{1}{2");
    expect(formulas("so \\(x^")).toEqual([]);
    expect(formulas("so $x^")).toEqual([]);
  });

  it("display math inside a block quote keeps its quote markers", () => {
    expect(normalizeMath("> Recall:\n> \\[\n> x^2\n> \\]\n> done").text).toBe("> Recall:\n> $$\n> x^2\n> $$\n> done");
  });

  it("in a table row, a `|` inside a formula does not end the cell", () => {
    expect(normalizeMath("| norm | $|x|$ |").text).toBe("| norm | $$ \\vert x\\vert $$ |");
    expect(normalizeMath("outside a table $|x|$").text).toBe("outside a table $$ |x| $$");
  });

  it("formulas side by side keep their own fences", () => {
    expect(formulas("$a$\\(b\\) and 5$\\(c\\)")).toEqual(["inline:a", "inline:b", "inline:c"]);
  });

  it("a `$` inside a formula gets a longer fence", () => {
    expect(normalizeMath("\\(a$b\\)").text).toBe("$$ a$b $$");
    expect(normalizeMath("\\(a$$b\\)").text).toBe("$$$ a$$b $$$");
  });

  it("texts without dollars or backslashes come back as they are", () => {
    const text = "Plain *Markdown* with a [link](https://example.com).";
    expect(normalizeMath(text)).toEqual({ text, hasMath: false });
    expect(mayContainMath(text)).toBe(false);
    expect(mayContainMath(normalizeMath("$x$").text)).toBe(true);
    expect(mayContainMath(normalizeMath("it costs $5").text)).toBe(false);
  });
});
