// The math delimiters models write — `$…$`, `$$…$$`, `\(…\)`, `\[…\]` — rewritten to the one
// syntax remark-math parses here (its single-dollar form is off): `$$ … $$` inside a line for
// inline math, a `$$` fence on lines of its own for display math. Markdown would otherwise eat the
// backslash of `\(` and `\[` and take `_` and `*` inside a formula for emphasis.
//
// Deciding here, before Markdown sees the text, keeps the rules in one place:
// - code spans and fenced code blocks are copied untouched;
// - `\$` stays an escaped dollar;
// - a single `$` pairs only by Pandoc's rule (opening `$` followed by a non-space, closing `$`
//   preceded by a non-space and not followed by a digit, on the same line), so currency stays
//   text ("it costs $5 and $10 later");
// - a formula without its closing delimiter (still streaming) stays text: an unpaired `$$` is
//   escaped, so remark-math never sees an open fence that runs to the end of the answer.

/** A fenced code block's opening or closing line (also inside list items and quotes). */
const CODE_FENCE = /^(?:[ \t]*>)*[ \t]*(`{3,}|~{3,})/;

export type NormalizedMath = { text: string; hasMath: boolean };

/** Cheap pre-check: without a dollar or a backslash there is nothing to rewrite. */
const MAYBE_MATH = /[$\\]/;

/** `text` with every complete formula in remark-math's syntax; `hasMath` if there was one. */
export function normalizeMath(text: string): NormalizedMath {
  if (!MAYBE_MATH.test(text)) return { text, hasMath: false };
  const lines = text.split("\n");
  const out: string[] = [];
  let prose: string[] = [];
  let fence: string | null = null;
  let hasMath = false;

  const flushProse = () => {
    if (prose.length === 0) return;
    const rewritten = rewriteProse(prose.join("\n"));
    hasMath ||= rewritten.hasMath;
    out.push(rewritten.text);
    prose = [];
  };

  for (const line of lines) {
    const marker = CODE_FENCE.exec(line)?.[1];
    if (fence !== null) {
      out.push(line);
      if (marker && marker[0] === fence[0] && marker.length >= fence.length && line.slice(line.indexOf(marker) + marker.length).trim() === "")
        fence = null;
      continue;
    }
    if (marker && !(marker[0] === "`" && line.slice(line.indexOf(marker) + marker.length).includes("`"))) {
      flushProse();
      out.push(line);
      fence = marker;
      continue;
    }
    prose.push(line);
  }
  flushProse();
  return { text: out.join("\n"), hasMath };
}

/** The end of a backtick run starting at `from`. */
function runEnd(text: string, from: number, char: string): number {
  let end = from;
  while (text[end] === char) end++;
  return end;
}

/** Where a code span opened by `length` backticks at `from` closes (index after it), or -1. */
function codeSpanEnd(text: string, from: number, length: number): number {
  let i = from;
  while (i < text.length) {
    const next = text.indexOf("`", i);
    if (next < 0) return -1;
    const end = runEnd(text, next, "`");
    if (end - next === length) return end;
    i = end;
  }
  return -1;
}

/** Index of `closing` at or after `from`, skipping backslash escapes inside the formula; -1 if none before `limit`. */
function findClosing(text: string, from: number, closing: string, limit: number): number {
  for (let i = from; i < limit; i++) {
    if (text.startsWith(closing, i)) return i;
    if (text[i] === "\\") i++;
  }
  return -1;
}

/** The next blank line (the end of the paragraph) after `from`, or the text's end. */
function paragraphEnd(text: string, from: number): number {
  const blank = /\n[ \t]*\n/g;
  blank.lastIndex = from;
  return blank.exec(text)?.index ?? text.length;
}

function lineEnd(text: string, from: number): number {
  const end = text.indexOf("\n", from);
  return end < 0 ? text.length : end;
}

const SPACE = /\s/;
const DIGIT = /[0-9]/;

/** Closing `$` of a single-dollar formula opened at `open`, by Pandoc's rule; -1 if none. */
function singleDollarClose(text: string, open: number): number {
  const first = text[open + 1];
  if (first === undefined || SPACE.test(first) || first === "$") return -1;
  const limit = lineEnd(text, open);
  for (let i = open + 1; i < limit; i++) {
    const char = text[i];
    if (char === "\\") {
      i++;
      continue;
    }
    if (char === "`") return -1;
    if (char !== "$") continue;
    const before = text[i - 1]!;
    const after = text[i + 1];
    if (SPACE.test(before) || (after !== undefined && DIGIT.test(after))) return -1;
    return i;
  }
  return -1;
}

function longestDollarRun(text: string): number {
  let longest = 0;
  for (const match of text.matchAll(/\$+/g)) longest = Math.max(longest, match[0].length);
  return longest;
}

function lineStart(text: string, index: number): number {
  return text.lastIndexOf("\n", index - 1) + 1;
}

