import * as React from "react";
import { LoaderCircleIcon } from "lucide-react";
import { cva, type VariantProps } from "class-variance-authority";

import { cn } from "@/lib/utils";

const spinnerVariants = cva("animate-spin text-current", {
  variants: {
    size: {
      sm: "size-3.5",
      default: "size-4",
      lg: "size-6",
    },
  },
  defaultVariants: { size: "default" },
});

type SpinnerProps = Omit<React.ComponentProps<"span">, "children"> &
  VariantProps<typeof spinnerVariants> & {
    /** Text announced to screen readers (default "Loading"). Pass null when the
     *  surrounding control already conveys the busy state (e.g. aria-busy). */
    label?: string | null;
  };

function Spinner({ className, size, label = "Loading", ...props }: SpinnerProps) {
  return (
    <span data-slot="spinner" role={label ? "status" : undefined} className={cn("inline-flex items-center justify-center", className)} {...props}>
      <LoaderCircleIcon aria-hidden="true" className={spinnerVariants({ size })} />
      {label && <span className="sr-only">{label}</span>}
    </span>
  );
}

export { Spinner, spinnerVariants, type SpinnerProps };
