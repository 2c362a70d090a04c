"use client";

import { Bar, BarChart, CartesianGrid, Cell, Pie, PieChart, Tooltip, XAxis, YAxis } from "recharts";
import { formatUsd } from "@/lib/money";
import { cn } from "@/lib/utils";
import { chartColor } from "./chart-colors";

// Charts are drawn by recharts in the theme's --chart-1..5 colours (CSS variables, so both
// themes read well). recharts needs numbers: amounts become floating-point USD for drawing
// only; every figure a person reads (tooltips, totals, tables) is the exact bigint formatted.

/** nano-USD as a float in USD, for drawing only. */
function drawUsd(nano: string): number {
  return Number(BigInt(nano)) / 1e9;
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

/** Axis labels only: two significant digits, no trailing zeros ($0.000075, $1.5, $120). */
function axisUsd(usd: number): string {
  if (usd === 0) return "$0";
  const decimals = Math.min(12, Math.max(0, 1 - Math.floor(Math.log10(usd))));
  return `$${usd
    .toFixed(decimals)
    .replace(/(\.\d*?)0+$/, "$1")
    .replace(/\.$/, "")}`;
}

const axisTick = { fill: "var(--muted-foreground)", fontSize: 11 };

function TooltipBox({ title, lines }: { title: string; lines: string[] }) {
  return (
    <div className="rounded-md border bg-popover px-2.5 py-1.5 text-xs text-popover-foreground shadow-md">
      <div className="font-medium">{title}</div>
      {lines.map((line) => (
        <div key={line} className="text-muted-foreground">
          {line}
        </div>
      ))}
    </div>
  );
}

type DayPointWire = { day: string; costNano: string; generations: number; pendingCount: number };

export function DayBarChart({ points, className, testId }: { points: DayPointWire[]; className?: string; testId?: string }) {
  const values = points.map((p) => BigInt(p.costNano));
  const max = values.reduce((m, v) => (v > m ? v : m), 0n);
  const total = values.reduce((s, v) => s + v, 0n);
  const data = points.map((p) => ({ ...p, usd: drawUsd(p.costNano) }));
  return (
    <figure className={cn("w-full", className)} data-testid={testId}>
      <div className="mb-1 flex justify-between text-xs text-muted-foreground">
        <span>Peak day {formatUsd(max)}</span>
        <span>
          Total <span className="font-medium text-foreground">{formatUsd(total)}</span>
        </span>
      </div>
      <div aria-hidden className="h-44 w-full">
        <BarChart responsive data={data} margin={{ top: 4, right: 4, bottom: 0, left: 0 }} style={{ width: "100%", height: "100%" }}>
          <CartesianGrid vertical={false} stroke="var(--border)" strokeDasharray="3 3" />
          <XAxis dataKey="day" tickFormatter={shortDay} tick={axisTick} tickLine={false} axisLine={{ stroke: "var(--border)" }} minTickGap={24} />
          <YAxis tick={axisTick} tickLine={false} axisLine={false} width="auto" tickFormatter={axisUsd} />
          <Tooltip
            cursor={{ fill: "var(--muted)" }}
            content={({ active, payload }) => {
              const point = active ? (payload?.[0]?.payload as DayPointWire | undefined) : undefined;
              if (!point) return null;
              return (
                <TooltipBox
                  title={shortDay(point.day)}
                  lines={[
                    formatUsd(BigInt(point.costNano)),
                    `${point.generations} answer${point.generations === 1 ? "" : "s"}`,
                    ...(point.pendingCount ? [`${point.pendingCount} pending`] : []),
                  ]}
                />
              );
            }}
          />
          <Bar dataKey="usd" fill="var(--chart-1)" radius={[2, 2, 0, 0]} isAnimationActive={false} />
        </BarChart>
      </div>
      {/* The same figures as a table for screen readers (the chart itself is hidden from them). */}
      <table className="sr-only">
        <caption>
          Spend per day, {points[0]?.day ?? ""} to {points.at(-1)?.day ?? ""}: total {formatUsd(total)}
        </caption>
        <tbody>
          {points.map((p) => (
            <tr key={p.day} data-testid="spend-day-row" data-day={p.day} data-nano={p.costNano}>
              <th scope="row">{p.day}</th>
              <td>{formatUsd(BigInt(p.costNano))}</td>
              <td>{p.generations} answers</td>
              <td>{p.pendingCount} pending</td>
            </tr>
          ))}
        </tbody>
      </table>
    </figure>
  );
}

/** A donut of each item's share; the table beside it is the legend and carries the exact figures. */
export function ShareDonut({
  items,
  label,
  className,
}: {
  items: { key: string; label: string; costNano: string }[];
  label: string;
  className?: string;
}) {
  const data = items.filter((item) => BigInt(item.costNano) > 0n).map((item) => ({ ...item, usd: drawUsd(item.costNano) }));
  const total = items.reduce((sum, item) => sum + BigInt(item.costNano), 0n);
  if (data.length === 0) return null;
  return (
    <div
      className={cn("mx-auto h-40 w-40", className)}
      role="img"
      aria-label={`${label}: ${items
        .slice(0, 5)
        .map((i) => `${i.label} ${formatUsd(BigInt(i.costNano))}`)
        .join(", ")}`}
    >
      <PieChart responsive style={{ width: "100%", height: "100%" }}>
        <Pie data={data} dataKey="usd" nameKey="label" innerRadius="58%" outerRadius="100%" stroke="var(--background)" isAnimationActive={false}>
          {data.map((item) => (
            <Cell key={item.key} fill={chartColor(items.findIndex((i) => i.key === item.key))} />
          ))}
        </Pie>
        <Tooltip
          content={({ active, payload }) => {
            const item = active ? (payload?.[0]?.payload as { label: string; costNano: string } | undefined) : undefined;
            if (!item) return null;
            const share = fraction(BigInt(item.costNano), total);
            return <TooltipBox title={item.label} lines={[formatUsd(BigInt(item.costNano)), `${(share * 100).toFixed(1)}%`]} />;
          }}
        />
      </PieChart>
    </div>
  );
}
