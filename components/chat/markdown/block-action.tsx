"use client";

// One small icon button in a code block's or a diagram's header: the same size, look and naming
// for every control there (wrap, download, view as code…). `pressed` makes it a toggle.
import type { ReactNode } from "react";
import { Button } from "@/components/ui/button";

type BlockActionProps = {
  /** The accessible name; also the tooltip unless `title` says what a press will do instead. */
  label: string;
  title?: string;
  testId: string;
  pressed?: boolean;
  onClick: () => void;
  /** The icon (decorative: the label names the control). */
  children: ReactNode;
};

export function BlockAction({ label, title, testId, pressed, onClick, children }: BlockActionProps) {
  return (
    <Button
      type="button"
      variant="ghost"
      size="icon-sm"
      className="size-6 aria-pressed:bg-accent aria-pressed:text-accent-foreground"
      aria-pressed={pressed}
      aria-label={label}
      title={title ?? label}
      data-testid={testId}
      onClick={onClick}
    >
      {children}
    </Button>
  );
}
