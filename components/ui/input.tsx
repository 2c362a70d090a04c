import * as React from "react";

import { cn } from "@/lib/utils";

/** Shared field styling for Input, Textarea and Select triggers. */
const fieldClassName = cn(
  "w-full min-w-0 rounded-md border border-input bg-background text-base text-foreground shadow-xs md:text-sm",
  "transition-[color,border-color,box-shadow] outline-none",
  "placeholder:text-muted-foreground selection:bg-primary selection:text-primary-foreground",
  "focus-visible:border-ring focus-visible:ring-[3px] focus-visible:ring-ring/40",
  "disabled:cursor-not-allowed disabled:opacity-50",
  "aria-invalid:border-destructive aria-invalid:ring-destructive/20 aria-invalid:focus-visible:ring-destructive/30",
  "dark:bg-input/20",
);

type InputProps = React.ComponentProps<"input">;

function Input({ className, type = "text", ...props }: InputProps) {
  return (
    <input
      type={type}
      data-slot="input"
      className={cn(
        fieldClassName,
        "h-9 px-3 py-1",
        "file:inline-flex file:h-7 file:border-0 file:bg-transparent file:text-sm file:font-medium file:text-foreground",
        className,
      )}
      {...props}
    />
  );
}

export { Input, fieldClassName, type InputProps };
