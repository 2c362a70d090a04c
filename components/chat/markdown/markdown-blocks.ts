// Splits Markdown into top-level blocks so a streaming answer re-parses only its last block:
// every finished block keeps its text, and <MarkdownBlock> is memoized on that text.
//
// A split happens only where it cannot change the rendering: at a blank line outside a
// fenced code block or display formula (a `$$` fence, as math-delimiters.ts writes them), before a line that starts at column 0 and is not a list item (so
// loose lists and indented continuations stay whole). Texts with link reference or
// footnote definitions are never split (a definition must be parsed with its uses).

const FENCE_OPEN = /^ {0,3}(`{3,}|~{3,})/;
/** A display formula's fence: a line of dollars alone (indented inside a list item). */
const MATH_FENCE = /^[ \t]*(\${2,})[ \t]*$/;
const LIST_ITEM = /^(?:[-*+]|\d{1,9}[.)])(?:\s|$)/;
const DEFINITION = /^ {0,3}\[[^\]]+\]:/m;
/** Below this size a single parse is cheaper than the bookkeeping. */
const MIN_SPLIT_LENGTH = 600;

export function splitMarkdownBlocks(text: string): string[] {
  if (text.length < MIN_SPLIT_LENGTH || DEFINITION.test(text)) return [text];
  const lines = text.split("\n");
  const blocks: string[] = [];
  let current: string[] = [];
  let hasContent = false;
  let fence: string | null = null;
  let afterBlank = false;

  const flush = () => {
    blocks.push(current.join("\n"));
    current = [];
    hasContent = false;
  };

  for (const line of lines) {
    if (fence !== null) {
      current.push(line);
      const close = fence[0] === "$" ? MATH_FENCE.exec(line) : FENCE_OPEN.exec(line);
      if (close && close[1][0] === fence[0] && close[1].length >= fence.length && line.trim() === close[1]) fence = null;
      continue;
    }
    if (line.trim() === "") {
      current.push(line);
      afterBlank = true;
      continue;
    }
    const startsBlock = afterBlank && hasContent && /^\S/.test(line) && !LIST_ITEM.test(line);
    if (startsBlock) flush();
    const open = FENCE_OPEN.exec(line) ?? MATH_FENCE.exec(line);
    if (open) fence = open[1];
    current.push(line);
    hasContent = true;
    afterBlank = false;
  }
  if (current.length > 0) flush();
  return blocks;
}
