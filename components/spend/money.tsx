import { formatUsd } from "@/lib/money";
import { nanoToUsdText } from "@/lib/spend/format";
import { cn } from "@/lib/utils";

/** An amount for people ($0.0012), exact in the tooltip and in data-nano for tests. */
export function Money({ nano, className, testId }: { nano: string | bigint | null | undefined; className?: string; testId?: string }) {
  if (nano === null || nano === undefined) {
    return (
      <span className={cn("tabular-nums", className)} data-testid={testId}>
        —
      </span>
    );
  }
  const value = typeof nano === "bigint" ? nano : BigInt(nano);
  return (
    <span className={cn("tabular-nums", className)} title={`$${nanoToUsdText(value)}`} data-testid={testId} data-nano={value.toString()}>
      {formatUsd(value)}
    </span>
  );
}
