import { Badge } from "@/components/ui/badge";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { chartColor } from "./chart-colors";
import { ShareDonut } from "./charts";
import { InlineBar } from "./inline-bar";
import { Money } from "./money";

// Building blocks shared by the spend page and the admin page (server-rendered).

const numberFormat = new Intl.NumberFormat("en");

export function Figure({ label, nano, testId, hint }: { label: string; nano: string; testId: string; hint?: string }) {
  return (
    <Card className="gap-1 py-4">
      <CardHeader className="px-4">
        <CardDescription>{label}</CardDescription>
      </CardHeader>
      <CardContent className="px-4">
        <Money nano={nano} testId={testId} className="text-2xl font-semibold" />
        {hint && <p className="mt-1 text-xs text-muted-foreground">{hint}</p>}
      </CardContent>
    </Card>
  );
}

export function Pending({ count, testId }: { count: number; testId?: string }) {
  if (count <= 0) return null;
  return (
    <Badge variant="warning" data-testid={testId} title="The cost of these answers is being settled from OpenRouter">
      {count} pending
    </Badge>
  );
}

export type BreakdownRow = { key: string; label: string | null; costNano: string; generations: number; pendingCount: number };

/** A share donut and its table (the legend, with the exact figures); rows arrive largest first. */
export function BreakdownCard({
  title,
  description,
  column,
  testId,
  rowAttribute,
  rows,
  donut = true,
  emptyText = "No answers in this period.",
}: {
  title: string;
  description: string;
  column: string;
  testId: string;
  rowAttribute: "data-model" | "data-provider";
  emptyText?: string;
  rows: BreakdownRow[];
  /** Without it: a table only. */
  donut?: boolean;
}) {
  const max = rows[0]?.costNano ?? "0";
  return (
    <Card>
      <CardHeader>
        <CardTitle>{title}</CardTitle>
        <CardDescription>{description}</CardDescription>
      </CardHeader>
      <CardContent className="grid gap-3">
        {donut && (
          <ShareDonut
            label={`Spend ${title.toLowerCase()}`}
            items={rows.map((r) => ({ key: r.key, label: r.label ?? "Not known yet", costNano: r.costNano }))}
          />
        )}
        <Table data-testid={testId}>
          <TableHeader>
            <TableRow>
              <TableHead>{column}</TableHead>
              <TableHead className="text-right">Answers</TableHead>
              <TableHead className="text-right">Cost</TableHead>
            </TableRow>
          </TableHeader>
          <TableBody>
            {rows.length === 0 && (
              <TableRow>
                <TableCell colSpan={3} className="text-muted-foreground">
                  {emptyText}
                </TableCell>
              </TableRow>
            )}
            {rows.map((row, i) => (
              <TableRow key={row.key} data-testid={`${testId}-row`} {...{ [rowAttribute]: row.key }} data-nano={row.costNano}>
                <TableCell className="max-w-0 w-full">
                  <span className="flex min-w-0 items-center gap-2">
                    <span className="size-2.5 shrink-0 rounded-sm" style={{ background: chartColor(i) }} aria-hidden />
                    <span className="truncate" title={row.label ?? undefined}>
                      {row.label ?? <span className="text-muted-foreground">Not known yet</span>}
                    </span>
                    <Pending count={row.pendingCount} />
                  </span>
                  <span className="mt-1 block pl-4.5">
                    <InlineBar value={row.costNano} max={max} index={i} />
                  </span>
                </TableCell>
                <TableCell className="text-right tabular-nums">{numberFormat.format(row.generations)}</TableCell>
                <TableCell className="text-right">
                  <Money nano={row.costNano} />
                </TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      </CardContent>
    </Card>
  );
}
