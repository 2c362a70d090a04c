import Link from "next/link";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { Table, TableBody, TableCell, TableRow } from "@/components/ui/table";
import { formatUsd } from "@/lib/money";
import type { DayPoint, SpendPageData, Wire } from "@/lib/spend/types";
import { cn } from "@/lib/utils";
import { chartColor } from "./chart-colors";
import { DayBarChart } from "./charts";
import { BreakdownCard, Figure, Pending } from "./spend-cards";
import { CsvExport } from "./csv-export";
import { KeySpendCard, SourceSplitCard } from "./key-spend";
import { LimitForm } from "./limit-form";
import { Money } from "./money";

// The spend page's body (server-rendered; the CSV form and the limit form are client islands).

const numberFormat = new Intl.NumberFormat("en");

function RangeToggle({ days }: { days: 30 | 90 }) {
  return (
    <div className="inline-flex rounded-md border border-border p-0.5" role="group" aria-label="Period">
      {([30, 90] as const).map((d) => (
        <Link
          key={d}
          href={`/spend?days=${d}`}
          scroll={false}
          aria-current={d === days ? "true" : undefined}
          data-testid={`spend-range-${d}`}
          className={cn(
            "rounded px-3 py-1 text-sm",
            d === days ? "bg-primary text-primary-foreground" : "text-muted-foreground hover:bg-accent hover:text-accent-foreground",
          )}
        >
          {d} days
        </Link>
      ))}
    </div>
  );
}

function resetsText(iso: string): string {
  return new Date(iso).toLocaleDateString("en", { year: "numeric", month: "long", day: "numeric", timeZone: "UTC" });
}

