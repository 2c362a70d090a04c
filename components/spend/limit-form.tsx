"use client";

import { useId, useState } from "react";
import { useRouter } from "next/navigation";
import { Button } from "@/components/ui/button";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { toast } from "@/components/ui/toaster";
import { describeError } from "@/lib/errors";
import { announceSpendChanged } from "./events";
import { formatUsd } from "@/lib/money";
import { nanoToUsdInput, parseUsdInput } from "@/lib/spend/format";
import type { BudgetStatus, Wire } from "@/lib/spend/types";

/** The user's own monthly limit: it can only lower the administrator's budget. */
export function LimitForm({ budget }: { budget: Wire<BudgetStatus> }) {
  const router = useRouter();
  const inputId = useId();
  const [value, setValue] = useState(nanoToUsdInput(budget.personalLimitNano));
  const [error, setError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);

  const save = async (limitNano: string | null) => {
    setSaving(true);
    setError(null);
    try {
      const response = await fetch("/api/spend/limit", {
        method: "PATCH",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ limitNano }),
      });
      if (!response.ok) {
        setError(describeError(await response.json().catch(() => null)).message);
        return;
      }
      toast({ title: limitNano === null ? "Personal limit removed" : "Personal limit saved", variant: "success" });
      if (limitNano === null) setValue("");
      // The sidebar's month-to-date shows the limit too.
      announceSpendChanged();
      router.refresh();
    } catch {
      setError("Could not save. Check your connection and try again.");
    } finally {
      setSaving(false);
    }
  };

  const submit = () => {
    if (value.trim() === "") return void save(null);
    let nano: bigint;
    try {
      nano = parseUsdInput(value);
    } catch (e) {
      setError((e as Error).message);
      return;
    }
    if (budget.adminBudgetNano !== null && nano > BigInt(budget.adminBudgetNano)) {
      setError(`Your personal limit can only lower your budget: the administrator allows ${formatUsd(budget.adminBudgetNano)} a month.`);
      return;
    }
    void save(nano.toString());
  };

  return (
    <form
      className="grid gap-2"
      onSubmit={(e) => {
        e.preventDefault();
        submit();
      }}
      data-testid="personal-limit-form"
    >
      <Label htmlFor={inputId}>Personal monthly limit (USD)</Label>
      <div className="flex flex-wrap items-center gap-2">
        <Input
          id={inputId}
          inputMode="decimal"
          placeholder={budget.adminBudgetNano !== null ? `at most ${nanoToUsdInput(budget.adminBudgetNano)}` : "no limit"}
          value={value}
          onChange={(e) => setValue(e.target.value)}
          className="w-40"
          aria-invalid={error !== null}
          aria-describedby={error ? `${inputId}-error` : undefined}
          data-testid="personal-limit-input"
        />
        <Button type="submit" disabled={saving} data-testid="personal-limit-save">
          Save
        </Button>
        {budget.personalLimitNano !== null && (
          <Button type="button" variant="ghost" disabled={saving} onClick={() => void save(null)} data-testid="personal-limit-clear">
            Remove
          </Button>
        )}
      </div>
      {error && (
        <p id={`${inputId}-error`} className="text-sm text-destructive" role="alert" data-testid="personal-limit-error">
          {error}
        </p>
      )}
    </form>
  );
}
