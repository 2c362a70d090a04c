"use client";

import type { ReactNode } from "react";
import { CodeBlockFrame } from "./code-block-frame";

export type DiagramBlockProps = {
  /** The diagram's source: the block's text. */
  source: string;
  lineCount: number;
  /** The block's <pre>, as the Markdown rendered it. */
  children: ReactNode;
};

/** A diagram not drawn yet: its code, and a word saying the drawing is coming. */
export function PendingDiagram({ lineCount, children }: DiagramBlockProps) {
  return (
    <div data-testid="diagram-block" data-state="pending" data-view="code">
      <CodeBlockFrame
        language="mermaid"
        lineCount={lineCount}
        complete
        notice={
          <p role="status" data-testid="diagram-pending" className="mt-1 text-xs text-muted-foreground">
            Drawing diagram…
          </p>
        }
      >
        {children}
      </CodeBlockFrame>
    </div>
  );
}
