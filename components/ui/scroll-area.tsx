"use client";

import * as React from "react";
import { ScrollArea as ScrollAreaPrimitive } from "radix-ui";

import { cn } from "@/lib/utils";

type ScrollAreaProps = React.ComponentProps<typeof ScrollAreaPrimitive.Root> & {
  /**
   * Which axes scroll. "vertical" (default) lays content out at the viewport's
   * width so text wraps; "horizontal"/"both" let content grow wider.
   */
  orientation?: "vertical" | "horizontal" | "both";
  /** Ref to the scrolling element (use it for scrollTop / stick-to-bottom). */
  viewportRef?: React.Ref<HTMLDivElement>;
  viewportClassName?: string;
  /** Extra props for the scrolling element (e.g. onScroll, aria-label, tabIndex). */
  viewportProps?: Omit<React.ComponentProps<typeof ScrollAreaPrimitive.Viewport>, "ref" | "children">;
};

function ScrollArea({ className, children, orientation = "vertical", viewportRef, viewportClassName, viewportProps, ...props }: ScrollAreaProps) {
  return (
    <ScrollAreaPrimitive.Root data-slot="scroll-area" className={cn("relative overflow-hidden", className)} {...props}>
      <ScrollAreaPrimitive.Viewport
        data-slot="scroll-area-viewport"
        ref={viewportRef}
        disableImplicitContentElement
        {...viewportProps}
        className={cn(
          "size-full rounded-[inherit] outline-none transition-[box-shadow]",
          "focus-visible:ring-[3px] focus-visible:ring-ring/50 focus-visible:ring-inset",
          viewportClassName,
          viewportProps?.className,
        )}
      >
        <ScrollAreaPrimitive.Content
          data-slot="scroll-area-content"
          // Radix defaults to display:table (content grows to its widest child);
          // for vertical-only areas keep block layout so long lines wrap.
          style={orientation === "vertical" ? { display: "block" } : undefined}
        >
          {children}
        </ScrollAreaPrimitive.Content>
      </ScrollAreaPrimitive.Viewport>
      {orientation !== "horizontal" && <ScrollBar orientation="vertical" />}
      {orientation !== "vertical" && <ScrollBar orientation="horizontal" />}
      <ScrollAreaPrimitive.Corner />
    </ScrollAreaPrimitive.Root>
  );
}

function ScrollBar({ className, orientation = "vertical", ...props }: React.ComponentProps<typeof ScrollAreaPrimitive.Scrollbar>) {
  return (
    <ScrollAreaPrimitive.Scrollbar
      data-slot="scroll-area-scrollbar"
      orientation={orientation}
      className={cn(
        "flex touch-none p-px transition-colors select-none",
        orientation === "vertical" && "h-full w-2.5 border-l border-l-transparent",
        orientation === "horizontal" && "h-2.5 flex-col border-t border-t-transparent",
        className,
      )}
      {...props}
    >
      <ScrollAreaPrimitive.Thumb data-slot="scroll-area-thumb" className="relative flex-1 rounded-full bg-border hover:bg-muted-foreground/40" />
    </ScrollAreaPrimitive.Scrollbar>
  );
}

export { ScrollArea, ScrollBar, type ScrollAreaProps };
