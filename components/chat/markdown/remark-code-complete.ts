// Marks each fenced code block whose closing fence is present in the source (`data-complete` on
// its <code>). Markdown closes an unclosed fence at the end of the text, so while an answer
// streams, a block still arriving parses exactly like a finished one: only the source tells
// them apart. A Mermaid block is drawn only once it is complete (code-block.tsx).
import type { Code, Root, RootContent } from "mdast";
import type { VFile } from "vfile";

type Parent = Root | Extract<RootContent, { children: unknown }>;

const OPENING_FENCE = /^[ \t]*(`{3,}|~{3,})/;
/** A closing fence alone on its line, after any blockquote markers and indentation. */
const CLOSING_FENCE = /^(?:[ \t]*>)*[ \t]*(`{3,}|~{3,})[ \t]*$/;
const LINE_BREAK = /\r\n|\r|\n/;

/**
 * Whether the source of a fenced code block (from its opening fence to where the parser ended it)
 * ends with its closing fence. `value` is the block's content as parsed.
 */
export function endsWithClosingFence(source: string, value: string): boolean {
  const lines = source.split(LINE_BREAK);
  if (lines.length < 2) return false;
  const opening = OPENING_FENCE.exec(lines[0])?.[1];
  const closing = CLOSING_FENCE.exec(lines[lines.length - 1])?.[1];
  if (!opening || !closing) return false;
  if (closing[0] !== opening[0] || closing.length < opening.length) return false;
  // The last line looks like a fence but may be content (indented too far to close): then the
  // content runs to the last line instead of stopping one line before it.
  const contentLines = value === "" ? null : value.split(LINE_BREAK).length;
  return contentLines === null || lines.length === contentLines + 2;
}

function markCode(node: Code, text: string): void {
  const start = node.position?.start.offset;
  const end = node.position?.end.offset;
  if (start === undefined || end === undefined) return;
  if (!endsWithClosingFence(text.slice(start, end), node.value)) return;
  node.data ??= {};
  node.data.hProperties = { ...node.data.hProperties, dataComplete: "true" };
}

function visit(node: Parent, text: string): void {
  for (const child of node.children) {
    if (child.type === "code") markCode(child, text);
    else if ("children" in child) visit(child, text);
  }
}

/** remark plugin: `data-complete="true"` on the <code> of every fenced block that has its closing fence. */
export function remarkCodeComplete() {
  return (tree: Root, file: VFile) => visit(tree, String(file.value ?? ""));
}