/**
 * Inline math. remark-math strips one space on each side, as in a code span; the longer fence
 * lets `$` appear inside. In a table row a `|` would end the cell: it becomes `\vert`.
 */
function inlineMath(text: string, open: number, latex: string): string {
  const inTable = text.slice(lineStart(text, open)).trimStart().startsWith("|");
  const content = (inTable ? latex.replace(/(?<!\\)\|(?=[a-zA-Z])/g, "\\vert ").replace(/(?<!\\)\|/g, "\\vert") : latex).replace(/\n/g, " ");
  const fence = "$".repeat(Math.max(2, longestDollarRun(content) + 1));
  return `${fence} ${content} ${fence}`;
}

/** The containers a line is in: block quote markers (kept) and list indentation (as spaces). */
const CONTAINER = /^((?:[ \t]*>)*)([ \t]*(?:(?:[-*+]|\d{1,9}[.)])[ \t]+)?)/;
const QUOTE_MARKERS = /^(?:[ \t]*>)*/;

/** Display math as a fence of its own lines, inside the containers of the line it starts on (lists, quotes). */
function displayMath(latex: string, indent: string, inQuote: boolean, midLine: boolean, trailing: boolean): string {
  const fence = "$".repeat(Math.max(2, longestDollarRun(latex) + 1));
  const lines = latex.split("\n").map((line) => (inQuote ? line.replace(QUOTE_MARKERS, "") : line).trim());
  while (lines[0] === "") lines.shift();
  while (lines.at(-1) === "") lines.pop();
  const body = lines.map((line) => indent + line).join("\n");
  return `${midLine ? `\n${indent}` : ""}${fence}\n${body}\n${indent}${fence}${trailing ? `\n${indent}` : ""}`;
}

/** A display formula gets fences of its own when it spans lines or fills its line; otherwise it stays in the sentence. */
function display(text: string, open: number, openLength: number, close: number, closeLength: number): string {
  const latex = text.slice(open + openLength, close);
  const prefix = text.slice(lineStart(text, open), open);
  const container = CONTAINER.exec(prefix)!;
  const indent = container[1]! + container[2]!.replace(/[^ \t]/g, " ").replace(/\t/g, "    ");
  const midLine = prefix.length > container[0].length;
  const after = text.slice(close + closeLength, lineEnd(text, close + closeLength));
  const trailing = after.trim() !== "";
  if (!latex.includes("\n") && (midLine || trailing)) return inlineMath(text, open, latex);
  return displayMath(latex, indent, container[1] !== "", midLine, trailing);
}

/** Two formulas side by side (`$a$\\(b\\)`) would merge their fences into one run of dollars. */
function separator(out: string): string {
  return /(?<!\\)\$$/.test(out) ? " " : "";
}

function rewriteProse(text: string): NormalizedMath {
  let out = "";
  let hasMath = false;
  let i = 0;
  while (i < text.length) {
    const char = text[i]!;
    if (char === "`") {
      const end = runEnd(text, i, "`");
      const close = codeSpanEnd(text, end, end - i);
      const stop = close < 0 ? end : close;
      out += text.slice(i, stop);
      i = stop;
      continue;
    }
    if (char === "\\") {
      const next = text[i + 1];
      if (next === "(" || next === "[") {
        const closing = next === "(" ? "\\)" : "\\]";
        const limit = next === "(" ? lineEnd(text, i) : paragraphEnd(text, i);
        const close = findClosing(text, i + 2, closing, limit);
        if (close >= 0 && text.slice(i + 2, close).trim() !== "") {
          out += separator(out) + (next === "(" ? inlineMath(text, i, text.slice(i + 2, close)) : display(text, i, 2, close, 2));
          hasMath = true;
          i = close + 2;
          continue;
        }
      }
      // Any other escape (`\$`, `\\`, `\*`) is Markdown's: copied as it is.
      out += text.slice(i, i + 2);
      i += 2;
      continue;
    }
    if (char === "$") {
      if (text[i + 1] === "$") {
        const close = findClosing(text, i + 2, "$$", text.length);
        if (close >= 0 && text.slice(i + 2, close).trim() !== "") {
          out += separator(out) + display(text, i, 2, close, 2);
          hasMath = true;
          i = close + 2;
        } else {
          // Not (yet) closed: text, and never an open fence for remark-math.
          out += "\\$\\$";
          i += 2;
        }
        continue;
      }
      const close = singleDollarClose(text, i);
      if (close >= 0) {
        out += separator(out) + inlineMath(text, i, text.slice(i + 1, close));
        hasMath = true;
        i = close + 1;
        continue;
      }
      out += "\\$";
      i++;
      continue;
    }
    out += char;
    i++;
  }
  return { text: out, hasMath };
}

/** A Markdown text already normalized contains `$$` exactly where it has math (or inside code). */
export function mayContainMath(normalized: string): boolean {
  return normalized.includes("$$");
}
