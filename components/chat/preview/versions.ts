// The versions of a previewed block: the previewable blocks of the same kind in the
// conversation's answers, in order. Read from the answers' Markdown (the messages the page holds),
// with the same parser the renderer uses, so a block's code here equals the code its button shows.
import { fromMarkdown } from "mdast-util-from-markdown";
import type { ChatUIMessage } from "@/lib/chat/types";
import type { PreviewKind } from "./frame-protocol";
import { previewKind } from "./previewable";

type MdNode = { type: string; lang?: string | null; value?: string; children?: MdNode[] };

function collect(node: MdNode, kind: PreviewKind, into: string[]): void {
  if (node.type === "code" && typeof node.value === "string" && previewKind(node.lang, node.value) === kind) into.push(node.value);
  node.children?.forEach((child) => collect(child, kind, into));
}

export function previewVersions(messages: readonly ChatUIMessage[], kind: PreviewKind): string[] {
  const versions: string[] = [];
  for (const message of messages) {
    if (message.role !== "assistant") continue;
    for (const part of message.parts) {
      if (part.type === "text" && part.text) collect(fromMarkdown(part.text), kind, versions);
    }
  }
  return versions;
}