export function SpendDashboard({ data, series, days }: { data: Wire<SpendPageData>; series: Wire<DayPoint>[]; days: 30 | 90 }) {
  const { totals, budget, byModel, byProvider, topConversations, tokens, byKey, bySource } = data;
  const from = data.range.from.slice(0, 10);
  const to = new Date(new Date(data.range.to).getTime() - 86_400_000).toISOString().slice(0, 10);
  const limit = budget.limitNano;
  const periodTotal = series.reduce((s, p) => s + BigInt(p.costNano), 0n).toString();

  return (
    <div className="mx-auto flex w-full max-w-5xl flex-col gap-6 p-4 md:p-6" data-testid="spend-page">
      <div className="flex flex-wrap items-center justify-between gap-3">
        <div>
          <h1 className="text-xl font-semibold">Spend</h1>
          <p className="text-sm text-muted-foreground">What every answer cost, as OpenRouter reported it. Days are UTC.</p>
        </div>
        <Pending count={totals.pendingCount} testId="spend-pending" />
      </div>

      <section className="grid gap-3 sm:grid-cols-3" aria-label="Totals">
        <Figure label="Today" nano={totals.todayNano} testId="spend-today" />
        <Figure
          label="This month"
          nano={totals.monthNano}
          testId="spend-month"
          hint={limit !== null ? `of ${formatUsd(limit)} monthly limit` : undefined}
        />
        <Figure label="All time" nano={totals.allTimeNano} testId="spend-all" />
      </section>

      <Card>
        <CardHeader>
          <CardTitle>Monthly limit</CardTitle>
          <CardDescription>
            {limit !== null ? (
              <>
                <Money nano={totals.monthNano} /> of <Money nano={limit} testId="budget-limit" /> spent this month
                {BigInt(budget.reservedNano) > 0n && (
                  <>
                    {" "}
                    (<Money nano={budget.reservedNano} testId="budget-reserved" /> held for answers in progress)
                  </>
                )}
                . Resets on {resetsText(budget.resetsAt)} (UTC).
              </>
            ) : (
              <span data-testid="budget-limit">No monthly limit.</span>
            )}
          </CardDescription>
        </CardHeader>
        <CardContent className="grid gap-3 text-sm">
          <p className="text-muted-foreground" data-testid="budget-admin">
            {budget.adminBudgetNano !== null ? (
              <>
                Your administrator allows <Money nano={budget.adminBudgetNano} /> a month
                {budget.adminBudgetIsDefault ? " (the default for all users)" : ""}.
              </>
            ) : (
              "Your administrator has set no budget for you."
            )}{" "}
            You can set a lower limit for yourself.
          </p>
          <LimitForm budget={budget} />
        </CardContent>
      </Card>

      <Card>
        <CardHeader className="flex flex-row flex-wrap items-center justify-between gap-2">
          <div>
            <CardTitle>Per day</CardTitle>
            <CardDescription>
              {from} to {to}: <Money nano={periodTotal} testId="spend-period-total" />
            </CardDescription>
          </div>
          <RangeToggle days={days} />
        </CardHeader>
        <CardContent>
          <DayBarChart points={series} testId="spend-day-chart" />
        </CardContent>
      </Card>

      <div className="grid gap-6 lg:grid-cols-2">
        <BreakdownCard
          title="By model"
          description={`The model that answered, last ${days} days.`}
          column="Model"
          testId="spend-by-model"
          rowAttribute="data-model"
          rows={byModel.map((m) => ({ key: m.model, label: m.model, ...m }))}
        />
        <BreakdownCard
          title="By provider"
          description={`Who served the answers, last ${days} days.`}
          column="Provider"
          testId="spend-by-provider"
          rowAttribute="data-provider"
          rows={byProvider.map((p) => ({ key: p.provider ?? "", label: p.provider, ...p }))}
        />
      </div>

      <div className="grid gap-6 lg:grid-cols-[2fr_1fr]">
        <KeySpendCard rows={byKey} description={`Your personal API keys and the chat, last ${days} days.`} />
        <SourceSplitCard split={bySource} description={`Answers in the chat (titles included) and calls to the API, last ${days} days.`} />
      </div>

      <div className="grid gap-6 lg:grid-cols-2">
        <Card>
          <CardHeader>
            <CardTitle>Most expensive conversations</CardTitle>
            <CardDescription>Last {days} days.</CardDescription>
          </CardHeader>
          <CardContent>
            <Table data-testid="spend-conversations">
              <TableBody>
                {topConversations.length === 0 && (
                  <TableRow>
                    <TableCell className="text-muted-foreground">No conversations in this period.</TableCell>
                  </TableRow>
                )}
                {topConversations.map((c) => (
                  <TableRow key={c.conversationId} data-testid="spend-conversation-row" data-nano={c.costNano}>
                    <TableCell className="max-w-0 w-full">
                      {c.deleted ? (
                        <span className="block truncate text-muted-foreground" title="Deleted">
                          {c.title}
                        </span>
                      ) : (
                        <Link href={`/c/${c.conversationId}`} className="block truncate text-primary hover:underline">
                          {c.title}
                        </Link>
                      )}
                    </TableCell>
                    <TableCell className="text-right whitespace-nowrap tabular-nums text-muted-foreground">
                      {numberFormat.format(c.generations)} answer{c.generations === 1 ? "" : "s"}
                    </TableCell>
                    <TableCell className="text-right whitespace-nowrap">
                      <Money nano={c.costNano} />
                      <Pending count={c.pendingCount} />
                    </TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </Table>
          </CardContent>
        </Card>

        <Card>
          <CardHeader>
            <CardTitle>Tokens</CardTitle>
            <CardDescription>Last {days} days.</CardDescription>
          </CardHeader>
          <CardContent>
            <dl className="grid grid-cols-2 gap-3 text-sm" data-testid="spend-tokens">
              {(
                [
                  ["Input", tokens.inputTokens, "spend-tokens-input", 0],
                  ["Cached input", tokens.cachedInputTokens, "spend-tokens-cached", 1],
                  ["Output", tokens.outputTokens, "spend-tokens-output", 2],
                  ["Reasoning", tokens.reasoningTokens, "spend-tokens-reasoning", 3],
                ] as const
              ).map(([label, value, testId, color]) => (
                <div key={label} className="rounded-md border border-border p-3">
                  <dt className="flex items-center gap-2 text-muted-foreground">
                    <span className="size-2.5 rounded-sm" style={{ background: chartColor(color) }} aria-hidden />
                    {label}
                  </dt>
                  <dd className="text-lg font-semibold tabular-nums" data-testid={testId} data-value={value}>
                    {numberFormat.format(value)}
                  </dd>
                </div>
              ))}
            </dl>
          </CardContent>
        </Card>
      </div>

      <Card>
        <CardHeader>
          <CardTitle>Export</CardTitle>
          <CardDescription>Every answer and API call in a range of days as CSV.</CardDescription>
        </CardHeader>
        <CardContent>
          <CsvExport defaultFrom={from} defaultTo={to} />
        </CardContent>
      </Card>
    </div>
  );
}
