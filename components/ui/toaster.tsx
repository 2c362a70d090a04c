"use client";

/*
 * A deliberately tiny toast system.
 *
 * Why not a library: `sonner` isn't a dependency, and Radix Toast needs a
 * provider + per-toast component state wired through the tree, which fights the
 * imperative `toast({...})` call sites we want (e.g. after a server action).
 * Our needs are small — a queue, auto-dismiss that pauses on hover/focus, one
 * optional action button (Undo) and a polite live region — so ~200 lines of our
 * own code beat a new dependency.
 *
 * Usage: render <Toaster /> once (root layout), then from any client code:
 *   toast({ title: "Conversation deleted", action: { label: "Undo", onClick: restore } });
 *   toast({ title: "Save failed", description: err.message, variant: "destructive" });
 *   const id = toast({ title: "Working…" }); toast.dismiss(id);
 *
 * Accessibility: the container is a role="status" (aria-live="polite") region
 * that is present from the first render, so screen readers announce toasts as
 * they are inserted. Toasts never steal focus; each is dismissable with its ×
 * button or Escape when focused, and timers pause while hovered or focused
 * (WCAG 2.2.1). Toasts with an action stay up longer.
 */

import * as React from "react";
import { CircleCheckIcon, CircleAlertIcon, InfoIcon, TriangleAlertIcon, XIcon } from "lucide-react";

import { cn } from "@/lib/utils";

type ToastVariant = "default" | "success" | "warning" | "destructive";

type ToastAction = {
  label: string;
  onClick: () => void;
};

type ToastOptions = {
  /** Reuse an id to replace an existing toast instead of stacking a new one. */
  id?: string;
  title: React.ReactNode;
  description?: React.ReactNode;
  variant?: ToastVariant;
  action?: ToastAction;
  /** Milliseconds before auto-dismiss; Infinity keeps it until dismissed.
   *  Default 5000, or 8000 when there is an action. */
  duration?: number;
  /** Called after the toast is removed (timeout, × button or toast.dismiss). */
  onDismiss?: () => void;
};

type ToastRecord = ToastOptions & { id: string; variant: ToastVariant; duration: number };

const MAX_VISIBLE = 4;
const DEFAULT_DURATION = 5000;
const ACTION_DURATION = 8000;

/* ---------------------------------------------------------------- store -- */

let toasts: readonly ToastRecord[] = [];
const EMPTY: readonly ToastRecord[] = [];
const listeners = new Set<() => void>();
let counter = 0;

function emit(next: readonly ToastRecord[]): void {
  toasts = next;
  for (const listener of listeners) listener();
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => {
    listeners.delete(listener);
  };
}

function dismiss(id?: string): void {
  const removed = id === undefined ? toasts : toasts.filter((t) => t.id === id);
  if (removed.length === 0) return;
  emit(id === undefined ? [] : toasts.filter((t) => t.id !== id));
  for (const t of removed) t.onDismiss?.();
}

function show(options: ToastOptions): string {
  const id = options.id ?? `toast-${++counter}`;
  const record: ToastRecord = {
    ...options,
    id,
    variant: options.variant ?? "default",
    duration: options.duration ?? (options.action ? ACTION_DURATION : DEFAULT_DURATION),
  };
  const exists = toasts.some((t) => t.id === id);
  const next = exists ? toasts.map((t) => (t.id === id ? record : t)) : [...toasts, record];
  // Drop the oldest beyond the cap (silently: their onDismiss still runs).
  const overflow = next.slice(0, Math.max(0, next.length - MAX_VISIBLE));
  emit(next.slice(-MAX_VISIBLE));
  for (const t of overflow) t.onDismiss?.();
  return id;
}

/** Show a toast; returns its id. `toast.dismiss(id?)` removes one (or all). */
const toast: ((options: ToastOptions) => string) & { dismiss: (id?: string) => void } = Object.assign(show, { dismiss });

/** Current toasts (for custom renderers/tests). */
function useToasts(): readonly ToastRecord[] {
  return React.useSyncExternalStore(
    subscribe,
    () => toasts,
    () => EMPTY,
  );
}

/* ------------------------------------------------------------------- UI -- */

