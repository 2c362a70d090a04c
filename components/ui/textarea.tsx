"use client";

import * as React from "react";

import { cn } from "@/lib/utils";
import { fieldClassName } from "@/components/ui/input";

type TextareaProps = React.ComponentProps<"textarea"> & {
  /**
   * Grow with the content (no inner scrollbar) until the CSS max-height is
   * reached, e.g. `<Textarea autoGrow className="max-h-60" />`. Works for both
   * controlled and uncontrolled use.
   */
  autoGrow?: boolean;
};

function assignRef<T>(ref: React.Ref<T> | undefined, value: T | null): void {
  if (typeof ref === "function") ref(value);
  else if (ref) ref.current = value;
}

function resize(el: HTMLTextAreaElement): void {
  // Reset first so the box can also shrink, then fit the content. scrollHeight
  // excludes borders, so add them back (box-sizing is border-box).
  el.style.height = "auto";
  const borders = el.offsetHeight - el.clientHeight;
  el.style.height = `${el.scrollHeight + borders}px`;
  const maxHeight = Number.parseFloat(getComputedStyle(el).maxHeight);
  el.style.overflowY = Number.isFinite(maxHeight) && el.scrollHeight + borders > maxHeight ? "auto" : "hidden";
}

function Textarea({ className, autoGrow = false, ref, onInput, rows, ...props }: TextareaProps) {
  const innerRef = React.useRef<HTMLTextAreaElement | null>(null);

  const setRefs = React.useCallback(
    (node: HTMLTextAreaElement | null) => {
      innerRef.current = node;
      assignRef(ref, node);
    },
    [ref],
  );

  // Re-measure after every render where the (controlled) value may have changed
  // and when the element's width changes (wrapping changes the height).
  const { value } = props;
  React.useLayoutEffect(() => {
    const el = innerRef.current;
    if (!autoGrow || !el) return;
    resize(el);
  }, [autoGrow, value]);

  React.useEffect(() => {
    const el = innerRef.current;
    if (!autoGrow || !el || typeof ResizeObserver === "undefined") return;
    let lastWidth = el.clientWidth;
    const observer = new ResizeObserver(() => {
      if (el.clientWidth !== lastWidth) {
        lastWidth = el.clientWidth;
        resize(el);
      }
    });
    observer.observe(el);
    return () => observer.disconnect();
  }, [autoGrow]);

  return (
    <textarea
      ref={setRefs}
      data-slot="textarea"
      rows={rows ?? (autoGrow ? 1 : undefined)}
      onInput={(event) => {
        if (autoGrow) resize(event.currentTarget);
        onInput?.(event);
      }}
      className={cn(fieldClassName, "flex min-h-16 px-3 py-2", autoGrow && "min-h-9 resize-none overflow-y-hidden", className)}
      {...props}
    />
  );
}

export { Textarea, type TextareaProps };
