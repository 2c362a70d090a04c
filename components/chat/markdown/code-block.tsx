// A fenced code block as the Markdown renders it (the `pre` override of markdown-core.tsx), on
// the server for saved answers and in the browser for streamed ones: no hooks here. The frame
// around it (controls, wrap, collapse) and a Mermaid diagram are client components.
import type { ComponentProps } from "react";
import type { ExtraProps } from "react-markdown";
import { cn } from "@/lib/utils";
import { PreviewButton } from "../preview/preview-button";
import { blockCode, previewKind } from "../preview/previewable";
import { CodeBlockFrame } from "./code-block-frame";
import { DiagramBlock } from "./diagram-block";
import { textOf } from "./hast-text";

type Element = NonNullable<ExtraProps["node"]>;

function codeOf(pre: Element | undefined): Element | undefined {
  return pre?.children.find((child): child is Element => child.type === "element" && child.tagName === "code");
}

/** The language of a `<code class="language-…">`, as the fence named it. */
export function languageOf(code: Element | undefined): string | null {
  const classes = code?.properties?.className;
  if (!Array.isArray(classes)) return null;
  for (const c of classes) {
    if (typeof c === "string" && c.startsWith("language-")) return c.slice("language-".length);
  }
  return null;
}

/** The code's lines (the fence's content ends with one line break, which starts no line). */
export function lineCountOf(text: string): number {
  const content = text.endsWith("\n") ? text.slice(0, -1) : text;
  return content === "" ? 0 : content.split("\n").length;
}

export function CodeBlock({ node, children, className, ...props }: ComponentProps<"pre"> & { node?: Element }) {
  const code = codeOf(node);
  const language = languageOf(code);
  const complete = String(code?.properties?.dataComplete) === "true";
  const text = code ? textOf(code) : "";
  const lineCount = lineCountOf(text);
  const pre = (
    <pre className={cn("mt-0! rounded-t-none!", className)} {...props}>
      {children}
    </pre>
  );
  // A diagram is drawn only from a whole block: while its fence is open it streams as code.
  if (complete && language?.toLowerCase() === "mermaid") {
    return (
      <DiagramBlock source={text.replace(/\n$/, "")} lineCount={lineCount}>
        {pre}
      </DiagramBlock>
    );
  }
  // The button (a client component) carries its code to the browser, so only blocks it can preview get one.
  const source = blockCode(text);
  const preview = previewKind(language, source) ? <PreviewButton language={language} code={source} /> : null;
  return (
    <CodeBlockFrame language={language} lineCount={lineCount} complete={complete} actions={preview}>
      {pre}
    </CodeBlockFrame>
  );
}
