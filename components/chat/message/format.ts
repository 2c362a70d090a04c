// Small display formatters for the chat footer and header. Client-safe.
import { formatUsd } from "@/lib/money";

export function formatMs(ms: number | undefined): string | null {
  if (ms === undefined || !Number.isFinite(ms)) return null;
  if (ms < 1000) return `${Math.round(ms)} ms`;
  return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
}

export function formatCount(n: number | undefined): string {
  if (n === undefined || !Number.isFinite(n)) return "–";
  return n.toLocaleString("en-US");
}

/** nano-USD decimal string → "$0.0012"; null when absent or malformed. */
export function formatNano(nano: string | undefined | null): string | null {
  if (!nano) return null;
  try {
    return formatUsd(BigInt(nano));
  } catch {
    return null;
  }
}

export function sumNano(values: Iterable<string | undefined | null>): bigint {
  let total = 0n;
  for (const value of values) {
    if (!value) continue;
    try {
      total += BigInt(value);
    } catch {
      /* ignore malformed amounts */
    }
  }
  return total;
}
