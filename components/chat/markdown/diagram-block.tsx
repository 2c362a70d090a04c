"use client";

// A complete ```mermaid block. Its diagram view (controls, Mermaid's loader, the SVG and PNG
// exports) is a chunk of its own, fetched when a diagram appears, so the chat page's first load
// carries only this. Until it arrives the block shows what the diagram view first shows anyway:
// its code, waiting to be drawn.
import { lazy, Suspense } from "react";
import { PendingDiagram, type DiagramBlockProps } from "./pending-diagram";

const MermaidBlock = lazy(() => import("./mermaid-block").then((module) => ({ default: module.MermaidBlock })));

export function DiagramBlock(props: DiagramBlockProps) {
  return (
    <Suspense fallback={<PendingDiagram {...props} />}>
      <MermaidBlock {...props} />
    </Suspense>
  );
}
