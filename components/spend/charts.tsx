import { formatUsd } from "@/lib/money";
import { cn } from "@/lib/utils";

// Small dependency-free charts (SVG and CSS) in the theme's --chart-1..5 colours, readable in
// both themes. Bar lengths are proportions for drawing only; every figure shown is the exact
// bigint formatted. (Swap for recharts here, in one file, once it is installed.)

export const CHART_COLORS = ["var(--chart-1)", "var(--chart-2)", "var(--chart-3)", "var(--chart-4)", "var(--chart-5)"];

/** The five theme colours, then the same five paler, so the first ten series stay distinct. */
export function chartColor(index: number): string {
  const base = CHART_COLORS[index % CHART_COLORS.length]!;
  return Math.floor(index / CHART_COLORS.length) % 2 === 0 ? base : `color-mix(in oklch, ${base} 50%, var(--background))`;
}

/** a / max as a fraction in [0, 1], from bigints, for drawing only. */
function fraction(value: bigint, max: bigint): number {
  if (max <= 0n || value <= 0n) return 0;
  return Number((value * 10_000n) / max) / 10_000;
}

function shortDay(day: string): string {
  const d = new Date(`${day}T00:00:00Z`);
  return d.toLocaleDateString("en", { month: "short", day: "numeric", timeZone: "UTC" });
}

export function DayBarChart({
  points,
  className,
  testId,
}: {
  points: { day: string; costNano: string; generations: number; pendingCount: number }[];
  className?: string;
  testId?: string;
}) {
  const values = points.map((p) => BigInt(p.costNano));
  const max = values.reduce((m, v) => (v > m ? v : m), 0n);
  const total = values.reduce((s, v) => s + v, 0n);
  const width = 720;
  const height = 180;
  const pad = { top: 8, bottom: 2, left: 0, right: 0 };
  const slot = (width - pad.left - pad.right) / Math.max(points.length, 1);
  const bar = Math.max(1, slot * 0.7);
  const plot = height - pad.top - pad.bottom;
  const labelEvery = points.length > 45 ? 15 : 7;
  return (
    <figure className={cn("w-full", className)} data-testid={testId}>
      <div className="mb-1 flex justify-between text-xs text-muted-foreground">
        <span>Peak day {formatUsd(max)}</span>
        <span>
          Total <span className="font-medium text-foreground">{formatUsd(total)}</span>
        </span>
      </div>
      <svg
        viewBox={`0 0 ${width} ${height}`}
        className="h-40 w-full"
        preserveAspectRatio="none"
        role="img"
        aria-label={`Spend per day, ${points[0]?.day ?? ""} to ${points.at(-1)?.day ?? ""}: total ${formatUsd(total)}, highest day ${formatUsd(max)}.`}
      >
        <line x1={0} x2={width} y1={height - pad.bottom} y2={height - pad.bottom} stroke="var(--border)" strokeWidth={1} />
        {points.map((p, i) => {
          const v = values[i]!;
          const h = Math.max(v > 0n ? 2 : 0, fraction(v, max) * plot);
          const x = pad.left + i * slot + (slot - bar) / 2;
          return (
            <g key={p.day} data-testid="spend-day-bar" data-day={p.day} data-nano={p.costNano}>
              <rect x={pad.left + i * slot} y={pad.top} width={slot} height={plot} fill="transparent">
                <title>{`${p.day}: ${formatUsd(v)} · ${p.generations} answer${p.generations === 1 ? "" : "s"}${p.pendingCount ? ` · ${p.pendingCount} pending` : ""}`}</title>
              </rect>
              <rect x={x} y={height - pad.bottom - h} width={bar} height={h} rx={1.5} fill="var(--chart-1)" pointerEvents="none" />
            </g>
          );
        })}
      </svg>
      {/* Day labels in HTML, so the stretched SVG does not distort the text. */}
      <div className="relative h-5 text-[11px] text-muted-foreground" aria-hidden>
        {points.map((p, i) =>
          (points.length - 1 - i) % labelEvery === 0 ? (
            <span
              key={p.day}
              className="absolute top-1 whitespace-nowrap"
              style={{
                left: `${((i + 0.5) / points.length) * 100}%`,
                transform: i === points.length - 1 ? "translateX(-100%)" : i < labelEvery / 2 ? "none" : "translateX(-50%)",
              }}
            >
              {shortDay(p.day)}
            </span>
          ) : null,
        )}
      </div>
    </figure>
  );
}

/** One horizontal bar split into the shares of each item, plus a legend-free look: the table beside it is the legend. */
export function ShareBar({
  items,
  label,
  className,
}: {
  items: { key: string; label: string; costNano: string }[];
  label: string;
  className?: string;
}) {
  const values = items.map((i) => BigInt(i.costNano));
  const total = values.reduce((s, v) => s + v, 0n);
  return (
    <div
      className={cn("flex h-3 w-full overflow-hidden rounded-full bg-muted", className)}
      role="img"
      aria-label={`${label}: ${items
        .slice(0, 5)
        .map((i) => `${i.label} ${formatUsd(BigInt(i.costNano))}`)
        .join(", ")}`}
    >
      {items.map((item, index) => {
        const share = fraction(values[index]!, total);
        if (share <= 0) return null;
        return (
          <span
            key={item.key}
            className="h-full"
            style={{ width: `${share * 100}%`, background: chartColor(index) }}
            title={`${item.label}: ${formatUsd(values[index]!)}`}
          />
        );
      })}
    </div>
  );
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