const variantStyles: Record<ToastVariant, { className: string; icon: React.ReactNode }> = {
  default: {
    className: "border-border",
    icon: <InfoIcon aria-hidden="true" className="text-muted-foreground" />,
  },
  success: {
    className: "border-success/40",
    icon: <CircleCheckIcon aria-hidden="true" className="text-success" />,
  },
  warning: {
    className: "border-warning/60",
    icon: <TriangleAlertIcon aria-hidden="true" className="text-warning-foreground dark:text-warning" />,
  },
  destructive: {
    className: "border-destructive/50",
    icon: <CircleAlertIcon aria-hidden="true" className="text-destructive" />,
  },
};

function ToastItem({ item }: { item: ToastRecord }) {
  const [paused, setPaused] = React.useState(false);
  const remaining = React.useRef(item.duration);

  // Reset the countdown when the toast is replaced (same id, new content).
  React.useEffect(() => {
    remaining.current = item.duration;
  }, [item]);

  React.useEffect(() => {
    if (paused || !Number.isFinite(remaining.current)) return;
    const started = Date.now();
    const timer = window.setTimeout(() => dismiss(item.id), remaining.current);
    return () => {
      window.clearTimeout(timer);
      remaining.current -= Date.now() - started;
    };
  }, [paused, item]);

  const { className: variantClass, icon } = variantStyles[item.variant];

  return (
    <div
      data-testid="toast"
      data-variant={item.variant}
      className={cn(
        "pointer-events-auto relative flex w-full items-start gap-3 rounded-lg border bg-popover p-4 pr-10 text-sm text-popover-foreground shadow-lg",
        "animate-toast-in [&>svg]:mt-0.5 [&>svg]:size-4 [&>svg]:shrink-0",
        variantClass,
      )}
      onMouseEnter={() => setPaused(true)}
      onMouseLeave={() => setPaused(false)}
      onFocus={() => setPaused(true)}
      onBlur={(event) => {
        if (!event.currentTarget.contains(event.relatedTarget)) setPaused(false);
      }}
      onKeyDown={(event) => {
        if (event.key === "Escape") {
          event.stopPropagation();
          dismiss(item.id);
        }
      }}
    >
      {icon}
      <div className="grid min-w-0 flex-1 gap-1">
        <div data-testid="toast-title" className="leading-5 font-medium">
          {item.title}
        </div>
        {item.description != null && (
          <div data-testid="toast-description" className="text-muted-foreground">
            {item.description}
          </div>
        )}
        {item.action && (
          <div className="mt-1.5">
            <button
              type="button"
              data-testid="toast-action"
              className={cn(
                "inline-flex h-7 items-center rounded-md border border-input bg-background px-2.5 text-xs font-medium shadow-xs",
                "transition-colors outline-none hover:bg-accent hover:text-accent-foreground",
                "focus-visible:ring-[3px] focus-visible:ring-ring/50",
              )}
              onClick={() => {
                item.action?.onClick();
                dismiss(item.id);
              }}
            >
              {item.action.label}
            </button>
          </div>
        )}
      </div>
      <button
        type="button"
        data-testid="toast-close"
        aria-label="Dismiss notification"
        className={cn(
          "absolute top-3 right-3 inline-flex size-6 items-center justify-center rounded-md text-muted-foreground",
          "transition-colors outline-none hover:bg-accent hover:text-accent-foreground",
          "focus-visible:ring-[3px] focus-visible:ring-ring/50 [&_svg]:size-4",
        )}
        onClick={() => dismiss(item.id)}
      >
        <XIcon aria-hidden="true" />
      </button>
    </div>
  );
}

type ToasterProps = Omit<React.ComponentProps<"section">, "children"> & {
  /** Accessible name of the notifications region. */
  label?: string;
};

/** Mount once, near the end of <body>. */
function Toaster({ className, label = "Notifications", ...props }: ToasterProps) {
  const items = useToasts();
  return (
    <section
      aria-label={label}
      data-testid="toaster"
      className={cn(
        "pointer-events-none fixed inset-x-0 bottom-0 z-[100] flex justify-center p-4",
        "sm:inset-x-auto sm:right-0 sm:justify-end",
        className,
      )}
      {...props}
    >
      <div role="status" aria-live="polite" aria-atomic="false" aria-relevant="additions text" className="flex w-full flex-col gap-2 sm:w-[22rem]">
        {items.map((item) => (
          <ToastItem key={item.id} item={item} />
        ))}
      </div>
    </section>
  );
}

export { Toaster, toast, useToasts, type ToasterProps, type ToastOptions, type ToastAction, type ToastVariant };
