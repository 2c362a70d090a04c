"use client";

import { useCallback, useEffect, useState } from "react";
import Link from "next/link";
import { Gauge } from "lucide-react";
import { CONVERSATIONS_CHANGED_EVENT } from "@/components/chat/events";
import type { SpendSummary, Wire } from "@/lib/spend/types";
import { cn } from "@/lib/utils";
import { SPEND_CHANGED_EVENT } from "./events";
import { Money } from "./money";

// Month-to-date spend and the monthly limit, for the sidebar footer. Refreshes when an answer
// finishes (the chat's conversations-changed event, or SPEND_CHANGED_EVENT), on focus, and
// every minute.

export function MonthToDate({ className, onNavigate }: { className?: string; onNavigate?: () => void }) {
  const [summary, setSummary] = useState<Wire<SpendSummary> | null>(null);
  const [failed, setFailed] = useState(false);

  const load = useCallback(async () => {
    try {
      const response = await fetch("/api/spend/summary", { cache: "no-store" });
      if (!response.ok) throw new Error(String(response.status));
      setSummary((await response.json()) as Wire<SpendSummary>);
      setFailed(false);
    } catch {
      setFailed(true);
    }
  }, []);

  useEffect(() => {
    const refresh = () => void load();
    const initial = setTimeout(refresh, 0);
    const every = setInterval(refresh, 60_000);
    // An answer's cost lands a moment after its stream ends.
    const soon = () => {
      refresh();
      setTimeout(refresh, 3_000);
    };
    window.addEventListener(SPEND_CHANGED_EVENT, soon);
    window.addEventListener(CONVERSATIONS_CHANGED_EVENT, soon);
    window.addEventListener("focus", refresh);
    return () => {
      clearTimeout(initial);
      clearInterval(every);
      window.removeEventListener(SPEND_CHANGED_EVENT, soon);
      window.removeEventListener(CONVERSATIONS_CHANGED_EVENT, soon);
      window.removeEventListener("focus", refresh);
    };
  }, [load]);

  const limit = summary?.budget.limitNano ?? null;
  const month = summary ? BigInt(summary.monthNano) : null;
  const ratio = limit && month !== null && BigInt(limit) > 0n ? Number((month * 1000n) / BigInt(limit)) / 10 : null;
  const over = ratio !== null && ratio >= 90;

  return (
    <Link
      href="/spend"
      onClick={onNavigate}
      data-testid="month-to-date"
      className={cn(
        "flex flex-col gap-1 rounded-md px-2 py-1.5 text-xs text-muted-foreground hover:bg-accent hover:text-accent-foreground",
        className,
      )}
      aria-label="Spending this month: open the spend page"
    >
      <span className="flex items-center gap-1.5">
        <Gauge className="size-3.5 shrink-0" aria-hidden />
        <span>This month</span>
        <span className="ml-auto font-medium text-foreground">
          {summary ? <Money nano={summary.monthNano} testId="month-to-date-amount" /> : failed ? "—" : "…"}
        </span>
        {limit !== null && (
          <span>
            {" "}
            of <Money nano={limit} testId="month-to-date-limit" />
          </span>
        )}
      </span>
      {ratio !== null && (
        <span className="h-1 w-full overflow-hidden rounded-full bg-muted" aria-hidden>
          <span className={cn("block h-full rounded-full", over ? "bg-destructive" : "bg-primary")} style={{ width: `${Math.min(100, ratio)}%` }} />
        </span>
      )}
      {summary && summary.pendingCount > 0 && <span data-testid="month-to-date-pending">{summary.pendingCount} pending</span>}
    </Link>
  );
}
