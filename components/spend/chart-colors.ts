// Shared by the client charts and the server-rendered tables that act as their legends.
export const CHART_COLORS = ["var(--chart-1)", "var(--chart-2)", "var(--chart-3)", "var(--chart-4)", "var(--chart-5)"];

/** The five theme colours, then the same five paler, so the first ten series stay distinct. */
export function chartColor(index: number): string {
  const base = CHART_COLORS[index % CHART_COLORS.length]!;
  return Math.floor(index / CHART_COLORS.length) % 2 === 0 ? base : `color-mix(in oklch, ${base} 50%, var(--background))`;
}
