"use client";

// The frame of a code block: its header (language, controls) and its body (the <pre> rendered
// by the Markdown, server or browser, passed in as children). The controls read the code from
// that <pre> at click time, so the code travels once, in the markup. Wrap and collapse start off
// on the server and in the browser alike, so the frame hydrates without a mismatch.
import { useId, useRef, useState, type ReactNode } from "react";
import { ChevronDown, ChevronUp, Download, WrapText } from "lucide-react";
import { Button } from "@/components/ui/button";
import { cn } from "@/lib/utils";
import { BlockAction } from "./block-action";
import { snippetFileName } from "./code-language";
import { CopyCodeButton } from "./copy-code-button";
import { downloadText } from "./download";

/** Blocks longer than this collapse (once complete: a block still streaming stays open). */
export const COLLAPSE_ABOVE_LINES = 25;
/** How many lines a collapsed block shows (the body's height, in the <pre>'s own line height). */
const COLLAPSED_HEIGHT = "[&>pre]:max-h-[calc(15lh+1.5rem+2px)]";

export type CodeBlockFrameProps = {
  language: string | null;
  lineCount: number;
  /** The closing fence has arrived (see remark-code-complete.ts). */
  complete: boolean;
  /** Controls of this kind of block, first in the header's row (a diagram's view toggle, a preview). */
  actions?: ReactNode;
  /** Shown under the code (a diagram's error). */
  notice?: ReactNode;
  children: ReactNode;
};

export function CodeBlockFrame({ language, lineCount, complete, actions, notice, children }: CodeBlockFrameProps) {
  const frame = useRef<HTMLDivElement>(null);
  const bodyId = useId();
  const [wrapped, setWrapped] = useState(false);
  const [expanded, setExpanded] = useState(false);
  const collapsible = complete && lineCount > COLLAPSE_ABOVE_LINES;
  const collapsed = collapsible && !expanded;
  const fileName = snippetFileName(language);
  const codeText = () => frame.current?.querySelector("pre")?.textContent ?? "";

  return (
    <div
      ref={frame}
      className="relative my-3"
      data-testid="code-block"
      data-language={language ?? "text"}
      data-complete={complete}
      data-wrapped={wrapped}
      data-collapsed={collapsed}
    >
      <div className="flex items-center justify-between gap-2 rounded-t-md border border-b-0 border-border bg-muted/60 px-3 py-1 text-xs text-muted-foreground">
        <span data-testid="code-language" className="truncate font-mono">
          {language ?? "text"}
        </span>
        <div className="flex shrink-0 items-center gap-0.5" data-testid="code-actions">
          {actions}
          <BlockAction
            label="Wrap long lines"
            title={wrapped ? "Don't wrap lines" : "Wrap long lines"}
            testId="code-wrap"
            pressed={wrapped}
            onClick={() => setWrapped((on) => !on)}
          >
            <WrapText aria-hidden className="size-3.5" />
          </BlockAction>
          <BlockAction label={`Download as ${fileName}`} testId="download-code" onClick={() => downloadText(codeText(), fileName)}>
            <Download aria-hidden className="size-3.5" />
          </BlockAction>
          <CopyCodeButton />
        </div>
      </div>
      <div
        id={bodyId}
        data-testid="code-body"
        className={cn(
          // Its own width never widens the answer: a long line scrolls (or wraps) inside the block.
          "relative [contain:inline-size]",
          wrapped && "[&>pre]:break-words [&>pre]:whitespace-pre-wrap [&>pre>code]:whitespace-pre-wrap",
          collapsed && [COLLAPSED_HEIGHT, "[&>pre]:overflow-y-hidden"],
        )}
      >
        {children}
        {collapsed && (
          <div
            aria-hidden
            className="pointer-events-none absolute inset-x-px bottom-px h-10 rounded-b-md bg-linear-to-t from-(--code-background) to-transparent"
          />
        )}
      </div>
      {notice}
      {collapsible && (
        <div className="mt-1 flex justify-center">
          <Button
            type="button"
            variant="ghost"
            size="sm"
            className="h-7 text-xs text-muted-foreground"
            aria-expanded={expanded}
            aria-controls={bodyId}
            data-testid="code-expand"
            onClick={() => setExpanded((open) => !open)}
          >
            {expanded ? <ChevronUp aria-hidden className="size-3.5" /> : <ChevronDown aria-hidden className="size-3.5" />}
            {expanded ? "Show less" : `Show all ${lineCount} lines`}
          </Button>
        </div>
      )}
    </div>
  );
}
