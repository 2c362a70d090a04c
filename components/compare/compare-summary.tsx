"use client";

import { Badge } from "@/components/ui/badge";
import type { ChatUIMessage } from "@/lib/chat/types";
import { formatCount, formatMs, formatNano } from "@/components/chat/message/format";

type Row = { message: ChatUIMessage; streaming: boolean };

function knownCost(message: ChatUIMessage): bigint | null {
  const m = message.metadata;
  if (!m?.costNano || m.costPending) return null;
  try {
    return BigInt(m.costNano);
  } catch {
    return null;
  }
}

/**
 * The cheapest (lowest known cost) and the fastest (highest output speed) of the finished columns.
 * Only answers that completed compete: a stopped or failed one did not do the whole job.
 */
function pickMarks(rows: Row[]): { cheapest: string | null; fastest: string | null } {
  const done = rows.filter((r) => !r.streaming && r.message.metadata?.status === "complete").map((r) => r.message);
  let cheapest: { id: string; cost: bigint } | null = null;
  let fastest: { id: string; tps: number } | null = null;
  for (const message of done) {
    const cost = knownCost(message);
    if (cost !== null && (cheapest === null || cost < cheapest.cost)) cheapest = { id: message.id, cost };
    const tps = message.metadata?.tokensPerSecond;
    if (tps !== undefined && Number.isFinite(tps) && (fastest === null || tps > fastest.tps)) fastest = { id: message.id, tps };
  }
  return { cheapest: cheapest?.id ?? null, fastest: fastest?.id ?? null };
}

/** Under a comparison: one row per column, the cheapest and the fastest marked. */
export function CompareSummary({ rows }: { rows: Row[] }) {
  const { cheapest, fastest } = pickMarks(rows);
  return (
    <div className="overflow-x-auto rounded-md border border-border">
      <table data-testid="compare-summary" className="w-full text-left text-xs">
        <caption className="sr-only">Comparison of the answers</caption>
        <thead className="bg-muted/50 text-muted-foreground">
          <tr>
            <th className="px-2 py-1.5 font-medium">Model</th>
            <th className="px-2 py-1.5 font-medium">Provider</th>
            <th className="px-2 py-1.5 text-right font-medium">Cost</th>
            <th className="px-2 py-1.5 text-right font-medium">First token</th>
            <th className="px-2 py-1.5 text-right font-medium">Tokens/s</th>
            <th className="px-2 py-1.5 text-right font-medium">Output tokens</th>
          </tr>
        </thead>
        <tbody>
          {rows.map(({ message, streaming }) => {
            const m = message.metadata ?? {};
            const isCheapest = message.id === cheapest;
            const isFastest = message.id === fastest;
            return (
              <tr
                key={message.id}
                data-testid="compare-summary-row"
                data-message-id={message.id}
                data-model={m.model}
                data-cheapest={isCheapest ? "true" : "false"}
                data-fastest={isFastest ? "true" : "false"}
                className="border-t border-border"
              >
                <td className="px-2 py-1.5 font-mono">
                  {m.modelServed ?? m.model}
                  {isCheapest && (
                    <Badge variant="secondary" data-testid="summary-cheapest" className="ml-1.5">
                      cheapest
                    </Badge>
                  )}
                  {isFastest && (
                    <Badge variant="secondary" data-testid="summary-fastest" className="ml-1.5">
                      fastest
                    </Badge>
                  )}
                </td>
                <td className="px-2 py-1.5">{m.provider ?? "—"}</td>
                <td className="px-2 py-1.5 text-right" data-testid="summary-cost">
                  {streaming ? "…" : m.costPending ? "pending" : (formatNano(m.costNano) ?? "—")}
                </td>
                <td className="px-2 py-1.5 text-right">{formatMs(m.ttftMs) ?? "—"}</td>
                <td className="px-2 py-1.5 text-right" data-testid="summary-tps">
                  {m.tokensPerSecond !== undefined ? m.tokensPerSecond.toFixed(1) : "—"}
                </td>
                <td className="px-2 py-1.5 text-right">{streaming ? "…" : formatCount(m.completionTokens)}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
