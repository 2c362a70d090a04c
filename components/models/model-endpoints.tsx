"use client";

import { ArrowLeft } from "lucide-react";
import { Button } from "@/components/ui/button";
import { Spinner } from "@/components/ui/spinner";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import type { ModelSummary } from "@/lib/openrouter/types";
import { formatContextLength, formatLatency, formatThroughput, formatUptime, isRouter, pricePerMillion, shortModelName } from "./format";
import { ModelBadges } from "./model-badges";
import { reloadModelEndpoints, useModelEndpoints } from "./use-model-endpoints";

type ModelDetailsProps = {
  model: ModelSummary;
  onBack: () => void;
};

/** A model's detail view in the picker: what it is, and every provider endpoint serving it. */
export function ModelDetails({ model, onBack }: ModelDetailsProps) {
  // A router (negative catalog price) has no endpoints of its own: it picks a model per request.
  const router = isRouter(model);
  const view = useModelEndpoints(router ? null : model.id);
  const headingId = `model-details-${model.id}`;
  return (
    <section
      data-testid="model-details"
      data-model-id={model.id}
      aria-labelledby={headingId}
      className="grid max-h-[min(60vh,26rem)] gap-2 overflow-y-auto p-3"
    >
      <div className="flex items-start gap-2">
        <Button type="button" variant="ghost" size="icon-sm" data-testid="model-details-back" aria-label="Back to the model list" onClick={onBack}>
          <ArrowLeft aria-hidden />
        </Button>
        <div className="min-w-0 flex-1">
          <h2 id={headingId} className="truncate text-sm font-semibold">
            {shortModelName(model)}
          </h2>
          <p className="truncate font-mono text-xs text-muted-foreground">{model.id}</p>
        </div>
        <ModelBadges model={model} />
      </div>
      {model.description && <p className="line-clamp-3 text-xs text-muted-foreground">{model.description}</p>}
      <h3 className="text-xs font-medium text-muted-foreground">Providers serving this model</h3>
      {router && (
        <p data-testid="model-endpoints-router" className="text-sm text-muted-foreground">
          A router: it picks a model, and that model&apos;s provider, for each message, so its price varies. The answer&apos;s footer names the model
          it chose.
        </p>
      )}
      {!router && (view.state === "idle" || view.state === "loading") && (
        <p data-testid="model-endpoints-loading" className="flex items-center gap-2 text-sm text-muted-foreground">
          <Spinner size="sm" label={null} /> Loading providers…
        </p>
      )}
      {view.state === "error" && (
        <div data-testid="model-endpoints-error" role="alert" className="grid gap-1 text-sm">
          <p className="text-destructive">Could not load the providers: {view.error}</p>
          <Button type="button" size="sm" variant="outline" className="w-fit" onClick={() => reloadModelEndpoints(model.id)}>
            Try again
          </Button>
        </div>
      )}
      {view.state === "ready" &&
        (view.endpoints.length === 0 ? (
          <p data-testid="model-endpoints-empty" className="text-sm text-muted-foreground">
            No provider serves this model right now.
          </p>
        ) : (
          <Table data-testid="model-endpoints" className="text-xs whitespace-nowrap">
            <TableHeader>
              <TableRow>
                <TableHead>Provider</TableHead>
                <TableHead className="text-right">In / 1M</TableHead>
                <TableHead className="text-right">Out / 1M</TableHead>
                <TableHead className="text-right">Context</TableHead>
                <TableHead>Quant.</TableHead>
                <TableHead className="text-right">Uptime</TableHead>
                <TableHead className="text-right">Latency</TableHead>
                <TableHead className="text-right">Speed</TableHead>
              </TableRow>
            </TableHeader>
            <TableBody>
              {view.endpoints.map((endpoint) => (
                <TableRow key={endpoint.tag || endpoint.provider} data-testid="model-endpoint" data-provider={endpoint.provider}>
                  <TableCell data-testid="endpoint-provider" className="font-medium">
                    {endpoint.provider}
                  </TableCell>
                  <TableCell data-testid="endpoint-price-prompt" className="text-right tabular-nums">
                    {pricePerMillion(endpoint.pricing.prompt)}
                  </TableCell>
                  <TableCell data-testid="endpoint-price-completion" className="text-right tabular-nums">
                    {pricePerMillion(endpoint.pricing.completion)}
                  </TableCell>
                  <TableCell data-testid="endpoint-context" className="text-right tabular-nums">
                    {formatContextLength(endpoint.contextLength)}
                  </TableCell>
                  <TableCell data-testid="endpoint-quantization">{endpoint.quantization ?? "—"}</TableCell>
                  <TableCell data-testid="endpoint-uptime" className="text-right tabular-nums">
                    {formatUptime(endpoint.uptime30m)}
                  </TableCell>
                  <TableCell data-testid="endpoint-latency" className="text-right tabular-nums">
                    {formatLatency(endpoint.latencyP50)}
                  </TableCell>
                  <TableCell data-testid="endpoint-throughput" className="text-right tabular-nums">
                    {formatThroughput(endpoint.throughputP50)}
                  </TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
        ))}
    </section>
  );
}
