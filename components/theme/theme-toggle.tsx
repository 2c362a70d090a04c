"use client";

import * as React from "react";
import { useTheme } from "next-themes";
import { MonitorIcon, MoonIcon, SunIcon, type LucideIcon } from "lucide-react";

import { cn } from "@/lib/utils";
import { Button } from "@/components/ui/button";
import {
  DropdownMenu,
  DropdownMenuContent,
  DropdownMenuLabel,
  DropdownMenuRadioGroup,
  DropdownMenuRadioItem,
  DropdownMenuSeparator,
  DropdownMenuTrigger,
} from "@/components/ui/dropdown-menu";

type ThemeValue = "light" | "dark" | "system";

const THEMES: ReadonlyArray<{ value: ThemeValue; label: string; icon: LucideIcon }> = [
  { value: "light", label: "Light", icon: SunIcon },
  { value: "dark", label: "Dark", icon: MoonIcon },
  { value: "system", label: "System", icon: MonitorIcon },
];

function isThemeValue(value: string): value is ThemeValue {
  return value === "light" || value === "dark" || value === "system";
}

const noopSubscribe = () => () => {};

/** false during SSR and hydration, true afterwards — without a setState-in-effect. */
function useHydrated(): boolean {
  return React.useSyncExternalStore(
    noopSubscribe,
    () => true,
    () => false,
  );
}

type ThemeToggleProps = {
  /** "dropdown" (default): icon button + menu. "segmented": three inline buttons. */
  variant?: "dropdown" | "segmented";
  className?: string;
  align?: "start" | "center" | "end";
};

/**
 * Light / Dark / System switcher.
 * Test ids: the control is `theme-toggle`; options are `theme-light`,
 * `theme-dark`, `theme-system` (in the dropdown variant, open the menu first).
 */
function ThemeToggle({ variant = "dropdown", className, align = "end" }: ThemeToggleProps) {
  const { theme, setTheme } = useTheme();
  const hydrated = useHydrated();
  // The stored theme is unknown on the server; render "no selection" until hydrated.
  const current: ThemeValue | undefined = hydrated && theme && isThemeValue(theme) ? theme : undefined;

  if (variant === "segmented") {
    const focusIndex = Math.max(
      0,
      THEMES.findIndex((t) => t.value === current),
    );
    // WAI-ARIA radio group: one tab stop, arrow keys move + select.
    const onKeyDown = (event: React.KeyboardEvent<HTMLDivElement>) => {
      const step = event.key === "ArrowRight" || event.key === "ArrowDown" ? 1 : event.key === "ArrowLeft" || event.key === "ArrowUp" ? -1 : 0;
      if (step === 0) return;
      event.preventDefault();
      const next = THEMES[(focusIndex + step + THEMES.length) % THEMES.length];
      setTheme(next.value);
      event.currentTarget.querySelector<HTMLButtonElement>(`[data-testid="theme-${next.value}"]`)?.focus();
    };
    return (
      <div
        role="radiogroup"
        aria-label="Colour theme"
        data-testid="theme-toggle"
        onKeyDown={onKeyDown}
        className={cn("inline-flex items-center gap-0.5 rounded-lg border bg-muted p-0.5", className)}
      >
        {THEMES.map(({ value, label, icon: Icon }, index) => {
          const checked = current === value;
          return (
            <button
              key={value}
              type="button"
              role="radio"
              aria-checked={checked}
              aria-label={label}
              title={label}
              tabIndex={index === focusIndex ? 0 : -1}
              data-testid={`theme-${value}`}
              data-state={checked ? "checked" : "unchecked"}
              onClick={() => setTheme(value)}
              className={cn(
                "inline-flex size-7 items-center justify-center rounded-md text-muted-foreground transition-colors outline-none",
                "hover:text-foreground focus-visible:ring-[3px] focus-visible:ring-ring/50",
                "data-[state=checked]:bg-background data-[state=checked]:text-foreground data-[state=checked]:shadow-xs",
                "[&_svg]:size-4",
              )}
            >
              <Icon aria-hidden="true" />
            </button>
          );
        })}
      </div>
    );
  }

  return (
    <DropdownMenu>
      <DropdownMenuTrigger asChild>
        <Button variant="ghost" size="icon" data-testid="theme-toggle" aria-label="Change colour theme" className={cn("relative", className)}>
          {/* Icon switches via CSS (the .dark class), so SSR markup never mismatches. */}
          <SunIcon aria-hidden="true" className="scale-100 rotate-0 transition-transform dark:scale-0 dark:-rotate-90" />
          <MoonIcon aria-hidden="true" className="absolute scale-0 rotate-90 transition-transform dark:scale-100 dark:rotate-0" />
        </Button>
      </DropdownMenuTrigger>
      <DropdownMenuContent align={align} className="min-w-36">
        <DropdownMenuLabel>Theme</DropdownMenuLabel>
        <DropdownMenuSeparator />
        <DropdownMenuRadioGroup
          value={current ?? ""}
          onValueChange={(value) => {
            if (isThemeValue(value)) setTheme(value);
          }}
        >
          {THEMES.map(({ value, label, icon: Icon }) => (
            <DropdownMenuRadioItem key={value} value={value} data-testid={`theme-${value}`}>
              <Icon aria-hidden="true" />
              {label}
            </DropdownMenuRadioItem>
          ))}
        </DropdownMenuRadioGroup>
      </DropdownMenuContent>
    </DropdownMenu>
  );
}

export { ThemeToggle, type ThemeToggleProps };
