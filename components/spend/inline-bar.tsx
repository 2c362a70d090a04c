import { chartColor } from "./chart-colors";

/** a / max as a fraction in [0, 1], from bigints, for drawing only. */
function fraction(value: bigint, max: bigint): number {
  if (max <= 0n || value <= 0n) return 0;
  return Number((value * 10_000n) / max) / 10_000;
}

/** A short bar for a table row: the row's amount against the largest one. */
export function InlineBar({ value, max, index }: { value: string; max: string; index: number }) {
  const share = fraction(BigInt(value), BigInt(max));
  return (
    <span className="block h-2 w-full min-w-16 overflow-hidden rounded-full bg-muted" aria-hidden>
      <span className="block h-full rounded-full" style={{ width: `${share * 100}%`, background: chartColor(index) }} />
    </span>
  );
}
