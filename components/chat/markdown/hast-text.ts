// The text of a rendered Markdown tree, for every plugin and component that needs it (highlighting,
// math, code blocks and their previews) — one definition, so they all read a block the same way.

/** A hast node as far as its text goes: text nodes carry it, elements and roots hold children. */
export type TextBearing = { type: string; value?: string; children?: readonly TextBearing[] };

/** The text a reader sees: text nodes only (comments and raw HTML contribute nothing). */
export function textOf(node: TextBearing | undefined): string {
  if (!node) return "";
  if (node.type === "text") return node.value ?? "";
  return node.children?.map(textOf).join("") ?? "";
}
