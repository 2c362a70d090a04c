"use client";

import { useId, useState } from "react";
import { Download } from "lucide-react";
import { Button } from "@/components/ui/button";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";

/** A date range and a download link for GET /api/spend/export.csv (both days inclusive, UTC). */
export function CsvExport({ defaultFrom, defaultTo }: { defaultFrom: string; defaultTo: string }) {
  const [from, setFrom] = useState(defaultFrom);
  const [to, setTo] = useState(defaultTo);
  const fromId = useId();
  const toId = useId();
  const valid = /^\d{4}-\d{2}-\d{2}$/.test(from) && /^\d{4}-\d{2}-\d{2}$/.test(to) && from <= to;
  const href = `/api/spend/export.csv?${new URLSearchParams({ from, to }).toString()}`;
  return (
    <div className="flex flex-wrap items-end gap-3" data-testid="csv-export-form">
      <div className="grid gap-1">
        <Label htmlFor={fromId}>From</Label>
        <Input
          id={fromId}
          type="date"
          value={from}
          max={to}
          onChange={(e) => setFrom(e.target.value)}
          className="dark:[color-scheme:dark]"
          data-testid="csv-from"
        />
      </div>
      <div className="grid gap-1">
        <Label htmlFor={toId}>To</Label>
        <Input
          id={toId}
          type="date"
          value={to}
          min={from}
          onChange={(e) => setTo(e.target.value)}
          className="dark:[color-scheme:dark]"
          data-testid="csv-to"
        />
      </div>
      {valid ? (
        <Button asChild variant="outline" className="gap-2">
          <a href={href} download data-testid="csv-export">
            <Download className="size-4" aria-hidden /> Download CSV
          </a>
        </Button>
      ) : (
        <Button variant="outline" className="gap-2" disabled data-testid="csv-export">
          <Download className="size-4" aria-hidden /> Download CSV
        </Button>
      )}
      <p className="basis-full text-xs text-muted-foreground">
        One line per answer (UTC times), with exact cost in USD and in nano-USD. Answers whose cost is still pending are marked.
      </p>
    </div>
  );
}
