import * as React from "react";

import { cn } from "@/lib/utils";

/** Loading placeholder. Hidden from AT; announce loading state elsewhere (e.g. <Spinner/>). */
function Skeleton({ className, ...props }: React.ComponentProps<"div">) {
  return <div data-slot="skeleton" aria-hidden="true" className={cn("animate-pulse rounded-md bg-muted dark:bg-accent", className)} {...props} />;
}

export { Skeleton };
