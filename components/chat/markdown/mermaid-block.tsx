"use client";

// A complete ```mermaid block: shown as its code until Mermaid (loaded on demand) has drawn it —
// which is also what the server renders, so hydration matches — then as the diagram, with a
// toggle back to the code, copy of the source and downloads as SVG and PNG. A block that does not
// parse stays code, with the parser's message under it.
import { useEffect, useRef, useState } from "react";
import { useTheme } from "next-themes";
import { Code, Download, ImageDown } from "lucide-react";
import { toast } from "@/components/ui/toaster";
import { CopyButton } from "../message/copy-button";
import { BlockAction } from "./block-action";
import { CodeBlockFrame } from "./code-block-frame";
import { pngOf, svgDocument } from "./diagram-export";
import { downloadBlob, downloadText } from "./download";
import { drawDiagram, type DiagramTheme, type DrawnDiagram } from "./mermaid-loader";
import { PendingDiagram, type DiagramBlockProps } from "./pending-diagram";

function pageTheme(): DiagramTheme {
  return document.documentElement.classList.contains("dark") ? "dark" : "light";
}

function ViewCodeToggle({ pressed, onToggle }: { pressed: boolean; onToggle: () => void }) {
  return (
    <BlockAction
      label="View diagram as code"
      title={pressed ? "View as diagram" : "View as code"}
      testId="diagram-view-code"
      pressed={pressed}
      onClick={onToggle}
    >
      <Code aria-hidden className="size-3.5" />
    </BlockAction>
  );
}

export function MermaidBlock({ source, lineCount, children }: DiagramBlockProps) {
  // The theme only triggers a redraw; the page's class is the truth (set before hydration).
  const { resolvedTheme } = useTheme();
  const [drawn, setDrawn] = useState<DrawnDiagram | null>(null);
  const [showCode, setShowCode] = useState(false);
  const diagram = useRef<HTMLDivElement>(null);

  useEffect(() => {
    let current = true;
    void drawDiagram(source, pageTheme()).then((result) => {
      if (current) setDrawn(result);
    });
    return () => {
      current = false;
    };
  }, [source, resolvedTheme]);

  const state = drawn?.ok ? "drawn" : "error";
  const toggle = <ViewCodeToggle pressed={showCode} onToggle={() => setShowCode((on) => !on)} />;

  // The first render matches the server's (and the lazy fallback's): the code, pending.
  if (drawn === null) {
    return (
      <PendingDiagram source={source} lineCount={lineCount}>
        {children}
      </PendingDiagram>
    );
  }
  if (!drawn.ok || showCode) {
    const notice = drawn.ok ? undefined : (
      <p role="alert" data-testid="diagram-error" className="mt-1 text-xs text-destructive">
        This diagram could not be drawn: {drawn.error}
      </p>
    );
    return (
      <div data-testid="diagram-block" data-state={state} data-view="code">
        <CodeBlockFrame language="mermaid" lineCount={lineCount} complete actions={drawn.ok ? toggle : undefined} notice={notice}>
          {children}
        </CodeBlockFrame>
      </div>
    );
  }

  const svgElement = () => diagram.current?.querySelector("svg") ?? null;
  const saveSvg = () => {
    const svg = svgElement();
    if (svg) downloadText(svgDocument(svg), "diagram.svg", "image/svg+xml");
  };
  const savePng = async () => {
    const svg = svgElement();
    if (!svg || !diagram.current) return;
    try {
      downloadBlob(await pngOf(svg, getComputedStyle(diagram.current).backgroundColor), "diagram.png");
    } catch {
      toast({ title: "Could not make the PNG", variant: "destructive" });
    }
  };

  return (
    <div data-testid="diagram-block" data-state={state} data-view="diagram" className="my-3">
      <div className="flex items-center justify-between gap-2 rounded-t-md border border-b-0 border-border bg-muted/60 px-3 py-1 text-xs text-muted-foreground">
        <span data-testid="code-language" className="font-mono">
          mermaid
        </span>
        <div className="flex shrink-0 items-center gap-0.5" data-testid="diagram-actions">
          {toggle}
          <BlockAction label="Download as SVG" testId="download-svg" onClick={saveSvg}>
            <Download aria-hidden className="size-3.5" />
          </BlockAction>
          <BlockAction label="Download as PNG" testId="download-png" onClick={() => void savePng()}>
            <ImageDown aria-hidden className="size-3.5" />
          </BlockAction>
          <CopyButton data-testid="copy-diagram" label="Copy diagram source" className="size-6" getText={() => source} />
        </div>
      </div>
      <div
        ref={diagram}
        role="group"
        aria-label="Mermaid diagram"
        data-testid="diagram-svg"
        className="overflow-x-auto rounded-b-md border border-border bg-background p-3 [&>svg]:mx-auto [&>svg]:block [&>svg]:h-auto"
        dangerouslySetInnerHTML={{ __html: drawn.svg }}
      />
    </div>
  );
}
