import { Badge } from "@/components/ui/badge";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import type { ByKeyRow, SourceSplit, Wire } from "@/lib/spend/types";
import { chartColor } from "./chart-colors";
import { InlineBar } from "./inline-bar";
import { Money } from "./money";
import { Pending } from "./spend-cards";

// Spend by personal key (with "Chat" for everything without one) and chat vs API, on the spend
// page and, across all users, on the admin page (server-rendered).

const numberFormat = new Intl.NumberFormat("en");

export type KeySpendRows = Wire<ByKeyRow>[];

/** A part of a whole as a percentage with one decimal, from bigints ("12.3%"; "<0.1%" for a sliver). */
export function shareText(part: bigint, whole: bigint): string {
  if (whole <= 0n || part <= 0n) return "0%";
  const tenths = (part * 1000n) / whole;
  if (tenths === 0n) return "<0.1%";
  return `${tenths / 10n}.${tenths % 10n}%`;
}

export function KeySpendCard({
  rows,
  description,
  showOwner = false,
  testId = "spend-by-key",
}: {
  rows: KeySpendRows;
  description: string;
  /** The admin's view of all users: a column with each key's owner. */
  showOwner?: boolean;
  testId?: string;
}) {
  const total = rows.reduce((s, r) => s + BigInt(r.costNano), 0n);
  const max = rows[0]?.costNano ?? "0";
  const columns = showOwner ? 6 : 5;
  return (
    <Card>
      <CardHeader>
        <CardTitle>By key</CardTitle>
        <CardDescription>{description}</CardDescription>
      </CardHeader>
      <CardContent>
        <Table data-testid={testId}>
          <TableHeader>
            <TableRow>
              <TableHead>Key</TableHead>
              {showOwner && <TableHead>Owner</TableHead>}
              <TableHead className="text-right">Cost</TableHead>
              <TableHead className="text-right">Generations</TableHead>
              <TableHead className="text-right">Tokens</TableHead>
              <TableHead className="text-right">Share</TableHead>
            </TableRow>
          </TableHeader>
          <TableBody>
            {rows.length === 0 && (
              <TableRow>
                <TableCell colSpan={columns} className="text-muted-foreground">
                  No answers or API calls in this period.
                </TableCell>
              </TableRow>
            )}
            {rows.map((row, i) => (
              <TableRow
                key={row.id}
                data-testid={`spend-key-row-${row.id}`}
                data-source={row.source}
                data-nano={row.costNano}
                data-generations={row.generations}
              >
                <TableCell className="max-w-0 w-full">
                  <span className="flex min-w-0 items-center gap-2">
                    <span className="size-2.5 shrink-0 rounded-sm" style={{ background: chartColor(i) }} aria-hidden />
                    <span className={row.source === "chat" ? "truncate font-medium" : "truncate"} title={row.name}>
                      {row.name}
                    </span>
                    {row.prefix && <code className="shrink-0 text-xs text-muted-foreground">{row.prefix}…</code>}
                    {row.revoked && (
                      <Badge variant="secondary" className="shrink-0">
                        revoked
                      </Badge>
                    )}
                    <Pending count={row.pendingCount} />
                  </span>
                  <span className="mt-1 block pl-4.5">
                    <InlineBar value={row.costNano} max={max} index={i} />
                  </span>
                </TableCell>
                {showOwner && <TableCell className="whitespace-nowrap text-muted-foreground">{row.ownerEmail ?? "—"}</TableCell>}
                <TableCell className="text-right whitespace-nowrap">
                  <Money nano={row.costNano} />
                </TableCell>
                <TableCell className="text-right tabular-nums">{numberFormat.format(row.generations)}</TableCell>
                <TableCell className="text-right tabular-nums">{numberFormat.format(row.promptTokens + row.completionTokens)}</TableCell>
                <TableCell className="text-right tabular-nums text-muted-foreground">{shareText(BigInt(row.costNano), total)}</TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      </CardContent>
    </Card>
  );
}

/** Chat vs API: one bar split in two, and the exact figures of each side. */
export function SourceSplitCard({ split, description }: { split: Wire<SourceSplit>; description: string }) {
  const chat = BigInt(split.chat.costNano);
  const api = BigInt(split.api.costNano);
  const total = chat + api;
  // Drawing only: the bar's proportions; every figure read is the exact amount.
  const chatWidth = total > 0n ? Number((chat * 10_000n) / total) / 100 : 0;
  const sides = [
    { source: "chat", label: "Chat", color: chartColor(0), ...split.chat },
    { source: "api", label: "API", color: chartColor(1), ...split.api },
  ] as const;
  return (
    <Card>
      <CardHeader>
        <CardTitle>Chat vs API</CardTitle>
        <CardDescription>{description}</CardDescription>
      </CardHeader>
      <CardContent className="grid gap-3" data-testid="spend-by-source">
        <div
          className="flex h-3 w-full overflow-hidden rounded-full bg-muted"
          role="img"
          aria-label={`Chat ${shareText(chat, total)}, API ${shareText(api, total)} of the spend`}
        >
          {total > 0n && (
            <>
              <span className="block h-full" style={{ width: `${chatWidth}%`, background: sides[0].color }} />
              <span className="block h-full flex-1" style={{ background: sides[1].color }} />
            </>
          )}
        </div>
        <dl className="grid grid-cols-2 gap-3 text-sm">
          {sides.map((side) => (
            <div
              key={side.source}
              className="rounded-md border border-border p-3"
              data-testid={`spend-source-${side.source}`}
              data-nano={side.costNano}
            >
              <dt className="flex items-center gap-2 text-muted-foreground">
                <span className="size-2.5 shrink-0 rounded-sm" style={{ background: side.color }} aria-hidden />
                {side.label}
                <span className="ml-auto tabular-nums">{shareText(BigInt(side.costNano), total)}</span>
              </dt>
              <dd className="mt-1 grid gap-0.5">
                <Money nano={side.costNano} className="text-lg font-semibold" />
                <span className="text-xs text-muted-foreground tabular-nums">
                  {numberFormat.format(side.generations)} generation{side.generations === 1 ? "" : "s"} ·{" "}
                  {numberFormat.format(side.promptTokens + side.completionTokens)} tokens
                </span>
                <span>
                  <Pending count={side.pendingCount} />
                </span>
              </dd>
            </div>
          ))}
        </dl>
      </CardContent>
    </Card>
  );
}
